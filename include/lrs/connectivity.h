/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/connectivity.h -- connectivity matrices of arXiv:2504.13727, Figs 1-6.
 *
 *   W = W0 + W1,  W0 = U S V^T (rank r),  W1 = rho G / sqrt(N), G_ij ~ N(0,1)
 *
 * Every random generator takes an explicit gsl_rng; matrices are filled in
 * row-major order so a seed gives the same matrix on every machine.
 */
#ifndef LRS_CONNECTIVITY_H
#define LRS_CONNECTIVITY_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Q (N x k, k <= N) <- k random orthonormal columns (Gaussian matrix, then
 * Householder QR with the signs of R's diagonal made positive, so that the
 * columns are Haar-distributed). */
int lrs_conn_orthonormal(gsl_rng *rng, gsl_matrix *Q, lrs_err_t *err);
/* u (length N) <- a uniformly random unit vector. */
int lrs_conn_random_unit(gsl_rng *rng, gsl_vector *u, lrs_err_t *err);

/* W += U diag(s) V^T  (U, V: N x r; s: length r).  Use on a zeroed W for W0. */
int lrs_conn_add_lowrank(gsl_matrix *W, const gsl_matrix *U, const gsl_vector *s,
                         const gsl_matrix *V, lrs_err_t *err);
/* W += c u v^T. */
int lrs_conn_add_rank1(gsl_matrix *W, double c, const gsl_vector *u,
                       const gsl_vector *v, lrs_err_t *err);
/* W += rho G / sqrt(N), G_ij iid N(0, 1) drawn row by row. */
int lrs_conn_add_gaussian(gsl_matrix *W, double rho, gsl_rng *rng, lrs_err_t *err);
/* W_ij <- the nearest binary16 (IEEE 754 half precision) number, ties to
 * even: a relative change of at most 2^-11 (absolute 2^-25 below 2^-14).
 * A W stored this way is multiplied from half the bytes by the float32
 * simulator (LRS_SIM_FLOAT32, lrs/sim.h), with the same bits.
 * LRS_ENONFINITE or LRS_EINVAL (W unchanged) if an entry is not finite or
 * beyond binary16's largest number, 65504. */
int lrs_conn_round_binary16(gsl_matrix *W, lrs_err_t *err);
/* W <- (mu + sigma G) / sqrt(N)  (biased random matrix, figS-biased). */
int lrs_conn_biased(gsl_matrix *W, double mu, double sigma, gsl_rng *rng,
                    lrs_err_t *err);

/* Rank-one helpers for Figs 1-2 and figS-nonnormal: u random unit; v = u
 * (LRS_RANK1_NORMAL), v random unit made orthogonal to u (LRS_RANK1_ORTHOGONAL),
 * or v an independent random unit vector (LRS_RANK1_RANDOM).  u drawn first. */
typedef enum {
    LRS_RANK1_NORMAL = 0,
    LRS_RANK1_ORTHOGONAL = 1,
    LRS_RANK1_RANDOM = 2
} lrs_rank1_kind_t;
int lrs_conn_rank1_vectors(gsl_rng *rng, lrs_rank1_kind_t kind, gsl_vector *u,
                           gsl_vector *v, lrs_err_t *err);

/* Modular block matrix: populations of sizes[0..npop-1] (sum N) laid out in
 * order; W0_ij = means[a * npop + b] for i in population a, j in b. */
int lrs_conn_modular(gsl_matrix *W0, const size_t *sizes, size_t npop,
                     const double *means, lrs_err_t *err);
/* Figure 4 preset: Ne = 3N/4 excitatory then Ni = N/4 inhibitory units;
 * jee = 0.5, jei = -2, jie = 1, jii = -1, all divided by sqrt(N). */
int lrs_conn_modular_ei(gsl_matrix *W0, lrs_err_t *err);

/* Spatial ring (Fig 5): theta_i = i/N, W0_ij = c g(theta_i - theta_j)/sqrt(N),
 * g the wrapped Gaussian density on [0,1) of width sigma_w (wraps -2..2). */
int lrs_conn_ring(gsl_matrix *W0, double c, double sigma_w, lrs_err_t *err);
/* Wrapped Gaussian density on [0,1): sum_{k=-2..2} N(x + k; 0, sigma^2). */
double lrs_conn_wrapped_gaussian(double x, double sigma);

/* SIS Jacobian (Fig 6) at fixed point xs for W (already normalised), coupling
 * gamma and unit recovery:  J = -I - gamma diag(W xs) + gamma (I - diag(xs)) W. */
int lrs_conn_sis_jacobian(const gsl_matrix *W, double gamma, const gsl_vector *xs,
                          gsl_matrix *J, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
