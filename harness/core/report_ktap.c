/* SPDX-License-Identifier: MIT */
/*
 * KTAP v1 reports (Documentation/dev-tools/ktap.rst): results.ktap and
 * faults.ktap.
 *
 *	KTAP version 1
 *	1..N
 *	# siovh 0.1.0: target ref, seed 1
 *	# specs/ioasid/alloc.c:42: EXPECT_EQ(probe.refs, 2): got 3, expected 2
 *	not ok 1 IOASID.REF.3 title
 *	ok 2 IOASID.REF.4 title
 *	ok 3 VSVA.PRQ.1 title # SKIP target lacks feature 'iommufd'
 *
 * The plan comes right after the version line ("Plan lines follow version
 * lines"; kunit.py looks for it there). Diagnostic lines come directly
 * before the result line they belong to, as the KTAP spec asks. Names have
 * '#' and line breaks replaced by spaces so a title cannot forge a
 * directive.
 */
#include <errno.h>
#include <string.h>

#include "siovh/report.h"

/*
 * Print " s" with '#', CR and LF turned into spaces; nothing for an empty s,
 * so that no line ends in a blank.
 */
static void put_name(FILE *f, const char *s)
{
	if (!s || !*s)
		return;
	fputc(' ', f);
	for (; *s; s++)
		fputc(*s == '#' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* Each line of text as a "# " diagnostic, with an optional prefix. */
static void put_diag(FILE *f, const char *prefix, const char *text)
{
	const char *nl;

	while (text) {
		nl = strchr(text, '\n');
		fprintf(f, "# %s%.*s\n", prefix,
			(int)(nl ? nl - text : (long)strlen(text)), text);
		text = nl && nl[1] ? nl + 1 : NULL;
	}
}

static void put_result(FILE *f, size_t num, const struct siovh_result *res)
{
	const struct siovh_clause *c = res->clause;
	size_t i;

	for (i = 0; i < res->nr_notes; i++)
		put_diag(f, "note: ", res->notes[i]);
	for (i = 0; i < res->nr_messages; i++)
		put_diag(f, "", res->messages[i]);
	if (res->messages_dropped)
		fprintf(f, "# (%zu more failures not shown)\n",
			res->messages_dropped);
	if (res->status == SIOVH_FAIL && res->reason)
		put_diag(f, "", res->reason);
	fprintf(f, "%s %zu %s", res->status == SIOVH_FAIL ? "not ok" : "ok",
		num, c->id);
	put_name(f, c->title);
	if (res->status == SIOVH_SKIP) {
		fputs(" # SKIP", f);
		put_name(f, res->reason);
	}
	fputc('\n', f);
}

int siovh_report_ktap(FILE *f, const struct siovh_run *run)
{
	size_t i;

	fprintf(f, "KTAP version 1\n1..%zu\n", run->n);
	fprintf(f, "# siovh %s: target %s, seed %llu\n", SIOVH_VERSION,
		run->spec.text, (unsigned long long)run->seed);
	for (i = 0; i < run->n; i++)
		put_result(f, i + 1, &run->results[i]);
	fprintf(f, "# %zu passed, %zu failed, %zu skipped\n", run->passed,
		run->failed, run->skipped);
	return ferror(f) ? -EIO : 0;
}

static void put_fault(FILE *f, size_t num, const struct siovh_kill_table *kt,
		      const struct siovh_fault_run *fr)
{
	size_t i;

	fprintf(f, "# %s (%s): %s\n", fr->fault->name, fr->fault->facet,
		fr->fault->summary);
	if (!fr->nr_killers) {
		fprintf(f, "# no clause of facet '%s' fails against it (%zu ran)\n",
			fr->fault->facet, fr->run.n);
		fprintf(f, "not ok %zu fault %s killed by no clause\n", num,
			fr->fault->name);
		return;
	}
	fprintf(f, "ok %zu fault %s killed by", num, fr->fault->name);
	for (i = 0; i < fr->nr_killers; i++)
		fprintf(f, "%s %s", i ? "," : "",
			kt->plain->clauses[fr->killers[i]]->id);
	fputc('\n', f);
}

static void put_clause(FILE *f, size_t num, const struct siovh_kill_table *kt,
		       size_t idx)
{
	const char *id = kt->plain->clauses[idx]->id;
	size_t i, k, n = 0;

	if (!kt->eligible[idx]) {
		fprintf(f, "ok %zu clause %s # SKIP did not pass on the plain target\n",
			num, id);
		return;
	}
	if (!kt->kills[idx]) {
		fprintf(f, "not ok %zu clause %s kills no fault\n", num, id);
		return;
	}
	fprintf(f, "ok %zu clause %s kills", num, id);
	for (i = 0; i < kt->nr_faults; i++) {
		const struct siovh_fault_run *fr = &kt->faults[i];

		for (k = 0; k < fr->nr_killers; k++) {
			if (fr->killers[k] != idx)
				continue;
			fprintf(f, "%s %s", n++ ? "," : "", fr->fault->name);
			break;
		}
	}
	fputc('\n', f);
}

int siovh_report_faults_ktap(FILE *f, const struct siovh_kill_table *kt)
{
	size_t i, num = 0;

	fprintf(f, "KTAP version 1\n1..%zu\n", kt->nr_faults + kt->plain->n);
	fprintf(f, "# siovh %s: fault-kill table of target %s, %s\n",
		SIOVH_VERSION, kt->plain->spec.backend->name,
		kt->complete ? "complete" : "INCOMPLETE");
	for (i = 0; i < kt->nr_faults; i++)
		put_fault(f, ++num, kt, &kt->faults[i]);
	for (i = 0; i < kt->plain->n; i++)
		put_clause(f, ++num, kt, i);
	fprintf(f, "# %zu faults killed by no clause, %zu clauses killing no fault\n",
		kt->faults_unkilled, kt->clauses_killing_nothing);
	return ferror(f) ? -EIO : 0;
}
