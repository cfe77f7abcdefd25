//! The bundle's bytes: canonical compact JSON of the issuer's sequence number and the
//! sorted packs (`pack.toml` and `rule.toml` carried as JSON), read back only when
//! already canonical, and named by their sha-256 digest.

use super::paths::{PathError, is_bundled, sorted_and_valid};
use super::{BundleError, FORMAT, PackFiles, VERSION};
use crate::pack::toml_json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Why bundle bytes could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A `pack.toml` or `rule.toml` that could not be converted to JSON.
    #[error("pack `{pack}`: `{path}`{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Source {
        /// The pack's name.
        pack: String,
        /// The file's path in the pack.
        path: String,
        /// The 1-based line, if known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A pack with both a TOML source and the JSON a bundle carries it as.
    #[error(
        "pack `{pack}` has both `{path}` and `{other}`: keep one (bundles carry `{path}` as `{other}`)"
    )]
    TwoForms {
        /// The pack's name.
        pack: String,
        /// The TOML source's path (`pack.toml`, `DIR/rule.toml`).
        path: String,
        /// The JSON file's path (`pack.json`, `DIR/rule.json`).
        other: String,
    },
    /// A bundle that holds a TOML source where its format carries JSON.
    #[error(
        "pack `{pack}`: the bundle holds `{path}`, TOML source that bundles of format {VERSION} carry as JSON: rebuild it with `wastecheck pack build`"
    )]
    TomlInBundle {
        /// The pack's name.
        pack: String,
        /// The TOML file's path in the pack.
        path: String,
    },
    /// The bundle could not be serialized.
    #[error("the bundle could not be written as JSON: {message}")]
    Encode {
        /// What is wrong.
        message: String,
    },
    /// Bundle bytes that are not UTF-8.
    #[error(
        "the bundle is not UTF-8 (bad byte at offset {offset}): it is damaged; download or rebuild it"
    )]
    NotUtf8 {
        /// The 0-based byte offset of the first bad byte.
        offset: usize,
    },
    /// Bundle bytes that are empty or end early.
    #[error("the bundle is empty or truncated: download or copy it again")]
    Truncated,
    /// Bundle bytes that are not JSON, or JSON not of a bundle's shape.
    #[error("the bundle is not valid JSON ({message}): it is damaged; download or rebuild it")]
    Malformed {
        /// What is wrong, as the JSON reader says.
        message: String,
    },
    /// Bytes after the bundle's one JSON value.
    #[error(
        "the bundle has extra bytes after its end (offset {offset}): it is damaged; download or rebuild it"
    )]
    TrailingData {
        /// The 0-based byte offset where the JSON value ends.
        offset: usize,
    },
    /// JSON that is not a wastecheck bundle: its `format` is not [`FORMAT`].
    #[error("this is not a wastecheck bundle (`format` is {found}, expected \"{FORMAT}\")")]
    NotABundle {
        /// The `format` member found, as JSON, or why there is none.
        found: String,
    },
    /// A bundle of a format version this build does not read.
    #[error(
        "bundle format version {found} is not supported (this wastecheck reads version {VERSION}): rebuild the bundle with this wastecheck's `wastecheck pack build`, or upgrade wastecheck to read a newer format"
    )]
    UnsupportedVersion {
        /// The `version` member found, as JSON, or `(missing)`.
        found: String,
    },
    /// Bundle bytes that are not exactly what [`encode`] writes for their packs.
    #[error(
        "the bundle is not in canonical form, so its digest would not name its contents: rebuild it with `wastecheck pack build`"
    )]
    NotCanonical,
}

/// The canonical bundle bytes of `packs` with sequence number 0: what the
/// built-in packs and a pack's digest ([`pack_digest`]) are encoded as. A bundle
/// to publish carries its issuer's sequence number: [`encode_sequenced`].
pub fn encode(packs: &[PackFiles]) -> Result<Vec<u8>, BundleError> {
    encode_sequenced(packs, 0)
}

/// The canonical bundle bytes of `packs`, issued as `sequence`: the issuer's
/// counter, higher for every later bundle of the same packs, which hosts use to
/// refuse an older bundle once they have served a newer one (docs/design.md §8).
///
/// Deterministic: packs are sorted by name and files by path, so input order never
/// matters. Every path is validated, but only bundled files (see [`is_bundled`]) are
/// written: fixtures, snapshots and docs are silently left out, because by
/// definition they are not part of a bundle. `pack.toml` and `*/rule.toml` are
/// written as canonical JSON (`pack.json`, `*/rule.json`), which needs the
/// `toml-sources` feature; packs read from a bundle already have them so.
pub fn encode_sequenced(packs: &[PackFiles], sequence: u64) -> Result<Vec<u8>, BundleError> {
    let sorted = sorted_and_valid(packs)?;
    let bundled = sorted
        .iter()
        .map(|pack| bundled_files(pack))
        .collect::<Result<Vec<_>, _>>()?;
    let wire = WireOut {
        format: FORMAT,
        version: VERSION,
        sequence,
        packs: sorted
            .iter()
            .zip(&bundled)
            .map(|(pack, files)| WirePackOut {
                name: &pack.name,
                files: files
                    .iter()
                    .map(|(path, text)| (path.as_ref(), text.as_ref()))
                    .collect(),
            })
            .collect(),
    };
    // Structs keep field order and BTreeMaps keep key order; serde_json's compact
    // output and string escaping are fixed, so the bytes are too.
    serde_json::to_vec(&wire).map_err(|e| {
        FormatError::Encode {
            message: e.to_string(),
        }
        .into()
    })
}

