/*
 * Inputs and the forward-Euler simulation streamed into observers
 * (see lrs/sim.h).
 *
 * Maths (arXiv:2504.13727, the network model).  With alpha_i = dt / tau_i:
 *   recurrent:     z[n+1] = z[n] + alpha (-z[n] + W f(z[n]) + x[n])
 *   feed-forward:  z[n+1] = z[n] + alpha (-z[n] + f(W^T x[n]))
 * Implementation, per step, one dgemv:
 *   linear (f = identity):  z[n+1] = A z[n] + alpha o x[n],
 *                           A = I + diag(alpha) (W - I)  (precomputed)
 *   nonlinear:              z[n+1] = (1 - alpha) o z[n] + alpha o x[n]
 *                                    + (diag(alpha) W) f(z[n])
 * (o = elementwise product).  The feed-forward drive of a whole block is one
 * dgemm, X W, followed by f.  The recurrent input R = f(Z) W^T of a block is
 * computed with one dgemm after the block, only if an observer needs it.
 *
 * The matrix-vector product is a hand-written AVX2/FMA kernel where the CPU
 * has it, else cblas_dgemv (see gemv_avx2); with a scalar tau the input term
 * is dgemv's beta (rows of X copied into the next states first).
 *
 * Storage.  States of a block are rows 0..b-1 of a (B+1) x N buffer, row b
 * holds z[n0+b], which becomes row 0 of the next block.  The input rows are
 * filled per block by lrs_input_fill.  Blocks are B ~ 256 rows (~1 MB of
 * states for large N); two sets of state buffers and three of input buffers
 * let a helper thread observe block k-1 and fill block k+1 while block k is
 * integrated (see "one run" below).  Nothing else is stored.
 *
 * Divergence: every observed state is checked (||z||^2 <= max_norm^2, which
 * is false for NaN) before a block is handed to observers.  The stop flag is
 * read once per block.
 */
#include "lrs/sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <lapacke.h>
#include <pthread.h>

/* ------------------------------------------------------------------ transfer */

int lrs_sim_transfer_parse(const char *name, lrs_sim_transfer_t *f, lrs_err_t *err)
{
    if (!name || !f)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_transfer_parse: %s is NULL", name ? "f" : "name");
    if (!strcmp(name, "identity") || !strcmp(name, "linear"))
        *f = LRS_F_IDENTITY;
    else if (!strcmp(name, "tanh"))
        *f = LRS_F_TANH;
    else if (!strcmp(name, "relu"))
        *f = LRS_F_RELU;
    else
        return lrs_err_set(err, LRS_EINVAL,
                           "unknown transfer function '%s'; expected identity, linear, tanh or relu",
                           name);
    return LRS_OK;
}

const char *lrs_sim_transfer_name(lrs_sim_transfer_t f)
{
    switch (f) {
    case LRS_F_IDENTITY: return "identity";
    case LRS_F_TANH: return "tanh";
    case LRS_F_RELU: return "relu";
    default: return "unknown";
    }
}

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
    input_src s;
    memset(&s, 0, sizeof s);
    s.kind = SRC_NOISE;
    s.noise = noise;
    s.scale = scale;
    s.K = K;
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

static int check_vector(const gsl_vector *v, size_t N, const char *who, const char *name,
                        lrs_err_t *err)
{
    if (!v)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, name);
    if (v->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s has length %zu; expected N = %zu", who, name,
                           v->size, N);
    for (size_t i = 0; i < N; i++)
        if (!isfinite(gsl_vector_get(v, i)))
            return lrs_err_set(err, LRS_ENONFINITE, "%s: %s[%zu] = %g is not finite", who, name, i,
                               gsl_vector_get(v, i));
    return LRS_OK;
}

