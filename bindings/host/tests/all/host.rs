//! The host runs `wastecheck.wasm` with limits: its answers are the native facade's
//! byte for byte, a call over a limit is a clear error, and the host recovers.

use crate::common::{example, fuel_module, host, module, native, native_batch};
use std::time::{Duration, Instant};
use wastecheck::pack::bundle::{self, PackFiles, SecretKey};
use wastecheck_host::{BundleOptions, Host, HostError, Limits, Module};

#[test]
fn every_example_is_checked_as_natively_byte_for_byte() {
    let mut host = host();
    for name in [
        "manifest.valid",
        "manifest.mistakes",
        "declaration.valid",
        "declaration.mistakes",
        "plan.mistakes",
        "ledger.mistakes",
        "storage.mistakes",
        "district_report.mistakes",
    ] {
        let request = example(name);
        assert_eq!(
            host.check_json(&request).unwrap(),
            native(&request),
            "{name}"
        );
    }
    // Requests that cannot be served are answered alike too.
    for request in [
        "{",
        "[]",
        r#"{"document": {"kind": "manifest"}, "locale": "fr"}"#,
        r#"{"document": {"kind": "manifest"}, "as_of": "2026-02-30"}"#,
        r#"{"document": {"kind": "poem"}}"#,
        "",
    ] {
        assert_eq!(
            host.check_json(request).unwrap(),
            native(request),
            "{request}"
        );
    }
    assert_eq!(host.restarts(), 0);
}

#[test]
fn a_batch_is_checked_as_natively_in_one_call_with_a_budget_per_request() {
    let mut host = Host::new(fuel_module(), Limits::default()).unwrap();
    let facts = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../spec/examples/facts.example.json"),
    )
    .unwrap();
    let requests = [example("manifest.valid"), example("manifest.mistakes")];
    let batch = format!(
        r#"{{"facts": {facts}, "requests": [{}]}}"#,
        requests.join(",")
    );
    let answer = host.check_batch_json(&batch).unwrap();
    assert_eq!(answer, native_batch(&batch));
    assert!(
        answer.starts_with("[{\"") && answer.contains("\"violations\""),
        "{answer}"
    );
    for bad in ["{", "[1]", r#"{"requests": 1}"#, ""] {
        assert_eq!(
            host.check_batch_json(bad).unwrap(),
            native_batch(bad),
            "{bad}"
        );
    }

    // The budget is one check's for each request: enough for two checks of the
    // larger request runs a batch of both.
    host.check_json(&example("manifest.mistakes")).unwrap();
    let one = host.fuel_used().unwrap();
    host.check_json(&example("manifest.valid")).unwrap();
    let one = one.max(host.fuel_used().unwrap());
    let plain = format!("[{}]", requests.join(","));
    host.set_limits(Limits {
        check_fuel: Some(one * 3 / 2),
        ..Limits::default()
    })
    .unwrap();
    assert_eq!(host.check_batch_json(&plain).unwrap(), native_batch(&plain));
    // Fifty copies do not fit in the fuel of one check each when shrunk to a tenth.
    host.set_limits(Limits {
        check_fuel: Some(one / 10),
        ..Limits::default()
    })
    .unwrap();
    let fifty = format!("[{}]", vec![requests[1].as_str(); 50].join(","));
    assert!(matches!(
        host.check_batch_json(&fifty),
        Err(HostError::OutOfFuel { .. })
    ));
    assert_eq!(host.restarts(), 1);
}

#[test]
fn a_check_past_its_time_fails_clearly_and_the_next_one_works() {
    let mut host = host();
    let request = long_manifest(20_000);
    assert_eq!(host.fuel_used(), None, "no fuel metering by default");

    // No time at all: stopped at the first function it enters.
    host.set_limits(Limits {
        check_time: Duration::ZERO,
        ..Limits::default()
    })
    .unwrap();
    let error = host.check_json(&request).unwrap_err();
    assert_eq!(
        error,
        HostError::Timeout {
            limit: Duration::ZERO
        }
    );
    assert!(error.to_string().contains("time limit"), "{error}");
    assert_eq!(host.restarts(), 1);

    // 20 ms, for a check that takes ~100 ms: the epoch ticker stops it in time.
    let limit = Duration::from_millis(20);
    host.set_limits(Limits {
        check_time: limit,
        ..Limits::default()
    })
    .unwrap();
    let started = Instant::now();
    let error = host.check_json(&request).unwrap_err();
    assert_eq!(error, HostError::Timeout { limit });
    assert!(started.elapsed() >= limit, "{:?}", started.elapsed());
    assert_eq!(host.restarts(), 2);

    host.set_limits(Limits::default()).unwrap();
    let request = example("manifest.mistakes");
    assert_eq!(host.check_json(&request).unwrap(), native(&request));
}

