/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_ranks.c -- effective ranks of a large sparse W from its top singular
 * values, its entries and stochastic Lanczos quadrature (see lrs/sparse.h
 * and lrs/ranks.h for the definitions).
 */
#include "sp_internal.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_vector.h>
#include "lrs/ranks.h"

/* One probe's Gauss quadrature for g^T f(W^T W) g / ||g||^2: nodes theta
 * (eigenvalues of the m x m Lanczos tridiagonal T, clamped at 0) and
 * weights tau^2 (squared first components of T's eigenvectors; they sum to
 * 1).  Lanczos without reorthogonalisation (memory: 4 vectors); spurious
 * copies of converged Ritz values only split their weight, which leaves the
 * quadrature valid (Knizhnerman 1996).  Stops early at an invariant
 * subspace (beta < 1e-13 ||T||).  Cost: m products with W and W^T. */
static int sp_slq_probe(Mat W, Vec g, size_t m, double *theta, double *wt, size_t *m_out,
                        lrs_err_t *err)
{
    Vec q = NULL, qold = NULL, t = NULL, r = NULL;
    double *alpha = malloc(m * sizeof *alpha), *beta = malloc(m * sizeof *beta);
    double *Z = malloc(m * m * sizeof *Z), scale = 0;
    PetscReal nrm;
    size_t j, mm = 0;
    int rc = LRS_OK;
    if (!alpha || !beta || !Z) {
        rc = lrs_err_set(err, LRS_ENOMEM, "Lanczos quadrature: out of memory");
        goto done;
    }
    SP_TRY(VecDuplicate(g, &q), "Lanczos");
    SP_TRY(VecDuplicate(g, &qold), "Lanczos");
    SP_TRY(VecDuplicate(g, &r), "Lanczos");
    SP_TRY(MatCreateVecs(W, NULL, &t), "Lanczos");
    SP_TRY(VecCopy(g, q), "Lanczos");
    SP_TRY(VecNormalize(q, &nrm), "Lanczos");
    SP_TRY(VecSet(qold, 0.0), "Lanczos");
    for (j = 0; j < m; j++) {
        PetscScalar a;
        SP_TRY(MatMult(W, q, t), "Lanczos W q");
        SP_TRY(MatMultTranspose(W, t, r), "Lanczos W^T W q");
        SP_TRY(VecDot(r, q, &a), "Lanczos");
        alpha[j] = (double)a;
        mm = j + 1;
        SP_TRY(VecAXPBYPCZ(r, -alpha[j], j ? -beta[j - 1] : 0.0, 1.0, q, qold), "Lanczos");
        SP_TRY(VecNorm(r, NORM_2, &nrm), "Lanczos");
        beta[j] = (double)nrm;
        scale = fmax(scale, fabs(alpha[j]) + beta[j]);
        if (beta[j] <= 1e-13 * scale)
            break;
        SP_TRY(VecCopy(q, qold), "Lanczos");
        SP_TRY(VecCopy(r, q), "Lanczos");
        SP_TRY(VecScale(q, 1.0 / beta[j]), "Lanczos");
    }
    if (LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', (lapack_int)mm, alpha, beta, Z, (lapack_int)mm)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "Lanczos quadrature: tridiagonal eigensolver failed");
        goto done;
    }
    for (j = 0; j < mm; j++) {
        theta[j] = alpha[j] > 0 ? alpha[j] : 0;
        wt[j] = Z[j * mm] * Z[j * mm];
    }
    *m_out = mm;
done:
    free(alpha);
    free(beta);
    free(Z);
    if (q)
        VecDestroy(&q);
    if (qold)
        VecDestroy(&qold);
    if (t)
        VecDestroy(&t);
    if (r)
        VecDestroy(&r);
    return rc;
}

typedef struct { double x, w; } sp_atom_t;

static int sp_atom_cmp(const void *a, const void *b)
{
    double x = ((const sp_atom_t *)a)->x, y = ((const sp_atom_t *)b)->x;
    return (x > y) - (x < y);
}

/* Median of a discrete measure given as atoms with total weight `total`. */
static double sp_atoms_median(sp_atom_t *at, size_t n, double total)
{
    double acc = 0;
    size_t i;
    qsort(at, n, sizeof *at, sp_atom_cmp);
    for (i = 0; i < n; i++) {
        acc += at[i].w;
        if (acc >= 0.5 * total)
            return at[i].x;
    }
    return n ? at[n - 1].x : 0;
}

/* Per probe p: S_p = N sum tau^2 sqrt(theta), E_p = N sum tau^2 sqrt(theta)
 * ln sqrt(theta), the median of sigma under the probe's measure; all probes'
 * atoms pooled (weights / probes) give the averaged distribution.  The
 * probes are Rademacher vectors from sp_vec_hash (stream 100 + p). */
