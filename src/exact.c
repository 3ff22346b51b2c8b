/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Exact stationary covariance of the linear network driven by the
 * Gaussian-correlated input (see lrs/exact.h for the model and the API).
 *
 * Notation.  A = T^{-1}(W - I), B = T^{-1} = diag(b), c(s) = sigma_x^2
 * exp(-s^2/(2 tau_x^2)), c0 = sigma_x^2.
 *
 * Continuous time.  z(t) = int_0^inf e^{As} B x(t-s) ds, so
 *     Cov = int int e^{As} B B^T e^{A^T s'} c(s - s') ds ds'.
 * Splitting s > s' and s < s' gives the Lyapunov equation
 *     A Cov + Cov A^T + Phi(A) B B^T + B B^T Phi(A)^T = 0,
 *     Phi(a) = int_0^inf e^{a s} c(s) ds = c0 tau_x sqrt(pi/2) erfcx(-a tau_x/sqrt 2),
 * and in an eigenbasis A = V diag(l) V^{-1}, M = V^{-1} B B^T V^{-H}:
 *     Cov = V K V^H,  K_ij = -M_ij (Phi(l_i) + conj Phi(l_j)) / (l_i + conj l_j).
 *
 * Forward Euler at step dt.  z[n] = sum_{k>=0} P^k dt B x[n-1-k], P = I + dt A:
 *     K_ij = dt^2 M_ij (Phid(m_i) + conj Phid(m_j) - c0) / (1 - m_i conj m_j),
 *     m = 1 + dt l,  Phid(m) = sum_{k>=0} c(k dt) m^k,
 * and the Stein equation  Cov - P Cov P^T = dt^2 (Phid(P) BB^T + BB^T Phid(P)^T - c0 BB^T).
 *
 * EIGEN route (real arithmetic).  dgeev returns the real basis V_r (a complex
 * pair l, conj l is stored as the two columns Re v, Im v).  With J = [[1, 1],
 * [i, -i]] per pair (1 per real eigenvalue) the complex eigenvectors are
 * V_c = V_r J, so M_c = J^{-1} M_r J^{-H} with M_r = (V_r^{-1} B)(V_r^{-1} B)^T
 * and Cov = V_r K_r V_r^T, K_r = J K_c J^H (real).  Cost: dgeev + ~8 N^3.
 *
 * SCHUR route.  Real Schur form A = Z S Z^T (dgees), made complex triangular
 * A = U T U^H by one unitary rotation per 2x2 block (rsf2csf).  Phi(T) is a
 * resolvent integral over the input spectrum; with u = w tau_x / sqrt 2:
 *     Phi(T)  = (c0/sqrt(pi)) int e^{-u^2} (g(u) I - T)^{-1} du,  g = -i k u,
 *     Phid(P) = (c0/sqrt(pi)) int e^{-u^2} (e^{-i th u}/dt) (g(u) I - T)^{-1} du,
 *               g = (e^{-i th u} - 1)/dt,
 * (k = sqrt 2/tau_x, th = k dt).  The poles lie in Im u < 0, so the contour is
 * shifted to Im u = eta = 2.5 and the trapezoidal rule with step 0.3 on
 * |Re u| <= 6.9 is used: its error is below e^{-50} (pole side: e^{-2 pi eta/h};
 * Gaussian side: e^{-(pi/h)^2 + 2 pi eta/h}) and rounding is amplified by at
 * most e^{eta^2} ~ 500.  Each node is one triangular inverse (ztrtri).  The
 * Lyapunov equation is then solved by Bartels-Stewart on T (ex_trsyl); the
 * Stein equation through the Cayley transform
 *     A_c = (P + I)^{-1}(P - I):  A_c X + X A_c^H = -2 (P+I)^{-1} Q (P+I)^{-H}.
 *
 * Storage: every LAPACK/BLAS buffer here is column-major N x N (ld = N).
 */
#include "lrs/exact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <lapacke.h>

/* Solve T X + X T^H = C for X (overwrites C); T upper triangular N x N
 * complex, column-major.  Bartels-Stewart on the triangular form: column j
 * of the equation is  (T + conj(T_jj) I) x_j = c_j - sum_{k>j} conj(T_jk) x_k,
 * solved for j = N-1 .. 0 (one zgemv and one ztrsv each; 2 N^3 complex
 * flops).  Written out because ZTRSYL/ZTRSYL3 of the installed OpenBLAS
 * 0.3.21 crash in zdotu for some sizes (N = 200, 201 here).  The diagonal
 * l_i + conj(l_j) never vanishes for a stable T.  Returns 0, or -1000 if out
 * of memory. */
