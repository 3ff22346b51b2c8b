/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/io.h -- reading connectivity matrices from the files people have.
 *
 * Formats (the files network data come in):
 *   dense text   numbers separated by whitespace, commas, tabs or semicolons;
 *                optional header row and/or label column (pandas/R CSV);
 *                '#' and '%' comment lines; padded fields ("   0,   1,") and one
 *                trailing delimiter are fine; double-quoted fields ("" escapes);
 *                with ';' as delimiter a decimal comma ("0,5") is accepted.
 *   edge list    "src dst [weight]" per line (comma, tab, semicolon or spaces).
 *                Node labels are names, numbered 0.. in order of first
 *                appearance, unless opts.ids: integer ids (opts.base 0 or 1),
 *                n = largest id + 1 - base (isolated ids are kept), or
 *                opts.nodes if given (then an id >= nodes is an error).
 *                opts.undirected: W_ij = W_ji.  Repeated edges add their
 *                weights and are counted in info->repeated (with undirected,
 *                (a,b) and (b,a) are the same edge).  A header line such as
 *                "source,target" is skipped.
 *   Matrix Market  %%MatrixMarket matrix {coordinate|array}
 *                {real|double|integer|pattern} {general|symmetric|skew-symmetric}.
 *                Repeated coordinate entries add (counted in info->repeated).
 *   NumPy .npy   2-D, dtype float64/float32/float16/int8..int64/uint8..uint64/bool,
 *                either byte order, C or Fortran order; versions 1.0-3.0.
 *   NumPy .npz   a zip archive (stored or deflated members) of .npy arrays;
 *                opts.var names the member ("J" or "J.npy"); by default the
 *                only 2-D square numeric member, else an error listing the
 *                candidates with their shapes.  (libzip)
 *   MATLAB .mat  v4, v5 (compressed or not) and v7.3 (HDF5); dense numeric or
 *                logical, or sparse; opts.var picks the variable, by default
 *                the only 2-D square numeric one, as for .npz.  (matio)
 *   graphs       GraphML, GML, Pajek, NCOL, LGL, DIMACS (max-flow, the
 *                capacities are the weights) and UCINET DL, read by igraph:
 *                node order as in the file; directed or not as the file says
 *                (NCOL, LGL: directed) unless opts.undirected; weights from
 *                the numeric edge attribute opts.weight_attr, by default
 *                "weight" when the edges have it, else 1.  W[src][dst] as for
 *                edge lists; an undirected edge sets both; repeated edges add.
 *   compressed   any of these gzip-, bzip2- or xz-compressed (.gz, .bz2, .xz,
 *                recognised by the magic bytes, also on standard input);
 *                decoding stops with LRS_ELIMIT past 64 bytes per entry of
 *                the largest matrix the limits allow, plus 1 MiB.
 *   "-"          reads standard input (format from content).
 * Auto-detection (opts.format == LRS_FMT_AUTO), first by magic bytes (npy,
 * zip = npz, "MATLAB ... MAT-file" = mat), then by the extension (after a
 * compression suffix: .npy .npz .mat .mtx .mm .graphml .gml .net .paj .pajek
 * .ncol .lgl .dimacs .max .dl .edges .edgelist .el), then by content:
 * "%%MatrixMarket", "<graphml", a first line "*Vertices" (Pajek) or "DL ",
 * "graph [" (GML); an edge list when opts.ids, opts.undirected, opts.nodes or
 * opts.base is set, by a "source/target"-style header, or when the text rows
 * are not a square table of 2 or 3 columns; otherwise dense text.  A binary
 * file of another kind is named in the error ("HDF5 file without a MATLAB
 * header", "zip archive with no .npy member", "PNG image", ...).
 *
 * Errors: one line "FILE:LINE:COLUMN: what is wrong ('the token')" (formats
 * without lines -- zip, MAT, compressed streams, igraph's readers when igraph
 * gives no line -- "FILE: what is wrong ('the token')"), where FILE
 * is the path given ("<stdin>" for "-"), LINE and COLUMN count from 1 (COLUMN
 * in bytes; for .npy the header is line 1 and a byte offset is given for the
 * data).  Codes: LRS_EIO (cannot open/read), LRS_EPARSE (malformed: ragged
 * rows, non-numbers, empty input, binary garbage, truncated data, non-square
 * when square is required), LRS_ENONFINITE (NaN or Inf in the data),
 * LRS_ELIMIT (size above opts.max_n or opts.max_bytes; refused before
 * allocating), LRS_EINVAL (bad arguments).
 *
 * Example (Figure 6: the high-school contact network, 327 nodes numbered in
 * order of first appearance; with opts.ids = 1 it would be 329 nodes 0..328,
 * two of them isolated, unless opts.compact = 1):
 *     lrs_io_read_opts_t o = lrs_io_read_opts_default();
 *     o.format = LRS_FMT_EDGES; o.undirected = 1;
 *     gsl_matrix *A = NULL;
 *     if (lrs_io_read_matrix(path, &o, &A, NULL, &err)) ... err.msg ...
 *
 * Limits: a line may be as long as max(1 MiB, 64 * max_n) bytes; the matrix
 * may have at most max_n rows and columns and take at most max_bytes bytes;
 * an edge list at most max_bytes / 24 edges.  Files need no final newline.
 */
#ifndef LRS_IO_H
#define LRS_IO_H

#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include "lrs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LRS_IO_MAX_N_DEFAULT 20000
#define LRS_IO_MAX_BYTES_DEFAULT ((size_t)4 << 30) /* 4 GiB */

/* ------------------------------------------------------------------ numbers
 * The one number parser every reader uses: strtod on a copy of the token,
 * errno checked (overflow is an error; underflow to a subnormal or zero is
 * accepted), and the whole token must be consumed (surrounding spaces are
 * trimmed first).  NaN and Inf are parsed but refused with LRS_ENONFINITE.
 * Hex floats are refused (not a data format people write).
 * tok need not be NUL-terminated.  On failure err->msg is the reason with the
 * quoted token, e.g. "not a number ('X')", "non-finite value ('nan')",
 * "number out of range ('1e999')", "empty field ('')"; readers prefix it with
 * FILE:LINE:COLUMN.  */
int lrs_io_parse_double(const char *tok, size_t len, double *out, lrs_err_t *err);

/* Integer version (strtoll, full token, errno): used for ids and sizes.
 * "3.0" is not an integer; "+3" is.  Messages: "not an integer ('x')",
 * "integer out of range ('99999999999999999999')". */
int lrs_io_parse_long(const char *tok, size_t len, long long *out, lrs_err_t *err);

/* Write tok quoted for an error message into buf: non-printable bytes as \xHH,
 * longer than 40 bytes shortened with "...".  Returns buf. */
const char *lrs_io_quote(const char *tok, size_t len, char *buf, size_t bufsize);

/* ------------------------------------------------------------------ readers */
typedef enum {
    LRS_FMT_AUTO = 0,
    LRS_FMT_DENSE = 1,
    LRS_FMT_EDGES = 2,
    LRS_FMT_MTX = 3,
    LRS_FMT_NPY = 4,
    LRS_FMT_NPZ = 5,
    LRS_FMT_MAT = 6,
    LRS_FMT_GRAPHML = 7,
    LRS_FMT_GML = 8,
    LRS_FMT_PAJEK = 9,
    LRS_FMT_NCOL = 10,
    LRS_FMT_LGL = 11,
    LRS_FMT_DIMACS = 12,
    LRS_FMT_DL = 13
} lrs_io_format_t;

/* "auto", "dense", "edges", "mtx", "npy", "npz", "mat", "graphml", "gml",
 * "pajek", "ncol", "lgl", "dimacs", "dl" (also "csv", "tsv", "txt" = dense,
 * "edgelist" = edges, "mm" = mtx, "matlab" = mat, "net" = pajek). */
int lrs_io_format_parse(const char *name, lrs_io_format_t *fmt, lrs_err_t *err);
const char *lrs_io_format_name(lrs_io_format_t fmt);

typedef struct lrs_io_read_opts {
    lrs_io_format_t format;  /* LRS_FMT_AUTO: detect */
    size_t max_n;         /* largest allowed rows/cols (0: LRS_IO_MAX_N_DEFAULT) */
    size_t max_bytes;     /* largest allowed matrix storage (0: LRS_IO_MAX_BYTES_DEFAULT) */
    int allow_nonsquare;  /* 0: a non-square matrix is an error that gives its shape */
    /* edge lists */
    int ids;              /* integer node ids instead of names */
    int base;             /* first id with ids: 0 or 1 (-1: not given = 0) */
    int undirected;       /* symmetrise */
    int compact;          /* with ids: drop ids that never occur (keep order) */
    size_t nodes;         /* with ids: number of nodes (0: largest id + 1 - base) */
    /* .npz and .mat */
    const char *var;      /* variable / member name (NULL: the only candidate) */
    /* graphs read by igraph */
    const char *weight_attr; /* numeric edge attribute (NULL: "weight" if present) */
} lrs_io_read_opts_t;

/* Defaults: auto format, limits at their defaults, square required, names,
 * base -1 (unset), directed. */
lrs_io_read_opts_t lrs_io_read_opts_default(void);

typedef struct lrs_io_read_info {
    lrs_io_format_t format;   /* the format actually read */
    int detected;          /* 1 if the format was auto-detected */
    size_t rows, cols;
    /* dense text */
    int header;            /* a header row was skipped */
    int labels;            /* a label column was skipped */
    char delim;            /* ',', ';', '\t' or ' ' (whitespace) */
    /* edge lists and Matrix Market coordinate */
    size_t entries;        /* edges / entries read */
    size_t repeated;       /* repeated edges / entries (weights added) */
    size_t self_loops;     /* edges i -> i */
    /* edge lists with names (NULL otherwise): node k's name; owned */
    char **names;
    size_t nnames;
    /* "gzip", "bzip2", "xz" when the input was compressed, else NULL */
    const char *compression;
    /* .npz member / .mat variable read ("" otherwise) */
    char var[64];
    /* graphs: 1 if the file declares a directed graph */
    int directed;
    /* graphs: the edge attribute used as weight ("" when all weights are 1) */
    char weight_attr[64];
} lrs_io_read_info_t;

/* Zero an info record / free what it owns (names) and zero it.  Accept NULL. */
void lrs_io_read_info_init(lrs_io_read_info_t *info);
void lrs_io_read_info_clear(lrs_io_read_info_t *info);

/* Read the matrix in `path` ("-": standard input) into a new *out (caller
 * frees with gsl_matrix_free).  opts NULL: defaults; info nullable.  On
 * failure *out is NULL and nothing is leaked. */
int lrs_io_read_matrix(const char *path, const lrs_io_read_opts_t *opts,
                    gsl_matrix **out, lrs_io_read_info_t *info, lrs_err_t *err);

/* The same for the formats read without external libraries: dense text,
 * edge lists, Matrix Market and .npy, compressed or not.  A program that
 * reads only these through this function links none of the graph, MATLAB
 * and zip libraries (igraph, matio with HDF5, libzip: some 50 shared
 * libraries, about 20 ms of start-up).  Another format, named in opts or
 * detected, is an LRS_EINVAL error "FILE: a gml file; lrs_io_read_plain
 * reads ...". */
int lrs_io_read_plain(const char *path, const lrs_io_read_opts_t *opts, gsl_matrix **out,
                      lrs_io_read_info_t *info, lrs_err_t *err);

/* The same from an open stream (not closed); `name` is used in messages and
 * for detection by extension (may be NULL: "<input>"). */
int lrs_io_read_stream(FILE *fp, const char *name, const lrs_io_read_opts_t *opts,
                    gsl_matrix **out, lrs_io_read_info_t *info, lrs_err_t *err);

/* The same from a memory buffer (tests, fuzzing). */
int lrs_io_read_buffer(const void *buf, size_t len, const char *name,
                    const lrs_io_read_opts_t *opts, gsl_matrix **out,
                    lrs_io_read_info_t *info, lrs_err_t *err);

/* ------------------------------------------------------------------ writers */
/* Write M as a NumPy .npy file (format 1.0, float64 little-endian, C order):
 * numpy.load(path) gives M, and lrs_io_read_matrix reads it back bit for
 * bit.  The _stream form writes to an open stream (not closed). */
int lrs_io_write_npy(const char *path, const gsl_matrix *M, lrs_err_t *err);
int lrs_io_write_npy_stream(FILE *fp, const gsl_matrix *M, lrs_err_t *err);

/* Numbers as text: the characters printf("%.*g", prec, v) writes, into buf
 * (room for LRS_IO_NUM_MAX bytes, NUL-terminated); returns their count.
 * About four times faster than printf for prec <= 12 and |v| in [1e-15, 1e15)
 * (the tables and traces the figure programs write: 10^5-10^6 numbers);
 * other values, and the rare ones whose rounding an error of 1e-16 could
 * change, go to snprintf itself, so the output is the same, byte for byte.
 * prec as printf takes it (0 is 1, a negative one 6), at most 17 (a double's
 * digits; a larger one is taken as 17). */
#define LRS_IO_NUM_MAX 32
int lrs_io_format_g(char *buf, double v, int prec);
/* The same written to fp, after the separator sep unless it is '\0' (a
 * table's cells); nonzero if the stream refused the characters. */
int lrs_io_put_g(FILE *fp, char sep, double v, int prec);

/* A sampled curve (t_k, y_k), k < n (y_k = y[k * ystride], t increasing),
 * simplified for plotting (Douglas-Peucker): sets keep[k] = 1 for the
 * points to draw, 0 for the others, so that the polyline through the kept
 * points passes within tol of every point left out, measured along y (the
 * chord between the kept neighbours, at t_k).  The first and the last point
 * are kept; so is every point where y or t is not finite, with its
 * neighbours.  *kept (may be NULL) receives the count.  Plotting programs
 * simplify the same way (matplotlib: path.simplify, 1/9 pixel by default):
 * with tol a small fraction of a pixel no drawn line moves visibly.
 * Cost O(n log n) for most curves, O(n^2) at worst; workspace O(n).
 * Errors: LRS_EINVAL (NULL pointers, tol < 0 or not finite, ystride 0),
 * LRS_ENOMEM. */
int lrs_io_simplify(size_t n, const double *t, const double *y, size_t ystride, double tol,
                    unsigned char *keep, size_t *kept, lrs_err_t *err);

/* ------------------------------------------------------------------ coordinate
 * The same readers without a dense matrix: the entries as coordinate triplets
 * (the sparse path; lrs/sparse.h).  Positions are unique (repeated entries
 * added in file order, as for the dense result), sorted by row and then by
 * column, so that row_ptr-style (CSR) offsets follow from a count per row;
 * symmetric and undirected inputs are mirrored; explicit zeros are kept.
 * max_n does not apply (ids up to 2^32 - 3); max_bytes bounds the entries
 * (24 bytes each while reading) and, for the dense formats, the dense table
 * read first.  Memory: O(nnz + rows). */
typedef struct lrs_io_coo {
    size_t rows, cols, nnz;
    uint32_t *i, *j;   /* row, column of entry k (0-based) */
    double *w;         /* value */
} lrs_io_coo_t;

/* Read `path` ("-": standard input) into *out (zeroed first; free with
 * lrs_io_coo_free).  On failure *out is empty and nothing is leaked. */
int lrs_io_read_coo(const char *path, const lrs_io_read_opts_t *opts, lrs_io_coo_t *out,
                    lrs_io_read_info_t *info, lrs_err_t *err);
/* The same from a memory buffer (tests). */
int lrs_io_read_coo_buffer(const void *buf, size_t len, const char *name,
                           const lrs_io_read_opts_t *opts, lrs_io_coo_t *out,
                           lrs_io_read_info_t *info, lrs_err_t *err);
/* Free the arrays and zero *m.  Accepts NULL. */
void lrs_io_coo_free(lrs_io_coo_t *m);

#ifdef __cplusplus
}
#endif
#endif
