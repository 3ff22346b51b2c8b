/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Matrix exponential and the exact propagator of the linear network for input
 * linear between samples (see lrs/exact.h).
 *
 * Maths.  dz/dt = A z + B x, x linear on [t, t+h] from x_n to x_{n+1}:
 *     z(t+h) = e^{Ah} z(t) + h (phi1 - phi2)(Ah) B x_n + h phi2(Ah) B x_{n+1},
 * and, with X = A h, Y = B h (diagonal):
 *     exp([[X, Y, 0], [0, 0, I], [0, 0, 0]]) = [[e^X, phi1(X) Y, phi2(X) Y], [0, I, I], [0, 0, I]].
 *
 * Algorithm (Higham, SIAM J. Matrix Anal. Appl. 26 (2005) 1179: Pade [13/13]
 * with scaling and squaring), applied to the augmented matrix without forming
 * it.  Let M = [[X, Y, 0], [0, 0, eI], [0, 0, 0]] (e = 2^-s after scaling).
 * For k >= 2, M^k = [[X^k, X^{k-1} Y, e X^{k-2} Y], 0, 0], so any polynomial
 * p(M) = sum b_k M^k has the blocks p(X), p_1(X) Y, e p_2(X) Y with
 * p_1 = sum_{k>=1} b_k X^{k-1}, p_2 = sum_{k>=2} b_k X^{k-2}.  With the Pade
 * numerator p and denominator q(x) = p(-x), r(M) = q(M)^{-1} p(M) has
 *     R11 = Q^{-1} P,  R12 = Q^{-1} 2 Uo Y,
 *     R13 = Q^{-1} 2 e (X (Uo' - Ve'/2) + Uo/2) Y            (b1/b0 = 1/2),
 * where, with X2 = X^2, X4, X6 as in Higham's algorithm,
 *     Uo' = X6 (b13 X4 + b11 X2 + b9) + b7 X4 + b5 X2 + b3   (odd part / X^3)
 *     Ve' = X6 (b12 X4 + b10 X2 + b8) + b6 X4 + b4 X2 + b2   (even part / X^2)
 *     Uo = b1 + X2 Uo',  V = b0 + X2 Ve',  U = X Uo,  P = V + U,  Q = V - U.
 * Nine N x N products, one LU and three solves.  Squaring of
 * [[E, F1, F2], [0, I, eI], [0, 0, I]]:
 *     E <- E^2,  F1 <- (E + I) F1,  F2 <- (E + I) F2 + e F1,  e <- 2e.
 * s = max(0, ceil(log2(||M||_1 / theta13))), theta13 = 5.37192035114815.
 *
 * Storage: dense row-major N x N arrays (stride N), CBLAS row-major.
 */
#include "lrs/exact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <lapacke.h>

static const double pade13[14] = {
    64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
    129060195264000.0,   10559470521600.0,    670442572800.0,     33522128640.0,
    1323241920.0,        40840800.0,          960960.0,           16380.0,
    182.0,               1.0};
#define THETA13 5.371920351148152

static void mm(size_t N, const double *A, const double *B, double *C)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)N, (int)N, 1.0, A,
                (int)N, B, (int)N, 0.0, C, (int)N);
}

/* out = a*X4 + b*X2 + c*I */
static void lincomb(size_t N, double a, const double *X4, double b, const double *X2, double c,
                    double *out)
{
    for (size_t k = 0; k < N * N; k++)
        out[k] = a * X4[k] + b * X2[k];
    for (size_t i = 0; i < N; i++)
        out[i * N + i] += c;
}

/* Work of expm_phi: 7 N x N arrays, reused as the evaluation proceeds:
 *   Xs | X2 | X4 -> V -> Q | X6 -> Uo | T (temporary) | Uo' -> U -> P | Ve' -> Wm */
typedef struct {
    size_t N;
    double *Xs, *X2, *X4, *X6, *T, *Uop, *Vep;
    double *V, *Uo, *U, *Wm; /* aliases of the above, once the old content is spent */
} pade_ws_t;

/* Scaling: s = max(0, ceil(log2(||M||_1 / theta13))) from the 1-norm of X
 * (and of y, the other columns of the augmented matrix); a non-finite X is
 * an error. */
static int expm_scaling(size_t N, const double *X, const double *y, int *s, const char *who,
                        lrs_err_t *err)
{
    double nrm = 1.0;
    for (size_t j = 0; j < N; j++) {
        double cs = 0.0;
        for (size_t i = 0; i < N; i++)
            cs += fabs(X[i * N + j]);
        if (!isfinite(cs))
            return lrs_err_set(err, LRS_ENONFINITE, "%s: the matrix has a non-finite entry", who);
        nrm = fmax(nrm, cs);
        if (y)
            nrm = fmax(nrm, fabs(y[j]));
    }
    *s = nrm > THETA13 ? (int)ceil(log2(nrm / THETA13)) : 0;
    return LRS_OK;
}

/* The Pade [13/13] parts of Xs (in w->Xs): Uo' and Ve' (odd and even parts
 * over X^3, X^2), then V, Uo, U = Xs Uo and, with y, Wm = Xs (Uo' - Ve'/2). */
