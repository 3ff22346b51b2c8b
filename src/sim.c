/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulator (lrs/sim.h): parameters and their checks, the allocation of
 * K trajectories, and the pipelined run that hands blocks of states to
 * observers.  The stepping methods are in sim_step.c (Euler, RK4) and
 * exact_sim.c (exact); inputs in input.c; the buffer layout in
 * sim_internal.h.
 *
 * Storage per trajectory: blocks of B ~ 256 rows (~1 MB per block matrix for
 * large N); two sets of state buffers and three of input buffers let a
 * helper thread observe block k-1 and fill block k+1 while block k is
 * integrated (see "one run" below).  Nothing else is stored.  The recurrent
 * input R = f(Z) W_k^T of a block is computed with one dgemm after the
 * block, only if one of the trajectory's observers needs it.
 *
 * Divergence: every observed state is checked (||z||^2 <= max_norm^2, which
 * is false for NaN) before a block is handed to observers, on the stepping
 * thread while the block is still in its cache; the same pass keeps the
 * run's largest ||z|| and |z_i| (lrs_sim_batch_extent).  The stop flag is
 * read once per block.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <lapacke.h>
#include <pthread.h>

/* ------------------------------------------------------------------ transfer */

/* ------------------------------------------------------------------ transfer */

int lrs_sim_transfer_parse(const char *name, lrs_sim_transfer_t *f, lrs_err_t *err)
{
    if (!name || !f)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_transfer_parse: %s is NULL", name ? "f" : "name");
    if (!strcmp(name, "identity") || !strcmp(name, "linear"))
        *f = LRS_F_IDENTITY;
    else if (!strcmp(name, "tanh"))
        *f = LRS_F_TANH;
    else if (!strcmp(name, "relu"))
        *f = LRS_F_RELU;
    else
        return lrs_err_set(err, LRS_EINVAL,
                           "unknown transfer function '%s'; expected identity, linear, tanh or relu",
                           name);
    return LRS_OK;
}

const char *lrs_sim_transfer_name(lrs_sim_transfer_t f)
{
    switch (f) {
    case LRS_F_IDENTITY: return "identity";
    case LRS_F_TANH: return "tanh";
    case LRS_F_RELU: return "relu";
    default: return "unknown";
    }
}

/* ------------------------------------------------------------------ methods */

const char *lrs_sim_method_name(const lrs_sim_method_t *m)
{
    return m ? m->name : lrs_sim_euler->name;
}

int lrs_sim_method_parse(const char *name, const lrs_sim_method_t **m, lrs_err_t *err)
{
    if (!name || !m)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_method_parse: %s is NULL", name ? "m" : "name");
    const lrs_sim_method_t *all[3] = {lrs_sim_euler, lrs_sim_rk4, lrs_sim_exact};
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, all[i]->name)) {
            *m = all[i];
            return LRS_OK;
        }
    return lrs_err_set(err, LRS_EINVAL, "unknown simulation method '%s'; expected euler, rk4 or exact",
                       name);
}

lrs_sim_params_t lrs_sim_params_default(void)
{
    lrs_sim_params_t p = {.f = LRS_F_IDENTITY,
                          .mode = LRS_SIM_RECURRENT,
                          .method = lrs_sim_euler,
                          .tau = 1.0,
                          .dt = 0.01};
    return p;
}

/* ------------------------------------------------------------------ checks */

int sim_check_vector(const gsl_vector *v, size_t N, const char *who, const char *name,
                     lrs_err_t *err)
{
    if (!v)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, name);
    if (v->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s has length %zu; expected N = %zu", who, name,
                           v->size, N);
    for (size_t i = 0; i < N; i++)
        if (!isfinite(gsl_vector_get(v, i)))
            return lrs_err_set(err, LRS_ENONFINITE, "%s: %s[%zu] = %g is not finite", who, name, i,
                               gsl_vector_get(v, i));
    return LRS_OK;
}

static int check_finite(const gsl_matrix *M, const char *who, const char *name, lrs_err_t *err)
{
    for (size_t i = 0; i < M->size1; i++)
        for (size_t j = 0; j < M->size2; j++)
            if (!isfinite(gsl_matrix_get(M, i, j)))
                return lrs_err_set(err, LRS_ENONFINITE, "%s: %s(%zu,%zu) = %g is not finite", who,
                                   name, i, j, gsl_matrix_get(M, i, j));
    return LRS_OK;
}

