//! The bounds of the core's input (docs/design.md §13, measured by `cargo bench -p
//! wastecheck-rules --bench bounds`), each at its edge: the deepest nesting taken and
//! one level more refused as a JSON error; a string of megabytes and a document of
//! thousands of lines checked whole. The faces' own bounds are tested with them: the
//! body size in `wastecheck-serve` (413), the input size in `wastecheck-wasm`
//! (`request.too_large`), the bundle size in `serve`'s folder, the findings kept
//! in `structural`.

use wastecheck::CheckOptions;

/// A request whose document holds `depth` nested arrays in an extra field.
fn nested(depth: usize) -> String {
    format!(
        "{{\"document\":{{\"kind\":\"manifest\",\"extra\":{}1{}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn the_deepest_nesting_is_taken_and_one_more_level_refused() {
    let checker = wastecheck_rules::checker();
    // serde_json's recursion limit (128) less the request's and the document's levels.
    let deepest = 125;
    let taken = wastecheck::check::check_json(checker, &nested(deepest));
    assert!(!taken.starts_with("{\"error\""), "{taken}");
    assert!(taken.contains("\"violations\""), "{taken}");
    let refused = wastecheck::check::check_json(checker, &nested(deepest + 1));
    assert!(refused.contains("request.json"), "{refused}");
    assert!(refused.contains("recursion limit"), "{refused}");
    // Far deeper is the same error, not a stack overflow.
    let far = wastecheck::check::check_json(checker, &nested(100_000));
    assert!(far.contains("recursion limit"), "{far}");
}

#[test]
fn a_long_string_and_many_lines_are_checked_whole() {
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("../../../spec/examples/manifest.valid.json")).unwrap();
    document["consignor"]["name"] = "废".repeat(1 << 20).into();
    let line = document["wastes"][0].clone();
    document["wastes"] = serde_json::Value::Array(vec![line; 5_000]);
    let report = wastecheck_rules::checker().check_value(&document, None, &CheckOptions::default());
    let plain = wastecheck_rules::checker().check_value(
        &serde_json::from_str(include_str!("../../../spec/examples/manifest.valid.json")).unwrap(),
        None,
        &CheckOptions::default(),
    );
    assert_eq!(report.complete, plain.complete);
    assert!(report.omitted.is_none(), "{:?}", report.omitted);
}
