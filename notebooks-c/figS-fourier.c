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
 * Panels: (a) singular values of W0 against |lambda_k| (and of W); (b) the ten
 * singular vectors along the ring; (c) their power spectra; (d) the share of
 * power in the dominant frequency of each, for W0 and for W, with the 95% line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>

#include "nb.h"
#include "lrs/connectivity.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters */
#define N 200                        /* units on the ring (Figure 5) */
#define NVEC 10                      /* singular vectors examined */
#define NFREQ (N / 2 + 1)            /* frequencies 0 .. N/2 */
static const double C = -0.5;        /* strength (Figure 5) */
static const double SIGMA_W = 0.05;  /* width of the connection profile */
static const double RHO = 0.1;       /* random part of the full W (Figure 5) */
static const double MIN_SHARE = 95.0; /* % of power in one frequency (acceptance) */
static const unsigned long DEFAULT_SEED = 5; /* Figure 5's: only W's random part uses it */

/* Power of a real vector x in each frequency k = 0 .. N/2, as fractions of
 * the total: |X_k|^2 + |X_{N-k}|^2 (one term for k = 0 and k = N/2). */
static void fourier_power(const gsl_vector *x, double *pw)
{
    double total = 0;
    for (size_t k = 0; k < NFREQ; k++) {
        double re = 0, im = 0;
        for (size_t i = 0; i < N; i++) {
            double ph = 2 * M_PI * (double)(k * i % N) / N;
            re += gsl_vector_get(x, i) * cos(ph);
            im -= gsl_vector_get(x, i) * sin(ph);
        }
        pw[k] = (re * re + im * im) * ((k == 0 || 2 * k == N) ? 1.0 : 2.0);
        total += pw[k];
    }
    for (size_t k = 0; k < NFREQ; k++)
        pw[k] /= total;
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    nb_init(&a, "figS-fourier",
            "Supplementary: the first ten left singular vectors of the spatial W0 "
            "(Figure 5) are Fourier modes",
            DEFAULT_SEED, argc, argv);
    /* Nothing long: --fast changes nothing. */

    /* ---------------------------------------------------------- W0 and its SVD */
    gsl_matrix *W0 = gsl_matrix_alloc(N, N), *U = gsl_matrix_alloc(N, N),
               *V = gsl_matrix_alloc(N, N);
    gsl_vector *s = gsl_vector_alloc(N);
    NB_TRY(lrs_conn_ring(W0, C, SIGMA_W, &err), &err);
    NB_TRY(lrs_spectra_svd(W0, s, U, V, &err), &err);
    /* The full W of Figure 5: the first draw of the same seed. */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_matrix *W = gsl_matrix_alloc(N, N), *UW = gsl_matrix_alloc(N, N);
    gsl_vector *sW = gsl_vector_alloc(N);
    gsl_matrix_memcpy(W, W0);
    NB_TRY(lrs_conn_add_gaussian(W, RHO, rng, &err), &err);
    NB_TRY(lrs_spectra_svd(W, sW, UW, V, &err), &err);

    /* ---------------------------------------------------------- panel a
     * |lambda_k| for every DFT index k = 0 .. N-1, sorted descending: must
     * equal the singular values. */
    double lam[N], abs_sorted[N];
    for (size_t k = 0; k < N; k++) {
        double l = 0;
        for (size_t j = 0; j < N; j++)
            l += C * lrs_conn_wrapped_gaussian((double)j / N, SIGMA_W) / sqrt((double)N) *
                 cos(2 * M_PI * (double)(k * j % N) / N);
        lam[k] = l;
        abs_sorted[k] = fabs(l);
    }
    gsl_sort(abs_sorted, 1, N);
    double max_sv_dev = 0;
    FILE *fp = nb_tsv(&a, "svals.tsv",
                      "singular values of W0 and |lambda_k| of the circulant (sorted), descending",
                      "k\tsvd\tfourier_abs_lambda\tsvd_W");
    fprintf(fp, "# N %d  c %g  sigma_w %g\n", N, C, SIGMA_W);
    for (size_t k = 0; k < N; k++) {
        double sv = gsl_vector_get(s, k), al = abs_sorted[N - 1 - k];
        max_sv_dev = fmax(max_sv_dev, fabs(sv - al) / gsl_vector_get(s, 0));
        fprintf(fp, "%zu\t%.10g\t%.10g\t%.10g\n", k + 1, sv, al, gsl_vector_get(sW, k));
    }

    /* ---------------------------------------------------------- panels b-d */
    double pw[NVEC][NFREQ], share[NVEC], pwW[NFREQ], shareW[NVEC];
    size_t dom[NVEC], domW[NVEC];
    for (size_t j = 0; j < NVEC; j++) {
        gsl_vector_view u = gsl_matrix_column(U, j);
        fourier_power(&u.vector, pw[j]);
        dom[j] = 0;
        for (size_t k = 1; k < NFREQ; k++)
            if (pw[j][k] > pw[j][dom[j]])
                dom[j] = k;
        share[j] = 100.0 * pw[j][dom[j]];
        gsl_vector_view uw = gsl_matrix_column(UW, j);
        fourier_power(&uw.vector, pwW);
        domW[j] = 0;
        for (size_t k = 1; k < NFREQ; k++)
            if (pwW[k] > pwW[domW[j]])
                domW[j] = k;
        shareW[j] = 100.0 * pwW[domW[j]];
    }
    fp = nb_tsv(&a, "vectors.tsv", "the first ten left singular vectors of W0 along the ring",
                "i\ttheta\tu1\tu2\tu3\tu4\tu5\tu6\tu7\tu8\tu9\tu10");
    for (size_t i = 0; i < N; i++) {
        fprintf(fp, "%zu\t%.4f", i + 1, (double)i / N);
        for (size_t j = 0; j < NVEC; j++)
            fprintf(fp, "\t%.8g", gsl_matrix_get(U, i, j));
        fputc('\n', fp);
    }
    fp = nb_tsv(&a, "power.tsv",
                "fraction of each singular vector's power in each spatial frequency",
                "freq\tu1\tu2\tu3\tu4\tu5\tu6\tu7\tu8\tu9\tu10");
    for (size_t k = 0; k < NFREQ; k++) {
        fprintf(fp, "%zu", k);
        for (size_t j = 0; j < NVEC; j++)
            fprintf(fp, "\t%.6g", pw[j][k]);
        fputc('\n', fp);
    }
    fp = nb_tsv(&a, "dominant.tsv",
                "per singular vector: dominant frequency, its share of the power (%), "
                "singular value, |lambda| of that frequency",
                "j\tfreq\tpct_power\tsval\tabs_lambda\tfreq_W\tpct_power_W");
    for (size_t j = 0; j < NVEC; j++)
        fprintf(fp, "%zu\t%zu\t%.6f\t%.8g\t%.8g\t%zu\t%.6f\n", j + 1, dom[j], share[j],
                gsl_vector_get(s, j), fabs(lam[dom[j]]), domW[j], shareW[j]);

    /* ---------------------------------------------------------- summary */
    char pct[256] = "", fr[128] = "", pctW[256] = "", frW[128] = "";
    double min_share = 100, min_shareW = 100;
    for (size_t j = 0; j < NVEC; j++) {
        size_t lp = strlen(pct), lf = strlen(fr);
        snprintf(pct + lp, sizeof pct - lp, "%s%.2f", j ? " " : "", share[j]);
        snprintf(fr + lf, sizeof fr - lf, "%s%zu", j ? " " : "", dom[j]);
        lp = strlen(pctW);
        lf = strlen(frW);
        snprintf(pctW + lp, sizeof pctW - lp, "%s%.2f", j ? " " : "", shareW[j]);
        snprintf(frW + lf, sizeof frW - lf, "%s%zu", j ? " " : "", domW[j]);
        min_share = fmin(min_share, share[j]);
        min_shareW = fmin(min_shareW, shareW[j]);
    }
    nb_summary("N", "%d", N);
    nb_summary("svals_W0_top10", "%.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f",
               gsl_vector_get(s, 0), gsl_vector_get(s, 1), gsl_vector_get(s, 2),
               gsl_vector_get(s, 3), gsl_vector_get(s, 4), gsl_vector_get(s, 5),
               gsl_vector_get(s, 6), gsl_vector_get(s, 7), gsl_vector_get(s, 8),
               gsl_vector_get(s, 9));
    nb_summary("max_rel_dev_svals_vs_fourier", "%.3g", max_sv_dev);
    nb_summary("dominant_freq_first10", "%s", fr);
    nb_summary("pct_power_first10", "%s", pct);
    for (size_t j = 0; j < NVEC; j++) {
        char key[32];
        snprintf(key, sizeof key, "pct_power_u%zu", j + 1);
        nb_summary(key, "%.4f", share[j]);
    }
    nb_summary("min_pct_power", "%.4f", min_share);
    nb_summary("acceptance_met", "%d", min_share >= MIN_SHARE);
    nb_summary("full_W_dominant_freq_first10", "%s", frW);
    nb_summary("full_W_pct_power_first10", "%s", pctW);
    nb_summary("full_W_min_pct_power", "%.4f", min_shareW);

    gsl_vector_free(s);
    gsl_vector_free(sW);
    gsl_matrix_free(W);
    gsl_matrix_free(UW);
    gsl_rng_free(rng);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_matrix_free(W0);
    return nb_finish();
}
