/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/exact.h (covariance, Faddeeva function, propagator):
 *  - w(z) against GSL's erfc / Dawson on the axes, the asymptotic series,
 *    adaptive quadrature of its integral definition, its symmetries and ODE;
 *  - the exact covariance against brute-force frequency quadrature
 *    Cov = (1/pi) int_0^inf Re[G(w) S_x(w) G(w)^H] dw on small normal,
 *    non-normal, per-unit-tau and defective networks (1e-8 relative), the
 *    Euler recursion against a brute-force lag sum, the two routes against
 *    each other, the tau_x -> inf limit (theory 1), refusals;
 *  - the propagator against GSL's matrix exponential of the augmented matrix,
 *    closed forms for a symmetric A and exact ramp responses. */
#include "harness.h"
#include "la_check.h"
#include "lrs/connectivity.h"
#include "lrs/exact.h"
#include "lrs/theory.h"

#include <complex.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_dawson.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sort_vector.h>

static const double eps = DBL_EPSILON;

/* ||A - B||_F / ||B||_F */
static double rel_fro(const gsl_matrix *A, const gsl_matrix *B)
{
    double d = 0, n = 0;
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++) {
            double a = gsl_matrix_get(A, i, j), b = gsl_matrix_get(B, i, j);
            d += (a - b) * (a - b);
            n += b * b;
        }
    return sqrt(d / n);
}

/* ------------------------------------------------------------------ Faddeeva */

typedef struct { double x, y; int imag; } wq_ctx;

/* Integrand of w(z) = (i/pi) int e^{-t^2}/(z - t) dt:
 * (i/pi) e^{-t^2} (conj(z) - t)/|z - t|^2, real or imaginary part. */
static double wq_f(double t, void *p)
{
    wq_ctx *c = p;
    double dx = c->x - t, den = dx * dx + c->y * c->y, e = exp(-t * t) / M_PI / den;
    /* i (dx - i y) = y + i dx */
    return c->imag ? e * dx : e * c->y;
}

static double complex w_by_quadrature(double complex z)
{
    /* e^{-t^2} < 1e-35 beyond |t| = 9; break at t = Re z where the
     * integrand peaks for small Im z. */
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(4000);
    wq_ctx c = {creal(z), cimag(z), 0};
    gsl_function F = {wq_f, &c};
    double pts[3] = {-9.0, creal(z), 9.0}, re, im, e1, e2;
    size_t np = fabs(creal(z)) < 9.0 ? 3 : 2;
    if (np == 2)
        pts[1] = 9.0;
    int s1 = gsl_integration_qagp(&F, pts, np, 0, 1e-13, 4000, ws, &re, &e1);
    c.imag = 1;
    int s2 = gsl_integration_qagp(&F, pts, np, 0, 1e-13, 4000, ws, &im, &e2);
    gsl_integration_workspace_free(ws);
    if (s1 || s2)
        return NAN;
    return re + I * im;
}

static void test_faddeeva_axes(void)
{
    /* imaginary axis: w(iy) = erfcx(y) = exp(y^2) erfc(y); GSL's erfc is
     * accurate to ~1e-15 there and exp(y^2) amplifies by < 1 + 25 eps. */
    const double ys[] = {0.0, 1e-3, 0.1, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0};
    for (size_t k = 0; k < sizeof ys / sizeof *ys; k++) {
        double y = ys[k];
        double complex w = lrs_exact_faddeeva_w(I * y);
        double ref = exp(y * y) * gsl_sf_erfc(y);
        CHECK_REL(creal(w), ref, 1e-14);
        CHECK_ABS(cimag(w), 0.0, 1e-15);
        double complex ex = lrs_exact_erfcx(y);
        CHECK_REL(creal(ex), ref, 1e-14);
    }
    /* large y: asymptotic series erfcx(y) ~ (1/(sqrt(pi) y)) sum (-1)^k (2k-1)!! / (2y^2)^k */
    const double yl[] = {30.0, 100.0, 1e3, 1e6};
    for (size_t k = 0; k < sizeof yl / sizeof *yl; k++) {
        double y = yl[k], s = 0, t = 1;
        for (int j = 0; j < 8; j++) {
            s += t;
            t *= -(2.0 * j + 1.0) / (2.0 * y * y);
        }
        double ref = s / (sqrt(M_PI) * y);
        CHECK_REL(creal(lrs_exact_faddeeva_w(I * y)), ref, 1e-14);
    }
    /* real axis: w(x) = exp(-x^2) + (2i/sqrt(pi)) D(x), D = Dawson's integral */
    const double xs[] = {0.05, 0.2, 0.4, 1.0, 1.3, 2.0, 3.7, 5.5, 8.0, 20.0, 300.0};
    for (size_t k = 0; k < sizeof xs / sizeof *xs; k++) {
        double x = xs[k];
        double complex w = lrs_exact_faddeeva_w(x);
        double complex ref = exp(-x * x) + I * 2.0 / sqrt(M_PI) * gsl_sf_dawson(x);
        CHECK(cabs(w - ref) <= 1e-14 * cabs(ref), "w(%g) = %.17g%+.17gi vs %.17g%+.17gi: rel %.3g > 1e-14",
              x, creal(w), cimag(w), creal(ref), cimag(ref), cabs(w - ref) / cabs(ref));
    }
}

