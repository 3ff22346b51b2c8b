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
    RUN(test_bad_input);
    return harness_summary();
}
