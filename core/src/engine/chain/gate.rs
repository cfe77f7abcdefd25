//! Whether a rule applies to a document (its kind, its stage, the legal date),
//! answered from a few bytes kept inline in the rule. A chain asks this of every
//! rule on every check; reading each rule's kinds, stages and bases from their own
//! heap blocks made it the largest source of level-1 data cache misses of a
//! whole-chain check (320 of about 2,260, callgrind `--cache-sim=yes`).
//!
//! [`CompiledRule::applies`](super::CompiledRule::applies) stays the reference: a
//! gate that cannot tell (a stage name no manifest has, more bases than it keeps)
//! says so, and the rule is asked.

use crate::model::{Date, DocumentKind, ManifestStage};
use crate::pack::spec::{LegalBasis, Status};

/// The most bases whose windows a gate keeps.
const KEPT_BASES: usize = 2;

/// What a rule's applicability reads, inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// Bit `i`: the rule applies to `DocumentKind::KINDS[i]`.
    kinds: u8,
    /// Bit `i`: to stage `ManifestStage::ALL[i]`; `None`: to every stage.
    stages: Option<u8>,
    /// Whether only the rule can tell (see the module's documentation).
    ask_rule: bool,
    removed: bool,
    from: Option<Date>,
    until: Option<Date>,
    /// The windows of its bases: in force on a date inside any of them.
    bases: [Option<(Date, Option<Date>)>; KEPT_BASES],
}

/// The document a chain runs on, as gates read it: found once per check.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    kind: DocumentKind,
    stage: Option<&'a str>,
    as_of: Option<Date>,
    kind_bit: u8,
    /// The stage's bit (`draft` when none is given); 0 for a stage no manifest has.
    stage_bit: u8,
}

impl<'a> Subject<'a> {
    /// `stage` as the document gives it (`None`: not given).
    pub fn new(kind: DocumentKind, stage: Option<&'a str>, as_of: Option<Date>) -> Self {
        let named = stage.unwrap_or(ManifestStage::Draft.as_str());
        Subject {
            kind,
            stage,
            as_of,
            kind_bit: kind_bit(kind),
            stage_bit: ManifestStage::ALL
                .iter()
                .position(|s| *s == named)
                .map_or(0, |i| 1 << i),
        }
    }

    /// What it was made from.
    pub fn parts(&self) -> (DocumentKind, Option<&'a str>, Option<Date>) {
        (self.kind, self.stage, self.as_of)
    }
}

/// Whether `date` is inside the days from `from` to `until` (open where `None`).
fn within(from: Option<Date>, until: Option<Date>, date: Date) -> bool {
    from.is_none_or(|from| from <= date) && until.is_none_or(|until| date <= until)
}

fn kind_bit(kind: DocumentKind) -> u8 {
    DocumentKind::KINDS
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| 1 << i)
}

/// A rule's settings that decide where it applies.
#[derive(Debug, Clone, Copy)]
pub struct Applicability<'a> {
    /// Document kinds.
    pub applies_to: &'a [DocumentKind],
    /// Manifest stages (all when empty).
    pub stages: &'a [String],
    /// Lifecycle: a removed rule applies nowhere.
    pub status: Status,
    /// The days the rule applies (`effective_from`, `effective_until`).
    pub window: (Option<Date>, Option<Date>),
    /// Its legal bases: it runs only while one of them is in force.
    pub basis: &'a [LegalBasis],
}

impl Applicability<'_> {
    /// Whether a rule with these settings applies to a document of `kind` at
    /// `stage` (`draft` when none is given) on the legal date `as_of`: the
    /// reference its [`Gate`] answers for.
    pub fn applies(&self, kind: DocumentKind, stage: Option<&str>, as_of: Option<Date>) -> bool {
        let (from, until) = self.window;
        // A rule runs only while it and at least one of its bases are in force.
        let in_window = as_of.is_none_or(|date| {
            within(from, until, date) && self.basis.iter().any(|b| b.in_force_on(date))
        });
        self.status != Status::Removed
            && in_window
            && self.applies_to.contains(&kind)
            && (self.stages.is_empty()
                || self
                    .stages
                    .iter()
                    .any(|s| Some(s.as_str()) == stage.or(Some("draft"))))
    }

    /// The same, inline.
    pub fn gate(&self) -> Gate {
        // `None` when a stage is named that no manifest has.
        let known = self.stages.iter().try_fold(0u8, |all, stage| {
            let at = ManifestStage::ALL.iter().position(|s| s == stage)?;
            Some(all | 1 << at)
        });
        let mut bases = [None; KEPT_BASES];
        for (kept, b) in bases.iter_mut().zip(self.basis) {
            *kept = Some((b.effective_from, b.effective_until));
        }
        Gate {
            kinds: self.applies_to.iter().fold(0, |all, k| all | kind_bit(*k)),
            stages: (!self.stages.is_empty()).then_some(known.unwrap_or(0)),
            ask_rule: known.is_none() || self.basis.len() > KEPT_BASES,
            removed: self.status == Status::Removed,
            from: self.window.0,
            until: self.window.1,
            bases,
        }
    }
}

