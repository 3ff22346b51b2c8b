/* SPDX-License-Identifier: GPL-3.0-or-later */
/* networks.c -- the modular E/I and spatial ring networks; see networks.h. */
#include "networks.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_fft_real.h>
#include "lrs/connectivity.h"
#include "lrs/spectra.h"

/* arXiv:2504.13727, Fig 4: N = 200, Ne = 150, jee = 0.5, jei = -2, jie = 1,
 * jii = -1 (over sqrt N), rho = 0.5, tau_e = 2, tau_i = 1, f = tanh; step
 * input c_x = 10 along u on [15, 35) and along u_rand on [60, 80), T = 100. */
net_modular_params_t net_modular_fig4(void)
{
    net_modular_params_t p = {
        .N = 200, .Ne = 150,
        .jee = 0.5, .jei = -2.0, .jie = 1.0, .jii = -1.0,
        .rho = 0.5, .tau_e = 2.0, .tau_i = 1.0, .f = LRS_F_TANH,
        .steps = {.c_x = 10.0, .on_u = 15, .off_u = 35, .on_r = 60, .off_r = 80, .T = 100},
        .seed = 4,
    };
    return p;
}

/* arXiv:2504.13727, Fig 5: N = 200, c = -0.5, sigma_w = 0.05, rho = 0.1,
 * tau = 1, f = tanh; constant inputs of strength c_x = 1 for T = 100 along a
 * wrapped Gaussian bump of width 0.1 centred at 0.5 and along u_rand. */
net_ring_params_t net_ring_fig5(void)
{
    net_ring_params_t p = {
        .N = 200, .c = -0.5, .sigma_w = 0.05, .rho = 0.1, .tau = 1.0, .f = LRS_F_TANH,
        .bump_width = 0.1, .bump_centre = 0.5, .c_x = 1.0, .T = 100.0,
        .seed = 5,
    };
    return p;
}

/* Record n "%g" parameters (keys and values side by side) with nb_param. */
static void param_list(const char *const *keys, const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nb_param(keys[i], "%g", values[i]);
}

void net_modular_param(const net_modular_params_t *p)
{
    const net_steps_t *s = &p->steps;
    static const char *const coupling[] = {"jee", "jei", "jie", "jii", "rho", "tau_e", "tau_i"};
    static const char *const steps[] = {"step_c_x", "on_u", "off_u", "on_r", "off_r", "T_step"};
    const double cv[] = {p->jee, p->jei, p->jie, p->jii, p->rho, p->tau_e, p->tau_i};
    const double sv[] = {s->c_x, s->on_u, s->off_u, s->on_r, s->off_r, s->T};
    nb_param("Ne", "%zu", p->Ne);
    nb_param("Ni", "%zu", p->N - p->Ne);
    param_list(coupling, cv, sizeof cv / sizeof cv[0]);
    nb_param("f", "%s", lrs_sim_transfer_name(p->f));
    param_list(steps, sv, sizeof sv / sizeof sv[0]);
}

void net_ring_param(const net_ring_params_t *p)
{
    static const char *const before[] = {"c", "sigma_w", "rho", "tau"};
    static const char *const after[] = {"bump_width", "bump_centre", "ring_c_x", "T_run"};
    const double bv[] = {p->c, p->sigma_w, p->rho, p->tau};
    const double av[] = {p->bump_width, p->bump_centre, p->c_x, p->T};
    param_list(before, bv, sizeof bv / sizeof bv[0]);
    nb_param("f", "%s", lrs_sim_transfer_name(p->f));
    param_list(after, av, sizeof av / sizeof av[0]);
}

void net_free(net_t *net)
{
    if (!net)
        return;
    gsl_matrix_free(net->W0);
    gsl_matrix_free(net->W);
    gsl_vector_free(net->s0);
    gsl_matrix_free(net->U0);
    gsl_matrix_free(net->V0);
    gsl_vector_free(net->u);
    gsl_vector_free(net->v);
    gsl_vector_free(net->u_rand);
    gsl_vector_free(net->tau);
    free(net);
}

/* Allocate every field but tau (N x N matrices, length-N vectors). */
static int net_alloc(size_t N, net_t **out, lrs_err_t *err)
{
    net_t *net = calloc(1, sizeof *net);
    if (!net)
        return lrs_err_set(err, LRS_ENOMEM, "net_alloc: out of memory (N = %zu)", N);
    net->N = N;
    net->W0 = gsl_matrix_calloc(N, N);
    net->W = gsl_matrix_alloc(N, N);
    net->s0 = gsl_vector_alloc(N);
    net->U0 = gsl_matrix_alloc(N, N);
    net->V0 = gsl_matrix_alloc(N, N);
    net->u = gsl_vector_alloc(N);
    net->v = gsl_vector_alloc(N);
    net->u_rand = gsl_vector_alloc(N);
    if (!net->W0 || !net->W || !net->s0 || !net->U0 || !net->V0 || !net->u || !net->v ||
        !net->u_rand) {
        net_free(net);
        return lrs_err_set(err, LRS_ENOMEM, "net_alloc: out of memory (N = %zu)", N);
    }
    *out = net;
    return LRS_OK;
}

