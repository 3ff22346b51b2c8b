#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lrs-analyze --sparse: P = 1 and P = 2 agree to the
# solver tolerance, the PETSc binary written by convert gives the same
# numbers, bad input gives one-line messages.  Skipped (with a reason) when
# the sparse module is not built.
set -u
B=${LRS_BUILD:-build}
X=$B/lrs-analyze
HS=tests/fixtures/sparse/high_school_proximity_edges.csv
if [ ! -x "$B/lrs-sparse-bench" ]; then echo "ok t_sparse_cli (skipped: the sparse module is not built; make deps-sparse sparse)"; exit 0; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# numbers of two svals tables agree to a relative tolerance
agree() { awk -v tol="$3" 'NR == FNR { if ($1 !~ /^#/) for (i = 2; i <= NF; i += 2) a[FNR, i] = $i; next }
    $1 !~ /^#/ { for (i = 2; i <= NF; i += 2) { d = $i - a[FNR, i]; if (d < 0) d = -d;
        s = $i < 0 ? -$i : $i; if (d > tol * (s > 1e-300 ? s : 1)) { bad++; print "  " FNR ": " a[FNR, i] " vs " $i } } }
    END { exit bad > 0 }' "$1" "$2"; }

# --help with --sparse shows the help (which documents --sparse), exit 0
out=$("$X" --sparse --help 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q -- '--sparse .*SLEPc'; then echo "ok sparse_cli_help"
else echo "FAIL sparse_cli_help: exit $rc: $(printf '%s' "$out" | head -2 | tr '\n' ' ')"; fi

opts="--undirected --scale 0.02 --top 6 --tol 1e-12 --max-it 1000"
if "$X" --sparse svals $HS $opts > "$tmp/p1" 2> "$tmp/e1" &&
   mpiexec -n 2 "$X" --sparse svals $HS $opts > "$tmp/p2" 2> "$tmp/e2" &&
   agree "$tmp/p1" "$tmp/p2" 1e-8; then
    echo "ok sparse_cli_p1_p2_svals"
else
    echo "FAIL sparse_cli_p1_p2_svals: P = 1 and P = 2 differ or failed"; cat "$tmp/e1" "$tmp/e2" 2>/dev/null | head -5
fi

if mpiexec -n 2 "$X" --sparse convert $HS --undirected --scale 0.02 -o "$tmp/hs.petsc" > /dev/null 2> "$tmp/e3" &&
   "$X" --sparse svals "$tmp/hs.petsc" --top 6 --tol 1e-12 --max-it 1000 > "$tmp/p3" 2>> "$tmp/e3" &&
   agree "$tmp/p1" "$tmp/p3" 1e-8; then
    echo "ok sparse_cli_convert_petsc"
else
    echo "FAIL sparse_cli_convert_petsc: convert + load gives other numbers"; head -3 "$tmp/e3"
fi

# report: same verdict lines at P = 1 and 2 (stochastic parts use P-independent probes)
"$X" --sparse report $HS --undirected --scale 0.02 > "$tmp/r1" 2>&1
mpiexec -n 2 "$X" --sparse report $HS --undirected --scale 0.02 > "$tmp/r2" 2>&1
if grep -q '^low_rank_suppression' "$tmp/r1" &&
   diff <(grep -E '^(stability|low_rank|high_dim|stable_rank|energy)' "$tmp/r1") \
        <(grep -E '^(stability|low_rank|high_dim|stable_rank|energy)' "$tmp/r2") > /dev/null; then
    echo "ok sparse_cli_report_p1_p2"
else
    echo "FAIL sparse_cli_report_p1_p2: reports differ"; diff "$tmp/r1" "$tmp/r2" | head -10
fi

# non-convergence is a flagged estimate, never an error nor an exact-looking
# number: a budget of one restart at tol 1e-13
if "$X" --sparse svals $HS --undirected --scale 0.02 --top 6 --tol 1e-13 --max-it 1 > "$tmp/f1" 2> "$tmp/ef" &&
   grep -q '^# FLAGGED ESTIMATE: sigma_I-W_smallest rows [0-9]*\.\.6 did not reach tol 1e-13' "$tmp/f1" &&
   "$X" --sparse report $HS --undirected --scale 0.02 --tol 1e-13 --max-it 1 > "$tmp/f2" 2>> "$tmp/ef" &&
   grep -q '^svd_I-W_smallest .*FLAGGED ESTIMATE' "$tmp/f2" && grep -q '^svals_I-W_smallest .*~' "$tmp/f2"; then
    echo "ok sparse_cli_flagged_estimate"
else
    echo "FAIL sparse_cli_flagged_estimate: no flagged output with --max-it 1"; cat "$tmp/ef" | head -3
fi

check_err() {  # name, expected message, command...
    local name=$1 want=$2; shift 2
    local msg; msg=$("$@" 2>&1 >/dev/null); local rc=$?
    if [ $rc -ne 0 ] && [ "$msg" = "$want" ]; then echo "ok $name"
    else echo "FAIL $name: exit $rc, message '$msg' (want '$want')"; fi
}
check_err sparse_cli_unknown_option \
    "lrs-analyze: unknown option '--bogus' for --sparse (PETSc/SLEPc options go after --)" \
    "$X" --sparse report $HS --bogus
check_err sparse_cli_missing_file "lrs-analyze: $tmp/none.csv: cannot open: No such file or directory" \
    "$X" --sparse report "$tmp/none.csv"
check_err sparse_cli_top_too_large "lrs-analyze: --top 400 is larger than the matrix (327)" \
    "$X" --sparse svals $HS --undirected --top 400
check_err sparse_cli_convert_needs_o "lrs-analyze: convert needs -o OUT.petsc" \
    "$X" --sparse convert $HS

# An lrs-analyze built without the sparse module answers --sparse with the
# command that adds it (main.c and cmd_sparse.c compiled without LRS_HAVE_SPARSE).
san=""; case $B in *san*) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;; esac
objs=$(ls "$B"/toolobj/lrs-analyze/*.o | grep -v -e '/main\.o$' -e '/cmd_sparse\.o$')
libs=$(make --no-print-directory -s -f Makefile -f <(printf 'print-ldlibs:\n\t@echo $(LDLIBS)\n') print-ldlibs)
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 $san -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
       src/tools/lrs-analyze/main.c src/tools/lrs-analyze/cmd_sparse.c $objs "$B/liblrs.a" \
       $libs -o "$tmp/nosparse" 2> "$tmp/cc.err"; then
    msg=$("$tmp/nosparse" --sparse report $HS 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 2 ] && printf '%s\n' "$msg" | grep -qx '    make deps-sparse && make sparse && make'; then
        echo "ok sparse_cli_without_module"
    else
        echo "FAIL sparse_cli_without_module: exit $rc, message '$msg'"
    fi
else
    echo "FAIL sparse_cli_without_module: does not compile: $(head -3 "$tmp/cc.err")"
fi
