/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Smooth Gaussian noise generated in fixed chunks (see lrs/noise.h).
 *
 * Maths.  x(t) = sum_k h(t - k Delta) xi_k with h(t) = A exp(-t^2/tau_x^2),
 * Delta = tau_x/4, A^2 = sigma_x^2 Delta sqrt(2/pi)/tau_x, so that
 * sum_k h(t-k Delta) h(t+s-k Delta) ~ (1/Delta) int h(u) h(u+s) du
 *   = sigma_x^2 exp(-s^2/(2 tau_x^2))     (Poisson ripple < 1e-34).
 * h is truncated to |t| <= L = tau_x sqrt(ln 1e9) (h(L) = 1e-9 h(0)).
 *
 * Storage and algorithm.  Samples t_n = n dt are produced in chunks of C
 * consecutive steps (C fixed at alloc, independent of the caller's blocks).
 * For a chunk whose times lie in coarse cells m_first .. m_last (m = floor(t /
 * Delta)) the contributing coarse indices are k in [m_first - KL - 1,
 * m_last + KL + 1] with KL = ceil(L/Delta); the chunk is one dgemm
 *     OUT (C x N) = H (C x Kc) * XI (Kc x N),  H_ij = h(t_i - k_j Delta)
 * (H is banded: entries with |t_i - k_j Delta| > L are exact zeros).  The
 * white-noise rows xi_k are kept in a sliding window and drawn in ascending
 * k (k major, channel minor) from the caller's rng, starting at
 * k = -KL - 1, so the process is stationary from t = 0 and the k-th draw
 * does not depend on dt (two steps dt sample one path).
 * If Delta/dt is an integer p (to ~1e-14) and C is a multiple of p, H is the
 * same for every chunk and is computed once, from integer offsets, and
 * replaced by its numerically exact low-rank factorisation (noise_factor_H);
 * then a chunk keeps only G = SVr XI (rank x N) and the rows Ur G are
 * computed where the caller asks for them, in the caller's matrix, with no
 * chunk buffer (noise_rows).
 */
#include "lrs/noise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#define NOISE_CHUNK_GENERAL 256   /* rows per chunk when H is recomputed */
#define NOISE_CHUNK_MIN 128       /* periodic case: C = p * ceil(MIN / p) */
#define NOISE_CHUNK_MAX 4096      /* periodic only if p <= this */

struct lrs_noise {
    size_t N;
    double tau_x, sigma_x, dt, delta, A, L;
    gsl_rng *rng;
    long KL;          /* ceil(L / Delta) */
    size_t C;         /* chunk rows */
    int periodic;     /* H fixed (Delta/dt integer p, C multiple of p) */
    long p, q;        /* periodic: p steps per Delta, q = C / p cells per chunk */
    size_t kcap;      /* max coarse indices per chunk (columns of H) */
    double *H;        /* C x kcap, row-major */
    size_t rank;      /* periodic: H = Ur SVr to rounding (0: use H itself) */
    double *Ur;       /* C x rank */
    double *SVr;      /* rank x kcap (columns >= the chunk width are 0) */
    double *G;        /* rank x N: SVr * XI of the current chunk */
    double *xi;       /* kcap x N: rows for k = xi_k0 .. xi_k0 + xi_rows - 1 */
    long xi_k0;
    size_t xi_rows;
    double *out;      /* C x N: current chunk */
    size_t out_pos;   /* rows of `out` already handed out (C: empty) */
    size_t chunk;     /* index of the next chunk to generate */
    size_t pos;       /* next sample index */
};

/* Coarse cell of step n: floor(n dt / Delta) (exact integers if periodic). */
static long noise_cell(const lrs_noise_t *nz, size_t n)
{
    if (nz->periodic)
        return (long)(n / (size_t)nz->p);
    return (long)floor((double)n * nz->dt / nz->delta);
}

static double noise_h(const lrs_noise_t *nz, double s)
{
    if (fabs(s) > nz->L)
        return 0.0;
    double u = s / nz->tau_x;
    return nz->A * exp(-u * u);
}

/* Fill H for the chunk starting at step n_first with first coarse index kmin
 * and Kc columns (general case: from t_n = n dt and k Delta directly). */
static void noise_fill_H(lrs_noise_t *nz, size_t n_first, long kmin, size_t Kc)
{
    for (size_t i = 0; i < nz->C; i++) {
        double t = (double)(n_first + i) * nz->dt;
        double *row = nz->H + i * nz->kcap;
        for (size_t j = 0; j < Kc; j++)
            row[j] = noise_h(nz, t - (double)(kmin + (long)j) * nz->delta);
        for (size_t j = Kc; j < nz->kcap; j++)
            row[j] = 0.0;
    }
}

/* Periodic case: H (C x Kc, Kc = q + 2 KL + 1 columns used) is a sampled
 * Gaussian kernel of low numerical rank (about 13 of 40 columns for
 * tau_x = 10, dt = 0.01).  Factor H = U S V^T once (dgesvd) and keep the
 * terms with s_k > 1e-16 s_0: H_r = Ur SVr, so a chunk costs two thin dgemms
 * (SVr XI, then Ur (SVr XI)) instead of one C x Kc x N dgemm.  Each sample
 * changes by at most s_{r+1} ||xi_window|| ~ 1e-16 s_0 ||xi||, i.e. rounding
 * level.  Used only when it saves at least 40% of the flops. */
static int noise_factor_H(lrs_noise_t *nz, lrs_err_t *err)
{
    int rc = LRS_OK;
    size_t C = nz->C, Kc = (size_t)(nz->q + 2 * nz->KL + 1), kmin = C < Kc ? C : Kc;
    double *a = malloc(C * Kc * sizeof *a), *sv = malloc(kmin * sizeof *sv);
    double *U = malloc(C * kmin * sizeof *U), *VT = malloc(kmin * Kc * sizeof *VT);
    double *sup = malloc(kmin * sizeof *sup);
    if (!a || !sv || !U || !VT || !sup) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_noise_alloc: out of memory");
        goto done;
    }
    for (size_t i = 0; i < C; i++)
        memcpy(a + i * Kc, nz->H + i * nz->kcap, Kc * sizeof *a);
    if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'S', 'S', (lapack_int)C, (lapack_int)Kc, a,
                       (lapack_int)Kc, sv, U, (lapack_int)kmin, VT, (lapack_int)Kc, sup) != 0)
        goto done; /* keep the dense H: correct, only slower */
    size_t r = 0;
    while (r < kmin && sv[r] > 1e-16 * sv[0])
        r++;
    if (r == 0 || (double)r * (double)(Kc + C) > 0.6 * (double)C * (double)Kc)
        goto done;
    nz->Ur = malloc(C * r * sizeof *nz->Ur);
    nz->SVr = calloc(r * nz->kcap, sizeof *nz->SVr);
    nz->G = malloc(r * nz->N * sizeof *nz->G);
    if (!nz->Ur || !nz->SVr || !nz->G) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_noise_alloc: out of memory");
        goto done;
    }
    for (size_t i = 0; i < C; i++)
        for (size_t k = 0; k < r; k++)
            nz->Ur[i * r + k] = U[i * kmin + k];
    for (size_t k = 0; k < r; k++)
        for (size_t j = 0; j < Kc; j++)
            nz->SVr[k * nz->kcap + j] = sv[k] * VT[k * Kc + j];
    nz->rank = r;
