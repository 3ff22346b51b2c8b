/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_svd.c -- extreme singular triplets of W and of I - W, overlap matrix of
 * the top-r part (see lrs/sparse.h).
 */
#include "sp_internal.h"
#include "../la_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_matrix.h>
#include "lrs/spectra.h"

void lrs_sparse_vecs_free(lrs_sparse_vecs_t *V)
{
    if (V) {
        if (V->v)
            VecDestroyVecs((PetscInt)V->n, &V->v);
        free(V);
    }
}

size_t lrs_sparse_vecs_count(const lrs_sparse_vecs_t *V) { return V ? V->n : 0; }

/* Gather a slice of one distributed vector on every rank: each rank copies
 * the part it owns into a zeroed buffer, then a sum-allreduce. */
int lrs_sparse_vecs_get(const lrs_sparse_vecs_t *V, size_t j, size_t first, size_t n,
                        double *out, lrs_err_t *err)
{
    PetscInt lo, hi, N, i;
    const PetscScalar *a = NULL;
    double *tmp = NULL;
    int rc = LRS_OK;
    if (!V || !out || j >= V->n)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_vecs_get: vector %zu of %zu", j,
                           V ? V->n : 0);
    SP_TRY(VecGetSize(V->v[j], &N), "vector size");
    if (first + n > (size_t)N) {
        rc = lrs_err_set(err, LRS_EINVAL, "lrs_sparse_vecs_get: entries %zu..%zu of %ld",
                         first, first + n, (long)N);
        goto done;
    }
    if (!(tmp = calloc(n ? n : 1, sizeof *tmp))) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_vecs_get: out of memory");
        goto done;
    }
    SP_TRY(VecGetOwnershipRange(V->v[j], &lo, &hi), "ownership");
    SP_TRY(VecGetArrayRead(V->v[j], &a), "vector");
    for (i = lo; i < hi; i++)
        if ((size_t)i >= first && (size_t)i < first + n)
            tmp[(size_t)i - first] = a[i - lo];
    SP_TRY(VecRestoreArrayRead(V->v[j], &a), "vector");
    (void)MPI_Allreduce(tmp, out, (int)n, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
done:
    free(tmp);
    return sp_agree(rc, err);
}

void lrs_sparse_svals_free(lrs_sparse_svals_t *s)
{
    if (s) {
        free(s->sigma);
        free(s->resid);
        lrs_sparse_vecs_free(s->U);
        lrs_sparse_vecs_free(s->V);
        memset(s, 0, sizeof *s);
    }
}

static int sp_vecs_alloc(Mat A, int left, size_t k, lrs_sparse_vecs_t **out, lrs_err_t *err)
{
    lrs_sparse_vecs_t *V = calloc(1, sizeof *V);
    Vec t = NULL;
    int rc = LRS_OK;
    *out = NULL;
    if (!V)
        return lrs_err_set(err, LRS_ENOMEM, "singular vectors: out of memory");
    SP_TRY(MatCreateVecs(A, left ? NULL : &t, left ? &t : NULL), "singular vectors");
    SP_TRY(VecDuplicateVecs(t, (PetscInt)k, &V->v), "singular vectors");
    V->n = k;
    *out = V;
    V = NULL;
done:
    if (t)
        VecDestroy(&t);
    lrs_sparse_vecs_free(V);
    return rc;
}

/* Copy the solver's k triplets into out, each with its recomputed relative
 * residual; values accepted when the budget ran out are flagged (nconv
 * counts the leading values that met tol). */
static int sp_svd_collect(SVD svd, size_t k, int vectors, const char *what,
                          const sp_budget_t *b, lrs_sparse_svals_t *out, lrs_err_t *err)
{
    PetscInt nconv, its, i;
    int rc = LRS_OK, ok = 1;
    SP_TRY(SVDGetConverged(svd, &nconv), "SVDGetConverged");
    SP_TRY(SVDGetIterationNumber(svd, &its), "SVDGetIterationNumber");
    out->iterations = (size_t)its;
    if ((size_t)nconv < k) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: %ld of %zu converged to tol %g in %ld restarts "
                         "(raise --ncv or --max-it, or ask for fewer)", what, (long)nconv, k,
                         b->tol, (long)its);
        goto done;
    }
    for (i = 0; i < (PetscInt)k; i++) {
        PetscReal s, e;
        SP_TRY(SVDGetSingularTriplet(svd, i, &s, vectors ? out->U->v[i] : NULL,
                                     vectors ? out->V->v[i] : NULL), "SVDGetSingularTriplet");
        SP_TRY(SVDComputeError(svd, i, s > 0 ? SVD_ERROR_RELATIVE : SVD_ERROR_ABSOLUTE, &e),
               "SVDComputeError");
        out->sigma[i] = (double)s;
        out->resid[i] = (double)e;
        ok = ok && sp_budget_converged(b, (size_t)i, (double)e);
        out->nconv += (size_t)ok;
    }
    out->converged = out->nconv >= k;
done:
    return rc;
}

/* The solver: SLEPc's cross method with the iteration budget on its
 * eigensolver, or LAPACK when the order is within the basis size. */
