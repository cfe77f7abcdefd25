//! Embeds the pack sources: every bundled file under `packs/` becomes an
//! `include_str!` in a generated table, so the built-in bundle is part of the
//! binary and works with no files and no network. (The canonical bundle bytes are
//! encoded from this table by the core, so they are exactly what `wastecheck pack
//! build rules/packs/*` writes.)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut table = String::from(
        "/// (pack, path in pack, contents) of every embedded source file.\npub const FILES: &[(&str, &str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&root).unwrap_or(file);
        let mut parts = relative.iter().map(|p| p.to_string_lossy().into_owned());
        let pack = parts.next().unwrap_or_default();
        let path: Vec<String> = parts.collect();
        let path = path.join("/");
        // Fixtures, snapshots and docs are for pack authors, not for checking.
        if path.contains("fixtures/")
            || path.ends_with(".snap")
            || path.ends_with(".md")
            || path.is_empty()
        {
            continue;
        }
        let _ = writeln!(
            table,
            "    ({pack:?}, {path:?}, include_str!({:?})),",
            file.display().to_string()
        );
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
