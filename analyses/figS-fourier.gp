# figS-fourier.gp -- supplementary figure "Fourier": the leading singular
# vectors of the spatial W0 (Figure 5) are sinusoids.
# (a) singular values of W0 vs |lambda_k| of the circulant (and of W);
# (b) the first ten left singular vectors along the ring; (c) their power per
# spatial frequency; (d) share of the power in the dominant frequency.
# Data: results/figS-fourier/*.tsv (written by notebooks-c/figS-fourier.c).
# Usage: gnuplot analyses/figS-fourier.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/figS-fourier.png'
if (!exists("outpdf")) outpdf = 'results/figS-fourier.pdf'
D = 'results/figS-fourier/'

# Colour roles: connectivity red (W0 and its singular vectors).
c_conn = "#d62728"; c_conn2 = "#8c1a1a"; c_light = "#f4a582"

S = D.'summary.txt'
getv(key) = system(sprintf("awk -F' = ' '$1==\"%s\"{print $2}' %s", key, S))
minp = getv("min_pct_power"); minpW = getv("full_W_min_pct_power")

set palette defined (0 "#ffffff", 0.3 "#fdae61", 1 "#b2182b")

do for [out in "png pdf"] {
if (out eq "png") {
    set terminal pngcairo size 1800,1000 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 18cm,10cm font "DejaVu Sans,6.5" enhanced
    set output outpdf
}
set multiplot layout 2,2 title "Supplementary: the leading singular vectors of the spatial W_0 (N = 200, c = -0.5, {/Symbol s}_w = 0.05) are Fourier modes"

# ---- (a) singular values
set label 1 "a" at graph -0.09, 1.06 font ",20:Bold"
set title "singular values of W_0 = |eigenvalues| of the circulant"
set xrange [0:60]; set yrange [1e-4:20]
set logscale y; set format y "10^{%L}"
set xlabel "index k"; set ylabel "singular value" offset 1, 0
set key top right box opaque samplen 1.5
set grid lc rgb "#dddddd"
plot D.'svals.tsv' u 1:2 w p pt 7 ps 1 lc rgb c_conn t "SVD of W_0", \
     '' u 1:3 w l lw 1.5 lc rgb "#000000" t "|{/Symbol l}_k| (DFT of the kernel)", \
     '' u 1:4 w p pt 6 ps 1 lc rgb c_light t "SVD of W = W_0 + W_1 ({/Symbol r} = 0.1)"
unset logscale; unset format

# ---- (b) the ten singular vectors, stacked
set label 1 "b" at graph -0.09, 1.06 font ",20:Bold"
set title "left singular vectors u_1 .. u_{10} of W_0 (offset)"
set xrange [0:1]; set yrange [-10.8:0.8]
set xlabel "position {/Symbol q}_i on the ring"; set ylabel "u_j (shifted by -j + 1)" offset 1, 0
set ytics ("u_1" 0, "u_2" -1, "u_3" -2, "u_4" -3, "u_5" -4, "u_6" -5, "u_7" -6, "u_8" -7, "u_9" -8, "u_{10}" -9)
unset key
plot for [j=1:10] D.'vectors.tsv' u 2:(column(j+2) * 4 - (j - 1)) w l lw 2 \
     lc rgb (j % 2 ? c_conn : c_conn2) notitle
set ytics autofreq

# ---- (c) power spectra as an image: vector j vs frequency
set label 1 "c" at graph -0.09, 1.06 font ",20:Bold"
set title "fraction of power per spatial frequency"
set xrange [0.5:10.5]; set yrange [-0.5:12.5]
set xtics 1; set ytics 1
set xlabel "singular vector j"; set ylabel "frequency k (cycles around the ring)" offset 1, 0
set cbrange [0:1]; set cblabel "power fraction"
unset grid
set style fill solid 1.0 noborder
plot for [j=1:10] D.'power.tsv' u (j):1:(0.5):(0.5):(column(j+1)) w boxxyerror fc palette notitle
set xtics autofreq; set ytics autofreq; unset cblabel
set grid lc rgb "#dddddd"

# ---- (d) share of power in the dominant frequency
set label 1 "d" at graph -0.09, 1.06 font ",20:Bold"
set title sprintf("power in the dominant frequency: min %s %% (W_0), %s %% (W)", minp, minpW)
set xrange [0.3:10.7]; set yrange [90:101.8]
set xtics 1
set xlabel "singular vector j (label: its frequency k)"; set ylabel "% of power" offset 1, 0
set key top center horizontal box opaque samplen 1.5
set style fill solid 0.8 noborder
set boxwidth 0.35
set arrow 1 from 0.3, 95 to 10.7, 95 nohead dt 2 lw 2 lc rgb "#000000" front
set label 2 "95 %" at 0.4, 95.5 tc rgb "#000000" front
plot D.'dominant.tsv' u ($1 - 0.18):3 w boxes lc rgb c_conn t "W_0", \
     '' u ($1 + 0.18):7 w boxes lc rgb c_light t "W = W_0 + W_1", \
     '' u 1:(90.6):(sprintf("k = %d", $2)) w labels tc rgb "#ffffff" font ",11:Bold" notitle
unset arrow 1; unset label 2
unset label 1
unset multiplot
}
