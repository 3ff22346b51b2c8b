/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fig4.c -- Figure 4: a modular excitatory-inhibitory network.
 *
 * The network (notebooks-c/common/networks.h, the authors' preset): N = 200
 * units, Ne = 150 excitatory then Ni = 50 inhibitory.  The low-rank part is
 * block-constant (the mean connection strength between populations),
 *
 *     W0_ij = j_ab / sqrt(N)  for i in population a, j in population b,
 *     jee = 0.5, jei = -2, jie = 1, jii = -1,
 *
 * plus a random part rho G / sqrt(N), rho = 0.5.  W0 has rank 2 and its
 * column space equals its row space (span of the two population indicators):
 * it is EP, so its overlap matrix P = U^T V (top-2 singular vectors) is
 * orthogonal and low-rank suppression comes without an amplified direction
 * (arXiv:2504.13727, Fig. 4 and the linear theory).  Per-unit time constants
 * tau_e = 2, tau_i = 1; f = tanh.
 *
 * Panels: (a) W as an image; (b) singular values of W and W0; (c) eigenvalues
 * of the linearised network diag(1/tau)(W - I) with the mean-field
 * eigenvalues; (d) P of the top-2 part of W0; (e) u and v (top singular
 * vectors of W0); (f) step responses: c_x = 10 along u on [15, 35), along a
 * random direction on [60, 80); (g) shared-input run: every unit receives
 * 1 + 0.25 xi(t), population rates against the mean-field fixed point;
 * (h) E/I balance as the authors draw it: at each time, the positive part and
 * the negative part of each unit's total input W f(z) + x, averaged over all
 * N units ("exc.", "inh.") and their sum; (i, ours) the synaptic view: per
 * unit, the sum of the positive terms W_ij f(z_j) (and x_i if positive) and of
 * the negative ones, population means.
 *
 * Mean-field theory.  If every unit of population a has the same state z_a
 * (the random part has mean zero), then
 *
 *     tau_a dz_a/dt = -z_a + sum_b W_MF,ab tanh(z_b) + x_a,
 *     W_MF = [[jee Ne, jei Ni], [jie Ne, jii Ni]] / sqrt(N)
 *
 * (the block sums of W0).  With the shared input's mean x = 1 the fixed point
 * solves F(z) = -z + W_MF tanh(z) + x = 0 (Newton's method on the 2 x 2
 * system); the Jacobian there is diag(1/tau)(-I + W_MF diag(sech^2 z*)), and
 * at z = 0 it is diag(1/tau)(W_MF - I), whose eigenvalues the authors print
 * (-1.19 +/- 5.13i).  The fixed point they print, (0.051, 0.431), is the
 * LINEAR mean-field rate (I - W_MF)^{-1} X_MF for the mean input
 * X_MF = (0.2 sqrt(N), 0.1 sqrt(N)) their code defines and then multiplies by
 * 0 in every simulation; we compute it too, for comparison.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "nb.h"
#include "networks.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters
 * The network and its step protocol: net_modular_fig4() (networks.c). */
static const double DT = 0.01;        /* Euler step */
static const double Z0_SD_STEP = 0.1; /* step run: z0 = 0.1/sqrt(N) randn */
/* shared-input run: x_i(t) = X_MEAN + X_FLUCT xi(t) for every unit i */
static const double X_MEAN = 1.0, X_FLUCT = 0.25;
static const double TAU_X_SHARED = 10.0;   /* xi: one smooth process, unit variance */
static const double T_SHARED = 500.0;
static const double T_SHARED_FAST = 100.0; /* --fast */
static const double Z0_SD_NOISE = 0.1;     /* z0 = 0.1 randn */
static const double T_STAT = 50.0;         /* time averages over t >= 50 (ours) */
static const size_t EVERY = 10;            /* record every 10th step (dt 0.1) */
static const size_t STEP_EVERY = 20;       /* step run: traces every 20th step (dt 0.2) */
/* the authors' mean input (times sqrt(N)), defined in their code and then
 * multiplied by 0: only the printed mean-field fixed point uses it */
static const double XE0_AUTHORS = 0.2, XI0_AUTHORS = 0.1;

/* ------------------------------------------------------------ panels a, b */

/* W as an image and the singular values of W and W0: two outliers from W0
 * (its rank), then the bulk of W1.  W.tsv's header line "# absmax M" gives
 * max |W_ij| (the colour range), printed as the entries are. */
static void write_structure(const nb_args_t *a, const net_t *net, gsl_vector *sW)
{
    lrs_err_t err = {0};
    FILE *fp = nb_tsv(a, "W.tsv", "connectivity W = W0 + W1 (matrix, row i = postsynaptic unit)",
                      "W_ij, N columns");
    double wmin, wmax;
    gsl_matrix_minmax(net->W, &wmin, &wmax);
    fprintf(fp, "# absmax %.10g\n", fabs(wmin) > wmax ? fabs(wmin) : wmax);
    nb_write_matrix(fp, net->W);
    NB_TRY(lrs_spectra_svd(net->W, sW, NULL, NULL, &err), &err);
    fp = nb_tsv(a, "svals.tsv", "singular values of W and of W0, descending", "k\tW\tW0");
    nb_write_columns(fp, sW, net->s0, NULL);
}

/* ------------------------------------------------------------ panel c
 * Eigenvalues of the linearised network at z = 0, diag(1/tau)(W - I): a bulk
 * from W1 and an outlier pair near the mean-field eigenvalues.  Returns the
 * outlier (the eigenvalue with the largest imaginary part). */
static void write_eigs(const nb_args_t *a, const net_t *net, double *out_re, double *out_im)
{
    lrs_err_t err = {0};
    size_t N = net->N;
    gsl_matrix *A = gsl_matrix_alloc(N, N);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(N);
    gsl_matrix_memcpy(A, net->W);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(A, i, i, gsl_matrix_get(A, i, i) - 1.0);
        gsl_vector_view row = gsl_matrix_row(A, i);
        gsl_vector_scale(&row.vector, 1.0 / gsl_vector_get(net->tau, i));
    }
    NB_TRY(lrs_spectra_eig(A, lam, NULL, &err), &err);
    *out_re = *out_im = 0;
    FILE *fp = nb_tsv(a, "eig.tsv", "eigenvalues of diag(1/tau)(W - I)", "k\tre\tim");
    for (size_t k = 0; k < N; k++) {
        gsl_complex l = gsl_vector_complex_get(lam, k);
        fprintf(fp, "%zu\t%.10g\t%.10g\n", k + 1, GSL_REAL(l), GSL_IMAG(l));
        if (GSL_IMAG(l) > *out_im) {
            *out_im = GSL_IMAG(l);
            *out_re = GSL_REAL(l);
        }
    }
    gsl_matrix_free(A);
    gsl_vector_complex_free(lam);
}