int lrs_input_add_constant(lrs_input_t *in, const gsl_vector *c, lrs_err_t *err)
{
    const char *who = "lrs_input_add_constant";
    if (!in)
        return lrs_err_set(err, LRS_EINVAL, "%s: in is NULL", who);
    int rc = check_vector(c, in->N, who, "c", err);
    if (rc)
        return rc;
    input_src s;
    memset(&s, 0, sizeof s);
    s.kind = SRC_CONST;
    s.v = copy_vector(c);
    if (!s.v)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
    rc = input_push(in, &s, who, err);
    if (rc)
        free(s.v);
    return rc;
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
    int rc = check_vector(d, in->N, who, "d", err);
    if (rc)
        return rc;
    input_src s;
    memset(&s, 0, sizeof s);
    s.kind = SRC_STEP;
    s.t_on = t_on;
    s.t_off = t_off;
    s.amp = amplitude;
    s.v = copy_vector(d);
    if (!s.v)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
    rc = input_push(in, &s, who, err);
    if (rc)
        free(s.v);
    return rc;
}

int lrs_input_add_callback(lrs_input_t *in, lrs_input_fn fn, void *ctx, lrs_err_t *err)
{
    const char *who = "lrs_input_add_callback";
    if (!in || !fn)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, in ? "fn" : "in");
    input_src s;
    memset(&s, 0, sizeof s);
    s.kind = SRC_CALLBACK;
    s.fn = fn;
    s.ctx = ctx;
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
        switch (src->kind) {
        case SRC_NOISE:
            if (!src->mix && !written) {
                rc = lrs_noise_fill(src->noise, X, err);
                if (rc)
                    return rc;
                if (src->scale != 1.0)
                    for (size_t i = 0; i < rows; i++)
                        for (size_t j = 0; j < N; j++)
                            X->data[i * tda + j] *= src->scale;
            } else {
                size_t K = src->K;
                rc = input_tmp(in, rows * K, err);
                if (rc)
                    return rc;
                gsl_matrix_view T = gsl_matrix_view_array(in->tmp, rows, K);
                rc = lrs_noise_fill(src->noise, &T.matrix, err);
                if (rc)
                    return rc;
                if (src->mix) {
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)N,
                                (int)K, src->scale, in->tmp, (int)K, src->mix, (int)N,
                                written ? 1.0 : 0.0, X->data, (int)tda);
                } else {
                    for (size_t i = 0; i < rows; i++)
                        for (size_t j = 0; j < N; j++)
                            X->data[i * tda + j] += src->scale * in->tmp[i * N + j];
                }
            }
            break;
        case SRC_CONST:
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < N; j++)
                    X->data[i * tda + j] = (written ? X->data[i * tda + j] : 0.0) + src->v[j];
            break;
        case SRC_STEP: {
            double non = round(src->t_on / dt), noff = round(src->t_off / dt);
            if (!written)
                for (size_t i = 0; i < rows; i++)
                    memset(X->data + i * tda, 0, N * sizeof(double));
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
            if (!written)
                for (size_t i = 0; i < rows; i++)
                    memset(X->data + i * tda, 0, N * sizeof(double));
            for (size_t i = 0; i < rows; i++) {
                gsl_vector_view r = gsl_matrix_row(X, i);
                lrs_err_clear(err);
                rc = src->fn(src->ctx, (double)(n0 + i) * dt, &r.vector, err);
                if (rc) {
                    if (err && err->code == LRS_OK)
                        lrs_err_set(err, rc, "%s: input callback failed at t = %g (code %d)", who,
                                    (double)(n0 + i) * dt, rc);
                    return rc;
                }
            }
            break;
        }
        written = 1;
    }
    if (!written)
        for (size_t i = 0; i < rows; i++)
            memset(X->data + i * tda, 0, N * sizeof(double));
    return LRS_OK;
}

