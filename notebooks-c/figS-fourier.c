/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-fourier.c -- supplementary figure "Fourier": the leading singular
 * vectors of the spatial W0 of Figure 5 are Fourier modes.
 *
 * W0_ij = c g(theta_i - theta_j) / sqrt(N) depends only on i - j (mod N): it is
 * a symmetric circulant matrix, so it is diagonalised by the discrete Fourier
 * transform.  Its eigenvalue for spatial frequency k (k cycles around the
 * ring) is
 *
 *     lambda_k = (c / sqrt N) sum_j g(j/N) cos(2 pi k j / N)
 *              ~ c sqrt(N) exp(-2 pi^2 k^2 sigma_w^2)        (continuum limit),
 *
 * real, and equal for k and N - k.  W0 is symmetric, so its singular values
 * are |lambda_k| and its singular vectors are the eigenvectors: the uniform
 * mode (k = 0), then pairs cos(2 pi k theta), sin(2 pi k theta) for k = 1, 2, ...
 * (within a degenerate pair the SVD may return any rotation of the two, which
 * is still a sinusoid of frequency k, cos(2 pi k theta + phase)).  The
 * "low-rank directions" of a spatial network are therefore its smoothest
 * patterns: the reason smooth inputs are suppressed in Figure 5.
 *
 * Check: each of the first ten left singular vectors has at least 95% of its
 * power in a single frequency (power at k counts both conjugate terms k and
 * N - k of the DFT of a real vector).
 *
 * For comparison the same is done for the full W = W0 + rho G / sqrt(N) of
 * Figure 5 (rho = 0.1, the same seed, hence the same matrix): the weak random
 * part barely rotates the leading singular vectors.
 *
 * The network is Figure 5's (networks.h, net_ring_fig5).
 *
 * Panels: (a) singular values of W0 against |lambda_k| (and of W); (b) the ten
 * singular vectors along the ring; (c) their power spectra; (d) the share of
 * power in the dominant frequency of each, for W0 and for W, with the 95% line,
 * and the power left outside it (log scale).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort_vector.h>

#include "nb.h"
#include "networks.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters
 * The network: net_ring_fig5() (Figure 5's, with its seed: only W's random
 * part uses it). */
#define NVEC 10                       /* singular vectors examined */
static const double MIN_SHARE = 95.0; /* % of power in one frequency (acceptance) */

/* ------------------------------------------------------------ panel a
 * |lambda_k| for every DFT index k = 0 .. N-1, sorted descending, must equal
 * the singular values of W0.  Returns the largest deviation relative to s_1. */
static double write_svals(const nb_args_t *a, const net_ring_params_t *p, const net_t *net,
                          const gsl_vector *lam, const gsl_vector *sW)
{
    size_t N = p->N;
    gsl_vector *abs_sorted = gsl_vector_alloc(N);
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(abs_sorted, k, fabs(gsl_vector_get(lam, k)));
    gsl_sort_vector(abs_sorted);
    double dev = 0;
    FILE *fp = nb_tsv(a, "svals.tsv",
                      "singular values of W0 and |lambda_k| of the circulant (sorted), descending",
                      "k\tsvd\tfourier_abs_lambda\tsvd_W");
    for (size_t k = 0; k < N; k++) {
        double sv = gsl_vector_get(net->s0, k), al = gsl_vector_get(abs_sorted, N - 1 - k);
        dev = fmax(dev, fabs(sv - al) / gsl_vector_get(net->s0, 0));
        fprintf(fp, "%zu\t%.10g\t%.10g\t%.10g\n", k + 1, sv, al, gsl_vector_get(sW, k));
    }
    gsl_vector_free(abs_sorted);
    return dev;
}

/* ------------------------------------------------------------ panels b-d */
typedef struct modes {
    gsl_vector *pw[NVEC];         /* power per frequency of u_j (W0) */
    size_t dom[NVEC], domW[NVEC]; /* dominant frequency, for W0 and for W */
    double share[NVEC], shareW[NVEC]; /* its % of the power */
} modes_t;

/* Dominant frequency of the j-th column of U and its share of the power. */
static void dominant(const gsl_matrix *U, size_t j, gsl_vector *pw, size_t *dom, double *share)
{
    lrs_err_t err = {0};
    gsl_vector_const_view u = gsl_matrix_const_column(U, j);
    NB_TRY(net_fourier_power(&u.vector, pw, &err), &err);
    *dom = gsl_vector_max_index(pw);
    *share = 100.0 * gsl_vector_get(pw, *dom);
}

