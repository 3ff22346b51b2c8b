/*
 * figS-space.c -- supplementary figure "Space": the Figure-5 spatial ring
 * network driven by high-dimensional smooth noise.
 *
 * The network is Figure 5's (same seed, hence the same matrix): N = 200 units
 * on a ring, W0_ij = c g(theta_i - theta_j) / sqrt(N) with a wrapped Gaussian
 * g of width 0.05, c = -0.5, plus rho G / sqrt(N), rho = 0.1; f = tanh.
 * W0 is a symmetric circulant (figS-fourier): its singular vectors are
 * Fourier modes and its singular values |lambda_k| ~ 7.07 exp(-2 pi^2 k^2
 * sigma_w^2) decay over the first few frequencies.  It is normal (hence EP),
 * so low-rank suppression applies to all of its strong modes at once:
 * frequency k is suppressed by (1 - lambda_k)^2 in variance, about 65x for the
 * uniform mode, ~10x still at k = 5.  Under noise:
 *   - the response stays high-dimensional;
 *   - its last PCs are the smoothest spatial patterns (u = the uniform mode,
 *     the smooth bump of Figure 5), with a gradual rather than abrupt drop
 *     (an approximately low-rank W0 with graded singular values);
 *   - the input along u is cancelled by the recurrent input.
 *
 * Protocol (the Figure-1 protocol of study.h): (a) singular values and
 * eigenvalues of W; (b) step run along u and u_rand (c_x = 1, [15, 40) and
 * [55, 80)); (c) noise run with tau_x = 10, sigma_x = 0.5, T = 5000: PCA of
 * z and x, projections on u, v, the bump and u_rand, cancellation.
 *
 * Panels: (a) singular values of W; (b) eigenvalues of W; (c) step
 * responses; (d) PC spectra of z and x; (e) z.u vs z.u_rand; (f) z.bump vs
 * z.u_rand; numbers; (g) x.u, (W f(z)).u and z.u against time; (h) the same
 * along the bump.
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>

#include "nb.h"
#include "study.h"
#include "lrs/connectivity.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters */
#define N 200                        /* units on the ring (Figure 5) */
static const double C = -0.5;        /* strength of the spatial part */
static const double SIGMA_W = 0.05;  /* width of the connection profile */
static const double RHO = 0.1;       /* W1 = rho G / sqrt(N) */
static const lrs_sim_transfer_t F = LRS_F_TANH;
static const double TAU = 1.0, DT = 0.01;
static const double BUMP_WIDTH = 0.1, BUMP_CENTRE = 0.5; /* Figure 5's smooth input */
static const double TAU_X = 10.0;    /* input correlation time */
static const double SIGMA_X = 0.5;   /* input standard deviation */
static const double T_NOISE = 5000.0;
static const double T_NOISE_FAST = 500.0; /* --fast */
static const double T_DISCARD = 100.0; /* statistics over t >= 100 (ours, as figS-modular) */
static const unsigned long DEFAULT_SEED = 5; /* Figure 5's: the same network */

