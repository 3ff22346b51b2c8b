/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_npy.c -- NumPy .npy reader (see lrs/io.h).
 *
 * Layout (numpy.lib.format): 6 magic bytes "\x93NUMPY", major and minor
 * version bytes; version 1.x: a little-endian uint16 header length, 2.x and
 * 3.x: uint32; then the header, an ASCII Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ended by '\n'; then rows*cols items of the dtype,
 * row-major (C order) or column-major (Fortran order), nothing after.
 * Messages give "FILE:1:COL" with COL the 1-based byte offset in the file.
 */
#include "io_core.h"
#include "io_readers.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct npy_hdr {
    char kind;     /* 'f', 'i', 'u', 'b' */
    int size;      /* bytes per item */
    int big;       /* big-endian items */
    int fortran;
    size_t ndim;
    unsigned long long shape[8];
    int have_descr, have_order, have_shape;
    size_t hdr_off;  /* file offset of the header dict */
} npy_hdr_t;

typedef struct npy_parse {
    const char *h;
    size_t n, i, off; /* off: file offset of h[0] */
    io_ctx_t *c;
} npy_parse_t;

static void ws(npy_parse_t *p)
{
    while (p->i < p->n && isspace((unsigned char)p->h[p->i]))
        p->i++;
}

static int perr(npy_parse_t *p, lrs_err_t *err, const char *what)
{
    char q[160];
    size_t at = p->i < p->n ? p->i : p->n;
    size_t show = p->n - at < 16 ? p->n - at : 16;
    return io_err(p->c, err, LRS_EPARSE, 1, p->off + at + 1, "bad npy header: %s ('%s')", what,
                  lrs_io_quote(p->h + at, show, q, sizeof q));
}

/* A quoted Python string: start and length of its content. */
static int pstring(npy_parse_t *p, size_t *s, size_t *len, lrs_err_t *err)
{
    char qc;
    ws(p);
    if (p->i >= p->n || (p->h[p->i] != '\'' && p->h[p->i] != '"'))
        return perr(p, err, "expected a quoted string");
    qc = p->h[p->i++];
    *s = p->i;
    while (p->i < p->n && p->h[p->i] != qc)
        p->i++;
    if (p->i >= p->n)
        return perr(p, err, "unterminated string");
    *len = p->i - *s;
    p->i++;
    return LRS_OK;
}

static int pchar(npy_parse_t *p, char ch, lrs_err_t *err)
{
    char what[32];
    ws(p);
    if (p->i < p->n && p->h[p->i] == ch) {
        p->i++;
        return LRS_OK;
    }
    snprintf(what, sizeof what, "expected '%c'", ch);
    return perr(p, err, what);
}

static int parse_descr(npy_parse_t *p, npy_hdr_t *hd, lrs_err_t *err)
{
    size_t s, len, k;
    const char *d;
    char q[160];
    ws(p);
    if (p->i < p->n && p->h[p->i] == '[')
        return perr(p, err, "structured dtypes are not supported");
    if (pstring(p, &s, &len, err))
        return err ? err->code : LRS_EPARSE;
    d = p->h + s;
    k = 0;
    hd->big = 0;
    if (len > 0 && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
        hd->big = d[0] == '>';
        k = 1;
    }
    if (len - k < 2 || len - k > 3)
        goto bad;
    hd->kind = d[k];
    if (!isdigit((unsigned char)d[k + 1]) || (len - k == 3 && !isdigit((unsigned char)d[k + 2])))
        goto bad;
    hd->size = atoi(d + k + 1);
    if (len - k == 3)
        hd->size = (d[k + 1] - '0') * 10 + (d[k + 2] - '0');
    if ((hd->kind == 'f' && (hd->size == 2 || hd->size == 4 || hd->size == 8)) ||
        ((hd->kind == 'i' || hd->kind == 'u') &&
         (hd->size == 1 || hd->size == 2 || hd->size == 4 || hd->size == 8)) ||
        (hd->kind == 'b' && hd->size == 1)) {
        hd->have_descr = 1;
        return LRS_OK;
    }
bad:
    return io_err(p->c, err, LRS_EPARSE, 1, p->off + s + 1,
                  "unsupported npy dtype; expected float64, float32, float16, an integer "
                  "type or bool ('%s')", lrs_io_quote(d, len, q, sizeof q));
}