/* Given W0: W = W0 + rho G / sqrt(N) (first draws), u_rand (next draw), the
 * SVD of W0 and its top pair (u, v) with u summing to a positive number. */
static int net_complete(net_t *net, double rho, gsl_rng *rng, lrs_err_t *err)
{
    int rc;
    gsl_matrix_memcpy(net->W, net->W0);
    if ((rc = lrs_conn_add_gaussian(net->W, rho, rng, err)) != LRS_OK)
        return rc;
    if ((rc = lrs_conn_random_unit(rng, net->u_rand, err)) != LRS_OK)
        return rc;
    if ((rc = lrs_spectra_svd(net->W0, net->s0, net->U0, net->V0, err)) != LRS_OK)
        return rc;
    gsl_matrix_get_col(net->u, net->U0, 0);
    gsl_matrix_get_col(net->v, net->V0, 0);
    double usum = 0;
    for (size_t i = 0; i < net->N; i++)
        usum += gsl_vector_get(net->u, i);
    if (usum < 0) {
        gsl_vector_scale(net->u, -1.0);
        gsl_vector_scale(net->v, -1.0);
    }
    return LRS_OK;
}

int net_modular_build(const net_modular_params_t *p, gsl_rng *rng, net_t **out,
                      lrs_err_t *err)
{
    if (!p || !rng || !out)
        return lrs_err_set(err, LRS_EINVAL, "net_modular_build: NULL argument");
    if (p->Ne == 0 || p->Ne >= p->N)
        return lrs_err_set(err, LRS_EINVAL, "net_modular_build: Ne = %zu; need 0 < Ne < N = %zu",
                           p->Ne, p->N);
    net_t *net = NULL;
    int rc = net_alloc(p->N, &net, err);
    if (rc != LRS_OK)
        return rc;
    const size_t sizes[2] = {p->Ne, p->N - p->Ne};
    const double rs = 1.0 / sqrt((double)p->N);
    const double means[4] = {p->jee * rs, p->jei * rs, p->jie * rs, p->jii * rs};
    if ((rc = lrs_conn_modular(net->W0, sizes, 2, means, err)) != LRS_OK)
        goto done;
    if ((rc = net_complete(net, p->rho, rng, err)) != LRS_OK)
        goto done;
    net->tau = gsl_vector_alloc(p->N);
    if (!net->tau) {
        rc = lrs_err_set(err, LRS_ENOMEM, "net_modular_build: out of memory");
        goto done;
    }
    for (size_t i = 0; i < p->N; i++)
        gsl_vector_set(net->tau, i, i < p->Ne ? p->tau_e : p->tau_i);
done:
    if (rc != LRS_OK)
        net_free(net);
    else
        *out = net;
    return rc;
}

int net_ring_build(const net_ring_params_t *p, gsl_rng *rng, net_t **out, lrs_err_t *err)
{
    if (!p || !rng || !out)
        return lrs_err_set(err, LRS_EINVAL, "net_ring_build: NULL argument");
    net_t *net = NULL;
    int rc = net_alloc(p->N, &net, err);
    if (rc != LRS_OK)
        return rc;
    if ((rc = lrs_conn_ring(net->W0, p->c, p->sigma_w, err)) != LRS_OK)
        goto done;
    rc = net_complete(net, p->rho, rng, err);
done:
    if (rc != LRS_OK)
        net_free(net);
    else
        *out = net;
    return rc;
}

int net_ring_bump(const net_ring_params_t *p, gsl_vector *bump, lrs_err_t *err)
{
    if (!p || !bump || bump->size != p->N)
        return lrs_err_set(err, LRS_EINVAL, "net_ring_bump: bump must have length N = %zu",
                           p ? p->N : 0);
    for (size_t i = 0; i < p->N; i++)
        gsl_vector_set(bump, i,
                       lrs_conn_wrapped_gaussian((double)i / (double)p->N - p->bump_centre,
                                                 p->bump_width));
    double nrm = gsl_blas_dnrm2(bump);
    if (!(nrm > 0) || !isfinite(nrm))
        return lrs_err_set(err, LRS_ENUMERIC, "net_ring_bump: bump has norm %g", nrm);
    gsl_vector_scale(bump, 1.0 / nrm);
    return LRS_OK;
}

