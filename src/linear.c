/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Factor-once linear analysis of W (lrs/linear.h; arXiv:2504.13727, linear
 * theory): the eigenvalues of W, the SVDs of W and of I - W and the LU of I - W,
 * each computed on first use and cached; the queries read the caches.
 */
#include "lrs/linear.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <lapacke.h>

#include "lrs/spectra.h"
#include "la_internal.h"
#include "linear_internal.h"
#include "spectra_internal.h"

/* One cached SVD: values only, and/or with vectors. */
typedef struct svd_cache {
    gsl_vector *vals;    /* values-only factorisation (NULL until computed) */
    gsl_vector *s;       /* with-vectors factorisation: values ... */
    gsl_matrix *U, *V;   /* ... and vectors (NULL until computed) */
} svd_cache_t;

struct lrs_linear {
    size_t N;
    gsl_matrix *W;              /* copy of W */
    gsl_matrix *IW;             /* I - W */
    gsl_vector_complex *lambda; /* eigenvalues of W (NULL until computed) */
    svd_cache_t sw, si;         /* SVD of W, of I - W */
    gsl_matrix *LU;             /* LU of (I - W)^T, column-major (NULL until computed) */
    lapack_int *ipiv;           /* its pivots */
    double *rhs;                /* a contiguous right-hand side (length N) */
    int lu_singular;            /* a zero pivot: I - W is singular */
};

/* ------------------------------------------------------------------ allocation */

int linear_alloc_fn(lrs_linear_t **out, const gsl_matrix *W, const char *fn, lrs_err_t *err)
{
    lrs_linear_t *L = NULL;
    size_t N;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!W)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is NULL", fn);
    if (W->size1 != W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square", fn, W->size1,
                           W->size2);
    if (W->size1 == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is 0x0", fn);
    if (!la_matrix_finite(W))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: W (%zux%zu) contains NaN or Inf", fn,
                           W->size1, W->size2);
    N = W->size1;
    L = calloc(1, sizeof *L);
    if (!L || !(L->W = la_matrix_alloc(N, N))) {
        lrs_linear_free(L);
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (W is %zux%zu)", fn, N, N);
    }
    L->N = N;
    gsl_matrix_memcpy(L->W, W);
    *out = L;
    return LRS_OK;
}

/* I - W, built on first use (N^2 more doubles). */
static int ensure_imw(lrs_linear_t *L, const char *fn, lrs_err_t *err)
{
    size_t i, N = L->N;
    if (L->IW)
        return LRS_OK;
    L->IW = la_matrix_alloc(N, N);
    if (!L->IW)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
    gsl_matrix_memcpy(L->IW, L->W);
    gsl_matrix_scale(L->IW, -1.0);
    for (i = 0; i < N; i++)
        gsl_matrix_set(L->IW, i, i, gsl_matrix_get(L->IW, i, i) + 1.0);
    return LRS_OK;
}

int lrs_linear_alloc(lrs_linear_t **out, const gsl_matrix *W, lrs_err_t *err)
{
    return linear_alloc_fn(out, W, "lrs_linear_alloc", err);
}

static void svd_cache_free(svd_cache_t *c)
{
    gsl_vector_free(c->vals);
    gsl_vector_free(c->s);
    if (c->U)
        gsl_matrix_free(c->U);
    if (c->V)
        gsl_matrix_free(c->V);
}

void lrs_linear_free(lrs_linear_t *L)
{
    if (!L)
        return;
    if (L->W)
        gsl_matrix_free(L->W);
    if (L->IW)
        gsl_matrix_free(L->IW);
    gsl_vector_complex_free(L->lambda);
    svd_cache_free(&L->sw);
    svd_cache_free(&L->si);
    if (L->LU)
        gsl_matrix_free(L->LU);
    free(L->ipiv);
    free(L->rhs);
    free(L);
}

size_t lrs_linear_size(const lrs_linear_t *L)
{
    return L ? L->N : 0;
}

const gsl_matrix *lrs_linear_matrix(const lrs_linear_t *L)
{
    return L ? L->W : NULL;
}

const gsl_matrix *lrs_linear_i_minus(lrs_linear_t *L, lrs_err_t *err)
{
    if (!L) {
        lrs_err_set(err, LRS_EINVAL, "lrs_linear_i_minus: L is NULL");
        return NULL;
    }
    return ensure_imw(L, "lrs_linear_i_minus", err) ? NULL : L->IW;
}

