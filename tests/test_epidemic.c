/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/epidemic.h: the SIS model of Figure 6.
 *
 * Analytic anchor used throughout: on the complete graph K_n (A = 11^T - I,
 * sigma_max(A) = n - 1, W = A/(n-1) has unit row sums) the uniform subspace
 * x = c 1 is invariant and the model reduces to the logistic equation
 *     c' = r c - (gamma + p0) c^2,   r = gamma + p0 - 1,
 * with the closed-form solution c(t) = K / (1 + (K/c0 - 1) e^{-r t}),
 * K = 1 - 1/(gamma + p0), and fixed point x* = K 1.  There
 * J = -gamma I + W (gamma x* = gamma - 1, gamma (1 - x*) = 1), whose
 * eigenvalues are -gamma + 1 (uniform) and -gamma - 1/(n-1).
 */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "harness.h"
#include "la_check.h"
#include <string.h>
#include "lrs/connectivity.h"
#include "lrs/epidemic.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

#define EPS DBL_EPSILON

static gsl_matrix *complete_graph_W(size_t n)
{
    gsl_matrix *W = gsl_matrix_alloc(n, n);
    gsl_matrix_set_all(W, 1.0 / (double)(n - 1));
    for (size_t i = 0; i < n; i++)
        gsl_matrix_set(W, i, i, 0.0);
    return W;
}

/* The SIS model on K_n (W = A / (n - 1), gamma = 3): the closed-form cases
 * below (logistic growth, relaxation rate gamma - 1). */
typedef struct {
    gsl_matrix *W;
    lrs_epidemic_t *ep;
    gsl_vector *x0;     /* the start state (the test fills it) */
    gsl_vector *x;      /* a second state: reference or result */
} kn_model_t;

static kn_model_t kn_model(size_t n)
{
    lrs_err_t e;
    kn_model_t m = {complete_graph_W(n), NULL, gsl_vector_alloc(n), gsl_vector_alloc(n)};
    CHECK_OK(lrs_epidemic_alloc(&m.ep, m.W, 3.0, &e), &e);
    return m;
}

static void kn_free(kn_model_t *m)
{
    lrs_epidemic_free(m->ep);
    gsl_matrix_free(m->W);
    gsl_vector_free(m->x0);
    gsl_vector_free(m->x);
}

/* A sampled curve d(t_k), as lrs_epidemic_relax_curve writes it and
 * lrs_epidemic_fit_exp reads it. */
typedef struct {
    gsl_vector *t, *d;
} curve_t;

static curve_t curve_alloc(size_t n)
{
    curve_t c = {gsl_vector_alloc(n), gsl_vector_alloc(n)};
    return c;
}

static void curve_free(curve_t *c)
{
    gsl_vector_free(c->t);
    gsl_vector_free(c->d);
}

/* The relaxation curve ||x(t) - m->x|| from m->x0 over [0, T] at n times. */
static curve_t kn_relax_curve(kn_model_t *m, double T, size_t n)
{
    lrs_err_t e;
    curve_t c = curve_alloc(n);
    CHECK_OK(lrs_epidemic_relax_curve(m->ep, m->x0, m->x, T, c.t, c.d, NULL, &e), &e);
    return c;
}

static double logistic(double c0, double gamma, double p0, double t)
{
    double K = 1.0 - 1.0 / (gamma + p0), r = gamma + p0 - 1.0;
    return K / (1.0 + (K / c0 - 1.0) * exp(-r * t));
}

/* A seeded synthetic school network, normalised. */
static gsl_matrix *school_W(size_t N, size_t ncls, unsigned long seed)
{
    lrs_err_t e;
    gsl_rng *rng = new_rng(seed);
    gsl_matrix *W = gsl_matrix_alloc(N, N);
    if (lrs_epidemic_school_network(W, ncls, 0.6, 0.05, rng, NULL, &e) ||
        lrs_epidemic_normalize(W, W, NULL, &e)) {
        gsl_matrix_free(W);
        W = NULL;
    }
    gsl_rng_free(rng);
    return W;
}

/* The SIS model (gamma = 3) on school_W(N, ncls, seed), the network in *W
 * (NULL, a failed check, when it could not be built). */
static lrs_epidemic_t *school_model(size_t N, size_t ncls, unsigned long seed, gsl_matrix **W)
{
    lrs_err_t e;
    lrs_epidemic_t *ep = NULL;
    *W = school_W(N, ncls, seed);
    CHECK(*W != NULL, "school network");
    if (*W)
        CHECK_OK(lrs_epidemic_alloc(&ep, *W, 3.0, &e), &e);
    return ep;
}

/* lrs_epidemic_endemic = start, relax, Newton, Jacobian done by hand, bit for
 * bit; on the complete graph x* = 1 - 1/gamma (endemic), below the
 * threshold (gamma < 1) x* = 0 (not endemic, not an error). */
