/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/spectra.h: SVD, eigenvalues, overlap matrices (Figure 3
 * cases), angles, subspace angles, non-normality, error paths. */
#include "harness.h"
#include "la_check.h"
#include "lrs/connectivity.h"
#include "lrs/spectra.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_complex_math.h>

static const double eps = DBL_EPSILON;

static void fill_gaussian(gsl_matrix *A, gsl_rng *r)
{
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++)
            gsl_matrix_set(A, i, j, gsl_ran_gaussian(r, 1.0));
}

static void test_svd_reconstruction(void)
{
    lrs_err_t e;
    size_t shapes[4][2] = { { 60, 40 }, { 40, 60 }, { 50, 50 }, { 1, 7 } };
    gsl_rng *r = new_rng(1);
    for (int t = 0; t < 4; t++) {
        size_t m = shapes[t][0], n = shapes[t][1], k = m < n ? m : n, mx = m > n ? m : n;
        gsl_matrix *A = gsl_matrix_alloc(m, n), *A0 = gsl_matrix_alloc(m, n);
        gsl_matrix *U = gsl_matrix_alloc(m, k), *V = gsl_matrix_alloc(n, k);
        gsl_vector *s = gsl_vector_alloc(k), *s2 = gsl_vector_alloc(k);
        fill_gaussian(A, r);
        gsl_matrix_memcpy(A0, A);
        CHECK_OK(lrs_spectra_svd(A, s, U, V, &e), &e);
        CHECK(gsl_matrix_equal(A, A0), "%zux%zu: the input was modified", m, n);
        for (size_t j = 1; j < k; j++)
            CHECK(gsl_vector_get(s, j) <= gsl_vector_get(s, j - 1), "s not descending");
        double rel = svd_residual(A, s, U, V) / frob(A);
        CHECK(rel <= 4.0 * (double)mx * eps, "%zux%zu: ||A - U S V^T||/||A|| = %.3g > 4 n eps",
              m, n, rel);
        double du = orth_defect(U), dv = orth_defect(V);
        CHECK(du <= 4.0 * (double)mx * eps && dv <= 4.0 * (double)mx * eps,
              "%zux%zu: orthogonality defects U %.3g V %.3g > 4 n eps", m, n, du, dv);
        CHECK_OK(lrs_spectra_svd(A, s2, NULL, NULL, &e), &e);
        for (size_t j = 0; j < k; j++)
            CHECK_ABS(gsl_vector_get(s2, j), gsl_vector_get(s, j),
                      4.0 * (double)mx * eps * gsl_vector_get(s, 0));
        gsl_matrix_free(A);
        gsl_matrix_free(A0);
        gsl_matrix_free(U);
        gsl_matrix_free(V);
        gsl_vector_free(s);
        gsl_vector_free(s2);
    }
    gsl_rng_free(r);
}

static void test_svd_known_values_and_errors(void)
{
    lrs_err_t e;
    gsl_matrix *A = matrix_of(3, 3, (const double[]){3, 0, 0, 0, -5, 0, 0, 0, 1});
    gsl_vector *s = gsl_vector_alloc(3);
    CHECK_OK(lrs_spectra_svd(A, s, NULL, NULL, &e), &e);
    CHECK_REL(gsl_vector_get(s, 0), 5.0, 4 * eps);
    CHECK_REL(gsl_vector_get(s, 1), 3.0, 4 * eps);
    CHECK_REL(gsl_vector_get(s, 2), 1.0, 4 * eps);
    /* strided s (a matrix column) */
    gsl_matrix *S = gsl_matrix_alloc(3, 2);
    gsl_vector_view col = gsl_matrix_column(S, 1);
    CHECK_OK(lrs_spectra_svd(A, &col.vector, NULL, NULL, &e), &e);
    CHECK_REL(gsl_matrix_get(S, 0, 1), 5.0, 4 * eps);
    CHECK_REL(gsl_matrix_get(S, 2, 1), 1.0, 4 * eps);

    gsl_vector *s2 = gsl_vector_alloc(2);
    CHECK_ERR(lrs_spectra_svd(A, s2, NULL, NULL, &e), LRS_EINVAL, &e, "s has 2 entries");
    gsl_matrix *U = gsl_matrix_alloc(3, 3);
    CHECK_ERR(lrs_spectra_svd(A, s, U, NULL, &e), LRS_EINVAL, &e, "both U and V");
    CHECK_ERR(lrs_spectra_svd(NULL, s, NULL, NULL, &e), LRS_EINVAL, &e, "A is NULL");
    gsl_matrix_set(A, 1, 2, NAN);
    CHECK_ERR(lrs_spectra_svd(A, s, NULL, NULL, &e), LRS_ENONFINITE, &e, "NaN");
    gsl_matrix_free(U);
    gsl_matrix_free(S);
    gsl_vector_free(s2);
    gsl_vector_free(s);
    gsl_matrix_free(A);
}

