/* SPDX-License-Identifier: GPL-3.0-or-later */
/* study.c -- the shared "Figure-1 protocol" of the notebooks; see study.h. */
#include "study.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_randist.h>
#include "lrs/exact.h"
#include "lrs/linear.h"
#include "lrs/connectivity.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/perturb.h"
#include "lrs/spectra.h"
#include "lrs/theory.h"

study_params_t study_params_default(const nb_args_t *a)
{
    study_params_t p;
    memset(&p, 0, sizeof p);
    p.prefix = "";
    p.aligned_name = "u";
    p.f = LRS_F_IDENTITY;
    p.mode = LRS_SIM_RECURRENT;
    p.tau = 1.0;
    p.dt = a->fast ? 0.05 : 0.01;
    p.do_spectra = 1;
    p.do_step = 1;
    lrs_perturb_windows_t w = lrs_perturb_windows_default();
    p.c_x = w.c_x;
    p.on1 = w.on1;
    p.off1 = w.off1;
    p.on2 = w.on2;
    p.off2 = w.off2;
    p.T_step = w.T;
    p.z0_step_scale = 0.1;
    p.step_every = 20;
    p.seed_step = a->seed + 1001;
    p.do_noise = 1;
    p.tau_x = 10;
    p.sigma_x = 1;
    p.T_noise = a->fast ? 2500 : 5000;
    p.t_discard = 0;
    p.z0_noise_scale = 0.1;
    p.t_proj = 2000;
    p.proj_dt = 1.0;
    p.t_series = 500;
    p.series_dt = 0.2;
    p.stat_dt = 0.1;
    p.noise_exact = !a->euler;
    p.seed_noise = a->seed + 1002;
    return p;
}

void study_randn(gsl_rng *rng, double scale, gsl_vector *z)
{
    for (size_t i = 0; i < z->size; i++)
        gsl_vector_set(z, i, scale * gsl_ran_gaussian_ziggurat(rng, 1.0));
}

/* ------------------------------------------------------------------ observers */

/* Statistics of the noise run, streamed block by block:
 *
 *  - the covariances of z and of x: two lrs_cov_observer_every observers
 *    beside this one (every `every`-th step with t >= t_discard);
 *  - the mean and covariance of the 3K projections z.d_k, x.d_k, r.d_k on
 *    the K known directions, r = W f(z), from the same steps as the
 *    covariances (the input is smooth on tau_x, so the variances and the
 *    cancellation correlation change far less than their sampling error,
 *    and a tanh network evaluates f(z) here on one step in `every`).
 *    For a recurrent run r.d = f(z).(W^T d): the observer projects f(z) on
 *    the precomputed W^T d instead of asking the simulation for R = W f(z)
 *    (which would cost a second N x N product per step).  In feed-forward
 *    mode r = f(W^T x) is taken from the block;
 *  - snapshots of z, x (and r in feed-forward mode) every `snap_every`-th
 *    step with t < t_snap, for the plots: their projections on u_N can only
 *    be formed after the run. */
typedef struct {
    lrs_sim_transfer_t f;
    int feedforward;
    size_t N, K, every;
    size_t n_start;           /* first step in the statistics */
    lrs_cov_t *cz, *cx, *cp;  /* covariances of z, x and of the 3K projections */
    const gsl_matrix *D;      /* N x K directions */
    gsl_matrix *Dr;           /* N x K: W^T D (recurrent runs) */
    gsl_matrix *F, *P;        /* block workspaces: f(Z) (rows x N), projections (rows x 3K) */
    size_t cap;               /* rows allocated in F and P */
    double max_abs_z, max_norm_z; /* max |z_i| and max ||z|| over every step (lrs_sim_extent) */
} stats_t;

static void stats_free(stats_t *st)
{
    lrs_cov_free(st->cz);
    lrs_cov_free(st->cx);
    lrs_cov_free(st->cp);
    gsl_matrix_free(st->Dr);
    gsl_matrix_free(st->F);
    gsl_matrix_free(st->P);
    memset(st, 0, sizeof *st);
}

/* Workspaces sized for `rows` rows; the simulation uses one block size, so
 * this allocates once (at the first block), not per step. */
static int stats_reserve(stats_t *st, size_t rows, lrs_err_t *err)
{
    if (rows <= st->cap)
        return LRS_OK;
    gsl_matrix_free(st->F);
    gsl_matrix_free(st->P);
    st->F = gsl_matrix_alloc(rows, st->N);
    st->P = gsl_matrix_alloc(rows, 3 * st->K);
    st->cap = st->F && st->P ? rows : 0;
    if (!st->cap)
        return lrs_err_set(err, LRS_ENOMEM, "study: out of memory (block of %zu rows)", rows);
    return LRS_OK;
}

/* Rows i0, i0 + every, ..., m of them, of a block matrix, as a view. */
static gsl_matrix every_row(const gsl_matrix *A, size_t i0, size_t m, size_t every)
{
    gsl_matrix_const_view v = gsl_matrix_const_view_array_with_tda(A->data + i0 * A->tda, m,
                                                                   A->size2, every * A->tda);
    return v.matrix;
}

static int stats_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    stats_t *st = self;
    size_t rows = b->Z->size1, N = st->N, K = st->K;
    /* The rows i0, i0 + every, ... of this block: steps n >= n_start with n
     * a multiple of every. */
    size_t n = st->n_start > b->n0 ? st->n_start : b->n0;
    n += (st->every - n % st->every) % st->every;
    if (n >= b->n0 + rows)
        return LRS_OK;
    size_t i0 = n - b->n0, m = (rows - i0 + st->every - 1) / st->every;
    int rc;

    /* Projections of those steps: P = [Z D, X D, f(Z) W^T D] (or R D). */
    if ((rc = stats_reserve(st, m, err)))
        return rc;
    gsl_matrix Z = every_row(b->Z, i0, m, st->every);
    gsl_matrix X = every_row(b->X, i0, m, st->every);
    gsl_matrix_view P = gsl_matrix_submatrix(st->P, 0, 0, m, 3 * K);
    gsl_matrix_view Pz = gsl_matrix_submatrix(st->P, 0, 0, m, K);
    gsl_matrix_view Px = gsl_matrix_submatrix(st->P, 0, K, m, K);
    gsl_matrix_view Pr = gsl_matrix_submatrix(st->P, 0, 2 * K, m, K);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Z, st->D, 0.0, &Pz.matrix);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &X, st->D, 0.0, &Px.matrix);
    if (st->feedforward) {
        if (!b->R)
            return lrs_err_set(err, LRS_EINVAL, "study: feed-forward block without R");
        gsl_matrix R = every_row(b->R, i0, m, st->every);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &R, st->D, 0.0, &Pr.matrix);
    } else if (st->f == LRS_F_IDENTITY) {
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Z, st->Dr, 0.0, &Pr.matrix);
    } else {
        gsl_matrix_view F = gsl_matrix_submatrix(st->F, 0, 0, m, N);
        for (size_t i = 0; i < m; i++)
            lrs_sim_transfer_apply(st->f, N, Z.data + i * Z.tda, F.matrix.data + i * F.matrix.tda);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &F.matrix, st->Dr, 0.0, &Pr.matrix);
    }
    return lrs_cov_add_block(st->cp, &P.matrix, err);
}

