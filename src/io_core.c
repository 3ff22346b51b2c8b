/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_core.c -- the plumbing every reader shares (see io_core.h): the one
 * number parser, error formatting, the byte source (with an optional
 * decoder underneath), the field splitter, size limits, the entry builder
 * and the node-name table.  It knows no format: the readers (io_text.c,
 * io_mtx.c, io_npy.c, io_zip.c, io_mat.c, io_graph.c, io_decomp.c) build on
 * it and io.c dispatches between them.
 */
#include "io_core.h"
#include "la_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ numbers */

const char *lrs_io_quote(const char *tok, size_t len, char *buf, size_t bufsize)
{
    size_t o = 0, i;
    const size_t show = 40;
    if (!buf || bufsize == 0)
        return "";
    for (i = 0; i < len && i < show; i++) {
        unsigned char ch = (unsigned char)tok[i];
        char tmp[8];
        int k;
        if (ch >= 0x20 && ch < 0x7f)
            k = snprintf(tmp, sizeof tmp, "%c", ch);
        else
            k = snprintf(tmp, sizeof tmp, "\\x%02x", ch);
        if (o + (size_t)k + 4 >= bufsize)
            break;
        memcpy(buf + o, tmp, (size_t)k);
        o += (size_t)k;
    }
    if (i < len && o + 4 < bufsize) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static void trim(const char **tok, size_t *len)
{
    const char *p = *tok;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' ||
                 p[n - 1] == '\n'))
        n--;
    *tok = p;
    *len = n;
}

/* "<what> ('<token, quoted>')" into err with code; returns code. */
static int token_error(lrs_err_t *err, int code, const char *what, const char *tok, size_t len)
{
    char q[160];
    return lrs_err_set(err, code, "%s ('%s')", what, lrs_io_quote(tok, len, q, sizeof q));
}

/* strtod (d non-NULL) or base-10 strtoll (into *ll) over a NUL-terminated
 * copy of tok[0..len) (on the stack when short, else on the heap): LRS_OK
 * when the whole token converts, *range = 1 if it overflowed (ERANGE);
 * -1 when it does not convert entirely; LRS_ENOMEM (err set) without memory
 * for the copy. */
static int token_convert(const char *tok, size_t len, double *d, long long *ll, int *range,
                         lrs_err_t *err)
{
    char small[128], *s = small, *heap = NULL, *end;
    if (len + 1 > sizeof small) {
        s = heap = malloc(len + 1);
        if (!heap)
            return lrs_err_set(err, LRS_ENOMEM, "out of memory");
    }
    memcpy(s, tok, len);
    s[len] = '\0';
    errno = 0;
    if (d)
        *d = strtod(s, &end);
    else
        *ll = strtoll(s, &end, 10);
    *range = errno == ERANGE;
    int whole = end == s + len && end != s;
    free(heap);
    return whole ? LRS_OK : -1;
}

