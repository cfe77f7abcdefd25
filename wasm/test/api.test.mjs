// The npm package's API in Node.js, imported by its name as users do (the package's
// `exports` pick the Node.js build). Run by `./x test` after `./x build-wasm`:
//
//     node --test wasm/test/api.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cli, cliBinary } from "./cli.mjs";
import { Checker, version } from "wastecheck";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const read = (p) => JSON.parse(fs.readFileSync(path.join(root, p), "utf8"));
const checker = Checker.builtin();
const mistakes = read("spec/examples/manifest.mistakes.json");
const valid = read("spec/examples/manifest.valid.json");
const facts = read("spec/examples/facts.example.json");

const isFailure = (v) => v && typeof v === "object" && "error" in v;


test("a manifest with mistakes: every violation with its pointer, message and basis", () => {
  const report = checker.check(mistakes, null, { locale: "en" });
  assert.ok(!isFailure(report));
  assert.equal(report.kind, "manifest");
  assert.equal(report.valid, false);
  const digit = report.violations.find((v) => v.path === "/consignor/credit_code");
  assert.equal(digit.rule, "schema.check-digit");
  assert.equal(digit.params.expected, "W");
  assert.match(digit.message, /check digit/);
  assert.ok(digit.basis.length > 0);
  assert.equal(report.counts.error, report.violations.filter((v) => v.severity === "error").length);
  assert.ok(report.packs.some((p) => p.id === "cn" && p.digest.startsWith("sha256:")));
  // Plain objects, not Maps.
  assert.equal(Object.getPrototypeOf(report), Object.prototype);
});

test("the locale changes the messages, never the findings", () => {
  const zh = checker.check(mistakes); // zh-CN by default
  const en = checker.check(mistakes, null, { locale: "en" });
  assert.deepEqual(
    zh.violations.map((v) => [v.rule, v.path]),
    en.violations.map((v) => [v.rule, v.path]),
  );
  assert.notEqual(zh.violations[1].message, en.violations[1].message);
  assert.match(zh.violations[1].message, /[\u4e00-\u9fff]/);
});

test("a valid manifest with the facts the host holds", () => {
  const report = checker.check(valid, facts, { locale: "en", asOf: "2026-03-04" });
  assert.equal(report.valid, true, JSON.stringify(report.violations));
  assert.equal(report.as_of, "2026-03-04");
  // Without facts, the rules that need them say so: never a silent pass.
  const bare = checker.check(valid);
  assert.equal(bare.complete, false);
  assert.ok(bare.not_evaluated.some((n) => n.rule === "cn.transfer.receiver-unlicensed"));
});

test("checkField keeps the violations at or under the pointer", () => {
  const report = checker.checkField(mistakes, "/consignor", null, { locale: "en" });
  assert.ok(report.violations.length > 0);
  for (const v of report.violations) assert.ok(v.path === "/consignor" || v.path.startsWith("/consignor/"), v.path);
  assert.equal(report.counts.error, report.violations.filter((v) => v.severity === "error").length);
  assert.equal(report.valid, false);
  const fine = checker.checkField(valid, "/consignor", facts);
  assert.deepEqual(fine.violations, []);
  assert.equal(fine.valid, true);
  assert.equal(checker.checkField(valid, "consignor").error.code, "request.pointer");
});

test("errors are values with a code and a message, never exceptions", () => {
  const cases = [
    [() => checker.check(valid, null, { locale: "fr" }), "request.locale"],
    [() => checker.check(valid, null, { asOf: "2026-02-30" }), "request.as_of"],
    [() => checker.check(valid, null, { as_of: "2026-01-01" }), "request.options"],
    [() => checker.check(valid, null, { kind: "invoice" }), "request.kind"],
    [() => checker.check(undefined), "request.document"],
    [() => checker.check(valid, null, "en"), "request.options"],
    [() => checker.check({ kind: "manifest", n: 10n }), "request.json"],
    [() => checker.schema("invoice"), "schema.kind"],
    [() => checker.rules({ region: "99" }), "request.options"],
    [() => Checker.fromBundle(new Uint8Array([1, 2, 3]), []), "bundle.signature"],
  ];
  const cyclic = { kind: "manifest" };
  cyclic.self = cyclic;
  cases.push([() => checker.check(cyclic), "request.json"]);
  for (const [call, code] of cases) {
    const out = call();
    assert.ok(isFailure(out), `${code}: ${JSON.stringify(out)}`);
    assert.equal(out.error.code, code);
    assert.equal(typeof out.error.message, "string");
    assert.ok(out.error.message.length > 0);
    assert.doesNotMatch(out.error.message, /panicked|RuntimeError|unreachable/);
  }
});

