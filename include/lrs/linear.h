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
 *   verdicts        from the theory-1 variances (lrs/verdict.h): low-rank
 *                   suppression (the smallest PC variance far below the
 *                   bulk reference) and high-dimensional dynamics (no PC
 *                   variance far above it), with the participation ratio
 *                   (sum var)^2 / sum var^2.
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
#include "lrs/verdict.h"

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
 * The two verdicts of lrs/verdict.h (low-rank suppression, high-dimensional
 * responses; definition and thresholds there), from all N singular values of
 * I - W and its entries: errors as lrs_linear_pcvar1, and sigma_x > 0.  Also
 * sets v->participation, the participation ratio of the theory-1 variances. */
int lrs_linear_verdict(lrs_linear_t *L, double sigma_x, lrs_verdict_t *v, lrs_err_t *err);
/* The same verdicts from any descending vector of positive, finite PC
 * variances var_1 >= ... >= var_N (a simulation's, say): the definition of
 * lrs/verdict.h with s_i^2 = 1 / var_{N+1-i} and sigma_x = 1, i.e. the
 * reference is the harmonic mean of the variances without the K smallest. */
int lrs_linear_verdict_of(const gsl_vector *var, lrs_verdict_t *v, lrs_err_t *err);

/* Participation ratio (sum var)^2 / sum var^2 of a vector of variances (an
 * effective dimension between 1 and its length); NAN if var is NULL, empty
 * or all zero.  Sums in index order. */
double lrs_linear_participation_ratio(const gsl_vector *var);

#ifdef __cplusplus
}
#endif
#endif
