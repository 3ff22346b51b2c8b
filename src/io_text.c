/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_text.c -- dense text tables and edge lists (see lrs/io.h).
 *
 * Dense text.  The delimiter comes from the first data line (';' before ','
 * before tab before blanks).  That line is a header when a field other than
 * the first is not a number (or is quoted), when its first field is empty
 * (pandas writes ",a,b"; R write.csv writes "","a","b"), or when it is a lone
 * non-number.  The first data row has a label column when its first field is
 * not a number, when the header starts with an empty field, or when it has
 * one field more than the header (R write.table).  Every row must then have
 * the same number of fields.
 *
 * Edge lists.  "src dst [weight]" per line; every data line has the same
 * number of fields (2 or 3).  W[src][dst] += weight (row = source, as in an
 * adjacency matrix A_ij for the edge i -> j and as Matrix Market's "i j v").
 */
#include "io_core.h"
#include "io_readers.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const header_words[] = {
    "source", "target", "src", "dst", "from", "to", "node1", "node2", "nodea",
    "nodeb", "node_1", "node_2", "i", "j", "u", "v", "head", "tail", "id1", "id2",
    "source_id", "target_id", "sender", "receiver", NULL};
static const char *const weight_words[] = {"weight", "w", "value", "count", "strength",
                                           "wt", "weights", NULL};

static int in_list(const char *const *list, const io_field_t *f)
{
    size_t k;
    for (k = 0; list[k]; k++)
        if (strlen(list[k]) == f->len && strncasecmp(list[k], f->p, f->len) == 0)
            return 1;
    return 0;
}

/* "source,target" or "from to weight": the header of an edge list. */
static int edge_header(const io_tok_t *t)
{
    return (t->n == 2 || t->n == 3) && in_list(header_words, &t->f[0]) &&
           in_list(header_words, &t->f[1]) && (t->n == 2 || in_list(weight_words, &t->f[2]));
}

/* Starts like a word (a letter or '_') or is quoted: a column name, not a
 * number and not a malformed number. */
static int wordlike(const io_field_t *f)
{
    return f->quoted || (f->len > 0 && (isalpha((unsigned char)f->p[0]) || f->p[0] == '_'));
}

static size_t skip_bom(const char **line, size_t *len, size_t lineno)
{
    if (lineno == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3;
        *len -= 3;
        return 3;
    }
    return 0;
}

/* The next line that holds data, its BOM skipped and blank or comment lines
 * passed over: 1 with *line, *len and *colbase (column of its first
 * character) set; 0 at the end of the input, or after a read error with
 * *rc = its code (err filled). */
static int next_data_line(io_src_t *src, const char **line, size_t *len, size_t *colbase,
                          int *rc, lrs_err_t *err)
{
    for (;;) {
        int r = io_src_getline(src, line, len, err);
        if (r < 0)
            *rc = err ? err->code : LRS_EPARSE;
        if (r <= 0)
            return 0;
        *colbase = skip_bom(line, len, src->line);
        if (!io_is_skippable(*line, *len))
            return 1;
    }
}

/* ------------------------------------------------------------------ sniffing */

int io_sniff_edges(const char *p, size_t avail, int eof)
{
    io_tok_t t1 = {0}, t2 = {0};
    io_ctx_t dummy;
    const char *lines[2];
    size_t lens[2], nl = 0, pos = 0, lineno = 0;
    char delim;
    int edges = 0;
    memset(&dummy, 0, sizeof dummy);
    dummy.name = "";
    while (pos < avail && nl < 2) {
        size_t e = pos;
        const char *l;
        size_t len;
        while (e < avail && p[e] != '\n' && p[e] != '\r')
            e++;
        if (e == avail && !eof)
            break; /* incomplete line */
        l = p + pos;
        len = e - pos;
        lineno++;
        skip_bom(&l, &len, lineno);
        pos = e + 1;
        if (!io_is_skippable(l, len)) {
            lines[nl] = l;
            lens[nl] = len;
            nl++;
        }
    }
    if (nl == 0)
        return 0;
    delim = io_guess_delim(lines[0], lens[0]);
    if (io_split(&t1, lines[0], lens[0], delim, 0, &dummy, 1, NULL))
        goto done;
    if (t1.n < 2 || t1.n > 3)
        goto done;
    if (edge_header(&t1)) {
        edges = 1;
        goto done;
    }
    if (nl == 1) {
        edges = !io_field_numeric(&t1.f[0], delim) && !io_field_numeric(&t1.f[1], delim) &&
                (t1.n == 2 || io_field_numeric(&t1.f[2], delim));
        goto done;
    }
    if (io_split(&t2, lines[1], lens[1], delim, 0, &dummy, 2, NULL))
        goto done;
    if (t2.n == t1.n && !io_field_numeric(&t2.f[0], delim) &&
        !io_field_numeric(&t2.f[1], delim) &&
        (t2.n == 2 || io_field_numeric(&t2.f[2], delim)))
        edges = 1;
done:
    io_tok_free(&t1);
    io_tok_free(&t2);
    return edges;
}

