/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs-analyze -- is a network low-rank, and will dynamics on it be
 * high-dimensional with low-rank suppression?  (arXiv:2504.13727)
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
 * Linear dynamics analysed (arXiv:2504.13727, linear theory):
 * tau dz/dt = -z + W z + x(t), with W the matrix read (or W = I + J for the
 * SIS Jacobian J, so that the linearised epidemic reads dz/dt = J z + x).
 * Theory 1: the k-th PC variance of z is sigma_x^2 / sigma_{N+1-k}(I - W)^2.
 *
 * This file: the command table (the one place that names each subcommand),
 * signals, exit codes and the error line.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "analyze.h"
#include "cmd_sparse.h"

volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* The first entry is the default subcommand. */
const cmd_t analyze_cmds[] = {
    {"report", cmd_report, S_REPORT, CMD_TEXT,
     "a human-readable summary with two verdicts (the default)",
     "Prints, one per line: size, format, density, symmetric?, normal? (relative\n"
     "commutator norm), the top singular values, the eight effective ranks, the\n"
     "eigenvalue of largest real part and the stability of tau dz/dt = -z + W z + x\n"
     "(with a suggested --scale if unstable), cond(I - W) (warning above 1e12), the\n"
     "overlap matrix P = U_r^T V_r of the top-r part and its singular values, and two\n"
     "verdicts from the predicted PC variances of z (theory 1 of arXiv:2504.13727):\n"
     "  low_rank_suppression  how far the smallest PC variance falls below the bulk\n"
     "                        reference (from I - W without its min(10, N/2) largest\n"
     "                        singular values; lrs/verdict.h, as with --sparse)\n"
     "  high_dimensional      how far the largest rises above it\n"
     "Example:\n"
     "  lrs-analyze report contacts.csv --undirected --normalize\n"},
    {"svals", cmd_svals, S_SVALS, 0,
     "singular values of W, descending (index, sigma)",
     "Columns: index (from 1), sigma.\n"
     "Example:\n"
     "  lrs-analyze svals net.csv --gnuplot --png svals.png | gnuplot\n"
     "  gnuplot -p -e \"set logscale y; plot '< lrs-analyze svals net.csv' using 1:2\"\n"},
    {"eig", cmd_eig, S_EIG, 0,
     "eigenvalues of W by descending real part (index, real, imag)",
     "Columns: index, real, imag; sorted by descending real part.  The linear\n"
     "network is stable when every real part is below 1.\n"
     "Example:\n"
     "  lrs-analyze eig W.npy --gnuplot | gnuplot -p\n"},
    {"ranks", cmd_ranks, S_RANKS, 0,
     "the eight effective ranks (name, value)",
     "One 'name<TAB>value' line each for rank (numerical), optimal_threshold\n"
     "(Gavish-Donoho 2014), optimal_shrinkage (Gavish-Donoho 2017), erank (Roy &\n"
     "Vetterli 2007), elbow, energy_ratio (90% of sum sigma^2), stable_rank and\n"
     "nuclear_rank (Thibeault, Allard & Desrosiers, Nat Phys 2024).\n"
     "Example:\n"
     "  lrs-analyze ranks edges.txt --ids --base 1 --undirected\n"},
    {"overlap", cmd_overlap, S_OVERLAP, 0,
     "overlap matrix P = U_r^T V_r of the top-r part and its singular values",
     "Prints the r x r matrix P = U_r^T V_r (U_r, V_r: top-r left/right singular\n"
     "vectors of W), then, after two blank lines, its singular values (index,\n"
     "sigma).  All near 1: EP-like low-rank part (high-dimensional responses); a\n"
     "small one: an amplified direction.  r: --rank, default the optimal-threshold\n"
     "rank, at most 10.\n"
     "Example:\n"
     "  lrs-analyze overlap W.mtx --rank 2\n"},
    {"spectrum", cmd_spectrum, S_SPECTRUM, 0,
     "predicted % variance explained of z (theory 1) and of x",
     "Columns: index, pct_z (theory 1: 100 var_k / sum var, var_k = sigma_x^2 /\n"
     "sigma_{N+1-k}(I - W)^2), pct_x (the iid input: 100/N each).  Needs a stable\n"
     "network (max Re eig(W) < 1).\n"
     "--exact adds pct_exact: the exact stationary covariance of tau dz/dt = -z + W z\n"
     "+ x for input of correlation time --taux (10) and time constant --tau (1)\n"
     "(lrs/exact.h; no quasi-static approximation; the route is in the header).\n"
     "Example:\n"
     "  lrs-analyze spectrum net.csv --scale 0.02 --gnuplot | gnuplot -p\n"
     "  lrs-analyze spectrum net.csv --exact --taux 2\n"},
    {"simulate", cmd_simulate, S_SIMULATE, CMD_INTERRUPTIBLE,
     "simulate the driven network; simulated vs predicted PC % variance",
     "Simulates tau dz/dt = -z + W f(z) + x(t) (forward Euler; x smooth Gaussian\n"
     "noise of variance sigma_x^2 and correlation time tau_x; z(0) = 0.1 randn),\n"
     "takes the PCA of z over t >= discard, and prints index, sim_pct (simulated\n"
     "% variance explained), theory_pct (theory 1, linear) and theory2_pct (theory 2:\n"
     "theory 1 with the run's own input covariance, which follows the finite sample).\n"
     "Parameters: --T (5000) --dt (0.01) --tau (1) --taux (10) --sigmax (1) --seed (1)\n"
     "--f identity|tanh|relu (identity) --discard (10 (tau + taux)).\n"
     "With --sparse (no N x N covariance, no PCA): the variances of z along the\n"
     "top-K left singular vectors of W and along K random unit vectors (--top K),\n"
     "each beside its theory-1 prediction (man lrs-analyze, LARGE SPARSE NETWORKS).\n"
     "Example:\n"
     "  lrs-analyze simulate W.npy --T 1000 --f tanh --gnuplot --png sim.png | gnuplot\n"
     "  lrs-analyze --sparse simulate net.mtx --T 500 --dt 0.1 --top 5\n"},
    {"response", cmd_response, S_RESPONSE, CMD_INTERRUPTIBLE,
     "aligned vs random step response ratio",
     "Step protocol of arXiv:2504.13727 (Figs 1-2): z(0) = 0.1/sqrt(N) randn, input\n"
     "amp*d on [15, 40) along the aligned direction d, then amp*u_rand on [55, 80)\n"
     "along a random unit vector, T = 100.  Prints aligned_response = ||z|| just\n"
     "before t = 40, random_response = ||z|| just before t = 80, their ratio\n"
     "(random/aligned; above 1: the aligned input is suppressed) and, for a linear\n"
     "network, the steady-state prediction ||(I-W)^-1 u_rand|| / ||(I-W)^-1 d||.\n"
     "d: --direction u (top left singular vector of W, default), v (top right) or\n"
     "opt (the most suppressed input: top left singular vector of I - W).\n"
     "--trace prints t and ||z|| instead (every 0.1 time units).\n"
     "Parameters: --amp (1) --dt (0.01) --tau (1) --seed (1) --f (identity).\n"
     "Example:\n"
     "  lrs-analyze response W.npy --direction opt\n"},
};
const size_t analyze_ncmds = sizeof analyze_cmds / sizeof analyze_cmds[0];

