/* SPDX-License-Identifier: MIT */
/*
 * The runner's parent side: start up to `jobs` children, multiplex their
 * output pipes, result pipes and pidfds with poll(), enforce deadlines, and
 * turn what each child left behind into a result (result.c).
 *
 * Every fd the parent opens is O_CLOEXEC, and each child closes every fd but
 * its own stdio and result pipe, so one child never holds another child's
 * pipes open. When a child's pidfd turns readable, its process group is
 * SIGKILLed (stray grandchildren), it is reaped, and whatever it wrote is
 * drained from the pipes without waiting for EOF.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "result.h"

struct slot {
	bool busy;
	size_t index;
	pid_t pid;
	int pidfd, out_fd, res_fd;
	uint64_t deadline_ns;
	unsigned int timeout_ms;
	struct siovh_capture cap;
	struct siovh_collect col;
};

enum pfd_kind { PFD_OUTPUT, PFD_RESULTS, PFD_PIDFD, PFD_STOP };

struct pfd_ref {
	struct slot *slot;
	enum pfd_kind kind;
};

struct runner {
	const struct siovh_target_spec *spec;
	const struct siovh_run_opts *opts;
	struct siovh_run *run;
	struct slot *slots;
	unsigned int nr_slots;
	struct pollfd *pfd;		/* 3 per slot, and the stop fd */
	struct pfd_ref *pfd_ref;	/* which slot and fd each pfd is */
	int stop_fd;			/* signalfd of opts->stop_signals */
	size_t done;
};

static double timeout_scale(const struct siovh_run_opts *opts)
{
	const char *env;
	char *end;
	double v;

	if (opts && opts->timeout_scale > 0)
		return opts->timeout_scale;
	env = getenv("SIOVH_TIMEOUT_SCALE");
	if (!env || !*env)
		return 1.0;
	errno = 0;
	v = strtod(env, &end);
	if (errno || *end || !(v > 0) || !isfinite(v))
		return 1.0;
	return v;
}

unsigned int siovh_clause_timeout_ms(const struct siovh_clause *clause,
				     const struct siovh_run_opts *opts)
{
	unsigned int base = SIOVH_DEFAULT_TIMEOUT_MS;
	double ms;

	if (clause->timeout_ms)
		base = clause->timeout_ms;
	else if (opts && opts->timeout_ms)
		base = opts->timeout_ms;
	ms = base * timeout_scale(opts);
	if (ms < 1)
		return 1;
	if (ms > 86400000.0)
		return 86400000u;
	return (unsigned int)ms;
}

/* ---- child ------------------------------------------------------------- */

/*
 * Line-buffer stdout so that what a check printed before crashing is in the
 * pipe. glibc only honours _IOLBF on a stream already used (by the parent)
 * when it is handed a buffer, which then lives as long as the child.
 */
static void child_stdio(void)
{
	char *buf = malloc(BUFSIZ);

	if (!buf || setvbuf(stdout, buf, _IOLBF, BUFSIZ)) {
		free(buf);
		setvbuf(stdout, NULL, _IONBF, 0);
	}
	setvbuf(stderr, NULL, _IONBF, 0);
}

/* close_range(), or one by one on kernels before 5.9. */
static void close_fds(unsigned int first, unsigned int last)
{
	unsigned int fd;

	if (first > last || !close_range(first, last, 0))
		return;
	for (fd = first; fd <= last && fd < 4096; fd++)
		close((int)fd);
}

/*
 * Close every fd but a and b, first thing in the child: it inherits as many
 * fds as the parent holds, so with a tight RLIMIT_NOFILE it has none to
 * spare until the other children's pipes and pidfds are gone.
 */
static void close_all_but(int a, int b)
{
	unsigned int lo = (unsigned int)(a < b ? a : b);
	unsigned int hi = (unsigned int)(a < b ? b : a);

	if (lo)
		close_fds(0, lo - 1);
	close_fds(lo + 1, hi - 1);
	close_fds(hi + 1, ~0u);
}

/*
 * fds 0 = /dev/null, 1 and 2 = out_w, 3 = res_w, nothing else. With our
 * stdio closed the pipe ends may be anywhere, 0..3 included, and with a
 * tight RLIMIT_NOFILE they may be the highest numbers allowed: so they are
 * moved only into 0..3, never above, and no step needs a free number the
 * limit might forbid.
 */
