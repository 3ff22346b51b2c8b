/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/verdict.h -- the two verdicts of lrs (low-rank suppression,
 * high-dimensional responses): their one definition and their thresholds,
 * used by the dense path (lrs_linear_verdict, `lrs-analyze report`) and the
 * sparse path (`lrs-analyze --sparse report`) alike.  The definition uses
 * only quantities that both paths give exactly -- a few singular values at
 * each end of I - W and the entries -- so both say the same about the same
 * matrix.
 *
 * Theory 1 (Wan & Rosenbaum, arXiv:2504.13727, linear theory): the PC
 * variances of z are v_i = sigma_x^2 / s_i^2, s_1 >= ... >= s_N > 0 the
 * singular values of I - W.  The reference is the bulk of that spectrum:
 * with K = min(LRS_VERDICT_K, floor(N / 2)),
 *     m_b = ( ||I - W||_F^2 - sum_{i <= K} s_i^2 ) / (N - K),
 * the mean square of the singular values of I - W without the K largest
 * (||I - W||_F^2 = ||W||_F^2 - 2 trace W + N from the entries); the
 * reference PC variance is v_ref = sigma_x^2 / m_b.
 *   suppression   = v_ref / v_min = s_1^2 / m_b    (how far the smallest PC
 *                   variance falls below the reference)
 *   amplification = v_max / v_ref = m_b / s_N^2    (how far the largest rises
 *                   above it)
 *   low-rank suppression: YES if suppression >= LRS_VERDICT_SUPPRESSION_YES,
 *                         weak if >= LRS_VERDICT_SUPPRESSION_WEAK, else no;
 *   high-dimensional:     YES if amplification <= LRS_VERDICT_HIGHDIM_MAX
 *                         (else a few amplified directions dominate).
 *   counts: PCs more than LRS_VERDICT_OUTLIER times below the reference
 *           (s_i^2 > 10 m_b) and above it (s_i^2 < m_b / 10); exact when
 *           they stop inside the given values, else "at least" (flag set).
 * Earlier versions of lrs compared with the median PC variance, which needs
 * the whole spectrum; the bulk mean square needs the K largest values and
 * the entries only.  For a spectrum with a few outliers and a flat bulk the
 * two coincide (e.g. W = c u u^T: m_b = 1 = the median).
 *
 * Cost O(ntop + nbottom), O(N) with the participation ratio.
 */
#ifndef LRS_VERDICT_H
#define LRS_VERDICT_H

#include <stddef.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many largest singular values are left out of the bulk. */
#define LRS_VERDICT_K 10
/* The thresholds (the library's one definition of the two verdicts). */
#define LRS_VERDICT_SUPPRESSION_YES 10.0
#define LRS_VERDICT_SUPPRESSION_WEAK 3.0
#define LRS_VERDICT_HIGHDIM_MAX 10.0
#define LRS_VERDICT_OUTLIER 10.0

typedef enum {
    LRS_SUPPRESSION_NO = 0,
    LRS_SUPPRESSION_WEAK = 1,
    LRS_SUPPRESSION_YES = 2
} lrs_suppression_t;

typedef struct lrs_verdict {
    size_t n, k_ref;       /* N and K */
    double bulk_ms;        /* m_b */
    double ref_var;        /* v_ref = sigma_x^2 / m_b */
    double var_max, var_min;
    double suppression, amplification;
    double participation;  /* (sum v)^2 / sum v^2 over all N PCs, in [1, N]:
                              only when all N values are given, else NAN */
    size_t nsupp, namp;    /* counts of PCs 10x below / above v_ref */
    int nsupp_atleast, namp_atleast; /* 1: the count reached the given values */
    lrs_suppression_t lrs; /* low-rank suppression */
    int high_dimensional;  /* 1 YES, 0 no */
} lrs_verdict_t;

/* n = order of W; frob2_IW = ||I - W||_F^2; top: the ntop >= K largest
 * singular values of I - W, descending; bottom: the nbottom >= 1 smallest,
 * ascending.  sigma_x > 0.  The dense path passes all n values (then
 * out->participation is set). */
int lrs_verdict_compute(size_t n, double frob2_IW, const double *top, size_t ntop,
                        const double *bottom, size_t nbottom, double sigma_x,
                        lrs_verdict_t *out, lrs_err_t *err);

/* "no", "weak", "YES". */
const char *lrs_suppression_name(lrs_suppression_t s);
/* "YES", "weak", "no" for v->lrs; "YES", "no" for v->high_dimensional. */
const char *lrs_verdict_lrs_word(const lrs_verdict_t *v);
const char *lrs_verdict_hd_word(const lrs_verdict_t *v);

#ifdef __cplusplus
}
#endif
#endif