static void test_endemic_pipeline(void)
{
    lrs_err_t e;
    size_t N = 40;
    gsl_matrix *W = school_W(N, 4, 7), *J = gsl_matrix_alloc(N, N), *J2 = gsl_matrix_alloc(N, N);
    gsl_vector *x0 = gsl_vector_alloc(N), *xs = gsl_vector_alloc(N), *x = gsl_vector_alloc(N);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lrs_epidemic_t *ep = NULL;
    lrs_epidemic_endemic_info_t info;
    lrs_epidemic_endemic_opts_t o = lrs_epidemic_endemic_default();
    double res = 0;
    size_t it = 0;
    CHECK(o.t_relax == 300 && o.newton_tol == 1e-12 && o.newton_max_iter == 100, "defaults");
    CHECK_OK(lrs_epidemic_alloc(&ep, W, 3.0, &e), &e);
    gsl_rng_set(rng, 5);
    CHECK_OK(lrs_epidemic_start(x0, 0.3, 0.6, rng, &e), &e);
    for (size_t i = 0; i < N; i++)
        CHECK(gsl_vector_get(x0, i) >= 0.3 && gsl_vector_get(x0, i) < 0.6, "x0[%zu]", i);
    CHECK_OK(lrs_epidemic_endemic(ep, x0, NULL, xs, J, &info, &e), &e);
    gsl_vector_memcpy(x, x0);
    CHECK_OK(lrs_epidemic_relax(ep, x, 300.0, 1, NULL, NULL, NULL, &e), &e);
    CHECK_OK(lrs_epidemic_fixed_point(ep, x, 1e-12, 100, &res, &it, &e), &e);
    CHECK_OK(lrs_epidemic_jacobian(ep, x, J2, &e), &e);
    for (size_t i = 0; i < N; i++)
        CHECK(gsl_vector_get(x, i) == gsl_vector_get(xs, i), "x*[%zu] differs", i);
    CHECK(memcmp(J->data, J2->data, N * N * sizeof(double)) == 0, "J differs");
    CHECK(info.newton_residual == res && info.newton_iters == it, "Newton info");
    CHECK(info.endemic == 1 && info.mean > 0.1, "endemic, mean %g", info.mean);
    CHECK(info.relaxed_dist < 1e-6, "relaxed_dist %.3g", info.relaxed_dist);
    /* xs may alias x0 */
    gsl_vector_memcpy(x, x0);
    CHECK_OK(lrs_epidemic_endemic(ep, x, NULL, x, NULL, NULL, &e), &e);
    for (size_t i = 0; i < N; i++)
        CHECK(gsl_vector_get(x, i) == gsl_vector_get(xs, i), "aliased x*[%zu] differs", i);
    lrs_epidemic_free(ep);
    ep = NULL;
    /* complete graph: x* = 1 - 1/gamma above threshold, 0 below */
    gsl_matrix *K = complete_graph_W(N);
    CHECK_OK(lrs_epidemic_alloc(&ep, K, 2.5, &e), &e);
    CHECK_OK(lrs_epidemic_endemic(ep, x0, NULL, xs, NULL, &info, &e), &e);
    CHECK_REL(info.mean, 1.0 - 1.0 / 2.5, 1e-12);
    lrs_epidemic_free(ep);
    ep = NULL;
    CHECK_OK(lrs_epidemic_alloc(&ep, K, 0.5, &e), &e);
    CHECK_OK(lrs_epidemic_endemic(ep, x0, NULL, xs, NULL, &info, &e), &e);
    CHECK(info.endemic == 0 && info.mean <= LRS_EPI_ENDEMIC_MIN, "below threshold: mean %g",
          info.mean);
    o.newton_max_iter = 0;
    CHECK_ERR(lrs_epidemic_endemic(ep, x0, &o, xs, NULL, &info, &e), LRS_EINVAL, &e,
              "newton_max_iter = 0");
    gsl_matrix *J3 = gsl_matrix_alloc(2, 2);
    CHECK_ERR(lrs_epidemic_endemic(ep, x0, NULL, xs, J3, &info, &e), LRS_EINVAL, &e,
              "lrs_epidemic_endemic: J is 2x2; expected 40x40");
    gsl_matrix_free(J3);
    CHECK_ERR(lrs_epidemic_start(x0, 0.6, 0.3, rng, &e), LRS_EINVAL, &e,
              "lrs_epidemic_start: [0.6, 0.3]; expected 0 <= lo <= hi <= 1");
    lrs_epidemic_free(ep);
    gsl_matrix_free(K);
    gsl_matrix_free(W);
    gsl_matrix_free(J);
    gsl_matrix_free(J2);
    gsl_vector_free(x0);
    gsl_vector_free(xs);
    gsl_vector_free(x);
    gsl_rng_free(rng);
}

/* F(x, p) on a 3-node path graph against the formula written out by hand. */
static void test_rhs_path_graph(void)
{
    lrs_err_t e;
    gsl_matrix *A = matrix_of(3, 3, (const double[]){0, 1, 0, 1, 0, 1, 0, 1, 0});
    gsl_matrix *W = gsl_matrix_alloc(3, 3);
    double smax = 0;
    CHECK_OK(lrs_epidemic_normalize(A, W, &smax, &e), &e);
    CHECK_REL(smax, sqrt(2.0), 8 * EPS); /* path graph P3: eigenvalues 0, +-sqrt 2 */
    CHECK_REL(gsl_matrix_get(W, 0, 1), 1.0 / sqrt(2.0), 8 * EPS);
    lrs_epidemic_t *ep = NULL;
    CHECK_OK(lrs_epidemic_alloc(&ep, W, 3.0, &e), &e);
    double xv[3] = {0.2, 0.5, 0.7}, pv[3] = {0.1, -0.2, 0.3};
    gsl_vector_view x = gsl_vector_view_array(xv, 3), p = gsl_vector_view_array(pv, 3);
    gsl_vector *f = gsl_vector_alloc(3);
    CHECK_OK(lrs_epidemic_rhs(ep, &x.vector, &p.vector, f, &e), &e);
    double s = 1.0 / sqrt(2.0), g = 3.0;
    double wx[3] = {s * 0.5, s * (0.2 + 0.7), s * 0.5};
    for (int i = 0; i < 3; i++) {
        double want = -xv[i] + (1 - xv[i]) * g * wx[i] + pv[i] * xv[i] * (1 - xv[i]);
        CHECK_ABS(gsl_vector_get(f, i), want, 8 * EPS);
    }
    /* p = NULL is p = 0; a strided x gives the same numbers. */
    CHECK_OK(lrs_epidemic_rhs(ep, &x.vector, NULL, f, &e), &e);
    double buf[6] = {0.2, -1, 0.5, -1, 0.7, -1};
    gsl_vector_view xs = gsl_vector_view_array_with_stride(buf, 2, 3);
    gsl_vector *f2 = gsl_vector_alloc(3);
    CHECK_OK(lrs_epidemic_rhs(ep, &xs.vector, NULL, f2, &e), &e);
    for (int i = 0; i < 3; i++) {
        double want = -xv[i] + (1 - xv[i]) * g * wx[i];
        CHECK_ABS(gsl_vector_get(f, i), want, 8 * EPS);
        CHECK(gsl_vector_get(f2, i) == gsl_vector_get(f, i), "strided x: unit %d differs", i);
    }
    gsl_vector_free(f);
    gsl_vector_free(f2);
    lrs_epidemic_free(ep);
    gsl_matrix_free(A);
    gsl_matrix_free(W);
}

