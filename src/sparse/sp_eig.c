/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_eig.c -- rightmost eigenvalues of W and the numerical abscissa bound
 * (see lrs/sparse.h).
 */
#include "sp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lrs_sparse_stability_free(lrs_sparse_stability_t *s)
{
    if (s) {
        free(s->re);
        free(s->im);
        free(s->resid);
        memset(s, 0, sizeof *s);
    }
}

/* H x = (W x + W^T x) / 2 as a shell operator: two sparse products. */
typedef struct { Mat W; Vec t; } sp_sym_t;

static PetscErrorCode sp_sym_mult(Mat H, Vec x, Vec y)
{
    sp_sym_t *c;
    PetscErrorCode ierr;
    if ((ierr = MatShellGetContext(H, &c)) || (ierr = MatMult(c->W, x, y)) ||
        (ierr = MatMultTranspose(c->W, x, c->t)) || (ierr = VecAXPY(y, 1.0, c->t)))
        return ierr;
    return VecScale(y, 0.5);
}

/* Gershgorin bound of H = (W + W^T)/2: max_i H_ii + sum_{j != i} |H_ij|,
 * with the off-diagonal absolute row sums of H bounded by
 * (row sum |W_ij| + column sum |W_ji|) / 2 over j != i.  Exact arithmetic
 * on the entries: O(nnz) plus one reduction of an N-vector. */
static int sp_gershgorin(Mat W, double *bound, lrs_err_t *err)
{
    Vec rs = NULL, cs = NULL, d = NULL;
    PetscInt lo, hi, i, nc;
    const PetscInt *cols;
    const PetscScalar *vals;
    PetscReal mx;
    PetscInt N;
    int rc = LRS_OK;
    SP_TRY(MatCreateVecs(W, &cs, &rs), "Gershgorin");
    SP_TRY(VecDuplicate(rs, &d), "Gershgorin");
    SP_TRY(MatGetSize(W, &N, NULL), "Gershgorin");
    SP_TRY(MatGetOwnershipRange(W, &lo, &hi), "Gershgorin");
    SP_TRY(MatGetDiagonal(W, d), "Gershgorin");
    SP_TRY(VecSet(rs, 0.0), "Gershgorin");
    SP_TRY(VecSet(cs, 0.0), "Gershgorin");
    /* |W| row sums without the diagonal; column sums through |W|^T 1 */
    for (i = lo; i < hi; i++) {
        PetscInt q;
        PetscScalar sum = 0;
        SP_TRY(MatGetRow(W, i, &nc, &cols, &vals), "Gershgorin");
        for (q = 0; q < nc; q++)
            if (cols[q] != i)
                sum += fabs(vals[q]);
        SP_TRY(MatRestoreRow(W, i, &nc, &cols, &vals), "Gershgorin");
        SP_TRY(VecSetValue(rs, i, sum, INSERT_VALUES), "Gershgorin");
        SP_TRY(MatGetRow(W, i, &nc, &cols, &vals), "Gershgorin");
        for (q = 0; q < nc; q++)
            if (cols[q] != i)
                SP_TRY(VecSetValue(cs, cols[q], fabs(vals[q]), ADD_VALUES), "Gershgorin");
        SP_TRY(MatRestoreRow(W, i, &nc, &cols, &vals), "Gershgorin");
    }
    SP_TRY(VecAssemblyBegin(rs), "Gershgorin");
    SP_TRY(VecAssemblyEnd(rs), "Gershgorin");
    SP_TRY(VecAssemblyBegin(cs), "Gershgorin");
    SP_TRY(VecAssemblyEnd(cs), "Gershgorin");
    SP_TRY(VecAXPY(rs, 1.0, cs), "Gershgorin");
    SP_TRY(VecAYPX(rs, 0.5, d), "Gershgorin"); /* d + (rs + cs)/2 */
    SP_TRY(VecMax(rs, NULL, &mx), "Gershgorin");
    *bound = (double)mx;
done:
    if (rs)
        VecDestroy(&rs);
    if (cs)
        VecDestroy(&cs);
    if (d)
        VecDestroy(&d);
    return rc;
}

