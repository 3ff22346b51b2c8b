/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * load.c -- lrs-analyze's input: read the matrix (lrs/io.h), apply
 * --transpose, --scale, --normalize and --model sis in that order, and write
 * the "# input / # options / # matrix" header lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "lrs/epidemic.h"
#include "lrs/spectra.h"
#include "analyze.h"

/* The singular values of the matrix read, for --normalize (before the
 * analysed matrix exists). */
static gsl_vector *svals_of(ctx_t *c, const gsl_matrix *A)
{
    gsl_vector *s = gsl_vector_alloc(A->size1 < A->size2 ? A->size1 : A->size2);
    if (!s) {
        analyze_fail(c, LRS_ENOMEM, "out of memory");
        return NULL;
    }
    if (lrs_spectra_svd(A, s, NULL, NULL, &c->err)) {
        gsl_vector_free(s);
        return NULL;
    }
    return s;
}

/* Append to the "# matrix:" description. */
static void what_append(ctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void what_append(ctx_t *c, const char *fmt, ...)
{
    size_t n = strlen(c->what);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->what + n, sizeof c->what - n, fmt, ap);
    va_end(ap);
}

/* --normalize: divide by the largest singular value. */
static int normalize(ctx_t *c)
{
    gsl_vector *s = svals_of(c, c->M);
    double smax;
    if (!s)
        return c->err.code;
    smax = gsl_vector_get(s, 0);
    gsl_vector_free(s);
    if (!(smax > 0))
        return analyze_fail(c, LRS_EINVAL, "%s: the matrix is zero; cannot --normalize",
                            c->o->file);
    gsl_matrix_scale(c->M, 1.0 / smax);
    c->factor /= smax;
    what_append(c, ", divided by its largest singular value %.6g", smax);
    return LRS_OK;
}

/* --model sis: M <- the Jacobian J of the SIS model on W/sigma_max(W) at its
 * endemic fixed point, from x(0) uniform on [0.3, 0.6) (seed --seed), by the
 * library's pipeline lrs_epidemic_endemic (relaxation, Newton, Jacobian). */
