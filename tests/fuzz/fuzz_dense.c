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
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    unsigned f;
    if (size < 1)
        return 0;
    f = data[0];
    o.format = (f & 1) ? LRS_FMT_AUTO : LRS_FMT_DENSE;
    o.allow_nonsquare = (f >> 1) & 1;
    o.max_n = fuzz_max_n(f >> 3);
    o.max_bytes = (size_t)1 << 24;
    fuzz_one(data + 1, size - 1, "fuzz.csv", &o, (f >> 2) & 1);
    return 0;
}
