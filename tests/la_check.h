/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tests/la_check.h -- fixtures and matrix measures shared by the unit tests:
 * a seeded generator, Gaussian and Figure-1 matrices, the Frobenius norm and
 * the orthonormality defect.
 */
#ifndef LRS_TEST_LA_CHECK_H
#define LRS_TEST_LA_CHECK_H

#include <math.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "lrs/connectivity.h"

/* MT19937 seeded with seed (the caller frees it). */
static inline gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

/* n x m matrix of independent N(0, scale^2) entries from its own generator
 * (seed), drawn in row-major order. */
static inline gsl_matrix *gaussian_matrix(size_t n, size_t m, double scale, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *A = gsl_matrix_alloc(n, m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            gsl_matrix_set(A, i, j, scale * gsl_ran_gaussian(r, 1.0));
    gsl_rng_free(r);
    return A;
}

/* Figure-1-like network W = c u u^T + rho G / sqrt(N) drawn from r. */
static inline gsl_matrix *fig1_net(size_t N, double c, double rho, gsl_rng *r)
{
    lrs_err_t e;
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    lrs_conn_rank1_vectors(r, LRS_RANK1_NORMAL, u, v, &e);
    lrs_conn_add_rank1(W, c, u, v, &e);
    lrs_conn_add_gaussian(W, rho, r, &e);
    gsl_vector_free(u);
    gsl_vector_free(v);
    return W;
}

/* ||A||_F */
static inline double frob(const gsl_matrix *A)
{
    double s = 0;
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++)
            s += gsl_matrix_get(A, i, j) * gsl_matrix_get(A, i, j);
    return sqrt(s);
}

/* max_ij |(Q^T Q - I)_ij| */
static inline double orth_defect(const gsl_matrix *Q)
{
    size_t k = Q->size2;
    gsl_matrix *G = gsl_matrix_alloc(k, k);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Q, Q, 0.0, G);
    double m = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            m = fmax(m, fabs(gsl_matrix_get(G, i, j) - (i == j)));
    gsl_matrix_free(G);
    return m;
}

#endif
