/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the float32 kernels (src/kernel.h): products against a double
 * dgemv of the same float data with the rounding bound m eps_float sum |a x|,
 * batched products bit-identical to single ones, the SIMD paths against the
 * portable one (two float products of the same sum differ by at most twice
 * the bound), the float tanh against libm's double tanh over the whole float
 * range, and the double tanh against libm's long double tanhl.
 * Every code path the CPU has is tested (AVX-512F, AVX2/FMA, portable C,
 * forced with lrs_kernel_select); a path the CPU lacks is reported as
 * skipped (it would run a lower path again). */
#include "harness.h"
#include "../src/kernel.h"

#include <stdint.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static float *random_floats(size_t n, gsl_rng *r)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)gsl_ran_gaussian(r, 1.0);
    return v;
}

/* Max over entries of |y - y_double| / (m eps_float sum_j |a_ij x_j|): at most 1
 * (Higham 2nd ed., eq. 3.5 with gamma_m ~ m u, u = eps/2, so this has a
 * factor 2 to spare). */
static double product_error(size_t n, size_t m, size_t K, const float *A, size_t lda,
                            const float *X, size_t ldx, const float *Y, size_t ldy)
{
    double worst = 0;
    double *Ad = malloc(n * m * sizeof *Ad), *x = malloc(m * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            Ad[i * m + j] = A[i * lda + j];
    for (size_t k = 0; k < K; k++) {
        for (size_t j = 0; j < m; j++)
            x[j] = X[k * ldx + j];
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)m, 1.0, Ad, (int)m, x, 1, 0.0, y, 1);
        for (size_t i = 0; i < n; i++) {
            double bound = 0;
            for (size_t j = 0; j < m; j++)
                bound += fabs(Ad[i * m + j] * x[j]);
            bound *= (double)m * FLT_EPSILON;
            double e = fabs(Y[k * ldy + i] - y[i]);
            double q = bound > 0 ? e / bound : (e > 0 ? INFINITY : 0);
            if (!(q <= worst))
                worst = q;
        }
    }
    free(Ad);
    free(x);
    free(y);
    return worst;
}

/* Products of path `level` (forced with lrs_kernel_select) on sizes that
 * leave every kind of remainder (rows mod R, columns mod 8 and mod 16) and
 * K = 1..6 (groups of four and a rest), with row strides larger than m. */
static void check_products(int level)
{
    static const size_t sizes[][2] = {{1, 1}, {3, 7}, {8, 8}, {13, 17}, {64, 64},
                                      {100, 37}, {37, 100}, {500, 500}};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    int path = lrs_kernel_select(level);
    for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t][0], m = sizes[t][1], lda = m + 3, ldx = m + 5, ldy = n + 2;
        for (size_t K = 1; K <= 6; K++) {
            float *A = random_floats(n * lda, r), *X = random_floats(K * ldx, r);
            float *Y = calloc(K * ldy, sizeof *Y), *y1 = calloc(n, sizeof *y1);
            float *Yp = calloc(K * ldy, sizeof *Yp);
            if (path != LRS_KERNEL_PORTABLE)
                lrs_kernel_sgemm_k(n, m, K, A, lda, X, ldx, Y, ldy);
            else
                lrs_kernel_sgemm_k_portable(n, m, K, A, lda, X, ldx, Y, ldy);
            double q = product_error(n, m, K, A, lda, X, ldx, Y, ldy);
            CHECK(q <= 1.0, "path %s, n %zu m %zu K %zu: error %.3g x (m eps_float sum|a x|) > 1",
                  lrs_kernel_name(path), n, m, K, q);
            /* against the portable path: both within the bound of the exact sum */
            lrs_kernel_sgemm_k_portable(n, m, K, A, lda, X, ldx, Yp, ldy);
            double qp = product_error(n, m, K, A, lda, X, ldx, Yp, ldy);
            CHECK(qp <= 1.0, "portable, n %zu m %zu K %zu: error %.3g x (m eps_float sum|a x|) > 1",
                  n, m, K, qp);
            /* each vector of the batch gives the bits of a single product */
            for (size_t k = 0; k < K; k++) {
                if (path != LRS_KERNEL_PORTABLE)
                    lrs_kernel_sgemv(n, m, A, lda, X + k * ldx, y1);
                else
                    lrs_kernel_sgemm_k_portable(n, m, 1, A, lda, X + k * ldx, 0, y1, 0);
                CHECK(memcmp(y1, Y + k * ldy, n * sizeof *y1) == 0,
                      "path %s, n %zu m %zu K %zu: vector %zu of the batch differs from sgemv",
                      lrs_kernel_name(path), n, m, K, k);
            }
            free(A);
            free(X);
            free(Y);
            free(Yp);
            free(y1);
        }
    }
    lrs_kernel_select(-1);
    gsl_rng_free(r);
}

