/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_io.c -- lrs/io.h at the library level: the shared number parser and
 * the four readers on in-memory inputs (exact values, layouts, line endings,
 * long lines, limits, info records).  The command-line fixtures are in
 * tests/t_analyze.sh.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include "harness.h"
#include "lrs/connectivity.h"
#include "lrs/io.h"

/* ------------------------------------------------------------------ helpers */

static int read_str(const char *text, const lrs_io_read_opts_t *o, gsl_matrix **W,
                    lrs_io_read_info_t *info, lrs_err_t *e)
{
    return lrs_io_read_buffer(text, strlen(text), "t", o, W, info, e);
}

/* W equals the row-major values v (exactly: every reader must give the
 * decimal numbers the text holds, rounded once by strtod). */
static int same(const gsl_matrix *W, size_t r, size_t c, const double *v)
{
    size_t i, j;
    if (!W || W->size1 != r || W->size2 != c)
        return 0;
    for (i = 0; i < r; i++)
        for (j = 0; j < c; j++)
            if (gsl_matrix_get(W, i, j) != v[i * c + j])
                return 0;
    return 1;
}

static lrs_io_read_opts_t fmt(lrs_io_format_t f)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    o.format = f;
    return o;
}

static const double A[9] = {0, 3, 0, 0, 0, 2, 1, 0, 0};

/* ------------------------------------------------------------------ numbers */

static void test_parse_double_accepts(void)
{
    lrs_err_t e;
    double v = 0;
    CHECK_OK(lrs_io_parse_double("1.5", 3, &v, &e), &e);
    CHECK(v == 1.5, "1.5 -> %.17g", v);
    CHECK_OK(lrs_io_parse_double("  -3e2\t", 7, &v, &e), &e);
    CHECK(v == -300.0, "-3e2 -> %.17g", v);
    CHECK_OK(lrs_io_parse_double("+.5", 3, &v, &e), &e);
    CHECK(v == 0.5, "+.5 -> %.17g", v);
    /* the token is the first len bytes: "12" of "123" */
    CHECK_OK(lrs_io_parse_double("123", 2, &v, &e), &e);
    CHECK(v == 12.0, "len 2 of '123' -> %.17g", v);
    /* underflow to a subnormal is accepted, as numpy.loadtxt does */
    CHECK_OK(lrs_io_parse_double("1e-320", 6, &v, &e), &e);
    CHECK(v > 0 && v < 1e-300, "1e-320 -> %.17g", v);
    CHECK_OK(lrs_io_parse_double("1e-400", 6, &v, &e), &e);
    CHECK(v == 0.0, "1e-400 -> %.17g", v);
    /* a token longer than the parser's stack buffer */
    {
        char big[301];
        memset(big, '0', 300);
        big[0] = '0';
        big[1] = '.';
        big[299] = '7';
        big[300] = '\0';
        CHECK_OK(lrs_io_parse_double(big, 300, &v, &e), &e);
        CHECK(v > 6.9e-298 && v < 7.1e-298, "300-byte token -> %.17g", v);
    }
}

static void test_parse_double_refuses(void)
{
    static const struct { const char *tok; int code; const char *msg; } bad[] = {
        {"X", LRS_EPARSE, "not a number ('X')"},
        {"", LRS_EPARSE, "empty field ('')"},
        {"   ", LRS_EPARSE, "empty field ('')"},
        {"0x10", LRS_EPARSE, "not a number ('0x10')"},
        {"1.2.3", LRS_EPARSE, "not a number ('1.2.3')"},
        {"1,5", LRS_EPARSE, "not a number ('1,5')"},
        {".", LRS_EPARSE, "not a number ('.')"},
        {"e5", LRS_EPARSE, "not a number ('e5')"},
        {"5e", LRS_EPARSE, "not a number ('5e')"},
        {"-", LRS_EPARSE, "not a number ('-')"},
        {"1e999", LRS_EPARSE, "number out of range ('1e999')"},
        {"-1e400", LRS_EPARSE, "number out of range ('-1e400')"},
        {"nan", LRS_ENONFINITE, "non-finite value ('nan')"},
        {"NaN", LRS_ENONFINITE, "non-finite value ('NaN')"},
        {"-Inf", LRS_ENONFINITE, "non-finite value ('-Inf')"},
        {"infinity", LRS_ENONFINITE, "non-finite value ('infinity')"},
        {"nanny", LRS_EPARSE, "not a number ('nanny')"},
        {"1\x01", LRS_EPARSE, "not a number ('1\\x01')"},
    };
    size_t k;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        lrs_err_t e;
        double v;
        int rc = lrs_io_parse_double(bad[k].tok, strlen(bad[k].tok), &v, &e);
        CHECK(rc == bad[k].code && strcmp(e.msg, bad[k].msg) == 0,
              "'%s': status %d msg '%s'; want %d '%s'", bad[k].tok, rc, e.msg, bad[k].code,
              bad[k].msg);
    }
    /* an interior NUL is not part of a number */
    {
        lrs_err_t e;
        double v;
        CHECK(lrs_io_parse_double("1\0002", 3, &v, &e) == LRS_EPARSE, "interior NUL accepted");
    }
}

