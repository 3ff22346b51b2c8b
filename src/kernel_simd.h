/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/kernel_simd.h -- the function attributes of the kernels' SIMD paths
 * (private to src/kernel*.c).  On x86-64 with GCC or Clang the AVX2/FMA and
 * AVX-512F paths are compiled beside the portable C whatever -march says,
 * and chosen at run time (lrs_kernel_simd).
 */
#ifndef LRS_KERNEL_SIMD_H
#define LRS_KERNEL_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KERNEL_HAVE_AVX2 1
#define SIMD __attribute__((target("avx2,fma")))
#define INLINE_SIMD static inline __attribute__((always_inline, target("avx2,fma")))
#define SIMD512 __attribute__((target("avx512f,avx2,fma")))
#define INLINE_SIMD512 static inline __attribute__((always_inline, target("avx512f,avx2,fma")))
#endif

#endif
