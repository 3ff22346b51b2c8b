/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fig5.c -- Figure 5: a spatial (distance-dependent) network on a ring.
 *
 * N = 200 units at theta_i = i/N on a ring; the connection strength falls off
 * with distance:
 *
 *     W0_ij = c g(theta_i - theta_j) / sqrt(N),   c = -0.5,
 *     g = wrapped Gaussian density of width sigma_w = 0.05 on [0, 1),
 *
 * plus a weak random part rho G / sqrt(N) (rho = 0.1); f = tanh.  W0 is a
 * symmetric circulant matrix: its eigenvectors are the Fourier modes and its
 * eigenvalue for frequency k is about c sqrt(N) exp(-2 pi^2 k^2 sigma_w^2),
 * i.e. -7.07 for the uniform mode and decaying over a few frequencies.  So W0
 * is approximately low rank (its "low-rank directions" are the smooth,
 * low-frequency patterns), normal, and strongly inhibitory on them:
 * smooth inputs are divided by about 1 + 7 and suppressed, while spatially
 * disordered inputs (mostly high frequencies, where g's transform is ~0) pass
 * with gain ~1.  Disordered input is AMPLIFIED relative to smooth input: the
 * opposite of the intuition that a spatially smooth network "prefers" smooth
 * patterns.
 *
 * The network and the two inputs: net_ring_fig5() (networks.h).
 *
 * Panels: (a) W as an image; (b) singular values of W and W0; (c) the two
 * input patterns (a smooth bump and a random direction); (d) ||z(t)|| for the
 * two constant inputs; (e) the final responses z_i(T) against theta_i,
 * each on its own scale (the smooth one is about 7 times smaller);
 * (f) the linear gain 1/|1 - lambda_k(W0)| of each Fourier frequency with the
 * power spectra of the two inputs: why one is suppressed and not the other.
 */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "nb.h"
#include "networks.h"
#include "lrs/observe.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters
 * The network, the inputs and the run length: net_ring_fig5() (networks.c). */
static const double DT = 0.01;       /* Euler step */
static const double Z0_SD = 0.1;     /* z0 = 0.1/sqrt(N) randn */

/* ------------------------------------------------------------ panels a, b
 * W (a band along the diagonal, wrapping at the corners) and the singular
 * values: a handful of large ones (the smooth Fourier modes of W0, in pairs
 * cos/sin), then the small bulk of W1. */
static void write_structure(const nb_args_t *a, const net_ring_params_t *p, const net_t *net)
{
    lrs_err_t err = {0};
    gsl_vector *sW = gsl_vector_alloc(p->N);
    FILE *fp = nb_tsv(a, "W.tsv", "connectivity W = W0 + W1 (matrix)", "W_ij, N columns");
    nb_write_matrix(fp, net->W);
    NB_TRY(lrs_spectra_svd(net->W, sW, NULL, NULL, &err), &err);
    fp = nb_tsv(a, "svals.tsv", "singular values of W and W0, descending", "k\tW\tW0");
    nb_write_columns(fp, sW, net->s0, NULL);
    gsl_vector_free(sW);
}

/* ------------------------------------------------------------ panels d, e
 * One run with the constant input c_x d for T (every run starts from the same
 * z0): ||z(t)|| trace and the final state. */
static void run_constant(const nb_args_t *a, const net_ring_params_t *p, const net_t *net,
                         const gsl_vector *d, const gsl_vector *z0, const char *file,
                         const char *title, gsl_vector *zT)
{
    lrs_err_t err = {0};
    lrs_input_t *in = NULL;
    lrs_sim_t *sim = NULL;
    lrs_trace_t *tr = NULL;
    gsl_vector *c = gsl_vector_alloc(p->N);
    gsl_vector_memcpy(c, d);
    gsl_vector_scale(c, p->c_x);
    NB_TRY(lrs_input_alloc(&in, p->N, &err), &err);
    NB_TRY(lrs_input_add_constant(in, c, &err), &err);
    lrs_sim_params_t sp = lrs_sim_params_default();
    sp.W = net->W;
    sp.f = p->f;
    sp.tau = p->tau;
    sp.dt = DT;
    sp.T = p->T;
    sp.z0 = z0;
    sp.stop = &nb_stop;
    NB_TRY(lrs_sim_alloc(&sim, &sp, &err), &err);
    FILE *fp = nb_tsv(a, file, title, "t\tnorm_z");
    NB_TRY(lrs_trace_alloc(&tr, fp, 10, p->T + 1, 0, &err), &err);
    lrs_observer_t o = lrs_trace_observer(tr);
    NB_TRY(lrs_sim_run(sim, in, &o, 1, &err), &err);
    NB_TRY(lrs_sim_final_state(sim, zT, &err), &err);
    lrs_trace_free(tr);
    lrs_sim_free(sim);
    lrs_input_free(in);
    gsl_vector_free(c);
}

/* The inputs (panel c) and the final responses (panel e) against position. */
static void write_profiles(const nb_args_t *a, const net_ring_params_t *p,
                           const gsl_vector *bump, const gsl_vector *urand,
                           const gsl_vector *z_smooth, const gsl_vector *z_rand)
{
    FILE *fp = nb_tsv(a, "profiles.tsv", "inputs and final responses against position",
                      "i\ttheta\tinput_smooth\tinput_random\tz_smooth\tz_random");
    for (size_t i = 0; i < p->N; i++)
        fprintf(fp, "%zu\t%.4f\t%.8g\t%.8g\t%.8g\t%.8g\n", i + 1, (double)i / (double)p->N,
                p->c_x * gsl_vector_get(bump, i), p->c_x * gsl_vector_get(urand, i),
                gsl_vector_get(z_smooth, i), gsl_vector_get(z_rand, i));
}

/* ------------------------------------------------------------ panel f
 * Why: W0 is circulant, its eigenvalue for frequency k is lambda_k (the DFT
 * of its first row) and the linear network answers frequency k with gain
 * 1/|1 - lambda_k|.  Compare with where the power of each input lies; the
 * power-weighted rms gains go to the summary. */
static void write_fourier(const nb_args_t *a, const net_ring_params_t *p, const net_t *net,
                          const gsl_vector *bump, const gsl_vector *urand, double rms_gain[2])
{
    lrs_err_t err = {0};
    size_t nf = p->N / 2 + 1;
    gsl_vector *lam = gsl_vector_alloc(p->N), *pw_s = gsl_vector_alloc(nf),
               *pw_r = gsl_vector_alloc(nf);
    NB_TRY(net_ring_fourier_eigs(net->W0, lam, &err), &err);
    NB_TRY(net_fourier_power(bump, pw_s, &err), &err);
    NB_TRY(net_fourier_power(urand, pw_r, &err), &err);
    FILE *fp = nb_tsv(a, "fourier.tsv",
                      "per Fourier frequency k: eigenvalue of W0, linear gain, input power fractions",
                      "k\tlambda_W0\tgain\tpower_smooth\tpower_random");
    double g2[2] = {0, 0};
    for (size_t k = 0; k < nf; k++) {
        double l = gsl_vector_get(lam, k), gain = 1.0 / fabs(1.0 - l);
        g2[0] += gsl_vector_get(pw_s, k) * gain * gain;
        g2[1] += gsl_vector_get(pw_r, k) * gain * gain;
        fprintf(fp, "%zu\t%.8g\t%.8g\t%.8g\t%.8g\n", k, l, gain, gsl_vector_get(pw_s, k),
                gsl_vector_get(pw_r, k));
    }
    rms_gain[0] = sqrt(g2[0]);
    rms_gain[1] = sqrt(g2[1]);
    gsl_vector_free(lam);
    gsl_vector_free(pw_s);
    gsl_vector_free(pw_r);
}

/* Linear prediction with the full W: ||(I - W)^{-1} c_x d|| for d = the
 * bump and u_rand (one LU factorisation, two solves). */
static void linear_norms(const net_ring_params_t *p, const net_t *net, const gsl_vector *bump,
                         const gsl_vector *urand, double lin[2])
{
    size_t N = p->N;
    gsl_matrix *IW = gsl_matrix_alloc(N, N);
    gsl_permutation *perm = gsl_permutation_alloc(N);
    gsl_vector *zl = gsl_vector_alloc(N);
    int sgn;
    gsl_matrix_set_identity(IW);
    gsl_matrix_sub(IW, net->W);
    gsl_linalg_LU_decomp(IW, perm, &sgn);
    gsl_linalg_LU_solve(IW, perm, bump, zl);
    lin[0] = p->c_x * gsl_blas_dnrm2(zl);
    gsl_linalg_LU_solve(IW, perm, urand, zl);
    lin[1] = p->c_x * gsl_blas_dnrm2(zl);
    gsl_matrix_free(IW);
    gsl_permutation_free(perm);
    gsl_vector_free(zl);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    const net_ring_params_t p = net_ring_fig5();
    nb_init(&a, "fig5",
            "Figure 5: spatial ring network: smooth input is suppressed, "
            "disordered input is not",
            p.seed, argc, argv);
    /* The runs are short (T = 100, N = 200): --fast runs the same thing. */
    nb_param("N", "%zu", p.N);
    net_ring_param(&p);
    const size_t N = p.N;
    gsl_rng *rng = nb_rng(a.seed);
    net_t *net = NULL;
    NB_TRY(net_ring_build(&p, rng, &net, &err), &err);
    write_structure(&a, &p, net);                                   /* a, b */

    /* c: a smooth bump and the random unit vector u_rand */
    gsl_vector *bump = gsl_vector_alloc(N), *z0 = gsl_vector_alloc(N);
    NB_TRY(net_ring_bump(&p, bump, &err), &err);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD / sqrt((double)N) * gsl_ran_gaussian(rng, 1.0));

    /* d, e: the two constant-input runs */
    gsl_vector *z_smooth = gsl_vector_alloc(N), *z_rand = gsl_vector_alloc(N);
    run_constant(&a, &p, net, bump, z0, "norm_smooth.tsv",
                 "||z(t)|| under the constant smooth (bump) input", z_smooth);
    run_constant(&a, &p, net, net->u_rand, z0, "norm_random.tsv",
                 "||z(t)|| under the constant random input", z_rand);
    write_profiles(&a, &p, bump, net->u_rand, z_smooth, z_rand);
    double n_smooth = gsl_blas_dnrm2(z_smooth), n_rand = gsl_blas_dnrm2(z_rand);

    /* f: why, and the linear prediction */
    double rms_gain[2], lin[2], re_max, im_max;
    write_fourier(&a, &p, net, bump, net->u_rand, rms_gain);
    linear_norms(&p, net, bump, net->u_rand, lin);
    NB_TRY(lrs_spectra_max_real_eig(net->W, &re_max, &im_max, &err), &err);

    nb_summary("N", "%zu", N);
    nb_summary("max_re_eig_W", "%.4f", re_max);
    nb_summary("svals_W0_top5", "%.4f %.4f %.4f %.4f %.4f", gsl_vector_get(net->s0, 0),
               gsl_vector_get(net->s0, 1), gsl_vector_get(net->s0, 2),
               gsl_vector_get(net->s0, 3), gsl_vector_get(net->s0, 4));
    nb_summary("norm_smooth", "%.4f", n_smooth);
    nb_summary("norm_random", "%.4f", n_rand);
    nb_summary("response_ratio", "%.3f", n_rand / n_smooth);
    nb_summary("linear_norm_smooth", "%.4f", lin[0]);
    nb_summary("linear_norm_random", "%.4f", lin[1]);
    nb_summary("linear_response_ratio", "%.3f", lin[1] / lin[0]);
    nb_summary("fourier_rms_gain_smooth", "%.4f", rms_gain[0]);
    nb_summary("fourier_rms_gain_random", "%.4f", rms_gain[1]);
    nb_summary("acceptance_met", "%d", n_rand / n_smooth > 5 && n_rand / n_smooth < 10);

    gsl_vector_free(z_smooth);
    gsl_vector_free(z_rand);
    gsl_vector_free(z0);
    gsl_vector_free(bump);
    net_free(net);
    gsl_rng_free(rng);
    return nb_finish();
}