/* ------------------------------------------------------------------ factorisations */

/* Eigenvalues of W by lrs_spectra_eig (LAPACK dgeev, sorted by descending
 * real part).  O(N^3) once. */
static int ensure_eig(lrs_linear_t *L, const char *fn, lrs_err_t *err)
{
    gsl_vector_complex *l;
    int rc;
    if (L->lambda)
        return LRS_OK;
    l = la_vector_complex_alloc(L->N);
    if (!l)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, L->N);
    rc = lrs_spectra_eig(L->W, l, NULL, err);
    if (rc) {
        gsl_vector_complex_free(l);
        return rc;
    }
    L->lambda = l;
    return LRS_OK;
}

/* The SVD of A (W or I - W) into cache c, by lrs_spectra_svd (LAPACK
 * dgesdd): values only, or with vectors when `vectors`.  O(N^3) once each. */
static int ensure_svd(const gsl_matrix *A, svd_cache_t *c, int vectors, const char *fn,
                      lrs_err_t *err)
{
    size_t N = A->size1;
    gsl_vector *s = NULL;
    gsl_matrix *U = NULL, *V = NULL;
    int rc;
    if (c->s || (!vectors && c->vals))
        return LRS_OK;
    s = la_vector_alloc(N);
    if (vectors) {
        U = la_matrix_alloc(N, N);
        V = la_matrix_alloc(N, N);
    }
    if (!s || (vectors && (!U || !V))) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto fail;
    }
    if ((rc = lrs_spectra_svd(A, s, U, V, err)))
        goto fail;
    if (vectors) {
        c->s = s;
        c->U = U;
        c->V = V;
    } else {
        c->vals = s;
    }
    return LRS_OK;
fail:
    gsl_vector_free(s);
    if (U)
        gsl_matrix_free(U);
    if (V)
        gsl_matrix_free(V);
    return rc;
}

/* LU with partial pivoting by LAPACK (dgetrf, which reports failures by its
 * return value: GSL's gsl_linalg_LU_decomp allocates through GSL's error
 * handler).  The row-major buffer of I - W read column-major is (I - W)^T, so
 * what is factored is (I - W)^T = P L U, and (I - W) y = b is solved with
 * dgetrs 'T'.  O(2/3 N^3) once.  A zero pivot marks I - W singular; the
 * solves then refuse. */
static int ensure_lu(lrs_linear_t *L, const char *fn, lrs_err_t *err)
{
    size_t N = L->N;
    int rc;
    if (L->LU)
        return LRS_OK;
    if ((rc = ensure_imw(L, fn, err)))
        return rc;
    gsl_matrix *LU = la_matrix_alloc(N, N);
    lapack_int *ipiv = malloc(N * sizeof *ipiv);
    double *rhs = malloc(N * sizeof *rhs);
    if (!LU || !ipiv || !rhs) {
        gsl_matrix_free(LU);
        free(ipiv);
        free(rhs);
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
    }
    gsl_matrix_memcpy(LU, L->IW);
    lapack_int n = (lapack_int)N;
    lapack_int info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, LU->data, n, ipiv);
    if (info < 0) {
        gsl_matrix_free(LU);
        free(ipiv);
        free(rhs);
        return lrs_err_set(err, LRS_ENUMERIC, "%s: dgetrf failed (info %d)", fn, (int)info);
    }
    L->lu_singular = info > 0;
    L->LU = LU;
    L->ipiv = ipiv;
    L->rhs = rhs;
    return LRS_OK;
}

/* The cached LU of (I - W)^T for other modules' solves with many right-hand
 * sides (see linear_internal.h). */
int linear_lu_fn(lrs_linear_t *L, const double **lu, const lapack_int **ipiv, const char *fn,
                 lrs_err_t *err)
{
    int rc;
    if ((rc = ensure_lu(L, fn, err)))
        return rc;
    if (L->lu_singular)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: I - W is singular", fn);
    *lu = L->LU->data;
    *ipiv = L->ipiv;
    return LRS_OK;
}

#define CHECK_L(L, fn)                                                         \
    do {                                                                       \
        if (!(L))                                                              \
            return lrs_err_set(err, LRS_EINVAL, "%s: L is NULL", fn);          \
    } while (0)

