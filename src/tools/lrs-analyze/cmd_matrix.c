/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_matrix.c -- the subcommands about the matrix itself: svals, eig,
 * ranks (Thibeault et al., Nat Phys 2024) and overlap (arXiv:2504.13727, Figs 2-3).
 */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_complex_math.h>

#include "analyze.h"

int cmd_svals(ctx_t *c)
{
    FILE *d = analyze_block(c, "svals");
    const gsl_vector *s;
    if (!d)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    if (lrs_linear_svd(c->linM, &s, NULL, NULL, &c->err))
        return c->err.code;
    fprintf(d, "# singular values of %s, descending\n# index\tsigma\n", c->mname);
    analyze_print_rows(d, s);
    fprintf(c->gp.fp,
            "set title 'Singular values of %s (%s)'\nset xlabel 'index'\n"
            "set ylabel 'singular value'\nset logscale y\nset grid\n"
            "plot $svals using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.5 lc rgb '#1f77b4'\n",
            c->mname, c->o->file);
    return LRS_OK;
}

int cmd_eig(ctx_t *c)
{
    FILE *d = analyze_block(c, "eig");
    size_t N = c->M->size1, k;
    const gsl_vector_complex *l;
    double thr = 1.0 - c->shift;
    if (!d)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    if (lrs_linear_eig(c->linM, &l, &c->err))
        return c->err.code;
    fprintf(c->hdr.fp, "# stability: max Re eig(%s) = %.6g %s %g: %s\n", c->mname,
            GSL_REAL(gsl_vector_complex_get(l, 0)),
            GSL_REAL(gsl_vector_complex_get(l, 0)) < thr ? "<" : ">=", thr,
            GSL_REAL(gsl_vector_complex_get(l, 0)) < thr ? "stable" : "unstable");
    fprintf(d, "# eigenvalues of %s by descending real part\n# index\treal\timag\n", c->mname);
    for (k = 0; k < N; k++) {
        gsl_complex z = gsl_vector_complex_get(l, k);
        fprintf(d, "%zu\t%.12g\t%.12g\n", k + 1, GSL_REAL(z), GSL_IMAG(z));
    }
    {
        double mi = 0;
        for (k = 0; k < N; k++)
            mi = fmax(mi, fabs(GSL_IMAG(gsl_vector_complex_get(l, k))));
        if (mi == 0)
            fprintf(c->gp.fp, "set yrange [-1:1]\n");
    }
    fprintf(c->gp.fp,
            "set title 'Eigenvalues of %s (%s)'\nset xlabel 'Re'\nset ylabel 'Im'\nset grid\n"
            "set size ratio -1\n"
            "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'red'\n"
            "set label 'stability limit Re = %g' at %g, graph 0.95 left offset 0.5,0 tc rgb 'red'\n"
            "plot $eig using 2:3 with points pt 7 ps 0.5 lc rgb '#1f77b4'\n",
            c->mname, c->o->file, thr, thr, thr, thr);
    return LRS_OK;
}

static void print_ranks(FILE *d, const lrs_ranks_t *rk)
{
    fprintf(d, "rank\t%zu\n", rk->numerical);
    fprintf(d, "optimal_threshold\t%zu\n", rk->optimal_threshold);
    fprintf(d, "optimal_shrinkage\t%zu\n", rk->optimal_shrinkage);
    fprintf(d, "erank\t%.6f\n", rk->erank);
    fprintf(d, "elbow\t%zu\n", rk->elbow);
    fprintf(d, "energy_ratio\t%zu\n", rk->energy);
    fprintf(d, "stable_rank\t%.6f\n", rk->stable);
    fprintf(d, "nuclear_rank\t%.6f\n", rk->nuclear);
}

