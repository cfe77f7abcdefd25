//! How to make a finding right (issue 21): a JSON Patch that resolves it when one
//! value does, the lawful candidates when several would, and a short hint.

use crate::locale::Bilingual;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One operation of a JSON Patch (RFC 6902), on the submitted document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum PatchOp {
    /// Adds a member, or inserts into a list (`…/-` appends).
    Add {
        /// RFC 6901 JSON Pointer.
        path: String,
        /// The value added.
        value: Value,
    },
    /// Replaces the value at `path`, which must exist.
    Replace {
        /// RFC 6901 JSON Pointer.
        path: String,
        /// The new value.
        value: Value,
    },
    /// Removes the value at `path`.
    Remove {
        /// RFC 6901 JSON Pointer.
        path: String,
    },
}

impl PatchOp {
    /// `replace` at `path`.
    pub fn replace(path: impl Into<String>, value: impl Into<Value>) -> Self {
        PatchOp::Replace {
            path: path.into(),
            value: value.into(),
        }
    }

    /// `add` at `path`.
    pub fn add(path: impl Into<String>, value: impl Into<Value>) -> Self {
        PatchOp::Add {
            path: path.into(),
            value: value.into(),
        }
    }

    /// Its pointer made absolute by `resolve` (a script's, relative to an item).
    pub(crate) fn rebase(&mut self, resolve: impl Fn(String) -> String) {
        let path = match self {
            PatchOp::Add { path, .. }
            | PatchOp::Replace { path, .. }
            | PatchOp::Remove { path } => path,
        };
        *path = resolve(std::mem::take(path));
    }

    /// The pointer the operation writes to.
    pub fn path(&self) -> &str {
        match self {
            PatchOp::Add { path, .. }
            | PatchOp::Replace { path, .. }
            | PatchOp::Remove { path } => path,
        }
    }
}

/// A candidate value when more than one would resolve a finding (or be lawful in a
/// field): the value, its label in both locales, and the patch that puts it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Choice {
    /// The value itself (a code, a plate, a receiver's credit code…).
    pub value: Value,
    /// What a form shows for it.
    pub label: Bilingual,
    /// The JSON Patch that applies it to the document.
    pub patch: Vec<PatchOp>,
}

impl Choice {
    /// A value put at `path` with `replace` (or `add` when `add` is set), labelled.
    pub fn at(path: &str, value: Value, label: Bilingual, add: bool) -> Self {
        let op = if add {
            PatchOp::add(path, value.clone())
        } else {
            PatchOp::replace(path, value.clone())
        };
        Choice {
            value,
            label,
            patch: vec![op],
        }
    }
}

/// What a check knows about making a finding right, before it is rendered: a
/// single patch, candidates, a hint in both locales. Empty for most findings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Guidance {
    /// Operations that resolve the finding (one value does).
    pub fix: Vec<PatchOp>,
    /// Candidates, when several values would do.
    pub choices: Vec<Choice>,
    /// A short hint.
    pub hint: Option<Bilingual>,
}

impl Guidance {
    /// A single patch.
    pub fn patch(ops: Vec<PatchOp>) -> Self {
        Guidance {
            fix: ops,
            ..Guidance::default()
        }
    }

    /// Candidates: one is a fix, several are choices, none is nothing.
    pub fn candidates(mut choices: Vec<Choice>) -> Self {
        if choices.len() == 1 {
            let only = choices.pop().map(|c| c.patch).unwrap_or_default();
            Guidance::patch(only)
        } else {
            Guidance {
                choices,
                ..Guidance::default()
            }
        }
    }

    /// With a hint.
    pub fn with_hint(mut self, hint: Bilingual) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Nothing to offer.
    pub fn is_empty(&self) -> bool {
        self.fix.is_empty() && self.choices.is_empty() && self.hint.is_none()
    }
}
