//! A document being filled in (issue 21): each edit re-runs only the rules that
//! read what it changed, and the report is exactly the one a full check of the
//! document as it now stands gives (a property test holds it to that).

use super::{CheckOptions, Checker, Kept, PreparedFacts};
use crate::engine::chain::run::{Delta, RuleCache};
use crate::json::Json;
use crate::json::pointer;
use crate::model::Decoding;
pub use crate::report::Change;
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
    /// The document as the checks read it, kept in step with `document` edit by
    /// edit: only the object or list an edit changed is converted again.
    json: Json<'static>,
    facts: Option<PreparedFacts<'static>>,
    options: CheckOptions,
    cache: RefCell<RuleCache>,
    decoding: RefCell<Decoding>,
    /// The structural findings on the document as it stands.
    structural: Vec<Violation>,
    /// Whether the report left findings out.
    truncated: bool,
    /// Then the report's violations, in no order (else they are the structural
    /// ones and the rules' in the cache).
    violations: Vec<Violation>,
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
            json: Json::from(&document).into_owned(),
            document,
            facts: facts.map(PreparedFacts::new),
            options,
            cache: RefCell::default(),
            decoding: RefCell::default(),
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
        let changed = vec![tokens];
        self.edited(&changed);
        Ok(self.recheck(changed))
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
        self.edited(&changed);
        Ok(self.recheck(changed))
    }

    /// Brings `json` in step with `document` after edits at `changed` (as tokens):
    /// the object or list holding each edited place converted again, outermost
    /// first, or the whole document when one is no longer there; and tells the
    /// decoding what to decode again.
    fn edited(&mut self, changed: &[Vec<String>]) {
        match changed {
            [one] => self.decoding.get_mut().edited(one),
            _ => self.decoding.get_mut().edited_many(),
        }
        let mut parents: Vec<&[String]> = changed
            .iter()
            .map(|tokens| tokens.split_last().map_or(&[][..], |(_, parent)| parent))
            .collect();
        crate::sorting::sort_by_key(&mut parents, |parent| parent.len());
        for parent in parents {
            let value = parent
                .iter()
                .try_fold(&self.document, |at, token| match at {
                    Value::Object(members) => members.get(token.as_str()),
                    Value::Array(items) => items.get(pointer::index(token)?),
                    _ => None,
                });
            match (value, self.json.at_mut(parent)) {
                (Some(value), Some(json)) => *json = Json::from(value).into_owned(),
                _ => {
                    self.json = Json::from(&self.document).into_owned();
                    return;
                }
            }
        }
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
        let structural = self.check().violations;
        let cache = self.cache.get_mut();
        let delta = cache.delta.take().unwrap_or_default();
        let (rules_added, rules_removed) = if delta.ran {
            (delta.added, delta.removed)
        } else {
            // No rule ran (no kind, form or pack in force): their findings are gone.
            (Vec::new(), cache.clear())
        };
        let interrupted = self.options.interrupt.is_raised();
        let found = structural.len() + delta.kept;
        let before = std::mem::replace(&mut self.structural, structural);
        if self.truncated || interrupted || found > self.options.limits.total {
            // The report may leave findings out: only it can say which it shows.
            let before = if self.truncated {
                std::mem::take(&mut self.violations)
            } else {
                // The last report: its structural findings and the rules' then.
                let mut then: Vec<Violation> = cache.kept().cloned().collect();
                for added in &rules_added {
                    if let Some(at) = then.iter().position(|v| v == added) {
                        then.swap_remove(at);
                    }
                }
                then.extend(rules_removed);
                then.extend(before);
                then
            };
            if interrupted {
                cache.clear();
            }
            let report = self.full_report();
            let change = Violation::changes(before, &report.violations);
            self.truncated = report.omitted.is_some() || interrupted;
            if self.truncated {
                self.violations = report.violations.clone();
            }
            self.report = OnceCell::from(report);
            return change;
        }
        let mut change = Violation::changes(before, &self.structural);
        // A finding both gone and come (every rule ran again) is no change.
        change.merge(Change {
            added: rules_added,
            removed: rules_removed,
        });
        change
    }

    /// The report, every rule's findings taken from the cache.
    fn full_report(&self) -> Report {
        self.check().capped(self.options.limits)
    }

    /// The document checked, what the checks keep kept.
    fn check(&self) -> Report {
        let (mut rules, mut decoding) = (self.cache.borrow_mut(), self.decoding.borrow_mut());
        self.checker.check_document_cached(
            &self.json,
            &[],
            self.facts.as_ref(),
            &[],
            &self.options,
            Some(Kept {
                rules: &mut rules,
                decoding: &mut decoding,
            }),
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

impl Checker {
    /// A [`Session`] on `document`, for a form checking as its user types.
    pub fn session(&self, document: Value, facts: Option<Value>, options: CheckOptions) -> Session {
        Session::new(self, document, facts, options)
    }
}
