/*
 * Streaming covariance and PCA (see lrs/pca.h).
 *
 * Covariance accumulator.  State: count n, mean m (N), scatter
 * S = sum_t (y_t - m)(y_t - m)^T, upper triangle of a row-major N x N array.
 * A block Y (b rows) is processed in sub-blocks of at most COV_CHUNK rows
 * (Chan, Golub & LeVeque 1979):
 *     Yc = Y - 1 m^T            (shift by the running mean: small numbers)
 *     d  = mean of the rows of Yc   (= block mean - m, computed accurately)
 *     Yc = Yc - 1 d^T           (block centred on its own mean)
 *     S += Yc^T Yc              (cblas_dsyrk, upper)
 *     S += (n b / (n + b)) d d^T  (cblas_dsyr)
 *     m += d b / (n + b),  n += b
 * (For the first sub-block m = 0 and d is its mean.)  Merging two
 * accumulators uses the same update with d = m_src - m_dst.
 * C = S / (n - 1), symmetrised on output.
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

#define COV_CHUNK 256

struct lrs_cov {
    size_t N;
    size_t n;
    double *mean;    /* N */
    double *S;       /* N x N, upper triangle used */
    double *work;    /* COV_CHUNK x N centred sub-block */
    double *d;       /* N */
    double *ones;    /* COV_CHUNK ones */
    lrs_field_t field;
    double t_start;
};

int lrs_cov_alloc(lrs_cov_t **out, size_t N, lrs_err_t *err)
{
    int rc = LRS_OK;
    lrs_cov_t *c = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_alloc: out is NULL");
    *out = NULL;
    if (N == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_alloc: dimension N = 0; need N >= 1");
    if ((double)N * (double)N > 2e9)
        return lrs_err_set(err, LRS_ELIMIT, "lrs_cov_alloc: N = %zu is too large for an N x N covariance", N);
    c = calloc(1, sizeof *c);
    if (!c) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_cov_alloc: out of memory");
        goto done;
    }
    c->N = N;
    c->mean = calloc(N, sizeof *c->mean);
    c->S = calloc(N * N, sizeof *c->S);
    c->work = malloc(COV_CHUNK * N * sizeof *c->work);
    c->d = calloc(N, sizeof *c->d);
    c->ones = malloc(COV_CHUNK * sizeof *c->ones);
    if (!c->mean || !c->S || !c->work || !c->d || !c->ones) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_cov_alloc: out of memory for N = %zu", N);
        goto done;
    }
    for (size_t i = 0; i < COV_CHUNK; i++)
        c->ones[i] = 1.0;
    c->field = LRS_FIELD_Z;
    c->t_start = 0.0;
    *out = c;
    c = NULL;
done:
    lrs_cov_free(c);
    return rc;
}

void lrs_cov_free(lrs_cov_t *c)
{
    if (!c)
        return;
    free(c->mean);
    free(c->S);
    free(c->work);
    free(c->d);
    free(c->ones);
    free(c);
}

void lrs_cov_reset(lrs_cov_t *c)
{
    if (!c)
        return;
    c->n = 0;
    memset(c->mean, 0, c->N * sizeof *c->mean);
    memset(c->S, 0, c->N * c->N * sizeof *c->S);
}

/* Add b rows starting at Y (row stride tda): one sub-block, b <= COV_CHUNK.
 * The passes over the block are level-2 BLAS calls (vectorised):
 * W = Y - 1 m^T (dger), d = W^T 1 / b (dgemv), W -= 1 d^T (dger).
 * With n = 0 the running mean is 0, so d is the block mean itself. */
static void cov_add_rows(lrs_cov_t *c, const double *Y, size_t tda, size_t b)
{
    size_t N = c->N;
    double *W = c->work, *d = c->d;
    if (tda == N) {
        memcpy(W, Y, b * N * sizeof *W);
    } else {
        for (size_t i = 0; i < b; i++)
            memcpy(W + i * N, Y + i * tda, N * sizeof *W);
    }
    if (c->n > 0)
        cblas_dger(CblasRowMajor, (int)b, (int)N, -1.0, c->ones, 1, c->mean, 1, W, (int)N);
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)b, (int)N, 1.0 / (double)b, W, (int)N, c->ones, 1,
                0.0, d, 1);
    if (b > 1) {
        cblas_dger(CblasRowMajor, (int)b, (int)N, -1.0, c->ones, 1, d, 1, W, (int)N);
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)N, (int)b, 1.0,
                    W, (int)N, 1.0, c->S, (int)N);
    }
    double na = (double)c->n, nb = (double)b, nab = na + nb;
    if (c->n > 0)
        cblas_dsyr(CblasRowMajor, CblasUpper, (int)N, na * nb / nab, d, 1, c->S, (int)N);
    for (size_t j = 0; j < N; j++)
        c->mean[j] += d[j] * (nb / nab);
    c->n += b;
}

int lrs_cov_add_block(lrs_cov_t *c, const gsl_matrix *Y, lrs_err_t *err)
{
    if (!c || !Y)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_add_block: %s is NULL", c ? "Y" : "c");
    if (Y->size2 != c->N)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_cov_add_block: Y has %zu columns; expected N = %zu",
                           Y->size2, c->N);
    for (size_t i = 0; i < Y->size1; i += COV_CHUNK) {
        size_t b = Y->size1 - i < COV_CHUNK ? Y->size1 - i : COV_CHUNK;
        cov_add_rows(c, Y->data + i * Y->tda, Y->tda, b);
    }
    return LRS_OK;
}

