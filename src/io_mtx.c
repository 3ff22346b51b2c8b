/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_mtx.c -- Matrix Market reader (see lrs/io.h).
 *
 * Format (NIST Matrix Market exchange format):
 *   %%MatrixMarket matrix <coordinate|array> <real|double|integer|pattern>
 *                         <general|symmetric|skew-symmetric>
 *   % comments
 *   M N NNZ           (coordinate)   then NNZ lines "i j [value]", 1-based
 *   M N               (array)        then the values in column-major order;
 *                                    symmetric: the lower triangle column by
 *                                    column; skew: the strict lower triangle.
 * The size line is checked against --max-n and the memory limit, and NNZ
 * against what an M x N matrix can hold, before anything is allocated.
 * Symmetric and skew-symmetric entries may come from either triangle; a
 * position given twice is added and counted as a repeat.
 */
#include "io_core.h"
#include "io_readers.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int field_is(const io_field_t *f, const char *word)
{
    return strlen(word) == f->len && strncasecmp(word, f->p, f->len) == 0;
}

/* Next line that is not a comment or blank, split on blanks: 1, 0 at end. */
static int next_data(io_ctx_t *c, io_tok_t *t, const char **line, size_t *len,
                     lrs_err_t *err)
{
    for (;;) {
        int r = io_src_getline(c->src, line, len, err);
        if (r <= 0)
            return r;
        if (io_is_skippable(*line, *len))
            continue;
        if (io_split(t, *line, *len, ' ', 0, c, c->src->line, err))
            return -1;
        return 1;
    }
}

static int value_of(io_ctx_t *c, const io_field_t *f, int integer, double *v,
                    lrs_err_t *err)
{
    lrs_err_t sub;
    if (integer) {
        long long x;
        if (lrs_io_parse_long(f->p, f->len, &x, &sub))
            return io_err_wrap(c, err, &sub, c->src->line, f->col);
        *v = (double)x;
        return LRS_OK;
    }
    if (io_field_double(f, ' ', v, &sub))
        return io_err_wrap(c, err, &sub, c->src->line, f->col);
    return LRS_OK;
}

/* What the banner and the size line say. */
typedef struct mtx_hdr {
    int coord, integer, pattern, sym;
    size_t M, N, nnz, holds, size_line;
    char ql[160]; /* the size line, quoted */
} mtx_hdr_t;

