/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_npy.c -- libFuzzer target: the NumPy .npy reader (io_npy.c).
 * Input: [options byte][file].  Options: bit 0 auto-detection (by the magic
 * bytes) instead of --format npy; bit 1 allow non-square; bit 2 read through
 * a FILE*; bits 3-4 max_n (8, 64, 1000, default).  Oracle: fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_matrix_reader(data, size, LRS_FMT_NPY, "fuzz.data");
}
