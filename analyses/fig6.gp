# SPDX-License-Identifier: GPL-3.0-or-later
# fig6.gp -- Figure 6: SIS epidemic dynamics on a contact network.
# Data: results/fig6/*.tsv (written by notebooks-c/fig6.c).
# Usage: gnuplot analyses/fig6.gp   (or -e "outpng='..'; outpdf='..'")
#
# Panels: a adjacency matrix; b singular values of J (and W); c eigenvalues of
# J; d relaxation to x* with the exponential fit; e step responses; f scaled
# PC spectra of x - x* and of p.

if (!exists("outpng")) outpng = 'results/fig6.png'
if (!exists("outpdf")) outpdf = 'results/fig6.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
if (!exists("D")) D = 'results/fig6/'

# analyses/common/study.gp's readers (msys, kv, parline, sumval: each file is
# read once); its colours are replaced by this figure's below.
call "analyses/common/study.gp" "init"

# Colour roles: input green, response blue, connectivity red, recurrent
# input magenta.
c_in = "#2ca02c"; c_resp = "#1f5fbf"; c_conn = "#d62728"; c_rec = "#c71585"
c_resp_light = "#a9c4eb"; c_conn_light = "#f4a6a6"

# Parameters from the "# param: key value ..." lines of the TSV headers.
prm(f, k) = parline(D.f, k)
N       = int(prm("svals.tsv", "N"))
gam     = real(prm("svals.tsv", "gamma"))
synthetic = int(prm("adjacency.tsv", "synthetic"))
maxre   = real(prm("eig_J.tsv", "max_re"))
tau     = real(prm("relax.tsv", "tau_linear"))
tautail = real(prm("relax.tsv", "tau_tail"))
amp  = real(prm("step_trace.tsv", "amp"));  stepT = real(prm("step_trace.tsv", "T"))
on1  = real(prm("step_trace.tsv", "on1"));  off1 = real(prm("step_trace.tsv", "off1"))
on2  = real(prm("step_trace.tsv", "on2"));  off2 = real(prm("step_trace.tsv", "off2"))
sigp = real(prm("pcs.tsv", "sigma"))
# Results from the summary block.
sum = D.'summary.txt'
getv(k) = sumval(D, k)
ratio   = real(getv("response_ratio"))
ratio_o = real(getv("response_ratio_other_sign"))
vw      = real(getv("v_top_node_weight"))
udeg    = real(getv("u_top_node_degree"))
net = synthetic ? "a SYNTHETIC school network (--synthetic)" : "the high-school contact network"

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 1800,1050 font "DejaVu Sans,14" enhanced
    set output outpng
    fs = 1.0
} else {
    # fonts, lines and points scaled to keep the PNG's proportions
    set terminal pdfcairo size 18cm,10.5cm font "DejaVu Sans,6" enhanced linewidth 0.35 pointscale 0.25
    fs = 6.0 / 14
    set output outpdf
}
set multiplot layout 2,3 title sprintf("Figure 6: SIS epidemic on %s (N = %d, {/Symbol g} = %g)", net, N, gam)
set grid lc rgb "#dddddd"
set key inside top right opaque samplen 2

# ---- a: the contact network
set label 1 "a" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title "contacts A_{ij} (students grouped by class)"
set palette defined (0 "white", 1 c_conn)
unset colorbox
set cbrange [0:1]
set xrange [-0.5:N-0.5]
set yrange [N-0.5:-0.5]
set xlabel "student j"
set ylabel "student i"
set size ratio -1
unset grid
plot D.'adjacency.tsv' matrix with image notitle
set size noratio
set grid
set xrange [*:*]
set yrange [*:*]
unset label 1

# ---- b: singular values of J and W
set label 1 "b" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title "singular values"
set xrange [0:N+1]
set yrange [*:*]
set logscale y
set xlabel "index k"
set ylabel "{/Symbol s}_k"
set format y "%g"
set key inside bottom left
plot D.'svals.tsv' u 1:2 w p pt 7 ps 0.6 lc rgb c_conn t "Jacobian J at x*", \
     D.'svals.tsv' u 1:3 w p pt 6 ps 0.6 lc rgb c_conn_light t "W = A / {/Symbol s}_{max}(A)"
