//! The rule engine end to end: layering and selection, bad packs, sandboxed
//! scripts that misbehave, signed bundles.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use wastecheck::engine::chain::CompileOptions;
use wastecheck::pack::bundle::{self, PackFiles, SecretKey, Trust};
use wastecheck::registry::{LoadError, Registry};
use wastecheck::{CheckOptions, Checker, Report};

fn pack(name: &str, files: &[(&str, &str)]) -> PackFiles {
    PackFiles {
        name: name.into(),
        files: files
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// A provincial pack on top of the built-in `cn`, with one native rule and one
/// script rule of its own.
fn zj(version: &str, from: &str, script: &str, extra_manifest: &str) -> PackFiles {
    let manifest = format!(
        r#"id = "zj"
version = "{version}"
jurisdiction = "330000"
extends = {{ id = "cn", version = "^1" }}
effective_from = "{from}"
title = {{ zh-CN = "浙江", en = "Zhejiang" }}
{extra_manifest}
"#
    );
    let rule = r#"id = "zj.transfer.leaves-province"
title = { zh-CN = "危险废物出省", en = "Waste leaves the province" }
applies_to = ["manifest"]
severity = "warning"
status = "stable"
[[legal_basis]]
instrument = "浙江省固体废物污染环境防治条例"
article = "第三十一条"
effective_from = "2017-09-30"
[messages]
zh-CN = "接受人位于 {b_name}"
en = "the receiver is in {b_name}"
[check]
kind = "region-relation"
a = "/consignor/region"
b = "/receiver/region"
relation = "same-province"
"#;
    let script_rule = r#"id = "zj.transfer.scripted"
title = { zh-CN = "脚本", en = "Script" }
applies_to = ["manifest"]
severity = "info"
status = "stable"
script = "check.rhai"
[[legal_basis]]
instrument = "测试"
article = "第一条"
effective_from = "2017-09-30"
[messages]
zh-CN = "脚本发现 {n}"
en = "the script found {n}"
"#;
    pack(
        "zj",
        &[
            ("pack.toml", &manifest),
            ("zj.transfer.leaves-province/rule.toml", rule),
            ("zj.transfer.scripted/rule.toml", script_rule),
            ("zj.transfer.scripted/check.rhai", script),
        ],
    )
}

/// The built-in national pack with test packs on top (the built-in `zj` and
/// `zj-shaoxing` are left out: the tests bring their own `zj`).
fn registry(extra: Vec<PackFiles>) -> Result<Registry, wastecheck::pack::spec::PackError> {
    let mut sources = wastecheck_rules::sources();
    sources.retain(|p| p.name == "cn");
    sources.extend(extra);
    Registry::from_sources(&sources, &CompileOptions::default())
}

fn manifest(consignor_region: &str, receiver_region: &str, dispatched: &str) -> Value {
    json!({
        "kind": "manifest",
        "consignor": {"region": consignor_region},
        "receiver": {"region": receiver_region},
        "dispatched_at": dispatched,
        "wastes": [{"code": "900-123-49", "category": "HW49"}]
    })
}

fn check(registry: Registry, document: &Value) -> Report {
    Checker::new(registry).check_value(document, None, &CheckOptions::default())
}

/// The rules that found something (not the `info` aids).
fn rules(report: &Report) -> Vec<&str> {
    report
        .violations
        .iter()
        .filter(|v| v.severity != wastecheck::Severity::Info)
        .map(|v| v.rule.as_str())
        .collect()
}

#[test]
fn a_script_that_loops_forever_is_not_evaluated_and_the_rest_still_runs() {
    let registry = registry(vec![zj("1.0.0", "2020-01-01", "loop { }", "")]).unwrap();
    let started = std::time::Instant::now();
    let report = check(
        registry,
        &manifest("330603", "320500", "2026-03-02T08:00:00+08:00"),
    );
    assert!(
        started.elapsed().as_secs() < 5,
        "the sandbox stopped the loop"
    );
    assert!(!report.complete);
    assert_eq!(report.not_evaluated.len(), 1);
    assert_eq!(report.not_evaluated[0].rule, "zj.transfer.scripted");
    assert!(
        report.not_evaluated[0].reason.contains("operations")
            || report.not_evaluated[0]
                .reason
                .to_lowercase()
                .contains("limit"),
        "{}",
        report.not_evaluated[0].reason
    );
    assert_eq!(
        rules(&report),
        ["zj.transfer.leaves-province", "cn.catalogue.unknown-code"],
        "in path order"
    );
}

#[test]
fn a_script_that_throws_is_named_with_its_cause() {
    let registry = registry(vec![zj("1.0.0", "2020-01-01", r#"throw "boom""#, "")]).unwrap();
    let report = check(
        registry,
        &manifest("330603", "330100", "2026-03-02T08:00:00+08:00"),
    );
    assert!(!report.complete);
    assert!(report.not_evaluated[0].reason.contains("boom"));
}

#[test]
fn a_script_finding_carries_its_params() {
    let registry = registry(vec![zj(
        "1.0.0",
        "2020-01-01",
        r#"#{ path: "/receiver/region", params: #{ n: doc.receiver.region } }"#,
        "",
    )])
    .unwrap();
    let report = check(
        registry,
        &manifest("330603", "330100", "2026-03-02T08:00:00+08:00"),
    );
    let v = report
        .violations
        .iter()
        .find(|v| v.rule == "zj.transfer.scripted")
        .unwrap();
    assert_eq!(v.path, "/receiver/region");
    assert_eq!(v.message, "脚本发现 330100");
    assert_eq!(v.pack.as_deref(), Some("zj@1.0.0"));
    assert!(report.complete);
}

#[test]
fn selection_by_region_and_date() {
    let registry = registry(vec![
        zj("1.0.0", "2020-01-01", "()", ""),
        zj("1.1.0", "2026-01-01", "()", ""),
    ])
    .unwrap();
    let checker = Checker::new(registry);
    let packs = |document: Value| packs_of(&checker, document);
    // Zhejiang documents get the provincial pack in force on their date; others cn only.
    assert_eq!(
        packs(manifest("330603", "330100", "2025-06-01T08:00:00+08:00")),
        ["zj@1.0.0", "cn@1.0.0"]
    );
    assert_eq!(
        packs(manifest("330603", "330100", "2026-06-01T08:00:00+08:00")),
        ["zj@1.1.0", "cn@1.0.0"]
    );
    assert_eq!(
        packs(manifest("320500", "330100", "2026-06-01T08:00:00+08:00")),
        ["cn@1.0.0"]
    );
    assert_eq!(
        packs(manifest("330603", "330100", "2019-06-01T08:00:00+08:00")),
        Vec::<String>::new(),
        "before every pack"
    );
}

#[test]
fn the_built_in_chain_is_chosen_by_region() {
    let checker = wastecheck_rules::checker();
    let packs = |document: Value| packs_of(checker, document);
    let shaoxing = ["zj-shaoxing@1.0.0", "zj@1.0.0", "cn@1.0.0"];
    // Every county-level unit of Shaoxing, and the city itself.
    for region in [
        "330600", "330602", "330603", "330604", "330624", "330681", "330683",
    ] {
        assert_eq!(
            packs(manifest(region, "330100", "2026-03-02T08:00:00+08:00")),
            shaoxing,
            "{region}"
        );
    }
    // Hangzhou and Ningbo: the province only; Jiangsu: the nation only.
    for region in ["330106", "330100", "330205"] {
        assert_eq!(
            packs(manifest(region, "330603", "2026-03-02T08:00:00+08:00")),
            ["zj@1.0.0", "cn@1.0.0"],
            "{region}"
        );
    }
    assert_eq!(
        packs(manifest("320505", "330603", "2026-03-02T08:00:00+08:00")),
        ["cn@1.0.0"]
    );
    // A district report is selected by its own region and year.
    let report = json!({"kind": "district_report", "region": "330681", "year": 2021});
    assert_eq!(packs(report), shaoxing);
    // Every chain's digest is the pack's.
    let report = checker.check_value(
        &manifest("330603", "330100", "2026-03-02T08:00:00+08:00"),
        None,
        &CheckOptions::default(),
    );
    assert!(report.packs.iter().all(|p| {
        p.digest
            .as_deref()
            .is_some_and(|d| d.starts_with("sha256:"))
    }));
}

#[test]
fn the_provincial_rules_on_the_2017_regulation_stop_at_its_revision() {
    // 浙江省固体废物污染环境防治条例 was revised in 2022 (in force 2023-01-01); the
    // rules citing the 2017 articles stop at 2022-12-31.
    let checker = wastecheck_rules::checker();
    let run = |dispatched: &str| {
        let mut document = manifest("330603", "320505", dispatched);
        document["cross_province_approval"] = json!("浙固废跨转〔2022〕0158号");
        document["consignor"]["credit_code"] = json!("91330603MA2D7K4P5W");
        let report = checker.check_value(&document, None, &CheckOptions::default());
        report
            .violations
            .iter()
            .map(|v| v.rule.clone())
            .chain(report.not_evaluated.iter().map(|n| n.rule.clone()))
            .collect::<Vec<_>>()
    };
    assert!(
        run("2022-12-30T08:00:00+08:00").contains(&"zj.transfer.out-of-province-plan".to_owned()),
        "in 2022 the rule runs (not evaluated without its facts)"
    );
    assert!(
        !run("2023-01-03T08:00:00+08:00").contains(&"zj.transfer.out-of-province-plan".to_owned())
    );
}

#[test]
fn layering_params_severities_and_disabled_rules() {
    // Raise a severity, disable with a reason, tighten a parameter.
    let extra = r#"
[params.confirmation_working_days]
value = 3
[overrides."cn.catalogue.unknown-code"]
severity = "error"
[disable]
"cn.transfer.number-format" = "replaced by a provincial rule"
"#;
    let layered = registry(vec![zj("1.0.0", "2020-01-01", "()", extra)]).unwrap();
    let chain = layered
        .select(Some("330603".parse().unwrap()), None)
        .unwrap();
    assert_eq!(chain.params["confirmation_working_days"].as_i64(), Some(3));
    assert!(
        chain
            .rules
            .iter()
            .all(|r| r.id != "cn.transfer.number-format")
    );

    // Loosening a parent's threshold needs a reason; lowering a severity is refused;
    // disabling needs a reason.
    let looser = r#"
[params.confirmation_working_days]
value = 7
[overrides."cn.catalogue.unknown-code"]
severity = "info"
"#;
    let error = registry(vec![zj("1.0.0", "2020-01-01", "()", looser)])
        .unwrap_err()
        .to_string();
    assert!(error.contains("loosens the parent's 5"), "{error}");
    assert!(error.contains("may only raise the severity"), "{error}");
    let blank_reason = "[disable]\n\"cn.transfer.number-format\" = \" \"\n";
    let error = registry(vec![zj("1.0.0", "2020-01-01", "()", blank_reason)])
        .unwrap_err()
        .to_string();
    assert!(error.contains("needs a reason"), "{error}");

    let with_reason = r#"
[params.confirmation_working_days]
value = 7
loosen_reason = "pilot: paper confirmations in remote counties"
"#;
    assert!(registry(vec![zj("1.0.0", "2020-01-01", "()", with_reason)]).is_ok());
}

/// The chains of a registry share a rule's compiled check only where the
/// parameters it names have the same values.
#[test]
fn chains_share_a_compiled_check_only_with_the_same_parameters() {
    let tighter = "[params.confirmation_working_days]\nvalue = 3\n";
    let layered = registry(vec![zj("1.0.0", "2020-01-01", "()", tighter)]).unwrap();
    let native = |region: &str, id: &str| {
        let chain = layered.select(Some(region.parse().unwrap()), None).unwrap();
        match &chain.rules.iter().find(|r| r.id == id).unwrap().body {
            wastecheck::engine::chain::Body::Native(check) => check.clone(),
            wastecheck::engine::chain::Body::Script(_) => panic!("{id} is a check kind"),
        }
    };
    let shared = "cn.catalogue.unknown-code";
    assert!(std::sync::Arc::ptr_eq(
        &native("110000", shared),
        &native("330603", shared)
    ));
    let late = "cn.transfer.confirmation-late";
    assert!(!std::sync::Arc::ptr_eq(
        &native("110000", late),
        &native("330603", late)
    ));
    // Confirmed on the 4th working day: late in Zhejiang (3), in time elsewhere (5).
    let confirmed = |consignor: &str| {
        let mut document = manifest(consignor, consignor, "2025-06-09T08:00:00+08:00");
        document["stage"] = json!("confirmed");
        document["received_at"] = json!("2025-06-09T15:00:00+08:00");
        document["confirmed_at"] = json!("2025-06-13T09:00:00+08:00");
        document
    };
    let checker = Checker::new(layered);
    let flagged = |consignor: &str| {
        checker
            .check_value(&confirmed(consignor), None, &CheckOptions::default())
            .violations
            .iter()
            .any(|v| v.rule == late)
    };
    assert!(flagged("330603"));
    assert!(!flagged("110000"));
}

#[test]
fn an_override_may_start_on_a_date_and_raise_some_findings_only() {
    use wastecheck::Severity;
    let extra = r#"
[overrides."cn.transfer.uninsured"]
severity = "error"
effective_from = "2021-01-01"
at = ["/receiver"]
"#;
    let layered = registry(vec![zj("1.0.0", "2020-01-01", "()", extra)]).unwrap();
    let chain = layered
        .select(Some("330603".parse().unwrap()), None)
        .unwrap();
    let rule = chain
        .rules
        .iter()
        .find(|r| r.id == "cn.transfer.uninsured")
        .unwrap();
    let date = |d: &str| Some(d.parse().unwrap());
    let receiver = "/receiver/credit_code";
    assert_eq!(rule.severity, Severity::Warning, "undated: the parent's");
    assert_eq!(
        rule.severity_on(date("2020-12-31"), receiver),
        Severity::Warning
    );
    assert_eq!(
        rule.severity_on(date("2021-01-01"), receiver),
        Severity::Error
    );
    assert_eq!(
        rule.severity_on(date("2021-01-01"), "/carrier/credit_code"),
        Severity::Warning,
        "only the findings at /receiver"
    );
    assert_eq!(
        rule.severity_on(date("2021-01-01"), "/receiverx"),
        Severity::Warning,
        "a prefix of a member's name is not the member"
    );
    assert_eq!(
        rule.severity_on(None, receiver),
        Severity::Warning,
        "no date: a dated raise is not assumed"
    );
    // A dated override may still only raise.
    let lower = "[overrides.\"cn.transfer.uninsured\"]\nseverity = \"info\"\neffective_from = \"2021-01-01\"\n";
    let error = registry(vec![zj("1.0.0", "2020-01-01", "()", lower)])
        .unwrap_err()
        .to_string();
    assert!(error.contains("may only raise the severity"), "{error}");
}

#[test]
fn a_bad_pack_lists_every_problem_with_file_and_line() {
    let bad_rule = r#"id = "zj.Bad"
title = { zh-CN = "坏", en = "Bad" }
applies_to = ["manifest"]
severity = "error"
status = "stable"
colour = "red"
"#;
    let no_basis = r#"id = "zj.transfer.no-basis"
title = { zh-CN = "无依据", en = "No basis" }
applies_to = ["manifest"]
severity = "error"
status = "stable"
legal_basis = []
[messages]
zh-CN = "{a}"
en = "{b}"
[check]
kind = "required"
fields = ["/number"]
"#;
    let bad_script = r#"id = "zj.transfer.bad-script"
title = { zh-CN = "坏脚本", en = "Bad script" }
applies_to = ["manifest"]
severity = "error"
status = "stable"
script = "check.rhai"
[[legal_basis]]
instrument = "测试"
article = "第一条"
effective_from = "2020-01-01"
[messages]
zh-CN = "x"
en = "x"
"#;
    let zj = pack(
        "zj",
        &[
            (
                "pack.toml",
                "id = \"zj\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\nextends = { id = \"cn\", version = \"^1\" }\neffective_from = \"2020-01-01\"\ntitle = { zh-CN = \"浙江\", en = \"Zhejiang\" }\n",
            ),
            ("zj.Bad/rule.toml", bad_rule),
            ("zj.transfer.no-basis/rule.toml", no_basis),
            ("zj.transfer.bad-script/rule.toml", bad_script),
            ("zj.transfer.bad-script/check.rhai", "let x = ;"),
        ],
    );
    let broken_toml = pack(
        "zj-ningbo",
        &[("pack.toml", "id = \"zj-ningbo\"\nversion = [\n")],
    );
    let error = registry(vec![zj, broken_toml]).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("zj/zj.Bad/rule.toml:6: unknown field `colour`"),
        "{text}"
    );
    assert!(
        text.contains("a rule needs at least one legal_basis"),
        "{text}"
    );
    assert!(
        text.contains("messages use different placeholders"),
        "{text}"
    );
    assert!(text.contains("zj-ningbo/pack.toml:2"), "{text}");

    // With the rule problems fixed, the script that does not compile is reported
    // with its line.
    let bad_script_only = pack(
        "zj",
        &[
            (
                "pack.toml",
                "id = \"zj\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\nextends = { id = \"cn\", version = \"^1\" }\neffective_from = \"2020-01-01\"\ntitle = { zh-CN = \"浙江\", en = \"Zhejiang\" }\n",
            ),
            ("zj.transfer.bad-script/rule.toml", bad_script),
            (
                "zj.transfer.bad-script/check.rhai",
                "let ok = 1;\nlet x = ;",
            ),
        ],
    );
    let text = registry(vec![bad_script_only]).unwrap_err().to_string();
    assert!(
        text.contains("zj/zj.transfer.bad-script/check.rhai:2"),
        "{text}"
    );
}

#[test]
fn duplicate_ids_and_extends_cycles_are_refused() {
    let a = pack(
        "a",
        &[(
            "pack.toml",
            "id = \"a\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\nextends = { id = \"b\", version = \"^1\" }\neffective_from = \"2020-01-01\"\ntitle = { zh-CN = \"甲\", en = \"A\" }\n",
        )],
    );
    let b = pack(
        "b",
        &[(
            "pack.toml",
            "id = \"b\"\nversion = \"1.0.0\"\njurisdiction = \"330600\"\nextends = { id = \"a\", version = \"^1\" }\neffective_from = \"2020-01-01\"\ntitle = { zh-CN = \"乙\", en = \"B\" }\n",
        )],
    );
    let text = registry(vec![a, b]).unwrap_err().to_string();
    assert!(text.contains("cycle in extends"), "{text}");
    let twice = registry(wastecheck_rules::sources())
        .unwrap_err()
        .to_string();
    assert!(twice.contains("cn@1.0.0 is loaded twice"), "{twice}");
}

/// A child pack's `[overrides]` and `[disable]` name rules of its parents: an
/// override may only raise a severity, and naming a rule no parent has is a problem.
#[test]
fn overrides_and_disabling_are_checked_against_the_parents() {
    let wrong = registry(vec![zj(
        "1.0.0",
        "2020-01-01",
        "()",
        r#"
[overrides."cn.no-such-rule"]
severity = "error"
[overrides."cn.transfer.uninsured"]
severity = "info"
[disable]
"cn.no-such-rule" = "not ours"
"#,
    )])
    .unwrap_err()
    .to_string();
    for problem in [
        "override of `cn.no-such-rule`, which no parent pack has",
        "override may only raise the severity of `cn.transfer.uninsured`",
        "`cn.no-such-rule` is disabled, but no parent pack has it",
    ] {
        assert!(wrong.contains(problem), "{problem}: {wrong}");
    }

    let registry = registry(vec![zj(
        "1.0.0",
        "2020-01-01",
        "()",
        r#"
[overrides."cn.transfer.uninsured"]
severity = "error"
[overrides."cn.transfer.receiver-unlicensed"]
severity = "error"
effective_from = "2024-01-01"
[disable]
"cn.transfer.number-format" = "the province's system numbers manifests itself"
"#,
    )])
    .unwrap();
    let chain = registry
        .select(Some("330100".parse().unwrap()), None)
        .unwrap();
    let rule = |id: &str| chain.rules.iter().find(|r| r.id == id);
    assert_eq!(
        rule("cn.transfer.uninsured").unwrap().severity,
        wastecheck::Severity::Error
    );
    let dated = rule("cn.transfer.receiver-unlicensed").unwrap();
    assert_eq!(dated.raised_from.len(), 1);
    assert!(rule("cn.transfer.number-format").is_none());
    // The national chain keeps its own.
    let national = registry.select(None, None).unwrap();
    assert!(
        national
            .rules
            .iter()
            .any(|r| r.id == "cn.transfer.number-format")
    );
}

#[test]
fn when_guards_a_rule_natively() {
    let guarded_each = |each: &str, when: &str| {
        let script_rule = format!(
            r#"id = "zj.transfer.guarded"
title = {{ zh-CN = "守卫", en = "Guarded" }}
applies_to = ["manifest"]
severity = "info"
status = "stable"
each = "{each}"
{when}
script = "check.rhai"
[[legal_basis]]
instrument = "测试"
article = "第一条"
effective_from = "2017-09-30"
[messages]
zh-CN = "行 {{n}}"
en = "line {{n}}"
"#
        );
        let mut zj = zj("1.0.0", "2020-01-01", "()", "");
        zj.files
            .insert("zj.transfer.guarded/rule.toml".into(), script_rule);
        zj.files.insert(
            "zj.transfer.guarded/check.rhai".into(),
            "#{ path: \"code\", params: #{ n: index } }".into(),
        );
        registry(vec![zj])
    };
    let guarded = |when: &str| guarded_each("/wastes", when);
    let document = json!({"kind": "manifest", "consignor": {"region": "330603"}, "receiver": {"region": "320505"}, "wastes": [
        {"code": "900-041-49", "site_type": "flexible_landfill"},
        {"code": "900-041-49", "site_type": "incineration"},
        {"code": "900-041-49"}
    ]});
    let guarded_paths = |when: &str| -> Vec<String> {
        let report = check(guarded(when).unwrap(), &document);
        report
            .violations
            .iter()
            .filter(|v| v.rule == "zj.transfer.guarded")
            .map(|v| v.path.clone())
            .collect()
    };
    assert_eq!(
        guarded_paths(r#"when = { field = "site_type", in = ["flexible_landfill"] }"#),
        ["/wastes/0/code"]
    );
    assert_eq!(
        guarded_paths(r#"when = { field = "site_type", present = false }"#),
        ["/wastes/2/code"]
    );
    let error = guarded(r#"when = { field = "site_type" }"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`when` needs `in`, `not_in`, `present` or `outside`"),
        "{error}"
    );

    // Several conditions, all holding; prefixes.
    assert_eq!(
        guarded_paths(
            r#"when = [{ field = "code", in = ["900-*"] }, { field = "site_type", not_in = ["flexible*"] }]"#
        ),
        ["/wastes/1/code", "/wastes/2/code"]
    );

    // A region outside another's province, city or county.
    let outside = |level: &str, of: &str| {
        guarded_paths(&format!(
            r#"when = {{ field = "/receiver/region", outside = "{level}", of = "{of}" }}"#
        ))
    };
    assert_eq!(
        outside("province", "/consignor/region"),
        ["/wastes/0/code", "/wastes/1/code", "/wastes/2/code"]
    );
    assert!(outside("county", "/receiver/region").is_empty());
    assert!(
        outside("province", "/no/region").is_empty(),
        "both regions must be given"
    );
    let error = guarded(r#"when = { field = "/receiver/region", outside = "city" }"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("`outside` and `of` together"), "{error}");

    // `each` naming one record (the document itself) runs the script once, on it.
    let report = check(guarded_each("", "").unwrap(), &document);
    let once: Vec<&str> = report
        .violations
        .iter()
        .filter(|v| v.rule == "zj.transfer.guarded")
        .map(|v| v.path.as_str())
        .collect();
    assert_eq!(once, ["/code"]);
}

#[test]
fn scripts_get_only_the_fact_collections_they_read() {
    let chain = wastecheck_rules::builtin().select(None, None).unwrap();
    let read = chain
        .script_fact_collections(wastecheck::DocumentKind::Manifest)
        .expect("every built-in script names what it reads");
    assert!(
        !read.iter().any(|c| c == "plans"),
        "manifest scripts do not read plans: {read:?}"
    );
    assert!(
        read.iter()
            .all(|c| ["approvals", "licences", "manifests", "receipts"].contains(&c.as_str())),
        "{read:?}"
    );
    // The scripts that remain: storage scripts read only licences
    // (cn.collection.handover-late); the declaration's management class reads only
    // the enterprises (a designated key unit).
    for (kind, expected) in [
        (wastecheck::DocumentKind::Storage, &["licences"][..]),
        (wastecheck::DocumentKind::Declaration, &["enterprises"][..]),
    ] {
        let read = chain
            .script_fact_collections(kind)
            .expect("every built-in script names what it reads");
        assert_eq!(read, expected, "{kind:?}");
    }
}

#[test]
fn bundles_are_deterministic_signed_and_tamper_evident() {
    let mut sources = wastecheck_rules::sources();
    let first = bundle::encode(&sources).unwrap();
    sources.reverse();
    let second = bundle::encode(&sources).unwrap();
    assert_eq!(bundle::digest(&first), bundle::digest(&second));

    let key = SecretKey::from_seed([42; 32]);
    let signature = bundle::sign(&first, &key);
    let trusted = [key.public_key()];
    let registry = Registry::from_bundle(
        &first,
        Some(&signature),
        &trusted,
        Trust::RequireSignature,
        &CompileOptions::default(),
    )
    .unwrap();
    assert_eq!(registry.digest(), Some(bundle::digest(&first).as_str()));

    let mut flipped = first.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let refused = Registry::from_bundle(
        &flipped,
        Some(&signature),
        &trusted,
        Trust::RequireSignature,
        &CompileOptions::default(),
    );
    assert!(matches!(refused, Err(LoadError::Bundle(_))));
    let unsigned = Registry::from_bundle(
        &first,
        None,
        &trusted,
        Trust::RequireSignature,
        &CompileOptions::default(),
    );
    assert!(matches!(unsigned, Err(LoadError::Bundle(_))));
    assert!(
        Registry::from_bundle(
            &first,
            None,
            &trusted,
            Trust::AllowUnsigned,
            &CompileOptions::default()
        )
        .is_ok()
    );
}

/// The packs (`id@version`) a document is checked against.
fn packs_of(checker: &Checker, document: Value) -> Vec<String> {
    let report = checker.check_value(&document, None, &CheckOptions::default());
    report
        .packs
        .iter()
        .map(|p| format!("{}@{}", p.id, p.version))
        .collect()
}

/// A script that finds no facts it needs says so with `facts_missing`: the rule is
/// not evaluated under the stable code `facts.missing`, as a native rule would be,
/// not `script.failed`.
#[test]
fn a_script_without_its_facts_is_not_evaluated_as_facts_missing() {
    let manifest: serde_json::Value =
        serde_json::from_str(include_str!("../../../spec/examples/manifest.valid.json")).unwrap();
    let report = wastecheck_rules::checker().check_value(
        &manifest,
        None,
        &wastecheck::CheckOptions::default(),
    );
    let entry = report
        .not_evaluated
        .iter()
        .find(|n| n.rule == "cn.transfer.one-manifest-per-trip")
        .expect("the trip rule needs the vehicle's other manifests");
    assert_eq!(entry.code, wastecheck::report::ReasonCode::FactsMissing);
    assert!(
        entry.reason.starts_with("no `manifests` facts were passed"),
        "{}",
        entry.reason
    );
}

/// A `needs_facts` script rule: the pack `zj`, its one script reading `licences`
/// and throwing when it starts.
fn zj_needing(needs: &str, check: &str) -> PackFiles {
    let rule = format!(
        r#"id = "zj.transfer.needs"
title = {{ zh-CN = "需要事实", en = "Needs facts" }}
applies_to = ["manifest"]
severity = "warning"
status = "stable"
needs_facts = {needs}
{check}
[[legal_basis]]
instrument = "测试"
article = "第一条"
effective_from = "2020-01-01"
[messages]
zh-CN = "x"
en = "x"
"#
    );
    pack(
        "zj",
        &[
            (
                "pack.toml",
                "id = \"zj\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\nextends = { id = \"cn\", version = \"^1\" }\neffective_from = \"2020-01-01\"\ntitle = { zh-CN = \"浙江\", en = \"Zhejiang\" }\n",
            ),
            ("zj.transfer.needs/rule.toml", &rule),
            (
                "zj.transfer.needs/check.rhai",
                "let l = facts?.licences;\nthrow \"started\";",
            ),
        ],
    )
}

#[test]
fn a_script_needing_facts_does_not_start_without_them() {
    let registry = registry(vec![zj_needing(
        r#"["licences"]"#,
        r#"script = "check.rhai""#,
    )])
    .unwrap();
    let checker = Checker::new(registry);
    let document = manifest("330603", "330100", "2026-03-02T08:00:00+08:00");
    let reason = |facts: Option<Value>| {
        let report = checker.check_value(&document, facts.as_ref(), &CheckOptions::default());
        report
            .not_evaluated
            .iter()
            .find(|n| n.rule == "zj.transfer.needs")
            .map(|n| (n.code, n.reason.clone()))
    };
    // No facts at all, or others than it needs: not started.
    for facts in [
        None,
        Some(json!({"plans": []})),
        Some(json!({"licences": {}})),
    ] {
        let (code, why) = reason(facts.clone()).expect("not evaluated");
        assert_eq!(
            code,
            wastecheck::report::ReasonCode::FactsMissing,
            "{facts:?}"
        );
        assert!(
            why.contains("`licences`") && !why.contains("started"),
            "{why}"
        );
    }
    // With them (even none), it starts.
    let (code, why) = reason(Some(json!({"licences": []}))).expect("the script throws");
    assert_eq!(code, wastecheck::report::ReasonCode::ScriptFailed);
    assert!(why.contains("started"), "{why}");
}

#[test]
fn needs_facts_names_collections_a_script_reads() {
    for (needs, check, expected) in [
        (
            r#"["licenses"]"#,
            r#"script = "check.rhai""#,
            "`needs_facts` lists licenses, which are no fact collections",
        ),
        (
            r#"["plans"]"#,
            r#"script = "check.rhai""#,
            "`needs_facts` lists plans, which the script never reads",
        ),
        (
            r#"["licences"]"#,
            "[check]\nkind = \"required\"\nfields = [\"/number\"]",
            "`needs_facts` is for scripts",
        ),
    ] {
        let text = registry(vec![zj_needing(needs, check)])
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("zj/zj.transfer.needs/rule.toml") && text.contains(expected),
            "{text}"
        );
    }
}