done:
    free(a);
    free(sv);
    free(U);
    free(VT);
    free(sup);
    return rc;
}

int lrs_noise_alloc(lrs_noise_t **out, size_t N, double tau_x, double sigma_x,
                    double dt, gsl_rng *rng, lrs_err_t *err)
{
    int rc = LRS_OK;
    lrs_noise_t *nz = NULL;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_alloc: out is NULL");
    *out = NULL;
    if (!rng)
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_alloc: rng is NULL");
    if (N == 0)
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_alloc: N = 0 channels; need N >= 1");
    if (!(tau_x > 0) || !isfinite(tau_x))
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_alloc: tau_x = %g; need a finite tau_x > 0", tau_x);
    if (!(sigma_x >= 0) || !isfinite(sigma_x))
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_alloc: sigma_x = %g; need a finite sigma_x >= 0", sigma_x);
    if (!(dt > 0) || !isfinite(dt))
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_alloc: dt = %g; need a finite dt > 0", dt);

    nz = calloc(1, sizeof *nz);
    if (!nz) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_noise_alloc: out of memory");
        goto done;
    }
    nz->N = N;
    nz->tau_x = tau_x;
    nz->sigma_x = sigma_x;
    nz->dt = dt;
    nz->rng = rng;
    nz->delta = tau_x / 4.0;
    nz->A = sigma_x * sqrt(nz->delta * sqrt(2.0 / M_PI) / tau_x);
    nz->L = tau_x * sqrt(log(1e9));
    nz->KL = (long)ceil(nz->L / nz->delta);

    double pr = nz->delta / dt;
    double pi = nearbyint(pr);
    if (pi >= 1 && pi <= NOISE_CHUNK_MAX && fabs(pr - pi) <= 1e-14 * pr) {
        nz->periodic = 1;
        nz->p = (long)pi;
        nz->q = (NOISE_CHUNK_MIN + nz->p - 1) / nz->p;
        nz->C = (size_t)(nz->p * nz->q);
        nz->kcap = (size_t)(nz->q + 2 * nz->KL + 2);
    } else {
        nz->C = NOISE_CHUNK_GENERAL;
        /* cells spanned by C steps, +1 for rounding of floor, + margins */
        nz->kcap = (size_t)ceil((double)nz->C * dt / nz->delta) + 2 + (size_t)(2 * nz->KL + 2);
    }
    if ((double)nz->kcap * (double)N > 1e9 || (double)nz->C * (double)N > 1e9) {
        rc = lrs_err_set(err, LRS_ELIMIT, "lrs_noise_alloc: N = %zu channels needs too much memory", N);
        goto done;
    }
    nz->H = malloc(nz->C * nz->kcap * sizeof *nz->H);
    nz->xi = malloc(nz->kcap * N * sizeof *nz->xi);
    nz->out = malloc(nz->C * N * sizeof *nz->out);
    if (!nz->H || !nz->xi || !nz->out) {
        rc = lrs_err_set(err, LRS_ENOMEM, "lrs_noise_alloc: out of memory for N = %zu", N);
        goto done;
    }
    if (nz->periodic) {
        /* H_ij = h((i - (j - KL - 1) p) dt): chunk-invariant. */
        for (size_t i = 0; i < nz->C; i++)
            for (size_t j = 0; j < nz->kcap; j++) {
                long off = (long)i - ((long)j - nz->KL - 1) * nz->p;
                nz->H[i * nz->kcap + j] = noise_h(nz, (double)off * dt);
            }
    }
    if (nz->periodic) {
        rc = noise_factor_H(nz, err);
        if (rc)
            goto done;
    }
    if (nz->rank) { /* rows are made in the caller's matrix (noise_rows) */
        free(nz->out);
        nz->out = NULL;
    }
    nz->xi_k0 = -nz->KL - 1;
    nz->xi_rows = 0;
    nz->out_pos = nz->C;
    *out = nz;
    nz = NULL;
