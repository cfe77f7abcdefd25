//! The report every check returns (docs/design.md §5, a contract): every violation with
//! its rule, severity, JSON Pointer, message, parameters and legal basis, in a
//! deterministic order.

mod fix;
mod not_evaluated;
pub use fix::{Choice, Guidance, PatchOp};
pub use not_evaluated::{NotEvaluated, ReasonCode, Unevaluable};

use crate::locale::{Bilingual, Locale};
use crate::model::DocumentKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How serious a violation is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document breaks the law or cannot be processed.
    Error,
    /// Likely wrong, or a local policy the document departs from.
    Warning,
    /// For information.
    Info,
}

/// The legal (or technical) basis of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Basis {
    /// The instrument, e.g. `危险废物转移管理办法`.
    pub instrument: String,
    /// Article or clause, e.g. `第十五条`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

impl Basis {
    /// A basis with an article.
    pub fn new(instrument: &str, article: &str) -> Self {
        Basis {
            instrument: instrument.to_owned(),
            article: Some(article.to_owned()),
        }
    }
}

/// One violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Violation {
    /// Stable rule id (`schema.format`, `cn.catalogue.unknown-code`, …).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// RFC 6901 JSON Pointer into the submitted document (`""` for the whole).
    pub path: String,
    /// The message in the report's locale.
    pub message: String,
    /// Named parameters of the message.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Legal or technical basis.
    #[serde(default)]
    pub basis: Vec<Basis>,
    /// The pack the rule came from (`cn@1.0.0`), or absent for built-in checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
    /// The message in every locale, for renderers that show both.
    #[serde(skip)]
    #[schemars(skip)]
    pub text: Option<Bilingual>,
    /// JSON Patch operations (RFC 6902) that resolve the finding, when one value
    /// does: a form may apply them as they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fix: Vec<PatchOp>,
    /// The lawful candidates, when more than one value would resolve the finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// A short hint on making it right, in the report's locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The hint in every locale.
    #[serde(skip)]
    #[schemars(skip)]
    pub hint_text: Option<Bilingual>,
}

impl Violation {
    /// With what a check knows about making it right, the hint in `locale`.
    pub fn guided(mut self, guidance: Guidance, locale: Locale) -> Self {
        self.fix = guidance.fix;
        self.choices = guidance.choices;
        self.hint = guidance.hint.as_ref().map(|h| h.get(locale).to_owned());
        self.hint_text = guidance.hint;
        self
    }

    /// What `after` has that `before` has not (copied), and what `before` has that
    /// `after` has not, counted as multisets (the same finding twice is two).
    pub fn changes(before: Vec<Violation>, after: &[Violation]) -> Change {
        let mut removed = before;
        let mut added = Vec::new();
        for violation in after {
            match removed.iter().position(|v| v == violation) {
                Some(at) => {
                    removed.swap_remove(at);
                }
                None => added.push(violation.clone()),
            }
        }
        Change { added, removed }
    }
}

/// What an edit changed in the report.
// Made by `Violation::changes`, and `Change::merge`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Change {
    /// Violations the edit brought.
    pub added: Vec<Violation>,
    /// Violations it resolved.
    pub removed: Vec<Violation>,
}

impl Change {
    /// Adds `more`, then drops each finding both added and removed: a finding gone
    /// and come again is no change.
    pub fn merge(&mut self, more: Change) {
        self.added.extend(more.added);
        self.removed.extend(more.removed);
        let removed = &mut self.removed;
        self.added
            .retain(|v| match removed.iter().position(|r| r == v) {
                Some(at) => {
                    removed.swap_remove(at);
                    false
                }
                None => true,
            });
    }
}

/// Violations counted by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// A rule pack or data edition the report was checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackRef {
    /// Pack or data id.
    pub id: String,
    /// Version or edition.
    pub version: String,
    /// `sha256:…` digest of its contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// The result of checking one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The document kind checked, when it could be determined.
    pub kind: Option<DocumentKind>,
    /// The legal date the document was checked at (`YYYY-MM-DD`), when known.
    pub as_of: Option<String>,
    /// Packs and data editions used, most specific first.
    // Shared with the chain that checked: a report does not copy them.
    pub packs: std::sync::Arc<[PackRef]>,
    /// No errors (warnings and infos do not make a document invalid).
    pub valid: bool,
    /// Every check could be evaluated.
    pub complete: bool,
    /// The violations, in a deterministic order.
    pub violations: Vec<Violation>,
    /// Violations by severity.
    pub counts: Counts,
    /// Rules that could not be evaluated (then `complete` is false), and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<NotEvaluated>,
    /// The catalogue edition checked against (`hw-2021`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<String>,
    /// Findings left out of `violations` beyond the limits (`counts` and `valid`
    /// count them all): how many, in all and by rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<Omitted>,
}