static int parse_shape(npy_parse_t *p, npy_hdr_t *hd, lrs_err_t *err)
{
    if (pchar(p, '(', err))
        return err ? err->code : LRS_EPARSE;
    hd->ndim = 0;
    for (;;) {
        unsigned long long v = 0;
        size_t start;
        ws(p);
        if (p->i < p->n && p->h[p->i] == ')') {
            p->i++;
            break;
        }
        start = p->i;
        while (p->i < p->n && isdigit((unsigned char)p->h[p->i])) {
            if (v > 1000000000000ULL)
                return perr(p, err, "dimension too large");
            v = v * 10 + (unsigned long long)(p->h[p->i] - '0');
            p->i++;
        }
        if (p->i == start)
            return perr(p, err, "expected a dimension");
        if (p->i < p->n && p->h[p->i] == 'L')
            p->i++; /* Python 2 long */
        if (hd->ndim == 8)
            return perr(p, err, "more than 8 dimensions");
        hd->shape[hd->ndim++] = v;
        ws(p);
        if (p->i < p->n && p->h[p->i] == ',') {
            p->i++;
            continue;
        }
        if (pchar(p, ')', err))
            return err ? err->code : LRS_EPARSE;
        break;
    }
    hd->have_shape = 1;
    return LRS_OK;
}

static int parse_header(npy_parse_t *p, npy_hdr_t *hd, lrs_err_t *err)
{
    if (pchar(p, '{', err))
        return err ? err->code : LRS_EPARSE;
    for (;;) {
        size_t s, len;
        ws(p);
        if (p->i < p->n && p->h[p->i] == '}') {
            p->i++;
            break;
        }
        if (pstring(p, &s, &len, err))
            return err ? err->code : LRS_EPARSE;
        if (pchar(p, ':', err))
            return err ? err->code : LRS_EPARSE;
        ws(p);
        if (len == 5 && memcmp(p->h + s, "descr", 5) == 0) {
            if (parse_descr(p, hd, err))
                return err ? err->code : LRS_EPARSE;
        } else if (len == 13 && memcmp(p->h + s, "fortran_order", 13) == 0) {
            if (p->n - p->i >= 4 && memcmp(p->h + p->i, "True", 4) == 0) {
                hd->fortran = 1;
                p->i += 4;
            } else if (p->n - p->i >= 5 && memcmp(p->h + p->i, "False", 5) == 0) {
                hd->fortran = 0;
                p->i += 5;
            } else {
                return perr(p, err, "fortran_order must be True or False");
            }
            hd->have_order = 1;
        } else if (len == 5 && memcmp(p->h + s, "shape", 5) == 0) {
            if (parse_shape(p, hd, err))
                return err ? err->code : LRS_EPARSE;
        } else {
            p->i = s;
            return perr(p, err, "unknown key");
        }
        ws(p);
        if (p->i < p->n && p->h[p->i] == ',') {
            p->i++;
            continue;
        }
        if (pchar(p, '}', err))
            return err ? err->code : LRS_EPARSE;
        break;
    }
    if (!hd->have_descr || !hd->have_order || !hd->have_shape) {
        p->i = 0;
        return perr(p, err, !hd->have_descr ? "no 'descr'"
                            : !hd->have_order ? "no 'fortran_order'" : "no 'shape'");
    }
    return LRS_OK;
}

/* An IEEE 754 binary16 number (numpy's float16) from its 16 bits: sign,
 * 5-bit exponent (bias 15), 10-bit fraction; exponent 0: subnormal
 * fraction 2^-24, exponent 31: infinity or NaN.  Exact in double. */
static double half_value(unsigned h)
{
    unsigned e = (h >> 10) & 0x1f, f = h & 0x3ff;
    double v = e == 0 ? ldexp((double)f, -24)
             : e == 31 ? (f ? NAN : INFINITY)
                       : ldexp((double)(f | 0x400), (int)e - 25);
    return h & 0x8000 ? -v : v;
}

static double item_value(const unsigned char *b, const npy_hdr_t *hd)
{
    unsigned char t[8];
    int k;
    if (hd->big)
        for (k = 0; k < hd->size; k++)
            t[k] = b[hd->size - 1 - k];
    else
        memcpy(t, b, (size_t)hd->size);
    /* t is little-endian now; assemble portably */
    {
        unsigned long long u = 0;
        for (k = hd->size - 1; k >= 0; k--)
            u = (u << 8) | t[k];
        switch (hd->kind) {
        case 'f':
            if (hd->size == 2)
                return half_value((unsigned)u);
            if (hd->size == 8) {
                double d;
                memcpy(&d, &u, 8);
                return d;
            } else {
                float f;
                uint32_t u32 = (uint32_t)u;
                memcpy(&f, &u32, 4);
                return (double)f;
            }
        case 'b':
            return u ? 1.0 : 0.0;
        case 'u':
            return (double)u;
        default: { /* 'i': sign-extend */
            int bits = 8 * hd->size;
            long long s;
            if (bits < 64 && (u >> (bits - 1)) & 1ULL)
                u |= ~0ULL << bits;
            memcpy(&s, &u, 8);
            return (double)s;
        }
        }
    }
}

