/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/spectra.h -- singular values, eigenvalues, overlap matrices, angles.
 *
 * SVD  A = U diag(s) V^T (LAPACKE_dgesdd), s descending.
 * EIG  eigenvalues of a general real matrix (LAPACKE_dgeev).
 * Overlap of the top-r part (arXiv:2504.13727, Figs 2-3): with the top-r singular vectors
 * U_r, V_r of A, P = U_r^T V_r (r x r).  Its singular values tell whether
 * I - W has small singular values: all 1 for EP (range-symmetric) low-rank
 * parts (P orthogonal), 0 for a rank-one part with v orthogonal to u.
 */
#ifndef LRS_SPECTRA_H
#define LRS_SPECTRA_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector_complex.h>
#include <gsl/gsl_matrix_complex_double.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A is m x n, k = min(m, n).  s: length k (descending).  U: m x k or NULL,
 * V: n x k or NULL (both or neither).  A is not modified. */
int lrs_spectra_svd(const gsl_matrix *A, gsl_vector *s, gsl_matrix *U,
                    gsl_matrix *V, lrs_err_t *err);

/* Eigenvalues of square A, sorted by descending real part (ties: descending
 * imaginary part).  R (nullable, N x N complex): matching right eigenvectors
 * (unit 2-norm columns). */
int lrs_spectra_eig(const gsl_matrix *A, gsl_vector_complex *lambda,
                    gsl_matrix_complex *R, lrs_err_t *err);

/* Largest real part of the eigenvalues of A and its imaginary part. */
int lrs_spectra_max_real_eig(const gsl_matrix *A, double *re, double *im,
                             lrs_err_t *err);

/* Overlap matrix P = U_r^T V_r of the top-r singular vectors of A (r x r) and
 * its singular values sP (length r, nullable). */
int lrs_spectra_overlap(const gsl_matrix *A, size_t r, gsl_matrix *P,
                        gsl_vector *sP, lrs_err_t *err);

/* Angle in degrees (0..180) between vectors a and b: acos(a.b/|a||b|). */
int lrs_spectra_angle_deg(const gsl_vector *a, const gsl_vector *b,
                          double *deg, lrs_err_t *err);
/* Angle in degrees (0..90) between the lines spanned by a and b (sign-free). */
int lrs_spectra_line_angle_deg(const gsl_vector *a, const gsl_vector *b,
                               double *deg, lrs_err_t *err);
/* Principal angles (degrees, ascending) between the column spaces of A (N x p)
 * and B (N x q); angles has length min(p, q). */
int lrs_spectra_subspace_angles(const gsl_matrix *A, const gsl_matrix *B,
                                gsl_vector *angles, lrs_err_t *err);

/* Relative commutator norm ||A A^T - A^T A||_F / ||A||_F^2 (0 iff normal). */
int lrs_spectra_nonnormality(const gsl_matrix *A, double *rel, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
