/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Singular values, eigenvalues, overlap matrices and angles (lrs/spectra.h).
 *
 * All LAPACK calls work on column-major copies: inputs are never modified.
 * Workspace sizes are queried once per call (lwork = -1) and allocated once.
 */
#include "lrs/spectra.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex.h>
#include <gsl/gsl_complex_math.h>
#include <lapacke.h>

#include "la_internal.h"
#include "spectra_internal.h"

#define FN_CHECK_NULL(p, fn)                                                   \
    do {                                                                       \
        if (!(p))                                                              \
            return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, #p);     \
    } while (0)

/* A non-NULL, square and not empty. */
static int check_square(const gsl_matrix *A, const char *fn, lrs_err_t *err)
{
    FN_CHECK_NULL(A, fn);
    if (A->size1 != A->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; expected square", fn, A->size1,
                           A->size2);
    if (A->size1 == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is 0x0", fn);
    return LRS_OK;
}

/* After a LAPACK workspace query (lwork = -1) by routine that returned info
 * and the optimal size wq: *work <- wq + 1 doubles, *lwork <- their count. */
static int work_from_query(lapack_int info, double wq, const char *routine, double **work,
                           lapack_int *lwork, const char *fn, lrs_err_t *err)
{
    if (info != 0)
        return lrs_err_set(err, LRS_ENUMERIC, "%s: %s workspace query failed (info %d)", fn,
                           routine, (int)info);
    *lwork = (lapack_int)wq + 1;
    *work = malloc((size_t)*lwork * sizeof **work);
    if (!*work)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (workspace)", fn);
    return LRS_OK;
}

/*
 * Thin SVD  A = U diag(s) V^T  (A m x n, k = min(m, n)), s descending.
 * Maths/source: LAPACK dgesdd (divide and conquer), jobz = 'S' or 'N'.
 * Storage: the row-major buffer of A (stride n) read column-major is A^T
 * (n x m, ld n), so we factor A^T = U' S V'^T with U' = V (n x k, column-major,
 * ld n) and V'^T = U^T (k x m, column-major, ld k) -- whose buffer read
 * row-major (stride k) is exactly U (m x k).
 */
int lrs_spectra_svd(const gsl_matrix *A, gsl_vector *s, gsl_matrix *U,
                    gsl_matrix *V, lrs_err_t *err)
{
    static const char *fn = "lrs_spectra_svd";
    double *a = NULL, *up = NULL, *vtp = NULL, *work = NULL;
    lapack_int *iwork = NULL;
    int rc = LRS_OK;

    FN_CHECK_NULL(A, fn);
    FN_CHECK_NULL(s, fn);
    size_t m = A->size1, n = A->size2, k = m < n ? m : n;
    if (m == 0 || n == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; expected a non-empty matrix",
                           fn, m, n);
    if ((U == NULL) != (V == NULL))
        return lrs_err_set(err, LRS_EINVAL, "%s: give both U and V or neither", fn);
    if (s->size != k)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; s has %zu entries, expected %zu",
                           fn, m, n, s->size, k);
    if (U && (U->size1 != m || U->size2 != k || V->size1 != n || V->size2 != k))
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: A is %zux%zu; U is %zux%zu and V %zux%zu, expected %zux%zu "
                           "and %zux%zu", fn, m, n, U->size1, U->size2, V->size1, V->size2,
                           m, k, n, k);
    if (!la_matrix_finite(A))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: A (%zux%zu) contains NaN or Inf", fn, m, n);

    char jobz = U ? 'S' : 'N';
    a = malloc(m * n * sizeof *a);
    iwork = malloc(8 * k * sizeof *iwork);
    if (U) {
        up = malloc(n * k * sizeof *up);
        vtp = malloc(k * m * sizeof *vtp);
    }
    if (!a || !iwork || (U && (!up || !vtp))) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (A is %zux%zu)", fn, m, n);
        goto done;
    }
    la_to_rowmajor(A, a); /* = A^T column-major, ld n */

    lapack_int ln = (lapack_int)n, lm = (lapack_int)m, lk = (lapack_int)k, info;
    double wq = 0;
    double dummy = 0;
    double *upp = U ? up : &dummy, *vtpp = U ? vtp : &dummy;
    lapack_int ldu = U ? ln : 1, ldvt = U ? lk : 1;
    info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, ln, lm, a, ln, s->data, upp, ldu,
                               vtpp, ldvt, &wq, -1, iwork);
    lapack_int lwork;
    if ((rc = work_from_query(info, wq, "dgesdd", &work, &lwork, fn, err)))
        goto done;
    /* s may be strided: dgesdd writes contiguously, so use a temporary then. */
    double *sd = s->data;
    double *stmp = NULL;
    if (s->stride != 1) {
        stmp = malloc(k * sizeof *stmp);
        if (!stmp) {
            rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
            goto done;
        }
        sd = stmp;
    }
    info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, ln, lm, a, ln, sd, upp, ldu, vtpp,
                               ldvt, work, lwork, iwork);
    if (stmp) {
        if (info == 0)
            for (size_t i = 0; i < k; i++)
                gsl_vector_set(s, i, stmp[i]);
        free(stmp);
    }
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dgesdd failed on a %zux%zu matrix (info %d)",
                         fn, m, n, (int)info);
        goto done;
    }
    if (U) {
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < k; j++)
                gsl_matrix_set(U, i, j, vtp[i * k + j]);
        la_from_colmajor(V, up, n);
    }
