//! Many check requests in one call: one crossing of a binding's boundary (the
//! raw ABI, the npm package, the HTTP service) for many documents, and facts
//! shared by them prepared once instead of once per document.
//!
//! A batch is JSON: an array of check requests, or an object
//! `{"facts": {…}, "requests": [{"document": …}, …]}` whose `facts` serve every
//! request that brings none of its own. The answer is a JSON array with one answer
//! per request, in order — the report, or that request's `{"error"}`, exactly as
//! [`check_json`](super::check_json) answers it alone. A batch that cannot be read
//! at all, or holds more than the limit, is one `{"error"}`.

use super::facade::{FacadeError, answer, check_parsed, interrupted, split_request};
use super::{Checker, Interrupt, PreparedFacts};
use crate::json::{self, Json};

/// The most requests a batch holds by default (a host may set its own limit).
pub const MAX_BATCH: usize = 1000;

/// Checks every request of a batch (module docs) against `checker`: a JSON array
/// of answers, or `{"error"}` with the code `request.json` (not a batch) or
/// `request.batch_too_long` (more than `max` requests). Once `interrupt` is
/// raised, the requests not yet answered are answered `check.interrupted`.
pub fn check_batch_json(
    checker: &Checker,
    batch: &str,
    max: usize,
    interrupt: &Interrupt,
) -> String {
    let parsed = match interrupted(read(batch, max, interrupt), interrupt) {
        Ok(parsed) => parsed,
        Err(error) => return answer::<()>(Err(error)),
    };
    let shared = parsed.facts.as_ref().map(|facts| {
        (
            PreparedFacts::new(facts.to_value()),
            parsed.facts_duplicates.as_slice(),
        )
    });
    let mut out = String::from("[");
    for (i, (request, duplicates)) in parsed.requests.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let result = split_request(request, duplicates).and_then(|(request, document, dups)| {
            let own = request.facts.as_ref().map(PreparedFacts::borrowed);
            let facts = match &own {
                Some(own) => Some((own, dups.facts.as_slice())),
                None => shared.as_ref().map(|(f, d)| (f, *d)),
            };
            check_parsed(
                checker,
                &request,
                &document,
                &dups.document,
                facts,
                interrupt,
            )
        });
        out.push_str(&answer(interrupted(result, interrupt)));
    }
    out.push(']');
    out
}

/// A batch read: its shared facts (and the keys given twice in them), and each
/// request with the keys given twice in it (pointers relative to the request).
struct Batch<'a> {
    facts: Option<Json<'a>>,
    facts_duplicates: Vec<String>,
    requests: Vec<(Json<'a>, Vec<String>)>,
}

fn read<'a>(text: &'a str, max: usize, interrupt: &Interrupt) -> Result<Batch<'a>, FacadeError> {
    let invalid = |message: String| FacadeError {
        code: "request.json",
        message,
    };
    let parsed = json::parse_with(text, interrupt).map_err(|e| invalid(e.to_string()))?;
    let (facts, requests, prefix) = match parsed.value {
        Json::Array(requests) => (None, requests, ""),
        Json::Object(members) => {
            let (mut facts, mut requests) = (None, None);
            for (key, value) in members {
                match (key.as_ref(), value) {
                    ("facts", value) => facts = Some(value),
                    ("requests", Json::Array(items)) => requests = Some(items),
                    ("requests", _) => {
                        return Err(invalid("`requests` is an array of check requests".into()));
                    }
                    (other, _) => {
                        return Err(invalid(format!(
                            "unknown field `{other}` of a batch: expected `facts` or `requests`"
                        )));
                    }
                }
            }
            let requests = requests.ok_or_else(|| invalid("missing field `requests`".into()))?;
            (facts, requests, "/requests")
        }
        _ => {
            return Err(invalid(
                "a batch is an array of check requests, or {\"facts\", \"requests\"}".into(),
            ));
        }
    };
    if requests.len() > max {
        return Err(FacadeError {
            code: "request.batch_too_long",
            message: format!(
                "the batch has {} requests, more than the limit of {max}: split it",
                requests.len()
            ),
        });
    }
    let mut batch = Batch {
        facts,
        facts_duplicates: Vec::new(),
        requests: requests.into_iter().map(|r| (r, Vec::new())).collect(),
    };
    for pointer in parsed.duplicate_keys {
        // Inside the shared facts (an object batch only).
        if !prefix.is_empty()
            && let Some(inner) = pointer.strip_prefix("/facts")
            && inner.starts_with('/')
        {
            batch.facts_duplicates.push(inner.to_owned());
            continue;
        }
        // Inside a request: `{prefix}/{index}/{rest}`.
        let inside = pointer
            .strip_prefix(prefix)
            .and_then(|at| at.strip_prefix('/'))
            .and_then(|at| at.split_once('/'))
            .and_then(|(index, rest)| {
                let slot = batch.requests.get_mut(index.parse::<usize>().ok()?)?;
                Some((slot, rest))
            });
        match inside {
            Some(((_, duplicates), rest)) => duplicates.push(format!("/{rest}")),
            None => return Err(invalid(format!("the key at {pointer} is given twice"))),
        }
    }
    Ok(batch)
}
