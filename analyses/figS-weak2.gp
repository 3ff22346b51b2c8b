# figS-weak2.gp -- supplementary figure "Weak2": a weak POSITIVE rank-one normal part,
# W = c u u^T + rho G/sqrt(N), c = +0.5, rho = 0.01.  The aligned direction is
# AMPLIFIED: var(z.u_rand)/var(z.u) ~ (1 - c)^2 = 0.25.
# Data: results/figS-weak2/*.tsv (notebooks-c/figS-weak2.c); layout of Figure 1
# from analyses/common/study.gp.   gnuplot analyses/figS-weak2.gp  (or make figS-weak2)

if (!exists("outpng")) outpng = 'results/figS-weak2.png'
if (!exists("outpdf")) outpdf = 'results/figS-weak2.pdf'
D = "results/figS-weak2/"
S = "analyses/common/study.gp"
call S "init"
fig_title = sprintf("{/:Bold Supplementary: weak positive low-rank part.}  W = c uu^T + {/Symbol r}G/{/Symbol \326}N,  c = +0.5,  {/Symbol r} = 0.01:  u is amplified   (seed %s)", hdrval(D."spectrum.tsv", "seed"))
aligned = "u"
eig_R = 0.6
num_keys = "response_ratio var_ratio_rand_over_u expected_var_ratio_rand_over_u angle_uN_u_deg corr_xu_Wzu"
num_labels = "response ratio  (c);var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)  (e);quasi-static (1-c)^2;angle(u_N, u), degrees;corr(x{/Symbol \267}u, (Wz){/Symbol \267}u)  (g)"
call S "layout1"
