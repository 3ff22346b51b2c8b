/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Built-in observers (see lrs/observe.h): projections with streaming
 * covariance, state probes, decimated traces.
 *
 * Time conventions (shared by every observer here; a time that lies on the
 * step grid up to 1e-9 dt counts as on the grid):
 *   - "steps with t < T"  are n < n_before(T) = ceil(T/dt - 1e-9);
 *   - "steps with t >= T" are n >= n_before(T);
 *   - a probe at t_j keeps z[n_j], n_j = n_before(t_j) - 1: the last step with
 *     n dt < t_j.  For the step protocol (input on for n_on <= n < n_off,
 *     n_off = round(t_off/dt)) the probe at t_off holds z[n_off - 1], the
 *     state when the last step of input is applied.
 */
#include "lrs/observe.h"
#include "lrs/cov.h"
#include "lrs/io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

#define PROJ_CHUNK 256

/* Number of steps n >= 0 with n dt < T (to 1e-9 dt). */
static size_t steps_before(double T, double dt)
{
    double v = ceil(T / dt - 1e-9);
    if (!(v > 0))
        return 0;
    if (v > 1e18)
        return (size_t)1e18;
    return (size_t)v;
}

const gsl_matrix *lrs_block_field(const lrs_block_t *b, lrs_field_t f)
{
    if (!b)
        return NULL;
    switch (f) {
    case LRS_FIELD_Z: return b->Z;
    case LRS_FIELD_X: return b->X;
    case LRS_FIELD_R: return b->R;
    default: return NULL;
    }
}

static const char *field_name(lrs_field_t f)
{
    switch (f) {
    case LRS_FIELD_Z: return "z";
    case LRS_FIELD_X: return "x";
    case LRS_FIELD_R: return "r";
    default: return "?";
    }
}

/* ------------------------------------------------------------------ projections */

struct lrs_proj {
    size_t N, K, nf;
    unsigned fields;
    int fidx[3];        /* position of field f among the selected, or -1 */
    double *D;          /* N x K row-major copy */
    double t_start;
    lrs_cov_t *cov;     /* dimension nf * K */
    double *P;          /* PROJ_CHUNK x (nf K) projections of a sub-block */
    FILE *fp;
    size_t every;
    double t_max;
};

int lrs_proj_alloc(lrs_proj_t **out, const gsl_matrix *D, unsigned fields, double t_start,
                   lrs_err_t *err)
{
    int rc = LRS_OK;
    lrs_proj_t *p = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_alloc: out is NULL");
    *out = NULL;
    if (!D)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_alloc: D is NULL");
    if (D->size1 == 0 || D->size2 == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_alloc: D is %zux%zu; need N x K with N, K >= 1",
                           D->size1, D->size2);
    if (fields == 0 || (fields & ~(unsigned)(LRS_PROJ_Z | LRS_PROJ_X | LRS_PROJ_R)))
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_proj_alloc: fields = 0x%x; use a non-empty combination of "
                           "LRS_PROJ_Z, LRS_PROJ_X, LRS_PROJ_R", fields);
    if (isnan(t_start))
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_alloc: t_start is NaN");
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_proj_alloc: out of memory");
        goto done;
    }
    p->N = D->size1;
    p->K = D->size2;
    p->fields = fields;
    p->t_start = t_start;
    p->nf = 0;
    for (int f = 0; f < 3; f++)
        p->fidx[f] = (fields & (1u << f)) ? (int)p->nf++ : -1;
    p->D = malloc(p->N * p->K * sizeof *p->D);
    p->P = malloc(PROJ_CHUNK * p->nf * p->K * sizeof *p->P);
    if (!p->D || !p->P) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_proj_alloc: out of memory");
        goto done;
    }
    for (size_t i = 0; i < p->N; i++)
        for (size_t k = 0; k < p->K; k++)
            p->D[i * p->K + k] = gsl_matrix_get(D, i, k);
    rc = lrs_cov_alloc(&p->cov, p->nf * p->K, err);
    if (rc)
        goto done;
    *out = p;
    p = NULL;
done:
    lrs_proj_free(p);
    return rc;
}

void lrs_proj_free(lrs_proj_t *p)
{
    if (!p)
        return;
    free(p->D);
    free(p->P);
    lrs_cov_free(p->cov);
    free(p);
}

