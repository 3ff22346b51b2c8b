#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench-figs: wall time of every figure target (`make figN`), one at a
# time, in REPS rounds over all the figures (default 3; the median is
# reported: a 2-core virtual machine's wall times drift by 10-20% between
# runs).  Each program is built first, so the time is the run (notebook
# program + gnuplot) alone.  Beside
# it, the authors' time for the same figure (bench/authors_seconds.tsv says
# how each was measured), the speed-up and the target: 30x for figures whose
# authors' script takes over 20 s, 5x for the others.  Prints a readable
# table and, per figure, one line
#   bench-fig name=<fig> wall_s=<median> min_s=<x> max_s=<y> authors_s=<a> speedup=<s> target=<t> status=<ok|fail> verdict=<met|missed|->
# then the same figures once more with `make -j2` (two figures side by side on
# the two cores), one line
#   bench-figs-j2 wall_s=<x> sequential_sum_s=<y> status=<ok|fail>
# (J2=0 skips it).
# Usage: bench/figs.sh BUILD_DIR fig1 fig2 ...   (REPS=N, FAST=1 in the
# environment or on the make command line are passed through.)
set -u
BUILD=${1:-build}; shift
cd "$(dirname "$0")/.." || exit 2
[ "$#" -gt 0 ] || { echo "bench-figs: no figure programs (notebooks-c/fig*.c)"; exit 0; }
reps=${REPS:-3}
log=$(mktemp); trap 'rm -f "$log"' EXIT
# authors' seconds per figure (empty if unknown)
authors() { awk -F'\t' -v f="$1" '$1 == f { print $2 }' bench/authors_seconds.tsv 2>/dev/null; }
calc() { awk "BEGIN { $1 }"; }
printf '| %-22s | %7s | %11s | %9s | %8s | %6s | %-6s |\n' figure wall_s "min-max" authors_s speedup target status
printf '|------------------------|---------|-------------|-----------|----------|--------|--------|\n'
total=0; atotal=0; nfail=0; nmiss=0; rows=()
# build every program first; then REPS rounds, each timing every figure once:
# a slow spell of the host (they last 10-30 s on the virtual machine we
# measured) then costs one sample of several figures, not every sample of one
declare -A times status
for f in "$@"; do
    status[$f]=ok; times[$f]=""
    if ! make -s BUILD="$BUILD" "$BUILD/notebooks/$f" >"$log" 2>&1; then
        status[$f]=fail
        tail -n 5 "$log" | sed 's/^/    /' >&2
    fi
done
for _ in $(seq "$reps"); do
    for f in "$@"; do
        [ "${status[$f]}" = ok ] || continue
        t0=$(date +%s.%N)
        if ! make -s BUILD="$BUILD" "$f" >"$log" 2>&1; then
            status[$f]=fail
            tail -n 5 "$log" | sed 's/^/    /' >&2
            continue
        fi
        t1=$(date +%s.%N)
        times[$f]="${times[$f]} $(calc "printf \"%.3f\", $t1 - $t0")"
    done
done
for f in "$@"; do
    st=${status[$f]}
    if [ "$st" = ok ]; then
        sorted=$(printf '%s\n' ${times[$f]} | sort -n)
        w=$(echo "$sorted" | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }')
        lo=$(echo "$sorted" | head -n 1); hi=$(echo "$sorted" | tail -n 1)
        range=$(calc "printf \"%.2f-%.2f\", $lo, $hi")
    else
        nfail=$((nfail + 1)); w=0; lo=0; hi=0; range=-
    fi
    a=$(authors "$f"); sp=-; tg=-; verdict=-
    if [ -n "$a" ] && [ "$st" = ok ]; then
        sp=$(calc "printf \"%.0fx\", $a / $w")
        tg=$(calc "print ($a > 20 ? 30 : 5)")
        verdict=$(calc "print ($a / $w >= $tg ? \"met\" : \"missed\")")
        [ "$verdict" = met ] || nmiss=$((nmiss + 1))
        tg="${tg}x"
    fi
    total=$(calc "printf \"%.2f\", $total + $w")
    atotal=$(calc "printf \"%.1f\", $atotal + ${a:-0}")
    printf '| %-22s | %7s | %11s | %9s | %8s | %6s | %-6s |\n' "$f" "$w" "$range" "${a:--}" "$sp" "$tg" \
        "$([ "$st" = ok ] && echo "$verdict" || echo fail)"
    rows+=("bench-fig name=$f wall_s=$w min_s=$lo max_s=$hi authors_s=${a:--} speedup=$sp target=$tg status=$st verdict=$verdict")
done
printf '| %-22s | %7s | %11s | %9s | %8s | %6s | %-6s |\n' "total (medians)" "$total" "" "$atotal" \
    "$(calc "printf \"%.0fx\", $atotal / ($total > 0 ? $total : 1)")" "30x" "$nfail fail, $nmiss missed"
rows+=("bench-figs-total wall_s=$total authors_s=$atotal failed=$nfail missed=$nmiss")
if [ "${J2:-1}" != 0 ]; then
    t0=$(date +%s.%N)
    if make -s -j2 BUILD="$BUILD" "$@" >"$log" 2>&1; then st=ok; else st=fail; nfail=$((nfail + 1)); fi
    t1=$(date +%s.%N)
    w=$(calc "printf \"%.2f\", $t1 - $t0")
    [ "$st" = ok ] || tail -n 5 "$log" | sed 's/^/    /' >&2
    printf '| %-22s | %7s | %11s | %9s | %8s | %6s | %-6s |\n' "total, make -j2" "$w" "" "" "" "" "$st"
    rows+=("bench-figs-j2 wall_s=$w sequential_sum_s=$total status=$st")
fi
# wall times depend on what else runs: say how busy the machine was
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
printf '%s\n' "${rows[@]}"
[ "$nfail" -eq 0 ]
