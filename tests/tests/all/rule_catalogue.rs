//! `spec/rules.md` is generated from the built-in packs: regenerate and fail on
//! drift. `./x bless` (or `UPDATE_SPEC=1 cargo test -p wastecheck-tests
//! rule_catalogue::`) rewrites it.

use std::path::PathBuf;

#[test]
fn the_rule_catalogue_is_up_to_date() {
    let page = wastecheck::tooling::rule_catalogue(wastecheck_rules::builtin().packs());
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/rules.md");
    if std::env::var_os("UPDATE_SPEC").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        recorded == page,
        "spec/rules.md is out of date: run ./x bless (or UPDATE_SPEC=1 cargo test -p wastecheck-tests rule_catalogue::)"
    );
    for rule in wastecheck_rules::builtin()
        .packs()
        .iter()
        .flat_map(|p| &p.rules)
    {
        assert!(page.contains(&format!("`{}`", rule.spec.id)));
    }
}
