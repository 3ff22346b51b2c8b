/*
 * K networks W_k = D + L_k R_k^T advanced together, D in float32 (see
 * lrs/fastsim.h for the model, the methods and the precision).
 *
 * Storage.  D as float, row-major with its row stride rounded up to 8 floats
 * (zero padding; one 32-byte-aligned row per cache-line group).  Per step the
 * K values f(z_k) are rows of the float array F (K x ldf) and the products
 * D f(z_k) rows of Y; the low-rank factors are double, row-major N x r_k.
 * Blocks: per trajectory Z_k ((B+1) x N: row 0 the state entering the block,
 * row i+1 the state after step i) and X_k (B x N).
 *
 * Cost per step and trajectory: the K-vector product 2 N^2 flops (one pass
 * over D for up to 4 trajectories), tanh of N floats, 4 N r_k flops of
 * low-rank terms, O(N) for the update; RK4 four times that.
 */
#include "lrs/fastsim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

#include "kernel.h"

struct lrs_fastsim {
    size_t N, K, nt, B, ldf;
    lrs_sim_transfer_t f;
    lrs_fastsim_method_t method;
    double tau, dt;
    volatile sig_atomic_t *stop;
    float *D;        /* N x ldf */
    size_t *rank;    /* K */
    double **L, **R; /* K arrays N x rank[k] (NULL if rank 0) */
    double *proj;    /* max rank: R_k^T f(z_k) */
    float *F, *Y;    /* K x ldf */
    double *z0;      /* K x N */
    double *zfinal;  /* K x N */
    double *max2;    /* K: squared divergence bounds */
    int have_final;
    double *Z;       /* K x (B+1) x N */
    double *X;       /* K x B x N */
    double *stage;   /* RK4: K x N stage state */
    double *kacc;    /* RK4: K x N weighted sum of the slopes */
    double *kcur;    /* RK4: K x N current slope */
};

lrs_fastsim_params_t lrs_fastsim_params_default(void)
{
    lrs_fastsim_params_t p;
    memset(&p, 0, sizeof p);
    p.K = 1;
    p.f = LRS_F_IDENTITY;
    p.method = LRS_FASTSIM_EULER;
    p.tau = 1.0;
    p.dt = 0.01;
    return p;
}

void lrs_fastsim_free(lrs_fastsim_t *s)
{
    if (!s)
        return;
    for (size_t k = 0; s->L && k < s->K; k++)
        free(s->L[k]);
    for (size_t k = 0; s->R && k < s->K; k++)
        free(s->R[k]);
    free(s->L);
    free(s->R);
    free(s->rank);
    free(s->D);
    free(s->proj);
    free(s->F);
    free(s->Y);
    free(s->z0);
    free(s->zfinal);
    free(s->max2);
    free(s->Z);
    free(s->X);
    free(s->stage);
    free(s->kacc);
    free(s->kcur);
    free(s);
}