static void test_parse_long(void)
{
    lrs_err_t e;
    long long v = 0;
    CHECK_OK(lrs_io_parse_long("42", 2, &v, &e), &e);
    CHECK(v == 42, "42 -> %lld", v);
    CHECK_OK(lrs_io_parse_long(" +3 ", 4, &v, &e), &e);
    CHECK(v == 3, "+3 -> %lld", v);
    CHECK_OK(lrs_io_parse_long("-7", 2, &v, &e), &e);
    CHECK(v == -7, "-7 -> %lld", v);
    CHECK_ERR(lrs_io_parse_long("3.0", 3, &v, &e), LRS_EPARSE, &e, "not an integer ('3.0')");
    CHECK_ERR(lrs_io_parse_long("+", 1, &v, &e), LRS_EPARSE, &e, "not an integer ('+')");
    CHECK_ERR(lrs_io_parse_long("99999999999999999999", 20, &v, &e), LRS_EPARSE, &e,
              "integer out of range ('99999999999999999999')");
    CHECK_ERR(lrs_io_parse_long("", 0, &v, &e), LRS_EPARSE, &e, "empty field ('')");
}

static void test_quote(void)
{
    char buf[160];
    CHECK(strcmp(lrs_io_quote("a\x01z", 3, buf, sizeof buf), "a\\x01z") == 0, "got '%s'", buf);
    lrs_io_quote("0123456789012345678901234567890123456789012345", 46, buf, sizeof buf);
    CHECK(strcmp(buf, "0123456789012345678901234567890123456789...") == 0, "long: '%s'", buf);
    lrs_io_quote("abcdef", 6, buf, 6);
    CHECK(strlen(buf) < 6, "small buffer overrun: '%s'", buf);
}

static void test_format_names(void)
{
    lrs_io_format_t f;
    lrs_err_t e;
    const char *names[] = {"auto", "dense", "edges", "mtx", "npy"};
    size_t k;
    for (k = 0; k < 5; k++) {
        CHECK_OK(lrs_io_format_parse(names[k], &f, &e), &e);
        CHECK(strcmp(lrs_io_format_name(f), names[k]) == 0, "%s -> %s", names[k], lrs_io_format_name(f));
    }
    CHECK_OK(lrs_io_format_parse("csv", &f, &e), &e);
    CHECK(f == LRS_FMT_DENSE, "csv -> %d", (int)f);
    CHECK_ERR(lrs_io_format_parse("xls", &f, &e), LRS_EINVAL, &e, "unknown format 'xls'");
}

/* ------------------------------------------------------------------ dense */

static void test_dense_layouts(void)
{
    static const char *texts[] = {
        "0 3 0\n0 0 2\n1 0 0\n",
        "0,3,0\n0,0,2\n1,0,0",                        /* no final newline */
        "0\t3\t0\r\n0\t0\t2\r\n1\t0\t0\r\n",          /* tabs, CRLF */
        "0;3;0\r0;0;2\r1;0;0\r",                      /* old Mac CR only */
        "\xEF\xBB\xBFx,y,z\n0,3,0\n0,0,2\n1,0,0\n",   /* BOM + header */
        ",x,y,z\na,0,3,0\nb,0,0,2\nc,1,0,0\n",        /* pandas */
        "% c\n# c\n\n  0 ,  3 , 0 ,\n0,0,2,\n1,0,0,\n", /* comments, padding, trailing comma */
        "\"0\",\"3\",\"0\"\n0,0,2\n1,0,0\n",          /* quoted numbers in the first row: header? no */
    };
    size_t k;
    for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        gsl_matrix *W = NULL;
        lrs_err_t e;
        lrs_io_read_info_t info;
        int rc = read_str(texts[k], NULL, &W, &info, &e);
        if (k == 7) {
            /* all-quoted first row is taken for a header: then 2 rows of 3 */
            CHECK(rc == LRS_EPARSE && strstr(e.msg, "matrix is 2x3"), "case 7: %d '%s'", rc,
                  rc ? e.msg : "");
            gsl_matrix_free(W);
            continue;
        }
        CHECK(rc == LRS_OK, "case %zu: %s", k, e.msg);
        CHECK(same(W, 3, 3, A), "case %zu: wrong matrix", k);
        CHECK(rc || (info.format == LRS_FMT_DENSE && info.detected == 1), "case %zu: format %d",
              k, (int)info.format);
        if (k == 4)
            CHECK(info.header == 1 && info.labels == 0, "BOM case: header %d labels %d",
                  info.header, info.labels);
        if (k == 5)
            CHECK(info.header == 1 && info.labels == 1 && info.delim == ',',
                  "pandas case: header %d labels %d delim '%c'", info.header, info.labels,
                  info.delim);
        gsl_matrix_free(W);
        lrs_io_read_info_clear(&info);
    }
}