/* Preamble (magic, version, header length) and header dict: hd filled,
 * *data_off = the file offset of the first data byte. */
static int read_header(io_ctx_t *c, npy_hdr_t *hd, size_t *data_off, lrs_err_t *err)
{
    unsigned char pre[12];
    char *hbuf = NULL, q[160];
    size_t got, hlen, pre_len;
    npy_parse_t p;
    int rc = LRS_OK;

    memset(hd, 0, sizeof *hd);
    got = io_src_take(c->src, pre, 8, &rc, err);
    if (rc)
        goto done;
    if (got == 0) {
        rc = io_err(c, err, LRS_EPARSE, 1, 1, "empty input; expected a .npy file");
        goto done;
    }
    if (got < 6 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        rc = io_err(c, err, LRS_EPARSE, 1, 1, "not a NumPy .npy file: bad magic ('%s')",
                    lrs_io_quote((const char *)pre, got, q, sizeof q));
        goto done;
    }
    if (got < 8) {
        rc = io_err(c, err, LRS_EPARSE, 1, got + 1, "truncated npy preamble (%zu of 8 bytes)", got);
        goto done;
    }
    if (pre[6] < 1 || pre[6] > 3) {
        rc = io_err(c, err, LRS_EPARSE, 1, 7, "unsupported npy version %d.%d ('\\x%02x')",
                    pre[6], pre[7], pre[6]);
        goto done;
    }
    pre_len = pre[6] == 1 ? 10 : 12;
    got = io_src_take(c->src, pre + 8, pre_len - 8, &rc, err);
    if (rc)
        goto done;
    if (got < pre_len - 8) {
        rc = io_err(c, err, LRS_EPARSE, 1, 8 + got + 1, "truncated npy preamble");
        goto done;
    }
    hlen = pre[6] == 1 ? (size_t)pre[8] | (size_t)pre[9] << 8
                       : (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
                             (size_t)pre[11] << 24;
    if (hlen > ((size_t)1 << 20)) {
        rc = io_err(c, err, LRS_EPARSE, 1, 9, "npy header length %zu is implausible (over 1 MiB)",
                    hlen);
        goto done;
    }
    hbuf = malloc(hlen + 1);
    if (!hbuf) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
        goto done;
    }
    got = io_src_take(c->src, hbuf, hlen, &rc, err);
    if (rc)
        goto done;
    if (got < hlen) {
        rc = io_err(c, err, LRS_EPARSE, 1, pre_len + got + 1,
                    "truncated npy header: %zu of %zu bytes", got, hlen);
        goto done;
    }
    hbuf[hlen] = '\0';
    p.h = hbuf;
    p.n = hlen;
    p.i = 0;
    p.off = pre_len;
    p.c = c;
    hd->hdr_off = pre_len;
    rc = parse_header(&p, hd, err);
    *data_off = pre_len + hlen;
done:
    free(hbuf);
    return rc;
}

/* "(3, 4)", "(5,)" */
static void shape_str(const npy_hdr_t *hd, char *shp, size_t size)
{
    size_t o = 0, k;
    o += (size_t)snprintf(shp + o, size - o, "(");
    for (k = 0; k < hd->ndim && o < size - 30; k++)
        o += (size_t)snprintf(shp + o, size - o, "%s%llu", k ? ", " : "", hd->shape[k]);
    snprintf(shp + o, size - o, "%s)", hd->ndim == 1 ? "," : "");
}