/* F(x, p) by the sparse (compressed-row) product, taken when at most a
 * quarter of W is nonzero, and by the dense one, against the formula summed
 * term by term: random W with 10% and 60% nonzeros (rows of 1-3 and ~30
 * nonzeros exercise the unrolled and the remainder loops). */
static void check_rhs_density(double density, unsigned long seed)
{
    lrs_err_t e;
    size_t N = 53;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    gsl_vector *x = gsl_vector_alloc(N), *p = gsl_vector_alloc(N), *f = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < N; j++)
            if (gsl_rng_uniform(rng) < density)
                gsl_matrix_set(W, i, j, gsl_rng_uniform(rng) / (density * (double)N));
        gsl_vector_set(x, i, gsl_rng_uniform(rng));
        gsl_vector_set(p, i, gsl_rng_uniform(rng) - 0.5);
    }
    lrs_epidemic_t *ep = NULL;
    double g = 2.5;
    CHECK_OK(lrs_epidemic_alloc(&ep, W, g, &e), &e);
    CHECK_OK(lrs_epidemic_rhs(ep, x, p, f, &e), &e);
    for (size_t i = 0; i < N; i++) {
        double wx = 0, scale = 0, xi = gsl_vector_get(x, i), pi = gsl_vector_get(p, i);
        for (size_t j = 0; j < N; j++) {
            wx += gsl_matrix_get(W, i, j) * gsl_vector_get(x, j);
            scale += fabs(gsl_matrix_get(W, i, j) * gsl_vector_get(x, j));
        }
        double want = -xi + (1 - xi) * g * wx + pi * xi * (1 - xi);
        CHECK_ABS(gsl_vector_get(f, i), want, 4 * (double)N * EPS * (1 + g * scale));
    }
    lrs_epidemic_free(ep);
    gsl_vector_free(x);
    gsl_vector_free(p);
    gsl_vector_free(f);
    gsl_matrix_free(W);
    gsl_rng_free(rng);
}

static void test_rhs_sparse_and_dense(void)
{
    check_rhs_density(0.1, 11);
    check_rhs_density(0.6, 12);
}

/* Adaptive integration against the logistic closed form on K_20. */
static void test_relax_logistic_closed_form(void)
{
    lrs_err_t e;
    const size_t n = 20;
    kn_model_t m = kn_model(n);
    gsl_vector_set_all(m.x0, 0.05);
    gsl_vector_set_all(m.x, 0.0);
    /* ||x(t) - 0|| = sqrt(n) c(t): the curve gives c(t) at 51 times. */
    curve_t cv = kn_relax_curve(&m, 5.0, 51);
    double worst = 0;
    for (size_t k = 0; k < 51; k++) {
        double tk = gsl_vector_get(cv.t, k);
        CHECK_REL(tk, 0.1 * (double)k, 4 * EPS);
        double c = gsl_vector_get(cv.d, k) / sqrt((double)n);
        worst = fmax(worst, fabs(c - logistic(0.05, 3.0, 0.0, tk)) / logistic(0.05, 3.0, 0.0, tk));
    }
    CHECK(worst < 1e-8, "max relative error vs logistic %.3g; tol 1e-8 (integrator tol 1e-10)", worst);
    /* lrs_epidemic_relax leaves x(T) in x. */
    CHECK_OK(lrs_epidemic_relax(m.ep, m.x0, 5.0, 1, NULL, NULL, NULL, &e), &e);
    CHECK_REL(gsl_vector_get(m.x0, 7), logistic(0.05, 3.0, 0.0, 5.0), 1e-8);
    curve_free(&cv);
    kn_free(&m);
}

/* Newton on K_n: x* = 1 - 1/gamma exactly. */
static void test_fixed_point_complete_graph(void)
{
    lrs_err_t e;
    gsl_matrix *W = complete_graph_W(30);
    lrs_epidemic_t *ep = NULL;
    CHECK_OK(lrs_epidemic_alloc(&ep, W, 2.5, &e), &e);
    gsl_vector *x = gsl_vector_alloc(30);
    for (size_t i = 0; i < 30; i++)
        gsl_vector_set(x, i, 0.3 + 0.01 * (double)i); /* non-uniform start */
    double res = 1;
    size_t it = 0;
    CHECK_OK(lrs_epidemic_fixed_point(ep, x, 1e-13, 50, &res, &it, &e), &e);
    CHECK(res <= 1e-13, "residual %.3g; tol 1e-13", res);
    CHECK(it >= 1 && it <= 12, "%zu Newton iterations; expected 1..12 (quadratic convergence)", it);
    for (size_t i = 0; i < 30; i++)
        CHECK_REL(gsl_vector_get(x, i), 1.0 - 1.0 / 2.5, 1e-12);
    gsl_vector_free(x);
    lrs_epidemic_free(ep);
    gsl_matrix_free(W);
}

/* The Figure 6 protocol on a synthetic school network: relax from
 * x0 ~ U(0.3, 0.6) for T = 300 (adaptive Dormand-Prince), polish with Newton: residual
 * below 1e-9, endemic (x* > 0), and the relaxed state already
 * within 1e-6 of it (integrator tolerance 1e-10, relaxation ~ e^{-300}). */
