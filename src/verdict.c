/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict.c -- the two verdicts from both ends of the singular spectrum of
 * I - W and ||I - W||_F (see lrs/verdict.h for the definitions).
 * Cost O(ntop + nbottom), plus O(N) for the participation ratio when the
 * whole spectrum is given.
 */
#include "lrs/verdict.h"

#include <math.h>
#include <string.h>

/* (sum v)^2 / sum v^2 with v_i = 1 / s_i^2 (sigma_x cancels), summed from
 * the largest s (smallest v) up. */
static double participation_of(const double *s, size_t n)
{
    double sum = 0, sum2 = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double v = 1.0 / (s[i] * s[i]);
        sum += v;
        sum2 += v * v;
    }
    return sum * sum / sum2;
}

/* Counts of the PCs more than LRS_VERDICT_OUTLIER times below and above the
 * reference, and whether they reached the end of the given values. */
static void count_outliers(const double *top, size_t ntop, const double *bottom, size_t nbottom,
                           lrs_verdict_t *out)
{
    size_t i;
    for (i = 0; i < ntop && top[i] * top[i] > LRS_VERDICT_OUTLIER * out->bulk_ms; i++)
        out->nsupp++;
    out->nsupp_atleast = out->nsupp == ntop && ntop < out->n;
    for (i = 0; i < nbottom && bottom[i] * bottom[i] < out->bulk_ms / LRS_VERDICT_OUTLIER; i++)
        out->namp++;
    out->namp_atleast = out->namp == nbottom && nbottom < out->n;
}

int lrs_verdict_compute(size_t n, double frob2_IW, const double *top, size_t ntop,
                        const double *bottom, size_t nbottom, double sigma_x,
                        lrs_verdict_t *out, lrs_err_t *err)
{
    static const char *fn = "lrs_verdict_compute";
    size_t K, i;
    double rest, sx2 = sigma_x * sigma_x;
    if (!out || !top || !bottom)
        return lrs_err_set(err, LRS_EINVAL, "%s: NULL argument", fn);
    memset(out, 0, sizeof *out);
    K = n / 2 < LRS_VERDICT_K ? n / 2 : LRS_VERDICT_K;
    if (n < 2 || ntop < K || ntop > n || nbottom < 1 || nbottom > n)
        return lrs_err_set(err, LRS_EINVAL, "%s: N = %zu with %zu top and %zu bottom values; "
                           "need N >= 2, at least %zu top and 1 bottom", fn, n, ntop, nbottom, K);
    if (!(sigma_x > 0) || !isfinite(sigma_x) || !(frob2_IW >= 0) || !isfinite(frob2_IW))
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_x = %g, ||I - W||_F^2 = %g", fn, sigma_x,
                           frob2_IW);
    if (!(bottom[0] > 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: I - W is singular (smallest singular value %g)",
                           fn, bottom[0]);
    rest = frob2_IW;
    for (i = 0; i < K; i++)
        rest -= top[i] * top[i];
    /* rounding can leave a tiny negative remainder when the bulk is ~0 */
    out->bulk_ms = fmax(rest, 0) / (double)(n - K);
    if (!(out->bulk_ms > 0))
        out->bulk_ms = bottom[0] * bottom[0];
    out->n = n;
    out->k_ref = K;
    out->ref_var = sx2 / out->bulk_ms;
    out->var_max = sx2 / (bottom[0] * bottom[0]);
    out->var_min = sx2 / (top[0] * top[0]);
    out->suppression = out->ref_var / out->var_min;
    out->amplification = out->var_max / out->ref_var;
    out->participation = ntop == n ? participation_of(top, n) : NAN;
    count_outliers(top, ntop, bottom, nbottom, out);
    out->lrs = out->suppression >= LRS_VERDICT_SUPPRESSION_YES    ? LRS_SUPPRESSION_YES
               : out->suppression >= LRS_VERDICT_SUPPRESSION_WEAK ? LRS_SUPPRESSION_WEAK
                                                                   : LRS_SUPPRESSION_NO;
    out->high_dimensional = out->amplification <= LRS_VERDICT_HIGHDIM_MAX;
    return LRS_OK;
}

const char *lrs_suppression_name(lrs_suppression_t s)
{
    return s == LRS_SUPPRESSION_YES ? "YES" : s == LRS_SUPPRESSION_WEAK ? "weak" : "no";
}

const char *lrs_verdict_lrs_word(const lrs_verdict_t *v)
{
    return !v ? "?" : lrs_suppression_name(v->lrs);
}

const char *lrs_verdict_hd_word(const lrs_verdict_t *v)
{
    return !v ? "?" : v->high_dimensional ? "YES" : "no";
}
