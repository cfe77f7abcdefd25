//! Bundle tests: canonical bytes, refused paths and forms, signatures.

use super::signing::{PUBLIC_PREFIX, SECRET_PREFIX, SIGNATURE_PREFIX};
use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

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
        r#"{"format":"wastecheck-bundle","version":3,"sequence":0,"packs":[{"name":"cn","files":{"a":"1","b":"2","pack.json":"{\"id\":\"cn\"}"}}]}"#
    );
}

#[test]
fn the_sequence_number_is_carried_and_read_back() {
    let bytes = encode_sequenced(&sample(), 2026120401).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(
        text.starts_with(
            r#"{"format":"wastecheck-bundle","version":3,"sequence":2026120401,"packs":["#
        ),
        "{text}"
    );
    let read = decode_sequenced(&bytes).unwrap();
    assert_eq!(read.sequence, 2026120401);
    assert_eq!(read.packs, sample_bundled());
    // Another sequence, other bytes and another digest; the packs' digests do not move.
    let other = encode_sequenced(&sample(), 2026120402).unwrap();
    assert_ne!(digest(&bytes), digest(&other));
    assert_eq!(decode(&other).unwrap(), decode(&bytes).unwrap());
    // A bundle without one, or with one that is not a whole number, is refused.
    for raw in [
        br#"{"format":"wastecheck-bundle","version":3,"packs":[]}"#.as_slice(),
        br#"{"format":"wastecheck-bundle","version":3,"sequence":-1,"packs":[]}"#,
        br#"{"format":"wastecheck-bundle","version":3,"sequence":1.5,"packs":[]}"#,
        br#"{"format":"wastecheck-bundle","version":3,"sequence":"7","packs":[]}"#,
    ] {
        assert!(
            matches!(
                decode(raw),
                Err(BundleError::Format(FormatError::Malformed { .. }))
            ),
            "{}",
            String::from_utf8_lossy(raw)
        );
    }
    // Written otherwise than canonically (a leading zero is not JSON; an exponent is).
    let exponent = br#"{"format":"wastecheck-bundle","version":3,"sequence":1e3,"packs":[]}"#;
    assert!(decode(exponent).is_err());
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
            BundleError::Path(PathError::InvalidPackName {
                name: String::new(),
            }),
        ),
        (
            "..",
            "a",
            BundleError::Path(PathError::InvalidPackName { name: "..".into() }),
        ),
        (
            "a/b",
            "a",
            BundleError::Path(PathError::InvalidPackName { name: "a/b".into() }),
        ),
        (
            "cn",
            "",
            BundleError::Path(PathError::EmptyPath { pack: "cn".into() }),
        ),
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
        ("/etc/passwd", |pack, path| {
            BundleError::Path(PathError::AbsolutePath { pack, path })
        }),
        ("C:/x.toml", |pack, path| {
            BundleError::Path(PathError::AbsolutePath { pack, path })
        }),
        ("a\\b.toml", |pack, path| {
            BundleError::Path(PathError::BackslashInPath { pack, path })
        }),
        ("../x.toml", |pack, path| {
            BundleError::Path(PathError::DotSegment { pack, path })
        }),
        ("a/./x.toml", |pack, path| {
            BundleError::Path(PathError::DotSegment { pack, path })
        }),
        ("a/..", |pack, path| {
            BundleError::Path(PathError::DotSegment { pack, path })
        }),
        ("a//x.toml", |pack, path| {
            BundleError::Path(PathError::EmptySegment { pack, path })
        }),
        ("a/", |pack, path| {
            BundleError::Path(PathError::EmptySegment { pack, path })
        }),
        // Not bundled, but still refused: the path itself is wrong.
        ("fixtures/../x.md", |pack, path| {
            BundleError::Path(PathError::DotSegment { pack, path })
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
        BundleError::Path(PathError::DuplicatePack { name: "zj".into() })
    );
    let raw = br#"{"format":"wastecheck-bundle","version":3,"sequence":0,"packs":[{"name":"cn","files":{}},{"name":"cn","files":{}}]}"#;
    assert_eq!(
        decode(raw).unwrap_err(),
        BundleError::Path(PathError::DuplicatePack { name: "cn".into() })
    );
}