/* ------------------------------------------------------------ mean field */
typedef struct mf {
    double K[2][2];     /* W_MF: block sums of W0 */
    double tau[2];
    double z[2];        /* fixed point of the tanh mean field with input X_MEAN */
    int iters;          /* Newton iterations used */
    double resid;       /* |F(z*)|_inf */
    gsl_complex eig_fp, eig_origin; /* Jacobian eigenvalue with Im >= 0 */
    double lin_authors[2]; /* (I - W_MF)^{-1} X_MF, the authors' printed point */
} mf_t;

/* W_MF,ab = sum over j in population b of W0_ij, for any i in population a
 * (W0 is block-constant): N_b j_ab / sqrt(N). */
static void mf_matrix(const net_modular_params_t *p, const net_t *net, mf_t *m)
{
    const size_t first[2] = {0, p->Ne}, size[2] = {p->Ne, p->N - p->Ne};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            double s = 0;
            for (size_t j = first[b]; j < first[b] + size[b]; j++)
                s += gsl_matrix_get(net->W0, first[a], j);
            m->K[a][b] = s;
        }
    m->tau[0] = p->tau_e;
    m->tau[1] = p->tau_i;
}

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
        m->iters = it;
        if (fabs(dz0) + fabs(dz1) < 1e-15)
            break;
    }
    m->z[0] = z[0];
    m->z[1] = z[1];
    double r = 0;
    for (int a = 0; a < 2; a++)
        r = fmax(r, fabs(-z[a] + m->K[a][0] * tanh(z[0]) + m->K[a][1] * tanh(z[1]) + x));
    m->resid = r;
    return r < 1e-12 ? 0 : -1;
}

/* Eigenvalue (the one with Im >= 0) of A = diag(1/tau)(-I + K diag(g)). */
static gsl_complex mf_eig(const mf_t *m, const double g[2])
{
    lrs_err_t err = {0};
    gsl_matrix *A = gsl_matrix_alloc(2, 2);
    gsl_vector_complex *lam = gsl_vector_complex_alloc(2);
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            gsl_matrix_set(A, a, b, ((a == b ? -1.0 : 0.0) + m->K[a][b] * g[b]) / m->tau[a]);
    NB_TRY(lrs_spectra_eig(A, lam, NULL, &err), &err);
    gsl_complex l = gsl_vector_complex_get(lam, 0); /* ties: descending Im */
    gsl_matrix_free(A);
    gsl_vector_complex_free(lam);
    return l;
}

