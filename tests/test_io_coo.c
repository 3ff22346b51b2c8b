/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_io_coo.c -- the coordinate readers (lrs_io_read_coo*): the same
 * matrix as the dense readers, entry for entry, bit for bit, sorted and
 * duplicate-free; repeats, self-loops and mirroring counted the same.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include "lrs/io.h"

/* Read buf both ways; the coordinate entries must be exactly the non-zero
 * dense entries in row-major order (plus explicit zeros), info equal. */
static void same_both_ways(const char *buf, const char *name, const lrs_io_read_opts_t *o)
{
    gsl_matrix *W = NULL;
    lrs_io_coo_t c;
    lrs_io_read_info_t id, ic;
    lrs_err_t err = {0};
    size_t k, nz = 0, i, j;
    lrs_io_read_info_init(&id);
    lrs_io_read_info_init(&ic);
    CHECK_OK(lrs_io_read_buffer(buf, strlen(buf), name, o, &W, &id, &err), &err);
    CHECK_OK(lrs_io_read_coo_buffer(buf, strlen(buf), name, o, &c, &ic, &err), &err);
    if (harness_cur_failed)
        goto done;
    CHECK(c.rows == W->size1 && c.cols == W->size2, "%s: shape %zux%zu vs %zux%zu", name, c.rows,
          c.cols, W->size1, W->size2);
    CHECK(ic.repeated == id.repeated && ic.self_loops == id.self_loops && ic.entries == id.entries,
          "%s: info differs (repeated %zu/%zu, loops %zu/%zu)", name, ic.repeated, id.repeated,
          ic.self_loops, id.self_loops);
    for (k = 0; k < c.nnz; k++) {
        CHECK(k == 0 || c.i[k] > c.i[k - 1] || (c.i[k] == c.i[k - 1] && c.j[k] > c.j[k - 1]),
              "%s: entry %zu not sorted/unique", name, k);
        CHECK(c.w[k] == gsl_matrix_get(W, c.i[k], c.j[k]), "%s: (%u,%u) %.17g vs %.17g", name,
              c.i[k], c.j[k], c.w[k], gsl_matrix_get(W, c.i[k], c.j[k]));
    }
    for (i = 0; i < W->size1; i++)
        for (j = 0; j < W->size2; j++)
            nz += gsl_matrix_get(W, i, j) != 0;
    CHECK(c.nnz >= nz, "%s: %zu entries for %zu non-zeros", name, c.nnz, nz);
done:
    if (W)
        gsl_matrix_free(W);
    lrs_io_coo_free(&c);
    lrs_io_read_info_clear(&id);
    lrs_io_read_info_clear(&ic);
}

static void test_edges_undirected_repeats(void)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    o.format = LRS_FMT_EDGES;
    o.undirected = 1;
    same_both_ways("a b 1\nb c 2.5\nb a 0.25\nc c 3\nd a -1\nc b 0.1\n", "e.csv", &o);
    o.undirected = 0;
    same_both_ways("a b 1\nb c 2.5\nb a 0.25\nc c 3\nd a -1\na b 0.1\n", "e.csv", &o);
}

static void test_mtx_symmetric_skew(void)
{
    same_both_ways("%%MatrixMarket matrix coordinate real symmetric\n4 4 5\n1 1 2\n2 1 -1\n"
                   "4 3 0.5\n3 4 0.25\n4 4 1e-3\n", "s.mtx", NULL);
    same_both_ways("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 1.5\n3 2 -2\n",
                   "k.mtx", NULL);
    same_both_ways("%%MatrixMarket matrix coordinate pattern general\n3 3 3\n1 2\n2 3\n1 2\n",
                   "p.mtx", NULL);
}

static void test_dense_input(void)
{
    same_both_ways("0 1 0\n2 0 3\n0 0 4\n", "d.txt", NULL);
}

/* No --max-n on the coordinate path: 10^6 nodes from a 2-line edge list. */
static void test_no_max_n(void)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    lrs_io_coo_t c;
    lrs_err_t err = {0};
    const char *buf = "0 999999 1\n5 6 2\n";
    o.format = LRS_FMT_EDGES;
    o.ids = 1;
    CHECK_OK(lrs_io_read_coo_buffer(buf, strlen(buf), "big.el", &o, &c, NULL, &err), &err);
    CHECK(c.rows == 1000000 && c.nnz == 2 && c.w[1] == 2, "rows %zu nnz %zu", c.rows, c.nnz);
    lrs_io_coo_free(&c);
}

int main(void)
{
    RUN(test_edges_undirected_repeats);
    RUN(test_mtx_symmetric_skew);
    RUN(test_dense_input);
    RUN(test_no_max_n);
    return harness_summary();
}
