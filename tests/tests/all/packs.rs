//! Every rule of every built-in pack against its fixtures, with only that rule
//! enabled: `pass-*` fixtures produce nothing, `fail-*` fixtures produce the rule.
//! What they produce (both locales, the basis) is snapshotted next to the fixture,
//! in `<rule>/fixtures/snapshots/`. And every pack lints clean.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wastecheck::pack::bundle::PackFiles;
use wastecheck::tooling::{lint, test_pack};

fn packs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules/packs")
}

fn read_all(dir: &Path, prefix: &str, files: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            read_all(&path, &format!("{prefix}{name}/"), files);
        } else {
            files.insert(
                format!("{prefix}{name}"),
                std::fs::read_to_string(&path).unwrap(),
            );
        }
    }
}

/// Every pack folder with all its files (fixtures and docs included).
fn sources() -> Vec<PackFiles> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(packs_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter(|d| d.is_dir())
        .map(|dir| {
            let mut files = BTreeMap::new();
            read_all(&dir, "", &mut files);
            PackFiles {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                files,
            }
        })
        .collect()
}

#[test]
fn every_rule_passes_its_fixtures_and_matches_its_snapshots() {
    let sources = sources();
    let mut count = 0;
    for pack in &sources {
        let report = test_pack(&sources, &pack.name);
        assert!(
            report.problems.is_empty(),
            "{}: {:#?}",
            pack.name,
            report.problems
        );
        for fixture in &report.fixtures {
            count += 1;
            // A snapshot difference is insta's to report (and to update on review).
            let failure = fixture
                .failure
                .as_deref()
                .filter(|f| !f.starts_with("differs from its snapshot"));
            assert!(
                failure.is_none(),
                "{}: {}",
                fixture.file,
                failure.unwrap_or_default()
            );
            let (dir, name) = fixture.file.rsplit_once('/').unwrap();
            let snapshots = packs_dir().join(&pack.name).join(dir).join("snapshots");
            insta::with_settings!({
                snapshot_path => snapshots,
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name.trim_end_matches(".json"), fixture.snapshot);
            });
        }
    }
    assert!(count >= 10, "only {count} fixtures ran");
}

#[test]
fn every_pack_lints_clean() {
    let sources = sources();
    for pack in &sources {
        let problems = lint(&sources, &pack.name);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            pack.name,
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The pack test's verdict on the `cn` fixture at `path` once `from` is replaced by
/// `to` in it, and whether the whole pack test still passed.
fn verdict_after_edit(path: &str, from: &str, to: &str) -> (Option<String>, bool) {
    let mut sources = sources();
    let cn = sources.iter_mut().find(|p| p.name == "cn").unwrap();
    let edited = cn.files[path].replace(from, to);
    cn.files.insert(path.into(), edited);
    let report = test_pack(&sources, "cn");
    let failure = report
        .fixtures
        .iter()
        .find(|f| f.file == path)
        .and_then(|f| f.failure.clone());
    (failure, report.passed())
}

#[test]
fn a_broken_fixture_fails_the_pack_test() {
    // Turn the unlisted code of a fail fixture into a listed one: the fixture now
    // passes, which a fail fixture must not.
    let (failure, passed) = verdict_after_edit(
        "cn.catalogue.unknown-code/fixtures/fail-unlisted-code-2024.json",
        "900-123-49",
        "900-041-49",
    );
    assert_eq!(
        failure.as_deref(),
        Some("a fail fixture must produce a finding of the rule, but produced none")
    );
    assert!(!passed);
}

#[test]
fn a_changed_message_no_longer_matches_its_snapshot() {
    let mut sources = sources();
    let cn = sources.iter_mut().find(|p| p.name == "cn").unwrap();
    let path = "cn.catalogue.category-mismatch/rule.toml";
    let changed = cn.files[path].replace("与废物代码", "和废物代码");
    cn.files.insert(path.into(), changed);
    let report = test_pack(&sources, "cn");
    assert!(report.fixtures.iter().any(|f| {
        f.failure
            .as_deref()
            .is_some_and(|m| m.starts_with("differs from its snapshot"))
    }));
}

#[test]
fn lint_finds_what_is_missing() {
    let mut sources = sources();
    let cn = sources.iter_mut().find(|p| p.name == "cn").unwrap();
    cn.files
        .retain(|path, _| !path.starts_with("cn.transfer.confirmation-late/fixtures/pass-"));
    cn.files.remove("cn.transfer.number-format/README.md");
    cn.files
        .insert("cn.no-such.rule/fixtures/pass-x.json".into(), "{}".into());
    let problems: Vec<String> = lint(&sources, "cn").iter().map(|p| p.to_string()).collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("confirmation-late") && p.contains("no pass fixture")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("number-format") && p.contains("README")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("cn.no-such.rule") && p.contains("not a rule")),
        "{problems:?}"
    );
}

