//! Running a chain over one document: every rule that applies to its kind, stage
//! and date, native checks and scripts alike, each `each` list iterated in one
//! place ([`for_each_item`]).

use super::super::fact_index::IndexedFacts;
use super::super::facts::PreparedFacts;
#[cfg(test)]
use super::super::kinds::Check;
use super::super::kinds::{Finding, ItemPath, Memo, RunCx};
use super::super::script::{CompiledScript, ScriptEngine, ScriptError, ScriptInput};
use super::Chain;
use super::gate::Subject;
use super::guard::Guard;
use super::render::render;
use super::rule::{Body, CompiledRule};
use super::scripts::ScriptInputs;
use crate::interrupt::Interrupt;
use crate::json::Json;
use crate::json::pointer::Pointer;
use crate::locale::Locale;
use crate::model::node::{Node, document_node};
use crate::model::{Date, Document};
use crate::report::{
    FindingLimits, Findings, NotEvaluated, ReasonCode, Severity, Unevaluable, Violation,
};
use std::cell::OnceCell;

impl Chain {
    /// Runs every applicable rule over a decoded document (`raw` is the JSON it was
    /// decoded from, which scripts read): every violation, and the rules that could
    /// not be evaluated.
    pub fn run(
        &self,
        document: &Document,
        raw: &Json<'_>,
        facts: Option<&PreparedFacts<'_>>,
        as_of: Option<Date>,
        locale: Locale,
    ) -> (Vec<Violation>, Vec<NotEvaluated>) {
        let unlimited = FindingLimits {
            per_rule: usize::MAX,
            total: usize::MAX,
        };
        let mut found = Findings::new(unlimited);
        let not_evaluated = self.run_into(
            document,
            raw,
            facts,
            as_of,
            locale,
            &Interrupt::default(),
            &mut found,
            None,
        );
        let violations = found.into_kept();
        (violations, not_evaluated)
    }

