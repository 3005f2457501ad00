/* SPDX-License-Identifier: MIT */
/*
 * The runner under stress: a stop signal in the middle of a run, too few
 * file descriptors for --jobs, and signal handlers interrupting its system
 * calls. After each, no child is left and no fd leaked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "selftest.h"

int selftest_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;		/* the directory's own fd */
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* True when the calling process has no child left, zombie or not. */
static bool no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/*
 * Reap a reparented orphan within `ms`: its wait status, or -1. We are the
 * subreaper, so a grandchild whose parent died comes to us.
 */
static int reap_orphan(int ms)
{
	int status;

	for (; ms > 0; ms -= 10) {
		if (waitpid(-1, &status, WNOHANG) > 0)
			return status;
		usleep(10000);
	}
	return -1;
}

/*
 * SELFTEST.STOP.1 signals the runner and hangs, with a grandchild in its
 * process group. The run must end at once with -EINTR, the check and its
 * grandchild SIGKILLed (PR_SET_PDEATHSIG alone would spare the grandchild).
 */
static void test_stop(struct tap *t)
{
	const struct siovh_clause *c = selftest_clause("SELFTEST.STOP.1");
	struct siovh_run_opts opts = { .jobs = 1, .timeout_scale = 1.0 };
	struct timespec zero = { 0 };
	struct siovh_target_spec spec;
	sigset_t stop, old;
	struct siovh_run run;
	uint64_t start;
	int ret, fds, status;

	sigemptyset(&stop);
	sigaddset(&stop, ST_STOP_SIGNAL);
	sigprocmask(SIG_BLOCK, &stop, &old);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	opts.stop_signals = &stop;
	selftest_spec(&spec, NULL);
	fds = selftest_fd_count();
	start = now_ns();
	ret = c ? siovh_run_clauses(&spec, &c, 1, &opts, &run) : -ENOENT;
	tap_ok(t, ret == -EINTR &&
		  now_ns() - start < (ST_ORPHAN_ALARM_S - 2) * 1000000000ull,
	       "a stop signal ends the run at once with -EINTR (%d)", ret);
	status = reap_orphan(2000);
	tap_ok(t, status != -1 && WIFSIGNALED(status) &&
		  WTERMSIG(status) == SIGKILL && no_children(),
	       "the stopped check's grandchild was SIGKILLed (status %#x)",
	       status);
	tap_ok(t, selftest_fd_count() == fds,
	       "no fd leaks from a stopped run");
	tap_ok(t, sigtimedwait(&stop, NULL, &zero) == ST_STOP_SIGNAL,
	       "the stop signal is left pending for the caller");
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

#define ST_MANY 24

/*
 * More jobs than file descriptors allow: the runner runs fewer at once
 * instead of failing, and every child still gets its stdio and result pipe.
 */
static void test_few_fds(struct tap *t)
{
	const struct siovh_clause *c = selftest_clause("SELFTEST.KT.2");
	const struct siovh_clause *list[ST_MANY];
	struct siovh_run_opts opts = { .jobs = ST_MANY, .timeout_scale = 1.0 };
	struct siovh_target_spec spec;
	struct rlimit old, low;
	struct siovh_run run;
	int ret, fds, i;

	for (i = 0; i < ST_MANY; i++)
		list[i] = c;
	selftest_spec(&spec, NULL);
	fds = selftest_fd_count();
	if (!c || fds < 0 || getrlimit(RLIMIT_NOFILE, &old)) {
		tap_ok(t, false, "fd limit test set-up");
		return;
	}
	/* Room for two checks (3 fds each) but not for starting a third. */
	low = old;
	low.rlim_cur = (rlim_t)fds + 9;
	setrlimit(RLIMIT_NOFILE, &low);
	ret = siovh_run_clauses(&spec, list, ST_MANY, &opts, &run);
	setrlimit(RLIMIT_NOFILE, &old);
	if (!tap_ok(t, !ret && run.passed == ST_MANY,
		    "%d jobs with fds for 2: all %d checks pass (%d: %zu passed)",
		    ST_MANY, ST_MANY, ret, ret ? 0 : run.passed))
		for (i = 0; !ret && i < ST_MANY; i++)
			if (run.results[i].status != SIOVH_PASS)
				tap_diag("%d: %s", i, run.results[i].reason ?
					 run.results[i].reason : "(no reason)");
	tap_ok(t, selftest_fd_count() == fds && no_children(),
	       "no fd and no child left after the fd-starved run");
	if (!ret)
		siovh_run_free(&run);
}

static bool fd_free(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/*
 * The child's pipe ends are the highest fd numbers the limit allows: every
 * free number below the first four free consecutive ones (from 3) is
 * taken, and the limit ends right after those four, so the one check's
 * pipes get them. The child must still arrange its stdio. (The CI failure
 * of "jobs with fds for 2" was this case, reached by chance when earlier
 * checks' closed pipes left holes and the child wanted numbers >= 10.)
 */
static void test_top_fds(struct tap *t)
{
	const struct siovh_clause *c = selftest_clause("SELFTEST.KT.2");
	struct siovh_run_opts opts = { .jobs = 1, .timeout_scale = 1.0 };
	int fill[64], nfill = 0, ret = -1, top = 3, fd, i;
	struct siovh_target_spec spec;
	struct rlimit old, low;
	struct siovh_run run;

	selftest_spec(&spec, NULL);
	while (top < 60 && !(fd_free(top) && fd_free(top + 1) &&
			     fd_free(top + 2) && fd_free(top + 3)))
		top++;
	if (!c || top >= 60 || getrlimit(RLIMIT_NOFILE, &old)) {
		tap_ok(t, false, "top fd numbers: set-up");
		return;
	}
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0 &&
	       fd < top)
		fill[nfill++] = fd;
	if (fd >= 0)
		close(fd);		/* that is one of the four */
	low = old;
	low.rlim_cur = (rlim_t)top + 4;
	if (!setrlimit(RLIMIT_NOFILE, &low)) {
		ret = siovh_run_clauses(&spec, &c, 1, &opts, &run);
		setrlimit(RLIMIT_NOFILE, &old);
	}
	for (i = 0; i < nfill; i++)
		close(fill[i]);
	tap_ok(t, !ret && run.passed == 1,
	       "a check whose pipes get the highest fd numbers below the limit (%d) passes (%d: %s)",
	       top + 4, ret, ret ? "-" : run.results[0].reason ?
	       run.results[0].reason : "no reason");
	if (!ret)
		siovh_run_free(&run);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A caller with a signal handler (no SA_RESTART) and a 1 ms interval timer:
 * poll(), read() and waitpid() keep failing with EINTR, and the results must
 * be the same as without it.
 */
static void test_eintr(struct tap *t, const struct siovh_run *ref)
{
	static const char *const ids[] = {
		"SELFTEST.PASS.1", "SELFTEST.EXPECT.1", "SELFTEST.OUTPUT.BIG",
		"SELFTEST.HANG.1", "SELFTEST.SKIP.1", "SELFTEST.CRASH.SEGV",
	};
	const size_t n = sizeof(ids) / sizeof(ids[0]);
	const struct siovh_clause *list[sizeof(ids) / sizeof(ids[0])];
	struct siovh_run_opts opts = {
		.jobs = 2, .seed = 1234, .timeout_scale = 1.0,
	};
	struct itimerval tick = {
		.it_interval = { .tv_usec = 1000 },
		.it_value = { .tv_usec = 1000 },
	}, off = { 0 };
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct siovh_target_spec spec;
	struct siovh_run run;
	bool same = true;
	size_t i;
	int ret;

	for (i = 0; i < n; i++)
		list[i] = selftest_clause(ids[i]);
	selftest_spec(&spec, NULL);
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &tick, NULL);
	ret = siovh_run_clauses(&spec, list, n, &opts, &run);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	for (i = 0; !ret && i < n; i++) {
		const struct siovh_result *a = &run.results[i];
		const struct siovh_result *b = selftest_find(ref, ids[i]);

		if (b && a->status == b->status &&
		    a->nr_messages == b->nr_messages &&
		    a->output_len == b->output_len &&
		    !strcmp(a->reason ? a->reason : "", b->reason ? b->reason : ""))
			continue;
		tap_diag("%s differs under EINTR: %s, reason '%s'", ids[i],
			 siovh_status_name(a->status),
			 a->reason ? a->reason : "(null)");
		same = false;
	}
	tap_ok(t, !ret && same,
	       "EINTR from a signal every 1 ms changes no result (%d)", ret);
	if (!ret)
		siovh_run_free(&run);
}

void test_robustness(struct tap *t, const struct siovh_run *ref)
{
	test_stop(t);
	test_few_fds(t);
	test_top_fds(t);
	test_eintr(t, ref);
}
