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

/* ------------------------------------------------------------------ eigen route */

/* Returns LRS_OK with Cov filled; EX_FALLBACK (not an error code) if AUTO
 * should fall back to the Schur route; or an LRS_E* code. */
#define EX_FALLBACK (-1)

static int ex_eigen(const ex_problem_t *p, int forced, double *Cov, lrs_exact_info_t *info,
                    lrs_err_t *err)
{
    size_t N = p->N, NN = N * N;
    lapack_int n = (lapack_int)N;
    int rc = LRS_OK;
    double *a = malloc(NN * sizeof *a), *V = malloc(NN * sizeof *V);
    double *lu = malloc(NN * sizeof *lu), *X = malloc(NN * sizeof *X);
    double *Mr = malloc(NN * sizeof *Mr), *wr = malloc(N * sizeof *wr);
    double *wi = malloc(N * sizeof *wi);
    double complex *lam = malloc(N * sizeof *lam), *phi = malloc(N * sizeof *phi);
    size_t *bs = malloc(N * sizeof *bs);
    lapack_int *ipiv = malloc(N * sizeof *ipiv);
    if (!a || !V || !lu || !X || !Mr || !wr || !wi || !lam || !phi || !bs || !ipiv) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_exact_cov: out of memory (N = %zu)", N);
        goto done;
    }
    memcpy(a, p->A, NN * sizeof *a);
    lapack_int info_l = LAPACKE_dgeev(LAPACK_COL_MAJOR, 'N', 'V', n, a, n, wr, wi, NULL, 1, V, n);
    if (info_l != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: dgeev failed (info %d)", (int)info_l);
        goto done;
    }
    double maxre = -INFINITY, maxmod = 0.0;
    int stable = 1;
    double margin = 64.0 * 2.2e-16 * p->normA;
    for (size_t k = 0; k < N; k++) {
        lam[k] = wr[k] + I * wi[k];
        if (wr[k] > maxre)
            maxre = wr[k];
        double md = cabs(1.0 + p->dt * lam[k]);
        if (md > maxmod)
            maxmod = md;
        if (!ex_stable(p, lam[k], margin))
            stable = 0;
    }
    if (info)
        info->max_re = maxre;
    if (!stable) {
        rc = ex_unstable_error(p, maxre, maxmod, err);
        goto done;
    }
    /* LU of V and its condition number. */
    memcpy(lu, V, NN * sizeof *lu);
    double anorm = LAPACKE_dlange(LAPACK_COL_MAJOR, '1', n, n, V, n), rcond = 0.0;
    info_l = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, lu, n, ipiv);
    if (info_l == 0)
        info_l = LAPACKE_dgecon(LAPACK_COL_MAJOR, '1', n, lu, n, anorm, &rcond);
    double cond = rcond > 0.0 ? 1.0 / rcond : INFINITY;
    if (info)
        info->cond_V = cond;
    if (info_l != 0 || !(rcond > 0.0) || cond > LRS_EXACT_COND_MAX) {
        if (!forced) {
            rc = EX_FALLBACK;
            goto done;
        }
        if (info_l != 0 || !(rcond > 0.0)) {
            rc = lrs_err_set(err, LRS_ENUMERIC,
                             "lrs_exact_cov: the eigenvector matrix is singular (A is not "
                             "diagonalisable); use the schur route");
            goto done;
        }
    }
    /* X = V^{-1} B, M_r = X X^T. */
    memset(X, 0, NN * sizeof *X);
    for (size_t i = 0; i < N; i++)
        X[i + i * N] = p->b[i];
    info_l = LAPACKE_dgetrs(LAPACK_COL_MAJOR, 'N', n, n, lu, n, ipiv, X, n);
    if (info_l != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: dgetrs failed (info %d)", (int)info_l);
        goto done;
    }
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, n, n, 1.0, X, n, 0.0, Mr, n);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < j; i++)
            Mr[i + j * N] = Mr[j + i * N];
    /* Blocks: bs[k] = 1 (real eigenvalue), 2 (first of a pair), 0 (second). */
    for (size_t k = 0; k < N; k++) {
        if (wi[k] != 0.0 && k + 1 < N) {
            bs[k] = 2;
            bs[k + 1] = 0;
            phi[k] = p->dt == 0.0 ? phi_cont(p, lam[k]) : phi_euler(p, 1.0 + p->dt * lam[k]);
            phi[k + 1] = conj(phi[k]);
            k++;
        } else {
            bs[k] = 1;
            phi[k] = p->dt == 0.0 ? phi_cont(p, lam[k]) : phi_euler(p, 1.0 + p->dt * lam[k]);
        }
    }
    /* K_r block by block, written over X (no longer needed). */
    double *Kr = X;
    const double complex Jm[2][2] = {{1.0, 1.0}, {I, -I}};
    const double complex Jinv[2][2] = {{0.5, -0.5 * I}, {0.5, 0.5 * I}};
    for (size_t i = 0; i < N; i++) {
        if (!bs[i])
            continue;
        size_t si = bs[i];
        for (size_t j = 0; j < N; j++) {
            if (!bs[j])
                continue;
            size_t sj = bs[j];
            double complex mc[2][2], kc[2][2], t[2][2];
            /* mc = Jinv_i Mr_ij Jinv_j^H (identity for a size-1 block) */
            for (size_t r = 0; r < si; r++)
                for (size_t c = 0; c < sj; c++) {
                    double complex s = 0.0;
                    for (size_t q = 0; q < si; q++) {
                        double complex jl = si == 2 ? Jinv[r][q] : 1.0;
                        for (size_t w = 0; w < sj; w++) {
                            double complex jr = sj == 2 ? conj(Jinv[c][w]) : 1.0;
                            s += jl * Mr[(i + q) + (j + w) * N] * jr;
                        }
                    }
                    mc[r][c] = s;
                }
            for (size_t r = 0; r < si; r++)
                for (size_t c = 0; c < sj; c++)
                    kc[r][c] = mc[r][c] * ex_kernel(p, lam[i + r], lam[j + c], phi[i + r],
                                                    phi[j + c]);
            /* K_r block = J_i kc J_j^H */
            for (size_t r = 0; r < si; r++)
                for (size_t c = 0; c < sj; c++) {
                    double complex s = 0.0;
                    for (size_t q = 0; q < si; q++) {
                        double complex jl = si == 2 ? Jm[r][q] : 1.0;
                        for (size_t w = 0; w < sj; w++) {
                            double complex jr = sj == 2 ? conj(Jm[c][w]) : 1.0;
                            s += jl * kc[q][w] * jr;
                        }
                    }
                    t[r][c] = s;
                }
            for (size_t r = 0; r < si; r++)
                for (size_t c = 0; c < sj; c++)
                    Kr[(i + r) + (j + c) * N] = creal(t[r][c]);
        }
    }
    /* Cov = V K_r V^T */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, V, n, Kr, n, 0.0, Mr, n);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, Mr, n, V, n, 0.0, Cov, n);
    if (info)
        info->route = LRS_EXACT_EIGEN;
