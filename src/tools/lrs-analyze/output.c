/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * output.c -- lrs-analyze's output: blocks assembled in memory, written as
 * TSV or as a gnuplot script with the data inline, to stdout or atomically
 * to -o FILE, only once the whole analysis succeeded; plus the printing
 * helpers the subcommands share.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"

int mem_open(mem_t *m)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    return m->fp ? 0 : -1;
}

void mem_close(mem_t *m)
{
    if (m->fp)
        fclose(m->fp);
    m->fp = NULL;
    free(m->buf);
    m->buf = NULL;
}

/* A new data block named `name` (gnuplot datablock $name). */
FILE *analyze_block(ctx_t *c, const char *name)
{
    if (c->nblk >= NBLK || mem_open(&c->blk[c->nblk]))
        return NULL;
    c->blkname[c->nblk] = name;
    return c->blk[c->nblk++].fp;
}

/* Write buf to path through a temporary file in the same folder, renamed into
 * place once complete (an interrupted or failed run leaves `path` as it was). */
static int write_atomic(const char *path, const char *buf, size_t len)
{
    char tmpl[4096];
    const char *slash = strrchr(path, '/');
    int fd = -1, ok = 0;
    size_t done = 0;
    mode_t um;
    if (slash)
        snprintf(tmpl, sizeof tmpl, "%.*s/.%s.tmp.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        snprintf(tmpl, sizeof tmpl, ".%s.tmp.XXXXXX", path);
    fd = mkstemp(tmpl);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
        return -1;
    }
    um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0)
        goto fail;
    while (done < len) {
        ssize_t w = write(fd, buf + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        done += (size_t)w;
    }
    if (g_stop) {
        errno = EINTR;
        goto fail;
    }
    if (fsync(fd) != 0 && errno != EINVAL)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmpl, path) != 0)
        goto fail;
    ok = 1;
fail:
    if (!ok) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        unlink(tmpl);
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(e));
        return -1;
    }
    return 0;
}

/* gnuplot single-quoted string: ' is written '' */
static void gp_quote(FILE *fp, const char *s)
{
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', fp);
        fputc(*s, fp);
    }
    fputc('\'', fp);
}

/* Block k as a gnuplot datablock; a text block becomes comment lines. */
static void gp_datablock(const ctx_t *c, int k, FILE *fp)
{
    size_t i, start = 0;
    const char *b = c->blk[k].buf;
    fprintf(fp, "$%s << EOD\n", c->blkname[k]);
    if (k == 0 && (c->o->sub->flags & CMD_TEXT)) {
        for (i = 0; i <= c->blk[k].len; i++)
            if (i == c->blk[k].len || b[i] == '\n') {
                if (i > start)
                    fprintf(fp, "# %.*s\n", (int)(i - start), b + start);
                start = i + 1;
            }
    } else {
        fwrite(b, 1, c->blk[k].len, fp);
    }
    fprintf(fp, "EOD\n");
}

/* The whole gnuplot script: header, terminal, datablocks, commands. */
static void gp_script(const ctx_t *c, FILE *fp)
{
    int k;
    fprintf(fp, "# gnuplot script written by " PROG " %s; run: ... | gnuplot%s\n",
            c->o->sub->name, c->o->png ? "" : " -p");
    fwrite(c->hdr.buf, 1, c->hdr.len, fp);
    if (c->o->png) {
        fprintf(fp, "set terminal pngcairo size 960,680 font ',10'\nset output ");
        gp_quote(fp, c->o->png);
        fputc('\n', fp);
    }
    fprintf(fp, "set termoption noenhanced\nset encoding utf8\nset key noautotitle\n");
    for (k = 0; k < c->nblk; k++)
        gp_datablock(c, k, fp);
    fwrite(c->gp.buf, 1, c->gp.len, fp);
    if (c->o->png)
        fprintf(fp, "unset output\n");
}

/* Does path end in ".npy" (any case)? */
static int is_npy_path(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n >= 4 && path[n - 4] == '.' && (path[n - 3] | 0x20) == 'n' &&
           (path[n - 2] | 0x20) == 'p' && (path[n - 1] | 0x20) == 'y';
}

/* -o FILE.npy: the primary block's first numeric table (its columns as in
 * the TSV, comment lines dropped; for overlap the matrix P) read back with
 * the library's dense reader and written as a float64 C-order .npy.
 * 0 or -1 (message printed). */
