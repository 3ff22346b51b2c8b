/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/noise.h -- smooth Gaussian noise, generated in blocks.
 *
 * N independent stationary Gaussian processes x_i(t) with mean 0, variance
 * sigma_x^2 and autocovariance
 *
 *     E[x_i(t) x_i(t+s)] = sigma_x^2 exp(-s^2 / (2 tau_x^2))  (arXiv:2504.13727)
 *
 * Construction: a continuous-time process built from white noise on a coarse
 * grid of spacing Delta = tau_x / 4 (a function of tau_x only):
 *
 *     x(t) = sum_k h(t - k Delta) xi_k,   h(t) = A exp(-t^2 / tau_x^2),
 *     xi_k iid N(0, I_N),   A^2 = sigma_x^2 Delta sqrt(2 / pi) / tau_x
 *
 * h * h is the Gaussian autocovariance above; by Poisson summation the
 * residual periodic ripple of the covariance is below exp(-pi^2 tau_x^2 /
 * (2 Delta^2)) ~ 1e-34, and h is truncated where it falls below 1e-9 of its
 * peak (so covariance errors are below ~1e-17 relative).  Because x(t) is
 * defined at every real t, sampling the same seed at two steps dt gives
 * samples of the same path: faithful and exact integrators see one input.
 *
 * Samples are produced at t_n = n dt, n = 0, 1, 2, ... in internal chunks of
 * fixed size, so the output is bit-identical however the caller splits the
 * run into blocks.  Memory is O(N * (chunk + kernel)), independent of T.
 * The white-noise draws xi_k are taken in order k = -KL-1, -KL, ... (k
 * major, channel minor; KL = ceil(tau_x sqrt(ln 1e9) / Delta)) with
 * gsl_ran_gaussian_ziggurat, whenever a chunk needs them: give the generator
 * an rng of its own (draws by others in between would depend on where the
 * chunks fall).  A simulation may fill inputs on its helper thread (see
 * lrs_sim_run): do not use the rng elsewhere during the run.
 */
#ifndef LRS_NOISE_H
#define LRS_NOISE_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lrs_noise lrs_noise_t;

/* N channels; tau_x > 0, sigma_x >= 0, dt > 0.  The white-noise draws come
 * from `rng` (not owned; it must outlive the generator and is advanced as
 * samples are produced). */
int lrs_noise_alloc(lrs_noise_t **out, size_t N, double tau_x, double sigma_x,
                    double dt, gsl_rng *rng, lrs_err_t *err);
void lrs_noise_free(lrs_noise_t *nz);

/* Fill the rows of X (rows x N) with the next X->size1 samples. */
int lrs_noise_fill(lrs_noise_t *nz, gsl_matrix *X, lrs_err_t *err);

/* Index n of the next sample fill() will produce. */
size_t lrs_noise_position(const lrs_noise_t *nz);
size_t lrs_noise_channels(const lrs_noise_t *nz);

#ifdef __cplusplus
}
#endif
#endif
