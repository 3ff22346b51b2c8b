/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Principal component analysis of a covariance matrix (see lrs/pca.h; the
 * streaming covariance is in cov.c).
 *
 * PCA: LAPACKE_dsyevr (MRRR) on a symmetrised copy, results reversed to
 * descending order; each eigenvector's sign is fixed so that its component
 * of largest magnitude (the first such, on ties) is positive.
 */
#include "lrs/pca.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <lapacke.h>
#include "la_internal.h"

/* ------------------------------------------------------------------ PCA */

typedef struct pca_priv {
    lrs_pca_t pub;          /* must be first: lrs_pca_t * <-> pca_priv * */
    double *A;              /* N x N symmetrised copy (destroyed by dsyevr) */
    double *w;              /* N eigenvalues (ascending from dsyevr) */
    double *Z;              /* N x N eigenvectors */
    lapack_int *isuppz;     /* 2N */
    double *work;
    lapack_int lwork;
    lapack_int *iwork;
    lapack_int liwork;
} pca_priv;

int lrs_pca_alloc(lrs_pca_t **out, size_t N, lrs_err_t *err)
{
    int rc = LRS_OK;
    pca_priv *p = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_alloc: out is NULL");
    *out = NULL;
    if (N == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_alloc: N = 0; need N >= 1");
    if ((double)N * (double)N > 2e9)
        return lrs_err_set(err, LRS_ELIMIT, "lrs_pca_alloc: N = %zu is too large", N);
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_pca_alloc: out of memory");
        goto done;
    }
    p->pub.N = N;
    p->pub.var = la_vector_alloc(N);
    p->pub.pct = la_vector_alloc(N);
    p->pub.pcs = la_matrix_alloc(N, N);
    p->A = malloc(N * N * sizeof *p->A);
    p->w = malloc(N * sizeof *p->w);
    p->Z = malloc(N * N * sizeof *p->Z);
    p->isuppz = malloc(2 * N * sizeof *p->isuppz);
    if (!p->pub.var || !p->pub.pct || !p->pub.pcs || !p->A || !p->w || !p->Z || !p->isuppz) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_pca_alloc: out of memory for N = %zu", N);
        goto done;
    }
    /* Workspace query (jobz = 'V' needs the most). */
    {
        double wq;
        lapack_int iwq, m;
        lapack_int n = (lapack_int)N;
        for (size_t i = 0; i < N * N; i++)
            p->A[i] = 0.0;
        lapack_int info = LAPACKE_dsyevr_work(LAPACK_ROW_MAJOR, 'V', 'A', 'U', n, p->A, n,
                                              0.0, 0.0, 0, 0, 0.0, &m, p->w, p->Z, n,
                                              p->isuppz, &wq, -1, &iwq, -1);
        if (info != 0) {
            rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_pca_alloc: dsyevr workspace query failed (info %d)",
                             (int)info);
            goto done;
        }
        p->lwork = (lapack_int)wq;
        p->liwork = iwq;
        p->work = malloc((size_t)p->lwork * sizeof *p->work);
        p->iwork = malloc((size_t)p->liwork * sizeof *p->iwork);
        if (!p->work || !p->iwork) {
            rc = lrs_err_set(err, LRS_ENOMEM, "lrs_pca_alloc: out of memory for N = %zu", N);
            goto done;
        }
    }
    *out = &p->pub;
    p = NULL;
done:
    if (p)
        lrs_pca_free(&p->pub);
    return rc;
}

void lrs_pca_free(lrs_pca_t *pub)
{
    if (!pub)
        return;
    pca_priv *p = (pca_priv *)pub;
    gsl_vector_free(p->pub.var);
    gsl_vector_free(p->pub.pct);
    gsl_matrix_free(p->pub.pcs);
    free(p->A);
    free(p->w);
    free(p->Z);
    free(p->isuppz);
    free(p->work);
    free(p->iwork);
    free(p);
}

/* Reverse ascending (w, Z) into descending eval / columns of V with the sign
 * convention; V may be NULL. */
static void pca_reverse(size_t N, const double *w, const double *Z, gsl_vector *eval,
                        gsl_matrix *V)
{
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(eval, k, w[N - 1 - k]);
    if (!V)
        return;
    for (size_t k = 0; k < N; k++) {
        size_t src = N - 1 - k;
        size_t imax = 0;
        double amax = -1.0;
        for (size_t i = 0; i < N; i++) {
            double a = fabs(Z[i * N + src]);
            if (a > amax) {
                amax = a;
                imax = i;
            }
        }
        double s = Z[imax * N + src] < 0 ? -1.0 : 1.0;
        for (size_t i = 0; i < N; i++)
            V->data[i * V->tda + k] = s * Z[i * N + src];
    }
}

