/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/connectivity.h: orthonormal draws, rank-one vectors, random
 * parts, modular and ring matrices, the SIS Jacobian, error paths. */
#include <math.h>

#include "harness.h"
#include "la_check.h"
#include "lrs/connectivity.h"
#include "lrs/spectra.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

static const double eps = DBL_EPSILON;

static void test_orthonormal_columns(void)
{
    lrs_err_t e;
    size_t shapes[3][2] = { { 50, 10 }, { 20, 20 }, { 500, 4 } };
    for (int t = 0; t < 3; t++) {
        size_t N = shapes[t][0], k = shapes[t][1];
        gsl_rng *r = new_rng(11 + (unsigned long)t);
        gsl_matrix *Q = gsl_matrix_alloc(N, k);
        CHECK_OK(lrs_conn_orthonormal(r, Q, &e), &e);
        double d = orth_defect(Q);
        CHECK(d <= 10.0 * (double)N * eps, "N=%zu k=%zu: max |Q^T Q - I| = %.3g > 10 N eps",
              N, k, d);
        gsl_matrix_free(Q);
        gsl_rng_free(r);
    }
}

static void test_orthonormal_deterministic_and_checks(void)
{
    lrs_err_t e;
    gsl_rng *r1 = new_rng(5), *r2 = new_rng(5);
    gsl_matrix *A = gsl_matrix_alloc(30, 3), *B = gsl_matrix_alloc(30, 3);
    CHECK_OK(lrs_conn_orthonormal(r1, A, &e), &e);
    CHECK_OK(lrs_conn_orthonormal(r2, B, &e), &e);
    CHECK(gsl_matrix_equal(A, B), "same seed must give the same Q (exact)");
    gsl_matrix *C = gsl_matrix_alloc(3, 30);
    CHECK_ERR(lrs_conn_orthonormal(r1, C, &e), LRS_EINVAL, &e, "Q is 3x30");
    CHECK_ERR(lrs_conn_orthonormal(NULL, A, &e), LRS_EINVAL, &e, "rng is NULL");
    gsl_matrix_free(A);
    gsl_matrix_free(B);
    gsl_matrix_free(C);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}

/* The documented construction: Q from the QR of the Gaussian G drawn row by
 * row with the same seed, with R = Q^T G upper triangular and a positive
 * diagonal (this is what makes Q Haar-distributed). */
static void test_orthonormal_is_qr_with_positive_r(void)
{
    lrs_err_t e;
    size_t N = 30, k = 6;
    gsl_rng *r1 = new_rng(8), *r2 = new_rng(8);
    gsl_matrix *Q = gsl_matrix_alloc(N, k), *G = gsl_matrix_alloc(N, k), *R = gsl_matrix_alloc(k, k);
    CHECK_OK(lrs_conn_orthonormal(r1, Q, &e), &e);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(G, i, j, gsl_ran_gaussian(r2, 1.0));
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Q, G, 0.0, R);
    for (size_t i = 0; i < k; i++) {
        CHECK(gsl_matrix_get(R, i, i) > 0, "R_%zu%zu = %g not positive", i, i, gsl_matrix_get(R, i, i));
        for (size_t j = 0; j < i; j++)
            CHECK(fabs(gsl_matrix_get(R, i, j)) <= 10 * N * eps * 10,
                  "R_%zu%zu = %.3g: not upper triangular (tol 100 N eps)", i, j, gsl_matrix_get(R, i, j));
    }
    gsl_matrix_free(Q);
    gsl_matrix_free(G);
    gsl_matrix_free(R);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}