static void test_fixed_point_school_residual(void)
{
    lrs_err_t e;
    const size_t N = LRS_EPI_SCHOOL_N;
    gsl_matrix *W;
    lrs_epidemic_t *ep = school_model(N, 9, 11, &W);
    if (!W)
        return;
    gsl_rng *rng = new_rng(5);
    gsl_vector *x = gsl_vector_alloc(N), *xr = gsl_vector_alloc(N), *f = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(x, i, 0.3 + 0.3 * gsl_rng_uniform(rng));
    CHECK_OK(lrs_epidemic_relax(ep, x, 300.0, 10, NULL, NULL, NULL, &e), &e);
    gsl_vector_memcpy(xr, x);
    double res = 1;
    size_t it = 99;
    CHECK_OK(lrs_epidemic_fixed_point(ep, x, 1e-12, 20, &res, &it, &e), &e);
    CHECK(res < 1e-9, "Newton residual %.3g; tol 1e-9", res);
    CHECK(it <= 3, "%zu Newton iterations from the relaxed state; expected <= 3", it);
    /* Independent check of the residual through the public RHS. */
    CHECK_OK(lrs_epidemic_rhs(ep, x, NULL, f, &e), &e);
    double fmaxabs = 0, xmin = 1, dmax = 0;
    for (size_t i = 0; i < N; i++) {
        fmaxabs = fmax(fmaxabs, fabs(gsl_vector_get(f, i)));
        xmin = fmin(xmin, gsl_vector_get(x, i));
        dmax = fmax(dmax, fabs(gsl_vector_get(x, i) - gsl_vector_get(xr, i)));
    }
    CHECK(fmaxabs < 1e-9, "||F(x*)||_inf = %.3g; tol 1e-9", fmaxabs);
    CHECK(xmin > 0.05 && xmin < 1, "min x* = %g; expected the endemic state (> 0.05)", xmin);
    CHECK(dmax < 1e-6, "relaxed state is %.3g from x*; tol 1e-6", dmax);
    gsl_vector_free(x);
    gsl_vector_free(xr);
    gsl_vector_free(f);
    gsl_rng_free(rng);
    lrs_epidemic_free(ep);
    gsl_matrix_free(W);
}

/* J against central finite differences of F.  F is quadratic in x, so the
 * central difference is exact up to rounding, ~eps |F| / h = 1e-12 for
 * h = 1e-3: tolerance 1e-10 absolute. */
static void test_jacobian_finite_differences(void)
{
    lrs_err_t e;
    const size_t N = 40;
    gsl_matrix *W;
    lrs_epidemic_t *ep = school_model(N, 4, 3, &W);
    if (!W)
        return;
    gsl_rng *rng = new_rng(9);
    gsl_vector *x = gsl_vector_alloc(N), *xp = gsl_vector_alloc(N), *fp = gsl_vector_alloc(N),
               *fm = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(x, i, gsl_rng_uniform(rng));
    gsl_matrix *J = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_epidemic_jacobian(ep, x, J, &e), &e);
    const double h = 1e-3;
    double worst = 0;
    for (size_t j = 0; j < N; j++) {
        gsl_vector_memcpy(xp, x);
        gsl_vector_set(xp, j, gsl_vector_get(x, j) + h);
        lrs_epidemic_rhs(ep, xp, NULL, fp, &e);
        gsl_vector_set(xp, j, gsl_vector_get(x, j) - h);
        lrs_epidemic_rhs(ep, xp, NULL, fm, &e);
        for (size_t i = 0; i < N; i++) {
            double fd = (gsl_vector_get(fp, i) - gsl_vector_get(fm, i)) / (2 * h);
            worst = fmax(worst, fabs(fd - gsl_matrix_get(J, i, j)));
        }
    }
    CHECK(worst < 1e-10, "max |J - finite differences| = %.3g; tol 1e-10", worst);
    /* K_n at its fixed point: J = -gamma I + W exactly. */
    gsl_matrix *Wk = complete_graph_W(12);
    lrs_epidemic_t *ek = NULL;
    CHECK_OK(lrs_epidemic_alloc(&ek, Wk, 3.0, &e), &e);
    gsl_vector *xk = gsl_vector_alloc(12);
    gsl_vector_set_all(xk, 2.0 / 3.0);
    gsl_matrix *Jk = gsl_matrix_alloc(12, 12);
    CHECK_OK(lrs_epidemic_jacobian(ek, xk, Jk, &e), &e);
    double wk = 0;
    for (size_t i = 0; i < 12; i++)
        for (size_t j = 0; j < 12; j++)
            wk = fmax(wk, fabs(gsl_matrix_get(Jk, i, j) -
                               ((i == j ? -3.0 : 0.0) + gsl_matrix_get(Wk, i, j))));
    CHECK(wk < 16 * EPS, "K_12: max |J - (-3 I + W)| = %.3g; tol 16 eps", wk);
    gsl_matrix_free(Jk);
    gsl_vector_free(xk);
    lrs_epidemic_free(ek);
    gsl_matrix_free(Wk);
    gsl_matrix_free(J);
    gsl_vector_free(x);
    gsl_vector_free(xp);
    gsl_vector_free(fp);
    gsl_vector_free(fm);
    gsl_rng_free(rng);
    lrs_epidemic_free(ep);
    gsl_matrix_free(W);
}

/* n samples of f as the relaxation curves are sampled: t_k = 0.01 k,
 * d_k = f(t_k). */
static curve_t sampled_curve(double (*f)(double), size_t n)
{
    curve_t c = curve_alloc(n);
    for (size_t k = 0; k < n; k++) {
        double tk = 0.01 * (double)k;
        gsl_vector_set(c.t, k, tk);
        gsl_vector_set(c.d, k, f(tk));
    }
    return c;
}

/* 2.5 e^{-t / 0.65}: amplitude 2.5, relaxation time 0.65. */
static double one_rate(double t)
{
    return 2.5 * exp(-t / 0.65);
}

/* e^{-t} + 5 e^{-4 t} above a floor of 1e-11. */
static double two_rates_floor(double t)
{
    return fmax(exp(-t) + 5 * exp(-4 * t), 1e-11);
}

/* A synthetic exponential: both fits recover the rate and the amplitude. */
static void test_fit_synthetic_exponential(void)
{
    lrs_err_t e;
    const size_t n = 1001;
    curve_t c = sampled_curve(one_rate, n);
    double a = 0, tau = 0;
    size_t used = 0;
    CHECK_OK(lrs_epidemic_fit_exp(c.t, c.d, 0, 10, 0, LRS_EPI_FIT_LOG, &a, &tau, &used, &e), &e);
    CHECK_REL(tau, 0.65, 1e-12);
    CHECK_REL(a, 2.5, 1e-12);
    CHECK(used == n, "used %zu samples; expected %zu", used, n);
    CHECK_OK(lrs_epidemic_fit_exp(c.t, c.d, 0, 10, 0, LRS_EPI_FIT_LINEAR, &a, &tau, NULL, &e), &e);
    CHECK_REL(tau, 0.65, 1e-10);
    CHECK_REL(a, 2.5, 1e-10);
    /* A window that starts late: the amplitude is still the one at t = 0. */
    CHECK_OK(lrs_epidemic_fit_exp(c.t, c.d, 3, 6, 0, LRS_EPI_FIT_LINEAR, &a, &tau, &used, &e), &e);
    CHECK_REL(tau, 0.65, 1e-10);
    CHECK_REL(a, 2.5, 1e-9);
    CHECK(used == 301, "window [3, 6] used %zu samples; expected 301", used);
    curve_free(&c);
}

