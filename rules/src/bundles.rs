//! One bundle policy for every face: the command line (`check --packs`), the HTTP
//! service (`serve --packs`), the raw-ABI module (`load_bundle`) and the npm package
//! (`Checker.fromBundle`) all load a regulator's bundle through [`load_bundle`] (the
//! service, which serves several bundles at once, through [`PackSet`]).
//!
//! **Default: a bundle layers over the built-in packs.** Its packs are served
//! beside the built-in ones: a pack identical to a built-in one (the same digest) is
//! not loaded twice, and a pack with the id of a built-in one and another version
//! sits beside it — selection by region and date then picks between them (the
//! newest version in force). A provincial bundle (`wastecheck pack build
//! rules/packs/zj`) therefore extends the built-in national pack.
//!
//! **Replace** (`check --packs-only`, `serve --packs-only`, `fromBundle(…, {
//! replace: true })`, the ABI's `load_bundle_with` and `{"replace": true}`) serves
//! the bundle's packs alone: a bundle must then carry every pack its packs extend.
//!
//! Signatures are as before: a bundle must verify under a trusted key; an unsigned
//! one is accepted only when the caller explicitly allows it
//! ([`Trust::AllowUnsigned`]), and a signature that is present must verify even
//! then.
//!
//! **No rollback, no confusion.** Each face keeps a [`History`] of what it served:
//! a bundle older (by its signed sequence number) than one a pack was served from
//! is refused unless [`BundleOptions::downgrade`] allows it, and a pack version
//! served with one content is never served with another.

use crate::history::{Downgrade, History};
use wastecheck::Checker;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::{
    self, BundleError, Decoded, PackFiles, PublicKey, Signature, Signer, SigningError, Trust,
    Verified,
};
use wastecheck::pack::spec::PackError;
use wastecheck::registry::Registry;
use wastecheck::report::PackRef;

/// How a bundle is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BundleOptions {
    /// Whether an unsigned bundle is acceptable (never by default).
    pub trust: Trust,
    /// Serve the bundle's packs alone, without the built-in ones. By default
    /// (`false`) they layer over the built-in packs.
    pub replace: bool,
    /// Whether a bundle older than one already served may be loaded (never by
    /// default).
    pub downgrade: Downgrade,
}

/// A bundle loaded: the checker over its packs (and the built-in ones, unless
/// replaced) and what it holds.
#[derive(Debug, Clone)]
pub struct LoadedBundle {
    /// Checks documents against the packs served.
    pub checker: Checker,
    /// `sha256:…` of the bundle bytes.
    pub digest: String,
    /// The issuer's sequence number, from the signed bytes.
    pub sequence: u64,
    /// Who vouched for it: the trusted key whose signature verified, or
    /// [`Signer::Unsigned`] when unsigned bundles were allowed.
    pub signer: Signer,
    /// The packs the bundle holds (`id`, `version`, `digest`), sorted by id and
    /// version — including any identical to a built-in one.
    pub packs: Vec<PackRef>,
}