/* Argument checks of lrs_fastsim_alloc (everything but allocation). */
static int check_params(const lrs_fastsim_params_t *p, lrs_err_t *err)
{
    const char *who = "lrs_fastsim_alloc";
    if (!p)
        return lrs_err_set(err, LRS_EINVAL, "%s: params is NULL", who);
    if (!p->D)
        return lrs_err_set(err, LRS_EINVAL, "%s: D is NULL", who);
    size_t N = p->D->size1;
    if (N == 0 || p->D->size2 != N)
        return lrs_err_set(err, LRS_EINVAL, "%s: D is %zux%zu; expected square, N >= 1", who,
                           p->D->size1, p->D->size2);
    if (p->K == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: K = 0 trajectories; need K >= 1", who);
    if (p->f != LRS_F_IDENTITY && p->f != LRS_F_TANH && p->f != LRS_F_RELU)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown transfer function %d", who, (int)p->f);
    if (p->method != LRS_FASTSIM_EULER && p->method != LRS_FASTSIM_RK4)
        return lrs_err_set(err, LRS_EINVAL, "%s: unknown method %d", who, (int)p->method);
    if (!(p->tau > 0) || !isfinite(p->tau))
        return lrs_err_set(err, LRS_EINVAL, "%s: tau = %g; need a finite tau > 0", who, p->tau);
    if (!(p->dt > 0) || !isfinite(p->dt))
        return lrs_err_set(err, LRS_EINVAL, "%s: dt = %g; need a finite dt > 0", who, p->dt);
    if (!(p->T >= 0) || !isfinite(p->T) || round(p->T / p->dt) < 1)
        return lrs_err_set(err, LRS_EINVAL, "%s: T = %g with dt = %g gives no time steps", who,
                           p->T, p->dt);
    if (round(p->T / p->dt) > 1e15)
        return lrs_err_set(err, LRS_ELIMIT, "%s: T/dt = %g steps is too many", who,
                           round(p->T / p->dt));
    if (!(p->max_norm >= 0))
        return lrs_err_set(err, LRS_EINVAL, "%s: max_norm = %g; need max_norm >= 0 (0: default)",
                           who, p->max_norm);
    for (size_t k = 0; k < p->K; k++) {
        const gsl_matrix *L = p->L ? p->L[k] : NULL, *R = p->R ? p->R[k] : NULL;
        if (!L != !R)
            return lrs_err_set(err, LRS_EINVAL, "%s: trajectory %zu has %s but no %s", who, k,
                               L ? "L" : "R", L ? "R" : "L");
        if (L && (L->size1 != N || R->size1 != N || L->size2 != R->size2))
            return lrs_err_set(err, LRS_EINVAL,
                               "%s: trajectory %zu: L is %zux%zu and R is %zux%zu; expected "
                               "both N x r with N = %zu",
                               who, k, L->size1, L->size2, R->size1, R->size2, N);
        const gsl_vector *z0 = p->z0 ? p->z0[k] : NULL;
        if (z0 && z0->size != N)
            return lrs_err_set(err, LRS_EINVAL, "%s: z0 of trajectory %zu has length %zu; expected %zu",
                               who, k, z0->size, N);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            if (!isfinite(gsl_matrix_get(p->D, i, j)))
                return lrs_err_set(err, LRS_ENONFINITE, "%s: D(%zu,%zu) = %g is not finite", who,
                                   i, j, gsl_matrix_get(p->D, i, j));
    return LRS_OK;
}

/* Copy an N x r gsl matrix to a row-major double array (NULL for r = 0). */
static double *copy_factor(const gsl_matrix *M, int *ok)
{
    if (!M || M->size2 == 0)
        return NULL;
    double *a = malloc(M->size1 * M->size2 * sizeof *a);
    if (!a) {
        *ok = 0;
        return NULL;
    }
    for (size_t i = 0; i < M->size1; i++)
        for (size_t j = 0; j < M->size2; j++)
            a[i * M->size2 + j] = gsl_matrix_get(M, i, j);
    return a;
}

/* Copies of D (float), the factors, z0 and the bounds into an allocated s. */
static void fill_state(lrs_fastsim_t *s, const lrs_fastsim_params_t *p)
{
    size_t N = s->N;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            s->D[i * s->ldf + j] = (float)gsl_matrix_get(p->D, i, j);
    for (size_t k = 0; k < s->K; k++) {
        const gsl_vector *z0 = p->z0 ? p->z0[k] : NULL;
        for (size_t i = 0; i < N; i++)
            s->z0[k * N + i] = z0 ? gsl_vector_get(z0, i) : 0.0;
        double n0 = cblas_dnrm2((int)N, s->z0 + k * N, 1);
        double b = p->max_norm > 0 ? p->max_norm : 1e8 * (n0 > 1 ? n0 : 1);
        s->max2[k] = b * b;
    }
}

int lrs_fastsim_alloc(lrs_fastsim_t **out, const lrs_fastsim_params_t *p, lrs_err_t *err)
{
    int rc;
    if (!out)
        return lrs_err_set(err, LRS_EINVAL, "lrs_fastsim_alloc: out is NULL");
    *out = NULL;
    if ((rc = check_params(p, err)) != 0)
        return rc;
    lrs_fastsim_t *s = calloc(1, sizeof *s);
    if (!s)
        return lrs_err_set(err, LRS_ENOMEM, "lrs_fastsim_alloc: out of memory");
    size_t N = p->D->size1, K = p->K;
    s->N = N;
    s->K = K;
    s->nt = (size_t)round(p->T / p->dt);
    s->ldf = (N + 7) & ~(size_t)7;
    s->f = p->f;
    s->method = p->method;
    s->tau = p->tau;
    s->dt = p->dt;
    s->stop = p->stop;
    /* up to 256 steps per block, at most ~1 MB of block states per
     * trajectory: observers get large blocks (a covariance update per block
     * is one pass over its N x N scatter matrix) */
    s->B = (1u << 17) / N;
    s->B = s->B > 256 ? 256 : (s->B < 4 ? 4 : s->B);
    if (s->B > s->nt)
        s->B = s->nt;
    int ok = 1;
    size_t maxr = 0;
    s->rank = calloc(K, sizeof *s->rank);
    s->L = calloc(K, sizeof *s->L);
    s->R = calloc(K, sizeof *s->R);
    ok = s->rank && s->L && s->R;
    for (size_t k = 0; ok && k < K; k++) {
        const gsl_matrix *L = p->L ? p->L[k] : NULL, *R = p->R ? p->R[k] : NULL;
        s->rank[k] = L ? L->size2 : 0;
        maxr = s->rank[k] > maxr ? s->rank[k] : maxr;
        s->L[k] = copy_factor(L, &ok);
        s->R[k] = copy_factor(R, &ok);
    }
    s->D = calloc(N * s->ldf, sizeof *s->D);
    s->proj = malloc((maxr ? maxr : 1) * sizeof *s->proj);
    s->F = calloc(K * s->ldf, sizeof *s->F);
    s->Y = calloc(K * s->ldf, sizeof *s->Y);
    s->z0 = malloc(K * N * sizeof *s->z0);
    s->zfinal = malloc(K * N * sizeof *s->zfinal);
    s->max2 = malloc(K * sizeof *s->max2);
    s->Z = malloc(K * (s->B + 1) * N * sizeof *s->Z);
    s->X = malloc(K * s->B * N * sizeof *s->X);
    if (s->method == LRS_FASTSIM_RK4) {
        s->stage = malloc(K * N * sizeof *s->stage);
        s->kacc = malloc(K * N * sizeof *s->kacc);
        s->kcur = malloc(K * N * sizeof *s->kcur);
        ok = ok && s->stage && s->kacc && s->kcur;
    }
    if (!ok || !s->D || !s->proj || !s->F || !s->Y || !s->z0 || !s->zfinal || !s->max2 || !s->Z ||
        !s->X) {
        lrs_fastsim_free(s);
        return lrs_err_set(err, LRS_ENOMEM, "lrs_fastsim_alloc: out of memory for N = %zu, K = %zu",
                           N, K);
    }
    fill_state(s, p);
    *out = s;
    return LRS_OK;
}

size_t lrs_fastsim_steps(const lrs_fastsim_t *s)
{
    return s ? s->nt : 0;
}

int lrs_fastsim_final_state(const lrs_fastsim_t *s, size_t k, gsl_vector *z, lrs_err_t *err)
{
    const char *who = "lrs_fastsim_final_state";
    if (!s || !z)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, s ? "z" : "s");
    if (k >= s->K)
        return lrs_err_set(err, LRS_EINVAL, "%s: trajectory %zu; the batch has K = %zu", who, k,
                           s->K);
    if (z->size != s->N)
        return lrs_err_set(err, LRS_EINVAL, "%s: z has length %zu; expected N = %zu", who, z->size,
                           s->N);
    if (!s->have_final)
        return lrs_err_set(err, LRS_EINVAL, "%s: no completed run yet", who);
    for (size_t i = 0; i < s->N; i++)
        gsl_vector_set(z, i, s->zfinal[k * s->N + i]);
    return LRS_OK;
}

/* ------------------------------------------------------------ one step */

/* G_k = (-z_k + (D + L_k R_k^T) f(z_k) + x_k) / tau for the K states z_k =
 * z + k zs (x_k = x + k xs, G_k = G + k gs): f in float, one K-vector
 * product, low-rank terms in double. */
static void slopes(lrs_fastsim_t *s, const double *z, size_t zs, const double *x, size_t xs,
                   double *G, size_t gs)
{
    size_t N = s->N, K = s->K, ldf = s->ldf;
    for (size_t k = 0; k < K; k++) {
        const double *zk = z + k * zs;
        float *Fk = s->F + k * ldf;
        for (size_t i = 0; i < N; i++)
            Fk[i] = (float)zk[i];
        if (s->f == LRS_F_TANH)
            lrs_kernel_tanhf(N, Fk, Fk);
        else if (s->f == LRS_F_RELU)
            for (size_t i = 0; i < N; i++)
                Fk[i] = Fk[i] > 0 ? Fk[i] : 0.0f;
    }
    lrs_kernel_sgemm_k(N, N, K, s->D, ldf, s->F, ldf, s->Y, ldf);
    double itau = 1.0 / s->tau;
    for (size_t k = 0; k < K; k++) {
        const double *zk = z + k * zs, *xk = x + k * xs;
        const float *Fk = s->F + k * ldf, *Yk = s->Y + k * ldf;
        double *Gk = G + k * gs;
        size_t r = s->rank[k];
        for (size_t i = 0; i < N; i++)
            Gk[i] = ((double)Yk[i] - zk[i] + xk[i]) * itau;
        if (r == 0)
            continue;
        const double *L = s->L[k], *R = s->R[k];
        for (size_t j = 0; j < r; j++)
            s->proj[j] = 0;
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < r; j++)
                s->proj[j] += R[i * r + j] * (double)Fk[i];
        for (size_t i = 0; i < N; i++) {
            double a = 0;
            for (size_t j = 0; j < r; j++)
                a += L[i * r + j] * s->proj[j];
            Gk[i] += a * itau;
        }
    }
}

