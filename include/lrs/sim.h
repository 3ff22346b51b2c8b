/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/sim.h -- driven recurrent dynamics, streamed into observers.
 *
 * Model (arXiv:2504.13727):   tau dz/dt = -z + W f(z) + x(t)
 * with f in {identity, tanh, relu} and tau a scalar or one value per unit.
 * Feed-forward variant (the paper's feed-forward supplementary figure):
 * tau dz/dt = -z + f(W^T x(t)) (x W in the paper's row-vector notation); no
 * recurrence.
 *
 * One simulator, three methods (chosen by lrs_sim_params_t.method, as GSL's
 * gsl_odeiv2_step_type chooses a stepper), all on the grid t_n = n dt:
 *   lrs_sim_euler  forward Euler, the paper's scheme (the default):
 *                  z[n+1] = z[n] + (dt/tau) (-z[n] + W f(z[n]) + x[n]);
 *   lrs_sim_rk4    classical fourth-order Runge-Kutta at the same dt.  The
 *                  stages need the input at t_n, t_n + dt/2 and t_{n+1}:
 *                  sampled sources (noise, constants, steps) are taken
 *                  linear between the grid samples, x(t_n + dt/2) =
 *                  (x[n] + x[n+1]) / 2, and callbacks are called at the half
 *                  step.  The result is then within O(dt^4) of the model
 *                  driven by the piecewise-linear input through the samples
 *                  (the path the exact method integrates), and order 4 in
 *                  the continuous model when every input is a callback (or
 *                  constant).  For a smooth input sampled on the grid, the
 *                  interpolation error O(dt^2 x'') makes it order 2 in that
 *                  input's continuous model, with a small constant
 *                  (dt^2 |x''| / 8: ~1e-7 relative for the paper's
 *                  tau_x = 10 noise at dt = 0.01).  Recurrent mode only.
 *   lrs_sim_exact  the exact propagator of the LINEAR network (f = identity,
 *                  recurrent), z[n] = E z[n-1] + F0 x[n-1] + F1 x[n], exact
 *                  for input linear between the samples (lrs/exact.h); in
 *                  feed-forward mode the same step of tau dz/dt = -z + W^T x.
 *
 * Observers receive (z[n], x[n], r[n] = W f(z[n])) for every n in blocks.
 * Nothing stores the trajectory: memory is O(N^2 + block * N) per
 * trajectory.
 *
 * Inputs are a sum of sources: smooth noise (optionally mixed by a matrix),
 * constants, steps along directions over time windows, and user callbacks.
 *
 * Batches.  lrs_sim_batch_alloc advances K trajectories together: the same
 * W (and tau, dt, method), each trajectory with its own z0, its own inputs
 * and observers and optionally its own low-rank part, W_k = W + U_k S_k V_k^T
 * (a shared random part plus per-network structure, as in the paper's
 * Figure 3 cases).  Each step multiplies W by the K states at once.  Every
 * trajectory's numbers are bit-identical to a single run with the same
 * parameters (lrs_sim_alloc with p->lowrank = the part), because each column
 * is computed with exactly the arithmetic of the single-vector kernel.  The
 * shared pass over W is the AVX2 kernel's (N <= 362 on CPUs with AVX2/FMA:
 * two states per pass); elsewhere each state is one cblas_dgemv, the same
 * bits as a single run without the shared read.
 *
 * Divergence: if z becomes non-finite or ||z|| exceeds max_norm, the run stops
 * with LRS_EDIVERGE and a message giving the time and the largest real part
 * of the eigenvalues of W (the linear part).
 *
 * Per-step BLAS should be single-threaded (lrs_blas_set_threads(1)); run
 * independent simulations in parallel instead.
 */
#ifndef LRS_SIM_H
#define LRS_SIM_H

#include <signal.h>
#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/noise.h"
#include "lrs/observe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LRS_F_IDENTITY = 0, LRS_F_TANH = 1, LRS_F_RELU = 2 } lrs_sim_transfer_t;
typedef enum { LRS_SIM_RECURRENT = 0, LRS_SIM_FEEDFORWARD = 1 } lrs_sim_mode_t;

/* Parse "identity"/"linear", "tanh", "relu"; LRS_EINVAL otherwise. */
int lrs_sim_transfer_parse(const char *name, lrs_sim_transfer_t *f, lrs_err_t *err);
const char *lrs_sim_transfer_name(lrs_sim_transfer_t f);
/* out_i = f(z_i), i < n (out may equal z): the transfer function exactly as
 * the double-precision simulators evaluate it, for observers that need
 * f(z) of the states they are handed.  tanh is vectorised (AVX-512 or AVX2
 * when the CPU has them, the same bits on both): within 3 ulp of the
 * correctly rounded value, about ten times cheaper than libm's tanh. */
void lrs_sim_transfer_apply(lrs_sim_transfer_t f, size_t n, const double *z, double *out);

/* ------------------------------------------------------------------ inputs */
typedef struct lrs_input lrs_input_t;

/* User source: add the input at time t to x (length N). */
typedef int (*lrs_input_fn)(void *ctx, double t, gsl_vector *x, lrs_err_t *err);

int lrs_input_alloc(lrs_input_t **out, size_t N, lrs_err_t *err);
void lrs_input_free(lrs_input_t *in);
/* x += scale * mix^T xi(t), xi from `noise` (K channels, not owned).  mix is
 * K x N (copied); NULL means the identity (then K must equal N). */
int lrs_input_add_noise(lrs_input_t *in, lrs_noise_t *noise, double scale,
                        const gsl_matrix *mix, lrs_err_t *err);
/* x += c (copied). */
int lrs_input_add_constant(lrs_input_t *in, const gsl_vector *c, lrs_err_t *err);
/* x += amplitude * d for t_on <= t < t_off (d copied).  On the step grid the
 * window is the steps n with n_on <= n < n_off, n_on = round(t_on/dt),
 * n_off = round(t_off/dt). */
int lrs_input_add_step(lrs_input_t *in, double t_on, double t_off,
                       double amplitude, const gsl_vector *d, lrs_err_t *err);
/* x += fn(t).  Under the RK4 method the callback is also called at the
 * half steps t_n + dt/2 and again at t_n, t_{n+1} (three extra calls per
 * step, not in time order): it must be a function of t only. */
int lrs_input_add_callback(lrs_input_t *in, lrs_input_fn fn, void *ctx,
                           lrs_err_t *err);
/* Rows of X get the inputs at steps n0, n0+1, ... (t = n dt).  Noise sources
 * must be read in order (their position must equal n0). */
int lrs_input_fill(lrs_input_t *in, size_t n0, double dt, gsl_matrix *X,
                   lrs_err_t *err);

/* ------------------------------------------------------------------ methods */
typedef struct lrs_sim_method lrs_sim_method_t;

extern const lrs_sim_method_t *const lrs_sim_euler;
extern const lrs_sim_method_t *const lrs_sim_rk4;
extern const lrs_sim_method_t *const lrs_sim_exact;

/* "euler", "rk4", "exact" (NULL method: "euler"). */
const char *lrs_sim_method_name(const lrs_sim_method_t *m);
int lrs_sim_method_parse(const char *name, const lrs_sim_method_t **m, lrs_err_t *err);

/* ------------------------------------------------------------------ simulation */

/* Optional low-rank part of the connectivity: W_eff = W + U S V^T with U, V
 * N x r and S r x r (NULL: the identity).  All NULL: none.  Recurrent mode
 * only.  The product is applied factored (W f(z) + U (S (V^T f(z)))), which
 * is what makes a batch bit-identical to single runs. */
typedef struct lrs_sim_lowrank {
    const gsl_matrix *U, *S, *V;
} lrs_sim_lowrank_t;

/* Arithmetic of the dense product W f(z), the cost of every step.
 * LRS_SIM_DOUBLE: everything in double (the default).
 * LRS_SIM_FLOAT32: f(z) and the product with the dense W in float32 (the
 *   precision the paper's authors computed in, PyTorch's default), with a
 *   vectorised float tanh; a float W of N = 500 is 1 MB, half of a double
 *   one.  If every entry of W is a binary16 number (a half-precision model,
 *   or lrs_conn_round_binary16) and the CPU has AVX-512, W is kept in 16
 *   bits without loss (the same results, half the bytes again: N = 500 then
 *   stays in a 1 MB L2 cache).  The states, the inputs, the low-rank part
 *   U S V^T f(z) and everything observers see stay double.  Euler and RK4,
 *   recurrent mode.  Per entry the product's rounding is
 *   ~ N eps_float sum_j |W_ij f_j| (eps_float = 1.2e-7). */
typedef enum { LRS_SIM_DOUBLE = 0, LRS_SIM_FLOAT32 = 1 } lrs_sim_precision_t;

typedef struct lrs_sim_params {
    const gsl_matrix *W;        /* N x N connectivity (copied at alloc) */
    lrs_sim_transfer_t f;       /* transfer function */
    lrs_sim_mode_t mode;        /* recurrent (default) or feed-forward */
    const lrs_sim_method_t *method; /* lrs_sim_euler (default; NULL too), _rk4, _exact */
    lrs_sim_lowrank_t lowrank;  /* optional W + U S V^T (copied at alloc) */
    double tau;                 /* scalar time constant (used if tau_vec NULL) */
    const gsl_vector *tau_vec;  /* per-unit time constants, or NULL */
    double dt;                  /* time step (the exact method's step h) */
    double T;                   /* duration; nt = round(T/dt) steps */
    const gsl_vector *z0;       /* initial state (NULL: zeros) */
    double max_norm;            /* divergence bound on ||z|| (0: 1e8 * max(1, ||z0||)) */
    volatile sig_atomic_t *stop;/* if non-NULL and set, the run stops with LRS_EINTR */
    int serial;                 /* non-zero: no helper thread (see lrs_sim_run) */
    lrs_sim_precision_t precision; /* LRS_SIM_DOUBLE (default) or LRS_SIM_FLOAT32 */
} lrs_sim_params_t;

/* Defaults: Euler, identity, recurrent, tau = 1, dt = 0.01, everything else
 * 0/NULL. */
lrs_sim_params_t lrs_sim_params_default(void);

typedef struct lrs_sim lrs_sim_t;

/* One trajectory.  Checks every parameter (W square and finite, dt, T, tau,
 * z0, the low-rank part, and the method's needs: the exact method wants
 * f = identity and the recurrent mode, RK4 the recurrent mode). */
int lrs_sim_alloc(lrs_sim_t **out, const lrs_sim_params_t *p, lrs_err_t *err);
void lrs_sim_free(lrs_sim_t *s);
/* Run from z0 over nt steps, handing every block to each observer.  The
 * input's sources must be at their start (noise position 0).
 * Unless p->serial is set (or the run has fewer than 3 blocks), the run uses
 * one helper thread: while the calling thread integrates block k, the helper
 * hands block k-1 to the observers and fills the inputs of block k+1.  The
 * numbers and the error reported are the same as in a serial run; input
 * callbacks and observers are all called from the helper thread, one at a
 * time (never concurrently with each other). */
int lrs_sim_run(lrs_sim_t *s, lrs_input_t *in, const lrs_observer_t *obs,
                size_t nobs, lrs_err_t *err);
/* Final state z[nt-1] of the last run (length N). */
int lrs_sim_final_state(const lrs_sim_t *s, gsl_vector *z, lrs_err_t *err);
/* The largest ||z[n]|| and the largest |z_i[n]| over every state of the
 * last completed run, z0 included: how far a bounded (e.g. saturating or
 * chaotic) network strays.  Measured by the divergence check, which reads
 * every state anyway: no observer needed. */
int lrs_sim_extent(const lrs_sim_t *s, double *max_norm, double *max_abs, lrs_err_t *err);
size_t lrs_sim_steps(const lrs_sim_t *s);

/* K >= 1 trajectories of the network p (p->z0 and p->lowrank are ignored
 * when z0 / parts are given).  z0 (nullable): K initial states (an entry may
 * be NULL: zeros).  parts (nullable): K low-rank parts (an entry with all
 * NULL: none).  Memory O(N^2 + K (N r + block N)); the exact method keeps
 * one propagator per trajectory with a low-rank part. */
int lrs_sim_batch_alloc(lrs_sim_t **out, const lrs_sim_params_t *p, size_t K,
                        const gsl_vector *const *z0, const lrs_sim_lowrank_t *parts,
                        lrs_err_t *err);
/* Run all K trajectories: in[k] (K inputs, distinct objects) drives
 * trajectory k, whose blocks go to obs[k][0 .. nobs[k]-1] (obs and nobs may
 * be NULL: no observers).  Observers and input callbacks are called one at a
 * time, trajectory by trajectory, as in lrs_sim_run.  An error names the
 * trajectory ("trajectory 2: simulation diverged at t = ...") and stops all. */
int lrs_sim_batch_run(lrs_sim_t *s, lrs_input_t *const *in,
                      const lrs_observer_t *const *obs, const size_t *nobs,
                      lrs_err_t *err);
/* Final state of trajectory k. */
int lrs_sim_batch_final_state(const lrs_sim_t *s, size_t k, gsl_vector *z,
                              lrs_err_t *err);
/* lrs_sim_extent of trajectory k. */
int lrs_sim_batch_extent(const lrs_sim_t *s, size_t k, double *max_norm, double *max_abs,
                         lrs_err_t *err);
size_t lrs_sim_batch_size(const lrs_sim_t *s);

#ifdef __cplusplus
}
#endif
#endif
