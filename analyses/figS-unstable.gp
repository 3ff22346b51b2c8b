# SPDX-License-Identifier: GPL-3.0-or-later
# figS-unstable.gp -- supplementary figure "Unstable": tanh network,
# W = c uu^T + rho G/sqrt(N), c = -40, rho = 2: the random part alone is
# unstable (chaotic); the strong inhibitory rank-one part still damps u.
# Data: results/figS-unstable/*.tsv (notebooks-c/figS-unstable.c); layout of
# Figure 1 from analyses/common/study.gp.
#   gnuplot analyses/figS-unstable.gp   (or: make figS-unstable)

if (!exists("outpng")) outpng = 'results/figS-unstable.png'
if (!exists("outpdf")) outpdf = 'results/figS-unstable.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-unstable/"
S = "analyses/common/study.gp"
call S "init"
c = real(par(D, "c")); rho = real(par(D, "rho"))
fig_title = sprintf("{/:Bold Supplementary: unstable random part.}  {/Symbol t} dz/dt = -z + W tanh(z) + x,  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  c = %g,  {/Symbol r} = %g (chaotic), c_x = %.3g   (seed %s)", c, rho, real(par(D, "c_x")), hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = abs(c) + 1
eig_rho = rho
rec_name = "W tanh z"
num_keys = "max_real_eig_random_part response_ratio var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu"
num_labels = "max Re eig of the random part  (b);response ratio  (c);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)  (e);angle(u_N, u), degrees;corr(x{/Symbol \267}u, (W tanh z){/Symbol \267}u)  (g)"
call S "layout1"