static int ex_trsyl(int n, const double complex *T, double complex *C)
{
    size_t N = (size_t)n;
    double complex *Tw = malloc(N * N * sizeof *Tw), *t = malloc(N * sizeof *t);
    if (!Tw || !t) {
        free(Tw);
        free(t);
        return -1000;
    }
    memcpy(Tw, T, N * N * sizeof *Tw);
    const double complex mone = -1.0, one = 1.0;
    for (size_t j = N; j-- > 0;) {
        size_t m = N - j - 1;
        if (m > 0) {
            for (size_t k = 0; k < m; k++)
                t[k] = conj(T[j + (j + 1 + k) * N]);
            cblas_zgemv(CblasColMajor, CblasNoTrans, n, (int)m, &mone, C + (j + 1) * N, n, t, 1,
                        &one, C + j * N, 1);
        }
        double complex sh = conj(T[j + j * N]);
        for (size_t i = 0; i < N; i++)
            Tw[i + i * N] = T[i + i * N] + sh;
        cblas_ztrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, n, Tw, n, C + j * N, 1);
    }
    free(Tw);
    free(t);
    return 0;
}

#define EX_ETA 2.5     /* contour shift (Schur route) */
#define EX_HQ 0.3      /* trapezoidal step (Schur route) */

typedef struct {
    size_t N;
    double tau_x, sigma_x;
    double dt;         /* 0: continuous time */
    const double *A;   /* column-major N x N */
    const double *b;   /* diag of B = 1/tau */
    double normA;      /* 1-norm of A */
} ex_problem_t;

const char *lrs_exact_route_name(lrs_exact_route_t r)
{
    switch (r) {
    case LRS_EXACT_AUTO: return "auto";
    case LRS_EXACT_EIGEN: return "eigen";
    case LRS_EXACT_SCHUR: return "schur";
    default: return "unknown";
    }
}

int lrs_exact_route_parse(const char *name, lrs_exact_route_t *r, lrs_err_t *err)
{
    if (!name || !r)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_route_parse: NULL argument");
    if (!strcmp(name, "auto"))
        *r = LRS_EXACT_AUTO;
    else if (!strcmp(name, "eigen"))
        *r = LRS_EXACT_EIGEN;
    else if (!strcmp(name, "schur"))
        *r = LRS_EXACT_SCHUR;
    else
        return lrs_err_set(err, LRS_EINVAL,
                           "unknown route '%s'; expected auto, eigen or schur", name);
    return LRS_OK;
}

/* ------------------------------------------------------------------ kernels */

/* Phi(l) = c0 tau_x sqrt(pi/2) erfcx(-l tau_x / sqrt 2)  (Re l < 0). */
static double complex phi_cont(const ex_problem_t *p, double complex l)
{
    double c0 = p->sigma_x * p->sigma_x;
    return c0 * p->tau_x * sqrt(M_PI / 2.0) * lrs_exact_erfcx(-l * p->tau_x / sqrt(2.0));
}

/* Phid(m) = sum_{k>=0} c(k dt) m^k (|m| < 1), summed until the Gaussian or
 * |m|^k is below 1e-19 of the first term. */
static double complex phi_euler(const ex_problem_t *p, double complex m)
{
    double c0 = p->sigma_x * p->sigma_x, a = p->dt / p->tau_x;
    double complex s = 0.0, mk = 1.0;
    for (size_t k = 0;; k++) {
        double g = exp(-0.5 * a * a * (double)k * (double)k);
        s += g * mk;
        mk *= m;
        if (g < 1e-19 || cabs(mk) < 1e-19)
            break;
    }
    return c0 * s;
}

/* Kernel K_ij / M_ij for eigenvalues l_i, l_j with precomputed Phi values. */
static double complex ex_kernel(const ex_problem_t *p, double complex li, double complex lj,
                                double complex fi, double complex fj)
{
    if (p->dt == 0.0)
        return -(fi + conj(fj)) / (li + conj(lj));
    double dt = p->dt, c0 = p->sigma_x * p->sigma_x;
    double complex mi = 1.0 + dt * li, mj = 1.0 + dt * lj;
    return dt * dt * (fi + conj(fj) - c0) / (1.0 - mi * conj(mj));
}

/* Stability of the eigenvalue l for the problem (continuous or Euler). */
static int ex_stable(const ex_problem_t *p, double complex l, double margin)
{
    if (p->dt == 0.0)
        return creal(l) < -margin;
    return cabs(1.0 + p->dt * l) < 1.0 - p->dt * margin;
}

static int ex_unstable_error(const ex_problem_t *p, double maxre, double maxmod,
                             lrs_err_t *err)
{
    if (p->dt == 0.0)
        return lrs_err_set(err, LRS_EUNSTABLE,
                           "lrs_exact_cov: the linear network is not stable: max Re eig(T^-1 (W - I)) "
                           "= %.6g (need < 0, i.e. max Re eig(W) < 1 for scalar tau); "
                           "no stationary covariance exists", maxre);
    return lrs_err_set(err, LRS_EUNSTABLE,
                       "lrs_exact_cov_euler: the Euler recursion at dt = %g is not stable: "
                       "max |1 + dt eig(A)| = %.6g (need < 1; max Re eig(A) = %.6g)",
                       p->dt, maxmod, maxre);
}

/* The spectrum (wr + i wi) of A against the stability condition of the
 * problem (continuous: Re l < 0; Euler: |1 + dt l| < 1, with a margin of
 * 64 eps ||A||_1); info->max_re <- max Re l. */