/* Path `level` if the CPU has it; else a note (the test would repeat a
 * lower path). */
static int have_path(int level)
{
    int got = lrs_kernel_select(level);
    lrs_kernel_select(-1);
    if (got != level)
        printf("# path %s: not on this CPU, skipped\n", lrs_kernel_name(level));
    return got == level;
}

static void test_products_avx512(void)
{
    if (have_path(LRS_KERNEL_AVX512))
        check_products(LRS_KERNEL_AVX512);
}
static void test_products_avx2(void)
{
    if (have_path(LRS_KERNEL_AVX2))
        check_products(LRS_KERNEL_AVX2);
}
static void test_products_portable(void) { check_products(LRS_KERNEL_PORTABLE); }

/* The products of the SIMD paths against the portable one, entry by entry:
 * each is within the rounding bound of the exact sum, so two of them differ by
 * at most twice the bound (product_error of each is checked above; here the
 * distance itself, at the simulator's size N = 500 with a padded stride). */
static void test_paths_agree(void)
{
    const size_t n = 500, m = 500, ld = 512, K = 4;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    float *A = random_floats(n * ld, r), *X = random_floats(K * ld, r);
    float *Yp = calloc(K * ld, sizeof *Yp), *Ys = calloc(K * ld, sizeof *Ys);
    lrs_kernel_sgemm_k_portable(n, m, K, A, ld, X, ld, Yp, ld);
    for (int level = LRS_KERNEL_AVX2; level <= LRS_KERNEL_AVX512; level++) {
        if (!have_path(level))
            continue;
        lrs_kernel_select(level);
        lrs_kernel_sgemm_k(n, m, K, A, ld, X, ld, Ys, ld);
        lrs_kernel_select(-1);
        double worst = 0;
        for (size_t k = 0; k < K; k++)
            for (size_t i = 0; i < n; i++) {
                double bound = 0;
                for (size_t j = 0; j < m; j++)
                    bound += fabs((double)A[i * ld + j] * X[k * ld + j]);
                bound *= 2.0 * (double)m * FLT_EPSILON;
                worst = fmax(worst, fabs((double)Ys[k * ld + i] - Yp[k * ld + i]) / bound);
            }
        printf("# path %s vs portable: max |difference| %.3g x (2 m eps_float sum|a x|)\n",
               lrs_kernel_name(level), worst);
        CHECK(worst <= 1.0, "path %s vs portable: difference %.3g x (2 m eps sum|a x|) > 1",
              lrs_kernel_name(level), worst);
    }
    free(A);
    free(X);
    free(Yp);
    free(Ys);
    gsl_rng_free(r);
}

/* float ulp at |v| (v a double): the spacing of floats near v. */
static double float_ulp(double v)
{
    float f = (float)fabs(v);
    if (f < FLT_MIN)
        return (double)FLT_MIN * FLT_EPSILON; /* subnormal spacing */
    return (double)nextafterf(f, INFINITY) - (double)f;
}

#define TANH_MAX_ULP 4.0 /* measured: 3.16 ulp, near x = 0.0078 (both paths) */

/* Every 64th float from 0 to 100 (both signs: every exponent, 2^17
 * mantissas each), every 65536th beyond, FLT_MAX and the special values. */
