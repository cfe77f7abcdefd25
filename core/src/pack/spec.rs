//! The pack source format (spec/rule-pack.md): `pack.toml` and each rule's
//! `rule.toml`, read with every problem reported by file and line.

use crate::locale::Bilingual;
use crate::model::{Date, DocumentKind};
use crate::report::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A problem with a pack's sources, with its file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pack}/{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct PackProblem {
    /// The pack folder.
    pub pack: String,
    /// The file inside it.
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// Every problem that kept packs from loading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in rule packs:\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct PackError {
    /// The problems, in file order.
    pub problems: Vec<PackProblem>,
}

/// The parent a pack extends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extends {
    /// Parent pack id.
    pub id: String,
    /// Semver requirement on the parent's version (`^1`).
    #[schemars(with = "String")]
    pub version: semver::VersionReq,
}

/// Which way a parameter is stricter, so a child cannot loosen it by accident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stricter {
    /// A lower value is stricter (a deadline, a maximum).
    Lower,
    /// A higher value is stricter (a minimum rate).
    Higher,
}

/// A named parameter: a threshold a child pack may override.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    /// The value.
    pub value: serde_json::Value,
    /// What it means, for pack authors.
    #[serde(default)]
    pub description: Option<String>,
    /// Which way is stricter; overrides the other way need `loosen_reason`.
    #[serde(default)]
    pub stricter: Option<Stricter>,
    /// Why a child loosens a parent's threshold (required to do so).
    #[serde(default)]
    pub loosen_reason: Option<String>,
    /// Set for a legal figure that was recalled, not read in the source: the rule
    /// docs must say so.
    #[serde(default)]
    pub recall: bool,
}

/// A catalogue edition a pack declares: the day it took effect, and its tables
/// (the four CSV files), or none — then, optionally, the carried edition that
/// stands in for it (`stand_in`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueSpec {
    /// Edition id (`hw-2021`).
    pub id: String,
    /// Title in both locales.
    pub title: Bilingual,
    /// First day in force; the edition is in force until the next one declared in
    /// the chain takes effect.
    pub effective_from: Date,
    /// The list CSV.
    #[serde(default)]
    pub list: Option<String>,
    /// The categories CSV.
    #[serde(default)]
    pub categories: Option<String>,
    /// The exemption list CSV.
    #[serde(default)]
    pub exemptions: Option<String>,
    /// General industrial solid waste categories CSV.
    #[serde(default)]
    pub general: Option<String>,
    /// For an edition whose tables the pack does not carry: the id of an earlier
    /// carried edition to check against meanwhile. Codes it does not list are then
    /// warnings, and the report carries a notice.
    #[serde(default)]
    pub stand_in: Option<String>,
}

/// The working-day calendar a pack carries.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// The holiday CSV.
    pub file: String,
    /// Last date the data is authoritative for.
    pub covers_until: Date,
}

/// An override of an inherited rule's severity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New severity (only raising is allowed).
    pub severity: Severity,
    /// The first legal date the new severity applies on (always, when not given):
    /// before it, findings keep the parent's severity.
    #[serde(default)]
    pub effective_from: Option<Date>,
    /// Only the findings at these fields (JSON Pointers; a finding at or under one
    /// of them) are raised; all the rule's findings when not given.
    #[serde(default)]
    pub at: Vec<String>,
}

/// `pack.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    /// Pack id (`cn`, `zj`, `zj-shaoxing`).
    pub id: String,
    /// Semver version.
    #[schemars(with = "String")]
    pub version: semver::Version,
    /// Region the pack governs (`000000`, `330000`, `330600`).
    pub jurisdiction: String,
    /// The parent pack.
    #[serde(default)]
    pub extends: Option<Extends>,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force.
    #[serde(default)]
    pub effective_until: Option<Date>,
    /// Title in both locales.
    pub title: Bilingual,
    /// Parameters.
    #[serde(default)]
    pub params: BTreeMap<String, ParamSpec>,
    /// Catalogue editions.
    #[serde(default)]
    pub catalogue: Vec<CatalogueSpec>,
    /// Working-day calendar.
    #[serde(default)]
    pub calendar: Option<CalendarSpec>,
    /// Severity overrides of inherited rules.
    #[serde(default)]
    pub overrides: BTreeMap<String, RuleOverride>,
    /// Inherited rules switched off, each with its reason.
    #[serde(default)]
    pub disable: BTreeMap<String, String>,
}

