/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_sparse.c -- the sparse module (SLEPc/PETSc) against the dense path on
 * the same matrices: random sparse + low-rank, the Figure 1 rank-one network
 * stored sparse, the high-school contact network.  Runs unchanged under
 * `mpiexec -n 2` (tests/t_sparse_mpi.sh): the distributed results must agree
 * with the dense ones to the same tolerances, hence with P = 1.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "harness.h"
#include "lrs/connectivity.h"
#include "lrs/io.h"
#include "lrs/ranks.h"
#include "lrs/sparse.h"
#include "lrs/spectra.h"
#include "lrs/theory.h"
#include "lrs/verdict.h"

#define HS_PATH "tests/fixtures/sparse/high_school_proximity_edges.csv"

/* Coordinate copy of a dense test matrix (nonzeros, row-major order). */
static int coo_of(const gsl_matrix *W, lrs_io_coo_t *c)
{
    size_t i, j, n = 0;
    memset(c, 0, sizeof *c);
    c->i = malloc(W->size1 * W->size2 * sizeof *c->i);
    c->j = malloc(W->size1 * W->size2 * sizeof *c->j);
    c->w = malloc(W->size1 * W->size2 * sizeof *c->w);
    if (!c->i || !c->j || !c->w)
        return 1;
    for (i = 0; i < W->size1; i++)
        for (j = 0; j < W->size2; j++)
            if (gsl_matrix_get(W, i, j) != 0) {
                c->i[n] = (uint32_t)i;
                c->j[n] = (uint32_t)j;
                c->w[n++] = gsl_matrix_get(W, i, j);
            }
    c->rows = W->size1;
    c->cols = W->size2;
    c->nnz = n;
    return 0;
}

static lrs_sparse_mat_t *sparse_of(const gsl_matrix *W, lrs_err_t *err)
{
    lrs_io_coo_t c;
    lrs_sparse_mat_t *A = NULL;
    if (coo_of(W, &c) == 0)
        lrs_sparse_from_coo(&c, &A, err);
    lrs_io_coo_free(&c);
    return A;
}

/* Dense reference: the singular values of I - W (LAPACK), descending, into s. */
static void svals_i_minus(const gsl_matrix *W, gsl_vector *s)
{
    gsl_matrix *IW = gsl_matrix_alloc(W->size1, W->size1);
    gsl_matrix_set_identity(IW);
    gsl_matrix_sub(IW, W);
    lrs_spectra_svd(IW, s, NULL, NULL, NULL);
    gsl_matrix_free(IW);
}

/* Random sparse S (density d, N(0, 1/(d N)) entries) plus a rank-r part of
 * strength s sqrt-spaced: W = S + U diag(s) V^T. */
static gsl_matrix *random_sparse_lowrank(size_t N, double d, size_t r, double s, gsl_rng *rng)
{
    gsl_matrix *W = gsl_matrix_calloc(N, N), *U = gsl_matrix_alloc(N, r), *V = gsl_matrix_alloc(N, r);
    gsl_vector *sv = gsl_vector_alloc(r);
    size_t i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++)
            if (gsl_rng_uniform(rng) < d)
                gsl_matrix_set(W, i, j, gsl_ran_gaussian(rng, 1.0 / sqrt(d * (double)N)));
    lrs_conn_orthonormal(rng, U, NULL);
    lrs_conn_orthonormal(rng, V, NULL);
    for (i = 0; i < r; i++)
        gsl_vector_set(sv, i, s / (double)(i + 1));
    /* the low-rank part touches a block of rows only, so W stays sparse */
    for (i = 0; i < N; i++)
        if (i % 7)
            for (j = 0; j < r; j++)
                gsl_matrix_set(U, i, j, 0);
    for (j = 0; j < r; j++) {
        gsl_vector_view c = gsl_matrix_column(U, j);
        gsl_vector_scale(&c.vector, 1 / gsl_blas_dnrm2(&c.vector));
    }
    lrs_conn_add_lowrank(W, U, sv, V, NULL);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_vector_free(sv);
    return W;
}

