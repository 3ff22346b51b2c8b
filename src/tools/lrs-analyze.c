/*
 * lrs-analyze -- is a network low-rank, and will dynamics on it be
 * high-dimensional with low-rank suppression?  (issue 5; PAPER.md s.4, s.6)
 *
 *   lrs-analyze [SUBCOMMAND] FILE [OPTIONS]
 *
 * Reads a connectivity matrix (dense text, edge list, Matrix Market, .npy or
 * "-" for standard input; lrs/io.h), applies --scale, --normalize and
 * --model sis in that order, and prints TSV (or, with --gnuplot, a complete
 * gnuplot script with the data inline).  Output is assembled in memory and
 * written only when everything succeeded (to stdout, or to -o FILE through a
 * temporary file renamed into place), so an error never leaves partial
 * output.  Exit status: 0 success, 1 bad data or a failed analysis, 2 bad
 * usage, 130 interrupted.
 *
 * Linear dynamics analysed (PAPER.md s.2, s.4):  tau dz/dt = -z + W z + x(t),
 * with W the matrix read (or W = I + J for the SIS Jacobian J, so that the
 * linearised epidemic reads dz/dt = J z + x).  Theory 1: the k-th PC variance
 * of z is sigma_x^2 / sigma_{N+1-k}(I - W)^2.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lrs/common.h"
#include "lrs/connectivity.h"
#include "lrs/epidemic.h"
#include "lrs/exact.h"
#include "lrs/io.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/pca.h"
#include "lrs/perturb.h"
#include "lrs/ranks.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"
#include "lrs/theory.h"

#define PROG "lrs-analyze"
#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_INTR 130

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* ------------------------------------------------------------------ subcommands */

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

typedef struct sub {
    const char *name;
    int mask;
    const char *about;
    const char *help;
} sub_t;

static const sub_t subs[] = {
    {"report", S_REPORT, "a human-readable summary with two verdicts (the default)",
     "Prints, one per line: size, format, density, symmetric?, normal? (relative\n"
     "commutator norm), the top singular values, the eight effective ranks, the\n"
     "eigenvalue of largest real part and the stability of tau dz/dt = -z + W z + x\n"
     "(with a suggested --scale if unstable), cond(I - W) (warning above 1e12), the\n"
     "overlap matrix P = U_r^T V_r of the top-r part and its singular values, and two\n"
     "verdicts from the predicted PC variances of z (theory 1, PAPER.md s.4):\n"
     "  low_rank_suppression  how far the smallest PC variance falls below the median\n"
     "  high_dimensional      how far the largest rises above the median\n"
     "Example:\n"
     "  lrs-analyze report contacts.csv --undirected --normalize\n"},
    {"svals", S_SVALS, "singular values of W, descending (index, sigma)",
     "Columns: index (from 1), sigma.\n"
     "Example:\n"
     "  lrs-analyze svals net.csv --gnuplot --png svals.png | gnuplot\n"
     "  gnuplot -p -e \"set logscale y; plot '< lrs-analyze svals net.csv' using 1:2\"\n"},
    {"eig", S_EIG, "eigenvalues of W by descending real part (index, real, imag)",
     "Columns: index, real, imag; sorted by descending real part.  The linear\n"
     "network is stable when every real part is below 1.\n"
     "Example:\n"
     "  lrs-analyze eig W.npy --gnuplot | gnuplot -p\n"},
    {"ranks", S_RANKS, "the eight effective ranks (name, value)",
     "One 'name<TAB>value' line each for rank (numerical), optimal_threshold\n"
     "(Gavish-Donoho 2014), optimal_shrinkage (Gavish-Donoho 2017), erank (Roy &\n"
     "Vetterli 2007), elbow, energy_ratio (90% of sum sigma^2), stable_rank and\n"
     "nuclear_rank (PAPER.md s.6, Thibeault et al. 2024).\n"
     "Example:\n"
     "  lrs-analyze ranks edges.txt --ids --base 1 --undirected\n"},
    {"overlap", S_OVERLAP, "overlap matrix P = U_r^T V_r of the top-r part and its singular values",
     "Prints the r x r matrix P = U_r^T V_r (U_r, V_r: top-r left/right singular\n"
     "vectors of W), then, after two blank lines, its singular values (index,\n"
     "sigma).  All near 1: EP-like low-rank part (high-dimensional responses); a\n"
     "small one: an amplified direction.  r: --rank, default the optimal-threshold\n"
     "rank, at most 10.\n"
     "Example:\n"
     "  lrs-analyze overlap W.mtx --rank 2\n"},
    {"spectrum", S_SPECTRUM, "predicted % variance explained of z (theory 1) and of x",
     "Columns: index, pct_z (theory 1: 100 var_k / sum var, var_k = sigma_x^2 /\n"
     "sigma_{N+1-k}(I - W)^2), pct_x (the iid input: 100/N each).  Needs a stable\n"
     "network (max Re eig(W) < 1).\n"
     "--exact adds pct_exact: the exact stationary covariance of tau dz/dt = -z + W z\n"
     "+ x for input of correlation time --taux (10) and time constant --tau (1)\n"
     "(lrs/exact.h; no quasi-static approximation; the route is in the header).\n"
     "Example:\n"
     "  lrs-analyze spectrum net.csv --scale 0.02 --gnuplot | gnuplot -p\n"
     "  lrs-analyze spectrum net.csv --exact --taux 2\n"},
    {"simulate", S_SIMULATE, "simulate the driven network; simulated vs predicted PC % variance",
     "Simulates tau dz/dt = -z + W f(z) + x(t) (forward Euler; x smooth Gaussian\n"
     "noise of variance sigma_x^2 and correlation time tau_x; z(0) = 0.1 randn),\n"
     "takes the PCA of z over t >= discard, and prints index, sim_pct (simulated\n"
     "% variance explained), theory_pct (theory 1, linear) and theory2_pct (theory 2:\n"
     "theory 1 with the run's own input covariance, which follows the finite sample).\n"
     "Parameters: --T (5000) --dt (0.01) --tau (1) --taux (10) --sigmax (1) --seed (1)\n"
     "--f identity|tanh|relu (identity) --discard (10 (tau + taux)).\n"
     "Example:\n"
     "  lrs-analyze simulate W.npy --T 1000 --f tanh --gnuplot --png sim.png | gnuplot\n"},
    {"response", S_RESPONSE, "aligned vs random step response ratio",
     "Step protocol of PAPER.md s.5: z(0) = 0.1/sqrt(N) randn, input amp*d on\n"
     "[15, 40) along the aligned direction d, then amp*u_rand on [55, 80) along a\n"
     "random unit vector, T = 100.  Prints aligned_response = ||z|| just before\n"
     "t = 40, random_response = ||z|| just before t = 80, their ratio\n"
     "(random/aligned; above 1: the aligned input is suppressed) and, for a linear\n"
     "network, the steady-state prediction ||(I-W)^-1 u_rand|| / ||(I-W)^-1 d||.\n"
     "d: --direction u (top left singular vector of W, default), v (top right) or\n"
     "opt (the most suppressed input: top left singular vector of I - W).\n"
     "--trace prints t and ||z|| instead (every 0.1 time units).\n"
     "Parameters: --amp (1) --dt (0.01) --tau (1) --seed (1) --f (identity).\n"
     "Example:\n"
     "  lrs-analyze response W.npy --direction opt\n"},
};
#define NSUBS (sizeof subs / sizeof subs[0])

/* ------------------------------------------------------------------ options */

typedef struct opts {
    const sub_t *sub;
    const char *file;
    lrs_io_read_opts_t rd;
    double scale;
    int have_scale, normalize, transpose;
    int sis;
    double coupling;
    long rank;
    double sigmax, T, dt, tau, taux, discard, amp;
    int have_discard;
    int exact; /* spectrum --exact */
    unsigned long seed;
    lrs_sim_transfer_t f;
    int direction; /* 0 u, 1 v, 2 opt */
    int trace;
    const char *out, *png;
    int gnuplot;
    int sub_given;
    char given[1024]; /* the options as given, for the header */
} opts_t;

typedef struct optdef {
    const char *name;
    int has_arg;
    int mask;
    const char *arg;
    const char *help;
} optdef_t;

static const optdef_t optdefs[] = {
    {"--format", 1, S_ALL, "F", "input format: auto, dense, edges, mtx, npy (default auto)"},
    {"--ids", 0, S_ALL, NULL, "edge list: integer node ids (default: names, numbered in order of appearance)"},
    {"--base", 1, S_ALL, "B", "edge list with --ids: first id, 0 or 1 (default 0)"},
    {"--nodes", 1, S_ALL, "N", "edge list with --ids: number of nodes (default largest id + 1 - base)"},
    {"--compact", 0, S_ALL, NULL, "edge list with --ids: drop ids that never occur"},
    {"--undirected", 0, S_ALL, NULL, "edge list: symmetrise (W_ij = W_ji)"},
    {"--max-n", 1, S_ALL, "N", "refuse matrices larger than N x N (default 20000)"},
    {"--transpose", 0, S_ALL, NULL, "use W^T (edge lists read W[src][dst]; this gives W[dst][src])"},
    {"--scale", 1, S_ALL, "S", "multiply W by S (first transform)"},
    {"--normalize", 0, S_ALL, NULL, "divide W by its largest singular value (second)"},
    {"--model", 1, S_ALL, "sis", "use the Jacobian J of the SIS epidemic model at its fixed point (third)"},
    {"--coupling", 1, S_ALL, "G", "SIS coupling gamma (default 3)"},
    {"--rank", 1, S_REPORT | S_OVERLAP, "R", "rank r of the overlap matrix (default optimal threshold, at most 10)"},
    {"--sigmax", 1, S_REPORT | S_SPECTRUM | S_SIMULATE, "X", "input standard deviation sigma_x (default 1)"},
    {"--T", 1, S_SIMULATE, "T", "simulated time (default 5000)"},
    {"--dt", 1, S_SIMULATE | S_RESPONSE, "DT", "Euler step (default 0.01)"},
    {"--tau", 1, S_SIMULATE | S_RESPONSE | S_SPECTRUM, "TAU", "time constant (default 1)"},
    {"--taux", 1, S_SIMULATE | S_SPECTRUM, "TX", "input correlation time tau_x (default 10)"},
    {"--exact", 0, S_SPECTRUM, NULL, "add the exact stationary covariance's % variance (pct_exact)"},
    {"--discard", 1, S_SIMULATE, "D", "PCA over t >= D (default 10 (tau + taux))"},
    {"--seed", 1, S_ALL, "S", "random seed of simulations and of the SIS start (default 1)"},
    {"--f", 1, S_SIMULATE | S_RESPONSE, "F", "transfer function identity, tanh or relu"},
    {"--amp", 1, S_RESPONSE, "A", "step amplitude c_x (default 1)"},
    {"--direction", 1, S_RESPONSE, "D", "aligned direction: u, v or opt (default u)"},
    {"--trace", 0, S_RESPONSE, NULL, "print t and ||z|| instead of the ratio"},
    {"-o", 1, S_ALL, "FILE", "write to FILE (atomically: temporary file, then rename)"},
    {"--gnuplot", 0, S_ALL, NULL, "print a gnuplot script with the data inline"},
    {"--png", 1, S_ALL, "FILE", "with --gnuplot: the script writes FILE (implies --gnuplot)"},
    {"--help", 0, S_ALL, NULL, "this help"},
};
#define NOPTS (sizeof optdefs / sizeof optdefs[0])

