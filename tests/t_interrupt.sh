#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C during a figure run: the run stops within a second with exit
# status 130 and the previous results are left byte-identical, with no
# temporaries behind.  Everything happens in a scratch folder (the real
# results/ are never touched):
#   1. previous results: NAME --fast, then its gnuplot script into .tmp files
#      renamed into place (as `make NAME FAST=1` does); md5sum of every file;
#   2. interrupt_notebook: NAME without --fast, SIGINT after 1 s; status 130,
#      stopped in < 1 s, md5sums unchanged, no temporaries;
#   3. interrupt_make_notebook / interrupt_make_gnuplot: `make NAME` with the
#      real Makefile rule in a scratch tree, SIGINT to its process group (what
#      Ctrl-C on a terminal does) while the notebook runs, then while gnuplot
#      draws: status 130, PNG/PDF/TSV unchanged.
# Prints "# timing ..." lines with the measured stop times.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${LRS_BUILD:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
name=${LRS_INTERRUPT_FIG:-fig1}
# The full runs interrupted below must last well over a second: fig1's noise
# run with the exact integrator ends sooner, so they use the paper's Euler
# scheme (about 10x the work).
full_args=${LRS_INTERRUPT_ARGS---euler}
prog=$build/notebooks/$name
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL $1: $2"; }
now() { date +%s.%N; }
sums() { (cd "$tmp/results" && find . -type f ! -name '*.log' | LC_ALL=C sort | xargs md5sum); }
leftovers() { find "$tmp/results" -name '.*tmp*' | sed "s|$tmp/||" | tr '\n' ' '; }
# Wait for pid (a child of this shell) and print its status.
stop_time() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

[ -x "$prog" ] || { fail interrupt_notebook "$prog not built"; exit 1; }
command -v gnuplot >/dev/null || { fail interrupt_notebook "gnuplot not installed"; exit 1; }

# scratch tree: the Makefile's figure rule reads analyses/ and writes results/
for f in Makefile analyses src include notebooks-c tests; do ln -s "$repo/$f" "$tmp/$f"; done
mkdir -p "$tmp/results/$name"
cd "$tmp" || exit 2

# 1. previous results
if ! "$prog" --fast --out "results/$name" >results/fast.log 2>&1; then
    fail interrupt_notebook "the --fast run failed: $(tail -n 2 results/fast.log | tr '\n' ' ')"; exit 1
fi
if ! gnuplot -e "outpng='results/.$name.png.tmp'; outpdf='results/.$name.pdf.tmp'" \
        "analyses/$name.gp" >results/gp.log 2>&1; then
    fail interrupt_notebook "gnuplot failed: $(tail -n 2 results/gp.log | tr '\n' ' ')"; exit 1
fi
mv -f "results/.$name.png.tmp" "results/$name.png" && mv -f "results/.$name.pdf.tmp" "results/$name.pdf"
before=$(sums)
nfiles=$(echo "$before" | wc -l)
echo "# $nfiles previous result files ($name.png, $name.pdf, results/$name/*)"

# 2. the notebook itself
"$prog" $full_args --out "results/$name" >results/run.log 2>&1 &
pid=$!
sleep 1
if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    fail interrupt_notebook "the full run ended (status $?) within 1 s; nothing to interrupt"
else
    t0=$(now); kill -INT "$pid"; wait "$pid"; rc=$?; t1=$(now)
    dt=$(stop_time "$t0" "$t1")
    echo "# timing interrupt_notebook: SIGINT after 1 s, exit status $rc after $dt s"
    after=$(sums); left=$(leftovers)
    for f in "./$name.png" "./$name/spectrum.tsv"; do
        echo "# md5 $f: before $(echo "$before" | awk -v f="$f" '$2 == f { print $1 }')," \
             "after $(echo "$after" | awk -v f="$f" '$2 == f { print $1 }')"
    done
    if [ "$rc" -ne 130 ]; then fail interrupt_notebook "exit status $rc, want 130"
    elif awk -v d="$dt" 'BEGIN { exit !(d >= 1.0) }'; then fail interrupt_notebook "took $dt s to stop (want < 1 s)"
    elif [ "$before" != "$after" ]; then fail interrupt_notebook "files changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -3 | tr '\n' ' ')"
    elif [ -n "$left" ]; then fail interrupt_notebook "temporaries left: $left"
    elif ! grep -q 'interrupted' results/run.log; then fail interrupt_notebook "no 'interrupted' message on stderr"
    else echo "ok interrupt_notebook"; fi
fi

