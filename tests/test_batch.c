/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the batched simulator (lrs_sim_batch_*, lrs/sim.h):
 *  - K trajectories (own z0, own noise input, own observers) are
 *    bit-identical to K single runs: final states, covariances of z, x and
 *    the projections of r = W f(z), for Euler (linear and tanh), RK4 and the
 *    exact method, at N = 37 (the AVX2 kernel where the CPU has it; K = 3
 *    takes the two-vector path and the one-vector tail) and N = 400
 *    (cblas_dgemv, one call per column);
 *  - a shared random part plus per-trajectory low-rank parts W1 + U_k S_k V_k^T:
 *    bit-identical to single runs with p.lowrank = the part, and within
 *    rounding (n eps) of a dense run of W1 + U S V^T;
 *  - errors: K = 0, shared input objects, a diverging trajectory is named,
 *    lrs_sim_run on a batch, bad low-rank shapes. */
#include "harness.h"
#include "la_check.h"
#include "lrs/connectivity.h"
#include "lrs/cov.h"
#include "lrs/sim.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define KMAX 3

static gsl_matrix *random_net(size_t N, double rho, unsigned long seed)
{
    lrs_err_t e;
    gsl_rng *r = new_rng(seed);
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    lrs_conn_add_gaussian(W, rho, r, &e);
    gsl_rng_free(r);
    return W;
}

/* What one trajectory leaves behind: its final state and its statistics. */
typedef struct {
    gsl_rng *rng;
    lrs_noise_t *nz;
    lrs_input_t *in;
    lrs_cov_t *cz, *cx;
    lrs_proj_t *pr;
    lrs_observer_t obs[3];
    gsl_vector *zf;
    gsl_matrix *C;
} traj_t;

static int traj_init(traj_t *t, size_t N, double dt, unsigned long seed, const gsl_matrix *D,
                     lrs_err_t *err)
{
    memset(t, 0, sizeof *t);
    t->rng = new_rng(seed);
    t->zf = gsl_vector_alloc(N);
    t->C = gsl_matrix_alloc(N, N);
    int rc;
    if ((rc = lrs_noise_alloc(&t->nz, N, 1.0, 1.0, dt, t->rng, err)) ||
        (rc = lrs_input_alloc(&t->in, N, err)) ||
        (rc = lrs_input_add_noise(t->in, t->nz, 1.0, NULL, err)) ||
        (rc = lrs_cov_alloc(&t->cz, N, err)) || (rc = lrs_cov_alloc(&t->cx, N, err)) ||
        (rc = lrs_proj_alloc(&t->pr, D, LRS_PROJ_R, 0.0, err)))
        return rc;
    t->obs[0] = lrs_cov_observer(t->cz, LRS_FIELD_Z, 0.5);
    t->obs[1] = lrs_cov_observer_every(t->cx, LRS_FIELD_X, 0.0, 3);
    t->obs[2] = lrs_proj_observer(t->pr);
    return LRS_OK;
}

static void traj_free(traj_t *t)
{
    lrs_input_free(t->in);
    lrs_noise_free(t->nz);
    gsl_rng_free(t->rng);
    lrs_cov_free(t->cz);
    lrs_cov_free(t->cx);
    lrs_proj_free(t->pr);
    gsl_vector_free(t->zf);
    gsl_matrix_free(t->C);
}

/* Bit equality of everything two trajectories left behind. */
static int same_traj(traj_t *a, traj_t *b, lrs_err_t *err)
{
    size_t N = a->zf->size;
    gsl_matrix *Ca = a->C, *Cb = b->C;
    int same = !memcmp(a->zf->data, b->zf->data, N * sizeof(double));
    lrs_cov_t *ca[2] = {a->cz, a->cx}, *cb[2] = {b->cz, b->cx};
    for (int k = 0; k < 2; k++) {
        if (lrs_cov_get(ca[k], Ca, err) || lrs_cov_get(cb[k], Cb, err))
            return 0;
        same = same && !memcmp(Ca->data, Cb->data, N * N * sizeof(double));
    }
    for (size_t k = 0; k < 2; k++) {
        double va, vb;
        if (lrs_proj_var(a->pr, LRS_FIELD_R, k, &va, err) || lrs_proj_var(b->pr, LRS_FIELD_R, k, &vb, err))
            return 0;
        same = same && va == vb;
    }
    return same;
}

