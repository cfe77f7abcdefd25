//! A rule ready to run: its metadata with the chain's overrides applied, and its
//! body — a native check or a compiled script.

use super::super::kinds::Check;
use super::super::script::CompiledScript;
use super::guard::Guard;
use crate::json::pointer::Pointer;
use crate::locale::Bilingual;
use crate::model::{Date, DocumentKind};
use crate::pack::spec::{LegalBasis, Status};
use crate::report::Severity;

/// How a rule checks.
#[derive(Debug)]
pub enum Body {
    /// A declarative check compiled to native code.
    Native(Box<dyn Check>),
    /// A sandboxed script.
    Script(CompiledScript),
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
    /// Severity after the chain's overrides.
    pub severity: Severity,
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
    /// Messages.
    pub messages: Bilingual,
    /// The lists iterated, by kind, parsed once (none: the rule runs once per
    /// document).
    pub each: Option<Vec<(DocumentKind, Vec<Pointer>)>>,
    /// When the rule runs (none: always).
    pub guard: Option<Guard>,
    /// The check.
    pub body: Body,
    /// Lifecycle.
    pub status: Status,
}

impl CompiledRule {
    /// The bases a finding cites: those in force on the legal date (all of them
    /// when no date is known) — a text not yet, or no longer, in force is not cited.
    pub fn basis_on(&self, as_of: Option<Date>) -> impl Iterator<Item = &LegalBasis> {
        self.basis
            .iter()
            .filter(move |b| as_of.is_none_or(|date| b.in_force_on(date)))
    }

    pub(crate) fn applies(
        &self,
        kind: DocumentKind,
        stage: Option<&str>,
        as_of: Option<Date>,
    ) -> bool {
        // A rule runs only while it and at least one of its bases are in force.
        let in_window = match as_of {
            None => true,
            Some(date) => {
                self.effective_from.is_none_or(|from| from <= date)
                    && self.effective_until.is_none_or(|until| date <= until)
                    && self.basis.iter().any(|b| b.in_force_on(date))
            }
        };
        self.status != Status::Removed
            && in_window
            && self.applies_to.contains(&kind)
            && (self.stages.is_empty()
                || self
                    .stages
                    .iter()
                    .any(|s| Some(s.as_str()) == stage.or(Some("draft"))))
    }
}
