/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/epidemic.h -- the quenched mean-field SIS epidemic model of Figure 6.
 *
 * Model (arXiv:2504.13727, Figure 6): x_i(t) in [0, 1] is the probability that
 * node i is infected; W = A / sigma_max(A) is the normalised contact matrix,
 * gamma the infection coupling, recovery D = I (unit rates):
 *
 *     dx/dt = F(x, p) = -x + (1 - x) .* (gamma W x) + p(t) .* x .* (1 - x)
 *
 * p(t) (length N) is a perturbation of the infection rates.  For gamma above
 * the epidemic threshold (gamma > 1 for a symmetric A) the unperturbed system
 * has an endemic fixed point x* with F(x*, 0) = 0 and x* > 0.  Linearised
 * about it,
 *
 *     d(dx)/dt = J dx + diag(x* .* (1 - x*)) p,
 *     J = -I - gamma diag(W x*) + gamma (I - diag(x*)) W     (lrs_conn_sis_jacobian)
 *
 * so J plays the role of -(I - W) of the network model and its singular
 * vectors tell which perturbations are suppressed (arXiv:2504.13727, linear theory).
 *
 * What this module gives:
 *   - the right-hand side F and its Jacobian;
 *   - the unperturbed relaxation integrated by an adaptive Dormand-Prince
 *     5(4) Runge-Kutta method (tolerances 1e-10 absolute and relative),
 *     with the state handed to a callback on an output grid;
 *   - the fixed point polished by Newton's method (LAPACK dgesv);
 *   - an exponential fit of a relaxation curve d(t) = ||x(t) - x*||;
 *   - perturbed runs with a time-dependent p(t) (an lrs_input_t of sim.h:
 *     steps along directions, smooth noise, constants, callbacks) on a fixed
 *     step grid, streamed into observers exactly like lrs_sim_run;
 *   - a synthetic school contact network (classes of students) for when the
 *     real data are absent.
 * Cost: one product W x per right-hand side, by compressed rows (2 nnz
 * flops) when at most a quarter of W is nonzero, as contact networks are,
 * else dense (2 N^2); the sparse copy is built once by lrs_epidemic_alloc.
 *
 * Perturbed runs: time grid t_n = n dt, n = 0 .. nt-1, nt = round(T / dt),
 * x[0] = x0.  Observers receive, in blocks (lrs_block_t of observe.h):
 *     Z  the state minus a reference, x[n] - xref (xref is usually x*;
 *        NULL means zero, i.e. the raw state),
 *     X  the perturbation p[n] = p(t_n),
 *     R  the recurrent (network) input minus its fixed-point value,
 *        (1 - x[n]) .* (gamma W x[n]) - xref (with xref = x* this is the
 *        analogue of W f(z) in tau dz/dt = -z + W f(z) + x: the model reads
 *        d(dx)/dt = -dx + R + p .* x .* (1 - x)).
 * Steppers: forward Euler, as the paper (x[n+1] = x[n] + dt F(x[n], p[n])),
 * or classic RK4 with the input held at its step-grid value p[n] through the
 * step (the input is a zero-order hold; the state is 4th-order accurate for a
 * constant input).  Both keep x* exactly as a fixed point of the map.
 */
#ifndef LRS_EPIDEMIC_H
#define LRS_EPIDEMIC_H

#include <signal.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "lrs/common.h"
#include "lrs/observe.h"
#include "lrs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ network */

/* W <- A / sigma_max(A) (A: N x N, not modified; W may alias A).  smax
 * (nullable) gets sigma_max(A).  A zero or non-finite A is an error. */
int lrs_epidemic_normalize(const gsl_matrix *A, gsl_matrix *W, double *smax,
                           lrs_err_t *err);
/* The same, and sv (nullable, length N) gets the singular values of W,
 * descending: those of A divided by sigma_max(A) (sv_0 = 1), from the one
 * SVD that finds sigma_max -- no second O(N^3) decomposition of W. */
int lrs_epidemic_normalize_sv(const gsl_matrix *A, gsl_matrix *W, double *smax,
                              gsl_vector *sv, lrs_err_t *err);

/* Synthetic school contact network: N students in `nclass` classes of
 * near-equal sizes (the first N mod nclass classes have one more student),
 * laid out class after class.  Each pair {i, j} is in contact with
 * probability p_in when i and j share a class and p_out otherwise
 * (independent Bernoulli draws from `rng`, upper triangle row by row).
 * A (N x N) <- symmetric 0/1 adjacency, zero diagonal.  cls (nullable,
 * length N) gets each student's class 0 .. nclass-1.
 * Needs 1 <= nclass <= N and 0 <= p_out, p_in <= 1. */
int lrs_epidemic_school_network(gsl_matrix *A, size_t nclass, double p_in,
                                double p_out, gsl_rng *rng, size_t *cls,
                                lrs_err_t *err);

