/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_read.c -- the readers' entry points for every format (see lrs/io.h):
 * io_read_source (io.c) with the dispatch below, which adds the formats
 * read through libraries (.npz: libzip, .mat: matio, graphs: igraph) to
 * the plain ones.
 */
#include "io_core.h"
#include "io_readers.h"

#include <string.h>

static int dispatch_all(io_ctx_t *c, lrs_io_format_t fmt, int detected, gsl_matrix **out,
                        lrs_err_t *err)
{
    switch (fmt) {
    case LRS_FMT_DENSE:
    case LRS_FMT_EDGES:
    case LRS_FMT_MTX:
    case LRS_FMT_NPY: return io_dispatch_plain(c, fmt, detected, out, err);
    case LRS_FMT_NPZ: return io_read_npz(c, out, err);
    case LRS_FMT_MAT: return io_read_mat(c, out, err);
    default: return io_read_graph(c, fmt, out, err);
    }
}

/* A source over a stream (fp) or a memory buffer (buf, len), read with
 * every reader. */
static int read_mem_or_stream(FILE *fp, const void *buf, size_t len, const char *name,
                              const lrs_io_read_opts_t *opts, gsl_matrix **out,
                              lrs_io_coo_t *coo, lrs_io_read_info_t *info, lrs_err_t *err)
{
    io_src_t s;
    int rc;
    memset(&s, 0, sizeof s);
    s.fp = fp;
    s.mem = buf;
    s.memlen = len;
    s.eof = !fp && len == 0;
    rc = io_read_source(&s, name ? name : "<input>", NULL, opts, out, coo, info, dispatch_all,
                        err);
    io_src_release(&s);
    return rc;
}

int lrs_io_read_stream(FILE *fp, const char *name, const lrs_io_read_opts_t *opts,
                    gsl_matrix **out, lrs_io_read_info_t *info, lrs_err_t *err)
{
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_stream: out is NULL");
    *out = NULL;
    if (!fp)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_stream: fp is NULL");
    return read_mem_or_stream(fp, NULL, 0, name, opts, out, NULL, info, err);
}

int lrs_io_read_buffer(const void *buf, size_t len, const char *name,
                    const lrs_io_read_opts_t *opts, gsl_matrix **out,
                    lrs_io_read_info_t *info, lrs_err_t *err)
{
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_buffer: out is NULL");
    *out = NULL;
    if (!buf && len)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_buffer: buf is NULL");
    return read_mem_or_stream(NULL, buf, len, name, opts, out, NULL, info, err);
}

int lrs_io_read_matrix(const char *path, const lrs_io_read_opts_t *opts,
                    gsl_matrix **out, lrs_io_read_info_t *info, lrs_err_t *err)
{
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_matrix: out is NULL");
    *out = NULL;
    if (!path)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_matrix: path is NULL");
    return io_read_file(path, opts, out, NULL, info, dispatch_all, err);
}

/* Coordinate readers: the dense readers' source and context with c->coo set. */
int lrs_io_read_coo_buffer(const void *buf, size_t len, const char *name,
                           const lrs_io_read_opts_t *opts, lrs_io_coo_t *out,
                           lrs_io_read_info_t *info, lrs_err_t *err)
{
    gsl_matrix *W = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_coo_buffer: out is NULL");
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_coo_buffer: buf is NULL");
    return read_mem_or_stream(NULL, buf, len, name, opts, &W, out, info, err);
}

int lrs_io_read_coo(const char *path, const lrs_io_read_opts_t *opts, lrs_io_coo_t *out,
                    lrs_io_read_info_t *info, lrs_err_t *err)
{
    gsl_matrix *W = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_coo: out is NULL");
    memset(out, 0, sizeof *out);
    if (!path)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_read_coo: path is NULL");
    return io_read_file(path, opts, &W, out, info, dispatch_all, err);
}