/* ------------------------------------------------------------------ dense */

/* The rows x cols values in vals (row-major, capacity at least rows * cols)
 * as an owning gsl_matrix, the buffer shrunk to fit.  On failure vals is left
 * untouched (still the caller's to free). */
static gsl_matrix *wrap_rows(double *vals, size_t rows, size_t cols)
{
    gsl_matrix *m = malloc(sizeof *m);
    gsl_block *b = malloc(sizeof *b);
    double *d = m && b ? realloc(vals, rows * cols * sizeof(double)) : NULL;
    if (!d) {
        free(m);
        free(b);
        return NULL;
    }
    b->size = rows * cols;
    b->data = d;
    m->size1 = rows;
    m->size2 = cols;
    m->tda = cols;
    m->data = d;
    m->block = b;
    m->owner = 1;
    return m;
}

/* A numeric table of 2 or 3 columns that is not square, read in auto mode:
 * an edge list "src dst [weight]" with non-negative integer node labels,
 * taken as names (numbered in order of first appearance). */
static int table_as_edges(io_ctx_t *c, const double *vals, size_t rows, size_t cols,
                          gsl_matrix **out, int *is_edges, lrs_err_t *err)
{
    io_names_t names;
    io_ents_t es;
    size_t r;
    int rc = LRS_OK;
    memset(&names, 0, sizeof names);
    memset(&es, 0, sizeof es);
    *is_edges = 0;
    for (r = 0; r < rows; r++) {
        double a = vals[r * cols], b = vals[r * cols + 1];
        if (!(a >= 0 && b >= 0 && a == floor(a) && b == floor(b) && a < 2e9 && b < 2e9))
            return LRS_OK;
    }
    *is_edges = 1;
    es.max = c->o.max_bytes / 24;
    for (r = 0; r < rows; r++) {
        long ij[2];
        int k;
        for (k = 0; k < 2; k++) {
            char s[32];
            int n = snprintf(s, sizeof s, "%.0f", vals[r * cols + (size_t)k]);
            ij[k] = io_names_get(&names, s, (size_t)n, c->o.max_n);
            if (ij[k] == -1) {
                rc = io_err(c, err, LRS_ELIMIT, 1, 1,
                            "edge list has more than --max-n %zu nodes ('%s')",
                            c->o.max_n, s);
                goto done;
            }
            if (ij[k] < 0) {
                rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
                goto done;
            }
        }
        if ((rc = io_ents_push(&es, (uint32_t)ij[0], (uint32_t)ij[1],
                               cols == 3 ? vals[r * cols + 2] : 1.0, c, 1, err)))
            goto done;
    }
    if ((rc = io_check_size(c, names.n, names.n, 1, 1, err)))
        goto done;
    if ((rc = io_ents_build(&es, names.n, names.n, 0, out, &c->info->repeated,
                            &c->info->self_loops, c, err)))
        goto done;
    c->info->format = LRS_FMT_EDGES;
    c->info->entries = es.n;
    c->info->names = names.names;
    c->info->nnames = names.n;
    names.names = NULL;
    names.n = 0;
done:
    io_names_free(&names);
    io_ents_free(&es);
    return rc;
}

