/*
 * src/la_internal.h -- private helpers of the linear-algebra modules
 * (connectivity.c, spectra.c, theory.c, ranks.c, perturb.c).  Not installed.
 *
 * Storage: gsl_matrix is row-major with row stride tda.  LAPACK proper is
 * column-major; we hand it explicit column-major copies (ld = number of rows)
 * built by la_to_colmajor(), and read results back with la_from_colmajor().
 * A row-major buffer of A read as column-major is A^T; the routines that use
 * that identity say so where they do.
 */
#ifndef LRS_LA_INTERNAL_H
#define LRS_LA_INTERNAL_H

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* 1 if every entry of A is finite. */
static inline int la_matrix_finite(const gsl_matrix *A)
{
    for (size_t i = 0; i < A->size1; i++) {
        const double *row = A->data + i * A->tda;
        for (size_t j = 0; j < A->size2; j++)
            if (!isfinite(row[j]))
                return 0;
    }
    return 1;
}

static inline int la_vector_finite(const gsl_vector *v)
{
    for (size_t i = 0; i < v->size; i++)
        if (!isfinite(v->data[i * v->stride]))
            return 0;
    return 1;
}

/* dst[i + j*m] = A(i, j): column-major copy of the m x n matrix A (ld = m). */
static inline void la_to_colmajor(const gsl_matrix *A, double *dst)
{
    size_t m = A->size1, n = A->size2;
    for (size_t i = 0; i < m; i++) {
        const double *row = A->data + i * A->tda;
        for (size_t j = 0; j < n; j++)
            dst[i + j * m] = row[j];
    }
}

/* A(i, j) = src[i + j*ld]. */
static inline void la_from_colmajor(gsl_matrix *A, const double *src, size_t ld)
{
    size_t m = A->size1, n = A->size2;
    for (size_t i = 0; i < m; i++) {
        double *row = A->data + i * A->tda;
        for (size_t j = 0; j < n; j++)
            row[j] = src[i + j * ld];
    }
}

/* Dense row-major copy (stride n) of A. */
static inline void la_to_rowmajor(const gsl_matrix *A, double *dst)
{
    size_t m = A->size1, n = A->size2;
    for (size_t i = 0; i < m; i++) {
        const double *row = A->data + i * A->tda;
        for (size_t j = 0; j < n; j++)
            dst[i * n + j] = row[j];
    }
}

#endif