static void test_rank1_vectors(void)
{
    lrs_err_t e;
    size_t N = 200;
    gsl_rng *r = new_rng(1);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    double d;

    CHECK_OK(lrs_conn_rank1_vectors(r, LRS_RANK1_NORMAL, u, v, &e), &e);
    CHECK(gsl_vector_equal(u, v), "normal kind: v must equal u exactly");
    CHECK_ABS(gsl_blas_dnrm2(u), 1.0, 4 * eps);

    CHECK_OK(lrs_conn_rank1_vectors(r, LRS_RANK1_ORTHOGONAL, u, v, &e), &e);
    gsl_blas_ddot(u, v, &d);
    CHECK(fabs(d) <= 10 * eps, "orthogonal kind: |u.v| = %.3g > 10 eps", fabs(d));
    CHECK_ABS(gsl_blas_dnrm2(u), 1.0, 4 * eps);
    CHECK_ABS(gsl_blas_dnrm2(v), 1.0, 4 * eps);

    CHECK_OK(lrs_conn_rank1_vectors(r, LRS_RANK1_RANDOM, u, v, &e), &e);
    gsl_blas_ddot(u, v, &d);
    /* independent uniform unit vectors: u.v ~ N(0, 1/N); 6 sd = 0.42 */
    CHECK(fabs(d) < 6.0 / sqrt((double)N), "random kind: |u.v| = %.3g >= 6/sqrt(N)", fabs(d));
    CHECK_ABS(gsl_blas_dnrm2(v), 1.0, 4 * eps);

    gsl_vector *w = gsl_vector_alloc(N + 1);
    CHECK_ERR(lrs_conn_rank1_vectors(r, LRS_RANK1_NORMAL, u, w, &e), LRS_EINVAL, &e,
              "u has 200 entries, v has 201");
    gsl_vector_free(w);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_rng_free(r);
}

/* Sample mean and variance of all entries of W. */
static void entry_stats(const gsl_matrix *W, double *mean, double *var)
{
    double s = 0, s2 = 0, n = (double)(W->size1 * W->size2);
    for (size_t i = 0; i < W->size1; i++)
        for (size_t j = 0; j < W->size2; j++)
            s += gsl_matrix_get(W, i, j);
    *mean = s / n;
    for (size_t i = 0; i < W->size1; i++)
        for (size_t j = 0; j < W->size2; j++) {
            double d = gsl_matrix_get(W, i, j) - *mean;
            s2 += d * d;
        }
    *var = s2 / (n - 1);
}

static void test_gaussian_part_variance(void)
{
    lrs_err_t e;
    size_t N = 400;
    double rho = 0.5, mean, var;
    gsl_rng *r = new_rng(2);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    CHECK_OK(lrs_conn_add_gaussian(W, rho, r, &e), &e);
    entry_stats(W, &mean, &var);
    double n = (double)(N * N), target = rho * rho / (double)N;
    /* sample variance of n Gaussians: relative sd sqrt(2/n) = 0.0035; allow 5 sd */
    CHECK_REL(var, target, 5 * sqrt(2 / n));
    CHECK(fabs(mean) < 5 * sqrt(target / n), "mean %.3g beyond 5 sd", mean);

    CHECK_OK(lrs_conn_biased(W, -0.5, 0.5, r, &e), &e);
    entry_stats(W, &mean, &var);
    /* sd of the mean: (sigma/sqrt N)/sqrt(n); relative to |mu|/sqrt N: (sigma/|mu|)/sqrt(n) */
    CHECK_REL(mean, -0.5 / sqrt((double)N), 5 * (0.5 / 0.5) / sqrt(n));
    CHECK_REL(var, 0.25 / (double)N, 5 * sqrt(2 / n));

    gsl_matrix *B = gsl_matrix_alloc(200, 199);
    CHECK_ERR(lrs_conn_add_gaussian(B, rho, r, &e), LRS_EINVAL, &e,
              "W is 200x199; expected square");
    CHECK_ERR(lrs_conn_add_gaussian(NULL, rho, r, &e), LRS_EINVAL, &e, "W is NULL");
    CHECK_ERR(lrs_conn_add_gaussian(W, NAN, r, &e), LRS_ENONFINITE, &e, "rho");
    gsl_matrix_free(B);
    gsl_matrix_free(W);
    gsl_rng_free(r);
}