/* A line much longer than the reader's 64 KiB refill, and one over the limit. */
static void test_dense_long_lines(void)
{
    size_t pad = 300000, n;
    char *t = malloc(pad + 64);
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    double v[4] = {1.5, 2, 3, 4};
    if (!t)
        return;
    n = (size_t)sprintf(t, "1.5");
    memset(t + n, ' ', pad);
    n += pad;
    n += (size_t)sprintf(t + n, "2\n3 4\n");
    CHECK_OK(lrs_io_read_buffer(t, n, "t", NULL, &W, NULL, &e), &e);
    CHECK(same(W, 2, 2, v), "padded long line misread");
    gsl_matrix_free(W);
    W = NULL;
    /* limit: max(1 MiB, 64 max_n) bytes; with max_n = 2 it is 1 MiB */
    free(t);
    t = malloc((2u << 20) + 16);
    if (!t)
        return;
    memset(t, ' ', 2u << 20);
    memcpy(t + (2u << 20), "1 2\n3 4\n", 8);
    o.max_n = 2;
    CHECK_ERR(lrs_io_read_buffer(t, (2u << 20) + 8, "t", &o, &W, NULL, &e), LRS_ELIMIT, &e,
              "t:1:1: line longer than 1048576 bytes");
    CHECK(W == NULL, "*out set on failure");
    free(t);
}

static void test_dense_errors(void)
{
    static const struct { const char *text; int code; const char *msg; } bad[] = {
        {"1,2,3\n4,5\n7,8,9\n", LRS_EPARSE,
         "t:2:4: ragged rows: 2 fields, expected 3 as on line 1 ('5')"},
        {"0,1,2\n1,X,3\n2,3,0\n", LRS_EPARSE, "t:2:3: not a number ('X')"},
        {"X,1\n1,0\n", LRS_EPARSE, "t:1:1: not a number ('X')"},        /* X on the diagonal */
        {"0,X\n1,0\n", LRS_EPARSE, "t:1:3: not a number ('X')"},        /* not a header */
        {"0 nan\n1 0\n", LRS_ENONFINITE, "t:1:3: non-finite value ('nan')"},
        {"1,2,3\n4,5,6\n", LRS_EPARSE,
         "t:2:1: matrix is 2x3 (2 rows, 3 columns); expected square; for an edge list use "
         "--format edges"},
        {"", LRS_EPARSE, "t:1:1: empty input; expected a matrix"},
        {"\n\n# x\n", LRS_EPARSE, "t:3:1: empty input; expected a matrix"},
        {"1,2\n3,\"4\n", LRS_EPARSE, "t:2:3: unterminated quote ('\"4')"},
        {"1,2\n3,\"4\"x\n", LRS_EPARSE, "t:2:6: text after a closing quote ('x')"},
        {"1 2\n3 \0014\n", LRS_EPARSE, "t:2:3: binary data, not a text matrix ('\\x014')"},
        {"1 2\n3 4\n5 6 \001\n", LRS_EPARSE, "t:3:5: binary data, not a text matrix ('\\x01')"},
    };
    size_t k;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        gsl_matrix *W = NULL;
        lrs_err_t e;
        lrs_io_read_info_t info;
        int rc = read_str(bad[k].text, NULL, &W, &info, &e);
        CHECK(rc == bad[k].code && strcmp(e.msg, bad[k].msg) == 0,
              "case %zu: status %d msg '%s'; want %d '%s'", k, rc, rc ? e.msg : "", bad[k].code,
              bad[k].msg);
        CHECK(W == NULL && info.names == NULL && info.rows == 0, "case %zu: output on failure", k);
        gsl_matrix_free(W);
    }
}

static void test_dense_options(void)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_opts_t o = fmt(LRS_FMT_DENSE);
    double v[6] = {1, 2, 3, 4, 5, 6};
    o.allow_nonsquare = 1;
    CHECK_OK(read_str("1,2,3\n4,5,6\n", &o, &W, NULL, &e), &e);
    CHECK(same(W, 2, 3, v), "non-square read");
    gsl_matrix_free(W);
    W = NULL;
    /* an explicit dense format never turns a 2-column table into edges */
    o.allow_nonsquare = 0;
    CHECK_ERR(read_str("0,1\n1,2\n2,0\n", &o, &W, NULL, &e), LRS_EPARSE, &e, "matrix is 3x2");
    o.max_bytes = 64; /* 3x3 doubles need 72 bytes */
    CHECK_ERR(read_str("0 3 0\n0 0 2\n1 0 0\n", &o, &W, NULL, &e), LRS_ELIMIT, &e,
              "t:3:1: matrix of 3x3 needs 7.2e-08 GB, more than the 6.4e-08 GB allowed");
    /* auto-detection keeps a 3-column table whole in case it is an edge list:
     * its rows are then limited by the memory limit (64 / 24 = 2 rows) */
    o.format = LRS_FMT_AUTO;
    CHECK_ERR(read_str("0 3 0\n0 0 2\n1 0 0\n", &o, &W, NULL, &e), LRS_ELIMIT, &e,
              "t:3:1: more than 2 rows (the memory limit for a table that may be an edge list)");
    /* the ambiguous square integer table is dense, not an edge list */
    o = lrs_io_read_opts_default();
    CHECK_OK(read_str("0 1 3\n1 2 2\n2 0 1\n", &o, &W, NULL, &e), &e);
    {
        double w[9] = {0, 1, 3, 1, 2, 2, 2, 0, 1};
        CHECK(same(W, 3, 3, w), "3x3 integer table not read as dense");
    }
    gsl_matrix_free(W);
}

