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
