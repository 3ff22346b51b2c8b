/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/cov.h -- streaming covariance over time.
 *
 * Covariance over time, as in arXiv:2504.13727 (PCA of Figs 1-6): centred,
 * divided by Nt - 1.  lrs_cov_t accumulates blocks of observations (rows) with a
 * numerically stable block update (Chan, Golub & LeVeque 1979): each
 * block's own mean and centred scatter (one dsyrk) are merged into the
 * running totals, so one pass agrees with a two-pass computation to ~1e-14
 * relative and nothing but the N x N scatter is stored.  As an observer
 * (lrs/observe.h) it takes one field of every (or every k-th) step of a
 * simulation.  Rows are gathered into updates of a few hundred rows (deep
 * dsyrk updates run near the machine's peak) and the queries fold the rows
 * gathered so far in first: they leave the value unchanged, but one
 * accumulator must not be queried or fed from two threads at once.
 */
#ifndef LRS_COV_H
#define LRS_COV_H

#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/observe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lrs_cov lrs_cov_t;

int lrs_cov_alloc(lrs_cov_t **out, size_t N, lrs_err_t *err);
void lrs_cov_free(lrs_cov_t *c);
void lrs_cov_reset(lrs_cov_t *c);
/* Add the rows of Y (rows x N) as observations. */
int lrs_cov_add_block(lrs_cov_t *c, const gsl_matrix *Y, lrs_err_t *err);
int lrs_cov_add(lrs_cov_t *c, const gsl_vector *y, lrs_err_t *err);
/* dst <- the accumulation of both (for runs split across threads). */
int lrs_cov_merge(lrs_cov_t *dst, const lrs_cov_t *src, lrs_err_t *err);
size_t lrs_cov_count(const lrs_cov_t *c);
size_t lrs_cov_dim(const lrs_cov_t *c);
int lrs_cov_mean(const lrs_cov_t *c, gsl_vector *mean, lrs_err_t *err);
/* C = scatter / (count - 1); needs count >= 2. */
int lrs_cov_get(const lrs_cov_t *c, gsl_matrix *C, lrs_err_t *err);
/* One entry C(i, j) = scatter(i, j) / (count - 1), without forming C. */
int lrs_cov_entry(const lrs_cov_t *c, size_t i, size_t j, double *value,
                  lrs_err_t *err);
/* Observer that adds the chosen field of every step with t >= t_start, i.e.
 * the steps n >= ceil(t_start/dt - 1e-9) (a time on the grid counts).
 * (Stores field, t_start and the stride in c: one observer per
 * accumulator.) */
lrs_observer_t lrs_cov_observer(lrs_cov_t *c, lrs_field_t field, double t_start);
/* The same, sampling every `every`-th step: the steps n >= ceil(t_start/dt
 * - 1e-9) that are multiples of `every` (on the run's grid, n = 0, every,
 * 2 every, ...; every = 0 counts as 1).  For a slowly varying signal the
 * samples carry the covariance of every step at 1/every of the cost. */
lrs_observer_t lrs_cov_observer_every(lrs_cov_t *c, lrs_field_t field, double t_start,
                                      size_t every);

#ifdef __cplusplus
}
#endif
#endif
