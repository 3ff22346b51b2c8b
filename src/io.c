/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io.c -- the readers' front end (see lrs/io.h): format names, options,
 * info records, the detection of the format, io_read_source (the source
 * and context, then one reader through a dispatch function) and the plain
 * formats' entry point lrs_io_read_plain.  The entry points for every
 * format are in io_read.c, apart, so that a program calling only
 * lrs_io_read_plain links no graph, MATLAB or zip library.  The shared
 * plumbing is io_core.c; the readers are declared in io_readers.h.
 */
#include "io_core.h"
#include "io_readers.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ formats */

/* One row per format: its name, the other names it answers to, and the file
 * extensions that select it in auto-detection. */
static const struct fmt_row {
    lrs_io_format_t f;
    const char *name;
    const char *aliases[4];
    const char *exts[5];
} fmt_tab[] = {
    {LRS_FMT_AUTO, "auto", {NULL}, {NULL}},
    {LRS_FMT_DENSE, "dense", {"csv", "tsv", "txt", NULL}, {NULL}},
    {LRS_FMT_EDGES, "edges", {"edgelist", NULL}, {".edges", ".edgelist", ".el", NULL}},
    {LRS_FMT_MTX, "mtx", {"mm", NULL}, {".mtx", ".mm", NULL}},
    {LRS_FMT_NPY, "npy", {NULL}, {".npy", NULL}},
    {LRS_FMT_NPZ, "npz", {NULL}, {".npz", NULL}},
    {LRS_FMT_MAT, "mat", {"matlab", NULL}, {".mat", NULL}},
    {LRS_FMT_GRAPHML, "graphml", {NULL}, {".graphml", NULL}},
    {LRS_FMT_GML, "gml", {NULL}, {".gml", NULL}},
    {LRS_FMT_PAJEK, "pajek", {"net", NULL}, {".net", ".paj", ".pajek", NULL}},
    {LRS_FMT_NCOL, "ncol", {NULL}, {".ncol", NULL}},
    {LRS_FMT_LGL, "lgl", {NULL}, {".lgl", NULL}},
    {LRS_FMT_DIMACS, "dimacs", {NULL}, {".dimacs", ".max", NULL}},
    {LRS_FMT_DL, "dl", {NULL}, {".dl", NULL}},
};
#define NFMT (sizeof fmt_tab / sizeof fmt_tab[0])

int lrs_io_format_parse(const char *name, lrs_io_format_t *fmt, lrs_err_t *err)
{
    size_t i, k;
    if (!name || !fmt)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_format_parse: NULL argument");
    for (i = 0; i < NFMT; i++) {
        int hit = strcmp(name, fmt_tab[i].name) == 0;
        for (k = 0; !hit && fmt_tab[i].aliases[k]; k++)
            hit = strcmp(name, fmt_tab[i].aliases[k]) == 0;
        if (hit) {
            *fmt = fmt_tab[i].f;
            return LRS_OK;
        }
    }
    return lrs_err_set(err, LRS_EINVAL,
                       "unknown format '%s'; expected auto, dense, edges, mtx, npy, npz, mat, "
                       "graphml, gml, pajek, ncol, lgl, dimacs or dl", name);
}

const char *lrs_io_format_name(lrs_io_format_t fmt)
{
    size_t i;
    for (i = 0; i < NFMT; i++)
        if (fmt_tab[i].f == fmt)
            return fmt_tab[i].name;
    return "unknown";
}

lrs_io_read_opts_t lrs_io_read_opts_default(void)
{
    lrs_io_read_opts_t o;
    memset(&o, 0, sizeof o);
    o.format = LRS_FMT_AUTO;
    o.max_n = LRS_IO_MAX_N_DEFAULT;
    o.max_bytes = LRS_IO_MAX_BYTES_DEFAULT;
    o.base = -1;
    return o;
}

void lrs_io_read_info_init(lrs_io_read_info_t *info)
{
    if (info)
        memset(info, 0, sizeof *info);
}

void lrs_io_read_info_clear(lrs_io_read_info_t *info)
{
    size_t k;
    if (!info)
        return;
    if (info->names) {
        for (k = 0; k < info->nnames; k++)
            free(info->names[k]);
        free(info->names);
    }
    memset(info, 0, sizeof *info);
}

/* ------------------------------------------------------------------ detection */

/* Length of name without a compression suffix (.gz, .bz2, .xz); *zext gets
 * the suffix's decoder name or NULL. */
static size_t stem_len(const char *name, const char **zext)
{
    static const struct { const char *ext, *kind; } z[] = {
        {".gz", "gzip"}, {".bz2", "bzip2"}, {".xz", "xz"}};
    size_t n = strlen(name), i, k;
    *zext = NULL;
    for (i = 0; i < sizeof z / sizeof z[0]; i++) {
        size_t e = strlen(z[i].ext);
        if (n <= e)
            continue;
        for (k = 0; k < e; k++)
            if (tolower((unsigned char)name[n - e + k]) != z[i].ext[k])
                break;
        if (k == e) {
            *zext = z[i].kind;
            return n - e;
        }
    }
    return n;
}