#[test]
fn decode_refuses_other_formats_and_versions() {
    let wrong_format = br#"{"format":"something-else","version":1,"packs":[]}"#;
    assert!(matches!(
        decode(wrong_format),
        Err(BundleError::Format(FormatError::NotABundle { .. }))
    ));
    assert!(matches!(
        decode(b"[1,2]"),
        Err(BundleError::Format(FormatError::NotABundle { .. }))
    ));
    assert!(matches!(
        decode(b"{}"),
        Err(BundleError::Format(FormatError::NotABundle { .. }))
    ));
    let v4 = br#"{"format":"wastecheck-bundle","version":4,"packs":[],"new":1}"#;
    assert_eq!(
        decode(v4).unwrap_err(),
        BundleError::Format(FormatError::UnsupportedVersion { found: "4".into() })
    );
    // Format 2 had no sequence number, so a host could not tell it older: rebuild it.
    let v2 = br#"{"format":"wastecheck-bundle","version":2,"packs":[]}"#;
    let error = decode(v2).unwrap_err();
    assert_eq!(
        error,
        BundleError::Format(FormatError::UnsupportedVersion { found: "2".into() })
    );
    assert!(error.to_string().contains("pack build"), "{error}");
    // Format 1 carried TOML text: rebuild it.
    let v1 = br#"{"format":"wastecheck-bundle","version":1,"packs":[{"name":"cn","files":{"pack.toml":"id = \"cn\""}}]}"#;
    let error = decode(v1).unwrap_err();
    assert_eq!(
        error,
        BundleError::Format(FormatError::UnsupportedVersion { found: "1".into() })
    );
    assert!(
        error.to_string().contains("wastecheck pack build"),
        "{error}"
    );
    let v3_float = br#"{"format":"wastecheck-bundle","version":3.0,"sequence":0,"packs":[]}"#;
    assert!(matches!(
        decode(v3_float),
        Err(BundleError::Format(FormatError::UnsupportedVersion { .. }))
    ));
    let extra = br#"{"format":"wastecheck-bundle","version":3,"sequence":0,"packs":[],"x":1}"#;
    assert!(matches!(
        decode(extra),
        Err(BundleError::Format(FormatError::Malformed { .. }))
    ));
    let bad_file =
        br#"{"format":"wastecheck-bundle","version":3,"sequence":0,"packs":[{"name":"cn","files":{"a":1}}]}"#;
    assert!(matches!(
        decode(bad_file),
        Err(BundleError::Format(FormatError::Malformed { .. }))
    ));
}

#[test]
fn decode_refuses_damage() {
    let bytes = encode(&sample()).unwrap();

    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"garbage");
    assert_eq!(
        decode(&trailing).unwrap_err(),
        BundleError::Format(FormatError::TrailingData {
            offset: bytes.len()
        })
    );
    let mut newline = bytes.clone();
    newline.push(b'\n');
    assert!(matches!(
        decode(&newline),
        Err(BundleError::Format(FormatError::TrailingData { .. }))
    ));
    let mut two = bytes.clone();
    two.extend_from_slice(&bytes);
    assert!(matches!(
        decode(&two),
        Err(BundleError::Format(FormatError::TrailingData { .. }))
    ));

    let mut not_utf8 = bytes.clone();
    not_utf8.insert(40, 0xff);
    assert_eq!(
        decode(&not_utf8).unwrap_err(),
        BundleError::Format(FormatError::NotUtf8 { offset: 40 })
    );

    assert!(matches!(
        decode(b"{\"format\" x"),
        Err(BundleError::Format(FormatError::Malformed { .. }))
    ));
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = encode(&sample()).unwrap();
    for len in 0..bytes.len() {
        let prefix = bytes.get(..len).unwrap();
        let error = decode(prefix).unwrap_err();
        assert!(
            matches!(error, BundleError::Format(FormatError::Truncated)),
            "prefix of {len} bytes gave {error:?}"
        );
    }
}

