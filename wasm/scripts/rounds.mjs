#!/usr/bin/env node
// Rounds of checks in Node.js on the npm package's Node build, driven by another
// process (the wasmtime benchmark, `cargo bench -p wastecheck-host`) so that Node
// and native are timed in one run, block by block, on the same requests.
//
//     node wasm/scripts/rounds.mjs REQUESTS.json
//
// REQUESTS.json is an array of check requests as JSON text. Each line read from
// standard input is `check N` or `batch N`: N rounds of `checkJson` over every
// request, or of one `checkBatchJson` of them all; the answer is one line, the
// seconds the rounds took. After the first line the answers' bytes must equal
// the native ones the driver wrote beside the requests (`REQUESTS.json.answers`).

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { Checker } = createRequire(import.meta.url)(path.join(here, "..", "dist", "node", "wastecheck.js"));
const file = process.argv[2];
const requests = JSON.parse(fs.readFileSync(file, "utf8"));
const batch = `[${requests.join(",")}]`;
const checker = Checker.builtin();

// The same bytes as natively, or the timing means nothing.
const native = JSON.parse(fs.readFileSync(`${file}.answers`, "utf8"));
requests.forEach((request, i) => {
  if (checker.checkJson(request) !== native[i]) {
    process.stderr.write(`Node answers request ${i} otherwise than natively\n`);
    process.exit(1);
  }
});
if (checker.checkBatchJson(batch) !== `[${native.join(",")}]`) {
  process.stderr.write("Node answers the batch otherwise than natively\n");
  process.exit(1);
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [way, n] = line.trim().split(/\s+/);
  const rounds = Number(n);
  const start = performance.now();
  for (let k = 0; k < rounds; k++) {
    if (way === "batch") checker.checkBatchJson(batch);
    else for (const request of requests) checker.checkJson(request);
  }
  process.stdout.write(`${(performance.now() - start) / 1000}\n`);
}