int lrs_linear_eig(lrs_linear_t *L, const gsl_vector_complex **lambda, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_eig";
    int rc;
    CHECK_L(L, fn);
    if (!lambda)
        return lrs_err_set(err, LRS_EINVAL, "%s: lambda is NULL", fn);
    if ((rc = ensure_eig(L, fn, err)))
        return rc;
    *lambda = L->lambda;
    return LRS_OK;
}

/* The values and (if asked) vectors of cache c of matrix A. */
static int svd_query(const gsl_matrix *A, svd_cache_t *c, const gsl_vector **s,
                     const gsl_matrix **U, const gsl_matrix **V, const char *fn, lrs_err_t *err)
{
    int rc;
    if (!s)
        return lrs_err_set(err, LRS_EINVAL, "%s: s is NULL", fn);
    if ((U == NULL) != (V == NULL))
        return lrs_err_set(err, LRS_EINVAL, "%s: give both U and V or neither", fn);
    if ((rc = ensure_svd(A, c, U != NULL, fn, err)))
        return rc;
    *s = c->s ? c->s : c->vals;
    if (U) {
        *U = c->U;
        *V = c->V;
    }
    return LRS_OK;
}

int lrs_linear_svd(lrs_linear_t *L, const gsl_vector **s, const gsl_matrix **U,
                   const gsl_matrix **V, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_svd";
    CHECK_L(L, fn);
    return svd_query(L->W, &L->sw, s, U, V, fn, err);
}

int lrs_linear_svd_imw(lrs_linear_t *L, const gsl_vector **s, const gsl_matrix **U,
                       const gsl_matrix **V, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_svd_imw";
    int rc;
    CHECK_L(L, fn);
    if (!L->si.vals && !L->si.s && (rc = ensure_imw(L, fn, err)))
        return rc;
    return svd_query(L->IW, &L->si, s, U, V, fn, err);
}

/* ------------------------------------------------------------------ queries */

int lrs_linear_max_real_eig(lrs_linear_t *L, double *re, double *im, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_max_real_eig";
    gsl_complex z;
    int rc;
    CHECK_L(L, fn);
    if ((rc = ensure_eig(L, fn, err)))
        return rc;
    z = gsl_vector_complex_get(L->lambda, 0);
    if (re)
        *re = GSL_REAL(z);
    if (im)
        *im = GSL_IMAG(z);
    return LRS_OK;
}

int lrs_linear_stable(lrs_linear_t *L, int *stable, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_stable";
    int rc;
    CHECK_L(L, fn);
    if (!stable)
        return lrs_err_set(err, LRS_EINVAL, "%s: stable is NULL", fn);
    if ((rc = ensure_eig(L, fn, err)))
        return rc;
    *stable = GSL_REAL(gsl_vector_complex_get(L->lambda, 0)) < 1.0;
    return LRS_OK;
}

/* LRS_EUNSTABLE unless max Re eig(W) < 1: the stationary covariance of
 * tau dz/dt = -z + W z + x exists only for a stable W. */
int linear_require_stable(lrs_linear_t *L, const char *fn, lrs_err_t *err)
{
    double re;
    int rc = ensure_eig(L, fn, err);
    if (rc)
        return rc;
    re = GSL_REAL(gsl_vector_complex_get(L->lambda, 0));
    if (!(re < 1.0))
        return lrs_err_set(err, LRS_EUNSTABLE,
                           "%s: linear network is unstable: max Re eig(W) = %.3g >= 1; the "
                           "stationary covariance does not exist", fn, re);
    return LRS_OK;
}

int lrs_linear_rcond_imw(lrs_linear_t *L, double *rcond, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_rcond_imw";
    const gsl_vector *s;
    double smax, smin;
    int rc;
    CHECK_L(L, fn);
    if (!rcond)
        return lrs_err_set(err, LRS_EINVAL, "%s: rcond is NULL", fn);
    if ((rc = ensure_imw(L, fn, err)) || (rc = svd_query(L->IW, &L->si, &s, NULL, NULL, fn, err)))
        return rc;
    smax = gsl_vector_get(s, 0);
    smin = gsl_vector_get(s, L->N - 1);
    *rcond = smax > 0 ? smin / smax : 0.0;
    return LRS_OK;
}