int lrs_proj_set_trace(lrs_proj_t *p, FILE *fp, size_t every, double t_max, lrs_err_t *err)
{
    if (!p)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_set_trace: p is NULL");
    if (fp && every == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_set_trace: every = 0; need every >= 1");
    if (isnan(t_max))
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_set_trace: t_max is NaN");
    p->fp = fp;
    p->every = every;
    p->t_max = t_max;
    return LRS_OK;
}

static int proj_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    lrs_proj_t *p = self;
    size_t K = p->K, M = p->nf * K;
    size_t rows = b->Z ? b->Z->size1 : 0;
    for (int f = 0; f < 3; f++) {
        if (p->fidx[f] < 0)
            continue;
        const gsl_matrix *S = lrs_block_field(b, (lrs_field_t)f);
        if (!S)
            return lrs_err_set(err, LRS_EINVAL,
                               "projection observer: field %s is not in the block", field_name((lrs_field_t)f));
        if (S->size2 != p->N || S->size1 != rows)
            return lrs_err_set(err, LRS_EINVAL,
                               "projection observer: field %s is %zux%zu; directions expect %zu columns",
                               field_name((lrs_field_t)f), S->size1, S->size2, p->N);
    }
    size_t n_start = steps_before(p->t_start, b->dt);
    size_t n_tr = p->fp ? steps_before(p->t_max, b->dt) : 0;
    for (size_t i0 = 0; i0 < rows; i0 += PROJ_CHUNK) {
        size_t r = rows - i0 < PROJ_CHUNK ? rows - i0 : PROJ_CHUNK;
        size_t nA = b->n0 + i0;                       /* step of row i0 */
        int need_cov = nA + r > n_start;
        int need_tr = nA < n_tr;
        if (!need_cov && !need_tr)
            continue;
        for (int f = 0; f < 3; f++) {
            if (p->fidx[f] < 0)
                continue;
            const gsl_matrix *S = lrs_block_field(b, (lrs_field_t)f);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)K, (int)p->N,
                        1.0, S->data + i0 * S->tda, (int)S->tda, p->D, (int)K, 0.0,
                        p->P + (size_t)p->fidx[f] * K, (int)M);
        }
        if (need_cov) {
            size_t s = n_start > nA ? n_start - nA : 0;
            gsl_matrix_view v = gsl_matrix_view_array(p->P + s * M, r - s, M);
            int rc = lrs_cov_add_block(p->cov, &v.matrix, err);
            if (rc)
                return rc;
        }
        if (need_tr) {
            for (size_t i = 0; i < r && nA + i < n_tr; i++) {
                size_t n = nA + i;
                if (n % p->every)
                    continue;
                if (lrs_io_put_g(p->fp, '\0', (double)n * b->dt, 10))
                    goto io_error;
                for (size_t j = 0; j < M; j++)
                    if (lrs_io_put_g(p->fp, '\t', p->P[i * M + j], 6))
                        goto io_error;
                if (fputc('\n', p->fp) == EOF)
                    goto io_error;
            }
        }
    }
    return LRS_OK;
io_error:
    return lrs_err_set(err, LRS_EIO, "projection observer: writing the trace failed");
}

lrs_observer_t lrs_proj_observer(lrs_proj_t *p)
{
    lrs_observer_t o;
    o.observe = proj_observe;
    o.self = p;
    o.needs_recurrent = p && p->fidx[LRS_FIELD_R] >= 0;
    return o;
}

static int proj_index(const lrs_proj_t *p, lrs_field_t f, size_t k, size_t *idx,
                      const char *who, lrs_err_t *err)
{
    if ((int)f < 0 || (int)f > 2 || p->fidx[f] < 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: field %s was not selected at alloc", who,
                           field_name(f));
    if (k >= p->K)
        return lrs_err_set(err, LRS_EINVAL, "%s: direction %zu out of range (K = %zu)", who, k,
                           p->K);
    *idx = (size_t)p->fidx[f] * p->K + k;
    return LRS_OK;
}