static int child_fds(int out_w, int res_w)
{
	int fd;

	close_all_but(out_w, res_w);
	if (out_w == 3) {	/* res_w's place: into 0..2, one is free */
		fd = fcntl(out_w, F_DUPFD, 0);
		if (fd < 0)
			return -1;
		close(out_w);
		out_w = fd;
	}
	if (res_w != 3) {
		if (dup2(res_w, 3) < 0)
			return -1;
		close(res_w);
	}
	if (dup2(out_w, 1) < 0 || dup2(out_w, 2) < 0)
		return -1;
	if (out_w == 0 || out_w > 3)
		close(out_w);
	return open("/dev/null", O_RDONLY) == 0 ? 0 : -1;
}

__attribute__((noreturn))
static void child_main(struct runner *r, size_t index, pid_t parent,
		       int out_w, int res_w)
{
	sigset_t none;

	if (setpgid(0, 0) || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (child_fds(out_w, res_w))
		_exit(127);
	child_stdio();
	siovh_child_run(r->spec, r->run->clauses[index], r->run->seed, 3);
}

/* ---- starting ---------------------------------------------------------- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int slot_start(struct runner *r, struct slot *s, size_t index)
{
	const struct siovh_clause *clause = r->run->clauses[index];
	int out[2] = { -1, -1 }, res[2] = { -1, -1 };
	pid_t parent = getpid();
	int ret;

	if (pipe2(out, O_CLOEXEC) || pipe2(res, O_CLOEXEC) ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(res[0], F_SETFL, O_NONBLOCK))
		goto err_close;
	fflush(NULL);	/* else the child would re-emit our buffered output */
	siovh_capture_reset(&s->cap);
	siovh_collect_init(&s->col, &r->run->results[index], clause);
	s->col.start_ns = siovh_now_ns();
	s->pid = fork();
	if (s->pid < 0)
		goto err_close;
	if (s->pid == 0)
		child_main(r, index, parent, out[1], res[1]);
	setpgid(s->pid, s->pid);	/* the child does it too; no race */
	close_fd(&out[1]);
	close_fd(&res[1]);
	s->pidfd = pidfd_open(s->pid, 0);
	if (s->pidfd < 0)
		goto err_kill;
	s->out_fd = out[0];
	s->res_fd = res[0];
	s->index = index;
	s->timeout_ms = siovh_clause_timeout_ms(clause, r->opts);
	s->deadline_ns = s->col.start_ns + s->timeout_ms * 1000000ull;
	s->busy = true;
	return 0;

err_kill:
	ret = -errno;
	kill(-s->pid, SIGKILL);
	kill(s->pid, SIGKILL);
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	goto err_fds;
err_close:
	ret = -errno;
err_fds:
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&res[0]);
	close_fd(&res[1]);
	return ret;
}

/* ---- reading ----------------------------------------------------------- */

/*
 * Read what a pipe has now, at most `rounds` read()s, so that a child
 * writing without pause cannot starve the other children or the deadline
 * checks. Closes the fd at EOF. 0 or -errno.
 */
#define DRAIN_ROUNDS 16		/* per poll() wakeup: up to 1 MiB */
#define DRAIN_ROUNDS_LAST 1024	/* after the reap: whatever is left */