/* ------------------------------------------------------------------ edge lists */

static void test_edges_names(void)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_info_t info;
    /* header, quoted name with an escaped quote, a repeated edge, a self-loop */
    const char *t = "source,target,weight\n"
                    "alice,bob,3\n"
                    "\"o\"\"neil\",alice,1\n"
                    "bob,\"o\"\"neil\",2\n"
                    "alice,bob,0.5\n"
                    "bob,bob,7\n";
    double v[9] = {0, 3.5, 0, 0, 7, 2, 1, 0, 0};
    CHECK_OK(read_str(t, NULL, &W, &info, &e), &e);
    CHECK(same(W, 3, 3, v), "named edge list misread");
    CHECK(info.format == LRS_FMT_EDGES && info.header == 1 && info.entries == 5 &&
              info.repeated == 1 && info.self_loops == 1,
          "info: format %d header %d entries %zu repeated %zu loops %zu", (int)info.format,
          info.header, info.entries, info.repeated, info.self_loops);
    CHECK(info.nnames == 3 && strcmp(info.names[0], "alice") == 0 &&
              strcmp(info.names[1], "bob") == 0 && strcmp(info.names[2], "o\"neil") == 0,
          "names: %zu", info.nnames);
    gsl_matrix_free(W);
    lrs_io_read_info_clear(&info);
    CHECK(info.names == NULL && info.nnames == 0, "info not cleared");
}

static void test_edges_undirected_ids(void)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_info_t info;
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    /* 1-based ids, (2,1) repeats (1,2) when undirected, id 4 never occurs */
    double v[25] = {0, 3, 0, 0, 0,
                    3, 0, 2, 0, 0,
                    0, 2, 0, 0, 0,
                    0, 0, 0, 0, 0,
                    0, 0, 0, 0, 5};
    o.ids = 1;
    o.base = 1;
    o.undirected = 1;
    CHECK_OK(read_str("1 2 1\n2 3 2\n2 1 2\n5 5 5\n", &o, &W, &info, &e), &e);
    CHECK(same(W, 5, 5, v), "undirected ids misread");
    CHECK(info.repeated == 1 && info.self_loops == 1 && info.names == NULL,
          "repeated %zu loops %zu", info.repeated, info.self_loops);
    gsl_matrix_free(W);
    lrs_io_read_info_clear(&info);
    W = NULL;
    o.compact = 1;
    CHECK_OK(read_str("1 2 1\n2 3 2\n2 1 2\n5 5 5\n", &o, &W, &info, &e), &e);
    CHECK(W && W->size1 == 4 && gsl_matrix_get(W, 3, 3) == 5 && info.nnames == 4 &&
              strcmp(info.names[3], "5") == 0,
          "compact: %zu nodes", W ? W->size1 : 0);
    gsl_matrix_free(W);
    lrs_io_read_info_clear(&info);
    W = NULL;
    o.compact = 0;
    o.nodes = 3;
    CHECK_ERR(read_str("1 2\n2 3\n3 4\n", &o, &W, NULL, &e), LRS_EPARSE, &e,
              "t:3:3: node id 4 out of range 1..3 (--nodes 3) ('4')");
    o.nodes = 0;
    o.max_n = 10;
    CHECK_ERR(read_str("1 2\n2 30\n", &o, &W, NULL, &e), LRS_ELIMIT, &e,
              "t:2:3: node id 30 needs more than --max-n 10 nodes ('30')");
    CHECK(W == NULL, "*out set on failure");
}

static void test_edges_names_limit(void)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_opts_t o = fmt(LRS_FMT_EDGES);
    o.max_n = 3;
    CHECK_ERR(read_str("a b\nc d\n", &o, &W, NULL, &e), LRS_ELIMIT, &e,
              "t:2:3: more than --max-n 3 nodes ('d')");
    CHECK_ERR(read_str("a\n", &o, &W, NULL, &e), LRS_EPARSE, &e,
              "t:1:2: expected 2 or 3 fields (source target [weight]), found 1 ('a')");
    CHECK_ERR(read_str("# nothing\n", &o, &W, NULL, &e), LRS_EPARSE, &e,
              "t:1:1: empty input; expected an edge list (source target [weight])");
}

/* Many distinct names: the hash table grows and keeps first-appearance order. */
static void test_edges_many_names(void)
{
    size_t n = 5000, k, len = 0;
    char *t = malloc(n * 32);
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_info_t info;
    int okorder = 1;
    if (!t)
        return;
    for (k = 0; k < n; k++)
        len += (size_t)sprintf(t + len, "n%zu n%zu\n", k, (k + 1) % n);
    CHECK_OK(lrs_io_read_buffer(t, len, "t", NULL, &W, &info, &e), &e);
    CHECK(W && W->size1 == n, "%zu nodes", W ? W->size1 : 0);
    for (k = 0; W && k < n; k++) {
        char want[32];
        sprintf(want, "n%zu", k);
        if (strcmp(info.names[k], want) != 0 || gsl_matrix_get(W, k, (k + 1) % n) != 1.0)
            okorder = 0;
    }
    CHECK(okorder, "names out of order or edges misplaced");
    gsl_matrix_free(W);
    lrs_io_read_info_clear(&info);
    free(t);
}

