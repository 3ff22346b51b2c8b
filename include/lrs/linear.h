/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/linear.h -- factor once, query many times: the linear analysis of a
 * connectivity matrix W for the driven network
 *
 *     tau dz/dt = -z + W z + x(t)                (arXiv:2504.13727)
 *
 * lrs_linear_alloc() copies W; I - W and each factorisation are
 * computed the first time a query needs it and cached until
 * lrs_linear_free(), as GSL's gsl_linalg_LU_decomp is followed by any number
 * of gsl_linalg_LU_solve calls:
 *
 *   eigenvalues of W            LAPACK dgeev, values only         O(N^3) once
 *   SVD of W                    dgesdd, values only or with U, V  O(N^3) once each
 *   SVD of I - W                the same                          O(N^3) once each
 *   LU of I - W                 GSL's LU with partial pivoting    O(N^3) once
 *
 * Queries (arXiv:2504.13727, linear theory, Figs 1-3):
 *   stability       max Re eig(W) < 1: the stationary state exists;
 *   theory 1        the k-th PC variance of z for iid input of variance
 *                   sigma_x^2 in the quasi-static limit tau_x >> tau:
 *                   var_k = sigma_x^2 / sigma_{N+1-k}(I - W)^2 (descending);
 *   overlap         P = U_r^T V_r of the top-r singular vectors of W and its
 *                   singular values (all 1 for an EP-like low-rank part; a
 *                   small one means I - W has a small singular value);
 *   solve           y = (I - W)^{-1} b, the steady state for a constant input b;
 *   verdicts        from the theory-1 variances: low-rank suppression (the
 *                   smallest PC variance far below the median) and
 *                   high-dimensional dynamics (no PC variance far above it),
 *                   with the participation ratio (sum var)^2 / sum var^2.
 *
 * Memory: N^2 doubles for W, N^2 for I - W once used, plus each cached factorisation
 * (N^2 per matrix of vectors).  Values-only and with-vectors SVDs are cached
 * apart: a values-only query after a with-vectors one returns the
 * with-vectors values (equal to rounding), never a second factorisation.
 *
 * Threads: an object is used by one thread at a time, except that the
 * eigenvalues, the SVD of W and the SVD of I - W (each a separate cache, and
 * only the last builds I - W) may be computed concurrently from different
 * threads.
 */
#ifndef LRS_LINEAR_H
#define LRS_LINEAR_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_vector_complex.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lrs_linear lrs_linear_t;

/* Prepare W (N x N, N >= 1, finite; copied).  O(N^2): nothing is factorised yet. */
int lrs_linear_alloc(lrs_linear_t **out, const gsl_matrix *W, lrs_err_t *err);
void lrs_linear_free(lrs_linear_t *L);
size_t lrs_linear_size(const lrs_linear_t *L);
/* The copy of W (valid until lrs_linear_free). */
const gsl_matrix *lrs_linear_matrix(const lrs_linear_t *L);
/* I - W, built on first use and kept (NULL with err set if out of memory). */
const gsl_matrix *lrs_linear_i_minus(lrs_linear_t *L, lrs_err_t *err);

/* ------------------------------------------------------------------ factorisations
 * Each returns pointers into the cache (valid until lrs_linear_free; do not
 * modify or free them). */

/* Eigenvalues of W by descending real part (ties: descending imaginary part). */
int lrs_linear_eig(lrs_linear_t *L, const gsl_vector_complex **lambda, lrs_err_t *err);
/* Singular values of W, descending; U, V (N x N) nullable: give both to get
 * the singular vectors as well (W = U diag(s) V^T). */
int lrs_linear_svd(lrs_linear_t *L, const gsl_vector **s, const gsl_matrix **U,
                   const gsl_matrix **V, lrs_err_t *err);
/* The same for I - W. */
int lrs_linear_svd_imw(lrs_linear_t *L, const gsl_vector **s, const gsl_matrix **U,
                       const gsl_matrix **V, lrs_err_t *err);

/* ------------------------------------------------------------------ queries */