/*
 * Theory 1 (arXiv:2504.13727, linear theory, quasi-static limit): z ~ (I - W)^{-1} x,
 * Cov(z) = sigma_x^2 (I - W)^{-1} (I - W)^{-T}, whose eigenvalues are
 * sigma_x^2 over the squared singular values of I - W:
 *   var_k = sigma_x^2 / sigma_{N+1-k}(I - W)^2, k = 1..N, descending.
 * Cost after the cached SVD values of I - W: O(N).
 */
int linear_pcvar1_fn(lrs_linear_t *L, double sigma_x, gsl_vector *var, const char *fn,
                     lrs_err_t *err)
{
    const gsl_vector *s;
    size_t k, N;
    int rc;
    CHECK_L(L, fn);
    N = L->N;
    if (!var)
        return lrs_err_set(err, LRS_EINVAL, "%s: var is NULL", fn);
    if (var->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; var has %zu entries", fn, N, N,
                           var->size);
    if (!isfinite(sigma_x) || sigma_x < 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_x = %g; must be finite and >= 0", fn,
                           sigma_x);
    if ((rc = linear_require_stable(L, fn, err)))
        return rc;
    if ((rc = ensure_imw(L, fn, err)) || (rc = svd_query(L->IW, &L->si, &s, NULL, NULL, fn, err)))
        return rc;
    if (!(gsl_vector_get(s, N - 1) > 0))
        return lrs_err_set(err, LRS_ENUMERIC, "%s: I - W is singular", fn);
    for (k = 0; k < N; k++) {
        double sk = gsl_vector_get(s, N - 1 - k);
        gsl_vector_set(var, k, sigma_x * sigma_x / (sk * sk));
    }
    return LRS_OK;
}

int lrs_linear_pcvar1(lrs_linear_t *L, double sigma_x, gsl_vector *var, lrs_err_t *err)
{
    return linear_pcvar1_fn(L, sigma_x, var, "lrs_linear_pcvar1", err);
}

/*
 * Overlap of the top-r part (arXiv:2504.13727, Figs 2-3): with W = U S V^T,
 * P = U_r^T V_r (r x r) and its singular values.  Joint sign flips of
 * (u_k, v_k) flip row and column k of P together, so sP is well defined.
 * Cost after the cached SVD with vectors: O(N r^2 + r^3).
 */
int lrs_linear_overlap(lrs_linear_t *L, size_t r, gsl_matrix *P, gsl_vector *sP,
                       lrs_err_t *err)
{
    static const char *fn = "lrs_linear_overlap";
    const gsl_vector *s;
    const gsl_matrix *U, *V;
    int rc;
    CHECK_L(L, fn);
    if ((rc = spectra_overlap_check(L->N, r, P, sP, fn, err)))
        return rc;
    if ((rc = svd_query(L->W, &L->sw, &s, &U, &V, fn, err)))
        return rc;
    return spectra_overlap_from_svd(U, V, r, P, sP, err);
}

/* y = (I - W)^{-1} b by the cached LU: two triangular solves, O(N^2). */
int lrs_linear_solve(lrs_linear_t *L, const gsl_vector *b, gsl_vector *y, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_solve";
    int rc;
    CHECK_L(L, fn);
    if (!b || !y)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !b ? "b" : "y");
    if (b->size != L->N || y->size != L->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; b has %zu entries and y %zu",
                           fn, L->N, L->N, b->size, y->size);
    if (!la_vector_finite(b))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: b contains NaN or Inf", fn);
    if ((rc = ensure_lu(L, fn, err)))
        return rc;
    if (L->lu_singular)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: I - W is singular", fn);
    size_t N = L->N;
    for (size_t i = 0; i < N; i++)
        L->rhs[i] = gsl_vector_get(b, i);
    lapack_int n = (lapack_int)N;
    lapack_int info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, 'T', n, 1, L->LU->data, n, L->ipiv,
                                     L->rhs, n);
    if (info != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: dgetrs failed (info %d)", fn, (int)info);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(y, i, L->rhs[i]);
    return LRS_OK;
}

/* ------------------------------------------------------------------ verdicts */

