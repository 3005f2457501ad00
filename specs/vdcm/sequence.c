// SPDX-License-Identifier: MIT
/*
 * VDCM.SEQ: random VDEV lifecycle sequences (create/remove/open/release/
 * reset, region access, queue and IRQ set-up, migration states) run on the
 * target and on the VDEV model (specs/models/vdev_model.c), compared after
 * every step (specs/models/vdev_seq.h). The sequences come from the run's
 * seed; a failure names the sequence's own seed, and siovh_seq_fill(seed,
 * buf, len) gives back the exact bytes to replay it.
 */
#include "siovh/model.h"
#include "specs/models/vdev_seq.h"
#include "common.h"

#define SEQ_RUNS	500
#define SEQ_OPS		64

static void run_sequences(struct siovh_check *check,
			  const struct siovh_vdev_seq_config *cfg)
{
	struct siovh_target *t = siovh_check_target(check);
	const struct siovh_profile *p = must_profile(check);
	uint8_t buf[SEQ_OPS * SIOVH_VDEV_OP_BYTES];
	uint64_t state = siovh_check_seed(check) ^ 0x7d3e, seed;
	struct siovh_vdev_seq *s = NULL;
	uint32_t k;
	int i, err;

	/* the model drives queues through the siovh register protocol */
	for (k = 0; k < p->nr_types; k++)
		if (!siovh_profile_reg(&p->types[k], "mbox_cmd") ||
		    !siovh_profile_reg(&p->types[k], "q0_ctrl"))
			SKIP("type %s of the profile does not speak the siovh "
			     "VDEV register protocol (no mbox_cmd/q0_ctrl "
			     "register), which the sequences drive",
			     p->types[k].name);
	ASSERT_OK(siovh_vdev_seq_open(t, p, cfg, &s));
	for (i = 0; i < SEQ_RUNS; i++) {
		seed = siovh_seq_next(&state);
		siovh_seq_fill(seed, buf, sizeof(buf));
		err = siovh_vdev_seq_run(s, buf, sizeof(buf));
		if (err) {
			FAIL("sequence %d (seed %#llx, %d ops) diverged from "
			     "the VDEV model: %s", i, (unsigned long long)seed,
			     SEQ_OPS, err > 0 ? siovh_vdev_seq_report(s) :
						"engine error");
			break;
		}
	}
	siovh_note(check, "%d sequences, %llu operations compared", i,
		   (unsigned long long)siovh_vdev_seq_ops(s));
	siovh_vdev_seq_close(s);
}

SIOVH_CLAUSE(seq_model,
	.id = "VDCM.SEQ.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "500 random sequences of 64 VDEV lifecycle operations on 4 VDEV slots agree with the VDEV model after every step",
	.source = SEED000 "\"VDEV lifecycle management with VDCM\" (Create, Assign, Run-time access, Reset, Release, Remove) as an executable model",
	.needs = NEEDS_VDEV, .timeout_ms = 120000)
{
	run_sequences(check, NULL);
}

SIOVH_CLAUSE(seq_model_tight,
	.id = "VDCM.SEQ.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "500 random sequences on 6 VDEV slots drawing from 3 UUIDs (exhausted ADIs, duplicate UUIDs) agree with the VDEV model",
	.source = SEED000 "\"VDEV lifecycle management with VDCM\" (Create <Vdev type/uuid>) as an executable model",
	.needs = NEEDS_VDEV, .timeout_ms = 120000)
{
	const struct siovh_vdev_seq_config cfg = { .slots = 6, .uuids = 3 };

	run_sequences(check, &cfg);
}
