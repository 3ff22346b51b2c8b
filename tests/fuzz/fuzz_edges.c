/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_edges.c -- libFuzzer target: the edge-list reader (io_text.c).
 * Input: [options byte][text].  Options: bit 0 --ids; bit 1 --undirected;
 * bit 2 --base given, bit 3 its value (0/1); bit 4 --compact; bit 5 --nodes
 * 40; bit 6 read through a FILE*; bit 7 max_n 64 (else 1000).
 * Oracle: fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    unsigned f;
    if (size < 1)
        return 0;
    f = data[0];
    o.format = LRS_FMT_EDGES;
    o.ids = f & 1;
    o.undirected = (f >> 1) & 1;
    o.base = (f >> 2) & 1 ? (int)((f >> 3) & 1) : -1;
    o.compact = (f >> 4) & 1;
    o.nodes = (f >> 5) & 1 ? 40 : 0;
    o.max_n = (f >> 7) & 1 ? 64 : 1000;
    o.max_bytes = (size_t)1 << 24;
    fuzz_one(data + 1, size - 1, "fuzz.edges", &o, (f >> 6) & 1);
    return 0;
}
