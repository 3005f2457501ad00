// SPDX-License-Identifier: MIT
/*
 * `siovh replay`: run an op-stream fuzz target's inputs on a target, and
 * compare two targets operation by operation (issue 9, differential
 * replay).
 *
 *   siovh replay [--target SPEC] [--fuzz NAME] FILE|DIR...
 *   siovh replay --diff SPEC,SPEC [--fuzz NAME] [--out DIR] FILE|DIR...
 *	(or two --target)
 *
 * The work is the fuzz target's replay driver's (fuzz/common/replay.c,
 * NAME_replay --trace: each file in a child, its per-operation trace as
 * fuzz/common/trace.h defines it, then "= ok" or "= crash (...)"), run
 * with SIOVH_FUZZ_TARGET=SPEC (SIOVH_FUZZ_FAULT=F for ref:fault=F). The
 * driver is found next to this siovh: DIR/fuzz/NAME_replay (a build
 * tree: build/VARIANT/siovh and build/VARIANT/fuzz/) or DIR/NAME_replay
 * (the VM image's /bin), DIR being the directory of /proc/self/exe, or
 * in $SIOVH_FUZZ_REPLAY_DIR when set.
 *
 * NAME, unless --fuzz names it, comes from each FILE: a path under
 * fuzz/NAME/ (seeds, regressions), or a finding directory that records
 * its target in a file "target" next to the input (fuzz-kernel.sh's
 * crashes/<sig>/ and disagreements/<sig>/). All FILEs must agree.
 *
 * One target: the trace and verdict of each file on stdout; exit 0 when
 * every file replayed without a crash, 1 otherwise. Two: both traces of
 * each file compared, notes aside (trace.h: a note KEY whose values
 * differ makes the file "incomparable", not a difference); for each file
 * "same", "incomparable (KEY)" or "differ" with the first differing
 * operation, lines of context and the signature (the operation's name
 * and the two results: what fuzz-kernel.sh deduplicates by). With
 * --out DIR, each differing file's two traces, the difference and its
 * signature go to DIR/<file name>/. Exit 0 when no file differs, 1 when
 * one does; 2 for bad usage or input (a missing file, an unknown target
 * or fuzz target, no replay driver), 3 when a driver could not be run.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "replay_trace.h"
#include "siovh/target.h"

#define MAX_TARGETS	2
#define MAX_FILES	4096
#define NAME_MAX_LEN	64

struct replay_args {
	const char *targets[MAX_TARGETS];
	size_t nr_targets;
	char diff_buf[512];
	const char *fuzz;
	const char *out;
	const char *files[MAX_FILES];
	size_t nr_files;
};

/* What a target spec becomes in the driver's environment. */
struct replay_env {
	const char *spec;		/* as the user wrote it */
	char target[256];		/* SIOVH_FUZZ_TARGET, "" for ref */
	char fault[128];		/* SIOVH_FUZZ_FAULT, "" for none */
};

static int env_of(const char *text, struct replay_env *e)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char err[256];
	int ret;

	memset(e, 0, sizeof(*e));
	e->spec = text;
	if (siovh_target_parse(text, &spec, err, sizeof(err)))
		return siovh_cli_usage_error("--target %s: %s", text, err);
	if (!strcmp(spec.backend->name, "ref")) {
		if (spec.arg[0])
			return siovh_cli_usage_error("--target %s: the fuzz "
				"targets run the reference with its built-in "
				"profile; of its options only fault= applies",
				text);
		if (spec.fault >= 0)
			snprintf(e->fault, sizeof(e->fault), "%s",
				 spec.backend->faults[spec.fault].name);
		return 0;
	}
	snprintf(e->target, sizeof(e->target), "%s", text);
	/* Opened once here, so that a target this machine lacks (the kernel
	 * target without /dev/iommu) is one clear error, not a crash per
	 * file. */
	memset(&t, 0, sizeof(t));
	ret = siovh_target_open(&spec, &t);
	if (ret)
		return siovh_cli_usage_error("--target %s: cannot open it: %s",
					     text, strerror(-ret));
	ret = !t.iommufd && !t.vfio_device;
	siovh_target_close(&t);
	if (ret)
		return siovh_cli_usage_error("--target %s: it has neither an "
			"iommufd nor a VFIO-device facet here (no /dev/iommu?), "
			"which the op-stream fuzz targets drive", text);
	return 0;
}

static bool valid_name(const char *n)
{
	size_t i;

	if (!n[0] || strlen(n) >= NAME_MAX_LEN)
		return false;
	for (i = 0; n[i]; i++)
		if (!islower((unsigned char)n[i]) && !isdigit((unsigned char)n[i]) &&
		    n[i] != '_')
			return false;
	return true;
}

/*
 * The fuzz target a FILE belongs to, into name: a "fuzz/NAME/" component
 * of its path, or the "target" file of its directory. false if neither.
 */
