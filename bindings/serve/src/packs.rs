//! The packs a service serves: the built-in bundle plus every correctly signed
//! bundle (`*.bundle`, signature in `*.bundle.sig`) in a watched folder — or, with
//! `--packs-only`, the folder's bundles alone. Bundles layer by the one policy of
//! every face ([`wastecheck_rules::bundles`]): a pack identical to one already
//! served is not loaded twice, one with the id of a served pack and another version
//! sits beside it.
//!
//! The folder is polled (portable, no platform watcher): a file whose content
//! changed — or whose signature file's did — is read again. A bundle that is
//! unsigned, signed by a key not trusted, damaged or only half copied is refused and
//! logged; so is one older (by its signed sequence number) than a bundle a pack of
//! it was served from (a rollback, unless `--allow-downgrade`), one holding another
//! content under a pack version served, and — when neither was served — both of two
//! files offering one pack version with different content; whatever was served before keeps being served (for a file
//! that was good before and is now being overwritten, its last good content). The
//! new packs are compiled completely, away from requests, and only then swapped in
//! as one value: a request sees the old packs or the new ones, never a mix.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wastecheck::Checker;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::{self, PackFiles, PublicKey, Signature, Signer, Trust};
use wastecheck::report::PackRef;
use wastecheck_rules::{Downgrade, History, PackSet};

/// The source of a loaded pack.
pub const BUILT_IN: &str = "built-in";

/// A bundle from the folder that is being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Its file name in the folder.
    pub file: String,
    /// `sha256:…` of the bundle bytes.
    pub digest: String,
    /// The public key whose signature verified.
    pub signer: String,
    /// The issuer's sequence number, from the signed bytes.
    pub sequence: u64,
    /// The packs it holds, by name in the bundle.
    pub packs: Vec<PackFiles>,
    /// Their ids, versions and digests.
    pub held: Vec<PackRef>,
}

/// A bundle refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Its file name in the folder.
    pub file: String,
    /// `sha256:…` of the bytes read, when they could be read.
    pub digest: Option<String>,
    /// Why, in English.
    pub error: String,
}

/// One consistent set of packs: what every request is checked against.
#[derive(Debug)]
pub struct Loaded {
    /// The checker over them.
    pub checker: Checker,
    /// Counts the sets of packs served since start (1 = the first).
    pub generation: u64,
    /// The bundles from the folder in use, by file name.
    pub bundles: Vec<Arc<Accepted>>,
    /// Where each pack digest came from: [`BUILT_IN`] or a bundle's file name.
    pub origin: BTreeMap<String, String>,
    /// With `--sandbox`: the instances checking against these same packs.
    pub sandbox: Option<Arc<crate::sandbox::Pool>>,
    /// Whether the folder's bundles are served alone (`--packs-only`), without the
    /// built-in packs.
    pub packs_only: bool,
}

impl Loaded {
    /// The built-in packs only.
    pub fn builtin() -> Loaded {
        Loaded::base(false)
    }

    /// What is served before any bundle: the built-in packs, or nothing with
    /// `packs_only`.
    pub fn base(packs_only: bool) -> Loaded {
        let set = PackSet::base(packs_only);
        let checker = match set.checker(&CompileOptions::default()) {
            Ok(checker) => checker,
            // Neither the built-in packs nor no packs at all can fail to load.
            Err(_) => wastecheck_rules::checker().clone(),
        };
        let origin = set
            .digests()
            .iter()
            .map(|digest| (digest.clone(), BUILT_IN.to_owned()))
            .collect();
        Loaded {
            checker,
            generation: 1,
            bundles: Vec::new(),
            origin,
            sandbox: None,
            packs_only,
        }
    }
}

/// The largest bundle file read (larger: refused unread).
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;

/// What identifies a bundle's content: the digest of the bundle and of its
/// signature — not their size and modification time, which a copy that keeps them
/// (`cp -p`, `rsync -a`) leaves unchanged while the content changes (issue 20).
type Stamp = (Option<String>, Option<String>);

/// The digest of a file's bytes; its length alone when it is over the limit
/// (`read` then refuses it without reading it).
fn stamp_of(path: &Path) -> Option<String> {
    let length = std::fs::metadata(path).ok()?.len();
    if length > MAX_BUNDLE_BYTES {
        return Some(format!("too large: {length} bytes"));
    }
    std::fs::read(path).ok().map(|bytes| bundle::digest(&bytes))
}

#[derive(Debug)]
struct Slot {
    stamp: Stamp,
    /// The content read at this stamp, when it verified.
    fresh: Option<Arc<Accepted>>,
    /// The content last served from this file.
    serving: Option<Arc<Accepted>>,
}