done:
    free(a);
    free(up);
    free(vtp);
    free(work);
    free(iwork);
    return rc;
}

typedef struct {
    double re, im;
    size_t idx;
} eig_key_t;

static int eig_key_cmp(const void *pa, const void *pb)
{
    const eig_key_t *a = pa, *b = pb;
    if (a->re != b->re)
        return a->re > b->re ? -1 : 1;
    if (a->im != b->im)
        return a->im > b->im ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/*
 * Eigenvalues (and right eigenvectors) of a general real square matrix.
 * Maths/source: LAPACK dgeev (Hessenberg QR); complex pairs come as
 * wr[j] +/- i wi[j], with eigenvectors vr(:,j) +/- i vr(:,j+1); dgeev scales
 * each to unit 2-norm with largest component real.
 * Storage: explicit column-major copy of A.  Sorted by descending real part,
 * ties by descending imaginary part (so a pair lists +i first).
 */
int lrs_spectra_eig(const gsl_matrix *A, gsl_vector_complex *lambda,
                    gsl_matrix_complex *R, lrs_err_t *err)
{
    static const char *fn = "lrs_spectra_eig";
    double *a = NULL, *wr = NULL, *wi = NULL, *vr = NULL, *work = NULL;
    eig_key_t *key = NULL;
    int rc = LRS_OK;

    FN_CHECK_NULL(A, fn);
    FN_CHECK_NULL(lambda, fn);
    if ((rc = check_square(A, fn, err)))
        return rc;
    size_t N = A->size1;
    if (lambda->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; lambda has %zu entries", fn, N,
                           N, lambda->size);
    if (R && (R->size1 != N || R->size2 != N))
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; R is %zux%zu", fn, N, N,
                           R->size1, R->size2);
    if (!la_matrix_finite(A))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: A (%zux%zu) contains NaN or Inf", fn, N, N);

    a = malloc(N * N * sizeof *a);
    wr = malloc(N * sizeof *wr);
    wi = malloc(N * sizeof *wi);
    key = malloc(N * sizeof *key);
    if (R)
        vr = malloc(N * N * sizeof *vr);
    if (!a || !wr || !wi || !key || (R && !vr)) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (N = %zu)", fn, N);
        goto done;
    }
    la_to_colmajor(A, a);
    lapack_int n = (lapack_int)N, info;
    char jobvr = R ? 'V' : 'N';
    double dummy = 0, wq = 0;
    double *vrp = R ? vr : &dummy;
    lapack_int ldvr = R ? n : 1;
    info = LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', jobvr, n, a, n, wr, wi, &dummy, 1, vrp,
                              ldvr, &wq, -1);
    lapack_int lwork;
    if ((rc = work_from_query(info, wq, "dgeev", &work, &lwork, fn, err)))
        goto done;
    info = LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', jobvr, n, a, n, wr, wi, &dummy, 1, vrp,
                              ldvr, work, lwork);
    if (info != 0) {
        rc = lrs_err_set(err, LRS_ENUMERIC, "%s: dgeev failed on a %zux%zu matrix (info %d)",
                         fn, N, N, (int)info);
        goto done;
    }
    for (size_t j = 0; j < N; j++) {
        key[j].re = wr[j];
        key[j].im = wi[j];
        key[j].idx = j;
    }
    qsort(key, N, sizeof *key, eig_key_cmp);
    for (size_t t = 0; t < N; t++) {
        size_t j = key[t].idx;
        gsl_vector_complex_set(lambda, t, gsl_complex_rect(wr[j], wi[j]));
        if (!R)
            continue;
        /* Locate the real and imaginary columns of eigenvector j. */
        for (size_t i = 0; i < N; i++) {
            double re, im;
            if (wi[j] == 0) {
                re = vr[i + j * N];
                im = 0;
            } else if (wi[j] > 0) { /* first of the pair: vr(:,j) + i vr(:,j+1) */
                re = vr[i + j * N];
                im = vr[i + (j + 1) * N];
            } else { /* second of the pair: conjugate of the first */
                re = vr[i + (j - 1) * N];
                im = -vr[i + j * N];
            }
            gsl_matrix_complex_set(R, i, t, gsl_complex_rect(re, im));
        }
    }
