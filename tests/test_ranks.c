/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/ranks.h: analytic cases, hand-computed values, the
 * Marchenko-Pastur median against an independent quadrature, recovery of the
 * rank of a low-rank-plus-noise matrix, error paths. */
#include "harness.h"
#include "lrs/connectivity.h"
#include "lrs/ranks.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

static const double eps = DBL_EPSILON;

static gsl_vector *vec(size_t k, const double *x)
{
    gsl_vector *v = gsl_vector_alloc(k);
    for (size_t i = 0; i < k; i++)
        gsl_vector_set(v, i, x[i]);
    return v;
}

static void test_identity(void)
{
    lrs_err_t e;
    size_t n = 10;
    gsl_vector *s = gsl_vector_alloc(n);
    gsl_vector_set_all(s, 1.0);
    lrs_ranks_t r;
    CHECK_OK(lrs_ranks_compute(s, n, n, NULL, &r, &e), &e);
    CHECK_REL(r.erank, (double)n, 10 * n * eps);
    CHECK_REL(r.stable, (double)n, 10 * n * eps);
    CHECK_REL(r.nuclear, (double)n, 10 * n * eps);
    CHECK(r.numerical == n, "numerical %zu", r.numerical);
    CHECK(r.energy == n, "energy %zu: 9 of 10 equal values hold exactly 0.9, not > 0.9", r.energy);
    CHECK(r.elbow == n, "flat scree has no elbow: %zu, want n", r.elbow);
    /* A flat spectrum looks like pure noise to Gavish-Donoho: the threshold
     * omega(1) * median = 2.858 exceeds every value. */
    CHECK(r.optimal_threshold == 0, "optimal threshold %zu, want 0", r.optimal_threshold);
    CHECK(r.optimal_shrinkage == 0, "optimal shrinkage %zu, want 0", r.optimal_shrinkage);
    gsl_vector_free(s);
}

/* Values by hand. sigma = (3, 2, 1), 3x3 (and given unsorted):
 *   p = (1/2, 1/3, 1/6), erank = exp(-(p ln p summed));
 *   stable = 14/9; nuclear = 6/3 = 2; energy: 9/14 = 0.64, 13/14 = 0.93 -> 2;
 *   elbow: y = (1, 1/2, 0) lies on the chord -> no elbow -> 3;
 *   median 2, tau = omega(1) * 2 = 5.7 -> 0.
 * sigma = (4, 1, 0): p = (0.8, 0.2, 0); stable = 17/16; nuclear = 5/4;
 *   energy: 16/17 = 0.94 -> 1; numerical 2; elbow: y = (1, 1/4, 0),
 *   d = (0, 0.25/sqrt2, 0) -> i* = 2 -> elbow 1. */
static void test_hand_values(void)
{
    lrs_err_t e;
    lrs_ranks_t r;
    double a[3] = { 2, 3, 1 };
    gsl_vector *s = vec(3, a);
    CHECK_OK(lrs_ranks_compute(s, 3, 3, NULL, &r, &e), &e);
    double h = -(0.5 * log(0.5) + log(1.0 / 3) / 3 + log(1.0 / 6) / 6);
    CHECK_REL(r.erank, exp(h), 8 * eps);
    CHECK_REL(r.stable, 14.0 / 9, 4 * eps);
    CHECK_REL(r.nuclear, 2.0, 4 * eps);
    CHECK(r.energy == 2, "energy %zu, want 2", r.energy);
    CHECK(r.elbow == 3, "elbow %zu, want 3 (linear scree)", r.elbow);
    CHECK(r.numerical == 3, "numerical %zu", r.numerical);
    CHECK(r.optimal_threshold == 0, "optimal threshold %zu", r.optimal_threshold);
    CHECK_REL(r.sigma_med, 2.0, 0);
    CHECK(gsl_vector_get(s, 0) == 2, "the input was modified");

    double b[3] = { 4, 1, 0 };
    gsl_vector *t = vec(3, b);
    CHECK_OK(lrs_ranks_compute(t, 3, 3, NULL, &r, &e), &e);
    CHECK_REL(r.erank, exp(-(0.8 * log(0.8) + 0.2 * log(0.2))), 8 * eps);
    CHECK_REL(r.stable, 17.0 / 16, 4 * eps);
    CHECK_REL(r.nuclear, 5.0 / 4, 4 * eps);
    CHECK(r.energy == 1, "energy %zu, want 1", r.energy);
    CHECK(r.numerical == 2, "numerical %zu, want 2", r.numerical);
    CHECK(r.elbow == 1, "elbow %zu, want 1", r.elbow);
    /* energy fraction option: 0.95 > 16/17 needs 2 */
    lrs_ranks_opts_t o = lrs_ranks_opts_default();
    o.energy_fraction = 0.95;
    CHECK_OK(lrs_ranks_compute(t, 3, 3, &o, &r, &e), &e);
    CHECK(r.energy == 2, "energy(0.95) %zu, want 2", r.energy);
    gsl_vector_free(s);
    gsl_vector_free(t);
}

