#!/usr/bin/env bash
# A real Slurm job array (docs/scale-out.md): scripts/slurm-demo installs slurm-wlm and munge if
# missing, starts munged, slurmctld and slurmd on this machine (free ports, a generated slurm.conf
# and munge key in a temporary directory), submits `sbatch --array=0-3 --wait` running a built
# executable with --shard auto and --emit doc, merges the four docs with `sluice merge` and compares
# them with the unsharded run; every daemon it started is stopped on exit, failure included.
# Skips (77, with the reason) where daemons cannot run: not root, no apt-get, Slurm not starting.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
export SLUICE_CACHE_DIR="$build/build-cache"
exec timeout 170 bash "$src/scripts/slurm-demo" "$sluice" --mb 2 --tasks 4 --concurrent 4
