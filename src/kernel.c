/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Float32 products and tanh for the simulators (see src/kernel.h).
 *
 * Products.  Y_k = A X_k for up to four vectors at once.  The AVX2 path
 * walks R rows of A together and keeps R x K eight-wide accumulators, so each
 * load of 8 entries of A feeds K fused multiply-adds and each load of 8
 * entries of X_k feeds R of them: (R, K) = (8, 1), (4, 2), (3, 3), (2, 4) use
 * 8-9 of the 16 ymm registers for accumulators, enough independent FMA
 * chains to hide the FMA latency.  Row i's sum is the 8 lane sums of its
 * accumulator (in a fixed order) plus the columns m - m mod 8 .. m-1 added
 * in order.  The portable path sums each row in the same lane order, so the
 * two paths differ only where the SIMD path fuses a multiply-add.
 *
 * tanh.  For 0 <= a = |x| < 9, with y = 2a,
 *     tanh a = m / (m + 2),   m = e^y - 1 (expm1),
 * free of cancellation: m = 2^k (1 + q) - 1 = 2^k q + (2^k - 1) with
 * k = round(y / ln 2), r = y - k ln 2 (ln 2 split in a short high part and
 * a correction so k ln 2 is exact), |r| <= ln(2)/2, and q = e^r - 1 by its
 * Taylor polynomial r + r^2/2! + ... + r^8/8! (truncation < 2e-9 relative);
 * 2^k - 1 is exact.  tanh a = 1 in float for a >= 9 (1 - tanh 9 = 3e-8 <
 * half an ulp of 1).  The sign is restored at the end; NaN stays NaN.
 * Measured error against libm: see tests/test_kernel.c.
 */
#include "kernel.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ tanh constants */
static const float TANH_SAT = 9.0f;     /* tanh = +-1 in float beyond */
static const float LOG2E = 1.44269504088896341f;
static const float LN2_HI = 0.693359375f;        /* 8 significant bits: k LN2_HI exact */
static const float LN2_LO = -2.12194440054690583e-4f; /* ln 2 - LN2_HI */
/* 1/j!, j = 2..8 */
static const float EC2 = 1.0f / 2, EC3 = 1.0f / 6, EC4 = 1.0f / 24, EC5 = 1.0f / 120,
                   EC6 = 1.0f / 720, EC7 = 1.0f / 5040, EC8 = 1.0f / 40320;

/* ------------------------------------------------------------ portable path */

static float tanh_portable(float x)
{
    if (isnan(x))
        return x;
    float a = fabsf(x), t = 1.0f;
    if (a < TANH_SAT) {
        float y = 2.0f * a;
        float k = nearbyintf(y * LOG2E);
        float r = (y - k * LN2_HI) - k * LN2_LO;
        float q = r * (1.0f + r * (EC2 + r * (EC3 + r * (EC4 + r * (EC5 + r * (EC6 + r * (EC7 + r * EC8)))))));
        float p2 = ldexpf(1.0f, (int)k);
        float m = p2 * q + (p2 - 1.0f);
        t = m / (m + 2.0f);
    }
    return copysignf(t, x);
}

/* Row i of A times the K vectors, lane-ordered like the SIMD path: eight
 * partial sums over j = l (mod 8), combined as ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7)),
 * then the tail columns. */
static void rows_portable(size_t n, size_t m, size_t K, const float *A, size_t lda,
                          const float *X, size_t ldx, float *Y, size_t ldy)
{
    size_t m8 = m & ~(size_t)7;
    for (size_t i = 0; i < n; i++) {
        const float *a = A + i * lda;
        for (size_t k = 0; k < K; k++) {
            const float *x = X + k * ldx;
            float s[8] = {0};
            for (size_t j = 0; j < m8; j += 8)
                for (size_t l = 0; l < 8; l++)
                    s[l] += a[j + l] * x[j + l];
            float r = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
            for (size_t j = m8; j < m; j++)
                r += a[j] * x[j];
            Y[k * ldy + i] = r;
        }
    }
}

/* ------------------------------------------------------------ AVX2 path */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KERNEL_HAVE_AVX2 1
#define SIMD __attribute__((target("avx2,fma")))
#define INLINE_SIMD static inline __attribute__((always_inline, target("avx2,fma")))

/* Sum of the 8 lanes: ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). */
INLINE_SIMD float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/* R rows (i .. i+R-1) times K vectors; R, K compile-time constants at every
 * call so the accumulators live in registers. */
