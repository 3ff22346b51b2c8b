# SPDX-License-Identifier: GPL-3.0-or-later
# figS-biased.gp -- supplementary figure "Biased": W = (mu + sigma G)/sqrt(N),
# mu = -0.5, sigma = 0.5.  The mean is a rank-one part c uu^T along the uniform
# vector u = 1/sqrt(N) with c = mu sqrt(N) = -7.07: the uniform direction is
# suppressed (~(1-c)^2 = 65 in variance) and the recurrent input cancels the
# input along it.
# Data: results/figS-biased/*.tsv (notebooks-c/figS-biased.c); layout of
# Figure 1 from analyses/common/study.gp.
#   gnuplot analyses/figS-biased.gp   (or: make figS-biased)

if (!exists("outpng")) outpng = 'results/figS-biased.png'
if (!exists("outpdf")) outpdf = 'results/figS-biased.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-biased/"
S = "analyses/common/study.gp"
call S "init"
mu = real(par(D, "mu")); sigma = real(par(D, "sigma"))
fig_title = sprintf("{/:Bold Supplementary: biased random matrix.}  W = ({/Symbol m} + {/Symbol s}G)/{/Symbol \326}N,  {/Symbol m} = %g,  {/Symbol s} = %g:  the mean is c uu^T with u = 1/{/Symbol \326}N, c = {/Symbol m}{/Symbol \326}N = %s   (seed %s)", mu, sigma, par(D, "c_eff"), hdrval(D."spectrum.tsv", "seed"))
aligned = "u = 1/{/Symbol \326}N"
eig_R = abs(real(par(D, "c_eff"))) + 0.5
eig_rho = sigma
eig_rho_name = "{/Symbol s}"
schem_W = "W = ({/Symbol m} + {/Symbol s}G)/{/Symbol \326}N"
num_keys = "response_ratio var_ratio_rand_over_u expected_suppression_1_minus_c_sq angle_uN_u_deg corr_xu_Wzu"
num_labels = "response ratio  (c);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)  (e);quasi-static (1-c)^2;angle(u_N, u), degrees;corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g)"
call S "layout1"