const cmd_t *analyze_find_cmd(const char *name)
{
    size_t k;
    for (k = 0; k < analyze_ncmds; k++)
        if (strcmp(analyze_cmds[k].name, name) == 0)
            return &analyze_cmds[k];
    return NULL;
}

/* Runs that check a stop flag (simulations, the SIS relaxation) stop cleanly
 * on the first Ctrl-C; a second one, or one during a LAPACK call of another
 * subcommand, ends the process at once.  Either way nothing was written yet:
 * output is only written at the very end. */
static void catch_signals(const opts_t *o)
{
    struct sigaction sa;
    if (!(o->sub->flags & CMD_INTERRUPTIBLE) && !o->sis)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The one error line for a failed run; returns the exit status. */
static int report_error(const ctx_t *c, int rc)
{
    const char *file = c->o->file, *m = c->err.msg;
    const char *shown = strcmp(file, "-") == 0 ? "<stdin>" : file;
    if (rc == LRS_EINTR) {
        fprintf(stderr, PROG ": interrupted\n");
        return EXIT_INTR;
    }
    /* reader messages already start with FILE:LINE:COL; library messages
     * from the analysis get the file name in front */
    if (strncmp(m, shown, strlen(shown)) == 0 || strncmp(m, file, strlen(file)) == 0)
        fprintf(stderr, "%s\n", m);
    else
        fprintf(stderr, "%s: %s\n", shown, m[0] ? m : lrs_strerror(rc));
    return EXIT_DATA;
}

static void ctx_free(ctx_t *c)
{
    int k;
    mem_close(&c->hdr);
    mem_close(&c->gp);
    for (k = 0; k < c->nblk; k++)
        mem_close(&c->blk[k]);
    if (c->linM != c->lin)
        lrs_linear_free(c->linM);
    lrs_linear_free(c->lin);
    if (c->Wd && c->Wd != c->M)
        gsl_matrix_free(c->Wd);
    if (c->M)
        gsl_matrix_free(c->M);
    lrs_io_read_info_clear(&c->info);
}

int main(int argc, char **argv)
{
    opts_t o;
    ctx_t c;
    int st, rc;

    gsl_set_error_handler_off();
    /* --sparse runs the sparse driver, unless help is asked for: the
     * general help (and each subcommand's) documents --sparse too. */
    int help = 0;
    for (st = 1; st < argc && strcmp(argv[st], "--"); st++)
        help |= !strcmp(argv[st], "--help") || !strcmp(argv[st], "-h");
    for (st = 1; !help && st < argc && strcmp(argv[st], "--"); st++)
        if (!strcmp(argv[st], "--sparse")) {
#ifdef LRS_HAVE_SPARSE
            return lrs_analyze_sparse(argc, argv);
#else
            fputs(LRS_SPARSE_MISSING_MSG, stderr);
            return EXIT_USAGE;
#endif
        }
    st = analyze_parse_args(argc, argv, &o);
    if (st >= 0)
        return st;
    catch_signals(&o);
    memset(&c, 0, sizeof c);
    c.o = &o;
    lrs_err_clear(&c.err);
    if (mem_open(&c.hdr) || mem_open(&c.gp)) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_DATA;
    }
    rc = analyze_load(&c);
    if (rc == LRS_OK)
        rc = o.sub->run(&c);
    if (rc == LRS_OK && g_stop)
        rc = LRS_EINTR;
    if (rc != LRS_OK)
        st = report_error(&c, rc);
    else
        st = analyze_emit(&c) != 0 ? EXIT_DATA : 0;
    ctx_free(&c);
    return st;
}
