/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/sparse.h -- the analysis of large sparse networks on SLEPc/PETSc, on one
 * machine or across many with MPI (library liblrs-sparse; link it together
 * with liblrs).
 *
 * The questions are the dense toolkit's (Wan & Rosenbaum, arXiv:2504.13727,
 * Figs 1-3): is W low-rank, is tau dz/dt = -z + W z + x stable, which input
 * directions does the network suppress and which does it amplify.  Most
 * answers need only the extremes of a spectrum, which Krylov methods get
 * from sparse products: nothing here stores an N x N array.  W is held as a
 * PETSc AIJ matrix whose rows are split into P contiguous blocks, one per MPI
 * rank (memory per rank about 12 nnz/P + 8 N/P bytes, plus the Krylov
 * bases: ncv vectors of N/P doubles).  Every function is collective: all
 * ranks call it with the same arguments and get the same results (results
 * are bit-independent of P up to the order of floating-point reductions, so
 * they agree across P to the solver tolerance).
 *
 * Errors: PETSc's handler is replaced by PetscReturnErrorHandler and PETSc's
 * printing is silenced (unless lrs_sparse_init is asked to keep it), so
 * these functions keep the library's rule: an LRS_* code and one line in
 * err, identical on every rank.  Non-convergence is never silent: every
 * computed value carries its residual, and a value that did not reach the
 * tolerance is flagged (converged = 0) with what was achieved.
 */
#ifndef LRS_SPARSE_H
#define LRS_SPARSE_H

#include <stddef.h>
#include "lrs/common.h"
#include "lrs/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ engine
 * Start MPI (if not yet), PETSc and SLEPc.  argc/argv (nullable) are handed
 * to PETSc, so any PETSc/SLEPc option there applies (e.g. -svd_type trlanczos,
 * -eps_ncv 60); `options` (nullable) is a string of further options inserted
 * first ("-svd_monitor -eps_tol 1e-9").  verbose = 0 silences everything PETSc
 * would print (views and monitors included); 1 keeps it.  Call once per
 * process; lrs_sparse_finalize ends it. */
int lrs_sparse_init(int *argc, char ***argv, const char *options, int verbose,
                    lrs_err_t *err);
int lrs_sparse_finalize(void);
/* This process's MPI rank and the number of ranks (0 and 1 before init). */
int lrs_sparse_rank(void);
int lrs_sparse_size(void);
/* The largest x over all ranks (collective; x itself before init). */
double lrs_sparse_max_over_ranks(double x);

/* ------------------------------------------------------------------ matrices */
typedef struct lrs_sparse_mat lrs_sparse_mat_t;

/* The matrix from coordinate entries held by rank 0 (coo is ignored on the
 * other ranks; may be NULL there): rank 0 cuts the row blocks and sends each
 * rank its rows (CSR), every rank builds its part.  Must be square. */
int lrs_sparse_from_coo(const lrs_io_coo_t *coo, lrs_sparse_mat_t **out, lrs_err_t *err);
/* Rank 0 reads `path` with lrs_io_read_coo (opts, info as there; info filled
 * on rank 0 only) and distributes; a read error reaches every rank. */
int lrs_sparse_read(const char *path, const lrs_io_read_opts_t *opts, lrs_sparse_mat_t **out,
                    lrs_io_read_info_t *info, lrs_err_t *err);
/* PETSc's binary matrix format: save (any P) / load with a parallel MatLoad
 * (each rank reads its own rows). */
int lrs_sparse_save_petsc(const lrs_sparse_mat_t *A, const char *path, lrs_err_t *err);
int lrs_sparse_load_petsc(const char *path, lrs_sparse_mat_t **out, lrs_err_t *err);
void lrs_sparse_free(lrs_sparse_mat_t *A);

/* W <- s W (entries, ||W||_F^2 and trace updated). */
int lrs_sparse_scale(lrs_sparse_mat_t *A, double s, lrs_err_t *err);

/* Order N, stored entries, and ||W||_F^2, trace(W) (exact, from the entries). */
size_t lrs_sparse_order(const lrs_sparse_mat_t *A);
size_t lrs_sparse_nnz(const lrs_sparse_mat_t *A);
double lrs_sparse_frob2(const lrs_sparse_mat_t *A);
double lrs_sparse_trace(const lrs_sparse_mat_t *A);

