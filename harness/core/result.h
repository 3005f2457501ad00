/* SPDX-License-Identifier: MIT */
/*
 * Collecting one check's result in the parent (result.c): decoding the
 * child's frames as they arrive, then deciding the verdict once the child
 * has been reaped. Internal to harness/core.
 */
#ifndef SIOVH_CORE_RESULT_H
#define SIOVH_CORE_RESULT_H

#include "internal.h"

struct siovh_collect {
	struct siovh_result *res;
	uint64_t start_ns, end_ns;	/* fork, reap */
	bool timed_out;			/* set by the runner when it killed */
	bool done;			/* DONE frame seen */
	bool garbled;			/* a malformed frame: ignore the rest */
	char *skip;
	char *error;
	size_t notes_dropped;
	size_t len;
	char buf[sizeof(struct siovh_frame) + SIOVH_FRAME_MAX];
};

void siovh_collect_init(struct siovh_collect *col, struct siovh_result *res,
			const struct siovh_clause *clause);
/*
 * One read() from fd, decoding every complete frame. 0 when something was
 * read, -EAGAIN when nothing was there, -EPIPE at EOF, -ENOMEM, or another
 * -errno from read().
 */
int siovh_collect_read(struct siovh_collect *col, struct siovh_run *run,
		       int fd);
/* The child is reaped with wait status `status`: fill in the result. */
int siovh_collect_finish(struct siovh_collect *col,
			 const struct siovh_capture *cap, int status,
			 unsigned int timeout_ms);
/* Set run->passed/failed/skipped from the results. */
void siovh_run_count(struct siovh_run *run);

#endif /* SIOVH_CORE_RESULT_H */