/* DFT of a real vector x (length N) by GSL's mixed-radix real FFT: on return
 * data holds the half-complex packing (data[0] = Re X_0, then Re X_k, Im X_k
 * for k = 1 .. ceil(N/2) - 1, and Re X_{N/2} last when N is even). */
static int real_dft(const gsl_vector *x, double *data, lrs_err_t *err)
{
    size_t N = x->size;
    for (size_t i = 0; i < N; i++)
        data[i] = gsl_vector_get(x, i);
    gsl_fft_real_wavetable *wt = gsl_fft_real_wavetable_alloc(N);
    gsl_fft_real_workspace *ws = gsl_fft_real_workspace_alloc(N);
    int rc = LRS_OK;
    if (!wt || !ws)
        rc = lrs_err_set(err, LRS_ENOMEM, "real_dft: out of memory (N = %zu)", N);
    else if (gsl_fft_real_transform(data, 1, N, wt, ws) != 0)
        rc = lrs_err_set(err, LRS_ENUMERIC, "real_dft: FFT of length %zu failed", N);
    gsl_fft_real_wavetable_free(wt);
    gsl_fft_real_workspace_free(ws);
    return rc;
}

/* |X_k|^2 from the half-complex packing, k = 0 .. N/2. */
static double hc_power(const double *data, size_t N, size_t k)
{
    if (k == 0)
        return data[0] * data[0];
    if (2 * k == N)
        return data[N - 1] * data[N - 1];
    double re = data[2 * k - 1], im = data[2 * k];
    return re * re + im * im;
}

int net_ring_fourier_eigs(const gsl_matrix *W0, gsl_vector *lambda, lrs_err_t *err)
{
    if (!W0 || !lambda || W0->size1 != W0->size2 || lambda->size != W0->size1)
        return lrs_err_set(err, LRS_EINVAL,
                           "net_ring_fourier_eigs: W0 must be square and lambda of its size");
    size_t N = W0->size1;
    double *data = malloc(N * sizeof *data);
    if (!data)
        return lrs_err_set(err, LRS_ENOMEM, "net_ring_fourier_eigs: out of memory");
    gsl_vector_const_view row = gsl_matrix_const_row(W0, 0);
    int rc = real_dft(&row.vector, data, err);
    if (rc == LRS_OK)
        for (size_t k = 0; k < N; k++) {
            size_t m = k <= N / 2 ? k : N - k; /* lambda_k = lambda_{N-k} */
            gsl_vector_set(lambda, k, m == 0 ? data[0]
                                      : 2 * m == N ? data[N - 1] : data[2 * m - 1]);
        }
    free(data);
    return rc;
}

int net_fourier_power(const gsl_vector *x, gsl_vector *pw, lrs_err_t *err)
{
    if (!x || !pw || x->size < 2 || pw->size != x->size / 2 + 1)
        return lrs_err_set(err, LRS_EINVAL,
                           "net_fourier_power: x has length %zu; pw must have length %zu",
                           x ? x->size : 0, x ? x->size / 2 + 1 : 0);
    size_t N = x->size;
    double *data = malloc(N * sizeof *data);
    if (!data)
        return lrs_err_set(err, LRS_ENOMEM, "net_fourier_power: out of memory");
    int rc = real_dft(x, data, err);
    if (rc == LRS_OK) {
        double total = 0;
        for (size_t k = 0; k <= N / 2; k++) {
            double p = hc_power(data, N, k) * ((k == 0 || 2 * k == N) ? 1.0 : 2.0);
            gsl_vector_set(pw, k, p);
            total += p;
        }
        if (total > 0)
            gsl_vector_scale(pw, 1.0 / total);
    }
    free(data);
    return rc;
}

