/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/observe.h -- observers: what a simulation hands each state to.
 *
 * A simulation never stores its trajectory.  It produces states in blocks of
 * consecutive time steps and hands every block to each observer in turn.
 * Row i of each block matrix is time step n0 + i, at time t = (n0 + i) * dt.
 *
 *   Z  the states z[n]                      (rows x N)
 *   X  the external input x[n] at the same steps
 *   R  the recurrent input W f(z[n]) (NULL unless an observer asked for it;
 *      for a feed-forward run it is the feed-forward drive f(W^T x[n]))
 *
 * The built-in observers below accumulate statistics (projections and their
 * covariances), capture full states at chosen times, and write decimated
 * traces; the covariance accumulator is in lrs/cov.h.
 */
#ifndef LRS_OBSERVE_H
#define LRS_OBSERVE_H

#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which signal of a block an observer looks at. */
typedef enum { LRS_FIELD_Z = 0, LRS_FIELD_X = 1, LRS_FIELD_R = 2 } lrs_field_t;

typedef struct lrs_block {
    size_t n0;           /* step index of row 0 */
    double dt;           /* time step; row i is at t = (n0 + i) * dt */
    const gsl_matrix *Z; /* states */
    const gsl_matrix *X; /* external inputs */
    const gsl_matrix *R; /* recurrent inputs W f(z), or NULL */
} lrs_block_t;

typedef struct lrs_observer {
    /* Called once per block; a non-zero return stops the run with that code. */
    int (*observe)(void *self, const lrs_block_t *b, lrs_err_t *err);
    void *self;
    int needs_recurrent; /* non-zero: the simulation must fill b->R */
} lrs_observer_t;

/* Return the block matrix of a field (NULL if R was not computed). */
const gsl_matrix *lrs_block_field(const lrs_block_t *b, lrs_field_t f);

/* ------------------------------------------------------------------ projections
 * Projections p_k(t) = s(t) . d_k of the chosen fields s in {z, x, r} onto K
 * directions d_k (columns of D, N x K).  The observer accumulates the mean and
 * covariance of the (nfields*K)-vector of projections over the steps with
 * t >= t_start (streaming; see lrs_cov_t), which gives var(z.u), var(z.u_rand)
 * and the cancellation correlation corr(x.u, (Wz).u) without storing anything.
 * Optionally it writes a decimated trace (every `every`-th step with
 * t < t_max) to a FILE as TSV rows: t, then for each field in order z, x, r
 * (those selected) the K projections.
 */
typedef struct lrs_proj lrs_proj_t;

#define LRS_PROJ_Z (1u << LRS_FIELD_Z)
#define LRS_PROJ_X (1u << LRS_FIELD_X)
#define LRS_PROJ_R (1u << LRS_FIELD_R)

int lrs_proj_alloc(lrs_proj_t **out, const gsl_matrix *D, unsigned fields,
                   double t_start, lrs_err_t *err);
void lrs_proj_free(lrs_proj_t *p);
/* Write every `every`-th step with t < t_max to `fp` (not owned). */
int lrs_proj_set_trace(lrs_proj_t *p, FILE *fp, size_t every, double t_max,
                       lrs_err_t *err);
lrs_observer_t lrs_proj_observer(lrs_proj_t *p);
/* Sample variance (divide by count-1) of s.d_k, s the given field. */
int lrs_proj_var(const lrs_proj_t *p, lrs_field_t f, size_t k, double *var,
                 lrs_err_t *err);
/* Pearson correlation of (f1 . d_k1) and (f2 . d_k2). */
int lrs_proj_corr(const lrs_proj_t *p, lrs_field_t f1, size_t k1,
                  lrs_field_t f2, size_t k2, double *corr, lrs_err_t *err);
size_t lrs_proj_count(const lrs_proj_t *p);

/* ------------------------------------------------------------------ probes
 * Capture the full state z at chosen times: for each requested time t_j the
 * probe keeps z[n] for the last step n with n*dt < t_j (the state "just
 * before t_j", as the step protocol of arXiv:2504.13727, Figs 1-2, reads it).  Times must lie
 * inside the run; unreached probes report an error when read.
 * Precisely: n_j = ceil(t_j/dt - 1e-9) - 1 (a time within 1e-9 dt of the
 * grid counts as on it), so with a step input on n_on <= n < n_off,
 * n_off = round(t_off/dt), the probe at t_off holds z[n_off - 1], the state
 * to which the last step of input is applied.  The same rule defines "t <
 * t_max" for traces (n < ceil(t_max/dt - 1e-9)) and "t >= t_start" for the
 * statistics (n >= ceil(t_start/dt - 1e-9)).  A block with n0 = 0 (a new
 * run) clears the states captured by an earlier run.
 */
typedef struct lrs_probe lrs_probe_t;

int lrs_probe_alloc(lrs_probe_t **out, size_t N, const double *times,
                    size_t ntimes, lrs_err_t *err);
void lrs_probe_free(lrs_probe_t *p);
lrs_observer_t lrs_probe_observer(lrs_probe_t *p);
/* Copy the captured state j into z (length N). */
int lrs_probe_get(const lrs_probe_t *p, size_t j, gsl_vector *z, lrs_err_t *err);
/* Euclidean norm of the captured state j. */
int lrs_probe_norm(const lrs_probe_t *p, size_t j, double *norm, lrs_err_t *err);

/* ------------------------------------------------------------------ traces
 * Decimated trajectory writer: every `every`-th step with t < t_max, one TSV
 * row to `fp`: t, ||z||, then z_1 .. z_m for the first m = min(units, N)
 * units (units = 0: norms only).  `fp` is not owned.
 */
typedef struct lrs_trace lrs_trace_t;

int lrs_trace_alloc(lrs_trace_t **out, FILE *fp, size_t every, double t_max,
                    size_t units, lrs_err_t *err);
void lrs_trace_free(lrs_trace_t *w);
lrs_observer_t lrs_trace_observer(lrs_trace_t *w);

#ifdef __cplusplus
}
#endif
#endif
