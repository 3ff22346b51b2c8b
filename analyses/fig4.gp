# SPDX-License-Identifier: GPL-3.0-or-later
# fig4.gp -- Figure 4: modular E/I network.
# (a) W; (b) singular values of W and W0; (c) eigenvalues of diag(1/tau)(W - I)
# with the mean-field eigenvalues; (d) overlap P of the top-2 part of W0;
# (e) u, v; (f) step responses; (g) shared-input run: population rates vs the
# mean-field fixed point; (h) E/I balance as the authors draw it: all-unit
# means of the positive and negative parts of the total input W f(z) + x;
# (i) our synaptic view: sums of the positive and negative input terms.
# Data: results/fig4/*.tsv (written by notebooks-c/fig4.c); every parameter
# comes from their "# parameters" header line, every number from summary.txt.
# Usage: gnuplot analyses/fig4.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/fig4.png'
if (!exists("outpdf")) outpdf = 'results/fig4.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = 'results/fig4/'
call "analyses/common/study.gp" "init"
c_dark = "#0b2e66"; c_resp2 = "#7fb2e5"; c_exc = "#d62728"; c_inh = "#1f5fbf"

net(key) = parf(D.'step.tsv', key)
N = int(net("N")); Ne = int(net("Ne")); Ni = int(net("Ni"))
tau_e = net("tau_e"); tau_i = net("tau_i"); fname = net("f")
cx = net("step_c_x")
on_u = real(net("on_u")); off_u = real(net("off_u"))
on_r = real(net("on_r")); off_r = real(net("off_r"))
x_mean = net("x_mean"); x_fluct = net("x_fluct")
mf_rates = sumval(D, "mf_fixed_point_rates")
mfE = real(word(mf_rates, 1)); mfI = real(word(mf_rates, 2))
ratio = sumval(D, "response_ratio")
Psv = sumval(D, "P_svals")
paper_eig = sumval(D, "paper_mf_jacobian_eig")
ei_exc = sumval(D, "ei_mean_exc_input"); ei_inh = sumval(D, "ei_mean_inh_input")
ei_tot = sumval(D, "ei_mean_total_input"); t_stat = net("t_stat")
Wmax = real(hline(D.'W.tsv', "absmax"))
# data ranges for the panels whose content the parameters move (one pass
# over a file per pair of columns)
stats D.'eig.tsv' u 2:3 nooutput
eig_re_lo = STATS_min_x
eig_im_hi = STATS_max_y
stats D.'shared.tsv' u 5:6 nooutput
g_lo = (STATS_min_y < STATS_min_x ? STATS_min_y : STATS_min_x)
g_hi = (STATS_max_y > STATS_max_x ? STATS_max_y : STATS_max_x)
# the balance panels start at t = 5, past the initial transient (as the authors');
# the range [t_plot0:*] keeps the rows t >= t_plot0 (plain columns: a
# using-expression costs gnuplot about ten times as much per row)
t_plot0 = 5
stats [t_plot0:*] D.'shared.tsv' u 1:13 nooutput
h_hi = STATS_max_y
stats [t_plot0:*] D.'shared.tsv' u 1:14 nooutput
h_lo = STATS_min_y
stats [t_plot0:*] D.'shared.tsv' u 1:7 nooutput
i_hi = STATS_max_y
stats [t_plot0:*] D.'shared.tsv' u 1:8 nooutput
i_lo = STATS_min_y

# Panel box in screen coordinates on a 3 x 3 grid (col, row from the top) and
# its letter, left of the y axis label and above the plot.
px(c) = 0.065 + c * 0.333
py(r) = 0.89 - r * 0.318
frame(c, r, letter) = sprintf("set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen %g; set bmargin at screen %g; set label 1 '%s' at screen %g, %g font ',22:Bold' front", \
    px(c), px(c) + 0.235, py(r), py(r) - 0.2, letter, px(c) - 0.055, py(r) + 0.035)


