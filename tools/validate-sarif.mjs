#!/usr/bin/env node
// Validates SARIF logs (sluice check --format sarif) against the OASIS SARIF 2.1.0 schema, as
// published in the @microsoft/jest-sarif package (a JSON Schema draft-04 document), with ajv.
//
//   node tools/validate-sarif.mjs FILE...   (FILE "-" = stdin)
//
// Exit 0 when every FILE is valid, 1 otherwise, 2 when the schema cannot be loaded.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
let validate;
try {
  const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
  // Not strict: the schema is OASIS's, not ours, and uses keywords ajv's strict mode flags.
  // unicodeRegExp off: one of its patterns ("language") is not valid with the u flag.
  const ajv = new Ajv04({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
} catch (e) {
  console.error(`schema error: ${e.message}`);
  process.exit(2);
}
const files = process.argv.slice(2);
let failed = 0;
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  if (!validate(doc)) {
    for (const err of validate.errors.slice(0, 10)) console.error(`${file}: ${err.instancePath || "/"} ${err.message}`);
    failed++;
  }
}
console.log(`${files.length - failed}/${files.length} valid against SARIF 2.1.0`);
process.exit(failed ? 1 : 0);
