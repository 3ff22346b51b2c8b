#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# figure.sh NAME CMD [ARG...]: the figure rule of the Makefile (`make NAME`):
# creates results/NAME, runs the notebook command CMD (echoed first), then
# analyses/draw.sh NAME, and prints where the figure is.
#
# Ctrl-C: GNU make (4.3) reaps its children from inside its own SIGINT/SIGTERM
# handler.  When a recipe's process exits on the signal before make has
# entered that handler, make's main loop collects it first, the handler's
# wait() finds no child ("make: *** wait: No child processes.  Stop.") and
# make exits with status 2 instead of dying of the signal (130).  Reproducer:
# tests/stress/interrupt.sh with the figure rule as separate recipe lines
# (mkdir, notebook, draw.sh, echo): 2 of 39 runs ended with status 2 on a
# loaded 2-core machine.  So the whole rule is this one process, started by
# make directly (no shell between them), and on INT or TERM it lets the
# running step stop, runs no further step, then waits (at most about a
# second) until make no longer catches that signal -- make's handler resets
# it to the default first thing -- and exits with 128 + the signal number.
# The one window left is this shell's start-up, before its traps are set.
set -u
# The notebook programs run BLAS on one thread each (nb_init; their own
# jobs run side by side): without this OpenBLAS would still start its
# thread pool when the library loads, and its idle workers spin for a
# while (about 10% of fig6's CPU time on 2 cores).  Same numbers.
OPENBLAS_NUM_THREADS=1
export OPENBLAS_NUM_THREADS
# glibc's allocator settings for the program and gnuplot (the script says why)
. analyses/common/malloc.sh
name=${1:?usage: figure.sh NAME CMD [ARG...]}
shift
sig=""
trap 'sig=2' INT
trap 'sig=15' TERM
mkdir -p "results/$name" && echo "$*" && "$@" && [ -z "$sig" ] &&
    bash analyses/draw.sh "$name" && [ -z "$sig" ] &&
    echo "$name: results/$name.png results/$name.pdf (data in results/$name/)"
rc=$?
[ -z "$sig" ] && exit "$rc"

# field KEY PID: the value of "KEY:" in /proc/PID/status (empty if none)
field() {
    [ -r "/proc/$2/status" ] || return 0
    while read -r k v; do
        [ "$k" = "$1:" ] && { echo "$v"; return 0; }
    done <"/proc/$2/status"
}
# the nearest ancestor called make (empty if none within three levels)
make_pid() {
    p=$PPID
    for _ in 1 2 3; do
        case $(cat "/proc/$p/comm" 2>/dev/null) in *make*) echo "$p"; return 0 ;; esac
        p=$(field PPid "$p")
        [ -n "$p" ] || return 0
    done
}
m=$(make_pid)
i=0
while [ -n "$m" ] && [ "$i" -lt 100 ]; do
    cgt=$(field SigCgt "$m")
    [ -n "$cgt" ] && [ $((0x$cgt >> (sig - 1) & 1)) -eq 1 ] || break
    sleep 0.01
    i=$((i + 1))
done
exit $((128 + sig))