static void test_eig_residual(void)
{
    lrs_err_t e;
    size_t N = 80;
    gsl_rng *r = new_rng(2);
    gsl_matrix *A = gsl_matrix_alloc(N, N), *A0 = gsl_matrix_alloc(N, N);
    fill_gaussian(A, r);
    gsl_matrix_memcpy(A0, A);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    gsl_matrix_complex *R = gsl_matrix_complex_alloc(N, N);
    CHECK_OK(lrs_spectra_eig(A, lam, R, &e), &e);
    CHECK(gsl_matrix_equal(A, A0), "the input was modified");
    /* ||A R - R Lambda||_F / (||A||_F ||R||_F) <= 10 N eps (backward stable QR) */
    double res = 0, nr = 0;
    int sorted = 1, ncomplex = 0;
    for (size_t k = 0; k < N; k++) {
        gsl_complex lk = gsl_vector_complex_get(lam, k);
        if (GSL_IMAG(lk) != 0)
            ncomplex++;
        if (k > 0) {
            gsl_complex lp = gsl_vector_complex_get(lam, k - 1);
            if (GSL_REAL(lp) < GSL_REAL(lk) ||
                (GSL_REAL(lp) == GSL_REAL(lk) && GSL_IMAG(lp) < GSL_IMAG(lk)))
                sorted = 0;
        }
        double cn = 0;
        for (size_t i = 0; i < N; i++) {
            gsl_complex ar = GSL_COMPLEX_ZERO;
            for (size_t j = 0; j < N; j++)
                ar = gsl_complex_add(ar, gsl_complex_mul_real(gsl_matrix_complex_get(R, j, k),
                                                              gsl_matrix_get(A, i, j)));
            gsl_complex d = gsl_complex_sub(ar, gsl_complex_mul(gsl_matrix_complex_get(R, i, k), lk));
            res += gsl_complex_abs2(d);
            cn += gsl_complex_abs2(gsl_matrix_complex_get(R, i, k));
        }
        nr += cn;
        CHECK_ABS(sqrt(cn), 1.0, 10 * N * eps);
    }
    CHECK(sorted, "eigenvalues not sorted by descending real part, then imaginary part");
    CHECK(ncomplex > 0, "a Gaussian 80x80 matrix should have complex eigenvalues");
    double rel = sqrt(res) / (frob(A) * sqrt(nr));
    CHECK(rel <= 10.0 * (double)N * eps, "||A R - R L|| rel = %.3g > 10 N eps", rel);
    gsl_matrix_free(A);
    gsl_matrix_free(A0);
    gsl_vector_complex_free(lam);
    gsl_matrix_complex_free(R);
    gsl_rng_free(r);
}

