#!/usr/bin/env bash
# schemas/ against the real thing, with a real validator (ajv, draft 2020-12, strict mode; installed
# into tools/node_modules by scripts/install-deps):
#  - every example and golden-case descriptor is valid against pipe.schema.json, every module file
#    against x07ast-module.schema.json, and descriptors sluice rejects for their shape are invalid;
#  - what sluice prints is valid: `check --format json` (clean files, fail cases, warnings),
#    `plan --format json`, `run --emit json` (OK and ERR docs) on the examples and golden cases,
#    and a built executable's `--emit json`;
#  - the registry index, plugin specs and contracts lock of tests/schemas/valid (and of any
#    registry under plugins/) are valid; each file of tests/schemas/invalid is rejected by the
#    schema its name starts with.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
cd "$src"
if [ ! -f tools/node_modules/ajv/package.json ] || ! command -v node >/dev/null; then
  echo "schemas: node and tools/node_modules/ajv are needed; run scripts/install-deps"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
validate() { node tools/validate-json.mjs schemas "$@"; }

# 1. Descriptors and modules.
mapfile -t pipes < <(ls examples/*.json examples/native/*.json tests/cases/*.json tests/cases/rr_entry/*.json | grep -v '\.case\.json$')
[ "${#pipes[@]}" -ge 30 ]
validate pipe.schema.json "${pipes[@]}"
mapfile -t modules < <(find examples tests/cases/lab tests/cases/smoke tests/differential -name '*.x07.json' | sort)
validate x07ast-module.schema.json "${modules[@]}"
# Rejected by sluice for their shape (arity, heads, unknown or missing fields and keys, values out
# of range, u32frames nesting): rejected by the schema too.
shape_fails=(pipe_arity pipe_head pipe_not_a_list cfg_missing_key cfg_unknown_key cfg_flag_range cfg_entry_shape
             stage_unknown_field stage_missing_field stage_word stage_kind unknown_stage positional_missing
             int_too_large int_too_small expr_arity u32frames_nested u32frames_no_inner value_type_string)
files=()
for f in "${shape_fails[@]}"; do files+=("tests/cases/fail/$f.json"); done
validate pipe.schema.json --invalid "${files[@]}"
for schema in $(ls tests/schemas/invalid | cut -d. -f1 | sort -u); do
  validate "$schema.schema.json" --invalid tests/schemas/invalid/"$schema".*.json
done

# 2. What sluice prints. Golden cases run in a fresh root holding their files (hex in .case.json).
n_run=0; n_err=0
mkdir -p "$tmp/out"
for pipe in examples/*.json tests/cases/*.json; do
  case $pipe in *.case.json) continue ;; esac
  name=${pipe%.json}; case_file=$name.case.json
  world=run-os-sandboxed; root=examples/data; args=(); rr_args=()
  if [ -f "$case_file" ]; then
    root=$tmp/root-$(basename "$name"); mkdir -p "$root"
    node -e '
      const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const [f, hex] of Object.entries(c.files || {})) {
        const at = require("path").join(process.argv[2], f);
        require("fs").mkdirSync(require("path").dirname(at), { recursive: true });  // e.g. .x07_rr/
        require("fs").writeFileSync(at, Buffer.from(hex, "hex"));
      }
      console.log(c.world || "solve-pure");
      if (c.rr) {  // the run'"'"'s record/replay session, as tests/cases/README.md says
        console.log("--rr\n" + c.rr.cassette);
        if (c.rr.mode) console.log("--rr-mode\n" + c.rr.mode);
        if (c.rr.match) console.log("--rr-match\n" + c.rr.match);
        if (c.rr.policy) console.log("--rr-policy\n" + require("path").dirname(process.argv[1]) + "/" + c.rr.policy);
      }
      for (const m of c.modules || []) console.log("--module\n" + require("path").dirname(process.argv[1]) + "/" + m);
      if (c.input_hex !== undefined) { require("fs").writeFileSync(process.argv[2] + "/.input", Buffer.from(c.input_hex, "hex")); console.log("--input\n" + process.argv[2] + "/.input"); }
      if (c.pipe) console.log("--pipe\n" + c.pipe);' "$case_file" "$root" > "$tmp/case.txt"
    world=$(head -1 "$tmp/case.txt")
    mapfile -t extra < <(tail -n +2 "$tmp/case.txt")
    for ((i = 0; i < ${#extra[@]}; i += 2)); do
      case ${extra[i]} in
        --pipe) pipe=$(dirname "$pipe")/${extra[i + 1]} ;;
        --rr*) rr_args+=("${extra[i]}" "${extra[i + 1]}") ;;  # run only: check and plan open no session
        *) args+=("${extra[i]}" "${extra[i + 1]}") ;;
      esac
    done
  fi
  out=$tmp/out/$(basename "$name")
  "$sluice" check "$pipe" --world "$world" "${args[@]}" --format json > "$out.check.json"
  "$sluice" plan "$pipe" --world "$world" "${args[@]}" --format json > "$out.plan.json"
  status=0
  "$sluice" run "$pipe" --world "$world" --root "$root" "${args[@]}" "${rr_args[@]}" --emit json > "$out.run.json" 2>/dev/null || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "schemas: $pipe: run exit $status"; exit 1; }
  [ "$status" -eq 3 ] && n_err=$((n_err + 1))
  n_run=$((n_run + 1))
done
echo "$n_run pipes run ($n_err ERR docs)"
[ "$n_run" -ge 30 ] && [ "$n_err" -ge 5 ]
validate check-output.schema.json "$tmp"/out/*.check.json
validate plan-output.schema.json "$tmp"/out/*.plan.json
validate run-output.schema.json "$tmp"/out/*.run.json
# Diagnostics of every fail case (one call: one array over all files), and warnings.
status=0
"$sluice" check tests/cases/fail/*.json --format json > "$tmp/fails.json" || status=$?
[ "$status" -eq 1 ]
validate check-output.schema.json "$tmp/fails.json"
node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (d.length < 50) process.exit(1);' "$tmp/fails.json"
# A built executable prints the same JSON.
(SLUICE_CACHE_DIR=$tmp/cache "$sluice" build examples/lines_frame_hash.json -o "$tmp/lfh" >/dev/null)
"$tmp/lfh" --root examples/data --emit json > "$tmp/exe.json"
validate run-output.schema.json "$tmp/exe.json"
cmp "$tmp/exe.json" <("$sluice" run examples/lines_frame_hash.json --root examples/data --emit json)

# 3. Registry, plugin specs, contracts lock: the test fixtures, and every registry in plugins/.
validate plugin-index.schema.json tests/schemas/valid/arch/stream/plugins/index.x07sp.json
validate plugin-spec.schema.json tests/schemas/valid/arch/stream/plugins/specs/*.x07sp.json
validate contracts-lock.schema.json tests/schemas/valid/arch/contracts.lock.json
if [ -d plugins ]; then
  while IFS= read -r index; do
    validate plugin-index.schema.json "$index"
    mapfile -t specs < <(node -e '
      const p = require("path"), i = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const e of i.plugins) console.log(p.join(p.dirname(process.argv[1]), e.plugin_spec_path));' "$index")
    [ "${#specs[@]}" -eq 0 ] || validate plugin-spec.schema.json "${specs[@]}"
  done < <(find plugins -name index.x07sp.json)
  while IFS= read -r lock; do validate contracts-lock.schema.json "$lock"; done < <(find plugins -name contracts.lock.json)
fi
echo "schemas OK"