/* Time grid: nt = round(T / dt) in [1, 1e15]. */
static int check_grid(const lrs_sim_params_t *p, const char *who, double *ntd, lrs_err_t *err)
{
    if (!(p->dt > 0) || !isfinite(p->dt))
        return lrs_err_set(err, LRS_EINVAL, "%s: dt = %g; need a finite dt > 0", who, p->dt);
    if (!(p->T >= 0) || !isfinite(p->T))
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g; need a finite T > 0", who, p->T);
    *ntd = round(p->T / p->dt);
    if (*ntd < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g with dt = %g gives no time steps", who,
                           p->T, p->dt);
    if (*ntd > 1e15)
        return lrs_err_set(err, LRS_ELIMIT, "%s: T/dt = %g steps is too many", who, *ntd);
    return LRS_OK;
}

/* Everything but the per-trajectory parts; N and nt out. */
static int check_params(const lrs_sim_params_t *p, const char *who, size_t *N, double *ntd,
                        lrs_err_t *err)
{
    if (!p->W)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is NULL", who);
    *N = p->W->size1;
    if (*N == 0 || p->W->size2 != *N)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square, N >= 1", who,
                           p->W->size1, p->W->size2);
    if (p->f != LRS_F_IDENTITY && p->f != LRS_F_TANH && p->f != LRS_F_RELU)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown transfer function %d", who, (int)p->f);
    if (p->mode != LRS_SIM_RECURRENT && p->mode != LRS_SIM_FEEDFORWARD)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown mode %d", who, (int)p->mode);
    const lrs_sim_method_t *m = p->method ? p->method : lrs_sim_euler;
    if (m != lrs_sim_euler && m != lrs_sim_rk4 && m != lrs_sim_exact)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown simulation method", who);
    int rc = check_grid(p, who, ntd, err);
    if (rc)
        return rc;
    if (p->tau_vec) {
        if (p->tau_vec->size != *N)
            return lrs_err_set(err, LRS_EINVAL, "%s: tau_vec has length %zu; expected N = %zu", who,
                               p->tau_vec->size, *N);
        for (size_t i = 0; i < *N; i++) {
            double t = gsl_vector_get(p->tau_vec, i);
            if (!(t > 0) || !isfinite(t))
                return lrs_err_set(err, LRS_EINVAL, "%s: tau_vec[%zu] = %g; need tau > 0", who, i, t);
        }
    } else if (!(p->tau > 0) || !isfinite(p->tau)) {
        return lrs_err_set(err, LRS_EINVAL, "%s: tau = %g; need a finite tau > 0", who, p->tau);
    }
    if (!(p->max_norm >= 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: max_norm = %g; need max_norm >= 0 (0: default)",
                           who, p->max_norm);
    if ((rc = check_finite(p->W, who, "W", err)))
        return rc;
    if (p->precision != LRS_SIM_DOUBLE && p->precision != LRS_SIM_FLOAT32)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown precision %d", who, (int)p->precision);
    if (p->precision == LRS_SIM_FLOAT32 &&
        (m == lrs_sim_exact || p->mode != LRS_SIM_RECURRENT))
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: float32 precision needs the euler or rk4 method in recurrent mode",
                           who);
    return m->check(p, who, err);
}

/* U, V: N x r, S: r x r or NULL; all NULL: none. */
static int check_lowrank(const lrs_sim_lowrank_t *lr, size_t N, lrs_sim_mode_t mode,
                         const char *who, const char *name, lrs_err_t *err)
{
    if (!lr->U && !lr->V && !lr->S)
        return LRS_OK;
    if (!lr->U || !lr->V)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s.%s is NULL but %s.%s is set", who, name,
                           lr->U ? "V" : "U", name, lr->U ? "U" : (lr->V ? "V" : "S"));
    if (mode != LRS_SIM_RECURRENT)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s: a low-rank part needs the recurrent mode", who,
                           name);
    size_t r = lr->U->size2;
    if (lr->U->size1 != N || r == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s.U is %zux%zu; expected N x r = %zu x r, r >= 1",
                           who, name, lr->U->size1, r, N);
    if (lr->V->size1 != N || lr->V->size2 != r)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s.V is %zux%zu; expected %zux%zu like U", who,
                           name, lr->V->size1, lr->V->size2, N, r);
    if (lr->S && (lr->S->size1 != r || lr->S->size2 != r))
        return lrs_err_set(err, LRS_EINVAL, "%s: %s.S is %zux%zu; expected r x r = %zux%zu", who,
                           name, lr->S->size1, lr->S->size2, r, r);
    char label[64];
    int rc = LRS_OK;
    const gsl_matrix *mats[3] = {lr->U, lr->V, lr->S};
    const char *names[3] = {"U", "V", "S"};
    for (int i = 0; i < 3 && rc == LRS_OK; i++)
        if (mats[i]) {
            snprintf(label, sizeof label, "%s.%s", name, names[i]);
            rc = check_finite(mats[i], who, label, err);
        }
    return rc;
}

