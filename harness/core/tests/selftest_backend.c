/* SPDX-License-Identifier: MIT */
/*
 * A tiny backend for the runner self-test: no facets, feature IOASID only
 * (so a clause needing more is skipped), two faults for the kill table, and
 * an open that fails on request.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "selftest.h"

static const struct siovh_fault selftest_faults[] = {
	{ .name = "answer-off-by-one", .facet = ST_FACET_KT,
	  .summary = "the answer is 43", .code = 1 },
	{ .name = "unkillable", .facet = ST_FACET_KT,
	  .summary = "changes nothing observable", .code = 2 },
	{ .name = NULL },
};

static int selftest_open(const struct siovh_target_spec *spec,
			 struct siovh_target *t)
{
	if (!strcmp(spec->arg, ST_ARG_FAIL_OPEN))
		return -ENODEV;
	t->features = SIOVH_FEAT_IOASID;
	t->priv = (void *)(intptr_t)(spec->fault == 0 ? 43 : 42);
	return 0;
}

static void selftest_close(struct siovh_target *t)
{
	t->priv = NULL;
}

const struct siovh_backend selftest_backend = {
	.name = "selftest",
	.summary = "runner self-test backend",
	.faults = selftest_faults,
	.open = selftest_open,
	.close = selftest_close,
};

int selftest_answer(struct siovh_target *t)
{
	return (int)(intptr_t)t->priv;
}

void selftest_spec(struct siovh_target_spec *spec, const char *arg)
{
	memset(spec, 0, sizeof(*spec));
	spec->backend = &selftest_backend;
	spec->fault = -1;
	snprintf(spec->text, sizeof(spec->text), "selftest%s%s",
		 arg ? ":" : "", arg ? arg : "");
	if (arg)
		snprintf(spec->arg, sizeof(spec->arg), "%s", arg);
}
