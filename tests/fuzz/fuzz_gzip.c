/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_gzip.c -- libFuzzer target: compressed input (io_decomp.c: zlib,
 * libbz2, liblzma) under every text and binary reader, the format detected
 * from the decoded content.  Input: [options byte][file]; options as in
 * fuzz_common.h (bit 0 is ignored: always auto-detection, the name ends in
 * .gz so a stream without gzip/bzip2/xz magic is refused).  The memory limit
 * is 8 KiB (matrices up to 1024 entries), so the decompression cap
 * (io_expand_cap: 64 bytes per entry plus the memory limit) is at most 72 KiB: a
 * bomb costs a millisecond, not the seconds of decoding and parsing 129 MiB
 * under the sanitizers.  The readers under the decoder have targets of their
 * own with larger limits.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_matrix_reader_bytes(data, size, LRS_FMT_AUTO, "fuzz.data.gz",
                                    (size_t)1 << 13);
}
