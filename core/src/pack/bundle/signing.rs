//! Signatures: detached ed25519 signatures over the bundle bytes, keys and
//! signatures in one-line text forms, and the trust policy a host applies. The core
//! never generates randomness: callers bring the 32-byte seed.

use super::BundleError;
use super::format::digest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::Signer as _;
use std::fmt;
use std::str::FromStr;

/// Why a key, a signature or a bundle's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    /// A key or signature text that does not start with its kind's prefix.
    #[error("not a wastecheck {kind}: expected one line starting with `{prefix}`")]
    WrongPrefix {
        /// What the text should be: `public key`, `secret key` or `signature`.
        kind: &'static str,
        /// The prefix it should start with, e.g. `wastecheck-ed25519-public:`.
        prefix: &'static str,
    },
    /// A key or signature text whose base64 after the prefix does not decode.
    #[error("the {kind} is not valid base64 after its prefix: copy the whole line again")]
    BadBase64 {
        /// What the text should be: `public key`, `secret key` or `signature`.
        kind: &'static str,
    },
    /// A key or signature text that decodes to the wrong number of bytes.
    #[error("the {kind} holds {found} bytes, expected {expected}: copy the whole line again")]
    WrongLength {
        /// What the text should be: `public key`, `secret key` or `signature`.
        kind: &'static str,
        /// The number of bytes the kind has (32 for a key, 64 for a signature).
        expected: usize,
        /// The number of bytes the text holds.
        found: usize,
    },
    /// 32 bytes that are not an ed25519 public key.
    #[error("the public key is not a valid ed25519 point: copy the whole line again")]
    InvalidPublicKey,
    /// A small-order public key, under which forged signatures verify.
    #[error("the public key is a weak (small-order) ed25519 key and cannot be trusted")]
    WeakPublicKey,
    /// An unsigned bundle, where the policy requires a signature.
    #[error(
        "the bundle is not signed: sign it with `wastecheck pack sign`, or explicitly allow unsigned packs (`--allow-unsigned`)"
    )]
    MissingSignature,
    /// A signed bundle, with no trusted key to verify it under.
    #[error(
        "the bundle is signed but no key is trusted: pass the publisher's public key (`--trust KEYFILE.pub`)"
    )]
    NoTrustedKeys,
    /// A signature that verifies under none of the trusted keys.
    #[error(
        "the signature does not verify under any of the {trusted} trusted key(s): the bundle was changed after signing, or was signed by a key you do not trust; do not use it"
    )]
    UntrustedSignature {
        /// How many keys are trusted.
        trusted: usize,
    },
}

pub(crate) const PUBLIC_PREFIX: &str = "wastecheck-ed25519-public:";
pub(crate) const SECRET_PREFIX: &str = "wastecheck-ed25519-secret:";
pub(crate) const SIGNATURE_PREFIX: &str = "wastecheck-ed25519-signature:";

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
pub struct Signature(pub(crate) ed25519_dalek::Signature);

impl SecretKey {
    /// The key for a 32-byte seed. The seed must come from a secure random source;
    /// the core has none, so the caller (the CLI) supplies it.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The public key of this signing key, for hosts to trust.
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
    type Err = SigningError;

    fn from_str(text: &str) -> Result<Self, SigningError> {
        let bytes: [u8; 32] = parse_text(text, "public key", PUBLIC_PREFIX)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| SigningError::InvalidPublicKey)?;
        // A small-order key "verifies" forged signatures; never trust one.
        if key.is_weak() {
            return Err(SigningError::WeakPublicKey);
        }
        Ok(Self(key))
    }
}

impl FromStr for SecretKey {
    type Err = SigningError;

    fn from_str(text: &str) -> Result<Self, SigningError> {
        parse_text(text, "secret key", SECRET_PREFIX).map(Self::from_seed)
    }
}

impl FromStr for Signature {
    type Err = SigningError;

    fn from_str(text: &str) -> Result<Self, SigningError> {
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
) -> Result<[u8; N], SigningError> {
    let encoded = text
        .trim_end_matches(['\n', '\r'])
        .strip_prefix(prefix)
        .ok_or(SigningError::WrongPrefix { kind, prefix })?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| SigningError::BadBase64 { kind })?;
    let found = bytes.len();
    bytes.try_into().map_err(|_| SigningError::WrongLength {
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
    /// A bundle must carry a signature that verifies under a trusted key.
    #[default]
    RequireSignature,
    /// A bundle may be unsigned; a signature it carries must still verify.
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
    /// Who vouched for it.
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
            Trust::RequireSignature => Err(SigningError::MissingSignature.into()),
            Trust::AllowUnsigned => Ok(Verified {
                signer: Signer::Unsigned,
                digest,
            }),
        };
    };
    if trusted.is_empty() {
        return Err(SigningError::NoTrustedKeys.into());
    }
    // `verify_strict` also refuses malleable signatures and small-order keys.
    trusted
        .iter()
        .find(|key| key.0.verify_strict(bytes, &signature.0).is_ok())
        .map(|key| Verified {
            signer: Signer::Key(*key),
            digest,
        })
        .ok_or(
            SigningError::UntrustedSignature {
                trusted: trusted.len(),
            }
            .into(),
        )
}
