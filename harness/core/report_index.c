/* SPDX-License-Identifier: MIT */
/*
 * DIR/index.html (report.h, siovh_report_index_write): the page a reviewer
 * opens first. A row per kind of report found in DIR (conformance,
 * coverage, fuzz, bench, the VM tier's kernel runs side by side and their
 * kernel coverage, the raw files), each saying when and on what it
 * was produced, from the run metadata its JSON carries: results.json's
 * "started", "target" and "run", coverage/summary.json's "run", bench.json's
 * "run". A report that is not there says which command makes it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report_html.h"

struct index_page {
	xmlTextWriterPtr w;
	const char *dir;
};

static bool exists(const struct index_page *ix, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", ix->dir, rel);
	return !access(path, R_OK);
}

/* DIR/rel as JSON, or NULL (missing or not JSON). */
static json_t *load(const struct index_page *ix, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", ix->dir, rel);
	return json_load_file(path, 0, NULL);
}

/* "DATE on HOST (kernel K), target T, git G" from a "run" object. */
static int provenance(xmlTextWriterPtr w, const char *when, const json_t *run,
		      const char *target)
{
	HTRY(html_start(w, "td", NULL));
	HTRY(html_textf(w, "%s on %s (kernel %s)", when ? when : "?",
			jstr(run, "host", "?"), jstr(run, "kernel", "?")));
	if (target)
		HTRY(html_textf(w, ", target %s", target));
	HTRY(html_textf(w, ", git %s", jstr(run, "git_revision", "unknown")));
	return html_end(w);
}

static int row_start(xmlTextWriterPtr w, const char *name, const char *href,
		     bool present)
{
	HTRY(html_start(w, "tr", NULL));
	HTRY(html_start(w, "th", NULL));
	if (present)
		HTRY(html_link(w, href, name));
	else
		HTRY(html_text(w, name));
	return html_end(w);
}

static int missing(xmlTextWriterPtr w, const char *how)
{
	HTRY(html_elem(w, "td", "none", "not produced"));
	HTRY(html_elem(w, "td", "muted", how));
	return html_end(w);
}

static int conformance_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *sum, *kt;
	char err[512];
	json_t *doc;
	int ret;

	HTRY(row_start(w, "Conformance", "conformance/index.html",
		       exists(ix, "conformance/index.html")));
	snprintf(err, sizeof(err), "%s/results.json", ix->dir);
	ret = siovh_results_load(err, &doc, err, sizeof(err));
	if (ret == -ENOENT)
		return missing(w, "make run (siovh run --report DIR)");
	if (ret) {
		HTRY(html_elem(w, "td", "fail", err));
		HTRY(html_elem(w, "td", NULL, ""));
		return html_end(w);
	}
	sum = json_object_get(doc, "summary");
	kt = json_object_get(doc, "kill_table");
	ret = provenance(w, jstr(doc, "started", NULL),
			 json_object_get(doc, "run"),
			 jstr(json_object_get(doc, "target"), "spec", "?"));
	if (!ret)
		ret = html_start(w, "td", NULL);
	if (!ret)
		ret = html_textf(w, "%lld passed, %lld failed, %lld skipped; fault-kill table %s",
			(long long)json_integer_value(json_object_get(sum, "passed")),
			(long long)json_integer_value(json_object_get(sum, "failed")),
			(long long)json_integer_value(json_object_get(sum, "skipped")),
			!json_is_object(kt) ? "not built" :
			json_is_true(json_object_get(kt, "complete")) ?
			"complete" : "INCOMPLETE");
	json_decref(doc);
	HTRY(ret);
	HTRY(html_end(w));
	return html_end(w);
}

static int pct(xmlTextWriterPtr w, const json_t *fig, const char *key)
{
	const json_t *v = json_object_get(fig, key);

	if (!json_is_number(v))
		return html_textf(w, " %s ?", key);
	return html_textf(w, " %s %.1f%%", key, json_number_value(v));
}

static int coverage_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *specs;
	json_t *sum;
	int ret;

	HTRY(row_start(w, "Coverage", "coverage/index.html",
		       exists(ix, "coverage/index.html")));
	sum = load(ix, "coverage/summary.json");
	if (!sum)
		return missing(w, "make coverage");
	specs = json_object_get(sum, "specs");
	ret = provenance(w, jstr(json_object_get(sum, "run"), "date", NULL),
			 json_object_get(sum, "run"), "ref");
	if (!ret)
		ret = html_start(w, "td", NULL);
	if (!ret)
		ret = html_text(w, "harness/ref/, specs only:");
	if (!ret)
		ret = pct(w, specs, "lines");
	if (!ret)
		ret = pct(w, specs, "functions");
	if (!ret)
		ret = pct(w, specs, "branches");
	if (!ret)
		ret = html_text(w, "; specs + corpora:");
	if (!ret)
		ret = pct(w, json_object_get(sum, "specs_corpora"), "lines");
	if (!ret && json_is_false(json_object_get(sum, "fault_hooks")))
		ret = html_text(w, " (fault hooks compiled out: the kill table runs them)");
	json_decref(sum);
	HTRY(ret);
	HTRY(html_end(w));
	return html_end(w);
}

