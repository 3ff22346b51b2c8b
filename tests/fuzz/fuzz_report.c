/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_report.c -- libFuzzer target: the whole `lrs-analyze report` path
 * (reader, transforms, SVD, eigenvalues, ranks, overlap, theory, verdicts,
 * output) on small matrices.  The files of src/tools/lrs-analyze/ are compiled
 * with -Dmain=lrs_analyze_main and called with an argv on a temporary file:
 *     lrs-analyze report FILE --max-n 40 [options]
 * Input: [options byte][file].  Options: bits 0-2 the file's extension
 * (.csv .txt .edges .mtx .npy none .tsv .el: auto-detection sees it);
 * bit 3 --normalize; bit 4 --undirected; bit 5 --model sis --coupling 0.5;
 * bit 6 --scale -2; bit 7 --gnuplot.
 * Oracle: exit status 0 or 1 (never a crash, a sanitizer report, a leak, a
 * usage error or 130), and nothing on stdout when the status is 1 (no
 * partial output).  stdout goes to a temporary file that is checked
 * and emptied after each run.  The tool's error messages on stderr are
 * silenced by running with -close_fd_mask=3 (tests/fuzz/run.sh does):
 * libFuzzer then sends its own output and the sanitizer reports to a copy of
 * stderr, and so does this oracle (oracle_fd, taken before the close).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lrs_analyze_main(int argc, char **argv);

static const char *const ext[8] = {".csv", ".txt", ".edges", ".mtx", ".npy", "", ".tsv", ".el"};
static char dir[64];
static int out_fd = -1, oracle_fd = 2;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    oracle_fd = dup(2);
    if (oracle_fd < 0)
        oracle_fd = 2;
    return 0;
}

static void setup(void)
{
    char path[96];
    snprintf(dir, sizeof dir, "/tmp/lrs-fuzz-report.%ld", (long)getpid());
    if (mkdir(dir, 0700) != 0) {
        perror(dir);
        abort();
    }
    snprintf(path, sizeof path, "%s/stdout", dir);
    out_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (out_fd < 0 || dup2(out_fd, STDOUT_FILENO) < 0) {
        perror(path);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    char *argv[16];
    int argc = 0, st;
    unsigned f;
    FILE *fp;
    struct stat sb;
    if (size < 1)
        return 0;
    if (out_fd < 0)
        setup();
    f = data[0];
    snprintf(path, sizeof path, "%s/in%s", dir, ext[f & 7]);
    fp = fopen(path, "wb");
    if (!fp || fwrite(data + 1, 1, size - 1, fp) != size - 1 || fclose(fp) != 0) {
        perror(path);
        abort();
    }
    argv[argc++] = "lrs-analyze";
    argv[argc++] = "report";
    argv[argc++] = path;
    argv[argc++] = "--max-n";
    argv[argc++] = "40";
    if (f & 8)
        argv[argc++] = "--normalize";
    if (f & 16)
        argv[argc++] = "--undirected";
    if (f & 32) {
        argv[argc++] = "--model";
        argv[argc++] = "sis";
        argv[argc++] = "--coupling";
        argv[argc++] = "0.5";
    }
    if (f & 64) {
        argv[argc++] = "--scale";
        argv[argc++] = "-2";
    }
    if (f & 128)
        argv[argc++] = "--gnuplot";
    argv[argc] = NULL;
    st = lrs_analyze_main(argc, argv);
    fflush(stdout);
    if (st != 0 && st != 1) {
        dprintf(oracle_fd, "fuzz oracle: lrs-analyze report exited %d (want 0 or 1)\n", st);
        abort();
    }
    if (fstat(out_fd, &sb) != 0) {
        perror("fstat");
        abort();
    }
    if (st == 1 && sb.st_size != 0) {
        dprintf(oracle_fd, "fuzz oracle: status 1 but %lld bytes on stdout\n",
                (long long)sb.st_size);
        abort();
    }
    if (ftruncate(out_fd, 0) != 0) {
        perror("ftruncate");
        abort();
    }
    unlink(path);
    return 0;
}
