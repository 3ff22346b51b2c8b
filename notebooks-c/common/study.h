/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * study.h -- the "Figure-1 protocol": the standard set of experiments the
 * paper runs on a connectivity matrix W (Figs 1-2 and most supplementary
 * figures; arXiv:2504.13727, Secs. 2-3 and the figure set-ups).  A notebook builds W and its directions,
 * fills a study_params_t (defaults = the authors' values), calls study_run()
 * and prints the numbers it cares about from the study_result_t.
 *
 *   (a) spectra:  singular values of W (descending) and eigenvalues of W.
 *   (b) step run: tau dz/dt = -z + W f(z) + x(t),  x = c_x d_aligned on
 *       [on1, off1), c_x u_rand on [on2, off2), T = T_step, z0 = 0.1/sqrt(N)
 *       randn, forward Euler at dt: the library's step protocol
 *       (lrs_perturb_step).  Decimated traces of ||z|| and of every z_i; the
 *       states just before off1 and off2; response_ratio = ||z(off2-)|| /
 *       ||z(off1-)||.
 *   (c) noise run: x = smooth Gaussian noise (tau_x, sigma_x; optionally
 *       mixed, x = mix^T xi), T = T_noise, z0 = 0.1 randn, statistics over
 *       t >= t_discard: PCA of z and of x (% variance explained), the last PC
 *       u_N and its angle to u, the variances of z.u, z.u_rand, z.u_N
 *       (d^T C_z d), the cancellation correlation corr(x.u, (W f(z)).u)
 *       (all from a step every stat_dt), and the projections of z, x, W f(z) on u, u_rand,
 *       u_N (and extra directions) over t < t_proj (decimated) and t < t_series
 *       (finer) for the plots.  A linear network (recurrent, or
 *       feed-forward with f = identity) is integrated
 *       exactly (lrs/exact.h: exact for input linear between samples, step
 *       lrs_exact_default_step(tau_x) = tau_x / 20), which gives the PC
 *       spectrum of a forward-Euler run at dt = 0.01 within its sampling
 *       error in a fraction of the time; --euler (p.noise_exact = 0) runs the
 *       paper's forward Euler at dt instead.  Nonlinear networks always use
 *       Euler.
 *
 * The step run and the noise run are independent (own RNG streams: seeds
 * p.seed_step and p.seed_noise) and run in parallel (nb_parallel, a->jobs).
 * Memory is O(N^2 + snapshots), independent of T_noise: nothing stores the
 * trajectory; the plots' projections come from decimated snapshots of
 * (z, x, W f(z)) for t < t_proj, projected once u_N is known.
 *
 * Output files under results/<name>/ (via nb_tsv; `prefix` is prepended to
 * each file name so one notebook can run the protocol more than once):
 *
 *   <prefix>spectrum.tsv  k  sv_W  eig_re  eig_im            (N rows)
 *   <prefix>step.tsv      t  norm_z                           (every step_every-th step)
 *   <prefix>step_units.tsv  t  z_i, one block per unit i (blank line between
 *                         blocks): the same steps' states, unit by unit
 *   <prefix>pca.tsv       k  pct_z  pct_x  var_z  var_x  [theory1  theory2]
 *   <prefix>proj.tsv      t  then for each direction d in (u, u_rand, u_N,
 *                         extra_1 ..): z.d  x.d  r.d   with r = W f(z)
 *                         (t < t_proj, every proj_dt time units)
 *   <prefix>series.tsv    same columns, t < t_series, every series_dt time units
 *   <prefix>resp.tsv      k  z(off1-)_k  z(off2-)_k  d_aligned_k  u_rand_k  u_k  v_k
 *
 * So in proj.tsv/series.tsv the column of field f (0 z, 1 x, 2 r) on
 * direction j (0 u, 1 u_rand, 2 u_N, 3.. extras) is 2 + 3 j + f (gnuplot,
 * 1-based).  Every file's header lines give parameters and column names.
 */
#ifndef LRS_NB_STUDY_H
#define LRS_NB_STUDY_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector_complex.h>
#include "lrs/common.h"
#include "lrs/connectivity.h"
#include "lrs/pca.h"
#include "lrs/perturb.h"
#include "lrs/sim.h"
#include "nb.h"

#define STUDY_MAX_EXTRA 6

typedef struct study_params {
    const char *prefix;        /* file-name prefix ("" default) */

    /* --- the network (not owned; must outlive study_run) --- */
    const gsl_matrix *W;       /* N x N connectivity */
    const gsl_vector *u;       /* low-rank direction (left singular vector) */
    const gsl_vector *v;       /* right low-rank direction, or NULL */
    const gsl_vector *u_rand;  /* a random unit vector */
    const gsl_vector *d_aligned; /* aligned step input direction (NULL: u) */
    const char *aligned_name;  /* its name for headers ("u" default) */
    size_t nextra;             /* extra directions to project on (<= STUDY_MAX_EXTRA) */
    const gsl_vector *extra[STUDY_MAX_EXTRA];
    const char *extra_name[STUDY_MAX_EXTRA];

    /* --- dynamics --- */
    lrs_sim_transfer_t f;          /* LRS_F_IDENTITY default */
    lrs_sim_mode_t mode;       /* LRS_SIM_RECURRENT default (FEEDFORWARD: figS-ffwd) */
    double tau;                /* 1 */
    const gsl_vector *tau_vec; /* per-unit tau or NULL */
    double dt;                 /* 0.01 (--fast: 0.05) */
    double max_norm;           /* divergence bound (0: library default) */
    lrs_sim_precision_t precision; /* LRS_SIM_DOUBLE default; LRS_SIM_FLOAT32: f(z) and
                                  W f(z) in float32 as the authors computed (Euler and
                                  RK4 runs only: the exact integrator stays double) */

    /* --- (a) spectra --- */
    int do_spectra;            /* 1 */

    /* --- (b) step run --- */
    int do_step;               /* 1 */
    double c_x;                /* 1 */
    double on1, off1, on2, off2; /* 15, 40, 55, 80 */
    double T_step;             /* 100 */
    double z0_step_scale;      /* 0.1 (z0 = scale/sqrt(N) randn) */
    size_t step_every;         /* 20 (trace decimation, steps) */
    unsigned long seed_step;   /* RNG stream of the step run */

    /* --- (c) noise run --- */
    int do_noise;              /* 1 */
    double tau_x, sigma_x;     /* 10, 1 */
    double T_noise;            /* 5000 */
    double t_discard;          /* 0: statistics over t >= t_discard */
    double z0_noise_scale;     /* 0.1 (z0 = scale randn) */
    const gsl_matrix *mix;     /* K x N input mixing matrix (x = mix^T xi), NULL: identity */
    double t_proj;             /* 2000 (capped at T_noise) */
    double proj_dt;            /* 1: snapshot spacing for proj.tsv (time units) */
    double t_series;           /* 500 */
    double series_dt;          /* 0.2: snapshot spacing for series.tsv */
    int theory;                /* 0; 1: theory-1/2 PC variances too (linear, stable W) */
    double stat_dt;            /* 0.1: the covariances of z and x (PCA, variances along
                                  directions) and of the projections (cancellation
                                  correlation) use a step every stat_dt time units (every
                                  step if the step is longer): the input is smooth on
                                  tau_x = 10, so this changes them far less than their
                                  sampling error and saves 2 N^2 flops per Euler step
                                  (and f(z) for the projections of W f(z)) */
    int noise_exact;           /* 1 (0 with --euler): a linear network's noise run
                                  (recurrent or feed-forward) uses the exact integrator
                                  (lrs/exact.h) at step noise_h; otherwise (tanh, relu)
                                  forward Euler at dt, the paper's scheme */
    double noise_h;            /* exact step; 0: lrs_exact_default_step(tau_x) */
    unsigned long seed_noise;  /* RNG stream of the noise run */
} study_params_t;

/* The authors' protocol for notebook `a`: seeds a->seed + 1001 (step) and
 * a->seed + 1002 (noise); the step windows and amplitude of
 * lrs_perturb_windows_default(); the exact noise integrator unless a->euler;
 * with a->fast, dt = 0.05 and T_noise = 2500 (shorter runs leave
 * the x covariance rank-deficient: a Gaussian-correlated input of width
 * tau_x = 10 has only ~T/tau_x degrees of freedom per channel). */
study_params_t study_params_default(const nb_args_t *a);

typedef struct study_result {
    size_t N;
    /* (a) */
    gsl_vector *sv;            /* singular values of W, descending */
    gsl_vector_complex *eig;   /* eigenvalues of W (descending real part) */
    double max_re_eig;
    /* (b) */
    double norm_before_aligned; /* ||z|| at the last trace sample before on1 */
    double norm_aligned;       /* ||z|| just before off1 */
    double norm_random;        /* ||z|| just before off2 */
    double response_ratio;     /* norm_random / norm_aligned */
    gsl_vector *resp_aligned;  /* z just before off1 */
    gsl_vector *resp_random;   /* z just before off2 */
    double angle_resp_aligned_v_deg; /* line angle (0..90) of resp_aligned to v (NAN without v) */
    double angle_resp_aligned_u_deg; /* ... to u */
    double step_peak_norm;     /* max ||z|| over the step run */
    double noise_max_abs_z;    /* max over the noise run (every step) of max_i |z_i| */
    double noise_max_norm_z;   /* max over the noise run (every step) of ||z|| */
    /* (c) */
    size_t nsamples;           /* time steps in the covariances of z and x */
    size_t nsteps;             /* time steps in the projection statistics (after t_discard,
                                  every stat_every-th) */
    gsl_matrix *Cz, *Cx;       /* sample covariances of z and x (N x N) */
    lrs_pca_t *pca_z, *pca_x;  /* PCA (variances, %, components) */
    gsl_vector *theory1, *theory2; /* PC variances by theory (NULL unless p.theory) */
    gsl_vector *uN;            /* last PC of z (smallest variance) */
    double angle_uN_u_deg;     /* line angle (0..90) between u_N and u; PC signs are arbitrary */
    double angle_uN_v_deg;     /* ... and v (NAN without v) */
    double angle_pc1_u_deg;    /* line angle between the first PC of z and u */
    double var_zu, var_zrand, var_zuN;   /* var(z.u), var(z.u_rand), var(z.u_N) */
    double var_xu, var_xrand, var_xuN;   /* the same for x */
    double var_ratio_rand_over_u;  /* var(z.u_rand) / var(z.u) */
    double var_ratio_u_over_rand;  /* its inverse */
    double var_ratio_rand_over_uN; /* var(z.u_rand) / var(z.u_N) */
    double corr_xu_Wzu;        /* corr(x.u, (W f(z)).u), whole run after t_discard */
    double corr_xrand_Wzrand;  /* corr(x.u_rand, (W f(z)).u_rand) */
    double corr_xuN_WzuN;      /* corr(x.u_N, (W f(z)).u_N) from the t < t_proj snapshots */
    double pct_z_first, pct_z_last; /* % variance of the first and last PC of z */
    double dim_z, dim_x;       /* participation ratio (sum lambda)^2 / sum lambda^2 */
    int noise_exact;           /* the noise run used the exact integrator */
    double noise_dt;           /* its step */
    size_t stat_every;         /* its covariances used every stat_every-th step */
    double wall_step, wall_noise;   /* seconds */
} study_result_t;

/* Run (a), (b), (c) as enabled; write the TSV files; fill *out (free with
 * study_result_free).  Errors: the library's, with err filled. */
int study_run(const nb_args_t *a, const study_params_t *p, study_result_t **out,
              lrs_err_t *err);
void study_result_free(study_result_t *r);

/* Print the standard summary keys of the protocol (response_ratio,
 * var_ratio_rand_over_u, var_ratio_u_over_rand, var_ratio_rand_over_uN,
 * angle_uN_u_deg, corr_xu_Wzu, pct_z_last, dim_z, dim_x, max_real_eig_W,
 * sv1_W, ...) with nb_summary.  Notebooks add their paper_* keys. */
void study_summary(const study_params_t *p, const study_result_t *r);
/* The same, printing `paper_<key> = <value>` right after each key the authors
 * printed a number for.  `paper` ends with {NULL, 0}; NULL for none.  Keys
 * whose value is not finite (not applicable) are left out. */
typedef struct study_paper {
    const char *key;
    double value;
} study_paper_t;
void study_summary_paper(const study_params_t *p, const study_result_t *r,
                         const study_paper_t *paper);

/* Record the protocol's parameters (N, c_x, tau_x, sigma_x, T_noise) and
 * the authors' numbers (paper_<key>; `paper` may be NULL) with nb_param, for
 * the "# parameters" header line of every TSV.  Call after filling p (with
 * p->W set) and before study_run. */
void study_record_params(const study_params_t *p, const study_paper_t *paper);

/* Small helpers for notebooks. */
/* Fill z with scale * N(0,1) draws from rng. */
void study_randn(gsl_rng *rng, double scale, gsl_vector *z);

/* ------------------------------------------------------------------------
 * The Figure-1 network and the notebook's frame around study_run.
 *
 *   W = c u v^T + W1,   W1 = rho G / sqrt(N),   G_ij iid N(0, 1)
 *
 * drawn from one stream (seed a->seed) in Figure 1's order: u and v (kind:
 * v = u normal, v orthogonal to u, or v independent), then G row by row,
 * then the comparison direction u_rand.  Figures that draw more (an input
 * matrix) continue net.rng afterwards. */
typedef struct study_net {
    gsl_rng *rng;          /* the network's stream */
    gsl_matrix *W;         /* the connectivity */
    gsl_matrix *W1;        /* the random part alone (NULL unless kept) */
    gsl_vector *u, *v;     /* the rank-one directions (v NULL: v = u, not stored) */
    gsl_vector *u_rand;    /* a random unit vector */
    gsl_vector *u_opt;     /* the most suppressed input direction (study_net_uopt) */
} study_net_t;

/* Build net (N units; kind, c, rho as above) and record c and rho with
 * nb_param.  keep_W1: keep the random part in net->W1 and form W = W1 + c u v^T
 * (Figures 2, Unstable, NonNormal need W1); otherwise W = c u v^T, then
 * += the random part in place (Figure 1).  Both orders are kept because BLAS
 * dger may fuse the multiply-add, so the two sums can differ in the last bit
 * and each figure's printed numbers stay those of its own order.
 * Errors: the library's, with err filled (net is then freed). */
int study_net_rank1(const nb_args_t *a, size_t N, lrs_rank1_kind_t kind, double c,
                    double rho, int keep_W1, study_net_t *net, lrs_err_t *err);
/* Free what net holds (NULL members are skipped) and zero it. */
void study_net_free(study_net_t *net);

/* The most suppressed input direction of a non-normal rank-one network,
 * u_opt = normalize(u + (W1 v - v)/c) (arXiv:2504.13727, Fig. 2;
 * lrs_perturb_uopt), into net->u_opt.  Needs net->W1 (keep_W1). */
int study_net_uopt(study_net_t *net, double c, lrs_err_t *err);

/* The arithmetic of the tanh figures (figS-unstable, -unstable2, -modular,
 * -space; Figure 3 does the same for its random part).  Their noise runs
 * are float32 (precision LRS_SIM_FLOAT32), as the authors computed
 * (PyTorch's default), and their connectivity is rounded here to binary16
 * (lrs_conn_round_binary16: at most 2^-11 relative per entry), which the
 * float32 simulator then keeps in 16 bits without loss: a step of an
 * N = 200 network about 1.5x faster again.  Call it right after the
 * network is built, before anything is computed from W.  Checked at each
 * figure's default seed against the unrounded network: every key of the
 * summary within 1e-3 (relative; e.g. figS-unstable's norm_aligned 19.15
 * and 19.13), and figS-space's max Re eig W, a number near 0, within 1.1e-4
 * (0.09532 and 0.09543), against a spread across seeds of 5-40% (e.g.
 * figS-unstable's var_ratio_rand_over_u 3.975 at seed 1, 5.626 at seed 2).
 * Records the parameter "W_rounded binary16". */
int study_binary16_net(gsl_matrix *W, lrs_err_t *err);

/* The authors' protocol (study_params_default) on net: W, u, v, u_rand set;
 * with net->u_opt, Figure 2's variant: the aligned step goes along u_opt and
 * v and u_opt are projected on too (extra directions 1 and 2). */
study_params_t study_params_net(const nb_args_t *a, const study_net_t *net);

/* Record p's parameters and the authors' numbers (study_record_params), run
 * the protocol (study_run) and return its result; on an error the notebook
 * stops with the library's message (nb_die). */
study_result_t *study_execute(const nb_args_t *a, const study_params_t *p,
                              const study_paper_t *paper);

/* The last summary line (the seed), then free r and net and finish the
 * notebook (nb_finish): `return study_close(&a, r, &net);` ends main. */
int study_close(const nb_args_t *a, study_result_t *r, study_net_t *net);

#endif