/// How many findings a report keeps: per rule, and in all. A hostile document (a
/// million repeated keys) gets a bounded report that says how much it left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingLimits {
    /// Findings kept per rule (default 1,000).
    pub per_rule: usize,
    /// Findings kept in all (default 10,000).
    pub total: usize,
}

impl Default for FindingLimits {
    fn default() -> Self {
        FindingLimits {
            per_rule: 1_000,
            total: 10_000,
        }
    }
}

/// How many violations fit in a block glibc serves from its small bins.
const SMALL_BLOCK: usize = 1000 / std::mem::size_of::<Violation>();
const _: () = assert!(SMALL_BLOCK >= 1, "a violation alone fits a small block");

/// Findings as a check makes them, each rule's kept within
/// [`FindingLimits::per_rule`] as they come and the rest only counted, so that a
/// flood of findings (a million repeated keys, a hundred thousand bad lines) never
/// fills memory with messages nobody will read. [`Report::from_findings`] then
/// orders them and [`Report::capped`] applies the limits in report order.
#[derive(Debug, Default)]
pub struct Findings {
    per_rule: usize,
    kept: Vec<Violation>,
    /// How many findings of each rule are kept. A list, not a map: a handful of
    /// rules find something in a document, and `room` is asked of every rule of
    /// every check, which hashing each rule's id made 1 % of a check (callgrind).
    kept_by_rule: Vec<(String, usize)>,
    omitted: Omitted,
    omitted_counts: Counts,
}

impl Findings {
    /// No findings yet; each rule keeps at most `limits.per_rule`.
    pub fn new(limits: FindingLimits) -> Findings {
        Findings {
            per_rule: limits.per_rule,
            ..Findings::default()
        }
    }

    /// How many more findings of `rule` are kept: the rest need not be built.
    pub fn room(&self, rule: &str) -> usize {
        let kept = self
            .kept_by_rule
            .iter()
            .find(|(r, _)| r == rule)
            .map_or(0, |(_, kept)| *kept);
        self.per_rule.saturating_sub(kept)
    }

    /// Keeps a violation, or counts it when its rule has no room left.
    pub fn push(&mut self, violation: Violation) {
        let at = match self
            .kept_by_rule
            .iter()
            .position(|(r, _)| *r == violation.rule)
        {
            Some(at) => at,
            None => {
                self.kept_by_rule.push((violation.rule.clone(), 0));
                self.kept_by_rule.len() - 1
            }
        };
        match self.kept_by_rule.get_mut(at) {
            Some((_, kept)) if *kept < self.per_rule => {
                *kept += 1;
                // A violation is about 320 B, and a vector's first step is 4 of them:
                // a block of 1,008 B or more makes glibc sort every small block freed
                // so far (`malloc_consolidate`: 2.1k to 4.6k instructions a check and
                // their cache misses, callgrind). The first few grow one at a time.
                if self.kept.len() == self.kept.capacity() && self.kept.len() < SMALL_BLOCK {
                    self.kept.reserve_exact(1);
                }
                self.kept.push(violation);
            }
            _ => self.omit(&violation.rule, violation.severity),
        }
    }

    /// Counts a finding of `rule` that was not built.
    pub fn omit(&mut self, rule: &str, severity: Severity) {
        self.omitted.count += 1;
        *self.omitted.by_rule.entry(rule.to_owned()).or_default() += 1;
        self.omitted_counts.add(severity);
    }

    /// The violations kept.
    pub fn into_kept(self) -> Vec<Violation> {
        self.kept
    }
}

impl Extend<Violation> for Findings {
    fn extend<I: IntoIterator<Item = Violation>>(&mut self, violations: I) {
        for violation in violations {
            self.push(violation);
        }
    }
}

impl Counts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// The findings a report left out beyond its [`FindingLimits`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Omitted {
    /// How many in all.
    pub count: usize,
    /// How many of each rule.
    pub by_rule: std::collections::BTreeMap<String, usize>,
}

/// The parameters as one comparable text (their JSON, keys sorted).
fn params_key(violation: &Violation) -> String {
    serde_json::to_string(&violation.params).unwrap_or_default()
}

impl Report {
    /// Builds a report: sorts the violations (schema violations first, then by path,
    /// rule and message) and counts them.
    pub fn new(
        kind: Option<DocumentKind>,
        as_of: Option<String>,
        packs: impl Into<std::sync::Arc<[PackRef]>>,
        mut violations: Vec<Violation>,
        complete: bool,
    ) -> Self {
        // The order never depends on the locale: ties are broken on the parameters
        // and the Chinese text, not on the rendered message. The cheap keys decide
        // almost every comparison; the parameters are serialised only for a tie.
        crate::sorting::sort_by(&mut violations, |a, b| {
            (!a.rule.starts_with("schema."), &a.path, &a.rule)
                .cmp(&(!b.rule.starts_with("schema."), &b.path, &b.rule))
                .then_with(|| params_key(a).cmp(&params_key(b)))
                .then_with(|| {
                    let zh = |v: &Violation| v.text.as_ref().map(|t| t.zh.clone());
                    zh(a).cmp(&zh(b))
                })
        });
        let mut counts = Counts::default();
        for violation in &violations {
            counts.add(violation.severity);
        }
        Report {
            kind,
            as_of,
            packs: packs.into(),
            valid: counts.error == 0,
            complete,
            violations,
            counts,
            not_evaluated: Vec::new(),
            catalogue: None,
            omitted: None,
        }
    }

