# SPDX-License-Identifier: GPL-3.0-or-later
# fig3.gp -- Figure 3: rank-two networks with four overlap structures.
# (a) singular values of W for the four cases; (b-e) for each case the 2 x 2
# overlap matrix P = U^T V (colour range -1..1) above the PC spectra of z and x
# (points, as the authors draw them: the two suppressed last PCs stand out),
# with the RK4 spectrum of z over the shorter comparison window beside Euler's.
# Every parameter comes from the TSV headers the program writes.
# Data: results/fig3/*.tsv (written by notebooks-c/fig3.c).
# Usage: gnuplot analyses/fig3.gp   (or -e "outpng='..'; outpdf='..'")

if (!exists("outpng")) outpng = 'results/fig3.png'
if (!exists("outpdf")) outpdf = 'results/fig3.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = 'results/fig3/'
# analyses/common/study.gp's readers (msys, kv, sumval, nline: the folder's
# files are read once); its colours are replaced by this figure's below.
call "analyses/common/study.gp" "init"

# Numbers from the summary (P's singular values, first-PC share) and the
# parameters from the "# N ..." header line of each TSV.
getv(key) = sumval(D, key)
hdr(file, key) = nline(D.file, key)

# Colour roles: input green, recurrent input magenta, response blue,
# connectivity red (the four networks in shades of red).
c_in = "#2ca02c"; c_rec = "#c0309f"; c_resp = "#1f5fbf"; c_conn = "#d62728"
array c_case[4] = ["#d62728", "#8c1a1a", "#ff7f0e", "#e377c2"]
array name[4] = ["normal", "ep", "nonep", "partial"]
array title[4] = ["(1) normal: V = -U", "(2) EP: V = [e_2, -e_1]", \
                  "(3) non-EP: V = [e_3, -e_1]", "(4) partly EP"]
array letter[4] = ["b", "c", "d", "e"]

N = int(hdr('svals.tsv', 'N')); s1 = hdr('svals.tsv', 's1'); s2 = hdr('svals.tsv', 's2')
rho = hdr('svals.tsv', 'rho')
T = hdr('pcs.tsv', 'T'); dt = hdr('pcs.tsv', 'dt'); taux = hdr('pcs.tsv', 'tau_x')
sigx = hdr('pcs.tsv', 'sigma_x'); Trk4 = hdr('pcs_rk4.tsv', 'T')

# Diverging palette for P: blue (-1), white (0), red (+1).
set palette defined (-1 "#2166ac", 0 "#ffffff", 1 "#b2182b")

