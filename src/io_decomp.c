/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_decomp.c -- gzip, bzip2 and xz input for every format (see lrs/io.h).
 *
 * A compressed input is recognised by its magic bytes (gzip 1f 8b, bzip2
 * "BZh", xz fd "7zXZ" 00), whatever its name, so "-" (standard input) works
 * too.  The decoder sits between the raw source and the readers: readers
 * pull decoded bytes through io_src_t.pull and see an ordinary stream, so a
 * reader never holds more than it would for the plain file.  Concatenated
 * gzip members (as `cat a.gz b.gz` makes) are decoded one after the other,
 * as gzip -d does.  Cost: one pass over the data, a 64 KiB output window.
 *
 * Bombs: a decoder stops with LRS_ELIMIT as soon as it has produced more
 * than io_expand_cap() bytes (64 bytes per entry of the largest matrix the
 * limits allow, plus 1 MiB or the memory limit if smaller), before any
 * reader allocates for them.
 * Libraries: zlib (inflate), libbz2 (BZ2_bzDecompress), liblzma
 * (lzma_stream_decoder with a memory limit).
 */
#include "io_core.h"
#include "io_readers.h"

#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef enum { DEC_GZIP = 1, DEC_BZIP2, DEC_XZ } dec_kind_t;

typedef struct dec {
    dec_kind_t kind;
    io_src_t *low;        /* the compressed bytes */
    z_stream z;
    bz_stream b;
    lzma_stream x;
    int open;             /* the library stream is initialised */
    int ended;            /* the (last) compressed stream ended */
    int finish;           /* all compressed input is buffered (xz: LZMA_FINISH) */
    size_t produced, cap, max_n;
    const char *name;     /* "gzip", "bzip2", "xz" */
} dec_t;

static void dec_free(void *ctx)
{
    dec_t *d = ctx;
    if (!d)
        return;
    if (d->open) {
        if (d->kind == DEC_GZIP)
            inflateEnd(&d->z);
        else if (d->kind == DEC_BZIP2)
            BZ2_bzDecompressEnd(&d->b);
        else
            lzma_end(&d->x);
    }
    if (d->low) {
        io_src_release(d->low);
        free(d->low);
    }
    free(d);
}

/* One library call: consume from in[0..*in_len), produce into out[0..*out_len);
 * the lengths come back as the amounts used.  Returns 1 at the end of a
 * compressed stream, 0 to go on, -1 on corrupt data (*why set). */
static int dec_step(dec_t *d, const unsigned char *in, size_t *in_len, char *out,
                    size_t *out_len, const char **why)
{
    size_t ia = *in_len, oa = *out_len;
    int r, end = 0;
    if (d->kind == DEC_GZIP) {
        d->z.next_in = (Bytef *)in;
        d->z.avail_in = (uInt)(ia > UINT32_MAX ? UINT32_MAX : ia);
        d->z.next_out = (Bytef *)out;
        d->z.avail_out = (uInt)(oa > UINT32_MAX ? UINT32_MAX : oa);
        ia = d->z.avail_in;
        oa = d->z.avail_out;
        r = inflate(&d->z, Z_NO_FLUSH);
        *in_len = ia - d->z.avail_in;
        *out_len = oa - d->z.avail_out;
        if (r == Z_STREAM_END)
            end = 1;
        else if (r != Z_OK && r != Z_BUF_ERROR) {
            *why = d->z.msg ? d->z.msg : "corrupt data";
            return -1;
        }
    } else if (d->kind == DEC_BZIP2) {
        d->b.next_in = (char *)in;
        d->b.avail_in = (unsigned)(ia > UINT32_MAX ? UINT32_MAX : ia);
        d->b.next_out = out;
        d->b.avail_out = (unsigned)(oa > UINT32_MAX ? UINT32_MAX : oa);
        ia = d->b.avail_in;
        oa = d->b.avail_out;
        r = BZ2_bzDecompress(&d->b);
        *in_len = ia - d->b.avail_in;
        *out_len = oa - d->b.avail_out;
        if (r == BZ_STREAM_END)
            end = 1;
        else if (r != BZ_OK) {
            *why = r == BZ_MEM_ERROR ? "out of memory" : "corrupt data";
            return -1;
        }
    } else {
        lzma_ret x;
        d->x.next_in = in;
        d->x.avail_in = ia;
        d->x.next_out = (uint8_t *)out;
        d->x.avail_out = oa;
        x = lzma_code(&d->x, d->finish ? LZMA_FINISH : LZMA_RUN);
        *in_len = ia - d->x.avail_in;
        *out_len = oa - d->x.avail_out;
        if (x == LZMA_STREAM_END)
            end = 1;
        else if (x != LZMA_OK && x != LZMA_BUF_ERROR) {
            *why = x == LZMA_MEMLIMIT_ERROR ? "needs more decoder memory than allowed"
                   : x == LZMA_MEM_ERROR    ? "out of memory"
                                            : "corrupt data";
            return -1;
        }
    }
    return end;
}

