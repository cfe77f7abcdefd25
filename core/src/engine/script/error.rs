//! Why a script does not compile or gives no answer.

#[cfg(feature = "scripts")]
use super::values::MissingFacts;
#[cfg(feature = "scripts")]
use rhai::EvalAltResult;

/// Why a script run gave no answer. Any of these means the rule was not evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// A sandbox limit was reached (operations, call depth, sizes, variables).
    #[error("script stopped: limit on {what} reached")]
    Limit {
        /// Which limit.
        what: String,
    },
    /// The script failed: `throw`, a type error, a domain function refusing bad input.
    #[error("script failed{}: {message}", at_line(*line, None))]
    Runtime {
        /// What went wrong.
        message: String,
        /// The 1-based line in the script.
        line: Option<usize>,
    },
    /// Facts the script needs were not passed (it called `facts_missing`, or a
    /// lookup found no such collection).
    #[error("no `{collection}` facts were passed: {why}")]
    FactsMissing {
        /// The fact collection.
        collection: String,
        /// What is unknown without it.
        why: String,
    },
    /// The script returned something that is not a finding.
    #[error("script returned {message}")]
    BadResult {
        /// What was returned and why it is not a finding.
        message: String,
    },
    /// This build has no script support (built without the `scripts` feature, as
    /// the browser's first module is): the rule was not run.
    #[error("not run: this build of wastecheck has no script support")]
    Unavailable,
}

/// Why a script does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("script does not compile{}: {message}", at_line(*line, *column))]
pub struct CompileError {
    /// The 1-based line.
    pub line: Option<usize>,
    /// The 1-based column.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

pub(crate) fn at_line(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

#[cfg(feature = "scripts")]
pub(crate) fn script_error(mut error: EvalAltResult) -> ScriptError {
    // An error inside a script function is reported as the inner error.
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = error {
        error = *inner;
    }
    let limit = |what: &str| ScriptError::Limit { what: what.into() };
    match error {
        EvalAltResult::ErrorTooManyOperations(_) => limit("operations"),
        EvalAltResult::ErrorStackOverflow(_) => limit("call depth"),
        EvalAltResult::ErrorTooManyVariables(_) => limit("variables"),
        EvalAltResult::ErrorDataTooLarge(what, _) => ScriptError::Limit {
            what: what.to_lowercase(),
        },
        EvalAltResult::ErrorParsing(rhai::ParseErrorType::ExprTooDeep, _) => {
            limit("expression depth")
        }
        EvalAltResult::ErrorRuntime(value, _) if value.is::<MissingFacts>() => {
            let missing = value.cast::<MissingFacts>();
            ScriptError::FactsMissing {
                collection: missing.collection,
                why: missing.why,
            }
        }
        EvalAltResult::ErrorRuntime(value, position) => ScriptError::Runtime {
            message: value
                .clone()
                .into_immutable_string()
                .map_or_else(|_| value.to_string(), |s| s.to_string()),
            line: position.line(),
        },
        mut other => {
            let position = other.take_position();
            ScriptError::Runtime {
                message: other.to_string(),
                line: position.line(),
            }
        }
    }
}