/* ------------------------------------------------------------------ solvers */
/* Default restart budget.  Extreme values separated from the rest of the
 * spectrum (a low-rank part, an outlier) converge in a few restarts; at the
 * edge of a continuous bulk (a graph without structure, N = 10^6) the gaps
 * are about N^(-2/3) of the spectral width and 1e-6 may need thousands:
 * the budget bounds the time, the flag and the residual say what was
 * reached. */
#define LRS_SPARSE_MAX_IT_DEFAULT 20

typedef struct lrs_sparse_opts {
    size_t ncv;       /* Krylov basis size (0: max(40, 2k + 10), at most N) */
    double tol;       /* relative residual tolerance (default 1e-6) */
    size_t max_it;    /* restart budget of each Krylov solve (0: LRS_SPARSE_MAX_IT_DEFAULT);
                         after it the current approximations are reported as
                         flagged estimates with their residuals (converged = 0) */
    unsigned long seed; /* start vectors and probes; same seed, same numbers */
    size_t probes;    /* stochastic estimates: probe vectors (default 30) */
    size_t lanczos;   /* stochastic estimates: Lanczos steps per probe (default 60) */
} lrs_sparse_opts_t;
lrs_sparse_opts_t lrs_sparse_opts_default(void);

/* Distributed dense block of n vectors of length N (singular vectors). */
typedef struct lrs_sparse_vecs lrs_sparse_vecs_t;
void lrs_sparse_vecs_free(lrs_sparse_vecs_t *V);
size_t lrs_sparse_vecs_count(const lrs_sparse_vecs_t *V);
/* Entries [first, first + n) of vector j, gathered on every rank (tests and
 * small outputs; n = N is allowed but is N doubles on every rank). */
int lrs_sparse_vecs_get(const lrs_sparse_vecs_t *V, size_t j, size_t first, size_t n,
                        double *out, lrs_err_t *err);

typedef struct lrs_sparse_svals {
    size_t k;          /* values asked for */
    size_t nconv;      /* leading values that reached tol (k when all did) */
    int converged;     /* nconv >= k; 0: values nconv.. are FLAGGED estimates,
                          the approximations at the end of the max_it budget */
    double tol;        /* the tolerance asked for */
    double *sigma;     /* k values: descending (largest) or ascending (smallest) */
    double *resid;     /* relative residual ||A v - s u|| / s of each (cross form;
                          absolute when s = 0): for an estimate, what was reached,
                          and a bound on its relative error in s^2 */
    size_t iterations;
    lrs_sparse_vecs_t *U, *V; /* left / right vectors (NULL unless asked for) */
} lrs_sparse_svals_t;
void lrs_sparse_svals_free(lrs_sparse_svals_t *s);

typedef enum { LRS_SPARSE_LARGEST = 0, LRS_SPARSE_SMALLEST = 1 } lrs_sparse_end_t;

/* k extreme singular values of W (shift = 0) or of I - W (shift = 1):
 * SLEPc SVD, "cross" method (eigenproblem of A^T A by Krylov-Schur with
 * implicit products, no factorisation), ncv, tol, max_it from opts.  Cost per
 * restart about ncv products with A and A^T (2 nnz flops each) plus
 * O(N ncv^2) orthogonalisation.  vectors = 1 also returns U and V.
 * After max_it restarts the current approximations are returned as flagged
 * estimates (LRS_OK, converged = 0, each with its residual).  N <= ncv (a
 * Krylov space would be the whole space; tiny graphs): SLEPc's dense LAPACK
 * solver gives the same quantities exactly. */
int lrs_sparse_svd(const lrs_sparse_mat_t *W, double shift, size_t k, lrs_sparse_end_t end,
                   int vectors, const lrs_sparse_opts_t *opts, lrs_sparse_svals_t *out,
                   lrs_err_t *err);

/* Overlap matrix of the top-r part (arXiv:2504.13727, Figs 2-3):
 * P = U_r^T V_r (r x r, row-major, caller's array) from a largest-end result
 * with vectors, and its singular
 * values sP (length r, descending; nullable).  Cost O(N r^2). */
