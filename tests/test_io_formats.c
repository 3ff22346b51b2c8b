/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_io_formats.c -- one matrix, every format, the same answer; and the
 * bad inputs of the library-backed readers (.npz, .mat, graphs through
 * igraph, gzip/bzip2/xz) with their exact messages.
 *
 * Fixtures: tests/fixtures/formats/ (written by tests/fixtures/gen_formats.c
 * with each format's own library: igraph for GraphML/GML/Pajek, matio for
 * .mat, libzip for .npz, zlib for .gz).  Each of the four networks (directed
 * and undirected, weighted and 0/1, each with a self-loop and an isolated
 * node) must read to the matrix of its dense CSV exactly (the values are
 * binary fractions), with the same node count, and give the same singular
 * values and effective ranks to 1e-12 relative.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <matio.h>
#include "harness.h"
#include "lrs/io.h"
#include "lrs/ranks.h"
#include "lrs/spectra.h"

#define FMT "tests/fixtures/formats/"
#define BAD "tests/fixtures/formats/bad/"

static const struct { const char *name; int undirected; size_t n; } nets[] = {
    {"dir_w", 0, 5}, {"dir_01", 0, 6}, {"undir_w", 1, 5}, {"undir_01", 1, 6}};
static const char *exts[] = {".edges", ".mtx", ".mtx.gz", ".npy", ".npz", ".mat",
                             ".v4.mat", ".v73.mat", ".graphml", ".gml", ".net"};

static gsl_matrix *read_as(const char *path, const lrs_io_read_opts_t *o, lrs_err_t *e)
{
    gsl_matrix *W = NULL;
    if (lrs_io_read_matrix(path, o, &W, NULL, e))
        return NULL;
    return W;
}

static void compare(const char *path, const gsl_matrix *ref, const gsl_matrix *W)
{
    gsl_vector *s0 = gsl_vector_alloc(ref->size1), *s1 = gsl_vector_alloc(ref->size1);
    lrs_ranks_t r0, r1;
    lrs_err_t e;
    size_t i, j, k;
    CHECK(W->size1 == ref->size1 && W->size2 == ref->size2, "%s: %zux%zu, CSV says %zux%zu",
          path, W->size1, W->size2, ref->size1, ref->size2);
    if (W->size1 != ref->size1 || W->size2 != ref->size2)
        goto done;
    for (i = 0; i < W->size1; i++)
        for (j = 0; j < W->size2; j++)
            CHECK(gsl_matrix_get(W, i, j) == gsl_matrix_get(ref, i, j),
                  "%s: W[%zu][%zu] = %.17g, CSV has %.17g (exact)", path, i, j,
                  gsl_matrix_get(W, i, j), gsl_matrix_get(ref, i, j));
    CHECK_OK(lrs_spectra_svd(ref, s0, NULL, NULL, &e), &e);
    CHECK_OK(lrs_spectra_svd(W, s1, NULL, NULL, &e), &e);
    for (k = 0; k < s0->size; k++)
        CHECK(fabs(s1->data[k] - s0->data[k]) <= 1e-12 * fmax(s0->data[0], 1e-300),
              "%s: sigma_%zu = %.17g vs %.17g (tol 1e-12 relative to sigma_1)", path, k,
              s1->data[k], s0->data[k]);
    CHECK_OK(lrs_ranks_of_matrix(ref, NULL, &r0, &e), &e);
    CHECK_OK(lrs_ranks_of_matrix(W, NULL, &r1, &e), &e);
    CHECK(r0.numerical == r1.numerical && r0.optimal_threshold == r1.optimal_threshold &&
              r0.optimal_shrinkage == r1.optimal_shrinkage && r0.elbow == r1.elbow &&
              r0.energy == r1.energy, "%s: integer ranks differ from the CSV's", path);
    CHECK_REL(r1.erank, r0.erank, 1e-12);
    CHECK_REL(r1.stable, r0.stable, 1e-12);
    CHECK_REL(r1.nuclear, r0.nuclear, 1e-12);
done:
    gsl_vector_free(s0);
    gsl_vector_free(s1);
}

