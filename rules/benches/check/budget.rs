//! The wasm budget table of the summary (issue 22): each module's size raw and
//! gzipped (`gzip -9`, as `./x build-wasm` prints it), as `./x build-wasm` and `./x
//! abi-wasm` last left them. `node wasm/bench.mjs` times their start-up and checks,
//! which a Rust benchmark cannot; a module not built is said to be missing, and the
//! summary goes on.

use std::path::Path;
use std::process::Command;

/// The modules: what each is for, its path from the workspace, its goal gzipped.
const MODULES: &[(&str, &str, Option<u64>)] = &[
    (
        "the browser's first module (no rule scripts)",
        "wasm/dist/web-lite/wastecheck_bg.wasm",
        Some(450_000),
    ),
    (
        "the full browser module",
        "wasm/dist/web/wastecheck_bg.wasm",
        None,
    ),
    (
        "the npm package's Node.js module",
        "wasm/dist/node/wastecheck_bg.wasm",
        None,
    ),
    (
        "wastecheck.wasm, for wasmtime hosts",
        "target/wastecheck.wasm",
        None,
    ),
];

/// Bytes of `path` gzipped by `gzip -9`, or why not.
fn gzipped(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip did not run: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(out.stdout.len() as u64)
}

pub(super) fn table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    println!(
        "wasm budget (the modules `./x build-wasm` and `./x abi-wasm` left; `node wasm/bench.mjs` times them):"
    );
    for (what, path, goal) in MODULES {
        let file = root.join(path);
        let line = match std::fs::metadata(&file) {
            Err(_) => "not built".to_owned(),
            Ok(meta) => match gzipped(&file) {
                Err(why) => format!("{} B raw; gzip: {why}", meta.len()),
                Ok(gz) => {
                    let goal = goal.map_or(String::new(), |goal| {
                        let met = if gz < goal { "met" } else { "NOT met" };
                        format!("   (goal < {goal} B: {met})")
                    });
                    format!("{} B raw, {gz} B gzipped{goal}", meta.len())
                }
            },
        };
        println!("  {what:<44} {line}   {path}");
    }
}