int lrs_io_parse_double(const char *tok, size_t len, double *out, lrs_err_t *err)
{
    int range, rc;
    if (!tok || !out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_parse_double: NULL argument");
    trim(&tok, &len);
    if (len == 0)
        return lrs_err_set(err, LRS_EPARSE, "empty field ('')");
    /* strtod also takes hex floats, "infinity", "nan(...)": allow only a
     * decimal number or the words inf/infinity/nan (refused below as
     * non-finite); anything with an interior NUL is not a number. */
    {
        size_t k = 0, i;
        int word = 0;
        if (tok[0] == '+' || tok[0] == '-')
            k = 1;
        if (k < len && (tok[k] == 'i' || tok[k] == 'I' || tok[k] == 'n' || tok[k] == 'N'))
            word = 1;
        for (i = k; i < len; i++) {
            unsigned char ch = (unsigned char)tok[i];
            if (word) {
                if (!isalpha(ch))
                    break;
            } else if (!(isdigit(ch) || ch == '.' || ch == 'e' || ch == 'E' ||
                         ch == '+' || ch == '-')) {
                break;
            }
        }
        if (i < len || k == len)
            return token_error(err, LRS_EPARSE, "not a number", tok, len);
    }
    rc = token_convert(tok, len, out, NULL, &range, err);
    if (rc == LRS_ENOMEM)
        return rc;
    if (rc)
        return token_error(err, LRS_EPARSE, "not a number", tok, len);
    if (range && fabs(*out) > 1.0)
        return token_error(err, LRS_EPARSE, "number out of range", tok, len);
    if (!isfinite(*out))
        return token_error(err, LRS_ENONFINITE, "non-finite value", tok, len);
    return LRS_OK;
}

int lrs_io_parse_long(const char *tok, size_t len, long long *out, lrs_err_t *err)
{
    int range, rc;
    size_t i;
    if (!tok || !out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_parse_long: NULL argument");
    trim(&tok, &len);
    if (len == 0)
        return lrs_err_set(err, LRS_EPARSE, "empty field ('')");
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)tok[i];
        if (!(isdigit(ch) || (i == 0 && (ch == '+' || ch == '-'))))
            break;
    }
    if (i < len || (len == 1 && !isdigit((unsigned char)tok[0])))
        return token_error(err, LRS_EPARSE, "not an integer", tok, len);
    rc = token_convert(tok, len, NULL, out, &range, err);
    if (rc == LRS_ENOMEM)
        return rc;
    if (rc)
        return token_error(err, LRS_EPARSE, "not an integer", tok, len);
    if (range)
        return token_error(err, LRS_EPARSE, "integer out of range", tok, len);
    return LRS_OK;
}

/* ------------------------------------------------------------------ errors */

int io_err(const io_ctx_t *c, lrs_err_t *err, int code, size_t line, size_t col,
           const char *fmt, ...)
{
    if (err) {
        char msg[LRS_ERR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (line == 0)
            lrs_err_set(err, code, "%s: %s", c->name, msg);
        else
            lrs_err_set(err, code, "%s:%zu:%zu: %s", c->name, line, col, msg);
    }
    return code;
}

int io_err_wrap(const io_ctx_t *c, lrs_err_t *err, const lrs_err_t *sub,
                size_t line, size_t col)
{
    return io_err(c, err, sub->code, line, col, "%s", sub->msg);
}

void io_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t o = strlen(buf);
    va_list ap;
    if (o + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + o, size - o, fmt, ap);
    va_end(ap);
}

size_t io_binary_at(const char *p, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\v' && ch != '\f' &&
            ch != '\r')
            return i;
        if (ch == 0x7f)
            return i;
    }
    return len;
}

int io_is_skippable(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\v' ||
                       line[i] == '\f'))
        i++;
    return i == len || line[i] == '#' || line[i] == '%';
}

/* ------------------------------------------------------------------ source */

static size_t src_raw_read(io_src_t *s, char *dst, size_t n)
{
    if (s->pull)
        return s->pull(s, dst, n);
    if (s->fp) {
        size_t got = fread(dst, 1, n, s->fp);
        if (got < n) {
            if (ferror(s->fp))
                s->ioerr = 1;
            s->eof = 1;
        }
        return got;
    }
    {
        size_t left = s->memlen - s->mempos;
        size_t k = n < left ? n : left;
        if (k)
            memcpy(dst, s->mem + s->mempos, k);
        s->mempos += k;
        if (s->mempos >= s->memlen)
            s->eof = 1;
        return k;
    }
}

int io_src_fill(io_src_t *s, size_t want, lrs_err_t *err)
{
    while (s->end - s->beg < want && !s->eof) {
        size_t got;
        if (s->beg > 0) {
            memmove(s->buf, s->buf + s->beg, s->end - s->beg);
            s->end -= s->beg;
            s->beg = 0;
        }
        if (s->end == s->cap || s->cap - s->end < 4096) {
            size_t ncap = s->cap ? s->cap * 2 : 65536;
            char *nb;
            while (ncap < want + 1)
                ncap *= 2;
            nb = realloc(s->buf, ncap);
            if (!nb)
                return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory reading input",
                                   s->name);
            s->buf = nb;
            s->cap = ncap;
        }
        got = src_raw_read(s, s->buf + s->end, s->cap - s->end);
        s->end += got;
        if (s->perr.code) {
            if (err)
                *err = s->perr;
            return s->perr.code;
        }
        if (s->ioerr)
            return lrs_err_set(err, LRS_EIO, "%s: read error: %s", s->name,
                               strerror(errno ? errno : EIO));
    }
    return LRS_OK;
}

