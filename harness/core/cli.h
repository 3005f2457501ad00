/* SPDX-License-Identifier: MIT */
/*
 * siovh's command line (cli.c, cli_run.c); main.c only dispatches.
 *
 * Contract: every bad argument is reported as ONE line on stderr that names
 * it, with exit status SIOVH_EXIT_USAGE, before anything runs or any file is
 * written. Normal output goes to stdout.
 */
#ifndef SIOVH_CORE_CLI_H
#define SIOVH_CORE_CLI_H

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

/* Print "siovh: MESSAGE" on stderr; returns SIOVH_EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
int siovh_cli_usage_error(const char *fmt, ...);
/* Same wording, for internal errors; returns SIOVH_EXIT_INTERNAL. */
__attribute__((format(printf, 1, 2)))
int siovh_cli_internal_error(const char *fmt, ...);

/* Strict decimal parsing: digits only, within [min, max]. */
bool siovh_cli_parse_u64(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out);

/* getopt_long's "unknown option" / "missing argument" as one line. */
int siovh_cli_bad_option(const char *cmd, int opt, int optopt, char **argv,
			 int optind);

int siovh_cli_list(int argc, char **argv);
int siovh_cli_faults(int argc, char **argv);
int siovh_cli_run(int argc, char **argv);

#endif /* SIOVH_CORE_CLI_H */