/* ------------------------------------------------------------------ per-step kernel
 * y = A x + beta y for the row-major N x N matrix A: the one matrix-vector
 * product per Euler step.  On x86-64 CPUs with AVX2 and FMA (checked at
 * run time, per simulation) and N <= 362 (A within ~1 MB, so it streams from
 * L2/L3) a hand-written kernel is used: four rows at a time, four-wide FMA
 * accumulators, one pass over A.  It is 10-20% faster than OpenBLAS's dgemv
 * at N = 64..300 (the per-step product is most of the Figure 1 budget) and
 * no faster for larger N.  Elsewhere cblas_dgemv.
 * Both are deterministic; they differ from each other only in rounding. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LRS_HAVE_GEMV_AVX2 1

__attribute__((target("avx2,fma")))
static void gemv_avx2(size_t n, const double *A, const double *x, double beta, double *y)
{
    size_t i = 0, n4 = n & ~(size_t)3;
    for (; i + 4 <= n; i += 4) {
        const double *a0 = A + i * n, *a1 = a0 + n, *a2 = a1 + n, *a3 = a2 + n;
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
        for (size_t j = 0; j < n4; j += 4) {
            __m256d xv = _mm256_loadu_pd(x + j);
            s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a0 + j), xv, s0);
            s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a1 + j), xv, s1);
            s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a2 + j), xv, s2);
            s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a3 + j), xv, s3);
        }
        /* horizontal sums of the four accumulators: r[q] = sum of s_q */
        __m256d t01 = _mm256_hadd_pd(s0, s1), t23 = _mm256_hadd_pd(s2, s3);
        __m256d sum = _mm256_add_pd(_mm256_permute2f128_pd(t01, t23, 0x20),
                                    _mm256_permute2f128_pd(t01, t23, 0x31));
        double r[4];
        _mm256_storeu_pd(r, sum);
        for (size_t j = n4; j < n; j++) {
            r[0] += a0[j] * x[j];
            r[1] += a1[j] * x[j];
            r[2] += a2[j] * x[j];
            r[3] += a3[j] * x[j];
        }
        for (size_t q = 0; q < 4; q++)
            y[i + q] = r[q] + beta * y[i + q];
    }
    for (; i < n; i++) {
        const double *a = A + i * n;
        double r = 0.0;
        for (size_t j = 0; j < n; j++)
            r += a[j] * x[j];
        y[i] = r + beta * y[i];
    }
}

static int cpu_has_avx2_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/* ------------------------------------------------------------------ simulation */

lrs_sim_params_t lrs_sim_params_default(void)
{
    lrs_sim_params_t p;
    memset(&p, 0, sizeof p);
    p.f = LRS_F_IDENTITY;
    p.mode = LRS_SIM_RECURRENT;
    p.tau = 1.0;
    p.dt = 0.01;
    return p;
}

struct lrs_sim {
    size_t N, nt, B;
    lrs_sim_transfer_t f;
    lrs_sim_mode_t mode;
    double dt, T, max_norm;
    volatile sig_atomic_t *stop;
    int serial;
    double *W;      /* N x N */
    double *A;      /* linear: I + diag(alpha)(W - I); nonlinear: diag(alpha) W */
    double *alpha;  /* dt / tau_i */
    double *oma;    /* 1 - alpha_i */
    int alpha_scalar; /* all alpha_i equal (scalar tau) */
    int fast_gemv;  /* use the AVX2/FMA per-step kernel */
    double *z0;
    double *zfinal;
    int have_final;
    double *Zs[2];  /* (B+1) x N: states of blocks k (mod 2); row b = next state */
    double *Xs[3];  /* B x N: inputs of blocks k (mod 3) */
    double *Rs[2];  /* B x N: recurrent input or feed-forward drive of blocks k (mod 2) */
    double *Fb;     /* B x N: f(Z) for R (nonlinear), used by the observing side */
    double *fz;     /* N: f(z) of one step, used by the stepping side */
};

void lrs_sim_free(lrs_sim_t *s)
{
    if (!s)
        return;
    free(s->W);
    free(s->A);
    free(s->alpha);
    free(s->oma);
    free(s->z0);
    free(s->zfinal);
    for (int i = 0; i < 2; i++) {
        free(s->Zs[i]);
        free(s->Rs[i]);
    }
    for (int i = 0; i < 3; i++)
        free(s->Xs[i]);
    free(s->Fb);
    free(s->fz);
    free(s);
}