impl Gate {
    /// Whether the rule applies to `subject`; `None` when only the rule can tell.
    pub fn admits(&self, subject: &Subject<'_>) -> Option<bool> {
        if self.ask_rule {
            return None;
        }
        let in_window = subject.as_of.is_none_or(|date| {
            within(self.from, self.until, date)
                && self
                    .bases
                    .iter()
                    .flatten()
                    .any(|(from, until)| within(Some(*from), *until, date))
        });
        Some(
            !self.removed
                && in_window
                && self.kinds & subject.kind_bit != 0
                && self
                    .stages
                    .is_none_or(|stages| stages & subject.stage_bit != 0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A day of 2020–2022, so that windows and dates often meet.
    fn day() -> impl Strategy<Value = Date> {
        (0i64..1096).prop_map(|n| {
            let first = Date::from_ymd(2020, 1, 1).expect("a date");
            Date(first.0 + chrono::Days::new(n as u64))
        })
    }

    fn window() -> impl Strategy<Value = (Option<Date>, Option<Date>)> {
        (proptest::option::of(day()), proptest::option::of(day()))
    }

    /// Every stage a manifest has, one it has not, and none.
    fn stage() -> impl Strategy<Value = Option<String>> {
        let names = ManifestStage::ALL.iter().map(|s| s.to_string());
        proptest::option::of(proptest::sample::select(
            names.chain(["shipped".to_string()]).collect::<Vec<_>>(),
        ))
    }

    #[derive(Debug, Clone)]
    struct Settings {
        kinds: Vec<DocumentKind>,
        stages: Vec<String>,
        status: Status,
        window: (Option<Date>, Option<Date>),
        basis: Vec<LegalBasis>,
    }

    fn settings() -> impl Strategy<Value = Settings> {
        let basis = (day(), proptest::option::of(day())).prop_map(|(from, until)| LegalBasis {
            instrument: "固废法".into(),
            article: "第一条".into(),
            effective_from: from,
            effective_until: until,
        });
        (
            proptest::sample::subsequence(DocumentKind::KINDS.to_vec(), 0..=6),
            proptest::collection::vec(stage().prop_filter_map("a name", |s| s), 0..3),
            proptest::sample::select(vec![
                Status::Preview,
                Status::Stable,
                Status::Deprecated,
                Status::Removed,
            ]),
            window(),
            proptest::collection::vec(basis, 0..4),
        )
            .prop_map(|(kinds, stages, status, window, basis)| Settings {
                kinds,
                stages,
                status,
                window,
                basis,
            })
    }

    impl Settings {
        fn applicability(&self) -> Applicability<'_> {
            Applicability {
                applies_to: &self.kinds,
                stages: &self.stages,
                status: self.status,
                window: self.window,
                basis: &self.basis,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Where the gate answers, it answers as the rule's settings do.
        #[test]
        fn the_gate_answers_as_the_rule(
            settings in settings(),
            kind in proptest::sample::select(DocumentKind::KINDS.to_vec()),
            stage in stage(),
            as_of in proptest::option::of(day()),
        ) {
            let rule = settings.applicability();
            let subject = Subject::new(kind, stage.as_deref(), as_of);
            if let Some(admits) = rule.gate().admits(&subject) {
                prop_assert_eq!(admits, rule.applies(kind, stage.as_deref(), as_of));
            }
        }
    }

    /// The gate leaves to the rule only a stage no manifest has and more bases
    /// than it keeps.
    #[test]
    fn the_gate_answers_for_known_stages_and_few_bases() {
        let basis = |from| LegalBasis {
            instrument: "固废法".into(),
            article: "第一条".into(),
            effective_from: Date::from_ymd(from, 9, 1).expect("a date"),
            effective_until: None,
        };
        let subject = Subject::new(DocumentKind::Manifest, Some("confirmed"), None);
        let answers = |stages: &[&str], bases: usize| {
            let stages: Vec<String> = stages.iter().map(|s| s.to_string()).collect();
            let basis: Vec<LegalBasis> = (0..bases).map(|i| basis(2020 + i as i32)).collect();
            Applicability {
                applies_to: &[DocumentKind::Manifest],
                stages: &stages,
                status: Status::Stable,
                window: (None, None),
                basis: &basis,
            }
            .gate()
            .admits(&subject)
        };
        assert_eq!(answers(&["confirmed"], 2), Some(true));
        assert_eq!(answers(&["received"], 1), Some(false));
        assert_eq!(answers(&[], 0), Some(true));
        assert_eq!(answers(&["confirmed", "shipped"], 1), None);
        assert_eq!(answers(&["confirmed"], 3), None);
    }
}
