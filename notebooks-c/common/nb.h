/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nb.h -- plumbing shared by the figure notebooks (notebooks-c/fig*.c).
 *
 * Keeps the notebooks about the science: command-line options, results
 * written atomically (every output goes to a temporary file that is renamed
 * into place only when the whole program succeeds, so an interrupted run
 * never leaves a truncated TSV behind), Ctrl-C handling, the summary block
 * and a progress line on stderr.
 */
#ifndef LRS_NB_H
#define LRS_NB_H

#include <signal.h>
#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "lrs/common.h"
#include "lrs/io.h"
#include "lrs/observe.h"

typedef struct nb_args {
    const char *name;     /* figure name, e.g. "fig1" */
    unsigned long seed;   /* --seed S */
    int fast;             /* --fast: shorter runs for smoke tests */
    int euler;            /* --euler: linear noise runs by forward Euler, the paper's
                             scheme (default: the exact integrator) */
    int jobs;             /* --jobs J: independent runs in parallel (default 2) */
    const char *data;     /* --data PATH (figure 6) */
    int synthetic;        /* --synthetic: figure 6 on its synthetic network */
    const char *outdir;   /* --out DIR (default results/<name>) */
} nb_args_t;

/* Set by SIGINT/SIGTERM; pass &nb_stop as lrs_sim_params_t.stop. */
extern volatile sig_atomic_t nb_stop;

/* Parse the common options (prints usage and exits on --help or a bad
 * option), create the output folder, install the signal handlers, start the
 * wall clock and make per-step BLAS single-threaded.  `about` is one line
 * describing the figure for --help. */
void nb_init(nb_args_t *a, const char *name, const char *about,
             unsigned long default_seed, int argc, char **argv);

/* A seeded GSL generator (mt19937).  Stream k of a figure uses seed + k so
 * the runs of a figure are independent and reproducible. */
gsl_rng *nb_rng(unsigned long seed);

/* Open results/<name>/<file> for writing (really a temporary file beside it)
 * and write the standard header: "# <title>", "# figure <name>  seed <S>  ...",
 * then "# " + `columns` (tab-separated column names).  Extra parameter lines
 * can be written with fprintf(fp, "# ...\n") before the data. */
FILE *nb_tsv(const nb_args_t *a, const char *file, const char *title,
             const char *columns);

/* Record a parameter of the figure: every TSV opened afterwards carries the
 * header line "# parameters <key> <value>  <key> <value> ..." (spaces in a
 * value become '_'), which the gnuplot scripts read, so that a constant
 * changed in the program changes the figure's text.  The authors' printed
 * numbers go there too, as paper_<key>.  Call before the first nb_tsv. */
void nb_param(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write a vector as rows "k<TAB>v[k]" (k from 1) or "k<TAB>v1<TAB>v2" for
 * several vectors of the same length (NULL-terminated list). */
void nb_write_columns(FILE *fp, const gsl_vector *first, ...);
/* Write a matrix as TSV rows. */
void nb_write_matrix(FILE *fp, const gsl_matrix *M);
/* Traces of nu units in long format, one block per unit (a line "# unit
 * <k>" first if unit_headers; a blank line after), so that gnuplot draws
 * every trace in one pass: lines "t_n<TAB>Z[n ldz + i]", t with tfmt and
 * the values with "%.6g", for the n < nt that lrs_io_simplify keeps at a
 * tolerance of 1e-5 of the range of all the values (a comment line before
 * the data says so): no drawn line moves by more than a few thousandths
 * of a pixel (the rasteriser's anti-aliasing of one long segment and of
 * many short ones differs slightly where hundreds of traces overlap), and
 * smooth responses need a fraction of the points (Figure 6: 163 500 ->
 * 19 000; a chaotic network's traces keep most of theirs).  The nt
 * times are formatted once, not once per unit (the same text). */
void nb_write_traces(FILE *fp, size_t nt, const double *t, size_t nu, const double *Z, size_t ldz,
                     int unit_headers, const char *tfmt);

/* Summary block: printed to stdout and saved to results/<name>/summary.txt. */
void nb_summary(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nb_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress observer: a line on stderr ("fig1: noise run 42%") refreshed
 * while a run lasts longer than two seconds, only when stderr is a terminal. */
typedef struct nb_progress {
    const char *label;
    size_t total;
    double t_start, last;
    int shown;
} nb_progress_t;
lrs_observer_t nb_progress_observer(nb_progress_t *p, const char *label,
                                    size_t total_steps);
void nb_progress_done(nb_progress_t *p);

/* Report a library error and exit(1) (temporaries are removed, old results
 * stay).  Interrupts (LRS_EINTR) exit 130 with "interrupted".  Safe from
 * nb_parallel's threads (the first caller ends the program), as is nb_tsv. */
void nb_die(const lrs_err_t *err, const char *what) __attribute__((noreturn));
/* Check an lrs call: on failure nb_die. */
#define NB_TRY(call, errp)                                                     \
    do {                                                                       \
        if ((call) != 0)                                                       \
            nb_die((errp), #call);                                             \
    } while (0)

/* Finish: print wall_seconds, close every nb_tsv file and rename them all
 * into place, write summary.txt.  Returns 0 (the exit status for main). */
int nb_finish(void);

/* Run fn(ctx_i) for i in [0, n) on up to `jobs` threads (independent runs;
 * each must use its own RNG and workspaces).  Returns the first non-zero
 * result. */
int nb_parallel(int jobs, size_t n, int (*fn)(void *ctx), void **ctx);

/* Observers on a second thread: nb_async_start(inner, n) starts a worker;
 * its observer (nb_async_observer) copies each block (Z, X, and R if an
 * inner observer needs it) and hands the copy to the worker, which runs the
 * inner observers on it while the run computes the next block (one block in
 * flight).  For observers whose work is comparable to the run's own, e.g.
 * N x N covariances beside a cheap sparse step.  nb_async_finish waits for
 * the last block, frees the worker and returns the inner observers' first
 * error (also reported to the run one block late).  The inner array must
 * outlive the run. */
typedef struct nb_async nb_async_t;
nb_async_t *nb_async_start(const lrs_observer_t *inner, size_t ninner);
lrs_observer_t nb_async_observer(nb_async_t *as);
int nb_async_finish(nb_async_t *as, lrs_err_t *err);

#endif