int lrs_sparse_overlap(const lrs_sparse_svals_t *top, size_t r, double *P, double *sP,
                       lrs_err_t *err);

/* ------------------------------------------------------------------ stability */
typedef struct lrs_sparse_stability {
    size_t k, nconv;   /* nconv: leading eigenvalues that reached tol */
    int converged;     /* nconv >= k; 0: values nconv.. are FLAGGED estimates */
    double tol;
    double *re, *im;   /* k rightmost eigenvalues (by real part, descending) */
    double *resid;     /* relative residual ||W x - lambda x|| / |lambda|
                          (absolute when lambda = 0) */
    size_t iterations, abscissa_iterations;
    /* numerical abscissa omega = lambda_max((W + W^T)/2) >= max Re lambda(W) */
    double abscissa;       /* Lanczos estimate */
    double abscissa_resid; /* ||H x - omega x|| for the unit Ritz vector x */
    double abscissa_bound; /* abscissa + abscissa_resid: upper bound (see below) */
    double gershgorin;     /* max_i (H_ii + sum_{j != i} |H_ij|): always an upper bound */
    int abscissa_converged; /* 0: a FLAGGED estimate; its bound is then not used */
    int stable_for_sure;   /* (converged abscissa_bound or gershgorin) < 1 */
} lrs_sparse_stability_t;
void lrs_sparse_stability_free(lrs_sparse_stability_t *s);

/* Rightmost k eigenvalues of W (Krylov-Schur, EPS_LARGEST_REAL, residuals)
 * and the numerical abscissa of W by Lanczos on H = (W + W^T)/2 applied as
 * (W x + W^T x)/2.  Because every eigenvalue of W has real part at most
 * lambda_max(H) (Bendixson), lambda_max(H) < 1 proves stability of the
 * linear network.  For the converged Ritz pair (omega, x) of H some eigenvalue
 * of H lies in [omega - r, omega + r], r = ||H x - omega x||; that eigenvalue
 * is the largest one unless Lanczos from a random start missed the top of the
 * spectrum entirely (Kaniel-Paige: probability vanishing with the iterations),
 * so abscissa_bound = omega + r is reported as the bound, and the Gershgorin
 * bound of H, which holds unconditionally, next to it.  k = 0: the bounds
 * only (no eigenvalues of W; the cheap check at the largest scales).
 * Both solves have the max_it budget: eigenvalues past it are flagged
 * estimates (converged = 0); an abscissa past it is flagged
 * (abscissa_converged = 0) and then proves nothing (Gershgorin still may).
 * The rightmost eigenvalues of a W without structure lie on the rim of a
 * disc of eigenvalues (circular law) and typically end flagged. */
int lrs_sparse_stability(const lrs_sparse_mat_t *W, size_t k, const lrs_sparse_opts_t *opts,
                         lrs_sparse_stability_t *out, lrs_err_t *err);

/* ------------------------------------------------------------------ effective ranks */
typedef enum {
    LRS_SPARSE_EXACT = 0,       /* value exact (to solver tolerance) */
    LRS_SPARSE_ESTIMATE = 1,    /* stochastic estimate with a standard error */
    LRS_SPARSE_BEYOND = 2,      /* only "> k" is known (value lies past the computed ones) */
    LRS_SPARSE_UNAVAILABLE = 3  /* needs the whole spectrum; not computed */
} lrs_sparse_rank_kind_t;

typedef struct lrs_sparse_rank {
    lrs_sparse_rank_kind_t kind;
    double value;      /* the rank (EXACT, ESTIMATE), or k (BEYOND) */
    double se;         /* standard error (ESTIMATE), 0 otherwise */
    double lo, hi;     /* interval: value -+ 2 se (ESTIMATE); the range of an
                          integer rank whose threshold is estimated */
} lrs_sparse_rank_t;

typedef struct lrs_sparse_ranks {
    lrs_sparse_rank_t stable, energy, nuclear, erank, optimal_threshold,
        optimal_shrinkage, elbow, numerical;
    double frob2;          /* ||W||_F^2 */
    double sum_sigma, sum_sigma_se;   /* estimated sum of singular values */
    double sigma_med, sigma_med_se;   /* estimated median singular value */
    size_t probes, lanczos;
} lrs_sparse_ranks_t;