/* ------------------------------------------------------------------ Matrix Market */

static void test_mtx(void)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_info_t info;
    double sym[9] = {1, 2, 0, 2, 0, 3, 0, 3, 0};
    double skew[4] = {0, -2.5, 2.5, 0};
    double arr[6] = {1, 2, 3, 4, 5, 6};
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    CHECK_OK(read_str("%%MatrixMarket matrix coordinate real symmetric\n% c\n3 3 3\n1 1 1\n2 1 "
                      "2\n3 2 3\n", NULL, &W, &info, &e), &e);
    CHECK(same(W, 3, 3, sym), "symmetric coordinate misread");
    CHECK(info.format == LRS_FMT_MTX && info.entries == 3 && info.self_loops == 1,
          "info %d %zu", (int)info.format, info.entries);
    gsl_matrix_free(W);
    lrs_io_read_info_clear(&info);
    W = NULL;
    CHECK_OK(read_str("%%matrixmarket MATRIX Coordinate Real Skew-Symmetric\n2 2 1\n2 1 2.5",
                      NULL, &W, NULL, &e), &e);
    CHECK(same(W, 2, 2, skew), "skew-symmetric misread (case-insensitive banner)");
    gsl_matrix_free(W);
    W = NULL;
    o.allow_nonsquare = 1;
    CHECK_OK(read_str("%%MatrixMarket matrix array integer general\n2 3\n1 4\n2\n5\n3 6\n", &o, &W,
                      NULL, &e), &e);
    CHECK(same(W, 2, 3, arr), "column-major array misread");
    gsl_matrix_free(W);
    W = NULL;
    CHECK_ERR(read_str("%%MatrixMarket matrix array integer general\n2 2\n1\n2.5\n3\n4\n", NULL,
                       &W, NULL, &e), LRS_EPARSE, &e, "t:4:1: not an integer ('2.5')");
    CHECK_ERR(read_str("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2\n", NULL, &W,
                       NULL, &e), LRS_EPARSE, &e,
              "t:3:3: entry has 2 fields; expected 3 (row column value) ('2')");
    o = lrs_io_read_opts_default();
    o.max_n = 100;
    CHECK_ERR(read_str("%%MatrixMarket matrix coordinate real general\n101 101 0\n", &o, &W,
                       NULL, &e), LRS_ELIMIT, &e,
              "t:2:1: matrix of 101x101 is larger than --max-n 100 ('101 101 0')");
    CHECK(W == NULL, "*out set on failure");
}

/* ------------------------------------------------------------------ npy */

/* A version-1 .npy image in buf; returns its length. */
static size_t make_npy(unsigned char *buf, const char *descr, const char *shape, int fortran,
                       const void *data, size_t nbytes)
{
    char hdr[256];
    size_t hl, total;
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
                     descr, fortran ? "True" : "False", shape);
    hl = (size_t)n;
    while ((10 + hl + 1) % 64)
        hdr[hl++] = ' ';
    hdr[hl++] = '\n';
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)(hl & 0xff);
    buf[9] = (unsigned char)(hl >> 8);
    memcpy(buf + 10, hdr, hl);
    memcpy(buf + 10 + hl, data, nbytes);
    total = 10 + hl + nbytes;
    return total;
}

/* float16 (numpy's half precision, the storage of many trained networks):
 * every class of binary16 number read exactly, in either byte order, and
 * the matrix is already binary16 (lrs_conn_round_binary16 leaves it as it
 * is), so the float32 simulator keeps it in 16 bits. */
static void test_npy_float16(void)
{
    unsigned char buf[512];
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    o.allow_nonsquare = 1;
    /* 1, -2.5, 65504 (largest), 2^-24 (smallest subnormal), 0.1 rounded, -0 */
    const unsigned char le[12] = {0x00, 0x3c, 0x00, 0xc1, 0xff, 0x7b,
                                  0x01, 0x00, 0x66, 0x2e, 0x00, 0x80};
    const double v[6] = {1.0, -2.5, 65504.0, 0x1p-24, 0.0999755859375, -0.0};
    size_t n = make_npy(buf, "<f2", "(2, 3)", 0, le, sizeof le);
    CHECK_OK(lrs_io_read_buffer(buf, n, "x.npy", &o, &W, NULL, &e), &e);
    CHECK(same(W, 2, 3, v), "float16 misread");
    CHECK(W && signbit(gsl_matrix_get(W, 1, 2)), "float16 -0 read without its sign");
    gsl_matrix *R = gsl_matrix_alloc(2, 3);
    gsl_matrix_memcpy(R, W);
    CHECK_OK(lrs_conn_round_binary16(R, &e), &e);
    CHECK(gsl_matrix_equal(R, W), "a float16 matrix changed when rounded to binary16");
    gsl_matrix_free(R);
    gsl_matrix_free(W);
    W = NULL;
    const unsigned char be[4] = {0x3c, 0x00, 0xc1, 0x00};
    const double vbe[2] = {1.0, -2.5};
    n = make_npy(buf, ">f2", "(1, 2)", 0, be, sizeof be);
    CHECK_OK(lrs_io_read_buffer(buf, n, "x.npy", &o, &W, NULL, &e), &e);
    CHECK(same(W, 1, 2, vbe), "big-endian float16 misread");
    gsl_matrix_free(W);
}

