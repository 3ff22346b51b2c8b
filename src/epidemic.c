/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quenched mean-field SIS epidemic model of Figure 6 (see lrs/epidemic.h). */
#include "lrs/epidemic.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <lapacke.h>

#include "lrs/connectivity.h"
#include "lrs/spectra.h"
#include "la_internal.h"
#include "ode_internal.h"

/* Integrator settings of the unperturbed relaxation (documented in the header). */
#define EPI_ODE_EPS 1e-10
#define EPI_ODE_H0 1e-3
#define EPI_ODE_NMAX 10000000UL
/* A state this far outside [0, 1] is diverging. */
#define EPI_DIVERGE_BOUND 1e6
/* Rows per block handed to the observers in perturbed runs. */
#define EPI_BLOCK 256
/* W x by compressed rows when at most 1 entry in EPI_SPARSE_FRAC is nonzero:
 * 2 nnz flops against the dense 2 N^2, and the indexed loads cost about
 * three dense ones, so below ~1/4 the sparse product wins. */
#define EPI_SPARSE_FRAC 4

struct lrs_epidemic {
    size_t N;
    double gamma;
    gsl_matrix *W;  /* normalised contact matrix (own copy) */
    size_t *rowptr; /* W by compressed rows (NULL: W is dense, use dgemv): */
    uint32_t *colidx; /* row i's nonzeros are val[rowptr[i] .. rowptr[i+1]-1] */
    double *val;    /*   in columns colidx[...], ascending; NULL when they are */
    double wconst;  /*   all equal to wconst (W = A / sigma_max of a 0/1 A) */
    gsl_matrix *J;  /* Jacobian / LU workspace of Newton */
    lapack_int *ipiv;
    gsl_vector *wx; /* W x of the last right-hand side */
    gsl_vector *f;  /* F(x) */
    gsl_vector *xw; /* work state */
    gsl_vector *pw; /* work perturbation */
    gsl_vector *xlast;
    int have_last;
    int ode_bad;    /* the ODE right-hand side met a non-finite value */
    lrs_ode_t *ode;     /* adaptive integrator of the relaxation */
};

/* ------------------------------------------------------------------ helpers */

static int vec_finite(const gsl_vector *v)
{
    for (size_t i = 0; i < v->size; i++)
        if (!isfinite(gsl_vector_get(v, i)))
            return 0;
    return 1;
}

static int check_vec(const gsl_vector *v, size_t N, const char *fn, const char *name,
                     lrs_err_t *err)
{
    if (!v)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, name);
    if (v->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s has length %zu; expected N = %zu",
                           fn, name, v->size, N);
    if (!vec_finite(v))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: %s has a non-finite entry", fn, name);
    return LRS_OK;
}

/*
 * Compressed-row copy of W when it is sparse (contact networks are: the
 * school network of Figure 6 has 11% nonzeros).  One pass to count, one to
 * fill; leaves ep->rowptr NULL (dense products) when W has more than
 * N^2 / EPI_SPARSE_FRAC nonzeros.  When every nonzero has the same value
 * (an unweighted network), the values are not stored: the product then
 * reads 2 numbers per nonzero instead of 3.  Returns -1 when out of memory.
 */
static int csr_build(lrs_epidemic_t *ep)
{
    size_t N = ep->N, nnz = 0;
    int uniform = 1;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double w = gsl_matrix_get(ep->W, i, j);
            if (w != 0.0) {
                if (nnz++ == 0)
                    ep->wconst = w;
                uniform = uniform && w == ep->wconst;
            }
        }
    if (nnz * EPI_SPARSE_FRAC > N * N || N > UINT32_MAX)
        return 0;
    ep->rowptr = malloc((N + 1) * sizeof *ep->rowptr);
    ep->colidx = malloc((nnz ? nnz : 1) * sizeof *ep->colidx);
    ep->val = uniform ? NULL : malloc((nnz ? nnz : 1) * sizeof *ep->val);
    if (!ep->rowptr || !ep->colidx || (!uniform && !ep->val))
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < N; i++) {
        ep->rowptr[i] = k;
        for (size_t j = 0; j < N; j++) {
            double w = gsl_matrix_get(ep->W, i, j);
            if (w != 0.0) {
                if (!uniform)
                    ep->val[k] = w;
                ep->colidx[k++] = (uint32_t)j;
            }
        }
    }
    ep->rowptr[N] = k;
    return 0;
}

/* wx <- W x by compressed rows with stored values, four partial sums per
 * row (one chain would wait an add latency per entry): 2 nnz flops. */
static void csr_times(const lrs_epidemic_t *ep, const double *x, double *wx)
{
    const size_t *rp = ep->rowptr;
    const uint32_t *ci = ep->colidx;
    const double *v = ep->val;
    for (size_t i = 0; i < ep->N; i++) {
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        size_t k = rp[i], end = rp[i + 1];
        for (; k + 4 <= end; k += 4) {
            s0 += v[k] * x[ci[k]];
            s1 += v[k + 1] * x[ci[k + 1]];
            s2 += v[k + 2] * x[ci[k + 2]];
            s3 += v[k + 3] * x[ci[k + 3]];
        }
        for (; k < end; k++)
            s0 += v[k] * x[ci[k]];
        wx[i] = (s0 + s1) + (s2 + s3);
    }
}

/* The same when every nonzero equals wconst: wx_i = wconst * (sum of x over
 * row i's columns), nnz adds. */
static void csr_times_uniform(const lrs_epidemic_t *ep, const double *x, double *wx)
{
    const size_t *rp = ep->rowptr;
    const uint32_t *ci = ep->colidx;
    for (size_t i = 0; i < ep->N; i++) {
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        size_t k = rp[i], end = rp[i + 1];
        for (; k + 4 <= end; k += 4) {
            s0 += x[ci[k]];
            s1 += x[ci[k + 1]];
            s2 += x[ci[k + 2]];
            s3 += x[ci[k + 3]];
        }
        for (; k < end; k++)
            s0 += x[ci[k]];
        wx[i] = ep->wconst * ((s0 + s1) + (s2 + s3));
    }
}

