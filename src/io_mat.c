/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_mat.c -- MATLAB .mat files through matio (see lrs/io.h).
 *
 * matio reads v4, v5 (with or without zlib compression of each variable)
 * and v7.3 (HDF5) files, by name only: a file read from a path is opened
 * there; any other input (standard input, a decompressed stream, a memory
 * buffer) is copied to an anonymous memory file (memfd) first, within
 * io_expand_cap().  The variables' headers are listed first
 * (Mat_VarReadNextInfo: class, rank, dimensions), the choice and every
 * limit are checked on them, and only then is the one variable's data read
 * (Mat_VarRead), so the allocation is bounded by the checked dimensions.
 * matio trusts the byte counts inside the file, so a pre-scan checks them
 * first, before matio opens it: v5 element and part sizes against their
 * enclosing element and the declared shape (compressed variables inflated
 * on the fly), v4 headers and sparse sizes against the file and --max-n.
 * Dense data is column-major; sparse data is compressed sparse column
 * (jc: column starts, ir: row indices), both validated before use.
 * matio's log messages go to a handler that keeps the last one for our
 * error message instead of printing it.
 */
#define _GNU_SOURCE /* memfd_create */
#include "io_core.h"
#include "io_readers.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <matio.h>
#include <hdf5.h>
#include <zlib.h>

static _Thread_local char mat_last[256];

static void mat_logger(int level, char *message)
{
    size_t k;
    (void)level;
    snprintf(mat_last, sizeof mat_last, "%s", message ? message : "");
    for (k = 0; mat_last[k]; k++)
        if ((unsigned char)mat_last[k] < 0x20 || (unsigned char)mat_last[k] >= 0x7f)
            mat_last[k] = ' ';
}

static const char *class_name(const matvar_t *v)
{
    static const char *names[] = {"empty", "cell array", "struct", "object", "char array",
                                  "sparse", "double", "single", "int8", "uint8", "int16",
                                  "uint16", "int32", "uint32", "int64", "uint64",
                                  "function handle", "opaque object"};
    if (v->isLogical)
        return "logical";
    if ((size_t)v->class_type < sizeof names / sizeof names[0])
        return names[v->class_type];
    return "unknown class";
}

static int is_numeric(const matvar_t *v)
{
    return v->class_type == MAT_C_SPARSE ||
           (v->class_type >= MAT_C_DOUBLE && v->class_type <= MAT_C_UINT64);
}

/* The variable's name quoted for messages (non-printable bytes as \xHH). */
static const char *vname(const matvar_t *v, char *q, size_t size)
{
    return v->name ? lrs_io_quote(v->name, strlen(v->name), q, size) : "?";
}

/* "NAME (3x3 double)" */
static void describe(const matvar_t *v, char *buf, size_t size)
{
    char q[160];
    size_t o = (size_t)snprintf(buf, size, "%s (", vname(v, q, sizeof q));
    int k;
    for (k = 0; k < v->rank && o < size; k++)
        o += (size_t)snprintf(buf + o, size - o, "%s%zu", k ? "x" : "", v->dims[k]);
    if (o < size)
        snprintf(buf + o, size - o, " %s%s)", v->isComplex ? "complex " : "", class_name(v));
}

static int is_candidate(const matvar_t *v)
{
    return is_numeric(v) && !v->isComplex && v->rank == 2 && v->dims[0] == v->dims[1] &&
           v->dims[0] > 1;
}

/* matio lists a v4 sparse variable with the shape of its triplet table
 * (non-zeros + 1 by 3); the matrix size is in the table's last row, which
 * the v4 pre-scan checked against --max-n, so reading it is bounded. */
static void v4_sparse_dims(mat_t *mat, matvar_t *v)
{
    matvar_t *full;
    if (Mat_GetVersion(mat) != MAT_FT_MAT4 || v->class_type != MAT_C_SPARSE || !v->name ||
        v->rank != 2)
        return;
    full = Mat_VarRead(mat, v->name);
    if (full && full->rank == 2) {
        v->dims[0] = full->dims[0];
        v->dims[1] = full->dims[1];
    }
    Mat_VarFree(full);
}

