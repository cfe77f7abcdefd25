//! # wastecheck-rules
//!
//! The built-in rule packs of wastecheck — national `cn`, Zhejiang `zj` and
//! Shaoxing `zj-shaoxing`, with the national waste catalogue and the official
//! working-day calendar — embedded in the binary as one bundle so that checking
//! works offline with no set-up. The sources live in `packs/`, one folder per pack
//! and one folder per rule; `build.rs` encodes them (the bytes `wastecheck pack
//! build rules/packs/*` writes) and this crate loads the bundle.

#![warn(missing_docs)]

pub mod bundles;
pub mod history;

pub use bundles::{BundleOptions, LoadBundleError, LoadedBundle, PackSet, load_bundle};
pub use history::{Downgrade, History};

use std::sync::OnceLock;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::PackFiles;
use wastecheck::registry::Registry;
use wastecheck::{Catalogue, Checker};

#[cfg(feature = "toml-sources")]
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded pack folders as their TOML sources, one entry per pack folder (for
/// tests that edit a pack before loading it).
#[cfg(feature = "toml-sources")]
pub fn sources() -> Vec<PackFiles> {
    let mut packs: std::collections::BTreeMap<&str, std::collections::BTreeMap<String, String>> =
        std::collections::BTreeMap::new();
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

mod embedded_packs {
    /// (path, contents) of one pack's files.
    type Files = &'static [(&'static str, &'static str)];
    include!(concat!(env!("OUT_DIR"), "/packs.rs"));
}

/// The built-in bundle: the canonical bytes of every embedded pack (encoded on
/// first use: the packs are embedded as their files, [`packs`]). Only with the
/// feature `scripts`: without it the scripts' text is not embedded.
#[cfg(feature = "scripts")]
pub fn bundle() -> &'static [u8] {
    static BUNDLE: OnceLock<Vec<u8>> = OnceLock::new();
    BUNDLE.get_or_init(|| match wastecheck::pack::bundle::encode(&packs()) {
        Ok(bytes) => bytes,
        Err(error) => panic!("the built-in packs cannot be bundled: {error}"),
    })
}

/// The built-in packs as the bundle carries them (`pack.json`, `*/rule.json`), one
/// entry per pack, sorted by name. Without the feature `scripts` (the browser's
/// first module), which cannot run a script, each script's text is empty
/// (`build.rs`); [`digests`] are still the whole packs'.
pub fn packs() -> Vec<PackFiles> {
    embedded_packs::PACKS
        .iter()
        .map(|(name, _, files)| PackFiles {
            name: (*name).to_owned(),
            files: files
                .iter()
                .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
                .collect(),
        })
        .collect()
}

/// The built-in pack `name` as a bundle carries it, released again as `version`:
/// what a regulator's next release of a pack looks like before its rules change
/// (the bundle-policy tests of every face use it). `None` when there is no such
/// built-in pack.
pub fn rereleased(name: &str, version: &str) -> Option<PackFiles> {
    let mut pack = packs().into_iter().find(|p| p.name == name)?;
    let manifest = pack.files.get_mut("pack.json")?;
    let mut json: serde_json::Value = serde_json::from_str(manifest).ok()?;
    json["version"] = version.into();
    *manifest = serde_json::to_string(&json).ok()?;
    Some(pack)
}

/// The digest ([`wastecheck::pack::bundle::pack_digest`]) of each built-in pack, parallel to
/// [`packs`]: computed when the packs were embedded, so that loading them does not
/// hash them again.
pub fn digests() -> Vec<String> {
    embedded_packs::PACKS
        .iter()
        .map(|(_, digest, _)| (*digest).to_owned())
        .collect()
}

/// Loads and compiles the built-in packs afresh (a benchmark of start-up cost).
/// Their scripts compile when a check first runs them: this crate's tests compile
/// every one of them when the packs load (`every_built_in_script_compiles`).
pub fn load() -> Result<Registry, wastecheck::pack::spec::PackError> {
    let options = CompileOptions {
        scripts_on_first_use: true,
        ..CompileOptions::default()
    };
    Registry::from_digested_sources(&packs(), &digests(), &options)
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
    #[cfg(feature = "scripts")]
    use wastecheck::pack::bundle;

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

    /// What lets [`load`] put off compiling the built-in scripts: each of them
    /// compiles, which a load that compiles them at once reports, and every script
    /// file the packs carry is a rule's.
    #[test]
    fn every_built_in_script_compiles() {
        let eager =
            Registry::from_digested_sources(&packs(), &digests(), &CompileOptions::default())
                .expect("the built-in packs compile with their scripts");
        let scripted: std::collections::BTreeSet<&str> = eager
            .chains()
            .iter()
            .flat_map(|chain| &chain.rules)
            .filter(|r| matches!(r.body, wastecheck::engine::chain::Body::Script(_)))
            .map(|r| r.id.as_str())
            .collect();
        let files = packs()
            .iter()
            .flat_map(|p| p.files.keys())
            .filter(|name| name.ends_with(".rhai"))
            .count();
        assert_eq!(scripted.len(), files, "{scripted:?}");
    }

    /// Known digests are taken as given, never computed: one missing is a problem.
    #[test]
    fn a_pack_without_its_digest_is_refused() {
        let packs = packs();
        let mut digests = digests();
        digests.pop();
        let refused = Registry::from_digested_sources(&packs, &digests, &CompileOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("no digest was given for this pack"),
            "{refused}"
        );
        assert!(Registry::from_digested_sources(&packs, &[], &CompileOptions::default()).is_err());
    }

    #[cfg(feature = "scripts")]
    #[test]
    fn the_embedded_digests_are_the_packs_digests() {
        let computed: Vec<String> = packs()
            .iter()
            .map(|pack| bundle::pack_digest(pack).unwrap())
            .collect();
        assert_eq!(digests(), computed);
        let registry = builtin();
        let loaded: Vec<&str> = registry.packs().iter().map(|p| p.digest.as_str()).collect();
        assert_eq!(loaded, computed);
    }

    #[cfg(feature = "scripts")]
    #[test]
    fn the_bundle_carries_json_manifests_and_is_canonical() {
        let packs = packs();
        assert!(packs.iter().all(|p| p.files.contains_key("pack.json")));
        assert!(
            packs
                .iter()
                .flat_map(|p| p.files.keys())
                .all(|path| !path.ends_with(".toml"))
        );
        // Read back by the decoder, which refuses anything not canonical.
        assert_eq!(bundle::decode(bundle()).unwrap(), packs);
        let built = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.bundle"));
        assert_eq!(bundle(), built.as_slice());
    }

    #[cfg(all(feature = "toml-sources", feature = "scripts"))]
    #[test]
    fn the_bundle_is_the_sources_encoded() {
        assert_eq!(bundle::encode(&sources()).unwrap(), bundle());
        for (source, bundled) in sources().iter().zip(packs()) {
            assert_eq!(
                bundle::pack_digest(source).unwrap(),
                bundle::pack_digest(&bundled).unwrap()
            );
        }
    }
}