/* wx <- W x: by compressed rows (2 nnz flops) or one dgemv (2 N^2). */
static void w_times(lrs_epidemic_t *ep, const double *x)
{
    if (!ep->rowptr) {
        gsl_vector_const_view xv = gsl_vector_const_view_array(x, ep->N);
        gsl_blas_dgemv(CblasNoTrans, 1.0, ep->W, &xv.vector, 0.0, ep->wx);
    } else if (ep->val) {
        csr_times(ep, x, ep->wx->data);
    } else {
        csr_times_uniform(ep, x, ep->wx->data);
    }
}

/*
 * The right-hand side on raw arrays (stride 1):
 *     wx = W x,   f = -x + (1 - x) .* (gamma wx) + p .* x .* (1 - x)
 * p may be NULL (p = 0).  One product W x (w_times), then O(N) work.
 */
static void rhs_raw(lrs_epidemic_t *ep, const double *x, const double *p, double *f)
{
    size_t N = ep->N;
    w_times(ep, x);
    const double *wx = ep->wx->data;
    double g = ep->gamma;
    for (size_t i = 0; i < N; i++) {
        double s = 1.0 - x[i];
        double fi = -x[i] + s * g * wx[i];
        if (p)
            fi += p[i] * x[i] * s;
        f[i] = fi;
    }
}

/* Integrator callback: the unperturbed right-hand side. */
static int ode_func(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    lrs_epidemic_t *ep = params;
    for (size_t i = 0; i < ep->N; i++)
        if (!isfinite(y[i])) {
            ep->ode_bad = 1;
            return 1;
        }
    rhs_raw(ep, y, NULL, dydt);
    return 0;
}

/* ------------------------------------------------------------------ network */

int lrs_epidemic_normalize(const gsl_matrix *A, gsl_matrix *W, double *smax,
                           lrs_err_t *err)
{
    return lrs_epidemic_normalize_sv(A, W, smax, NULL, err);
}

int lrs_epidemic_normalize_sv(const gsl_matrix *A, gsl_matrix *W, double *smax,
                              gsl_vector *sv, lrs_err_t *err)
{
    int rc = LRS_OK;
    gsl_vector *s = NULL;
    if (!A || !W)
        return lrs_err_set(err, LRS_EINVAL, "lrs_epidemic_normalize: %s is NULL",
                           !A ? "A" : "W");
    if (sv && sv->size != A->size1)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_epidemic_normalize: sv has length %zu; expected N = %zu",
                           sv->size, A->size1);
    if (A->size1 != A->size2 || A->size1 == 0)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_epidemic_normalize: A is %zux%zu; expected square, non-empty",
                           A->size1, A->size2);
    if (W->size1 != A->size1 || W->size2 != A->size2)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_epidemic_normalize: W is %zux%zu; expected %zux%zu (as A)",
                           W->size1, W->size2, A->size1, A->size2);
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++)
            if (!isfinite(gsl_matrix_get(A, i, j)))
                return lrs_err_set(err, LRS_ENONFINITE,
                                   "lrs_epidemic_normalize: A(%zu,%zu) is not finite", i, j);
    s = la_vector_alloc(A->size1);
    if (!s) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_epidemic_normalize: out of memory");
        goto done;
    }
    rc = lrs_spectra_svd(A, s, NULL, NULL, err);
    if (rc)
        goto done;
    double s0 = gsl_vector_get(s, 0);
    if (!(s0 > 0.0)) {
        rc = lrs_err_set(err, LRS_EINVAL,
                         "lrs_epidemic_normalize: A is zero (sigma_max = 0); no contacts");
        goto done;
    }
    if (W != A)
        gsl_matrix_memcpy(W, A);
    gsl_matrix_scale(W, 1.0 / s0);
    if (smax)
        *smax = s0;
    if (sv) {
        gsl_vector_memcpy(sv, s);
        gsl_vector_scale(sv, 1.0 / s0);
    }
done:
    gsl_vector_free(s);
    return rc;
}

int lrs_epidemic_school_network(gsl_matrix *A, size_t nclass, double p_in,
                                double p_out, gsl_rng *rng, size_t *cls,
                                lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_school_network";
    if (!A || !rng)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !A ? "A" : "rng");
    size_t N = A->size1;
    if (A->size2 != N || N == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; expected square, non-empty",
                           fn, A->size1, A->size2);
    if (nclass < 1 || nclass > N)
        return lrs_err_set(err, LRS_EINVAL, "%s: nclass = %zu; expected 1..N = 1..%zu", fn,
                           nclass, N);
    if (!(p_in >= 0.0 && p_in <= 1.0) || !(p_out >= 0.0 && p_out <= 1.0))
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: p_in = %g, p_out = %g; expected probabilities in [0, 1]", fn,
                           p_in, p_out);
    /* Class sizes: base + 1 for the first `extra` classes, base for the rest. */
    size_t base = N / nclass, extra = N % nclass;
    size_t big = extra * (base + 1); /* students in the larger classes */
    gsl_matrix_set_zero(A);
    for (size_t i = 0; i < N; i++) {
        size_t ci = i < big ? i / (base + 1) : extra + (i - big) / base;
        if (cls)
            cls[i] = ci;
        for (size_t j = i + 1; j < N; j++) {
            size_t cj = j < big ? j / (base + 1) : extra + (j - big) / base;
            double prob = ci == cj ? p_in : p_out;
            if (gsl_rng_uniform(rng) < prob) {
                gsl_matrix_set(A, i, j, 1.0);
                gsl_matrix_set(A, j, i, 1.0);
            }
        }
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ model */

int lrs_epidemic_alloc(lrs_epidemic_t **out, const gsl_matrix *W, double gamma,
                       lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_alloc";
    int rc = LRS_OK;
    lrs_epidemic_t *ep = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!W)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is NULL", fn);
    if (W->size1 != W->size2 || W->size1 == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square, non-empty",
                           fn, W->size1, W->size2);
    if (!(gamma > 0.0) || !isfinite(gamma))
        return lrs_err_set(err, LRS_EINVAL, "%s: gamma = %g; expected a finite value > 0",
                           fn, gamma);
    size_t N = W->size1;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            if (!isfinite(gsl_matrix_get(W, i, j)))
                return lrs_err_set(err, LRS_ENONFINITE, "%s: W(%zu,%zu) is not finite", fn,
                                   i, j);
    ep = calloc(1, sizeof *ep);
    if (!ep)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    ep->N = N;
    ep->gamma = gamma;
    ep->W = la_matrix_alloc(N, N);
    ep->J = la_matrix_alloc(N, N);
    ep->ipiv = malloc(N * sizeof *ep->ipiv);
    ep->wx = la_vector_alloc(N);
    ep->f = la_vector_alloc(N);
    ep->xw = la_vector_alloc(N);
    ep->pw = la_vector_alloc(N);
    ep->xlast = la_vector_alloc(N);
    if (!ep->W || !ep->J || !ep->ipiv || !ep->wx || !ep->f || !ep->xw || !ep->pw || !ep->xlast) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    gsl_matrix_memcpy(ep->W, W);
    if (csr_build(ep)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    ep->ode = lrs_ode_alloc(N, ode_func, ep, EPI_ODE_H0, EPI_ODE_EPS, EPI_ODE_EPS, EPI_ODE_NMAX);
    if (!ep->ode) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: cannot allocate the integrator (N = %zu)", fn, N);
        goto done;
    }
    *out = ep;
    ep = NULL;
done:
    lrs_epidemic_free(ep);
    return rc;
}

