# SPDX-License-Identifier: GPL-3.0-or-later
# figS-weak.gp -- supplementary figures "Weak" and "Weak2": a weak rank-one
# normal part, W = c u u^T + rho G/sqrt(N) (notebooks-c/figS-weak.c's table:
# c = -0.5 or +0.5, rho = 0.01).  Weak: no strong suppression, var(z.u_rand)/
# var(z.u) ~ (1 - c)^2 = 2.25 instead of ~120 in Figure 1.  Weak2: u is
# amplified, (1 - c)^2 = 0.25.  c, rho come from the data's "# parameters"
# line.  Layout of Figure 1 from analyses/common/study.gp.
#   gnuplot analyses/figS-weak.gp   (or make figS-weak)
#   figS-weak2.gp sets name = "figS-weak2" and loads this file.

if (!exists("name")) name = "figS-weak"
if (!exists("outpng")) outpng = sprintf('results/%s.png', name)
if (!exists("outpdf")) outpdf = sprintf('results/%s.pdf', name)
# terminals to draw (draw.sh draws the PNG and the PDF in two processes)
if (!exists("outs")) outs = "png pdf"
D = sprintf("results/%s/", name)
S = "analyses/common/study.gp"
call S "init"
c = real(par(D, "c")); rho = real(par(D, "rho"))
what = (c < 0 ? "weak low-rank part" : "weak positive low-rank part")
verdict = (c < 0 ? "no strong suppression" : "u is amplified")
fig_title = sprintf("{/:Bold Supplementary: %s.}  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  c = %+g,  {/Symbol r} = %g:  %s   (seed %s)", what, c, rho, verdict, hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = 0.6
num_keys = "response_ratio var_ratio_rand_over_u expected_var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu"
num_labels = "response ratio  (c);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)  (e);quasi-static (1-c)^2;angle(u_N, u), degrees;corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g)"
call S "layout1"