    /// [`Chain::run`] into `out`: a rule's findings past its room there are counted,
    /// not rendered. Stops before the next rule or item once `interrupt` is raised
    /// (the caller reports that).
    #[allow(clippy::too_many_arguments)]
    pub fn run_into(
        &self,
        document: &Document,
        raw: &Json<'_>,
        facts: Option<&PreparedFacts<'_>>,
        as_of: Option<Date>,
        locale: Locale,
        interrupt: &Interrupt,
        out: &mut Findings,
        cache: Option<&mut RuleCache>,
    ) -> Vec<NotEvaluated> {
        let mut not_evaluated = Vec::new();
        let kind = document.kind();
        let root = document_node(document);
        let stage = root.member("stage").text();
        let no_facts = IndexedFacts::default();
        let memo = Memo::default();
        let cx = RunCx {
            kind,
            root,
            item: None,
            facts: facts.map_or(&no_facts, PreparedFacts::indexed),
            as_of,
            edition: self.catalogue_on(as_of),
            calendar: self.calendar.as_deref(),
            memo: Some(&memo),
        };
        let script_inputs = ScriptInputs {
            converted: OnceCell::new(),
            raw,
            facts,
            collections: self.script_fact_collections(kind),
        };

        let subject = Subject::new(kind, stage.as_deref(), as_of);
        let key = CacheKey {
            chain: std::ptr::from_ref(self) as usize,
            kind,
            stage: stage.as_deref().map(str::to_owned),
            as_of,
            locale,
        };
        let mut cache = cache;
        if let Some(cache) = cache.as_deref_mut()
            && cache.key.as_ref() != Some(&key)
        {
            // Another chain, kind, stage, date or locale: every rule runs again.
            if let Some(delta) = &mut cache.delta {
                let gone = cache.outcomes.drain(..).flatten().flat_map(|o| o.kept);
                delta.removed.extend(gone);
            }
            cache.key = Some(key);
            cache.outcomes = vec![None; self.rules.len()];
            cache.applies = self
                .rules
                .iter()
                .map(|rule| rule.admits(&subject))
                .collect();
            cache.changed = None;
            cache.touched = None;
        }
        // Which rules the edits touch: as last time when the same fields were
        // edited again (typing into one field).
        let touched: Option<Vec<Touch>> = cache.as_deref_mut().and_then(|c| {
            let changed = c.changed.as_ref()?;
            if c.touched.as_ref().is_none_or(|(at, _)| at != changed) {
                let by = |reads: &super::reads::Reads| {
                    changed.iter().any(|tokens| reads.touched_by(tokens))
                };
                let flags = self.rules.iter().map(|rule| {
                    if by(&rule.reads) {
                        Touch::Findings
                    } else if by(&rule.offer_reads) {
                        Touch::Offers
                    } else {
                        Touch::Nothing
                    }
                });
                c.touched = Some((changed.clone(), flags.collect()));
            }
            c.touched.as_ref().map(|(_, flags)| flags.clone())
        });
        for (index, rule) in self.rules.iter().enumerate() {
            let applies = match cache.as_deref().and_then(|c| c.applies.get(index)) {
                Some(applies) => *applies,
                None => rule.admits(&subject),
            };
            if !applies {
                continue;
            }
            if interrupt.is_raised() {
                break;
            }
            let run = |out: &Findings| {
                self.run_rule(
                    rule,
                    &cx,
                    &script_inputs,
                    as_of,
                    locale,
                    interrupt,
                    out.room(&rule.id),
                )
            };
            let Some((slot, delta)) = cache
                .as_deref_mut()
                .and_then(|c| Some((c.outcomes.get_mut(index)?, &mut c.delta)))
            else {
                out.take(&rule.id, run(out), &mut not_evaluated);
                continue;
            };
            let untouched = slot.as_ref().is_some_and(|outcome| {
                match touched.as_ref().and_then(|flags| flags.get(index)) {
                    Some(Touch::Nothing) => true,
                    // Without findings, there were no choices to make again.
                    Some(Touch::Offers) => outcome.kept.is_empty() && outcome.omitted.is_empty(),
                    Some(Touch::Findings) | None => false,
                }
            });
            if !untouched {
                let outcome = run(out);
                if interrupt.is_raised() {
                    // Cut short: not kept, so that the next run runs it again.
                    *slot = None;
                    out.take(&rule.id, outcome, &mut not_evaluated);
                    continue;
                }
                let before = slot.replace(outcome);
                if let (Some(delta), Some(now)) = (delta.as_mut(), slot.as_ref()) {
                    delta.record(before, now);
                }
            }
            let Some(outcome) = slot.as_ref() else {
                continue;
            };
            match delta {
                Some(delta) => delta.kept += outcome.kept.len(),
                None => out.take(&rule.id, outcome.clone(), &mut not_evaluated),
            }
        }
        if let Some(cache) = cache {
            cache.changed = Some(Vec::new());
            if let Some(delta) = &mut cache.delta {
                delta.ran = true;
            }
        }
        not_evaluated
    }