void lrs_epidemic_free(lrs_epidemic_t *ep)
{
    if (!ep)
        return;
    lrs_ode_free(ep->ode);
    gsl_matrix_free(ep->W);
    free(ep->rowptr);
    free(ep->colidx);
    free(ep->val);
    gsl_matrix_free(ep->J);
    free(ep->ipiv);
    gsl_vector_free(ep->wx);
    gsl_vector_free(ep->f);
    gsl_vector_free(ep->xw);
    gsl_vector_free(ep->pw);
    gsl_vector_free(ep->xlast);
    free(ep);
}

size_t lrs_epidemic_size(const lrs_epidemic_t *ep) { return ep ? ep->N : 0; }
double lrs_epidemic_gamma(const lrs_epidemic_t *ep) { return ep ? ep->gamma : 0.0; }

int lrs_epidemic_rhs(lrs_epidemic_t *ep, const gsl_vector *x, const gsl_vector *p,
                     gsl_vector *dxdt, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_rhs";
    int rc;
    if (!ep)
        return lrs_err_set(err, LRS_EINVAL, "%s: ep is NULL", fn);
    if ((rc = check_vec(x, ep->N, fn, "x", err)))
        return rc;
    if (p && (rc = check_vec(p, ep->N, fn, "p", err)))
        return rc;
    if (!dxdt)
        return lrs_err_set(err, LRS_EINVAL, "%s: dxdt is NULL", fn);
    if (dxdt->size != ep->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: dxdt has length %zu; expected N = %zu", fn,
                           dxdt->size, ep->N);
    /* Copies make strided views and aliasing harmless. */
    gsl_vector_memcpy(ep->xw, x);
    if (p)
        gsl_vector_memcpy(ep->pw, p);
    rhs_raw(ep, ep->xw->data, p ? ep->pw->data : NULL, ep->f->data);
    gsl_vector_memcpy(dxdt, ep->f);
    return LRS_OK;
}

int lrs_epidemic_jacobian(const lrs_epidemic_t *ep, const gsl_vector *x, gsl_matrix *J,
                          lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_jacobian";
    int rc;
    if (!ep)
        return lrs_err_set(err, LRS_EINVAL, "%s: ep is NULL", fn);
    if ((rc = check_vec(x, ep->N, fn, "x", err)))
        return rc;
    if (!J || J->size1 != ep->N || J->size2 != ep->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: J is %s; expected %zux%zu", fn,
                           J ? "the wrong size" : "NULL", ep->N, ep->N);
    return lrs_conn_sis_jacobian(ep->W, ep->gamma, x, J, err);
}

/*
 * Unperturbed integration with the Dormand-Prince 5(4) integrator of
 * ode_internal.h (eps_abs = eps_rel = 1e-10, first trial step 1e-3, at most
 * 1e7 steps per output interval) from x over [0, T], stopping at the
 * nout + 1 output times t_k = k T / nout.  The integrator keeps its step size
 * across output times, so a dense output grid costs little.  The state lives
 * in ep->y's storage (contiguous), separate from the scratch vectors that
 * lrs_epidemic_rhs uses, so a callback may call the other functions.
 */
static int relax_impl(lrs_epidemic_t *ep, gsl_vector *x, double T, size_t nout,
                      lrs_epidemic_sample_fn fn, void *ctx, volatile sig_atomic_t *stop,
                      gsl_vector *y, lrs_err_t *err)
{
    int rc = LRS_OK;
    gsl_vector_memcpy(y, x);
    lrs_ode_reset(ep->ode, EPI_ODE_H0);
    ep->ode_bad = 0;
    double t = 0.0;
    if (fn && (rc = fn(ctx, 0.0, y, err)))
        return rc;
    for (size_t k = 1; k <= nout; k++) {
        double tk = k == nout ? T : T * (double)k / (double)nout;
        int s = lrs_ode_apply(ep->ode, &t, tk, y->data);
        if (s != LRS_ODE_OK) {
            /* SIS states are probabilities: far outside [0, 1] the quadratic
             * term makes the solution blow up in finite time, and the
             * integrator fails when its step cannot shrink further. */
            double big = 0.0;
            for (size_t i = 0; i < ep->N; i++)
                big = fmax(big, fabs(y->data[i]));
            if (ep->ode_bad || !(big <= EPI_DIVERGE_BOUND))
                return lrs_err_set(err, LRS_EDIVERGE,
                                   "lrs_epidemic_relax: the state diverged near t = %g "
                                   "(max |x| = %g; %s)", t, big, lrs_ode_strerror(s));
            return lrs_err_set(err, LRS_ENUMERIC,
                               "lrs_epidemic_relax: the integrator failed at t = %g: %s",
                               t, lrs_ode_strerror(s));
        }
        if (fn && (rc = fn(ctx, tk, y, err)))
            return rc;
        if (stop && *stop)
            return lrs_err_set(err, LRS_EINTR, "lrs_epidemic_relax: interrupted at t = %g",
                               tk);
    }
    gsl_vector_memcpy(x, y);
    return LRS_OK;
}

