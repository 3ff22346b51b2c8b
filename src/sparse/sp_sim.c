/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_sim.c -- the driven network at scale with projection observers (see
 * lrs/sparse.h): Euler with the sparse product, per-block smooth input,
 * variances along 2k directions, the theory-1 prediction for each.
 */
#include "sp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "lrs/noise.h"
#include "../la_internal.h"

lrs_sparse_sim_opts_t lrs_sparse_sim_opts_default(void)
{
    lrs_sparse_sim_opts_t s;
    memset(&s, 0, sizeof s);
    s.T = 5000;
    s.dt = 0.01;
    s.tau = 1;
    s.taux = 10;
    s.sigmax = 1;
    s.discard = -1;
    s.k = 10;
    s.seed = 1;
    return s;
}

void lrs_sparse_sim_free(lrs_sparse_sim_t *s)
{
    if (s) {
        free(s->var_top);
        free(s->var_rand);
        free(s->theory_top);
        free(s->theory_rand);
        free(s->theory_resid);
        memset(s, 0, sizeof *s);
    }
}

/* Theory 1 along d: sigma_x^2 ||y||^2 with (I - W)^T y = d, by GMRES(40) on
 * the transpose operator of the explicit sparse I - W (no factorisation;
 * O(nnz) per iteration), relative tolerance 1e-10. */
static int sp_theory(Mat IW, Vec *D, size_t nd, double sx2, double *var, double *resid,
                     lrs_err_t *err)
{
    KSP ksp = NULL;
    PC pc;
    Mat T = NULL;
    Vec y = NULL, r = NULL;
    size_t j;
    int rc = LRS_OK;
    SP_TRY(MatCreateTranspose(IW, &T), "theory 1: (I - W)^T");
    SP_TRY(MatCreateVecs(IW, &y, &r), "theory 1");
    SP_TRY(KSPCreate(PETSC_COMM_WORLD, &ksp), "theory 1: KSP");
    SP_TRY(KSPSetOperators(ksp, T, T), "theory 1: KSP");
    SP_TRY(KSPSetType(ksp, KSPGMRES), "theory 1: KSP");
    SP_TRY(KSPGetPC(ksp, &pc), "theory 1: KSP");
    SP_TRY(PCSetType(pc, PCNONE), "theory 1: KSP");
    SP_TRY(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, 10000), "theory 1: KSP");
    SP_TRY(KSPSetOptionsPrefix(ksp, "theory_"), "theory 1: KSP");
    SP_TRY(KSPSetFromOptions(ksp), "theory 1: KSP");
    for (j = 0; j < nd; j++) {
        PetscReal yn, rn, dn;
        SP_TRY(KSPSolve(ksp, D[j], y), "theory 1: GMRES on (I - W)^T");
        SP_TRY(MatMult(T, y, r), "theory 1");
        SP_TRY(VecAXPY(r, -1.0, D[j]), "theory 1");
        SP_TRY(VecNorm(r, NORM_2, &rn), "theory 1");
        SP_TRY(VecNorm(D[j], NORM_2, &dn), "theory 1");
        SP_TRY(VecNorm(y, NORM_2, &yn), "theory 1");
        var[j] = sx2 * (double)yn * (double)yn;
        resid[j] = (double)(rn / dn);
    }
done:
    if (ksp)
        KSPDestroy(&ksp);
    if (T)
        MatDestroy(&T);
    if (y)
        VecDestroy(&y);
    if (r)
        VecDestroy(&r);
    return rc;
}

/* Directions: the k top left singular vectors, then k random unit vectors
 * (normal entries from sp_vec_hash, stream 500 + j, normalised). */
static int sp_directions(const lrs_sparse_svals_t *top, size_t k, unsigned long seed, Vec **D,
                         lrs_err_t *err)
{
    size_t j;
    int rc = LRS_OK;
    SP_TRY(VecDuplicateVecs(top->U->v[0], (PetscInt)(2 * k), D), "directions");
    for (j = 0; j < k; j++) {
        SP_TRY(VecCopy(top->U->v[j], (*D)[j]), "directions");
        if (sp_vec_hash((*D)[k + j], seed, 500 + j, 1)) {
            rc = lrs_err_set(err, LRS_ENUMERIC, "random directions");
            goto done;
        }
        SP_TRY(VecNormalize((*D)[k + j], NULL), "directions");
    }
done:
    return rc;
}

