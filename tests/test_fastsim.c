/* Tests of lrs/fastsim.h: float32 Euler against the double simulator of
 * lrs/sim.h, batches bit-identical to single runs, RK4 against the matrix
 * exponential and its order-4 convergence, RK4 stable where Euler is not
 * (eigenvalues -1 +/- 19.4i of W - I, as in Figure 3's EP case), and the
 * error paths. */
#include "harness.h"
#include "lrs/exact.h"
#include "lrs/fastsim.h"
#include "lrs/pca.h"
#include "lrs/sim.h"

#include <complex.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

static gsl_matrix *random_matrix(size_t n, size_t m, double scale, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *A = gsl_matrix_alloc(n, m);
    for (size_t i = 0; i < n * m; i++)
        A->data[i] = scale * gsl_ran_gaussian(r, 1.0);
    gsl_rng_free(r);
    return A;
}

/* Input: smooth noise (tau_x 2, sigma 1) from its own seed. */
typedef struct noisy_input {
    gsl_rng *rng;
    lrs_noise_t *noise;
    lrs_input_t *in;
} noisy_input_t;

static void noisy_input_init(noisy_input_t *q, size_t N, double dt, unsigned long seed)
{
    lrs_err_t err;
    q->rng = new_rng(seed);
    lrs_noise_alloc(&q->noise, N, 2.0, 1.0, dt, q->rng, &err);
    lrs_input_alloc(&q->in, N, &err);
    lrs_input_add_noise(q->in, q->noise, 1.0, NULL, &err);
}

static void noisy_input_free(noisy_input_t *q)
{
    lrs_input_free(q->in);
    lrs_noise_free(q->noise);
    gsl_rng_free(q->rng);
}

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

/* Euler, tanh, W = D + L R^T with a rank-2 part: the float path follows the
 * double simulator.  Both are contracting here (spectral radius of D 0.5,
 * low-rank part stabilising), so per-step rounding (~ N eps_float relative)
 * does not accumulate: the states agree to 100 N eps_float. */
static void test_euler_matches_double_sim(void)
{
    const size_t N = 60;
    lrs_err_t err;
    gsl_matrix *D = random_matrix(N, N, 0.5 / sqrt((double)N), 1);
    gsl_matrix *L = random_matrix(N, 2, -3.0 / sqrt((double)N), 2);
    gsl_matrix *R = random_matrix(N, 2, 1.0 / sqrt((double)N), 3);
    gsl_matrix *W = gsl_matrix_alloc(N, N);
    gsl_matrix_memcpy(W, D);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, L, R, 1.0, W);
    gsl_vector *z0 = gsl_vector_alloc(N), *zs = gsl_vector_alloc(N), *zf = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, 0.1 * sin((double)i));

    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = W;
    p.f = LRS_F_TANH;
    p.T = 50;
    p.z0 = z0;
    p.serial = 1;
    lrs_sim_t *sim = NULL;
    noisy_input_t q;
    noisy_input_init(&q, N, p.dt, 7);
    CHECK_OK(lrs_sim_alloc(&sim, &p, &err), &err);
    CHECK_OK(lrs_sim_run(sim, q.in, NULL, 0, &err), &err);
    CHECK_OK(lrs_sim_final_state(sim, zs, &err), &err);
    noisy_input_free(&q);

    lrs_fastsim_params_t fp = lrs_fastsim_params_default();
    const gsl_matrix *Ls[1] = {L}, *Rs[1] = {R};
    const gsl_vector *z0s[1] = {z0};
    fp.D = D;
    fp.L = Ls;
    fp.R = Rs;
    fp.f = LRS_F_TANH;
    fp.T = 50;
    fp.z0 = z0s;
    lrs_fastsim_t *fs = NULL;
    noisy_input_init(&q, N, fp.dt, 7);
    CHECK_OK(lrs_fastsim_alloc(&fs, &fp, &err), &err);
    CHECK_OK(lrs_fastsim_run(fs, &q.in, NULL, NULL, &err), &err);
    CHECK_OK(lrs_fastsim_final_state(fs, 0, zf, &err), &err);
    noisy_input_free(&q);
    CHECK(lrs_fastsim_steps(fs) == lrs_sim_steps(sim), "steps %zu vs %zu", lrs_fastsim_steps(fs),
          lrs_sim_steps(sim));
    double tol = 100 * (double)N * FLT_EPSILON;
    CHECK(rel_diff(zf, zs) <= tol, "float Euler vs double: relative difference %.3g > %.3g",
          rel_diff(zf, zs), tol);

    lrs_fastsim_free(fs);
    lrs_sim_free(sim);
    gsl_matrix_free(D);
    gsl_matrix_free(L);
    gsl_matrix_free(R);
    gsl_matrix_free(W);
    gsl_vector_free(z0);
    gsl_vector_free(zs);
    gsl_vector_free(zf);
}

