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

int io_read_mtx(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err)
{
    io_tok_t t = {0};
    io_ents_t es;
    gsl_matrix *W = NULL;
    const char *line;
    size_t len, M = 0, N = 0, nnz = 0, size_line = 0, count = 0, k, holds;
    int coord, integer = 0, pattern = 0, sym = 0, r, rc = LRS_OK;
    long long sz[3];
    char q[160], ql[160];
    lrs_err_t sub;

    *out = NULL;
    memset(&es, 0, sizeof es);
    c->info->format = LRS_FMT_MTX;
    r = io_src_getline(c->src, &line, &len, err);
    if (r < 0) {
        rc = err ? err->code : LRS_EPARSE;
        goto done;
    }
    if (r == 0) {
        rc = io_err(c, err, LRS_EPARSE, 1, 1, "empty input; expected a Matrix Market file");
        goto done;
    }
    if ((rc = io_split(&t, line, len, ' ', 0, c, 1, err)))
        goto done;
    if (t.n == 0 || !field_is(&t.f[0], "%%MatrixMarket")) {
        rc = io_err(c, err, LRS_EPARSE, 1, 1,
                    "not a Matrix Market file; expected '%%%%MatrixMarket' ('%s')",
                    lrs_io_quote(line, len, q, sizeof q));
        goto done;
    }
    if (t.n < 5) {
        rc = io_err(c, err, LRS_EPARSE, 1, len + 1,
                    "incomplete header; expected '%%%%MatrixMarket matrix coordinate real "
                    "general' ('%s')", lrs_io_quote(line, len, q, sizeof q));
        goto done;
    }
    if (!field_is(&t.f[1], "matrix")) {
        rc = io_err(c, err, LRS_EPARSE, 1, t.f[1].col,
                    "unsupported object; expected 'matrix' ('%s')",
                    lrs_io_quote(t.f[1].p, t.f[1].len, q, sizeof q));
        goto done;
    }
    if (field_is(&t.f[2], "coordinate"))
        coord = 1;
    else if (field_is(&t.f[2], "array"))
        coord = 0;
    else {
        rc = io_err(c, err, LRS_EPARSE, 1, t.f[2].col,
                    "unknown storage; expected coordinate or array ('%s')",
                    lrs_io_quote(t.f[2].p, t.f[2].len, q, sizeof q));
        goto done;
    }
    if (field_is(&t.f[3], "integer"))
        integer = 1;
    else if (field_is(&t.f[3], "pattern"))
        pattern = 1;
    else if (!field_is(&t.f[3], "real") && !field_is(&t.f[3], "double")) {
        rc = io_err(c, err, LRS_EPARSE, 1, t.f[3].col,
                    field_is(&t.f[3], "complex")
                        ? "complex matrices are not supported ('%s')"
                        : "unknown field; expected real, integer or pattern ('%s')",
                    lrs_io_quote(t.f[3].p, t.f[3].len, q, sizeof q));
        goto done;
    }
    if (field_is(&t.f[4], "symmetric"))
        sym = 1;
    else if (field_is(&t.f[4], "skew-symmetric"))
        sym = -1;
    else if (!field_is(&t.f[4], "general")) {
        rc = io_err(c, err, LRS_EPARSE, 1, t.f[4].col,
                    field_is(&t.f[4], "hermitian")
                        ? "hermitian matrices are not supported ('%s')"
                        : "unknown symmetry; expected general, symmetric or skew-symmetric ('%s')",
                    lrs_io_quote(t.f[4].p, t.f[4].len, q, sizeof q));
        goto done;
    }
    if (pattern && !coord) {
        rc = io_err(c, err, LRS_EPARSE, 1, t.f[3].col,
                    "pattern is only valid for coordinate storage ('%s')",
                    lrs_io_quote(t.f[3].p, t.f[3].len, q, sizeof q));
        goto done;
    }

    /* size line */
    r = next_data(c, &t, &line, &len, err);
    if (r < 0) {
        rc = err ? err->code : LRS_EPARSE;
        goto done;
    }
    if (r == 0) {
        rc = io_err(c, err, LRS_EPARSE, c->src->line + 1, 1,
                    "missing size line; expected '%s'", coord ? "M N NNZ" : "M N");
        goto done;
    }
    size_line = c->src->line;
    lrs_io_quote(line, len, ql, sizeof ql);
    if (t.n != (coord ? 3u : 2u)) {
        rc = io_err(c, err, LRS_EPARSE, size_line, 1, "size line has %zu fields; expected %s ('%s')",
                    t.n, coord ? "3 (M N NNZ)" : "2 (M N)", ql);
        goto done;
    }
    for (k = 0; k < t.n; k++) {
        if (lrs_io_parse_long(t.f[k].p, t.f[k].len, &sz[k], &sub)) {
            rc = io_err_wrap(c, err, &sub, size_line, t.f[k].col);
            goto done;
        }
        if (sz[k] < (k < 2 ? 1 : 0)) {
            rc = io_err(c, err, LRS_EPARSE, size_line, t.f[k].col,
                        "%s must be %s ('%s')", k == 0 ? "rows" : k == 1 ? "columns" : "entries",
                        k < 2 ? "positive" : "non-negative",
                        lrs_io_quote(t.f[k].p, t.f[k].len, q, sizeof q));
            goto done;
        }
    }
    if ((unsigned long long)sz[0] > c->o.max_n || (unsigned long long)sz[1] > c->o.max_n) {
        rc = io_err(c, err, LRS_ELIMIT, size_line, 1,
                    "matrix of %lldx%lld is larger than --max-n %zu ('%s')", sz[0], sz[1],
                    c->o.max_n, ql);
        goto done;
    }
    M = (size_t)sz[0];
    N = (size_t)sz[1];
    if ((rc = io_check_size(c, M, N, size_line, 1, err)))
        goto done;
    if (sym && M != N) {
        rc = io_err(c, err, LRS_EPARSE, size_line, 1,
                    "a %s matrix must be square; the header says %zux%zu ('%s')",
                    sym > 0 ? "symmetric" : "skew-symmetric", M, N, ql);
        goto done;
    }
    if (M != N && !c->o.allow_nonsquare) {
        rc = io_err(c, err, LRS_EPARSE, size_line, 1,
                    "matrix is %zux%zu (%zu rows, %zu columns); expected square ('%s')", M, N,
                    M, N, ql);
        goto done;
    }
    holds = sym == 0 ? M * N : sym > 0 ? N * (N + 1) / 2 : N * (N - 1) / 2;
    if (coord) {
        if ((unsigned long long)sz[2] > holds) {
            rc = io_err(c, err, LRS_EPARSE, size_line, t.f[2].col,
                        "header declares %lld entries, more than a %zux%zu %s matrix holds (%zu) ('%s')",
                        sz[2], M, N, sym == 0 ? "general" : sym > 0 ? "symmetric" : "skew-symmetric",
                        holds, ql);
            goto done;
        }
        nnz = (size_t)sz[2];
        es.max = c->o.max_bytes / 24;
        if (nnz > es.max) {
            rc = io_err(c, err, LRS_ELIMIT, size_line, t.f[2].col,
                        "%zu entries need more than the memory allowed ('%s')", nnz, ql);
            goto done;
        }
        for (;;) {
            double v = 1.0;
            long long ij[2];
            r = next_data(c, &t, &line, &len, err);
            if (r < 0) {
                rc = err ? err->code : LRS_EPARSE;
                goto done;
            }
            if (r == 0)
                break;
            if (count == nnz) {
                rc = io_err(c, err, LRS_EPARSE, c->src->line, 1,
                            "more entries than the %zu declared on line %zu ('%s')", nnz,
                            size_line, lrs_io_quote(line, len, q, sizeof q));
                goto done;
            }
            if (t.n != (pattern ? 2u : 3u)) {
                size_t at = t.n > (pattern ? 2u : 3u) ? (pattern ? 2u : 3u) : t.n - 1;
                rc = io_err(c, err, LRS_EPARSE, c->src->line, t.f[at].col,
                            "entry has %zu fields; expected %s ('%s')", t.n,
                            pattern ? "2 (row column)" : "3 (row column value)",
                            lrs_io_quote(t.f[at].p, t.f[at].len, q, sizeof q));
                goto done;
            }
            for (k = 0; k < 2; k++) {
                size_t lim = k == 0 ? M : N;
                if (lrs_io_parse_long(t.f[k].p, t.f[k].len, &ij[k], &sub)) {
                    rc = io_err_wrap(c, err, &sub, c->src->line, t.f[k].col);
                    goto done;
                }
                if (ij[k] < 1 || (unsigned long long)ij[k] > lim) {
                    rc = io_err(c, err, LRS_EPARSE, c->src->line, t.f[k].col,
                                "%s index %lld out of range 1..%zu ('%s')",
                                k == 0 ? "row" : "column", ij[k], lim,
                                lrs_io_quote(t.f[k].p, t.f[k].len, q, sizeof q));
                    goto done;
                }
            }
            if (sym < 0 && ij[0] == ij[1]) {
                rc = io_err(c, err, LRS_EPARSE, c->src->line, t.f[0].col,
                            "skew-symmetric matrix with a diagonal entry ('%s')",
                            lrs_io_quote(line, len, q, sizeof q));
                goto done;
            }
            if (!pattern && (rc = value_of(c, &t.f[2], integer, &v, err)))
                goto done;
            if ((rc = io_ents_push(&es, (uint32_t)(ij[0] - 1), (uint32_t)(ij[1] - 1), v, c,
                                   c->src->line, err)))
                goto done;
            count++;
        }
        if (count < nnz) {
            rc = io_err(c, err, LRS_EPARSE, c->src->line + 1, 1,
                        "found %zu entries; the header on line %zu declares %zu", count,
                        size_line, nnz);
            goto done;
        }
        if ((rc = io_ents_build(&es, M, N, sym, out, &c->info->repeated, &c->info->self_loops,
                                c, err)))
            goto done;
        c->info->entries = count;
    } else {
        size_t i = sym == 0 ? 0 : sym > 0 ? 0 : 1, j = 0;
        W = io_matrix_calloc(M, N);
        if (!W) {
            rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for a %zux%zu matrix",
                             c->name, M, N);
            goto done;
        }
        for (;;) {
            r = next_data(c, &t, &line, &len, err);
            if (r < 0) {
                rc = err ? err->code : LRS_EPARSE;
                goto done;
            }
            if (r == 0)
                break;
            for (k = 0; k < t.n; k++) {
                double v;
                if (count == holds) {
                    rc = io_err(c, err, LRS_EPARSE, c->src->line, t.f[k].col,
                                "more values than the %zu a %zux%zu array holds ('%s')", holds,
                                M, N, lrs_io_quote(t.f[k].p, t.f[k].len, q, sizeof q));
                    goto done;
                }
                if ((rc = value_of(c, &t.f[k], integer, &v, err)))
                    goto done;
                gsl_matrix_set(W, i, j, v);
                if (sym && i != j)
                    gsl_matrix_set(W, j, i, sym * v);
                count++;
                if (++i == M) {
                    j++;
                    i = sym == 0 ? 0 : sym > 0 ? j : j + 1;
                }
            }
        }
        if (count < holds) {
            rc = io_err(c, err, LRS_EPARSE, c->src->line + 1, 1,
                        "found %zu values; a %zux%zu %s array holds %zu", count, M, N,
                        sym == 0 ? "general" : sym > 0 ? "symmetric" : "skew-symmetric", holds);
            goto done;
        }
        c->info->entries = count;
        *out = W;
        W = NULL;
    }
done:
    if (W)
        gsl_matrix_free(W);
    io_tok_free(&t);
    io_ents_free(&es);
    return rc;
}