/* Eigenvalue of W with the largest real part (re, im nullable). */
int lrs_linear_max_real_eig(lrs_linear_t *L, double *re, double *im, lrs_err_t *err);
/* *stable <- 1 if max Re eig(W) < 1 (the linear dynamics settle), else 0. */
int lrs_linear_stable(lrs_linear_t *L, int *stable, lrs_err_t *err);
/* 1/cond_2(I - W) = sigma_min / sigma_max (0 when I - W is singular). */
int lrs_linear_rcond_imw(lrs_linear_t *L, double *rcond, lrs_err_t *err);

/* Theory 1: var (length N) <- sigma_x^2 / sigma_{N+1-k}(I - W)^2, k = 1..N,
 * descending.  LRS_EUNSTABLE if max Re eig(W) >= 1 (no stationary
 * covariance), LRS_ENUMERIC if I - W is singular; sigma_x finite, >= 0. */
int lrs_linear_pcvar1(lrs_linear_t *L, double sigma_x, gsl_vector *var, lrs_err_t *err);

/* Overlap of the top-r part: P (r x r) <- U_r^T V_r; sP (length r,
 * nullable) <- its singular values, descending.  1 <= r <= N.  Uses the SVD
 * of W with vectors; O(N r^2) per call after it. */
int lrs_linear_overlap(lrs_linear_t *L, size_t r, gsl_matrix *P, gsl_vector *sP,
                       lrs_err_t *err);

/* y <- (I - W)^{-1} b (length N each; y may alias b).  LRS_ENUMERIC if I - W
 * is exactly singular.  O(N^2) per call after the LU. */
int lrs_linear_solve(lrs_linear_t *L, const gsl_vector *b, gsl_vector *y, lrs_err_t *err);

/* ------------------------------------------------------------------ verdicts
 * From PC variances var_1 >= ... >= var_N > 0 (theory 1, or a simulation's):
 *   suppression   = median / var_N: how far the smallest falls below the median;
 *   amplification = var_1 / median: how far the largest rises above it.
 *   low-rank suppression: YES if suppression >= LRS_LINEAR_SUPPRESSION_YES,
 *                         WEAK if >= LRS_LINEAR_SUPPRESSION_WEAK, else NO;
 *   high-dimensional:     amplification <= LRS_LINEAR_HIGHDIM_MAX (a few
 *                         amplified directions would otherwise dominate).
 * The counts are the PCs more than LRS_LINEAR_OUTLIER times below / above
 * the median.  These thresholds are the library's one definition of the two
 * verdicts. */
#define LRS_LINEAR_SUPPRESSION_YES 10.0
#define LRS_LINEAR_SUPPRESSION_WEAK 3.0
#define LRS_LINEAR_HIGHDIM_MAX 10.0
#define LRS_LINEAR_OUTLIER 10.0

typedef enum {
    LRS_SUPPRESSION_NO = 0,
    LRS_SUPPRESSION_WEAK = 1,
    LRS_SUPPRESSION_YES = 2
} lrs_suppression_t;

typedef struct lrs_linear_verdict {
    double var_max, var_median, var_min;
    double participation;       /* (sum var)^2 / sum var^2, in [1, N] */
    double suppression;         /* median / var_min */
    double amplification;       /* var_max / median */
    size_t n_suppressed;        /* PCs with var < median / LRS_LINEAR_OUTLIER */
    size_t n_amplified;         /* PCs with var > median * LRS_LINEAR_OUTLIER */
    lrs_suppression_t suppressed;
    int high_dimensional;       /* 1 if amplification <= LRS_LINEAR_HIGHDIM_MAX */
} lrs_linear_verdict_t;

/* Verdicts from a descending vector of positive, finite PC variances. */
int lrs_linear_verdict_of(const gsl_vector *var, lrs_linear_verdict_t *v, lrs_err_t *err);
/* Verdicts from the theory-1 variances of W for input sigma_x (errors as
 * lrs_linear_pcvar1). */
int lrs_linear_verdict(lrs_linear_t *L, double sigma_x, lrs_linear_verdict_t *v,
                       lrs_err_t *err);
const char *lrs_suppression_name(lrs_suppression_t s); /* "no", "weak", "YES" */

/* Participation ratio (sum var)^2 / sum var^2 of a vector of variances (an
 * effective dimension between 1 and its length); NAN if var is NULL, empty
 * or all zero.  Sums in index order. */
double lrs_linear_participation_ratio(const gsl_vector *var);

#ifdef __cplusplus
}
#endif
#endif
