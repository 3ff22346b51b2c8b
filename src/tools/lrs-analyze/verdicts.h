/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdicts.h -- the verdict lines of `lrs-analyze report`, shared by the
 * dense (cmd_report.c) and the sparse (cmd_sparse.c) path; in output.c.
 */
#ifndef LRS_ANALYZE_VERDICTS_H
#define LRS_ANALYZE_VERDICTS_H

#include <stdio.h>
#include "lrs/verdict.h"

/* pc_variance, participation_ratio (when v has it), low_rank_suppression,
 * high_dimensional, each line ending with `flag` (e.g. a note that the
 * values are estimates; "" for none); v NULL: both verdicts "not defined"
 * (the linear network is unstable). */
void analyze_print_verdicts(FILE *fp, const lrs_verdict_t *v, double sigma_x, const char *flag);

#endif
