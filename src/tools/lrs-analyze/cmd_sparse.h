/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_sparse.h -- entry of `lrs-analyze --sparse` (built when SLEPc/PETSc
 * is installed; see cmd_sparse.c).
 */
#ifndef LRS_ANALYZE_SPARSE_H
#define LRS_ANALYZE_SPARSE_H

/* argv[0] is the program name; argv[1..] the command line, with --sparse
 * anywhere.  Returns the process exit status (0 ok, 1 error, 2 usage). */
int lrs_analyze_sparse(int argc, char **argv);

/* The exact command that adds the sparse module, for builds without it. */
#define LRS_SPARSE_MISSING_MSG                                                        \
    "lrs-analyze: --sparse needs the sparse module (SLEPc/PETSc), not built in. Run:\n" \
    "    make deps-sparse && make sparse && make\n"                                    \
    "(deps-sparse installs slepc-dev petsc-dev openmpi-bin with apt-get)\n"

#endif