/// Watches a folder of bundles.
#[derive(Debug)]
pub struct Watcher {
    dir: PathBuf,
    trusted: Vec<PublicKey>,
    packs_only: bool,
    slots: BTreeMap<String, Slot>,
    /// What was served, to refuse rollbacks and confusions.
    history: History,
    /// Where the history is kept across restarts, if anywhere.
    history_file: Option<PathBuf>,
    downgrade: Downgrade,
}

/// What one look at the folder found.
#[derive(Debug, Default)]
pub struct Scan {
    /// New packs to serve, when anything changed.
    pub loaded: Option<Loaded>,
    /// Bundles refused by this look.
    pub refused: Vec<Refusal>,
    /// Files that are gone, or read well this time: their earlier refusals can be
    /// forgotten.
    pub cleared: Vec<String>,
}

impl Watcher {
    /// A watcher of `dir` trusting `trusted` keys, whose bundles layer over the
    /// built-in packs.
    pub fn new(dir: PathBuf, trusted: Vec<PublicKey>) -> Watcher {
        Watcher {
            dir,
            trusted,
            packs_only: false,
            slots: BTreeMap::new(),
            history: History::default(),
            history_file: None,
            downgrade: Downgrade::Refuse,
        }
    }

    /// The same, remembering what it served in `file` (read now when it exists,
    /// written after every change), so that a restart does not forget it.
    pub fn history_file(mut self, file: PathBuf) -> std::io::Result<Watcher> {
        self.history = History::read_file(&file)?;
        self.history_file = Some(file);
        Ok(self)
    }

    /// The same, accepting bundles older than one served when `downgrade` allows.
    pub fn downgrade(mut self, downgrade: Downgrade) -> Watcher {
        self.downgrade = downgrade;
        self
    }

    /// What was served so far (to keep across restarts).
    pub fn served(&self) -> &History {
        &self.history
    }

    /// The same, serving the folder's bundles alone (`--packs-only`) when
    /// `packs_only`.
    pub fn packs_only(mut self, packs_only: bool) -> Watcher {
        self.packs_only = packs_only;
        self
    }

