//! The legal date of a document: the day whose law applies to it.

use crate::model::{Date, Document, Field};

/// The legal date a document is checked at, when the document gives one: a
/// manifest's dispatch date (local), else its creation date; a declaration's, plan's
/// or district report's 1 January of its year; a storage inventory's date; a
/// ledger's last entry or last destruction of records, whichever is later.
pub fn legal_date(document: &Document) -> Option<Date> {
    match document {
        Document::Manifest(m) => m
            .dispatched_at
            .valid()
            .or(m.created_at.valid())
            .map(|t| t.local_date()),
        Document::Declaration(d) => d.year.valid().and_then(|y| y.first_day()),
        Document::Plan(p) => p.year.valid().and_then(|y| y.first_day()),
        Document::DistrictReport(r) => r.year.valid().and_then(|y| y.first_day()),
        Document::Storage(s) => s.as_of.valid().copied(),
        Document::Ledger(l) => {
            let entries = l
                .entries
                .valid()
                .into_iter()
                .flatten()
                .filter_map(Field::valid)
                .filter_map(|e| e.time.valid())
                .map(|t| t.local_date());
            let destroyed = l
                .records_destroyed
                .valid()
                .into_iter()
                .flatten()
                .filter_map(Field::valid)
                .filter_map(|d| d.destroyed_on.valid().copied());
            entries.chain(destroyed).max()
        }
    }
}
