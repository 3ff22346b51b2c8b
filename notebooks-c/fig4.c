/*
 * fig4.c -- Figure 4: a modular excitatory-inhibitory network.
 *
 * N = 200 units, Ne = 150 excitatory then Ni = 50 inhibitory.  The low-rank
 * part is block-constant (the mean connection strength between populations),
 *
 *     W0_ij = j_ab / sqrt(N)  for i in population a, j in population b,
 *     jee = 0.5, jei = -2, jie = 1, jii = -1,
 *
 * plus a random part rho G / sqrt(N).  W0 has rank 2 and its column space
 * equals its row space (span of the two population indicators): it is EP, so
 * its overlap matrix P = U^T V (top-2 singular vectors) is orthogonal and
 * the linear theory of arXiv:2504.13727 predicts low-rank suppression without an amplified direction.
 * Per-unit time constants tau_e = 2, tau_i = 1; f = tanh.
 *
 * Panels: (a) W as an image; (b) singular values of W and W0; (c) eigenvalues
 * of the linearised network diag(1/tau)(W - I) with the mean-field
 * eigenvalues; (d) P of the top-2 part of W0; (e) u and v (top singular
 * vectors of W0); (f) step responses: c_x = 10 along u on [15, 35), along a
 * random direction on [60, 80); (g) shared-input run: every unit receives
 * 1 + 0.25 xi(t), population rates against the mean-field fixed point;
 * (h) E/I balance: the total input W f(z) + x split into its positive
 * (excitatory) and negative (inhibitory) terms, population means.
 *
 * Mean-field theory (computed below, panel g and the summary): if every unit
 * of population a has the same state z_a (the random part has mean zero), then
 *
 *     tau_a dz_a/dt = -z_a + sum_b K_ab tanh(z_b) + x,   K_ab = N_b j_ab / sqrt(N),
 *
 * with x = 1 the mean of the shared input.  The fixed point solves
 * F(z) = -z + K tanh(z) + x = 0 (Newton's method on the 2 x 2 system) and the
 * mean-field Jacobian is  A = diag(1/tau) (-I + K diag(sech^2 z*)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

#include "nb.h"
#include "lrs/connectivity.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters */
#define N 200                        /* units */
#define NE 150                       /* excitatory units (first NE) */
#define NI 50                        /* inhibitory units */
static const double JEE = 0.5, JEI = -2.0, JIE = 1.0, JII = -1.0; /* x 1/sqrt(N) */
static const double RHO = 0.5;       /* W1 = rho G / sqrt(N) */
static const double TAU_E = 2.0, TAU_I = 1.0; /* per-population time constants */
static const lrs_sim_transfer_t F = LRS_F_TANH;
static const double DT = 0.01;       /* Euler step */
/* step run */
static const double C_X_STEP = 10.0; /* step amplitude */
static const double T_ON_U = 15, T_OFF_U = 35;     /* aligned step along u */
static const double T_ON_R = 60, T_OFF_R = 80;     /* random step along u_rand */
static const double T_STEP = 100.0;
static const double Z0_SD_STEP = 0.1; /* z0 = 0.1/sqrt(N) randn */
/* shared-input run: x_i(t) = X_MEAN + X_FLUCT xi(t) for every unit i */
static const double X_MEAN = 1.0, X_FLUCT = 0.25;
static const double TAU_X_SHARED = 10.0; /* xi: one smooth process, unit variance */
static const double T_SHARED = 500.0;
static const double T_SHARED_FAST = 100.0; /* --fast */
static const double Z0_SD_NOISE = 0.1; /* z0 = 0.1 randn */
static const double T_STAT = 50.0;   /* time averages over t >= 50 (ours) */
static const size_t EVERY = 10;      /* record every 10th step (dt 0.1) */
static const unsigned long DEFAULT_SEED = 4;

/* ------------------------------------------------------------ mean field */
typedef struct mf {
    double K[2][2];   /* K_ab = N_b j_ab / sqrt(N) */
    double tau[2];
    double z[2];      /* fixed point */
    int iters;        /* Newton iterations used */
    double resid;     /* |F(z*)|_inf */
} mf_t;

