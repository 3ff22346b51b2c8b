#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the fuzz targets built by `make fuzz-build` one after the other, each for
# SECONDS from the committed seed corpus (read-only) plus the scratch corpus
# BUILD/corpus/TARGET/ (where libFuzzer writes the new interesting inputs),
# and prints one line per target:
#   fuzz dense: 60 s, 123456 executions, 0 findings
# (a run stops at its first finding: 0 or 1).  Each run is also appended to
# BUILD/fuzz_history.tsv (date, target, seconds, executions, findings).
# A finding (crash, sanitizer report, leak, oracle abort, timeout > 10 s,
# out-of-memory) leaves its input in BUILD/artifacts/ and the log tail on
# stderr; the exit status is then 1.
# Usage: tests/fuzz/run.sh BUILD SECONDS TARGET...
set -u
BUILD=$1; SECS=$2; shift 2
cd "$(dirname "$0")/../.." || exit 2
status=0
# one BLAS thread: the fuzz targets run side by side on a shared machine
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
for t in "$@"; do
    bin=$BUILD/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz $t: $bin not built"; status=1; continue; }
    mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts"
    log=$BUILD/fuzz_$t.log
    t0=$SECONDS
    # -close_fd_mask: the report target's stdout and stderr are the tool's
    # output and error messages (libFuzzer's and the sanitizers' reports
    # still reach the log).
    mask=1; [ "$t" = report ] && mask=3
    "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -close_fd_mask=$mask -artifact_prefix="$BUILD/artifacts/$t-" \
        "$BUILD/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ -z "$execs" ]; then
        execs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*')
    fi
    nfind=0
    if [ "$rc" -ne 0 ]; then
        nfind=1
        status=1
        echo "--- $t: exit status $rc; log $log; last lines:" >&2
        tail -n 40 "$log" >&2
    fi
    echo "fuzz $t: $((SECONDS - t0)) s, ${execs:-?} executions, $nfind findings"
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -Is)" "$t" "$((SECONDS - t0))" "${execs:-0}" "$nfind" \
        >>"$BUILD/fuzz_history.tsv"
done
exit $status