int io_src_getline(io_src_t *s, const char **line, size_t *len, lrs_err_t *err)
{
    size_t scanned = 0;
    for (;;) {
        char *p = s->buf ? s->buf + s->beg : NULL;
        size_t avail = s->end - s->beg, i;
        if (s->skip_lf && avail > 0) {
            if (p[0] == '\n') {
                s->beg++;
                continue;
            }
            s->skip_lf = 0;
        }
        for (i = scanned; i < avail; i++)
            if (p[i] == '\n' || p[i] == '\r')
                break;
        if (i < avail) {
            *line = p;
            *len = i;
            s->skip_lf = (p[i] == '\r');
            s->beg += i + 1;
            s->line++;
            if (i > s->max_line) {
                lrs_err_set(err, LRS_ELIMIT, "%s:%zu:1: line longer than %zu bytes",
                            s->name, s->line, s->max_line);
                return -1;
            }
            return 1;
        }
        scanned = avail;
        if (avail > s->max_line) {
            lrs_err_set(err, LRS_ELIMIT, "%s:%zu:1: line longer than %zu bytes", s->name,
                        s->line + 1, s->max_line);
            return -1;
        }
        if (s->eof) {
            if (avail == 0)
                return 0;
            *line = p;
            *len = avail;
            s->beg += avail;
            s->line++;
            return 1;
        }
        if (io_src_fill(s, avail + 65536, err))
            return -1;
    }
}

size_t io_src_take(io_src_t *s, void *dst, size_t n, int *rc, lrs_err_t *err)
{
    size_t done = 0;
    *rc = LRS_OK;
    while (done < n) {
        size_t avail = s->end - s->beg, k;
        if (avail == 0) {
            if (s->eof)
                break;
            s->beg = s->end = 0;
            if ((*rc = io_src_fill(s, n - done < 65536 ? n - done : 65536, err)))
                break;
            if (s->end == 0)
                break;
            continue;
        }
        k = avail < n - done ? avail : n - done;
        memcpy((char *)dst + done, s->buf + s->beg, k);
        s->beg += k;
        done += k;
    }
    return done;
}

/* ------------------------------------------------------------------ fields */

void io_tok_free(io_tok_t *t)
{
    if (t) {
        free(t->f);
        t->f = NULL;
        t->n = t->cap = 0;
    }
}

static int tok_push(io_tok_t *t, io_field_t f)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 64;
        io_field_t *nf = realloc(t->f, nc * sizeof *nf);
        if (!nf)
            return -1;
        t->f = nf;
        t->cap = nc;
    }
    t->f[t->n++] = f;
    return 0;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f';
}

