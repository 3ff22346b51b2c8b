#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/t_analyze.sh -- lrs-analyze end to end: the readers on real-format
# fixtures (checked by the numbers they give), every bad-input fixture with its
# exact message and exit status, the subcommands' numbers on analytic
# networks, --gnuplot/--png, -o, --help and make install.
#
# Fixtures: tests/fixtures/analyze/ (good) and tests/fixtures/bad/ (bad), made
# by tests/fixtures/make_fixtures.py.  A bad case NAME has NAME.expected: line
# 1 the exit status, line 2 the exact message on stderr; its command is
#   lrs-analyze report tests/fixtures/bad/NAME.EXT [$(cat NAME.args)]   (an input file)
#   lrs-analyze report - [$(cat NAME.args)] < NAME.stdin                (standard input)
#   lrs-analyze $(cat NAME.args)                                        (no input file)
# and stdout must stay empty.
# Prints "ok NAME" or "FAIL NAME: why" per check.  Run from the repository root
# with LRS_BUILD set (tests/run.sh does); default build.  LRS_ANALYZE_WRAP, if
# set, is a command put before lrs-analyze in the reader, bad-input and
# subcommand checks (tests/valgrind.sh sets it to valgrind; the interrupt and
# gnuplot checks run the tool bare).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${LRS_BUILD:-build}
BIN=$BUILD/lrs-analyze
read -r -a WRAP <<<"${LRS_ANALYZE_WRAP:-}"
G=tests/fixtures/analyze
BADDIR=tests/fixtures/bad
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ ! -x "$BIN" ]; then
    echo "FAIL t_analyze: $BIN not built"
    exit 1
fi

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }

# run NAME ARGS...: stdout to $TMP/out, stderr to $TMP/err, status in $RC
run() {
    "${WRAP[@]}" "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
}