/* Every format of every network against its dense CSV. */
static void test_every_format_same_answer(void)
{
    size_t k, f;
    for (k = 0; k < sizeof nets / sizeof nets[0]; k++) {
        char path[256];
        lrs_io_read_opts_t o = lrs_io_read_opts_default();
        lrs_err_t e;
        gsl_matrix *ref;
        snprintf(path, sizeof path, FMT "%s.csv", nets[k].name);
        ref = read_as(path, &o, &e);
        CHECK(ref != NULL, "%s: %s", path, e.msg);
        if (!ref)
            continue;
        CHECK(ref->size1 == nets[k].n, "%s: %zu nodes, expected %zu", path, ref->size1,
              nets[k].n);
        for (f = 0; f < sizeof exts / sizeof exts[0]; f++) {
            gsl_matrix *W;
            snprintf(path, sizeof path, FMT "%s%s", nets[k].name, exts[f]);
            o = lrs_io_read_opts_default();
            if (strcmp(exts[f], ".edges") == 0) {
                /* ids keep the isolated node; the edge list lists each
                 * undirected edge once */
                o.ids = 1;
                o.nodes = nets[k].n;
                o.undirected = nets[k].undirected;
            }
            if (strstr(exts[f], ".mat") || strcmp(exts[f], ".npz") == 0)
                o.var = "W";
            W = read_as(path, &o, &e);
            CHECK(W != NULL, "%s: %s", path, e.msg);
            if (W) {
                compare(path, ref, W);
                gsl_matrix_free(W);
            }
        }
        gsl_matrix_free(ref);
    }
}

/* Detection: each file read with no hint gives the same matrix, and the
 * info record names the format; .npz and .mat choose "W" by themselves
 * (the other members/variables are 1-D or scalars). */
static void test_detection_and_info(void)
{
    static const struct { const char *file; lrs_io_format_t f; const char *comp; } t[] = {
        {FMT "dir_w.mtx.gz", LRS_FMT_MTX, "gzip"}, {FMT "dir_w.npz", LRS_FMT_NPZ, NULL},
        {FMT "dir_w.mat", LRS_FMT_MAT, NULL},      {FMT "dir_w.graphml", LRS_FMT_GRAPHML, NULL},
        {FMT "dir_w.gml", LRS_FMT_GML, NULL},      {FMT "dir_w.net", LRS_FMT_PAJEK, NULL},
        {FMT "dir_01.v4.mat", LRS_FMT_MAT, NULL},  {FMT "dir_01.v73.mat", LRS_FMT_MAT, NULL}};
    size_t k;
    for (k = 0; k < sizeof t / sizeof t[0]; k++) {
        lrs_io_read_info_t info;
        gsl_matrix *W = NULL;
        lrs_err_t e;
        CHECK_OK(lrs_io_read_matrix(t[k].file, NULL, &W, &info, &e), &e);
        CHECK(info.format == t[k].f, "%s: format %s, expected %s", t[k].file,
              lrs_io_format_name(info.format), lrs_io_format_name(t[k].f));
        CHECK((t[k].comp == NULL) == (info.compression == NULL) &&
                  (!t[k].comp || strcmp(t[k].comp, info.compression) == 0),
              "%s: compression %s", t[k].file, info.compression ? info.compression : "none");
        if (t[k].f == LRS_FMT_NPZ || t[k].f == LRS_FMT_MAT)
            CHECK(strncmp(info.var, "W", 1) == 0, "%s: read '%s', expected W", t[k].file,
                  info.var);
        if (t[k].f == LRS_FMT_GRAPHML)
            CHECK(info.directed == 1 && strcmp(info.weight_attr, "weight") == 0,
                  "%s: directed %d, weight '%s'", t[k].file, info.directed, info.weight_attr);
        lrs_io_read_info_clear(&info);
        gsl_matrix_free(W);
    }
}

/* A gzip stream on standard input (a pipe: no name, no seeking). */
static void test_gzip_stdin(void)
{
    FILE *fp = fopen(FMT "undir_w.mtx.gz", "rb"), *ref_fp;
    gsl_matrix *W = NULL, *R = NULL;
    lrs_err_t e;
    CHECK(fp != NULL, "cannot open the fixture");
    if (!fp)
        return;
    CHECK_OK(lrs_io_read_stream(fp, "<stdin>", NULL, &W, NULL, &e), &e);
    fclose(fp);
    ref_fp = fopen(FMT "undir_w.csv", "rb");
    CHECK_OK(lrs_io_read_stream(ref_fp, "<stdin>", NULL, &R, NULL, &e), &e);
    fclose(ref_fp);
    if (W && R)
        compare("<stdin> gzip", R, W);
    gsl_matrix_free(W);
    gsl_matrix_free(R);
}