/* Snapshots of z and x (and r in feed-forward mode) every `every`-th step
 * with t < t_max. */
typedef struct {
    size_t every, cap, n;
    double t_max;
    gsl_vector *t;
    gsl_matrix *Z, *X, *R;
} snap_t;

static void snap_free(snap_t *s)
{
    gsl_vector_free(s->t);
    gsl_matrix_free(s->Z);
    gsl_matrix_free(s->X);
    gsl_matrix_free(s->R);
    memset(s, 0, sizeof *s);
}

/* Room for the snapshots of t < t_max, every `every`-th step; R (r = W f(z)
 * as the simulation handed it) only if with_r: in recurrent mode r.d is
 * formed from z afterwards (snap_r_dots). */
static int snap_alloc(snap_t *s, size_t N, double t_max, double dt, size_t every, int with_r,
                      lrs_err_t *err)
{
    memset(s, 0, sizeof *s);
    s->every = every ? every : 1;
    s->t_max = t_max;
    s->cap = (size_t)ceil(t_max / dt / (double)s->every) + 1;
    s->t = gsl_vector_alloc(s->cap);
    s->Z = gsl_matrix_alloc(s->cap, N);
    s->X = gsl_matrix_alloc(s->cap, N);
    s->R = with_r ? gsl_matrix_alloc(s->cap, N) : NULL;
    if (!s->t || !s->Z || !s->X || (with_r && !s->R)) {
        snap_free(s);
        return lrs_err_set(err, LRS_ENOMEM, "study: cannot allocate %zu snapshots of N = %zu",
                           s->cap, N);
    }
    return LRS_OK;
}

static int snap_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    snap_t *s = self;
    for (size_t i = 0; i < b->Z->size1; i++) {
        size_t step = b->n0 + i;
        double t = (double)step * b->dt;
        if (t >= s->t_max || s->n >= s->cap)
            break;
        if (step % s->every)
            continue;
        gsl_vector_set(s->t, s->n, t);
        gsl_vector_const_view z = gsl_matrix_const_row(b->Z, i);
        gsl_vector_const_view x = gsl_matrix_const_row(b->X, i);
        gsl_vector_view dz = gsl_matrix_row(s->Z, s->n);
        gsl_vector_view dx = gsl_matrix_row(s->X, s->n);
        gsl_vector_memcpy(&dz.vector, &z.vector);
        gsl_vector_memcpy(&dx.vector, &x.vector);
        if (s->R && b->R) {
            gsl_vector_const_view r = gsl_matrix_const_row(b->R, i);
            gsl_vector_view dr = gsl_matrix_row(s->R, s->n);
            gsl_vector_memcpy(&dr.vector, &r.vector);
        }
        s->n++;
    }
    return LRS_OK;
}

static lrs_observer_t snap_observer(snap_t *s, int needs_r)
{
    lrs_observer_t o = {snap_observe, s, needs_r};
    return o;
}

/* ------------------------------------------------------------------ the runs */

typedef struct {
    const nb_args_t *a;
    const study_params_t *p;
    study_result_t *r;
    FILE *step_fp;
    snap_t steps;  /* states of the step run every step_every steps (for step_units.tsv) */
    snap_t proj, series;
    stats_t st;
    gsl_matrix *D; /* u, u_rand, extras (N x K) */
    enum { JOB_STEP, JOB_NOISE, JOB_SPECTRA } kind;
    lrs_linear_t *L; /* spectra job: W's prepared factorisations */
    int exact;     /* noise run: exact integrator (linear recurrent network) */
    double dt;     /* this run's time step */
    lrs_err_t err;
} job_t;

/* Simulation parameters common to both runs. */
static lrs_sim_params_t sim_params(const study_params_t *p, double dt, double T,
                                   const gsl_vector *z0)
{
    lrs_sim_params_t sp = lrs_sim_params_default();
    sp.W = p->W;
    sp.f = p->f;
    sp.mode = p->mode;
    sp.tau = p->tau;
    sp.tau_vec = p->tau_vec;
    sp.dt = dt;
    sp.T = T;
    sp.z0 = z0;
    sp.max_norm = p->max_norm;
    sp.precision = p->precision;
    sp.stop = &nb_stop;
    return sp;
}

static size_t steps_of(double T, double dt)
{
    return (size_t)llround(T / dt);
}

static void write_step_files(const nb_args_t *a, const study_params_t *p, const job_t *j,
                             const study_result_t *r);

/* (b) The step protocol (lrs_perturb_step), with the notebook's observers:
 * the ||z|| trace, the unit traces and the progress line (the peak norm
 * is the simulator's, lrs_step_result_t.max_norm);
 * then its files (beside the longer noise run). */
