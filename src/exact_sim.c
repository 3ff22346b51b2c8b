/*
 * Streaming exact integrator of the linear network (lrs/exact.h).
 *
 * Maths: z[n] = E z[n-1] + F0 x[n-1] + F1 x[n]  (exact for input linear
 * between samples; E, F0, F1 from lrs_exact_propagator), t_n = n h.
 *
 * Blocks of up to B steps.  Xb and Zb hold B+1 rows: row 0 is the last
 * sample / state of the previous block, rows 1..b the block's steps.  The
 * input terms of a whole block are two matrix products (one dgemm over the
 * stacked inner dimension [x[n-1], x[n]]):
 *     U = Xb[0..b-1] F0^T + Xb[1..b] F1^T,
 * and the recursion is one dgemv per step: Zb[i+1] = E Zb[i] + U[i].
 * Observers receive Z = Zb[1..b], X = Xb[1..b], R = Z W^T (if asked).
 * Memory: O(N^2 + B N), independent of T.
 */
#include "lrs/exact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

struct lrs_exact_sim {
    size_t N, nt, B;
    double h, max_norm;
    volatile sig_atomic_t *stop;
    double *W, *E, *F0, *F1; /* N x N row-major */
    double *z0, *zfinal;
    int have_final;
    double *Xb, *Zb;         /* (B+1) x N */
    double *U, *Rb;          /* B x N */
};

double lrs_exact_default_step(double tau_x)
{
    return tau_x / 20.0;
}

void lrs_exact_sim_free(lrs_exact_sim_t *s)
{
    if (!s)
        return;
    free(s->W);
    free(s->E);
    free(s->F0);
    free(s->F1);
    free(s->z0);
    free(s->zfinal);
    free(s->Xb);
    free(s->Zb);
    free(s->U);
    free(s->Rb);
    free(s);
}

int lrs_exact_sim_alloc(lrs_exact_sim_t **out, const lrs_sim_params_t *p, lrs_err_t *err)
{
    const char *who = "lrs_exact_sim_alloc";
    int rc = LRS_OK;
    lrs_exact_sim_t *s = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", who);
    *out = NULL;
    if (!p || !p->W)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, p ? "W" : "params");
    size_t N = p->W->size1;
    if (N == 0 || p->W->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square, N >= 1", who,
                           p->W->size1, p->W->size2);
    if (p->f != LRS_F_IDENTITY)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: the exact integrator needs a linear network (f = identity), got %s",
                           who, lrs_sim_transfer_name(p->f));
    if (p->mode != LRS_SIM_RECURRENT)
        return lrs_err_set(err, LRS_EINVAL, "%s: the exact integrator supports the recurrent mode "
                           "only", who);
    if (!(p->dt > 0) || !isfinite(p->dt))
        return lrs_err_set(err, LRS_EINVAL, "%s: step h = dt = %g; need a finite h > 0", who,
                           p->dt);
    if (!(p->T >= 0) || !isfinite(p->T))
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g; need a finite T > 0", who, p->T);
    double ntd = round(p->T / p->dt);
    if (ntd < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g with h = %g gives no time steps", who,
                           p->T, p->dt);
    if (ntd > 1e15)
        return lrs_err_set(err, LRS_ELIMIT, "%s: T/h = %g steps is too many", who, ntd);
    if (p->z0 && p->z0->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: z0 has length %zu; expected N = %zu", who,
                           p->z0->size, N);
    if (!(p->max_norm >= 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: max_norm = %g; need max_norm >= 0 (0: default)",
                           who, p->max_norm);
    s = calloc(1, sizeof *s);
    if (!s)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
    size_t NN = N * N;
    s->E = malloc(NN * sizeof(double));
    s->F0 = malloc(NN * sizeof(double));
    s->F1 = malloc(NN * sizeof(double));
    if (!s->E || !s->F0 || !s->F1) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for N = %zu", who, N);
        goto done;
    }
    {
        gsl_matrix_view Ev = gsl_matrix_view_array(s->E, N, N);
        gsl_matrix_view F0v = gsl_matrix_view_array(s->F0, N, N);
        gsl_matrix_view F1v = gsl_matrix_view_array(s->F1, N, N);
        rc = lrs_exact_propagator(p->W, p->tau, p->tau_vec, p->dt, &Ev.matrix, &F0v.matrix,
                                  &F1v.matrix, err);
        if (rc)
            goto done;
    }
    s->N = N;
    s->nt = (size_t)ntd;
    s->h = p->dt;
    s->stop = p->stop;
    s->B = (1u << 17) / N;
    if (s->B > 256)
        s->B = 256;
    if (s->B < 16)
        s->B = 16;
    if (s->B > s->nt)
        s->B = s->nt;
    size_t BN = s->B * N;
    s->W = malloc(NN * sizeof(double));
    s->z0 = calloc(N, sizeof(double));
    s->zfinal = calloc(N, sizeof(double));
    s->Xb = malloc((BN + N) * sizeof(double));
    s->Zb = malloc((BN + N) * sizeof(double));
    s->U = malloc(BN * sizeof(double));
    s->Rb = malloc(BN * sizeof(double));
    if (!s->W || !s->z0 || !s->zfinal || !s->Xb || !s->Zb || !s->U || !s->Rb) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for N = %zu", who, N);
        goto done;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            s->W[i * N + j] = gsl_matrix_get(p->W, i, j);
    if (p->z0)
        for (size_t i = 0; i < N; i++) {
            s->z0[i] = gsl_vector_get(p->z0, i);
            if (!isfinite(s->z0[i])) {
                rc = lrs_err_set(err, LRS_ENONFINITE, "%s: z0[%zu] = %g is not finite", who, i,
                                 s->z0[i]);
                goto done;
            }
        }
    if (p->max_norm > 0) {
        s->max_norm = p->max_norm;
    } else {
        double n0 = cblas_dnrm2((int)N, s->z0, 1);
        s->max_norm = 1e8 * (n0 > 1 ? n0 : 1);
    }
    *out = s;
    s = NULL;
