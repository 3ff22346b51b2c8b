/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/noise.h: statistics against the Gaussian autocovariance
 * sigma_x^2 exp(-s^2/(2 tau_x^2)), block-size invariance, reproducibility,
 * one path for two steps dt, error paths. */
#include "harness.h"
#include "la_check.h"
#include "lrs/noise.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Generate `total` samples of N channels with the caller's block size `blk`
 * into one total x N matrix. */
static gsl_matrix *generate(size_t N, double tau_x, double sigma_x, double dt, unsigned long seed,
                            size_t total, size_t blk)
{
    lrs_err_t e;
    gsl_rng *r = new_rng(seed);
    lrs_noise_t *nz = NULL;
    gsl_matrix *out = gsl_matrix_alloc(total, N);
    if (lrs_noise_alloc(&nz, N, tau_x, sigma_x, dt, r, &e) != LRS_OK) {
        gsl_matrix_free(out);
        gsl_rng_free(r);
        return NULL;
    }
    for (size_t i = 0; i < total; i += blk) {
        size_t b = total - i < blk ? total - i : blk;
        gsl_matrix_view v = gsl_matrix_submatrix(out, i, 0, b, N);
        lrs_noise_fill(nz, &v.matrix, &e);
    }
    lrs_noise_free(nz);
    gsl_rng_free(r);
    return out;
}

/* Long-run statistics, streamed (nothing stored): mean, variance and the
 * autocorrelation at lags tau_x/2, tau_x, 2 tau_x, averaged over channels.
 * Standard errors (N = 200 channels, T = 20000 tau_x): mean ~8e-4 sigma,
 * variance ~1e-3 relative, autocovariance ~7e-4 absolute (~0.5% of
 * exp(-2) at lag 2 tau_x), so the 3% tolerances are > 6 standard errors. */
static void stats_check(double dt, size_t lag1)
{
    lrs_err_t e;
    size_t N = 200, L = 4 * lag1; /* lags lag1, 2 lag1, 4 lag1 = tau/2, tau, 2 tau */
    double tau_x = (double)(2 * lag1) * dt, sigma = 1.7;
    size_t total = (size_t)(20000.0 * tau_x / dt), B = 1000;
    QUICK_MODE("2 blocks of 1000 steps; the 3% statistics need T = 20000 tau_x");
    if (harness_quick())
        total = 2 * B;
    gsl_rng *r = new_rng(5);
    lrs_noise_t *nz = NULL;
    CHECK_OK(lrs_noise_alloc(&nz, N, tau_x, sigma, dt, r, &e), &e);
    if (!nz) {
        gsl_rng_free(r);
        return;
    }
    /* buffer: L history rows followed by a block of B rows */
    gsl_matrix *buf = gsl_matrix_alloc(L + B, N);
    double sum = 0, sum2 = 0, lagsum[3] = {0, 0, 0};
    size_t lags[3] = {lag1, 2 * lag1, 4 * lag1}, count = 0, lagcount[3] = {0, 0, 0};
    for (size_t n0 = 0; n0 < total; n0 += B) {
        gsl_matrix_view v = gsl_matrix_submatrix(buf, L, 0, B, N);
        CHECK_OK(lrs_noise_fill(nz, &v.matrix, &e), &e);
        for (size_t i = 0; i < B; i++) {
            const double *x = buf->data + (L + i) * N;
            for (size_t j = 0; j < N; j++) {
                sum += x[j];
                sum2 += x[j] * x[j];
            }
            count += N;
            for (int l = 0; l < 3; l++) {
                if (n0 + i < lags[l])
                    continue;
                const double *y = buf->data + (L + i - lags[l]) * N;
                for (size_t j = 0; j < N; j++)
                    lagsum[l] += x[j] * y[j];
                lagcount[l] += N;
            }
        }
        memmove(buf->data, buf->data + B * N, L * N * sizeof(double));
    }
    double mean = sum / (double)count, var = sum2 / (double)count;
    CHECK(isfinite(mean) && isfinite(var), "mean %g, variance %g", mean, var);
    if (!harness_quick()) {
        CHECK(fabs(mean) <= 5e-3 * sigma, "mean %.3g; want |mean| <= 5e-3 sigma (6 standard errors)",
              mean);
        CHECK_REL(var, sigma * sigma, 0.015);
        double s[3] = {0.5, 1.0, 2.0};
        for (int l = 0; l < 3; l++) {
            double rho = lagsum[l] / (double)lagcount[l] / (sigma * sigma);
            CHECK_REL(rho, exp(-0.5 * s[l] * s[l]), 0.03);
        }
    }
    CHECK(lrs_noise_position(nz) == total, "position %zu, want %zu", lrs_noise_position(nz), total);
    CHECK(lrs_noise_channels(nz) == N, "channels %zu", lrs_noise_channels(nz));
    gsl_matrix_free(buf);
    lrs_noise_free(nz);
    gsl_rng_free(r);
}

