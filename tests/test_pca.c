/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/cov.h and lrs/pca.h: streaming covariance (against a two-pass computation),
 * merging, the covariance observer, PCA and the symmetric eigensolver. */
#include "harness.h"
#include "la_check.h"
#include "lrs/pca.h"

#include <stdlib.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Correlated random data with a large mean offset: rows x N. */
static gsl_matrix *random_data(size_t rows, size_t N, double offset, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *Y = gsl_matrix_alloc(rows, N);
    for (size_t i = 0; i < rows; i++) {
        double common = gsl_ran_gaussian(r, 1.0);
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(Y, i, j, offset * (1.0 + 0.1 * (double)j) + 0.5 * common * (double)(j % 3) +
                                         gsl_ran_gaussian(r, 1.0 + 0.2 * (double)j));
    }
    gsl_rng_free(r);
    return Y;
}

/* Two-pass covariance (mean first, then centred products), divide by n-1. */
static void two_pass(const gsl_matrix *Y, gsl_matrix *C, gsl_vector *mean)
{
    size_t n = Y->size1, N = Y->size2;
    gsl_vector_set_zero(mean);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < N; j++)
            mean->data[j] += gsl_matrix_get(Y, i, j);
    gsl_vector_scale(mean, 1.0 / (double)n);
    gsl_matrix_set_zero(C);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < N; a++)
            for (size_t b = 0; b < N; b++)
                C->data[a * N + b] += (gsl_matrix_get(Y, i, a) - mean->data[a]) *
                                      (gsl_matrix_get(Y, i, b) - mean->data[b]);
    gsl_matrix_scale(C, 1.0 / (double)(n - 1));
}

/* max |A - B| / max |B| */
static double mat_rel_diff(const gsl_matrix *A, const gsl_matrix *B)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++) {
            d = fmax(d, fabs(gsl_matrix_get(A, i, j) - gsl_matrix_get(B, i, j)));
            m = fmax(m, fabs(gsl_matrix_get(B, i, j)));
        }
    return d / m;
}

/* Regression: lrs_cov_entry divided the scatter by n - 1 while lrs_cov_get
 * multiplied by 1 / (n - 1), so an entry could differ from the matrix in the
 * last bit (seen once the accumulator gathered rows into deeper updates).
 * Every entry, several counts. */
static void test_cov_entry_equals_get(void)
{
    lrs_err_t e;
    size_t N = 9;
    gsl_matrix *Y = random_data(700, N, 3.0, 5), *C = gsl_matrix_alloc(N, N);
    lrs_cov_t *c = NULL;
    CHECK_OK(lrs_cov_alloc(&c, N, &e), &e);
    size_t counts[] = {2, 3, 7, 100, 257, 700}, pos = 0;
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        gsl_matrix_view v = gsl_matrix_submatrix(Y, pos, 0, counts[k] - pos, N);
        CHECK_OK(lrs_cov_add_block(c, &v.matrix, &e), &e);
        pos = counts[k];
        CHECK_OK(lrs_cov_get(c, C, &e), &e);
        int same = 1;
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++) {
                double v1;
                CHECK_OK(lrs_cov_entry(c, i, j, &v1, &e), &e);
                same = same && v1 == gsl_matrix_get(C, i, j);
            }
        CHECK(same, "n = %zu: some lrs_cov_entry differs from lrs_cov_get", pos);
    }
    lrs_cov_free(c);
    gsl_matrix_free(Y);
    gsl_matrix_free(C);
}