static int run_step(job_t *j)
{
    const study_params_t *p = j->p;
    study_result_t *r = j->r;
    size_t N = r->N;
    int rc = LRS_OK;
    gsl_rng *rng = nb_rng(p->seed_step);
    gsl_vector *z0 = gsl_vector_alloc(N);
    lrs_trace_t *trace = NULL;
    nb_progress_t prog;
    double t0 = lrs_wall_seconds();
    if (!rng || !z0) {
        rc = lrs_err_set(&j->err, LRS_ENOMEM, "study: out of memory");
        goto done;
    }
    /* Start near rest: z0 = 0.1/sqrt(N) randn, ||z0|| ~ 0.1. */
    study_randn(rng, p->z0_step_scale / sqrt((double)N), z0);
    lrs_sim_params_t sp = sim_params(p, p->dt, p->T_step, z0);
    lrs_perturb_windows_t win = {p->on1, p->off1, p->on2, p->off2, p->T_step, p->c_x};
    if ((rc = lrs_trace_alloc(&trace, j->step_fp, p->step_every, p->T_step, 0, &j->err)))
        goto done;
    lrs_observer_t obs[3] = {
        lrs_trace_observer(trace), snap_observer(&j->steps, 0),
        nb_progress_observer(&prog, "step run", steps_of(p->T_step, p->dt))};
    lrs_step_result_t res = {0};
    res.z_aligned = r->resp_aligned;
    res.z_random = r->resp_random;
    rc = lrs_perturb_step(&sp, p->d_aligned ? p->d_aligned : p->u, p->u_rand, &win, obs, 3,
                          &res, &j->err);
    nb_progress_done(&prog);
    if (rc)
        goto done;
    r->norm_aligned = res.norm_aligned;
    r->norm_random = res.norm_random;
    r->response_ratio = res.ratio;
    r->step_peak_norm = res.max_norm;
    /* ||z|| at the last trace sample before the aligned input starts. */
    for (size_t n = 0; n < j->steps.n && gsl_vector_get(j->steps.t, n) < p->on1; n++) {
        gsl_vector_const_view z = gsl_matrix_const_row(j->steps.Z, n);
        r->norm_before_aligned = gsl_blas_dnrm2(&z.vector);
    }
    if (p->v &&
        (rc = lrs_spectra_line_angle_deg(r->resp_aligned, p->v, &r->angle_resp_aligned_v_deg,
                                         &j->err)))
        goto done;
    rc = lrs_spectra_line_angle_deg(r->resp_aligned, p->u, &r->angle_resp_aligned_u_deg,
                                    &j->err);
    if (rc == LRS_OK)
        write_step_files(j->a, p, j, r);
done:
    r->wall_step = lrs_wall_seconds() - t0;
    lrs_trace_free(trace);
    gsl_vector_free(z0);
    gsl_rng_free(rng);
    return rc;
}

/* (c) The noise run: smooth input (mixed if p->mix), statistics and
 * snapshots streamed into the observers. */
static int run_noise(job_t *j)
{
    const study_params_t *p = j->p;
    study_result_t *r = j->r;
    size_t N = r->N;
    size_t K = p->mix ? p->mix->size1 : N;
    int rc = LRS_OK;
    gsl_rng *rng = nb_rng(p->seed_noise);
    gsl_vector *z0 = gsl_vector_alloc(N);
    lrs_input_t *in = NULL;
    lrs_noise_t *noise = NULL;
    lrs_sim_t *sim = NULL;
    nb_progress_t prog;
    double t0 = lrs_wall_seconds();
    if (!rng || !z0) {
        rc = lrs_err_set(&j->err, LRS_ENOMEM, "study: out of memory");
        goto done;
    }
    study_randn(rng, p->z0_noise_scale, z0); /* z0 = 0.1 randn */
    lrs_sim_params_t sp = sim_params(p, j->dt, p->T_noise, z0);
    sp.method = j->exact ? lrs_sim_exact : lrs_sim_euler;
    if (j->exact)
        sp.precision = LRS_SIM_DOUBLE;
    /* Smooth Gaussian input, K channels, mixed into N units if p->mix.  The
     * same seed gives the same continuous input path at any step. */
    if ((rc = lrs_noise_alloc(&noise, K, p->tau_x, p->sigma_x, j->dt, rng, &j->err)) ||
        (rc = lrs_input_alloc(&in, N, &j->err)) ||
        (rc = lrs_input_add_noise(in, noise, 1.0, p->mix, &j->err)))
        goto done;
    /* R is needed from the simulation only in feed-forward mode (the
     * statistics form r = W f(z) themselves otherwise). */
    int ff = p->mode == LRS_SIM_FEEDFORWARD;
    lrs_observer_t obs[6] = {
        {stats_observe, &j->st, ff},
        lrs_cov_observer_every(j->st.cz, LRS_FIELD_Z, p->t_discard, j->st.every),
        lrs_cov_observer_every(j->st.cx, LRS_FIELD_X, p->t_discard, j->st.every),
        snap_observer(&j->proj, ff), snap_observer(&j->series, ff),
        nb_progress_observer(&prog, "noise run", steps_of(p->T_noise, j->dt))};
    if ((rc = lrs_sim_alloc(&sim, &sp, &j->err)) == LRS_OK)
        rc = lrs_sim_run(sim, in, obs, 6, &j->err);
    /* Boundedness (figS-unstable2): the simulator's own largest ||z|| and |z_i| */
    if (rc == LRS_OK)
        rc = lrs_sim_extent(sim, &j->st.max_norm_z, &j->st.max_abs_z, &j->err);
    nb_progress_done(&prog);
done:
    r->wall_noise = lrs_wall_seconds() - t0;
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_noise_free(noise);
    gsl_vector_free(z0);
    gsl_rng_free(rng);
    return rc;
}

static int spectra_compute(job_t *j);

static int run_job(void *ctx)
{
    job_t *j = ctx;
    return j->kind == JOB_STEP ? run_step(j) : j->kind == JOB_NOISE ? run_noise(j)
                                                                     : spectra_compute(j);
}

static void job_free(job_t *j)
{
    stats_free(&j->st);
    gsl_matrix_free(j->D);
    snap_free(&j->proj);
    snap_free(&j->series);
    snap_free(&j->steps);
}

/* ------------------------------------------------------------------ helpers */

static double quad_form(const gsl_matrix *C, const gsl_vector *d, gsl_vector *tmp)
{
    double q;
    gsl_blas_dsymv(CblasUpper, 1.0, C, d, 0.0, tmp);
    gsl_blas_ddot(d, tmp, &q);
    return q;
}

static double cov_corr(const gsl_matrix *C, size_t i, size_t j)
{
    return gsl_matrix_get(C, i, j) /
           sqrt(gsl_matrix_get(C, i, i) * gsl_matrix_get(C, j, j));
}

static double dot_row(const gsl_matrix *M, size_t i, const gsl_vector *d)
{
    gsl_vector_const_view row = gsl_matrix_const_row(M, i);
    double s;
    gsl_blas_ddot(&row.vector, d, &s);
    return s;
}

