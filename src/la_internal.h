/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/la_internal.h -- private helpers of the library's modules: GSL
 * objects allocated without GSL's error handler, finiteness checks, and
 * LAPACK layout copies.  Not installed.
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
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_vector_complex.h>

/*
 * Non-aborting allocation of GSL objects.  gsl_matrix_alloc and its kin
 * report a failed malloc through GSL's error handler, whose default prints
 * and aborts before the caller sees the NULL; the library promises never to
 * abort or print, whatever handler the caller has, and switching the
 * handler off around a call is not an option (gsl_set_error_handler is
 * process-global, so that would race with other threads).  These helpers
 * build the same objects with malloc and never call into GSL: a struct, a
 * gsl_block and its data, with owner = 1, exactly the layout GSL's own
 * allocators produce, so callers free them with gsl_matrix_free /
 * gsl_vector_free / gsl_vector_complex_free as usual.  NULL when malloc fails
 * or the byte count overflows size_t.  Sizes of 0 are allowed.  Cost: three
 * mallocs (calloc for the data of la_matrix_calloc).
 */
static inline double *la_data_alloc(size_t a, size_t b, size_t c, int zero)
{
    if ((b && a > SIZE_MAX / b) || (c && a * b > SIZE_MAX / c / sizeof(double)))
        return NULL;
    size_t n = a * b * c;
    if (n == 0)
        n = 1;                  /* malloc(0) may return NULL */
    return zero ? calloc(n, sizeof(double)) : malloc(n * sizeof(double));
}

/* Block of n1 * n2 doubles (the caller sets b->size). */
static inline gsl_block *la_block_new(size_t n1, size_t n2, size_t mult, int zero)
{
    gsl_block *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    b->data = la_data_alloc(n1, n2, mult, zero);
    if (!b->data) {
        free(b);
        return NULL;
    }
    b->size = n1 * n2;
    return b;
}

static inline gsl_matrix *la_matrix_new(size_t m, size_t n, int zero)
{
    gsl_matrix *A = malloc(sizeof *A);
    gsl_block *b = A ? la_block_new(m, n, 1, zero) : NULL;
    if (!b) {
        free(A);
        return NULL;
    }
    A->size1 = m;
    A->size2 = n;
    A->tda = n;
    A->data = b->data;
    A->block = b;
    A->owner = 1;
    return A;
}

/* m x n matrix, uninitialised (as gsl_matrix_alloc). */
static inline gsl_matrix *la_matrix_alloc(size_t m, size_t n)
{
    return la_matrix_new(m, n, 0);
}

/* m x n matrix of zeros (as gsl_matrix_calloc). */
static inline gsl_matrix *la_matrix_calloc(size_t m, size_t n)
{
    return la_matrix_new(m, n, 1);
}

/* Vector of length n, uninitialised (as gsl_vector_alloc). */
static inline gsl_vector *la_vector_alloc(size_t n)
{
    gsl_vector *v = malloc(sizeof *v);
    gsl_block *b = v ? la_block_new(n, 1, 1, 0) : NULL;
    if (!b) {
        free(v);
        return NULL;
    }
    v->size = n;
    v->stride = 1;
    v->data = b->data;
    v->block = b;
    v->owner = 1;
    return v;
}

/* Complex vector of length n, uninitialised (as gsl_vector_complex_alloc);
 * its block holds n complex numbers, 2n doubles. */
static inline gsl_vector_complex *la_vector_complex_alloc(size_t n)
{
    gsl_vector_complex *v = malloc(sizeof *v);
    gsl_block_complex *b = v ? malloc(sizeof *b) : NULL;
    double *d = b ? la_data_alloc(n, 2, 1, 0) : NULL;
    if (!d) {
        free(b);
        free(v);
        return NULL;
    }
    b->size = n;
    b->data = d;
    v->size = n;
    v->stride = 1;
    v->data = d;
    v->block = b;
    v->owner = 1;
    return v;
}

/* Generator of type T seeded with GSL's default seed, as gsl_rng_alloc
 * (same layout: struct and state from malloc, freed by gsl_rng_free), without
 * the error handler.  NULL when malloc fails. */
static inline gsl_rng *la_rng_alloc(const gsl_rng_type *T)
{
    gsl_rng *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    r->state = malloc(T->size ? T->size : 1);
    if (!r->state) {
        free(r);
        return NULL;
    }
    r->type = T;
    gsl_rng_set(r, gsl_rng_default_seed);
    return r;
}

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
