/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-modular.c -- supplementary figure "Modular": the Figure-4 E/I network
 * driven by high-dimensional smooth noise.
 *
 * The network is Figure 4's (networks.h, net_modular_fig4; the same seed,
 * hence the same matrix): N = 200,
 * Ne = 150 excitatory then Ni = 50 inhibitory units, block-constant
 * W0 (jee = 0.5, jei = -2, jie = 1, jii = -1, over sqrt N) plus rho G / sqrt(N),
 * rho = 0.5; tau_e = 2, tau_i = 1; f = tanh.  W0 has rank 2 and is EP (its
 * column space equals its row space, the span of the two population
 * indicators), so P = U^T V is orthogonal and arXiv:2504.13727 predicts low-rank
 * suppression WITHOUT an amplified direction: I - W has two large singular
 * values (about 1 + 14.6 and 1 + 3.9) and no small one.  Under noise:
 *   - the response stays high-dimensional (no dominant PC);
 *   - the input along u is cancelled by the recurrent input,
 *     corr(x.u, (W f(z)).u) close to -1;
 *   - the response is suppressed most along v, not u: z ~ (I - W)^{-1} x has
 *     the least variance along the top RIGHT singular vector of I - W, which
 *     is v (for a normal W, as in Figure 1, u and v coincide; W0 here is EP
 *     but not normal).  The last PCs lie in span{u, v} = the populations'
 *     span, so u_N is close to v.
 * Modular (E/I) networks are thus another family with EP-like low-rank parts.
 *
 * Protocol (the Figure-1 protocol of study.h): (a) singular values and
 * eigenvalues of W; (b) Figure 4's step run, c_x = 10 along u on [15, 35) and
 * along u_rand on [60, 80); (c) noise run with tau_x = 20, sigma_x = 0.5,
 * T = 5000, statistics over t >= 100: PCA of z and x, projections on u, v and
 * u_rand, cancellation.
 *
 * Panels: (a) singular values of W; (b) eigenvalues of W; (c) step
 * responses; (d) PC spectra of z and x; (e) z.u against z.u_rand; (f) the
 * same for the input, x.u against x.u_rand (isotropic, unlike z); (g) z.v
 * against z.u_rand; numbers; (h) x.u, (W f(z)).u and z.u against time;
 * (i) the same along v.
 */
#include <math.h>
#include <string.h>

#include "nb.h"
#include "networks.h"
#include "study.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters
 * The network and the step protocol: net_modular_fig4() (Figure 4's). */
static const net_noise_t NOISE = {
    .tau_x = 20.0, .sigma_x = 0.5,     /* input correlation time and sd */
    .T = 5000.0, .T_fast = 500.0,      /* run length (--fast) */
    .t_discard = 100.0,                /* statistics over t >= 100 */
    .dt = 0.01,
};

/* ------------------------------------------------------------ the protocol
 * Figure 1's protocol (study.h) on this network, with Figure 4's step run. */
static study_params_t protocol(const nb_args_t *a, const net_modular_params_t *p,
                               const net_t *net)
{
    study_params_t sp = net_study_params(a, net, p->f, 1.0, &NOISE);
    sp.c_x = p->steps.c_x;
    sp.on1 = p->steps.on_u;
    sp.off1 = p->steps.off_u;
    sp.on2 = p->steps.on_r;
    sp.off2 = p->steps.off_r;
    sp.T_step = p->steps.T;
    /* f(z) and W f(z) in float32 (study_binary16_net) */
    sp.precision = LRS_SIM_FLOAT32;
    return sp;
}


/* ------------------------------------------------------------ numbers
 * Beyond the Figure-1 keys: the variance along v (v^T C_z v), the three last
 * PCs against the median (W0 has rank 2: two suppressed directions, the
 * second less so), and where the last PC lies (net_summary_lastpc): it
 * should lie in the column space of W0 (span of u1, u2 = span of the
 * population indicators). */
static void summary(const nb_args_t *a, const study_params_t *sp, const study_result_t *r,
                    const net_t *net, const gsl_vector *sP)
{
    size_t N = net->N;
    double var_zv = net_var_along(r->Cz, net->v), var_xv = net_var_along(r->Cx, net->v);
    const gsl_vector *var = r->pca_z->var;
    double med = net_median_sorted(var);
    study_summary(sp, r);
    nb_summary("svals_W0_top2", "%.4f %.4f", gsl_vector_get(net->s0, 0),
               gsl_vector_get(net->s0, 1));
    nb_summary("P_svals", "%.4f %.4f", gsl_vector_get(sP, 0), gsl_vector_get(sP, 1));
    nb_summary("var_zv", "%.6g", var_zv);
    nb_summary("var_xv", "%.6g", var_xv);
    nb_summary("var_ratio_rand_over_v", "%.4g", r->var_zrand / var_zv);
    nb_summary("angle_uN_v_deg", "%.1f", r->angle_uN_v_deg);
    nb_summary("median_over_lastpc", "%.2f", med / gsl_vector_get(var, N - 1));
    nb_summary("median_over_lastpc2", "%.2f", med / gsl_vector_get(var, N - 2));
    nb_summary("median_over_lastpc3", "%.2f", med / gsl_vector_get(var, N - 3));
    net_summary_lastpc(a, net, sp, r, 2);
    /* A caveat on the PC spectrum at these parameters: tau_x = 20 and
     * T = 5000 give the input only about T / (sqrt(pi) tau_x) ~ 140
     * independent samples for 200 channels, so the sample C_x itself has
     * near-empty directions (x_median_over_lastpc) and the last PCs of z are
     * those, not the low-rank directions (a large angle_uN_span_W0_deg, 66
     * degrees at the default seed: u_N is NOT in span{u, v}).  The
     * suppression shows in the projections (var_ratio_rand_over_v,
     * var_ratio_rand_over_u) and in panel d as the gap between z and x at the
     * bottom of the spectrum, which the quasi-static theory with the run's
     * own C_x reproduces. */
    nb_note("tau_x = %g, T = %g: ~%.0f independent input samples for N = %zu channels; "
            "the last PCs of z follow the sample input covariance, see the notebook",
            NOISE.tau_x, sp->T_noise,
            (sp->T_noise - NOISE.t_discard) / (sqrt(M_PI) * NOISE.tau_x), N);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    const net_modular_params_t p = net_modular_fig4();
    nb_init(&a, "figS-modular",
            "Supplementary: the Figure-4 E/I network under smooth noise "
            "(PCA, projections on u and v, cancellation)",
            p.seed, argc, argv);

    gsl_rng *rng = nb_rng(a.seed);
    net_t *net = NULL;
    NB_TRY(net_modular_build(&p, rng, &net, &err), &err);
    NB_TRY(study_binary16_net(net->W, &err), &err);
    study_params_t sp = protocol(&a, &p, net);
    net_modular_param(&p);
    net_study_record_params(&sp, &NOISE);

    gsl_vector *sP = gsl_vector_alloc(2);
    net_write_overlap(&a, net, sP); /* P = U^T V: orthogonal (singular values 1) for EP */
    study_result_t *r = NULL;
    NB_TRY(study_run(&a, &sp, &r, &err), &err);
    summary(&a, &sp, r, net, sP);

    study_result_free(r);
    gsl_vector_free(sP);
    net_free(net);
    gsl_rng_free(rng);
    return nb_finish();
}