static void test_npy(void)
{
    unsigned char buf[512];
    gsl_matrix *W = NULL;
    lrs_err_t e;
    lrs_io_read_info_t info;
    size_t n;
    const int16_t i2[4] = {-1, 2, -300, 4};         /* little-endian host assumed below */
    const double v2[4] = {-1, 2, -300, 4};
    const unsigned char be[16] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0,     /* 1.5 */
                                  0xc0, 0x00, 0, 0, 0, 0, 0, 0};    /* -2 */
    const double vbe[2] = {1.5, -2};
    const uint8_t u1[4] = {0, 255, 7, 1};
    const double vu1[4] = {0, 255, 7, 1};
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    uint16_t probe = 1;
    int little = *(unsigned char *)&probe == 1;

    if (little) {
        n = make_npy(buf, "<i2", "(2, 2)", 0, i2, sizeof i2);
        CHECK_OK(lrs_io_read_buffer(buf, n, "x.npy", NULL, &W, &info, &e), &e);
        CHECK(same(W, 2, 2, v2) && info.format == LRS_FMT_NPY, "int16 misread");
        gsl_matrix_free(W);
        lrs_io_read_info_clear(&info);
        W = NULL;
    }
    o.allow_nonsquare = 1;
    n = make_npy(buf, ">f8", "(1, 2)", 0, be, sizeof be);
    CHECK_OK(lrs_io_read_buffer(buf, n, "x.npy", &o, &W, NULL, &e), &e);
    CHECK(same(W, 1, 2, vbe), "big-endian float64 misread");
    gsl_matrix_free(W);
    W = NULL;
    n = make_npy(buf, "|u1", "(2, 2)", 1, u1, sizeof u1); /* Fortran order */
    {
        const double vf[4] = {vu1[0], vu1[2], vu1[1], vu1[3]};
        CHECK_OK(lrs_io_read_buffer(buf, n, "x.npy", NULL, &W, NULL, &e), &e);
        CHECK(same(W, 2, 2, vf), "uint8 Fortran order misread");
    }
    gsl_matrix_free(W);
    W = NULL;
    /* through a stream (standard input goes this way) */
    {
        FILE *fp = fmemopen(buf, n, "rb");
        if (fp) {
            CHECK_OK(lrs_io_read_stream(fp, NULL, NULL, &W, NULL, &e), &e);
            CHECK(W && W->size1 == 2, "stream read failed");
            fclose(fp);
            gsl_matrix_free(W);
            W = NULL;
        }
    }
    n = make_npy(buf, "<f8", "(2, 2)", 0, be, 12);
    CHECK_ERR(lrs_io_read_buffer(buf, n, "x.npy", NULL, &W, NULL, &e), LRS_EPARSE, &e,
              "x.npy:1:141: truncated npy data: 12 of 32 bytes");
    n = make_npy(buf, "<f8", "(2, 2, 2)", 0, be, 16);
    CHECK_ERR(lrs_io_read_buffer(buf, n, "x.npy", NULL, &W, NULL, &e), LRS_EPARSE, &e,
              "npy array has 3 dimensions (2, 2, 2); expected a 2-D matrix");
    n = make_npy(buf, "<U8", "(2, 2)", 0, be, 16);
    CHECK_ERR(lrs_io_read_buffer(buf, n, "x.npy", NULL, &W, NULL, &e), LRS_EPARSE, &e,
              "unsupported npy dtype");
    CHECK_ERR(lrs_io_read_buffer("\x93NUMPY", 6, "x.npy", NULL, &W, NULL, &e), LRS_EPARSE, &e,
              "x.npy:1:7: truncated npy preamble (6 of 8 bytes)");
    CHECK(W == NULL, "*out set on failure");
}

/* ------------------------------------------------------------------ files */

static void test_files_and_stdin_name(void)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    CHECK_ERR(lrs_io_read_matrix("tests/fixtures/no-such-file.csv", NULL, &W, NULL, &e), LRS_EIO,
              &e, "tests/fixtures/no-such-file.csv: cannot open: No such file or directory");
    CHECK_OK(lrs_io_read_matrix("tests/fixtures/analyze/A-coord.mtx", NULL, &W, NULL, &e), &e);
    CHECK(same(W, 3, 3, A), "A-coord.mtx misread");
    gsl_matrix_free(W);
    W = NULL;
    CHECK_ERR(lrs_io_read_matrix(NULL, NULL, &W, NULL, &e), LRS_EINVAL, &e, "path is NULL");
}

/* lrs_io_read_plain: the plain formats read exactly as lrs_io_read_matrix
 * reads them; the library-backed ones refused with a message naming both
 * functions. */
