//! A document being filled in (issue 21): each edit re-runs only the rules that
//! read what it changed, and the report is exactly the one a full check of the
//! document as it now stands gives (a property test holds it to that).

use super::{CheckOptions, Checker, PreparedFacts};
use crate::engine::chain::run::{Delta, RuleCache};
use crate::json::Json;
use crate::json::pointer;
use crate::report::{PatchOp, Report, Violation};
use serde_json::Value;
use std::cell::{OnceCell, RefCell};

/// Why an edit could not be made; the document is then unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The pointer is not an RFC 6901 JSON Pointer.
    #[error("`{0}` is not a JSON Pointer")]
    NotAPointer(String),
    /// The object or list that would hold the value is not in the document.
    #[error("nothing at `{0}` to hold the value: add its parent first")]
    NoParent(String),
    /// A list index past the end (or not a number), or nothing to remove.
    #[error("`{0}` names no member or item of the document")]
    NoSuchPlace(String),
}

impl EditError {
    /// A stable code, as the facade answers it.
    pub fn code(&self) -> &'static str {
        match self {
            EditError::NotAPointer(_) => "edit.not_a_pointer",
            EditError::NoParent(_) => "edit.no_parent",
            EditError::NoSuchPlace(_) => "edit.no_such_place",
        }
    }
}

/// What an edit changed in the report.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Change {
    /// Violations the edit brought.
    pub added: Vec<Violation>,
    /// Violations it resolved.
    pub removed: Vec<Violation>,
}

/// A document checked again after each edit.
///
/// An edit runs only the rules reading what it changed, and answers the change
/// from their findings and the structural ones; the report is put together when
/// asked for. Only when findings may have been left out beyond the report's total
/// limit is the report rebuilt to answer an edit.
#[derive(Debug)]
pub struct Session {
    checker: Checker,
    document: Value,
    facts: Option<PreparedFacts<'static>>,
    options: CheckOptions,
    cache: RefCell<RuleCache>,
    /// The structural findings on the document as it stands.
    structural: Vec<Violation>,
    /// The report's violations, in no order.
    violations: Vec<Violation>,
    /// Whether the report left findings out.
    truncated: bool,
    report: OnceCell<Report>,
}

impl Session {
    /// Starts a session on `document` with the host's `facts` (checked once now).
    pub fn new(
        checker: &Checker,
        document: Value,
        facts: Option<Value>,
        options: CheckOptions,
    ) -> Session {
        let mut session = Session {
            checker: checker.clone(),
            document,
            facts: facts.map(PreparedFacts::new),
            options,
            cache: RefCell::default(),
            structural: Vec::new(),
            violations: Vec::new(),
            truncated: false,
            report: OnceCell::new(),
        };
        session.recheck(Vec::new());
        session
    }

    /// The report on the document as it stands.
    pub fn report(&self) -> &Report {
        self.report.get_or_init(|| self.full_report())
    }

    /// The document as it stands.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Puts `value` at `pointer` (a new member is added; `-` appends to a list;
    /// an index inserts as JSON Patch `add` does only with [`Session::apply`] —
    /// here it replaces), or removes what is there when `value` is `None`; then
    /// checks again. Returns the violations added and removed.
    pub fn set(&mut self, pointer: &str, value: Option<Value>) -> Result<Change, EditError> {
        let tokens = edit(&mut self.document, pointer, value, false)?;
        Ok(self.recheck(vec![tokens]))
    }

    /// Applies a JSON Patch (a fix, a choice's patch) as one edit: all of it or,
    /// on an error, none of it.
    pub fn apply(&mut self, patch: &[PatchOp]) -> Result<Change, EditError> {
        let mut document = self.document.clone();
        let mut changed = Vec::with_capacity(patch.len());
        for op in patch {
            changed.push(match op {
                PatchOp::Add { path, value } => {
                    edit(&mut document, path, Some(value.clone()), true)?
                }
                PatchOp::Replace { path, value } => {
                    if document.pointer(path).is_none() {
                        return Err(EditError::NoSuchPlace(path.clone()));
                    }
                    edit(&mut document, path, Some(value.clone()), false)?
                }
                PatchOp::Remove { path } => edit(&mut document, path, None, false)?,
            });
        }
        self.document = document;
        Ok(self.recheck(changed))
    }