static double pearson(const double *a, const double *b, size_t n)
{
    if (n < 2)
        return NAN;
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* r.d_k of every snapshot i < s->n, k < nd, into out[i nd + k]: from the
 * stored R in feed-forward mode; in recurrent mode as f(z_i).(W^T d_k), so
 * that the N x N product W f(z) is never formed (n N (nd + 1) flops and n N
 * values of f instead of 2 n N^2). */
static int snap_r_dots(const snap_t *s, const study_params_t *p, const gsl_vector *const *dirs,
                       size_t nd, double *out, lrs_err_t *err)
{
    size_t N = s->Z->size2;
    if (s->R) {
        for (size_t i = 0; i < s->n; i++)
            for (size_t k = 0; k < nd; k++)
                out[i * nd + k] = dot_row(s->R, i, dirs[k]);
        return LRS_OK;
    }
    gsl_matrix *Wd = gsl_matrix_alloc(nd, N); /* row k: W^T d_k */
    gsl_vector *fz = gsl_vector_alloc(N);
    if (!Wd || !fz) {
        gsl_matrix_free(Wd);
        gsl_vector_free(fz);
        return lrs_err_set(err, LRS_ENOMEM, "study: out of memory (N = %zu)", N);
    }
    for (size_t k = 0; k < nd; k++) {
        gsl_vector_view w = gsl_matrix_row(Wd, k);
        gsl_blas_dgemv(CblasTrans, 1.0, p->W, dirs[k], 0.0, &w.vector);
    }
    for (size_t i = 0; i < s->n; i++) {
        lrs_sim_transfer_apply(p->f, N, s->Z->data + i * s->Z->tda, fz->data);
        gsl_vector_view o = gsl_vector_view_array(out + i * nd, nd);
        gsl_blas_dgemv(CblasNoTrans, 1.0, Wd, fz, 0.0, &o.vector);
    }
    gsl_matrix_free(Wd);
    gsl_vector_free(fz);
    return LRS_OK;
}

/* Write the snapshots projected on the directions dirs[0..nd-1] (rd: their
 * r.d_k from snap_r_dots). */
static void write_projections(FILE *fp, const snap_t *s, const gsl_vector *const *dirs,
                              size_t nd, const double *rd)
{
    for (size_t i = 0; i < s->n; i++) {
        lrs_io_put_g(fp, '\0', gsl_vector_get(s->t, i), 6);
        for (size_t k = 0; k < nd; k++) {
            lrs_io_put_g(fp, '\t', dot_row(s->Z, i, dirs[k]), 8);
            lrs_io_put_g(fp, '\t', dot_row(s->X, i, dirs[k]), 8);
            lrs_io_put_g(fp, '\t', rd[i * nd + k], 8);
        }
        fputc('\n', fp);
    }
}

static void projection_header(const study_params_t *p, char *buf, size_t len)
{
    size_t off = (size_t)snprintf(buf, len, "t");
    const char *names[3 + STUDY_MAX_EXTRA] = {"u", "u_rand", "u_N"};
    for (size_t k = 0; k < p->nextra; k++)
        names[3 + k] = p->extra_name[k] ? p->extra_name[k] : "extra";
    for (size_t k = 0; k < 3 + p->nextra && off < len; k++)
        off += (size_t)snprintf(buf + off, len - off, "\tz.%s\tx.%s\tr.%s", names[k], names[k],
                                names[k]);
}

static FILE *open_tsv(const nb_args_t *a, const study_params_t *p, const char *file,
                      const char *title, const char *columns)
{
    char name[256];
    snprintf(name, sizeof name, "%s%s", p->prefix ? p->prefix : "", file);
    return nb_tsv(a, name, title, columns);
}

static int check_vec(const gsl_vector *v, size_t N, const char *what, int required,
                     lrs_err_t *err)
{
    if (!v)
        return required ? lrs_err_set(err, LRS_EINVAL, "study_run: %s is NULL", what) : LRS_OK;
    if (v->size != N)
        return lrs_err_set(err, LRS_EINVAL, "study_run: %s has length %zu; expected N = %zu",
                           what, v->size, N);
    return LRS_OK;
}

void study_result_free(study_result_t *r)
{
    if (!r)
        return;
    gsl_vector_free(r->sv);
    if (r->eig)
        gsl_vector_complex_free(r->eig);
    gsl_vector_free(r->resp_aligned);
    gsl_vector_free(r->resp_random);
    gsl_matrix_free(r->Cz);
    gsl_matrix_free(r->Cx);
    lrs_pca_free(r->pca_z);
    lrs_pca_free(r->pca_x);
    gsl_vector_free(r->theory1);
    gsl_vector_free(r->theory2);
    gsl_vector_free(r->uN);
    free(r);
}

/* ------------------------------------------------------------------ study_run steps */

static int check_params(const study_params_t *p, lrs_err_t *err)
{
    int rc;
    if (!p->W || p->W->size1 != p->W->size2)
        return lrs_err_set(err, LRS_EINVAL, "study_run: W must be a square matrix");
    size_t N = p->W->size1;
    if ((rc = check_vec(p->u, N, "u", 1, err)) || (rc = check_vec(p->v, N, "v", 0, err)) ||
        (rc = check_vec(p->u_rand, N, "u_rand", 1, err)) ||
        (rc = check_vec(p->d_aligned, N, "d_aligned", 0, err)))
        return rc;
    if (p->nextra > STUDY_MAX_EXTRA)
        return lrs_err_set(err, LRS_EINVAL, "study_run: %zu extra directions; at most %d",
                           p->nextra, STUDY_MAX_EXTRA);
    for (size_t k = 0; k < p->nextra; k++)
        if ((rc = check_vec(p->extra[k], N, "an extra direction", 1, err)))
            return rc;
    if (p->mix && p->mix->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "study_run: mix is %zux%zu; expected Kx%zu",
                           p->mix->size1, p->mix->size2, N);
    return LRS_OK;
}

/* A result with every statistic "not applicable" (NAN) until computed. */
static study_result_t *result_new(size_t N)
{
    study_result_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->N = N;
    r->max_re_eig = r->angle_resp_aligned_v_deg = r->angle_resp_aligned_u_deg = NAN;
    r->angle_uN_u_deg = r->angle_uN_v_deg = r->angle_pc1_u_deg = NAN;
    r->response_ratio = r->norm_aligned = r->norm_random = r->norm_before_aligned = NAN;
    r->corr_xu_Wzu = r->corr_xrand_Wzrand = r->corr_xuN_WzuN = NAN;
    r->var_ratio_rand_over_u = r->var_ratio_u_over_rand = r->var_ratio_rand_over_uN = NAN;
    r->noise_dt = NAN;
    return r;
}

/* (a) Singular values and eigenvalues of W (from the factorisations cached
 * in j->L: one SVD and one eigendecomposition, O(N^3)).  A job beside the
 * runs (it needs neither); spectrum.tsv is written afterwards. */
static int spectra_compute(job_t *j)
{
    study_result_t *r = j->r;
    int rc;
    const gsl_vector *sv;
    const gsl_vector_complex *eig;
    if ((rc = lrs_linear_svd(j->L, &sv, NULL, NULL, &j->err)) ||
        (rc = lrs_linear_eig(j->L, &eig, &j->err)))
        return rc;
    gsl_vector_memcpy(r->sv, sv);
    gsl_vector_complex_memcpy(r->eig, eig);
    r->max_re_eig = GSL_REAL(gsl_vector_complex_get(r->eig, 0));
    return LRS_OK;
}

/* The spectra job (its vectors allocated here, before the runs). */
static int spectra_job_setup(const study_params_t *p, lrs_linear_t *L, study_result_t *r,
                             job_t *j, lrs_err_t *err)
{
    j->p = p;
    j->r = r;
    j->kind = JOB_SPECTRA;
    j->L = L;
    r->sv = gsl_vector_alloc(r->N);
    r->eig = gsl_vector_complex_alloc(r->N);
    if (!r->sv || !r->eig)
        return lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (N = %zu)", r->N);
    return LRS_OK;
}

/* spectrum.tsv: the singular values and eigenvalues of W. */
static void write_spectrum(const nb_args_t *a, const study_params_t *p, const study_result_t *r)
{
    size_t N = r->N;
    FILE *fp = open_tsv(a, p, "spectrum.tsv", "singular values and eigenvalues of W",
                        "k\tsv_W\teig_re\teig_im");
    for (size_t k = 0; k < N; k++) {
        gsl_complex l = gsl_vector_complex_get(r->eig, k);
        fprintf(fp, "%zu\t%.10g\t%.10g\t%.10g\n", k + 1, gsl_vector_get(r->sv, k), GSL_REAL(l),
                GSL_IMAG(l));
    }
}

/* Steps of size dt in `span` time units (at least 1). */
static size_t stride(double span, double dt)
{
    double s = floor(span / dt + 0.5);
    return s >= 1 ? (size_t)s : 1;
}

/* The step run's job (its files are opened here, in the calling thread:
 * nb_tsv is not thread-safe). */
static int step_job_setup(const nb_args_t *a, const study_params_t *p, study_result_t *r,
                          job_t *j, lrs_err_t *err)
{
    size_t N = r->N;
    j->a = a;
    j->p = p;
    j->r = r;
    j->kind = JOB_STEP;
    j->dt = p->dt;
    r->resp_aligned = gsl_vector_alloc(N);
    r->resp_random = gsl_vector_alloc(N);
    if (!r->resp_aligned || !r->resp_random)
        return lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (N = %zu)", N);
    j->step_fp = open_tsv(a, p, "step.tsv", "step responses: t, ||z|| (every unit: step_units.tsv)",
                          "t\tnorm_z");
    fprintf(j->step_fp,
            "# aligned input %g*%s on [%g, %g), random input %g*u_rand on [%g, %g)\n", p->c_x,
            p->aligned_name ? p->aligned_name : "u", p->on1, p->off1, p->c_x, p->on2, p->off2);
    fprintf(j->step_fp, "# c_x %g  dt %g  T %g  method euler\n", p->c_x, p->dt, p->T_step);
    return snap_alloc(&j->steps, N, p->T_step, p->dt, p->step_every, 0, err);
}

/* The noise run's job: integrator and step, the statistics' workspaces and
 * the directions D = [u, u_rand, extras] with W^T D for r.d = f(z).(W^T d). */
static int noise_job_setup(const study_params_t *p, study_result_t *r, job_t *j,
                           lrs_err_t *err)
{
    size_t N = r->N, K = 2 + p->nextra;
    int rc;
    j->p = p;
    j->r = r;
    j->kind = JOB_NOISE;
    j->exact = p->noise_exact && p->f == LRS_F_IDENTITY;
    j->dt = !j->exact ? p->dt : p->noise_h > 0 ? p->noise_h : lrs_exact_default_step(p->tau_x);
    r->noise_exact = j->exact;
    r->noise_dt = j->dt;
    stats_t *st = &j->st;
    st->f = p->f;
    st->feedforward = p->mode == LRS_SIM_FEEDFORWARD;
    st->N = N;
    st->K = K;
    st->every = stride(p->stat_dt, j->dt);
    r->stat_every = st->every;
    double ns = ceil(p->t_discard / j->dt - 1e-9);
    st->n_start = ns > 0 ? (size_t)ns : 0;
    if ((rc = lrs_cov_alloc(&st->cz, N, err)) || (rc = lrs_cov_alloc(&st->cx, N, err)) ||
        (rc = lrs_cov_alloc(&st->cp, 3 * K, err)))
        return rc;
    j->D = gsl_matrix_alloc(N, K);
    st->Dr = gsl_matrix_alloc(N, K);
    if (!j->D || !st->Dr)
        return lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (N = %zu)", N);
    gsl_matrix_set_col(j->D, 0, p->u);
    gsl_matrix_set_col(j->D, 1, p->u_rand);
    for (size_t k = 0; k < p->nextra; k++)
        gsl_matrix_set_col(j->D, 2 + k, p->extra[k]);
    st->D = j->D;
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, p->W, j->D, 0.0, st->Dr);
    double tp = p->t_proj < p->T_noise ? p->t_proj : p->T_noise;
    double ts = p->t_series < p->T_noise ? p->t_series : p->T_noise;
    int ff = p->mode == LRS_SIM_FEEDFORWARD;
    if ((rc = snap_alloc(&j->proj, N, tp, j->dt, stride(p->proj_dt, j->dt), ff, err)))
        return rc;
    return snap_alloc(&j->series, N, ts, j->dt, stride(p->series_dt, j->dt), ff, err);
}

