/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_core.c -- engine start-up, error translation, distribution of the
 * matrix over MPI ranks, PETSc binary files (see lrs/sparse.h).
 */
#include "sp_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int sp_verbose = 0;

/* PETSc writes through PetscVFPrintf; the library prints nothing unless the
 * caller asked for PETSc's own output. */
static PetscErrorCode sp_quiet_vfprintf(FILE *fd, const char fmt[], va_list ap)
{
    (void)fd;
    (void)fmt;
    (void)ap;
    return 0;
}

int sp_petsc_fail(lrs_err_t *err, PetscErrorCode ierr, const char *what)
{
    const char *text = NULL;
    PetscErrorMessage(ierr, &text, NULL);
    return lrs_err_set(err, ierr == PETSC_ERR_MEM ? LRS_ENOMEM : LRS_ENUMERIC,
                       "%s: PETSc error %d (%s)", what, (int)ierr, text ? text : "unknown");
}

int sp_agree(int rc, lrs_err_t *err)
{
    int rank = 0, size = 1, mine, first;
    (void)MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    (void)MPI_Comm_size(PETSC_COMM_WORLD, &size);
    mine = rc ? rank : size;
    (void)MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
    if (first == size)
        return LRS_OK;
    if (err) {
        if (rank == first)
            err->code = rc;
        (void)MPI_Bcast(err, (int)sizeof *err, MPI_BYTE, first, PETSC_COMM_WORLD);
        return err->code;
    } else {
        (void)MPI_Bcast(&rc, 1, MPI_INT, first, PETSC_COMM_WORLD);
        return rc;
    }
}

int lrs_sparse_init(int *argc, char ***argv, const char *options, int verbose,
                    lrs_err_t *err)
{
    PetscErrorCode ierr;
    PetscBool done = PETSC_FALSE;
    sp_lsan_link();
    SlepcInitialized(&done);
    if (done)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_init: already initialised");
    sp_verbose = verbose;
    if (!verbose)
        PetscVFPrintf = sp_quiet_vfprintf;
    if (options && *options) {
        ierr = PetscOptionsInsertString(NULL, options);
        if (ierr)
            return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_init: bad PETSc options '%s'",
                               options);
    }
    ierr = SlepcInitialize(argc, argv, NULL, NULL);
    if (ierr)
        return lrs_err_set(err, LRS_ENUMERIC, "lrs_sparse_init: SlepcInitialize failed (%d)",
                           (int)ierr);
    PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
    if (!verbose)
        PetscVFPrintf = sp_quiet_vfprintf;
    return LRS_OK;
}

int lrs_sparse_finalize(void)
{
    PetscBool done = PETSC_FALSE;
    SlepcInitialized(&done);
    if (!done)
        return LRS_OK;
    PetscPopErrorHandler();
    return SlepcFinalize() ? LRS_ENUMERIC : LRS_OK;
}

int lrs_sparse_rank(void)
{
    PetscBool on = PETSC_FALSE;
    int r = 0;
    PetscInitialized(&on);
    if (on)
        (void)MPI_Comm_rank(PETSC_COMM_WORLD, &r);
    return r;
}

int lrs_sparse_size(void)
{
    PetscBool on = PETSC_FALSE;
    int s = 1;
    PetscInitialized(&on);
    if (on)
        (void)MPI_Comm_size(PETSC_COMM_WORLD, &s);
    return s;
}

