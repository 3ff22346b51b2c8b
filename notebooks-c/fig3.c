/*
 * fig3.c -- Figure 3: rank-two networks with four overlap structures.
 *
 * The question (arXiv:2504.13727, Fig. 3): when does a strong low-rank part give
 * high-dimensional responses to high-dimensional input?  For
 *
 *     W = U S V^T + rho G / sqrt(N),   U, V: N x 2,   S = sqrt(N) diag(1.5, 0.5)
 *
 * I - W has two large singular values (about s_1, s_2): the inputs along two
 * directions are divided by them, so two PCs of z are strongly suppressed
 * (low-rank suppression, LRS).  Whether anything is AMPLIFIED depends on the
 * overlap matrix P = U^T V (2 x 2): I - W has a tiny singular value (one
 * dominant, amplified PC) when P has a small singular value.
 *
 *   (1) normal      V = -U               P = -I            orthogonal
 *   (2) EP          V = [e2, -e1]        P = [0 -1; 1 0]   orthogonal (a rotation)
 *   (3) non-EP      V = [e3, -e1]        P = [0 -1; 0 0]   singular values 1, 0
 *   (4) partly EP   V = [-(e1 - e3)/sqrt2, -e2]           singular values 1, 0.71
 *
 * Expected: (1) and (2) high-dimensional with two suppressed last PCs; (3) one
 * dominant amplified PC; (4) in between.
 *
 * How strong is the suppression here?  With f = tanh and sigma_x = 1 the last
 * two PCs sit only ~15x below the median PC variance (a linear network with
 * the same W gives ~500x and ~75x; checked at N = 200).  The reason: write
 * tanh(z) = g z + r(z) with g = E[tanh'(z)] and r the part uncorrelated with
 * z.  The feedback divides the component of the input along u by 1 + s g, but
 * the recurrent input s (v . r(z)) carries the nonlinear residual of the
 * high-dimensional bulk activity into the u direction, where the same
 * feedback cancels it only down to ~ (u . r)/g: a floor of a few percent of
 * the bulk variance.  The two PCs are still clearly the suppressed ones.
 *
 * Panels: (a) singular values of W for the four cases; (b-e) for each case the
 * 2 x 2 P as a heat map (colour range -1..1) beside the PC spectra (% variance
 * explained) of z and of the input x.
 *
 * The four noise runs are independent (own RNG stream each) and run in
 * parallel (--jobs).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "nb.h"
#include "lrs/connectivity.h"
#include "lrs/noise.h"
#include "lrs/pca.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters */
#define N 500                        /* units */
#define NCASE 4
static const double S1 = 1.5, S2 = 0.5; /* s = sqrt(N) * (S1, S2) */
static const double RHO = 0.5;       /* W1 = rho G / sqrt(N) */
static const lrs_sim_transfer_t F = LRS_F_TANH;
static const double TAU = 1.0;       /* time constant */
static const double DT = 0.01;       /* Euler step */
static const double TAU_X = 5.0;     /* input correlation time */
static const double SIGMA_X = 1.0;   /* input standard deviation */
static const double T_RUN = 10000.0; /* duration of each noise run */
static const double T_RUN_FAST = 60.0; /* --fast */
static const double Z0_SD = 0.1;     /* z0 = 0.1 randn */
static const double T_DISCARD = 20.0; /* drop the first 20 tau (ours) */
/* The covariances sample every COV_EVERY-th step (every 0.1 time units; ours).
 * The input is smooth on the scale tau_x = 5 and z follows it, so 0.1-spaced
 * samples carry the same covariance as every step (checked: PC variances
 * agree to < 0.5%); it saves a third of the run time of this, the most
 * expensive figure (4 x 1e6 steps of a 500 x 500 network). */
static const size_t COV_EVERY = 10;
static const double MAX_RE_NONEP = 0.9; /* non-EP: redraw W1 until max Re eig W < 0.9 */
static const int MAX_TRIES = 25;     /* ... at most 25 draws */
static const unsigned long DEFAULT_SEED = 3;

/* ------------------------------------------------------------ one noise run
 * tau dz/dt = -z + W f(z) + x(t), x smooth Gaussian noise (tau_x, sigma_x) on
 * every unit, z0 = z0_sd randn.  Over the steps with t >= t_discard it
 * streams the covariances of z and x (nothing stores the trajectory), then
 * PCA of both.  The signature is what nb_parallel wants: each run has its own
 * seed, hence its own RNG stream and workspaces.  A worker never prints or
 * exits: failures come back in r->err / r->what. */