static void test_all_zero(void)
{
    lrs_err_t e;
    lrs_ranks_t r;
    gsl_vector *s = gsl_vector_calloc(4);
    CHECK_OK(lrs_ranks_compute(s, 4, 6, NULL, &r, &e), &e);
    CHECK(r.numerical == 0 && r.optimal_threshold == 0 && r.optimal_shrinkage == 0 &&
              r.elbow == 0 && r.energy == 0 && r.erank == 0 && r.stable == 0 && r.nuclear == 0,
          "zero matrix: every rank must be 0");
    gsl_vector_free(s);
}

/* Independent reference for the MP median: adaptive quadrature of the density
 * with the algebraic endpoint singularity handled by QAWS, then bisection. */
struct mp_par { double beta, b; };
static double mp_f(double x, void *p)
{
    struct mp_par *q = p;
    return sqrt(q->b - x) / (2 * M_PI * q->beta * x);
}
static double mp_median_ref(double beta)
{
    double a = (1 - sqrt(beta)) * (1 - sqrt(beta)), b = (1 + sqrt(beta)) * (1 + sqrt(beta));
    struct mp_par par = { beta, b };
    gsl_function F = { mp_f, &par };
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_integration_qaws_table *tab = gsl_integration_qaws_table_alloc(0.5, 0.0, 0, 0);
    double lo = a, hi = b;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi), val, abserr;
        gsl_integration_qaws(&F, a, mid, tab, 1e-14, 1e-12, 1000, w, &val, &abserr);
        if (val < 0.5)
            lo = mid;
        else
            hi = mid;
    }
    gsl_integration_qaws_table_free(tab);
    gsl_integration_workspace_free(w);
    return 0.5 * (lo + hi);
}

static void test_mp_median_and_omega(void)
{
    /* beta = 1: F(theta) = (theta + sin theta)/pi, median t = 2 - 2 cos theta* */
    double th = 1.0;
    for (int it = 0; it < 50; it++)
        th -= (th + sin(th) - M_PI / 2) / (1 + cos(th));
    CHECK_REL(lrs_ranks_mp_median(1.0), 2 - 2 * cos(th), 1e-13);
    double betas[5] = { 0.01, 0.1, 0.25, 0.5, 0.9 };
    for (int i = 0; i < 5; i++)
        CHECK_REL(lrs_ranks_mp_median(betas[i]), mp_median_ref(betas[i]), 1e-9);
    /* GD 2014: lambda*(1) = 4/sqrt(3); omega(1) = 2.858 (their Table / eq. 5) */
    CHECK_REL(lrs_ranks_lambda_star(1.0), 4 / sqrt(3.0), 4 * eps);
    CHECK_ABS(lrs_ranks_omega(1.0, LRS_OMEGA_EXACT), 2.858, 5e-4);
    /* the cubic approximation is within 0.02 of the exact omega on (0, 1] */
    double md = 0;
    for (int i = 1; i <= 100; i++) {
        double b = i / 100.0;
        md = fmax(md, fabs(lrs_ranks_omega(b, LRS_OMEGA_CUBIC) - lrs_ranks_omega(b, LRS_OMEGA_EXACT)));
    }
    CHECK(md < 0.02, "cubic omega vs exact: max dev %.3g >= 0.02", md);
    CHECK(isnan(lrs_ranks_mp_median(0.0)) && isnan(lrs_ranks_omega(1.5, LRS_OMEGA_EXACT)),
          "beta outside (0, 1] must give NaN");
}

