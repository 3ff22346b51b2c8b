# SPDX-License-Identifier: GPL-3.0-or-later
# figS-lowdiminput.gp -- supplementary figure "LowDimInput": the Figure-1
# network driven by x = xi W_x, W_x = c u_x u_x^T + rho G/sqrt(N): the input
# has one dominant PC (along u_x); the network's own direction u is still
# suppressed.
# Data: results/figS-lowdiminput/*.tsv (notebooks-c/figS-lowdiminput.c; extra
# direction 3 = u_x); layout of Figure 1 from analyses/common/study.gp.
#   gnuplot analyses/figS-lowdiminput.gp   (or: make figS-lowdiminput)

if (!exists("outpng")) outpng = 'results/figS-lowdiminput.png'
if (!exists("outpdf")) outpdf = 'results/figS-lowdiminput.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-lowdiminput/"
S = "analyses/common/study.gp"
call S "init"
c = real(par(D, "c")); rho = real(par(D, "rho"))
fig_title = sprintf("{/:Bold Supplementary: low-dimensional input.}  x = {/Symbol x}W_x,  W_x = c u_xu_x^T + {/Symbol r}G_x/{/Symbol \326}N;  network W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  c = %g,  {/Symbol r} = %g   (seed %s)", c, rho, hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = abs(c) + 0.5
eig_rho = rho
schem_eq = "{/Symbol t} dz/dt = -z + Wz + {/Symbol x}W_x"
num_keys = "var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu pct_x_first dim_x dim_z"
num_labels = "var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)  (e);angle(u_N, u), degrees;corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g);% variance of the first PC of x  (d);dimension of x (participation ratio);dimension of z (participation ratio)"
call S "layout1"
