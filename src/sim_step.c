/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stepping methods of the simulator (lrs/sim.h): forward Euler and
 * classical RK4, for K trajectories at once, and the per-step kernel.
 *
 * Maths (arXiv:2504.13727, the network model).  With alpha_i = dt / tau_i and the
 * connectivity of trajectory k, W_k = W + U_k S_k V_k^T (low-rank part
 * optional):
 *   Euler, recurrent:    z[n+1] = z[n] + alpha o (-z[n] + W_k f(z[n]) + x[n])
 *   Euler, feed-forward: z[n+1] = z[n] + alpha o (-z[n] + f(W^T x[n]))
 *   RK4 (recurrent), G(z, x) = alpha o (x - z) + diag(alpha) W_k f(z):
 *     k1 = G(z, x[n]),             k2 = G(z + k1/2, x_h),
 *     k3 = G(z + k2/2, x_h),       k4 = G(z + k3, x[n+1]),
 *     z[n+1] = z + (k1 + 2 k2 + 2 k3 + k4) / 6,
 *   x_h = (x[n] + x[n+1]) / 2 + the callbacks' half-step correction (o is
 *   the elementwise product).  The classical scheme of Kutta (1901); see
 *   Hairer, Norsett & Wanner, Solving ODEs I, Sec. II.1.
 * Implementation, per step and per stage, one product with the dense part:
 *   Euler linear:    z[n+1] = A z[n] + alpha o x[n],
 *                    A = I + diag(alpha) (W - I)  (precomputed)
 *   Euler nonlinear: z[n+1] = (1 - alpha) o z[n] + alpha o x[n]
 *                             + (diag(alpha) W) f(z[n])
 *   RK4:             A = diag(alpha) W in every stage,
 * then + (diag(alpha) U_k) (S_k (V_k^T v)) for a low-rank part (O(N r)).
 * The K trajectories of a batch share the product: the K vectors go through
 * one pass over A.  Feed-forward: the drive of a block is one dgemm, X W.
 * Cost per step: Euler one N x N product per trajectory, RK4 four.
 */
#include "sim_internal.h"
#include "kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

/* ------------------------------------------------------------------ per-step kernel
 * y = A x + beta y for the row-major N x N matrix A: the one matrix-vector
 * product per Euler step.  On x86-64 CPUs with AVX2 and FMA (checked at
 * run time, per simulation) and N <= 362 (A within ~1 MB, so it streams from
 * L2/L3) a hand-written kernel is used: four rows at a time, four-wide FMA
 * accumulators, one pass over A.  It is 10-20% faster than OpenBLAS's dgemv
 * at N = 64..300 (the per-step product is most of the Figure 1 budget) and
 * no faster for larger N.  Elsewhere cblas_dgemv.
 * With K vectors (a batch) the kernel takes them two at a time in one pass
 * over A; each column sees exactly the operations of the one-vector kernel
 * (same accumulators, same order, same horizontal sums), so batched and
 * single runs agree bit for bit.  The cblas_dgemv path is one call per
 * column.  Both paths are deterministic; they differ from each other only
 * in rounding. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LRS_HAVE_GEMV_AVX2 1

/* r[q] = sum of the four lanes of s[q], q = 0..3 */
__attribute__((target("avx2,fma")))
static inline void hsum4(__m256d s0, __m256d s1, __m256d s2, __m256d s3, double r[4])
{
    __m256d t01 = _mm256_hadd_pd(s0, s1), t23 = _mm256_hadd_pd(s2, s3);
    __m256d sum = _mm256_add_pd(_mm256_permute2f128_pd(t01, t23, 0x20),
                                _mm256_permute2f128_pd(t01, t23, 0x31));
    _mm256_storeu_pd(r, sum);
}

