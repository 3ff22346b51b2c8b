/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * args.c -- lrs-analyze's command line: one option table, each entry with
 * its setter, and the --help texts built from it and from the command table.
 */
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"

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

/* A number for option `name`, at least lo (above lo when lo_open). */
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

/* ------------------------------------------------------------------ setters
 * Each option's entry names its setter and, for the generic setters, the
 * field of opts_t it sets (an offset).  A setter returns 0, or EXIT_USAGE
 * after printing the usage error. */

struct optdef;
typedef int (*setter_t)(opts_t *o, const struct optdef *d, const char *val);

typedef struct optdef {
    const char *name;
    int has_arg;
    int mask; /* the subcommands (S_* bits) that take it */
    const char *arg;
    const char *help;
    setter_t set; /* NULL: handled before the table (--help) */
    size_t field; /* offsetof(opts_t, ...) for the generic setters */
} optdef_t;

#define FIELD(o, d, type) ((type *)((char *)(o) + (d)->field))

/* an int flag: 1 */
static int set_flag(opts_t *o, const optdef_t *d, const char *val)
{
    (void)val;
    *FIELD(o, d, int) = 1;
    return 0;
}

/* a double, > 0 */
static int set_positive(opts_t *o, const optdef_t *d, const char *val)
{
    return num_arg(d->name, val, FIELD(o, d, double), 0, 1) ? EXIT_USAGE : 0;
}

/* a size_t node count, 1 .. 2e9 */
static int set_count(opts_t *o, const optdef_t *d, const char *val)
{
    long long n;
    if (int_arg(d->name, val, &n, 1, 2000000000LL))
        return EXIT_USAGE;
    *FIELD(o, d, size_t) = (size_t)n;
    return 0;
}

/* a file name */
static int set_path(opts_t *o, const optdef_t *d, const char *val)
{
    *FIELD(o, d, const char *) = val;
    return 0;
}

static int set_format(opts_t *o, const optdef_t *d, const char *val)
{
    lrs_err_t e;
    (void)d;
    if (lrs_io_format_parse(val, &o->rd.format, &e))
        return usage_error("bad value for --format: %s", e.msg);
    return 0;
}

static int set_base(opts_t *o, const optdef_t *d, const char *val)
{
    long long b;
    if (int_arg(d->name, val, &b, 0, 1))
        return EXIT_USAGE;
    o->rd.base = (int)b;
    return 0;
}

static int set_scale(opts_t *o, const optdef_t *d, const char *val)
{
    if (num_arg(d->name, val, &o->scale, -INFINITY, 0))
        return EXIT_USAGE;
    if (o->scale == 0)
        return usage_error("bad value for --scale: must be non-zero ('%s')", val);
    o->have_scale = 1;
    return 0;
}

static int set_model(opts_t *o, const optdef_t *d, const char *val)
{
    (void)d;
    if (strcmp(val, "sis") != 0)
        return usage_error("bad value for --model: expected 'sis' ('%s')", val);
    o->sis = 1;
    return 0;
}

static int set_rank(opts_t *o, const optdef_t *d, const char *val)
{
    long long r;
    if (int_arg(d->name, val, &r, 1, 1000000))
        return EXIT_USAGE;
    o->rank = (long)r;
    return 0;
}

static int set_discard(opts_t *o, const optdef_t *d, const char *val)
{
    if (num_arg(d->name, val, &o->discard, 0, 0))
        return EXIT_USAGE;
    o->have_discard = 1;
    return 0;
}

static int set_seed(opts_t *o, const optdef_t *d, const char *val)
{
    long long s;
    if (int_arg(d->name, val, &s, 0, 4294967295LL))
        return EXIT_USAGE;
    o->seed = (unsigned long)s;
    return 0;
}

static int set_f(opts_t *o, const optdef_t *d, const char *val)
{
    lrs_err_t e;
    (void)d;
    if (lrs_sim_transfer_parse(val, &o->f, &e))
        return usage_error("bad value for --f: expected identity, tanh or relu ('%s')", val);
    return 0;
}

static int set_amp(opts_t *o, const optdef_t *d, const char *val)
{
    return num_arg(d->name, val, &o->amp, -INFINITY, 0) ? EXIT_USAGE : 0;
}