/* Two rates and a floor: the LOG fit on a tail window finds the slow rate;
 * d_min removes the floor; the LINEAR fit of the whole curve lies between. */
static void test_fit_window_and_floor(void)
{
    lrs_err_t e;
    const size_t n = 3001;
    curve_t c = sampled_curve(two_rates_floor, n);
    double tau = 0;
    /* at t = 8 the fast part is 5 e^{-24} ~ 2e-10 of the slow one */
    CHECK_OK(lrs_epidemic_fit_exp(c.t, c.d, 8, 30, 1e-10, LRS_EPI_FIT_LOG, NULL, &tau, NULL, &e),
             &e);
    CHECK_REL(tau, 1.0, 1e-8);
    CHECK_OK(lrs_epidemic_fit_exp(c.t, c.d, 0, 30, 0, LRS_EPI_FIT_LINEAR, NULL, &tau, NULL, &e),
             &e);
    CHECK(tau > 0.25 && tau < 1.0, "whole-curve linear fit tau = %g; expected in (0.25, 1)", tau);
    curve_free(&c);
}

/* The relaxation time of the full chain on K_n: near x* the slowest rate is
 * gamma - 1 (the uniform mode), so tau = 1/(gamma - 1) = 0.5 for gamma = 3. */
static void test_relaxation_time_complete_graph(void)
{
    lrs_err_t e;
    const size_t n = 25;
    kn_model_t m = kn_model(n);
    gsl_vector_set_all(m.x, 2.0 / 3.0);
    for (size_t i = 0; i < n; i++)
        gsl_vector_set(m.x0, i, 2.0 / 3.0 + 1e-3 * (1.0 + 0.1 * (double)(i % 3)));
    curve_t c = kn_relax_curve(&m, 15.0, 301);
    double tau = 0;
    /* window: t >= 3 (the non-uniform modes, rate 3 + 1/24, are e^{-3} below
     * the uniform one at t = 3 and fall further), d above 1e-9 (integrator tol) */
    CHECK_OK(lrs_epidemic_fit_exp(c.t, c.d, 3, 15, 1e-9, LRS_EPI_FIT_LOG, NULL, &tau, NULL, &e),
             &e);
    CHECK_REL(tau, 0.5, 1e-3);
    curve_free(&c);
    kn_free(&m);
}

/* Nine classes of near-equal sizes laid out in order, symmetric 0/1 with zero
 * diagonal; densities within/between classes match p_in/p_out within 5
 * binomial standard deviations; same seed -> same network. */
/* lrs_epidemic_normalize_sv: the singular values it returns with W are W's
 * own (a separate SVD of W agrees to 8 N eps, sv_0 = 1 exactly) on a
 * synthetic school network; a wrong length is refused. */
static void test_normalize_sv(void)
{
    lrs_err_t e;
    const size_t N = LRS_EPI_SCHOOL_N;
    gsl_matrix *A = gsl_matrix_alloc(N, N), *W = gsl_matrix_alloc(N, N);
    gsl_vector *sv = gsl_vector_alloc(N), *ref = gsl_vector_alloc(N), *bad = gsl_vector_alloc(3);
    gsl_rng *rng = new_rng(7);
    CHECK_OK(lrs_epidemic_school_network(A, LRS_EPI_SCHOOL_CLASSES, LRS_EPI_SCHOOL_P_IN,
                                         LRS_EPI_SCHOOL_P_OUT, rng, NULL, &e), &e);
    double smax = 0;
    CHECK_OK(lrs_epidemic_normalize_sv(A, W, &smax, sv, &e), &e);
    CHECK_OK(lrs_spectra_svd(W, ref, NULL, NULL, &e), &e);
    double worst = 0;
    for (size_t k = 0; k < N; k++)
        worst = fmax(worst, fabs(gsl_vector_get(sv, k) - gsl_vector_get(ref, k)));
    CHECK(worst <= 8 * (double)N * EPS, "sv vs the SVD of W: max |difference| %.3g > 8 N eps",
          worst);
    CHECK(gsl_vector_get(sv, 0) == 1.0, "sv_0 = %.17g; want 1", gsl_vector_get(sv, 0));
    CHECK_ERR(lrs_epidemic_normalize_sv(A, W, NULL, bad, &e), LRS_EINVAL, &e,
              "sv has length 3; expected N = 327");
    gsl_rng_free(rng);
    gsl_vector_free(bad);
    gsl_vector_free(ref);
    gsl_vector_free(sv);
    gsl_matrix_free(W);
    gsl_matrix_free(A);
}

