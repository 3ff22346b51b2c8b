/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_theory.c -- spectrum: the predicted PC spectrum of z, theory 1
 * (arXiv:2504.13727, linear theory) and, with --exact, the exact stationary
 * covariance (lrs/exact.h).
 */
#include <stdio.h>
#include <string.h>

#include "lrs/exact.h"
#include "analyze.h"

/* Predicted % variance columns of `spectrum`.  Each fills pct (length N,
 * descending).  To add a column (e.g. the exact stationary covariance of
 * lrs/exact.h behind --exact), add a function here and an entry in
 * spectrum_cols[] (with a flag in opts_t to switch it on). */
typedef struct spec_col {
    const char *name;
    const char *about;
    int (*fill)(ctx_t *c, gsl_vector *pct);
    int (*on)(const ctx_t *c); /* NULL: always printed */
} spec_col_t;

static int fill_theory1(ctx_t *c, gsl_vector *pct)
{
    if (lrs_linear_pcvar1(c->lin, c->o->sigmax, pct, &c->err))
        return c->err.code;
    analyze_to_percent(pct);
    return LRS_OK;
}

static int fill_input(ctx_t *c, gsl_vector *pct)
{
    (void)c;
    gsl_vector_set_all(pct, 100.0 / (double)pct->size);
    return LRS_OK;
}

/* --exact: PC variances of the exact stationary covariance (lrs/exact.h). */
static int fill_exact(ctx_t *c, gsl_vector *pct)
{
    lrs_exact_info_t info;
    if (lrs_exact_cov(c->Wd, c->o->tau, NULL, c->o->taux, c->o->sigmax, LRS_EXACT_AUTO, NULL, pct,
                      &info, &c->err))
        return c->err.code;
    fprintf(c->hdr.fp, "# pct_exact: tau = %g, tau_x = %g, route %s (cond(V) = %.3g)\n",
            c->o->tau, c->o->taux, lrs_exact_route_name(info.route), info.cond_V);
    analyze_to_percent(pct);
    return LRS_OK;
}

static int exact_on(const ctx_t *c)
{
    return c->o->exact;
}

static const spec_col_t spectrum_cols[] = {
    {"pct_z", "theory 1: 100 var_k / sum var, var_k = sigma_x^2 / sigma_{N+1-k}(I - W)^2",
     fill_theory1, NULL},
    {"pct_x", "the input x: iid channels, 100/N each", fill_input, NULL},
    {"pct_exact", "exact stationary covariance for input correlation time tau_x (--exact)",
     fill_exact, exact_on},
};
#define NSPEC (sizeof spectrum_cols / sizeof spectrum_cols[0])

int cmd_spectrum(ctx_t *c)
{
    FILE *d = analyze_block(c, "spectrum");
    size_t N = c->M->size1, k, j;
    gsl_vector *col[NSPEC];
    int rc = LRS_OK;
    memset(col, 0, sizeof col);
    if (!d)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    for (j = 0; j < NSPEC; j++) {
        col[j] = gsl_vector_alloc(N);
        if (!col[j]) {
            rc = analyze_fail(c, LRS_ENOMEM, "out of memory");
            goto done;
        }
        if (spectrum_cols[j].on && !spectrum_cols[j].on(c))
            continue;
        if ((rc = spectrum_cols[j].fill(c, col[j]))) {
            if (rc == LRS_EUNSTABLE && analyze_require_stable(c, "the predicted PC spectrum", NULL) == 0)
                analyze_fail(c, rc, "%s: %s", c->o->file, c->err.msg);
            goto done;
        }
    }
    fprintf(d, "# predicted %% variance explained by each principal component "
            "(sigma_x = %g)\n", c->o->sigmax);
    for (j = 0; j < NSPEC; j++)
        if (!spectrum_cols[j].on || spectrum_cols[j].on(c))
            fprintf(d, "#   %-6s %s\n", spectrum_cols[j].name, spectrum_cols[j].about);
    fprintf(d, "# index");
    for (j = 0; j < NSPEC; j++)
        if (!spectrum_cols[j].on || spectrum_cols[j].on(c))
            fprintf(d, "\t%s", spectrum_cols[j].name);
    fprintf(d, "\n");
    for (k = 0; k < N; k++) {
        fprintf(d, "%zu", k + 1);
        for (j = 0; j < NSPEC; j++)
            if (!spectrum_cols[j].on || spectrum_cols[j].on(c))
                fprintf(d, "\t%.12g", gsl_vector_get(col[j], k));
        fprintf(d, "\n");
    }
    fprintf(c->gp.fp,
            "set title 'Predicted PC spectrum (%s)'\nset xlabel 'PC index'\n"
            "set ylabel '%% variance explained'\nset logscale y\nset grid\nset key top right\n"
            "plot $spectrum using 1:2 with linespoints pt 7 ps 0.4 lc rgb '#1f77b4' title 'z (theory 1)', "
            "$spectrum using 1:3 with lines lw 2 lc rgb '#7f7f7f' title 'x (input)'%s\n",
            c->o->file,
            c->o->exact ? ", $spectrum using 1:4 with lines lw 2 lc rgb '#d62728' title 'z (exact)'"
                        : "");
done:
    for (j = 0; j < NSPEC; j++)
        gsl_vector_free(col[j]);
    return rc;
}
