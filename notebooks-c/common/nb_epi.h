/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nb_epi.h -- the epidemic analysis shared by Figure 6 (notebooks-c/fig6.c)
 * and the supplementary figure "Epidemiological"
 * (notebooks-c/figS-epidemiological.c), which shows the same analysis in more
 * panels.  Each step below is one stage of the analysis; the figure programs
 * call them in order, one section per panel, and write the summary.
 *
 * Model (arXiv:2504.13727, Figure 6; lrs/epidemic.h): quenched mean-field SIS on a
 * contact network, W = A / sigma_max(A), recovery D = I,
 *     dx/dt = -x + (1 - x) .* (gamma W x) + p(t) .* x .* (1 - x).
 *
 * Every step writes its data under results/<figure>/ (TSV with # headers):
 *   adjacency.tsv   A with the students ordered by group (image; 0/1)
 *   groups.tsv      display order: position, node id, group, degree, x*
 *   svals.tsv       k, sigma_k(J), sigma_k(W)
 *   eig_J.tsv       re, im of the eigenvalues of J
 *   relax.tsv       t, ||x(t) - x*||, the two exponential fits
 *   P.tsv           overlap matrix P = U_r^T V_r of J (row col value)
 *   step_trace.tsv  t, ||x - x*|| (step run)
 *   step_trace_other_sign.tsv  the same with p = -amp v
 *   step_units.tsv  t, x_i - x*_i, one block per student (every 2nd step)
 *   pcs.tsv         k, % variance of PC k: dx scaled, p scaled, dx raw, p raw
 *   proj_trace.tsv  t, projections of dx, q and R on u, v, u_rand
 */
#ifndef LRS_NB_EPI_H
#define LRS_NB_EPI_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector_complex.h>
#include "nb.h"
#include "lrs/epidemic.h"
#include "lrs/pca.h"

/* The parameters of the analysis (epi_params_paper: the authors' values). */
typedef struct epi_params {
    /* network */
    size_t school_classes;          /* synthetic network: classes */
    double school_p_in, school_p_out; /* contact probabilities within/between */
    size_t groups;                  /* groups of the display ordering */
    /* model */
    double gamma;                   /* infection coupling */
    /* fixed point */
    double x0_lo, x0_hi;            /* x0 ~ U(x0_lo, x0_hi) */
    double t_relax;                 /* unperturbed relaxation time span */
    double newton_tol;              /* Newton: ||F(x*)||_inf below this */
    /* relaxation-time fit */
    double curve_dt;                /* sampling step of ||x(t) - x*|| */
    double fit_t_hi;                /* window of both fits ends here */
    double fit_floor;               /* ... and drops d(t) <= fit_floor */
    double tail_t_lo;               /* tail (LOG) fit starts here */
    /* Jacobian */
    size_t r_overlap;               /* rank of the overlap matrix P */
    /* step run */
    double step_amp, step_dt, step_T;
    double on1, off1, on2, off2;    /* windows: along v, then along u_rand */
    /* noise run */
    double noise_sigma, noise_tau_x, noise_dt, noise_T;
    double discard_relax;           /* discard the first this many relaxation times */
    double proj_trace_T;            /* projection traces for t < this */
} epi_params_t;

typedef struct epi_study {
    /* network */
    size_t N, edges;
    int synthetic;                  /* 1: synthetic school network */
    char source[512];               /* "real ... (path)" or "synthetic ..." */
    gsl_matrix *A, *W;
    double sigma_max;
    size_t *order, *group;          /* display order (position -> node), group of node */
    double within_frac;             /* fraction of contacts inside the groups */
    /* fixed point */
    gsl_vector *x0, *xs;
    double newton_res, relaxed_dist;
    size_t newton_iters;
    /* relaxation */
    double tau_lin, a_lin, tau_log, a_log;
    size_t used_lin, used_log;
    /* Jacobian */
    gsl_matrix *J, *UJ, *VJ, *P;
    gsl_vector *sJ, *sW, *sP;
    gsl_vector_complex *evJ;
    double max_re, max_im;
    gsl_vector *u, *v, *urand;      /* top left/right singular vectors of J; random */
    double v_sum;                   /* sum of v's entries (> 0: the sign convention) */
    double u_top_weight, u_top_degree; /* largest u_i^2 and that student's degree */
    double v_top_weight;            /* largest v_i^2 */
    /* step run */
    double norm_v, norm_rand, response_ratio, lin_norm_v, lin_norm_rand;
    double norm_v_other, norm_rand_other, response_ratio_other; /* p = -amp v instead */
    /* noise run */
    lrs_pca_t *pca_x, *pca_p, *pca_x_raw, *pca_p_raw;
    double t_discard;
    size_t samples;
    double var_dx[3];               /* var(dx.u), var(dx.v), var(dx.u_rand) */
    double corr_qR[3];              /* corr(q.d, R.d) for d = u, v, u_rand */
    double angle_lastpc_v_deg, angle_lastpc_u_deg;
    double noise_seconds;
} epi_study_t;

/* The authors' Figure 6 parameters (arXiv:2504.13727), one table for Figure 6
 * and the supplementary figure; --fast shortens the noise run. */
epi_params_t epi_params_paper(const nb_args_t *a);

/* The contact network shipped in the repository (data/README.md). */
#define EPI_DATA_DEFAULT "data/high_school_proximity_edges.csv"

/* Read --data (edge list: "src,dst" per line, undirected, integer ids with
 * the unused ones dropped; default EPI_DATA_DEFAULT) or, with --synthetic,
 * build the synthetic school network (stream seed); normalise (W = A /
 * sigma_max(A), and the singular values of W from the same SVD). */
void epi_network(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* The display ordering (groups by spectral clustering); needed by
 * epi_jacobian's groups.tsv, epi_adjacency and the summary only. */
void epi_display(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* After epi_display: adjacency.tsv (A in display order; for panel a only,
 * so it can run beside the perturbed runs). */
void epi_adjacency(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* x0 ~ U(lo, hi) (stream seed + 1), adaptive relaxation, Newton polish. */
void epi_fixed_point(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* ||x(t) - x*|| from the same x0 and the exponential fits. */
void epi_relaxation(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* J at x*: its singular values/vectors, overlap P, u and v, u_rand (stream
 * seed + 2); P.tsv, groups.tsv.  Sign convention: v has a positive sum. */
void epi_jacobian(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* After epi_jacobian: J's eigenvalues (max Re); svals.tsv (with W's singular
 * values from epi_network), eig_J.tsv.  Needed by the figure and the summary
 * only, so it can run beside the perturbed runs. */
void epi_spectra(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* Step run: p = amp v on [on1, off1), amp u_rand on [on2, off2); then the
 * same with -v (the other joint sign of u, v) for the summary. */
void epi_step_run(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* Noise run: p = sigma xi(t) (stream seed + 3); scaled PCA of dx and p,
 * projections, cancellation. */
void epi_noise_run(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* n (at most EPI_MAX_STAGES) stages that depend only on what came before
 * them, run side by side (nb_parallel, a->jobs threads, handed out in list
 * order: the longest first): (epi_fixed_point, epi_display) after the
 * network, (epi_relaxation, epi_jacobian) after both, (epi_noise_run,
 * epi_step_run, epi_spectra, epi_adjacency) after those.  Each writes its own fields of s
 * and its own files, and draws from its own stream, so the results do not
 * depend on the thread count. */
typedef void (*epi_stage_fn)(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
#define EPI_MAX_STAGES 4
void epi_stages(const nb_args_t *a, const epi_params_t *p, epi_study_t *s, size_t n,
                const epi_stage_fn *stages);
/* The whole analysis in Figure 6's order: epi_network, epi_fixed_point
 * beside epi_display, epi_relaxation beside epi_jacobian, epi_noise_run
 * beside epi_step_run, epi_spectra and epi_adjacency. */
void epi_analysis(const nb_args_t *a, const epi_params_t *p, epi_study_t *s);
/* The summary block common to both figures (with --fast, a note that the
 * noise statistics come from a short run). */
void epi_summary(const nb_args_t *a, const epi_params_t *p, const epi_study_t *s);
void epi_free(epi_study_t *s);

#endif