test("wrong argument types give error values or nothing, never a crash", () => {
  assert.equal(Checker.fromBundle("text", []).error.code, "bundle.invalid");
  assert.equal(Checker.fromBundle(null, []).error.code, "bundle.invalid");
  assert.equal(Checker.fromBundle(new Uint8Array(2), "key").error.code, "bundle.keys");
  assert.equal(checker.checkField(valid, undefined).error.code, "request.pointer");
  assert.equal(checker.checkField(valid, 7).error.code, "request.pointer");
  assert.equal(checker.schema(5).error.code, "schema.kind");
  assert.equal(JSON.parse(checker.checkJson({})).error.code, "request.json");
  assert.equal(checker.catalogue.get(undefined), null);
  assert.deepEqual(checker.catalogue.search(undefined), []);
  assert.equal(checker.catalogue.search(90004, 1)[0].code, "900-041-49");
  assert.ok(checker.catalogue.search("HW08", -1).length <= 100);
  // …and the checker still works afterwards.
  assert.equal(checker.check(valid, facts).valid, true);
});

test("anything a form can send gives a report or an error value", () => {
  const inputs = [
    null, 42, "text", "{\"kind\":\"manifest\"}", [], [1, 2], true, {},
    { kind: "" }, { kind: 7 }, { kind: "manifest", wastes: "none" },
    { kind: "manifest", consignor: { credit_code: "" }, wastes: [{ quantity: { value: "1,5", unit: "t" } }] },
    { kind: "manifest", wastes: [{ quantity: { value: 1e400 } }] },
    { kind: "manifest", wastes: [{ code: "９００-０４１-４９" }], number: "２０２６" },
    { kind: "declaration", year: "twenty" },
    { kind: "manifest", "\u0000": "\ud800" },
  ];
  for (const input of inputs) {
    const out = checker.check(input, { licences: "none" }, { locale: "en" });
    assert.ok(isFailure(out) || Array.isArray(out.violations), JSON.stringify(input));
    if (!isFailure(out)) assert.equal(typeof out.valid, "boolean");
  }
  // null as the document: no document
  assert.equal(checker.check(null).error.code, "request.document");
});

test("10,000 waste lines give a report", () => {
  const line = valid.wastes[0];
  const big = { ...valid, wastes: Array.from({ length: 10_000 }, () => line) };
  const report = checker.check(big, facts, { locale: "en" });
  assert.ok(Array.isArray(report.violations));
});

test("deeply nested junk gives an error value", () => {
  let junk = {};
  for (let i = 0; i < 5_000; i++) junk = { a: [junk] };
  const out = checker.check({ kind: "manifest", junk });
  assert.ok(isFailure(out) || Array.isArray(out.violations));
  if (isFailure(out)) assert.equal(out.error.code, "request.json");
});

test("checkJson is the core's facade, text in and text out", () => {
  const text = checker.checkJson(JSON.stringify({ document: mistakes, locale: "en" }));
  assert.deepEqual(JSON.parse(text), checker.check(mistakes, null, { locale: "en" }));
  assert.equal(JSON.parse(checker.checkJson("not json")).error.code, "request.json");
});