static bool infer_name(const char *file, char *name, size_t size)
{
	char path[PATH_MAX], rec[PATH_MAX], *p, *slash;
	FILE *f;
	bool ok = false;

	struct stat st;

	if (!realpath(file, path))
		snprintf(path, sizeof(path), "%s", file);
	/* a directory's own name counts: fuzz/NAME/seeds, fuzz/NAME */
	if (!stat(path, &st) && S_ISDIR(st.st_mode) &&
	    strlen(path) + 2 < sizeof(path))
		strcat(path, "/");
	for (p = strstr(path, "fuzz/"); p; p = strstr(p + 1, "fuzz/")) {
		if (p != path && p[-1] != '/')
			continue;
		slash = strchr(p + 5, '/');
		if (!slash || (size_t)(slash - (p + 5)) >= size)
			continue;
		snprintf(name, size, "%.*s", (int)(slash - (p + 5)), p + 5);
		if (valid_name(name) && strcmp(name, "common"))
			return true;
	}
	slash = strrchr(path, '/');
	snprintf(rec, sizeof(rec), "%.*s/target",
		 slash ? (int)(slash - path) : 1, slash ? path : ".");
	f = fopen(rec, "r");
	if (!f)
		return false;
	if (fgets(name, (int)size, f)) {
		name[strcspn(name, "\n")] = '\0';
		ok = valid_name(name);
	}
	fclose(f);
	return ok;
}

/* The replay driver of name into path; a usage error when there is none. */
static int find_driver(const char *name, char *path, size_t size)
{
	char exe[PATH_MAX - NAME_MAX_LEN - 16], tried[2 * PATH_MAX + 16] = "";
	const char *dir = getenv("SIOVH_FUZZ_REPLAY_DIR");
	const char *subs[2] = { "/fuzz/", "/" };
	ssize_t n;
	size_t i;

	if (dir && *dir) {
		snprintf(path, size, "%s/%s_replay", dir, name);
		if (!access(path, X_OK))
			return 0;
		return siovh_cli_usage_error("no replay driver for fuzz target "
			"'%s': %s is not an executable (SIOVH_FUZZ_REPLAY_DIR)",
			name, path);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return siovh_cli_internal_error("readlink /proc/self/exe: %s",
						strerror(errno));
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	for (i = 0; i < 2; i++) {
		snprintf(path, size, "%s%s%s_replay", exe, subs[i], name);
		if (!access(path, X_OK))
			return 0;
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried),
			 "%s%s", i ? " nor " : "", path);
	}
	return siovh_cli_usage_error("no replay driver for fuzz target '%s': "
		"neither %s exists (a fuzz target is a directory fuzz/NAME/; "
		"build its driver with make fuzz-replay, or set "
		"SIOVH_FUZZ_REPLAY_DIR)", name, tried);
}

/*
 * Run driver --trace on the files with e's environment; its stdout into
 * *out (malloc'd) when out is not NULL, else to ours. The driver's exit
 * status (0 all ok, 1 a crash), or -1 if it could not run (said).
 */
static int run_driver(const char *driver, const struct replay_args *a,
		      const struct replay_env *e, char **out)
{
	FILE *tmp = out ? tmpfile() : NULL;
	const char **argv;
	int status, fd;
	size_t i, len;
	pid_t pid;

	if (out && !tmp)
		return -1;
	argv = calloc(a->nr_files + 3, sizeof(*argv));
	if (!argv)
		goto err_tmp;
	argv[0] = driver;
	argv[1] = "--trace";
	for (i = 0; i < a->nr_files; i++)
		argv[i + 2] = a->files[i];
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (e->target[0])
			setenv("SIOVH_FUZZ_TARGET", e->target, 1);
		else
			unsetenv("SIOVH_FUZZ_TARGET");
		if (e->fault[0])
			setenv("SIOVH_FUZZ_FAULT", e->fault, 1);
		else
			unsetenv("SIOVH_FUZZ_FAULT");
		if (tmp)
			dup2(fileno(tmp), STDOUT_FILENO);
		/* the driver's own notes (KCOV edges) are not the trace */
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		execv(driver, (char *const *)argv);
		_exit(127);
	}
	free(argv);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		goto err_tmp;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		siovh_cli_internal_error("%s --trace (target %s) ended with %s %d",
					 driver, e->spec,
					 WIFSIGNALED(status) ? "signal" : "status",
					 WIFSIGNALED(status) ? WTERMSIG(status) :
							       WEXITSTATUS(status));
		goto err_tmp;
	}
	if (tmp) {
		len = (size_t)ftell(tmp);
		*out = malloc(len + 1);
		if (!*out)
			goto err_tmp;
		rewind(tmp);
		if (fread(*out, 1, len, tmp) != len) {
			free(*out);
			goto err_tmp;
		}
		(*out)[len] = '\0';
		fclose(tmp);
	}
	return WEXITSTATUS(status);

err_tmp:
	if (tmp)
		fclose(tmp);
	return -1;
}

static int add_target(struct replay_args *a, const char *spec)
{
	if (a->nr_targets == MAX_TARGETS)
		return siovh_cli_usage_error("replay compares two targets at "
					     "most (--target %s is a third)",
					     spec);
	a->targets[a->nr_targets++] = spec;
	return 0;
}