int io_split(io_tok_t *t, const char *line, size_t len, char delim,
             size_t colbase, const io_ctx_t *c, size_t lineno, lrs_err_t *err)
{
    size_t i = 0;
    char q[160];
    t->n = 0;
    {
        size_t b = io_binary_at(line, len);
        if (b < len)
            return io_err(c, err, LRS_EPARSE, lineno, colbase + b + 1,
                          "binary data, not a text matrix ('%s')",
                          lrs_io_quote(line + b, len - b < 8 ? len - b : 8, q, sizeof q));
    }
    for (;;) {
        io_field_t f;
        memset(&f, 0, sizeof f);
        while (i < len && is_blank(line[i]))
            i++;
        if (delim == ' ' && i == len)
            break;
        f.col = colbase + i + 1;
        if (i < len && line[i] == '"') {
            size_t start = ++i;
            for (;;) {
                if (i >= len)
                    return io_err(c, err, LRS_EPARSE, lineno, f.col,
                                  "unterminated quote ('%s')",
                                  lrs_io_quote(line + start - 1, len - start + 1, q, sizeof q));
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        f.escaped = 1;
                        i += 2;
                        continue;
                    }
                    break;
                }
                i++;
            }
            f.p = line + start;
            f.len = i - start;
            f.quoted = 1;
            i++; /* closing quote */
            while (i < len && is_blank(line[i]) && line[i] != delim)
                i++;
            if (i < len && !(delim == ' ' ? is_blank(line[i]) : line[i] == delim))
                return io_err(c, err, LRS_EPARSE, lineno, colbase + i + 1,
                              "text after a closing quote ('%s')",
                              lrs_io_quote(line + i, len - i, q, sizeof q));
        } else {
            size_t start = i, e;
            if (delim == ' ') {
                while (i < len && !is_blank(line[i]))
                    i++;
            } else {
                while (i < len && line[i] != delim)
                    i++;
            }
            e = i;
            while (e > start && is_blank(line[e - 1]))
                e--;
            f.p = line + start;
            f.len = e - start;
        }
        if (tok_push(t, f))
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
        if (delim == ' ')
            continue;
        if (i >= len)
            break;
        i++; /* the delimiter */
    }
    /* one trailing delimiter ("0,   1,") leaves an empty last field: drop it */
    if (delim != ' ' && t->n > 1 && t->f[t->n - 1].len == 0 && !t->f[t->n - 1].quoted)
        t->n--;
    return LRS_OK;
}

char io_guess_delim(const char *line, size_t len)
{
    size_t i, nsemi = 0, ncomma = 0, ntab = 0;
    int inq = 0;
    for (i = 0; i < len; i++) {
        char ch = line[i];
        if (ch == '"')
            inq = !inq;
        else if (!inq) {
            if (ch == ';') nsemi++;
            else if (ch == ',') ncomma++;
            else if (ch == '\t') ntab++;
        }
    }
    if (nsemi) return ';';
    if (ncomma) return ',';
    if (ntab) {
        /* a tab-separated file whose fields are padded with spaces is still
         * tab-separated; a table aligned with both tabs and spaces between
         * bare numbers reads the same either way. */
        return '\t';
    }
    return ' ';
}

char *io_field_strdup(const io_field_t *f)
{
    char *s = malloc(f->len + 1);
    size_t i, o = 0;
    if (!s)
        return NULL;
    for (i = 0; i < f->len; i++) {
        s[o++] = f->p[i];
        if (f->escaped && f->p[i] == '"' && i + 1 < f->len && f->p[i + 1] == '"')
            i++;
    }
    s[o] = '\0';
    return s;
}

int io_field_double(const io_field_t *f, char delim, double *v, lrs_err_t *err)
{
    int rc = lrs_io_parse_double(f->p, f->len, v, err);
    if (rc == LRS_EPARSE && delim == ';') {
        /* decimal comma: "0,5" in a semicolon-separated file */
        const char *comma = memchr(f->p, ',', f->len);
        if (comma && !memchr(f->p, '.', f->len) &&
            !memchr(comma + 1, ',', f->len - (size_t)(comma + 1 - f->p)) && f->len < 128) {
            char tmp[128];
            lrs_err_t e2;
            memcpy(tmp, f->p, f->len);
            tmp[comma - f->p] = '.';
            if (lrs_io_parse_double(tmp, f->len, v, &e2) == LRS_OK) {
                lrs_err_clear(err);
                return LRS_OK;
            }
        }
    }
    return rc;
}

int io_field_numeric(const io_field_t *f, char delim)
{
    double v;
    int rc;
    if (f->quoted)
        return 0;
    rc = io_field_double(f, delim, &v, NULL);
    return rc == LRS_OK || rc == LRS_ENONFINITE;
}

/* ------------------------------------------------------------------ matrices */

gsl_matrix *io_matrix_calloc(size_t rows, size_t cols)
{
    if (rows == 0 || cols == 0)
        return NULL;
    return la_matrix_calloc(rows, cols);
}