double lrs_linear_participation_ratio(const gsl_vector *var)
{
    double s = 0, s2 = 0;
    size_t k;
    if (!var || var->size == 0)
        return NAN;
    for (k = 0; k < var->size; k++) {
        double l = gsl_vector_get(var, k);
        s += l;
        s2 += l * l;
    }
    return s2 > 0 ? s * s / s2 : NAN;
}

/* sum of squares of the entries of A, row by row: ||A||_F^2 */
static double frob2_of(const gsl_matrix *A)
{
    double f = 0;
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++) {
            double a = gsl_matrix_get(A, i, j);
            f += a * a;
        }
    return f;
}

/* lrs_verdict_compute on all N values: s_1..s_N descending as top, the same
 * ascending as bottom (one O(N) copy of each). */
static int verdict_of_svals(const gsl_vector *s, double frob2, double sigma_x, lrs_verdict_t *v,
                            const char *fn, lrs_err_t *err)
{
    size_t N = s->size, k;
    double *buf = malloc(2 * N * sizeof *buf);
    int rc;
    if (!buf)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
    for (k = 0; k < N; k++) {
        buf[k] = gsl_vector_get(s, k);
        buf[N + k] = gsl_vector_get(s, N - 1 - k);
    }
    rc = lrs_verdict_compute(N, frob2, buf, N, buf + N, N, sigma_x, v, err);
    free(buf);
    return rc;
}

/*
 * The two verdicts (lrs/verdict.h) of W for input sigma_x: the cached
 * singular values of I - W and ||I - W||_F^2 from its entries.  O(N^2)
 * after the SVD of I - W.
 */
int lrs_linear_verdict(lrs_linear_t *L, double sigma_x, lrs_verdict_t *v, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_verdict";
    const gsl_vector *s;
    int rc;
    CHECK_L(L, fn);
    if (!v)
        return lrs_err_set(err, LRS_EINVAL, "%s: v is NULL", fn);
    if (!isfinite(sigma_x) || !(sigma_x > 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_x = %g; the verdicts need sigma_x > 0",
                           fn, sigma_x);
    if ((rc = linear_require_stable(L, fn, err)))
        return rc;
    if ((rc = ensure_imw(L, fn, err)) || (rc = svd_query(L->IW, &L->si, &s, NULL, NULL, fn, err)))
        return rc;
    if (!(gsl_vector_get(s, L->N - 1) > 0))
        return lrs_err_set(err, LRS_ENUMERIC, "%s: I - W is singular", fn);
    if (L->N < 2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is 1x1; the verdicts need N >= 2", fn);
    return verdict_of_svals(s, frob2_of(L->IW), sigma_x, v, fn, err);
}

/*
 * The verdicts from PC variances var_1 >= ... >= var_N > 0 through the one
 * definition: s_i = 1 / sqrt(var_{N+1-i}), ||.||_F^2 = sum 1 / var_i,
 * sigma_x = 1.  O(N).
 */
int lrs_linear_verdict_of(const gsl_vector *var, lrs_verdict_t *v, lrs_err_t *err)
{
    static const char *fn = "lrs_linear_verdict_of";
    gsl_vector *s;
    double f2 = 0;
    size_t N, k;
    int rc;
    if (!var || !v)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !var ? "var" : "v");
    N = var->size;
    if (N < 2)
        return lrs_err_set(err, LRS_EINVAL, "%s: var has %zu entries; need at least 2", fn, N);
    for (k = 0; k < N; k++) {
        double x = gsl_vector_get(var, k);
        if (!(x > 0) || !isfinite(x))
            return lrs_err_set(err, LRS_EINVAL, "%s: var[%zu] = %g; expected positive and finite",
                               fn, k, x);
        if (k > 0 && x > gsl_vector_get(var, k - 1))
            return lrs_err_set(err, LRS_EINVAL, "%s: var[%zu] = %g > var[%zu]; expected descending",
                               fn, k, x, k - 1);
    }
    if (!(s = la_vector_alloc(N)))
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
    for (k = 0; k < N; k++) {
        double x = gsl_vector_get(var, N - 1 - k);
        gsl_vector_set(s, k, 1.0 / sqrt(x));
        f2 += 1.0 / x;
    }
    rc = verdict_of_svals(s, f2, 1.0, v, fn, err);
    gsl_vector_free(s);
    return rc;
}