/* A compressed sparse variable larger than the pre-scan's first look
 * (its row indices, column starts and values reached by inflating what
 * precedes them): a 300 x 300 matrix with 3 non-zeros per column, written
 * by matio with zlib, reads back exactly, as does the same matrix
 * uncompressed. */
static void test_mat_large_sparse(void)
{
    enum { N = 300, K = 3 };
    static mat_uint32_t ir[N * K], jc[N + 1];
    static double val[N * K];
    size_t dims[2] = {N, N}, i, j, k;
    char path[256];
    int z;
    snprintf(path, sizeof path, "%s/lrs_test_sparse_%ld.mat",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    for (j = 0; j < N; j++) {
        jc[j] = (mat_uint32_t)(K * j);
        for (k = 0; k < K; k++) { /* rows j, j + 101, j + 202 (mod N), ascending */
            size_t r[K] = {j, (j + 101) % N, (j + 202) % N}, t, u;
            for (t = 0; t < K; t++)
                for (u = t + 1; u < K; u++)
                    if (r[u] < r[t]) {
                        size_t x = r[t];
                        r[t] = r[u];
                        r[u] = x;
                    }
            ir[K * j + k] = (mat_uint32_t)r[k];
            val[K * j + k] = 0.25 * (double)(1 + r[k]) - (double)j / 64.0;
        }
    }
    jc[N] = N * K;
    for (z = 0; z < 2; z++) {
        mat_sparse_t sp;
        mat_t *mat = Mat_CreateVer(path, NULL, MAT_FT_MAT5);
        matvar_t *v;
        gsl_matrix *W = NULL;
        lrs_err_t e;
        memset(&sp, 0, sizeof sp);
        sp.nzmax = sp.nir = sp.ndata = N * K;
        sp.njc = N + 1;
        sp.ir = ir;
        sp.jc = jc;
        sp.data = val;
        v = Mat_VarCreate("W", MAT_C_SPARSE, MAT_T_DOUBLE, 2, dims, &sp, 0);
        CHECK(mat && v && Mat_VarWrite(mat, v, z ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE) == 0,
              "matio could not write %s", path);
        Mat_VarFree(v);
        if (mat)
            Mat_Close(mat);
        CHECK_OK(lrs_io_read_matrix(path, NULL, &W, NULL, &e), &e);
        if (W) {
            size_t bad = 0;
            for (j = 0; j < N; j++)
                for (i = 0; i < N; i++) {
                    double want = 0;
                    for (k = jc[j]; k < jc[j + 1]; k++)
                        if (ir[k] == i)
                            want = val[k];
                    bad += gsl_matrix_get(W, i, j) != want;
                }
            CHECK(W->size1 == N && W->size2 == N && bad == 0,
                  "%s (%s): %zux%zu, %zu entries differ", path, z ? "zlib" : "plain", W->size1,
                  W->size2, bad);
        }
        gsl_matrix_free(W);
    }
    remove(path);
}

/* .npy written by lrs reads back bit for bit. */
static void test_npy_roundtrip(void)
{
    gsl_matrix *M = gsl_matrix_alloc(7, 3), *R = NULL;
    char path[] = "/tmp/lrs-npy-XXXXXX";
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    lrs_err_t e;
    size_t i, j;
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd < 0)
        return;
    close(fd);
    for (i = 0; i < 7; i++)
        for (j = 0; j < 3; j++)
            gsl_matrix_set(M, i, j, (i == 3 && j == 1) ? -0.0 : 1.0 / (1.0 + i + 7.0 * j) - 1e-300 * j);
    gsl_matrix_set(M, 0, 0, 5e-324);
    gsl_matrix_set(M, 6, 2, -1.7976931348623157e308);
    CHECK_OK(lrs_io_write_npy(path, M, &e), &e);
    o.allow_nonsquare = 1;
    o.format = LRS_FMT_AUTO;
    CHECK_OK(lrs_io_read_matrix(path, &o, &R, NULL, &e), &e);
    CHECK(R && R->size1 == 7 && R->size2 == 3, "shape");
    if (R && R->size1 == 7 && R->size2 == 3)
        for (i = 0; i < 7; i++)
            for (j = 0; j < 3; j++) {
                double a = gsl_matrix_get(M, i, j), b = gsl_matrix_get(R, i, j);
                CHECK(memcmp(&a, &b, sizeof a) == 0, "[%zu][%zu]: %.17g != %.17g (bitwise)",
                      i, j, a, b);
            }
    {
        /* the data starts at a multiple of 64 bytes, as numpy writes it */
        FILE *fp = fopen(path, "rb");
        long size;
        fseek(fp, 0, SEEK_END);
        size = ftell(fp);
        fclose(fp);
        CHECK((size - 7 * 3 * 8) % 64 == 0, "header of %ld bytes", size - 7 * 3 * 8);
    }
    remove(path);
    gsl_matrix_free(M);
    gsl_matrix_free(R);
}