/* Three networks with different low-rank parts and inputs in one batch give
 * the bits of three single runs: final states and the covariances observed. */
static void check_batch_identical(lrs_fastsim_method_t method)
{
    const size_t N = 37, K = 3;
    lrs_err_t err;
    gsl_matrix *D = random_matrix(N, N, 0.5 / sqrt((double)N), 11);
    gsl_matrix *L[3], *R[3];
    gsl_vector *z0[3];
    for (size_t k = 0; k < K; k++) {
        L[k] = random_matrix(N, k + 1, -2.0 / sqrt((double)N), 20 + k);
        R[k] = random_matrix(N, k + 1, 1.0 / sqrt((double)N), 30 + k);
        z0[k] = gsl_vector_alloc(N);
        for (size_t i = 0; i < N; i++)
            gsl_vector_set(z0[k], i, 0.1 * cos((double)(i + 7 * k)));
    }
    lrs_fastsim_params_t p = lrs_fastsim_params_default();
    p.D = D;
    p.f = LRS_F_TANH;
    p.method = method;
    p.T = 3.0; /* 300 steps: several blocks and a partial last one */

    gsl_matrix *Cb[3], *C1 = gsl_matrix_alloc(N, N);
    gsl_vector *zb[3], *z1 = gsl_vector_alloc(N);
    {   /* the batch */
        noisy_input_t q[3];
        lrs_input_t *in[3];
        lrs_cov_t *cov[3];
        lrs_observer_t ob[3][1];
        const lrs_observer_t *obs[3];
        size_t nobs[3] = {1, 1, 1};
        for (size_t k = 0; k < K; k++) {
            noisy_input_init(&q[k], N, p.dt, 40 + k);
            in[k] = q[k].in;
            lrs_cov_alloc(&cov[k], N, &err);
            ob[k][0] = lrs_cov_observer(cov[k], LRS_FIELD_Z, 0.5);
            obs[k] = ob[k];
        }
        p.K = K;
        p.L = (const gsl_matrix *const *)L;
        p.R = (const gsl_matrix *const *)R;
        p.z0 = (const gsl_vector *const *)z0;
        lrs_fastsim_t *s = NULL;
        CHECK_OK(lrs_fastsim_alloc(&s, &p, &err), &err);
        CHECK_OK(lrs_fastsim_run(s, in, obs, nobs, &err), &err);
        for (size_t k = 0; k < K; k++) {
            zb[k] = gsl_vector_alloc(N);
            Cb[k] = gsl_matrix_alloc(N, N);
            CHECK_OK(lrs_fastsim_final_state(s, k, zb[k], &err), &err);
            CHECK_OK(lrs_cov_get(cov[k], Cb[k], &err), &err);
            lrs_cov_free(cov[k]);
            noisy_input_free(&q[k]);
        }
        lrs_fastsim_free(s);
    }
    for (size_t k = 0; k < K; k++) { /* each alone */
        noisy_input_t q;
        noisy_input_init(&q, N, p.dt, 40 + k);
        lrs_cov_t *cov = NULL;
        lrs_cov_alloc(&cov, N, &err);
        lrs_observer_t ob = lrs_cov_observer(cov, LRS_FIELD_Z, 0.5);
        const lrs_observer_t *obs[1] = {&ob};
        size_t nobs[1] = {1};
        p.K = 1;
        p.L = (const gsl_matrix *const *)&L[k];
        p.R = (const gsl_matrix *const *)&R[k];
        p.z0 = (const gsl_vector *const *)&z0[k];
        lrs_fastsim_t *s = NULL;
        CHECK_OK(lrs_fastsim_alloc(&s, &p, &err), &err);
        CHECK_OK(lrs_fastsim_run(s, &q.in, obs, nobs, &err), &err);
        CHECK_OK(lrs_fastsim_final_state(s, 0, z1, &err), &err);
        CHECK_OK(lrs_cov_get(cov, C1, &err), &err);
        CHECK(memcmp(z1->data, zb[k]->data, N * sizeof(double)) == 0,
              "method %d: trajectory %zu of the batch differs from its single run", (int)method, k);
        CHECK(memcmp(C1->data, Cb[k]->data, N * N * sizeof(double)) == 0,
              "method %d: covariance of trajectory %zu differs from its single run", (int)method, k);
        lrs_fastsim_free(s);
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
    gsl_matrix_free(D);
}

static void test_batch_identical_euler(void) { check_batch_identical(LRS_FASTSIM_EULER); }
static void test_batch_identical_rk4(void) { check_batch_identical(LRS_FASTSIM_RK4); }

/* Final state of a linear, input-free run (identity f, zero input). */
static void run_linear(const gsl_matrix *D, const gsl_vector *z0, lrs_fastsim_method_t method,
                       double dt, double T, gsl_vector *zT, lrs_err_t *err)
{
    size_t N = D->size1;
    lrs_fastsim_params_t p = lrs_fastsim_params_default();
    const gsl_vector *z0s[1] = {z0};
    p.D = D;
    p.method = method;
    p.dt = dt;
    p.T = T + dt; /* nt = T/dt + 1 steps: the final state is z at t = T */
    p.z0 = z0s;
    p.max_norm = 1e30;
    lrs_input_t *in = NULL;
    lrs_input_alloc(&in, N, err);
    lrs_fastsim_t *s = NULL;
    CHECK_OK(lrs_fastsim_alloc(&s, &p, err), err);
    CHECK_OK(lrs_fastsim_run(s, &in, NULL, NULL, err), err);
    CHECK_OK(lrs_fastsim_final_state(s, 0, zT, err), err);
    lrs_fastsim_free(s);
    lrs_input_free(in);
}

/* Linear network, no input: z(T) = expm((W - I) T) z0.  RK4 at dt = 0.01
 * agrees to float precision; its error is order 4: halving dt divides it by
 * 16 (checked where the truncation error is far above float rounding). */
static void test_rk4_linear_exact_and_order(void)
{
    const size_t N = 20;
    lrs_err_t err;
    gsl_matrix *D = random_matrix(N, N, 0.8 / sqrt((double)N), 5);
    gsl_matrix *A = gsl_matrix_alloc(N, N), *E = gsl_matrix_alloc(N, N);
    gsl_vector *z0 = gsl_vector_alloc(N), *ze = gsl_vector_alloc(N), *z = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, 1.0 + 0.1 * (double)i);
    /* the float copy of D is what the simulator integrates */
    for (size_t i = 0; i < N * N; i++)
        D->data[i] = (float)D->data[i];
    const double T = 2.0;
    gsl_matrix_memcpy(A, D);
    for (size_t i = 0; i < N; i++)
        gsl_matrix_set(A, i, i, gsl_matrix_get(A, i, i) - 1.0);
    gsl_matrix_scale(A, T);
    CHECK_OK(lrs_exact_expm(A, E, &err), &err);
    gsl_blas_dgemv(CblasNoTrans, 1.0, E, z0, 0.0, ze);
    run_linear(D, z0, LRS_FASTSIM_RK4, 0.01, T, z, &err);
    double tol = 100 * (double)N * FLT_EPSILON;
    CHECK(rel_diff(z, ze) <= tol, "RK4 dt 0.01 vs expm: %.3g > %.3g", rel_diff(z, ze), tol);

    /* order: 1 unit, dz/dt = -2 z.  One RK4 step multiplies z by
     * P(-2 dt), P(q) = 1 + q + q^2/2 + q^3/6 + q^4/24; the error
     * |P(-2 dt)^(1/dt) - e^-2| is ~ C dt^4: ratio 17.4 for dt = 0.1 vs 0.05
     * (16 in the limit). */
    gsl_matrix *D1 = gsl_matrix_alloc(1, 1);
    gsl_vector *y0 = gsl_vector_alloc(1), *y = gsl_vector_alloc(1);
    gsl_matrix_set(D1, 0, 0, -1.0);
    gsl_vector_set(y0, 0, 1.0);
    double e[2];
    for (int h = 0; h < 2; h++) {
        double dt = 0.1 / (1 + h), q = -2 * dt;
        double P = 1 + q + q * q / 2 + q * q * q / 6 + q * q * q * q / 24;
        run_linear(D1, y0, LRS_FASTSIM_RK4, dt, 1.0, y, &err);
        CHECK_REL(gsl_vector_get(y, 0), pow(P, round(1 / dt)), 1e-6);
        e[h] = fabs(gsl_vector_get(y, 0) - exp(-2.0));
    }
    CHECK(e[0] / e[1] > 14 && e[0] / e[1] < 20,
          "RK4 error ratio for dt 0.1 vs 0.05: %.3g (errors %.3g, %.3g); want 17.4 (14..20)",
          e[0] / e[1], e[0], e[1]);
    gsl_matrix_free(D1);
    gsl_vector_free(y0);
    gsl_vector_free(y);
    gsl_matrix_free(D);
    gsl_matrix_free(A);
    gsl_matrix_free(E);
    gsl_vector_free(z0);
    gsl_vector_free(ze);
    gsl_vector_free(z);
}

