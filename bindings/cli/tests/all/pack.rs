//! `wastecheck pack …` as a regulator uses it: test and lint the built-in pack,
//! build a bundle twice, sign it, verify it, refuse a tampered or unsigned one,
//! and check a document against it.

use crate::{s, text, wastecheck};
use std::path::PathBuf;

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wastecheck-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_built_in_packs_test_and_lint_clean() {
    // A child pack's parents are found beside it by its `extends`.
    for pack in [
        "rules/packs/cn",
        "rules/packs/zj",
        "rules/packs/zj-shaoxing",
    ] {
        let output = wastecheck(&["pack", "test", pack]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
        assert!(text(&output.stdout).contains(" passed, 0 failed"), "{pack}");
        let output = wastecheck(&["pack", "lint", pack]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
        assert!(output.stdout.is_empty(), "{pack}: {}", text(&output.stdout));
    }
}

#[test]
fn build_sign_verify_and_check_against_a_bundle() {
    let dir = scratch("bundle");
    let (first, second) = (dir.join("a.bundle"), dir.join("b.bundle"));
    let built = wastecheck(&[
        "pack",
        "build",
        "rules/packs/cn",
        "-o",
        s(&first),
        "--sequence",
        "1",
    ]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let again = wastecheck(&[
        "pack",
        "build",
        "rules/packs/cn",
        "-o",
        s(&second),
        "--sequence",
        "1",
    ]);
    assert_eq!(text(&built.stdout), text(&again.stdout), "same digest");
    assert!(text(&built.stdout).starts_with("sha256:"));
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );

    let key = dir.join("regulator.key");
    assert_eq!(
        wastecheck(&["pack", "keygen", "-o", s(&key)]).status.code(),
        Some(0)
    );
    let public = format!("{}.pub", s(&key));
    assert_eq!(
        wastecheck(&["pack", "sign", s(&first), "--key", s(&key)])
            .status
            .code(),
        Some(0)
    );
    let verified = wastecheck(&["pack", "verify", s(&first), "--trust", &public]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );

    // Unsigned: refused unless allowed.
    assert_eq!(
        wastecheck(&["pack", "verify", s(&second), "--trust", &public])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        wastecheck(&[
            "pack",
            "verify",
            s(&second),
            "--trust",
            &public,
            "--allow-unsigned"
        ])
        .status
        .code(),
        Some(0)
    );

    // A flipped byte in the signed bundle.
    let mut bytes = std::fs::read(&first).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&first, &bytes).unwrap();
    let refused = wastecheck(&["pack", "verify", s(&first), "--trust", &public]);
    assert_eq!(refused.status.code(), Some(1));
    let check = wastecheck(&[
        "check",
        "--packs",
        s(&first),
        "--trust",
        &public,
        "spec/examples/manifest.valid.json",
    ]);
    assert_eq!(
        check.status.code(),
        Some(2),
        "a tampered bundle is refused: {}",
        text(&check.stderr)
    );

    // Checking against the good unsigned bundle needs --allow-unsigned.
    let check = wastecheck(&[
        "check",
        "--packs",
        s(&second),
        "spec/examples/manifest.mistakes.json",
    ]);
    assert_eq!(check.status.code(), Some(2));
    let check = wastecheck(&[
        "check",
        "--packs",
        s(&second),
        "--allow-unsigned",
        "spec/examples/manifest.mistakes.json",
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("cn.catalogue.category-mismatch"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_against_draft_sources() {
    let refused = wastecheck(&[
        "check",
        "--packs",
        "rules/packs/cn",
        "spec/examples/manifest.valid.json",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--allow-unsigned"));
    let ok = wastecheck(&[
        "check",
        "--packs",
        "rules/packs/cn",
        "--allow-unsigned",
        "spec/examples/manifest.valid.json",
    ]);
    // Valid; exit 3 as the built-in packs give it: without facts, not every rule
    // could decide.
    assert_eq!(ok.status.code(), Some(3), "{}", text(&ok.stdout));
}

#[test]
fn diff_of_a_pack_with_itself_is_empty() {
    let output = wastecheck(&["pack", "diff", "rules/packs/cn", "rules/packs/cn", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stdout).trim(), "[]");
}

/// Issue 20: a binary fixture aborted `pack test` and `pack lint`. It is one
/// problem among the others; every other fixture still runs.
#[test]
fn a_binary_fixture_is_a_problem_not_an_abort() {
    let dir = scratch("binary-fixture");
    let cn = dir.join("cn");
    crate::copy_dir(&crate::repo().join("rules/packs/cn"), &cn);
    let binary = cn.join("cn.transfer.uninsured/fixtures/pass-binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x81, b'{']).unwrap();
    let cn = cn.to_string_lossy().into_owned();
    let tested = wastecheck(&["pack", "test", &cn]);
    assert_eq!(tested.status.code(), Some(1));
    let out = text(&tested.stdout);
    assert!(out.contains("pass-binary.json is not UTF-8 text"), "{out}");
    assert!(
        out.contains("ok    cn.transfer.uninsured/fixtures/"),
        "{out}"
    );
    let linted = wastecheck(&["pack", "lint", &cn]);
    assert_eq!(linted.status.code(), Some(1));
    assert!(text(&linted.stdout).contains("pass-binary.json is not UTF-8 text"));
    let _ = std::fs::remove_dir_all(&dir);
}
