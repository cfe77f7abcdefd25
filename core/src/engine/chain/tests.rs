//! Tests of chain compilation: shared script engines, the facts scripts read.

use super::ScriptCache;
use crate::engine::kinds::testing::{calendar, catalogue};
use crate::engine::script::fact_collections;
use crate::engine::script::sandbox::Limits;
use std::sync::Arc;

#[test]
fn chains_share_script_engines_and_compiled_scripts() {
    let mut cache = ScriptCache::default();
    let (limits, catalogue, calendar) = (
        Limits::default(),
        Arc::new(catalogue().clone()),
        Arc::new(calendar().clone()),
    );
    let a = cache.engine(&limits, &catalogue, Some(&calendar));
    assert_eq!(cache.engine(&limits, &catalogue, Some(&calendar)), a);
    // Another calendar, none, another catalogue or other limits: another engine.
    let other = Arc::new(calendar.as_ref().clone());
    let b = cache.engine(&limits, &catalogue, Some(&other));
    let c = cache.engine(&limits, &catalogue, None);
    let d = cache.engine(&limits, &Arc::new(catalogue.as_ref().clone()), None);
    let tight = Limits {
        max_operations: 10,
        ..limits
    };
    let e = cache.engine(&tight, &catalogue, Some(&calendar));
    let mut all = vec![a, b, c, d, e];
    all.dedup();
    assert_eq!(all.len(), 5);

    let source = "catalogue_has(\"900-041-49\")";
    let first = cache.compile(a, source, false).unwrap();
    assert_eq!(cache.engines.get(a).map(|e| e.compiled.len()), Some(1));
    let again = cache.compile(a, source, false).unwrap();
    assert_eq!(format!("{first:?}"), format!("{again:?}"));
    assert_eq!(cache.engines.get(a).map(|e| e.compiled.len()), Some(1));
    // An error is kept too, and given again.
    let broken = cache.compile(a, "let x = ;", false).unwrap_err();
    assert_eq!(cache.compile(a, "let x = ;", false).unwrap_err(), broken);
    assert!(cache.compile(99, source, false).is_err());
}

#[test]
fn scripts_fact_collections() {
    assert_eq!(
        fact_collections("let l = facts?.licences; // the facts\nthrow \"no facts\"; /* facts */"),
        Some(vec!["licences".to_owned()]),
        "comments and strings are not code"
    );
    assert_eq!(
        fact_collections("let l = facts?.licences; let p = facts.plans; let q = my_facts;"),
        Some(vec!["licences".to_owned(), "plans".to_owned()])
    );
    assert_eq!(fact_collections("let all = facts;"), None);
    assert_eq!(fact_collections("doc.number"), Some(vec![]));
}