int io_check_size(const io_ctx_t *c, size_t rows, size_t cols, size_t line,
                  size_t col, lrs_err_t *err)
{
    if (rows > c->o.max_n || cols > c->o.max_n)
        return io_err(c, err, LRS_ELIMIT, line, col,
                      "matrix of %zux%zu is larger than --max-n %zu", rows, cols,
                      c->o.max_n);
    if (!c->coo && cols && rows > c->o.max_bytes / sizeof(double) / cols)
        return io_err(c, err, LRS_ELIMIT, line, col,
                      "matrix of %zux%zu needs %.3g GB, more than the %.3g GB allowed",
                      rows, cols, (double)rows * (double)cols * 8e-9,
                      (double)c->o.max_bytes * 1e-9);
    return LRS_OK;
}

int io_check_square(const io_ctx_t *c, size_t rows, size_t cols, size_t line,
                    const char *hint, lrs_err_t *err)
{
    if (rows == cols || c->o.allow_nonsquare)
        return LRS_OK;
    return io_err(c, err, LRS_EPARSE, line, 1, "matrix is %zux%zu (%zu rows, %zu columns); "
                  "expected square%s", rows, cols, rows, cols, hint ? hint : "");
}

int io_ents_push(io_ents_t *es, uint32_t i, uint32_t j, double w,
                 const io_ctx_t *c, size_t line, lrs_err_t *err)
{
    if (es->n == es->cap) {
        size_t nc = es->cap ? 2 * es->cap : 1024;
        io_ent_t *ne;
        if (es->n >= es->max)
            return io_err(c, err, LRS_ELIMIT, line, 1,
                          "more than %zu entries (the memory limit)", es->max);
        if (nc > es->max)
            nc = es->max;
        ne = realloc(es->e, nc * sizeof *ne);
        if (!ne)
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory after %zu entries",
                               c->name, es->n);
        es->e = ne;
        es->cap = nc;
    }
    es->e[es->n].i = i;
    es->e[es->n].j = j;
    es->e[es->n].w = w;
    es->e[es->n].line = line;
    es->n++;
    return LRS_OK;
}

void io_ents_free(io_ents_t *es)
{
    if (es) {
        free(es->e);
        es->e = NULL;
        es->n = es->cap = 0;
    }
}

/* Sum the entries into a zeroed matrix in file order (deterministic); a
 * bitmap of occupied positions counts repeats.  With sym != 0 every entry is
 * first moved to the lower triangle (r >= c; value times sym if swapped) and
 * mirrored at the end: W_cr = sym * W_rc. */
int io_ents_build(const io_ents_t *es, size_t rows, size_t cols, int sym,
                  gsl_matrix **out, size_t *repeated, size_t *loops,
                  const io_ctx_t *c, lrs_err_t *err)
{
    gsl_matrix *W = NULL;
    unsigned char *seen = NULL;
    size_t k, rep = 0, lp = 0;
    int rc = LRS_OK;
    *out = NULL;
    if (c->coo)
        return io_ents_build_coo(es, rows, cols, sym, c->coo, repeated, loops, c, err);
    W = io_matrix_calloc(rows, cols);
    seen = calloc((rows * cols + 7) / 8, 1);
    if (!W || !seen) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for a %zux%zu matrix",
                         c->name, rows, cols);
        goto done;
    }
    for (k = 0; k < es->n; k++) {
        size_t r = es->e[k].i, cc = es->e[k].j, pos;
        double w = es->e[k].w;
        if (sym && r < cc) {
            size_t t = r;
            r = cc;
            cc = t;
            w *= sym;
        }
        if (r == cc)
            lp++;
        pos = r * cols + cc;
        if (seen[pos / 8] & (1u << (pos % 8)))
            rep++;
        seen[pos / 8] |= (unsigned char)(1u << (pos % 8));
        W->data[pos] += w;
        if (!isfinite(W->data[pos])) {
            rc = io_err(c, err, LRS_ENONFINITE, es->e[k].line, 1,
                        "repeated entries add up to a non-finite value ('%s')",
                        W->data[pos] > 0 ? "inf" : "-inf");
            goto done;
        }
    }
    if (sym) {
        for (k = 0; k < es->n; k++) {
            size_t r = es->e[k].i, cc = es->e[k].j;
            if (r < cc) {
                size_t t = r;
                r = cc;
                cc = t;
            }
            if (r != cc)
                W->data[cc * cols + r] = sym * W->data[r * cols + cc];
        }
    }
    *out = W;
    W = NULL;
    if (repeated)
        *repeated = rep;
    if (loops)
        *loops = lp;
