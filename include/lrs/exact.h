/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/exact.h -- exact answers for the LINEAR network (f = identity):
 * an exact propagator / streaming integrator, and the exact stationary
 * covariance driven by the Gaussian-correlated input, without simulation.
 *
 * Model (arXiv:2504.13727):  T dz/dt = -z + W z + x(t),  T = diag(tau) (scalar or
 * per unit), i.e.  dz/dt = A z + B x  with  A = T^{-1}(W - I),  B = T^{-1}.
 * Input: iid channels, E[x_i(t) x_i(t+s)] = sigma_x^2 exp(-s^2/(2 tau_x^2)),
 * spectral density S_x(w) = sigma_x^2 tau_x sqrt(2 pi) exp(-w^2 tau_x^2/2).
 *
 * 1. Exact propagator.  For input linear between the samples x_n = x(n h):
 *        z_{n+1} = E z_n + F0 x_n + F1 x_{n+1},
 *    E = e^{Ah}, F0 = h (phi1(Ah) - phi2(Ah)) B, F1 = h phi2(Ah) B, with
 *    phi1(X) = X^{-1}(e^X - I), phi2(X) = X^{-2}(e^X - I - X).  All three come
 *    from one exponential of the augmented matrix [[Ah, hB, 0],[0, 0, I],
 *    [0, 0, 0]] (Pade 13 scaling and squaring, Higham 2005, evaluated with
 *    N x N blocks only).  The simulator's exact method (lrs_sim_exact in
 *    lrs/sim.h) steps with them and hands the same blocks (Z, X, R = W z)
 *    to the same observers as any lrs_sim_run, reading the same inputs
 *    (lrs_input_t); with a noise source generated at step h it sees the
 *    same continuous input path as an Euler run at dt = 0.01 with the same
 *    seed.
 *
 * 2. Exact stationary covariance  Cov = (1/2pi) int G(w) S_x(w) G(w)^H dw,
 *    G(w) = (i w T + I - W)^{-1}.  Equivalently Cov solves the Lyapunov
 *    equation  A Cov + Cov A^T + Phi(A) B B^T + B B^T Phi(A)^T = 0  with
 *        Phi(a) = int_0^inf e^{a s} c(s) ds
 *               = sigma_x^2 tau_x sqrt(pi/2) erfcx(-a tau_x / sqrt(2)).
 *    Two routes:
 *    EIGEN  A = V diag(l) V^{-1}, M = V^{-1} B B^T V^{-H},
 *           Cov = V K V^H,  K_ij = -M_ij (Phi(l_i) + conj Phi(l_j)) / (l_i + conj l_j)
 *           (complex erfcx through the Faddeeva function; all in real
 *           arithmetic with the real eigenvector basis of dgeev);
 *    SCHUR  A = U T U^H (complex Schur, from the real Schur form), Phi(T) by
 *           a contour-shifted trapezoidal quadrature of the resolvent
 *           (error < 1e-13 relative), then the Lyapunov equation by
 *           Bartels-Stewart on the triangular T.  Robust when V is
 *           ill-conditioned or A is not diagonalisable.
 *    AUTO uses EIGEN when the 1-norm condition estimate of V is at most
 *    LRS_EXACT_COND_MAX and SCHUR otherwise.  Cost: EIGEN is dgeev plus
 *    about 8 N^3 flops, dominated by dgeev; SCHUR is dgees, 47 triangular
 *    inverses and a level-2 Lyapunov solve, several times slower (the
 *    benchmarks measure both).  The library never changes the BLAS thread
 *    count.
 *    With dt > 0 (lrs_exact_cov_euler) the same two routes give the exact
 *    stationary covariance of the forward-Euler recursion
 *        z[n+1] = z[n] + dt (A z[n] + B x(n dt)),
 *    i.e. what a faithful simulation at step dt converges to as T -> inf.
 *
 * Stability is required: max Re eig(A) < 0 (else LRS_EUNSTABLE); for the
 * Euler recursion also max |1 + dt eig(A)| < 1.
 */
#ifndef LRS_EXACT_H
#define LRS_EXACT_H

#include <complex.h>
#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ Faddeeva
 * w(z) = exp(-z^2) erfc(-i z), for every complex z (upper half plane by a
 * pole-corrected trapezoidal rule, Chiarella & Reichel 1968 / Matta & Reichel
 * 1971, node grid shifted away from Re z; lower half plane by
 * w(z) = 2 exp(-z^2) - w(-z)).  Relative accuracy ~1e-15 for Im z >= 0.
 * erfcx(z) = exp(z^2) erfc(z) = w(i z). */