static int ex_check_spectrum(const ex_problem_t *p, const double *wr, const double *wi,
                             lrs_exact_info_t *info, lrs_err_t *err)
{
    double maxre = -INFINITY, maxmod = 0.0, margin = 64.0 * 2.2e-16 * p->normA;
    int stable = 1;
    for (size_t k = 0; k < p->N; k++) {
        double complex l = wr[k] + I * wi[k];
        if (wr[k] > maxre)
            maxre = wr[k];
        double md = cabs(1.0 + p->dt * l);
        if (md > maxmod)
            maxmod = md;
        if (!ex_stable(p, l, margin))
            stable = 0;
    }
    if (info)
        info->max_re = maxre;
    return stable ? LRS_OK : ex_unstable_error(p, maxre, maxmod, err);
}

/* ------------------------------------------------------------------ work arrays */

/* One allocation for a route's work arrays: n_c complex arrays of lengths
 * nc[k] (first, so each is aligned for double complex), then n_d double
 * arrays of lengths nd[k]; *c[k] and *d[k] point into it.  Returns the block
 * (free it alone), or NULL (pointers untouched) when it cannot be had. */
static void *ex_ws_block(double **const d[], const size_t nd[], size_t n_d,
                         double complex **const c[], const size_t nc[], size_t n_c)
{
    size_t len_c = 0, len_d = 0;
    for (size_t k = 0; k < n_c; k++)
        len_c += nc[k];
    for (size_t k = 0; k < n_d; k++)
        len_d += nd[k];
    if (len_c > SIZE_MAX / 2 / sizeof(double complex) || len_d > SIZE_MAX / 2 / sizeof(double))
        return NULL;
    double complex *zc = malloc(len_c * sizeof *zc + len_d * sizeof(double));
    if (!zc)
        return NULL;
    double *zd = (double *)(zc + len_c);
    for (size_t k = 0, off = 0; k < n_c; off += nc[k], k++)
        *c[k] = zc + off;
    for (size_t k = 0, off = 0; k < n_d; off += nd[k], k++)
        *d[k] = zd + off;
    return zc;
}

/* ------------------------------------------------------------------ eigen route */

/* Returns LRS_OK with Cov filled; EX_FALLBACK (not an error code) if AUTO
 * should fall back to the Schur route; or an LRS_E* code. */
#define EX_FALLBACK (-1)

/* Work arrays of the eigen route (column-major N x N unless noted). */
typedef struct {
    size_t N;
    double *a;              /* copy of A for dgeev */
    double *V;              /* real eigenvector basis V_r */
    double *lu;             /* LU factors of V_r */
    double *X;              /* V_r^{-1} B, then K_r */
    double *Mr;             /* M_r, then V_r K_r */
    double *wr, *wi;        /* eigenvalues (length N) */
    double complex *lam;    /* l_k (length N) */
    double complex *phi;    /* Phi(l_k) or Phid(1 + dt l_k) (length N) */
    size_t *bs;             /* block sizes: 1 real, 2 first of a pair, 0 second */
    lapack_int *ipiv;
    void *block;            /* one allocation holding the double and complex arrays */
} ex_eig_ws_t;

static void ex_eig_free(ex_eig_ws_t *w)
{
    free(w->block);
    free(w->bs);
    free(w->ipiv);
}

static int ex_eig_alloc(ex_eig_ws_t *w, size_t N)
{
    size_t NN = N * N;
    w->N = N;
    w->bs = malloc(N * sizeof *w->bs);
    w->ipiv = malloc(N * sizeof *w->ipiv);
    double **d[] = {&w->a, &w->V, &w->lu, &w->X, &w->Mr, &w->wr, &w->wi};
    const size_t nd[] = {NN, NN, NN, NN, NN, N, N};
    double complex **c[] = {&w->lam, &w->phi};
    const size_t nc[] = {N, N};
    w->block = ex_ws_block(d, nd, 7, c, nc, 2);
    return w->block && w->bs && w->ipiv;
}

/* Step 1: A = V_r diag(l) V_r^{-1} (dgeev, real basis), then stability. */
static int ex_eig_decompose(const ex_problem_t *p, ex_eig_ws_t *w, lrs_exact_info_t *info,
                            lrs_err_t *err)
{
    size_t N = p->N;
    lapack_int n = (lapack_int)N;
    memcpy(w->a, p->A, N * N * sizeof *w->a);
    lapack_int info_l = LAPACKE_dgeev(LAPACK_COL_MAJOR, 'N', 'V', n, w->a, n, w->wr, w->wi, NULL,
                                      1, w->V, n);
    if (info_l != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: dgeev failed (info %d)",
                           (int)info_l);
    for (size_t k = 0; k < N; k++)
        w->lam[k] = w->wr[k] + I * w->wi[k];
    return ex_check_spectrum(p, w->wr, w->wi, info, err);
}

/* Step 2: LU of V_r and its 1-norm condition number.  Ill-conditioned (above
 * LRS_EXACT_COND_MAX): EX_FALLBACK for AUTO; a forced EIGEN route goes on
 * unless V_r is singular. */