/* K single runs and one batch of K with the same parameters, inputs (same
 * seeds) and observers; 1 if every trajectory is bit-identical. */
static int batch_equals_singles(const lrs_sim_params_t *p0, size_t K, const lrs_sim_lowrank_t *parts,
                                lrs_err_t *err)
{
    size_t N = p0->W->size1;
    traj_t one[KMAX], bat[KMAX];
    gsl_vector *z0[KMAX];
    gsl_matrix *D = gsl_matrix_alloc(N, 2);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(D, i, 0, 1.0 / sqrt((double)N));
        gsl_matrix_set(D, i, 1, i % 2 ? 0.1 : -0.2);
    }
    int rc = LRS_OK, same = 1;
    lrs_sim_t *bs = NULL;
    for (size_t k = 0; k < K; k++) {
        z0[k] = gsl_vector_alloc(N);
        for (size_t i = 0; i < N; i++)
            gsl_vector_set(z0[k], i, 0.1 * cos((double)(i + 7 * k)));
        if (!rc)
            rc = traj_init(&one[k], N, p0->dt, 100 + k, D, err);
        if (!rc)
            rc = traj_init(&bat[k], N, p0->dt, 100 + k, D, err);
    }
    for (size_t k = 0; k < K && !rc; k++) {
        lrs_sim_params_t p = *p0;
        p.z0 = z0[k];
        if (parts)
            p.lowrank = parts[k];
        lrs_sim_t *s = NULL;
        if (!(rc = lrs_sim_alloc(&s, &p, err)) && !(rc = lrs_sim_run(s, one[k].in, one[k].obs, 3, err)))
            rc = lrs_sim_final_state(s, one[k].zf, err);
        lrs_sim_free(s);
    }
    if (!rc) {
        lrs_input_t *in[KMAX];
        const lrs_observer_t *obs[KMAX];
        size_t nobs[KMAX];
        for (size_t k = 0; k < K; k++) {
            in[k] = bat[k].in;
            obs[k] = bat[k].obs;
            nobs[k] = 3;
        }
        rc = lrs_sim_batch_alloc(&bs, p0, K, (const gsl_vector *const *)z0, parts, err);
        if (!rc)
            rc = lrs_sim_batch_run(bs, in, obs, nobs, err);
        for (size_t k = 0; k < K && !rc; k++)
            rc = lrs_sim_batch_final_state(bs, k, bat[k].zf, err);
    }
    for (size_t k = 0; k < K && !rc; k++)
        same = same && same_traj(&one[k], &bat[k], err);
    lrs_sim_free(bs);
    for (size_t k = 0; k < K; k++) {
        traj_free(&one[k]);
        traj_free(&bat[k]);
        gsl_vector_free(z0[k]);
    }
    gsl_matrix_free(D);
    return rc ? -1 : same;
}

static void test_batch_bit_identical(void)
{
    size_t Ns[2] = {37, 400};
    lrs_err_t e;
    for (int a = 0; a < 2; a++) {
        size_t N = Ns[a];
        gsl_matrix *W = random_net(N, 0.8, 5 + a);
        const lrs_sim_method_t *m[4] = {lrs_sim_euler, lrs_sim_euler, lrs_sim_rk4, lrs_sim_exact};
        lrs_sim_transfer_t f[4] = {LRS_F_IDENTITY, LRS_F_TANH, LRS_F_TANH, LRS_F_IDENTITY};
        for (int c = 0; c < 4; c++) {
            lrs_sim_params_t p = sim_params_on(W);
            p.f = f[c];
            p.method = m[c];
            p.dt = m[c] == lrs_sim_exact ? 0.05 : 0.01;
            /* several blocks (B = 256 rows at N = 37, 327 at N = 400) */
            p.T = (N > 100 ? 400 : 800) * p.dt;
            for (size_t K = 2; K <= 3; K++) {
                int same = batch_equals_singles(&p, K, NULL, &e);
                CHECK(same == 1, "N = %zu, %s, f = %s, K = %zu: batch %s single runs (%s)", N,
                      lrs_sim_method_name(m[c]), lrs_sim_transfer_name(f[c]), K,
                      same < 0 ? "failed beside" : "differs from", same < 0 ? e.msg : "bits");
            }
        }
        gsl_matrix_free(W);
    }
}