static int has_ext(const char *name, const char *ext)
{
    const char *z;
    size_t n = stem_len(name, &z), e = strlen(ext);
    size_t i;
    if (n < e)
        return 0;
    for (i = 0; i < e; i++)
        if (tolower((unsigned char)name[n - e + i]) != ext[i])
            return 0;
    return 1;
}

static lrs_io_format_t format_by_ext(const char *name)
{
    size_t i, k;
    for (i = 0; i < NFMT; i++)
        for (k = 0; fmt_tab[i].exts[k]; k++)
            if (has_ext(name, fmt_tab[i].exts[k]))
                return fmt_tab[i].f;
    return LRS_FMT_AUTO;
}

static int starts_ci(const char *p, size_t len, const char *word)
{
    size_t i, n = strlen(word);
    if (len < n)
        return 0;
    for (i = 0; i < n; i++)
        if (tolower((unsigned char)p[i]) != tolower((unsigned char)word[i]))
            return 0;
    return 1;
}

/* Binary formats that are not matrices lrs reads, named for the message. */
static const char *foreign_binary(const unsigned char *p, size_t n)
{
    static const struct { size_t off, len; const char *magic, *what; } tab[] = {
        {0, 8, "\x89HDF\r\n\x1a\n", "HDF5 file without a MATLAB header (a MATLAB v7.3 file "
                                    "starts with 'MATLAB 7.3 MAT-file'); read it with h5py"},
        {0, 4, "\x89PNG", "PNG image"},
        {0, 4, "%PDF", "PDF document"},
        {0, 4, "\x7f" "ELF", "ELF executable"},
        {0, 16, "SQLite format 3", "SQLite database"},
        {0, 4, "PAR1", "Parquet file"},
        {0, 6, "7z\xbc\xaf\x27\x1c", "7-Zip archive"},
        {257, 5, "ustar", "tar archive (unpack it first)"},
        {0, 8, "\x80\x02\x63\x6e\x75\x6d\x70\x79", "Python pickle"},
    };
    size_t i;
    for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (n >= tab[i].off + tab[i].len && memcmp(p + tab[i].off, tab[i].magic, tab[i].len) == 0)
            return tab[i].what;
    return NULL;
}

/* The first line that is not blank and not a comment ('#' or '%'). */
static const char *first_data_line(const char *p, size_t n, size_t *len)
{
    size_t i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && p[e] != '\n' && p[e] != '\r')
            e++;
        if (!io_is_skippable(p + i, e - i)) {
            while (i < e && (p[i] == ' ' || p[i] == '\t'))
                i++;
            *len = e - i;
            return p + i;
        }
        i = e + 1;
    }
    *len = 0;
    return p + n;
}

/* The next occurrence of word in p[0..n) at or after from (n if none):
 * memchr for its first byte, then one comparison per candidate. */
static size_t find_word(const char *p, size_t n, size_t from, const char *word)
{
    size_t w = strlen(word);
    const char *q;
    while (from + w <= n && (q = memchr(p + from, word[0], n - from - w + 1)) != NULL) {
        from = (size_t)(q - p);
        if (memcmp(q, word, w) == 0)
            return from;
        from++;
    }
    return n;
}

static int contains(const char *p, size_t n, const char *word)
{
    return find_word(p, n, 0, word) < n;
}

/* GML: the key "graph" followed by '[' (after Creator/Version lines). */
static int looks_gml(const char *p, size_t n)
{
    size_t i;
    for (i = find_word(p, n, 0, "graph"); i < n; i = find_word(p, n, i + 1, "graph")) {
        size_t k;
        if (i > 0 && !isspace((unsigned char)p[i - 1]))
            continue;
        for (k = i + 5; k < n && isspace((unsigned char)p[k]); k++)
            ;
        if (k < n && p[k] == '[')
            return 1;
    }
    return 0;
}