do for [out in outs] {
# each pass starts from the defaults (the previous pass left its settings)
reset
set palette defined (-1 "#2166ac", 0 "#ffffff", 1 "#b2182b")
if (out eq "png") {
    set terminal pngcairo size 1800,1350 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 31.75cm,23.81cm font "DejaVu Sans,13" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot title sprintf("Figure 4: modular E/I network (N_E = %d, N_I = %d, {/Symbol t}_E = %s, {/Symbol t}_I = %s, %s): EP-like low-rank part, suppression and balance", Ne, Ni, tau_e, tau_i, fname)

# ---- (a) W as an image (row = postsynaptic unit)
eval frame(0, 0, "a")
set title "connectivity W"
set xrange [-0.5:N - 0.5]; set yrange [N - 0.5:-0.5]
set xtics ("E" Ne / 2.0, "I" Ne + Ni / 2.0) scale 0
set ytics ("E" Ne / 2.0, "I" Ne + Ni / 2.0) scale 0
set xlabel "presynaptic unit j" offset 0, 0.5; set ylabel "postsynaptic unit i" offset -0.5, 0
set size ratio -1
set cbrange [-Wmax:Wmax]; set cbtics 0.1
set colorbox user origin px(0) + 0.19, py(0) - 0.19 size 0.008, 0.18
plot D.'W.tsv' matrix u 1:2:3 w image notitle
unset colorbox; set size noratio
set xtics autofreq scale 1; set ytics autofreq scale 1

# ---- (b) singular values, log y
eval frame(1, 0, "b")
set title "singular values"
set xrange [0:N + 1]; set yrange [*:*]
set logscale y; set format y "10^{%L}"
set xlabel "index k"; set ylabel "{/Symbol s}_k" offset 1, 0
set key top right box opaque samplen 1.5
set grid lc rgb "#dddddd"
plot D.'svals.tsv' u 1:2 w p pt 7 ps 0.6 lc rgb c_conn t "W", \
     '' u 1:($3 > 1e-8 ? $3 : 1/0) w p pt 6 ps 1.2 lw 1.5 lc rgb "#8c1a1a" t "W_0 (rank 2)"
unset logscale; unset format

# ---- (c) eigenvalues of the linearised network, mean-field pair
eval frame(2, 0, "c")
set title sprintf("eigenvalues of diag(1/{/Symbol t})(W - I)\nauthors' mean field: %s", paper_eig)
set xrange [floor(eig_re_lo * 1.2):0.5]; set yrange [-eig_im_hi * 1.35:eig_im_hi * 1.35]
set xlabel "Re {/Symbol l}"; set ylabel "Im {/Symbol l}" offset 1, 0
set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb "#888888"
set key top right box opaque samplen 1 font ",11"
plot D.'eig.tsv' u 2:3 w p pt 7 ps 0.5 lc rgb c_conn t "network", \
     D.'meanfield.tsv' u ((strcol(1) eq "fixed_point") ? $2 : 1/0):3 w p pt 2 ps 2.5 lw 2.5 lc rgb "#000000" t "mean field at z*", \
     '' u ((strcol(1) eq "origin") ? $2 : 1/0):3 w p pt 6 ps 2.5 lw 2 lc rgb "#ff7f0e" t "mean field at z = 0"
unset arrow 1

# ---- (d) P of the top-2 part of W0
eval frame(0, 1, "d")
set title sprintf("P = U^T V of W_0 (top 2)\nsingular values %s", Psv)
set xrange [0.5:2.5]; set yrange [2.5:0.5]
set cbrange [-1:1]; set cbtics 0.5
set xtics ("1" 1, "2" 2) scale 0; set ytics ("1" 1, "2" 2) scale 0
set xlabel "column"; set ylabel "row" offset 1, 0
set size ratio -1
unset grid; unset key
set colorbox user origin px(0) + 0.19, py(1) - 0.19 size 0.008, 0.18
plot D.'P.tsv' u 2:1:3 w image notitle, '' u 2:1:(sprintf("%.2f", $3)) w labels font ",13" notitle
unset colorbox; set size noratio
set xtics autofreq scale 1; set ytics autofreq scale 1; set cbtics autofreq

# ---- (e) u and v
eval frame(1, 1, "e")
set title "top singular vectors of W_0"
set xrange [0:N + 1]; set yrange [*:*]
set xlabel sprintf("unit i (E: 1-%d, I: %d-%d)", Ne, Ne + 1, N); set ylabel "component" offset 1, 0
set key bottom left box opaque
set grid lc rgb "#dddddd"
plot D.'uv.tsv' u 1:2 w l lw 3 lc rgb c_conn t "u (left)", \
     '' u 1:3 w l lw 3 dt 2 lc rgb "#8c1a1a" t "v (right)"

# ---- (f) step responses
eval frame(2, 1, "f")
set title sprintf("step responses (ratio random/aligned = %s)", ratio)
set xrange [0:*]; set yrange [*:*]
set xlabel "time t"; set ylabel "z_i(t), ||z(t)||" offset 1, 0
set object 1 rect from on_u, graph 0 to off_u, graph 1 fc rgb c_in fs solid 0.15 noborder behind
set object 2 rect from on_r, graph 0 to off_r, graph 1 fc rgb c_in fs solid 0.15 noborder behind
set label 2 sprintf("%s u", cx) at (on_u + off_u) / 2, graph 0.93 center tc rgb "#1a6e1a"
set label 3 sprintf("%s u_{rand}", cx) at (on_r + off_r) / 2, graph 0.93 center tc rgb "#1a6e1a"
set key at graph 0.98, graph 0.6 right box opaque samplen 1.5
# every 4th unit (blocks 0, 4, 8, .. of step_units.tsv): E units, then I units
i_first = 4 * ceil(Ne / 4.0)
plot D.'step_units.tsv' u 1:2 every :4::0::(Ne - 1) w l lw 0.6 lc rgb c_resp2 notitle, \
     D.'step_units.tsv' u 1:2 every :4::i_first w l lw 0.6 lc rgb "#9ecae1" notitle, \
     D.'step.tsv' u 1:2 w l lw 3 lc rgb c_dark t "||z||", \
     NaN w l lw 1 lc rgb c_resp2 t "z_i"
unset object 1; unset object 2; unset label 2; unset label 3

# ---- (g) shared-input run: population means vs mean field
eval frame(0, 2, "g")
set title sprintf("shared input x(t) = %s + %s {/Symbol x}(t): rates", x_mean, x_fluct)
set xrange [*:*]; set yrange [*:*]
set xlabel "time t"; set ylabel sprintf("population mean of %s(z)", fname) offset 1, 0
set y2label "shared input x(t)" offset -1, 0 tc rgb c_in
set y2tics tc rgb c_in; set ytics nomirror
set key inside top left box opaque samplen 1.5 font ",11"
set yrange [g_lo - 0.5 * (g_hi - g_lo):g_hi + 0.8 * (g_hi - g_lo)]
plot D.'shared.tsv' u 1:5 w l lw 2 lc rgb c_resp t "E", \
     '' u 1:6 w l lw 2 lc rgb c_dark t "I", \
     mfE w l lw 1.5 dt 2 lc rgb "#000000" t "mean-field fixed point", \
     mfI w l lw 1.5 dt 2 lc rgb "#000000" notitle, \
     '' u 1:2 axes x1y2 w l lw 1 lc rgb c_in t "x(t)"
unset y2tics; unset y2label; set ytics mirror

# ---- (h) E/I balance as the authors draw it
eval frame(1, 2, "h")
set title sprintf("E/I balance: total input W %s(z) + x\nmeans over t {/Symbol \263} %s: exc. %s, inh. %s, total %s", fname, t_stat, ei_exc, ei_inh, ei_tot)
set xrange [t_plot0:*]; set yrange [h_lo * 1.15:h_hi * 1.7]
set xlabel "time t"; set ylabel "mean input (all units)" offset 1, 0
set key inside top right box opaque samplen 1.5 font ",11" maxrows 3
plot D.'shared.tsv' u 1:13 w l lw 2 lc rgb c_exc t "exc. (positive part)", \
     '' u 1:14 w l lw 2 lc rgb c_inh t "inh. (negative part)", \
     '' u 1:15 w l lw 2 lc rgb "#666666" t "total"

# ---- (i) our synaptic view
eval frame(2, 2, "i")
set title "extra view (ours, not the authors'):\nsums of the positive and negative input terms, E units"
set xrange [t_plot0:*]; set yrange [*:*]
set xlabel "time t"; set ylabel "mean input to an E unit" offset 1, 0
set key inside top left box opaque samplen 1.5 font ",11" maxrows 3
set yrange [i_lo * 1.4:i_hi * 1.9]
plot D.'shared.tsv' u 1:7 w l lw 2 lc rgb c_exc t sprintf("sum of W_{ij} %s(z_j) > 0", fname), \
     '' u 1:8 w l lw 2 lc rgb c_inh t sprintf("sum of W_{ij} %s(z_j) < 0", fname), \
     '' u 1:9 w l lw 2 lc rgb "#000000" t sprintf("total W %s(z) + x", fname)
unset label 1
unset multiplot
}
