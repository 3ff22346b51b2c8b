/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-weak.c -- supplementary figures "Weak" and "Weak2": a WEAK rank-one
 * normal part, negative (Weak) or positive (Weak2).  One program over a
 * parameter table; figS-weak2.c builds the second row.
 *
 *   W = c u u^T + rho G / sqrt(N),   rho = 0.01,   c = -0.5 (Weak), +0.5 (Weak2)
 *
 * The same protocol as Figure 1, but the low-rank part is weak.  Low-rank
 * suppression divides the input along u by the singular value of I - W along
 * u, about 1 - c (arXiv:2504.13727, Sec. 4):
 *   Weak,  c = -0.5:  1 - c = 1.5, so z.u loses only (1.5)^2 ~ 2.3x of its
 *          variance instead of ~120x: no strong suppression and no abrupt drop
 *          of the last PC.  LRS needs a STRONG low-rank part.
 *   Weak2, c = +0.5:  1 - c = 0.5 < 1: the input along u is AMPLIFIED 2x (4x
 *          in variance) and the aligned step response is larger than the
 *          random one (response_ratio < 1, var(z.u_rand)/var(z.u) ~ 0.25).  A
 *          positive low-rank part (excitatory feedback) amplifies its
 *          direction, as long as c < 1 keeps the network stable.
 *
 * Panels (as Figure 1): singular values and eigenvalues of W; step responses
 * to u and u_rand; PC spectra of z and x; z.u vs z.u_rand; x.u vs x.u_rand;
 * time series along u.  Outputs: results/<name>/ (TSV files described in
 * study.h) and summary.txt.
 */
#include <math.h>
#include "lrs/connectivity.h"
#include "nb.h"
#include "study.h"

/* ---------------------------------------------------------------- parameters */
#define SEED 1
#define N 200
/* tau = 1, dt = 0.01 (--fast 0.05: still stable, dt (1 - c) < 1), tau_x = 10,
 * sigma_x = 1, T_noise = 5000 (--fast 2500): the authors' protocol,
 * study_params_default() */

typedef struct {
    const char *name;  /* figure name: results/<name>/ */
    const char *about; /* one line for --help */
    double c;          /* strength of the rank-one part */
    double rho;        /* strength of the random part */
} weak_case_t;

static const weak_case_t CASES[] = {
    {"figS-weak", "Supplementary: weak rank-one normal part (c = -0.5, rho = 0.01)", -0.5, 0.01},
    {"figS-weak2", "Supplementary: weak positive rank-one normal part (c = +0.5, rho = 0.01)",
     0.5, 0.01},
};

#ifndef FIGS_WEAK_CASE
#define FIGS_WEAK_CASE 0
#endif

int main(int argc, char **argv)
{
    const weak_case_t *k = &CASES[FIGS_WEAK_CASE];
    nb_args_t a;
    lrs_err_t err;
    nb_init(&a, k->name, k->about, SEED, argc, argv);

    /* The network: Figure 1's construction with this case's c and rho, and
     * the Figure-1 protocol with the authors' step and noise parameters. */
    study_net_t net;
    NB_TRY(study_net_rank1(&a, N, LRS_RANK1_NORMAL, k->c, k->rho, 0, &net, &err), &err);
    study_params_t p = study_params_net(&a, &net);
    p.theory = 1;
    study_result_t *r = study_execute(&a, &p, NULL);

    /* Quasi-static expectation: sigma(I - W) along u ~ 1 - c, so the variance
     * ratio var(z.u_rand)/var(z.u) ~ (1 - c)^2 (2.25 for Weak: weak
     * suppression; 0.25 for Weak2: amplification). */
    double expected = (1 - k->c) * (1 - k->c);
    nb_note("quasi-static expectation: var(z.u_rand)/var(z.u) ~ (1 - c)^2 = %.3g", expected);
    study_summary(&p, r);
    nb_summary("expected_var_ratio_rand_over_u", "%.4g", expected);
    return study_close(&a, r, &net);
}