/* Effective ranks (definitions of lrs/ranks.h) from the top singular values
 * `top` (largest end, k values) and the entries:
 *   stable   ||W||_F^2 / sigma_1^2, exact.
 *   energy   exact when sum_{i<=r} sigma_i^2 > f ||W||_F^2 within the k
 *            computed values, else BEYOND ("> k").
 *   nuclear, erank   stochastic Lanczos quadrature (Ubaru, Chen & Saad, SIAM
 *            J Matrix Anal Appl 38, 1075 (2017)) on W^T W: with Rademacher
 *            probes g, sum_i f(sigma_i^2) = E[g^T f(W^T W) g], each quadratic
 *            form from `lanczos` steps of Lanczos started at g (Gauss
 *            quadrature on the eigenpairs of the tridiagonal matrix).
 *            f = sqrt gives S = sum sigma (nuclear = S / sigma_1); f(l) =
 *            sqrt(l) ln sqrt(l) gives E = sum sigma ln sigma, and
 *            erank = exp(ln S - E / S).  Standard errors over the probes
 *            (delta method for erank).  Cost: probes * lanczos products
 *            with W and W^T.
 *   optimal_threshold, optimal_shrinkage   need the median singular value:
 *            estimated from the averaged quadrature measures (the spectral
 *            distribution function of W^T W); the rank is then counted in
 *            the computed top values at the thresholds of the median's
 *            interval, giving an integer range [lo, hi]; BEYOND when the
 *            threshold may fall below the smallest computed value.
 *   elbow, numerical   need the whole scree / the count of near-zero values:
 *            UNAVAILABLE.
 * energy_fraction <= 0 means 0.9.  Ranks from flagged top values (top->converged
 * = 0) are estimates as those are: the caller reports them with the flag. */
int lrs_sparse_ranks(const lrs_sparse_mat_t *W, const lrs_sparse_svals_t *top,
                     double energy_fraction, const lrs_sparse_opts_t *opts,
                     lrs_sparse_ranks_t *out, lrs_err_t *err);

/* ------------------------------------------------------------------ simulation */
typedef struct lrs_sparse_sim_opts {
    double T, dt, tau, taux, sigmax, discard; /* discard < 0: 10 (tau + taux) */
    int tanh;            /* 0: linear f(z) = z; 1: f = tanh */
    size_t k;            /* directions of each kind */
    unsigned long seed;
    size_t block;        /* noise samples generated per block (default 64) */
} lrs_sparse_sim_opts_t;
lrs_sparse_sim_opts_t lrs_sparse_sim_opts_default(void);

typedef struct lrs_sparse_sim {
    size_t k;
    double *var_top;     /* variance of u_j . z over t >= discard, j < k */
    double *var_rand;    /* the same along k random unit vectors */
    double *theory_top;  /* theory 1: sigma_x^2 ||(I - W)^{-T} d||^2 per direction */
    double *theory_rand;
    double *theory_resid; /* relative residual of each solve (top then random) */
    size_t steps, samples;
    double wall;
} lrs_sparse_sim_t;
void lrs_sparse_sim_free(lrs_sparse_sim_t *s);

/* tau dz/dt = -z + W f(z) + x by forward Euler with the sparse product
 * (arXiv:2504.13727), x the smooth Gaussian input of lrs/noise.h (every rank generates
 * the same blocks and keeps its rows, so the input is identical for any P),
 * z(0) = 0.1 randn.  Observed: the projections d . z(t) on the top-k left
 * singular vectors u_j of W (`top`, with vectors) and on k random unit
 * vectors, one reduction per step; their variances over t >= discard
 * (Welford).  Theory 1 for a direction d (linear theory): Var(d . z) = sigma_x^2
 * d^T (I - W)^{-1} (I - W)^{-T} d = sigma_x^2 ||(I - W)^{-T} d||^2, the
 * solve by GMRES on the transpose operator (no factorisation).  Memory
 * O(N (block + 2k) / P) per rank; never an N x N array or a trajectory. */
int lrs_sparse_simulate(const lrs_sparse_mat_t *W, const lrs_sparse_svals_t *top,
                        const lrs_sparse_sim_opts_t *so, const lrs_sparse_opts_t *opts,
                        lrs_sparse_sim_t *out, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
