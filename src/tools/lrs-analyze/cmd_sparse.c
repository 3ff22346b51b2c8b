/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_sparse.c -- `lrs-analyze --sparse`: the analysis of large sparse
 * networks through liblrs-sparse (SLEPc/PETSc, MPI).  Never an N x N array.
 *
 *   lrs-analyze --sparse [report|svals|eig|ranks|simulate|convert] FILE [options] [-- PETSc options]
 *
 * Rank 0 reads FILE (edge list, Matrix Market, or any lrs format; *.petsc:
 * PETSc binary, loaded in parallel) and distributes the rows; every rank
 * computes, rank 0 prints.  Output: "key value" lines (report, ranks,
 * simulate) or TSV columns with a '#' header (svals, eig).
 * Compiled only when the sparse module is (LRS_HAVE_SPARSE).
 */
#include "cmd_sparse.h"
#include "verdicts.h"

#ifdef LRS_HAVE_SPARSE

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lrs/io.h"
#include "lrs/sparse.h"
#include "lrs/verdict.h"

typedef struct {
    const char *cmd, *file, *out;
    lrs_io_read_opts_t ro;
    lrs_sparse_opts_t so;
    lrs_sparse_sim_opts_t sim;
    size_t top, rank;
    double scale, energy;
    int normalize, verbose;
    char petsc[4096];
} sp_args_t;

#define KV(fp, key, ...)                             \
    do {                                             \
        fprintf((fp), "%-22s ", (key));              \
        fprintf((fp), __VA_ARGS__);                  \
        fputc('\n', (fp));                           \
    } while (0)

static const char *const cmds[] = {"report", "svals", "eig", "ranks", "simulate", "convert", NULL};

static int is_command(const char *s)
{
    int c;
    for (c = 0; cmds[c]; c++)
        if (!strcmp(s, cmds[c]))
            return 1;
    return 0;
}

static int num(const char *opt, const char *v, double *x, lrs_err_t *err)
{
    lrs_err_t sub;
    if (!v)
        return lrs_err_set(err, LRS_EINVAL, "%s needs a value", opt);
    if (lrs_io_parse_double(v, strlen(v), x, &sub))
        return lrs_err_set(err, LRS_EINVAL, "%s: %s", opt, sub.msg);
    return LRS_OK;
}

