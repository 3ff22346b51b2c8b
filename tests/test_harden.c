/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_harden.c -- hardening: regression tests for every fuzzer
 * finding (fixtures in tests/fixtures/fuzz/, each with the exact message it
 * must give) and the reader limits: sizes refused before allocating, long
 * lines, runs of quotes, files without a final newline.
 * Run from the repository root (tests/run.sh does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_matrix.h>
#include "harness.h"
#include "lrs/io.h"

#define FIX "tests/fixtures/fuzz/"

/* Read a fixture with opts (NULL: the defaults); it must fail with `code` and exactly the message
 * "<path><tail>" (the path, then where and what). */
static void expect_error(const char *path, const lrs_io_read_opts_t *o, int code,
                         const char *tail)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    size_t n = strlen(path);
    int rc = lrs_io_read_matrix(path, o, &W, NULL, &e);
    CHECK(rc == code && strncmp(e.msg, path, n) == 0 && strcmp(e.msg + n, tail) == 0,
          "%s: status %d (want %d), message\n  '%s'\nwant\n  '%s%s'", path, rc, code,
          rc ? e.msg : "", path, tail);
    CHECK(W == NULL, "%s: *out not NULL on failure", path);
    gsl_matrix_free(W);
}

static lrs_io_read_opts_t fmt(lrs_io_format_t f)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    o.format = f;
    return o;
}

/* ------------------------------------------------------------ fuzz findings */

/* fuzz edges, finding 1: repeated edges whose weights add up past DBL_MAX
 * gave a matrix holding inf (the readers refuse inf in the data, so the
 * sum must be refused too), pointing at the edge that overflows. */
static void test_fuzz_edges_weight_overflow(void)
{
    lrs_io_read_opts_t o = fmt(LRS_FMT_EDGES);
    expect_error(FIX "edges_weight_overflow.edges", &o, LRS_ENONFINITE,
                 ":2:1: repeated entries add up to a non-finite value ('inf')");
    o.undirected = 1; /* (a,b) and (b,a) are one position */
    expect_error(FIX "edges_undirected_overflow.edges", &o, LRS_ENONFINITE,
                 ":2:1: repeated entries add up to a non-finite value ('inf')");
}

/* The same through Matrix Market: a symmetric file giving (2,1) and (1,2). */
static void test_fuzz_mtx_symmetric_overflow(void)
{
    expect_error(FIX "mtx_symmetric_overflow.mtx", NULL, LRS_ENONFINITE,
                 ":4:1: repeated entries add up to a non-finite value ('-inf')");
}

/* fuzz mat (a timeout): a compressed sparse variable whose
 * column-starts part declares 768 MiB inside a 232-byte matrix element;
 * matio allocated and zeroed that much, then read into it (2 s of CPU)
 * before "malformed sparse data".  The pre-scan now checks every part's
 * size against its element before matio sees the file. */
static void test_fuzz_mat_sparse_part_past_element(void)
{
    expect_error(FIX "mat_sparse_jc_past_element.mat", NULL, LRS_EPARSE,
                 ": variable #1: part 'column starts' of 805306368 bytes runs past the end of its "
                 "matrix element (232 bytes); corrupt file");
}

/* fuzz mat (out of memory): a dense variable whose dimensions part has
 * type 0 instead of miINT32; matio then reads the dimensions as the name's
 * tag and allocated a 4 GB "name" (4 GB resident, 2 minutes).  The pre-scan
 * now requires the part types the format fixes (flags miUINT32, dimensions
 * miINT32, name miINT8). */
static void test_fuzz_mat_dims_wrong_type(void)
{
    expect_error(FIX "mat_dims_type_0.mat", NULL, LRS_EPARSE,
                 ": variable #1: dimensions of type 0; expected miINT32 (5)");
}

/* Regression (code review): --ids --compact --nodes N allocated and scanned
 * N + 4N bytes before compacting, though no id can exceed the largest one
 * read (--nodes 1e9: 5 GB and 4 s for a 2-edge file; a larger N: "out of
 * memory").  Now the work is bounded by the largest id. */
