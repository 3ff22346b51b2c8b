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

/* Keeps sp_lsan.c (sanitizer settings for OpenMPI) in static links. */
void sp_lsan_link(void);

/* B = shift I - W as a new AIJ matrix (shift = 0: -W is not wanted, so B = W). */
int sp_shifted(const lrs_sparse_mat_t *W, double shift, Mat *B, lrs_err_t *err);

#endif
