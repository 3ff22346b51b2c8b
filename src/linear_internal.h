/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/linear_internal.h -- the parts of linear.c that theory.c shares, with
 * the calling function's name for the messages.  Not installed.
 */
#ifndef LRS_LINEAR_INTERNAL_H
#define LRS_LINEAR_INTERNAL_H

#include <lapacke.h>
#include "lrs/linear.h"

/* lrs_linear_alloc, with fn naming the public function in messages. */
int linear_alloc_fn(lrs_linear_t **out, const gsl_matrix *W, const char *fn, lrs_err_t *err);
/* LRS_EUNSTABLE unless max Re eig(W) < 1 (from the cached eigenvalues). */
int linear_require_stable(lrs_linear_t *L, const char *fn, lrs_err_t *err);
/* lrs_linear_pcvar1, with fn in messages. */
int linear_pcvar1_fn(lrs_linear_t *L, double sigma_x, gsl_vector *var, const char *fn,
                     lrs_err_t *err);
/* The LU of (I - W)^T computed once and cached in L: lu is its N x N
 * column-major buffer, ipiv its pivots (dgetrf), valid until
 * lrs_linear_free.  (I - W) Y = B is then dgetrs 'T' on them, O(2 N^2) per
 * right-hand side.  LRS_ENUMERIC if I - W is singular. */
int linear_lu_fn(lrs_linear_t *L, const double **lu, const lapack_int **ipiv, const char *fn,
                 lrs_err_t *err);

#endif