static void test_eig_known(void)
{
    lrs_err_t e;
    /* rotation by theta: eigenvalues cos theta +/- i sin theta, +i first */
    double th = 0.7;
    gsl_matrix *Rot = matrix_of(2, 2, (const double[]){cos(th), -sin(th), sin(th), cos(th)});
    gsl_vector_complex *l2 = gsl_vector_complex_alloc(2);
    CHECK_OK(lrs_spectra_eig(Rot, l2, NULL, &e), &e);
    CHECK_ABS(GSL_REAL(gsl_vector_complex_get(l2, 0)), cos(th), 4 * eps);
    CHECK_ABS(GSL_IMAG(gsl_vector_complex_get(l2, 0)), sin(th), 4 * eps);
    CHECK_ABS(GSL_REAL(gsl_vector_complex_get(l2, 1)), cos(th), 4 * eps);
    CHECK_ABS(GSL_IMAG(gsl_vector_complex_get(l2, 1)), -sin(th), 4 * eps);
    double re, im;
    CHECK_OK(lrs_spectra_max_real_eig(Rot, &re, &im, &e), &e);
    CHECK_ABS(re, cos(th), 4 * eps);
    CHECK_ABS(im, sin(th), 4 * eps);

    /* upper triangular: eigenvalues are the diagonal */
    double d[5] = { 0.5, -3, 2, 1e-3, -0.25 }, want[5] = { 2, 0.5, 1e-3, -0.25, -3 };
    gsl_matrix *T = gsl_matrix_calloc(5, 5);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = i; j < 5; j++)
            gsl_matrix_set(T, i, j, i == j ? d[i] : 1.0 + (double)(i + j));
    gsl_vector_complex *l5 = gsl_vector_complex_alloc(5);
    CHECK_OK(lrs_spectra_eig(T, l5, NULL, &e), &e);
    for (size_t k = 0; k < 5; k++) {
        CHECK_ABS(GSL_REAL(gsl_vector_complex_get(l5, k)), want[k], 100 * eps);
        CHECK_ABS(GSL_IMAG(gsl_vector_complex_get(l5, k)), 0.0, 100 * eps);
    }
    gsl_matrix *B = gsl_matrix_alloc(200, 199);
    gsl_vector_complex *lb = gsl_vector_complex_alloc(200);
    CHECK_ERR(lrs_spectra_eig(B, lb, NULL, &e), LRS_EINVAL, &e, "A is 200x199; expected square");
    CHECK_ERR(lrs_spectra_max_real_eig(B, &re, &im, &e), LRS_EINVAL, &e,
              "A is 200x199; expected square");
    gsl_matrix_set(T, 1, 1, INFINITY);
    CHECK_ERR(lrs_spectra_eig(T, l5, NULL, &e), LRS_ENONFINITE, &e, "NaN or Inf");
    gsl_matrix_free(B);
    gsl_vector_complex_free(lb);
    gsl_matrix_free(Rot);
    gsl_matrix_free(T);
    gsl_vector_complex_free(l2);
    gsl_vector_complex_free(l5);
}

/* Figure 3 set-up: N = 500, s = sqrt(N) (1.5, 0.5), e1..e4 random orthonormal,
 * U = [e1, e2] and V by case; W0 = U S V^T and W = W0 + 0.5 G / sqrt(N). */
enum { CASE_NORMAL, CASE_EP, CASE_NONEP };
static void fig3_matrices(int kase, gsl_matrix *W0, gsl_matrix *W)
{
    lrs_err_t e;
    size_t N = W0->size1;
    gsl_rng *r = new_rng(33);
    gsl_matrix *E = gsl_matrix_alloc(N, 4), *U = gsl_matrix_alloc(N, 2), *V = gsl_matrix_alloc(N, 2);
    gsl_vector *s = gsl_vector_alloc(2);
    lrs_conn_orthonormal(r, E, &e);
    gsl_vector_set(s, 0, 1.5 * sqrt((double)N));
    gsl_vector_set(s, 1, 0.5 * sqrt((double)N));
    for (size_t i = 0; i < N; i++) {
        double e1 = gsl_matrix_get(E, i, 0), e2 = gsl_matrix_get(E, i, 1), e3 = gsl_matrix_get(E, i, 2);
        gsl_matrix_set(U, i, 0, e1);
        gsl_matrix_set(U, i, 1, e2);
        switch (kase) {
        case CASE_NORMAL: gsl_matrix_set(V, i, 0, -e1); gsl_matrix_set(V, i, 1, -e2); break;
        case CASE_EP: gsl_matrix_set(V, i, 0, e2); gsl_matrix_set(V, i, 1, -e1); break;
        default: gsl_matrix_set(V, i, 0, e3); gsl_matrix_set(V, i, 1, -e1); break;
        }
    }
    gsl_matrix_set_zero(W0);
    lrs_conn_add_lowrank(W0, U, s, V, &e);
    gsl_matrix_memcpy(W, W0);
    lrs_conn_add_gaussian(W, 0.5, r, &e);
    gsl_matrix_free(E);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_vector_free(s);
    gsl_rng_free(r);
}

/*
 * P = U_2^T V_2 for the three Figure 3 overlap structures.  For W0 itself the
 * answer is exact up to rounding (tol 1e-10; singular vectors carry errors
 * ~ eps ||W0|| / gap).  For W = W0 + W1 the top-2 singular vectors move by at
 * most ~ ||W1|| / (s_2 - ||W1||) (Wedin's sin-theta theorem): ||W1|| ~ 2 rho =
 * 1 and s_2 = 11.2, so P moves by at most ~0.1 per entry; we allow 0.15.
 */
