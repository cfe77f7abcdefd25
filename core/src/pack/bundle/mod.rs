//! Rule-pack bundles: the canonical, optionally signed byte string regulators publish
//! (docs/design.md §8).
//!
//! A bundle is compact JSON built only from sorted maps and sorted packs:
//!
//! ```text
//! {"format":"wastecheck-bundle","version":3,"sequence":2026120401,"packs":[{"name":"cn","files":{"pack.json":"{…}","cn.transfer.x/rule.json":"{…}","catalogue/hw-list-2021.csv":"…"}}]}
//! ```
//!
//! `sequence` is the issuer's counter, higher for each later bundle of the same
//! packs: under the signature, it lets a host refuse an older bundle once it has
//! served a newer one (a rollback). Format 3 added it; format 2 had none and is no
//! longer read: rebuild such a bundle with `wastecheck pack build --sequence N`.
//!
//! The format carries each `pack.toml` and `*/rule.toml` as `pack.json` and
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
//!
//! - [`paths`]: which files a bundle holds and how they are named;
//! - [`format`]: the canonical bytes, encoding, decoding and digests;
//! - [`signing`]: keys, signatures and the trust policy.
//!
//! Each has its own error enum; [`BundleError`] wraps them for callers that do
//! several of these at once.

/// The `format` field every bundle starts with.
pub const FORMAT: &str = "wastecheck-bundle";
/// The bundle format version this code reads and writes.
pub const VERSION: u64 = 3;

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
    /// A pack name or file path a bundle may not hold.
    #[error(transparent)]
    Path(#[from] PathError),
    /// Bytes that could not be written or read as a bundle.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// A key, a signature, or a bundle's signature refused.
    #[error(transparent)]
    Signing(#[from] SigningError),
}

use std::collections::BTreeMap;

pub mod format;
pub mod paths;
pub mod signing;
#[cfg(test)]
mod tests;

pub use format::{
    Decoded, FormatError, decode, decode_sequenced, digest, encode, encode_sequenced, pack_digest,
};
pub use paths::{PathError, is_bundled};
pub use signing::{
    PublicKey, SecretKey, Signature, Signer, SigningError, Trust, Verified, sign, verify,
};
