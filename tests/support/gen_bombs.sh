#!/usr/bin/env bash
# Writes descriptor bombs into DIR, one pipe file per bomb (plus the module a bomb needs):
#   gen_bombs.sh DIR [BOMB...]        (no BOMB: all of them)
# Shared by tests/cli/descriptor_bombs.sh (which asserts what `sluice check` says about each) and
# bench/bombs (which measures its time and peak memory). Only coreutils: no interpreter needed.
#   chain_1m        a chain of 1,000,000 stages
#   string_100mb    a 100 MB bytes.lit in the source's expression
#   cfg_dup_1m      1,000,000 cfg keys, all max_items (999,999 duplicates: a warning each)
#   cfg_unknown_1m  1,000,000 distinct unknown cfg keys (an error each)
#   module_100k     a module of 100,000 exported functions, the pipe calling one
#   nest_desc_100k  arrays nested 100,000 deep where a stage goes
#   nest_desc_1m    arrays nested 1,000,000 deep where a stage goes
#   nest_expr_100k  an x07 expression nested 100,000 deep in std.stream.expr_v1
#   nest_fn_100k    an x07 function body nested 100,000 deep in a module
#   nest_expr_500   an x07 expression nested 500 deep (under the parser's limit, so every check
#                   pass walks it)
set -euo pipefail
dir=${1:?usage: gen_bombs.sh DIR [BOMB...]}
shift
mkdir -p "$dir"
all=(chain_1m string_100mb cfg_dup_1m cfg_unknown_1m module_100k nest_desc_100k nest_desc_1m nest_expr_100k
     nest_fn_100k nest_expr_500)
[ $# -gt 0 ] || set -- "${all[@]}"

cfg='["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 1024], ["max_out_bytes", 1048576], ["max_items", 16]]'
src='["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "hello\nstream\n"]]]'
sink='["std.stream.sink.collect_bytes_v1"]'
split='["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 256]]'

# N copies of TEXT, no separator.
repeat() { (set +o pipefail; yes "$2" | head -n "$1" | tr -d '\n'); }

for bomb in "$@"; do
  out=$dir/$bomb.json
  case $bomb in
    chain_1m)
      { printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1", %s' "$cfg" "$src" "$split"
        repeat 999999 ', ["std.stream.xf.frame_u32le_v1"]'
        printf '], %s]\n' "$sink"; } >"$out" ;;
    string_100mb)
      { printf '["std.stream.pipe_v1", %s, ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "' "$cfg"
        head -c 100000000 /dev/zero | tr '\0' 'a'
        printf '"]]], ["std.stream.chain_v1", %s], %s]\n' "$split" "$sink"; } >"$out" ;;
    cfg_dup_1m)
      { printf '["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 1024], ["max_out_bytes", 1024]'
        repeat 1000000 ', ["max_items", 16]'
        printf '], %s, ["std.stream.chain_v1", %s], %s]\n' "$src" "$split" "$sink"; } >"$out" ;;
    cfg_unknown_1m)
      { printf '["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 1024], ["max_out_bytes", 1024], ["max_items", 16]'
        seq -f ', ["k%.0f", 1]' 1 1000000 | tr -d '\n'
        printf '], %s, ["std.stream.chain_v1", %s], %s]\n' "$src" "$split" "$sink"; } >"$out" ;;
    module_100k)
      { printf '{"schema_version": "x07.x07ast@0.8.0", "kind": "module", "module_id": "bomb", "imports": [], "decls": [\n'
        printf '{"kind": "export", "names": ["bomb.f0"'
        seq -f ', "bomb.f%.0f"' 1 99999 | tr -d '\n'
        printf ']}'
        seq -f $',\n{"kind": "defn", "name": "bomb.f%.0f", "params": [{"name": "item", "ty": "bytes_view"}], "result": "i32", "body": ["view.len", "item"]}' 0 99999
        printf ']}\n'; } >"$dir/bomb.x07.json"
      printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1", %s, ["std.stream.xf.filter_v1", ["std.stream.fn_v1", "bomb.f99999"]]], %s]\n' \
        "$cfg" "$src" "$split" "$sink" >"$out" ;;
    nest_desc_100k | nest_desc_1m)
      n=100000; [ "$bomb" = nest_desc_1m ] && n=1000000
      { printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1", ' "$cfg" "$src"
        head -c "$n" /dev/zero | tr '\0' '['
        head -c "$n" /dev/zero | tr '\0' ']'
        printf '], %s]\n' "$sink"; } >"$out" ;;
    nest_expr_100k | nest_expr_500)
      n=100000; [ "$bomb" = nest_expr_500 ] && n=500
      { printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", ' "$cfg" "$src"
        repeat "$n" '["+", 1, '
        printf '1'
        repeat "$n" ']'
        printf ']]], %s]\n' "$sink"; } >"$out" ;;
    nest_fn_100k)
      { printf '{"schema_version": "x07.x07ast@0.8.0", "kind": "module", "module_id": "deep", "imports": [], "decls": [\n'
        printf '{"kind": "export", "names": ["deep.f"]},\n'
        printf '{"kind": "defn", "name": "deep.f", "params": [{"name": "item", "ty": "bytes_view"}], "result": "i32", "body": '
        repeat 100000 '["+", 1, '
        printf '["view.len", "item"]'
        repeat 100000 ']'
        printf '}]}\n'; } >"$dir/deep.x07.json"
      printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1", %s, ["std.stream.xf.filter_v1", ["std.stream.fn_v1", "deep.f"]]], %s]\n' \
        "$cfg" "$src" "$split" "$sink" >"$out" ;;
    *) echo "gen_bombs.sh: unknown bomb $bomb (one of: ${all[*]})" >&2; exit 2 ;;
  esac
done
