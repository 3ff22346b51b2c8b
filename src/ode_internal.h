/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/ode_internal.h -- private adaptive ODE integrator of the library.
 * Not installed.
 *
 * Dormand-Prince 5(4) (J. R. Dormand & P. J. Prince, "A family of embedded
 * Runge-Kutta formulae", J. Comput. Appl. Math. 6, 19-26 (1980)): seven
 * stages, the last one evaluated at the new point and reused as the first
 * stage of the next step (first same as last), fifth-order solution, the
 * embedded fourth-order one giving the local error estimate.
 *
 * Step control: with e = h * sum_j (b_j - b*_j) k_j and
 *     sc_i = eps_abs + eps_rel * max(|y_i|, |y_new_i|),
 * E = max_i |e_i| / sc_i; the step is accepted when E <= 1, and the next
 * trial step is h * min(5, max(0.2, 0.9 E^{-1/5})).  Steps are shortened to
 * land exactly on the requested end time without forgetting the natural step.
 *
 * Storage: 9 work vectors of length n, all from one malloc; it never calls
 * GSL (so never its error handler).  Cost per step: 6 right-hand sides.
 */
#ifndef LRS_ODE_INTERNAL_H
#define LRS_ODE_INTERNAL_H

#include <stddef.h>

/* Right-hand side dy/dt = f(t, y); returns nonzero to stop the integration
 * (e.g. on a non-finite state). */
typedef int (*lrs_ode_rhs_fn)(double t, const double *y, double *dydt, void *ctx);

typedef struct lrs_ode {
    size_t n;
    lrs_ode_rhs_fn f;
    void *ctx;
    double eps_abs, eps_rel;
    double h;          /* next trial step */
    size_t nmax;       /* steps allowed per lrs_ode_apply call (0 = no limit) */
    int have_k1;       /* k[0] holds f(t, y) of the current point */
    double *work;      /* 9 n doubles: k[0..6], ynew, err */
} lrs_ode_t;

/* Status of lrs_ode_apply. */
enum {
    LRS_ODE_OK = 0,
    LRS_ODE_EFUNC,      /* f returned nonzero */
    LRS_ODE_EMAXITER,   /* more than nmax steps */
    LRS_ODE_ESTEP       /* the step fell below the resolution of t */
};

/* NULL when malloc fails or n is too large. */
lrs_ode_t *lrs_ode_alloc(size_t n, lrs_ode_rhs_fn f, void *ctx, double h0, double eps_abs,
                 double eps_rel, size_t nmax);
void lrs_ode_free(lrs_ode_t *o);
/* Forget the state between integrations; the next trial step is h0. */
void lrs_ode_reset(lrs_ode_t *o, double h0);
/* Integrate y from *t to t1 (t1 > *t); *t <- t1 on success, else the time
 * reached. */
int lrs_ode_apply(lrs_ode_t *o, double *t, double t1, double *y);
const char *lrs_ode_strerror(int status);

#endif
