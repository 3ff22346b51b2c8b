#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lrs-analyze spectrum --exact: the exact stationary covariance's column.
#  - pct_exact is present only with --exact and sums to 100;
#  - for a slow input (--taux 1e4) it equals theory 1 (pct_z) to 1e-6;
#  - for a fast input (--taux 0.5) it differs from theory 1 (it is not the
#    quasi-static approximation);
#  - an unstable network is refused with a message.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${LRS_BUILD:-build}
A="$B/lrs-analyze"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# W = -4 u u^T + 0.3 G / sqrt(N) style matrix, N = 12 (fixed numbers)
awk 'BEGIN { N = 12; srand(7);
  for (i = 0; i < N; i++) u[i] = sin(1.3 * i + 0.4); s = 0; for (i = 0; i < N; i++) s += u[i] ^ 2;
  for (i = 0; i < N; i++) { line = "";
    for (j = 0; j < N; j++) { w = -4 * u[i] * u[j] / s + 0.3 * (rand() - 0.5) / sqrt(N);
      line = line (j ? "," : "") sprintf("%.10g", w) }
    print line } }' > "$tmp/w.csv"
ok() { echo "ok $1"; }
bad() { echo "FAIL $1: $2"; }

if "$A" spectrum "$tmp/w.csv" --exact --taux 1e4 > "$tmp/slow.tsv" 2> "$tmp/err"; then
    if grep -q '^# index.*pct_exact' "$tmp/slow.tsv"; then ok exact_cli_column; else bad exact_cli_column "no pct_exact column"; fi
    r=$(awk '!/^#/ { s += $4; d = $4 - $2; if (d < 0) d = -d; if (d / $2 > m) m = d / $2 } END { printf "%.9f %.3g", s, m }' "$tmp/slow.tsv")
    set -- $r
    if awk -v s="$1" 'BEGIN { exit !(s > 99.999999 && s < 100.000001) }'; then ok exact_cli_sum100; else bad exact_cli_sum100 "pct_exact sums to $1, not 100 (tol 1e-6)"; fi
    if awk -v m="$2" 'BEGIN { exit !(m < 1e-6) }'; then ok exact_cli_slow_input_is_theory1; else bad exact_cli_slow_input_is_theory1 "max rel diff to theory 1 $2 >= 1e-6 at tau_x = 1e4"; fi
else
    bad exact_cli_column "lrs-analyze failed: $(head -c 300 "$tmp/err")"
fi
"$A" spectrum "$tmp/w.csv" > "$tmp/plain.tsv" 2>/dev/null
if grep -q pct_exact "$tmp/plain.tsv"; then bad exact_cli_off_by_default "pct_exact printed without --exact"; else ok exact_cli_off_by_default; fi
"$A" spectrum "$tmp/w.csv" --exact --taux 0.5 > "$tmp/fast.tsv" 2>/dev/null
m=$(awk '!/^#/ { d = $4 - $2; if (d < 0) d = -d; if (d / $2 > m) m = d / $2 } END { printf "%.3g", m }' "$tmp/fast.tsv")
if awk -v m="$m" 'BEGIN { exit !(m > 0.01) }'; then ok exact_cli_fast_input_differs; else bad exact_cli_fast_input_differs "fast input: exact equals theory 1 within $m (expected > 1%)"; fi
printf '3,0\n0,0\n' > "$tmp/unstable.csv"
if "$A" spectrum "$tmp/unstable.csv" --exact > /dev/null 2> "$tmp/err2"; then
    bad exact_cli_unstable "unstable network accepted"
elif grep -qi 'stable' "$tmp/err2"; then ok exact_cli_unstable
else bad exact_cli_unstable "message: $(head -c 200 "$tmp/err2")"; fi