static void test_streaming_equals_two_pass(void)
{
    lrs_err_t e;
    size_t n = 1500, N = 7;
    gsl_matrix *Y = random_data(n, N, 1e3, 11);
    gsl_matrix *C = gsl_matrix_alloc(N, N), *C2 = gsl_matrix_alloc(N, N);
    gsl_vector *m = gsl_vector_alloc(N), *m2 = gsl_vector_alloc(N);
    two_pass(Y, C2, m2);
    lrs_cov_t *c = NULL;
    CHECK_OK(lrs_cov_alloc(&c, N, &e), &e);
    /* awkward blocks: 1, 3, 255, 256, 257, 300 rows, single rows, the rest */
    size_t sizes[] = {1, 3, 255, 256, 257, 300};
    size_t pos = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        gsl_matrix_view v = gsl_matrix_submatrix(Y, pos, 0, sizes[k], N);
        CHECK_OK(lrs_cov_add_block(c, &v.matrix, &e), &e);
        pos += sizes[k];
    }
    for (int k = 0; k < 5; k++, pos++) {
        gsl_vector_view row = gsl_matrix_row(Y, pos);
        CHECK_OK(lrs_cov_add(c, &row.vector, &e), &e);
    }
    /* a strided vector (a column of a transposed copy) */
    {
        gsl_matrix *Yt = gsl_matrix_alloc(N, 1);
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(Yt, j, 0, gsl_matrix_get(Y, pos, j));
        gsl_matrix *wide = gsl_matrix_alloc(N, 3);
        gsl_matrix_set_zero(wide);
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(wide, j, 1, gsl_matrix_get(Y, pos, j));
        gsl_vector_view col = gsl_matrix_column(wide, 1);
        CHECK_OK(lrs_cov_add(c, &col.vector, &e), &e);
        pos++;
        gsl_matrix_free(Yt);
        gsl_matrix_free(wide);
    }
    gsl_matrix_view rest = gsl_matrix_submatrix(Y, pos, 0, n - pos, N);
    CHECK_OK(lrs_cov_add_block(c, &rest.matrix, &e), &e);
    CHECK(lrs_cov_count(c) == n, "count %zu, want %zu", lrs_cov_count(c), n);
    CHECK(lrs_cov_dim(c) == N, "dim %zu", lrs_cov_dim(c));
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    CHECK_OK(lrs_cov_mean(c, m, &e), &e);
    double d = mat_rel_diff(C, C2);
    CHECK(d <= 1e-12, "streaming vs two-pass covariance: max rel diff %.3g > 1e-12", d);
    for (size_t j = 0; j < N; j++)
        CHECK_REL(gsl_vector_get(m, j), gsl_vector_get(m2, j), 1e-14);
    /* output is exactly symmetric */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            CHECK(gsl_matrix_get(C, i, j) == gsl_matrix_get(C, j, i), "C not symmetric at %zu,%zu", i, j);
    double e01;
    CHECK_OK(lrs_cov_entry(c, 3, 1, &e01, &e), &e);
    CHECK(e01 == gsl_matrix_get(C, 1, 3), "lrs_cov_entry(3,1) = %.17g vs C = %.17g", e01,
          gsl_matrix_get(C, 1, 3));
    /* reset forgets everything */
    lrs_cov_reset(c);
    CHECK(lrs_cov_count(c) == 0, "count after reset %zu", lrs_cov_count(c));
    CHECK_OK(lrs_cov_add_block(c, Y, &e), &e);
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    d = mat_rel_diff(C, C2);
    CHECK(d <= 1e-12, "after reset, one block: rel diff %.3g > 1e-12", d);
    lrs_cov_free(c);
    gsl_matrix_free(Y);
    gsl_matrix_free(C);
    gsl_matrix_free(C2);
    gsl_vector_free(m);
    gsl_vector_free(m2);
}

