/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the simulator's float32 precision (LRS_SIM_FLOAT32, lrs/sim.h):
 * against double precision (Euler and RK4, tanh, with a low-rank part),
 * batches bit-identical to single runs, RK4 stable where Euler is not (the
 * eigenvalues -1 +/- 19.4i of W - I at Figure 3's EP case), and the error
 * paths. */
#include "harness.h"
#include "la_check.h"
#include "lrs/cov.h"
#include "lrs/noise.h"
#include "lrs/connectivity.h"
#include "lrs/sim.h"

#include <complex.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static double rel_diff(const gsl_vector *a, const gsl_vector *b)
{
    double d = 0, n = 0;
    for (size_t i = 0; i < a->size; i++) {
        double e = gsl_vector_get(a, i) - gsl_vector_get(b, i);
        d += e * e;
        n += gsl_vector_get(b, i) * gsl_vector_get(b, i);
    }
    return sqrt(d / n);
}

/* Final state of a noise-driven tanh run of W + L R^T. */
static void run_noise(const gsl_matrix *W, const gsl_matrix *L, const gsl_matrix *R,
                      const gsl_vector *z0, const lrs_sim_method_t *m, lrs_sim_precision_t prec,
                      double T, gsl_vector *zT)
{
    lrs_err_t err;
    lrs_sim_params_t p = sim_params_on(W);
    p.f = LRS_F_TANH;
    p.method = m;
    p.precision = prec;
    p.lowrank.U = L;
    p.lowrank.V = R;
    p.T = T;
    p.z0 = z0;
    p.serial = 1;
    lrs_sim_t *s = NULL;
    noisy_input_t q;
    CHECK_OK(noisy_input_init(&q, W->size1, 2.0, 1.0, p.dt, 7, &err), &err);
    CHECK_OK(lrs_sim_alloc(&s, &p, &err), &err);
    CHECK_OK(lrs_sim_run(s, q.in, NULL, 0, &err), &err);
    CHECK_OK(lrs_sim_final_state(s, zT, &err), &err);
    lrs_sim_free(s);
    noisy_input_free(&q);
}

/* Euler and RK4, tanh, W + L R^T with a rank-2 part: float32 follows double.
 * The network is contracting (random part of radius 0.5, stabilising
 * low-rank part), so per-step rounding (~ N eps_float relative) does not
 * accumulate: the states agree to 100 N eps_float.  The same again with W
 * rounded to binary16 (lrs_conn_round_binary16), which the float32 path
 * multiplies from its 16-bit copy on AVX-512. */
static void test_float_matches_double(void)
{
    const size_t N = 60;
    gsl_matrix *W = gaussian_matrix(N, N, 0.5 / sqrt((double)N), 1);
    gsl_matrix *L = gaussian_matrix(N, 2, -3.0 / sqrt((double)N), 2);
    gsl_matrix *R = gaussian_matrix(N, 2, 1.0 / sqrt((double)N), 3);
    gsl_vector *z0 = gsl_vector_alloc(N), *zd = gsl_vector_alloc(N), *zf = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, 0.1 * sin((double)i));
    const lrs_sim_method_t *ms[2] = {lrs_sim_euler, lrs_sim_rk4};
    double tol = 100 * (double)N * FLT_EPSILON;
    lrs_err_t err;
    for (int half = 0; half < 2; half++) {
        if (half)
            CHECK_OK(lrs_conn_round_binary16(W, &err), &err);
        for (int k = 0; k < 2; k++) {
            run_noise(W, L, R, z0, ms[k], LRS_SIM_DOUBLE, 50, zd);
            run_noise(W, L, R, z0, ms[k], LRS_SIM_FLOAT32, 50, zf);
            CHECK(rel_diff(zf, zd) <= tol,
                  "%s%s: float32 vs double: relative difference %.3g > %.3g",
                  lrs_sim_method_name(ms[k]), half ? " (binary16 W)" : "", rel_diff(zf, zd), tol);
            CHECK(rel_diff(zf, zd) > 0, "%s: float32 gave the double bits: not the float path",
                  lrs_sim_method_name(ms[k]));
        }
    }
    gsl_matrix_free(W);
    gsl_matrix_free(L);
    gsl_matrix_free(R);
    gsl_vector_free(z0);
    gsl_vector_free(zd);
    gsl_vector_free(zf);
}

/* Three networks with different low-rank parts and inputs in one float32
 * batch give the bits of three single float32 runs: final states and the
 * covariances observed. */
