/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Input sources of a simulation (lrs/sim.h): smooth noise (optionally mixed),
 * constants, step windows and user callbacks, summed into blocks of rows on
 * the time grid t_n = n dt.  Also the half-step correction the RK4 method
 * needs (sim_input_fill_mid, see sim_internal.h).
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

/* ------------------------------------------------------------------ inputs */

enum { SRC_NOISE, SRC_CONST, SRC_STEP, SRC_CALLBACK };

typedef struct input_src {
    int kind;
    lrs_noise_t *noise;   /* SRC_NOISE (not owned) */
    double scale;
    double *mix;          /* K x N or NULL (identity) */
    size_t K;
    double *v;            /* SRC_CONST: c; SRC_STEP: d (length N) */
    double t_on, t_off, amp;
    lrs_input_fn fn;
    void *ctx;
} input_src;

struct lrs_input {
    size_t N;
    input_src *src;
    size_t n, cap;
    double *tmp;          /* rows x max(K, N) scratch for noise sources */
    size_t tmp_size;
};

int lrs_input_alloc(lrs_input_t **out, size_t N, lrs_err_t *err)
{
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_input_alloc: out is NULL");
    *out = NULL;
    if (N == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_input_alloc: N = 0; need N >= 1");
    lrs_input_t *in = calloc(1, sizeof *in);
    if (!in)
        return lrs_err_set(err, LRS_ENOMEM, "lrs_input_alloc: out of memory");
    in->N = N;
    *out = in;
    return LRS_OK;
}

void lrs_input_free(lrs_input_t *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++) {
        free(in->src[i].mix);
        free(in->src[i].v);
    }
    free(in->src);
    free(in->tmp);
    free(in);
}

static int input_push(lrs_input_t *in, input_src *s, const char *who, lrs_err_t *err)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 4;
        input_src *p = realloc(in->src, cap * sizeof *p);
        if (!p)
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
        in->src = p;
        in->cap = cap;
    }
    in->src[in->n++] = *s;
    return LRS_OK;
}

static double *copy_vector(const gsl_vector *v)
{
    double *p = malloc(v->size * sizeof *p);
    if (p)
        for (size_t i = 0; i < v->size; i++)
            p[i] = gsl_vector_get(v, i);
    return p;
}

int lrs_input_add_noise(lrs_input_t *in, lrs_noise_t *noise, double scale, const gsl_matrix *mix,
                        lrs_err_t *err)
{
    const char *who = "lrs_input_add_noise";
    if (!in || !noise)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, in ? "noise" : "in");
    if (!isfinite(scale))
        return lrs_err_set(err, LRS_EINVAL, "%s: scale = %g is not finite", who, scale);
    size_t K = lrs_noise_channels(noise);
    input_src s = {.kind = SRC_NOISE, .noise = noise, .scale = scale, .K = K};
    if (mix) {
        if (mix->size1 != K || mix->size2 != in->N)
            return lrs_err_set(err, LRS_EINVAL,
                               "%s: mix is %zux%zu; expected K x N = %zux%zu (noise channels x units)",
                               who, mix->size1, mix->size2, K, in->N);
        s.mix = malloc(K * in->N * sizeof *s.mix);
        if (!s.mix)
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
        for (size_t i = 0; i < K; i++)
            for (size_t j = 0; j < in->N; j++) {
                double v = gsl_matrix_get(mix, i, j);
                if (!isfinite(v)) {
                    free(s.mix);
                    return lrs_err_set(err, LRS_ENONFINITE, "%s: mix(%zu,%zu) = %g is not finite",
                                       who, i, j, v);
                }
                s.mix[i * in->N + j] = v;
            }
    } else if (K != in->N) {
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: noise has %zu channels; without a mixing matrix it needs N = %zu",
                           who, K, in->N);
    }
    int rc = input_push(in, &s, who, err);
    if (rc)
        free(s.mix);
    return rc;
}

/* Checks v (length N, finite), stores a copy of it in s->v and appends s;
 * the copy is freed again if the append fails. */
static int push_vector_src(lrs_input_t *in, input_src *s, const gsl_vector *v, const char *who,
                           const char *name, lrs_err_t *err)
{
    int rc = sim_check_vector(v, in->N, who, name, err);
    if (rc)
        return rc;
    s->v = copy_vector(v);
    if (!s->v)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
    rc = input_push(in, s, who, err);
    if (rc)
        free(s->v);
    return rc;
}