    /// Looks at the folder once: reads the bundles that changed, and when the set
    /// of good bundles changed compiles the new packs (`generation` is the number
    /// the new set gets).
    pub fn scan(&mut self, generation: u64) -> std::io::Result<Scan> {
        let mut names = BTreeSet::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if name.ends_with(".bundle") && !name.starts_with('.') && entry.path().is_file() {
                names.insert(name);
            }
        }
        let mut scan = Scan::default();
        let mut changed = false;
        let gone: Vec<String> = self
            .slots
            .keys()
            .filter(|name| !names.contains(*name))
            .cloned()
            .collect();
        for name in gone {
            if let Some(slot) = self.slots.remove(&name) {
                // Served, or good but refused beside the others (which may load
                // without it now).
                changed |= slot.serving.is_some() || slot.fresh.is_some();
            }
            scan.cleared.push(name);
        }
        for name in names {
            let path = self.dir.join(&name);
            let stamp = (stamp_of(&path), stamp_of(&sig_path(&path)));
            if self
                .slots
                .get(&name)
                .is_some_and(|slot| slot.stamp == stamp)
            {
                continue;
            }
            let fresh = match self.read(&name, &path) {
                Ok(accepted) => {
                    scan.cleared.push(name.clone());
                    Some(Arc::new(accepted))
                }
                Err(refusal) => {
                    scan.refused.push(refusal);
                    None
                }
            };
            let slot = self.slots.entry(name).or_insert(Slot {
                stamp: (None, None),
                fresh: None,
                serving: None,
            });
            slot.stamp = stamp;
            if fresh.as_ref().map(|f| &f.digest) != slot.serving.as_ref().map(|s| &s.digest) {
                changed |= fresh.is_some();
            }
            slot.fresh = fresh;
        }
        if changed {
            let before = self.history.clone();
            scan.loaded = Some(self.compose(generation, &mut scan.refused, &mut scan.cleared));
            if let Some(file) = &self.history_file
                && self.history != before
            {
                self.history.write_file(file)?;
            }
        }
        Ok(scan)
    }

    /// Reads and verifies one bundle.
    fn read(&self, name: &str, path: &Path) -> Result<Accepted, Refusal> {
        let refuse = |digest: Option<String>, error: String| Refusal {
            file: name.to_owned(),
            digest,
            error,
        };
        let length = std::fs::metadata(path).map_or(0, |m| m.len());
        if length > MAX_BUNDLE_BYTES {
            return Err(refuse(
                None,
                format!(
                    "{length} bytes: larger than the {MAX_BUNDLE_BYTES} bytes a bundle may have"
                ),
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| refuse(None, format!("reading it: {e}")))?;
        let digest = bundle::digest(&bytes);
        let sig = sig_path(path);
        let signature = match std::fs::read_to_string(&sig) {
            Ok(text) => Some(
                text.parse::<Signature>()
                    .map_err(|e| refuse(Some(digest.clone()), format!("{name}.sig: {e}")))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(refuse(Some(digest), format!("reading {name}.sig: {e}"))),
        };
        let (verified, decoded) = wastecheck_rules::bundles::open_bundle(
            &bytes,
            signature.as_ref(),
            &self.trusted,
            Trust::RequireSignature,
        )
        .map_err(|e| refuse(Some(digest.clone()), e.to_string()))?;
        let held = wastecheck_rules::bundles::held_packs(&decoded.packs)
            .map_err(|e| refuse(Some(digest.clone()), e.to_string()))?;
        let signer = match verified.signer {
            Signer::Key(key) => key.to_string(),
            Signer::Unsigned => String::new(),
        };
        Ok(Accepted {
            file: name.to_owned(),
            digest: verified.digest,
            signer,
            sequence: decoded.sequence,
            packs: decoded.packs,
            held,
        })
    }

    /// Compiles the built-in packs (none with `--packs-only`) plus each file's
    /// bundle, in file-name order, each layered over those before it; a bundle that
    /// does not load yet is tried again after the others (its parent may come in a
    /// later file). A bundle whose packs do not load with the others (a pack version
    /// already loaded with other content, a parent missing, a rule that does not
    /// compile) is refused; its file's previous content is kept when there was one.
    /// A file whose current content is served now has its earlier refusal
    /// `cleared`.
    fn compose(
        &mut self,
        generation: u64,
        refused: &mut Vec<Refusal>,
        cleared: &mut Vec<String>,
    ) -> Loaded {
        let options = CompileOptions::default();
        let mut set = PackSet::base(self.packs_only);
        let mut origin: BTreeMap<String, String> = set
            .digests()
            .iter()
            .map(|digest| (digest.clone(), BUILT_IN.to_owned()))
            .collect();
        let mut checker = None;
        let mut bundles = Vec::new();
        // Each file's candidates: its fresh content first, then what it served.
        let mut pending: Vec<(String, Vec<Arc<Accepted>>)> = Vec::new();
        for (name, slot) in self.slots.iter_mut() {
            let mut candidates = Vec::new();
            candidates.extend(slot.fresh.clone());
            if let Some(serving) = &slot.serving
                && candidates.iter().all(|c| c.digest != serving.digest)
            {
                candidates.push(serving.clone());
            }
            slot.serving = None;
            if !candidates.is_empty() {
                pending.push((name.clone(), candidates));
            }
        }
        // Refused before compiling: two files offering one pack version with
        // different content, a rollback or a confusion against what was served, and
        // a bundle older than another in the folder offering the same pack.
        let confused = confusions(&pending, &self.history);
        for (_, candidates) in &mut pending {
            candidates.retain(|candidate| {
                let error = match confused.get(&candidate.digest) {
                    Some(error) => error.clone(),
                    None => match self.history.admit(
                        candidate.sequence,
                        &candidate.held,
                        self.downgrade,
                    ) {
                        Ok(()) => return true,
                        Err(error) => error,
                    },
                };
                refused.push(refused_for(candidate, &error));
                false
            });
        }
        if self.downgrade == Downgrade::Refuse {
            let offers = sequences_offered(&pending);
            for (name, candidates) in &mut pending {
                candidates.retain(|candidate| {
                    // Newer in another file (a file's own candidates are alternatives).
                    let newer = candidate.held.iter().find_map(|pack| {
                        offers[&pack.id]
                            .iter()
                            .filter(|(file, sequence)| {
                                file != name && *sequence > candidate.sequence
                            })
                            .map(|(_, sequence)| (pack, *sequence))
                            .max_by_key(|(_, sequence)| *sequence)
                    });
                    let Some((pack, newest)) = newer else {
                        return true;
                    };
                    let error = wastecheck_rules::LoadBundleError::Rollback {
                        pack: pack.id.clone(),
                        sequence: candidate.sequence,
                        served: newest,
                    };
                    refused.push(refused_for(candidate, &error));
                    false
                });
            }
        }
        pending.retain(|(_, candidates)| !candidates.is_empty());
        // Each file's first candidate that loads with the others is served; the
        // refusals of those before it are reported, and a file none of whose
        // candidates loads is tried again after the others (its parent may come
        // in a later file).
        let mut failures: BTreeMap<String, Vec<Refusal>> = BTreeMap::new();
        loop {
            let mut progress = false;
            pending.retain(|(name, candidates)| {
                let mut errors = Vec::new();
                for candidate in candidates {
                    let mut trial = set.clone();
                    let added = match trial.add(&candidate.packs) {
                        Ok(digests) => digests,
                        Err(error) => {
                            errors.push(refusal(candidate, &error));
                            continue;
                        }
                    };
                    match trial.checker(&options) {
                        Ok(compiled) => {
                            set = trial;
                            for digest in added {
                                origin
                                    .entry(digest)
                                    .or_insert_with(|| candidate.file.clone());
                            }
                            checker = Some(compiled);
                            self.history.record(candidate.sequence, &candidate.held);
                            if let Some(slot) = self.slots.get_mut(name) {
                                if slot.fresh.as_ref().map(|f| &f.digest) == Some(&candidate.digest)
                                {
                                    cleared.push(name.clone());
                                }
                                slot.serving = Some(candidate.clone());
                            }
                            bundles.push(candidate.clone());
                            refused.append(&mut errors);
                            failures.remove(name);
                            progress = true;
                            return false;
                        }
                        Err(error) => errors.push(refusal(candidate, &error)),
                    }
                }
                failures.insert(name.clone(), errors);
                true
            });
            if !progress || pending.is_empty() {
                break;
            }
        }
        refused.extend(failures.into_values().flatten());
        let checker = match checker {
            Some(checker) => checker,
            None => Loaded::base(self.packs_only).checker,
        };
        Loaded {
            checker,
            generation,
            bundles,
            origin,
            sandbox: None,
            packs_only: self.packs_only,
        }
    }
}

/// The candidates to refuse because two files offer one pack version with
/// different content and none of them was served (when one was, the history
/// refuses the others): by bundle digest, the error to give.
fn confusions(
    pending: &[(String, Vec<Arc<Accepted>>)],
    history: &History,
) -> BTreeMap<String, wastecheck_rules::LoadBundleError> {
    // (id, version) → the bundles offering it: (pack digest, bundle digest).
    let mut offers: BTreeMap<(&str, &str), Vec<(&str, &str)>> = BTreeMap::new();
    for candidate in pending.iter().flat_map(|(_, candidates)| candidates) {
        for pack in &candidate.held {
            offers.entry((&pack.id, &pack.version)).or_default().push((
                pack.digest.as_deref().unwrap_or_default(),
                &candidate.digest,
            ));
        }
    }
    let mut confused = BTreeMap::new();
    for ((id, version), offered) in offers {
        let served = history
            .packs
            .get(id)
            .is_some_and(|p| p.versions.contains_key(version));
        let first = offered[0].0;
        if served || offered.iter().all(|(digest, _)| *digest == first) {
            continue;
        }
        for (digest, bundle) in &offered {
            let other = offered
                .iter()
                .find(|(d, _)| d != digest)
                .map_or(first, |(d, _)| *d);
            confused.insert(
                (*bundle).to_owned(),
                wastecheck_rules::LoadBundleError::Confused {
                    pack: id.to_owned(),
                    version: version.to_owned(),
                    offered: (*digest).to_owned(),
                    other: other.to_owned(),
                },
            );
        }
    }
    confused
}

/// Per pack id, the files offering it and the sequences of their bundles.
fn sequences_offered(
    pending: &[(String, Vec<Arc<Accepted>>)],
) -> BTreeMap<String, Vec<(String, u64)>> {
    let mut offers: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for (file, candidates) in pending {
        for candidate in candidates {
            for pack in &candidate.held {
                offers
                    .entry(pack.id.clone())
                    .or_default()
                    .push((file.clone(), candidate.sequence));
            }
        }
    }
    offers
}

fn refused_for(candidate: &Accepted, error: &wastecheck_rules::LoadBundleError) -> Refusal {
    Refusal {
        file: candidate.file.clone(),
        digest: Some(candidate.digest.clone()),
        error: format!("{error} ({})", error.code()),
    }
}

fn refusal(candidate: &Accepted, error: &wastecheck_rules::LoadBundleError) -> Refusal {
    let error = match error {
        wastecheck_rules::LoadBundleError::Packs { error, .. } => error.to_string(),
        other => other.to_string(),
    };
    Refusal {
        file: candidate.file.clone(),
        digest: Some(candidate.digest.clone()),
        error: format!("its packs do not load with the others: {error}"),
    }
}

/// `FILE.bundle.sig`.
pub fn sig_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}
