/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/theory.h -- predicted PC variances of the driven linear network.
 *
 * Quasi-static theory (arXiv:2504.13727, linear theory, tau_x >> tau):
 * z ~ (I - W)^{-1} x, so
 *   theory 1:  Cov(z) = sigma_x^2 (I-W)^{-1} (I-W)^{-T};  the k-th PC variance is
 *              sigma_x^2 / sigma_{N+1-k}(I - W)^2  (descending in k);
 *   theory 2:  the eigenvalues of (I-W)^{-1} C_x (I-W)^{-T} for a given input
 *              covariance C_x (e.g. the run's own sample covariance).
 * Both refuse an unstable linear network (max Re eig(W) >= 1) with
 * LRS_EUNSTABLE: the stationary covariance does not exist then.
 *
 * The functions on W prepare an lrs_linear_t (lrs/linear.h) for the one call
 * (an eigenvalue decomposition for the stability check, then the work); to
 * query the same W several times, prepare it once and use lrs_linear_pcvar1
 * and the *_prepared functions, which reuse its cached factorisations.
 */
#ifndef LRS_THEORY_H
#define LRS_THEORY_H

#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/linear.h"

#ifdef __cplusplus
extern "C" {
#endif

/* var (length N) <- theory-1 PC variances, descending. */
int lrs_theory_pcvar1(const gsl_matrix *W, double sigma_x, gsl_vector *var,
                      lrs_err_t *err);
/* var (length N) <- theory-2 PC variances, descending. */
int lrs_theory_pcvar2(const gsl_matrix *W, const gsl_matrix *Cx,
                      gsl_vector *var, lrs_err_t *err);
/* Cov (N x N) <- (I-W)^{-1} C_x (I-W)^{-T}; Cx NULL means sigma_x^2 I. */
int lrs_theory_cov_quasistatic(const gsl_matrix *W, const gsl_matrix *Cx,
                               double sigma_x, gsl_matrix *Cov, lrs_err_t *err);

/* The same on a prepared W (the stability check reads L's cached
 * eigenvalues; I - W is L's). */
int lrs_theory_pcvar2_prepared(lrs_linear_t *L, const gsl_matrix *Cx, gsl_vector *var,
                               lrs_err_t *err);
int lrs_theory_cov_quasistatic_prepared(lrs_linear_t *L, const gsl_matrix *Cx,
                                        double sigma_x, gsl_matrix *Cov, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