static int fuzz_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;

	HTRY(row_start(w, "Fuzzing", "fuzz/index.html",
		       exists(ix, "fuzz/index.html")));
	if (!exists(ix, "fuzz/index.html"))
		return missing(w, "make fuzz");
	HTRY(html_elem(w, "td", NULL, "see the fuzz report"));
	HTRY(html_elem(w, "td", NULL, ""));
	return html_end(w);
}

static int bench_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *run;
	json_t *doc;
	int ret;

	HTRY(row_start(w, "Benchmarks", "bench.json", exists(ix, "bench.json")));
	doc = load(ix, "bench.json");
	if (!doc)
		return missing(w, "make bench");
	run = json_object_get(doc, "run");
	ret = provenance(w, jstr(run, "date", NULL), run, NULL);
	if (!ret)
		ret = html_elem(w, "td", NULL, jstr(doc, "schema", ""));
	json_decref(doc);
	HTRY(ret);
	return html_end(w);
}

/*
 * The VM tier (vm-images/vm-check.sh): the runs on real kernels side by
 * side, from vm/compare/merged.json (siovh report merge); with one run
 * only, no comparison is made and the row links vm/.
 */
/* A run's name: its results file's directory ("6.12.117-mock"). */
static const char *run_name(const char *file, char *buf, size_t len)
{
	const char *slash;

	snprintf(buf, len, "%s", file);
	slash = strrchr(buf, '/');
	if (slash && !strcmp(slash, "/results.json"))
		buf[slash - buf] = '\0';
	slash = strrchr(buf, '/');
	return slash ? slash + 1 : buf;
}

static int vm_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *runs, *sum, *r;
	json_t *doc;
	size_t i;
	int ret = 0;

	HTRY(row_start(w, "Real kernels (VM)", "vm/compare/index.html",
		       exists(ix, "vm/compare/index.html")));
	doc = load(ix, "vm/compare/merged.json");
	if (!doc)
		return missing(w, "make vm-check (both kernels: vm/compare/)");
	runs = json_object_get(doc, "runs");
	sum = json_object_get(doc, "summary");
	r = json_array_get(runs, 0);
	ret = provenance(w, jstr(r, "started", NULL), json_object_get(r, "run"),
			 "kernel");
	if (!ret)
		ret = html_start(w, "td", NULL);
	json_array_foreach(runs, i, r) {
		const json_t *rs = json_object_get(r, "summary");
		char name[PATH_MAX];

		if (!ret)
			ret = html_textf(w, "%s%s: %lld/%lld/%lld", i ? "; " : "",
				run_name(jstr(r, "file", "?"), name, sizeof(name)),
				(long long)json_integer_value(json_object_get(rs, "passed")),
				(long long)json_integer_value(json_object_get(rs, "failed")),
				(long long)json_integer_value(json_object_get(rs, "skipped")));
	}
	if (!ret)
		ret = html_textf(w, " (passed/failed/skipped); %lld of %lld clauses differ: ",
			(long long)json_integer_value(json_object_get(sum, "differ")),
			(long long)json_integer_value(json_object_get(sum, "clauses")));
	if (!ret)
		ret = html_link(w, "vm/compare/compare.txt", "which and why");
	if (!ret && exists(ix, "vm/bench.json"))
		ret = html_text(w, "; ");
	if (!ret && exists(ix, "vm/bench.json"))
		ret = html_link(w, "vm/bench.json",
				"boot times next to an empty-init boot");
	/* the edu runs (VDCM.* only) are compared apart: vm-check.sh */
	if (!ret && exists(ix, "vm/compare-edu/index.html"))
		ret = html_text(w, "; ");
	if (!ret && exists(ix, "vm/compare-edu/index.html"))
		ret = html_link(w, "vm/compare-edu/index.html",
				"QEMU's edu through vfio-pci, runs side by side");
	json_decref(doc);
	HTRY(ret);
	HTRY(html_end(w));
	return html_end(w);
}

