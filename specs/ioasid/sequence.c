/* SPDX-License-Identifier: MIT */
/*
 * IOASID.SEQ: random operation sequences run on the target and on the
 * abstract model (specs/models/ioasid_model.c), compared after every step
 * (siovh/model.h). The sequences come from the run's seed, so a failure
 * names the sequence's own seed, and siovh_seq_fill(seed, buf, len) gives
 * back the exact bytes to replay it.
 */
#include <stdlib.h>

#include "siovh/model.h"
#include "common.h"

#define SEQ_RUNS	1000
#define SEQ_OPS		128

static void run_sequences(struct siovh_check *check,
			  const struct siovh_ioasid_seq_config *cfg)
{
	struct siovh_target *t = siovh_check_target(check);
	uint8_t buf[SEQ_OPS * SIOVH_IOASID_OP_BYTES];
	uint64_t state = siovh_check_seed(check), seed;
	struct siovh_ioasid_seq *s = NULL;
	int i, err;

	ASSERT_OK(siovh_ioasid_seq_open(t, cfg, &s));
	for (i = 0; i < SEQ_RUNS; i++) {
		seed = siovh_seq_next(&state);
		siovh_seq_fill(seed, buf, sizeof(buf));
		err = siovh_ioasid_seq_run(s, buf, sizeof(buf));
		if (err) {
			FAIL("sequence %d (seed %#llx, %d ops) diverged from "
			     "the model: %s", i, (unsigned long long)seed,
			     SEQ_OPS, err > 0 ? siovh_ioasid_seq_report(s) :
						"engine error");
			break;
		}
	}
	siovh_note(check, "%d sequences, %llu operations compared", i,
		   (unsigned long long)siovh_ioasid_seq_ops(s));
	siovh_ioasid_seq_close(s);
}

SIOVH_CLAUSE(seq_model,
	.id = "IOASID.SEQ.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "1000 random sequences of 128 operations agree with the IOASID model after every step",
	.source = "derived: the contract of ioasid.h as an executable model (DESIGN.md, \"Model\")",
	.needs = NEEDS_IOASID, .timeout_ms = 120000)
{
	run_sequences(check, NULL);
}

SIOVH_CLAUSE(seq_model_tight,
	.id = "IOASID.SEQ.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "1000 random sequences on 3 sets in a 4-ID window with quotas up to 3 (exhaustion, pending IDs) agree with the model",
	.source = "derived: the contract of ioasid.h as an executable model (DESIGN.md, \"Model\")",
	.needs = NEEDS_IOASID, .timeout_ms = 120000)
{
	const struct siovh_ioasid_seq_config cfg = {
		.span = 4,
		.max_quota = 3,
		.nr_sets = 3,
	};

	run_sequences(check, &cfg);
}