static void test_regress_compact_nodes_alloc(void)
{
    lrs_io_read_opts_t o = fmt(LRS_FMT_EDGES);
    lrs_io_read_info_t info;
    gsl_matrix *W = NULL;
    lrs_err_t e;
    o.ids = 1;
    o.compact = 1;
    o.nodes = SIZE_MAX / 2;
    lrs_io_read_info_init(&info);
    CHECK_OK(lrs_io_read_matrix(FIX "edges_compact_huge_nodes.edges", &o, &W, &info, &e), &e);
    CHECK(W && W->size1 == 3 && W->size2 == 3 && gsl_matrix_get(W, 0, 1) == 1.0 &&
              gsl_matrix_get(W, 1, 2) == 1.0 && info.nnames == 3 &&
              strcmp(info.names[2], "2") == 0,
          "expected the 3 x 3 path 0 -> 1 -> 2 with names 0, 1, 2 (exact)");
    lrs_io_read_info_clear(&info);
    gsl_matrix_free(W);
}

/* ------------------------------------------------------------ limits */

#define LIM "tests/fixtures/limits/"

/* A 2000 x 2000 matrix declared at `where` (line:column) of path, read under
 * a 1 MiB memory limit: refused before it is allocated. */
static void expect_over_memory(const char *path, const char *where)
{
    lrs_io_read_opts_t o = fmt(LRS_FMT_AUTO);
    char tail[128];
    o.max_bytes = (size_t)1 << 20;
    snprintf(tail, sizeof tail,
             "%s: matrix of 2000x2000 needs 0.032 GB, more than the 0.00105 GB allowed", where);
    expect_error(path, &o, LRS_ELIMIT, tail);
}

/* Declared sizes above --max-n or the memory limit are refused at the line
 * that declares them, before the matrix is allocated (a 60-byte file may
 * claim 2000 x 2000: the message names the size line, not the missing data). */
static void test_limit_mtx_declared_size(void)
{
    expect_error(LIM "mtx_over_max_n.mtx", NULL, LRS_ELIMIT,
                 ":2:1: matrix of 100000x100000 is larger than --max-n 20000 ('100000 100000 1')");
    expect_error(LIM "mtx_size_overflow.mtx", NULL, LRS_EPARSE,
                 ":2:1: integer out of range ('99999999999999999999')");
    expect_error(LIM "mtx_nnz_over_holds.mtx", NULL, LRS_EPARSE,
                 ":2:5: header declares 10 entries, more than a 3x3 general matrix holds (9) "
                 "('3 3 10')");
    expect_error(LIM "mtx_nnz_over_memory.mtx", NULL, LRS_ELIMIT,
                 ":2:13: 400000000 entries need more than the memory allowed "
                 "('20000 20000 400000000')");
    expect_over_memory(LIM "mtx_over_memory.mtx", ":3:1");
}

static void test_limit_npy_declared_size(void)
{
    expect_error(LIM "npy_over_max_n.npy", NULL, LRS_ELIMIT,
                 ":1:11: matrix of 30000x30000 is larger than --max-n 20000 ('(30000, 30000)')");
    expect_error(LIM "npy_shape_overflow.npy", NULL, LRS_EPARSE,
                 ":1:75: bad npy header: dimension too large ('9999999, 1), }  ')");
    expect_error(LIM "npy_header_length_lie.npy", NULL, LRS_EPARSE,
                 ":1:9: npy header length 4294967280 is implausible (over 1 MiB)");
    expect_over_memory(LIM "npy_over_memory.npy", ":1:11");
}

/* Text formats have no declared size: the implied size is refused as soon
 * as a row, a row count, a node id or a node count passes --max-n. */
static void test_limit_text_implied_size(void)
{
    lrs_io_read_opts_t o = fmt(LRS_FMT_AUTO);
    o.max_n = 8;
    expect_error(LIM "dense_row_over_max_n.csv", &o, LRS_ELIMIT,
                 ":1:17: row has 9 values, more than --max-n 8");
    expect_error(LIM "dense_rows_over_max_n.txt", &o, LRS_ELIMIT,
                 ":9:1: more than 8 rows (--max-n 8)");
    o.format = LRS_FMT_EDGES;
    expect_error(LIM "edges_names_over_max_n.edges", &o, LRS_ELIMIT,
                 ":8:4: more than --max-n 8 nodes ('n8')");
    o = fmt(LRS_FMT_EDGES);
    o.ids = 1;
    expect_error(LIM "edges_id_over_max_n.edges", &o, LRS_ELIMIT,
                 ":2:3: node id 20000 needs more than --max-n 20000 nodes ('20000')");
}