int lrs_sim_alloc(lrs_sim_t **out, const lrs_sim_params_t *p, lrs_err_t *err)
{
    const char *who = "lrs_sim_alloc";
    int rc = LRS_OK;
    lrs_sim_t *s = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", who);
    *out = NULL;
    if (!p)
        return lrs_err_set(err, LRS_EINVAL, "%s: params is NULL", who);
    if (!p->W)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is NULL", who);
    size_t N = p->W->size1;
    if (N == 0 || p->W->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square, N >= 1", who,
                           p->W->size1, p->W->size2);
    if (p->f != LRS_F_IDENTITY && p->f != LRS_F_TANH && p->f != LRS_F_RELU)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown transfer function %d", who, (int)p->f);
    if (p->mode != LRS_SIM_RECURRENT && p->mode != LRS_SIM_FEEDFORWARD)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown mode %d", who, (int)p->mode);
    if (!(p->dt > 0) || !isfinite(p->dt))
        return lrs_err_set(err, LRS_EINVAL, "%s: dt = %g; need a finite dt > 0", who, p->dt);
    if (!(p->T >= 0) || !isfinite(p->T))
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g; need a finite T > 0", who, p->T);
    double ntd = round(p->T / p->dt);
    if (ntd < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g with dt = %g gives no time steps", who,
                           p->T, p->dt);
    if (ntd > 1e15)
        return lrs_err_set(err, LRS_ELIMIT, "%s: T/dt = %g steps is too many", who, ntd);
    if (p->tau_vec) {
        if (p->tau_vec->size != N)
            return lrs_err_set(err, LRS_EINVAL, "%s: tau_vec has length %zu; expected N = %zu", who,
                               p->tau_vec->size, N);
        for (size_t i = 0; i < N; i++) {
            double t = gsl_vector_get(p->tau_vec, i);
            if (!(t > 0) || !isfinite(t))
                return lrs_err_set(err, LRS_EINVAL, "%s: tau_vec[%zu] = %g; need tau > 0", who, i, t);
        }
    } else if (!(p->tau > 0) || !isfinite(p->tau)) {
        return lrs_err_set(err, LRS_EINVAL, "%s: tau = %g; need a finite tau > 0", who, p->tau);
    }
    if (p->z0) {
        rc = check_vector(p->z0, N, who, "z0", err);
        if (rc)
            return rc;
    }
    if (!(p->max_norm >= 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: max_norm = %g; need max_norm >= 0 (0: default)",
                           who, p->max_norm);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            if (!isfinite(gsl_matrix_get(p->W, i, j)))
                return lrs_err_set(err, LRS_ENONFINITE, "%s: W(%zu,%zu) = %g is not finite", who, i,
                                   j, gsl_matrix_get(p->W, i, j));

    s = calloc(1, sizeof *s);
    if (!s)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
    s->N = N;
    s->nt = (size_t)ntd;
    s->f = p->f;
    s->mode = p->mode;
    s->dt = p->dt;
    s->T = p->T;
    s->stop = p->stop;
    s->serial = p->serial;
#ifdef LRS_HAVE_GEMV_AVX2
    s->fast_gemv = N * N * sizeof(double) <= (1u << 20) && cpu_has_avx2_fma();
#endif
    /* ~256 rows per block, or ~1 MB per block matrix for large N */
    s->B = (1u << 17) / N;
    if (s->B > 256)
        s->B = 256;
    if (s->B < 16)
        s->B = 16;
    if (s->B > s->nt)
        s->B = s->nt;
    size_t BN = s->B * N;
    int ok = 1;
    s->W = malloc(N * N * sizeof *s->W);
    s->A = malloc(N * N * sizeof *s->A);
    s->alpha = malloc(N * sizeof *s->alpha);
    s->oma = malloc(N * sizeof *s->oma);
    s->z0 = calloc(N, sizeof *s->z0);
    s->zfinal = calloc(N, sizeof *s->zfinal);
    for (int i = 0; i < 2; i++) {
        s->Zs[i] = malloc((BN + N) * sizeof(double));
        s->Rs[i] = malloc(BN * sizeof(double));
        ok = ok && s->Zs[i] && s->Rs[i];
    }
    for (int i = 0; i < 3; i++) {
        s->Xs[i] = malloc(BN * sizeof(double));
        ok = ok && s->Xs[i];
    }
    s->Fb = malloc(BN * sizeof *s->Fb);
    s->fz = malloc(N * sizeof *s->fz);
    if (!ok || !s->W || !s->A || !s->alpha || !s->oma || !s->z0 || !s->zfinal || !s->Fb || !s->fz) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for N = %zu", who, N);
        goto done;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            s->W[i * N + j] = gsl_matrix_get(p->W, i, j);
    for (size_t i = 0; i < N; i++) {
        double tau = p->tau_vec ? gsl_vector_get(p->tau_vec, i) : p->tau;
        s->alpha[i] = p->dt / tau;
        s->oma[i] = 1.0 - s->alpha[i];
    }
    s->alpha_scalar = 1;
    for (size_t i = 1; i < N; i++)
        if (s->alpha[i] != s->alpha[0])
            s->alpha_scalar = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double a = s->alpha[i] * s->W[i * N + j];
            if (s->f == LRS_F_IDENTITY && i == j)
                a += s->oma[i];
            s->A[i * N + j] = a;
        }
    if (p->z0)
        for (size_t i = 0; i < N; i++)
            s->z0[i] = gsl_vector_get(p->z0, i);
    if (p->max_norm > 0) {
        s->max_norm = p->max_norm;
    } else {
        double n0 = cblas_dnrm2((int)N, s->z0, 1);
        s->max_norm = 1e8 * (n0 > 1 ? n0 : 1);
    }
    *out = s;
    s = NULL;
done:
    lrs_sim_free(s);
    return rc;
}

