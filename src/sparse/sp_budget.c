/*
 * sp_budget.c -- the iteration budget of the Krylov solves and the dense
 * solvers of tiny problems (see sp_internal.h).
 *
 * Why a budget: the extreme singular values of a graph without structure
 * (random i, j, weight) sit at the edge of a continuous bulk, where the gap
 * to the next value shrinks like N^(-2/3) of the spectral width; restarted
 * Lanczos (Krylov-Schur) then needs thousands of products to meet a
 * residual tolerance of 1e-6, and SLEPc's own iteration limit grows like
 * N / ncv.  The rightmost eigenvalue of such a W sits on the rim of a disc
 * of eigenvalues (circular law) and may never converge.  After `budget`
 * restarts the current Ritz values are therefore accepted and reported as
 * flagged estimates with the residuals they reached: Ritz values of a
 * Hermitian operator always lie within ||r|| of an eigenvalue, so the
 * achieved residual is itself an error bar.
 */
#include "sp_internal.h"

#include <math.h>

/* ||r|| / |lambda| (SLEPc's EPS_CONV_REL), or ||r|| when lambda = 0; in
 * the restart after the budget ran out, every value passes (errest 0) and
 * the solve is marked forced. */
static PetscErrorCode sp_budget_conv(EPS eps, PetscScalar er, PetscScalar ei, PetscReal res,
                                     PetscReal *errest, void *ctx)
{
    sp_budget_t *b = ctx;
    PetscReal mag = SlepcAbsEigenvalue(er, ei);
    (void)eps;
    *errest = mag > 0 ? res / mag : res;
    if (b->its + 1 >= b->budget && *errest >= b->tol) {
        b->forced = 1;
        *errest = 0;
    }
    return 0;
}

/* Records the restart count and, until the budget runs out, how many
 * values met tol; stops when nev values are accepted or at max_it. */
static PetscErrorCode sp_budget_stop(EPS eps, PetscInt its, PetscInt max_it, PetscInt nconv,
                                     PetscInt nev, EPSConvergedReason *reason, void *ctx)
{
    sp_budget_t *b = ctx;
    (void)eps;
    b->its = its;
    if (!b->forced)
        b->nconv = nconv;
    *reason = nconv >= nev ? EPS_CONVERGED_TOL
              : its >= max_it ? EPS_DIVERGED_ITS : EPS_CONVERGED_ITERATING;
    return 0;
}

int sp_budget_attach(EPS eps, sp_budget_t *b, lrs_err_t *err)
{
    int rc = LRS_OK;
    b->its = b->nconv = 0;
    b->forced = 0;
    SP_TRY(EPSSetConvergenceTestFunction(eps, sp_budget_conv, b, NULL), "iteration budget");
    SP_TRY(EPSSetStoppingTestFunction(eps, sp_budget_stop, b, NULL), "iteration budget");
done:
    return rc;
}

int sp_budget_converged(const sp_budget_t *b, size_t i, double resid)
{
    return !b->forced || (PetscInt)i < b->nconv || resid < b->tol;
}

int sp_use_dense(size_t n, const lrs_sparse_opts_t *o)
{
    return n <= o->ncv;
}
