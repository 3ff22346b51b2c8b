/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/perturb.h -- perturbation inputs: the optimally suppressed direction
 * and the step protocol of Figs 1-2 (arXiv:2504.13727).
 *
 * Optimal suppressed input of the rank-one non-normal network
 * W = c u v^T + W1 (|u| = |v| = 1):
 *     (I - W) v = v - c u - W1 v = -c (u + (W1 v - v)/c),
 * so the constant input u_opt = normalize(u + (W1 v - v)/c) has the
 * quasi-static response (I - W)^{-1} u_opt parallel to v, of size
 * 1 / (|c| |u + (W1 v - v)/c|).
 *
 * Step protocol: one simulation of tau dz/dt = -z + W f(z) + x(t) with
 *     x(t) = c_x d_aligned  for on1 <= t < off1,
 *            c_x d_random   for on2 <= t < off2,   0 otherwise,
 * over [0, T); the responses are ||z|| just before off1 and just before off2
 * (the last step n with n dt < t, as lrs_probe defines it), and the response
 * ratio is ||z(off2-)|| / ||z(off1-)||  (random over aligned; authors: 11.1
 * for Fig 1, 13.8 for Fig 2).  Defaults (arXiv:2504.13727): on1 = 15, off1 = 40,
 * on2 = 55, off2 = 80, T = 100, c_x = 1.
 */
#ifndef LRS_PERTURB_H
#define LRS_PERTURB_H

#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/observe.h"
#include "lrs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* uopt (length N) <- normalize(u + (W1 v - v)/c); W1 is the random part
 * (N x N; NULL means W1 = 0, then u_opt = normalize(u - v/c)).  c != 0.
 * Fails (LRS_ENUMERIC) if the vector to normalise is zero. */
int lrs_perturb_uopt(const gsl_matrix *W1, double c, const gsl_vector *u,
                     const gsl_vector *v, gsl_vector *uopt, lrs_err_t *err);

typedef struct lrs_step_windows {
    double on1, off1; /* aligned input window [on1, off1) */
    double on2, off2; /* random input window [on2, off2) */
    double T;         /* duration of the run */
    double c_x;       /* input amplitude */
} lrs_perturb_windows_t;

/* {15, 40, 55, 80, T = 100, c_x = 1} (arXiv:2504.13727, Figs 1-2). */
lrs_perturb_windows_t lrs_perturb_windows_default(void);

typedef struct lrs_step_result {
    double norm_aligned; /* ||z|| just before off1 */
    double norm_random;  /* ||z|| just before off2 */
    double ratio;        /* norm_random / norm_aligned */
    double max_norm;     /* largest ||z|| over the whole run (lrs_sim_extent) */
    gsl_vector *z_aligned; /* caller-allocated (length N) or NULL: state at off1- */
    gsl_vector *z_random;  /* caller-allocated (length N) or NULL: state at off2- */
} lrs_step_result_t;

/*
 * Run the step protocol.  p: simulation parameters (W, f, tau, dt, z0, ...);
 * p->T is ignored and win->T used instead (win NULL: defaults).  d_aligned,
 * d_random: input directions (length N, used as given, not normalised).
 * extra[0..nextra-1]: further observers that receive every block too (e.g. a
 * trace writer for the notebook), after the internal probe.  Set
 * res->z_aligned / res->z_random (or leave them NULL) before the call.
 * Windows must satisfy 0 <= on < off <= T for both; off1, off2 > dt.
 */
int lrs_perturb_step(const lrs_sim_params_t *p, const gsl_vector *d_aligned,
                     const gsl_vector *d_random, const lrs_perturb_windows_t *win,
                     const lrs_observer_t *extra, size_t nextra,
                     lrs_step_result_t *res, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