/* A text of n bytes: `fill` repeated, then `tail`. */
static char *make_text(size_t n, char fill, const char *tail, size_t *len)
{
    size_t t = strlen(tail);
    char *s = malloc(n + t + 1);
    if (!s)
        return NULL;
    memset(s, fill, n);
    memcpy(s + n, tail, t + 1);
    *len = n + t;
    return s;
}

/* Long lines: a 1 MB comment line, a 1 MB field (blanks around one number)
 * and a 1 MB node name are read (the limit is max(1 MiB, 64 max_n); above it
 * see test_regress_overlong_line). */
static void test_limit_long_lines(void)
{
    lrs_io_read_opts_t o = fmt(LRS_FMT_AUTO);
    lrs_err_t e;
    gsl_matrix *W = NULL;
    lrs_io_read_info_t info;
    size_t len;
    char *s = make_text(1000000, '#', "\n1 2\n3 4\n", &len);
    CHECK(s != NULL, "out of memory");
    if (!s)
        return;
    CHECK_OK(lrs_io_read_buffer(s, len, "long.txt", &o, &W, NULL, &e), &e);
    CHECK(W && W->size1 == 2 && W->size2 == 2 && gsl_matrix_get(W, 1, 0) == 3.0,
          "1 MB comment line then a 2x2 matrix: wrong result (exact)");
    gsl_matrix_free(W);
    W = NULL;
    free(s);
    s = make_text(1000000, ' ', "7", &len); /* no final newline either */
    CHECK_OK(lrs_io_read_buffer(s, len, "pad.txt", &o, &W, NULL, &e), &e);
    CHECK(W && W->size1 == 1 && gsl_matrix_get(W, 0, 0) == 7.0, "1 MB padded field: not 7");
    gsl_matrix_free(W);
    W = NULL;
    free(s);
    /* a 1 MB node name: "aaa...a b\nb aaa...a" */
    s = make_text(1000000, 'a', " b\n", &len);
    {
        char *t = malloc(2 * len + 4);
        CHECK(t != NULL, "out of memory");
        if (t) {
            memcpy(t, s, len);
            memcpy(t + len, "b ", 2);
            memcpy(t + len + 2, s, 1000000);
            o = fmt(LRS_FMT_EDGES);
            lrs_io_read_info_init(&info);
            CHECK_OK(lrs_io_read_buffer(t, len + 2 + 1000000, "long.edges", &o, &W, &info, &e), &e);
            CHECK(W && W->size1 == 2 && gsl_matrix_get(W, 0, 1) == 1.0 &&
                      gsl_matrix_get(W, 1, 0) == 1.0 && info.nnames == 2 &&
                      strlen(info.names[0]) == 1000000,
                  "1 MB node name: wrong result (exact)");
            lrs_io_read_info_clear(&info);
            gsl_matrix_free(W);
            W = NULL;
            free(t);
        }
    }
    free(s);
}

/* Runs of quotes: 9999 '"' open a field that "" escapes never close (an
 * error, not a crash or a quadratic scan); 20000 "" pairs inside a quoted
 * node name are one name of 20000 quotes. */
