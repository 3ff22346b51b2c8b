/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figS-weak2.c -- supplementary figure "Weak2" (c = +0.5, rho = 0.01): the
 * second row of figS-weak.c's parameter table, built as its own program so
 * that `make figS-weak2` finds it.  The program and its comments live in
 * figS-weak.c.
 */
#define FIGS_WEAK_CASE 1
#include "figS-weak.c"