done:
    free(a);
    free(wr);
    free(wi);
    free(vr);
    free(work);
    free(key);
    return rc;
}

/* max_k Re lambda_k(A) and the imaginary part of that eigenvalue (the +i one
 * of a complex pair), from lrs_spectra_eig. */
int lrs_spectra_max_real_eig(const gsl_matrix *A, double *re, double *im,
                             lrs_err_t *err)
{
    static const char *fn = "lrs_spectra_max_real_eig";
    int rc = check_square(A, fn, err);
    if (rc)
        return rc;
    gsl_vector_complex *lam = la_vector_complex_alloc(A->size1);
    if (!lam)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    rc = lrs_spectra_eig(A, lam, NULL, err);
    if (rc == LRS_OK) {
        gsl_complex z = gsl_vector_complex_get(lam, 0);
        if (re)
            *re = GSL_REAL(z);
        if (im)
            *im = GSL_IMAG(z);
    }
    gsl_vector_complex_free(lam);
    return rc;
}

int spectra_overlap_check(size_t k, size_t r, const gsl_matrix *P, const gsl_vector *sP,
                          const char *fn, lrs_err_t *err)
{
    if (!P)
        return lrs_err_set(err, LRS_EINVAL, "%s: P is NULL", fn);
    if (r == 0 || r > k)
        return lrs_err_set(err, LRS_EINVAL, "%s: r = %zu; need 1 <= r <= %zu", fn, r, k);
    if (P->size1 != r || P->size2 != r)
        return lrs_err_set(err, LRS_EINVAL, "%s: P is %zux%zu; expected %zux%zu", fn,
                           P->size1, P->size2, r, r);
    if (sP && sP->size != r)
        return lrs_err_set(err, LRS_EINVAL, "%s: sP has %zu entries; expected %zu", fn,
                           sP->size, r);
    return LRS_OK;
}

int spectra_overlap_from_svd(const gsl_matrix *U, const gsl_matrix *V, size_t r, gsl_matrix *P,
                             gsl_vector *sP, lrs_err_t *err)
{
    gsl_matrix_const_view Ur = gsl_matrix_const_submatrix(U, 0, 0, U->size1, r);
    gsl_matrix_const_view Vr = gsl_matrix_const_submatrix(V, 0, 0, V->size1, r);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Ur.matrix, &Vr.matrix, 0.0, P);
    return sP ? lrs_spectra_svd(P, sP, NULL, NULL, err) : LRS_OK;
}

/*
 * Overlap matrix of the top-r part of A (arXiv:2504.13727, the overlap P of
 * the linear theory, Figs 2-3):
 *   A = U S V^T (SVD),  P = U_r^T V_r  (r x r),  sP = singular values of P.
 * Joint sign flips (u_k, v_k) -> (-u_k, -v_k) change signs of P's k-th row
 * and column together, so the singular values sP are well defined; P's
 * diagonal is too.  Storage: full thin SVD of A, then one dgemm.
 */
int lrs_spectra_overlap(const gsl_matrix *A, size_t r, gsl_matrix *P,
                        gsl_vector *sP, lrs_err_t *err)
{
    static const char *fn = "lrs_spectra_overlap";
    gsl_vector *s = NULL;
    gsl_matrix *U = NULL, *V = NULL;
    int rc = LRS_OK;

    FN_CHECK_NULL(A, fn);
    FN_CHECK_NULL(P, fn);
    size_t m = A->size1, n = A->size2, k = m < n ? m : n;
    if (m != n)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu; expected square", fn, m, n);
    if ((rc = spectra_overlap_check(k, r, P, sP, fn, err)))
        return rc;
    s = la_vector_alloc(k);
    U = la_matrix_alloc(m, k);
    V = la_matrix_alloc(n, k);
    if (!s || !U || !V) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    rc = lrs_spectra_svd(A, s, U, V, err);
    if (rc)
        goto done;
    rc = spectra_overlap_from_svd(U, V, r, P, sP, err);
done:
    gsl_vector_free(s);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    return rc;
}