done:
    if (W)
        gsl_matrix_free(W);
    free(seen);
    return rc;
}

/* Coordinate build.  Entries (moved to the lower triangle when sym != 0) are
 * bucketed by row with a stable counting sort (file order kept inside a
 * row), each row is ordered by column with a stable merge sort, and equal
 * positions are summed in file order -- the same additions, in the same
 * order, as the dense build, so both give bit-identical values.  With
 * sym != 0 the unique lower-triangle positions are then mirrored into a
 * second counting sort; visiting them by ascending row leaves every output
 * row ordered by column.  Cost O(nnz log(nnz/rows) + rows), memory about
 * 40 bytes per entry on top of the entries. */
static void coo_sort_cols(uint32_t *col, size_t *idx, size_t n, uint32_t *tc, size_t *ti)
{
    size_t h, a, b, k;
    if (n < 2)
        return;
    h = n / 2;
    coo_sort_cols(col, idx, h, tc, ti);
    coo_sort_cols(col + h, idx + h, n - h, tc, ti);
    for (a = 0, b = h, k = 0; k < n; k++) {
        if (b >= n || (a < h && col[a] <= col[b])) {
            tc[k] = col[a];
            ti[k] = idx[a++];
        } else {
            tc[k] = col[b];
            ti[k] = idx[b++];
        }
    }
    memcpy(col, tc, n * sizeof *col);
    memcpy(idx, ti, n * sizeof *idx);
}

int io_coo_alloc(lrs_io_coo_t *m, size_t nnz)
{
    size_t n = nnz ? nnz : 1;
    m->i = malloc(n * sizeof *m->i);
    m->j = malloc(n * sizeof *m->j);
    m->w = malloc(n * sizeof *m->w);
    return m->i && m->j && m->w ? LRS_OK : LRS_ENOMEM;
}

/* Row-bucket (r[k], cl[k]) k < n into ptr (rows + 1) and perm (stable). */
static void coo_bucket(const uint32_t *r, size_t n, size_t rows, size_t *ptr, size_t *perm)
{
    size_t k;
    memset(ptr, 0, (rows + 1) * sizeof *ptr);
    for (k = 0; k < n; k++)
        ptr[r[k] + 1]++;
    for (k = 0; k < rows; k++)
        ptr[k + 1] += ptr[k];
    for (k = 0; k < n; k++)
        perm[ptr[r[k]]++] = k;
    for (k = rows; k > 0; k--)
        ptr[k] = ptr[k - 1];
    ptr[0] = 0;
}

/* Walk the row buckets (columns sorted within each row) and merge repeated
 * (row, col) pairs into L, counting repeats and diagonal entries.  With sym,
 * an entry given above the diagonal is stored below it, scaled by sym. */
static int coo_merge_sorted(const io_ents_t *es, size_t rows, int sym, const size_t *ptr,
                            const size_t *perm, const uint32_t *cl, lrs_io_coo_t *L,
                            size_t *rep, size_t *lp, const io_ctx_t *c, lrs_err_t *err)
{
    size_t q, k, u = 0;
    for (q = 0; q < rows; q++)
        for (k = ptr[q]; k < ptr[q + 1]; k++) {
            const io_ent_t *e = &es->e[perm[k]];
            double w = sym && e->i < e->j ? sym * e->w : e->w;
            if (q == cl[k])
                (*lp)++;
            if (u > 0 && L->i[u - 1] == q && L->j[u - 1] == cl[k]) {
                (*rep)++;
                L->w[u - 1] += w;
                if (!isfinite(L->w[u - 1]))
                    return io_err(c, err, LRS_ENONFINITE, e->line, 1,
                                  "repeated entries add up to a non-finite value ('%s')",
                                  L->w[u - 1] > 0 ? "inf" : "-inf");
                continue;
            }
            L->i[u] = (uint32_t)q;
            L->j[u] = cl[k];
            L->w[u++] = w;
        }
    L->nnz = u;
    return LRS_OK;
}