static int set_direction(opts_t *o, const optdef_t *d, const char *val)
{
    static const struct {
        const char *name;
        direction_t dir;
    } dirs[] = {{"u", DIR_U}, {"v", DIR_V}, {"opt", DIR_OPT}};
    size_t k;
    (void)d;
    for (k = 0; k < sizeof dirs / sizeof dirs[0]; k++)
        if (strcmp(val, dirs[k].name) == 0) {
            o->direction = dirs[k].dir;
            return 0;
        }
    return usage_error("bad value for --direction: expected u, v or opt ('%s')", val);
}

static int set_png(opts_t *o, const optdef_t *d, const char *val)
{
    (void)d;
    o->png = val;
    o->gnuplot = 1;
    return 0;
}

/* ------------------------------------------------------------------ the option table */

#define OFF(member) offsetof(opts_t, member)
static const optdef_t optdefs[] = {
    {"--format", 1, S_ALL, "F", "input format: auto, dense, edges, mtx, npy, npz, mat, graphml, gml, pajek, "
     "ncol, lgl, dimacs, dl (default auto: magic bytes, extension, content)", set_format, 0},
    {"--var", 1, S_ALL, "NAME", ".mat/.npz: the variable (member) to read (default: the only 2-D square "
     "numeric one)", set_path, OFF(rd.var)},
    {"--key", 1, S_ALL, "NAME", "the same as --var", set_path, OFF(rd.var)},
    {"--weight-attr", 1, S_ALL, "NAME", "graph formats: numeric edge attribute used as weight (default "
     "'weight' when present, else 1)", set_path, OFF(rd.weight_attr)},
    {"--ids", 0, S_ALL, NULL, "edge list: integer node ids (default: names, numbered in order of appearance)", set_flag, OFF(rd.ids)},
    {"--base", 1, S_ALL, "B", "edge list with --ids: first id, 0 or 1 (default 0)", set_base, 0},
    {"--nodes", 1, S_ALL, "N", "edge list with --ids: number of nodes (default largest id + 1 - base)", set_count, OFF(rd.nodes)},
    {"--compact", 0, S_ALL, NULL, "edge list with --ids: drop ids that never occur", set_flag, OFF(rd.compact)},
    {"--undirected", 0, S_ALL, NULL, "edge list, graph formats: symmetrise (W_ij = W_ji; graphs are "
     "otherwise as directed as the file says)", set_flag, OFF(rd.undirected)},
    {"--max-n", 1, S_ALL, "N", "refuse matrices larger than N x N (default 20000)", set_count, OFF(rd.max_n)},
    {"--transpose", 0, S_ALL, NULL, "use W^T (edge lists read W[src][dst]; this gives W[dst][src])", set_flag, OFF(transpose)},
    {"--scale", 1, S_ALL, "S", "multiply W by S (first transform)", set_scale, 0},
    {"--normalize", 0, S_ALL, NULL, "divide W by its largest singular value (second)", set_flag, OFF(normalize)},
    {"--sparse", 0, S_ALL, NULL, "large sparse networks with SLEPc/PETSc, under mpiexec too: report, svals, eig, "
     "ranks, simulate, convert; --top K, --ncv, --tol, --max-it, --probes, --lanczos; PETSc options after -- "
     "(needs the sparse module: make deps-sparse sparse)", set_flag, OFF(sparse)},
    {"--model", 1, S_ALL, "sis", "use the Jacobian J of the SIS epidemic model at its fixed point (third)", set_model, 0},
    {"--coupling", 1, S_ALL, "G", "SIS coupling gamma (default 3)", set_positive, OFF(coupling)},
    {"--rank", 1, S_REPORT | S_OVERLAP, "R", "rank r of the overlap matrix (default optimal threshold, at most 10)", set_rank, 0},
    {"--sigmax", 1, S_REPORT | S_SPECTRUM | S_SIMULATE, "X", "input standard deviation sigma_x (default 1)", set_positive, OFF(sigmax)},
    {"--T", 1, S_SIMULATE, "T", "simulated time (default 5000)", set_positive, OFF(T)},
    {"--dt", 1, S_SIMULATE | S_RESPONSE, "DT", "Euler step (default 0.01)", set_positive, OFF(dt)},
    {"--tau", 1, S_SIMULATE | S_RESPONSE | S_SPECTRUM, "TAU", "time constant (default 1)", set_positive, OFF(tau)},
    {"--taux", 1, S_SIMULATE | S_SPECTRUM, "TX", "input correlation time tau_x (default 10)", set_positive, OFF(taux)},
    {"--exact", 0, S_SPECTRUM, NULL, "add the exact stationary covariance's % variance (pct_exact)", set_flag, OFF(exact)},
    {"--discard", 1, S_SIMULATE, "D", "PCA over t >= D (default 10 (tau + taux))", set_discard, 0},
    {"--seed", 1, S_ALL, "S", "random seed of simulations and of the SIS start (default 1)", set_seed, 0},
    {"--f", 1, S_SIMULATE | S_RESPONSE, "F", "transfer function identity, tanh or relu", set_f, 0},
    {"--float32", 0, S_SIMULATE | S_RESPONSE, NULL, "f(z) and W f(z) in float32, as PyTorch computes; a float16 W is kept in 16 bits", set_flag, OFF(float32)},
    {"--amp", 1, S_RESPONSE, "A", "step amplitude c_x (default 1)", set_amp, 0},
    {"--direction", 1, S_RESPONSE, "D", "aligned direction: u, v or opt (default u)", set_direction, 0},
    {"--trace", 0, S_RESPONSE, NULL, "print t and ||z|| instead of the ratio", set_flag, OFF(trace)},
    {"-o", 1, S_ALL, "FILE", "write to FILE (atomically: temporary file, then rename); FILE.npy: the "
     "numeric table as a float64 NumPy array, columns as in the TSV (svals: index, sigma; eig: index, "
     "real, imag; spectrum: its TSV columns; overlap: the r x r matrix P)", set_path, OFF(out)},
    {"--gnuplot", 0, S_ALL, NULL, "print a gnuplot script with the data inline", set_flag, OFF(gnuplot)},
    {"--png", 1, S_ALL, "FILE", "with --gnuplot: the script writes FILE (implies --gnuplot)", set_png, 0},
    {"--help", 0, S_ALL, NULL, "this help", NULL, 0},
};
#define NOPTS (sizeof optdefs / sizeof optdefs[0])

