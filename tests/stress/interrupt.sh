#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C stress: COUNT times (default 100), start `make NAME FAST=1` (default
# fig1) in its own process group in a scratch tree, send SIGINT to the group
# at a random moment of the run (notebook or gnuplot), and check that make
# ends within 5 s with status 130 (or 0 when the run had already finished),
# that no gnuplot is left behind and that no temporaries are left.  Prints one
# line per run (a bad run is followed by make's output) and
# "interrupt stress: N runs, N hangs, N bad" at the end.
# Not part of `make test` (it takes minutes): `make test-interrupt-stress`.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${LRS_BUILD:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
name=${1:-fig1}; count=${2:-100}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in Makefile analyses src include notebooks-c tests data; do [ -e "$repo/$f" ] && ln -s "$repo/$f" "$tmp/$f"; done
mkdir -p "$tmp/results"
cd "$tmp" || exit 2
# one uninterrupted run for the duration
t0=$(date +%s.%N)
make --no-print-directory -o "$build/notebooks/$name" "$name" FAST=1 BUILD="$build" \
    DEPS_OK="$repo/build/.deps-ok" >/dev/null 2>&1 || { echo "the plain run failed"; exit 1; }
full=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
echo "# one uninterrupted run: $full s"
# gnuplot processes started in this scratch tree (others may run elsewhere)
ours() {
    local p
    for p in $(pgrep -x gnuplot); do
        [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$tmp" ] && printf '%s ' "$p"
    done
}
hangs=0; bad=0
# make starts with SIGINT at its default (env --default-signal): a script
# started in the background (`... &` without job control) inherits SIGINT
# ignored, and make and figure.sh would then never see the Ctrl-C.
for i in $(seq "$count"); do
    delay=$(awk -v f="$full" -v s="$RANDOM" 'BEGIN { printf "%.3f", f * s / 32768 }')
    set -m
    env --default-signal=INT make --no-print-directory -o "$build/notebooks/$name" "$name" \
        FAST=1 BUILD="$build" DEPS_OK="$repo/build/.deps-ok" >results/make.log 2>&1 &
    mpid=$!
    set +m
    sleep "$delay"
    kill -INT -- -"$mpid" 2>/dev/null
    ended=""
    for _ in $(seq 100); do kill -0 "$mpid" 2>/dev/null || { ended=1; break; }; sleep 0.05; done
    if [ -z "$ended" ]; then
        hangs=$((hangs + 1)); echo "run $i: HANG after SIGINT at $delay s"
        kill -KILL -- -"$mpid" $(ours) 2>/dev/null
        wait "$mpid" 2>/dev/null; continue
    fi
    wait "$mpid"; rc=$?
    left=$(find results -name '.*tmp*' | tr '\n' ' ')
    orphan=$(ours)
    if { [ "$rc" -ne 130 ] && [ "$rc" -ne 0 ]; } || [ -n "$left" ] || [ -n "$orphan" ]; then
        bad=$((bad + 1)); echo "run $i: BAD status $rc at $delay s; temporaries '$left'; gnuplot left '$orphan'"
        sed 's/^/    make: /' results/make.log
        [ -n "$orphan" ] && kill -KILL $orphan
    else
        echo "run $i: SIGINT at $delay s, status $rc"
    fi
done
echo "interrupt stress: $count runs, $hangs hangs, $bad bad"
[ "$hangs" -eq 0 ] && [ "$bad" -eq 0 ]
