# SPDX-License-Identifier: GPL-3.0-or-later
# figS-modular.gp -- supplementary figure "Modular": the Figure-4 E/I network
# under smooth noise.
# Data: results/figS-modular/*.tsv (notebooks-c/figS-modular.c; columns in
# notebooks-c/common/study.h).  Parameters come from the "# parameters"
# header line, numbers from summary.txt.  Panels use
# analyses/common/study.gp.
#
# a singular values of W; b eigenvalues of W; c step responses;
# d PC spectra of z and x; e z.u vs z.u_rand; f x.u vs x.u_rand (the input is
# isotropic, the response is not); g z.v vs z.u_rand; h x.u, (W f(z)).u, z.u
# against time; i the same along v; numbers.  As the authors draw them, the
# scatter panels put the low-rank direction on the horizontal axis, u_rand on
# the vertical one, all on one scale.
# Directions in proj.tsv / series.tsv: 0 u, 1 u_rand, 2 u_N, 3 v.

if (!exists("outpng")) outpng = 'results/figS-modular.png'
if (!exists("outpdf")) outpdf = 'results/figS-modular.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-modular/"
S = "analyses/common/study.gp"
call S "init"

seed = hdrval(D."spectrum.tsv", "seed")
Ne = par(D, "Ne"); Ni = par(D, "Ni"); tau_e = par(D, "tau_e")
tau_i = par(D, "tau_i"); fname = par(D, "f")
tau_x = par(D, "tau_x"); sigma_x = par(D, "sigma_x")
rec_name = sprintf("W %s z", fname)
t_proj = tproj(D)
# one scale for the three scatter panels: the largest |projection| of z and x
# on u, v and u_rand
Lmax = 0
do for [col in sprintf("%d %d %d %d %d", pcol(0, 0), pcol(1, 0), pcol(3, 0), pcol(0, 1), pcol(1, 1))] {
    stats D."proj.tsv" u (abs(column(int(col)))) nooutput
    Lmax = (STATS_max > Lmax ? STATS_max : Lmax)
}
scatter_L = Lmax * 1.05

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 1800,1300 font "DejaVu Sans,14" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 30cm,21.67cm font "DejaVu Sans,14" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot
fig_title = sprintf("{/:Bold Supplementary: modular E/I network under noise.}  Figure-4 network (N_E = %s, N_I = %s, {/Symbol t}_E = %s, {/Symbol t}_I = %s, %s),  {/Symbol t}_x = %s,  {/Symbol s}_x = %s   (seed %s)", Ne, Ni, tau_e, tau_i, fname, tau_x, sigma_x, seed)

# ---------------------------------------------------------------- a: singular values
call S "frame" 0.055 0.30 0.70 0.905 "a"
undefine fig_title
set label 10 sprintf("W_0 (rank 2, P singular values %s)", sumval(D, "P_svals")) at 12, 10 left tc rgb c_conn font ",12"
call S "sv" D

# ---------------------------------------------------------------- b: eigenvalues
call S "frame" 0.37 0.518 0.70 0.905 "b"
# (not study.gp's square panel: the outlier pair lies far up the imaginary axis)
stats D."spectrum.tsv" u 4 nooutput
im_hi = STATS_max
stats D."spectrum.tsv" u 3 every ::STATS_index_max::STATS_index_max nooutput
re_out = STATS_min
set xrange [-1.2:1.5]; set yrange [-im_hi * 1.2:im_hi * 1.2]
set xtics 1; set ytics 4
set xlabel "Re {/Symbol l}"; set ylabel "Im {/Symbol l}"
set title "eigenvalues of W"
set arrow 1 from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb c_gray lw 1.5
set label 2 "Re {/Symbol l} = 1" at 1, graph 0.5 offset 0.3, 0 left rotate by 90 tc rgb c_gray font ",11"
set label 3 "E/I outlier pair" at re_out, im_hi offset -0.8, 0 right tc rgb c_conn font ",11"
plot D."spectrum.tsv" u 3:4 w p pt 7 ps 0.6 lc rgb c_conn

# ---------------------------------------------------------------- c: step responses
call S "frame" 0.59 0.985 0.70 0.905 "c"
set label 20 sprintf("response ratio %s", sumval(D, "response_ratio")) at graph 0.02, graph 0.06 left font ",12" front
call S "step" D "u"

# ---------------------------------------------------------------- d: PC spectra
call S "frame" 0.055 0.30 0.38 0.60 "d"
set label 30 sprintf("first PC %s %%; last PC: %s below the median\n(the input's own last PC: %s below)", sumval(D, "pct_z_first"), sumval(D, "median_over_lastpc"), sumval(D, "x_median_over_lastpc")) at graph 0.03, graph 0.12 left tc rgb c_resp font ",11" front
call S "pca" D

# ---------------------------------------------------------------- e: z.u vs z.u_rand
call S "frame" 0.375 0.53 0.38 0.60 "e"
set label 40 sprintf("var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)\n= %s", sumval(D, "var_ratio_rand_over_u")) at graph 0.04, graph 0.93 left font ",11" front boxed
set label 41 sprintf("{/Symbol \320}(u_N, u) = %s{/Symbol \260}", sumval(D, "angle_uN_u_deg")) at graph 0.04, graph 0.08 left font ",11" front boxed
set xtics 1; set ytics 1
call S "scatter" D 0 1 0 "z{/Symbol \267}u" "z{/Symbol \267}u_{rand}" c_resp sprintf("response, t < %s", t_proj)

# ---------------------------------------------------------------- f: x.u vs x.u_rand
call S "frame" 0.605 0.76 0.38 0.60 "f"
set xtics 1; set ytics 1
call S "scatter" D 0 1 1 "x{/Symbol \267}u" "x{/Symbol \267}u_{rand}" c_in sprintf("input (isotropic), t < %s", t_proj)

# ---------------------------------------------------------------- g: z.v vs z.u_rand
call S "frame" 0.835 0.99 0.38 0.60 "g"
set label 50 sprintf("var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}v)\n= %s", sumval(D, "var_ratio_rand_over_v")) at graph 0.04, graph 0.93 left font ",11" front boxed
set xtics 1; set ytics 1
call S "scatter" D 3 1 0 "z{/Symbol \267}v" "z{/Symbol \267}u_{rand}" c_resp "response along v"

# ---------------------------------------------------------------- h, i: cancellation
call S "frame" 0.055 0.40 0.065 0.265 "h"
set label 60 sprintf("corr(x{/Symbol \267}u, (%s){/Symbol \267}u) = %s", rec_name, sumval(D, "corr_xu_Wzu")) at graph 0.01, graph 0.07 left font ",12" front boxed
call S "series" D 0 "u" ""
call S "frame" 0.46 0.805 0.065 0.265 "i"
call S "series" D 3 "v" ""

# ---------------------------------------------------------------- numbers
call S "frame" 0.845 0.99 0.04 0.275 ""
call S "numbers" D "response_ratio var_ratio_rand_over_u var_ratio_rand_over_v angle_uN_v_deg corr_xu_Wzu" \
    "response ratio (c);var(z{/Symbol \267}u_{rand}) / var(z{/Symbol \267}u)  (e);var(z{/Symbol \267}u_{rand}) / var(z{/Symbol \267}v)  (g);angle(u_N, v) in degrees;".sprintf("corr(x{/Symbol \267}u, (%s){/Symbol \267}u)  (h)", rec_name) \
    "numbers of this run"

unset multiplot
}