/* Figure 1: rank one, normal, N = 200, c = -10, rho = 0.5 (dense content). */
static gsl_matrix *fig1_matrix(gsl_rng *rng)
{
    size_t N = 200;
    gsl_matrix *W = gsl_matrix_calloc(N, N), *U = gsl_matrix_alloc(N, 1);
    gsl_vector *s = gsl_vector_alloc(1);
    lrs_conn_orthonormal(rng, U, NULL);
    gsl_vector_set(s, 0, -10);
    lrs_conn_add_lowrank(W, U, s, U, NULL);
    lrs_conn_add_gaussian(W, 0.5, rng, NULL);
    gsl_matrix_free(U);
    gsl_vector_free(s);
    return W;
}

/* Tolerance 1e-13 with a restart budget to reach it (the default budget
 * is sized for 1e-6 at scale; here converged values are compared). */
static lrs_sparse_opts_t tight(void)
{
    lrs_sparse_opts_t o = lrs_sparse_opts_default();
    o.tol = 1e-13;
    o.max_it = 1000;
    return o;
}

/* The four solves both dense comparisons make: the ktop largest singular
 * values of W (with vectors, for the overlap), the k largest and k smallest
 * of I - W, and the 3 rightmost eigenvalues with the numerical abscissa. */
typedef struct {
    lrs_sparse_svals_t top, big, small;
    lrs_sparse_stability_t st;
} sparse_ends_t;

static void sparse_ends(lrs_sparse_mat_t *A, size_t ktop, size_t k, const lrs_sparse_opts_t *o,
                        sparse_ends_t *r, lrs_err_t *err)
{
    CHECK_OK(lrs_sparse_svd(A, 0, ktop, LRS_SPARSE_LARGEST, 1, o, &r->top, err), err);
    CHECK_OK(lrs_sparse_svd(A, 1, k, LRS_SPARSE_LARGEST, 0, o, &r->big, err), err);
    CHECK_OK(lrs_sparse_svd(A, 1, k, LRS_SPARSE_SMALLEST, 0, o, &r->small, err), err);
    CHECK_OK(lrs_sparse_stability(A, 3, o, &r->st, err), err);
}

/* Every solve of r converged (none ended as a flagged estimate). */
static int sparse_ends_converged(const sparse_ends_t *r)
{
    return r->top.converged && r->big.converged && r->small.converged && r->st.converged &&
           r->st.abscissa_converged;
}

static void sparse_ends_free(sparse_ends_t *r)
{
    lrs_sparse_svals_free(&r->top);
    lrs_sparse_svals_free(&r->big);
    lrs_sparse_svals_free(&r->small);
    lrs_sparse_stability_free(&r->st);
}

/* Singular values of W and I - W, both ends, overlap, eigenvalues,
 * numerical abscissa: all to 1e-8 relative against LAPACK. */
static void compare_dense(const gsl_matrix *W, const char *what)
{
    size_t N = W->size1, k = 6, i;
    lrs_err_t err = {0};
    lrs_sparse_opts_t o = tight();
    lrs_sparse_mat_t *A = sparse_of(W, &err);
    gsl_vector *s = gsl_vector_alloc(N), *sI = gsl_vector_alloc(N), *sP = gsl_vector_alloc(3);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    gsl_matrix *H = gsl_matrix_alloc(N, N), *P = gsl_matrix_alloc(3, 3);
    gsl_vector *eh = gsl_vector_alloc(N);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(N);
    sparse_ends_t r;
    double Ps[9], sPs[3], hmax = -INFINITY;
    CHECK(A != NULL, "%s: %s", what, err.msg);
    if (!A)
        goto done;
    lrs_spectra_svd(W, s, NULL, NULL, NULL);
    svals_i_minus(W, sI);
    lrs_spectra_eig(W, lam, NULL, NULL);
    lrs_spectra_overlap(W, 3, P, sP, NULL);
    gsl_matrix_transpose_memcpy(H, W);
    gsl_matrix_add(H, W);
    gsl_matrix_scale(H, 0.5);
    gsl_eigen_symm(H, eh, ws);
    for (i = 0; i < N; i++)
        hmax = fmax(hmax, gsl_vector_get(eh, i));

    sparse_ends(A, k, k, &o, &r, &err);
    CHECK_OK(lrs_sparse_overlap(&r.top, 3, Ps, sPs, &err), &err);
    if (harness_cur_failed)
        goto free_res;
    CHECK(sparse_ends_converged(&r), "%s: a solve ended as a flagged estimate", what);
    for (i = 0; i < k; i++) {
        CHECK_REL(r.top.sigma[i], gsl_vector_get(s, i), 1e-8);
        CHECK_REL(r.big.sigma[i], gsl_vector_get(sI, i), 1e-8);
        CHECK_REL(r.small.sigma[i], gsl_vector_get(sI, N - 1 - i), 1e-8);
        CHECK(r.top.resid[i] < 1e-10, "%s: residual %g", what, r.top.resid[i]);
    }
    for (i = 0; i < 3; i++) {
        CHECK_REL(sPs[i], gsl_vector_get(sP, i), 1e-8);
        /* eigenvalues: the rightmost real part to 1e-8 relative (complex
         * pairs and ordering ties make only the real parts comparable) */
        CHECK_REL(r.st.re[i], GSL_REAL(gsl_vector_complex_get(lam, i)), 1e-8);
    }
    CHECK_REL(r.st.abscissa, hmax, 1e-8);
    CHECK(r.st.abscissa_bound >= hmax - 1e-12 && r.st.gershgorin >= hmax - 1e-12,
          "%s: bounds %g %g below lambda_max(H) %g", what, r.st.abscissa_bound, r.st.gershgorin,
          hmax);
    {
        double f2 = 0;
        for (i = 0; i < N * N; i++)
            f2 += W->data[i] * W->data[i];
        CHECK_REL(lrs_sparse_frob2(A), f2, 1e-12);
    }
free_res:
    sparse_ends_free(&r);
done:
    lrs_sparse_free(A);
    gsl_vector_free(s);
    gsl_vector_free(sI);
    gsl_vector_free(sP);
    gsl_vector_complex_free(lam);
    gsl_matrix_free(H);
    gsl_matrix_free(P);
    gsl_vector_free(eh);
    gsl_eigen_symm_free(ws);
}

