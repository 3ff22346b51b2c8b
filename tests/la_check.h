/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tests/la_check.h -- fixtures and matrix measures shared by the unit tests:
 * a seeded generator, Gaussian and Figure-1 matrices, a seeded noise input,
 * the Frobenius norm and the orthonormality defect.
 */
#ifndef LRS_TEST_LA_CHECK_H
#define LRS_TEST_LA_CHECK_H

#include <math.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "lrs/connectivity.h"
#include "lrs/exact.h"
#include "lrs/noise.h"
#include "lrs/sim.h"

/* MT19937 seeded with seed (the caller frees it). */
static inline gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

/* n x m matrix of independent N(0, scale^2) entries from its own generator
 * (seed), drawn in row-major order. */
static inline gsl_matrix *gaussian_matrix(size_t n, size_t m, double scale, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *A = gsl_matrix_alloc(n, m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            gsl_matrix_set(A, i, j, scale * gsl_ran_gaussian(r, 1.0));
    gsl_rng_free(r);
    return A;
}

/* A new n x m matrix holding a[] (row-major: a[i * m + j] is entry (i, j)). */
static inline gsl_matrix *matrix_of(size_t n, size_t m, const double *a)
{
    gsl_matrix *A = gsl_matrix_alloc(n, m);
    gsl_matrix_const_view v = gsl_matrix_const_view_array(a, n, m);
    gsl_matrix_memcpy(A, &v.matrix);
    return A;
}

/* Figure-1-like network W = c u u^T + rho G / sqrt(N) drawn from r. */
static inline gsl_matrix *fig1_net(size_t N, double c, double rho, gsl_rng *r)
{
    lrs_err_t e;
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    lrs_conn_rank1_vectors(r, LRS_RANK1_NORMAL, u, v, &e);
    lrs_conn_add_rank1(W, c, u, v, &e);
    lrs_conn_add_gaussian(W, rho, r, &e);
    gsl_vector_free(u);
    gsl_vector_free(v);
    return W;
}

/* fig1_net from its own generator seeded with seed. */
static inline gsl_matrix *seeded_fig1_net(size_t N, double c, double rho, unsigned long seed)
{
    gsl_rng *r = new_rng(seed);
    gsl_matrix *W = fig1_net(N, c, rho, r);
    gsl_rng_free(r);
    return W;
}

/* The simulator's defaults (lrs_sim_params_default) on the network W. */
static inline lrs_sim_params_t sim_params_on(const gsl_matrix *W)
{
    lrs_sim_params_t p = lrs_sim_params_default();
    p.W = W;
    return p;
}

/* *in = an input holding the constant vector c (length N = c->size). */
static inline int const_input(lrs_input_t **in, const gsl_vector *c, lrs_err_t *err)
{
    int rc = lrs_input_alloc(in, c->size, err);
    if (!rc)
        rc = lrs_input_add_constant(*in, c, err);
    return rc;
}

/* An input carrying smooth noise (lrs_noise_alloc(N, tau_x, sigma_x, dt)) drawn
 * from its own generator seeded with seed; noisy_input_free releases all three
 * (also after a failed init). */
typedef struct {
    gsl_rng *rng;
    lrs_noise_t *noise;
    lrs_input_t *in;
} noisy_input_t;

static inline int noisy_input_init(noisy_input_t *q, size_t N, double tau_x, double sigma_x,
                                   double dt, unsigned long seed, lrs_err_t *err)
{
    int rc;
    q->rng = new_rng(seed);
    q->noise = NULL;
    q->in = NULL;
    rc = lrs_noise_alloc(&q->noise, N, tau_x, sigma_x, dt, q->rng, err);
    if (!rc)
        rc = lrs_input_alloc(&q->in, N, err);
    if (!rc)
        rc = lrs_input_add_noise(q->in, q->noise, 1.0, NULL, err);
    return rc;
}

static inline void noisy_input_free(noisy_input_t *q)
{
    lrs_input_free(q->in);
    lrs_noise_free(q->noise);
    gsl_rng_free(q->rng);
}

/* Simulate with p and input `in` (no observers) and copy the final state
 * into z (z NULL: run only, for the error paths). */
static inline int sim_final_state(const lrs_sim_params_t *p, lrs_input_t *in, gsl_vector *z,
                                  lrs_err_t *err)
{
    lrs_sim_t *s = NULL;
    int rc = lrs_sim_alloc(&s, p, err);
    if (!rc)
        rc = lrs_sim_run(s, in, NULL, 0, err);
    if (!rc && z)
        rc = lrs_sim_final_state(s, z, err);
    lrs_sim_free(s);
    return rc;
}

/* ||A||_F */
static inline double frob(const gsl_matrix *A)
{
    double s = 0;
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++)
            s += gsl_matrix_get(A, i, j) * gsl_matrix_get(A, i, j);
    return sqrt(s);
}

