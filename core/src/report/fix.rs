//! How to make a finding right (issue 21): a JSON Patch that resolves it when one
//! value does, the lawful candidates when several would, and a short hint.

use crate::locale::Bilingual;
use schemars::JsonSchema;
use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::fmt;

/// One operation of a JSON Patch (RFC 6902), on the submitted document.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
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

/// Read member by member and then matched on `op`, rather than as serde's
/// internally tagged enum: that buffers the object and reads it again, and was the
/// largest function of the browser's first module (16 KB). An operation is an
/// object: a list is refused, as is a member given twice.
impl<'de> Deserialize<'de> for PatchOp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OpVisitor)
    }
}

struct OpVisitor;

impl<'de> Visitor<'de> for OpVisitor {
    type Value = PatchOp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON Patch operation: an object with `op` and `path`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PatchOp, A::Error> {
        const MEMBERS: &[&str] = &["op", "path", "value"];
        fn once<T, E: serde::de::Error>(
            slot: &mut Option<T>,
            name: &'static str,
            value: T,
        ) -> Result<(), E> {
            match slot.replace(value) {
                Some(_) => Err(E::duplicate_field(name)),
                None => Ok(()),
            }
        }
        let (mut op, mut path, mut value) = (None::<String>, None::<String>, None::<Value>);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "op" => once(&mut op, "op", map.next_value()?)?,
                "path" => once(&mut path, "path", map.next_value()?)?,
                "value" => once(&mut value, "value", map.next_value()?)?,
                other => return Err(A::Error::unknown_field(other, MEMBERS)),
            }
        }
        let op = op.ok_or_else(|| A::Error::missing_field("op"))?;
        let path = path.ok_or_else(|| A::Error::missing_field("path"))?;
        match (op.as_str(), value) {
            ("add", Some(value)) => Ok(PatchOp::Add { path, value }),
            ("replace", Some(value)) => Ok(PatchOp::Replace { path, value }),
            ("remove", None) => Ok(PatchOp::Remove { path }),
            ("add" | "replace", None) => Err(A::Error::missing_field("value")),
            ("remove", Some(_)) => Err(A::Error::unknown_field("value", &["op", "path"])),
            (other, _) => Err(A::Error::unknown_variant(
                other,
                &["add", "replace", "remove"],
            )),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::PatchOp;
    use serde_json::json;

    fn read(value: serde_json::Value) -> Result<PatchOp, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn every_operation_reads_back_what_it_writes() {
        for op in [
            PatchOp::add("/wastes/-", json!({"code": "900-041-49"})),
            PatchOp::add("/note", serde_json::Value::Null),
            PatchOp::replace("/stage", "confirmed"),
            PatchOp::Remove {
                path: "/note".into(),
            },
        ] {
            assert_eq!(read(serde_json::to_value(&op).unwrap()), Ok(op));
        }
    }

    #[test]
    fn a_malformed_operation_is_refused_with_its_reason() {
        let refused = |value| read(value).unwrap_err();
        assert!(refused(json!({"op": "add", "path": "/a"})).contains("missing field `value`"));
        assert!(
            refused(json!({"op": "remove", "path": "/a", "value": 1}))
                .contains("unknown field `value`")
        );
        assert!(
            refused(json!({"op": "move", "path": "/a", "from": "/b"}))
                .contains("unknown field `from`")
        );
        assert!(
            serde_json::from_str::<PatchOp>(
                r#"{"op": "add", "path": "/a", "path": "/b", "value": 1}"#
            )
            .unwrap_err()
            .to_string()
            .contains("duplicate field `path`")
        );
        assert!(refused(json!({"op": "move", "path": "/a"})).contains("unknown variant `move`"));
        assert!(refused(json!({"path": "/a", "value": 1})).contains("missing field `op`"));
        assert!(refused(json!({"op": "add", "value": 1})).contains("missing field `path`"));
        assert!(
            refused(json!({"op": "add", "path": "/a", "value": 1, "extra": 2}))
                .contains("unknown field `extra`")
        );
        assert!(refused(json!(["add", "/a"])).contains("invalid type"));
    }
}
