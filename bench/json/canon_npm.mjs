// The baseline of bench/json/run: node + the npm `canonicalize` package on the same document.
// Times decode + JSON.parse + canonicalize + encode to UTF-8 bytes (what sluice does from bytes to
// bytes), best of N runs; prints `node_canonicalize  seconds  MB/s` and can write the output.
//
//   node canon_npm.mjs DOC.json [REPS=3] [--out CANON.json]
import { readFileSync, writeFileSync } from 'node:fs';
import canonicalize from 'canonicalize';

const args = process.argv.slice(2);
const path = args[0];
let reps = 3;
let outPath = '';
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--out') outPath = args[++i];
  else reps = Number(args[i]);
}
const input = readFileSync(path);
let best = Infinity;
let out;
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  out = Buffer.from(canonicalize(JSON.parse(input.toString('utf8'))), 'utf8');
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (s < best) best = s;
}
console.log(`node_canonicalize\t${best.toFixed(4)}\t${(input.length / 1e6 / best).toFixed(1)}`);
if (outPath) writeFileSync(outPath, out);
