/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_gzip.c -- libFuzzer target: compressed input (io_decomp.c: zlib,
 * libbz2, liblzma) under every text and binary reader, the format detected
 * from the decoded content.  Input: [options byte][file]; options as in
 * fuzz_common.h (bit 0 is ignored: always auto-detection, the name ends in
 * .gz so a stream without gzip/bzip2/xz magic is refused).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_matrix_reader(data, size, LRS_FMT_AUTO, "fuzz.data.gz");
}