static int sis_jacobian(ctx_t *c)
{
    opts_t *o = c->o;
    size_t N = c->M->size1;
    lrs_epidemic_t *ep = NULL;
    lrs_epidemic_endemic_opts_t eo = lrs_epidemic_endemic_default();
    lrs_epidemic_endemic_info_t info;
    gsl_matrix *W = gsl_matrix_alloc(N, N), *J = gsl_matrix_alloc(N, N);
    gsl_vector *x = gsl_vector_alloc(N);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double smax = 0;
    int rc;
    if (!W || !J || !x || !rng) {
        rc = analyze_fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(rng, o->seed);
    eo.stop = &g_stop;
    if ((rc = lrs_epidemic_normalize(c->M, W, &smax, &c->err)) ||
        (rc = lrs_epidemic_alloc(&ep, W, o->coupling, &c->err)) ||
        (rc = lrs_epidemic_start(x, 0.3, 0.6, rng, &c->err)) ||
        (rc = lrs_epidemic_endemic(ep, x, &eo, x, J, &info, &c->err)))
        goto done;
    if (!info.endemic) {
        rc = analyze_fail(c, LRS_EINVAL,
                          "%s: the SIS model at --coupling %g has no endemic state (the "
                          "infection dies out: mean x* = %.3g); use a larger --coupling",
                          o->file, o->coupling, info.mean);
        goto done;
    }
    what_append(c, "; then J = the Jacobian of the SIS model (W/%.6g, coupling %g) at its "
                "endemic fixed point (mean x* = %.4g, Newton residual %.1e); dynamics dz/dt "
                "= J z + x", smax, o->coupling, info.mean, info.newton_residual);
    gsl_matrix_free(c->M);
    c->M = J;
    J = NULL;
    c->mname = "J";
    c->shift = 1.0;
done:
    lrs_epidemic_free(ep);
    if (W)
        gsl_matrix_free(W);
    if (J)
        gsl_matrix_free(J);
    gsl_vector_free(x);
    gsl_rng_free(rng);
    return rc;
}

/* Wd = M + shift I, the W of the linear dynamics (M itself when shift = 0). */
static int dynamics_matrix(ctx_t *c)
{
    size_t i, N = c->M->size1;
    if (c->shift == 0) {
        c->Wd = c->M;
        return LRS_OK;
    }
    c->Wd = gsl_matrix_alloc(N, N);
    if (!c->Wd)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    gsl_matrix_memcpy(c->Wd, c->M);
    for (i = 0; i < N; i++)
        gsl_matrix_set(c->Wd, i, i, gsl_matrix_get(c->Wd, i, i) + c->shift);
    return LRS_OK;
}

/* The matrices analysed, prepared once for every factorisation the
 * subcommand queries (lrs/linear.h): Wd, and M when it differs (the SIS J). */
static int prepare(ctx_t *c)
{
    int rc = lrs_linear_alloc(&c->lin, c->Wd, &c->err);
    if (rc)
        return rc;
    if (c->Wd == c->M) {
        c->linM = c->lin;
        return LRS_OK;
    }
    return lrs_linear_alloc(&c->linM, c->M, &c->err);
}

/* The "# input", "# options" and "# matrix" header lines. */
static void header_lines(ctx_t *c)
{
    const opts_t *o = c->o;
    const lrs_io_read_info_t *in = &c->info;
    char fmt[256];
    switch (in->format) {
    case LRS_FMT_EDGES:
        snprintf(fmt, sizeof fmt, "edge list%s, %zu edges (%zu repeated, weights added; %zu "
                 "self-loops)%s%s", in->detected ? " (auto-detected)" : "", in->entries,
                 in->repeated, in->self_loops, o->rd.undirected ? ", undirected" : "",
                 o->rd.ids ? ", integer ids" : ", nodes numbered in order of appearance");
        break;
    case LRS_FMT_MTX:
        snprintf(fmt, sizeof fmt, "Matrix Market, %zu entries (%zu repeated)", in->entries,
                 in->repeated);
        break;
    case LRS_FMT_NPY:
        snprintf(fmt, sizeof fmt, "NumPy .npy");
        break;
    case LRS_FMT_NPZ:
    case LRS_FMT_MAT:
        snprintf(fmt, sizeof fmt, "%s, %s '%s'", in->format == LRS_FMT_NPZ ? "NumPy .npz"
                 : "MATLAB .mat", in->format == LRS_FMT_NPZ ? "member" : "variable", in->var);
        break;
    case LRS_FMT_DENSE:
        snprintf(fmt, sizeof fmt, "dense text%s%s%s", in->detected ? " (auto-detected)" : "",
                 in->header ? ", header row" : "", in->labels ? ", label column" : "");
        break;
    default: /* graph formats read by igraph */
        snprintf(fmt, sizeof fmt, "%s graph, %zu edges (%s%s; %zu self-loops), weights %s%s",
                 lrs_io_format_name(in->format), in->entries,
                 in->directed ? "directed" : "undirected",
                 o->rd.undirected && in->directed ? ", symmetrised" : "", in->self_loops,
                 in->weight_attr[0] ? "from attribute " : "1",
                 in->weight_attr[0] ? in->weight_attr : "");
        break;
    }
    if (in->compression) {
        size_t l = strlen(fmt);
        snprintf(fmt + l, sizeof fmt - l, ", %s-compressed", in->compression);
    }
    fprintf(c->hdr.fp, "# " PROG " %s: %s\n", o->sub->name, o->sub->summary);
    fprintf(c->hdr.fp, "# input: %s: %zu x %zu, %s\n", o->file, in->rows, in->cols, fmt);
    fprintf(c->hdr.fp, "# options: %s\n", o->given[0] ? o->given : "(none)");
    fprintf(c->hdr.fp, "# matrix: %s\n", c->what);
}

int analyze_load(ctx_t *c)
{
    opts_t *o = c->o;
    gsl_matrix *A = NULL;
    int rc;
    lrs_io_read_info_init(&c->info);
    rc = lrs_io_read_matrix(o->file, &o->rd, &A, &c->info, &c->err);
    if (rc)
        return rc;
    c->M = A;
    c->mname = "W";
    c->factor = 1.0;
    snprintf(c->what, sizeof c->what, "W = the matrix read");
    if (o->transpose) {
        gsl_matrix_transpose(c->M);
        snprintf(c->what, sizeof c->what, "W = the transpose of the matrix read");
    }
    if (o->have_scale) {
        gsl_matrix_scale(c->M, o->scale);
        c->factor *= o->scale;
        what_append(c, ", times %g", o->scale);
    }
    if (o->normalize && (rc = normalize(c)))
        return rc;
    if (o->sis && (rc = sis_jacobian(c)))
        return rc;
    if ((rc = dynamics_matrix(c)) || (rc = prepare(c)))
        return rc;
    header_lines(c);
    return LRS_OK;
}
