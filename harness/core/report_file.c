/* SPDX-License-Identifier: MIT */
/*
 * Report files: preparing the directory, atomic replacement, and writing
 * the whole set (report.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "siovh/report.h"

/* mkdir -p: every missing component of dir. */
static int mkdir_parents(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir), i;

	if (!len)
		return -ENOENT;
	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			return -errno;
		path[i] = dir[i];
	}
	return 0;
}

int siovh_report_dir_prepare(const char *dir, char *err, size_t errlen)
{
	char probe[PATH_MAX];
	struct stat st;
	int ret, fd;

	ret = mkdir_parents(dir);
	if (ret) {
		snprintf(err, errlen, "cannot create report directory '%s': %s",
			 dir, strerror(-ret));
		return ret;
	}
	if (stat(dir, &st)) {
		ret = -errno;
		snprintf(err, errlen, "cannot use report directory '%s': %s",
			 dir, strerror(-ret));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "report directory '%s' is not a directory",
			 dir);
		return -ENOTDIR;
	}
	if (snprintf(probe, sizeof(probe), "%s/.siovh-probe-XXXXXX", dir) >=
	    (int)sizeof(probe)) {
		snprintf(err, errlen, "report directory '%s': %s", dir,
			 strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	fd = mkstemp(probe);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "report directory '%s' is not writable: %s",
			 dir, strerror(-ret));
		return ret;
	}
	close(fd);
	unlink(probe);
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(slash == path ? 1 : slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	fsync(fd);	/* best effort: the rename is done either way */
	close(fd);
}

static int tmp_path(const char *path, char *tmp, size_t len)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (slash)
		n = snprintf(tmp, len, "%.*s.%s.tmp-XXXXXX",
			     (int)(slash - path + 1), path, slash + 1);
	else
		n = snprintf(tmp, len, ".%s.tmp-XXXXXX", path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int siovh_write_atomic(const char *path, siovh_write_fn fn, const void *arg,
		       char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const char *what = "cannot create a temporary file for";
	FILE *f = NULL;
	int fd, ret;

	ret = tmp_path(path, tmp, sizeof(tmp));
	if (ret)
		goto err;
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		goto err;
	}
	what = "cannot write";
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		ret = -errno;
		close(fd);
		goto err_unlink;
	}
	ret = fn(f, arg);
	if (!ret && fflush(f))
		ret = -errno;
	if (!ret && ferror(f))	/* an earlier write failed; errno is stale */
		ret = -EIO;
	if (!ret && fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		goto err_unlink;
	what = "cannot rename into place";
	if (rename(tmp, path)) {
		ret = -errno;
		goto err_unlink;
	}
	fsync_dir_of(path);
	return 0;

err_unlink:
	unlink(tmp);
err:
	snprintf(err, errlen, "%s '%s': %s", what, path, strerror(-ret));
	return ret;
}

struct report_args {
	const struct siovh_run *run;
	const struct siovh_kill_table *kt;
	json_t *doc;			/* results.json's document */
};

static int write_ktap(FILE *f, const void *arg)
{
	return siovh_report_ktap(f, ((const struct report_args *)arg)->run);
}

static int write_faults_ktap(FILE *f, const void *arg)
{
	return siovh_report_faults_ktap(f, ((const struct report_args *)arg)->kt);
}

static int write_junit(FILE *f, const void *arg)
{
	return siovh_report_junit(f, ((const struct report_args *)arg)->run);
}

static int write_json(FILE *f, const void *arg)
{
	const struct report_args *a = arg;

	if (json_dumpf(a->doc, f, JSON_INDENT(2)) || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

/* conformance/index.html of this run, then the directory's index.html. */
static int write_html(const char *dir, const struct report_args *a,
		      char *err, size_t errlen)
{
	struct siovh_html_run col = {
		.label = a->run->spec.text, .path = "results.json",
		.doc = a->doc,
	};
	char path[PATH_MAX];
	int ret;

	if (snprintf(path, sizeof(path), "%s/conformance/index.html", dir) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "report path '%s/conformance' is too long",
			 dir);
		return -ENAMETOOLONG;
	}
	ret = siovh_report_html_write(path, &col, 1, NULL, err, errlen);
	return ret ? ret : siovh_report_index_write(dir, err, errlen);
}

int siovh_report_write(const char *dir, const struct siovh_run *run,
		       const struct siovh_kill_table *kt, char *err,
		       size_t errlen)
{
	static const struct {
		const char *name;
		siovh_write_fn fn;
		bool faults;
	} files[] = {
		{ "results.ktap", write_ktap, false },
		{ "faults.ktap", write_faults_ktap, true },
		{ "junit.xml", write_junit, false },
		{ "results.json", write_json, false },
	};
	struct report_args args = { .run = run, .kt = kt };
	char path[PATH_MAX];
	size_t i;
	int ret = 0;

	args.doc = siovh_report_json_doc(run, kt);
	if (!args.doc) {
		snprintf(err, errlen, "cannot build results.json: %s",
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; !ret && i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].faults && !kt)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, files[i].name) >=
		    (int)sizeof(path)) {
			snprintf(err, errlen, "report path '%s/%s' is too long",
				 dir, files[i].name);
			ret = -ENAMETOOLONG;
			break;
		}
		ret = siovh_write_atomic(path, files[i].fn, &args, err, errlen);
	}
	if (!ret)
		ret = write_html(dir, &args, err, errlen);
	json_decref(args.doc);
	return ret;
}
