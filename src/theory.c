/*
 * Quasi-static theory of the driven linear network (lrs/theory.h,
 * arXiv:2504.13727, linear theory for slowly varying input):  for tau_x >> tau,  z ~ (I - W)^{-1} x,  so
 *   Cov(z) = (I - W)^{-1} C_x (I - W)^{-T}.
 */
#include "lrs/theory.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <lapacke.h>

#include "lrs/spectra.h"
#include "la_internal.h"

/* Common argument checks; then refuse an unstable W (max Re eig(W) >= 1):
 * the stationary covariance of tau dz/dt = -z + W z + x does not exist. */
static int check_w(const gsl_matrix *W, const char *fn, lrs_err_t *err)
{
    if (!W)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is NULL", fn);
    if (W->size1 != W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square", fn,
                           W->size1, W->size2);
    if (W->size1 == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is 0x0", fn);
    if (!la_matrix_finite(W))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: W (%zux%zu) contains NaN or Inf", fn,
                           W->size1, W->size2);
    double re = 0, im = 0;
    int rc = lrs_spectra_max_real_eig(W, &re, &im, err);
    if (rc)
        return rc;
    if (!(re < 1.0))
        return lrs_err_set(err, LRS_EUNSTABLE,
                           "%s: linear network is unstable: max Re eig(W) = %.3g >= 1; the "
                           "stationary covariance does not exist", fn, re);
    return LRS_OK;
}

/*
 * Theory 1: var_k = sigma_x^2 / sigma_{N+1-k}(I - W)^2, k = 1..N, descending
 * (the eigenvalues of sigma_x^2 (I-W)^{-1}(I-W)^{-T} are sigma_x^2 over the
 * squared singular values of I - W).  Storage: one N x N copy, SVD values only.
 */
int lrs_theory_pcvar1(const gsl_matrix *W, double sigma_x, gsl_vector *var,
                      lrs_err_t *err)
{
    static const char *fn = "lrs_theory_pcvar1";
    int rc = check_w(W, fn, err);
    if (rc)
        return rc;
    size_t N = W->size1;
    if (!var)
        return lrs_err_set(err, LRS_EINVAL, "%s: var is NULL", fn);
    if (var->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; var has %zu entries", fn, N, N,
                           var->size);
    if (!isfinite(sigma_x) || sigma_x < 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_x = %g; must be finite and >= 0", fn,
                           sigma_x);
    gsl_matrix *M = la_matrix_alloc(N, N);
    gsl_vector *s = la_vector_alloc(N);
    if (!M || !s) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    gsl_matrix_memcpy(M, W);
    gsl_matrix_scale(M, -1.0);
    for (size_t i = 0; i < N; i++)
        gsl_matrix_set(M, i, i, gsl_matrix_get(M, i, i) + 1.0);
    rc = lrs_spectra_svd(M, s, NULL, NULL, err);
    if (rc)
        goto done;
    if (!(gsl_vector_get(s, N - 1) > 0)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: I - W is singular", fn);
        goto done;
    }
    for (size_t k = 0; k < N; k++) {
        double sk = gsl_vector_get(s, N - 1 - k);
        gsl_vector_set(var, k, sigma_x * sigma_x / (sk * sk));
    }
done:
    gsl_matrix_free(M);
    gsl_vector_free(s);
    return rc;
}

/*
 * Cov = M^{-1} C M^{-T},  M = I - W  (C = C_x, or sigma_x^2 I if Cx NULL).
 * Maths: LU of M once (dgetrf), Y = M^{-1} C (dgetrs), then
 * Cov^T = M^{-1} Y^T (dgetrs again) and Cov = (Cov + Cov^T)/2 to remove the
 * rounding asymmetry.  Storage: column-major copies; since M is given as a
 * row-major buffer = M^T column-major, we build M column-major explicitly.
 */
static int quasistatic(const gsl_matrix *W, const gsl_matrix *Cx, double sigma_x,
                       gsl_matrix *Cov, const char *fn, lrs_err_t *err)
{
    double *m = NULL, *b = NULL;
    lapack_int *ipiv = NULL;
    int rc = LRS_OK;
    size_t N = W->size1;
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
    m = malloc(N * N * sizeof *m);
    b = malloc(N * N * sizeof *b);
    ipiv = malloc(N * sizeof *ipiv);
    if (!m || !b || !ipiv) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    la_to_colmajor(W, m);
    for (size_t i = 0; i < N * N; i++)
        m[i] = -m[i];
    for (size_t i = 0; i < N; i++)
        m[i + i * N] += 1.0;
    if (Cx) {
        la_to_colmajor(Cx, b);
    } else {
        for (size_t i = 0; i < N * N; i++)
            b[i] = 0;
        for (size_t i = 0; i < N; i++)
            b[i + i * N] = sigma_x * sigma_x;
    }
    lapack_int n = (lapack_int)N, info;
    info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, m, n, ipiv);
    if (info != 0) {
        rc = lrs_err_set(err, info > 0 ? LRS_ENUMERIC : LRS_EINVAL,
                         "%s: LU of I - W failed (dgetrf info %d%s)", fn, (int)info,
                         info > 0 ? ": I - W is singular" : "");
        goto done;
    }
    info = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'N', n, n, m, n, ipiv, b, n);
    if (info == 0) {
        /* b holds Y; transpose in place to Y^T, then solve again. */
        for (size_t i = 0; i < N; i++)
            for (size_t j = i + 1; j < N; j++) {
                double t = b[i + j * N];
                b[i + j * N] = b[j + i * N];
                b[j + i * N] = t;
            }
        info = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'N', n, n, m, n, ipiv, b, n);
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
    free(m);
    free(b);
    free(ipiv);
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

int lrs_theory_cov_quasistatic(const gsl_matrix *W, const gsl_matrix *Cx,
                               double sigma_x, gsl_matrix *Cov, lrs_err_t *err)
{
    static const char *fn = "lrs_theory_cov_quasistatic";
    int rc = check_w(W, fn, err);
    return rc ? rc : quasistatic(W, Cx, sigma_x, Cov, fn, err);
}

/* Theory 2: eigenvalues of (I-W)^{-1} C_x (I-W)^{-T}, descending. */
int lrs_theory_pcvar2(const gsl_matrix *W, const gsl_matrix *Cx,
                      gsl_vector *var, lrs_err_t *err)
{
    static const char *fn = "lrs_theory_pcvar2";
    if (!W || !Cx || !var)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn,
                           !W ? "W" : !Cx ? "Cx" : "var");
    if (W->size1 == W->size2 && var->size != W->size1)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; var has %zu entries", fn,
                           W->size1, W->size2, var->size);
    size_t N = W->size1;
    gsl_matrix *Cov = NULL;
    double *a = NULL;
    int rc = check_w(W, fn, err);
    if (rc)
        return rc;
    Cov = la_matrix_alloc(N, N);
    a = malloc(N * N * sizeof *a);
    if (!Cov || !a) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    rc = quasistatic(W, Cx, 0.0, Cov, fn, err);
    if (rc)
        goto done;
    la_to_colmajor(Cov, a);
    rc = symeig_desc(a, N, var, fn, err);
done:
    gsl_matrix_free(Cov);
    free(a);
    return rc;
}
