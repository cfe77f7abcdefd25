//! Checking documents: structural checks (`schema.*`), the catalogue checks, and the
//! JSON facade every binding sits on.

mod as_of;
mod batch;
mod facade;
mod fixes;
mod guide;
mod session;
mod structural;
mod waste_lines;

pub use as_of::legal_date;
pub use batch::{MAX_BATCH, check_batch_json};
pub use facade::{
    CheckRequest, FacadeError, GuideRequest, check_json, check_json_with, choices_json, next_json,
};
pub use guide::{Choices, Need, Needed, Next, Undecided};
pub use session::{Change, EditError, Session};
pub use waste_lines::{WasteRef, waste_refs};

use crate::catalogue::Catalogue;
use crate::engine::chain::Chain;
use crate::engine::chain::run::RuleCache;
pub use crate::engine::facts::PreparedFacts;
pub use crate::interrupt::Interrupt;
use crate::json::{self, Json};
use crate::locale::Locale;
use crate::model::{
    Date, Document, DocumentKind, Field, JsonType, Located, Problem, RegionCode,
    decode_json_document_with, json_kind_of,
};
use crate::registry::Registry;
use crate::report::{FindingLimits, Findings, NotEvaluated, PackRef, Report, Unevaluable};
use serde_json::Value;

/// What a [`Session`] keeps between checks.
pub(crate) struct Kept<'a> {
    /// The rules' findings, by rule.
    pub rules: &'a mut RuleCache,
    /// The decoded document, patched after each edit.
    pub decoding: &'a mut crate::model::Decoding,
}
use std::sync::Arc;

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
    /// How many findings the report keeps, per rule and in all.
    pub limits: FindingLimits,
    /// Set by the host to stop the check early (see [`Interrupt`]).
    pub interrupt: Interrupt,
}

/// Checks documents against rule packs. Build once, check many documents.
#[derive(Debug, Clone)]
pub struct Checker {
    registry: Arc<Registry>,
}

impl Checker {
    /// A checker over loaded packs.
    pub fn new(registry: Registry) -> Self {
        Checker {
            registry: Arc::new(registry),
        }
    }

    /// The packs.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The newest catalogue edition the national chain carries.
    pub fn catalogue(&self) -> Option<&Catalogue> {
        self.registry
            .select(None, None)
            .and_then(|c| c.editions.newest_carried())
            .map(|c| c.as_ref())
    }

    /// The chain a document is checked against: by its region and legal date.
    pub fn chain_for(&self, document: &Document, as_of: Option<Date>) -> Option<&Arc<Chain>> {
        self.registry.select(region_of(document), as_of)
    }

    /// Checks JSON text. Malformed JSON gives one `schema.json` violation naming the
    /// line and column.
    pub fn check_str(&self, text: &str, facts: Option<&Value>, options: &CheckOptions) -> Report {
        let facts = facts.map(PreparedFacts::borrowed);
        self.check_str_with(text, facts.as_ref(), options)
    }