/* The variable to read (a copy of its header, Mat_VarFree by the caller):
 * opts.var, else the only 2-D square real numeric one (scalars do not
 * count), else the only one. */
static int choose_var(io_ctx_t *c, mat_t *mat, matvar_t **pick, lrs_err_t *err)
{
    char list[LRS_ERR_MSG_MAX / 2] = "", one[128];
    matvar_t *v, *cand = NULL, *only = NULL;
    size_t ncand = 0, nvar = 0, o;
    int rc = LRS_OK;
    *pick = NULL;
    while ((v = Mat_VarReadNextInfo(mat)) != NULL) {
        nvar++;
        v4_sparse_dims(mat, v);
        if (c->o.var && v->name && strcmp(v->name, c->o.var) == 0) {
            *pick = v;
            goto done;
        }
        describe(v, one, sizeof one);
        o = strlen(list);
        if (o < sizeof list)
            snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", one);
        if (is_candidate(v) && ncand++ == 0) {
            cand = v;
            continue;
        }
        if (nvar == 1) {
            only = v;
            continue;
        }
        Mat_VarFree(v);
    }
    if (nvar == 0)
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "MAT file with no variable%s%s",
                    mat_last[0] ? ": " : "", mat_last);
    else if (c->o.var)
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "no variable '%s' in the file; it has: %s",
                    c->o.var, list);
    else if (ncand == 1)
        *pick = cand, cand = NULL;
    else if (nvar == 1)
        *pick = only, only = NULL;
    else if (ncand == 0)
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "no 2-D square numeric variable in the file; it "
                    "has: %s", list);
    else
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "%zu 2-D square numeric variables in the file "
                    "(%s); choose one with --var NAME", ncand, list);
done:
    if (cand && cand != *pick)
        Mat_VarFree(cand);
    if (only && only != *pick)
        Mat_VarFree(only);
    return rc;
}

/* The header of the chosen variable against the reader's contract. */
static int check_var(io_ctx_t *c, const matvar_t *v, lrs_err_t *err)
{
    char d[128];
    int rc;
    if (!v->name)
        return io_err(c, err, LRS_EPARSE, 0, 0, "a variable without a name (truncated or "
                      "corrupt file)%s%s", mat_last[0] ? ": " : "", mat_last);
    describe(v, d, sizeof d);
    if (!is_numeric(v))
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable %s is not a numeric matrix", d);
    if (v->isComplex)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable %s is complex; expected a real "
                      "matrix", d);
    if (v->rank != 2)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable %s has %d dimensions; expected a "
                      "2-D matrix", d, v->rank);
    if (v->dims[0] == 0 || v->dims[1] == 0)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable %s is empty", d);
    if ((rc = io_check_size(c, v->dims[0], v->dims[1], 0, 0, err)))
        return rc;
    return io_check_square(c, v->dims[0], v->dims[1], 0, NULL, err);
}

/* Element k of data of matio type t, as a double. */
static double elem(const void *data, enum matio_types t, size_t k)
{
    switch (t) {
    case MAT_T_DOUBLE: return ((const double *)data)[k];
    case MAT_T_SINGLE: return ((const float *)data)[k];
    case MAT_T_INT8: return ((const int8_t *)data)[k];
    case MAT_T_UINT8: return ((const uint8_t *)data)[k];
    case MAT_T_INT16: return ((const int16_t *)data)[k];
    case MAT_T_UINT16: return ((const uint16_t *)data)[k];
    case MAT_T_INT32: return ((const int32_t *)data)[k];
    case MAT_T_UINT32: return ((const uint32_t *)data)[k];
    case MAT_T_INT64: return (double)((const int64_t *)data)[k];
    case MAT_T_UINT64: return (double)((const uint64_t *)data)[k];
    default: return NAN;
    }
}

