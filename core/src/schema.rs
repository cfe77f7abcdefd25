//! JSON Schemas of the documents, the facts and the report, generated from the
//! types. They describe a *complete, valid* document; the checker also reads partial
//! and malformed ones, reporting what these schemas would reject.

use crate::model::{
    Declaration, DistrictReport, DocumentKind, Facts, Ledger, Manifest, Plan, Storage,
};
use crate::report::Report;
use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::{Value, json};

/// Base of the schemas' `$id`s.
pub const ID_BASE: &str = "https://wastecheck.invalid/schemas/";

fn generate<T: JsonSchema>(id: &str, title: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), json!(format!("{ID_BASE}{id}.json")));
        object.insert("title".into(), json!(title));
    }
    schema
}

/// The schema of a document kind. Its `kind` member, when given, must name the kind.
pub fn document_schema(kind: DocumentKind) -> Value {
    let title = format!("{} ({})", kind.name_zh(), kind.as_str());
    let mut schema = match kind {
        DocumentKind::Manifest => generate::<Manifest>("manifest", &title),
        DocumentKind::Declaration => generate::<Declaration>("declaration", &title),
        DocumentKind::Plan => generate::<Plan>("plan", &title),
        DocumentKind::Ledger => generate::<Ledger>("ledger", &title),
        DocumentKind::Storage => generate::<Storage>("storage", &title),
        DocumentKind::DistrictReport => generate::<DistrictReport>("district_report", &title),
    };
    if let Some(property) = schema.pointer_mut("/properties/kind") {
        *property = json!({
            "description": "The document kind.",
            "const": kind.as_str()
        });
    }
    // A document names its kind; a caller may override it (`--kind`), but a form's
    // validator has only the document.
    if let Some(object) = schema.as_object_mut() {
        object.insert("required".into(), json!(["kind"]));
    }
    schema
}

/// The schema of the facts a host passes.
pub fn facts_schema() -> Value {
    generate::<Facts>("facts", "wastecheck facts")
}

/// The schema of a report.
pub fn report_schema() -> Value {
    generate::<Report>("report", "wastecheck report")
}

/// Every schema with its file name, in a fixed order.
pub fn all_schemas() -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = DocumentKind::KINDS
        .iter()
        .map(|kind| (format!("{}.json", kind.as_str()), document_schema(*kind)))
        .collect();
    out.push(("facts.json".into(), facts_schema()));
    out.push((
        "pack.json".into(),
        generate::<crate::pack::spec::PackManifest>("pack", "wastecheck pack.toml"),
    ));
    out.push((
        "rule.json".into(),
        generate::<crate::pack::spec::RuleSpec>("rule", "wastecheck rule.toml"),
    ));
    out.push(("report.json".into(), report_schema()));
    out
}
