# SPDX-License-Identifier: GPL-3.0-or-later
# figS-epidemiological.gp -- supplementary figure "Epidemiological": the Figure 6
# SIS analysis in more panels.
# Data: results/figS-epidemiological/*.tsv (notebooks-c/figS-epidemiological.c).
# Usage: gnuplot analyses/figS-epidemiological.gp   (or -e "outpng='..'; outpdf='..'")
#
# Panels: a overlap matrix P of J; b, c projections of x - x* on u and on v
# against a random direction; d cancellation along u (q.u, R.u, dx.u);
# e PC spectra, scaled and raw; f endemic state x* against contacts;
# g singular values of gamma W (linear axes); h step responses under both
# joint signs of (u, v).

if (!exists("outpng")) outpng = 'results/figS-epidemiological.png'
if (!exists("outpdf")) outpdf = 'results/figS-epidemiological.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
if (!exists("D")) D = 'results/figS-epidemiological/'

# analyses/common/study.gp's readers (msys, kv, parline, sumval: each file is
# read once); its colours are replaced by this figure's below.
call "analyses/common/study.gp" "init"

# Colour roles: input green, response blue, connectivity red, recurrent
# input magenta.
c_in = "#2ca02c"; c_resp = "#1f5fbf"; c_conn = "#d62728"; c_rec = "#c71585"
c_resp_light = "#9fb8d9"; c_in_light = "#98d698"

# Parameters from the "# param: key value ..." lines of the TSV headers.
prm(f, k) = parline(D.f, k)
N      = int(prm("svals.tsv", "N"))
gam    = real(prm("svals.tsv", "gamma"))
synthetic = int(prm("adjacency.tsv", "synthetic"))
tdisc  = real(prm("proj_trace.tsv", "t_discard"))
traceT = real(prm("proj_trace.tsv", "trace_T"))
amp    = real(prm("step_trace.tsv", "amp"));  stepT = real(prm("step_trace.tsv", "T"))
on1    = real(prm("step_trace.tsv", "on1"));  off1 = real(prm("step_trace.tsv", "off1"))
on2    = real(prm("step_trace.tsv", "on2"));  off2 = real(prm("step_trace.tsv", "off2"))
r      = int(hline(D."P.tsv", "r"))
# Results from the summary block.
sum = D.'summary.txt'
getv(k) = sumval(D, k)
psv    = getv("P_svals")
vru    = real(getv("var_ratio_rand_over_u"))
vrv    = real(getv("var_ratio_rand_over_v"))
cqu    = real(getv("corr_qu_Ru"))
cqr    = real(getv("corr_qrand_Rrand"))
uw     = real(getv("u_top_node_weight"))
prx    = real(getv("participation_ratio_x_scaled"))
prp    = real(getv("participation_ratio_p_scaled"))
ratio  = real(getv("response_ratio"))
ratio_o = real(getv("response_ratio_other_sign"))
net = synthetic ? "a SYNTHETIC school network (--synthetic)" : "the high-school contact network"
psmin = 1e9; psmax = -1e9
do for [w in psv] { psmin = (real(w) < psmin ? real(w) : psmin); psmax = (real(w) > psmax ? real(w) : psmax) }

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 2300,1050 font "DejaVu Sans,14" enhanced
    set output outpng
    fs = 1.0
} else {
    # fonts, lines and points scaled to keep the PNG's proportions
    set terminal pdfcairo size 23cm,10.5cm font "DejaVu Sans,6" enhanced linewidth 0.35 pointscale 0.25
    set output outpdf
    fs = 6.0 / 14
}
set multiplot layout 2,4 title sprintf("Supplementary (Epidemiological): the Figure 6 analysis on %s (N = %d, {/Symbol g} = %g)", net, N, gam)
set grid lc rgb "#dddddd"
set key inside top right opaque samplen 2

# ---- a: overlap matrix P of the Jacobian
set label 1 "a" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("overlap P = U_r^T V_r of J, r = %d\nsingular values %.4f .. %.4f", r, psmin, psmax)
set palette defined (-1 "#2166ac", 0 "white", 1 c_conn)
set cbrange [-1:1]
set colorbox
set xrange [0.5:r+0.5]
set yrange [r+0.5:0.5]
set xtics 1
set ytics 1
set xlabel "column (right singular vector v_j)"
set ylabel "row (left singular vector u_i)"
set size ratio -1
unset grid
plot D.'P.tsv' u 2:1:3 with image notitle
set size noratio
unset colorbox
set grid
set xtics autofreq
set ytics autofreq
set xrange [*:*]
set yrange [*:*]
unset label 1

# ---- b: projections on u vs a random direction
set label 1 "b" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("projections on u: var(dx.u_{rand}) / var(dx.u) = %.1f", vru)
set xrange [0:traceT]
set xlabel "t"
set ylabel "projection of x - x*"
set arrow 1 from tdisc, graph 0 to tdisc, graph 1 nohead dt 3 lc rgb "gray50"
plot D.'proj_trace.tsv' u 1:4 w l lw 1.5 lc rgb c_resp_light t "dx . u_{rand}", \
     D.'proj_trace.tsv' u 1:2 w l lw 2.5 lc rgb c_resp t "dx . u"