static size_t type_size(enum matio_types t)
{
    switch (t) {
    case MAT_T_DOUBLE: case MAT_T_INT64: case MAT_T_UINT64: return 8;
    case MAT_T_SINGLE: case MAT_T_INT32: case MAT_T_UINT32: return 4;
    case MAT_T_INT16: case MAT_T_UINT16: return 2;
    case MAT_T_INT8: case MAT_T_UINT8: return 1;
    default: return 0;
    }
}

static int put(io_ctx_t *c, const matvar_t *v, gsl_matrix *W, size_t i, size_t j, double x,
               lrs_err_t *err)
{
    char q[160];
    if (!isfinite(x))
        return io_err(c, err, LRS_ENONFINITE, 0, 0, "variable '%s' has a non-finite value at "
                      "[%zu, %zu] ('%s')", vname(v, q, sizeof q), i, j,
                      isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
    W->data[i * W->tda + j] += x;
    return LRS_OK;
}

static int fill_dense(io_ctx_t *c, const matvar_t *v, gsl_matrix *W, lrs_err_t *err)
{
    char q[160];
    size_t rows = W->size1, cols = W->size2, i, j;
    int rc;
    if (!v->data || type_size(v->data_type) == 0 ||
        v->nbytes < rows * cols * type_size(v->data_type))
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable '%s': data missing or of an "
                      "unsupported type%s%s", vname(v, q, sizeof q), mat_last[0] ? ": " : "", mat_last);
    for (j = 0; j < cols; j++)
        for (i = 0; i < rows; i++)
            if ((rc = put(c, v, W, i, j, elem(v->data, v->data_type, j * rows + i), err)))
                return rc;
    return LRS_OK;
}

