/* SPDX-License-Identifier: MIT */
/*
 * The comparer of `siovh replay --diff` (cli_replay.c): two outputs of a
 * fuzz target's replay driver in --trace mode, one per target, for the
 * same files in the same order (fuzz/common/trace.h is the line format:
 * "== FILE" opens a file's trace, "! KEY: VALUE" is a note, "= ok" or
 * "= crash (...)" its verdict, every other line an operation).
 *
 * Per file: "incomparable" when the two traces carry a note KEY with
 * different values (the same bytes drive different operations there);
 * else the operation lines and verdicts compared in order ("= crash
 * (...)" equals any other crash: the messages are each target's own);
 * the first pair that differs, or a trace that ends first, makes the
 * file "differ". Its signature is the operation's name and the two
 * results, "map: EINVAL | 0", or "verdict: ok | crash", with which
 * vm-images/fuzz-kernel.sh deduplicates disagreements; a call one target
 * lacks (ENOTTY) is "ENOTTY | implemented", whatever the other said.
 *
 * Printed on stdout, one line per file ("same FILE", "incomparable FILE:
 * KEY: A | B", "differ FILE: SIGNATURE" followed by the first difference
 * with up to REPLAY_CONTEXT lines before it), then a summary line. With
 * out_dir, each differing file's traces (<target>.trace, the spec's
 * characters other than [A-Za-z0-9_.-] as '_'), diff.txt and signature
 * go to out_dir/<file's base name>/ (".2", ".3"... when names repeat).
 *
 * Returns SIOVH_EXIT_OK when no file differs, SIOVH_EXIT_FAIL when one
 * does, SIOVH_EXIT_INTERNAL when the outputs do not pair up (a driver
 * that stopped early) or out_dir cannot be written (said on stderr).
 */
#ifndef SIOVH_CORE_REPLAY_TRACE_H
#define SIOVH_CORE_REPLAY_TRACE_H

#define REPLAY_CONTEXT	4

int replay_trace_compare(const char *name_a, const char *out_a,
			 const char *name_b, const char *out_b,
			 const char *out_dir);

#endif /* SIOVH_CORE_REPLAY_TRACE_H */