size_t lrs_sim_steps(const lrs_sim_t *s)
{
    return s ? s->nt : 0;
}

int lrs_sim_final_state(const lrs_sim_t *s, gsl_vector *z, lrs_err_t *err)
{
    if (!s || !z)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_final_state: %s is NULL", s ? "z" : "s");
    if (z->size != s->N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_final_state: z has length %zu; expected N = %zu",
                           z->size, s->N);
    if (!s->have_final)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_final_state: no completed run yet");
    for (size_t i = 0; i < s->N; i++)
        gsl_vector_set(z, i, s->zfinal[i]);
    return LRS_OK;
}

static void apply_f(lrs_sim_transfer_t f, const double *in, double *out, size_t n)
{
    switch (f) {
    case LRS_F_TANH:
        for (size_t i = 0; i < n; i++)
            out[i] = tanh(in[i]);
        break;
    case LRS_F_RELU:
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] > 0 ? in[i] : 0.0;
        break;
    default:
        if (out != in)
            memcpy(out, in, n * sizeof *in);
        break;
    }
}

/* Largest real part of the eigenvalues of W (error path only); NAN on failure. */
static double max_real_eig(const lrs_sim_t *s)
{
    size_t N = s->N;
    double *a = malloc(N * N * sizeof *a), *wr = malloc(N * sizeof *wr), *wi = malloc(N * sizeof *wi);
    double best = NAN;
    if (a && wr && wi) {
        memcpy(a, s->W, N * N * sizeof *a);
        lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)N, a, (lapack_int)N,
                                        wr, wi, NULL, (lapack_int)N, NULL, (lapack_int)N);
        if (info == 0) {
            best = wr[0];
            for (size_t i = 1; i < N; i++)
                if (wr[i] > best)
                    best = wr[i];
        }
    }
    free(a);
    free(wr);
    free(wi);
    return best;
}

static void step_gemv(const lrs_sim_t *s, const double *x, double beta, double *y)
{
#ifdef LRS_HAVE_GEMV_AVX2
    if (s->fast_gemv) {
        gemv_avx2(s->N, s->A, x, beta, y);
        return;
    }
#endif
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)s->N, (int)s->N, 1.0, s->A, (int)s->N, x, 1,
                beta, y, 1);
}

/* Advance b steps: rows 1..b of Z from row 0 and the inputs X (b x N); the
 * feed-forward drive goes to R. */