/* Run the jobs side by side (nb_parallel); the first failing job's error. */
static int run_jobs(const nb_args_t *a, job_t *jobs, size_t njobs, lrs_err_t *err)
{
    void *ctx[3];
    for (size_t k = 0; k < njobs; k++)
        ctx[k] = &jobs[k];
    int prc = njobs ? nb_parallel(a->jobs, njobs, run_job, ctx) : LRS_OK;
    if (!prc)
        return LRS_OK;
    for (size_t k = 0; k < njobs; k++)
        if (jobs[k].err.code) {
            if (err)
                *err = jobs[k].err;
            return jobs[k].err.code;
        }
    return lrs_err_set(err, prc, "study_run: a run failed");
}

/* (c) PCA of z and x from their covariances; the last PC u_N of z and its
 * angles to u, v; the first PC's angle to u. */
static int noise_pca(const study_params_t *p, const job_t *j, study_result_t *r,
                     lrs_err_t *err)
{
    size_t N = r->N;
    int rc;
    r->nsamples = lrs_cov_count(j->st.cz);
    r->nsteps = lrs_cov_count(j->st.cp);
    r->noise_max_abs_z = j->st.max_abs_z;
    r->noise_max_norm_z = j->st.max_norm_z;
    r->Cz = gsl_matrix_alloc(N, N);
    r->Cx = gsl_matrix_alloc(N, N);
    r->uN = gsl_vector_alloc(N);
    gsl_vector *pc1 = gsl_vector_alloc(N);
    if (!r->Cz || !r->Cx || !r->uN || !pc1) {
        rc = lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (N = %zu)", N);
        goto done;
    }
    if ((rc = lrs_cov_get(j->st.cz, r->Cz, err)) || (rc = lrs_cov_get(j->st.cx, r->Cx, err)) ||
        (rc = lrs_pca_alloc(&r->pca_z, N, err)) || (rc = lrs_pca_alloc(&r->pca_x, N, err)) ||
        (rc = lrs_pca_from_cov(r->pca_z, r->Cz, 0, 1, err)) ||
        (rc = lrs_pca_from_cov(r->pca_x, r->Cx, 0, 0, err)))
        goto done;
    gsl_matrix_get_col(r->uN, r->pca_z->pcs, N - 1);
    gsl_matrix_get_col(pc1, r->pca_z->pcs, 0);
    if ((rc = lrs_spectra_line_angle_deg(r->uN, p->u, &r->angle_uN_u_deg, err)) ||
        (p->v && (rc = lrs_spectra_line_angle_deg(r->uN, p->v, &r->angle_uN_v_deg, err))) ||
        (rc = lrs_spectra_line_angle_deg(pc1, p->u, &r->angle_pc1_u_deg, err)))
        goto done;
    r->pct_z_first = gsl_vector_get(r->pca_z->pct, 0);
    r->pct_z_last = gsl_vector_get(r->pca_z->pct, N - 1);
    r->dim_z = lrs_linear_participation_ratio(r->pca_z->var);
    r->dim_x = lrs_linear_participation_ratio(r->pca_x->var);
done:
    gsl_vector_free(pc1);
    return rc;
}