/* Mirror the lower triangle L into the full pattern: row counts of the full
 * pattern (ptr, rows + 1 slots, reused as scratch), then fill by ascending
 * row; the mirrored entry is scaled by sym (-1 for skew-symmetric). */
static int coo_mirror(const lrs_io_coo_t *L, size_t rows, size_t cols, int sym, size_t *ptr,
                      lrs_io_coo_t *out, const io_ctx_t *c, lrs_err_t *err)
{
    size_t tot, k, q, u = L->nnz;
    for (tot = u, k = 0; k < u; k++)
        tot += L->i[k] != L->j[k];
    if (io_coo_alloc(out, tot))
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for %zu entries", c->name, tot);
    memset(ptr, 0, (rows + 1) * sizeof *ptr);
    for (k = 0; k < u; k++) {
        ptr[L->i[k] + 1]++;
        if (L->i[k] != L->j[k])
            ptr[L->j[k] + 1]++;
    }
    for (q = 0; q < rows; q++)
        ptr[q + 1] += ptr[q];
    for (k = 0; k < u; k++) {
        size_t p = ptr[L->i[k]]++;
        out->i[p] = L->i[k];
        out->j[p] = L->j[k];
        out->w[p] = L->w[k];
        if (L->i[k] != L->j[k]) {
            p = ptr[L->j[k]]++;
            out->i[p] = L->j[k];
            out->j[p] = L->i[k];
            out->w[p] = sym * L->w[k];
        }
    }
    out->rows = rows;
    out->cols = cols;
    out->nnz = tot;
    return LRS_OK;
}

int io_ents_build_coo(const io_ents_t *es, size_t rows, size_t cols, int sym,
                      lrs_io_coo_t *out, size_t *repeated, size_t *loops,
                      const io_ctx_t *c, lrs_err_t *err)
{
    size_t n = es->n, k, q, rep = 0, lp = 0;
    size_t *ptr = malloc((rows + 1) * sizeof *ptr), *perm = malloc((n + 1) * sizeof *perm);
    size_t *ti = malloc((n + 1) * sizeof *ti);
    uint32_t *r = malloc((n + 1) * sizeof *r), *cl = malloc((n + 1) * sizeof *cl);
    uint32_t *tc = malloc((n + 1) * sizeof *tc);
    lrs_io_coo_t L = {0};
    int rc = LRS_OK;
    memset(out, 0, sizeof *out);
    if (!ptr || !perm || !ti || !r || !cl || !tc || io_coo_alloc(&L, n)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for %zu entries", c->name, n);
        goto done;
    }
    for (k = 0; k < n; k++) {
        uint32_t a = es->e[k].i, b = es->e[k].j;
        r[k] = sym && a < b ? b : a;
        cl[k] = sym && a < b ? a : b;
    }
    coo_bucket(r, n, rows, ptr, perm);
    for (k = 0; k < n; k++)
        tc[k] = cl[perm[k]];
    memcpy(cl, tc, n * sizeof *cl);
    for (q = 0; q < rows; q++)
        coo_sort_cols(cl + ptr[q], perm + ptr[q], ptr[q + 1] - ptr[q], tc, ti);
    if ((rc = coo_merge_sorted(es, rows, sym, ptr, perm, cl, &L, &rep, &lp, c, err)))
        goto done;
    L.rows = rows;
    L.cols = cols;
    if (!sym) {
        *out = L;
        memset(&L, 0, sizeof L);
    } else if ((rc = coo_mirror(&L, rows, cols, sym, ptr, out, c, err))) {
        goto done;
    }
    if (repeated)
        *repeated = rep;
    if (loops)
        *loops = lp;
done:
    if (rc != LRS_OK)
        lrs_io_coo_free(out);
    lrs_io_coo_free(&L);
    free(ptr);
    free(perm);
    free(ti);
    free(r);
    free(cl);
    free(tc);
    return rc;
}

void lrs_io_coo_free(lrs_io_coo_t *m)
{
    if (m) {
        free(m->i);
        free(m->j);
        free(m->w);
        memset(m, 0, sizeof *m);
    }
}

