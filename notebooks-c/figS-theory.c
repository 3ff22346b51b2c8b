/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-theory.c -- supplementary figure "Theory": simulated PC variances of the
 * Figure-1 network against the quasi-static theory, at two run lengths.
 *
 * arXiv:2504.13727, linear theory: when the input varies slowly (tau_x >> tau), the linear
 * network follows its quasi-steady state z ~ (I - W)^{-1} x, so
 *
 *   theory 1:  PC variance k = sigma_x^2 / sigma_{N+1-k}(I - W)^2
 *              (assumes the ideal input covariance sigma_x^2 I);
 *   theory 2:  eigenvalues of (I-W)^{-1} C_x (I-W)^{-T} with the run's own
 *              sample input covariance C_x;
 *   exact:     the exact stationary covariance of the network driven by the
 *              Gaussian-correlated input (lrs/exact.h; no quasi-static
 *              approximation, still the ideal input covariance): of the
 *              continuous-time network for the default exact-integrator runs,
 *              of the Euler recursion at dt with --euler.
 *
 * A finite run sees a sample input covariance C_x whose eigenvalues spread
 * around sigma_x^2 (Marchenko-Pastur-like: only about T / (sqrt(pi) tau_x)
 * independent input samples).  Theory 2 accounts for that spread, so it should
 * match the simulation at both lengths; theory 1 only becomes right as T grows
 * (its error shrinks roughly like 1/sqrt(T)).
 *
 * The two runs (T = 5e3 and 5e4) are independent and run in parallel.  Both
 * stream their states into covariance accumulators: the longer run needs no
 * more memory than the shorter one (peak RSS printed after each).  The network
 * is linear, so by default the runs use the exact integrator (lrs/exact.h) at
 * the step lrs_exact_default_step(tau_x) = tau_x / 20, which reaches the same
 * PC spectrum as forward Euler at dt = 0.01 within its sampling error in a
 * fiftieth of the steps; --euler runs the paper's forward Euler at dt.
 * One number differs systematically between the two schemes: the median
 * deviation of the long run from theory 2 is 0.0052-0.0056 over seeds 1-4
 * with the exact integrator and 0.0047-0.0051 with Euler at dt = 0.01 (the
 * discretisation's own O(dt) change of the covariance); every other summary
 * number stays within the spread across seeds.
 *
 * Panels: (a, b) PC variances of z, simulation vs theory 1, theory 2 and the
 * exact theory, log-log, at T = 5e3 and 5e4; (c, d) relative deviation of the
 * simulation from each theory; (e) PC variances of the input x at both
 * lengths vs sigma_x^2 (why theory 1 needs long runs); (f) singular values of
 * I - W (theory 1 is sigma_x^2 over their squares).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "nb.h"
#include "nb_noise.h"
#include "lrs/connectivity.h"
#include "lrs/exact.h"
#include "lrs/linear.h"
#include "lrs/noise.h"
#include "lrs/pca.h"
#include "lrs/sim.h"
#include "lrs/theory.h"

/* ------------------------------------------------------------ parameters */
#define N 200                       /* units (Figure 1) */
static const double C_LOWRANK = -10.0; /* W0 = c u u^T (normal rank one) */
static const double RHO = 0.5;      /* W1 = rho G / sqrt(N) */
static const double TAU = 1.0;      /* membrane time constant */
static const double DT = 0.01;      /* Euler step (--euler) */
static const double DT_FAST = 0.05;  /* --fast: coarser step (stable: dt (1 - c) = 0.55 < 2) */
static const double TAU_X = 10.0;   /* input correlation time */
static const double SIGMA_X = 2.0;  /* input standard deviation */
static const double T_RUN[2] = {5e3, 5e4};      /* the two run lengths */
static const double T_RUN_FAST[2] = {200, 2000}; /* --fast */
static const double Z0_SD = 0.1;    /* initial state 0.1 * randn */
static const double T_DISCARD = 20.0; /* drop the initial transient (20 tau) */
static const size_t NTOP = 190;     /* PCs compared (the top 190 of 200) */
/* The covariances use a step every STAT_DT time units (every step of the
 * exact integrator, every 10th Euler step at dt = 0.01): the input is smooth
 * on tau_x = 10, so this changes the PC variances far less than their
 * sampling error and saves two N^2 rank-1 updates per Euler step. */
static const double STAT_DT = 0.1;
/* The long run is one trajectory of T_long (LONG_SEGMENTS = 1), simulated
 * beside the short run on the other core.  LONG_SEGMENTS = k > 1 splits it
 * into k independent segments of T_long / k (own seeds and initial states,
 * covariances merged; the transient of each is discarded): statistically the
 * same stationary input in about 1/k of the wall time, but not one run. */
#define LONG_SEGMENTS 1
static const unsigned long DEFAULT_SEED = 1;  /* default --seed (as the other figures) */

/* One noise run (or one segment of the long run).  The covariance
 * accumulators belong to main, which merges segments; workers must not print
 * or exit, so errors come back in the context. */
typedef struct run {
    const gsl_matrix *W;
    const lrs_sim_method_t *method; /* lrs_sim_exact or lrs_sim_euler */
    double T, dt;
    size_t stat_every;     /* covariances use every stat_every-th step */
    unsigned long seed;
    const char *progress;  /* label of a progress line, or NULL */
    lrs_cov_t *cz, *cx;    /* accumulators of z and x (owned by main) */
    /* results */
    double seconds;        /* wall time of the run */
    double rss_mb;         /* process peak RSS when the run ended */
    lrs_err_t err;
    const char *what;      /* the call that failed */
} run_t;

static int noise_run(void *ctx)
{
    run_t *r = ctx;
    int rc = 0;
    lrs_err_t *err = &r->err;
    double t0 = lrs_wall_seconds();
    nb_noise_src_t src;
    lrs_sim_t *sim = NULL;
    nb_progress_t prog;

    NB_RUN_TRY(&r->what, nb_noise_src_init(&src, N, r->seed, Z0_SD, TAU_X, SIGMA_X, r->dt, err));
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = r->W;
    p.tau = TAU;
    p.method = r->method;
    p.dt = r->dt;
    p.T = r->T;
    p.z0 = src.z0;
    p.stop = &nb_stop;
    NB_RUN_TRY(&r->what, lrs_sim_alloc(&sim, &p, err));

    /* Covariances of z and of x over the same steps (t >= T_DISCARD):
     * streamed, nothing but two N x N scatter matrices is kept. */
    lrs_observer_t obs[3];
    size_t nobs = 0;
    obs[nobs++] = lrs_cov_observer_every(r->cz, LRS_FIELD_Z, T_DISCARD, r->stat_every);
    obs[nobs++] = lrs_cov_observer_every(r->cx, LRS_FIELD_X, T_DISCARD, r->stat_every);
    if (r->progress)
        obs[nobs++] = nb_progress_observer(&prog, r->progress, lrs_sim_steps(sim));
    NB_RUN_TRY(&r->what, lrs_sim_run(sim, src.in, obs, nobs, err));
    if (r->progress)
        nb_progress_done(&prog);
    r->rss_mb = lrs_peak_rss_mb();
    r->seconds = lrs_wall_seconds() - t0;
done:
    lrs_sim_free(sim);
    nb_noise_src_free(&src);
    return rc;
}

/* |sim_k - th_k| / th_k for k < n: median and maximum. */
static void rel_dev(const gsl_vector *sim, const gsl_vector *th, size_t n,
                    double *median, double *max)
{
    double d[N];
    for (size_t k = 0; k < n; k++)
        d[k] = fabs(gsl_vector_get(sim, k) / gsl_vector_get(th, k) - 1.0);
    gsl_sort(d, 1, n);
    *median = gsl_stats_median_from_sorted_data(d, 1, n);
    *max = d[n - 1];
}

/* Everything the figure computes, section by section (the owner of every
 * allocation; fig_free releases it). */
enum { NJOBS = 1 + LONG_SEGMENTS };
typedef struct fig {
    /* set-up */
    const double *Trun;               /* the two run lengths */
    const lrs_sim_method_t *method;   /* exact (default) or Euler (--euler) */
    double dt;
    size_t stat_every;
    /* network */
    gsl_matrix *W;
    gsl_vector *u, *v;
    lrs_linear_t *lin;                /* W prepared once */
    const gsl_vector *sIW;            /* singular values of I - W (owned by lin) */
    double re_max, im_max;
    /* runs: covariances of each length, PC variances */
    run_t runs[NJOBS];
    lrs_cov_t *cz[2], *cx[2];
    gsl_matrix *Cx[2];
    gsl_vector *pcz[2], *pcx[2];
    size_t samples[2];
    /* theories and deviations from them */
    gsl_vector *th1, *thx, *th2[2];
    double med1[2], max1[2], med2[2], max2[2], medx[2], maxx[2];
} fig_t;

static const char *TAG[2] = {"short", "long"};

/* ---------------------------------------------------------- network
 * Figure 1: W = c u u^T + rho G / sqrt(N), u a random unit vector.  W is
 * prepared once (lrs/linear.h): its eigenvalues (stability), the SVD and the
 * LU of I - W are computed on first use and shared by every theory below.
 * Singular values of I - W: theory 1 is sigma_x^2 / s_{N+1-k}^2.  The
 * largest (about |c| + 1) is the suppressed direction u. */
static void build_network(fig_t *f, gsl_rng *rng, lrs_err_t *err)
{
    f->W = gsl_matrix_calloc(N, N);
    f->u = gsl_vector_alloc(N);
    f->v = gsl_vector_alloc(N);
    NB_TRY(lrs_conn_rank1_vectors(rng, LRS_RANK1_NORMAL, f->u, f->v, err), err);
    NB_TRY(lrs_conn_add_rank1(f->W, C_LOWRANK, f->u, f->v, err), err);
    NB_TRY(lrs_conn_add_gaussian(f->W, RHO, rng, err), err);
    NB_TRY(lrs_linear_alloc(&f->lin, f->W, err), err);
    NB_TRY(lrs_linear_svd_imw(f->lin, &f->sIW, NULL, NULL, err), err);
    NB_TRY(lrs_linear_max_real_eig(f->lin, &f->re_max, &f->im_max, err), err);
}

/* ---------------------------------------------------------- the runs
 * Job 0 is the short run; jobs 1 .. LONG_SEGMENTS are independent segments
 * of the long one (own seeds and initial states), whose covariances are
 * merged: T_long / LONG_SEGMENTS each, so the two cores share the work.  The
 * short run ends first; the peak RSS printed after every job shows that the
 * long run needed no more memory. */
static void run_all(fig_t *f, const nb_args_t *a, lrs_err_t *err)
{
    void *ctx[NJOBS];
    const lrs_err_t *errs[NJOBS];
    const char *what[NJOBS];
    for (int j = 0; j < 2; j++) {
        NB_TRY(lrs_cov_alloc(&f->cz[j], N, err), err);
        NB_TRY(lrs_cov_alloc(&f->cx[j], N, err), err);
    }
    for (int j = 0; j < NJOBS; j++) {
        run_t *r = &f->runs[j];
        memset(r, 0, sizeof *r);
        r->W = f->W;
        r->T = j == 0 ? f->Trun[0] : f->Trun[1] / LONG_SEGMENTS;
        r->method = f->method;
        r->dt = f->dt;
        r->stat_every = f->stat_every;
        r->seed = a->seed + 1 + (unsigned long)j;
        r->progress = j == 1 ? "long run" : NULL;
        if (j <= 1) {
            r->cz = f->cz[j];
            r->cx = f->cx[j];
        } else if ((lrs_cov_alloc(&r->cz, N, err)) || lrs_cov_alloc(&r->cx, N, err)) {
            nb_die(err, "lrs_cov_alloc");
        }
        ctx[j] = r;
    }
    nb_parallel(a->jobs, NJOBS, noise_run, ctx);
    for (int j = 0; j < NJOBS; j++) {
        errs[j] = &f->runs[j].err;
        what[j] = f->runs[j].what;
    }
    nb_noise_check(errs, what, NJOBS);
    for (int j = 2; j < NJOBS; j++) {
        NB_TRY(lrs_cov_merge(f->cz[1], f->runs[j].cz, err), err);
        NB_TRY(lrs_cov_merge(f->cx[1], f->runs[j].cx, err), err);
        lrs_cov_free(f->runs[j].cz);
        lrs_cov_free(f->runs[j].cx);
    }
}

/* PCA of z and x for each length (variances only); keeps each length's
 * sample C_x for theory 2. */
static void pca_all(fig_t *f, lrs_err_t *err)
{
    gsl_matrix *Cz = gsl_matrix_alloc(N, N);
    lrs_pca_t *pca = NULL;
    NB_TRY(lrs_pca_alloc(&pca, N, err), err);
    for (int j = 0; j < 2; j++) {
        f->samples[j] = lrs_cov_count(f->cz[j]);
        f->pcz[j] = gsl_vector_alloc(N);
        f->pcx[j] = gsl_vector_alloc(N);
        f->Cx[j] = gsl_matrix_alloc(N, N);
        NB_TRY(lrs_cov_get(f->cz[j], Cz, err), err);
        NB_TRY(lrs_cov_get(f->cx[j], f->Cx[j], err), err);
        NB_TRY(lrs_pca_from_cov(pca, Cz, 0, 0, err), err);
        gsl_vector_memcpy(f->pcz[j], pca->var);
        NB_TRY(lrs_pca_from_cov(pca, f->Cx[j], 0, 0, err), err);
        gsl_vector_memcpy(f->pcx[j], pca->var);
    }
    lrs_pca_free(pca);
    gsl_matrix_free(Cz);
}

/* ---------------------------------------------------------- theories
 * Theory 1 and the exact theory use the ideal input covariance sigma_x^2 I
 * (the same for both lengths); theory 2 uses each length's own sample C_x.
 * The exact theory is the stationary covariance that the simulation
 * converges to as T grows (of the continuous-time network for the exact
 * integrator, of the Euler recursion at dt with --euler): it keeps the
 * filtering by the network's own time scale that the quasi-static theories
 * drop.  Then the relative deviations of the top NTOP simulated PC
 * variances from each. */
static void theories(fig_t *f, int euler, lrs_err_t *err)
{
    f->th1 = gsl_vector_alloc(N);
    f->thx = gsl_vector_alloc(N);
    NB_TRY(lrs_linear_pcvar1(f->lin, SIGMA_X, f->th1, err), err);
    NB_TRY(lrs_exact_pcvar(f->W, TAU, euler ? f->dt : 0.0, TAU_X, SIGMA_X, f->thx, err), err);
    for (int j = 0; j < 2; j++) {
        f->th2[j] = gsl_vector_alloc(N);
        NB_TRY(lrs_theory_pcvar2_prepared(f->lin, f->Cx[j], f->th2[j], err), err);
        rel_dev(f->pcz[j], f->th1, NTOP, &f->med1[j], &f->max1[j]);
        rel_dev(f->pcz[j], f->th2[j], NTOP, &f->med2[j], &f->max2[j]);
        rel_dev(f->pcz[j], f->thx, NTOP, &f->medx[j], &f->maxx[j]);
    }
}

/* ---------------------------------------------------------- outputs */
static void write_tsvs(const fig_t *f, const nb_args_t *a)
{
    FILE *fp = nb_tsv(a, "svals_IW.tsv", "singular values of I - W, descending",
                      "k\tsigma_k(I-W)");
    nb_write_columns(fp, f->sIW, NULL);
    for (int j = 0; j < 2; j++) {
        char file[64], title[200];
        snprintf(file, sizeof file, "pcvar_%s.tsv", TAG[j]);
        snprintf(title, sizeof title,
                 "PC variances of z: simulation vs theories, T = %g (%d segment%s, "
                 "%zu samples), and PC variances of x",
                 f->Trun[j], j ? LONG_SEGMENTS : 1, (j ? LONG_SEGMENTS : 1) > 1 ? "s" : "",
                 f->samples[j]);
        fp = nb_tsv(a, file, title,
                    "k\tsim\ttheory1\ttheory2\texact\tx_sim\tdev1\tdev2\tdev_exact");
        fprintf(fp, "# N %d  c %g  rho %g  tau %g  dt %g  method %s  tau_x %g  sigma_x %g  T %g"
                    "  discard %g  stat_every %zu  ntop %zu\n",
                N, C_LOWRANK, RHO, TAU, f->dt, a->euler ? "euler" : "exact", TAU_X, SIGMA_X,
                f->Trun[j], T_DISCARD, f->stat_every, NTOP);
        for (size_t k = 0; k < N; k++) {
            double sv = gsl_vector_get(f->pcz[j], k);
            double t1 = gsl_vector_get(f->th1, k), t2 = gsl_vector_get(f->th2[j], k);
            double tx = gsl_vector_get(f->thx, k);
            fprintf(fp, "%zu\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.6g\t%.6g\t%.6g\n",
                    k + 1, sv, t1, t2, tx, gsl_vector_get(f->pcx[j], k),
                    sv / t1 - 1.0, sv / t2 - 1.0, sv / tx - 1.0);
        }
    }
}

/* ---------------------------------------------------------- summary */
static void write_summary(const fig_t *f, int fast)
{
    nb_summary("N", "%d", N);
    nb_summary("tau_x", "%g", TAU_X);
    nb_summary("sigma_x", "%g", SIGMA_X);
    nb_summary("max_re_eig_W", "%.4f", f->re_max);
    nb_summary("sigma_max_I_minus_W", "%.4f", gsl_vector_get(f->sIW, 0));
    nb_summary("sigma_min_I_minus_W", "%.4f", gsl_vector_get(f->sIW, N - 1));
    for (int j = 0; j < 2; j++) {
        char key[64];
#define KEY(fmt) (snprintf(key, sizeof key, fmt, TAG[j]), key)
        nb_summary(KEY("T_%s"), "%g", f->Trun[j]);
        nb_summary(KEY("median_dev_theory2_%s"), "%.4f", f->med2[j]);
        nb_summary(KEY("max_dev_theory2_%s"), "%.4f", f->max2[j]);
        nb_summary(KEY("median_dev_theory1_%s"), "%.4f", f->med1[j]);
        nb_summary(KEY("max_dev_theory1_%s"), "%.4f", f->max1[j]);
        nb_summary(KEY("median_dev_exact_%s"), "%.4f", f->medx[j]);
        nb_summary(KEY("max_dev_exact_%s"), "%.4f", f->maxx[j]);
#undef KEY
    }
    double shrink = f->med1[1] / f->med1[0];
    nb_summary("theory1_dev_long_over_short", "%.3f", shrink);
    /* Memory: every job printed the process peak RSS when it ended.  The
     * short run ends first; the long segments run on for ten times longer
     * without raising the peak (streaming). */
    nb_summary("long_segments", "%d", LONG_SEGMENTS);
    double rss_long = 0;
    for (int j = 0; j < NJOBS; j++) {
        char key[64];
        snprintf(key, sizeof key, j ? "run_seconds_long_seg%d" : "run_seconds_short", j);
        nb_summary(key, "%.2f", f->runs[j].seconds);
        snprintf(key, sizeof key, j ? "peak_rss_mb_after_long_seg%d" : "peak_rss_mb_after_short", j);
        nb_summary(key, "%.1f", f->runs[j].rss_mb);
        if (j && f->runs[j].rss_mb > rss_long)
            rss_long = f->runs[j].rss_mb;
    }
    nb_summary("rss_growth_long_minus_short_mb", "%.1f", rss_long - f->runs[0].rss_mb);
    int ok = f->med2[0] < 0.02 && f->med2[1] < 0.02 && f->max2[0] < 0.08 && f->max2[1] < 0.08 &&
             shrink <= 0.5;
    nb_summary("acceptance_met", "%d", ok);
    if (fast)
        nb_note("fast run: short series, the acceptance thresholds apply to the default run");
}

static void fig_free(fig_t *f)
{
    for (int j = 0; j < 2; j++) {
        lrs_cov_free(f->cz[j]);
        lrs_cov_free(f->cx[j]);
        gsl_vector_free(f->pcz[j]);
        gsl_vector_free(f->pcx[j]);
        gsl_matrix_free(f->Cx[j]);
        gsl_vector_free(f->th2[j]);
    }
    gsl_vector_free(f->th1);
    gsl_vector_free(f->thx);
    lrs_linear_free(f->lin);
    gsl_vector_free(f->u);
    gsl_vector_free(f->v);
    gsl_matrix_free(f->W);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    fig_t f = {0};
    nb_init(&a, "figS-theory",
            "Supplementary: simulated PC variances of the Figure-1 network vs "
            "theory 1, theory 2 and the exact theory at T = 5e3 and 5e4",
            DEFAULT_SEED, argc, argv);
    f.Trun = a.fast ? T_RUN_FAST : T_RUN;
    /* The step: the exact integrator's (the same with --fast), or Euler's. */
    f.method = a.euler ? lrs_sim_euler : lrs_sim_exact;
    f.dt = !a.euler ? lrs_exact_default_step(TAU_X) : a.fast ? DT_FAST : DT;
    f.stat_every = f.dt >= STAT_DT ? 1 : (size_t)llround(STAT_DT / f.dt);

    gsl_rng *rng = nb_rng(a.seed);
    build_network(&f, rng, &err);
    run_all(&f, &a, &err);
    pca_all(&f, &err);
    theories(&f, a.euler, &err);
    write_tsvs(&f, &a);
    write_summary(&f, a.fast);
    fig_free(&f);
    gsl_rng_free(rng);
    return nb_finish();
}
