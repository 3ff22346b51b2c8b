/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_zip.c -- NumPy .npz archives (see lrs/io.h).
 *
 * An .npz file (numpy.savez, savez_compressed) is a zip archive whose members
 * "NAME.npy" are .npy streams, stored or deflated.  libzip opens the archive
 * from memory; each member is decoded through an io_src_t pull, so the .npy
 * reader (io_npy.c) reads it as it would a plain file and never holds more
 * than the matrix.  Choice of member: opts.var ("J" or "J.npy"), else the
 * only 2-D square numeric member (1x1 does not count), else the only member whatever it is (so
 * its own error is precise), else an error listing the members and shapes.
 * Bombs: a member whose declared size, or whose decoded bytes, exceed
 * io_expand_cap() is refused.  Messages: "FILE: ..." for the archive,
 * "FILE[MEMBER]:1:COL: ..." for a member's .npy content.
 */
#include "io_core.h"
#include "io_readers.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct member {
    zip_file_t *zf;
    size_t produced, cap, max_n;
    const char *mname;
} member_t;

typedef struct npz {
    io_ctx_t *c;
    zip_t *za;
    zip_int64_t n;
    char sub_name[LRS_ERR_MSG_MAX / 2]; /* "FILE[MEMBER]" */
} npz_t;

static size_t member_pull(io_src_t *s, char *dst, size_t n)
{
    member_t *m = s->pull_ctx;
    zip_int64_t r = zip_fread(m->zf, dst, n);
    if (r < 0) {
        lrs_err_set(&s->perr, LRS_EPARSE, "%s: corrupt zip member (%s)", s->name,
                    zip_file_strerror(m->zf));
        s->eof = 1;
        return 0;
    }
    if (r == 0)
        s->eof = 1;
    m->produced += (size_t)r;
    if (m->produced > m->cap) {
        lrs_err_set(&s->perr, LRS_ELIMIT,
                    "%s: zip member expands past %zu bytes (the limit for --max-n %zu); refused",
                    s->name, m->cap, m->max_n);
        s->eof = 1;
        return 0;
    }
    return (size_t)r;
}

static void member_free(void *ctx)
{
    member_t *m = ctx;
    if (m) {
        if (m->zf)
            zip_fclose(m->zf);
        free(m);
    }
}

/* Member idx's name, quoted for messages (non-printable bytes as \xHH). */
static void member_name(npz_t *z, zip_int64_t idx, char *buf, size_t size)
{
    const char *nm = zip_get_name(z->za, (zip_uint64_t)idx, 0);
    lrs_io_quote(nm ? nm : "", nm ? strlen(nm) : 0, buf, size);
}

/* The label "ARCHIVE[MEMBER]" that prefixes a member's messages, with every
 * ']' of the (quoted) member name written \x5d, so that the label ends at
 * its first ']' ("a.npz[a\x5db.npy]:1:22: ..."). */
static void member_label(char *dst, size_t size, const char *archive, const char *nm)
{
    size_t o = (size_t)snprintf(dst, size, "%s[", archive);
    for (; *nm && o + 6 < size; nm++) {
        if (*nm == ']') {
            memcpy(dst + o, "\\x5d", 4);
            o += 4;
        } else {
            dst[o++] = *nm;
        }
    }
    if (o + 2 <= size) {
        dst[o++] = ']';
        dst[o] = '\0';
    } else {
        dst[size - 1] = '\0';
    }
}

/* A sub-context reading member idx: its own source, the archive's options. */
static int member_open(npz_t *z, zip_int64_t idx, io_src_t *src, io_ctx_t *sub,
                       lrs_err_t *err)
{
    io_ctx_t *c = z->c;
    char nm[160];
    zip_stat_t st;
    member_t *m;
    size_t cap = io_expand_cap(&c->o);
    member_name(z, idx, nm, sizeof nm);
    zip_stat_init(&st);
    if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > cap)
        return io_err(c, err, LRS_ELIMIT, 0, 0, "zip member '%s' expands to %llu bytes, past "
                      "%zu (the limit for --max-n %zu); refused", nm,
                      (unsigned long long)st.size, cap, c->o.max_n);
    m = calloc(1, sizeof *m);
    if (!m)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    m->zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!m->zf) {
        free(m);
        return io_err(c, err, LRS_EPARSE, 0, 0, "cannot open zip member '%s' (%s)", nm,
                      zip_strerror(z->za));
    }
    m->cap = cap;
    m->max_n = c->o.max_n;
    member_label(z->sub_name, sizeof z->sub_name, c->name, nm);
    memset(src, 0, sizeof *src);
    src->name = z->sub_name;
    src->max_line = c->src->max_line;
    src->pull = member_pull;
    src->pull_free = member_free;
    src->pull_ctx = m;
    *sub = *c;
    sub->src = src;
    sub->name = z->sub_name;
    sub->path = NULL;
    return LRS_OK;
}

static int is_npy_name(const char *nm)
{
    size_t n = nm ? strlen(nm) : 0;
    return n > 4 && strcmp(nm + n - 4, ".npy") == 0;
}

/* Is member idx named var (with or without ".npy")? */
static int name_is(const char *nm, const char *var)
{
    size_t n = strlen(nm), v = strlen(var);
    return strcmp(nm, var) == 0 || (n == v + 4 && strncmp(nm, var, v) == 0 && is_npy_name(nm));
}

