//! JSON Schemas of the documents, the facts and the report, generated from the
//! types. They describe a *complete, valid* document; the checker also reads partial
//! and malformed ones, reporting what these schemas would reject.

use crate::model::schema::generate;
pub use crate::model::schema::{ID_BASE, allowed_values, document_schema};
use crate::model::{DocumentKind, Facts};
use crate::report::Report;
use serde_json::{Value, json};

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
    let mut out = String::from(
        "| kind | parameters | finds | provides | offers |\n| --- | --- | --- | --- | --- |\n",
    );
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
            "| `{}` | {} | {} | {} | {} |\n",
            kind.name,
            params.join("; "),
            kind.finds.replace('|', "\\|"),
            provides.join(", "),
            kind.offers.map(|o| format!("`{o}`")).unwrap_or_default()
        ));
    }
    out
}