unset label 1

# ---- c: projections on v vs a random direction
set label 1 "c" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("projections on v: var(dx.u_{rand}) / var(dx.v) = %.1f", vrv)
plot D.'proj_trace.tsv' u 1:4 w l lw 1.5 lc rgb c_resp_light t "dx . u_{rand}", \
     D.'proj_trace.tsv' u 1:3 w l lw 2.5 lc rgb c_resp t "dx . v"
unset arrow 1
unset label 1

# ---- d: cancellation along u
set label 1 "d" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("cancellation along u: corr(q.u, R.u) = %.4f", cqu)
set xrange [0:200]
set ylabel "projection on u"
set key inside top right noopaque
set offsets 0, 0, graph 0.3, 0
plot D.'proj_trace.tsv' u 1:5 w l lw 2.5 lc rgb c_in t "effective input q . u", \
     D.'proj_trace.tsv' u 1:8 w l lw 2.5 lc rgb c_rec t "recurrent input R . u", \
     D.'proj_trace.tsv' u 1:2 w l lw 2.5 lc rgb c_resp t "response dx . u"
set offsets 0, 0, 0, 0
set key inside top right opaque
unset label 1

# ---- e: PC spectra, scaled and raw
set label 1 "e" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("PC spectra (participation ratio, scaled: dx %.0f, p %.0f)", prx, prp)
set xrange [0:N+1]
set yrange [*:*]
set logscale y
set format y "10^{%L}"
set xlabel "PC index k"
set ylabel "% variance explained"
plot D.'pcs.tsv' u 1:3 w l lw 4 lc rgb c_in t "p, scaled", \
     D.'pcs.tsv' u 1:5 w l lw 2 dt 2 lc rgb c_in_light t "p, raw", \
     D.'pcs.tsv' u 1:2 w l lw 2 lc rgb c_resp t "x - x*, scaled", \
     D.'pcs.tsv' u 1:4 w l lw 2 dt 2 lc rgb c_resp_light t "x - x*, raw"
unset logscale y
set format y "%g"
unset label 1

# ---- f: endemic state against contacts
set label 1 "f" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("endemic state x* vs contacts (u: %.1f%% on one student)", 100 * uw)
set xrange [*:*]
set yrange [0:1]
set xlabel "contacts of student i (degree)"
set ylabel "x_i*"
set key inside bottom right opaque
plot D.'groups.tsv' u 4:5 w p pt 7 ps 0.7 lc rgb c_resp t "students", \
     D.'groups.tsv' u 4:($6**2 > 0.5 ? $5 : 1/0) w p pt 6 ps 3 lw 2 lc rgb c_conn t "top of u (and v)"
unset label 1

# ---- g: singular values of gamma W, linear axes
set label 1 "g" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("singular values of {/Symbol g} W ({/Symbol g} = %g), linear axes", gam)
set xrange [0:N+1]
set yrange [0:1.15 * gam]
set xlabel "index k"
set ylabel "{/Symbol g} {/Symbol s}_k(W)"
set key inside top right opaque
plot D.'svals.tsv' u 1:(gam * $3) w p pt 7 ps 0.6 lc rgb c_conn t "{/Symbol g} W = {/Symbol g} A / {/Symbol s}_{max}(A)", \
     1 w l dt 2 lc rgb "gray40" t "{/Symbol g} {/Symbol s}_k = 1"
unset label 1

# ---- h: step responses under both joint signs of (u, v)
set label 1 "h" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("steps, both signs of v: ratio %.2f (sum v > 0), %.2f (-v)", ratio, ratio_o)
set xrange [0:stepT]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set xlabel "t"
set ylabel "||x(t) - x*||"
set object 1 rect from on1, graph 0 to off1, graph 1 fc rgb c_in fs transparent solid 0.12 noborder behind
set object 2 rect from on2, graph 0 to off2, graph 1 fc rgb c_in fs transparent solid 0.12 noborder behind
set label 3 sprintf("p = {/Symbol \261}%g v", amp) at (on1 + off1) / 2, graph 0.95 center tc rgb "#1a701a"
set label 4 sprintf("p = %g u_{rand}", amp) at (on2 + off2) / 2, graph 0.95 center tc rgb "#1a701a"
set key at graph 0.98, graph 0.7 right top opaque
plot D.'step_trace_other_sign.tsv' u 1:2 w l lw 2 dt 2 lc rgb c_resp_light t "-v (negative sum)", \
     D.'step_trace.tsv' u 1:2 w l lw 2.5 lc rgb c_resp t "v (positive sum)"
unset object 1
unset object 2
unset label 3
unset label 4
set offsets 0, 0, 0, 0
unset label 1

unset multiplot
set output
}