test("checkBatch: many documents in one call, each answered as check() answers it alone", () => {
  const documents = [valid, mistakes, 7, { kind: "ledger" }];
  const answers = checker.checkBatch(documents, facts, { locale: "en", asOf: "2026-03-02" });
  assert.ok(Array.isArray(answers), JSON.stringify(answers).slice(0, 200));
  assert.equal(answers.length, documents.length);
  documents.forEach((document, i) => {
    assert.deepEqual(answers[i], checker.check(document, facts, { locale: "en", asOf: "2026-03-02" }), `document ${i}`);
  });
  assert.deepEqual(checker.checkBatch([]), []);
  assert.equal(checker.checkBatch(valid).error.code, "request.document");
  // Options that cannot serve fail each request, as check() fails.
  assert.equal(checker.checkBatch([valid], null, { locale: "fr" })[0].error.code, "request.locale");
  assert.equal(checker.checkBatch(new Array(1001).fill({})).error.code, "request.batch_too_long");
  // The raw facade: text in, text out, facts shared by requests without their own.
  const text = checker.checkBatchJson(JSON.stringify({ facts, requests: [{ document: valid, locale: "en" }] }));
  assert.deepEqual(JSON.parse(text), [checker.check(valid, facts, { locale: "en" })]);
  assert.equal(JSON.parse(checker.checkBatchJson("{")).error.code, "request.json");
  assert.equal(JSON.parse(checker.checkBatchJson(5)).error.code, "request.json");
});

test("catalogue: search for autocomplete and get by code", () => {
  const hits = checker.catalogue.search("90004", 5);
  assert.ok(hits.length > 0 && hits.length <= 5);
  assert.equal(hits[0].code.replace(/-/g, "").slice(0, 5), "90004");
  assert.equal(hits[0].matched, "code_prefix");
  const text = checker.catalogue.search("废矿物油", 3);
  assert.equal(text.length, 3);
  assert.ok(text.every((h) => h.category === "HW08" || h.description.includes("废矿物油")));
  assert.deepEqual(checker.catalogue.search("", 5), []);
  assert.deepEqual(checker.catalogue.search("HW08", 1000).length <= 100, true);
  const entry = checker.catalogue.get("900-041-49");
  assert.equal(entry.category, "HW49");
  assert.equal(entry.category_name, "其他废物");
  assert.ok(entry.hazard_list.includes("T"));
  assert.equal(checker.catalogue.get("999-999-99"), null);
  assert.equal(checker.catalogue.get("nonsense"), null);
  assert.equal(checker.catalogue.edition.id, "hw-2021");
});