/// Why a bundle could not be loaded. [`LoadBundleError::code`] gives a stable code
/// for each kind of failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadBundleError {
    /// Not signed, signed by no trusted key, or changed after signing
    /// (`bundle.signature`).
    #[error("{0}")]
    Signature(BundleError),
    /// Not a bundle this wastecheck reads: damaged, truncated, another format
    /// (`bundle.invalid`).
    #[error("{0}")]
    Invalid(BundleError),
    /// Its packs do not load: alone, or with the packs they layer over — a parent
    /// missing, a pack version already loaded with other content, a rule that does
    /// not compile (`bundle.packs`).
    #[error("{}", packs_message(*alone, error))]
    Packs {
        /// Whether the packs were loaded alone (replace).
        alone: bool,
        /// Every problem.
        error: PackError,
    },
    /// Older than a bundle this host has already served the pack from: a rollback
    /// (`bundle.rollback`).
    #[error(
        "pack `{pack}` was already served from a bundle of sequence {served}; this bundle's sequence is {sequence}, older: refused as a rollback (load it with the allow-downgrade option if you mean to go back)"
    )]
    Rollback {
        /// The pack id.
        pack: String,
        /// The refused bundle's sequence.
        sequence: u64,
        /// The highest sequence the pack was served from.
        served: u64,
    },
    /// A pack version this host has served with another content, or that two
    /// bundles offer with different content (`bundle.conflict`).
    #[error(
        "pack `{pack}` version {version} is served as {served}, and this bundle holds other content under the same version ({offered}): refused; new content needs a new version"
    )]
    Conflict {
        /// The pack id.
        pack: String,
        /// The version claimed twice.
        version: String,
        /// The digest of the content served (or offered first).
        served: String,
        /// The digest of the content refused.
        offered: String,
    },
    /// One pack version offered with different content by two bundles, neither
    /// served before: which is genuine cannot be told, so both are refused
    /// (`bundle.conflict`).
    #[error(
        "pack `{pack}` version {version} is offered with different content by two bundles ({offered} here, {other} in the other): both refused; new content needs a new version"
    )]
    Confused {
        /// The pack id.
        pack: String,
        /// The version claimed twice.
        version: String,
        /// The digest of this bundle's content.
        offered: String,
        /// The digest of the other bundle's content.
        other: String,
    },
}

fn packs_message(alone: bool, error: &PackError) -> String {
    if alone {
        format!(
            "the packs do not load on their own (they replace the built-in packs, so they must include every pack they extend): {error}"
        )
    } else {
        format!(
            "the packs do not load with the built-in ones (a pack that differs from a built-in one needs another version; or load them alone, replacing the built-in packs): {error}"
        )
    }
}

impl LoadBundleError {
    /// The stable code: `bundle.signature`, `bundle.invalid`, `bundle.packs`,
    /// `bundle.rollback` or `bundle.conflict`.
    pub fn code(&self) -> &'static str {
        match self {
            LoadBundleError::Signature(_) => "bundle.signature",
            LoadBundleError::Invalid(_) => "bundle.invalid",
            LoadBundleError::Packs { .. } => "bundle.packs",
            LoadBundleError::Rollback { .. } => "bundle.rollback",
            LoadBundleError::Conflict { .. } | LoadBundleError::Confused { .. } => {
                "bundle.conflict"
            }
        }
    }
}

impl From<BundleError> for LoadBundleError {
    fn from(error: BundleError) -> Self {
        match error {
            BundleError::Signing(
                SigningError::MissingSignature
                | SigningError::NoTrustedKeys
                | SigningError::UntrustedSignature { .. },
            ) => LoadBundleError::Signature(error),
            other => LoadBundleError::Invalid(other),
        }
    }
}

/// Verifies a bundle's signature against the trusted keys (unless `trust` allows
/// it unsigned) and reads its sequence number and packs. Compiles nothing.
pub fn open_bundle(
    bytes: &[u8],
    signature: Option<&Signature>,
    trusted: &[PublicKey],
    trust: Trust,
) -> Result<(Verified, Decoded), LoadBundleError> {
    let verified = bundle::verify(bytes, signature, trusted, trust)?;
    let decoded = bundle::decode_sequenced(bytes)?;
    Ok((verified, decoded))
}

