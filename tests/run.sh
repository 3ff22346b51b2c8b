#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every unit-test program (build/tests/test_*) and every shell test
# (tests/t_*.sh), counts their "ok NAME" / "FAIL NAME: ..." lines, and ends
# with the line "N passed, N failed".  A program that dies without reporting
# (crash, non-zero exit) counts as one failure.
# Usage: tests/run.sh [BUILD_DIR]   (default build)
set -u
BUILD=${1:-build}
export LRS_BUILD=$BUILD
cd "$(dirname "$0")/.." || exit 2
limit=${LRS_TEST_TIMEOUT:-600}
pass=0; fail=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
run_one() {
    local name=$1; shift
    local t0=$SECONDS
    timeout -k 10 "$limit" "$@" >"$log" 2>&1
    local rc=$?
    grep -E '^(ok|FAIL) ' "$log"
    local p f
    p=$(grep -c '^ok ' "$log"); f=$(grep -c '^FAIL ' "$log")
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "FAIL $name: timed out after $limit s (LRS_TEST_TIMEOUT); its last output:"
        tail -n 20 "$log" | sed 's/^/    /'
        f=$((f + 1))
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: exited with status $rc without reporting a failure; its output:"
        tail -n 20 "$log" | sed 's/^/    /'
        f=1
    elif [ "$f" -gt 0 ]; then
        grep -v -E '^(ok|FAIL) ' "$log" | tail -n 20 | sed 's/^/    /'
    fi
    pass=$((pass + p)); fail=$((fail + f))
    echo "# $name: $p passed, $f failed ($((SECONDS - t0)) s)"
}
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "$(basename "$t")" ${LRS_TEST_WRAPPER:-} "$t"
done
for s in tests/t_*.sh; do
    [ -f "$s" ] || continue
    run_one "$(basename "$s")" bash "$s"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