/* ------------------------------------------------------------------ help */

static void print_opt(FILE *fp, const optdef_t *d)
{
    fprintf(fp, "  %-12s %-5s %s\n", d->name, d->arg ? d->arg : "", d->help);
}

static void usage_general(FILE *fp)
{
    size_t k;
    fprintf(fp,
            "Usage: " PROG " [SUBCOMMAND] FILE [OPTIONS]\n"
            "Is a network low-rank, and will dynamics on it be high-dimensional, with\n"
            "low-rank suppression?  (Wan & Rosenbaum 2025; see man lrs-analyze)\n\n"
            "FILE: dense text (CSV/TSV/space, optional header and label column), edge\n"
            "list (src dst [weight]), Matrix Market .mtx, NumPy .npy/.npz, MATLAB .mat\n"
            "(v4, v5, v7.3), GraphML, GML, Pajek .net, NCOL, LGL, DIMACS, DL; any of them\n"
            "gzip/bzip2/xz-compressed; or - for stdin.  Format from magic bytes,\n"
            "extension and content (--format to force).\n\n"
            "Subcommands:\n");
    for (k = 0; k < analyze_ncmds; k++)
        fprintf(fp, "  %-9s %s\n", analyze_cmds[k].name, analyze_cmds[k].summary);
    fprintf(fp, "\nOptions (" PROG " SUBCOMMAND --help for each subcommand's):\n");
    for (k = 0; k < NOPTS; k++)
        if (optdefs[k].mask == S_ALL)
            print_opt(fp, &optdefs[k]);
    fprintf(fp,
            "\nOutput: TSV with '#' comment lines first (title, input, shape, options,\n"
            "column names); --gnuplot prints a gnuplot script instead.\n"
            "Exit status: 0 ok, 1 bad data or failed analysis, 2 bad usage.\n\n"
            "Examples:\n"
            "  " PROG " contacts.csv --undirected\n"
            "  " PROG " svals W.npy --gnuplot --png svals.png | gnuplot\n"
            "  " PROG " ranks edges.txt --ids --base 1\n");
}