test("rules, packs, schemas", () => {
  const rules = checker.rules();
  assert.ok(rules.length >= 30);
  const rule = rules.find((r) => r.id === "cn.transfer.receiver-unlicensed");
  assert.ok(rule);
  assert.ok(["error", "warning", "info"].includes(rule.severity));
  assert.ok(rule.title["zh-CN"] && rule.title.en);
  assert.ok(rule.basis.length > 0 && rule.basis[0].instrument);
  assert.ok(rule.applies_to.includes("manifest"));
  assert.deepEqual(checker.rules({ asOf: "2026-03-01" }).map((r) => r.id), rules.map((r) => r.id));

  const packs = checker.packs();
  const cn = packs.find((p) => p.id === "cn");
  assert.equal(cn.jurisdiction, "000000");
  assert.equal(cn.rules, rules.filter((r) => r.pack === `cn@${cn.version}`).length);
  // The editions by date: the 2016 and 2025 lists declared without their tables.
  assert.deepEqual(
    cn.catalogues.map((c) => [c.id, c.effective_from, c.carried, c.stand_in]),
    [
      ["hw-2016", "2016-08-01", false, undefined],
      ["hw-2021", "2021-01-01", true, undefined],
      ["hw-2025", "2025-01-01", false, "hw-2021"],
    ],
  );
  assert.equal(checker.digest, undefined);

  const schema = checker.schema("manifest");
  assert.equal(schema.$id, "https://wastecheck.invalid/schemas/manifest.json");
  assert.deepEqual(schema, read("spec/schemas/manifest.json"));
  assert.equal(checker.schema("report").title, "wastecheck report");
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("bundles: a signed bundle loads; unsigned, untrusted or damaged ones are refused", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-bundle-"));
  try {
    const bundle = path.join(dir, "packs.bundle");
    const key = path.join(dir, "regulator.key");
    cli("pack", "build", "rules/packs/cn", "-o", bundle, "--sequence", "1");
    cli("pack", "keygen", "-o", key);
    cli("pack", "sign", bundle, "--key", key);
    const bytes = fs.readFileSync(bundle);
    const signature = fs.readFileSync(`${bundle}.sig`, "utf8");
    const trusted = fs.readFileSync(`${key}.pub`, "utf8").trim();

    const loaded = Checker.fromBundle(bytes, [trusted], { signature });
    assert.ok(loaded instanceof Checker, JSON.stringify(loaded));
    assert.match(loaded.digest, /^sha256:/);
    assert.deepEqual(
      loaded.check(mistakes, null, { locale: "en" }).violations,
      checker.check(mistakes, null, { locale: "en" }).violations,
    );

    assert.equal(Checker.fromBundle(bytes, [trusted]).error.code, "bundle.signature");
    const other = "wastecheck-ed25519-public:" + Buffer.alloc(32, 0).toString("base64");
    assert.equal(Checker.fromBundle(bytes, ["not a key"], { signature }).error.code, "bundle.keys");
    const untrusted = Checker.fromBundle(bytes, [other], { signature });
    assert.ok(isFailure(untrusted));
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 3] ^= 1;
    assert.equal(Checker.fromBundle(tampered, [trusted], { signature }).error.code, "bundle.signature");
    // Unsigned only when explicitly allowed; a present signature must still verify.
    assert.ok(Checker.fromBundle(bytes, [], { allowUnsigned: true }) instanceof Checker);
    assert.equal(
      Checker.fromBundle(tampered, [trusted], { signature, allowUnsigned: true }).error.code,
      "bundle.signature",
    );
    assert.equal(Checker.fromBundle(Buffer.from("{}"), [], { allowUnsigned: true }).error.code, "bundle.invalid");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bundles layer over the built-in packs: a signed zj-only bundle checks a Zhejiang manifest against cn + zj", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-layer-"));
  try {
    // The built-in zj released again as 1.1.0, built and signed as the README shows:
    // it sits beside the built-in zj 1.0.0, and selection picks it.
    const zj = path.join(dir, "zj");
    fs.cpSync(path.join(root, "rules", "packs", "zj"), zj, { recursive: true });
    const manifestPath = path.join(zj, "pack.toml");
    const packToml = fs.readFileSync(manifestPath, "utf8");
    assert.match(packToml, /^version = "1\.0\.0"$/m);
    fs.writeFileSync(manifestPath, packToml.replace(/^version = "1\.0\.0"$/m, 'version = "1.1.0"'));
    const bundle = path.join(dir, "zj.bundle");
    const key = path.join(dir, "regulator.key");
    // One pack's bundle digest is the pack's own digest.
    const zjDigest = cli("pack", "build", zj, "-o", bundle, "--sequence", "0").toString().trim();
    const cnDigest = cli("pack", "build", "rules/packs/cn", "-o", path.join(dir, "cn.bundle"), "--sequence", "0").toString().trim();
    cli("pack", "keygen", "-o", key);
    cli("pack", "sign", bundle, "--key", key);
    const bytes = fs.readFileSync(bundle);
    const signature = fs.readFileSync(`${bundle}.sig`, "utf8");
    const trusted = fs.readFileSync(`${key}.pub`, "utf8").trim();

    const layered = Checker.fromBundle(bytes, [trusted], { signature });
    assert.ok(layered instanceof Checker, JSON.stringify(layered));
    assert.equal(layered.digest, zjDigest);
    const versions = layered.packs().filter((p) => p.id === "zj").map((p) => p.version).sort();
    assert.deepEqual(versions, ["1.0.0", "1.1.0"]);
    const hangzhou = structuredClone(valid);
    hangzhou.consignor.region = "330106"; // 西湖区: Zhejiang, outside Shaoxing
    const report = layered.check(hangzhou, facts, { locale: "en" });
    assert.ok(!isFailure(report), JSON.stringify(report));
    const packs = report.packs.map(({ id, version, digest }) => ({ id, version, digest }));
    packs.sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(packs, [
      { id: "cn", version: "1.0.0", digest: cnDigest },
      { id: "zj", version: "1.1.0", digest: zjDigest },
    ]);

    // Alone, the bundle lacks the cn its zj extends.
    const alone = Checker.fromBundle(bytes, [trusted], { signature, replace: true });
    assert.equal(alone.error.code, "bundle.packs");
    assert.match(alone.error.message, /extends cn \^1/);
    // Signature rules are unchanged.
    assert.equal(Checker.fromBundle(bytes, [trusted], { replace: false }).error.code, "bundle.signature");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// GET as JSON, any other answer failing with its status and start.
async function getJson(url) {
  const response = await fetch(url);
  const text = await response.text();
  assert.equal(response.status, 200, `GET ${url}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

test("the same shapes everywhere: serve's /v1/rules and /v1/packs are the package's rules() and packs()", async () => {
  const binary = fs.existsSync(cliBinary) ? cliBinary : (cli("--version"), cliBinary);
  const server = spawn(binary, ["serve", "--listen", "127.0.0.1:0"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  try {
    const base = await new Promise((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
      server.stderr.on("data", (chunk) => {
        err += chunk;
        // The address ends at the space after it: stderr may arrive cut mid-address
        // ("http://127" once, which a resolver then refused).
        const found = /listening on (http:\/\/\S+)\s/.exec(err);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      server.on("exit", (code) => reject(new Error(`serve exited (${code}): ${err}`)));
    });
    for (const [region, asOf] of [["330106", "2026-03-02"], ["330603", "2026-03-02"], ["000000", undefined]]) {
      const query = `region=${region}${asOf ? `&as_of=${asOf}` : ""}`;
      const served = await getJson(`${base}/v1/rules?${query}`);
      assert.equal(served.chains.length, 1, JSON.stringify(served));
      assert.ok(served.chains[0].rules.length >= 30, query);
      assert.deepEqual(served.chains[0].rules, checker.rules({ region, asOf }), query);
    }
    const servedPacks = (await getJson(`${base}/v1/packs`)).packs;
    assert.deepEqual(
      servedPacks.map(({ source, chain, ...pack }) => pack),
      checker.packs(),
    );
    // Guidance answers the same over HTTP as in the package (issue 21).
    const post = async (route, body) => {
      const response = await fetch(`${base}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      assert.equal(response.status, 200, `POST ${route}: ${text.slice(0, 200)}`);
      return JSON.parse(text);
    };
    assert.deepEqual(await post("/v1/next", { document: draft, facts }), checker.next(draft, facts));
    for (const pointer of ["/receiver", "/wastes/0/method", "/carrier/vehicle_plate", "/wastes/0/quantity/unit"]) {
      assert.deepEqual(
        await post("/v1/choices", { document: draft, facts, pointer }),
        checker.choices(draft, pointer, facts),
        pointer,
      );
    }
  } finally {
    server.kill();
  }
});

