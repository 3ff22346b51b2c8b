/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fig2.c -- Figure 2 of Wan & Rosenbaum (2025): a rank-one NON-NORMAL network
 * amplifies one direction and suppresses another.
 *
 *   W = c u v^T + W1,  W1 = rho G / sqrt(N),  u, v random unit vectors with
 *   v orthogonal to u,  c = -10,  rho = 0.5
 *
 * Why (arXiv:2504.13727, linear theory).  The overlap of the low-rank part is P = v.u = 0, and
 * then I - W has one huge AND one tiny singular value.  Without W1,
 * (I - c u v^T)^{-1} = I + c u v^T (because v.u = 0): an input along v
 * produces z = v + c u, i.e. it is amplified |c| = 10 times along u.  So u,
 * the low-rank output direction, is AMPLIFIED (~100x in variance) -- the
 * opposite of Figure 1.  Suppression still happens, in another direction:
 * the input that is suppressed most is
 *     u_opt = normalize(u + (W1 v - v)/c),
 * because (I - W) v = -c (u + (W1 v - v)/c): an input along u_opt yields a
 * response parallel to v, ~|c| times weaker.  Under noise the last PC u_N is
 * then nearly orthogonal to u.  The eigenvalues of W are those of the random
 * part alone (c u v^T is nilpotent): no large negative eigenvalue is needed
 * for suppression.
 *
 * Panels (paper's order):
 *   a  schematic                 b  singular values of W
 *   c  eigenvalues of W          d  step responses to u_opt and u_rand
 *   e  PC spectra of z and x     f  z.u vs z.u_rand (u amplified)
 *   g  z.u_N vs z.u_rand (u_N suppressed)
 *   h  time series of x.u_N, (W z).u_N and z.u_N (cancellation along u_N)
 *
 * Outputs: results/fig2/ (TSV files described in study.h) and summary.txt.  In proj.tsv and
 * series.tsv the directions are u, u_rand, u_N, then v and u_opt.
 */
#include <math.h>
#include <gsl/gsl_blas.h>
#include "lrs/connectivity.h"
#include "lrs/spectra.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1          /* default --seed */
#define N 200           /* units */
#define C (-10.0)       /* strength of the rank-one part c u v^T */
#define RHO 0.5         /* strength of the random part */
/* tau = 1, dt = 0.01 (--fast 0.05: still stable, dt (1 - c) < 1), tau_x = 10,
 * sigma_x = 1, T_noise = 5000 (--fast 2500): the authors' protocol,
 * study_params_default() */
#define T_PROJ 2000.0
#define T_SERIES 500.0

/* The authors' printed numbers (arXiv:2504.13727, Figure 2).  Their 97 degrees is
 * an angle between vectors; ours is between lines (PC signs are arbitrary):
 * 97 degrees between vectors is 83 degrees between lines. */
static const study_paper_t PAPER[] = {
    {"response_ratio", 13.8},
    {"var_ratio_u_over_rand", 100},
    {"var_ratio_rand_over_uN", 190},
    {"angle_uN_u_deg", 97},
    {NULL, 0}};
#define PAPER_ANGLE_UOPT_V 0.02

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "fig2", "Figure 2: a rank-one non-normal network amplifies u, suppresses u_opt",
            SEED, argc, argv);

    /* ------------------------------------------------------------ the network
     * u random unit, v random unit orthogonalised against u; W1 kept apart
     * because u_opt needs it. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_ORTHOGONAL, C, RHO, 1, &net, &err), &err);

    /* The most suppressed input direction (arXiv:2504.13727, Fig. 2). */
    NB_TRY(study_net_uopt(&net, C, &err), &err);

    /* ------------------------------------------------------------ the protocol */
    /* The aligned step goes along u_opt, not u; v and u_opt are projected on too. */
    study_params_t p = study_params_net(&a, &net);
    p.t_proj = T_PROJ;
    p.t_series = T_SERIES;
    p.theory = 1;

    nb_param("paper_angle_response_uopt_v_deg", "%g", PAPER_ANGLE_UOPT_V);
    study_result_t *r = study_execute(&a, &p, PAPER);

    /* ------------------------------------------------------------ panels b, c
     * Singular values: the same outlier |c| = 10 as in Fig 1.  Eigenvalues: only
     * the random disc of radius rho, since c u v^T with v.u = 0 is nilpotent. */
    double vu;
    gsl_blas_ddot(net.v, net.u, &vu);
    nb_note("b, c: sigma_1(W) = %.3g; max Re eig(W) = %.3g; overlap v.u = %.2g",
            gsl_vector_get(r->sv, 0), r->max_re_eig, vu);

    /* ------------------------------------------------------------ panel d
     * Step responses.  The input along u_opt is suppressed and its response
     * points along v (angle below). */
    nb_note("d: ||z|| at the end of the u_opt input %.4g, of the random input %.4g",
            r->norm_aligned, r->norm_random);

    /* ------------------------------------------------------------ panel e
     * PC spectra: one PC of z is amplified, one suppressed (u_N).  The
     * amplified PC is close to u but not on it (~30 degrees here): the
     * amplified output direction is about (I - W1)^{-1} u, bent by the random
     * part of W. */
    nb_note("e: %% variance of z: first PC %.3g%% (%.3g deg from u), last PC %.3g%%",
            r->pct_z_first, r->angle_pc1_u_deg, r->pct_z_last);

    /* ------------------------------------------------------------ panels f-h
     * u is amplified: var(z.u) >> var(z.u_rand); u_N is suppressed and nearly
     * orthogonal to u; along u_N the recurrent input cancels the input. */
    nb_note("f-h: var(z.u) = %.4g, var(z.u_rand) = %.4g, var(z.u_N) = %.4g",
            r->var_zu, r->var_zrand, r->var_zuN);

    /* ------------------------------------------------------------ summary */
    study_summary_paper(&p, r, PAPER);
    nb_summary("angle_response_uopt_v_deg", "%.3g", r->angle_resp_aligned_v_deg);
    nb_summary("paper_angle_response_uopt_v_deg", "%g", PAPER_ANGLE_UOPT_V);
    nb_summary("angle_uN_v_deg", "%.3g", r->angle_uN_v_deg);
    nb_summary("vu_overlap", "%.3g", vu);
    return study_close(&a, r, &net);
}