static uint32_t next_sample(uint32_t bits)
{
    float v;
    memcpy(&v, &bits, sizeof v);
    return bits + (v < 100.0f && !harness_quick() ? 64u : 65536u);
}

static void check_tanh(int simd)
{
    QUICK_MODE("every 65536th float only");
    int path = simd && lrs_kernel_simd() != LRS_KERNEL_PORTABLE;
    void (*tanhf_k)(size_t, const float *, float *) =
        path ? lrs_kernel_tanhf : lrs_kernel_tanhf_portable;
    enum { CH = 4096 };
    float x[CH], y[CH], z[CH];
    double worst = 0, worst_x = 0;
    int sym_ok = 1, nonfinite_ok = 1, done = 0;
    uint32_t bits = 0;
    const uint32_t top = 0x7f7fffffu; /* FLT_MAX */
    while (!done) {
        size_t n = 0;
        for (; n < CH && !done; n++) {
            float v;
            memcpy(&v, &bits, sizeof v);
            x[n] = (n & 1) ? -v : v;
            if (bits == top)
                done = 1;
            else
                bits = next_sample(bits) > top ? top : next_sample(bits);
        }
        tanhf_k(n, x, y);
        for (size_t i = 0; i < n; i++) {
            double ref = tanh((double)x[i]);
            double e = fabs((double)y[i] - ref) / float_ulp(ref);
            if (e > worst) {
                worst = e;
                worst_x = x[i];
            }
        }
        /* odd symmetry, exactly */
        for (size_t i = 0; i < n; i++)
            x[i] = -x[i];
        tanhf_k(n, x, z);
        for (size_t i = 0; i < n; i++)
            if (z[i] != -y[i])
                sym_ok = 0;
    }
    float sx[5] = {INFINITY, -INFINITY, NAN, 0.0f, -0.0f}, sy[5];
    tanhf_k(5, sx, sy);
    nonfinite_ok = sy[0] == 1.0f && sy[1] == -1.0f && isnan(sy[2]) && sy[3] == 0.0f &&
                   !signbit(sy[3]) && sy[4] == 0.0f && signbit(sy[4]);
    printf("# tanh path %d: max error %.3f float ulp at x = %.9g\n", path, worst, worst_x);
    CHECK(worst <= TANH_MAX_ULP, "path %d: tanh error %.3f ulp at x = %.9g > %.1f ulp", path,
          worst, worst_x, TANH_MAX_ULP);
    CHECK(sym_ok, "path %d: tanh(-x) != -tanh(x) somewhere", path);
    CHECK(nonfinite_ok, "path %d: tanh(+-inf, nan, +-0) = %g %g %g %g %g", path, sy[0], sy[1],
          sy[2], sy[3], sy[4]);
}

/* The packed layout (lrs_kernel_pack) gives the bits of the row-major
 * product of the same path, for every path (packed on the best path, then
 * multiplied on each: a lower path takes the portable order), over shapes
 * that leave partial row blocks and column chunks and K = 1..5. */
static void test_packed_equals_rows(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    const size_t ns[] = {1, 7, 8, 9, 17, 200, 203}, ms[] = {1, 15, 16, 17, 33, 200, 203};
    size_t cases = 0, bad = 0;
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof ms / sizeof *ms; b++) {
            size_t n = ns[a], m = ms[b], ld = m + 5, K = 5;
            float *A = random_floats(n * ld, r), *X = random_floats(K * ld, r);
            float *P = aligned_alloc(64, (lrs_kernel_packed_floats(n, m) * sizeof(float) + 63) / 64 * 64);
            float *Yr = calloc(K * n, sizeof *Yr), *Yp = calloc(K * n, sizeof *Yp);
            lrs_kernel_pack(n, m, A, ld, P);
            for (int level = LRS_KERNEL_PORTABLE; level <= LRS_KERNEL_AVX512; level++) {
                if (level != LRS_KERNEL_PORTABLE && !have_path(level))
                    continue;
                lrs_kernel_select(level);
                for (size_t k = 1; k <= K; k++) {
                    if (level == LRS_KERNEL_AVX512)
                        lrs_kernel_sgemm_k(n, m, k, A, ld, X, ld, Yr, n);
                    else
                        lrs_kernel_sgemm_k_portable(n, m, k, A, ld, X, ld, Yr, n);
                    lrs_kernel_sgemm_k_packed(n, m, k, P, X, ld, Yp, n);
                    cases++;
                    bad += memcmp(Yr, Yp, k * n * sizeof *Yr) != 0;
                }
                lrs_kernel_select(-1);
            }
            free(A);
            free(X);
            free(P);
            free(Yr);
            free(Yp);
        }
    printf("# packed vs row-major: %zu products, %zu differ\n", cases, bad);
    CHECK(cases > 0 && bad == 0, "%zu of %zu packed products differ from the row-major ones", bad,
          cases);
    gsl_rng_free(r);
}