static void test_random_sparse_vs_dense(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    gsl_matrix *W = random_sparse_lowrank(400, 0.03, 3, 8.0, rng);
    compare_dense(W, "random sparse + rank 3, N = 400");
    gsl_matrix_free(W);
    gsl_rng_free(rng);
}

static void test_fig1_vs_dense(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
    gsl_matrix *W = fig1_matrix(rng);
    compare_dense(W, "Figure 1 rank one, N = 200");
    gsl_matrix_free(W);
    gsl_rng_free(rng);
}

/* The high-school network through both readers (undirected edge list):
 * the coordinate reader's matrix equals the dense reader's, and the
 * spectra agree. */
static void test_high_school_vs_dense(void)
{
    lrs_io_read_opts_t ro = lrs_io_read_opts_default();
    lrs_err_t err = {0};
    gsl_matrix *W = NULL;
    lrs_sparse_mat_t *A = NULL;
    double f2 = 0;
    size_t i;
    ro.format = LRS_FMT_EDGES;
    ro.undirected = 1;
    CHECK_OK(lrs_io_read_matrix(HS_PATH, &ro, &W, NULL, &err), &err);
    CHECK_OK(lrs_sparse_read(HS_PATH, &ro, &A, NULL, &err), &err);
    if (!W || !A)
        goto done;
    CHECK(lrs_sparse_order(A) == W->size1, "order %zu vs %zu", lrs_sparse_order(A), W->size1);
    for (i = 0; i < W->size1 * W->size2; i++)
        f2 += W->data[i] * W->data[i];
    CHECK_REL(lrs_sparse_frob2(A), f2, 1e-14);
    CHECK(lrs_sparse_nnz(A) == 2 * 5818, "nnz %zu; expected 11636", lrs_sparse_nnz(A));
    /* scaled so that I - W is well conditioned, as lrs-analyze --normalize would */
    gsl_matrix_scale(W, 1.0 / 40);
    compare_dense(W, "high-school network / 40");
done:
    if (W)
        gsl_matrix_free(W);
    lrs_sparse_free(A);
}

/* Exact ranks equal the dense ones; stochastic ranks fall inside their
 * reported intervals (value -+ 2 se) in at least 18 of 20 random matrices. */