/* Bad inputs read with the default options: each must fail with `code` and
 * exactly the message "<file><tail>". */
typedef struct {
    const char *file;
    int code;
    const char *tail;
} bad_t;

static const bad_t bad[] = {
    /* .npz */
    {BAD "npz-truncated.npz", LRS_EPARSE, ": not a readable zip archive (Not a zip archive)"},
    {BAD "npz-bad-magic.npz", LRS_EPARSE,
     ": not a zip archive (.npz): bad magic bytes ('PX\\x03\\x04')"},
    {BAD "npz-complex.npz", LRS_EPARSE,
     "[Z.npy]:1:22: unsupported npy dtype; expected float64, float32, float16, an integer type "
     "or bool ('<c16')"},
    /* a ']' in the member's name is written \x5d: the label ends at its ']' */
    {BAD "npz-bracket-member.npz", LRS_EPARSE,
     "[a\\x5db.npy]:1:22: unsupported npy dtype; expected float64, float32, float16, an "
     "integer type or bool ('<c16')"},
    {BAD "npz-nonsquare.npz", LRS_EPARSE,
     "[Z.npy]:1:1: matrix is 2x3 (2 rows, 3 columns); expected square"},
    {BAD "npz-3d.npz", LRS_EPARSE,
     "[Z.npy]:1:11: npy array has 3 dimensions (2, 2, 2); expected a 2-D matrix ('(2, 2, 2)')"},
    {BAD "npz-two.npz", LRS_EPARSE,
     ": 2 2-D square arrays in the archive (Z.npy (3, 3) float64, K.npy (2, 2) int64); choose "
     "one with --var NAME"},
    {BAD "npz-no-npy.zip", LRS_EPARSE, ": zip archive with no .npy member; not an .npz file"},
    /* .mat */
    {BAD "mat-truncated.mat", LRS_EPARSE,
     ": variable #1: element of 64 bytes runs past the end of the file; truncated"},
    {BAD "mat-complex.mat", LRS_EPARSE,
     ": variable Z (2x2 complex double) is complex; expected a real matrix"},
    {BAD "mat-char.mat", LRS_EPARSE, ": variable S (2x2 char array) is not a numeric matrix"},
    {BAD "mat-3d.mat", LRS_EPARSE,
     ": variable T (2x2x2 double) has 3 dimensions; expected a 2-D matrix"},
    {BAD "mat-nonsquare.mat", LRS_EPARSE, ": matrix is 2x3 (2 rows, 3 columns); expected square"},
    /* sparse parts sized past their element, or past what nzmax allows:
     * matio would allocate them blindly */
    {BAD "mat-sparse-jc-huge.mat", LRS_EPARSE,
     ": variable #1: part 'column starts' of 805306368 bytes runs past the end of its matrix "
     "element (128 bytes); corrupt file"},
    {BAD "mat-sparse-nzmax-lie.mat", LRS_EPARSE,
     ": variable #1: part 'row indices' of 16 bytes is more than a sparse matrix of 3 columns "
     "and nzmax 1 can hold (8); corrupt file"},
    {BAD "mat-v4-sparse-huge.mat", LRS_ELIMIT,
     ": variable #1: v4 sparse matrix of 1e+09x6; sizes must be whole numbers up to --max-n "
     "20000"},
    {BAD "hdf5-plain.h5", LRS_EPARSE,
     ": HDF5 file without a MATLAB header (a MATLAB v7.3 file starts with 'MATLAB 7.3 "
     "MAT-file'); read it with h5py, not a matrix lrs reads"},
    /* gzip */
    {BAD "gz-truncated.mtx.gz", LRS_EPARSE,
     ": gzip stream is truncated (it ends in the middle of the data)"},
    {BAD "gz-not-gzip.mtx.gz", LRS_EPARSE,
     ": named like gzip data but it is not: bad magic bytes ('%%Matr')"},
    /* graphs */
    {BAD "graphml-string-weight.graphml", LRS_EPARSE,
     ": edge attribute 'weight' is a string, not numeric"},
    {BAD "graphml-truncated.graphml", LRS_EPARSE,
     ":13:1: not a readable GraphML graph: Line 13: Opening and ending tag mismatch: node line "
     "12 and nod"},
    {BAD "gml-syntax.gml", LRS_EPARSE,
     ":4:1: not a readable GML graph: Parse error in GML file, line 4 (syntax error, unexpected "
     "], expecting string or number or [)"},
};

