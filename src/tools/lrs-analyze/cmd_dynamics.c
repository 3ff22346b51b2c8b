/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_dynamics.c -- the subcommands that run the dynamics: simulate (the
 * driven network against theory 1 and 2, arXiv:2504.13727, linear theory) and
 * response (the step protocol of Figs 1-2).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lrs/common.h"
#include "lrs/connectivity.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/pca.h"
#include "lrs/perturb.h"
#include "lrs/theory.h"
#include "analyze.h"

/* ------------------------------------------------------------------ simulate */

/* The simulator's parameters from the options (--tau, --dt, --f, --float32;
 * the analysed W), starting at z0; Ctrl-C stops the run.  T is the caller's. */
static lrs_sim_params_t sim_params(const ctx_t *c, const gsl_vector *z0)
{
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = c->Wd;
    p.f = c->o->f;
    p.tau = c->o->tau;
    p.dt = c->o->dt;
    p.precision = c->o->float32 ? LRS_SIM_FLOAT32 : LRS_SIM_DOUBLE;
    p.z0 = z0;
    p.stop = &g_stop;
    return p;
}

/* Run the driven network from z(0) = 0.1 randn (seed --seed), accumulating
 * the covariance of z (and of x when have_theory) over t >= discard. */
static int simulate_run(ctx_t *c, double discard, int have_theory, lrs_cov_t *cov,
                        lrs_cov_t *covx)
{
    const opts_t *o = c->o;
    size_t N = c->M->size1, k;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_vector *z0 = gsl_vector_alloc(N);
    lrs_noise_t *nz = NULL;
    lrs_input_t *in = NULL;
    lrs_sim_t *sim = NULL;
    lrs_sim_params_t p = sim_params(c, z0);
    lrs_observer_t obs[2];
    int rc, oldthreads;
    if (!rng || !z0) {
        rc = analyze_fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(rng, o->seed);
    for (k = 0; k < N; k++)
        gsl_vector_set(z0, k, 0.1 * gsl_ran_gaussian(rng, 1.0));
    if ((rc = lrs_noise_alloc(&nz, N, o->taux, o->sigmax, o->dt, rng, &c->err)) ||
        (rc = lrs_input_alloc(&in, N, &c->err)) ||
        (rc = lrs_input_add_noise(in, nz, 1.0, NULL, &c->err)))
        goto done;
    p.T = o->T;
    if ((rc = lrs_sim_alloc(&sim, &p, &c->err)))
        goto done;
    obs[0] = lrs_cov_observer(cov, LRS_FIELD_Z, discard);
    obs[1] = lrs_cov_observer(covx, LRS_FIELD_X, discard);
    oldthreads = lrs_blas_set_threads(1);
    rc = lrs_sim_run(sim, in, obs, have_theory ? 2 : 1, &c->err);
    lrs_blas_set_threads(oldthreads);
    if (rc == LRS_EDIVERGE && !have_theory)
        analyze_fail(c, rc, "%s: %s (the linear part is unstable; try a smaller --scale)",
                     o->file, c->err.msg);
done:
    lrs_sim_free(sim);
    lrs_input_free(in);
    lrs_noise_free(nz);
    gsl_vector_free(z0);
    gsl_rng_free(rng);
    return rc;
}

static void simulate_print(ctx_t *c, FILE *d, const gsl_vector *pct, const gsl_vector *th,
                           const gsl_vector *th2, int have_theory, double discard,
                           size_t samples)
{
    const opts_t *o = c->o;
    size_t k;
    fprintf(c->hdr.fp,
            "# simulated: tau dz/dt = -z + %s f(z) + x, f = %s, tau = %g, dt = %g, T = %g, "
            "smooth noise tau_x = %g, sigma_x = %g, seed %lu; PCA over t >= %g (%zu samples)\n",
            c->shift != 0 ? "(I + J)" : "W", lrs_sim_transfer_name(o->f), o->tau, o->dt, o->T,
            o->taux, o->sigmax, o->seed, discard, samples);
    if (!have_theory)
        fprintf(c->hdr.fp, "# theory_pct: not defined (the linear network is unstable)\n");
    else if (o->f != LRS_F_IDENTITY)
        fprintf(c->hdr.fp, "# theory_pct: theory 1 of the linear network (f = identity)\n");
    fprintf(c->hdr.fp, "# theory2_pct: theory 2, the eigenvalues of (I-W)^-1 C_x (I-W)^-T with "
                       "C_x the run's own input covariance (corrects for the finite sample)\n");
    fprintf(d, "# index\tsim_pct\ttheory_pct\ttheory2_pct\n");
    for (k = 0; k < pct->size; k++) {
        if (have_theory)
            fprintf(d, "%zu\t%.12g\t%.12g\t%.12g\n", k + 1, gsl_vector_get(pct, k),
                    gsl_vector_get(th, k), gsl_vector_get(th2, k));
        else
            fprintf(d, "%zu\t%.12g\tNaN\tNaN\n", k + 1, gsl_vector_get(pct, k));
    }
    fprintf(c->gp.fp,
            "set title 'PC spectrum of z: simulation vs theory (%s)'\nset xlabel 'PC index'\n"
            "set ylabel '%% variance explained'\nset logscale y\nset grid\nset key top right\n"
            "plot $simulate using 1:2 with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'simulated'%s\n",
            o->file,
            have_theory ? ", $simulate using 1:3 with lines lw 2 lc rgb '#d62728' title 'theory 1', "
                          "$simulate using 1:4 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'theory 2 (sample C_x)'"
                        : "");
}

/* th <- theory-1 % variances; *have <- 0 for an unstable linear part. */
static int simulate_theory1(ctx_t *c, gsl_vector *th, int *have)
{
    int rc = lrs_linear_pcvar1(c->lin, c->o->sigmax, th, &c->err);
    *have = rc == LRS_OK;
    if (rc == LRS_EUNSTABLE)
        return LRS_OK;
    if (rc == LRS_OK)
        analyze_to_percent(th);
    return rc;
}

int cmd_simulate(ctx_t *c)
{
    opts_t *o = c->o;
    FILE *d = analyze_block(c, "simulate");
    size_t N = c->M->size1, nt;
    lrs_cov_t *cov = NULL, *covx = NULL;
    lrs_pca_t *pca = NULL;
    gsl_vector *th = NULL, *th2 = NULL;
    gsl_matrix *C = NULL, *Cx = NULL;
    double discard = o->have_discard ? o->discard : 10.0 * (o->tau + o->taux);
    int rc = LRS_OK, have_theory = 1;

    if (!d)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    nt = (size_t)llround(o->T / o->dt);
    if (nt < 2 || discard >= o->T - 2 * o->dt)
        return analyze_fail(c, LRS_EINVAL, "%s: --discard %g leaves nothing of --T %g to analyse",
                            o->file, discard, o->T);
    th = gsl_vector_alloc(N);
    th2 = gsl_vector_alloc(N);
    C = gsl_matrix_alloc(N, N);
    Cx = gsl_matrix_alloc(N, N);
    if (!th || !th2 || !C || !Cx) {
        rc = analyze_fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = simulate_theory1(c, th, &have_theory)) ||
        (rc = lrs_cov_alloc(&cov, N, &c->err)) || (rc = lrs_cov_alloc(&covx, N, &c->err)) ||
        (rc = lrs_pca_alloc(&pca, N, &c->err)) ||
        (rc = simulate_run(c, discard, have_theory, cov, covx)))
        goto done;
    if ((rc = lrs_cov_get(cov, C, &c->err)) || (rc = lrs_pca_from_cov(pca, C, 0, 0, &c->err)))
        goto done;
    /* theory 2: the quasi-static prediction with the run's own input covariance */
    if (have_theory) {
        if ((rc = lrs_cov_get(covx, Cx, &c->err)) ||
            (rc = lrs_theory_pcvar2_prepared(c->lin, Cx, th2, &c->err)))
            goto done;
        analyze_to_percent(th2);
    }
    simulate_print(c, d, pca->pct, th, th2, have_theory, discard, lrs_cov_count(cov));
done:
    lrs_cov_free(cov);
    lrs_cov_free(covx);
    lrs_pca_free(pca);
    gsl_vector_free(th);
    gsl_vector_free(th2);
    if (C)
        gsl_matrix_free(C);
    if (Cx)
        gsl_matrix_free(Cx);
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

/* Steady states of the linear dynamics for the two inputs: nd = ||(I - Wd)^{-1} d||,
 * nu = ||(I - Wd)^{-1} u|| (one LU of I - Wd, two solves). */
static int steady_norms(ctx_t *c, const gsl_vector *d, const gsl_vector *u, double *nd,
                        double *nu)
{
    gsl_vector *y = gsl_vector_alloc(d->size);
    int rc;
    if (!y)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    if ((rc = lrs_linear_solve(c->lin, d, y, &c->err)) == LRS_OK) {
        *nd = gsl_blas_dnrm2(y);
        if ((rc = lrs_linear_solve(c->lin, u, y, &c->err)) == LRS_OK)
            *nu = gsl_blas_dnrm2(y);
    }
    gsl_vector_free(y);
    if (rc == LRS_ENUMERIC) /* exactly singular: the CLI's own line */
        rc = analyze_fail(c, rc, "I - W is singular");
    return rc;
}

/* dir <- the aligned direction of --direction, sign fixed. */
static int aligned_direction(ctx_t *c, gsl_vector *dir)
{
    const gsl_vector *s;
    const gsl_matrix *U, *V;
    int rc;
    if (c->o->direction == DIR_OPT)
        rc = lrs_linear_svd_imw(c->lin, &s, &U, &V, &c->err);
    else
        rc = lrs_linear_svd(c->linM, &s, &U, &V, &c->err);
    if (rc)
        return rc;
    gsl_matrix_get_col(dir, c->o->direction == DIR_V ? V : U, 0);
    fix_sign(dir);
    return LRS_OK;
}

static const char *direction_name(direction_t d)
{
    switch (d) {
    case DIR_V:
        return "v (top right singular vector of W)";
    case DIR_OPT:
        return "opt (top left singular vector of I - W: most suppressed)";
    default:
        return "u (top left singular vector of W)";
    }
}

/* The header lines and the name/value rows of a finished step run. */
static void response_print(ctx_t *c, FILE *d, const lrs_perturb_windows_t *win,
                           const lrs_step_result_t *res, double pa, double pu, int stable,
                           double re)
{
    const opts_t *o = c->o;
    double na = res->norm_aligned, nr = res->norm_random;
    fprintf(c->hdr.fp,
            "# step protocol (lrs_perturb_step): tau dz/dt = -z + %s f(z) + x, f = %s, tau = %g, "
            "dt = %g, T = %g; z(0) = 0.1/sqrt(N) randn (seed %lu); %g * d on [%g, %g) with d = %s; "
            "%g * u_rand on [%g, %g)\n",
            c->shift != 0 ? "(I + J)" : "W", lrs_sim_transfer_name(o->f), o->tau, o->dt, win->T,
            o->seed, o->amp, win->on1, win->off1, direction_name(o->direction), o->amp, win->on2,
            win->off2);
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
    /* the two input windows shaded, from the windows the run used */
    fprintf(c->gp.fp,
            "set title sprintf('Step responses (%s): ratio random/aligned = %%.3g', %.6g)\n"
            "set xlabel 't'\nset ylabel '||z||'\nset grid\n"
            "set object 1 rect from %g, graph 0 to %g, graph 1 fc rgb '#d62728' fs transparent solid 0.12 noborder\n"
            "set object 2 rect from %g, graph 0 to %g, graph 1 fc rgb '#7f7f7f' fs transparent solid 0.12 noborder\n"
            "set label 1 'aligned' at %g, graph 0.95 center\nset label 2 'random' at %g, graph 0.95 center\n"
            "plot $response using 1:2 with lines lw 2 lc rgb '#1f77b4'\n",
            o->file, na > 0 ? nr / na : INFINITY, win->on1, win->off1, win->on2, win->off2,
            0.5 * (win->on1 + win->off1), 0.5 * (win->on2 + win->off2));
}

/* The step protocol with z0, d and u_rand; with --trace or --gnuplot the
 * trace of ||z|| goes to block d. */
static int response_run(ctx_t *c, FILE *d, const gsl_vector *z0, const gsl_vector *dir,
                        const gsl_vector *ur, const lrs_perturb_windows_t *win,
                        lrs_step_result_t *res)
{
    const opts_t *o = c->o;
    lrs_sim_params_t p = sim_params(c, z0);
    lrs_trace_t *tr = NULL;
    lrs_observer_t extra;
    int rc, oldthreads;
    if (o->trace || o->gnuplot) {
        size_t every = (size_t)llround(0.1 / o->dt);
        fprintf(d, "# t\tnorm_z\n");
        fflush(d);
        if ((rc = lrs_trace_alloc(&tr, d, every ? every : 1, win->T, 0, &c->err)))
            return rc;
        extra = lrs_trace_observer(tr);
    }
    memset(res, 0, sizeof *res);
    oldthreads = lrs_blas_set_threads(1);
    rc = lrs_perturb_step(&p, dir, ur, win, tr ? &extra : NULL, tr ? 1 : 0, res, &c->err);
    lrs_blas_set_threads(oldthreads);
    lrs_trace_free(tr);
    return rc;
}

/* The run's random draws from one stream (seed --seed): the initial state
 * z0 = 0.1/sqrt(N) N(0, I), then the comparison direction u_rand. */
static int response_start(ctx_t *c, gsl_vector *z0, gsl_vector *ur)
{
    size_t N = z0->size;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc;
    if (!rng)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    gsl_rng_set(rng, c->o->seed);
    for (size_t k = 0; k < N; k++)
        gsl_vector_set(z0, k, 0.1 / sqrt((double)N) * gsl_ran_gaussian(rng, 1.0));
    rc = lrs_conn_random_unit(rng, ur, &c->err);
    gsl_rng_free(rng);
    return rc;
}

int cmd_response(ctx_t *c)
{
    opts_t *o = c->o;
    FILE *d = analyze_block(c, "response");
    size_t N = c->M->size1;
    gsl_vector *z0 = NULL, *dir = NULL, *ur = NULL;
    lrs_perturb_windows_t win = lrs_perturb_windows_default();
    lrs_step_result_t res;
    double pa = NAN, pu = NAN, re = 0, im = 0;
    int rc = LRS_OK, stable;

    if (!d)
        return analyze_fail(c, LRS_ENOMEM, "out of memory");
    z0 = gsl_vector_alloc(N);
    dir = gsl_vector_alloc(N);
    ur = gsl_vector_alloc(N);
    if (!z0 || !dir || !ur) {
        rc = analyze_fail(c, LRS_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = aligned_direction(c, dir)) || (rc = response_start(c, z0, ur)))
        goto done;
    if ((rc = lrs_linear_max_real_eig(c->linM, &re, &im, &c->err)))
        goto done;
    re += c->shift;
    stable = re < 1.0;
    if (stable && o->f == LRS_F_IDENTITY && (rc = steady_norms(c, dir, ur, &pa, &pu)))
        goto done;
    win.c_x = o->amp;
    if ((rc = response_run(c, d, z0, dir, ur, &win, &res))) {
        if (rc == LRS_EDIVERGE && !stable) {
            char adv[512];
            analyze_unstable_advice(c, re, adv, sizeof adv);
            analyze_fail(c, rc, "%s: %s; %s", o->file, c->err.msg, adv);
        }
        goto done;
    }
    response_print(c, d, &win, &res, pa, pu, stable, re);
done:
    gsl_vector_free(z0);
    gsl_vector_free(dir);
    gsl_vector_free(ur);
    return rc;
}
