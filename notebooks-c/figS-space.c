/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-space.c -- supplementary figure "Space": the Figure-5 spatial ring
 * network driven by high-dimensional smooth noise.
 *
 * The network is Figure 5's (networks.h, net_ring_fig5; the same seed, hence
 * the same matrix): N = 200 units
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
 * responses; (d) PC spectra of z and x; (e) z.u against z.u_rand; (f) the
 * same for the input, x.u against x.u_rand (isotropic, unlike z); (g) z.bump
 * against z.u_rand; numbers; (h) x.u, (W f(z)).u and z.u against time; (i) the
 * same along the bump.
 */
#include <math.h>
#include <string.h>

#include "nb.h"
#include "networks.h"
#include "study.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters
 * The network and Figure 5's smooth input: net_ring_fig5(). */
static const net_noise_t NOISE = {
    .tau_x = 10.0, .sigma_x = 0.5,     /* input correlation time and sd */
    .T = 5000.0, .T_fast = 500.0,      /* run length (--fast) */
    .t_discard = 100.0,                /* statistics over t >= 100 (ours, as figS-modular) */
    .dt = 0.01,
};
static const double SUPPRESSED = 10.0; /* "suppressed": variance 10x below the median */

/* ------------------------------------------------------------ the protocol
 * Figure 1's protocol (study.h) on this network, with u = the uniform mode
 * (top singular vector of W0; v = -u since its eigenvalue is negative); the
 * step run keeps the protocol's defaults; projections also on the bump. */
static study_params_t protocol(const nb_args_t *a, const net_ring_params_t *p,
                               const net_t *net, const gsl_vector *bump)
{
    study_params_t sp = net_study_params(a, net, p->f, p->tau, &NOISE);
    sp.nextra = 2;
    sp.extra[1] = bump;
    sp.extra_name[1] = "bump";
    /* f(z) and W f(z) in float32 (study_binary16_net) */
    sp.precision = LRS_SIM_FLOAT32;
    return sp;
}

/* Modes of W0 whose quasi-static suppression (1 - lambda_k)^2 exceeds
 * SUPPRESSED, lambda_k its Fourier eigenvalues (one per frequency and sign). */
static size_t modes_suppressed(const net_t *net)
{
    lrs_err_t err = {0};
    gsl_vector *lam = gsl_vector_alloc(net->N);
    NB_TRY(net_ring_fourier_eigs(net->W0, lam, &err), &err);
    size_t n = 0;
    for (size_t k = 0; k < net->N; k++) {
        double d = 1 - gsl_vector_get(lam, k);
        if (d * d > SUPPRESSED)
            n++;
    }
    gsl_vector_free(lam);
    return n;
}

/* ------------------------------------------------------------ numbers
 * Beyond the Figure-1 keys: the variance along the bump; how many PCs are
 * suppressed SUPPRESSED-fold below the median PC variance (one per strong
 * Fourier mode of W0), against the count of modes suppressed that much by the
 * quasi-static theory; where the last PC lies (net_summary_lastpc: in the
 * span of the first 3 left singular vectors of W0, Fourier k = 0 and the
 * k = 1 pair). */
static void summary(const nb_args_t *a, const study_params_t *sp, const study_result_t *r,
                    const net_t *net, const gsl_vector *bump)
{
    const gsl_vector *var = r->pca_z->var;
    double var_zb = net_var_along(r->Cz, bump), med = net_median_sorted(var);
    size_t nsupp = 0;
    for (size_t k = 0; k < var->size; k++)
        if (gsl_vector_get(var, k) * SUPPRESSED < med)
            nsupp++;
    const gsl_vector *s0 = net->s0;
    study_summary(sp, r);
    nb_summary("svals_W0_top5", "%.4f %.4f %.4f %.4f %.4f", gsl_vector_get(s0, 0),
               gsl_vector_get(s0, 1), gsl_vector_get(s0, 2), gsl_vector_get(s0, 3),
               gsl_vector_get(s0, 4));
    nb_summary("var_zbump", "%.6g", var_zb);
    nb_summary("var_ratio_rand_over_bump", "%.4g", r->var_zrand / var_zb);
    nb_summary("median_over_lastpc", "%.2f", med / gsl_vector_get(var, var->size - 1));
    nb_summary("n_pcs_suppressed_10x", "%zu", nsupp);
    nb_summary("n_modes_suppressed_10x_theory", "%zu", modes_suppressed(net));
    net_summary_lastpc(a, net, sp, r, 3);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    const net_ring_params_t p = net_ring_fig5();
    nb_init(&a, "figS-space",
            "Supplementary: the Figure-5 spatial ring network under smooth noise "
            "(PCA, projections, cancellation)",
            p.seed, argc, argv);

    gsl_rng *rng = nb_rng(a.seed);
    net_t *net = NULL;
    NB_TRY(net_ring_build(&p, rng, &net, &err), &err);
    NB_TRY(study_binary16_net(net->W, &err), &err);
    gsl_vector *bump = gsl_vector_alloc(p.N);
    NB_TRY(net_ring_bump(&p, bump, &err), &err);
    study_params_t sp = protocol(&a, &p, net, bump);
    net_ring_param(&p);
    net_study_record_params(&sp, &NOISE);
    nb_param("suppressed", "%g", SUPPRESSED);

    study_result_t *r = NULL;
    NB_TRY(study_run(&a, &sp, &r, &err), &err);
    summary(&a, &sp, r, net, bump);

    study_result_free(r);
    gsl_vector_free(bump);
    net_free(net);
    gsl_rng_free(rng);
    return nb_finish();
}
