//! The bundle reader and the signature check. A real bundle (the built-in `zj`
//! pack, sequence 7) is signed once with a fixed key, the only key trusted. The
//! first input byte chooses what the rest is:
//!
//! * even: bundle bytes, checked with the real bundle's signature;
//! * odd: a 64-byte signature, then bundle bytes.
//!
//! Either way the signature must verify only for the real bytes (and the real
//! signature); the reader (`decode_sequenced`) gets the bytes whatever their
//! signature, and bytes it accepts go through the whole load as an unsigned
//! bundle allowed (layered over nothing: replace).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wastecheck::pack::bundle::{self, PublicKey, SecretKey, Signature, Trust};
use wastecheck_rules::{BundleOptions, History, load_bundle};

struct Real {
    bytes: Vec<u8>,
    signature: Signature,
    key: PublicKey,
}

fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let zj: Vec<_> = wastecheck_rules::packs()
            .into_iter()
            .filter(|p| p.name == "zj")
            .collect();
        let bytes = bundle::encode_sequenced(&zj, 7).expect("the zj pack encodes");
        let secret = SecretKey::from_seed([7; 32]);
        Real {
            signature: bundle::sign(&bytes, &secret),
            key: secret.public_key(),
            bytes,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let real = real();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (bytes, signature) = if mode % 2 == 0 {
        (rest, Some(real.signature))
    } else {
        if rest.len() < 64 {
            return;
        }
        let (signature, bytes) = rest.split_at(64);
        let text = format!("wastecheck-ed25519-signature:{}", base64_encode(signature));
        (bytes, text.parse::<Signature>().ok())
    };
    let verified = bundle::verify(
        bytes,
        signature.as_ref(),
        &[real.key],
        Trust::RequireSignature,
    );
    if verified.is_ok() {
        assert_eq!(bytes, real.bytes.as_slice(), "a changed bundle verified");
        assert_eq!(
            signature,
            Some(real.signature),
            "another signature verified"
        );
    }
    let decoded = bundle::decode_sequenced(bytes);
    if let Ok(decoded) = &decoded {
        // Only canonical bytes are read: encoding what was read gives them back.
        let again = bundle::encode_sequenced(&decoded.packs, decoded.sequence)
            .expect("what was read encodes");
        assert_eq!(again, bytes, "a bundle read is not its canonical encoding");
        let options = BundleOptions {
            trust: Trust::AllowUnsigned,
            replace: true,
            ..BundleOptions::default()
        };
        let _ = load_bundle(bytes, None, &[], &options, &mut History::default());
    }
});

/// Standard base64 (the signature text's encoding), without a dependency.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
