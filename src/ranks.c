/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Effective ranks from singular values (lrs/ranks.h;
 * Thibeault, Allard & Desrosiers, Nat Phys 2024).  Definitions are in the
 * header; this file says how each number is computed.
 */
#include "lrs/ranks.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_vector.h>

#include "lrs/spectra.h"
#include "la_internal.h"

lrs_ranks_opts_t lrs_ranks_opts_default(void)
{
    lrs_ranks_opts_t o = { LRS_OMEGA_EXACT, 0.9 };
    return o;
}

/*
 * Marchenko-Pastur CDF for ratio beta in (0, 1], in the angle variable
 * t = c - r cos(theta), c = 1 + beta, r = 2 sqrt(beta), theta in [0, pi]
 * (t runs over the support [a, b] = [(1 - sqrt beta)^2, (1 + sqrt beta)^2]).
 * With sqrt((b - t)(t - a)) = r sin(theta) and dt = r sin(theta) dtheta:
 *   F(theta) = (2/pi) int_0^theta sin^2(phi) / (c - r cos(phi)) dphi
 *            = (2/pi) [ -(1 - beta)/(2 beta) atan(q tan(theta/2))
 *                       + (1 + beta) theta / (4 beta) + sin(theta)/(2 sqrt(beta)) ],
 *   q = (1 + sqrt beta)/(1 - sqrt beta)  (first term absent for beta = 1),
 * from sin^2 = 1 - cos^2 and int dphi/(c - r cos phi) = 2/sqrt(c^2 - r^2)
 * atan(sqrt((c + r)/(c - r)) tan(phi/2)).  F(0) = 0, F(pi) = 1.
 */
static double mp_cdf_theta(double beta, double theta)
{
    double sb = sqrt(beta);
    double f = (1 + beta) * theta / (4 * beta) + sin(theta) / (2 * sb);
    if (beta < 1) {
        double q = (1 + sb) / (1 - sb);
        f -= (1 - beta) / (2 * beta) * atan(q * tan(0.5 * theta));
    }
    return 2.0 / M_PI * f;
}

/* Median: bisection of F(theta) = 1/2 on [0, pi] (F is increasing) to the
 * last bit of theta; mu = 1 + beta - 2 sqrt(beta) cos(theta). */
double lrs_ranks_mp_median(double beta)
{
    if (!(beta > 0 && beta <= 1))
        return NAN;
    double lo = 0, hi = M_PI;
    for (int it = 0; it < 200 && hi - lo > 4 * DBL_EPSILON; it++) {
        double mid = 0.5 * (lo + hi);
        if (mp_cdf_theta(beta, mid) < 0.5)
            lo = mid;
        else
            hi = mid;
    }
    double th = 0.5 * (lo + hi);
    return 1 + beta - 2 * sqrt(beta) * cos(th);
}

double lrs_ranks_lambda_star(double beta)
{
    if (!(beta > 0 && beta <= 1))
        return NAN;
    return sqrt(2 * (beta + 1) + 8 * beta / (beta + 1 + sqrt(beta * beta + 14 * beta + 1)));
}

