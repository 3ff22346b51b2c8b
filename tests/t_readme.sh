#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The C example in README.md compiles against the built library (with the
# project's warning flags) and runs: it prints the PC1 and last-PC shares of a
# Figure 1 noise run, and low-rank suppression makes the last PC tiny.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${LRS_BUILD:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/{on=1; next} /^```$/{on=0} on' "$repo/README.md" > "$tmp/example.c"
san=""
case $build in *san*) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;; esac
if ! ${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 $san -I"$repo/include" "$tmp/example.c" \
        -o "$tmp/example" "$build/liblrs.a" -lgsl -llapacke -lopenblas -lpthread -lm 2> "$tmp/cc.err"; then
    echo "FAIL readme_example_compiles: $(head -n 5 "$tmp/cc.err" | tr '\n' ' ')"
    exit 0
fi
echo "ok readme_example_compiles"
out=$("$tmp/example" 2>&1)
last=$(printf '%s\n' "$out" | sed -n 's/^PC1 \([0-9.]*\)% of the variance, last PC \([0-9.]*\)%$/\2/p')
pc1=$(printf '%s\n' "$out" | sed -n 's/^PC1 \([0-9.]*\)%.*/\1/p')
# High-dimensional: no PC dominates (PC1 < 5%); suppressed: last PC < 0.05%.
if [ -n "$last" ] && awk -v a="$pc1" -v b="$last" 'BEGIN{exit !(a < 5 && b < 0.05)}'; then
    echo "ok readme_example_runs ($out)"
else
    echo "FAIL readme_example_runs: output '$out' (want PC1 < 5% and last PC < 0.05%)"
fi
