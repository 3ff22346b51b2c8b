/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dormand-Prince 5(4) adaptive integrator (src/ode_internal.h has the maths,
 * storage and cost).
 */
#include "ode_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Butcher tableau (Dormand & Prince 1980, Table 2). */
static const double C[7] = {0.0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0, 1.0};
static const double A[7][6] = {
    {0},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    {35.0 / 384, 0.0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
};
/* b - b*: fifth-order weights (row 6 of A) minus the embedded fourth-order
 * ones (5179/57600, 0, 7571/16695, 393/640, -92097/339200, 187/2100, 1/40). */
static const double E[7] = {71.0 / 57600,      0.0,          -71.0 / 16695, 71.0 / 1920,
                            -17253.0 / 339200, 22.0 / 525,   -1.0 / 40};

lrs_ode_t *lrs_ode_alloc(size_t n, lrs_ode_rhs_fn f, void *ctx, double h0, double eps_abs,
                 double eps_rel, size_t nmax)
{
    if (n == 0 || n > SIZE_MAX / 9 / sizeof(double))
        return NULL;
    lrs_ode_t *o = malloc(sizeof *o);
    double *work = malloc(9 * n * sizeof *work);
    if (!o || !work) {
        free(o);
        free(work);
        return NULL;
    }
    *o = (lrs_ode_t){.n = n, .f = f, .ctx = ctx, .eps_abs = eps_abs, .eps_rel = eps_rel,
                     .nmax = nmax, .work = work};
    lrs_ode_reset(o, h0);
    return o;
}

void lrs_ode_free(lrs_ode_t *o)
{
    if (!o)
        return;
    free(o->work);
    free(o);
}

void lrs_ode_reset(lrs_ode_t *o, double h0)
{
    o->h = h0;
    o->have_k1 = 0;
}

/* One trial step of size h from (t, y): stages k[1..6] (k[0] = f(t, y) is
 * given), ynew, and the scaled error norm *En.  k[6] = f(t + h, ynew). */
static int dp_trial(lrs_ode_t *o, double t, const double *y, double h, double *En)
{
    size_t n = o->n;
    double *k[7], *ynew = o->work + 7 * n, *tmp = o->work + 8 * n;
    for (int s = 0; s < 7; s++)
        k[s] = o->work + (size_t)s * n;
    for (int s = 1; s < 7; s++) {
        double *dst = s == 6 ? ynew : tmp;
        for (size_t i = 0; i < n; i++) {
            double acc = 0.0;
            for (int j = 0; j < s; j++)
                acc += A[s][j] * k[j][i];
            dst[i] = y[i] + h * acc;
        }
        if (o->f(t + C[s] * h, dst, k[s], o->ctx))
            return LRS_ODE_EFUNC;
    }
    double emax = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = 0.0;
        for (int j = 0; j < 7; j++)
            e += E[j] * k[j][i];
        double sc = o->eps_abs + o->eps_rel * fmax(fabs(y[i]), fabs(ynew[i]));
        double r = fabs(h * e) / sc;
        if (!(r <= emax))
            emax = isnan(r) ? INFINITY : r;
    }
    *En = emax;
    return LRS_ODE_OK;
}

/* Next trial step after an error norm En (order 4 estimate: exponent 1/5). */
static double dp_rescale(double h, double En)
{
    double fac = En > 0.0 ? 0.9 * pow(En, -0.2) : 5.0;
    return h * fmin(5.0, fmax(0.2, fac));
}

int lrs_ode_apply(lrs_ode_t *o, double *t, double t1, double *y)
{
    size_t n = o->n, steps = 0;
    double *k0 = o->work, *k6 = o->work + 6 * n, *ynew = o->work + 7 * n;
    if (!o->have_k1) {
        if (o->f(*t, y, k0, o->ctx))
            return LRS_ODE_EFUNC;
        o->have_k1 = 1;
    }
    while (*t < t1) {
        if (o->nmax && steps++ >= o->nmax)
            return LRS_ODE_EMAXITER;
        double h = fmin(o->h, t1 - *t), En;
        if (!(h > 8.0 * DBL_EPSILON * fmax(1.0, fabs(*t))))
            return LRS_ODE_ESTEP;
        int rc = dp_trial(o, *t, y, h, &En);
        if (rc == LRS_ODE_EFUNC || !(En <= 1.0)) {
            /* Rejected (or f refused a trial point): shrink and retry. */
            o->h = rc == LRS_ODE_EFUNC ? 0.2 * h : dp_rescale(h, En);
            continue;
        }
        int last = h >= t1 - *t;
        *t = last ? t1 : *t + h;
        memcpy(y, ynew, n * sizeof *y);
        memcpy(k0, k6, n * sizeof *k0);
        double hn = dp_rescale(h, En);
        if (h >= o->h || hn > o->h) /* a shortened last step keeps the natural one */
            o->h = hn;
    }
    return LRS_ODE_OK;
}

const char *lrs_ode_strerror(int status)
{
    switch (status) {
    case LRS_ODE_OK: return "success";
    case LRS_ODE_EFUNC: return "the right-hand side failed";
    case LRS_ODE_EMAXITER: return "too many steps";
    case LRS_ODE_ESTEP: return "the step size fell below the resolution of t";
    default: return "unknown status";
    }
}
