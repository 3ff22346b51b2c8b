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

/* The solver of one extreme eigenvalue problem: Krylov-Schur with the
 * iteration budget, or LAPACK when the order is within the basis size. */
static int sp_eps_setup(EPS eps, Mat A, int hermitian, Vec v0, size_t n, size_t k, size_t ncv,
                        const lrs_sparse_opts_t *o, sp_budget_t *b, lrs_err_t *err)
{
    int rc = LRS_OK;
    b->budget = (PetscInt)o->max_it;
    b->tol = o->tol;
    SP_TRY(EPSSetOperators(eps, A, NULL), "EPSSetOperators");
    SP_TRY(EPSSetProblemType(eps, hermitian ? EPS_HEP : EPS_NHEP), "EPSSetProblemType");
    SP_TRY(EPSSetType(eps, sp_use_dense(n, o) ? EPSLAPACK : EPSKRYLOVSCHUR), "EPSSetType");
    SP_TRY(EPSSetWhichEigenpairs(eps, EPS_LARGEST_REAL), "EPSSetWhichEigenpairs");
    SP_TRY(EPSSetDimensions(eps, (PetscInt)k, (PetscInt)ncv, PETSC_DEFAULT), "EPSSetDimensions");
    SP_TRY(EPSSetTolerances(eps, o->tol, (PetscInt)o->max_it + 1), "EPSSetTolerances");
    SP_TRY(EPSSetInitialSpace(eps, 1, &v0), "EPSSetInitialSpace");
done:
    return rc;
}

/* The budget goes on Krylov-Schur (LAPACK, or another type chosen by a
 * PETSc option, keeps its own tests). */
static int sp_eps_budget(EPS eps, sp_budget_t *b, lrs_err_t *err)
{
    PetscBool ks = PETSC_FALSE;
    int rc = LRS_OK;
    SP_TRY(PetscObjectTypeCompare((PetscObject)eps, EPSKRYLOVSCHUR, &ks), "EPS type");
    if (ks)
        rc = sp_budget_attach(eps, b, err);
done:
    return rc;
}

/* ||A x - lambda x|| / |lambda| for pair i (absolute when lambda = 0). */
static int sp_eps_resid(EPS eps, PetscInt i, double *re, double *im, double *resid,
                        lrs_err_t *err)
{
    PetscScalar kr, ki;
    PetscReal e;
    int rc = LRS_OK;
    SP_TRY(EPSGetEigenvalue(eps, i, &kr, &ki), "EPSGetEigenvalue");
    SP_TRY(EPSComputeError(eps, i, SlepcAbsEigenvalue(kr, ki) > 0 ? EPS_ERROR_RELATIVE
                                                                   : EPS_ERROR_ABSOLUTE, &e),
           "EPSComputeError");
    *re = (double)kr;
    *im = (double)ki;
    *resid = (double)e;
done:
    return rc;
}

/* k rightmost eigenpairs of W: Krylov-Schur, largest real part; those
 * accepted when the budget ran out are flagged. */
static int sp_rightmost(const lrs_sparse_mat_t *W, size_t k, const lrs_sparse_opts_t *o,
                        lrs_sparse_stability_t *out, lrs_err_t *err)
{
    EPS eps = NULL;
    Vec v0 = NULL;
    sp_budget_t b = {0};
    PetscInt nconv, its, i;
    int rc = LRS_OK, ok = 1;
    SP_TRY(MatCreateVecs(W->A, &v0, NULL), "start vector");
    if (sp_vec_hash(v0, o->seed, 2, 1)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "eigenvalues: start vector");
        goto done;
    }
    SP_TRY(EPSCreate(PETSC_COMM_WORLD, &eps), "EPSCreate");
    if ((rc = sp_eps_setup(eps, W->A, 0, v0, W->n, k, o->ncv, o, &b, err)))
        goto done;
    SP_TRY(EPSSetFromOptions(eps), "EPS options");
    if ((rc = sp_eps_budget(eps, &b, err)))
        goto done;
    SP_TRY(EPSSolve(eps), "EPSSolve (rightmost eigenvalues)");
    SP_TRY(EPSGetConverged(eps, &nconv), "EPSGetConverged");
    SP_TRY(EPSGetIterationNumber(eps, &its), "EPSGetIterationNumber");
    out->iterations = (size_t)its;
    if ((size_t)nconv < k) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "eigenvalues: %ld of %zu rightmost eigenvalues "
                         "converged in %ld iterations (raise --ncv or --max-it)", (long)nconv, k,
                         (long)its);
        goto done;
    }
    for (i = 0; i < (PetscInt)k; i++) {
        if ((rc = sp_eps_resid(eps, i, &out->re[i], &out->im[i], &out->resid[i], err)))
            goto done;
        ok = ok && sp_budget_converged(&b, (size_t)i, out->resid[i]);
        out->nconv += (size_t)ok;
    }
    out->converged = out->nconv >= k;