static int check_relax_args(const lrs_epidemic_t *ep, double T, size_t nout,
                            const char *fn, lrs_err_t *err)
{
    if (!ep)
        return lrs_err_set(err, LRS_EINVAL, "%s: ep is NULL", fn);
    if (!(T > 0.0) || !isfinite(T))
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g; expected a finite value > 0", fn, T);
    if (nout < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: nout = 0; expected >= 1", fn);
    return LRS_OK;
}

int lrs_epidemic_relax(lrs_epidemic_t *ep, gsl_vector *x, double T, size_t nout,
                       lrs_epidemic_sample_fn fn, void *ctx, volatile sig_atomic_t *stop,
                       lrs_err_t *err)
{
    static const char *fn_name = "lrs_epidemic_relax";
    int rc;
    gsl_vector *y = NULL;
    if ((rc = check_relax_args(ep, T, nout, fn_name, err)))
        return rc;
    if ((rc = check_vec(x, ep->N, fn_name, "x", err)))
        return rc;
    y = la_vector_alloc(ep->N);
    if (!y)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn_name);
    rc = relax_impl(ep, x, T, nout, fn, ctx, stop, y, err);
    gsl_vector_free(y);
    return rc;
}

typedef struct {
    const gsl_vector *xs;
    gsl_vector *t, *d;
    size_t k;
} curve_ctx_t;

static int curve_sample(void *ctx, double t, const gsl_vector *x, lrs_err_t *err)
{
    (void)err;
    curve_ctx_t *c = ctx;
    double s = 0.0;
    for (size_t i = 0; i < x->size; i++) {
        double e = gsl_vector_get(x, i) - gsl_vector_get(c->xs, i);
        s += e * e;
    }
    gsl_vector_set(c->t, c->k, t);
    gsl_vector_set(c->d, c->k, sqrt(s));
    c->k++;
    return 0;
}

int lrs_epidemic_relax_curve(lrs_epidemic_t *ep, const gsl_vector *x0,
                             const gsl_vector *xs, double T, gsl_vector *t, gsl_vector *d,
                             volatile sig_atomic_t *stop, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_relax_curve";
    int rc;
    gsl_vector *y = NULL, *x = NULL;
    if (!t || !d)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !t ? "t" : "d");
    if (t->size < 2 || d->size != t->size)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: t has length %zu and d %zu; expected equal lengths >= 2", fn,
                           t->size, d->size);
    if ((rc = check_relax_args(ep, T, t->size - 1, fn, err)))
        return rc;
    if ((rc = check_vec(x0, ep->N, fn, "x0", err)))
        return rc;
    if (!xs || xs->size != ep->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: xs %s; expected length N = %zu", fn,
                           xs ? "has another length" : "is NULL", ep->N);
    y = la_vector_alloc(ep->N);
    x = la_vector_alloc(ep->N);
    if (!y || !x) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    gsl_vector_memcpy(x, x0);
    curve_ctx_t c = {xs, t, d, 0};
    rc = relax_impl(ep, x, T, t->size - 1, curve_sample, &c, stop, y, err);
done:
    gsl_vector_free(y);
    gsl_vector_free(x);
    return rc;
}

/*
 * Newton's method for F(x, 0) = 0:  solve J(x) s = F(x) (LAPACK dgesv, LU
 * with partial pivoting, in the J workspace), x <- x - s.  Quadratic
 * convergence near a regular fixed point; the residual floor is about
 * eps * gamma * max|W x| ~ 1e-16.
 */
int lrs_epidemic_fixed_point(lrs_epidemic_t *ep, gsl_vector *x, double tol,
                             size_t max_iter, double *residual, size_t *iters,
                             lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_fixed_point";
    int rc;
    if (!ep)
        return lrs_err_set(err, LRS_EINVAL, "%s: ep is NULL", fn);
    if ((rc = check_vec(x, ep->N, fn, "x", err)))
        return rc;
    if (!(tol > 0.0) || !isfinite(tol))
        return lrs_err_set(err, LRS_EINVAL, "%s: tol = %g; expected a finite value > 0", fn,
                           tol);
    size_t N = ep->N, it = 0;
    double res = INFINITY;
    gsl_vector *xk = ep->xw, *f = ep->f;
    gsl_vector_memcpy(xk, x);
    for (;;) {
        rhs_raw(ep, xk->data, NULL, f->data);
        res = 0.0;
        for (size_t i = 0; i < N; i++)
            res = fmax(res, fabs(f->data[i]));
        if (!isfinite(res))
            return lrs_err_set(err, LRS_ENUMERIC,
                               "%s: the Newton iterate became non-finite at iteration %zu",
                               fn, it);
        if (res <= tol)
            break;
        if (it >= max_iter)
            return lrs_err_set(err, LRS_ENUMERIC,
                               "%s: residual %.3g after %zu Newton iterations; expected <= %.3g",
                               fn, res, it, tol);
        if ((rc = lrs_conn_sis_jacobian(ep->W, ep->gamma, xk, ep->J, err)))
            return rc;
        lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)N, 1, ep->J->data,
                                        (lapack_int)ep->J->tda, ep->ipiv, f->data, 1);
        if (info > 0)
            return lrs_err_set(err, LRS_ENUMERIC,
                               "%s: the Jacobian is singular at iteration %zu (U(%d,%d) = 0)",
                               fn, it, (int)info, (int)info);
        if (info < 0)
            return lrs_err_set(err, LRS_ENUMERIC, "%s: dgesv argument %d is invalid", fn,
                               (int)-info);
        gsl_vector_sub(xk, f);
        it++;
    }
    gsl_vector_memcpy(x, xk);
    if (residual)
        *residual = res;
    if (iters)
        *iters = it;
    return LRS_OK;
}