done:
    free(a);
    free(V);
    free(lu);
    free(X);
    free(Mr);
    free(wr);
    free(wi);
    free(lam);
    free(phi);
    free(bs);
    free(ipiv);
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

static int ex_schur(const ex_problem_t *p, double *Cov, lrs_exact_info_t *info, lrs_err_t *err)
{
    size_t N = p->N, NN = N * N;
    lapack_int n = (lapack_int)N;
    int rc = LRS_OK;
    double *s = malloc(NN * sizeof *s), *Z = malloc(NN * sizeof *Z);
    double *wr = malloc(N * sizeof *wr), *wi = malloc(N * sizeof *wi);
    double complex *T = malloc(NN * sizeof *T), *U = malloc(NN * sizeof *U);
    double complex *R = malloc(NN * sizeof *R), *F = calloc(NN, sizeof *F);
    double complex *M = malloc(NN * sizeof *M), *Q = malloc(NN * sizeof *Q);
    if (!s || !Z || !wr || !wi || !T || !U || !R || !F || !M || !Q) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_exact_cov: out of memory (N = %zu)", N);
        goto done;
    }
    memcpy(s, p->A, NN * sizeof *s);
    lapack_int sdim = 0;
    lapack_int info_l = LAPACKE_dgees(LAPACK_COL_MAJOR, 'V', 'N', NULL, n, s, n, &sdim, wr, wi, Z,
                                      n);
    if (info_l != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: dgees failed (info %d)", (int)info_l);
        goto done;
    }
    double maxre = -INFINITY, maxmod = 0.0, margin = 64.0 * 2.2e-16 * p->normA;
    int stable = 1;
    for (size_t k = 0; k < N; k++) {
        double complex l = wr[k] + I * wi[k];
        if (wr[k] > maxre)
            maxre = wr[k];
        if (cabs(1.0 + p->dt * l) > maxmod)
            maxmod = cabs(1.0 + p->dt * l);
        if (!ex_stable(p, l, margin))
            stable = 0;
    }
    if (info)
        info->max_re = maxre;
    if (!stable) {
        rc = ex_unstable_error(p, maxre, maxmod, err);
        goto done;
    }
    for (size_t k = 0; k < NN; k++) {
        T[k] = s[k];
        U[k] = Z[k];
    }
    /* dgees leaves garbage below the subdiagonal? No: S is quasi-triangular,
     * but clear the strict lower part below the first subdiagonal anyway. */
    for (size_t j = 0; j < N; j++)
        for (size_t i = j + 2; i < N; i++)
            T[i + j * N] = 0.0;
    if (N > 1)
        ex_rsf2csf(N, T, U);
    for (size_t j = 0; j < N; j++)
        for (size_t i = j + 1; i < N; i++)
            T[i + j * N] = 0.0;

    /* Phi(T) (upper triangular) by the shifted trapezoidal rule. */
    double c0 = p->sigma_x * p->sigma_x, kap = sqrt(2.0) / p->tau_x, th = kap * p->dt;
    double smax = sqrt(EX_ETA * EX_ETA + 41.5);
    long kmax = (long)ceil(smax / EX_HQ);
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
        info_l = LAPACKE_ztrtri(LAPACK_COL_MAJOR, 'U', 'N', n, R, n);
        if (info_l != 0) {
            rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: ztrtri failed (info %d)",
                             (int)info_l);
            goto done;
        }
        for (size_t j = 0; j < N; j++)
            for (size_t i = 0; i <= j; i++)
                F[i + j * N] += wgt * R[i + j * N];
    }
    /* M = U^H B^2 U:  R = B^2 U (row scaling), M = U^H R. */
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++)
            R[i + j * N] = p->b[i] * p->b[i] * U[i + j * N];
    const double complex one = 1.0, zero = 0.0;
    cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, n, n, n, &one, U, n, R, n, &zero, M,
                n);
    /* Q = F M + M F^H  (Euler: dt^2 (F M + M F^H - c0 M)) */
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, F, n, M, n, &zero, Q, n);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++) {
            double complex qij = Q[i + j * N] + conj(Q[j + i * N]);
            R[i + j * N] = p->dt == 0.0 ? qij : p->dt * p->dt * (qij - c0 * M[i + j * N]);
        }
    /* R now holds the Hermitian right-hand side Q. */
    if (p->dt == 0.0) {
        /* T X + X T^H = -Q */
        for (size_t k = 0; k < NN; k++)
            R[k] = -R[k];
        info_l = ex_trsyl((int)n, T, R);
    } else {
        /* X - P X P^H = Q, P = I + dt T:  Ac = (P+I)^{-1}(P-I),
         * Ac X + X Ac^H = -2 (P+I)^{-1} Q (P+I)^{-H}. */
        double complex *Pi = F, *Ac = M; /* reuse */
        for (size_t j = 0; j < N; j++)
            for (size_t i = 0; i < N; i++) {
                double complex t = i <= j ? p->dt * T[i + j * N] : 0.0;
                Pi[i + j * N] = t + (i == j ? 2.0 : 0.0);
                Ac[i + j * N] = t; /* P - I = dt T */
            }
        info_l = LAPACKE_ztrtri(LAPACK_COL_MAJOR, 'U', 'N', n, Pi, n);
        if (info_l != 0) {
            rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: ztrtri failed (info %d)",
                             (int)info_l);
            goto done;
        }
        cblas_ztrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, n, n, &one,
                    Pi, n, Ac, n);
        const double complex m2 = -2.0;
        cblas_ztrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, n, n, &m2,
                    Pi, n, R, n);
        cblas_ztrmm(CblasColMajor, CblasRight, CblasUpper, CblasConjTrans, CblasNonUnit, n, n,
                    &one, Pi, n, R, n);
        info_l = ex_trsyl((int)n, Ac, R);
    }
    if (info_l == -1000) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_exact_cov: out of memory (N = %zu)", N);
        goto done;
    }
    if (info_l < 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_exact_cov: Lyapunov solve failed (info %d)",
                         (int)info_l);
        goto done;
    }
    /* Cov = Re(U X U^H) */
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, U, n, R, n, &zero, Q, n);
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, n, n, n, &one, Q, n, U, n, &zero, M,
                n);
    for (size_t k = 0; k < NN; k++)
        Cov[k] = creal(M[k]);
    if (info)
        info->route = LRS_EXACT_SCHUR;