static void pade13_parts(pade_ws_t *w, int with_y)
{
    size_t N = w->N, NN = N * N;
    const double *b = pade13;
    mm(N, w->Xs, w->Xs, w->X2);
    mm(N, w->X2, w->X2, w->X4);
    mm(N, w->X4, w->X2, w->X6);
    lincomb(N, b[13], w->X4, b[11], w->X2, b[9], w->T);
    mm(N, w->X6, w->T, w->Uop);
    lincomb(N, b[7], w->X4, b[5], w->X2, b[3], w->T);
    for (size_t k = 0; k < NN; k++)
        w->Uop[k] += w->T[k];
    lincomb(N, b[12], w->X4, b[10], w->X2, b[8], w->T);
    mm(N, w->X6, w->T, w->Vep);
    lincomb(N, b[6], w->X4, b[4], w->X2, b[2], w->T);
    for (size_t k = 0; k < NN; k++)
        w->Vep[k] += w->T[k];
    w->V = w->X4; /* X4, X6 no longer needed */
    w->Uo = w->X6;
    mm(N, w->X2, w->Vep, w->V);
    mm(N, w->X2, w->Uop, w->Uo);
    for (size_t i = 0; i < N; i++) {
        w->V[i * N + i] += b[0];
        w->Uo[i * N + i] += b[1];
    }
    w->Wm = NULL;
    if (with_y) {
        for (size_t k = 0; k < NN; k++)
            w->T[k] = w->Uop[k] - 0.5 * w->Vep[k];
        w->Wm = w->Vep; /* Ve' no longer needed */
        mm(N, w->Xs, w->T, w->Wm);
    }
    w->U = w->Uop; /* Uo' no longer needed */
    mm(N, w->Xs, w->Uo, w->U);
}

/* r(M) = Q^{-1} P: E = Q^{-1} (V + U) and, with y, F1 = Q^{-1} 2 Uo Ys,
 * F2 = Q^{-1} 2 e (Wm + Uo/2) Ys (Ys = sc diag(y)); one LU of Q = V - U. */
static int pade13_solve(pade_ws_t *w, const double *y, double sc, double eps_s,
                        lapack_int *ipiv, double *E, double *F1, double *F2, const char *who,
                        lrs_err_t *err)
{
    size_t N = w->N;
    double *V = w->V;
    for (size_t k = 0; k < N * N; k++) {
        double v = V[k], u = w->U[k];
        V[k] = v - u;
        E[k] = v + u;
    }
    lapack_int n = (lapack_int)N;
    lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, n, n, V, n, ipiv);
    if (info == 0)
        info = LAPACKE_dgetrs(LAPACK_ROW_MAJOR, 'N', n, n, V, n, ipiv, E, n);
    if (info == 0 && y) {
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++) {
                double ys = sc * y[j], uo = w->Uo[i * N + j];
                F1[i * N + j] = 2.0 * uo * ys;
                F2[i * N + j] = 2.0 * eps_s * (w->Wm[i * N + j] + 0.5 * uo) * ys;
            }
        info = LAPACKE_dgetrs(LAPACK_ROW_MAJOR, 'N', n, n, V, n, ipiv, F1, n);
        if (info == 0)
            info = LAPACKE_dgetrs(LAPACK_ROW_MAJOR, 'N', n, n, V, n, ipiv, F2, n);
    }
    if (info != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: Pade denominator is singular (LU info %d)",
                           who, (int)info);
    return LRS_OK;
}

/* s squarings of [[E, F1, F2], [0, I, eI], [0, 0, I]] (F1, F2 only with_y):
 * E <- E^2, F1 <- (E + I) F1, F2 <- (E + I) F2 + e F1, e <- 2e. */
static void expm_square(pade_ws_t *w, int s, int with_y, double eps_s, double *E, double *F1,
                        double *F2)
{
    size_t N = w->N, NN = N * N;
    double *T = w->T, *U = w->U;
    for (int k = 0; k < s; k++) {
        if (with_y) {
            memcpy(T, E, NN * sizeof *T);
            for (size_t i = 0; i < N; i++)
                T[i * N + i] += 1.0; /* E + I */
            mm(N, T, F2, U);
            for (size_t q = 0; q < NN; q++)
                F2[q] = U[q] + eps_s * F1[q];
            mm(N, T, F1, U);
            memcpy(F1, U, NN * sizeof *U);
            eps_s *= 2.0;
        }
        mm(N, E, E, U);
        memcpy(E, U, NN * sizeof *U);
    }
}

/* E = e^X, and (if y != NULL) F1 = phi1(X) diag(y), F2 = phi2(X) diag(y).
 * X, y are not modified; E, F1, F2 are dense N x N outputs (not aliasing X).
 * Steps: scaling by 2^-s, the Pade [13/13] parts, one LU solve, s squarings. */
