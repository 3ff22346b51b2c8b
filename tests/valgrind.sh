#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every unit-test program BUILD/tests/test_* under valgrind memcheck
# (--leak-check=full, definite and indirect leaks are errors), then every
# lrs-analyze run of tests/t_analyze.sh's reader, bad-input and subcommand
# checks, and prints the tests' own "ok"/"FAIL" counts per program and, last,
# one summary line:
#   valgrind: N programs, N errors, N leaks
# where errors are memcheck errors (invalid reads/writes, uninitialised
# values, bad frees) and leaks the definitely + indirectly lost blocks.
# Exit status 0 only when both are 0 and every program passed.  Known defects
# outside lrs are suppressed narrowly in tests/valgrind.supp (each with its
# reproducer); the count of suppressed errors is printed per program.
# The programs run in quick mode (LRS_TEST_QUICK=1, tests/harness.h): the two
# long statistical tests (T = 2e5 and T = 5000 simulations, about an hour
# each under memcheck) run their whole code path at a short length and skip
# only the checks whose tolerances need the full length; `make test` runs
# them in full.  The per-program line counts these as "quick".
# Usage: tests/valgrind.sh [BUILD]  (not an ASan build: build-san cannot run
# under valgrind).  Logs: BUILD/valgrind/test_x.log, BUILD/valgrind/lrs-analyze/PID.log.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 2
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 2; }
if nm "$BUILD"/tests/test_* 2>/dev/null | grep -q __asan_init; then
    echo "valgrind: $BUILD is an ASan build; use an ordinary build (make test-valgrind)"; exit 2
fi
mkdir -p "$BUILD/valgrind"
# one BLAS thread: valgrind serialises threads anyway (and OpenBLAS's own
# thread pool is not ours to check)
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export LRS_TEST_QUICK=1
VG=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=30
    --suppressions=tests/valgrind.supp)
nprog=0; nerr=0; nleak=0; nfail=0

# scan LOG...: sets e (memcheck errors other than leaks), leak (definitely +
# indirectly lost blocks) and sup (suppressed errors), summed over the logs.
# "ERROR SUMMARY: E errors" counts leak errors too; the leak summary gives the
# lost blocks.
scan() {
    e=0; leak=0; sup=0
    local log x dl il lerr
    for log in "$@"; do
        x=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
        dl=$(sed -n 's/.*definitely lost: [0-9,]* bytes in \([0-9,]*\) blocks.*/\1/p' "$log" | tail -1 | tr -d ,)
        il=$(sed -n 's/.*indirectly lost: [0-9,]* bytes in \([0-9,]*\) blocks.*/\1/p' "$log" | tail -1 | tr -d ,)
        lerr=$(grep -c 'are definitely lost\|are indirectly lost' "$log")
        x=$(( ${x:-0} - lerr )); [ "$x" -lt 0 ] && x=0
        e=$((e + x)); leak=$((leak + ${dl:-0} + ${il:-0}))
        x=$(sed -n 's/.*ERROR SUMMARY:.*(suppressed: \([0-9]*\) from.*/\1/p' "$log" | tail -1)
        sup=$((sup + ${x:-0}))
    done
}

# show LOG...: the first reports of the logs with errors or leaks
show() {
    grep -h -m 5 -A 12 'Invalid\|uninitialised\|definitely lost in\|indirectly lost in\|Mismatched\|free()' "$@" \
        | head -60 | sed 's/^/    /'
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    log=$BUILD/valgrind/$name.log
    out=$BUILD/valgrind/$name.out
    t0=$SECONDS
    "${VG[@]}" --log-file="$log" "$t" >"$out" 2>&1
    rc=$?
    nprog=$((nprog + 1))
    scan "$log"
    p=$(grep -c '^ok ' "$out"); f=$(grep -c '^FAIL ' "$out"); q=$(grep -c '^ok .*(quick: ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    nerr=$((nerr + e)); nleak=$((nleak + leak)); nfail=$((nfail + f))
    echo "# $name: $p passed ($q quick), $f failed, $e errors, $leak leaked blocks, $sup suppressed ($((SECONDS - t0)) s)"
    if [ "$e" -gt 0 ] || [ "$leak" -gt 0 ]; then show "$log"; fi
    [ "$f" -gt 0 ] && grep '^FAIL ' "$out" | head -5 | sed 's/^/    /'
done

# lrs-analyze: every run of tests/t_analyze.sh's reader, bad-input and
# subcommand checks, each under valgrind (one log per process).
if [ -x "$BUILD/lrs-analyze" ]; then
    d=$BUILD/valgrind/lrs-analyze
    rm -rf "$d"; mkdir -p "$d"
    out=$BUILD/valgrind/lrs-analyze.out
    t0=$SECONDS
    LRS_BUILD=$BUILD LRS_ANALYZE_WRAP="${VG[*]} --log-file=$d/%p.log" bash tests/t_analyze.sh >"$out" 2>&1
    nprog=$((nprog + 1))
    runs=$(find "$d" -name '*.log' | wc -l)
    scan "$d"/*.log
    p=$(grep -c '^ok ' "$out"); f=$(grep -c '^FAIL ' "$out")
    nerr=$((nerr + e)); nleak=$((nleak + leak)); nfail=$((nfail + f))
    echo "# lrs-analyze ($runs runs by tests/t_analyze.sh): $p passed, $f failed, $e errors, $leak leaked blocks, $sup suppressed ($((SECONDS - t0)) s)"
    if [ "$e" -gt 0 ] || [ "$leak" -gt 0 ]; then show "$d"/*.log; fi
    [ "$f" -gt 0 ] && grep '^FAIL ' "$out" | head -5 | sed 's/^/    /'
fi
echo "valgrind: $nprog programs, $nerr errors, $nleak leaks"
[ "$nerr" -eq 0 ] && [ "$nleak" -eq 0 ] && [ "$nfail" -eq 0 ]
