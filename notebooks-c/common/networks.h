/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * networks.h -- the two structured networks of arXiv:2504.13727, built once
 * for every notebook that uses them:
 *
 *   modular E/I network (Fig. 4 and the Modular supplementary figure):
 *   Ne excitatory then Ni inhibitory units,
 *       W0_ij = j_ab / sqrt(N)  for i in population a, j in population b,
 *   per-population time constants tau_e, tau_i;
 *
 *   spatial ring network (Fig. 5 and the Space and Fourier supplementary
 *   figures): units at theta_i = i/N on a ring,
 *       W0_ij = c g(theta_i - theta_j) / sqrt(N),
 *   g the wrapped Gaussian density of width sigma_w.
 *
 * Both get W = W0 + rho G / sqrt(N).  The parameters live here, once, as the
 * authors' presets (net_modular_fig4, net_ring_fig5); a notebook puts them
 * into its TSV headers with net_*_param so the gnuplot scripts read them
 * back.  Every matrix comes from the library (lrs_conn_modular, lrs_conn_ring,
 * lrs_conn_add_gaussian, lrs_spectra_svd).
 *
 * Order of random draws from the caller's generator: W1 (row by row), then
 * u_rand.  A notebook that draws more (an initial state) does so afterwards,
 * so the same seed gives the same network in every figure that uses it.
 */
#ifndef LRS_NB_NETWORKS_H
#define LRS_NB_NETWORKS_H

#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "lrs/common.h"
#include "lrs/sim.h"
#include "nb.h"
#include "study.h"

/* Step protocol shared by a figure and its supplementary figure: input
 * c_x u on [on_u, off_u), c_x u_rand on [on_r, off_r), run length T. */
typedef struct net_steps {
    double c_x;
    double on_u, off_u, on_r, off_r;
    double T;
} net_steps_t;

typedef struct net_modular_params {
    size_t N, Ne;                    /* Ni = N - Ne; excitatory units first */
    double jee, jei, jie, jii;       /* block means, times 1/sqrt(N) */
    double rho;                      /* W1 = rho G / sqrt(N) */
    double tau_e, tau_i;             /* per-population time constants */
    lrs_sim_transfer_t f;            /* transfer function */
    net_steps_t steps;               /* the figure's step protocol */
    unsigned long seed;              /* default seed of the figures using it */
} net_modular_params_t;

typedef struct net_ring_params {
    size_t N;
    double c;                        /* strength of the spatial part */
    double sigma_w;                  /* width of the connection profile */
    double rho;                      /* W1 = rho G / sqrt(N) */
    double tau;                      /* time constant (every unit) */
    lrs_sim_transfer_t f;            /* transfer function */
    double bump_width, bump_centre;  /* Fig 5's smooth input (wrapped Gaussian) */
    double c_x;                      /* strength of the constant inputs */
    double T;                        /* length of the constant-input runs */
    unsigned long seed;
} net_ring_params_t;

/* The authors' values (arXiv:2504.13727, Fig 4 / Fig 5 set-ups). */
net_modular_params_t net_modular_fig4(void);
net_ring_params_t net_ring_fig5(void);

/* A built network.  u, v: the top left/right singular pair of W0, signed so
 * that u has a positive sum (v flipped with it, so W0 = s1 u v^T + ...). */
typedef struct net {
    size_t N;
    gsl_matrix *W0, *W;              /* low-rank part, full connectivity */
    gsl_vector *s0;                  /* singular values of W0, descending */
    gsl_matrix *U0, *V0;             /* singular vectors of W0 (columns) */
    gsl_vector *u, *v;               /* top singular pair of W0 */
    gsl_vector *u_rand;              /* a random unit vector */
    gsl_vector *tau;                 /* per-unit time constants (modular), or NULL */
} net_t;

int net_modular_build(const net_modular_params_t *p, gsl_rng *rng, net_t **out,
                      lrs_err_t *err);
int net_ring_build(const net_ring_params_t *p, gsl_rng *rng, net_t **out, lrs_err_t *err);
void net_free(net_t *net);

