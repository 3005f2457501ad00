/* SPDX-License-Identifier: MIT */
/*
 * siovh's command line (cli.c, cli_run.c); main.c only dispatches.
 *
 * Contract: every bad argument (an option given twice or with an empty
 * value included) is reported as ONE line on stderr that names it, with
 * exit status SIOVH_EXIT_USAGE, before anything runs or any file is
 * written. Normal output goes to stdout.
 */
#ifndef SIOVH_CORE_CLI_H
#define SIOVH_CORE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum siovh_exit {
	SIOVH_EXIT_OK = 0,		/* nothing failed (skips allowed) */
	SIOVH_EXIT_FAIL = 1,		/* a clause failed, or kill-table gaps */
	SIOVH_EXIT_USAGE = 2,		/* bad usage or input */
	SIOVH_EXIT_INTERNAL = 3,	/* the harness itself failed */
};

extern const char siovh_usage_text[];

/* Print "siovh: MESSAGE" as one line on stderr; returns status. */
__attribute__((format(printf, 2, 3)))
int siovh_cli_error(enum siovh_exit status, const char *fmt, ...);
#define siovh_cli_usage_error(...) \
	siovh_cli_error(SIOVH_EXIT_USAGE, __VA_ARGS__)
#define siovh_cli_internal_error(...) \
	siovh_cli_error(SIOVH_EXIT_INTERNAL, __VA_ARGS__)

/* "--OPT wants WHAT, got ''" for an empty arg; 0 otherwise. */
int siovh_cli_nonempty(const char *arg, const char *opt, const char *what);
#define SIOVH_CLI_WANT_TARGET "BACKEND[:fault=NAME]"
#define SIOVH_CLI_WANT_GLOB "a glob of clause IDs"

/* Strict decimal parsing: digits only, within [min, max]. */
bool siovh_cli_parse_u64(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out);

/*
 * A subcommand's options. Options whose val is below SIOVH_CLI_LONG_ONLY
 * also have that short form. fn gets each option but --help; it returns 0
 * or SIOVH_EXIT_USAGE (having said why).
 */
#define SIOVH_CLI_LONG_ONLY 256
typedef int (*siovh_cli_opt_fn)(int opt, const char *arg, void *ctx);

/*
 * getopt_long over argv (argv[0] is the subcommand) with what every
 * subcommand shares: unknown options, missing arguments, an option given
 * twice and stray arguments are usage errors; --help prints the usage.
 * Returns 0, -1 after --help, or SIOVH_EXIT_USAGE.
 */
int siovh_cli_getopt(int argc, char **argv, const struct option *opts,
		     siovh_cli_opt_fn fn, void *ctx);

int siovh_cli_list(int argc, char **argv);
int siovh_cli_faults(int argc, char **argv);
int siovh_cli_run(int argc, char **argv);
int siovh_cli_report(int argc, char **argv);	/* cli_report.c */
int siovh_cli_replay(int argc, char **argv);	/* cli_replay.c */

#endif /* SIOVH_CORE_CLI_H */
