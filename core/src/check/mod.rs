//! Checking documents: structural checks (`schema.*`), the catalogue checks, and the
//! JSON facade every binding sits on.

mod as_of;
mod catalogue_checks;
mod facade;
mod structural;
mod waste_lines;

pub use as_of::legal_date;
pub use facade::{CheckRequest, FacadeError, check_json};
pub use waste_lines::{WasteRef, waste_refs};

use crate::catalogue::Catalogue;
use crate::json;
use crate::locale::Locale;
use crate::model::{Date, DocumentKind, JsonType, Problem, decode_document, decode_facts, kind_of};
use crate::report::{PackRef, Report};
use serde_json::Value;

/// How to check a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The language of messages.
    pub locale: Locale,
    /// The legal date to check at; by default taken from the document (manifest:
    /// dispatch, else creation; declaration, plan, district report: 1 January of its
    /// year; storage: its inventory date; ledger: its last entry).
    pub as_of: Option<Date>,
    /// The kind to check the document as; by default its `kind` member.
    pub kind: Option<DocumentKind>,
}

/// Checks documents against a catalogue. Build once, check many documents.
#[derive(Debug, Clone)]
pub struct Checker {
    catalogue: Catalogue,
}

impl Checker {
    /// A checker over a catalogue edition.
    pub fn new(catalogue: Catalogue) -> Self {
        Checker { catalogue }
    }

    /// The catalogue checked against.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Checks JSON text. Malformed JSON gives one `schema.json` violation naming the
    /// line and column.
    pub fn check_str(&self, text: &str, facts: Option<&Value>, options: &CheckOptions) -> Report {
        match json::parse(text) {
            Ok(parsed) => {
                let mut report = self.check_value(&parsed.value, facts, options);
                if !parsed.duplicate_keys.is_empty() {
                    let mut violations = std::mem::take(&mut report.violations);
                    violations.extend(parsed.duplicate_keys.iter().map(|path| {
                        structural::violation(path.clone(), &Problem::DuplicateKey, options.locale)
                    }));
                    report = Report::new(
                        report.kind,
                        report.as_of,
                        report.packs,
                        violations,
                        report.complete,
                    );
                }
                report
            }
            Err(error) => Report::new(
                options.kind,
                options.as_of.map(|d| d.to_string()),
                self.packs(),
                vec![structural::syntax_violation(&error, options.locale)],
                true,
            ),
        }
    }

    /// Checks a parsed document, with the facts the host holds.
    pub fn check_value(
        &self,
        document: &Value,
        facts: Option<&Value>,
        options: &CheckOptions,
    ) -> Report {
        let locale = options.locale;
        let mut violations = Vec::new();

        let kind = match (options.kind, kind_of(document)) {
            (Some(kind), _) => Some(kind),
            (None, Some(Ok(kind))) => Some(kind),
            (None, Some(Err(problem))) => {
                violations.push(structural::violation("/kind".into(), &problem, locale));
                None
            }
            (None, None) if !document.is_object() => {
                let problem = Problem::WrongType {
                    expected: JsonType::Object,
                    found: JsonType::of(document),
                };
                violations.push(structural::violation(String::new(), &problem, locale));
                None
            }
            (None, None) => {
                violations.push(structural::violation(
                    "/kind".into(),
                    &Problem::Required,
                    locale,
                ));
                None
            }
        };
        let Some(kind) = kind else {
            return Report::new(
                None,
                options.as_of.map(|d| d.to_string()),
                self.packs(),
                violations,
                true,
            );
        };

        let (decoded, problems) = decode_document(kind, document);
        violations.extend(
            problems.iter().map(|located| {
                structural::violation(located.path.clone(), &located.problem, locale)
            }),
        );
        if let Some(facts) = facts {
            let (_facts, problems) = decode_facts(facts);
            violations.extend(
                problems
                    .iter()
                    .map(|located| structural::fact_violation(located, locale)),
            );
        }

        let as_of = options
            .as_of
            .or_else(|| decoded.as_ref().and_then(legal_date));
        if let Some(document) = &decoded {
            violations.extend(catalogue_checks::check(document, &self.catalogue, locale));
        }
        Report::new(
            Some(kind),
            as_of.map(|d| d.to_string()),
            self.packs(),
            violations,
            true,
        )
    }

    fn packs(&self) -> Vec<PackRef> {
        let edition = self.catalogue.edition();
        vec![PackRef {
            id: edition.id.clone(),
            version: edition.effective_from.to_string(),
            digest: None,
        }]
    }
}