static double quad(const gsl_matrix *Cm, const gsl_vector *v)
{
    gsl_vector *Cv = gsl_vector_alloc(v->size);
    double q;
    gsl_blas_dsymv(CblasUpper, 1.0, Cm, v, 0.0, Cv);
    gsl_blas_ddot(v, Cv, &q);
    gsl_vector_free(Cv);
    return q;
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    nb_init(&a, "figS-space",
            "Supplementary: the Figure-5 spatial ring network under smooth noise "
            "(PCA, projections, cancellation)",
            DEFAULT_SEED, argc, argv);

    /* ---------------------------------------------------------- network
     * Exactly Figure 5's: the same seed and order of draws (W1, then u_rand). */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_matrix *W0 = gsl_matrix_alloc(N, N), *W = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_conn_ring(W0, C, SIGMA_W, &err), &err);
    gsl_matrix_memcpy(W, W0);
    NB_TRY(lrs_conn_add_gaussian(W, RHO, rng, &err), &err);
    gsl_vector *u_rand = gsl_vector_alloc(N);
    NB_TRY(lrs_conn_random_unit(rng, u_rand, &err), &err);

    /* u, v: top left/right singular vectors of W0 (the uniform mode; v = -u
     * since its eigenvalue is negative), u with positive mean. */
    gsl_matrix *U0 = gsl_matrix_alloc(N, N), *V0 = gsl_matrix_alloc(N, N);
    gsl_vector *s0 = gsl_vector_alloc(N);
    NB_TRY(lrs_spectra_svd(W0, s0, U0, V0, &err), &err);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    gsl_matrix_get_col(u, U0, 0);
    gsl_matrix_get_col(v, V0, 0);
    double usum = 0;
    for (size_t i = 0; i < N; i++)
        usum += gsl_vector_get(u, i);
    if (usum < 0) {
        gsl_vector_scale(u, -1.0);
        gsl_vector_scale(v, -1.0);
    }
    /* Figure 5's smooth input: a wrapped Gaussian bump, unit norm. */
    gsl_vector *bump = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(bump, i,
                       lrs_conn_wrapped_gaussian((double)i / N - BUMP_CENTRE, BUMP_WIDTH));
    gsl_vector_scale(bump, 1.0 / gsl_blas_dnrm2(bump));

    /* ---------------------------------------------------------- the protocol */
    study_params_t p = study_params_default(&a);
    p.W = W;
    p.u = u;
    p.v = v;
    p.u_rand = u_rand;
    p.nextra = 2;
    p.extra[0] = v;
    p.extra_name[0] = "v";
    p.extra[1] = bump;
    p.extra_name[1] = "bump";
    p.f = F;
    p.tau = TAU;
    p.dt = DT;
    p.tau_x = TAU_X;
    p.sigma_x = SIGMA_X;
    p.T_noise = a.fast ? T_NOISE_FAST : T_NOISE;
    p.t_discard = T_DISCARD;
    p.theory = 1; /* quasi-static theory with the run's own C_x (panel d) */
    study_result_t *r = NULL;
    NB_TRY(study_run(&a, &p, &r, &err), &err);

    /* ---------------------------------------------------------- numbers
     * Beyond the Figure-1 keys: the variance along the bump, and how many PCs
     * are suppressed at least 10x below the median PC variance (one per strong
     * Fourier mode of W0, compared with the count of modes whose quasi-static
     * suppression (1 - lambda_k)^2 exceeds 10). */
    double var_zb = quad(r->Cz, bump);
    const gsl_vector *var = r->pca_z->var;
    size_t m = var->size;
    double med = m % 2 ? gsl_vector_get(var, m / 2)
                       : 0.5 * (gsl_vector_get(var, m / 2 - 1) + gsl_vector_get(var, m / 2));
    size_t nsupp = 0;
    for (size_t k = 0; k < m; k++)
        if (gsl_vector_get(var, k) * 10 < med)
            nsupp++;
    size_t nsupp_th = 0;
    for (size_t k = 0; k < N; k++) {
        double lam = 0;
        for (size_t j = 0; j < N; j++)
            lam += C * lrs_conn_wrapped_gaussian((double)j / N, SIGMA_W) / sqrt((double)N) *
                   cos(2 * M_PI * (double)(k * j % N) / N);
        if ((1 - lam) * (1 - lam) > 10)
            nsupp_th++;
    }

    /* Where is the last PC?  Quasi-statically z ~ (I - W)^{-1} x, whose least
     * variance lies along the top right singular vector of I - W; and it
     * should lie in the span of the first 3 left singular vectors of W0 (Fourier k = 0 and the k = 1 pair). */
    double ang_span, ang_IW;
    {
        gsl_matrix *IW = gsl_matrix_alloc(N, N), *Ul = gsl_matrix_alloc(N, N),
                   *Vr = gsl_matrix_alloc(N, N);
        gsl_vector *sIW = gsl_vector_alloc(N), *ang = gsl_vector_alloc(1);
        gsl_matrix_set_identity(IW);
        gsl_matrix_sub(IW, W);
        NB_TRY(lrs_spectra_svd(IW, sIW, Ul, Vr, &err), &err);
        gsl_vector_view vtop = gsl_matrix_column(Vr, 0);
        NB_TRY(lrs_spectra_line_angle_deg(r->uN, &vtop.vector, &ang_IW, &err), &err);
        gsl_matrix_const_view Us = gsl_matrix_const_submatrix(U0, 0, 0, N, 3);
        gsl_matrix_const_view uNm = gsl_matrix_const_view_vector(r->uN, N, 1);
        NB_TRY(lrs_spectra_subspace_angles(&uNm.matrix, &Us.matrix, ang, &err), &err);
        ang_span = gsl_vector_get(ang, 0);
        gsl_matrix_free(IW);
        gsl_matrix_free(Ul);
        gsl_matrix_free(Vr);
        gsl_vector_free(sIW);
        gsl_vector_free(ang);
    }

    study_summary(&p, r);
    nb_summary("svals_W0_top5", "%.4f %.4f %.4f %.4f %.4f", gsl_vector_get(s0, 0),
               gsl_vector_get(s0, 1), gsl_vector_get(s0, 2), gsl_vector_get(s0, 3),
               gsl_vector_get(s0, 4));
    nb_summary("var_zbump", "%.6g", var_zb);
    nb_summary("var_ratio_rand_over_bump", "%.4g", r->var_zrand / var_zb);
    nb_summary("median_over_lastpc", "%.2f", med / gsl_vector_get(var, N - 1));
    nb_summary("n_pcs_suppressed_10x", "%zu", nsupp);
    nb_summary("n_modes_suppressed_10x_theory", "%zu", nsupp_th);
    {
        const gsl_vector *vx = r->pca_x->var;
        size_t mx = vx->size;
        double medx = mx % 2 ? gsl_vector_get(vx, mx / 2)
                             : 0.5 * (gsl_vector_get(vx, mx / 2 - 1) + gsl_vector_get(vx, mx / 2));
        nb_summary("x_median_over_lastpc", "%.2f", medx / gsl_vector_get(vx, mx - 1));
    }
    nb_summary("angle_uN_span_W0_deg", "%.1f", ang_span);
    nb_summary("angle_uN_top_right_sv_I_minus_W_deg", "%.1f", ang_IW);
    nb_summary("seed", "%lu", a.seed);
    if (a.fast)
        nb_note("fast run (T = %g): statistics from a short run", p.T_noise);

    study_result_free(r);
    gsl_vector_free(bump);
    gsl_vector_free(u_rand);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_vector_free(s0);
    gsl_matrix_free(U0);
    gsl_matrix_free(V0);
    gsl_matrix_free(W);
    gsl_matrix_free(W0);
    gsl_rng_free(rng);
    return nb_finish();
}