# Compare the data rows (non-comment lines) of $TMP/out with the expected
# values, column by column, to an absolute tolerance.
#   check_rows NAME TOL "r1c1 r1c2 ..." "r2c1 ..." ...
check_rows() {
    local name=$1 tol=$2
    shift 2
    local expected
    expected=$(printf '%s\n' "$@")
    local got
    got=$(grep -v '^#' "$TMP/out" | grep -v '^$')
    local why
    why=$(awk -v tol="$tol" -v want="$expected" '
        BEGIN { n = split(want, E, "\n") }
        { r++; if (r > n) { print "extra row " r ": " $0; exit }
          m = split(E[r], e, " ");
          if (NF != m) { print "row " r " has " NF " columns, expected " m ": " $0; exit }
          for (i = 1; i <= m; i++) {
              d = $i - e[i]; if (d < 0) d = -d;
              if (d > tol) { print "row " r " column " i ": " $i " vs " e[i] " (tol " tol ")"; exit }
          } }
        END { if (r < n) print "only " r " rows, expected " n }' <<<"$got")
    if [ "$RC" -ne 0 ]; then
        fail "$name" "exit status $RC: $(head -c 300 "$TMP/err")"
    elif [ -n "$why" ]; then
        fail "$name" "$why"
    else
        ok "$name"
    fi
}

# value of key in "key<TAB>value" / "key   value" output
kv() { grep -E "^$1[[:space:]]" "$TMP/out" | head -1 | sed -E "s/^$1[[:space:]]+//"; }

# ------------------------------------------------------------------ readers
# Every format holding A = [[0,3,0],[0,0,2],[1,0,0]]: singular values 3, 2, 1.
SV_A=("1 3" "2 2" "3 1")
for f in pandas.csv pandas-int.csv r.csv r-table.txt padded.csv tabs.tsv semicolon.csv \
         spaces.txt edges-named.csv A-coord.mtx A-array.mtx A-int.mtx A-f8-c.npy \
         A-f8-f.npy A-f4-c.npy A-i4-f.npy A-i8-c.npy A-f8-big.npy A-f8-v2.npy; do
    run svals "$G/$f"
    check_rows "svals_$f" 1e-12 "${SV_A[@]}"
done
run svals "$G/edges-space.txt" --format edges
check_rows "svals_edges-space_format_edges" 1e-12 "${SV_A[@]}"
run svals "$G/edges-ids-base1.txt" --ids --base 1
check_rows "svals_edges_ids_base1" 1e-12 "${SV_A[@]}"
run svals "$G/edges-repeated.txt" --format edges
check_rows "svals_edges_repeated_add" 1e-12 "${SV_A[@]}"
run svals - <"$G/tabs.tsv"
check_rows "svals_stdin" 1e-12 "${SV_A[@]}"
"${WRAP[@]}" "$BIN" svals - <"$G/A-f8-c.npy" >"$TMP/out" 2>"$TMP/err"; RC=$?
check_rows "svals_stdin_npy" 1e-12 "${SV_A[@]}"

# The matrix itself, not only its singular values: the eigenvalues of A are
# the cube roots of 6 (one real 1.8171205928, a pair -0.9085602964 +- 1.5736725951i),
# and a transposed read would give the same; so check W[0][1] = 3 through the
# overlap of a rank-1 part instead: overlap of A with r = 3 is U^T V.
c6=$(awk 'BEGIN { printf "%.10f", 6^(1/3) }')
run eig "$G/pandas.csv"
check_rows "eig_cube_roots_of_6" 1e-9 "1 $c6 0" "2 -0.9085602964 1.5736725951" "3 -0.9085602964 -1.5736725951"

# Orientation: edge list src -> dst is W[src][dst]; --transpose flips it.
# A x with x = (1,1,1) is (3,2,1); the response to the top singular vector is
# not needed: compare the report's asymmetry instead via two tiny matrices.
printf '0 1 5\n' >"$TMP/one.txt"
run eig "$TMP/one.txt" --format edges
check_rows "edges_single_edge_nilpotent" 1e-12 "1 0 0" "2 0 0"
run svals "$TMP/one.txt" --format edges
check_rows "edges_single_edge_svals" 1e-12 "1 5" "2 0"

# boolean npy: a permutation matrix, singular values 1, 1, 1
run svals "$G/perm-bool.npy"
check_rows "svals_npy_bool" 1e-12 "1 1" "2 1" "3 1"
# pattern symmetric mtx: the path 0-1-2, singular values sqrt2, sqrt2, 0
r2=1.4142135624
run svals "$G/path-pattern-sym.mtx"
check_rows "svals_mtx_pattern_symmetric" 1e-9 "1 $r2" "2 $r2" "3 0"
# skew-symmetric [[0,-2],[2,0]]: eigenvalues +-2i
run eig "$G/skew.mtx"
check_rows "eig_mtx_skew" 1e-12 "1 0 2" "2 0 -2"
# symmetric array [[2,1],[1,2]]: singular values 3, 1
run svals "$G/sym-array.mtx"
check_rows "svals_mtx_symmetric_array" 1e-12 "1 3" "2 1"
# undirected path with --ids: 0-1-2 plus a self-loop on id 4 and isolated id 3
run svals "$G/path-ids.txt" --ids --undirected
check_rows "svals_ids_isolated_kept" 1e-9 "1 $r2" "2 $r2" "3 1" "4 0" "5 0"
run svals "$G/path-ids.txt" --ids --undirected --compact
check_rows "svals_ids_compact" 1e-9 "1 $r2" "2 $r2" "3 1" "4 0"
# a 4-cycle as a two-column table (auto-detected edge list): singular values 1 x4
run svals "$G/cycle.csv"
check_rows "svals_auto_edges_cycle" 1e-12 "1 1" "2 1" "3 1" "4 1"
run report "$G/cycle.csv"
if grep -q "edge list (auto-detected), 4 edges" "$TMP/out"; then ok "report_says_auto_edges"; else fail "report_says_auto_edges" "$(grep '^# input' "$TMP/out")"; fi
run report "$G/edges-repeated.txt" --format edges
if grep -qE "^edges +4 read, 1 repeated" "$TMP/out"; then ok "report_counts_repeated_edges"; else fail "report_counts_repeated_edges" "$(grep '^edges' "$TMP/out")"; fi

# the real data file of Figure 6 (shipped in data/): 327 nodes, 5818 edges
DATA=data/high_school_proximity_edges.csv
if [ -f "$DATA" ]; then
    run ranks "$DATA" --undirected
    if [ "$RC" -eq 0 ] && grep -q ": 327 x 327, edge list (auto-detected), 5818 edges (0 repeated" "$TMP/out" \
        && [ "$(kv rank)" = 327 ]; then
        ok "high_school_network_read"
    else
        fail "high_school_network_read" "status $RC: $(head -c 300 "$TMP/err") $(grep '^# input' "$TMP/out")"
    fi
    # each contact is listed once: read as directed, no edge is mutual, and
    # the report says how to read the network as undirected
    run report "$DATA"
    want="no edge appears in both directions: for an undirected network pass --undirected"
    if [ "$RC" -eq 0 ] && kv symmetric | grep -qF "$want"; then
        ok "report_hints_undirected"
    else
        fail "report_hints_undirected" "status $RC: symmetric '$(kv symmetric)'"
    fi
    run report "$DATA" --undirected
    if [ "$RC" -eq 0 ] && [ "$(kv symmetric)" = yes ]; then
        ok "report_undirected_no_hint"
    else
        fail "report_undirected_no_hint" "status $RC: symmetric '$(kv symmetric)'"
    fi
fi

# ------------------------------------------------------------------ bad inputs
nbad=0
for exp in "$BADDIR"/*.expected; do
    name=$(basename "$exp" .expected)
    want_rc=$(sed -n 1p "$exp")
    want_msg=$(sed -n 2p "$exp")
    args=()
    [ -f "$BADDIR/$name.args" ] && read -r -a args <"$BADDIR/$name.args"
    input=$(ls "$BADDIR/$name".* 2>/dev/null | grep -v -E '\.(expected|args)$' | head -1)
    if [ -n "$input" ] && [ "${input##*.}" = stdin ]; then
        "${WRAP[@]}" "$BIN" report - "${args[@]}" <"$input" >"$TMP/out" 2>"$TMP/err"; RC=$?
    elif [ -n "$input" ]; then
        "${WRAP[@]}" "$BIN" report "$input" "${args[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null; RC=$?
    else
        "${WRAP[@]}" "$BIN" "${args[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null; RC=$?
    fi
    nbad=$((nbad + 1))
    got_msg=$(cat "$TMP/err")
    if [ "$RC" != "$want_rc" ]; then
        fail "bad_$name" "exit status $RC, expected $want_rc; stderr: $got_msg"
    elif [ "$got_msg" != "$want_msg" ]; then
        fail "bad_$name" "stderr '$got_msg', expected '$want_msg'"
    elif [ -s "$TMP/out" ]; then
        fail "bad_$name" "wrote $(wc -c <"$TMP/out") bytes to stdout on error"
    else
        ok "bad_$name"
    fi
done
if [ "$nbad" -ge 25 ]; then ok "bad_fixture_count_$nbad"; else fail "bad_fixture_count" "only $nbad bad-input fixtures (want >= 25)"; fi

# ------------------------------------------------------------------ subcommands
run ranks "$G/pandas.csv"
# A: sum sigma^2 = 14 (9 + 4 > 0.9 * 14: energy 2), sigma_max = 3, sum sigma = 6
if [ "$RC" -eq 0 ] && [ "$(kv rank)" = 3 ] && [ "$(kv stable_rank)" = 1.555556 ] \
    && [ "$(kv nuclear_rank)" = 2.000000 ] && [ "$(kv energy_ratio)" = 2 ]; then
    ok "ranks_of_A"
else
    fail "ranks_of_A" "status $RC: $(grep -v '^#' "$TMP/out" | tr '\n' ' ')"
fi
missing=""
for k in rank optimal_threshold optimal_shrinkage erank elbow energy_ratio stable_rank nuclear_rank; do
    [ -n "$(kv $k)" ] || missing="$missing $k"
done
if [ -z "$missing" ]; then ok "ranks_all_eight_listed"; else fail "ranks_all_eight_listed" "missing:$missing"; fi

# W = 0.5 I: theory 1 gives 25% per PC, the input 25% too
run spectrum "$G/half-identity.csv"
check_rows "spectrum_half_identity" 1e-9 "1 25 25" "2 25 25" "3 25 25" "4 25 25"

# normal rank one W = -10 u u^T (N = 8): smallest PC variance 1/121 of the
# bulk reference (K = 4: the bulk is the 4 smallest singular values of I - W, all 1)
run report "$G/rank1-normal.csv"
if [ "$RC" -eq 0 ] && kv low_rank_suppression | grep -q "^YES: the smallest predicted PC variance is 121 times below" \
    && kv high_dimensional | grep -q "^YES: the largest predicted PC variance is 1 times" \
    && kv normal | grep -q "^yes" && kv symmetric | grep -q "^yes"; then
    ok "report_rank1_normal_verdicts"
else
    fail "report_rank1_normal_verdicts" "status $RC: $(grep -E '^(low_rank|high_dim|normal|symm)' "$TMP/out" | tr '\n' '|')"
fi
# non-normal rank one (v orthogonal to u): P = u.v = 0, one amplified direction:
# largest variance 1/s_min^2 with s^2 = (102 - sqrt(102^2 - 4))/2; N = 8, K = 4:
# the bulk is s_min and three 1s, m_b = (s^2 + 3)/4, amplification m_b/s^2
amp=$(awk 'BEGIN { s2 = (102 - sqrt(102*102 - 4)) / 2; printf "%.3g", (s2 + 3) / (4 * s2) }')
run report "$G/rank1-nonnormal.txt" --rank 1
if [ "$RC" -eq 0 ] && kv high_dimensional | grep -q "^no: the largest predicted PC variance is $amp times the bulk reference" \
    && kv overlap_svals | grep -qE "^0 " && kv normal | grep -q "^no"; then
    ok "report_rank1_nonnormal_verdicts"
else
    fail "report_rank1_nonnormal_verdicts" "status $RC (want amplification $amp): $(grep -E '^(high_dim|overlap_svals|normal)' "$TMP/out" | tr '\n' '|')"
fi
# the report's overlap agrees with the overlap subcommand (library route)
run overlap "$G/rank1-nonnormal.txt" --rank 1
check_rows "overlap_rank1_nonnormal" 1e-12 "0" "1 0"
# unstable network: one line of advice with a --scale that works
run report "$G/unstable.csv"
adv=$(kv stability)
if [ "$RC" -eq 0 ] && echo "$adv" | grep -q "^unstable: max Re eig(W) = 2 >= 1.*rerun with --scale 0.45 "; then
    run report "$G/unstable.csv" --scale 0.45
    if kv stability | grep -q "^stable"; then ok "report_unstable_advice_works"; else fail "report_unstable_advice_works" "$(kv stability)"; fi
else
    fail "report_unstable_advice" "status $RC: $adv"
fi
# nearly singular I - W: a warning on the condition number (1e14 > 1e12)
printf '0.99999999999999,0,0\n0,0,0\n0,0,0\n' >"$TMP/cond.csv"
run report "$TMP/cond.csv"
if [ "$RC" -eq 0 ] && kv cond_I_minus_W | grep -qE "^1\.0[0-9]*e\+14  WARNING: I - W is ill-conditioned" \
    && kv high_dimensional | grep -q "^no: "; then
    ok "report_ill_conditioned_warning"
else
    fail "report_ill_conditioned_warning" "status $RC: $(kv cond_I_minus_W) | $(kv high_dimensional)"
fi
run report "$G/half-identity.csv"
if [ "$RC" -eq 0 ] && kv cond_I_minus_W | grep -qE "^1$"; then ok "report_no_warning_when_well_conditioned"; else fail "report_no_warning_when_well_conditioned" "$(kv cond_I_minus_W)"; fi

# the SIS Jacobian of the path graph at coupling 3 is stable
run report "$G/path-pattern-sym.mtx" --model sis --coupling 3
if [ "$RC" -eq 0 ] && kv stability | grep -q "^stable (max Re eig(J) < 0)" && grep -q "^# matrix: .*Jacobian of the SIS model" "$TMP/out"; then
    ok "report_model_sis"
else
    fail "report_model_sis" "status $RC: $(head -c 300 "$TMP/err") $(kv stability)"
fi
run report "$G/path-pattern-sym.mtx" --model sis --coupling 0.5
if [ "$RC" -eq 1 ] && grep -q "has no endemic state" "$TMP/err" && [ ! -s "$TMP/out" ]; then ok "sis_below_threshold_refused"; else fail "sis_below_threshold_refused" "status $RC: $(cat "$TMP/err")"; fi

# step responses: the simulated ratio matches the steady-state prediction
run response "$G/rank1-normal.csv"
ratio=$(kv ratio); pred=$(kv predicted_ratio)
if [ "$RC" -eq 0 ] && awk -v a="$ratio" -v b="$pred" 'BEGIN { d = a / b - 1; exit !(d < 1e-3 && d > -1e-3 && a > 2) }'; then
    ok "response_ratio_matches_prediction"
else
    fail "response_ratio_matches_prediction" "status $RC: ratio $ratio, predicted $pred (tol 1e-3 relative)"
fi
run response "$G/rank1-normal.csv" --trace
if [ "$RC" -eq 0 ] && [ "$(grep -vc '^#' "$TMP/out")" -eq 1000 ]; then ok "response_trace_rows"; else fail "response_trace_rows" "status $RC, $(grep -vc '^#' "$TMP/out") rows (want 1000)"; fi

# simulation: the simulated PC spectrum follows theory 2 (the run's own input
# covariance) closely and theory 1 roughly; percentages sum to 100
run simulate "$G/half-identity.csv" --T 2000 --seed 3
if [ "$RC" -eq 0 ] && grep -v '^#' "$TMP/out" | awk '{ s += $2; d = $2 - $3; if (d < 0) d = -d; if (d > m1) m1 = d;
        d = $2 - $4; if (d < 0) d = -d; if (d > m2) m2 = d }
        END { exit !(NR == 4 && s > 99.999999 && s < 100.000001 && m1 < 8 && m2 < 0.5) }'; then
    ok "simulate_half_identity"
else
    fail "simulate_half_identity" "status $RC: $(grep -v '^#' "$TMP/out" | tr '\n' '|') (want sum 100, |sim - theory1| < 8 points, |sim - theory2| < 0.5)"
fi
# low-rank suppression in the simulation: the last PC of W = -10 u u^T holds
# 100 (1/121) / (7 + 1/121) = 0.11792% (theory 1), within 5%
run simulate "$G/rank1-normal.csv" --T 2000 --seed 3
last=$(grep -v '^#' "$TMP/out" | tail -1 | cut -f2)
if [ "$RC" -eq 0 ] && awk -v x="$last" 'BEGIN { t = 100 * (1/121) / (7 + 1/121); d = x / t - 1; exit !(d < 0.05 && d > -0.05) }'; then
    ok "simulate_suppressed_last_pc"
else
    fail "simulate_suppressed_last_pc" "status $RC: last PC $last% (want 0.11792% within 5%)"
fi
# the same in float32 (--float32): the same last PC within 5%
run simulate "$G/rank1-normal.csv" --T 2000 --seed 3 --float32
last=$(grep -v '^#' "$TMP/out" | tail -1 | cut -f2)
if [ "$RC" -eq 0 ] && awk -v x="$last" 'BEGIN { t = 100 * (1/121) / (7 + 1/121); d = x / t - 1; exit !(d < 0.05 && d > -0.05) }'; then
    ok "simulate_float32_suppressed_last_pc"
else
    fail "simulate_float32_suppressed_last_pc" "status $RC: last PC $last% (want 0.11792% within 5%)"
fi

# Ctrl-C during a long simulation: exit 130, one message, nothing on stdout,
# the previous -o result intact
echo "old result" >"$TMP/sim.tsv"
"$BIN" simulate "$G/rank1-normal.csv" --T 1000000 -o "$TMP/sim.tsv" >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null
wait "$pid"; RC=$?
if [ "$RC" -eq 130 ] && [ "$(cat "$TMP/err")" = "lrs-analyze: interrupted" ] && [ ! -s "$TMP/out" ] \
    && [ "$(cat "$TMP/sim.tsv")" = "old result" ]; then
    ok "simulate_interrupted_cleanly"
else
    fail "simulate_interrupted_cleanly" "status $RC, stderr '$(cat "$TMP/err")', file '$(head -c 40 "$TMP/sim.tsv")'"
fi

# header lines: title, input with shape, options, column names
run svals "$G/tabs.tsv" --scale 2
if [ "$(sed -n 1p "$TMP/out" | cut -c1-20)" = "# lrs-analyze svals:" ] \
    && grep -q "^# input: $G/tabs.tsv: 3 x 3, dense text" "$TMP/out" \
    && grep -q "^# options: --scale 2$" "$TMP/out" && grep -q "^# index	sigma$" "$TMP/out"; then
    check_rows "svals_scale_and_header" 1e-12 "1 6" "2 4" "3 2"
else
    fail "svals_scale_and_header" "$(head -6 "$TMP/out" | tr '\n' '|')"
fi
run svals "$G/tabs.tsv" --normalize
check_rows "svals_normalize" 1e-12 "1 1" "2 0.666666666667" "3 0.333333333333"

# ------------------------------------------------------------------ gnuplot, -o, help
if command -v gnuplot >/dev/null 2>&1; then
    for sub in svals eig ranks overlap spectrum report; do
        rm -f "$TMP/p.png"
        "$BIN" $sub "$G/rank1-normal.csv" --gnuplot --png "$TMP/p.png" 2>"$TMP/err" | gnuplot 2>>"$TMP/err"
        if [ -s "$TMP/p.png" ] && [ "$(head -c 4 "$TMP/p.png" | od -An -c | tr -d ' ')" = '211PNG' ]; then
            ok "gnuplot_png_$sub"
        else
            fail "gnuplot_png_$sub" "no PNG written: $(head -c 300 "$TMP/err")"
        fi
        # Regression: a 1 x 1 overlap matrix drawn `with image` made gnuplot warn
        # "Image grid must be at least 4 points"; gnuplot must stay silent.
        if grep -qiE 'warning|error' "$TMP/err"; then
            fail "gnuplot_quiet_$sub" "gnuplot said: $(grep -iE 'warning|error' "$TMP/err" | head -n 2 | tr '\n' ' ')"
        else
            ok "gnuplot_quiet_$sub"
        fi
    done
fi
run svals "$G/tabs.tsv" --gnuplot
if grep -q '^\$svals << EOD$' "$TMP/out" && grep -q '^EOD$' "$TMP/out" && grep -q '^plot \$svals' "$TMP/out"; then ok "gnuplot_script_inline_data"; else fail "gnuplot_script_inline_data" "$(head -c 300 "$TMP/out")"; fi

run svals "$G/tabs.tsv"
cp "$TMP/out" "$TMP/expect"
run svals "$G/tabs.tsv" -o "$TMP/res.tsv"
# the same bytes as on stdout, except the options line that names the file
if [ "$RC" -eq 0 ] && [ ! -s "$TMP/out" ] && grep -q "^# options: -o $TMP/res.tsv$" "$TMP/res.tsv" \
    && cmp -s <(grep -v '^# options:' "$TMP/expect") <(grep -v '^# options:' "$TMP/res.tsv"); then
    ok "output_file"
else
    fail "output_file" "status $RC; diff: $(diff "$TMP/expect" "$TMP/res.tsv" | head -5 | tr '\n' '|')"
fi
echo "old result" >"$TMP/res.tsv"
run svals "$BADDIR/ragged.csv" -o "$TMP/res.tsv"
if [ "$RC" -eq 1 ] && [ "$(cat "$TMP/res.tsv")" = "old result" ] && [ -z "$(ls -A "$TMP" | grep '\.tmp\.')" ]; then
    ok "output_file_untouched_on_error"
else
    fail "output_file_untouched_on_error" "status $RC, file now '$(head -c 80 "$TMP/res.tsv")', temporaries: $(ls -A "$TMP" | grep '\.tmp\.')"
fi
run svals "$G/tabs.tsv" -o "$TMP/no-such-dir/res.tsv"
if [ "$RC" -eq 1 ] && grep -q "^$TMP/no-such-dir/res.tsv: cannot write: " "$TMP/err"; then ok "output_file_unwritable"; else fail "output_file_unwritable" "status $RC: $(cat "$TMP/err")"; fi

run --help
if [ "$RC" -eq 0 ] && grep -q "^Subcommands:" "$TMP/out" && grep -q "report" "$TMP/out"; then ok "help_general"; else fail "help_general" "status $RC"; fi
for sub in report svals eig ranks overlap spectrum simulate response; do
    run $sub --help
    if [ "$RC" -eq 0 ] && grep -q "^Example:" "$TMP/out" && grep -q "lrs-analyze $sub" "$TMP/out"; then ok "help_$sub"; else fail "help_$sub" "status $RC: $(head -3 "$TMP/out")"; fi
done

# ------------------------------------------------------------------ install
if [ "${LRS_SKIP_INSTALL_TEST:-0}" != 1 ]; then
    P="$TMP/prefix"
    if make -s --no-print-directory BUILD="$BUILD" install PREFIX="$P" >"$TMP/inst.log" 2>&1; then
        missing=""
        for f in bin/lrs-analyze lib/liblrs.a lib/liblrs.so include/lrs/io.h include/lrs/common.h \
                 lib/pkgconfig/lrs.pc share/man/man1/lrs-analyze.1; do
            [ -e "$P/$f" ] || missing="$missing $f"
        done
        if [ -z "$missing" ]; then ok "install_files"; else fail "install_files" "missing:$missing"; fi
        cat >"$TMP/use.c" <<'EOF'
#include <stdio.h>
#include <lrs/io.h>
#include <lrs/spectra.h>
int main(int argc, char **argv)
{
    gsl_matrix *W = NULL;
    gsl_vector *s;
    lrs_err_t e;
    if (argc < 2 || lrs_io_read_matrix(argv[1], NULL, &W, NULL, &e)) return 1;
    s = gsl_vector_alloc(W->size1);
    if (lrs_spectra_svd(W, s, NULL, NULL, &e)) return 1;
    printf("%.12g\n", gsl_vector_get(s, 0));
    gsl_vector_free(s);
    gsl_matrix_free(W);
    return 0;
}
EOF
        # A sanitizer build installs a sanitized library: its users link the
        # sanitizer runtimes too.
        san=""
        case $BUILD in *san*) san="-fsanitize=address,undefined" ;; esac
        # shared library through pkg-config
        flags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs lrs 2>&1)
        if ${CC:-cc} -std=c11 $san "$TMP/use.c" -o "$TMP/use" $flags 2>"$TMP/cc.log" \
            && [ "$(LD_LIBRARY_PATH="$P/lib" "$TMP/use" "$G/tabs.tsv")" = 3 ]; then
            ok "install_pkg_config_shared"
        else
            fail "install_pkg_config_shared" "flags '$flags': $(head -c 300 "$TMP/cc.log")"
        fi
        # static library with the private libraries of lrs.pc
        cflags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags lrs)
        priv=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --libs --static lrs | sed 's/-llrs//; s/-L[^ ]*//')
        if ${CC:-cc} -std=c11 $san $cflags "$TMP/use.c" -o "$TMP/use-static" "$P/lib/liblrs.a" $priv 2>"$TMP/cc.log" \
            && [ "$("$TMP/use-static" "$G/tabs.tsv")" = 3 ]; then
            ok "install_pkg_config_static"
        else
            fail "install_pkg_config_static" "libs '$priv': $(head -c 300 "$TMP/cc.log")"
        fi
        if MANWIDTH=80 man -l "$P/share/man/man1/lrs-analyze.1" 2>/dev/null | grep -q "SUBCOMMANDS"; then ok "install_man_page"; else
            if command -v man >/dev/null; then fail "install_man_page" "man -l does not render it"; else ok "install_man_page_present"; fi
        fi
        make -s --no-print-directory BUILD="$BUILD" uninstall PREFIX="$P" >>"$TMP/inst.log" 2>&1
        left=$(find "$P" -type f | head -5)
        if [ -z "$left" ]; then ok "uninstall"; else fail "uninstall" "left behind: $left"; fi
    else
        fail "install" "make install failed: $(tail -5 "$TMP/inst.log")"
    fi
fi
exit 0
