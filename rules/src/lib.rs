//! # wastecheck-rules
//!
//! The built-in rule packs of wastecheck — national `cn` (and, as they land,
//! Zhejiang `zj` and Shaoxing `zj-shaoxing`) with the national waste catalogue and
//! the official working-day calendar — embedded in the binary so that checking
//! works offline with no set-up. The sources live in `packs/`, one folder per pack
//! and one folder per rule; this crate only embeds and loads them.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::{self, PackFiles};
use wastecheck::pack::registry::Registry;
use wastecheck::{Catalogue, Checker};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded pack sources, one entry per pack folder.
pub fn sources() -> Vec<PackFiles> {
    let mut packs: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for (pack, path, text) in embedded::FILES {
        packs
            .entry(pack)
            .or_default()
            .insert((*path).to_owned(), (*text).to_owned());
    }
    packs
        .into_iter()
        .map(|(name, files)| PackFiles {
            name: name.to_owned(),
            files,
        })
        .collect()
}

/// The built-in bundle: the canonical bytes of every embedded pack.
pub fn bundle() -> &'static [u8] {
    static BUNDLE: OnceLock<Vec<u8>> = OnceLock::new();
    BUNDLE.get_or_init(|| match bundle::encode(&sources()) {
        Ok(bytes) => bytes,
        Err(error) => panic!("the embedded packs cannot be bundled: {error}"),
    })
}

/// Loads and compiles the embedded packs afresh (a benchmark of start-up cost).
pub fn load() -> Result<Registry, wastecheck::pack::spec::PackError> {
    Registry::from_sources(&sources(), &CompileOptions::default())
}

/// A checker over the built-in packs, loaded and compiled once. The embedded packs
/// are checked by this crate's tests (and `wastecheck pack lint`), so loading them
/// cannot fail in a released build.
pub fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| match load() {
        Ok(registry) => Checker::new(registry),
        Err(error) => panic!("the embedded packs are invalid: {error}"),
    })
}

/// The built-in packs.
pub fn builtin() -> &'static Registry {
    checker().registry()
}

/// The newest national catalogue edition of the built-in packs.
pub fn catalogue() -> &'static Catalogue {
    match checker().catalogue() {
        Some(catalogue) => catalogue,
        None => panic!("the built-in packs carry no catalogue"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_packs_load() {
        let registry = builtin();
        assert!(registry.packs().iter().any(|p| p.manifest.id == "cn"));
        assert_eq!(catalogue().entries().len(), 467);
        assert_eq!(
            catalogue().edition().effective_from.to_string(),
            "2021-01-01"
        );
    }

    #[test]
    fn the_bundle_is_deterministic() {
        let again = bundle::encode(&sources()).unwrap();
        assert_eq!(bundle(), again.as_slice());
    }
}
