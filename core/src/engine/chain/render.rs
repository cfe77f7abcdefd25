//! Findings to violations: messages filled in both languages from the finding's
//! parameters, with the rule's id, severity, basis and pack.

use super::super::kinds::Finding;
use super::rule::{Body, CompiledRule};
use crate::locale::Locale;
use crate::model::Date;
use crate::pack::spec::FixOp;
use crate::report::{Basis, Violation};
use crate::report::{Guidance, PatchOp};

pub(crate) fn render(
    rule: &CompiledRule,
    mut finding: Finding,
    as_of: Option<Date>,
    locale: Locale,
) -> Violation {
    let guidance = guidance(rule, &mut finding);
    let text = rule.messages.fill(&finding.params);
    Violation {
        rule: rule.id.clone(),
        severity: finding
            .severity
            .unwrap_or_else(|| rule.severity_on(as_of, &finding.path)),
        path: finding.path,
        message: text.get(locale).to_owned(),
        params: finding.params,
        basis: rule
            .basis_on(as_of)
            .map(|b| Basis {
                instrument: b.instrument.clone(),
                article: Some(b.article.clone()),
            })
            .collect(),
        pack: Some(rule.pack.clone()),
        text: Some(text),
        fix: Vec::new(),
        choices: Vec::new(),
        hint: None,
        hint_text: None,
    }
    .guided(guidance, locale)
}

/// What resolves a finding, as its rule's `[fix]` says: the value of one of its
/// parameters, or the candidates its check offers; and the hint. A script's
/// findings carry their own; a kind's candidates are offered only where the rule
/// asks for them.
fn guidance(rule: &CompiledRule, finding: &mut Finding) -> Guidance {
    let offered = std::mem::take(&mut finding.offered);
    let scripted = matches!(rule.body, Body::Script(_));
    let Some(spec) = &rule.fix else {
        return if scripted {
            offered
        } else {
            Guidance::default()
        };
    };
    let mut guidance = match (&spec.value, &spec.candidates) {
        (Some(param), _) => match finding.params.get(param) {
            Some(value) if !value.is_null() => {
                let path = finding.path.clone();
                let value = value.clone();
                Guidance::patch(vec![match spec.op {
                    FixOp::Replace => PatchOp::Replace { path, value },
                    FixOp::Add => PatchOp::Add { path, value },
                }])
            }
            _ => Guidance::default(),
        },
        (None, Some(_)) => Guidance::candidates(offered.choices),
        (None, None) if scripted => offered,
        (None, None) => Guidance::default(),
    };
    if let Some(hint) = &rule.hint
        && guidance.hint.is_none()
    {
        guidance.hint = Some(hint.fill(&finding.params));
    }
    guidance
}
