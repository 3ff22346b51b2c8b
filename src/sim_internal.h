/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sim_internal.h -- the simulator's private layout, shared by src/sim.c (the
 * allocation, validation and the pipelined run), src/sim_step.c (the Euler
 * and RK4 methods and the per-step kernel), src/exact_sim.c (the exact
 * method) and src/input.c.  Not installed.
 *
 * Buffers.  A simulation holds K trajectories (K = 1 for lrs_sim_alloc).
 * Block k covers the steps n0 = k B .. n0 + b - 1.  Every trajectory keeps
 * per block (B + 1) x N row-major matrices whose row 0 is the previous step
 * and rows 1..b the block's steps:
 *   Z  row 0 = z[n0 - 1], rows 1..b = z[n0 .. n0 + b - 1]   (two sets)
 *   X  row 0 = x[n0 - 1], rows 1..b = x[n0 .. n0 + b - 1]   (three sets)
 *   R  rows 1..b: recurrent input W_k f(z) for the observers, or the
 *      feed-forward drive f(W^T x) (row 0 = the previous drive)  (two sets)
 *   M  RK4 with callback inputs only: row i = the half-step correction of
 *      the step into row i (sim_input_fill_mid)                  (three sets)
 * so a method advances row i from rows i - 1 and i of Z, X (and M): every
 * step of every method reads z[n-1], x[n-1] and x[n].  For block 0, row 1 is
 * z0 and the first step computed is row 2.  Observers see rows 1..b.
 */
#ifndef LRS_SIM_INTERNAL_H
#define LRS_SIM_INTERNAL_H

#include <stdint.h>
#include <gsl/gsl_matrix.h>
#include "lrs/sim.h"

/* The per-step O(N) loops (the Euler update, the widening of the float
 * product, the RK4 stages): each function marked SIM_CLONES is compiled for
 * AVX-512F, for AVX2 and for the baseline, and the loader picks the CPU's
 * best (GCC's target_clones); `#pragma omp simd` (-fopenmp-simd) vectorises
 * the loops in it.  They are element by element the same IEEE operations in
 * the same order on every version (C11 mode does not fuse a * b + c), so
 * every version gives the same bits; on one N = 500 step they cost a few
 * hundred ns instead of a few us. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SIM_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SIM_CLONES
#endif

typedef struct sim_traj {
    double *Zs[2], *Xs[3], *Rs[2], *Ms[3];
    double *z0, *zfinal;
    /* low-rank part of W_k = W + U S V^T (r = 0: none); row-major */
    size_t r;
    double *U, *Ua, *S, *V;   /* N x r, diag(alpha) U, r x r, N x r */
    double *lr_t;             /* 4 r scratch: 2 r stepping side, 2 r observing side */
    /* exact method: propagator (owned if own_prop, else the shared one) */
    double *E, *F0, *F1;
    int own_prop;
    double *Ub;               /* B x N: input terms of one block */
    /* RK4 stage scratch: 5 N (fz, g, zt, acc, xm); Euler uses fz */
    double *work;
    /* the current run */
    lrs_input_t *in;
    const lrs_observer_t *obs;
    size_t nobs;
    int mid;                  /* RK4 with a callback source: fill M */
    /* the current run's largest ||z||^2 and |z_i| (divergence check) */
    double max_ss, max_abs;
} sim_traj;

