/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_dense.c -- libFuzzer target: the dense text reader (io_text.c).
 * Input: [options byte][text].  Options: bit 0 auto-detection (as
 * lrs-analyze without --format, so the edge-list sniffing runs too) instead
 * of --format dense; bit 1 allow non-square; bit 2 read through a FILE*;
 * bits 3-4 max_n (8, 64, 1000, default).  Oracle: fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_matrix_reader(data, size, LRS_FMT_DENSE, "fuzz.csv");
}