static int sp_svd_setup(SVD svd, Mat A, Vec v0, size_t n, size_t k, lrs_sparse_end_t end,
                        const lrs_sparse_opts_t *o, sp_budget_t *b, lrs_err_t *err)
{
    PetscBool cross = PETSC_FALSE;
    EPS eps = NULL;
    int rc = LRS_OK;
    b->budget = (PetscInt)o->max_it;
    b->tol = o->tol;
    SP_TRY(SVDSetOperators(svd, A, NULL), "SVDSetOperators");
    SP_TRY(SVDSetType(svd, sp_use_dense(n, o) ? SVDLAPACK : SVDCROSS), "SVDSetType");
    SP_TRY(SVDSetWhichSingularTriplets(svd, end == LRS_SPARSE_SMALLEST ? SVD_SMALLEST : SVD_LARGEST),
           "SVDSetWhichSingularTriplets");
    SP_TRY(SVDSetDimensions(svd, (PetscInt)k, (PetscInt)o->ncv, PETSC_DEFAULT), "SVDSetDimensions");
    SP_TRY(SVDSetTolerances(svd, o->tol, (PetscInt)o->max_it + 1), "SVDSetTolerances");
    SP_TRY(SVDSetInitialSpaces(svd, 1, &v0, 0, NULL), "SVDSetInitialSpaces");
    SP_TRY(SVDSetFromOptions(svd), "SVD options");
    SP_TRY(SVDSetUp(svd), "SVDSetUp");
    /* after the set-up, which installs the standard relative test */
    SP_TRY(PetscObjectTypeCompare((PetscObject)svd, SVDCROSS, &cross), "SVD type");
    if (cross) {
        SP_TRY(SVDCrossGetEPS(svd, &eps), "SVDCrossGetEPS");
        rc = sp_budget_attach(eps, b, err);
    }
done:
    return rc;
}

int lrs_sparse_svd(const lrs_sparse_mat_t *W, double shift, size_t k, lrs_sparse_end_t end,
                   int vectors, const lrs_sparse_opts_t *opts, lrs_sparse_svals_t *out,
                   lrs_err_t *err)
{
    SVD svd = NULL;
    Mat A = NULL;
    Vec v0 = NULL;
    lrs_sparse_opts_t o;
    sp_budget_t b = {0};
    char what[64];
    int rc = LRS_OK;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_svd: out is NULL");
    memset(out, 0, sizeof *out);
    if (!W || k == 0 || k > W->n)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_svd: k is %zu; expected 1..%zu", k,
                           W ? W->n : 0);
    o = sp_opts(opts, W->n, k);
    out->k = k;
    out->tol = o.tol;
    out->sigma = calloc(k, sizeof *out->sigma);
    out->resid = calloc(k, sizeof *out->resid);
    if (!out->sigma || !out->resid) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_svd: out of memory");
        goto done;
    }
    if ((rc = sp_shifted(W, shift, &A, err)))
        goto done;
    if (vectors && ((rc = sp_vecs_alloc(A, 1, k, &out->U, err)) ||
                    (rc = sp_vecs_alloc(A, 0, k, &out->V, err))))
        goto done;
    SP_TRY(MatCreateVecs(A, &v0, NULL), "start vector");
    if (sp_vec_hash(v0, o.seed, 1, 1)) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_sparse_svd: start vector");
        goto done;
    }
    SP_TRY(SVDCreate(PETSC_COMM_WORLD, &svd), "SVDCreate");
    if ((rc = sp_svd_setup(svd, A, v0, W->n, k, end, &o, &b, err)))
        goto done;
    SP_TRY(SVDSolve(svd), "SVDSolve");
    snprintf(what, sizeof what, "%s singular values of %s",
             end == LRS_SPARSE_SMALLEST ? "smallest" : "largest",
             shift == 0 ? "W" : shift == 1 ? "I - W" : "s I - W");
    rc = sp_svd_collect(svd, k, vectors, what, &b, out, err);
done:
    if (svd)
        SVDDestroy(&svd);
    if (v0)
        VecDestroy(&v0);
    if (A)
        MatDestroy(&A);
    rc = sp_agree(rc, err);
    if (rc)
        lrs_sparse_svals_free(out);
    return rc;
}

/* P_ij = u_i . v_j: r^2 global dot products (VecMDot, one reduction per
 * row), then the r x r SVD by the dense library. */
int lrs_sparse_overlap(const lrs_sparse_svals_t *top, size_t r, double *P, double *sP,
                       lrs_err_t *err)
{
    gsl_matrix *G = NULL;
    gsl_vector *s = NULL;
    size_t i, j;
    int rc = LRS_OK;
    if (!top || !P || !top->U || !top->V || r == 0 || r > top->k)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_overlap: r is %zu; expected 1..%zu "
                           "with singular vectors", r, top ? top->k : 0);
    for (i = 0; i < r; i++) {
        PetscScalar row[64], *rp = r <= 64 ? row : malloc(r * sizeof *rp);
        if (!rp) {
            rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_overlap: out of memory");
            goto done;
        }
        if (VecMDot(top->U->v[i], (PetscInt)r, top->V->v, rp))
            rc = lrs_err_set(err, LRS_ENUMERIC, "lrs_sparse_overlap: dot products failed");
        for (j = 0; j < r && rc == LRS_OK; j++)
            P[i * r + j] = (double)rp[j];
        if (rp != row)
            free(rp);
        if (rc)
            goto done;
    }
    if (sP) {
        gsl_matrix_view Pv = gsl_matrix_view_array(P, r, r);
        G = la_matrix_alloc(r, r);
        s = la_vector_alloc(r);
        if (!G || !s) {
            rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_overlap: out of memory");
            goto done;
        }
        gsl_matrix_memcpy(G, &Pv.matrix);
        if ((rc = lrs_spectra_svd(G, s, NULL, NULL, err)))
            goto done;
        for (i = 0; i < r; i++)
            sP[i] = gsl_vector_get(s, i);
    }
done:
    if (G)
        gsl_matrix_free(G);
    if (s)
        gsl_vector_free(s);
    return sp_agree(rc, err);
}
