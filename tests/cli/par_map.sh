#!/usr/bin/env bash
# par_map from the command line (docs/cli.md --par-threads): `sluice run` and a built executable
# give the same doc as the golden case for every --par-threads value, and a bad value is a usage
# error (exit 2) for both.
set -euo pipefail
SLUICE=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=$SRC/tests/cases
pipe=$cases/par_map_ordered_collect.json
mod=$cases/par_map/mappers.x07.json
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["doc_hex"])' "$cases/par_map_ordered_collect.case.json")
"$SLUICE" build "$pipe" --module "$mod" --world solve-pure -o "$tmp/exe" >/dev/null
for n in 1 2 3 8; do
  got=$("$SLUICE" run "$pipe" --module "$mod" --world solve-pure --par-threads "$n" --emit doc | xxd -p | tr -d '\n')
  [ "$got" = "$want" ] || { echo "run --par-threads $n: doc $got, expected $want"; exit 1; }
  got=$("$tmp/exe" --par-threads "$n" --emit doc | xxd -p | tr -d '\n')
  [ "$got" = "$want" ] || { echo "exe --par-threads $n: doc $got, expected $want"; exit 1; }
done
for bad in 0 257 x; do
  set +e
  "$SLUICE" run "$pipe" --module "$mod" --world solve-pure --par-threads "$bad" --emit doc >/dev/null 2>&1; rc1=$?
  "$tmp/exe" --par-threads "$bad" --emit doc >/dev/null 2>"$tmp/err"; rc2=$?
  set -e
  [ "$rc1" = 2 ] || { echo "run --par-threads $bad: exit $rc1, expected 2"; exit 1; }
  [ "$rc2" = 2 ] || { echo "exe --par-threads $bad: exit $rc2, expected 2"; exit 1; }
  grep -q -- '--par-threads' "$tmp/err" || { echo "exe --par-threads $bad: no message naming the flag"; cat "$tmp/err"; exit 1; }
done
echo "par_map CLI: OK"