/* Per-trajectory z0 and low-rank parts. */
static int check_trajectories(const lrs_sim_params_t *p, size_t N, size_t K,
                              const gsl_vector *const *z0, const lrs_sim_lowrank_t *parts,
                              const char *who, lrs_err_t *err)
{
    char name[48];
    int rc = LRS_OK;
    for (size_t q = 0; q < K && rc == LRS_OK; q++) {
        const gsl_vector *z = z0 ? z0[q] : p->z0;
        const lrs_sim_lowrank_t *lr = parts ? &parts[q] : &p->lowrank;
        if (z) {
            if (z0)
                snprintf(name, sizeof name, "z0[%zu]", q);
            else
                snprintf(name, sizeof name, "z0");
            rc = sim_check_vector(z, N, who, name, err);
        }
        if (rc == LRS_OK) {
            if (parts)
                snprintf(name, sizeof name, "parts[%zu]", q);
            else
                snprintf(name, sizeof name, "lowrank");
            rc = check_lowrank(lr, N, p->mode, who, name, err);
        }
    }
    return rc;
}

/* ------------------------------------------------------------------ allocation */

static void traj_free(sim_traj *t)
{
    for (int i = 0; i < 2; i++) {
        free(t->Zs[i]);
        free(t->Rs[i]);
    }
    for (int i = 0; i < 3; i++) {
        free(t->Xs[i]);
        free(t->Ms[i]);
    }
    free(t->z0);
    free(t->zfinal);
    free(t->U);
    free(t->Ua);
    free(t->S);
    free(t->V);
    free(t->lr_t);
    if (t->own_prop) {
        free(t->E);
        free(t->F0);
        free(t->F1);
    }
    free(t->Ub);
    free(t->work);
}

void lrs_sim_free(lrs_sim_t *s)
{
    if (!s)
        return;
    if (s->tr)
        for (size_t q = 0; q < s->K; q++)
            traj_free(&s->tr[q]);
    free(s->tr);
    free(s->W);
    free(s->A);
    free(s->alpha);
    free(s->oma);
    free(s->E);
    free(s->F0);
    free(s->F1);
    free(s->Fb);
    free(s->xp);
    free(s->yp);
    free(s->Af);
    free(s->Ah);
    free(s->Fx);
    free(s->Fy);
    free(s);
}

static void copy_matrix(double *dst, const gsl_matrix *M)
{
    for (size_t i = 0; i < M->size1; i++)
        for (size_t j = 0; j < M->size2; j++)
            dst[i * M->size2 + j] = gsl_matrix_get(M, i, j);
}

/* Buffers, z0 and the low-rank part of one trajectory; 0 on ENOMEM. */
static int traj_init(lrs_sim_t *s, sim_traj *t, const gsl_vector *z0, const lrs_sim_lowrank_t *lr)
{
    size_t N = s->N, BN = (s->B + 1) * N;
    int ok = 1, rk4 = s->method == lrs_sim_rk4;
    for (int i = 0; i < 2; i++) {
        t->Zs[i] = malloc(BN * sizeof(double));
        t->Rs[i] = malloc(BN * sizeof(double));
        ok = ok && t->Zs[i] && t->Rs[i];
    }
    for (int i = 0; i < 3; i++) {
        t->Xs[i] = malloc(BN * sizeof(double));
        t->Ms[i] = rk4 ? malloc(BN * sizeof(double)) : NULL;
        ok = ok && t->Xs[i] && (t->Ms[i] || !rk4);
    }
    t->z0 = calloc(N, sizeof(double));
    t->zfinal = calloc(N, sizeof(double));
    t->work = malloc(5 * N * sizeof(double));
    if (!ok || !t->z0 || !t->zfinal || !t->work)
        return 0;
    if (z0)
        for (size_t i = 0; i < N; i++)
            t->z0[i] = gsl_vector_get(z0, i);
    if (!lr->U)
        return 1;
    size_t r = lr->U->size2;
    t->r = r;
    t->U = malloc(N * r * sizeof(double));
    t->Ua = malloc(N * r * sizeof(double));
    t->V = malloc(N * r * sizeof(double));
    t->S = calloc(r * r, sizeof(double));
    t->lr_t = malloc(4 * r * sizeof(double));
    if (!t->U || !t->Ua || !t->V || !t->S || !t->lr_t)
        return 0;
    copy_matrix(t->U, lr->U);
    copy_matrix(t->V, lr->V);
    if (lr->S)
        copy_matrix(t->S, lr->S);
    else
        for (size_t l = 0; l < r; l++)
            t->S[l * r + l] = 1.0;
    return 1;
}

