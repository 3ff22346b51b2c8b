/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the float32 kernels (src/kernel.h): products against a double
 * dgemv of the same float data with the rounding bound m eps_float sum |a x|,
 * batched products bit-identical to single ones, and tanh against libm's
 * double tanh over the whole float range.  Both code paths (AVX2/FMA when the
 * CPU has it, portable C) are tested; on a CPU without AVX2 the "simd" tests
 * run the portable path again. */
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

static void check_products(int simd)
{
    static const size_t sizes[][2] = {{1, 1}, {3, 7}, {8, 8}, {13, 17}, {64, 64},
                                      {100, 37}, {500, 500}};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    int path = simd && lrs_kernel_simd();
    for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t][0], m = sizes[t][1], lda = m + 3, ldx = m + 5, ldy = n + 2;
        for (size_t K = 1; K <= 6; K++) {
            float *A = random_floats(n * lda, r), *X = random_floats(K * ldx, r);
            float *Y = calloc(K * ldy, sizeof *Y), *y1 = calloc(n, sizeof *y1);
            if (path)
                lrs_kernel_sgemm_k(n, m, K, A, lda, X, ldx, Y, ldy);
            else
                lrs_kernel_sgemm_k_portable(n, m, K, A, lda, X, ldx, Y, ldy);
            double q = product_error(n, m, K, A, lda, X, ldx, Y, ldy);
            CHECK(q <= 1.0, "path %d, n %zu m %zu K %zu: error %.3g x (m eps_float sum|a x|) > 1",
                  path, n, m, K, q);
            /* each vector of the batch gives the bits of a single product */
            for (size_t k = 0; k < K; k++) {
                if (path)
                    lrs_kernel_sgemv(n, m, A, lda, X + k * ldx, y1);
                else
                    lrs_kernel_sgemm_k_portable(n, m, 1, A, lda, X + k * ldx, 0, y1, 0);
                CHECK(memcmp(y1, Y + k * ldy, n * sizeof *y1) == 0,
                      "path %d, n %zu m %zu K %zu: vector %zu of the batch differs from sgemv",
                      path, n, m, K, k);
            }
            free(A);
            free(X);
            free(Y);
            free(y1);
        }
    }
    gsl_rng_free(r);
}

static void test_products_simd(void) { check_products(1); }
static void test_products_portable(void) { check_products(0); }

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
    int path = simd && lrs_kernel_simd();
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
    printf("# kernel path: %s\n", lrs_kernel_simd() ? "AVX2/FMA" : "portable");
    RUN(test_products_simd);
    RUN(test_products_portable);
    RUN(test_tanh_simd);
    RUN(test_tanh_portable);
    RUN(test_tanh_in_place_tail);
    return harness_summary();
}