double lrs_sparse_max_over_ranks(double x)
{
    PetscBool on = PETSC_FALSE;
    double m = x;
    PetscInitialized(&on);
    if (on)
        (void)MPI_Allreduce(&x, &m, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
    return m;
}

lrs_sparse_opts_t lrs_sparse_opts_default(void)
{
    lrs_sparse_opts_t o;
    memset(&o, 0, sizeof o);
    o.tol = 1e-6;
    o.seed = 1;
    o.probes = 30;
    o.lanczos = 60;
    return o;
}

lrs_sparse_opts_t sp_opts(const lrs_sparse_opts_t *opts, size_t n, size_t k)
{
    lrs_sparse_opts_t o = opts ? *opts : lrs_sparse_opts_default();
    if (o.tol <= 0)
        o.tol = 1e-6;
    if (o.ncv == 0)
        o.ncv = 2 * k + 10 > 40 ? 2 * k + 10 : 40;
    if (o.ncv > n)
        o.ncv = n;
    if (o.max_it == 0)
        o.max_it = LRS_SPARSE_MAX_IT_DEFAULT;
    if (o.probes == 0)
        o.probes = 30;
    if (o.lanczos == 0)
        o.lanczos = 60;
    if (o.lanczos > n)
        o.lanczos = n;
    return o;
}

/* splitmix64: a 64-bit hash with full avalanche (Steele, Lea & Flood,
 * "Fast splittable pseudorandom number generators", OOPSLA 2014). */
static uint64_t sp_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Entry i of stream `stream`: Rademacher from one bit, or a normal by
 * Box-Muller from two 53-bit uniforms.  O(N/P) per rank, no communication. */
int sp_vec_hash(Vec v, unsigned long seed, unsigned long stream, int kind)
{
    PetscInt lo, hi, i;
    PetscScalar *a;
    PetscErrorCode ierr;
    uint64_t base = sp_mix(sp_mix((uint64_t)seed) ^ ((uint64_t)stream * 0xd1b54a32d192ed03ULL));
    if ((ierr = VecGetOwnershipRange(v, &lo, &hi)) || (ierr = VecGetArray(v, &a)))
        return (int)ierr;
    for (i = lo; i < hi; i++) {
        uint64_t h = sp_mix(base ^ sp_mix((uint64_t)i));
        if (kind == 0) {
            a[i - lo] = (h & 1) ? 1.0 : -1.0;
        } else {
            double u1 = ((double)(h >> 11) + 0.5) * 0x1p-53;
            double u2 = (double)(sp_mix(h) >> 11) * 0x1p-53;
            a[i - lo] = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
        }
    }
    return (int)VecRestoreArray(v, &a);
}

/* Exact ||W||_F^2 and trace(W) from the stored entries. */
static int sp_mat_stats(lrs_sparse_mat_t *M, lrs_err_t *err)
{
    PetscReal fro;
    PetscScalar tr;
    MatInfo info;
    int rc = LRS_OK;
    SP_TRY(MatNorm(M->A, NORM_FROBENIUS, &fro), "||W||_F");
    SP_TRY(MatGetTrace(M->A, &tr), "trace(W)");
    SP_TRY(MatGetInfo(M->A, MAT_GLOBAL_SUM, &info), "MatGetInfo");
    M->frob2 = (double)fro * (double)fro;
    M->trace = (double)tr;
    M->nnz = (size_t)info.nz_used;
done:
    return rc;
}

/* Row block of rank r out of P for order n (PETSc's default split). */
static void sp_block(size_t n, int P, int r, size_t *lo, size_t *hi)
{
    size_t q = n / (size_t)P, rem = n % (size_t)P;
    *lo = (size_t)r * q + ((size_t)r < rem ? (size_t)r : rem);
    *hi = *lo + q + ((size_t)r < rem);
}

/* Rank 0 sends rank r the CSR of rows [lo, hi): counts, column ids, values. */
static int sp_send_rows(const lrs_io_coo_t *coo, const size_t *rowstart, size_t lo, size_t hi,
                        int r)
{
    size_t a = rowstart[lo], b = rowstart[hi], k, m = hi - lo;
    PetscInt *ii = malloc((m + 1) * sizeof *ii), *jj = malloc((b - a + 1) * sizeof *jj);
    unsigned long long cnt = b - a;
    int rc = LRS_OK;
    if (!ii || !jj) {
        rc = LRS_ENOMEM;
        cnt = (unsigned long long)-1;
    }
    (void)MPI_Send(&cnt, 1, MPI_UNSIGNED_LONG_LONG, r, 1, PETSC_COMM_WORLD);
    if (rc == LRS_OK) {
        for (k = 0; k <= m; k++)
            ii[k] = (PetscInt)(rowstart[lo + k] - a);
        for (k = a; k < b; k++)
            jj[k - a] = (PetscInt)coo->j[k];
        (void)MPI_Send(ii, (int)(m + 1), MPIU_INT, r, 2, PETSC_COMM_WORLD);
        (void)MPI_Send(jj, (int)(b - a), MPIU_INT, r, 3, PETSC_COMM_WORLD);
        (void)MPI_Send(coo->w + a, (int)(b - a), MPI_DOUBLE, r, 4, PETSC_COMM_WORLD);
    }
    free(ii);
    free(jj);
    return rc;
}

/* Every rank: its rows as CSR (ii, jj, vv) -- from coo on rank 0, by
 * message elsewhere.  The entries come sorted by row and column. */
static int sp_local_rows(const lrs_io_coo_t *coo, size_t n, PetscInt **ii, PetscInt **jj,
                         PetscScalar **vv, lrs_err_t *err)
{
    int rank, P, r, rc = LRS_OK;
    size_t lo, hi, k, *rowstart = NULL;
    unsigned long long cnt = 0;
    (void)MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    (void)MPI_Comm_size(PETSC_COMM_WORLD, &P);
    sp_block(n, P, rank, &lo, &hi);
    if (rank == 0) {
        rowstart = calloc(n + 1, sizeof *rowstart);
        if (!rowstart)
            rc = LRS_ENOMEM;
        for (k = 0; rc == LRS_OK && k < coo->nnz; k++)
            rowstart[coo->i[k] + 1]++;
        for (k = 0; rc == LRS_OK && k < n; k++)
            rowstart[k + 1] += rowstart[k];
        for (r = 1; r < P; r++) {
            size_t a, b;
            sp_block(n, P, r, &a, &b);
            if (rc == LRS_OK)
                rc = sp_send_rows(coo, rowstart, a, b, r);
            else {
                cnt = (unsigned long long)-1;
                (void)MPI_Send(&cnt, 1, MPI_UNSIGNED_LONG_LONG, r, 1, PETSC_COMM_WORLD);
            }
        }
        cnt = rc == LRS_OK ? rowstart[hi] - rowstart[lo] : 0;
    } else {
        (void)MPI_Recv(&cnt, 1, MPI_UNSIGNED_LONG_LONG, 0, 1, PETSC_COMM_WORLD, MPI_STATUS_IGNORE);
        if (cnt == (unsigned long long)-1)
            rc = LRS_ENOMEM;
    }
    if (rc == LRS_OK) {
        *ii = malloc((hi - lo + 1) * sizeof **ii);
        *jj = malloc((cnt + 1) * sizeof **jj);
        *vv = malloc((cnt + 1) * sizeof **vv);
        if (!*ii || !*jj || !*vv)
            rc = LRS_ENOMEM;
    }
    if (rank == 0 && rc == LRS_OK) {
        for (k = 0; k <= hi - lo; k++)
            (*ii)[k] = (PetscInt)rowstart[lo + k];
        for (k = 0; k < cnt; k++) {
            (*jj)[k] = (PetscInt)coo->j[k];
            (*vv)[k] = coo->w[k];
        }
    } else if (rank != 0 && cnt != (unsigned long long)-1) {
        /* the messages are sent whatever our allocation did; receive them */
        PetscInt *ti = rc ? malloc((hi - lo + 1) * sizeof *ti) : *ii;
        PetscInt *tj = rc ? malloc((cnt + 1) * sizeof *tj) : *jj;
        PetscScalar *tv = rc ? malloc((cnt + 1) * sizeof *tv) : *vv;
        if (ti && tj && tv) {
            (void)MPI_Recv(ti, (int)(hi - lo + 1), MPIU_INT, 0, 2, PETSC_COMM_WORLD, MPI_STATUS_IGNORE);
            (void)MPI_Recv(tj, (int)cnt, MPIU_INT, 0, 3, PETSC_COMM_WORLD, MPI_STATUS_IGNORE);
            (void)MPI_Recv(tv, (int)cnt, MPI_DOUBLE, 0, 4, PETSC_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        if (rc) {
            free(ti);
            free(tj);
            free(tv);
        }
    }
    free(rowstart);
    if (rc)
        lrs_err_set(err, rc, "lrs_sparse_from_coo: out of memory distributing %zu rows", n);
    return rc;
}

int lrs_sparse_from_coo(const lrs_io_coo_t *coo, lrs_sparse_mat_t **out, lrs_err_t *err)
{
    int rank = 0, rc = LRS_OK;
    unsigned long long dims[2] = {0, 0};
    PetscInt *ii = NULL, *jj = NULL;
    PetscScalar *vv = NULL;
    lrs_sparse_mat_t *M = NULL;
    size_t lo, hi;
    int P;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_from_coo: out is NULL");
    *out = NULL;
    (void)MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    (void)MPI_Comm_size(PETSC_COMM_WORLD, &P);
    if (rank == 0) {
        if (!coo)
            rc = lrs_err_set(err, LRS_EINVAL, "lrs_sparse_from_coo: coo is NULL on rank 0");
        else if (coo->rows != coo->cols)
            rc = lrs_err_set(err, LRS_EINVAL, "lrs_sparse_from_coo: W is %zux%zu; expected square",
                             coo->rows, coo->cols);
        else if (coo->rows == 0 || coo->rows > (size_t)PETSC_MAX_INT / 2)
            rc = lrs_err_set(err, LRS_EINVAL, "lrs_sparse_from_coo: order %zu outside 1..%ld",
                             coo->rows, (long)PETSC_MAX_INT / 2);
        if (rc == LRS_OK) {
            dims[0] = coo->rows;
            dims[1] = coo->nnz;
        }
    }
    if ((rc = sp_agree(rc, err)))
        return rc;
    (void)MPI_Bcast(dims, 2, MPI_UNSIGNED_LONG_LONG, 0, PETSC_COMM_WORLD);
    rc = sp_local_rows(coo, (size_t)dims[0], &ii, &jj, &vv, err);
    if ((rc = sp_agree(rc, err)))
        goto done;
    M = calloc(1, sizeof *M);
    if (!M) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_from_coo: out of memory");
        goto done;
    }
    M->n = (size_t)dims[0];
    sp_block(M->n, P, rank, &lo, &hi);
    SP_TRY(MatCreateMPIAIJWithArrays(PETSC_COMM_WORLD, (PetscInt)(hi - lo), (PetscInt)(hi - lo),
                                     (PetscInt)M->n, (PetscInt)M->n, ii, jj, vv, &M->A),
           "building the distributed matrix");
    rc = sp_mat_stats(M, err);
done:
    rc = sp_agree(rc, err);
    free(ii);
    free(jj);
    free(vv);
    if (rc) {
        lrs_sparse_free(M);
        M = NULL;
    }
    *out = M;
    return rc;
}

int lrs_sparse_read(const char *path, const lrs_io_read_opts_t *opts, lrs_sparse_mat_t **out,
                    lrs_io_read_info_t *info, lrs_err_t *err)
{
    lrs_io_coo_t coo = {0};
    int rc = LRS_OK;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_read: out is NULL");
    *out = NULL;
    if (lrs_sparse_rank() == 0)
        rc = lrs_io_read_coo(path, opts, &coo, info, err);
    if ((rc = sp_agree(rc, err)) == LRS_OK)
        rc = lrs_sparse_from_coo(&coo, out, err);
    lrs_io_coo_free(&coo);
    return rc;
}

int lrs_sparse_save_petsc(const lrs_sparse_mat_t *A, const char *path, lrs_err_t *err)
{
    PetscViewer v = NULL;
    int rc = LRS_OK;
    if (!A || !path)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_save_petsc: %s is NULL",
                           A ? "path" : "A");
    SP_TRY(PetscViewerBinaryOpen(PETSC_COMM_WORLD, path, FILE_MODE_WRITE, &v), path);
    SP_TRY(MatView(A->A, v), path);
done:
    if (v && PetscViewerDestroy(&v) && rc == LRS_OK)
        rc = lrs_err_set(err, LRS_EIO, "%s: cannot finish writing", path);
    return sp_agree(rc, err);
}

int lrs_sparse_load_petsc(const char *path, lrs_sparse_mat_t **out, lrs_err_t *err)
{
    PetscViewer v = NULL;
    lrs_sparse_mat_t *M = NULL;
    PetscInt m, n;
    int rc = LRS_OK;
    if (!out || !path)
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_load_petsc: %s is NULL",
                           out ? "path" : "out");
    *out = NULL;
    if (!(M = calloc(1, sizeof *M))) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_sparse_load_petsc: out of memory");
        goto done;
    }
    SP_TRY(PetscViewerBinaryOpen(PETSC_COMM_WORLD, path, FILE_MODE_READ, &v), path);
    SP_TRY(MatCreate(PETSC_COMM_WORLD, &M->A), path);
    SP_TRY(MatSetType(M->A, MATAIJ), path);
    SP_TRY(MatLoad(M->A, v), path);
    SP_TRY(MatGetSize(M->A, &m, &n), path);
    if (m != n) {
        rc = lrs_err_set(err, LRS_EPARSE, "%s: W is %ldx%ld; expected square", path, (long)m,
                         (long)n);
        goto done;
    }
    M->n = (size_t)m;
    rc = sp_mat_stats(M, err);
