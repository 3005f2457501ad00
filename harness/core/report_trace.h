/* SPDX-License-Identifier: MIT */
/*
 * Coverage traceability (report_trace.c): which clauses reach which
 * functions of the reference, from lcov tracefiles.
 *
 * siovh_trace_main(): dir holds ID.info per clause (lcov
 * tracefiles of that clause's check alone), total the tracefile of the
 * whole specs-only run with branch data. Only source files under
 * harness/ref/ count. Writes out (schema "siovh-trace/1"):
 *
 *	schema		"siovh-trace/1"
 *	scope		"harness/ref/"
 *	figures		{ functions, functions_reached, lines, lines_hit,
 *			  branches, branches_taken, clauses_traced }
 *			(functions_reached: by at least one clause's file;
 *			lines and branches: from total)
 *	functions	[ { file, name, line, clauses [id] } ] by file and line
 *	clauses		{ ID: [index into functions] }: what the clause
 *			reaches beyond common_functions
 *	common_functions  [index into functions]: reached by every traced
 *			clause (opening and closing the target)
 *	unreached_functions  [index into functions]
 *	unreached_branches   [ { file, line, branches, untaken } ]: source
 *			lines with a branch that no clause takes
 *	unreachable	[ { function (index), reason } ]: the unreached
 *			functions the --unreachable list gives a reason for
 *			(such functions[i] also carry "unreachable": reason)
 *	gaps		[index into functions]: unreached, with no reason
 *	unreachable_stale  [str]: list entries naming no function, or one
 *			that some clause reaches (the list is out of date)
 *	figures also has functions_unreachable and functions_gaps (counts).
 *
 * The --unreachable list (harness/ref/UNREACHABLE): per line "FILE
 * FUNCTION REASON...", FILE relative to harness/ref/, whitespace between
 * the columns; blank lines and lines starting with '#' are skipped. It
 * names the functions of the reference that the target API cannot reach
 * (benchmark accounting, helpers only unit tests call, ...); a malformed
 * line or a function listed twice is a usage error naming the line.
 *
 * With summary, also writes it (schema "siovh-coverage/1"): { schema,
 * scope, run { date, host, kernel, git_revision? }, specs { lines,
 * functions, branches (percent), lines_hit, lines_total, functions_hit,
 * functions_total, branches_taken, branches_total }, specs_corpora (the
 * same, from corpora; equal to specs without corpora), note str? (why
 * specs_corpora equals specs), fault_hooks bool (false: the counted
 * build had the reference's injected-fault hooks compiled out, so their
 * branches are not in the figures), traceability { functions,
 * functions_reached, clauses_traced, unreached_functions,
 * unreachable_listed, unreached_gaps, gap_functions ["FILE:LINE NAME"],
 * unreachable_stale, unreached_branch_lines } }.
 *
 * Returns an exit status (cli.h), having said what went wrong.
 */
#ifndef SIOVH_CORE_REPORT_TRACE_H
#define SIOVH_CORE_REPORT_TRACE_H

#define SIOVH_TRACE_SCOPE "harness/ref/"

struct siovh_trace_args {
	const char *dir;	/* ID.info per clause */
	const char *total;	/* the specs-only run, with branches */
	const char *corpora;	/* specs + corpora, or NULL: none yet */
	const char *out;	/* trace.json */
	const char *summary;	/* summary.json, or NULL */
	const char *unreachable; /* the list of unreachable functions, or NULL */
};

int siovh_trace_main(const struct siovh_trace_args *a);

#endif /* SIOVH_CORE_REPORT_TRACE_H */
