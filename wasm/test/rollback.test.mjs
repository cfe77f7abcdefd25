// Bundles cannot be rolled back in the npm package: once a bundle of a pack was
// served, an older one (by its signed sequence number) is refused unless
// `allowDowngrade`, and a pack version is never served with two contents. Its own
// file, so that this process's module starts with no history. Run by `./x test`:
//
//     node --test wasm/test/rollback.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli, root } from "./cli.mjs";
import { Checker } from "wastecheck";


test("an older bundle is refused after a newer one, unless allowDowngrade; a served version keeps its content", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wastecheck-rollback-"));
  try {
    const zj = path.join(dir, "zj");
    fs.cpSync(path.join(root, "rules", "packs", "zj"), zj, { recursive: true });
    const manifestPath = path.join(zj, "pack.toml");
    const packToml = fs.readFileSync(manifestPath, "utf8");
    fs.writeFileSync(manifestPath, packToml.replace(/^version = "1\.0\.0"$/m, 'version = "1.1.0"'));
    const key = path.join(dir, "regulator.key");
    cli("pack", "keygen", "-o", key);
    const trusted = fs.readFileSync(`${key}.pub`, "utf8").trim();
    const issue = (name, sequence) => {
      const bundle = path.join(dir, name);
      cli("pack", "build", zj, "-o", bundle, "--sequence", String(sequence));
      cli("pack", "sign", bundle, "--key", key);
      return { bytes: fs.readFileSync(bundle), signature: fs.readFileSync(`${bundle}.sig`, "utf8") };
    };
    const older = issue("older.bundle", 2026120401);
    const newer = issue("newer.bundle", 2026120402);

    assert.deepEqual(Checker.history(), { packs: {} });
    const served = Checker.fromBundle(newer.bytes, [trusted], { signature: newer.signature });
    assert.ok(served instanceof Checker, JSON.stringify(served));
    const history = Checker.history();
    assert.equal(history.packs.zj.sequence, 2026120402);

    const refused = Checker.fromBundle(older.bytes, [trusted], { signature: older.signature });
    assert.equal(refused.error.code, "bundle.rollback", JSON.stringify(refused));
    assert.match(refused.error.message, /2026120401/);
    const allowed = Checker.fromBundle(older.bytes, [trusted], { signature: older.signature, allowDowngrade: true });
    assert.ok(allowed instanceof Checker, JSON.stringify(allowed));

    // Another content under the version served: refused even when downgrading.
    fs.writeFileSync(path.join(zj, "extra.csv"), "a,b\n");
    const confusing = issue("confusing.bundle", 2026120403);
    const conflict = Checker.fromBundle(confusing.bytes, [trusted], { signature: confusing.signature, allowDowngrade: true });
    assert.equal(conflict.error.code, "bundle.conflict", JSON.stringify(conflict));

    // A bad history is refused, not ignored.
    const bad = Checker.fromBundle(newer.bytes, [trusted], { signature: newer.signature, history: { packs: { zj: { sequence: -1 } } } });
    assert.equal(bad.error.code, "request.options", JSON.stringify(bad));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
