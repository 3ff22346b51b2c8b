/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sparse_bench.c -- lrs-sparse-bench: one benchmark row per stage of the
 * sparse analysis on a generated network (run under mpiexec -n P).
 *
 *   lrs-sparse-bench N [--nnz-row 10] [--rank 3] [--block 300] [--top 10]
 *                      [--large] [--edges FILE] [--max-it M]
 *
 * The network: a random sparse part S with `nnz-row` entries per row at
 * uniformly random columns, values N(0, rho^2 / nnz-row) with rho = 0.5 (bulk
 * of radius about rho), plus a planted rank-r part c_k u_k v_k^T on a block
 * of `block` nodes (u_k, v_k random unit vectors supported there, c_k = 8/k)
 * -- sparse, low-rank, and with the low-rank part making a few large
 * singular values.  Rank 0 builds it (seeded, identical for every P) and the
 * library distributes it.  --large: only the stages asked of N = 10^6 (top
 * singular values, stability bound, stable rank).  --edges FILE also times
 * reading FILE as an edge list.  --max-it: each Krylov solve's restart budget
 * (default the library's; a solve that exhausts it is a flagged estimate,
 * whose row then says so in its residual).
 *
 * Output: TSV rows "N P stage wall_s peak_rss_mb_max_rank iterations resid".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include "lrs/io.h"
#include "lrs/sparse.h"

typedef struct { uint32_t j; double w; } ent_t;

static int ent_cmp(const void *a, const void *b)
{
    uint32_t x = ((const ent_t *)a)->j, y = ((const ent_t *)b)->j;
    return (x > y) - (x < y);
}

/* Rank 0: the generated network as sorted, duplicate-free coordinates. */
static int generate(size_t N, size_t per_row, size_t r, size_t block, lrs_io_coo_t *c)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t m = block < N ? block : N, i, k, q, cap = N * per_row + m * m + 16;
    double *U = calloc(m * r, sizeof *U), *V = calloc(m * r, sizeof *V);
    ent_t *row = malloc((per_row + m) * sizeof *row);
    memset(c, 0, sizeof *c);
    c->i = malloc(cap * sizeof *c->i);
    c->j = malloc(cap * sizeof *c->j);
    c->w = malloc(cap * sizeof *c->w);
    if (!rng || !U || !V || !row || !c->i || !c->j || !c->w)
        return 1;
    for (k = 0; k < r; k++) {
        double nu = 0, nv = 0;
        for (i = 0; i < m; i++) {
            U[i * r + k] = gsl_ran_gaussian(rng, 1);
            V[i * r + k] = gsl_ran_gaussian(rng, 1);
            nu += U[i * r + k] * U[i * r + k];
            nv += V[i * r + k] * V[i * r + k];
        }
        for (i = 0; i < m; i++) {
            U[i * r + k] *= sqrt(8.0 / (double)(k + 1)) / sqrt(nu);
            V[i * r + k] *= sqrt(8.0 / (double)(k + 1)) / sqrt(nv);
        }
    }
    for (i = 0; i < N; i++) {
        size_t n = 0, w;
        for (k = 0; k < per_row; k++) {
            row[n].j = (uint32_t)gsl_rng_uniform_int(rng, N);
            row[n++].w = gsl_ran_gaussian(rng, 0.5 / sqrt((double)per_row));
        }
        if (i < m)
            for (q = 0; q < m; q++) {
                double s = 0;
                for (k = 0; k < r; k++)
                    s += U[i * r + k] * V[q * r + k];
                row[n].j = (uint32_t)q;
                row[n++].w = s;
            }
        qsort(row, n, sizeof *row, ent_cmp);
        for (k = 0, w = 0; k < n; k++) {
            if (w && row[w - 1].j == row[k].j)
                row[w - 1].w += row[k].w;
            else
                row[w++] = row[k];
        }
        for (k = 0; k < w; k++) {
            c->i[c->nnz] = (uint32_t)i;
            c->j[c->nnz] = row[k].j;
            c->w[c->nnz++] = row[k].w;
        }
    }
    c->rows = c->cols = N;
    gsl_rng_free(rng);
    free(U);
    free(V);
    free(row);
    return 0;
}

static double t_start;

static void row(size_t N, const char *stage, size_t its, double resid)
{
    double mx = lrs_sparse_max_over_ranks(lrs_peak_rss_mb()); /* collective */
    if (lrs_sparse_rank() == 0)
        printf("%zu\t%d\t%s\t%.2f\t%.0f\t%zu\t%.2g\n", N, lrs_sparse_size(), stage,
               lrs_wall_seconds() - t_start, mx, its, resid);
    fflush(stdout);
    t_start = lrs_wall_seconds();
}

