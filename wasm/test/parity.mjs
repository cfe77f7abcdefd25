// Helpers of the parity tests: the check-request files, and the native reports of
// them from the `native_reports` example (the core's JSON facade, natively).

import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Every rule fixture and scenario, as paths relative to the repository root. */
export function requests() {
  const out = [];
  const packs = path.join(root, "rules", "packs");
  for (const pack of fs.readdirSync(packs).sort()) {
    const packDir = path.join(packs, pack);
    if (!fs.statSync(packDir).isDirectory()) continue;
    for (const rule of fs.readdirSync(packDir).sort()) {
      const dir = path.join(packDir, rule, "fixtures");
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir).sort()) {
        if (f.endsWith(".json")) out.push(`rules/packs/${pack}/${rule}/fixtures/${f}`);
      }
    }
  }
  const scenarios = path.join(root, "tests", "scenarios");
  for (const f of fs.readdirSync(scenarios).sort()) {
    if (f.endsWith(".json")) out.push(`tests/scenarios/${f}`);
  }
  return out;
}
requests.read = (file) => fs.readFileSync(path.join(root, file), "utf8");

/** The JSON that the `native_reports` example prints for `args` (built, or through cargo). */
function runNativeReports(args) {
  const built = path.join(root, "target", "debug", "examples", "native_reports");
  const out = fs.existsSync(built)
    ? execFileSync(built, args, { cwd: root, maxBuffer: 256 << 20 })
    : execFileSync(
        "cargo",
        ["run", "-q", "--locked", "-p", "wastecheck-wasm", "--example", "native_reports", "--", ...args],
        { cwd: root, maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "inherit"] },
      );
  return JSON.parse(out);
}

/** `{file: {request, en}}`: the native facade's report texts. */
export function nativeReports(files) {
  return runNativeReports(files);
}

/** `[{request, report}]`: `n` generated check requests with the native facade's answers. */
nativeReports.generated = (n) => runNativeReports(["--generated", String(n)]);

/** The object API's options for a check request. */
export function optionsOf(request) {
  const options = {};
  if (request.locale !== undefined) options.locale = request.locale;
  if (request.as_of !== undefined) options.asOf = request.as_of;
  if (request.kind !== undefined) options.kind = request.kind;
  return options;
}
