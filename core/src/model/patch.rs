//! A document decoded once and patched after each edit (a session's): an edit inside
//! a record member or a list item decodes only that member or item again, and its
//! problems take the place in document order that a whole decoding gives them.

use super::field::{Decode, Decoder, Located};
use super::{Document, DocumentKind, decode_json_document_with};
use crate::interrupt::Interrupt;
use crate::json::{Json, pointer};

/// What was edited since the document was last decoded.
#[derive(Debug, Clone, Default, PartialEq)]
enum Edits {
    /// Nothing: the decoding stands.
    None,
    /// One place (its pointer's tokens).
    One(Vec<String>),
    /// Several places, or not known: decoded whole again.
    #[default]
    Many,
}

/// A decoded document and its problems, kept between a session's checks.
#[derive(Debug, Default)]
pub struct Decoding {
    kind: Option<DocumentKind>,
    document: Option<Document>,
    problems: Vec<Located>,
    edits: Edits,
}

impl Decoding {
    /// Notes an edit at `tokens` (a JSON Pointer's).
    pub fn edited(&mut self, tokens: &[String]) {
        self.edits = match self.edits {
            Edits::None => Edits::One(tokens.to_vec()),
            _ => Edits::Many,
        };
    }

    /// Notes edits that are decoded whole again (several at once).
    pub fn edited_many(&mut self) {
        self.edits = Edits::Many;
    }

    /// The document `json` as `kind` decoded, with its problems: patched after one
    /// edit, decoded whole otherwise. A decoding cut short by `interrupt` is not
    /// kept for the next.
    pub fn decode(
        &mut self,
        kind: DocumentKind,
        json: &Json<'_>,
        interrupt: &Interrupt,
    ) -> (&Option<Document>, &[Located]) {
        let edits = std::mem::replace(&mut self.edits, Edits::None);
        let stands = self.kind == Some(kind)
            && match &edits {
                Edits::None => true,
                Edits::One(tokens) => self.patch(tokens, json, interrupt),
                Edits::Many => false,
            };
        if !stands {
            let (document, problems) = decode_json_document_with(kind, json, interrupt);
            self.kind = Some(kind);
            self.document = document;
            self.problems = problems;
        }
        if interrupt.is_raised() {
            self.kind = None;
        }
        (&self.document, &self.problems)
    }

    /// Decodes again what an edit at `tokens` changed; false when it cannot (an edit
    /// of the whole document or of its `kind`, which the decoding checks apart).
    fn patch(&mut self, tokens: &[String], json: &Json<'_>, interrupt: &Interrupt) -> bool {
        if tokens.first().is_none_or(|first| first == "kind") {
            return false;
        }
        let Some(document) = &mut self.document else {
            return false;
        };
        let mut decoder = Decoder::patching(std::mem::take(&mut self.problems), interrupt);
        let patched = match document {
            Document::Manifest(d) => d.patch(tokens, json, &mut decoder),
            Document::Declaration(d) => d.patch(tokens, json, &mut decoder),
            Document::Plan(d) => d.patch(tokens, json, &mut decoder),
            Document::Ledger(d) => d.patch(tokens, json, &mut decoder),
            Document::Storage(d) => d.patch(tokens, json, &mut decoder),
            Document::DistrictReport(d) => d.patch(tokens, json, &mut decoder),
        };
        let (mut problems, redone) = decoder.into_patched();
        // The new problems, last for now, go before the first that follows them.
        if let Some((at, start)) = redone {
            let before = problems.get(..start).unwrap_or_default();
            let new = problems.len().saturating_sub(start);
            if let Some(place) = before
                .iter()
                .position(|p| decoded_before(json, &at, &p.path))
            {
                let moved = problems.get_mut(place..).unwrap_or_default();
                moved.rotate_right(new.min(moved.len()));
            }
        }
        self.problems = problems;
        patched
    }
}

/// Whether decoding meets what lies at `path` before what lies at `other`, neither
/// under the other's place unless `other` is above `path` (a value's own problem
/// follows those found inside it). Members come in the JSON's order, items in
/// theirs.
fn decoded_before(json: &Json<'_>, path: &str, other: &str) -> bool {
    let (Some(mut mine), Some(mut theirs)) = (pointer::tokens(path), pointer::tokens(other)) else {
        return false;
    };
    let mut at = Some(json);
    loop {
        match (mine.next(), theirs.next()) {
            (Some(a), Some(b)) if a == b => {
                at = at.and_then(|j| match j {
                    Json::Object(members) => members.iter().find(|(k, _)| *k == a).map(|(_, v)| v),
                    Json::Array(items) => pointer::index(&a).and_then(|i| items.get(i)),
                    _ => None,
                });
            }
            (Some(a), Some(b)) => {
                let place = |token: &str| match at {
                    Some(Json::Object(members)) => members.iter().position(|(k, _)| k == token),
                    Some(Json::Array(_)) => pointer::index(token),
                    _ => None,
                };
                return matches!((place(&a), place(&b)), (Some(x), Some(y)) if x < y);
            }
            // `other` is above `path`.
            (Some(_), None) => return true,
            (None, _) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Decoding;
    use crate::interrupt::Interrupt;
    use crate::json::pointer::Pointer;
    use crate::model::{DocumentKind, decode_json_document_with};
    use serde_json::{Value, json};

    /// Edits one place after another; after each, the patched decoding equals a
    /// whole one, problems in the same order.
    #[test]
    fn a_patched_decoding_equals_a_whole_one() {
        let mut document = json!({
            "kind": "manifest",
            "number": 12,
            "consignor": {"credit_code": "bad", "name": "甲"},
            "wastes": [
                {"code": "900-041-49", "quantity": {"value": "1", "unit": "t"}},
                {"code": "nope", "quantity": {"value": "x", "unit": "t"}, "extra": 1},
                {"code": "900-249-08"}
            ],
            "dispatched_at": "yesterday"
        });
        let edits: [(&str, Value); 8] = [
            ("/wastes/0/quantity/value", json!("1,5")),
            // Inside a boxed record (a line's analysis).
            (
                "/wastes/0/analysis",
                json!({"moisture_pct": "x", "liquid": false}),
            ),
            ("/wastes/0/analysis/moisture_pct", json!("55")),
            ("/wastes/1/code", json!("900-249-08")),
            ("/wastes/2/quantity", json!({"value": "2", "unit": "kg?"})),
            ("/consignor/name", json!(7)),
            ("/number", json!("33060220260001")),
            ("/wastes/1", json!({"code": "x"})),
        ];
        let interrupt = Interrupt::default();
        let mut decoding = Decoding::default();
        let json = crate::json::Json::from(&document);
        decoding.decode(DocumentKind::Manifest, &json, &interrupt);
        for (at, value) in edits {
            let (parent, key) = at.rsplit_once('/').unwrap();
            match document.pointer_mut(parent).unwrap() {
                Value::Object(members) => {
                    members.insert(key.to_owned(), value);
                }
                parent => parent[key.parse::<usize>().unwrap()] = value,
            }
            decoding.edited(Pointer::parse(at).tokens());
            let json = crate::json::Json::from(&document);
            let (patched, problems) = decoding.decode(DocumentKind::Manifest, &json, &interrupt);
            let (whole, whole_problems) =
                decode_json_document_with(DocumentKind::Manifest, &json, &interrupt);
            assert_eq!(patched, &whole, "after {at}");
            assert_eq!(problems, &whole_problems[..], "after {at}");
        }
    }
}
