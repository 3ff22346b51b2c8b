/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_common.h -- shared oracle of the reader fuzz targets (tests/fuzz/).
 *
 * Every input is [options byte][file bytes].  The options byte picks reader
 * options the way a user could (limits, square or not, memory or FILE* path,
 * format-specific switches), so one corpus covers them all.  Beyond "no crash,
 * no sanitizer report, no leak", every call is checked against the contract of
 * lrs/io.h and abort()s (a libFuzzer finding) when it is broken:
 *   - failure: *out is NULL, err.code equals the status, the message is one
 *     printable line, and data errors (LRS_EPARSE, LRS_ENONFINITE, LRS_ELIMIT)
 *     start with "NAME:LINE:COLUMN: " (LINE, COLUMN >= 1), or "NAME: " for
 *     formats without lines, NAME possibly followed by "[MEMBER]";
 *   - success: status 0, info->rows x info->cols is the matrix shape, within
 *     max_n, square unless allowed, every entry finite, names consistent;
 *   - round trip: the matrix written as dense text ("%.17g") reads back
 *     bit-identical with the dense reader (up to 64K entries: a 1000 x 1000
 *     edge-list matrix from a 10-byte input would otherwise take seconds
 *     under the sanitizers and trip the 10 s timeout).
 * Build: make fuzz (clang -fsanitize=fuzzer,address,undefined).
 */
#ifndef LRS_FUZZ_COMMON_H
#define LRS_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_matrix.h>
#include "lrs/io.h"

/* A broken contract: abort (a libFuzzer finding).  tests/test_fuzz_corpus.c
 * replays the corpus with its own FUZZ_FAIL (a failed CHECK). */
#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                          \
    do {                                                                       \
        fprintf(stderr, "fuzz oracle: " __VA_ARGS__);                          \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)
#endif

/* max_n from two bits of the options byte: small limits reach the limit
 * paths quickly; the default exercises the production setting. */
static inline size_t fuzz_max_n(unsigned bits)
{
    static const size_t tab[4] = {8, 64, 1000, 0 /* default 20000 */};
    return tab[bits & 3];
}

static void fuzz_check_msg(const char *name, int rc, const lrs_err_t *e)
{
    size_t i, n = strlen(name);
    if (e->code != rc)
        FUZZ_FAIL("status %d but err.code %d ('%s')", rc, e->code, e->msg);
    if (e->msg[0] == '\0')
        FUZZ_FAIL("status %d with an empty message", rc);
    for (i = 0; e->msg[i]; i++)
        if ((unsigned char)e->msg[i] < 0x20 || (unsigned char)e->msg[i] == 0x7f)
            FUZZ_FAIL("control byte 0x%02x in message '%s'", (unsigned char)e->msg[i], e->msg);
    if (rc == LRS_EPARSE || rc == LRS_ENONFINITE || rc == LRS_ELIMIT) {
        const char *p = e->msg + n;
        char *end;
        unsigned long line, col;
        if (strncmp(e->msg, name, n) != 0)
            FUZZ_FAIL("message does not start with '%s': '%s'", name, e->msg);
        if (*p == '[') { /* an archive member: "NAME[MEMBER]..." */
            p = strchr(p, ']');
            if (!p)
                FUZZ_FAIL("unterminated member name in '%s'", e->msg);
            p++;
        }
        if (p[0] == ':' && p[1] == ' ')
            return; /* a format without lines: "NAME: what is wrong" */
        if (*p != ':')
            FUZZ_FAIL("message does not start with '%s:': '%s'", name, e->msg);
        line = strtoul(p + 1, &end, 10);
        if (end == p + 1 || *end != ':' || line < 1)
            FUZZ_FAIL("no LINE >= 1 in '%s'", e->msg);
        p = end;
        col = strtoul(p + 1, &end, 10);
        if (end == p + 1 || end[0] != ':' || end[1] != ' ' || col < 1)
            FUZZ_FAIL("no COLUMN >= 1 in '%s'", e->msg);
    }
}

/* Read buf with opts, from memory or (stream != 0) through a FILE*. */
static int fuzz_read(const uint8_t *buf, size_t len, const char *name,
                     const lrs_io_read_opts_t *o, int stream, gsl_matrix **W,
                     lrs_io_read_info_t *info, lrs_err_t *e)
{
    if (stream && len > 0) {
        FILE *fp = fmemopen((void *)buf, len, "rb");
        int rc;
        if (!fp)
            return lrs_io_read_buffer(buf, len, name, o, W, info, e);
        rc = lrs_io_read_stream(fp, name, o, W, info, e);
        fclose(fp);
        return rc;
    }
    return lrs_io_read_buffer(buf, len, name, o, W, info, e);
}

