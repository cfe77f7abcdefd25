// The package's TypeScript declarations compile and describe the API: a browser
// (moduleResolution "bundler") and a Node.js (node16) user's code is type-checked,
// strict, against the built package (wasm/test/types/), with `tsc` from npm.
//
//     node --test wasm/test/types.test.mjs      (after ./x build-wasm)

import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { root } from "./parity.mjs";

const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");

for (const name of ["web", "node"]) {
  test(`the declarations type-check a ${name} user's code`, () => {
    const config = path.join(root, "wasm", "test", "types", `tsconfig.${name}.json`);
    const run = spawnSync(process.execPath, [tsc, "-p", config], { cwd: root, encoding: "utf8" });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
}