static void test_overlap_fig3(void)
{
    lrs_err_t e;
    size_t N = 500;
    gsl_matrix *W0 = gsl_matrix_alloc(N, N), *W = gsl_matrix_alloc(N, N);
    gsl_matrix *P = gsl_matrix_alloc(2, 2);
    gsl_vector *sP = gsl_vector_alloc(2);
    /* Joint sign flips of (u_k, v_k) flip the off-diagonal signs of P, so we
     * compare |P_ij| and the singular values of P. */
    double Pabs[3][4] = { { 1, 0, 0, 1 }, { 0, 1, 1, 0 }, { 0, 1, 0, 0 } };
    double sPwant[3][2] = { { 1, 1 }, { 1, 1 }, { 1, 0 } };
    const char *names[3] = { "normal", "EP", "non-EP" };
    for (int kase = 0; kase < 3; kase++) {
        fig3_matrices(kase, W0, W);
        for (int noisy = 0; noisy < 2; noisy++) {
            double tol = noisy ? 0.15 : 1e-10;
            CHECK_OK(lrs_spectra_overlap(noisy ? W : W0, 2, P, sP, &e), &e);
            for (int ij = 0; ij < 4; ij++)
                CHECK(fabs(fabs(gsl_matrix_get(P, ij / 2, ij % 2)) - Pabs[kase][ij]) <= tol,
                      "%s%s: |P_%d%d| = %.6g, want %g (tol %g)", names[kase],
                      noisy ? " + noise" : "", ij / 2 + 1, ij % 2 + 1,
                      fabs(gsl_matrix_get(P, ij / 2, ij % 2)), Pabs[kase][ij], tol);
            for (int k = 0; k < 2; k++)
                CHECK(fabs(gsl_vector_get(sP, k) - sPwant[kase][k]) <= tol,
                      "%s%s: sigma_%d(P) = %.6g, want %g (tol %g)", names[kase],
                      noisy ? " + noise" : "", k + 1, gsl_vector_get(sP, k), sPwant[kase][k], tol);
        }
        /* normal case: V = -U gives P = -I exactly (diagonal is sign-invariant) */
        if (kase == CASE_NORMAL) {
            CHECK_OK(lrs_spectra_overlap(W0, 2, P, NULL, &e), &e);
            CHECK_ABS(gsl_matrix_get(P, 0, 0), -1.0, 1e-10);
            CHECK_ABS(gsl_matrix_get(P, 1, 1), -1.0, 1e-10);
        }
    }
    CHECK_ERR(lrs_spectra_overlap(W, 0, P, sP, &e), LRS_EINVAL, &e, "r = 0");
    gsl_matrix_free(W0);
    gsl_matrix_free(W);
    gsl_matrix_free(P);
    gsl_vector_free(sP);
}

static void test_angles(void)
{
    lrs_err_t e;
    gsl_vector *a = gsl_vector_alloc(3), *b = gsl_vector_alloc(3);
    double deg;
    gsl_vector_set(a, 0, 1); gsl_vector_set(a, 1, 0); gsl_vector_set(a, 2, 0);
    gsl_vector_set(b, 0, 2); gsl_vector_set(b, 1, 2); gsl_vector_set(b, 2, 0);
    CHECK_OK(lrs_spectra_angle_deg(a, b, &deg, &e), &e);
    CHECK_ABS(deg, 45.0, 1e-13);
    gsl_vector_scale(b, -1);
    CHECK_OK(lrs_spectra_angle_deg(a, b, &deg, &e), &e);
    CHECK_ABS(deg, 135.0, 1e-13);
    CHECK_OK(lrs_spectra_line_angle_deg(a, b, &deg, &e), &e);
    CHECK_ABS(deg, 45.0, 1e-13);
    gsl_vector_set(b, 0, 0); gsl_vector_set(b, 1, 0); gsl_vector_set(b, 2, -3);
    CHECK_OK(lrs_spectra_angle_deg(a, b, &deg, &e), &e);
    CHECK_ABS(deg, 90.0, 1e-13);
    CHECK_OK(lrs_spectra_angle_deg(a, a, &deg, &e), &e);
    CHECK_ABS(deg, 0.0, 1e-13);
    /* a tiny angle, where acos(a.b) would return 0: 1e-10 rad */
    gsl_vector_set(b, 0, 1); gsl_vector_set(b, 1, 1e-10); gsl_vector_set(b, 2, 0);
    CHECK_OK(lrs_spectra_angle_deg(a, b, &deg, &e), &e);
    CHECK_REL(deg, 1e-10 * 180 / M_PI, 1e-6);
    gsl_vector_set_zero(b);
    CHECK_ERR(lrs_spectra_angle_deg(a, b, &deg, &e), LRS_EINVAL, &e, "zero vector");
    gsl_vector *c = gsl_vector_alloc(4);
    CHECK_ERR(lrs_spectra_angle_deg(a, c, &deg, &e), LRS_EINVAL, &e, "a has 3 entries, b has 4");
    gsl_vector_free(a);
    gsl_vector_free(b);
    gsl_vector_free(c);
}