/* k rightmost eigenpairs of W: Krylov-Schur, largest real part. */
static int sp_rightmost(const lrs_sparse_mat_t *W, size_t k, const lrs_sparse_opts_t *o,
                        lrs_sparse_stability_t *out, lrs_err_t *err)
{
    EPS eps = NULL;
    Vec v0 = NULL;
    PetscInt nconv, its, i;
    int rc = LRS_OK;
    SP_TRY(MatCreateVecs(W->A, &v0, NULL), "start vector");
    if (sp_vec_hash(v0, o->seed, 2, 1)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "eigenvalues: start vector");
        goto done;
    }
    SP_TRY(EPSCreate(PETSC_COMM_WORLD, &eps), "EPSCreate");
    SP_TRY(EPSSetOperators(eps, W->A, NULL), "EPSSetOperators");
    SP_TRY(EPSSetProblemType(eps, EPS_NHEP), "EPSSetProblemType");
    SP_TRY(EPSSetType(eps, EPSKRYLOVSCHUR), "EPSSetType");
    SP_TRY(EPSSetWhichEigenpairs(eps, EPS_LARGEST_REAL), "EPSSetWhichEigenpairs");
    SP_TRY(EPSSetDimensions(eps, (PetscInt)k, (PetscInt)o->ncv, PETSC_DEFAULT), "EPSSetDimensions");
    SP_TRY(EPSSetTolerances(eps, o->tol, o->max_it ? (PetscInt)o->max_it : PETSC_DEFAULT),
           "EPSSetTolerances");
    SP_TRY(EPSSetInitialSpace(eps, 1, &v0), "EPSSetInitialSpace");
    SP_TRY(EPSSetFromOptions(eps), "EPS options");
    SP_TRY(EPSSolve(eps), "EPSSolve (rightmost eigenvalues)");
    SP_TRY(EPSGetConverged(eps, &nconv), "EPSGetConverged");
    SP_TRY(EPSGetIterationNumber(eps, &its), "EPSGetIterationNumber");
    out->nconv = (size_t)nconv < k ? (size_t)nconv : k;
    out->converged = (size_t)nconv >= k;
    out->iterations = (size_t)its;
    for (i = 0; i < (PetscInt)out->nconv; i++) {
        PetscScalar kr, ki;
        PetscReal e;
        SP_TRY(EPSGetEigenvalue(eps, i, &kr, &ki), "EPSGetEigenvalue");
        SP_TRY(EPSComputeError(eps, i, EPS_ERROR_RELATIVE, &e), "EPSComputeError");
        out->re[i] = (double)kr;
        out->im[i] = (double)ki;
        out->resid[i] = (double)e;
    }
done:
    if (eps)
        EPSDestroy(&eps);
    if (v0)
        VecDestroy(&v0);
    return rc;
}

