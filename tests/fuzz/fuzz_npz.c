/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_npz.c -- libFuzzer target: the .npz reader (io_zip.c: libzip, then
 * the .npy reader on the chosen member).  Input: [options byte][file];
 * options as in fuzz_common.h (bit 5: --var W).  Oracle: fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_matrix_reader(data, size, LRS_FMT_NPZ, "fuzz.data");
}