static void test_faddeeva_complex(void)
{
    /* Against adaptive quadrature of the integral definition (tolerance
     * 1e-12: the quadrature's own accuracy), including points near the real
     * axis, near a trapezoid node (x = 0.4 k) and beyond Im z = pi/0.4. */
    const double complex zs[] = {1.0 + 1.0 * I,   0.3 + 0.05 * I, 2.4 + 0.2 * I,
                                 -3.0 + 0.7 * I,  5.0 + 2.0 * I,  0.8 + 7.8 * I,
                                 0.1 + 7.9 * I,   -12.0 + 3.0 * I, 40.0 + 0.5 * I,
                                 0.4001 + 0.01 * I};
    for (size_t k = 0; k < sizeof zs / sizeof *zs; k++) {
        double complex z = zs[k], w = lrs_exact_faddeeva_w(z), ref = w_by_quadrature(z);
        CHECK(cabs(w - ref) <= 1e-12 * cabs(ref), "w(%g%+gi): rel dev %.3g from quadrature > 1e-12",
              creal(z), cimag(z), cabs(w - ref) / cabs(ref));
        /* symmetry w(-conj z) = conj w(z) */
        double complex ws = lrs_exact_faddeeva_w(-conj(z));
        CHECK(cabs(ws - conj(w)) <= 4 * eps * cabs(w), "w(-conj z) != conj w(z) at %g%+gi",
              creal(z), cimag(z));
        /* lower half plane: w(-z) = 2 exp(-z^2) - w(z) */
        double complex wm = lrs_exact_faddeeva_w(-z), r2 = 2.0 * cexp(-z * z) - w;
        CHECK(cabs(wm - r2) <= 1e-13 * fmax(cabs(r2), 1.0), "w(-z) relation at %g%+gi", creal(z),
              cimag(z));
    }
    /* ODE w'(z) = -2 z w(z) + 2i/sqrt(pi), 4th-order central differences
     * (h = 1e-3: truncation ~1e-12, rounding ~1e-13). */
    const double complex zd[] = {0.5 + 0.5 * I, 2.0 + 1.0 * I, -1.0 + 3.0 * I, 6.0 + 0.3 * I};
    for (size_t k = 0; k < sizeof zd / sizeof *zd; k++) {
        double complex z = zd[k];
        double h = 1e-3;
        double complex d = (-lrs_exact_faddeeva_w(z + 2 * h) + 8.0 * lrs_exact_faddeeva_w(z + h) -
                            8.0 * lrs_exact_faddeeva_w(z - h) + lrs_exact_faddeeva_w(z - 2 * h)) /
                           (12.0 * h);
        double complex ode = -2.0 * z * lrs_exact_faddeeva_w(z) + 2.0 * I / sqrt(M_PI);
        CHECK(cabs(d - ode) <= 1e-9 * cabs(ode), "ODE residual %.3g at %g%+gi", cabs(d - ode),
              creal(z), cimag(z));
    }
}

/* ------------------------------------------------------------------ brute force */

typedef struct {
    const gsl_matrix *W;
    const double *tau;
    double tau_x, sigma_x;
    size_t i, j;
    gsl_matrix_complex *G;
    gsl_matrix_complex *LU;
    gsl_permutation *perm;
    gsl_vector_complex *col[2];
} bf_ctx;

/* (1/pi) Re[G(w) S(w) G(w)^H]_ij,  G = (i w T + I - W)^{-1} */
static double bf_f(double w, void *p)
{
    bf_ctx *c = p;
    size_t N = c->W->size1;
    for (size_t a = 0; a < N; a++)
        for (size_t b = 0; b < N; b++) {
            double re = (a == b ? 1.0 : 0.0) - gsl_matrix_get(c->W, a, b);
            double im = a == b ? w * c->tau[a] : 0.0;
            gsl_matrix_complex_set(c->LU, a, b, gsl_complex_rect(re, im));
        }
    int s;
    gsl_linalg_complex_LU_decomp(c->LU, c->perm, &s);
    /* rows i and j of G: solve with G^T?  Use G^H e: we need sum_k G_ik conj(G_jk). */
    gsl_linalg_complex_LU_invert(c->LU, c->perm, c->G);
    double complex sum = 0;
    for (size_t k = 0; k < N; k++) {
        gsl_complex gi = gsl_matrix_complex_get(c->G, c->i, k);
        gsl_complex gj = gsl_matrix_complex_get(c->G, c->j, k);
        sum += (GSL_REAL(gi) + I * GSL_IMAG(gi)) * (GSL_REAL(gj) - I * GSL_IMAG(gj));
    }
    double S = c->sigma_x * c->sigma_x * c->tau_x * sqrt(2 * M_PI) *
               exp(-0.5 * w * w * c->tau_x * c->tau_x);
    return creal(sum) * S / M_PI;
}

/* Cov by adaptive quadrature over [0, 9.5/tau_x] split at the resonances
 * |Im eig| (S_x < 3e-20 S_x(0) beyond). */
