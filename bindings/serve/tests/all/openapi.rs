//! `spec/openapi.json` is generated from the service's types: regenerate and fail
//! on drift. `./x bless` (or `UPDATE_SPEC=1 cargo test -p wastecheck-serve openapi::`)
//! rewrites it.

use std::path::PathBuf;

#[test]
fn the_openapi_document_is_up_to_date() {
    let text = wastecheck_serve::openapi::text();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/openapi.json");
    if std::env::var_os("UPDATE_SPEC").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        recorded == text,
        "spec/openapi.json is out of date: run ./x bless (or UPDATE_SPEC=1 cargo test -p wastecheck-serve openapi::)"
    );
}

#[test]
fn the_openapi_document_names_every_route_and_resolves_its_references() {
    let document = wastecheck_serve::openapi::document();
    for path in [
        "/v1/check",
        "/v1/check/batch",
        "/v1/schema/{kind}",
        "/v1/rules",
        "/v1/packs",
        "/healthz",
    ] {
        assert!(document["paths"].get(path).is_some(), "{path}");
    }
    // Every `$ref` points at a schema in the document.
    let text = document.to_string();
    for piece in text.split("\"$ref\":\"").skip(1) {
        let target = piece.split('"').next().unwrap();
        let pointer = target.trim_start_matches('#');
        assert!(document.pointer(pointer).is_some(), "dangling {target}");
    }
    for status in ["400", "413", "415", "422"] {
        assert!(
            document
                .pointer(&format!("/paths/~1v1~1check/post/responses/{status}"))
                .is_some()
        );
    }
}
