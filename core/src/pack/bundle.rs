//! Rule-pack bundles: the canonical, optionally signed byte string regulators publish
//! (docs/design.md §8).
//!
//! A bundle is compact JSON built only from sorted maps and sorted packs:
//!
//! ```text
//! {"format":"wastecheck-bundle","version":2,"packs":[{"name":"cn","files":{"pack.json":"{…}","cn.transfer.x/rule.json":"{…}","catalogue/hw-list-2021.csv":"…"}}]}
//! ```
//!
//! Format 2 carries each `pack.toml` and `*/rule.toml` as `pack.json` and
//! `*/rule.json`: the same tables as canonical JSON ([`super::toml_json`]), so what
//! reads bundles needs no TOML parser (the browser module is ~66 KB smaller for it).
//! [`encode`] converts them; a bundle holding TOML sources is refused. Every other
//! file (scripts, CSV data) is carried as it is. Format 1 carried the TOML text and
//! is no longer read: rebuild such a bundle with `wastecheck pack build`.
//!
//! The same sources always give the same bytes, so the sha-256 of a bundle names
//! exactly what it holds. [`decode`] accepts only bytes that are already canonical
//! (it re-encodes what it read and compares), so two different byte strings can never
//! carry the same packs and a digest is never ambiguous.
//!
//! Signatures are detached ed25519 signatures over the bundle bytes. Keys and
//! signatures have one-line text forms so they can live in files. The core never
//! generates randomness: callers bring the 32-byte seed.

use super::toml_json;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The `format` field every bundle starts with.
pub const FORMAT: &str = "wastecheck-bundle";
/// The bundle format version this code reads and writes.
pub const VERSION: u64 = 2;

const PUBLIC_PREFIX: &str = "wastecheck-ed25519-public:";
const SECRET_PREFIX: &str = "wastecheck-ed25519-secret:";
const SIGNATURE_PREFIX: &str = "wastecheck-ed25519-signature:";

/// One pack's source folder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackFiles {
    /// The folder name: `cn`, `zj`, `zj-shaoxing`.
    pub name: String,
    /// Relative path with `/` separators (`pack.toml`, `cn.transfer.x/rule.toml`,
    /// `catalogue/hw-list-2021.csv`) → UTF-8 text. Read from a bundle, the manifests
    /// are `pack.json` and `*/rule.json`.
    pub files: BTreeMap<String, String>,
}

/// Everything that can go wrong building, reading, signing or verifying a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error(
        "pack name `{name}` is not a plain folder name: use a non-empty name without `/` or `\\`, other than `.` or `..`"
    )]
    InvalidPackName { name: String },
    #[error("pack `{name}` appears more than once: give each pack folder a different name")]
    DuplicatePack { name: String },
    #[error("pack `{pack}` has a file with an empty path: name every file")]
    EmptyPath { pack: String },
    #[error("pack `{pack}`: `{path}` is absolute: paths must be relative to the pack folder")]
    AbsolutePath { pack: String, path: String },
    #[error("pack `{pack}`: `{path}` contains `\\`: separate folders with `/`")]
    BackslashInPath { pack: String, path: String },
    #[error(
        "pack `{pack}`: `{path}` has a `.` or `..` segment: write the plain path inside the pack folder"
    )]
    DotSegment { pack: String, path: String },
    #[error("pack `{pack}`: `{path}` has an empty segment (`//` or a trailing `/`): remove it")]
    EmptySegment { pack: String, path: String },
    #[error(
        "pack `{pack}`: `{path}` is a fixture, snapshot or doc, which bundles never hold: rebuild the bundle with `wastecheck pack build`"
    )]
    UnbundledFile { pack: String, path: String },
    #[error("pack `{pack}`: `{path}`{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Source {
        pack: String,
        path: String,
        line: Option<usize>,
        message: String,
    },
    #[error(
        "pack `{pack}` has both `{path}` and `{other}`: keep one (bundles carry `{path}` as `{other}`)"
    )]
    TwoForms {
        pack: String,
        path: String,
        other: String,
    },
    #[error(
        "pack `{pack}`: the bundle holds `{path}`, TOML source that bundles of format {VERSION} carry as JSON: rebuild it with `wastecheck pack build`"
    )]
    TomlInBundle { pack: String, path: String },
    #[error("the bundle could not be written as JSON: {message}")]
    Encode { message: String },
    #[error(
        "the bundle is not UTF-8 (bad byte at offset {offset}): it is damaged; download or rebuild it"
    )]
    NotUtf8 { offset: usize },
    #[error("the bundle is empty or truncated: download or copy it again")]
    Truncated,
    #[error("the bundle is not valid JSON ({message}): it is damaged; download or rebuild it")]
    Malformed { message: String },
    #[error(
        "the bundle has extra bytes after its end (offset {offset}): it is damaged; download or rebuild it"
    )]
    TrailingData { offset: usize },
    #[error("this is not a wastecheck bundle (`format` is {found}, expected \"{FORMAT}\")")]
    NotABundle { found: String },
    #[error(
        "bundle format version {found} is not supported (this wastecheck reads version {VERSION}): rebuild the bundle with this wastecheck's `wastecheck pack build`, or upgrade wastecheck to read a newer format"
    )]
    UnsupportedVersion { found: String },
    #[error(
        "the bundle is not in canonical form, so its digest would not name its contents: rebuild it with `wastecheck pack build`"
    )]
    NotCanonical,
    #[error("not a wastecheck {kind}: expected one line starting with `{prefix}`")]
    WrongPrefix {
        kind: &'static str,
        prefix: &'static str,
    },
    #[error("the {kind} is not valid base64 after its prefix: copy the whole line again")]
    BadBase64 { kind: &'static str },
    #[error("the {kind} holds {found} bytes, expected {expected}: copy the whole line again")]
    WrongLength {
        kind: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("the public key is not a valid ed25519 point: copy the whole line again")]
    InvalidPublicKey,
    #[error("the public key is a weak (small-order) ed25519 key and cannot be trusted")]
    WeakPublicKey,
    #[error(
        "the bundle is not signed: sign it with `wastecheck pack sign`, or explicitly allow unsigned packs (`--allow-unsigned`)"
    )]
    MissingSignature,
    #[error(
        "the bundle is signed but no key is trusted: pass the publisher's public key (`--trust KEYFILE.pub`)"
    )]
    NoTrustedKeys,
    #[error(
        "the signature does not verify under any of the {trusted} trusted key(s): the bundle was changed after signing, or was signed by a key you do not trust; do not use it"
    )]
    UntrustedSignature { trusted: usize },
}

