/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/linear.h: reconstruction of the cached factorisations,
 * cached == recomputed, analytic networks (scaled identity, EP-like and
 * non-normal rank one), the verdicts, solves by residual, the prepared theory
 * entry points against the one-shot ones, error paths. */
#include "harness.h"
#include "la_check.h"
#include "lrs/connectivity.h"
#include "lrs/linear.h"
#include "lrs/spectra.h"
#include "lrs/theory.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

static const double eps = DBL_EPSILON;

static void test_reconstruction(void)
{
    lrs_err_t e;
    size_t N = 60;
    gsl_matrix *W = seeded_fig1_net(N, 3.0, 0.5, 11);
    lrs_linear_t *L = NULL;
    const gsl_vector *s, *si;
    const gsl_matrix *U, *V, *Ui, *Vi;
    const gsl_vector_complex *l;
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK(lrs_linear_size(L) == N, "size %zu", lrs_linear_size(L));
    CHECK_OK(lrs_linear_svd(L, &s, &U, &V, &e), &e);
    CHECK_OK(lrs_linear_svd_imw(L, &si, &Ui, &Vi, &e), &e);
    CHECK_OK(lrs_linear_eig(L, &l, &e), &e);
    /* W = U S V^T and I - W = U' S' V'^T to rounding */
    const gsl_matrix *IW = lrs_linear_i_minus(L, &e);
    double rw = svd_residual(W, s, U, V), ri = svd_residual(IW, si, Ui, Vi);
    CHECK(rw <= 10 * N * eps * frob(W), "||W - U S V^T|| = %.3g", rw);
    CHECK(ri <= 10 * N * eps * frob(IW), "||I - W - U S V^T|| = %.3g", ri);
    /* I - W is exactly the copy of W subtracted from the identity */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            CHECK(gsl_matrix_get(IW, i, j) ==
                      (i == j ? 1.0 : 0.0) - gsl_matrix_get(W, i, j),
                  "I - W at (%zu, %zu)", i, j);
    /* eigenvalues: sum = trace, sorted by descending real part */
    double tr = 0, sre = 0, sim = 0;
    for (size_t k = 0; k < N; k++) {
        tr += gsl_matrix_get(W, k, k);
        sre += GSL_REAL(gsl_vector_complex_get(l, k));
        sim += GSL_IMAG(gsl_vector_complex_get(l, k));
        if (k)
            CHECK(GSL_REAL(gsl_vector_complex_get(l, k)) <=
                      GSL_REAL(gsl_vector_complex_get(l, k - 1)),
                  "eigenvalue %zu out of order", k);
    }
    CHECK_ABS(sre, tr, 100 * N * eps * frob(W));
    CHECK_ABS(sim, 0.0, 100 * N * eps * frob(W));
    lrs_linear_free(L);
    gsl_matrix_free(W);
}

/* The second query returns the cache; its numbers equal a fresh
 * factorisation by lrs/spectra.h bit for bit. */
