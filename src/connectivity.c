/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connectivity matrices of arXiv:2504.13727, Figs 1-6 (see lrs/connectivity.h).
 *
 *   W = W0 + W1,  W0 = U S V^T (rank r),  W1 = rho G / sqrt(N).
 *
 * Random draws always go through the caller's gsl_rng in row-major order, so
 * a seed gives the same matrix on every machine.
 */
#include "lrs/connectivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#include "la_internal.h"

#define FN_CHECK_NULL(p, fn)                                                   \
    do {                                                                       \
        if (!(p))                                                              \
            return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, #p);     \
    } while (0)

/*
 * Haar-random orthonormal columns.
 * Maths: G (N x k) iid N(0,1); G = Q R (Householder QR, LAPACK dgeqrf +
 * dorgqr); multiplying column j of Q by sign(R_jj) makes the factorisation
 * unique, and then Q is Haar-distributed on the Stiefel manifold (Mezzadri,
 * "How to generate random matrices from the classical compact groups",
 * Notices AMS 54, 2007).
 * Storage: G drawn row by row into Q; LAPACK works on a column-major copy.
 */
int lrs_conn_orthonormal(gsl_rng *rng, gsl_matrix *Q, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_orthonormal";
    double *a = NULL, *tau = NULL, *work = NULL, *rdiag = NULL;
    int rc = LRS_OK;

    FN_CHECK_NULL(rng, fn);
    FN_CHECK_NULL(Q, fn);
    size_t N = Q->size1, k = Q->size2;
    if (k == 0 || k > N)
        return lrs_err_set(err, LRS_EINVAL, "%s: Q is %zux%zu; need 1 <= columns <= rows",
                           fn, N, k);

    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(Q, i, j, gsl_ran_gaussian(rng, 1.0));

    a = malloc(N * k * sizeof *a);
    tau = malloc(k * sizeof *tau);
    rdiag = malloc(k * sizeof *rdiag);
    if (!a || !tau || !rdiag) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu, k = %zu)", fn, N, k);
        goto done;
    }
    la_to_colmajor(Q, a);

    lapack_int m = (lapack_int)N, n = (lapack_int)k, info;
    double q1 = 0, q2 = 0;
    info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, m, tau, &q1, -1);
    if (info == 0)
        info = LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, n, a, m, tau, &q2, -1);
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: LAPACK workspace query failed (info %d)",
                         fn, (int)info);
        goto done;
    }
    lapack_int lwork = (lapack_int)fmax(fmax(q1, q2), 1.0);
    work = malloc((size_t)lwork * sizeof *work);
    if (!work) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (workspace)", fn);
        goto done;
    }
    info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, m, tau, work, lwork);
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dgeqrf failed (info %d)", fn, (int)info);
        goto done;
    }
    for (size_t j = 0; j < k; j++)
        rdiag[j] = a[j + j * N];
    info = LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, n, a, m, tau, work, lwork);
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dorgqr failed (info %d)", fn, (int)info);
        goto done;
    }
    la_from_colmajor(Q, a, N);
    for (size_t j = 0; j < k; j++)
        if (rdiag[j] < 0) {
            gsl_vector_view c = gsl_matrix_column(Q, j);
            gsl_vector_scale(&c.vector, -1.0);
        }
done:
    free(a);
    free(tau);
    free(rdiag);
    free(work);
    return rc;
}

/* Uniform unit vector: g iid N(0,1), u = g / ||g|| (rotation invariance of
 * the Gaussian).  Redraws in the (probability ~0) case g = 0. */
