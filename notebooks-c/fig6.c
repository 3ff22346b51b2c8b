/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fig6.c -- Figure 6: epidemic dynamics on a real contact network.
 *
 * Does low-rank suppression happen outside neural-network models?  Take the
 * quenched mean-field SIS epidemic on the face-to-face contact network of a
 * French high school (SocioPatterns; 327 students in 9 classes): x_i(t) is
 * the probability that student i is infected,
 *
 *     dx/dt = -x + (1 - x) .* (gamma W x) + p(t) .* x .* (1 - x),
 *
 * W = A / sigma_max(A), gamma = 3 (above the epidemic threshold 1), unit
 * recovery rates.  The disease settles into an endemic state x*; p(t)
 * perturbs the infection rates.  Linearised about x*,
 *
 *     d(dx)/dt = J dx + diag(x* (1 - x*)) p,
 *     J = -I - gamma diag(W x*) + gamma (I - diag(x*)) W,
 *
 * i.e. J plays the part of -(I - W) of the network model (arXiv:2504.13727): the
 * perturbation patterns along J's top left singular vectors are divided by
 * its largest singular values (suppressed), and the response would be
 * low-dimensional only if J had a few tiny singular values, which a stable,
 * EP-like J (overlap matrix P with singular values near 1) does not have.
 *
 * Panels, in the paper's order:
 *   a  the contact network (adjacency matrix, students grouped by class);
 *   b  singular values of J (and of W: nine class modes above the bulk);
 *   c  eigenvalues of J: all in the left half plane (stable);
 *   d  relaxation to x*: ||x(t) - x*|| and the exponential fit (relaxation
 *      time);
 *   e  step responses: p = 10 v on [20, 40), p = 10 u_rand on [60, 80),
 *      with v's sign fixed so that it has a positive sum (below);
 *   f  scaled PC spectra (% variance) of x - x* and of p under smooth noise
 *      p = 0.01 xi(t): high-dimensional response to high-dimensional input.
 *
 * Data: the contact network ships in data/ (data/README.md: source,
 * citation, CC BY-NC-SA licence) and is read from there by default;
 * --data PATH reads another edge list, --synthetic uses a synthetic school
 * network of the same size instead (the summary and the figure title then
 * say so).  The analysis itself lives in notebooks-c/common/nb_epi.c
 * (shared with figS-epidemiological).
 *
 * Sign convention: the top singular pair (u, v) of J has an arbitrary joint
 * sign and the model is nonlinear, so the step responses depend on it.  v is
 * taken with a positive sum: p = 10 v raises the infection rate of v's
 * dominant student, as in the authors' run (their plot: ||dx|| about 0.1
 * along v against 1.1 along u_rand).  The summary gives the ratio under
 * both signs (response_ratio, response_ratio_other_sign).
 *
 * Integrators: adaptive Dormand-Prince 5(4) (tolerances 1e-10) for the
 * unperturbed relaxation; forward Euler at the paper's steps for the perturbed runs (as
 * the authors; x* is an exact fixed point of the Euler map, and with
 * relaxation rates below ~5 the steps 0.1 and 0.2 are well inside Euler's
 * stability region |1 + dt lambda| < 1).
 */
#include "nb.h"
#include "nb_epi.h"

/* ------------------------------------------------------------ parameters
 * The authors' values (arXiv:2504.13727, Figure 6), shared with the
 * supplementary figure: epi_params_paper() in common/nb_epi.c.  gamma = 3;
 * x0 ~ U(0.3, 0.6) relaxed for T = 300; step p = 10 v on [20, 40), 10 u_rand
 * on [60, 80) at dt = 0.1; noise p = 0.01 xi(t), tau_x = 10, dt = 0.2,
 * T = 5000 (--fast 400), statistics after 10 relaxation times. */
static const unsigned long DEFAULT_SEED = 6;