/* The authors' printed fixed point: (I - W_MF)^{-1} X_MF by LU. */
static void mf_linear_authors(mf_t *m, size_t N)
{
    gsl_matrix *IK = gsl_matrix_alloc(2, 2);
    gsl_vector *X = gsl_vector_alloc(2), *r = gsl_vector_alloc(2);
    gsl_permutation *perm = gsl_permutation_alloc(2);
    int sgn;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            gsl_matrix_set(IK, a, b, (a == b ? 1.0 : 0.0) - m->K[a][b]);
    gsl_vector_set(X, 0, XE0_AUTHORS * sqrt((double)N));
    gsl_vector_set(X, 1, XI0_AUTHORS * sqrt((double)N));
    gsl_linalg_LU_decomp(IK, perm, &sgn);
    gsl_linalg_LU_solve(IK, perm, X, r);
    m->lin_authors[0] = gsl_vector_get(r, 0);
    m->lin_authors[1] = gsl_vector_get(r, 1);
    gsl_matrix_free(IK);
    gsl_vector_free(X);
    gsl_vector_free(r);
    gsl_permutation_free(perm);
}

/* The whole mean-field analysis; meanfield.tsv holds the eigenvalue pairs. */
static void mean_field(const nb_args_t *a, const net_modular_params_t *p, const net_t *net,
                       mf_t *m)
{
    lrs_err_t err = {0};
    memset(m, 0, sizeof *m);
    mf_matrix(p, net, m);
    if (mf_solve(m, X_MEAN) != 0) {
        lrs_err_set(&err, LRS_ENUMERIC, "Newton iteration did not converge (residual %g)",
                    m->resid);
        nb_die(&err, "mean-field fixed point");
    }
    const double g_fp[2] = {1 - pow(tanh(m->z[0]), 2), 1 - pow(tanh(m->z[1]), 2)};
    const double g_lin[2] = {1, 1};
    m->eig_fp = mf_eig(m, g_fp);
    m->eig_origin = mf_eig(m, g_lin);
    mf_linear_authors(m, p->N);
    FILE *fp = nb_tsv(a, "meanfield.tsv",
                      "mean-field eigenvalues: at the fixed point (x = 1) and at z = 0",
                      "what\tre\tim");
    fprintf(fp, "# mf_fixed_point_rates %.6f %.6f\n", tanh(m->z[0]), tanh(m->z[1]));
    const gsl_complex *e[2] = {&m->eig_fp, &m->eig_origin};
    const char *what[2] = {"fixed_point", "origin"};
    for (int k = 0; k < 2; k++)
        fprintf(fp, "%s\t%.10g\t%.10g\n%s\t%.10g\t%.10g\n", what[k], GSL_REAL(*e[k]),
                GSL_IMAG(*e[k]), what[k], GSL_REAL(*e[k]), -GSL_IMAG(*e[k]));
}

/* ------------------------------------------------------------ panels d, e
 * P = U^T V of the top-2 part of W0 (orthogonal for this EP matrix;
 * net_write_overlap), and the top singular pair u, v. */
static void write_overlap(const nb_args_t *a, const net_t *net, gsl_vector *sP)
{
    net_write_overlap(a, net, sP);
    FILE *fp = nb_tsv(a, "uv.tsv", "top left (u) and right (v) singular vectors of W0",
                      "i\tu\tv");
    nb_write_columns(fp, net->u, net->v, NULL);
}

/* The simulator's parameters for this network (T and z0 per run).  tanh and
 * W tanh(z) in float32, as the authors computed (PyTorch's default): about
 * 1.3x less CPU, and every number of the summary is unchanged at its printed
 * precision for seeds 1-4 and the default seed. */
static lrs_sim_params_t sim_params(const net_modular_params_t *p, const net_t *net)
{
    lrs_sim_params_t s = lrs_sim_params_default();
    s.W = net->W;
    s.f = p->f;
    s.tau_vec = net->tau;
    s.dt = DT;
    s.precision = LRS_SIM_FLOAT32;
    s.stop = &nb_stop;
    return s;
}

/* ------------------------------------------------------------ step_units.tsv
 * The states z of the step run at the rows of step.tsv (steps 0, STEP_EVERY,
 * 2 STEP_EVERY, .. of round(T/DT)), captured by probes: the probe at time
 * (k STEP_EVERY + 1/2) DT holds z at step k STEP_EVERY (lrs_probe keeps the
 * last step before its time).  *nt: the number of rows. */