static void test_ranks_vs_dense(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int t, in_nuc = 0, in_er = 0, in_gd = 0, gd_known = 0, ntrial = harness_quick() ? 2 : 20;
    QUICK_MODE("2 of the 20 matrices; the 90% checks need all 20");
    gsl_rng_set(rng, 5);
    for (t = 0; t < ntrial; t++) {
        size_t N = 300;
        gsl_matrix *W = random_sparse_lowrank(N, 0.05, 4, 6.0 + t % 5, rng);
        gsl_vector *s = gsl_vector_alloc(N);
        lrs_ranks_t rk;
        lrs_err_t err = {0};
        lrs_sparse_opts_t o = lrs_sparse_opts_default();
        lrs_sparse_mat_t *A = sparse_of(W, &err);
        lrs_sparse_svals_t top;
        lrs_sparse_ranks_t sr;
        o.tol = 1e-10;
        o.seed = 100 + (unsigned long)t;
        lrs_ranks_of_matrix(W, NULL, &rk, NULL);
        CHECK_OK(lrs_sparse_svd(A, 0, 10, LRS_SPARSE_LARGEST, 0, &o, &top, &err), &err);
        CHECK_OK(lrs_sparse_ranks(A, &top, 0.9, &o, &sr, &err), &err);
        if (!harness_cur_failed) {
            CHECK_REL(sr.stable.value, rk.stable, 1e-8);
            CHECK(sr.stable.kind == LRS_SPARSE_EXACT, "stable rank not exact");
            if (sr.energy.kind == LRS_SPARSE_EXACT)
                CHECK(sr.energy.value == (double)rk.energy, "energy %g vs %zu", sr.energy.value, rk.energy);
            else
                CHECK(rk.energy > 10 && sr.energy.kind == LRS_SPARSE_BEYOND,
                      "energy: dense %zu, sparse kind %d", rk.energy, (int)sr.energy.kind);
            CHECK(sr.elbow.kind == LRS_SPARSE_UNAVAILABLE && sr.numerical.kind == LRS_SPARSE_UNAVAILABLE,
                  "elbow/numerical must be marked unavailable");
            in_nuc += rk.nuclear >= sr.nuclear.lo && rk.nuclear <= sr.nuclear.hi;
            in_er += rk.erank >= sr.erank.lo && rk.erank <= sr.erank.hi;
            if (sr.optimal_threshold.kind == LRS_SPARSE_ESTIMATE) {
                gd_known++;
                in_gd += (double)rk.optimal_threshold >= sr.optimal_threshold.lo &&
                         (double)rk.optimal_threshold <= sr.optimal_threshold.hi;
            }
        }
        lrs_sparse_svals_free(&top);
        lrs_sparse_free(A);
        gsl_matrix_free(W);
        gsl_vector_free(s);
    }
    if (!harness_quick()) {
        CHECK(in_nuc >= 18, "nuclear rank inside its interval in %d of %d", in_nuc, ntrial);
        CHECK(in_er >= 18, "erank inside its interval in %d of %d", in_er, ntrial);
        CHECK(gd_known >= 18 && in_gd >= gd_known * 9 / 10,
              "optimal-threshold rank: known in %d, inside its range in %d", gd_known, in_gd);
    }
    gsl_rng_free(rng);
}

/* PETSc binary format: save, load with a parallel MatLoad, same spectrum. */
static void test_petsc_binary_roundtrip(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *W;
    lrs_err_t err = {0};
    lrs_sparse_mat_t *A, *B = NULL;
    lrs_sparse_svals_t a, b;
    char path[] = "build/test_sparse_roundtrip.petsc";
    gsl_rng_set(rng, 3);
    W = random_sparse_lowrank(150, 0.05, 2, 5.0, rng);
    A = sparse_of(W, &err);
    CHECK_OK(lrs_sparse_save_petsc(A, path, &err), &err);
    CHECK_OK(lrs_sparse_load_petsc(path, &B, &err), &err);
    if (B) {
        CHECK(lrs_sparse_nnz(A) == lrs_sparse_nnz(B), "nnz %zu vs %zu", lrs_sparse_nnz(A), lrs_sparse_nnz(B));
        CHECK_REL(lrs_sparse_frob2(B), lrs_sparse_frob2(A), 1e-15);
        CHECK_OK(lrs_sparse_svd(A, 0, 3, LRS_SPARSE_LARGEST, 0, NULL, &a, &err), &err);
        CHECK_OK(lrs_sparse_svd(B, 0, 3, LRS_SPARSE_LARGEST, 0, NULL, &b, &err), &err);
        if (!harness_cur_failed)
            CHECK_REL(a.sigma[0], b.sigma[0], 1e-14);
        lrs_sparse_svals_free(&a);
        lrs_sparse_svals_free(&b);
    }
    if (lrs_sparse_rank() == 0)
        remove(path), remove("build/test_sparse_roundtrip.petsc.info");
    lrs_sparse_free(A);
    lrs_sparse_free(B);
    gsl_matrix_free(W);
    gsl_rng_free(rng);
}