static int dec_open(dec_t *d)
{
    if (d->kind == DEC_GZIP) {
        memset(&d->z, 0, sizeof d->z);
        if (inflateInit2(&d->z, 15 + 16) != Z_OK)
            return -1;
    } else if (d->kind == DEC_BZIP2) {
        memset(&d->b, 0, sizeof d->b);
        if (BZ2_bzDecompressInit(&d->b, 0, 0) != BZ_OK)
            return -1;
    } else {
        lzma_stream init = LZMA_STREAM_INIT;
        d->x = init;
        if (lzma_stream_decoder(&d->x, (uint64_t)256 << 20, LZMA_CONCATENATED) != LZMA_OK)
            return -1;
    }
    d->open = 1;
    return 0;
}

/* s->perr <- "NAME: <what>" */
static size_t dec_fail(io_src_t *s, int code, const char *what, const char *detail)
{
    dec_t *d = s->pull_ctx;
    lrs_err_set(&s->perr, code, "%s: %s %s%s%s%s", s->name, d->name, what,
                detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
    s->eof = 1;
    return 0;
}

/* A next gzip member follows the end of one: restart on it. */
static int dec_next_member(dec_t *d)
{
    io_src_t *low = d->low;
    lrs_err_t e;
    if (d->kind != DEC_GZIP)
        return 0;
    if (io_src_fill(low, 2, &e) || low->end - low->beg < 2 ||
        (unsigned char)low->buf[low->beg] != 0x1f ||
        (unsigned char)low->buf[low->beg + 1] != 0x8b)
        return 0;
    return inflateReset(&d->z) == Z_OK;
}

static size_t dec_pull(io_src_t *s, char *dst, size_t n)
{
    dec_t *d = s->pull_ctx;
    io_src_t *low = d->low;
    for (;;) {
        size_t in_len, out_len = n;
        const char *why = NULL;
        int r;
        if (d->ended) {
            s->eof = 1;
            return 0;
        }
        if (low->end == low->beg && !low->eof && io_src_fill(low, 1, &s->perr)) {
            s->eof = 1;
            return 0;
        }
        in_len = low->end - low->beg;
        d->finish = low->eof;
        r = dec_step(d, low->buf ? (unsigned char *)low->buf + low->beg : NULL, &in_len, dst,
                     &out_len, &why);
        if (r < 0)
            return dec_fail(s, LRS_EPARSE, "data is corrupt", why);
        low->beg += in_len;
        d->produced += out_len;
        if (d->produced > d->cap) {
            char lim[96];
            snprintf(lim, sizeof lim, "the limit for --max-n %zu", d->max_n);
            lrs_err_set(&s->perr, LRS_ELIMIT,
                        "%s: %s data expands past %zu bytes (%s); refused", s->name, d->name,
                        d->cap, lim);
            s->eof = 1;
            return 0;
        }
        if (r == 1 && !dec_next_member(d))
            d->ended = 1;
        if (out_len > 0)
            return out_len;
        if (in_len == 0 && !d->ended) {
            /* no progress: the decoder needs input the source does not have */
            if (low->eof)
                return dec_fail(s, LRS_EPARSE, "stream is truncated",
                                d->produced ? "it ends in the middle of the data"
                                            : "no data");
            if (io_src_fill(low, low->end - low->beg + 1, &s->perr)) {
                s->eof = 1;
                return 0;
            }
        }
    }
}

static dec_kind_t sniff_kind(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return DEC_GZIP;
    if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
        return DEC_BZIP2;
    if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
        return DEC_XZ;
    return 0;
}

int io_decomp_push(io_ctx_t *c, const char **kind, lrs_err_t *err)
{
    io_src_t *s = c->src, *low = NULL;
    dec_t *d = NULL;
    dec_kind_t k;
    static const char *names[] = {"", "gzip", "bzip2", "xz"};
    int rc = LRS_OK;
    *kind = NULL;
    if ((rc = io_src_fill(s, 8, err)))
        return rc;
    k = sniff_kind(s->buf ? (const unsigned char *)s->buf + s->beg : NULL, s->end - s->beg);
    if (!k)
        return LRS_OK;
    d = calloc(1, sizeof *d);
    low = malloc(sizeof *low);
    if (!d || !low) {
        free(d);
        free(low);
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    }
    d->kind = k;
    d->name = names[k];
    d->cap = io_expand_cap(&c->o);
    d->max_n = c->o.max_n;
    if (dec_open(d)) {
        free(low);
        free(d);
        return lrs_err_set(err, LRS_ENOMEM, "%s: cannot start the %s decoder", c->name,
                           names[k]);
    }
    /* the raw source moves under the decoder; s starts empty on top of it */
    *low = *s;
    d->low = low;
    memset(s, 0, sizeof *s);
    s->name = low->name;
    s->max_line = low->max_line;
    s->pull = dec_pull;
    s->pull_free = dec_free;
    s->pull_ctx = d;
    c->path = NULL;
    *kind = names[k];
    return LRS_OK;
}
