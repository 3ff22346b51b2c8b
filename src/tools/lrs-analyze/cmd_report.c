/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_report.c -- report: a human-readable summary of the matrix, its
 * stability and the two verdicts (arXiv:2504.13727, linear theory).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_complex_math.h>

#include "lrs/spectra.h"
#include "analyze.h"

/* What the report reads: the cached factorisations of the prepared
 * matrices (lrs/linear.h) and what it derives from them. */
typedef struct rep {
    size_t N;
    const gsl_vector_complex *l; /* eigenvalues of M, by descending real part */
    const gsl_vector *s;         /* singular values of M */
    const gsl_matrix *U, *V;     /* its singular vectors */
    const gsl_vector *sI;        /* singular values of I - Wd */
    double nonnormal;            /* relative commutator of M */
    lrs_ranks_t rk;
    gsl_matrix *P;               /* overlap U_r^T V_r */
    gsl_vector *sP;              /* its singular values */
    size_t r;
} rep_t;

/* ------------------------------------------------------------------ decomposition
 * The factorisations run in two threads (eigenvalues of M and SVD of
 * I - Wd | SVD of M with vectors and the commutator), each with
 * single-threaded BLAS: for N = 2000 the two halves take about the same
 * time.  They fill different caches of the prepared objects, which
 * lrs/linear.h allows concurrently. */

typedef struct rep_half {
    ctx_t *c;
    rep_t *R;
    int rc;
    lrs_err_t err;
} rep_half_t;

static void *rep_eig_run(void *arg)
{
    rep_half_t *t = arg;
    if ((t->rc = lrs_linear_eig(t->c->linM, &t->R->l, &t->err)))
        return NULL;
    t->rc = lrs_linear_svd_imw(t->c->lin, &t->R->sI, NULL, NULL, &t->err);
    return NULL;
}

static void *rep_svd_run(void *arg)
{
    rep_half_t *t = arg;
    if ((t->rc = lrs_linear_svd(t->c->linM, &t->R->s, &t->R->U, &t->R->V, &t->err)))
        return NULL;
    t->rc = lrs_spectra_nonnormality(t->c->M, &t->R->nonnormal, &t->err);
    return NULL;
}

static int report_decompose(ctx_t *c, rep_t *R)
{
    rep_half_t te = {c, R, 0, {0}}, ts = {c, R, 0, {0}};
    pthread_t th;
    int threaded = 0, oldthreads;
    oldthreads = lrs_blas_set_threads(1);
    if (R->N >= 200 && pthread_create(&th, NULL, rep_eig_run, &te) == 0)
        threaded = 1;
    rep_svd_run(&ts);
    if (threaded)
        pthread_join(th, NULL);
    else
        rep_eig_run(&te);
    lrs_blas_set_threads(oldthreads);
    if (te.rc || ts.rc) {
        c->err = te.rc ? te.err : ts.err;
        return c->err.code;
    }
    return lrs_ranks_compute(R->s, R->N, R->N, NULL, &R->rk, &c->err);
}

/* ------------------------------------------------------------------ sections */

#define KV(fp, key, ...)                                                       \
    do {                                                                       \
        fprintf(fp, "%-22s ", key);                                            \
        fprintf(fp, __VA_ARGS__);                                              \
        fputc('\n', fp);                                                       \
    } while (0)

/* size, edges, density, symmetric?, normal?, top singular values, ranks */
static void report_structure(ctx_t *c, FILE *d, const rep_t *R)
{
    const gsl_matrix *M = c->M;
    const lrs_ranks_t *rk = &R->rk;
    size_t N = R->N, i, j, k, nnz = 0, offdiag = 0, mutual = 0;
    double asym = 0, fro = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            double a = gsl_matrix_get(M, i, j), b = gsl_matrix_get(M, j, i);
            if (a != 0)
                nnz++;
            offdiag += a != 0 && i != j;
            mutual += a != 0 && b != 0 && i != j;
            asym += (a - b) * (a - b);
            fro += a * a;
        }
    asym = fro > 0 ? sqrt(asym / fro) / 2.0 : 0.0; /* ||M - M^T||_F / (2 ||M||_F) */
    KV(d, "size", "%zu x %zu", N, N);
    if (c->info.format == LRS_FMT_EDGES)
        KV(d, "edges", "%zu read, %zu repeated (weights added), %zu self-loops%s", c->info.entries,
           c->info.repeated, c->info.self_loops, c->o->rd.undirected ? ", undirected" : "");
    if (c->o->sis)
        KV(d, "matrix", "J, the SIS Jacobian (see '# matrix' above); W = I + J below");
    KV(d, "density", "%.4g (%zu of %zu entries non-zero)", (double)nnz / ((double)N * N), nnz,
       N * N);
    if (asym <= 1e-12)
        KV(d, "symmetric", "yes");
    else
        KV(d, "symmetric", "no (||%s - %s^T||_F / (2 ||%s||_F) = %.3g)%s", c->mname, c->mname,
           c->mname, asym,
           offdiag > 0 && mutual == 0 && !c->o->rd.undirected
               ? "; no edge appears in both directions: for an undirected network pass --undirected"
               : "");
    KV(d, "normal", "%s (relative commutator ||%s %s^T - %s^T %s||_F / ||%s||_F^2 = %.3g)",
       R->nonnormal <= 1e-10 ? "yes" : "no", c->mname, c->mname, c->mname, c->mname, c->mname,
       R->nonnormal);
    fprintf(d, "%-22s ", "top_singular_values");
    for (k = 0; k < N && k < 10; k++)
        fprintf(d, "%s%.5g", k ? " " : "", gsl_vector_get(R->s, k));
    fprintf(d, "\n");
    KV(d, "rank", "%zu", rk->numerical);
    KV(d, "optimal_threshold", "%zu", rk->optimal_threshold);
    KV(d, "optimal_shrinkage", "%zu", rk->optimal_shrinkage);
    KV(d, "erank", "%.4f", rk->erank);
    KV(d, "elbow", "%zu", rk->elbow);
    KV(d, "energy_ratio", "%zu", rk->energy);
    KV(d, "stable_rank", "%.4f", rk->stable);
    KV(d, "nuclear_rank", "%.4f", rk->nuclear);
}