done:
    if (v)
        PetscViewerDestroy(&v);
    rc = sp_agree(rc, err);
    if (rc) {
        lrs_sparse_free(M);
        M = NULL;
    }
    *out = M;
    return rc;
}

void lrs_sparse_free(lrs_sparse_mat_t *A)
{
    if (A) {
        if (A->A)
            MatDestroy(&A->A);
        free(A);
    }
}

int lrs_sparse_scale(lrs_sparse_mat_t *A, double s, lrs_err_t *err)
{
    int rc = LRS_OK;
    if (!A || !isfinite(s))
        return lrs_err_set(err, LRS_EINVAL, "lrs_sparse_scale: %s", A ? "scale not finite" : "A is NULL");
    SP_TRY(MatScale(A->A, s), "scaling W");
    A->frob2 *= s * s;
    A->trace *= s;
done:
    return sp_agree(rc, err);
}

size_t lrs_sparse_order(const lrs_sparse_mat_t *A) { return A ? A->n : 0; }
size_t lrs_sparse_nnz(const lrs_sparse_mat_t *A) { return A ? A->nnz : 0; }
double lrs_sparse_frob2(const lrs_sparse_mat_t *A) { return A ? A->frob2 : 0; }
double lrs_sparse_trace(const lrs_sparse_mat_t *A) { return A ? A->trace : 0; }

