/*
 * figS-weak.c -- supplementary figure "Weak": a WEAK rank-one normal part.
 *
 *   W = c u u^T + rho G / sqrt(N),   c = -0.5,  rho = 0.01
 *
 * The same protocol as Figure 1, but the low-rank part is weak.  Low-rank
 * suppression divides the input along u by the singular value of I - W along
 * u, about 1 - c = 1.5, so z.u loses only (1.5)^2 ~ 2.3x of its variance
 * instead of ~120x: there is no strong suppression and no abrupt drop of the
 * last PC (arXiv:2504.13727, linear theory).  LRS needs a STRONG low-rank part.
 *
 * Panels (as Figure 1): singular values of W; step responses to u and
 * u_rand; PC spectra of z and x; z.u vs z.u_rand; time series along u.
 * Outputs: results/figS-weak/ (TSV files described in study.h) and summary.txt.
 */
#include <math.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1
#define N 200
#define C (-0.5)        /* weak, negative low-rank part */
#define RHO 0.01        /* almost no random part */
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
    nb_init(&a, "figS-weak", "Supplementary: weak rank-one normal part (c = -0.5, rho = 0.01)",
            SEED, argc, argv);

    /* The network: as Figure 1 with c = -0.5, rho = 0.01. */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    gsl_vector *u_rand = gsl_vector_alloc(N);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    NB_TRY(lrs_conn_rank1_vectors(rng, LRS_RANK1_NORMAL, u, v, &err), &err);
    NB_TRY(lrs_conn_add_rank1(W, C, u, v, &err), &err);
    NB_TRY(lrs_conn_add_gaussian(W, RHO, rng, &err), &err);
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
    study_result_t *r = NULL;
    NB_TRY(study_run(&a, &p, &r, &err), &err);

    /* Expected suppression along u: sigma(I - W) along u ~ 1 - c, so the
     * variance ratio var(z.u_rand)/var(z.u) ~ (1 - c)^2 = 2.25: weak. */
    nb_note("quasi-static expectation: var(z.u_rand)/var(z.u) ~ (1 - c)^2 = %.3g",
            (1 - C) * (1 - C));
    study_summary(&p, r);
    nb_summary("expected_var_ratio_rand_over_u", "%.4g", (1 - C) * (1 - C));
    nb_summary("seed", "%lu", a.seed);

    study_result_free(r);
    gsl_matrix_free(W);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_vector_free(u_rand);
    gsl_rng_free(rng);
    return nb_finish();
}
