#!/usr/bin/env bash
# sluice graph: DOT and Mermaid with one node per plan part and one edge per hop, agreeing with
# `sluice plan --format json` (ids, inserted stages, brands on edges); Graphviz parses every DOT
# and renders SVG/PNG; a missing Graphviz or an unwritable path is a message, exit 2, no file.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
have_dot=0
command -v dot >/dev/null && have_dot=1

# 1. Every example and golden pipe: the graph agrees with the plan.
mapfile -t pipes < <(ls examples/*.json tests/cases/stream_pipe_*.json | grep -v '\.case\.json$')
[ "${#pipes[@]}" -ge 30 ] || fail "only ${#pipes[@]} pipes"
for p in "${pipes[@]}"; do
  args=(); case $p in examples/branded_events.json) args=(--module examples/brandlab/events.x07.json) ;; esac
  "$sluice" plan "$p" "${args[@]}" --format json > "$tmp/plan.json" 2>/dev/null || continue
  "$sluice" graph "$p" "${args[@]}" > "$tmp/g.dot" || fail "graph $p: exit $?"
  "$sluice" graph "$p" "${args[@]}" --format mermaid > "$tmp/g.mmd" || fail "graph --format mermaid $p: exit $?"
  python3 - "$tmp/plan.json" "$tmp/g.dot" "$tmp/g.mmd" "$p" <<'PY' || fail "$p: the graph does not match the plan"
import json, re, sys
plan = json.load(open(sys.argv[1]))
dot, mmd, name = open(sys.argv[2]).read(), open(sys.argv[3]).read(), sys.argv[4]
chain = plan["chain"]
parts = ["source"] + [f"s{i}" for i in range(len(chain))] + ["sink"]
def brand(b): return "" if b in ("none", "any") else b
brands = [brand(plan["source"]["out_brand"])] + [brand(s["out_brand"]) for s in chain]
ok = True
def check(cond, what):
    global ok
    if not cond: print(f"{name}: {what}"); ok = False
# DOT: nodes with their ids, dashed exactly when inserted, edges in order with the brands.
nodes = dict(re.findall(r'^  (\w+) \[label="(.*)"', dot, re.M))
check(list(nodes) == parts + ["cfg"], f"DOT nodes {list(nodes)}")
for i, s in enumerate(chain):
    line = next(l for l in dot.splitlines() if l.startswith(f"  s{i} ["))
    check(line.split('label="', 1)[1].startswith(f'{i}: {s["id"]}'), f"s{i} label")
    check(("style=dashed" in line) == s["inserted"], f"s{i} dashed/inserted")
check(f'source: {plan["source"]["id"]}' in nodes["source"], "source label")
check(plan["sink"]["id"] in nodes["sink"], "sink label")
edges = re.findall(r'^  (\w+) -> (\w+)(?: \[label=" (.*)"\])?;$', dot, re.M)
check([(a, b) for a, b, _ in edges] == list(zip(parts, parts[1:])), "DOT edges")
check([l for _, _, l in edges] == brands, f"DOT edge brands {[l for _, _, l in edges]} vs {brands}")
# Mermaid: the same nodes and edges; no raw quote inside a label.
check(mmd.startswith("flowchart TB\n"), "Mermaid header")
mnodes = re.findall(r'^  (\w+)\["([^"]*)"\]$', mmd, re.M)
check([n for n, _ in mnodes] == parts + ["cfg"], "Mermaid nodes")
medges = re.findall(r'^  (\w+) -->(?:\|([^|]*)\|)? (\w+)$', mmd, re.M)
check([(a, c) for a, _, c in medges] == list(zip(parts, parts[1:])), "Mermaid edges")
check([b for _, b, _ in medges] == brands, "Mermaid edge brands")
dashed = set(re.findall(r'^  style (\w+) stroke-dasharray', mmd, re.M))
check(dashed == {f"s{i}" for i, s in enumerate(chain) if s["inserted"]}, "Mermaid dashed = inserted")
sys.exit(0 if ok else 1)
PY
  if [ "$have_dot" = 1 ]; then dot -Tcanon "$tmp/g.dot" > /dev/null 2> "$tmp/dot.err" || fail "$p: dot cannot parse: $(cat "$tmp/dot.err")"; fi
  n=$((${n:-0} + 1))
done
[ "$n" -ge 25 ] || fail "only $n pipes graphed"
grep -q 'style=dashed' <("$sluice" graph examples/branded_events.json --module examples/brandlab/events.x07.json) ||
  fail "the branded example shows no inserted stage"

# 2. Quotes, backslashes and non-UTF-8 bytes in arguments stay inside their labels.
cat > "$tmp/odd.json" <<'JSON'
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 1024],
    ["max_out_bytes", 1024], ["max_items", 16]],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\"b\\c|<x>#1"]]],
  ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 256]]],
  ["std.stream.sink.collect_bytes_v1"]]
JSON
"$sluice" graph "$tmp/odd.json" > "$tmp/odd.dot"
"$sluice" graph "$tmp/odd.json" --format mermaid > "$tmp/odd.mmd"
grep -qxF '  source["source: std.stream.src.bytes_v1<br/>value=#quot;a\#quot;b\\c#124;#lt;x#gt;#35;1#quot;"]' "$tmp/odd.mmd" ||
  fail "Mermaid escaping: $(grep '^  source' "$tmp/odd.mmd")"

# 3. Rendering and files.
if [ "$have_dot" = 1 ]; then
  # dot reads the label as one string and writes it back the same (-Tcanon re-escapes it).
  dot -Tcanon "$tmp/odd.dot" | grep -qF 'label="source: std.stream.src.bytes_v1\lvalue=\"a\\\"b\\\\c|<x>#1\"\l"' ||
    fail "DOT escaping: dot reads another label"
  "$sluice" graph examples/lines_frame_hash.json --svg "$tmp/g.svg" --png "$tmp/g.png" > "$tmp/stdout"
  [ ! -s "$tmp/stdout" ] || fail "--svg/--png also printed text"
  head -c 200 "$tmp/g.svg" | grep -q '<svg\|<?xml' || fail "--svg did not write SVG"
  grep -q 'std.stream.xf.frame_u32le_v1' "$tmp/g.svg" || fail "the SVG lacks a stage"
  [ "$(head -c 8 "$tmp/g.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "--png did not write PNG"
else
  echo "graph: Graphviz is not installed (scripts/install-deps installs it): rendering not tested"
fi
"$sluice" graph examples/lines_frame_hash.json -o "$tmp/out.dot"
cmp -s "$tmp/out.dot" <("$sluice" graph examples/lines_frame_hash.json) || fail "-o and stdout differ"

# 4. No Graphviz: a message that says how to get it, exit 2, nothing written.
mkdir "$tmp/bin"; ln -s "$(command -v bash)" "$tmp/bin/bash"
set +e; PATH="$tmp/bin" "$sluice" graph examples/lines_frame_hash.json --svg "$tmp/none.svg" 2> "$tmp/err"; st=$?; set -e
[ "$st" = 2 ] || fail "--svg without dot: exit $st"
grep -q "apt-get install graphviz" "$tmp/err" || fail "--svg without dot: $(cat "$tmp/err")"
[ ! -e "$tmp/none.svg" ] || fail "--svg without dot left a file"
# An output that cannot be written, and a rejected descriptor: no file either way.
set +e; "$sluice" graph examples/lines_frame_hash.json -o "$tmp/no/such/dir.dot" 2> "$tmp/err"; st=$?; set -e
[ "$st" = 2 ] && grep -q "cannot write" "$tmp/err" || fail "unwritable -o: exit $st $(cat "$tmp/err")"
printf '["std.stream.pipe_v1", ["std.stream.cfg_v1"], 5]' > "$tmp/bad.json"
set +e; "$sluice" graph "$tmp/bad.json" -o "$tmp/bad.dot" 2> "$tmp/err"; st=$?; set -e
[ "$st" = 1 ] && grep -q "error\[E_PIPE_" "$tmp/err" || fail "rejected pipe: exit $st $(cat "$tmp/err")"
[ ! -e "$tmp/bad.dot" ] || fail "a rejected pipe left a graph"
ls -a "$tmp" | grep -q '\.tmp' && fail "a temporary file was left"
echo "graph: $n pipes drawn; all checks passed"
