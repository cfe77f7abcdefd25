//! The vocabulary of declarative check kinds. Each kind is one file: it reads its
//! parameters from a rule's `[check]` table once, at pack load, into a native
//! closure-like struct, and runs over typed documents with no parsing.

mod args;
mod balance;
mod catalogue_category;
mod catalogue_code;
mod catalogue_exemption;
mod catalogue_hazards;
mod fact_match;
mod fact_ref;
mod in_force;
mod licence_capacity;
mod licence_scope;
mod plan_lists;
mod region_relation;
mod required;
mod same_party;
mod threshold;
mod track_match;
mod working_days;
mod yearly_target;

pub use args::{Args, Ref};

use super::node::Node;
use crate::calendar::Calendar;
use crate::catalogue::Catalogue;
use crate::model::{Date, Facts};
use crate::report::Severity;
use serde_json::{Map, Value};

/// What a check sees while it runs.
#[derive(Debug, Clone, Copy)]
pub struct RunCx<'a> {
    /// The document's root.
    pub root: Node<'a>,
    /// The item bound by `each`, and its JSON Pointer.
    pub item: Option<(Node<'a>, &'a str)>,
    /// The facts the host passed.
    pub facts: &'a Facts,
    /// The legal date.
    pub as_of: Option<Date>,
    /// The catalogue edition in force on the legal date.
    pub catalogue: &'a Catalogue,
    /// The working-day calendar, if the chain has one.
    pub calendar: Option<&'a Calendar>,
}

impl<'a> RunCx<'a> {
    /// Resolves a parameter reference: item-relative or from the root.
    pub fn get(&self, reference: &Ref) -> Node<'a> {
        match (&self.item, reference.absolute) {
            (Some((item, _)), false) => reference.pointer.resolve(*item),
            _ => reference.pointer.resolve(self.root),
        }
    }

    /// The JSON Pointer of a reference in the submitted document.
    pub fn path(&self, reference: &Ref) -> String {
        match (&self.item, reference.absolute) {
            (Some((_, base)), false) => format!("{base}{}", reference.pointer.as_str()),
            _ => reference.pointer.as_str().to_owned(),
        }
    }
}

/// One finding of a check: where, with which message parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// JSON Pointer into the submitted document.
    pub path: String,
    /// Message parameters.
    pub params: Map<String, Value>,
    /// A severity other than the rule's (threshold bands).
    pub severity: Option<Severity>,
}

impl Finding {
    /// A finding at `path` with `params`.
    pub fn new(path: String, params: &[(&str, Value)]) -> Self {
        Finding {
            path,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            severity: None,
        }
    }
}

/// Why a check could not be evaluated (the report is then `complete: false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotEvaluated(pub String);

/// A compiled declarative check.
pub trait Check: std::fmt::Debug + Send + Sync {
    /// Runs the check, adding its findings to `out`.
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), NotEvaluated>;
}

/// A kind: its name, the parameters its findings carry (message placeholders may
/// use only these), and its compiler.
pub struct Kind {
    /// The `kind = "…"` name.
    pub name: &'static str,
    /// The message parameters its findings carry.
    pub provides: &'static [&'static str],
    /// Reads the `[check]` table.
    pub compile: fn(&mut Args<'_>) -> Option<Box<dyn Check>>,
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Every kind, by name.
pub const KINDS: &[Kind] = &[
    required::KIND,
    catalogue_code::KIND,
    catalogue_category::KIND,
    catalogue_hazards::KIND,
    catalogue_exemption::KIND,
    in_force::KIND,
    licence_scope::KIND,
    licence_capacity::KIND,
    plan_lists::KIND,
    working_days::KIND,
    threshold::KIND,
    region_relation::KIND,
    balance::KIND,
    fact_ref::KIND,
    track_match::KIND,
    fact_match::KIND,
    same_party::KIND,
    yearly_target::KIND,
];

/// The kind called `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// A value for a message parameter.
pub(crate) fn text(node: &Node<'_>) -> Value {
    node.text()
        .map_or(Value::Null, |t| Value::String(t.into_owned()))
}

/// Running one check over a small document, for the kinds' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::engine::chain::{document_node, run_native};
    use crate::engine::node::Pointer;
    use crate::model::{decode_document, decode_facts, kind_of};
    use std::sync::OnceLock;

    pub(crate) fn catalogue() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::from_csv(
                crate::catalogue::Edition {
                    id: "hw-2021".into(),
                    title_zh: "国家危险废物名录（2021年版）".into(),
                    title_en: "National Hazardous Waste List (2021 edition)".into(),
                    effective_from: "2021-01-01".parse().unwrap(),
                },
                crate::catalogue::Sources {
                    list: include_str!("../../../../rules/packs/cn/catalogue/hw-list-2021.csv"),
                    categories: include_str!(
                        "../../../../rules/packs/cn/catalogue/hw-categories-2021.csv"
                    ),
                    exemptions: include_str!(
                        "../../../../rules/packs/cn/catalogue/hw-exemptions-2021.csv"
                    ),
                    general: include_str!(
                        "../../../../rules/packs/cn/catalogue/sw-categories-2021.csv"
                    ),
                },
            )
            .unwrap()
        })
    }

    pub(crate) fn calendar() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            Calendar::from_csv(
                include_str!("../../../../rules/packs/cn/calendar/cn-holidays.csv"),
                "2026-12-31".parse().unwrap(),
            )
            .unwrap()
        })
    }

    /// Compiles `check` (a TOML `[check]` body) and runs it over `document`, once,
    /// or once per item of `each`. Compile problems come back as `Err`.
    pub(crate) fn run(
        check: &str,
        each: Option<&str>,
        document: Value,
        facts: Option<Value>,
    ) -> Result<Result<Vec<Finding>, String>, Vec<String>> {
        let table: toml::Table = toml::from_str(check).unwrap();
        let params = [("limit".to_owned(), toml::Value::Integer(5))]
            .into_iter()
            .collect();
        let kind = super::kind(table["kind"].as_str().unwrap()).unwrap();
        let mut args = Args::new(&table, &params, each.is_some());
        let compiled = (kind.compile)(&mut args);
        args.finish();
        if !args.problems.is_empty() {
            return Err(args.problems);
        }
        let compiled = compiled.unwrap();
        let doc_kind = kind_of(&document).unwrap().unwrap();
        let (decoded, _) = decode_document(doc_kind, &document);
        let decoded = decoded.unwrap();
        let decoded_facts = facts
            .as_ref()
            .map(|f| decode_facts(f).0)
            .unwrap_or_default();
        let cx = RunCx {
            root: document_node(&decoded),
            item: None,
            facts: &decoded_facts,
            as_of: None,
            catalogue: catalogue(),
            calendar: Some(calendar()),
        };
        let mut out = Vec::new();
        let each = each.map(Pointer::parse);
        Ok(run_native(compiled.as_ref(), each.as_ref(), None, &cx, &mut out).map(|()| out))
    }

    /// The paths of the findings.
    pub(crate) fn paths(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.path.as_str()).collect()
    }
}