static int emit_npy(ctx_t *c, const char *buf, size_t len)
{
    lrs_io_read_opts_t ro = lrs_io_read_opts_default();
    gsl_matrix *T = NULL;
    lrs_err_t e;
    mem_t npy;
    size_t k = 0, end = len;
    int rc = -1;
    while (k < len && buf[k] == '#') /* skip the comment lines, then cut at a blank line */
        while (k < len && buf[k++] != '\n')
            ;
    for (; k + 1 < len; k++)
        if (buf[k] == '\n' && buf[k + 1] == '\n') {
            end = k + 1;
            break;
        }
    ro.format = LRS_FMT_DENSE;
    ro.allow_nonsquare = 1;
    ro.max_n = (size_t)1 << 30;
    if (lrs_io_read_buffer(buf, end, "output", &ro, &T, NULL, &e)) {
        fprintf(stderr, PROG ": -o %s: the %s output is not a numeric table (%s); write it "
                "as TSV (any name not ending in .npy)\n", c->o->out, c->o->sub->name, e.msg);
        return -1;
    }
    if (mem_open(&npy) == 0) {
        if (lrs_io_write_npy_stream(npy.fp, T, &e) == LRS_OK && fflush(npy.fp) == 0)
            rc = write_atomic(c->o->out, npy.buf, npy.len);
        else
            fprintf(stderr, PROG ": -o %s: %s\n", c->o->out, e.msg);
        mem_close(&npy);
    }
    gsl_matrix_free(T);
    return rc;
}

/* Assemble the output (TSV: header + primary block; or the gnuplot script)
 * and write it to stdout or -o FILE.  0 or -1 (message printed). */
int analyze_emit(ctx_t *c)
{
    mem_t all;
    int k, rc = 0;
    if (mem_open(&all))
        return -1;
    fflush(c->hdr.fp);
    fflush(c->gp.fp);
    for (k = 0; k < c->nblk; k++)
        fflush(c->blk[k].fp);
    if (!c->o->gnuplot) {
        fwrite(c->hdr.buf, 1, c->hdr.len, all.fp);
        if (c->nblk)
            fwrite(c->blk[0].buf, 1, c->blk[0].len, all.fp);
    } else {
        gp_script(c, all.fp);
    }
    if (fflush(all.fp) != 0) {
        mem_close(&all);
        return -1;
    }
    if (c->o->out && !c->o->gnuplot && is_npy_path(c->o->out)) {
        rc = c->nblk ? emit_npy(c, c->blk[0].buf, c->blk[0].len) : -1;
    } else if (c->o->out) {
        rc = write_atomic(c->o->out, all.buf, all.len);
    } else if (fwrite(all.buf, 1, all.len, stdout) != all.len || fflush(stdout) != 0) {
        fprintf(stderr, PROG ": cannot write to standard output: %s\n", strerror(errno));
        rc = -1;
    }
    mem_close(&all);
    return rc;
}

/* ------------------------------------------------------------------ shared helpers */

