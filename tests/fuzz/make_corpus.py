#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Regenerate the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

Each seed is [options byte][file bytes]; see the comment at the top of each
fuzz_<target>.c for the meaning of the options byte.  Run from anywhere:
    python3 tests/fuzz/make_corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, opt, body):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(body, str):
        body = body.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes([opt]) + body)


def npy(shape, descr="<f8", fortran=False, data=b"", version=1):
    hdr = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False",
        ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    pre = 10 if version == 1 else 12
    total = pre + len(hdr) + 1
    hdr = hdr + " " * ((64 - total % 64) % 64) + "\n"
    if version == 1:
        head = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr))
    else:
        head = b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(hdr))
    return head + hdr.encode() + data


def mm(header, body):
    """A Matrix Market file: the banner with `header`, then `body`."""
    return "%%MatrixMarket matrix " + header + "\n" + body


# The text-reader seeds, per target: (name, options byte, file bytes).
SEEDS = {
    # dense text: options bit0 auto, bit1 nonsquare, bit2 FILE*, bits3-4 max_n
    "dense": [
        ("plain", 0x18, "0 1 0\n1 0 1\n0 1 0\n"),
        ("csv_padded", 0x18, "   0,   1,\n   1,   0,\n"),
        ("csv_labelled", 0x19, ",a,b,c\na,0,1,2\nb,1,0,3\nc,2,3,0\n"),
        ("r_quoted", 0x18, '"","x","y"\n"x",0.5,-1e-3\n"y",2,0\n'),
        ("semicolon_decimal_comma", 0x18, "0,5;1\n2;0,25\n"),
        ("tabs_crlf", 0x1c, "1\t2\r\n3\t4\r\n"),
        ("comments_no_final_newline", 0x18, "# a comment\n% another\n1 2\n3 4"),
        ("bom_header", 0x19, b"\xef\xbb\xbfa;b\n1;2\n3;4\n"),
        ("nonsquare", 0x1a, "1 2 3\n4 5 6\n"),
        ("bad_cell", 0x18, "0 1\n1 X\n"),
        ("nan", 0x18, "0 nan\n1 0\n"),
        ("ragged", 0x18, "1 2\n3\n"),
        ("edges_auto", 0x19, "a b\nb c 2\nc a\n"),
        ("numeric_edges_auto", 0x19, "1 2\n2 3\n3 1\n4 1\n"),
        ("cr_only", 0x18, "1 2\r3 4\r"),
        ("quotes_escaped", 0x19, '"a""b",1\n"c""""d",2\n'),
        ("small_limit", 0x00, "1 2 3 4 5 6 7 8 9\n" * 9),
        ("subnormal_huge", 0x18, "4.9e-324 1.7976931348623157e308\n-0 1e-400\n"),
    ],
    # edge lists: bit0 ids, bit1 undirected, bit2 base given, bit3 base value,
    # bit4 compact, bit5 nodes 40, bit6 FILE*, bit7 max_n 64
    "edges": [
        ("names", 0x00, "alice bob\nbob carol\n"),
        ("weights", 0x00, "source,target,weight\na,b,1\nb,c,2\na,b,3\n"),
        ("ids_base1", 0x0d, "1 2\n2 3\n3 1\n"),
        ("ids_compact", 0x11, "0 5\n5 9\n"),
        ("ids_nodes", 0x21, "0 1\n1 39\n"),
        ("undirected", 0x02, "a\tb\t1\nb\ta\t2\nc\tc\t1\n"),
        ("quoted_names", 0x40, '"x y","z"\n"z","x y"\n'),
        ("negative_id", 0x01, "0 -1\n"),
        ("header_ids", 0x01, "from to\n0 1\n1 0"),
        ("big_weight", 0x00, "a b 1e308\na b 1e308\n"),
    ],
    # Matrix Market: bit0 auto, bit1 nonsquare, bit2 FILE*, bits3-4 max_n
    "mtx": [
        ("coord_real", 0x18,
         mm("coordinate real general", "% c\n3 3 4\n1 1 1.5\n2 3 -2\n3 1 4\n1 1 1\n")),
        ("coord_sym", 0x18, mm("coordinate real symmetric", "3 3 3\n2 1 1\n3 2 2\n3 3 3\n")),
        ("coord_skew_int", 0x18, mm("coordinate integer skew-symmetric", "2 2 1\n2 1 7\n")),
        ("pattern", 0x19, mm("coordinate pattern general", "2 2 2\n1 2\n2 1")),
        ("array", 0x18, mm("array real general", "2 2\n1\n2\n3\n4\n")),
        ("array_sym", 0x18, mm("array real symmetric", "2 2\n1\n2\n3\n")),
        ("array_skew", 0x18, mm("array real skew-symmetric", "3 3\n1\n2\n3\n")),
        ("lying_header", 0x18, mm("coordinate real general", "2 2 9\n1 1 1\n")),
        ("huge_header", 0x18, mm("coordinate real general", "100000 100000 1\n1 1 1\n")),
        ("nonsquare", 0x1a, mm("array integer general", "2 3\n1 2 3 4 5 6\n")),
    ],
    # npy: bit0 auto, bit1 nonsquare, bit2 FILE*, bits3-4 max_n
    "npy": [
        ("f8_c", 0x18, npy((2, 2), "<f8", False, struct.pack("<4d", 1, 2, 3, 4))),
        ("f8_fortran", 0x19, npy((2, 2), "<f8", True, struct.pack("<4d", 1, 2, 3, 4))),
        ("f4_big", 0x18, npy((2, 2), ">f4", False, struct.pack(">4f", 1, -2, 3.5, 0))),
        ("f2_inf_subnormal", 0x18,
         npy((2, 2), "<f2", False, struct.pack("<4e", 1, -2.5, float("inf"), 2.0**-24))),
        ("i2", 0x18, npy((2, 2), "<i2", False, struct.pack("<4h", -1, 2, -3, 4))),
        ("u8", 0x18, npy((1, 1), "<u8", False, struct.pack("<Q", 2**64 - 1))),
        ("bool", 0x18, npy((2, 2), "|b1", False, bytes([0, 1, 1, 0]))),
        ("i8_v2", 0x1c,
         npy((2, 2), "<i8", False, struct.pack("<4q", -2**63, 1, 2, 3), version=2)),
        ("truncated", 0x18, npy((3, 3), "<f8", False, struct.pack("<2d", 1, 2))),
        ("one_dim", 0x18, npy((4,), "<f8", False, struct.pack("<4d", 1, 2, 3, 4))),
        ("nonsquare", 0x1a, npy((2, 3), "<i1", False, bytes(6))),
        ("nan", 0x18, npy((1, 1), "<f8", False, struct.pack("<d", float("nan")))),
    ],
    # report: bits 0-2 extension (.csv .txt .edges .mtx .npy none .tsv .el),
    # bit3 --normalize, bit4 --undirected, bit5 --model sis, bit6 --scale -2,
    # bit7 --gnuplot
    "report": [
        ("csv_rank1", 0, "1,1,1,1\n1,1,1,1\n1,1,1,1\n1,1,1,1\n"),
        ("txt_stable", 1, "0.1 0.2 0\n-0.3 0 0.1\n0 0.5 -0.2\n"),
        ("txt_unstable_normalize", 1 | 8, "2 0\n0 3\n"),
        ("edges_undirected_sis", 2 | 16 | 32, "a b\nb c\nc d\nd a\na c\n"),
        ("edges_scale_gnuplot", 2 | 64 | 128, "a b 1\nb a 2\nb c 0.5\n"),
        ("mtx_sym", 3, mm("coordinate real symmetric", "3 3 3\n2 1 0.4\n3 2 -0.3\n3 3 0.2\n")),
        ("mtx_singular", 3, mm("array real general", "2 2\n1\n0\n0\n0\n")),
        ("npy_f8", 4,
         npy((3, 3), "<f8", False, struct.pack("<9d", 0, 0.5, 0, 0, 0, 0.5, 0.5, 0, 0))),
        ("noext_dense", 5, "0 0.9\n0.9 0\n"),
        ("tsv_labelled", 6, "\tx\ty\nx\t0\t0.2\ny\t0.3\t0\n"),
        ("el_ids", 7, "0 1\n1 2\n2 0\n"),
        ("ill_conditioned", 0, "0.99999999999999,0,0\n0,0,0\n0,0,0\n"),
        ("one_by_one", 1, "0.5\n"),
        ("zero", 1, "0 0\n0 0\n"),
    ],
}
for target, seeds in SEEDS.items():
    for name, opt, body in seeds:
        put(target, name, opt, body)


