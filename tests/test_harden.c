/*
 * test_harden.c -- hardening (issue 6): regression tests for every fuzzer
 * finding (fixtures in tests/fixtures/fuzz/, each with the exact message it
 * must give) and the reader limits: sizes refused before allocating, long
 * lines, runs of quotes, files without a final newline.
 * Run from the repository root (tests/run.sh does).
 */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_matrix.h>
#include "harness.h"
#include "lrs/io.h"

#define FIX "tests/fixtures/fuzz/"

/* Read a fixture with opts; it must fail with `code` and exactly `msg`. */
static void expect_error(const char *path, const lrs_read_opts_t *o, int code,
                         const char *msg)
{
    gsl_matrix *W = NULL;
    lrs_err_t e;
    int rc = lrs_read_matrix(path, o, &W, NULL, &e);
    CHECK(rc == code && strcmp(e.msg, msg) == 0,
          "%s: status %d (want %d), message\n  '%s'\nwant\n  '%s'", path, rc, code,
          rc ? e.msg : "", msg);
    CHECK(W == NULL, "%s: *out not NULL on failure", path);
    gsl_matrix_free(W);
}

static lrs_read_opts_t fmt(lrs_format_t f)
{
    lrs_read_opts_t o = lrs_read_opts_default();
    o.format = f;
    return o;
}

/* ------------------------------------------------------------ fuzz findings */

/* fuzz edges, finding 1: repeated edges whose weights add up past DBL_MAX
 * gave a matrix holding inf (the readers refuse inf in the data, so the
 * sum must be refused too), pointing at the edge that overflows. */
static void test_fuzz_edges_weight_overflow(void)
{
    lrs_read_opts_t o = fmt(LRS_FMT_EDGES);
    expect_error(FIX "edges_weight_overflow.edges", &o, LRS_ENONFINITE,
                 FIX "edges_weight_overflow.edges:2:1: repeated entries add up to a "
                     "non-finite value ('inf')");
    o.undirected = 1; /* (a,b) and (b,a) are one position */
    expect_error(FIX "edges_undirected_overflow.edges", &o, LRS_ENONFINITE,
                 FIX "edges_undirected_overflow.edges:2:1: repeated entries add up to a "
                     "non-finite value ('inf')");
}

/* The same through Matrix Market: a symmetric file giving (2,1) and (1,2). */
static void test_fuzz_mtx_symmetric_overflow(void)
{
    lrs_read_opts_t o = fmt(LRS_FMT_AUTO);
    expect_error(FIX "mtx_symmetric_overflow.mtx", &o, LRS_ENONFINITE,
                 FIX "mtx_symmetric_overflow.mtx:4:1: repeated entries add up to a "
                     "non-finite value ('-inf')");
}

int main(void)
{
    RUN(test_fuzz_edges_weight_overflow);
    RUN(test_fuzz_mtx_symmetric_overflow);
    return harness_summary();
}
