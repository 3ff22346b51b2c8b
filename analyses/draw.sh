#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# draw.sh NAME: draws results/NAME.png and results/NAME.pdf from analyses/NAME.gp
# (which reads results/NAME/*.tsv), atomically: gnuplot writes hidden
# temporaries that are renamed into place only when both are complete.
#
# Interrupts: gnuplot runs in a session of its own, so a Ctrl-C on the terminal
# never reaches it (gnuplot's own SIGINT handler can deadlock while it writes a
# PDF).  On INT or TERM this script stops gnuplot with TERM, then KILL after a
# short grace, removes the temporaries and exits with status 130.  The previous
# PNG and PDF are left untouched.
set -u
name=${1:?usage: draw.sh NAME}
png="results/.$name.png.tmp"
pdf="results/.$name.pdf.tmp"
gp=""
cleanup() { rm -f "$png" "$pdf"; }
stop() {
    trap '' INT TERM
    if [ -n "$gp" ] && kill -0 "$gp" 2>/dev/null; then
        kill -TERM -- "-$gp" "$gp" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$gp" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL -- "-$gp" "$gp" 2>/dev/null
        wait "$gp" 2>/dev/null
    fi
    cleanup
    exit 130
}
trap stop INT TERM
setsid gnuplot -e "outpng='$png'; outpdf='$pdf'" "analyses/$name.gp" </dev/null &
gp=$!
wait "$gp"
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$png" ] || [ ! -s "$pdf" ]; then
    cleanup
    echo "draw.sh: gnuplot failed on analyses/$name.gp (status $rc)" >&2
    exit 1
fi
mv -f "$png" "results/$name.png" && mv -f "$pdf" "results/$name.pdf"
