# SPDX-License-Identifier: GPL-3.0-or-later
# fig1.gp -- Figure 1 of Wan & Rosenbaum (2025): low-rank suppression in a
# rank-one normal network, W = c u u^T + rho G/sqrt(N).
# Data: results/fig1/*.tsv, written by notebooks-c/fig1.c (columns in
# notebooks-c/common/study.h).  Every parameter and every number of the
# authors comes from the "# parameters" line of those files (par(), paper()).
# Panels use analyses/common/study.gp.
#
#   gnuplot analyses/fig1.gp          (or: make fig1)
#   gnuplot -e "outpng='a.png'; outpdf='a.pdf'" analyses/fig1.gp
#
# a schematic; b singular values of W; c eigenvalues of W; d step responses;
# e PC spectra of z and x; f z.u vs z.u_rand; g x.u vs x.u_rand; h x.u,
# (Wz).u, z.u against time; and our numbers next to the authors'.

if (!exists("outpng")) outpng = 'results/fig1.png'
if (!exists("outpdf")) outpdf = 'results/fig1.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/fig1/"
S = "analyses/common/study.gp"
call S "init"

seed = hdrval(D."spectrum.tsv", "seed")
N = int(par(D, "N")); c = real(par(D, "c")); rho = real(par(D, "rho"))
win = windows(D."step.tsv")
off1 = word(win, 2); off2 = word(win, 4)

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 1800,1300 font "DejaVu Sans,14" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 30cm,21.67cm font "DejaVu Sans,14" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot
fig_title = sprintf("{/:Bold Figure 1.}  Low-rank suppression in a rank-one normal network:  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  N = %d,  c = %g,  {/Symbol r} = %g   (seed %s)", N, c, rho, seed)

# ---------------------------------------------------------------- a: schematic
call S "frame" 0.05 0.26 0.70 0.905 "a"
undefine fig_title
call S "schematic" "W = c uu^T + {/Symbol r}G/{/Symbol \326}N" "{/Symbol t} dz/dt = -z + Wz + x"

# ---------------------------------------------------------------- b: singular values
call S "frame" 0.315 0.465 0.70 0.905 "b"
set label 10 sprintf("|c| = %g", abs(c)) at 0.07 * N, abs(c) left tc rgb c_conn font ",12"
set label 11 "random bulk" at 0.45 * N, 0.06 center tc rgb c_conn font ",12"
call S "sv" D

# ---------------------------------------------------------------- c: eigenvalues
# the bulk disc of radius rho and the outlier near c (square panel:
# 0.205 of 1300 px = 0.148 of 1800 px)
call S "frame" 0.515 0.663 0.70 0.905 "c"
set label 12 sprintf("outlier {/Symbol \273} c = %g", c) at first c, first 0.12 * (abs(c) + 0.5) left offset -0.3,0 tc rgb c_conn font ",11" front
call S "eig" D (abs(c) + 0.5) rho

# ---------------------------------------------------------------- d: step responses
call S "frame" 0.715 0.99 0.70 0.905 "d"
set label 20 sprintf("||z(%s^-)|| / ||z(%s^-)|| = %s  %s", off2, off1, sumval(D, "response_ratio"), paper(D, "response_ratio")) at graph 0.02, graph 0.06 left font ",12" front
call S "step" D "u"

# ---------------------------------------------------------------- e: PC spectra
call S "frame" 0.055 0.33 0.38 0.60 "e"
pl = real(sumval(D, "pct_z_last"))
set label 30 "last PC of z:\nsuppressed along u" at graph 0.72, graph 0.2 center tc rgb c_resp font ",11" front
set arrow 31 from graph 0.88, graph 0.15 to first N - 2, first pl * 1.3 head filled size 4,20 lc rgb c_resp lw 1.5 front
call S "pca" D

# ---------------------------------------------------------------- f: z.u vs z.u_rand
# square panels: 0.22 of 1300 px high = 0.162 of 1800 px wide
call S "frame" 0.405 0.567 0.38 0.60 "f"
set label 40 sprintf("var ratio %s\n%s", sumval(D, "var_ratio_rand_over_u"), paper(D, "var_ratio_rand_over_u")) at graph 0.03, graph 0.95 left font ",10" front boxed
set label 41 sprintf("{/Symbol \320}(u_N, u) = %s{/Symbol \260}", sumval(D, "angle_uN_u_deg")) at graph 0.03, graph 0.06 left font ",10" front boxed
call S "scatter" D 0 1 0 "z{/Symbol \267}u" "z{/Symbol \267}u_{rand}" c_resp sprintf("response, t < %s", tproj(D))

# ---------------------------------------------------------------- g: x.u vs x.u_rand
call S "frame" 0.635 0.797 0.38 0.60 "g"
call S "scatter" D 0 1 1 "x{/Symbol \267}u" "x{/Symbol \267}u_{rand}" c_in sprintf("input, t < %s", tproj(D))

# ---------------------------------------------------------------- h: cancellation
call S "frame" 0.055 0.985 0.065 0.265 "h"
set label 50 sprintf("corr(x{/Symbol \267}u, (Wz){/Symbol \267}u) = %s  %s", sumval(D, "corr_xu_Wzu"), paper(D, "corr_xu_Wzu")) at graph 0.01, graph 0.07 left font ",12" front
call S "series" D 0 "u" "cancellation along u: the recurrent input opposes the input"

# ---------------------------------------------------------------- numbers
call S "frame" 0.835 0.99 0.38 0.60 ""
call S "numbers" D "response_ratio var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu" \
    "response ratio  (d);var(z{/Symbol \267}u_{rand}) / var(z{/Symbol \267}u)  (f);angle(u_N, u) in degrees  (f);corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (h)" \
    "this run vs the paper"

unset multiplot
}
