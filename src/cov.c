/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Streaming covariance over time (see lrs/cov.h).
 *
 * State: count n, mean m (N), scatter S = sum_t (y_t - m)(y_t - m)^T, upper
 * triangle of a row-major N x N array, and up to COV_CHUNK observations not
 * yet folded in (copied rows of the work block).  Observations are gathered
 * into the work block, whatever the sizes of the blocks they arrive in, and
 * a full work block (or whatever is gathered when a result is asked for) is
 * folded in at once (Chan, Golub & LeVeque 1979):
 *     Yc = Y - 1 m^T            (shift by the running mean: small numbers)
 *     d  = mean of the rows of Yc   (= block mean - m, computed accurately)
 *     Yc = Yc - 1 d^T           (block centred on its own mean)
 *     S += Yc^T Yc              (cblas_dsyrk, upper)
 *     S += (n b / (n + b)) d d^T  (cblas_dsyr)
 *     m += d b / (n + b),  n += b
 * (For the first sub-block m = 0 and d is its mean.)  Merging two
 * accumulators uses the same update with d = m_src - m_dst.
 * C = S / (n - 1), symmetrised on output.  Cost per observation O(N^2):
 * N^2 flops of dsyrk per row, which runs near the machine's peak only for a
 * deep update (b in the hundreds): a simulation observer sampling every 10th
 * step of 256-step blocks hands over ~26 rows at a time, so gathering to
 * COV_CHUNK rows first makes the update several times deeper at the price of
 * one copy per row (which the centring needed anyway).  Memory N^2 +
 * COV_CHUNK N.  The getters fold the gathered rows first: they change the
 * accumulator's representation, not its value, so they take it as const,
 * but two threads must not query (or feed) one accumulator at once.
 *
 * The observer takes the steps n >= n_start, n_start = ceil(t_start/dt -
 * 1e-9), with n a multiple of `every`: a strided view of the block's rows
 * (no copy) handed to lrs_cov_add_block.
 */
#include "lrs/cov.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

#define COV_CHUNK 256

struct lrs_cov {
    size_t N;
    size_t n;
    double *mean;    /* N */
    double *S;       /* N x N, upper triangle used */
    double *work;    /* COV_CHUNK x N: rows 0..pend-1 gathered, not folded in */
    size_t pend;
    double *d;       /* N */
    double *ones;    /* COV_CHUNK ones */
    lrs_field_t field;
    double t_start;
    size_t every;    /* observer stride (>= 1) */
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
    c->every = 1;
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
    c->pend = 0;
    memset(c->mean, 0, c->N * sizeof *c->mean);
    memset(c->S, 0, c->N * c->N * sizeof *c->S);
}

/* Fold the gathered rows W = work rows 0..b-1 (b = pend >= 1) into the
 * totals.  The passes over the block are level-2 BLAS calls (vectorised):
 * W -= 1 m^T (dger), d = W^T 1 / b (dgemv), W -= 1 d^T (dger), then one
 * dsyrk.  With n = 0 the running mean is 0, so d is the block mean itself. */
static void cov_fold(lrs_cov_t *c)
{
    size_t N = c->N, b = c->pend;
    double *W = c->work, *d = c->d;
    if (b == 0)
        return;
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
    c->pend = 0;
}

/* The getters' view: every gathered row folded in (see the header). */
static const lrs_cov_t *cov_folded(const lrs_cov_t *c)
{
    cov_fold((lrs_cov_t *)c);
    return c;
}

/* Gather the b rows Y (row stride tda, element stride inc), folding each
 * time the work block fills up. */
static void cov_gather(lrs_cov_t *c, const double *Y, size_t tda, size_t inc, size_t b)
{
    size_t N = c->N;
    for (size_t i = 0; i < b; i++) {
        double *w = c->work + c->pend * N;
        const double *y = Y + i * tda;
        if (inc == 1)
            memcpy(w, y, N * sizeof *w);
        else
            for (size_t j = 0; j < N; j++)
                w[j] = y[j * inc];
        if (++c->pend == COV_CHUNK)
            cov_fold(c);
    }
}

int lrs_cov_add_block(lrs_cov_t *c, const gsl_matrix *Y, lrs_err_t *err)
{
    if (!c || !Y)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_add_block: %s is NULL", c ? "Y" : "c");
    if (Y->size2 != c->N)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_cov_add_block: Y has %zu columns; expected N = %zu",
                           Y->size2, c->N);
    cov_gather(c, Y->data, Y->tda, 1, Y->size1);
    return LRS_OK;
}

int lrs_cov_add(lrs_cov_t *c, const gsl_vector *y, lrs_err_t *err)
{
    if (!c || !y)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_add: %s is NULL", c ? "y" : "c");
    if (y->size != c->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_cov_add: y has length %zu; expected N = %zu",
                           y->size, c->N);
    cov_gather(c, y->data, 0, y->stride, 1);
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
    cov_fold(dst);
    src = cov_folded(src);
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
    return c ? c->n + c->pend : 0;
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
    c = cov_folded(c);
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
    c = cov_folded(c);
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
    c = cov_folded(c);
    if (c->n < 2)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_cov_entry: %zu observation(s); a covariance needs at least 2", c->n);
    size_t a = i < j ? i : j, b = i < j ? j : i;
    /* the same rounding as lrs_cov_get: times the reciprocal of n - 1 */
    *value = c->S[a * c->N + b] * (1.0 / (double)(c->n - 1));
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
    size_t rows = Y->size1, n_start = cov_first_step(c->t_start, b->dt), e = c->every;
    size_t n = b->n0 > n_start ? b->n0 : n_start;
    n = (n + e - 1) / e * e; /* first multiple of every */
    if (n >= b->n0 + rows)
        return LRS_OK;
    size_t i0 = n - b->n0, count = (rows - i0 + e - 1) / e;
    gsl_matrix_const_view v = gsl_matrix_const_view_array_with_tda(Y->data + i0 * Y->tda, count,
                                                                   Y->size2, Y->tda * e);
    return lrs_cov_add_block(c, &v.matrix, err);
}

lrs_observer_t lrs_cov_observer_every(lrs_cov_t *c, lrs_field_t field, double t_start,
                                      size_t every)
{
    lrs_observer_t o;
    if (c) {
        c->field = field;
        c->t_start = t_start;
        c->every = every ? every : 1;
    }
    o.observe = cov_observe;
    o.self = c;
    o.needs_recurrent = field == LRS_FIELD_R;
    return o;
}

lrs_observer_t lrs_cov_observer(lrs_cov_t *c, lrs_field_t field, double t_start)
{
    return lrs_cov_observer_every(c, field, t_start, 1);
}