static lrs_probe_t *step_units_probe(size_t N, double T, size_t *nt)
{
    lrs_err_t err = {0};
    size_t nsteps = (size_t)llround(T / DT);
    *nt = (nsteps + STEP_EVERY - 1) / STEP_EVERY;
    double *times = malloc(*nt * sizeof *times);
    if (!times) {
        lrs_err_set(&err, LRS_ENOMEM, "fig4: out of memory (%zu probe times)", *nt);
        nb_die(&err, "step_units_probe");
    }
    for (size_t k = 0; k < *nt; k++)
        times[k] = ((double)(k * STEP_EVERY) + 0.5) * DT;
    lrs_probe_t *probe = NULL;
    NB_TRY(lrs_probe_alloc(&probe, N, times, *nt, &err), &err);
    free(times);
    return probe;
}

/* step_units.tsv: every unit's trace z_i(t), one block per unit (blank line
 * between blocks), so that gnuplot draws all the traces in one pass over
 * the file; t and z_i printed as in step.tsv (%.10g, %.6g). */
static void write_step_units(const nb_args_t *a, const lrs_probe_t *units, size_t nt, size_t N)
{
    lrs_err_t err = {0};
    gsl_matrix *Z = gsl_matrix_alloc(nt, N);
    if (!Z) {
        lrs_err_set(&err, LRS_ENOMEM, "fig4: out of memory (%zu x %zu step states)", nt, N);
        nb_die(&err, "write_step_units");
    }
    for (size_t k = 0; k < nt; k++) {
        gsl_vector_view z = gsl_matrix_row(Z, k);
        NB_TRY(lrs_probe_get(units, k, &z.vector, &err), &err);
    }
    FILE *fp = nb_tsv(a, "step_units.tsv", "step responses of every unit, one block per unit (E first, then I)",
                      "t\tz_i");
    double *t = malloc(nt * sizeof *t);
    if (!t) {
        lrs_err_set(&err, LRS_ENOMEM, "fig4: out of memory (%zu step times)", nt);
        nb_die(&err, "write_step_units");
    }
    for (size_t k = 0; k < nt; k++)
        t[k] = (double)(k * STEP_EVERY) * DT;
    nb_write_traces(fp, nt, t, N, Z->data, Z->tda, 1, "%.10g");
    free(t);
    gsl_matrix_free(Z);
}

/* ------------------------------------------------------------ panel f
 * Step responses.  The input along u is divided by the large singular value
 * of I - W (suppressed); the random direction barely overlaps the low-rank
 * part and passes with gain ~1.  Response ratio = ||z|| just before the
 * random step ends over ||z|| just before the aligned one ends. */
static void run_steps(const nb_args_t *a, const net_modular_params_t *p, const net_t *net,
                      gsl_rng *rng, double *norm_u, double *norm_r)
{
    lrs_err_t err = {0};
    const net_steps_t *st = &p->steps;
    size_t N = net->N;
    gsl_vector *z0 = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD_STEP / sqrt((double)N) * gsl_ran_gaussian(rng, 1.0));
    lrs_input_t *in = NULL;
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_step(in, st->on_u, st->off_u, st->c_x, net->u, &err), &err);
    NB_TRY(lrs_input_add_step(in, st->on_r, st->off_r, st->c_x, net->u_rand, &err), &err);
    lrs_sim_params_t sp = sim_params(p, net);
    sp.T = st->T;
    sp.z0 = z0;
    lrs_sim_t *sim = NULL;
    NB_TRY(lrs_sim_alloc(&sim, &sp, &err), &err);
    const double probe_t[2] = {st->off_u, st->off_r};
    lrs_probe_t *probe = NULL;
    lrs_trace_t *trace = NULL;
    NB_TRY(lrs_probe_alloc(&probe, N, probe_t, 2, &err), &err);
    FILE *fp = nb_tsv(a, "step.tsv", "step responses along u, then along u_rand (||z||)",
                      "t\tnorm_z");
    NB_TRY(lrs_trace_alloc(&trace, fp, STEP_EVERY, st->T + 1, 0, &err), &err);
    size_t nt = 0;
    lrs_probe_t *units = step_units_probe(N, st->T, &nt);
    lrs_observer_t obs[3] = {lrs_probe_observer(probe), lrs_trace_observer(trace),
                             lrs_probe_observer(units)};
    NB_TRY(lrs_sim_run(sim, in, obs, 3, &err), &err);
    NB_TRY(lrs_probe_norm(probe, 0, norm_u, &err), &err);
    NB_TRY(lrs_probe_norm(probe, 1, norm_r, &err), &err);
    write_step_units(a, units, nt, N);
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_probe_free(probe);
    lrs_probe_free(units);
    lrs_trace_free(trace);
    gsl_vector_free(z0);
}