static void usage_general(FILE *fp)
{
    size_t k;
    fprintf(fp,
            "Usage: " PROG " [SUBCOMMAND] FILE [OPTIONS]\n"
            "Is a network low-rank, and will dynamics on it be high-dimensional, with\n"
            "low-rank suppression?  (Wan & Rosenbaum 2025; see man lrs-analyze)\n\n"
            "FILE: dense text (CSV/TSV/space, optional header and label column), edge\n"
            "list (src dst [weight]), Matrix Market .mtx, NumPy .npy, or - for stdin.\n\n"
            "Subcommands:\n");
    for (k = 0; k < NSUBS; k++)
        fprintf(fp, "  %-9s %s\n", subs[k].name, subs[k].about);
    fprintf(fp, "\nOptions (" PROG " SUBCOMMAND --help for each subcommand's):\n");
    for (k = 0; k < NOPTS; k++)
        if (optdefs[k].mask == S_ALL)
            fprintf(fp, "  %-12s %-5s %s\n", optdefs[k].name,
                    optdefs[k].arg ? optdefs[k].arg : "", optdefs[k].help);
    fprintf(fp,
            "\nOutput: TSV with '#' comment lines first (title, input, shape, options,\n"
            "column names); --gnuplot prints a gnuplot script instead.\n"
            "Exit status: 0 ok, 1 bad data or failed analysis, 2 bad usage.\n\n"
            "Examples:\n"
            "  " PROG " contacts.csv --undirected\n"
            "  " PROG " svals W.npy --gnuplot --png svals.png | gnuplot\n"
            "  " PROG " ranks edges.txt --ids --base 1\n");
}

static void usage_sub(FILE *fp, const sub_t *s)
{
    size_t k;
    fprintf(fp, "Usage: " PROG " %s FILE [OPTIONS]\n%s: %s.\n\n%s\nOptions:\n", s->name,
            s->name, s->about, s->help);
    for (k = 0; k < NOPTS; k++)
        if ((optdefs[k].mask & s->mask) && optdefs[k].mask != S_ALL)
            fprintf(fp, "  %-12s %-5s %s\n", optdefs[k].name,
                    optdefs[k].arg ? optdefs[k].arg : "", optdefs[k].help);
    fprintf(fp, "  (and the input/output options of " PROG " --help)\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, PROG ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see " PROG " --help)\n");
    return EXIT_USAGE;
}

static int num_arg(const char *name, const char *val, double *out, double lo, int lo_open)
{
    lrs_err_t e;
    if (lrs_io_parse_double(val, strlen(val), out, &e))
        return usage_error("bad value for %s: %s", name, e.msg);
    if (lo_open ? !(*out > lo) : !(*out >= lo))
        return usage_error("bad value for %s: %s ('%s')", name,
                           lo_open ? (lo == 0 ? "must be positive" : "out of range")
                                   : (lo == 0 ? "must be non-negative" : "out of range"),
                           val);
    return 0;
}

static int int_arg(const char *name, const char *val, long long *out, long long lo,
                   long long hi)
{
    lrs_err_t e;
    if (lrs_io_parse_long(val, strlen(val), out, &e))
        return usage_error("bad value for %s: %s", name, e.msg);
    if (*out < lo || *out > hi)
        return usage_error("bad value for %s: must be between %lld and %lld ('%s')", name, lo,
                           hi, val);
    return 0;
}

static const sub_t *find_sub(const char *name)
{
    size_t k;
    for (k = 0; k < NSUBS; k++)
        if (strcmp(subs[k].name, name) == 0)
            return &subs[k];
    return NULL;
}

static void given_append(opts_t *o, const char *s)
{
    size_t n = strlen(o->given);
    if (n + strlen(s) + 2 < sizeof o->given)
        snprintf(o->given + n, sizeof o->given - n, "%s%s", n ? " " : "", s);
}

/* Returns -1 to continue, or an exit status (0 after --help). */
static int parse_args(int argc, char **argv, opts_t *o)
{
    int i, help = 0;
    const optdef_t *used[128];
    size_t nused = 0, k;
    memset(o, 0, sizeof *o);
    o->rd = lrs_io_read_opts_default();
    o->scale = 1.0;
    o->coupling = 3.0;
    o->rank = 0;
    o->sigmax = 1.0;
    o->T = 5000;
    o->dt = 0.01;
    o->tau = 1.0;
    o->taux = 10.0;
    o->amp = 1.0;
    o->seed = 1;
    o->f = LRS_F_IDENTITY;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL, *eq;
        char name[64];
        const optdef_t *d = NULL;
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            const sub_t *s = (!o->sub && !o->file) ? find_sub(a) : NULL;
            if (s) {
                o->sub = s;
                o->sub_given = 1;
            } else if (!o->file) {
                o->file = a;
            } else if (!o->sub_given && find_sub(a)) {
                return usage_error("the subcommand comes first: " PROG " %s %s", a, o->file);
            } else if (!o->sub_given && strcmp(o->file, "-") != 0 && access(o->file, F_OK) != 0) {
                return usage_error("unknown subcommand '%s' (expected report, svals, eig, ranks, "
                                   "overlap, spectrum, simulate or response)", o->file);
            } else {
                return usage_error("unexpected argument '%s' (the input is '%s')", a, o->file);
            }
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help = 1;
            continue;
        }
        eq = strchr(a, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
        for (k = 0; k < NOPTS; k++)
            if (strcmp(optdefs[k].name, name) == 0)
                d = &optdefs[k];
        if (!d)
            return usage_error("unknown option '%s'", name);
        if (d->has_arg) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return usage_error("option %s needs a value (%s)", name, d->arg);
        } else if (eq) {
            return usage_error("option %s takes no value ('%s')", name, a);
        }
        given_append(o, name);
        if (val)
            given_append(o, val);
        if (strcmp(name, "--format") == 0) {
            lrs_err_t e;
            if (lrs_io_format_parse(val, &o->rd.format, &e))
                return usage_error("bad value for --format: %s", e.msg);
        } else if (strcmp(name, "--ids") == 0) {
            o->rd.ids = 1;
        } else if (strcmp(name, "--base") == 0) {
            long long b;
            if (int_arg(name, val, &b, 0, 1))
                return EXIT_USAGE;
            o->rd.base = (int)b;
        } else if (strcmp(name, "--nodes") == 0) {
            long long n;
            if (int_arg(name, val, &n, 1, 2000000000LL))
                return EXIT_USAGE;
            o->rd.nodes = (size_t)n;
        } else if (strcmp(name, "--compact") == 0) {
            o->rd.compact = 1;
        } else if (strcmp(name, "--undirected") == 0) {
            o->rd.undirected = 1;
        } else if (strcmp(name, "--max-n") == 0) {
            long long n;
            if (int_arg(name, val, &n, 1, 2000000000LL))
                return EXIT_USAGE;
            o->rd.max_n = (size_t)n;
        } else if (strcmp(name, "--transpose") == 0) {
            o->transpose = 1;
        } else if (strcmp(name, "--scale") == 0) {
            if (num_arg(name, val, &o->scale, -INFINITY, 0))
                return EXIT_USAGE;
            if (o->scale == 0)
                return usage_error("bad value for --scale: must be non-zero ('%s')", val);
            o->have_scale = 1;
        } else if (strcmp(name, "--normalize") == 0) {
            o->normalize = 1;
        } else if (strcmp(name, "--model") == 0) {
            if (strcmp(val, "sis") != 0)
                return usage_error("bad value for --model: expected 'sis' ('%s')", val);
            o->sis = 1;
        } else if (strcmp(name, "--coupling") == 0) {
            if (num_arg(name, val, &o->coupling, 0, 1))
                return EXIT_USAGE;
        } else if (strcmp(name, "--rank") == 0) {
            long long r;
            if (int_arg(name, val, &r, 1, 1000000))
                return EXIT_USAGE;
            o->rank = (long)r;
        } else if (strcmp(name, "--sigmax") == 0) {
            if (num_arg(name, val, &o->sigmax, 0, 1))
                return EXIT_USAGE;
        } else if (strcmp(name, "--T") == 0) {
            if (num_arg(name, val, &o->T, 0, 1))
                return EXIT_USAGE;
        } else if (strcmp(name, "--dt") == 0) {
            if (num_arg(name, val, &o->dt, 0, 1))
                return EXIT_USAGE;
        } else if (strcmp(name, "--tau") == 0) {
            if (num_arg(name, val, &o->tau, 0, 1))
                return EXIT_USAGE;
        } else if (strcmp(name, "--taux") == 0) {
            if (num_arg(name, val, &o->taux, 0, 1))
                return EXIT_USAGE;
        } else if (strcmp(name, "--exact") == 0) {
            o->exact = 1;
        } else if (strcmp(name, "--discard") == 0) {
            if (num_arg(name, val, &o->discard, 0, 0))
                return EXIT_USAGE;
            o->have_discard = 1;
        } else if (strcmp(name, "--seed") == 0) {
            long long s;
            if (int_arg(name, val, &s, 0, 4294967295LL))
                return EXIT_USAGE;
            o->seed = (unsigned long)s;
        } else if (strcmp(name, "--f") == 0) {
            lrs_err_t e;
            if (lrs_sim_transfer_parse(val, &o->f, &e))
                return usage_error("bad value for --f: expected identity, tanh or relu ('%s')",
                                   val);
        } else if (strcmp(name, "--amp") == 0) {
            if (num_arg(name, val, &o->amp, -INFINITY, 0))
                return EXIT_USAGE;
        } else if (strcmp(name, "--direction") == 0) {
            if (strcmp(val, "u") == 0)
                o->direction = 0;
            else if (strcmp(val, "v") == 0)
                o->direction = 1;
            else if (strcmp(val, "opt") == 0)
                o->direction = 2;
            else
                return usage_error("bad value for --direction: expected u, v or opt ('%s')", val);
        } else if (strcmp(name, "--trace") == 0) {
            o->trace = 1;
        } else if (strcmp(name, "-o") == 0) {
            o->out = val;
        } else if (strcmp(name, "--gnuplot") == 0) {
            o->gnuplot = 1;
        } else if (strcmp(name, "--png") == 0) {
            o->png = val;
            o->gnuplot = 1;
        }
        if (nused < sizeof used / sizeof used[0])
            used[nused++] = d;
    }
    if (!o->sub)
        o->sub = &subs[0];
    if (help) {
        if (o->sub_given)
            usage_sub(stdout, o->sub);
        else
            usage_general(stdout);
        return 0;
    }
    for (k = 0; k < nused; k++)
        if (!(used[k]->mask & o->sub->mask))
            return usage_error("option %s does not apply to '%s'", used[k]->name, o->sub->name);
    if (!o->file)
        return usage_error("no input file given");
    return -1;
}

