//! The JSON Schemas in spec/schemas are generated from the types: regenerate them and
//! fail on drift. `./x bless` (or `UPDATE_SCHEMAS=1 cargo test -p wastecheck-tests
//! schemas::`) rewrites them.

use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/schemas")
}

#[test]
fn schemas_match_the_types() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut drifted = Vec::new();
    for (name, schema) in wastecheck::schema::all_schemas() {
        let path = schema_dir().join(&name);
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if update {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            drifted.push(name);
        }
    }
    assert!(
        drifted.is_empty(),
        "spec/schemas is out of date for {drifted:?}: run ./x bless (or UPDATE_SCHEMAS=1 cargo test -p wastecheck-tests schemas::)"
    );
}

/// The closed fields' table the core reads its choices from is generated from the
/// document schemas; `UPDATE_SCHEMAS=1` rewrites it too.
#[test]
fn the_closed_fields_table_matches_the_schemas() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/src/model/closed_fields.rs");
    let source = wastecheck::model::schema::closed_fields_source();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &source).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap() == source,
        "core/src/model/closed_fields.rs is out of date: run ./x bless"
    );
}

/// The kinds table of spec/rule-pack.md is generated from the kinds' declared
/// parameters; `UPDATE_SCHEMAS=1` rewrites it too.
#[test]
fn the_spec_kinds_table_matches_the_declarations() {
    const START: &str = "<!-- kinds:start: generated from the kinds' declarations (UPDATE_SCHEMAS=1 cargo test -p wastecheck-tests --test schemas) -->\n";
    const END: &str = "<!-- kinds:end -->";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/rule-pack.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(START)
        .expect("spec/rule-pack.md has no kinds:start marker")
        + START.len();
    let end = start
        + text[start..]
            .find(END)
            .expect("spec/rule-pack.md has no kinds:end marker");
    let table = wastecheck::schema::kinds_table();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &text[..start], &text[end..])).unwrap();
    } else {
        assert!(
            text[start..end] == table,
            "the kinds table of spec/rule-pack.md is out of date: run UPDATE_SCHEMAS=1 cargo test -p wastecheck-tests --test schemas"
        );
    }
}

/// Every rule of the built-in packs is valid under spec/schemas/rule.json, and the
/// schema rejects what pack load rejects: an unknown parameter, a missing one.
#[test]
fn the_built_in_rules_are_valid_under_the_rule_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_dir().join("rule.json")).unwrap())
            .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut rules = 0;
    let mut invalid = Vec::new();
    let mut sample = None;
    for pack in wastecheck_rules::packs() {
        for (path, text) in &pack.files {
            if !path.ends_with("/rule.json") {
                continue;
            }
            rules += 1;
            let rule: serde_json::Value = serde_json::from_str(text).unwrap();
            if sample.is_none() && rule.get("check").is_some() {
                sample = Some(rule.clone());
            }
            for error in validator.iter_errors(&rule) {
                invalid.push(format!("{}/{path}: {error}", pack.name));
            }
        }
    }
    assert!(rules > 50, "{rules} rules");
    assert!(invalid.is_empty(), "{}", invalid.join("\n"));
    // A built-in rule with another check.
    let mut rule = sample.expect("a built-in rule with a check");
    rule["check"] = serde_json::json!({
        "kind": "balance", "plus": ["/a"], "minus": ["/b"], "equals": "/c"
    });
    assert!(validator.is_valid(&rule));
    let mut unknown = rule.clone();
    unknown["check"]["colour"] = "red".into();
    assert!(!validator.is_valid(&unknown), "an unknown parameter");
    let mut missing = rule.clone();
    missing["check"].as_object_mut().unwrap().remove("equals");
    assert!(
        !validator.is_valid(&missing),
        "a required parameter not given"
    );
    let mut mistyped = rule.clone();
    mistyped["check"]["tolerance"] = true.into();
    assert!(
        !validator.is_valid(&mistyped),
        "a parameter of the wrong type"
    );
    let mut param = rule;
    param["check"]["tolerance"] = "$balance_tolerance_t".into();
    assert!(validator.is_valid(&param), "a pack parameter");
}