/* Delta/dt = 2 (integer: precomputed weights), tau_x = 1, dt = 0.125 */
static void test_stats_periodic_weights(void)
{
    stats_check(0.125, 4);
}

/* Delta/dt = 2.5 (weights recomputed per chunk), tau_x = 1, dt = 0.1 */
static void test_stats_general_weights(void)
{
    stats_check(0.1, 5);
}

/* The process is stationary from t = 0: the variance of x(0) and the
 * correlation between x(0) and x(tau_x), across 20000 channels, match the
 * stationary values (standard errors 1% and 0.7%; tolerance 5%). */
static void test_stationary_at_start(void)
{
    size_t N = 20000;
    double dt = 0.25, tau_x = 1.0;
    gsl_matrix *X = generate(N, tau_x, 1.0, dt, 9, 5, 5);
    CHECK(X != NULL, "generate failed");
    if (!X)
        return;
    double v0 = 0, c = 0;
    for (size_t j = 0; j < N; j++) {
        v0 += gsl_matrix_get(X, 0, j) * gsl_matrix_get(X, 0, j);
        c += gsl_matrix_get(X, 0, j) * gsl_matrix_get(X, 4, j);
    }
    CHECK_REL(v0 / (double)N, 1.0, 0.05);
    CHECK_ABS(c / (double)N, exp(-0.5), 0.05);
    gsl_matrix_free(X);
}

static int same_bits(const gsl_matrix *a, const gsl_matrix *b)
{
    return a && b && a->size1 == b->size1 && a->size2 == b->size2 &&
           memcmp(a->data, b->data, a->size1 * a->size2 * sizeof(double)) == 0;
}

/* Bit-identical output whatever the caller's block sizes (1, 7, 1000, all),
 * for precomputed (dt = 0.01, tau_x = 1) and recomputed (dt = 0.03) weights. */
static void test_block_size_invariance(void)
{
    double dts[2] = {0.01, 0.03};
    for (int d = 0; d < 2; d++) {
        size_t total = 3001, N = 5;
        gsl_matrix *ref = generate(N, 1.0, 1.0, dts[d], 3, total, total);
        size_t blks[3] = {1, 7, 1000};
        for (int k = 0; k < 3; k++) {
            gsl_matrix *X = generate(N, 1.0, 1.0, dts[d], 3, total, blks[k]);
            CHECK(same_bits(X, ref), "dt = %g: block size %zu differs from one block", dts[d], blks[k]);
            gsl_matrix_free(X);
        }
        /* non-contiguous destination (a column slice of a wider matrix) */
        {
            lrs_err_t e;
            gsl_rng *r = new_rng(3);
            lrs_noise_t *nz = NULL;
            CHECK_OK(lrs_noise_alloc(&nz, N, 1.0, 1.0, dts[d], r, &e), &e);
            gsl_matrix *wide = gsl_matrix_alloc(total, N + 3);
            for (size_t i = 0; i < total; i += 13) {
                size_t b = total - i < 13 ? total - i : 13;
                gsl_matrix_view v = gsl_matrix_submatrix(wide, i, 2, b, N);
                CHECK_OK(lrs_noise_fill(nz, &v.matrix, &e), &e);
            }
            int same = 1;
            for (size_t i = 0; i < total; i++)
                for (size_t j = 0; j < N; j++)
                    same = same && gsl_matrix_get(wide, i, j + 2) == gsl_matrix_get(ref, i, j);
            CHECK(same, "dt = %g: strided destination differs", dts[d]);
            gsl_matrix_free(wide);
            lrs_noise_free(nz);
            gsl_rng_free(r);
        }
        gsl_matrix_free(ref);
    }
}

