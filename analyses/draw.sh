#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# draw.sh NAME: draws results/NAME.png and results/NAME.pdf from analyses/NAME.gp
# (which reads results/NAME/*.tsv), atomically: gnuplot writes hidden
# temporaries that are renamed into place only when both are complete.
#
# The PNG and the PDF are drawn by two gnuplot processes side by side (the
# script draws the terminals listed in its variable `outs`, "png pdf" by
# default): the figure takes the time of the slower of the two, not their sum.
#
# Interrupts: each gnuplot runs in a session of its own, so a Ctrl-C on the
# terminal never reaches it (gnuplot's own SIGINT handler can deadlock while
# it writes a PDF).  On INT or TERM this script stops them with TERM, then
# KILL after a short grace, removes the temporaries and exits with status
# 130.  The previous PNG and PDF are left untouched.
set -u
name=${1:?usage: draw.sh NAME}
png="results/.$name.png.tmp"
pdf="results/.$name.pdf.tmp"
pids=""
cleanup() { rm -f "$png" "$pdf"; }
alive() { # any of the gnuplots still running?
    local p
    for p in $pids; do kill -0 "$p" 2>/dev/null && return 0; done
    return 1
}
signal_all() { # $1: signal; each gnuplot's session (process group) and itself
    local p
    for p in $pids; do kill "-$1" -- "-$p" "$p" 2>/dev/null; done
}
stop() {
    trap '' INT TERM
    if alive; then
        signal_all TERM
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            alive || break
            sleep 0.05
        done
        signal_all KILL
    fi
    for p in $pids; do wait "$p" 2>/dev/null; done
    cleanup
    exit 130
}
trap stop INT TERM
# glibc's allocator settings (the script says why)
. analyses/common/malloc.sh
for out in png pdf; do
    setsid gnuplot -e "outs='$out'; outpng='$png'; outpdf='$pdf'" "analyses/$name.gp" </dev/null &
    pids="$pids $!"
done
rc=0
for p in $pids; do
    wait "$p" || rc=$?
done
if [ "$rc" -ne 0 ] || [ ! -s "$png" ] || [ ! -s "$pdf" ]; then
    cleanup
    echo "draw.sh: gnuplot failed on analyses/$name.gp (status $rc)" >&2
    exit 1
fi
mv -f "$png" "results/$name.png" && mv -f "$pdf" "results/$name.pdf"