int lrs_input_add_constant(lrs_input_t *in, const gsl_vector *c, lrs_err_t *err)
{
    const char *who = "lrs_input_add_constant";
    if (!in)
        return lrs_err_set(err, LRS_EINVAL, "%s: in is NULL", who);
    input_src s = {.kind = SRC_CONST};
    return push_vector_src(in, &s, c, who, "c", err);
}

int lrs_input_add_step(lrs_input_t *in, double t_on, double t_off, double amplitude,
                       const gsl_vector *d, lrs_err_t *err)
{
    const char *who = "lrs_input_add_step";
    if (!in)
        return lrs_err_set(err, LRS_EINVAL, "%s: in is NULL", who);
    if (isnan(t_on) || isnan(t_off) || !(t_on <= t_off))
        return lrs_err_set(err, LRS_EINVAL, "%s: window [%g, %g) is not a time interval", who,
                           t_on, t_off);
    if (!isfinite(amplitude))
        return lrs_err_set(err, LRS_EINVAL, "%s: amplitude = %g is not finite", who, amplitude);
    input_src s = {.kind = SRC_STEP, .t_on = t_on, .t_off = t_off, .amp = amplitude};
    return push_vector_src(in, &s, d, who, "d", err);
}

int lrs_input_add_callback(lrs_input_t *in, lrs_input_fn fn, void *ctx, lrs_err_t *err)
{
    const char *who = "lrs_input_add_callback";
    if (!in || !fn)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, in ? "fn" : "in");
    input_src s = {.kind = SRC_CALLBACK, .fn = fn, .ctx = ctx};
    return input_push(in, &s, who, err);
}

/* Scratch of at least `size` doubles (grows; amortised, not per step). */
static int input_tmp(lrs_input_t *in, size_t size, lrs_err_t *err)
{
    if (in->tmp_size >= size)
        return LRS_OK;
    double *p = realloc(in->tmp, size * sizeof *p);
    if (!p)
        return lrs_err_set(err, LRS_ENOMEM, "lrs_input_fill: out of memory");
    in->tmp = p;
    in->tmp_size = size;
    return LRS_OK;
}

static void zero_rows(gsl_matrix *X)
{
    for (size_t i = 0; i < X->size1; i++)
        memset(X->data + i * X->tda, 0, X->size2 * sizeof(double));
}

/* X (+)= scale * mix^T xi for the next X->size1 noise samples xi. */
static int fill_noise(lrs_input_t *in, input_src *src, gsl_matrix *X, int written, lrs_err_t *err)
{
    size_t rows = X->size1, N = in->N, tda = X->tda, K = src->K;
    int rc;
    if (!src->mix && !written) {
        if ((rc = lrs_noise_fill(src->noise, X, err)))
            return rc;
        if (src->scale != 1.0)
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < N; j++)
                    X->data[i * tda + j] *= src->scale;
        return LRS_OK;
    }
    if ((rc = input_tmp(in, rows * K, err)))
        return rc;
    gsl_matrix_view T = gsl_matrix_view_array(in->tmp, rows, K);
    if ((rc = lrs_noise_fill(src->noise, &T.matrix, err)))
        return rc;
    if (src->mix) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)N, (int)K,
                    src->scale, in->tmp, (int)K, src->mix, (int)N, written ? 1.0 : 0.0, X->data,
                    (int)tda);
    } else {
        for (size_t i = 0; i < rows; i++)
            for (size_t j = 0; j < N; j++)
                X->data[i * tda + j] += src->scale * in->tmp[i * N + j];
    }
    return LRS_OK;
}

/* Row i += fn(t0 + i dt) for a callback source (rows already initialised). */
static int fill_callback(input_src *src, double t0, double dt, gsl_matrix *X, lrs_err_t *err)
{
    for (size_t i = 0; i < X->size1; i++) {
        gsl_vector_view r = gsl_matrix_row(X, i);
        double t = t0 + (double)i * dt;
        lrs_err_clear(err);
        int rc = src->fn(src->ctx, t, &r.vector, err);
        if (rc) {
            if (err && err->code == LRS_OK)
                lrs_err_set(err, rc, "lrs_input_fill: input callback failed at t = %g (code %d)", t,
                            rc);
            return rc;
        }
    }
    return LRS_OK;
}