static void test_school_network(void)
{
    lrs_err_t e;
    const size_t N = LRS_EPI_SCHOOL_N, C = LRS_EPI_SCHOOL_CLASSES;
    const double pin = LRS_EPI_SCHOOL_P_IN, pout = LRS_EPI_SCHOOL_P_OUT;
    gsl_matrix *A = gsl_matrix_alloc(N, N), *A2 = gsl_matrix_alloc(N, N);
    size_t *cls = malloc(N * sizeof *cls);
    gsl_rng *rng = new_rng(42);
    CHECK_OK(lrs_epidemic_school_network(A, C, pin, pout, rng, cls, &e), &e);
    size_t size[LRS_EPI_SCHOOL_CLASSES] = {0};
    int ordered = 1;
    for (size_t i = 0; i < N; i++) {
        CHECK(cls[i] < C, "class %zu of student %zu; expected < 9", cls[i], i);
        if (cls[i] < C)
            size[cls[i]]++;
        if (i && cls[i] < cls[i - 1])
            ordered = 0;
    }
    CHECK(ordered, "classes are not laid out in order");
    size_t smin = N, smax = 0, total = 0;
    for (size_t c = 0; c < C; c++) {
        smin = size[c] < smin ? size[c] : smin;
        smax = size[c] > smax ? size[c] : smax;
        total += size[c];
    }
    CHECK(total == N && smin == 36 && smax == 37,
          "class sizes %zu..%zu, total %zu; expected 36..37, total 327", smin, smax, total);
    double in_pairs = 0, in_edges = 0, out_pairs = 0, out_edges = 0;
    int sym = 1, binary = 1;
    for (size_t i = 0; i < N; i++) {
        CHECK(gsl_matrix_get(A, i, i) == 0.0, "self-contact at %zu", i);
        for (size_t j = i + 1; j < N; j++) {
            double a = gsl_matrix_get(A, i, j);
            sym &= a == gsl_matrix_get(A, j, i);
            binary &= a == 0.0 || a == 1.0;
            if (cls[i] == cls[j]) {
                in_pairs++;
                in_edges += a;
            } else {
                out_pairs++;
                out_edges += a;
            }
        }
    }
    CHECK(sym && binary, "A must be symmetric 0/1");
    double sd_in = sqrt(pin * (1 - pin) / in_pairs), sd_out = sqrt(pout * (1 - pout) / out_pairs);
    CHECK_ABS(in_edges / in_pairs, pin, 5 * sd_in);
    CHECK_ABS(out_edges / out_pairs, pout, 5 * sd_out);
    CHECK(in_pairs == 5778, "within-class pairs %g; expected 3*C(37,2) + 6*C(36,2) = 5778",
          in_pairs);
    /* same seed -> the same network */
    gsl_rng_set(rng, 42);
    CHECK_OK(lrs_epidemic_school_network(A2, C, pin, pout, rng, NULL, &e), &e);
    CHECK(gsl_matrix_equal(A, A2), "same seed gave a different network");
    gsl_rng_set(rng, 43);
    CHECK_OK(lrs_epidemic_school_network(A2, C, pin, pout, rng, NULL, &e), &e);
    CHECK(!gsl_matrix_equal(A, A2), "a different seed gave the same network");
    free(cls);
    gsl_rng_free(rng);
    gsl_matrix_free(A);
    gsl_matrix_free(A2);
}

/* Observer used by the run tests: checks block layout and keeps what the
 * tests need. */
typedef struct {
    size_t next_n0, rows;
    double dt;
    int bad_layout;
    double max_absZ, max_absR, max_absX;
    double z_at;  /* Z[k_at][0] */
    size_t k_at;
} check_obs_t;

static int check_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    check_obs_t *c = self;
    if (b->n0 != c->next_n0 || b->dt != c->dt || !b->Z || !b->X ||
        b->X->size1 != b->Z->size1)
        c->bad_layout = 1;
    for (size_t i = 0; i < b->Z->size1; i++) {
        if (b->n0 + i == c->k_at)
            c->z_at = gsl_matrix_get(b->Z, i, 0);
        for (size_t j = 0; j < b->Z->size2; j++) {
            c->max_absZ = fmax(c->max_absZ, fabs(gsl_matrix_get(b->Z, i, j)));
            c->max_absX = fmax(c->max_absX, fabs(gsl_matrix_get(b->X, i, j)));
            if (b->R)
                c->max_absR = fmax(c->max_absR, fabs(gsl_matrix_get(b->R, i, j)));
        }
    }
    c->next_n0 += b->Z->size1;
    c->rows += b->Z->size1;
    return 0;
}

/* An RK4 run (dt = 0.01) on m from m->x0 over [0, T] with input `in`, every
 * step seen by a check_obs_t observer that records the row k_at. */
static check_obs_t kn_rk4_run(kn_model_t *m, double T, lrs_input_t *in, size_t k_at)
{
    lrs_err_t e;
    lrs_epidemic_run_t r = lrs_epidemic_run_default();
    r.stepper = LRS_EPI_RK4;
    r.dt = 0.01;
    r.T = T;
    r.x0 = m->x0;
    check_obs_t c = {0};
    c.dt = r.dt;
    c.k_at = k_at;
    lrs_observer_t o = {check_observe, &c, 0};
    CHECK_OK(lrs_epidemic_run(m->ep, &r, in, &o, 1, &e), &e);
    return c;
}

/* Unperturbed fixed-step runs on K_n against the logistic closed form:
 * RK4 error ~ dt^4 (ratio 16 when dt halves), Euler ~ dt (ratio 2); the
 * observers see every step once, in order, with Z = x - xref. */
static void test_run_steppers_logistic(void)
{
    lrs_err_t e;
    const size_t n = 10;
    kn_model_t m = kn_model(n);
    gsl_vector_set_all(m.x0, 0.1);
    double errs[2][2];
    for (int s = 0; s < 2; s++)
        for (int h = 0; h < 2; h++) {
            lrs_epidemic_run_t r = lrs_epidemic_run_default();
            r.stepper = s ? LRS_EPI_RK4 : LRS_EPI_EULER;
            r.dt = (s ? 0.05 : 0.002) / (h ? 2.0 : 1.0);
            r.T = 3.0 + r.dt; /* nt = T/dt steps: the last state is at t = 3 */
            r.x0 = m.x0;
            CHECK_OK(lrs_epidemic_run(m.ep, &r, NULL, NULL, 0, &e), &e);
            CHECK_OK(lrs_epidemic_final_state(m.ep, m.x, &e), &e);
            errs[s][h] = fabs(gsl_vector_get(m.x, 3) - logistic(0.1, 3.0, 0.0, 3.0));
        }
    CHECK(errs[1][0] < 1e-6, "RK4 dt = 0.05 error %.3g; tol 1e-6", errs[1][0]);
    double q_rk4 = errs[1][0] / errs[1][1], q_eu = errs[0][0] / errs[0][1];
    CHECK(q_rk4 > 12 && q_rk4 < 20, "RK4 error ratio %.3g for dt/2; expected ~16 (12..20)", q_rk4);
    CHECK(q_eu > 1.8 && q_eu < 2.2, "Euler error ratio %.3g for dt/2; expected ~2 (1.8..2.2)", q_eu);
    /* Streaming: 1000 steps in blocks; m.x0 = x* is kept exactly by both maps. */
    gsl_vector *xs = gsl_vector_alloc(n);
    gsl_vector_set_all(xs, 2.0 / 3.0);
    for (int s = 0; s < 2; s++) {
        lrs_epidemic_run_t r = lrs_epidemic_run_default();
        r.stepper = s ? LRS_EPI_RK4 : LRS_EPI_EULER;
        r.T = 100.0;
        r.x0 = xs;
        r.xref = xs;
        check_obs_t c = {0};
        c.dt = r.dt;
        c.k_at = 999;
        lrs_observer_t o = {check_observe, &c, 1};
        CHECK_OK(lrs_epidemic_run(m.ep, &r, NULL, &o, 1, &e), &e);
        CHECK(c.rows == 1000 && !c.bad_layout, "saw %zu rows (want 1000), layout ok %d", c.rows,
              !c.bad_layout);
        CHECK(c.max_absZ < 1e-15 && c.max_absR < 1e-15 && c.max_absX == 0.0,
              "at x*: max|Z| %.3g, max|R| %.3g, max|X| %.3g; tol 1e-15, 0", c.max_absZ,
              c.max_absR, c.max_absX);
    }
    /* Z is x - xref: with xref = 0 and m.x0 = 0.1 the last row is x(T). */
    check_obs_t c = kn_rk4_run(&m, 3.01, NULL, 300);
    CHECK_REL(c.z_at, logistic(0.1, 3.0, 0.0, 3.0), 1e-9);
    gsl_vector_free(xs);
    kn_free(&m);
}

