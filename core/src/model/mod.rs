//! Typed documents and facts.
//!
//! Every document kind of docs/design.md §6 is a record of [`Field`]s, decoded leniently
//! with [`decode_document`]: what is missing is [`Field::Absent`] (what a stage
//! requires is a rule, not a type), what is malformed is kept and reported at its
//! JSON Pointer, and everything else is still read.

mod closed_fields;
mod documents;
mod enums;
mod facts;
pub(crate) mod field;
pub mod labels;
pub mod node;
mod node_text;
mod patch;
mod problem;
pub mod schema;
mod values;

pub use documents::*;
pub(crate) use enums::closed_enum;
pub use facts::*;
pub(crate) use field::record;
pub use field::{Decode, Decoder, Field, Invalid, List, Located, member_name};
pub use patch::Decoding;
pub use problem::{JsonType, Problem, Reason, Subject};
pub use values::*;

/// Exact decimals, as quantities use them.
pub use rust_decimal::Decimal;

use crate::json::Json;
use serde_json::Value;

closed_enum! {
    /// The kinds of document wastecheck checks.
    pub enum DocumentKind {
        /// 危险废物转移联单, a transfer manifest.
        Manifest = "manifest",
        /// 年度申报, an annual declaration.
        Declaration = "declaration",
        /// 管理计划, a management plan.
        Plan = "plan",
        /// 台账, a ledger.
        Ledger = "ledger",
        /// 贮存 records: facilities and lots.
        Storage = "storage",
        /// A district's annual report of waste produced and handled.
        DistrictReport = "district_report",
    }
}

impl DocumentKind {
    /// Every kind, in a fixed order.
    pub const KINDS: [DocumentKind; 6] = [
        DocumentKind::Manifest,
        DocumentKind::Declaration,
        DocumentKind::Plan,
        DocumentKind::Ledger,
        DocumentKind::Storage,
        DocumentKind::DistrictReport,
    ];

    /// The kind's Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            DocumentKind::Manifest => "危险废物转移联单",
            DocumentKind::Declaration => "年度申报",
            DocumentKind::Plan => "管理计划",
            DocumentKind::Ledger => "管理台账",
            DocumentKind::Storage => "贮存记录",
            DocumentKind::DistrictReport => "区县年度报告",
        }
    }
}

/// A decoded document of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// A transfer manifest (危险废物转移联单).
    Manifest(Box<Manifest>),
    /// An annual declaration (年度申报).
    Declaration(Box<Declaration>),
    /// A management plan (管理计划).
    Plan(Box<Plan>),
    /// A ledger (台账).
    Ledger(Box<Ledger>),
    /// Storage records (贮存): facilities and lots.
    Storage(Box<Storage>),
    /// A district's annual report of waste produced and handled.
    DistrictReport(Box<DistrictReport>),
}

impl Document {
    /// The document's kind.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::Manifest(_) => DocumentKind::Manifest,
            Document::Declaration(_) => DocumentKind::Declaration,
            Document::Plan(_) => DocumentKind::Plan,
            Document::Ledger(_) => DocumentKind::Ledger,
            Document::Storage(_) => DocumentKind::Storage,
            Document::DistrictReport(_) => DocumentKind::DistrictReport,
        }
    }
}

/// Decodes a document of `kind`, collecting every structural problem. Returns `None`
/// for the document only when its root is not an object.
pub fn decode_document(kind: DocumentKind, value: &Value) -> (Option<Document>, Vec<Located>) {
    decode_json_document(kind, &Json::from(value))
}

/// [`decode_document`] from a [`Json`] value, as [`crate::json::parse`] reads text.
pub fn decode_json_document(
    kind: DocumentKind,
    value: &Json<'_>,
) -> (Option<Document>, Vec<Located>) {
    decode_json_document_with(kind, value, &crate::interrupt::Interrupt::default())
}

/// [`decode_json_document`] whose lists stop short once `interrupt` is raised (see
/// [`Decoder::with_interrupt`]).
pub fn decode_json_document_with(
    kind: DocumentKind,
    value: &Json<'_>,
    interrupt: &crate::interrupt::Interrupt,
) -> (Option<Document>, Vec<Located>) {
    let mut decoder = Decoder::with_interrupt(interrupt);
    let document = match kind {
        DocumentKind::Manifest => decode_root(value, &mut decoder).map(Document::Manifest),
        DocumentKind::Declaration => decode_root(value, &mut decoder).map(Document::Declaration),
        DocumentKind::Plan => decode_root(value, &mut decoder).map(Document::Plan),
        DocumentKind::Ledger => decode_root(value, &mut decoder).map(Document::Ledger),
        DocumentKind::Storage => decode_root(value, &mut decoder).map(Document::Storage),
        DocumentKind::DistrictReport => {
            decode_root(value, &mut decoder).map(Document::DistrictReport)
        }
    };
    if document.is_some() {
        check_kind_tag(kind, value, &mut decoder);
    }
    (document, decoder.into_problems())
}

/// Decodes the facts a host passes with a document.
pub fn decode_facts(value: &Value) -> (Facts, Vec<Located>) {
    decode_json_facts(&Json::from(value))
}

/// [`decode_facts`] from a [`Json`] value.
pub fn decode_json_facts(value: &Json<'_>) -> (Facts, Vec<Located>) {
    let mut decoder = Decoder::new();
    let facts = decode_root(value, &mut decoder)
        .map(|f| *f)
        .unwrap_or_default();
    (facts, decoder.into_problems())
}

fn decode_root<'v, T: Decode>(value: &'v Json<'_>, decoder: &mut Decoder<'v>) -> Option<Box<T>> {
    match T::decode(value, decoder) {
        Ok(document) => Some(Box::new(document)),
        Err(problem) => {
            decoder.report(problem);
            None
        }
    }
}

/// A document's own `kind` member, when given, must name the kind it is checked as.
fn check_kind_tag(kind: DocumentKind, value: &Json<'_>, decoder: &mut Decoder<'_>) {
    if let Some(tag) = value.get("kind").and_then(Json::as_str)
        && tag != kind.as_str()
        && tag.parse::<DocumentKind>().is_ok()
    {
        let allowed: &'static [&'static str] = match kind {
            DocumentKind::Manifest => &["manifest"],
            DocumentKind::Declaration => &["declaration"],
            DocumentKind::Plan => &["plan"],
            DocumentKind::Ledger => &["ledger"],
            DocumentKind::Storage => &["storage"],
            DocumentKind::DistrictReport => &["district_report"],
        };
        decoder.report_at(
            "kind",
            Problem::NotAllowed {
                value: tag.to_owned(),
                allowed,
            },
        );
    }
}

/// The kind a JSON document names in its `kind` member, if any.
pub fn kind_of(value: &Value) -> Option<Result<DocumentKind, Problem>> {
    json_kind_of(&Json::from(value))
}

/// [`kind_of`] for a [`Json`] value.
pub fn json_kind_of(value: &Json<'_>) -> Option<Result<DocumentKind, Problem>> {
    match value.get("kind")? {
        Json::String(text) => Some(text.parse()),
        other => Some(Err(Problem::WrongType {
            expected: JsonType::String,
            found: JsonType::of(other),
        })),
    }
}
