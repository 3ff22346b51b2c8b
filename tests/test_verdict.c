/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_verdict.c -- the verdicts of lrs/verdict.h: analytic cases and the
 * messages for bad input.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include "lrs/verdict.h"

/* W = c u u^T (c = -10), N = 50: I - W has one singular value 11 and 49
 * equal to 1; ||I - W||_F^2 = 121 + 49.  Bulk m_b = 1 exactly, suppression
 * 121 (YES, one PC 10x below), amplification 1 (YES, none above). */
static void test_rank_one_normal(void)
{
    double s[50], f2 = 121 + 49;
    size_t i;
    lrs_verdict_t v;
    lrs_err_t err = {0};
    s[0] = 11;
    for (i = 1; i < 50; i++)
        s[i] = 1;
    CHECK_OK(lrs_verdict_compute(50, f2, s, 10, s + 49, 1, 1.0, &v, &err), &err);
    CHECK_REL(v.bulk_ms, 1.0, 1e-14);
    CHECK_REL(v.suppression, 121.0, 1e-14);
    CHECK_REL(v.amplification, 1.0, 1e-14);
    CHECK(v.lrs == 2 && v.high_dimensional == 1, "lrs %d hd %d", v.lrs, v.high_dimensional);
    CHECK(v.nsupp == 1 && !v.nsupp_atleast && v.namp == 0, "counts %zu %zu", v.nsupp, v.namp);
    CHECK(!strcmp(lrs_verdict_lrs_word(&v), "YES") && !strcmp(lrs_verdict_hd_word(&v), "YES"),
          "words");
}

/* Non-normal rank one (v orthogonal to u): a tiny singular value 0.05
 * -> amplification 400, high_dimensional "no", one PC 10x above. */
static void test_rank_one_nonnormal(void)
{
    double top[10] = {10, 1, 1, 1, 1, 1, 1, 1, 1, 1}, bottom[2] = {0.05, 1};
    double f2 = 100 + 0.0025 + 38; /* 40 values: 10, 0.05 and 38 ones */
    lrs_verdict_t v;
    lrs_err_t err = {0};
    CHECK_OK(lrs_verdict_compute(40, f2, top, 10, bottom, 2, 2.0, &v, &err), &err);
    CHECK_REL(v.bulk_ms, (38 + 0.0025 - 9) / 30, 1e-14);
    CHECK(v.high_dimensional == 0 && v.namp == 1, "hd %d namp %zu", v.high_dimensional, v.namp);
    CHECK_REL(v.ref_var, 4.0 / v.bulk_ms, 1e-14);
}

/* The thresholds, on exact squares: s = {6, 5, 5, 2, 1}, N = 5, K = 2,
 * m_b = (25 + 4 + 1) / 3 = 10: suppression 36 / 10 = 3.6 is weak and
 * amplification 10 / 1 = 10 exactly is still high-dimensional.  All N
 * values given: the participation ratio of v = 1 / s^2 is set; a partial
 * spectrum leaves it NAN and the same verdicts. */
static void test_thresholds(void)
{
    double s[5] = {6, 5, 5, 2, 1}, asc[5] = {1, 2, 5, 5, 6}, f2 = 91;
    double v[5], sum = 0, sum2 = 0;
    lrs_verdict_t a, b;
    lrs_err_t err = {0};
    size_t i;
    for (i = 0; i < 5; i++) {
        v[i] = 1 / (s[i] * s[i]);
        sum += v[i];
        sum2 += v[i] * v[i];
    }
    CHECK_OK(lrs_verdict_compute(5, f2, s, 5, asc, 5, 1.0, &a, &err), &err);
    CHECK(a.k_ref == 2 && a.bulk_ms == 10 && a.amplification == 10, "K %zu, m_b %g, amp %g",
          a.k_ref, a.bulk_ms, a.amplification);
    CHECK_REL(a.suppression, 3.6, 4 * DBL_EPSILON);
    CHECK(a.lrs == LRS_SUPPRESSION_WEAK && a.high_dimensional == 1, "weak: %s / %d",
          lrs_verdict_lrs_word(&a), a.high_dimensional);
    CHECK_REL(a.participation, sum * sum / sum2, 10 * DBL_EPSILON);
    CHECK_OK(lrs_verdict_compute(5, f2, s, 2, asc, 1, 1.0, &b, &err), &err);
    CHECK(isnan(b.participation) && b.lrs == a.lrs && b.high_dimensional == a.high_dimensional &&
              b.suppression == a.suppression && b.amplification == a.amplification,
          "partial spectrum: participation %g, verdicts %d/%d", b.participation, b.lrs,
          b.high_dimensional);
}

static void test_bad_input(void)
{
    double s[3] = {2, 1, 0.5}, z[1] = {0};
    lrs_verdict_t v;
    lrs_err_t err = {0};
    CHECK_ERR(lrs_verdict_compute(20, 10, s, 3, s + 2, 1, 1, &v, &err), LRS_EINVAL, &err,
              "N = 20 with 3 top and 1 bottom values; need N >= 2, at least 10 top");
    CHECK_ERR(lrs_verdict_compute(3, 5.25, s, 2, z, 1, 1, &v, &err), LRS_EINVAL, &err,
              "I - W is singular");
    CHECK_ERR(lrs_verdict_compute(3, 5.25, s, 2, s + 2, 1, 0, &v, &err), LRS_EINVAL, &err,
              "sigma_x = 0");
}

int main(void)
{
    RUN(test_rank_one_normal);
    RUN(test_rank_one_nonnormal);
    RUN(test_thresholds);
    RUN(test_bad_input);
    return harness_summary();
}