static int sp_slq(const lrs_sparse_mat_t *W, const lrs_sparse_opts_t *o, double *S, double *E,
                  double *med_p, double *med_all, lrs_err_t *err)
{
    size_t np = o->probes, m = o->lanczos, p, j, mm = 0, na = 0;
    double *theta = malloc(m * sizeof *theta), *wt = malloc(m * sizeof *wt);
    sp_atom_t *all = malloc(np * m * sizeof *all), *one = malloc(m * sizeof *one);
    Vec g = NULL;
    int rc = LRS_OK;
    if (!theta || !wt || !all || !one) {
        rc = lrs_err_set(err, LRS_ENOMEM, "Lanczos quadrature: out of memory");
        goto done;
    }
    SP_TRY(MatCreateVecs(W->A, &g, NULL), "probe");
    for (p = 0; p < np; p++) {
        if (sp_vec_hash(g, o->seed, 100 + p, 0)) {
            rc = lrs_err_set(err, LRS_ENUMERIC, "Lanczos quadrature: probe vector");
            goto done;
        }
        if ((rc = sp_slq_probe(W->A, g, m, theta, wt, &mm, err)))
            goto done;
        S[p] = E[p] = 0;
        for (j = 0; j < mm; j++) {
            double s = sqrt(theta[j]);
            S[p] += wt[j] * s;
            E[p] += s > 0 ? wt[j] * s * log(s) : 0;
            one[j].x = all[na].x = s;
            one[j].w = wt[j];
            all[na++].w = wt[j] / (double)np;
        }
        S[p] *= (double)W->n;
        E[p] *= (double)W->n;
        med_p[p] = sp_atoms_median(one, mm, 1.0);
    }
    *med_all = sp_atoms_median(all, na, 1.0);
done:
    free(theta);
    free(wt);
    free(all);
    free(one);
    if (g)
        VecDestroy(&g);
    return rc;
}

