# SPDX-License-Identifier: GPL-3.0-or-later
# figS-fourier.gp -- supplementary figure "Fourier": the leading singular
# vectors of the spatial W0 (Figure 5) are sinusoids.
# (a) singular values of W0 vs |lambda_k| of the circulant (and of W);
# (b) the first ten left singular vectors along the ring; (c) their power per
# spatial frequency; (d) share of the power in the dominant frequency.
# Data: results/figS-fourier/*.tsv (written by notebooks-c/figS-fourier.c);
# parameters from the "# parameters" header line of svals.tsv, numbers from
# summary.txt.
# Usage: gnuplot analyses/figS-fourier.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/figS-fourier.png'
if (!exists("outpdf")) outpdf = 'results/figS-fourier.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = 'results/figS-fourier/'

# Colour roles: connectivity red (W0 and its singular vectors).
c_conn = "#d62728"; c_conn2 = "#8c1a1a"; c_light = "#f4a582"

call "analyses/common/study.gp" "init"
minp = sumval(D, "min_pct_power"); minpW = sumval(D, "full_W_min_pct_power")
net(key) = parf(D.'svals.tsv', key)
N = int(net("N")); c = net("c"); sigma_w = net("sigma_w"); rho = net("rho")
nvec = int(net("nvec")); min_share = real(net("min_share"))
c_conn = "#d62728"; c_conn2 = "#8c1a1a"; c_light = "#f4a582"


do for [out in outs] {
# each pass starts from the defaults (the previous pass left its settings)
reset
set palette defined (0 "#ffffff", 0.3 "#fdae61", 1 "#b2182b")
if (out eq "png") {
    set terminal pngcairo size 1800,1000 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 31.75cm,17.64cm font "DejaVu Sans,13" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot layout 2,2 title sprintf("Supplementary: the leading singular vectors of the spatial W_0 (N = %d, c = %s, {/Symbol s}_w = %s) are Fourier modes", N, c, sigma_w)

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
     '' u 1:4 w p pt 6 ps 1 lc rgb c_light t sprintf("SVD of W = W_0 + W_1 ({/Symbol r} = %s)", rho)
unset logscale; unset format

# ---- (b) the singular vectors, stacked
set label 1 "b" at graph -0.09, 1.06 font ",20:Bold"
set title sprintf("left singular vectors u_1 .. u_{%d} of W_0 (offset)", nvec)
set xrange [0:1]; set yrange [-nvec - 0.8:0.8]
set xlabel "position {/Symbol q}_i on the ring"; set ylabel "u_j (shifted by -j + 1)" offset 1, 0
set ytics ("u_{1}" 0)
set for [j=2:nvec] ytics add (sprintf("u_{%d}", j) -(j - 1))
unset key
plot for [j=1:nvec] D.'vectors.tsv' u 2:(column(j+2) * 4 - (j - 1)) w l lw 2 \
     lc rgb (j % 2 ? c_conn : c_conn2) notitle
set ytics autofreq

# ---- (c) power spectra as an image: vector j vs frequency
set label 1 "c" at graph -0.09, 1.06 font ",20:Bold"
set title "fraction of power per spatial frequency"
set xrange [0.5:nvec + 0.5]; set yrange [-0.5:nvec / 2 + 7.5]
set xtics 1; set ytics 1
set xlabel "singular vector j"; set ylabel "frequency k (cycles around the ring)" offset 1, 0
set cbrange [0:1]; set cblabel "power fraction"
unset grid
set style fill solid 1.0 noborder
plot for [j=1:nvec] D.'power.tsv' u (j):1:(0.5):(0.5):(column(j+1)) w boxxyerror fc palette notitle
set xtics autofreq; set ytics autofreq; unset cblabel
set grid lc rgb "#dddddd"

# ---- (d) share of power in the dominant frequency, on a full 0-100 % axis
set label 1 "d" at graph -0.09, 1.06 font ",20:Bold"
set title sprintf("power in the dominant frequency: min %s %% (W_0), %s %% (W)", minp, minpW)
set xrange [0.3:nvec + 0.7]; set yrange [0:125]
set xtics 1 nomirror; set ytics 0, 20, 100
set xlabel "singular vector j (label: its frequency k)"; set ylabel "% of power" offset 1, 0
set key top center horizontal box opaque samplen 1.5
set style fill solid 0.8 noborder
set boxwidth 0.35
plot D.'dominant.tsv' u ($1 - 0.18):3 w boxes lc rgb c_conn t "W_0", \
     '' u ($1 + 0.18):7 w boxes lc rgb c_light t "W = W_0 + W_1", \
     min_share w l dt 2 lw 2 lc rgb "#000000" t sprintf("%g %% (acceptance)", min_share), \
     '' u 1:(6):(sprintf("k = %d", $2)) w labels tc rgb "#ffffff" font ",11:Bold" notitle
unset label 1
unset multiplot
}