/* The banner "%%MatrixMarket matrix STORAGE FIELD SYMMETRY" (line 1). */
static int read_banner(io_ctx_t *c, io_tok_t *t, mtx_hdr_t *h, lrs_err_t *err)
{
    const char *line;
    size_t len;
    char q[160];
    int r = io_src_getline(c->src, &line, &len, err), rc;
    if (r < 0)
        return err ? err->code : LRS_EPARSE;
    if (r == 0)
        return io_err(c, err, LRS_EPARSE, 1, 1, "empty input; expected a Matrix Market file");
    if ((rc = io_split(t, line, len, ' ', 0, c, 1, err)))
        return rc;
    if (t->n == 0 || !field_is(&t->f[0], "%%MatrixMarket"))
        return io_err(c, err, LRS_EPARSE, 1, 1,
                      "not a Matrix Market file; expected '%%%%MatrixMarket' ('%s')",
                      lrs_io_quote(line, len, q, sizeof q));
    if (t->n < 5)
        return io_err(c, err, LRS_EPARSE, 1, len + 1,
                      "incomplete header; expected '%%%%MatrixMarket matrix coordinate real "
                      "general' ('%s')", lrs_io_quote(line, len, q, sizeof q));
    if (!field_is(&t->f[1], "matrix"))
        return io_err(c, err, LRS_EPARSE, 1, t->f[1].col,
                      "unsupported object; expected 'matrix' ('%s')",
                      lrs_io_quote(t->f[1].p, t->f[1].len, q, sizeof q));
    if (field_is(&t->f[2], "coordinate"))
        h->coord = 1;
    else if (field_is(&t->f[2], "array"))
        h->coord = 0;
    else
        return io_err(c, err, LRS_EPARSE, 1, t->f[2].col,
                      "unknown storage; expected coordinate or array ('%s')",
                      lrs_io_quote(t->f[2].p, t->f[2].len, q, sizeof q));
    if (field_is(&t->f[3], "integer"))
        h->integer = 1;
    else if (field_is(&t->f[3], "pattern"))
        h->pattern = 1;
    else if (!field_is(&t->f[3], "real") && !field_is(&t->f[3], "double"))
        return io_err(c, err, LRS_EPARSE, 1, t->f[3].col,
                      field_is(&t->f[3], "complex")
                          ? "complex matrices are not supported ('%s')"
                          : "unknown field; expected real, integer or pattern ('%s')",
                      lrs_io_quote(t->f[3].p, t->f[3].len, q, sizeof q));
    if (field_is(&t->f[4], "symmetric"))
        h->sym = 1;
    else if (field_is(&t->f[4], "skew-symmetric"))
        h->sym = -1;
    else if (!field_is(&t->f[4], "general"))
        return io_err(c, err, LRS_EPARSE, 1, t->f[4].col,
                      field_is(&t->f[4], "hermitian")
                          ? "hermitian matrices are not supported ('%s')"
                          : "unknown symmetry; expected general, symmetric or skew-symmetric ('%s')",
                      lrs_io_quote(t->f[4].p, t->f[4].len, q, sizeof q));
    if (h->pattern && !h->coord)
        return io_err(c, err, LRS_EPARSE, 1, t->f[3].col,
                      "pattern is only valid for coordinate storage ('%s')",
                      lrs_io_quote(t->f[3].p, t->f[3].len, q, sizeof q));
    return LRS_OK;
}

/* "M N [NNZ]" after the comments, checked against the limits and the
 * symmetry before anything is allocated. */
static int read_size(io_ctx_t *c, io_tok_t *t, mtx_hdr_t *h, lrs_err_t *err)
{
    const char *line;
    size_t len, k;
    long long sz[3];
    char q[160];
    lrs_err_t sub;
    int rc, r = next_data(c, t, &line, &len, err);
    if (r < 0)
        return err ? err->code : LRS_EPARSE;
    if (r == 0)
        return io_err(c, err, LRS_EPARSE, c->src->line + 1, 1,
                      "missing size line; expected '%s'", h->coord ? "M N NNZ" : "M N");
    h->size_line = c->src->line;
    lrs_io_quote(line, len, h->ql, sizeof h->ql);
    if (t->n != (h->coord ? 3u : 2u))
        return io_err(c, err, LRS_EPARSE, h->size_line, 1,
                      "size line has %zu fields; expected %s ('%s')", t->n,
                      h->coord ? "3 (M N NNZ)" : "2 (M N)", h->ql);
    for (k = 0; k < t->n; k++) {
        if (lrs_io_parse_long(t->f[k].p, t->f[k].len, &sz[k], &sub))
            return io_err_wrap(c, err, &sub, h->size_line, t->f[k].col);
        if (sz[k] < (k < 2 ? 1 : 0))
            return io_err(c, err, LRS_EPARSE, h->size_line, t->f[k].col,
                          "%s must be %s ('%s')", k == 0 ? "rows" : k == 1 ? "columns" : "entries",
                          k < 2 ? "positive" : "non-negative",
                          lrs_io_quote(t->f[k].p, t->f[k].len, q, sizeof q));
    }
    if ((unsigned long long)sz[0] > c->o.max_n || (unsigned long long)sz[1] > c->o.max_n)
        return io_err(c, err, LRS_ELIMIT, h->size_line, 1,
                      "matrix of %lldx%lld is larger than --max-n %zu ('%s')", sz[0], sz[1],
                      c->o.max_n, h->ql);
    h->M = (size_t)sz[0];
    h->N = (size_t)sz[1];
    if ((rc = io_check_size(c, h->M, h->N, h->size_line, 1, err)))
        return rc;
    if (h->sym && h->M != h->N)
        return io_err(c, err, LRS_EPARSE, h->size_line, 1,
                      "a %s matrix must be square; the header says %zux%zu ('%s')",
                      h->sym > 0 ? "symmetric" : "skew-symmetric", h->M, h->N, h->ql);
    if (h->M != h->N && !c->o.allow_nonsquare)
        return io_err(c, err, LRS_EPARSE, h->size_line, 1,
                      "matrix is %zux%zu (%zu rows, %zu columns); expected square ('%s')", h->M,
                      h->N, h->M, h->N, h->ql);
    h->holds = h->sym == 0 ? h->M * h->N
               : h->sym > 0 ? h->N * (h->N + 1) / 2 : h->N * (h->N - 1) / 2;
    if (h->coord && (unsigned long long)sz[2] > h->holds)
        return io_err(c, err, LRS_EPARSE, h->size_line, t->f[2].col,
                      "header declares %lld entries, more than a %zux%zu %s matrix holds (%zu) ('%s')",
                      sz[2], h->M, h->N,
                      h->sym == 0 ? "general" : h->sym > 0 ? "symmetric" : "skew-symmetric",
                      h->holds, h->ql);
    if (h->coord)
        h->nnz = (size_t)sz[2];
    return LRS_OK;
}

