/*
 * tests/la_check.h -- fixtures and matrix measures shared by the unit tests:
 * a seeded generator, the Frobenius norm and the orthonormality defect.
 */
#ifndef LRS_TEST_LA_CHECK_H
#define LRS_TEST_LA_CHECK_H

#include <math.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

/* MT19937 seeded with seed (the caller frees it). */
static inline gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
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