static void check_batch_identical(const lrs_sim_method_t *method)
{
    enum { K = 3 };
    const size_t N = 37;
    lrs_err_t err;
    gsl_matrix *W = gaussian_matrix(N, N, 0.5 / sqrt((double)N), 11);
    gsl_matrix *L[K], *R[K];
    gsl_vector *z0[K], *zb[K], *z1 = gsl_vector_alloc(N);
    gsl_matrix *Cb[K], *C1 = gsl_matrix_alloc(N, N);
    lrs_sim_lowrank_t parts[K];
    for (size_t k = 0; k < K; k++) {
        L[k] = gaussian_matrix(N, k + 1, -2.0 / sqrt((double)N), 20 + k);
        R[k] = gaussian_matrix(N, k + 1, 1.0 / sqrt((double)N), 30 + k);
        parts[k] = (lrs_sim_lowrank_t){L[k], NULL, R[k]};
        z0[k] = gsl_vector_alloc(N);
        zb[k] = gsl_vector_alloc(N);
        Cb[k] = gsl_matrix_alloc(N, N);
        for (size_t i = 0; i < N; i++)
            gsl_vector_set(z0[k], i, 0.1 * cos((double)(i + 7 * k)));
    }
    lrs_sim_params_t p = sim_params_on(W);
    p.f = LRS_F_TANH;
    p.method = method;
    p.precision = LRS_SIM_FLOAT32;
    p.T = 3.0; /* 300 steps: several blocks */
    p.serial = 1;
    {
        noisy_input_t q[K];
        lrs_input_t *in[K];
        lrs_cov_t *cov[K];
        lrs_observer_t ob[K][1];
        const lrs_observer_t *obs[K];
        size_t nobs[K] = {1, 1, 1};
        for (size_t k = 0; k < K; k++) {
            CHECK_OK(noisy_input_init(&q[k], N, 2.0, 1.0, p.dt, 40 + k, &err), &err);
            in[k] = q[k].in;
            lrs_cov_alloc(&cov[k], N, &err);
            ob[k][0] = lrs_cov_observer(cov[k], LRS_FIELD_Z, 0.5);
            obs[k] = ob[k];
        }
        lrs_sim_t *s = NULL;
        CHECK_OK(lrs_sim_batch_alloc(&s, &p, K, (const gsl_vector *const *)z0, parts, &err), &err);
        CHECK_OK(lrs_sim_batch_run(s, in, obs, nobs, &err), &err);
        for (size_t k = 0; k < K; k++) {
            CHECK_OK(lrs_sim_batch_final_state(s, k, zb[k], &err), &err);
            CHECK_OK(lrs_cov_get(cov[k], Cb[k], &err), &err);
            lrs_cov_free(cov[k]);
            noisy_input_free(&q[k]);
        }
        lrs_sim_free(s);
    }
    for (size_t k = 0; k < K; k++) {
        noisy_input_t q;
        CHECK_OK(noisy_input_init(&q, N, 2.0, 1.0, p.dt, 40 + k, &err), &err);
        lrs_cov_t *cov = NULL;
        lrs_cov_alloc(&cov, N, &err);
        lrs_observer_t ob = lrs_cov_observer(cov, LRS_FIELD_Z, 0.5);
        p.lowrank = parts[k];
        p.z0 = z0[k];
        lrs_sim_t *s = NULL;
        CHECK_OK(lrs_sim_alloc(&s, &p, &err), &err);
        CHECK_OK(lrs_sim_run(s, q.in, &ob, 1, &err), &err);
        CHECK_OK(lrs_sim_final_state(s, z1, &err), &err);
        CHECK_OK(lrs_cov_get(cov, C1, &err), &err);
        CHECK(memcmp(z1->data, zb[k]->data, N * sizeof(double)) == 0,
              "%s: trajectory %zu of the batch differs from its single run",
              lrs_sim_method_name(method), k);
        CHECK(memcmp(C1->data, Cb[k]->data, N * N * sizeof(double)) == 0,
              "%s: covariance of trajectory %zu differs from its single run",
              lrs_sim_method_name(method), k);
        lrs_sim_free(s);
        lrs_cov_free(cov);
        noisy_input_free(&q);
    }
    for (size_t k = 0; k < K; k++) {
        gsl_matrix_free(L[k]);
        gsl_matrix_free(R[k]);
        gsl_matrix_free(Cb[k]);
        gsl_vector_free(z0[k]);
        gsl_vector_free(zb[k]);
    }
    gsl_matrix_free(C1);
    gsl_vector_free(z1);
    gsl_matrix_free(W);
}