/* Defaults for a synthetic stand-in of the high-school network of Figure 6
 * (327 students, 9 classes, 5818 contacts, mean degree 35.6): with these
 * probabilities the expected number of contacts is about 5800. */
#define LRS_EPI_SCHOOL_N 327
#define LRS_EPI_SCHOOL_CLASSES 9
#define LRS_EPI_SCHOOL_P_IN 0.6
#define LRS_EPI_SCHOOL_P_OUT 0.05

/* ------------------------------------------------------------------ model */
typedef struct lrs_epidemic lrs_epidemic_t;

/* W: N x N normalised contact matrix (copied); gamma > 0. */
int lrs_epidemic_alloc(lrs_epidemic_t **out, const gsl_matrix *W, double gamma,
                       lrs_err_t *err);
void lrs_epidemic_free(lrs_epidemic_t *ep);
size_t lrs_epidemic_size(const lrs_epidemic_t *ep);
double lrs_epidemic_gamma(const lrs_epidemic_t *ep);

/* dxdt <- F(x, p); p NULL means p = 0.  dxdt must not alias x or p.  Uses
 * the model's scratch vectors: one thread per model object. */
int lrs_epidemic_rhs(lrs_epidemic_t *ep, const gsl_vector *x,
                     const gsl_vector *p, gsl_vector *dxdt, lrs_err_t *err);

/* J (N x N) <- dF/dx at x with p = 0 (via lrs_conn_sis_jacobian). */
int lrs_epidemic_jacobian(const lrs_epidemic_t *ep, const gsl_vector *x,
                          gsl_matrix *J, lrs_err_t *err);

/* Called with the state at each output time; a non-zero return stops the
 * integration with that code. */
typedef int (*lrs_epidemic_sample_fn)(void *ctx, double t, const gsl_vector *x,
                                      lrs_err_t *err);

/* Integrate the unperturbed system (p = 0) from the state in x over [0, T]
 * with adaptive Dormand-Prince 5(4) (eps_abs = eps_rel = 1e-10); x <- x(T).  If fn is not
 * NULL it is called at the nout + 1 times t_k = k T / nout, k = 0 .. nout
 * (nout >= 1), with x(t_k).  stop (nullable): a raised flag stops the run
 * with LRS_EINTR at the next output time.  A solution that blows up (from a
 * start far outside [0, 1]: non-finite, or the integrator fails with max |x|
 * above 1e6) gives LRS_EDIVERGE; another integrator failure LRS_ENUMERIC. */
int lrs_epidemic_relax(lrs_epidemic_t *ep, gsl_vector *x, double T, size_t nout,
                       lrs_epidemic_sample_fn fn, void *ctx,
                       volatile sig_atomic_t *stop, lrs_err_t *err);

/* Newton's method on F(x, 0) = 0 from the state in x:
 *     x <- x - J(x)^{-1} F(x, 0)
 * until ||F(x, 0)||_inf <= tol (tol > 0) or max_iter iterations.  x <- the
 * fixed point; residual (nullable) <- ||F(x*, 0)||_inf; iters (nullable) <-
 * iterations done.  LRS_ENUMERIC if J is singular or tol is not reached.
 * Start near the endemic state (e.g. after lrs_epidemic_relax): Newton also
 * converges to the trivial fixed point x = 0 from near it. */
int lrs_epidemic_fixed_point(lrs_epidemic_t *ep, gsl_vector *x, double tol,
                             size_t max_iter, double *residual, size_t *iters,
                             lrs_err_t *err);

/* ------------------------------------------------------------------ endemic state
 * The pipeline of Figure 6 (arXiv:2504.13727, Fig. 6) and of lrs-analyze
 * --model sis, in one call: from a start x0, relax the unperturbed system
 * for t_relax (lrs_epidemic_relax), polish x* by Newton
 * (lrs_epidemic_fixed_point), and take the Jacobian there
 * (lrs_epidemic_jacobian).  x* counts as endemic when its mean exceeds
 * LRS_EPI_ENDEMIC_MIN (below, the infection has died out: x* = 0). */
#define LRS_EPI_ENDEMIC_MIN 1e-6

typedef struct lrs_epidemic_endemic_opts {
    double t_relax;              /* relaxation time span before Newton (> 0) */
    double newton_tol;           /* Newton stops at ||F(x*)||_inf <= tol (> 0) */
    size_t newton_max_iter;      /* Newton iterations at most (>= 1) */
    volatile sig_atomic_t *stop; /* nullable: a raised flag stops the relaxation */
} lrs_epidemic_endemic_opts_t;

/* t_relax 300, newton_tol 1e-12, newton_max_iter 100, stop NULL. */
lrs_epidemic_endemic_opts_t lrs_epidemic_endemic_default(void);