/* ------------------------------------------------------------------ endemic state */

lrs_epidemic_endemic_opts_t lrs_epidemic_endemic_default(void)
{
    lrs_epidemic_endemic_opts_t o;
    memset(&o, 0, sizeof o);
    o.t_relax = 300.0;
    o.newton_tol = 1e-12;
    o.newton_max_iter = 100;
    return o;
}

int lrs_epidemic_start(gsl_vector *x0, double lo, double hi, gsl_rng *rng, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_start";
    if (!x0 || !rng)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !x0 ? "x0" : "rng");
    if (!(lo >= 0.0 && lo <= hi && hi <= 1.0))
        return lrs_err_set(err, LRS_EINVAL, "%s: [%g, %g]; expected 0 <= lo <= hi <= 1", fn, lo,
                           hi);
    for (size_t i = 0; i < x0->size; i++)
        gsl_vector_set(x0, i, lo + (hi - lo) * gsl_rng_uniform(rng));
    return LRS_OK;
}

/*
 * Endemic state: relax (adaptive Dormand-Prince over t_relax: x(t_relax)
 * sits within the integrator's tolerance of x*), then Newton removes that
 * last bit, then J at x*.  Cost: the relaxation's steps at O(N^2) each,
 * O(N^3) per Newton iteration and O(N^2) for J.
 */
int lrs_epidemic_endemic(lrs_epidemic_t *ep, const gsl_vector *x0,
                         const lrs_epidemic_endemic_opts_t *opts, gsl_vector *xs,
                         gsl_matrix *J, lrs_epidemic_endemic_info_t *info, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_endemic";
    lrs_epidemic_endemic_opts_t o = opts ? *opts : lrs_epidemic_endemic_default();
    lrs_epidemic_endemic_info_t inf;
    gsl_vector *relaxed = NULL;
    int rc;
    if (!ep)
        return lrs_err_set(err, LRS_EINVAL, "%s: ep is NULL", fn);
    if ((rc = check_vec(x0, ep->N, fn, "x0", err)))
        return rc;
    if (!xs || xs->size != ep->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: xs %s; expected length N = %zu", fn,
                           xs ? "has another length" : "is NULL", ep->N);
    if (!(o.t_relax > 0.0) || !isfinite(o.t_relax) || !(o.newton_tol > 0.0) ||
        o.newton_max_iter < 1)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: t_relax = %g, newton_tol = %g, newton_max_iter = %zu; expected "
                           "t_relax > 0 finite, tol > 0, max_iter >= 1",
                           fn, o.t_relax, o.newton_tol, o.newton_max_iter);
    if (J && (J->size1 != ep->N || J->size2 != ep->N))
        return lrs_err_set(err, LRS_EINVAL, "%s: J is %zux%zu; expected %zux%zu", fn, J->size1,
                           J->size2, ep->N, ep->N);
    memset(&inf, 0, sizeof inf);
    relaxed = la_vector_alloc(ep->N);
    if (!relaxed)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, ep->N);
    if (xs != x0)
        gsl_vector_memcpy(xs, x0);
    if ((rc = lrs_epidemic_relax(ep, xs, o.t_relax, 1, NULL, NULL, o.stop, err)))
        goto done;
    gsl_vector_memcpy(relaxed, xs);
    if ((rc = lrs_epidemic_fixed_point(ep, xs, o.newton_tol, o.newton_max_iter,
                                       &inf.newton_residual, &inf.newton_iters, err)))
        goto done;
    gsl_vector_sub(relaxed, xs);
    inf.relaxed_dist = gsl_blas_dnrm2(relaxed);
    for (size_t i = 0; i < ep->N; i++)
        inf.mean += gsl_vector_get(xs, i) / (double)ep->N;
    inf.endemic = inf.mean > LRS_EPI_ENDEMIC_MIN;
    if (J && (rc = lrs_epidemic_jacobian(ep, xs, J, err)))
        goto done;
    if (info)
        *info = inf;
done:
    gsl_vector_free(relaxed);
    return rc;
}

/* ------------------------------------------------------------------ fit */

typedef struct {
    const double *s, *d; /* window samples: s_k = t_k - t0 >= 0, d_k > 0 */
    size_t m;
} fit_data_t;

/* Linear-space fit at fixed log-rate y: e_k = exp(-e^y s_k), the best
 * amplitude alpha = sum d e / sum e^2 (closed form), and the residual sum
 * of squares computed from the residuals themselves (no cancellation near a
 * perfect fit).  sum e^2 >= 1 because the earliest sample has s = 0. */
static double fit_sse(const fit_data_t *fd, double y, double *alpha)
{
    double r = exp(y), see = 0.0, sde = 0.0;
    for (size_t k = 0; k < fd->m; k++) {
        double e = exp(-r * fd->s[k]);
        see += e * e;
        sde += fd->d[k] * e;
    }
    double a = sde / see, sse = 0.0;
    for (size_t k = 0; k < fd->m; k++) {
        double res = fd->d[k] - a * exp(-r * fd->s[k]);
        sse += res * res;
    }
    if (alpha)
        *alpha = a;
    return sse;
}

/* The fit window: s_k = t_k - t0 and d_k for t_lo <= t_k <= t_hi, d_k > d_min
 * (t0 the earliest such time), into new arrays *s, *dd of length *m >= 3. */