static void test_read_plain(void)
{
    static const char *plain[] = {"dir_w.csv", "dir_w.edges", "dir_w.mtx", "dir_w.mtx.gz",
                                  "dir_w.npy"};
    static const char *other[][2] = {{"dir_w.gml", "gml"}, {"dir_w.npz", "npz"},
                                     {"dir_w.mat", "mat"}, {"dir_w.graphml", "graphml"}};
    char path[64], want[256];
    lrs_err_t e;
    for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++) {
        gsl_matrix *A = NULL, *B = NULL;
        snprintf(path, sizeof path, "tests/fixtures/formats/%s", plain[k]);
        CHECK_OK(lrs_io_read_matrix(path, NULL, &A, NULL, &e), &e);
        CHECK_OK(lrs_io_read_plain(path, NULL, &B, NULL, &e), &e);
        CHECK(A && B && gsl_matrix_equal(A, B), "%s: lrs_io_read_plain differs", path);
        gsl_matrix_free(A);
        gsl_matrix_free(B);
    }
    for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
        gsl_matrix *B = NULL;
        snprintf(path, sizeof path, "tests/fixtures/formats/%s", other[k][0]);
        snprintf(want, sizeof want, "%s: a %s file; lrs_io_read_plain reads dense text, edge "
                 "lists, Matrix Market and .npy (lrs_io_read_matrix reads every format)",
                 path, other[k][1]);
        CHECK_ERR(lrs_io_read_plain(path, NULL, &B, NULL, &e), LRS_EINVAL, &e, want);
        CHECK(B == NULL, "%s: *out set on failure", path);
    }
}

/* lrs_io_format_g writes what printf("%.*g") writes, byte for byte: random
 * values over every decade of the fast path and beyond it, every precision
 * 1..12, and the hard cases (powers of ten and their neighbours, values that
 * round up to the next decade, exact ties such as 0.125 or 2.5, zeros,
 * infinities, NaN, subnormals, the largest doubles). */
static int format_same(double v, int prec, size_t *nbad)
{
    char want[64], got[LRS_IO_NUM_MAX];
    int lw = snprintf(want, sizeof want, "%.*g", prec, v);
    int lg = lrs_io_format_g(got, v, prec);
    if (lw == lg && strcmp(want, got) == 0)
        return 1;
    if ((*nbad)++ < 5)
        CHECK(0, "%.17g at %%.%dg: printf '%s', lrs_io_format_g '%s' (%d chars)", v, prec, want,
              got, lg);
    return 0;
}

static void test_format_g(void)
{
    static const double hard[] = {0.0, -0.0, 1.0, -1.0, 0.5, 0.125, 2.5, -2.5, 0.0625, 1.25e-5,
                                  9.5, 99.5, 999999.5, 9999995, 0.000099999949999,
                                  1e-5, 1e-4, 9.99999e-5, 9.999995e-5, 1e15, 1e-15, 9.9999999e14,
                                  123456.5, 1234565, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0,
                                  4.35, 0.045, 1e22, 1e-300, 5e-324, DBL_MAX, -DBL_MAX, DBL_MIN};
    size_t nbad = 0, n = 0;
    for (int prec = 1; prec <= 12; prec++) {
        for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) {
            n++;
            format_same(hard[i], prec, &nbad);
            format_same(nextafter(hard[i], INFINITY), prec, &nbad);
            format_same(nextafter(hard[i], -INFINITY), prec, &nbad);
        }
        format_same(INFINITY, prec, &nbad);
        format_same(-INFINITY, prec, &nbad);
        format_same(NAN, prec, &nbad);
        for (int e = -18; e <= 17; e++) /* powers of ten and the values next to them */
            for (int s = -1; s <= 1; s++) {
                double p10 = pow(10.0, e);
                n++;
                format_same(s ? nextafter(p10, s * INFINITY) : p10, prec, &nbad);
            }
    }
    /* precisions printf takes specially: 0 (as 1), negative (as 6); 17 */
    for (int prec = -2; prec <= 0; prec++)
        for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) {
            n++;
            format_same(hard[i], prec, &nbad);
        }
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) {
        n++;
        format_same(hard[i], 17, &nbad);
    }
    char big[LRS_IO_NUM_MAX], want[64];
    lrs_io_format_g(big, -DBL_MIN, 40);
    snprintf(want, sizeof want, "%.17g", -DBL_MIN);
    CHECK(strcmp(big, want) == 0, "precision 40 at -DBL_MIN: '%s'; expected %%.17g's '%s'", big,
          want);
    /* random values: a fixed-seed 64-bit LCG, uniform mantissa over 36 decades,
     * both signs; and short decimals (ties at every precision) */
    uint64_t x = 12345;
    for (size_t k = 0; k < 400000; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(x >> 11) * 0x1p-53;
        double v = (1.0 + 9.0 * u) * pow(10.0, (int)((x >> 3) % 36) - 18);
        if (x & 1)
            v = -v;
        n++;
        format_same(v, (int)(k % 12) + 1, &nbad);
        double t = (double)((x >> 20) % 100000) / pow(10.0, (int)((x >> 40) % 8));
        format_same(t, (int)((k / 12) % 12) + 1, &nbad);
    }
    CHECK(nbad == 0, "%zu of %zu values differ from printf", nbad, 2 * n);
}

