// SPDX-License-Identifier: MIT
/*
 * VSVA.PRQ.SEQ.1: random page request sequences (block-on-fault
 * descriptors on a VDEV's queues, fault queue reads, SUCCESS and INVALID
 * responses, bogus responses, queue resets, guest map/unmap, fault queue
 * replacement) run on the target and on the page request model
 * (specs/models/prq_model.h), compared after every step
 * (specs/models/prq_seq.h). The sequences come from the run's seed; a
 * failure names the sequence's own seed, and siovh_seq_fill(seed, buf,
 * len) gives back the exact bytes to replay it.
 */
#include "siovh/model.h"
#include "specs/models/prq_seq.h"
#include "prq.h"

#define SEQ_RUNS	40
#define SEQ_OPS		120

SIOVH_CLAUSE(prq_seq_model,
	.id = "VSVA.PRQ.SEQ.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "40 random sequences of 120 page request operations on a VDEV's queues (requests, reads, responses good and bogus, queue resets, guest unmaps, fault queue replacement) agree with the page request model after every step",
	.source = SRC_PRQ "; " SRC_FAULTQ "; " SRC_PRESP " (as an executable model)",
	.needs = NEEDS_PRQ, .timeout_ms = 120000)
{
	struct siovh_target *t = siovh_check_target(check);
	const struct siovh_profile *p = must_profile(check);
	uint8_t buf[SEQ_OPS * PRQ_SEQ_OP_BYTES];
	uint64_t state = siovh_check_seed(check) ^ 0x9a7e, seed, ops = 0;
	struct prq_seq *s;
	int i, err, ret;

	if (!t->iommufd || !t->iommufd->fault_read)
		SKIP("the iommufd facet has no fault queues");
	for (i = 0; i < SEQ_RUNS; i++) {
		seed = siovh_seq_next(&state);
		siovh_seq_fill(seed, buf, sizeof(buf));
		ret = prq_seq_open(t, p, &s);
		if (ret == -EOPNOTSUPP || ret == -ENODEV)
			SKIP("no VDEV type with a portal and the fault queue calls (%d)",
			     ret);
		ASSERT_OK(ret);
		err = prq_seq_run_bytes(s, buf, sizeof(buf));
		ops += prq_seq_ops(s);
		if (err)
			FAIL("sequence %d (seed %#llx, %d ops) diverged from the page request model: %s",
			     i, (unsigned long long)seed, SEQ_OPS,
			     err > 0 ? prq_seq_report(s) : "engine error");
		prq_seq_close(s);
		if (err)
			break;
		drain_faults(check);
	}
	siovh_note(check, "%d sequences, %llu operations compared", i,
		   (unsigned long long)ops);
}
