//! The one bundle policy from the command line: a provincial bundle built as the
//! README shows (`pack build rules/packs/zj`, signed) layers over the built-in
//! packs; `--packs-only` uses it alone.

use crate::{copy_dir, repo, s, text, wastecheck};
use std::path::Path;

/// `pack build DIR -o OUT --sequence 0`; its stdout, the bundle's digest (for one
/// pack at sequence 0, the pack's own digest: the digest of a bundle of it alone).
fn build(dir: &Path, out: &Path) -> String {
    build_as(dir, out, 0)
}

/// `pack build DIR -o OUT --sequence N`; its stdout, the bundle's digest.
fn build_as(dir: &Path, out: &Path, sequence: u64) -> String {
    let sequence = sequence.to_string();
    let built = wastecheck(&[
        "pack",
        "build",
        s(dir),
        "-o",
        s(out),
        "--sequence",
        &sequence,
    ]);
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

#[test]
fn with_a_history_an_older_bundle_is_refused_after_a_newer_one() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let zj = dir.join("zj");
    copy_dir(&repo().join("rules/packs/zj"), &zj);
    let manifest = std::fs::read_to_string(zj.join("pack.toml")).unwrap();
    std::fs::write(
        zj.join("pack.toml"),
        manifest.replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1),
    )
    .unwrap();
    let key = dir.join("regulator.key");
    assert!(
        wastecheck(&["pack", "keygen", "-o", s(&key)])
            .status
            .success()
    );
    let public = format!("{}.pub", s(&key));
    let (older, newer) = (dir.join("older.bundle"), dir.join("newer.bundle"));
    for (bundle, sequence) in [(&older, 2026120401), (&newer, 2026120402)] {
        build_as(&zj, bundle, sequence);
        assert!(
            wastecheck(&["pack", "sign", s(bundle), "--key", s(&key)])
                .status
                .success()
        );
    }
    let verified = wastecheck(&["pack", "verify", s(&newer), "--trust", &public]);
    assert!(
        text(&verified.stdout).contains("sequence: 2026120402"),
        "{}",
        text(&verified.stdout)
    );
    let document = repo().join("spec/examples/manifest.valid.json");
    let history = dir.join("history.json");
    let check = |bundle: &Path, extra: &[&str]| {
        let mut args = vec![
            "check",
            "--packs",
            s(bundle),
            "--trust",
            &public,
            "--history",
            s(&history),
        ];
        args.extend_from_slice(extra);
        args.push(s(&document));
        wastecheck(&args)
    };
    let served = check(&newer, &[]);
    assert!(
        matches!(served.status.code(), Some(0 | 1 | 3)),
        "{}",
        text(&served.stderr)
    );
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&history).unwrap()).unwrap();
    assert_eq!(kept["packs"]["zj"]["sequence"], 2026120402, "{kept:#}");

    let rolled_back = check(&older, &[]);
    assert_eq!(rolled_back.status.code(), Some(2));
    let error = text(&rolled_back.stderr);
    assert!(error.contains("bundle.rollback"), "{error}");
    assert!(
        error.contains("2026120401") && error.contains("2026120402"),
        "{error}"
    );

    // On purpose, it is taken, and the history keeps the newer mark.
    let allowed = check(&older, &["--allow-downgrade"]);
    assert!(
        matches!(allowed.status.code(), Some(0 | 1 | 3)),
        "{}",
        text(&allowed.stderr)
    );
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&history).unwrap()).unwrap();
    assert_eq!(kept["packs"]["zj"]["sequence"], 2026120402);

    // Another content under a version served: refused, whatever the flags.
    std::fs::write(zj.join("extra.csv"), "a,b\n").unwrap();
    let confusing = dir.join("confusing.bundle");
    build_as(&zj, &confusing, 2026120403);
    assert!(
        wastecheck(&["pack", "sign", s(&confusing), "--key", s(&key)])
            .status
            .success()
    );
    let refused = check(&confusing, &["--allow-downgrade"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("bundle.conflict"),
        "{}",
        text(&refused.stderr)
    );

    // Without a history the command has no memory: the older one is taken.
    let one_shot = wastecheck(&[
        "check",
        "--packs",
        s(&older),
        "--trust",
        &public,
        s(&document),
    ]);
    assert!(
        matches!(one_shot.status.code(), Some(0 | 1 | 3)),
        "{}",
        text(&one_shot.stderr)
    );
}