/* A constant perturbation p0 on every node of K_n shifts the logistic:
 * r = gamma + p0 - 1, K = 1 - 1/(gamma + p0).  Through lrs_input_t. */
static void test_run_constant_perturbation(void)
{
    lrs_err_t e;
    const size_t n = 10;
    kn_model_t m = kn_model(n);
    gsl_vector *pc = gsl_vector_alloc(n);
    gsl_vector_set_all(m.x0, 0.1);
    gsl_vector_set_all(pc, 0.5);
    lrs_input_t *in = NULL;
    CHECK_OK(lrs_input_alloc(&in, n, &e), &e);
    CHECK_OK(lrs_input_add_constant(in, pc, &e), &e);
    check_obs_t c = kn_rk4_run(&m, 2.01, in, 0);
    CHECK_OK(lrs_epidemic_final_state(m.ep, m.x, &e), &e);
    CHECK_REL(gsl_vector_get(m.x, 0), logistic(0.1, 3.0, 0.5, 2.0), 1e-9);
    CHECK_REL(c.max_absX, 0.5, 0.0); /* the observers see p itself */
    lrs_input_free(in);
    gsl_vector_free(pc);
    kn_free(&m);
}

/* Every error path returns its code with a message. */
static void test_error_paths(void)
{
    lrs_err_t e;
    gsl_matrix *W = complete_graph_W(4), *Wr = gsl_matrix_alloc(4, 3), *Z = gsl_matrix_calloc(4, 4);
    lrs_epidemic_t *ep = NULL;
    CHECK_ERR(lrs_epidemic_alloc(&ep, NULL, 3.0, &e), LRS_EINVAL, &e, "W is NULL");
    CHECK_ERR(lrs_epidemic_alloc(&ep, Wr, 3.0, &e), LRS_EINVAL, &e, "W is 4x3; expected square");
    CHECK_ERR(lrs_epidemic_alloc(&ep, W, 0.0, &e), LRS_EINVAL, &e, "gamma = 0");
    CHECK_ERR(lrs_epidemic_alloc(&ep, W, NAN, &e), LRS_EINVAL, &e, "gamma = nan");
    gsl_matrix_set(Z, 1, 2, INFINITY);
    CHECK_ERR(lrs_epidemic_alloc(&ep, Z, 3.0, &e), LRS_ENONFINITE, &e, "W(1,2) is not finite");
    CHECK_ERR(lrs_epidemic_normalize(Z, Z, NULL, &e), LRS_ENONFINITE, &e, "A(1,2) is not finite");
    gsl_matrix_set_zero(Z);
    CHECK_ERR(lrs_epidemic_normalize(Z, Z, NULL, &e), LRS_EINVAL, &e, "A is zero");
    CHECK_ERR(lrs_epidemic_normalize(Wr, Wr, NULL, &e), LRS_EINVAL, &e, "expected square");
    CHECK_ERR(lrs_epidemic_normalize(W, Wr, NULL, &e), LRS_EINVAL, &e, "W is 4x3; expected 4x4");
    CHECK(ep == NULL, "failed alloc must leave *out NULL");
    CHECK_OK(lrs_epidemic_alloc(&ep, W, 3.0, &e), &e);
    gsl_vector *x = gsl_vector_alloc(4), *x5 = gsl_vector_alloc(5), *f = gsl_vector_alloc(4);
    gsl_vector_set_all(x, 0.5);
    CHECK_ERR(lrs_epidemic_rhs(ep, x5, NULL, f, &e), LRS_EINVAL, &e, "x has length 5; expected N = 4");
    CHECK_ERR(lrs_epidemic_rhs(ep, x, x5, f, &e), LRS_EINVAL, &e, "p has length 5");
    CHECK_ERR(lrs_epidemic_rhs(ep, x, NULL, x5, &e), LRS_EINVAL, &e, "dxdt has length 5");
    gsl_vector_set(x, 2, NAN);
    CHECK_ERR(lrs_epidemic_rhs(ep, x, NULL, f, &e), LRS_ENONFINITE, &e, "x has a non-finite entry");
    gsl_vector_set_all(x, 0.5);
    gsl_matrix *J3 = gsl_matrix_alloc(3, 3);
    CHECK_ERR(lrs_epidemic_jacobian(ep, x, J3, &e), LRS_EINVAL, &e, "expected 4x4");
    CHECK_ERR(lrs_epidemic_relax(ep, x, 0.0, 1, NULL, NULL, NULL, &e), LRS_EINVAL, &e, "T = 0");
    CHECK_ERR(lrs_epidemic_relax(ep, x, 1.0, 0, NULL, NULL, NULL, &e), LRS_EINVAL, &e, "nout = 0");
    /* the SIS state blows up in finite time from a large negative state */
    gsl_vector_set_all(x, -1e3);
    CHECK_ERR(lrs_epidemic_relax(ep, x, 10.0, 1, NULL, NULL, NULL, &e), LRS_EDIVERGE, &e,
              "diverged near t =");
    volatile sig_atomic_t stop = 1;
    gsl_vector_set_all(x, 0.5);
    CHECK_ERR(lrs_epidemic_relax(ep, x, 1.0, 4, NULL, NULL, &stop, &e), LRS_EINTR, &e,
              "interrupted at t = 0.25");
    CHECK_ERR(lrs_epidemic_fixed_point(ep, x, 0.0, 10, NULL, NULL, &e), LRS_EINVAL, &e, "tol = 0");
    CHECK_ERR(lrs_epidemic_fixed_point(ep, x, 1e-12, 0, NULL, NULL, &e), LRS_ENUMERIC, &e,
              "after 0 Newton iterations");
    gsl_vector *t = gsl_vector_alloc(3), *d = gsl_vector_alloc(3), *d4 = gsl_vector_alloc(4);
    for (size_t k = 0; k < 3; k++) {
        gsl_vector_set(t, k, (double)k);
        gsl_vector_set(d, k, 1.0 + (double)k);
    }
    CHECK_ERR(lrs_epidemic_fit_exp(t, d4, 0, 2, 0, LRS_EPI_FIT_LOG, NULL, NULL, NULL, &e),
              LRS_EINVAL, &e, "t has length 3 and d 4");
    CHECK_ERR(lrs_epidemic_fit_exp(t, d, 0, 2, 0, LRS_EPI_FIT_LOG, NULL, NULL, NULL, &e),
              LRS_ENUMERIC, &e, "does not decay");
    CHECK_ERR(lrs_epidemic_fit_exp(t, d, 0, 1, 0, LRS_EPI_FIT_LOG, NULL, NULL, NULL, &e),
              LRS_EINVAL, &e, "2 samples in the window");
    CHECK_ERR(lrs_epidemic_fit_exp(t, d, 2, 1, 0, LRS_EPI_FIT_LOG, NULL, NULL, NULL, &e),
              LRS_EINVAL, &e, "expected t_lo <= t_hi");
    CHECK_ERR(lrs_epidemic_fit_exp(t, d, 0, 2, 0, (lrs_epi_fit_t)7, NULL, NULL, NULL, &e),
              LRS_EINVAL, &e, "unknown fit kind 7");
    gsl_vector_set(d, 1, NAN);
    CHECK_ERR(lrs_epidemic_fit_exp(t, d, 0, 2, 0, LRS_EPI_FIT_LOG, NULL, NULL, NULL, &e),
              LRS_ENONFINITE, &e, "d[1]");
    CHECK_ERR(lrs_epidemic_relax_curve(ep, x, x, 1.0, t, d4, NULL, &e), LRS_EINVAL, &e,
              "expected equal lengths");
    lrs_epidemic_run_t r = lrs_epidemic_run_default();
    CHECK_ERR(lrs_epidemic_run(ep, &r, NULL, NULL, 0, &e), LRS_EINVAL, &e, "x0 is NULL");
    r.x0 = x;
    r.dt = -0.1;
    CHECK_ERR(lrs_epidemic_run(ep, &r, NULL, NULL, 0, &e), LRS_EINVAL, &e, "dt = -0.1");
    r.dt = 0.1;
    r.T = 0.01;
    CHECK_ERR(lrs_epidemic_run(ep, &r, NULL, NULL, 0, &e), LRS_EINVAL, &e, "no step to run");
    r.T = 10;
    r.xref = x5;
    CHECK_ERR(lrs_epidemic_run(ep, &r, NULL, NULL, 0, &e), LRS_EINVAL, &e, "xref has length 5");
    r.xref = NULL;
    CHECK_ERR(lrs_epidemic_run(ep, &r, NULL, NULL, 2, &e), LRS_EINVAL, &e, "obs is NULL");
    /* Euler with a huge step from a large state overflows */
    gsl_vector_set_all(x, -1e100);
    r.dt = 10;
    r.T = 1000;
    CHECK_ERR(lrs_epidemic_run(ep, &r, NULL, NULL, 0, &e), LRS_EDIVERGE, &e, "non-finite at t =");
    lrs_epidemic_t *fresh = NULL;
    CHECK_OK(lrs_epidemic_alloc(&fresh, W, 3.0, &e), &e);
    CHECK_ERR(lrs_epidemic_final_state(fresh, x, &e), LRS_EINVAL, &e, "no completed run");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    CHECK_ERR(lrs_epidemic_school_network(Z, 0, 0.5, 0.1, rng, NULL, &e), LRS_EINVAL, &e,
              "nclass = 0; expected 1..N = 1..4");
    CHECK_ERR(lrs_epidemic_school_network(Z, 2, 1.5, 0.1, rng, NULL, &e), LRS_EINVAL, &e,
              "p_in = 1.5");
    CHECK_ERR(lrs_epidemic_school_network(Z, 2, 0.5, 0.1, NULL, NULL, &e), LRS_EINVAL, &e,
              "rng is NULL");
    gsl_rng_free(rng);
    lrs_epidemic_free(fresh);
    lrs_epidemic_free(NULL);
    gsl_vector_free(t);
    gsl_vector_free(d);
    gsl_vector_free(d4);
    gsl_matrix_free(J3);
    gsl_vector_free(x);
    gsl_vector_free(x5);
    gsl_vector_free(f);
    lrs_epidemic_free(ep);
    gsl_matrix_free(W);
    gsl_matrix_free(Wr);
    gsl_matrix_free(Z);
}

int main(void)
{
    RUN(test_rhs_path_graph);
    RUN(test_rhs_sparse_and_dense);
    RUN(test_relax_logistic_closed_form);
    RUN(test_fixed_point_complete_graph);
    RUN(test_fixed_point_school_residual);
    RUN(test_endemic_pipeline);
    RUN(test_jacobian_finite_differences);
    RUN(test_fit_synthetic_exponential);
    RUN(test_fit_window_and_floor);
    RUN(test_relaxation_time_complete_graph);
    RUN(test_school_network);
    RUN(test_normalize_sv);
    RUN(test_run_steppers_logistic);
    RUN(test_run_constant_perturbation);
    RUN(test_error_paths);
    return harness_summary();
}