/* (c) Variances along u, u_rand, u_N (d^T C d over the whole run; var(z.u_N)
 * is the smallest PC variance by construction) and the cancellation
 * correlations corr(x.d, (W f(z)).d). */
static int noise_directions(const study_params_t *p, const job_t *j, study_result_t *r,
                            lrs_err_t *err)
{
    size_t N = r->N, K = j->st.K, ns = j->proj.n;
    int rc;
    gsl_vector *tmp = gsl_vector_alloc(N);
    gsl_matrix *Cp = gsl_matrix_alloc(3 * K, 3 * K);
    double *pa = malloc((ns ? ns : 1) * sizeof *pa), *pb = malloc((ns ? ns : 1) * sizeof *pb);
    if (!tmp || !Cp || !pa || !pb) {
        rc = lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (N = %zu)", N);
        goto done;
    }
    if ((rc = lrs_cov_get(j->st.cp, Cp, err)))
        goto done;
    r->var_zu = quad_form(r->Cz, p->u, tmp);
    r->var_zrand = quad_form(r->Cz, p->u_rand, tmp);
    r->var_zuN = quad_form(r->Cz, r->uN, tmp);
    r->var_xu = quad_form(r->Cx, p->u, tmp);
    r->var_xrand = quad_form(r->Cx, p->u_rand, tmp);
    r->var_xuN = quad_form(r->Cx, r->uN, tmp);
    r->var_ratio_rand_over_u = r->var_zrand / r->var_zu;
    r->var_ratio_u_over_rand = r->var_zu / r->var_zrand;
    r->var_ratio_rand_over_uN = r->var_zrand / r->var_zuN;
    /* Projection k of field f is entry f K + k of the projection covariance. */
    r->corr_xu_Wzu = cov_corr(Cp, K + 0, 2 * K + 0);
    r->corr_xrand_Wzrand = cov_corr(Cp, K + 1, 2 * K + 1);
    /* The same along u_N, from the snapshots (u_N is known only now). */
    const gsl_vector *uN = r->uN;
    if ((rc = snap_r_dots(&j->proj, p, &uN, 1, pb, err)))
        goto done;
    size_t m = 0;
    for (size_t i = 0; i < ns; i++) {
        if (gsl_vector_get(j->proj.t, i) < p->t_discard)
            continue;
        pa[m] = dot_row(j->proj.X, i, r->uN);
        pb[m] = pb[i];
        m++;
    }
    r->corr_xuN_WzuN = pearson(pa, pb, m);
done:
    free(pa);
    free(pb);
    gsl_matrix_free(Cp);
    gsl_vector_free(tmp);
    return rc;
}

/* Quasi-static theory (arXiv:2504.13727, Sec. 4) when asked for and
 * meaningful: theory 1 (sigma_x^2 / sigma_k(I - W)^2, isotropic input only)
 * and theory 2 (with the sample input covariance).  A theory that does not
 * apply (unstable W) is left out. */
static int noise_theory(const study_params_t *p, lrs_linear_t *L, study_result_t *r,
                        lrs_err_t *err)
{
    if (!p->theory || p->mode != LRS_SIM_RECURRENT)
        return LRS_OK;
    lrs_err_t e2;
    r->theory1 = gsl_vector_alloc(r->N);
    r->theory2 = gsl_vector_alloc(r->N);
    if (!r->theory1 || !r->theory2)
        return lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (N = %zu)", r->N);
    if (p->mix || lrs_linear_pcvar1(L, p->sigma_x, r->theory1, &e2) != LRS_OK) {
        gsl_vector_free(r->theory1);
        r->theory1 = NULL;
    }
    if (lrs_theory_pcvar2_prepared(L, r->Cx, r->theory2, &e2) != LRS_OK) {
        gsl_vector_free(r->theory2);
        r->theory2 = NULL;
    }
    return LRS_OK;
}

/* pca.tsv: the PC spectra (and the theories). */
static void write_pca(const nb_args_t *a, const study_params_t *p, const study_result_t *r)
{
    char cols[256];
    snprintf(cols, sizeof cols, "k\tpct_z\tpct_x\tvar_z\tvar_x%s%s",
             r->theory1 ? "\ttheory1" : "", r->theory2 ? "\ttheory2" : "");
    FILE *fp = open_tsv(a, p, "pca.tsv", "PC spectra of z and x (% variance explained)", cols);
    fprintf(fp, "# tau_x %g  sigma_x %g  T %g  dt %g  method %s  discard t < %g  covariance "
            "from every %zu-th step: %zu samples\n", p->tau_x, p->sigma_x, p->T_noise,
            r->noise_dt, r->noise_exact ? "exact" : "euler", p->t_discard, r->stat_every,
            r->nsamples);
    for (size_t k = 0; k < r->N; k++) {
        fprintf(fp, "%zu\t%.10g\t%.10g\t%.10g\t%.10g", k + 1, gsl_vector_get(r->pca_z->pct, k),
                gsl_vector_get(r->pca_x->pct, k), gsl_vector_get(r->pca_z->var, k),
                gsl_vector_get(r->pca_x->var, k));
        if (r->theory1)
            fprintf(fp, "\t%.10g", gsl_vector_get(r->theory1, k));
        if (r->theory2)
            fprintf(fp, "\t%.10g", gsl_vector_get(r->theory2, k));
        fputc('\n', fp);
    }
}

