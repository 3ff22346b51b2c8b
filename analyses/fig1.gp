# fig1.gp -- Figure 1 of Wan & Rosenbaum (2025): low-rank suppression in a
# rank-one normal network, W = c u u^T + rho G/sqrt(N), c = -10, rho = 0.5.
# Data: results/fig1/*.tsv, written by notebooks-c/fig1.c (columns in
# notebooks-c/common/study.h).  Panels use analyses/common/study.gp.
#
#   gnuplot analyses/fig1.gp          (or: make fig1)
#   gnuplot -e "outpng='a.png'; outpdf='a.pdf'" analyses/fig1.gp
#
# a schematic; b singular values of W; c step responses; d PC spectra of z and
# x; e z.u vs z.u_rand; f x.u vs x.u_rand; g x.u, (Wz).u, z.u against time;
# and our numbers next to the authors'.

if (!exists("outpng")) outpng = 'results/fig1.png'
if (!exists("outpdf")) outpdf = 'results/fig1.pdf'
D = "results/fig1/"
S = "analyses/common/study.gp"
call S "init"

seed = hdrval(D."spectrum.tsv", "seed")

do for [out in "png pdf"] {
if (out eq "png") {
    set terminal pngcairo size 1800,1300 font "DejaVu Sans,14" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 30cm,21.67cm font "DejaVu Sans,14" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot
fig_title = sprintf("{/:Bold Figure 1.}  Low-rank suppression in a rank-one normal network:  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  N = 200,  c = -10,  {/Symbol r} = 0.5   (seed %s)", seed)

# ---------------------------------------------------------------- a: schematic
call S "frame" 0.05 0.30 0.70 0.905 "a"
undefine fig_title
call S "schematic" "W = c uu^T + {/Symbol r}G/{/Symbol \326}N" "{/Symbol t} dz/dt = -z + Wz + x"

# ---------------------------------------------------------------- b: singular values
call S "frame" 0.375 0.565 0.70 0.905 "b"
set label 10 "|c| = 10" at 14, 10 left tc rgb c_conn font ",12"
set label 11 "random bulk" at 80, 0.06 center tc rgb c_conn font ",12"
call S "sv" D

# ---------------------------------------------------------------- c: step responses
call S "frame" 0.625 0.985 0.70 0.905 "c"
rr = sumval(D, "response_ratio")
set label 20 sprintf("||z(80^-)|| / ||z(40^-)|| = %s  (paper 11.1)", rr) at graph 0.02, graph 0.06 left font ",12" front
call S "step" D "u"

# ---------------------------------------------------------------- d: PC spectra
call S "frame" 0.055 0.33 0.38 0.60 "d"
pl = sumval(D, "pct_z_last")
set label 30 "last PC of z:\nsuppressed along u" at 150, 0.004 center tc rgb c_resp font ",11" front
set arrow 31 from 178, 0.0035 to 196, 0.0016 head filled size 4,20 lc rgb c_resp lw 1.5 front
call S "pca" D

# ---------------------------------------------------------------- e: z.u vs z.u_rand
# square panels: 0.22 of 1300 px high = 0.162 of 1800 px wide
call S "frame" 0.405 0.567 0.38 0.60 "e"
vr = sumval(D, "var_ratio_rand_over_u")
ang = sumval(D, "angle_uN_u_deg")
set label 40 sprintf("var ratio %s\n(paper 132)", vr) at graph 0.04, graph 0.93 left font ",11" front boxed
set label 41 sprintf("{/Symbol \320}(u_N, u) = %s{/Symbol \260}", ang) at graph 0.04, graph 0.08 left font ",11" front boxed
call S "scatter" D 1 0 0 "z{/Symbol \267}u_{rand}" "z{/Symbol \267}u" c_resp "response, t < 2000"

# ---------------------------------------------------------------- f: x.u vs x.u_rand
call S "frame" 0.635 0.797 0.38 0.60 "f"
call S "scatter" D 1 0 1 "x{/Symbol \267}u_{rand}" "x{/Symbol \267}u" c_in "input, t < 2000"

# ---------------------------------------------------------------- g: cancellation
call S "frame" 0.055 0.985 0.065 0.265 "g"
cr = sumval(D, "corr_xu_Wzu")
set label 50 sprintf("corr(x{/Symbol \267}u, (Wz){/Symbol \267}u) = %s  (paper -0.9986)", cr) at graph 0.01, graph 0.07 left font ",12" front
call S "series" D 0 "u" "cancellation along u: the recurrent input opposes the input"

# ---------------------------------------------------------------- numbers
call S "frame" 0.835 0.99 0.38 0.60 ""
call S "numbers" D "response_ratio var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu" \
    "response ratio (c);var(z{/Symbol \267}u_{rand}) / var(z{/Symbol \267}u)  (e);angle(u_N, u) in degrees  (e);corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g)" \
    "this run vs the paper"

unset multiplot
}
