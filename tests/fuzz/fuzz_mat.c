/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_mat.c -- libFuzzer target: the MATLAB .mat reader (io_mat.c: matio,
 * through a memory file).  Input: [options byte][file]; options as in
 * fuzz_common.h (bit 5: --var W).  Oracle: fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_matrix_reader(data, size, LRS_FMT_MAT, "fuzz.data");
}