static void brute_force_cov(const gsl_matrix *W, const double *tau, double tau_x, double sigma_x,
                            gsl_matrix *Cov)
{
    size_t N = W->size1;
    bf_ctx c = {W, tau, tau_x, sigma_x, 0, 0, gsl_matrix_complex_alloc(N, N),
                gsl_matrix_complex_alloc(N, N), gsl_permutation_alloc(N), {NULL, NULL}};
    /* resonances: eigenvalues of T^{-1}(W - I) */
    gsl_matrix *A = gsl_matrix_alloc(N, N);
    for (size_t a = 0; a < N; a++)
        for (size_t b = 0; b < N; b++)
            gsl_matrix_set(A, a, b, (gsl_matrix_get(W, a, b) - (a == b)) / tau[a]);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(N);
    gsl_eigen_nonsymm_workspace *ew = gsl_eigen_nonsymm_alloc(N);
    gsl_eigen_nonsymm(A, ev, ew);
    double wmax = 9.5 / tau_x, pts[64];
    size_t np = 0;
    pts[np++] = 0.0;
    for (size_t k = 0; k < N; k++) {
        double im = fabs(GSL_IMAG(gsl_vector_complex_get(ev, k)));
        if (im > 1e-9 && im < wmax)
            pts[np++] = im;
    }
    pts[np++] = wmax;
    /* sort breakpoints */
    for (size_t a = 1; a < np; a++)
        for (size_t b = a; b > 0 && pts[b - 1] > pts[b]; b--) {
            double t = pts[b];
            pts[b] = pts[b - 1];
            pts[b - 1] = t;
        }
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(4000);
    gsl_function F = {bf_f, &c};
    /* diagonal first (relative tolerance), then the off-diagonal entries with
     * an absolute tolerance scaled by sqrt(C_ii C_jj) */
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < N; i++)
            for (size_t j = i; j < N; j++) {
                if ((pass == 0) != (i == j))
                    continue;
                c.i = i;
                c.j = j;
                double r, e, abs_tol = 0.0;
                if (i != j)
                    abs_tol = 1e-12 * sqrt(gsl_matrix_get(Cov, i, i) * gsl_matrix_get(Cov, j, j));
                /* plain adaptive Gauss-Kronrod (61 points) on each piece */
                r = 0.0;
                for (size_t q = 0; q + 1 < np; q++) {
                    double rq;
                    int st = gsl_integration_qag(&F, pts[q], pts[q + 1], abs_tol / (double)np,
                                                 1e-11, 4000, GSL_INTEG_GAUSS61, ws, &rq, &e);
                    if (st)
                        rq = NAN; /* quadrature failed: make the comparison fail */
                    r += rq;
                }
                gsl_matrix_set(Cov, i, j, r);
                gsl_matrix_set(Cov, j, i, r);
            }
    gsl_integration_workspace_free(ws);
    gsl_eigen_nonsymm_free(ew);
    gsl_vector_complex_free(ev);
    gsl_matrix_free(A);
    gsl_matrix_complex_free(c.G);
    gsl_matrix_complex_free(c.LU);
    gsl_permutation_free(c.perm);
}

/* Small test networks. kind 0: symmetric (normal); 1: rank one v orthogonal
 * to u (non-normal) plus a random part; 2: random with complex eigenvalues;
 * 3: defective (a Jordan block); 4: nearly defective. */
static gsl_matrix *small_net(int kind, size_t N, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    lrs_err_t e;
    if (kind == 0) {
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j <= i; j++) {
                double g = 0.4 * gsl_ran_gaussian(r, 1.0) / sqrt((double)N);
                gsl_matrix_set(W, i, j, g);
                gsl_matrix_set(W, j, i, g);
            }
        gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
        lrs_conn_rank1_vectors(r, LRS_RANK1_NORMAL, u, v, &e);
        lrs_conn_add_rank1(W, -6.0, u, v, &e);
        gsl_vector_free(u);
        gsl_vector_free(v);
    } else if (kind == 1) {
        gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
        lrs_conn_rank1_vectors(r, LRS_RANK1_ORTHOGONAL, u, v, &e);
        lrs_conn_add_rank1(W, -5.0, u, v, &e);
        lrs_conn_add_gaussian(W, 0.3, r, &e);
        gsl_vector_free(u);
        gsl_vector_free(v);
    } else if (kind == 2) {
        lrs_conn_add_gaussian(W, 1.5, r, &e);
        for (size_t i = 0; i < N; i++) /* keep it stable */
            gsl_matrix_set(W, i, i, gsl_matrix_get(W, i, i) - 1.0);
    } else if (kind == 4) {
        /* nearly defective: W - I upper bidiagonal, diagonal -1 - 0.01 i,
         * superdiagonal 2: cond(V) ~ 1e7, where the eigen route loses ~1e-4 */
        for (size_t i = 0; i < N; i++) {
            gsl_matrix_set(W, i, i, -0.01 * (double)i);
            if (i + 1 < N)
                gsl_matrix_set(W, i, i + 1, 2.0);
        }
    } else {
        /* W - I = [[-1, 4, 0..], [0, -1, 4..], ...]: one Jordan block */
        for (size_t i = 0; i + 1 < N; i++)
            gsl_matrix_set(W, i, i + 1, 4.0);
    }
    gsl_rng_free(r);
    return W;
}

