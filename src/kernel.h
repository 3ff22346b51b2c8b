/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/kernel.h -- private low-level kernels of the simulators: float32
 * matrix-vector and multi-vector products and a vectorised tanh (float and
 * double).
 * Not installed.
 *
 * Storage: A is row-major n x m with row stride lda (floats).  A set of K
 * vectors is K rows of a row-major array with stride ldx, i.e. vector k is
 * X + k ldx.  On x86-64 CPUs with AVX-512F (checked once at run time) the
 * products and tanh run in 16-wide SIMD, with AVX2 and FMA in 8-wide SIMD
 * (tanh with the same bits on both); elsewhere portable C with the AVX2 path's summation
 * order per row is used (the *_portable entry points call it directly, for
 * tests and comparisons).  All are deterministic: the same inputs give the
 * same bits on the same CPU and path.
 *
 * Products accumulate in float (the precision the authors of
 * arXiv:2504.13727 computed in, PyTorch's float32 default): the error of one
 * entry is bounded by ~ m eps_float sum_j |A_ij x_j| (Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., s.3.1).
 */
#ifndef LRS_KERNEL_H
#define LRS_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* Code paths, in increasing order. */
enum { LRS_KERNEL_PORTABLE = 0, LRS_KERNEL_AVX2 = 1, LRS_KERNEL_AVX512 = 2 };

/* The path in use: the best the CPU supports unless lrs_kernel_select chose
 * a lower one (0, the portable path, is false). */
int lrs_kernel_simd(void);
/* Use path `level` (capped at the CPU's best; -1: the best again) for every
 * later call in the process; returns the path now in use.  For tests and
 * benchmarks: not to be called while another thread runs the kernels. */
int lrs_kernel_select(int level);
/* "AVX-512F", "AVX2/FMA" or "portable". */
const char *lrs_kernel_name(int level);

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

/* Packed A for the AVX-512 path: rows in blocks of eight, each block's
 * columns in chunks of sixteen, the 8 x 16 floats of a chunk contiguous
 * (rows and columns past n, m zero), so a product reads A as one sequential
 * stream instead of eight interleaved rows (about 10% faster at n = m =
 * 200-500 on a Zen 5 core).  The products are bit-identical to
 * lrs_kernel_sgemm_k on the same path; on another path (lrs_kernel_select
 * after packing) the portable order.  Size: lrs_kernel_packed_floats(n, m)
 * floats; P 64-byte aligned. */
size_t lrs_kernel_packed_floats(size_t n, size_t m);
void lrs_kernel_pack(size_t n, size_t m, const float *A, size_t lda, float *P);
void lrs_kernel_sgemm_k_packed(size_t n, size_t m, size_t K, const float *P, const float *X,
                               size_t ldx, float *Y, size_t ldy);

/* The packed layout with every entry in binary16 (IEEE 754 half precision):
 * half the bytes of lrs_kernel_pack, so an A of up to ~700 x 700 stays in a
 * 1 MB L2 cache.  Lossless only: returns 1 if A is on the AVX-512 path and
 * every entry of A is exactly a binary16 number (then P holds
 * lrs_kernel_packed_floats(n, m) of them; P 64-byte aligned), 0 otherwise
 * (P's contents then undefined).  Cost: one pass over A and an n x m
 * scratch, once. */
int lrs_kernel_pack_half(size_t n, size_t m, const float *A, size_t lda, uint16_t *P);
/* The product with P from lrs_kernel_pack_half (which returned 1): the
 * entries are widened to float exactly, so the bits of every Y_k are those
 * of lrs_kernel_sgemm_k_packed with the float packing of the same A. */
void lrs_kernel_sgemm_k_packed_half(size_t n, size_t m, size_t K, const uint16_t *P,
                                    const float *X, size_t ldx, float *Y, size_t ldy);

/* y_i = tanh(x_i), i < n (y may equal x).  Max error against libm's tanh
 * over the whole float range: a few float ulps (tests/test_kernel.c). */
void lrs_kernel_tanhf(size_t n, const float *x, float *y);
void lrs_kernel_tanhf_portable(size_t n, const float *x, float *y);

/* y_i = tanh(x_i) in double, i < n (y may equal x): the same construction
 * with a longer polynomial, a few double ulps from the correctly rounded
 * value (tests/test_kernel.c).  AVX-512 and AVX2 give the same bits. */
void lrs_kernel_tanh(size_t n, const double *x, double *y);
void lrs_kernel_tanh_portable(size_t n, const double *x, double *y);

#endif
