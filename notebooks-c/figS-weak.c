/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-weak.c -- supplementary figures "Weak" and "Weak2": a WEAK rank-one
 * normal part, negative (Weak) or positive (Weak2).  One program over a
 * parameter table; figS-weak2.c builds the second row.
 *
 *   W = c u u^T + rho G / sqrt(N),   rho = 0.01,   c = -0.5 (Weak), +0.5 (Weak2)
 *
 * The same protocol as Figure 1, but the low-rank part is weak.  Low-rank
 * suppression divides the input along u by the singular value of I - W along
 * u, about 1 - c (arXiv:2504.13727, Sec. 4):
 *   Weak,  c = -0.5:  1 - c = 1.5, so z.u loses only (1.5)^2 ~ 2.3x of its
 *          variance instead of ~120x: no strong suppression and no abrupt drop
 *          of the last PC.  LRS needs a STRONG low-rank part.
 *   Weak2, c = +0.5:  1 - c = 0.5 < 1: the input along u is AMPLIFIED 2x (4x
 *          in variance) and the aligned step response is larger than the
 *          random one (response_ratio < 1, var(z.u_rand)/var(z.u) ~ 0.25).  A
 *          positive low-rank part (excitatory feedback) amplifies its
 *          direction, as long as c < 1 keeps the network stable.
 *
 * Panels (as Figure 1): singular values and eigenvalues of W; step responses
 * to u and u_rand; PC spectra of z and x; z.u vs z.u_rand; x.u vs x.u_rand;
 * time series along u.  Outputs: results/<name>/ (TSV files described in
 * study.h) and summary.txt.
 */
#include <math.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1
#define N 200
#define TAU 1.0
#define DT 0.01         /* Euler step of the step run (and of --euler) */
#define DT_FAST 0.05    /* --fast: coarser step (still stable: dt (1 - c) < 1) */
#define TAU_X 10.0
#define SIGMA_X 1.0
#define T_NOISE 5000.0
#define T_NOISE_FAST 2500.0

typedef struct {
    const char *name;  /* figure name: results/<name>/ */
    const char *about; /* one line for --help */
    double c;          /* strength of the rank-one part */
    double rho;        /* strength of the random part */
} weak_case_t;

static const weak_case_t CASES[] = {
    {"figS-weak", "Supplementary: weak rank-one normal part (c = -0.5, rho = 0.01)", -0.5, 0.01},
    {"figS-weak2", "Supplementary: weak positive rank-one normal part (c = +0.5, rho = 0.01)",
     0.5, 0.01},
};

#ifndef FIGS_WEAK_CASE
#define FIGS_WEAK_CASE 0
#endif

int main(int argc, char **argv)
{
    const weak_case_t *k = &CASES[FIGS_WEAK_CASE];
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, k->name, k->about, SEED, argc, argv);

    /* The network: Figure 1's construction with this case's c and rho. */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    gsl_vector *u_rand = gsl_vector_alloc(N);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    NB_TRY(lrs_conn_rank1_vectors(rng, LRS_RANK1_NORMAL, u, v, &err), &err);
    NB_TRY(lrs_conn_add_rank1(W, k->c, u, v, &err), &err);
    NB_TRY(lrs_conn_add_gaussian(W, k->rho, rng, &err), &err);
    NB_TRY(lrs_conn_random_unit(rng, u_rand, &err), &err);

    /* The Figure-1 protocol with the authors' step and noise parameters. */
    study_params_t p = study_params_default(&a);
    p.W = W;
    p.u = u;
    p.v = v;
    p.u_rand = u_rand;
    p.tau = TAU;
    p.dt = a.fast ? DT_FAST : DT;
    p.tau_x = TAU_X;
    p.sigma_x = SIGMA_X;
    p.T_noise = a.fast ? T_NOISE_FAST : T_NOISE;
    p.theory = 1;
    nb_param("c", "%g", k->c);
    nb_param("rho", "%g", k->rho);
    study_record_params(&p, NULL);
    study_result_t *r = NULL;
    NB_TRY(study_run(&a, &p, &r, &err), &err);

    /* Quasi-static expectation: sigma(I - W) along u ~ 1 - c, so the variance
     * ratio var(z.u_rand)/var(z.u) ~ (1 - c)^2 (2.25 for Weak: weak
     * suppression; 0.25 for Weak2: amplification). */
    double expected = (1 - k->c) * (1 - k->c);
    nb_note("quasi-static expectation: var(z.u_rand)/var(z.u) ~ (1 - c)^2 = %.3g", expected);
    study_summary(&p, r);
    nb_summary("expected_var_ratio_rand_over_u", "%.4g", expected);
    nb_summary("seed", "%lu", a.seed);

    study_result_free(r);
    gsl_matrix_free(W);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_vector_free(u_rand);
    gsl_rng_free(rng);
    return nb_finish();
}
