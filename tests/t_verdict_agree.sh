#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The dense `lrs-analyze report` (all singular values, LAPACK) and the sparse
# `lrs-analyze --sparse report` (a few at each end, SLEPc) give the same
# verdict lines (lrs/verdict.h: pc_variance, low_rank_suppression,
# high_dimensional, printed to 3-4 digits) on the same matrices:
#   fig1      the Fig 1 network W = rho G / sqrt(N) + c u u^T (N = 200,
#             rho = 0.5, c = -10): suppressed, high-dimensional;
#   sparse    a random sparse matrix (10 entries per row, N = 300) plus a
#             non-normal rank-one part 4 u v^T: amplified directions;
#   school    the high-school contact network of data/ (undirected, x 0.02).
# Skipped (with a reason) when the sparse module is not built.
set -u
B=${LRS_BUILD:-build}
X=$B/lrs-analyze
if [ ! -x "$B/lrs-sparse-bench" ]; then echo "ok t_verdict_agree (skipped: the sparse module is not built; make deps-sparse sparse)"; exit 0; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Matrix Market files from awk's seeded generator (Box-Muller normals)
awk 'function gauss() { return sqrt(-2 * log(1 - rand())) * cos(6.283185307179586 * rand()) }
BEGIN { srand(1); N = 200; rho = 0.5; c = -10; n2 = 0
    for (i = 1; i <= N; i++) { u[i] = gauss(); n2 += u[i] * u[i] }
    print "%%MatrixMarket matrix coordinate real general"; print N, N, N * N
    for (i = 1; i <= N; i++) for (j = 1; j <= N; j++)
        printf "%d %d %.17g\n", i, j, rho * gauss() / sqrt(N) + c * u[i] * u[j] / n2 }' >"$tmp/fig1.mtx"
awk 'function gauss() { return sqrt(-2 * log(1 - rand())) * cos(6.283185307179586 * rand()) }
BEGIN { srand(2); N = 300; k = 10; c = 4; nu = 0; nv = 0
    for (i = 1; i <= N; i++) { u[i] = gauss(); v[i] = gauss(); nu += u[i] * u[i]; nv += v[i] * v[i] }
    for (i = 1; i <= N; i++) for (t = 0; t < k; t++) s[i, 1 + int(N * rand())] += 0.3 * gauss() / sqrt(k)
    print "%%MatrixMarket matrix coordinate real general"; print N, N, N * N
    for (i = 1; i <= N; i++) for (j = 1; j <= N; j++)
        printf "%d %d %.17g\n", i, j, s[i, j] + c * u[i] * v[j] / sqrt(nu * nv) }' >"$tmp/sparse.mtx"

lines() { grep -E '^(pc_variance|low_rank_suppression|high_dimensional) ' "$1"; }
agree() { # name, file, options...
    local name=$1 f=$2; shift 2
    if ! "$X" report "$f" "$@" >"$tmp/d" 2>&1; then
        echo "FAIL verdict_agree_$name: dense report failed: $(head -n 2 "$tmp/d" | tr '\n' ' ')"; return
    fi
    if ! "$X" --sparse report "$f" "$@" --tol 1e-12 >"$tmp/s" 2>&1; then
        echo "FAIL verdict_agree_$name: sparse report failed: $(head -n 2 "$tmp/s" | tr '\n' ' ')"; return
    fi
    if [ "$(lines "$tmp/d" | wc -l)" -ne 3 ]; then
        echo "FAIL verdict_agree_$name: the dense report has no verdicts: $(lines "$tmp/d" | tr '\n' '|')"
    elif [ "$(lines "$tmp/d")" != "$(lines "$tmp/s")" ]; then
        echo "FAIL verdict_agree_$name: dense and sparse differ:"
        diff <(lines "$tmp/d") <(lines "$tmp/s") | sed 's/^/    /'
    else
        echo "ok verdict_agree_$name ($(lines "$tmp/d" | awk '$1 != "pc_variance" { printf "%s %s ", $1, $2 }'))"
    fi
}
agree fig1 "$tmp/fig1.mtx"
agree sparse "$tmp/sparse.mtx"
agree school data/high_school_proximity_edges.csv --undirected --scale 0.02