static void write_modes(const nb_args_t *a, const net_ring_params_t *p, const net_t *net,
                        const gsl_vector *lam, const modes_t *m)
{
    size_t N = p->N;
    FILE *fp = nb_tsv(a, "vectors.tsv", "the first ten left singular vectors of W0 along the ring",
                      "i\ttheta\tu1\tu2\tu3\tu4\tu5\tu6\tu7\tu8\tu9\tu10");
    for (size_t i = 0; i < N; i++) {
        fprintf(fp, "%zu\t%.4f", i + 1, (double)i / (double)N);
        for (size_t j = 0; j < NVEC; j++)
            fprintf(fp, "\t%.8g", gsl_matrix_get(net->U0, i, j));
        fputc('\n', fp);
    }
    fp = nb_tsv(a, "power.tsv", "fraction of each singular vector's power in each spatial frequency",
                "freq\tu1\tu2\tu3\tu4\tu5\tu6\tu7\tu8\tu9\tu10");
    for (size_t k = 0; k <= N / 2; k++) {
        fprintf(fp, "%zu", k);
        for (size_t j = 0; j < NVEC; j++)
            fprintf(fp, "\t%.6g", gsl_vector_get(m->pw[j], k));
        fputc('\n', fp);
    }
    fp = nb_tsv(a, "dominant.tsv",
                "per singular vector: dominant frequency, its share of the power (%), "
                "singular value, |lambda| of that frequency; the same share for W",
                "j\tfreq\tpct_power\tsval\tabs_lambda\tfreq_W\tpct_power_W");
    for (size_t j = 0; j < NVEC; j++)
        fprintf(fp, "%zu\t%zu\t%.6f\t%.8g\t%.8g\t%zu\t%.6f\n", j + 1, m->dom[j], m->share[j],
                gsl_vector_get(net->s0, j), fabs(gsl_vector_get(lam, m->dom[j])), m->domW[j],
                m->shareW[j]);
}

/* ------------------------------------------------------------ summary */
static void summary(const net_ring_params_t *p, const net_t *net, const modes_t *m, double dev)
{
    char pct[256] = "", fr[128] = "", pctW[256] = "", frW[128] = "";
    double min_share = 100, min_shareW = 100;
    for (size_t j = 0; j < NVEC; j++) {
        size_t lp = strlen(pct), lf = strlen(fr);
        snprintf(pct + lp, sizeof pct - lp, "%s%.2f", j ? " " : "", m->share[j]);
        snprintf(fr + lf, sizeof fr - lf, "%s%zu", j ? " " : "", m->dom[j]);
        lp = strlen(pctW);
        lf = strlen(frW);
        snprintf(pctW + lp, sizeof pctW - lp, "%s%.2f", j ? " " : "", m->shareW[j]);
        snprintf(frW + lf, sizeof frW - lf, "%s%zu", j ? " " : "", m->domW[j]);
        min_share = fmin(min_share, m->share[j]);
        min_shareW = fmin(min_shareW, m->shareW[j]);
    }
    const gsl_vector *s = net->s0;
    nb_summary("N", "%zu", p->N);
    nb_summary("svals_W0_top10", "%.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f",
               gsl_vector_get(s, 0), gsl_vector_get(s, 1), gsl_vector_get(s, 2),
               gsl_vector_get(s, 3), gsl_vector_get(s, 4), gsl_vector_get(s, 5),
               gsl_vector_get(s, 6), gsl_vector_get(s, 7), gsl_vector_get(s, 8),
               gsl_vector_get(s, 9));
    nb_summary("max_rel_dev_svals_vs_fourier", "%.3g", dev);
    nb_summary("dominant_freq_first10", "%s", fr);
    nb_summary("pct_power_first10", "%s", pct);
    for (size_t j = 0; j < NVEC; j++) {
        char key[32];
        snprintf(key, sizeof key, "pct_power_u%zu", j + 1);
        nb_summary(key, "%.4f", m->share[j]);
    }
    nb_summary("min_pct_power", "%.4f", min_share);
    nb_summary("acceptance_met", "%d", min_share >= MIN_SHARE);
    nb_summary("full_W_dominant_freq_first10", "%s", frW);
    nb_summary("full_W_pct_power_first10", "%s", pctW);
    nb_summary("full_W_min_pct_power", "%.4f", min_shareW);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    const net_ring_params_t p = net_ring_fig5();
    nb_init(&a, "figS-fourier",
            "Supplementary: the first ten left singular vectors of the spatial W0 "
            "(Figure 5) are Fourier modes",
            p.seed, argc, argv);
    /* Nothing long: --fast changes nothing. */
    nb_param("N", "%zu", p.N);
    net_ring_param(&p);
    nb_param("nvec", "%d", NVEC);
    nb_param("min_share", "%g", MIN_SHARE);
    const size_t N = p.N;
    gsl_rng *rng = nb_rng(a.seed);
    net_t *net = NULL;
    NB_TRY(net_ring_build(&p, rng, &net, &err), &err);
    /* For comparison, the full W of Figure 5 (the same seed, the same matrix). */
    gsl_matrix *UW = gsl_matrix_alloc(N, N), *VW = gsl_matrix_alloc(N, N);
    gsl_vector *sW = gsl_vector_alloc(N), *lam = gsl_vector_alloc(N), *pwW = gsl_vector_alloc(N / 2 + 1);
    NB_TRY(lrs_spectra_svd(net->W, sW, UW, VW, &err), &err);
    NB_TRY(net_ring_fourier_eigs(net->W0, lam, &err), &err);

    double dev = write_svals(&a, &p, net, lam, sW);                  /* a */
    modes_t m;
    for (size_t j = 0; j < NVEC; j++) {                               /* b-d */
        m.pw[j] = gsl_vector_alloc(N / 2 + 1);
        dominant(net->U0, j, m.pw[j], &m.dom[j], &m.share[j]);
        dominant(UW, j, pwW, &m.domW[j], &m.shareW[j]);
    }
    write_modes(&a, &p, net, lam, &m);
    summary(&p, net, &m, dev);

    for (size_t j = 0; j < NVEC; j++)
        gsl_vector_free(m.pw[j]);
    gsl_vector_free(pwW);
    gsl_vector_free(lam);
    gsl_vector_free(sW);
    gsl_matrix_free(UW);
    gsl_matrix_free(VW);
    net_free(net);
    gsl_rng_free(rng);
    return nb_finish();
}