static void sp_mean_se(const double *x, size_t n, double *mean, double *se)
{
    double m = 0, v = 0;
    size_t i;
    for (i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m;
    *se = n > 1 ? sqrt(v / (double)(n - 1) / (double)n) : INFINITY;
}

static lrs_sparse_rank_t sp_exact(double v)
{
    lrs_sparse_rank_t r = {LRS_SPARSE_EXACT, v, 0, v, v};
    return r;
}

/* Number of computed top values above cut; BEYOND if cut is not above the
 * smallest computed one (and values are missing). */
static size_t sp_count_above(const lrs_sparse_svals_t *top, size_t n, double cut, int *beyond)
{
    size_t i, c = 0;
    for (i = 0; i < top->k; i++)
        c += top->sigma[i] > cut;
    *beyond = c == top->k && top->k < n;
    return c;
}

/* Integer rank #{sigma > c * med}, with med in [med - 2 se, med + 2 se]. */
static lrs_sparse_rank_t sp_threshold_rank(const lrs_sparse_svals_t *top, size_t n, double c,
                                           double med, double se)
{
    lrs_sparse_rank_t r = {LRS_SPARSE_ESTIMATE, 0, 0, 0, 0};
    int b0, b1, b2;
    r.value = (double)sp_count_above(top, n, c * med, &b0);
    r.lo = (double)sp_count_above(top, n, c * (med + 2 * se), &b1);
    r.hi = (double)sp_count_above(top, n, c * fmax(med - 2 * se, 0), &b2);
    r.se = se;
    if (b0 || b2) {
        r.kind = LRS_SPARSE_BEYOND;
        r.value = (double)top->k;
    }
    return r;
}

/* The whole spectrum was computed (k = N): the dense definitions apply. */
static int sp_ranks_full(const lrs_sparse_svals_t *top, double f, lrs_sparse_ranks_t *out,
                         lrs_err_t *err)
{
    gsl_vector_const_view s = gsl_vector_const_view_array(top->sigma, top->k);
    lrs_ranks_opts_t ro = lrs_ranks_opts_default();
    lrs_ranks_t r;
    int rc;
    ro.energy_fraction = f;
    if ((rc = lrs_ranks_compute(&s.vector, top->k, top->k, &ro, &r, err)))
        return rc;
    out->stable = sp_exact(r.stable);
    out->energy = sp_exact((double)r.energy);
    out->nuclear = sp_exact(r.nuclear);
    out->erank = sp_exact(r.erank);
    out->optimal_threshold = sp_exact((double)r.optimal_threshold);
    out->optimal_shrinkage = sp_exact((double)r.optimal_shrinkage);
    out->elbow = sp_exact((double)r.elbow);
    out->numerical = sp_exact((double)r.numerical);
    out->sigma_med = r.sigma_med;
    return LRS_OK;
}

/* Exact ranks from the entries and the top values: stable, energy. */
static void sp_ranks_exact(const lrs_sparse_mat_t *W, const lrs_sparse_svals_t *top, double f,
                           lrs_sparse_ranks_t *out)
{
    double s1 = top->sigma[0], acc = 0;
    size_t i;
    out->stable = sp_exact(s1 > 0 ? W->frob2 / (s1 * s1) : 0);
    out->energy.kind = LRS_SPARSE_BEYOND;
    out->energy.value = out->energy.lo = (double)top->k;
    out->energy.hi = (double)W->n;
    for (i = 0; i < top->k; i++) {
        acc += top->sigma[i] * top->sigma[i];
        if (acc > f * W->frob2) {
            out->energy = sp_exact((double)(i + 1));
            break;
        }
    }
}

/* Stochastic ranks: nuclear, erank (delta method), threshold ranks. */
static int sp_ranks_stochastic(const lrs_sparse_mat_t *W, const lrs_sparse_svals_t *top,
                               const lrs_sparse_opts_t *o, lrs_sparse_ranks_t *out,
                               lrs_err_t *err)
{
    size_t np = o->probes, p;
    double *S = malloc(np * sizeof *S), *E = malloc(np * sizeof *E), *M = malloc(np * sizeof *M);
    double s1 = top->sigma[0], Sm, Sse, Em, Ese, cov = 0, mall = 0, mm, mse, a, b, g, vg;
    double mu = lrs_ranks_mp_median(1.0), om = lrs_ranks_omega(1.0, LRS_OMEGA_EXACT);
    int rc = LRS_OK;
    if (!S || !E || !M) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_ranks: out of memory");
        goto done;
    }
    if ((rc = sp_slq(W, o, S, E, M, &mall, err)))
        goto done;
    sp_mean_se(S, np, &Sm, &Sse);
    sp_mean_se(E, np, &Em, &Ese);
    sp_mean_se(M, np, &mm, &mse);
    for (p = 0; p < np; p++)
        cov += (S[p] - Sm) * (E[p] - Em);
    cov /= (double)(np - 1) * (double)np;
    out->sum_sigma = Sm;
    out->sum_sigma_se = Sse;
    out->nuclear = (lrs_sparse_rank_t){LRS_SPARSE_ESTIMATE, Sm / s1, Sse / s1,
                                       (Sm - 2 * Sse) / s1, (Sm + 2 * Sse) / s1};
    g = log(Sm) - Em / Sm;
    a = 1 / Sm + Em / (Sm * Sm);
    b = -1 / Sm;
    vg = a * a * Sse * Sse + b * b * Ese * Ese + 2 * a * b * cov;
    out->erank.kind = LRS_SPARSE_ESTIMATE;
    out->erank.value = exp(g);
    out->erank.se = exp(g) * sqrt(fmax(vg, 0));
    out->erank.lo = out->erank.value - 2 * out->erank.se;
    out->erank.hi = out->erank.value + 2 * out->erank.se;
    out->sigma_med = mall;
    out->sigma_med_se = mse;
    /* square W: beta = 1, tau = omega(1) sigma_med, shrinkage cut 2 sigma_med / sqrt(mu_1) */
    out->optimal_threshold = sp_threshold_rank(top, W->n, om, mall, mse);
    out->optimal_shrinkage = sp_threshold_rank(top, W->n, 2 / sqrt(mu), mall, mse);
done:
    free(S);
    free(E);
    free(M);
    return rc;
}

int lrs_sparse_ranks(const lrs_sparse_mat_t *W, const lrs_sparse_svals_t *top,
                     double energy_fraction, const lrs_sparse_opts_t *opts,
                     lrs_sparse_ranks_t *out, lrs_err_t *err)
{
    lrs_sparse_opts_t o;
    double f = energy_fraction > 0 ? energy_fraction : 0.9;
    int rc = LRS_OK;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_ranks: out is NULL");
    memset(out, 0, sizeof *out);
    if (!W || !top || !top->sigma || top->k == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_ranks: need the top singular values");
    if (f >= 1)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_ranks: energy fraction %g; must be in (0, 1)", f);
    o = sp_opts(opts, W->n, 1);
    out->frob2 = W->frob2;
    out->probes = o.probes;
    out->lanczos = o.lanczos;
    if (top->sigma[0] <= 0)
        goto done; /* W = 0: every rank is 0, exactly */
    if (top->k == W->n) {
        rc = sp_ranks_full(top, f, out, err);
        goto done;
    }
    sp_ranks_exact(W, top, f, out);
    if (o.probes < 2) {
        rc = lrs_err_set(err, LRS_EINVAL, "lrs_sparse_ranks: %zu probes; need at least 2", o.probes);
        goto done;
    }
    rc = sp_ranks_stochastic(W, top, &o, out, err);
    out->elbow.kind = LRS_SPARSE_UNAVAILABLE;
    out->numerical.kind = LRS_SPARSE_UNAVAILABLE;
done:
    return sp_agree(rc, err);
}