static void test_lowrank_and_rank1(void)
{
    lrs_err_t e;
    size_t N = 60, rk = 3;
    gsl_rng *r = new_rng(3);
    gsl_matrix *U = gsl_matrix_alloc(N, rk), *V = gsl_matrix_alloc(N, rk);
    gsl_vector *s = gsl_vector_alloc(rk);
    CHECK_OK(lrs_conn_orthonormal(r, U, &e), &e);
    CHECK_OK(lrs_conn_orthonormal(r, V, &e), &e);
    gsl_vector_set(s, 0, 5.0);
    gsl_vector_set(s, 1, 2.0);
    gsl_vector_set(s, 2, 0.5);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    CHECK_OK(lrs_conn_add_lowrank(W, U, s, V, &e), &e);
    /* singular values of U S V^T with orthonormal U, V are s, then zeros */
    gsl_vector *sv = gsl_vector_alloc(N);
    CHECK_OK(lrs_spectra_svd(W, sv, NULL, NULL, &e), &e);
    for (size_t k = 0; k < rk; k++)
        CHECK_REL(gsl_vector_get(sv, k), gsl_vector_get(s, k), 10 * N * eps);
    CHECK(gsl_vector_get(sv, rk) <= 10 * N * eps * 5.0, "sigma_4 = %.3g > 10 N eps s1",
          gsl_vector_get(sv, rk));

    /* rank one: W += c u v^T entry by entry */
    gsl_matrix *W2 = gsl_matrix_calloc(N, N);
    gsl_vector_const_view u = gsl_matrix_const_column(U, 0), v = gsl_matrix_const_column(V, 1);
    CHECK_OK(lrs_conn_add_rank1(W2, -10.0, &u.vector, &v.vector, &e), &e);
    double md = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            md = fmax(md, fabs(gsl_matrix_get(W2, i, j) -
                               -10.0 * gsl_vector_get(&u.vector, i) * gsl_vector_get(&v.vector, j)));
    CHECK(md <= 10 * eps, "rank-one entries differ by %.3g > 10 eps", md);

    gsl_matrix_set(U, 2, 1, NAN);
    CHECK_ERR(lrs_conn_add_lowrank(W, U, s, V, &e), LRS_ENONFINITE, &e, "non-finite");
    gsl_matrix *Ubad = gsl_matrix_alloc(N, rk + 1);
    CHECK_ERR(lrs_conn_add_lowrank(W, Ubad, s, V, &e), LRS_EINVAL, &e, "expected U 60x3");
    gsl_matrix_free(Ubad);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_matrix_free(W);
    gsl_matrix_free(W2);
    gsl_vector_free(s);
    gsl_vector_free(sv);
    gsl_rng_free(r);
}

static void test_modular_blocks(void)
{
    lrs_err_t e;
    size_t sizes[3] = { 2, 3, 1 };
    double means[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    gsl_matrix *W = gsl_matrix_alloc(6, 6);
    CHECK_OK(lrs_conn_modular(W, sizes, 3, means, &e), &e);
    int pop[6] = { 0, 0, 1, 1, 1, 2 };
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 6; j++)
            CHECK(gsl_matrix_get(W, i, j) == means[pop[i] * 3 + pop[j]],
                  "W(%zu,%zu) = %g, want %g (exact)", i, j, gsl_matrix_get(W, i, j),
                  means[pop[i] * 3 + pop[j]]);
    size_t bad[2] = { 2, 3 };
    CHECK_ERR(lrs_conn_modular(W, bad, 2, means, &e), LRS_EINVAL, &e,
              "population sizes sum to 5; W0 is 6x6");

    size_t N = 200;
    gsl_matrix *E = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_conn_modular_ei(E, &e), &e);
    double s = 1 / sqrt((double)N);
    CHECK_REL(gsl_matrix_get(E, 0, 0), 0.5 * s, 4 * eps);
    CHECK_REL(gsl_matrix_get(E, 149, 150), -2.0 * s, 4 * eps);
    CHECK_REL(gsl_matrix_get(E, 150, 149), 1.0 * s, 4 * eps);
    CHECK_REL(gsl_matrix_get(E, 199, 199), -1.0 * s, 4 * eps);
    /* block-constant 2-population matrix: rank 2 */
    gsl_vector *sv = gsl_vector_alloc(N);
    CHECK_OK(lrs_spectra_svd(E, sv, NULL, NULL, &e), &e);
    CHECK(gsl_vector_get(sv, 1) > 0.1 && gsl_vector_get(sv, 2) < 100 * N * eps,
          "E/I W0 must have rank 2: sigma_2 = %.3g, sigma_3 = %.3g (tol 100 N eps)",
          gsl_vector_get(sv, 1), gsl_vector_get(sv, 2));
    gsl_vector_free(sv);
    gsl_matrix_free(E);
    gsl_matrix_free(W);
}