int cmd_ranks(ctx_t *c)
{
    FILE *d = analyze_block(c, "ranks"), *sv = analyze_block(c, "svals");
    const gsl_vector *s;
    lrs_ranks_t rk;
    if (!d || !sv)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    if (lrs_linear_svd(c->linM, &s, NULL, NULL, &c->err) ||
        lrs_ranks_compute(s, c->M->size1, c->M->size2, NULL, &rk, &c->err))
        return c->err.code;
    fprintf(d,
            "# effective ranks of %s from its %zu singular values (Thibeault et al., Nat Phys 2024):\n"
            "#   rank               numerical: #{sigma_i > max(m,n) eps sigma_1}\n"
            "#   optimal_threshold  Gavish-Donoho 2014: #{sigma_i > omega(beta) sigma_med} "
            "(tau = %.6g)\n"
            "#   optimal_shrinkage  Gavish-Donoho 2017, Frobenius loss: non-zero shrunk values "
            "(cut %.6g)\n"
            "#   erank              Roy-Vetterli 2007: exp(entropy of sigma_i / sum sigma)\n"
            "#   elbow              largest distance to the chord of the normalised scree plot\n"
            "#   energy_ratio       smallest k with sum_{i<=k} sigma_i^2 > 0.9 sum sigma_i^2\n"
            "#   stable_rank        sum sigma^2 / sigma_max^2\n"
            "#   nuclear_rank       sum sigma / sigma_max\n"
            "# name\tvalue\n",
            c->mname, rk.k, rk.tau, rk.shrink_cut);
    print_ranks(d, &rk);
    fprintf(sv, "# index\tsigma\n");
    analyze_print_rows(sv, s);
    fprintf(c->gp.fp,
            "set title 'Effective ranks of %s (%s)'\nset xlabel 'index'\n"
            "set ylabel 'singular value'\nset logscale y\nset grid\n"
            "set arrow 1 from %zu.5, graph 0 to %zu.5, graph 1 nohead lc rgb '#d62728'\n"
            "set label 1 'optimal threshold %zu' at %zu.5, graph 0.92 left offset 0.5,0 tc rgb '#d62728'\n"
            "set arrow 2 from %zu.5, graph 0 to %zu.5, graph 1 nohead dt 2 lc rgb '#2ca02c'\n"
            "set label 2 'elbow %zu' at %zu.5, graph 0.84 left offset 0.5,0 tc rgb '#2ca02c'\n"
            "set arrow 3 from %zu.5, graph 0 to %zu.5, graph 1 nohead dt 3 lc rgb '#9467bd'\n"
            "set label 3 'energy 90%%: %zu' at %zu.5, graph 0.76 left offset 0.5,0 tc rgb '#9467bd'\n"
            "plot $svals using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.5 lc rgb '#1f77b4'\n",
            c->mname, c->o->file, rk.optimal_threshold, rk.optimal_threshold,
            rk.optimal_threshold, rk.optimal_threshold, rk.elbow, rk.elbow, rk.elbow, rk.elbow,
            rk.energy, rk.energy, rk.energy, rk.energy);
    return LRS_OK;
}

/* P is drawn as filled boxes, not `with image`, which needs at least 2 x 2. */
static void plot_overlap(FILE *gp, const char *data, const char *mname, const gsl_vector *sP,
                         const char *file)
{
    size_t r = sP->size;
    fprintf(gp,
            "set title sprintf('Overlap P = U_r^T V_r of %s (%s; r = %zu; smallest singular "
            "value %%.3g)', %.6g)\n"
            "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\nset cbrange [-1:1]\n"
            "set palette defined (-1 '#2166ac', 0 'white', 1 '#b2182b')\n"
            "set xtics 1\nset ytics 1\nset size ratio -1\n"
            "plot %s index 0 matrix using 1:2:(0.5):(0.5):3 with boxxyerror fs solid lc palette, "
            "%s index 0 matrix using 1:2:(sprintf('%%.2f', "
            "abs($3) < 0.005 ? 0 : $3)) with labels\n",
            mname, file, r, gsl_vector_get(sP, r - 1), r - 1, r - 1, data, data);
}

int cmd_overlap(ctx_t *c)
{
    FILE *d = analyze_block(c, "overlap");
    const gsl_vector *s;
    gsl_vector *sP = NULL;
    gsl_matrix *P = NULL;
    lrs_ranks_t rk;
    size_t r;
    int rc = LRS_OK;
    if (!d)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    if (c->o->rank <= 0) {
        if ((rc = lrs_linear_svd(c->linM, &s, NULL, NULL, &c->err)) ||
            (rc = lrs_ranks_compute(s, c->M->size1, c->M->size2, NULL, &rk, &c->err)))
            goto done;
        r = analyze_default_rank(&rk, 0, c->M->size1);
        fprintf(c->hdr.fp, "# r = %zu (the optimal-threshold rank %zu, at most 10)\n", r,
                rk.optimal_threshold);
    } else {
        r = analyze_default_rank(NULL, c->o->rank, c->M->size1);
        if ((long)r != c->o->rank) {
            rc = analyze_fail(c, LRS_EINVAL, "%s: --rank %ld is larger than the matrix (%zu x %zu)",
                      c->o->file, c->o->rank, c->M->size1, c->M->size2);
            goto done;
        }
        fprintf(c->hdr.fp, "# r = %zu (--rank)\n", r);
    }
    P = gsl_matrix_alloc(r, r);
    sP = gsl_vector_alloc(r);
    if (!P || !sP) {
        rc = analyze_fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = lrs_linear_overlap(c->linM, r, P, sP, &c->err)))
        goto done;
    analyze_print_overlap(d, P, sP, c->mname);
    plot_overlap(c->gp.fp, "$overlap", c->mname, sP, c->o->file);
done:
    gsl_vector_free(sP);
    if (P)
        gsl_matrix_free(P);
    return rc;
}
