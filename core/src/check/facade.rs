//! The JSON facade: a request in JSON, a report in JSON. The command line, the
//! browser package and the raw-ABI module all sit on this, so they stay thin and
//! give byte-identical reports.

use super::{CheckOptions, Checker, Interrupt, PreparedFacts};
use crate::json::{self, Json};
use crate::locale::Locale;
use crate::model::{Date, DocumentKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
    /// Stable code: `request.json`, `request.locale`, `request.as_of`, `request.kind`,
    /// `check.interrupted`.
    pub code: &'static str,
    /// What is wrong, in English.
    pub message: String,
}

/// The keys a request's JSON text gave twice, by where they are.
#[derive(Debug, Default)]
pub(super) struct Duplicates {
    pub(super) document: Vec<String>,
    pub(super) facts: Vec<String>,
}

/// Parses a request: its document as [`Json`] (read once, never copied into a
/// `Value`), the rest as a [`CheckRequest`] (whose `document` is then `null`), and the
/// pointers of keys given twice in the document and facts (relative to them).
fn parse_request<'a>(
    text: &'a str,
    interrupt: &Interrupt,
) -> Result<(CheckRequest, Json<'a>, Duplicates), FacadeError> {
    let parsed = json::parse_with(text, interrupt).map_err(|e| invalid(e.to_string()))?;
    split_request(parsed.value, parsed.duplicate_keys)
}

fn invalid(message: String) -> FacadeError {
    FacadeError {
        code: "request.json",
        message,
    }
}

/// A parsed request taken apart as [`parse_request`] does; `duplicate_keys` are
/// the pointers of keys given twice in it, relative to the request.
pub(super) fn split_request(
    value: Json<'_>,
    duplicate_keys: Vec<String>,
) -> Result<(CheckRequest, Json<'_>, Duplicates), FacadeError> {
    let mut duplicates = Duplicates::default();
    for pointer in duplicate_keys {
        if let Some(inner) = pointer.strip_prefix("/document")
            && inner.starts_with('/')
        {
            duplicates.document.push(inner.to_owned());
        } else if let Some(inner) = pointer.strip_prefix("/facts")
            && inner.starts_with('/')
        {
            duplicates.facts.push(inner.to_owned());
        } else {
            return Err(invalid(format!("the key at {pointer} is given twice")));
        }
    }
    let Json::Object(members) = value else {
        return Err(invalid("a check request is a JSON object".into()));
    };
    let mut document = None;
    let mut rest = Map::new();
    for (key, value) in members {
        if key == "document" {
            document = Some(value);
        } else {
            rest.insert(key.into_owned(), value.to_value());
        }
    }
    let document = document.ok_or_else(|| invalid("missing field `document`".into()))?;
    rest.insert("document".into(), Value::Null);
    let request =
        serde_json::from_value(Value::Object(rest)).map_err(|e| invalid(e.to_string()))?;
    Ok((request, document, duplicates))
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
            ..CheckOptions::default()
        })
    }
}

/// Checks the document of a JSON request and returns the report as JSON, or an
/// `{"error": {"code", "message"}}` object for a request that cannot be served. A
/// key given twice inside the document (or the facts) is a violation at its pointer,
/// as with [`Checker::check_str`]; one given twice in the request itself is an error.
pub fn check_json(checker: &Checker, request: &str) -> String {
    check_json_with(checker, request, &Interrupt::default())
}

/// [`check_json`] that stops when the host raises `interrupt` (its client went
/// away, its deadline passed): then the answer is the error `check.interrupted`,
/// never a report of the rules that happened to run.
pub fn check_json_with(checker: &Checker, request: &str, interrupt: &Interrupt) -> String {
    let result = parse_request(request, interrupt).and_then(|(request, document, duplicates)| {
        let facts = request.facts.as_ref().map(PreparedFacts::borrowed);
        check_parsed(
            checker,
            &request,
            &document,
            &duplicates.document,
            facts.as_ref().map(|f| (f, duplicates.facts.as_slice())),
            interrupt,
        )
    });
    answer(interrupted(result, interrupt))
}

/// Checks a parsed request's document with `facts` (and the keys their text gave
/// twice): the capped report, or why the request cannot be served.
pub(super) fn check_parsed(
    checker: &Checker,
    request: &CheckRequest,
    document: &Json<'_>,
    document_duplicates: &[String],
    facts: Option<(&PreparedFacts<'_>, &[String])>,
    interrupt: &Interrupt,
) -> Result<crate::report::Report, FacadeError> {
    let mut options = request.options()?;
    options.interrupt = interrupt.clone();
    Ok(checker
        .check_document(
            document,
            document_duplicates,
            facts.map(|(f, _)| f),
            facts.map_or(&[][..], |(_, d)| d),
            &options,
        )
        .capped(options.limits))
}

/// Raised at any step — reading, checking — the answer is the interruption, not
/// what that step made of it.
pub(super) fn interrupted<T>(
    result: Result<T, FacadeError>,
    interrupt: &Interrupt,
) -> Result<T, FacadeError> {
    if interrupt.is_raised() {
        Err(FacadeError {
            code: "check.interrupted",
            message: "the check was interrupted (the client went away, or its deadline passed)"
                .into(),
        })
    } else {
        result
    }
}

/// A guidance request: a check request and, for `choices`, the field (`pointer`).
/// The answers of [`next_json`] and [`choices_json`], which every face serves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideRequest {
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
    /// The kind to read the document as; by default its `kind`.
    #[serde(default)]
    pub kind: Option<String>,
    /// For `choices`: the field, a JSON Pointer.
    #[serde(default)]
    pub pointer: Option<String>,
}

impl GuideRequest {
    fn parse(text: &str) -> Result<(GuideRequest, CheckOptions), FacadeError> {
        let request: GuideRequest = serde_json::from_str(text).map_err(|e| FacadeError {
            code: "request.json",
            message: e.to_string(),
        })?;
        let options = CheckRequest {
            document: Value::Null,
            facts: None,
            locale: request.locale.clone(),
            as_of: request.as_of.clone(),
            kind: request.kind.clone(),
        }
        .options()?;
        Ok((request, options))
    }
}

/// The answer as JSON, or `{"error": …}`.
pub(super) fn answer<T: Serialize>(result: Result<T, FacadeError>) -> String {
    match result {
        Ok(value) => serde_json::to_string(&value),
        Err(error) => serde_json::to_string(&serde_json::json!({ "error": error })),
    }
    .unwrap_or_else(|_| {
        String::from("{\"error\":{\"code\":\"internal\",\"message\":\"unserialisable answer\"}}")
    })
}

/// [`Checker::next`] through JSON: a [`GuideRequest`] in, the [`super::Next`] (or
/// `{"error"}`) out.
pub fn next_json(checker: &Checker, request: &str) -> String {
    answer(GuideRequest::parse(request).map(|(request, options)| {
        checker.next(&request.document, request.facts.as_ref(), &options)
    }))
}

/// [`Checker::choices`] through JSON: a [`GuideRequest`] with its `pointer` in, the
/// [`super::Choices`] (or `{"error"}`) out.
pub fn choices_json(checker: &Checker, request: &str) -> String {
    answer(GuideRequest::parse(request).and_then(|(request, options)| {
        let pointer = request.pointer.as_deref().ok_or_else(|| FacadeError {
            code: "request.pointer",
            message: "choices need `pointer`, the JSON Pointer of the field".into(),
        })?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(FacadeError {
                code: "request.pointer",
                message: format!("{pointer:?} is not a JSON Pointer"),
            });
        }
        Ok(checker.choices(&request.document, pointer, request.facts.as_ref(), &options))
    }))
}