done:
    lrs_noise_free(nz);
    return rc;
}

void lrs_noise_free(lrs_noise_t *nz)
{
    if (!nz)
        return;
    free(nz->H);
    free(nz->Ur);
    free(nz->SVr);
    free(nz->G);
    free(nz->xi);
    free(nz->out);
    free(nz);
}

/* Generate the next chunk: into nz->out (dense H), or its factor G = SVr XI
 * (factored H: noise_rows makes the rows on demand). */
static void noise_next_chunk(lrs_noise_t *nz)
{
    size_t N = nz->N;
    size_t n_first = nz->chunk * nz->C;
    long kmin = noise_cell(nz, n_first) - nz->KL - 1;
    long kmax = noise_cell(nz, n_first + nz->C - 1) + nz->KL + 1;
    size_t Kc = (size_t)(kmax - kmin + 1);
    if (Kc > nz->kcap) /* cannot happen by construction of kcap */
        Kc = nz->kcap;

    /* Slide the window: drop k < kmin, then draw up to kmax (k ascending,
     * channel minor).  kmin never decreases, and kmin >= xi_k0 here. */
    if (kmin > nz->xi_k0) {
        size_t drop = (size_t)(kmin - nz->xi_k0);
        if (drop >= nz->xi_rows) {
            /* draw (and discard) rows between the window and kmin so the
             * sequence of draws stays k-ascending without gaps */
            for (size_t r = nz->xi_rows; r < drop; r++)
                for (size_t c = 0; c < N; c++)
                    (void)gsl_ran_gaussian_ziggurat(nz->rng, 1.0);
            nz->xi_rows = 0;
        } else {
            memmove(nz->xi, nz->xi + drop * N, (nz->xi_rows - drop) * N * sizeof *nz->xi);
            nz->xi_rows -= drop;
        }
        nz->xi_k0 = kmin;
    }
    while (nz->xi_rows < Kc) {
        double *row = nz->xi + nz->xi_rows * N;
        for (size_t c = 0; c < N; c++)
            row[c] = gsl_ran_gaussian_ziggurat(nz->rng, 1.0);
        nz->xi_rows++;
    }
    if (!nz->periodic)
        noise_fill_H(nz, n_first, kmin, Kc);
    if (nz->rank) {
        /* G = SVr XI now; the rows Ur G are made where they are asked for
         * (noise_rows), straight into the caller's matrix */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nz->rank, (int)N, (int)Kc,
                    1.0, nz->SVr, (int)nz->kcap, nz->xi, (int)N, 0.0, nz->G, (int)N);
    } else {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nz->C, (int)N,
                    (int)Kc, 1.0, nz->H, (int)nz->kcap, nz->xi, (int)N, 0.0,
                    nz->out, (int)N);
    }
    nz->chunk++;
    nz->out_pos = 0;
}