int lrs_proj_var(const lrs_proj_t *p, lrs_field_t f, size_t k, double *var, lrs_err_t *err)
{
    size_t i;
    if (!p || !var)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_var: %s is NULL", p ? "var" : "p");
    int rc = proj_index(p, f, k, &i, "lrs_proj_var", err);
    if (rc)
        return rc;
    return lrs_cov_entry(p->cov, i, i, var, err);
}

int lrs_proj_corr(const lrs_proj_t *p, lrs_field_t f1, size_t k1, lrs_field_t f2, size_t k2,
                  double *corr, lrs_err_t *err)
{
    size_t i, j;
    double cij, cii, cjj;
    if (!p || !corr)
        return lrs_err_set(err, LRS_EINVAL, "lrs_proj_corr: %s is NULL", p ? "corr" : "p");
    int rc = proj_index(p, f1, k1, &i, "lrs_proj_corr", err);
    if (!rc)
        rc = proj_index(p, f2, k2, &j, "lrs_proj_corr", err);
    if (!rc)
        rc = lrs_cov_entry(p->cov, i, j, &cij, err);
    if (!rc)
        rc = lrs_cov_entry(p->cov, i, i, &cii, err);
    if (!rc)
        rc = lrs_cov_entry(p->cov, j, j, &cjj, err);
    if (rc)
        return rc;
    if (!(cii > 0) || !(cjj > 0))
        return lrs_err_set(err, LRS_ENUMERIC,
                           "lrs_proj_corr: a projection has zero variance (%g, %g); correlation undefined",
                           cii, cjj);
    *corr = cij / sqrt(cii * cjj);
    return LRS_OK;
}

size_t lrs_proj_count(const lrs_proj_t *p)
{
    return p ? lrs_cov_count(p->cov) : 0;
}

/* ------------------------------------------------------------------ probes */

struct lrs_probe {
    size_t N, nt;
    double *times;
    double *states;   /* nt x N */
    unsigned char *got;
};

int lrs_probe_alloc(lrs_probe_t **out, size_t N, const double *times, size_t ntimes,
                    lrs_err_t *err)
{
    int rc = LRS_OK;
    lrs_probe_t *p = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_probe_alloc: out is NULL");
    *out = NULL;
    if (N == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_probe_alloc: N = 0; need N >= 1");
    if (ntimes == 0 || !times)
        return lrs_err_set(err, LRS_EINVAL, "lrs_probe_alloc: no probe times given");
    for (size_t j = 0; j < ntimes; j++)
        if (!(times[j] > 0) || !isfinite(times[j]))
            return lrs_err_set(err, LRS_EINVAL,
                               "lrs_probe_alloc: probe time %zu is %g; need a finite time > 0 "
                               "(the state just before t)", j, times[j]);
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_probe_alloc: out of memory");
        goto done;
    }
    p->N = N;
    p->nt = ntimes;
    p->times = malloc(ntimes * sizeof *p->times);
    p->states = calloc(ntimes * N, sizeof *p->states);
    p->got = calloc(ntimes, 1);
    if (!p->times || !p->states || !p->got) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_probe_alloc: out of memory");
        goto done;
    }
    memcpy(p->times, times, ntimes * sizeof *times);
    *out = p;
    p = NULL;
done:
    lrs_probe_free(p);
    return rc;
}

void lrs_probe_free(lrs_probe_t *p)
{
    if (!p)
        return;
    free(p->times);
    free(p->states);
    free(p->got);
    free(p);
}

static int probe_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    lrs_probe_t *p = self;
    const gsl_matrix *Z = b->Z;
    if (!Z || Z->size2 != p->N)
        return lrs_err_set(err, LRS_EINVAL, "probe observer: states have %zu units; probe expects %zu",
                           Z ? Z->size2 : 0, p->N);
    if (b->n0 == 0) /* a new run: forget states captured by an earlier run */
        memset(p->got, 0, p->nt);
    for (size_t j = 0; j < p->nt; j++) {
        size_t nb = steps_before(p->times[j], b->dt);
        if (nb == 0)
            continue;
        size_t nj = nb - 1;
        if (nj >= b->n0 && nj < b->n0 + Z->size1) {
            memcpy(p->states + j * p->N, Z->data + (nj - b->n0) * Z->tda, p->N * sizeof(double));
            p->got[j] = 1;
        }
    }
    return LRS_OK;
}