/* Rows i..i+3, the scalar tail j >= n4 and the update y = r + beta y. */
static inline void finish4(const double *a0, size_t n, size_t n4, const double *x, double beta,
                           double r[4], double *y)
{
    const double *a1 = a0 + n, *a2 = a1 + n, *a3 = a2 + n;
    for (size_t j = n4; j < n; j++) {
        r[0] += a0[j] * x[j];
        r[1] += a1[j] * x[j];
        r[2] += a2[j] * x[j];
        r[3] += a3[j] * x[j];
    }
    for (size_t q = 0; q < 4; q++)
        y[q] = r[q] + beta * y[q];
}

static inline void row1(const double *a, size_t n, const double *x, double beta, double *y)
{
    double r = 0.0;
    for (size_t j = 0; j < n; j++)
        r += a[j] * x[j];
    *y = r + beta * *y;
}

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
        double r[4];
        hsum4(s0, s1, s2, s3, r);
        finish4(a0, n, n4, x, beta, r, y + i);
    }
    for (; i < n; i++)
        row1(A + i * n, n, x, beta, y + i);
}

/* Two vectors x, w in one pass over A: y = A x + beta y, v = A w + beta v,
 * each exactly as gemv_avx2 computes it. */
__attribute__((target("avx2,fma")))
static void gemv2_avx2(size_t n, const double *A, const double *x, const double *w, double beta,
                       double *y, double *v)
{
    size_t i = 0, n4 = n & ~(size_t)3;
    for (; i + 4 <= n; i += 4) {
        const double *a0 = A + i * n, *a1 = a0 + n, *a2 = a1 + n, *a3 = a2 + n;
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
        __m256d u0 = s0, u1 = s0, u2 = s0, u3 = s0;
        for (size_t j = 0; j < n4; j += 4) {
            __m256d xv = _mm256_loadu_pd(x + j), wv = _mm256_loadu_pd(w + j);
            __m256d b0 = _mm256_loadu_pd(a0 + j), b1 = _mm256_loadu_pd(a1 + j);
            __m256d b2 = _mm256_loadu_pd(a2 + j), b3 = _mm256_loadu_pd(a3 + j);
            s0 = _mm256_fmadd_pd(b0, xv, s0);
            s1 = _mm256_fmadd_pd(b1, xv, s1);
            s2 = _mm256_fmadd_pd(b2, xv, s2);
            s3 = _mm256_fmadd_pd(b3, xv, s3);
            u0 = _mm256_fmadd_pd(b0, wv, u0);
            u1 = _mm256_fmadd_pd(b1, wv, u1);
            u2 = _mm256_fmadd_pd(b2, wv, u2);
            u3 = _mm256_fmadd_pd(b3, wv, u3);
        }
        double r[4], q[4];
        hsum4(s0, s1, s2, s3, r);
        hsum4(u0, u1, u2, u3, q);
        finish4(a0, n, n4, x, beta, r, y + i);
        finish4(a0, n, n4, w, beta, q, v + i);
    }
    for (; i < n; i++) {
        row1(A + i * n, n, x, beta, y + i);
        row1(A + i * n, n, w, beta, v + i);
    }
}

static int cpu_has_avx2_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

int sim_cpu_fast_gemv(size_t N)
{
#ifdef LRS_HAVE_GEMV_AVX2
    return N * N * sizeof(double) <= (1u << 20) && cpu_has_avx2_fma();
#else
    (void)N;
    return 0;
#endif
}

void sim_matvec(const lrs_sim_t *s, const double *A, size_t K, const double *const *x,
                double beta, double *const *y)
{
    size_t N = s->N, k = 0;
#ifdef LRS_HAVE_GEMV_AVX2
    if (s->fast_gemv) {
        for (; k + 2 <= K; k += 2)
            gemv2_avx2(N, A, x[k], x[k + 1], beta, y[k], y[k + 1]);
        if (k < K)
            gemv_avx2(N, A, x[k], beta, y[k]);
        return;
    }
#endif
    for (; k < K; k++)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)N, 1.0, A, (int)N, x[k], 1, beta,
                    y[k], 1);
}