/* One Euler step z += (dt/tau)(-z + W f(z) + x). */
static int sp_step(Mat W, Vec z, Vec fz, Vec y, const double *x, double h, int use_tanh,
                   lrs_err_t *err)
{
    PetscScalar *zz, *yy;
    PetscInt n, i;
    int rc = LRS_OK;
    if (use_tanh) {
        PetscScalar *f;
        SP_TRY(VecCopy(z, fz), "step");
        SP_TRY(VecGetLocalSize(fz, &n), "step");
        SP_TRY(VecGetArray(fz, &f), "step");
        for (i = 0; i < n; i++)
            f[i] = tanh(f[i]);
        SP_TRY(VecRestoreArray(fz, &f), "step");
        SP_TRY(MatMult(W, fz, y), "W f(z)");
    } else {
        SP_TRY(MatMult(W, z, y), "W z");
    }
    SP_TRY(VecGetLocalSize(z, &n), "step");
    SP_TRY(VecGetArray(z, &zz), "step");
    SP_TRY(VecGetArray(y, &yy), "step");
    for (i = 0; i < n; i++)
        zz[i] += h * (-zz[i] + yy[i] + x[i]);
    SP_TRY(VecRestoreArray(y, &yy), "step");
    SP_TRY(VecRestoreArray(z, &zz), "step");
done:
    return rc;
}

/* The time loop: noise blocks (every rank draws all N channels in the
 * generator's fixed order and keeps its rows), Euler steps, projections
 * d_j . z by one VecMDot per step, Welford means and variances. */
static int sp_run(const lrs_sparse_mat_t *W, Vec *D, size_t nd, const lrs_sparse_sim_opts_t *so,
                  double *var, size_t *steps_out, size_t *samples_out, lrs_err_t *err)
{
    size_t N = W->n, steps = (size_t)llround(so->T / so->dt), n, j, b, cnt = 0;
    size_t block = so->block ? so->block : (size_t)fmax(1.0, fmin(64.0, 8e6 / (double)N));
    double discard = so->discard >= 0 ? so->discard : 10 * (so->tau + so->taux);
    double *mean = calloc(nd, sizeof *mean), *m2 = calloc(nd, sizeof *m2);
    PetscScalar *proj = calloc(nd, sizeof *proj);
    gsl_rng *rng = la_rng_alloc(gsl_rng_mt19937);
    lrs_noise_t *nz = NULL;
    gsl_matrix *X = NULL;
    Vec z = NULL, fz = NULL, y = NULL;
    PetscInt lo, hi;
    int rc = LRS_OK;
    if (!mean || !m2 || !proj || !rng) {
        rc = lrs_err_set(err, LRS_ENOMEM, "simulation: out of memory");
        goto done;
    }
    gsl_rng_set(rng, so->seed);
    if ((rc = lrs_noise_alloc(&nz, N, so->taux, so->sigmax, so->dt, rng, err)))
        goto done;
    if (!(X = la_matrix_alloc(block, N))) {
        rc = lrs_err_set(err, LRS_ENOMEM, "simulation: out of memory for %zu x %zu input block",
                         block, N);
        goto done;
    }
    SP_TRY(MatCreateVecs(W->A, &z, &y), "simulation");
    SP_TRY(VecDuplicate(z, &fz), "simulation");
    SP_TRY(VecGetOwnershipRange(z, &lo, &hi), "simulation");
    if (sp_vec_hash(z, so->seed, 400, 1)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "simulation: initial state");
        goto done;
    }
    SP_TRY(VecScale(z, 0.1), "simulation");
    for (n = 0; n < steps; n += block) {
        size_t nb = steps - n < block ? steps - n : block;
        gsl_matrix_view Xb = gsl_matrix_submatrix(X, 0, 0, nb, N);
        if ((rc = lrs_noise_fill(nz, &Xb.matrix, err)))
            goto done;
        for (b = 0; b < nb; b++) {
            if ((rc = sp_step(W->A, z, fz, y, gsl_matrix_ptr(X, b, (size_t)lo), so->dt / so->tau,
                              so->tanh, err)))
                goto done;
            if ((double)(n + b + 1) * so->dt < discard)
                continue;
            SP_TRY(VecMDot(z, (PetscInt)nd, D, proj), "projections");
            cnt++;
            for (j = 0; j < nd; j++) {
                double d = (double)proj[j] - mean[j];
                mean[j] += d / (double)cnt;
                m2[j] += d * ((double)proj[j] - mean[j]);
            }
        }
        if (!isfinite(mean[0]) || !isfinite(m2[0])) {
            rc = lrs_err_set(err, LRS_EDIVERGE, "simulation diverged before t = %g",
                             (double)(n + nb) * so->dt);
            goto done;
        }
    }
    if (cnt < 2) {
        rc = lrs_err_set(err, LRS_EINVAL, "simulation: --discard %g leaves %zu samples of T = %g",
                         discard, cnt, so->T);
        goto done;
    }
    for (j = 0; j < nd; j++)
        var[j] = m2[j] / (double)(cnt - 1);
    *steps_out = steps;
    *samples_out = cnt;