lrs_observer_t lrs_probe_observer(lrs_probe_t *p)
{
    lrs_observer_t o;
    o.observe = probe_observe;
    o.self = p;
    o.needs_recurrent = 0;
    return o;
}

static int probe_check(const lrs_probe_t *p, size_t j, const char *who, lrs_err_t *err)
{
    if (!p)
        return lrs_err_set(err, LRS_EINVAL, "%s: p is NULL", who);
    if (j >= p->nt)
        return lrs_err_set(err, LRS_EINVAL, "%s: probe %zu out of range (%zu probes)", who, j, p->nt);
    if (!p->got[j])
        return lrs_err_set(err, LRS_EINVAL, "%s: probe %zu (t = %g) was not reached by the run", who,
                           j, p->times[j]);
    return LRS_OK;
}

int lrs_probe_get(const lrs_probe_t *p, size_t j, gsl_vector *z, lrs_err_t *err)
{
    int rc = probe_check(p, j, "lrs_probe_get", err);
    if (rc)
        return rc;
    if (!z || z->size != p->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_probe_get: z has length %zu; expected N = %zu",
                           z ? z->size : 0, p->N);
    for (size_t i = 0; i < p->N; i++)
        gsl_vector_set(z, i, p->states[j * p->N + i]);
    return LRS_OK;
}

int lrs_probe_norm(const lrs_probe_t *p, size_t j, double *norm, lrs_err_t *err)
{
    int rc = probe_check(p, j, "lrs_probe_norm", err);
    if (rc)
        return rc;
    if (!norm)
        return lrs_err_set(err, LRS_EINVAL, "lrs_probe_norm: norm is NULL");
    *norm = cblas_dnrm2((int)p->N, p->states + j * p->N, 1);
    return LRS_OK;
}

/* ------------------------------------------------------------------ traces */

struct lrs_trace {
    FILE *fp;
    size_t every;
    double t_max;
    size_t units;
};

int lrs_trace_alloc(lrs_trace_t **out, FILE *fp, size_t every, double t_max, size_t units,
                    lrs_err_t *err)
{
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_trace_alloc: out is NULL");
    *out = NULL;
    if (!fp)
        return lrs_err_set(err, LRS_EINVAL, "lrs_trace_alloc: fp is NULL");
    if (every == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_trace_alloc: every = 0; need every >= 1");
    if (isnan(t_max))
        return lrs_err_set(err, LRS_EINVAL, "lrs_trace_alloc: t_max is NaN");
    lrs_trace_t *w = calloc(1, sizeof *w);
    if (!w)
        return lrs_err_set(err, LRS_ENOMEM, "lrs_trace_alloc: out of memory");
    w->fp = fp;
    w->every = every;
    w->t_max = t_max;
    w->units = units;
    *out = w;
    return LRS_OK;
}

void lrs_trace_free(lrs_trace_t *w)
{
    free(w);
}

static int trace_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    lrs_trace_t *w = self;
    const gsl_matrix *Z = b->Z;
    if (!Z)
        return lrs_err_set(err, LRS_EINVAL, "trace observer: block has no states");
    size_t n_tr = steps_before(w->t_max, b->dt);
    size_t m = w->units < Z->size2 ? w->units : Z->size2;
    for (size_t i = 0; i < Z->size1; i++) {
        size_t n = b->n0 + i;
        if (n >= n_tr)
            break;
        if (n % w->every)
            continue;
        const double *z = Z->data + i * Z->tda;
        double nrm = cblas_dnrm2((int)Z->size2, z, 1);
        if (lrs_io_put_g(w->fp, '\0', (double)n * b->dt, 10) || lrs_io_put_g(w->fp, '\t', nrm, 6))
            goto io_error;
        for (size_t j = 0; j < m; j++)
            if (lrs_io_put_g(w->fp, '\t', z[j], 6))
                goto io_error;
        if (fputc('\n', w->fp) == EOF)
            goto io_error;
    }
    return LRS_OK;
io_error:
    return lrs_err_set(err, LRS_EIO, "trace observer: writing the trace failed");
}

lrs_observer_t lrs_trace_observer(lrs_trace_t *w)
{
    lrs_observer_t o;
    o.observe = trace_observe;
    o.self = w;
    o.needs_recurrent = 0;
    return o;
}
