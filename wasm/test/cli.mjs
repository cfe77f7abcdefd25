// The command line for the package's tests: the binary `cargo test --workspace`
// built, else built now by `cargo run`.

import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const cliBinary = path.join(root, "target", "debug", process.platform === "win32" ? "wastecheck.exe" : "wastecheck");

/** Runs `wastecheck ARGS…` at the repository root; its stdout. */
export const cli = (...args) =>
  fs.existsSync(cliBinary)
    ? execFileSync(cliBinary, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    : execFileSync("cargo", ["run", "-q", "--locked", "-p", "wastecheck-cli", "--", ...args], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
      });