double lrs_ranks_omega(double beta, lrs_omega_method_t method)
{
    if (!(beta > 0 && beta <= 1))
        return NAN;
    if (method == LRS_OMEGA_CUBIC)
        return ((0.56 * beta - 0.95) * beta + 1.82) * beta + 1.43;
    return lrs_ranks_lambda_star(beta) / sqrt(lrs_ranks_mp_median(beta));
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Checks shared by compute and shrink; on success s[] holds the values
 * sorted descending (caller frees). */
static int load_sigma(const gsl_vector *sigma, size_t m, size_t n, double **s_out,
                      const char *fn, lrs_err_t *err)
{
    if (!sigma)
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma is NULL", fn);
    if (m == 0 || n == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: matrix is %zux%zu; expected non-empty", fn, m, n);
    size_t k = m < n ? m : n;
    if (sigma->size != k)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: sigma has %zu values; expected min(m, n) = %zu for a %zux%zu matrix",
                           fn, sigma->size, k, m, n);
    double *s = malloc(k * sizeof *s);
    if (!s)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    for (size_t i = 0; i < k; i++) {
        double x = gsl_vector_get(sigma, i);
        s[i] = x;
        if (!isfinite(x)) {
            free(s);
            return lrs_err_set(err, LRS_ENONFINITE, "%s: sigma[%zu] = %g is not finite", fn, i, x);
        }
        if (x < 0) {
            free(s);
            return lrs_err_set(err, LRS_EINVAL, "%s: sigma[%zu] = %g is negative", fn, i, x);
        }
    }
    qsort(s, k, sizeof *s, cmp_desc);
    *s_out = s;
    return LRS_OK;
}

/* Median of descending s[0..k-1] (mean of the two middle values if k even). */
static double median_desc(const double *s, size_t k)
{
    return k % 2 ? s[k / 2] : 0.5 * (s[k / 2 - 1] + s[k / 2]);
}

/* Elbow of the normalised scree plot, as defined in the header. */
static size_t elbow_rank(const double *s, size_t k)
{
    if (k <= 2 || !(s[0] > s[k - 1]))
        return k;
    double span = s[0] - s[k - 1], best = 0;
    size_t istar = 0; /* 0-based index of the elbow point */
    for (size_t i = 0; i < k; i++) {
        double x = (double)i / (double)(k - 1), y = (s[i] - s[k - 1]) / span;
        double d = fabs(1 - x - y) / sqrt(2.0);
        if (d > best) {
            best = d;
            istar = i;
        }
    }
    return best > 0 ? istar : k; /* 1-based i* minus 1 = 0-based index */
}

/*
 * All ranks in one pass over the sorted values; the thresholds need
 * beta = min/max, the median sigma_med and mu_beta (lrs_ranks_mp_median).
 */
int lrs_ranks_compute(const gsl_vector *sigma, size_t m, size_t n,
                      const lrs_ranks_opts_t *opts, lrs_ranks_t *out, lrs_err_t *err)
{
    static const char *fn = "lrs_ranks_compute";
    lrs_ranks_opts_t o = opts ? *opts : lrs_ranks_opts_default();
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", fn);
    if (o.omega != LRS_OMEGA_EXACT && o.omega != LRS_OMEGA_CUBIC)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown omega method %d", fn, (int)o.omega);
    if (!(o.energy_fraction > 0 && o.energy_fraction < 1))
        return lrs_err_set(err, LRS_EINVAL, "%s: energy_fraction = %g; must be in (0, 1)", fn,
                           o.energy_fraction);
    double *s = NULL;
    int rc = load_sigma(sigma, m, n, &s, fn, err);
    if (rc)
        return rc;
    size_t k = m < n ? m : n, big = m < n ? n : m;
    lrs_ranks_t r = { 0 };
    r.k = k;
    r.beta = (double)k / (double)big;
    r.mu_beta = lrs_ranks_mp_median(r.beta);
    r.omega = lrs_ranks_omega(r.beta, o.omega);
    r.sigma_med = median_desc(s, k);
    r.tau = r.omega * r.sigma_med;
    r.noise_sigma = r.sigma_med / sqrt((double)big * r.mu_beta);
    r.shrink_cut = (1 + sqrt(r.beta)) * r.noise_sigma * sqrt((double)big);

    double s1 = s[0];
    if (s1 > 0) {
        double tol = (double)big * DBL_EPSILON * s1;
        double sum = 0, sum2 = 0;
        for (size_t i = 0; i < k; i++) {
            sum += s[i];
            sum2 += s[i] * s[i];
            r.numerical += s[i] > tol;
            r.optimal_threshold += s[i] > r.tau;
            r.optimal_shrinkage += s[i] > r.shrink_cut;
        }
        double h = 0;
        for (size_t i = 0; i < k; i++) {
            double p = s[i] / sum;
            if (p > 0)
                h -= p * log(p);
        }
        r.erank = exp(h);
        double acc = 0, target = o.energy_fraction * sum2;
        for (size_t i = 0; i < k; i++) {
            acc += s[i] * s[i];
            if (acc > target) {
                r.energy = i + 1;
                break;
            }
        }
        if (r.energy == 0) /* rounding in acc: every value is needed */
            r.energy = k;
        r.stable = sum2 / (s1 * s1);
        r.nuclear = sum / s1;
        r.elbow = elbow_rank(s, k);
    }
    free(s);
    *out = r;
    return LRS_OK;
}

int lrs_ranks_of_matrix(const gsl_matrix *A, const lrs_ranks_opts_t *opts,
                        lrs_ranks_t *out, lrs_err_t *err)
{
    static const char *fn = "lrs_ranks_of_matrix";
    if (!A)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is NULL", fn);
    if (A->size1 == 0 || A->size2 == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; expected non-empty", fn,
                           A->size1, A->size2);
    size_t k = A->size1 < A->size2 ? A->size1 : A->size2;
    gsl_vector *s = la_vector_alloc(k);
    if (!s)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    int rc = lrs_spectra_svd(A, s, NULL, NULL, err);
    if (rc == LRS_OK)
        rc = lrs_ranks_compute(s, A->size1, A->size2, opts, out, err);
    gsl_vector_free(s);
    return rc;
}

/*
 * Frobenius-optimal shrinkage (Gavish & Donoho 2017, eq. for the Frobenius
 * loss): in units where the noise bulk ends at 1 + sqrt(beta),
 * y = sigma / (noise sqrt(max(m, n))), eta(y) = sqrt((y^2 - beta - 1)^2 -
 * 4 beta) / y above the edge and 0 below; results are scaled back.
 */
int lrs_ranks_shrink_frobenius(const gsl_vector *sigma, size_t m, size_t n,
                               double noise, gsl_vector *out, lrs_err_t *err)
{
    static const char *fn = "lrs_ranks_shrink_frobenius";
    double *s = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", fn);
    if (!isfinite(noise))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: noise is not finite", fn);
    int rc = load_sigma(sigma, m, n, &s, fn, err);
    if (rc)
        return rc;
    size_t k = m < n ? m : n, big = m < n ? n : m;
    if (out->size != k) {
        free(s);
        return lrs_err_set(err, LRS_EINVAL, "%s: out has %zu entries; expected %zu", fn,
                           out->size, k);
    }
    double beta = (double)k / (double)big;
    if (!(noise > 0))
        noise = median_desc(s, k) / sqrt((double)big * lrs_ranks_mp_median(beta));
    free(s);
    double scale = noise * sqrt((double)big), edge = 1 + sqrt(beta);
    for (size_t i = 0; i < k; i++) {
        if (!(scale > 0)) { /* zero noise: the limit of eta * scale is sigma */
            gsl_vector_set(out, i, gsl_vector_get(sigma, i));
            continue;
        }
        double y = gsl_vector_get(sigma, i) / scale;
        double eta = 0;
        if (y > edge) {
            double a = y * y - beta - 1;
            eta = sqrt(fmax(0.0, a * a - 4 * beta)) / y;
        }
        gsl_vector_set(out, i, eta * scale);
    }
    return LRS_OK;
}