/* Regression: a NULL deg was never checked (the angle went to a local and
 * was then stored through the NULL pointer); now both angle functions
 * return LRS_EINVAL naming it. */
static void test_regression_angle_null_deg(void)
{
    lrs_err_t e;
    gsl_vector *a = gsl_vector_calloc(3), *b = gsl_vector_calloc(3);
    gsl_vector_set(a, 0, 1);
    gsl_vector_set(b, 1, 1);
    CHECK_ERR(lrs_spectra_angle_deg(a, b, NULL, &e), LRS_EINVAL, &e,
              "lrs_spectra_angle_deg: a, b or deg is NULL");
    CHECK_ERR(lrs_spectra_line_angle_deg(a, b, NULL, &e), LRS_EINVAL, &e,
              "lrs_spectra_line_angle_deg: a, b or deg is NULL");
    gsl_vector_free(a);
    gsl_vector_free(b);
}

/* Regression: the line angle was computed as 180 - theta for theta > 90,
 * which loses all digits of a tiny line angle near 180 degrees (it gave a
 * relative error of 2e-6 for 1e-10 rad).  Now 2 atan2(min, max) of Kahan's
 * norms. */
static void test_regression_line_angle_near_180(void)
{
    lrs_err_t e;
    gsl_vector *a = gsl_vector_calloc(3), *b = gsl_vector_calloc(3);
    double deg;
    gsl_vector_set(a, 0, 1);
    gsl_vector_set(b, 0, -1);
    gsl_vector_set(b, 1, -1e-10);
    CHECK_OK(lrs_spectra_line_angle_deg(a, b, &deg, &e), &e);
    CHECK_REL(deg, 1e-10 * 180 / M_PI, 1e-12);
    CHECK_OK(lrs_spectra_angle_deg(a, b, &deg, &e), &e);
    CHECK_REL(deg, 180 - 1e-10 * 180 / M_PI, 1e-15);
    gsl_vector_free(a);
    gsl_vector_free(b);
}

static void test_svd_rank_deficient(void)
{
    lrs_err_t e;
    gsl_matrix *Z = gsl_matrix_calloc(5, 3), *U = gsl_matrix_alloc(5, 3), *V = gsl_matrix_alloc(3, 3);
    gsl_vector *s = gsl_vector_alloc(3);
    CHECK_OK(lrs_spectra_svd(Z, s, U, V, &e), &e);
    CHECK(gsl_vector_isnull(s), "zero matrix: singular values must be 0");
    CHECK(orth_defect(U) <= 20 * eps && orth_defect(V) <= 20 * eps,
          "zero matrix: U, V still orthonormal (tol 20 eps)");
    /* rank one: ones(5, 3) has sigma = sqrt(15), 0, 0 */
    gsl_matrix_set_all(Z, 1.0);
    CHECK_OK(lrs_spectra_svd(Z, s, NULL, NULL, &e), &e);
    CHECK_REL(gsl_vector_get(s, 0), sqrt(15.0), 8 * eps);
    CHECK(gsl_vector_get(s, 1) <= 20 * eps * sqrt(15.0), "sigma_2 = %.3g > 20 eps sigma_1",
          gsl_vector_get(s, 1));
    gsl_matrix_free(Z);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_vector_free(s);
}