/* Newton's method for F(z) = -z + K tanh(z) + x = 0 from z = 0:
 * z <- z - J_F^{-1} F,  J_F = -I + K diag(sech^2 z). */
static int mf_solve(mf_t *m, double x)
{
    double z[2] = {0, 0};
    for (int it = 1; it <= 100; it++) {
        double t[2] = {tanh(z[0]), tanh(z[1])};
        double d[2] = {1 - t[0] * t[0], 1 - t[1] * t[1]};
        double Fz[2], J[2][2];
        for (int a = 0; a < 2; a++) {
            Fz[a] = -z[a] + m->K[a][0] * t[0] + m->K[a][1] * t[1] + x;
            for (int b = 0; b < 2; b++)
                J[a][b] = (a == b ? -1.0 : 0.0) + m->K[a][b] * d[b];
        }
        double det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        if (det == 0)
            return -1;
        double dz0 = (J[1][1] * Fz[0] - J[0][1] * Fz[1]) / det;
        double dz1 = (-J[1][0] * Fz[0] + J[0][0] * Fz[1]) / det;
        z[0] -= dz0;
        z[1] -= dz1;
        if (fabs(dz0) + fabs(dz1) < 1e-15) {
            m->iters = it;
            break;
        }
        m->iters = it;
    }
    m->z[0] = z[0];
    m->z[1] = z[1];
    double r = 0;
    for (int a = 0; a < 2; a++)
        r = fmax(r, fabs(-z[a] + m->K[a][0] * tanh(z[0]) + m->K[a][1] * tanh(z[1]) + x));
    m->resid = r;
    return r < 1e-12 ? 0 : -1;
}

/* Eigenvalues re +/- i im of A = diag(1/tau)(-I + K diag(g)) (2 x 2). */
static void mf_eig(const mf_t *m, const double g[2], double *re, double *im,
                   double *re2)
{
    double A[2][2];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            A[a][b] = ((a == b ? -1.0 : 0.0) + m->K[a][b] * g[b]) / m->tau[a];
    double tr = A[0][0] + A[1][1], det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
    double disc = tr * tr / 4 - det;
    if (disc < 0) {
        *re = *re2 = tr / 2;
        *im = sqrt(-disc);
    } else {
        *re = tr / 2 + sqrt(disc);
        *re2 = tr / 2 - sqrt(disc);
        *im = 0;
    }
}

/* ------------------------------------------------------------ E/I observer
 * At every EVERY-th step: for each unit i the terms of its total input are
 * W_ij tanh(z_j) (j = 1..N) and x_i; the excitatory input is the sum of the
 * positive terms, the inhibitory input the sum of the negative ones.  Writes
 * the population means to a TSV and accumulates their time averages (and the
 * correlation of excitation with inhibition) over t >= T_STAT. */
typedef struct ei_obs {
    const gsl_matrix *W;
    FILE *fp;
    double r[N];
    /* accumulators over t >= T_STAT: per population (0 = E, 1 = I) */
    double n, s_exc[2], s_inh[2], s_tot[2], s_z[2], s_r[2];
    double s_ee[2], s_ii[2], s_ei[2];
} ei_obs_t;