/* State of one dense-table read: the tokenised line, the row-major values
 * grown as rows arrive, the shape taken from the header and the first data
 * row, and two deferred diagnostics (a "header" or a "label column" that was
 * really a data row / column with a bad cell). */
typedef struct {
    io_tok_t t;
    double *vals;
    size_t nrows, cap, nd, ncols, nh;
    size_t first_line, last_line, extra_line, header_line, row_limit;
    char delim;
    int auto_mode, hdr, hdr_empty_first, labels, state;
    lrs_err_t hdr_bad, lab_bad;
} dense_rd_t;

/* The first data line: a header when a field after the first is quoted or
 * not a number, when its first field is empty, or when it is a lone word.
 * Returns 1 for a header (recorded in d), 0 otherwise. */
static int dense_header(io_ctx_t *c, dense_rd_t *d)
{
    const io_tok_t *t = &d->t;
    size_t k;
    for (k = 1; k < t->n; k++)
        if (t->f[k].quoted || !io_field_numeric(&t->f[k], d->delim))
            d->hdr = 1;
    if (t->n >= 2 && t->f[0].len == 0)
        d->hdr = 1;
    if (t->n == 1 && wordlike(&t->f[0]))
        d->hdr = 1;
    if (!d->hdr)
        return 0;
    /* If the table turns out one row short of square, this "header" was a
     * data row with a bad cell: keep that message. */
    for (k = 0; k < t->n && !d->hdr_bad.code; k++) {
        lrs_err_t e2;
        if (io_field_double(&t->f[k], d->delim, &(double){0}, &e2))
            io_err_wrap(c, &d->hdr_bad, &e2, c->src->line, t->f[k].col);
    }
    d->nh = t->n;
    d->hdr_empty_first = t->n >= 2 && t->f[0].len == 0;
    d->header_line = c->src->line;
    c->info->header = 1;
    return 1;
}

/* The first data row: its width, whether it has a label column, and the
 * number of numeric columns (checked against the header and --max-n). */
static int dense_first_row(io_ctx_t *c, dense_rd_t *d, lrs_err_t *err)
{
    const io_tok_t *t = &d->t;
    d->nd = t->n;
    d->first_line = c->src->line;
    d->labels = (t->f[0].quoted || !io_field_numeric(&t->f[0], d->delim)) && t->n >= 2 &&
                !(t->f[0].len == 0 && !t->f[0].quoted);
    if (d->hdr && d->nh >= 1 && d->nd == d->nh + 1)
        d->labels = 1;
    if (d->labels && !d->hdr) {
        /* A label column inferred from one non-number: if the table is
         * square with that column, it was a bad cell instead. */
        lrs_err_t e2;
        if (io_field_double(&t->f[0], d->delim, &(double){0}, &e2))
            io_err_wrap(c, &d->lab_bad, &e2, c->src->line, t->f[0].col);
    }
    if (d->hdr && d->hdr_empty_first && d->nd == d->nh)
        d->labels = 1; /* ",a,b" / "","a","b": the header names a label column */
    if (d->hdr && !(d->nd == d->nh || (d->labels && d->nd == d->nh + 1)))
        return io_err(c, err, LRS_EPARSE, c->src->line, 1,
                      "row has %zu fields but the header on line %zu has %zu", d->nd,
                      d->header_line, d->nh);
    d->ncols = d->nd - (size_t)d->labels;
    c->info->labels = d->labels;
    c->info->delim = d->delim;
    if (d->ncols == 0)
        return io_err(c, err, LRS_EPARSE, c->src->line, 1, "no numeric columns");
    if (d->ncols > c->o.max_n)
        return io_err(c, err, LRS_ELIMIT, c->src->line, t->f[c->o.max_n + d->labels].col,
                      "row has %zu values, more than --max-n %zu", d->ncols, c->o.max_n);
    if (d->auto_mode && d->ncols <= 3 && !d->labels)
        d->row_limit = c->o.max_bytes / 24; /* might be an edge list */
    return LRS_OK;
}

