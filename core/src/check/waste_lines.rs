//! Every place a document names a waste by code and category, with its path, so
//! checks over waste lines are written once for every document kind.

use crate::model::{Category, Document, Field, List, WasteCode};

/// A waste line: its JSON Pointer, its code and, where the line has one, its
/// declared category.
pub type WasteRef<'a> = (String, &'a Field<WasteCode>, Option<&'a Field<Category>>);

fn lines<'a, T>(
    out: &mut Vec<WasteRef<'a>>,
    base: &str,
    list: &'a Field<List<T>>,
    parts: impl Fn(&'a T) -> (&'a Field<WasteCode>, Option<&'a Field<Category>>),
) {
    for (index, item) in list.valid().into_iter().flatten().enumerate() {
        if let Some(item) = item.valid() {
            let (code, category) = parts(item);
            out.push((format!("{base}/{index}"), code, category));
        }
    }
}

/// Every hazardous waste line of a document: its pointer, code and category.
pub fn waste_refs(document: &Document) -> Vec<WasteRef<'_>> {
    let mut out = Vec::new();
    match document {
        Document::Manifest(m) => lines(&mut out, "/wastes", &m.wastes, |w| {
            (&w.code, Some(&w.category))
        }),
        Document::Declaration(d) => {
            lines(&mut out, "/hazardous", &d.hazardous, |w| {
                (&w.code, Some(&w.category))
            });
        }
        Document::Plan(p) => {
            lines(&mut out, "/production", &p.production, |w| {
                (&w.code, Some(&w.category))
            });
            lines(&mut out, "/own_treatment", &p.own_treatment, |w| {
                (&w.code, None)
            });
            lines(&mut out, "/transfers", &p.transfers, |w| (&w.code, None));
        }
        Document::Ledger(l) => lines(&mut out, "/entries", &l.entries, |e| {
            (&e.code, Some(&e.category))
        }),
        Document::Storage(s) => lines(&mut out, "/lots", &s.lots, |l| (&l.code, Some(&l.category))),
        Document::DistrictReport(_) => {}
    }
    out
}