static int ex_eig_condition(int forced, ex_eig_ws_t *w, lrs_exact_info_t *info, lrs_err_t *err)
{
    size_t N = w->N;
    lapack_int n = (lapack_int)N;
    memcpy(w->lu, w->V, N * N * sizeof *w->lu);
    double anorm = LAPACKE_dlange(LAPACK_COL_MAJOR, '1', n, n, w->V, n), rcond = 0.0;
    lapack_int info_l = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, w->lu, n, w->ipiv);
    if (info_l == 0)
        info_l = LAPACKE_dgecon(LAPACK_COL_MAJOR, '1', n, w->lu, n, anorm, &rcond);
    double cond = rcond > 0.0 ? 1.0 / rcond : INFINITY;
    if (info)
        info->cond_V = cond;
    if (info_l == 0 && rcond > 0.0 && cond <= LRS_EXACT_COND_MAX)
        return LRS_OK;
    if (!forced)
        return EX_FALLBACK;
    if (info_l != 0 || !(rcond > 0.0))
        return lrs_err_set(err, LRS_ENUMERIC,
                           "lrs_exact_cov: the eigenvector matrix is singular (A is not "
                           "diagonalisable); use the schur route");
    return LRS_OK;
}

/* Step 3: the input in the eigenbasis: X = V_r^{-1} B, M_r = X X^T. */
static int ex_eig_input(const ex_problem_t *p, ex_eig_ws_t *w, lrs_err_t *err)
{
    size_t N = p->N;
    lapack_int n = (lapack_int)N;
    memset(w->X, 0, N * N * sizeof *w->X);
    for (size_t i = 0; i < N; i++)
        w->X[i + i * N] = p->b[i];
    lapack_int info_l = LAPACKE_dgetrs(LAPACK_COL_MAJOR, 'N', n, n, w->lu, n, w->ipiv, w->X, n);
    if (info_l != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: dgetrs failed (info %d)",
                           (int)info_l);
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, n, n, 1.0, w->X, n, 0.0, w->Mr, n);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < j; i++)
            w->Mr[i + j * N] = w->Mr[j + i * N];
    return LRS_OK;
}

/* Step 4: the blocks of the real basis (a complex pair l, conj l spans two
 * columns) and Phi of each eigenvalue (Phid(1 + dt l) for Euler). */
static void ex_eig_phi(const ex_problem_t *p, ex_eig_ws_t *w)
{
    size_t N = p->N;
    for (size_t k = 0; k < N; k++) {
        double complex l = w->lam[k];
        w->phi[k] = p->dt == 0.0 ? phi_cont(p, l) : phi_euler(p, 1.0 + p->dt * l);
        if (w->wi[k] != 0.0 && k + 1 < N) {
            w->bs[k] = 2;
            w->bs[k + 1] = 0;
            w->phi[k + 1] = conj(w->phi[k]);
            k++;
        } else {
            w->bs[k] = 1;
        }
    }
}

/* out = T X T^H on an si x sj block (si, sj in {1, 2}): T acts along each
 * dimension of size 2 and is the identity (1) along a dimension of size 1. */
static void ex_block_sandwich(const double complex T[2][2], size_t si, size_t sj,
                              const double complex X[2][2], double complex out[2][2])
{
    for (size_t r = 0; r < si; r++)
        for (size_t c = 0; c < sj; c++) {
            double complex s = 0.0;
            for (size_t q = 0; q < si; q++) {
                double complex tl = si == 2 ? T[r][q] : 1.0;
                for (size_t v = 0; v < sj; v++) {
                    double complex tr = sj == 2 ? conj(T[c][v]) : 1.0;
                    s += tl * X[q][v] * tr;
                }
            }
            out[r][c] = s;
        }
}

/* Step 5, one block: K_r[i.., j..] = J_i ((J_i^{-1} M_r J_j^{-H}) .* kernel) J_j^H
 * for the blocks starting at columns i and j (J = [[1, 1], [i, -i]] for a
 * pair, 1 for a real eigenvalue). */
static void ex_eig_kernel_block(const ex_problem_t *p, const ex_eig_ws_t *w, size_t i,
                                size_t j, double *Kr)
{
    static const double complex Jm[2][2] = {{1.0, 1.0}, {I, -I}};
    static const double complex Jinv[2][2] = {{0.5, -0.5 * I}, {0.5, 0.5 * I}};
    size_t N = p->N, si = w->bs[i], sj = w->bs[j];
    double complex m[2][2], mc[2][2], kc[2][2];
    for (size_t r = 0; r < si; r++)
        for (size_t c = 0; c < sj; c++)
            m[r][c] = w->Mr[(i + r) + (j + c) * N];
    ex_block_sandwich(Jinv, si, sj, m, mc);
    for (size_t r = 0; r < si; r++)
        for (size_t c = 0; c < sj; c++)
            kc[r][c] = mc[r][c] * ex_kernel(p, w->lam[i + r], w->lam[j + c], w->phi[i + r],
                                            w->phi[j + c]);
    ex_block_sandwich(Jm, si, sj, kc, m);
    for (size_t r = 0; r < si; r++)
        for (size_t c = 0; c < sj; c++)
            Kr[(i + r) + (j + c) * N] = creal(m[r][c]);
}