/* ------------------------------------------------------------------ low-rank part
 * y += Ua (S (V^T v)) for the row-major N x r factors V and Ua (= U or
 * diag(alpha) U) and the r x r core S: 4 N r + 2 r^2 flops, one pass over
 * V and one over Ua (the rank-r correction of the model's W_k = W + U S V^T,
 * arXiv:2504.13727, Sec. 2).
 *
 * a = V^T v is r sums of N terms.  A sum accumulated in one variable is a
 * chain of N dependent additions (4 cycles each: ~1 us at N = 500), so the
 * columns are taken four at a time and each column's sum is split into four
 * partial sums over j = 0, 1, 2, 3 (mod 4), combined as (s0 + s2) + (s1 + s3)
 * after the tail j >= N - N mod 4 went into s0: 4 w independent chains for w
 * columns, which the compiler keeps in registers (w is a constant in every
 * inlined copy).  The order depends only on N and r, so every trajectory of a
 * batch and a single run compute the same bits.  y += Ua c has no chain (each
 * row is independent) and is written for r = 1, 2 without the inner loop. */
static inline __attribute__((always_inline)) void vt_cols(size_t N, size_t r, size_t l0, size_t w,
                                                          const double *V, const double *v,
                                                          double *a)
{
    double s[4][4] = {{0}};
    size_t j = 0;
    for (; j + 4 <= N; j += 4)
#pragma GCC unroll 4
        for (size_t q = 0; q < 4; q++)
#pragma GCC unroll 4
            for (size_t l = 0; l < w; l++)
                s[q][l] += V[(j + q) * r + l0 + l] * v[j + q];
    for (; j < N; j++)
#pragma GCC unroll 4
        for (size_t l = 0; l < w; l++)
            s[0][l] += V[j * r + l0 + l] * v[j];
#pragma GCC unroll 4
    for (size_t l = 0; l < w; l++)
        a[l0 + l] = (s[0][l] + s[2][l]) + (s[1][l] + s[3][l]);
}

/* a = V^T v (length r), columns in groups of four, the last group w = r mod 4. */
static void lowrank_vt(size_t N, size_t r, const double *V, const double *v, double *a)
{
    size_t l0 = 0;
    for (; l0 + 4 <= r; l0 += 4)
        vt_cols(N, r, l0, 4, V, v, a);
    switch (r - l0) {
    case 1: vt_cols(N, r, l0, 1, V, v, a); break;
    case 2: vt_cols(N, r, l0, 2, V, v, a); break;
    case 3: vt_cols(N, r, l0, 3, V, v, a); break;
    default: break;
    }
}

/* y += Ua c, Ua row-major N x r. */
SIM_CLONES static void lowrank_uc(size_t N, size_t r, const double *Ua, const double *c,
                                  double *y)
{
    if (r == 1) {
#pragma omp simd
        for (size_t i = 0; i < N; i++)
            y[i] += Ua[i] * c[0];
    } else if (r == 2) {
#pragma omp simd
        for (size_t i = 0; i < N; i++)
            y[i] += Ua[2 * i] * c[0] + Ua[2 * i + 1] * c[1];
    } else {
        for (size_t i = 0; i < N; i++) {
            double acc = 0.0;
            for (size_t l = 0; l < r; l++)
                acc += Ua[i * r + l] * c[l];
            y[i] += acc;
        }
    }
}

/* c = S (V^T v) into scratch + r (scratch: 2 r; a = V^T v in the first r). */
void sim_lowrank_coef(const lrs_sim_t *s, const sim_traj *t, const double *v, double *scratch)
{
    size_t r = t->r;
    double *a = scratch, *c = scratch + r;
    lowrank_vt(s->N, r, t->V, v, a);
    for (size_t l = 0; l < r; l++) {
        double acc = 0.0;
        for (size_t m = 0; m < r; m++)
            acc += t->S[l * r + m] * a[m];
        c[l] = acc;
    }
}

/* y += Ua (S (V^T v)), scratch 2 r. */
void sim_lowrank_add(const lrs_sim_t *s, const sim_traj *t, const double *Ua, const double *v,
                     double *y, double *scratch)
{
    size_t r = t->r;
    if (r == 0)
        return;
    sim_lowrank_coef(s, t, v, scratch);
    lowrank_uc(s->N, r, Ua, scratch + r, y);
}

