/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the simulator's RK4 method (lrs_sim_rk4, lrs/sim.h):
 *  - one unit, constant input: the run is the RK4 stability polynomial
 *    R(ah) = 1 + ah + (ah)^2/2 + (ah)^3/6 + (ah)^4/24 applied n times (to
 *    n eps), and its error against the closed form falls 16-fold when dt
 *    halves;
 *  - a linear network driven by noise, a constant and a step (all sampled
 *    sources, linear between samples) agrees with the exact method at the
 *    same dt to O(dt^4), and the difference falls ~16-fold when dt halves;
 *  - order 4 with a smooth analytic input (a callback, evaluated at the
 *    half steps) on a tanh network;
 *  - where forward Euler is unstable at dt = 0.01 (eigenvalues -1 +/- 19.4i,
 *    |1 + dt lambda| = 1.0088, the Figure 3 EP case's origin) RK4 follows
 *    the exact decay;
 *  - tanh sanity: a bistable unit converges to the fixed point z = tanh(2z);
 *  - bad input: feed-forward mode, unknown method names. */
#include "harness.h"
#include "la_check.h"
#include "lrs/connectivity.h"
#include "lrs/exact.h"
#include "lrs/sim.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static double max_abs_diff(const gsl_vector *a, const gsl_vector *b)
{
    double d = 0;
    for (size_t i = 0; i < a->size; i++)
        d = fmax(d, fabs(gsl_vector_get(a, i) - gsl_vector_get(b, i)));
    return d;
}

/* ------------------------------------------------------------------ one unit */

/* tau z' = -z + w z + c: a = (w - 1)/tau, z* = c / (1 - w),
 * z(t) = z* + (z0 - z*) e^{a t}, compared at t = T. */
static void test_one_unit_closed_form(void)
{
    double w = 0.4, c = 1.5, tau = 0.7, z0 = -2.0, T = 6.0;
    double a = (w - 1) / tau, zs = c / (1 - w), err_h[3];
    double dts[3] = {0.2, 0.1, 0.05};
    lrs_err_t e;
    gsl_matrix *W = matrix_of(1, 1, &w);
    gsl_vector *cv = gsl_vector_alloc(1), *zv = gsl_vector_alloc(1), *zf = gsl_vector_alloc(1);
    gsl_vector_set(cv, 0, c);
    gsl_vector_set(zv, 0, z0);
    for (int k = 0; k < 3; k++) {
        lrs_input_t *in = NULL;
        CHECK_OK(const_input(&in, cv, &e), &e);
        lrs_sim_params_t p = sim_params_on(W);
        p.tau = tau;
        p.dt = dts[k];
        p.T = T + dts[k]; /* last state at t = T for every dt */
        p.z0 = zv;
        p.method = lrs_sim_rk4;
        CHECK_OK(sim_final_state(&p, in, zf, &e), &e);
        double n = round(T / dts[k]), x = a * dts[k];
        double R = 1 + x + x * x / 2 + x * x * x / 6 + x * x * x * x / 24;
        double zrk = zs + (z0 - zs) * pow(R, n), zex = zs + (z0 - zs) * exp(a * n * dts[k]);
        CHECK_ABS(gsl_vector_get(zf, 0), zrk, 4 * n * DBL_EPSILON * fabs(zs));
        err_h[k] = fabs(gsl_vector_get(zf, 0) - zex);
        lrs_input_free(in);
    }
    for (int k = 0; k < 2; k++)
        CHECK(err_h[k] / err_h[k + 1] > 13 && err_h[k] / err_h[k + 1] < 19,
              "error ratio %.3g at dt = %g (errors %.3g, %.3g); want ~16 (13..19)",
              err_h[k] / err_h[k + 1], dts[k], err_h[k], err_h[k + 1]);
    gsl_matrix_free(W);
    gsl_vector_free(cv);
    gsl_vector_free(zv);
    gsl_vector_free(zf);
}

/* ------------------------------------------------------------------ against exact */

/* Final state of the N-unit linear network under noise + constant + step
 * with the given method at step dt (noise generated at dt, seed fixed). */
static int linear_sampled_run(const gsl_matrix *W, const gsl_vector *tau, double dt,
                              const lrs_sim_method_t *m, gsl_vector *zf, lrs_err_t *err)
{
    size_t N = W->size1;
    noisy_input_t q;
    gsl_vector *c = gsl_vector_alloc(N), *d = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++) {
        gsl_vector_set(c, i, 0.1 * (double)(i % 3));
        gsl_vector_set(d, i, i % 2 ? 1.0 : -0.5);
    }
    int rc;
    if (!(rc = noisy_input_init(&q, N, 2.0, 1.0, dt, 42, err)) &&
        !(rc = lrs_input_add_constant(q.in, c, err)) &&
        !(rc = lrs_input_add_step(q.in, 2.0, 5.0, 3.0, d, err))) {
        lrs_sim_params_t p = sim_params_on(W);
        p.tau_vec = tau;
        p.dt = dt;
        p.T = 20.0;
        p.method = m;
        rc = sim_final_state(&p, q.in, zf, err);
    }
    noisy_input_free(&q);
    gsl_vector_free(c);
    gsl_vector_free(d);
    return rc;
}