/* ------------------------------------------------------------------ names */

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int names_rehash(io_names_t *t, size_t nslot)
{
    uint32_t *ns = calloc(nslot, sizeof *ns);
    size_t k;
    if (!ns)
        return -1;
    for (k = 0; k < t->n; k++) {
        size_t h = (size_t)(fnv1a(t->names[k], strlen(t->names[k])) & (nslot - 1));
        while (ns[h])
            h = (h + 1) & (nslot - 1);
        ns[h] = (uint32_t)(k + 1);
    }
    free(t->slot);
    t->slot = ns;
    t->nslot = nslot;
    return 0;
}

long io_names_get(io_names_t *t, const char *name, size_t len, size_t max)
{
    size_t h;
    char *s;
    if (t->nslot == 0 && names_rehash(t, 1024))
        return -2;
    h = (size_t)(fnv1a(name, len) & (t->nslot - 1));
    while (t->slot[h]) {
        const char *o = t->names[t->slot[h] - 1];
        if (strlen(o) == len && memcmp(o, name, len) == 0)
            return (long)t->slot[h] - 1;
        h = (h + 1) & (t->nslot - 1);
    }
    if (t->n >= max)
        return -1;
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 256;
        char **nn = realloc(t->names, nc * sizeof *nn);
        if (!nn)
            return -2;
        t->names = nn;
        t->cap = nc;
    }
    s = malloc(len + 1);
    if (!s)
        return -2;
    memcpy(s, name, len);
    s[len] = '\0';
    t->names[t->n] = s;
    t->slot[h] = (uint32_t)(t->n + 1);
    t->n++;
    if (2 * t->n > t->nslot && names_rehash(t, 2 * t->nslot))
        return -2;
    return (long)t->n - 1;
}

void io_names_free(io_names_t *t)
{
    size_t k;
    if (!t)
        return;
    for (k = 0; k < t->n; k++)
        free(t->names[k]);
    free(t->names);
    free(t->slot);
    memset(t, 0, sizeof *t);
}


/* ------------------------------------------------------------------ whole input */

void io_src_release(io_src_t *s)
{
    if (!s)
        return;
    if (s->pull_free)
        s->pull_free(s->pull_ctx);
    free(s->buf);
    s->buf = NULL;
    s->pull = NULL;
    s->pull_free = NULL;
    s->pull_ctx = NULL;
}

size_t io_expand_cap(const lrs_io_read_opts_t *o)
{
    size_t n = o->max_n ? o->max_n : LRS_IO_MAX_N_DEFAULT;
    size_t bytes = o->max_bytes ? o->max_bytes : LRS_IO_MAX_BYTES_DEFAULT;
    size_t entries = n > SIZE_MAX / n ? SIZE_MAX : n * n;
    if (entries > bytes / sizeof(double))
        entries = bytes / sizeof(double);
    /* room for comments and headers: 1 MiB, or the memory limit if smaller */
    size_t slack = bytes < ((size_t)1 << 20) ? bytes : ((size_t)1 << 20);
    if (entries > (SIZE_MAX - slack) / 64)
        return SIZE_MAX;
    return 64 * entries + slack;
}

int io_src_slurp(io_src_t *s, size_t cap, const char *why, unsigned char **buf,
                 size_t *len, lrs_err_t *err)
{
    int rc = LRS_OK;
    *buf = NULL;
    *len = 0;
    for (;;) {
        size_t avail = s->end - s->beg;
        if (avail > cap)
            return lrs_err_set(err, LRS_ELIMIT, "%s: input is larger than %zu bytes (%s)",
                               s->name, cap, why);
        if (s->eof)
            break;
        if ((rc = io_src_fill(s, avail + ((size_t)1 << 20), err)))
            return rc;
    }
    /* hand the source's buffer over instead of copying it */
    *len = s->end - s->beg;
    if (!s->buf) {
        s->buf = malloc(1);
        if (!s->buf)
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", s->name);
    }
    if (s->beg)
        memmove(s->buf, s->buf + s->beg, *len);
    *buf = (unsigned char *)s->buf;
    s->buf = NULL;
    s->cap = s->beg = s->end = 0;
    return LRS_OK;
}