/// Which source files go into a bundle: everything except files under a `fixtures/`
/// folder at any depth, `*.snap` snapshots and `*.md` docs. Those are for pack
/// authors (`pack test`, `pack lint`), not for checking documents.
pub fn is_bundled(path: &str) -> bool {
    let (folders, file) = path.rsplit_once('/').unwrap_or(("", path));
    let in_fixtures = folders.split('/').any(|folder| folder == "fixtures");
    !(in_fixtures || file.ends_with(".snap") || file.ends_with(".md"))
}

/// The canonical bundle bytes of `packs`.
///
/// Deterministic: packs are sorted by name and files by path, so input order never
/// matters. Every path is validated, but only bundled files (see [`is_bundled`]) are
/// written: fixtures, snapshots and docs are silently left out, because by
/// definition they are not part of a bundle. `pack.toml` and `*/rule.toml` are
/// written as canonical JSON (`pack.json`, `*/rule.json`), which needs the
/// `toml-sources` feature; packs read from a bundle already have them so.
pub fn encode(packs: &[PackFiles]) -> Result<Vec<u8>, BundleError> {
    let sorted = sorted_and_valid(packs)?;
    let bundled = sorted
        .iter()
        .map(|pack| bundled_files(pack))
        .collect::<Result<Vec<_>, _>>()?;
    let wire = WireOut {
        format: FORMAT,
        version: VERSION,
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
    serde_json::to_vec(&wire).map_err(|e| BundleError::Encode {
        message: e.to_string(),
    })
}

/// The files of `pack` a bundle carries, by their names there: TOML manifests as
/// canonical JSON, everything else as it is.
fn bundled_files(pack: &PackFiles) -> Result<BTreeMap<Cow<'_, str>, Cow<'_, str>>, BundleError> {
    let mut files = BTreeMap::new();
    for (path, text) in pack.files.iter().filter(|(path, _)| is_bundled(path)) {
        let Some(name) = toml_json::bundled_name(path) else {
            files.insert(Cow::Borrowed(path.as_str()), Cow::Borrowed(text.as_str()));
            continue;
        };
        if pack.files.contains_key(&name) {
            return Err(BundleError::TwoForms {
                pack: pack.name.clone(),
                path: path.clone(),
                other: name,
            });
        }
        let json = toml_json::to_json(text).map_err(|e| BundleError::Source {
            pack: pack.name.clone(),
            path: path.clone(),
            line: e.line,
            message: e.message,
        })?;
        files.insert(Cow::Owned(name), Cow::Owned(json));
    }
    Ok(files)
}

/// Reads a bundle: the packs it holds, sorted by name.
///
/// Refuses anything [`encode`] would not have produced byte for byte, so a digest
/// of accepted bytes always names exactly these packs.
pub fn decode(bytes: &[u8]) -> Result<Vec<PackFiles>, BundleError> {
    let text = std::str::from_utf8(bytes).map_err(|e| match e.error_len() {
        // A multi-byte character cut off at the end: the bytes stop early.
        None => BundleError::Truncated,
        Some(_) => BundleError::NotUtf8 {
            offset: e.valid_up_to(),
        },
    })?;
    // Read one JSON value and note where it ends, to tell truncation and trailing
    // bytes apart from other damage.
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = match stream.next() {
        None => return Err(BundleError::Truncated),
        Some(Err(e)) if e.is_eof() => return Err(BundleError::Truncated),
        Some(Err(e)) => {
            return Err(BundleError::Malformed {
                message: e.to_string(),
            });
        }
        Some(Ok(value)) => value,
    };
    let end = stream.byte_offset();
    if end != text.len() {
        return Err(BundleError::TrailingData { offset: end });
    }
    // Check the header before the body so a future format says "upgrade" rather
    // than "unknown field".
    let Some(object) = value.as_object() else {
        return Err(BundleError::NotABundle {
            found: "missing: the bundle is not a JSON object".to_owned(),
        });
    };
    match object.get("format") {
        Some(Value::String(format)) if format == FORMAT => {}
        found => {
            return Err(BundleError::NotABundle {
                found: found.map_or_else(|| "missing".to_owned(), Value::to_string),
            });
        }
    }
    match object.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        found => {
            return Err(BundleError::UnsupportedVersion {
                found: found.map_or_else(|| "(missing)".to_owned(), Value::to_string),
            });
        }
    }
    let wire: WireIn = serde_json::from_value(value).map_err(|e| BundleError::Malformed {
        message: e.to_string(),
    })?;
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
            return Err(BundleError::UnbundledFile {
                pack: pack.name.clone(),
                path: path.clone(),
            });
        }
        if let Some(path) = pack
            .files
            .keys()
            .find(|path| toml_json::bundled_name(path).is_some())
        {
            return Err(BundleError::TomlInBundle {
                pack: pack.name.clone(),
                path: path.clone(),
            });
        }
    }
    // Catches everything else: unsorted packs, duplicate JSON keys, whitespace,
    // alternative escapes (`\u0041` for `A`), field order.
    if encode(&packs)? != bytes {
        return Err(BundleError::NotCanonical);
    }
    Ok(packs)
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

