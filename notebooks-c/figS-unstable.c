/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-unstable.c -- supplementary figure "Unstable": a strong low-rank part
 * on top of a random part that is unstable ON ITS OWN (chaotic rate network).
 *
 *   tau dz/dt = -z + W tanh(z) + x(t),
 *   W = c u u^T + rho G / sqrt(N),   c = -40,  rho = 2
 *
 * The random part rho G/sqrt(N) has eigenvalues filling a disc of radius
 * rho = 2 > 1: without input, the tanh network is chaotic (Sompolinsky,
 * Crisanti & Sommers 1988), so its activity is large and irregular even
 * where the input is small.  The question is whether low-rank suppression
 * survives: the rank-one part c u u^T (c = -40) is strongly inhibitory along
 * u.  Along u, the recurrent input c u (u.tanh z) cancels both the external
 * input and the chaotic fluctuations projected on u, so z.u stays small while
 * every other direction carries the chaos.  The linear theory does not apply
 * (max Re eig W > 1, and f = tanh); the numbers come from the simulation.
 *
 * Panels (Figure-1 layout): singular values and eigenvalues of W (bulk disc
 * of radius 2 crossing Re = 1, one real outlier near c); step responses
 * (chaotic activity before, during and after the steps); PC spectra of z
 * and x; z.u vs z.u_rand; x.u vs x.u_rand; x.u, (W tanh z).u and z.u in time.
 * Outputs: results/figS-unstable/ (TSV files described in study.h).
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
#define C (-40.0)       /* rank-one strength */
#define RHO 2.0         /* random part: unstable alone (radius 2 > 1) */
#define DT_FAST 0.02   /* --fast: coarser step; dt (1 - c) = 0.82 < 2: Euler still stable (0.05 would not be) */
#define C_X sqrt((double)N) /* step amplitude: sqrt(N), as in the authors' notebook
                              (cx = np.sqrt(N)); with 1 the response is invisible */
#define T_NOISE_FAST 1000.0 /* --fast noise run; otherwise the authors' protocol
                               (study_params_default(): tau = 1, dt = 0.01,
                               tau_x = 10, sigma_x = 1, T_noise = 5000) */

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "figS-unstable",
            "Supplementary: tanh network, c = -40, rho = 2 (the random part alone is "
            "unstable, chaotic)", SEED, argc, argv);

    /* ------------------------------------------------------------ the network
     * Figure 1's draw order: u (v = u), the random part, u_rand.  The random
     * part is kept apart to show that it alone is unstable. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_NORMAL, C, RHO, 1, &net, &err), &err);
    NB_TRY(study_binary16_net(net.W, &err), &err);
    double re1, im1;
    NB_TRY(lrs_spectra_max_real_eig(net.W1, &re1, &im1, &err), &err);

    /* ------------------------------------------------------------ the protocol */
    study_params_t p = study_params_net(&a, &net);
    p.f = LRS_F_TANH;
    /* f(z) and W f(z) in float32 (study_binary16_net) */
    p.precision = LRS_SIM_FLOAT32;
    p.c_x = C_X;
    if (a.fast) {
        p.dt = DT_FAST;
        p.T_noise = T_NOISE_FAST;
    }
    p.theory = 0; /* no stationary linear theory: unstable, nonlinear */
    study_result_t *r = study_execute(&a, &p, NULL);

    /* ------------------------------------------------------------ panels a, b
     * The random part alone is unstable: its eigenvalues reach Re ~ rho = 2. */
    nb_note("a-b: max Re eig of the random part alone %.3g (> 1: unstable), of W %.3g; "
            "sigma_1(W) = %.3g", re1, r->max_re_eig, gsl_vector_get(r->sv, 0));
    /* ------------------------------------------------------------ panels c-g
     * Chaotic activity everywhere except along u. */
    nb_note("c-g: ||z|| aligned %.4g, random %.4g; var(z.u) %.4g, var(z.u_rand) %.4g; "
            "max |z_i| %.3g", r->norm_aligned, r->norm_random, r->var_zu, r->var_zrand,
            r->noise_max_abs_z);

    /* ------------------------------------------------------------ summary */
    study_summary(&p, r);
    nb_summary("max_real_eig_random_part", "%.4g", re1);
    nb_summary("random_part_unstable", "%d", re1 > 1);
    nb_summary("noise_max_abs_z", "%.4g", r->noise_max_abs_z);
    return study_close(&a, r, &net);
}
