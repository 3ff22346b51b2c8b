/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Perturbation inputs (lrs/perturb.h): the optimally suppressed input of the
 * rank-one non-normal network and the step protocol of Figs 1-2.
 */
#include "lrs/perturb.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>

#include "la_internal.h"

/*
 * u_opt = normalize(u + (W1 v - v)/c)   (arXiv:2504.13727, Fig. 2: the optimally
 * suppressed input).
 * Why: with W = c u v^T + W1 and |v| = 1, (I - W) v = -c (u + (W1 v - v)/c),
 * so the quasi-static response to u_opt is parallel to v.
 * Storage: one dgemv into uopt, then two axpys and a scale.
 */
int lrs_perturb_uopt(const gsl_matrix *W1, double c, const gsl_vector *u,
                     const gsl_vector *v, gsl_vector *uopt, lrs_err_t *err)
{
    static const char *fn = "lrs_perturb_uopt";
    if (!u || !v || !uopt)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !u ? "u" : !v ? "v" : "uopt");
    size_t N = u->size;
    if (v->size != N || uopt->size != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: u has %zu entries, v %zu, uopt %zu", fn, N,
                           v->size, uopt->size);
    if (W1 && (W1->size1 != N || W1->size2 != N))
        return lrs_err_set(err, LRS_EINVAL, "%s: W1 is %zux%zu; expected %zux%zu", fn,
                           W1->size1, W1->size2, N, N);
    if (!isfinite(c) || !la_vector_finite(u) || !la_vector_finite(v) ||
        (W1 && !la_matrix_finite(W1)))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: non-finite value in c, u, v or W1", fn);
    if (c == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: c = 0; u_opt needs a non-zero low-rank part", fn);
    if (uopt == u || uopt == v)
        return lrs_err_set(err, LRS_EINVAL, "%s: uopt must not alias u or v", fn);
    if (W1)
        gsl_blas_dgemv(CblasNoTrans, 1.0 / c, W1, v, 0.0, uopt);
    else
        gsl_vector_set_zero(uopt);
    gsl_blas_daxpy(-1.0 / c, v, uopt);
    gsl_blas_daxpy(1.0, u, uopt);
    double nrm = gsl_blas_dnrm2(uopt);
    if (!(nrm > 0))
        return lrs_err_set(err, LRS_ENUMERIC, "%s: u + (W1 v - v)/c is zero", fn);
    gsl_vector_scale(uopt, 1.0 / nrm);
    return LRS_OK;
}

lrs_perturb_windows_t lrs_perturb_windows_default(void)
{
    lrs_perturb_windows_t w = { 15.0, 40.0, 55.0, 80.0, 100.0, 1.0 };
    return w;
}

/*
 * Step protocol: two lrs_input_add_step sources on one lrs_input_t, one
 * lrs_probe at {off1, off2}, one lrs_sim_run.  Memory O(N^2) (the simulator
 * copies W); nothing of the trajectory is kept besides the two states.
 */
int lrs_perturb_step(const lrs_sim_params_t *p, const gsl_vector *d_aligned,
                     const gsl_vector *d_random, const lrs_perturb_windows_t *win,
                     const lrs_observer_t *extra, size_t nextra,
                     lrs_step_result_t *res, lrs_err_t *err)
{
    static const char *fn = "lrs_perturb_step";
    lrs_sim_t *sim = NULL;
    lrs_input_t *in = NULL;
    lrs_probe_t *probe = NULL;
    lrs_observer_t *obs = NULL;
    int rc = LRS_OK;

    if (!p || !p->W || !d_aligned || !d_random || !res)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn,
                           !p ? "p" : !p->W ? "p->W" : !d_aligned ? "d_aligned"
                           : !d_random ? "d_random" : "res");
    if (nextra && !extra)
        return lrs_err_set(err, LRS_EINVAL, "%s: extra is NULL but nextra = %zu", fn, nextra);
    size_t N = p->W->size1;
    if (p->W->size1 != p->W->size2)
        return lrs_err_set(err, LRS_EINVAL, "%s: W is %zux%zu; expected square", fn,
                           p->W->size1, p->W->size2);
    if (d_aligned->size != N || d_random->size != N)
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: W is %zux%zu; d_aligned has %zu entries, d_random %zu", fn, N, N,
                           d_aligned->size, d_random->size);
    if ((res->z_aligned && res->z_aligned->size != N) || (res->z_random && res->z_random->size != N))
        return lrs_err_set(err, LRS_EINVAL, "%s: result state vectors must have %zu entries", fn, N);
    lrs_perturb_windows_t w = win ? *win : lrs_perturb_windows_default();
    if (!isfinite(w.on1) || !isfinite(w.off1) || !isfinite(w.on2) || !isfinite(w.off2) ||
        !isfinite(w.T) || !isfinite(w.c_x))
        return lrs_err_set(err, LRS_ENONFINITE, "%s: non-finite window, T or c_x", fn);
    if (!(w.on1 >= 0 && w.on1 < w.off1 && w.off1 <= w.T && w.on2 >= 0 && w.on2 < w.off2 &&
          w.off2 <= w.T) || !(w.off1 > p->dt && w.off2 > p->dt))
        return lrs_err_set(err, LRS_EINVAL,
                           "%s: windows [%g, %g) and [%g, %g) must satisfy 0 <= on < off <= T = %g "
                           "and off > dt", fn, w.on1, w.off1, w.on2, w.off2, w.T);

    lrs_sim_params_t q = *p;
    q.T = w.T;
    double times[2] = { w.off1, w.off2 };
    if ((rc = lrs_sim_alloc(&sim, &q, err)) || (rc = lrs_input_alloc(&in, N, err)) ||
        (rc = lrs_input_add_step(in, w.on1, w.off1, w.c_x, d_aligned, err)) ||
        (rc = lrs_input_add_step(in, w.on2, w.off2, w.c_x, d_random, err)) ||
        (rc = lrs_probe_alloc(&probe, N, times, 2, err)))
        goto done;
    obs = malloc((nextra + 1) * sizeof *obs);
    if (!obs) {
        rc = lrs_err_set(err, LRS_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    obs[0] = lrs_probe_observer(probe);
    for (size_t i = 0; i < nextra; i++)
        obs[i + 1] = extra[i];
    if ((rc = lrs_sim_run(sim, in, obs, nextra + 1, err)))
        goto done;
    if ((rc = lrs_probe_norm(probe, 0, &res->norm_aligned, err)) ||
        (rc = lrs_probe_norm(probe, 1, &res->norm_random, err)))
        goto done;
    if (res->z_aligned && (rc = lrs_probe_get(probe, 0, res->z_aligned, err)))
        goto done;
    if (res->z_random && (rc = lrs_probe_get(probe, 1, res->z_random, err)))
        goto done;
    res->ratio = res->norm_aligned > 0 ? res->norm_random / res->norm_aligned : INFINITY;
    double max_abs;
    rc = lrs_sim_extent(sim, &res->max_norm, &max_abs, err);
done:
    free(obs);
    lrs_probe_free(probe);
    lrs_input_free(in);
    lrs_sim_free(sim);
    return rc;
}