int lrs_conn_random_unit(gsl_rng *rng, gsl_vector *u, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_random_unit";
    FN_CHECK_NULL(rng, fn);
    FN_CHECK_NULL(u, fn);
    if (u->size == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: u has length 0", fn);
    for (int attempt = 0; attempt < 100; attempt++) {
        for (size_t i = 0; i < u->size; i++)
            gsl_vector_set(u, i, gsl_ran_gaussian(rng, 1.0));
        double nrm = gsl_blas_dnrm2(u);
        if (nrm > 0) {
            gsl_vector_scale(u, 1.0 / nrm);
            return LRS_OK;
        }
    }
    return lrs_err_set(err, LRS_ENUMERIC, "%s: random generator returned zeros", fn);
}

/*
 * W += U diag(s) V^T.
 * Maths: B = U diag(s) (N x r, column j of U scaled by s_j), then one dgemm
 * W += B V^T.  Storage: all row-major GSL; B is a temporary.
 */
int lrs_conn_add_lowrank(gsl_matrix *W, const gsl_matrix *U, const gsl_vector *s,
                         const gsl_matrix *V, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_add_lowrank";
    FN_CHECK_NULL(W, fn);
    FN_CHECK_NULL(U, fn);
    FN_CHECK_NULL(s, fn);
    FN_CHECK_NULL(V, fn);
    size_t r = s->size;
    if (U->size1 != W->size1 || V->size1 != W->size2 || U->size2 != r || V->size2 != r)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: W is %zux%zu, U %zux%zu, s %zu, V %zux%zu; expected U %zux%zu "
                           "and V %zux%zu", fn, W->size1, W->size2, U->size1, U->size2, r,
                           V->size1, V->size2, W->size1, r, W->size2, r);
    if (!la_matrix_finite(U) || !la_matrix_finite(V) || !la_vector_finite(s))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: non-finite value in U, s or V", fn);
    gsl_matrix *B = la_matrix_alloc(U->size1, r);
    if (!B)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    gsl_matrix_memcpy(B, U);
    for (size_t j = 0; j < r; j++) {
        gsl_vector_view c = gsl_matrix_column(B, j);
        gsl_vector_scale(&c.vector, gsl_vector_get(s, j));
    }
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, B, V, 1.0, W);
    gsl_matrix_free(B);
    return LRS_OK;
}

/* W += c u v^T (one dger). */
int lrs_conn_add_rank1(gsl_matrix *W, double c, const gsl_vector *u,
                       const gsl_vector *v, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_add_rank1";
    FN_CHECK_NULL(W, fn);
    FN_CHECK_NULL(u, fn);
    FN_CHECK_NULL(v, fn);
    if (u->size != W->size1 || v->size != W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu, u has %zu, v has %zu entries",
                           fn, W->size1, W->size2, u->size, v->size);
    if (!isfinite(c) || !la_vector_finite(u) || !la_vector_finite(v))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: non-finite value in c, u or v", fn);
    gsl_blas_dger(c, u, v, W);
    return LRS_OK;
}

/* W += rho G / sqrt(N), G_ij iid N(0,1) drawn in row-major order (the
 * random part W1 of arXiv:2504.13727).  N is the number of columns (= rows for the square W). */
int lrs_conn_add_gaussian(gsl_matrix *W, double rho, gsl_rng *rng, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_add_gaussian";
    FN_CHECK_NULL(W, fn);
    FN_CHECK_NULL(rng, fn);
    if (!isfinite(rho))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: rho is not finite", fn);
    if (W->size1 != W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square", fn,
                           W->size1, W->size2);
    double scale = rho / sqrt((double)W->size2);
    for (size_t i = 0; i < W->size1; i++) {
        double *row = W->data + i * W->tda;
        for (size_t j = 0; j < W->size2; j++)
            row[j] += scale * gsl_ran_gaussian(rng, 1.0);
    }
    return LRS_OK;
}

/* x rounded to the nearest binary16 number, ties to even (the current
 * rounding mode, round-to-nearest by default).  Normal range |x| >= 2^-14:
 * x in [2^(e-1), 2^e) has 11 significant bits, spacing 2^(e-11);
 * below, the subnormal spacing 2^-24.  Dividing and multiplying by a power
 * of two is exact, so the only rounding is rint's. */
static double round_binary16(double x)
{
    int e;
    double a = fabs(x), q = 0x1p-24;
    if (a >= 0x1p-14) {
        frexp(a, &e);
        q = ldexp(1.0, e - 11);
    }
    return rint(x / q) * q;
}

/* Every entry of W to the nearest binary16 (IEEE 754 half precision)
 * number: relative change at most 2^-11 in the normal range, absolute at
 * most 2^-25 below 2^-14.  Cost O(N^2). */
int lrs_conn_round_binary16(gsl_matrix *W, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_round_binary16";
    FN_CHECK_NULL(W, fn);
    for (size_t i = 0; i < W->size1; i++)
        for (size_t j = 0; j < W->size2; j++) {
            double w = W->data[i * W->tda + j];
            if (!isfinite(w))
                return lrs_err_set(err, LRS_ENONFINITE, "%s: W[%zu][%zu] is not finite", fn, i, j);
            if (!(fabs(round_binary16(w)) <= 65504.0))
                return lrs_err_set(err, LRS_EINVAL,
                                   "%s: W[%zu][%zu] = %g is beyond binary16's largest number 65504",
                                   fn, i, j, w);
        }
    for (size_t i = 0; i < W->size1; i++) {
        double *row = W->data + i * W->tda;
        for (size_t j = 0; j < W->size2; j++)
            row[j] = round_binary16(row[j]);
    }
    return LRS_OK;
}

