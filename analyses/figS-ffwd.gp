# SPDX-License-Identifier: GPL-3.0-or-later
# figS-ffwd.gp -- supplementary figure "Ffwd": the Figure-1 W used feed-forward,
# tau dz/dt = -z + f(x W).  Without recurrence the low-rank direction u is
# AMPLIFIED (x W has ~|c| = 10 times the input along u), not suppressed.
# Data: results/figS-ffwd/*.tsv (notebooks-c/figS-ffwd.c; the "r" columns of
# proj.tsv/series.tsv hold the feed-forward drive x W); layout of Figure 1
# from analyses/common/study.gp.
#   gnuplot analyses/figS-ffwd.gp   (or: make figS-ffwd)

if (!exists("outpng")) outpng = 'results/figS-ffwd.png'
if (!exists("outpdf")) outpdf = 'results/figS-ffwd.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-ffwd/"
S = "analyses/common/study.gp"
call S "init"
c = real(par(D, "c")); rho = real(par(D, "rho"))
fig_title = sprintf("{/:Bold Supplementary: feed-forward.}  {/Symbol t} dz/dt = -z + xW  with the Figure-1 W = c uu^T + {/Symbol r}G/{/Symbol \326}N, c = %g, {/Symbol r} = %g:  u is amplified   (seed %s)", c, rho, hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = abs(c) + 0.5
eig_rho = rho
schem_eq = "{/Symbol t} dz/dt = -z + xW"
schem_ffwd = 1
rec_name = "xW"
series_title = "feed-forward drive along u: (xW){/Symbol \267}u = c x{/Symbol \267}u + ..., amplified; z follows it"
num_keys = "response_ratio var_ratio_u_over_rand predicted_var_ratio_u_over_rand pct_z_first angle_pc1_u_deg"
num_labels = "response ratio  (c);var(z{/Symbol \267}u)/var(z{/Symbol \267}u_{rand})  (e);quasi-static ||Wu||^2/||Wu_{rand}||^2;% variance of the first PC of z  (d);angle(first PC, u), degrees"
call S "layout1"
