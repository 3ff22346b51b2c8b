/*
 * fuzz_mtx.c -- libFuzzer target: the Matrix Market reader (io_mtx.c).
 * Input: [options byte][text].  Options: bit 0 auto-detection (by content)
 * instead of --format mtx; bit 1 allow non-square; bit 2 read through a
 * FILE*; bits 3-4 max_n (8, 64, 1000, default).  Oracle: fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    unsigned f;
    if (size < 1)
        return 0;
    f = data[0];
    o.format = (f & 1) ? LRS_FMT_AUTO : LRS_FMT_MTX;
    o.allow_nonsquare = (f >> 1) & 1;
    o.max_n = fuzz_max_n(f >> 3);
    o.max_bytes = (size_t)1 << 24;
    fuzz_one(data + 1, size - 1, "fuzz.mtx", &o, (f >> 2) & 1);
    return 0;
}