/* max_re_eig, stability, cond(I - W); returns max Re eig(M). */
static double report_stability(ctx_t *c, FILE *d, const rep_t *R)
{
    double re = GSL_REAL(gsl_vector_complex_get(R->l, 0));
    double im = GSL_IMAG(gsl_vector_complex_get(R->l, 0));
    double smax = gsl_vector_get(R->sI, 0), smin = gsl_vector_get(R->sI, R->N - 1);
    double cond = smin > 0 ? smax / smin : INFINITY;
    char adv[512];
    KV(d, "max_re_eig", "%.6g%s%.6gi (of %s)", re, im < 0 ? " - " : " + ", fabs(im), c->mname);
    if (re < 1.0 - c->shift) {
        if (c->o->sis)
            KV(d, "stability", "stable (max Re eig(J) < 0): the fixed point attracts");
        else
            KV(d, "stability", "stable (max Re eig(W) < 1): tau dz/dt = -z + W z + x settles");
    } else {
        analyze_unstable_advice(c, re + c->shift, adv, sizeof adv);
        KV(d, "stability", "%s", adv);
    }
    KV(d, "cond_I_minus_W", "%.4g%s", cond,
       cond > 1e12 ? "  WARNING: I - W is ill-conditioned (> 1e12); predicted variances "
                     "and simulations along its smallest singular direction are unreliable"
                   : "");
    return re;
}

/* The overlap of the top-r part, from the SVD above. */
static int report_overlap(ctx_t *c, FILE *d, rep_t *R)
{
    size_t N = R->N, i, j, r;
    double smin;
    r = R->r = analyze_default_rank(&R->rk, c->o->rank, N);
    if (c->o->rank > 0 && (long)r != c->o->rank)
        return analyze_fail(c, LRS_EINVAL, "%s: --rank %ld is larger than the matrix (%zu x %zu)",
                            c->o->file, c->o->rank, N, N);
    R->P = gsl_matrix_alloc(r, r);
    R->sP = gsl_vector_alloc(r);
    if (!R->P || !R->sP)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    if (lrs_linear_overlap(c->linM, r, R->P, R->sP, &c->err))
        return c->err.code;
    KV(d, "overlap_rank", "%zu (%s)", r,
       c->o->rank > 0 ? "--rank" : "optimal-threshold rank, at most 10");
    for (i = 0; i < r; i++) {
        fprintf(d, "%-22s ", i == 0 ? "overlap_P" : "");
        for (j = 0; j < r; j++)
            fprintf(d, "%s%7.3f", j ? " " : "",
                    fabs(gsl_matrix_get(R->P, i, j)) < 5e-4 ? 0.0 : gsl_matrix_get(R->P, i, j));
        fprintf(d, "\n");
    }
    fprintf(d, "%-22s ", "overlap_svals");
    for (i = 0; i < r; i++)
        fprintf(d, "%s%.4g", i ? " " : "", gsl_vector_get(R->sP, i));
    smin = gsl_vector_get(R->sP, r - 1);
    fprintf(d, "  (%s)\n",
            R->rk.optimal_threshold == 0 && c->o->rank <= 0
                ? "no low-rank part stands out of the noise (optimal-threshold rank 0)"
            : smin > 0.5 ? "all near 1: EP-like low-rank part, no amplified direction from it"
            : smin > 0.1 ? "one is small: the low-rank part may amplify a direction"
                         : "one is near 0: expect a strongly amplified direction");
    return LRS_OK;
}

/* The verdicts (lrs_linear_verdict: lrs/verdict.h with all N singular
 * values of I - W) and the predicted spectrum block (theory 1, var_k =
 * sigma_x^2 / sigma_{N+1-k}(I - W)^2); "not defined" when theory 1 is
 * (unstable or singular). */