/// Loads a bundle by the one policy: verified (see [`open_bundle`]), then its packs
/// layered over the built-in ones — or alone with [`BundleOptions::replace`] — and
/// compiled; refused if `history` shows it older than a bundle served or holding
/// another content under a version served, else recorded in it.
pub fn load_bundle(
    bytes: &[u8],
    signature: Option<&Signature>,
    trusted: &[PublicKey],
    options: &BundleOptions,
    history: &mut History,
) -> Result<LoadedBundle, LoadBundleError> {
    let (verified, decoded) = open_bundle(bytes, signature, trusted, options.trust)?;
    let held = held_packs(&decoded.packs)?;
    history.admit(decoded.sequence, &held, options.downgrade)?;
    let mut set = PackSet::base(options.replace);
    set.add(&decoded.packs)?;
    let registry = set.compile(&CompileOptions::default())?;
    history.record(decoded.sequence, &held);
    Ok(LoadedBundle {
        checker: Checker::new(registry),
        digest: verified.digest,
        sequence: decoded.sequence,
        signer: verified.signer,
        packs: held,
    })
}

/// The packs a bundle holds (`id` and `version` from each `pack.json`, and the
/// pack's digest), sorted by id and version: what a host's [`History`] judges. A
/// manifest without them gives an empty id or version here, and the pack then
/// fails to load.
pub fn held_packs(packs: &[PackFiles]) -> Result<Vec<PackRef>, LoadBundleError> {
    let mut held = packs
        .iter()
        .map(|pack| {
            let manifest = pack
                .files
                .get("pack.json")
                .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
            let field = |name: &str| {
                manifest
                    .as_ref()
                    .and_then(|m| m.get(name))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Ok(PackRef {
                id: field("id"),
                version: field("version"),
                digest: Some(bundle::pack_digest(pack)?),
            })
        })
        .collect::<Result<Vec<_>, LoadBundleError>>()?;
    held.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
    Ok(held)
}

/// Packs from several sources, layered: each pack added that is identical (by
/// digest) to one already in the set is left out, every other one is added beside
/// those there. [`load_bundle`] is one bundle over [`PackSet::base`]; a service
/// serving several bundles adds them one after the other, compiling a trial set
/// before keeping it.
#[derive(Debug, Clone)]
pub struct PackSet {
    packs: Vec<PackFiles>,
    /// Parallel to `packs`.
    digests: Vec<String>,
    /// Whether it started empty rather than with the built-in packs.
    alone: bool,
}

impl PackSet {
    /// No packs: what a bundle loaded alone (replace) starts from.
    pub fn empty() -> PackSet {
        PackSet {
            packs: Vec::new(),
            digests: Vec::new(),
            alone: true,
        }
    }

    /// The built-in packs: what a bundle layers over by default.
    pub fn builtin() -> PackSet {
        let packs = crate::packs();
        let digests = crate::digests();
        PackSet {
            packs,
            digests,
            alone: false,
        }
    }

    /// [`PackSet::empty`] when `replace`, else [`PackSet::builtin`].
    pub fn base(replace: bool) -> PackSet {
        if replace {
            PackSet::empty()
        } else {
            PackSet::builtin()
        }
    }

    /// Adds `packs` beside those in the set, leaving out each identical to one
    /// already there. Returns the digest of every pack given (added or already
    /// there), in order; fails for a pack with no canonical encoding (a bad name
    /// or path).
    pub fn add(&mut self, packs: &[PackFiles]) -> Result<Vec<String>, LoadBundleError> {
        let mut digests = Vec::with_capacity(packs.len());
        for pack in packs {
            let digest = bundle::pack_digest(pack)?;
            if !self.contains(&digest) {
                self.packs.push(pack.clone());
                self.digests.push(digest.clone());
            }
            digests.push(digest);
        }
        Ok(digests)
    }

    /// Whether a pack with this digest is in the set.
    pub fn contains(&self, digest: &str) -> bool {
        self.digests.iter().any(|d| d == digest)
    }

    /// The packs, in the order they were added.
    pub fn packs(&self) -> &[PackFiles] {
        &self.packs
    }

    /// The packs' digests, parallel to [`PackSet::packs`].
    pub fn digests(&self) -> &[String] {
        &self.digests
    }

    /// Loads and compiles the set. The built-in packs alone come from the checker
    /// compiled once ([`crate::checker`]) rather than compiled again.
    pub fn compile(&self, options: &CompileOptions) -> Result<Registry, LoadBundleError> {
        Registry::from_digested_sources(&self.packs, &self.digests, options).map_err(|error| {
            LoadBundleError::Packs {
                alone: self.alone,
                error,
            }
        })
    }

    /// A checker over the set: the built-in checker itself when the set is exactly
    /// the built-in packs (no compiling), else [`PackSet::compile`]d.
    pub fn checker(&self, options: &CompileOptions) -> Result<Checker, LoadBundleError> {
        if !self.alone && self.packs.len() == crate::packs().len() {
            return Ok(crate::checker().clone());
        }
        self.compile(options).map(Checker::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wastecheck::pack::bundle::SecretKey;
    use wastecheck::{CheckOptions, Locale};

    fn key() -> SecretKey {
        SecretKey::from_seed([7; 32])
    }

    /// A signed bundle of `packs`: its bytes and signature.
    fn signed(packs: &[PackFiles]) -> (Vec<u8>, Signature) {
        signed_as(packs, 1)
    }

    /// A signed bundle of `packs` issued as `sequence`.
    fn signed_as(packs: &[PackFiles], sequence: u64) -> (Vec<u8>, Signature) {
        let bytes = bundle::encode_sequenced(packs, sequence).unwrap();
        let signature = bundle::sign(&bytes, &key());
        (bytes, signature)
    }

    fn load(
        bytes: &[u8],
        signature: &Signature,
        replace: bool,
    ) -> Result<LoadedBundle, LoadBundleError> {
        load_bundle(
            bytes,
            Some(signature),
            &[key().public_key()],
            &BundleOptions {
                replace,
                ..BundleOptions::default()
            },
            &mut History::default(),
        )
    }

    fn labels(checker: &Checker) -> Vec<String> {
        checker
            .registry()
            .packs()
            .iter()
            .map(|p| p.label())
            .collect()
    }

    /// The packs a Zhejiang (Hangzhou) manifest is checked against.
    fn zhejiang_chain(checker: &Checker) -> Vec<PackRef> {
        let manifest = serde_json::json!({
            "kind": "manifest",
            "consignor": { "region": "330106" },
            "created_at": "2026-03-02T09:00:00+08:00"
        });
        let options = CheckOptions {
            locale: Locale::En,
            ..CheckOptions::default()
        };
        checker
            .check_value(&manifest, None, &options)
            .packs
            .to_vec()
    }

    #[test]
    fn a_zj_bundle_of_another_version_sits_beside_the_built_in_one() {
        let (bytes, signature) = signed(&[crate::rereleased("zj", "1.1.0").unwrap()]);
        let loaded = load(&bytes, &signature, false).unwrap();
        let labels = labels(&loaded.checker);
        assert!(labels.contains(&"zj@1.0.0".to_owned()), "{labels:?}");
        assert!(labels.contains(&"zj@1.1.0".to_owned()), "{labels:?}");
        assert!(labels.contains(&"cn@1.0.0".to_owned()), "{labels:?}");
        assert_eq!(loaded.digest, bundle::digest(&bytes));
        assert_eq!(loaded.signer, Signer::Key(key().public_key()));
        let zj_digest = bundle::pack_digest(&crate::rereleased("zj", "1.1.0").unwrap()).unwrap();
        assert_eq!(
            loaded.packs,
            vec![PackRef {
                id: "zj".into(),
                version: "1.1.0".into(),
                digest: Some(zj_digest.clone()),
            }]
        );
        // Selection picks the newer zj, on the built-in cn.
        let chain = zhejiang_chain(&loaded.checker);
        let ids: Vec<(&str, &str)> = chain
            .iter()
            .map(|p| (p.id.as_str(), p.version.as_str()))
            .collect();
        assert!(ids.contains(&("cn", "1.0.0")), "{chain:?}");
        assert!(ids.contains(&("zj", "1.1.0")), "{chain:?}");
        assert_eq!(chain.len(), 2, "{chain:?}");
        let cn = chain.iter().find(|p| p.id == "cn").unwrap();
        let builtin_cn = crate::builtin()
            .packs()
            .iter()
            .find(|p| p.manifest.id == "cn")
            .unwrap();
        assert_eq!(cn.digest.as_deref(), Some(builtin_cn.digest.as_str()));
        let zj = chain.iter().find(|p| p.id == "zj").unwrap();
        assert_eq!(zj.digest.as_deref(), Some(zj_digest.as_str()));
    }

    // `packs()` of a build without scripts lacks their text (`crate::packs`).
    #[cfg(feature = "scripts")]
    #[test]
    fn a_pack_identical_to_a_built_in_one_is_not_loaded_twice() {
        let (bytes, signature) = signed(&crate::packs());
        let loaded = load(&bytes, &signature, false).unwrap();
        assert_eq!(labels(&loaded.checker), labels(crate::checker()));
        assert_eq!(loaded.packs.len(), crate::packs().len());
        let mut set = PackSet::builtin();
        let digests = set.add(&crate::packs()).unwrap();
        assert_eq!(digests, set.digests());
        assert_eq!(set.packs().len(), crate::packs().len());
    }

    #[test]
    fn replace_uses_the_bundle_alone() {
        let (bytes, signature) = signed(&[crate::rereleased("zj", "1.1.0").unwrap()]);
        let refused = load(&bytes, &signature, true).unwrap_err();
        assert_eq!(refused.code(), "bundle.packs");
        let message = refused.to_string();
        assert!(message.contains("extends cn ^1"), "{message}");
        assert!(message.contains("on their own"), "{message}");

        let cn = crate::packs().into_iter().find(|p| p.name == "cn").unwrap();
        let (bytes, signature) = signed(&[cn, crate::rereleased("zj", "1.1.0").unwrap()]);
        let loaded = load(&bytes, &signature, true).unwrap();
        assert_eq!(labels(&loaded.checker), ["cn@1.0.0", "zj@1.1.0"]);
    }

    #[test]
    fn a_pack_with_a_built_in_version_and_other_content_is_refused_when_layered() {
        let mut pack = crate::rereleased("zj", "1.0.0").unwrap();
        pack.files.insert("extra.csv".into(), "a,b\n".into());
        let (bytes, signature) = signed(&[pack]);
        let refused = load(&bytes, &signature, false).unwrap_err();
        assert_eq!(refused.code(), "bundle.packs");
        let message = refused.to_string();
        assert!(message.contains("loaded twice"), "{message}");
        assert!(message.contains("another version"), "{message}");
    }

    #[test]
    fn unsigned_is_refused_unless_allowed() {
        let (bytes, _) = signed(&[crate::rereleased("zj", "1.1.0").unwrap()]);
        let refused = load_bundle(
            &bytes,
            None,
            &[key().public_key()],
            &BundleOptions::default(),
            &mut History::default(),
        )
        .unwrap_err();
        assert_eq!(refused.code(), "bundle.signature");
        assert!(matches!(
            refused,
            LoadBundleError::Signature(BundleError::Signing(SigningError::MissingSignature))
        ));
        let allowed = load_bundle(
            &bytes,
            None,
            &[],
            &BundleOptions {
                trust: Trust::AllowUnsigned,
                ..BundleOptions::default()
            },
            &mut History::default(),
        )
        .unwrap();
        assert_eq!(allowed.signer, Signer::Unsigned);
    }

    #[test]
    fn tampered_and_untrusted_are_refused() {
        let (bytes, signature) = signed(&[crate::rereleased("zj", "1.1.0").unwrap()]);
        let mut tampered = bytes.clone();
        let at = tampered.len() - 3;
        tampered[at] ^= 1;
        let refused = load(&tampered, &signature, false).unwrap_err();
        assert_eq!(refused.code(), "bundle.signature");
        // Even when unsigned bundles are allowed, a signature present must verify.
        let refused = load_bundle(
            &tampered,
            Some(&signature),
            &[key().public_key()],
            &BundleOptions {
                trust: Trust::AllowUnsigned,
                ..BundleOptions::default()
            },
            &mut History::default(),
        )
        .unwrap_err();
        assert_eq!(refused.code(), "bundle.signature");
        let stranger = SecretKey::from_seed([8; 32]).public_key();
        let refused = load_bundle(
            &bytes,
            Some(&signature),
            &[stranger],
            &BundleOptions::default(),
            &mut History::default(),
        )
        .unwrap_err();
        assert_eq!(refused.code(), "bundle.signature");
        // Signed garbage is invalid, not a signature problem.
        let junk = b"not a bundle".to_vec();
        let junk_signature = bundle::sign(&junk, &key());
        let refused = load(&junk, &junk_signature, false).unwrap_err();
        assert_eq!(refused.code(), "bundle.invalid");
    }

    #[test]
    fn an_older_bundle_is_refused_after_a_newer_one_unless_downgrading() {
        let trusted = [key().public_key()];
        let zj = crate::rereleased("zj", "1.1.0").unwrap();
        let (newer, newer_signature) = signed_as(std::slice::from_ref(&zj), 7);
        let (older, older_signature) = signed_as(std::slice::from_ref(&zj), 6);
        let mut history = History::default();
        let options = BundleOptions::default();
        let loaded = load_bundle(
            &newer,
            Some(&newer_signature),
            &trusted,
            &options,
            &mut history,
        )
        .unwrap();
        assert_eq!(loaded.sequence, 7);
        assert_eq!(history.packs["zj"].sequence, 7);
        let refused = load_bundle(
            &older,
            Some(&older_signature),
            &trusted,
            &options,
            &mut history,
        )
        .unwrap_err();
        assert_eq!(refused.code(), "bundle.rollback");
        // Loading the newer one again is no rollback.
        load_bundle(
            &newer,
            Some(&newer_signature),
            &trusted,
            &options,
            &mut history,
        )
        .unwrap();
        let allow = BundleOptions {
            downgrade: Downgrade::Allow,
            ..BundleOptions::default()
        };
        let loaded = load_bundle(
            &older,
            Some(&older_signature),
            &trusted,
            &allow,
            &mut history,
        )
        .unwrap();
        assert_eq!(loaded.sequence, 6);
        assert_eq!(history.packs["zj"].sequence, 7);
        // A fresh host, with no history, takes the older one.
        load_bundle(
            &older,
            Some(&older_signature),
            &trusted,
            &options,
            &mut History::default(),
        )
        .unwrap();
    }

    #[test]
    fn a_version_served_is_never_served_with_other_content() {
        let trusted = [key().public_key()];
        let first = crate::rereleased("zj", "1.1.0").unwrap();
        let mut second = first.clone();
        second.files.insert("extra.csv".into(), "a,b\n".into());
        let mut history = History::default();
        let (bytes, signature) = signed_as(&[first], 7);
        let options = BundleOptions::default();
        load_bundle(&bytes, Some(&signature), &trusted, &options, &mut history).unwrap();
        let (bytes, signature) = signed_as(&[second], 8);
        let refused =
            load_bundle(&bytes, Some(&signature), &trusted, &options, &mut history).unwrap_err();
        assert_eq!(refused.code(), "bundle.conflict");
        assert!(refused.to_string().contains("1.1.0"), "{refused}");
    }

    #[test]
    fn the_built_in_set_is_the_built_in_checker() {
        let checker = PackSet::builtin()
            .checker(&CompileOptions::default())
            .unwrap();
        assert_eq!(labels(&checker), labels(crate::checker()));
        let empty = PackSet::empty()
            .checker(&CompileOptions::default())
            .unwrap();
        assert!(empty.registry().packs().is_empty());
    }
}