static void check_against_quadrature(int kind, size_t N, int per_unit_tau, double tau_x,
                                     lrs_exact_route_t route, lrs_exact_route_t expect)
{
    gsl_matrix *W = small_net(kind, N, 11 + (unsigned long)kind);
    double tau[8];
    for (size_t i = 0; i < N; i++)
        tau[i] = per_unit_tau ? (i < N / 2 ? 2.0 : 0.7) : 1.0;
    gsl_vector_view tv = gsl_vector_view_array(tau, N);
    gsl_matrix *C = gsl_matrix_alloc(N, N), *Q = gsl_matrix_alloc(N, N);
    gsl_vector *pv = gsl_vector_alloc(N), *pq = gsl_vector_alloc(N);
    lrs_err_t err;
    lrs_exact_info_t info;
    double sx = 1.3;
    CHECK_OK(lrs_exact_cov(W, 1.0, per_unit_tau ? &tv.vector : NULL, tau_x, sx, route, C, pv,
                           &info, &err),
             &err);
    CHECK(info.route == expect, "kind %d: route %s used, expected %s (cond(V) = %.3g)", kind,
          lrs_exact_route_name(info.route), lrs_exact_route_name(expect), info.cond_V);
    brute_force_cov(W, tau, tau_x, sx, Q);
    double d = rel_fro(C, Q);
    if (getenv("LRS_TEST_VERBOSE")) fprintf(stderr, "kind %d route %s cond %.3g dev %.3g\n", kind, lrs_exact_route_name(info.route), info.cond_V, d);
    CHECK(d <= 1e-8, "kind %d N %zu tau_x %g route %s: ||C - C_quad||/||C_quad|| = %.3g > 1e-8",
          kind, N, tau_x, lrs_exact_route_name(info.route), d);
    /* every PC variance */
    gsl_matrix *Qc = gsl_matrix_alloc(N, N);
    gsl_matrix_memcpy(Qc, Q);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(N);
    gsl_eigen_symm(Qc, pq, ws);
    gsl_sort_vector(pq);
    for (size_t k = 0; k < N; k++)
        CHECK_REL(gsl_vector_get(pv, k), gsl_vector_get(pq, N - 1 - k), 1e-8);
    gsl_eigen_symm_free(ws);
    gsl_matrix_free(Qc);
    gsl_matrix_free(W);
    gsl_matrix_free(C);
    gsl_matrix_free(Q);
    gsl_vector_free(pv);
    gsl_vector_free(pq);
}

/* The quadrature cases: network kind (small_net: 0 normal, 1 non-normal,
 * 2 complex eigenvalues, 3 defective, 4 nearly defective), N, per-unit tau,
 * tau_x, the route asked for and the one that must be taken.  A defective A
 * (one Jordan block) and a nearly defective one (cond(V) ~ 1e7): AUTO must
 * avoid the eigen route. */
typedef struct {
    int group, kind;
    size_t N;
    int per_unit_tau;
    double tau_x;
    lrs_exact_route_t route, expect;
} quad_case_t;

enum { QUAD_NORMAL, QUAD_NONNORMAL, QUAD_COMPLEX, QUAD_DEFECTIVE };

static const quad_case_t QUAD_CASES[] = {
    {QUAD_NORMAL, 0, 5, 0, 10.0, LRS_EXACT_AUTO, LRS_EXACT_EIGEN},
    {QUAD_NORMAL, 0, 5, 0, 0.5, LRS_EXACT_SCHUR, LRS_EXACT_SCHUR},
    {QUAD_NONNORMAL, 1, 6, 0, 10.0, LRS_EXACT_AUTO, LRS_EXACT_EIGEN},
    {QUAD_NONNORMAL, 1, 6, 0, 2.0, LRS_EXACT_SCHUR, LRS_EXACT_SCHUR},
    {QUAD_COMPLEX, 2, 6, 1, 3.0, LRS_EXACT_AUTO, LRS_EXACT_EIGEN},
    {QUAD_COMPLEX, 2, 6, 1, 0.3, LRS_EXACT_SCHUR, LRS_EXACT_SCHUR},
    {QUAD_COMPLEX, 1, 6, 1, 5.0, LRS_EXACT_EIGEN, LRS_EXACT_EIGEN},
    {QUAD_DEFECTIVE, 3, 4, 0, 4.0, LRS_EXACT_AUTO, LRS_EXACT_SCHUR},
    {QUAD_DEFECTIVE, 4, 4, 0, 3.0, LRS_EXACT_AUTO, LRS_EXACT_SCHUR},
};

static void quad_group(int group)
{
    for (size_t k = 0; k < sizeof QUAD_CASES / sizeof QUAD_CASES[0]; k++) {
        const quad_case_t *q = &QUAD_CASES[k];
        if (q->group == group)
            check_against_quadrature(q->kind, q->N, q->per_unit_tau, q->tau_x, q->route,
                                     q->expect);
    }
}

static void test_cov_normal(void) { quad_group(QUAD_NORMAL); }
static void test_cov_nonnormal(void) { quad_group(QUAD_NONNORMAL); }
static void test_cov_complex_eigs_per_unit_tau(void) { quad_group(QUAD_COMPLEX); }
static void test_cov_defective(void) { quad_group(QUAD_DEFECTIVE); }

