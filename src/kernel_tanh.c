/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Vectorised tanh for the simulators, in float (lrs_kernel_tanhf) and in
 * double (lrs_kernel_tanh); see src/kernel.h.
 *
 * tanh.  For 0 <= a = |x| < 9, with y = 2a,
 *     tanh a = m / (m + 2),   m = e^y - 1 (expm1),
 * free of cancellation: m = 2^k (1 + q) - 1 = 2^k q + (2^k - 1) with
 * k = round(y / ln 2), r = y - k ln 2 (ln 2 split in a short high part and
 * a correction so k ln 2 is exact), |r| <= ln(2)/2, and q = e^r - 1 by its
 * Taylor polynomial r + r^2/2! + ... + r^8/8! (truncation < 2e-9 relative);
 * 2^k - 1 is exact.  tanh a = 1 in float for a >= 9 (1 - tanh 9 = 3e-8 <
 * half an ulp of 1).  The sign is restored at the end; NaN stays NaN.
 *
 * The double tanh is the same construction in double: |r| <= ln(2)/2 with
 * ln 2 split in a 32-bit high part (k ln 2 exact for |k| < 2^21) and a
 * correction, q = e^r - 1 by its Taylor polynomial to degree 13 (the first
 * term left out, (ln 2 / 2)^14 / 14!, is 1.2e-17 of q: a tenth of an ulp),
 * and tanh a = 1 in double for a >= 20 (1 - tanh 20 = 8.5e-18, less than
 * half an ulp of 1).  Here k <= 58, so 2^k - 1 is exact only up to k = 53;
 * beyond (a > 18.5) its rounding is below 2^-53 relative and tanh a rounds
 * to within an ulp of 1 either way.  For tiny a, k = 0 and tanh a = q / (q + 2) keeps its
 * relative accuracy down to the subnormals.  Cost: about 20 flops and one
 * division per value, 4 or 8 values per instruction, against a call to
 * libm's tanh (its own expm1) per value.
 * Measured error against a long double reference: see tests/test_kernel.c.
 */
#include "kernel.h"
#include "kernel_simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------ tanh constants */
static const float TANH_SAT = 9.0f;     /* tanh = +-1 in float beyond */
static const float LOG2E = 1.44269504088896341f;
static const float LN2_HI = 0.693359375f;        /* 8 significant bits: k LN2_HI exact */
static const float LN2_LO = -2.12194440054690583e-4f; /* ln 2 - LN2_HI */
/* 1/j!, j = 2..8 */
static const float EC2 = 1.0f / 2, EC3 = 1.0f / 6, EC4 = 1.0f / 24, EC5 = 1.0f / 120,
                   EC6 = 1.0f / 720, EC7 = 1.0f / 5040, EC8 = 1.0f / 40320;

/* ------------------------------------------------------------ tanh constants, double */
static const double TANHD_SAT = 20.0; /* tanh = +-1 in double beyond */
static const double LOG2E_D = 1.44269504088896338700e+00;
static const double LN2_HI_D = 6.93147180369123816490e-01; /* 32 significant bits */
static const double LN2_LO_D = 1.90821492927058770002e-10; /* ln 2 - LN2_HI_D */
/* 1/j!, j = 2..13 */
static const double DC2 = 1.0 / 2, DC3 = 1.0 / 6, DC4 = 1.0 / 24, DC5 = 1.0 / 120,
                    DC6 = 1.0 / 720, DC7 = 1.0 / 5040, DC8 = 1.0 / 40320,
                    DC9 = 1.0 / 362880, DC10 = 1.0 / 3628800, DC11 = 1.0 / 39916800,
                    DC12 = 1.0 / 479001600, DC13 = 1.0 / 6227020800.0;

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

