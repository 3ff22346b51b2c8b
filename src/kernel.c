/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Float32 products for the simulators (see src/kernel.h; tanh: src/kernel_tanh.c).
 *
 * Products.  Y_k = A X_k for up to four vectors at once.  The SIMD paths
 * walk R rows of A together and keep R x K accumulators, so each load of a
 * vector of A feeds K fused multiply-adds and each load of a vector of X_k
 * feeds R of them.  Three paths, chosen once at run time (the best the CPU
 * has; lrs_kernel_select forces a lower one):
 *   AVX-512F: sixteen-wide accumulators (32 zmm registers), (R, K) = (8, 1),
 *     (8, 2), (6, 3), (5, 4): 8-20 accumulators.  Lane l of row i's
 *     accumulator sums a_ij x_j over j = l (mod 16), the last partial vector
 *     read with a masked (zero-filling) load, so there is no scalar tail; row
 *     i's sum is t_l = s_l + s_(l+8), then ((t0+t4)+(t2+t6)) + ((t1+t5)+(t3+t7)).
 *   AVX2/FMA: eight-wide accumulators (16 ymm registers), (R, K) = (8, 1),
 *     (4, 2), (3, 3), (3, 4); lane l sums j = l (mod 8) for j < m - m mod 8,
 *     the lanes are combined as above, then the columns m - m mod 8 .. m-1
 *     are added in order.
 *   portable C: the AVX2 path's summation order without fused multiply-adds.
 * Within one path the order of every row's sum depends on m only, not on K
 * or on the vector's position in the batch: a batch gives each vector the
 * bits of a one-vector product.  The paths differ from each other in
 * rounding only.
 * Cost: 2 K n m flops and one pass over A per group of up to four vectors.
 * At n = m = 500 (A = 1 MB, just over a Zen 4 core's L2 once anything else
 * is cached) one vector is bound by the L3 -> core bandwidth; the
 * sixteen-wide blocks make two to four vectors cost little more than one
 * (measured on an EPYC Zen 4: K = 1, 2, 4 at ~10.5, 11.5, 14 us per call,
 * the AVX2 blocks ~10.5, 14.5, 23-28 us).
 */
#include "kernel.h"
#include "kernel_simd.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ portable path */

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
#ifdef KERNEL_HAVE_AVX2

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
    __m256 acc[8][4] = {{{0}}}; /* only R x K used: registers */
    size_t m8 = m & ~(size_t)7;
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

/* The row driver shared by the instruction sets: rows 0..n-1 in blocks of R
 * by BLOCK (the remainder one row at a time), one (R, K) pair per number of
 * vectors kb = 1..4 (R the block height that fits the registers).  Each
 * case passes its pair as constants, so BLOCK's accumulators stay in
 * registers; NAME is compiled with the instruction set in ATTR. */
#define KERNEL_ROWS(BLOCK, R, K)                                                   \
    do {                                                                           \
        size_t i_ = 0;                                                             \
        for (; i_ + (size_t)(R) <= n; i_ += (size_t)(R))                           \
            BLOCK(m, A, lda, X, ldx, Y, ldy, i_, (R), (K));                        \
        for (; i_ < n; i_++)                                                       \
            BLOCK(m, A, lda, X, ldx, Y, ldy, i_, 1, (K));                          \
    } while (0)
#define KERNEL_ROWS_K(NAME, ATTR, BLOCK, R1, R2, R3, R4)                           \
    ATTR static void NAME(size_t n, size_t m, const float *A, size_t lda,           \
                          const float *X, size_t ldx, float *Y, size_t ldy, size_t kb) \
    {                                                                              \
        switch (kb) {                                                              \
        case 1: KERNEL_ROWS(BLOCK, R1, 1); break;                                  \
        case 2: KERNEL_ROWS(BLOCK, R2, 2); break;                                  \
        case 3: KERNEL_ROWS(BLOCK, R3, 3); break;                                  \
        default: KERNEL_ROWS(BLOCK, R4, 4); break;                                 \
        }                                                                          \
    }

/* AVX2: 16 ymm registers hold R x K accumulators plus K x-vectors. */
KERNEL_ROWS_K(rows_k, SIMD, block_rk, 8, 4, 3, 3)

/* ---- AVX-512F: sixteen lanes */