/* Angle between a and b by Kahan's formula, accurate at every angle:
 *   theta = 2 atan2(|a^ - b^|, |a^ + b^|),  a^ = a/|a|, b^ = b/|b|
 * (W. Kahan, "How futile are mindless assessments of roundoff", 2006).
 * The line angle (sign-free) is min(theta(a,b), theta(a,-b)); replacing b by
 * -b swaps the two norms, so it is 2 atan2(min, max) -- no cancellation in
 * 180 - theta. */
static int angle_rad(const gsl_vector *a, const gsl_vector *b, int line, double *theta,
                     const char *fn, lrs_err_t *err)
{
    if (!a || !b || !theta)
        return lrs_err_set(err, LRS_EINVAL, "%s: a, b or deg is NULL", fn);
    if (a->size != b->size || a->size == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: a has %zu entries, b has %zu", fn, a->size,
                           b->size);
    if (!la_vector_finite(a) || !la_vector_finite(b))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: a or b contains NaN or Inf", fn);
    double na = gsl_blas_dnrm2(a), nb = gsl_blas_dnrm2(b);
    if (na == 0 || nb == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: zero vector; the angle is undefined", fn);
    double dm = 0, dp = 0;
    for (size_t i = 0; i < a->size; i++) {
        double x = gsl_vector_get(a, i) / na, y = gsl_vector_get(b, i) / nb;
        dm += (x - y) * (x - y);
        dp += (x + y) * (x + y);
    }
    if (line && dm > dp) { /* the angle to -b is the smaller one */
        double t = dm;
        dm = dp;
        dp = t;
    }
    *theta = 2.0 * atan2(sqrt(dm), sqrt(dp));
    return LRS_OK;
}

/* angle_rad in degrees; *deg is left alone on error. */
static int angle_deg(const gsl_vector *a, const gsl_vector *b, int line, double *deg,
                     const char *fn, lrs_err_t *err)
{
    double th;
    int rc = angle_rad(a, b, line, deg ? &th : NULL, fn, err);
    if (rc == LRS_OK)
        *deg = th * 180.0 / M_PI;
    return rc;
}

int lrs_spectra_angle_deg(const gsl_vector *a, const gsl_vector *b,
                          double *deg, lrs_err_t *err)
{
    return angle_deg(a, b, 0, deg, "lrs_spectra_angle_deg", err);
}

/* Line angle: min(theta, 180 - theta) in degrees, 0..90 (see angle_rad). */
int lrs_spectra_line_angle_deg(const gsl_vector *a, const gsl_vector *b,
                               double *deg, lrs_err_t *err)
{
    return angle_deg(a, b, 1, deg, "lrs_spectra_line_angle_deg", err);
}

/* Orthonormal basis Q (N x p) of the column space of A (N x p) from its SVD;
 * fails if A is numerically rank deficient (sigma_min <= N eps sigma_max). */
static int orth_basis(const gsl_matrix *A, gsl_matrix *Q, const char *fn, const char *name,
                      lrs_err_t *err)
{
    size_t p = A->size2;
    gsl_vector *s = la_vector_alloc(p);
    gsl_matrix *V = la_matrix_alloc(p, p);
    int rc = LRS_OK;
    if (!s || !V) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    rc = lrs_spectra_svd(A, s, Q, V, err);
    if (rc)
        goto done;
    double smax = gsl_vector_get(s, 0), smin = gsl_vector_get(s, p - 1);
    if (!(smin > (double)A->size1 * DBL_EPSILON * smax))
        rc = lrs_err_set(err, LRS_EINVAL,
                         "%s: the columns of %s are linearly dependent (singular values %g .. %g)",
                         fn, name, smax, smin);
done:
    gsl_vector_free(s);
    gsl_matrix_free(V);
    return rc;
}

/*
 * Principal angles between span(A) and span(B) (Bjorck & Golub 1973; the
 * sine/cosine combination of Knyazev & Argentati, SIAM J Sci Comput 23, 2002,
 * as in scipy.linalg.subspace_angles):
 *   QA, QB orthonormal bases (SVD), q = min(p, q) after swapping so that
 *   QA has the larger dimension;  M = QA^T QB, cos theta_i = sigma_i(M)
 *   (descending -> angles ascending); sin theta_i = sigma(QB - QA M),
 *   ascending.  Use asin of the sine where cos^2 >= 1/2 (small angles, where
 *   acos loses accuracy) and acos of the cosine otherwise.
 */
int lrs_spectra_subspace_angles(const gsl_matrix *A, const gsl_matrix *B,
                                gsl_vector *angles, lrs_err_t *err)
{
    static const char *fn = "lrs_spectra_subspace_angles";
    gsl_matrix *QA = NULL, *QB = NULL, *M = NULL, *S = NULL;
    gsl_vector *c = NULL, *sn = NULL;
    int rc = LRS_OK;

    FN_CHECK_NULL(A, fn);
    FN_CHECK_NULL(B, fn);
    FN_CHECK_NULL(angles, fn);
    if (A->size1 != B->size1)
        return lrs_err_set(err, LRS_EINVAL, "%s: A is %zux%zu, B is %zux%zu; need equal rows",
                           fn, A->size1, A->size2, B->size1, B->size2);
    size_t N = A->size1;
    const char *na = "A", *nb = "B";
    if (A->size2 < B->size2) { /* make A the larger subspace */
        const gsl_matrix *t = A;
        A = B;
        B = t;
        na = "B";
        nb = "A";
    }
    size_t p = A->size2, q = B->size2;
    if (q == 0 || p > N)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: subspaces of dimension %zu and %zu in R^%zu; need 1 <= dim <= N",
                           fn, p, q, N);
    if (angles->size != q)
        return lrs_err_set(err, LRS_EINVAL, "%s: angles has %zu entries; expected %zu", fn,
                           angles->size, q);
    QA = la_matrix_alloc(N, p);
    QB = la_matrix_alloc(N, q);
    M = la_matrix_alloc(p, q);
    S = la_matrix_alloc(N, q);
    c = la_vector_alloc(q);
    sn = la_vector_alloc(q);
    if (!QA || !QB || !M || !S || !c || !sn) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    if ((rc = orth_basis(A, QA, fn, na, err)) || (rc = orth_basis(B, QB, fn, nb, err)))
        goto done;
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, QA, QB, 0.0, M);
    gsl_matrix_memcpy(S, QB);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, QA, M, 1.0, S);
    if ((rc = lrs_spectra_svd(M, c, NULL, NULL, err)) ||
        (rc = lrs_spectra_svd(S, sn, NULL, NULL, err)))
        goto done;
    for (size_t i = 0; i < q; i++) {
        double ci = fmin(1.0, gsl_vector_get(c, i));
        double si = fmin(1.0, gsl_vector_get(sn, q - 1 - i));
        double th = ci * ci >= 0.5 ? asin(si) : acos(ci);
        gsl_vector_set(angles, i, th * 180.0 / M_PI);
    }