/* ------------------------------------------------------------------ output
 * Everything goes to memory first.  blk[0] is the primary data block (the
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
    char what[512];   /* "# matrix:" line */
    mem_t hdr, gp, blk[NBLK];
    const char *blkname[NBLK];
    int nblk;
    lrs_err_t err;
} ctx_t;

static int mem_open(mem_t *m)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    return m->fp ? 0 : -1;
}

static void mem_close(mem_t *m)
{
    if (m->fp)
        fclose(m->fp);
    m->fp = NULL;
    free(m->buf);
    m->buf = NULL;
}

/* A new data block named `name` (gnuplot datablock $name). */
static FILE *block(ctx_t *c, const char *name)
{
    if (c->nblk >= NBLK || mem_open(&c->blk[c->nblk]))
        return NULL;
    c->blkname[c->nblk] = name;
    return c->blk[c->nblk++].fp;
}

/* Write buf to path through a temporary file in the same folder, renamed into
 * place once complete (an interrupted or failed run leaves `path` as it was). */
static int write_atomic(const char *path, const char *buf, size_t len)
{
    char tmpl[4096];
    const char *slash = strrchr(path, '/');
    int fd = -1, ok = 0;
    size_t done = 0;
    mode_t um;
    if (slash)
        snprintf(tmpl, sizeof tmpl, "%.*s/.%s.tmp.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        snprintf(tmpl, sizeof tmpl, ".%s.tmp.XXXXXX", path);
    fd = mkstemp(tmpl);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
        return -1;
    }
    um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0)
        goto fail;
    while (done < len) {
        ssize_t w = write(fd, buf + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        done += (size_t)w;
    }
    if (g_stop) {
        errno = EINTR;
        goto fail;
    }
    if (fsync(fd) != 0 && errno != EINVAL)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmpl, path) != 0)
        goto fail;
    ok = 1;
fail:
    if (!ok) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        unlink(tmpl);
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(e));
        return -1;
    }
    return 0;
}

/* gnuplot single-quoted string: ' is written '' */
static void gp_quote(FILE *fp, const char *s)
{
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', fp);
        fputc(*s, fp);
    }
    fputc('\'', fp);
}

static int emit(ctx_t *c)
{
    mem_t all;
    int k, rc = 0;
    if (mem_open(&all))
        return -1;
    fflush(c->hdr.fp);
    fflush(c->gp.fp);
    for (k = 0; k < c->nblk; k++)
        fflush(c->blk[k].fp);
    if (!c->o->gnuplot) {
        fwrite(c->hdr.buf, 1, c->hdr.len, all.fp);
        if (c->nblk)
            fwrite(c->blk[0].buf, 1, c->blk[0].len, all.fp);
    } else {
        fprintf(all.fp, "# gnuplot script written by " PROG " %s; run: ... | gnuplot%s\n",
                c->o->sub->name, c->o->png ? "" : " -p");
        fwrite(c->hdr.buf, 1, c->hdr.len, all.fp);
        if (c->o->png) {
            fprintf(all.fp, "set terminal pngcairo size 960,680 font ',10'\nset output ");
            gp_quote(all.fp, c->o->png);
            fputc('\n', all.fp);
        }
        fprintf(all.fp, "set termoption noenhanced\nset encoding utf8\nset key noautotitle\n");
        for (k = 0; k < c->nblk; k++) {
            size_t i, start = 0;
            const char *b = c->blk[k].buf;
            fprintf(all.fp, "$%s << EOD\n", c->blkname[k]);
            if (k == 0 && strcmp(c->o->sub->name, "report") == 0) {
                /* the report is text: keep it as comments */
                for (i = 0; i <= c->blk[k].len; i++)
                    if (i == c->blk[k].len || b[i] == '\n') {
                        if (i > start)
                            fprintf(all.fp, "# %.*s\n", (int)(i - start), b + start);
                        start = i + 1;
                    }
            } else {
                fwrite(b, 1, c->blk[k].len, all.fp);
            }
            fprintf(all.fp, "EOD\n");
        }
        fwrite(c->gp.buf, 1, c->gp.len, all.fp);
        if (c->o->png)
            fprintf(all.fp, "unset output\n");
    }
    if (fflush(all.fp) != 0) {
        mem_close(&all);
        return -1;
    }
    if (c->o->out) {
        rc = write_atomic(c->o->out, all.buf, all.len);
    } else {
        if (fwrite(all.buf, 1, all.len, stdout) != all.len || fflush(stdout) != 0) {
            fprintf(stderr, PROG ": cannot write to standard output: %s\n", strerror(errno));
            rc = -1;
        }
    }
    mem_close(&all);
    return rc;
}

/* ------------------------------------------------------------------ helpers */

