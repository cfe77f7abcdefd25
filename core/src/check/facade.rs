//! The JSON facade: a request in JSON, a report in JSON. The command line, the
//! browser package and the raw-ABI module all sit on this, so they stay thin and
//! give byte-identical reports.

use super::{CheckOptions, Checker};
use crate::locale::Locale;
use crate::model::{Date, DocumentKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A check request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The document.
    pub document: Value,
    /// The facts the host holds.
    #[serde(default)]
    pub facts: Option<Value>,
    /// `zh-CN` (default) or `en`.
    #[serde(default)]
    pub locale: Option<String>,
    /// `YYYY-MM-DD`; by default taken from the document.
    #[serde(default)]
    pub as_of: Option<String>,
    /// The kind to check as; by default the document's `kind`.
    #[serde(default)]
    pub kind: Option<String>,
}

/// A request the facade cannot serve (the document itself is never an error: its
/// problems are violations in the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct FacadeError {
    /// Stable code: `request.json`, `request.locale`, `request.as_of`, `request.kind`.
    pub code: &'static str,
    /// What is wrong, in English.
    pub message: String,
}

impl CheckRequest {
    /// The options the request asks for.
    pub fn options(&self) -> Result<CheckOptions, FacadeError> {
        let locale = match &self.locale {
            None => Locale::default(),
            Some(tag) => tag
                .parse()
                .map_err(|e: crate::locale::UnknownLocale| FacadeError {
                    code: "request.locale",
                    message: e.to_string(),
                })?,
        };
        let as_of = match &self.as_of {
            None => None,
            Some(text) => Some(text.parse::<Date>().map_err(|e| FacadeError {
                code: "request.as_of",
                message: e.to_string(),
            })?),
        };
        let kind = match &self.kind {
            None => None,
            Some(text) => Some(text.parse::<DocumentKind>().map_err(|e| FacadeError {
                code: "request.kind",
                message: e.to_string(),
            })?),
        };
        Ok(CheckOptions {
            locale,
            as_of,
            kind,
        })
    }
}

/// Checks the document of a JSON request and returns the report as JSON, or an
/// `{"error": {"code", "message"}}` object for a request that cannot be served.
pub fn check_json(checker: &Checker, request: &str) -> String {
    let result = serde_json::from_str::<CheckRequest>(request)
        .map_err(|e| FacadeError {
            code: "request.json",
            message: e.to_string(),
        })
        .and_then(|request| {
            let options = request.options()?;
            Ok(checker.check_value(&request.document, request.facts.as_ref(), &options))
        });
    let value = match result {
        Ok(report) => serde_json::to_value(report),
        Err(error) => serde_json::to_value(serde_json::json!({ "error": error })),
    };
    value.map_or_else(
        |_| {
            String::from(
                "{\"error\":{\"code\":\"internal\",\"message\":\"unserialisable report\"}}",
            )
        },
        |v| v.to_string(),
    )
}