/* RK4 and the exact method integrate the same piecewise-linear input path,
 * so they differ by RK4's O(dt^4) error only. */
static void test_linear_against_exact(void)
{
    size_t N = 30;
    gsl_rng *r = new_rng(7);
    gsl_matrix *W = fig1_net(N, -3.0, 0.6, r);
    gsl_vector *tau = gsl_vector_alloc(N), *zr = gsl_vector_alloc(N), *ze = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(tau, i, 0.8 + 0.4 * gsl_rng_uniform(r));
    lrs_err_t e;
    double dev[2], scale = 0;
    double dts[2] = {0.1, 0.05};
    for (int k = 0; k < 2; k++) {
        CHECK_OK(linear_sampled_run(W, tau, dts[k], lrs_sim_rk4, zr, &e), &e);
        CHECK_OK(linear_sampled_run(W, tau, dts[k], lrs_sim_exact, ze, &e), &e);
        dev[k] = max_abs_diff(zr, ze);
        scale = fmax(scale, gsl_vector_max(ze) - gsl_vector_min(ze));
    }
    printf("# rk4 vs exact (linear, N = 30, sampled input): max dev %.3g at dt = 0.1, %.3g at 0.05 "
           "(ratio %.2f; state range %.3g)\n", dev[0], dev[1], dev[0] / dev[1], scale);
    CHECK(dev[0] <= 1e-5 * scale, "RK4 vs exact at dt = 0.1: %.3g > 1e-5 * %.3g", dev[0], scale);
    CHECK(dev[0] / dev[1] > 12 && dev[0] / dev[1] < 20,
          "RK4 - exact ratio %.3g when dt halves (%.3g, %.3g); want ~16 (12..20)", dev[0] / dev[1],
          dev[0], dev[1]);
    gsl_matrix_free(W);
    gsl_vector_free(tau);
    gsl_vector_free(zr);
    gsl_vector_free(ze);
    gsl_rng_free(r);
}

/* ------------------------------------------------------------------ order 4 */

typedef struct { const double *a; } sine_ctx;

/* x_i(t) = a_i sin(1.3 t) + 0.5 cos(0.7 t + i) */
static int sine_input(void *ctx, double t, gsl_vector *x, lrs_err_t *err)
{
    (void)err;
    const sine_ctx *c = ctx;
    for (size_t i = 0; i < x->size; i++)
        x->data[i * x->stride] += c->a[i] * sin(1.3 * t) + 0.5 * cos(0.7 * t + (double)i);
    return 0;
}

static int tanh_sine_run(const gsl_matrix *W, const double *a, double dt, gsl_vector *zf,
                         lrs_err_t *err)
{
    size_t N = W->size1;
    lrs_input_t *in = NULL;
    sine_ctx c = {a};
    gsl_vector *z0 = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, 0.3 * cos((double)i));
    int rc;
    if (!(rc = lrs_input_alloc(&in, N, err)) && !(rc = lrs_input_add_callback(in, sine_input, &c, err))) {
        lrs_sim_params_t p = sim_params_on(W);
        p.f = LRS_F_TANH;
        p.tau = 0.5;
        p.dt = dt;
        p.T = 4.0 + dt; /* last state at t = 4 for every dt */
        p.z0 = z0;
        p.method = lrs_sim_rk4;
        rc = sim_final_state(&p, in, zf, err);
    }
    lrs_input_free(in);
    gsl_vector_free(z0);
    return rc;
}

static void test_order4_smooth_input(void)
{
    size_t N = 12;
    gsl_rng *r = new_rng(3);
    gsl_matrix *W = fig1_net(N, 2.0, 1.2, r);
    double a[12];
    for (size_t i = 0; i < N; i++)
        a[i] = gsl_ran_gaussian(r, 1.0);
    gsl_vector *zref = gsl_vector_alloc(N), *z = gsl_vector_alloc(N);
    lrs_err_t e;
    double dts[3] = {0.1, 0.05, 0.025}, err_h[3];
    CHECK_OK(tanh_sine_run(W, a, 0.025 / 16, zref, &e), &e);
    for (int k = 0; k < 3; k++) {
        CHECK_OK(tanh_sine_run(W, a, dts[k], z, &e), &e);
        err_h[k] = max_abs_diff(z, zref);
    }
    for (int k = 0; k < 2; k++)
        CHECK(err_h[k] / err_h[k + 1] > 13 && err_h[k] / err_h[k + 1] < 19,
              "error ratio %.3g at dt = %g (errors %.3g, %.3g); want ~16 (13..19)",
              err_h[k] / err_h[k + 1], dts[k], err_h[k], err_h[k + 1]);
    printf("# rk4 order: errors %.3g, %.3g, %.3g at dt = 0.1, 0.05, 0.025 (ratios %.2f, %.2f)\n",
           err_h[0], err_h[1], err_h[2], err_h[0] / err_h[1], err_h[1] / err_h[2]);
    gsl_matrix_free(W);
    gsl_vector_free(zref);
    gsl_vector_free(z);
    gsl_rng_free(r);
}