/* The two routes on a larger non-normal network, continuous and Euler. */
static void test_routes_agree(void)
{
    size_t N = 60;
    gsl_matrix *W = small_net(1, N, 5);
    gsl_matrix *C1 = gsl_matrix_alloc(N, N), *C2 = gsl_matrix_alloc(N, N);
    lrs_err_t err;
    lrs_exact_info_t i1, i2;
    CHECK_OK(lrs_exact_cov(W, 1.0, NULL, 10.0, 1.0, LRS_EXACT_EIGEN, C1, NULL, &i1, &err), &err);
    CHECK_OK(lrs_exact_cov(W, 1.0, NULL, 10.0, 1.0, LRS_EXACT_SCHUR, C2, NULL, &i2, &err), &err);
    double d = rel_fro(C1, C2);
    CHECK(d <= 1e-11, "continuous: eigen vs schur rel diff %.3g > 1e-11 (cond V %.3g)", d,
          i1.cond_V);
    CHECK_OK(lrs_exact_cov_euler(W, 1.0, NULL, 0.01, 10.0, 1.0, LRS_EXACT_EIGEN, C1, NULL, &i1,
                                 &err),
             &err);
    CHECK_OK(lrs_exact_cov_euler(W, 1.0, NULL, 0.01, 10.0, 1.0, LRS_EXACT_SCHUR, C2, NULL, &i2,
                                 &err),
             &err);
    d = rel_fro(C1, C2);
    CHECK(d <= 1e-10, "Euler: eigen vs schur rel diff %.3g > 1e-10", d);
    gsl_matrix_free(W);
    gsl_matrix_free(C1);
    gsl_matrix_free(C2);
}

/* Euler recursion against a brute-force lag sum:
 * Y0 = sum_l P^l Q P^{lT} (Q = dt^2 B B^T), Cov = sum_m c_m (P^m Y0 + [m>0] (P^m Y0)^T). */
static void test_euler_bruteforce(void)
{
    size_t N = 5;
    double dt = 0.1, tau_x = 2.0, sx = 0.8;
    gsl_matrix *W = small_net(1, N, 3);
    double tau[5] = {1.0, 1.5, 0.8, 1.0, 2.0};
    gsl_vector_view tv = gsl_vector_view_array(tau, N);
    gsl_matrix *P = gsl_matrix_alloc(N, N), *Y = gsl_matrix_calloc(N, N), *T1 = gsl_matrix_alloc(N, N);
    gsl_matrix *Pk = gsl_matrix_alloc(N, N), *T2 = gsl_matrix_alloc(N, N), *C = gsl_matrix_calloc(N, N);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(P, i, j, (i == j) + dt * (gsl_matrix_get(W, i, j) - (i == j)) / tau[i]);
    /* Y0 by summation: term_l = P^l Q P^{lT} */
    gsl_matrix_set_identity(Pk);
    for (int l = 0; l < 20000; l++) {
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++) {
                double s = 0;
                for (size_t k = 0; k < N; k++)
                    s += gsl_matrix_get(Pk, i, k) * gsl_matrix_get(Pk, j, k) * dt * dt /
                         (tau[k] * tau[k]);
                gsl_matrix_set(Y, i, j, gsl_matrix_get(Y, i, j) + s);
            }
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, P, Pk, 0.0, T1);
        gsl_matrix_memcpy(Pk, T1);
    }
    gsl_matrix_memcpy(T1, Y); /* P^m Y0, m = 0 */
    for (int m = 0; m < 20000; m++) {
        double cm = sx * sx * exp(-0.5 * pow(m * dt / tau_x, 2));
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++) {
                double v = gsl_matrix_get(T1, i, j) + (m > 0 ? gsl_matrix_get(T1, j, i) : 0.0);
                gsl_matrix_set(C, i, j, gsl_matrix_get(C, i, j) + cm * v);
            }
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, P, T1, 0.0, T2);
        gsl_matrix_memcpy(T1, T2);
    }
    gsl_matrix *E = gsl_matrix_alloc(N, N);
    lrs_err_t err;
    for (int route = 1; route <= 2; route++) {
        CHECK_OK(lrs_exact_cov_euler(W, 1.0, &tv.vector, dt, tau_x, sx, (lrs_exact_route_t)route,
                                     E, NULL, NULL, &err),
                 &err);
        double d = rel_fro(E, C);
        CHECK(d <= 1e-10, "Euler route %d vs brute-force lag sum: rel %.3g > 1e-10", route, d);
    }
    /* and the Euler covariance tends to the continuous one as dt -> 0
     * (first order: deviation at dt/10 about 10x smaller) */
    gsl_matrix *Cc = gsl_matrix_alloc(N, N);
    CHECK_OK(lrs_exact_cov(W, 1.0, &tv.vector, tau_x, sx, LRS_EXACT_AUTO, Cc, NULL, NULL, &err),
             &err);
    CHECK_OK(lrs_exact_cov_euler(W, 1.0, &tv.vector, 0.01, tau_x, sx, LRS_EXACT_AUTO, E, NULL,
                                 NULL, &err),
             &err);
    double d1 = rel_fro(C, Cc), d2 = rel_fro(E, Cc);
    CHECK(d2 < 0.2 * d1 && d2 > 0.05 * d1, "Euler -> continuous: dev %.3g at dt=0.1, %.3g at dt=0.01 "
          "(expected ratio ~10, accepted 5..20)", d1, d2);
    gsl_matrix_free(Cc);
    gsl_matrix_free(E);
    gsl_matrix_free(W);
    gsl_matrix_free(P);
    gsl_matrix_free(Y);
    gsl_matrix_free(T1);
    gsl_matrix_free(T2);
    gsl_matrix_free(Pk);
    gsl_matrix_free(C);
}

/* tau_x -> inf: Cov -> sigma_x^2 (I-W)^{-1}(I-W)^{-T} (theory 1), with a
 * deviation that shrinks like 1/tau_x^2. */
