/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/verdict.h -- the two verdicts of lrs-analyze (low-rank suppression,
 * high-dimensional responses), defined from quantities that both the dense
 * path (all singular values) and the sparse path (a few at each end) give
 * exactly, so that both say the same about the same matrix.
 *
 * Theory 1 (Wan & Rosenbaum, arXiv:2504.13727, linear theory): the PC variances of z
 * are v_i = sigma_x^2 / s_i^2, s_i the singular values of I - W.  The
 * reference is the bulk: with K = min(10, N - 1) and
 *     m_b = ( ||I - W||_F^2 - sum_{i <= K} s_i^2 ) / (N - K),
 * (the mean square of the singular values of I - W without the K largest;
 * ||I - W||_F^2 = ||W||_F^2 - 2 trace W + N from the entries), the
 * reference variance is v_ref = sigma_x^2 / m_b.  A median would need the
 * whole spectrum; m_b needs the K largest values and the entries only.
 *   suppression    = v_ref / v_min = s_1^2 / m_b
 *   amplification  = v_max / v_ref = m_b / s_N^2
 * judged with the thresholds of lrs/linear.h (LRS_LINEAR_SUPPRESSION_YES,
 * _WEAK, LRS_LINEAR_HIGHDIM_MAX, LRS_LINEAR_OUTLIER: 10, 3, 10, 10), which
 * lrs_linear_verdict applies to the median of all N variances instead.
 * Counts: PCs more than 10x below v_ref (s_i^2 > 10 m_b) and more than 10x
 * above (s_i^2 < m_b / 10), exact when they stop inside the given values,
 * else "at least" that many (flag set).
 */
#ifndef LRS_VERDICT_H
#define LRS_VERDICT_H

#include <stddef.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LRS_VERDICT_K 10

typedef struct lrs_verdict {
    size_t n, k_ref;
    double bulk_ms;        /* m_b */
    double ref_var;        /* sigma_x^2 / m_b */
    double var_max, var_min;
    double suppression, amplification;
    size_t nsupp, namp;    /* counts of PCs 10x below / above v_ref */
    int nsupp_atleast, namp_atleast; /* 1: the count reached the given values */
    int lrs;               /* an lrs_suppression_t: 2 YES, 1 weak, 0 no */
    int high_dimensional;  /* 1 YES, 0 no */
} lrs_verdict_t;

/* n = order of W; frob2_IW = ||I - W||_F^2; top: the ntop >= min(10, n - 1)
 * largest singular values of I - W, descending; bottom: the nbottom >= 1
 * smallest, ascending.  sigma_x > 0.  The dense path passes all n values
 * (top descending, bottom ascending views of the same array). */
int lrs_verdict_compute(size_t n, double frob2_IW, const double *top, size_t ntop,
                        const double *bottom, size_t nbottom, double sigma_x,
                        lrs_verdict_t *out, lrs_err_t *err);

/* "YES", "weak", "no" for out->lrs; "YES", "no" for high_dimensional. */
const char *lrs_verdict_lrs_word(const lrs_verdict_t *v);
const char *lrs_verdict_hd_word(const lrs_verdict_t *v);

#ifdef __cplusplus
}
#endif
#endif