static void sim_steps(lrs_sim_t *s, double *Z, const double *X, double *R, size_t b)
{
    size_t N = s->N;
    const double *al = s->alpha, *oma = s->oma;
    if (s->mode == LRS_SIM_FEEDFORWARD) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)N, (int)N, 1.0, X,
                    (int)N, s->W, (int)N, 0.0, R, (int)N);
        apply_f(s->f, R, R, b * N);
        for (size_t i = 0; i < b; i++) {
            const double *z = Z + i * N, *d = R + i * N;
            double *zn = Z + (i + 1) * N;
            for (size_t j = 0; j < N; j++)
                zn[j] = oma[j] * z[j] + al[j] * d[j];
        }
        return;
    }
    if (s->f == LRS_F_IDENTITY) {
        if (s->alpha_scalar) {
            /* rows 1..b <- X, then z[n+1] = A z[n] + alpha x[n] (dgemv's beta) */
            memcpy(Z + N, X, b * N * sizeof *Z);
            for (size_t i = 0; i < b; i++)
                step_gemv(s, Z + i * N, al[0], Z + (i + 1) * N);
            return;
        }
        for (size_t i = 0; i < b; i++) {
            const double *z = Z + i * N, *x = X + i * N;
            double *zn = Z + (i + 1) * N;
            for (size_t j = 0; j < N; j++)
                zn[j] = al[j] * x[j];
            step_gemv(s, z, 1.0, zn);
        }
        return;
    }
    for (size_t i = 0; i < b; i++) {
        const double *z = Z + i * N, *x = X + i * N;
        double *zn = Z + (i + 1) * N, *fz = s->fz;
        if (s->f == LRS_F_TANH) {
            for (size_t j = 0; j < N; j++) {
                zn[j] = oma[j] * z[j] + al[j] * x[j];
                fz[j] = tanh(z[j]);
            }
        } else {
            for (size_t j = 0; j < N; j++) {
                zn[j] = oma[j] * z[j] + al[j] * x[j];
                fz[j] = z[j] > 0 ? z[j] : 0.0;
            }
        }
        step_gemv(s, fz, 1.0, zn);
    }
}

/* ---- one run: the stepping side and the observing side.
 *
 * Sequential semantics, block k = steps k B .. k B + b_k - 1:
 *     fill X_k; step Z_k; check divergence of Z_k; observe block k.
 * Pipelined execution (default): in iteration k the calling thread steps
 * block k while a helper thread observes block k-1 (computing its R if asked)
 * and then fills the inputs of block k+1.  Inputs do not depend on the state,
 * every buffer is touched by one side per iteration (Z, R: two sets; X:
 * three), and errors are reported in the sequential order, so results and
 * error codes are the same as a serial run.  Input callbacks and observers
 * all run on the helper thread, one at a time. */

typedef struct sim_run {
    lrs_sim_t *s;
    lrs_input_t *in;
    const lrs_observer_t *obs;
    size_t nobs, nblocks;
    int need_r;
    /* results of the observing side in the current iteration */
    int obs_rc, fill_rc;
    lrs_err_t obs_err, fill_err;
    /* thread hand-off */
    int threaded, quit;
    unsigned long job, done;  /* iteration requested / finished */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} sim_run;

static size_t block_rows(const lrs_sim_t *s, size_t k)
{
    size_t n0 = k * s->B;
    return s->nt - n0 < s->B ? s->nt - n0 : s->B;
}

