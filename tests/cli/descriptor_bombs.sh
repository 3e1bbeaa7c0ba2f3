#!/usr/bin/env bash
# Descriptor bombs (tests/support/gen_bombs.sh): `sluice check` answers each with its exit status
# and the expected diagnostic code, never a crash, a signal or a hang. Time and peak memory are
# measured by bench/bombs (bench/results/bombs.md), not asserted here.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$src/tests/support/gen_bombs.sh" "$tmp"

# expect BOMB STATUS CODE|none: the exit status and the code of the first diagnostic.
expect() {
  local bomb=$1 want_status=$2 want_code=$3 status=0
  "$sluice" check "$tmp/$bomb.json" --format json >"$tmp/$bomb.out" 2>"$tmp/$bomb.err" || status=$?
  local code
  code=$(grep -o '"code": *"[A-Z_0-9]*"' "$tmp/$bomb.out" | head -1 | sed 's/.*"\([A-Z_0-9]*\)"$/\1/' || true)
  if [ "$status" != "$want_status" ] || [ "${code:-none}" != "$want_code" ]; then
    echo "$bomb: exit $status, first diagnostic ${code:-none}; expected exit $want_status, $want_code"
    head -c 2000 "$tmp/$bomb.out"; head -c 2000 "$tmp/$bomb.err"
    exit 1
  fi
  echo "$bomb: exit $status ${code:-}"
}

expect chain_1m 1 E_PIPE_JSON_TOO_LARGE        # 10^6 stages: over the 262,144-element limit
expect string_100mb 0 W_LINT_SOURCE_OVER_BUDGET # 100 MB literal: checked, and linted (max_in_bytes is 1024)
expect cfg_dup_1m 1 E_PIPE_JSON_TOO_LARGE
expect cfg_unknown_1m 1 E_PIPE_JSON_TOO_LARGE
expect module_100k 0 none                       # 10^5 functions: checked (in linear time)
expect nest_desc_100k 1 E_PIPE_JSON_TOO_DEEP
expect nest_desc_1m 1 E_PIPE_JSON_TOO_DEEP
expect nest_expr_100k 1 E_PIPE_JSON_TOO_DEEP
expect nest_fn_100k 1 E_PIPE_JSON_TOO_DEEP       # in the module file, with the same code
expect nest_expr_500 0 none                     # under the limit: every pass walks 500 deep

# The diagnostics say where: the too-large chain at its 262,145th stage, in the pipe file.
grep -q '"message": "JSON array of more than 262144 elements"' "$tmp/chain_1m.out"
grep -q '"file": ".*deep.x07.json"' "$tmp/nest_fn_100k.out"
# A pipe that runs the 500-deep expression gets 501 (1 + 1 + ... + 1) as its line limit.
"$sluice" run "$tmp/nest_expr_500.json" --emit doc >/dev/null
echo "descriptor bombs: all answered"
