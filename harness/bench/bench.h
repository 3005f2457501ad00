/* SPDX-License-Identifier: MIT */
/* What siovh-bench's files share: the clock, the median, the parts. */
#ifndef SIOVH_BENCH_H
#define SIOVH_BENCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

uint64_t bench_now_ns(void);
/* Median of v[0..n) (sorts v). */
double bench_median(double *v, size_t n);
/* The vSVA figures (bench_vsva.c), into root["vsva"]; 0 or -errno. */
int bench_vsva(json_t *root);
/* The device core's descriptor rate (bench_siovdev.c), into
 * root["siovdev"]; 0 or -errno. */
int bench_siovdev(json_t *root);

#endif /* SIOVH_BENCH_H */