/* Bad input: one-line messages, the same on every rank; PETSc prints nothing. */
static void test_errors(void)
{
    lrs_err_t err = {0};
    lrs_io_coo_t c = {0};
    lrs_sparse_mat_t *A = NULL, *B = NULL;
    lrs_sparse_svals_t s;
    uint32_t i[1] = {0}, j[1] = {1};
    double w[1] = {1};
    c.rows = 2;
    c.cols = 3;
    c.nnz = 1;
    c.i = i;
    c.j = j;
    c.w = w;
    CHECK_ERR(lrs_sparse_from_coo(&c, &A, &err), LRS_EINVAL, &err, "W is 2x3; expected square");
    c.cols = 2;
    CHECK_OK(lrs_sparse_from_coo(&c, &A, &err), &err);
    CHECK_ERR(lrs_sparse_svd(A, 0, 3, LRS_SPARSE_LARGEST, 0, NULL, &s, &err), LRS_EINVAL, &err,
              "k is 3; expected 1..2");
    CHECK_ERR(lrs_sparse_read("tests/fixtures/sparse/none.csv", NULL, &B, NULL, &err), LRS_EIO,
              &err, "none.csv: cannot open");
    CHECK(B == NULL, "no matrix after a failed read");
    lrs_sparse_free(A);
}

/* Regression: on a 3-node path (0 -> 1 -> 2, weight 0.5) the Krylov solvers
 * used to fail or return 0 / inf at the smallest end, the Krylov space being
 * the whole space.  Orders within the basis size now take SLEPc's dense
 * solvers: every quantity must equal LAPACK's on the same matrix. */
static void test_tiny_path3_dense_fallback(void)
{
    gsl_matrix *W = gsl_matrix_calloc(3, 3);
    gsl_vector *sI = gsl_vector_alloc(3);
    lrs_err_t err = {0};
    lrs_sparse_mat_t *A;
    sparse_ends_t r;
    lrs_sparse_opts_t o = lrs_sparse_opts_default();
    size_t i;
    gsl_matrix_set(W, 0, 1, 0.5);
    gsl_matrix_set(W, 1, 2, 0.5);
    svals_i_minus(W, sI);
    A = sparse_of(W, &err);
    CHECK(A != NULL, "path3: %s", err.msg);
    if (!A)
        goto done;
    sparse_ends(A, 2, 3, &o, &r, &err);
    if (!harness_cur_failed) {
        CHECK(sparse_ends_converged(&r), "path3: a solve is flagged");
        CHECK_REL(r.top.sigma[0], 0.5, 1e-14);
        CHECK_REL(r.top.sigma[1], 0.5, 1e-14);
        for (i = 0; i < 3; i++) {
            CHECK_REL(r.big.sigma[i], gsl_vector_get(sI, i), 1e-13);
            CHECK_REL(r.small.sigma[i], gsl_vector_get(sI, 2 - i), 1e-13);
            CHECK(isfinite(r.small.resid[i]) && r.small.resid[i] < 1e-12, "path3: residual %g",
                  r.small.resid[i]);
            /* W is nilpotent: every eigenvalue is 0, with a finite residual */
            CHECK_ABS(r.st.re[i], 0.0, 1e-14);
            CHECK(isfinite(r.st.resid[i]), "path3: eigenvalue residual %g", r.st.resid[i]);
        }
        /* (W + W^T)/2 is tridiagonal with 1/4 off the diagonal: 2 (1/4) cos(pi/4) */
        CHECK_REL(r.st.abscissa, 0.5 * cos(M_PI / 4), 1e-13);
        CHECK(r.st.stable_for_sure, "path3: not stable for sure");
    }
    sparse_ends_free(&r);
done:
    lrs_sparse_free(A);
    gsl_matrix_free(W);
    gsl_vector_free(sI);
}

/* Non-convergence is a flagged estimate, not an error: with a budget of one
 * restart and tol 1e-13 on a matrix without structure (N = 400, 10 entries
 * per row, N(0, 1/10)), the solves return LRS_OK with converged = 0, the
 * flagged values carry residuals above tol, and each is as good as its
 * residual says: a Ritz value of the Hermitian (I - W)^T (I - W) lies within
 * e s^2 of an eigenvalue s_true^2 (e the relative residual). */
