//! The registry: every version of every pack side by side, each pack version's
//! chain compiled once, and selection of the most specific chain in force for a
//! document's region and legal date.

use crate::engine::chain::{Chain, CompileOptions, ScriptCache};
use crate::model::{Date, RegionCode};
use crate::pack::bundle::{self, PackFiles, PublicKey, Signature, Trust};
use crate::pack::load::{SourcePack, computed_digest, read_digested_pack};
use crate::pack::spec::{PackError, PackProblem};
use crate::sorting::sort_by;
use std::sync::Arc;

/// Loaded packs and their compiled chains.
#[derive(Debug)]
pub struct Registry {
    packs: Vec<Arc<SourcePack>>,
    /// One chain per pack version, ending at it, parallel to `packs`.
    chains: Vec<Arc<Chain>>,
    digest: Option<String>,
    /// Serve the one chain for every document, whatever its region and date.
    pinned: bool,
}

fn level(region: &RegionCode) -> u8 {
    if region.is_national() {
        0
    } else if region.is_province() {
        1
    } else if region.is_city() {
        2
    } else {
        3
    }
}

impl Registry {
    /// Loads and compiles packs from their source files. Every problem of every
    /// pack is reported; nothing half-loaded is ever returned.
    pub fn from_sources(
        sources: &[PackFiles],
        options: &CompileOptions,
    ) -> Result<Registry, PackError> {
        Registry::load(sources, &|_, files| computed_digest(files), options)
    }

    /// [`Registry::from_sources`] of packs whose digests are already known:
    /// `digests[i]` is taken as [`bundle::pack_digest`] of `sources[i]` rather than
    /// computed again (a quarter of loading), and a pack past the end of `digests`
    /// is a problem. The built-in packs' digests are computed when they are
    /// embedded.
    pub fn from_digested_sources(
        sources: &[PackFiles],
        digests: &[String],
        options: &CompileOptions,
    ) -> Result<Registry, PackError> {
        Registry::load(
            sources,
            &|at, _| {
                digests
                    .get(at)
                    .cloned()
                    .ok_or_else(|| "no digest was given for this pack".to_owned())
            },
            options,
        )
    }

