/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Quasi-static theory of the driven linear network (lrs/theory.h,
 * arXiv:2504.13727, linear theory for slowly varying input):  for
 * tau_x >> tau,  z ~ (I - W)^{-1} x,  so
 *   Cov(z) = (I - W)^{-1} C_x (I - W)^{-T}.
 * The stability check and the SVD of I - W come from a prepared
 * lrs_linear_t (lrs/linear.h): the *_prepared entry points reuse the
 * caller's, the others prepare one for the call.
 */
#include "lrs/theory.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <lapacke.h>

#include "lrs/linear.h"
#include "la_internal.h"
#include "linear_internal.h"

/*
 * Theory 1 (one-shot): a prepared lrs_linear_t (lrs/linear.h) for this call
 * only -- eigenvalues for the stability check, SVD values of I - W.  Callers
 * that query the same W again hold an lrs_linear_t and call
 * lrs_linear_pcvar1 instead.
 */
int lrs_theory_pcvar1(const gsl_matrix *W, double sigma_x, gsl_vector *var,
                      lrs_err_t *err)
{
    static const char *fn = "lrs_theory_pcvar1";
    lrs_linear_t *L = NULL;
    int rc = linear_alloc_fn(&L, W, fn, err);
    if (rc == LRS_OK)
        rc = linear_pcvar1_fn(L, sigma_x, var, fn, err);
    lrs_linear_free(L);
    return rc;
}

/*
 * Cov = M^{-1} C M^{-T},  M = I - W  (C = C_x, or sigma_x^2 I if Cx NULL).
 * Maths: with the LU of M^T cached in L (computed once per W, O(2/3 N^3)),
 * Y = M^{-1} C (dgetrs 'T'), then Cov^T = M^{-1} Y^T (dgetrs 'T' again) and
 * Cov = (Cov + Cov^T)/2 to remove the rounding asymmetry.  Cost per query:
 * the two solves with N right-hand sides, 4 N^3 flops.  Storage: a
 * column-major N x N buffer for Y.
 */
static int quasistatic(lrs_linear_t *L, const gsl_matrix *Cx, double sigma_x,
                       gsl_matrix *Cov, const char *fn, lrs_err_t *err)
{
    double *b = NULL;
    const double *lu = NULL;
    const lapack_int *ipiv = NULL;
    int rc = LRS_OK;
    size_t N = lrs_linear_size(L);
    if (!Cov)
        return lrs_err_set(err, LRS_EINVAL, "%s: Cov is NULL", fn);
    if (Cov->size1 != N || Cov->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; Cov is %zux%zu", fn, N, N,
                           Cov->size1, Cov->size2);
    if (Cx) {
        if (Cx->size1 != N || Cx->size2 != N)
            return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; Cx is %zux%zu", fn, N, N,
                               Cx->size1, Cx->size2);
        if (!la_matrix_finite(Cx))
            return lrs_err_set(err, LRS_ENONFINITE, "%s: Cx contains NaN or Inf", fn);
    } else if (!isfinite(sigma_x) || sigma_x < 0) {
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_x = %g; must be finite and >= 0", fn,
                           sigma_x);
    }
    if ((rc = linear_lu_fn(L, &lu, &ipiv, fn, err)))
        return rc;
    b = malloc(N * N * sizeof *b);
    if (!b) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    if (Cx) {
        la_to_colmajor(Cx, b);
    } else {
        for (size_t i = 0; i < N * N; i++)
            b[i] = 0;
        for (size_t i = 0; i < N; i++)
            b[i + i * N] = sigma_x * sigma_x;
    }
    lapack_int n = (lapack_int)N;
    lapack_int info = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'T', n, n, lu, n, ipiv, b, n);
    if (info == 0) {
        /* b holds Y; transpose in place to Y^T, then solve again. */
        for (size_t i = 0; i < N; i++)
            for (size_t j = i + 1; j < N; j++) {
                double t = b[i + j * N];
                b[i + j * N] = b[j + i * N];
                b[j + i * N] = t;
            }
        info = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'T', n, n, lu, n, ipiv, b, n);
    }
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dgetrs failed (info %d)", fn, (int)info);
        goto done;
    }
    /* b = Cov^T column-major; symmetrise into Cov. */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(Cov, i, j, 0.5 * (b[i + j * N] + b[j + i * N]));
done:
    free(b);
    return rc;
}

/*
 * Eigenvalues of a symmetric matrix, descending (LAPACK dsyevd, values
 * only).  The row-major buffer of a symmetric matrix is the same matrix
 * column-major; we use its lower triangle ('L').  a is overwritten.
 */