static int fill_sparse(io_ctx_t *c, const matvar_t *v, gsl_matrix *W, lrs_err_t *err)
{
    const mat_sparse_t *sp = v->data;
    char q[160];
    size_t rows = W->size1, cols = W->size2, j, k;
    int rc;
    if (!sp || !sp->jc || sp->njc < cols + 1 || type_size(v->data_type) == 0 ||
        (sp->ndata > 0 && (!sp->data || !sp->ir)))
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable '%s': malformed sparse data",
                      vname(v, q, sizeof q));
    for (j = 0; j < cols; j++) {
        if (sp->jc[j] > sp->jc[j + 1] || sp->jc[j + 1] > sp->ndata || sp->jc[j + 1] > sp->nir)
            return io_err(c, err, LRS_EPARSE, 0, 0, "variable '%s': sparse column %zu "
                          "points outside its %u entries", vname(v, q, sizeof q), j, (unsigned)sp->ndata);
        for (k = sp->jc[j]; k < sp->jc[j + 1]; k++) {
            if (sp->ir[k] >= rows)
                return io_err(c, err, LRS_EPARSE, 0, 0, "variable '%s': sparse row index "
                              "%u outside 0..%zu", vname(v, q, sizeof q), (unsigned)sp->ir[k], rows - 1);
            if ((rc = put(c, v, W, sp->ir[k], j, elem(sp->data, v->data_type, k), err)))
                return rc;
        }
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ v5 pre-scan
 * matio trusts the sizes in a v5 file: a dimensions block claiming 4 GB, or
 * a cell array of 10^9 elements, makes Mat_VarReadNextInfo allocate that
 * much before anything can be checked.  So each top-level element's header
 * is checked first.  Layout: a 128-byte header (bytes 126-127 "IM", or "MI"
 * when the file's byte order is swapped), then elements: a tag (type,
 * nbytes; 32-bit each) and nbytes of data padded to 8 bytes, or for
 * miCOMPRESSED (15) a zlib stream of one element.  An miMATRIX (14) starts
 * with an array-flags sub-element (class in the low byte) and a dimensions
 * sub-element (int32 each, 4 * rank bytes). */

static uint32_t rd32(const unsigned char *p, int swap)
{
    return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* What the parts walk needs from a matrix header. */
typedef struct {
    uint32_t cls;               /* MAT_C_* */
    unsigned long long nzmax;   /* sparse: declared non-zeros */
    unsigned long long cols;    /* second dimension (0: unknown) */
} mat_hdr_t;

/* One miMATRIX header (its first n bytes after the tag). */
static int check_matrix_hdr(io_ctx_t *c, const unsigned char *p, size_t n, int swap, size_t k,
                            mat_hdr_t *h, lrs_err_t *err)
{
    uint32_t t, dn, cls, r;
    unsigned long long numel = 1;
    memset(h, 0, sizeof *h);
    if (n < 24)
        return LRS_OK;
    cls = swap ? p[11] : p[8];
    h->cls = cls;
    h->nzmax = rd32(p + 12, swap);
    t = rd32(p + 16, swap);
    dn = (t >> 16) ? t >> 16 : rd32(p + 20, swap);
    /* the part types are fixed (array flags miUINT32, dimensions miINT32,
     * name miINT8); matio takes other types as other layouts and reads a
     * size out of the wrong bytes */
    if (rd32(p, swap) != 6 || rd32(p + 4, swap) != 8)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: malformed array flags "
                      "(type %u, %u bytes; expected miUINT32, 8 bytes)", k,
                      (unsigned)rd32(p, swap), (unsigned)rd32(p + 4, swap));
    if ((t & 0xffff) != 5)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: dimensions of type %u; "
                      "expected miINT32 (5)", k, (unsigned)(t & 0xffff));
    if (dn % 4 != 0 || dn < 8 || dn > 4 * 32)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: malformed dimensions block "
                      "(%u bytes)", k, (unsigned)dn);
    if (24 + (size_t)(dn + 7) / 8 * 8 + 4 <= n &&
        (rd32(p + 24 + (dn + 7) / 8 * 8, swap) & 0xffff) != 1)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: name of type %u; expected "
                      "miINT8 (1)", k, (unsigned)(rd32(p + 24 + (dn + 7) / 8 * 8, swap) & 0xffff));
    for (r = 0; r < dn / 4 && 24 + 4 * (size_t)r + 4 <= n && (t >> 16) == 0; r++) {
        uint32_t d = rd32(p + 24 + 4 * r, swap);
        numel = numel > (1ULL << 40) ? numel : numel * d;
        if (r == 1)
            h->cols = d;
    }
    if (cls == MAT_C_SPARSE) {
        /* matio allocates nzmax row indices and values up front */
        unsigned long long nzmax = h->nzmax;
        if (nzmax * 12 > c->o.max_bytes || ((t >> 16) == 0 && nzmax > numel && nzmax > 1))
            return io_err(c, err, LRS_ELIMIT, 0, 0, "variable #%zu: sparse matrix declaring "
                          "%llu non-zeros for %llu entries; refused", k, nzmax, numel);
    }
    if (cls >= MAT_C_CELL && cls <= MAT_C_OBJECT && numel > ((unsigned long long)1 << 20))
        return io_err(c, err, LRS_ELIMIT, 0, 0, "variable #%zu: a cell array or struct of "
                      "%llu elements; refused (lrs reads numeric matrices)", k, numel);
    return LRS_OK;
}

/* Sequential access to one element's content: the bytes of an miMATRIX
 * straight from the file, or those of an miCOMPRESSED element inflated on
 * the fly (skipped bytes are inflated into a scratch buffer, so reaching
 * offset k costs O(k) and no memory). */
typedef struct {
    FILE *fp;
    long base;            /* file offset of the element's content (after its tag) */
    size_t zleft;         /* compressed bytes not yet fed to zlib */
    z_stream z;
    int zlib;             /* 1: inflating; 2: the stream ended or failed */
    size_t at;            /* inflated bytes produced so far */
    size_t origin;        /* inflated offset of the content (after the inner tag) */
    unsigned char in[4096];
} elem_rd_t;