/* The sums of the 16 lanes of eight vectors v[0..7] in the order of hsum8
 * after a first level t_l = l_l + l_(l+8): every vector's lanes combine at
 * distances 8, 4, 2, 1, ((t0+t4)+(t2+t6)) + ((t1+t5)+(t3+t7)), the same
 * tree for each.  Reducing eight rows together takes 17 shuffles and 8
 * vector adds in all, about a third of eight separate reductions.  The R
 * (<= 8) first sums go to y[0..R-1]. */
INLINE_SIMD512 void hsum16_rows8(const __m512 v[8], float *y, int R)
{
    __m512 w[4], x[2];
    /* distance 8: rows (2p, 2p+1) -> w[p] = [t_2p (8 lanes), t_2p+1 (8)] */
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++)
        w[p] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * p], v[2 * p + 1], 0x44),
                             _mm512_shuffle_f32x4(v[2 * p], v[2 * p + 1], 0xee));
    /* distance 4: x[h] = [u_4h, u_4h+1, u_4h+2, u_4h+3] (4 lanes each) */
#pragma GCC unroll 2
    for (int h = 0; h < 2; h++)
        x[h] = _mm512_add_ps(_mm512_shuffle_f32x4(w[2 * h], w[2 * h + 1], 0x88),
                             _mm512_shuffle_f32x4(w[2 * h], w[2 * h + 1], 0xdd));
    /* distance 2: 128-bit lane j = [rows j (2 lanes), row j + 4 (2 lanes)] */
    __m512 q = _mm512_add_ps(_mm512_shuffle_ps(x[0], x[1], 0x44),
                             _mm512_shuffle_ps(x[0], x[1], 0xee));
    /* distance 1: lane j = [row j, row j + 4, row j, row j + 4] */
    __m512 z = _mm512_add_ps(_mm512_shuffle_ps(q, q, 0x88), _mm512_shuffle_ps(q, q, 0xdd));
    z = _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0), z);
    _mm512_mask_storeu_ps(y, (__mmask16)((1u << R) - 1u), z);
}

/* Column chunk j (16 floats from offset off) of row r of A: from the
 * floats a (the last m mod 16 columns through a masked load) or, if h is
 * not NULL, from the binary16 numbers h (a packed block: zero padded, so a
 * full load), widened exactly. */
INLINE_SIMD512 __m512 load512(const float *a, const uint16_t *h, size_t off, __mmask16 mask)
{
    if (h)
        return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(h + off)));
    return _mm512_maskz_loadu_ps(mask, a + off);
}

/* One step of block512: the 16 columns j.. (mask: which of them exist) of
 * the R rows at offsets off + r rs of a (or h). */
INLINE_SIMD512 void step512(__m512 acc[8][4], const float *a, const uint16_t *h, size_t off,
                            size_t rs, const float *X, size_t ldx, size_t j, __mmask16 mask,
                            int R, int K)
{
    __m512 xv[4];
#pragma GCC unroll 4
    for (int k = 0; k < K; k++)
        xv[k] = _mm512_maskz_loadu_ps(mask, X + k * ldx + j);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
        __m512 av = load512(a, h, off + (size_t)r * rs, mask);
#pragma GCC unroll 4
        for (int k = 0; k < K; k++)
            acc[r][k] = _mm512_fmadd_ps(av, xv[k], acc[r][k]);
    }
}

/* R rows times K vectors, sixteen columns per step, the last m mod 16
 * columns through a masked load.  Row r's columns 16c .. 16c + 15 start at
 * offset c cs + r rs of a (floats) or of h (binary16, packed only): cs = 16,
 * rs = lda for a row-major A; cs = 128, rs = 16 for a packed block
 * (lrs_kernel_pack).  The first `nstore` row sums go to Y_k + 0 .. nstore - 1. */
