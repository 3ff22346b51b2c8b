/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-nonnormal.c -- supplementary figure "NonNormal": rank one with v an
 * INDEPENDENT random unit vector (not orthogonalised against u).
 *
 *   W = c u v^T + rho G / sqrt(N),   c = -10,  rho = 0.5,  v.u ~ 1/sqrt(N)
 *
 * Figure 2 made v exactly orthogonal to u.  A generic v is not orthogonal,
 * but in high dimension it is nearly so: v.u ~ N(0, 1/N), |v.u| ~ 0.07 for
 * N = 200.  The overlap P = v.u is then small and I - W still has one tiny
 * singular value (roughly 1/|c| times the others, ~|1 - c v.u|/|c|): the
 * network behaves like Figure 2 -- u amplified, u_opt suppressed -- and not
 * like the normal network of Figure 1 (arXiv:2504.13727: what matters is whether
 * P has small singular values, not the sign or size of eigenvalues).
 *
 * Panels (as Figure 2): singular values and eigenvalues of W; step responses
 * to u_opt and u_rand; PC spectra of z and x; z.u and z.u_N vs z.u_rand;
 * time series along u_N.
 * Outputs: results/figS-nonnormal/ (TSV files described in study.h) and summary.txt.  In
 * proj.tsv and series.tsv the directions are u, u_rand, u_N, v, u_opt.
 */
#include <math.h>
#include <gsl/gsl_blas.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1
#define N 200
#define C (-10.0)
#define RHO 0.5
/* tau = 1, dt = 0.01 (--fast 0.05: still stable, dt (1 - c) < 1), tau_x = 10,
 * sigma_x = 1, T_noise = 5000 (--fast 2500): the authors' protocol,
 * study_params_default() */

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "figS-nonnormal",
            "Supplementary: rank one with independent random u and v (non-normal)", SEED, argc,
            argv);

    /* The network: u, v independent random unit vectors; W1 kept for u_opt. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_RANDOM, C, RHO, 1, &net, &err), &err);
    /* u_opt as in Figure 2: (I - W) v = v - c u (v.v) - W1 v = -c (u + (W1 v - v)/c)
     * holds for any unit v, so an input along u_opt still gives a response
     * exactly along v, whatever v.u is. */
    NB_TRY(study_net_uopt(&net, C, &err), &err);
    double vu;
    gsl_blas_ddot(net.v, net.u, &vu);

    /* The aligned step goes along u_opt, not u; v and u_opt are projected on too. */
    study_params_t p = study_params_net(&a, &net);
    p.theory = 1;
    study_result_t *r = study_execute(&a, &p, NULL);

    nb_note("overlap v.u = %.3g (1/sqrt(N) = %.3g): eigenvalue of c u v^T = c v.u = %.3g",
            vu, 1 / sqrt((double)N), C * vu);
    study_summary(&p, r);
    nb_summary("vu_overlap", "%.4g", vu);
    nb_summary("angle_uN_v_deg", "%.3g", r->angle_uN_v_deg);
    nb_summary("angle_response_uopt_v_deg", "%.3g", r->angle_resp_aligned_v_deg);
    return study_close(&a, r, &net);
}
