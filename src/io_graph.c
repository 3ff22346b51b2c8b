/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_graph.c -- graph formats through igraph's readers (see lrs/io.h):
 * GraphML, GML, Pajek, NCOL, LGL, DIMACS (max-flow) and UCINET DL.
 *
 * The input is read whole (within io_expand_cap()) and handed to igraph as
 * a memory stream.  Sizes are checked before igraph allocates: the formats
 * that declare a node count (Pajek "*Vertices N", DL "n=N", DIMACS
 * "p max N M") are pre-scanned and refused above max_n; the others list
 * their nodes, so igraph's memory is bounded by the input.  Around each call
 * lrs installs its own igraph handlers (errors kept for our message, warnings
 * ignored) and the C attribute table, and restores the caller's afterwards,
 * so igraph neither prints nor aborts.
 * W[from][to] += weight for each edge, in igraph's edge order (the file's);
 * an undirected edge (or any edge with opts.undirected) sets both W[a][b]
 * and W[b][a], as the edge-list reader does (io_ents_build).  Node k is
 * the file's k-th node.
 */
#include "io_core.h"
#include "io_readers.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <igraph.h>

static _Thread_local char graph_last[256];

static void graph_error(const char *reason, const char *file, int line, igraph_error_t no)
{
    (void)file;
    (void)line;
    (void)no;
    if (!graph_last[0]) {
        /* one printable line: libxml2's reasons carry newlines and input bytes */
        size_t k, o = 0;
        const char *r = reason ? reason : "igraph error";
        for (k = 0; r[k] && o + 1 < sizeof graph_last; k++) {
            unsigned char ch = (unsigned char)r[k];
            if (ch < 0x20 || ch >= 0x7f)
                ch = ' ';
            if (ch == ' ' && (o == 0 || graph_last[o - 1] == ' '))
                continue;
            graph_last[o++] = (char)ch;
        }
        while (o > 0 && graph_last[o - 1] == ' ')
            o--;
        graph_last[o] = '\0';
    }
    IGRAPH_FINALLY_FREE();
}

static const char *fmt_label(lrs_io_format_t f)
{
    switch (f) {
    case LRS_FMT_GRAPHML: return "GraphML";
    case LRS_FMT_GML: return "GML";
    case LRS_FMT_PAJEK: return "Pajek";
    case LRS_FMT_NCOL: return "NCOL";
    case LRS_FMT_LGL: return "LGL";
    case LRS_FMT_DIMACS: return "DIMACS";
    default: return "DL";
    }
}

/* A declared node count above max_n: "*Vertices N" (Pajek), "n=N" (DL),
 * "p max N M" / "p edge N M" (DIMACS), anywhere at a line start. */
static int prescan_count(io_ctx_t *c, lrs_io_format_t f, const char *p, size_t n,
                         lrs_err_t *err)
{
    size_t i = 0, line = 1;
    while (i < n) {
        size_t e = i, k, col = 0, len;
        long long v;
        lrs_err_t sub;
        while (e < n && p[e] != '\n')
            e++;
        k = i;
        while (k < e && isspace((unsigned char)p[k]))
            k++;
        if (f == LRS_FMT_PAJEK && e - k >= 9 && strncasecmp(p + k, "*vertices", 9) == 0)
            col = k + 9;
        else if (f == LRS_FMT_DIMACS && e - k >= 2 && p[k] == 'p' && isspace((unsigned char)p[k + 1])) {
            col = k + 2;
            while (col < e && isspace((unsigned char)p[col]))
                col++;
            while (col < e && isalpha((unsigned char)p[col]))
                col++;
        } else if (f == LRS_FMT_DL) {
            const char *q = memchr(p + k, '=', e - k);
            if (q && q > p + k && tolower((unsigned char)q[-1]) == 'n')
                col = (size_t)(q - p) + 1;
        }
        if (col) {
            while (col < e && isspace((unsigned char)p[col]))
                col++;
            for (len = 0; col + len < e && isdigit((unsigned char)p[col + len]); len++)
                ;
            if (len && lrs_io_parse_long(p + col, len, &v, &sub) == LRS_OK &&
                (unsigned long long)v <= c->o.max_n)
                return LRS_OK;
            if (len)
                return io_err(c, err, LRS_ELIMIT, line, col - i + 1, "graph declares %.*s "
                              "nodes, more than --max-n %zu ('%.*s')", (int)len, p + col,
                              c->o.max_n, (int)len, p + col);
            return LRS_OK;
        }
        i = e + 1;
        line++;
    }
    return LRS_OK;
}

