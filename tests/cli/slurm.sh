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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
timeout 170 bash "$src/scripts/slurm-demo" "$sluice" --mb 2 --tasks 4 --concurrent 4 > "$log" 2>&1
st=$?
set -e
cat "$log" >&2
[ "$st" -eq 77 ] && exit 77
[ "$st" -eq 0 ] || { echo "FAIL: slurm-demo exited $st" >&2; exit 1; }
grep -q "^slurm-demo: OK: merged doc equals the unsharded run's" "$log" || { echo "FAIL: no OK line" >&2; exit 1; }
# Every daemon it started is gone: their command lines name the cluster directory.
dir=$(sed -n 's/^slurm-demo: cluster directory //p' "$log")
[ -n "$dir" ] || { echo "FAIL: slurm-demo did not name its cluster directory" >&2; exit 1; }
if pgrep -f "$dir" > /dev/null; then
  echo "FAIL: daemons left running: $(pgrep -af "$dir")" >&2
  exit 1
fi
[ ! -e "$dir" ] || { echo "FAIL: $dir left behind" >&2; exit 1; }