/* ------------------------------------------------------------ E/I observer
 * Every EVERY-th step, for each unit i, the terms of its total input
 * I_i = sum_j W_ij tanh(z_j) + x_i:
 *   - the authors' balance (panel h): the positive part max(I_i, 0) and the
 *     negative part min(I_i, 0) of the TOTAL input, averaged over all N units;
 *   - the synaptic view (panel i): the sum of the positive terms W_ij tanh(z_j)
 *     (and x_i if positive) and of the negative ones, population means.
 * Writes one TSV row per recorded step and accumulates the time averages over
 * t >= T_STAT. */
enum { EI_EXC, EI_INH, EI_TOT, EI_Z, EI_R, EI_NPOP };
enum { IN_EXC, IN_INH, IN_TOT, IN_N };
enum { EI_LANES = 8 }; /* units whose terms are summed together (unit_terms) */

typedef struct ei_obs {
    const gsl_matrix *W;
    gsl_matrix *Wt;                      /* W^T, rows zero-padded (unit_terms) */
    size_t Ne;
    FILE *fp;
    gsl_vector *r;                       /* tanh(z) of the current row */
    double *e, *h;                       /* per unit: positive, negative terms */
    double n;                            /* rows averaged (t >= T_STAT) */
    double s_pop[EI_NPOP][2];            /* sums of the population means */
    double s_ee[2], s_ii[2], s_ei[2];    /* for corr(exc, inh) per population */
    double s_in[IN_N];                   /* sums of the authors' all-unit means */
} ei_obs_t;

/* EI_LANES doubles (GCC vector extension: one AVX-512 register, two AVX2
 * or four SSE2 registers), so that the lanes' sums stay in registers. */
typedef double ei_vec_t __attribute__((vector_size(EI_LANES * sizeof(double))));
typedef uint64_t ei_bits_t __attribute__((vector_size(EI_LANES * sizeof(double))));

/* Every unit's synaptic terms for the row's input x: e[i] = the sum of the
 * positive terms W_ij r_j (and x_i if positive), h[i] = the negative ones
 * (a zero term counts as negative).  Each unit's terms are added in the
 * order j = 0, 1, .. and the units are independent, so EI_LANES units at a
 * time run on SIMD lanes, their sums in registers, over W^T (row j =
 * column j of W, contiguous; padded with zeros to a multiple of EI_LANES):
 * O(N^2) per row without a data-dependent branch.  The split is exact:
 * pos = (t + |t|) / 2 is t for t > 0 and +0 otherwise, t - pos is then +0
 * or t, and adding +0 leaves a sum of terms of one sign unchanged, so e and
 * h are bit for bit the sums of the positive and of the other terms. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void unit_terms(const ei_obs_t *o, const double *x)
{
    size_t N = o->W->size1, ld = o->Wt->tda;
    const double *r = o->r->data;
    const ei_bits_t nosign = (ei_bits_t){0} + ~((uint64_t)1 << 63); /* |t|: clear the sign */
    for (size_t i0 = 0; i0 < N; i0 += EI_LANES) {
        ei_vec_t e = {0}, h = {0};
        for (size_t j = 0; j < N; j++) {
            ei_vec_t term;
            memcpy(&term, o->Wt->data + j * ld + i0, sizeof term);
            term *= r[j];
            ei_vec_t pos = 0.5 * (term + (ei_vec_t)((ei_bits_t)term & nosign));
            e += pos;
            h += term - pos;
        }
        double es[EI_LANES], hs[EI_LANES];
        memcpy(es, &e, sizeof es);
        memcpy(hs, &h, sizeof hs);
        for (size_t k = 0; k < EI_LANES && i0 + k < N; k++) {
            double xi = x[i0 + k];
            o->e[i0 + k] = es[k] + (xi > 0 ? xi : 0);
            o->h[i0 + k] = hs[k] + (xi > 0 ? 0 : xi);
        }
    }
}

static void ei_accumulate(ei_obs_t *o, double pm[EI_NPOP][2], const double in[IN_N])
{
    o->n += 1;
    for (int q = 0; q < 2; q++) {
        for (int k = 0; k < EI_NPOP; k++)
            o->s_pop[k][q] += pm[k][q];
        o->s_ee[q] += pm[EI_EXC][q] * pm[EI_EXC][q];
        o->s_ii[q] += pm[EI_INH][q] * pm[EI_INH][q];
        o->s_ei[q] += pm[EI_EXC][q] * pm[EI_INH][q];
    }
    for (int k = 0; k < IN_N; k++)
        o->s_in[k] += in[k];
}

