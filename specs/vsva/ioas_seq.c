// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.SEQ: random sequences of IOAS operations (MAP with and without
 * FIXED_IOVA, UNMAP, COPY, ALLOW_IOVAS) on two IOASes, run on the target's
 * /dev/iommu and on the IOAS model (specs/models/ioas_model.h), compared
 * after every step; after every step a VDEV attached to a HWPT over the
 * first IOAS does DMA at probe IOVAs, and every result must be the one the
 * model's translation gives (specs/models/ioas_seq.h). The sequences come
 * from the run's seed; a failure names the sequence's own seed, and
 * ioas_seq_run_seed(s, seed, SEQ_OPS) replays it.
 */
#include "siovh/model.h"
#include "siovh/spec.h"
#include "specs/models/ioas_seq.h"

#define SEQ_RUNS	50
#define SEQ_OPS		200

#define NEEDS_IOAS_SEQ (SIOVH_FEAT_IOMMUFD | SIOVH_FEAT_VFIO_DEVICE | \
			SIOVH_FEAT_REF_ENGINE | SIOVH_FEAT_PCI_CONFIG)
#define SRC_IOAS_SEQ "003_222a486c75d01bfb.txt, \"IOMMU FD\" (IOAS; DMA " \
	"map/unmap from userspace); linux/iommufd.h, IOMMU_IOAS_MAP / " \
	"UNMAP / COPY / ALLOW_IOVAS"

static void run_sequences(struct siovh_check *check,
			  const struct ioas_seq_config *cfg, uint64_t salt)
{
	struct siovh_target *t = siovh_check_target(check);
	uint64_t state = siovh_check_seed(check) ^ salt, seed = 0;
	struct ioas_seq *s = NULL;
	struct ioas_seq_stats st;
	int i, err = 0;

	ASSERT_OK(ioas_seq_open(t, cfg, &s));
	for (i = 0; i < SEQ_RUNS && !err; i++) {
		seed = siovh_seq_next(&state);
		err = ioas_seq_run_seed(s, seed, SEQ_OPS);
	}
	if (err)
		FAIL("sequence %d (seed %#llx, %d ops) diverged from the IOAS "
		     "model: %s", i - 1, (unsigned long long)seed, SEQ_OPS,
		     err > 0 ? ioas_seq_report(s) : "engine error");
	ioas_seq_stats(s, &st);
	siovh_note(check, "%d sequences: %llu operations compared (%llu "
		   "succeeded), %llu DMA probes (%llu completed, the rest "
		   "faulted as predicted)", i, (unsigned long long)st.ops,
		   (unsigned long long)st.ops_ok,
		   (unsigned long long)st.probes,
		   (unsigned long long)st.probes_ok);
	ioas_seq_close(s);
}

SIOVH_CLAUSE(ioas_seq_dma,
	.id = "IOMMUFD.SEQ.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "50 random sequences of 200 IOAS operations (map fixed and chosen, unmap, copy, allowed IOVAs) agree with the IOAS model after every step, and every DMA of a device attached to the IOAS faults or lands exactly where the model's translation says",
	.source = SRC_IOAS_SEQ,
	.needs = NEEDS_IOAS_SEQ, .timeout_ms = 60000)
{
	run_sequences(check, NULL, 0x10a5);
}

SIOVH_CLAUSE(ioas_seq_copy_ro,
	.id = "IOMMUFD.SEQ.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "50 random sequences of 200 IOAS operations weighted to copies and read-only mappings agree with the IOAS model; a DMA write through a read-only mapping faults and leaves memory untouched, a read through it returns the mapped bytes",
	.source = SRC_IOAS_SEQ ", IOMMU_IOAS_MAP_WRITEABLE",
	.needs = NEEDS_IOAS_SEQ, .timeout_ms = 60000)
{
	const struct ioas_seq_config cfg = { .mix = IOAS_SEQ_MIX_COPY_RO };

	run_sequences(check, &cfg, 0x2c0b);
}