    /// Runs one rule over the document (each item of its `each` lists whose guard
    /// holds): its findings rendered up to `room`, the severities of the rest, and
    /// why it could not decide.
    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        rule: &CompiledRule,
        cx: &RunCx<'_>,
        script_inputs: &ScriptInputs<'_, '_>,
        as_of: Option<Date>,
        locale: Locale,
        interrupt: &Interrupt,
        room: usize,
    ) -> RuleOutcome {
        let mut findings = Vec::new();
        let lists: Option<&[Pointer]> = rule.each.as_ref().map(|each| {
            each.iter()
                .find(|(k, _)| *k == cx.kind)
                .map_or(&[][..], |(_, lists)| lists.as_slice())
        });
        let mut run_on = |cx: &RunCx<'_>, index: Option<usize>| match &rule.body {
            Body::Native(check) => check.run(cx, &mut findings),
            Body::Script(script) => {
                // Not started without the facts it cannot decide without.
                if let Some(name) = rule.needs_facts.iter().find(|name| !cx.facts.has(name)) {
                    return Err(Unevaluable::facts_missing(name));
                }
                self.run_script(script, cx, index, script_inputs, as_of, &mut findings)
            }
        };
        let outcome = match lists {
            None => run_once(rule.guard.as_ref(), cx, |cx| run_on(cx, None)),
            Some(lists) => lists.iter().try_for_each(|list| {
                for_each_item(list, rule.guard.as_ref(), cx, |cx, i| {
                    if interrupt.is_raised() {
                        return Ok(());
                    }
                    run_on(cx, Some(i))
                })
            }),
        };
        let mut findings = findings.into_iter();
        RuleOutcome {
            kept: findings
                .by_ref()
                .take(room)
                .map(|f| render(rule, f, as_of, locale))
                .collect(),
            omitted: findings
                .map(|rest| {
                    rest.severity
                        .unwrap_or_else(|| rule.severity_on(as_of, &rest.path))
                })
                .collect(),
            not_evaluated: outcome
                .err()
                .map(|why| NotEvaluated::new(&rule.id, &rule.pack, why)),
        }
    }

    /// Runs a script once, on the document or (with `index`) on the item `cx` is on.
    fn run_script(
        &self,
        script: &CompiledScript,
        cx: &RunCx<'_>,
        index: Option<usize>,
        inputs: &ScriptInputs<'_, '_>,
        as_of: Option<Date>,
        out: &mut Vec<Finding>,
    ) -> Result<(), Unevaluable> {
        let Some(engine) = &self.scripts else {
            return Err(Unevaluable::new(
                ReasonCode::ScriptFailed,
                "internal error: no script engine",
            ));
        };
        if script.reads_catalogue {
            let table = cx.catalogue()?;
            let bound = self.editions.newest_carried().map(|c| c.as_ref());
            if !bound.is_some_and(|bound| std::ptr::eq(bound, table)) {
                return Err(Unevaluable::new(
                    ReasonCode::CatalogueNotCarried,
                    format!(
                        "scripts read only the newest carried catalogue edition, not 《{}》 \
                         in force on the legal date",
                        table.edition().title_zh
                    ),
                ));
            }
        }
        let (doc, facts) = inputs.get();
        let base = match (index, cx.item) {
            (Some(_), Some((_, at))) => at.pointer_to(""),
            _ => String::new(),
        };
        // A view into the document converted once per check, not a copy.
        let item = match index {
            None => None,
            Some(index) => match ScriptEngine::pointer(doc, &base) {
                Some(view) => Some((index, view)),
                None => return Ok(()),
            },
        };
        let input = ScriptInput {
            document: doc,
            facts,
            item: item.as_ref().map(|(index, view)| (*index, view)),
            params: &self.script_params,
            as_of,
        };
        let findings = engine.run(script, &input).map_err(|e| {
            let code = match e {
                ScriptError::Limit { .. } => ReasonCode::ScriptLimit,
                ScriptError::FactsMissing { .. } => ReasonCode::FactsMissing,
                ScriptError::Unavailable => ReasonCode::ScriptUnavailable,
                _ => ReasonCode::ScriptFailed,
            };
            Unevaluable::new(code, e.to_string())
        })?;
        // A finding's pointers are absolute, or relative to the item it was found on.
        let resolve = |path: String| {
            if path.starts_with('/') || base.is_empty() && path.is_empty() {
                path
            } else if path.is_empty() {
                base.to_owned()
            } else {
                format!("{base}/{path}")
            }
        };
        out.extend(findings.into_iter().map(|f| {
            let mut offered = f.guidance;
            let ops = offered
                .fix
                .iter_mut()
                .chain(offered.choices.iter_mut().flat_map(|c| c.patch.iter_mut()));
            for op in ops {
                op.rebase(resolve);
            }
            Finding {
                path: resolve(f.path),
                params: f.params,
                severity: None,
                offered,
            }
        }));
        Ok(())
    }
}

/// What one rule found on one document, kept for a session to reuse while nothing
/// it reads changes.
#[derive(Debug, Clone, Default)]
pub struct RuleOutcome {
    /// Its findings, rendered, within its room.
    pub kept: Vec<Violation>,
    /// The severities of the findings left out.
    pub omitted: Vec<Severity>,
    /// Why it could not decide.
    pub not_evaluated: Option<NotEvaluated>,
}

impl Findings {
    /// Takes a rule's outcome: its findings kept, the rest counted, and why it
    /// could not decide.
    fn take(&mut self, rule: &str, outcome: RuleOutcome, not_evaluated: &mut Vec<NotEvaluated>) {
        self.extend(outcome.kept);
        for severity in outcome.omitted {
            self.omit(rule, severity);
        }
        not_evaluated.extend(outcome.not_evaluated);
    }
}

