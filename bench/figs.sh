#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench-figs: wall time of every figure target (`make figN`), one at a
# time.  Each program is built first, so the time is the run (notebook program
# + gnuplot) alone.  Prints a readable table and, per figure, one line
#   bench-fig name=<fig> wall_s=<x> status=<ok|fail>
# Then the same figures once more with `make -j2` (two figures side by side on
# the two cores), one line
#   bench-figs-j2 wall_s=<x> sequential_sum_s=<y> status=<ok|fail>
# (J2=0 skips it).
# Usage: bench/figs.sh BUILD_DIR fig1 fig2 ...   (FAST=1 in the environment or
# on the make command line is passed through to the figure targets.)
set -u
BUILD=${1:-build}; shift
cd "$(dirname "$0")/.." || exit 2
[ "$#" -gt 0 ] || { echo "bench-figs: no figure programs (notebooks-c/fig*.c)"; exit 0; }
log=$(mktemp); trap 'rm -f "$log"' EXIT
printf '| %-22s | %9s | %-6s |\n' figure wall_s status
printf '|------------------------|-----------|--------|\n'
total=0; nfail=0; rows=()
for f in "$@"; do
    if ! make -s BUILD="$BUILD" "$BUILD/notebooks/$f" >"$log" 2>&1; then
        st=fail; w=0
    else
        t0=$(date +%s.%N)
        if make -s BUILD="$BUILD" "$f" >"$log" 2>&1; then st=ok; else st=fail; fi
        t1=$(date +%s.%N)
        w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    fi
    [ "$st" = ok ] || { nfail=$((nfail + 1)); tail -n 5 "$log" | sed 's/^/    /' >&2; }
    total=$(awk -v a="$total" -v b="$w" 'BEGIN { printf "%.2f", a + b }')
    printf '| %-22s | %9s | %-6s |\n' "$f" "$w" "$st"
    rows+=("bench-fig name=$f wall_s=$w status=$st")
done
printf '| %-22s | %9s | %-6s |\n' total "$total" "$nfail fail"
if [ "${J2:-1}" != 0 ]; then
    t0=$(date +%s.%N)
    if make -s -j2 BUILD="$BUILD" "$@" >"$log" 2>&1; then st=ok; else st=fail; nfail=$((nfail + 1)); fi
    t1=$(date +%s.%N)
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    [ "$st" = ok ] || tail -n 5 "$log" | sed 's/^/    /' >&2
    printf '| %-22s | %9s | %-6s |\n' "total, make -j2" "$w" "$st"
    rows+=("bench-figs-j2 wall_s=$w sequential_sum_s=$total status=$st")
fi
# wall times depend on what else runs: say how busy the machine was
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
printf '%s\n' "${rows[@]}"
[ "$nfail" -eq 0 ]
