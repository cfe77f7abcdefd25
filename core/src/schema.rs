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
    out.push(("rule.json".into(), rule_schema()));
    out.push(("report.json".into(), report_schema()));
    out
}

/// The schema of a rule: its `check` one of the kinds, each with its declared
/// parameters ([`crate::engine::kinds::Kind::params`]).
pub fn rule_schema() -> Value {
    use crate::engine::kinds::{COMMON, KINDS};
    let mut schema = generate::<crate::pack::spec::RuleSpec>("rule", "wastecheck rule.toml");
    let mut one_of = vec![json!({"type": "null"})];
    let mut defs = serde_json::Map::new();
    for kind in KINDS {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "kind".into(),
            json!({"description": format!("Finds {}.", kind.finds), "const": kind.name}),
        );
        let mut required = vec![json!("kind")];
        for param in kind.params.iter().chain(COMMON) {
            properties.insert(param.name.into(), param.schema());
            if param.required {
                required.push(json!(param.name));
            }
        }
        let name = format!("Check-{}", kind.name);
        one_of.push(json!({"$ref": format!("#/$defs/{name}")}));
        defs.insert(
            name,
            json!({
                "description": format!("`kind = \"{}\"`: its parameters.", kind.name),
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false
            }),
        );
    }
    if let Some(check) = schema.pointer_mut("/properties/check") {
        *check = json!({
            "description": "The declarative check: `kind` and its parameters; a string starting with `$` names a pack parameter.",
            "default": null,
            "oneOf": one_of
        });
    }
    if let Some(Value::Object(all)) = schema.pointer_mut("/$defs") {
        all.extend(defs);
    }
    schema
}

/// The kinds table of `spec/rule-pack.md`, generated from the kinds' declarations.
pub fn kinds_table() -> String {
    use crate::engine::kinds::KINDS;
    let mut out =
        String::from("| kind | parameters | finds | provides |\n| --- | --- | --- | --- |\n");
    for kind in KINDS {
        let params: Vec<String> = kind
            .params
            .iter()
            .map(|p| {
                let mut text = format!("`{}` ({}", p.name, p.ty.short());
                if let crate::engine::kinds::ParamType::Choice(choices) = p.ty {
                    text = format!("`{}` ({}", p.name, choices.join(", "));
                }
                if !p.required {
                    text.push_str(", optional");
                }
                if let Some(default) = p.default {
                    text.push_str(&format!(", default `{default}`"));
                }
                format!("{text}): {}", p.doc.replace('|', "\\|"))
            })
            .collect();
        let provides: Vec<String> = kind.provides.iter().map(|p| format!("`{p}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            kind.name,
            params.join("; "),
            kind.finds.replace('|', "\\|"),
            provides.join(", ")
        ));
    }
    out
}
