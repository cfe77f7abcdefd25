//! Embeds the packs: encodes every pack folder under `packs/` into the built-in
//! bundle with the core's own encoder (so its bytes are exactly what `wastecheck
//! pack build rules/packs/*` writes, `pack.toml` and `rule.toml` carried as JSON),
//! with the bundled files and each pack's digest as literals (`packs.rs`), and
//! writes a table of the source files for `sources()` (feature
//! `toml-sources`).
//! The bundle is part of the binary: checking works with no files and no network.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use wastecheck::pack::bundle::{self, PackFiles};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .path()
        })
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("packs");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut table = String::from(
        "/// (pack, path in pack, contents) of every embedded source file.\npub const FILES: &[(&str, &str, &str)] = &[\n",
    );
    let mut packs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&root).unwrap_or(file);
        let mut parts = relative.iter().map(|p| p.to_string_lossy().into_owned());
        let pack = parts.next().unwrap_or_default();
        let path = parts.collect::<Vec<String>>().join("/");
        // Fixtures, snapshots and docs are for pack authors, not for checking.
        if path.is_empty() || !bundle::is_bundled(&path) {
            continue;
        }
        let _ = writeln!(
            table,
            "    ({pack:?}, {path:?}, include_str!({:?})),",
            file.display().to_string()
        );
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        packs.entry(pack).or_default().insert(path, text);
    }
    table.push_str("];\n");
    let sources: Vec<PackFiles> = packs
        .into_iter()
        .map(|(name, files)| PackFiles { name, files })
        .collect();
    let bytes = bundle::encode(&sources)
        .unwrap_or_else(|e| panic!("the packs under {} cannot be bundled: {e}", root.display()));
    // The packs as the bundle carries them (manifests as JSON), as string literals:
    // loading them is copying them, not reading the bundle and checking it is
    // canonical again (a fifth of loading). The tests decode the bundle and
    // compare.
    let bundled = bundle::decode(&bytes)
        .unwrap_or_else(|e| panic!("the built-in bundle cannot be read back: {e}"));
    // Each with its digest, so that loading need not hash the packs again.
    let scripts = std::env::var_os("CARGO_FEATURE_SCRIPTS").is_some();
    let mut packs_rs = String::from(
        "/// (pack, `bundle::pack_digest`, [(path, contents)]) of every embedded pack as\n/// the bundle carries it.\npub const PACKS: &[(&str, &str, Files)] = &[\n",
    );
    for pack in &bundled {
        let digest = bundle::pack_digest(pack)
            .unwrap_or_else(|e| panic!("the pack {} cannot be bundled: {e}", pack.name));
        let _ = writeln!(packs_rs, "    ({:?}, {digest:?}, &[", pack.name);
        for (path, text) in &pack.files {
            // A build without the `scripts` feature (the browser's first module)
            // cannot run a script: its text is left out, an empty file in its
            // place, so that the rule still names its script and is reported
            // `script.unavailable`. 8.9 KB gzipped. The digest stays the whole
            // pack's, computed above.
            let text = if !scripts && path.ends_with(".rhai") {
                ""
            } else {
                text.as_str()
            };
            let _ = writeln!(packs_rs, "        ({path:?}, {text:?}),");
        }
        packs_rs.push_str("    ]),\n");
    }
    packs_rs.push_str("];\n");
    for (name, contents) in [
        ("embedded.rs", table.as_bytes()),
        ("packs.rs", packs_rs.as_bytes()),
        ("builtin.bundle", bytes.as_slice()),
    ] {
        let out = out_dir.join(name);
        std::fs::write(&out, contents).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    }
}
