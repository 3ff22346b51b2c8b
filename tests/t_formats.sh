#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lrs-analyze on every input format the library reads (tests/fixtures/formats/,
# written by tests/fixtures/gen_formats.c with each format's own library):
# the singular values printed for each file equal those of the same network's
# dense CSV (same digits, same node count), compressed input on standard
# input, -o FILE.npy written as a float64 C-order array of the TSV table, and
# a reader error leaving standard output empty.  One "ok NAME" / "FAIL NAME:
# why" line per check.  Run from the repository root with LRS_BUILD set
# (tests/run.sh does); default build.
set -u
BUILD=${LRS_BUILD:-build}
BIN=$BUILD/lrs-analyze
F=tests/fixtures/formats
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
data() { grep -v '^#' "$1"; }

for net in dir_w dir_01 undir_w undir_01; do
    "$BIN" svals "$F/$net.csv" >"$TMP/ref" 2>"$TMP/err" || { fail "csv_$net" "$(cat "$TMP/err")"; continue; }
    for ext in mtx mtx.gz npy npz mat v4.mat v73.mat graphml gml net; do
        if "$BIN" svals "$F/$net.$ext" --var W >"$TMP/out" 2>"$TMP/err" &&
            [ "$(data "$TMP/out")" = "$(data "$TMP/ref")" ]; then
            ok "svals_${net}_$ext"
        else
            fail "svals_${net}_$ext" "$(head -c 300 "$TMP/err"; diff <(data "$TMP/ref") <(data "$TMP/out") | head -5)"
        fi
    done
done

# gzip, bzip2 and xz on standard input: detected by the magic bytes
for z in gzip bzip2 xz; do
    command -v $z >/dev/null || { ok "stdin_${z}_skipped_no_tool"; continue; }
    if $z -c "$F/undir_w.csv" | "$BIN" svals - >"$TMP/out" 2>"$TMP/err" &&
        [ "$(data "$TMP/out")" = "$(data <("$BIN" svals "$F/undir_w.csv"))" ] &&
        grep -q "$z-compressed" "$TMP/out"; then
        ok "stdin_$z"
    else
        fail "stdin_$z" "$(head -c 300 "$TMP/err")"
    fi
done

# -o FILE.npy: the (index, sigma) table as '<f8' C order, equal to the TSV digits
if "$BIN" svals "$F/dir_w.csv" -o "$TMP/s.npy" 2>"$TMP/err" && "$BIN" svals "$F/dir_w.csv" >"$TMP/s.tsv"; then
    got=$(python3 - "$TMP/s.npy" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x93NUMPY\x01\x00", b[:8]
h = struct.unpack("<H", b[8:10])[0]
hdr = b[10:10 + h].decode()
assert "'<f8'" in hdr and "False" in hdr and "(5, 2)" in hdr, hdr
v = struct.unpack("<10d", b[10 + h:])
print("\n".join("%d\t%.12g" % (v[2 * k], v[2 * k + 1]) for k in range(5)))
PY
)
    if [ "$got" = "$(data "$TMP/s.tsv")" ]; then ok "npy_output_svals"; else
        fail "npy_output_svals" "got '$got'"; fi
else
    fail "npy_output_svals" "$(cat "$TMP/err")"
fi
if "$BIN" ranks "$F/dir_w.csv" -o "$TMP/r.npy" --gnuplot >/dev/null 2>&1 && head -c 6 "$TMP/r.npy" | grep -q NUMPY; then
    fail "npy_gnuplot_stays_text" "--gnuplot -o x.npy wrote NumPy data"
else
    ok "npy_gnuplot_stays_text"
fi

# a reader error: one message on stderr, nothing on stdout, status 1
"$BIN" svals "$F/bad/npz-two.npz" >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc -eq 1 ] && [ ! -s "$TMP/out" ] && grep -q "choose one with --var NAME" "$TMP/err"; then
    ok "error_nothing_on_stdout"
else
    fail "error_nothing_on_stdout" "status $rc, stdout $(wc -c <"$TMP/out") bytes, stderr $(cat "$TMP/err")"
fi
# --key is --var; --weight-attr names a missing attribute
if "$BIN" svals "$F/bad/npz-two.npz" --key K >/dev/null 2>&1; then ok "key_alias"; else fail "key_alias" "--key K refused"; fi
"$BIN" svals "$F/dir_w.graphml" --weight-attr cap >/dev/null 2>"$TMP/err"
if grep -q "no edge attribute 'cap'; the edges have: weight" "$TMP/err"; then ok "weight_attr_missing"; else
    fail "weight_attr_missing" "$(cat "$TMP/err")"; fi
exit 0