/* ------------------------------------------------------------------ low-rank parts */

static void test_batch_lowrank_parts(void)
{
    size_t N = 40, K = 3, r = 2;
    lrs_err_t e;
    gsl_matrix *W1 = random_net(N, 0.5, 9);
    gsl_matrix *U[3], *V[3], *S[3];
    lrs_sim_lowrank_t parts[3];
    gsl_rng *rng = new_rng(17);
    for (size_t k = 0; k < K; k++) {
        U[k] = gsl_matrix_alloc(N, r);
        V[k] = gsl_matrix_alloc(N, r);
        S[k] = gsl_matrix_calloc(r, r);
        for (size_t i = 0; i < N * r; i++) {
            U[k]->data[i] = gsl_ran_gaussian(rng, 1.0) / sqrt((double)N);
            V[k]->data[i] = gsl_ran_gaussian(rng, 1.0) / sqrt((double)N);
        }
        gsl_matrix_set(S[k], 0, 0, -3.0 - (double)k);
        gsl_matrix_set(S[k], 1, 1, 1.5);
        gsl_matrix_set(S[k], 0, 1, 0.5);
        parts[k] = (lrs_sim_lowrank_t){U[k], k == 2 ? NULL : S[k], V[k]};
    }
    const lrs_sim_method_t *m[3] = {lrs_sim_euler, lrs_sim_rk4, lrs_sim_exact};
    lrs_sim_transfer_t f[3] = {LRS_F_TANH, LRS_F_TANH, LRS_F_IDENTITY};
    for (int c = 0; c < 3; c++) {
        lrs_sim_params_t p = lrs_sim_params_default();
        p.W = W1;
        p.f = f[c];
        p.method = m[c];
        p.T = 6.0;
        int same = batch_equals_singles(&p, K, parts, &e);
        CHECK(same == 1, "low-rank parts, %s: batch %s single runs (%s)", lrs_sim_method_name(m[c]),
              same < 0 ? "failed beside" : "differs from", same < 0 ? e.msg : "bits");
    }
    /* factored vs dense: Euler linear, no input, from z0, 500 steps */
    gsl_matrix *Wd = gsl_matrix_alloc(N, N);
    gsl_matrix_memcpy(Wd, W1);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, U[2], V[2], 1.0, Wd);
    gsl_vector *z0 = gsl_vector_alloc(N), *za = gsl_vector_alloc(N), *zb = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, sin((double)i));
    lrs_input_t *in = NULL;
    CHECK_OK(lrs_input_alloc(&in, N, &e), &e);
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = W1;
    p.lowrank = parts[2];
    p.T = 5.0;
    p.z0 = z0;
    lrs_sim_t *s = NULL;
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_OK(lrs_sim_run(s, in, NULL, 0, &e), &e);
    CHECK_OK(lrs_sim_final_state(s, za, &e), &e);
    lrs_sim_free(s);
    p.W = Wd;
    p.lowrank = (lrs_sim_lowrank_t){NULL, NULL, NULL};
    CHECK_OK(lrs_sim_alloc(&s, &p, &e), &e);
    CHECK_OK(lrs_sim_run(s, in, NULL, 0, &e), &e);
    CHECK_OK(lrs_sim_final_state(s, zb, &e), &e);
    lrs_sim_free(s);
    double dev = 0, sc = gsl_blas_dnrm2(zb);
    for (size_t i = 0; i < N; i++)
        dev = fmax(dev, fabs(gsl_vector_get(za, i) - gsl_vector_get(zb, i)));
    CHECK(dev <= 500 * N * DBL_EPSILON * sc, "factored vs dense W1 + U V^T: %.3g > nt N eps ||z|| = %.3g",
          dev, 500 * N * DBL_EPSILON * sc);
    lrs_input_free(in);
    gsl_vector_free(z0);
    gsl_vector_free(za);
    gsl_vector_free(zb);
    gsl_matrix_free(Wd);
    for (size_t k = 0; k < K; k++) {
        gsl_matrix_free(U[k]);
        gsl_matrix_free(V[k]);
        gsl_matrix_free(S[k]);
    }
    gsl_matrix_free(W1);
    gsl_rng_free(rng);
}

