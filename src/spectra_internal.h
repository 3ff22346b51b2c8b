/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/spectra_internal.h -- the parts of spectra.c that linear.c shares,
 * with the calling function's name for the messages.  Not installed.
 */
#ifndef LRS_SPECTRA_INTERNAL_H
#define LRS_SPECTRA_INTERNAL_H

#include "lrs/spectra.h"

/* Checks the arguments of an overlap query on a k x k matrix: 1 <= r <= k,
 * P non-NULL and r x r, sP NULL or of length r. */
int spectra_overlap_check(size_t k, size_t r, const gsl_matrix *P, const gsl_vector *sP,
                          const char *fn, lrs_err_t *err);

/* P = U_r^T V_r from the first r columns of the singular vectors U, V
 * (arXiv:2504.13727, the overlap P of the linear theory); sP, if non-NULL,
 * <- the singular values of P.  Cost: one N r^2 dgemm and an r x r SVD. */
int spectra_overlap_from_svd(const gsl_matrix *U, const gsl_matrix *V, size_t r, gsl_matrix *P,
                             gsl_vector *sP, lrs_err_t *err);

#endif
