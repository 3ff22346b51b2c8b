/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * analyze.h -- private header of lrs-analyze (the files of this folder).
 *
 *   main.c       the command table, exit codes, signals, error reporting
 *   args.c       the option table (one setter per option) and --help
 *   load.c       reading the matrix and the transforms (--scale, --normalize,
 *                --model sis), the "# input" header lines
 *   output.c     in-memory blocks, the TSV / gnuplot output, atomic write,
 *                the verdict lines of both report paths (verdicts.h)
 *   cmd_matrix.c svals, eig, ranks, overlap
 *   cmd_report.c report
 *   cmd_theory.c spectrum
 *   cmd_dynamics.c simulate, response
 *   cmd_sparse.c  --sparse: the SLEPc/PETSc path (its own entry, cmd_sparse.h)
 */
#ifndef LRS_ANALYZE_H
#define LRS_ANALYZE_H

#include <signal.h>
#include <stdio.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "lrs/common.h"
#include "lrs/io.h"
#include "lrs/linear.h"
#include "lrs/ranks.h"
#include "lrs/sim.h"
#include "verdicts.h"

#define PROG "lrs-analyze"
#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_INTR 130

/* Set by SIGINT/SIGTERM in the runs that poll it (simulations, SIS relaxation). */
extern volatile sig_atomic_t g_stop;

/* Bit of each subcommand in an option's `mask` (which subcommands take it). */
enum {
    S_REPORT = 1 << 0,
    S_SVALS = 1 << 1,
    S_EIG = 1 << 2,
    S_RANKS = 1 << 3,
    S_OVERLAP = 1 << 4,
    S_SPECTRUM = 1 << 5,
    S_SIMULATE = 1 << 6,
    S_RESPONSE = 1 << 7,
    S_ALL = 0xff
};

/* --direction of `response`: the aligned input direction. */
typedef enum direction {
    DIR_U,  /* top left singular vector of W */
    DIR_V,  /* top right singular vector of W */
    DIR_OPT /* top left singular vector of I - W: the most suppressed input */
} direction_t;

struct ctx;

/* Flags of a subcommand. */
enum {
    CMD_TEXT = 1 << 0,         /* primary block is text: kept as comments in --gnuplot output */
    CMD_INTERRUPTIBLE = 1 << 1 /* polls g_stop: the first Ctrl-C stops it cleanly */
};

/* One subcommand.  The command table in main.c holds the only copy of each name. */
typedef struct cmd {
    const char *name;
    int (*run)(struct ctx *c);
    int mask;  /* S_* bit, matched against the options' masks */
    int flags; /* CMD_* */
    const char *summary;
    const char *help;
} cmd_t;

extern const cmd_t analyze_cmds[];
extern const size_t analyze_ncmds;
const cmd_t *analyze_find_cmd(const char *name);

typedef struct opts {
    const cmd_t *sub;
    const char *file;
    lrs_io_read_opts_t rd;
    double scale;
    int have_scale, normalize, transpose;
    int sparse; /* --sparse: handled by lrs_analyze_sparse before parsing */
    int sis;
    double coupling;
    long rank;
    double sigmax, T, dt, tau, taux, discard, amp;
    int have_discard;
    int exact; /* spectrum --exact */
    int float32; /* simulate, response --float32 */
    unsigned long seed;
    lrs_sim_transfer_t f;
    direction_t direction;
    int trace;
    const char *out, *png;
    int gnuplot;
    int sub_given;
    char given[1024]; /* the options as given, for the header */
} opts_t;

/* Everything goes to memory first.  blk[0] is the primary data block (the
 * TSV printed without --gnuplot); further blocks only feed plots.  hdr holds
 * the '#' header lines, gp the gnuplot commands. */
#define NBLK 6
typedef struct mem {
    FILE *fp;
    char *buf;
    size_t len;
} mem_t;

typedef struct ctx {
    opts_t *o;
    lrs_io_read_info_t info;
    gsl_matrix *M;    /* the matrix analysed: W, or the SIS Jacobian J */
    gsl_matrix *Wd;   /* W of the linear dynamics: M, or I + J */
    const char *mname;
    double shift;     /* eig(Wd) = eig(M) + shift */
    double factor;    /* total factor applied to the matrix read (--scale, --normalize) */
    lrs_linear_t *lin;  /* Wd prepared once: I - Wd, theory 1, solves */
    lrs_linear_t *linM; /* M prepared once: eigenvalues, SVD, overlap (lin when M = Wd) */
    char what[512];   /* "# matrix:" line */
    mem_t hdr, gp, blk[NBLK];
    const char *blkname[NBLK];
    int nblk;
    lrs_err_t err;
} ctx_t;

/* args.c */
int analyze_parse_args(int argc, char **argv, opts_t *o);

/* load.c */
int analyze_load(ctx_t *c);

/* output.c */
int mem_open(mem_t *m);
void mem_close(mem_t *m);
FILE *analyze_block(ctx_t *c, const char *name);
int analyze_emit(ctx_t *c);
int analyze_fail(ctx_t *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void analyze_unstable_advice(const ctx_t *c, double re, char *buf, size_t n);
int analyze_require_stable(ctx_t *c, const char *what, double *re_out);
size_t analyze_default_rank(const lrs_ranks_t *rk, long want, size_t N);
void analyze_print_rows(FILE *fp, const gsl_vector *v);
void analyze_print_overlap(FILE *d, const gsl_matrix *P, const gsl_vector *sP, const char *mname);
void analyze_to_percent(gsl_vector *v);

/* the subcommands */
int cmd_svals(ctx_t *c);
int cmd_eig(ctx_t *c);
int cmd_ranks(ctx_t *c);
int cmd_overlap(ctx_t *c);
int cmd_spectrum(ctx_t *c);
int cmd_report(ctx_t *c);
int cmd_simulate(ctx_t *c);
int cmd_response(ctx_t *c);

#endif