static void test_budget_flagged_estimate(void)
{
    size_t N = 400, k = 6, i, j;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    gsl_vector *sI = gsl_vector_alloc(N);
    lrs_err_t err = {0};
    lrs_sparse_mat_t *A;
    lrs_sparse_svals_t small;
    lrs_sparse_stability_t st;
    lrs_sparse_opts_t o = lrs_sparse_opts_default();
    o.tol = 1e-13;
    o.max_it = 1;
    gsl_rng_set(rng, 5);
    for (i = 0; i < N; i++)
        for (j = 0; j < 10; j++)
            gsl_matrix_set(W, i, gsl_rng_uniform_int(rng, N), gsl_ran_gaussian(rng, sqrt(0.1)));
    svals_i_minus(W, sI);
    A = sparse_of(W, &err);
    CHECK(A != NULL, "budget: %s", err.msg);
    if (!A)
        goto done;
    CHECK_OK(lrs_sparse_svd(A, 1, k, LRS_SPARSE_SMALLEST, 0, &o, &small, &err), &err);
    CHECK_OK(lrs_sparse_stability(A, 3, &o, &st, &err), &err);
    if (!harness_cur_failed) {
        CHECK(!small.converged && small.nconv < k && small.iterations == 1,
              "budget: converged %d, nconv %zu, iterations %zu", small.converged, small.nconv,
              small.iterations);
        CHECK(small.tol == 1e-13, "budget: tol %g", small.tol);
        for (i = small.nconv; i < k; i++) {
            double s2 = small.sigma[i] * small.sigma[i], best = INFINITY;
            CHECK(small.resid[i] >= 1e-13, "budget: flagged value %zu has residual %g", i,
                  small.resid[i]);
            for (j = 0; j < N; j++)
                best = fmin(best, fabs(gsl_vector_get(sI, j) * gsl_vector_get(sI, j) - s2));
            CHECK(best <= small.resid[i] * s2 * (1 + 1e-8) + 1e-14,
                  "budget: value %zu is %g from the spectrum, beyond its residual %g", i,
                  best / s2, small.resid[i]);
        }
        CHECK(!st.converged && st.iterations == 1, "budget: eigenvalues converged %d in %zu",
              st.converged, st.iterations);
        CHECK(st.abscissa_converged || st.stable_for_sure == (st.gershgorin < 1),
              "budget: a flagged abscissa gave a bound");
    }
    lrs_sparse_svals_free(&small);
    lrs_sparse_stability_free(&st);
done:
    lrs_sparse_free(A);
    gsl_matrix_free(W);
    gsl_vector_free(sI);
    gsl_rng_free(rng);
}

/* The verdicts from all singular values of I - W (dense) and from ten at
 * each end (sparse) are the same numbers. */
static void test_verdicts_agree(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *W;
    gsl_vector *sI = gsl_vector_alloc(200);
    double asc[200], f2 = 0;
    lrs_err_t err = {0};
    lrs_sparse_mat_t *A;
    lrs_sparse_svals_t hi, lo;
    lrs_sparse_opts_t o = tight();
    lrs_verdict_t vd, vs;
    size_t i;
    gsl_rng_set(rng, 1);
    W = fig1_matrix(rng);
    svals_i_minus(W, sI);
    for (i = 0; i < 200; i++) {
        asc[i] = gsl_vector_get(sI, 199 - i);
        f2 += asc[i] * asc[i];
    }
    A = sparse_of(W, &err);
    CHECK_OK(lrs_verdict_compute(200, f2, sI->data, 200, asc, 200, 1.0, &vd, &err), &err);
    CHECK_OK(lrs_sparse_svd(A, 1, 10, LRS_SPARSE_LARGEST, 0, &o, &hi, &err), &err);
    CHECK_OK(lrs_sparse_svd(A, 1, 10, LRS_SPARSE_SMALLEST, 0, &o, &lo, &err), &err);
    if (!harness_cur_failed) {
        double f2s = lrs_sparse_frob2(A) - 2 * lrs_sparse_trace(A) + 200;
        CHECK_REL(f2s, f2, 1e-12);
        CHECK_OK(lrs_verdict_compute(200, f2s, hi.sigma, 10, lo.sigma, 10, 1.0, &vs, &err), &err);
        CHECK_REL(vs.suppression, vd.suppression, 1e-8);
        CHECK_REL(vs.amplification, vd.amplification, 1e-8);
        CHECK(vs.lrs == vd.lrs && vs.high_dimensional == vd.high_dimensional && vs.lrs == 2,
              "verdicts differ: %d/%d vs %d/%d", vs.lrs, vs.high_dimensional, vd.lrs,
              vd.high_dimensional);
        CHECK(vs.nsupp == vd.nsupp && vs.namp == vd.namp, "counts differ");
    }
    lrs_sparse_svals_free(&hi);
    lrs_sparse_svals_free(&lo);
    lrs_sparse_free(A);
    gsl_matrix_free(W);
    gsl_vector_free(sI);
    gsl_rng_free(rng);
}