static int fit_window(const gsl_vector *t, const gsl_vector *d, double t_lo, double t_hi,
                      double d_min, double **s, double **dd, size_t *m, double *t0,
                      const char *fn, lrs_err_t *err)
{
    size_t n = t->size, k, j = 0;
    *m = 0;
    *t0 = INFINITY;
    for (k = 0; k < n; k++) {
        double tk = gsl_vector_get(t, k), dk = gsl_vector_get(d, k);
        if (!(tk >= t_lo && tk <= t_hi))
            continue;
        if (!isfinite(dk))
            return lrs_err_set(err, LRS_ENONFINITE, "%s: d[%zu] = %g at t = %g is not finite",
                               fn, k, dk, tk);
        if (!(dk > d_min))
            continue;
        *t0 = fmin(*t0, tk);
        (*m)++;
    }
    if (*m < 3)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: %zu samples in the window t in [%g, %g], d > %g; expected >= 3",
                           fn, *m, t_lo, t_hi, d_min);
    *s = malloc(*m * sizeof **s);
    *dd = malloc(*m * sizeof **dd);
    if (!*s || !*dd)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    for (k = 0; k < n; k++) {
        double tk = gsl_vector_get(t, k), dk = gsl_vector_get(d, k);
        if (tk >= t_lo && tk <= t_hi && dk > d_min) {
            (*s)[j] = tk - *t0;
            (*dd)[j] = dk;
            j++;
        }
    }
    return LRS_OK;
}

/* Ordinary least squares of log d_k on s_k: rate = -slope and the
 * amplitude at s = 0. */
static int fit_log(const fit_data_t *fd, double t0, double *rate, double *amp0,
                   const char *fn, lrs_err_t *err)
{
    const double *s = fd->s, *dd = fd->d;
    size_t m = fd->m;
    double ms = 0.0, my = 0.0;
    for (size_t k = 0; k < m; k++) {
        ms += s[k];
        my += log(dd[k]);
    }
    ms /= (double)m;
    my /= (double)m;
    double sxx = 0.0, sxy = 0.0;
    for (size_t k = 0; k < m; k++) {
        sxx += (s[k] - ms) * (s[k] - ms);
        sxy += (s[k] - ms) * (log(dd[k]) - my);
    }
    if (!(sxx > 0.0))
        return lrs_err_set(err, LRS_EINVAL, "%s: all window samples are at one time t = %g",
                           fn, t0);
    double slope = sxy / sxx;
    if (!(slope < 0.0))
        return lrs_err_set(err, LRS_ENUMERIC,
                           "%s: the curve does not decay in the window (log-slope %g)", fn,
                           slope);
    *rate = -slope;
    *amp0 = exp(my - slope * ms);
    return LRS_OK;
}

/* Least squares on the values by variable projection: the log-rate y
 * minimising fit_sse, by a grid scan of 241 points over
 * [log rate - ln 1e3, log rate + ln 1e3] around the LOG estimate `rate`,
 * then golden-section search in the best grid cell (to |dy| < 1e-14 or 300
 * iterations).  rate, amp0 <- the fit. */
static int fit_linear(const fit_data_t *fd, double *rate, double *amp0, const char *fn,
                      lrs_err_t *err)
{
    enum { G = 241 };
    double y0 = log(*rate), span = log(1e3), best = INFINITY;
    size_t ib = 0;
    for (size_t i = 0; i < G; i++) {
        double y = y0 - span + 2.0 * span * (double)i / (G - 1);
        double v = fit_sse(fd, y, NULL);
        if (v < best) {
            best = v;
            ib = i;
        }
    }
    if (ib == 0 || ib == G - 1)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: linear fit: no minimum for rates in [%g, %g]",
                           fn, *rate / 1e3, *rate * 1e3);
    double lo = y0 - span + 2.0 * span * (double)(ib - 1) / (G - 1);
    double hi = y0 - span + 2.0 * span * (double)(ib + 1) / (G - 1);
    const double gr = 0.5 * (sqrt(5.0) - 1.0);
    double c = hi - gr * (hi - lo), e = lo + gr * (hi - lo);
    double fc = fit_sse(fd, c, NULL), fe = fit_sse(fd, e, NULL);
    for (int it = 0; it < 300 && hi - lo > 1e-14; it++) {
        if (fc <= fe) {
            hi = e;
            e = c;
            fe = fc;
            c = hi - gr * (hi - lo);
            fc = fit_sse(fd, c, NULL);
        } else {
            lo = c;
            c = e;
            fc = fe;
            e = lo + gr * (hi - lo);
            fe = fit_sse(fd, e, NULL);
        }
    }
    double y = 0.5 * (lo + hi);
    *rate = exp(y);
    fit_sse(fd, y, amp0);
    return LRS_OK;
}

/*
 * Exponential fit d(t) ~ a exp(-t/tau) on a window (see the header): the
 * window (fit_window), the LOG fit (fit_log: least squares of log d_k on
 * s_k = t_k - t0, t0 the earliest window time, slope -1/tau), and for
 * LINEAR the values' least squares started from it (fit_linear).
 */