/* Every row: the same field count as the first data row (else an error at
 * the first extra field or the line end), then the row and byte limits. */
static int dense_row_check(io_ctx_t *c, const dense_rd_t *d, size_t endcol, lrs_err_t *err)
{
    const io_tok_t *t = &d->t;
    char q[160];
    int rc;
    if (t->n != d->nd) {
        size_t at = t->n > d->nd ? d->nd : t->n - 1;
        return io_err(c, err, LRS_EPARSE, c->src->line, t->n > d->nd ? t->f[d->nd].col : endcol,
                      "ragged rows: %zu field%s, expected %zu as on line %zu ('%s')", t->n,
                      t->n == 1 ? "" : "s", d->nd, d->first_line,
                      lrs_io_quote(t->f[at].p, t->f[at].len, q, sizeof q));
    }
    if (d->nrows >= d->row_limit) {
        if (d->row_limit == c->o.max_n)
            return io_err(c, err, LRS_ELIMIT, c->src->line, 1,
                          "more than %zu rows (--max-n %zu)", d->row_limit, c->o.max_n);
        return io_err(c, err, LRS_ELIMIT, c->src->line, 1,
                      "more than %zu rows (the memory limit for a table that may be an "
                      "edge list)", d->row_limit);
    }
    if ((rc = io_check_size(c, d->nrows + 1 > d->ncols ? d->ncols : d->nrows + 1, d->ncols,
                            c->src->line, 1, err)))
        return rc;
    if ((d->nrows + 1) * d->ncols > c->o.max_bytes / sizeof(double))
        return io_err(c, err, LRS_ELIMIT, c->src->line, 1,
                      "table larger than the %.3g GB allowed", (double)c->o.max_bytes * 1e-9);
    return LRS_OK;
}

/* Room for one more row: the value buffer doubles (from 64 rows). */
static int dense_grow(io_ctx_t *c, dense_rd_t *d, lrs_err_t *err)
{
    size_t need = (d->nrows + 1) * d->ncols, ncap;
    double *nv;
    if (need <= d->cap)
        return LRS_OK;
    ncap = d->cap ? 2 * d->cap : 64 * d->ncols;
    while (ncap < need)
        ncap *= 2;
    nv = realloc(d->vals, ncap * sizeof *nv);
    if (!nv)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory at line %zu", c->name,
                           c->src->line);
    d->vals = nv;
    d->cap = ncap;
    return LRS_OK;
}

/* Parse the row's numeric fields (after the label, if any) into vals. */
static int dense_parse_row(io_ctx_t *c, dense_rd_t *d, lrs_err_t *err)
{
    lrs_err_t sub;
    size_t j;
    for (j = 0; j < d->ncols; j++) {
        const io_field_t *f = &d->t.f[j + (size_t)d->labels];
        if (io_field_double(f, d->delim, &d->vals[d->nrows * d->ncols + j], &sub))
            return io_err_wrap(c, err, &sub, c->src->line, f->col);
    }
    d->nrows++;
    d->last_line = c->src->line;
    if (d->nrows == d->ncols + 1)
        d->extra_line = c->src->line;
    return LRS_OK;
}

/* After the last line: no data rows, the deferred header / label-column
 * diagnostics, the edge-list fallback in auto mode, then the square check.
 * On success *out owns vals (d->vals is cleared). */
