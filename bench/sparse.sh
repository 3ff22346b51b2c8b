#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench-sparse: lrs-sparse-bench rows for each N at P = 1 and P = 2.
# Usage: bench/sparse.sh BUILD "N1 N2 ..." [extra lrs-sparse-bench args]
# N >= 10^6 runs the --large stages only (top-10, stability bound, stable rank).
set -u
B=$1; NS=$2; shift 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
echo "# lrs-sparse-bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "# N\tP\tstage\twall_s\tpeak_rss_mb(max rank)\titerations\tresid\n"
for n in $NS; do
    large=""; [ "$n" -ge 1000000 ] && large=--large
    for p in 1 2; do
        mpiexec -n "$p" "$B/lrs-sparse-bench" "$n" $large "$@" || echo "# N=$n P=$p failed"
    done
done