static int rd_open(elem_rd_t *r, FILE *fp, long base, size_t nb, int compressed)
{
    memset(r, 0, sizeof *r);
    r->fp = fp;
    r->base = base;
    if (!compressed)
        return 0;
    if (inflateInit(&r->z) != Z_OK || fseek(fp, base, SEEK_SET))
        return -1;
    r->zlib = 1;
    r->zleft = nb;
    return 0;
}

static void rd_close(elem_rd_t *r)
{
    if (r->zlib)
        inflateEnd(&r->z);
}

/* Inflate up to n bytes into out; the count produced. */
static size_t rd_inflate(elem_rd_t *r, unsigned char *out, size_t n)
{
    size_t got = 0;
    while (got < n && r->zlib == 1) {
        int zr;
        if (r->z.avail_in == 0 && r->zleft > 0) {
            size_t k = r->zleft < sizeof r->in ? r->zleft : sizeof r->in;
            k = fread(r->in, 1, k, r->fp);
            if (k == 0) {
                r->zlib = 2;
                break;
            }
            r->zleft -= k;
            r->z.next_in = r->in;
            r->z.avail_in = (uInt)k;
        }
        r->z.next_out = out + got;
        r->z.avail_out = (uInt)(n - got);
        zr = inflate(&r->z, Z_SYNC_FLUSH);
        got = n - r->z.avail_out;
        if (zr != Z_OK || (r->z.avail_in == 0 && r->zleft == 0 && got < n))
            r->zlib = 2; /* end, corrupt data, or no more input */
    }
    r->at += got;
    return got;
}

/* n bytes at content offset off (non-decreasing between calls when
 * inflating); the count actually available. */
static size_t rd_get(elem_rd_t *r, size_t off, void *buf, size_t n)
{
    unsigned char skip[4096];
    if (!r->zlib)
        return fseek(r->fp, r->base + (long)off, SEEK_SET) ? 0 : fread(buf, 1, n, r->fp);
    off += r->origin;
    while (r->at < off) {
        size_t k = off - r->at < sizeof skip ? off - r->at : sizeof skip;
        if (rd_inflate(r, skip, k) < k)
            return 0;
    }
    return r->at == off ? rd_inflate(r, buf, n) : 0;
}

/* The parts of a numeric miMATRIX after its header: array flags,
 * dimensions, name, then the values (dense), or the row indices, column
 * starts and values (sparse).  matio sizes its buffers from each part's
 * byte count, so every count must fit in the matrix element (len bytes),
 * and a sparse part in what the header declares: at most 8 bytes per
 * declared non-zero for row indices and values, per column + 1 for column
 * starts.  The first n bytes are in head; reaching a later part of a
 * compressed element inflates what precedes it (bounded by the same
 * checks). */
static int check_parts(io_ctx_t *c, elem_rd_t *r, const unsigned char *head, size_t n,
                       size_t len, const mat_hdr_t *h, int swap, size_t k, lrs_err_t *err)
{
    static const char *sparse_part[] = {"array flags", "dimensions", "name", "row indices",
                                        "column starts", "values"};
    static const char *dense_part[] = {"array flags", "dimensions", "name", "values"};
    int sparse = h->cls == MAT_C_SPARSE;
    size_t nparts = sparse ? 6 : 4, i, off = 0;
    for (i = 0; i < nparts && off + 8 <= len; i++) {
        unsigned char tag[8];
        uint32_t type, nb;
        unsigned long long most = len - off - 8;
        const char *what = sparse ? sparse_part[i] : dense_part[i];
        if (off + 8 <= n)
            memcpy(tag, head + off, 8);
        else if (off < n || rd_get(r, off, tag, 8) < 8)
            break; /* a short or corrupt stream: matio reports it */
        type = rd32(tag, swap);
        nb = (type >> 16) ? 0 : rd32(tag + 4, swap);
        if (sparse && (i == 3 || i == 5))
            most = 8 * (h->nzmax > 1 ? h->nzmax : 1);
        else if (sparse && i == 4)
            most = 8 * (h->cols + 1);
        if (nb > len - off - 8)
            return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: part '%s' of %u bytes "
                          "runs past the end of its matrix element (%zu bytes); corrupt file",
                          k, what, (unsigned)nb, len);
        if (nb > most)
            return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: part '%s' of %u bytes "
                          "is more than a sparse matrix of %llu columns and nzmax %llu can "
                          "hold (%llu); corrupt file", k, what, (unsigned)nb, h->cols, h->nzmax,
                          most);
        off += 8 + ((size_t)nb + 7) / 8 * 8;
    }
    return LRS_OK;
}

