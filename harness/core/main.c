/* SPDX-License-Identifier: MIT */
/*
 * siovh: the command-line entry point. Dispatches to the subcommands in
 * cli.c and cli_run.c; see `siovh --help` and cli.h for the exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "siovh/runner.h"

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd)
		return siovh_cli_usage_error("missing command (see 'siovh --help')");
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		fputs(siovh_usage_text, stdout);
		return SIOVH_EXIT_OK;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("siovh %s\n", SIOVH_VERSION);
		return SIOVH_EXIT_OK;
	}
	/* getopt_long in the subcommand sees argv[1] as its argv[0]. */
	if (!strcmp(cmd, "list"))
		return siovh_cli_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "run"))
		return siovh_cli_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "faults"))
		return siovh_cli_faults(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return siovh_cli_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "replay"))
		return siovh_cli_replay(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return siovh_cli_usage_error("unknown option '%s' (see 'siovh --help')",
					     cmd);
	return siovh_cli_usage_error("unknown command '%s' (see 'siovh --help')",
				     cmd);
}