#[test]
fn a_check_without_enough_fuel_fails_clearly_and_the_next_one_works() {
    let mut host = Host::new(fuel_module(), Limits::default()).unwrap();
    let request = example("manifest.mistakes");
    assert_eq!(host.check_json(&request).unwrap(), native(&request));
    let needed = host.fuel_used().unwrap();
    assert!(needed > 1_000, "a check uses fuel: {needed}");

    host.set_limits(Limits {
        check_fuel: Some(needed / 2),
        ..Limits::default()
    })
    .unwrap();
    let error = host.check_json(&request).unwrap_err();
    assert_eq!(error, HostError::OutOfFuel { limit: needed / 2 });
    assert!(error.to_string().contains("fuel"), "{error}");
    assert_eq!(host.restarts(), 1);

    // Exactly what it needs is enough: fuel is the same on every run.
    host.set_limits(Limits {
        check_fuel: Some(needed),
        ..Limits::default()
    })
    .unwrap();
    assert_eq!(host.check_json(&request).unwrap(), native(&request));
    assert_eq!(host.fuel_used(), Some(needed));
}

#[test]
fn a_fuel_budget_for_a_module_without_fuel_metering_is_refused() {
    let limits = Limits {
        check_fuel: Some(1_000_000),
        ..Limits::default()
    };
    let error = Host::new(module(), limits).unwrap_err();
    assert!(
        matches!(&error, HostError::Config(m) if m.contains("Module::with_fuel")),
        "{error}"
    );
    let mut host = host();
    assert!(matches!(host.set_limits(limits), Err(HostError::Config(_))));
    assert_eq!(host.limits(), Limits::default(), "the limits are kept");
}

/// A manifest with `lines` waste lines, as a check request.
fn long_manifest(lines: usize) -> String {
    let line = r#"{"code": "900-041-49", "category": "HW49", "name": "废包装物", "hazards": ["T", "In"], "quantity": {"value": "1.5", "unit": "t"}}"#;
    let wastes = vec![line; lines].join(",");
    format!(
        r#"{{"document": {{"kind": "manifest", "stage": "submitted", "wastes": [{wastes}]}}, "locale": "en"}}"#
    )
}

#[test]
fn a_document_over_the_memory_cap_fails_clearly_and_the_host_recovers() {
    let limit = 64 << 20;
    let mut host = Host::new(
        module(),
        Limits {
            max_memory_bytes: limit,
            ..Limits::default()
        },
    )
    .unwrap();
    // ~13 MB of text that parses into far more than the cap.
    let huge = long_manifest(100_000);
    let error = host.check_json(&huge).unwrap_err();
    assert_eq!(error, HostError::MemoryLimit { limit });
    assert!(error.to_string().contains("memory"), "{error}");
    assert_eq!(host.restarts(), 1);
    // Larger than the cap itself: refused before it is copied in, instance kept.
    let error = host.check_json(&"x".repeat(limit)).unwrap_err();
    assert_eq!(error, HostError::MemoryLimit { limit });
    assert_eq!(host.restarts(), 1);

    let request = example("manifest.mistakes");
    assert_eq!(host.check_json(&request).unwrap(), native(&request));
    assert!(host.memory_bytes() <= limit);
}

#[test]
fn a_long_document_within_the_limits_is_checked_as_natively() {
    let mut host = host();
    let request = long_manifest(2_000);
    assert_eq!(host.check_json(&request).unwrap(), native(&request));
}

