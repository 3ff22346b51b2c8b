/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_core.h -- shared plumbing of the readers (src/io*.c); not installed.
 * It declares no reader: io_readers.h does, for io.c's dispatch only, so
 * the readers depend on the core and never on each other or on io.c.
 *
 * io_src_t  a buffered byte source over a FILE* or a memory buffer that hands
 *           out lines (any of \n, \r\n, \r ends a line; the last line needs no
 *           newline) with their numbers, and raw bytes (npy).
 * io_tok_t  splits a line into fields (whitespace runs or one delimiter
 *           character; double-quoted fields with "" escapes), remembering the
 *           byte column of each field for messages.
 * io_ent_t  (row, column, weight) triples, built into a dense matrix in file
 *           order with repeated entries added and counted.
 */
#ifndef LRS_IO_CORE_H
#define LRS_IO_CORE_H

#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include "lrs/io.h"

#define IO_SNIFF 4096

typedef struct io_src {
    FILE *fp;                 /* or NULL for a memory source */
    const unsigned char *mem;
    size_t memlen, mempos;
    char *buf;                /* unread bytes are buf[beg..end) */
    size_t cap, beg, end;
    int eof;                  /* the underlying source is exhausted */
    int ioerr;                /* a read error happened */
    int skip_lf;              /* the previous line ended with '\r' */
    size_t line;              /* number of the last line returned */
    size_t max_line;          /* longest allowed line in bytes */
    const char *name;         /* for messages */
    /* A decoded source (gzip, bzip2, xz, a zip member) reads through pull
     * instead of fp/mem: pull fills dst with up to n bytes and returns the
     * count, 0 at the end (setting eof) or on error (setting perr).  Bytes
     * produced are counted against max_total (0: no cap) by the decoder. */
    size_t (*pull)(struct io_src *s, char *dst, size_t n);
    void (*pull_free)(void *ctx);
    void *pull_ctx;
    lrs_err_t perr;           /* a decoder's error (code 0: none) */
} io_src_t;

/* The options with defaults filled in, the source, and where results go. */
typedef struct io_ctx {
    io_src_t *src;
    lrs_io_read_opts_t o;
    lrs_io_read_info_t *info;    /* never NULL inside the readers */
    const char *name;
    const char *path;            /* the file itself when read uncompressed from
                                    a path (libraries that open by name); or NULL */

    lrs_io_coo_t *coo;           /* non-NULL: io_ents_build fills it, no dense matrix */
} io_ctx_t;

/* Release what a source owns (its buffer, its decoder and the sources under
 * it); the io_src_t itself is the caller's. */
void io_src_release(io_src_t *s);
/* Read the rest of the source into one new buffer (*buf, caller frees):
 * LRS_ELIMIT with "NAME: input is larger than CAP bytes (WHY)" past cap. */
int io_src_slurp(io_src_t *s, size_t cap, const char *why, unsigned char **buf,
                 size_t *len, lrs_err_t *err);
/* The most bytes a decoder may produce, and a whole-file reader may hold,
 * for the options' limits: 64 bytes per matrix entry (max_n^2, at most
 * max_bytes / 8 entries: the longest text a matrix within the limits can
 * take) plus 1 MiB of headers and comments (max_bytes if smaller).
 * Decompression bombs stop here. */
size_t io_expand_cap(const lrs_io_read_opts_t *o);

/* Make at least `want` bytes available in buf[beg..end) if the source has
 * them (fewer at end of input).  Returns LRS_OK or LRS_ENOMEM/LRS_EIO. */
int io_src_fill(io_src_t *s, size_t want, lrs_err_t *err);
/* Next line: 1 and (*line, *len) (no terminator), 0 at end of input, or -1
 * with err set (too long, read error). The line stays valid until the next
 * call. */
int io_src_getline(io_src_t *s, const char **line, size_t *len, lrs_err_t *err);
/* Copy up to n raw bytes into dst; returns the number copied (less at end of
 * input); *rc gets an error code on read failure. */
size_t io_src_take(io_src_t *s, void *dst, size_t n, int *rc, lrs_err_t *err);

/* err <- "NAME:LINE:COL: <fmt>", or "NAME: <fmt>" when line is 0 (formats
 * without lines: zip, MAT, graphs read by igraph); returns code. */