int main(int argc, char **argv)
{
    nb_args_t a;
    nb_init(&a, "fig6",
            "Figure 6: SIS epidemic on a contact network: Jacobian spectra, step "
            "responses, scaled PC spectra",
            DEFAULT_SEED, argc, argv);
    epi_params_t p = epi_params_paper(&a);
    epi_study_t s = {0};

    /* ---------------------------------------------------------- panel a
     * The contact network: A_ij = 1 if students i and j met.  Dense blocks
     * are the classes (the file's ids are shuffled, so the image groups the
     * students by spectral clustering; nothing else depends on the order).
     * W = A / sigma_max(A) has nine singular values above the bulk: the
     * network is approximately low rank, one mode per class. */
    epi_network(&a, &p, &s);

    /* ---------------------------------------------------------- fixed point
     * From x0 ~ U(0.3, 0.6), the unperturbed epidemic relaxes (T = 300) to
     * the endemic state x*; Newton polishes it to ||F(x*)|| ~ 1e-16.
     * (Beside it, the display order of panel a: epi_display.) */
    epi_stages(&a, &p, &s, 2, (const epi_stage_fn[]){epi_fixed_point, epi_display});

    /* ---------------------------------------------------------- panel d
     * How fast: ||x(t) - x*|| decays roughly exponentially; a least-squares
     * fit of a e^{-t/tau} to the curve gives the relaxation time (authors:
     * about 0.65).  The tail alone decays at the slowest rate |max Re eig J|.
     * The noise run discards its first 10 relaxation times. */

    /* ---------------------------------------------------------- panels b, c
     * The Jacobian at x*: stable (every eigenvalue has a negative real part;
     * authors: max -1.06), with singular values from |max Re eig| up to ~5
     * and no tiny ones.  u, v = its top left/right singular vectors; the
     * overlap matrix P = U_r^T V_r of its top r = 9 singular vectors has
     * singular values near 1: J's dominant part is EP-like (range
     * symmetric), the case where low-rank suppression comes without
     * amplification.
     * (Panel d and the SVD of J need only x*: they run side by side.  J's
     * eigenvalues, for panel c and the summary only, run beside the
     * perturbed runs below: epi_spectra.  W's singular values came with
     * sigma_max in epi_network.) */
    epi_stages(&a, &p, &s, 2, (const epi_stage_fn[]){epi_relaxation, epi_jacobian});

    /* ---------------------------------------------------------- panel e
     * Step responses (dt = 0.1, forward Euler), v with a positive sum; then
     * the same run with -v for response_ratio_other_sign.  In the linear regime the
     * response is dx = -J^{-1} q = -V S^{-1} U^T q: an input along u_k is
     * divided by s_k.  With P ~ -I here, v ~ -u, so the perturbation along v
     * is the most suppressed one; it moves the epidemic less than a random
     * pattern of the same size.  J's largest singular values come from its
     * diagonal -1 - gamma (W x*)_i, so u and v sit almost entirely on the
     * best-connected student (summary: u_top_node_weight): the pattern the
     * network resists most is a change of the hub's own infection rate.
     * Response ratio = ||x - x*|| just before t = 80 over just before t = 40
     * (also its linear prediction, from -J^{-1} diag(x*(1-x*)) p). */

    /* ---------------------------------------------------------- panel f
     * Smooth noise on every infection rate, p = 0.01 xi(t) (tau_x = 10),
     * T = 5000, dt = 0.2, statistics after 10 relaxation times.  Scaled PCA
     * (each node standardised) of x - x* and of p: the response spectrum is
     * spread over many components like the input's, i.e. high-dimensional
     * dynamics on a low-rank network.
     * (Panels e and f are independent runs: side by side, the spectra of
     * panels b-c and panel a's file after the shorter one.) */
    epi_stages(&a, &p, &s, 4,
               (const epi_stage_fn[]){epi_noise_run, epi_step_run, epi_spectra, epi_adjacency});

    /* ---------------------------------------------------------- summary */
    epi_summary(&a, &p, &s);
    epi_free(&s);
    return nb_finish();
}