/* The shared part: W, alpha, scratch, the trajectories.  0 on ENOMEM. */
static int sim_init(lrs_sim_t *s, const lrs_sim_params_t *p, const gsl_vector *const *z0,
                    const lrs_sim_lowrank_t *parts)
{
    size_t N = s->N, K = s->K;
    s->W = malloc(N * N * sizeof *s->W);
    s->A = malloc(N * N * sizeof *s->A);
    s->alpha = malloc(N * sizeof *s->alpha);
    s->oma = malloc(N * sizeof *s->oma);
    s->Fb = malloc(s->B * N * sizeof *s->Fb);
    s->xp = malloc(6 * K * sizeof *s->xp);
    s->yp = malloc(K * sizeof *s->yp);
    s->tr = calloc(K, sizeof *s->tr);
    if (!s->W || !s->A || !s->alpha || !s->oma || !s->Fb || !s->xp || !s->yp || !s->tr)
        return 0;
    copy_matrix(s->W, p->W);
    for (size_t i = 0; i < N; i++) {
        double tau = p->tau_vec ? gsl_vector_get(p->tau_vec, i) : p->tau;
        s->alpha[i] = p->dt / tau;
        s->oma[i] = 1.0 - s->alpha[i];
    }
    s->alpha_scalar = 1;
    for (size_t i = 1; i < N; i++)
        if (s->alpha[i] != s->alpha[0])
            s->alpha_scalar = 0;
    for (size_t q = 0; q < K; q++)
        if (!traj_init(s, &s->tr[q], z0 ? z0[q] : p->z0, parts ? &parts[q] : &p->lowrank))
            return 0;
    return 1;
}

int lrs_sim_batch_alloc(lrs_sim_t **out, const lrs_sim_params_t *p, size_t K,
                        const gsl_vector *const *z0, const lrs_sim_lowrank_t *parts, lrs_err_t *err)
{
    const char *who = K == 1 && !z0 && !parts ? "lrs_sim_alloc" : "lrs_sim_batch_alloc";
    size_t N = 0;
    double ntd = 0;
    int rc;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "%s: out is NULL", who);
    *out = NULL;
    if (!p)
        return lrs_err_set(err, LRS_EINVAL, "%s: params is NULL", who);
    if (K == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: K = 0 trajectories; need K >= 1", who);
    if ((rc = check_params(p, who, &N, &ntd, err)) ||
        (rc = check_trajectories(p, N, K, z0, parts, who, err)))
        return rc;
    lrs_sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", who);
    s->method = p->method ? p->method : lrs_sim_euler;
    s->N = N;
    s->K = K;
    s->nt = (size_t)ntd;
    s->f = p->f;
    s->mode = p->mode;
    s->dt = p->dt;
    s->T = p->T;
    s->stop = p->stop;
    s->serial = p->serial;
    s->fast_gemv = sim_cpu_fast_gemv(N);
    s->ldf = p->precision == LRS_SIM_FLOAT32 ? (N + 15) & ~(size_t)15 : 0;
    /* Rows per block: about 1 MB per block matrix (2^17 / N rows: 655 at
     * N = 200, 262 at N = 500, at least 16) from N = 128 up; 256 rows for
     * smaller networks, so that runs from 768 steps on still span the three
     * blocks the helper thread needs to overlap anything.  Each block costs
     * a hand-over between the threads (a wake-up); on the 2-core machine we
     * measured a float32 N = 200 noise run with two covariance observers at
     * 1.45 us per step with 256-row blocks and 1.23 us with 655-row ones
     * (blocks larger than ~1 MB were slower again). */
    s->B = N < 128 ? 256 : (1u << 17) / N;
    s->B = s->B < 16 ? 16 : s->B;
    if (s->B > s->nt)
        s->B = s->nt;
    if (!sim_init(s, p, z0, parts)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for N = %zu, K = %zu", who, N, K);
    } else if ((rc = s->method->setup(s, p, err)) == LRS_OK && s->ldf && !sim_float_setup(s)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory for the float32 copy of W", who);
    } else if (rc == LRS_OK) {
        if (p->max_norm > 0) {
            s->max_norm = p->max_norm;
        } else {
            double n0 = cblas_dnrm2((int)N, s->tr[0].z0, 1);
            for (size_t q = 1; q < K; q++) {
                double nq = cblas_dnrm2((int)N, s->tr[q].z0, 1);
                n0 = nq > n0 ? nq : n0;
            }
            s->max_norm = 1e8 * (n0 > 1 ? n0 : 1);
        }
        *out = s;
        s = NULL;
    }
    lrs_sim_free(s);
    return rc;
}

int lrs_sim_alloc(lrs_sim_t **out, const lrs_sim_params_t *p, lrs_err_t *err)
{
    return lrs_sim_batch_alloc(out, p, 1, NULL, NULL, err);
}

size_t lrs_sim_steps(const lrs_sim_t *s)
{
    return s ? s->nt : 0;
}

size_t lrs_sim_batch_size(const lrs_sim_t *s)
{
    return s ? s->K : 0;
}

