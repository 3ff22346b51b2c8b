/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_readers.h -- the format readers, for io.c's dispatch (not installed).
 * Each reads from c->src positioned at the start of (decoded) input and
 * depends only on io_core.h; io.c alone includes this header.
 */
#ifndef LRS_IO_READERS_H
#define LRS_IO_READERS_H

#include "io_core.h"

/* io_text.c */
int io_read_dense(io_ctx_t *c, int auto_mode, gsl_matrix **out, lrs_err_t *err);
int io_read_edges(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err);
/* io_mtx.c */
int io_read_mtx(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err);
/* io_npy.c */
int io_read_npy(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err);
/* The dtype and shape of a .npy stream from its header alone (the .npz
 * reader lists candidates with it). */
typedef struct io_npy_desc {
    char kind;      /* 'f', 'i', 'u', 'b' */
    int size;       /* bytes per item */
    size_t ndim;
    unsigned long long shape[8];
} io_npy_desc_t;
int io_npy_peek(io_ctx_t *c, io_npy_desc_t *d, lrs_err_t *err);
/* io_zip.c: a .npz archive (zip of .npy members) */
int io_read_npz(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err);
/* io_mat.c: a MATLAB .mat file (v4, v5, v7.3) */
int io_read_mat(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err);
/* io_graph.c: GraphML, GML, Pajek, NCOL, LGL, DIMACS, DL through igraph */
int io_read_graph(io_ctx_t *c, lrs_io_format_t fmt, gsl_matrix **out, lrs_err_t *err);

/* io_decomp.c: when the source starts with gzip, bzip2 or xz magic bytes,
 * put a decoder between it and the readers (*kind gets "gzip", "bzip2",
 * "xz"; NULL when the data is not compressed).  The decoder refuses to
 * produce more than io_expand_cap(opts) bytes. */
int io_decomp_push(io_ctx_t *c, const char **kind, lrs_err_t *err);

/* A reader for format fmt (detected: 1 if auto-detected), chosen by an
 * entry point: io_dispatch_plain (io.c) reads dense text, edge lists,
 * Matrix Market and .npy and refuses the rest; io_read.c's adds the
 * library-backed formats. */
typedef int (*io_dispatch_fn)(io_ctx_t *c, lrs_io_format_t fmt, int detected,
                              gsl_matrix **out, lrs_err_t *err);
int io_dispatch_plain(io_ctx_t *c, lrs_io_format_t fmt, int detected, gsl_matrix **out,
                      lrs_err_t *err);
/* Read src (name for messages and detection, path or NULL) into *out, or
 * into *coo when coo is not NULL (then *out is scratch): options, layers
 * (decompression), detection, refusal of binary data for text formats,
 * then dispatch; fills info (nullable). */
int io_read_source(io_src_t *src, const char *name, const char *path,
                   const lrs_io_read_opts_t *opts, gsl_matrix **out, lrs_io_coo_t *coo,
                   lrs_io_read_info_t *info, io_dispatch_fn dispatch, lrs_err_t *err);
/* io_read_source on the file path ("-": standard input, named "<stdin>"). */
int io_read_file(const char *path, const lrs_io_read_opts_t *opts, gsl_matrix **out,
                 lrs_io_coo_t *coo, lrs_io_read_info_t *info, io_dispatch_fn dispatch,
                 lrs_err_t *err);

/* io_text.c: auto-detection on the first bytes of a text input: 1 if the
 * first data lines look like an edge list (a "source,target" header, or
 * names in the first two fields of 2-3 field rows). */
int io_sniff_edges(const char *p, size_t avail, int eof);

#endif
