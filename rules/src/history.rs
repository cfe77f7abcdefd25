//! What a host has served, so that it can refuse a bundle that would take it back
//! (a rollback) or give a pack version it has served another content (a confusion).
//!
//! Every bundle carries its issuer's sequence number under the signature
//! (`wastecheck pack build --sequence N`). A host that has served a pack from a
//! bundle of sequence N refuses a bundle carrying that pack with a lower sequence,
//! unless the operator explicitly allows a downgrade; and it never serves two
//! contents under one pack version. The history is plain JSON so that a host can
//! keep it across restarts (`check --history FILE`, `serve --history FILE`, the
//! ABI's and the npm package's `history` option); without that it lasts as long as
//! the host does.

use crate::bundles::LoadBundleError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wastecheck::report::PackRef;

/// The packs a host has served: per pack id, the highest bundle sequence it came
/// in and the digest of every version served.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BundleHistory")]
pub struct History {
    /// Pack id → what was served of it.
    #[serde(default)]
    pub packs: BTreeMap<String, Served>,
}

/// What a host has served of one pack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ServedPack")]
pub struct Served {
    /// The highest sequence of a bundle this pack was served from.
    pub sequence: u64,
    /// Version → `sha256:…` digest of the content served under it.
    #[serde(default)]
    pub versions: BTreeMap<String, String>,
}

/// Whether a bundle older than one served may be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Downgrade {
    /// Refuse it (`bundle.rollback`): the default.
    #[default]
    Refuse,
    /// Load it, as an operator rolling back on purpose does
    /// (`--allow-downgrade`, `{ allowDowngrade: true }`).
    Allow,
}

impl History {
    /// Reads a history kept as JSON.
    pub fn from_json(text: &str) -> Result<History, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The history as JSON, to keep.
    pub fn to_json(&self) -> String {
        // A map of strings and numbers always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The history kept in `path`; an empty one when the file does not exist yet.
    pub fn read_file(path: &std::path::Path) -> std::io::Result<History> {
        match std::fs::read_to_string(path) {
            Ok(text) => History::from_json(&text).map_err(|error| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("not a wastecheck bundle history: {error}"),
                )
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(History::default()),
            Err(error) => Err(error),
        }
    }

    /// Replaces `path` with this history whole (written beside it, then renamed),
    /// so an interrupted write never leaves half a history that forgets what was
    /// served.
    pub fn write_file(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        std::fs::write(&temporary, self.to_json())?;
        std::fs::rename(&temporary, path)
    }

    /// Whether the packs of a bundle issued as `sequence` may be served: refused
    /// when a pack was served from a newer bundle (unless `downgrade` allows it) or
    /// a version of it was served with another content. Built-in packs (sequence
    /// 0, never recorded) are not judged.
    pub fn admit(
        &self,
        sequence: u64,
        packs: &[PackRef],
        downgrade: Downgrade,
    ) -> Result<(), LoadBundleError> {
        for pack in packs {
            let Some(served) = self.packs.get(&pack.id) else {
                continue;
            };
            if let (Some(before), Some(now)) =
                (served.versions.get(&pack.version), pack.digest.as_ref())
                && before != now
            {
                return Err(LoadBundleError::Conflict {
                    pack: pack.id.clone(),
                    version: pack.version.clone(),
                    served: before.clone(),
                    offered: now.clone(),
                });
            }
            if sequence < served.sequence && downgrade == Downgrade::Refuse {
                return Err(LoadBundleError::Rollback {
                    pack: pack.id.clone(),
                    sequence,
                    served: served.sequence,
                });
            }
        }
        Ok(())
    }

    /// Takes in what another history records (one kept by the host across
    /// restarts): the higher sequence of each pack, and every version's digest —
    /// this history's where both have one.
    pub fn merge(&mut self, other: &History) {
        for (id, theirs) in &other.packs {
            let ours = self.packs.entry(id.clone()).or_default();
            ours.sequence = ours.sequence.max(theirs.sequence);
            for (version, digest) in &theirs.versions {
                ours.versions
                    .entry(version.clone())
                    .or_insert_with(|| digest.clone());
            }
        }
    }

    /// Records that the packs of a bundle issued as `sequence` are served.
    pub fn record(&mut self, sequence: u64, packs: &[PackRef]) {
        for pack in packs {
            let served = self.packs.entry(pack.id.clone()).or_default();
            served.sequence = served.sequence.max(sequence);
            if let Some(digest) = &pack.digest {
                served.versions.insert(pack.version.clone(), digest.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zj(version: &str, digest: &str) -> Vec<PackRef> {
        vec![PackRef {
            id: "zj".into(),
            version: version.into(),
            digest: Some(digest.into()),
        }]
    }

    #[test]
    fn an_older_bundle_is_refused_once_a_newer_one_is_served() {
        let mut history = History::default();
        assert!(
            history
                .admit(5, &zj("1.1.0", "sha256:b"), Downgrade::Refuse)
                .is_ok()
        );
        history.record(5, &zj("1.1.0", "sha256:b"));
        let refused = history
            .admit(4, &zj("1.0.0", "sha256:a"), Downgrade::Refuse)
            .unwrap_err();
        assert_eq!(refused.code(), "bundle.rollback");
        let message = refused.to_string();
        assert!(message.contains("zj") && message.contains('4') && message.contains('5'));
        // The same sequence again (the same bundle, or its twin) and newer ones pass.
        assert!(
            history
                .admit(5, &zj("1.1.0", "sha256:b"), Downgrade::Refuse)
                .is_ok()
        );
        assert!(
            history
                .admit(6, &zj("1.2.0", "sha256:c"), Downgrade::Refuse)
                .is_ok()
        );
        // Allowed on purpose.
        assert!(
            history
                .admit(4, &zj("1.0.0", "sha256:a"), Downgrade::Allow)
                .is_ok()
        );
        // Recording an older one never lowers the mark.
        history.record(4, &zj("1.0.0", "sha256:a"));
        assert_eq!(history.packs["zj"].sequence, 5);
    }

    #[test]
    fn a_served_version_with_other_content_is_refused_even_when_downgrading() {
        let mut history = History::default();
        history.record(5, &zj("1.1.0", "sha256:b"));
        for downgrade in [Downgrade::Refuse, Downgrade::Allow] {
            let refused = history
                .admit(7, &zj("1.1.0", "sha256:x"), downgrade)
                .unwrap_err();
            assert_eq!(refused.code(), "bundle.conflict");
        }
    }

    #[test]
    fn merging_keeps_the_higher_sequence_and_every_version() {
        let mut ours = History::default();
        ours.record(5, &zj("1.1.0", "sha256:b"));
        let mut theirs = History::default();
        theirs.record(7, &zj("1.2.0", "sha256:c"));
        theirs.record(3, &zj("1.1.0", "sha256:other"));
        ours.merge(&theirs);
        assert_eq!(ours.packs["zj"].sequence, 7);
        assert_eq!(ours.packs["zj"].versions["1.1.0"], "sha256:b");
        assert_eq!(ours.packs["zj"].versions["1.2.0"], "sha256:c");
    }

    #[test]
    fn the_history_survives_as_json() {
        let mut history = History::default();
        history.record(5, &zj("1.1.0", "sha256:b"));
        let again = History::from_json(&history.to_json()).unwrap();
        assert_eq!(again, history);
        assert!(History::from_json(r#"{"packs":{"zj":{"sequence":-1}}}"#).is_err());
        assert!(History::from_json(r#"{"pack":{}}"#).is_err());
        assert_eq!(History::from_json("{}").unwrap(), History::default());
    }
}