/// Sorts packs by name and checks names and paths, so errors do not depend on the
/// order packs were given in.
fn sorted_and_valid(packs: &[PackFiles]) -> Result<Vec<&PackFiles>, BundleError> {
    let mut sorted: Vec<&PackFiles> = packs.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for pack in &sorted {
        check_pack_name(&pack.name)?;
    }
    for pair in sorted.windows(2) {
        if let [a, b] = pair
            && a.name == b.name
        {
            return Err(BundleError::DuplicatePack {
                name: a.name.clone(),
            });
        }
    }
    for pack in &sorted {
        for path in pack.files.keys() {
            check_path(&pack.name, path)?;
        }
    }
    Ok(sorted)
}

fn check_pack_name(name: &str) -> Result<(), BundleError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(BundleError::InvalidPackName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// A path must be relative, `/`-separated and already normal, so one file has exactly
/// one spelling (and no path can leave its pack folder when written out).
fn check_path(pack: &str, path: &str) -> Result<(), BundleError> {
    let error =
        |make: fn(String, String) -> BundleError| Err(make(pack.to_owned(), path.to_owned()));
    if path.is_empty() {
        return Err(BundleError::EmptyPath {
            pack: pack.to_owned(),
        });
    }
    if path.contains('\\') {
        return error(|pack, path| BundleError::BackslashInPath { pack, path });
    }
    if path.starts_with('/') || has_drive_prefix(path) {
        return error(|pack, path| BundleError::AbsolutePath { pack, path });
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return error(|pack, path| BundleError::DotSegment { pack, path });
    }
    if path.split('/').any(str::is_empty) {
        return error(|pack, path| BundleError::EmptySegment { pack, path });
    }
    Ok(())
}

/// `C:` / `c:/…`: absolute on Windows even with `/` separators.
fn has_drive_prefix(path: &str) -> bool {
    let mut chars = path.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic()
    )
}

#[derive(Serialize)]
struct WireOut<'a> {
    format: &'static str,
    version: u64,
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
    packs: Vec<WirePackIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePackIn {
    name: String,
    files: BTreeMap<String, String>,
}

// ---------------------------------------------------------------------------
// Keys and signatures
// ---------------------------------------------------------------------------

/// A publisher's ed25519 public key: `wastecheck-ed25519-public:<base64 of 32 bytes>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

/// A publisher's ed25519 signing key: `wastecheck-ed25519-secret:<base64 of 32 bytes>`.
///
/// Its `Debug` shows only the public key; its `Display` is the secret text (for
/// writing the key file), so never log it.
#[derive(Clone)]
pub struct SecretKey(ed25519_dalek::SigningKey);

/// A detached signature over bundle bytes:
/// `wastecheck-ed25519-signature:<base64 of 64 bytes>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature(ed25519_dalek::Signature);

impl SecretKey {
    /// The key for a 32-byte seed. The seed must come from a secure random source;
    /// the core has none, so the caller (the CLI) supplies it.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PUBLIC_PREFIX}{}", BASE64.encode(self.0.as_bytes()))
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SECRET_PREFIX}{}", BASE64.encode(self.0.as_bytes()))
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SIGNATURE_PREFIX}{}", BASE64.encode(self.0.to_bytes()))
    }
}