/* One coordinate entry "i j [v]" of the current line into es. */
static int coord_entry(io_ctx_t *c, const io_tok_t *t, const mtx_hdr_t *h, const char *line,
                       size_t len, io_ents_t *es, lrs_err_t *err)
{
    double v = 1.0;
    long long ij[2];
    size_t k, want = h->pattern ? 2u : 3u;
    char q[160];
    lrs_err_t sub;
    int rc;
    if (t->n != want) {
        size_t at = t->n > want ? want : t->n - 1;
        return io_err(c, err, LRS_EPARSE, c->src->line, t->f[at].col,
                      "entry has %zu fields; expected %s ('%s')", t->n,
                      h->pattern ? "2 (row column)" : "3 (row column value)",
                      lrs_io_quote(t->f[at].p, t->f[at].len, q, sizeof q));
    }
    for (k = 0; k < 2; k++) {
        size_t lim = k == 0 ? h->M : h->N;
        if (lrs_io_parse_long(t->f[k].p, t->f[k].len, &ij[k], &sub))
            return io_err_wrap(c, err, &sub, c->src->line, t->f[k].col);
        if (ij[k] < 1 || (unsigned long long)ij[k] > lim)
            return io_err(c, err, LRS_EPARSE, c->src->line, t->f[k].col,
                          "%s index %lld out of range 1..%zu ('%s')", k == 0 ? "row" : "column",
                          ij[k], lim, lrs_io_quote(t->f[k].p, t->f[k].len, q, sizeof q));
    }
    if (h->sym < 0 && ij[0] == ij[1])
        return io_err(c, err, LRS_EPARSE, c->src->line, t->f[0].col,
                      "skew-symmetric matrix with a diagonal entry ('%s')",
                      lrs_io_quote(line, len, q, sizeof q));
    if (!h->pattern && (rc = value_of(c, &t->f[2], h->integer, &v, err)))
        return rc;
    return io_ents_push(es, (uint32_t)(ij[0] - 1), (uint32_t)(ij[1] - 1), v, c, c->src->line,
                        err);
}