/* One top-level element (content at file offset base, nb bytes; an
 * miCOMPRESSED one holds a zlib stream of one tagged element). */
static int check_element(io_ctx_t *c, FILE *fp, long base, size_t nb, int compressed,
                         int swap, size_t k, lrs_err_t *err)
{
    unsigned char head[512];
    elem_rd_t r;
    mat_hdr_t h;
    size_t len = nb, n;
    int rc = LRS_OK;
    if (rd_open(&r, fp, base, nb, compressed))
        goto done; /* zlib could not start: matio will not either, and says so */
    if (compressed) {
        unsigned char tag[8];
        if (rd_get(&r, 0, tag, 8) < 8 || rd32(tag, swap) != 14)
            goto done;
        len = rd32(tag + 4, swap);
        r.origin = 8;
    }
    n = rd_get(&r, 0, head, len < sizeof head ? len : sizeof head);
    rc = check_matrix_hdr(c, head, n, swap, k, &h, err);
    if (rc == LRS_OK && n >= 24 && (h.cls == MAT_C_SPARSE ||
                                    (h.cls >= MAT_C_DOUBLE && h.cls <= MAT_C_UINT64)))
        rc = check_parts(c, &r, head, n, len, &h, swap, k, err);
done:
    rd_close(&r);
    return rc;
}

/* Element idx of a v4 data block at file offset off: precision digit P
 * (0 double, 1 single, 2 int32, 3 int16, 4 uint16, 5 uint8), byte order
 * big; NAN if unreadable. */
static double v4_elem(FILE *fp, long off, unsigned prec, int big, unsigned long long idx)
{
    static const unsigned isz[6] = {8, 4, 4, 2, 2, 1};
    unsigned char b[8], l[8];
    unsigned k, n = isz[prec];
    double d;
    float f;
    if (fseek(fp, off + (long)(idx * n), SEEK_SET) || fread(b, 1, n, fp) != n)
        return NAN;
    for (k = 0; k < n; k++) /* to little-endian */
        l[k] = big ? b[n - 1 - k] : b[k];
    switch (prec) {
    case 0: memcpy(&d, l, 8); return d;
    case 1: memcpy(&f, l, 4); return f;
    case 2: return (int32_t)rd32(l, 0);
    case 3: return (int16_t)(l[0] | l[1] << 8);
    case 4: return (uint16_t)(l[0] | l[1] << 8);
    default: return l[0];
    }
}

/* A v4 sparse variable is a triplet table (row, column, value[, imag]) of
 * mrows rows whose last row holds the matrix size (m, n, 0): matio sizes
 * the matrix and its column starts from it, so it must be a size within
 * --max-n. */
static int check_v4_sparse(io_ctx_t *c, FILE *fp, long data, uint32_t type, int big,
                           uint32_t mrows, uint32_t ncols, size_t k, lrs_err_t *err)
{
    unsigned prec = (type / 10) % 10;
    size_t max_n = c->o.max_n ? c->o.max_n : LRS_IO_MAX_N_DEFAULT;
    double m, n;
    if (mrows == 0 || ncols < 3 || ncols > 4)
        return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: v4 sparse table of %ux%u; "
                      "expected 3 or 4 columns", k, (unsigned)mrows, (unsigned)ncols);
    m = v4_elem(fp, data, prec, big, mrows - 1);
    n = v4_elem(fp, data, prec, big, 2ULL * mrows - 1);
    if (!(m >= 0 && n >= 0 && m <= (double)max_n && n <= (double)max_n &&
          m == floor(m) && n == floor(n)))
        return io_err(c, err, LRS_ELIMIT, 0, 0, "variable #%zu: v4 sparse matrix of %gx%g; "
                      "sizes must be whole numbers up to --max-n %zu", k, m, n, max_n);
    return LRS_OK;
}

