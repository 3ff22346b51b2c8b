/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-unstable2.c -- supplementary figure "Unstable2": an UNSTABLE low-rank
 * part, held in check by the saturating transfer function.
 *
 *   tau dz/dt = -z + W tanh(z) + x(t),
 *   W = c u u^T + rho G / sqrt(N),   c = +10,  rho = 0.5
 *
 * With c = +10 the rank-one part is excitatory along u: W has a real
 * eigenvalue near 10, far beyond the linear stability line Re = 1.  A linear
 * network would blow up along u.  With tanh the growth stops when the units
 * saturate: z runs to one of two large fixed points z* ~ +-a u (a ~ c sum_i
 * |u_i| ~ 100, so |z_i| up to ~25) and stays there; it cannot run away,
 * since |z_i| <= sum_j |W_ij| + |x_i| for all time.  Around z* most units are
 * saturated (tanh' ~ 0), the effective feedback along u is weak, and the
 * smooth input moves the network around the fixed point.  The run stays
 * bounded; the summary prints max |z_i| over the whole noise run next to
 * that a-priori bound.
 *
 * Panels (Figure-1 layout): singular values and eigenvalues of W (one real
 * eigenvalue ~10 right of Re = 1); step responses (the state leaves 0 along
 * u within a few time units and saturates); PC spectra of z and x; z.u vs
 * z.u_rand; x.u vs x.u_rand; x.u, (W tanh z).u and z.u in time.
 * Outputs: results/figS-unstable2/ (TSV files described in study.h).
 */
#include <math.h>
#include <gsl/gsl_blas.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1          /* default --seed */
#define N 200           /* units */
#define C 10.0          /* rank-one strength: positive, unstable */
#define RHO 0.5         /* random part */
/* --fast keeps dt = 0.05 (tanh saturates; the linear part near z = 0 has
 * dt |1 - 10| = 0.45); otherwise the authors' protocol (study_params_default():
 * tau = 1, dt = 0.01, tau_x = 10, sigma_x = 1, T_noise = 5000) */
#define C_X sqrt((double)N) /* step amplitude: sqrt(N), as in the authors' notebook
                              (cx = np.sqrt(N)); with 1 the response is invisible */
#define T_NOISE_FAST 1000.0 /* --fast noise run */

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, "figS-unstable2",
            "Supplementary: tanh network with an unstable low-rank part, c = +10, "
            "rho = 0.5 (saturating)", SEED, argc, argv);

    /* ------------------------------------------------------------ the network
     * Figure 1's draw order: u (v = u), the random part, u_rand. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_NORMAL, C, RHO, 0, &net, &err), &err);
    NB_TRY(study_binary16_net(net.W, &err), &err);

    /* A-priori bound of the tanh network: |z_i| <= max_i sum_j |W_ij| + max |x_i|
     * (|tanh| <= 1); the first term is computed here. */
    double rowsum_max = 0;
    for (size_t i = 0; i < N; i++) {
        gsl_vector_view row = gsl_matrix_row(net.W, i);
        double s = gsl_blas_dasum(&row.vector);
        if (s > rowsum_max)
            rowsum_max = s;
    }

    /* ------------------------------------------------------------ the protocol */
    study_params_t p = study_params_net(&a, &net);
    p.f = LRS_F_TANH;
    /* f(z) and W f(z) in float32 (study_binary16_net) */
    p.precision = LRS_SIM_FLOAT32;
    p.c_x = C_X;
    if (a.fast)
        p.T_noise = T_NOISE_FAST;
    p.theory = 0; /* the linear network is unstable: no stationary theory */
    study_result_t *r = study_execute(&a, &p, NULL);

    /* ------------------------------------------------------------ panels a, b
     * Unstable low-rank part: an eigenvalue ~c = 10 > 1. */
    int unstable = r->max_re_eig > 1;
    nb_note("a-b: max Re eig(W) = %.3g %s 1: the low-rank part is %s (linear network would "
            "diverge along u)", r->max_re_eig, unstable ? ">" : "<=",
            unstable ? "UNSTABLE" : "stable");
    /* ------------------------------------------------------------ panels c-g
     * Bounded thanks to tanh: the largest |z_i| and ||z|| of the noise run. */
    int bounded = isfinite(r->noise_max_abs_z) && r->noise_max_abs_z < rowsum_max + 10 * p.sigma_x;
    nb_note("c-g: noise run stays bounded: max |z_i| = %.3g, max ||z|| = %.3g (bound "
            "max_i sum_j |W_ij| = %.3g, plus |x_i|); step run max ||z|| = %.3g",
            r->noise_max_abs_z, r->noise_max_norm_z, rowsum_max, r->step_peak_norm);

    /* ------------------------------------------------------------ summary */
    study_summary(&p, r);
    nb_summary("low_rank_unstable", "%d", unstable);
    nb_summary("noise_max_abs_z", "%.4g", r->noise_max_abs_z);
    nb_summary("noise_max_norm_z", "%.4g", r->noise_max_norm_z);
    nb_summary("tanh_bound_rowsum", "%.4g", rowsum_max);
    nb_summary("bounded", "%d", bounded);
    /* The aligned input pushes the saturated state off its fixed point:
     * ||z|| dips during [on1, off1) (authors' figure). */
    nb_summary("aligned_dip", "%.4g", r->norm_aligned / r->norm_before_aligned);
    return study_close(&a, r, &net);
}