static void test_same_seed_identical(void)
{
    gsl_matrix *a = generate(4, 2.0, 1.0, 0.01, 77, 2000, 300);
    gsl_matrix *b = generate(4, 2.0, 1.0, 0.01, 77, 2000, 300);
    gsl_matrix *c = generate(4, 2.0, 1.0, 0.01, 78, 2000, 300);
    CHECK(same_bits(a, b), "same seed gave different noise");
    CHECK(!same_bits(a, c), "different seeds gave the same noise");
    /* sigma_x scales the path exactly (to rounding) */
    gsl_matrix *s = generate(4, 2.0, 2.5, 0.01, 77, 2000, 2000);
    double worst = 0;
    for (size_t i = 0; i < 2000 * 4; i++)
        worst = fmax(worst, fabs(s->data[i] - 2.5 * a->data[i]) / 2.5);
    CHECK(worst <= 1e-14, "sigma_x = 2.5 path vs 2.5 x sigma_x = 1 path: %.3g > 1e-14", worst);
    /* sigma_x = 0 gives zeros */
    gsl_matrix *z = generate(4, 2.0, 0.0, 0.01, 77, 100, 100);
    CHECK(gsl_matrix_isnull(z), "sigma_x = 0 gave non-zero noise");
    gsl_matrix_free(a);
    gsl_matrix_free(b);
    gsl_matrix_free(c);
    gsl_matrix_free(s);
    gsl_matrix_free(z);
}

/* Two steps dt sample one continuous path: x(t) for dt = 0.01 and dt = 0.1
 * agree at every common time t = 0, 0.1, ..., 60 to 1e-12 (sigma_x = 1);
 * the same for dt = 0.03 and 0.07 (weights recomputed) at t = 0.21 k. */
static void test_two_dt_same_path(void)
{
    size_t N = 3;
    gsl_matrix *fine = generate(N, 10.0, 1.0, 0.01, 123, 6001, 6001);
    gsl_matrix *coarse = generate(N, 10.0, 1.0, 0.1, 123, 601, 601);
    double worst = 0;
    for (size_t m = 0; m < 601; m++)
        for (size_t j = 0; j < N; j++)
            worst = fmax(worst, fabs(gsl_matrix_get(fine, 10 * m, j) - gsl_matrix_get(coarse, m, j)));
    CHECK(worst <= 1e-12, "dt = 0.01 vs 0.1: max |dx| = %.3g > 1e-12", worst);
    CHECK(fabs(gsl_matrix_get(fine, 100, 0)) > 1e-3, "x(1.0) suspiciously small");
    gsl_matrix *a = generate(N, 10.0, 1.0, 0.03, 123, 2101, 2101);
    gsl_matrix *b = generate(N, 10.0, 1.0, 0.07, 123, 901, 901);
    worst = 0;
    for (size_t m = 0; m < 301; m++)
        for (size_t j = 0; j < N; j++)
            worst = fmax(worst, fabs(gsl_matrix_get(a, 7 * m, j) - gsl_matrix_get(b, 3 * m, j)));
    CHECK(worst <= 1e-12, "dt = 0.03 vs 0.07: max |dx| = %.3g > 1e-12", worst);
    /* and the periodic/general paths agree with each other: dt = 0.01 vs 0.03 */
    worst = 0;
    for (size_t m = 0; m < 2001; m++)
        for (size_t j = 0; j < N; j++)
            worst = fmax(worst, fabs(gsl_matrix_get(fine, 3 * m, j) - gsl_matrix_get(a, m, j)));
    CHECK(worst <= 1e-12, "dt = 0.01 vs 0.03: max |dx| = %.3g > 1e-12", worst);
    gsl_matrix_free(fine);
    gsl_matrix_free(coarse);
    gsl_matrix_free(a);
    gsl_matrix_free(b);
}

/* The construction of lrs/noise.h is the contract: an independent direct
 * evaluation of x(t) = sum_k h(t - k Delta) xi_k from the same draws (k
 * ascending from -KL-1, channel minor, ziggurat) at a few times matches the
 * chunked dgemm generator to 1e-13. */