static void ei_row(ei_obs_t *o, const lrs_block_t *b, size_t row)
{
    size_t N = o->W->size1;
    double t = (double)(b->n0 + row) * b->dt;
    double pm[EI_NPOP][2] = {{0}}, in[IN_N] = {0};
    for (size_t j = 0; j < N; j++)
        gsl_vector_set(o->r, j, tanh(gsl_matrix_get(b->Z, row, j)));
    unit_terms(o, gsl_matrix_const_ptr(b->X, row, 0));
    for (size_t i = 0; i < N; i++) {
        int q = i < o->Ne ? 0 : 1;
        double e = o->e[i], h = o->h[i];
        pm[EI_EXC][q] += e;
        pm[EI_INH][q] += h;
        pm[EI_Z][q] += gsl_matrix_get(b->Z, row, i);
        pm[EI_R][q] += gsl_vector_get(o->r, i);
        double total = e + h;
        in[total > 0 ? IN_EXC : IN_INH] += total;
    }
    const double size[2] = {(double)o->Ne, (double)(N - o->Ne)};
    for (int q = 0; q < 2; q++) {
        for (int k = 0; k < EI_NPOP; k++)
            pm[k][q] /= size[q];
        pm[EI_TOT][q] = pm[EI_EXC][q] + pm[EI_INH][q];
    }
    in[IN_EXC] /= (double)N;
    in[IN_INH] /= (double)N;
    in[IN_TOT] = in[IN_EXC] + in[IN_INH];
    const double cols[] = {gsl_matrix_get(b->X, row, 0), pm[EI_Z][0], pm[EI_Z][1], pm[EI_R][0],
                           pm[EI_R][1], pm[EI_EXC][0], pm[EI_INH][0], pm[EI_TOT][0], pm[EI_EXC][1],
                           pm[EI_INH][1], pm[EI_TOT][1], in[IN_EXC], in[IN_INH], in[IN_TOT]};
    fprintf(o->fp, "%.2f", t);
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        lrs_io_put_g(o->fp, '\t', cols[k], 6);
    fputc('\n', o->fp);
    if (t >= T_STAT)
        ei_accumulate(o, pm, in);
}

static int ei_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    ei_obs_t *o = self;
    for (size_t row = 0; row < b->Z->size1; row++)
        if ((b->n0 + row) % EVERY == 0)
            ei_row(o, b, row);
    return 0;
}

/* ------------------------------------------------------------ panels g, h, i
 * Shared input 1 + 0.25 xi(t) (one smooth process for every unit): the mean
 * drives the populations to the mean-field fixed point; excitation and
 * inhibition cancel (balance). */
static void run_shared(const nb_args_t *a, const net_modular_params_t *p, const net_t *net,
                       const mf_t *mf, double T, ei_obs_t *ei)
{
    lrs_err_t err = {0};
    size_t N = net->N;
    lrs_noise_t *noise = NULL;
    lrs_input_t *in = NULL;
    lrs_sim_t *sim = NULL;
    gsl_matrix *mix = gsl_matrix_alloc(1, N);
    gsl_vector *xmean = gsl_vector_alloc(N), *z0 = gsl_vector_alloc(N);
    gsl_matrix_set_all(mix, 1.0);
    gsl_vector_set_all(xmean, X_MEAN);
    gsl_rng *rng = nb_rng(a->seed + 1);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD_NOISE * gsl_ran_gaussian(rng, 1.0));
    NB_TRY(lrs_noise_alloc(&noise, 1, TAU_X_SHARED, 1.0, DT, rng, &err), &err);
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_constant(in, xmean, &err), &err);
    NB_TRY(lrs_input_add_noise(in, noise, X_FLUCT, mix, &err), &err);
    lrs_sim_params_t sp = sim_params(p, net);
    sp.T = T;
    sp.z0 = z0;
    NB_TRY(lrs_sim_alloc(&sim, &sp, &err), &err);
    memset(ei, 0, sizeof *ei);
    ei->W = net->W;
    ei->Ne = p->Ne;
    ei->r = gsl_vector_alloc(N);
    ei->Wt = gsl_matrix_calloc(N, (N + EI_LANES - 1) / EI_LANES * EI_LANES);
    ei->e = malloc(2 * N * sizeof *ei->e);
    if (!ei->Wt || !ei->e) {
        lrs_err_set(&err, LRS_ENOMEM, "fig4: out of memory (E/I observer, N = %zu)", N);
        nb_die(&err, "run_shared");
    }
    ei->h = ei->e + N;
    gsl_matrix_view Wt = gsl_matrix_submatrix(ei->Wt, 0, 0, N, N);
    gsl_matrix_transpose_memcpy(&Wt.matrix, net->W);
    ei->fp = nb_tsv(a, "shared.tsv",
                    "shared-input run: population means (E first, then I) of z, tanh z and "
                    "the synaptic view; the authors' all-unit means of the positive and "
                    "negative parts of the total input W tanh(z) + x",
                    "t\tx\tz_E\tz_I\tr_E\tr_I\texc_E\tinh_E\ttot_E\texc_I\tinh_I\ttot_I"
                    "\tin_exc\tin_inh\tin_total");
    fprintf(ei->fp, "# mean-field fixed point z_E %.6f  z_I %.6f  mf_rate_E %.6f  mf_rate_I %.6f\n",
            mf->z[0], mf->z[1], tanh(mf->z[0]), tanh(mf->z[1]));
    nb_progress_t prog;
    lrs_observer_t obs[2] = {{ei_observe, ei, 0},
                             nb_progress_observer(&prog, "shared-input run", lrs_sim_steps(sim))};
    NB_TRY(lrs_sim_run(sim, in, obs, 2, &err), &err);
    nb_progress_done(&prog);
    gsl_matrix_free(ei->Wt);
    free(ei->e);
    ei->Wt = NULL;
    ei->e = ei->h = NULL;
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_noise_free(noise);
    gsl_matrix_free(mix);
    gsl_vector_free(xmean);
    gsl_vector_free(z0);
    gsl_rng_free(rng);
}

