//! The pack source loader and compiler: arbitrary files of one pack folder
//! (`pack.toml`, `DIR/rule.toml`, `DIR/check.rhai`, in the text form of
//! `wastecheck_fuzz::pack_from_text`), loaded in memory with the built-in packs
//! as its parents, compiled under the packs' sandbox limits, and — when they load —
//! run over the example documents.
//!
//! To keep each run quick, the built-in packs stand in without their rules (their
//! manifests, catalogue and calendar, and the rules another pack's
//! manifest names), and a pack named like a built-in one
//! takes that pack's data files (CSV) unless the input gives them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::PackFiles;
use wastecheck::registry::Registry;
use wastecheck::{CheckOptions, Checker};
use wastecheck_fuzz::{DOCUMENTS, pack_from_text};

/// The built-in packs without their rules: manifests and data files.
fn bare_builtins() -> &'static [PackFiles] {
    static BARE: OnceLock<Vec<PackFiles>> = OnceLock::new();
    BARE.get_or_init(|| {
        let sources = wastecheck_rules::sources();
        // Rules another pack's manifest names (an override) stay.
        let manifests: String = sources
            .iter()
            .filter_map(|p| p.files.get("pack.toml").cloned())
            .collect();
        sources
            .into_iter()
            .map(|mut pack| {
                pack.files.retain(|path, _| {
                    let dir = path.split('/').next().unwrap_or_default();
                    path == "pack.toml"
                        || path.ends_with(".csv")
                        || manifests.contains(&format!("\"{dir}\""))
                });
                pack
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut pack = pack_from_text(&text);
    let mut sources: Vec<PackFiles> = Vec::new();
    for bare in bare_builtins() {
        if bare.name == pack.name {
            for (path, text) in &bare.files {
                if path.ends_with(".csv") {
                    pack.files
                        .entry(path.clone())
                        .or_insert_with(|| text.clone());
                }
            }
        } else {
            sources.push(bare.clone());
        }
    }
    sources.push(pack);
    let Ok(registry) = Registry::from_sources(&sources, &CompileOptions::default()) else {
        return;
    };
    let checker = Checker::new(registry);
    for document in DOCUMENTS {
        let report = checker.check_str(document, None, &CheckOptions::default());
        serde_json::to_string(&report).expect("a report serialises");
    }
});
