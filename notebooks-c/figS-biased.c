/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-biased.c -- supplementary figure "Biased": a random matrix with a
 * non-zero mean, and no explicit low-rank part.
 *
 *   W = (mu + sigma G) / sqrt(N),   mu = -0.5,  sigma = 0.5,  G_ij ~ N(0, 1)
 *
 * The mean is itself a rank-one matrix: mu/sqrt(N) 1 1^T = c u u^T with
 * u = 1/sqrt(N) (the uniform unit vector) and c = mu sqrt(N) = -7.07.  So W
 * is a Figure-1 network in disguise: rank one, normal (v = u), c < 0, plus a
 * random part of strength rho = sigma.  Biased random connectivity -- e.g.
 * mostly inhibitory synapses -- therefore suppresses the uniform
 * ("mean-field") direction: the network cancels the mean input, as balanced
 * networks do, while the activity stays high-dimensional.
 *
 * Quasi-static picture: I - W has one large singular value ~ 1 - c = 8.07
 * along u, so var(z.u) is ~(1 - c)^2 = 65 times below the variance along a
 * random direction, and the recurrent input cancels the external input along
 * u: corr(x.u, (W z).u) ~ -1.
 *
 * Panels (Figure-1 layout): singular values of W (one outlier ~|c| above the
 * bulk), eigenvalues of W (one real outlier ~c), step responses to u and
 * u_rand, PC spectra of z and x, z.u vs z.u_rand, x.u vs x.u_rand, and the
 * cancellation x.u, (W z).u, z.u against time.
 * Outputs: results/figS-biased/ (TSV files described in study.h), summary.txt.
 */
#include <math.h>
#include <gsl/gsl_blas.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1          /* default --seed */
#define N 200           /* units */
#define MU (-0.5)       /* mean of the entries times sqrt(N) */
#define SIGMA 0.5       /* their standard deviation times sqrt(N) */
/* --fast keeps dt = 0.05 (dt (1 - c_eff) = 0.4 < 2: Euler still stable); otherwise
 * the authors' protocol (study_params_default(): tau = 1, dt = 0.01,
 * tau_x = 10, sigma_x = 1, T_noise = 5000) */
#define T_NOISE_FAST 1000.0 /* --fast noise run */

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "figS-biased",
            "Supplementary: biased random matrix W = (mu + sigma G)/sqrt(N); its mean "
            "is a rank-one part along 1/sqrt(N)",
            SEED, argc, argv);

    /* ------------------------------------------------------------ the network
     * W from one stream, then the comparison direction u_rand.  The
     * low-rank direction is not drawn: it is the uniform vector. */
    study_net_t net = {.rng = nb_rng(a.seed), .W = gsl_matrix_alloc(N, N),
                       .u = gsl_vector_alloc(N), .u_rand = gsl_vector_alloc(N)};
    NB_TRY(lrs_conn_biased(net.W, MU, SIGMA, net.rng, &err), &err);
    NB_TRY(lrs_conn_random_unit(net.rng, net.u_rand, &err), &err);
    gsl_vector_set_all(net.u, 1.0 / sqrt((double)N));
    const double c_eff = MU * sqrt((double)N); /* mean part = c_eff u u^T */

    /* ------------------------------------------------------------ the protocol
     * The mean part is symmetric: v = u (net.v is left NULL). */
    study_params_t p = study_params_net(&a, &net);
    if (a.fast)
        p.T_noise = T_NOISE_FAST;
    p.theory = 1;
    nb_param("mu", "%g", MU);
    nb_param("sigma", "%g", SIGMA);
    nb_param("c_eff", "%.4g", c_eff);
    study_result_t *r = study_execute(&a, &p, NULL);

    /* ------------------------------------------------------------ panels a, b
     * Singular values and eigenvalues: one outlier near |c_eff| = 7.07 (the
     * mean), the rest a disc of radius sigma = 0.5 (circular law). */
    nb_note("a-b: sigma_1(W) = %.3g, |c_eff| = |mu| sqrt(N) = %.3g; bulk edge sigma_2 = %.3g "
            "(2 sigma = %g)", gsl_vector_get(r->sv, 0), fabs(c_eff), gsl_vector_get(r->sv, 1),
            2 * SIGMA);
    /* ------------------------------------------------------------ panels c-g
     * Suppression along the mean direction: expected (1 - c_eff)^2 in
     * variance (quasi-static, before the random part's correction). */
    nb_note("c-g: ||z|| aligned %.4g, random %.4g; var(z.u) %.4g, var(z.u_rand) %.4g",
            r->norm_aligned, r->norm_random, r->var_zu, r->var_zrand);

    /* ------------------------------------------------------------ summary */
    study_summary(&p, r);
    nb_summary("c_eff", "%.4g", c_eff);
    nb_summary("expected_suppression_1_minus_c_sq", "%.4g", (1 - c_eff) * (1 - c_eff));
    /* Acceptance: var(z.u_rand)/var(z.u) > 20, corr < -0.98. */
    nb_summary("acceptance_met", "%d", r->var_ratio_rand_over_u > 20 && r->corr_xu_Wzu < -0.98);
    return study_close(&a, r, &net);
}