static int parse(int argc, char **argv, struct replay_args *a)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "diff", required_argument, NULL, 'd' },
		{ "fuzz", required_argument, NULL, 'z' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct stat st;
	char *comma;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (siovh_cli_nonempty(optarg, "target",
					       SIOVH_CLI_WANT_TARGET) ||
			    add_target(a, optarg))
				return SIOVH_EXIT_USAGE;
			break;
		case 'd':
			snprintf(a->diff_buf, sizeof(a->diff_buf), "%s", optarg);
			comma = strchr(a->diff_buf, ',');
			if (!comma || comma == a->diff_buf || !comma[1] ||
			    strchr(comma + 1, ','))
				return siovh_cli_usage_error("--diff wants "
					"SPEC,SPEC (e.g. ref,kernel), got '%s'",
					optarg);
			*comma = '\0';
			if (add_target(a, a->diff_buf) ||
			    add_target(a, comma + 1))
				return SIOVH_EXIT_USAGE;
			break;
		case 'z':
			if (a->fuzz)
				return siovh_cli_usage_error("--fuzz given twice");
			if (!valid_name(optarg))
				return siovh_cli_usage_error("--fuzz wants a fuzz "
					"target's name (fuzz/NAME/), got '%s'",
					optarg);
			a->fuzz = optarg;
			break;
		case 'o':
			if (a->out)
				return siovh_cli_usage_error("--out given twice");
			if (siovh_cli_nonempty(optarg, "out", "a directory"))
				return SIOVH_EXIT_USAGE;
			a->out = optarg;
			break;
		case 'h':
			fputs(siovh_usage_text, stdout);
			return -1;
		case ':':
			return siovh_cli_usage_error("option '%s' of 'replay' "
						     "needs an argument",
						     argv[optind - 1]);
		default:
			return siovh_cli_usage_error("unknown option '%s' for "
				"'replay' (see 'siovh --help')", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		if (stat(argv[optind], &st))
			return siovh_cli_usage_error("replay: %s: %s",
						     argv[optind], strerror(errno));
		if (a->nr_files == MAX_FILES)
			return siovh_cli_usage_error("replay: more than %d files",
						     MAX_FILES);
		a->files[a->nr_files++] = argv[optind];
	}
	if (!a->nr_files)
		return siovh_cli_usage_error("replay: no FILE to replay (see "
					     "'siovh --help')");
	if (a->out && a->nr_targets < 2)
		return siovh_cli_usage_error("--out goes with --diff (two "
					     "targets)");
	if (!a->nr_targets)
		a->targets[a->nr_targets++] = "ref";
	return 0;
}

/* The fuzz target's name: --fuzz, or what every file says. */
static int fuzz_name(const struct replay_args *a, char *name, size_t size)
{
	char got[NAME_MAX_LEN];
	size_t i;

	if (a->fuzz) {
		snprintf(name, size, "%s", a->fuzz);
		return 0;
	}
	name[0] = '\0';
	for (i = 0; i < a->nr_files; i++) {
		if (!infer_name(a->files[i], got, sizeof(got)))
			return siovh_cli_usage_error("replay: which fuzz target "
				"is %s for? It is under no fuzz/NAME/ and its "
				"directory has no 'target' file: name it with "
				"--fuzz NAME", a->files[i]);
		if (name[0] && strcmp(name, got))
			return siovh_cli_usage_error("replay: %s is for fuzz "
				"target '%s', an earlier file for '%s' (one "
				"target per replay)", a->files[i], got, name);
		snprintf(name, size, "%s", got);
	}
	return 0;
}

int siovh_cli_replay(int argc, char **argv)
{
	struct replay_args a = { .nr_targets = 0 };
	struct replay_env env[MAX_TARGETS];
	char name[NAME_MAX_LEN], driver[PATH_MAX];
	char *out[MAX_TARGETS] = { NULL, NULL };
	int ret;
	size_t i;

	ret = parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? SIOVH_EXIT_OK : ret;
	ret = fuzz_name(&a, name, sizeof(name));
	if (!ret)
		ret = find_driver(name, driver, sizeof(driver));
	for (i = 0; !ret && i < a.nr_targets; i++)
		ret = env_of(a.targets[i], &env[i]);
	if (ret)
		return ret;
	if (a.nr_targets == 1) {
		ret = run_driver(driver, &a, &env[0], NULL);
		return ret < 0 ? SIOVH_EXIT_INTERNAL :
		       ret ? SIOVH_EXIT_FAIL : SIOVH_EXIT_OK;
	}
	for (i = 0; i < a.nr_targets; i++) {
		if (run_driver(driver, &a, &env[i], &out[i]) < 0) {
			free(out[0]);
			return siovh_cli_internal_error("replay: running %s on "
				"target %s failed", driver, env[i].spec);
		}
	}
	ret = replay_trace_compare(env[0].spec, out[0], env[1].spec, out[1],
				   a.out);
	free(out[0]);
	free(out[1]);
	return ret;
}