/* Detection by magic bytes, then extension, then content (lrs/io.h). */
static lrs_io_format_t detect_format(const io_ctx_t *c, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    lrs_io_format_t f;
    const char *line;
    size_t len;
    if (n >= 6 && memcmp(p, "\x93NUMPY", 6) == 0)
        return LRS_FMT_NPY;
    if (n >= 4 && (memcmp(u, "PK\x03\x04", 4) == 0 || memcmp(u, "PK\x05\x06", 4) == 0))
        return LRS_FMT_NPZ;
    if (n >= 10 && memcmp(p, "MATLAB ", 7) == 0 && n >= 128 &&
        (memcmp(p + 126, "IM", 2) == 0 || memcmp(p + 126, "MI", 2) == 0))
        return LRS_FMT_MAT;
    if ((f = format_by_ext(c->name)) != LRS_FMT_AUTO)
        return f;
    line = first_data_line(p, n, &len);
    if (starts_ci(p, n, "%%MatrixMarket"))
        return LRS_FMT_MTX;
    if (contains(p, n, "<graphml"))
        return LRS_FMT_GRAPHML;
    if (starts_ci(line, len, "*vertices"))
        return LRS_FMT_PAJEK;
    if (starts_ci(line, len, "dl") && len > 2 && isspace((unsigned char)line[2]))
        return LRS_FMT_DL;
    if (looks_gml(p, n))
        return LRS_FMT_GML;
    if (c->o.ids || c->o.undirected || c->o.nodes || c->o.base >= 0 || c->o.compact)
        return LRS_FMT_EDGES;
    return LRS_FMT_DENSE; /* io_read_dense decides edges vs dense on content */
}

/* Text formats: refuse binary data up front, naming a known binary format
 * or pointing at the first offending byte of the first 4 KB. */
static int refuse_binary(const io_ctx_t *c, const char *p, size_t avail, lrs_err_t *err)
{
    size_t b = io_binary_at(p, avail), line = 1, col = 1, k, qn = 0;
    const char *what;
    char q[160];
    if (b == avail)
        return LRS_OK;
    if ((what = foreign_binary((const unsigned char *)p, avail)))
        return io_err(c, err, LRS_EPARSE, 0, 0, "%s, not a matrix lrs reads", what);
    for (k = 0; k < b; k++) {
        if (p[k] == '\n' || (p[k] == '\r' && !(k + 1 < b && p[k + 1] == '\n'))) {
            line++;
            col = 1;
        } else if (p[k] != '\r') {
            col++;
        }
    }
    while (qn < 8 && b + qn < avail && p[b + qn] != '\n' && p[b + qn] != '\r')
        qn++;
    return io_err(c, err, LRS_EPARSE, line, col, "binary data, not a text matrix ('%s')",
                  lrs_io_quote(p + b, qn ? qn : 1, q, sizeof q));
}

static int is_text_format(lrs_io_format_t f)
{
    return f == LRS_FMT_DENSE || f == LRS_FMT_EDGES || f == LRS_FMT_MTX ||
           f == LRS_FMT_GML || f == LRS_FMT_PAJEK || f == LRS_FMT_NCOL ||
           f == LRS_FMT_LGL || f == LRS_FMT_DIMACS || f == LRS_FMT_DL;
}

/* Nonzeros of a dense result (dense text, Matrix Market array, npy) in
 * coordinate form, row by row. */
static int coo_from_dense(const gsl_matrix *W, lrs_io_coo_t *out, const char *name,
                          lrs_err_t *err)
{
    size_t a, b, n = 0;
    for (a = 0; a < W->size1; a++)
        for (b = 0; b < W->size2; b++)
            n += W->data[a * W->tda + b] != 0;
    if (io_coo_alloc(out, n)) {
        lrs_io_coo_free(out);
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for %zu entries", name, n);
    }
    out->rows = W->size1;
    out->cols = W->size2;
    for (a = 0; a < W->size1; a++)
        for (b = 0; b < W->size2; b++)
            if (W->data[a * W->tda + b] != 0) {
                out->i[out->nnz] = (uint32_t)a;
                out->j[out->nnz] = (uint32_t)b;
                out->w[out->nnz++] = W->data[a * W->tda + b];
            }
    return LRS_OK;
}

/* ------------------------------------------------------------------ dispatch */

static int setup_ctx(io_ctx_t *c, io_src_t *src, const char *name,
                     const lrs_io_read_opts_t *opts, lrs_err_t *err)
{
    c->o = opts ? *opts : lrs_io_read_opts_default();
    if (c->o.max_n == 0)
        c->o.max_n = LRS_IO_MAX_N_DEFAULT;
    if (c->o.max_bytes == 0)
        c->o.max_bytes = LRS_IO_MAX_BYTES_DEFAULT;
    if (c->o.base > 1 || c->o.base < -1)
        return lrs_err_set(err, LRS_EINVAL, "lrs_read: base is %d; expected 0 or 1",
                           c->o.base);
    if ((int)c->o.format < 0 || (size_t)c->o.format >= NFMT)
        return lrs_err_set(err, LRS_EINVAL, "lrs_read: unknown format %d", (int)c->o.format);
    if (c->o.max_n > UINT32_MAX - 2 || c->coo)
        c->o.max_n = UINT32_MAX - 2;
    c->src = src;
    c->name = name;
    src->name = name;
    src->max_line = 64 * c->o.max_n > ((size_t)1 << 20) ? 64 * c->o.max_n : ((size_t)1 << 20);
    return LRS_OK;
}