/* A 2-D, non-empty shape within the limits (and square unless allowed). */
static int check_shape(io_ctx_t *c, const npy_hdr_t *hd, size_t hdr_col, lrs_err_t *err)
{
    size_t rows, cols;
    int rc;
    if (hd->ndim != 2) {
        char shp[200];
        shape_str(hd, shp, sizeof shp);
        return io_err(c, err, LRS_EPARSE, 1, hdr_col,
                      "npy array has %zu dimension%s %s; expected a 2-D matrix ('%s')",
                      hd->ndim, hd->ndim == 1 ? "" : "s", shp, shp);
    }
    if (hd->shape[0] > c->o.max_n || hd->shape[1] > c->o.max_n)
        return io_err(c, err, LRS_ELIMIT, 1, hdr_col,
                      "matrix of %llux%llu is larger than --max-n %zu ('(%llu, %llu)')",
                      hd->shape[0], hd->shape[1], c->o.max_n, hd->shape[0], hd->shape[1]);
    rows = (size_t)hd->shape[0];
    cols = (size_t)hd->shape[1];
    if (rows == 0 || cols == 0)
        return io_err(c, err, LRS_EPARSE, 1, hdr_col, "npy matrix is empty ('(%zu, %zu)')",
                      rows, cols);
    if ((rc = io_check_size(c, rows, cols, 1, hdr_col, err)))
        return rc;
    return io_check_square(c, rows, cols, 1, NULL, err);
}

/* rows*cols items into W (C or Fortran order), refusing non-finite values
 * and short data. */
static int read_data(io_ctx_t *c, const npy_hdr_t *hd, size_t data_off, gsl_matrix *W,
                     lrs_err_t *err)
{
    size_t rows = W->size1, cols = W->size2, total = rows * cols, done_items = 0, k, got;
    size_t isz = (size_t)hd->size;
    unsigned char *chunk = malloc(65536);
    int rc = LRS_OK;
    if (!chunk)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    while (done_items < total) {
        size_t want = (total - done_items) * isz, n;
        if (want > 65536)
            want = 65536 - 65536 % isz;
        got = io_src_take(c->src, chunk, want, &rc, err);
        if (rc)
            goto done;
        n = got / isz;
        for (k = 0; k < n; k++) {
            size_t idx = done_items + k;
            size_t i = hd->fortran ? idx % rows : idx / cols;
            size_t j = hd->fortran ? idx / rows : idx % cols;
            double v = item_value(chunk + k * isz, hd);
            if (!isfinite(v)) {
                rc = io_err(c, err, LRS_ENONFINITE, 1, data_off + idx * isz + 1,
                            "non-finite value at [%zu, %zu] ('%s')", i, j,
                            isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
                goto done;
            }
            W->data[i * cols + j] = v;
        }
        done_items += n;
        if (got < want) {
            rc = io_err(c, err, LRS_EPARSE, 1, data_off + done_items * isz + got % isz + 1,
                        "truncated npy data: %zu of %zu bytes", done_items * isz + got % isz,
                        total * isz);
            goto done;
        }
    }
done:
    free(chunk);
    return rc;
}

int io_npy_peek(io_ctx_t *c, io_npy_desc_t *d, lrs_err_t *err)
{
    npy_hdr_t hd;
    size_t off, k;
    int rc = read_header(c, &hd, &off, err);
    if (rc)
        return rc;
    d->kind = hd.kind;
    d->size = hd.size;
    d->ndim = hd.ndim;
    for (k = 0; k < hd.ndim; k++)
        d->shape[k] = hd.shape[k];
    return LRS_OK;
}

int io_read_npy(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err)
{
    gsl_matrix *W = NULL;
    size_t data_off = 0, got;
    npy_hdr_t hd;
    unsigned char extra;
    int rc;

    *out = NULL;
    c->info->format = LRS_FMT_NPY;
    if ((rc = read_header(c, &hd, &data_off, err)))
        goto done;
    if ((rc = check_shape(c, &hd, hd.hdr_off + 1, err)))
        goto done;
    W = io_matrix_calloc((size_t)hd.shape[0], (size_t)hd.shape[1]);
    if (!W) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for a %llux%llu matrix", c->name,
                         hd.shape[0], hd.shape[1]);
        goto done;
    }
    if ((rc = read_data(c, &hd, data_off, W, err)))
        goto done;
    got = io_src_take(c->src, &extra, 1, &rc, err);
    if (rc)
        goto done;
    if (got) {
        size_t nbytes = W->size1 * W->size2 * (size_t)hd.size;
        rc = io_err(c, err, LRS_EPARSE, 1, data_off + nbytes + 1,
                    "unexpected bytes after the npy data (shape (%zu, %zu) says %zu bytes)",
                    W->size1, W->size2, nbytes);
        goto done;
    }
    *out = W;
    W = NULL;
done:
    if (W)
        gsl_matrix_free(W);
    return rc;
}
