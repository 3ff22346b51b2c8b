# SPDX-License-Identifier: GPL-3.0-or-later
# fig5.gp -- Figure 5: spatial ring network.
# (a) W; (b) singular values of W and W0; (c) the two inputs; (d) ||z(t)||
# under each; (e) the final responses along the ring; (f) linear gain of each
# Fourier frequency and where the inputs' power lies.
# Data: results/fig5/*.tsv (written by notebooks-c/fig5.c); the parameters
# come from their "# parameters" header line, the numbers from summary.txt.
# Usage: gnuplot analyses/fig5.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/fig5.png'
if (!exists("outpdf")) outpdf = 'results/fig5.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = 'results/fig5/'

# Colour roles: input green, recurrent input magenta, response blue,
# connectivity red.  Smooth input: solid/dark; random input: light.
c_in = "#2ca02c"; c_in2 = "#98df8a"; c_rec = "#c0309f"
c_resp = "#1f5fbf"; c_resp2 = "#7fb2e5"; c_conn = "#d62728"

call "analyses/common/study.gp" "init"
c_in2 = "#98df8a"; c_resp2 = "#7fb2e5"
ns = sumval(D, "norm_smooth"); nr = sumval(D, "norm_random"); ratio = sumval(D, "response_ratio")
net(key) = parf(D.'svals.tsv', key)
N = int(net("N")); c = net("c"); sigma_w = net("sigma_w"); rho = net("rho"); fname = net("f")
c_x = net("ring_c_x"); T_run = net("T_run")
# a tic step giving 3 to 6 tics over a data range r (small stacked panels)
tstep(r) = (r / 10.0**floor(log10(r / 2)) > 6 ? 2 : 1) * 10.0**floor(log10(r / 2))


