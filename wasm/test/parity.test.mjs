// Native and wasm give identical reports: for every rule fixture
// (rules/packs/*/*/fixtures/*.json) and every scenario (tests/scenarios/*.json) —
// each a check request — the native core's JSON facade (the `native_reports`
// example, built by `./x test`) and the wasm module in Node.js must agree:
//
//   * byte for byte, through `checkJson` (the facade itself, compiled to wasm);
//   * value for value, through `check(document, facts, {locale, asOf, kind})`, the
//     object API forms use, in English as well.
//
// The same comparison runs in Chromium in browser.test.mjs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { requests, nativeReports, optionsOf } from "./parity.mjs";
import { Checker } from "wastecheck";

const files = requests();
const native = nativeReports(files);
const checker = Checker.builtin();

test("the suite is there", () => {
  assert.ok(files.filter((f) => f.includes("/fixtures/")).length >= 60, "rule fixtures missing");
  assert.ok(files.filter((f) => f.startsWith("tests/scenarios/")).length >= 4, "scenarios missing");
});

test("checkJson: byte-identical to native for every fixture and scenario", () => {
  for (const [file, text] of files.map((f) => [f, requests.read(f)])) {
    assert.equal(checker.checkJson(text), native[file].request, file);
  }
});

test("check(): the same report as native, in the request's locale and in English", () => {
  for (const file of files) {
    const request = JSON.parse(requests.read(file));
    const options = optionsOf(request);
    assert.deepEqual(
      checker.check(request.document, request.facts, options),
      JSON.parse(native[file].request),
      file,
    );
    assert.deepEqual(
      checker.check(request.document, request.facts, { ...options, locale: "en" }),
      JSON.parse(native[file].en),
      `${file} (en)`,
    );
  }
});

// Generated documents: the core's proptest strategies (valid transfer manifests and
// ones with a known mistake, both locales; a fixed seed) through the
// `native_reports --generated` example. bindings/host/tests/all/parity.rs holds
// wastecheck.wasm under wasmtime to the native answers for the same strategies, so
// native, wasmtime and Node.js agree.
test("checkJson: byte-identical to native for 200 generated documents", () => {
  const generated = nativeReports.generated(200);
  assert.equal(generated.length, 200);
  for (const [i, { request, report }] of generated.entries()) {
    assert.equal(checker.checkJson(request), report, `generated request ${i}: ${request}`);
  }
});