/* The binary16 packing (lrs_kernel_pack_half) is lossless or refused: for
 * an A whose entries are binary16 numbers (random 11-bit significands
 * times powers of two, zeros and subnormals among them) it gives the bits
 * of the float packed product, shapes and K as above; an entry with a
 * twelfth significant bit is refused.  Off the AVX-512 path it is always
 * refused. */
static void test_packed_half_equals_packed(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12);
    const size_t ns[] = {1, 7, 9, 17, 203}, ms[] = {1, 16, 17, 203};
    size_t cases = 0, bad = 0;
    int avx512 = lrs_kernel_simd() == LRS_KERNEL_AVX512;
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof ms / sizeof *ms; b++) {
            size_t n = ns[a], m = ms[b], ld = m + 5, K = 5, nf = lrs_kernel_packed_floats(n, m);
            float *A = calloc(n * ld, sizeof *A), *X = random_floats(K * ld, r);
            for (size_t i = 0; i < n * ld; i++) /* +-(1 + k/1024) 2^e, e in -14..4 */
                A[i] = ldexpf((1.0f + (float)gsl_rng_uniform_int(r, 1024) / 1024.0f) *
                                  (gsl_rng_uniform(r) < 0.5 ? -1.0f : 1.0f),
                              (int)gsl_rng_uniform_int(r, 19) - 14);
            A[0] = 0.0f;
            A[n * ld - 1] = -3 * 0x1p-24f; /* subnormal */
            float *P = aligned_alloc(64, nf * sizeof *P);
            uint16_t *H = aligned_alloc(64, (nf * sizeof *H + 63) / 64 * 64);
            float *Yp = calloc(K * n, sizeof *Yp), *Yh = calloc(K * n, sizeof *Yh);
            lrs_kernel_pack(n, m, A, ld, P);
            int ok = lrs_kernel_pack_half(n, m, A, ld, H);
            CHECK(ok == avx512, "%zux%zu: binary16 packing returned %d on the %s path", n, m, ok,
                  lrs_kernel_name(lrs_kernel_simd()));
            for (size_t k = 1; ok && k <= K; k++) {
                lrs_kernel_sgemm_k_packed(n, m, k, P, X, ld, Yp, n);
                lrs_kernel_sgemm_k_packed_half(n, m, k, H, X, ld, Yh, n);
                cases++;
                bad += memcmp(Yp, Yh, k * n * sizeof *Yp) != 0;
            }
            A[n * ld - ld] = 1.0f + 0x1p-11f; /* twelve significant bits */
            CHECK(!lrs_kernel_pack_half(n, m, A, ld, H), "%zux%zu: 1 + 2^-11 packed as binary16",
                  n, m);
            free(A);
            free(X);
            free(P);
            free(H);
            free(Yp);
            free(Yh);
        }
    printf("# binary16 packed vs float packed: %zu products, %zu differ\n", cases, bad);
    CHECK(bad == 0, "%zu of %zu binary16 products differ from the float ones", bad, cases);
    gsl_rng_free(r);
}