static void test_cached_equals_recomputed(void)
{
    lrs_err_t e;
    size_t N = 40;
    gsl_matrix *W = seeded_fig1_net(N, -5.0, 0.8, 3);
    lrs_linear_t *L = NULL;
    const gsl_vector *s1, *s2, *v1, *v2;
    const gsl_vector_complex *l1, *l2;
    gsl_vector *s = gsl_vector_alloc(N);
    gsl_vector_complex *l = gsl_vector_complex_alloc(N);
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_OK(lrs_linear_svd(L, &s1, NULL, NULL, &e), &e);
    CHECK_OK(lrs_linear_svd(L, &s2, NULL, NULL, &e), &e);
    CHECK(s1 == s2, "values-only SVD recomputed instead of cached");
    CHECK_OK(lrs_spectra_svd(W, s, NULL, NULL, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK(gsl_vector_get(s, k) == gsl_vector_get(s1, k), "sigma_%zu differs", k);
    CHECK_OK(lrs_linear_eig(L, &l1, &e), &e);
    CHECK_OK(lrs_linear_eig(L, &l2, &e), &e);
    CHECK(l1 == l2, "eigenvalues recomputed instead of cached");
    CHECK_OK(lrs_spectra_eig(W, l, NULL, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK(GSL_REAL(gsl_vector_complex_get(l, k)) == GSL_REAL(gsl_vector_complex_get(l1, k)) &&
                  GSL_IMAG(gsl_vector_complex_get(l, k)) == GSL_IMAG(gsl_vector_complex_get(l1, k)),
              "eigenvalue %zu differs", k);
    /* values-only after with-vectors: the with-vectors values, no new factorisation */
    const gsl_matrix *U, *V;
    CHECK_OK(lrs_linear_svd_imw(L, &v1, &U, &V, &e), &e);
    CHECK_OK(lrs_linear_svd_imw(L, &v2, NULL, NULL, &e), &e);
    CHECK(v1 == v2, "values-only query after the full SVD did not reuse it");
    double re, im;
    CHECK_OK(lrs_linear_max_real_eig(L, &re, &im, &e), &e);
    CHECK(re == GSL_REAL(gsl_vector_complex_get(l, 0)), "max Re eig %.17g", re);
    gsl_vector_free(s);
    gsl_vector_complex_free(l);
    lrs_linear_free(L);
    gsl_matrix_free(W);
}

/* W = w I: eig = w, var_k = sx^2/(1-w)^2, participation ratio N, no
 * suppression, high-dimensional; P = I. */
static void test_scaled_identity(void)
{
    lrs_err_t e;
    size_t N = 16;
    double w = 0.75, sx = 1.5, want = sx * sx / ((1 - w) * (1 - w)), rc;
    gsl_matrix *W = gsl_matrix_alloc(N, N), *P = gsl_matrix_alloc(3, 3);
    gsl_vector *var = gsl_vector_alloc(N), *sP = gsl_vector_alloc(3);
    lrs_linear_t *L = NULL;
    lrs_verdict_t v;
    int stable = 0;
    gsl_matrix_set_identity(W);
    gsl_matrix_scale(W, w);
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_OK(lrs_linear_stable(L, &stable, &e), &e);
    CHECK(stable == 1, "w = %g is stable", w);
    CHECK_OK(lrs_linear_pcvar1(L, sx, var, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK_REL(gsl_vector_get(var, k), want, 10 * N * eps);
    CHECK_REL(lrs_linear_participation_ratio(var), (double)N, 10 * N * eps);
    CHECK_OK(lrs_linear_rcond_imw(L, &rc, &e), &e);
    CHECK_REL(rc, 1.0, 10 * N * eps);
    CHECK_OK(lrs_linear_verdict(L, sx, &v, &e), &e);
    CHECK(v.lrs == LRS_SUPPRESSION_NO && v.high_dimensional == 1,
          "verdicts %s / %d", lrs_suppression_name(v.lrs), v.high_dimensional);
    CHECK(v.nsupp == 0 && v.namp == 0, "counts %zu %zu", v.nsupp, v.namp);
    CHECK_REL(v.participation, (double)N, 10 * N * eps);
    CHECK_OK(lrs_linear_overlap(L, 3, P, sP, &e), &e);
    for (size_t k = 0; k < 3; k++)
        CHECK_REL(gsl_vector_get(sP, k), 1.0, 10 * N * eps);
    lrs_linear_free(L);
    gsl_matrix_free(W);
    gsl_matrix_free(P);
    gsl_vector_free(var);
    gsl_vector_free(sP);
}

/* The prepared W = c u v^T and its one overlap P (1 x 1) with singular value
 * sP (the caller frees it with rank1_free). */
typedef struct {
    gsl_matrix *W;
    lrs_linear_t *L;
    double P, sP;
} rank1_t;

static rank1_t rank1_linear(double c, const gsl_vector *u, const gsl_vector *v)
{
    lrs_err_t e;
    size_t N = u->size;
    rank1_t m = {gsl_matrix_calloc(N, N), NULL, NAN, NAN};
    gsl_matrix *P = gsl_matrix_alloc(1, 1);
    gsl_vector *sP = gsl_vector_alloc(1);
    lrs_conn_add_rank1(m.W, c, u, v, &e);
    CHECK_OK(lrs_linear_alloc(&m.L, m.W, &e), &e);
    CHECK_OK(lrs_linear_overlap(m.L, 1, P, sP, &e), &e);
    m.P = gsl_matrix_get(P, 0, 0);
    m.sP = gsl_vector_get(sP, 0);
    gsl_matrix_free(P);
    gsl_vector_free(sP);
    return m;
}

static void rank1_free(rank1_t *m)
{
    lrs_linear_free(m->L);
    gsl_matrix_free(m->W);
}

/* The two verdicts and the counts behind them (what names the network). */
static void check_verdicts(const char *what, const lrs_verdict_t *v, lrs_suppression_t lrs,
                           int high_dimensional, size_t nsupp, size_t namp)
{
    CHECK(v->lrs == lrs && v->high_dimensional == high_dimensional && v->nsupp == nsupp &&
              v->namp == namp,
          "%s verdicts %s / %d (%zu, %zu)", what, lrs_suppression_name(v->lrs),
          v->high_dimensional, v->nsupp, v->namp);
}

/* W = c u u^T (EP-like, c = -10): P = 1, I - W has singular values 1 - c
 * (along u) and 1, so var_N = sx^2 / 121: suppression 121 (YES), nothing
 * amplified (high-dimensional YES) -- low-rank suppression without a
 * low-dimensional response (arXiv:2504.13727, Figs 2-3). */
static void test_rank1_ep(void)
{
    lrs_err_t e;
    size_t N = 21;
    double c = -10, sx = 1.0;
    gsl_vector *u = gsl_vector_alloc(N), *var = gsl_vector_alloc(N);
    lrs_verdict_t v;
    gsl_vector_set_all(u, 1.0 / sqrt((double)N));
    rank1_t m = rank1_linear(c, u, u);
    CHECK_REL(fabs(m.P), 1.0, 100 * N * eps);
    CHECK_OK(lrs_linear_pcvar1(m.L, sx, var, &e), &e);
    CHECK_REL(gsl_vector_get(var, N - 1), sx * sx / ((1 - c) * (1 - c)), 100 * N * eps);
    CHECK_REL(gsl_vector_get(var, 0), sx * sx, 100 * N * eps);
    CHECK_OK(lrs_linear_verdict(m.L, sx, &v, &e), &e);
    CHECK_REL(v.suppression, (1 - c) * (1 - c), 100 * N * eps);
    CHECK_REL(v.bulk_ms, 1.0, 100 * N * eps);
    check_verdicts("EP", &v, LRS_SUPPRESSION_YES, 1, 1, 0);
    rank1_free(&m);
    gsl_vector_free(u);
    gsl_vector_free(var);
}

/* W = c u v^T with u orthogonal to v (non-normal, c = 10): P = 0; on
 * span(u, v) I - W is [[1, -c], [0, 1]], singular values s+ s- = 1,
 * s+^2 + s-^2 = 2 + c^2, and 18 more equal to 1.  N = 20, K = 10: the bulk
 * is s- and nine 1s, m_b = (s-^2 + 9) / 10, so suppression = s+^2 / m_b and
 * amplification = m_b / s-^2: both verdicts flip (suppressed YES,
 * high-dimensional no). */
static void test_rank1_nonnormal(void)
{
    lrs_err_t e;
    size_t N = 20;
    double c = 10, sx = 2.0;
    double q = 2 + c * c, splus2 = 0.5 * (q + sqrt(q * q - 4)), sminus2 = 1 / splus2;
    double mb = (sminus2 + 9) / 10;
    gsl_vector *u = gsl_vector_calloc(N), *v = gsl_vector_calloc(N);
    lrs_verdict_t vd;
    gsl_vector_set(u, 0, 1.0);
    gsl_vector_set(v, 1, 1.0);
    rank1_t m = rank1_linear(c, u, v);
    CHECK_ABS(m.sP, 0.0, 10 * N * eps);
    CHECK_OK(lrs_linear_verdict(m.L, sx, &vd, &e), &e);
    CHECK_REL(vd.bulk_ms, mb, 100 * N * eps);
    CHECK_REL(vd.amplification, mb / sminus2, 100 * N * eps);
    CHECK_REL(vd.suppression, splus2 / mb, 100 * N * eps);
    CHECK_REL(vd.ref_var, sx * sx / mb, 100 * N * eps);
    check_verdicts("non-normal", &vd, LRS_SUPPRESSION_YES, 0, 1, 1);
    rank1_free(&m);
    gsl_vector_free(u);
    gsl_vector_free(v);
}

/* The verdicts and the participation ratio on hand-made variances
 * {100, 1, 1, 1, 0.01}: s^2 = 1 / var = {100, 1, 1, 1, 0.01} descending,
 * K = 2, m_b = (1 + 1 + 0.01) / 3, reference variance 1 / m_b. */
static void test_verdict_of(void)
{
    lrs_err_t e;
    static const double x[5] = {100, 1, 1, 1, 0.01};
    gsl_vector_const_view var = gsl_vector_const_view_array(x, 5);
    lrs_verdict_t v;
    double s = 103.01, s2 = 10000 + 3 + 1e-4, mb = 2.01 / 3;
    CHECK_OK(lrs_linear_verdict_of(&var.vector, &v, &e), &e);
    CHECK_REL(v.var_max, 100, 10 * eps);
    CHECK_REL(v.var_min, 0.01, 10 * eps);
    CHECK_REL(v.ref_var, 1 / mb, 100 * eps);
    CHECK_REL(v.participation, s * s / s2, 10 * eps);
    CHECK_REL(v.suppression, 100 / mb, 100 * eps);
    CHECK_REL(v.amplification, 100 * mb, 100 * eps);
    CHECK(v.lrs == LRS_SUPPRESSION_YES && !v.high_dimensional && v.nsupp == 1 && v.namp == 1,
          "verdicts");
    CHECK(strcmp(lrs_suppression_name(LRS_SUPPRESSION_WEAK), "weak") == 0, "name");
    CHECK(isnan(lrs_linear_participation_ratio(NULL)), "NULL participation ratio");
}

/* (I - W) y = b to rounding, y aliasing b too. */
static void test_solve(void)
{
    lrs_err_t e;
    size_t N = 50;
    gsl_matrix *W = seeded_fig1_net(N, -4.0, 0.6, 5);
    gsl_vector *b = gsl_vector_alloc(N), *y = gsl_vector_alloc(N), *r = gsl_vector_alloc(N);
    lrs_linear_t *L = NULL;
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(b, k, sin(1.0 + (double)k));
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_OK(lrs_linear_solve(L, b, y, &e), &e);
    gsl_vector_memcpy(r, b);
    const gsl_matrix *IW = lrs_linear_i_minus(L, &e);
    gsl_blas_dgemv(CblasNoTrans, 1.0, IW, y, -1.0, r);
    double tol = 10 * N * eps * (frob(IW) * gsl_blas_dnrm2(y) + gsl_blas_dnrm2(b));
    CHECK(gsl_blas_dnrm2(r) <= tol, "residual %.3g > %.3g", gsl_blas_dnrm2(r), tol);
    CHECK_OK(lrs_linear_solve(L, b, b, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK(gsl_vector_get(b, k) == gsl_vector_get(y, k), "aliased solve differs at %zu", k);
    lrs_linear_free(L);
    gsl_matrix_free(W);
    gsl_vector_free(b);
    gsl_vector_free(y);
    gsl_vector_free(r);
}

/* The prepared theory entry points give the one-shot numbers bit for bit. */
static void test_theory_prepared(void)
{
    lrs_err_t e;
    size_t N = 30;
    gsl_matrix *W = seeded_fig1_net(N, -3.0, 0.5, 9), *Cx = gsl_matrix_alloc(N, N);
    gsl_matrix *C1 = gsl_matrix_alloc(N, N), *C2 = gsl_matrix_alloc(N, N);
    gsl_vector *a = gsl_vector_alloc(N), *b = gsl_vector_alloc(N);
    lrs_linear_t *L = NULL;
    gsl_matrix_set_identity(Cx);
    gsl_matrix_set(Cx, 0, 1, 0.3);
    gsl_matrix_set(Cx, 1, 0, 0.3);
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_OK(lrs_theory_pcvar1(W, 1.3, a, &e), &e);
    CHECK_OK(lrs_linear_pcvar1(L, 1.3, b, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK(gsl_vector_get(a, k) == gsl_vector_get(b, k), "theory 1 differs at %zu", k);
    CHECK_OK(lrs_theory_pcvar2(W, Cx, a, &e), &e);
    CHECK_OK(lrs_theory_pcvar2_prepared(L, Cx, b, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK(gsl_vector_get(a, k) == gsl_vector_get(b, k), "theory 2 differs at %zu", k);
    CHECK_OK(lrs_theory_cov_quasistatic(W, NULL, 0.7, C1, &e), &e);
    CHECK_OK(lrs_theory_cov_quasistatic_prepared(L, NULL, 0.7, C2, &e), &e);
    CHECK(memcmp(C1->data, C2->data, N * N * sizeof(double)) == 0, "covariances differ");
    lrs_linear_free(L);
    gsl_matrix_free(W);
    gsl_matrix_free(Cx);
    gsl_matrix_free(C1);
    gsl_matrix_free(C2);
    gsl_vector_free(a);
    gsl_vector_free(b);
}

static void test_unstable_and_singular(void)
{
    lrs_err_t e;
    size_t N = 4;
    gsl_matrix *W = gsl_matrix_alloc(N, N), *Cov = gsl_matrix_alloc(N, N);
    gsl_vector *var = gsl_vector_alloc(N), *b = gsl_vector_alloc(N);
    lrs_linear_t *L = NULL;
    lrs_verdict_t v;
    int stable = 1;
    gsl_matrix_set_identity(W);
    gsl_matrix_scale(W, 1.23);
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_OK(lrs_linear_stable(L, &stable, &e), &e);
    CHECK(stable == 0, "1.23 I is unstable");
    CHECK_ERR(lrs_linear_pcvar1(L, 1.0, var, &e), LRS_EUNSTABLE, &e,
              "lrs_linear_pcvar1: linear network is unstable: max Re eig(W) = 1.23 >= 1");
    CHECK_ERR(lrs_linear_verdict(L, 1.0, &v, &e), LRS_EUNSTABLE, &e, "is unstable");
    CHECK_ERR(lrs_theory_cov_quasistatic_prepared(L, NULL, 1.0, Cov, &e), LRS_EUNSTABLE, &e,
              "lrs_theory_cov_quasistatic_prepared: linear network is unstable");
    lrs_linear_free(L);
    /* W = I: I - W = 0 is singular (and W marginal) */
    gsl_matrix_set_identity(W);
    gsl_vector_set_all(b, 1.0);
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_ERR(lrs_linear_solve(L, b, var, &e), LRS_ENUMERIC, &e,
              "lrs_linear_solve: I - W is singular");
    CHECK_ERR(lrs_linear_pcvar1(L, 1.0, var, &e), LRS_EUNSTABLE, &e, "max Re eig(W) = 1 >= 1");
    lrs_linear_free(L);
    gsl_matrix_free(W);
    gsl_matrix_free(Cov);
    gsl_vector_free(var);
    gsl_vector_free(b);
}

static void test_error_paths(void)
{
    lrs_err_t e;
    gsl_matrix *B = gsl_matrix_calloc(3, 2), *W = gsl_matrix_calloc(3, 3);
    gsl_matrix *P = gsl_matrix_alloc(2, 2);
    gsl_vector *v2 = gsl_vector_alloc(2), *v3 = gsl_vector_calloc(3);
    lrs_linear_t *L = NULL;
    lrs_verdict_t vd;
    CHECK_ERR(lrs_linear_alloc(&L, B, &e), LRS_EINVAL, &e,
              "lrs_linear_alloc: W is 3x2; expected square");
    CHECK(L == NULL, "L set on failure");
    CHECK_ERR(lrs_linear_alloc(&L, NULL, &e), LRS_EINVAL, &e, "lrs_linear_alloc: W is NULL");
    CHECK_ERR(lrs_linear_alloc(NULL, W, &e), LRS_EINVAL, &e, "out is NULL");
    gsl_matrix_set(W, 1, 2, NAN);
    CHECK_ERR(lrs_linear_alloc(&L, W, &e), LRS_ENONFINITE, &e,
              "lrs_linear_alloc: W (3x3) contains NaN or Inf");
    gsl_matrix_set(W, 1, 2, 0.0);
    CHECK_OK(lrs_linear_alloc(&L, W, &e), &e);
    CHECK_ERR(lrs_linear_pcvar1(L, 1.0, v2, &e), LRS_EINVAL, &e,
              "lrs_linear_pcvar1: W is 3x3; var has 2 entries");
    CHECK_ERR(lrs_linear_pcvar1(L, -1.0, v3, &e), LRS_EINVAL, &e, "sigma_x = -1");
    CHECK_ERR(lrs_linear_overlap(L, 4, P, NULL, &e), LRS_EINVAL, &e,
              "lrs_linear_overlap: r = 4; need 1 <= r <= 3");
    CHECK_ERR(lrs_linear_overlap(L, 1, P, NULL, &e), LRS_EINVAL, &e,
              "P is 2x2; expected 1x1");
    CHECK_ERR(lrs_linear_solve(L, v2, v3, &e), LRS_EINVAL, &e,
              "lrs_linear_solve: W is 3x3; b has 2 entries and y 3");
    CHECK_ERR(lrs_linear_svd(L, NULL, NULL, NULL, &e), LRS_EINVAL, &e, "s is NULL");
    CHECK_ERR(lrs_linear_verdict(L, 0.0, &vd, &e), LRS_EINVAL, &e, "need sigma_x > 0");
    CHECK_ERR(lrs_linear_eig(NULL, NULL, &e), LRS_EINVAL, &e, "lrs_linear_eig: L is NULL");
    CHECK_ERR(lrs_linear_verdict_of(v3, &vd, &e), LRS_EINVAL, &e,
              "lrs_linear_verdict_of: var[0] = 0; expected positive and finite");
    lrs_linear_free(L);
    lrs_linear_free(NULL);
    gsl_matrix_free(B);
    gsl_matrix_free(W);
    gsl_matrix_free(P);
    gsl_vector_free(v2);
    gsl_vector_free(v3);
}

int main(void)
{
    RUN(test_reconstruction);
    RUN(test_cached_equals_recomputed);
    RUN(test_scaled_identity);
    RUN(test_rank1_ep);
    RUN(test_rank1_nonnormal);
    RUN(test_verdict_of);
    RUN(test_solve);
    RUN(test_theory_prepared);
    RUN(test_unstable_and_singular);
    RUN(test_error_paths);
    return harness_summary();
}