fn test_pack() -> PackFiles {
    PackFiles {
        name: "zj-host-test".into(),
        files: [(
            "pack.toml".to_owned(),
            "id = \"zj-host-test\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\neffective_from = \"2021-01-01\"\nextends = { id = \"cn\", version = \"^1\" }\n[title]\nzh-CN = \"测试\"\nen = \"Test\"\n".to_owned(),
        )]
        .into_iter()
        .collect(),
    }
}

#[test]
fn a_signed_bundle_is_served_and_kept_after_a_trap() {
    let bytes = bundle::encode(&[test_pack()]).unwrap();
    let key = SecretKey::from_seed([7; 32]);
    let signature = bundle::sign(&bytes, &key).to_string();
    let trusted = key.public_key().to_string();
    let mut host = host();

    let refused = host.load_bundle(&bytes, "", &[&trusted]).unwrap_err();
    assert!(
        matches!(&refused, HostError::Bundle(m) if m.contains("not signed")),
        "{refused}"
    );
    let other = SecretKey::from_seed([8; 32]).public_key().to_string();
    let refused = host.load_bundle(&bytes, &signature, &[&other]).unwrap_err();
    assert!(matches!(refused, HostError::Bundle(_)), "{refused}");

    let loaded = host.load_bundle(&bytes, &signature, &[&trusted]).unwrap();
    assert!(loaded.digest.starts_with("sha256:"));
    assert!(loaded.packs.iter().any(|(id, _, _)| id == "zj-host-test"));

    let zhejiang = r#"{"document": {"kind": "manifest", "consignor": {"region": "330100"}}}"#;
    assert!(
        host.check_json(zhejiang)
            .unwrap()
            .contains("\"id\":\"zj-host-test\"")
    );

    host.set_limits(Limits {
        check_time: Duration::ZERO,
        ..Limits::default()
    })
    .unwrap();
    assert!(matches!(
        host.check_json(zhejiang),
        Err(HostError::Timeout { .. })
    ));
    host.set_limits(Limits::default()).unwrap();
    // The new instance serves the bundle again.
    assert!(
        host.check_json(zhejiang)
            .unwrap()
            .contains("\"id\":\"zj-host-test\"")
    );
    assert_eq!(host.restarts(), 1);
}

/// `(id, version, digest)` of each pack a report names, sorted.
fn report_packs(report: &str) -> Vec<(String, String, String)> {
    let report: serde_json::Value = serde_json::from_str(report).unwrap();
    let mut packs: Vec<(String, String, String)> = report["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let field = |k: &str| p[k].as_str().unwrap().to_owned();
            (field("id"), field("version"), field("digest"))
        })
        .collect();
    packs.sort();
    packs
}

#[test]
fn a_signed_zj_bundle_layers_over_the_built_in_cn_and_replace_uses_it_alone() {
    let bytes = bundle::encode(&[wastecheck_rules::rereleased("zj", "1.1.0").unwrap()]).unwrap();
    let zj_digest = bundle::digest(&bytes);
    let key = SecretKey::from_seed([6; 32]);
    let signature = bundle::sign(&bytes, &key).to_string();
    let trusted = key.public_key().to_string();
    let cn_digest = wastecheck_rules::builtin()
        .packs()
        .iter()
        .find(|p| p.manifest.id == "cn")
        .unwrap()
        .digest
        .clone();
    let mut host = host();

    // A manifest from Hangzhou: Zhejiang, outside Shaoxing.
    let hangzhou = r#"{"document": {"kind": "manifest", "consignor": {"region": "330106"}}}"#;
    let loaded = host.load_bundle(&bytes, &signature, &[&trusted]).unwrap();
    assert_eq!(loaded.digest, zj_digest);
    assert!(
        loaded
            .packs
            .iter()
            .any(|(id, version, _)| id == "zj" && version == "1.0.0")
    );
    assert_eq!(
        report_packs(&host.check_json(hangzhou).unwrap()),
        [
            ("cn".into(), "1.0.0".into(), cn_digest.clone()),
            ("zj".into(), "1.1.0".into(), zj_digest.clone())
        ]
    );

    // Alone, the bundle lacks its parent; what was served stays served.
    let replace = BundleOptions {
        replace: true,
        ..BundleOptions::default()
    };
    let refused = host
        .load_bundle_with(&bytes, &signature, &[&trusted], replace)
        .unwrap_err();
    assert!(
        matches!(&refused, HostError::Bundle(m) if m.contains("extends cn ^1")),
        "{refused}"
    );
    assert_eq!(report_packs(&host.check_json(hangzhou).unwrap()).len(), 2);

    // With its parent in it, it replaces the built-in packs, also after a trap.
    let cn = wastecheck_rules::packs()
        .into_iter()
        .find(|p| p.name == "cn")
        .unwrap();
    let whole =
        bundle::encode(&[cn, wastecheck_rules::rereleased("zj", "1.1.0").unwrap()]).unwrap();
    let whole_signature = bundle::sign(&whole, &key).to_string();
    let loaded = host
        .load_bundle_with(&whole, &whole_signature, &[&trusted], replace)
        .unwrap();
    let served: Vec<String> = loaded
        .packs
        .iter()
        .map(|(id, version, _)| format!("{id}@{version}"))
        .collect();
    assert_eq!(served, ["cn@1.0.0", "zj@1.1.0"]);
    host.set_limits(Limits {
        check_time: Duration::ZERO,
        ..Limits::default()
    })
    .unwrap();
    assert!(host.check_json(hangzhou).is_err());
    host.set_limits(Limits::default()).unwrap();
    let shaoxing = r#"{"document": {"kind": "manifest", "consignor": {"region": "330603"}}}"#;
    let packs = report_packs(&host.check_json(shaoxing).unwrap());
    assert!(
        packs.iter().all(|(id, _, _)| id != "zj-shaoxing"),
        "{packs:?}"
    );
}