double *sim_dense_w(const lrs_sim_t *s, const sim_traj *t)
{
    size_t N = s->N, r = t->r;
    double *Wk = malloc(N * N * sizeof *Wk), *US = malloc((r ? r : 1) * N * sizeof *US);
    if (!Wk || !US) {
        free(Wk);
        free(US);
        return NULL;
    }
    memcpy(Wk, s->W, N * N * sizeof *Wk);
    if (r > 0) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)r, (int)r, 1.0, t->U,
                    (int)r, t->S, (int)r, 0.0, US, (int)r);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)N, (int)r, 1.0, US,
                    (int)r, t->V, (int)r, 1.0, Wk, (int)N);
    }
    free(US);
    return Wk;
}

void lrs_sim_transfer_apply(lrs_sim_transfer_t f, size_t n, const double *in, double *out)
{
    switch (f) {
    case LRS_F_TANH:
        lrs_kernel_tanh(n, in, out);
        break;
    case LRS_F_RELU:
#pragma omp simd
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] > 0 ? in[i] : 0.0;
        break;
    default:
        if (out != in)
            memcpy(out, in, n * sizeof *in);
        break;
    }
}

/* ------------------------------------------------------------------ Euler */

/* Feed-forward trajectory: R rows 1..b <- f(X W), then rows i0..b of Z. */
static void euler_feedforward(lrs_sim_t *s, sim_traj *t, size_t k, size_t i0, size_t b)
{
    size_t N = s->N;
    double *Z = t->Zs[k % 2], *R = t->Rs[k % 2];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)N, (int)N, 1.0,
                t->Xs[k % 3] + N, (int)N, s->W, (int)N, 0.0, R + N, (int)N);
    lrs_sim_transfer_apply(s->f, b * N, R + N, R + N);
    for (size_t i = i0; i <= b; i++) {
        const double *z = Z + (i - 1) * N, *d = R + (i - 1) * N;
        double *zn = Z + i * N;
        for (size_t j = 0; j < N; j++)
            zn[j] = s->oma[j] * z[j] + s->alpha[j] * d[j];
    }
}

/* Row i of trajectory t before the product: zn <- the input (and leak)
 * terms; returns the vector the product multiplies (z or f(z)). */
SIM_CLONES static const double *euler_prepare(lrs_sim_t *s, sim_traj *t, const double *z,
                                              const double *x, double *zn)
{
    size_t N = s->N;
    const double *al = s->alpha, *oma = s->oma;
    if (s->f == LRS_F_IDENTITY && !s->ldf) {
        if (s->alpha_scalar)
            memcpy(zn, x, N * sizeof *zn);
        else
#pragma omp simd
            for (size_t j = 0; j < N; j++)
                zn[j] = al[j] * x[j];
        return z;
    }
    double *fz = t->work;
    if (s->ldf) { /* float32 precision: f in float, low-rank part with the product */
        float *F = s->Fx + (size_t)(t - s->tr) * s->ldf;
#pragma omp simd
        for (size_t j = 0; j < N; j++) {
            zn[j] = oma[j] * z[j] + al[j] * x[j];
            F[j] = (float)z[j];
        }
        sim_float_f(s, (size_t)(t - s->tr), fz);
        return fz;
    }
    if (s->f == LRS_F_TANH) {
#pragma omp simd
        for (size_t j = 0; j < N; j++)
            zn[j] = oma[j] * z[j] + al[j] * x[j];
        lrs_kernel_tanh(N, z, fz);
    } else {
#pragma omp simd
        for (size_t j = 0; j < N; j++) {
            zn[j] = oma[j] * z[j] + al[j] * x[j];
            fz[j] = z[j] > 0 ? z[j] : 0.0;
        }
    }
    return fz;
}