static int fail(ctx_t *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(ctx_t *c, int code, const char *fmt, ...)
{
    char msg[LRS_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lrs_err_set(&c->err, code, "%s", msg);
}

/* 3 significant digits, rounded toward zero (a suggested --scale that keeps
 * max Re eig at or below the target). */
static double round_down3(double x)
{
    double e, p;
    if (!(x > 0) || !isfinite(x))
        return x;
    e = floor(log10(x)) - 2;
    p = pow(10, e);
    return floor(x / p) * p;
}

/* One line: what to do about an unstable network with max Re eig(Wd) = re. */
static void unstable_advice(const ctx_t *c, double re, char *buf, size_t n)
{
    if (c->o->sis) {
        snprintf(buf, n,
                 "the linearised SIS dynamics are unstable (max Re eig(J) = %.4g >= 0); the "
                 "fixed point is not an attractor: try another --coupling",
                 re - 1.0);
        return;
    }
    if (re > 0) {
        double s = round_down3(0.9 / re * c->factor);
        snprintf(buf, n,
                 "unstable: max Re eig(W) = %.4g >= 1, so tau dz/dt = -z + W z + x diverges; "
                 "rerun with --scale %.3g%s (max Re eig(W) -> %.3g)",
                 re, s, c->o->normalize ? " instead of --normalize" : "",
                 re * s / c->factor);
    } else {
        snprintf(buf, n, "unstable: max Re eig(W) = %.4g >= 1", re);
    }
}

static gsl_vector *svals_of(ctx_t *c, const gsl_matrix *A)
{
    gsl_vector *s = gsl_vector_alloc(A->size1 < A->size2 ? A->size1 : A->size2);
    if (!s) {
        fail(c, LRS_ENOMEM, "out of memory");
        return NULL;
    }
    if (lrs_spectra_svd(A, s, NULL, NULL, &c->err)) {
        gsl_vector_free(s);
        return NULL;
    }
    return s;
}

/* I - Wd (a new matrix) */
static gsl_matrix *i_minus(ctx_t *c, const gsl_matrix *W)
{
    size_t i, N = W->size1;
    gsl_matrix *B = gsl_matrix_alloc(N, N);
    if (!B) {
        fail(c, LRS_ENOMEM, "out of memory");
        return NULL;
    }
    gsl_matrix_memcpy(B, W);
    gsl_matrix_scale(B, -1.0);
    for (i = 0; i < N; i++)
        gsl_matrix_set(B, i, i, gsl_matrix_get(B, i, i) + 1.0);
    return B;
}

static size_t default_rank(const lrs_ranks_t *rk, long want, size_t N)
{
    size_t r = want > 0 ? (size_t)want : rk->optimal_threshold;
    if (want <= 0 && r > 10)
        r = 10;
    if (r < 1)
        r = 1;
    if (r > N)
        r = N;
    return r;
}

static void print_vector_rows(FILE *fp, const gsl_vector *v)
{
    size_t k;
    for (k = 0; k < v->size; k++)
        fprintf(fp, "%zu\t%.12g\n", k + 1, gsl_vector_get(v, k));
}

/* ------------------------------------------------------------------ input and transforms */

static int load(ctx_t *c)
{
    opts_t *o = c->o;
    gsl_matrix *A = NULL;
    int rc;
    size_t N;
    char fmt[256];
    lrs_io_read_info_init(&c->info);
    rc = lrs_io_read_matrix(o->file, &o->rd, &A, &c->info, &c->err);
    if (rc)
        return rc;
    N = A->size1;
    c->M = A;
    c->mname = "W";
    c->factor = 1.0;
    snprintf(c->what, sizeof c->what, "W = the matrix read");
    if (o->transpose) {
        gsl_matrix_transpose(A);
        snprintf(c->what, sizeof c->what, "W = the transpose of the matrix read");
    }
    if (o->have_scale) {
        gsl_matrix_scale(A, o->scale);
        c->factor *= o->scale;
        snprintf(c->what + strlen(c->what), sizeof c->what - strlen(c->what), ", times %g",
                 o->scale);
    }
    if (o->normalize) {
        gsl_vector *s = svals_of(c, A);
        double smax;
        if (!s)
            return c->err.code;
        smax = gsl_vector_get(s, 0);
        gsl_vector_free(s);
        if (!(smax > 0))
            return fail(c, LRS_EINVAL, "%s: the matrix is zero; cannot --normalize", o->file);
        gsl_matrix_scale(A, 1.0 / smax);
        c->factor /= smax;
        snprintf(c->what + strlen(c->what), sizeof c->what - strlen(c->what),
                 ", divided by its largest singular value %.6g", smax);
    }
    if (o->sis) {
        lrs_epidemic_t *ep = NULL;
        gsl_matrix *W = gsl_matrix_alloc(N, N), *J = gsl_matrix_alloc(N, N);
        gsl_vector *x = gsl_vector_alloc(N);
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        double smax = 0, res = 0, mean = 0;
        size_t i, it = 0;
        if (!W || !J || !x || !rng) {
            rc = fail(c, LRS_ENOMEM, "out of memory");
            goto sis_done;
        }
        gsl_rng_set(rng, o->seed);
        if ((rc = lrs_epidemic_normalize(A, W, &smax, &c->err)))
            goto sis_done;
        if ((rc = lrs_epidemic_alloc(&ep, W, o->coupling, &c->err)))
            goto sis_done;
        for (i = 0; i < N; i++)
            gsl_vector_set(x, i, 0.3 + 0.3 * gsl_rng_uniform(rng));
        if ((rc = lrs_epidemic_relax(ep, x, 300.0, 1, NULL, NULL, &g_stop, &c->err)))
            goto sis_done;
        if ((rc = lrs_epidemic_fixed_point(ep, x, 1e-12, 100, &res, &it, &c->err)))
            goto sis_done;
        for (i = 0; i < N; i++)
            mean += gsl_vector_get(x, i) / (double)N;
        if (!(mean > 1e-6)) {
            rc = fail(c, LRS_EINVAL,
                      "%s: the SIS model at --coupling %g has no endemic state (the infection "
                      "dies out: mean x* = %.3g); use a larger --coupling",
                      o->file, o->coupling, mean);
            goto sis_done;
        }
        if ((rc = lrs_epidemic_jacobian(ep, x, J, &c->err)))
            goto sis_done;
        snprintf(c->what + strlen(c->what), sizeof c->what - strlen(c->what),
                 "; then J = the Jacobian of the SIS model (W/%.6g, coupling %g) at its endemic "
                 "fixed point (mean x* = %.4g, Newton residual %.1e); dynamics dz/dt = J z + x",
                 smax, o->coupling, mean, res);
        gsl_matrix_free(c->M);
        c->M = J;
        J = NULL;
        c->mname = "J";
        c->shift = 1.0;
    sis_done:
        lrs_epidemic_free(ep);
        gsl_matrix_free(W);
        if (J)
            gsl_matrix_free(J);
        gsl_vector_free(x);
        gsl_rng_free(rng);
        if (rc)
            return rc;
    }
    if (c->shift != 0) {
        size_t i;
        c->Wd = gsl_matrix_alloc(N, N);
        if (!c->Wd)
            return fail(c, LRS_ENOMEM, "out of memory");
        gsl_matrix_memcpy(c->Wd, c->M);
        for (i = 0; i < N; i++)
            gsl_matrix_set(c->Wd, i, i, gsl_matrix_get(c->Wd, i, i) + c->shift);
    } else {
        c->Wd = c->M;
    }

    /* header lines */
    switch (c->info.format) {
    case LRS_FMT_EDGES:
        snprintf(fmt, sizeof fmt, "edge list%s, %zu edges (%zu repeated, weights added; %zu "
                 "self-loops)%s%s", c->info.detected ? " (auto-detected)" : "", c->info.entries,
                 c->info.repeated, c->info.self_loops, o->rd.undirected ? ", undirected" : "",
                 o->rd.ids ? ", integer ids" : ", nodes numbered in order of appearance");
        break;
    case LRS_FMT_MTX:
        snprintf(fmt, sizeof fmt, "Matrix Market, %zu entries (%zu repeated)", c->info.entries,
                 c->info.repeated);
        break;
    case LRS_FMT_NPY:
        snprintf(fmt, sizeof fmt, "NumPy .npy");
        break;
    default:
        snprintf(fmt, sizeof fmt, "dense text%s%s%s", c->info.detected ? " (auto-detected)" : "",
                 c->info.header ? ", header row" : "", c->info.labels ? ", label column" : "");
    }
    fprintf(c->hdr.fp, "# " PROG " %s: %s\n", o->sub->name, o->sub->about);
    fprintf(c->hdr.fp, "# input: %s: %zu x %zu, %s\n", o->file, c->info.rows, c->info.cols, fmt);
    fprintf(c->hdr.fp, "# options: %s\n", o->given[0] ? o->given : "(none)");
    fprintf(c->hdr.fp, "# matrix: %s\n", c->what);
    return LRS_OK;
}

/* ------------------------------------------------------------------ svals */

static int cmd_svals(ctx_t *c)
{
    FILE *d = block(c, "svals");
    gsl_vector *s;
    if (!d)
        return fail(c, LRS_ENOMEM, "out of memory");
    s = svals_of(c, c->M);
    if (!s)
        return c->err.code;
    fprintf(d, "# singular values of %s, descending\n# index\tsigma\n", c->mname);
    print_vector_rows(d, s);
    fprintf(c->gp.fp,
            "set title 'Singular values of %s (%s)'\nset xlabel 'index'\n"
            "set ylabel 'singular value'\nset logscale y\nset grid\n"
            "plot $svals using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.5 lc rgb '#1f77b4'\n",
            c->mname, c->o->file);
    gsl_vector_free(s);
    return LRS_OK;
}

/* ------------------------------------------------------------------ eig */

static int cmd_eig(ctx_t *c)
{
    FILE *d = block(c, "eig");
    size_t N = c->M->size1, k;
    gsl_vector_complex *l = gsl_vector_complex_alloc(N);
    double thr = 1.0 - c->shift;
    if (!d || !l) {
        gsl_vector_complex_free(l);
        return fail(c, LRS_ENOMEM, "out of memory");
    }
    if (lrs_spectra_eig(c->M, l, NULL, &c->err)) {
        gsl_vector_complex_free(l);
        return c->err.code;
    }
    fprintf(c->hdr.fp, "# stability: max Re eig(%s) = %.6g %s %g: %s\n", c->mname,
            GSL_REAL(gsl_vector_complex_get(l, 0)),
            GSL_REAL(gsl_vector_complex_get(l, 0)) < thr ? "<" : ">=", thr,
            GSL_REAL(gsl_vector_complex_get(l, 0)) < thr ? "stable" : "unstable");
    fprintf(d, "# eigenvalues of %s by descending real part\n# index\treal\timag\n", c->mname);
    for (k = 0; k < N; k++) {
        gsl_complex z = gsl_vector_complex_get(l, k);
        fprintf(d, "%zu\t%.12g\t%.12g\n", k + 1, GSL_REAL(z), GSL_IMAG(z));
    }
    {
        double mi = 0;
        for (k = 0; k < N; k++)
            mi = fmax(mi, fabs(GSL_IMAG(gsl_vector_complex_get(l, k))));
        if (mi == 0)
            fprintf(c->gp.fp, "set yrange [-1:1]\n");
    }
    fprintf(c->gp.fp,
            "set title 'Eigenvalues of %s (%s)'\nset xlabel 'Re'\nset ylabel 'Im'\nset grid\n"
            "set size ratio -1\n"
            "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'red'\n"
            "set label 'stability limit Re = %g' at %g, graph 0.95 left offset 0.5,0 tc rgb 'red'\n"
            "plot $eig using 2:3 with points pt 7 ps 0.5 lc rgb '#1f77b4'\n",
            c->mname, c->o->file, thr, thr, thr, thr);
    gsl_vector_complex_free(l);
    return LRS_OK;
}

/* ------------------------------------------------------------------ ranks */

static void print_ranks(FILE *d, const lrs_ranks_t *rk)
{
    fprintf(d, "rank\t%zu\n", rk->numerical);
    fprintf(d, "optimal_threshold\t%zu\n", rk->optimal_threshold);
    fprintf(d, "optimal_shrinkage\t%zu\n", rk->optimal_shrinkage);
    fprintf(d, "erank\t%.6f\n", rk->erank);
    fprintf(d, "elbow\t%zu\n", rk->elbow);
    fprintf(d, "energy_ratio\t%zu\n", rk->energy);
    fprintf(d, "stable_rank\t%.6f\n", rk->stable);
    fprintf(d, "nuclear_rank\t%.6f\n", rk->nuclear);
}

static int cmd_ranks(ctx_t *c)
{
    FILE *d = block(c, "ranks"), *sv = block(c, "svals");
    gsl_vector *s;
    lrs_ranks_t rk;
    if (!d || !sv)
        return fail(c, LRS_ENOMEM, "out of memory");
    s = svals_of(c, c->M);
    if (!s)
        return c->err.code;
    if (lrs_ranks_compute(s, c->M->size1, c->M->size2, NULL, &rk, &c->err)) {
        gsl_vector_free(s);
        return c->err.code;
    }
    fprintf(d,
            "# effective ranks of %s from its %zu singular values (PAPER.md s.6):\n"
            "#   rank               numerical: #{sigma_i > max(m,n) eps sigma_1}\n"
            "#   optimal_threshold  Gavish-Donoho 2014: #{sigma_i > omega(beta) sigma_med} "
            "(tau = %.6g)\n"
            "#   optimal_shrinkage  Gavish-Donoho 2017, Frobenius loss: non-zero shrunk values "
            "(cut %.6g)\n"
            "#   erank              Roy-Vetterli 2007: exp(entropy of sigma_i / sum sigma)\n"
            "#   elbow              largest distance to the chord of the normalised scree plot\n"
            "#   energy_ratio       smallest k with sum_{i<=k} sigma_i^2 > 0.9 sum sigma_i^2\n"
            "#   stable_rank        sum sigma^2 / sigma_max^2\n"
            "#   nuclear_rank       sum sigma / sigma_max\n"
            "# name\tvalue\n",
            c->mname, rk.k, rk.tau, rk.shrink_cut);
    print_ranks(d, &rk);
    fprintf(sv, "# index\tsigma\n");
    print_vector_rows(sv, s);
    fprintf(c->gp.fp,
            "set title 'Effective ranks of %s (%s)'\nset xlabel 'index'\n"
            "set ylabel 'singular value'\nset logscale y\nset grid\n"
            "set arrow 1 from %zu.5, graph 0 to %zu.5, graph 1 nohead lc rgb '#d62728'\n"
            "set label 1 'optimal threshold %zu' at %zu.5, graph 0.92 left offset 0.5,0 tc rgb '#d62728'\n"
            "set arrow 2 from %zu.5, graph 0 to %zu.5, graph 1 nohead dt 2 lc rgb '#2ca02c'\n"
            "set label 2 'elbow %zu' at %zu.5, graph 0.84 left offset 0.5,0 tc rgb '#2ca02c'\n"
            "set arrow 3 from %zu.5, graph 0 to %zu.5, graph 1 nohead dt 3 lc rgb '#9467bd'\n"
            "set label 3 'energy 90%%: %zu' at %zu.5, graph 0.76 left offset 0.5,0 tc rgb '#9467bd'\n"
            "plot $svals using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.5 lc rgb '#1f77b4'\n",
            c->mname, c->o->file, rk.optimal_threshold, rk.optimal_threshold,
            rk.optimal_threshold, rk.optimal_threshold, rk.elbow, rk.elbow, rk.elbow, rk.elbow,
            rk.energy, rk.energy, rk.energy, rk.energy);
    gsl_vector_free(s);
    return LRS_OK;
}

/* ------------------------------------------------------------------ overlap */

static void print_overlap(FILE *d, const gsl_matrix *P, const gsl_vector *sP, const char *mname)
{
    size_t i, j, r = P->size1;
    fprintf(d, "# overlap matrix P = U_r^T V_r of the top-%zu singular vectors of %s "
            "(%zu x %zu; rows)\n", r, mname, r, r);
    for (i = 0; i < r; i++)
        for (j = 0; j < r; j++)
            fprintf(d, "%.6f%c", fabs(gsl_matrix_get(P, i, j)) < 5e-7 ? 0.0 : gsl_matrix_get(P, i, j),
                    j + 1 < r ? '\t' : '\n');
    fprintf(d, "\n\n# singular values of P\n# index\tsigma\n");
    print_vector_rows(d, sP);
}

/* P is drawn as filled boxes, not `with image`, which needs at least 2 x 2. */
static void plot_overlap(FILE *gp, const char *data, const char *mname, const gsl_vector *sP,
                         const char *file)
{
    size_t r = sP->size;
    fprintf(gp,
            "set title sprintf('Overlap P = U_r^T V_r of %s (%s; r = %zu; smallest singular "
            "value %%.3g)', %.6g)\n"
            "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\nset cbrange [-1:1]\n"
            "set palette defined (-1 '#2166ac', 0 'white', 1 '#b2182b')\n"
            "set xtics 1\nset ytics 1\nset size ratio -1\n"
            "plot %s index 0 matrix using 1:2:(0.5):(0.5):3 with boxxyerror fs solid lc palette, "
            "%s index 0 matrix using 1:2:(sprintf('%%.2f', "
            "abs($3) < 0.005 ? 0 : $3)) with labels\n",
            mname, file, r, gsl_vector_get(sP, r - 1), r - 1, r - 1, data, data);
}

static int cmd_overlap(ctx_t *c)
{
    FILE *d = block(c, "overlap");
    gsl_vector *s = NULL, *sP = NULL;
    gsl_matrix *P = NULL;
    lrs_ranks_t rk;
    size_t r;
    int rc = LRS_OK;
    if (!d)
        return fail(c, LRS_ENOMEM, "out of memory");
    if (c->o->rank <= 0) {
        s = svals_of(c, c->M);
        if (!s)
            return c->err.code;
        if ((rc = lrs_ranks_compute(s, c->M->size1, c->M->size2, NULL, &rk, &c->err)))
            goto done;
        r = default_rank(&rk, 0, c->M->size1);
        fprintf(c->hdr.fp, "# r = %zu (the optimal-threshold rank %zu, at most 10)\n", r,
                rk.optimal_threshold);
    } else {
        r = default_rank(NULL, c->o->rank, c->M->size1);
        if ((long)r != c->o->rank) {
            rc = fail(c, LRS_EINVAL, "%s: --rank %ld is larger than the matrix (%zu x %zu)",
                      c->o->file, c->o->rank, c->M->size1, c->M->size2);
            goto done;
        }
        fprintf(c->hdr.fp, "# r = %zu (--rank)\n", r);
    }
    P = gsl_matrix_alloc(r, r);
    sP = gsl_vector_alloc(r);
    if (!P || !sP) {
        rc = fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = lrs_spectra_overlap(c->M, r, P, sP, &c->err)))
        goto done;
    print_overlap(d, P, sP, c->mname);
    plot_overlap(c->gp.fp, "$overlap", c->mname, sP, c->o->file);
done:
    gsl_vector_free(s);
    gsl_vector_free(sP);
    if (P)
        gsl_matrix_free(P);
    return rc;
}

/* ------------------------------------------------------------------ spectrum */

/* A stability check with a useful message; *re <- max Re eig(Wd). */
static int require_stable(ctx_t *c, const char *what, double *re_out)
{
    double re = 0, im = 0;
    char adv[512];
    if (lrs_spectra_max_real_eig(c->M, &re, &im, &c->err))
        return c->err.code;
    re += c->shift;
    if (re_out)
        *re_out = re;
    if (re < 1.0)
        return LRS_OK;
    unstable_advice(c, re, adv, sizeof adv);
    return fail(c, LRS_EUNSTABLE, "%s: %s needs a stable network; %s", c->o->file, what, adv);
}

/* Predicted % variance columns of `spectrum`.  Each fills pct (length N,
 * descending).  To add a column (e.g. the exact stationary covariance of
 * lrs/exact.h behind --exact), add a function here and an entry in
 * spectrum_cols[] (with a flag in opts_t to switch it on). */
typedef struct spec_col {
    const char *name;
    const char *about;
    int (*fill)(ctx_t *c, gsl_vector *pct);
    int (*on)(const ctx_t *c); /* NULL: always printed */
} spec_col_t;

static void to_percent(gsl_vector *v)
{
    double sum = 0;
    size_t k;
    for (k = 0; k < v->size; k++)
        sum += gsl_vector_get(v, k);
    for (k = 0; k < v->size; k++)
        gsl_vector_set(v, k, sum > 0 ? 100.0 * gsl_vector_get(v, k) / sum : 0.0);
}

static int fill_theory1(ctx_t *c, gsl_vector *pct)
{
    if (lrs_theory_pcvar1(c->Wd, c->o->sigmax, pct, &c->err))
        return c->err.code;
    to_percent(pct);
    return LRS_OK;
}

static int fill_input(ctx_t *c, gsl_vector *pct)
{
    (void)c;
    gsl_vector_set_all(pct, 100.0 / (double)pct->size);
    return LRS_OK;
}

/* --exact: PC variances of the exact stationary covariance (lrs/exact.h). */
static int fill_exact(ctx_t *c, gsl_vector *pct)
{
    lrs_exact_info_t info;
    if (lrs_exact_cov(c->Wd, c->o->tau, NULL, c->o->taux, c->o->sigmax, LRS_EXACT_AUTO, NULL, pct,
                      &info, &c->err))
        return c->err.code;
    fprintf(c->hdr.fp, "# pct_exact: tau = %g, tau_x = %g, route %s (cond(V) = %.3g)\n",
            c->o->tau, c->o->taux, lrs_exact_route_name(info.route), info.cond_V);
    to_percent(pct);
    return LRS_OK;
}

static int exact_on(const ctx_t *c)
{
    return c->o->exact;
}

static const spec_col_t spectrum_cols[] = {
    {"pct_z", "theory 1: 100 var_k / sum var, var_k = sigma_x^2 / sigma_{N+1-k}(I - W)^2",
     fill_theory1, NULL},
    {"pct_x", "the input x: iid channels, 100/N each", fill_input, NULL},
    {"pct_exact", "exact stationary covariance for input correlation time tau_x (--exact)",
     fill_exact, exact_on},
};
#define NSPEC (sizeof spectrum_cols / sizeof spectrum_cols[0])

static int cmd_spectrum(ctx_t *c)
{
    FILE *d = block(c, "spectrum");
    size_t N = c->M->size1, k, j;
    gsl_vector *col[NSPEC];
    int rc = LRS_OK;
    memset(col, 0, sizeof col);
    if (!d)
        return fail(c, LRS_ENOMEM, "out of memory");
    for (j = 0; j < NSPEC; j++) {
        col[j] = gsl_vector_alloc(N);
        if (!col[j]) {
            rc = fail(c, LRS_ENOMEM, "out of memory");
            goto done;
        }
        if (spectrum_cols[j].on && !spectrum_cols[j].on(c))
            continue;
        if ((rc = spectrum_cols[j].fill(c, col[j]))) {
            if (rc == LRS_EUNSTABLE && require_stable(c, "the predicted PC spectrum", NULL) == 0)
                fail(c, rc, "%s: %s", c->o->file, c->err.msg);
            goto done;
        }
    }
    fprintf(d, "# predicted %% variance explained by each principal component "
            "(sigma_x = %g)\n", c->o->sigmax);
    for (j = 0; j < NSPEC; j++)
        if (!spectrum_cols[j].on || spectrum_cols[j].on(c))
            fprintf(d, "#   %-6s %s\n", spectrum_cols[j].name, spectrum_cols[j].about);
    fprintf(d, "# index");
    for (j = 0; j < NSPEC; j++)
        if (!spectrum_cols[j].on || spectrum_cols[j].on(c))
            fprintf(d, "\t%s", spectrum_cols[j].name);
    fprintf(d, "\n");
    for (k = 0; k < N; k++) {
        fprintf(d, "%zu", k + 1);
        for (j = 0; j < NSPEC; j++)
            if (!spectrum_cols[j].on || spectrum_cols[j].on(c))
                fprintf(d, "\t%.12g", gsl_vector_get(col[j], k));
        fprintf(d, "\n");
    }
    fprintf(c->gp.fp,
            "set title 'Predicted PC spectrum (%s)'\nset xlabel 'PC index'\n"
            "set ylabel '%% variance explained'\nset logscale y\nset grid\nset key top right\n"
            "plot $spectrum using 1:2 with linespoints pt 7 ps 0.4 lc rgb '#1f77b4' title 'z (theory 1)', "
            "$spectrum using 1:3 with lines lw 2 lc rgb '#7f7f7f' title 'x (input)'%s\n",
            c->o->file,
            c->o->exact ? ", $spectrum using 1:4 with lines lw 2 lc rgb '#d62728' title 'z (exact)'"
                        : "");
done:
    for (j = 0; j < NSPEC; j++)
        gsl_vector_free(col[j]);
    return rc;
}

/* ------------------------------------------------------------------ report
 * The expensive parts run in two threads (eigenvalues | SVDs and the
 * commutator), each with single-threaded BLAS: for N = 2000 the two halves
 * take about the same time. */

/* Thread A: eigenvalues of M, then the singular values of I - Wd. */
typedef struct rep_eig {
    const gsl_matrix *M, *Wd;
    gsl_vector_complex *l;
    gsl_vector *sI;
    int rc;
    lrs_err_t err;
} rep_eig_t;

/* Thread B: the SVD of M with vectors, then the relative commutator. */
typedef struct rep_svd {
    const gsl_matrix *M;
    gsl_vector *s;
    gsl_matrix *U, *V;
    double nonnormal;
    int rc;
    lrs_err_t err;
} rep_svd_t;

static void *rep_eig_run(void *arg)
{
    rep_eig_t *t = arg;
    size_t i, N = t->M->size1;
    gsl_matrix *B = NULL;
    if ((t->rc = lrs_spectra_eig(t->M, t->l, NULL, &t->err)))
        return NULL;
    B = gsl_matrix_alloc(N, N);
    if (!B) {
        t->rc = lrs_err_set(&t->err, LRS_ENOMEM, "out of memory");
        return NULL;
    }
    gsl_matrix_memcpy(B, t->Wd);
    gsl_matrix_scale(B, -1.0);
    for (i = 0; i < N; i++)
        gsl_matrix_set(B, i, i, gsl_matrix_get(B, i, i) + 1.0);
    t->rc = lrs_spectra_svd(B, t->sI, NULL, NULL, &t->err);
    gsl_matrix_free(B);
    return NULL;
}


static void *rep_svd_run(void *arg)
{
    rep_svd_t *t = arg;
    if ((t->rc = lrs_spectra_svd(t->M, t->s, t->U, t->V, &t->err)))
        return NULL;
    t->rc = lrs_spectra_nonnormality(t->M, &t->nonnormal, &t->err);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define KV(fp, key, ...)                                                       \
    do {                                                                       \
        fprintf(fp, "%-22s ", key);                                            \
        fprintf(fp, __VA_ARGS__);                                              \
        fputc('\n', fp);                                                       \
    } while (0)

static int cmd_report(ctx_t *c)
{
    FILE *d = block(c, "report"), *bs = block(c, "svals"), *be = block(c, "eig"),
         *bp = block(c, "spectrum"), *bo = block(c, "overlap");
    const gsl_matrix *M = c->M;
    size_t N = M->size1, i, j, k, nnz = 0, r;
    rep_eig_t te;
    rep_svd_t ts;
    pthread_t th;
    int threaded = 0, rc = LRS_OK, oldthreads, im_all_zero = 1;
    double maxabs = 0, asym = 0, fro = 0, re, im, thr = 1.0 - c->shift;
    double *var = NULL;
    gsl_matrix *P = NULL;
    gsl_vector *sP = NULL;
    lrs_ranks_t rk;
    char adv[512];

    memset(&te, 0, sizeof te);
    memset(&ts, 0, sizeof ts);
    if (!d || !bs || !be || !bp || !bo)
        return fail(c, LRS_ENOMEM, "out of memory");
    te.M = M;
    te.Wd = c->Wd;
    te.l = gsl_vector_complex_alloc(N);
    te.sI = gsl_vector_alloc(N);
    ts.M = M;
    ts.s = gsl_vector_alloc(N);
    ts.U = gsl_matrix_alloc(N, N);
    ts.V = gsl_matrix_alloc(N, N);
    var = malloc(N * sizeof *var);
    if (!te.l || !ts.s || !te.sI || !ts.U || !ts.V || !var) {
        rc = fail(c, LRS_ENOMEM, "out of memory for a %zu x %zu report", N, N);
        goto done;
    }
    oldthreads = lrs_blas_set_threads(1);
    if (N >= 200 && pthread_create(&th, NULL, rep_eig_run, &te) == 0)
        threaded = 1;
    rep_svd_run(&ts);
    if (threaded)
        pthread_join(th, NULL);
    else
        rep_eig_run(&te);
    lrs_blas_set_threads(oldthreads);
    if (te.rc || ts.rc) {
        c->err = te.rc ? te.err : ts.err;
        rc = c->err.code;
        goto done;
    }
    if ((rc = lrs_ranks_compute(ts.s, N, N, NULL, &rk, &c->err)))
        goto done;

    /* structure */
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            double a = gsl_matrix_get(M, i, j), b = gsl_matrix_get(M, j, i);
            if (a != 0)
                nnz++;
            if (fabs(a) > maxabs)
                maxabs = fabs(a);
            asym += (a - b) * (a - b);
            fro += a * a;
        }
    asym = fro > 0 ? sqrt(asym / fro) / 2.0 : 0.0; /* ||M - M^T||_F / (2 ||M||_F) */
    KV(d, "size", "%zu x %zu", N, N);
    if (c->info.format == LRS_FMT_EDGES)
        KV(d, "edges", "%zu read, %zu repeated (weights added), %zu self-loops%s", c->info.entries,
           c->info.repeated, c->info.self_loops, c->o->rd.undirected ? ", undirected" : "");
    if (c->o->sis)
        KV(d, "matrix", "J, the SIS Jacobian (see '# matrix' above); W = I + J below");
    KV(d, "density", "%.4g (%zu of %zu entries non-zero)", (double)nnz / ((double)N * N), nnz,
       N * N);
    if (asym <= 1e-12)
        KV(d, "symmetric", "yes");
    else
        KV(d, "symmetric", "no (||%s - %s^T||_F / (2 ||%s||_F) = %.3g)", c->mname, c->mname,
           c->mname, asym);
    KV(d, "normal", "%s (relative commutator ||%s %s^T - %s^T %s||_F / ||%s||_F^2 = %.3g)",
       ts.nonnormal <= 1e-10 ? "yes" : "no", c->mname, c->mname, c->mname, c->mname, c->mname,
       ts.nonnormal);
    fprintf(d, "%-22s ", "top_singular_values");
    for (k = 0; k < N && k < 10; k++)
        fprintf(d, "%s%.5g", k ? " " : "", gsl_vector_get(ts.s, k));
    fprintf(d, "\n");
    KV(d, "rank", "%zu", rk.numerical);
    KV(d, "optimal_threshold", "%zu", rk.optimal_threshold);
    KV(d, "optimal_shrinkage", "%zu", rk.optimal_shrinkage);
    KV(d, "erank", "%.4f", rk.erank);
    KV(d, "elbow", "%zu", rk.elbow);
    KV(d, "energy_ratio", "%zu", rk.energy);
    KV(d, "stable_rank", "%.4f", rk.stable);
    KV(d, "nuclear_rank", "%.4f", rk.nuclear);

    /* eigenvalues and stability */
    re = GSL_REAL(gsl_vector_complex_get(te.l, 0));
    im = GSL_IMAG(gsl_vector_complex_get(te.l, 0));
    KV(d, "max_re_eig", "%.6g%s%.6gi (of %s)", re, im < 0 ? " - " : " + ", fabs(im), c->mname);
    if (re < thr) {
        if (c->o->sis)
            KV(d, "stability", "stable (max Re eig(J) < 0): the fixed point attracts");
        else
            KV(d, "stability", "stable (max Re eig(W) < 1): tau dz/dt = -z + W z + x settles");
    } else {
        unstable_advice(c, re + c->shift, adv, sizeof adv);
        KV(d, "stability", "%s", adv);
    }
    {
        double smax = gsl_vector_get(te.sI, 0), smin = gsl_vector_get(te.sI, N - 1);
        double cond = smin > 0 ? smax / smin : INFINITY;
        KV(d, "cond_I_minus_W", "%.4g%s", cond,
           cond > 1e12 ? "  WARNING: I - W is ill-conditioned (> 1e12); predicted variances "
                         "and simulations along its smallest singular direction are unreliable"
                       : "");
    }

    /* overlap of the top-r part, from the SVD above */
    r = default_rank(&rk, c->o->rank, N);
    if (c->o->rank > 0 && (long)r != c->o->rank) {
        rc = fail(c, LRS_EINVAL, "%s: --rank %ld is larger than the matrix (%zu x %zu)",
                  c->o->file, c->o->rank, N, N);
        goto done;
    }
    P = gsl_matrix_alloc(r, r);
    sP = gsl_vector_alloc(r);
    if (!P || !sP) {
        rc = fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    {
        gsl_matrix_const_view Ur = gsl_matrix_const_submatrix(ts.U, 0, 0, N, r);
        gsl_matrix_const_view Vr = gsl_matrix_const_submatrix(ts.V, 0, 0, N, r);
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Ur.matrix, &Vr.matrix, 0.0, P);
    }
    if ((rc = lrs_spectra_svd(P, sP, NULL, NULL, &c->err)))
        goto done;
    KV(d, "overlap_rank", "%zu (%s)", r,
       c->o->rank > 0 ? "--rank" : "optimal-threshold rank, at most 10");
    for (i = 0; i < r; i++) {
        fprintf(d, "%-22s ", i == 0 ? "overlap_P" : "");
        for (j = 0; j < r; j++)
            fprintf(d, "%s%7.3f", j ? " " : "", fabs(gsl_matrix_get(P, i, j)) < 5e-4 ? 0.0 : gsl_matrix_get(P, i, j));
        fprintf(d, "\n");
    }
    fprintf(d, "%-22s ", "overlap_svals");
    for (k = 0; k < r; k++)
        fprintf(d, "%s%.4g", k ? " " : "", gsl_vector_get(sP, k));
    {
        double smin = gsl_vector_get(sP, r - 1);
        fprintf(d, "  (%s)\n",
                rk.optimal_threshold == 0 && c->o->rank <= 0
                    ? "no low-rank part stands out of the noise (optimal-threshold rank 0)"
                : smin > 0.5 ? "all near 1: EP-like low-rank part, no amplified direction from it"
                : smin > 0.1 ? "one is small: the low-rank part may amplify a direction"
                             : "one is near 0: expect a strongly amplified direction");
    }

    /* verdicts from theory 1: var_k = sigma_x^2 / sigma_{N+1-k}(I - W)^2 */
    if (re < thr && gsl_vector_get(te.sI, N - 1) > 0) {
        double med, vmin, vmax, sum = 0, sum2 = 0, supp, amp, sx2 = c->o->sigmax * c->o->sigmax;
        size_t nsupp = 0, namp = 0;
        for (k = 0; k < N; k++) {
            double sk = gsl_vector_get(te.sI, N - 1 - k);
            var[k] = sx2 / (sk * sk);
            sum += var[k];
            sum2 += var[k] * var[k];
        }
        vmax = var[0];
        vmin = var[N - 1];
        qsort(var, N, sizeof *var, cmp_double);
        med = N % 2 ? var[N / 2] : 0.5 * (var[N / 2 - 1] + var[N / 2]);
        for (k = 0; k < N; k++) {
            if (var[k] < med / 10)
                nsupp++;
            if (var[k] > 10 * med)
                namp++;
        }
        supp = med / vmin;
        amp = vmax / med;
        KV(d, "pc_variance", "largest %.4g, median %.4g, smallest %.4g (theory 1, sigma_x = %g); "
           "participation ratio %.1f of %zu", vmax, med, vmin, c->o->sigmax, sum * sum / sum2, N);
        KV(d, "low_rank_suppression", "%s: the smallest predicted PC variance is %.3g times below "
           "the median (%zu PC%s more than 10x below)",
           supp >= 10 ? "YES" : supp >= 3 ? "weak" : "no", supp, nsupp, nsupp == 1 ? "" : "s");
        KV(d, "high_dimensional", "%s: the largest predicted PC variance is %.3g times the median "
           "(%zu PC%s more than 10x above)%s",
           amp <= 10 ? "YES" : "no", amp, namp, namp == 1 ? "" : "s",
           amp <= 10 ? "" : ": a few amplified directions dominate the dynamics");
        for (k = 0; k < N; k++) {
            double sk = gsl_vector_get(te.sI, N - 1 - k);
            var[k] = sx2 / (sk * sk);
        }
        fprintf(bp, "# index\tpct_z\tpct_x\n");
        for (k = 0; k < N; k++)
            fprintf(bp, "%zu\t%.12g\t%.12g\n", k + 1, 100 * var[k] / sum, 100.0 / (double)N);
    } else {
        KV(d, "low_rank_suppression", "not defined: the linear network is unstable (see stability)");
        KV(d, "high_dimensional", "not defined: the linear network is unstable (see stability)");
    }

    /* plot data */
    for (k = 0; k < N; k++)
        if (GSL_IMAG(gsl_vector_complex_get(te.l, k)) != 0)
            im_all_zero = 0;
    fprintf(bs, "# index\tsigma\n");
    print_vector_rows(bs, ts.s);
    fprintf(be, "# index\treal\timag\n");
    for (k = 0; k < N; k++) {
        gsl_complex z = gsl_vector_complex_get(te.l, k);
        fprintf(be, "%zu\t%.12g\t%.12g\n", k + 1, GSL_REAL(z), GSL_IMAG(z));
    }
    print_overlap(bo, P, sP, c->mname);
    fprintf(c->gp.fp,
            "set multiplot layout 2,2 title 'lrs-analyze report: %s'\n"
            "set title 'singular values of %s'\nset logscale y\nset grid\n"
            "plot $svals using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.4 lc rgb '#1f77b4'\n"
            "unset logscale y\n"
            "set title 'eigenvalues of %s'\n%s"
            "set arrow 1 from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'red'\n"
            "plot $eig using 2:3 with points pt 7 ps 0.4 lc rgb '#1f77b4'\n"
            "unset arrow 1\nset autoscale y\n",
            c->o->file, c->mname, c->mname, im_all_zero ? "set yrange [-1:1]\n" : "", thr, thr);
    if (re < thr)
        fprintf(c->gp.fp,
                "set title 'predicted PC spectrum (theory 1)'\nset logscale y\nset key top right\n"
                "plot $spectrum using 1:2 with linespoints pt 7 ps 0.4 lc rgb '#1f77b4' title 'z', "
                "$spectrum using 1:3 with lines lw 2 lc rgb '#7f7f7f' title 'x'\n"
                "unset logscale y\nunset key\n");
    else
        fprintf(c->gp.fp, "set title 'unstable: no stationary PC spectrum'\nunset border\n"
                          "unset tics\nplot NaN\nset border\nset tics\n");
    fprintf(c->gp.fp,
            "set title 'overlap P = U_r^T V_r (r = %zu)'\nunset grid\n"
            "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\nset cbrange [-1:1]\n"
            "set palette defined (-1 '#2166ac', 0 'white', 1 '#b2182b')\n"
            "set xtics 1\nset ytics 1\n"
            "plot $overlap index 0 matrix using 1:2:(0.5):(0.5):3 with boxxyerror fs solid "
            "lc palette notitle\nunset multiplot\n",
            r, r - 1, r - 1);
done:
    gsl_vector_complex_free(te.l);
    gsl_vector_free(ts.s);
    gsl_vector_free(te.sI);
    if (ts.U)
        gsl_matrix_free(ts.U);
    if (ts.V)
        gsl_matrix_free(ts.V);
    if (P)
        gsl_matrix_free(P);
    gsl_vector_free(sP);
    free(var);
    return rc;
}

/* ------------------------------------------------------------------ simulate */

static int cmd_simulate(ctx_t *c)
{
    opts_t *o = c->o;
    FILE *d = block(c, "simulate");
    size_t N = c->M->size1, k, nt;
    gsl_rng *rng = NULL;
    lrs_noise_t *nz = NULL;
    lrs_input_t *in = NULL;
    lrs_sim_t *sim = NULL;
    lrs_cov_t *cov = NULL, *covx = NULL;
    lrs_pca_t *pca = NULL;
    gsl_vector *z0 = NULL, *th = NULL, *th2 = NULL;
    gsl_matrix *C = NULL, *Cx = NULL;
    lrs_sim_params_t p = lrs_sim_params_default();
    lrs_observer_t obs[2];
    double discard = o->have_discard ? o->discard : 10.0 * (o->tau + o->taux);
    int rc = LRS_OK, have_theory = 1, oldthreads;

    if (!d)
        return fail(c, LRS_ENOMEM, "out of memory");
    nt = (size_t)llround(o->T / o->dt);
    if (nt < 2 || discard >= o->T - 2 * o->dt)
        return fail(c, LRS_EINVAL, "%s: --discard %g leaves nothing of --T %g to analyse",
                    o->file, discard, o->T);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    z0 = gsl_vector_alloc(N);
    th = gsl_vector_alloc(N);
    th2 = gsl_vector_alloc(N);
    C = gsl_matrix_alloc(N, N);
    Cx = gsl_matrix_alloc(N, N);
    if (!rng || !z0 || !th || !th2 || !C || !Cx) {
        rc = fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(rng, o->seed);
    for (k = 0; k < N; k++)
        gsl_vector_set(z0, k, 0.1 * gsl_ran_gaussian(rng, 1.0));
    rc = lrs_theory_pcvar1(c->Wd, o->sigmax, th, &c->err);
    if (rc == LRS_EUNSTABLE) {
        have_theory = 0;
        rc = LRS_OK;
    } else if (rc) {
        goto done;
    } else {
        to_percent(th);
    }
    if ((rc = lrs_noise_alloc(&nz, N, o->taux, o->sigmax, o->dt, rng, &c->err)) ||
        (rc = lrs_input_alloc(&in, N, &c->err)) ||
        (rc = lrs_input_add_noise(in, nz, 1.0, NULL, &c->err)))
        goto done;
    p.W = c->Wd;
    p.f = o->f;
    p.tau = o->tau;
    p.dt = o->dt;
    p.T = o->T;
    p.z0 = z0;
    p.stop = &g_stop;
    if ((rc = lrs_sim_alloc(&sim, &p, &c->err)) || (rc = lrs_cov_alloc(&cov, N, &c->err)) ||
        (rc = lrs_cov_alloc(&covx, N, &c->err)) || (rc = lrs_pca_alloc(&pca, N, &c->err)))
        goto done;
    obs[0] = lrs_cov_observer(cov, LRS_FIELD_Z, discard);
    obs[1] = lrs_cov_observer(covx, LRS_FIELD_X, discard);
    oldthreads = lrs_blas_set_threads(1);
    rc = lrs_sim_run(sim, in, obs, have_theory ? 2 : 1, &c->err);
    lrs_blas_set_threads(oldthreads);
    if (rc) {
        if (rc == LRS_EDIVERGE && !have_theory)
            fail(c, rc, "%s: %s (the linear part is unstable; try a smaller --scale)", o->file,
                 c->err.msg);
        goto done;
    }
    if ((rc = lrs_cov_get(cov, C, &c->err)) || (rc = lrs_pca_from_cov(pca, C, 0, 0, &c->err)))
        goto done;
    /* theory 2: the quasi-static prediction with the run's own input covariance */
    if (have_theory) {
        if ((rc = lrs_cov_get(covx, Cx, &c->err)) ||
            (rc = lrs_theory_pcvar2(c->Wd, Cx, th2, &c->err)))
            goto done;
        to_percent(th2);
    }
    fprintf(c->hdr.fp,
            "# simulated: tau dz/dt = -z + %s f(z) + x, f = %s, tau = %g, dt = %g, T = %g, "
            "smooth noise tau_x = %g, sigma_x = %g, seed %lu; PCA over t >= %g (%zu samples)\n",
            c->shift != 0 ? "(I + J)" : "W", lrs_sim_transfer_name(o->f), o->tau, o->dt, o->T,
            o->taux, o->sigmax, o->seed, discard, lrs_cov_count(cov));
    if (!have_theory)
        fprintf(c->hdr.fp, "# theory_pct: not defined (the linear network is unstable)\n");
    else if (o->f != LRS_F_IDENTITY)
        fprintf(c->hdr.fp, "# theory_pct: theory 1 of the linear network (f = identity)\n");
    fprintf(c->hdr.fp, "# theory2_pct: theory 2, the eigenvalues of (I-W)^-1 C_x (I-W)^-T with "
                       "C_x the run's own input covariance (corrects for the finite sample)\n");
    fprintf(d, "# index\tsim_pct\ttheory_pct\ttheory2_pct\n");
    for (k = 0; k < N; k++) {
        if (have_theory)
            fprintf(d, "%zu\t%.12g\t%.12g\t%.12g\n", k + 1, gsl_vector_get(pca->pct, k),
                    gsl_vector_get(th, k), gsl_vector_get(th2, k));
        else
            fprintf(d, "%zu\t%.12g\tNaN\tNaN\n", k + 1, gsl_vector_get(pca->pct, k));
    }
    fprintf(c->gp.fp,
            "set title 'PC spectrum of z: simulation vs theory (%s)'\nset xlabel 'PC index'\n"
            "set ylabel '%% variance explained'\nset logscale y\nset grid\nset key top right\n"
            "plot $simulate using 1:2 with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'simulated'%s\n",
            o->file,
            have_theory ? ", $simulate using 1:3 with lines lw 2 lc rgb '#d62728' title 'theory 1', "
                          "$simulate using 1:4 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'theory 2 (sample C_x)'"
                        : "");
done:
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_noise_free(nz);
    lrs_cov_free(cov);
    lrs_cov_free(covx);
    lrs_pca_free(pca);
    gsl_vector_free(z0);
    gsl_vector_free(th);
    gsl_vector_free(th2);
    if (C)
        gsl_matrix_free(C);
    if (Cx)
        gsl_matrix_free(Cx);
    gsl_rng_free(rng);
    return rc;
}

/* ------------------------------------------------------------------ response */

/* Unit vector d with its largest-magnitude component positive. */
static void fix_sign(gsl_vector *d)
{
    size_t k, imax = 0;
    for (k = 0; k < d->size; k++)
        if (fabs(gsl_vector_get(d, k)) > fabs(gsl_vector_get(d, imax)))
            imax = k;
    if (gsl_vector_get(d, imax) < 0)
        gsl_vector_scale(d, -1.0);
}

/* ||(I - Wd)^{-1} b|| for each column b of B (N x 2): steady states. */
static int steady_norms(ctx_t *c, const gsl_vector *d, const gsl_vector *u, double *nd,
                        double *nu)
{
    size_t N = d->size;
    gsl_matrix *A = i_minus(c, c->Wd);
    gsl_permutation *perm = gsl_permutation_alloc(N);
    gsl_vector *y = gsl_vector_alloc(N);
    int sgn, rc = LRS_OK;
    if (!A || !perm || !y) {
        rc = A ? fail(c, LRS_ENOMEM, "out of memory") : c->err.code;
        goto done;
    }
    if (gsl_linalg_LU_decomp(A, perm, &sgn) || gsl_linalg_LU_solve(A, perm, d, y)) {
        rc = fail(c, LRS_ENUMERIC, "I - W is singular");
        goto done;
    }
    *nd = gsl_blas_dnrm2(y);
    if (gsl_linalg_LU_solve(A, perm, u, y)) {
        rc = fail(c, LRS_ENUMERIC, "I - W is singular");
        goto done;
    }
    *nu = gsl_blas_dnrm2(y);
done:
    if (A)
        gsl_matrix_free(A);
    gsl_permutation_free(perm);
    gsl_vector_free(y);
    return rc;
}

static int cmd_response(ctx_t *c)
{
    opts_t *o = c->o;
    FILE *d = block(c, "response");
    size_t N = c->M->size1, k;
    gsl_rng *rng = NULL;
    gsl_vector *z0 = NULL, *dir = NULL, *ur = NULL, *s = NULL;
    gsl_matrix *U = NULL, *V = NULL, *B = NULL;
    lrs_trace_t *tr = NULL;
    lrs_observer_t extra;
    lrs_sim_params_t p = lrs_sim_params_default();
    lrs_perturb_windows_t win;
    lrs_step_result_t res;
    static const char *dname[3] = {"u (top left singular vector of W)",
                                   "v (top right singular vector of W)",
                                   "opt (top left singular vector of I - W: most suppressed)"};
    double na = 0, nr = 0, pa = NAN, pu = NAN, re = 0, im = 0;
    int rc = LRS_OK, oldthreads, stable;

    if (!d)
        return fail(c, LRS_ENOMEM, "out of memory");
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    z0 = gsl_vector_alloc(N);
    dir = gsl_vector_alloc(N);
    ur = gsl_vector_alloc(N);
    s = gsl_vector_alloc(N);
    U = gsl_matrix_alloc(N, N);
    V = gsl_matrix_alloc(N, N);
    if (!rng || !z0 || !dir || !ur || !s || !U || !V) {
        rc = fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    /* the aligned direction */
    if (o->direction == 2) {
        if (!(B = i_minus(c, c->Wd))) {
            rc = c->err.code;
            goto done;
        }
        if ((rc = lrs_spectra_svd(B, s, U, V, &c->err)))
            goto done;
        gsl_matrix_get_col(dir, U, 0);
    } else {
        if ((rc = lrs_spectra_svd(c->M, s, U, V, &c->err)))
            goto done;
        gsl_matrix_get_col(dir, o->direction == 0 ? U : V, 0);
    }
    fix_sign(dir);
    gsl_rng_set(rng, o->seed);
    for (k = 0; k < N; k++)
        gsl_vector_set(z0, k, 0.1 / sqrt((double)N) * gsl_ran_gaussian(rng, 1.0));
    if ((rc = lrs_conn_random_unit(rng, ur, &c->err)))
        goto done;
    if ((rc = lrs_spectra_max_real_eig(c->M, &re, &im, &c->err)))
        goto done;
    re += c->shift;
    stable = re < 1.0;
    if (stable && o->f == LRS_F_IDENTITY && (rc = steady_norms(c, dir, ur, &pa, &pu)))
        goto done;

    p.W = c->Wd;
    p.f = o->f;
    p.tau = o->tau;
    p.dt = o->dt;
    p.z0 = z0;
    p.stop = &g_stop;
    win = lrs_perturb_windows_default();
    win.c_x = o->amp;
    if (o->trace || o->gnuplot) {
        size_t every = (size_t)llround(0.1 / o->dt);
        fprintf(d, "# t\tnorm_z\n");
        fflush(d);
        if ((rc = lrs_trace_alloc(&tr, d, every ? every : 1, win.T, 0, &c->err)))
            goto done;
        extra = lrs_trace_observer(tr);
    }
    memset(&res, 0, sizeof res);
    oldthreads = lrs_blas_set_threads(1);
    rc = lrs_perturb_step(&p, dir, ur, &win, tr ? &extra : NULL, tr ? 1 : 0, &res, &c->err);
    lrs_blas_set_threads(oldthreads);
    if (rc) {
        if (rc == LRS_EDIVERGE && !stable) {
            char adv[512];
            unstable_advice(c, re, adv, sizeof adv);
            fail(c, rc, "%s: %s; %s", o->file, c->err.msg, adv);
        }
        goto done;
    }
    na = res.norm_aligned;
    nr = res.norm_random;
    fprintf(c->hdr.fp,
            "# step protocol (lrs_perturb_step): tau dz/dt = -z + %s f(z) + x, f = %s, tau = %g, "
            "dt = %g, T = %g; z(0) = 0.1/sqrt(N) randn (seed %lu); %g * d on [%g, %g) with d = %s; "
            "%g * u_rand on [%g, %g)\n",
            c->shift != 0 ? "(I + J)" : "W", lrs_sim_transfer_name(o->f), o->tau, o->dt, win.T,
            o->seed, o->amp, win.on1, win.off1, dname[o->direction], o->amp, win.on2, win.off2);
    if (!stable)
        fprintf(c->hdr.fp, "# warning: the linear network is unstable (max Re eig(W) = %.4g)\n",
                re);
    if (!o->trace) {
        FILE *kv = o->gnuplot ? c->hdr.fp : d;
        const char *pre = o->gnuplot ? "# " : "";
        if (!o->gnuplot)
            fprintf(d, "# name\tvalue\n");
        fprintf(kv, "%saligned_response\t%.10g\n", pre, na);
        fprintf(kv, "%srandom_response\t%.10g\n", pre, nr);
        fprintf(kv, "%sratio\t%.10g\n", pre, na > 0 ? nr / na : INFINITY);
        if (isfinite(pa))
            fprintf(kv, "%spredicted_ratio\t%.10g\n", pre, pu / pa);
    }
    fprintf(c->gp.fp,
            "set title sprintf('Step responses (%s): ratio random/aligned = %%.3g', %.6g)\n"
            "set xlabel 't'\nset ylabel '||z||'\nset grid\n"
            "set object 1 rect from 15, graph 0 to 40, graph 1 fc rgb '#d62728' fs transparent solid 0.12 noborder\n"
            "set object 2 rect from 55, graph 0 to 80, graph 1 fc rgb '#7f7f7f' fs transparent solid 0.12 noborder\n"
            "set label 1 'aligned' at 27.5, graph 0.95 center\nset label 2 'random' at 67.5, graph 0.95 center\n"
            "plot $response using 1:2 with lines lw 2 lc rgb '#1f77b4'\n",
            o->file, na > 0 ? nr / na : INFINITY);
done:
    gsl_rng_free(rng);
    gsl_vector_free(z0);
    gsl_vector_free(dir);
    gsl_vector_free(ur);
    gsl_vector_free(s);
    if (U)
        gsl_matrix_free(U);
    if (V)
        gsl_matrix_free(V);
    if (B)
        gsl_matrix_free(B);
    lrs_trace_free(tr);
    return rc;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    opts_t o;
    ctx_t c;
    int st, rc = LRS_OK, k;
    struct sigaction sa;

    gsl_set_error_handler_off();
    st = parse_args(argc, argv, &o);
    if (st >= 0)
        return st;
    /* Runs that check a stop flag (simulations, the SIS relaxation) stop
     * cleanly on the first Ctrl-C; a second one, or one during a LAPACK call
     * of another subcommand, ends the process at once.  Either way nothing
     * was written yet: output is only written at the very end. */
    if (strcmp(o.sub->name, "simulate") == 0 || strcmp(o.sub->name, "response") == 0 || o.sis) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }

    memset(&c, 0, sizeof c);
    c.o = &o;
    lrs_err_clear(&c.err);
    if (mem_open(&c.hdr) || mem_open(&c.gp)) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_DATA;
    }
    rc = load(&c);
    if (rc == LRS_OK) {
        const char *n = o.sub->name;
        if (strcmp(n, "report") == 0)
            rc = cmd_report(&c);
        else if (strcmp(n, "svals") == 0)
            rc = cmd_svals(&c);
        else if (strcmp(n, "eig") == 0)
            rc = cmd_eig(&c);
        else if (strcmp(n, "ranks") == 0)
            rc = cmd_ranks(&c);
        else if (strcmp(n, "overlap") == 0)
            rc = cmd_overlap(&c);
        else if (strcmp(n, "spectrum") == 0)
            rc = cmd_spectrum(&c);
        else if (strcmp(n, "simulate") == 0)
            rc = cmd_simulate(&c);
        else if (strcmp(n, "response") == 0)
            rc = cmd_response(&c);
    }
    if (rc == LRS_OK && g_stop)
        rc = LRS_EINTR;
    st = 0;
    if (rc != LRS_OK) {
        if (rc == LRS_EINTR) {
            fprintf(stderr, PROG ": interrupted\n");
            st = EXIT_INTR;
        } else {
            /* reader messages already start with FILE:LINE:COL; library
             * messages from the analysis get the file name in front */
            const char *m = c.err.msg;
            size_t fl = strlen(o.file);
            const char *shown = strcmp(o.file, "-") == 0 ? "<stdin>" : o.file;
            if (strncmp(m, shown, strlen(shown)) == 0 || strncmp(m, o.file, fl) == 0)
                fprintf(stderr, "%s\n", m);
            else
                fprintf(stderr, "%s: %s\n", shown, m[0] ? m : lrs_strerror(rc));
            st = EXIT_DATA;
        }
    } else if (emit(&c) != 0) {
        st = EXIT_DATA;
    }
    mem_close(&c.hdr);
    mem_close(&c.gp);
    for (k = 0; k < c.nblk; k++)
        mem_close(&c.blk[k]);
    if (c.Wd && c.Wd != c.M)
        gsl_matrix_free(c.Wd);
    if (c.M)
        gsl_matrix_free(c.M);
    lrs_io_read_info_clear(&c.info);
    return st;
}