/* A file without a v5/v7.3 text header is a v4 file or nothing: each
 * variable is a 20-byte header (type MOPT, mrows, ncols, imagf, namlen; in
 * the byte order M says), the name, then mrows*ncols items (twice when
 * complex).  Every size must fit in what is left of the file. */
static int prescan_v4(io_ctx_t *c, FILE *fp, long size, lrs_err_t *err)
{
    static const unsigned isz[6] = {8, 4, 4, 2, 2, 1};
    unsigned char h[20];
    long pos = 0;
    size_t k = 0;
    int rc;
    while (pos < size) {
        uint32_t type, mrows, ncols, imagf, namlen, big;
        unsigned long long need;
        k++;
        if (fseek(fp, pos, SEEK_SET) || fread(h, 1, 20, fp) != 20)
            goto bad;
        big = rd32(h, 0) > 9999 ? 1 : 0; /* type is < 5000 in its own byte order */
        type = rd32(h, (int)big);
        mrows = rd32(h + 4, (int)big);
        ncols = rd32(h + 8, (int)big);
        imagf = rd32(h + 12, (int)big);
        namlen = rd32(h + 16, (int)big);
        if (type >= 5000 || (type / 100) % 10 != 0 || (type / 10) % 10 > 5 || type % 10 > 2 ||
            imagf > 1 || namlen < 1 || namlen > 4096)
            goto bad;
        need = 20ULL + namlen +
               (unsigned long long)mrows * ncols * isz[(type / 10) % 10] * (imagf ? 2 : 1);
        if (need > (unsigned long long)(size - pos))
            goto bad;
        if (type % 10 == 2 && (rc = check_v4_sparse(c, fp, pos + 20 + (long)namlen, type,
                                                    (int)big, mrows, ncols, k, err)))
            return rc;
        pos += (long)need;
    }
    return LRS_OK;
bad:
    return io_err(c, err, LRS_EPARSE, 0, 0, "not a MATLAB .mat file: no v5/v7.3 header, and "
                  "variable #%zu is not a valid v4 one", k);
}

static int prescan_v5(io_ctx_t *c, FILE *fp, lrs_err_t *err)
{
    unsigned char hdr[128], tag[8];
    long size, pos = 128;
    size_t k = 0;
    int swap, rc = LRS_OK;
    if (fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET))
        return LRS_OK;
    /* matio tells the versions by bytes 124-125 (0x0100 v5, 0x0200 v7.3) in
     * the byte order of 126-127 ("IM" or "MI"), and tries v4 otherwise */
    if (fread(hdr, 1, 128, fp) != 128 || !((hdr[126] == 'I' && hdr[127] == 'M') ||
                                          (hdr[126] == 'M' && hdr[127] == 'I')))
        return prescan_v4(c, fp, size, err);
    swap = hdr[126] == 'M';
    if ((swap ? hdr[124] << 8 | hdr[125] : hdr[125] << 8 | hdr[124]) == 0x0200)
        return LRS_OK; /* v7.3: HDF5 checks its own structure */
    if ((swap ? hdr[124] << 8 | hdr[125] : hdr[125] << 8 | hdr[124]) != 0x0100)
        return prescan_v4(c, fp, size, err);
    while (rc == LRS_OK && pos + 8 <= size && fread(tag, 1, 8, fp) == 8) {
        uint32_t type = rd32(tag, swap), nb = rd32(tag + 4, swap);
        k++;
        if (type >> 16) { /* small element: all in the tag */
            pos += 8;
            continue;
        }
        if ((long long)nb > (long long)size - pos - 8)
            return io_err(c, err, LRS_EPARSE, 0, 0, "variable #%zu: element of %u bytes runs "
                          "past the end of the file; truncated", k, (unsigned)nb);
        if (type == 14 || type == 15)
            rc = check_element(c, fp, pos + 8, nb, type == 15, swap, k, err);
        pos += 8 + (long)(type == 15 ? nb : (nb + 7u) / 8u * 8u);
        if (fseek(fp, pos, SEEK_SET))
            break;
    }
    return rc;
}