static void test_direct_sum_reference(void)
{
    size_t N = 2;
    double tau_x = 3.0, sigma = 1.3, dt = 0.07, Delta = tau_x / 4;
    double A = sigma * sqrt(Delta * sqrt(2 / M_PI) / tau_x), L = tau_x * sqrt(log(1e9));
    long KL = (long)ceil(L / Delta);
    gsl_matrix *X = generate(N, tau_x, sigma, dt, 55, 1000, 1000);
    gsl_rng *r = new_rng(55);
    size_t nk = 200;
    double *xi = malloc(nk * N * sizeof *xi);
    for (size_t i = 0; i < nk * N; i++)
        xi[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    double worst = 0;
    size_t ns[4] = {0, 1, 500, 999};
    for (int q = 0; q < 4; q++) {
        double t = (double)ns[q] * dt;
        for (size_t j = 0; j < N; j++) {
            double x = 0;
            for (size_t i = 0; i < nk; i++) {
                double s = t - (double)((long)i - KL - 1) * Delta;
                if (fabs(s) <= L)
                    x += A * exp(-(s / tau_x) * (s / tau_x)) * xi[i * N + j];
            }
            worst = fmax(worst, fabs(x - gsl_matrix_get(X, ns[q], j)));
        }
    }
    CHECK(worst <= 1e-13, "direct sum vs generator: max |dx| = %.3g > 1e-13", worst);
    free(xi);
    gsl_rng_free(r);
    gsl_matrix_free(X);
}

static void test_errors(void)
{
    lrs_err_t e;
    lrs_noise_t *nz = NULL;
    gsl_rng *r = new_rng(1);
    CHECK_ERR(lrs_noise_alloc(NULL, 3, 1.0, 1.0, 0.01, r, &e), LRS_EINVAL, &e, "out is NULL");
    CHECK_ERR(lrs_noise_alloc(&nz, 3, 1.0, 1.0, 0.01, NULL, &e), LRS_EINVAL, &e, "rng is NULL");
    CHECK_ERR(lrs_noise_alloc(&nz, 0, 1.0, 1.0, 0.01, r, &e), LRS_EINVAL, &e, "N = 0");
    CHECK_ERR(lrs_noise_alloc(&nz, 3, 0.0, 1.0, 0.01, r, &e), LRS_EINVAL, &e, "tau_x = 0");
    CHECK_ERR(lrs_noise_alloc(&nz, 3, -2.0, 1.0, 0.01, r, &e), LRS_EINVAL, &e, "tau_x = -2");
    CHECK_ERR(lrs_noise_alloc(&nz, 3, NAN, 1.0, 0.01, r, &e), LRS_EINVAL, &e, "tau_x");
    CHECK_ERR(lrs_noise_alloc(&nz, 3, 1.0, -1.0, 0.01, r, &e), LRS_EINVAL, &e, "sigma_x = -1");
    CHECK_ERR(lrs_noise_alloc(&nz, 3, 1.0, 1.0, 0.0, r, &e), LRS_EINVAL, &e, "dt = 0");
    CHECK(nz == NULL, "failed alloc left a pointer");
    CHECK_OK(lrs_noise_alloc(&nz, 3, 1.0, 1.0, 0.01, r, &e), &e);
    gsl_matrix *X = gsl_matrix_alloc(10, 4);
    CHECK_ERR(lrs_noise_fill(nz, X, &e), LRS_EINVAL, &e, "X has 4 columns; expected N = 3");
    CHECK_ERR(lrs_noise_fill(nz, NULL, &e), LRS_EINVAL, &e, "X is NULL");
    CHECK_ERR(lrs_noise_fill(NULL, X, &e), LRS_EINVAL, &e, "nz is NULL");
    CHECK(lrs_noise_position(nz) == 0, "failed fills moved the position");
    lrs_noise_free(nz);
    lrs_noise_free(NULL);
    gsl_matrix_free(X);
    gsl_rng_free(r);
}

int main(void)
{
    RUN(test_stats_periodic_weights);
    RUN(test_stats_general_weights);
    RUN(test_stationary_at_start);
    RUN(test_block_size_invariance);
    RUN(test_same_seed_identical);
    RUN(test_two_dt_same_path);
    RUN(test_direct_sum_reference);
    RUN(test_errors);
    return harness_summary();
}