static void test_quasistatic_limit(void)
{
    size_t N = 30;
    gsl_matrix *W = small_net(1, N, 8);
    gsl_matrix *C = gsl_matrix_alloc(N, N), *Q = gsl_matrix_alloc(N, N);
    lrs_err_t err;
    double sx = 2.0;
    CHECK_OK(lrs_theory_cov_quasistatic(W, NULL, sx, Q, &err), &err);
    double dev[2];
    const double tx[2] = {1e2, 1e3};
    for (int k = 0; k < 2; k++) {
        CHECK_OK(lrs_exact_cov(W, 1.0, NULL, tx[k], sx, LRS_EXACT_AUTO, C, NULL, NULL, &err),
                 &err);
        dev[k] = rel_fro(C, Q);
    }
    CHECK(dev[1] <= 1e-4, "tau_x = 1e3: rel dev from theory 1 %.3g > 1e-4", dev[1]);
    CHECK(dev[1] < 0.02 * dev[0], "dev %.3g at tau_x=1e2, %.3g at 1e3: expected ~1/tau_x^2 "
          "(ratio < 0.02)", dev[0], dev[1]);
    gsl_matrix_free(W);
    gsl_matrix_free(C);
    gsl_matrix_free(Q);
}

static void test_refusals(void)
{
    lrs_err_t err;
    gsl_matrix *W = gsl_matrix_calloc(3, 3), *C = gsl_matrix_alloc(3, 3);
    gsl_vector *v = gsl_vector_alloc(3);
    gsl_matrix_set(W, 0, 0, 1.5); /* eigenvalue 1.5 > 1 */
    CHECK_ERR(lrs_exact_cov(W, 1.0, NULL, 10, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err),
              LRS_EUNSTABLE, &err, "not stable");
    CHECK_ERR(lrs_exact_cov(W, 1.0, NULL, 10, 1, LRS_EXACT_SCHUR, C, NULL, NULL, &err),
              LRS_EUNSTABLE, &err, "max Re eig");
    gsl_matrix_set(W, 0, 0, 1.0); /* marginal */
    CHECK_ERR(lrs_exact_cov(W, 1.0, NULL, 10, 1, LRS_EXACT_EIGEN, C, NULL, NULL, &err),
              LRS_EUNSTABLE, &err, "not stable");
    /* stable in continuous time, unstable Euler at dt = 0.5 (eig(A) = -5) */
    gsl_matrix_set(W, 0, 0, -4.0);
    CHECK_OK(lrs_exact_cov(W, 1.0, NULL, 10, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err), &err);
    CHECK_ERR(lrs_exact_cov_euler(W, 1.0, NULL, 0.5, 10, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err),
              LRS_EUNSTABLE, &err, "Euler recursion at dt = 0.5");
    CHECK_ERR(lrs_exact_cov(W, 1.0, NULL, 0.0, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err),
              LRS_EINVAL, &err, "tau_x = 0");
    CHECK_ERR(lrs_exact_cov(W, -1.0, NULL, 1.0, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err),
              LRS_EINVAL, &err, "tau = -1");
    gsl_vector_set_all(v, 1.0);
    gsl_vector_set(v, 2, 0.0);
    CHECK_ERR(lrs_exact_cov(W, 1.0, v, 1.0, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err), LRS_EINVAL,
              &err, "tau[2] = 0");
    gsl_matrix *Wr = gsl_matrix_calloc(3, 2);
    CHECK_ERR(lrs_exact_cov(Wr, 1.0, NULL, 1.0, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err),
              LRS_EINVAL, &err, "W is 3x2");
    gsl_matrix *C2 = gsl_matrix_alloc(2, 2);
    CHECK_ERR(lrs_exact_cov(W, 1.0, NULL, 1.0, 1, LRS_EXACT_AUTO, C2, NULL, NULL, &err),
              LRS_EINVAL, &err, "Cov is 2x2");
    gsl_matrix_set(W, 1, 2, NAN);
    CHECK_ERR(lrs_exact_cov(W, 1.0, NULL, 1.0, 1, LRS_EXACT_AUTO, C, NULL, NULL, &err),
              LRS_ENONFINITE, &err, "W(1,2)");
    CHECK_ERR(lrs_exact_pcvar(W, 1.0, -0.1, 1.0, 1.0, v, &err), LRS_EINVAL, &err, "dt = -0.1");
    lrs_exact_route_t r;
    CHECK_ERR(lrs_exact_route_parse("eigne", &r, &err), LRS_EINVAL, &err, "unknown route 'eigne'");
    CHECK_OK(lrs_exact_route_parse("schur", &r, &err), &err);
    CHECK(r == LRS_EXACT_SCHUR, "parse schur");
    gsl_matrix_free(W);
    gsl_matrix_free(Wr);
    gsl_matrix_free(C);
    gsl_matrix_free(C2);
    gsl_vector_free(v);
}

/* A diagonal network: closed form.  W = diag(w), Cov_ii =
 * (1/tau^2) * 2 Re Phi(l)/(-2 l) with l = (w-1)/tau, i.e. Cov_ii = -Phi(l)/(l tau^2). */