static int report_verdicts(ctx_t *c, FILE *d, FILE *bp, const rep_t *R)
{
    size_t N = R->N, k;
    lrs_verdict_t v;
    gsl_vector *var = gsl_vector_alloc(N);
    int rc;
    if (!var)
        return analyze_fail(c, LRS_ENOMEM, "out of memory for a %zu x %zu report", N, N);
    rc = lrs_linear_verdict(c->lin, c->o->sigmax, &v, &c->err);
    if (rc == LRS_OK)
        rc = lrs_linear_pcvar1(c->lin, c->o->sigmax, var, &c->err);
    if (rc == LRS_EUNSTABLE || rc == LRS_ENUMERIC) {
        analyze_print_verdicts(d, NULL, c->o->sigmax, "");
        gsl_vector_free(var);
        lrs_err_clear(&c->err);
        return LRS_OK;
    }
    if (rc) {
        gsl_vector_free(var);
        return rc;
    }
    analyze_print_verdicts(d, &v, c->o->sigmax, "");
    analyze_to_percent(var);
    fprintf(bp, "# index\tpct_z\tpct_x\n");
    for (k = 0; k < N; k++)
        fprintf(bp, "%zu\t%.12g\t%.12g\n", k + 1, gsl_vector_get(var, k), 100.0 / (double)N);
    gsl_vector_free(var);
    return LRS_OK;
}

/* The plot data blocks and the 2 x 2 gnuplot multiplot. */
static void report_plots(ctx_t *c, FILE *bs, FILE *be, FILE *bo, const rep_t *R, int stable)
{
    size_t N = R->N, k, r = R->r;
    int im_all_zero = 1;
    double thr = 1.0 - c->shift;
    for (k = 0; k < N; k++)
        if (GSL_IMAG(gsl_vector_complex_get(R->l, k)) != 0)
            im_all_zero = 0;
    fprintf(bs, "# index\tsigma\n");
    analyze_print_rows(bs, R->s);
    fprintf(be, "# index\treal\timag\n");
    for (k = 0; k < N; k++) {
        gsl_complex z = gsl_vector_complex_get(R->l, k);
        fprintf(be, "%zu\t%.12g\t%.12g\n", k + 1, GSL_REAL(z), GSL_IMAG(z));
    }
    analyze_print_overlap(bo, R->P, R->sP, c->mname);
    fprintf(c->gp.fp,
            "set multiplot layout 2,2 title 'lrs-analyze report: %s'\n"
            "set title 'singular values of %s'\nset logscale y\nset grid\n"
            "plot $svals using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.4 lc rgb '#1f77b4'\n"
            "unset logscale y\n"
            "set title 'eigenvalues of %s'\n%s"
            "set arrow 1 from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'red'\n"
            "plot $eig using 2:3 with points pt 7 ps 0.4 lc rgb '#1f77b4'\n"
            "unset arrow 1\nset autoscale y\n",
            c->o->file, c->mname, c->mname, im_all_zero ? "set yrange [-1:1]\n" : "", thr, thr);
    if (stable)
        fprintf(c->gp.fp,
                "set title 'predicted PC spectrum (theory 1)'\nset logscale y\nset key top right\n"
                "plot $spectrum using 1:2 with linespoints pt 7 ps 0.4 lc rgb '#1f77b4' title 'z', "
                "$spectrum using 1:3 with lines lw 2 lc rgb '#7f7f7f' title 'x'\n"
                "unset logscale y\nunset key\n");
    else
        fprintf(c->gp.fp, "set title 'unstable: no stationary PC spectrum'\nunset border\n"
                          "unset tics\nplot NaN\nset border\nset tics\n");
    fprintf(c->gp.fp,
            "set title 'overlap P = U_r^T V_r (r = %zu)'\nunset grid\n"
            "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\nset cbrange [-1:1]\n"
            "set palette defined (-1 '#2166ac', 0 'white', 1 '#b2182b')\n"
            "set xtics 1\nset ytics 1\n"
            "plot $overlap index 0 matrix using 1:2:(0.5):(0.5):3 with boxxyerror fs solid "
            "lc palette notitle\nunset multiplot\n",
            r, r - 1, r - 1);
}

int cmd_report(ctx_t *c)
{
    FILE *d = analyze_block(c, "report"), *bs = analyze_block(c, "svals"),
         *be = analyze_block(c, "eig"), *bp = analyze_block(c, "spectrum"),
         *bo = analyze_block(c, "overlap");
    rep_t R;
    int rc, stable;

    memset(&R, 0, sizeof R);
    if (!d || !bs || !be || !bp || !bo)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    R.N = c->M->size1;
    if ((rc = report_decompose(c, &R)))
        goto done;
    report_structure(c, d, &R);
    stable = report_stability(c, d, &R) < 1.0 - c->shift;
    if ((rc = report_overlap(c, d, &R)))
        goto done;
    if (stable) {
        if ((rc = report_verdicts(c, d, bp, &R)))
            goto done;
    } else
        analyze_print_verdicts(d, NULL, c->o->sigmax, "");
    report_plots(c, bs, be, bo, &R, stable);
done:
    if (R.P)
        gsl_matrix_free(R.P);
    gsl_vector_free(R.sP);
    return rc;
}