/* Rows out_pos .. out_pos + take - 1 of the current chunk into dst (row
 * stride ld).  Factored H: the rows of Ur (SVr XI) computed in place, one
 * thin dgemm (inner dimension rank) -- each entry is the same sum over the
 * rank, in the same order, whichever rows are asked for, and nothing is
 * copied.  Dense H: copied from the chunk made by noise_next_chunk. */
static void noise_rows(const lrs_noise_t *nz, size_t take, double *dst, size_t ld)
{
    size_t N = nz->N;
    if (nz->rank) {
        int r = (int)nz->rank;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)take, (int)N, r, 1.0,
                    nz->Ur + nz->out_pos * nz->rank, r, nz->G, (int)N, 0.0, dst, (int)ld);
        return;
    }
    const double *src = nz->out + nz->out_pos * N;
    for (size_t row = 0; row < take; row++)
        memcpy(dst + row * ld, src + row * N, N * sizeof *src);
}

int lrs_noise_fill(lrs_noise_t *nz, gsl_matrix *X, lrs_err_t *err)
{
    if (!nz || !X)
        return lrs_err_set(err, LRS_EINVAL, "lrs_noise_fill: %s is NULL", nz ? "X" : "nz");
    if (X->size2 != nz->N)
        return lrs_err_set(err, LRS_EINVAL,
                           "lrs_noise_fill: X has %zu columns; expected N = %zu channels",
                           X->size2, nz->N);
    size_t rows = X->size1, i = 0;
    while (i < rows) {
        if (nz->out_pos == nz->C)
            noise_next_chunk(nz);
        size_t take = nz->C - nz->out_pos;
        if (take > rows - i)
            take = rows - i;
        noise_rows(nz, take, X->data + i * X->tda, X->tda);
        nz->out_pos += take;
        i += take;
    }
    nz->pos += rows;
    return LRS_OK;
}

size_t lrs_noise_position(const lrs_noise_t *nz)
{
    return nz ? nz->pos : 0;
}

size_t lrs_noise_channels(const lrs_noise_t *nz)
{
    return nz ? nz->N : 0;
}