/* Advance b steps: for each k rows 1..b of block Z_k from row 0 and X_k. */
static void block_steps(lrs_fastsim_t *s, size_t b)
{
    size_t N = s->N, K = s->K, zs = (s->B + 1) * N, xs = s->B * N;
    double dt = s->dt;
    for (size_t n = 0; n < b; n++) {
        double *z = s->Z + n * N, *x = s->X + n * N, *zn = z + N;
        if (s->method == LRS_FASTSIM_EULER) {
            slopes(s, z, zs, x, xs, zn, zs);
            for (size_t k = 0; k < K; k++)
                for (size_t i = 0; i < N; i++)
                    zn[k * zs + i] = z[k * zs + i] + dt * zn[k * zs + i];
            continue;
        }
        /* RK4: stage c evaluates g at z + h_c k_{c-1}, h = (0, dt/2, dt/2, dt);
         * kacc = k1 + 2 k2 + 2 k3 + k4. */
        static const double h[4] = {0.0, 0.5, 0.5, 1.0}, w[4] = {1.0, 2.0, 2.0, 1.0};
        for (int c = 0; c < 4; c++) {
            const double *zin = z;
            size_t zins = zs;
            if (c > 0) {
                for (size_t k = 0; k < K; k++)
                    for (size_t i = 0; i < N; i++)
                        s->stage[k * N + i] = z[k * zs + i] + h[c] * dt * s->kcur[k * N + i];
                zin = s->stage;
                zins = N;
            }
            slopes(s, zin, zins, x, xs, s->kcur, N);
            for (size_t k = 0; k < K * N; k++)
                s->kacc[k] = (c == 0 ? 0.0 : s->kacc[k]) + w[c] * s->kcur[k];
        }
        for (size_t k = 0; k < K; k++)
            for (size_t i = 0; i < N; i++)
                zn[k * zs + i] = z[k * zs + i] + dt / 6.0 * s->kacc[k * N + i];
    }
}