/* W = 19.4 [[0, -1], [1, 0]]: W - I has eigenvalues -1 +/- 19.4i (Figure 3's
 * EP case at its origin).  Euler at dt = 0.01 multiplies ||z|| by
 * |1 + dt (-1 + 19.4i)| = 1.0088 per step (grows e^17 over T = 20); RK4
 * multiplies it by |P(dt lambda)|, P the RK4 polynomial of degree 4, and
 * decays like the ODE: ||z(T)|| = e^-T ||z0|| to 5e-4 relative (the RK4
 * error at |dt lambda| = 0.19), exactly |P|^(T/dt) to float rounding. */
static void test_rk4_stable_where_euler_is_not(void)
{
    lrs_err_t err;
    gsl_matrix *D = gsl_matrix_calloc(2, 2);
    gsl_matrix_set(D, 0, 1, -19.4);
    gsl_matrix_set(D, 1, 0, 19.4);
    gsl_vector *z0 = gsl_vector_alloc(2), *z = gsl_vector_alloc(2);
    gsl_vector_set(z0, 0, 1.0);
    gsl_vector_set(z0, 1, 0.0);
    const double T = 20.0;
    run_linear(D, z0, LRS_FASTSIM_EULER, 0.01, T, z, &err);
    double amp = hypot(1 - 0.01, 0.01 * (double)(float)19.4);
    CHECK_REL(gsl_blas_dnrm2(z), pow(amp, T / 0.01), 1e-4);
    CHECK(gsl_blas_dnrm2(z) > 1e6, "Euler ||z(20)|| = %.3g; expected growth", gsl_blas_dnrm2(z));
    run_linear(D, z0, LRS_FASTSIM_RK4, 0.01, T, z, &err);
    double complex q = 0.01 * (-1.0 + I * (double)(float)19.4);
    double P = cabs(1 + q + q * q / 2 + q * q * q / 6 + q * q * q * q / 24);
    CHECK_REL(gsl_blas_dnrm2(z), pow(P, T / 0.01), 1e-5);
    CHECK_REL(gsl_blas_dnrm2(z), exp(-T), 1e-3);
    gsl_matrix_free(D);
    gsl_vector_free(z0);
    gsl_vector_free(z);
}