int lrs_epidemic_fit_exp(const gsl_vector *t, const gsl_vector *d, double t_lo,
                         double t_hi, double d_min, lrs_epi_fit_t kind, double *a,
                         double *tau, size_t *used, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_fit_exp";
    int rc;
    double *s = NULL, *dd = NULL, t0, rate = 0, amp0 = 0;
    size_t m = 0;
    if (!t || !d)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !t ? "t" : "d");
    if (t->size != d->size)
        return lrs_err_set(err, LRS_EINVAL, "%s: t has length %zu and d %zu; expected equal",
                           fn, t->size, d->size);
    if (kind != LRS_EPI_FIT_LINEAR && kind != LRS_EPI_FIT_LOG)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown fit kind %d", fn, (int)kind);
    if (isnan(t_lo) || isnan(t_hi) || !(t_lo <= t_hi))
        return lrs_err_set(err, LRS_EINVAL, "%s: window [%g, %g]; expected t_lo <= t_hi", fn,
                           t_lo, t_hi);
    if (!(d_min >= 0.0))
        return lrs_err_set(err, LRS_EINVAL, "%s: d_min = %g; expected >= 0", fn, d_min);
    if ((rc = fit_window(t, d, t_lo, t_hi, d_min, &s, &dd, &m, &t0, fn, err)))
        goto done;
    fit_data_t fd = {s, dd, m};
    if ((rc = fit_log(&fd, t0, &rate, &amp0, fn, err)))
        goto done;
    if (kind == LRS_EPI_FIT_LINEAR && (rc = fit_linear(&fd, &rate, &amp0, fn, err)))
        goto done;
    if (tau)
        *tau = 1.0 / rate;
    if (a)
        *a = amp0 * exp(rate * t0);
    if (used)
        *used = m;
done:
    free(s);
    free(dd);
    return rc;
}

/* ------------------------------------------------------------------ perturbed runs */

lrs_epidemic_run_t lrs_epidemic_run_default(void)
{
    lrs_epidemic_run_t r;
    memset(&r, 0, sizeof r);
    r.dt = 0.1;
    r.T = 100.0;
    r.stepper = LRS_EPI_EULER;
    return r;
}

/* The scratch of one perturbed run: blocks of B steps and the stage vectors. */
typedef struct epi_run_ws {
    size_t B;
    int needR;
    gsl_matrix *Zb, *Xb, *Rb;
    gsl_vector *x, *xt, *k1, *k2, *k3, *k4, *xr;
    const double *xref; /* contiguous copy of run->xref, or NULL */
} epi_run_ws_t;

static void run_ws_free(epi_run_ws_t *w)
{
    gsl_vector_free(w->xr);
    gsl_matrix_free(w->Zb);
    gsl_matrix_free(w->Xb);
    gsl_matrix_free(w->Rb);
    gsl_vector_free(w->x);
    gsl_vector_free(w->xt);
    gsl_vector_free(w->k1);
    gsl_vector_free(w->k2);
    gsl_vector_free(w->k3);
    gsl_vector_free(w->k4);
}

static int run_ws_alloc(epi_run_ws_t *w, size_t N, size_t B, int needR, int have_xref)
{
    memset(w, 0, sizeof *w);
    w->B = B;
    w->needR = needR;
    w->Zb = la_matrix_alloc(B, N);
    w->Xb = la_matrix_alloc(B, N);
    w->Rb = needR ? la_matrix_alloc(B, N) : NULL;
    w->x = la_vector_alloc(N);
    w->xt = la_vector_alloc(N);
    w->k1 = la_vector_alloc(N);
    w->k2 = la_vector_alloc(N);
    w->k3 = la_vector_alloc(N);
    w->k4 = la_vector_alloc(N);
    w->xr = have_xref ? la_vector_alloc(N) : NULL;
    return !w->Zb || !w->Xb || (needR && !w->Rb) || !w->x || !w->xt || !w->k1 || !w->k2 ||
                   !w->k3 || !w->k4 || (have_xref && !w->xr)
               ? -1
               : 0;
}

/* Argument checks of lrs_epidemic_run; *nt <- steps, *needR <- some
 * observer wants the recurrent input. */
static int run_check(const lrs_epidemic_t *ep, const lrs_epidemic_run_t *run,
                     const lrs_observer_t *obs, size_t nobs, size_t *nt, int *needR,
                     const char *fn, lrs_err_t *err)
{
    int rc;
    if (!ep || !run)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !ep ? "ep" : "run");
    if (!(run->dt > 0.0) || !isfinite(run->dt))
        return lrs_err_set(err, LRS_EINVAL, "%s: dt = %g; expected a finite value > 0", fn,
                           run->dt);
    if (!(run->T > 0.0) || !isfinite(run->T) || run->T / run->dt > 1e15)
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g with dt = %g; expected T > 0, finite",
                           fn, run->T, run->dt);
    *nt = (size_t)llround(run->T / run->dt);
    if (*nt < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g < dt / 2 = %g: no step to run", fn,
                           run->T, run->dt / 2);
    if (run->stepper != LRS_EPI_EULER && run->stepper != LRS_EPI_RK4)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown stepper %d", fn, (int)run->stepper);
    if ((rc = check_vec(run->x0, ep->N, fn, "x0", err)))
        return rc;
    if (run->xref && (rc = check_vec(run->xref, ep->N, fn, "xref", err)))
        return rc;
    if (nobs && !obs)
        return lrs_err_set(err, LRS_EINVAL, "%s: obs is NULL with nobs = %zu", fn, nobs);
    *needR = 0;
    for (size_t j = 0; j < nobs; j++) {
        if (!obs[j].observe)
            return lrs_err_set(err, LRS_EINVAL, "%s: observer %zu has no observe function",
                               fn, j);
        *needR |= obs[j].needs_recurrent != 0;
    }
    return LRS_OK;
}

/* One step x <- x + dt F(x, p) (Euler) or the RK4 step with p held; k1 =
 * F(x, p) is given. */
static void run_step(lrs_epidemic_t *ep, const epi_run_ws_t *w, lrs_epi_stepper_t stepper,
                     double dt, const double *p)
{
    size_t N = ep->N;
    double *xv = w->x->data, *k1 = w->k1->data, *k2 = w->k2->data, *k3 = w->k3->data,
           *k4 = w->k4->data, *t1 = w->xt->data;
    if (stepper == LRS_EPI_EULER) {
        for (size_t j = 0; j < N; j++)
            xv[j] += dt * k1[j];
        return;
    }
    for (size_t j = 0; j < N; j++)
        t1[j] = xv[j] + 0.5 * dt * k1[j];
    rhs_raw(ep, t1, p, k2);
    for (size_t j = 0; j < N; j++)
        t1[j] = xv[j] + 0.5 * dt * k2[j];
    rhs_raw(ep, t1, p, k3);
    for (size_t j = 0; j < N; j++)
        t1[j] = xv[j] + dt * k3[j];
    rhs_raw(ep, t1, p, k4);
    for (size_t j = 0; j < N; j++)
        xv[j] += dt / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
}