impl FromStr for PublicKey {
    type Err = BundleError;

    fn from_str(text: &str) -> Result<Self, BundleError> {
        let bytes: [u8; 32] = parse_text(text, "public key", PUBLIC_PREFIX)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| BundleError::InvalidPublicKey)?;
        // A small-order key "verifies" forged signatures; never trust one.
        if key.is_weak() {
            return Err(BundleError::WeakPublicKey);
        }
        Ok(Self(key))
    }
}

impl FromStr for SecretKey {
    type Err = BundleError;

    fn from_str(text: &str) -> Result<Self, BundleError> {
        parse_text(text, "secret key", SECRET_PREFIX).map(Self::from_seed)
    }
}

impl FromStr for Signature {
    type Err = BundleError;

    fn from_str(text: &str) -> Result<Self, BundleError> {
        let bytes: [u8; 64] = parse_text(text, "signature", SIGNATURE_PREFIX)?;
        Ok(Self(ed25519_dalek::Signature::from_bytes(&bytes)))
    }
}

/// `<prefix><base64 of N bytes>`, with any trailing newline ignored (files end in
/// one). Errors never echo the text: it may be a secret key.
fn parse_text<const N: usize>(
    text: &str,
    kind: &'static str,
    prefix: &'static str,
) -> Result<[u8; N], BundleError> {
    let encoded = text
        .trim_end_matches(['\n', '\r'])
        .strip_prefix(prefix)
        .ok_or(BundleError::WrongPrefix { kind, prefix })?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| BundleError::BadBase64 { kind })?;
    let found = bytes.len();
    bytes.try_into().map_err(|_| BundleError::WrongLength {
        kind,
        expected: N,
        found,
    })
}

/// Signs bundle bytes (detached).
pub fn sign(bytes: &[u8], key: &SecretKey) -> Signature {
    Signature(key.0.sign(bytes))
}

/// Whether unsigned bundles are acceptable. Hosts require signatures by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Trust {
    #[default]
    RequireSignature,
    AllowUnsigned,
}

/// Who vouched for a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// The trusted key whose signature verified.
    Key(PublicKey),
    /// No signature, accepted because the caller allowed unsigned bundles.
    Unsigned,
}

/// A bundle that passed [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub signer: Signer,
    /// [`digest`] of the verified bytes.
    pub digest: String,
}