/* lambda_max(H) by Lanczos (Krylov-Schur on the Hermitian shell). */
static int sp_abscissa(const lrs_sparse_mat_t *W, const lrs_sparse_opts_t *o,
                       lrs_sparse_stability_t *out, lrs_err_t *err)
{
    EPS eps = NULL;
    Mat H = NULL;
    Vec v0 = NULL, x = NULL;
    sp_sym_t ctx = {W->A, NULL};
    PetscInt nconv, lo, hi;
    PetscScalar th;
    PetscReal e;
    int rc = LRS_OK;
    SP_TRY(MatCreateVecs(W->A, &v0, &ctx.t), "numerical abscissa");
    SP_TRY(VecDuplicate(v0, &x), "numerical abscissa");
    SP_TRY(MatGetLocalSize(W->A, &lo, &hi), "numerical abscissa");
    SP_TRY(MatCreateShell(PETSC_COMM_WORLD, lo, hi, (PetscInt)W->n, (PetscInt)W->n, &ctx, &H),
           "numerical abscissa");
    SP_TRY(MatShellSetOperation(H, MATOP_MULT, (void (*)(void))sp_sym_mult), "numerical abscissa");
    SP_TRY(MatSetOption(H, MAT_SYMMETRIC, PETSC_TRUE), "numerical abscissa");
    if (sp_vec_hash(v0, o->seed, 3, 1)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "numerical abscissa: start vector");
        goto done;
    }
    SP_TRY(EPSCreate(PETSC_COMM_WORLD, &eps), "EPSCreate");
    SP_TRY(EPSSetOperators(eps, H, NULL), "EPSSetOperators");
    SP_TRY(EPSSetProblemType(eps, EPS_HEP), "EPSSetProblemType");
    SP_TRY(EPSSetWhichEigenpairs(eps, EPS_LARGEST_REAL), "EPSSetWhichEigenpairs");
    SP_TRY(EPSSetDimensions(eps, 1, o->ncv < 20 ? (PetscInt)o->ncv : 20, PETSC_DEFAULT),
           "EPSSetDimensions");
    SP_TRY(EPSSetTolerances(eps, o->tol, o->max_it ? (PetscInt)o->max_it : PETSC_DEFAULT),
           "EPSSetTolerances");
    SP_TRY(EPSSetInitialSpace(eps, 1, &v0), "EPSSetInitialSpace");
    SP_TRY(EPSSetOptionsPrefix(eps, "abscissa_"), "EPS prefix");
    SP_TRY(EPSSetFromOptions(eps), "EPS options");
    SP_TRY(EPSSolve(eps), "EPSSolve (numerical abscissa)");
    SP_TRY(EPSGetConverged(eps, &nconv), "EPSGetConverged");
    out->abscissa_converged = nconv >= 1;
    if (nconv < 1) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "numerical abscissa: Lanczos did not converge "
                         "(raise --ncv or --max-it)");
        goto done;
    }
    SP_TRY(EPSGetEigenpair(eps, 0, &th, NULL, x, NULL), "EPSGetEigenpair");
    SP_TRY(EPSComputeError(eps, 0, EPS_ERROR_ABSOLUTE, &e), "EPSComputeError");
    out->abscissa = (double)th;
    out->abscissa_resid = (double)e;
    out->abscissa_bound = (double)th + (double)e;
done:
    if (eps)
        EPSDestroy(&eps);
    if (H)
        MatDestroy(&H);
    if (v0)
        VecDestroy(&v0);
    if (x)
        VecDestroy(&x);
    if (ctx.t)
        VecDestroy(&ctx.t);
    return rc;
}

int lrs_sparse_stability(const lrs_sparse_mat_t *W, size_t k, const lrs_sparse_opts_t *opts,
                         lrs_sparse_stability_t *out, lrs_err_t *err)
{
    lrs_sparse_opts_t o;
    int rc = LRS_OK, rc2;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_stability: out is NULL");
    memset(out, 0, sizeof *out);
    if (!W || k > W->n)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_stability: k is %zu; expected 0..%zu",
                           k, W ? W->n : 0);
    o = sp_opts(opts, W->n, k);
    out->k = k;
    out->re = calloc(k + 1, sizeof *out->re);
    out->im = calloc(k + 1, sizeof *out->im);
    out->resid = calloc(k + 1, sizeof *out->resid);
    if (!out->re || !out->im || !out->resid) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_stability: out of memory");
        goto done;
    }
    if ((rc = sp_gershgorin(W->A, &out->gershgorin, err)))
        goto done;
    if ((rc = sp_abscissa(W, &o, out, err)) && rc != LRS_ENUMERIC)
        goto done;
    rc2 = k ? sp_rightmost(W, k, &o, out, rc ? NULL : err) : LRS_OK;
    if (rc == LRS_OK && rc2 == LRS_OK && k && !out->converged)
        rc2 = lrs_err_set(err, LRS_ENUMERIC, "eigenvalues: %zu of %zu rightmost eigenvalues "
                          "converged in %zu iterations (raise --ncv or --max-it)", out->nconv,
                          k, out->iterations);
    rc = rc ? rc : rc2;
    out->stable_for_sure = (out->abscissa_converged && out->abscissa_bound < 1) ||
                           out->gershgorin < 1;
done:
    rc = sp_agree(rc, err);
    if (rc && rc != LRS_ENUMERIC)
        lrs_sparse_stability_free(out);
    return rc;
}