/* A = U diag(sv) V^T + noise G (m x n, rank-k signal): U, V random
 * orthonormal m x k and n x k, then G iid N(0, 1) row by row, all from one
 * MT19937 stream seeded with seed. */
static gsl_matrix *lowrank_plus_noise(size_t m, size_t n, const double *sv, size_t k,
                                      double noise, unsigned long seed)
{
    lrs_err_t e;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    gsl_matrix *U = gsl_matrix_alloc(m, k), *V = gsl_matrix_alloc(n, k), *A = gsl_matrix_calloc(m, n);
    gsl_vector_const_view s = gsl_vector_const_view_array(sv, k);
    CHECK_OK(lrs_conn_orthonormal(rng, U, &e), &e);
    CHECK_OK(lrs_conn_orthonormal(rng, V, &e), &e);
    CHECK_OK(lrs_conn_add_lowrank(A, U, &s.vector, V, &e), &e);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(A, i, j, gsl_matrix_get(A, i, j) + noise * gsl_ran_gaussian(rng, 1));
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_rng_free(rng);
    return A;
}

/* Exact rank-5 100x80 matrix (singular values 1 .. 0.2) plus noise 1e-18:
 * numerical rank 5 (noise singular values ~2e-17 << tol = 100 eps). */
static void test_numerical_rank_lowrank(void)
{
    lrs_err_t e;
    size_t m = 100, n = 80, k = 5;
    double sv[5];
    for (size_t i = 0; i < k; i++)
        sv[i] = 1.0 - 0.2 * (double)i;
    gsl_matrix *A = lowrank_plus_noise(m, n, sv, k, 1e-18, 3);
    lrs_ranks_t r;
    CHECK_OK(lrs_ranks_of_matrix(A, NULL, &r, &e), &e);
    CHECK(r.numerical == k, "numerical rank %zu, want %zu", r.numerical, k);
    CHECK(r.elbow == k, "elbow %zu, want %zu", r.elbow, k);
    gsl_matrix_free(A);
}

/* Rank-4 signal (singular values 150, 120, 90, 70) in 200x400 Gaussian noise
 * of level 1: the noise bulk ends near sqrt(400)(1 + sqrt(1/2)) = 34 and the
 * threshold omega(1/2) * median is ~ 40, so both Gavish-Donoho rules must
 * recover 4, and sigma_hat must be within 3% of 1 (the median of 200
 * noise-dominated values fluctuates by well under 1%). */
static void test_optimal_threshold_recovers_rank(void)
{
    lrs_err_t e;
    size_t m = 200, n = 400, k = 4;
    const double sv[4] = {150, 120, 90, 70};
    gsl_matrix *A = lowrank_plus_noise(m, n, sv, k, 1.0, 4);
    lrs_ranks_t r;
    CHECK_OK(lrs_ranks_of_matrix(A, NULL, &r, &e), &e);
    CHECK(r.optimal_threshold == k, "optimal threshold rank %zu, want %zu (tau %.4g)",
          r.optimal_threshold, k, r.tau);
    CHECK(r.optimal_shrinkage == k, "optimal shrinkage rank %zu, want %zu (cut %.4g)",
          r.optimal_shrinkage, k, r.shrink_cut);
    CHECK(r.numerical == m, "numerical rank %zu, want %zu (full)", r.numerical, m);
    CHECK_REL(r.noise_sigma, 1.0, 0.03);
    CHECK_REL(r.beta, 0.5, 0);
    lrs_ranks_opts_t o = lrs_ranks_opts_default();
    o.omega = LRS_OMEGA_CUBIC;
    CHECK_OK(lrs_ranks_of_matrix(A, &o, &r, &e), &e);
    CHECK(r.optimal_threshold == k, "cubic omega: rank %zu, want %zu", r.optimal_threshold, k);
    gsl_matrix_free(A);
}

