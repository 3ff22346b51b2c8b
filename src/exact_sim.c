/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The exact method of the simulator (lrs/sim.h, lrs/exact.h): the linear
 * network's exact propagator, streamed through the same run as Euler.
 *
 * Maths: z[n] = E z[n-1] + F0 x[n-1] + F1 x[n]  (exact for input linear
 * between samples; E, F0, F1 from lrs_exact_propagator for W_k = W + U S V^T
 * formed densely), t_n = n h.
 *
 * Per block, with the buffers of sim_internal.h (row 0 = the previous step),
 * the input terms of rows i0..b are two matrix products over the stacked
 * samples [x[n-1], x[n]]:
 *     Ub[i-1] = F0 X[i-1] + F1 X[i],
 * and the recursion is one dgemv per step: Z[i] = E Z[i-1] + Ub[i-1].
 * Memory: three N x N matrices (one set per trajectory with a low-rank
 * part, else shared) and B x N per trajectory.  Cost: 2 B N^2 (dgemm) +
 * 2 B N^2 (dgemv) per block, as an Euler step plus the input terms.
 *
 * Feed-forward mode, tau dz/dt = -z + W^T x (f = identity): the same step
 * with no recurrence and the drive d = W^T x as input (linear between
 * samples when x is):
 *     z[n] = e .* z[n-1] + f0 .* d[n-1] + f1 .* d[n],
 * e, f0, f1 the diagonals of the propagator of the zero matrix (per-unit
 * tau).  Per block one dgemm gives the drive rows R = X W (which the
 * observers see, as with Euler); the rest is O(N) per step.
 */
#include "lrs/exact.h"
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

double lrs_exact_default_step(double tau_x)
{
    return tau_x / 20.0;
}

static int exact_check(const lrs_sim_params_t *p, const char *who, lrs_err_t *err)
{
    if (p->f != LRS_F_IDENTITY)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: the exact integrator needs a linear network (f = identity), got %s",
                           who, lrs_sim_transfer_name(p->f));
    return LRS_OK;
}

/* E, F0, F1 (each N x N, allocated here) of the step h for the dense W. */
static int propagator(const lrs_sim_t *s, const double *W, const lrs_sim_params_t *p, double **E,
                      double **F0, double **F1, lrs_err_t *err)
{
    size_t N = s->N;
    *E = malloc(N * N * sizeof(double));
    *F0 = malloc(N * N * sizeof(double));
    *F1 = malloc(N * N * sizeof(double));
    if (!*E || !*F0 || !*F1)
        return lrs_err_set(err, LRS_ENOMEM, "lrs_sim_alloc: out of memory for the propagator, N = %zu",
                           N);
    gsl_matrix_const_view Wv = gsl_matrix_const_view_array(W, N, N);
    gsl_matrix_view Ev = gsl_matrix_view_array(*E, N, N);
    gsl_matrix_view F0v = gsl_matrix_view_array(*F0, N, N);
    gsl_matrix_view F1v = gsl_matrix_view_array(*F1, N, N);
    return lrs_exact_propagator(&Wv.matrix, p->tau, p->tau_vec, s->dt, &Ev.matrix, &F0v.matrix,
                                &F1v.matrix, err);
}

static int exact_setup(lrs_sim_t *s, const lrs_sim_params_t *p, lrs_err_t *err)
{
    int rc = LRS_OK, shared = 0;
    for (size_t q = 0; q < s->K; q++)
        shared = shared || s->tr[q].r == 0;
    if (s->mode == LRS_SIM_FEEDFORWARD) { /* no recurrence: the zero matrix's (diagonal) step */
        double *zero = calloc(s->N * s->N, sizeof(double));
        if (!zero)
            return lrs_err_set(err, LRS_ENOMEM, "lrs_sim_alloc: out of memory for N = %zu", s->N);
        rc = propagator(s, zero, p, &s->E, &s->F0, &s->F1, err);
        free(zero);
        for (size_t q = 0; q < s->K && rc == LRS_OK; q++) {
            s->tr[q].E = s->E;
            s->tr[q].F0 = s->F0;
            s->tr[q].F1 = s->F1;
        }
        return rc;
    }
    if (shared && (rc = propagator(s, s->W, p, &s->E, &s->F0, &s->F1, err)))
        return rc;
    for (size_t q = 0; q < s->K && rc == LRS_OK; q++) {
        sim_traj *t = &s->tr[q];
        t->Ub = malloc(s->B * s->N * sizeof(double));
        if (!t->Ub)
            return lrs_err_set(err, LRS_ENOMEM, "lrs_sim_alloc: out of memory for N = %zu", s->N);
        if (t->r == 0) {
            t->E = s->E;
            t->F0 = s->F0;
            t->F1 = s->F1;
            continue;
        }
        double *Wk = sim_dense_w(s, t);
        if (!Wk)
            return lrs_err_set(err, LRS_ENOMEM, "lrs_sim_alloc: out of memory for N = %zu", s->N);
        t->own_prop = 1;
        rc = propagator(s, Wk, p, &t->E, &t->F0, &t->F1, err);
        free(Wk);
    }
    return rc;
}

/* Feed-forward rows i0..b of trajectory t: the drive rows 1..b, R = X W,
 * then z[i] = e .* z[i-1] + f0 .* R[i-1] + f1 .* R[i] (row 0 of R is the
 * previous block's last drive). */
static void exact_feedforward(lrs_sim_t *s, sim_traj *t, size_t k, size_t i0, size_t b)
{
    size_t N = s->N;
    double *Z = t->Zs[k % 2], *R = t->Rs[k % 2];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)N, (int)N, 1.0,
                t->Xs[k % 3] + N, (int)N, s->W, (int)N, 0.0, R + N, (int)N);
    for (size_t i = i0; i <= b; i++) {
        const double *z = Z + (i - 1) * N, *d0 = R + (i - 1) * N, *d1 = R + i * N;
        double *zn = Z + i * N;
        for (size_t j = 0; j < N; j++) {
            size_t jj = j * N + j;
            zn[j] = t->E[jj] * z[j] + t->F0[jj] * d0[j] + t->F1[jj] * d1[j];
        }
    }
}

static void exact_advance(lrs_sim_t *s, size_t k, size_t i0, size_t b)
{
    if (s->mode == LRS_SIM_FEEDFORWARD) {
        for (size_t q = 0; q < s->K; q++)
            exact_feedforward(s, &s->tr[q], k, i0, b);
        return;
    }
    if (i0 > b)
        return;
    int n = (int)s->N, m = (int)(b - i0 + 1);
    size_t N = s->N;
    for (size_t q = 0; q < s->K; q++) {
        sim_traj *t = &s->tr[q];
        double *Z = t->Zs[k % 2];
        const double *X = t->Xs[k % 3];
        double *Ub = t->Ub; /* row i - 1 for the step into row i */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, n, 1.0, X + (i0 - 1) * N, n,
                    t->F0, n, 0.0, Ub + (i0 - 1) * N, n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, n, 1.0, X + i0 * N, n, t->F1,
                    n, 1.0, Ub + (i0 - 1) * N, n);
        for (size_t i = i0; i <= b; i++) {
            double *zn = Z + i * N;
            memcpy(zn, Ub + (i - 1) * N, N * sizeof(double));
            cblas_dgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0, t->E, n, Z + (i - 1) * N, 1, 1.0,
                        zn, 1);
        }
    }
}

static const lrs_sim_method_t exact_method = {"exact", exact_check, exact_setup, exact_advance};
const lrs_sim_method_t *const lrs_sim_exact = &exact_method;
