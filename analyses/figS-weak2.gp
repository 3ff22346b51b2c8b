# SPDX-License-Identifier: GPL-3.0-or-later
# figS-weak2.gp -- supplementary figure "Weak2" (c = +0.5, rho = 0.01): the
# script of figS-weak.gp on results/figS-weak2/.
#   gnuplot analyses/figS-weak2.gp   (or make figS-weak2)
name = "figS-weak2"
load "analyses/figS-weak.gp"