static int expm_phi(size_t N, const double *X, const double *y, double *E, double *F1,
                    double *F2, const char *who, lrs_err_t *err)
{
    size_t NN = N * N;
    int rc = LRS_OK, s = 0;
    double *mem = calloc(7 * NN, sizeof *mem);
    lapack_int *ipiv = malloc(N * sizeof *ipiv);
    if (!mem || !ipiv) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", who, N);
        goto done;
    }
    pade_ws_t w = {N,           mem,          mem + NN,     mem + 2 * NN, mem + 3 * NN,
                   mem + 4 * NN, mem + 5 * NN, mem + 6 * NN, NULL,         NULL,
                   NULL,        NULL};
    if ((rc = expm_scaling(N, X, y, &s, who, err)))
        goto done;
    double sc = ldexp(1.0, -s);
    for (size_t k = 0; k < NN; k++)
        w.Xs[k] = sc * X[k];
    pade13_parts(&w, y != NULL);
    if ((rc = pade13_solve(&w, y, sc, sc, ipiv, E, F1, F2, who, err)))
        goto done;
    expm_square(&w, s, y != NULL, sc, E, F1, F2);
done:
    free(mem);
    free(ipiv);
    return rc;
}

int lrs_exact_expm(const gsl_matrix *A, gsl_matrix *E, lrs_err_t *err)
{
    if (!A || !E)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_expm: %s is NULL", A ? "E" : "A");
    size_t N = A->size1;
    if (A->size2 != N || N == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_expm: A is %zux%zu; expected square, non-empty",
                           A->size1, A->size2);
    if (E->size1 != N || E->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_expm: E is %zux%zu; expected %zux%zu", E->size1,
                           E->size2, N, N);
    double *X = malloc(N * N * sizeof *X), *Ed = malloc(N * N * sizeof *Ed);
    int rc = LRS_OK;
    if (!X || !Ed) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_exact_expm: out of memory (N = %zu)", N);
        goto done;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            X[i * N + j] = gsl_matrix_get(A, i, j);
    rc = expm_phi(N, X, NULL, Ed, NULL, NULL, "lrs_exact_expm", err);
    if (rc)
        goto done;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(E, i, j, Ed[i * N + j]);
done:
    free(X);
    free(Ed);
    return rc;
}

int lrs_exact_propagator(const gsl_matrix *W, double tau, const gsl_vector *tau_vec, double h,
                         gsl_matrix *E, gsl_matrix *F0, gsl_matrix *F1, lrs_err_t *err)
{
    const char *who = "lrs_exact_propagator";
    if (!W || !E || !F0 || !F1)
        return lrs_err_set(err, LRS_EINVAL, "%s: NULL argument", who);
    size_t N = W->size1;
    if (W->size2 != N || N == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square, non-empty", who,
                           W->size1, W->size2);
    if (E->size1 != N || E->size2 != N || F0->size1 != N || F0->size2 != N || F1->size1 != N ||
        F1->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: E, F0, F1 must be %zux%zu", who, N, N);
    if (tau_vec && tau_vec->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: tau_vec has length %zu; expected N = %zu", who,
                           tau_vec->size, N);
    if (!(h > 0.0 && isfinite(h)))
        return lrs_err_set(err, LRS_EINVAL, "%s: h = %g; need h > 0", who, h);
    size_t NN = N * N;
    int rc = LRS_OK;
    /* h phi1(Ah) B is computed into F0 and h phi2(Ah) B into F1 directly
     * when they are dense (tda = N); otherwise through temporaries. */
    int dense = E->tda == N && F0->tda == N && F1->tda == N;
    double *X = malloc(NN * sizeof *X), *y = malloc(N * sizeof *y);
    double *Ed = dense ? E->data : malloc(NN * sizeof *Ed);
    double *P1 = dense ? F0->data : malloc(NN * sizeof *P1);
    double *P2 = dense ? F1->data : malloc(NN * sizeof *P2);
    if (!X || !y || !Ed || !P1 || !P2) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", who, N);
        goto done;
    }
    for (size_t i = 0; i < N; i++) {
        double ti = tau_vec ? gsl_vector_get(tau_vec, i) : tau;
        if (!(ti > 0.0 && isfinite(ti))) {
            rc = lrs_err_set(err, LRS_EINVAL, "%s: tau[%zu] = %g; need > 0", who, i, ti);
            goto done;
        }
        y[i] = h / ti;
        for (size_t j = 0; j < N; j++) {
            double w = gsl_matrix_get(W, i, j);
            if (!isfinite(w)) {
                rc = lrs_err_set(err, LRS_ENONFINITE, "%s: W(%zu,%zu) = %g is not finite", who,
                                 i, j, w);
                goto done;
            }
            X[i * N + j] = y[i] * (w - (i == j ? 1.0 : 0.0));
        }
    }
    rc = expm_phi(N, X, y, Ed, P1, P2, who, err);
    if (rc)
        goto done;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double p1 = P1[i * N + j], p2 = P2[i * N + j];
            gsl_matrix_set(E, i, j, Ed[i * N + j]);
            gsl_matrix_set(F0, i, j, p1 - p2);
            gsl_matrix_set(F1, i, j, p2);
        }
done:
    free(X);
    free(y);
    if (!dense) {
        free(Ed);
        free(P1);
        free(P2);
    }
    return rc;
}