# library-backed readers: the consistency fixtures (tests/fixtures/formats/,
# written by gen_formats.c) and its bad inputs are the seeds
FMT = os.path.join(HERE, "..", "fixtures", "formats")


def fixture(rel):
    with open(os.path.join(FMT, rel), "rb") as f:
        return f.read()


for net in ("dir_w", "dir_01", "undir_w", "undir_01"):
    put("npz", net, 0x18, fixture(net + ".npz"))
    put("mat", net, 0x38, fixture(net + ".mat"))      # bit 5: --var W
    put("mat", net + ".v4", 0x18, fixture(net + ".v4.mat"))
    put("mat", net + ".v73", 0x18, fixture(net + ".v73.mat"))
    put("gzip", net, 0x18, fixture(net + ".mtx.gz"))
    for k, ext in enumerate((".graphml", ".gml", ".net")):
        put("graph", net + ext, k, bytes([0x18]) + fixture(net + ext))
for bad in ("npz-complex.npz", "npz-3d.npz", "npz-two.npz", "npz-bomb.npz", "npz-no-npy.zip"):
    put("npz", bad, 0x18, fixture("bad/" + bad))
for bad in ("mat-complex.mat", "mat-char.mat", "mat-3d.mat", "mat-nonsquare.mat"):
    put("mat", bad, 0x18, fixture("bad/" + bad))
put("mat", "v4-sparse-huge", 0x18, fixture("bad/mat-v4-sparse-huge.mat"))
put("gzip", "bomb", 0x08, fixture("bad/gz-bomb.csv.gz"))
put("gzip", "truncated", 0x18, fixture("bad/gz-truncated.mtx.gz"))
put("graph", "string-weight", 0, bytes([0x18]) + fixture("bad/graphml-string-weight.graphml"))
put("graph", "pajek-big", 2, bytes([0x08]) + fixture("bad/pajek-too-many.net"))
put("graph", "ncol", 3, bytes([0x18]) + b"a b 1.5\nb c 2\nc a 0.5\nd d 1\n")
put("graph", "lgl", 4, bytes([0x18]) + b"# a\nb 1.5\nc 2\n# b\nc 1\n")
put("graph", "dimacs", 5, bytes([0x18]) + b"c flow\np max 3 3\nn 1 s\nn 3 t\na 1 2 4\na 2 3 5\na 1 3 1\n")
put("graph", "dl", 6, bytes([0x18]) + b"DL n=3\nformat = edgelist1\ndata:\n1 2 1.5\n2 3 2\n3 1 1\n")