done:
    gsl_matrix_free(QA);
    gsl_matrix_free(QB);
    gsl_matrix_free(M);
    gsl_matrix_free(S);
    gsl_vector_free(c);
    gsl_vector_free(sn);
    return rc;
}

/* Departure from normality: ||A A^T - A^T A||_F / ||A||_F^2 (two dgemm);
 * 0 for the zero matrix. */
int lrs_spectra_nonnormality(const gsl_matrix *A, double *rel, lrs_err_t *err)
{
    static const char *fn = "lrs_spectra_nonnormality";
    FN_CHECK_NULL(A, fn);
    FN_CHECK_NULL(rel, fn);
    int rc = check_square(A, fn, err);
    if (rc)
        return rc;
    size_t N = A->size1;
    if (!la_matrix_finite(A))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: A (%zux%zu) contains NaN or Inf", fn, N, N);
    gsl_matrix *C = la_matrix_alloc(N, N);
    if (!C)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, A, A, 0.0, C);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, -1.0, A, A, 1.0, C);
    double fa = 0, fc = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double x = gsl_matrix_get(A, i, j), y = gsl_matrix_get(C, i, j);
            fa += x * x;
            fc += y * y;
        }
    *rel = fa > 0 ? sqrt(fc) / fa : 0.0;
    gsl_matrix_free(C);
    return LRS_OK;
}