done:
    free(s);
    free(Z);
    free(wr);
    free(wi);
    free(T);
    free(U);
    free(R);
    free(F);
    free(M);
    free(Q);
    return rc;
}

/* ------------------------------------------------------------------ driver */

static int ex_run(const char *who, const gsl_matrix *W, double tau, const gsl_vector *tau_vec,
                  double dt, double tau_x, double sigma_x, lrs_exact_route_t route,
                  gsl_matrix *Cov, gsl_vector *pcvar, lrs_exact_info_t *info, lrs_err_t *err)
{
    double t0 = lrs_wall_seconds();
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
    size_t NN = N * N;
    int rc = LRS_OK;
    double *A = malloc(NN * sizeof *A), *b = malloc(N * sizeof *b);
    double *C = malloc(NN * sizeof *C), *ev = malloc(N * sizeof *ev);
    if (!A || !b || !C || !ev) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", who, N);
        goto done;
    }
    for (size_t i = 0; i < N; i++) {
        double ti = tau_vec ? gsl_vector_get(tau_vec, i) : tau;
        if (!(ti > 0.0 && isfinite(ti))) {
            rc = lrs_err_set(err, LRS_EINVAL, "%s: tau[%zu] = %g; need > 0", who, i, ti);
            goto done;
        }
        b[i] = 1.0 / ti;
    }
    double normA = 0.0;
    for (size_t j = 0; j < N; j++) {
        double cs = 0.0;
        for (size_t i = 0; i < N; i++) {
            double w = gsl_matrix_get(W, i, j);
            if (!isfinite(w)) {
                rc = lrs_err_set(err, LRS_ENONFINITE, "%s: W(%zu,%zu) = %g is not finite", who,
                                 i, j, w);
                goto done;
            }
            A[i + j * N] = b[i] * (w - (i == j ? 1.0 : 0.0));
            cs += fabs(A[i + j * N]);
        }
        if (cs > normA)
            normA = cs;
    }
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
    if (rc)
        goto done;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < i; j++) {
            double v = 0.5 * (C[i + j * N] + C[j + i * N]);
            C[i + j * N] = C[j + i * N] = v;
        }
    if (Cov)
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                gsl_matrix_set(Cov, i, j, C[i + j * N]);
    if (pcvar) {
        lapack_int info_l = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)N, C,
                                           (lapack_int)N, ev);
        if (info_l != 0) {
            rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dsyevd failed (info %d)", who, (int)info_l);
            goto done;
        }
        for (size_t k = 0; k < N; k++)
            gsl_vector_set(pcvar, k, ev[N - 1 - k]);
    }
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