static void usage_sub(FILE *fp, const cmd_t *s)
{
    size_t k;
    fprintf(fp, "Usage: " PROG " %s FILE [OPTIONS]\n%s: %s.\n\n%s\nOptions:\n", s->name,
            s->name, s->summary, s->help);
    for (k = 0; k < NOPTS; k++)
        if ((optdefs[k].mask & s->mask) && optdefs[k].mask != S_ALL)
            print_opt(fp, &optdefs[k]);
    fprintf(fp, "  (and the input/output options of " PROG " --help)\n");
}

/* ------------------------------------------------------------------ parsing */

static void set_defaults(opts_t *o)
{
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
    o->direction = DIR_U;
}

static void given_append(opts_t *o, const char *s)
{
    size_t n = strlen(o->given);
    if (n + strlen(s) + 2 < sizeof o->given)
        snprintf(o->given + n, sizeof o->given - n, "%s%s", n ? " " : "", s);
}

/* "report, svals, ... or response": the subcommand names, from the table. */
static void cmd_list(char *buf, size_t n)
{
    size_t k, len = 0;
    buf[0] = '\0';
    for (k = 0; k < analyze_ncmds && len < n; k++) {
        snprintf(buf + len, n - len, "%s%s",
                 k == 0 ? "" : k + 1 == analyze_ncmds ? " or " : ", ", analyze_cmds[k].name);
        len = strlen(buf);
    }
}

/* A word that is not an option: the subcommand, then the input file. */
static int positional(opts_t *o, const char *a)
{
    const cmd_t *s = (!o->sub && !o->file) ? analyze_find_cmd(a) : NULL;
    char names[256];
    if (s) {
        o->sub = s;
        o->sub_given = 1;
    } else if (!o->file) {
        o->file = a;
    } else if (!o->sub_given && analyze_find_cmd(a)) {
        return usage_error("the subcommand comes first: " PROG " %s %s", a, o->file);
    } else if (!o->sub_given && strcmp(o->file, "-") != 0 && access(o->file, F_OK) != 0) {
        cmd_list(names, sizeof names);
        return usage_error("unknown subcommand '%s' (expected %s)", o->file, names);
    } else {
        return usage_error("unexpected argument '%s' (the input is '%s')", a, o->file);
    }
    return 0;
}

/* The option argv[*i] (with its value, as --name=V or in the next word). */
static int option(opts_t *o, int argc, char **argv, int *i, const optdef_t **used)
{
    const char *a = argv[*i], *val = NULL, *eq = strchr(a, '=');
    const optdef_t *d = NULL;
    char name[64];
    size_t k;
    snprintf(name, sizeof name, "%.*s", (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
    for (k = 0; k < NOPTS && !d; k++)
        if (strcmp(optdefs[k].name, name) == 0)
            d = &optdefs[k];
    if (!d)
        return usage_error("unknown option '%s'", name);
    if (d->has_arg) {
        if (eq)
            val = eq + 1;
        else if (*i + 1 < argc)
            val = argv[++*i];
        else
            return usage_error("option %s needs a value (%s)", name, d->arg);
    } else if (eq) {
        return usage_error("option %s takes no value ('%s')", name, a);
    }
    given_append(o, name);
    if (val)
        given_append(o, val);
    *used = d;
    return d->set ? d->set(o, d, val) : 0;
}

/* Returns -1 to continue, or an exit status (0 after --help). */
int analyze_parse_args(int argc, char **argv, opts_t *o)
{
    int i, help = 0, st;
    const optdef_t *used[128], *d = NULL;
    size_t nused = 0, k;
    set_defaults(o);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if ((st = positional(o, a)))
                return st;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help = 1;
        } else {
            if ((st = option(o, argc, argv, &i, &d)))
                return st;
            if (nused < sizeof used / sizeof used[0])
                used[nused++] = d;
        }
    }
    if (!o->sub)
        o->sub = &analyze_cmds[0];
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
