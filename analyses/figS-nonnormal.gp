# SPDX-License-Identifier: GPL-3.0-or-later
# figS-nonnormal.gp -- supplementary figure "NonNormal": rank one with u and v
# independent random unit vectors (v not orthogonalised): v.u ~ 1/sqrt(N) is
# small, so the network behaves like Figure 2 -- u amplified, u_opt and the
# last PC u_N suppressed.
# Data: results/figS-nonnormal/*.tsv (notebooks-c/figS-nonnormal.c); layout of
# Figure 2 from analyses/common/study.gp.
#   gnuplot analyses/figS-nonnormal.gp  (or make figS-nonnormal)

if (!exists("outpng")) outpng = 'results/figS-nonnormal.png'
if (!exists("outpdf")) outpdf = 'results/figS-nonnormal.pdf'
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = "results/figS-nonnormal/"
S = "analyses/common/study.gp"
call S "init"
c = real(par(D, "c")); rho = real(par(D, "rho"))
fig_title = sprintf("{/:Bold Supplementary: non-normal rank one.}  W = c uv^T + {/Symbol r}G/{/Symbol \326}N,  u, v independent (v{/Symbol \267}u = %s),  c = %g,  {/Symbol r} = %g   (seed %s)", sumval(D, "vu_overlap"), c, rho, hdrval(D."spectrum.tsv", "seed"))
aligned = "u_{opt}"
eig_R = 1.2
eig_rho = rho
schem_W = "W = c uv^T + {/Symbol r}G/{/Symbol \326}N"
num_keys = "response_ratio var_ratio_u_over_rand var_ratio_rand_over_uN angle_uN_u_deg angle_response_uopt_v_deg"
num_labels = "response ratio  (c);var(z{/Symbol \267}u)/var(z{/Symbol \267}u_{rand})  (e);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u_N)  (f);angle(u_N, u), degrees;angle(response to u_{opt}, v)"
call S "layout2"
