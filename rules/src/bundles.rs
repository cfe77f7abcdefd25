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

use wastecheck::Checker;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::{
    self, BundleError, PackFiles, PublicKey, Signature, Signer, SigningError, Trust, Verified,
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
}

/// A bundle loaded: the checker over its packs (and the built-in ones, unless
/// replaced) and what it holds.
#[derive(Debug, Clone)]
pub struct LoadedBundle {
    /// Checks documents against the packs served.
    pub checker: Checker,
    /// `sha256:…` of the bundle bytes.
    pub digest: String,
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
    /// The stable code: `bundle.signature`, `bundle.invalid` or `bundle.packs`.
    pub fn code(&self) -> &'static str {
        match self {
            LoadBundleError::Signature(_) => "bundle.signature",
            LoadBundleError::Invalid(_) => "bundle.invalid",
            LoadBundleError::Packs { .. } => "bundle.packs",
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
/// it unsigned) and reads its packs. Compiles nothing.
pub fn open_bundle(
    bytes: &[u8],
    signature: Option<&Signature>,
    trusted: &[PublicKey],
    trust: Trust,
) -> Result<(Verified, Vec<PackFiles>), LoadBundleError> {
    let verified = bundle::verify(bytes, signature, trusted, trust)?;
    let packs = bundle::decode(bytes)?;
    Ok((verified, packs))
}

/// Loads a bundle by the one policy: verified (see [`open_bundle`]), then its packs
/// layered over the built-in ones — or alone with [`BundleOptions::replace`] — and
/// compiled.
pub fn load_bundle(
    bytes: &[u8],
    signature: Option<&Signature>,
    trusted: &[PublicKey],
    options: &BundleOptions,
) -> Result<LoadedBundle, LoadBundleError> {
    let (verified, packs) = open_bundle(bytes, signature, trusted, options.trust)?;
    let mut set = PackSet::base(options.replace);
    let digests = set.add(&packs)?;
    let registry = set.compile(&CompileOptions::default())?;
    let mut held: Vec<PackRef> = digests
        .iter()
        .filter_map(|digest| {
            registry
                .packs()
                .iter()
                .find(|p| &p.digest == digest)
                .map(|p| PackRef {
                    id: p.manifest.id.clone(),
                    version: p.manifest.version.to_string(),
                    digest: Some(p.digest.clone()),
                })
        })
        .collect();
    held.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
    Ok(LoadedBundle {
        checker: Checker::new(registry),
        digest: verified.digest,
        signer: verified.signer,
        packs: held,
    })
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
        let digests = packs
            .iter()
            .map(|p| bundle::pack_digest(p).unwrap_or_default())
            .collect();
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
        Registry::from_sources(&self.packs, options).map_err(|error| LoadBundleError::Packs {
            alone: self.alone,
            error,
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
        let bytes = bundle::encode(packs).unwrap();
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
        checker.check_value(&manifest, None, &options).packs
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
                replace: false,
            },
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
                replace: false,
            },
        )
        .unwrap_err();
        assert_eq!(refused.code(), "bundle.signature");
        let stranger = SecretKey::from_seed([8; 32]).public_key();
        let refused = load_bundle(
            &bytes,
            Some(&signature),
            &[stranger],
            &BundleOptions::default(),
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