/* ------------------------------------------------------------ the run */

/* Divergence of trajectory k in rows 1..b of its block (block j). */
static int check_rows(const lrs_fastsim_t *s, size_t k, size_t j, size_t b, lrs_err_t *err)
{
    size_t N = s->N;
    const double *Z = s->Z + k * (s->B + 1) * N;
    for (size_t i = 1; i <= b; i++) {
        double ss = cblas_ddot((int)N, Z + i * N, 1, Z + i * N, 1);
        if (!(ss <= s->max2[k]))
            return lrs_err_set(err, LRS_EDIVERGE,
                               "simulation diverged at t = %g in trajectory %zu: ||z|| = %.3g "
                               "exceeds %.3g",
                               (double)(j * s->B + i) * s->dt, k, sqrt(ss), sqrt(s->max2[k]));
    }
    return LRS_OK;
}

/* Hand block j (b rows, steps jB .. jB+b-1) of every trajectory to its observers. */
static int observe_block(lrs_fastsim_t *s, size_t j, size_t b, const lrs_observer_t *const *obs,
                         const size_t *nobs, lrs_err_t *err)
{
    size_t N = s->N;
    for (size_t k = 0; k < s->K; k++) {
        size_t no = nobs ? nobs[k] : 0;
        if (no == 0)
            continue;
        gsl_matrix_view Zv = gsl_matrix_view_array(s->Z + k * (s->B + 1) * N, b, N);
        gsl_matrix_view Xv = gsl_matrix_view_array(s->X + k * s->B * N, b, N);
        lrs_block_t blk = {j * s->B, s->dt, &Zv.matrix, &Xv.matrix, NULL};
        for (size_t o = 0; o < no; o++) {
            int rc = obs[k][o].observe(obs[k][o].self, &blk, err);
            if (rc) {
                if (err && err->code == LRS_OK)
                    lrs_err_set(err, rc, "lrs_fastsim_run: observer %zu of trajectory %zu failed "
                                "(code %d)", o, k, rc);
                return rc;
            }
        }
    }
    return LRS_OK;
}