    /// Checks again after the pointers `changed` were edited: the structural
    /// checks, and the rules reading what changed.
    fn recheck(&mut self, changed: Vec<Vec<String>>) -> Change {
        self.report = OnceCell::new();
        let cache = self.cache.get_mut();
        cache.changed = cache.changed.take().map(|mut all| {
            all.extend(changed);
            all
        });
        cache.delta = Some(Delta::default());
        // With a delta, the report holds only the structural findings.
        let structural = self.check(&mut self.cache.borrow_mut()).violations;
        let cache = self.cache.get_mut();
        let delta = cache.delta.take().unwrap_or_default();
        let (rules_added, rules_removed) = if delta.ran {
            (delta.added, delta.removed)
        } else {
            // No rule ran (no kind, form or pack in force): their findings are gone.
            (Vec::new(), cache.clear())
        };
        let interrupted = self.options.interrupt.is_raised();
        if interrupted {
            cache.clear();
        }
        let found = structural.len() + delta.kept;
        let mut change = diff(&self.structural, &structural);
        self.structural = structural;
        if self.truncated || interrupted || found > self.options.limits.total {
            // The report may leave findings out: only it can say which it shows.
            let report = self.full_report();
            let change = diff(&self.violations, &report.violations);
            self.violations = report.violations.clone();
            self.truncated = report.omitted.is_some() || interrupted;
            self.report = OnceCell::from(report);
            return change;
        }
        change.added.extend(rules_added);
        change.removed.extend(rules_removed);
        // A finding both gone and come (every rule ran again): no change.
        let change = diff(&change.removed, &change.added);
        for gone in &change.removed {
            if let Some(at) = self.violations.iter().position(|v| v == gone) {
                self.violations.swap_remove(at);
            }
        }
        self.violations.extend(change.added.iter().cloned());
        change
    }

    /// The report, every rule's findings taken from the cache.
    fn full_report(&self) -> Report {
        self.check(&mut self.cache.borrow_mut())
            .capped(self.options.limits)
    }

    /// The document checked, the rules' outcomes kept in `cache`.
    fn check(&self, cache: &mut RuleCache) -> Report {
        self.checker.check_document_cached(
            &Json::from(&self.document),
            &[],
            self.facts.as_ref(),
            &[],
            &self.options,
            Some(cache),
        )
    }
}

/// `document` with `patch` applied (RFC 6902 `add`, `replace`, `remove`), or the
/// first operation that cannot be.
pub(crate) fn patched(document: &Value, patch: &[PatchOp]) -> Result<Value, EditError> {
    let mut out = document.clone();
    for op in patch {
        match op {
            PatchOp::Add { path, value } => edit(&mut out, path, Some(value.clone()), true)?,
            PatchOp::Replace { path, value } => {
                if out.pointer(path).is_none() {
                    return Err(EditError::NoSuchPlace(path.clone()));
                }
                edit(&mut out, path, Some(value.clone()), false)?
            }
            PatchOp::Remove { path } => edit(&mut out, path, None, false)?,
        };
    }
    Ok(out)
}

/// Sets (or, with `None`, removes) the value at `pointer` in `document`; with
/// `insert`, an index inserts before the item there (JSON Patch `add`). Returns the
/// pointer's tokens.
fn edit(
    document: &mut Value,
    pointer: &str,
    value: Option<Value>,
    insert: bool,
) -> Result<Vec<String>, EditError> {
    let tokens: Vec<String> = pointer::tokens(pointer)
        .ok_or_else(|| EditError::NotAPointer(pointer.to_owned()))?
        .map(|t| t.into_owned())
        .collect();
    let Some((last, parents)) = tokens.split_last() else {
        // The whole document.
        *document = value.unwrap_or(Value::Null);
        return Ok(tokens);
    };
    let mut parent = &mut *document;
    for token in parents {
        parent = match parent {
            Value::Object(members) => members.get_mut(token.as_str()),
            Value::Array(items) => pointer::index(token).and_then(|i| items.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| EditError::NoParent(pointer.to_owned()))?;
    }
    let nowhere = || EditError::NoSuchPlace(pointer.to_owned());
    match (parent, value) {
        (Value::Object(members), Some(value)) => {
            members.insert(last.clone(), value);
        }
        (Value::Object(members), None) => {
            members.remove(last.as_str()).ok_or_else(nowhere)?;
        }
        (Value::Array(items), Some(value)) if last == "-" => items.push(value),
        (Value::Array(items), value) => {
            let index = pointer::index(last).ok_or_else(nowhere)?;
            match value {
                Some(value) if insert && index <= items.len() => items.insert(index, value),
                Some(value) => *items.get_mut(index).ok_or_else(nowhere)? = value,
                None if index < items.len() => {
                    items.remove(index);
                }
                None => return Err(nowhere()),
            }
        }
        _ => return Err(EditError::NoParent(pointer.to_owned())),
    }
    Ok(tokens)
}

/// The violations `after` has that `before` has not, and the reverse, counted as
/// multisets (the same finding twice is two).
fn diff(before: &[Violation], after: &[Violation]) -> Change {
    let mut removed: Vec<&Violation> = before.iter().collect();
    let mut added = Vec::new();
    for violation in after {
        match removed.iter().position(|v| *v == violation) {
            Some(at) => {
                removed.swap_remove(at);
            }
            None => added.push(violation.clone()),
        }
    }
    Change {
        added,
        removed: removed.into_iter().cloned().collect(),
    }
}

impl Checker {
    /// A [`Session`] on `document`, for a form checking as its user types.
    pub fn session(&self, document: Value, facts: Option<Value>, options: CheckOptions) -> Session {
        Session::new(self, document, facts, options)
    }
}