static void test_ring_circulant(void)
{
    lrs_err_t e;
    size_t N = 200;
    double c = -0.5, sw = 0.05;
    gsl_matrix *W = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_conn_ring(W, c, sw, &e), &e);
    double scale = fabs(c) / sqrt((double)N) * lrs_conn_wrapped_gaussian(0, sw);
    double dc = 0, ds = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double w = gsl_matrix_get(W, i, j);
            dc = fmax(dc, fabs(w - gsl_matrix_get(W, (i + 1) % N, (j + 1) % N)));
            ds = fmax(ds, fabs(w - gsl_matrix_get(W, j, i)));
        }
    CHECK(dc <= 1e-13 * scale, "not circulant: max dev %.3g > 1e-13 max|W|", dc);
    CHECK(ds <= 1e-13 * scale, "not symmetric: max dev %.3g > 1e-13 max|W|", ds);
    /* Row sums: (c/sqrt N) sum_j g(j/N) = c sqrt(N) * (N^-1 sum_j g(j/N)) and the
     * periodic trapezoid rule for this Gaussian is exact to ~exp(-2 pi^2 sw^2 N^2). */
    for (size_t i = 0; i < N; i += 37) {
        gsl_vector_view row = gsl_matrix_row(W, i);
        double sum = 0;
        for (size_t j = 0; j < N; j++)
            sum += gsl_vector_get(&row.vector, j);
        CHECK_REL(sum, c * sqrt((double)N), 1e-12);
    }
    CHECK_REL(lrs_conn_wrapped_gaussian(0.3, 0.1), lrs_conn_wrapped_gaussian(-0.7, 0.1), 1e-12);
    CHECK_REL(lrs_conn_wrapped_gaussian(0.0, 0.01), 1 / (sqrt(2 * M_PI) * 0.01), 1e-15);
    CHECK(isnan(lrs_conn_wrapped_gaussian(0.0, 0.0)), "sigma = 0 must give NaN");
    CHECK_ERR(lrs_conn_ring(W, c, -1, &e), LRS_EINVAL, &e, "sigma_w = -1");
    gsl_matrix_free(W);
}

/* SIS right-hand side F(x) = -x + (1 - x) .* (gamma W x). */
static void sis_rhs(const gsl_matrix *W, double gamma, const gsl_vector *x, gsl_vector *F)
{
    gsl_blas_dgemv(CblasNoTrans, gamma, W, x, 0.0, F);
    for (size_t i = 0; i < x->size; i++) {
        double xi = gsl_vector_get(x, i);
        gsl_vector_set(F, i, -xi + (1 - xi) * gsl_vector_get(F, i));
    }
}

static void test_sis_jacobian_fd(void)
{
    lrs_err_t e;
    size_t N = 30;
    double gamma = 3;
    gsl_rng *r = new_rng(4);
    gsl_matrix *W = gsl_matrix_alloc(N, N), *J = gsl_matrix_alloc(N, N);
    gsl_vector *x = gsl_vector_alloc(N), *xp = gsl_vector_alloc(N), *xm = gsl_vector_alloc(N);
    gsl_vector *Fp = gsl_vector_alloc(N), *Fm = gsl_vector_alloc(N), *sv = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++) {
        gsl_vector_set(x, i, gsl_rng_uniform(r));
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(W, i, j, i != j && gsl_rng_uniform(r) < 0.2);
    }
    CHECK_OK(lrs_spectra_svd(W, sv, NULL, NULL, &e), &e);
    gsl_matrix_scale(W, 1 / gsl_vector_get(sv, 0));
    CHECK_OK(lrs_conn_sis_jacobian(W, gamma, x, J, &e), &e);
    /* F is quadratic in x, so the central difference is exact up to rounding:
     * error ~ eps |F| / h ~ 1e-10 with h = 1e-6. */
    double h = 1e-6, md = 0;
    for (size_t j = 0; j < N; j++) {
        gsl_vector_memcpy(xp, x);
        gsl_vector_memcpy(xm, x);
        gsl_vector_set(xp, j, gsl_vector_get(x, j) + h);
        gsl_vector_set(xm, j, gsl_vector_get(x, j) - h);
        sis_rhs(W, gamma, xp, Fp);
        sis_rhs(W, gamma, xm, Fm);
        for (size_t i = 0; i < N; i++) {
            double fd = (gsl_vector_get(Fp, i) - gsl_vector_get(Fm, i)) / (2 * h);
            md = fmax(md, fabs(fd - gsl_matrix_get(J, i, j)));
        }
    }
    CHECK(md <= 1e-8, "Jacobian vs central differences: max dev %.3g > 1e-8", md);
    gsl_vector *xbad = gsl_vector_alloc(N + 1);
    CHECK_ERR(lrs_conn_sis_jacobian(W, gamma, xbad, J, &e), LRS_EINVAL, &e, "xs has 31");
    gsl_matrix_set(W, 0, 0, NAN);
    CHECK_ERR(lrs_conn_sis_jacobian(W, gamma, x, J, &e), LRS_ENONFINITE, &e, "non-finite");
    gsl_vector_free(xbad);
    gsl_matrix_free(W);
    gsl_matrix_free(J);
    gsl_vector_free(x);
    gsl_vector_free(xp);
    gsl_vector_free(xm);
    gsl_vector_free(Fp);
    gsl_vector_free(Fm);
    gsl_vector_free(sv);
    gsl_rng_free(r);
}