static void euler_advance(lrs_sim_t *s, size_t k, size_t i0, size_t b)
{
    size_t N = s->N, K = s->K;
    if (s->mode == LRS_SIM_FEEDFORWARD) {
        for (size_t q = 0; q < K; q++)
            euler_feedforward(s, &s->tr[q], k, i0, b);
        return;
    }
    /* linear, scalar tau: dgemv's beta carries alpha x (rows copied first) */
    double beta = s->f == LRS_F_IDENTITY && s->alpha_scalar && !s->ldf ? s->alpha[0] : 1.0;
    for (size_t i = i0; i <= b; i++) {
        for (size_t q = 0; q < K; q++) {
            sim_traj *t = &s->tr[q];
            double *Z = t->Zs[k % 2];
            s->yp[q] = Z + i * N;
            s->xp[q] = euler_prepare(s, t, Z + (i - 1) * N, t->Xs[k % 3] + (i - 1) * N, Z + i * N);
        }
        if (s->ldf) {
            sim_float_matvec(s, K, beta, s->yp);
            continue;
        }
        sim_matvec(s, s->A, K, s->xp, beta, s->yp);
        for (size_t q = 0; q < K; q++)
            sim_lowrank_add(s, &s->tr[q], s->tr[q].Ua, s->xp[q], s->yp[q], s->tr[q].lr_t);
    }
}

static int recurrent_only(const lrs_sim_params_t *p, const char *who, const char *name,
                          lrs_err_t *err)
{
    if (p->mode != LRS_SIM_RECURRENT)
        return lrs_err_set(err, LRS_EINVAL, "%s: the %s method supports the recurrent mode only",
                           who, name);
    return LRS_OK;
}

static int euler_check(const lrs_sim_params_t *p, const char *who, lrs_err_t *err)
{
    (void)p;
    (void)who;
    (void)err;
    return LRS_OK;
}

/* A = I + diag(alpha)(W - I) (linear) or diag(alpha) W; Ua = diag(alpha) U. */
static void scaled_matrices(lrs_sim_t *s, int identity_leak)
{
    size_t N = s->N;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double a = s->alpha[i] * s->W[i * N + j];
            if (identity_leak && i == j)
                a += s->oma[i];
            s->A[i * N + j] = a;
        }
    for (size_t q = 0; q < s->K; q++) {
        sim_traj *t = &s->tr[q];
        for (size_t i = 0; i < N; i++)
            for (size_t l = 0; l < t->r; l++)
                t->Ua[i * t->r + l] = s->alpha[i] * t->U[i * t->r + l];
    }
}

static int euler_setup(lrs_sim_t *s, const lrs_sim_params_t *p, lrs_err_t *err)
{
    (void)p;
    (void)err;
    /* float32: the leak stays in double (A = diag(alpha) W; the float
     * product is of W itself, scaled in double: sim_float.c), so z is never
     * rounded to float */
    scaled_matrices(s, s->f == LRS_F_IDENTITY && !s->ldf);
    return LRS_OK;
}

/* ------------------------------------------------------------------ RK4 */

static int rk4_check(const lrs_sim_params_t *p, const char *who, lrs_err_t *err)
{
    return recurrent_only(p, who, "rk4", err);
}

static int rk4_setup(lrs_sim_t *s, const lrs_sim_params_t *p, lrs_err_t *err)
{
    (void)p;
    (void)err;
    scaled_matrices(s, 0);
    return LRS_OK;
}