/// A rule's lifecycle.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Runs; may change.
    Preview,
    /// Runs.
    Stable,
    /// Runs; will be removed.
    Deprecated,
    /// Does not run; the id stays reserved.
    Removed,
}

/// One legal basis of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// The instrument.
    pub instrument: String,
    /// Article or clause.
    pub article: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force.
    #[serde(default)]
    pub effective_until: Option<Date>,
}

impl LegalBasis {
    /// Whether the basis is in force on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_until.is_none_or(|until| date <= until)
    }
}

/// `rule.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id: `<pack>.<area>.<what-is-wrong>`.
    pub id: String,
    /// Short title in both locales.
    pub title: Bilingual,
    /// Document kinds it applies to.
    pub applies_to: Vec<DocumentKind>,
    /// Severity.
    pub severity: Severity,
    /// Manifest stages it applies to (all when empty).
    #[serde(default)]
    pub stage: Vec<String>,
    /// Lifecycle.
    pub status: Status,
    /// First day the rule applies.
    #[serde(default)]
    pub effective_from: Option<Date>,
    /// Last day the rule applies.
    #[serde(default)]
    pub effective_until: Option<Date>,
    /// Legal basis, at least one.
    pub legal_basis: Vec<LegalBasis>,
    /// Messages in both locales, with the same `{placeholders}`.
    pub messages: Bilingual,
    /// The list(s) the rule runs over, once per item: `"/wastes"`, or by document
    /// kind, `{ manifest = "/wastes", plan = ["/production", "/transfers"] }`.
    #[serde(default)]
    pub each: Option<Each>,
    /// Run only where a field holds: `{ field = "site_type", in = ["flexible_landfill"] }`
    /// or `{ field = "paper_fallback", present = true }` (per item with `each`), or
    /// `{ field = "/receiver/region", outside = "province", of = "/consignor/region" }`;
    /// a list of them must all hold.
    /// Checked natively, so a script is not even started where it cannot apply.
    #[serde(default)]
    pub when: Option<Whens>,
    /// The declarative check: `kind` and its parameters.
    #[serde(default)]
    pub check: Option<serde_json::Map<String, serde_json::Value>>,
    /// The script file, for rules no check kind expresses.
    #[serde(default)]
    pub script: Option<String>,
    /// How a finding is made right, offered with it to the person filling the form.
    #[serde(default)]
    pub fix: Option<FixSpec>,
    /// For a script: the document fields it reads (JSON Pointers, `*` for any list
    /// item; relative to the item with `each`), so that a session re-runs it only
    /// when one of them changes. A script without `reads` reads everything.
    #[serde(default)]
    pub reads: Option<Vec<String>>,
    /// For a script: the fact collections it cannot decide without
    /// (`["manifests"]`). Without one of them the rule is not evaluated
    /// (`facts.missing`) and its script does not start. A check kind says which
    /// facts it needs.
    #[serde(default)]
    pub needs_facts: Vec<String>,
}

/// A rule's `[fix]`: what resolves its findings — one value (`value`), the
/// candidates its check finds (`candidates`), or neither — and a hint. A script
/// rule's findings carry their own `fix` and `choices`; its `[fix]` gives a hint.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    /// A parameter of the finding whose value, put at the finding's path, resolves
    /// it (`expected`: the category the code belongs to).
    #[serde(default)]
    pub value: Option<String>,
    /// With `value`: the operation, `replace` (the field holds a wrong value) or
    /// `add` (it is missing).
    #[serde(default)]
    pub op: FixOp,
    /// The candidates the check kind offers (the kinds table's `offers`): one of
    /// them is the fix, several are choices.
    #[serde(default)]
    pub candidates: Option<String>,
    /// A short hint in both locales; `{placeholders}` are the finding's parameters.
    #[serde(default)]
    pub hint: Option<Bilingual>,
}