static int symeig_desc(double *a, size_t N, gsl_vector *out, const char *fn, lrs_err_t *err)
{
    double *w = NULL, *work = NULL;
    lapack_int *iwork = NULL;
    int rc = LRS_OK;
    lapack_int n = (lapack_int)N, info, liwork = 0;
    double wq = 0;
    w = malloc(N * sizeof *w);
    if (!w) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'N', 'L', n, a, n, w, &wq, -1, &liwork, -1);
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dsyevd workspace query failed (info %d)", fn,
                         (int)info);
        goto done;
    }
    lapack_int lwork = (lapack_int)wq + 1;
    if (liwork < 1)
        liwork = 1;
    work = malloc((size_t)lwork * sizeof *work);
    iwork = malloc((size_t)liwork * sizeof *iwork);
    if (!work || !iwork) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (workspace)", fn);
        goto done;
    }
    info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'N', 'L', n, a, n, w, work, lwork, iwork,
                               liwork);
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dsyevd failed (info %d)", fn, (int)info);
        goto done;
    }
    for (size_t k = 0; k < N; k++) /* dsyevd returns ascending order */
        gsl_vector_set(out, k, w[N - 1 - k]);
done:
    free(w);
    free(work);
    free(iwork);
    return rc;
}

/* The quasi-static covariance on a prepared W: the stability check reads
 * the cached eigenvalues. */
static int cov_quasistatic(lrs_linear_t *L, const gsl_matrix *Cx, double sigma_x,
                           gsl_matrix *Cov, const char *fn, lrs_err_t *err)
{
    int rc;
    if (!L)
        return lrs_err_set(err, LRS_EINVAL, "%s: L is NULL", fn);
    rc = linear_require_stable(L, fn, err);
    return rc ? rc : quasistatic(L, Cx, sigma_x, Cov, fn, err);
}

int lrs_theory_cov_quasistatic_prepared(lrs_linear_t *L, const gsl_matrix *Cx,
                                        double sigma_x, gsl_matrix *Cov, lrs_err_t *err)
{
    return cov_quasistatic(L, Cx, sigma_x, Cov, "lrs_theory_cov_quasistatic_prepared", err);
}

int lrs_theory_cov_quasistatic(const gsl_matrix *W, const gsl_matrix *Cx,
                               double sigma_x, gsl_matrix *Cov, lrs_err_t *err)
{
    static const char *fn = "lrs_theory_cov_quasistatic";
    lrs_linear_t *L = NULL;
    int rc = linear_alloc_fn(&L, W, fn, err);
    if (rc == LRS_OK)
        rc = cov_quasistatic(L, Cx, sigma_x, Cov, fn, err);
    lrs_linear_free(L);
    return rc;
}

/* Theory 2: eigenvalues of (I-W)^{-1} C_x (I-W)^{-T}, descending.  Cost:
 * the LU once per prepared W (O(2/3 N^3)), then per query the two solves
 * (4 N^3 flops) and dsyevd (values only, O(N^3)). */
static int pcvar2(lrs_linear_t *L, const gsl_matrix *Cx, gsl_vector *var, const char *fn,
                  lrs_err_t *err)
{
    gsl_matrix *Cov = NULL;
    double *a = NULL;
    size_t N;
    int rc;
    if (!L || !Cx || !var)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn,
                           !L ? "L" : !Cx ? "Cx" : "var");
    N = lrs_linear_size(L);
    if (var->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; var has %zu entries", fn, N, N,
                           var->size);
    if ((rc = linear_require_stable(L, fn, err)))
        return rc;
    Cov = la_matrix_alloc(N, N);
    a = malloc(N * N * sizeof *a);
    if (!Cov || !a) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    rc = quasistatic(L, Cx, 0.0, Cov, fn, err);
    if (rc)
        goto done;
    la_to_colmajor(Cov, a);
    rc = symeig_desc(a, N, var, fn, err);
done:
    if (Cov)
        gsl_matrix_free(Cov);
    free(a);
    return rc;
}

int lrs_theory_pcvar2_prepared(lrs_linear_t *L, const gsl_matrix *Cx, gsl_vector *var,
                               lrs_err_t *err)
{
    return pcvar2(L, Cx, var, "lrs_theory_pcvar2_prepared", err);
}

int lrs_theory_pcvar2(const gsl_matrix *W, const gsl_matrix *Cx,
                      gsl_vector *var, lrs_err_t *err)
{
    static const char *fn = "lrs_theory_pcvar2";
    lrs_linear_t *L = NULL;
    int rc;
    if (!W || !Cx || !var)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn,
                           !W ? "W" : !Cx ? "Cx" : "var");
    if (W->size1 == W->size2 && var->size != W->size1)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; var has %zu entries", fn,
                           W->size1, W->size2, var->size);
    rc = linear_alloc_fn(&L, W, fn, err);
    if (rc == LRS_OK)
        rc = pcvar2(L, Cx, var, fn, err);
    lrs_linear_free(L);
    return rc;
}