int lrs_sim_batch_final_state(const lrs_sim_t *s, size_t k, gsl_vector *z, lrs_err_t *err)
{
    const char *who = "lrs_sim_final_state";
    if (!s || !z)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, s ? "z" : "s");
    if (k >= s->K)
        return lrs_err_set(err, LRS_EINVAL, "%s: trajectory %zu; the batch has K = %zu", who, k,
                           s->K);
    if (z->size != s->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: z has length %zu; expected N = %zu", who, z->size,
                           s->N);
    if (!s->have_final)
        return lrs_err_set(err, LRS_EINVAL, "%s: no completed run yet", who);
    for (size_t i = 0; i < s->N; i++)
        gsl_vector_set(z, i, s->tr[k].zfinal[i]);
    return LRS_OK;
}

int lrs_sim_final_state(const lrs_sim_t *s, gsl_vector *z, lrs_err_t *err)
{
    return lrs_sim_batch_final_state(s, 0, z, err);
}

int lrs_sim_batch_extent(const lrs_sim_t *s, size_t k, double *max_norm, double *max_abs,
                         lrs_err_t *err)
{
    const char *who = "lrs_sim_extent";
    if (!s || !max_norm || !max_abs)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who,
                           !s ? "s" : !max_norm ? "max_norm" : "max_abs");
    if (k >= s->K)
        return lrs_err_set(err, LRS_EINVAL, "%s: trajectory %zu; the batch has K = %zu", who, k,
                           s->K);
    if (!s->have_final)
        return lrs_err_set(err, LRS_EINVAL, "%s: no completed run yet", who);
    *max_norm = sqrt(s->tr[k].max_ss);
    *max_abs = s->tr[k].max_abs;
    return LRS_OK;
}

int lrs_sim_extent(const lrs_sim_t *s, double *max_norm, double *max_abs, lrs_err_t *err)
{
    return lrs_sim_batch_extent(s, 0, max_norm, max_abs, err);
}

/* ------------------------------------------------------------------ divergence */

/* Largest real part of the eigenvalues of W_k (error path only); NAN on failure. */
static double max_real_eig(const lrs_sim_t *s, const sim_traj *t)
{
    size_t N = s->N;
    double *a = sim_dense_w(s, t), *wr = malloc(N * sizeof *wr), *wi = malloc(N * sizeof *wi);
    double best = NAN;
    if (a && wr && wi) {
        lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)N, a, (lapack_int)N,
                                        wr, wi, NULL, (lapack_int)N, NULL, (lapack_int)N);
        if (info == 0) {
            best = wr[0];
            for (size_t i = 1; i < N; i++)
                if (wr[i] > best)
                    best = wr[i];
        }
    }
    free(a);
    free(wr);
    free(wi);
    return best;
}