/* proj.tsv and series.tsv: the snapshots projected on u, u_rand, u_N, extras. */
static int write_proj_files(const nb_args_t *a, const study_params_t *p, const job_t *j,
                            const study_result_t *r, lrs_err_t *err)
{
    const gsl_vector *dirs[3 + STUDY_MAX_EXTRA] = {p->u, p->u_rand, r->uN};
    size_t nd = 3 + p->nextra, n = j->proj.n > j->series.n ? j->proj.n : j->series.n;
    for (size_t k = 0; k < p->nextra; k++)
        dirs[3 + k] = p->extra[k];
    double *rd = malloc((n ? n : 1) * nd * sizeof *rd);
    if (!rd)
        return lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory (%zu snapshots)", n);
    char hdr[1024];
    projection_header(p, hdr, sizeof hdr);
    int rc = snap_r_dots(&j->proj, p, dirs, nd, rd, err);
    if (rc == LRS_OK) {
        FILE *fp = open_tsv(a, p, "proj.tsv",
                            "projections of z, x and r = W f(z) on u, u_rand, u_N (noise run)", hdr);
        fprintf(fp, "# every %zu steps (dt %g), t < %g\n", j->proj.every, j->dt, j->proj.t_max);
        write_projections(fp, &j->proj, dirs, nd, rd);
        rc = snap_r_dots(&j->series, p, dirs, nd, rd, err);
    }
    if (rc == LRS_OK) {
        FILE *fp = open_tsv(a, p, "series.tsv",
                            "projections of z, x and r = W f(z), fine time series (noise run)", hdr);
        fprintf(fp, "# every %zu steps (dt %g), t < %g\n", j->series.every, j->dt,
                j->series.t_max);
        write_projections(fp, &j->series, dirs, nd, rd);
    }
    free(rd);
    return rc;
}

/* (b) The traces of every unit in long format (one block per unit separated
 * by a blank line, so that gnuplot draws all N traces in one pass) and the
 * step responses as vectors (for "response parallel to v" plots). */
static void write_step_files(const nb_args_t *a, const study_params_t *p, const job_t *j,
                             const study_result_t *r)
{
    const snap_t *sn = &j->steps;
    FILE *fu = open_tsv(a, p, "step_units.tsv", "step responses of every unit, one block per unit",
                        "t\tz_i");
    nb_write_traces(fu, sn->n, sn->t->data, r->N, sn->Z->data, sn->Z->tda, 1, "%.6g");
    FILE *fp = open_tsv(a, p, "resp.tsv", "step responses z(off1-), z(off2-) and directions",
                        "k\tz_aligned\tz_random\td_aligned\tu_rand\tu\tv");
    const gsl_vector *d = p->d_aligned ? p->d_aligned : p->u;
    for (size_t k = 0; k < r->N; k++)
        fprintf(fp, "%zu\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", k + 1,
                gsl_vector_get(r->resp_aligned, k), gsl_vector_get(r->resp_random, k),
                gsl_vector_get(d, k), gsl_vector_get(p->u_rand, k), gsl_vector_get(p->u, k),
                p->v ? gsl_vector_get(p->v, k) : 0.0);
}

/* ------------------------------------------------------------------ study_run */

int study_run(const nb_args_t *a, const study_params_t *p, study_result_t **out,
              lrs_err_t *err)
{
    int rc;
    job_t jobs[3];
    size_t njobs = 0;
    lrs_linear_t *L = NULL;
    memset(jobs, 0, sizeof jobs);
    *out = NULL;
    if ((rc = check_params(p, err)))
        return rc;
    size_t N = p->W->size1;
    study_result_t *r = result_new(N);
    if (!r)
        return lrs_err_set(err, LRS_ENOMEM, "study_run: out of memory");
    /* W factorised once: the spectra and theory 1 query the same object. */
    if ((rc = lrs_linear_alloc(&L, p->W, err)))
        goto done;
    /* Jobs side by side: step run, noise run, then the spectra (taken by
     * the thread that finishes first). */
    if (p->do_step && (rc = step_job_setup(a, p, r, &jobs[njobs++], err)))
        goto done;
    job_t *nj = p->do_noise ? &jobs[njobs++] : NULL;
    if (nj && (rc = noise_job_setup(p, r, nj, err)))
        goto done;
    if (p->do_spectra && (rc = spectra_job_setup(p, L, r, &jobs[njobs++], err)))
        goto done;
    if ((rc = run_jobs(a, jobs, njobs, err)))
        goto done;
    if (p->do_spectra)
        write_spectrum(a, p, r);
    if (nj) {
        if ((rc = noise_pca(p, nj, r, err)) || (rc = noise_directions(p, nj, r, err)) ||
            (rc = noise_theory(p, L, r, err)))
            goto done;
        write_pca(a, p, r);
        if ((rc = write_proj_files(a, p, nj, r, err)))
            goto done;
    }
done:
    lrs_linear_free(L);
    job_free(&jobs[0]);
    job_free(&jobs[1]);
    job_free(&jobs[2]);
    if (rc) {
        study_result_free(r);
        return rc;
    }
    *out = r;
    return LRS_OK;
}

/* ------------------------------------------------------------------ summary */

static const study_paper_t *paper_find(const study_paper_t *paper, const char *key)
{
    for (; paper && paper->key; paper++)
        if (!strcmp(paper->key, key))
            return paper;
    return NULL;
}

/* key = value, then paper_key = the authors' value if they printed one.
 * Non-finite values are not printed (a key that does not apply is absent). */
static void put(const study_paper_t *paper, const char *key, const char *fmt, double v)
{
    if (!isfinite(v))
        return;
    nb_summary(key, fmt, v);
    const study_paper_t *q = paper_find(paper, key);
    if (q) {
        char pk[128];
        snprintf(pk, sizeof pk, "paper_%s", key);
        nb_summary(pk, "%g", q->value);
    }
}