static double tanhd_portable(double x)
{
    if (isnan(x))
        return x;
    double a = fabs(x), t = 1.0;
    if (a < TANHD_SAT) {
        double y = 2.0 * a;
        double k = nearbyint(y * LOG2E_D);
        double r = (y - k * LN2_HI_D) - k * LN2_LO_D;
        double q = DC13;
        q = DC12 + r * q;
        q = DC11 + r * q;
        q = DC10 + r * q;
        q = DC9 + r * q;
        q = DC8 + r * q;
        q = DC7 + r * q;
        q = DC6 + r * q;
        q = DC5 + r * q;
        q = DC4 + r * q;
        q = DC3 + r * q;
        q = DC2 + r * q;
        q = r * (1.0 + r * q);
        double p2 = ldexp(1.0, (int)k);
        double m = p2 * q + (p2 - 1.0);
        t = m / (m + 2.0);
    }
    return copysign(t, x);
}

/* ------------------------------------------------------------ SIMD paths */
#ifdef KERNEL_HAVE_AVX2

/* tanh(a) for a = min(|x|, TANH_SAT) (the saturation and the sign are the
 * callers'): with y = 2a = k ln 2 + r (|r| <= ln2 / 2, k ln 2 in two parts
 * so that r is exact), e^y - 1 = 2^k (e^r - 1) + (2^k - 1), e^r - 1 by its
 * Taylor polynomial to degree 8 (Horner), and tanh a = (e^y - 1) / (e^y + 1).
 * One definition for the 8- and 16-wide paths: V the vector type, P the
 * intrinsics' prefix, ROUND and CAST the two intrinsics whose names differ. */
#define DEF_TANH_CORE(name, attr, V, P, ROUND, CAST)                                           \
    attr V name(V a)                                                                           \
    {                                                                                          \
        const V one = P##_set1_ps(1.0f);                                                       \
        V y = P##_add_ps(a, a);                                                                \
        V k = ROUND(P##_mul_ps(y, P##_set1_ps(LOG2E)),                                         \
                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);                            \
        V r = P##_fnmadd_ps(k, P##_set1_ps(LN2_HI), y);                                        \
        r = P##_fnmadd_ps(k, P##_set1_ps(LN2_LO), r);                                          \
        V q = P##_fmadd_ps(r, P##_set1_ps(EC8), P##_set1_ps(EC7));                             \
        q = P##_fmadd_ps(r, q, P##_set1_ps(EC6));                                              \
        q = P##_fmadd_ps(r, q, P##_set1_ps(EC5));                                              \
        q = P##_fmadd_ps(r, q, P##_set1_ps(EC4));                                              \
        q = P##_fmadd_ps(r, q, P##_set1_ps(EC3));                                              \
        q = P##_fmadd_ps(r, q, P##_set1_ps(EC2));                                              \
        q = P##_fmadd_ps(r, q, one);                                                           \
        q = P##_mul_ps(r, q);                                                                  \
        V p2 = CAST(P##_slli_epi32(P##_add_epi32(P##_cvtps_epi32(k), P##_set1_epi32(127)), 23)); \
        V m = P##_fmadd_ps(p2, q, P##_sub_ps(p2, one));                                        \
        return P##_div_ps(m, P##_add_ps(m, P##_set1_ps(2.0f)));                                \
    }

DEF_TANH_CORE(tanh_core8, INLINE_SIMD, __m256, _mm256, _mm256_round_ps, _mm256_castsi256_ps)

DEF_TANH_CORE(tanh_core16, INLINE_SIMD512, __m512, _mm512, _mm512_roundscale_ps,
              _mm512_castsi512_ps)

/* The double core: as DEF_TANH_CORE with the degree-13 polynomial; POW2
 * builds 2^k from its exponent bits. */
#define DEF_TANHD_CORE(name, attr, V, P, ROUND, POW2)                                          \
    attr V name(V a)                                                                           \
    {                                                                                          \
        const V one = P##_set1_pd(1.0);                                                        \
        V y = P##_add_pd(a, a);                                                                \
        V k = ROUND(P##_mul_pd(y, P##_set1_pd(LOG2E_D)),                                       \
                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);                            \
        V r = P##_fnmadd_pd(k, P##_set1_pd(LN2_HI_D), y);                                      \
        r = P##_fnmadd_pd(k, P##_set1_pd(LN2_LO_D), r);                                        \
        V q = P##_fmadd_pd(r, P##_set1_pd(DC13), P##_set1_pd(DC12));                           \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC11));                                             \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC10));                                             \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC9));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC8));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC7));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC6));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC5));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC4));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC3));                                              \
        q = P##_fmadd_pd(r, q, P##_set1_pd(DC2));                                              \
        q = P##_fmadd_pd(r, q, one);                                                           \
        q = P##_mul_pd(r, q);                                                                  \
        V p2 = POW2(k);                                                                        \
        V m = P##_fmadd_pd(p2, q, P##_sub_pd(p2, one));                                        \
        return P##_div_pd(m, P##_add_pd(m, P##_set1_pd(2.0)));                                 \
    }

/* 2^k for integral k in [0, 58] (y = 2a <= 40), from the exponent bits. */
INLINE_SIMD __m256d pow2_4(__m256d k)
{
    __m256i e = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k));
    return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(e, _mm256_set1_epi64x(1023)), 52));
}