    /// Loads packs, `digest(i, sources[i])` giving each one's digest.
    fn load(
        sources: &[PackFiles],
        digest: &dyn Fn(usize, &PackFiles) -> Result<String, String>,
        options: &CompileOptions,
    ) -> Result<Registry, PackError> {
        let mut problems = Vec::new();
        let mut packs = Vec::new();
        // Packs whose manifest could not be read: their children's "not loaded" would
        // only repeat that. A list, as the check for a pack loaded twice below: a
        // registry holds a handful of packs, and each set type was a B-tree's code
        // in the browser's first module.
        let mut unread: Vec<&str> = Vec::new();
        for (at, files) in sources.iter().enumerate() {
            let (pack, mut read) = read_digested_pack(files, &|files| digest(at, files));
            problems.append(&mut read);
            let Some(pack) = pack else {
                unread.push(&files.name);
                continue;
            };
            let (id, version) = (&pack.manifest.id, &pack.manifest.version);
            if packs
                .iter()
                .any(|p: &Arc<SourcePack>| (&p.manifest.id, &p.manifest.version) == (id, version))
            {
                problems.push(PackProblem {
                    pack: files.name.clone(),
                    file: "pack.toml".into(),
                    line: None,
                    message: format!("{} is loaded twice", pack.label()),
                });
            }
            packs.push(Arc::new(pack));
        }
        // Deterministic order whatever the sources' order.
        sort_by(&mut packs, |a, b| {
            (&a.manifest.id, &a.manifest.version).cmp(&(&b.manifest.id, &b.manifest.version))
        });
        // Every pack that read far enough is compiled even when another phase found
        // problems, so that an author sees them all at once; the registry is only
        // returned without any.
        let mut chains = Vec::with_capacity(packs.len());
        // One script engine for the chains that can share it, each script compiled once.
        let mut scripts = ScriptCache::default();
        for pack in &packs {
            match lineage(&packs, pack) {
                Ok(line) => match Chain::compile_shared(&line, options, &mut scripts) {
                    Ok(chain) => chains.push(Arc::new(chain)),
                    Err(mut p) => problems.append(&mut p),
                },
                Err(p) => {
                    if !ancestor_unread(&packs, pack, &unread) {
                        problems.push(p);
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(Registry {
                packs,
                chains,
                digest: None,
                pinned: false,
            })
        } else {
            sort_by(&mut problems, |a, b| {
                (&a.pack, &a.file, a.line).cmp(&(&b.pack, &b.file, b.line))
            });
            problems.dedup();
            Err(PackError { problems })
        }
    }

    /// Loads a bundle, verifying its signature against `trusted` keys unless
    /// `trust` allows unsigned bundles.
    pub fn from_bundle(
        bytes: &[u8],
        signature: Option<&Signature>,
        trusted: &[PublicKey],
        trust: Trust,
        options: &CompileOptions,
    ) -> Result<Registry, LoadError> {
        let verified = bundle::verify(bytes, signature, trusted, trust)?;
        let sources = bundle::decode(bytes)?;
        let mut registry = Registry::from_sources(&sources, options)?;
        registry.digest = Some(verified.digest);
        Ok(registry)
    }

    /// A registry that checks every document against one chain (ending at `pack`),
    /// whatever the document's region and date: a pack's fixtures are checked
    /// against the pack they belong to.
    pub fn pinned(pack: Arc<SourcePack>, chain: Chain) -> Registry {
        Registry {
            packs: vec![pack],
            chains: vec![Arc::new(chain)],
            digest: None,
            pinned: true,
        }
    }

    /// The bundle's digest, when loaded from a bundle.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// Every pack version.
    pub fn packs(&self) -> &[Arc<SourcePack>] {
        &self.packs
    }

    /// Every chain, parallel to [`Registry::packs`].
    pub fn chains(&self) -> &[Arc<Chain>] {
        &self.chains
    }

    /// The most specific chain in force for a region on a date: the pack whose
    /// jurisdiction contains the region most narrowly and whose window contains the
    /// date (the newest version when several are), with its ancestors. Without a
    /// region only national packs qualify; without a date, the newest versions.
    pub fn select(&self, region: Option<RegionCode>, date: Option<Date>) -> Option<&Arc<Chain>> {
        if self.pinned {
            return self.chains.first();
        }
        let region = region.unwrap_or(RegionCode::NATIONAL);
        self.packs
            .iter()
            .zip(&self.chains)
            .filter(|(pack, _)| {
                let m = &pack.manifest;
                pack.jurisdiction.contains(&region)
                    && date.is_none_or(|d| {
                        m.effective_from <= d && m.effective_until.is_none_or(|u| d <= u)
                    })
            })
            .max_by(|(a, _), (b, _)| {
                (level(&a.jurisdiction), &a.manifest.version)
                    .cmp(&(level(&b.jurisdiction), &b.manifest.version))
            })
            .map(|(_, chain)| chain)
    }
}

/// The pack with its ancestors, root first, following `extends` to the newest
/// version that meets each requirement.
/// Whether an ancestor `pack` extends is one whose manifest could not be read.
fn ancestor_unread(packs: &[Arc<SourcePack>], pack: &Arc<SourcePack>, unread: &[&str]) -> bool {
    let mut current = pack;
    // At most one step per pack: a cycle of extends cannot loop.
    for _ in 0..=packs.len() {
        let Some(extends) = &current.manifest.extends else {
            return false;
        };
        if unread.contains(&extends.id.as_str()) {
            return true;
        }
        match packs.iter().find(|p| p.manifest.id == extends.id) {
            Some(parent) => current = parent,
            None => return false,
        }
    }
    false
}

pub(crate) fn lineage(
    packs: &[Arc<SourcePack>],
    pack: &Arc<SourcePack>,
) -> Result<Vec<Arc<SourcePack>>, PackProblem> {
    let mut line = vec![pack.clone()];
    let mut current = pack.clone();
    while let Some(extends) = &current.manifest.extends {
        let parent = packs
            .iter()
            .filter(|p| p.manifest.id == extends.id && extends.version.matches(&p.manifest.version))
            .max_by(|a, b| a.manifest.version.cmp(&b.manifest.version))
            .cloned()
            .ok_or_else(|| PackProblem {
                pack: current.manifest.id.clone(),
                file: "pack.toml".into(),
                line: None,
                message: format!(
                    "extends {} {}, which is not loaded",
                    extends.id, extends.version
                ),
            })?;
        if line.iter().any(|p| p.manifest.id == parent.manifest.id) {
            return Err(PackProblem {
                pack: pack.manifest.id.clone(),
                file: "pack.toml".into(),
                line: None,
                message: format!(
                    "cycle in extends: {} → {}",
                    line.iter()
                        .map(|p| p.label())
                        .collect::<Vec<_>>()
                        .join(" → "),
                    parent.label()
                ),
            });
        }
        line.push(parent.clone());
        current = parent;
    }
    line.reverse();
    Ok(line)
}

/// Why a bundle could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The bundle itself (format, signature).
    #[error(transparent)]
    Bundle(#[from] bundle::BundleError),
    /// The packs in it.
    #[error(transparent)]
    Packs(#[from] PackError),
}
