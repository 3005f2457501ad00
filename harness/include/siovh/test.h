/* SPDX-License-Identifier: MIT */
/*
 * The test-only introspection facet: what a check may look at but a real
 * user of the API cannot, like the kernel's IOMMU_TEST_CMD. A check that needs
 * it declares SIOVH_FEAT_TEST_IOASID and is skipped on targets without it.
 */
#ifndef SIOVH_TEST_H
#define SIOVH_TEST_H

#include <stdint.h>

#include "ioasid.h"

enum siovh_ioasid_state {
	SIOVH_IOASID_STATE_FREE = 0,	/* allocatable */
	SIOVH_IOASID_STATE_ACTIVE = 1,
	SIOVH_IOASID_STATE_FREE_PENDING = 2, /* freed, references outstanding */
};

struct siovh_ioasid_probe {
	enum siovh_ioasid_state state;
	uint32_t refs;
	siovh_ioasid_t spid;		/* SIOVH_INVALID_IOASID if none */
	struct siovh_ioasid_set *set;	/* NULL when FREE */
	void *private;
};

struct siovh_ioasid_set_probe {
	uint32_t quota;
	uint32_t nr_ids;		/* active + free-pending IDs */
	uint32_t refs;
};

struct siovh_test_ops {
	/* Any ID in [0, capacity); -EINVAL beyond. */
	int (*ioasid_probe)(struct siovh_target *t, siovh_ioasid_t id,
			    struct siovh_ioasid_probe *out);
	int (*ioasid_set_probe)(struct siovh_target *t,
				struct siovh_ioasid_set *set,
				struct siovh_ioasid_set_probe *out);
};

#endif /* SIOVH_TEST_H */