static void test_bad_arguments(void)
{
    lrs_err_t err;
    lrs_fastsim_t *s = NULL;
    gsl_matrix *D = gsl_matrix_calloc(4, 3), *D4 = gsl_matrix_calloc(4, 4);
    gsl_matrix *L = gsl_matrix_calloc(4, 2), *R = gsl_matrix_calloc(4, 1);
    lrs_fastsim_params_t p = lrs_fastsim_params_default();
    p.D = D;
    p.T = 1;
    CHECK_ERR(lrs_fastsim_alloc(&s, &p, &err), LRS_EINVAL, &err,
              "lrs_fastsim_alloc: D is 4x3; expected square");
    p.D = D4;
    const gsl_matrix *Ls[1] = {L}, *Rs[1] = {R}, *none[1] = {NULL};
    p.L = Ls;
    p.R = Rs;
    CHECK_ERR(lrs_fastsim_alloc(&s, &p, &err), LRS_EINVAL, &err,
              "trajectory 0: L is 4x2 and R is 4x1; expected both N x r");
    p.R = none;
    CHECK_ERR(lrs_fastsim_alloc(&s, &p, &err), LRS_EINVAL, &err, "trajectory 0 has L but no R");
    p.L = p.R = NULL;
    p.K = 0;
    CHECK_ERR(lrs_fastsim_alloc(&s, &p, &err), LRS_EINVAL, &err, "K = 0 trajectories");
    p.K = 1;
    p.T = 0.001;
    CHECK_ERR(lrs_fastsim_alloc(&s, &p, &err), LRS_EINVAL, &err, "gives no time steps");
    p.T = 1;
    gsl_matrix_set(D4, 1, 2, NAN);
    CHECK_ERR(lrs_fastsim_alloc(&s, &p, &err), LRS_ENONFINITE, &err, "D(1,2) = nan is not finite");
    gsl_matrix_set(D4, 1, 2, 0.0);
    CHECK_OK(lrs_fastsim_alloc(&s, &p, &err), &err);
    lrs_input_t *in = NULL;
    lrs_input_alloc(&in, 4, &err);
    lrs_cov_t *cov = NULL;
    lrs_cov_alloc(&cov, 4, &err);
    lrs_observer_t ob = lrs_cov_observer(cov, LRS_FIELD_Z, 0);
    ob.needs_recurrent = 1;
    const lrs_observer_t *obs[1] = {&ob};
    size_t nobs[1] = {1};
    CHECK_ERR(lrs_fastsim_run(s, &in, obs, nobs, &err), LRS_EINVAL, &err,
              "observer 0 of trajectory 0 needs the recurrent input");
    gsl_vector *z = gsl_vector_alloc(4);
    CHECK_ERR(lrs_fastsim_final_state(s, 0, z, &err), LRS_EINVAL, &err, "no completed run yet");
    CHECK_ERR(lrs_fastsim_final_state(s, 1, z, &err), LRS_EINVAL, &err,
              "trajectory 1; the batch has K = 1");
    gsl_vector_free(z);
    lrs_cov_free(cov);
    lrs_input_free(in);
    lrs_fastsim_free(s);
    gsl_matrix_free(D);
    gsl_matrix_free(D4);
    gsl_matrix_free(L);
    gsl_matrix_free(R);
}

int main(void)
{
    RUN(test_euler_matches_double_sim);
    RUN(test_batch_identical_euler);
    RUN(test_batch_identical_rk4);
    RUN(test_rk4_linear_exact_and_order);
    RUN(test_rk4_stable_where_euler_is_not);
    RUN(test_bad_arguments);
    return harness_summary();
}