unset logscale y
set key inside top right opaque
unset label 1

# ---- c: eigenvalues of J
set label 1 "c" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("eigenvalues of J (max Re = %.2f: stable)", maxre)
set xrange [*:0.5]
set yrange [-1:1]
set xlabel "Re {/Symbol l}"
set ylabel "Im {/Symbol l}"
set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb "black"
set label 2 "all real: J is similar to a symmetric matrix" at graph 0.03, 0.1 font sprintf(",%g", 11 * fs)
plot D.'eig_J.tsv' u 1:2 w p pt 7 ps 0.8 lc rgb c_conn notitle
unset arrow 1
unset label 2
unset label 1

# ---- d: relaxation to the fixed point
set label 1 "d" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("relaxation: ||x(t) - x*||, {/Symbol t} = %.2f", tau)
set yrange [1e-10:20]
set logscale y
set format y "10^{%L}"
set xrange [0:22]
set yrange [1e-10:20]
set xlabel "t"
set ylabel "||x(t) - x*||"
plot D.'relax.tsv' u 1:2 w l lw 3 lc rgb c_resp t "simulation (adaptive RK)", \
     D.'relax.tsv' u 1:3 w l lw 2 dt 2 lc rgb "black" t sprintf("fit a e^{-t/{/Symbol t}}, {/Symbol t} = %.2f", tau), \
     D.'relax.tsv' u 1:4 w l lw 1.5 dt 3 lc rgb "gray40" t sprintf("tail fit, {/Symbol t} = %.2f", tautail)
unset logscale y
set format y "%g"
unset label 1

# ---- e: step responses
set label 1 "e" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("step responses: ratio random / v = %.2f\n(v with a positive sum; with -v: %.2f)", ratio, ratio_o)
set xrange [0:stepT]
set yrange [*:*]
set offsets 0, 0, graph 0.15, 0
set xlabel "t"
set ylabel "x_i(t) - x_i*"
set object 1 rect from on1, graph 0 to off1, graph 1 fc rgb c_in fs transparent solid 0.12 noborder behind
set object 2 rect from on2, graph 0 to off2, graph 1 fc rgb c_in fs transparent solid 0.12 noborder behind
set label 3 sprintf("p = %g v", amp) at (on1 + off1) / 2, graph 0.95 center tc rgb "#1a701a"
set label 4 sprintf("p = %g u_{rand}", amp) at (on2 + off2) / 2, graph 0.95 center tc rgb "#1a701a"
set label 5 sprintf("v: %.1f%% on one\nstudent (degree %g),\nits infection raised", 100 * vw, udeg) at (on1 + off1) / 2, graph 0.76 center font sprintf(",%g", 11 * fs)
set key at graph 0.98, graph 0.06 right bottom noopaque
plot D.'step_units.tsv' u 1:2 w l lw 0.5 lc rgb c_resp_light notitle, \
     D.'step_trace.tsv' u 1:2 w l lw 3 lc rgb c_resp t "||x - x*||"
unset object 1
unset object 2
unset label 3
unset label 4
unset label 5
set offsets 0, 0, 0, 0
set key inside top right opaque
unset label 1

# ---- f: scaled PC spectra
set label 1 "f" at graph -0.14, 1.06 font sprintf(",%g:Bold", 20 * fs)
set title sprintf("scaled PCA under smooth noise p = %g {/Symbol x}(t)", sigp)
set yrange [*:*]
set logscale y
set format y "10^{%L}"
set xrange [0:N+1]
set yrange [*:*]
set xlabel "PC index k"
set ylabel "% variance explained"
plot D.'pcs.tsv' u 1:3 w l lw 5 lc rgb c_in t "input p", \
     D.'pcs.tsv' u 1:2 w l lw 2 lc rgb c_resp t "response x - x*"
unset logscale y
set format y "%g"
unset label 1

unset multiplot
set output
}