/* g_q <- G(zt_q, xs_q) for every trajectory q (work layout: fz, g, ...). */
SIM_CLONES static void rk4_stage(lrs_sim_t *s, const double *const *zt, const double *const *xs)
{
    size_t N = s->N, K = s->K;
    for (size_t q = 0; q < K; q++) {
        sim_traj *t = &s->tr[q];
        double *fz = t->work, *g = t->work + N;
        const double *al = s->alpha;
        if (s->ldf) {
            float *F = s->Fx + q * s->ldf;
#pragma omp simd
            for (size_t j = 0; j < N; j++) {
                g[j] = al[j] * (xs[q][j] - zt[q][j]);
                F[j] = (float)zt[q][j];
            }
            sim_float_f(s, q, fz);
            s->yp[q] = g;
            continue;
        }
#pragma omp simd
        for (size_t j = 0; j < N; j++)
            g[j] = al[j] * (xs[q][j] - zt[q][j]);
        if (s->f == LRS_F_IDENTITY) {
            s->xp[q] = zt[q];
        } else {
            lrs_sim_transfer_apply(s->f, N, zt[q], fz);
            s->xp[q] = fz;
        }
        s->yp[q] = g;
    }
    if (s->ldf) {
        sim_float_matvec(s, K, 1.0, s->yp);
        return;
    }
    sim_matvec(s, s->A, K, s->xp, 1.0, s->yp);
    for (size_t q = 0; q < K; q++)
        sim_lowrank_add(s, &s->tr[q], s->tr[q].Ua, s->xp[q], s->yp[q], s->tr[q].lr_t);
}

/* After a stage: acc (+)= w g and zt = z + c g (c = 0: last stage). */
SIM_CLONES static void rk4_combine(lrs_sim_t *s, const double *const *z, int first, double w,
                                   double c)
{
    size_t N = s->N;
    for (size_t q = 0; q < s->K; q++) {
        double *g = s->tr[q].work + N, *zt = g + N, *acc = zt + N;
        const double *zq = z[q];
        if (first)
            memcpy(acc, g, N * sizeof *acc);
        else
#pragma omp simd
            for (size_t j = 0; j < N; j++)
                acc[j] = acc[j] + w * g[j];
        if (c != 0.0)
#pragma omp simd
            for (size_t j = 0; j < N; j++)
                zt[j] = zq[j] + c * g[j];
    }
}

SIM_CLONES static void rk4_advance(lrs_sim_t *s, size_t k, size_t i0, size_t b)
{
    size_t N = s->N, K = s->K;
    const double **z = s->xp + K, **x0 = z + K, **x1 = x0 + K, **xh = x1 + K, **zt = xh + K;
    for (size_t i = i0; i <= b; i++) {
        for (size_t q = 0; q < K; q++) {
            sim_traj *t = &s->tr[q];
            double *xm = t->work + 4 * N;
            const double *m = t->mid ? t->Ms[k % 3] + i * N : NULL;
            const double *xa = t->Xs[k % 3] + (i - 1) * N, *xb = xa + N;
            z[q] = t->Zs[k % 2] + (i - 1) * N;
            x0[q] = xa;
            x1[q] = xb;
            if (m)
#pragma omp simd
                for (size_t j = 0; j < N; j++)
                    xm[j] = 0.5 * (xa[j] + xb[j]) + m[j];
            else /* + 0.0: the sum above with m = 0 (-0 becomes +0), so the same bits */
#pragma omp simd
                for (size_t j = 0; j < N; j++)
                    xm[j] = 0.5 * (xa[j] + xb[j]) + 0.0;
            xh[q] = xm;
            zt[q] = t->work + 2 * N;
        }
        rk4_stage(s, z, x0);
        rk4_combine(s, z, 1, 1.0, 0.5);
        rk4_stage(s, zt, xh);
        rk4_combine(s, z, 0, 2.0, 0.5);
        rk4_stage(s, zt, xh);
        rk4_combine(s, z, 0, 2.0, 1.0);
        rk4_stage(s, zt, x1);
        rk4_combine(s, z, 0, 1.0, 0.0);
        for (size_t q = 0; q < K; q++) {
            const double *acc = s->tr[q].work + 3 * N, *zq = z[q];
            double *zn = s->tr[q].Zs[k % 2] + i * N;
#pragma omp simd
            for (size_t j = 0; j < N; j++)
                zn[j] = zq[j] + acc[j] / 6.0;
        }
    }
}

static const lrs_sim_method_t euler_method = {"euler", euler_check, euler_setup, euler_advance};
static const lrs_sim_method_t rk4_method = {"rk4", rk4_check, rk4_setup, rk4_advance};
const lrs_sim_method_t *const lrs_sim_euler = &euler_method;
const lrs_sim_method_t *const lrs_sim_rk4 = &rk4_method;