/* The shared-input run (g-i), the step run (f) and the structure panels
 * (a-e: SVDs and eigenvalues) are independent (own streams, fields and
 * files): jobs on nb_parallel's threads, the long run first. */
enum { JOB_SHARED, JOB_STEPS, JOB_STRUCTURE };
typedef struct {
    int kind;
    const nb_args_t *a;
    const net_modular_params_t *p;
    const net_t *net;
    gsl_rng *rng;        /* step run: the network's stream, continued */
    double *norm_u, *norm_r;
    const mf_t *mf;
    double T_shared;
    ei_obs_t *ei;
    gsl_vector *sW, *sP;
    double *out_re, *out_im;
} run_job_t;

static int run_job(void *ctx)
{
    run_job_t *r = ctx;
    if (r->kind == JOB_SHARED) {
        run_shared(r->a, r->p, r->net, r->mf, r->T_shared, r->ei); /* g, h, i */
    } else if (r->kind == JOB_STEPS) {
        run_steps(r->a, r->p, r->net, r->rng, r->norm_u, r->norm_r); /* f */
    } else {
        write_structure(r->a, r->net, r->sW);           /* a, b */
        write_eigs(r->a, r->net, r->out_re, r->out_im); /* c */
        write_overlap(r->a, r->net, r->sP);             /* d, e */
    }
    return 0;
}

/* ------------------------------------------------------------ summary */
static void summary_meanfield(const mf_t *mf)
{
    nb_summary("mf_K", "%.4f %.4f %.4f %.4f", mf->K[0][0], mf->K[0][1], mf->K[1][0],
               mf->K[1][1]);
    nb_summary("mf_fixed_point_z", "%.4f %.4f", mf->z[0], mf->z[1]);
    nb_summary("mf_fixed_point_rates", "%.4f %.4f", tanh(mf->z[0]), tanh(mf->z[1]));
    nb_summary("mf_newton_iterations", "%d", mf->iters);
    nb_summary("mf_jacobian_eig", "%.4f +/- %.4fi", GSL_REAL(mf->eig_fp), GSL_IMAG(mf->eig_fp));
    nb_summary("mf_jacobian_eig_re", "%.4f", GSL_REAL(mf->eig_fp));
    nb_summary("mf_jacobian_eig_im", "%.4f", GSL_IMAG(mf->eig_fp));
    nb_summary("mf_jacobian_eig_at_origin", "%.4f +/- %.4fi", GSL_REAL(mf->eig_origin),
               GSL_IMAG(mf->eig_origin));
    nb_summary("paper_mf_jacobian_eig", "-1.19 +/- 5.13i");
    nb_summary("paper_mf_fixed_point", "0.051 0.431");
    nb_summary("mf_linear_fixed_point_authors_input", "%.3f %.3f", mf->lin_authors[0],
               mf->lin_authors[1]);
    nb_note("paper_mf_fixed_point is the linear mean field (I - W_MF)^-1 X_MF with "
            "X_MF = (%g, %g) sqrt(N), a mean input the authors' code defines and then "
            "multiplies by 0 in every simulation (mf_linear_fixed_point_authors_input); "
            "mf_fixed_point_z is the tanh mean field with the shared input's mean %g",
            XE0_AUTHORS, XI0_AUTHORS, X_MEAN);
}

