# figS-weak.gp -- supplementary figure "Weak": a weak rank-one normal part,
# W = c u u^T + rho G/sqrt(N), c = -0.5, rho = 0.01.  No strong suppression:
# var(z.u_rand)/var(z.u) ~ (1 - c)^2 = 2.25 instead of ~120 in Figure 1.
# Data: results/figS-weak/*.tsv (notebooks-c/figS-weak.c); layout of Figure 1
# from analyses/common/study.gp.   gnuplot analyses/figS-weak.gp  (or make figS-weak)

if (!exists("outpng")) outpng = 'results/figS-weak.png'
if (!exists("outpdf")) outpdf = 'results/figS-weak.pdf'
D = "results/figS-weak/"
S = "analyses/common/study.gp"
call S "init"
fig_title = sprintf("{/:Bold Supplementary: weak low-rank part.}  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  c = -0.5,  {/Symbol r} = 0.01:  no strong suppression   (seed %s)", hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = 0.6
num_keys = "response_ratio var_ratio_rand_over_u expected_var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu"
num_labels = "response ratio  (c);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)  (e);quasi-static (1-c)^2;angle(u_N, u), degrees;corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g)"
call S "layout1"