static int ex_eigen(const ex_problem_t *p, int forced, double *Cov, lrs_exact_info_t *info,
                    lrs_err_t *err)
{
    size_t N = p->N;
    lapack_int n = (lapack_int)N;
    ex_eig_ws_t w = {0};
    int rc = LRS_OK;
    if (!ex_eig_alloc(&w, N)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_exact_cov: out of memory (N = %zu)", N);
        goto done;
    }
    if ((rc = ex_eig_decompose(p, &w, info, err)) ||
        (rc = ex_eig_condition(forced, &w, info, err)) || (rc = ex_eig_input(p, &w, err)))
        goto done;
    ex_eig_phi(p, &w);
    /* K_r block by block, written over X (no longer needed). */
    double *Kr = w.X;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; w.bs[i] && j < N; j++)
            if (w.bs[j])
                ex_eig_kernel_block(p, &w, i, j, Kr);
    /* Cov = V_r K_r V_r^T */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, w.V, n, Kr, n, 0.0, w.Mr,
                n);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, w.Mr, n, w.V, n, 0.0, Cov,
                n);
    if (info)
        info->route = LRS_EXACT_EIGEN;
done:
    ex_eig_free(&w);
    return rc;
}

/* ------------------------------------------------------------------ Schur route */

/* Real Schur form (S, Z column-major) -> complex Schur form (T, U), in place
 * in the complex arrays initialised from S and Z (Matlab's rsf2csf). */
static void ex_rsf2csf(size_t N, double complex *T, double complex *U)
{
    for (size_t m = N - 1; m >= 1; m--) {
        double complex cm = T[m + (m - 1) * N];
        if (cm != 0.0) {
            double complex a = T[(m - 1) + (m - 1) * N], b = T[(m - 1) + m * N];
            double complex d = T[m + m * N];
            double complex e1 = 0.5 * (a + d) + csqrt(0.25 * (a - d) * (a - d) + b * cm);
            double complex mu = e1 - d;
            double c_re = creal(cm);
            double r = hypot(cabs(mu), c_re);
            double complex cc = mu / r;
            double ss = c_re / r;
            /* rows m-1, m, columns m-1 .. N-1:  G = [[conj cc, ss], [-ss, cc]] */
            for (size_t j = m - 1; j < N; j++) {
                double complex x = T[(m - 1) + j * N], y = T[m + j * N];
                T[(m - 1) + j * N] = conj(cc) * x + ss * y;
                T[m + j * N] = -ss * x + cc * y;
            }
            /* columns m-1, m, rows 0 .. m:  times G^H = [[cc, -ss], [ss, conj cc]] */
            for (size_t i = 0; i <= m; i++) {
                double complex x = T[i + (m - 1) * N], y = T[i + m * N];
                T[i + (m - 1) * N] = x * cc + y * ss;
                T[i + m * N] = -x * ss + y * conj(cc);
            }
            for (size_t i = 0; i < N; i++) {
                double complex x = U[i + (m - 1) * N], y = U[i + m * N];
                U[i + (m - 1) * N] = x * cc + y * ss;
                U[i + m * N] = -x * ss + y * conj(cc);
            }
            T[m + (m - 1) * N] = 0.0;
        }
        if (m == 1)
            break;
    }
}

/* Work arrays of the Schur route (column-major N x N). */
typedef struct {
    size_t N;
    double *s, *Z;           /* real Schur form S and vectors Z (dgees) */
    double *wr, *wi;         /* eigenvalues (length N) */
    double complex *T, *U;   /* complex Schur form A = U T U^H */
    double complex *R;       /* resolvent, then the right-hand side, then X */
    double complex *F;       /* Phi(T) (upper triangular) */
    double complex *M, *Q;   /* U^H B^2 U; products */
    void *block;             /* one allocation holding every array above */
} ex_schur_ws_t;

static void ex_schur_free(ex_schur_ws_t *w)
{
    free(w->block);
}

/* F starts at zero: only its upper triangle is written. */
static int ex_schur_alloc(ex_schur_ws_t *w, size_t N)
{
    size_t NN = N * N;
    double complex **c[] = {&w->T, &w->U, &w->R, &w->F, &w->M, &w->Q};
    const size_t nc[] = {NN, NN, NN, NN, NN, NN};
    double **d[] = {&w->s, &w->Z, &w->wr, &w->wi};
    const size_t nd[] = {NN, NN, N, N};
    w->N = N;
    w->block = ex_ws_block(d, nd, 4, c, nc, 6);
    if (w->block)
        memset(w->F, 0, NN * sizeof *w->F);
    return w->block != NULL;
}

/* Step 1: real Schur form A = Z S Z^T (dgees), stability, then the complex
 * triangular form A = U T U^H (rsf2csf) with T's strict lower part zero. */