/* Arguments of lrs_fastsim_run. */
static int check_run(const lrs_fastsim_t *s, lrs_input_t *const *in,
                     const lrs_observer_t *const *obs, const size_t *nobs, lrs_err_t *err)
{
    const char *who = "lrs_fastsim_run";
    if (!s || !in)
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", who, s ? "in" : "s");
    for (size_t k = 0; k < s->K; k++) {
        if (!in[k])
            return lrs_err_set(err, LRS_EINVAL, "%s: input of trajectory %zu is NULL", who, k);
        size_t no = nobs ? nobs[k] : 0;
        if (no && (!obs || !obs[k]))
            return lrs_err_set(err, LRS_EINVAL, "%s: trajectory %zu has %zu observers but no array",
                               who, k, no);
        for (size_t o = 0; o < no; o++) {
            if (!obs[k][o].observe)
                return lrs_err_set(err, LRS_EINVAL,
                                   "%s: observer %zu of trajectory %zu has no observe function",
                                   who, o, k);
            if (obs[k][o].needs_recurrent)
                return lrs_err_set(err, LRS_EINVAL,
                                   "%s: observer %zu of trajectory %zu needs the recurrent input; "
                                   "this simulator does not provide it (use lrs_sim_run)",
                                   who, o, k);
        }
    }
    return LRS_OK;
}

int lrs_fastsim_run(lrs_fastsim_t *s, lrs_input_t *const *in, const lrs_observer_t *const *obs,
                    const size_t *nobs, lrs_err_t *err)
{
    int rc = check_run(s, in, obs, nobs, err);
    if (rc)
        return rc;
    size_t N = s->N, K = s->K, B = s->B, zs = (B + 1) * N;
    size_t nblocks = (s->nt + B - 1) / B;
    s->have_final = 0;
    lrs_err_clear(err);
    for (size_t k = 0; k < K; k++)
        memcpy(s->Z + k * zs, s->z0 + k * N, N * sizeof *s->Z);
    for (size_t j = 0; j < nblocks && rc == LRS_OK; j++) {
        size_t b = s->nt - j * B < B ? s->nt - j * B : B;
        if (s->stop && *s->stop) {
            rc = lrs_err_set(err, LRS_EINTR, "simulation interrupted at t = %g (stop flag raised)",
                             (double)(j * B) * s->dt);
            break;
        }
        for (size_t k = 0; k < K && rc == LRS_OK; k++) {
            gsl_matrix_view Xv = gsl_matrix_view_array(s->X + k * B * N, b, N);
            rc = lrs_input_fill(in[k], j * B, s->dt, &Xv.matrix, err);
        }
        if (rc)
            break;
        /* the last block's final step is never observed: step b-1 rows only */
        size_t steps = j + 1 == nblocks ? b - 1 : b;
        block_steps(s, steps);
        for (size_t k = 0; k < K && rc == LRS_OK; k++)
            rc = check_rows(s, k, j, steps, err);
        if (rc == LRS_OK)
            rc = observe_block(s, j, b, obs, nobs, err);
        if (rc == LRS_OK && j + 1 < nblocks)
            for (size_t k = 0; k < K; k++)
                memcpy(s->Z + k * zs, s->Z + k * zs + b * N, N * sizeof *s->Z);
        if (rc == LRS_OK && j + 1 == nblocks) {
            for (size_t k = 0; k < K; k++)
                memcpy(s->zfinal + k * N, s->Z + k * zs + (b - 1) * N, N * sizeof *s->Z);
            s->have_final = 1;
        }
    }
    return rc;
}