/* Rows of X get sum of sources at steps n0 + i, t = (n0 + i) dt.  The first
 * source writes X (a noise source without mixing fills it directly); later
 * sources add to it. */
int lrs_input_fill(lrs_input_t *in, size_t n0, double dt, gsl_matrix *X, lrs_err_t *err)
{
    const char *who = "lrs_input_fill";
    if (!in || !X)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, in ? "X" : "in");
    if (X->size2 != in->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: X has %zu columns; expected N = %zu", who,
                           X->size2, in->N);
    if (!(dt > 0) || !isfinite(dt))
        return lrs_err_set(err, LRS_EINVAL, "%s: dt = %g; need dt > 0", who, dt);
    size_t rows = X->size1, N = in->N, tda = X->tda;
    int rc = LRS_OK, written = 0;
    if (rows == 0)
        return LRS_OK;
    for (size_t s = 0; s < in->n; s++) {
        input_src *src = &in->src[s];
        if (src->kind == SRC_NOISE) {
            size_t pos = lrs_noise_position(src->noise);
            if (pos != n0)
                return lrs_err_set(err, LRS_EINVAL,
                                   "%s: noise source %zu is at step %zu; the input asks for step %zu "
                                   "(noise must be read in order from step 0: use a fresh generator)",
                                   who, s, pos, n0);
        }
    }
    for (size_t s = 0; s < in->n; s++) {
        input_src *src = &in->src[s];
        if (src->kind != SRC_NOISE && !written)
            zero_rows(X);
        switch (src->kind) {
        case SRC_NOISE:
            rc = fill_noise(in, src, X, written, err);
            break;
        case SRC_CONST:
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < N; j++)
                    X->data[i * tda + j] += src->v[j];
            break;
        case SRC_STEP: {
            double non = round(src->t_on / dt), noff = round(src->t_off / dt);
            for (size_t i = 0; i < rows; i++) {
                double n = (double)(n0 + i);
                if (n < non || n >= noff)
                    continue;
                for (size_t j = 0; j < N; j++)
                    X->data[i * tda + j] += src->amp * src->v[j];
            }
            break;
        }
        case SRC_CALLBACK:
            rc = fill_callback(src, (double)n0 * dt, dt, X, err);
            break;
        }
        if (rc)
            return rc;
        written = 1;
    }
    if (!written)
        zero_rows(X);
    return LRS_OK;
}

/* ------------------------------------------------------------------ internal */

size_t sim_input_units(const lrs_input_t *in)
{
    return in->N;
}

int sim_input_has_callback(const lrs_input_t *in)
{
    for (size_t s = 0; s < in->n; s++)
        if (in->src[s].kind == SRC_CALLBACK)
            return 1;
    return 0;
}

/* Half-step correction for RK4 (see sim_internal.h): for the step from
 * t_a = (n0 + i) dt to t_b = t_a + dt, row i of M gets
 *     sum over callbacks c of  c(t_a + dt/2) - (c(t_a) + c(t_b)) / 2,
 * so that (x[n] + x[n+1]) / 2 + M[i] is every callback at the half step and
 * every other source interpolated linearly.  Three callback calls per row;
 * scratch 2 N. */
int sim_input_fill_mid(lrs_input_t *in, size_t n0, double dt, gsl_matrix *M, lrs_err_t *err)
{
    size_t N = in->N, rows = M->size1;
    int rc = input_tmp(in, 2 * N, err);
    if (rc)
        return rc;
    zero_rows(M);
    gsl_matrix_view E = gsl_matrix_view_array(in->tmp, 2, N);
    for (size_t s = 0; s < in->n; s++) {
        input_src *src = &in->src[s];
        if (src->kind != SRC_CALLBACK)
            continue;
        for (size_t i = 0; i < rows; i++) {
            double ta = (double)(n0 + i) * dt;
            gsl_matrix_view Mi = gsl_matrix_submatrix(M, i, 0, 1, N);
            zero_rows(&E.matrix);
            if ((rc = fill_callback(src, ta + 0.5 * dt, dt, &Mi.matrix, err)) ||
                (rc = fill_callback(src, ta, dt, &E.matrix, err)))
                return rc;
            double *m = M->data + i * M->tda, *ea = in->tmp, *eb = in->tmp + N;
            for (size_t j = 0; j < N; j++)
                m[j] -= 0.5 * (ea[j] + eb[j]);
        }
    }
    return LRS_OK;
}