/* Observing side of iteration k: observe block k-1, then fill X_{k+1}. */
static void run_side(sim_run *r, size_t k)
{
    lrs_sim_t *s = r->s;
    size_t N = s->N;
    r->obs_rc = LRS_OK;
    r->fill_rc = LRS_OK;
    if (k >= 1 && k - 1 < r->nblocks && r->nobs > 0) {
        size_t j = k - 1, b = block_rows(s, j);
        double *Z = s->Zs[j % 2], *R = s->Rs[j % 2];
        int have_r = s->mode == LRS_SIM_FEEDFORWARD;
        if (!have_r && r->need_r) {
            const double *F = Z;
            if (s->f != LRS_F_IDENTITY) {
                apply_f(s->f, Z, s->Fb, b * N);
                F = s->Fb;
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)N, (int)N, 1.0, F,
                        (int)N, s->W, (int)N, 0.0, R, (int)N);
            have_r = 1;
        }
        gsl_matrix_view Zv = gsl_matrix_view_array(Z, b, N);
        gsl_matrix_view Xv = gsl_matrix_view_array(s->Xs[j % 3], b, N);
        gsl_matrix_view Rv = gsl_matrix_view_array(R, b, N);
        lrs_block_t blk;
        blk.n0 = j * s->B;
        blk.dt = s->dt;
        blk.Z = &Zv.matrix;
        blk.X = &Xv.matrix;
        blk.R = have_r ? &Rv.matrix : NULL;
        for (size_t o = 0; o < r->nobs; o++) {
            lrs_err_clear(&r->obs_err);
            int rc = r->obs[o].observe(r->obs[o].self, &blk, &r->obs_err);
            if (rc) {
                if (r->obs_err.code == LRS_OK)
                    lrs_err_set(&r->obs_err, rc, "lrs_sim_run: observer %zu failed (code %d)", o, rc);
                r->obs_rc = rc;
                return;
            }
        }
    }
    if (k + 1 < r->nblocks) {
        size_t j = k + 1;
        gsl_matrix_view Xv = gsl_matrix_view_array(s->Xs[j % 3], block_rows(s, j), N);
        lrs_err_clear(&r->fill_err);
        r->fill_rc = lrs_input_fill(r->in, j * s->B, s->dt, &Xv.matrix, &r->fill_err);
    }
}

static void *run_thread(void *arg)
{
    sim_run *r = arg;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->job == seen && !r->quit)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->quit) {
            pthread_mutex_unlock(&r->mu);
            return NULL;
        }
        seen = r->job;
        pthread_mutex_unlock(&r->mu);
        run_side(r, (size_t)(seen - 1));
        pthread_mutex_lock(&r->mu);
        r->done = seen;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
    }
}

/* Divergence check of the b observed states of block k (rows 0..b-1 of Z). */
static int check_block(const lrs_sim_t *s, const double *Z, size_t k, size_t b, lrs_err_t *err)
{
    size_t N = s->N;
    double max2 = s->max_norm * s->max_norm;
    for (size_t i = 0; i < b; i++) {
        double ss = cblas_ddot((int)N, Z + i * N, 1, Z + i * N, 1);
        if (!(ss <= max2) || !isfinite(ss)) {
            double t = (double)(k * s->B + i) * s->dt;
            if (s->mode == LRS_SIM_FEEDFORWARD)
                return lrs_err_set(err, LRS_EDIVERGE,
                                   "simulation diverged at t = %g: ||z|| = %.3g exceeds %.3g "
                                   "(feed-forward run: the input or the drive is not finite)",
                                   t, sqrt(ss), s->max_norm);
            return lrs_err_set(err, LRS_EDIVERGE,
                               "simulation diverged at t = %g: ||z|| = %.3g exceeds %.3g "
                               "(largest real part of the eigenvalues of W: %.4g)",
                               t, sqrt(ss), s->max_norm, max_real_eig(s));
        }
    }
    return LRS_OK;
}

static void copy_err(lrs_err_t *dst, const lrs_err_t *src)
{
    if (dst)
        *dst = *src;
}

