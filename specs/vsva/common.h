/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the vSVA clauses (specs/vsva): a VDEV opened through
 * the vfio_device facet, bound to the target's /dev/iommu, its RID (the
 * default PASID) attached to a paging HWPT over an IOAS that maps a
 * buffer of user memory, and guest PASIDs attached to that HWPT. Helpers
 * named must_* end the check when the set-up fails.
 */
#ifndef SIOVH_SPECS_VSVA_COMMON_H
#define SIOVH_SPECS_VSVA_COMMON_H

#include <stdint.h>

#include "../iommufd/common.h"
#include "../vdcm/engine.h"

#define SEED000V "000_6bc20b151d18e797.txt, "
#define SEED001V "001_31fd9bc1970018d6.txt, "
#define SEED002V "002_8f8460c655ed46df.txt, "
#define SRC_VSVA SEED000V "\"Intel Scalable IOV & vSVA\""
#define SRC_SVA_FLOW SEED001V "\"Guest SVA\" (VDCM PASID management)"

#define NEEDS_SVA (NEEDS_ENGINE | SIOVH_FEAT_IOMMUFD)

/* Queue PASID register (the reference VDEV's layout, vdev_regs.h). */
#define QPASID_EN		(1u << 31)
#define QSTS_PASID_ERR		(1u << 2)
#define ECAP_PASID_ID		0x1b

#define SVA_PAGES		8	/* user memory mapped at iova */

struct sva {
	struct vd d;
	uint32_t devid, ioas, hwpt;
	struct dma_buf buf;		/* SVA_PAGES mapped at buf.iova */
	uint32_t default_pasid;
};

/*
 * A VDEV of a profile type with at least min_queues queues, open, bound,
 * its default PASID attached to a paging HWPT over a fresh IOAS that maps
 * buf. The VDEV's PASID capability is enabled when vpasid is true.
 */
void must_sva(struct siovh_check *check, struct sva *s, uint32_t min_queues,
	      bool vpasid);
/* VFIO_DEVICE_ATTACH_IOMMUFD_PT / DETACH with the PASID flag. */
int sva_pasid_attach(struct siovh_check *check, struct sva *s,
		     uint32_t pasid, uint32_t pt_id);
int sva_pasid_detach(struct siovh_check *check, struct sva *s,
		     uint32_t pasid);
/* The queue-q PASID register and STATUS. */
void qpasid_wr(struct siovh_check *check, struct sva *s, uint32_t q,
	       uint32_t val);
uint32_t qpasid_rd(struct siovh_check *check, struct sva *s, uint32_t q);
uint32_t qstatus(struct siovh_check *check, struct sva *s, uint32_t q);
/* The parent ADI behind queue q (no re-allocation: the q-th held). */
uint32_t sva_adi(struct siovh_check *check, struct sva *s, uint32_t q);
/* The PASID the last DMA of adi carried, from the event log; -1: none. */
int64_t last_dma_pasid(struct siovh_check *check, uint32_t adi);

#endif /* SIOVH_SPECS_VSVA_COMMON_H */
