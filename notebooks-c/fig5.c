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
 * Panels: (a) W as an image; (b) singular values of W and W0; (c) the two
 * input patterns (a smooth bump and a random direction); (d) ||z(t)|| for the
 * two constant inputs; (e) the final responses z_i(T) against theta_i;
 * (f) the linear gain 1/|1 - lambda_k(W0)| of each Fourier frequency with the
 * power spectra of the two inputs: why one is suppressed and not the other.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "nb.h"
#include "lrs/connectivity.h"
#include "lrs/observe.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters */
#define N 200                        /* units on the ring */
static const double C = -0.5;        /* strength of the spatial part */
static const double SIGMA_W = 0.05;  /* width of the connection profile */
static const double RHO = 0.1;       /* W1 = rho G / sqrt(N) */
static const lrs_sim_transfer_t F = LRS_F_TANH;
static const double TAU = 1.0, DT = 0.01;
static const double C_X = 1.0;       /* input strength (unit-norm directions) */
static const double T_RUN = 100.0;   /* constant input for the whole run */
static const double BUMP_WIDTH = 0.1, BUMP_CENTRE = 0.5; /* smooth input */
static const double Z0_SD = 0.1;     /* z0 = 0.1/sqrt(N) randn */
static const unsigned long DEFAULT_SEED = 5;

/* One run with the constant input C_X * d: ||z(t)|| trace and final state. */
static void run_constant(const nb_args_t *a, const gsl_matrix *W, const gsl_vector *d,
                         const gsl_vector *z0, const char *file, const char *title,
                         gsl_vector *zT)
{
    lrs_err_t err = {0};
    lrs_input_t *in = NULL;
    lrs_sim_t *sim = NULL;
    lrs_trace_t *tr = NULL;
    gsl_vector *c = gsl_vector_alloc(N);
    gsl_vector_memcpy(c, d);
    gsl_vector_scale(c, C_X);
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_constant(in, c, &err), &err);
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = W;
    p.f = F;
    p.tau = TAU;
    p.dt = DT;
    p.T = T_RUN;
    p.z0 = z0;
    p.stop = &nb_stop;
    NB_TRY(lrs_sim_alloc(&sim, &p, &err), &err);
    FILE *fp = nb_tsv(a, file, title, "t\tnorm_z");
    NB_TRY(lrs_trace_alloc(&tr, fp, 10, T_RUN + 1, 0, &err), &err);
    lrs_observer_t o = lrs_trace_observer(tr);
    NB_TRY(lrs_sim_run(sim, in, &o, 1, &err), &err);
    NB_TRY(lrs_sim_final_state(sim, zT, &err), &err);
    lrs_trace_free(tr);
    lrs_sim_free(sim);
    lrs_input_free(in);
    gsl_vector_free(c);
}

/* Power of a real vector x in each Fourier frequency k = 0 .. N/2:
 * |X_k|^2 + |X_{N-k}|^2 (the two conjugate terms of a real signal), as a
 * fraction of the total (Parseval). */