static void test_merge_equals_one_accumulation(void)
{
    lrs_err_t e;
    size_t n = 900, N = 5;
    gsl_matrix *Y = random_data(n, N, 50.0, 12);
    lrs_cov_t *all = NULL, *a = NULL, *b = NULL, *empty = NULL;
    CHECK_OK(lrs_cov_alloc(&all, N, &e), &e);
    CHECK_OK(lrs_cov_alloc(&a, N, &e), &e);
    CHECK_OK(lrs_cov_alloc(&b, N, &e), &e);
    CHECK_OK(lrs_cov_alloc(&empty, N, &e), &e);
    CHECK_OK(lrs_cov_add_block(all, Y, &e), &e);
    gsl_matrix_view y1 = gsl_matrix_submatrix(Y, 0, 0, 333, N);
    gsl_matrix_view y2 = gsl_matrix_submatrix(Y, 333, 0, n - 333, N);
    CHECK_OK(lrs_cov_add_block(a, &y1.matrix, &e), &e);
    CHECK_OK(lrs_cov_add_block(b, &y2.matrix, &e), &e);
    CHECK_OK(lrs_cov_merge(a, b, &e), &e);
    CHECK_OK(lrs_cov_merge(a, empty, &e), &e);  /* merging nothing changes nothing */
    CHECK(lrs_cov_count(a) == n, "merged count %zu", lrs_cov_count(a));
    gsl_matrix *Ca = gsl_matrix_alloc(N, N), *Call = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_cov_get(a, Ca, &e), &e);
    CHECK_OK(lrs_cov_get(all, Call, &e), &e);
    double d = mat_rel_diff(Ca, Call);
    CHECK(d <= 1e-13, "merged vs single accumulation: rel diff %.3g > 1e-13", d);
    /* merge into an empty accumulator copies */
    CHECK_OK(lrs_cov_merge(empty, all, &e), &e);
    CHECK_OK(lrs_cov_get(empty, Ca, &e), &e);
    d = mat_rel_diff(Ca, Call);
    CHECK(d == 0, "merge into empty: rel diff %.3g, want 0", d);
    /* errors */
    lrs_cov_t *other = NULL;
    CHECK_OK(lrs_cov_alloc(&other, N + 1, &e), &e);
    CHECK_ERR(lrs_cov_merge(a, other, &e), LRS_EINVAL, &e, "dimension 6");
    CHECK_ERR(lrs_cov_merge(a, a, &e), LRS_EINVAL, &e, "same accumulator");
    lrs_cov_free(other);
    lrs_cov_free(all);
    lrs_cov_free(a);
    lrs_cov_free(b);
    lrs_cov_free(empty);
    gsl_matrix_free(Y);
    gsl_matrix_free(Ca);
    gsl_matrix_free(Call);
}

static void test_cov_errors(void)
{
    lrs_err_t e;
    lrs_cov_t *c = NULL;
    CHECK_ERR(lrs_cov_alloc(&c, 0, &e), LRS_EINVAL, &e, "N = 0");
    CHECK_OK(lrs_cov_alloc(&c, 3, &e), &e);
    gsl_matrix *Y = gsl_matrix_calloc(4, 2), *C = gsl_matrix_alloc(3, 3), *C2 = gsl_matrix_alloc(2, 3);
    gsl_vector *y = gsl_vector_calloc(3);
    CHECK_ERR(lrs_cov_add_block(c, Y, &e), LRS_EINVAL, &e, "Y has 2 columns; expected N = 3");
    CHECK_ERR(lrs_cov_get(c, C, &e), LRS_EINVAL, &e, "0 observation(s)");
    CHECK_OK(lrs_cov_add(c, y, &e), &e);
    CHECK_ERR(lrs_cov_get(c, C, &e), LRS_EINVAL, &e, "at least 2");
    CHECK_OK(lrs_cov_add(c, y, &e), &e);
    CHECK_ERR(lrs_cov_get(c, C2, &e), LRS_EINVAL, &e, "C is 2x3; expected 3x3");
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    CHECK(gsl_matrix_isnull(C), "covariance of two zero rows is not 0");
    gsl_vector *m = gsl_vector_alloc(2);
    CHECK_ERR(lrs_cov_mean(c, m, &e), LRS_EINVAL, &e, "mean has length 2");
    CHECK_ERR(lrs_cov_add_block(NULL, Y, &e), LRS_EINVAL, &e, "NULL");
    lrs_cov_free(c);
    lrs_cov_free(NULL);
    gsl_matrix_free(Y);
    gsl_matrix_free(C);
    gsl_matrix_free(C2);
    gsl_vector_free(y);
    gsl_vector_free(m);
}

/* The covariance observer counts the rows with t >= t_start (a grid time
 * counts) and only the chosen field. */