#[test]
fn non_canonical_bytes_are_refused() {
    let canonical = String::from_utf8(encode(&sample()).unwrap()).unwrap();
    let variants = [
        // whitespace
        canonical.replacen("\"version\":3", "\"version\": 3", 1),
        // field order
        canonical.replacen(
            "\"format\":\"wastecheck-bundle\",\"version\":3",
            "\"version\":3,\"format\":\"wastecheck-bundle\"",
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
            BundleError::Format(FormatError::NotCanonical),
            "{variant}"
        );
    }
    let unbundled = canonical.replacen("\"pack.json\"", "\"README.md\"", 1);
    assert!(matches!(
        decode(unbundled.as_bytes()),
        Err(BundleError::Path(PathError::UnbundledFile { .. }))
    ));
    let escaping = canonical.replacen("\"pack.json\"", "\"../pack.json\"", 1);
    assert!(matches!(
        decode(escaping.as_bytes()),
        Err(BundleError::Path(PathError::DotSegment { .. }))
    ));
    // TOML sources inside: format 2 carries them as JSON.
    let toml = canonical.replacen("\"pack.json\"", "\"pack.toml\"", 1);
    assert_eq!(
        decode(toml.as_bytes()).unwrap_err(),
        BundleError::Format(FormatError::TomlInBundle {
            pack: "cn".into(),
            path: "pack.toml".into()
        })
    );
}

#[test]
fn toml_sources_that_cannot_be_carried_are_refused_by_file_and_line() {
    let bad = pack("cn", &[("pack.toml", "id = \"cn\"\nversion = \n")]);
    let error = encode(&[bad]).unwrap_err();
    assert!(
        matches!(&error, BundleError::Format(FormatError::Source { pack, path, line: Some(2), .. }) if pack == "cn" && path == "pack.toml"),
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
        BundleError::Format(FormatError::TwoForms {
            pack: "cn".into(),
            path: "pack.toml".into(),
            other: "pack.json".into()
        })
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
                BundleError::Signing(SigningError::UntrustedSignature { trusted: 1 }),
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
            BundleError::Signing(SigningError::UntrustedSignature { trusted: 1 })
        );
        assert_eq!(
            verify(&bytes, Some(&signature), &[], policy).unwrap_err(),
            BundleError::Signing(SigningError::NoTrustedKeys)
        );
    }
}

#[test]
fn unsigned_is_refused_unless_allowed() {
    let bytes = encode(&sample()).unwrap();
    let trusted = [key().public_key()];
    let error = verify(&bytes, None, &trusted, Trust::RequireSignature).unwrap_err();
    assert_eq!(error, BundleError::Signing(SigningError::MissingSignature));
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
        SigningError::WrongPrefix {
            kind: "public key",
            prefix: PUBLIC_PREFIX
        }
    );
    assert_eq!(
        public.parse::<SecretKey>().unwrap_err(),
        SigningError::WrongPrefix {
            kind: "secret key",
            prefix: SECRET_PREFIX
        }
    );
    assert_eq!(
        format!("{PUBLIC_PREFIX}not*base64")
            .parse::<PublicKey>()
            .unwrap_err(),
        SigningError::BadBase64 { kind: "public key" }
    );
    assert_eq!(
        format!("{SIGNATURE_PREFIX}{}", BASE64.encode([1u8; 32]))
            .parse::<Signature>()
            .unwrap_err(),
        SigningError::WrongLength {
            kind: "signature",
            expected: 64,
            found: 32
        }
    );
    assert_eq!(
        format!("{SECRET_PREFIX}{}", BASE64.encode([1u8; 31]))
            .parse::<SecretKey>()
            .unwrap_err(),
        SigningError::WrongLength {
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
        SigningError::WeakPublicKey
    );
    // y = 2 is not on the curve.
    let mut off_curve = [0u8; 32];
    off_curve[0] = 2;
    assert_eq!(
        format!("{PUBLIC_PREFIX}{}", BASE64.encode(off_curve))
            .parse::<PublicKey>()
            .unwrap_err(),
        SigningError::InvalidPublicKey
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