static int dense_finish(io_ctx_t *c, dense_rd_t *d, gsl_matrix **out, lrs_err_t *err)
{
    size_t nrows = d->nrows, ncols = d->ncols;
    int rc;
    if (nrows == 0) {
        if (d->hdr)
            return io_err(c, err, LRS_EPARSE, d->header_line, 1, "a header but no data rows");
        return io_err(c, err, LRS_EPARSE, c->src->line ? c->src->line : 1, 1,
                      "empty input; expected a matrix");
    }
    if (nrows != ncols && d->hdr && !d->hdr_empty_first && !d->labels &&
        nrows + 1 == ncols && d->hdr_bad.code)
        return lrs_err_set(err, d->hdr_bad.code, "%s", d->hdr_bad.msg);
    if (nrows != ncols && d->labels && !d->hdr && nrows == d->nd && d->lab_bad.code)
        return lrs_err_set(err, d->lab_bad.code, "%s", d->lab_bad.msg);
    if (nrows > ncols && d->auto_mode && (ncols == 2 || ncols == 3) && !d->labels) {
        int is_edges;
        if ((rc = table_as_edges(c, d->vals, nrows, ncols, out, &is_edges, err)) || is_edges)
            return rc;
    }
    if (nrows > c->o.max_n)
        return io_err(c, err, LRS_ELIMIT, c->src->line, 1, "more than %zu rows (--max-n %zu)",
                      c->o.max_n, c->o.max_n);
    if ((rc = io_check_square(c, nrows, ncols, nrows > ncols ? d->extra_line : d->last_line,
                              (ncols == 2 || ncols == 3) && !d->labels
                                  ? "; for an edge list use --format edges"
                                  : NULL,
                              err)))
        return rc;
    *out = wrap_rows(d->vals, nrows, ncols);
    if (!*out)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    d->vals = NULL;
    return LRS_OK;
}

int io_read_dense(io_ctx_t *c, int auto_mode, gsl_matrix **out, lrs_err_t *err)
{
    dense_rd_t d;
    const char *line;
    size_t len, colbase;
    int rc = LRS_OK;

    *out = NULL;
    memset(&d, 0, sizeof d);
    d.row_limit = c->o.max_n;
    d.auto_mode = auto_mode;
    lrs_err_clear(&d.hdr_bad);
    lrs_err_clear(&d.lab_bad);
    if (auto_mode && io_sniff_edges(c->src->buf ? c->src->buf + c->src->beg : "",
                                    c->src->end - c->src->beg, c->src->eof))
        return io_read_edges(c, out, err);
    c->info->format = LRS_FMT_DENSE;
    while (next_data_line(c->src, &line, &len, &colbase, &rc, err)) {
        if (!d.delim)
            d.delim = io_guess_delim(line, len);
        if ((rc = io_split(&d.t, line, len, d.delim, colbase, c, c->src->line, err)))
            goto done;
        if (d.state == 0) {
            d.state = 1;
            if (dense_header(c, &d))
                continue;
        }
        if (d.state == 1) {
            d.state = 2;
            if ((rc = dense_first_row(c, &d, err)))
                goto done;
        }
        if ((rc = dense_row_check(c, &d, colbase + len + 1, err)) ||
            (rc = dense_grow(c, &d, err)) || (rc = dense_parse_row(c, &d, err)))
            goto done;
    }
    if (!rc)
        rc = dense_finish(c, &d, out, err);
done:
    free(d.vals);
    io_tok_free(&d.t);
    return rc;
}

/* ------------------------------------------------------------------ edges */

static int parse_id(io_ctx_t *c, const io_field_t *f, size_t line, long long *id,
                    lrs_err_t *err)
{
    char q[160];
    lrs_err_t sub;
    int base = c->o.base < 0 ? 0 : c->o.base;
    lrs_io_quote(f->p, f->len, q, sizeof q);
    if (f->len == 0)
        return io_err(c, err, LRS_EPARSE, line, f->col, "empty node id ('')");
    if (lrs_io_parse_long(f->p, f->len, id, &sub))
        return io_err(c, err, LRS_EPARSE, line, f->col, "node id is not an integer ('%s')", q);
    if (*id < 0)
        return io_err(c, err, LRS_EPARSE, line, f->col, "negative node id ('%s')", q);
    if (*id < base)
        return io_err(c, err, LRS_EPARSE, line, f->col, "node id %lld is below --base %d ('%s')",
                      *id, base, q);
    *id -= base;
    if (c->o.nodes && (unsigned long long)*id >= c->o.nodes)
        return io_err(c, err, LRS_EPARSE, line, f->col,
                      "node id %lld out of range %d..%lld (--nodes %zu) ('%s')", *id + base,
                      base, (long long)c->o.nodes - 1 + base, c->o.nodes, q);
    if ((unsigned long long)*id >= c->o.max_n)
        return io_err(c, err, LRS_ELIMIT, line, f->col,
                      "node id %lld needs more than --max-n %zu nodes ('%s')", *id + base,
                      c->o.max_n, q);
    return LRS_OK;
}