/* Simulation with projection observers on the Figure 1 network: theory 1
 * per direction equals the dense quasi-static covariance d^T Cov d to 1e-8;
 * the simulated variances follow it (fixed seed; T = 2000 is about 200
 * input correlation times, so 30% on the mean of three); the top direction
 * u is suppressed against random ones (the paper reports 132x). */
static void test_simulate_fig1(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *W, *Cov;
    gsl_vector *d = gsl_vector_alloc(200), *Cd = gsl_vector_alloc(200);
    lrs_err_t err = {0};
    lrs_sparse_mat_t *A;
    lrs_sparse_svals_t top;
    lrs_sparse_sim_t sim;
    lrs_sparse_sim_opts_t so = lrs_sparse_sim_opts_default();
    lrs_sparse_opts_t o = tight();
    size_t j;
    gsl_rng_set(rng, 1);
    W = fig1_matrix(rng);
    Cov = gsl_matrix_alloc(200, 200);
    A = sparse_of(W, &err);
    so.T = 2000;
    so.dt = 0.05;
    so.k = 3;
    so.seed = 7;
    CHECK_OK(lrs_theory_cov_quasistatic(W, NULL, 1.0, Cov, &err), &err);
    CHECK_OK(lrs_sparse_svd(A, 0, 3, LRS_SPARSE_LARGEST, 1, &o, &top, &err), &err);
    CHECK_OK(lrs_sparse_simulate(A, &top, &so, &o, &sim, &err), &err);
    if (!harness_cur_failed) {
        double vr = 0, tr = 0, dCd;
        CHECK_OK(lrs_sparse_vecs_get(top.U, 0, 0, 200, d->data, &err), &err);
        gsl_blas_dsymv(CblasLower, 1.0, Cov, d, 0.0, Cd);
        gsl_blas_ddot(d, Cd, &dCd);
        CHECK_REL(sim.theory_top[0], dCd, 1e-8);
        for (j = 0; j < 3; j++) {
            vr += sim.var_rand[j] / 3;
            tr += sim.theory_rand[j] / 3;
            CHECK(sim.theory_resid[j] < 1e-9, "GMRES residual %g", sim.theory_resid[j]);
        }
        CHECK_REL(vr, tr, 0.3);
        CHECK(vr / sim.var_top[0] > 30, "suppression var(z.u_rand)/var(z.u) = %g; expected > 30",
              vr / sim.var_top[0]);
        CHECK(sim.steps == 40000, "steps %zu", sim.steps);
        lrs_sparse_sim_free(&sim);
    }
    lrs_sparse_svals_free(&top);
    lrs_sparse_free(A);
    gsl_matrix_free(W);
    gsl_matrix_free(Cov);
    gsl_vector_free(d);
    gsl_vector_free(Cd);
    gsl_rng_free(rng);
}

int main(int argc, char **argv)
{
    lrs_err_t err = {0};
    if (lrs_sparse_init(&argc, &argv, NULL, 0, &err)) {
        printf("FAIL lrs_sparse_init: %s\n", err.msg);
        return 1;
    }
    if (lrs_sparse_rank() != 0 && !freopen("/dev/null", "w", stdout))
        return 1;
    RUN(test_random_sparse_vs_dense);
    RUN(test_fig1_vs_dense);
    RUN(test_high_school_vs_dense);
    /* the 20-matrix statistical check once per run of make test, at P = 1 */
    if (lrs_sparse_size() == 1)
        RUN(test_ranks_vs_dense);
    RUN(test_petsc_binary_roundtrip);
    RUN(test_verdicts_agree);
    RUN(test_simulate_fig1);
    RUN(test_errors);
    RUN(test_tiny_path3_dense_fallback);
    RUN(test_budget_flagged_estimate);
    lrs_sparse_finalize();
    return harness_summary();
}