/* Shrinker with known noise, 1x1... use 4x4 (beta = 1), noise 0.5, sqrt(n) = 2:
 * scale = 1; y = 3 -> sqrt((9 - 2)^2 - 4)/3 = sqrt(45)/3; y = 2 (the edge) -> 0;
 * y = 1 -> 0. */
static void test_shrink_values(void)
{
    lrs_err_t e;
    double a[4] = { 3, 2, 1, 0.5 };
    gsl_vector *s = vec(4, a), *o = gsl_vector_alloc(4);
    CHECK_OK(lrs_ranks_shrink_frobenius(s, 4, 4, 0.5, o, &e), &e);
    CHECK_REL(gsl_vector_get(o, 0), sqrt(45.0) / 3, 4 * eps);
    CHECK(gsl_vector_get(o, 1) == 0 && gsl_vector_get(o, 2) == 0 && gsl_vector_get(o, 3) == 0,
          "values at or below the bulk edge must shrink to 0");
    CHECK_OK(lrs_ranks_shrink_frobenius(s, 4, 4, 0.5, s, &e), &e); /* in place */
    CHECK_REL(gsl_vector_get(s, 0), sqrt(45.0) / 3, 4 * eps);
    gsl_vector_free(s);
    gsl_vector_free(o);
}

static void test_errors(void)
{
    lrs_err_t e;
    lrs_ranks_t r;
    double a[3] = { 3, -1, 1 };
    gsl_vector *s = vec(3, a);
    CHECK_ERR(lrs_ranks_compute(s, 3, 3, NULL, &r, &e), LRS_EINVAL, &e, "sigma[1] = -1 is negative");
    CHECK_ERR(lrs_ranks_compute(s, 4, 5, NULL, &r, &e), LRS_EINVAL, &e,
              "sigma has 3 values; expected min(m, n) = 4 for a 4x5 matrix");
    gsl_vector_set(s, 1, NAN);
    CHECK_ERR(lrs_ranks_compute(s, 3, 3, NULL, &r, &e), LRS_ENONFINITE, &e, "not finite");
    CHECK_ERR(lrs_ranks_compute(NULL, 3, 3, NULL, &r, &e), LRS_EINVAL, &e, "sigma is NULL");
    gsl_vector_set(s, 1, 1);
    lrs_ranks_opts_t o = lrs_ranks_opts_default();
    o.energy_fraction = 1.0;
    CHECK_ERR(lrs_ranks_compute(s, 3, 3, &o, &r, &e), LRS_EINVAL, &e, "energy_fraction = 1");
    gsl_vector_free(s);
}

/* Regression: load_sigma freed its buffer and then formatted the bad value
 * from it (use after free): the message showed garbage instead of -1. */
static void test_regression_sigma_message_after_free(void)
{
    lrs_err_t e;
    lrs_ranks_t r;
    double a[2] = { 1, -2.5 };
    gsl_vector *s = vec(2, a), *o = gsl_vector_alloc(2);
    CHECK_ERR(lrs_ranks_compute(s, 2, 2, NULL, &r, &e), LRS_EINVAL, &e, "sigma[1] = -2.5 is negative");
    CHECK_ERR(lrs_ranks_shrink_frobenius(s, 2, 2, 1.0, o, &e), LRS_EINVAL, &e,
              "sigma[1] = -2.5 is negative");
    gsl_vector_set(s, 0, INFINITY);
    CHECK_ERR(lrs_ranks_compute(s, 2, 2, NULL, &r, &e), LRS_ENONFINITE, &e, "sigma[0] = inf is not finite");
    gsl_vector_free(s);
    gsl_vector_free(o);
}

int main(void)
{
    RUN(test_identity);
    RUN(test_hand_values);
    RUN(test_all_zero);
    RUN(test_mp_median_and_omega);
    RUN(test_numerical_rank_lowrank);
    RUN(test_optimal_threshold_recovers_rank);
    RUN(test_shrink_values);
    RUN(test_errors);
    RUN(test_regression_sigma_message_after_free);
    return harness_summary();
}