/* One endpoint of an edge: an integer id (with opts.ids; *maxid tracks the
 * largest) or a name numbered in order of first appearance. */
static int edge_node(io_ctx_t *c, const io_field_t *f, io_names_t *names, long long *maxid,
                     uint32_t *node, lrs_err_t *err)
{
    long idx;
    char *s = NULL, q[160];
    const char *name = f->p;
    size_t nlen = f->len;
    int rc;
    if (c->o.ids) {
        long long id;
        if ((rc = parse_id(c, f, c->src->line, &id, err)))
            return rc;
        if (id > *maxid)
            *maxid = id;
        *node = (uint32_t)id;
        return LRS_OK;
    }
    if (f->len == 0 && !f->quoted)
        return io_err(c, err, LRS_EPARSE, c->src->line, f->col, "empty node name ('')");
    if (f->escaped) {
        s = io_field_strdup(f);
        if (!s)
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
        name = s;
        nlen = strlen(s);
    }
    idx = io_names_get(names, name, nlen, c->o.max_n);
    free(s);
    if (idx == -1)
        return io_err(c, err, LRS_ELIMIT, c->src->line, f->col,
                      "more than --max-n %zu nodes ('%s')", c->o.max_n,
                      lrs_io_quote(f->p, f->len, q, sizeof q));
    if (idx < 0)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    *node = (uint32_t)idx;
    return LRS_OK;
}

/* --compact: renumber the ids that occur 0.. in increasing order (their
 * original ids become the names); *n gets the count. */
static int compact_ids(io_ctx_t *c, io_ents_t *es, long long maxid, size_t *n, lrs_err_t *err)
{
    size_t m = 0, k, nid = (size_t)maxid + 1; /* no id above maxid occurs, whatever --nodes says */
    unsigned char *used = calloc(nid, 1);
    uint32_t *remap = malloc(nid * sizeof *remap);
    int rc = LRS_OK;
    if (!used || !remap || !(c->info->names = calloc(nid, sizeof(char *)))) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
        goto done;
    }
    for (k = 0; k < es->n; k++)
        used[es->e[k].i] = used[es->e[k].j] = 1;
    for (k = 0; k < nid; k++)
        if (used[k]) {
            char s[32];
            remap[k] = (uint32_t)m;
            snprintf(s, sizeof s, "%lld", (long long)k + (c->o.base < 0 ? 0 : c->o.base));
            c->info->names[m] = strdup(s);
            if (!c->info->names[m]) {
                rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
                goto done;
            }
            c->info->nnames = ++m;
        }
    for (k = 0; k < es->n; k++) {
        es->e[k].i = remap[es->e[k].i];
        es->e[k].j = remap[es->e[k].j];
    }
    *n = m;
done:
    free(used);
    free(remap);
    return rc;
}

/* The first data line of an edge list: a header?  With numeric ids any word
 * in the first two fields; with names only the known column names (or a
 * word where the weight should be). */
static int edges_header(const io_ctx_t *c, const io_tok_t *t)
{
    if (c->o.ids)
        return t->n >= 2 && (wordlike(&t->f[0]) || wordlike(&t->f[1]));
    return edge_header(t) || (t->n == 3 && wordlike(&t->f[2]));
}

/* Row shape: the first data row sets the field count (2 or 3, else an error
 * at the first extra field or the line end); later rows must match it. */
static int edges_row_shape(io_ctx_t *c, const io_tok_t *t, int first, size_t nf,
                           size_t first_line, size_t endcol, lrs_err_t *err)
{
    char q[160];
    size_t at;
    if (first && (nf < 2 || nf > 3)) {
        at = nf > 3 ? 3 : nf - 1;
        return io_err(c, err, LRS_EPARSE, c->src->line, nf > 3 ? t->f[3].col : endcol,
                      "expected 2 or 3 fields (source target [weight]), found %zu ('%s')",
                      nf, lrs_io_quote(t->f[at].p, t->f[at].len, q, sizeof q));
    }
    if (t->n == nf)
        return LRS_OK;
    at = t->n > nf ? nf : t->n - 1;
    return io_err(c, err, LRS_EPARSE, c->src->line, t->n > nf ? t->f[nf].col : endcol,
                  "ragged rows: %zu field%s, expected %zu as on line %zu ('%s')", t->n,
                  t->n == 1 ? "" : "s", nf, first_line,
                  lrs_io_quote(t->f[at].p, t->f[at].len, q, sizeof q));
}