/*
 * Kernel coverage of the VM tier (vm-images/kernel-coverage.sh): per kernel,
 * the lines and branches siovh reaches in iommufd, VT-d and vfio, from
 * vm/kernel-coverage/coverage.json.
 */
static const json_t *kcov_scenario(const json_t *kernel, const char *name)
{
	const json_t *sc;
	size_t i;

	json_array_foreach(json_object_get(kernel, "scenarios"), i, sc)
		if (!strcmp(jstr(sc, "scenario", ""), name))
			return sc;
	return NULL;
}

static int kcov_dir(xmlTextWriterPtr w, const json_t *sc, const char *dir,
		    const char *label)
{
	const json_t *d = json_object_get(json_object_get(sc, "dirs"), dir);
	const json_t *l = json_object_get(json_object_get(d, "lines"), "pct");
	const json_t *b = json_object_get(json_object_get(d, "branches"), "pct");

	if (!json_is_number(l) || !json_is_number(b))
		return html_textf(w, "%s ?", label);
	return html_textf(w, "%s %.1f%%/%.1f%%", label, json_number_value(l),
			  json_number_value(b));
}

static int kcov_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *k, *sc;
	json_t *doc;
	size_t i;
	int ret;

	HTRY(row_start(w, "Kernel coverage (VM)", "vm/kernel-coverage/index.html",
		       exists(ix, "vm/kernel-coverage/index.html")));
	doc = load(ix, "vm/kernel-coverage/coverage.json");
	if (!doc)
		return missing(w, "make vm-check (gcov kernels: vm/kernel-coverage/)");
	ret = provenance(w, jstr(json_object_get(doc, "run"), "date", NULL),
			 json_object_get(doc, "run"), "kernel");
	if (!ret)
		ret = html_start(w, "td", NULL);
	if (!ret)
		ret = html_text(w, "siovh's runs, lines and branches:");
	json_array_foreach(json_object_get(doc, "kernels"), i, k) {
		sc = kcov_scenario(k, "siovh");
		if (!sc || ret)
			continue;
		ret = html_textf(w, "%s %s:", i ? ";" : "", jstr(k, "kernel", "?"));
		if (!ret)
			ret = kcov_dir(w, sc, "drivers/iommu/iommufd", " iommufd");
		if (!ret)
			ret = kcov_dir(w, sc, "drivers/iommu/intel", ", intel");
		if (!ret)
			ret = kcov_dir(w, sc, "drivers/vfio", ", vfio");
	}
	json_decref(doc);
	HTRY(ret);
	HTRY(html_end(w));
	return html_end(w);
}

/* A number of a JSON object, or -1 when it has none. */
static long long jnum(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* One scenario's iommufd, VT-d and vfio lines/branches, after LABEL. */
static int kcov_dirs(xmlTextWriterPtr w, const json_t *sc, const char *label)
{
	HTRY(html_text(w, label));
	if (!sc)
		return html_text(w, " not measured");
	HTRY(kcov_dir(w, sc, "drivers/iommu/iommufd", " iommufd"));
	HTRY(kcov_dir(w, sc, "drivers/iommu/intel", ", intel"));
	return kcov_dir(w, sc, "drivers/vfio", ", vfio");
}

/*
 * The kernel coverage a fuzz corpus reaches (vm-images/fuzz-kernel-
 * coverage.sh), after the campaign's figures: the first corpus of
 * fuzz-kernel/coverage/summary.json next to the clauses' (siovh) and the
 * boot's on the same kernel build, from fuzz-kernel/coverage/coverage.json;
 * nothing when it was not made.
 */
static int fuzz_kernel_cov(struct index_page *ix, const char *sep)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *c, *k = NULL, *kk;
	json_t *sum, *cov;
	char name[256];
	size_t i;
	int ret = 0;

	sum = load(ix, "fuzz-kernel/coverage/summary.json");
	cov = load(ix, "fuzz-kernel/coverage/coverage.json");
	if (!sum || !cov)
		goto out;
	json_array_foreach(json_object_get(cov, "kernels"), i, kk)
		if (!strcmp(jstr(kk, "kernel", ""), jstr(sum, "kernel", "?")))
			k = kk;
	c = json_array_get(json_object_get(sum, "corpora"), 0);
	snprintf(name, sizeof(name), "corpus-%s", jstr(c, "name", "?"));
	ret = html_text(w, sep);
	if (!ret)
		ret = html_link(w, "fuzz-kernel/coverage/index.html", "kernel coverage");
	if (!ret)
		ret = html_textf(w, " (gcov, %s, lines/branches) of %s, %lld files:",
				 jstr(sum, "kernel", "?"), name, jnum(c, "files"));
	if (!ret)
		ret = kcov_dirs(w, kcov_scenario(k, name), "");
	if (!ret)
		ret = kcov_dirs(w, kcov_scenario(k, "siovh"), "; the clauses (siovh):");
	if (!ret)
		ret = kcov_dirs(w, kcov_scenario(k, "boot"), "; boot only:");
out:
	json_decref(sum);
	json_decref(cov);
	return ret;
}