static int ex_schur_decompose(const ex_problem_t *p, ex_schur_ws_t *w, lrs_exact_info_t *info,
                              lrs_err_t *err)
{
    size_t N = p->N, NN = N * N;
    lapack_int n = (lapack_int)N, sdim = 0;
    memcpy(w->s, p->A, NN * sizeof *w->s);
    lapack_int info_l = LAPACKE_dgees(LAPACK_COL_MAJOR, 'V', 'N', NULL, n, w->s, n, &sdim, w->wr,
                                      w->wi, w->Z, n);
    if (info_l != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: dgees failed (info %d)",
                           (int)info_l);
    int rc = ex_check_spectrum(p, w->wr, w->wi, info, err);
    if (rc)
        return rc;
    for (size_t k = 0; k < NN; k++) {
        w->T[k] = w->s[k];
        w->U[k] = w->Z[k];
    }
    /* S is quasi-triangular; clear below the first subdiagonal anyway. */
    for (size_t j = 0; j < N; j++)
        for (size_t i = j + 2; i < N; i++)
            w->T[i + j * N] = 0.0;
    if (N > 1)
        ex_rsf2csf(N, w->T, w->U);
    for (size_t j = 0; j < N; j++)
        for (size_t i = j + 1; i < N; i++)
            w->T[i + j * N] = 0.0;
    return LRS_OK;
}

/* Step 2: F = Phi(T) (Euler: Phid(I + dt T)), upper triangular, by the
 * trapezoidal rule on the shifted contour: one triangular inverse of
 * g(u) I - T per node. */
static int ex_schur_phi(const ex_problem_t *p, ex_schur_ws_t *w, lrs_err_t *err)
{
    size_t N = p->N;
    lapack_int n = (lapack_int)N;
    double c0 = p->sigma_x * p->sigma_x, kap = sqrt(2.0) / p->tau_x, th = kap * p->dt;
    double smax = sqrt(EX_ETA * EX_ETA + 41.5);
    long kmax = (long)ceil(smax / EX_HQ);
    double complex *R = w->R, *T = w->T;
    for (long k = -kmax; k <= kmax; k++) {
        double complex u = (double)k * EX_HQ + I * EX_ETA;
        double complex wgt = c0 / sqrt(M_PI) * EX_HQ * cexp(-u * u), g;
        if (p->dt == 0.0) {
            g = -I * kap * u;
        } else {
            double complex e = cexp(-I * th * u);
            g = (e - 1.0) / p->dt;
            wgt *= e / p->dt;
        }
        /* R = g I - T (upper), then R <- R^{-1} */
        for (size_t j = 0; j < N; j++) {
            for (size_t i = 0; i <= j; i++)
                R[i + j * N] = -T[i + j * N];
            R[j + j * N] += g;
            for (size_t i = j + 1; i < N; i++)
                R[i + j * N] = 0.0;
        }
        lapack_int info_l = LAPACKE_ztrtri(LAPACK_COL_MAJOR, 'U', 'N', n, R, n);
        if (info_l != 0)
            return lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: ztrtri failed (info %d)",
                               (int)info_l);
        for (size_t j = 0; j < N; j++)
            for (size_t i = 0; i <= j; i++)
                w->F[i + j * N] += wgt * R[i + j * N];
    }
    return LRS_OK;
}

/* Step 3: the Hermitian right-hand side in the Schur basis, into R:
 * M = U^H B^2 U,  Q = F M + M F^H  (Euler: dt^2 (F M + M F^H - c0 M)). */
static void ex_schur_rhs(const ex_problem_t *p, ex_schur_ws_t *w)
{
    size_t N = p->N;
    int n = (int)N;
    const double complex one = 1.0, zero = 0.0;
    double c0 = p->sigma_x * p->sigma_x;
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++)
            w->R[i + j * N] = p->b[i] * p->b[i] * w->U[i + j * N];
    cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, n, n, n, &one, w->U, n, w->R, n,
                &zero, w->M, n);
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, w->F, n, w->M, n,
                &zero, w->Q, n);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++) {
            double complex qij = w->Q[i + j * N] + conj(w->Q[j + i * N]);
            w->R[i + j * N] = p->dt == 0.0 ? qij : p->dt * p->dt * (qij - c0 * w->M[i + j * N]);
        }
}

/* Step 4: R <- X solving, continuous time, T X + X T^H = -Q; Euler,
 * X - P X P^H = Q with P = I + dt T through the Cayley transform
 * A_c = (P+I)^{-1}(P-I):  A_c X + X A_c^H = -2 (P+I)^{-1} Q (P+I)^{-H}
 * (F and M are reused as (P+I)^{-1} and A_c). */