static void test_cov_observer_t_start(void)
{
    lrs_err_t e;
    size_t N = 3, rows = 10;
    gsl_matrix *Z = gsl_matrix_alloc(rows, N), *X = gsl_matrix_alloc(rows, N);
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < N; j++) {
            gsl_matrix_set(Z, i, j, (double)(i * i) + (double)j);
            gsl_matrix_set(X, i, j, -(double)i);
        }
    lrs_cov_t *c = NULL, *ref = NULL;
    CHECK_OK(lrs_cov_alloc(&c, N, &e), &e);
    CHECK_OK(lrs_cov_alloc(&ref, N, &e), &e);
    /* block rows are steps 20..29 at dt = 0.1 (t = 2.0 .. 2.9); t_start = 2.3
     * keeps steps 23..29 = rows 3..9 */
    lrs_observer_t o = lrs_cov_observer(c, LRS_FIELD_Z, 2.3);
    CHECK(o.needs_recurrent == 0, "Z observer must not ask for R");
    lrs_block_t b = {20, 0.1, Z, X, NULL};
    CHECK_OK(o.observe(o.self, &b, &e), &e);
    CHECK(lrs_cov_count(c) == 7, "count %zu, want 7 (steps 23..29)", lrs_cov_count(c));
    gsl_matrix_view v = gsl_matrix_submatrix(Z, 3, 0, 7, N);
    CHECK_OK(lrs_cov_add_block(ref, &v.matrix, &e), &e);
    gsl_matrix *C = gsl_matrix_alloc(N, N), *Cr = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    CHECK_OK(lrs_cov_get(ref, Cr, &e), &e);
    CHECK(mat_rel_diff(C, Cr) == 0, "observer differs from direct accumulation");
    /* an R observer asks for R and fails if it is missing */
    lrs_observer_t oR = lrs_cov_observer(c, LRS_FIELD_R, 0.0);
    CHECK(oR.needs_recurrent, "R observer must ask for R");
    CHECK_ERR(oR.observe(oR.self, &b, &e), LRS_EINVAL, &e, "not available");
    lrs_cov_free(c);
    lrs_cov_free(ref);
    gsl_matrix_free(Z);
    gsl_matrix_free(X);
    gsl_matrix_free(C);
    gsl_matrix_free(Cr);
}

/* The strided observer takes the steps n >= n_start that are multiples of
 * `every` on the run's grid, whatever the block boundaries: blocks of 7, 5
 * and 9 rows (steps 0..20), dt = 0.5, t_start = 1.6 (n_start = 4),
 * every = 3 -> steps 6, 9, 12, 15, 18. */
static void test_cov_observer_every(void)
{
    lrs_err_t e;
    size_t N = 4, nt = 21, sizes[3] = {7, 5, 9};
    gsl_matrix *Y = random_data(nt, N, 3.0, 11), *X = gsl_matrix_calloc(nt, N);
    lrs_cov_t *c = NULL, *ref = NULL, *one = NULL;
    CHECK_OK(lrs_cov_alloc(&c, N, &e), &e);
    CHECK_OK(lrs_cov_alloc(&ref, N, &e), &e);
    CHECK_OK(lrs_cov_alloc(&one, N, &e), &e);
    lrs_observer_t o = lrs_cov_observer_every(c, LRS_FIELD_Z, 1.6, 3);
    lrs_observer_t o1 = lrs_cov_observer_every(one, LRS_FIELD_Z, 1.6, 0);
    for (size_t k = 0, n0 = 0; k < 3; n0 += sizes[k], k++) {
        gsl_matrix_view Zb = gsl_matrix_submatrix(Y, n0, 0, sizes[k], N);
        gsl_matrix_view Xb = gsl_matrix_submatrix(X, n0, 0, sizes[k], N);
        lrs_block_t b = {n0, 0.5, &Zb.matrix, &Xb.matrix, NULL};
        CHECK_OK(o.observe(o.self, &b, &e), &e);
        CHECK_OK(o1.observe(o1.self, &b, &e), &e);
    }
    CHECK(lrs_cov_count(c) == 5, "count %zu, want 5 (steps 6, 9, 12, 15, 18)", lrs_cov_count(c));
    CHECK(lrs_cov_count(one) == 17, "every = 0 counts as 1: count %zu, want 17", lrs_cov_count(one));
    for (size_t n = 6; n <= 18; n += 3) {
        gsl_vector_view y = gsl_matrix_row(Y, n);
        CHECK_OK(lrs_cov_add(ref, &y.vector, &e), &e);
    }
    gsl_matrix *C = gsl_matrix_alloc(N, N), *Cr = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    CHECK_OK(lrs_cov_get(ref, Cr, &e), &e);
    CHECK(mat_rel_diff(C, Cr) <= 64 * DBL_EPSILON, "strided observer differs from direct accumulation: %.3g > 64 eps",
          mat_rel_diff(C, Cr));
    lrs_cov_free(c);
    lrs_cov_free(ref);
    lrs_cov_free(one);
    gsl_matrix_free(Y);
    gsl_matrix_free(X);
    gsl_matrix_free(C);
    gsl_matrix_free(Cr);
}