static void test_limit_quote_runs(void)
{
    lrs_io_read_opts_t o = fmt(LRS_FMT_AUTO);
    lrs_io_read_info_t info;
    gsl_matrix *W = NULL;
    lrs_err_t e;
    size_t k, nq = 0;
    expect_error(LIM "dense_quote_run.csv", &o, LRS_EPARSE,
                 ":1:1: unterminated quote "
                 "('\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"...')");
    o.format = LRS_FMT_EDGES;
    lrs_io_read_info_init(&info);
    CHECK_OK(lrs_io_read_matrix(LIM "edges_quote_run.csv", &o, &W, &info, &e), &e);
    CHECK(W && W->size1 == 3 && info.nnames == 3, "quote run: expected 3 nodes");
    if (info.nnames == 3) {
        for (k = 0; info.names[0][k]; k++)
            nq += info.names[0][k] == '"';
        CHECK(k == 20000 && nq == 20000, "first name: %zu bytes, %zu quotes; want 20000 quotes",
              k, nq);
        CHECK(strcmp(info.names[1], "b") == 0 && strcmp(info.names[2], "c") == 0,
              "names 2, 3: '%s', '%s'", info.names[1], info.names[2]);
    }
    lrs_io_read_info_clear(&info);
    gsl_matrix_free(W);
}

/* Files without a final newline (and with bare CR line ends) read in full:
 * the last row, edge or entry is not lost. */
static void test_limit_no_final_newline(void)
{
    static const struct {
        const char *file;
        lrs_io_format_t f;
        double w[4];
    } cases[] = {
        {LIM "dense_no_final_newline.csv", LRS_FMT_AUTO, {1, 2, 3, 4}},
        {LIM "dense_cr_only.txt", LRS_FMT_AUTO, {1, 2, 3, 4}},
        {LIM "edges_no_final_newline.edges", LRS_FMT_EDGES, {0, 2, 3, 0}},
        {LIM "mtx_no_final_newline.mtx", LRS_FMT_AUTO, {0, 5, 0, 0}},
    };
    size_t c, k;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lrs_io_read_opts_t o = fmt(cases[c].f);
        gsl_matrix *W = NULL;
        lrs_err_t e;
        CHECK_OK(lrs_io_read_matrix(cases[c].file, &o, &W, NULL, &e), &e);
        CHECK(W && W->size1 == 2 && W->size2 == 2, "%s: not 2x2", cases[c].file);
        if (W && W->size1 == 2 && W->size2 == 2)
            for (k = 0; k < 4; k++)
                CHECK(W->data[k] == cases[c].w[k], "%s: entry %zu = %g, want %g (exact)",
                      cases[c].file, k, W->data[k], cases[c].w[k]);
        gsl_matrix_free(W);
    }
}

/* Regression (found by test_limit_long_lines): a line longer than the limit
 * made io_src_getline return the positive code LRS_ELIMIT, which the readers
 * took for "a line was read" and then used the previous line's pointer, into
 * a buffer the realloc had freed (heap-use-after-free under ASan; a garbage
 * "ragged rows" message otherwise).  Each text reader, with and without a
 * newline after the long line, from memory and from a FILE*. */
static void test_regress_overlong_line(void)
{
    static const struct {
        const char *name, *head;
        lrs_io_format_t f;
    } cases[] = {
        {"huge.txt", "1 2\n", LRS_FMT_AUTO},
        {"huge.edges", "a b\n", LRS_FMT_EDGES},
        {"huge.mtx", "%%MatrixMarket matrix coordinate real general\n", LRS_FMT_AUTO},
    };
    size_t c, len, nl;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (nl = 0; nl < 2; nl++) {
            size_t h = strlen(cases[c].head);
            char *s = make_text((2u << 20) + h, '1', nl ? "\n" : "", &len), want[128];
            lrs_io_read_opts_t o = fmt(cases[c].f);
            gsl_matrix *W = NULL;
            lrs_err_t e;
            FILE *fp;
            CHECK(s != NULL, "out of memory");
            if (!s)
                return;
            memcpy(s, cases[c].head, h);
            o.max_n = 8;
            snprintf(want, sizeof want, "%s:2:1: line longer than 1048576 bytes", cases[c].name);
            CHECK_ERR(lrs_io_read_buffer(s, len, cases[c].name, &o, &W, NULL, &e), LRS_ELIMIT, &e,
                      want);
            CHECK(strcmp(e.msg, want) == 0, "message '%s', want exactly '%s'", e.msg, want);
            CHECK(W == NULL, "*out set on failure");
            fp = fmemopen(s, len, "rb");
            CHECK(fp != NULL, "fmemopen failed");
            if (fp) {
                CHECK_ERR(lrs_io_read_stream(fp, cases[c].name, &o, &W, NULL, &e), LRS_ELIMIT, &e,
                          want);
                CHECK(W == NULL, "*out set on failure");
                fclose(fp);
            }
            free(s);
        }
}

int main(void)
{
    RUN(test_fuzz_edges_weight_overflow);
    RUN(test_fuzz_mtx_symmetric_overflow);
    RUN(test_fuzz_mat_sparse_part_past_element);
    RUN(test_fuzz_mat_dims_wrong_type);
    RUN(test_regress_compact_nodes_alloc);
    RUN(test_limit_mtx_declared_size);
    RUN(test_limit_npy_declared_size);
    RUN(test_limit_text_implied_size);
    RUN(test_limit_long_lines);
    RUN(test_regress_overlong_line);
    RUN(test_limit_quote_runs);
    RUN(test_limit_no_final_newline);
    return harness_summary();
}