struct lrs_sim {
    const lrs_sim_method_t *method;
    size_t N, nt, B, K;
    lrs_sim_transfer_t f;
    lrs_sim_mode_t mode;
    double dt, T, max_norm;
    volatile sig_atomic_t *stop;
    int serial;
    double *W;        /* N x N (the shared part) */
    double *A;        /* Euler linear: I + diag(alpha)(W - I); else diag(alpha) W */
    double *alpha;    /* dt / tau_i */
    double *oma;      /* 1 - alpha_i */
    int alpha_scalar; /* all alpha_i equal (scalar tau) */
    int fast_gemv;    /* use the AVX2/FMA per-step kernel */
    /* LRS_SIM_FLOAT32: float copy of W (row stride ldf >= N, zero padded),
     * the K vectors f(z) and the K products; NULL in double precision */
    float *Af, *Fx, *Fy;
    uint16_t *Ah;     /* instead of Af: W packed in binary16 (lossless only) */
    size_t ldf;
    int af_packed;    /* Af in the AVX-512 path's packed layout (kernel.h) */
    double *E, *F0, *F1; /* exact method: the shared propagator */
    double *Fb;       /* B x N: f(Z) for R, used by the observing side */
    const double **xp;/* 6 K pointer scratch for the multi-vector kernel and RK4 */
    double **yp;
    sim_traj *tr;
    int have_final;
};

struct lrs_sim_method {
    const char *name;
    /* extra checks of the parameters (after the common ones) */
    int (*check)(const lrs_sim_params_t *p, const char *who, lrs_err_t *err);
    /* build the method's matrices once the common fields are set */
    int (*setup)(lrs_sim_t *s, const lrs_sim_params_t *p, lrs_err_t *err);
    /* advance every trajectory over rows i0..b of block k's buffers */
    void (*advance)(lrs_sim_t *s, size_t k, size_t i0, size_t b);
};

/* src/sim_step.c */
/* y_k = A x_k + beta y_k, k < K; each column computed exactly as for K = 1. */
void sim_matvec(const lrs_sim_t *s, const double *A, size_t K, const double *const *x,
                double beta, double *const *y);
/* y += Ua S V^T v for trajectory t (nothing if it has no low-rank part);
 * scratch 2 r. */
void sim_lowrank_add(const lrs_sim_t *s, const sim_traj *t, const double *Ua, const double *v,
                     double *y, double *scratch);
int sim_cpu_fast_gemv(size_t N);
/* Float32 precision: the float copy of s->A (after the method's setup). */
int sim_float_setup(lrs_sim_t *s);
/* c = S V^T v of trajectory t into scratch + r (scratch: 2 r, r >= 1). */
void sim_lowrank_coef(const lrs_sim_t *s, const sim_traj *t, const double *v, double *scratch);
/* Row i of Ua c (c from sim_lowrank_coef): the term the float path adds
 * while it widens the product (the same bits as y += Ua c; rank two is
 * written out at the call). */
static inline double sim_lowrank_row(const sim_traj *t, size_t i, const double *c)
{
    const double *u = t->Ua + i * t->r;
    if (t->r == 1)
        return u[0] * c[0];
    double acc = 0.0;
    for (size_t l = 0; l < t->r; l++)
        acc += u[l] * c[l];
    return acc;
}
/* Float32 precision, after the caller wrote (float) z into row q of Fx:
 * f in place, and for a low-rank part the coefficients c = S V^T f(z)
 * (f(z) widened into the scratch fz, N doubles) into the stepping side of
 * lr_t. */
void sim_float_f(lrs_sim_t *s, size_t q, double *fz);
/* Float32 precision: y_k = diag(alpha) (W Fx_k) + beta y_k + Ua_k c_k,
 * k < K (one pass over Af or Ah; alpha and the low-rank term applied as
 * each row is widened to double). */
void sim_float_matvec(lrs_sim_t *s, size_t K, double beta, double *const *y);
/* W_k = W + U S V^T densely (N x N, row-major, caller frees); NULL on ENOMEM. */
double *sim_dense_w(const lrs_sim_t *s, const sim_traj *t);

/* src/sim.c: LRS_OK when v is non-NULL, of length N and finite; otherwise
 * the error naming who, name and the first offending entry. */
int sim_check_vector(const gsl_vector *v, size_t N, const char *who, const char *name,
                     lrs_err_t *err);

/* src/input.c */
size_t sim_input_units(const lrs_input_t *in);
int sim_input_has_callback(const lrs_input_t *in);
int sim_input_fill_mid(lrs_input_t *in, size_t n0, double dt, gsl_matrix *M, lrs_err_t *err);

#endif