/// The engine runs a rule only while a basis is in force, so a window opening before
/// the earliest basis promises what the rule will not do: lint says so.
#[test]
fn lint_finds_a_window_opening_before_every_basis() {
    let mut sources = sources();
    let cn = sources.iter_mut().find(|p| p.name == "cn").unwrap();
    let rule = cn
        .files
        .get_mut("cn.ledger.destroyed-early/rule.toml")
        .unwrap();
    assert!(rule.contains("effective_from = \"2022-10-01\"\neach"));
    *rule = rule.replacen(
        "effective_from = \"2022-10-01\"\neach",
        "effective_from = \"2019-01-01\"\neach",
        1,
    );
    let problems: Vec<String> = lint(&sources, "cn").iter().map(|p| p.to_string()).collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("cn.ledger.destroyed-early")
                && p.contains("before its earliest legal basis takes effect (2020-09-01)")),
        "{problems:?}"
    );
}

/// A rule whose every basis has lapsed does not run, even where its own window is
/// still open: never a finding cited on a text no longer in force.
#[test]
fn a_rule_whose_every_basis_has_lapsed_does_not_run() {
    use wastecheck::engine::chain::CompileOptions;
    use wastecheck::registry::Registry;
    use wastecheck::{CheckOptions, Checker};
    const RULE: &str = "zj.transfer.out-of-province-plan";
    let mut sources = sources();
    let zj = sources.iter_mut().find(|p| p.name == "zj").unwrap();
    let toml = zj.files.get_mut(&format!("{RULE}/rule.toml")).unwrap();
    // The rule's own window made open-ended; its only basis still ends 2022-12-31.
    let own_until = "effective_until = \"2022-12-31\"\n# A transfer";
    assert!(toml.contains(own_until));
    *toml = toml.replacen(own_until, "# A transfer", 1);
    let fixture: serde_json::Value =
        serde_json::from_str(&zj.files[&format!("{RULE}/fixtures/fail-no-plan.json")]).unwrap();
    let checker =
        Checker::new(Registry::from_sources(&sources, &CompileOptions::default()).unwrap());
    let judged = |year: &str| {
        let text = fixture.to_string().replace("2022-", &format!("{year}-"));
        let request: serde_json::Value = serde_json::from_str(&text).unwrap();
        let report = checker.check_value(
            &request["document"],
            Some(&request["facts"]),
            &CheckOptions::default(),
        );
        let found = report.violations.iter().filter(|v| v.rule == RULE).count();
        let undecided = report.not_evaluated.iter().any(|n| n.rule == RULE);
        (found, undecided)
    };
    let (found, undecided) = judged("2022");
    assert!(
        found > 0 && !undecided,
        "in force: the rule finds the missing plan"
    );
    assert_eq!(
        judged("2023"),
        (0, false),
        "every basis lapsed: the rule does not run"
    );
}