static void summary_balance(const ei_obs_t *ei)
{
    double n = ei->n;
    const char *pop[2] = {"E", "I"};
    char key[64];
    for (int q = 0; q < 2; q++) {
        double me = ei->s_pop[EI_EXC][q] / n, mi = ei->s_pop[EI_INH][q] / n;
        double mt = ei->s_pop[EI_TOT][q] / n;
        double ve = ei->s_ee[q] / n - me * me, vi = ei->s_ii[q] / n - mi * mi;
        double cei = (ei->s_ei[q] / n - me * mi) / sqrt(ve * vi);
#define KEY(what) (snprintf(key, sizeof key, "%s_%s", what, pop[q]), key)
        nb_summary(KEY("sim_mean_z"), "%.4f", ei->s_pop[EI_Z][q] / n);
        nb_summary(KEY("sim_mean_rate"), "%.4f", ei->s_pop[EI_R][q] / n);
        nb_summary(KEY("ei_exc_mean"), "%.4f", me);
        nb_summary(KEY("ei_inh_mean"), "%.4f", mi);
        nb_summary(KEY("ei_total_mean"), "%.4f", mt);
        nb_summary(KEY("ei_total_over_exc"), "%.4f", mt / me);
        nb_summary(KEY("ei_corr_exc_inh"), "%.4f", cei);
#undef KEY
    }
    nb_summary("ei_mean_exc_input", "%.4f", ei->s_in[IN_EXC] / n);
    nb_summary("ei_mean_inh_input", "%.4f", ei->s_in[IN_INH] / n);
    nb_summary("ei_mean_total_input", "%.4f", ei->s_in[IN_TOT] / n);
}

int main(int argc, char **argv)
{
    nb_args_t a;
    lrs_err_t err = {0};
    const net_modular_params_t p = net_modular_fig4();
    nb_init(&a, "fig4",
            "Figure 4: modular E/I network: structure, step responses, "
            "mean-field theory and E/I balance",
            p.seed, argc, argv);
    const double T_sh = a.fast ? T_SHARED_FAST : T_SHARED;
    nb_param("N", "%zu", p.N);
    net_modular_param(&p);
    nb_param("x_mean", "%g", X_MEAN);
    nb_param("x_fluct", "%g", X_FLUCT);
    nb_param("tau_x_shared", "%g", TAU_X_SHARED);
    nb_param("T_shared", "%g", T_sh);
    nb_param("t_stat", "%g", T_STAT);

    gsl_rng *rng = nb_rng(a.seed);
    net_t *net = NULL;
    NB_TRY(net_modular_build(&p, rng, &net, &err), &err);
    gsl_vector *sW = gsl_vector_alloc(p.N), *sP = gsl_vector_alloc(2);
    double out_re, out_im, norm_u, norm_r;
    mf_t mf;
    ei_obs_t ei;

    mean_field(&a, &p, net, &mf); /* c, g */
    run_job_t jobs[3];
    for (int k = 0; k < 3; k++)
        jobs[k] = (run_job_t){k, &a, &p, net, rng, &norm_u, &norm_r, &mf, T_sh, &ei,
                              sW, sP, &out_re, &out_im};
    void *ctx[3] = {&jobs[JOB_SHARED], &jobs[JOB_STEPS], &jobs[JOB_STRUCTURE]};
    nb_parallel(a.jobs, 3, run_job, ctx); /* a-b, c, d-e, f, g-i */

    nb_summary("N", "%zu", p.N);
    nb_summary("svals_W0_top2", "%.4f %.4f", gsl_vector_get(net->s0, 0),
               gsl_vector_get(net->s0, 1));
    nb_summary("svals_W_top3", "%.4f %.4f %.4f", gsl_vector_get(sW, 0), gsl_vector_get(sW, 1),
               gsl_vector_get(sW, 2));
    nb_summary("P_svals", "%.4f %.4f", gsl_vector_get(sP, 0), gsl_vector_get(sP, 1));
    summary_meanfield(&mf);
    nb_summary("network_outlier_eig", "%.4f +/- %.4fi", out_re, out_im);
    nb_summary("step_norm_aligned", "%.4f", norm_u);
    nb_summary("step_norm_random", "%.4f", norm_r);
    nb_summary("response_ratio", "%.3f", norm_r / norm_u);
    summary_balance(&ei);
    if (a.fast)
        nb_note("fast run: shared-input run shortened to T = %g", T_sh);

    gsl_vector_free(ei.r);
    gsl_vector_free(sW);
    gsl_vector_free(sP);
    net_free(net);
    gsl_rng_free(rng);
    return nb_finish();
}