/* "trajectory q: " before the message of a batch's error (K > 1). */
static void name_trajectory(const lrs_sim_t *s, size_t q, lrs_err_t *err)
{
    if (!err || s->K == 1)
        return;
    char msg[LRS_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", err->msg);
    lrs_err_set(err, err->code, "trajectory %zu: %s", q, msg);
}

/* sum_j z_j^2 and max_j |z_j| of one state in one vectorised pass (NaN
 * makes the sum NaN; the max passes over it). */
SIM_CLONES static double state_sumsq(const double *z, size_t N, double *max_abs)
{
    double ss = 0, m = 0;
#pragma omp simd reduction(+ : ss) reduction(max : m)
    for (size_t j = 0; j < N; j++) {
        double a = fabs(z[j]);
        ss += z[j] * z[j];
        m = a > m ? a : m;
    }
    *max_abs = m;
    return ss;
}

/* Divergence check of the b states of block k (rows 1..b of each Z), and
 * the running maxima of ||z||^2 and |z_i|. */
static int check_block(lrs_sim_t *s, size_t k, size_t b, lrs_err_t *err)
{
    size_t N = s->N;
    double max2 = s->max_norm * s->max_norm;
    for (size_t q = 0; q < s->K; q++) {
        sim_traj *tr = &s->tr[q];
        const double *Z = tr->Zs[k % 2] + N;
        for (size_t i = 0; i < b; i++) {
            double ma, ss = state_sumsq(Z + i * N, N, &ma);
            tr->max_abs = ma > tr->max_abs ? ma : tr->max_abs;
            if (ss <= max2 && isfinite(ss)) {
                tr->max_ss = ss > tr->max_ss ? ss : tr->max_ss;
                continue;
            }
            double t = (double)(k * s->B + i) * s->dt;
            if (s->mode == LRS_SIM_FEEDFORWARD)
                lrs_err_set(err, LRS_EDIVERGE,
                            "simulation diverged at t = %g: ||z|| = %.3g exceeds %.3g "
                            "(feed-forward run: the input or the drive is not finite)",
                            t, sqrt(ss), s->max_norm);
            else
                lrs_err_set(err, LRS_EDIVERGE,
                            "simulation diverged at t = %g: ||z|| = %.3g exceeds %.3g "
                            "(largest real part of the eigenvalues of W: %.4g)",
                            t, sqrt(ss), s->max_norm, max_real_eig(s, tr));
            name_trajectory(s, q, err);
            return LRS_EDIVERGE;
        }
    }
    return LRS_OK;
}

/* ---- one run: the stepping side and the observing side.
 *
 * Sequential semantics, block k = steps k B .. k B + b_k - 1:
 *     fill X_k; step Z_k; check divergence of Z_k; observe block k.
 * Pipelined execution (default): in iteration k the calling thread steps
 * block k while a helper thread observes block k-1 (computing its R if asked)
 * and then fills the inputs of block k+1.  Inputs do not depend on the state,
 * every buffer is written by one side per iteration (Z, R: two sets; X, M:
 * three; the sides share only reads of the previous block's last rows), and
 * errors are reported in the sequential order, so results and error codes
 * are the same as a serial run.  Input callbacks and observers all run on
 * the helper thread, one at a time, trajectory by trajectory. */

typedef struct sim_run {
    lrs_sim_t *s;
    size_t nblocks;
    /* results of the observing side in the current iteration */
    int obs_rc, fill_rc;
    lrs_err_t obs_err, fill_err;
    /* thread hand-off */
    int threaded, quit;
    unsigned long job, done;  /* iteration requested / finished */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} sim_run;

static size_t block_rows(const lrs_sim_t *s, size_t k)
{
    size_t n0 = k * s->B;
    return s->nt - n0 < s->B ? s->nt - n0 : s->B;
}

/* R rows 1..b of trajectory t in block j: f(Z) W^T (+ f(Z) V S^T U^T). */
static void recurrent_input(lrs_sim_t *s, sim_traj *t, size_t j, size_t b)
{
    size_t N = s->N;
    const double *Z = t->Zs[j % 2] + N, *F = Z;
    double *R = t->Rs[j % 2] + N;
    if (s->f != LRS_F_IDENTITY) {
        lrs_sim_transfer_apply(s->f, b * N, Z, s->Fb);
        F = s->Fb;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)N, (int)N, 1.0, F, (int)N,
                s->W, (int)N, 0.0, R, (int)N);
    for (size_t i = 0; t->r > 0 && i < b; i++)
        sim_lowrank_add(s, t, t->U, F + i * N, R + i * N, t->lr_t + 2 * t->r);
}

/* Hand block j of trajectory q to its observers. */
static int observe_block(lrs_sim_t *s, size_t q, size_t j, lrs_err_t *err)
{
    sim_traj *t = &s->tr[q];
    size_t N = s->N, b = block_rows(s, j);
    int need_r = 0, have_r = s->mode == LRS_SIM_FEEDFORWARD;
    for (size_t o = 0; o < t->nobs; o++)
        need_r = need_r || t->obs[o].needs_recurrent;
    if (!have_r && need_r) {
        recurrent_input(s, t, j, b);
        have_r = 1;
    }
    gsl_matrix_view Zv = gsl_matrix_view_array(t->Zs[j % 2] + N, b, N);
    gsl_matrix_view Xv = gsl_matrix_view_array(t->Xs[j % 3] + N, b, N);
    gsl_matrix_view Rv = gsl_matrix_view_array(t->Rs[j % 2] + N, b, N);
    lrs_block_t blk;
    blk.n0 = j * s->B;
    blk.dt = s->dt;
    blk.Z = &Zv.matrix;
    blk.X = &Xv.matrix;
    blk.R = have_r ? &Rv.matrix : NULL;
    for (size_t o = 0; o < t->nobs; o++) {
        lrs_err_clear(err);
        int rc = t->obs[o].observe(t->obs[o].self, &blk, err);
        if (rc) {
            if (err->code == LRS_OK)
                lrs_err_set(err, rc, "lrs_sim_run: observer %zu failed (code %d)", o, rc);
            name_trajectory(s, q, err);
            return rc;
        }
    }
    return LRS_OK;
}

/* Inputs of block j of trajectory q: X rows 1..b (row 0 = the previous
 * block's last row) and, for RK4 with callbacks, M (see sim_internal.h). */