/* The AVX-512 tanh gives the AVX2 tanh's bits (the same operations per
 * lane): every 97th float of either sign, infinities and a NaN. */
static void test_tanh_avx512_equals_avx2(void)
{
    if (!have_path(LRS_KERNEL_AVX512)) {
        printf("# no AVX-512 on this CPU: nothing to compare\n");
        return;
    }
    enum { CH = 4099 };
    float x[CH], y5[CH], y2[CH];
    size_t n = 0, bad = 0, total = 0;
    for (uint64_t b = 0; b <= 0x7f800001u; b += 97) {
        uint32_t u = (uint32_t)b | (n & 1 ? 0x80000000u : 0u);
        memcpy(&x[n++], &u, sizeof u);
        if (n == CH || b + 97 > 0x7f800001u) {
            lrs_kernel_select(LRS_KERNEL_AVX512);
            lrs_kernel_tanhf(n, x, y5);
            lrs_kernel_select(LRS_KERNEL_AVX2);
            lrs_kernel_tanhf(n, x, y2);
            lrs_kernel_select(-1);
            for (size_t i = 0; i < n; i++)
                bad += memcmp(&y5[i], &y2[i], sizeof *y5) != 0;
            total += n;
            n = 0;
        }
    }
    printf("# tanh AVX-512 vs AVX2: %zu floats, %zu differ\n", total, bad);
    CHECK(bad == 0, "%zu of %zu AVX-512 tanh values differ from AVX2's", bad, total);
}

/* One ulp of a double of magnitude |v| (the spacing above it). */
static double double_ulp(double v)
{
    v = fabs(v);
    return v < DBL_MIN ? 0x1p-1074 : nextafter(v, INFINITY) - v;
}

/* Doubles from 0 to 25 (tanh saturates at 20) by an odd stride in their bit
 * patterns: about 2^21 values, every exponent, varied mantissas. */
static uint64_t next_double_sample(uint64_t bits)
{
    return bits + (harness_quick() ? (1ull << 45) + 4097 : (1ull << 41) + 12345);
}

/* Max error of the double tanh in double ulps of the long double reference
 * (glibc's tanhl: 64-bit significand, so its own error is ~2^-11 double
 * ulp).  The construction's budget: e^r - 1 within ~1 ulp (Horner with
 * fused steps, truncation 0.1 ulp), 2^k q + (2^k - 1) and m + 2 each one
 * rounding, the division one more: below 3 ulp. */
#define TANHD_MAX_ULP 3.0
static void check_tanhd(int simd)
{
    QUICK_MODE("every 2^45th double only");
    int path = simd && lrs_kernel_simd() != LRS_KERNEL_PORTABLE;
    void (*tanh_k)(size_t, const double *, double *) =
        path ? lrs_kernel_tanh : lrs_kernel_tanh_portable;
    enum { CH = 4096 };
    double x[CH], y[CH], z[CH], worst = 0, worst_x = 0;
    int sym_ok = 1;
    uint64_t bits = 0, top = 0x4039000000000000ull; /* 25.0 */
    while (bits <= top) {
        size_t n = 0;
        for (; n < CH && bits <= top; n++, bits = next_double_sample(bits)) {
            double v;
            memcpy(&v, &bits, sizeof v);
            x[n] = (n & 1) ? -v : v;
        }
        tanh_k(n, x, y);
        for (size_t i = 0; i < n; i++) {
            long double ref = tanhl((long double)x[i]);
            double e = (double)(fabsl((long double)y[i] - ref) / double_ulp((double)ref));
            if (e > worst) {
                worst = e;
                worst_x = x[i];
            }
            z[i] = -x[i];
        }
        tanh_k(n, z, z);
        for (size_t i = 0; i < n; i++)
            sym_ok = sym_ok && z[i] == -y[i];
    }
    double sx[7] = {INFINITY, -INFINITY, NAN, 0.0, -0.0, DBL_MAX, 0x1p-1074}, sy[7];
    tanh_k(7, sx, sy);
    printf("# double tanh path %d: max error %.3f ulp at x = %.17g\n", path, worst, worst_x);
    CHECK(worst <= TANHD_MAX_ULP, "path %d: tanh error %.3f ulp at x = %.17g > %.1f ulp", path,
          worst, worst_x, TANHD_MAX_ULP);
    CHECK(sym_ok, "path %d: tanh(-x) != -tanh(x) somewhere", path);
    CHECK(sy[0] == 1.0 && sy[1] == -1.0 && isnan(sy[2]) && sy[3] == 0.0 && !signbit(sy[3]) &&
              sy[4] == 0.0 && signbit(sy[4]) && sy[5] == 1.0 && sy[6] == 0x1p-1074,
          "path %d: tanh(+-inf, nan, +-0, DBL_MAX, 2^-1074) = %g %g %g %g %g %g %g", path,
          sy[0], sy[1], sy[2], sy[3], sy[4], sy[5], sy[6]);
}

