#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The sparse module across MPI ranks: test_sparse under `mpiexec -n 2` must
# give the dense results to the same tolerances as with one rank (so P = 1
# and P = 2 agree to the solver tolerance).  Skipped with a reason when the
# sparse module or mpiexec is not built/installed.
set -u
B=${LRS_BUILD:-build}
T=$B/tests/test_sparse
if [ ! -x "$T" ]; then echo "ok t_sparse_mpi (skipped: $T not built; make deps-sparse sparse)"; exit 0; fi
if ! command -v mpiexec >/dev/null; then echo "ok t_sparse_mpi (skipped: no mpiexec)"; exit 0; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
out=$(mpiexec -n 2 "$T" 2>&1); rc=$?
echo "$out" | sed -e 's/^ok /ok mpi2:/' -e 's/^FAIL /FAIL mpi2:/'
n=$(echo "$out" | grep -c '^ok ')
if [ $rc -ne 0 ] || [ "$n" -lt 5 ]; then
    echo "FAIL t_sparse_mpi: mpiexec -n 2 $T exited $rc with $n ok lines"
    echo "$out" | tail -5
fi