INLINE_SIMD512 void block512(size_t m, const float *a, const uint16_t *h, size_t rs, size_t cs,
                             const float *X, size_t ldx, float *Y, size_t ldy, int R, int K,
                             int nstore)
{
    __m512 acc[8][4] = {{{0}}}; /* only R x K used: registers */
    size_t m16 = m & ~(size_t)15, j = 0, off = 0;
    for (; j < m16; j += 16, off += cs)
        step512(acc, a, h, off, rs, X, ldx, j, (__mmask16)0xffff, R, K);
    if (m16 < m)
        step512(acc, a, h, off, rs, X, ldx, m16, (__mmask16)((1u << (m - m16)) - 1u), R, K);
#pragma GCC unroll 4
    for (int k = 0; k < K; k++) {
        __m512 v[8];
#pragma GCC unroll 8
        for (int r = 0; r < 8; r++)
            v[r] = r < R ? acc[r][k] : _mm512_setzero_ps();
        hsum16_rows8(v, Y + k * ldy, nstore);
    }
}

/* Rows i .. i+R-1 of a row-major A (the row driver's block). */
INLINE_SIMD512 void block512_rows(size_t m, const float *A, size_t lda, const float *X,
                                  size_t ldx, float *Y, size_t ldy, size_t i, int R, int K)
{
    block512(m, A + i * lda, NULL, lda, 16, X, ldx, Y + i, ldy, R, K, R);
}

/* Packed A (lrs_kernel_pack, or lrs_kernel_pack_half if h): block b holds
 * rows 8b .. 8b+7, eight at once for up to three vectors (24 accumulators);
 * four vectors as two pairs, the second pair reading the block (8 x m
 * entries) from L1. */
SIMD512 static void rows_packed512(size_t n, size_t m, const float *P, const uint16_t *H,
                                   const float *X, size_t ldx, float *Y, size_t ldy, size_t kb)
{
    size_t nc = (m + 15) / 16;
    for (size_t i = 0; i < n; i += 8) {
        const float *a = P ? P + (i / 8) * nc * 128 : NULL;
        const uint16_t *h = H ? H + (i / 8) * nc * 128 : NULL;
        int ns = n - i < 8 ? (int)(n - i) : 8;
        switch (kb) {
        case 1: block512(m, a, h, 16, 128, X, ldx, Y + i, ldy, 8, 1, ns); break;
        case 2: block512(m, a, h, 16, 128, X, ldx, Y + i, ldy, 8, 2, ns); break;
        case 3: block512(m, a, h, 16, 128, X, ldx, Y + i, ldy, 8, 3, ns); break;
        default:
            block512(m, a, h, 16, 128, X, ldx, Y + i, ldy, 8, 2, ns);
            block512(m, a, h, 16, 128, X + 2 * ldx, ldx, Y + i + 2 * ldy, ldy, 8, 2, ns);
            break;
        }
    }
}

/* n floats (a multiple of 16) to binary16, rounded to nearest even: 1 if
 * every one converted exactly. */
SIMD512 static int to_half512(size_t n, const float *x, uint16_t *h)
{
    __mmask16 bad = 0;
    for (size_t i = 0; i < n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        __m256i q = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_storeu_si256((__m256i *)(h + i), q);
        bad |= _mm512_cmp_ps_mask(_mm512_cvtph_ps(q), v, _CMP_NEQ_UQ);
    }
    return bad == 0;
}

/* AVX-512: 32 zmm registers. */
KERNEL_ROWS_K(rows_k512, SIMD512, block512_rows, 8, 8, 6, 5)

/* The best path of this CPU (libgcc's check includes the OS's support of
 * the zmm state). */
static int cpu_level(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return LRS_KERNEL_PORTABLE;
    return __builtin_cpu_supports("avx512f") ? LRS_KERNEL_AVX512 : LRS_KERNEL_AVX2;
}
#endif

/* ------------------------------------------------------------ dispatch */

/* The CPU's best path (-1: not checked yet) and the path in use (-1: the
 * best).  A cache of a property of the CPU: every thread computes the same
 * value (a benign race); lrs_kernel_select is for tests and benchmarks. */
static int cpu_best = -1, forced = -1;

static int best_level(void)
{
    if (cpu_best < 0) {
#ifdef KERNEL_HAVE_AVX2
        cpu_best = cpu_level();
#else
        cpu_best = LRS_KERNEL_PORTABLE;
#endif
    }
    return cpu_best;
}

int lrs_kernel_simd(void)
{
    int best = best_level();
    return forced >= 0 && forced < best ? forced : best;
}

int lrs_kernel_select(int level)
{
    int best = best_level();
    forced = level < 0 ? -1 : (level < best ? level : best);
    return lrs_kernel_simd();
}