/* The largest relative residual of the computed singular triplets (0 if none). */
static double largest_resid(const lrs_sparse_svals_t *s)
{
    return s->k ? gsl_stats_max(s->resid, 1, s->k) : 0.0;
}

int main(int argc, char **argv)
{
    size_t N = 0, per_row = 10, r = 3, block = 300, top = 10;
    int large = 0, i, pargc = 1, rc = 0;
    const char *edges = NULL;
    char **pargv = argv;
    lrs_err_t err = {0};
    lrs_io_coo_t c = {0};
    lrs_sparse_mat_t *W = NULL;
    lrs_sparse_opts_t o = lrs_sparse_opts_default();
    lrs_sparse_svals_t t = {0}, hi = {0}, lo = {0};
    lrs_sparse_stability_t st = {0};
    lrs_sparse_ranks_t rk;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--large")) large = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--nnz-row")) per_row = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--rank")) r = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--block")) block = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--max-it")) o.max_it = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--top")) top = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--edges")) edges = argv[++i];
        else N = strtoul(argv[i], NULL, 10);
    }
    if (N < 2 || lrs_sparse_init(&pargc, &pargv, NULL, 0, &err)) {
        fprintf(stderr, "usage: lrs-sparse-bench N [--nnz-row K] [--rank R] [--block M] "
                        "[--top K] [--large] [--edges FILE] %s\n", err.msg);
        return 2;
    }
    t_start = lrs_wall_seconds();
    if (edges) {
        lrs_io_read_opts_t ro = lrs_io_read_opts_default();
        ro.format = LRS_FMT_EDGES;
        ro.ids = 1;
        if ((rc = lrs_sparse_read(edges, &ro, &W, NULL, &err)))
            goto done;
        row(lrs_sparse_order(W), "read_edge_list", 0, 0);
        lrs_sparse_free(W);
        W = NULL;
    }
    if (lrs_sparse_rank() == 0 && generate(N, per_row, r, block, &c)) {
        fprintf(stderr, "lrs-sparse-bench: out of memory generating N = %zu\n", N);
        rc = 1;
    }
    if (rc || (rc = lrs_sparse_from_coo(&c, &W, &err)))
        goto done;
    lrs_io_coo_free(&c);
    row(N, "build_distribute", 0, 0);
    if ((rc = lrs_sparse_svd(W, 0, top, LRS_SPARSE_LARGEST, 1, &o, &t, &err)))
        goto done;
    row(N, "top_svals_W", t.iterations, largest_resid(&t));
    if ((rc = lrs_sparse_stability(W, large ? 0 : 1, &o, &st, &err)))
        goto done;
    row(N, large ? "stability_bound" : "stability_eig+bound", st.iterations,
        large ? st.abscissa_resid : st.resid[0]);
    if (lrs_sparse_rank() == 0)
        printf("# stable rank %.4f (exact), abscissa %.4f, bound %.4f, max Re eig %.4f\n",
               lrs_sparse_frob2(W) / (t.sigma[0] * t.sigma[0]), st.abscissa, st.abscissa_bound,
               large ? NAN : st.re[0]);
    if (large)
        goto done;
    if ((rc = lrs_sparse_svd(W, 1, top, LRS_SPARSE_LARGEST, 0, &o, &hi, &err)))
        goto done;
    row(N, "largest_svals_I-W", hi.iterations, largest_resid(&hi));
    if ((rc = lrs_sparse_svd(W, 1, top, LRS_SPARSE_SMALLEST, 0, &o, &lo, &err)))
        goto done;
    row(N, "smallest_svals_I-W", lo.iterations, largest_resid(&lo));
    if ((rc = lrs_sparse_ranks(W, &t, 0.9, &o, &rk, &err)))
        goto done;
    row(N, "ranks_SLQ", rk.probes * rk.lanczos, rk.nuclear.se / fmax(rk.nuclear.value, 1e-300));
done:
    if (rc && lrs_sparse_rank() == 0)
        fprintf(stderr, "lrs-sparse-bench: %s\n", err.msg);
    lrs_io_coo_free(&c);
    lrs_sparse_svals_free(&t);
    lrs_sparse_svals_free(&hi);
    lrs_sparse_svals_free(&lo);
    lrs_sparse_stability_free(&st);
    lrs_sparse_free(W);
    lrs_sparse_finalize();
    return rc ? 1 : 0;
}