int net_lastpc_angles(const net_t *net, const gsl_vector *uN, size_t k, double *ang_span,
                      double *ang_IW, lrs_err_t *err)
{
    if (!net || !uN || !ang_span || !ang_IW || uN->size != net->N || k == 0 || k > net->N)
        return lrs_err_set(err, LRS_EINVAL, "net_lastpc_angles: bad arguments (k = %zu)", k);
    size_t N = net->N;
    gsl_matrix *IW = gsl_matrix_alloc(N, N), *Ul = gsl_matrix_alloc(N, N),
               *Vr = gsl_matrix_alloc(N, N);
    gsl_vector *s = gsl_vector_alloc(N), *ang = gsl_vector_alloc(1);
    int rc = LRS_OK;
    if (!IW || !Ul || !Vr || !s || !ang) {
        rc = lrs_err_set(err, LRS_ENOMEM, "net_lastpc_angles: out of memory (N = %zu)", N);
        goto done;
    }
    gsl_matrix_set_identity(IW);
    gsl_matrix_sub(IW, net->W);
    if ((rc = lrs_spectra_svd(IW, s, Ul, Vr, err)) != LRS_OK)
        goto done;
    gsl_vector_view vtop = gsl_matrix_column(Vr, 0);
    if ((rc = lrs_spectra_line_angle_deg(uN, &vtop.vector, ang_IW, err)) != LRS_OK)
        goto done;
    gsl_matrix_const_view Us = gsl_matrix_const_submatrix(net->U0, 0, 0, N, k);
    gsl_matrix_const_view uNm = gsl_matrix_const_view_vector(uN, N, 1);
    if ((rc = lrs_spectra_subspace_angles(&uNm.matrix, &Us.matrix, ang, err)) != LRS_OK)
        goto done;
    *ang_span = gsl_vector_get(ang, 0);
done:
    gsl_matrix_free(IW);
    gsl_matrix_free(Ul);
    gsl_matrix_free(Vr);
    gsl_vector_free(s);
    gsl_vector_free(ang);
    return rc;
}

double net_var_along(const gsl_matrix *C, const gsl_vector *d)
{
    gsl_vector *Cd = gsl_vector_alloc(d->size);
    double q = NAN;
    if (Cd) {
        gsl_blas_dsymv(CblasUpper, 1.0, C, d, 0.0, Cd);
        gsl_blas_ddot(d, Cd, &q);
        gsl_vector_free(Cd);
    }
    return q;
}

double net_median_sorted(const gsl_vector *v)
{
    size_t m = v->size;
    return m % 2 ? gsl_vector_get(v, m / 2)
                 : 0.5 * (gsl_vector_get(v, m / 2 - 1) + gsl_vector_get(v, m / 2));
}

study_params_t net_study_params(const nb_args_t *a, const net_t *net, lrs_sim_transfer_t f,
                                double tau, const net_noise_t *nz)
{
    study_params_t sp = study_params_default(a);
    sp.W = net->W;
    sp.u = net->u;
    sp.v = net->v;
    sp.u_rand = net->u_rand;
    sp.nextra = 1;
    sp.extra[0] = net->v;
    sp.extra_name[0] = "v";
    sp.f = f;
    sp.tau = tau;
    sp.tau_vec = net->tau;
    sp.dt = nz->dt;
    sp.tau_x = nz->tau_x;
    sp.sigma_x = nz->sigma_x;
    sp.T_noise = a->fast ? nz->T_fast : nz->T;
    sp.t_discard = nz->t_discard;
    sp.theory = 1;
    return sp;
}

void net_study_record_params(const study_params_t *sp, const net_noise_t *nz)
{
    study_record_params(sp, NULL);
    nb_param("t_discard", "%g", nz->t_discard);
}

void net_summary_lastpc(const nb_args_t *a, const net_t *net, const study_params_t *sp,
                        const study_result_t *r, size_t k)
{
    lrs_err_t err = {0};
    double ang_span, ang_IW;
    NB_TRY(net_lastpc_angles(net, r->uN, k, &ang_span, &ang_IW, &err), &err);
    const gsl_vector *vx = r->pca_x->var;
    nb_summary("x_median_over_lastpc", "%.2f",
               net_median_sorted(vx) / gsl_vector_get(vx, vx->size - 1));
    nb_summary("angle_uN_span_W0_deg", "%.1f", ang_span);
    nb_summary("angle_uN_top_right_sv_I_minus_W_deg", "%.1f", ang_IW);
    nb_summary("seed", "%lu", a->seed);
    if (a->fast)
        nb_note("fast run (T = %g): statistics from a short run", sp->T_noise);
}

void net_write_overlap(const nb_args_t *a, const net_t *net, gsl_vector *sP)
{
    lrs_err_t err = {0};
    gsl_matrix *P = gsl_matrix_alloc(2, 2);
    NB_TRY(lrs_spectra_overlap(net->W0, 2, P, sP, &err), &err);
    FILE *fp = nb_tsv(a, "P.tsv", "overlap matrix P = U^T V of the top-2 part of W0",
                      "row\tcol\tP");
    for (size_t i = 0; i < 2; i++) {
        for (size_t j = 0; j < 2; j++)
            fprintf(fp, "%zu\t%zu\t%.6f\n", i + 1, j + 1, gsl_matrix_get(P, i, j));
        fputc('\n', fp);
    }
    gsl_matrix_free(P);
}