static int fill_block(lrs_sim_t *s, size_t q, size_t j, lrs_err_t *err)
{
    sim_traj *t = &s->tr[q];
    size_t N = s->N, b = block_rows(s, j), n0 = j * s->B;
    double *X = t->Xs[j % 3];
    if (j > 0)
        memcpy(X, t->Xs[(j - 1) % 3] + block_rows(s, j - 1) * N, N * sizeof(double));
    gsl_matrix_view Xv = gsl_matrix_view_array(X + N, b, N);
    lrs_err_clear(err);
    int rc = lrs_input_fill(t->in, n0, s->dt, &Xv.matrix, err);
    if (rc == LRS_OK && t->mid && (j > 0 || b > 1)) {
        /* row i: the step from n0 + i - 2 to n0 + i - 1 */
        size_t i0 = j > 0 ? 1 : 2;
        gsl_matrix_view Mv = gsl_matrix_view_array(t->Ms[j % 3] + i0 * N, b - i0 + 1, N);
        rc = sim_input_fill_mid(t->in, n0 + i0 - 2, s->dt, &Mv.matrix, err);
    }
    if (rc) {
        if (err->code == LRS_OK)
            lrs_err_set(err, rc, "lrs_sim_run: filling the input failed (code %d)", rc);
        name_trajectory(s, q, err);
    }
    return rc;
}

/* Observing side of iteration k: observe block k-1, then fill block k+1. */
static void run_side(sim_run *r, size_t k)
{
    lrs_sim_t *s = r->s;
    r->obs_rc = LRS_OK;
    r->fill_rc = LRS_OK;
    if (k >= 1 && k - 1 < r->nblocks)
        for (size_t q = 0; q < s->K && !r->obs_rc; q++)
            r->obs_rc = observe_block(s, q, k - 1, &r->obs_err);
    if (r->obs_rc)
        return;
    if (k + 1 < r->nblocks)
        for (size_t q = 0; q < s->K && !r->fill_rc; q++)
            r->fill_rc = fill_block(s, q, k + 1, &r->fill_err);
}

static void *run_thread(void *arg)
{
    sim_run *r = arg;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->job == seen && !r->quit)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->quit) {
            pthread_mutex_unlock(&r->mu);
            return NULL;
        }
        seen = r->job;
        pthread_mutex_unlock(&r->mu);
        run_side(r, (size_t)(seen - 1));
        pthread_mutex_lock(&r->mu);
        r->done = seen;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
    }
}

static void copy_err(lrs_err_t *dst, const lrs_err_t *src)
{
    if (dst)
        *dst = *src;
}

/* Stepping side of iteration k: rows 0/1 from the previous block or z0,
 * then the method advances every trajectory. */
static void step_block(lrs_sim_t *s, size_t k)
{
    size_t N = s->N, b = block_rows(s, k);
    for (size_t q = 0; q < s->K; q++) {
        sim_traj *t = &s->tr[q];
        double *Z = t->Zs[k % 2];
        if (k == 0) {
            memcpy(Z + N, t->z0, N * sizeof(double));
            continue;
        }
        size_t bp = block_rows(s, k - 1);
        memcpy(Z, t->Zs[(k - 1) % 2] + bp * N, N * sizeof(double));
        if (s->mode == LRS_SIM_FEEDFORWARD)
            memcpy(t->Rs[k % 2], t->Rs[(k - 1) % 2] + bp * N, N * sizeof(double));
    }
    s->method->advance(s, k, k == 0 ? 2 : 1, b);
}

static void run_start_thread(sim_run *r, pthread_t *th)
{
    if (pthread_mutex_init(&r->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&r->cv, NULL) == 0) {
        if (pthread_create(th, NULL, run_thread, r) == 0)
            r->threaded = 1;
        else
            pthread_cond_destroy(&r->cv);
    }
    if (!r->threaded)
        pthread_mutex_destroy(&r->mu);
}

