/*
 * lrs/fastsim.h -- K related networks advanced together in float32.
 *
 * The model of lrs/sim.h (arXiv:2504.13727, s.2),
 *
 *     tau dz_k/dt = -z_k + W_k f(z_k) + x_k(t),     k = 0 .. K-1,
 *
 * for K networks that share a dense part and differ by low-rank parts:
 *
 *     W_k = D + L_k R_k^T      (D: N x N; L_k, R_k: N x r_k, r_k may be 0).
 *
 * This is the structure of the paper's Figure 3 (one random part W1 = D, four
 * overlap structures U S V^T = L_k R_k^T) and of seed sweeps with a shared
 * random part.  Per step the K products D f(z_k) are one pass over D (a
 * K-vector product, src/kernel.h), so K trajectories cost little more than
 * one while D stays in cache.
 *
 * Precision: D and f(z) are float32 (the precision the authors computed in;
 * a float D of N = 500 is 1 MB and stays in a core's L2, a double one does
 * not), the products accumulate in float.  The states z_k, the inputs, the
 * low-rank terms L_k (R_k^T f(z_k)) (accumulated in double: they carry the
 * strong feedback) and everything handed to observers are double.
 *
 * Methods, step dt, t_n = n dt, input held at x[n] over each step (the same
 * piecewise-constant input for both methods, so they solve the same ODE):
 *   Euler:  z[n+1] = z[n] + dt g(z[n])
 *   RK4:    classical Runge-Kutta, k1 = g(z), k2 = g(z + dt/2 k1),
 *           k3 = g(z + dt/2 k2), k4 = g(z + dt k3),
 *           z[n+1] = z[n] + dt/6 (k1 + 2 k2 + 2 k3 + k4)
 * with g(z) = (-z + W_k f(z) + x[n]) / tau.  Cost per step: 1 (Euler) or 4
 * (RK4) K-vector products, 2 K N^2 flops each.
 *
 * Observers see, per trajectory, the blocks of lrs/observe.h (Z and X; R is
 * not provided).  Nothing stores a trajectory: memory O(N^2 + K B N).
 * Same inputs, same numbers: trajectory k of a batch gives exactly the bits
 * of the same network run alone (K = 1).
 */
#ifndef LRS_FASTSIM_H
#define LRS_FASTSIM_H

#include <signal.h>
#include <gsl/gsl_matrix.h>
#include "lrs/common.h"
#include "lrs/observe.h"
#include "lrs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LRS_FASTSIM_EULER = 0, LRS_FASTSIM_RK4 = 1 } lrs_fastsim_method_t;

typedef struct lrs_fastsim_params {
    const gsl_matrix *D;          /* N x N shared dense part (copied to float) */
    size_t K;                     /* trajectories, >= 1 */
    const gsl_matrix *const *L;   /* K left factors (N x r_k, NULL entry: none), or NULL */
    const gsl_matrix *const *R;   /* K right factors (N x r_k), or NULL */
    lrs_sim_transfer_t f;         /* identity, tanh or relu */
    lrs_fastsim_method_t method;  /* Euler (default) or RK4 */
    double tau, dt, T;            /* time constant, step, duration (nt = round(T/dt)) */
    const gsl_vector *const *z0;  /* K initial states (NULL or NULL entry: zeros) */
    double max_norm;              /* divergence bound on ||z_k|| (0: 1e8 max(1, ||z0_k||)) */
    volatile sig_atomic_t *stop;  /* if set, the run stops with LRS_EINTR */
} lrs_fastsim_params_t;

/* Defaults: K = 1, identity, Euler, tau = 1, dt = 0.01, everything else 0/NULL. */
lrs_fastsim_params_t lrs_fastsim_params_default(void);

typedef struct lrs_fastsim lrs_fastsim_t;

int lrs_fastsim_alloc(lrs_fastsim_t **out, const lrs_fastsim_params_t *p, lrs_err_t *err);
void lrs_fastsim_free(lrs_fastsim_t *s);
/* Run the K trajectories from their z0 over nt steps.  in[k]: trajectory k's
 * input (at its start); obs[k]: its nobs[k] observers (obs may be NULL when
 * every nobs[k] is 0, nobs may be NULL for none).  Observers are called in
 * trajectory order, block by block, from the calling thread. */
int lrs_fastsim_run(lrs_fastsim_t *s, lrs_input_t *const *in,
                    const lrs_observer_t *const *obs, const size_t *nobs,
                    lrs_err_t *err);
size_t lrs_fastsim_steps(const lrs_fastsim_t *s);
/* Final state of trajectory k after a completed run. */
int lrs_fastsim_final_state(const lrs_fastsim_t *s, size_t k, gsl_vector *z, lrs_err_t *err);

#ifdef __cplusplus
}
#endif
#endif