/// Checks `signature` over `bytes` against the `trusted` keys.
///
/// A present signature must verify (strictly) under a trusted key, whatever the
/// policy: allowing unsigned bundles never lets a wrong signature through. Only the
/// signature is checked here; [`decode`] checks the contents.
pub fn verify(
    bytes: &[u8],
    signature: Option<&Signature>,
    trusted: &[PublicKey],
    policy: Trust,
) -> Result<Verified, BundleError> {
    let digest = digest(bytes);
    let Some(signature) = signature else {
        return match policy {
            Trust::RequireSignature => Err(BundleError::MissingSignature),
            Trust::AllowUnsigned => Ok(Verified {
                signer: Signer::Unsigned,
                digest,
            }),
        };
    };
    if trusted.is_empty() {
        return Err(BundleError::NoTrustedKeys);
    }
    // `verify_strict` also refuses malleable signatures and small-order keys.
    trusted
        .iter()
        .find(|key| key.0.verify_strict(bytes, &signature.0).is_ok())
        .map(|key| Verified {
            signer: Signer::Key(*key),
            digest,
        })
        .ok_or(BundleError::UntrustedSignature {
            trusted: trusted.len(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(name: &str, files: &[(&str, &str)]) -> PackFiles {
        PackFiles {
            name: name.to_owned(),
            files: files
                .iter()
                .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
                .collect(),
        }
    }

    fn sample() -> Vec<PackFiles> {
        vec![
            pack(
                "cn",
                &[
                    ("pack.toml", "id = \"cn\"\nversion = \"1.0.0\"\n"),
                    ("cn.transfer.x/rule.toml", "id = \"cn.transfer.x\"\n"),
                    (
                        "catalogue/hw-list-2021.csv",
                        "code,名称\n900-041-49,废矿物油\n",
                    ),
                ],
            ),
            pack(
                "zj",
                &[
                    ("pack.toml", "id = \"zj\"\nnote = \"引号 \\\" \\t\"\n"),
                    ("notes.txt", "\"quoted\" \\ \t\u{1}"),
                ],
            ),
            pack("zj-shaoxing", &[("pack.toml", "id = \"zj-shaoxing\"\n")]),
        ]
    }

    /// [`sample`] as a bundle carries it: manifests as canonical JSON.
    fn sample_bundled() -> Vec<PackFiles> {
        vec![
            pack(
                "cn",
                &[
                    ("pack.json", r#"{"id":"cn","version":"1.0.0"}"#),
                    ("cn.transfer.x/rule.json", r#"{"id":"cn.transfer.x"}"#),
                    (
                        "catalogue/hw-list-2021.csv",
                        "code,名称\n900-041-49,废矿物油\n",
                    ),
                ],
            ),
            pack(
                "zj",
                &[
                    ("pack.json", r#"{"id":"zj","note":"引号 \" \t"}"#),
                    ("notes.txt", "\"quoted\" \\ \t\u{1}"),
                ],
            ),
            pack("zj-shaoxing", &[("pack.json", r#"{"id":"zj-shaoxing"}"#)]),
        ]
    }

    fn key() -> SecretKey {
        SecretKey::from_seed([7u8; 32])
    }

    #[test]
    fn encoding_is_canonical_compact_json() {
        let bytes = encode(&[pack(
            "cn",
            &[("b", "2"), ("pack.toml", "id = \"cn\"\n"), ("a", "1")],
        )])
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"format":"wastecheck-bundle","version":2,"packs":[{"name":"cn","files":{"a":"1","b":"2","pack.json":"{\"id\":\"cn\"}"}}]}"#
        );
    }

    #[test]
    fn same_packs_in_any_order_give_the_same_bytes() {
        let packs = sample();
        let bytes = encode(&packs).unwrap();
        let mut shuffled: Vec<PackFiles> = packs.iter().rev().cloned().collect();
        shuffled.swap(0, 1);
        // Rebuild each file map in reverse insertion order too.
        for pack in &mut shuffled {
            let files: Vec<_> = std::mem::take(&mut pack.files).into_iter().rev().collect();
            pack.files.extend(files);
        }
        let again = encode(&shuffled).unwrap();
        assert_eq!(bytes, again);
        assert_eq!(digest(&bytes), digest(&again));
    }

    #[test]
    fn round_trip() {
        let packs = sample();
        let bytes = encode(&packs).unwrap();
        assert_eq!(decode(&bytes).unwrap(), sample_bundled());
        assert_eq!(encode(&decode(&bytes).unwrap()).unwrap(), bytes);
        // A pack and its bundled form are one pack: same digest.
        for (source, bundled) in packs.iter().zip(sample_bundled()) {
            assert_eq!(pack_digest(source), pack_digest(&bundled));
        }
        assert_eq!(decode(&encode(&[]).unwrap()).unwrap(), vec![]);
    }

    #[test]
    fn fixtures_snapshots_and_docs_are_not_bundled() {
        assert!(is_bundled("pack.toml"));
        assert!(is_bundled("cn.transfer.x/rule.toml"));
        assert!(is_bundled("cn.transfer.x/check.rhai"));
        assert!(is_bundled("fixtures.toml"));
        assert!(is_bundled("a/fixtures"));
        assert!(!is_bundled("fixtures/pass-1.json"));
        assert!(!is_bundled("cn.transfer.x/fixtures/pass-1.json"));
        assert!(!is_bundled("a/fixtures/deep/x.json"));
        assert!(!is_bundled("cn.transfer.x/x.snap"));
        assert!(!is_bundled("README.md"));
        assert!(!is_bundled("docs/notes.md"));

        let with_extras = pack(
            "cn",
            &[
                ("pack.toml", "id = \"cn\""),
                ("README.md", "doc"),
                ("r/fixtures/pass-1.json", "{}"),
                ("r/a.snap", "snap"),
            ],
        );
        let bytes = encode(&[with_extras]).unwrap();
        assert_eq!(
            decode(&bytes).unwrap(),
            vec![pack("cn", &[("pack.json", r#"{"id":"cn"}"#)])]
        );
    }

    #[test]
    fn digests_are_sha256_hex() {
        assert_eq!(
            digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let cn = pack("cn", &[("a", "x")]);
        assert_eq!(
            pack_digest(&cn).unwrap(),
            digest(&encode(std::slice::from_ref(&cn)).unwrap())
        );
        assert_ne!(
            pack_digest(&cn).unwrap(),
            pack_digest(&pack("cn", &[("a", "y")])).unwrap()
        );
    }

    #[test]
    fn bad_names_and_paths_are_refused() {
        let encode_one = |name: &str, path: &str| encode(&[pack(name, &[(path, "x")])]);
        let cases: Vec<(&str, &str, BundleError)> = vec![
            (
                "",
                "a",
                BundleError::InvalidPackName {
                    name: String::new(),
                },
            ),
            (
                "..",
                "a",
                BundleError::InvalidPackName { name: "..".into() },
            ),
            (
                "a/b",
                "a",
                BundleError::InvalidPackName { name: "a/b".into() },
            ),
            ("cn", "", BundleError::EmptyPath { pack: "cn".into() }),
        ];
        for (name, path, expected) in cases {
            assert_eq!(
                encode_one(name, path).unwrap_err(),
                expected,
                "{name:?} {path:?}"
            );
        }
        type MakeError = fn(String, String) -> BundleError;
        let path_cases: Vec<(&str, MakeError)> = vec![
            ("/etc/passwd", |pack, path| BundleError::AbsolutePath {
                pack,
                path,
            }),
            ("C:/x.toml", |pack, path| BundleError::AbsolutePath {
                pack,
                path,
            }),
            ("a\\b.toml", |pack, path| BundleError::BackslashInPath {
                pack,
                path,
            }),
            ("../x.toml", |pack, path| BundleError::DotSegment {
                pack,
                path,
            }),
            ("a/./x.toml", |pack, path| BundleError::DotSegment {
                pack,
                path,
            }),
            ("a/..", |pack, path| BundleError::DotSegment { pack, path }),
            ("a//x.toml", |pack, path| BundleError::EmptySegment {
                pack,
                path,
            }),
            ("a/", |pack, path| BundleError::EmptySegment { pack, path }),
            // Not bundled, but still refused: the path itself is wrong.
            ("fixtures/../x.md", |pack, path| BundleError::DotSegment {
                pack,
                path,
            }),
        ];
        for (path, make) in path_cases {
            assert_eq!(
                encode_one("cn", path).unwrap_err(),
                make("cn".into(), path.into()),
                "{path:?}"
            );
        }
        let error = encode_one("cn", "../x").unwrap_err().to_string();
        assert!(
            error.contains("`cn`") && error.contains("`../x`"),
            "{error}"
        );
    }

    #[test]
    fn duplicate_packs_are_refused() {
        let packs = [pack("zj", &[]), pack("cn", &[]), pack("zj", &[("a", "b")])];
        assert_eq!(
            encode(&packs).unwrap_err(),
            BundleError::DuplicatePack { name: "zj".into() }
        );
        let raw = br#"{"format":"wastecheck-bundle","version":2,"packs":[{"name":"cn","files":{}},{"name":"cn","files":{}}]}"#;
        assert_eq!(
            decode(raw).unwrap_err(),
            BundleError::DuplicatePack { name: "cn".into() }
        );
    }

    #[test]
    fn decode_refuses_other_formats_and_versions() {
        let wrong_format = br#"{"format":"something-else","version":1,"packs":[]}"#;
        assert!(matches!(
            decode(wrong_format),
            Err(BundleError::NotABundle { .. })
        ));
        assert!(matches!(
            decode(b"[1,2]"),
            Err(BundleError::NotABundle { .. })
        ));
        assert!(matches!(decode(b"{}"), Err(BundleError::NotABundle { .. })));
        let v3 = br#"{"format":"wastecheck-bundle","version":3,"packs":[],"new":1}"#;
        assert_eq!(
            decode(v3).unwrap_err(),
            BundleError::UnsupportedVersion { found: "3".into() }
        );
        // Format 1 carried TOML text: rebuild it.
        let v1 = br#"{"format":"wastecheck-bundle","version":1,"packs":[{"name":"cn","files":{"pack.toml":"id = \"cn\""}}]}"#;
        let error = decode(v1).unwrap_err();
        assert_eq!(error, BundleError::UnsupportedVersion { found: "1".into() });
        assert!(
            error.to_string().contains("wastecheck pack build"),
            "{error}"
        );
        let v2_float = br#"{"format":"wastecheck-bundle","version":2.0,"packs":[]}"#;
        assert!(matches!(
            decode(v2_float),
            Err(BundleError::UnsupportedVersion { .. })
        ));
        let extra = br#"{"format":"wastecheck-bundle","version":2,"packs":[],"x":1}"#;
        assert!(matches!(decode(extra), Err(BundleError::Malformed { .. })));
        let bad_file = br#"{"format":"wastecheck-bundle","version":2,"packs":[{"name":"cn","files":{"a":1}}]}"#;
        assert!(matches!(
            decode(bad_file),
            Err(BundleError::Malformed { .. })
        ));
    }

    #[test]
    fn decode_refuses_damage() {
        let bytes = encode(&sample()).unwrap();

        let mut trailing = bytes.clone();
        trailing.extend_from_slice(b"garbage");
        assert_eq!(
            decode(&trailing).unwrap_err(),
            BundleError::TrailingData {
                offset: bytes.len()
            }
        );
        let mut newline = bytes.clone();
        newline.push(b'\n');
        assert!(matches!(
            decode(&newline),
            Err(BundleError::TrailingData { .. })
        ));
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        assert!(matches!(
            decode(&two),
            Err(BundleError::TrailingData { .. })
        ));

        let mut not_utf8 = bytes.clone();
        not_utf8.insert(40, 0xff);
        assert_eq!(
            decode(&not_utf8).unwrap_err(),
            BundleError::NotUtf8 { offset: 40 }
        );

        assert!(matches!(
            decode(b"{\"format\" x"),
            Err(BundleError::Malformed { .. })
        ));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = encode(&sample()).unwrap();
        for len in 0..bytes.len() {
            let prefix = bytes.get(..len).unwrap();
            let error = decode(prefix).unwrap_err();
            assert!(
                matches!(error, BundleError::Truncated),
                "prefix of {len} bytes gave {error:?}"
            );
        }
    }

    #[test]
    fn non_canonical_bytes_are_refused() {
        let canonical = String::from_utf8(encode(&sample()).unwrap()).unwrap();
        let variants = [
            // whitespace
            canonical.replacen("\"version\":2", "\"version\": 2", 1),
            // field order
            canonical.replacen(
                "\"format\":\"wastecheck-bundle\",\"version\":2",
                "\"version\":2,\"format\":\"wastecheck-bundle\"",
                1,
            ),
            // another escape for the same text
            canonical.replacen("\"pack.json\"", "\"pack\\u002ejson\"", 1),
            // packs out of order
            canonical.replacen("\"name\":\"cn\"", "\"name\":\"zz\"", 1),
            // a duplicate key, last wins when parsing
            canonical.replacen("\"files\":{", "\"files\":{\"pack.json\":\"shadowed\",", 1),
        ];
        for variant in variants {
            assert_ne!(variant, canonical);
            assert_eq!(
                decode(variant.as_bytes()).unwrap_err(),
                BundleError::NotCanonical,
                "{variant}"
            );
        }
        let unbundled = canonical.replacen("\"pack.json\"", "\"README.md\"", 1);
        assert!(matches!(
            decode(unbundled.as_bytes()),
            Err(BundleError::UnbundledFile { .. })
        ));
        let escaping = canonical.replacen("\"pack.json\"", "\"../pack.json\"", 1);
        assert!(matches!(
            decode(escaping.as_bytes()),
            Err(BundleError::DotSegment { .. })
        ));
        // TOML sources inside: format 2 carries them as JSON.
        let toml = canonical.replacen("\"pack.json\"", "\"pack.toml\"", 1);
        assert_eq!(
            decode(toml.as_bytes()).unwrap_err(),
            BundleError::TomlInBundle {
                pack: "cn".into(),
                path: "pack.toml".into()
            }
        );
    }

    #[test]
    fn toml_sources_that_cannot_be_carried_are_refused_by_file_and_line() {
        let bad = pack("cn", &[("pack.toml", "id = \"cn\"\nversion = \n")]);
        let error = encode(&[bad]).unwrap_err();
        assert!(
            matches!(&error, BundleError::Source { pack, path, line: Some(2), .. } if pack == "cn" && path == "pack.toml"),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("pack `cn`: `pack.toml` line 2: "),
            "{error}"
        );
        let both = pack("cn", &[("pack.toml", "id = \"cn\""), ("pack.json", "{}")]);
        assert_eq!(
            encode(&[both]).unwrap_err(),
            BundleError::TwoForms {
                pack: "cn".into(),
                path: "pack.toml".into(),
                other: "pack.json".into()
            }
        );
    }

    #[test]
    fn a_signed_bundle_verifies_under_its_key() {
        let bytes = encode(&sample()).unwrap();
        let signature = sign(&bytes, &key());
        let other = SecretKey::from_seed([9u8; 32]).public_key();
        let verified = verify(
            &bytes,
            Some(&signature),
            &[other, key().public_key()],
            Trust::RequireSignature,
        )
        .unwrap();
        assert_eq!(verified.signer, Signer::Key(key().public_key()));
        assert_eq!(verified.digest, digest(&bytes));
        // Allowing unsigned bundles does not change a signed one's outcome.
        let allowed = verify(
            &bytes,
            Some(&signature),
            &[key().public_key()],
            Trust::AllowUnsigned,
        );
        assert_eq!(allowed.unwrap(), verified);
    }

    #[test]
    fn a_flipped_byte_is_refused() {
        let bytes = encode(&sample()).unwrap();
        let signature = sign(&bytes, &key());
        let trusted = [key().public_key()];
        for position in [
            0,
            1,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() - 2,
            bytes.len() - 1,
        ] {
            for policy in [Trust::RequireSignature, Trust::AllowUnsigned] {
                let mut damaged = bytes.clone();
                *damaged.get_mut(position).unwrap() ^= 0x01;
                assert_eq!(
                    verify(&damaged, Some(&signature), &trusted, policy).unwrap_err(),
                    BundleError::UntrustedSignature { trusted: 1 },
                    "flipped byte {position}"
                );
            }
        }
        // A damaged signature too.
        let mut raw = signature.0.to_bytes();
        raw[10] ^= 0x80;
        let damaged = Signature(ed25519_dalek::Signature::from_bytes(&raw));
        assert!(verify(&bytes, Some(&damaged), &trusted, Trust::AllowUnsigned).is_err());
    }

    #[test]
    fn a_signature_by_an_untrusted_key_is_refused() {
        let bytes = encode(&sample()).unwrap();
        let signature = sign(&bytes, &SecretKey::from_seed([9u8; 32]));
        for policy in [Trust::RequireSignature, Trust::AllowUnsigned] {
            assert_eq!(
                verify(&bytes, Some(&signature), &[key().public_key()], policy).unwrap_err(),
                BundleError::UntrustedSignature { trusted: 1 }
            );
            assert_eq!(
                verify(&bytes, Some(&signature), &[], policy).unwrap_err(),
                BundleError::NoTrustedKeys
            );
        }
    }

    #[test]
    fn unsigned_is_refused_unless_allowed() {
        let bytes = encode(&sample()).unwrap();
        let trusted = [key().public_key()];
        let error = verify(&bytes, None, &trusted, Trust::RequireSignature).unwrap_err();
        assert_eq!(error, BundleError::MissingSignature);
        assert!(error.to_string().contains("sign"));
        assert!(error.to_string().contains("allow unsigned"));
        assert_eq!(Trust::default(), Trust::RequireSignature);
        let verified = verify(&bytes, None, &trusted, Trust::AllowUnsigned).unwrap();
        assert_eq!(verified.signer, Signer::Unsigned);
        assert_eq!(verified.digest, digest(&bytes));
    }

    #[test]
    fn key_and_signature_text_round_trips() {
        let secret = key();
        let public = secret.public_key();
        let signature = sign(b"bundle", &secret);

        let secret_text = secret.to_string();
        assert!(secret_text.starts_with("wastecheck-ed25519-secret:"));
        let parsed: SecretKey = format!("{secret_text}\n").parse().unwrap();
        assert_eq!(parsed.public_key(), public);
        assert_eq!(parsed.to_string(), secret_text);

        let public_text = public.to_string();
        assert!(public_text.starts_with("wastecheck-ed25519-public:"));
        assert_eq!(
            format!("{public_text}\r\n").parse::<PublicKey>().unwrap(),
            public
        );

        let signature_text = signature.to_string();
        assert!(signature_text.starts_with("wastecheck-ed25519-signature:"));
        assert_eq!(
            format!("{signature_text}\n").parse::<Signature>().unwrap(),
            signature
        );

        // Debug never shows the secret.
        let seed_b64 = secret_text.trim_start_matches("wastecheck-ed25519-secret:");
        assert!(!format!("{secret:?}").contains(seed_b64));
    }

    #[test]
    fn bad_key_and_signature_text_is_refused() {
        let public = key().public_key().to_string();
        assert_eq!(
            key().to_string().parse::<PublicKey>().unwrap_err(),
            BundleError::WrongPrefix {
                kind: "public key",
                prefix: PUBLIC_PREFIX
            }
        );
        assert_eq!(
            public.parse::<SecretKey>().unwrap_err(),
            BundleError::WrongPrefix {
                kind: "secret key",
                prefix: SECRET_PREFIX
            }
        );
        assert_eq!(
            format!("{PUBLIC_PREFIX}not*base64")
                .parse::<PublicKey>()
                .unwrap_err(),
            BundleError::BadBase64 { kind: "public key" }
        );
        assert_eq!(
            format!("{SIGNATURE_PREFIX}{}", BASE64.encode([1u8; 32]))
                .parse::<Signature>()
                .unwrap_err(),
            BundleError::WrongLength {
                kind: "signature",
                expected: 64,
                found: 32
            }
        );
        assert_eq!(
            format!("{SECRET_PREFIX}{}", BASE64.encode([1u8; 31]))
                .parse::<SecretKey>()
                .unwrap_err(),
            BundleError::WrongLength {
                kind: "secret key",
                expected: 32,
                found: 31
            }
        );
        // The identity point is a valid encoding but of small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            format!("{PUBLIC_PREFIX}{}", BASE64.encode(identity))
                .parse::<PublicKey>()
                .unwrap_err(),
            BundleError::WeakPublicKey
        );
        // y = 2 is not on the curve.
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert_eq!(
            format!("{PUBLIC_PREFIX}{}", BASE64.encode(off_curve))
                .parse::<PublicKey>()
                .unwrap_err(),
            BundleError::InvalidPublicKey
        );
        // Leading junk and inner whitespace are not tolerated.
        assert!(format!(" {public}").parse::<PublicKey>().is_err());
        assert!(format!("{public} x").parse::<PublicKey>().is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn packs() -> impl Strategy<Value = Vec<PackFiles>> {
            let path = "[a-z.]{1,6}(/[a-z.]{1,6}){0,2}".prop_filter("valid path", |p| {
                p.split('/').all(|s| s != "." && s != "..")
            });
            let files = prop::collection::btree_map(path, any::<String>(), 0..4);
            prop::collection::btree_map("[a-z-]{1,8}", files, 0..4).prop_map(|packs| {
                packs
                    .into_iter()
                    .map(|(name, files)| PackFiles { name, files })
                    .collect()
            })
        }

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
                let _ = decode(&bytes);
            }

            #[test]
            fn encode_decode_round_trips(mut packs in packs()) {
                let bytes = encode(&packs).unwrap();
                let decoded = decode(&bytes).unwrap();
                for pack in &mut packs {
                    pack.files.retain(|path, _| is_bundled(path));
                }
                packs.sort_by(|a, b| a.name.cmp(&b.name));
                prop_assert_eq!(decoded, packs);
            }
        }
    }
}