INLINE_SIMD void block_rk(size_t m, const float *A, size_t lda, const float *X, size_t ldx,
                          float *Y, size_t ldy, size_t i, int R, int K)
{
    __m256 acc[8][4];
    size_t m8 = m & ~(size_t)7;
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int k = 0; k < K; k++)
            acc[r][k] = _mm256_setzero_ps();
    for (size_t j = 0; j < m8; j += 8) {
        __m256 xv[4];
#pragma GCC unroll 4
        for (int k = 0; k < K; k++)
            xv[k] = _mm256_loadu_ps(X + k * ldx + j);
#pragma GCC unroll 8
        for (int r = 0; r < R; r++) {
            __m256 av = _mm256_loadu_ps(A + (i + (size_t)r) * lda + j);
#pragma GCC unroll 4
            for (int k = 0; k < K; k++)
                acc[r][k] = _mm256_fmadd_ps(av, xv[k], acc[r][k]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
        const float *a = A + (i + (size_t)r) * lda;
#pragma GCC unroll 4
        for (int k = 0; k < K; k++) {
            const float *x = X + k * ldx;
            float s = hsum8(acc[r][k]);
            for (size_t j = m8; j < m; j++)
                s += a[j] * x[j];
            Y[k * ldy + i + (size_t)r] = s;
        }
    }
}

/* Rows 0..n-1 in blocks of R, the remainder one row at a time. */
INLINE_SIMD void rows_rk(size_t n, size_t m, const float *A, size_t lda, const float *X,
                         size_t ldx, float *Y, size_t ldy, int R, int K)
{
    size_t i = 0;
    for (; i + (size_t)R <= n; i += (size_t)R)
        block_rk(m, A, lda, X, ldx, Y, ldy, i, R, K);
    for (; i < n; i++)
        block_rk(m, A, lda, X, ldx, Y, ldy, i, 1, K);
}

/* K = kb vectors (1..4) with the block height R that fits the registers:
 * each case inlines rows_rk with its (R, K) pair as constants. */
SIMD static void rows_k(size_t n, size_t m, const float *A, size_t lda, const float *X,
                        size_t ldx, float *Y, size_t ldy, size_t kb)
{
    switch (kb) {
    case 1: rows_rk(n, m, A, lda, X, ldx, Y, ldy, 8, 1); break;
    case 2: rows_rk(n, m, A, lda, X, ldx, Y, ldy, 4, 2); break;
    case 3: rows_rk(n, m, A, lda, X, ldx, Y, ldy, 3, 3); break;
    default: rows_rk(n, m, A, lda, X, ldx, Y, ldy, 2, 4); break;
    }
}

INLINE_SIMD __m256 tanh8(__m256 x)
{
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    __m256 a = _mm256_min_ps(_mm256_set1_ps(TANH_SAT), _mm256_andnot_ps(sign, x));
    __m256 y = _mm256_add_ps(a, a);
    __m256 k = _mm256_round_ps(_mm256_mul_ps(y, _mm256_set1_ps(LOG2E)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(LN2_HI), y);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(LN2_LO), r);
    __m256 q = _mm256_fmadd_ps(r, _mm256_set1_ps(EC8), _mm256_set1_ps(EC7));
    q = _mm256_fmadd_ps(r, q, _mm256_set1_ps(EC6));
    q = _mm256_fmadd_ps(r, q, _mm256_set1_ps(EC5));
    q = _mm256_fmadd_ps(r, q, _mm256_set1_ps(EC4));
    q = _mm256_fmadd_ps(r, q, _mm256_set1_ps(EC3));
    q = _mm256_fmadd_ps(r, q, _mm256_set1_ps(EC2));
    q = _mm256_fmadd_ps(r, q, one);
    q = _mm256_mul_ps(r, q);
    __m256i e2k = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    __m256 p2 = _mm256_castsi256_ps(e2k);
    __m256 m = _mm256_fmadd_ps(p2, q, _mm256_sub_ps(p2, one));
    __m256 t = _mm256_div_ps(m, _mm256_add_ps(m, _mm256_set1_ps(2.0f)));
    t = _mm256_blendv_ps(t, one, _mm256_cmp_ps(a, _mm256_set1_ps(TANH_SAT), _CMP_GE_OQ));
    t = _mm256_or_ps(t, _mm256_and_ps(sign, x));
    return _mm256_blendv_ps(t, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

SIMD static void tanh_avx2(size_t n, const float *x, float *y)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, tanh8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float in[8] = {0}, out[8];
        memcpy(in, x + i, (n - i) * sizeof *in);
        _mm256_storeu_ps(out, tanh8(_mm256_loadu_ps(in)));
        memcpy(y + i, out, (n - i) * sizeof *out);
    }
}

static int cpu_avx2_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/* ------------------------------------------------------------ dispatch */

/* -1: not checked yet; 0: no AVX2/FMA; 1: AVX2/FMA.  A cache of a property
 * of the CPU (every thread computes the same value: a benign race). */
static int cpu_simd = -1;

int lrs_kernel_simd(void)
{
    if (cpu_simd < 0) {
#ifdef KERNEL_HAVE_AVX2
        cpu_simd = cpu_avx2_fma();
#else
        cpu_simd = 0;
#endif
    }
    return cpu_simd;
}

void lrs_kernel_sgemm_k_portable(size_t n, size_t m, size_t K, const float *A, size_t lda,
                                 const float *X, size_t ldx, float *Y, size_t ldy)
{
    for (size_t k0 = 0; k0 < K; k0 += 4) {
        size_t kb = K - k0 < 4 ? K - k0 : 4;
        rows_portable(n, m, kb, A, lda, X + k0 * ldx, ldx, Y + k0 * ldy, ldy);
    }
}

void lrs_kernel_sgemv(size_t n, size_t m, const float *A, size_t lda, const float *x, float *y)
{
    lrs_kernel_sgemm_k(n, m, 1, A, lda, x, 0, y, 0);
}

void lrs_kernel_sgemm_k(size_t n, size_t m, size_t K, const float *A, size_t lda,
                        const float *X, size_t ldx, float *Y, size_t ldy)
{
#ifdef KERNEL_HAVE_AVX2
    if (lrs_kernel_simd()) {
        for (size_t k0 = 0; k0 < K; k0 += 4) {
            size_t kb = K - k0 < 4 ? K - k0 : 4;
            rows_k(n, m, A, lda, X + k0 * ldx, ldx, Y + k0 * ldy, ldy, kb);
        }
        return;
    }
#endif
    lrs_kernel_sgemm_k_portable(n, m, K, A, lda, X, ldx, Y, ldy);
}

void lrs_kernel_tanhf_portable(size_t n, const float *x, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = tanh_portable(x[i]);
}

void lrs_kernel_tanhf(size_t n, const float *x, float *y)
{
#ifdef KERNEL_HAVE_AVX2
    if (lrs_kernel_simd()) {
        tanh_avx2(n, x, y);
        return;
    }
#endif
    lrs_kernel_tanhf_portable(n, x, y);
}