static igraph_error_t call_reader(lrs_io_format_t f, igraph_t *g, FILE *fp, int undirected)
{
    switch (f) {
    case LRS_FMT_GRAPHML: return igraph_read_graph_graphml(g, fp, 0);
    case LRS_FMT_GML: return igraph_read_graph_gml(g, fp);
    case LRS_FMT_PAJEK: return igraph_read_graph_pajek(g, fp);
    case LRS_FMT_NCOL:
        return igraph_read_graph_ncol(g, fp, NULL, 1, IGRAPH_ADD_WEIGHTS_IF_PRESENT, !undirected);
    case LRS_FMT_LGL:
        return igraph_read_graph_lgl(g, fp, 1, IGRAPH_ADD_WEIGHTS_IF_PRESENT, !undirected);
    case LRS_FMT_DIMACS: {
        igraph_vector_t cap;
        igraph_integer_t s = 0, t = 0;
        igraph_error_t r;
        if (igraph_vector_init(&cap, 0))
            return IGRAPH_ENOMEM;
        r = igraph_read_graph_dimacs_flow(g, fp, NULL, NULL, &s, &t, &cap, !undirected);
        if (r == IGRAPH_SUCCESS) {
            igraph_integer_t e, ne = igraph_ecount(g);
            for (e = 0; e < ne && r == IGRAPH_SUCCESS; e++)
                r = igraph_cattribute_EAN_set(g, "weight", e, VECTOR(cap)[e]);
            if (r != IGRAPH_SUCCESS)
                igraph_destroy(g);
        }
        igraph_vector_destroy(&cap);
        return r;
    }
    default: return igraph_read_graph_dl(g, fp, !undirected);
    }
}

/* igraph's reason, with "line N" turned into our FILE:N:1 form. */
static int reader_error(io_ctx_t *c, lrs_io_format_t f, igraph_error_t r, lrs_err_t *err)
{
    const char *l = graph_last;
    size_t line = 0;
    while ((l = strstr(l, "ine ")) != NULL && !(l > graph_last && tolower((unsigned char)l[-1]) == 'l'))
        l++;
    if (l)
        l--;
    if (r == IGRAPH_ENOMEM)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory reading the %s graph", c->name,
                           fmt_label(f));
    if (l && isdigit((unsigned char)l[5]))
        line = (size_t)strtoul(l + 5, NULL, 10);
    return io_err(c, err, LRS_EPARSE, line, 1, "not a readable %s graph: %s", fmt_label(f),
                  graph_last[0] ? graph_last : "igraph error");
}

/* The weight attribute: opts.weight_attr (must exist and be numeric), else
 * "weight" when present and numeric (ignored if it is not), else none ("").
 * *name gets the choice. */
static int pick_weight(io_ctx_t *c, const igraph_t *g, const char **name, lrs_err_t *err)
{
    igraph_strvector_t en;
    igraph_vector_int_t et;
    const char *want = c->o.weight_attr ? c->o.weight_attr : "weight";
    char list[256] = "";
    igraph_integer_t k, n;
    int rc = LRS_OK, found = -1;
    *name = NULL;
    if (igraph_strvector_init(&en, 0))
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    if (igraph_vector_int_init(&et, 0) || igraph_cattribute_list(g, NULL, NULL, NULL, NULL, &en, &et)) {
        igraph_strvector_destroy(&en);
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    }
    n = igraph_strvector_size(&en);
    for (k = 0; k < n; k++) {
        const char *a = igraph_strvector_get(&en, k);
        size_t o = strlen(list);
        if (strcmp(a, want) == 0)
            found = (int)k;
        if (o < sizeof list)
            snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", a);
    }
    if (found < 0 && c->o.weight_attr)
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "no edge attribute '%s'; the edges have: %s",
                    want, n ? list : "none");
    else if (found >= 0 && VECTOR(et)[found] != IGRAPH_ATTRIBUTE_NUMERIC)
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "edge attribute '%s' is %s, not numeric", want,
                    VECTOR(et)[found] == IGRAPH_ATTRIBUTE_STRING ? "a string" : "boolean");
    else if (found >= 0)
        *name = want;
    igraph_strvector_destroy(&en);
    igraph_vector_int_destroy(&et);
    return rc;
}

/* The type of vertex attribute name, or -1 when absent. */
static int vertex_attr_type(const igraph_t *g, const char *name)
{
    igraph_strvector_t vn;
    igraph_vector_int_t vt;
    igraph_integer_t k;
    int t = -1;
    if (igraph_strvector_init(&vn, 0))
        return -1;
    if (igraph_vector_int_init(&vt, 0) == IGRAPH_SUCCESS) {
        if (igraph_cattribute_list(g, NULL, NULL, &vn, &vt, NULL, NULL) == IGRAPH_SUCCESS)
            for (k = 0; k < igraph_strvector_size(&vn); k++)
                if (strcmp(igraph_strvector_get(&vn, k), name) == 0)
                    t = (int)VECTOR(vt)[k];
        igraph_vector_int_destroy(&vt);
    }
    igraph_strvector_destroy(&vn);
    return t;
}