do for [out in outs] {
if (out eq "png") {
    set terminal pngcairo size 1800,1000 font "DejaVu Sans,13" enhanced
    set output outpng
} else {
    set terminal pdfcairo size 18cm,10cm font "DejaVu Sans,6.5" enhanced
    set output outpdf
}
set multiplot title sprintf("Figure 3: rank-two low-rank parts, s = {/Symbol \326}N (%s, %s), {/Symbol r} = %s, N = %d, tanh, {/Symbol t}_x = %s, {/Symbol s}_x = %s, Euler dt = %s, T = %s (RK4: T = %s): the overlap P = U^T V decides", s1, s2, rho, N, taux, sigx, dt, T, Trk4)

# ---- (a) singular values of W, log-log
set origin 0.0, 0.04
set size 0.25, 0.88
set lmargin 9; set rmargin 2
set label 1 "a" at graph -0.2, 1.04 font ",20:Bold"
set title "singular values of W"
set logscale xy
set format y "10^{%L}"
set xlabel "index k"
set ylabel "singular value {/Symbol s}_k(W)"
set xrange [0.8:1.2 * N]
set yrange [0.005:100]
set key bottom left box opaque samplen 2 font ",10" width -3
set grid lc rgb "#dddddd"
set label 2 "the same for all four:\nsingular values alone do not\ntell the cases apart" at graph 0.3, graph 0.8 left font ",11"
holds = int(getv("rk4_picture_holds")); rkdiff = 100 * real(getv("rk4_vs_euler_pc_median_rel_diff_max"))
rkstat = 100 * real(getv("rk4_vs_euler_stats_rel_diff_max"))
set label 3 sprintf("RK4 check (b-e: circles RK4,\ndots Euler, same input,\nT = %s): spectra within %.2f%%,\nPC1, PR, v_{1,2} suppression\nwithin %.2f%%: the picture %s\nfor the continuous model", \
    Trk4, rkdiff, rkstat, holds ? "holds" : "is NOT shown") at graph 0.04, graph 0.42 left font ",10"
plot for [k=1:4] D.'svals.tsv' u 1:(column(k+1)) w lp pt (k + 3) ps 0.9 pi 12 lw 1.5 dt k \
     lc rgb c_case[k] t title[k]
unset label 2
unset label 3
unset label 1
unset logscale
unset format
unset grid

# ---- (b-e) per case: P heat map (top) and PC spectra (bottom)
do for [k=1:4] {
    x0 = 0.25 + 0.1875 * (k - 1)
    sv = getv(name[k]."_P_svals")
    pc1 = getv(name[k]."_pc1_pct_z")

    # P heat map, rows top to bottom as in the matrix
    set origin x0 + 0.02, 0.55
    set size 0.12, 0.38
    set lmargin 3; set rmargin 3
    set title sprintf("%s\nP, singular values %s", title[k], sv) font ",12"
    set label 1 letter[k] at screen x0 + 0.006, 0.895 font ",20:Bold"
    set xrange [0.5:2.5]
    set yrange [2.5:0.5]
    set cbrange [-1:1]
    set xtics 1 scale 0 ("1" 1, "2" 2)
    set ytics 1 scale 0 ("1" 1, "2" 2)
    set xlabel "column" offset 0, 0.5
    set ylabel "row" offset 1.5, 0
    set size ratio -1
    unset key
    if (k == 4) { set colorbox user origin x0 + 0.142, 0.6 size 0.008, 0.21; set cbtics 1 } \
    else { unset colorbox }
    plot D.'P_'.name[k].'.tsv' u 2:1:3 w image notitle, \
         '' u 2:1:(sprintf("%.2f", $3)) w labels font ",12" notitle
    unset label 1
    set size noratio
    unset colorbox
    set xtics autofreq scale 1
    set ytics autofreq scale 1
    unset ylabel

    # PC spectra of z and x, % variance explained, log y
    set origin x0, 0.0
    set size 0.1875, 0.55
    set lmargin 8; set rmargin (k == 4 ? 5 : 1)
    r1 = getv(name[k]."_median_over_lastpc"); r2 = getv(name[k]."_median_over_lastpc2")
    sve = getv(name[k]."_euler_short_suppression_v1_v2"); svr = getv(name[k]."_rk4_suppression_v1_v2")
    set title sprintf("PC1 %.1f %%, median / last 2 PCs %.0f, %.0f\nT = %s, z.v_{1,2} supp.: Euler %.2g, %.2g; RK4 %.2g, %.2g", \
        real(pc1), real(r1), real(r2), Trk4, real(word(sve, 1)), real(word(sve, 2)), \
        real(word(svr, 1)), real(word(svr, 2))) font ",9"
    set logscale y
    set format y "10^{%L}"
    set xrange [0:N + 15]
    set yrange [1e-3:100]
    set xtics 100
    set xlabel "PC index k" offset 0, 0
    if (k == 1) { set ylabel "% variance explained" offset 1, 0 } else { unset ylabel }
    set key top right box opaque samplen 1.5 font "" width 0
    set grid lc rgb "#dddddd"
    plot D.'pcs.tsv' u 1:(column(k+5)) w p pt 7 ps 0.3 lc rgb c_in t "input x", \
         D.'pcs_rk4.tsv' u 1:(column(k+1)) w p pt 6 ps 0.5 lc rgb "#9a9a9a" t sprintf("z, T = %s: RK4", Trk4), \
         D.'pcs_rk4.tsv' u 1:(column(k+5)) w p pt 7 ps 0.15 lc rgb "black" t sprintf("z, T = %s: Euler", Trk4), \
         D.'pcs.tsv' u 1:(column(k+1)) w p pt 7 ps 0.45 lc rgb c_resp t sprintf("response z, T = %s", T)
    unset logscale
    unset format
    unset grid
    set xtics autofreq
}
unset multiplot
}