/* One data row "src dst [weight]": the two nodes, the weight, the entry. */
static int edges_row_push(io_ctx_t *c, const io_tok_t *t, char delim, io_names_t *names,
                          long long *maxid, io_ents_t *es, lrs_err_t *err)
{
    uint32_t ij[2];
    double w = 1.0;
    lrs_err_t sub;
    size_t k;
    int rc;
    for (k = 0; k < 2; k++)
        if ((rc = edge_node(c, &t->f[k], names, maxid, &ij[k], err)))
            return rc;
    if (t->n == 3 && io_field_double(&t->f[2], delim, &w, &sub))
        return io_err_wrap(c, err, &sub, c->src->line, t->f[2].col);
    return io_ents_push(es, ij[0], ij[1], w, c, c->src->line, err);
}

/* After the last line: the node count (ids: --nodes or max id + 1, maybe
 * compacted; names: how many were seen), the size check and the matrix. */
static int edges_finish(io_ctx_t *c, io_ents_t *es, io_names_t *names, long long maxid,
                        gsl_matrix **out, lrs_err_t *err)
{
    size_t n;
    int rc;
    if (es->n == 0)
        return io_err(c, err, LRS_EPARSE, c->src->line ? c->src->line : 1, 1,
                      "empty input; expected an edge list (source target [weight])");
    if (c->o.ids) {
        n = c->o.nodes ? c->o.nodes : (size_t)maxid + 1;
        if (c->o.compact && (rc = compact_ids(c, es, maxid, &n, err)))
            return rc;
    } else {
        n = names->n;
    }
    if ((rc = io_check_size(c, n, n, c->src->line, 1, err)))
        return rc;
    if ((rc = io_ents_build(es, n, n, c->o.undirected ? 1 : 0, out, &c->info->repeated,
                            &c->info->self_loops, c, err)))
        return rc;
    c->info->entries = es->n;
    if (!c->o.ids) {
        c->info->names = names->names;
        c->info->nnames = names->n;
        names->names = NULL;
        names->n = 0;
    }
    return LRS_OK;
}

int io_read_edges(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err)
{
    io_tok_t t = {0};
    io_names_t names;
    io_ents_t es;
    size_t nf = 0, first_line = 0;
    long long maxid = -1;
    char delim = 0;
    const char *line;
    size_t len, colbase;
    int state = 0, rc = LRS_OK;

    *out = NULL;
    memset(&names, 0, sizeof names);
    memset(&es, 0, sizeof es);
    es.max = c->o.max_bytes / 24;
    c->info->format = LRS_FMT_EDGES;
    while (next_data_line(c->src, &line, &len, &colbase, &rc, err)) {
        if (!delim) {
            delim = io_guess_delim(line, len);
            c->info->delim = delim;
        }
        if ((rc = io_split(&t, line, len, delim, colbase, c, c->src->line, err)))
            goto done;
        if (state == 0) {
            state = 1;
            if (edges_header(c, &t)) {
                c->info->header = 1;
                continue;
            }
        }
        if (state == 1) {
            nf = t.n;
            first_line = c->src->line;
        }
        if ((rc = edges_row_shape(c, &t, state == 1, nf, first_line, colbase + len + 1, err)))
            goto done;
        state = 2;
        if ((rc = edges_row_push(c, &t, delim, &names, &maxid, &es, err)))
            goto done;
    }
    if (!rc)
        rc = edges_finish(c, &es, &names, maxid, out, err);
done:
    io_tok_free(&t);
    io_names_free(&names);
    io_ents_free(&es);
    return rc;
}