int io_err(const io_ctx_t *c, lrs_err_t *err, int code, size_t line, size_t col,
           const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* err <- "NAME:LINE:COL: " + the message already in *sub; returns sub->code. */
int io_err_wrap(const io_ctx_t *c, lrs_err_t *err, const lrs_err_t *sub,
                size_t line, size_t col);

/* Append to the NUL-terminated buf of size bytes (cut at the end when full:
 * message lists are bounded). */
void io_append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* First byte of [p, p+len) that cannot be in a text file (NUL or a control
 * character other than \t \n \v \f \r), or len if none. */
size_t io_binary_at(const char *p, size_t len);

typedef struct io_field {
    const char *p;    /* content (inside the quotes when quoted) */
    size_t len;
    size_t col;       /* 1-based byte column of the field's first character */
    int quoted;
    int escaped;      /* contains "" (content needs unescaping) */
} io_field_t;

typedef struct io_tok {
    io_field_t *f;
    size_t n, cap;
} io_tok_t;

/* Split a line.  delim ' ' means runs of blanks (space, tab); otherwise that
 * character, with blanks around fields trimmed and one trailing empty field
 * (a trailing delimiter) dropped.  colbase is added to columns. */
int io_split(io_tok_t *t, const char *line, size_t len, char delim,
             size_t colbase, const io_ctx_t *c, size_t lineno, lrs_err_t *err);
void io_tok_free(io_tok_t *t);
/* The delimiter of a data line: ';' if present outside quotes, else ',', else
 * tab, else ' '. */
char io_guess_delim(const char *line, size_t len);
/* Copy a field's content (unescaping "") into a new NUL-terminated string. */
char *io_field_strdup(const io_field_t *f);
/* Parse a field as a number (decimal comma accepted when delim is ';'). */
int io_field_double(const io_field_t *f, char delim, double *v, lrs_err_t *err);
/* Is the field a number (finite or not)?  Quoted fields are not. */
int io_field_numeric(const io_field_t *f, char delim);

/* A blank line or a '#'/'%' comment line. */
int io_is_skippable(const char *line, size_t len);

/* A zeroed rows x cols gsl_matrix allocated with calloc (no GSL error
 * handler involved); gsl_matrix_free releases it.  NULL if out of memory. */
gsl_matrix *io_matrix_calloc(size_t rows, size_t cols);

typedef struct io_ent {
    uint32_t i, j;
    double w;
    size_t line;      /* input line of the entry (for messages) */
} io_ent_t;

typedef struct io_ents {
    io_ent_t *e;
    size_t n, cap, max;
} io_ents_t;

int io_ents_push(io_ents_t *es, uint32_t i, uint32_t j, double w,
                 const io_ctx_t *c, size_t line, lrs_err_t *err);
void io_ents_free(io_ents_t *es);
/* Dense rows x cols matrix from the entries: sym 0 general, 1 symmetric,
 * -1 skew-symmetric (entries mirrored: W_ji = sym * W_ij).  Repeated
 * positions add (sym: (i,j) and (j,i) are one position); their count goes to
 * *repeated, diagonal entries to *loops. */
int io_ents_build(const io_ents_t *es, size_t rows, size_t cols, int sym,
                  gsl_matrix **out, size_t *repeated, size_t *loops,
                  const io_ctx_t *c, lrs_err_t *err);


/* Arrays i, j, w for nnz entries (at least one); LRS_ENOMEM if any fails
 * (the caller frees with lrs_io_coo_free). */
int io_coo_alloc(lrs_io_coo_t *m, size_t nnz);

/* Coordinate form of the entries (when c->coo is set): the same sums, repeats
 * and mirroring as io_ents_build, sorted by row then column. */
int io_ents_build_coo(const io_ents_t *es, size_t rows, size_t cols, int sym,
                      lrs_io_coo_t *out, size_t *repeated, size_t *loops,
                      const io_ctx_t *c, lrs_err_t *err);

/* Check rows x cols against max_n and max_bytes (LRS_ELIMIT with a message at
 * line:col). */
int io_check_size(const io_ctx_t *c, size_t rows, size_t cols, size_t line,
                  size_t col, lrs_err_t *err);

/* Node table of an edge list with names: names numbered in order of first
 * appearance (open addressing on FNV-1a). */
typedef struct io_names {
    char **names;
    size_t n, cap;
    uint32_t *slot;   /* hash slots: index + 1, 0 empty */
    size_t nslot;
} io_names_t;
/* Index of `name` (len bytes), adding it if new; -1 when the table would
 * exceed max entries (the caller reports) or on allocation failure (-2). */
long io_names_get(io_names_t *t, const char *name, size_t len, size_t max);
void io_names_free(io_names_t *t);

/* Square check with the shape in the message (unless allow_nonsquare). */
int io_check_square(const io_ctx_t *c, size_t rows, size_t cols, size_t line,
                    const char *hint, lrs_err_t *err);

#endif
