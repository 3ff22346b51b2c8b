# fig5.gp -- Figure 5: spatial ring network.
# (a) W; (b) singular values of W and W0; (c) the two inputs; (d) ||z(t)||
# under each; (e) the final responses along the ring; (f) linear gain of each
# Fourier frequency and where the inputs' power lies.
# Data: results/fig5/*.tsv (written by notebooks-c/fig5.c).
# Usage: gnuplot analyses/fig5.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/fig5.png'
if (!exists("outpdf")) outpdf = 'results/fig5.pdf'
D = 'results/fig5/'

# Colour roles: input green, recurrent input magenta, response blue,
# connectivity red.  Smooth input: solid/dark; random input: light.
c_in = "#2ca02c"; c_in2 = "#98df8a"; c_rec = "#c0309f"
c_resp = "#1f5fbf"; c_resp2 = "#7fb2e5"; c_conn = "#d62728"

S = D.'summary.txt'
getv(key) = system(sprintf("awk -F' = ' '$1==\"%s\"{print $2}' %s", key, S))
ns = getv("norm_smooth"); nr = getv("norm_random"); ratio = getv("response_ratio")

set palette defined (-1 "#2166ac", 0 "#ffffff", 1 "#b2182b")

do for [out in "png pdf"] {
if (out eq "png") {
    set terminal pngcairo size 1800,1000 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 18cm,10cm font "DejaVu Sans,6.5" enhanced
    set output outpdf
}
set multiplot title "Figure 5: spatial ring network (N = 200, c = -0.5, {/Symbol s}_w = 0.05, {/Symbol r} = 0.1, tanh): disordered input is amplified relative to smooth input"
W = 1.0/3; H = 0.46

# ---- (a) W as an image
set origin 0, 0.5; set size W, H
set lmargin 8; set rmargin 9
set label 1 "a" at graph -0.22, 1.06 font ",20:Bold"
set title "connectivity W"
set xrange [-0.5:199.5]; set yrange [199.5:-0.5]
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
set xrange [0:201]; set yrange [1e-4:20]
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
set title "inputs (unit norm, c_x = 1)"
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

# ---- (e) final responses along the ring
set origin W, 0.02; set size W, H
set label 1 "e" at graph -0.2, 1.06 font ",20:Bold"
set title "responses z_i(T = 100)"
set xrange [0:1]; set yrange [*:*]
set xlabel "position {/Symbol q}_i"; set ylabel "z_i(T)" offset 1, 0
set key top left box opaque samplen 1.5
plot D.'profiles.tsv' u 2:6 w l lw 1.2 lc rgb c_resp2 t "to random input", \
     '' u 2:5 w l lw 3 lc rgb c_resp t "to smooth input"

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
