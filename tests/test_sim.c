/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/sim.h and lrs/observe.h: Euler dynamics against closed forms
 * (stationary variance of a leaky unit driven by smooth noise, exact discrete
 * step responses, fixed points of tanh/relu/feed-forward networks), the
 * inputs, the observers, divergence, interruption, reproducibility and the
 * error paths. */
#include "harness.h"
#include "la_check.h"
#include "lrs/pca.h"
#include "lrs/sim.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_erf.h>

static gsl_matrix *diag_matrix(size_t N, const double *w)
{
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    for (size_t i = 0; i < N; i++)
        gsl_matrix_set(W, i, i, w[i]);
    return W;
}

/* The constant drive c_i = c0 + slope i, i = 0..N-1. */
static gsl_vector *ramp_vector(size_t N, double c0, double slope)
{
    gsl_vector *c = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(c, i, c0 + slope * (double)i);
    return c;
}

/* ------------------------------------------------------------------ analytic */

/* tau dz/dt = -(1-w) z + x, x smooth noise (variance sigma^2, Gaussian
 * autocovariance of width tau_x).  With a = (1-w)/tau,
 *   z(t) = (1/tau) int_0^inf e^{-a u} x(t-u) du,
 *   Var z = (1/tau^2) int int e^{-a(u+v)} C(u-v) du dv = (1/(tau^2 a)) int_0^inf C(s) e^{-a s} ds
 *         = (sigma^2/tau^2) (1/a) tau_x sqrt(pi/2) erfcx(a tau_x / sqrt 2).
 * Euler (alpha = dt/tau, rho = 1 - a dt): z[n+1] = rho z[n] + alpha x[n], so
 *   Var_dt = alpha^2/(1 - rho^2) sum_k rho^|k| C(k dt)   (exact on the grid). */
static double var_continuous(double w, double tau, double tau_x, double sigma)
{
    double a = (1 - w) / tau, y = a * tau_x / sqrt(2.0);
    return sigma * sigma / (tau * tau) / a * tau_x * sqrt(M_PI / 2) * exp(y * y) * gsl_sf_erfc(y);
}

static double var_euler(double w, double tau, double tau_x, double sigma, double dt)
{
    double a = (1 - w) / tau, al = dt / tau, rho = 1 - a * dt, s = 0;
    for (long k = -200000; k <= 200000; k++) {
        double t = (double)k * dt;
        s += pow(rho, fabs((double)k)) * sigma * sigma * exp(-t * t / (2 * tau_x * tau_x));
    }
    return al * al / (1 - rho * rho) * s;
}

/* N = 20 independent leaky units (diagonal W = 0.5), tau = 1, tau_x = 1,
 * sigma_x = 1, dt = 0.01, T = 10000, statistics over t >= 20 (transient
 * e^{-2 a t} = e^{-20}).  Standard error of the channel-averaged variance
 * ~ sqrt(2 * 2 / (9980 * 20)) = 0.45%; tolerance 3% (> 6 standard errors).
 * (Few units, long run: the per-step cost grows as N^2, the samples as N.)
 * Euler's O(dt) bias: |Var_dt - Var| / Var < 1% at dt = 0.01 (checked). */