/// The JSON Patch operation a `[fix] value` makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FixOp {
    /// Replaces a wrong value.
    #[default]
    Replace,
    /// Adds a missing one.
    Add,
}

/// A condition on one field under which a rule runs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The field: from the root (`/stage`) or, with `each`, relative to the item.
    pub field: String,
    /// The field's value is one of these (`"HWCK*"`: a prefix).
    #[serde(default, rename = "in")]
    pub any_of: Vec<String>,
    /// The field's value is none of these (`"HWCK*"`: a prefix); a field not given
    /// is none of them.
    #[serde(default)]
    pub not_in: Vec<String>,
    /// The field is given (`true`) or not (`false`).
    #[serde(default)]
    pub present: Option<bool>,
    /// The field is a region outside the `province`, `city` or `county` of the
    /// region at `of`: `{ field = "/receiver/region", outside = "province", of =
    /// "/consignor/region" }` (both regions must be given).
    #[serde(default)]
    pub outside: Option<RegionLevel>,
    /// The region `outside` compares with.
    #[serde(default)]
    pub of: Option<String>,
}

/// One condition, or several that must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Whens {
    /// One condition.
    One(When),
    /// Conditions that must all hold.
    All(Vec<When>),
}

impl Whens {
    /// The conditions.
    pub fn all(&self) -> &[When] {
        match self {
            Whens::One(when) => std::slice::from_ref(when),
            Whens::All(all) => all,
        }
    }
}

/// A level of the GB/T 2260 region hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    /// 省级.
    Province,
    /// 地级.
    City,
    /// 县级.
    County,
}

/// The lists a rule iterates.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Each {
    /// One list, whatever the kind.
    One(String),
    /// Several lists, whatever the kind.
    Many(Vec<String>),
    /// Lists by document kind.
    ByKind(BTreeMap<DocumentKind, OneOrMany>),
}

/// One pointer or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    fn list(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

impl Each {
    /// The lists for a document kind.
    pub fn lists(&self, kind: DocumentKind) -> Vec<&str> {
        match self {
            Each::One(s) => vec![s.as_str()],
            Each::Many(v) => v.iter().map(String::as_str).collect(),
            Each::ByKind(map) => map.get(&kind).map(OneOrMany::list).unwrap_or_default(),
        }
    }
}

/// 1-based line of a byte offset (TOML's errors give offsets; JSON's give lines).
#[cfg(feature = "toml-sources")]
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |head| head.matches('\n').count() + 1)
}

/// Parses a source file into `T`: a `.json` file (as bundles carry `pack.toml` and
/// `rule.toml`) as JSON, anything else as TOML (with the `toml-sources` feature),
/// with the error's line.
pub(crate) fn parse_source<T: serde::de::DeserializeOwned>(
    pack: &str,
    file: &str,
    text: &str,
) -> Result<T, PackProblem> {
    let problem = |line: Option<usize>, message: String| PackProblem {
        pack: pack.to_owned(),
        file: file.to_owned(),
        line,
        message,
    };
    if file.ends_with(".json") {
        return serde_json::from_str(text).map_err(|error| {
            problem(
                Some(error.line()),
                format!("{error} (column {})", error.column()),
            )
        });
    }
    #[cfg(feature = "toml-sources")]
    {
        toml::from_str(text).map_err(|error| {
            problem(
                error.span().map(|span| line_of(text, span.start)),
                error.message().trim().to_owned(),
            )
        })
    }
    #[cfg(not(feature = "toml-sources"))]
    {
        Err(problem(
            None,
            "this build of wastecheck reads no TOML (it lacks the `toml-sources` feature): load the pack from a bundle (`wastecheck pack build`)".into(),
        ))
    }
}

/// The `{placeholders}` of a message template, sorted and without repeats.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect();
    crate::sorting::sort_by(&mut out, Ord::cmp);
    out.dedup();
    out
}
