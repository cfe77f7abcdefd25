// The browser's first module (`wastecheck/web-lite`: built without rule scripts)
// against the full one, for every rule fixture and scenario: it finds exactly what
// the full module finds outside script rules, and every script rule that would run
// is listed as not evaluated (`script.unavailable`) — never passed in silence. It
// checks with the built-in packs only: a bundle and a JSON Schema are the full
// module's (`bundle.unavailable`, `schema.unavailable`).
//
//     node --test wasm/test/lite.test.mjs      (after ./x build-wasm)

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { requests, optionsOf, root } from "./parity.mjs";
import { cli } from "./cli.mjs";
import { Checker } from "wastecheck";
import init, { Checker as LiteChecker } from "wastecheck/web-lite";

const liteWasm = path.join(root, "wasm", "dist", "web-lite", "wastecheck_bg.wasm");
await init({ module_or_path: fs.readFileSync(liteWasm) });
const full = Checker.builtin();
const lite = LiteChecker.builtin();

// The built-in rules that are scripts: a folder with a `.rhai` file.
const scriptRules = new Set();
for (const pack of fs.readdirSync(path.join(root, "rules", "packs"))) {
  const dir = path.join(root, "rules", "packs", pack);
  if (!fs.statSync(dir).isDirectory()) continue;
  for (const rule of fs.readdirSync(dir)) {
    const files = fs.statSync(path.join(dir, rule)).isDirectory() ? fs.readdirSync(path.join(dir, rule)) : [];
    if (files.some((f) => f.endsWith(".rhai"))) scriptRules.add(rule);
  }
}

test("the built-in packs have script rules (else this test proves nothing)", () => {
  assert.ok(scriptRules.size >= 10, [...scriptRules].join(", "));
});

test("the first module is the smaller download", () => {
  const fullBytes = fs.statSync(path.join(root, "wasm", "dist", "web", "wastecheck_bg.wasm")).size;
  assert.ok(fs.statSync(liteWasm).size < fullBytes * 0.9, "the module without scripts is not smaller");
});

test("no module names a directory of the machine that built it (./x remaps the paths of panic locations)", () => {
  const leaks = [os.homedir(), "/.cargo/registry/", "/lib/rustlib/src/rust/"].filter((p) => p !== "/");
  for (const build of ["web", "web-lite", "node"]) {
    const bytes = fs.readFileSync(path.join(root, "wasm", "dist", build, "wastecheck_bg.wasm"));
    for (const leak of leaks) assert.equal(bytes.indexOf(leak), -1, `${build} names ${leak}`);
    // The remapped form is there, so the check looks where such paths are.
    assert.notEqual(bytes.indexOf("crates/index.crates.io-"), -1, `${build}: no remapped crate path found`);
  }
});

test("the same findings outside script rules, and every script rule that would run said not evaluated", () => {
  let unavailableSeen = 0;
  let scriptFindings = 0;
  for (const file of requests()) {
    const request = JSON.parse(requests.read(file));
    const options = optionsOf(request);
    const a = full.check(request.document, request.facts, options);
    const b = lite.check(request.document, request.facts, options);
    assert.ok(!a.error && !b.error, `${file}: ${JSON.stringify(a.error ?? b.error)}`);
    const unavailable = new Set(
      (b.not_evaluated ?? []).filter((n) => n.code === "script.unavailable").map((n) => n.rule),
    );
    unavailableSeen += unavailable.size;
    for (const rule of unavailable) assert.ok(scriptRules.has(rule), `${file}: ${rule} is not a script rule`);
    // Outside the rules the first module could not run, the reports agree.
    assert.deepEqual(
      b.violations,
      a.violations.filter((v) => !unavailable.has(v.rule)),
      file,
    );
    assert.deepEqual(
      (b.not_evaluated ?? []).filter((n) => n.code !== "script.unavailable"),
      (a.not_evaluated ?? []).filter((n) => !unavailable.has(n.rule)),
      file,
    );
    // A script rule's finding is never lost: its rule is listed as not evaluated.
    for (const v of a.violations.filter((v) => scriptRules.has(v.rule))) {
      scriptFindings += 1;
      assert.ok(unavailable.has(v.rule), `${file}: ${v.rule}'s finding lost without a word`);
    }
    if (unavailable.size > 0) assert.equal(b.complete, false, file);
  }
  // The fixtures exercise script rules: findings the first module had to leave out.
  assert.ok(scriptFindings >= 10, `only ${scriptFindings} script findings`);
  assert.ok(unavailableSeen >= scriptFindings);
});

test("the first module checks with the built-in packs only: bundles and schemas are the full module's", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-lite-"));
  try {
    const bundle = path.join(dir, "cn.bundle");
    cli("pack", "build", "rules/packs/cn", "-o", bundle, "--sequence", "1");
    const bytes = fs.readFileSync(bundle);
    const options = { allowUnsigned: true, replace: true };
    // The full module loads the bundle; the first one answers with a failure
    // value (it never throws) that says where to go.
    assert.ok(Checker.fromBundle(bytes, [], options) instanceof Checker);
    const refused = LiteChecker.fromBundle(bytes, [], options);
    assert.equal(refused.error?.code, "bundle.unavailable", JSON.stringify(refused));
    assert.match(refused.error.message, /the full module \(wastecheck\/web\)/);
    assert.deepEqual(LiteChecker.history(), { packs: {} });
    assert.equal(typeof full.schema("manifest"), "object");
    const schema = lite.schema("manifest");
    assert.equal(schema.error?.code, "schema.unavailable", JSON.stringify(schema).slice(0, 200));
    // The built-in packs it does check with are the full module's, digest for digest.
    assert.deepEqual(lite.packs(), full.packs());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
