#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Smoke test of every figure: runs each notebook with --fast and its gnuplot
# script in a scratch folder (so results/ of a real run are never touched),
# then checks that the PNG and PDF exist and are non-empty and that every
# summary key is present and every numeric value finite.  A few figures'
# numbers must also fall in the authors' bands (see `bands` below).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${LRS_BUILD:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ln -s "$repo/analyses" "$tmp/analyses"
mkdir -p "$tmp/results"
cd "$tmp" || exit 2
data=$repo/data/high_school_proximity_edges.csv   # shipped with the repo

# Keys each figure must print, besides wall_seconds.
declare -A keys=(
  [fig1]="response_ratio var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu c_x noise_method noise_dt norm_before_aligned paper_response_ratio"
  [fig2]="response_ratio var_ratio_u_over_rand var_ratio_rand_over_uN angle_uN_u_deg angle_response_uopt_v_deg noise_method paper_angle_response_uopt_v_deg"
  [fig4]="response_ratio mf_jacobian_eig_at_origin mf_linear_fixed_point_authors_input ei_mean_exc_input ei_mean_inh_input ei_mean_total_input"
  [fig3]="acceptance_met T_rk4 normal_median_over_lastpc ep_pc1_pct_z normal_rk4_median_over_lastpc ep_rk4_pc1_pct_z nonep_rk4_pc1_pct_z partial_rk4_participation_ratio_z ep_euler_short_suppression_v1_v2 ep_rk4_suppression_v1_v2 rk4_picture_holds rk4_vs_euler_pc_median_rel_diff_max"
  [fig5]="response_ratio norm_smooth norm_random"
  [figS-modular]="response_ratio var_ratio_rand_over_u var_ratio_rand_over_v corr_xu_Wzu"
  [figS-space]="response_ratio var_ratio_rand_over_u var_ratio_rand_over_bump corr_xu_Wzu"
  [figS-fourier]="min_pct_power full_W_min_pct_power"
  [fig6]="N relaxation_time max_real_eig_J step_sign_convention response_ratio response_ratio_other_sign"
  [figS-epidemiological]="response_ratio response_ratio_other_sign var_ratio_rand_over_u corr_qu_Ru"
  [figS-ffwd]="var_ratio_u_over_rand"
  [figS-biased]="var_ratio_rand_over_u corr_xu_Wzu"
  [figS-weak]="var_ratio_rand_over_u expected_var_ratio_rand_over_u noise_method"
  [figS-weak2]="var_ratio_rand_over_u expected_var_ratio_rand_over_u noise_method"
  [figS-unstable]="response_ratio c_x noise_method"
  [figS-unstable2]="response_ratio c_x aligned_dip noise_method"
)
# Bands at the default seed: "name key low high" (low < value < high).
# Unstable and Unstable2 step with c_x = sqrt(N), as the authors do: their
# response ratios are 1.48 and 1.13, and Unstable2's ||z|| dips while the
# aligned input is on (norm_aligned / norm_before_aligned < 0.95).  The step
# runs of --fast differ only by a coarser dt.
bands=(
  "figS-unstable response_ratio 1.2 1.7"
  "figS-unstable2 response_ratio 1.0 1.3"
  "figS-unstable2 aligned_dip 0 0.95"
)
# The parameters line every TSV carries ("# parameters N 200 ...").
params_keys=(
  "fig1 N c rho c_x paper_response_ratio paper_corr_xu_Wzu"
  "fig2 N c rho paper_angle_uN_u_deg paper_angle_response_uopt_v_deg"
  "figS-weak2 c rho"
  "figS-biased mu sigma c_eff"
)
# Figure 4's fidelity checks: the printed mean-field point is the authors'
# linear one, and panel h is the authors' balance (all-unit means of the
# positive and negative parts of the total input, about 0.03 in size; the
# synaptic sums, about 1, would fail the bound).
fig4_checks() {
    awk -F' = ' '
        $1 == "mf_linear_fixed_point_authors_input" && $2 != "0.051 0.431" { printf " %s = %s (expected 0.051 0.431);", $1, $2 }
        $1 == "ei_mean_exc_input" && !($2 > 0 && $2 < 0.1) { printf " %s = %s (expected in (0, 0.1));", $1, $2 }
        $1 == "ei_mean_inh_input" && !($2 < 0 && $2 > -0.1) { printf " %s = %s (expected in (-0.1, 0));", $1, $2 }
        $1 == "ei_mean_exc_input" { e = $2 } $1 == "ei_mean_inh_input" { h = $2 }
        $1 == "ei_mean_total_input" { t = $2 }
        END { d = e + h - t; if (d > 0.00015 || d < -0.00015) printf " exc + inh = %g but total = %s;", e + h, t }' "$1"
}
command -v gnuplot >/dev/null || { echo "FAIL figs_smoke: gnuplot not installed"; exit 1; }
n=0
for prog in "$build"/notebooks/fig*; do
    [ -x "$prog" ] || continue
    name=$(basename "$prog"); n=$((n + 1))
    args=(--fast)
    case $name in fig6|figS-epidemiological) args+=(--data "$data") ;; esac
    t0=$(date +%s.%N)
    if ! ${LRS_TEST_WRAPPER:-} "$prog" "${args[@]}" > "results/$name.out" 2> "results/$name.err"; then
        echo "FAIL fig_$name: program exited with $?: $(tail -n 3 "results/$name.err" | tr '\n' ' ')"
        continue
    fi
    if ! gnuplot -e "outpng='results/$name.png'; outpdf='results/$name.pdf'" "analyses/$name.gp" > "results/$name.gp.out" 2>&1; then
        echo "FAIL fig_$name: gnuplot failed: $(grep -v '^$' "results/$name.gp.out" | tail -n 3 | tr '\n' ' ')"
        continue
    fi
    if grep -qiE 'warning|error' "results/$name.gp.out"; then
        echo "FAIL fig_$name: gnuplot complained: $(grep -iE 'warning|error' "results/$name.gp.out" | head -n 2 | tr '\n' ' ')"
        continue
    fi
    why=""
    for f in "results/$name.png" "results/$name.pdf"; do
        [ -s "$f" ] || why="$why $f missing or empty;"
    done
    [ -s "results/$name/summary.txt" ] || why="$why no summary.txt;"
    for k in ${keys[$name]:-} wall_seconds; do
        grep -qE "^$k = " "results/$name.out" || why="$why key $k missing;"
    done
    bad=$(awk -F' = ' '/^[A-Za-z_][A-Za-z0-9_]* = /{
            split($2, w, /[ \t]+/);
            for (i in w) if (w[i] ~ /^[-+]?(nan|inf|NaN|Inf|-nan)/) { print $1; break } }' "results/$name.out")
    [ -z "$bad" ] || why="$why non-finite values for: $(echo $bad);"
    for b in "${bands[@]}"; do
        set -- $b
        [ "$1" = "$name" ] || continue
        v=$(awk -F' = ' -v k="$2" '$1 == k { print $2; exit }' "results/$name.out")
        awk -v v="$v" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v != "" && v + 0 > lo && v + 0 < hi) }' \
            || why="$why $2 = $v outside ($3, $4);"
    done
    for pk in "${params_keys[@]}"; do
        set -- $pk
        [ "$1" = "$name" ] || continue
        shift
        for k in "$@"; do
            awk -v k="$k" '/^# parameters /{ for (i = 3; i < NF; i += 2) if ($i == k) f = 1; exit }
                           END { exit !f }' "results/$name/spectrum.tsv" \
                || why="$why parameter $k missing from the TSV header;"
        done
    done
    # Figure 6 on the shipped contact network, v with a positive sum: the
    # aligned step moves the epidemic far less than a random one (about 6.8).
    if [ "$name" = fig6 ]; then
        grep -q '^data = real contact network' "results/$name.out" || why="$why not run on the real network;"
        r=$(sed -n 's/^response_ratio = //p' "results/$name.out")
        awk -v r="$r" 'BEGIN { exit !(r + 0 > 5) }' || why="$why response_ratio $r not above 5;"
    fi
    [ "$name" = fig4 ] && why="$why$(fig4_checks "results/$name.out")"
    secs=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.1f", a - b}')
    if [ -z "$why" ]; then echo "ok fig_$name (${secs} s)"; else echo "FAIL fig_$name:$why"; fi
done
[ "$n" -gt 0 ] || echo "# no figure programs built yet"
exit 0