    /// Checks JSON text against facts prepared once for many checks.
    pub fn check_str_with(
        &self,
        text: &str,
        facts: Option<&PreparedFacts<'_>>,
        options: &CheckOptions,
    ) -> Report {
        match json::parse(text) {
            Ok(parsed) => self
                .check_document(&parsed.value, &parsed.duplicate_keys, facts, &[], options)
                .capped(options.limits),
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
        let facts = facts.map(PreparedFacts::borrowed);
        self.check_value_with(document, facts.as_ref(), options)
    }

    /// Checks a parsed document against facts prepared once for many checks (see
    /// [`PreparedFacts`]): the same report as [`Checker::check_value`], without
    /// decoding the facts again.
    pub fn check_value_with(
        &self,
        document: &Value,
        facts: Option<&PreparedFacts<'_>>,
        options: &CheckOptions,
    ) -> Report {
        self.check_document(&Json::from(document), &[], facts, &[], options)
            .capped(options.limits)
    }

    /// Checks a parsed document; `duplicate_keys` and `duplicate_fact_keys` are the
    /// pointers of keys the JSON texts gave twice (see [`json::parse`]). Every
    /// finding is in the report: callers keep it within `options.limits`
    /// ([`Report::capped`]).
    pub(crate) fn check_document(
        &self,
        document: &Json<'_>,
        duplicate_keys: &[String],
        facts: Option<&PreparedFacts<'_>>,
        duplicate_fact_keys: &[String],
        options: &CheckOptions,
    ) -> Report {
        self.check_document_cached(
            document,
            duplicate_keys,
            facts,
            duplicate_fact_keys,
            options,
            None,
        )
    }

    /// [`Checker::check_document`], reusing what `cache` holds: the decoded
    /// document, patched, and the findings of the rules that read nothing changed
    /// since (a [`Session`]).
    pub(crate) fn check_document_cached(
        &self,
        document: &Json<'_>,
        duplicate_keys: &[String],
        facts: Option<&PreparedFacts<'_>>,
        duplicate_fact_keys: &[String],
        options: &CheckOptions,
        cache: Option<Kept<'_>>,
    ) -> Report {
        let locale = options.locale;
        let (rules, decoding) = match cache {
            Some(Kept { rules, decoding }) => (Some(rules), Some(decoding)),
            None => (None, None),
        };
        // Kept within the limits as they come: a flood is counted, not held.
        let mut violations = Findings::new(options.limits);
        violations.extend(
            duplicate_keys
                .iter()
                .map(|path| structural::violation(path.clone(), &Problem::DuplicateKey, locale)),
        );
        violations.extend(duplicate_fact_keys.iter().map(|path| {
            let located = Located {
                path: path.clone(),
                problem: Problem::DuplicateKey,
            };
            structural::fact_violation(&located, locale)
        }));

        let kind = match (options.kind, json_kind_of(document)) {
            (Some(kind), _) => Some(kind),
            (None, Some(Ok(kind))) => Some(kind),
            (None, Some(Err(problem))) => {
                violations.push(structural::document_violation(
                    None,
                    "/kind".into(),
                    &problem,
                    locale,
                ));
                None
            }
            (None, None) if document.as_object().is_none() => {
                let problem = Problem::WrongType {
                    expected: JsonType::Object,
                    found: JsonType::of(document),
                };
                violations.push(structural::violation(String::new(), &problem, locale));
                None
            }
            (None, None) => {
                violations.push(structural::document_violation(
                    None,
                    "/kind".into(),
                    &Problem::Required,
                    locale,
                ));
                None
            }
        };
        let Some(kind) = kind else {
            return Report::from_findings(
                None,
                options.as_of.map(|d| d.to_string()),
                self.packs(),
                violations,
                true,
            );
        };

        let whole;
        let (decoded, problems) = match decoding {
            Some(decoding) => decoding.decode(kind, document, &options.interrupt),
            None => {
                whole = decode_json_document_with(kind, document, &options.interrupt);
                (&whole.0, &whole.1[..])
            }
        };
        violations.extend(problems.iter().map(|located| {
            structural::document_violation(
                Some(kind),
                located.path.clone(),
                &located.problem,
                locale,
            )
        }));
        if let Some(facts) = facts {
            violations.extend(
                facts
                    .problems()
                    .iter()
                    .map(|located| structural::fact_violation(located, locale)),
            );
        }

        let as_of = options
            .as_of
            .or_else(|| decoded.as_ref().and_then(legal_date));
        let as_of_text = as_of.map(|d| d.to_string());
        let chain = decoded.as_ref().and_then(|d| self.chain_for(d, as_of));
        let Some(typed) = &decoded else {
            return Report::from_findings(Some(kind), as_of_text, Vec::new(), violations, true);
        };
        // No pack in force for the document: nothing was checked, and the report
        // says so — never "valid and complete" (issue 20: a backdated manifest).
        let Some(chain) = chain else {
            let mut report =
                Report::from_findings(Some(kind), as_of_text, Vec::new(), violations, false);
            let why = Unevaluable::no_pack(region_of(typed), as_of);
            report.not_evaluated = vec![NotEvaluated::new("*", "", why)];
            return report;
        };
        let mut not_evaluated = chain.run_into(
            typed,
            document,
            facts,
            as_of,
            locale,
            &options.interrupt,
            &mut violations,
            rules,
        );
        if options.interrupt.is_raised() {
            not_evaluated.push(NotEvaluated::new(
                "*",
                "",
                Unevaluable::new(
                    crate::report::ReasonCode::Interrupted,
                    "the check was interrupted by its host before every rule ran",
                ),
            ));
        }
        let mut report = Report::from_findings(
            Some(kind),
            as_of_text,
            chain.packs.clone(),
            violations,
            not_evaluated.is_empty(),
        );
        // The table checked against: a stand-in's when the edition in force is not carried.
        report.catalogue = chain
            .catalogue_on(as_of)
            .table()
            .map(|c| c.edition().id.clone());
        report.not_evaluated = not_evaluated;
        report
    }

    fn packs(&self) -> std::sync::Arc<[PackRef]> {
        self.registry
            .select(None, None)
            .map(|c| c.packs.clone())
            .unwrap_or_default()
    }
}

/// The region whose packs apply to a document: the consignor's or the
/// enterprise's, or the district's.
pub fn region_of(document: &Document) -> Option<RegionCode> {
    let region = |field: &Field<RegionCode>| field.valid().copied();
    match document {
        Document::Manifest(m) => m.consignor.valid().and_then(|c| region(&c.region)),
        Document::Declaration(d) => d.enterprise.valid().and_then(|e| region(&e.region)),
        Document::Plan(p) => p.enterprise.valid().and_then(|e| region(&e.region)),
        Document::Ledger(l) => l.enterprise.valid().and_then(|e| region(&e.region)),
        Document::Storage(s) => s.enterprise.valid().and_then(|e| region(&e.region)),
        Document::DistrictReport(r) => r.region.valid().copied(),
    }
}