#[test]
fn diff_names_what_changed() {
    use wastecheck::pack::load::load_pack;
    use wastecheck::tooling::{Change, diff};
    let sources = sources();
    let old = sources.iter().find(|p| p.name == "cn").unwrap().clone();
    let mut new = old.clone();
    let rule = "cn.catalogue.category-mismatch/rule.toml";
    new.files.insert(
        rule.into(),
        new.files[rule].replace("severity = \"error\"", "severity = \"warning\""),
    );
    new.files.insert(
        "pack.toml".into(),
        new.files["pack.toml"].replacen("value = 5", "value = 4", 1),
    );
    new.files
        .retain(|path, _| !path.starts_with("cn.transfer.number-format/"));
    let changes = diff(&load_pack(&old).unwrap(), &load_pack(&new).unwrap());
    assert_eq!(
        changes,
        [
            Change::ParamChanged {
                param: "confirmation_working_days".into(),
                old: Some("5".into()),
                new: Some("4".into())
            },
            Change::RuleChanged {
                rule: "cn.catalogue.category-mismatch".into(),
                what: vec!["severity".into()]
            },
            Change::RuleRemoved {
                rule: "cn.transfer.number-format".into()
            },
        ]
    );
}

#[test]
fn an_unevaluated_fixture_must_leave_the_rule_undecided() {
    // Date the 2016-list fixture in 2021, under the carried 2021 list: the rule is
    // evaluated (and finds the unlisted code), which an unevaluated fixture must not.
    let (failure, passed) = verdict_after_edit(
        "cn.catalogue.unknown-code/fixtures/unevaluated-2016-list-not-carried.json",
        "2020-10-15",
        "2021-10-15",
    );
    assert_eq!(
        failure.as_deref(),
        Some("an unevaluated fixture must produce no finding, but the rule reported 1")
    );
    assert!(!passed);
}

