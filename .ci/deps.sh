#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages lrs needs, if any is missing.  As root it runs
# apt-get itself; otherwise it tries sudo without a password; when neither
# works it prints the exact command to run and fails.
# With the argument "sparse" it adds the sparse module's SLEPc/PETSc (OpenMPI,
# MUMPS; about 100 MB); the figure targets never ask for it.
PKGS="libgsl-dev liblapacke-dev libopenblas-dev gnuplot-nox make gcc pkg-config
      libigraph-dev libmatio-dev libzip-dev zlib1g-dev libbz2-dev liblzma-dev"
[ "${1:-}" = sparse ] && PKGS="$PKGS slepc-dev petsc-dev openmpi-bin"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "lrs: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"
else
    echo "lrs: cannot install packages (not root, no password-less sudo). Run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq $missing >&2 || {
    echo "lrs: apt-get failed. Run by hand:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
}