int sp_shifted(const lrs_sparse_mat_t *W, double shift, Mat *B, lrs_err_t *err)
{
    Mat Id = NULL;
    PetscInt lo, hi, r;
    int rc = LRS_OK;
    *B = NULL;
    if (shift == 0) {
        SP_TRY(PetscObjectReference((PetscObject)W->A), "W");
        *B = W->A;
        goto done;
    }
    /* shift I - W: the union of W's pattern and the diagonal, preallocated
     * by MatAXPY with DIFFERENT_NONZERO_PATTERN (O(nnz + N)) */
    SP_TRY(MatCreateAIJ(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, (PetscInt)W->n,
                        (PetscInt)W->n, 1, NULL, 0, NULL, &Id), "identity");
    SP_TRY(MatSetFromOptions(Id), "identity");
    SP_TRY(MatGetOwnershipRange(Id, &lo, &hi), "identity");
    for (r = lo; r < hi; r++)
        SP_TRY(MatSetValue(Id, r, r, shift, INSERT_VALUES), "identity");
    SP_TRY(MatAssemblyBegin(Id, MAT_FINAL_ASSEMBLY), "identity");
    SP_TRY(MatAssemblyEnd(Id, MAT_FINAL_ASSEMBLY), "identity");
    SP_TRY(MatDuplicate(W->A, MAT_COPY_VALUES, B), "copy of W");
    SP_TRY(MatScale(*B, -1.0), "-W");
    SP_TRY(MatAXPY(*B, 1.0, Id, DIFFERENT_NONZERO_PATTERN), "shift I - W");
done:
    if (Id)
        MatDestroy(&Id);
    if (rc && *B)
        MatDestroy(B);
    return rc;
}