static void test_scalar_closed_form(void)
{
    gsl_matrix *W = gsl_matrix_calloc(2, 2), *C = gsl_matrix_alloc(2, 2);
    gsl_matrix_set(W, 0, 0, 0.5);
    gsl_matrix_set(W, 1, 1, -3.0);
    double tau = 2.0, tx = 1.7, sx = 0.9;
    lrs_err_t err;
    CHECK_OK(lrs_exact_cov(W, tau, NULL, tx, sx, LRS_EXACT_AUTO, C, NULL, NULL, &err), &err);
    for (int i = 0; i < 2; i++) {
        double l = (gsl_matrix_get(W, i, i) - 1.0) / tau;
        double phi = sx * sx * tx * sqrt(M_PI / 2) * exp(pow(-l * tx / sqrt(2), 2)) *
                     gsl_sf_erfc(-l * tx / sqrt(2));
        CHECK_REL(gsl_matrix_get(C, i, i), -phi / (l * tau * tau), 1e-13);
    }
    CHECK_ABS(gsl_matrix_get(C, 0, 1), 0.0, 1e-15);
    gsl_matrix_free(W);
    gsl_matrix_free(C);
}

/* ------------------------------------------------------------------ propagator */

/* lrs_exact_expm against GSL's exponential (Taylor, scaling and squaring), and
 * e^A e^{-A} = I, for norms below and far above theta_13 (squarings). */
static void test_expm(void)
{
    const double scales[] = {0.05, 0.5, 3.0};
    for (int k = 0; k < 3; k++) {
        size_t N = 7;
        gsl_matrix *A = gaussian_matrix(N, N, scales[k], 40 + (unsigned long)k);
        gsl_matrix *E = gsl_matrix_alloc(N, N), *G = gsl_matrix_alloc(N, N);
        gsl_matrix *Am = gsl_matrix_alloc(N, N), *Em = gsl_matrix_alloc(N, N);
        gsl_matrix *P = gsl_matrix_alloc(N, N);
        lrs_err_t err;
        CHECK_OK(lrs_exact_expm(A, E, &err), &err);
        gsl_linalg_exponential_ss(A, G, GSL_PREC_DOUBLE);
        double d = rel_fro(E, G);
        /* GSL's result is itself only good to ~1e-13 relative at norm ~20 */
        CHECK(d <= 1e-12, "scale %g: ||expm - gsl||/||gsl|| = %.3g > 1e-12", scales[k], d);
        gsl_matrix_memcpy(Am, A);
        gsl_matrix_scale(Am, -1.0);
        CHECK_OK(lrs_exact_expm(Am, Em, &err), &err);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, E, Em, 0.0, P);
        double cond = 0; /* ||e^A|| ||e^-A|| bounds the rounding of the product */
        cond = gsl_matrix_max(E) * gsl_matrix_max(Em) * (double)N;
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                CHECK_ABS(gsl_matrix_get(P, i, j), i == j ? 1.0 : 0.0, 200 * N * eps * fmax(cond, 1.0));
        gsl_matrix_free(A);
        gsl_matrix_free(E);
        gsl_matrix_free(G);
        gsl_matrix_free(Am);
        gsl_matrix_free(Em);
        gsl_matrix_free(P);
    }
    lrs_err_t err;
    gsl_matrix *A = gsl_matrix_alloc(2, 3), *E = gsl_matrix_alloc(2, 2);
    CHECK_ERR(lrs_exact_expm(A, E, &err), LRS_EINVAL, &err, "A is 2x3");
    gsl_matrix_free(A);
    gsl_matrix_free(E);
}

/* E, F0, F1 against GSL's exponential of the 3N x 3N augmented matrix
 * [[Ah, Bh, 0], [0, 0, I], [0, 0, 0]]: its top row is [E, h phi1 B, h phi2 B]. */
static void test_propagator_augmented(void)
{
    size_t N = 5;
    gsl_matrix *W = small_net(1, N, 21);
    double tau[5] = {1.0, 2.0, 0.5, 1.0, 3.0};
    gsl_vector_view tv = gsl_vector_view_array(tau, N);
    const double hs[] = {0.1, 0.7, 4.0};
    for (int k = 0; k < 3; k++) {
        double h = hs[k];
        gsl_matrix *E = gsl_matrix_alloc(N, N), *F0 = gsl_matrix_alloc(N, N),
                   *F1 = gsl_matrix_alloc(N, N);
        lrs_err_t err;
        CHECK_OK(lrs_exact_propagator(W, 1.0, &tv.vector, h, E, F0, F1, &err), &err);
        gsl_matrix *M = gsl_matrix_calloc(3 * N, 3 * N), *EM = gsl_matrix_alloc(3 * N, 3 * N);
        for (size_t i = 0; i < N; i++) {
            for (size_t j = 0; j < N; j++)
                gsl_matrix_set(M, i, j, h * (gsl_matrix_get(W, i, j) - (i == j)) / tau[i]);
            gsl_matrix_set(M, i, N + i, h / tau[i]);
            gsl_matrix_set(M, N + i, 2 * N + i, 1.0);
        }
        gsl_linalg_exponential_ss(M, EM, GSL_PREC_DOUBLE);
        gsl_matrix_view E2 = gsl_matrix_submatrix(EM, 0, 0, N, N);
        gsl_matrix_view P1 = gsl_matrix_submatrix(EM, 0, N, N, N);
        gsl_matrix_view P2 = gsl_matrix_submatrix(EM, 0, 2 * N, N, N);
        gsl_matrix *F0r = gsl_matrix_alloc(N, N);
        gsl_matrix_memcpy(F0r, &P1.matrix);
        gsl_matrix_sub(F0r, &P2.matrix);
        double d0 = rel_fro(E, &E2.matrix), d1 = rel_fro(F0, F0r), d2 = rel_fro(F1, &P2.matrix);
        CHECK(d0 <= 1e-12 && d1 <= 1e-12 && d2 <= 1e-12,
              "h = %g: rel dev E %.3g, F0 %.3g, F1 %.3g from the augmented exponential (> 1e-12)",
              h, d0, d1, d2);
        gsl_matrix_free(E);
        gsl_matrix_free(F0);
        gsl_matrix_free(F1);
        gsl_matrix_free(F0r);
        gsl_matrix_free(M);
        gsl_matrix_free(EM);
    }
    gsl_matrix_free(W);
}

