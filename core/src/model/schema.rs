//! The JSON Schemas of the document kinds, generated from the types, and what
//! they say a closed field allows (the values a form offers as choices).

use crate::model::{Declaration, DistrictReport, DocumentKind, Ledger, Manifest, Plan, Storage};
use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::{Value, json};

/// Base of the schemas' `$id`s.
pub const ID_BASE: &str = "https://wastecheck.invalid/schemas/";

pub(crate) fn generate<T: JsonSchema>(id: &str, title: &str) -> Value {
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

/// The values a closed field of a document kind allows (`enum`, or `oneOf`
/// constants, in its schema), at a JSON Pointer (any list index); `None` for an
/// open field or a pointer the schema does not know. Read from a table generated
/// from the schemas (`closed_fields.rs`), so that no check pays for making them.
pub fn allowed_values(kind: DocumentKind, pointer: &str) -> Option<&'static [&'static str]> {
    let segments: Vec<&str> = pointer.strip_prefix('/')?.split('/').collect();
    super::closed_fields::CLOSED
        .iter()
        .find(|(k, pattern, _)| {
            *k == kind.as_str()
                && pattern.split('/').skip(1).count() == segments.len()
                && pattern.split('/').skip(1).zip(&segments).all(|(p, s)| {
                    p == *s || p == "*" && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
                })
        })
        .map(|(_, _, values)| *values)
}

/// The source of `closed_fields.rs`: every closed field of every document kind's
/// schema, with its values (a drift test keeps the file equal to it).
pub fn closed_fields_source() -> String {
    let mut rows = Vec::new();
    for kind in DocumentKind::KINDS {
        let root = document_schema(kind);
        closed_in(&root, &root, String::new(), 0, &mut |pattern, values| {
            let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            rows.push(format!(
                "    ({:?}, {pattern:?}, &[{}]),\n",
                kind.as_str(),
                values.join(", ")
            ));
        });
    }
    format!(
        "//! Generated from the document schemas by `./x bless` (`model::schema::closed_fields_source`):\n\
         //! the closed fields of each kind (`*`: any list index) and the values they allow.\n\n\
         /// (kind, pointer pattern, allowed values).\n\
         #[rustfmt::skip]\n\
         pub(crate) const CLOSED: &[(&str, &str, &[&str])] = &[\n{}];\n",
        rows.concat()
    )
}

/// Calls `found` with the pattern and values of each closed field under `schema`.
fn closed_in(
    root: &Value,
    schema: &Value,
    at: String,
    depth: usize,
    found: &mut dyn FnMut(&str, &[String]),
) {
    let Some(schema) = resolve(root, schema).filter(|_| depth < 12) else {
        return;
    };
    let constants: Vec<String> = match (schema.get("enum"), schema.get("oneOf")) {
        (Some(Value::Array(values)), _) => values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        (_, Some(Value::Array(options))) => options
            .iter()
            .filter_map(|o| o.get("const")?.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if !constants.is_empty() {
        found(&at, &constants);
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, member) in properties {
            closed_in(root, member, format!("{at}/{name}"), depth + 1, found);
        }
    }
    if let Some(items) = schema.get("items") {
        closed_in(root, items, format!("{at}/*"), depth + 1, found);
    }
}

/// A subschema with its `$ref` followed and an optional value's `null` set aside.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> Option<&'a Value> {
    for _ in 0..8 {
        if let Some(Value::String(reference)) = schema.get("$ref") {
            schema = root.pointer(reference.strip_prefix('#')?)?;
        } else if let Some(Value::Array(any_of)) = schema.get("anyOf") {
            schema = any_of
                .iter()
                .find(|s| s.get("type").and_then(Value::as_str) != Some("null"))?;
        } else {
            return Some(schema);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::allowed_values;
    use crate::model::DocumentKind::{Ledger, Manifest};

    #[test]
    fn closed_fields_name_their_values() {
        let stages = allowed_values(Manifest, "/stage").unwrap();
        assert_eq!(stages.first().copied(), Some("draft"));
        assert_eq!(stages.len(), 5);
        assert_eq!(
            allowed_values(Manifest, "/wastes/3/quantity/unit").unwrap(),
            ["t", "kg"]
        );
        assert!(allowed_values(Manifest, "/wastes/x/quantity/unit").is_none());
        assert_eq!(
            allowed_values(Manifest, "/wastes/0/hazards/0")
                .unwrap()
                .len(),
            5
        );
        assert!(
            allowed_values(Ledger, "/kind").is_none(),
            "a const, not a choice"
        );
        assert!(allowed_values(Manifest, "/carrier/name").is_none());
        assert!(allowed_values(Manifest, "/no_such/field").is_none());
        assert!(allowed_values(Manifest, "").is_none());
    }
}