/// The ASCII field names (snake_case identifiers, or lowercase words of three
/// letters or more: `general`, `signs`, `false`) and JSON Pointers (`/carrier/…`)
/// in a Chinese text. Codes (`900-041-49`, `HW08`), units (`mg/L`, `t`, `km`) and
/// standard numbers (`GB 18598-2019`) are not.
fn ascii_names(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/'
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_lowercase() || *n == '_')
            && (i == 0 || !word(chars[i - 1]))
        {
            let end = (i + 1..chars.len())
                .find(|&j| !(word(chars[j]) || chars[j] == '/'))
                .unwrap_or(chars.len());
            found.push(chars[i..end].iter().collect());
            i = end;
            continue;
        }
        if word(c) {
            let end = (i..chars.len())
                .find(|&j| !word(chars[j]))
                .unwrap_or(chars.len());
            let token: String = chars[i..end].iter().collect();
            let lower = token.chars().any(|c| c.is_ascii_lowercase());
            let snake = lower && token.contains('_');
            let plain_word = token.len() >= 3 && token.chars().all(|c| c.is_ascii_lowercase());
            if snake || plain_word {
                found.push(token);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    found
}

/// A message template without its `{placeholders}` (which are filled in).
fn without_placeholders(template: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_ascii_name_test_tells_names_from_codes() {
    assert!(
        ascii_names(
            "废物 900-041-49（HW49）浸出浓度 0.12 mg/L，超过 GB 18598-2019 第6.2条；重 3 t"
        )
        .is_empty()
    );
    assert!(ascii_names("危险特性 T/In，距离 2 km，GPS 轨迹").is_empty());
    assert_eq!(
        ascii_names("缺少承运人车牌号（/carrier/vehicle_plate）"),
        ["/carrier/vehicle_plate"]
    );
    assert_eq!(
        ascii_names("（signs 为 false，应为 true）"),
        ["signs", "false", "true"]
    );
    assert_eq!(
        ascii_names("未填写编号（manifest_number）"),
        ["manifest_number"]
    );
}

#[test]
fn no_chinese_message_names_a_field_by_its_json_name_or_pointer() {
    use wastecheck::pack::load::load_pack;
    let mut problems = Vec::new();
    for pack in sources() {
        // Every message template of every rule.
        let loaded = load_pack(&pack).unwrap();
        for rule in &loaded.rules {
            let names = ascii_names(&without_placeholders(&rule.spec.messages.zh));
            if !names.is_empty() {
                problems.push(format!("{}/{}/rule.toml: {names:?}", pack.name, rule.dir));
            }
        }
        // Every zh-CN message the fixtures rendered.
        for (path, text) in &pack.files {
            if !path.ends_with(".snap") {
                continue;
            }
            let json = text.splitn(3, "---").nth(2).unwrap_or_default();
            let snapshot: serde_json::Value = serde_json::from_str(json.trim())
                .unwrap_or_else(|e| panic!("{}/{path}: {e}", pack.name));
            for finding in snapshot["findings"].as_array().into_iter().flatten() {
                let message = finding["message_zh"].as_str().unwrap_or_default();
                let names = ascii_names(message);
                if !names.is_empty() {
                    problems.push(format!("{}/{path}: {names:?} in «{message}»", pack.name));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ASCII field names or JSON Pointers in zh-CN messages:\n{}",
        problems.join("\n")
    );
}

/// Issue 20: a pack with problems in several phases showed only the first phase's.
/// Now reading, compiling and linting each report theirs, all at once.
#[test]
fn a_pack_shows_its_problems_of_every_phase_at_once() {
    use wastecheck::engine::chain::CompileOptions;
    use wastecheck::registry::Registry;
    let mut sources = sources();
    let cn = sources.iter_mut().find(|p| p.name == "cn").unwrap();
    let edit = |files: &mut BTreeMap<String, String>, path: &str, from: &str, to: &str| {
        let text = files.get_mut(path).unwrap();
        assert!(text.contains(from), "{path} lacks {from}");
        *text = text.replacen(from, to, 1);
    };
    // Reading: the manifest and one rule.
    edit(
        &mut cn.files,
        "pack.toml",
        "jurisdiction = \"000000\"",
        "jurisdiction = \"00\"",
    );
    edit(
        &mut cn.files,
        "cn.transfer.number-format/rule.toml",
        "id = \"cn.transfer.number-format\"",
        "id = \"cn.transfer.Number\"",
    );
    // Compiling: an unknown check kind, and a script that does not parse.
    edit(
        &mut cn.files,
        "cn.transfer.party-incomplete/rule.toml",
        "kind = \"required\"",
        "kind = \"no-such-kind\"",
    );
    cn.files.insert(
        "cn.collection.handover-late/check.rhai".into(),
        "let x = ;".into(),
    );
    // Linting: a rule without its docs.
    cn.files.remove("cn.transfer.confirmation-late/README.md");

    let compiled = Registry::from_sources(&sources, &CompileOptions::default()).unwrap_err();
    let compiled: Vec<String> = compiled.problems.iter().map(|p| p.to_string()).collect();
    let linted: Vec<String> = lint(&sources, "cn").iter().map(|p| p.to_string()).collect();
    for (what, found) in [("loading", &compiled), ("lint", &linted)] {
        for expected in [
            "jurisdiction",
            "cn.transfer.Number",
            "no-such-kind",
            "cn.collection.handover-late",
        ] {
            assert!(
                found.iter().any(|p| p.contains(expected)),
                "{what} does not name {expected}: {found:#?}"
            );
        }
        // The packs extending cn still load: no "not loaded" noise.
        assert!(
            !found.iter().any(|p| p.contains("not loaded")),
            "{what}: {found:#?}"
        );
    }
    assert!(
        linted
            .iter()
            .any(|p| p.contains("confirmation-late") && p.contains("README")),
        "{linted:#?}"
    );
    let tested = test_pack(&sources, "cn");
    let tested: Vec<String> = tested.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        tested.iter().any(|p| p.contains("no-such-kind")),
        "{tested:#?}"
    );
    assert!(
        tested.iter().any(|p| p.contains("jurisdiction")),
        "{tested:#?}"
    );
}
