/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-epidemiological.c -- supplementary figure "Epidemiological": the
 * Figure 6 analysis of the SIS epidemic on the contact network, in more
 * panels.
 *
 * Same model, network, fixed point, Jacobian and runs as Figure 6
 * (notebooks-c/fig6.c; the analysis is notebooks-c/common/nb_epi.c):
 *
 *     dx/dt = -x + (1 - x) .* (gamma W x) + p(t) .* x .* (1 - x),
 *
 * linearised about the endemic state x*:  d(dx)/dt = -dx + R + q, with the
 * recurrent input R = (1 - x) .* (gamma W x) - x* (the infection pressure
 * from the neighbours, minus its fixed-point value) and the effective
 * external input q = p .* x .* (1 - x).  This is the network model
 * tau dz/dt = -z + W f(z) + x in disguise, so the Figure 1 measurements apply:
 * a direction d is suppressed when R.d cancels q.d.
 *
 * Panels:
 *   a  the overlap matrix P = U_r^T V_r of J's top r = 9 singular vectors
 *      (colour range -1..1): close to -I, orthogonal, singular values ~1:
 *      J's dominant part is EP-like (here nearly symmetric);
 *   b  projections of x - x* on u (J's top left singular vector) and on a
 *      random direction, under smooth noise: the u component is suppressed;
 *   c  the same for v (top right singular vector);
 *   d  cancellation along u: the effective input q.u, the recurrent input
 *      R.u and the response dx.u over time;
 *   e  PC spectra of x - x* and of p, scaled (correlation matrix, the
 *      paper's choice for the epidemic) and raw (covariance);
 *   f  the endemic state x*_i against each student's number of contacts; J's
 *      large singular values sit on the diagonal -1 - gamma (W x*)_i, so u
 *      and v concentrate on the best-connected student (marked);
 *   g  the singular values of gamma W on linear axes: nine class modes stand
 *      out of the bulk, the only ones above 1 (the low-rank structure);
 *   h  the Figure 6 step responses under both joint signs of (u, v): v with
 *      a positive sum (the convention, raising the hub's infection) and -v.
 *
 * Options as every notebook: --seed, --fast (short noise run), --data PATH
 * (another edge list; default: the network shipped in data/), --synthetic
 * (a synthetic school network instead, said in the summary and the title).
 */
#include "nb.h"
#include "nb_epi.h"

/* ------------------------------------------------------------ parameters
 * The authors' Figure 6 values (arXiv:2504.13727): epi_params_paper(), the
 * table fig6.c uses. */
static const unsigned long DEFAULT_SEED = 6;  /* Figure 6's seed: the same runs */
static const char ABOUT[] = "Supplementary figure Epidemiological: the Figure 6 SIS analysis in "
                            "more panels (P matrix, projections, cancellation, PC spectra)";

int main(int argc, char **argv)
{
    nb_args_t a;
    nb_init(&a, "figS-epidemiological", ABOUT, DEFAULT_SEED, argc, argv);
    epi_params_t p = epi_params_paper(&a);
    epi_study_t s = {0};

    /* ---------------------------------------------------------- the runs
     * Figure 6's analysis, stage by stage (epi_analysis): the network, the
     * fixed point and relaxation time (the noise run discards 10 of them),
     * then
     *   panel a    J at x*, its singular vectors u, v and the overlap matrix
     *              P of the top nine: P near an orthogonal matrix means no
     *              small singular value of J hides among the dominant ones --
     *              nothing gets amplified;
     *   panel h    the Figure 6 step run, under both joint signs of (u, v);
     *   panels b-e smooth noise p = 0.01 xi(t) on every infection rate:
     *              projections of dx, q and R on u, v and u_rand (streamed:
     *              variances and correlations over t >= 10 relaxation times,
     *              traces for t < 500), and the PC spectra, scaled and raw. */
    epi_analysis(&a, &p, &s);

    /* ---------------------------------------------------------- summary
     * Figure 6's block plus, for the Figure 1 comparison: the variance
     * ratios of the projections (var_ratio_rand_over_u, ..._v) and the
     * cancellation correlations corr(q.d, R.d). */
    epi_summary(&a, &p, &s);
    epi_free(&s);
    return nb_finish();
}
