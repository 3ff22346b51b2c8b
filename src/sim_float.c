/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Float32 precision of the simulator (LRS_SIM_FLOAT32, lrs/sim.h): the dense
 * product A f(z) of every Euler step and RK4 stage in float, on the kernels
 * of src/kernel.h.
 *
 * Storage: Af = (float) W, the shared part unscaled (the method's
 * diag(alpha) is applied in double as each row of the product is widened:
 * y_i = alpha_i (W f)_i): on the kernels' AVX-512 path packed in 8 x 16
 * chunks (lrs_kernel_pack: one sequential stream per product), and there,
 * if every entry of W is exactly a binary16 number, in 16 bits
 * (lrs_kernel_pack_half: Ah, half the bytes, the same bits of every
 * product: a 500 x 500 W then stays in a 1 MB L2 cache instead of
 * streaming from L3 at every step); otherwise row-major N x ldf (ldf = N
 * rounded up to 16, zero padding; 64-byte aligned, so every row starts on a
 * cache line and the kernels' 16-float loads never straddle two lines); Fx, Fy: K x ldf, row q the float f(z) of trajectory
 * q and its product.  The product of the K
 * trajectories is one K-vector pass over Af (lrs_kernel_sgemm_k), each
 * vector with the bits of a one-vector product, so a batch stays
 * bit-identical to single runs.  f = tanh is the vectorised float tanh
 * (a few float ulps from libm's).  Cost per step and trajectory: 2 N^2
 * float flops, N tanh, O(N) conversions.
 */
#include "sim_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* rows x ld zeroed floats on a 64-byte boundary (ld a multiple of 16, so
 * the size is a multiple of 64 as aligned_alloc requires); NULL on ENOMEM. */
static float *aligned_floats(size_t rows, size_t ld)
{
    float *p = aligned_alloc(64, rows * ld * sizeof *p);
    if (p)
        memset(p, 0, rows * ld * sizeof *p);
    return p;
}

int sim_float_setup(lrs_sim_t *s)
{
    size_t N = s->N, ld = s->ldf;
    int rc = 0;
    float *rows = aligned_floats(N, ld);
    s->Fx = aligned_floats(s->K, ld);
    s->Fy = aligned_floats(s->K, ld);
    if (!rows || !s->Fx || !s->Fy)
        goto done;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            rows[i * ld + j] = (float)s->W[i * N + j];
    s->af_packed = lrs_kernel_simd() == LRS_KERNEL_AVX512;
    if (s->af_packed) { /* the AVX-512 path reads a packed copy (kernel.h) */
        size_t nf = lrs_kernel_packed_floats(N, N);
        if (!(s->Ah = aligned_alloc(64, nf * sizeof *s->Ah)))
            goto done;
        if (!lrs_kernel_pack_half(N, N, rows, ld, s->Ah)) { /* not binary16: floats */
            free(s->Ah);
            s->Ah = NULL;
            if (!(s->Af = aligned_floats(nf / 16, 16)))
                goto done;
            lrs_kernel_pack(N, N, rows, ld, s->Af);
        }
    } else {
        s->Af = rows;
        rows = NULL;
    }
    rc = 1;
done:
    free(rows);
    return rc;
}

SIM_CLONES void sim_float_f(lrs_sim_t *s, size_t q, double *fz)
{
    size_t N = s->N;
    float *F = s->Fx + q * s->ldf;
    sim_traj *t = &s->tr[q];
    if (s->f == LRS_F_TANH)
        lrs_kernel_tanhf(N, F, F);
    else if (s->f == LRS_F_RELU)
        for (size_t j = 0; j < N; j++)
            F[j] = F[j] > 0 ? F[j] : 0.0f;
    if (t->r == 0)
        return;
#pragma omp simd
    for (size_t j = 0; j < N; j++)
        fz[j] = F[j];
    sim_lowrank_coef(s, t, fz, t->lr_t);
}

SIM_CLONES void sim_float_matvec(lrs_sim_t *s, size_t K, double beta, double *const *y)
{
    size_t N = s->N, ld = s->ldf;
    const double *al = s->alpha;
    if (s->Ah)
        lrs_kernel_sgemm_k_packed_half(N, N, K, s->Ah, s->Fx, ld, s->Fy, ld);
    else if (s->af_packed)
        lrs_kernel_sgemm_k_packed(N, N, K, s->Af, s->Fx, ld, s->Fy, ld);
    else
        lrs_kernel_sgemm_k(N, N, K, s->Af, ld, s->Fx, ld, s->Fy, ld);
    for (size_t q = 0; q < K; q++) {
        const sim_traj *t = &s->tr[q];
        const float *Y = s->Fy + q * ld;
        const double *c = t->lr_t + t->r;
        double *yq = y[q];
        if (t->r == 0) {
#pragma omp simd
            for (size_t i = 0; i < N; i++)
                yq[i] = al[i] * (double)Y[i] + beta * yq[i];
        } else if (t->r == 2) { /* the common rank-two case, written out */
            const double *u = t->Ua, c0 = c[0], c1 = c[1];
#pragma omp simd
            for (size_t i = 0; i < N; i++)
                yq[i] = (al[i] * (double)Y[i] + beta * yq[i]) + (u[2 * i] * c0 + u[2 * i + 1] * c1);
        } else {
            for (size_t i = 0; i < N; i++)
                yq[i] = (al[i] * (double)Y[i] + beta * yq[i]) + sim_lowrank_row(t, i, c);
        }
    }
}