/* Coordinate storage: exactly nnz entries, then the dense matrix. */
static int read_coord(io_ctx_t *c, io_tok_t *t, const mtx_hdr_t *h, gsl_matrix **out,
                      lrs_err_t *err)
{
    io_ents_t es;
    const char *line;
    size_t len, count = 0;
    char q[160];
    int r, rc = LRS_OK;
    memset(&es, 0, sizeof es);
    es.max = c->o.max_bytes / 24;
    if (h->nnz > es.max) {
        rc = io_err(c, err, LRS_ELIMIT, h->size_line, t->f[2].col,
                    "%zu entries need more than the memory allowed ('%s')", h->nnz, h->ql);
        goto done;
    }
    while ((r = next_data(c, t, &line, &len, err)) > 0) {
        if (count == h->nnz) {
            rc = io_err(c, err, LRS_EPARSE, c->src->line, 1,
                        "more entries than the %zu declared on line %zu ('%s')", h->nnz,
                        h->size_line, lrs_io_quote(line, len, q, sizeof q));
            goto done;
        }
        if ((rc = coord_entry(c, t, h, line, len, &es, err)))
            goto done;
        count++;
    }
    if (r < 0) {
        rc = err ? err->code : LRS_EPARSE;
        goto done;
    }
    if (count < h->nnz) {
        rc = io_err(c, err, LRS_EPARSE, c->src->line + 1, 1,
                    "found %zu entries; the header on line %zu declares %zu", count,
                    h->size_line, h->nnz);
        goto done;
    }
    if ((rc = io_ents_build(&es, h->M, h->N, h->sym, out, &c->info->repeated,
                            &c->info->self_loops, c, err)))
        goto done;
    c->info->entries = count;
done:
    io_ents_free(&es);
    return rc;
}

/* Array storage: column-major values (the stored triangle when symmetric). */
static int read_array(io_ctx_t *c, io_tok_t *t, const mtx_hdr_t *h, gsl_matrix **out,
                      lrs_err_t *err)
{
    const char *line;
    size_t len, k, count = 0, i = h->sym < 0 ? 1 : 0, j = 0;
    char q[160];
    int r, rc = LRS_OK;
    gsl_matrix *W = io_matrix_calloc(h->M, h->N);
    if (!W)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for a %zux%zu matrix", c->name,
                           h->M, h->N);
    while ((r = next_data(c, t, &line, &len, err)) > 0) {
        for (k = 0; k < t->n; k++) {
            double v;
            if (count == h->holds) {
                rc = io_err(c, err, LRS_EPARSE, c->src->line, t->f[k].col,
                            "more values than the %zu a %zux%zu array holds ('%s')", h->holds,
                            h->M, h->N, lrs_io_quote(t->f[k].p, t->f[k].len, q, sizeof q));
                goto done;
            }
            if ((rc = value_of(c, &t->f[k], h->integer, &v, err)))
                goto done;
            gsl_matrix_set(W, i, j, v);
            if (h->sym && i != j)
                gsl_matrix_set(W, j, i, h->sym * v);
            count++;
            if (++i == h->M) {
                j++;
                i = h->sym == 0 ? 0 : h->sym > 0 ? j : j + 1;
            }
        }
    }
    if (r < 0) {
        rc = err ? err->code : LRS_EPARSE;
        goto done;
    }
    if (count < h->holds) {
        rc = io_err(c, err, LRS_EPARSE, c->src->line + 1, 1,
                    "found %zu values; a %zux%zu %s array holds %zu", count, h->M, h->N,
                    h->sym == 0 ? "general" : h->sym > 0 ? "symmetric" : "skew-symmetric",
                    h->holds);
        goto done;
    }
    c->info->entries = count;
    *out = W;
    W = NULL;
done:
    if (W)
        gsl_matrix_free(W);
    return rc;
}

/* Banner, size line, then the entries (as mmio's mm_read_banner,
 * mm_read_mtx_crd_size and the entry loop). */
int io_read_mtx(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err)
{
    io_tok_t t = {0};
    mtx_hdr_t h;
    int rc;
    *out = NULL;
    memset(&h, 0, sizeof h);
    c->info->format = LRS_FMT_MTX;
    if ((rc = read_banner(c, &t, &h, err)) == LRS_OK && (rc = read_size(c, &t, &h, err)) == LRS_OK)
        rc = h.coord ? read_coord(c, &t, &h, out, err) : read_array(c, &t, &h, out, err);
    io_tok_free(&t);
    return rc;
}