/* A path matio can open: the file itself, or a memfd holding the input. */
static int mat_path(io_ctx_t *c, int *fd, char *path, size_t size, lrs_err_t *err)
{
    unsigned char *buf = NULL;
    size_t len = 0, off = 0;
    int rc;
    *fd = -1;
    if (c->path) {
        snprintf(path, size, "%s", c->path);
        return LRS_OK;
    }
    if ((rc = io_src_slurp(c->src, io_expand_cap(&c->o), "the limit for --max-n", &buf, &len,
                           err)))
        return rc;
    *fd = memfd_create("lrs-mat", 0);
    if (*fd < 0) {
        free(buf);
        return lrs_err_set(err, LRS_EIO, "%s: cannot make a memory file: %s", c->name,
                           strerror(errno));
    }
    while (off < len) {
        ssize_t w = write(*fd, buf + off, len - off);
        if (w <= 0) {
            free(buf);
            return lrs_err_set(err, LRS_EIO, "%s: cannot write a memory file: %s", c->name,
                               strerror(errno));
        }
        off += (size_t)w;
    }
    free(buf);
    snprintf(path, size, "/proc/self/fd/%d", *fd);
    return LRS_OK;
}

int io_read_mat(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err)
{
    char path[4096], q[160];
    mat_t *mat = NULL;
    matvar_t *hdr = NULL, *v = NULL;
    gsl_matrix *W = NULL;
    int fd = -1, rc;

    *out = NULL;
    mat_last[0] = '\0';
    Mat_LogInitFunc("lrs", mat_logger);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if ((rc = mat_path(c, &fd, path, sizeof path, err)))
        goto done;
    {
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            rc = lrs_err_set(err, LRS_EIO, "%s: cannot open: %s", c->name, strerror(errno));
            goto done;
        }
        rc = prescan_v5(c, fp, err);
        fclose(fp);
        if (rc)
            goto done;
    }
    mat = Mat_Open(path, MAT_ACC_RDONLY);
    if (!mat) {
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "not a MATLAB .mat file matio can read%s%s",
                    mat_last[0] ? ": " : "", mat_last);
        goto done;
    }
    if ((rc = choose_var(c, mat, &hdr, err)) || (rc = check_var(c, hdr, err)))
        goto done;
    v = Mat_VarRead(mat, hdr->name);
    if (!v || v->class_type != hdr->class_type || v->rank != 2 || v->dims[0] != hdr->dims[0] ||
        v->dims[1] != hdr->dims[1]) {
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "cannot read variable '%s' (truncated or "
                    "corrupt file)%s%s", vname(hdr, q, sizeof q), mat_last[0] ? ": " : "", mat_last);
        goto done;
    }
    W = io_matrix_calloc(v->dims[0], v->dims[1]);
    if (!W) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for a %zux%zu matrix", c->name,
                         v->dims[0], v->dims[1]);
        goto done;
    }
    rc = v->class_type == MAT_C_SPARSE ? fill_sparse(c, v, W, err) : fill_dense(c, v, W, err);
    if (rc)
        goto done;
    vname(v, c->info->var, sizeof c->info->var);
    c->info->format = LRS_FMT_MAT;
    *out = W;
    W = NULL;
done:
    if (W)
        gsl_matrix_free(W);
    Mat_VarFree(v);
    Mat_VarFree(hdr);
    if (mat)
        Mat_Close(mat);
    if (fd >= 0)
        close(fd);
    return rc;
}
