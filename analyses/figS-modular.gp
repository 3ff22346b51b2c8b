# figS-modular.gp -- supplementary figure "Modular": the Figure-4 E/I network
# under smooth noise (tau_x = 20, sigma_x = 0.5, T = 5000, t >= 100).
# Data: results/figS-modular/*.tsv (notebooks-c/figS-modular.c; columns in
# notebooks-c/common/study.h).  Panels use analyses/common/study.gp.
#
# a singular values of W; b eigenvalues of W; c step responses (c_x = 10);
# d PC spectra of z and x; e z.u vs z.u_rand; f z.v vs z.u_rand; numbers;
# g x.u, (W f(z)).u, z.u against time; h the same along v.
# Directions in proj.tsv / series.tsv: 0 u, 1 u_rand, 2 u_N, 3 v.

if (!exists("outpng")) outpng = 'results/figS-modular.png'
if (!exists("outpdf")) outpdf = 'results/figS-modular.pdf'
D = "results/figS-modular/"
S = "analyses/common/study.gp"
call S "init"

seed = hdrval(D."spectrum.tsv", "seed")

do for [out in "png pdf"] {
if (out eq "png") {
    set terminal pngcairo size 1800,1300 font "DejaVu Sans,14" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 30cm,21.67cm font "DejaVu Sans,14" enhanced fontscale 0.5
    set output outpdf
}
set multiplot
fig_title = sprintf("{/:Bold Supplementary: modular E/I network under noise.}  Figure-4 network (N_E = 150, N_I = 50, {/Symbol t}_E = 2, {/Symbol t}_I = 1, tanh),  {/Symbol t}_x = 20,  {/Symbol s}_x = 0.5   (seed %s)", seed)

# ---------------------------------------------------------------- a: singular values
call S "frame" 0.055 0.30 0.70 0.905 "a"
undefine fig_title
set label 10 sprintf("W_0 (rank 2, P singular values %s)", sumval(D, "P_svals")) at 12, 10 left tc rgb c_conn font ",12"
call S "sv" D

# ---------------------------------------------------------------- b: eigenvalues
call S "frame" 0.37 0.518 0.70 0.905 "b"
# (not study.gp's square panel: the outlier pair lies far up the imaginary axis)
set xrange [-1.2:1.5]; set yrange [-9:9]
set xtics 1; set ytics 4
set xlabel "Re {/Symbol l}"; set ylabel "Im {/Symbol l}"
set title "eigenvalues of W"
set arrow 1 from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb c_gray lw 1.5
set label 2 "Re {/Symbol l} = 1" at 1, graph 0.5 offset 0.3, 0 left rotate by 90 tc rgb c_gray font ",11"
set label 3 "E/I outlier pair" at 0.84, 7.4 offset -0.8, 0 right tc rgb c_conn font ",11"
plot D."spectrum.tsv" u 3:4 w p pt 7 ps 0.6 lc rgb c_conn

# ---------------------------------------------------------------- c: step responses
call S "frame" 0.59 0.985 0.70 0.905 "c"
set label 20 sprintf("response ratio %s", sumval(D, "response_ratio")) at graph 0.02, graph 0.06 left font ",12" front
call S "step" D "u"

# ---------------------------------------------------------------- d: PC spectra
call S "frame" 0.055 0.33 0.38 0.60 "d"
set label 30 sprintf("first PC %s %%; last PC: %s below the median\n(the input's own last PC: %s below)", sumval(D, "pct_z_first"), sumval(D, "median_over_lastpc"), sumval(D, "x_median_over_lastpc")) at graph 0.03, graph 0.12 left tc rgb c_resp font ",11" front
call S "pca" D

# ---------------------------------------------------------------- e: z.u vs z.u_rand
call S "frame" 0.405 0.567 0.38 0.60 "e"
set label 40 sprintf("var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)\n= %s", sumval(D, "var_ratio_rand_over_u")) at graph 0.04, graph 0.93 left font ",11" front
set label 41 sprintf("{/Symbol \320}(u_N, u) = %s{/Symbol \260}", sumval(D, "angle_uN_u_deg")) at graph 0.04, graph 0.08 left font ",11" front
call S "scatter" D 1 0 0 "z{/Symbol \267}u_{rand}" "z{/Symbol \267}u" c_resp "response along u, t < 2000"

# ---------------------------------------------------------------- f: z.v vs z.u_rand
call S "frame" 0.635 0.797 0.38 0.60 "f"
set label 50 sprintf("var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}v)\n= %s", sumval(D, "var_ratio_rand_over_v")) at graph 0.04, graph 0.93 left font ",11" front
call S "scatter" D 1 3 0 "z{/Symbol \267}u_{rand}" "z{/Symbol \267}v" c_resp "response along v, t < 2000"

# ---------------------------------------------------------------- numbers
call S "frame" 0.835 0.99 0.38 0.60 ""
call S "numbers" D "response_ratio var_ratio_rand_over_u var_ratio_rand_over_v angle_uN_v_deg corr_xu_Wzu" \
    "response ratio (c);var(z{/Symbol \267}u_{rand}) / var(z{/Symbol \267}u)  (e);var(z{/Symbol \267}u_{rand}) / var(z{/Symbol \267}v)  (f);angle(u_N, v) in degrees;corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g)" \
    "numbers of this run"

# ---------------------------------------------------------------- g, h: cancellation
call S "frame" 0.055 0.50 0.065 0.265 "g"
set label 60 sprintf("corr(x{/Symbol \267}u, (Wz){/Symbol \267}u) = %s", sumval(D, "corr_xu_Wzu")) at graph 0.01, graph 0.07 left font ",12" front
call S "series" D 0 "u"
call S "frame" 0.56 0.985 0.065 0.265 "h"
call S "series" D 3 "v"

unset multiplot
}
