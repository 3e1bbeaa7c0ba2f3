#!/usr/bin/env bash
# examples/sqlite (docs/databases.md): load.json loads people.csv into a new SQLite database
# (the sink's connection expression creates the table), query.json reads the people over 30 back
# as lines; through `sluice run` and through built executables, both giving expected.txt.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for backend in run build; do
  w=$tmp/$backend
  mkdir -p "$w"
  cp "$src/examples/sqlite/"* "$w/"
  cd "$w"
  if [ $backend = run ]; then
    "$sluice" run load.json --world run-os --emit summary 2> load.out
    "$sluice" run query.json --world run-os --emit payload > got.txt
  else
    "$sluice" build load.json --world run-os -o load.exe --cache-dir "$tmp/cache" > /dev/null
    "$sluice" build query.json --world run-os -o query.exe --cache-dir "$tmp/cache" > /dev/null
    [ ! -e people.db ] || { echo "build created the database"; exit 1; }
    ./load.exe --emit summary 2> load.out
    ./query.exe --emit payload > got.txt
  fi
  grep -q 'items_out=5' load.out || { echo "$backend: load: $(cat load.out)"; exit 1; }
  cmp got.txt expected.txt || { echo "$backend: query gave:"; cat got.txt; exit 1; }
done
echo "examples/sqlite: load + query, run and build: $(wc -l < "$src/examples/sqlite/expected.txt") lines as expected"