/* Node names (vertex attribute "name" or "id" when it is a string). */
static int copy_names(io_ctx_t *c, const igraph_t *g, size_t n, lrs_err_t *err)
{
    const char *attr = NULL;
    size_t k;
    if (vertex_attr_type(g, "name") == IGRAPH_ATTRIBUTE_STRING)
        attr = "name";
    else if (vertex_attr_type(g, "id") == IGRAPH_ATTRIBUTE_STRING)
        attr = "id";
    if (!attr)
        return LRS_OK;
    c->info->names = calloc(n, sizeof *c->info->names);
    if (!c->info->names)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    c->info->nnames = n;
    for (k = 0; k < n; k++) {
        const char *s = igraph_cattribute_VAS(g, attr, (igraph_integer_t)k);
        c->info->names[k] = strdup(s ? s : "");
        if (!c->info->names[k])
            return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    }
    return LRS_OK;
}

/* The dense matrix of g (sizes already checked). */
static int graph_matrix(io_ctx_t *c, const igraph_t *g, gsl_matrix **out, lrs_err_t *err)
{
    igraph_integer_t e, ne = igraph_ecount(g);
    size_t n = (size_t)igraph_vcount(g);
    igraph_vector_t w;
    const char *wname = NULL;
    io_ents_t es;
    int rc, sym = c->o.undirected || !igraph_is_directed(g);
    memset(&es, 0, sizeof es);
    es.max = c->o.max_bytes / 24;
    if ((rc = pick_weight(c, g, &wname, err)))
        return rc;
    if (igraph_vector_init(&w, 0))
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
    if (wname && igraph_cattribute_EANV(g, wname, igraph_ess_all(IGRAPH_EDGEORDER_ID), &w)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
        goto done;
    }
    for (e = 0; e < ne; e++) {
        double x = wname ? VECTOR(w)[e] : 1.0;
        if (!isfinite(x)) {
            rc = io_err(c, err, LRS_ENONFINITE, 0, 0, "edge %lld (%lld -> %lld) has a "
                        "non-finite %s ('%g')", (long long)e, (long long)IGRAPH_FROM(g, e),
                        (long long)IGRAPH_TO(g, e), wname, x);
            goto done;
        }
        if ((rc = io_ents_push(&es, (uint32_t)IGRAPH_FROM(g, e), (uint32_t)IGRAPH_TO(g, e), x,
                               c, 0, err)))
            goto done;
    }
    if ((rc = io_ents_build(&es, n, n, sym, out, &c->info->repeated, &c->info->self_loops, c,
                            err)))
        goto done;
    c->info->entries = (size_t)ne;
    c->info->directed = igraph_is_directed(g);
    snprintf(c->info->weight_attr, sizeof c->info->weight_attr, "%s", wname ? wname : "");
done:
    igraph_vector_destroy(&w);
    io_ents_free(&es);
    return rc;
}

int io_read_graph(io_ctx_t *c, lrs_io_format_t f, gsl_matrix **out, lrs_err_t *err)
{
    unsigned char *buf = NULL;
    size_t len = 0, n;
    FILE *fp = NULL;
    igraph_t g;
    int have_g = 0, rc;
    igraph_error_handler_t *old_err = igraph_set_error_handler(graph_error);
    igraph_warning_handler_t *old_warn = igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_attribute_table_t *old_attr = igraph_set_attribute_table(&igraph_cattribute_table);

    *out = NULL;
    graph_last[0] = '\0';
    if ((rc = io_src_slurp(c->src, io_expand_cap(&c->o), "the limit for --max-n", &buf, &len,
                           err)))
        goto done;
    if (len == 0) {
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "empty input; expected a %s graph", fmt_label(f));
        goto done;
    }
    if ((rc = prescan_count(c, f, (const char *)buf, len, err)))
        goto done;
    fp = fmemopen(buf, len, "r");
    if (!fp) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", c->name);
        goto done;
    }
    {
        igraph_error_t r = call_reader(f, &g, fp, c->o.undirected);
        if (r != IGRAPH_SUCCESS) {
            rc = reader_error(c, f, r, err);
            goto done;
        }
    }
    have_g = 1;
    n = (size_t)igraph_vcount(&g);
    if (n == 0) {
        rc = io_err(c, err, LRS_EPARSE, 0, 0, "the %s graph has no nodes", fmt_label(f));
        goto done;
    }
    if ((rc = io_check_size(c, n, n, 0, 0, err)) || (rc = graph_matrix(c, &g, out, err)) ||
        (rc = copy_names(c, &g, n, err)))
        goto done;
    c->info->format = f;
done:
    if (rc && *out) {
        gsl_matrix_free(*out);
        *out = NULL;
    }
    if (have_g)
        igraph_destroy(&g);
    if (fp)
        fclose(fp);
    free(buf);
    igraph_set_attribute_table(old_attr);
    igraph_set_warning_handler(old_warn);
    igraph_set_error_handler(old_err);
    return rc;
}