void study_summary_paper(const study_params_t *p, const study_result_t *r,
                         const study_paper_t *paper)
{
    nb_summary("N", "%zu", r->N);
    if (p->do_spectra && r->sv) {
        put(paper, "sv1_W", "%.4g", gsl_vector_get(r->sv, 0));
        if (r->N > 1)
            put(paper, "sv2_W", "%.4g", gsl_vector_get(r->sv, 1));
        put(paper, "max_real_eig_W", "%.4g", r->max_re_eig);
    }
    if (p->do_step) {
        put(paper, "c_x", "%.4g", p->c_x);
        put(paper, "norm_before_aligned", "%.4g", r->norm_before_aligned);
        put(paper, "norm_aligned", "%.4g", r->norm_aligned);
        put(paper, "norm_random", "%.4g", r->norm_random);
        put(paper, "response_ratio", "%.4g", r->response_ratio);
    }
    if (p->do_noise) {
        put(paper, "var_zu", "%.4g", r->var_zu);
        put(paper, "var_zrand", "%.4g", r->var_zrand);
        put(paper, "var_zuN", "%.4g", r->var_zuN);
        put(paper, "var_ratio_rand_over_u", "%.4g", r->var_ratio_rand_over_u);
        put(paper, "var_ratio_u_over_rand", "%.4g", r->var_ratio_u_over_rand);
        put(paper, "var_ratio_rand_over_uN", "%.4g", r->var_ratio_rand_over_uN);
        put(paper, "angle_uN_u_deg", "%.3g", r->angle_uN_u_deg);
        put(paper, "angle_pc1_u_deg", "%.3g", r->angle_pc1_u_deg);
        put(paper, "corr_xu_Wzu", "%.5f", r->corr_xu_Wzu);
        put(paper, "corr_xuN_WzuN", "%.5f", r->corr_xuN_WzuN);
        put(paper, "pct_z_first", "%.4g", r->pct_z_first);
        put(paper, "pct_z_last", "%.4g", r->pct_z_last);
        put(paper, "dim_z", "%.4g", r->dim_z);
        put(paper, "dim_x", "%.4g", r->dim_x);
        /* How the noise run was integrated; the PCA covariances, the
         * projections and the cancellation correlation use every
         * pca_every_steps-th step. */
        nb_summary("noise_method", "%s", r->noise_exact ? "exact" : "euler");
        if (p->precision == LRS_SIM_FLOAT32 && !r->noise_exact)
            nb_summary("noise_precision", "%s", "float32");
        nb_summary("noise_dt", "%g", r->noise_dt);
        nb_summary("pca_every_steps", "%zu", r->stat_every);
    }
}

void study_record_params(const study_params_t *p, const study_paper_t *paper)
{
    nb_param("N", "%zu", p->W ? p->W->size1 : (size_t)0);
    nb_param("c_x", "%.6g", p->c_x);
    nb_param("tau_x", "%g", p->tau_x);
    nb_param("sigma_x", "%g", p->sigma_x);
    nb_param("T_noise", "%g", p->T_noise);
    for (; paper && paper->key; paper++) {
        char key[128];
        snprintf(key, sizeof key, "paper_%s", paper->key);
        nb_param(key, "%g", paper->value);
    }
}

void study_summary(const study_params_t *p, const study_result_t *r)
{
    study_summary_paper(p, r, NULL);
}

/* The draws of the Figure-1 network (see study.h); the sums in net's order. */
static int net_draw(double c, double rho, lrs_rank1_kind_t kind, int keep_W1,
                    study_net_t *net, lrs_err_t *err)
{
    gsl_vector *v = net->v ? net->v : net->u;
    int rc = lrs_conn_rank1_vectors(net->rng, kind, net->u, v, err);
    if (!rc && !keep_W1)
        rc = lrs_conn_add_rank1(net->W, c, net->u, v, err);
    if (!rc)
        rc = lrs_conn_add_gaussian(keep_W1 ? net->W1 : net->W, rho, net->rng, err);
    if (!rc)
        rc = lrs_conn_random_unit(net->rng, net->u_rand, err);
    if (!rc && keep_W1) {
        gsl_matrix_memcpy(net->W, net->W1);
        rc = lrs_conn_add_rank1(net->W, c, net->u, v, err);
    }
    return rc;
}

int study_net_rank1(const nb_args_t *a, size_t N, lrs_rank1_kind_t kind, double c,
                    double rho, int keep_W1, study_net_t *net, lrs_err_t *err)
{
    memset(net, 0, sizeof *net);
    net->rng = nb_rng(a->seed);
    net->W = gsl_matrix_calloc(N, N);
    net->W1 = keep_W1 ? gsl_matrix_calloc(N, N) : NULL;
    net->u = gsl_vector_alloc(N);
    net->v = gsl_vector_alloc(N);
    net->u_rand = gsl_vector_alloc(N);
    int rc = net_draw(c, rho, kind, keep_W1, net, err);
    if (rc) {
        study_net_free(net);
        return rc;
    }
    nb_param("c", "%g", c);
    nb_param("rho", "%g", rho);
    return LRS_OK;
}

void study_net_free(study_net_t *net)
{
    /* the GSL free functions accept NULL */
    gsl_rng_free(net->rng);
    gsl_matrix_free(net->W);
    gsl_matrix_free(net->W1);
    gsl_vector_free(net->u);
    gsl_vector_free(net->v);
    gsl_vector_free(net->u_rand);
    gsl_vector_free(net->u_opt);
    memset(net, 0, sizeof *net);
}

int study_net_uopt(study_net_t *net, double c, lrs_err_t *err)
{
    if (!net->u_opt)
        net->u_opt = gsl_vector_alloc(net->u->size);
    return lrs_perturb_uopt(net->W1, c, net->u, net->v, net->u_opt, err);
}

int study_binary16_net(gsl_matrix *W, lrs_err_t *err)
{
    int rc = lrs_conn_round_binary16(W, err);
    if (rc == LRS_OK)
        nb_param("W_rounded", "%s", "binary16");
    return rc;
}

study_params_t study_params_net(const nb_args_t *a, const study_net_t *net)
{
    study_params_t p = study_params_default(a);
    p.W = net->W;
    p.u = net->u;
    p.v = net->v ? net->v : net->u;
    p.u_rand = net->u_rand;
    if (net->u_opt) {
        p.d_aligned = net->u_opt;
        p.aligned_name = "u_opt";
        p.nextra = 2;
        p.extra[0] = p.v;
        p.extra_name[0] = "v";
        p.extra[1] = net->u_opt;
        p.extra_name[1] = "u_opt";
    }
    return p;
}

study_result_t *study_execute(const nb_args_t *a, const study_params_t *p,
                              const study_paper_t *paper)
{
    lrs_err_t err;
    study_result_t *r = NULL;
    study_record_params(p, paper);
    if (study_run(a, p, &r, &err))
        nb_die(&err, "study_run");
    return r;
}

int study_close(const nb_args_t *a, study_result_t *r, study_net_t *net)
{
    nb_summary("seed", "%lu", a->seed);
    study_result_free(r);
    study_net_free(net);
    return nb_finish();
}