static void fuzz_roundtrip(const gsl_matrix *W, const lrs_io_read_opts_t *o0)
{
    char *text = NULL;
    size_t tlen = 0, i, j;
    FILE *fp = open_memstream(&text, &tlen);
    gsl_matrix *R = NULL;
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    lrs_err_t e;
    int rc;
    if (!fp)
        return;
    for (i = 0; i < W->size1; i++)
        for (j = 0; j < W->size2; j++)
            fprintf(fp, "%.17g%c", gsl_matrix_get(W, i, j), j + 1 < W->size2 ? ' ' : '\n');
    fclose(fp);
    o.format = LRS_FMT_DENSE;
    o.allow_nonsquare = 1;
    o.max_n = W->size1 > W->size2 ? W->size1 : W->size2;
    o.max_bytes = o0->max_bytes;
    rc = lrs_io_read_buffer(text, tlen, "roundtrip", &o, &R, NULL, &e);
    if (rc)
        FUZZ_FAIL("round trip of a %zux%zu matrix failed: %s", W->size1, W->size2, e.msg);
    if (R->size1 != W->size1 || R->size2 != W->size2)
        FUZZ_FAIL("round trip shape %zux%zu != %zux%zu", R->size1, R->size2, W->size1,
                  W->size2);
    for (i = 0; i < W->size1; i++)
        for (j = 0; j < W->size2; j++) {
            double a = gsl_matrix_get(W, i, j), b = gsl_matrix_get(R, i, j);
            if (memcmp(&a, &b, sizeof a) != 0)
                FUZZ_FAIL("round trip [%zu,%zu]: %.17g != %.17g", i, j, a, b);
        }
    gsl_matrix_free(R);
    free(text);
}

/* The whole check of one read. */
static void fuzz_one(const uint8_t *buf, size_t len, const char *name,
                     const lrs_io_read_opts_t *o, int stream)
{
    gsl_matrix *W = (gsl_matrix *)(uintptr_t)1; /* must be overwritten */
    lrs_io_read_info_t info;
    lrs_err_t e;
    size_t i, j, max_n = o->max_n ? o->max_n : LRS_IO_MAX_N_DEFAULT;
    int rc;
    memset(&e, 0, sizeof e);
    rc = fuzz_read(buf, len, name, o, stream, &W, &info, &e);
    if (rc != LRS_OK) {
        if (W != NULL)
            FUZZ_FAIL("failure %d but *out is not NULL", rc);
        fuzz_check_msg(name, rc, &e);
        if (info.names || info.nnames)
            FUZZ_FAIL("failure %d leaves names in info", rc);
        return;
    }
    if (!W)
        FUZZ_FAIL("success but *out is NULL");
    if (info.rows != W->size1 || info.cols != W->size2)
        FUZZ_FAIL("info says %zux%zu, matrix is %zux%zu", info.rows, info.cols, W->size1,
                  W->size2);
    if (W->size1 == 0 || W->size2 == 0 || W->size1 > max_n || W->size2 > max_n)
        FUZZ_FAIL("matrix %zux%zu outside 1..max_n %zu", W->size1, W->size2, max_n);
    if (!o->allow_nonsquare && W->size1 != W->size2)
        FUZZ_FAIL("non-square %zux%zu accepted", W->size1, W->size2);
    if (info.names) {
        if (info.nnames != W->size1)
            FUZZ_FAIL("%zu names for %zu nodes", info.nnames, W->size1);
        for (i = 0; i < info.nnames; i++)
            if (!info.names[i])
                FUZZ_FAIL("name %zu is NULL", i);
    }
    for (i = 0; i < W->size1; i++)
        for (j = 0; j < W->size2; j++)
            if (!isfinite(gsl_matrix_get(W, i, j)))
                FUZZ_FAIL("non-finite W[%zu,%zu] = %g accepted", i, j, gsl_matrix_get(W, i, j));
    if (W->size1 * W->size2 <= 65536)
        fuzz_roundtrip(W, o);
    lrs_io_read_info_clear(&info);
    gsl_matrix_free(W);
}

/* The whole target of a matrix reader (dense, mtx, npy, npz, mat, gzip,
 * graphs): input [options byte][file]; bit 0 auto-detection instead of
 * `fmt`, bit 1 allow non-square, bit 2 read through a FILE*, bits 3-4 max_n
 * (fuzz_max_n), bit 5 var "W", bit 6 weight attribute "weight".  max_bytes
 * is the memory limit (it also sets the decompression cap). */
static inline int fuzz_matrix_reader_bytes(const uint8_t *data, size_t size,
                                           lrs_io_format_t fmt, const char *name,
                                           size_t max_bytes)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    unsigned f;
    if (size < 1)
        return 0;
    f = data[0];
    o.format = (f & 1) ? LRS_FMT_AUTO : fmt;
    o.allow_nonsquare = (f >> 1) & 1;
    o.max_n = fuzz_max_n(f >> 3);
    o.max_bytes = max_bytes;
    /* bits 5-6 for the library-backed readers: the variable / member name
     * (.npz, .mat) and the weight attribute (graphs) */
    if ((f >> 5) & 1)
        o.var = "W";
    if ((f >> 6) & 1)
        o.weight_attr = "weight";
    fuzz_one(data + 1, size - 1, name, &o, (f >> 2) & 1);
    return 0;
}

/* The same with a 16 MiB memory limit. */
static inline int fuzz_matrix_reader(const uint8_t *data, size_t size, lrs_io_format_t fmt,
                                     const char *name)
{
    return fuzz_matrix_reader_bytes(data, size, fmt, name, (size_t)1 << 24);
}

#endif