int lrs_sim_run(lrs_sim_t *s, lrs_input_t *in, const lrs_observer_t *obs, size_t nobs,
                lrs_err_t *err)
{
    const char *who = "lrs_sim_run";
    if (!s || !in)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, s ? "in" : "s");
    if (nobs > 0 && !obs)
        return lrs_err_set(err, LRS_EINVAL, "%s: %zu observers but obs is NULL", who, nobs);
    if (in->N != s->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: input has N = %zu units; the network has %zu", who,
                           in->N, s->N);
    sim_run r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.in = in;
    r.obs = obs;
    r.nobs = nobs;
    r.nblocks = (s->nt + s->B - 1) / s->B;
    for (size_t k = 0; k < nobs; k++) {
        if (!obs[k].observe)
            return lrs_err_set(err, LRS_EINVAL, "%s: observer %zu has no observe function", who, k);
        if (obs[k].needs_recurrent)
            r.need_r = 1;
    }
    size_t N = s->N;
    int rc = LRS_OK, fill_pending = 0;
    lrs_err_t fill_held;
    pthread_t th;
    s->have_final = 0;
    lrs_err_clear(err);
    lrs_err_clear(&fill_held);

    memcpy(s->Zs[0], s->z0, N * sizeof(double));
    {
        gsl_matrix_view X0 = gsl_matrix_view_array(s->Xs[0], block_rows(s, 0), N);
        rc = lrs_input_fill(in, 0, s->dt, &X0.matrix, err);
        if (rc)
            return rc;
    }
    if (!s->serial && r.nblocks >= 3) {
        if (pthread_mutex_init(&r.mu, NULL) == 0) {
            if (pthread_cond_init(&r.cv, NULL) == 0) {
                if (pthread_create(&th, NULL, run_thread, &r) == 0)
                    r.threaded = 1;
                else
                    pthread_cond_destroy(&r.cv);
            }
            if (!r.threaded)
                pthread_mutex_destroy(&r.mu);
        }
    }

    for (size_t k = 0;; k++) {
        int step = k < r.nblocks && !fill_pending;
        if (step && s->stop && *s->stop) {
            rc = lrs_err_set(err, LRS_EINTR, "simulation interrupted at t = %g (stop flag raised)",
                             (double)(k * s->B) * s->dt);
            break;
        }
        if (r.threaded) {
            pthread_mutex_lock(&r.mu);
            r.job = k + 1;
            pthread_cond_broadcast(&r.cv);
            pthread_mutex_unlock(&r.mu);
        }
        int div_rc = LRS_OK;
        lrs_err_t div_err;
        lrs_err_clear(&div_err);
        if (step) {
            size_t b = block_rows(s, k);
            double *Z = s->Zs[k % 2];
            if (k > 0)
                memcpy(Z, s->Zs[(k - 1) % 2] + block_rows(s, k - 1) * N, N * sizeof(double));
            sim_steps(s, Z, s->Xs[k % 3], s->Rs[k % 2], b);
            div_rc = check_block(s, Z, k, b, &div_err);
        }
        if (r.threaded) {
            pthread_mutex_lock(&r.mu);
            while (r.done != k + 1)
                pthread_cond_wait(&r.cv, &r.mu);
            pthread_mutex_unlock(&r.mu);
        } else {
            run_side(&r, k);
        }
        /* errors in sequential order: observe k-1, fill k, diverge k, ... */
        if (r.obs_rc) {
            rc = r.obs_rc;
            copy_err(err, &r.obs_err);
            break;
        }
        if (fill_pending) {
            rc = fill_held.code;
            copy_err(err, &fill_held);
            break;
        }
        if (div_rc) {
            rc = div_rc;
            copy_err(err, &div_err);
            break;
        }
        if (k >= r.nblocks)
            break;  /* the last block has been observed */
        if (r.fill_rc) {
            fill_pending = 1;
            fill_held = r.fill_err;
            if (fill_held.code == LRS_OK)
                lrs_err_set(&fill_held, r.fill_rc, "%s: filling the input failed (code %d)", who,
                            r.fill_rc);
        }
    }
    if (r.threaded) {
        pthread_mutex_lock(&r.mu);
        r.quit = 1;
        pthread_cond_broadcast(&r.cv);
        pthread_mutex_unlock(&r.mu);
        pthread_join(th, NULL);
        pthread_cond_destroy(&r.cv);
        pthread_mutex_destroy(&r.mu);
    }
    if (rc == LRS_OK) {
        size_t k = r.nblocks - 1;
        memcpy(s->zfinal, s->Zs[k % 2] + (block_rows(s, k) - 1) * N, N * sizeof(double));
        s->have_final = 1;
    }
    return rc;
}