/* ------------------------------------------------------------------ errors */

static void test_batch_errors(void)
{
    size_t N = 3;
    lrs_err_t e;
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    lrs_sim_params_t p = sim_params_on(W);
    p.T = 1.0;
    lrs_sim_t *s = NULL;
    CHECK_ERR(lrs_sim_batch_alloc(&s, &p, 0, NULL, NULL, &e), LRS_EINVAL, &e, "K = 0 trajectories");
    gsl_matrix *U = gsl_matrix_calloc(N, 2), *V = gsl_matrix_calloc(N, 1), *S = gsl_matrix_calloc(2, 2);
    lrs_sim_lowrank_t parts[2] = {{NULL, NULL, NULL}, {U, NULL, V}};
    CHECK_ERR(lrs_sim_batch_alloc(&s, &p, 2, NULL, parts, &e), LRS_EINVAL, &e,
              "lrs_sim_batch_alloc: parts[1].V is 3x1; expected 3x2 like U");
    parts[1] = (lrs_sim_lowrank_t){U, S, NULL};
    CHECK_ERR(lrs_sim_batch_alloc(&s, &p, 2, NULL, parts, &e), LRS_EINVAL, &e,
              "parts[1].V is NULL but parts[1].U is set");
    gsl_matrix_set(S, 1, 0, NAN);
    p.lowrank = (lrs_sim_lowrank_t){U, S, U};
    CHECK_ERR(lrs_sim_alloc(&s, &p, &e), LRS_ENONFINITE, &e, "lowrank.S(1,0) = nan is not finite");
    p.lowrank = (lrs_sim_lowrank_t){NULL, NULL, NULL};
    gsl_vector *zbad = gsl_vector_alloc(2);
    const gsl_vector *z0[2] = {NULL, zbad};
    CHECK_ERR(lrs_sim_batch_alloc(&s, &p, 2, z0, NULL, &e), LRS_EINVAL, &e,
              "z0[1] has length 2; expected N = 3");
    /* trajectory 1 diverges (z0 huge against max_norm) */
    gsl_vector *zbig = gsl_vector_alloc(N);
    gsl_vector_set_all(zbig, 10.0);
    const gsl_vector *z0b[2] = {NULL, zbig};
    p.max_norm = 1.0;
    CHECK_OK(lrs_sim_batch_alloc(&s, &p, 2, z0b, NULL, &e), &e);
    CHECK(lrs_sim_batch_size(s) == 2, "batch size %zu", lrs_sim_batch_size(s));
    lrs_input_t *in[2] = {NULL, NULL};
    CHECK_OK(lrs_input_alloc(&in[0], N, &e), &e);
    CHECK_OK(lrs_input_alloc(&in[1], N, &e), &e);
    CHECK_ERR(lrs_sim_batch_run(s, in, NULL, NULL, &e), LRS_EDIVERGE, &e,
              "trajectory 1: simulation diverged at t = 0:");
    lrs_input_t *same[2] = {in[0], in[0]};
    CHECK_ERR(lrs_sim_batch_run(s, same, NULL, NULL, &e), LRS_EINVAL, &e,
              "inputs 0 and 1 are the same object");
    CHECK_ERR(lrs_sim_run(s, in[0], NULL, 0, &e), LRS_EINVAL, &e, "use lrs_sim_batch_run");
    gsl_vector *zf = gsl_vector_alloc(N);
    CHECK_ERR(lrs_sim_batch_final_state(s, 2, zf, &e), LRS_EINVAL, &e, "trajectory 2; the batch has K = 2");
    lrs_sim_free(s);
    lrs_input_free(in[0]);
    lrs_input_free(in[1]);
    gsl_vector_free(zf);
    gsl_vector_free(zbig);
    gsl_vector_free(zbad);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_matrix_free(S);
    gsl_matrix_free(W);
}

int main(void)
{
    RUN(test_batch_bit_identical);
    RUN(test_batch_lowrank_parts);
    RUN(test_batch_errors);
    return harness_summary();
}
