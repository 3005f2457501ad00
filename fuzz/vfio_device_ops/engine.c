// SPDX-License-Identifier: MIT
/*
 * The VDEV sequence engines of the vfio_device_ops target, kept across
 * inputs (engine.h).
 *
 * Why: siovh_vdev_seq_open() makes an eventfd for every vector of every
 * slot (4 x 17 by default, 6 x 17 in the tight configuration) and close
 * closes them; perf on the libFuzzer binary put eventfd() and close() at
 * half of an input's time once the ref target itself was kept.
 *
 * Why reuse is sound: the engine's contract (vdev_seq.h) is that a run
 * which returns 0 leaves it usable for the next one; VDCM.SEQ runs 500
 * sequences on one engine. After such a run every slot is removed and the
 * model's slots are empty (its teardown compares that); a slot's model
 * state is zeroed when a VDEV is created into it. What the engine carries
 * from one run to the next besides is the count in each of its eventfds:
 * it reads (and so empties) the eventfds of open slots after every step,
 * but a signal after the last read, while a VDEV is released, would stay
 * and be read as the next input's. So after each run the engine's
 * eventfds are polled, all at once; one that is readable, or an engine
 * whose descriptors could not be told apart from others, is closed and a
 * new one opened before the input returns. The eventfds are told apart
 * as the descriptors siovh_vdev_seq_open() added, which must all be
 * eventfds (/proc/self/fd).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specs/models/vdev_model.h"
#include "fuzz/common/fuzz.h"
#include "engine.h"

#define MAX_FD		4096
#define MAX_EFDS	(VDEV_MODEL_SLOTS * VDEV_MODEL_VECS)
#define EVENTFD_LINK	"anon_inode:[eventfd]"

struct engine {
	struct siovh_vdev_seq *s;
	bool tight;
	unsigned long gen;		/* fz_ref_generation() at open */
	bool known;			/* efds are all of its descriptors */
	struct pollfd efds[MAX_EFDS];
	nfds_t nr_efds;
};

static struct engine engines[2];	/* default, tight */

/*
 * The open descriptors of this process below MAX_FD but the one reading
 * the list; false if there are any above.
 */
static bool open_fds(uint8_t set[MAX_FD])
{
	struct dirent *e;
	bool all = true;
	char *end;
	DIR *d;
	long fd;

	memset(set, 0, MAX_FD);
	d = opendir("/proc/self/fd");
	if (!d)
		fz_fail("/proc/self/fd: %s", strerror(errno));
	while ((e = readdir(d))) {
		fd = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end || fd < 0 || fd == dirfd(d))
			continue;
		if (fd < MAX_FD)
			set[fd] = 1;
		else
			all = false;
	}
	closedir(d);
	return all;
}

static bool is_eventfd(int fd)
{
	char path[64], link[sizeof(EVENTFD_LINK)];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link));
	return n == (ssize_t)sizeof(EVENTFD_LINK) - 1 &&
	       !memcmp(link, EVENTFD_LINK, (size_t)n);
}

static void engine_open(struct engine *e, struct siovh_target *t,
			const struct siovh_profile *p)
{
	static const struct siovh_vdev_seq_config tight_cfg = {
		.slots = 6, .uuids = 3,
	};
	static uint8_t before[MAX_FD], after[MAX_FD];
	bool all;
	int fd, ret;

	all = open_fds(before);
	ret = siovh_vdev_seq_open(t, p, e->tight ? &tight_cfg : NULL, &e->s);
	if (ret)
		fz_fail("opening the VDEV sequence engine: %d", ret);
	all = open_fds(after) && all;
	e->gen = fz_ref_generation();
	e->nr_efds = 0;
	e->known = all;
	for (fd = 0; fd < MAX_FD && e->known; fd++) {
		if (!after[fd] || before[fd])
			continue;
		if (!is_eventfd(fd) || e->nr_efds == MAX_EFDS) {
			e->known = false;
			break;
		}
		e->efds[e->nr_efds++] = (struct pollfd){ .fd = fd,
							 .events = POLLIN };
	}
}

static void engine_close(struct engine *e)
{
	siovh_vdev_seq_close(e->s);
	e->s = NULL;
}

/* No eventfd of the engine holds a signal nobody read. */
static bool engine_quiet(struct engine *e)
{
	int n;

	if (!e->known)
		return false;
	do {
		n = poll(e->efds, e->nr_efds, 0);
	} while (n < 0 && errno == EINTR);
	return n == 0;
}

struct siovh_vdev_seq *engine_get(struct siovh_target *t,
				  const struct siovh_profile *p, bool tight)
{
	struct engine *e = &engines[tight];

	e->tight = tight;
	if (e->s && e->gen != fz_ref_generation())
		engine_close(e);
	if (!e->s)
		engine_open(e, t, p);
	return e->s;
}

void engine_put(struct siovh_target *t, const struct siovh_profile *p,
		struct siovh_vdev_seq *s)
{
	struct engine *e;
	size_t i;

	for (i = 0; i < 2; i++) {
		e = &engines[i];
		if (!e->s)
			continue;
		/*
		 * Replaced in the same input, not at the next one's start:
		 * libFuzzer's -detect_leaks counts mallocs against frees per
		 * input. The engine of the other configuration is stale too
		 * when the target was reopened.
		 */
		if ((e->s == s && !engine_quiet(e)) ||
		    e->gen != fz_ref_generation()) {
			engine_close(e);
			engine_open(e, t, p);
		}
	}
}