# 3. make NAME in its own process group; Ctrl-C = SIGINT to the group.
# -o: never rebuild the program here (others may be editing sources).
# Job control on (set -m): the background make gets its own process group and
# SIGINT is not ignored in it (a non-interactive shell ignores SIGINT in
# background jobs otherwise, and make would never see the Ctrl-C); env resets
# SIGINT to its default in case this script itself started with it ignored.
run_make() { # $1: extra make args; starts make, sets mpid
    set -m
    env --default-signal=INT make --no-print-directory -o "$prog" "$name" BUILD="$build" \
        DEPS_OK="$repo/build/.deps-ok" $1 >results/make.log 2>&1 &
    mpid=$!
    set +m
}
check_make() { # $1 test name, $2 t0
    local rc t1 dt after left
    wait "$mpid"; rc=$?; t1=$(now)
    dt=$(stop_time "$2" "$t1")
    echo "# timing $1: exit status $rc after $dt s"
    after=$(sums); left=$(leftovers)
    if [ "$rc" -ne 130 ]; then fail "$1" "exit status $rc, want 130: $(tail -n 2 results/make.log | tr '\n' ' ')"
    elif awk -v d="$dt" 'BEGIN { exit !(d >= 1.0) }'; then fail "$1" "took $dt s to stop (want < 1 s)"
    elif [ "$before" != "$after" ]; then fail "$1" "files changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -3 | tr '\n' ' ')"
    elif [ -n "$left" ]; then fail "$1" "temporaries left: $left"
    else echo "ok $1"; fi
}

run_make "ARGS=$full_args"
sleep 1
if ! kill -0 "$mpid" 2>/dev/null; then
    wait "$mpid"; fail interrupt_make_notebook "make $name ended (status $?) within 1 s"
else
    t0=$(now); kill -INT -- -"$mpid"; check_make interrupt_make_notebook "$t0"
fi

# while gnuplot draws: a --fast run (it completes, so the TSVs are new and
# complete: only the pictures are compared), SIGINT once gnuplot has started
pics() { (cd "$tmp/results" && find . -maxdepth 1 -type f ! -name '*.log' | LC_ALL=C sort | xargs md5sum); }
before=$(pics)
sums() { pics; }
run_make "FAST=1"
# gnuplot runs in a session of its own (analyses/draw.sh), so it is found as
# the child of the draw.sh shell in make's process group.
gnuplot_pid() {
    local d
    for d in $(pgrep -g "$mpid" -f 'analyses/draw.sh'); do pgrep -P "$d" -x gnuplot; done | head -n 1
}
t_end=$(( SECONDS + 60 ))
gpid=""
while kill -0 "$mpid" 2>/dev/null && [ -z "$gpid" ] && [ $SECONDS -lt $t_end ]; do
    gpid=$(gnuplot_pid); [ -n "$gpid" ] || sleep 0.02
done
if [ -z "$gpid" ]; then
    wait "$mpid"; fail interrupt_make_gnuplot "gnuplot never ran (make status $?): $(tail -n 2 results/make.log | tr '\n' ' ')"
else
    # a moment into the drawing (a --fast figure draws in ~0.3 s: a later
    # interrupt can come after gnuplot has finished)
    sleep 0.05
    t0=$(now); kill -INT -- -"$mpid"; check_make interrupt_make_gnuplot "$t0"
    if kill -0 "$gpid" 2>/dev/null; then
        echo "FAIL interrupt_make_gnuplot_orphan: gnuplot (pid $gpid) still runs after the interrupt"
        kill -KILL "$gpid" 2>/dev/null
    else
        echo "ok interrupt_make_gnuplot_orphan"
    fi
fi

# 4. a gnuplot that never stops on its own (deadlocked in its signal handler,
# as seen in real runs): a stand-in that ignores INT and TERM.  Ctrl-C on
# `draw.sh` must still end it: TERM, then KILL after a 0.5 s grace.  The check
# is for a hang (without the KILL it would never end), so its bound is loose
# (10 s) and a slow, loaded machine does not fail it.
mkdir -p "$tmp/fakebin"
printf '#!/bin/sh\ntrap "" INT TERM\nwhile :; do sleep 0.1; done\n' >"$tmp/fakebin/gnuplot"
chmod +x "$tmp/fakebin/gnuplot"
set -m
PATH="$tmp/fakebin:$PATH" bash analyses/draw.sh "$name" >results/draw.log 2>&1 &
dpid=$!
set +m
stuck=""
for _ in $(seq 100); do stuck=$(pgrep -P "$dpid" -f fakebin/gnuplot | head -n 1); [ -n "$stuck" ] && break; sleep 0.02; done
t0=$(now); kill -INT -- -"$dpid"; wait "$dpid"; rc=$?; t1=$(now)
dt=$(stop_time "$t0" "$t1")
echo "# timing interrupt_stuck_gnuplot: exit status $rc after $dt s"
sleep 0.1
if [ -z "$stuck" ]; then fail interrupt_stuck_gnuplot "the stand-in gnuplot never started"
elif [ "$rc" -ne 130 ]; then fail interrupt_stuck_gnuplot "exit status $rc, want 130"
elif awk -v d="$dt" 'BEGIN { exit !(d >= 10) }'; then fail interrupt_stuck_gnuplot "took $dt s to stop (hung)"
elif kill -0 "$stuck" 2>/dev/null; then fail interrupt_stuck_gnuplot "gnuplot (pid $stuck) still runs"; kill -KILL "$stuck"
elif [ -n "$(leftovers)" ]; then fail interrupt_stuck_gnuplot "temporaries left: $(leftovers)"
else echo "ok interrupt_stuck_gnuplot"; fi