/// The files of `pack` a bundle carries, by their names there: TOML manifests as
/// canonical JSON, everything else as it is.
fn bundled_files(pack: &PackFiles) -> Result<BTreeMap<Cow<'_, str>, Cow<'_, str>>, FormatError> {
    let mut files = BTreeMap::new();
    for (path, text) in pack.files.iter().filter(|(path, _)| is_bundled(path)) {
        let Some(name) = toml_json::bundled_name(path) else {
            files.insert(Cow::Borrowed(path.as_str()), Cow::Borrowed(text.as_str()));
            continue;
        };
        if pack.files.contains_key(&name) {
            return Err(FormatError::TwoForms {
                pack: pack.name.clone(),
                path: path.clone(),
                other: name,
            });
        }
        let json = toml_json::to_json(text).map_err(|e| FormatError::Source {
            pack: pack.name.clone(),
            path: path.clone(),
            line: e.line,
            message: e.message,
        })?;
        files.insert(Cow::Owned(name), Cow::Owned(json));
    }
    Ok(files)
}

/// A bundle read: its issuer's sequence number and its packs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The issuer's sequence number (see [`encode_sequenced`]).
    pub sequence: u64,
    /// The packs, sorted by name.
    pub packs: Vec<PackFiles>,
}

/// Reads a bundle's packs, sorted by name (see [`decode_sequenced`]).
pub fn decode(bytes: &[u8]) -> Result<Vec<PackFiles>, BundleError> {
    decode_sequenced(bytes).map(|bundle| bundle.packs)
}

/// Reads a bundle: its sequence number and the packs it holds.
///
/// Refuses anything [`encode_sequenced`] would not have produced byte for byte, so
/// a digest of accepted bytes always names exactly these packs and this sequence.
pub fn decode_sequenced(bytes: &[u8]) -> Result<Decoded, BundleError> {
    let text = std::str::from_utf8(bytes).map_err(|e| match e.error_len() {
        // A multi-byte character cut off at the end: the bytes stop early.
        None => FormatError::Truncated,
        Some(_) => FormatError::NotUtf8 {
            offset: e.valid_up_to(),
        },
    })?;
    // Read one JSON value and note where it ends, to tell truncation and trailing
    // bytes apart from other damage.
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = match stream.next() {
        None => return Err(FormatError::Truncated.into()),
        Some(Err(e)) if e.is_eof() => return Err(FormatError::Truncated.into()),
        Some(Err(e)) => {
            return Err(FormatError::Malformed {
                message: e.to_string(),
            }
            .into());
        }
        Some(Ok(value)) => value,
    };
    let end = stream.byte_offset();
    if end != text.len() {
        return Err(FormatError::TrailingData { offset: end }.into());
    }
    // Check the header before the body so a future format says "upgrade" rather
    // than "unknown field".
    let Some(object) = value.as_object() else {
        return Err(FormatError::NotABundle {
            found: "missing: the bundle is not a JSON object".to_owned(),
        }
        .into());
    };
    match object.get("format") {
        Some(Value::String(format)) if format == FORMAT => {}
        found => {
            return Err(FormatError::NotABundle {
                found: found.map_or_else(|| "missing".to_owned(), Value::to_string),
            }
            .into());
        }
    }
    match object.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        found => {
            return Err(FormatError::UnsupportedVersion {
                found: found.map_or_else(|| "(missing)".to_owned(), Value::to_string),
            }
            .into());
        }
    }
    let wire: WireIn = serde_json::from_value(value).map_err(|e| FormatError::Malformed {
        message: e.to_string(),
    })?;
    let sequence = wire.sequence;
    let packs: Vec<PackFiles> = wire
        .packs
        .into_iter()
        .map(|pack| PackFiles {
            name: pack.name,
            files: pack.files,
        })
        .collect();
    for pack in sorted_and_valid(&packs)? {
        if let Some(path) = pack.files.keys().find(|path| !is_bundled(path)) {
            return Err(PathError::UnbundledFile {
                pack: pack.name.clone(),
                path: path.clone(),
            }
            .into());
        }
        if let Some(path) = pack
            .files
            .keys()
            .find(|path| toml_json::bundled_name(path).is_some())
        {
            return Err(FormatError::TomlInBundle {
                pack: pack.name.clone(),
                path: path.clone(),
            }
            .into());
        }
    }
    // Catches everything else: unsorted packs, duplicate JSON keys, whitespace,
    // alternative escapes (`\u0041` for `A`), field order.
    if encode_sequenced(&packs, sequence)? != bytes {
        return Err(FormatError::NotCanonical.into());
    }
    Ok(Decoded { sequence, packs })
}

/// `sha256:<64 lowercase hex>` of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The digest of the canonical encoding of `pack` alone: names one pack version in
/// reports, whatever bundle it came in. Fails only for a pack [`encode`] refuses
/// (a bad name or path), which has no canonical encoding.
pub fn pack_digest(pack: &PackFiles) -> Result<String, BundleError> {
    encode(std::slice::from_ref(pack)).map(|bytes| digest(&bytes))
}

#[derive(Serialize)]
struct WireOut<'a> {
    format: &'static str,
    version: u64,
    sequence: u64,
    packs: Vec<WirePackOut<'a>>,
}

#[derive(Serialize)]
struct WirePackOut<'a> {
    name: &'a str,
    files: BTreeMap<&'a str, &'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireIn {
    // Already checked on the raw value; listed so `deny_unknown_fields` allows them.
    #[serde(rename = "format")]
    _format: serde::de::IgnoredAny,
    #[serde(rename = "version")]
    _version: serde::de::IgnoredAny,
    sequence: u64,
    packs: Vec<WirePackIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePackIn {
    name: String,
    files: BTreeMap<String, String>,
}