    /// Builds a report from the findings a check collected: [`Report::new`] over
    /// those kept, with `counts`, `valid` and `omitted` counting those left out too.
    pub fn from_findings(
        kind: Option<DocumentKind>,
        as_of: Option<String>,
        packs: impl Into<std::sync::Arc<[PackRef]>>,
        findings: Findings,
        complete: bool,
    ) -> Self {
        let Findings {
            kept,
            omitted,
            omitted_counts,
            ..
        } = findings;
        let mut report = Report::new(kind, as_of, packs, kept, complete);
        report.counts.error += omitted_counts.error;
        report.counts.warning += omitted_counts.warning;
        report.counts.info += omitted_counts.info;
        report.valid = report.counts.error == 0;
        if omitted.count > 0 {
            report.omitted = Some(omitted);
        }
        report
    }

    /// Keeps the first findings, in the report's order, within `limits`, and counts
    /// the rest under `omitted`; `counts` and `valid` still count every finding. A
    /// report [built from findings](Report::from_findings) already holds only each
    /// rule's first findings in the order the check found them (document order).
    pub fn capped(mut self, limits: FindingLimits) -> Self {
        if self.violations.len() <= limits.per_rule.min(limits.total) {
            return self;
        }
        let mut kept_by_rule: foldhash::HashMap<String, usize> = Default::default();
        let mut omitted = self.omitted.take().unwrap_or_default();
        let mut kept = 0;
        self.violations.retain(|v| {
            let of_rule = kept_by_rule.entry(v.rule.clone()).or_default();
            let keep = *of_rule < limits.per_rule && kept < limits.total;
            if keep {
                *of_rule += 1;
                kept += 1;
            } else {
                omitted.count += 1;
                *omitted.by_rule.entry(v.rule.clone()).or_default() += 1;
            }
            keep
        });
        if omitted.count > 0 {
            self.omitted = Some(omitted);
        }
        self
    }

    /// The report rendered in another locale (messages only; the findings are the
    /// same in every locale).
    pub fn in_locale(&self, locale: Locale) -> Report {
        let mut out = self.clone();
        for violation in &mut out.violations {
            if let Some(text) = &violation.text {
                violation.message = text.get(locale).to_owned();
            }
            if let Some(hint) = &violation.hint_text {
                violation.hint = Some(hint.get(locale).to_owned());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str) -> Violation {
        serde_json::from_value(serde_json::json!({
            "rule": rule, "severity": "warning", "path": "", "message": rule
        }))
        .unwrap()
    }

    #[test]
    fn each_rule_keeps_its_own_findings_up_to_the_limit() {
        let mut findings = Findings::new(FindingLimits {
            per_rule: 2,
            total: 100,
        });
        assert_eq!(findings.room("a"), 2);
        findings.extend(["a", "b", "a", "a", "c", "a"].map(finding));
        assert_eq!(
            (findings.room("a"), findings.room("b"), findings.room("d")),
            (0, 1, 2)
        );
        assert_eq!(findings.omitted.count, 2);
        assert_eq!(findings.omitted.by_rule["a"], 2);
        assert_eq!(findings.omitted_counts.warning, 2);
        let kept: Vec<String> = findings.into_kept().into_iter().map(|v| v.rule).collect();
        assert_eq!(kept, ["a", "b", "a", "c"]);
    }

    #[test]
    fn the_first_findings_are_kept_in_small_blocks() {
        let mut findings = Findings::new(FindingLimits::default());
        let small = |findings: &Findings| {
            findings.kept.capacity() * std::mem::size_of::<Violation>() < 1008
        };
        for i in 0..SMALL_BLOCK {
            findings.push(finding(&format!("r{i}")));
            assert!(small(&findings), "{} kept", i + 1);
        }
        findings.extend((0..40).map(|i| finding(&format!("s{i}"))));
        assert_eq!(findings.into_kept().len(), SMALL_BLOCK + 40);
    }

    #[test]
    fn a_limit_of_none_keeps_nothing() {
        let mut findings = Findings::new(FindingLimits {
            per_rule: 0,
            total: 100,
        });
        findings.extend(["a", "a"].map(finding));
        assert_eq!(findings.room("a"), 0);
        assert_eq!(findings.omitted.count, 2);
        assert!(findings.into_kept().is_empty());
    }
}
