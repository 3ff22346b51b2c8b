# SPDX-License-Identifier: GPL-3.0-or-later
# figS-theory.gp -- supplementary figure "Theory": simulated PC variances of the
# Figure-1 network vs theory 1, theory 2 and the exact theory, at T = 5e3 and 5e4.
# Data: results/figS-theory/*.tsv (written by notebooks-c/figS-theory.c).
# Usage: gnuplot analyses/figS-theory.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = "results/figS-theory.png"
if (!exists("outpdf")) outpdf = "results/figS-theory.pdf"
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-theory/"

# analyses/common/study.gp's readers (msys, kv: each file is read once); its
# colours are replaced by this figure's below.
call "analyses/common/study.gp" "init"

# Colour roles: input green, response blue, connectivity red; theories in
# black (theory 2), orange (theory 1) and purple (exact).
c_in = "#2ca02c"; c_resp = "#1f5fbf"; c_conn = "#d62728"
c_th1 = "#ff7f0e"; c_th2 = "#000000"; c_ex = "#9467bd"

# Every parameter from the "# N ..." header line of the TSVs.
hdr(file, key) = nline(D.file, key)
Tshort = real(hdr("pcvar_short.tsv", "T"))
Tlong  = real(hdr("pcvar_long.tsv", "T"))
sigx   = real(hdr("pcvar_short.tsv", "sigma_x"))
taux   = hdr("pcvar_short.tsv", "tau_x")
N      = int(hdr("pcvar_short.tsv", "N"))
ntop   = int(hdr("pcvar_short.tsv", "ntop"))
clr    = hdr("pcvar_short.tsv", "c")
rho    = hdr("pcvar_short.tsv", "rho")
# Median deviations over the top ntop PCs, from the summary.
sumval_th(k) = real(sumval(D, k))

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 1800,1050 font "DejaVu Sans,14" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 30cm,17.5cm font "DejaVu Sans,14" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
    set output outpdf
}
set multiplot layout 2,3 title sprintf("Supplementary: low-rank suppression, simulation vs theory (Figure-1 network: N = %d, c = %s, {/Symbol r} = %s; {/Symbol t}_x = %s, {/Symbol s}_x = %g)", N, clr, rho, taux, sigx)
set key top right box opaque samplen 2
set grid lc rgb "#dddddd"

# ---- (a), (b): PC spectra of z at the two lengths, log-log
do for [j=1:2] {
    f = D.(j == 1 ? "pcvar_short.tsv" : "pcvar_long.tsv")
    T = (j == 1 ? Tshort : Tlong)
    set label 1 (j == 1 ? "a" : "b") at graph -0.14, 1.06 font ",20:Bold"
    set title sprintf("PC variances of z, T = %g", T)
    set logscale xy
    set format y "10^{%L}"
    set xlabel "PC index k"
    set ylabel "variance of PC k"
    set xrange [0.9:1.1 * N]
    set key bottom left
    plot f u 1:2 w p pt 7 ps 0.6 lc rgb c_resp t "simulation", \
         f u 1:3 w l lw 2.5 dt 2 lc rgb c_th1 t "theory 1 ({/Symbol s}_x^2 I)", \
         f u 1:4 w l lw 1.5 lc rgb c_th2 t "theory 2 (sample C_x)", \
         f u 1:5 w l lw 2.5 dt 3 lc rgb c_ex t "exact theory"
    unset label 1
    unset format
    unset logscale
}

# ---- (c): PC variances of the input: the sample spread theory 1 ignores
set label 1 "c" at graph -0.14, 1.06 font ",20:Bold"
set title "PC variances of the input x"
set logscale xy
set xlabel "PC index k"
set ylabel "variance of PC k"
set xrange [0.9:1.1 * N]
set yrange [*:*]
set key bottom left
plot D."pcvar_short.tsv" u 1:6 w l lw 2 lc rgb c_in t sprintf("x, T = %g", Tshort), \
     D."pcvar_long.tsv" u 1:6 w l lw 2 dt 2 lc rgb "#006400" t sprintf("x, T = %g", Tlong), \
     sigx**2 w l lw 1.5 lc rgb "black" dt 3 t "{/Symbol s}_x^2"
unset logscale
unset label 1

# ---- (d), (e): relative deviation of the simulation from each theory
do for [j=1:2] {
    f = D.(j == 1 ? "pcvar_short.tsv" : "pcvar_long.tsv")
    T = (j == 1 ? Tshort : Tlong)
    set label 1 (j == 1 ? "d" : "e") at graph -0.14, 1.06 font ",20:Bold"
    set title sprintf("relative deviation sim/theory - 1, T = %g", T)
    set logscale x
    set xlabel "PC index k"
    set ylabel "sim / theory - 1"
    set xrange [0.9:1.1 * N]
    set yrange [-0.9:0.5]
    set key bottom left
    set arrow 1 from ntop, graph 0 to ntop, graph 1 nohead dt 2 lc rgb "gray"
    tg = (j == 1 ? "short" : "long")
    set label 2 sprintf("median |dev|, top %d PCs:\ntheory 1 %.1f%%, theory 2 %.2f%%, exact %.1f%%", \
        ntop, 100*sumval_th("median_dev_theory1_".tg), 100*sumval_th("median_dev_theory2_".tg), \
        100*sumval_th("median_dev_exact_".tg)) at graph 0.03, 0.93 left front
    plot f u 1:7 w l lw 2 lc rgb c_th1 t "vs theory 1", \
         f u 1:8 w l lw 2 lc rgb c_th2 t "vs theory 2", \
         f u 1:9 w l lw 2 dt 3 lc rgb c_ex t "vs exact", \
         0 w l lc rgb "gray" notitle
    unset arrow 1
    unset label 1
    unset label 2
    unset logscale
    set yrange [*:*]
}

# ---- (f): singular values of I - W
set label 1 "f" at graph -0.14, 1.06 font ",20:Bold"
set title "singular values of I - W (theory 1 = {/Symbol s}_x^2 / {/Symbol s}_{N+1-k}^2)"
set key top right
set logscale xy
set xlabel "index k"
set ylabel "{/Symbol s}_k(I - W)"
set xrange [0.9:1.1 * N]
plot D."svals_IW.tsv" u 1:2 w p pt 7 ps 0.6 lc rgb c_conn t "{/Symbol s}_k(I - W)"
unset logscale
unset label 1

unset multiplot
set output
}