static void test_linear_stationary_variance(void)
{
    lrs_err_t e;
    size_t N = 20;
    double w = 0.5, tau = 1, tau_x = 1, sigma = 1, dt = 0.01, T = 10000;
    double *wd = malloc(N * sizeof *wd);
    for (size_t i = 0; i < N; i++)
        wd[i] = w;
    gsl_matrix *W = diag_matrix(N, wd);
    noisy_input_t q;
    lrs_sim_t *s = NULL;
    lrs_cov_t *c = NULL;
    CHECK_OK(noisy_input_init(&q, N, tau_x, sigma, dt, 2024, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.tau = tau;
    p.dt = dt;
    p.T = T;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_OK(lrs_cov_alloc(&c, N, &e), &e);
    lrs_observer_t o = lrs_cov_observer(c, LRS_FIELD_Z, 20.0);
    CHECK_OK(lrs_sim_run(s, q.in, &o, 1, &e), &e);
    CHECK(lrs_cov_count(c) == 998000, "count %zu, want 998000 (steps 2000..999999)", lrs_cov_count(c));
    gsl_matrix *C = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    double v = 0;
    for (size_t i = 0; i < N; i++)
        v += gsl_matrix_get(C, i, i) / (double)N;
    double vc = var_continuous(w, tau, tau_x, sigma), vd = var_euler(w, tau, tau_x, sigma, dt);
    CHECK_REL(vd, vc, 0.01);
    CHECK_REL(v, vd, 0.03);
    CHECK_REL(v, vc, 0.03);
    free(wd);
    gsl_matrix_free(W);
    gsl_matrix_free(C);
    lrs_cov_free(c);
    lrs_sim_free(s);
    noisy_input_free(&q);
}

/* Step input c d on [t_on, t_off) (steps n_on <= n < n_off) into decoupled
 * units z_i, w_i, tau = 1, z0 = 0.  Euler, rho_i = 1 - dt (1 - w_i):
 *   z[n] = 0 (n <= n_on),  (1 - rho^(n - n_on)) c/(1-w) (n_on <= n <= n_off),
 *   z[n_off] rho^(n - n_off) after.
 * Probes at t hold z[n_before(t) - 1]; tolerance 1e-12 relative (rounding of
 * rho to 1 ulp over <= 1000 steps gives ~1e-13). */
static double step_exact(double w, double c, double dt, long n_on, long n_off, long n)
{
    double rho = 1 - dt * (1 - w);
    if (n <= n_on)
        return 0.0;
    if (n <= n_off)
        return (1 - pow(rho, (double)(n - n_on))) * c / (1 - w);
    return (1 - pow(rho, (double)(n_off - n_on))) * c / (1 - w) * pow(rho, (double)(n - n_off));
}

static void test_step_response_and_probes(void)
{
    lrs_err_t e;
    size_t N = 3;
    double w[3] = {0.5, -1.0, 0.9}, c = 2.0, dt = 0.01;
    gsl_matrix *W = diag_matrix(N, w);
    gsl_vector *d = gsl_vector_alloc(N);
    gsl_vector_set_all(d, 1.0);
    lrs_input_t *in = NULL;
    lrs_sim_t *s = NULL;
    lrs_probe_t *pr = NULL;
    CHECK_OK(lrs_input_alloc(&in, N, &e), &e);
    CHECK_OK(lrs_input_add_step(in, 1.0, 6.0, c, d, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.dt = dt;
    p.T = 10.0;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK(lrs_sim_steps(s) == 1000, "steps %zu", lrs_sim_steps(s));
    double times[5] = {1.0, 1.02, 3.0, 6.0, 8.005};
    long nexp[5] = {99, 101, 299, 599, 800};  /* last n with n dt < t */
    CHECK_OK(lrs_probe_alloc(&pr, N, times, 5, &e), &e);
    lrs_observer_t o = lrs_probe_observer(pr);
    CHECK_OK(lrs_sim_run(s, in, &o, 1, &e), &e);
    gsl_vector *z = gsl_vector_alloc(N);
    for (int j = 0; j < 5; j++) {
        CHECK_OK(lrs_probe_get(pr, (size_t)j, z, &e), &e);
        double nrm2 = 0;
        for (size_t i = 0; i < N; i++) {
            double want = step_exact(w[i], c, dt, 100, 600, nexp[j]);
            if (want == 0)
                CHECK(gsl_vector_get(z, i) == 0, "probe %d unit %zu: %g, want exactly 0", j, i,
                      gsl_vector_get(z, i));
            else
                CHECK_REL(gsl_vector_get(z, i), want, 1e-12);
            nrm2 += want * want;
        }
        double nrm;
        CHECK_OK(lrs_probe_norm(pr, (size_t)j, &nrm, &e), &e);
        CHECK_ABS(nrm, sqrt(nrm2), 1e-12 * (1 + sqrt(nrm2)));
    }
    CHECK_OK(lrs_sim_final_state(s, z, &e), &e);
    for (size_t i = 0; i < N; i++)
        CHECK_REL(gsl_vector_get(z, i), step_exact(w[i], c, dt, 100, 600, 999), 1e-12);
    /* the continuous solution c/(1-w) (1 - e^{-(1-w)(t - t_on)}) is within
     * Euler's O(dt) error at t = 6 (z[600]): relative 1% */
    CHECK_REL(step_exact(w[0], c, dt, 100, 600, 600), c / (1 - w[0]) * (1 - exp(-(1 - w[0]) * 5.0)), 0.01);
    /* a probe past the end of the run is an error when read */
    lrs_probe_t *late = NULL;
    double tl = 10.5;
    CHECK_OK(lrs_probe_alloc(&late, N, &tl, 1, &e), &e);
    o = lrs_probe_observer(late);
    lrs_input_free(in);
    CHECK_OK(lrs_input_alloc(&in, N, &e), &e);
    CHECK_OK(lrs_sim_run(s, in, &o, 1, &e), &e);
    CHECK_ERR(lrs_probe_get(late, 0, z, &e), LRS_EINVAL, &e, "not reached");
    double bad = 0.0;
    lrs_probe_t *bp = NULL;
    CHECK_ERR(lrs_probe_alloc(&bp, N, &bad, 1, &e), LRS_EINVAL, &e, "probe time 0 is 0");
    lrs_probe_free(late);
    lrs_probe_free(pr);
    lrs_sim_free(s);
    lrs_input_free(in);
    gsl_matrix_free(W);
    gsl_vector_free(d);
    gsl_vector_free(z);
}

/* Per-unit time constants: W = 0, tau = (1, 3), constant input 1:
 * z_i[n] = 1 - (1 - dt/tau_i)^n; final state n = nt - 1 = 499. */
static void test_per_unit_tau(void)
{
    lrs_err_t e;
    double w[2] = {0, 0}, dt = 0.01;
    gsl_matrix *W = diag_matrix(2, w);
    gsl_vector *tau = gsl_vector_alloc(2), *c = gsl_vector_alloc(2), *z = gsl_vector_alloc(2);
    gsl_vector_set(tau, 0, 1.0);
    gsl_vector_set(tau, 1, 3.0);
    gsl_vector_set_all(c, 1.0);
    lrs_input_t *in = NULL;
    CHECK_OK(const_input(&in, c, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.tau_vec = tau;
    p.dt = dt;
    p.T = 5.0;
    CHECK_OK(sim_final_state(&p, in, z, &e), &e);
    CHECK_REL(gsl_vector_get(z, 0), 1 - pow(1 - dt / 1.0, 499), 1e-12);
    CHECK_REL(gsl_vector_get(z, 1), 1 - pow(1 - dt / 3.0, 499), 1e-12);
    lrs_input_free(in);
    gsl_matrix_free(W);
    gsl_vector_free(tau);
    gsl_vector_free(c);
    gsl_vector_free(z);
}

/* Run a network with a constant input c to (near) its fixed point; return
 * the final state in z. */
static int run_constant(const gsl_matrix *W, lrs_sim_transfer_t f, lrs_sim_mode_t mode,
                        const gsl_vector *c, double T, gsl_vector *z, lrs_err_t *e)
{
    lrs_input_t *in = NULL;
    lrs_sim_params_t p = sim_params_on(W);
    p.f = f;
    p.mode = mode;
    p.T = T;
    int rc = const_input(&in, c, e);
    if (!rc)
        rc = sim_final_state(&p, in, z, e);
    lrs_input_free(in);
    return rc;
}

/* Coupled linear networks of odd size (N = 37: every remainder of the
 * per-step kernel; N = 401: the cblas_dgemv path used for large N), scalar
 * and per-unit tau, against a plain scalar Euler loop
 * z <- z + (dt/tau) (-z + W z + c): 1e-12 relative to ||z||. */
static void test_linear_against_scalar_euler(void)
{
    lrs_err_t e;
    size_t sizes[2] = {37, 401};
    int steps[2] = {50, 8};
    for (int si = 0; si < 2; si++) {
        size_t N = sizes[si];
        gsl_matrix *W = gaussian_matrix(N, N, 0.8 / sqrt((double)N), 41);
        gsl_rng *r = new_rng(42);
        gsl_vector *z0 = gsl_vector_alloc(N), *c = gsl_vector_alloc(N), *z = gsl_vector_alloc(N);
        gsl_vector *tau = gsl_vector_alloc(N);
        double *ref = malloc(N * sizeof *ref), *nxt = malloc(N * sizeof *nxt);
        for (size_t i = 0; i < N; i++) {
            gsl_vector_set(z0, i, gsl_ran_gaussian(r, 1.0));
            gsl_vector_set(c, i, gsl_ran_gaussian(r, 1.0));
            gsl_vector_set(tau, i, 0.5 + 0.05 * (double)(i % 40));
        }
        for (int per_unit = 0; per_unit < 2; per_unit++) {
            lrs_input_t *in = NULL;
            CHECK_OK(const_input(&in, c, &e), &e);
            lrs_sim_params_t p = sim_params_on(W);
            p.z0 = z0;
            p.T = 0.01 * (steps[si] + 1); /* final state z[steps] */
            p.tau_vec = per_unit ? tau : NULL;
            CHECK_OK(sim_final_state(&p, in, z, &e), &e);
            double nrm = 0, dev = 0;
            for (size_t i = 0; i < N; i++)
                ref[i] = gsl_vector_get(z0, i);
            for (int n = 0; n < steps[si]; n++) {
                for (size_t i = 0; i < N; i++) {
                    double wz = 0;
                    for (size_t j = 0; j < N; j++)
                        wz += gsl_matrix_get(W, i, j) * ref[j];
                    double ti = per_unit ? gsl_vector_get(tau, i) : 1.0;
                    nxt[i] = ref[i] + 0.01 / ti * (-ref[i] + wz + gsl_vector_get(c, i));
                }
                memcpy(ref, nxt, N * sizeof *ref);
            }
            for (size_t i = 0; i < N; i++) {
                nrm += ref[i] * ref[i];
                dev = fmax(dev, fabs(gsl_vector_get(z, i) - ref[i]));
            }
            CHECK(dev <= 1e-12 * sqrt(nrm),
                  "N = %zu per_unit %d: max |z - z_ref| = %.3g > 1e-12 ||z|| = %.3g", N, per_unit,
                  dev, 1e-12 * sqrt(nrm));
            lrs_input_free(in);
        }
        gsl_matrix_free(W);
        gsl_rng_free(r);
        gsl_vector_free(z0);
        gsl_vector_free(c);
        gsl_vector_free(z);
        gsl_vector_free(tau);
        free(ref);
        free(nxt);
    }
}

/* Fixed points: z = W f(z) + c for tanh (coupled, contracting: ||W|| < 1)
 * and relu (1 unit, w = 0.5: c = 1 -> z = 2; c = -1 -> z = -1); residual
 * below 1e-10 after T = 60 (contraction factor e^{-(1 - ||W||) t}). */
static void test_tanh_relu_fixed_points(void)
{
    lrs_err_t e;
    size_t N = 4;
    gsl_matrix *W = gaussian_matrix(N, N, 0.2, 7);
    gsl_vector *c = ramp_vector(N, -0.4, 0.3), *z = gsl_vector_alloc(N);
    CHECK_OK(run_constant(W, LRS_F_TANH, LRS_SIM_RECURRENT, c, 60, z, &e), &e);
    for (size_t i = 0; i < N; i++) {
        double r = 0;
        for (size_t j = 0; j < N; j++)
            r += gsl_matrix_get(W, i, j) * tanh(gsl_vector_get(z, j));
        CHECK_ABS(gsl_vector_get(z, i), r + gsl_vector_get(c, i), 1e-10);
    }
    double w1 = 0.5;
    gsl_matrix *W1 = diag_matrix(1, &w1);
    gsl_vector *c1 = gsl_vector_alloc(1), *z1 = gsl_vector_alloc(1);
    gsl_vector_set(c1, 0, 1.0);
    CHECK_OK(run_constant(W1, LRS_F_RELU, LRS_SIM_RECURRENT, c1, 60, z1, &e), &e);
    CHECK_ABS(gsl_vector_get(z1, 0), 2.0, 1e-10);
    gsl_vector_set(c1, 0, -1.0);
    CHECK_OK(run_constant(W1, LRS_F_RELU, LRS_SIM_RECURRENT, c1, 60, z1, &e), &e);
    CHECK_ABS(gsl_vector_get(z1, 0), -1.0, 1e-10);
    /* tanh, a few steps against the scalar Euler recursion (1 ulp per step) */
    gsl_vector_set(c1, 0, 0.7);
    CHECK_OK(run_constant(W1, LRS_F_TANH, LRS_SIM_RECURRENT, c1, 0.05, z1, &e), &e);
    double zz = 0;
    for (int n = 0; n < 4; n++) /* final state is z[4] for T = 0.05, dt = 0.01 */
        zz = zz + 0.01 * (-zz + w1 * tanh(zz) + 0.7);
    CHECK_REL(gsl_vector_get(z1, 0), zz, 1e-14);
    gsl_matrix_free(W);
    gsl_matrix_free(W1);
    gsl_vector_free(c);
    gsl_vector_free(z);
    gsl_vector_free(c1);
    gsl_vector_free(z1);
}

/* Feed-forward mode: tau dz/dt = -z + f(W^T x); with constant x = c the
 * state tends to f(W^T c) (error e^{-T} = e^{-50}). */
static void test_feedforward_fixed_point(void)
{
    lrs_err_t e;
    size_t N = 3;
    gsl_matrix *W = gaussian_matrix(N, N, 1.0, 8);
    gsl_vector *c = ramp_vector(N, 1.0, -0.7), *z = gsl_vector_alloc(N);
    lrs_sim_transfer_t fs[3] = {LRS_F_IDENTITY, LRS_F_TANH, LRS_F_RELU};
    for (int k = 0; k < 3; k++) {
        CHECK_OK(run_constant(W, fs[k], LRS_SIM_FEEDFORWARD, c, 50, z, &e), &e);
        for (size_t j = 0; j < N; j++) {
            double u = 0;
            for (size_t i = 0; i < N; i++)
                u += gsl_matrix_get(W, i, j) * gsl_vector_get(c, i);
            double want = fs[k] == LRS_F_TANH ? tanh(u) : fs[k] == LRS_F_RELU ? fmax(u, 0) : u;
            CHECK_ABS(gsl_vector_get(z, j), want, 1e-12);
        }
    }
    gsl_matrix_free(W);
    gsl_vector_free(c);
    gsl_vector_free(z);
}

/* An observer that checks the block structure and R:
 * recurrent R = W f(Z), feed-forward R = f(W^T X), rows 1e-12 relative. */
typedef struct {
    const gsl_matrix *W;
    lrs_sim_transfer_t f;
    lrs_sim_mode_t mode;
    size_t next_n0, blocks;
    double dt, worst;
    int bad_structure;
} r_check;

static double tf(lrs_sim_transfer_t f, double u)
{
    return f == LRS_F_TANH ? tanh(u) : f == LRS_F_RELU ? fmax(u, 0) : u;
}

static int r_check_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    r_check *c = self;
    size_t N = c->W->size1;
    if (b->n0 != c->next_n0 || b->dt != c->dt || !b->R || !b->X || b->Z->size1 != b->X->size1)
        c->bad_structure = 1;
    c->next_n0 = b->n0 + b->Z->size1;
    c->blocks++;
    if (!b->R)
        return LRS_OK;
    for (size_t t = 0; t < b->Z->size1; t++)
        for (size_t i = 0; i < N; i++) {
            double r = 0, scale = 0;
            for (size_t j = 0; j < N; j++) {
                double term = c->mode == LRS_SIM_RECURRENT
                                  ? gsl_matrix_get(c->W, i, j) * tf(c->f, gsl_matrix_get(b->Z, t, j))
                                  : gsl_matrix_get(c->W, j, i) * gsl_matrix_get(b->X, t, j);
                r += term;
                scale += fabs(term);
            }
            if (c->mode == LRS_SIM_FEEDFORWARD)
                r = tf(c->f, r);
            c->worst = fmax(c->worst, fabs(gsl_matrix_get(b->R, t, i) - r) / (scale + 1e-300));
        }
    return LRS_OK;
}

static void test_recurrent_input_R(void)
{
    lrs_err_t e;
    size_t N = 5;
    gsl_matrix *W = gaussian_matrix(N, N, 0.3, 9);
    lrs_sim_transfer_t fs[3] = {LRS_F_IDENTITY, LRS_F_TANH, LRS_F_RELU};
    for (int mode = 0; mode < 2; mode++)
        for (int k = 0; k < 3; k++) {
            noisy_input_t q;
            lrs_sim_t *s = NULL;
            CHECK_OK(noisy_input_init(&q, N, 1.0, 1.0, 0.01, 10, &e), &e);
            lrs_sim_params_t p = sim_params_on(W);
            p.f = fs[k];
            p.mode = (lrs_sim_mode_t)mode;
            p.T = 20.0; /* 2000 steps: several blocks, pipelined */
            CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
            r_check rc = {W, fs[k], (lrs_sim_mode_t)mode, 0, 0, 0.01, 0, 0};
            lrs_observer_t o = {r_check_observe, &rc, 1};
            CHECK_OK(lrs_sim_run(s, q.in, &o, 1, &e), &e);
            CHECK(!rc.bad_structure, "mode %d f %d: blocks not consecutive or R missing", mode, k);
            CHECK(rc.next_n0 == 2000 && rc.blocks >= 3, "mode %d f %d: saw %zu steps in %zu blocks",
                  mode, k, rc.next_n0, rc.blocks);
            CHECK(rc.worst <= 1e-12, "mode %d f %d: R differs by %.3g (relative) > 1e-12", mode, k,
                  rc.worst);
            lrs_sim_free(s);
            noisy_input_free(&q);
        }
    gsl_matrix_free(W);
}

/* lrs_sim_transfer_apply: identity copies, relu clips, tanh within 3 ulp of
 * libm's, in place or not, on lengths with every SIMD tail. */
static void test_transfer_apply(void)
{
    double z[37] = {0}, out[37] = {0}, in_place[37] = {0};
    size_t bad = 0;
    for (size_t n = 0; n <= 37; n++) {
        for (size_t i = 0; i < n; i++)
            z[i] = in_place[i] = 2.5 * sin(1.7 * (double)(i + n)) * (i % 5 == 0 ? 9.0 : 1.0);
        lrs_sim_transfer_apply(LRS_F_TANH, n, z, out);
        lrs_sim_transfer_apply(LRS_F_TANH, n, in_place, in_place);
        for (size_t i = 0; i < n; i++) {
            double want = tanh(z[i]);
            bad += fabs(out[i] - want) > 3 * DBL_EPSILON * fabs(want) || in_place[i] != out[i];
        }
        lrs_sim_transfer_apply(LRS_F_RELU, n, z, out);
        for (size_t i = 0; i < n; i++)
            bad += out[i] != (z[i] > 0 ? z[i] : 0.0);
        lrs_sim_transfer_apply(LRS_F_IDENTITY, n, z, out);
        for (size_t i = 0; i < n; i++)
            bad += out[i] != z[i];
    }
    CHECK(bad == 0, "%zu values of f(z) wrong", bad);
}

/* The run's extent (largest ||z|| and |z_i|, z0 included) equals the maxima
 * an observer computes over every row it is handed -- exactly, in double
 * and float32, pipelined over several blocks, for each trajectory of a
 * batch; before a completed run and for a wrong index it is an error. */
typedef struct {
    double max_ss, max_abs;
} extent_obs;

static int extent_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    extent_obs *o = self;
    for (size_t i = 0; i < b->Z->size1; i++) {
        double ss = 0;
        for (size_t j = 0; j < b->Z->size2; j++) {
            double v = gsl_matrix_get(b->Z, i, j);
            ss += v * v;
            o->max_abs = fmax(o->max_abs, fabs(v));
        }
        o->max_ss = fmax(o->max_ss, ss);
    }
    return LRS_OK;
}

static void test_extent(void)
{
    lrs_err_t e;
    size_t N = 37;
    gsl_matrix *W = gaussian_matrix(N, N, 1.5 / sqrt((double)N), 12);
    gsl_vector *z0 = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, i == 3 ? 40.0 : 0.1 * sin((double)i)); /* the max is z0's */
    for (int prec = 0; prec < 2; prec++) {
        noisy_input_t q[2];
        lrs_sim_t *s = NULL;
        lrs_sim_params_t p = sim_params_on(W);
        p.f = LRS_F_TANH;
        p.T = 20.0; /* 2000 steps: several blocks, pipelined */
        p.precision = prec ? LRS_SIM_FLOAT32 : LRS_SIM_DOUBLE;
        const gsl_vector *z0s[2] = {NULL, z0};
        CHECK_OK(lrs_sim_batch_alloc(&s, &p, 2, z0s, NULL, &e), &e);
        double mn = 0, ma = 0;
        CHECK_ERR(lrs_sim_extent(s, &mn, &ma, &e), LRS_EINVAL, &e, "no completed run yet");
        extent_obs ob[2] = {{0, 0}, {0, 0}};
        lrs_observer_t o0 = {extent_observe, &ob[0], 0}, o1 = {extent_observe, &ob[1], 0};
        const lrs_observer_t *obs[2] = {&o0, &o1};
        size_t nobs[2] = {1, 1};
        lrs_input_t *in[2];
        for (int k = 0; k < 2; k++) {
            CHECK_OK(noisy_input_init(&q[k], N, 1.0, 1.0, 0.01, 20 + (unsigned long)k, &e), &e);
            in[k] = q[k].in;
        }
        CHECK_OK(lrs_sim_batch_run(s, in, obs, nobs, &e), &e);
        for (size_t k = 0; k < 2; k++) {
            CHECK_OK(lrs_sim_batch_extent(s, k, &mn, &ma, &e), &e);
            CHECK(fabs(mn - sqrt(ob[k].max_ss)) <= 4 * N * DBL_EPSILON * mn && ma == ob[k].max_abs,
                  "precision %d, trajectory %zu: extent %.17g %.17g; the observer saw %.17g %.17g",
                  prec, k, mn, ma, sqrt(ob[k].max_ss), ob[k].max_abs);
        }
        CHECK_OK(lrs_sim_batch_extent(s, 1, &mn, &ma, &e), &e);
        CHECK(ma == 40.0, "the largest |z_i| is z0's 40, not %.17g", ma);
        CHECK_ERR(lrs_sim_batch_extent(s, 2, &mn, &ma, &e), LRS_EINVAL, &e,
                  "trajectory 2; the batch has K = 2");
        CHECK_ERR(lrs_sim_extent(s, NULL, &ma, &e), LRS_EINVAL, &e, "max_norm is NULL");
        lrs_sim_free(s);
        noisy_input_free(&q[0]);
        noisy_input_free(&q[1]);
    }
    gsl_vector_free(z0);
    gsl_matrix_free(W);
}

/* Divergence: 1 unit, w = 2, z0 = 1, no input: z[n] = rho^n, rho = 1.01 (as
 * the library rounds it), first n with z > 1e8 = 1e8 * max(1, ||z0||). */
static void test_divergence_message(void)
{
    lrs_err_t e;
    double w = 2.0;
    gsl_matrix *W = diag_matrix(1, &w);
    gsl_vector *z0 = gsl_vector_alloc(1);
    gsl_vector_set(z0, 0, 1.0);
    lrs_input_t *in = NULL;
    lrs_sim_t *s = NULL;
    CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.z0 = z0;
    p.T = 100;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    double rho = 0.01 * w + (1 - 0.01), z = 1;
    long n = 0;
    while (z <= 1e8) {
        z = rho * z;
        n++;
    }
    char want[64];
    snprintf(want, sizeof want, "diverged at t = %g:", (double)n * 0.01);
    CHECK_ERR(lrs_sim_run(s, in, NULL, 0, &e), LRS_EDIVERGE, &e, want);
    CHECK(strstr(e.msg, "largest real part of the eigenvalues of W: 2)") != NULL, "message '%s'", e.msg);
    gsl_vector *zf = gsl_vector_alloc(1);
    CHECK_ERR(lrs_sim_final_state(s, zf, &e), LRS_EINVAL, &e, "no completed run");
    /* an explicit bound */
    lrs_sim_free(s);
    p.max_norm = 10.0;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_ERR(lrs_sim_run(s, in, NULL, 0, &e), LRS_EDIVERGE, &e, "exceeds 10");
    lrs_sim_free(s);
    lrs_input_free(in);
    gsl_matrix_free(W);
    gsl_vector_free(z0);
    gsl_vector_free(zf);
}

static int nan_input(void *ctx, double t, gsl_vector *x, lrs_err_t *err)
{
    (void)ctx;
    (void)err;
    if (t >= 3.0)
        gsl_vector_set(x, 0, gsl_vector_get(x, 0) + NAN);
    return LRS_OK;
}

/* A non-finite input is caught as divergence at the first non-finite state
 * (x[300] enters z[301], t = 3.01). */
static void test_nonfinite_input_diverges(void)
{
    lrs_err_t e;
    double w = 0.0;
    gsl_matrix *W = diag_matrix(1, &w);
    lrs_input_t *in = NULL;
    CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
    CHECK_OK(lrs_input_add_callback(in, nan_input, NULL, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 10;
    CHECK_ERR(sim_final_state(&p, in, NULL, &e), LRS_EDIVERGE, &e, "diverged at t = 3.01:");
    lrs_input_free(in);
    gsl_matrix_free(W);
}

typedef struct {
    volatile sig_atomic_t *flag;
    size_t calls;
} stopper;

static int stop_after_first(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)b;
    (void)err;
    stopper *st = self;
    st->calls++;
    *st->flag = 1;
    return LRS_OK;
}

static void test_stop_flag(void)
{
    lrs_err_t e;
    double w = 0.5;
    gsl_matrix *W = diag_matrix(1, &w);
    lrs_input_t *in = NULL;
    lrs_sim_t *s = NULL;
    volatile sig_atomic_t flag = 1;
    CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 1000;
    p.stop = &flag;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_ERR(lrs_sim_run(s, in, NULL, 0, &e), LRS_EINTR, &e, "interrupted at t = 0");
    /* raised by an observer during the run: stops within two blocks */
    for (int serial = 0; serial < 2; serial++) {
        flag = 0;
        lrs_sim_free(s);
        p.serial = serial;
        CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
        stopper st = {&flag, 0};
        lrs_observer_t o = {stop_after_first, &st, 0};
        lrs_input_free(in);
        CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
        CHECK_ERR(lrs_sim_run(s, in, &o, 1, &e), LRS_EINTR, &e, "interrupted at t = ");
        CHECK(st.calls >= 1 && st.calls <= 2, "serial %d: observer called %zu times after the stop",
              serial, st.calls);
    }
    lrs_sim_free(s);
    lrs_input_free(in);
    gsl_matrix_free(W);
}

/* Counts the rows handed to it. */
static int count_rows(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    *(size_t *)self += b->Z->size1;
    return LRS_OK;
}

static int failing_input(void *ctx, double t, gsl_vector *x, lrs_err_t *err)
{
    (void)ctx;
    (void)x;
    if (t >= 5.12 - 1e-9)
        return lrs_err_set(err, LRS_EIO, "test input: no data at t = %g", t);
    return LRS_OK;
}

/* Errors come in the order of a serial run, pipelined or not: the blocks
 * before a failing input block (steps 0..511 for a failure at step 512) and
 * before a diverging block are observed, nothing after. */
static void test_error_order(void)
{
    lrs_err_t e;
    double w = 0.5, w2 = 2.0;
    gsl_matrix *W = diag_matrix(1, &w), *W2 = diag_matrix(1, &w2);
    gsl_vector *z0 = gsl_vector_alloc(1);
    gsl_vector_set(z0, 0, 1.0);
    for (int serial = 0; serial < 2; serial++) {
        lrs_input_t *in = NULL;
        lrs_sim_t *s = NULL;
        size_t rows = 0;
        lrs_observer_t o = {count_rows, &rows, 0};
        CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
        CHECK_OK(lrs_input_add_callback(in, failing_input, NULL, &e), &e);
        lrs_sim_params_t p = sim_params_on(W);
        p.T = 20;
        p.serial = serial;
        CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
        CHECK_ERR(lrs_sim_run(s, in, &o, 1, &e), LRS_EIO, &e, "no data at t = 5.12");
        CHECK(rows == 512, "serial %d: observers saw %zu rows before the input failed, want 512",
              serial, rows);
        lrs_sim_free(s);
        lrs_input_free(in);
        /* divergence at step 1852 (block 7 = steps 1792..2047): 1792 rows seen */
        CHECK_OK(lrs_input_alloc(&in, 1, &e), &e);
        p.W = W2;
        p.z0 = z0;
        p.T = 100;
        rows = 0;
        CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
        CHECK_ERR(lrs_sim_run(s, in, &o, 1, &e), LRS_EDIVERGE, &e, "diverged at t = 18.52:");
        CHECK(rows == 1792, "serial %d: observers saw %zu rows before divergence, want 1792", serial,
              rows);
        lrs_sim_free(s);
        lrs_input_free(in);
    }
    gsl_matrix_free(W);
    gsl_matrix_free(W2);
    gsl_vector_free(z0);
}

/* Same seed: same trajectory bit for bit, pipelined or serial, and on a
 * second run of the same simulation object. */
static int noise_run(const gsl_matrix *W, int serial, unsigned long seed, gsl_vector *zf,
                     gsl_matrix *Cz, lrs_sim_t *reuse, lrs_err_t *e)
{
    size_t N = W->size1;
    noisy_input_t q;
    lrs_sim_t *s = reuse;
    lrs_cov_t *c = NULL;
    int rc = noisy_input_init(&q, N, 2.0, 1.0, 0.01, seed, e);
    if (!rc && !s) {
        lrs_sim_params_t p = sim_params_on(W);
        p.T = 30;
        p.serial = serial;
        p.f = LRS_F_TANH;
        rc = lrs_sim_alloc(&s, &p, e);
    }
    if (!rc)
        rc = lrs_cov_alloc(&c, N, e);
    lrs_observer_t o = lrs_cov_observer(c, LRS_FIELD_Z, 0.0);
    if (!rc)
        rc = lrs_sim_run(s, q.in, &o, 1, e);
    if (!rc)
        rc = lrs_sim_final_state(s, zf, e);
    if (!rc)
        rc = lrs_cov_get(c, Cz, e);
    if (s != reuse)
        lrs_sim_free(s);
    lrs_cov_free(c);
    noisy_input_free(&q);
    return rc;
}

static void test_same_seed_identical(void)
{
    lrs_err_t e;
    size_t N = 30;
    gsl_matrix *W = gaussian_matrix(N, N, 1.5 / sqrt((double)N), 12);
    gsl_vector *z1 = gsl_vector_alloc(N), *z2 = gsl_vector_alloc(N), *z3 = gsl_vector_alloc(N);
    gsl_matrix *C1 = gsl_matrix_alloc(N, N), *C2 = gsl_matrix_alloc(N, N), *C3 = gsl_matrix_alloc(N, N);
    CHECK_OK(noise_run(W, 0, 99, z1, C1, NULL, &e), &e);
    CHECK_OK(noise_run(W, 1, 99, z2, C2, NULL, &e), &e);
    CHECK(memcmp(z1->data, z2->data, N * sizeof(double)) == 0, "pipelined and serial final states differ");
    CHECK(memcmp(C1->data, C2->data, N * N * sizeof(double)) == 0, "pipelined and serial covariances differ");
    /* re-running one simulation object with fresh inputs repeats the run */
    lrs_sim_t *s = NULL;
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 30;
    p.f = LRS_F_TANH;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_OK(noise_run(W, 0, 99, z3, C3, s, &e), &e);
    CHECK_OK(noise_run(W, 0, 99, z3, C3, s, &e), &e);
    CHECK(memcmp(z1->data, z3->data, N * sizeof(double)) == 0, "second run of one object differs");
    CHECK_OK(noise_run(W, 0, 100, z3, C3, s, &e), &e);
    CHECK(memcmp(z1->data, z3->data, N * sizeof(double)) != 0, "different seeds gave the same run");
    lrs_sim_free(s);
    gsl_matrix_free(W);
    gsl_vector_free(z1);
    gsl_vector_free(z2);
    gsl_vector_free(z3);
    gsl_matrix_free(C1);
    gsl_matrix_free(C2);
    gsl_matrix_free(C3);
}

/* Mixed noise: x = scale * mix^T xi + constant, checked row by row against
 * an independent generator with the same seed (1e-14 relative). */
typedef struct {
    lrs_noise_t *ref;
    const gsl_matrix *mix;
    double scale, c0, worst;
    gsl_matrix *xi;
} mix_check;

static int mix_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    mix_check *m = self;
    size_t K = m->mix->size1, N = m->mix->size2, rows = b->X->size1;
    gsl_matrix_view v = gsl_matrix_submatrix(m->xi, 0, 0, rows, K);
    int rc = lrs_noise_fill(m->ref, &v.matrix, err);
    if (rc)
        return rc;
    for (size_t t = 0; t < rows; t++)
        for (size_t j = 0; j < N; j++) {
            double x = m->c0, sc = fabs(m->c0);
            for (size_t k = 0; k < K; k++) {
                double term = m->scale * gsl_matrix_get(m->mix, k, j) * gsl_matrix_get(m->xi, t, k);
                x += term;
                sc += fabs(term);
            }
            m->worst = fmax(m->worst, fabs(gsl_matrix_get(b->X, t, j) - x) / sc);
        }
    return LRS_OK;
}

static void test_mixed_noise_input(void)
{
    lrs_err_t e;
    size_t K = 3, N = 4;
    gsl_matrix *mix = gsl_matrix_alloc(K, N);
    for (size_t i = 0; i < K * N; i++)
        mix->data[i] = 0.1 * (double)i - 0.5;
    double w[4] = {0, 0, 0, 0};
    gsl_matrix *W = diag_matrix(N, w);
    gsl_rng *r1 = new_rng(17), *r2 = new_rng(17);
    lrs_noise_t *nz = NULL, *ref = NULL;
    lrs_input_t *in = NULL;
    lrs_sim_t *s = NULL;
    gsl_vector *c = gsl_vector_alloc(N);
    gsl_vector_set_all(c, 0.25);
    CHECK_OK(lrs_noise_alloc(&nz, K, 1.0, 1.0, 0.01, r1, &e), &e);
    CHECK_OK(lrs_noise_alloc(&ref, K, 1.0, 1.0, 0.01, r2, &e), &e);
    CHECK_OK(lrs_input_alloc(&in, N, &e), &e);
    CHECK_OK(lrs_input_add_constant(in, c, &e), &e);
    CHECK_OK(lrs_input_add_noise(in, nz, 0.5, mix, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 10;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    mix_check m = {ref, mix, 0.5, 0.25, 0, gsl_matrix_alloc(1024, K)};
    lrs_observer_t o = {mix_observe, &m, 0};
    CHECK_OK(lrs_sim_run(s, in, &o, 1, &e), &e);
    CHECK(m.worst <= 1e-14, "input differs from 0.25 + 0.5 mix^T xi by %.3g > 1e-14", m.worst);
    CHECK(lrs_noise_position(ref) == 1000, "reference read %zu rows", lrs_noise_position(ref));
    /* the used noise cannot drive a second run */
    CHECK_ERR(lrs_sim_run(s, in, NULL, 0, &e), LRS_EINVAL, &e, "noise source 1 is at step 1000");
    gsl_matrix_free(m.xi);
    lrs_sim_free(s);
    lrs_input_free(in);
    lrs_noise_free(nz);
    lrs_noise_free(ref);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    gsl_matrix_free(mix);
    gsl_matrix_free(W);
    gsl_vector_free(c);
}

/* Projections: var(s.d_k) and corr(x.d, r.d) equal d^T C d computed from a
 * full covariance of [z, x, r] accumulated by another observer (1e-9
 * relative), and the trace has the documented rows and columns. */
typedef struct {
    lrs_cov_t *c;
    gsl_matrix *row;
} full_obs;

static int full_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    full_obs *f = self;
    size_t N = b->Z->size2;
    for (size_t t = 0; t < b->Z->size1; t++) {
        if ((double)(b->n0 + t) * b->dt < 5.0 - 1e-9 * b->dt)
            continue;
        for (size_t j = 0; j < N; j++) {
            gsl_matrix_set(f->row, 0, j, gsl_matrix_get(b->Z, t, j));
            gsl_matrix_set(f->row, 0, N + j, gsl_matrix_get(b->X, t, j));
            gsl_matrix_set(f->row, 0, 2 * N + j, gsl_matrix_get(b->R, t, j));
        }
        int rc = lrs_cov_add_block(f->c, f->row, err);
        if (rc)
            return rc;
    }
    return LRS_OK;
}

static void test_projection_observer(void)
{
    lrs_err_t e;
    size_t N = 6, K = 2;
    gsl_matrix *W = gaussian_matrix(N, N, 0.3, 13);
    gsl_matrix *D = gaussian_matrix(N, N, 1.0, 14);
    gsl_matrix *Dk = gsl_matrix_alloc(N, K);
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < K; k++)
            gsl_matrix_set(Dk, i, k, gsl_matrix_get(D, i, k));
    noisy_input_t q;
    lrs_sim_t *s = NULL;
    lrs_proj_t *pj = NULL;
    full_obs f = {NULL, gsl_matrix_alloc(1, 3 * N)};
    CHECK_OK(noisy_input_init(&q, N, 1.0, 1.0, 0.01, 15, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 50;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_OK(lrs_cov_alloc(&f.c, 3 * N, &e), &e);
    CHECK_OK(lrs_proj_alloc(&pj, Dk, LRS_PROJ_Z | LRS_PROJ_X | LRS_PROJ_R, 5.0, &e), &e);
    FILE *fp = tmpfile();
    CHECK(fp != NULL, "tmpfile failed");
    CHECK_OK(lrs_proj_set_trace(pj, fp, 10, 1.0, &e), &e);
    lrs_observer_t obs[2] = {lrs_proj_observer(pj), {full_observe, &f, 0}};
    CHECK(obs[0].needs_recurrent, "a projection of R must ask for R");
    CHECK_OK(lrs_sim_run(s, q.in, obs, 2, &e), &e);
    CHECK(lrs_proj_count(pj) == 4500, "count %zu, want 4500 (t >= 5)", lrs_proj_count(pj));
    gsl_matrix *C = gsl_matrix_alloc(3 * N, 3 * N);
    CHECK_OK(lrs_cov_get(f.c, C, &e), &e);
    /* q(f, k)^T C q(g, l) with q the direction embedded in block f */
    double want[3][2];
    for (int fl = 0; fl < 3; fl++)
        for (size_t k = 0; k < K; k++) {
            double v = 0;
            for (size_t i = 0; i < N; i++)
                for (size_t j = 0; j < N; j++)
                    v += gsl_matrix_get(Dk, i, k) * gsl_matrix_get(C, fl * N + i, fl * N + j) *
                         gsl_matrix_get(Dk, j, k);
            want[fl][k] = v;
            double got;
            CHECK_OK(lrs_proj_var(pj, (lrs_field_t)fl, k, &got, &e), &e);
            CHECK_REL(got, v, 1e-9);
        }
    double cxr = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            cxr += gsl_matrix_get(Dk, i, 0) * gsl_matrix_get(C, N + i, 2 * N + j) * gsl_matrix_get(Dk, j, 1);
    double corr;
    CHECK_OK(lrs_proj_corr(pj, LRS_FIELD_X, 0, LRS_FIELD_R, 1, &corr, &e), &e);
    CHECK_REL(corr, cxr / sqrt(want[1][0] * want[2][1]), 1e-9);
    CHECK_ERR(lrs_proj_var(pj, LRS_FIELD_Z, 2, &corr, &e), LRS_EINVAL, &e, "direction 2 out of range");
    /* trace: t < 1.0 every 10 steps = steps 0, 10, ..., 90: 10 rows of 1 + 3K columns */
    rewind(fp);
    char line[1024];
    int rows = 0, cols_ok = 1;
    while (fgets(line, sizeof line, fp)) {
        int cols = 1;
        for (char *q = line; *q; q++)
            cols += *q == '\t';
        cols_ok = cols_ok && cols == 1 + 3 * (int)K;
        if (rows == 3)
            CHECK(strncmp(line, "0.3\t", 4) == 0, "row 3 starts '%.20s', want t = 0.3", line);
        rows++;
    }
    CHECK(rows == 10, "trace has %d rows, want 10", rows);
    CHECK(cols_ok, "trace rows must have %d columns", 1 + 3 * (int)K);
    fclose(fp);
    /* a Z-only projection does not ask for R and refuses other fields */
    lrs_proj_t *pz = NULL;
    CHECK_OK(lrs_proj_alloc(&pz, Dk, LRS_PROJ_Z, 0.0, &e), &e);
    CHECK(!lrs_proj_observer(pz).needs_recurrent, "Z projection asks for R");
    CHECK_ERR(lrs_proj_var(pz, LRS_FIELD_X, 0, &corr, &e), LRS_EINVAL, &e, "field x was not selected");
    lrs_proj_t *pbad = NULL;
    CHECK_ERR(lrs_proj_alloc(&pbad, Dk, 0, 0.0, &e), LRS_EINVAL, &e, "fields = 0x0");
    CHECK(pbad == NULL, "failed alloc left a pointer");
    lrs_proj_free(pz);
    lrs_proj_free(pj);
    lrs_cov_free(f.c);
    gsl_matrix_free(f.row);
    gsl_matrix_free(C);
    lrs_sim_free(s);
    noisy_input_free(&q);
    gsl_matrix_free(W);
    gsl_matrix_free(D);
    gsl_matrix_free(Dk);
}

/* Trace writer: every 5th step with t < 0.5 (10 rows), columns t, ||z||,
 * z_1, z_2; row 0 is z0. */
static void test_trace_observer(void)
{
    lrs_err_t e;
    double w[3] = {0.1, 0.2, 0.3};
    gsl_matrix *W = diag_matrix(3, w);
    gsl_vector *z0 = gsl_vector_alloc(3);
    gsl_vector_set(z0, 0, 3.0);
    gsl_vector_set(z0, 1, 4.0);
    gsl_vector_set(z0, 2, 12.0);
    lrs_input_t *in = NULL;
    lrs_sim_t *s = NULL;
    lrs_trace_t *tr = NULL;
    CHECK_OK(lrs_input_alloc(&in, 3, &e), &e);
    lrs_sim_params_t p = sim_params_on(W);
    p.z0 = z0;
    p.T = 2.0;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    FILE *fp = tmpfile();
    CHECK_OK(lrs_trace_alloc(&tr, fp, 5, 0.5, 2, &e), &e);
    lrs_observer_t o = lrs_trace_observer(tr);
    CHECK_OK(lrs_sim_run(s, in, &o, 1, &e), &e);
    rewind(fp);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, fp)) {
        double t, nrm, a, b;
        int got = sscanf(line, "%lf\t%lf\t%lf\t%lf", &t, &nrm, &a, &b);
        CHECK(got == 4, "row %d: '%s'", rows, line);
        CHECK_ABS(t, 0.05 * rows, 1e-12);
        if (rows == 0) {
            CHECK_REL(nrm, 13.0, 1e-6);
            CHECK_REL(a, 3.0, 1e-6);
            CHECK_REL(b, 4.0, 1e-6);
        }
        rows++;
    }
    CHECK(rows == 10, "trace rows %d, want 10", rows);
    lrs_trace_t *tbad = NULL;
    CHECK_ERR(lrs_trace_alloc(&tbad, fp, 0, 1.0, 0, &e), LRS_EINVAL, &e, "every = 0");
    fclose(fp);
    lrs_trace_free(tr);
    lrs_sim_free(s);
    lrs_input_free(in);
    gsl_matrix_free(W);
    gsl_vector_free(z0);
}

static int failing_observer(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    size_t *calls = self;
    (*calls)++;
    if (b->n0 >= 512)
        return lrs_err_set(err, LRS_EIO, "test observer: disk full at step %zu", b->n0);
    return LRS_OK;
}

static void test_errors(void)
{
    lrs_err_t e;
    lrs_sim_t *s = NULL;
    lrs_input_t *in = NULL;
    gsl_matrix *Wr = gsl_matrix_calloc(3, 2), *W = gsl_matrix_calloc(3, 3);
    lrs_sim_params_t p = lrs_sim_params_default();
    p.T = 1;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "W is NULL");
    p.W = Wr;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "W is 3x2; expected square");
    p.W = W;
    gsl_vector *tv = gsl_vector_alloc(2);
    gsl_vector_set_all(tv, 1.0);
    p.tau_vec = tv;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "tau_vec has length 2; expected N = 3");
    p.tau_vec = NULL;
    p.tau = 0;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "tau = 0");
    p.tau = 1;
    p.T = 0;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "no time steps");
    p.T = 1;
    p.dt = -0.1;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "dt = -0.1");
    p.dt = 0.01;
    gsl_vector *z0 = gsl_vector_alloc(4);
    gsl_vector_set_zero(z0);
    p.z0 = z0;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_EINVAL, &e, "z0 has length 4; expected N = 3");
    p.z0 = NULL;
    gsl_matrix_set(W, 1, 1, NAN);
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_ENONFINITE, &e, "W(1,1)");
    gsl_matrix_set(W, 1, 1, 0);
    CHECK(s == NULL, "failed alloc left a pointer");
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    /* input of the wrong size */
    CHECK_OK(lrs_input_alloc(&in, 4, &e), &e);
    CHECK_ERR(lrs_sim_run(s, in, NULL, 0, &e), LRS_EINVAL, &e, "input has N = 4 units; the network has 3");
    lrs_input_free(in);
    CHECK_ERR(lrs_input_alloc(&in, 0, &e), LRS_EINVAL, &e, "N = 0");
    CHECK_OK(lrs_input_alloc(&in, 3, &e), &e);
    /* noise with K != N and no mixing matrix; mixing matrix of the wrong shape */
    gsl_rng *r = new_rng(1);
    lrs_noise_t *nz = NULL;
    CHECK_OK(lrs_noise_alloc(&nz, 2, 1.0, 1.0, 0.01, r, &e), &e);
    CHECK_ERR(lrs_input_add_noise(in, nz, 1.0, NULL, &e), LRS_EINVAL, &e, "noise has 2 channels");
    gsl_matrix *mix = gsl_matrix_calloc(3, 3);
    CHECK_ERR(lrs_input_add_noise(in, nz, 1.0, mix, &e), LRS_EINVAL, &e, "mix is 3x3; expected K x N = 2x3");
    gsl_vector *c2 = gsl_vector_alloc(2);
    gsl_vector_set_zero(c2);
    CHECK_ERR(lrs_input_add_constant(in, c2, &e), LRS_EINVAL, &e, "c has length 2; expected N = 3");
    gsl_vector *d = gsl_vector_calloc(3);
    CHECK_ERR(lrs_input_add_step(in, 5.0, 1.0, 1.0, d, &e), LRS_EINVAL, &e, "window [5, 1)");
    CHECK_ERR(lrs_input_add_callback(in, NULL, NULL, &e), LRS_EINVAL, &e, "fn is NULL");
    gsl_matrix *X = gsl_matrix_alloc(5, 2);
    CHECK_ERR(lrs_input_fill(in, 0, 0.01, X, &e), LRS_EINVAL, &e, "X has 2 columns; expected N = 3");
    /* an observer's error stops the run with its code and message, after the
     * blocks before it were observed */
    size_t calls = 0;
    lrs_sim_free(s);
    p.T = 20;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    lrs_observer_t o = {failing_observer, &calls, 0};
    CHECK_ERR(lrs_sim_run(s, in, &o, 1, &e), LRS_EIO, &e, "disk full at step 512");
    CHECK(calls == 3, "observer called %zu times, want 3 (blocks at 0, 256, 512)", calls);
    /* transfer names */
    lrs_sim_transfer_t f;
    CHECK_OK(lrs_sim_transfer_parse("linear", &f, &e), &e);
    CHECK(f == LRS_F_IDENTITY, "linear -> %d", (int)f);
    CHECK_OK(lrs_sim_transfer_parse("relu", &f, &e), &e);
    CHECK(f == LRS_F_RELU && strcmp(lrs_sim_transfer_name(f), "relu") == 0, "relu round trip");
    CHECK_ERR(lrs_sim_transfer_parse("sigmoid", &f, &e), LRS_EINVAL, &e, "unknown transfer function 'sigmoid'");
    lrs_sim_free(s);
    lrs_sim_free(NULL);
    lrs_input_free(in);
    lrs_input_free(NULL);
    lrs_noise_free(nz);
    gsl_rng_free(r);
    gsl_matrix_free(Wr);
    gsl_matrix_free(W);
    gsl_matrix_free(mix);
    gsl_matrix_free(X);
    gsl_vector_free(tv);
    gsl_vector_free(z0);
    gsl_vector_free(c2);
    gsl_vector_free(d);
}

int main(void)
{
    lrs_blas_set_threads(1);
    RUN(test_linear_stationary_variance);
    RUN(test_step_response_and_probes);
    RUN(test_per_unit_tau);
    RUN(test_linear_against_scalar_euler);
    RUN(test_tanh_relu_fixed_points);
    RUN(test_feedforward_fixed_point);
    RUN(test_recurrent_input_R);
    RUN(test_extent);
    RUN(test_transfer_apply);
    RUN(test_divergence_message);
    RUN(test_nonfinite_input_diverges);
    RUN(test_stop_flag);
    RUN(test_error_order);
    RUN(test_same_seed_identical);
    RUN(test_mixed_noise_input);
    RUN(test_projection_observer);
    RUN(test_trace_observer);
    RUN(test_errors);
    return harness_summary();
}