done:
    lrs_exact_sim_free(s);
    return rc;
}

size_t lrs_exact_sim_steps(const lrs_exact_sim_t *s)
{
    return s ? s->nt : 0;
}

int lrs_exact_sim_final_state(const lrs_exact_sim_t *s, gsl_vector *z, lrs_err_t *err)
{
    if (!s || !z)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_sim_final_state: NULL argument");
    if (z->size != s->N)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_exact_sim_final_state: z has length %zu; expected N = %zu",
                           z->size, s->N);
    if (!s->have_final)
        return lrs_err_set(err, LRS_EINVAL, "lrs_exact_sim_final_state: no completed run yet");
    for (size_t i = 0; i < s->N; i++)
        gsl_vector_set(z, i, s->zfinal[i]);
    return LRS_OK;
}

int lrs_exact_sim_run(lrs_exact_sim_t *s, lrs_input_t *in, const lrs_observer_t *obs,
                      size_t nobs, lrs_err_t *err)
{
    const char *who = "lrs_exact_sim_run";
    if (!s || !in)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, s ? "in" : "s");
    if (nobs > 0 && !obs)
        return lrs_err_set(err, LRS_EINVAL, "%s: %zu observers but obs is NULL", who, nobs);
    int need_r = 0;
    for (size_t k = 0; k < nobs; k++) {
        if (!obs[k].observe)
            return lrs_err_set(err, LRS_EINVAL, "%s: observer %zu has no observe function", who, k);
        if (obs[k].needs_recurrent)
            need_r = 1;
    }
    lrs_err_clear(err);
    size_t N = s->N, n0 = 0;
    int n = (int)N;
    double max2 = s->max_norm * s->max_norm;
    s->have_final = 0;
    while (n0 < s->nt) {
        if (s->stop && *s->stop)
            return lrs_err_set(err, LRS_EINTR, "simulation interrupted at t = %g (stop flag raised)",
                               (double)n0 * s->h);
        size_t b = s->nt - n0 < s->B ? s->nt - n0 : s->B;
        gsl_matrix_view X = gsl_matrix_view_array(s->Xb + N, b, N);
        int rc = lrs_input_fill(in, n0, s->h, &X.matrix, err);
        if (rc)
            return rc;
        size_t i0 = 0; /* first row of the block that is stepped */
        if (n0 == 0) {
            memcpy(s->Zb + N, s->z0, N * sizeof(double));
            i0 = 1;
        }
        if (b > i0) {
            int m = (int)(b - i0);
            /* U[i] = F0 x[n0+i-1] + F1 x[n0+i]  for i = i0 .. b-1 */
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, n, 1.0, s->Xb + i0 * N, n,
                        s->F0, n, 0.0, s->U + i0 * N, n);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, n, 1.0,
                        s->Xb + (i0 + 1) * N, n, s->F1, n, 1.0, s->U + i0 * N, n);
            for (size_t i = i0; i < b; i++) {
                double *zn = s->Zb + (i + 1) * N;
                memcpy(zn, s->U + i * N, N * sizeof(double));
                cblas_dgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0, s->E, n, s->Zb + i * N, 1,
                            1.0, zn, 1);
            }
        }
        for (size_t i = 0; i < b; i++) {
            const double *z = s->Zb + (i + 1) * N;
            double ss = 0.0;
            for (size_t j = 0; j < N; j++)
                ss += z[j] * z[j];
            if (!(ss <= max2) || !isfinite(ss))
                return lrs_err_set(err, LRS_EDIVERGE,
                                   "simulation diverged at t = %g: ||z|| = %.3g exceeds %.3g "
                                   "(the linear network is unstable)",
                                   (double)(n0 + i) * s->h, sqrt(ss), s->max_norm);
        }
        lrs_block_t blk;
        gsl_matrix_view Z = gsl_matrix_view_array(s->Zb + N, b, N);
        gsl_matrix_view R = gsl_matrix_view_array(s->Rb, b, N);
        blk.n0 = n0;
        blk.dt = s->h;
        blk.Z = &Z.matrix;
        blk.X = &X.matrix;
        blk.R = NULL;
        if (need_r) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, n, n, 1.0, s->Zb + N, n,
                        s->W, n, 0.0, s->Rb, n);
            blk.R = &R.matrix;
        }
        for (size_t k = 0; k < nobs; k++) {
            rc = obs[k].observe(obs[k].self, &blk, err);
            if (rc) {
                if (err && err->code == LRS_OK)
                    lrs_err_set(err, rc, "%s: observer %zu failed (code %d)", who, k, rc);
                return rc;
            }
        }
        memcpy(s->zfinal, s->Zb + b * N, N * sizeof(double));
        memcpy(s->Zb, s->Zb + b * N, N * sizeof(double));
        memcpy(s->Xb, s->Xb + b * N, N * sizeof(double));
        n0 += b;
    }
    s->have_final = 1;
    return LRS_OK;
}