static void test_batch_identical_euler(void) { check_batch_identical(lrs_sim_euler); }
static void test_batch_identical_rk4(void) { check_batch_identical(lrs_sim_rk4); }

/* ||z(T)|| of an input-free linear run in float32. */
static double linear_norm(const gsl_matrix *W, const gsl_vector *z0, const lrs_sim_method_t *m,
                          double T)
{
    lrs_err_t err;
    lrs_sim_params_t p = sim_params_on(W);
    p.method = m;
    p.precision = LRS_SIM_FLOAT32;
    p.T = T + p.dt; /* T/dt + 1 steps: the final state is z at t = T */
    p.z0 = z0;
    p.max_norm = 1e30;
    p.serial = 1;
    lrs_input_t *in = NULL;
    lrs_input_alloc(&in, W->size1, &err);
    lrs_sim_t *s = NULL;
    gsl_vector *z = gsl_vector_alloc(W->size1);
    CHECK_OK(lrs_sim_alloc(&s, &p, &err), &err);
    CHECK_OK(lrs_sim_run(s, in, NULL, 0, &err), &err);
    CHECK_OK(lrs_sim_final_state(s, z, &err), &err);
    double n = gsl_blas_dnrm2(z);
    gsl_vector_free(z);
    lrs_sim_free(s);
    lrs_input_free(in);
    return n;
}

/* W = 19.4 [[0, -1], [1, 0]]: W - I has eigenvalues lambda = -1 +/- 19.4i
 * (Figure 3's EP case at its origin).  Euler at dt = 0.01 multiplies ||z|| by
 * |1 + dt lambda| = 1.0088 per step (grows e^17 over T = 20); RK4 by
 * |P(dt lambda)|, P the degree-4 Taylor polynomial of exp, and decays like
 * the ODE: e^-T to 1e-3 (the RK4 error at |dt lambda| = 0.19). */
static void test_rk4_stable_where_euler_is_not(void)
{
    gsl_matrix *W = gsl_matrix_calloc(2, 2);
    gsl_matrix_set(W, 0, 1, -19.4);
    gsl_matrix_set(W, 1, 0, 19.4);
    gsl_vector *z0 = gsl_vector_alloc(2);
    gsl_vector_set(z0, 0, 1.0);
    gsl_vector_set(z0, 1, 0.0);
    const double T = 20.0, dt = 0.01, w = (double)(float)(dt * 19.4) / dt;
    double ne = linear_norm(W, z0, lrs_sim_euler, T);
    CHECK_REL(ne, pow(hypot(1 - dt, dt * w), T / dt), 1e-4);
    CHECK(ne > 1e6, "Euler ||z(20)|| = %.3g; expected growth", ne);
    double complex q = dt * (-1.0 + I * w);
    double P = cabs(1 + q + q * q / 2 + q * q * q / 6 + q * q * q * q / 24);
    double nr = linear_norm(W, z0, lrs_sim_rk4, T);
    CHECK_REL(nr, pow(P, T / dt), 1e-4);
    CHECK_REL(nr, exp(-T), 1e-3);
    gsl_matrix_free(W);
    gsl_vector_free(z0);
}

static void test_float_bad_arguments(void)
{
    lrs_err_t err;
    lrs_sim_t *s = NULL;
    gsl_matrix *W = gsl_matrix_calloc(4, 4);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 1;
    p.precision = LRS_SIM_FLOAT32;
    p.method = lrs_sim_exact;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &err), LRS_EINVAL, &err,
              "lrs_sim_alloc: float32 precision needs the euler or rk4 method in recurrent mode");
    p.method = lrs_sim_euler;
    p.mode = LRS_SIM_FEEDFORWARD;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &err), LRS_EINVAL, &err,
              "float32 precision needs the euler or rk4 method in recurrent mode");
    p.mode = LRS_SIM_RECURRENT;
    p.precision = (lrs_sim_precision_t)7;
    CHECK_ERR(lrs_sim_alloc(&s, &p, &err), LRS_EINVAL, &err, "lrs_sim_alloc: unknown precision 7");
    gsl_matrix_free(W);
}

int main(void)
{
    RUN(test_float_matches_double);
    RUN(test_batch_identical_euler);
    RUN(test_batch_identical_rk4);
    RUN(test_rk4_stable_where_euler_is_not);
    RUN(test_float_bad_arguments);
    return harness_summary();
}