done:
    if (eps)
        EPSDestroy(&eps);
    if (v0)
        VecDestroy(&v0);
    return rc;
}

/* lambda_max(H) by Lanczos (Krylov-Schur on the Hermitian shell); an
 * estimate accepted when the budget ran out is flagged (abscissa_converged
 * = 0) and then gives no bound. */
static int sp_abscissa(const lrs_sparse_mat_t *W, const lrs_sparse_opts_t *o,
                       lrs_sparse_stability_t *out, lrs_err_t *err)
{
    EPS eps = NULL;
    Mat H = NULL;
    Vec v0 = NULL;
    sp_sym_t ctx = {W->A, NULL};
    sp_budget_t b = {0};
    PetscInt nconv, lo, hi, its;
    double im;
    int rc = LRS_OK;
    SP_TRY(MatCreateVecs(W->A, &v0, &ctx.t), "numerical abscissa");
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
    if ((rc = sp_eps_setup(eps, H, 1, v0, W->n, 1, o->ncv < 20 ? o->ncv : 20, o, &b, err)))
        goto done;
    SP_TRY(EPSSetOptionsPrefix(eps, "abscissa_"), "EPS prefix");
    SP_TRY(EPSSetFromOptions(eps), "EPS options");
    if ((rc = sp_eps_budget(eps, &b, err)))
        goto done;
    SP_TRY(EPSSolve(eps), "EPSSolve (numerical abscissa)");
    SP_TRY(EPSGetConverged(eps, &nconv), "EPSGetConverged");
    SP_TRY(EPSGetIterationNumber(eps, &its), "EPSGetIterationNumber");
    out->abscissa_iterations = (size_t)its;
    if (nconv < 1) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "numerical abscissa: Lanczos did not converge "
                         "(raise --ncv or --max-it)");
        goto done;
    }
    /* relative residual ||H x - omega x|| / |omega|; the bound needs it absolute */
    if ((rc = sp_eps_resid(eps, 0, &out->abscissa, &im, &out->abscissa_resid, err)))
        goto done;
    if (out->abscissa != 0)
        out->abscissa_resid *= fabs(out->abscissa);
    out->abscissa_bound = out->abscissa + out->abscissa_resid;
    out->abscissa_converged = sp_budget_converged(&b, 0, out->abscissa_resid /
                                                  (out->abscissa != 0 ? fabs(out->abscissa) : 1));
done:
    if (eps)
        EPSDestroy(&eps);
    if (H)
        MatDestroy(&H);
    if (v0)
        VecDestroy(&v0);
    if (ctx.t)
        VecDestroy(&ctx.t);
    return rc;
}

int lrs_sparse_stability(const lrs_sparse_mat_t *W, size_t k, const lrs_sparse_opts_t *opts,
                         lrs_sparse_stability_t *out, lrs_err_t *err)
{
    lrs_sparse_opts_t o;
    int rc = LRS_OK;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_stability: out is NULL");
    memset(out, 0, sizeof *out);
    if (!W || k > W->n)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_stability: k is %zu; expected 0..%zu",
                           k, W ? W->n : 0);
    o = sp_opts(opts, W->n, k);
    out->k = k;
    out->tol = o.tol;
    out->re = calloc(k + 1, sizeof *out->re);
    out->im = calloc(k + 1, sizeof *out->im);
    out->resid = calloc(k + 1, sizeof *out->resid);
    if (!out->re || !out->im || !out->resid) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_stability: out of memory");
        goto done;
    }
    if ((rc = sp_gershgorin(W->A, &out->gershgorin, err)))
        goto done;
    if ((rc = sp_abscissa(W, &o, out, err)))
        goto done;
    if (k && (rc = sp_rightmost(W, k, &o, out, err)))
        goto done;
    out->stable_for_sure = (out->abscissa_converged && out->abscissa_bound < 1) ||
                           out->gershgorin < 1;
done:
    rc = sp_agree(rc, err);
    if (rc)
        lrs_sparse_stability_free(out);
    return rc;
}