/// What every rule found on a document, by rule, valid for one chain, kind, stage,
/// legal date and locale; a session says what changed since (`changed`: the edited
/// pointers, as tokens) and only the rules reading those run again.
#[derive(Debug, Clone, Default)]
pub struct RuleCache {
    key: Option<CacheKey>,
    outcomes: Vec<Option<RuleOutcome>>,
    /// Which rules apply, by index (the key decides it).
    applies: Vec<bool>,
    /// The pointers edited since the last run (`None`: anything may have).
    pub changed: Option<Vec<Vec<String>>>,
    /// How edits of these pointers touch each rule, by index.
    touched: Option<(Vec<Vec<String>>, Vec<Touch>)>,
    /// Set by a session before a run: what the rules run again gain and lose is
    /// recorded here, and the run gives no rule's findings to its `out`.
    pub delta: Option<Delta>,
}

impl RuleCache {
    /// The findings every rule keeps.
    pub fn kept(&self) -> impl Iterator<Item = &Violation> {
        self.outcomes.iter().flatten().flat_map(|o| o.kept.iter())
    }

    /// Forgets every outcome, giving back the findings they kept.
    pub fn clear(&mut self) -> Vec<Violation> {
        let kept = self.outcomes.drain(..).flatten().flat_map(|o| o.kept);
        let kept = kept.collect();
        *self = RuleCache::default();
        kept
    }
}

/// How an edit touches a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Touch {
    /// It reads nothing edited.
    Nothing,
    /// It reads what was edited only to make the choices its findings offer.
    Offers,
    /// It reads what was edited.
    Findings,
}

/// What the rules run again gained and lost (multisets: the same finding twice is
/// two).
#[derive(Debug, Clone, Default)]
pub struct Delta {
    /// Findings they have now and had not.
    pub added: Vec<Violation>,
    /// Findings they had and have no more.
    pub removed: Vec<Violation>,
    /// The findings every rule keeps now, run again or not.
    pub kept: usize,
    /// Whether the rules ran: not when the document has no kind, form or pack in
    /// force to run them on.
    pub ran: bool,
}

impl Delta {
    fn record(&mut self, before: Option<RuleOutcome>, now: &RuleOutcome) {
        let before = before.map(|b| b.kept).unwrap_or_default();
        let change = Violation::changes(before, &now.kept);
        self.added.extend(change.added);
        self.removed.extend(change.removed);
    }
}

/// What decides which rules apply and how they read.
#[derive(Debug, Clone, PartialEq)]
struct CacheKey {
    chain: usize,
    kind: crate::model::DocumentKind,
    stage: Option<String>,
    as_of: Option<Date>,
    locale: Locale,
}

/// Runs `f` on the document when the guard holds.
fn run_once<'a>(
    guard: Option<&Guard>,
    cx: &RunCx<'a>,
    f: impl FnOnce(&RunCx<'a>) -> Result<(), Unevaluable>,
) -> Result<(), Unevaluable> {
    if guard.is_none_or(|g| g.holds(cx)) {
        f(cx)
    } else {
        Ok(())
    }
}

/// Runs `f` on each record of the list at `pointer` whose guard holds, with the
/// item's context and index — or once, as item 0, on the record `pointer` names
/// (`""`, the document).
/// Every rule's `each`, native or script, is iterated here.
fn for_each_item(
    pointer: &Pointer,
    guard: Option<&Guard>,
    cx: &RunCx<'_>,
    mut f: impl FnMut(&RunCx<'_>, usize) -> Result<(), Unevaluable>,
) -> Result<(), Unevaluable> {
    let list = match pointer.resolve(cx.root) {
        Node::List(list) => list,
        record @ Node::Record(_) => {
            let item_cx = RunCx {
                item: Some((record, ItemPath::of(pointer.as_str()))),
                ..*cx
            };
            return run_once(guard, &item_cx, |cx| f(cx, 0));
        }
        _ => return Ok(()),
    };
    for index in 0..list.len() {
        let item = list.item(index);
        if !matches!(item, Node::Record(_)) {
            continue;
        }
        let item_cx = RunCx {
            item: Some((item, ItemPath::in_list(pointer.as_str(), index))),
            ..*cx
        };
        run_once(guard, &item_cx, |cx| f(cx, index))?;
    }
    Ok(())
}

/// Runs a native check once, or over the items of `each` (a kind's tests use it).
#[cfg(test)]
pub(crate) fn run_native(
    check: &dyn Check,
    each: Option<&Pointer>,
    guard: Option<&Guard>,
    cx: &RunCx<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), Unevaluable> {
    match each {
        None => run_once(guard, cx, |cx| check.run(cx, out)),
        Some(pointer) => for_each_item(pointer, guard, cx, |cx, _| check.run(cx, out)),
    }
}