static int ex_schur_solve(const ex_problem_t *p, ex_schur_ws_t *w, lrs_err_t *err)
{
    size_t N = p->N, NN = N * N;
    int n = (int)N, info_l;
    double complex *R = w->R, *T = w->T;
    if (p->dt == 0.0) {
        for (size_t k = 0; k < NN; k++)
            R[k] = -R[k];
        info_l = ex_trsyl(n, T, R);
    } else {
        const double complex one = 1.0, m2 = -2.0;
        double complex *Pi = w->F, *Ac = w->M;
        for (size_t j = 0; j < N; j++)
            for (size_t i = 0; i < N; i++) {
                double complex t = i <= j ? p->dt * T[i + j * N] : 0.0;
                Pi[i + j * N] = t + (i == j ? 2.0 : 0.0);
                Ac[i + j * N] = t; /* P - I = dt T */
            }
        info_l = LAPACKE_ztrtri(LAPACK_COL_MAJOR, 'U', 'N', n, Pi, n);
        if (info_l != 0)
            return lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: ztrtri failed (info %d)",
                               info_l);
        cblas_ztrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, n, n, &one,
                    Pi, n, Ac, n);
        cblas_ztrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, n, n, &m2,
                    Pi, n, R, n);
        cblas_ztrmm(CblasColMajor, CblasRight, CblasUpper, CblasConjTrans, CblasNonUnit, n, n,
                    &one, Pi, n, R, n);
        info_l = ex_trsyl(n, Ac, R);
    }
    if (info_l == -1000)
        return lrs_err_set(err, LRS_ENOMEM, "lrs_exact_cov: out of memory (N = %zu)", N);
    if (info_l < 0)
        return lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: Lyapunov solve failed (info %d)",
                           info_l);
    return LRS_OK;
}

static int ex_schur(const ex_problem_t *p, double *Cov, lrs_exact_info_t *info, lrs_err_t *err)
{
    size_t N = p->N;
    int n = (int)N, rc = LRS_OK;
    ex_schur_ws_t w = {0};
    if (!ex_schur_alloc(&w, N)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_exact_cov: out of memory (N = %zu)", N);
        goto done;
    }
    if ((rc = ex_schur_decompose(p, &w, info, err)) || (rc = ex_schur_phi(p, &w, err)))
        goto done;
    ex_schur_rhs(p, &w);
    if ((rc = ex_schur_solve(p, &w, err)))
        goto done;
    /* Cov = Re(U X U^H) */
    const double complex one = 1.0, zero = 0.0;
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, w.U, n, w.R, n, &zero,
                w.Q, n);
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, n, n, n, &one, w.Q, n, w.U, n, &zero,
                w.M, n);
    for (size_t k = 0; k < N * N; k++)
        Cov[k] = creal(w.M[k]);
    if (info)
        info->route = LRS_EXACT_SCHUR;
done:
    ex_schur_free(&w);
    return rc;
}

/* ------------------------------------------------------------------ driver */

/* The arguments shared by the public entry points, checked at the top. */
static int ex_check_args(const char *who, const gsl_matrix *W, double tau,
                         const gsl_vector *tau_vec, double dt, double tau_x, double sigma_x,
                         lrs_exact_route_t route, const gsl_matrix *Cov, const gsl_vector *pcvar,
                         lrs_err_t *err)
{
    if (!W)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is NULL", who);
    size_t N = W->size1;
    if (W->size2 != N || N == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square, non-empty", who,
                           W->size1, W->size2);
    if (tau_vec && tau_vec->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: tau_vec has length %zu; expected N = %zu", who,
                           tau_vec->size, N);
    if (!tau_vec && !(tau > 0.0 && isfinite(tau)))
        return lrs_err_set(err, LRS_EINVAL, "%s: tau = %g; need tau > 0", who, tau);
    if (!(tau_x > 0.0 && isfinite(tau_x)))
        return lrs_err_set(err, LRS_EINVAL, "%s: tau_x = %g; need tau_x > 0", who, tau_x);
    if (!(sigma_x >= 0.0 && isfinite(sigma_x)))
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_x = %g; need sigma_x >= 0", who, sigma_x);
    if (!(dt >= 0.0 && isfinite(dt)))
        return lrs_err_set(err, LRS_EINVAL, "%s: dt = %g; need dt > 0", who, dt);
    if (Cov && (Cov->size1 != N || Cov->size2 != N))
        return lrs_err_set(err, LRS_EINVAL, "%s: Cov is %zux%zu; expected %zux%zu", who,
                           Cov->size1, Cov->size2, N, N);
    if (pcvar && pcvar->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: pcvar has length %zu; expected N = %zu", who,
                           pcvar->size, N);
    if (route != LRS_EXACT_AUTO && route != LRS_EXACT_EIGEN && route != LRS_EXACT_SCHUR)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown route %d", who, (int)route);
    return LRS_OK;
}

/* b = 1/tau (each entry checked), A = diag(b) (W - I) column-major (W
 * checked finite), *normA = ||A||_1. */
static int ex_build_problem(const char *who, const gsl_matrix *W, double tau,
                            const gsl_vector *tau_vec, double *A, double *b, double *normA,
                            lrs_err_t *err)
{
    size_t N = W->size1;
    for (size_t i = 0; i < N; i++) {
        double ti = tau_vec ? gsl_vector_get(tau_vec, i) : tau;
        if (!(ti > 0.0 && isfinite(ti)))
            return lrs_err_set(err, LRS_EINVAL, "%s: tau[%zu] = %g; need > 0", who, i, ti);
        b[i] = 1.0 / ti;
    }
    *normA = 0.0;
    for (size_t j = 0; j < N; j++) {
        double cs = 0.0;
        for (size_t i = 0; i < N; i++) {
            double w = gsl_matrix_get(W, i, j);
            if (!isfinite(w))
                return lrs_err_set(err, LRS_ENONFINITE, "%s: W(%zu,%zu) = %g is not finite", who,
                                   i, j, w);
            A[i + j * N] = b[i] * (w - (i == j ? 1.0 : 0.0));
            cs += fabs(A[i + j * N]);
        }
        if (cs > *normA)
            *normA = cs;
    }
    return LRS_OK;
}