do for [out in outs] {
# each pass starts from the defaults (the previous pass left its settings)
reset
set palette defined (-1 "#2166ac", 0 "#ffffff", 1 "#b2182b")
if (out eq "png") {
    set terminal pngcairo size 1800,1000 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 31.75cm,17.64cm font "DejaVu Sans,13" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot title sprintf("Figure 5: spatial ring network (N = %d, c = %s, {/Symbol s}_w = %s, {/Symbol r} = %s, %s): disordered input is amplified relative to smooth input", N, c, sigma_w, rho, fname)
W = 1.0/3; H = 0.46

# ---- (a) W as an image
set origin 0, 0.5; set size W, H
set lmargin 8; set rmargin 9
set label 1 "a" at graph -0.22, 1.06 font ",20:Bold"
set title "connectivity W"
set xrange [-0.5:N - 0.5]; set yrange [N - 0.5:-0.5]
set xtics 50; set ytics 50
set xlabel "presynaptic unit j"; set ylabel "postsynaptic unit i" offset 0.5, 0
set size ratio -1
set cbrange [-0.3:0.3]; set cbtics 0.1
set colorbox user origin 0.26, 0.56 size 0.008, 0.33
unset key
plot D.'W.tsv' matrix u 1:2:3 w image notitle
unset colorbox; set size noratio

# ---- (b) singular values, log y
set origin W, 0.5; set size W, H
set lmargin 10; set rmargin 3
set label 1 "b" at graph -0.2, 1.06 font ",20:Bold"
set title "singular values"
set xrange [0:N + 1]; set yrange [1e-4:20]
set logscale y; set format y "10^{%L}"
set xtics autofreq; set ytics autofreq
set xlabel "index k"; set ylabel "{/Symbol s}_k" offset 1, 0
set key top right box opaque samplen 1.5 width 2
set grid lc rgb "#dddddd"
plot D.'svals.tsv' u 1:2 w p pt 7 ps 0.6 lc rgb c_conn t "W", \
     '' u 1:3 w p pt 6 ps 1 lc rgb "#8c1a1a" t "W_0"
unset logscale; unset format

# ---- (c) the two inputs along the ring
set origin 2*W, 0.5; set size W, H
set label 1 "c" at graph -0.2, 1.06 font ",20:Bold"
set title sprintf("inputs (unit norm, c_x = %s)", c_x)
set xrange [0:1]; set yrange [*:*]
set xlabel "position {/Symbol q}_i"; set ylabel "input x_i" offset 1, 0
set key top left box opaque samplen 1.5
plot D.'profiles.tsv' u 2:4 w l lw 1.2 lc rgb c_in2 t "random u_{rand}", \
     '' u 2:3 w l lw 3 lc rgb c_in t "smooth bump"

# ---- (d) ||z(t)||
set origin 0, 0.02; set size W, H
set lmargin 10; set rmargin 3
set label 1 "d" at graph -0.2, 1.06 font ",20:Bold"
set title sprintf("response norm: random / smooth = %s", ratio)
set xrange [0:100]; set yrange [0:*]
set xlabel "time t"; set ylabel "||z(t)||" offset 1, 0
set key center right box opaque samplen 1.5
plot D.'norm_random.tsv' u 1:2 w l lw 3 lc rgb c_resp2 t sprintf("random input: %s", nr), \
     D.'norm_smooth.tsv' u 1:2 w l lw 3 lc rgb c_resp t sprintf("smooth input: %s", ns)

# ---- (e) final responses along the ring, each on its own scale (the
# smooth response is several times smaller than the random one)
set origin W, 0.02 + H / 2; set size W, H / 2
set label 1 "e" at graph -0.2, 1.12 font ",20:Bold"
set title sprintf("responses z_i(T = %s), each on its own scale", T_run)
set xrange [0:1]; set yrange [*:*]
set format x ""; unset xlabel
set ylabel "z_i(T), smooth" offset 1, 0 tc rgb c_resp
unset key
set yrange [*:*]
stats D.'profiles.tsv' u 5 nooutput
set yrange [STATS_min - 0.2 * (STATS_max - STATS_min):STATS_max + 0.2 * (STATS_max - STATS_min)]
set ytics tstep(STATS_max - STATS_min)
set label 2 sprintf("smooth input: ||z|| = %s", ns) at graph 0.02, graph 0.85 left tc rgb c_resp font ",11"
plot D.'profiles.tsv' u 2:5 w l lw 3 lc rgb c_resp notitle
unset label 2
unset label 1; unset title
set origin W, 0.02; set size W, H / 2 + 0.01
set format x "%g"; set xlabel "position {/Symbol q}_i"
set ylabel "z_i(T), random" offset 1, 0 tc rgb "#3a7fc4"
set yrange [*:*]
stats D.'profiles.tsv' u 6 nooutput
set ytics tstep(STATS_max - STATS_min)
plot D.'profiles.tsv' u 2:6 w l lw 1.2 lc rgb c_resp2 notitle
set ylabel tc rgb "#000000"; set ytics autofreq

# ---- (f) gain per Fourier frequency vs input power
set origin 2*W, 0.02; set size W, H
set lmargin 10; set rmargin 9
set label 1 "f" at graph -0.2, 1.06 font ",20:Bold"
set title "why: gain 1/|1 - {/Symbol l}_k(W_0)| per frequency"
set xrange [-0.5:40]; set yrange [0:1.1]
set xlabel "spatial frequency k (cycles around the ring)"
set ylabel "linear gain" offset 1, 0 tc rgb c_conn
set y2label "fraction of input power" offset -1, 0 tc rgb c_in
set logscale y2; set y2range [1e-4:1]; set y2tics tc rgb c_in; set format y2 "10^{%L}"
set ytics nomirror tc rgb c_conn
set key bottom right box opaque samplen 1.5
plot D.'fourier.tsv' u 1:4 axes x1y2 w impulses lw 6 lc rgb c_in t "smooth input power", \
     '' u ($1 + 0.35):5 axes x1y2 w impulses lw 3 lc rgb c_in2 t "random input power", \
     '' u 1:3 w lp pt 7 ps 0.7 lw 2.5 lc rgb c_conn t "gain"
unset logscale y2; unset y2tics; unset y2label; unset format y2
set ytics mirror tc rgb "#000000"
unset label 1
unset multiplot
}