static int drain_output(struct slot *s, int rounds)
{
	char buf[65536];
	ssize_t n;

	while (s->out_fd >= 0 && rounds-- > 0) {
		n = read(s->out_fd, buf, sizeof(buf));
		if (n > 0) {
			siovh_capture_add(&s->cap, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		close_fd(&s->out_fd);	/* EOF, or an error: stop reading */
	}
	return 0;
}

static int drain_results(struct runner *r, struct slot *s, int rounds)
{
	int ret;

	while (s->res_fd >= 0 && rounds-- > 0) {
		ret = siovh_collect_read(&s->col, r->run, s->res_fd);
		if (ret == -EAGAIN)
			return 0;
		if (ret == -ENOMEM)
			return ret;
		if (ret)		/* EOF or a read error */
			close_fd(&s->res_fd);
	}
	return 0;
}

static int slot_finish(struct runner *r, struct slot *s)
{
	struct siovh_result *res = &r->run->results[s->index];
	int status = 0, ret;

	kill(-s->pid, SIGKILL);		/* the leader is a zombie: strays only */
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->col.end_ns = siovh_now_ns();
	ret = drain_output(s, DRAIN_ROUNDS_LAST);
	if (!ret)
		ret = drain_results(r, s, DRAIN_ROUNDS_LAST);
	close_fd(&s->out_fd);
	close_fd(&s->res_fd);
	close_fd(&s->pidfd);
	s->busy = false;
	if (ret)
		return ret;
	ret = siovh_collect_finish(&s->col, &s->cap, status, s->timeout_ms);
	if (ret)
		return ret;
	r->done++;
	if (r->opts->on_result)
		r->opts->on_result(res, s->index, r->done, r->run->n,
				   r->opts->arg);
	if (r->opts->progress)
		siovh_print_result(r->opts->progress, res, r->done, r->run->n);
	return 0;
}

/* ---- the loop ---------------------------------------------------------- */

static int poll_timeout(struct runner *r)
{
	uint64_t now = siovh_now_ns(), next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < r->nr_slots; i++) {
		struct slot *s = &r->slots[i];

		if (s->busy && !s->col.timed_out && s->deadline_ns < next)
			next = s->deadline_ns;
	}
	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	return (int)((next - now + 999999) / 1000000);
}

static size_t add_pfd(struct runner *r, size_t n, struct slot *s, int fd,
		      enum pfd_kind kind)
{
	if (fd < 0)
		return n;
	r->pfd[n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	r->pfd_ref[n] = (struct pfd_ref){ .slot = s, .kind = kind };
	return n + 1;
}

static size_t fill_pfds(struct runner *r)
{
	size_t n = add_pfd(r, 0, NULL, r->stop_fd, PFD_STOP);
	unsigned int k;

	for (k = 0; k < r->nr_slots; k++) {
		struct slot *s = &r->slots[k];

		if (!s->busy)
			continue;
		n = add_pfd(r, n, s, s->out_fd, PFD_OUTPUT);
		n = add_pfd(r, n, s, s->res_fd, PFD_RESULTS);
		n = add_pfd(r, n, s, s->pidfd, PFD_PIDFD);
	}
	return n;
}

/*
 * Checked after every poll() wakeup, not only on poll() timeouts, so that a
 * child flooding its output pipe cannot outlive its deadline.
 */
static void enforce_deadlines(struct runner *r)
{
	uint64_t now = siovh_now_ns();
	unsigned int k;

	for (k = 0; k < r->nr_slots; k++) {
		struct slot *s = &r->slots[k];

		if (s->busy && !s->col.timed_out && now >= s->deadline_ns) {
			s->col.timed_out = true;
			kill(-s->pid, SIGKILL);
		}
	}
}

static int runner_step(struct runner *r)
{
	size_t n = fill_pfds(r), i;
	int ret = 0;

	if (poll(r->pfd, n, poll_timeout(r)) < 0 && errno != EINTR)
		return -errno;
	for (i = 0; i < n && !ret; i++) {
		struct slot *s = r->pfd_ref[i].slot;

		if (!r->pfd[i].revents)
			continue;
		switch (r->pfd_ref[i].kind) {
		case PFD_STOP:
			ret = -EINTR;	/* the signal stays pending */
			break;
		case PFD_OUTPUT:
			ret = s->busy ? drain_output(s, DRAIN_ROUNDS) : 0;
			break;
		case PFD_RESULTS:
			ret = s->busy ? drain_results(r, s, DRAIN_ROUNDS) : 0;
			break;
		case PFD_PIDFD:
			ret = s->busy ? slot_finish(r, s) : 0;
			break;
		}
	}
	enforce_deadlines(r);
	return ret;
}

static bool runner_busy(const struct runner *r)
{
	unsigned int k;

	for (k = 0; k < r->nr_slots; k++)
		if (r->slots[k].busy)
			return true;
	return false;
}

/* Start checks in the free slots; *next is the next clause to start. */
static int runner_fill(struct runner *r, size_t *next)
{
	unsigned int k;
	int ret;

	for (k = 0; k < r->nr_slots && *next < r->run->n; k++) {
		if (r->slots[k].busy)
			continue;
		ret = slot_start(r, &r->slots[k], *next);
		if (!ret) {
			(*next)++;
			continue;
		}
		/*
		 * Out of fds or processes: a running check gives some back
		 * when it ends, so wait for that rather than fail the run.
		 */
		if ((ret == -EMFILE || ret == -ENFILE || ret == -EAGAIN ||
		     ret == -ENOMEM) && runner_busy(r))
			return 0;
		return ret;
	}
	return 0;
}

static int runner_loop(struct runner *r)
{
	size_t next = 0;
	int ret;

	while (r->done < r->run->n) {
		ret = runner_fill(r, &next);
		if (!ret)
			ret = runner_step(r);
		if (ret)
			return ret;
	}
	return 0;
}

/* On a runner error or a stop signal: no child outlives the run. */
static void runner_abort(struct runner *r)
{
	unsigned int k;

	for (k = 0; k < r->nr_slots; k++) {
		struct slot *s = &r->slots[k];

		if (!s->busy)
			continue;
		kill(-s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
		close_fd(&s->out_fd);
		close_fd(&s->res_fd);
		close_fd(&s->pidfd);
		s->busy = false;
	}
}

static int runner_init(struct runner *r, unsigned int jobs)
{
	size_t nr_pfd = 3 * (size_t)jobs + 1;
	unsigned int k;

	r->nr_slots = jobs;
	r->slots = calloc(jobs, sizeof(*r->slots));
	r->pfd = calloc(nr_pfd, sizeof(*r->pfd));
	r->pfd_ref = calloc(nr_pfd, sizeof(*r->pfd_ref));
	if (!r->slots || !r->pfd || !r->pfd_ref)
		return -ENOMEM;
	for (k = 0; k < jobs; k++) {
		struct slot *s = &r->slots[k];

		s->pidfd = s->out_fd = s->res_fd = -1;
		if (siovh_capture_init(&s->cap))
			return -ENOMEM;
	}
	if (r->opts->stop_signals) {
		r->stop_fd = signalfd(-1, r->opts->stop_signals,
				      SFD_NONBLOCK | SFD_CLOEXEC);
		if (r->stop_fd < 0)
			return -errno;
	}
	return 0;
}

static void runner_free(struct runner *r)
{
	unsigned int k;

	for (k = 0; r->slots && k < r->nr_slots; k++)
		siovh_capture_free(&r->slots[k].cap);
	free(r->slots);
	free(r->pfd);
	free(r->pfd_ref);
	close_fd(&r->stop_fd);
}

int siovh_run_clauses(const struct siovh_target_spec *spec,
		      const struct siovh_clause *const *clauses, size_t n,
		      const struct siovh_run_opts *opts, struct siovh_run *run)
{
	static const struct siovh_run_opts defaults;
	struct runner r = { .spec = spec, .run = run, .stop_fd = -1 };
	struct sigaction old_chld;
	unsigned int jobs;
	int ret;

	if (!opts)
		opts = &defaults;
	r.opts = opts;
	memset(run, 0, sizeof(*run));
	run->spec = *spec;
	run->seed = opts->seed;
	run->n = n;
	clock_gettime(CLOCK_REALTIME, &run->started);
	run->clauses = calloc(n ? n : 1, sizeof(*run->clauses));
	run->results = calloc(n ? n : 1, sizeof(*run->results));
	if (!run->clauses || !run->results) {
		ret = -ENOMEM;
		goto err_free;
	}
	memcpy(run->clauses, clauses, n * sizeof(*clauses));
	jobs = opts->jobs ? opts->jobs : 1;
	if (jobs > n)
		jobs = n ? (unsigned int)n : 1;
	ret = runner_init(&r, jobs);
	if (ret)
		goto err_runner;
	/* Children must stay waitable even if SIGCHLD came to us ignored. */
	sigaction(SIGCHLD, &(struct sigaction){ .sa_handler = SIG_DFL },
		  &old_chld);
	ret = runner_loop(&r);
	if (ret)
		runner_abort(&r);
	sigaction(SIGCHLD, &old_chld, NULL);
	if (ret)
		goto err_runner;
	runner_free(&r);
	clock_gettime(CLOCK_REALTIME, &run->finished);
	siovh_run_count(run);
	return 0;

err_runner:
	runner_free(&r);
err_free:
	siovh_run_free(run);
	return ret;
}
