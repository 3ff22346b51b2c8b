/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/kernel.h -- private low-level kernels of the simulators: float32
 * matrix-vector and multi-vector products and a vectorised float tanh.
 * Not installed.
 *
 * Storage: A is row-major n x m with row stride lda (floats).  A set of K
 * vectors is K rows of a row-major array with stride ldx, i.e. vector k is
 * X + k ldx.  On x86-64 CPUs with AVX2 and FMA (checked once at run time)
 * the products and tanh run in 8-wide SIMD; elsewhere portable C with the
 * same summation order per row is used (the *_portable entry points call it
 * directly, for tests and comparisons).  Both are deterministic: the same
 * inputs give the same bits on the same CPU.
 *
 * Products accumulate in float (the precision the authors of
 * arXiv:2504.13727 computed in, PyTorch's float32 default): the error of one
 * entry is bounded by ~ m eps_float sum_j |A_ij x_j| (Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., s.3.1).
 */
#ifndef LRS_KERNEL_H
#define LRS_KERNEL_H

#include <stddef.h>

/* 1 if the AVX2/FMA code path is in use, 0 for the portable path. */
int lrs_kernel_simd(void);

/* y = A x: A n x m (row stride lda >= m), x length m, y length n.
 * Cost 2 n m flops; one pass over A. */
void lrs_kernel_sgemv(size_t n, size_t m, const float *A, size_t lda, const float *x,
                      float *y);

/* Y_k = A X_k for k = 0..K-1 (K >= 1; best for K = 2..4, larger K is done in
 * groups of at most 4): X_k = X + k ldx (length m), Y_k = Y + k ldy (length
 * n).  Cost 2 K n m flops, one pass over A per group of up to 4 vectors, so
 * for an A that does not fit in L1 it costs little more than one product. */
void lrs_kernel_sgemm_k(size_t n, size_t m, size_t K, const float *A, size_t lda,
                        const float *X, size_t ldx, float *Y, size_t ldy);
void lrs_kernel_sgemm_k_portable(size_t n, size_t m, size_t K, const float *A, size_t lda,
                                 const float *X, size_t ldx, float *Y, size_t ldy);

/* y_i = tanh(x_i), i < n (y may equal x).  Max error against libm's tanh
 * over the whole float range: a few float ulps (tests/test_kernel.c). */
void lrs_kernel_tanhf(size_t n, const float *x, float *y);
void lrs_kernel_tanhf_portable(size_t n, const float *x, float *y);

#endif
