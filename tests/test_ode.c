/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_ode.c -- the library's private adaptive integrator (src/ode_internal.h,
 * Dormand-Prince 5(4)): accuracy against closed forms, landing on the
 * requested times, and its three failure statuses.
 */
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "../src/ode_internal.h"

/* y' = -y (one channel) and the rotation y0' = w y1, y1' = -w y0. */
static int rhs_decay_rot(double t, const double *y, double *dydt, void *ctx)
{
    (void)t;
    double w = *(const double *)ctx;
    dydt[0] = -y[0];
    dydt[1] = w * y[2];
    dydt[2] = -w * y[1];
    return 0;
}

/* y' = y^2 from y(0) = 1: blows up at t = 1. */
static int rhs_blowup(double t, const double *y, double *dydt, void *ctx)
{
    (void)t;
    (void)ctx;
    if (!isfinite(y[0]))
        return 1;
    dydt[0] = y[0] * y[0];
    return 0;
}

static int rhs_refuse(double t, const double *y, double *dydt, void *ctx)
{
    (void)t;
    (void)y;
    (void)dydt;
    (void)ctx;
    return 1;
}

/* Against e^{-t} and (cos wt, -sin wt) on an output grid t_k = k: every
 * output time reached exactly, errors within the tolerance's reach
 * (local tolerance 1e-10, global error a few 1e-10 over t = 20). */
static void test_closed_forms(void)
{
    double w = 3.0, y[3] = {1.0, 1.0, 0.0}, t = 0.0, worst = 0.0;
    lrs_ode_t *o = lrs_ode_alloc(3, rhs_decay_rot, &w, 1e-3, 1e-10, 1e-10, 0);
    CHECK(o != NULL, "lrs_ode_alloc returned NULL");
    if (!o)
        return;
    for (int k = 1; k <= 20; k++) {
        int rc = lrs_ode_apply(o, &t, (double)k, y);
        CHECK(rc == LRS_ODE_OK, "status %d (%s) at k = %d", rc, lrs_ode_strerror(rc), k);
        CHECK(t == (double)k, "t = %.17g after the step to %d (must land exactly)", t, k);
        double e0 = fabs(y[0] - exp(-t)) / exp(-t);
        double e1 = fabs(y[1] - cos(w * t)), e2 = fabs(y[2] + sin(w * t));
        worst = fmax(worst, fmax(e0, fmax(e1, e2)));
    }
    CHECK(worst < 1e-8, "worst error %.3g against the closed forms; tol 1e-8", worst);
    lrs_ode_free(o);
}

/* A tighter tolerance gives a smaller error (the controller does its job). */
static void test_tolerance_controls_error(void)
{
    double w = 3.0, err[2];
    double tol[2] = {1e-6, 1e-11};
    for (int i = 0; i < 2; i++) {
        double y[3] = {1.0, 1.0, 0.0}, t = 0.0;
        lrs_ode_t *o = lrs_ode_alloc(3, rhs_decay_rot, &w, 1e-3, tol[i], tol[i], 0);
        CHECK(o && lrs_ode_apply(o, &t, 10.0, y) == 0, "integration failed at tol %g", tol[i]);
        err[i] = fabs(y[1] - cos(w * 10.0)) + fabs(y[2] + sin(w * 10.0));
        lrs_ode_free(o);
    }
    CHECK(err[1] < err[0] / 100, "errors %.3g (tol 1e-6) and %.3g (tol 1e-11): want a factor "
          "100 at least", err[0], err[1]);
    CHECK(err[0] < 1e-4, "error %.3g at tol 1e-6; tol 1e-4", err[0]);
}

/* Blow-up: the step shrinks until it cannot (LRS_ODE_ESTEP), before t = 1. */
static void test_blowup_stops(void)
{
    double y = 1.0, t = 0.0;
    lrs_ode_t *o = lrs_ode_alloc(1, rhs_blowup, NULL, 1e-3, 1e-10, 1e-10, 0);
    int rc = o ? lrs_ode_apply(o, &t, 2.0, &y) : -1;
    CHECK(rc == LRS_ODE_ESTEP || rc == LRS_ODE_EFUNC, "status %d (%s); want the step or the "
          "right-hand side to fail", rc, o ? lrs_ode_strerror(rc) : "no integrator");
    CHECK(t <= 1.0 && t > 0.99, "stopped at t = %.6g; the solution blows up at t = 1", t);
    lrs_ode_free(o);
}

static void test_failure_statuses(void)
{
    double y[3] = {1.0, 1.0, 0.0}, t = 0.0, w = 3.0;
    lrs_ode_t *o = lrs_ode_alloc(1, rhs_refuse, NULL, 1e-3, 1e-10, 1e-10, 0);
    CHECK(o && lrs_ode_apply(o, &t, 1.0, y) == LRS_ODE_EFUNC, "a refusing f must give EFUNC");
    lrs_ode_free(o);
    t = 0.0;
    o = lrs_ode_alloc(3, rhs_decay_rot, &w, 1e-3, 1e-10, 1e-10, 5);
    int rc = o ? lrs_ode_apply(o, &t, 100.0, y) : -1;
    CHECK(rc == LRS_ODE_EMAXITER, "5 steps allowed to reach t = 100: status %d, want EMAXITER",
          rc);
    lrs_ode_free(o);
    CHECK(lrs_ode_alloc(0, rhs_refuse, NULL, 1e-3, 1e-10, 1e-10, 0) == NULL, "n = 0 accepted");
    CHECK(lrs_ode_alloc((size_t)-1 / 4, rhs_refuse, NULL, 1e-3, 1e-10, 1e-10, 0) == NULL,
          "an overflowing n accepted");
}

int main(void)
{
    RUN(test_closed_forms);
    RUN(test_tolerance_controls_error);
    RUN(test_blowup_stops);
    RUN(test_failure_statuses);
    return harness_summary();
}