DEF_TANHD_CORE(tanhd_core4, INLINE_SIMD, __m256d, _mm256, _mm256_round_pd, pow2_4)

INLINE_SIMD512 __m512d pow2_8(__m512d k)
{
    __m512i e = _mm512_cvtepi32_epi64(_mm512_cvtpd_epi32(k));
    return _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_add_epi64(e, _mm512_set1_epi64(1023)), 52));
}

DEF_TANHD_CORE(tanhd_core8, INLINE_SIMD512, __m512d, _mm512, _mm512_roundscale_pd, pow2_8)

/* Around a core (one definition for float and double: V the vector type, S
 * the intrinsics' suffix ps or pd, T the element type, W the lanes, SAT the
 * saturation): |x| capped at SAT, the core, 1 from SAT on, the sign of x
 * put back, NaN passed through; then the loop over n values (the AVX2 tail
 * through a zero-padded copy, the AVX-512 tail through a masked load and
 * store, M the mask type).  The AVX-512 path does the AVX2 path's
 * operations per lane (masks in place of the blends): the same bits. */
#define DEF_TANH_AVX2(vec, loop, core, V, S, T, W, SAT)                                       \
    INLINE_SIMD V vec(V x)                                                                     \
    {                                                                                          \
        const V sign = _mm256_set1_##S(-0.0), one = _mm256_set1_##S(1.0);                      \
        V a = _mm256_min_##S(_mm256_set1_##S(SAT), _mm256_andnot_##S(sign, x));                \
        V t = core(a);                                                                         \
        t = _mm256_blendv_##S(t, one, _mm256_cmp_##S(a, _mm256_set1_##S(SAT), _CMP_GE_OQ));    \
        t = _mm256_or_##S(t, _mm256_and_##S(sign, x));                                         \
        return _mm256_blendv_##S(t, x, _mm256_cmp_##S(x, x, _CMP_UNORD_Q));                    \
    }                                                                                          \
    SIMD static void loop(size_t n, const T *x, T *y)                                          \
    {                                                                                          \
        size_t i = 0;                                                                          \
        for (; i + W <= n; i += W)                                                             \
            _mm256_storeu_##S(y + i, vec(_mm256_loadu_##S(x + i)));                            \
        if (i < n) {                                                                           \
            T in[W] = {0}, out[W];                                                             \
            memcpy(in, x + i, (n - i) * sizeof *in);                                           \
            _mm256_storeu_##S(out, vec(_mm256_loadu_##S(in)));                                 \
            memcpy(y + i, out, (n - i) * sizeof *out);                                         \
        }                                                                                      \
    }