int analyze_fail(ctx_t *c, int code, const char *fmt, ...)
{
    char msg[LRS_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lrs_err_set(&c->err, code, "%s", msg);
}

/* 3 significant digits, rounded toward zero (a suggested --scale that keeps
 * max Re eig at or below the target). */
static double round_down3(double x)
{
    double e, p;
    if (!(x > 0) || !isfinite(x))
        return x;
    e = floor(log10(x)) - 2;
    p = pow(10, e);
    return floor(x / p) * p;
}

/* One line: what to do about an unstable network with max Re eig(Wd) = re. */
void analyze_unstable_advice(const ctx_t *c, double re, char *buf, size_t n)
{
    if (c->o->sis) {
        snprintf(buf, n,
                 "the linearised SIS dynamics are unstable (max Re eig(J) = %.4g >= 0); the "
                 "fixed point is not an attractor: try another --coupling",
                 re - 1.0);
        return;
    }
    if (re > 0) {
        double s = round_down3(0.9 / re * c->factor);
        snprintf(buf, n,
                 "unstable: max Re eig(W) = %.4g >= 1, so tau dz/dt = -z + W z + x diverges; "
                 "rerun with --scale %.3g%s (max Re eig(W) -> %.3g)",
                 re, s, c->o->normalize ? " instead of --normalize" : "",
                 re * s / c->factor);
    } else {
        snprintf(buf, n, "unstable: max Re eig(W) = %.4g >= 1", re);
    }
}

/* A stability check with a useful message; *re <- max Re eig(Wd). */
int analyze_require_stable(ctx_t *c, const char *what, double *re_out)
{
    double re = 0, im = 0;
    char adv[512];
    if (lrs_linear_max_real_eig(c->linM, &re, &im, &c->err))
        return c->err.code;
    re += c->shift;
    if (re_out)
        *re_out = re;
    if (re < 1.0)
        return LRS_OK;
    analyze_unstable_advice(c, re, adv, sizeof adv);
    return analyze_fail(c, LRS_EUNSTABLE, "%s: %s needs a stable network; %s", c->o->file, what,
                        adv);
}

/* The overlap rank r: --rank, or the optimal-threshold rank at most 10. */
size_t analyze_default_rank(const lrs_ranks_t *rk, long want, size_t N)
{
    size_t r = want > 0 ? (size_t)want : rk->optimal_threshold;
    if (want <= 0 && r > 10)
        r = 10;
    if (r < 1)
        r = 1;
    if (r > N)
        r = N;
    return r;
}

void analyze_print_rows(FILE *fp, const gsl_vector *v)
{
    size_t k;
    for (k = 0; k < v->size; k++)
        fprintf(fp, "%zu\t%.12g\n", k + 1, gsl_vector_get(v, k));
}

void analyze_print_overlap(FILE *d, const gsl_matrix *P, const gsl_vector *sP, const char *mname)
{
    size_t i, j, r = P->size1;
    fprintf(d, "# overlap matrix P = U_r^T V_r of the top-%zu singular vectors of %s "
            "(%zu x %zu; rows)\n", r, mname, r, r);
    for (i = 0; i < r; i++)
        for (j = 0; j < r; j++)
            fprintf(d, "%.6f%c", fabs(gsl_matrix_get(P, i, j)) < 5e-7 ? 0.0 : gsl_matrix_get(P, i, j),
                    j + 1 < r ? '\t' : '\n');
    fprintf(d, "\n\n# singular values of P\n# index\tsigma\n");
    analyze_print_rows(d, sP);
}

void analyze_to_percent(gsl_vector *v)
{
    double sum = 0;
    size_t k;
    for (k = 0; k < v->size; k++)
        sum += gsl_vector_get(v, k);
    for (k = 0; k < v->size; k++)
        gsl_vector_set(v, k, sum > 0 ? 100.0 * gsl_vector_get(v, k) / sum : 0.0);
}

/* "key" padded to 22 columns, then the formatted value and a newline */
static void kv_line(FILE *fp, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void kv_line(FILE *fp, const char *key, const char *fmt, ...)
{
    va_list ap;
    fprintf(fp, "%-22s ", key);
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fputc('\n', fp);
}

void analyze_print_verdicts(FILE *fp, const lrs_verdict_t *v, double sigma_x, const char *flag)
{
    static const char *undef = "not defined: the linear network is unstable (see stability)";
    if (!v) {
        kv_line(fp, "low_rank_suppression", "%s", undef);
        kv_line(fp, "high_dimensional", "%s", undef);
        return;
    }
    kv_line(fp, "pc_variance", "largest %.4g, bulk reference %.4g, smallest %.4g (theory 1, "
            "sigma_x = %g)%s", v->var_max, v->ref_var, v->var_min, sigma_x, flag);
    if (!isnan(v->participation))
        kv_line(fp, "participation_ratio", "%.1f of %zu (theory 1)%s", v->participation, v->n,
                flag);
    kv_line(fp, "low_rank_suppression", "%s: the smallest predicted PC variance is %.3g times "
            "below the bulk reference (%s%zu PC%s more than %gx below)%s",
            lrs_verdict_lrs_word(v), v->suppression, v->nsupp_atleast ? ">= " : "", v->nsupp,
            v->nsupp == 1 ? "" : "s", LRS_VERDICT_OUTLIER, flag);
    kv_line(fp, "high_dimensional", "%s: the largest predicted PC variance is %.3g times the "
            "bulk reference (%s%zu PC%s more than %gx above)%s%s", lrs_verdict_hd_word(v),
            v->amplification, v->namp_atleast ? ">= " : "", v->namp, v->namp == 1 ? "" : "s",
            LRS_VERDICT_OUTLIER,
            v->high_dimensional ? "" : ": a few amplified directions dominate the dynamics", flag);
}