static int ei_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    ei_obs_t *o = self;
    for (size_t row = 0; row < b->Z->size1; row++) {
        size_t n = b->n0 + row;
        if (n % EVERY)
            continue;
        double t = (double)n * b->dt;
        double exc[2] = {0, 0}, inh[2] = {0, 0}, zm[2] = {0, 0}, rm[2] = {0, 0};
        for (size_t j = 0; j < N; j++)
            o->r[j] = tanh(gsl_matrix_get(b->Z, row, j));
        for (size_t i = 0; i < N; i++) {
            int pop = i < NE ? 0 : 1;
            const double *w = gsl_matrix_const_ptr(o->W, i, 0);
            double e = 0, h = 0;
            for (size_t j = 0; j < N; j++) {
                double term = w[j] * o->r[j];
                if (term > 0)
                    e += term;
                else
                    h += term;
            }
            double xi = gsl_matrix_get(b->X, row, i);
            if (xi > 0)
                e += xi;
            else
                h += xi;
            exc[pop] += e;
            inh[pop] += h;
            zm[pop] += gsl_matrix_get(b->Z, row, i);
            rm[pop] += o->r[i];
        }
        const double size[2] = {NE, NI};
        for (int p = 0; p < 2; p++) {
            exc[p] /= size[p];
            inh[p] /= size[p];
            zm[p] /= size[p];
            rm[p] /= size[p];
        }
        fprintf(o->fp, "%.2f\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n",
                t, gsl_matrix_get(b->X, row, 0), zm[0], zm[1], rm[0], rm[1], exc[0],
                inh[0], exc[0] + inh[0], exc[1], inh[1], exc[1] + inh[1]);
        if (t >= T_STAT) {
            o->n += 1;
            for (int p = 0; p < 2; p++) {
                o->s_exc[p] += exc[p];
                o->s_inh[p] += inh[p];
                o->s_tot[p] += exc[p] + inh[p];
                o->s_z[p] += zm[p];
                o->s_r[p] += rm[p];
                o->s_ee[p] += exc[p] * exc[p];
                o->s_ii[p] += inh[p] * inh[p];
                o->s_ei[p] += exc[p] * inh[p];
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    nb_init(&a, "fig4",
            "Figure 4: modular E/I network: structure, step responses, "
            "mean-field theory and E/I balance",
            DEFAULT_SEED, argc, argv);
    const double T_sh = a.fast ? T_SHARED_FAST : T_SHARED;
    FILE *fp;

    /* ---------------------------------------------------------- network */
    gsl_rng *rng = nb_rng(a.seed);
    const size_t sizes[2] = {NE, NI};
    const double rs = 1.0 / sqrt((double)N);
    const double means[4] = {JEE * rs, JEI * rs, JIE * rs, JII * rs};
    gsl_matrix *W0 = gsl_matrix_alloc(N, N), *W = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_conn_modular(W0, sizes, 2, means, &err), &err);
    gsl_matrix_memcpy(W, W0);
    NB_TRY(lrs_conn_add_gaussian(W, RHO, rng, &err), &err);
    gsl_vector *tau = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(tau, i, i < NE ? TAU_E : TAU_I);

    /* ---------------------------------------------------------- panel a: W */
    fp = nb_tsv(&a, "W.tsv", "connectivity W = W0 + W1 (matrix, row i = postsynaptic unit)",
                "W_ij, N columns");
    nb_write_matrix(fp, W);

    /* ---------------------------------------------------------- panel b
     * Singular values: two outliers from W0 (its rank), then the bulk of W1. */
    gsl_vector *sW = gsl_vector_alloc(N), *sW0 = gsl_vector_alloc(N);
    gsl_matrix *U0 = gsl_matrix_alloc(N, N), *V0 = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_spectra_svd(W, sW, NULL, NULL, &err), &err);
    NB_TRY(lrs_spectra_svd(W0, sW0, U0, V0, &err), &err);
    fp = nb_tsv(&a, "svals.tsv", "singular values of W and of W0, descending",
                "k\tW\tW0");
    nb_write_columns(fp, sW, sW0, NULL);

    /* ---------------------------------------------------------- panel c
     * Eigenvalues of the linearised network at z = 0, diag(1/tau)(W - I):
     * a bulk from W1 and an outlier pair near the mean-field eigenvalues. */
    gsl_matrix *A = gsl_matrix_alloc(N, N);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    gsl_matrix_memcpy(A, W);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(A, i, i, gsl_matrix_get(A, i, i) - 1.0);
        gsl_vector_view row = gsl_matrix_row(A, i);
        gsl_vector_scale(&row.vector, 1.0 / gsl_vector_get(tau, i));
    }
    NB_TRY(lrs_spectra_eig(A, lam, NULL, &err), &err);
    double out_re = 0, out_im = 0;
    fp = nb_tsv(&a, "eig.tsv", "eigenvalues of diag(1/tau)(W - I)", "k\tre\tim");
    for (size_t k = 0; k < N; k++) {
        gsl_complex l = gsl_vector_complex_get(lam, k);
        fprintf(fp, "%zu\t%.10g\t%.10g\n", k + 1, GSL_REAL(l), GSL_IMAG(l));
        if (GSL_IMAG(l) > out_im) {
            out_im = GSL_IMAG(l);
            out_re = GSL_REAL(l);
        }
    }

    /* ---------------------------------------------------------- mean field */
    mf_t mf;
    const double Nb[2] = {NE, NI}, J[2][2] = {{JEE, JEI}, {JIE, JII}};
    for (int p = 0; p < 2; p++)
        for (int q = 0; q < 2; q++)
            mf.K[p][q] = Nb[q] * J[p][q] / sqrt((double)N);
    mf.tau[0] = TAU_E;
    mf.tau[1] = TAU_I;
    if (mf_solve(&mf, X_MEAN) != 0) {
        lrs_err_set(&err, LRS_ENUMERIC, "Newton iteration did not converge (residual %g)",
                    mf.resid);
        nb_die(&err, "mean-field fixed point");
    }
    double g_fp[2] = {1 - pow(tanh(mf.z[0]), 2), 1 - pow(tanh(mf.z[1]), 2)};
    const double g_lin[2] = {1, 1};
    double mf_re, mf_im, mf_re2, lin_re, lin_im, lin_re2;
    mf_eig(&mf, g_fp, &mf_re, &mf_im, &mf_re2);
    mf_eig(&mf, g_lin, &lin_re, &lin_im, &lin_re2);
    fp = nb_tsv(&a, "meanfield.tsv",
                "mean-field eigenvalues: at the fixed point (x = 1) and at z = 0",
                "what\tre\tim");
    fprintf(fp, "fixed_point\t%.10g\t%.10g\nfixed_point\t%.10g\t%.10g\n", mf_re, mf_im,
            mf_re2, -mf_im);
    fprintf(fp, "origin\t%.10g\t%.10g\norigin\t%.10g\t%.10g\n", lin_re, lin_im, lin_re2,
            -lin_im);

    /* ---------------------------------------------------------- panels d, e
     * u, v: top left/right singular vectors of W0 (u flipped so that its
     * mean is positive, v with it so that W0 = s u v^T + ...).  P = U^T V of
     * the top-2 part: orthogonal for this EP matrix. */
    gsl_vector_view u = gsl_matrix_column(U0, 0), v = gsl_matrix_column(V0, 0);
    double usum = 0;
    for (size_t i = 0; i < N; i++)
        usum += gsl_vector_get(&u.vector, i);
    if (usum < 0) {
        gsl_vector_scale(&u.vector, -1.0);
        gsl_vector_scale(&v.vector, -1.0);
    }
    gsl_matrix *P = gsl_matrix_alloc(2, 2);
    gsl_vector *sP = gsl_vector_alloc(2);
    NB_TRY(lrs_spectra_overlap(W0, 2, P, sP, &err), &err);
    fp = nb_tsv(&a, "P.tsv", "overlap matrix P = U^T V of the top-2 part of W0",
                "row\tcol\tP");
    for (size_t i = 0; i < 2; i++) {
        for (size_t j = 0; j < 2; j++)
            fprintf(fp, "%zu\t%zu\t%.6f\n", i + 1, j + 1, gsl_matrix_get(P, i, j));
        fputc('\n', fp);
    }
    fp = nb_tsv(&a, "uv.tsv", "top left (u) and right (v) singular vectors of W0",
                "i\tu\tv");
    nb_write_columns(fp, &u.vector, &v.vector, NULL);

    /* ---------------------------------------------------------- panel f
     * Step responses.  The input along u is divided by the large singular
     * value of I - W (suppressed); the random direction barely overlaps the
     * low-rank part and passes with gain ~1.  Response ratio = ||z|| just
     * before the random step ends over ||z|| just before the aligned one ends. */
    gsl_vector *urand = gsl_vector_alloc(N), *z0 = gsl_vector_alloc(N);
    NB_TRY(lrs_conn_random_unit(rng, urand, &err), &err);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD_STEP / sqrt((double)N) * gsl_ran_gaussian(rng, 1.0));
    lrs_input_t *in = NULL;
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_step(in, T_ON_U, T_OFF_U, C_X_STEP, &u.vector, &err), &err);
    NB_TRY(lrs_input_add_step(in, T_ON_R, T_OFF_R, C_X_STEP, urand, &err), &err);
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = W;
    p.f = F;
    p.tau_vec = tau;
    p.dt = DT;
    p.T = T_STEP;
    p.z0 = z0;
    p.stop = &nb_stop;
    lrs_sim_t *sim = NULL;
    NB_TRY(lrs_sim_alloc(&sim, &p, &err), &err);
    const double probe_t[2] = {T_OFF_U, T_OFF_R};
    lrs_probe_t *probe = NULL;
    lrs_trace_t *trace = NULL;
    NB_TRY(lrs_probe_alloc(&probe, N, probe_t, 2, &err), &err);
    fp = nb_tsv(&a, "step.tsv", "step responses: c_x = 10 along u on [15,35), "
                "along u_rand on [60,80)", "t\tnorm_z\tz_1 .. z_200 (E: 1-150, I: 151-200)");
    NB_TRY(lrs_trace_alloc(&trace, fp, 20, T_STEP + 1, N, &err), &err);
    lrs_observer_t obs[2] = {lrs_probe_observer(probe), lrs_trace_observer(trace)};
    NB_TRY(lrs_sim_run(sim, in, obs, 2, &err), &err);
    double norm_u, norm_r;
    NB_TRY(lrs_probe_norm(probe, 0, &norm_u, &err), &err);
    NB_TRY(lrs_probe_norm(probe, 1, &norm_r, &err), &err);
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_probe_free(probe);
    lrs_trace_free(trace);

    /* ---------------------------------------------------------- panels g, h
     * Shared input 1 + 0.25 xi(t): the mean drives the populations to the
     * mean-field fixed point; excitation and inhibition are both large and
     * cancel (balance), and inhibition tracks the fluctuations of excitation. */
    lrs_noise_t *noise = NULL;
    gsl_matrix *mix = gsl_matrix_alloc(1, N);
    gsl_vector *xmean = gsl_vector_alloc(N);
    gsl_matrix_set_all(mix, 1.0);
    gsl_vector_set_all(xmean, X_MEAN);
    gsl_rng *rng_sh = nb_rng(a.seed + 1);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD_NOISE * gsl_ran_gaussian(rng_sh, 1.0));
    NB_TRY(lrs_noise_alloc(&noise, 1, TAU_X_SHARED, 1.0, DT, rng_sh, &err), &err);
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_constant(in, xmean, &err), &err);
    NB_TRY(lrs_input_add_noise(in, noise, X_FLUCT, mix, &err), &err);
    p.T = T_sh;
    NB_TRY(lrs_sim_alloc(&sim, &p, &err), &err);
    ei_obs_t ei;
    memset(&ei, 0, sizeof ei);
    ei.W = W;
    ei.fp = nb_tsv(&a, "shared.tsv",
                   "shared-input run: population means (E = 1-150, I = 151-200); "
                   "exc/inh = sums of the positive/negative terms of W tanh(z) + x",
                   "t\tx\tz_E\tz_I\tr_E\tr_I\texc_E\tinh_E\ttot_E\texc_I\tinh_I\ttot_I");
    fprintf(ei.fp, "# mean-field fixed point z_E %.6f  z_I %.6f  (rates %.6f %.6f)\n",
            mf.z[0], mf.z[1], tanh(mf.z[0]), tanh(mf.z[1]));
    nb_progress_t prog;
    lrs_observer_t obs2[2] = {{ei_observe, &ei, 0},
                              nb_progress_observer(&prog, "shared-input run",
                                                   lrs_sim_steps(sim))};
    NB_TRY(lrs_sim_run(sim, in, obs2, 2, &err), &err);
    nb_progress_done(&prog);

    /* ---------------------------------------------------------- summary */
    nb_summary("N", "%d", N);
    nb_summary("svals_W0_top2", "%.4f %.4f", gsl_vector_get(sW0, 0), gsl_vector_get(sW0, 1));
    nb_summary("svals_W_top3", "%.4f %.4f %.4f", gsl_vector_get(sW, 0),
               gsl_vector_get(sW, 1), gsl_vector_get(sW, 2));
    nb_summary("P_svals", "%.4f %.4f", gsl_vector_get(sP, 0), gsl_vector_get(sP, 1));
    nb_summary("mf_K", "%.4f %.4f %.4f %.4f", mf.K[0][0], mf.K[0][1], mf.K[1][0], mf.K[1][1]);
    nb_summary("mf_fixed_point_z", "%.4f %.4f", mf.z[0], mf.z[1]);
    nb_summary("mf_fixed_point_rates", "%.4f %.4f", tanh(mf.z[0]), tanh(mf.z[1]));
    nb_summary("mf_newton_iterations", "%d", mf.iters);
    nb_summary("mf_jacobian_eig", "%.4f +/- %.4fi", mf_re, mf_im);
    nb_summary("mf_jacobian_eig_re", "%.4f", mf_re);
    nb_summary("mf_jacobian_eig_im", "%.4f", mf_im);
    nb_summary("mf_jacobian_eig_at_origin", "%.4f +/- %.4fi", lin_re, lin_im);
    nb_summary("paper_mf_jacobian_eig", "-1.19 +/- 5.13i");
    /* The paper prints the fixed point (0.051, 0.431).  It is not a fixed point
     * of the two-population equations above with input 1 (those give the
     * values printed in mf_fixed_point_z), but it is what the LINEAR mean
     * field gives for the input vector sqrt(2) (tau_E, tau_I):
     * z = sqrt(2) (I - K)^{-1} (tau_E, tau_I) -- a different input convention
     * in the authors' code, we presume.  Printed so the two can be compared. */
    {
        double a11 = 1.0 - mf.K[0][0], a12 = -mf.K[0][1];
        double a21 = -mf.K[1][0], a22 = 1.0 - mf.K[1][1];
        double det = a11 * a22 - a12 * a21;
        double b1 = sqrt(2.0) * TAU_E, b2 = sqrt(2.0) * TAU_I;
        nb_summary("paper_mf_fixed_point", "0.051 0.431");
        nb_summary("paper_mf_fixed_point_reproduced_by",
                   "%.3f %.3f  (= sqrt(2) (I-K)^-1 (tau_E, tau_I), linear mean field)",
                   (a22 * b1 - a12 * b2) / det, (a11 * b2 - a21 * b1) / det);
    }
    nb_summary("network_outlier_eig", "%.4f +/- %.4fi", out_re, out_im);
    nb_summary("step_norm_aligned", "%.4f", norm_u);
    nb_summary("step_norm_random", "%.4f", norm_r);
    nb_summary("response_ratio", "%.3f", norm_r / norm_u);
    double n = ei.n;
    const char *pop[2] = {"E", "I"};
    for (int q = 0; q < 2; q++) {
        char key[64];
        double me = ei.s_exc[q] / n, mi = ei.s_inh[q] / n, mt = ei.s_tot[q] / n;
        double ve = ei.s_ee[q] / n - me * me, vi = ei.s_ii[q] / n - mi * mi;
        double cei = (ei.s_ei[q] / n - me * mi) / sqrt(ve * vi);
#define KEY(what) (snprintf(key, sizeof key, "%s_%s", what, pop[q]), key)
        nb_summary(KEY("sim_mean_z"), "%.4f", ei.s_z[q] / n);
        nb_summary(KEY("sim_mean_rate"), "%.4f", ei.s_r[q] / n);
        nb_summary(KEY("ei_exc_mean"), "%.4f", me);
        nb_summary(KEY("ei_inh_mean"), "%.4f", mi);
        nb_summary(KEY("ei_total_mean"), "%.4f", mt);
        nb_summary(KEY("ei_total_over_exc"), "%.4f", mt / me);
        nb_summary(KEY("ei_corr_exc_inh"), "%.4f", cei);
#undef KEY
    }
    if (a.fast)
        nb_note("fast run: shared-input run shortened to T = %g", T_sh);

    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_noise_free(noise);
    gsl_matrix_free(mix);
    gsl_vector_free(xmean);
    gsl_rng_free(rng_sh);
    gsl_vector_free(urand);
    gsl_vector_free(z0);
    gsl_matrix_free(P);
    gsl_vector_free(sP);
    gsl_matrix_free(A);
    gsl_vector_complex_free(lam);
    gsl_matrix_free(U0);
    gsl_matrix_free(V0);
    gsl_vector_free(sW);
    gsl_vector_free(sW0);
    gsl_vector_free(tau);
    gsl_matrix_free(W);
    gsl_matrix_free(W0);
    gsl_rng_free(rng);
    return nb_finish();
}
