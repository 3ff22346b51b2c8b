/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_graph.c -- libFuzzer target: the graph formats read by igraph
 * (io_graph.c).  Input: [format byte][options byte][file]; the format byte
 * picks GraphML, GML, Pajek, NCOL, LGL, DIMACS or DL (its bit 7: undirected),
 * the options byte is fuzz_common.h's (bit 6: --weight-attr weight).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const lrs_io_format_t fmts[7] = {LRS_FMT_GRAPHML, LRS_FMT_GML, LRS_FMT_PAJEK,
                                            LRS_FMT_NCOL, LRS_FMT_LGL, LRS_FMT_DIMACS,
                                            LRS_FMT_DL};
    lrs_io_read_opts_t o = lrs_io_read_opts_default();
    unsigned f;
    if (size < 2)
        return 0;
    f = data[1];
    o.format = (f & 1) ? LRS_FMT_AUTO : fmts[(data[0] & 0x7f) % 7];
    o.undirected = data[0] >> 7;
    o.allow_nonsquare = (f >> 1) & 1;
    o.max_n = fuzz_max_n(f >> 3);
    o.max_bytes = (size_t)1 << 24;
    if ((f >> 6) & 1)
        o.weight_attr = "weight";
    fuzz_one(data + 2, size - 2, "fuzz.data", &o, (f >> 2) & 1);
    return 0;
}