done:
    free(mean);
    free(m2);
    free(proj);
    lrs_noise_free(nz);
    if (rng)
        gsl_rng_free(rng);
    if (X)
        gsl_matrix_free(X);
    if (z)
        VecDestroy(&z);
    if (fz)
        VecDestroy(&fz);
    if (y)
        VecDestroy(&y);
    return rc;
}

int lrs_sparse_simulate(const lrs_sparse_mat_t *W, const lrs_sparse_svals_t *top,
                        const lrs_sparse_sim_opts_t *so, const lrs_sparse_opts_t *opts,
                        lrs_sparse_sim_t *out, lrs_err_t *err)
{
    lrs_sparse_sim_opts_t s = so ? *so : lrs_sparse_sim_opts_default();
    Vec *D = NULL;
    Mat IW = NULL;
    double *var = NULL, *th = NULL, t0 = lrs_wall_seconds();
    size_t k;
    int rc = LRS_OK;
    (void)opts;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_simulate: out is NULL");
    memset(out, 0, sizeof *out);
    if (!W || !top || !top->U || top->nconv < 1)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_simulate: need top singular vectors of W");
    if (!(s.T > 0 && s.dt > 0 && s.tau > 0 && s.taux > 0 && s.sigmax >= 0))
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_simulate: T %g, dt %g, tau %g, taux %g, "
                           "sigmax %g; expected positive", s.T, s.dt, s.tau, s.taux, s.sigmax);
    k = s.k && s.k < top->nconv ? s.k : top->nconv;
    out->k = k;
    var = calloc(2 * k, sizeof *var);
    th = calloc(2 * k, sizeof *th);
    out->theory_resid = calloc(2 * k, sizeof *out->theory_resid);
    if (!var || !th || !out->theory_resid) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_simulate: out of memory");
        goto done;
    }
    if ((rc = sp_directions(top, k, s.seed, &D, err)) ||
        (rc = sp_run(W, D, 2 * k, &s, var, &out->steps, &out->samples, err)) ||
        (rc = sp_shifted(W, 1.0, &IW, err)) ||
        (rc = sp_theory(IW, D, 2 * k, s.sigmax * s.sigmax, th, out->theory_resid, err)))
        goto done;
    out->var_top = var;
    out->theory_top = th;
    out->var_rand = malloc(k * sizeof *out->var_rand);
    out->theory_rand = malloc(k * sizeof *out->theory_rand);
    if (!out->var_rand || !out->theory_rand) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_simulate: out of memory");
        goto done;
    }
    memcpy(out->var_rand, var + k, k * sizeof *var);
    memcpy(out->theory_rand, th + k, k * sizeof *th);
    var = th = NULL;
    out->wall = lrs_wall_seconds() - t0;
done:
    if (var != out->var_top)
        free(var);
    if (th != out->theory_top)
        free(th);
    if (D)
        VecDestroyVecs((PetscInt)(2 * k), &D);
    if (IW)
        MatDestroy(&IW);
    rc = sp_agree(rc, err);
    if (rc)
        lrs_sparse_sim_free(out);
    return rc;
}
