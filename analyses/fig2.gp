# SPDX-License-Identifier: GPL-3.0-or-later
# fig2.gp -- Figure 2 of Wan & Rosenbaum (2025): a rank-one NON-NORMAL
# network, W = c u v^T + rho G/sqrt(N) with v orthogonal to u.  u is amplified; the input u_opt is suppressed, with a response
# along v; the last PC u_N is nearly orthogonal to u.
# Data: results/fig2/*.tsv, written by notebooks-c/fig2.c (columns in
# notebooks-c/common/study.h; directions j = 0 u, 1 u_rand, 2 u_N, 3 v, 4 u_opt).
# Every parameter and every number of the authors comes from the
# "# parameters" line of those files (par(), paper()).
#
#   gnuplot analyses/fig2.gp          (or: make fig2)
#
# a schematic; b singular values of W; c eigenvalues of W; d step responses
# to u_opt and u_rand; e PC spectra; f z.u vs z.u_rand; g z.u_N vs z.u_rand;
# h x.u_N, (Wz).u_N, z.u_N against time; our numbers next to the authors'.

if (!exists("outpng")) outpng = 'results/fig2.png'
if (!exists("outpdf")) outpdf = 'results/fig2.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/fig2/"
S = "analyses/common/study.gp"
call S "init"

seed = hdrval(D."spectrum.tsv", "seed")
N = int(par(D, "N")); c = real(par(D, "c")); rho = real(par(D, "rho"))

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 1800,1300 font "DejaVu Sans,14" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 30cm,21.67cm font "DejaVu Sans,14" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot
fig_title = sprintf("{/:Bold Figure 2.}  A rank-one non-normal network:  W = c uv^T + {/Symbol r}G/{/Symbol \326}N,  v ⊥ u,  N = %d,  c = %g,  {/Symbol r} = %g   (seed %s)", N, c, rho, seed)

# ---------------------------------------------------------------- a: schematic
call S "frame" 0.05 0.26 0.70 0.905 "a"
undefine fig_title
call S "schematic" "W = c uv^T + {/Symbol r}G/{/Symbol \326}N" "v ⊥ u:  u amplified, u_{opt} suppressed"

# ---------------------------------------------------------------- b: singular values
call S "frame" 0.315 0.465 0.70 0.905 "b"
set label 10 sprintf("|c| = %g", abs(c)) at 0.07 * N, abs(c) left tc rgb c_conn font ",12"
call S "sv" D

# ---------------------------------------------------------------- c: eigenvalues
# c u v^T with v.u = 0 is nilpotent: the eigenvalues are those of the random
# part (disc of radius rho, dotted); no large negative eigenvalue.
# square: 0.205 of 1300 px = 0.148 of 1800 px
call S "frame" 0.515 0.663 0.70 0.905 "c"
call S "eig" D 1.2 rho

# ---------------------------------------------------------------- d: step responses
call S "frame" 0.715 0.99 0.70 0.905 "d"
rr = sumval(D, "response_ratio")
set label 20 sprintf("ratio %s %s", rr, paper(D, "response_ratio")) at graph 0.02, graph 0.06 left font ",12" front
call S "step" D "u_{opt}"

# ---------------------------------------------------------------- e: PC spectra
call S "frame" 0.055 0.33 0.38 0.60 "e"
pl = real(sumval(D, "pct_z_last"))
set label 30 sprintf("first PC: amplified,\n%s{/Symbol \260} from u", sumval(D, "angle_pc1_u_deg")) at first 0.1 * N, graph 0.9 left tc rgb c_resp font ",11" front
set label 31 "last PC u_N\n(suppressed)" at graph 0.72, graph 0.2 center tc rgb c_resp font ",11" front
set arrow 32 from graph 0.88, graph 0.15 to first N - 2, first pl * 1.3 head filled size 4,20 lc rgb c_resp lw 1.5 front
call S "pca" D

# ---------------------------------------------------------------- f: z.u vs z.u_rand
call S "frame" 0.405 0.567 0.38 0.60 "f"
vr = sumval(D, "var_ratio_u_over_rand")
set label 40 sprintf("var ratio %s\n%s", vr, paper(D, "var_ratio_u_over_rand")) at graph 0.03, graph 0.95 left font ",10" front boxed
call S "scatter" D 0 1 0 "z{/Symbol \267}u" "z{/Symbol \267}u_{rand}" c_resp "u is amplified"

# ---------------------------------------------------------------- g: z.u_N vs z.u_rand
call S "frame" 0.635 0.797 0.38 0.60 "g"
vn = sumval(D, "var_ratio_rand_over_uN")
ang = sumval(D, "angle_uN_u_deg")
set label 50 sprintf("var ratio %s\n%s", vn, paper(D, "var_ratio_rand_over_uN")) at graph 0.03, graph 0.95 left font ",10" front boxed
set label 51 sprintf("{/Symbol \320}(u_N, u) = %s{/Symbol \260}", ang) at graph 0.03, graph 0.06 left font ",10" front boxed
call S "scatter" D 2 1 0 "z{/Symbol \267}u_N" "z{/Symbol \267}u_{rand}" c_resp "u_N is suppressed"

# ---------------------------------------------------------------- numbers
call S "frame" 0.835 0.99 0.38 0.60 ""
call S "numbers" D "response_ratio var_ratio_u_over_rand var_ratio_rand_over_uN angle_uN_u_deg angle_response_uopt_v_deg" \
    "response ratio  (d);var(z{/Symbol \267}u)/var(z{/Symbol \267}u_{rand})  (f);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u_N)  (g);angle(u_N, u), degrees *;angle(response to u_{opt}, v)" \
    "this run vs the paper"

# ---------------------------------------------------------------- h: cancellation along u_N
call S "frame" 0.055 0.985 0.065 0.265 "h"
cr = sumval(D, "corr_xuN_WzuN")
set label 60 sprintf("corr(x{/Symbol \267}u_N, (Wz){/Symbol \267}u_N) = %s", cr) at graph 0.01, graph 0.07 left font ",12" front
pa = real(par(D, "paper_angle_uN_u_deg"))
set label 61 sprintf("* angle between lines: the paper's %g{/Symbol \260} between vectors is %g{/Symbol \260} between lines", pa, (pa > 90 ? 180 - pa : pa)) at screen 0.99, 0.012 right font ",11" tc rgb c_gray
call S "series" D 2 "u_N" "cancellation along u_N: the recurrent input opposes the input"

unset multiplot
}
