//! The one bundle policy from the command line: a provincial bundle built as the
//! README shows (`pack build rules/packs/zj`, signed) layers over the built-in
//! packs; `--packs-only` uses it alone.

use crate::{copy_dir, repo, s, text, wastecheck};
use std::path::Path;

/// `pack build DIR -o OUT`; its stdout, the bundle's digest (for one pack, the
/// pack's own digest: the digest of a bundle of it alone).
fn build(dir: &Path, out: &Path) -> String {
    let built = wastecheck(&["pack", "build", s(dir), "-o", s(out)]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    text(&built.stdout).trim().to_owned()
}

#[test]
fn a_signed_zj_bundle_layers_over_the_built_in_cn() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();

    // The built-in zj, released again as 1.1.0: it sits beside the built-in
    // zj 1.0.0 and selection picks it for a Zhejiang document.
    let zj = dir.join("zj");
    copy_dir(&repo().join("rules/packs/zj"), &zj);
    let manifest = std::fs::read_to_string(zj.join("pack.toml")).unwrap();
    assert!(manifest.contains("version = \"1.0.0\""));
    std::fs::write(
        zj.join("pack.toml"),
        manifest.replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1),
    )
    .unwrap();
    let bundle = dir.join("zj.bundle");
    let zj_digest = build(&zj, &bundle);
    let cn_digest = build(&repo().join("rules/packs/cn"), &dir.join("cn.bundle"));
    let key = dir.join("regulator.key");
    assert_eq!(
        wastecheck(&["pack", "keygen", "-o", s(&key)]).status.code(),
        Some(0)
    );
    let signed = wastecheck(&["pack", "sign", s(&bundle), "--key", s(&key)]);
    assert_eq!(signed.status.code(), Some(0), "{}", text(&signed.stderr));
    let public = format!("{}.pub", s(&key));

    // A manifest from Hangzhou (西湖区): Zhejiang, outside Shaoxing.
    let mut document: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("spec/examples/manifest.valid.json")).unwrap(),
    )
    .unwrap();
    document["consignor"]["region"] = "330106".into();
    let file = dir.join("hangzhou.json");
    std::fs::write(&file, document.to_string()).unwrap();

    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--packs", s(&bundle)];
        args.extend_from_slice(extra);
        args.push(s(&file));
        wastecheck(&args)
    };

    // Layered by default: cn from the built-in packs, zj 1.1.0 from the bundle.
    let output = check(&["--trust", &public]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        text(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut packs: Vec<(String, String, String)> = report["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                p["digest"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    packs.sort();
    assert_eq!(
        packs,
        [
            ("cn".to_owned(), "1.0.0".to_owned(), cn_digest),
            ("zj".to_owned(), "1.1.0".to_owned(), zj_digest)
        ]
    );

    // Alone, the bundle lacks the cn its zj extends.
    let alone = check(&["--trust", &public, "--packs-only"]);
    assert_eq!(alone.status.code(), Some(2));
    let error = text(&alone.stderr);
    assert!(error.contains("extends cn ^1"), "{error}");
    assert!(error.contains("on their own"), "{error}");

    // Signature rules are unchanged: without the trusted key it is refused.
    let untrusted = check(&[]);
    assert_eq!(untrusted.status.code(), Some(2));
    assert!(
        text(&untrusted.stderr).contains("no key is trusted"),
        "{}",
        text(&untrusted.stderr)
    );

    // Draft folders follow the same policy: layered by default, alone with
    // --packs-only (then the chain must be given whole).
    let folders = wastecheck(&[
        "check",
        "--format",
        "json",
        "--allow-unsigned",
        "--packs",
        s(&zj),
        s(&file),
    ]);
    assert!(
        matches!(folders.status.code(), Some(0 | 1)),
        "{}",
        text(&folders.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&folders.stdout).unwrap();
    assert!(
        report["packs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "zj" && p["version"] == "1.1.0"),
        "{report:#}"
    );
    let alone = wastecheck(&[
        "check",
        "--allow-unsigned",
        "--packs-only",
        "--packs",
        s(&zj),
        s(&file),
    ]);
    assert_eq!(alone.status.code(), Some(2));
    let whole = wastecheck(&[
        "check",
        "--allow-unsigned",
        "--packs-only",
        "--packs",
        "rules/packs/cn",
        "--packs",
        s(&zj),
        s(&file),
    ]);
    assert!(
        matches!(whole.status.code(), Some(0 | 1)),
        "{}",
        text(&whole.stderr)
    );
}