#[test]
fn an_older_bundle_is_refused_after_a_newer_one_also_after_a_trap() {
    let zj = wastecheck_rules::rereleased("zj", "1.1.0").unwrap();
    let key = SecretKey::from_seed([6; 32]);
    let trusted = key.public_key().to_string();
    let issue = |sequence: u64| {
        let bytes = bundle::encode_sequenced(std::slice::from_ref(&zj), sequence).unwrap();
        let signature = bundle::sign(&bytes, &key).to_string();
        (bytes, signature)
    };
    let (newer, newer_signature) = issue(7);
    let (older, older_signature) = issue(6);
    let mut host = host();
    let loaded = host
        .load_bundle(&newer, &newer_signature, &[&trusted])
        .unwrap();
    assert_eq!(loaded.sequence, 7);
    let rollback =
        |m: &HostError| matches!(m, HostError::Bundle(m) if m.contains("bundle.rollback"));
    let refused = host
        .load_bundle(&older, &older_signature, &[&trusted])
        .unwrap_err();
    assert!(rollback(&refused), "{refused}");

    // A trap makes a new instance; it is handed what the host served.
    host.set_limits(Limits {
        check_time: Duration::ZERO,
        ..Limits::default()
    })
    .unwrap();
    assert!(
        host.check_json(r#"{"document": {"kind": "manifest"}}"#)
            .is_err()
    );
    host.set_limits(Limits::default()).unwrap();
    let refused = host
        .load_bundle(&older, &older_signature, &[&trusted])
        .unwrap_err();
    assert!(rollback(&refused), "{refused}");

    // A new host given the history kept refuses it; on purpose, it is taken.
    let kept = host.history().unwrap().clone();
    let mut fresh = crate::common::host();
    fresh.set_history(kept);
    let refused = fresh
        .load_bundle(&older, &older_signature, &[&trusted])
        .unwrap_err();
    assert!(rollback(&refused), "{refused}");
    let downgrade = BundleOptions {
        allow_downgrade: true,
        ..BundleOptions::default()
    };
    let loaded = fresh
        .load_bundle_with(&older, &older_signature, &[&trusted], downgrade)
        .unwrap();
    assert_eq!(loaded.sequence, 6);
}

#[test]
fn a_module_that_is_not_wastecheck_wasm_is_refused() {
    assert!(matches!(
        Module::new(b"not wasm"),
        Err(HostError::Compile(_))
    ));
    let empty = b"\0asm\x01\0\0\0";
    let error = Module::new(empty).unwrap_err();
    assert!(
        matches!(&error, HostError::Abi(m) if m.contains("memory")),
        "{error}"
    );
}