/* ||A - U diag(s) V^T||_F for a thin SVD (U m x k, s k, V n x k). */
static inline double svd_residual(const gsl_matrix *A, const gsl_vector *s, const gsl_matrix *U,
                                  const gsl_matrix *V)
{
    gsl_matrix *US = gsl_matrix_alloc(U->size1, U->size2);
    gsl_matrix *R = gsl_matrix_alloc(A->size1, A->size2);
    gsl_matrix_memcpy(US, U);
    for (size_t j = 0; j < U->size2; j++) {
        gsl_vector_view col = gsl_matrix_column(US, j);
        gsl_vector_scale(&col.vector, gsl_vector_get(s, j));
    }
    gsl_matrix_memcpy(R, A);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, US, V, 1.0, R);
    double r = frob(R);
    gsl_matrix_free(US);
    gsl_matrix_free(R);
    return r;
}

/* max_ij |(Q^T Q - I)_ij| */
static inline double orth_defect(const gsl_matrix *Q)
{
    size_t k = Q->size2;
    gsl_matrix *G = gsl_matrix_alloc(k, k);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Q, Q, 0.0, G);
    double m = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            m = fmax(m, fabs(gsl_matrix_get(G, i, j) - (i == j)));
    gsl_matrix_free(G);
    return m;
}

/* The closed-form state at time t of tau_i dz_i/dt = -z_i + (W z)_i + a_i + b_i t
 * from z(0) = z0 (arrays of length N = W->size1): with A = D (W - I),
 * D = diag(1/tau), alpha = -A^{-1} D b, beta = A^{-1} alpha and
 * gamma = -A^{-1} D a,
 *     z(t) = e^{At} (z0 - beta - gamma) + alpha t + beta + gamma.
 * Returns lrs_exact_expm's code (err filled). */
static inline int ramp_solution(const gsl_matrix *W, const double *tau, const double *a,
                                const double *b, const double *z0, double t, gsl_vector *z,
                                lrs_err_t *err)
{
    size_t N = W->size1;
    gsl_matrix *A = gsl_matrix_alloc(N, N), *Ai = gsl_matrix_alloc(N, N);
    gsl_matrix *At = gsl_matrix_alloc(N, N), *Et = gsl_matrix_alloc(N, N);
    gsl_vector *alpha = gsl_vector_alloc(N), *beta = gsl_vector_alloc(N);
    gsl_vector *gam = gsl_vector_alloc(N), *tmp = gsl_vector_alloc(N);
    gsl_permutation *pm = gsl_permutation_alloc(N);
    int sg, rc;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(A, i, j, (gsl_matrix_get(W, i, j) - (i == j)) / tau[i]);
    gsl_matrix_memcpy(At, A);
    gsl_linalg_LU_decomp(At, pm, &sg);
    gsl_linalg_LU_invert(At, pm, Ai);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(tmp, i, b[i] / tau[i]);
    gsl_blas_dgemv(CblasNoTrans, -1.0, Ai, tmp, 0.0, alpha);
    gsl_blas_dgemv(CblasNoTrans, 1.0, Ai, alpha, 0.0, beta);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(tmp, i, a[i] / tau[i]);
    gsl_blas_dgemv(CblasNoTrans, -1.0, Ai, tmp, 0.0, gam);
    gsl_matrix_memcpy(At, A);
    gsl_matrix_scale(At, t);
    rc = lrs_exact_expm(At, Et, err);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(tmp, i, z0[i] - gsl_vector_get(beta, i) - gsl_vector_get(gam, i));
    gsl_blas_dgemv(CblasNoTrans, 1.0, Et, tmp, 0.0, z);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z, i, gsl_vector_get(z, i) + gsl_vector_get(alpha, i) * t +
                                 gsl_vector_get(beta, i) + gsl_vector_get(gam, i));
    gsl_matrix_free(A);
    gsl_matrix_free(Ai);
    gsl_matrix_free(At);
    gsl_matrix_free(Et);
    gsl_vector_free(alpha);
    gsl_vector_free(beta);
    gsl_vector_free(gam);
    gsl_vector_free(tmp);
    gsl_permutation_free(pm);
    return rc;
}

#endif
