# fig4.gp -- Figure 4: modular E/I network.
# (a) W; (b) singular values of W and W0; (c) eigenvalues of diag(1/tau)(W - I)
# with the mean-field eigenvalues; (d) overlap P of the top-2 part of W0;
# (e) u, v; (f) step responses; (g) shared-input run: population means vs the
# mean-field fixed point; (h) E/I balance of the total input.
# Data: results/fig4/*.tsv (written by notebooks-c/fig4.c).
# Usage: gnuplot analyses/fig4.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/fig4.png'
if (!exists("outpdf")) outpdf = 'results/fig4.pdf'
D = 'results/fig4/'

# Colour roles: input green, recurrent input magenta, response blue,
# connectivity red.
c_in = "#2ca02c"; c_rec = "#c0309f"; c_resp = "#1f5fbf"; c_conn = "#d62728"
c_resp2 = "#7fb2e5"; c_dark = "#0b2e66"; c_exc = "#e377c2"; c_inh = "#6a1b6f"

S = D.'summary.txt'
getv(key) = system(sprintf("awk -F' = ' '$1==\"%s\"{print $2}' %s", key, S))
mfz = getv("mf_fixed_point_z")
mfr = getv("mf_fixed_point_rates")
mfE = real(word(mfr, 1)); mfI = real(word(mfr, 2))
ratio = getv("response_ratio")
Psv = getv("P_svals")

set palette defined (-1 "#2166ac", 0 "#ffffff", 1 "#b2182b")

