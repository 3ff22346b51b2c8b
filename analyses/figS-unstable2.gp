# SPDX-License-Identifier: GPL-3.0-or-later
# figS-unstable2.gp -- supplementary figure "Unstable2": tanh network,
# W = c uu^T + rho G/sqrt(N), c = +10, rho = 0.5: the low-rank part is
# unstable (eigenvalue ~10 > 1); tanh saturates and keeps the run bounded.
# Data: results/figS-unstable2/*.tsv (notebooks-c/figS-unstable2.c); layout
# of Figure 1 from analyses/common/study.gp.
#   gnuplot analyses/figS-unstable2.gp   (or: make figS-unstable2)

if (!exists("outpng")) outpng = 'results/figS-unstable2.png'
if (!exists("outpdf")) outpdf = 'results/figS-unstable2.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-unstable2/"
S = "analyses/common/study.gp"
call S "init"
c = real(par(D, "c")); rho = real(par(D, "rho"))
fig_title = sprintf("{/:Bold Supplementary: unstable low-rank part.}  {/Symbol t} dz/dt = -z + W tanh(z) + x,  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  c = %+g,  {/Symbol r} = %g (saturating), c_x = %.3g   (seed %s)", c, rho, real(par(D, "c_x")), hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = abs(c) + 0.5
eig_rho = rho
rec_name = "W tanh z"
num_keys = "max_real_eig_W noise_max_abs_z tanh_bound_rowsum response_ratio var_ratio_u_over_rand corr_xu_Wzu"
num_labels = "max Re eig W  (b): > 1, unstable;max |z_i| over the noise run;bound max_i {/Symbol S}_j |W_{ij}| (+|x_i|);response ratio  (c);var(z{/Symbol \267}u)/var(z{/Symbol \267}u_{rand})  (e);corr(x{/Symbol \267}u, (W tanh z){/Symbol \267}u)  (g)"
call S "layout1"
