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
 * The authors' Figure 6 values (arXiv:2504.13727), as in fig6.c. */
static const double GAMMA = 3.0;          /* infection coupling */
static const double X0_LO = 0.3, X0_HI = 0.6; /* x0 ~ U(0.3, 0.6) */
static const double T_RELAX = 300.0;      /* unperturbed relaxation */
static const double NEWTON_TOL = 1e-12;   /* ||F(x*)||_inf after Newton */
static const double CURVE_DT = 0.05;      /* sampling of ||x(t) - x*|| */
static const double FIT_T_HI = 40.0;      /* fit window t <= 40 ... */
static const double FIT_FLOOR = 1e-10;    /* ... and d > 1e-10 */
static const double TAIL_T_LO = 10.0;     /* tail fit t >= 10 */
static const size_t R_OVERLAP = 9;        /* rank of P: the nine classes */
static const double STEP_AMP = 10.0;      /* p = 10 d */
static const double STEP_DT = 0.1, STEP_T = 100.0;
static const double ON1 = 20, OFF1 = 40;  /* along v */
static const double ON2 = 60, OFF2 = 80;  /* along u_rand */
static const double NOISE_SIGMA = 0.01;   /* p = 0.01 xi(t) */
static const double NOISE_TAU_X = 10.0;
static const double NOISE_DT = 0.2;
static const double NOISE_T = 5000.0;
static const double NOISE_T_FAST = 400.0; /* --fast */
static const double DISCARD_RELAX = 10.0; /* discard the first 10 relaxation times */
static const double PROJ_TRACE_T = 500.0; /* projection traces for t < 500 */
static const size_t SCHOOL_CLASSES = LRS_EPI_SCHOOL_CLASSES; /* synthetic network */
static const double SCHOOL_P_IN = LRS_EPI_SCHOOL_P_IN, SCHOOL_P_OUT = LRS_EPI_SCHOOL_P_OUT;
static const unsigned long DEFAULT_SEED = 6;  /* Figure 6's seed: the same runs */

int main(int argc, char **argv)
{
    nb_args_t a;
    nb_init(&a, "figS-epidemiological",
            "Supplementary figure Epidemiological: the Figure 6 SIS analysis in more "
            "panels (P matrix, projections, cancellation, PC spectra)",
            DEFAULT_SEED, argc, argv);
    epi_params_t p = {
        .school_classes = SCHOOL_CLASSES, .school_p_in = SCHOOL_P_IN,
        .school_p_out = SCHOOL_P_OUT, .groups = R_OVERLAP, .gamma = GAMMA,
        .x0_lo = X0_LO, .x0_hi = X0_HI, .t_relax = T_RELAX, .newton_tol = NEWTON_TOL,
        .curve_dt = CURVE_DT, .fit_t_hi = FIT_T_HI, .fit_floor = FIT_FLOOR,
        .tail_t_lo = TAIL_T_LO, .r_overlap = R_OVERLAP, .step_amp = STEP_AMP,
        .step_dt = STEP_DT, .step_T = STEP_T, .on1 = ON1, .off1 = OFF1, .on2 = ON2,
        .off2 = OFF2, .noise_sigma = NOISE_SIGMA, .noise_tau_x = NOISE_TAU_X,
        .noise_dt = NOISE_DT, .noise_T = a.fast ? NOISE_T_FAST : NOISE_T,
        .discard_relax = DISCARD_RELAX, .proj_trace_T = PROJ_TRACE_T};
    epi_study_t s = {0};

    /* ---------------------------------------------------------- network,
     * fixed point, relaxation time (as Figure 6): the noise run needs x* and
     * the relaxation time (it discards 10 of them). */
    epi_network(&a, &p, &s);
    epi_fixed_point(&a, &p, &s);
    epi_relaxation(&a, &p, &s);

    /* ---------------------------------------------------------- panel a
     * J at x*, its singular vectors u, v and the overlap matrix P of the top
     * nine: P near an orthogonal matrix means no small singular value of J
     * hides among the dominant ones -- nothing gets amplified. */
    epi_jacobian(&a, &p, &s);

    /* ---------------------------------------------------------- panel h
     * The Figure 6 step run, under both joint signs of (u, v). */
    epi_step_run(&a, &p, &s);

    /* ---------------------------------------------------------- panels b-e
     * Smooth noise p = 0.01 xi(t) on every infection rate: projections of
     * dx, q and R on u, v and u_rand (streamed: variances and correlations
     * over t >= 10 relaxation times, traces for t < 500), and the PC
     * spectra, scaled and raw. */
    epi_noise_run(&a, &p, &s);

    /* ---------------------------------------------------------- summary
     * Figure 6's block plus, for the Figure 1 comparison: the variance
     * ratios of the projections (var_ratio_rand_over_u, ..._v) and the
     * cancellation correlations corr(q.d, R.d). */
    epi_summary(&p, &s);
    if (a.fast)
        nb_note("fast run (noise T = %g): statistics are noisier than the default run's",
                p.noise_T);
    epi_free(&s);
    return nb_finish();
}
