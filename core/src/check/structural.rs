//! Structural problems as violations (`schema.*`), with their basis where a standard
//! defines the form.

use crate::json::SyntaxError;
use crate::locale::{Bilingual, Locale};
use crate::model::{DocumentKind, Located, Problem, Subject};
use crate::report::{Basis, Severity, Violation};
use serde_json::Map;

/// The standard that defines a value's form.
fn basis_of(problem: &Problem) -> Vec<Basis> {
    let subject = match problem {
        Problem::CheckDigit { .. } => Subject::CreditCode,
        Problem::Malformed { subject, .. } => *subject,
        _ => return Vec::new(),
    };
    match subject {
        Subject::CreditCode => vec![Basis {
            instrument: "GB 32100-2015 法人和其他组织统一社会信用代码编码规则".into(),
            article: None,
        }],
        Subject::WasteCode | Subject::Category | Subject::Hazard => {
            vec![Basis::new("国家危险废物名录（2021年版）", "第五条")]
        }
        Subject::ManifestNumber => vec![Basis::new("危险废物转移管理办法", "第十五条")],
        Subject::RegionCode => vec![Basis {
            instrument: "GB/T 2260 中华人民共和国行政区划代码".into(),
            article: None,
        }],
        _ => Vec::new(),
    }
}

/// A structural problem of the document as a violation.
pub(crate) fn violation(path: String, problem: &Problem, locale: Locale) -> Violation {
    let text = Bilingual::new(problem.message(Locale::ZhCn), problem.message(Locale::En));
    Violation {
        rule: problem.rule().to_owned(),
        severity: Severity::Error,
        path,
        message: text.get(locale).to_owned(),
        params: problem.params(),
        basis: basis_of(problem),
        pack: None,
        text: Some(text),
        fix: Vec::new(),
        choices: Vec::new(),
        hint: None,
        hint_text: None,
    }
}

/// A structural problem of a document of `kind` (when known) as a violation, with
/// the fix its form gives.
pub(crate) fn document_violation(
    kind: Option<DocumentKind>,
    path: String,
    problem: &Problem,
    locale: Locale,
) -> Violation {
    let guidance = super::fixes::for_problem(kind, &path, problem);
    violation(path, problem, locale).guided(guidance, locale)
}

/// A problem in the facts a host passed: reported as a warning under `facts.*`, with
/// its pointer into the facts, since the enterprise cannot fix it.
pub(crate) fn fact_violation(located: &Located, locale: Locale) -> Violation {
    let mut v = violation(located.path.clone(), &located.problem, locale);
    v.rule = located.problem.rule().replacen("schema.", "facts.", 1);
    // A bad record is a warning (the rules skip it); facts that are not an object,
    // or a collection that is not a list, leave every rule reading them without
    // facts, which is an error, never a pass (issue 20).
    let whole = located.path.matches('/').count() <= 1;
    v.severity = if whole && matches!(located.problem, Problem::WrongType { .. }) {
        Severity::Error
    } else {
        Severity::Warning
    };
    v
}

/// Malformed JSON.
pub(crate) fn syntax_violation(error: &SyntaxError, locale: Locale) -> Violation {
    let text = Bilingual::new(
        format!(
            "JSON 格式错误（第 {} 行第 {} 列）：{}",
            error.line, error.column, error.message
        ),
        format!(
            "malformed JSON at line {}, column {}: {}",
            error.line, error.column, error.message
        ),
    );
    let mut params = Map::new();
    params.insert("line".into(), error.line.into());
    params.insert("column".into(), error.column.into());
    Violation {
        rule: "schema.json".into(),
        severity: Severity::Error,
        path: String::new(),
        message: text.get(locale).to_owned(),
        params,
        basis: vec![Basis {
            instrument: "RFC 8259 The JavaScript Object Notation (JSON) Data Interchange Format"
                .into(),
            article: None,
        }],
        pack: None,
        text: Some(text),
        fix: Vec::new(),
        choices: Vec::new(),
        hint: None,
        hint_text: None,
    }
}