static void test_subspace_angles(void)
{
    lrs_err_t e;
    size_t N = 40;
    gsl_rng *r = new_rng(7);
    gsl_matrix *Q = gsl_matrix_alloc(N, 6);
    lrs_conn_orthonormal(r, Q, &e);
    gsl_matrix_const_view A = gsl_matrix_const_submatrix(Q, 0, 0, N, 3);
    gsl_matrix_const_view B = gsl_matrix_const_submatrix(Q, 0, 3, N, 3);
    /* identical subspace, different basis: A M with M a random invertible 3x3 */
    gsl_matrix *M = gsl_matrix_alloc(3, 3), *AM = gsl_matrix_alloc(N, 3);
    fill_gaussian(M, r);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, M, 0.0, AM);
    gsl_vector *ang = gsl_vector_alloc(3);
    CHECK_OK(lrs_spectra_subspace_angles(&A.matrix, AM, ang, &e), &e);
    for (size_t i = 0; i < 3; i++)
        CHECK(gsl_vector_get(ang, i) <= 1e-9 * 180 / M_PI,
              "identical subspaces: angle %zu = %.3g deg > 1e-9 rad", i, gsl_vector_get(ang, i));
    CHECK_OK(lrs_spectra_subspace_angles(&A.matrix, &B.matrix, ang, &e), &e);
    for (size_t i = 0; i < 3; i++)
        CHECK_ABS(gsl_vector_get(ang, i), 90.0, 1e-10);
    /* known angles: span{q1, q2} vs span{q1, cos t q2 + sin t q4}: 0 and t */
    double t = 0.3;
    gsl_matrix *C = gsl_matrix_alloc(N, 2), *D = gsl_matrix_alloc(N, 2);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(C, i, 0, gsl_matrix_get(Q, i, 0));
        gsl_matrix_set(C, i, 1, gsl_matrix_get(Q, i, 1));
        gsl_matrix_set(D, i, 0, gsl_matrix_get(Q, i, 0));
        gsl_matrix_set(D, i, 1, cos(t) * gsl_matrix_get(Q, i, 1) + sin(t) * gsl_matrix_get(Q, i, 3));
    }
    gsl_vector *a2 = gsl_vector_alloc(2);
    CHECK_OK(lrs_spectra_subspace_angles(C, D, a2, &e), &e);
    CHECK_ABS(gsl_vector_get(a2, 0), 0.0, 1e-12);
    CHECK_ABS(gsl_vector_get(a2, 1), t * 180 / M_PI, 1e-12);
    /* different dimensions: span{q1} inside span{q1,q2,q3}: one angle, 0 */
    gsl_matrix_const_view q1 = gsl_matrix_const_submatrix(Q, 0, 0, N, 1);
    gsl_vector *a1 = gsl_vector_alloc(1);
    CHECK_OK(lrs_spectra_subspace_angles(&A.matrix, &q1.matrix, a1, &e), &e);
    CHECK_ABS(gsl_vector_get(a1, 0), 0.0, 1e-12);
    /* rank-deficient basis */
    gsl_matrix_set_zero(D);
    CHECK_ERR(lrs_spectra_subspace_angles(C, D, a2, &e), LRS_EINVAL, &e, "linearly dependent");
    gsl_matrix_free(Q);
    gsl_matrix_free(M);
    gsl_matrix_free(AM);
    gsl_matrix_free(C);
    gsl_matrix_free(D);
    gsl_vector_free(ang);
    gsl_vector_free(a2);
    gsl_vector_free(a1);
    gsl_rng_free(r);
}

static void test_nonnormality(void)
{
    lrs_err_t e;
    double rel;
    gsl_matrix *A = gsl_matrix_calloc(2, 2);
    gsl_matrix_set(A, 0, 1, 1); /* nilpotent Jordan block: ||diag(1,-1)|| / 1 = sqrt 2 */
    CHECK_OK(lrs_spectra_nonnormality(A, &rel, &e), &e);
    CHECK_REL(rel, sqrt(2.0), 4 * eps);
    gsl_matrix_set(A, 0, 0, cos(0.4)); gsl_matrix_set(A, 0, 1, -sin(0.4));
    gsl_matrix_set(A, 1, 0, sin(0.4)); gsl_matrix_set(A, 1, 1, cos(0.4));
    CHECK_OK(lrs_spectra_nonnormality(A, &rel, &e), &e);
    CHECK(rel <= 8 * eps, "rotation is normal: rel = %.3g > 8 eps", rel);
    gsl_matrix_set_zero(A);
    CHECK_OK(lrs_spectra_nonnormality(A, &rel, &e), &e);
    CHECK(rel == 0, "zero matrix: rel = %g", rel);
    gsl_matrix_free(A);
}

int main(void)
{
    RUN(test_svd_reconstruction);
    RUN(test_svd_known_values_and_errors);
    RUN(test_eig_residual);
    RUN(test_eig_known);
    RUN(test_overlap_fig3);
    RUN(test_angles);
    RUN(test_regression_line_angle_near_180);
    RUN(test_regression_angle_null_deg);
    RUN(test_svd_rank_deficient);
    RUN(test_subspace_angles);
    RUN(test_nonnormality);
    return harness_summary();
}