do for [out in "png pdf"] {
if (out eq "png") {
    set terminal pngcairo size 1800,950 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 18cm,9.5cm font "DejaVu Sans,6.5" enhanced
    set output outpdf
}
set multiplot title "Figure 4: modular E/I network (N_E = 150, N_I = 50, {/Symbol t}_E = 2, {/Symbol t}_I = 1, tanh): EP-like low-rank part, suppression and balance"
W = 0.25; H = 0.46

# ---- (a) W as an image (row = postsynaptic unit)
set origin 0, 0.5; set size W, H
set lmargin 7; set rmargin 7
set label 1 "a" at graph -0.2, 1.06 font ",20:Bold"
set title "connectivity W"
set xrange [-0.5:199.5]; set yrange [199.5:-0.5]
set xtics ("E" 75, "I" 175) scale 0
set ytics ("E" 75, "I" 175) scale 0
set xlabel "presynaptic unit j"; set ylabel "postsynaptic unit i" offset -1, 0
set size ratio -1
set cbrange [-0.2:0.2]; set cbtics 0.1
set colorbox user origin 0.205, 0.56 size 0.008, 0.33
plot D.'W.tsv' matrix u 1:2:3 w image notitle
unset colorbox; set size noratio
unset label 1; set xtics autofreq scale 1; set ytics autofreq scale 1

# ---- (b) singular values, log y
set origin W, 0.5; set size W, H
set lmargin 9; set rmargin 2
set label 1 "b" at graph -0.2, 1.06 font ",20:Bold"
set title "singular values"
set xrange [0:201]; set yrange [*:*]
set logscale y; set format y "10^{%L}"
set xlabel "index k"; set ylabel "{/Symbol s}_k" offset 1, 0
set key top right box opaque samplen 1.5
set grid lc rgb "#dddddd"
plot D.'svals.tsv' u 1:2 w p pt 7 ps 0.6 lc rgb c_conn t "W", \
     '' u 1:($3 > 1e-8 ? $3 : 1/0) w p pt 6 ps 1.2 lw 1.5 lc rgb "#8c1a1a" t "W_0 (rank 2)"
unset logscale; unset format

# ---- (c) eigenvalues of the linearised network, mean-field pair
set origin 2*W, 0.5; set size W, H
set label 1 "c" at graph -0.2, 1.06 font ",20:Bold"
set title "eigenvalues of diag(1/{/Symbol t})(W - I)"
set xrange [-2:0.5]; set yrange [-7:7]
set xlabel "Re {/Symbol l}"; set ylabel "Im {/Symbol l}" offset 1, 0
set arrow 1 from 0, -7 to 0, 7 nohead dt 2 lc rgb "#888888"
set key bottom right box opaque samplen 1 font ",11"
plot D.'eig.tsv' u 2:3 w p pt 7 ps 0.5 lc rgb c_conn t "network", \
     D.'meanfield.tsv' u ((strcol(1) eq "fixed_point") ? $2 : 1/0):3 w p pt 2 ps 2.5 lw 2.5 lc rgb "#000000" t "mean field at z*", \
     '' u ((strcol(1) eq "origin") ? $2 : 1/0):3 w p pt 6 ps 2.5 lw 2 lc rgb "#ff7f0e" t "mean field at z = 0"
unset arrow 1

# ---- (d) P of the top-2 part of W0
set origin 3*W + 0.03, 0.5; set size W - 0.05, H
set lmargin 5; set rmargin 9
set label 1 "d" at graph -0.3, 1.06 font ",20:Bold"
set title sprintf("P = U^T V of W_0 (top 2)\nsingular values %s", Psv)
set xrange [0.5:2.5]; set yrange [2.5:0.5]
set cbrange [-1:1]; set cbtics 0.5
set xtics ("1" 1, "2" 2) scale 0; set ytics ("1" 1, "2" 2) scale 0
set xlabel "column"; set ylabel "row" offset 1, 0
set size ratio -1
unset grid
unset key
set colorbox user origin 0.955, 0.58 size 0.008, 0.3
plot D.'P.tsv' u 2:1:3 w image notitle, '' u 2:1:(sprintf("%.2f", $3)) w labels font ",13" notitle
unset colorbox; set size noratio
set xtics autofreq scale 1; set ytics autofreq scale 1; set cbtics autofreq

# ---- (e) u and v
set origin 0, 0.02; set size W, H
set lmargin 9; set rmargin 2
set label 1 "e" at graph -0.2, 1.06 font ",20:Bold"
set title "top singular vectors of W_0"
set xrange [0:201]; set yrange [*:*]
set xlabel "unit i (E: 1-150, I: 151-200)"; set ylabel "component" offset 1, 0
set key bottom left box opaque
set grid lc rgb "#dddddd"
plot D.'uv.tsv' u 1:2 w l lw 3 lc rgb c_conn t "u (left)", \
     '' u 1:3 w l lw 3 dt 2 lc rgb "#8c1a1a" t "v (right)"

# ---- (f) step responses
set origin W, 0.02; set size W, H
set label 1 "f" at graph -0.2, 1.06 font ",20:Bold"
set title sprintf("step responses (ratio random/aligned = %s)", ratio)
set xrange [0:100]; set yrange [*:*]
set xlabel "time t"; set ylabel "z_i(t), ||z(t)||" offset 1, 0
set object 1 rect from 15, graph 0 to 35, graph 1 fc rgb c_in fs solid 0.15 noborder behind
set object 2 rect from 60, graph 0 to 80, graph 1 fc rgb c_in fs solid 0.15 noborder behind
set label 2 "10 u" at 25, graph 0.93 center tc rgb "#1a6e1a"
set label 3 "10 u_{rand}" at 70, graph 0.93 center tc rgb "#1a6e1a"
set key at graph 0.98, graph 0.6 right box opaque samplen 1.5
plot for [i=3:202:4] D.'step.tsv' u 1:i w l lw 0.6 lc rgb (i <= 152 ? c_resp2 : "#9ecae1") notitle, \
     '' u 1:2 w l lw 3 lc rgb c_dark t "||z||", \
     NaN w l lw 1 lc rgb c_resp2 t "z_i"
unset object 1; unset object 2; unset label 2; unset label 3

# ---- (g) shared-input run: population means vs mean field
set origin 2*W, 0.02; set size W, H
set lmargin 9; set rmargin 7
set label 1 "g" at graph -0.2, 1.06 font ",20:Bold"
set title "shared input 1 + 0.25 {/Symbol x}(t): population rates"
set xrange [*:*]; set yrange [*:*]
set xlabel "time t"; set ylabel "mean tanh(z) of population" offset 1, 0
set y2label "shared input x(t)" offset -1, 0 tc rgb c_in
set y2tics tc rgb c_in; set ytics nomirror
set key default
set key inside top left box opaque samplen 1.5 font ",11"
set xtics 100
set yrange [-0.2:0.45]
plot D.'shared.tsv' u 1:5 w l lw 2 lc rgb c_resp t "E", \
     '' u 1:6 w l lw 2 lc rgb c_dark t "I", \
     mfE w l lw 1.5 dt 2 lc rgb "#000000" t "mean-field fixed point", \
     mfI w l lw 1.5 dt 2 lc rgb "#000000" notitle, \
     '' u 1:2 axes x1y2 w l lw 1 lc rgb c_in t "x(t)"
unset y2tics; unset y2label; set ytics mirror

# ---- (h) E/I balance
set origin 3*W, 0.02; set size W, H
set lmargin 9; set rmargin 2
set label 1 "h" at graph -0.2, 1.06 font ",20:Bold"
set title "E/I balance: input to E units"
set xlabel "time t"; set ylabel "mean input to an E unit" offset 1, 0
set key default
set key inside top left box opaque samplen 1.5 font ",11"
set xtics 100
set yrange [-2.5:2.8]
plot D.'shared.tsv' u 1:7 w l lw 2 lc rgb c_exc t "excitatory (positive terms)", \
     '' u 1:8 w l lw 2 lc rgb c_inh t "inhibitory (negative terms)", \
     '' u 1:9 w l lw 2 lc rgb "#000000" t "total W f(z) + x"
unset label 1
unset multiplot
}