double complex lrs_exact_faddeeva_w(double complex z);
double complex lrs_exact_erfcx(double complex z);

/* ------------------------------------------------------------------ covariance */
typedef enum {
    LRS_EXACT_AUTO = 0,  /* EIGEN if cond(V) <= LRS_EXACT_COND_MAX, else SCHUR */
    LRS_EXACT_EIGEN = 1,
    LRS_EXACT_SCHUR = 2
} lrs_exact_route_t;

/* The AUTO route switches to SCHUR above this eigenvector condition number.
 * The EIGEN route's relative error grows like eps * cond(V) for random
 * networks but like eps * cond(V)^2 in the worst case (nearly defective
 * pairs; measured 2e-10 at cond 1.2e4 and 9e-5 at cond 1.1e7). */
#define LRS_EXACT_COND_MAX 1e5

/* "auto", "eigen", "schur". */
const char *lrs_exact_route_name(lrs_exact_route_t r);
int lrs_exact_route_parse(const char *name, lrs_exact_route_t *r, lrs_err_t *err);

typedef struct lrs_exact_info {
    lrs_exact_route_t route; /* route actually used (EIGEN or SCHUR) */
    double cond_V;           /* 1-norm condition estimate of the eigenvectors
                                (0 if the SCHUR route was forced) */
    double max_re;           /* largest real part of eig(A) */
    double seconds;          /* wall time of the computation */
} lrs_exact_info_t;

/* Cov (N x N) <- exact stationary covariance of the continuous-time linear
 * network.  tau_vec (length N, all > 0) overrides the scalar tau when not
 * NULL.  tau_x > 0, sigma_x >= 0.  pcvar (length N, nullable) <- eigenvalues
 * of Cov, descending.  Cov may be NULL if only pcvar is wanted.  info
 * (nullable) <- route used etc. */
int lrs_exact_cov(const gsl_matrix *W, double tau, const gsl_vector *tau_vec,
                  double tau_x, double sigma_x, lrs_exact_route_t route,
                  gsl_matrix *Cov, gsl_vector *pcvar, lrs_exact_info_t *info,
                  lrs_err_t *err);

/* The same for the forward-Euler recursion at step dt > 0 (input sampled at
 * t = n dt).  Needs max |1 + dt eig(A)| < 1. */
int lrs_exact_cov_euler(const gsl_matrix *W, double tau,
                        const gsl_vector *tau_vec, double dt, double tau_x,
                        double sigma_x, lrs_exact_route_t route,
                        gsl_matrix *Cov, gsl_vector *pcvar,
                        lrs_exact_info_t *info, lrs_err_t *err);

/* Convenience: PC variances (descending) of the exact covariance, scalar tau,
 * AUTO route.  dt = 0: continuous time; dt > 0: the Euler recursion. */
int lrs_exact_pcvar(const gsl_matrix *W, double tau, double dt, double tau_x,
                    double sigma_x, gsl_vector *var, lrs_err_t *err);

/* ------------------------------------------------------------------ propagator
 * E, F0, F1 (N x N) of the exact step h for input linear between samples
 * (see 1. above).  tau_vec overrides tau when not NULL. */
int lrs_exact_propagator(const gsl_matrix *W, double tau,
                         const gsl_vector *tau_vec, double h, gsl_matrix *E,
                         gsl_matrix *F0, gsl_matrix *F1, lrs_err_t *err);

/* Matrix exponential e^A (N x N; Pade 13 scaling and squaring, Higham 2005).
 * E may not alias A. */
int lrs_exact_expm(const gsl_matrix *A, gsl_matrix *E, lrs_err_t *err);

/* ------------------------------------------------------------------ integrator
 * The streaming exact integrator is the lrs_sim_exact method of the
 * simulator (lrs/sim.h): p.method = lrs_sim_exact, p.dt = the step h; it
 * needs f = identity and the recurrent mode.  Time grid t_n = n h, observers
 * receive (z[n], x[n], r[n] = W z[n]) in blocks as from any lrs_sim_run, and
 * the input is taken linear between consecutive samples. */

/* Default exact step for input correlation time tau_x: tau_x / 20 (0.5 for
 * tau_x = 10): the PC spectrum then agrees with a faithful Euler run at
 * dt = 0.01 to well within 1% (median over PCs, same seed), see make bench. */
double lrs_exact_default_step(double tau_x);

#ifdef __cplusplus
}
#endif
#endif