typedef struct lrs_epidemic_endemic_info {
    double newton_residual;  /* ||F(x*, 0)||_inf */
    size_t newton_iters;     /* Newton iterations done */
    double relaxed_dist;     /* ||x(t_relax) - x*||_2: what Newton corrected */
    double mean;             /* mean of x* */
    int endemic;             /* mean > LRS_EPI_ENDEMIC_MIN */
} lrs_epidemic_endemic_info_t;

/* x0 <- lo + (hi - lo) u_i, u_i uniform on [0, 1) drawn from rng in index
 * order (the starting state of the pipeline; 0 <= lo <= hi <= 1). */
int lrs_epidemic_start(gsl_vector *x0, double lo, double hi, gsl_rng *rng, lrs_err_t *err);

/* xs <- x* from the start x0 (xs may alias x0); J (nullable, N x N) <- the
 * Jacobian at x*; info (nullable) <- the numbers above.  opts NULL: the
 * defaults.  A state that is not endemic is not an error: check
 * info->endemic.  Errors: those of the three steps. */
int lrs_epidemic_endemic(lrs_epidemic_t *ep, const gsl_vector *x0,
                         const lrs_epidemic_endemic_opts_t *opts, gsl_vector *xs,
                         gsl_matrix *J, lrs_epidemic_endemic_info_t *info, lrs_err_t *err);

/* Relaxation curve: integrate from x0 (p = 0, integrated as in relax) over
 * [0, T] and write t_k = k T / (n - 1) into t and ||x(t_k) - xs||_2 into d
 * (t, d: length n >= 2).  x0 is not modified. */
int lrs_epidemic_relax_curve(lrs_epidemic_t *ep, const gsl_vector *x0,
                             const gsl_vector *xs, double T, gsl_vector *t,
                             gsl_vector *d, volatile sig_atomic_t *stop,
                             lrs_err_t *err);

/* ------------------------------------------------------------------ fit */
typedef enum {
    /* least squares on the values, sum (d_k - a e^{-t_k/tau})^2, the way a
     * curve fit of the raw curve (scipy's curve_fit) weighs it: dominated by
     * the early, large part of the curve */
    LRS_EPI_FIT_LINEAR = 0,
    /* least squares on the logarithms, sum (log d_k - log a + t_k/tau)^2:
     * every decade counts the same; gives the slowest rate on a tail window */
    LRS_EPI_FIT_LOG = 1
} lrs_epi_fit_t;

/* Fit d(t) ~ a exp(-t / tau) to the samples (t_k, d_k) with
 * t_lo <= t_k <= t_hi and d_k > d_min (the fit window; d_min >= 0 drops the
 * part of the curve where the integrator's tolerance dominates).  At least
 * 3 samples must be in the window, every d_k in it positive and finite, and
 * the curve must decay (tau > 0).  LINEAR: variable projection (for a given
 * rate the best a is closed form; the log-rate is found by a grid scan over
 * 1e-3 .. 1e3 times the LOG estimate, then golden-section search).  a (the
 * amplitude at t = 0), tau nullable; used (nullable) <- number of samples in
 * the window. */
int lrs_epidemic_fit_exp(const gsl_vector *t, const gsl_vector *d, double t_lo,
                         double t_hi, double d_min, lrs_epi_fit_t kind,
                         double *a, double *tau, size_t *used, lrs_err_t *err);

/* ------------------------------------------------------------------ perturbed runs */
typedef enum { LRS_EPI_EULER = 0, LRS_EPI_RK4 = 1 } lrs_epi_stepper_t;

typedef struct lrs_epidemic_run {
    double dt;                   /* fixed step > 0 */
    double T;                    /* duration; nt = round(T / dt) >= 1 steps */
    lrs_epi_stepper_t stepper;   /* Euler (the paper's) or RK4 */
    const gsl_vector *x0;        /* initial state (required) */
    const gsl_vector *xref;      /* subtracted from Z and R (NULL: none) */
    volatile sig_atomic_t *stop; /* if non-NULL and set: LRS_EINTR */
} lrs_epidemic_run_t;

/* Defaults: dt = 0.1, T = 100, Euler, everything else NULL. */
lrs_epidemic_run_t lrs_epidemic_run_default(void);

/* Run the perturbed system with p(t) from `in` (N channels; NULL: p = 0;
 * its sources must be at their start) and hand every block to the
 * observers.  A non-finite state stops the run with LRS_EDIVERGE and the
 * time.  The last state is kept (lrs_epidemic_final_state). */
int lrs_epidemic_run(lrs_epidemic_t *ep, const lrs_epidemic_run_t *run,
                     lrs_input_t *in, const lrs_observer_t *obs, size_t nobs,
                     lrs_err_t *err);

/* x <- the state x[nt-1] of the last run (raw, not minus xref). */
int lrs_epidemic_final_state(const lrs_epidemic_t *ep, gsl_vector *x,
                             lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
