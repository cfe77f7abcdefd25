//! What a script returns, read as findings: `()` or `false` for none, a finding
//! map `#{path, params}` (with, optionally, `fix`, `choices` and `hint`: how to make
//! it right, as a declarative rule's `[fix]` gives them), or an array of them.

use super::ScriptFinding;
use super::error::ScriptError;
use super::values::*;
use crate::sorting;
use rhai::{Dynamic, ImmutableString};

/// Reads what a script evaluated to.
pub(crate) fn findings(value: &Dynamic) -> Result<Vec<ScriptFinding>, ScriptError> {
    if value.is_unit() || value.as_bool() == Ok(false) {
        return Ok(Vec::new());
    }
    if let Some(map) = fields(value) {
        return finding(&map).map(|f| vec![f]);
    }
    if let Some(items) = elements(value) {
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| match fields(item) {
                Some(map) => finding(&map),
                None => Err(ScriptError::BadResult {
                    message: format!(
                        "an array whose element {i} is {}; expected finding maps #{{path, params}}",
                        describe(item)
                    ),
                }),
            })
            .collect();
    }
    Err(ScriptError::BadResult {
        message: format!(
            "{}; expected (), false, a finding #{{path, params}} or an array of findings",
            describe(value)
        ),
    })
}

pub(crate) fn finding(map: &[(ImmutableString, Dynamic)]) -> Result<ScriptFinding, ScriptError> {
    let bad = |message: String| ScriptError::BadResult { message };
    if let Some((key, _)) = map
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), "path" | "params" | "fix" | "choices" | "hint"))
    {
        return Err(bad(format!(
            "a finding with an unknown key `{key}` (a finding has `path`, `params`, and optionally `fix`, `choices` and `hint`)"
        )));
    }
    let get = |name: &str| map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v);
    let path = match get("path") {
        None => String::new(),
        Some(p) if p.is_unit() => String::new(),
        Some(p) => match p.read_lock::<ImmutableString>() {
            Some(s) => s.to_string(),
            None => return Err(bad(format!("a finding whose path is {}", describe(p)))),
        },
    };
    if !crate::json::pointer::is_valid(&path) {
        return Err(bad(format!(
            "a finding whose path `{path}` is not a JSON Pointer (`/wastes/0/code`, or `quantity/value` relative to the item)"
        )));
    }
    let params = match get("params") {
        None => serde_json::Map::new(),
        Some(p) if p.is_unit() => serde_json::Map::new(),
        Some(p) => match fields(p) {
            Some(fields) => sorting::try_map_from(fields.iter().map(|(k, v)| {
                to_json(v, 0)
                    .map(|json| (k.to_string(), json))
                    .map_err(|what| bad(format!("a finding whose param `{k}` {what}")))
            }))?,
            None => return Err(bad(format!("a finding whose params are {}", describe(p)))),
        },
    };
    Ok(ScriptFinding {
        path,
        params,
        guidance: crate::report::Guidance {
            fix: read(
                get("fix"),
                "fix",
                "an array of JSON Patch operations #{op, path, value}",
            )?
            .unwrap_or_default(),
            choices: read(
                get("choices"),
                "choices",
                "an array of #{value, label: #{\"zh-CN\", en}, patch}",
            )?
            .unwrap_or_default(),
            hint: read(get("hint"), "hint", "a map #{\"zh-CN\", en}")?,
        },
    })
}

/// Reads an optional member of a finding through its JSON form.
fn read<T: serde::de::DeserializeOwned>(
    value: Option<&Dynamic>,
    name: &str,
    expected: &str,
) -> Result<Option<T>, ScriptError> {
    let Some(value) = value.filter(|v| !v.is_unit()) else {
        return Ok(None);
    };
    let bad = |what: String| ScriptError::BadResult {
        message: format!("a finding whose `{name}` {what}; expected {expected}"),
    };
    let json = to_json(value, 0).map_err(bad)?;
    serde_json::from_value(json)
        .map(Some)
        .map_err(|e| bad(format!("is not valid ({e})")))
}
