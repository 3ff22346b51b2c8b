/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nb_noise.h -- the noise-run plumbing shared by the figure programs that
 * drive a network with smooth Gaussian noise on every unit and keep the
 * covariances of z and x (fig3.c, figS-theory.c).
 *
 * A run's stream: one generator seeded with the run's seed draws the initial
 * state z0 = z0_sd randn first, then the noise (lrs/noise.h), so each run is
 * reproducible from its seed alone.
 *
 * Workers run on nb_parallel's threads: they never print or exit; a failed
 * library call leaves its error in the worker's lrs_err_t and the name of the
 * call in `what` (NB_RUN_TRY), and main reports it after the runs.
 */
#ifndef LRS_NB_NOISE_H
#define LRS_NB_NOISE_H

#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>
#include "lrs/common.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/pca.h"
#include "lrs/sim.h"

/* In a worker with `int rc` and a `done:` cleanup label: run `call`; on
 * failure record its text in *(what_ptr) and jump to done. */
#define NB_RUN_TRY(what_ptr, call)                                             \
    do {                                                                       \
        if ((rc = (call)) != 0) {                                              \
            *(what_ptr) = #call;                                               \
            goto done;                                                         \
        }                                                                      \
    } while (0)

/* Initial state and smooth-noise input of one run (owned; nb_noise_src_free). */
typedef struct nb_noise_src {
    gsl_rng *rng;
    gsl_vector *z0;
    lrs_noise_t *noise;
    lrs_input_t *in;
} nb_noise_src_t;

/* z0 = z0_sd randn (N), then input x = smooth noise (tau_x, sigma_x, step
 * dt) on every unit, all from one generator seeded with `seed`. */
int nb_noise_src_init(nb_noise_src_t *s, size_t N, unsigned long seed, double z0_sd,
                      double tau_x, double sigma_x, double dt, lrs_err_t *err);
void nb_noise_src_free(nb_noise_src_t *s);

/* Covariances of z (and of x if cx is not NULL) over every `every`-th step n
 * (n a multiple of every) with t_start <= n dt < t_end (t_end <= 0: to the
 * end), taken as strided views of the block (no copies). */
typedef struct nb_dec_cov {
    lrs_cov_t *cz, *cx;
    size_t every;
    double t_start, t_end;
} nb_dec_cov_t;

lrs_observer_t nb_dec_cov_observer(nb_dec_cov_t *d);

/* Report the first failed worker (err.code != 0) with nb_die; errs[i] and
 * what[i] are worker i's. */
void nb_noise_check(const lrs_err_t *const *errs, const char *const *what, size_t n);

#endif
