#!/usr/bin/env node
// Validates JSON documents against one of sluice's schemas (schemas/*.schema.json, draft 2020-12)
// with ajv, every schema in the folder loaded so that $refs between them resolve.
//
//   node tools/validate-json.mjs SCHEMA_DIR SCHEMA_FILE [--invalid] FILE...   (FILE "-" = stdin)
//
// Exit 0 when every FILE is valid (with --invalid: when every FILE is rejected), 1 otherwise,
// 2 on usage errors or a schema that does not compile. Errors go to stderr with the file name.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const args = process.argv.slice(2);
if (args.length < 3) {
  console.error("usage: validate-json.mjs SCHEMA_DIR SCHEMA_FILE [--invalid] FILE...");
  process.exit(2);
}
const [dir, main, ...rest] = args;
const expectInvalid = rest[0] === "--invalid";
const files = expectInvalid ? rest.slice(1) : rest;

// strict: unknown keywords, ignored keywords and ambiguous types in a schema are errors, so a
// typo in a schema cannot silently accept everything.
// strictTuples is off: descriptors are x07AST lists whose head is fixed and whose tail is open.
const ajv = new Ajv2020({ strict: true, strictTuples: false, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
let validate;
try {
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort())
    ajv.addSchema(JSON.parse(readFileSync(join(dir, f), "utf8")), f);
  validate = ajv.getSchema(main);
  if (!validate) throw new Error(`no schema ${main} in ${dir}`);
} catch (e) {
  console.error(`schema error: ${e.message}`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  const ok = validate(doc);
  if (ok && expectInvalid) {
    console.error(`${file}: valid against ${main}, but it should be rejected`);
    failed++;
  } else if (!ok && !expectInvalid) {
    for (const err of validate.errors.slice(0, 10))
      console.error(`${file}: ${err.instancePath || "/"} ${err.message} (${err.schemaPath})`);
    failed++;
  }
}
console.log(`${files.length - failed}/${files.length} ${expectInvalid ? "rejected" : "valid"} against ${main}`);
process.exit(failed === 0 ? 0 : 1);