/* Rounding to binary16: exact values, ties to even (spacing 2^-10 just
 * above 1), the subnormal spacing 2^-24, the largest number, and on a
 * random W the bound |w' - w| <= max(2^-11 |w|, 2^-25) with every w' a
 * binary16 number (11 significant bits: w' 2^(10 - e) an integer for w' in
 * [2^e, 2^(e+1)), e >= -14; below, w' 2^24 an integer). */
static void test_round_binary16(void)
{
    lrs_err_t e;
    const double in[] = {1.0, 1.0 + 0x1p-11, 1.0 + 3 * 0x1p-11, -1.0 - 3 * 0x1p-11, 0.1,
                         3 * 0x1p-26, 65504.0, 65519.0, 0.0, -0x1p-30};
    const double want[] = {1.0, 1.0, 1.0 + 0x1p-9, -1.0 - 0x1p-9, 0.0999755859375,
                           0x1p-24, 65504.0, 65504.0, 0.0, -0.0};
    size_t n = sizeof in / sizeof *in;
    gsl_matrix *A = gsl_matrix_alloc(1, n);
    for (size_t j = 0; j < n; j++)
        gsl_matrix_set(A, 0, j, in[j]);
    CHECK_OK(lrs_conn_round_binary16(A, &e), &e);
    for (size_t j = 0; j < n; j++)
        CHECK(gsl_matrix_get(A, 0, j) == want[j], "round(%.17g) = %.17g; expected %.17g", in[j],
              gsl_matrix_get(A, 0, j), want[j]);
    gsl_matrix_set(A, 0, 3, 65520.0);
    CHECK_ERR(lrs_conn_round_binary16(A, &e), LRS_EINVAL, &e,
              "lrs_conn_round_binary16: W[0][3] = 65520 is beyond binary16's largest number 65504");
    gsl_matrix_set(A, 0, 2, NAN);
    CHECK_ERR(lrs_conn_round_binary16(A, &e), LRS_ENONFINITE, &e,
              "lrs_conn_round_binary16: W[0][2] is not finite");
    CHECK(gsl_matrix_get(A, 0, 3) == 65520.0, "W changed by a failed call");
    CHECK_ERR(lrs_conn_round_binary16(NULL, &e), LRS_EINVAL, &e, "W is NULL");
    gsl_matrix_free(A);

    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    gsl_matrix *W = gsl_matrix_calloc(100, 100), *W0 = gsl_matrix_alloc(100, 100);
    CHECK_OK(lrs_conn_add_gaussian(W, 0.5, r, &e), &e);
    gsl_matrix_memcpy(W0, W);
    CHECK_OK(lrs_conn_round_binary16(W, &e), &e);
    size_t bad = 0;
    for (size_t i = 0; i < 100 * 100; i++) {
        double w = W0->data[i], q = W->data[i];
        int ex;
        frexp(q, &ex);
        double scaled = fabs(q) >= 0x1p-14 ? ldexp(q, 11 - ex) : ldexp(q, 24);
        bad += fabs(q - w) > fmax(0x1p-11 * fabs(w), 0x1p-25) || scaled != nearbyint(scaled);
    }
    CHECK(bad == 0, "%zu of 10000 rounded entries off by more than 2^-11 or not binary16", bad);
    gsl_matrix_free(W);
    gsl_matrix_free(W0);
    gsl_rng_free(r);
}

int main(void)
{
    RUN(test_orthonormal_columns);
    RUN(test_orthonormal_deterministic_and_checks);
    RUN(test_orthonormal_is_qr_with_positive_r);
    RUN(test_rank1_vectors);
    RUN(test_gaussian_part_variance);
    RUN(test_round_binary16);
    RUN(test_lowrank_and_rank1);
    RUN(test_modular_blocks);
    RUN(test_ring_circulant);
    RUN(test_sis_jacobian_fd);
    return harness_summary();
}
