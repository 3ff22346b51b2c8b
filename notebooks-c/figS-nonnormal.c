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
#define TAU 1.0
#define DT 0.01         /* Euler step */
#define DT_FAST 0.05    /* --fast: coarser step (still stable: dt (1 - c) < 1) */
#define TAU_X 10.0
#define SIGMA_X 1.0
#define T_NOISE 5000.0
#define T_NOISE_FAST 2500.0

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "figS-nonnormal",
            "Supplementary: rank one with independent random u and v (non-normal)", SEED, argc,
            argv);

    /* The network: u, v independent random unit vectors; W1 kept for u_opt. */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    gsl_vector *u_rand = gsl_vector_alloc(N), *u_opt = gsl_vector_alloc(N);
    gsl_matrix *W1 = gsl_matrix_calloc(N, N), *W = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_conn_rank1_vectors(rng, LRS_RANK1_RANDOM, u, v, &err), &err);
    NB_TRY(lrs_conn_add_gaussian(W1, RHO, rng, &err), &err);
    NB_TRY(lrs_conn_random_unit(rng, u_rand, &err), &err);
    gsl_matrix_memcpy(W, W1);
    NB_TRY(lrs_conn_add_rank1(W, C, u, v, &err), &err);
    /* u_opt as in Figure 2: (I - W) v = v - c u (v.v) - W1 v = -c (u + (W1 v - v)/c)
     * holds for any unit v, so an input along u_opt still gives a response
     * exactly along v, whatever v.u is. */
    NB_TRY(lrs_perturb_uopt(W1, C, u, v, u_opt, &err), &err);
    double vu;
    gsl_blas_ddot(v, u, &vu);

    study_params_t p = study_params_default(&a);
    p.W = W;
    p.u = u;
    p.v = v;
    p.u_rand = u_rand;
    p.d_aligned = u_opt;
    p.aligned_name = "u_opt";
    p.nextra = 2;
    p.extra[0] = v;
    p.extra_name[0] = "v";
    p.extra[1] = u_opt;
    p.extra_name[1] = "u_opt";
    p.tau = TAU;
    p.dt = a.fast ? DT_FAST : DT;
    p.tau_x = TAU_X;
    p.sigma_x = SIGMA_X;
    p.T_noise = a.fast ? T_NOISE_FAST : T_NOISE;
    p.theory = 1;
    nb_param("c", "%g", C);
    nb_param("rho", "%g", RHO);
    study_record_params(&p, NULL);
    study_result_t *r = NULL;
    NB_TRY(study_run(&a, &p, &r, &err), &err);

    nb_note("overlap v.u = %.3g (1/sqrt(N) = %.3g): eigenvalue of c u v^T = c v.u = %.3g",
            vu, 1 / sqrt((double)N), C * vu);
    study_summary(&p, r);
    nb_summary("vu_overlap", "%.4g", vu);
    nb_summary("angle_uN_v_deg", "%.3g", r->angle_uN_v_deg);
    nb_summary("angle_response_uopt_v_deg", "%.3g", r->angle_resp_aligned_v_deg);
    nb_summary("seed", "%lu", a.seed);

    study_result_free(r);
    gsl_matrix_free(W);
    gsl_matrix_free(W1);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_vector_free(u_rand);
    gsl_vector_free(u_opt);
    gsl_rng_free(rng);
    return nb_finish();
}
