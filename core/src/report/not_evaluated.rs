//! Rules that could not be evaluated for a document, and why. A report that lists
//! any is `complete: false`: never a silent pass.

use crate::catalogue::InForce;
use crate::model::{Date, RegionCode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a rule could not be evaluated: a stable code that hosts and tests may match
/// on (the message beside it is for people and may change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ReasonCode {
    /// A fact collection the rule reads (`licences`, `plans`…) was not passed.
    #[serde(rename = "facts.missing")]
    FactsMissing,
    /// The record the document refers to (a licence number, a track id, a plan of
    /// that year…) is not among the facts passed.
    #[serde(rename = "facts.not_found")]
    FactNotFound,
    /// No loaded pack is in force for the document's region and legal date, so no
    /// rule was checked (reported once, for rule `*`).
    #[serde(rename = "packs.none")]
    NoPack,
    /// The catalogue edition in force on the legal date is not carried by the pack
    /// chain (or no edition it declares is in force then), and nothing stands in.
    #[serde(rename = "catalogue.not_carried")]
    CatalogueNotCarried,
    /// The pack chain carries no working-day calendar.
    #[serde(rename = "calendar.missing")]
    CalendarMissing,
    /// The dates fall outside the working-day calendar the chain carries.
    #[serde(rename = "calendar.not_covered")]
    CalendarNotCovered,
    /// A rule script reached a sandbox limit (operations, depth, sizes).
    #[serde(rename = "script.limit")]
    ScriptLimit,
    /// A rule script failed (`throw`, a type error) or returned something that is
    /// not a finding.
    #[serde(rename = "script.failed")]
    ScriptFailed,
    /// The module checking has no script support (the browser's first module):
    /// the rule is a script and was not run; a module with scripts checks it.
    #[serde(rename = "script.unavailable")]
    ScriptUnavailable,
    /// The host interrupted the check (its client went away, or its deadline
    /// passed) before this rule ran: reported once, for rule `*`.
    #[serde(rename = "check.interrupted")]
    Interrupted,
}

impl ReasonCode {
    /// The code as the report writes it (`facts.missing`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonCode::FactsMissing => "facts.missing",
            ReasonCode::FactNotFound => "facts.not_found",
            ReasonCode::NoPack => "packs.none",
            ReasonCode::CatalogueNotCarried => "catalogue.not_carried",
            ReasonCode::CalendarMissing => "calendar.missing",
            ReasonCode::CalendarNotCovered => "calendar.not_covered",
            ReasonCode::ScriptLimit => "script.limit",
            ReasonCode::ScriptFailed => "script.failed",
            ReasonCode::ScriptUnavailable => "script.unavailable",
            ReasonCode::Interrupted => "check.interrupted",
        }
    }

    /// Every code, for documentation and tests.
    pub const ALL: [ReasonCode; 10] = [
        ReasonCode::NoPack,
        ReasonCode::FactsMissing,
        ReasonCode::FactNotFound,
        ReasonCode::CatalogueNotCarried,
        ReasonCode::CalendarMissing,
        ReasonCode::CalendarNotCovered,
        ReasonCode::ScriptLimit,
        ReasonCode::ScriptFailed,
        ReasonCode::ScriptUnavailable,
        ReasonCode::Interrupted,
    ];
}

/// What a check returns when it cannot decide: the code and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Unevaluable {
    /// The stable code.
    pub code: ReasonCode,
    /// What is missing, for people.
    pub message: String,
    /// The fact collection that was not passed (`facts.missing`).
    pub collection: Option<String>,
}

impl Unevaluable {
    /// A reason with its code.
    pub fn new(code: ReasonCode, message: impl Into<String>) -> Self {
        Unevaluable {
            code,
            message: message.into(),
            collection: None,
        }
    }

    /// The fact collection `collection` was not passed.
    pub fn facts_missing(collection: &str) -> Self {
        Unevaluable {
            collection: Some(collection.to_owned()),
            ..Self::new(
                ReasonCode::FactsMissing,
                format!("no `{collection}` facts were passed"),
            )
        }
    }

    /// The catalogue edition in force on `date` is not carried (`in_force` holds no
    /// table), so a catalogue rule is not applied under another edition.
    pub fn catalogue_not_carried(in_force: InForce<'_>, date: Option<Date>) -> Self {
        let on = date.map_or_else(|| "with no legal date".to_owned(), |d| format!("on {d}"));
        let message = match in_force {
            InForce::NotCarried(edition) => format!(
                "the catalogue edition in force {on}, 《{}》 ({}), is not carried by the packs",
                edition.title_zh, edition.id
            ),
            _ => format!("no catalogue edition the packs declare is in force {on}"),
        };
        Self::new(ReasonCode::CatalogueNotCarried, message)
    }

    /// No pack is in force for `region` on `date`.
    pub fn no_pack(region: Option<RegionCode>, date: Option<Date>) -> Self {
        let region = region.map_or_else(
            || "with no region".to_owned(),
            |r| format!("for region {r}"),
        );
        let date = date.map_or_else(|| "with no legal date".to_owned(), |d| format!("on {d}"));
        Self::new(
            ReasonCode::NoPack,
            format!("no loaded rule pack is in force {region} {date}: no rule was checked"),
        )
    }

    /// The record the document refers to is not among the facts.
    pub fn fact_not_found(message: impl Into<String>) -> Self {
        Self::new(ReasonCode::FactNotFound, message)
    }
}

/// A rule that could not be evaluated for one document, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NotEvaluated {
    /// The rule.
    pub rule: String,
    /// `pack@version`.
    pub pack: String,
    /// Why, as a stable code.
    pub code: ReasonCode,
    /// Why, for people.
    pub reason: String,
    /// The fact collection it needs (`facts.missing`), for [`crate::check::Guide`].
    #[serde(skip)]
    #[schemars(skip)]
    pub needs_facts: Option<String>,
}

impl NotEvaluated {
    /// `rule` of `pack` could not be evaluated for `why`.
    pub fn new(rule: &str, pack: &str, why: Unevaluable) -> Self {
        NotEvaluated {
            rule: rule.to_owned(),
            pack: pack.to_owned(),
            code: why.code,
            reason: why.message,
            needs_facts: why.collection,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_as_documented() {
        for code in ReasonCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str())
            );
        }
        let n = NotEvaluated::new("r", "cn@1.0.0", Unevaluable::facts_missing("plans"));
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            r#"{"rule":"r","pack":"cn@1.0.0","code":"facts.missing","reason":"no `plans` facts were passed"}"#
        );
    }

    #[test]
    fn the_pack_format_documents_every_code() {
        let doc = include_str!("../../../spec/rule-pack.md");
        for code in ReasonCode::ALL {
            assert!(
                doc.contains(&format!("| `{}` |", code.as_str())),
                "spec/rule-pack.md does not list `{}`",
                code.as_str()
            );
        }
    }
}