const char *lrs_kernel_name(int level)
{
    switch (level) {
    case LRS_KERNEL_AVX512: return "AVX-512F";
    case LRS_KERNEL_AVX2: return "AVX2/FMA";
    default: return "portable";
    }
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
    int level = lrs_kernel_simd();
    if (level != LRS_KERNEL_PORTABLE) {
        for (size_t k0 = 0; k0 < K; k0 += 4) {
            size_t kb = K - k0 < 4 ? K - k0 : 4;
            if (level == LRS_KERNEL_AVX512)
                rows_k512(n, m, A, lda, X + k0 * ldx, ldx, Y + k0 * ldy, ldy, kb);
            else
                rows_k(n, m, A, lda, X + k0 * ldx, ldx, Y + k0 * ldy, ldy, kb);
        }
        return;
    }
#endif
    lrs_kernel_sgemm_k_portable(n, m, K, A, lda, X, ldx, Y, ldy);
}

size_t lrs_kernel_packed_floats(size_t n, size_t m)
{
    return (n + 7) / 8 * ((m + 15) / 16) * 128;
}

void lrs_kernel_pack(size_t n, size_t m, const float *A, size_t lda, float *P)
{
    size_t nc = (m + 15) / 16;
    memset(P, 0, lrs_kernel_packed_floats(n, m) * sizeof *P);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            P[((i / 8) * nc + j / 16) * 128 + (i % 8) * 16 + j % 16] = A[i * lda + j];
}

/* Entry (i, j) of a packed A. */
static float packed_at(const float *P, size_t nc, size_t i, size_t j)
{
    return P[((i / 8) * nc + j / 16) * 128 + (i % 8) * 16 + j % 16];
}

void lrs_kernel_sgemm_k_packed(size_t n, size_t m, size_t K, const float *P, const float *X,
                               size_t ldx, float *Y, size_t ldy)
{
#ifdef KERNEL_HAVE_AVX2
    if (lrs_kernel_simd() == LRS_KERNEL_AVX512) {
        for (size_t k0 = 0; k0 < K; k0 += 4)
            rows_packed512(n, m, P, NULL, X + k0 * ldx, ldx, Y + k0 * ldy, ldy,
                           K - k0 < 4 ? K - k0 : 4);
        return;
    }
#endif
    /* another path chosen after packing: the portable order, entry by entry */
    size_t nc = (m + 15) / 16, m8 = m & ~(size_t)7;
    for (size_t k = 0; k < K; k++)
        for (size_t i = 0; i < n; i++) {
            const float *x = X + k * ldx;
            float s[8] = {0};
            for (size_t j = 0; j < m8; j += 8)
                for (size_t l = 0; l < 8; l++)
                    s[l] += packed_at(P, nc, i, j + l) * x[j + l];
            float r = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
            for (size_t j = m8; j < m; j++)
                r += packed_at(P, nc, i, j) * x[j];
            Y[k * ldy + i] = r;
        }
}

int lrs_kernel_pack_half(size_t n, size_t m, const float *A, size_t lda, uint16_t *P)
{
#ifdef KERNEL_HAVE_AVX2
    if (lrs_kernel_simd() != LRS_KERNEL_AVX512)
        return 0;
    size_t nf = lrs_kernel_packed_floats(n, m);
    float *F = aligned_alloc(64, nf * sizeof *F);
    if (!F)
        return 0;
    lrs_kernel_pack(n, m, A, lda, F);
    int exact = to_half512(nf, F, P);
    free(F);
    return exact;
#else
    (void)n, (void)m, (void)A, (void)lda, (void)P;
    return 0;
#endif
}

void lrs_kernel_sgemm_k_packed_half(size_t n, size_t m, size_t K, const uint16_t *P,
                                    const float *X, size_t ldx, float *Y, size_t ldy)
{
#ifdef KERNEL_HAVE_AVX2
    for (size_t k0 = 0; k0 < K; k0 += 4)
        rows_packed512(n, m, NULL, P, X + k0 * ldx, ldx, Y + k0 * ldy, ldy,
                       K - k0 < 4 ? K - k0 : 4);
#else
    (void)n, (void)m, (void)K, (void)P, (void)X, (void)ldx, (void)Y, (void)ldy;
#endif
}
