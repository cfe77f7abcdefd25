//! A rule ready to run: its metadata with the chain's overrides applied, and its
//! body — a native check or a compiled script.

use super::super::kinds::Check;
use super::super::script::CompiledScript;
use super::gate::{Applicability, Gate, Subject};
use super::guard::Guard;
use super::template::Templates;
use crate::json::pointer::Pointer;
use crate::locale::Bilingual;
use crate::model::{Date, DocumentKind};
use crate::pack::spec::{FixSpec, LegalBasis, Status};
use crate::report::Severity;

/// How a rule checks.
#[derive(Debug)]
pub enum Body {
    /// A declarative check compiled to native code.
    Native(std::sync::Arc<dyn Check>),
    /// A sandboxed script.
    Script(CompiledScript),
}

/// A severity override limited to legal dates from `from` and to findings at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raise {
    /// First legal date it applies on (every date when none).
    pub from: Option<Date>,
    /// The findings it raises: at or under these pointers (all when empty).
    pub at: Vec<String>,
    /// The severity it raises them to.
    pub severity: Severity,
}

impl Raise {
    fn applies(&self, as_of: Option<Date>, path: &str) -> bool {
        let dated = match self.from {
            None => true,
            // A raise from a date is never assumed when the date is unknown.
            Some(from) => as_of.is_some_and(|date| from <= date),
        };
        let placed = self.at.is_empty()
            || self.at.iter().any(|at| {
                path == at
                    || path
                        .strip_prefix(at.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            });
        dated && placed
    }
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    /// Stable id.
    pub id: String,
    /// `pack@version` it comes from.
    pub pack: String,
    /// Title in both locales.
    pub title: Bilingual,
    /// Severity after the chain's overrides (those without a date).
    pub severity: Severity,
    /// Overrides limited to a date or to some findings.
    pub raised_from: Vec<Raise>,
    /// Document kinds.
    pub applies_to: Vec<DocumentKind>,
    /// Manifest stages (all when empty).
    pub stages: Vec<String>,
    /// Window in which the rule applies.
    pub effective_from: Option<Date>,
    /// Window in which the rule applies.
    pub effective_until: Option<Date>,
    /// Legal basis.
    pub basis: Vec<LegalBasis>,
    /// Messages, split once into text and placeholders.
    pub messages: Templates,
    /// The `[fix]` hint, split likewise.
    pub hint: Option<Templates>,
    /// The lists iterated, by kind, parsed once (none: the rule runs once per
    /// document).
    pub each: Option<Vec<(DocumentKind, Vec<Pointer>)>>,
    /// When the rule runs (none: always).
    pub guard: Option<Guard>,
    /// The check.
    pub body: Body,
    /// Lifecycle.
    pub status: Status,
    /// How its findings are made right (`[fix]`).
    pub fix: Option<FixSpec>,
    /// What it reads of a document (a session re-runs it when that changes).
    pub reads: std::sync::Arc<super::reads::Reads>,
    /// What it reads only to make the choices its findings offer: an edit of that
    /// re-runs it only while it has findings.
    pub offer_reads: std::sync::Arc<super::reads::Reads>,
    /// Its check kind (none: a script).
    pub check_kind: Option<&'static str>,
    /// The fields it cannot decide without (its kind's required field parameters,
    /// each with its alternatives): absent, the rule waits (`Checker::next` says so).
    pub needs: Vec<Vec<super::super::kinds::Ref>>,
    /// The fact collections a script cannot decide without (`needs_facts`):
    /// without one of them it is not started.
    pub needs_facts: Vec<String>,
    /// Its kinds, stages, window and bases' windows, inline, for
    /// [`CompiledRule::admits`]: made from the fields above.
    pub gate: Gate,
}

impl CompiledRule {
    /// The bases a finding cites: those in force on the legal date (all of them
    /// when no date is known) — a text not yet, or no longer, in force is not cited.
    pub fn basis_on(&self, as_of: Option<Date>) -> impl Iterator<Item = &LegalBasis> {
        self.basis
            .iter()
            .filter(move |b| as_of.is_none_or(|date| b.in_force_on(date)))
    }

    /// The severity of a finding at `path` on the legal date: the rule's, raised
    /// by every limited override that applies (a dated one never when no date is
    /// known).
    pub fn severity_on(&self, as_of: Option<Date>, path: &str) -> Severity {
        let rank = |s: Severity| match s {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        };
        self.raised_from
            .iter()
            .filter(|r| r.applies(as_of, path))
            .map(|r| r.severity)
            .fold(self.severity, |a, b| if rank(b) > rank(a) { b } else { a })
    }

    /// [`CompiledRule::applies`] to a subject found once per check, from the rule's
    /// inline gate where it can tell.
    pub(crate) fn admits(&self, subject: &Subject<'_>) -> bool {
        self.gate.admits(subject).unwrap_or_else(|| {
            let (kind, stage, as_of) = subject.parts();
            self.applies(kind, stage, as_of)
        })
    }

    /// Whether it applies to a document of `kind` at `stage` on the legal date.
    pub(crate) fn applies(
        &self,
        kind: DocumentKind,
        stage: Option<&str>,
        as_of: Option<Date>,
    ) -> bool {
        self.applicability().applies(kind, stage, as_of)
    }

    /// The settings its applicability is decided by.
    pub fn applicability(&self) -> Applicability<'_> {
        Applicability {
            applies_to: &self.applies_to,
            stages: &self.stages,
            status: self.status,
            window: (self.effective_from, self.effective_until),
            basis: &self.basis,
        }
    }
}