static void test_tanhd_simd(void) { check_tanhd(1); }
static void test_tanhd_portable(void) { check_tanhd(0); }

/* The AVX-512 double tanh gives the AVX2 one's bits, in place, on lengths
 * with tails of every size (1..7 past a multiple of 8). */
static void test_tanhd_avx512_equals_avx2_tail(void)
{
    if (!have_path(LRS_KERNEL_AVX512)) {
        printf("# no AVX-512 on this CPU: nothing to compare\n");
        return;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t bad = 0, total = 0;
    for (size_t n = 1; n <= 67; n++) {
        double x[67], y5[67], y2[67];
        for (size_t i = 0; i < n; i++)
            x[i] = gsl_ran_gaussian(r, 3.0);
        memcpy(y5, x, n * sizeof *x);
        lrs_kernel_select(LRS_KERNEL_AVX512);
        lrs_kernel_tanh(n, y5, y5);
        lrs_kernel_select(LRS_KERNEL_AVX2);
        lrs_kernel_tanh(n, x, y2);
        lrs_kernel_select(-1);
        for (size_t i = 0; i < n; i++)
            bad += memcmp(&y5[i], &y2[i], sizeof *y5) != 0 ||
                   fabs(y5[i] - tanh(x[i])) > TANHD_MAX_ULP * double_ulp(tanh(x[i]));
        total += n;
    }
    gsl_rng_free(r);
    printf("# double tanh AVX-512 (in place) vs AVX2: %zu values, %zu differ\n", total, bad);
    CHECK(bad == 0, "%zu of %zu AVX-512 double tanh values differ from AVX2's or libm's", bad,
          total);
}

static void test_tanh_simd(void) { check_tanh(1); }
static void test_tanh_portable(void) { check_tanh(0); }

/* In place (y == x) and lengths that are not multiples of 8. */
static void test_tanh_in_place_tail(void)
{
    float x[13], y[13];
    for (int i = 0; i < 13; i++)
        x[i] = y[i] = 0.37f * (float)(i - 6);
    lrs_kernel_tanhf(13, x, x);
    for (int i = 0; i < 13; i++)
        CHECK(fabs(x[i] - tanh((double)y[i])) <= TANH_MAX_ULP * float_ulp(tanh((double)y[i])),
              "in place: tanh(%g) = %.9g vs %.9g (tol %.1f ulp)", y[i], x[i], tanh((double)y[i]),
              TANH_MAX_ULP);
}

int main(void)
{
    printf("# kernel path: %s\n", lrs_kernel_name(lrs_kernel_simd()));
    RUN(test_products_avx512);
    RUN(test_products_avx2);
    RUN(test_products_portable);
    RUN(test_paths_agree);
    RUN(test_packed_equals_rows);
    RUN(test_packed_half_equals_packed);
    RUN(test_tanh_simd);
    RUN(test_tanh_portable);
    RUN(test_tanh_in_place_tail);
    RUN(test_tanh_avx512_equals_avx2);
    RUN(test_tanhd_simd);
    RUN(test_tanhd_portable);
    RUN(test_tanhd_avx512_equals_avx2_tail);
    return harness_summary();
}