/* Every parameter but N into the "# parameters" header line of the figure's
 * TSV files (nb_param; the gnuplot scripts read them back; N comes from the
 * notebook, or from study_record_params).  Call before the first nb_tsv. */
void net_modular_param(const net_modular_params_t *p);
void net_ring_param(const net_ring_params_t *p);

/* Fig 5's smooth input: the wrapped Gaussian of width bump_width centred at
 * bump_centre, sampled at theta_i = i/N and normalised to unit length. */
int net_ring_bump(const net_ring_params_t *p, gsl_vector *bump, lrs_err_t *err);

/* W0 of the ring is a symmetric circulant, so the discrete Fourier transform
 * diagonalises it: lambda_k = sum_m W0_{0m} cos(2 pi k m / N), k = 0 .. N-1
 * (the DFT of its first row; real, lambda_k = lambda_{N-k}).  One real FFT
 * (GSL mixed radix), O(N log N).  lambda: length N. */
int net_ring_fourier_eigs(const gsl_matrix *W0, gsl_vector *lambda, lrs_err_t *err);

/* Power of a real vector x (length N) in each spatial frequency k = 0 .. N/2,
 * as fractions of the total: |X_k|^2 + |X_{N-k}|^2 (one term for k = 0 and,
 * N even, k = N/2), X the DFT of x (Parseval).  pw: length N/2 + 1. */
int net_fourier_power(const gsl_vector *x, gsl_vector *pw, lrs_err_t *err);

/* The noise run of a supplementary figure built on one of these networks
 * (Figure 1's protocol, study.h). */
typedef struct net_noise {
    double tau_x, sigma_x;   /* input correlation time and standard deviation */
    double T, T_fast;        /* run length (--fast: T_fast) */
    double t_discard;        /* statistics over t >= t_discard */
    double dt;               /* Euler step (also under --fast) */
} net_noise_t;

/* Figure 1's protocol on a built network: W, u, v, u_rand, v as the first
 * extra direction, the network's per-unit tau if it has one (else tau), f,
 * the noise run nz and the quasi-static theory with the run's own C_x.  The
 * step run keeps the protocol's defaults. */
study_params_t net_study_params(const nb_args_t *a, const net_t *net, lrs_sim_transfer_t f,
                                double tau, const net_noise_t *nz);
/* The protocol's parameters (study_record_params: N, c_x, tau_x, sigma_x,
 * T_noise) and nz's t_discard into the "# parameters" line.  Call before
 * the first nb_tsv. */
void net_study_record_params(const study_params_t *sp, const net_noise_t *nz);
/* The summary keys that close both noise figures: x_median_over_lastpc,
 * angle_uN_span_W0_deg (span of the first k left singular vectors of W0),
 * angle_uN_top_right_sv_I_minus_W_deg (net_lastpc_angles), seed, and a note
 * under --fast. */
void net_summary_lastpc(const nb_args_t *a, const net_t *net, const study_params_t *sp,
                        const study_result_t *r, size_t k);

/* Where the last PC u_N of a response lies (quasi-statically z ~ (I - W)^{-1} x
 * has the least variance along the top right singular vector of I - W):
 * *ang_span = angle (degrees) between u_N and the span of the first k left
 * singular vectors of W0; *ang_IW = line angle between u_N and the top right
 * singular vector of I - W.  One SVD of I - W, O(N^3). */
int net_lastpc_angles(const net_t *net, const gsl_vector *uN, size_t k, double *ang_span,
                      double *ang_IW, lrs_err_t *err);

/* d^T C d: the variance along d of a signal with covariance C (symmetric,
 * upper triangle used). */
/* The overlap matrix P = U^T V of the top-2 part of W0 (orthogonal, singular
 * values 1, for an EP matrix; arXiv:2504.13727, Sec. 4) into P.tsv ("row col
 * P", a blank line after each row for gnuplot's image) and its singular
 * values into sP (length 2). */
void net_write_overlap(const nb_args_t *a, const net_t *net, gsl_vector *sP);
double net_var_along(const gsl_matrix *C, const gsl_vector *d);
/* Median of a vector sorted in descending (or ascending) order. */
double net_median_sorted(const gsl_vector *v);

#endif
