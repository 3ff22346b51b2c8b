/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fig1.c -- Figure 1 of Wan & Rosenbaum (2025): low-rank suppression in a
 * rank-one NORMAL network.
 *
 *   W = c u u^T + rho G / sqrt(N),   u a random unit vector,  c = -10,  rho = 0.5
 *   tau dz/dt = -z + W z + x(t)
 *
 * The claim (arXiv:2504.13727, Sec. I and Fig. 1): a strong low-rank part does not make the
 * dynamics low-dimensional.  Driven by high-dimensional input, the network's
 * activity is high-dimensional and is SUPPRESSED along the low-rank direction
 * u: the input along u, x.u, is cancelled by the recurrent input (W z).u, so
 * z.u is about |1 - c| = 11 times smaller (121 times in variance) than the
 * response along a random direction.
 *
 * Quasi-static picture (tau_x = 10 >> tau = 1): z ~ (I - W)^{-1} x.  I - W has
 * one large singular value, about 1 - c = 11, with singular vectors close to
 * u; every other singular value is O(1) (the random part).  So inputs along u
 * are divided by ~11 and all other directions pass almost unchanged: the PC
 * spectrum of z is as flat as that of x except for one last PC, ~100x below
 * the rest, that points along u.
 *
 * Panels (paper's order):
 *   a  schematic (drawn by analyses/fig1.gp)
 *   b  singular values of W: one outlier |c| = 10 above the random bulk
 *   c  step responses: constant input along u on [15, 40), along u_rand on
 *      [55, 80); the response to the aligned input is ~11x weaker
 *   d  PC spectra of z and x under smooth noise: both flat (high-dimensional),
 *      z has one strongly suppressed last PC
 *   e  z.u vs z.u_rand over t < 2000 (and the last PC u_N)
 *   f  x.u vs x.u_rand: the input itself is isotropic
 *   g  time series x.u, (W z).u, z.u over t < 500: cancellation
 *
 * Outputs: results/fig1/{spectrum,step,resp,pca,proj,series}.tsv and
 * summary.txt (see notebooks-c/common/study.h for the columns).
 */
#include <math.h>
#include <gsl/gsl_blas.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1          /* default --seed */
#define N 200           /* units */
#define C (-10.0)       /* strength of the rank-one part c u v^T */
#define RHO 0.5         /* strength of the random part rho G / sqrt(N) */
/* time constant tau = 1, Euler step dt = 0.01 (--fast 0.05: still stable,
 * dt (1 - c) < 1): the authors' protocol, study_params_default() */
/* step protocol: the library's lrs_perturb_windows_default() (the authors'
 * aligned input on [15, 40), random on [55, 80), T = 100, c_x = 1) */
/* noise run: smooth input with correlation time tau_x = 10 and standard
 * deviation sigma_x = 1 for T = 5000 (--fast 2500), the authors' protocol */
#define T_PROJ 2000.0   /* panels e, f: t < T_PROJ */
#define T_SERIES 500.0  /* panel g: t < T_SERIES */

/* The authors' printed numbers (arXiv:2504.13727, Figure 1). */
static const study_paper_t PAPER[] = {
    {"response_ratio", 11.1},
    {"var_ratio_rand_over_u", 132},
    {"angle_uN_u_deg", 7.1},
    {"corr_xu_Wzu", -0.9986},
    {NULL, 0}};

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "fig1", "Figure 1: low-rank suppression in a rank-one normal network", SEED,
            argc, argv);

    /* ------------------------------------------------------------ the network
     * u random unit, v = u (normal: W0 = c u u^T is symmetric), then the random
     * part, then the random comparison direction u_rand, all from one stream. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_NORMAL, C, RHO, 0, &net, &err), &err);

    /* ------------------------------------------------------------ the protocol */
    study_params_t p = study_params_net(&a, &net);
    p.t_proj = T_PROJ;
    p.t_series = T_SERIES;
    p.theory = 1; /* panel e also shows the quasi-static prediction */
    /* The parameters and the authors' numbers go into every TSV header:
     * analyses/fig1.gp reads its text from there.  Runs (a) spectra, (b) the
     * step run and (c) the noise run; (b) and (c) in parallel.  Everything
     * below reads the result. */
    study_result_t *r = study_execute(&a, &p, PAPER);

    /* ------------------------------------------------------------ panel b
     * Singular values of W: the rank-one part stands out at ~|c| = 10 above
     * the random bulk, which ends near 2 rho = 1 (quarter-circle law). */
    nb_note("b: singular values of W: sigma_1 = %.3g (|c| = %g), bulk edge sigma_2 = %.3g "
            "(2 rho = %g)", gsl_vector_get(r->sv, 0), fabs(C), gsl_vector_get(r->sv, 1),
            2 * RHO);

    /* ------------------------------------------------------------ panel c
     * Step responses.  Constant input along u is cancelled by the recurrent
     * input, z ~ (I - W)^{-1} u ~ u / (1 - c): its norm is ~1/11 of the
     * response to a random direction.  response_ratio = ||z(80-)|| / ||z(40-)||. */
    nb_note("c: ||z|| at the end of the aligned input %.4g, of the random input %.4g",
            r->norm_aligned, r->norm_random);

    /* ------------------------------------------------------------ panel d
     * PC spectra: x is high-dimensional (flat spectrum), and so is z -- except
     * its last PC, which is suppressed ~(1 - c)^2 = 121x in variance. */
    nb_note("d: %% variance of z: first PC %.3g%%, last PC %.3g%% (x: first %.3g%%)",
            r->pct_z_first, r->pct_z_last, gsl_vector_get(r->pca_x->pct, 0));

    /* ------------------------------------------------------------ panels e, f, g
     * Projections: z.u has ~1/100 of the variance of z.u_rand although x.u and
     * x.u_rand have the same; the last PC u_N lies close to u; x.u and
     * (W z).u are nearly opposite (corr ~ -1): the recurrent input cancels the
     * external input along the low-rank direction. */
    nb_note("e-g: var(z.u) = %.4g, var(z.u_rand) = %.4g; var(x.u) = %.4g, var(x.u_rand) = %.4g",
            r->var_zu, r->var_zrand, r->var_xu, r->var_xrand);

    /* ------------------------------------------------------------ summary */
    study_summary_paper(&p, r, PAPER);
    return study_close(&a, r, &net);
}
