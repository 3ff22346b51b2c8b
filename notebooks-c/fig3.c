/* SPDX-License-Identifier: GPL-3.0-or-later */
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
 * Is the EP result the continuous model's?  At the EP case's origin the
 * linearisation -I + W has eigenvalues -1 +/- 19.4i (W's are +/- i sqrt(s1
 * s2)), so forward Euler at dt = 0.01 is unstable there: |1 + dt lambda| =
 * 1.0088 per step; only tanh (slope < 1 away from 0) keeps the run bounded.
 * The four cases are therefore also run with classical RK4 (lrs_sim_rk4:
 * same dt, the input linear between its samples, same seeds: the same noise
 * and z0), whose amplification at dt lambda = -0.01 + 0.194i is 0.990 < 1.  RK4 costs four
 * products per step, so it runs over T_RK4 < T, and the Euler runs keep a
 * second covariance over the same window [t_discard, T_RK4): the two methods
 * are compared on the same input path (keys <case>_rk4_* and
 * <case>_euler_short_*, and the RK4 spectra in panels b-e).
 *
 * Precision (ours; the authors computed in float32, PyTorch's default): the
 * runs use the simulator's LRS_SIM_FLOAT32 precision: the shared random part
 * W1 and f(z) = tanh(z) are float32, products accumulate in float; the
 * states, the inputs, the rank-two part U S V^T f(z) (the strong feedback,
 * in double) and the covariances are double.  Checked against the double
 * simulator (lrs_sim) at the default seed: every number of the summary
 * agrees to all printed digits (e.g. normal median / last PC 16.64 both),
 * far inside the spread across seeds.
 *
 * Every entry of W1 is drawn, then rounded to the nearest binary16 number
 * (lrs_conn_round_binary16: 11 significant bits, a relative change of at
 * most 2^-11 ~ 5e-4 per entry, ||dW1|| ~ 3e-4 against ||W1|| ~ 1).  The
 * network is then this W1 everywhere (its spectra, the redraw test, the
 * runs), and the simulator keeps it in 16 bits without loss: 0.5 MB that
 * stays in a 1 MB L2 cache instead of 1 MB streamed from L3 at every step,
 * so a step of a pair of cases costs ~7.5 instead of ~11 us.  Checked
 * against the unrounded draw at the default seed: the whole-run keys agree
 * to all printed digits, the short-window and RK4 keys to 3e-4 (relative),
 * the non-EP max Re eig W to 1e-4 (0.8397 and 0.8398), against a spread
 * across seeds of 5-30%.
 *
 * Runs: cases that share W1 (normal and EP; non-EP and partly EP when the
 * non-EP case redrew W1) are advanced together (lrs_sim_batch_alloc: one
 * K-vector product with W1 per step, the rank-two parts per case); the Euler
 * batches and the RK4 batches run side by side (--jobs), one thread each.
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
#include "lrs/cov.h"
#include "lrs/linear.h"
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
/* RK4 comparison (ours): four products per step, so over T_RK4 < T; the
 * Euler runs keep a covariance over the same window for the comparison. */
static const double T_RK4 = 1000.0;
static const double T_RK4_FAST = 40.0; /* --fast */
/* RK4 and Euler "agree" when every compared statistic differs by at most 2%
 * (the spread across seeds is ~5% for the last-PC ratios; ours). */
static const double RK4_MATCH = 0.02;
static const double Z0_SD = 0.1;     /* z0 = 0.1 randn */
static const double T_DISCARD = 20.0; /* drop the first 20 tau (ours) */
/* The covariances sample every COV_EVERY-th step (every 0.2 time units; ours).
 * The input is smooth on the scale tau_x = 5 and most of z follows it; the
 * fastest modes, the two suppressed directions (relaxation rate ~ 1 + s g,
 * correlation time ~0.05), are sampled independently either way, so 0.2-spaced
 * samples estimate the same covariance as every step.  Checked over seeds 1-4
 * against 0.1-spaced samples: every key of the whole-run summary agrees to the
 * printed digits (at most one unit in the last), the short-window (t < 1000)
 * keys move by at most 0.2%, against a 10-30% spread across seeds.  Each
 * sample costs an N x N rank-one update per covariance (three per case), a
 * fifth of the Euler runs' time at 0.1 spacing. */
static const size_t COV_EVERY = 20;
static const double MAX_RE_NONEP = 0.9; /* non-EP: redraw W1 until max Re eig W < 0.9 */
static const int MAX_TRIES = 25;     /* ... at most 25 draws */
static const unsigned long DEFAULT_SEED = 3;

/* ------------------------------------------------------------ noise runs
 * One batch: the cases that share the random part W1, advanced together
 * (lrs_sim_batch_alloc) with W_k = W1 + (U S) V_k^T, each driven by its own smooth
 * noise x (tau_x, sigma_x) from its own seed (z0 = 0.1 randn first, then the
 * noise).  Over the steps with t >= t_discard it streams the covariances of
 * z and x (nothing stores the trajectory): over the whole run, and for z also
 * over [t_discard, T_short) (the window of the RK4 comparison), then PCA.
 * An RK4 batch (z_only) runs over exactly that window and is compared on z
 * only: it keeps the one covariance of z. */
typedef struct batch {
    /* ---- set by the caller */
    const gsl_matrix *W1;           /* N x N shared random part */
    size_t K;                       /* cases in this batch */
    int cases[NCASE];               /* their indices */
    const gsl_matrix *L[NCASE], *R[NCASE]; /* U S and V of each (V: orthonormal columns) */
    const lrs_sim_method_t *method; /* lrs_sim_euler or lrs_sim_rk4 */
    double T, T_short;              /* run length; window of the short covariance */
    int z_only;                     /* only the covariance of z over the run (RK4) */
    const char *progress;           /* progress label (NULL: none) */
    unsigned long seed0;            /* case k's stream: seed0 + 1 + k */
    /* ---- results, per member */
    lrs_pca_t *pz[NCASE], *px[NCASE], *pz_short[NCASE];
    double supp[NCASE][2], supp_short[NCASE][2]; /* suppression along v_1, v_2 */
    double seconds;
    lrs_err_t err;
    const char *what;
} batch_t;

/* Suppression of z along the unit directions v_j (columns of V): the mean
 * variance per direction, tr(C)/N, over the variance along v_j, v_j^T C v_j.
 * One number per direction, well estimated even when the run is too short
 * for the smallest PC variances of an N x N sample covariance. */
static void suppression(const gsl_matrix *C, const gsl_matrix *V, double out[2])
{
    double tr = 0;
    for (size_t i = 0; i < N; i++)
        tr += gsl_matrix_get(C, i, i);
    gsl_vector *Cv = gsl_vector_alloc(N);
    for (size_t j = 0; j < 2; j++) {
        gsl_vector_const_view v = gsl_matrix_const_column(V, j);
        double q;
        gsl_blas_dsymv(CblasUpper, 1.0, C, &v.vector, 0.0, Cv);
        gsl_blas_ddot(&v.vector, Cv, &q);
        out[j] = tr / (double)N / q;
    }
    gsl_vector_free(Cv);
}

/* PCA (variances only) of an accumulated covariance into a new *out. */
static int pca_of(lrs_cov_t *c, gsl_matrix *C, lrs_pca_t **out, lrs_err_t *err)
{
    int rc = lrs_pca_alloc(out, N, err);
    if (!rc)
        rc = lrs_cov_get(c, C, err);
    return rc ? rc : lrs_pca_from_cov(*out, C, 0, 0, err);
}

static int batch_run(void *ctx)
{
    batch_t *b = ctx;
    int rc = 0;
    lrs_err_t *err = &b->err;
    double t0 = lrs_wall_seconds();
    size_t K = b->K;
    nb_noise_src_t src[NCASE];
    lrs_cov_t *cz[NCASE] = {0}, *cx[NCASE] = {0}, *cs[NCASE] = {0};
    nb_dec_cov_t ds[NCASE];
    lrs_sim_lowrank_t parts[NCASE];
    lrs_observer_t ob[NCASE][4];
    const lrs_observer_t *obs[NCASE];
    size_t nobs[NCASE];
    lrs_input_t *in[NCASE];
    const gsl_vector *z0[NCASE];
    gsl_matrix *C = gsl_matrix_alloc(N, N);
    lrs_sim_t *sim = NULL;
    nb_progress_t prog;
    memset(src, 0, sizeof src);

    lrs_err_clear(err);
    b->what = NULL;
    for (size_t k = 0; k < K; k++) {
        NB_RUN_TRY(&b->what, nb_noise_src_init(&src[k], N, b->seed0 + 1 + (unsigned long)b->cases[k],
                                               Z0_SD, TAU_X, SIGMA_X, DT, err));
        in[k] = src[k].in;
        z0[k] = src[k].z0;
        NB_RUN_TRY(&b->what, lrs_cov_alloc(&cz[k], N, err));
        ob[k][0] = lrs_cov_observer_every(cz[k], LRS_FIELD_Z, T_DISCARD, COV_EVERY);
        nobs[k] = 1;
        if (!b->z_only) {
            NB_RUN_TRY(&b->what, lrs_cov_alloc(&cx[k], N, err));
            NB_RUN_TRY(&b->what, lrs_cov_alloc(&cs[k], N, err));
            ds[k] = (nb_dec_cov_t){cs[k], NULL, COV_EVERY, T_DISCARD, b->T_short};
            ob[k][1] = lrs_cov_observer_every(cx[k], LRS_FIELD_X, T_DISCARD, COV_EVERY);
            ob[k][2] = nb_dec_cov_observer(&ds[k]);
            nobs[k] = 3;
        }
        obs[k] = ob[k];
        parts[k] = (lrs_sim_lowrank_t){b->L[k], NULL, b->R[k]};
    }
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = b->W1;
    p.f = F;
    p.method = b->method;
    p.precision = LRS_SIM_FLOAT32;
    p.tau = TAU;
    p.dt = DT;
    p.T = b->T;
    p.stop = &nb_stop;
    p.serial = 1; /* batches run side by side, one thread each */
    NB_RUN_TRY(&b->what, lrs_sim_batch_alloc(&sim, &p, K, z0, parts, err));
    if (b->progress)
        ob[0][nobs[0]++] = nb_progress_observer(&prog, b->progress, lrs_sim_steps(sim));
    NB_RUN_TRY(&b->what, lrs_sim_batch_run(sim, in, obs, nobs, err));
    if (b->progress)
        nb_progress_done(&prog);
    for (size_t k = 0; k < K; k++) {
        NB_RUN_TRY(&b->what, pca_of(cz[k], C, &b->pz[k], err));
        suppression(C, b->R[k], b->supp[k]);
        if (b->z_only)
            continue;
        NB_RUN_TRY(&b->what, pca_of(cs[k], C, &b->pz_short[k], err));
        suppression(C, b->R[k], b->supp_short[k]);
        NB_RUN_TRY(&b->what, pca_of(cx[k], C, &b->px[k], err));
    }
    b->seconds = lrs_wall_seconds() - t0;
done:
    lrs_sim_free(sim);
    for (size_t k = 0; k < K; k++) {
        lrs_cov_free(cz[k]);
        lrs_cov_free(cx[k]);
        lrs_cov_free(cs[k]);
        nb_noise_src_free(&src[k]);
    }
    gsl_matrix_free(C);
    return rc;
}

static void batch_release(batch_t *b)
{
    for (size_t k = 0; k < b->K; k++) {
        lrs_pca_free(b->pz[k]);
        lrs_pca_free(b->px[k]);
        lrs_pca_free(b->pz_short[k]);
    }
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

/* ------------------------------------------------------------ networks
 * e1..e4: random orthonormal vectors; U = [e1, e2]; S = sqrt(N) (1.5, 0.5).
 * One random part W1 is shared by the four cases, so that they differ only
 * by their low-rank structure; the non-EP case, whose low-rank part is
 * nilpotent (W0^3 = 0) and whose eigenvalues W1 can push far to the right,
 * redraws W1 until max Re eig(W) < 0.9 (at most 25 draws), and the partly-EP
 * case after it keeps the last draw. */
typedef struct nets {
    gsl_matrix *W1[NCASE];   /* each case's random part (distinct draws owned) */
    int w1_draw[NCASE];      /* which draw of W1 each case uses */
    gsl_matrix *LS;          /* U S (N x 2): the left factor of every case */
    gsl_matrix *V[NCASE], *P[NCASE];
    gsl_vector *sW[NCASE], *sP[NCASE];
    gsl_matrix *U;           /* N x 2: U = [e1, e2] */
    gsl_vector *s;           /* the two singular values s of the low-rank part */
    double max_re[NCASE], euler_amp[NCASE];
    int have_eig[NCASE];     /* max_re and euler_amp computed */
    int draws;               /* draws of W1 by the non-EP case */
} nets_t;

/* W = W1 + U S V^T of case k. */
static void case_w(const nets_t *n, int k, gsl_matrix *W, lrs_err_t *err)
{
    gsl_matrix_memcpy(W, n->W1[k]);
    NB_TRY(lrs_conn_add_lowrank(W, n->U, n->s, n->V[k], err), err);
}

/* Case k's max Re eig W and the Euler amplification at the origin (W and
 * lam: workspaces). */
static void case_eig(nets_t *n, int k, gsl_matrix *W, gsl_vector_complex *lam, lrs_err_t *err)
{
    case_w(n, k, W, err);
    NB_TRY(lrs_spectra_eig(W, lam, NULL, err), err);
    n->max_re[k] = GSL_REAL(gsl_vector_complex_get(lam, 0));
    /* Forward Euler near z = 0 multiplies the eigenmode lambda of W by
     * 1 + dt (lambda - 1) per step.  The EP case has lambda ~ +/- i 19.4
     * (= i sqrt(s1 s2)): |1 + dt (lambda - 1)| = 1.009 > 1 at dt = 0.01, so
     * its linearisation is Euler-unstable although the ODE is stable; under
     * the noise tanh'(z) ~ 0.6 scales the modes down and the scheme is stable
     * again.  At dt = 0.04 it is not (a spurious oscillation takes over:
     * first PC ~60%): keep the paper's dt. */
    n->euler_amp[k] = 0;
    for (size_t i = 0; i < N; i++) {
        gsl_complex l = gsl_vector_complex_get(lam, i);
        n->euler_amp[k] = fmax(n->euler_amp[k], hypot(1 + DT * (GSL_REAL(l) - 1), DT * GSL_IMAG(l)));
    }
    n->have_eig[k] = 1;
}

/* The spectra of every case that the runs do not need: run beside them (a
 * job of plan_and_run).  Panel a: singular values of W (two large ones ~
 * s_1, s_2, then the quarter-circle bulk of the random part, up to 2 rho);
 * the eigenvalues of the cases whose draw was not tested (all but non-EP). */
static int spectra_job(void *ctx)
{
    nets_t *n = ctx;
    lrs_err_t err = {0};
    gsl_matrix *W = gsl_matrix_alloc(N, N);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    for (int k = 0; k < NCASE; k++) {
        if (!n->have_eig[k])
            case_eig(n, k, W, lam, &err);
        case_w(n, k, W, &err);
        NB_TRY(lrs_spectra_svd(W, n->sW[k], NULL, NULL, &err), &err);
    }
    gsl_vector_complex_free(lam);
    gsl_matrix_free(W);
    return 0;
}

/* A draw of the random part: W1 = rho G / sqrt(N), each entry then rounded
 * to binary16 (see "Precision" above). */
static void draw_w1(gsl_matrix *W1, gsl_rng *rng, lrs_err_t *err)
{
    NB_TRY(lrs_conn_add_gaussian(W1, RHO, rng, err), err);
    NB_TRY(lrs_conn_round_binary16(W1, err), err);
}

static void build_networks(nets_t *n, gsl_rng *rng, lrs_err_t *err)
{
    gsl_matrix *E = gsl_matrix_alloc(N, 4), *W = gsl_matrix_alloc(N, N);
    gsl_vector *s = n->s = gsl_vector_alloc(2);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    gsl_vector_set(s, 0, S1 * sqrt((double)N));
    gsl_vector_set(s, 1, S2 * sqrt((double)N));
    NB_TRY(lrs_conn_orthonormal(rng, E, err), err);
    gsl_matrix_const_view U = gsl_matrix_const_submatrix(E, 0, 0, N, 2);
    n->U = gsl_matrix_alloc(N, 2);
    gsl_matrix_memcpy(n->U, &U.matrix);
    n->LS = gsl_matrix_alloc(N, 2);
    gsl_matrix_memcpy(n->LS, &U.matrix);
    for (size_t j = 0; j < 2; j++) {
        gsl_vector_view c = gsl_matrix_column(n->LS, j);
        gsl_vector_scale(&c.vector, gsl_vector_get(s, j));
    }
    gsl_matrix *W1 = gsl_matrix_calloc(N, N);
    draw_w1(W1, rng, err);
    int draw = 0;
    n->draws = 0;
    for (int k = 0; k < NCASE; k++) {
        n->V[k] = gsl_matrix_alloc(N, 2);
        n->P[k] = gsl_matrix_alloc(2, 2);
        n->sW[k] = gsl_vector_alloc(N);
        n->sP[k] = gsl_vector_alloc(2);
        make_V(k, E, n->V[k]);
        /* The overlap matrix P = U^T V, as constructed. */
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &U.matrix, n->V[k], 0.0, n->P[k]);
        NB_TRY(lrs_spectra_svd(n->P[k], n->sP[k], NULL, NULL, err), err);
        n->have_eig[k] = 0;
        for (;;) {
            n->W1[k] = W1;
            n->w1_draw[k] = draw;
            if (k != 2)
                break;
            case_eig(n, k, W, lam, err);
            n->draws++;
            if (n->max_re[k] < MAX_RE_NONEP)
                break;
            if (n->draws >= MAX_TRIES) {
                lrs_err_set(err, LRS_EUNSTABLE,
                            "non-EP case: max Re eig(W) = %.3f >= %.2f after %d draws of W1",
                            n->max_re[k], MAX_RE_NONEP, MAX_TRIES);
                nb_die(err, "drawing a stable non-EP network");
            }
            /* a new draw; the earlier one stays with the cases that use it */
            if (k == 0 || n->W1[k - 1] != W1)
                gsl_matrix_set_zero(W1);
            else
                W1 = gsl_matrix_calloc(N, N);
            draw++;
            draw_w1(W1, rng, err);
        }
    }
    gsl_vector_complex_free(lam);
    gsl_matrix_free(W);
    gsl_matrix_free(E);
}

static void free_networks(nets_t *n)
{
    for (int k = 0; k < NCASE; k++) {
        if (k == 0 || n->W1[k] != n->W1[k - 1])
            gsl_matrix_free(n->W1[k]);
        gsl_matrix_free(n->V[k]);
        gsl_matrix_free(n->P[k]);
        gsl_vector_free(n->sW[k]);
        gsl_vector_free(n->sP[k]);
    }
    gsl_matrix_free(n->LS);
    gsl_matrix_free(n->U);
    gsl_vector_free(n->s);
}

/* ------------------------------------------------------------ the runs
 * One Euler batch (T) and one RK4 batch (T_rk4) per group of cases sharing
 * W1, Euler first (the longest).  res[k]: Euler PCA of case k (z and x over
 * T, z over [t_discard, T_rk4)); rk[k]: RK4 PCA of z over the same window. */
typedef struct runs {
    batch_t b[2 * NCASE];
    size_t nb;
    const lrs_pca_t *pz[NCASE], *px[NCASE], *pz_short[NCASE], *pz_rk4[NCASE];
    double supp[NCASE][2], supp_short[NCASE][2], supp_rk4[NCASE][2];
    double seconds[NCASE], seconds_rk4[NCASE];
} runs_t;

/* One job of plan_and_run: a batch, or (batch NULL) the spectra. */
typedef struct fig3_job {
    batch_t *batch;
    nets_t *nets;
} fig3_job_t;

static int fig3_job(void *ctx)
{
    fig3_job_t *j = ctx;
    return j->batch ? batch_run(j->batch) : spectra_job(j->nets);
}

static void plan_and_run(runs_t *r, nets_t *n, const nb_args_t *a, double T, double T_rk4)
{
    memset(r, 0, sizeof *r);
    for (int m = 0; m < 2; m++)
        for (int k = 0; k < NCASE; k++) {
            if (k > 0 && n->w1_draw[k] == n->w1_draw[k - 1])
                continue; /* joined the batch of case k-1 */
            batch_t *b = &r->b[r->nb++];
            b->W1 = n->W1[k];
            b->method = m == 0 ? lrs_sim_euler : lrs_sim_rk4;
            b->T = m == 0 ? T : T_rk4;
            b->T_short = T_rk4;
            b->z_only = m == 1;
            b->seed0 = a->seed;
            for (int j = k; j < NCASE && n->w1_draw[j] == n->w1_draw[k]; j++) {
                b->cases[b->K] = j;
                b->L[b->K] = n->LS;
                b->R[b->K] = n->V[j];
                b->K++;
            }
        }
    r->b[0].progress = "Euler runs";
    /* The batches in order (the Euler runs first: the longest), then the
     * spectra, which take the first thread to come free. */
    fig3_job_t job[2 * NCASE + 1];
    void *ctx[2 * NCASE + 1];
    const lrs_err_t *errs[2 * NCASE];
    const char *what[2 * NCASE];
    for (size_t i = 0; i <= r->nb; i++) {
        job[i] = (fig3_job_t){i < r->nb ? &r->b[i] : NULL, n};
        ctx[i] = &job[i];
    }
    nb_parallel(a->jobs, r->nb + 1, fig3_job, ctx);
    for (size_t i = 0; i < r->nb; i++) {
        errs[i] = &r->b[i].err;
        what[i] = r->b[i].what;
    }
    nb_noise_check(errs, what, r->nb);
    for (size_t i = 0; i < r->nb; i++) {
        const batch_t *b = &r->b[i];
        for (size_t j = 0; j < b->K; j++) {
            int k = b->cases[j];
            if (b->method == lrs_sim_euler) {
                r->pz[k] = b->pz[j];
                r->px[k] = b->px[j];
                r->pz_short[k] = b->pz_short[j];
                r->seconds[k] = b->seconds;
                memcpy(r->supp[k], b->supp[j], sizeof r->supp[k]);
                memcpy(r->supp_short[k], b->supp_short[j], sizeof r->supp_short[k]);
            } else {
                r->pz_rk4[k] = b->pz[j];
                r->seconds_rk4[k] = b->seconds;
                memcpy(r->supp_rk4[k], b->supp[j], sizeof r->supp_rk4[k]);
            }
        }
    }
}

/* ------------------------------------------------------------ summary */

/* The PC statistics of one spectrum: median / last three PC variances,
 * first PC share, participation ratio. */
typedef struct pcstats {
    double r1, r2, r3, pc1, pr, s1, s2;
} pcstats_t;

static pcstats_t pc_stats(const lrs_pca_t *p, const double supp[2])
{
    const gsl_vector *var = p->var;
    double med = median(var);
    pcstats_t st = {med / gsl_vector_get(var, N - 1), med / gsl_vector_get(var, N - 2),
                    med / gsl_vector_get(var, N - 3), gsl_vector_get(p->pct, 0),
                    lrs_linear_participation_ratio(var), supp[0], supp[1]};
    return st;
}

/* The expected picture: (1), (2) high-dimensional with the last two PCs at
 * least 10x below the median and a first PC below 5%; (3) one dominant PC
 * (above 20%). */
static int picture_holds(const pcstats_t st[NCASE])
{
    int ok = 1;
    for (int k = 0; k < NCASE; k++) {
        if (k <= 1)
            ok = ok && st[k].r1 >= 10 && st[k].r2 >= 10 && st[k].pc1 <= 5.0;
        if (k == 2)
            ok = ok && st[k].pc1 > 20.0;
    }
    return ok;
}

/* Largest relative difference between the RK4 and the Euler statistics over
 * the same window and input: first-PC share, participation ratio and the
 * suppression along v_1, v_2 (each well estimated at T_rk4, unlike the
 * smallest sample PCs). */
static double stats_rel_diff(const pcstats_t *a, const pcstats_t *b)
{
    const double x[4] = {a->pc1, a->pr, a->s1, a->s2}, y[4] = {b->pc1, b->pr, b->s1, b->s2};
    double d = 0;
    for (int i = 0; i < 4; i++)
        d = fmax(d, fabs(x[i] / y[i] - 1));
    return d;
}

static void summary_stats(int k, const char *tag, const pcstats_t *st)
{
    char key[96];
#define KEY(what) (snprintf(key, sizeof key, "%s_%s%s", CASE_NAME[k], tag, what), key)
    nb_summary(KEY("pc1_pct_z"), "%.3f", st->pc1);
    nb_summary(KEY("median_over_lastpc"), "%.2f", st->r1);
    nb_summary(KEY("median_over_lastpc2"), "%.2f", st->r2);
    nb_summary(KEY("median_over_lastpc3"), "%.2f", st->r3);
    nb_summary(KEY("participation_ratio_z"), "%.1f", st->pr);
    nb_summary(KEY("suppression_v1_v2"), "%.2f %.2f", st->s1, st->s2);
#undef KEY
}

/* Median over the PCs of |pct_a / pct_b - 1|: how far two spectra differ. */
static double spectrum_rel_diff(const lrs_pca_t *a, const lrs_pca_t *b)
{
    gsl_vector *d = gsl_vector_alloc(N);
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(d, k, fabs(gsl_vector_get(a->pct, k) / gsl_vector_get(b->pct, k) - 1));
    double m = median(d);
    gsl_vector_free(d);
    return m;
}

static void write_summary(const nets_t *n, const runs_t *r, double T, double T_rk4, int fast)
{
    double worst_diff = 0;
    pcstats_t st[NCASE], st_short[NCASE], st_rk4[NCASE];
    nb_summary("N", "%d", N);
    nb_summary("T", "%g", T);
    nb_summary("T_rk4", "%g", T_rk4);
    for (int k = 0; k < NCASE; k++) {
        char key[96];
#define KEY(what) (snprintf(key, sizeof key, "%s_%s", CASE_NAME[k], what), key)
        st[k] = pc_stats(r->pz[k], r->supp[k]);
        st_short[k] = pc_stats(r->pz_short[k], r->supp_short[k]);
        st_rk4[k] = pc_stats(r->pz_rk4[k], r->supp_rk4[k]);
        nb_summary(KEY("P_svals"), "%.4f %.4f", gsl_vector_get(n->sP[k], 0),
                   gsl_vector_get(n->sP[k], 1));
        nb_summary(KEY("max_re_eig_W"), "%.4f", n->max_re[k]);
        nb_summary(KEY("euler_amplification_at_origin"), "%.4f", n->euler_amp[k]);
        nb_summary(KEY("svals_W_top3"), "%.3f %.3f %.3f", gsl_vector_get(n->sW[k], 0),
                   gsl_vector_get(n->sW[k], 1), gsl_vector_get(n->sW[k], 2));
        if (k == 2)
            nb_summary(KEY("W1_draws"), "%d", n->draws);
        summary_stats(k, "", &st[k]);
        nb_summary(KEY("pc1_pct_x"), "%.3f", gsl_vector_get(r->px[k]->pct, 0));
        summary_stats(k, "euler_short_", &st_short[k]);
        summary_stats(k, "rk4_", &st_rk4[k]);
        double dk = spectrum_rel_diff(r->pz_rk4[k], r->pz_short[k]);
        worst_diff = fmax(worst_diff, dk);
        nb_summary(KEY("rk4_vs_euler_pc_median_rel_diff"), "%.5f", dk);
        nb_summary(KEY("run_seconds"), "%.2f", r->seconds[k]);
        nb_summary(KEY("rk4_run_seconds"), "%.2f", r->seconds_rk4[k]);
#undef KEY
    }
    /* The RK4 question: is the picture the continuous model's?  RK4 and
     * Euler are compared over the same window and input (the window is too
     * short for the picture's own test, which needs the smallest sample PCs
     * of a long run).  If every statistic agrees to RK4_MATCH (a fraction of
     * the spread across seeds), the full-length Euler picture is the
     * continuous model's. */
    double worst_stats = 0;
    for (int k = 0; k < NCASE; k++)
        worst_stats = fmax(worst_stats, stats_rel_diff(&st_rk4[k], &st_short[k]));
    int ok = picture_holds(st);
    int match = worst_stats <= RK4_MATCH && worst_diff <= RK4_MATCH;
    nb_summary("rk4_vs_euler_pc_median_rel_diff_max", "%.5f", worst_diff);
    nb_summary("rk4_vs_euler_stats_rel_diff_max", "%.5f", worst_stats);
    nb_summary("rk4_matches_euler", "%d", match);
    nb_summary("rk4_picture_holds", "%d", ok && match);
    nb_summary("acceptance_met", "%d", ok);
    nb_note("RK4 vs Euler, same input over t < %g: PC spectra within %.2f%% (median over PCs), "
            "first PC, participation ratio and suppression along v_1, v_2 within %.2f%% (worst "
            "case); the picture (normal, EP high-dimensional with two suppressed PCs; non-EP one "
            "dominant PC) %s for the continuous model",
            T_rk4, 100 * worst_diff, 100 * worst_stats, ok && match ? "holds" : "is NOT shown");
    if (fast)
        nb_note("fast run (T = %g): the acceptance thresholds apply to the default run", T);
}

/* ------------------------------------------------------------ outputs */

static void write_tsvs(const nb_args_t *a, const nets_t *n, const runs_t *r, double T,
                       double T_rk4)
{
    /* Panel a: singular values of the four W. */
    FILE *fp = nb_tsv(a, "svals.tsv", "singular values of W, descending",
                      "k\tnormal\tep\tnonep\tpartial");
    fprintf(fp, "# N %d  s1 %g  s2 %g  (x sqrt N)  rho %g\n", N, S1, S2, RHO);
    nb_write_columns(fp, n->sW[0], n->sW[1], n->sW[2], n->sW[3], NULL);

    /* Panels b-e: P heat maps (rows "row col value", blank line between rows
     * for gnuplot's image style) and the PC spectra. */
    for (int k = 0; k < NCASE; k++) {
        char file[64], title[128];
        snprintf(file, sizeof file, "P_%s.tsv", CASE_NAME[k]);
        snprintf(title, sizeof title, "overlap matrix P = U^T V, case %s", CASE_TITLE[k]);
        fp = nb_tsv(a, file, title, "row\tcol\tP");
        for (size_t i = 0; i < 2; i++) {
            for (size_t j = 0; j < 2; j++)
                fprintf(fp, "%zu\t%zu\t%.6f\n", i + 1, j + 1,
                        fabs(gsl_matrix_get(n->P[k], i, j)) < 5e-13
                            ? 0.0 : gsl_matrix_get(n->P[k], i, j));
            fputc('\n', fp);
        }
    }
    fp = nb_tsv(a, "pcs.tsv", "% variance explained by each PC of z and of x (Euler)",
                "k\tz_normal\tz_ep\tz_nonep\tz_partial\tx_normal\tx_ep\tx_nonep\tx_partial");
    fprintf(fp, "# N %d  f tanh  tau_x %g  sigma_x %g  T %g  dt %g  discard %g  method euler\n",
            N, TAU_X, SIGMA_X, T, DT, T_DISCARD);
    nb_write_columns(fp, r->pz[0]->pct, r->pz[1]->pct, r->pz[2]->pct, r->pz[3]->pct,
                     r->px[0]->pct, r->px[1]->pct, r->px[2]->pct, r->px[3]->pct, NULL);
    fp = nb_tsv(a, "pcs_rk4.tsv",
                "% variance explained by each PC of z: RK4 and Euler over the same window and input",
                "k\trk4_normal\trk4_ep\trk4_nonep\trk4_partial"
                "\teuler_normal\teuler_ep\teuler_nonep\teuler_partial");
    fprintf(fp, "# N %d  f tanh  tau_x %g  sigma_x %g  T %g  dt %g  discard %g  method rk4+euler\n",
            N, TAU_X, SIGMA_X, T_rk4, DT, T_DISCARD);
    nb_write_columns(fp, r->pz_rk4[0]->pct, r->pz_rk4[1]->pct, r->pz_rk4[2]->pct,
                     r->pz_rk4[3]->pct, r->pz_short[0]->pct, r->pz_short[1]->pct,
                     r->pz_short[2]->pct, r->pz_short[3]->pct, NULL);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    nb_init(&a, "fig3",
            "Figure 3: rank-two networks (normal, EP, non-EP, partly EP): "
            "overlap matrix P and PC spectra, Euler and RK4",
            DEFAULT_SEED, argc, argv);
    const double T = a.fast ? T_RUN_FAST : T_RUN;
    const double T_rk4 = a.fast ? T_RK4_FAST : T_RK4;

    gsl_rng *rng = nb_rng(a.seed);
    nets_t nets;
    build_networks(&nets, rng, &err);

    /* Each case: tau dz/dt = -z + W tanh(z) + x, x smooth noise (tau_x = 5,
     * sigma_x = 1) on every unit, T = 10000 (Euler) and T_rk4 (RK4); PCA of
     * z and of x. */
    runs_t runs;
    lrs_blas_set_threads(1); /* the batches run side by side; their BLAS calls are small */
    plan_and_run(&runs, &nets, &a, T, T_rk4);
    write_tsvs(&a, &nets, &runs, T, T_rk4);
    write_summary(&nets, &runs, T, T_rk4, a.fast);

    for (size_t i = 0; i < runs.nb; i++)
        batch_release(&runs.b[i]);
    free_networks(&nets);
    gsl_rng_free(rng);
    return nb_finish();
}