/* Exact for linear input: x(t) = a + b t gives
 * z(t) = e^{At}(z0 - beta - gamma) + alpha t + beta + gamma with
 * alpha = -A^{-1} B b, beta = A^{-1} alpha, gamma = -A^{-1} B a. */
static void test_propagator_ramp(void)
{
    size_t N = 4;
    gsl_matrix *W = small_net(2, N, 9);
    double tau = 1.7, h = 0.9, taus[4] = {tau, tau, tau, tau};
    gsl_matrix *E = gsl_matrix_alloc(N, N), *F0 = gsl_matrix_alloc(N, N), *F1 = gsl_matrix_alloc(N, N);
    lrs_err_t err;
    CHECK_OK(lrs_exact_propagator(W, tau, NULL, h, E, F0, F1, &err), &err);
    double a[4] = {0.3, -1.0, 2.0, 0.5}, bb[4] = {1.0, 0.2, -0.4, 0.7}, z0[4] = {1, -1, 0.5, 0};
    gsl_vector *z = gsl_vector_alloc(N), *zn = gsl_vector_alloc(N);
    gsl_vector *ref = gsl_vector_alloc(N), *x0 = gsl_vector_alloc(N), *x1 = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z, i, z0[i]);
    for (int n = 1; n <= 12; n++) {
        for (size_t i = 0; i < N; i++) {
            gsl_vector_set(x0, i, a[i] + bb[i] * (n - 1) * h);
            gsl_vector_set(x1, i, a[i] + bb[i] * n * h);
        }
        gsl_blas_dgemv(CblasNoTrans, 1.0, E, z, 0.0, zn);
        gsl_blas_dgemv(CblasNoTrans, 1.0, F0, x0, 1.0, zn);
        gsl_blas_dgemv(CblasNoTrans, 1.0, F1, x1, 1.0, zn);
        gsl_vector_memcpy(z, zn);
    }
    CHECK_OK(ramp_solution(W, taus, a, bb, z0, 12 * h, ref, &err), &err);
    for (size_t i = 0; i < N; i++)
        CHECK_ABS(gsl_vector_get(z, i), gsl_vector_get(ref, i), 1e-12 * (1 + gsl_blas_dnrm2(ref)));
    CHECK_ERR(lrs_exact_propagator(W, tau, NULL, 0.0, E, F0, F1, &err), LRS_EINVAL, &err, "h = 0");
    gsl_matrix_free(W);
    gsl_matrix_free(E);
    gsl_matrix_free(F0);
    gsl_matrix_free(F1);
    gsl_vector_free(z);
    gsl_vector_free(zn);
    gsl_vector_free(ref);
    gsl_vector_free(x0);
    gsl_vector_free(x1);
}

/* Regression: the Schur route crashed for N = 200 and 201 inside ZTRSYL3 ->
 * ZTRSYL -> zdotu of the installed OpenBLAS; it now has its own triangular
 * Lyapunov solver.  Figure 1 network, both routes must agree. */
static void test_regression_schur_n200(void)
{
    size_t N = 200;
    gsl_rng *r = new_rng(1);
    gsl_matrix *W = gsl_matrix_calloc(N, N), *C1 = gsl_matrix_alloc(N, N), *C2 = gsl_matrix_alloc(N, N);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    lrs_err_t err;
    lrs_conn_rank1_vectors(r, LRS_RANK1_NORMAL, u, v, &err);
    lrs_conn_add_rank1(W, -10.0, u, v, &err);
    lrs_conn_add_gaussian(W, 0.5, r, &err);
    CHECK_OK(lrs_exact_cov(W, 1.0, NULL, 10.0, 1.0, LRS_EXACT_SCHUR, C2, NULL, NULL, &err), &err);
    CHECK_OK(lrs_exact_cov(W, 1.0, NULL, 10.0, 1.0, LRS_EXACT_EIGEN, C1, NULL, NULL, &err), &err);
    double d = rel_fro(C1, C2);
    CHECK(d <= 1e-11, "N = 200: eigen vs schur rel diff %.3g > 1e-11", d);
    gsl_matrix_free(W);
    gsl_matrix_free(C1);
    gsl_matrix_free(C2);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_rng_free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    lrs_blas_set_threads(1); /* small matrices: one thread is fastest */
    RUN(test_faddeeva_axes);
    RUN(test_faddeeva_complex);
    RUN(test_scalar_closed_form);
    RUN(test_cov_normal);
    RUN(test_cov_nonnormal);
    RUN(test_cov_complex_eigs_per_unit_tau);
    RUN(test_cov_defective);
    RUN(test_routes_agree);
    RUN(test_euler_bruteforce);
    RUN(test_quasistatic_limit);
    RUN(test_refusals);
    RUN(test_expm);
    RUN(test_propagator_augmented);
    RUN(test_propagator_ramp);
    RUN(test_regression_schur_n200);
    return harness_summary();
}