// A draft manifest: the consignor, the receiver's code and one line so far.
const draft = {
  kind: "manifest",
  stage: "draft",
  created_at: "2026-03-02T08:00:00+08:00",
  dispatched_at: "2026-03-03T09:15:00+08:00",
  consignor: { credit_code: "91330603MA2D7K4P5W", name: "绍兴某某化工有限公司", region: "330603" },
  receiver: { credit_code: "91330604MA2JL6C3X2" },
  carrier: { credit_code: "91330602MA2BQ81HXG" },
  wastes: [{ code: "900-249-08", category: "HW08", hazards: ["T", "I"], quantity: { value: "2", unit: "t" }, method: "D10" }],
};

test("next: the fields the next stage requires, and what undecided rules wait for — as the command line says", () => {
  const next = checker.next(draft, facts);
  assert.equal(next.stage, "draft");
  assert.equal(next.next_stage, "submitted");
  assert.equal(next.required[0].path, "/number");
  assert.equal(next.required[0].label["zh-CN"], "联单编号");
  assert.ok(next.undecided.some((u) => u.needs.some((n) => n.type === "field" && n.path === "/number")));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-next-"));
  const file = path.join(dir, "draft.json");
  fs.writeFileSync(file, JSON.stringify(draft));
  const native = JSON.parse(cli("next", "--format", "json", "--facts", "spec/examples/facts.example.json", file));
  assert.deepEqual(next, native);
  assert.ok(isFailure(checker.next(draft, facts, { locale: "fr" })));
});