static void fourier_power(const gsl_vector *x, double *pw)
{
    double total = 0;
    for (size_t k = 0; k <= N / 2; k++) {
        double re = 0, im = 0;
        for (size_t i = 0; i < N; i++) {
            double ph = 2 * M_PI * (double)(k * i % N) / N;
            re += gsl_vector_get(x, i) * cos(ph);
            im -= gsl_vector_get(x, i) * sin(ph);
        }
        pw[k] = (re * re + im * im) * ((k == 0 || 2 * k == N) ? 1.0 : 2.0);
        total += pw[k];
    }
    for (size_t k = 0; k <= N / 2; k++)
        pw[k] /= total;
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    nb_init(&a, "fig5",
            "Figure 5: spatial ring network: smooth input is suppressed, "
            "disordered input is not",
            DEFAULT_SEED, argc, argv);
    /* The runs are short (T = 100, N = 200): --fast runs the same thing. */

    /* ---------------------------------------------------------- network */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_matrix *W0 = gsl_matrix_alloc(N, N), *W = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_conn_ring(W0, C, SIGMA_W, &err), &err);
    gsl_matrix_memcpy(W, W0);
    NB_TRY(lrs_conn_add_gaussian(W, RHO, rng, &err), &err);

    /* Panel a: W (a band along the diagonal, wrapping at the corners). */
    FILE *fp = nb_tsv(&a, "W.tsv", "connectivity W = W0 + W1 (matrix)", "W_ij, N columns");
    nb_write_matrix(fp, W);

    /* Panel b: singular values: a handful of large ones (the smooth Fourier
     * modes of W0, in pairs cos/sin), then the small bulk of W1. */
    gsl_vector *sW = gsl_vector_alloc(N), *sW0 = gsl_vector_alloc(N);
    NB_TRY(lrs_spectra_svd(W, sW, NULL, NULL, &err), &err);
    NB_TRY(lrs_spectra_svd(W0, sW0, NULL, NULL, &err), &err);
    fp = nb_tsv(&a, "svals.tsv", "singular values of W and W0, descending", "k\tW\tW0");
    nb_write_columns(fp, sW, sW0, NULL);

    /* ---------------------------------------------------------- panel c
     * Inputs: a smooth bump (wrapped Gaussian of width 0.1 centred at 0.5,
     * normalised to unit length) and a random unit vector. */
    gsl_vector *bump = gsl_vector_alloc(N), *urand = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(bump, i,
                       lrs_conn_wrapped_gaussian((double)i / N - BUMP_CENTRE, BUMP_WIDTH));
    gsl_vector_scale(bump, 1.0 / gsl_blas_dnrm2(bump));
    NB_TRY(lrs_conn_random_unit(rng, urand, &err), &err);
    gsl_vector *z0 = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD / sqrt((double)N) * gsl_ran_gaussian(rng, 1.0));

    /* ---------------------------------------------------------- panels d, e
     * Constant input c_x d for T = 100 (both runs start from the same z0). */
    gsl_vector *z_smooth = gsl_vector_alloc(N), *z_rand = gsl_vector_alloc(N);
    run_constant(&a, W, bump, z0, "norm_smooth.tsv",
                 "||z(t)|| under the constant smooth (bump) input", z_smooth);
    run_constant(&a, W, urand, z0, "norm_random.tsv",
                 "||z(t)|| under the constant random input", z_rand);
    double n_smooth = gsl_blas_dnrm2(z_smooth), n_rand = gsl_blas_dnrm2(z_rand);
    fp = nb_tsv(&a, "profiles.tsv", "inputs and final responses against position",
                "i\ttheta\tinput_smooth\tinput_random\tz_smooth\tz_random");
    for (size_t i = 0; i < N; i++)
        fprintf(fp, "%zu\t%.4f\t%.8g\t%.8g\t%.8g\t%.8g\n", i + 1, (double)i / N,
                C_X * gsl_vector_get(bump, i), C_X * gsl_vector_get(urand, i),
                gsl_vector_get(z_smooth, i), gsl_vector_get(z_rand, i));

    /* ---------------------------------------------------------- panel f
     * Why: the eigenvalue of the circulant W0 for frequency k is
     * lambda_k = (c/sqrt N) sum_j g(j/N) cos(2 pi k j / N); the linear network
     * answers frequency k with gain 1/(1 - lambda_k).  Compare with where the
     * power of each input lies.  The linear prediction of the two norms,
     * ||(I - W)^{-1} d|| with the full W, is in the summary. */
    double pw_s[N / 2 + 1], pw_r[N / 2 + 1];
    fourier_power(bump, pw_s);
    fourier_power(urand, pw_r);
    fp = nb_tsv(&a, "fourier.tsv",
                "per Fourier frequency k: eigenvalue of W0, linear gain, input power fractions",
                "k\tlambda_W0\tgain\tpower_smooth\tpower_random");
    double g0[N];
    for (size_t j = 0; j < N; j++)
        g0[j] = C * lrs_conn_wrapped_gaussian((double)j / N, SIGMA_W) / sqrt((double)N);
    double gain_lo = 0, gain_hi = 0;
    for (size_t k = 0; k <= N / 2; k++) {
        double lam = 0;
        for (size_t j = 0; j < N; j++)
            lam += g0[j] * cos(2 * M_PI * (double)(k * j % N) / N);
        double gain = 1.0 / fabs(1.0 - lam);
        /* mean gain weighted by each input's power */
        gain_lo += pw_s[k] * gain * gain;
        gain_hi += pw_r[k] * gain * gain;
        fprintf(fp, "%zu\t%.8g\t%.8g\t%.8g\t%.8g\n", k, lam, gain, pw_s[k], pw_r[k]);
    }

    /* Linear prediction with the full W: z* = (I - W)^{-1} c_x d. */
    gsl_matrix *IW = gsl_matrix_alloc(N, N);
    gsl_matrix_set_identity(IW);
    gsl_matrix_sub(IW, W);
    gsl_permutation *perm = gsl_permutation_alloc(N);
    int sgn;
    gsl_vector *zl = gsl_vector_alloc(N);
    gsl_linalg_LU_decomp(IW, perm, &sgn);
    gsl_linalg_LU_solve(IW, perm, bump, zl);
    double lin_smooth = C_X * gsl_blas_dnrm2(zl);
    gsl_linalg_LU_solve(IW, perm, urand, zl);
    double lin_rand = C_X * gsl_blas_dnrm2(zl);
    double re_max, im_max;
    NB_TRY(lrs_spectra_max_real_eig(W, &re_max, &im_max, &err), &err);

    /* ---------------------------------------------------------- summary */
    nb_summary("N", "%d", N);
    nb_summary("max_re_eig_W", "%.4f", re_max);
    nb_summary("svals_W0_top5", "%.4f %.4f %.4f %.4f %.4f", gsl_vector_get(sW0, 0),
               gsl_vector_get(sW0, 1), gsl_vector_get(sW0, 2), gsl_vector_get(sW0, 3),
               gsl_vector_get(sW0, 4));
    nb_summary("norm_smooth", "%.4f", n_smooth);
    nb_summary("norm_random", "%.4f", n_rand);
    nb_summary("response_ratio", "%.3f", n_rand / n_smooth);
    nb_summary("linear_norm_smooth", "%.4f", lin_smooth);
    nb_summary("linear_norm_random", "%.4f", lin_rand);
    nb_summary("linear_response_ratio", "%.3f", lin_rand / lin_smooth);
    nb_summary("fourier_rms_gain_smooth", "%.4f", sqrt(gain_lo));
    nb_summary("fourier_rms_gain_random", "%.4f", sqrt(gain_hi));
    nb_summary("acceptance_met", "%d", n_rand / n_smooth > 5 && n_rand / n_smooth < 10);

    gsl_matrix_free(IW);
    gsl_permutation_free(perm);
    gsl_vector_free(zl);
    gsl_vector_free(z_smooth);
    gsl_vector_free(z_rand);
    gsl_vector_free(z0);
    gsl_vector_free(bump);
    gsl_vector_free(urand);
    gsl_vector_free(sW);
    gsl_vector_free(sW0);
    gsl_matrix_free(W);
    gsl_matrix_free(W0);
    gsl_rng_free(rng);
    return nb_finish();
}
