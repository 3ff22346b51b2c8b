/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Noise-run plumbing of the figure programs (see nb_noise.h). */
#include "nb_noise.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "nb.h"

int nb_noise_src_init(nb_noise_src_t *s, size_t N, unsigned long seed, double z0_sd,
                      double tau_x, double sigma_x, double dt, lrs_err_t *err)
{
    int rc;
    memset(s, 0, sizeof *s);
    s->rng = nb_rng(seed);
    s->z0 = gsl_vector_alloc(N);
    if (!s->rng || !s->z0)
        return lrs_err_set(err, LRS_ENOMEM, "nb_noise_src_init: out of memory");
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(s->z0, i, z0_sd * gsl_ran_gaussian(s->rng, 1.0));
    if ((rc = lrs_noise_alloc(&s->noise, N, tau_x, sigma_x, dt, s->rng, err)) != 0)
        return rc;
    if ((rc = lrs_input_alloc(&s->in, N, err)) != 0)
        return rc;
    return lrs_input_add_noise(s->in, s->noise, 1.0, NULL, err);
}

void nb_noise_src_free(nb_noise_src_t *s)
{
    lrs_input_free(s->in);
    lrs_noise_free(s->noise);
    if (s->z0)
        gsl_vector_free(s->z0);
    if (s->rng)
        gsl_rng_free(s->rng);
    memset(s, 0, sizeof *s);
}

/* Rows i0, i0 + every, ... (cnt rows) of M as a strided view. */
#define ROWS_VIEW(M, i0, cnt, every)                                           \
    gsl_matrix_const_view_array_with_tda((M)->data + (i0) * (M)->tda, (cnt), (M)->size2, \
                                         (M)->tda * (every))

static int dec_cov_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    nb_dec_cov_t *d = self;
    size_t rows = b->Z->size1;
    size_t n_start = (size_t)fmax(0.0, ceil(d->t_start / b->dt - 1e-9));
    size_t n_end = d->t_end > 0 ? (size_t)ceil(d->t_end / b->dt - 1e-9) : b->n0 + rows;
    if (n_end > b->n0 + rows)
        n_end = b->n0 + rows;
    size_t n = b->n0 > n_start ? b->n0 : n_start;
    n = (n + d->every - 1) / d->every * d->every; /* first multiple of every */
    if (n >= n_end)
        return 0;
    size_t i0 = n - b->n0, cnt = (n_end - n + d->every - 1) / d->every;
    gsl_matrix_const_view Zv = ROWS_VIEW(b->Z, i0, cnt, d->every);
    int rc = lrs_cov_add_block(d->cz, &Zv.matrix, err);
    if (rc || !d->cx)
        return rc;
    gsl_matrix_const_view Xv = ROWS_VIEW(b->X, i0, cnt, d->every);
    return lrs_cov_add_block(d->cx, &Xv.matrix, err);
}

lrs_observer_t nb_dec_cov_observer(nb_dec_cov_t *d)
{
    return (lrs_observer_t){dec_cov_observe, d, 0};
}

void nb_noise_check(const lrs_err_t *const *errs, const char *const *what, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (errs[i]->code)
            nb_die(errs[i], what[i] ? what[i] : "noise run");
}