test("choices: lawful values for a field, each with its label and patch", () => {
  const receivers = checker.choices(draft, "/receiver", facts);
  assert.equal(receivers.path, "/receiver");
  const methods = checker.choices(draft, "/wastes/0/method", facts);
  assert.deepEqual(methods.choices.map((c) => c.value), ["D10"]);
  const vehicles = checker.choices(draft, "/carrier/vehicle_plate", facts);
  assert.ok(vehicles.choices.length >= 1);
  assert.deepEqual(vehicles.choices[0].patch, [{ op: "add", path: "/carrier/vehicle_plate", value: vehicles.choices[0].value }]);
  const codes = checker.choices({ ...draft, wastes: [{ ...draft.wastes[0], code: "废矿物油" }] }, "/wastes/0/code", facts);
  assert.ok(codes.choices.length > 0 && codes.choices.every((c) => c.value.endsWith("-08")));
  assert.ok(isFailure(checker.choices(draft, 7, facts)));
});

test("session: an edit answers what it added and removed, and the report is check()'s", () => {
  const session = checker.session(mistakes, facts);
  assert.ok(!isFailure(session));
  assert.deepEqual(session.report, checker.check(mistakes, facts));
  const digit = session.report.violations.find((v) => v.rule === "schema.check-digit");
  const change = session.apply(digit.fix);
  assert.deepEqual(change.removed.map((v) => v.rule), ["schema.check-digit"]);
  assert.deepEqual(session.report, checker.check(session.document, facts));
  const typed = session.set("/wastes/0/quantity/value", "1,5");
  assert.ok(typed.added.some((v) => v.path === "/wastes/0/quantity/value"));
  assert.deepEqual(session.report, checker.check(session.document, facts));
  session.set("/wastes/0/quantity/value", undefined);
  assert.equal(session.document.wastes[0].quantity.value, undefined);
  assert.equal(session.set("/no/such/parent", 1).error.code, "edit.no_parent");
  assert.ok(isFailure(checker.session(undefined)));
});

test("the package would publish as it is", () => {
  const pkgDir = path.join(root, "wasm");
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  for (const key of ["name", "version", "license", "exports", "types", "files"]) assert.ok(pkg[key], key);
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkgDir });
  const files = JSON.parse(out)[0].files.map((f) => f.path);
  for (const f of [
    "package.json", "README.md",
    "dist/web/wastecheck.js", "dist/web/wastecheck.d.ts", "dist/web/wastecheck_bg.wasm",
    "dist/web-lite/wastecheck.js", "dist/web-lite/wastecheck.d.ts", "dist/web-lite/wastecheck_bg.wasm",
    "dist/node/wastecheck.js", "dist/node/wastecheck.d.ts", "dist/node/wastecheck_bg.wasm",
    "dist/node/package.json", "types/index.d.ts", "types/manifest.d.ts", "types/report.d.ts", "types/api.d.ts",
  ]) assert.ok(files.includes(f), `${f} missing from the package: ${files.join(", ")}`);
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("demo/")));
  // Every file the exports name is in the package.
  const targets = [];
  const walk = (v) => (typeof v === "string" ? targets.push(v.slice(2)) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of targets) assert.ok(files.includes(t), `exports names ${t}, which is not packed`);
  // The version is the crate's.
  assert.equal(pkg.version, version());
});