/* Bad inputs under an option: --max-n, --var or --weight-attr. */
typedef struct {
    const char *file;
    size_t max_n;
    const char *var, *weight_attr;
    int code;
    const char *tail;
} bad_opt_t;

static const bad_opt_t bad_opt[] = {
    {BAD "npz-two.npz", 0, "J", NULL, LRS_EPARSE,
     ": no array 'J' in the archive; it has: Z.npy (3, 3) float64, K.npy (2, 2) int64"},
    {FMT "dir_w.npz", 4, NULL, NULL, LRS_ELIMIT,
     "[W.npy]:1:11: matrix of 5x5 is larger than --max-n 4 ('(5, 5)')"},
    {BAD "npz-bomb.npz", 4, NULL, NULL, LRS_ELIMIT,
     ": zip member 'Z.npy' expands to 4194246 bytes, past 1049600 (the limit for --max-n 4); "
     "refused"},
    {FMT "dir_01.v73.mat", 4, NULL, NULL, LRS_ELIMIT, ": matrix of 6x6 is larger than --max-n 4"},
    {FMT "dir_w.mat", 0, "J", NULL, LRS_EPARSE,
     ": no variable 'J' in the file; it has: W (5x5 double), dt (1x1 double)"},
    {FMT "dir_01.mat", 4, NULL, NULL, LRS_ELIMIT, ": matrix of 6x6 is larger than --max-n 4"},
    {BAD "gz-bomb.csv.gz", 4, NULL, NULL, LRS_ELIMIT,
     ": gzip data expands past 1049600 bytes (the limit for --max-n 4); refused"},
    {FMT "dir_w.graphml", 0, NULL, "capacity", LRS_EPARSE,
     ": no edge attribute 'capacity'; the edges have: weight"},
    {BAD "pajek-too-many.net", 1000, NULL, NULL, LRS_ELIMIT,
     ":1:11: graph declares 100000 nodes, more than --max-n 1000 ('100000')"},
    {FMT "undir_01.graphml", 4, NULL, NULL, LRS_ELIMIT, ": matrix of 6x6 is larger than --max-n 4"},
};

static void check_bad(const char *file, const lrs_io_read_opts_t *o, int code, const char *tail)
{
    gsl_matrix *W = (gsl_matrix *)1;
    lrs_err_t e;
    size_t n = strlen(file);
    int rc = lrs_io_read_matrix(file, o, &W, NULL, &e);
    CHECK(rc == code && W == NULL && strncmp(e.msg, file, n) == 0 && strcmp(e.msg + n, tail) == 0,
          "%s: status %d (want %d), message\n  '%s'\nwant\n  '%s%s'", file, rc, code, e.msg,
          file, tail);
}

static void test_bad_inputs(void)
{
    size_t k;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        lrs_io_read_opts_t o = lrs_io_read_opts_default();
        check_bad(bad[k].file, &o, bad[k].code, bad[k].tail);
    }
    for (k = 0; k < sizeof bad_opt / sizeof bad_opt[0]; k++) {
        lrs_io_read_opts_t o = lrs_io_read_opts_default();
        if (bad_opt[k].max_n)
            o.max_n = bad_opt[k].max_n;
        o.var = bad_opt[k].var;
        o.weight_attr = bad_opt[k].weight_attr;
        check_bad(bad_opt[k].file, &o, bad_opt[k].code, bad_opt[k].tail);
    }
}

int main(void)
{
    RUN(test_every_format_same_answer);
    RUN(test_detection_and_info);
    RUN(test_gzip_stdin);
    RUN(test_mat_large_sparse);
    RUN(test_npy_roundtrip);
    RUN(test_bad_inputs);
    return harness_summary();
}