/* ------------------------------------------------------------------ stiff oscillation */

/* W = [[0, 19.4], [-19.4, 0]], tau = 1: eigenvalues -1 +/- 19.4i.  At
 * dt = 0.01 Euler grows by 1.0088 per step; RK4 (|R| < 1) follows the exact
 * decay e^{-t}, with a phase error of about n (dt |lambda|)^5 / 120 = 2.2e-3
 * relative after n = 999 steps. */
static void test_rk4_where_euler_is_unstable(void)
{
    lrs_err_t e;
    gsl_matrix *W = matrix_of(2, 2, (const double[]){0, 19.4, -19.4, 0});
    double z0d[2] = {1.0, 0.0};
    gsl_vector_view z0 = gsl_vector_view_array(z0d, 2);
    gsl_vector *zr = gsl_vector_alloc(2), *ze = gsl_vector_alloc(2), *zu = gsl_vector_alloc(2);
    lrs_input_t *in = NULL;
    CHECK_OK(lrs_input_alloc(&in, 2, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.dt = 0.01;
    p.T = 10.0;
    p.z0 = &z0.vector;
    p.method = lrs_sim_rk4;
    CHECK_OK(sim_final_state(&p, in, zr, &e), &e);
    p.method = lrs_sim_exact;
    CHECK_OK(sim_final_state(&p, in, ze, &e), &e);
    p.method = lrs_sim_euler;
    CHECK_OK(sim_final_state(&p, in, zu, &e), &e);
    double t = 999 * 0.01, ne = exp(-t);
    CHECK_REL(gsl_blas_dnrm2(ze), ne, 1e-10);
    CHECK(max_abs_diff(zr, ze) <= 5e-3 * ne, "RK4 vs exact: %.3g > 5e-3 * %.3g",
          max_abs_diff(zr, ze), ne);
    /* Euler: |1 + dt lambda|^999 = 1.0088^999 ~ 6.4e3 instead of e^-10 */
    CHECK(gsl_blas_dnrm2(zu) > 1e3, "Euler norm %.3g; expected growth > 1e3", gsl_blas_dnrm2(zu));
    lrs_input_free(in);
    gsl_matrix_free(W);
    gsl_vector_free(zr);
    gsl_vector_free(ze);
    gsl_vector_free(zu);
}

/* ------------------------------------------------------------------ tanh sanity */

/* One unit, z' = -z + 2 tanh(z): from z0 = 0.5 it converges to the positive
 * root of z = 2 tanh(z) (Newton, in the test). */
static void test_tanh_fixed_point(void)
{
    lrs_err_t e;
    double zs = 2.0;
    for (int it = 0; it < 50; it++) {
        double th = tanh(zs);
        zs -= (zs - 2 * th) / (1 - 2 * (1 - th * th));
    }
    gsl_matrix *W = matrix_of(1, 1, (const double[]){2.0});
    gsl_vector *z0 = gsl_vector_alloc(1), *zf = gsl_vector_alloc(1);
    gsl_vector_set(z0, 0, 0.5);
    lrs_input_t *in = NULL;
    CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.f = LRS_F_TANH;
    p.dt = 0.05;
    p.T = 60.0;
    p.z0 = z0;
    p.method = lrs_sim_rk4;
    CHECK_OK(sim_final_state(&p, in, zf, &e), &e);
    CHECK_ABS(gsl_vector_get(zf, 0), zs, 16 * DBL_EPSILON * zs);
    lrs_input_free(in);
    gsl_matrix_free(W);
    gsl_vector_free(z0);
    gsl_vector_free(zf);
}

/* ------------------------------------------------------------------ errors */

static void test_rk4_errors(void)
{
    lrs_err_t e;
    gsl_matrix *W = gsl_matrix_calloc(3, 3);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 1.0;
    p.mode = LRS_SIM_FEEDFORWARD;
    p.method = lrs_sim_rk4;
    lrs_sim_t *s = NULL;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "rk4 method supports the recurrent mode only");
    p.method = lrs_sim_exact; /* feed-forward is fine, but linear only */
    p.f = LRS_F_TANH;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "exact integrator needs a linear network");
    p.f = LRS_F_IDENTITY;
    const lrs_sim_method_t *m = NULL;
    CHECK_ERR(lrs_sim_method_parse("heun", &m, &e), LRS_EINVAL, &e,
              "unknown simulation method 'heun'; expected euler, rk4 or exact");
    CHECK_OK(lrs_sim_method_parse("rk4", &m, &e), &e);
    CHECK(m == lrs_sim_rk4, "parse rk4");
    CHECK(!strcmp(lrs_sim_method_name(lrs_sim_exact), "exact"), "name of exact");
    CHECK(!strcmp(lrs_sim_method_name(NULL), "euler"), "NULL method is euler");
    gsl_matrix_free(W);
}

int main(void)
{
    RUN(test_one_unit_closed_form);
    RUN(test_linear_against_exact);
    RUN(test_order4_smooth_input);
    RUN(test_rk4_where_euler_is_unstable);
    RUN(test_tanh_fixed_point);
    RUN(test_rk4_errors);
    return harness_summary();
}