/* Append "NAME (shape) dtype" of member idx to list; 1 if it is a candidate
 * (2-D square numeric). */
static int describe(npz_t *z, zip_int64_t idx, char *list, size_t size)
{
    io_src_t src;
    io_ctx_t sub;
    io_npy_desc_t d;
    lrs_err_t e;
    char shp[96];
    size_t o = strlen(list), k, w = 0;
    int cand = 0;
    char nm[160];
    member_name(z, idx, nm, sizeof nm);
    memset(&src, 0, sizeof src);
    if (member_open(z, idx, &src, &sub, &e) == LRS_OK && io_npy_peek(&sub, &d, &e) == LRS_OK) {
        w += (size_t)snprintf(shp + w, sizeof shp - w, "(");
        for (k = 0; k < d.ndim && w < sizeof shp - 24; k++)
            w += (size_t)snprintf(shp + w, sizeof shp - w, "%s%llu", k ? ", " : "", d.shape[k]);
        snprintf(shp + w, sizeof shp - w, "%s) %s%d", d.ndim == 1 ? "," : "",
                 d.kind == 'f' ? "float" : d.kind == 'i' ? "int" : d.kind == 'u' ? "uint"
                                                                       : "bool",
                 8 * d.size);
        cand = d.ndim == 2 && d.shape[0] == d.shape[1] && d.shape[0] > 1;
    } else {
        snprintf(shp, sizeof shp, "(not a readable numeric array)");
    }
    io_src_release(&src);
    io_append(list, size, "%s%s %s", o ? ", " : "", nm, shp);
    return cand;
}

/* The member to read: opts.var, else the only candidate, else the only
 * .npy member; -1 with err set. */
static zip_int64_t choose_member(npz_t *z, lrs_err_t *err)
{
    io_ctx_t *c = z->c;
    char list[LRS_ERR_MSG_MAX / 2] = "";
    zip_int64_t i, cand = -1, any = -1;
    size_t ncand = 0, nnpy = 0;
    for (i = 0; i < z->n; i++) {
        const char *nm = zip_get_name(z->za, (zip_uint64_t)i, 0);
        if (!is_npy_name(nm))
            continue;
        nnpy++;
        any = i;
        if (c->o.var && name_is(nm, c->o.var))
            return i;
        if (describe(z, i, list, sizeof list)) {
            ncand++;
            cand = i;
        }
    }
    if (nnpy == 0)
        io_err(c, err, LRS_EPARSE, 0, 0, "zip archive with no .npy member; not an .npz file");
    else if (c->o.var)
        io_err(c, err, LRS_EPARSE, 0, 0, "no array '%s' in the archive; it has: %s", c->o.var,
               list);
    else if (ncand == 1)
        return cand;
    else if (nnpy == 1)
        return any;
    else if (ncand == 0)
        io_err(c, err, LRS_EPARSE, 0, 0, "no 2-D square array in the archive; it has: %s", list);
    else
        io_err(c, err, LRS_EPARSE, 0, 0, "%zu 2-D square arrays in the archive (%s); choose "
               "one with --var NAME", ncand, list);
    return -1;
}

static int open_archive(io_ctx_t *c, unsigned char *buf, size_t len, zip_t **za,
                        lrs_err_t *err)
{
    zip_error_t ze;
    zip_source_t *zs;
    zip_error_init(&ze);
    zs = zip_source_buffer_create(buf, len, 0, &ze);
    if (zs) {
        *za = zip_open_from_source(zs, ZIP_RDONLY, &ze);
        if (!*za)
            zip_source_free(zs);
    }
    if (!zs || !*za) {
        int rc = io_err(c, err, zip_error_code_zip(&ze) == ZIP_ER_MEMORY ? LRS_ENOMEM
                                                                          : LRS_EPARSE,
                        0, 0, "not a readable zip archive (%s)", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    return LRS_OK;
}

int io_read_npz(io_ctx_t *c, gsl_matrix **out, lrs_err_t *err)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    npz_t z;
    io_src_t src;
    io_ctx_t sub;
    zip_int64_t idx;
    int rc;

    *out = NULL;
    memset(&z, 0, sizeof z);
    memset(&src, 0, sizeof src);
    z.c = c;
    if ((rc = io_src_slurp(c->src, io_expand_cap(&c->o), "the limit for --max-n", &buf, &len,
                           err)))
        goto done;
    if (len < 4 || buf[0] != 'P' || buf[1] != 'K') {
        char q[160];
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "not a zip archive (.npz): bad magic bytes ('%s')",
                    lrs_io_quote((const char *)buf, len < 4 ? len : 4, q, sizeof q));
        goto done;
    }
    if ((rc = open_archive(c, buf, len, &z.za, err)))
        goto done;
    z.n = zip_get_num_entries(z.za, 0);
    if ((idx = choose_member(&z, err)) < 0) {
        rc = err ? err->code : LRS_EPARSE;
        goto done;
    }
    if ((rc = member_open(&z, idx, &src, &sub, err)) || (rc = io_read_npy(&sub, out, err)))
        goto done;
    member_name(&z, idx, c->info->var, sizeof c->info->var);
    c->info->format = LRS_FMT_NPZ;
done:
    io_src_release(&src);
    if (z.za)
        zip_discard(z.za);
    free(buf);
    return rc;
}
