/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/ranks.h -- effective ranks of a matrix from its singular values.
 *
 * The eight measures tabulated by Thibeault, Allard & Desrosiers, "The
 * low-rank hypothesis of complex systems", Nat Phys 20, 294 (2024).
 * Input: the k = min(m, n) singular values sigma_1 >= ... >= sigma_k of
 * an m x n matrix (any order is accepted; they are sorted internally), with
 * beta = min(m, n) / max(m, n) in (0, 1].  Definitions, exactly:
 *
 *  numerical   #{i : sigma_i > max(m, n) eps sigma_1}   (numpy matrix_rank).
 *  optimal_threshold   Gavish & Donoho, "The optimal hard threshold for
 *              singular values is 4/sqrt(3)", IEEE Trans Inf Theory 60, 5040
 *              (2014), unknown noise level:  #{i : sigma_i > tau},
 *              tau = omega(beta) * sigma_med  (sigma_med the median of all k
 *              values), omega(beta) = lambda*(beta) / sqrt(mu_beta),
 *              lambda*(beta) = sqrt(2 (beta + 1) + 8 beta / (beta + 1 +
 *              sqrt(beta^2 + 14 beta + 1))), mu_beta the median of the
 *              Marchenko-Pastur law of ratio beta, computed numerically
 *              (default), or with the cubic approximation omega(beta) ~
 *              0.56 beta^3 - 0.95 beta^2 + 1.82 beta + 1.43 (opts).
 *  optimal_shrinkage   Gavish & Donoho, "Optimal shrinkage of singular
 *              values", IEEE Trans Inf Theory 63, 2137 (2017), Frobenius
 *              loss: noise level sigma_hat = sigma_med / sqrt(max(m,n) mu_beta);
 *              y_i = sigma_i / (sigma_hat sqrt(max(m, n))); shrunk value
 *              eta(y) = sqrt((y^2 - beta - 1)^2 - 4 beta) / y for
 *              y > 1 + sqrt(beta), 0 otherwise; the rank is the number of
 *              non-zero shrunk values, #{i : y_i > 1 + sqrt(beta)}.
 *  erank       Roy & Vetterli (2007): exp(-sum_i p_i ln p_i),
 *              p_i = sigma_i / sum_j sigma_j (0 ln 0 = 0).
 *  elbow       Normalised scree plot: points (x_i, y_i), i = 1..k,
 *              x_i = (i - 1)/(k - 1), y_i = (sigma_i - sigma_k)/(sigma_1 -
 *              sigma_k); the chord joins (0, 1) to (1, 0); distances
 *              d_i = |1 - x_i - y_i| / sqrt(2).  i* = the first index of the
 *              largest d_i; elbow = i* - 1 (the number of values before the
 *              elbow point, so an exact rank-r spectrum gives r).  If every
 *              d_i = 0 (k <= 2, a flat or a linear scree) there is no elbow
 *              and elbow = k.
 *  energy      smallest r with sum_{i<=r} sigma_i^2 > 0.9 sum_i sigma_i^2
 *              (fraction settable in opts).
 *  stable      sum_i sigma_i^2 / sigma_1^2.
 *  nuclear     sum_i sigma_i / sigma_1.
 *
 * All-zero singular values give 0 for every measure.
 */
#ifndef LRS_RANKS_H
#define LRS_RANKS_H

#include <gsl/gsl_matrix.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LRS_OMEGA_EXACT = 0, /* lambda*(beta)/sqrt(mu_beta), mu_beta by quadrature */
    LRS_OMEGA_CUBIC = 1  /* Gavish & Donoho's cubic approximation */
} lrs_omega_method_t;

typedef struct lrs_ranks_opts {
    lrs_omega_method_t omega; /* default LRS_OMEGA_EXACT */
    double energy_fraction;   /* default 0.9; in (0, 1) */
} lrs_ranks_opts_t;

lrs_ranks_opts_t lrs_ranks_opts_default(void);

typedef struct lrs_ranks {
    /* the eight effective ranks */
    size_t numerical;
    size_t optimal_threshold;
    size_t optimal_shrinkage;
    double erank;
    size_t elbow;
    size_t energy;
    double stable;
    double nuclear;
    /* the quantities they were computed from */
    size_t k;           /* number of singular values, min(m, n) */
    double beta;        /* min(m, n) / max(m, n) */
    double sigma_med;   /* median singular value */
    double mu_beta;     /* Marchenko-Pastur median for beta */
    double omega;       /* omega(beta) used */
    double tau;         /* hard threshold omega * sigma_med */
    double noise_sigma; /* estimated per-entry noise level sigma_hat */
    double shrink_cut;  /* singular values above this survive shrinkage */
} lrs_ranks_t;

/* All eight ranks of an m x n matrix from its k = min(m, n) singular values
 * (non-negative, finite; sigma->size must equal min(m, n)).  opts may be NULL. */
int lrs_ranks_compute(const gsl_vector *sigma, size_t m, size_t n,
                      const lrs_ranks_opts_t *opts, lrs_ranks_t *out, lrs_err_t *err);

/* The same from the matrix itself (SVD values by lrs_spectra_svd). */
int lrs_ranks_of_matrix(const gsl_matrix *A, const lrs_ranks_opts_t *opts,
                        lrs_ranks_t *out, lrs_err_t *err);

/* Median of the Marchenko-Pastur law of ratio beta in (0, 1] (density
 * sqrt((b - t)(t - a)) / (2 pi beta t) on [a, b] = [(1 -+ sqrt beta)^2]),
 * to ~1e-12; NaN for beta outside (0, 1]. */
double lrs_ranks_mp_median(double beta);
/* lambda*(beta) of Gavish & Donoho (2014); NaN outside (0, 1]. */
double lrs_ranks_lambda_star(double beta);
/* omega(beta) by the chosen method; NaN outside (0, 1]. */
double lrs_ranks_omega(double beta, lrs_omega_method_t method);

/* Optimally shrunk singular values (Frobenius loss, GD 2017), in the order
 * of sigma.  noise > 0 is the known per-entry noise level; noise <= 0 means
 * estimate it from the median as above.  out may alias sigma. */
int lrs_ranks_shrink_frobenius(const gsl_vector *sigma, size_t m, size_t n,
                               double noise, gsl_vector *out, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