/* W <- (mu + sigma G) / sqrt(N), G iid N(0,1) row by row (figS-biased). */
int lrs_conn_biased(gsl_matrix *W, double mu, double sigma, gsl_rng *rng,
                    lrs_err_t *err)
{
    static const char *fn = "lrs_conn_biased";
    FN_CHECK_NULL(W, fn);
    FN_CHECK_NULL(rng, fn);
    if (!isfinite(mu) || !isfinite(sigma))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: mu or sigma is not finite", fn);
    if (W->size1 != W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square", fn,
                           W->size1, W->size2);
    double isq = 1.0 / sqrt((double)W->size2);
    for (size_t i = 0; i < W->size1; i++) {
        double *row = W->data + i * W->tda;
        for (size_t j = 0; j < W->size2; j++)
            row[j] = (mu + sigma * gsl_ran_gaussian(rng, 1.0)) * isq;
    }
    return LRS_OK;
}

/*
 * Rank-one vectors (Figs 1-2, figS-nonnormal).  u uniform unit; then
 *   NORMAL:     v = u;
 *   ORTHOGONAL: g uniform unit, v = (g - (g.u) u) / ||g - (g.u) u||
 *               (one Gram-Schmidt step, done twice for accuracy: v.u ~ eps);
 *   RANDOM:     v an independent uniform unit vector.
 */
int lrs_conn_rank1_vectors(gsl_rng *rng, lrs_rank1_kind_t kind, gsl_vector *u,
                           gsl_vector *v, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_rank1_vectors";
    FN_CHECK_NULL(rng, fn);
    FN_CHECK_NULL(u, fn);
    FN_CHECK_NULL(v, fn);
    if (u->size != v->size)
        return lrs_err_set(err, LRS_EINVAL, "%s: u has %zu entries, v has %zu", fn,
                           u->size, v->size);
    if (kind != LRS_RANK1_NORMAL && kind != LRS_RANK1_ORTHOGONAL && kind != LRS_RANK1_RANDOM)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown kind %d", fn, (int)kind);
    if (kind == LRS_RANK1_ORTHOGONAL && u->size < 2)
        return lrs_err_set(err, LRS_EINVAL, "%s: orthogonal u, v need N >= 2 (N = %zu)", fn,
                           u->size);
    int rc = lrs_conn_random_unit(rng, u, err);
    if (rc)
        return rc;
    if (kind == LRS_RANK1_NORMAL) {
        gsl_vector_memcpy(v, u);
        return LRS_OK;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        rc = lrs_conn_random_unit(rng, v, err);
        if (rc)
            return rc;
        if (kind == LRS_RANK1_RANDOM)
            return LRS_OK;
        double d;
        for (int pass = 0; pass < 2; pass++) {
            gsl_blas_ddot(u, v, &d);
            gsl_blas_daxpy(-d, u, v);
        }
        double nrm = gsl_blas_dnrm2(v);
        if (nrm > 1e-6) {
            gsl_vector_scale(v, 1.0 / nrm);
            return LRS_OK;
        }
    }
    return lrs_err_set(err, LRS_ENUMERIC, "%s: could not draw v orthogonal to u", fn);
}

/* Block-constant W0: population a occupies rows/columns off[a] .. off[a] +
 * sizes[a] - 1 (in order); W0_ij = means[a*npop + b] for i in a, j in b. */