/* C (column-major, overwritten) symmetrised into Cov; its eigenvalues,
 * descending, into pcvar (dsyevd).  Either output may be NULL. */
static int ex_write_results(const char *who, size_t N, double *C, double *ev, gsl_matrix *Cov,
                            gsl_vector *pcvar, lrs_err_t *err)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < i; j++) {
            double v = 0.5 * (C[i + j * N] + C[j + i * N]);
            C[i + j * N] = C[j + i * N] = v;
        }
    if (Cov)
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                gsl_matrix_set(Cov, i, j, C[i + j * N]);
    if (!pcvar)
        return LRS_OK;
    lapack_int info_l = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)N, C,
                                       (lapack_int)N, ev);
    if (info_l != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: dsyevd failed (info %d)", who, (int)info_l);
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(pcvar, k, ev[N - 1 - k]);
    return LRS_OK;
}

/* Check, build A and B, run the route (AUTO: EIGEN, falling back to SCHUR
 * when V is ill-conditioned), write the outputs. */
static int ex_run(const char *who, const gsl_matrix *W, double tau, const gsl_vector *tau_vec,
                  double dt, double tau_x, double sigma_x, lrs_exact_route_t route,
                  gsl_matrix *Cov, gsl_vector *pcvar, lrs_exact_info_t *info, lrs_err_t *err)
{
    double t0 = lrs_wall_seconds();
    int rc = ex_check_args(who, W, tau, tau_vec, dt, tau_x, sigma_x, route, Cov, pcvar, err);
    if (rc)
        return rc;
    size_t N = W->size1, NN = N * N;
    double *A = malloc(NN * sizeof *A), *b = malloc(N * sizeof *b);
    double *C = malloc(NN * sizeof *C), *ev = malloc(N * sizeof *ev);
    if (!A || !b || !C || !ev) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", who, N);
        goto done;
    }
    double normA = 0.0;
    if ((rc = ex_build_problem(who, W, tau, tau_vec, A, b, &normA, err)))
        goto done;
    ex_problem_t pr = {N, tau_x, sigma_x, dt, A, b, normA};
    lrs_exact_info_t inf0 = {LRS_EXACT_AUTO, 0.0, NAN, 0.0};
    if (info)
        *info = inf0;
    lrs_exact_info_t *ip = info ? info : &inf0;
    if (route == LRS_EXACT_SCHUR) {
        rc = ex_schur(&pr, C, ip, err);
    } else {
        rc = ex_eigen(&pr, route == LRS_EXACT_EIGEN, C, ip, err);
        if (rc == EX_FALLBACK)
            rc = ex_schur(&pr, C, ip, err);
    }
    if (rc || (rc = ex_write_results(who, N, C, ev, Cov, pcvar, err)))
        goto done;
    ip->seconds = lrs_wall_seconds() - t0;
done:
    free(A);
    free(b);
    free(C);
    free(ev);
    return rc;
}

int lrs_exact_cov(const gsl_matrix *W, double tau, const gsl_vector *tau_vec, double tau_x,
                  double sigma_x, lrs_exact_route_t route, gsl_matrix *Cov, gsl_vector *pcvar,
                  lrs_exact_info_t *info, lrs_err_t *err)
{
    return ex_run("lrs_exact_cov", W, tau, tau_vec, 0.0, tau_x, sigma_x, route, Cov, pcvar, info,
                  err);
}

int lrs_exact_cov_euler(const gsl_matrix *W, double tau, const gsl_vector *tau_vec, double dt,
                        double tau_x, double sigma_x, lrs_exact_route_t route, gsl_matrix *Cov,
                        gsl_vector *pcvar, lrs_exact_info_t *info, lrs_err_t *err)
{
    if (!(dt > 0.0 && isfinite(dt)))
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_cov_euler: dt = %g; need dt > 0", dt);
    return ex_run("lrs_exact_cov_euler", W, tau, tau_vec, dt, tau_x, sigma_x, route, Cov, pcvar,
                  info, err);
}

int lrs_exact_pcvar(const gsl_matrix *W, double tau, double dt, double tau_x, double sigma_x,
                    gsl_vector *var, lrs_err_t *err)
{
    if (!var)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_pcvar: var is NULL");
    if (dt > 0.0)
        return lrs_exact_cov_euler(W, tau, NULL, dt, tau_x, sigma_x, LRS_EXACT_AUTO, NULL, var,
                                   NULL, err);
    if (dt != 0.0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_pcvar: dt = %g; need dt >= 0", dt);
    return lrs_exact_cov(W, tau, NULL, tau_x, sigma_x, LRS_EXACT_AUTO, NULL, var, NULL, err);
}
