#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The test runner itself: a test program that hangs is stopped at the time
# limit and reported as a FAIL line that names it; one that crashes without
# reporting counts as a failure; the closing line counts both.  Runs a copy of
# tests/run.sh in a scratch tree with stand-in test programs.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tests" "$tmp/b/tests"
cp "$repo/tests/run.sh" "$tmp/tests/"
printf '#!/bin/sh\necho "ok before_hang"\nexec sleep 60\n' >"$tmp/b/tests/test_hang"
printf '#!/bin/sh\necho "ok good"\n' >"$tmp/b/tests/test_good"
printf '#!/bin/sh\nkill -SEGV $$\n' >"$tmp/b/tests/test_crash"
chmod +x "$tmp"/b/tests/test_*
t0=$SECONDS
out=$(LRS_TEST_TIMEOUT=2 bash "$tmp/tests/run.sh" b 2>&1); rc=$?
dt=$((SECONDS - t0))
last=$(printf '%s\n' "$out" | tail -n 1)
if ! printf '%s\n' "$out" | grep -q '^FAIL test_hang: timed out after 2 s'; then
    echo "FAIL runner_timeout: no FAIL line naming the hung test; got: $(printf '%s' "$out" | tr '\n' '|')"
elif [ "$dt" -gt 20 ]; then echo "FAIL runner_timeout: the runner took $dt s (limit 2 s)"
else echo "ok runner_timeout"; fi
if printf '%s\n' "$out" | grep -q '^FAIL test_crash: exited with status'; then echo "ok runner_crash"
else echo "FAIL runner_crash: the crash is not reported: $(printf '%s' "$out" | tr '\n' '|')"; fi
if [ "$last" = "2 passed, 2 failed" ] && [ "$rc" -ne 0 ]; then echo "ok runner_summary"
else echo "FAIL runner_summary: last line '$last', status $rc (want '2 passed, 2 failed', non-zero)"; fi