#define DEF_TANH_AVX512(vec, loop, core, V, S, T, W, M, SAT)                                  \
    INLINE_SIMD512 V vec(V x)                                                                  \
    {                                                                                          \
        const V one = _mm512_set1_##S(1.0);                                                    \
        V a = _mm512_min_##S(_mm512_set1_##S(SAT), _mm512_abs_##S(x));                         \
        V t = core(a);                                                                         \
        t = _mm512_mask_blend_##S(_mm512_cmp_##S##_mask(a, _mm512_set1_##S(SAT), _CMP_GE_OQ), \
                                  t, one);                                                     \
        t = _mm512_castsi512_##S(_mm512_or_si512(                                              \
            _mm512_cast##S##_si512(t),                                                         \
            _mm512_and_si512(_mm512_cast##S##_si512(x),                                        \
                             _mm512_cast##S##_si512(_mm512_set1_##S(-0.0)))));                 \
        return _mm512_mask_blend_##S(_mm512_cmp_##S##_mask(x, x, _CMP_UNORD_Q), t, x);         \
    }                                                                                          \
    SIMD512 static void loop(size_t n, const T *x, T *y)                                       \
    {                                                                                          \
        size_t i = 0;                                                                          \
        for (; i + W <= n; i += W)                                                             \
            _mm512_storeu_##S(y + i, vec(_mm512_loadu_##S(x + i)));                            \
        if (i < n) {                                                                           \
            M t = (M)((1u << (n - i)) - 1u);                                                   \
            _mm512_mask_storeu_##S(y + i, t, vec(_mm512_maskz_loadu_##S(t, x + i)));           \
        }                                                                                      \
    }

DEF_TANH_AVX2(tanh8, tanh_avx2, tanh_core8, __m256, ps, float, 8, TANH_SAT)
DEF_TANH_AVX512(tanh16, tanh_avx512, tanh_core16, __m512, ps, float, 16, __mmask16, TANH_SAT)
DEF_TANH_AVX2(tanhd4, tanhd_avx2, tanhd_core4, __m256d, pd, double, 4, TANHD_SAT)
DEF_TANH_AVX512(tanhd8, tanhd_avx512, tanhd_core8, __m512d, pd, double, 8, __mmask8, TANHD_SAT)
#endif

/* ------------------------------------------------------------ dispatch */

/* The public pair for one type T: name_portable (scalar, any machine) and
 * name (the widest SIMD path the CPU has, else the portable one). */
#ifdef KERNEL_HAVE_AVX2
#define TANH_SIMD_PATHS(avx2, avx512)                                                          \
    if (lrs_kernel_simd() == LRS_KERNEL_AVX512) {                                              \
        avx512(n, x, y);                                                                       \
        return;                                                                                \
    }                                                                                          \
    if (lrs_kernel_simd() == LRS_KERNEL_AVX2) {                                                \
        avx2(n, x, y);                                                                         \
        return;                                                                                \
    }
#else
#define TANH_SIMD_PATHS(avx2, avx512)
#endif
#define DEF_TANH_DISPATCH(name, T, scalar, avx2, avx512)                                       \
    void name##_portable(size_t n, const T *x, T *y)                                           \
    {                                                                                          \
        for (size_t i = 0; i < n; i++)                                                         \
            y[i] = scalar(x[i]);                                                               \
    }                                                                                          \
    void name(size_t n, const T *x, T *y)                                                      \
    {                                                                                          \
        TANH_SIMD_PATHS(avx2, avx512)                                                          \
        name##_portable(n, x, y);                                                              \
    }

DEF_TANH_DISPATCH(lrs_kernel_tanhf, float, tanh_portable, tanh_avx2, tanh_avx512)
DEF_TANH_DISPATCH(lrs_kernel_tanh, double, tanhd_portable, tanhd_avx2, tanhd_avx512)
