/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/pca.h -- principal component analysis of a covariance matrix.
 *
 * The streaming covariance accumulator (lrs_cov_t) is in lrs/cov.h, included
 * here for convenience.
 *
 * PCA: the eigen-decomposition of C (LAPACKE_dsyevr), variances sorted
 * descending, % variance explained = 100 lambda_k / sum(lambda), and the
 * principal components (eigenvectors, columns, sign fixed so that the largest
 * |component| is positive).  Scaled PCA uses the correlation matrix
 * D^-1/2 C D^-1/2 (each unit standardised first; used for the epidemic model).
 */
#ifndef LRS_PCA_H
#define LRS_PCA_H

#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/cov.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lrs_pca {
    size_t N;
    gsl_vector *var; /* PC variances, descending */
    gsl_vector *pct; /* % variance explained */
    gsl_matrix *pcs; /* column k = k-th principal component (unit vector) */
} lrs_pca_t;

int lrs_pca_alloc(lrs_pca_t **out, size_t N, lrs_err_t *err);
void lrs_pca_free(lrs_pca_t *p);
/* PCA of a covariance matrix C (symmetric N x N); scaled != 0 uses the
 * correlation matrix.  want_pcs == 0 skips the eigenvectors (faster). */
int lrs_pca_from_cov(lrs_pca_t *p, const gsl_matrix *C, int scaled,
                     int want_pcs, lrs_err_t *err);
/* Eigenvalues of a symmetric matrix, descending (dsyevr); V (nullable) gets
 * the matching eigenvectors as columns. */
int lrs_pca_symeig(const gsl_matrix *A, gsl_vector *eval, gsl_matrix *V,
                   lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