/* Rows n0 .. n0+rows-1 of a block: Z (and R) from the state, then the step
 * to the next state (none after x[nt-1]).  LRS_EDIVERGE on a non-finite state. */
static int run_block(lrs_epidemic_t *ep, const lrs_epidemic_run_t *run, epi_run_ws_t *w,
                     size_t n0, size_t rows, size_t nt, const char *fn, lrs_err_t *err)
{
    size_t N = ep->N;
    const double g = ep->gamma, *xref = w->xref;
    double *xv = w->x->data;
    for (size_t i = 0; i < rows; i++) {
        size_t n = n0 + i;
        double *z = w->Zb->data + i * w->Zb->tda;
        const double *p = w->Xb->data + i * w->Xb->tda;
        for (size_t j = 0; j < N; j++)
            z[j] = xv[j] - (xref ? xref[j] : 0.0);
        rhs_raw(ep, xv, p, w->k1->data);
        if (w->needR) {
            double *r = w->Rb->data + i * w->Rb->tda;
            const double *wx = ep->wx->data;
            for (size_t j = 0; j < N; j++)
                r[j] = (1.0 - xv[j]) * g * wx[j] - (xref ? xref[j] : 0.0);
        }
        if (n + 1 >= nt)
            continue; /* x[nt-1] is the last state: no step after it */
        run_step(ep, w, run->stepper, run->dt, p);
        for (size_t j = 0; j < N; j++)
            if (!isfinite(xv[j]))
                return lrs_err_set(err, LRS_EDIVERGE,
                                   "%s: the state became non-finite at t = %g (step %zu, "
                                   "unit %zu); reduce dt or the perturbation",
                                   fn, (double)(n + 1) * run->dt, n + 1, j);
    }
    return LRS_OK;
}

/*
 * Fixed-step integration with the perturbation p[n] = p(t_n) from the input
 * sources, streamed in blocks of EPI_BLOCK steps (layout in the header).
 * Per step: k1 = F(x[n], p[n]) (its W x[n] also gives the recurrent input
 * R); Euler: x[n+1] = x[n] + dt k1; RK4 (input held at p[n]):
 *     k2 = F(x + dt/2 k1), k3 = F(x + dt/2 k2), k4 = F(x + dt k3),
 *     x[n+1] = x[n] + dt/6 (k1 + 2 k2 + 2 k3 + k4).
 * Memory: 3 blocks of EPI_BLOCK x N and a few vectors; nothing grows with T.
 */
int lrs_epidemic_run(lrs_epidemic_t *ep, const lrs_epidemic_run_t *run, lrs_input_t *in,
                     const lrs_observer_t *obs, size_t nobs, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_run";
    epi_run_ws_t w;
    size_t nt = 0, N;
    int rc, needR = 0;
    if ((rc = run_check(ep, run, obs, nobs, &nt, &needR, fn, err)))
        return rc;
    N = ep->N;
    if (run_ws_alloc(&w, N, nt < EPI_BLOCK ? nt : EPI_BLOCK, needR, run->xref != NULL)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    ep->have_last = 0;
    gsl_vector_memcpy(w.x, run->x0);
    if (run->xref) { /* contiguous copy for the loops */
        gsl_vector_memcpy(w.xr, run->xref);
        w.xref = w.xr->data;
    }
    for (size_t n0 = 0; n0 < nt; n0 += w.B) {
        size_t rows = nt - n0 < w.B ? nt - n0 : w.B;
        gsl_matrix_view Zv = gsl_matrix_submatrix(w.Zb, 0, 0, rows, N);
        gsl_matrix_view Xv = gsl_matrix_submatrix(w.Xb, 0, 0, rows, N);
        gsl_matrix_view Rv = gsl_matrix_submatrix(needR ? w.Rb : w.Zb, 0, 0, rows, N);
        if (in) {
            if ((rc = lrs_input_fill(in, n0, run->dt, &Xv.matrix, err)))
                goto done;
        } else {
            gsl_matrix_set_zero(&Xv.matrix);
        }
        if ((rc = run_block(ep, run, &w, n0, rows, nt, fn, err)))
            goto done;
        lrs_block_t b = {n0, run->dt, &Zv.matrix, &Xv.matrix, needR ? &Rv.matrix : NULL};
        for (size_t j = 0; j < nobs; j++) {
            lrs_err_clear(err);
            if ((rc = obs[j].observe(obs[j].self, &b, err))) {
                if (err && !err->msg[0])
                    lrs_err_set(err, rc, "%s: observer %zu stopped the run at t = %g", fn, j,
                                (double)n0 * run->dt);
                goto done;
            }
        }
        if (run->stop && *run->stop) {
            rc = lrs_err_set(err, LRS_EINTR, "%s: interrupted at t = %g", fn,
                             (double)(n0 + rows) * run->dt);
            goto done;
        }
    }
    gsl_vector_memcpy(ep->xlast, w.x);
    ep->have_last = 1;
done:
    run_ws_free(&w);
    return rc;
}

int lrs_epidemic_final_state(const lrs_epidemic_t *ep, gsl_vector *x, lrs_err_t *err)
{
    static const char *fn = "lrs_epidemic_final_state";
    if (!ep || !x)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !ep ? "ep" : "x");
    if (x->size != ep->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: x has length %zu; expected N = %zu", fn,
                           x->size, ep->N);
    if (!ep->have_last)
        return lrs_err_set(err, LRS_EINVAL, "%s: no completed run", fn);
    gsl_vector_memcpy(x, ep->xlast);
    return LRS_OK;
}