int lrs_conn_modular(gsl_matrix *W0, const size_t *sizes, size_t npop,
                     const double *means, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_modular";
    FN_CHECK_NULL(W0, fn);
    FN_CHECK_NULL(sizes, fn);
    FN_CHECK_NULL(means, fn);
    if (npop == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: npop is 0", fn);
    if (W0->size1 != W0->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W0 is %zux%zu; expected square", fn,
                           W0->size1, W0->size2);
    size_t total = 0;
    for (size_t a = 0; a < npop; a++)
        total += sizes[a];
    if (total != W0->size1)
        return lrs_err_set(err, LRS_EINVAL, "%s: population sizes sum to %zu; W0 is %zux%zu",
                           fn, total, W0->size1, W0->size2);
    for (size_t a = 0; a < npop * npop; a++)
        if (!isfinite(means[a]))
            return lrs_err_set(err, LRS_ENONFINITE, "%s: means[%zu] is not finite", fn, a);
    size_t i0 = 0;
    for (size_t a = 0; a < npop; a++) {
        size_t j0 = 0;
        for (size_t b = 0; b < npop; b++) {
            gsl_matrix_view blk = gsl_matrix_submatrix(W0, i0, j0, sizes[a], sizes[b]);
            if (sizes[a] && sizes[b])
                gsl_matrix_set_all(&blk.matrix, means[a * npop + b]);
            j0 += sizes[b];
        }
        i0 += sizes[a];
    }
    return LRS_OK;
}

/* Figure 4 E/I preset: Ne = floor(3N/4) excitatory units first, then
 * Ni = N - Ne inhibitory; block means jee = 0.5, jei = -2, jie = 1, jii = -1,
 * each divided by sqrt(N) (arXiv:2504.13727, Fig. 4). */
int lrs_conn_modular_ei(gsl_matrix *W0, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_modular_ei";
    FN_CHECK_NULL(W0, fn);
    size_t N = W0->size1;
    if (W0->size1 != W0->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W0 is %zux%zu; expected square", fn,
                           W0->size1, W0->size2);
    if (N < 2)
        return lrs_err_set(err, LRS_EINVAL, "%s: N = %zu; need N >= 2", fn, N);
    size_t sizes[2] = { 3 * N / 4, N - 3 * N / 4 };
    double s = 1.0 / sqrt((double)N);
    double means[4] = { 0.5 * s, -2.0 * s, 1.0 * s, -1.0 * s };
    return lrs_conn_modular(W0, sizes, 2, means, err);
}

/* Wrapped Gaussian density on [0,1): sum_{k=-2..2} exp(-(x+k)^2/(2 s^2)) /
 * (sqrt(2 pi) s).  NaN for sigma <= 0. */
double lrs_conn_wrapped_gaussian(double x, double sigma)
{
    if (!(sigma > 0))
        return NAN;
    double sum = 0;
    for (int k = -2; k <= 2; k++) {
        double y = (x + k) / sigma;
        sum += exp(-0.5 * y * y);
    }
    return sum / (sqrt(2.0 * M_PI) * sigma);
}

/* Spatial ring (Fig 5): theta_i = i/N, W0_ij = c g(theta_i - theta_j)/sqrt(N).
 * W0 is a symmetric circulant matrix (it depends on (i - j) mod N only). */
int lrs_conn_ring(gsl_matrix *W0, double c, double sigma_w, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_ring";
    FN_CHECK_NULL(W0, fn);
    if (W0->size1 != W0->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W0 is %zux%zu; expected square", fn,
                           W0->size1, W0->size2);
    if (!isfinite(c) || !isfinite(sigma_w))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: c or sigma_w is not finite", fn);
    if (!(sigma_w > 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: sigma_w = %g; must be > 0", fn, sigma_w);
    size_t N = W0->size1;
    double s = c / sqrt((double)N);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double d = ((double)i - (double)j) / (double)N;
            gsl_matrix_set(W0, i, j, s * lrs_conn_wrapped_gaussian(d, sigma_w));
        }
    return LRS_OK;
}

/*
 * Jacobian of the quenched mean-field SIS model (arXiv:2504.13727, Fig. 6) with D = I:
 *   F_i(x) = -x_i + (1 - x_i) gamma (W x)_i
 *   J_ij = dF_i/dx_j = -delta_ij - gamma delta_ij (W x)_i + gamma (1 - x_i) W_ij
 * i.e. J = -I - gamma diag(W x*) + gamma (I - diag(x*)) W.
 */
int lrs_conn_sis_jacobian(const gsl_matrix *W, double gamma, const gsl_vector *xs,
                          gsl_matrix *J, lrs_err_t *err)
{
    static const char *fn = "lrs_conn_sis_jacobian";
    FN_CHECK_NULL(W, fn);
    FN_CHECK_NULL(xs, fn);
    FN_CHECK_NULL(J, fn);
    size_t N = W->size1;
    if (W->size1 != W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square", fn,
                           W->size1, W->size2);
    if (xs->size != N || J->size1 != N || J->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu, xs has %zu entries, J is %zux%zu",
                           fn, N, N, xs->size, J->size1, J->size2);
    if (!isfinite(gamma) || !la_matrix_finite(W) || !la_vector_finite(xs))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: non-finite value in W, gamma or xs", fn);
    gsl_vector *wx = la_vector_alloc(N);
    if (!wx)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    gsl_blas_dgemv(CblasNoTrans, 1.0, W, xs, 0.0, wx);
    for (size_t i = 0; i < N; i++) {
        double xi = gsl_vector_get(xs, i);
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(J, i, j, gamma * (1.0 - xi) * gsl_matrix_get(W, i, j));
        double d = gsl_matrix_get(J, i, i) - 1.0 - gamma * gsl_vector_get(wx, i);
        gsl_matrix_set(J, i, i, d);
    }
    gsl_vector_free(wx);
    return LRS_OK;
}
