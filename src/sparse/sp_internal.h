/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_internal.h -- shared plumbing of the sparse module (the files of src/sparse);
 * not installed.  PETSc types live here only, never in lrs/sparse.h.
 */
#ifndef LRS_SP_INTERNAL_H
#define LRS_SP_INTERNAL_H

#include <slepcsvd.h>
#include <slepceps.h>
#include "lrs/sparse.h"

struct lrs_sparse_mat {
    Mat A;              /* MPIAIJ (AIJ on one rank), rows in P blocks */
    size_t n, nnz;
    double frob2, trace;
};

struct lrs_sparse_vecs {
    Vec *v;
    size_t n;
};

/* err <- "WHAT: PETSc error CODE (PETSc's text)"; returns LRS_ENUMERIC (or
 * LRS_ENOMEM for PETSC_ERR_MEM). */
int sp_petsc_fail(lrs_err_t *err, PetscErrorCode ierr, const char *what);

/* Run a PETSc call inside a function with `int rc` and a `done:` label. */
#define SP_TRY(call, what)                                   \
    do {                                                     \
        PetscErrorCode ierr_ = (call);                       \
        if (ierr_) {                                         \
            rc = sp_petsc_fail(err, ierr_, (what));          \
            goto done;                                       \
        }                                                    \
    } while (0)

/* The deterministic start / probe vector of stream `stream`: entry i (global
 * index) is a function of (seed, stream, i) only, so it is the same for any
 * number of ranks.  kind 0: Rademacher +-1; kind 1: standard normal. */
int sp_vec_hash(Vec v, unsigned long seed, unsigned long stream, int kind);

/* Identical error record on every rank: the lowest failing rank's. */
int sp_agree(int rc, lrs_err_t *err);

/* Resolve defaults of opts (NULL allowed) for order n and k wanted. */
lrs_sparse_opts_t sp_opts(const lrs_sparse_opts_t *opts, size_t n, size_t k);

/* The iteration budget of one Krylov solve (sp_budget.c): after `budget`
 * restarts the current Ritz values are accepted as flagged estimates. */
typedef struct {
    PetscInt budget;  /* restarts allowed (opts max_it) */
    PetscReal tol;    /* relative residual tolerance */
    PetscInt its;     /* restarts done */
    PetscInt nconv;   /* values that met tol before the budget ran out */
    int forced;       /* the budget ran out: estimates were accepted */
} sp_budget_t;
/* Install the budget's convergence test (relative residual, as SLEPc's
 * EPS_CONV_REL, every value accepted in restart `budget`) and stopping test
 * on eps; b->budget and b->tol set by the caller, b must outlive the solve. */
int sp_budget_attach(EPS eps, sp_budget_t *b, lrs_err_t *err);
/* Value i (with its recomputed residual) met the tolerance. */
int sp_budget_converged(const sp_budget_t *b, size_t i, double resid);
/* Order n is at most the Krylov basis size: a Krylov space would be the
 * whole space (SLEPc breaks down on such invariant subspaces, e.g. a
 * 3-node path), so SLEPc's dense LAPACK solvers compute the same
 * quantities; the n x n array is no larger than the Krylov projection. */
int sp_use_dense(size_t n, const lrs_sparse_opts_t *o);

/* Keeps sp_lsan.c (sanitizer settings for OpenMPI) in static links. */
void sp_lsan_link(void);

/* B = shift I - W as a new AIJ matrix (shift = 0: -W is not wanted, so B = W). */
int sp_shifted(const lrs_sparse_mat_t *W, double shift, Mat *B, lrs_err_t *err);

#endif