typedef struct noiserun {
    /* ---- set by the caller */
    const gsl_matrix *W;        /* N x N connectivity */
    lrs_sim_transfer_t f;           /* transfer function */
    double tau;                 /* scalar time constant (if tau_vec NULL) */
    const gsl_vector *tau_vec;  /* per-unit time constants, or NULL */
    double dt, T;               /* Euler step, duration */
    double tau_x, sigma_x;      /* smooth input noise */
    double z0_sd;               /* z0 = z0_sd * randn */
    double t_discard;           /* statistics over t >= t_discard */
    size_t cov_every;           /* ... sampled every cov_every-th step */
    unsigned long seed;         /* this run's RNG stream */
    const char *progress;       /* progress label (NULL: no progress line) */
    int serial;                 /* lrs_sim without its helper thread */
    /* ---- results */
    lrs_pca_t *pz, *px;         /* PCA of z and of x */
    size_t samples;             /* time steps in the statistics */
    double seconds;             /* wall time of the run */
    lrs_err_t err;
    const char *what;           /* the call that failed */
} noiserun_t;

#define RUN_TRY(call)                                                          \
    do {                                                                       \
        if ((rc = (call)) != 0) {                                              \
            r->what = #call;                                                   \
            goto done;                                                         \
        }                                                                      \
    } while (0)

static int noise_run(void *ctx)
{
    noiserun_t *r = ctx;
    int rc = 0;
    lrs_err_t *err = &r->err;
    double t0 = lrs_wall_seconds();
    gsl_rng *rng = nb_rng(r->seed);
    gsl_vector *z0 = gsl_vector_alloc(N);
    gsl_matrix *C = gsl_matrix_alloc(N, N);
    lrs_noise_t *noise = NULL;
    lrs_input_t *in = NULL;
    lrs_sim_t *sim = NULL;
    lrs_cov_t *cz = NULL, *cx = NULL;
    nb_progress_t prog;

    lrs_err_clear(err);
    r->what = NULL;
    /* Initial state first, then the noise draws: one stream per run. */
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, r->z0_sd * gsl_ran_gaussian(rng, 1.0));
    RUN_TRY(lrs_noise_alloc(&noise, N, r->tau_x, r->sigma_x, r->dt, rng, err));
    RUN_TRY(lrs_input_alloc(&in, N, err));
    RUN_TRY(lrs_input_add_noise(in, noise, 1.0, NULL, err));

    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = r->W;
    p.f = r->f;
    p.tau = r->tau;
    p.tau_vec = r->tau_vec;
    p.dt = r->dt;
    p.T = r->T;
    p.z0 = z0;
    p.stop = &nb_stop;
    p.serial = r->serial;
    RUN_TRY(lrs_sim_alloc(&sim, &p, err));

    lrs_observer_t obs[3];
    size_t nobs = 0;
    RUN_TRY(lrs_cov_alloc(&cz, N, err));
    RUN_TRY(lrs_cov_alloc(&cx, N, err));
    obs[nobs++] = lrs_cov_observer_every(cz, LRS_FIELD_Z, r->t_discard, r->cov_every);
    obs[nobs++] = lrs_cov_observer_every(cx, LRS_FIELD_X, r->t_discard, r->cov_every);
    if (r->progress)
        obs[nobs++] = nb_progress_observer(&prog, r->progress, lrs_sim_steps(sim));
    RUN_TRY(lrs_sim_run(sim, in, obs, nobs, err));
    if (r->progress)
        nb_progress_done(&prog);

    r->samples = lrs_cov_count(cz);
    RUN_TRY(lrs_pca_alloc(&r->pz, N, err));
    RUN_TRY(lrs_pca_alloc(&r->px, N, err));
    RUN_TRY(lrs_cov_get(cz, C, err));
    RUN_TRY(lrs_pca_from_cov(r->pz, C, 0, 0, err));
    RUN_TRY(lrs_cov_get(cx, C, err));
    RUN_TRY(lrs_pca_from_cov(r->px, C, 0, 0, err));
    r->seconds = lrs_wall_seconds() - t0;
done:
    lrs_cov_free(cz);
    lrs_cov_free(cx);
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_noise_free(noise);
    gsl_matrix_free(C);
    gsl_vector_free(z0);
    gsl_rng_free(rng);
    return rc;
}

/* After nb_parallel: report the first failed run (workers do not print). */
static void noiserun_check(noiserun_t *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (runs[i].err.code)
            nb_die(&runs[i].err, runs[i].what ? runs[i].what : "noise run");
}

static void noiserun_release(noiserun_t *r)
{
    lrs_pca_free(r->pz);
    lrs_pca_free(r->px);
    r->pz = r->px = NULL;
}