/*
 * Kernel fuzzing in VMs (vm-images/fuzz-kernel.sh): fuzz-kernel/stats.json,
 * the VMs' execs/s next to the reference's, kernel edges and findings; then
 * the kernel coverage of the corpus (fuzz_kernel_cov).
 */
static int fuzz_kernel_row(struct index_page *ix)
{
	xmlTextWriterPtr w = ix->w;
	const json_t *run;
	bool campaign;
	json_t *doc;
	int ret;

	HTRY(row_start(w, "Kernel fuzzing (VM)", "fuzz-kernel/stats.txt",
		       exists(ix, "fuzz-kernel/stats.txt")));
	/* without a campaign, the coverage of a corpus alone (make
	 * fuzz-kernel-coverage) */
	doc = load(ix, "fuzz-kernel/stats.json");
	campaign = doc;
	if (!doc)
		doc = load(ix, "fuzz-kernel/coverage/summary.json");
	if (!doc)
		return missing(w, "make fuzz-kernel");
	run = json_object_get(doc, "run");
	ret = provenance(w, jstr(run, "date", NULL), run,
			 jstr(doc, "target", NULL));
	if (!ret)
		ret = html_start(w, "td", NULL);
	if (!ret && campaign)
		ret = html_textf(w, "%lld s in %lld VM(s): %lld execs/s per VM "
				 "(the reference %lld), %lld kernel edges, "
				 "%lld crashes, %lld disagreements",
				 jnum(doc, "seconds"), jnum(doc, "vms"),
				 jnum(doc, "vm_execs_per_s"),
				 jnum(doc, "ref_execs_per_s"),
				 jnum(doc, "kernel_edges_max_per_boot"),
				 jnum(doc, "crashes"), jnum(doc, "disagreements"));
	if (!ret)
		ret = fuzz_kernel_cov(ix, campaign ? "; " :
				      "no campaign report (make fuzz-kernel); ");
	json_decref(doc);
	HTRY(ret);
	HTRY(html_end(w));
	return html_end(w);
}

static int raw_files(struct index_page *ix)
{
	static const char *const files[] = { "results.json", "results.ktap",
					     "faults.ktap", "junit.xml" };
	xmlTextWriterPtr w = ix->w;
	size_t i;

	HTRY(html_start(w, "p", NULL));
	HTRY(html_text(w, "Machine-readable: "));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!exists(ix, files[i]))
			continue;
		HTRY(html_link(w, files[i], files[i]));
		HTRY(html_text(w, " "));
	}
	return html_end(w);
}

static int index_page(struct index_page *ix)
{
	static const char *const cols[] = { "report", "produced", "figures" };
	xmlTextWriterPtr w = ix->w;
	size_t i;

	HTRY(html_open_doc(w, "siovh reports"));
	HTRY(html_elem(w, "p", "muted",
		       "The reports of the last runs in this directory; each row says when and on what it was produced."));
	HTRY(html_start(w, "table", NULL));
	HTRY(html_start(w, "tr", NULL));
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		HTRY(html_elem(w, "th", NULL, cols[i]));
	HTRY(html_end(w));
	HTRY(conformance_row(ix));
	HTRY(coverage_row(ix));
	HTRY(fuzz_row(ix));
	HTRY(bench_row(ix));
	HTRY(vm_row(ix));
	HTRY(kcov_row(ix));
	HTRY(fuzz_kernel_row(ix));
	HTRY(html_end(w));
	HTRY(raw_files(ix));
	return html_close_doc(w, NULL);
}

static int write_index(FILE *f, const void *arg)
{
	struct index_page ix = { .dir = arg };
	int ret;

	ix.w = html_writer_new(f);
	if (!ix.w)
		return -ENOMEM;
	ret = index_page(&ix);
	return html_writer_done(ix.w, f, ret);
}

int siovh_report_index_write(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/index.html", dir) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "report path '%s/index.html' is too long",
			 dir);
		return -ENAMETOOLONG;
	}
	return siovh_write_atomic(path, write_index, dir, err, errlen);
}