/* Largest vertical distance from a dropped point to the polyline through the
 * kept ones (the chord between its kept neighbours). */
static double simplify_error(size_t n, const double *t, const double *y, const unsigned char *keep)
{
    double worst = 0;
    size_t a = 0;
    for (size_t b = 1; b < n; b++) {
        if (!keep[b])
            continue;
        for (size_t k = a + 1; k < b; k++) {
            double line = y[a] + (y[b] - y[a]) * (t[k] - t[a]) / (t[b] - t[a]);
            double d = fabs(y[k] - line);
            worst = d > worst ? d : worst;
        }
        a = b;
    }
    return worst;
}

/* lrs_io_simplify: the polyline through the kept points stays within tol of
 * every dropped one (checked on a noisy decaying oscillation at five
 * tolerances), endpoints kept, a straight line keeps only them, tol = 0 keeps
 * every point off the chords, non-finite values are kept with their
 * neighbours, strided input, bad arguments. */
static void test_simplify(void)
{
    enum { n = 5000 };
    static double t[n], y[2 * n];
    static unsigned char keep[n];
    lrs_err_t e = {0};
    size_t kept = 0;
    uint64_t x = 777;
    for (size_t k = 0; k < n; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        t[k] = 0.02 * (double)k;
        y[k] = exp(-t[k] / 30) * sin(t[k]) + 1e-3 * ((double)(x >> 11) * 0x1p-53 - 0.5);
    }
    size_t prev = n + 1;
    for (double tol = 1e-6; tol < 1; tol *= 10) {
        CHECK_OK(lrs_io_simplify(n, t, y, 1, tol, keep, &kept, &e), &e);
        double worst = simplify_error(n, t, y, keep);
        CHECK(worst <= tol, "tol %g: a dropped point is %g from the polyline", tol, worst);
        CHECK(keep[0] && keep[n - 1], "tol %g: an end point dropped", tol);
        CHECK(kept <= prev, "tol %g: %zu points kept, more than %zu at a smaller tol", tol, kept,
              prev);
        prev = kept;
    }
    CHECK(kept < n / 50, "tol 0.1: %zu of %d points kept", kept, n);
    /* a straight line, sampled unevenly: only its ends */
    for (size_t k = 0; k < n; k++) {
        t[k] = (double)k + 0.25 * sin((double)k);
        y[k] = 3.0 - 0.5 * t[k];
    }
    CHECK_OK(lrs_io_simplify(n, t, y, 1, 1e-12, keep, &kept, &e), &e);
    CHECK(kept == 2, "a straight line keeps %zu points; expected 2", kept);
    /* tol = 0: a zig-zag keeps everything */
    for (size_t k = 0; k < 100; k++) {
        t[k] = (double)k;
        y[k] = (double)(k % 2);
    }
    CHECK_OK(lrs_io_simplify(100, t, y, 1, 0.0, keep, &kept, &e), &e);
    CHECK(kept == 100, "tol 0 on a zig-zag keeps %zu of 100", kept);
    /* strided values (column 1 of an n x 2 table) and a NaN in the middle */
    for (size_t k = 0; k < n; k++) {
        t[k] = (double)k;
        y[2 * k] = 1e9;
        y[2 * k + 1] = 0.0;
    }
    y[2 * 2000 + 1] = NAN;
    CHECK_OK(lrs_io_simplify(n, t, y + 1, 2, 1e-9, keep, &kept, &e), &e);
    CHECK(kept == 5 && keep[1999] && keep[2000] && keep[2001],
          "a NaN in a flat line: kept %zu; expected 5 (the ends, the NaN and its neighbours)",
          kept);
    CHECK_OK(lrs_io_simplify(0, NULL, NULL, 1, 0.1, NULL, &kept, &e), &e);
    CHECK(kept == 0, "n = 0 kept %zu", kept);
    CHECK_ERR(lrs_io_simplify(3, t, y, 1, -1.0, keep, NULL, &e), LRS_EINVAL, &e,
              "lrs_io_simplify: tol = -1; expected finite and >= 0");
    CHECK_ERR(lrs_io_simplify(3, t, NULL, 1, 0.1, keep, NULL, &e), LRS_EINVAL, &e,
              "lrs_io_simplify: y is NULL");
    CHECK_ERR(lrs_io_simplify(3, t, y, 0, 0.1, keep, NULL, &e), LRS_EINVAL, &e,
              "lrs_io_simplify: ystride is 0");
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(test_parse_double_accepts);
    RUN(test_parse_double_refuses);
    RUN(test_parse_long);
    RUN(test_quote);
    RUN(test_format_names);
    RUN(test_dense_layouts);
    RUN(test_dense_long_lines);
    RUN(test_dense_errors);
    RUN(test_dense_options);
    RUN(test_edges_names);
    RUN(test_edges_undirected_ids);
    RUN(test_edges_names_limit);
    RUN(test_edges_many_names);
    RUN(test_mtx);
    RUN(test_npy);
    RUN(test_npy_float16);
    RUN(test_files_and_stdin_name);
    RUN(test_read_plain);
    RUN(test_format_g);
    RUN(test_simplify);
    return harness_summary();
}