static int count(const char *opt, const char *v, size_t *x, lrs_err_t *err)
{
    long long n;
    lrs_err_t sub;
    if (!v)
        return lrs_err_set(err, LRS_EINVAL, "%s needs a value", opt);
    if (lrs_io_parse_long(v, strlen(v), &n, &sub))
        return lrs_err_set(err, LRS_EINVAL, "%s: %s", opt, sub.msg);
    if (n < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: %lld; expected a positive integer", opt, n);
    *x = (size_t)n;
    return LRS_OK;
}

/* Options of the sparse path; the reader options are the dense path's. */
static int parse_opt(sp_args_t *a, const char *o, const char *v, int *used, lrs_err_t *err)
{
    double x = 0;
    size_t n = 0;
    int rc = LRS_OK;
    *used = 1;
    if (!strcmp(o, "--top")) rc = count(o, v, &a->top, err);
    else if (!strcmp(o, "--rank")) rc = count(o, v, &a->rank, err);
    else if (!strcmp(o, "--ncv")) rc = count(o, v, &a->so.ncv, err);
    else if (!strcmp(o, "--max-it")) rc = count(o, v, &a->so.max_it, err);
    else if (!strcmp(o, "--probes")) rc = count(o, v, &a->so.probes, err);
    else if (!strcmp(o, "--lanczos")) rc = count(o, v, &a->so.lanczos, err);
    else if (!strcmp(o, "--seed")) { rc = count(o, v, &n, err); a->so.seed = a->sim.seed = n; }
    else if (!strcmp(o, "--nodes")) rc = count(o, v, &a->ro.nodes, err);
    else if (!strcmp(o, "--tol")) rc = num(o, v, &a->so.tol, err);
    else if (!strcmp(o, "--scale")) rc = num(o, v, &a->scale, err);
    else if (!strcmp(o, "--energy")) rc = num(o, v, &a->energy, err);
    else if (!strcmp(o, "--sigmax")) rc = num(o, v, &a->sim.sigmax, err);
    else if (!strcmp(o, "--T")) rc = num(o, v, &a->sim.T, err);
    else if (!strcmp(o, "--dt")) rc = num(o, v, &a->sim.dt, err);
    else if (!strcmp(o, "--tau")) rc = num(o, v, &a->sim.tau, err);
    else if (!strcmp(o, "--taux")) rc = num(o, v, &a->sim.taux, err);
    else if (!strcmp(o, "--discard")) rc = num(o, v, &a->sim.discard, err);
    else if (!strcmp(o, "--base")) { rc = num(o, v, &x, err); a->ro.base = (int)x; }
    else if (!strcmp(o, "-o") || !strcmp(o, "--output")) {
        a->out = v;
        if (!v) rc = lrs_err_set(err, LRS_EINVAL, "%s needs a file name", o);
    } else if (!strcmp(o, "--format")) {
        rc = v ? lrs_io_format_parse(v, &a->ro.format, err)
               : lrs_err_set(err, LRS_EINVAL, "--format needs a value");
    } else if (!strcmp(o, "--f")) {
        if (!v || (strcmp(v, "tanh") && strcmp(v, "identity")))
            rc = lrs_err_set(err, LRS_EINVAL, "--f '%s': the sparse path has identity and tanh",
                             v ? v : "");
        a->sim.tanh = v && !strcmp(v, "tanh");
    } else {
        *used = 0;
        if (!strcmp(o, "--undirected")) a->ro.undirected = 1;
        else if (!strcmp(o, "--ids")) a->ro.ids = 1;
        else if (!strcmp(o, "--compact")) a->ro.compact = 1;
        else if (!strcmp(o, "--normalize")) a->normalize = 1;
        else if (!strcmp(o, "--verbose")) a->verbose = 1;
        else if (strcmp(o, "--sparse"))
            rc = lrs_err_set(err, LRS_EINVAL, "unknown option '%s' for --sparse "
                             "(PETSc/SLEPc options go after --)", o);
        return rc;
    }
    return rc;
}

static int parse(sp_args_t *a, int argc, char **argv, lrs_err_t *err)
{
    int i, used, rc, cmd_set = 0;
    memset(a, 0, sizeof *a);
    a->ro = lrs_io_read_opts_default();
    a->so = lrs_sparse_opts_default();
    a->sim = lrs_sparse_sim_opts_default();
    a->top = 10;
    a->cmd = "report";
    for (i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--")) {
            for (i++; i < argc; i++) {
                size_t len = strlen(a->petsc);
                if (len + strlen(argv[i]) + 2 >= sizeof a->petsc)
                    return lrs_err_set(err, LRS_ELIMIT, "PETSc options longer than %zu bytes",
                                       sizeof a->petsc);
                snprintf(a->petsc + len, sizeof a->petsc - len, "%s%s", len ? " " : "", argv[i]);
            }
            break;
        }
        if (s[0] == '-' && s[1]) {
            if ((rc = parse_opt(a, s, i + 1 < argc ? argv[i + 1] : NULL, &used, err)))
                return rc;
            i += used;
        } else if (!a->file && !cmd_set && is_command(s)) {
            a->cmd = s;
            cmd_set = 1;
        } else if (!a->file) {
            a->file = s;
        } else {
            return lrs_err_set(err, LRS_EINVAL, "unexpected argument '%s'", s);
        }
    }
    if (!a->file)
        return lrs_err_set(err, LRS_EINVAL, "--sparse %s needs a FILE", a->cmd);
    if (!strcmp(a->cmd, "convert") && !a->out)
        return lrs_err_set(err, LRS_EINVAL, "convert needs -o OUT.petsc");
    return LRS_OK;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* Read (rank 0) or load (.petsc, all ranks); --scale, then --normalize. */
static int load(sp_args_t *a, lrs_sparse_mat_t **W, lrs_io_read_info_t *info, lrs_err_t *err)
{
    int rc;
    if (ends_with(a->file, ".petsc"))
        rc = lrs_sparse_load_petsc(a->file, W, err);
    else
        rc = lrs_sparse_read(a->file, &a->ro, W, info, err);
    if (rc == LRS_OK && a->scale != 0 && a->scale != 1)
        rc = lrs_sparse_scale(*W, a->scale, err);
    if (rc == LRS_OK && a->normalize) {
        lrs_sparse_svals_t s1;
        rc = lrs_sparse_svd(*W, 0, 1, LRS_SPARSE_LARGEST, 0, &a->so, &s1, err);
        if (rc == LRS_OK && s1.sigma[0] > 0)
            rc = lrs_sparse_scale(*W, 1 / s1.sigma[0], err);
        lrs_sparse_svals_free(&s1);
    }
    return rc;
}

/* Values in a row; those from index `exact` on are flagged estimates ("~"). */
static void print_vals(FILE *fp, const char *key, const double *v, size_t n, size_t exact)
{
    size_t i;
    fprintf(fp, "%-22s ", key);
    for (i = 0; i < n; i++)
        fprintf(fp, "%s%s%.6g", i ? " " : "", i < exact ? "" : "~", v[i]);
    fputc('\n', fp);
}

static double max_of(const double *v, size_t n)
{
    double m = 0;
    size_t i;
    for (i = 0; i < n; i++)
        m = fmax(m, v[i]);
    return m;
}

/* The state of one solve: converged, or the flag with what was reached. */
static void print_solve(FILE *fp, const char *key, const lrs_sparse_svals_t *s)
{
    if (s->converged)
        KV(fp, key, "%.2g (largest relative residual, %zu iterations)", max_of(s->resid, s->k),
           s->iterations);
    else
        KV(fp, key, "%.2g: FLAGGED ESTIMATE: values %zu..%zu (marked ~) did not reach tol %g "
           "within the budget of %zu restarts (--max-it); the residual is their error bar",
           max_of(s->resid, s->k), s->nconv + 1, s->k, s->tol, s->iterations);
}

/* One rank by kind; `approx`: it rests on flagged top values, so even an
 * exact formula gives an estimate. */
static void print_rank(FILE *fp, const char *key, const lrs_sparse_rank_t *r, int integer,
                       int approx)
{
    const char *a = approx ? "~" : "", *why = approx ? " (from flagged top values)" : "";
    switch (r->kind) {
    case LRS_SPARSE_EXACT:
        if (integer) KV(fp, key, "%s%.0f%s", a, r->value, why);
        else KV(fp, key, "%s%.4f%s", a, r->value, why);
        break;
    case LRS_SPARSE_ESTIMATE:
        if (integer) KV(fp, key, "%.0f (estimate; range %.0f..%.0f from the median's error bar)%s",
                        r->value, r->lo, r->hi, why);
        else KV(fp, key, "%.4f +- %.4f (stochastic estimate, 1 s.e.)%s", r->value, r->se, why);
        break;
    case LRS_SPARSE_BEYOND:
        KV(fp, key, "> %.0f (beyond the computed values; raise --top)", r->value);
        break;
    default:
        KV(fp, key, "unavailable (needs the whole spectrum)");
    }
}

/* The '#' lines under a TSV table for a solve that ended as an estimate. */
static void print_flag_tsv(FILE *fp, const char *col, const lrs_sparse_svals_t *s)
{
    if (!s->converged)
        fprintf(fp, "# FLAGGED ESTIMATE: %s rows %zu..%zu did not reach tol %g within the "
                "budget of %zu restarts (--max-it); their resid column is what was reached\n",
                col, s->nconv + 1, s->k, s->tol, s->iterations);
}

/* svals: the top-k singular values of W and both ends of I - W. */
static int cmd_svals(sp_args_t *a, lrs_sparse_mat_t *W, FILE *fp, lrs_err_t *err)
{
    lrs_sparse_svals_t t, hi, lo;
    size_t i, k = a->top;
    int rc;
    memset(&hi, 0, sizeof hi);
    memset(&lo, 0, sizeof lo);
    if ((rc = lrs_sparse_svd(W, 0, k, LRS_SPARSE_LARGEST, 0, &a->so, &t, err)) ||
        (rc = lrs_sparse_svd(W, 1, k, LRS_SPARSE_LARGEST, 0, &a->so, &hi, err)) ||
        (rc = lrs_sparse_svd(W, 1, k, LRS_SPARSE_SMALLEST, 0, &a->so, &lo, err)))
        goto done;
    fprintf(fp, "# index\tsigma_W\tresid\tsigma_I-W_largest\tresid\tsigma_I-W_smallest\tresid\n");
    for (i = 0; i < k; i++)
        fprintf(fp, "%zu\t%.12g\t%.2g\t%.12g\t%.2g\t%.12g\t%.2g\n", i + 1, t.sigma[i], t.resid[i],
                hi.sigma[i], hi.resid[i], lo.sigma[i], lo.resid[i]);
    print_flag_tsv(fp, "sigma_W", &t);
    print_flag_tsv(fp, "sigma_I-W_largest", &hi);
    print_flag_tsv(fp, "sigma_I-W_smallest", &lo);
done:
    lrs_sparse_svals_free(&t);
    lrs_sparse_svals_free(&hi);
    lrs_sparse_svals_free(&lo);
    return rc;
}

static void print_stability(FILE *fp, const lrs_sparse_stability_t *st)
{
    int eflag = st->nconv < 1;
    if (!eflag)
        KV(fp, "max_re_eig", "%.6g%s%.6gi (residual %.2g, %zu iterations)",
           st->re[0], st->im[0] < 0 ? " - " : " + ", fabs(st->im[0]), st->resid[0],
           st->iterations);
    else
        KV(fp, "max_re_eig", "~%.6g%s%.6gi (FLAGGED ESTIMATE: Krylov-Schur residual %.2g did not "
           "reach tol %g within the budget of %zu restarts, --max-it)", st->re[0],
           st->im[0] < 0 ? " - " : " + ", fabs(st->im[0]), st->resid[0], st->tol, st->iterations);
    if (st->abscissa_converged)
        KV(fp, "numerical_abscissa", "%.6g (lambda_max((W + W^T)/2), residual %.2g; bound %.6g; "
           "Gershgorin bound %.6g)", st->abscissa, st->abscissa_resid, st->abscissa_bound,
           st->gershgorin);
    else
        KV(fp, "numerical_abscissa", "~%.6g (lambda_max((W + W^T)/2), FLAGGED ESTIMATE: residual "
           "%.2g did not reach tol %g within %zu restarts, so no bound from it; Gershgorin bound "
           "%.6g)", st->abscissa, st->abscissa_resid, st->tol, st->abscissa_iterations,
           st->gershgorin);
    if (st->stable_for_sure)
        KV(fp, "stability", "stable for sure (%s bound < 1)",
           st->abscissa_converged && st->abscissa_bound < 1 ? "numerical abscissa" : "Gershgorin");
    else if (st->re[0] < 1)
        KV(fp, "stability", "stable (estimate%s): max Re eig(W) %s%.6g < 1, but no bound below 1 "
           "(numerical abscissa %s%.4g, Gershgorin %.4g)", eflag ? ", FLAGGED" : "",
           eflag ? "~" : "", st->re[0], st->abscissa_converged ? "bound " : "~",
           st->abscissa_converged ? st->abscissa_bound : st->abscissa, st->gershgorin);
    else
        KV(fp, "stability", "unstable%s: max Re eig(W) %s%.6g >= 1 (try --scale %.3g)",
           eflag ? " (FLAGGED estimate)" : "", eflag ? "~" : "", st->re[0], 0.9 / st->re[0]);
}

/* eig: the rightmost eigenvalues with residuals and the stability bound. */
static int cmd_eig(sp_args_t *a, lrs_sparse_mat_t *W, FILE *fp, lrs_err_t *err)
{
    lrs_sparse_stability_t st;
    size_t i;
    int rc = lrs_sparse_stability(W, a->top, &a->so, &st, err);
    if (rc)
        return rc;
    fprintf(fp, "# index\treal\timag\tresid\n");
    for (i = 0; i < st.k; i++)
        fprintf(fp, "# %zu\t%.12g\t%.12g\t%.2g%s\n", i + 1, st.re[i], st.im[i], st.resid[i],
                i < st.nconv ? "" : "\tFLAGGED ESTIMATE (tol not reached within --max-it)");
    print_stability(fp, &st);
    lrs_sparse_stability_free(&st);
    return LRS_OK;
}

static void print_ranks(FILE *fp, const lrs_sparse_ranks_t *r, const lrs_sparse_svals_t *t)
{
    int f = !t->converged;
    print_rank(fp, "optimal_threshold", &r->optimal_threshold, 1, f);
    print_rank(fp, "optimal_shrinkage", &r->optimal_shrinkage, 1, f);
    print_rank(fp, "erank", &r->erank, 0, 0);
    print_rank(fp, "elbow", &r->elbow, 1, f);
    print_rank(fp, "energy_ratio", &r->energy, 1, f);
    print_rank(fp, "stable_rank", &r->stable, 0, t->nconv < 1);
    print_rank(fp, "nuclear_rank", &r->nuclear, 0, t->nconv < 1);
    print_rank(fp, "rank", &r->numerical, 1, f);
    if (r->probes)
        KV(fp, "median_sigma", "%.5g +- %.2g (Lanczos quadrature, %zu probes x %zu steps)",
           r->sigma_med, r->sigma_med_se, r->probes, r->lanczos);
}

/* ranks: the top values, then every effective rank with its kind. */
static int cmd_ranks(sp_args_t *a, lrs_sparse_mat_t *W, FILE *fp, lrs_err_t *err)
{
    lrs_sparse_svals_t t;
    lrs_sparse_ranks_t r;
    int rc;
    if ((rc = lrs_sparse_svd(W, 0, a->top, LRS_SPARSE_LARGEST, 0, &a->so, &t, err)))
        return rc;
    if ((rc = lrs_sparse_ranks(W, &t, a->energy, &a->so, &r, err)) == LRS_OK) {
        print_vals(fp, "top_svals", t.sigma, t.k, t.nconv);
        print_ranks(fp, &r, &t);
    }
    lrs_sparse_svals_free(&t);
    return rc;
}

/* The overlap block of the report. */
static int print_overlap(sp_args_t *a, const lrs_sparse_svals_t *t, FILE *fp, lrs_err_t *err)
{
    size_t r = a->rank ? a->rank : (t->k < 3 ? t->k : 3), i, j;
    double *P = malloc(r * r * sizeof *P), *sP = malloc(r * sizeof *sP);
    int rc;
    if (!P || !sP) {
        free(P);
        free(sP);
        return lrs_err_set(err, LRS_ENOMEM, "out of memory");
    }
    if (r > t->k) {
        rc = lrs_err_set(err, LRS_EINVAL, "--rank %zu is larger than --top %zu", r, t->k);
        goto done;
    }
    if ((rc = lrs_sparse_overlap(t, r, P, sP, err)))
        goto done;
    KV(fp, "overlap_rank", "%zu (%s)", r, a->rank ? "--rank" : "default 3; set --rank");
    for (i = 0; i < r; i++) {
        fprintf(fp, "%-22s ", i == 0 ? "overlap_P" : "");
        for (j = 0; j < r; j++)
            fprintf(fp, "%s%7.3f", j ? " " : "", fabs(P[i * r + j]) < 5e-4 ? 0.0 : P[i * r + j]);
        fputc('\n', fp);
    }
    print_vals(fp, "overlap_svals", sP, r, r);
done:
    free(P);
    free(sP);
    return rc;
}

/* The verdict block of the report (lrs/verdict.h), from both ends of I - W. */
static int print_verdicts(sp_args_t *a, lrs_sparse_mat_t *W, const lrs_sparse_svals_t *hi,
                          const lrs_sparse_svals_t *lo, FILE *fp, lrs_err_t *err)
{
    size_t N = lrs_sparse_order(W);
    double f2 = lrs_sparse_frob2(W) - 2 * lrs_sparse_trace(W) + (double)N;
    const char *fl = hi->converged && lo->converged ? "" : " [FLAGGED: from estimates, see svd_I-W_*]";
    lrs_verdict_t v;
    int rc = lrs_verdict_compute(N, f2, hi->sigma, hi->k, lo->sigma, lo->k, a->sim.sigmax, &v, err);
    if (rc)
        return rc;
    analyze_print_verdicts(fp, &v, a->sim.sigmax, fl);
    return LRS_OK;
}

/* report: size, top singular values, ranks, stability, I - W at both ends,
 * overlap, verdicts -- every number with its residual or error bar. */
static int cmd_report(sp_args_t *a, lrs_sparse_mat_t *W, FILE *fp, lrs_err_t *err)
{
    size_t N = lrs_sparse_order(W), k = a->top, kv = N - 1 < 10 ? N - 1 : 10;
    lrs_sparse_svals_t t, hi, lo;
    lrs_sparse_ranks_t r;
    lrs_sparse_stability_t st;
    int rc;
    memset(&hi, 0, sizeof hi);
    memset(&lo, 0, sizeof lo);
    memset(&st, 0, sizeof st);
    if ((rc = lrs_sparse_svd(W, 0, k, LRS_SPARSE_LARGEST, 1, &a->so, &t, err)))
        return rc;
    KV(fp, "size", "%zu x %zu, %zu stored entries (density %.3g), %d MPI rank%s", N, N,
       lrs_sparse_nnz(W), (double)lrs_sparse_nnz(W) / ((double)N * (double)N), lrs_sparse_size(),
       lrs_sparse_size() == 1 ? "" : "s");
    print_vals(fp, "top_svals", t.sigma, t.k, t.nconv);
    print_solve(fp, "svd_residual", &t);
    if ((rc = lrs_sparse_ranks(W, &t, a->energy, &a->so, &r, err)))
        goto done;
    print_ranks(fp, &r, &t);
    if ((rc = lrs_sparse_stability(W, k < 3 ? k : 3, &a->so, &st, err)))
        goto done;
    print_stability(fp, &st);
    if ((rc = lrs_sparse_svd(W, 1, k > kv ? k : kv, LRS_SPARSE_LARGEST, 0, &a->so, &hi, err)) ||
        (rc = lrs_sparse_svd(W, 1, k, LRS_SPARSE_SMALLEST, 0, &a->so, &lo, err)))
        goto done;
    print_vals(fp, "svals_I-W_largest", hi.sigma, hi.k, hi.nconv);
    print_solve(fp, "svd_I-W_largest", &hi);
    print_vals(fp, "svals_I-W_smallest", lo.sigma, lo.k, lo.nconv);
    print_solve(fp, "svd_I-W_smallest", &lo);
    KV(fp, "cond_I_minus_W", "%s%.4g", hi.nconv && lo.nconv ? "" : "~", hi.sigma[0] / lo.sigma[0]);
    if ((rc = print_overlap(a, &t, fp, err)))
        goto done;
    if (st.re[0] < 1)
        rc = print_verdicts(a, W, &hi, &lo, fp, err);
    else
        analyze_print_verdicts(fp, NULL, a->sim.sigmax, "");
done:
    lrs_sparse_svals_free(&t);
    lrs_sparse_svals_free(&hi);
    lrs_sparse_svals_free(&lo);
    lrs_sparse_stability_free(&st);
    return rc;
}

/* simulate: projection variances against theory 1. */
static int cmd_simulate(sp_args_t *a, lrs_sparse_mat_t *W, FILE *fp, lrs_err_t *err)
{
    lrs_sparse_svals_t t;
    lrs_sparse_sim_t s;
    size_t j;
    int rc;
    a->sim.k = a->top;
    if ((rc = lrs_sparse_svd(W, 0, a->top, LRS_SPARSE_LARGEST, 1, &a->so, &t, err)))
        return rc;
    if ((rc = lrs_sparse_simulate(W, &t, &a->sim, &a->so, &s, err)) == LRS_OK) {
        fprintf(fp, "# %s network, T = %g, dt = %g, tau = %g, tau_x = %g, sigma_x = %g; "
                "%zu steps, %zu samples after the discard; %.1f s\n",
                a->sim.tanh ? "tanh" : "linear", a->sim.T, a->sim.dt, a->sim.tau, a->sim.taux,
                a->sim.sigmax, s.steps, s.samples, s.wall);
        fprintf(fp, "# direction\tindex\tsigma_W\tvar_sim\tvar_theory1\ttheory_resid\n");
        for (j = 0; j < s.k; j++)
            fprintf(fp, "top_u\t%zu\t%.6g\t%.6g\t%.6g\t%.2g\n", j + 1, t.sigma[j], s.var_top[j],
                    s.theory_top[j], s.theory_resid[j]);
        for (j = 0; j < s.k; j++)
            fprintf(fp, "random\t%zu\t-\t%.6g\t%.6g\t%.2g\n", j + 1, s.var_rand[j],
                    s.theory_rand[j], s.theory_resid[s.k + j]);
    }
    lrs_sparse_svals_free(&t);
    lrs_sparse_sim_free(&s);
    return rc;
}

static int run(sp_args_t *a, FILE *fp, lrs_err_t *err)
{
    lrs_sparse_mat_t *W = NULL;
    int rc = load(a, &W, NULL, err);
    if (rc)
        return rc;
    if (!strcmp(a->cmd, "convert")) {
        rc = lrs_sparse_save_petsc(W, a->out, err);
        if (rc == LRS_OK)
            fprintf(fp, "wrote %s (%zu x %zu, %zu entries; PETSc binary for a parallel MatLoad)\n",
                    a->out, lrs_sparse_order(W), lrs_sparse_order(W), lrs_sparse_nnz(W));
    } else if (a->top > lrs_sparse_order(W)) {
        rc = lrs_err_set(err, LRS_EINVAL, "--top %zu is larger than the matrix (%zu)", a->top,
                         lrs_sparse_order(W));
    } else if (!strcmp(a->cmd, "svals")) {
        rc = cmd_svals(a, W, fp, err);
    } else if (!strcmp(a->cmd, "eig")) {
        rc = cmd_eig(a, W, fp, err);
    } else if (!strcmp(a->cmd, "ranks")) {
        rc = cmd_ranks(a, W, fp, err);
    } else if (!strcmp(a->cmd, "simulate")) {
        rc = cmd_simulate(a, W, fp, err);
    } else {
        rc = cmd_report(a, W, fp, err);
    }
    lrs_sparse_free(W);
    return rc;
}

int lrs_analyze_sparse(int argc, char **argv)
{
    sp_args_t a;
    lrs_err_t err = {0};
    FILE *fp = stdout;
    int rc, pargc = 1;
    char *pargv_store[2] = {argv[0], NULL}, **pargv = pargv_store;
    if ((rc = parse(&a, argc - 1, argv + 1, &err))) {
        fprintf(stderr, "lrs-analyze: %s\n", err.msg);
        return 2;
    }
    if ((rc = lrs_sparse_init(&pargc, &pargv, a.petsc, a.verbose || a.petsc[0], &err))) {
        fprintf(stderr, "lrs-analyze: %s\n", err.msg);
        return 1;
    }
    if (lrs_sparse_rank() != 0)
        fp = fopen("/dev/null", "w");
    rc = fp ? run(&a, fp, &err) : LRS_EIO;
    if (rc && lrs_sparse_rank() == 0)
        fprintf(stderr, "lrs-analyze: %s\n", err.msg);
    if (fp && fp != stdout)
        fclose(fp);
    fflush(stdout);
    lrs_sparse_finalize();
    return rc ? 1 : 0;
}

#endif /* LRS_HAVE_SPARSE */