/* Decompress if the magic bytes say so; a compression suffix without them
 * is an error.  Then the first bytes for detection are in c->src. */
static int open_layers(io_ctx_t *c, const char **kind, lrs_err_t *err)
{
    const char *zext;
    int rc;
    char q[160];
    stem_len(c->name, &zext);
    if ((rc = io_decomp_push(c, kind, err)))
        return rc;
    if (zext && !*kind) {
        size_t n = c->src->end - c->src->beg;
        return io_err(c, err, LRS_EPARSE, 0, 0, "named like %s data but it is not: bad magic "
                      "bytes ('%s')", zext,
                      lrs_io_quote(c->src->buf ? c->src->buf + c->src->beg : "",
                                   n < 6 ? n : 6, q, sizeof q));
    }
    return io_src_fill(c->src, IO_SNIFF, err);
}

/* The formats read without external libraries (lrs_io_read_plain). */
int io_dispatch_plain(io_ctx_t *c, lrs_io_format_t fmt, int detected, gsl_matrix **out,
                      lrs_err_t *err)
{
    switch (fmt) {
    case LRS_FMT_DENSE: return io_read_dense(c, detected, out, err);
    case LRS_FMT_EDGES: return io_read_edges(c, out, err);
    case LRS_FMT_MTX: return io_read_mtx(c, out, err);
    case LRS_FMT_NPY: return io_read_npy(c, out, err);
    default:
        return io_err(c, err, LRS_EINVAL, 0, 0, "a %s file; lrs_io_read_plain reads dense "
                      "text, edge lists, Matrix Market and .npy (lrs_io_read_matrix reads "
                      "every format)", lrs_io_format_name(fmt));
    }
}

int io_read_source(io_src_t *src, const char *name, const char *path,
                   const lrs_io_read_opts_t *opts, gsl_matrix **out, lrs_io_coo_t *coo,
                   lrs_io_read_info_t *info, io_dispatch_fn dispatch, lrs_err_t *err)
{
    io_ctx_t c;
    lrs_io_read_info_t local;
    lrs_io_format_t fmt;
    const char *kind = NULL, *p;
    int rc, detected = 0;
    size_t avail;

    memset(&c, 0, sizeof c);
    c.info = info ? info : &local;
    lrs_io_read_info_init(c.info);
    c.path = path;
    c.coo = coo;
    if ((rc = setup_ctx(&c, src, name, opts, err)) || (rc = open_layers(&c, &kind, err)))
        goto done;
    c.info->compression = kind;
    p = c.src->buf ? c.src->buf + c.src->beg : "";
    avail = c.src->end - c.src->beg;
    fmt = c.o.format;
    if (fmt == LRS_FMT_AUTO) {
        detected = 1;
        fmt = detect_format(&c, p, avail);
    }
    if (is_text_format(fmt) && (rc = refuse_binary(&c, p, avail, err)))
        goto done;
    if ((rc = dispatch(&c, fmt, detected, out, err)))
        goto done;
    if (coo && *out) {
        rc = coo_from_dense(*out, coo, name, err);
        gsl_matrix_free(*out);
        *out = NULL;
        if (rc)
            goto done;
    }
    c.info->detected = detected;
    if (c.info->format == LRS_FMT_AUTO)
        c.info->format = fmt;
    c.info->rows = coo ? coo->rows : (*out)->size1;
    c.info->cols = coo ? coo->cols : (*out)->size2;
done:
    if (rc != LRS_OK || c.info == &local)
        lrs_io_read_info_clear(c.info);
    return rc;
}

int io_read_file(const char *path, const lrs_io_read_opts_t *opts, gsl_matrix **out,
                 lrs_io_coo_t *coo, lrs_io_read_info_t *info, io_dispatch_fn dispatch,
                 lrs_err_t *err)
{
    io_src_t s;
    int in = strcmp(path, "-") == 0, rc;
    FILE *fp = in ? stdin : fopen(path, "rb");
    if (!fp)
        return lrs_err_set(err, LRS_EIO, "%s: cannot open: %s", path, strerror(errno));
    memset(&s, 0, sizeof s);
    s.fp = fp;
    rc = io_read_source(&s, in ? "<stdin>" : path, in ? NULL : path, opts, out, coo, info,
                        dispatch, err);
    io_src_release(&s);
    if (!in)
        fclose(fp);
    return rc;
}

int lrs_io_read_plain(const char *path, const lrs_io_read_opts_t *opts, gsl_matrix **out,
                      lrs_io_read_info_t *info, lrs_err_t *err)
{
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_plain: out is NULL");
    *out = NULL;
    if (!path)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_plain: path is NULL");
    return io_read_file(path, opts, out, NULL, info, io_dispatch_plain, err);
}