int lrs_cov_add(lrs_cov_t *c, const gsl_vector *y, lrs_err_t *err)
{
    if (!c || !y)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_add: %s is NULL", c ? "y" : "c");
    if (y->size != c->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_add: y has length %zu; expected N = %zu",
                           y->size, c->N);
    if (y->stride == 1) {
        cov_add_rows(c, y->data, c->N, 1);
    } else {
        /* contiguous copy in the last work row (b = 1 uses only row 0) */
        double *tmp = c->work + (COV_CHUNK - 1) * c->N;
        for (size_t j = 0; j < c->N; j++)
            tmp[j] = y->data[j * y->stride];
        cov_add_rows(c, tmp, c->N, 1);
    }
    return LRS_OK;
}

int lrs_cov_merge(lrs_cov_t *dst, const lrs_cov_t *src, lrs_err_t *err)
{
    if (!dst || !src)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_merge: %s is NULL", dst ? "src" : "dst");
    if (dst->N != src->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_merge: src has dimension %zu; dst has %zu",
                           src->N, dst->N);
    if (dst == src)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_merge: src and dst are the same accumulator");
    size_t N = dst->N;
    if (src->n == 0)
        return LRS_OK;
    if (dst->n == 0) {
        memcpy(dst->mean, src->mean, N * sizeof *dst->mean);
        memcpy(dst->S, src->S, N * N * sizeof *dst->S);
        dst->n = src->n;
        return LRS_OK;
    }
    double na = (double)dst->n, nb = (double)src->n, nab = na + nb;
    for (size_t j = 0; j < N; j++)
        dst->d[j] = src->mean[j] - dst->mean[j];
    for (size_t i = 0; i < N; i++)
        for (size_t j = i; j < N; j++)
            dst->S[i * N + j] += src->S[i * N + j];
    cblas_dsyr(CblasRowMajor, CblasUpper, (int)N, na * nb / nab, dst->d, 1, dst->S, (int)N);
    for (size_t j = 0; j < N; j++)
        dst->mean[j] += dst->d[j] * (nb / nab);
    dst->n += src->n;
    return LRS_OK;
}

size_t lrs_cov_count(const lrs_cov_t *c)
{
    return c ? c->n : 0;
}

size_t lrs_cov_dim(const lrs_cov_t *c)
{
    return c ? c->N : 0;
}

int lrs_cov_mean(const lrs_cov_t *c, gsl_vector *mean, lrs_err_t *err)
{
    if (!c || !mean)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_mean: %s is NULL", c ? "mean" : "c");
    if (mean->size != c->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_mean: mean has length %zu; expected N = %zu",
                           mean->size, c->N);
    if (c->n == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_mean: no observations yet");
    for (size_t j = 0; j < c->N; j++)
        gsl_vector_set(mean, j, c->mean[j]);
    return LRS_OK;
}

int lrs_cov_get(const lrs_cov_t *c, gsl_matrix *C, lrs_err_t *err)
{
    if (!c || !C)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_get: %s is NULL", c ? "C" : "c");
    if (C->size1 != c->N || C->size2 != c->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_get: C is %zux%zu; expected %zux%zu",
                           C->size1, C->size2, c->N, c->N);
    if (c->n < 2)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_cov_get: %zu observation(s); a covariance needs at least 2", c->n);
    size_t N = c->N;
    double s = 1.0 / (double)(c->n - 1);
    for (size_t i = 0; i < N; i++)
        for (size_t j = i; j < N; j++) {
            double v = c->S[i * N + j] * s;
            C->data[i * C->tda + j] = v;
            C->data[j * C->tda + i] = v;
        }
    return LRS_OK;
}

int lrs_cov_entry(const lrs_cov_t *c, size_t i, size_t j, double *value, lrs_err_t *err)
{
    if (!c || !value)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_entry: %s is NULL", c ? "value" : "c");
    if (i >= c->N || j >= c->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_entry: index (%zu, %zu) outside %zux%zu",
                           i, j, c->N, c->N);
    if (c->n < 2)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_cov_entry: %zu observation(s); a covariance needs at least 2", c->n);
    size_t a = i < j ? i : j, b = i < j ? j : i;
    *value = c->S[a * c->N + b] / (double)(c->n - 1);
    return LRS_OK;
}

/* Step index of the first row counted: the first n with n dt >= t_start
 * (to 1e-9 dt), i.e. n_start = ceil(t_start/dt - 1e-9), at least 0. */
static size_t cov_first_step(double t_start, double dt)
{
    double v = ceil(t_start / dt - 1e-9);
    return v > 0 ? (size_t)v : 0;
}

static int cov_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    lrs_cov_t *c = self;
    const gsl_matrix *Y = lrs_block_field(b, c->field);
    if (!Y)
        return lrs_err_set(err, LRS_EINVAL,
                           "covariance observer: field %d is not available in the block "
                           "(R needs needs_recurrent)", (int)c->field);
    size_t rows = Y->size1, n_start = cov_first_step(c->t_start, b->dt);
    size_t i0 = n_start > b->n0 ? n_start - b->n0 : 0;
    if (i0 >= rows)
        return LRS_OK;
    gsl_matrix_const_view v = gsl_matrix_const_submatrix(Y, i0, 0, rows - i0, Y->size2);
    return lrs_cov_add_block(c, &v.matrix, err);
}

lrs_observer_t lrs_cov_observer(lrs_cov_t *c, lrs_field_t field, double t_start)
{
    lrs_observer_t o;
    if (c) {
        c->field = field;
        c->t_start = t_start;
    }
    o.observe = cov_observe;
    o.self = c;
    o.needs_recurrent = field == LRS_FIELD_R;
    return o;
}

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
