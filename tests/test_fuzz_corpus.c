/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_fuzz_corpus.c -- replays the committed fuzz corpus of the reader
 * targets (tests/fuzz/corpus/{dense,edges,mtx,npy,npz,mat,gzip,graph}/, seeds and the inputs of
 * past findings) through the same oracle as the fuzzers (tests/fuzz/
 * fuzz_common.h: message format, *out NULL on failure, shape and finiteness
 * on success, dense-text round trip), with the gcc build of `make test`, the
 * ASan build of `make SAN=1 test` and valgrind (`make test-valgrind`).
 * Run from the repository root (tests/run.sh does).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

/* An oracle failure is a failed CHECK of the current test, not an abort. */
#define FUZZ_FAIL(...)                                                          \
    do {                                                                       \
        CHECK(0, __VA_ARGS__);                                                 \
        return;                                                                \
    } while (0)

#define LLVMFuzzerTestOneInput fuzz_dense_input
#include "fuzz/fuzz_dense.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_edges_input
#include "fuzz/fuzz_edges.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_mtx_input
#include "fuzz/fuzz_mtx.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_npy_input
#include "fuzz/fuzz_npy.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_npz_input
#include "fuzz/fuzz_npz.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_mat_input
#include "fuzz/fuzz_mat.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_gzip_input
#include "fuzz/fuzz_gzip.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_graph_input
#include "fuzz/fuzz_graph.c"
#undef LLVMFuzzerTestOneInput

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run fn on every file of tests/fuzz/corpus/<target>/ (sorted); at least
 * `min_files` must be there. */
static void replay(const char *target, int (*fn)(const uint8_t *, size_t), size_t min_files)
{
    char dirpath[256], path[512];
    char **names = NULL;
    size_t n = 0, cap = 0, k;
    DIR *d;
    struct dirent *de;
    snprintf(dirpath, sizeof dirpath, "tests/fuzz/corpus/%s", target);
    d = opendir(dirpath);
    CHECK(d != NULL, "cannot open %s (run from the repository root)", dirpath);
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    CHECK(n >= min_files, "%s: %zu corpus files, expected at least %zu", dirpath, n, min_files);
    for (k = 0; k < n; k++) {
        FILE *fp;
        uint8_t *buf = NULL;
        long len;
        snprintf(path, sizeof path, "%s/%s", dirpath, names[k]);
        fp = fopen(path, "rb");
        CHECK(fp != NULL, "cannot open %s", path);
        if (fp && fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
            fseek(fp, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)len + 1);
            if (buf && fread(buf, 1, (size_t)len, fp) == (size_t)len) {
                int before = harness_cur_failed;
                fn(buf, (size_t)len);
                if (harness_cur_failed && !before)
                    printf("# oracle failed on %s\n", path);
            }
            free(buf);
        }
        if (fp)
            fclose(fp);
        free(names[k]);
    }
    free(names);
    printf("# %s: %zu inputs replayed\n", target, n);
}

static void test_fuzz_corpus_dense(void) { replay("dense", fuzz_dense_input, 10); }
static void test_fuzz_corpus_edges(void) { replay("edges", fuzz_edges_input, 10); }
static void test_fuzz_corpus_mtx(void) { replay("mtx", fuzz_mtx_input, 10); }
static void test_fuzz_corpus_npy(void) { replay("npy", fuzz_npy_input, 10); }
static void test_fuzz_corpus_npz(void) { replay("npz", fuzz_npz_input, 9); }
static void test_fuzz_corpus_mat(void) { replay("mat", fuzz_mat_input, 8); }
static void test_fuzz_corpus_gzip(void) { replay("gzip", fuzz_gzip_input, 6); }
static void test_fuzz_corpus_graph(void) { replay("graph", fuzz_graph_input, 12); }

int main(void)
{
    RUN(test_fuzz_corpus_dense);
    RUN(test_fuzz_corpus_edges);
    RUN(test_fuzz_corpus_mtx);
    RUN(test_fuzz_corpus_npy);
    RUN(test_fuzz_corpus_npz);
    RUN(test_fuzz_corpus_mat);
    RUN(test_fuzz_corpus_gzip);
    RUN(test_fuzz_corpus_graph);
    return harness_summary();
}