int lrs_pca_from_cov(lrs_pca_t *pub, const gsl_matrix *C, int scaled, int want_pcs,
                     lrs_err_t *err)
{
    if (!pub || !C)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_from_cov: %s is NULL", pub ? "C" : "p");
    pca_priv *p = (pca_priv *)pub;
    size_t N = pub->N;
    if (C->size1 != N || C->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_from_cov: C is %zux%zu; expected %zux%zu",
                           C->size1, C->size2, N, N);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            if (!isfinite(C->data[i * C->tda + j]))
                return lrs_err_set(err, LRS_ENONFINITE,
                                   "lrs_pca_from_cov: C(%zu,%zu) = %g is not finite", i, j,
                                   C->data[i * C->tda + j]);
    /* Symmetrised copy, scaled to a correlation matrix if asked. */
    for (size_t i = 0; i < N; i++)
        for (size_t j = i; j < N; j++) {
            double v = 0.5 * (C->data[i * C->tda + j] + C->data[j * C->tda + i]);
            p->A[i * N + j] = v;
            p->A[j * N + i] = v;
        }
    if (scaled) {
        for (size_t i = 0; i < N; i++) {
            double dii = p->A[i * N + i];
            if (!(dii > 0))
                return lrs_err_set(err, LRS_EINVAL,
                                   "lrs_pca_from_cov: unit %zu has variance %g; scaled PCA needs "
                                   "positive variances", i, dii);
            p->w[i] = 1.0 / sqrt(dii);
        }
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                p->A[i * N + j] *= p->w[i] * p->w[j];
        for (size_t i = 0; i < N; i++)
            p->A[i * N + i] = 1.0;
    }
    lapack_int n = (lapack_int)N, m = 0;
    lapack_int info = LAPACKE_dsyevr_work(LAPACK_ROW_MAJOR, want_pcs ? 'V' : 'N', 'A', 'U', n,
                                          p->A, n, 0.0, 0.0, 0, 0, 0.0, &m, p->w, p->Z, n,
                                          p->isuppz, p->work, p->lwork, p->iwork, p->liwork);
    if (info != 0 || m != n)
        return lrs_err_set(err, LRS_ENUMERIC,
                           "lrs_pca_from_cov: dsyevr failed (info %d, %d of %d eigenvalues)",
                           (int)info, (int)m, (int)n);
    pca_reverse(N, p->w, p->Z, pub->var, want_pcs ? pub->pcs : NULL);
    double sum = 0.0;
    for (size_t k = 0; k < N; k++)
        sum += p->w[k];
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(pub->pct, k, sum > 0 ? 100.0 * gsl_vector_get(pub->var, k) / sum : 0.0);
    return LRS_OK;
}

int lrs_pca_symeig(const gsl_matrix *A, gsl_vector *eval, gsl_matrix *V, lrs_err_t *err)
{
    int rc = LRS_OK;
    double *a = NULL, *w = NULL, *Z = NULL;
    lapack_int *isuppz = NULL;
    if (!A || !eval)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_symeig: %s is NULL", A ? "eval" : "A");
    size_t N = A->size1;
    if (N == 0 || A->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_symeig: A is %zux%zu; expected square, N >= 1",
                           A->size1, A->size2);
    if (eval->size != N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_symeig: eval has length %zu; expected %zu",
                           eval->size, N);
    if (V && (V->size1 != N || V->size2 != N))
        return lrs_err_set(err, LRS_EINVAL, "lrs_pca_symeig: V is %zux%zu; expected %zux%zu",
                           V->size1, V->size2, N, N);
    a = malloc(N * N * sizeof *a);
    w = malloc(N * sizeof *w);
    Z = V ? malloc(N * N * sizeof *Z) : NULL;
    isuppz = malloc(2 * N * sizeof *isuppz);
    if (!a || !w || (V && !Z) || !isuppz) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_pca_symeig: out of memory for N = %zu", N);
        goto done;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = i; j < N; j++) {
            double v = 0.5 * (A->data[i * A->tda + j] + A->data[j * A->tda + i]);
            if (!isfinite(v)) {
                rc = lrs_err_set(err, LRS_ENONFINITE, "lrs_pca_symeig: A(%zu,%zu) is not finite",
                                 i, j);
                goto done;
            }
            a[i * N + j] = v;
            a[j * N + i] = v;
        }
    lapack_int n = (lapack_int)N, m = 0;
    double dummy;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, V ? 'V' : 'N', 'A', 'U', n, a, n, 0.0,
                                     0.0, 0, 0, 0.0, &m, w, V ? Z : &dummy, n, isuppz);
    if (info != 0 || m != n) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_pca_symeig: dsyevr failed (info %d)", (int)info);
        goto done;
    }
    pca_reverse(N, w, Z, eval, V);
done:
    free(a);
    free(w);
    free(Z);
    free(isuppz);
    return rc;
}
