/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-lowdiminput.c -- supplementary figure "LowDimInput": the Figure-1
 * network driven by a LOWER-DIMENSIONAL input.
 *
 *   tau dz/dt = -z + W z + x(t),   W = c u u^T + rho G / sqrt(N)   (Figure 1)
 *   x = xi W_x  (row vectors; x = W_x^T xi),
 *   W_x = c u_x u_x^T + rho G_x / sqrt(N)   (same c = -10, rho = 0.5)
 *
 * xi is the usual smooth noise (iid channels, tau_x = 10, sigma_x = 1).
 * Passing it through a second low-rank matrix gives an input whose
 * covariance sigma_x^2 W_x^T W_x has one large eigenvalue (c^2 + rho^2 ~ 100,
 * along u_x) above a bulk of order rho^2: most of the input's variance lies
 * in one direction, so the input is low-dimensional (participation ratio ~2
 * instead of ~N/2).
 *
 * What the recurrent network does with it: u_x is a random direction with
 * respect to u, so it passes through I - W nearly unchanged and z inherits
 * the dominant input PC.  The low-rank direction u of the NETWORK is still
 * suppressed -- cancellation does not need a high-dimensional input, only
 * input along u: var(z.u) stays far below var(z.u_rand), and the last PC of
 * z still points along u.  Theory 2 (the quasi-static prediction with the
 * run's own input covariance) accounts for the anisotropic input.
 *
 * Panels (Figure-1 layout): singular values and eigenvalues of W; step
 * responses (constant inputs along u and u_rand, not mixed); PC spectra of z
 * and x (x now has one dominant PC); z.u vs z.u_rand; x.u vs x.u_rand;
 * cancellation along u.  Extra direction in proj.tsv/series.tsv: u_x.
 * Outputs: results/figS-lowdiminput/ (TSV files described in study.h).
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
#define C (-10.0)       /* rank-one strength of W and of W_x */
#define RHO 0.5         /* random parts of W and of W_x */
/* --fast keeps dt = 0.05 (dt (1 - c) = 0.55 < 2: Euler still stable); otherwise
 * the authors' protocol (study_params_default(): tau = 1, dt = 0.01; smooth
 * noise xi with tau_x = 10, sigma_x = 1; T_noise = 5000) */
#define T_NOISE_FAST 1000.0 /* --fast noise run */

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "figS-lowdiminput",
            "Supplementary: Figure-1 network driven by a low-dimensional input "
            "x = xi W_x, W_x = c u_x u_x^T + rho G/sqrt(N)", SEED, argc, argv);

    /* ------------------------------------------------------------ the network
     * Figure 1's draw order (u, random part, u_rand), then the input matrix
     * W_x from the same stream: u_x, its random part. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_NORMAL, C, RHO, 0, &net, &err), &err);
    gsl_vector *u_x = gsl_vector_alloc(N), *v_x = gsl_vector_alloc(N);
    gsl_matrix *Wx = gsl_matrix_calloc(N, N);
    NB_TRY(lrs_conn_rank1_vectors(net.rng, LRS_RANK1_NORMAL, u_x, v_x, &err), &err);
    NB_TRY(lrs_conn_add_rank1(Wx, C, u_x, v_x, &err), &err);
    NB_TRY(lrs_conn_add_gaussian(Wx, RHO, net.rng, &err), &err);
    double uxu;
    gsl_blas_ddot(u_x, net.u, &uxu);

    /* ------------------------------------------------------------ the protocol
     * The noise run's input is x = mix^T xi with mix = W_x (x = xi W_x). */
    study_params_t p = study_params_net(&a, &net);
    p.nextra = 1;
    p.extra[0] = u_x;
    p.extra_name[0] = "u_x";
    p.mix = Wx;
    if (a.fast)
        p.T_noise = T_NOISE_FAST;
    p.theory = 1; /* theory 2 uses the sample (low-dimensional) C_x */
    study_result_t *r = study_execute(&a, &p, NULL);

    /* ------------------------------------------------------------ panel d
     * PC spectra: x has one dominant PC (along u_x) holding most of its
     * variance; z inherits it, and keeps a suppressed last PC along u. */
    double pct_x_first = gsl_vector_get(r->pca_x->pct, 0);
    double ang_pc1_ux;
    gsl_vector_view pc1 = gsl_matrix_column(r->pca_z->pcs, 0);
    NB_TRY(lrs_spectra_line_angle_deg(&pc1.vector, u_x, &ang_pc1_ux, &err), &err);
    nb_note("d: first PC of x %.3g%% of its variance (participation ratio %.3g); "
            "z: first PC %.3g%%, last %.3g%%", pct_x_first, r->dim_x, r->pct_z_first,
            r->pct_z_last);
    /* ------------------------------------------------------------ panels e-g
     * Suppression along u despite the low-dimensional input. */
    nb_note("e-g: var(x.u) %.4g, var(x.u_rand) %.4g; var(z.u) %.4g, var(z.u_rand) %.4g",
            r->var_xu, r->var_xrand, r->var_zu, r->var_zrand);

    /* ------------------------------------------------------------ summary */
    study_summary(&p, r);
    nb_summary("pct_x_first", "%.4g", pct_x_first);
    nb_summary("overlap_ux_u", "%.4g", uxu);
    nb_summary("angle_PC1z_ux_deg", "%.3g", ang_pc1_ux);

    gsl_matrix_free(Wx);
    gsl_vector_free(u_x);
    gsl_vector_free(v_x);
    return study_close(&a, r, &net);
}