/* Participation ratio (sum lambda)^2 / sum lambda^2: an effective dimension
 * between 1 and N. */
static double participation_ratio(const gsl_vector *var)
{
    double s = 0, s2 = 0;
    for (size_t k = 0; k < var->size; k++) {
        double l = gsl_vector_get(var, k);
        s += l;
        s2 += l * l;
    }
    return s2 > 0 ? s * s / s2 : NAN;
}

static double median(const gsl_vector *v)
{
    size_t n = v->size;
    double *d = malloc(n * sizeof *d);
    if (!d || n == 0) {
        free(d);
        return NAN;
    }
    for (size_t k = 0; k < n; k++)
        d[k] = gsl_vector_get(v, k);
    gsl_sort(d, 1, n);
    double m = gsl_stats_median_from_sorted_data(d, 1, n);
    free(d);
    return m;
}

static const char *CASE_NAME[NCASE] = {"normal", "ep", "nonep", "partial"};
static const char *CASE_TITLE[NCASE] = {"normal: V = -U", "EP: V = [e2, -e1]",
                                        "non-EP: V = [e3, -e1]",
                                        "partly EP: V = [-(e1-e3)/sqrt2, -e2]"};

/* V of case k from the orthonormal e1..e4 (columns of E). */
static void make_V(int k, const gsl_matrix *E, gsl_matrix *V)
{
    gsl_vector_const_view e1 = gsl_matrix_const_column(E, 0);
    gsl_vector_const_view e2 = gsl_matrix_const_column(E, 1);
    gsl_vector_const_view e3 = gsl_matrix_const_column(E, 2);
    gsl_vector_view v1 = gsl_matrix_column(V, 0), v2 = gsl_matrix_column(V, 1);
    gsl_matrix_set_zero(V);
    switch (k) {
    case 0: /* normal: V = -U */
        gsl_blas_daxpy(-1.0, &e1.vector, &v1.vector);
        gsl_blas_daxpy(-1.0, &e2.vector, &v2.vector);
        break;
    case 1: /* EP: V = [e2, -e1] */
        gsl_blas_daxpy(1.0, &e2.vector, &v1.vector);
        gsl_blas_daxpy(-1.0, &e1.vector, &v2.vector);
        break;
    case 2: /* non-EP: V = [e3, -e1] */
        gsl_blas_daxpy(1.0, &e3.vector, &v1.vector);
        gsl_blas_daxpy(-1.0, &e1.vector, &v2.vector);
        break;
    default: /* partly EP: V = [-sqrt(.5) e1 + sqrt(.5) e3, -e2] */
        gsl_blas_daxpy(-sqrt(0.5), &e1.vector, &v1.vector);
        gsl_blas_daxpy(sqrt(0.5), &e3.vector, &v1.vector);
        gsl_blas_daxpy(-1.0, &e2.vector, &v2.vector);
        break;
    }
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    nb_init(&a, "fig3",
            "Figure 3: rank-two networks (normal, EP, non-EP, partly EP): "
            "overlap matrix P and PC spectra",
            DEFAULT_SEED, argc, argv);
    const double T = a.fast ? T_RUN_FAST : T_RUN;

    /* ---------------------------------------------------------- networks
     * e1..e4: random orthonormal vectors; U = [e1, e2]; S = sqrt(N) (1.5, 0.5).
     * One random part W1 is shared by the four cases, so that they differ
     * only by their low-rank structure; the non-EP case, whose low-rank part
     * is nilpotent (W0^3 = 0) and whose eigenvalues W1 can push far to the
     * right, redraws its W1 until max Re eig(W) < 0.9 (at most 25 draws). */
    gsl_rng *rng = nb_rng(a.seed);
    gsl_matrix *E = gsl_matrix_alloc(N, 4), *V = gsl_matrix_alloc(N, 2);
    gsl_vector *s = gsl_vector_alloc(2);
    gsl_vector_set(s, 0, S1 * sqrt((double)N));
    gsl_vector_set(s, 1, S2 * sqrt((double)N));
    NB_TRY(lrs_conn_orthonormal(rng, E, &err), &err);
    gsl_matrix_const_view U = gsl_matrix_const_submatrix(E, 0, 0, N, 2);
    gsl_matrix *W1 = gsl_matrix_calloc(N, N);
    NB_TRY(lrs_conn_add_gaussian(W1, RHO, rng, &err), &err);

    gsl_matrix *W[NCASE], *P[NCASE];
    gsl_vector *sW[NCASE], *sP[NCASE];
    double max_re[NCASE], euler_amp[NCASE];
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    int draws[NCASE];
    for (int k = 0; k < NCASE; k++) {
        W[k] = gsl_matrix_alloc(N, N);
        P[k] = gsl_matrix_alloc(2, 2);
        sW[k] = gsl_vector_alloc(N);
        sP[k] = gsl_vector_alloc(2);
        make_V(k, E, V);
        /* The overlap matrix P = U^T V, as constructed. */
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &U.matrix, V, 0.0, P[k]);
        NB_TRY(lrs_spectra_svd(P[k], sP[k], NULL, NULL, &err), &err);
        draws[k] = 0;
        for (;;) {
            gsl_matrix_memcpy(W[k], W1);
            NB_TRY(lrs_conn_add_lowrank(W[k], &U.matrix, s, V, &err), &err);
            draws[k]++;
            NB_TRY(lrs_spectra_eig(W[k], lam, NULL, &err), &err);
            max_re[k] = GSL_REAL(gsl_vector_complex_get(lam, 0));
            if (k != 2 || max_re[k] < MAX_RE_NONEP)
                break;
            if (draws[k] >= MAX_TRIES) {
                lrs_err_set(&err, LRS_EUNSTABLE,
                            "non-EP case: max Re eig(W) = %.3f >= %.2f after %d draws of W1",
                            max_re[k], MAX_RE_NONEP, MAX_TRIES);
                nb_die(&err, "drawing a stable non-EP network");
            }
            gsl_matrix_set_zero(W1);
            NB_TRY(lrs_conn_add_gaussian(W1, RHO, rng, &err), &err);
        }
        /* Forward Euler near z = 0 multiplies the eigenmode lambda of W by
         * 1 + dt (lambda - 1) per step.  The EP case has lambda ~ +/- i 19.4
         * (= i sqrt(s1 s2)): |1 + dt (lambda - 1)| = 1.009 > 1 at dt = 0.01,
         * so its linearisation is Euler-unstable although the ODE is stable;
         * under the noise tanh'(z) ~ 0.6 scales the modes down and the scheme
         * is stable again.  At dt = 0.04 it is not (a spurious oscillation
         * takes over: first PC ~60%): keep the paper's dt. */
        euler_amp[k] = 0;
        for (size_t i = 0; i < N; i++) {
            gsl_complex l = gsl_vector_complex_get(lam, i);
            euler_amp[k] = fmax(euler_amp[k], hypot(1 + DT * (GSL_REAL(l) - 1), DT * GSL_IMAG(l)));
        }
        /* Panel a: singular values of W (two large ones ~ s_1, s_2, then the
         * quarter-circle bulk of the random part, up to 2 rho). */
        NB_TRY(lrs_spectra_svd(W[k], sW[k], NULL, NULL, &err), &err);
    }

    /* ---------------------------------------------------------- noise runs
     * Each case: tau dz/dt = -z + W tanh(z) + x, x smooth noise (tau_x = 5,
     * sigma_x = 1) on every unit, T = 10000; PCA of z and of x. */
    noiserun_t runs[NCASE];
    void *ctx[NCASE];
    for (int k = 0; k < NCASE; k++) {
        memset(&runs[k], 0, sizeof runs[k]);
        runs[k].W = W[k];
        runs[k].f = F;
        runs[k].tau = TAU;
        runs[k].dt = DT;
        runs[k].T = T;
        runs[k].tau_x = TAU_X;
        runs[k].sigma_x = SIGMA_X;
        runs[k].z0_sd = Z0_SD;
        runs[k].t_discard = T_DISCARD;
        runs[k].cov_every = COV_EVERY;
        runs[k].seed = a.seed + 1 + (unsigned long)k;
        /* progress lines: the first run of each pair that runs side by side */
        runs[k].progress = k == 0 ? "noise runs 1-2" : (k == 2 ? "noise runs 3-4" : NULL);
        /* Runs side by side: one thread each (a helper thread per run would
         * put four threads on two cores). */
        runs[k].serial = a.jobs > 1;
        ctx[k] = &runs[k];
    }
    nb_parallel(a.jobs, NCASE, noise_run, ctx);
    noiserun_check(runs, NCASE);

    /* ---------------------------------------------------------- outputs
     * Panel a data: singular values of the four W. */
    FILE *fp = nb_tsv(&a, "svals.tsv", "singular values of W, descending",
                      "k\tnormal\tep\tnonep\tpartial");
    fprintf(fp, "# N %d  s %g %g (x sqrt N)  rho %g\n", N, S1, S2, RHO);
    nb_write_columns(fp, sW[0], sW[1], sW[2], sW[3], NULL);

    /* Panels b-e: P heat maps (rows "row col value", blank line between rows
     * for gnuplot's image style) and the PC spectra. */
    for (int k = 0; k < NCASE; k++) {
        char file[64], title[128];
        snprintf(file, sizeof file, "P_%s.tsv", CASE_NAME[k]);
        snprintf(title, sizeof title, "overlap matrix P = U^T V, case %s", CASE_TITLE[k]);
        fp = nb_tsv(&a, file, title, "row\tcol\tP");
        for (size_t i = 0; i < 2; i++) {
            for (size_t j = 0; j < 2; j++)
                fprintf(fp, "%zu\t%zu\t%.6f\n", i + 1, j + 1,
                        fabs(gsl_matrix_get(P[k], i, j)) < 5e-13
                            ? 0.0 : gsl_matrix_get(P[k], i, j));
            fputc('\n', fp);
        }
    }
    fp = nb_tsv(&a, "pcs.tsv", "% variance explained by each PC of z and of x",
                "k\tz_normal\tz_ep\tz_nonep\tz_partial\tx_normal\tx_ep\tx_nonep\tx_partial");
    fprintf(fp, "# tanh network, tau_x %g  sigma_x %g  T %g  dt %g  discard t < %g\n",
            TAU_X, SIGMA_X, T, DT, T_DISCARD);
    nb_write_columns(fp, runs[0].pz->pct, runs[1].pz->pct, runs[2].pz->pct,
                     runs[3].pz->pct, runs[0].px->pct, runs[1].px->pct,
                     runs[2].px->pct, runs[3].px->pct, NULL);

    /* ---------------------------------------------------------- summary
     * LRS: the last two PC variances against the median PC variance (at least
     * 10x below it in the normal and EP cases), the third-last for contrast;
     * amplification: the first PC's share (below 5% when high-dimensional,
     * above 20% for the non-EP case); participation ratio = effective
     * dimension. */
    nb_summary("N", "%d", N);
    nb_summary("T", "%g", T);
    int ok = 1;
    for (int k = 0; k < NCASE; k++) {
        const gsl_vector *var = runs[k].pz->var;
        double med = median(var);
        double r1 = med / gsl_vector_get(var, N - 1);
        double r2 = med / gsl_vector_get(var, N - 2);
        double r3 = med / gsl_vector_get(var, N - 3);
        double pc1 = gsl_vector_get(runs[k].pz->pct, 0);
        char key[96];
#define KEY(what) (snprintf(key, sizeof key, "%s_%s", CASE_NAME[k], what), key)
        nb_summary(KEY("P_svals"), "%.4f %.4f", gsl_vector_get(sP[k], 0),
                   gsl_vector_get(sP[k], 1));
        nb_summary(KEY("max_re_eig_W"), "%.4f", max_re[k]);
        nb_summary(KEY("euler_amplification_at_origin"), "%.4f", euler_amp[k]);
        nb_summary(KEY("svals_W_top3"), "%.3f %.3f %.3f", gsl_vector_get(sW[k], 0),
                   gsl_vector_get(sW[k], 1), gsl_vector_get(sW[k], 2));
        if (k == 2)
            nb_summary(KEY("W1_draws"), "%d", draws[k]);
        nb_summary(KEY("pc1_pct_z"), "%.3f", pc1);
        nb_summary(KEY("pc1_pct_x"), "%.3f", gsl_vector_get(runs[k].px->pct, 0));
        nb_summary(KEY("median_over_lastpc"), "%.2f", r1);
        nb_summary(KEY("median_over_lastpc2"), "%.2f", r2);
        nb_summary(KEY("median_over_lastpc3"), "%.2f", r3);
        nb_summary(KEY("participation_ratio_z"), "%.1f",
                   participation_ratio(runs[k].pz->var));
        nb_summary(KEY("run_seconds"), "%.2f", runs[k].seconds);
#undef KEY
        if (k <= 1)
            ok = ok && r1 >= 10 && r2 >= 10 && pc1 <= 5.0;
        if (k == 2)
            ok = ok && pc1 > 20.0;
    }
    nb_summary("acceptance_met", "%d", ok);
    if (a.fast)
        nb_note("fast run (T = %g): the acceptance thresholds apply to the default run", T);

    for (int k = 0; k < NCASE; k++) {
        noiserun_release(&runs[k]);
        gsl_matrix_free(W[k]);
        gsl_matrix_free(P[k]);
        gsl_vector_free(sW[k]);
        gsl_vector_free(sP[k]);
    }
    gsl_vector_complex_free(lam);
    gsl_matrix_free(W1);
    gsl_matrix_free(E);
    gsl_matrix_free(V);
    gsl_vector_free(s);
    gsl_rng_free(rng);
    return nb_finish();
}