static void run_stop_thread(sim_run *r, pthread_t th)
{
    if (!r->threaded)
        return;
    pthread_mutex_lock(&r->mu);
    r->quit = 1;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(th, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
}

/* The iterations k = 0 .. nblocks (the last one only observes). */
static int run_blocks(sim_run *r, lrs_err_t *err)
{
    lrs_sim_t *s = r->s;
    int rc = LRS_OK, fill_pending = 0;
    lrs_err_t fill_held;
    lrs_err_clear(&fill_held);
    for (size_t k = 0;; k++) {
        int step = k < r->nblocks && !fill_pending;
        if (step && s->stop && *s->stop)
            return lrs_err_set(err, LRS_EINTR, "simulation interrupted at t = %g (stop flag raised)",
                               (double)(k * s->B) * s->dt);
        if (r->threaded) {
            pthread_mutex_lock(&r->mu);
            r->job = k + 1;
            pthread_cond_broadcast(&r->cv);
            pthread_mutex_unlock(&r->mu);
        }
        int div_rc = LRS_OK;
        lrs_err_t div_err;
        lrs_err_clear(&div_err);
        if (step) {
            step_block(s, k);
            div_rc = check_block(s, k, block_rows(s, k), &div_err);
        }
        if (r->threaded) {
            pthread_mutex_lock(&r->mu);
            while (r->done != k + 1)
                pthread_cond_wait(&r->cv, &r->mu);
            pthread_mutex_unlock(&r->mu);
        } else {
            run_side(r, k);
        }
        /* errors in sequential order: observe k-1, fill k, diverge k, ... */
        if (r->obs_rc) {
            copy_err(err, &r->obs_err);
            return r->obs_rc;
        }
        if (fill_pending) {
            copy_err(err, &fill_held);
            return fill_held.code;
        }
        if (div_rc) {
            copy_err(err, &div_err);
            return div_rc;
        }
        if (k >= r->nblocks)
            return rc; /* the last block has been observed */
        if (r->fill_rc) {
            fill_pending = 1;
            fill_held = r->fill_err;
        }
    }
}

static int run_checks(const lrs_sim_t *s, lrs_input_t *const *in, const lrs_observer_t *const *obs,
                      const size_t *nobs, const char *who, lrs_err_t *err)
{
    for (size_t q = 0; q < s->K; q++) {
        const char *pre = s->K > 1 ? "trajectory " : "", *post = s->K > 1 ? ": " : "";
        char tq[32] = "";
        if (s->K > 1)
            snprintf(tq, sizeof tq, "%zu", q);
        if (!in[q])
            return lrs_err_set(err, LRS_EINVAL, "%s: %s%s%sin is NULL", who, pre, tq, post);
        if (sim_input_units(in[q]) != s->N)
            return lrs_err_set(err, LRS_EINVAL, "%s: %s%s%sinput has N = %zu units; the network has %zu",
                               who, pre, tq, post, sim_input_units(in[q]), s->N);
        for (size_t p = 0; p < q; p++)
            if (in[p] == in[q])
                return lrs_err_set(err, LRS_EINVAL, "%s: inputs %zu and %zu are the same object; "
                                   "each trajectory needs its own", who, p, q);
        size_t n = nobs ? nobs[q] : 0;
        if (n > 0 && (!obs || !obs[q]))
            return lrs_err_set(err, LRS_EINVAL, "%s: %s%s%s%zu observers but obs is NULL", who, pre,
                               tq, post, n);
        for (size_t o = 0; o < n; o++)
            if (!obs[q][o].observe)
                return lrs_err_set(err, LRS_EINVAL, "%s: %s%s%sobserver %zu has no observe function",
                                   who, pre, tq, post, o);
    }
    return LRS_OK;
}

int lrs_sim_batch_run(lrs_sim_t *s, lrs_input_t *const *in, const lrs_observer_t *const *obs,
                      const size_t *nobs, lrs_err_t *err)
{
    const char *who = s && s->K == 1 ? "lrs_sim_run" : "lrs_sim_batch_run";
    if (!s || !in)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, s ? "in" : "s");
    int rc = run_checks(s, in, obs, nobs, who, err);
    if (rc)
        return rc;
    sim_run r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.nblocks = (s->nt + s->B - 1) / s->B;
    for (size_t q = 0; q < s->K; q++) {
        sim_traj *t = &s->tr[q];
        t->in = in[q];
        t->nobs = nobs ? nobs[q] : 0;
        t->obs = t->nobs ? obs[q] : NULL;
        t->mid = s->method == lrs_sim_rk4 && sim_input_has_callback(in[q]);
        t->max_ss = t->max_abs = 0;
    }
    s->have_final = 0;
    lrs_err_clear(err);
    for (size_t q = 0; q < s->K; q++)
        if ((rc = fill_block(s, q, 0, &r.fill_err))) {
            copy_err(err, &r.fill_err);
            return rc;
        }
    pthread_t th;
    memset(&th, 0, sizeof th);
    if (!s->serial && r.nblocks >= 3)
        run_start_thread(&r, &th);
    rc = run_blocks(&r, err);
    run_stop_thread(&r, th);
    if (rc == LRS_OK) {
        size_t k = r.nblocks - 1, N = s->N;
        for (size_t q = 0; q < s->K; q++)
            memcpy(s->tr[q].zfinal, s->tr[q].Zs[k % 2] + block_rows(s, k) * N, N * sizeof(double));
        s->have_final = 1;
    }
    return rc;
}

int lrs_sim_run(lrs_sim_t *s, lrs_input_t *in, const lrs_observer_t *obs, size_t nobs,
                lrs_err_t *err)
{
    if (!s || !in)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_run: %s is NULL", s ? "in" : "s");
    if (s->K != 1)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_run: the simulation holds K = %zu trajectories; "
                           "use lrs_sim_batch_run", s->K);
    if (nobs > 0 && !obs)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sim_run: %zu observers but obs is NULL", nobs);
    return lrs_sim_batch_run(s, &in, &obs, &nobs, err);
}