/* Random orthogonal Q (QR of a Gaussian matrix) and C = Q diag(lam) Q^T. */
static gsl_matrix *known_cov(size_t N, const double *lam, gsl_matrix *Q, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *G = gsl_matrix_alloc(N, N), *R = gsl_matrix_alloc(N, N);
    gsl_vector *tau = gsl_vector_alloc(N);
    for (size_t i = 0; i < N * N; i++)
        G->data[i] = gsl_ran_gaussian(r, 1.0);
    gsl_linalg_QR_decomp(G, tau);
    gsl_linalg_QR_unpack(G, tau, Q, R);
    gsl_matrix *C = gsl_matrix_calloc(N, N);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t k = 0; k < N; k++)
                s += gsl_matrix_get(Q, i, k) * lam[k] * gsl_matrix_get(Q, j, k);
            gsl_matrix_set(C, i, j, s);
        }
    /* exact symmetry */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < i; j++)
            gsl_matrix_set(C, i, j, gsl_matrix_get(C, j, i));
    gsl_rng_free(r);
    gsl_matrix_free(G);
    gsl_matrix_free(R);
    gsl_vector_free(tau);
    return C;
}

static void test_pca_known_covariance(void)
{
    lrs_err_t e;
    size_t N = 40;
    double lam[40];
    for (size_t k = 0; k < N; k++)
        lam[k] = exp(-0.2 * (double)((k * 7) % N)); /* distinct, unsorted */
    gsl_matrix *Q = gsl_matrix_alloc(N, N);
    gsl_matrix *C = known_cov(N, lam, Q, 21);
    lrs_pca_t *p = NULL;
    CHECK_OK(lrs_pca_alloc(&p, N, &e), &e);
    CHECK_OK(lrs_pca_from_cov(p, C, 0, 1, &e), &e);
    double tol = 50.0 * (double)N * DBL_EPSILON * 1.0; /* ||C|| = max lam = 1 */
    double sum = 0, pct = 0;
    for (size_t k = 0; k < N; k++) {
        double want = exp(-0.2 * (double)k); /* sorted descending */
        CHECK_ABS(gsl_vector_get(p->var, k), want, tol);
        if (k > 0)
            CHECK(gsl_vector_get(p->var, k) <= gsl_vector_get(p->var, k - 1), "not descending at %zu", k);
        sum += gsl_vector_get(p->var, k);
        pct += gsl_vector_get(p->pct, k);
    }
    CHECK_ABS(pct, 100.0, 1e-12);
    CHECK_REL(gsl_vector_get(p->pct, 0), 100.0 / sum, 1e-13);
    /* residual ||C v_k - lam_k v_k||, orthonormality, sign convention */
    double res = 0, orth = 0;
    for (size_t k = 0; k < N; k++) {
        size_t imax = 0;
        for (size_t i = 0; i < N; i++) {
            double s = 0;
            for (size_t j = 0; j < N; j++)
                s += gsl_matrix_get(C, i, j) * gsl_matrix_get(p->pcs, j, k);
            res = fmax(res, fabs(s - gsl_vector_get(p->var, k) * gsl_matrix_get(p->pcs, i, k)));
            if (fabs(gsl_matrix_get(p->pcs, i, k)) > fabs(gsl_matrix_get(p->pcs, imax, k)))
                imax = i;
        }
        CHECK(gsl_matrix_get(p->pcs, imax, k) > 0, "PC %zu: largest component is negative", k);
        for (size_t l = 0; l < N; l++) {
            double s = 0;
            for (size_t i = 0; i < N; i++)
                s += gsl_matrix_get(p->pcs, i, k) * gsl_matrix_get(p->pcs, i, l);
            orth = fmax(orth, fabs(s - (k == l)));
        }
    }
    CHECK(res <= tol, "residual |C V - V L| = %.3g > %.3g (50 N eps ||C||)", res, tol);
    CHECK(orth <= tol, "|V^T V - I| = %.3g > %.3g", orth, tol);
    /* the PC of the largest eigenvalue is +-the matching column of Q */
    size_t kq = 0; /* lam[0] = 1 is the largest */
    double dot = 0;
    for (size_t i = 0; i < N; i++)
        dot += gsl_matrix_get(p->pcs, i, 0) * gsl_matrix_get(Q, i, kq);
    CHECK_ABS(fabs(dot), 1.0, 1e-10);
    /* want_pcs = 0 gives the same variances */
    gsl_vector *v1 = gsl_vector_alloc(N);
    gsl_vector_memcpy(v1, p->var);
    CHECK_OK(lrs_pca_from_cov(p, C, 0, 0, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK_ABS(gsl_vector_get(p->var, k), gsl_vector_get(v1, k), tol);
    /* symeig agrees */
    gsl_vector *ev = gsl_vector_alloc(N);
    gsl_matrix *V = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_pca_symeig(C, ev, V, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK_ABS(gsl_vector_get(ev, k), gsl_vector_get(v1, k), tol);
    CHECK_OK(lrs_pca_symeig(C, ev, NULL, &e), &e);
    CHECK_ABS(gsl_vector_get(ev, N - 1), exp(-0.2 * (double)(N - 1)), tol);
    gsl_vector_free(ev);
    gsl_matrix_free(V);
    gsl_vector_free(v1);
    lrs_pca_free(p);
    gsl_matrix_free(C);
    gsl_matrix_free(Q);
}

static void test_scaled_pca_of_diagonal(void)
{
    lrs_err_t e;
    size_t N = 6;
    gsl_matrix *C = gsl_matrix_calloc(N, N);
    for (size_t i = 0; i < N; i++)
        gsl_matrix_set(C, i, i, pow(10.0, (double)i - 2.0));
    lrs_pca_t *p = NULL;
    CHECK_OK(lrs_pca_alloc(&p, N, &e), &e);
    CHECK_OK(lrs_pca_from_cov(p, C, 1, 1, &e), &e);
    for (size_t k = 0; k < N; k++) {
        CHECK_ABS(gsl_vector_get(p->var, k), 1.0, 10 * DBL_EPSILON);
        CHECK_ABS(gsl_vector_get(p->pct, k), 100.0 / (double)N, 1e-12);
    }
    /* unscaled: the variances themselves, descending */
    CHECK_OK(lrs_pca_from_cov(p, C, 0, 1, &e), &e);
    for (size_t k = 0; k < N; k++)
        CHECK_REL(gsl_vector_get(p->var, k), pow(10.0, (double)(N - 1 - k) - 2.0), 1e-14);
    /* scaled PCA of a correlated 2x2: eigenvalues 1 +- rho */
    double s1 = 3.0, s2 = 0.01, rho = 0.6;
    gsl_matrix *C2 = matrix_of(2, 2, (const double[]){s1 * s1, rho * s1 * s2, rho * s1 * s2,
                                                      s2 * s2});
    lrs_pca_t *p2 = NULL;
    CHECK_OK(lrs_pca_alloc(&p2, 2, &e), &e);
    CHECK_OK(lrs_pca_from_cov(p2, C2, 1, 1, &e), &e);
    CHECK_ABS(gsl_vector_get(p2->var, 0), 1 + rho, 1e-14);
    CHECK_ABS(gsl_vector_get(p2->var, 1), 1 - rho, 1e-14);
    /* zero variance cannot be scaled */
    gsl_matrix_set(C, 2, 2, 0.0);
    CHECK_ERR(lrs_pca_from_cov(p, C, 1, 1, &e), LRS_EINVAL, &e, "unit 2 has variance 0");
    lrs_pca_free(p);
    lrs_pca_free(p2);
    gsl_matrix_free(C);
    gsl_matrix_free(C2);
}

static void test_pca_errors(void)
{
    lrs_err_t e;
    lrs_pca_t *p = NULL;
    CHECK_ERR(lrs_pca_alloc(&p, 0, &e), LRS_EINVAL, &e, "N = 0");
    CHECK_OK(lrs_pca_alloc(&p, 3, &e), &e);
    gsl_matrix *C = gsl_matrix_calloc(3, 4);
    CHECK_ERR(lrs_pca_from_cov(p, C, 0, 1, &e), LRS_EINVAL, &e, "C is 3x4; expected 3x3");
    gsl_matrix *C3 = gsl_matrix_calloc(3, 3);
    gsl_matrix_set(C3, 1, 2, NAN);
    CHECK_ERR(lrs_pca_from_cov(p, C3, 0, 1, &e), LRS_ENONFINITE, &e, "C(1,2)");
    gsl_vector *ev = gsl_vector_alloc(3);
    CHECK_ERR(lrs_pca_symeig(C, ev, NULL, &e), LRS_EINVAL, &e, "expected square");
    gsl_vector *ev2 = gsl_vector_alloc(2);
    gsl_matrix_set(C3, 1, 2, 0);
    CHECK_ERR(lrs_pca_symeig(C3, ev2, NULL, &e), LRS_EINVAL, &e, "eval has length 2");
    /* all-zero covariance: variances 0, pct 0 (no division by zero) */
    CHECK_OK(lrs_pca_from_cov(p, C3, 0, 1, &e), &e);
    for (size_t k = 0; k < 3; k++) {
        CHECK(gsl_vector_get(p->var, k) == 0, "var %zu = %g", k, gsl_vector_get(p->var, k));
        CHECK(gsl_vector_get(p->pct, k) == 0, "pct %zu = %g", k, gsl_vector_get(p->pct, k));
    }
    lrs_pca_free(p);
    lrs_pca_free(NULL);
    gsl_matrix_free(C);
    gsl_matrix_free(C3);
    gsl_vector_free(ev);
    gsl_vector_free(ev2);
}

/* PCA of a streamed covariance of data with known structure: the sample
 * covariance of y = Q diag(sqrt(lam)) g is C_hat; check PCA(C_hat) against the
 * eigenvalues of C_hat from symeig, and the top PC against Q's column within
 * sampling error. */
static void test_pca_of_streamed_data(void)
{
    lrs_err_t e;
    size_t N = 8, n = 20000;
    double lam[8] = {16, 4, 1, 0.5, 0.25, 0.125, 0.0625, 0.01};
    gsl_matrix *Q = gsl_matrix_alloc(N, N);
    gsl_matrix *Ct = known_cov(N, lam, Q, 31);
    gsl_rng *r = new_rng(32);
    lrs_cov_t *c = NULL;
    CHECK_OK(lrs_cov_alloc(&c, N, &e), &e);
    gsl_matrix *Y = gsl_matrix_alloc(100, N);
    for (size_t blk = 0; blk < n / 100; blk++) {
        for (size_t i = 0; i < 100; i++) {
            double g[8];
            for (size_t k = 0; k < N; k++)
                g[k] = sqrt(lam[k]) * gsl_ran_gaussian(r, 1.0);
            for (size_t j = 0; j < N; j++) {
                double s = 7.0; /* mean offset */
                for (size_t k = 0; k < N; k++)
                    s += gsl_matrix_get(Q, j, k) * g[k];
                gsl_matrix_set(Y, i, j, s);
            }
        }
        CHECK_OK(lrs_cov_add_block(c, Y, &e), &e);
    }
    gsl_matrix *C = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_cov_get(c, C, &e), &e);
    lrs_pca_t *p = NULL;
    CHECK_OK(lrs_pca_alloc(&p, N, &e), &e);
    CHECK_OK(lrs_pca_from_cov(p, C, 0, 1, &e), &e);
    /* sample eigenvalues within 5 standard errors sqrt(2/n) of the truth */
    for (size_t k = 0; k < N; k++)
        CHECK_REL(gsl_vector_get(p->var, k), lam[k], 5 * sqrt(2.0 / (double)n));
    double dot = 0;
    for (size_t i = 0; i < N; i++)
        dot += gsl_matrix_get(p->pcs, i, 0) * gsl_matrix_get(Q, i, 0);
    CHECK_ABS(fabs(dot), 1.0, 1e-3);
    lrs_cov_free(c);
    lrs_pca_free(p);
    gsl_matrix_free(Q);
    gsl_matrix_free(Ct);
    gsl_matrix_free(Y);
    gsl_matrix_free(C);
    gsl_rng_free(r);
}

int main(void)
{
    RUN(test_streaming_equals_two_pass);
    RUN(test_cov_entry_equals_get);
    RUN(test_merge_equals_one_accumulation);
    RUN(test_cov_errors);
    RUN(test_cov_observer_t_start);
    RUN(test_cov_observer_every);
    RUN(test_pca_known_covariance);
    RUN(test_scaled_pca_of_diagonal);
    RUN(test_pca_errors);
    RUN(test_pca_of_streamed_data);
    return harness_summary();
}
