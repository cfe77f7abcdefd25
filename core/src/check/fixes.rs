//! Fixes for structural problems (`schema.*`): what a value's own form says it
//! should be. A fix is offered only when the value it proposes reads back as valid;
//! a field the schema closes to a few values offers them as choices.

use crate::locale::Bilingual;
use crate::model::labels::value_label;
use crate::model::{
    Amount, CreditCode, DateTime, DocumentKind, Problem, Reason, Subject, WasteCode,
};
use crate::report::{Choice, Guidance, PatchOp};
use serde_json::Value;

/// The offset a date-time written without one is read at: China Standard Time, the
/// time every form and information system of the mainland keeps.
const CHINA_OFFSET: &str = "+08:00";

/// Choices beyond this many are a list a form should search, not a fix.
const MAX_CHOICES: usize = 12;

/// What resolves a structural problem of a document of `kind` at `path`.
pub(crate) fn for_problem(kind: Option<DocumentKind>, path: &str, problem: &Problem) -> Guidance {
    match problem {
        Problem::CheckDigit {
            value, expected, ..
        } => {
            let body: String = value.chars().take(17).collect();
            replace_if_valid::<CreditCode>(path, format!("{body}{expected}"))
        }
        Problem::Malformed {
            subject: Subject::DateTime,
            value,
            reason: Reason::NoOffset,
        } => replace_if_valid::<DateTime>(path, format!("{value}{CHINA_OFFSET}")).with_hint(
            Bilingual::new(
                "按北京时间（UTC+8）补上时区偏移；若该时间不是北京时间，请按实际填写",
                "read as China Standard Time (UTC+8); give the real offset if it is not",
            ),
        ),
        Problem::Malformed {
            subject: Subject::Decimal,
            value,
            reason: Reason::DecimalComma,
        } if value.matches(',').count() == 1 => {
            replace_if_valid::<Amount>(path, value.replace(',', "."))
        }
        Problem::Malformed {
            subject: Subject::WasteCode,
            value,
            ..
        } => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            let plain = value
                .chars()
                .all(|c| c.is_ascii_digit() || " -".contains(c));
            match (plain, digits.get(..3), digits.get(3..6), digits.get(6..)) {
                (true, Some(a), Some(b), Some(c)) if digits.len() == 8 => {
                    replace_if_valid::<WasteCode>(path, format!("{a}-{b}-{c}"))
                }
                _ => Guidance::default(),
            }
        }
        Problem::NotAllowed { value, allowed } => {
            // A value differing only in case is a slip; otherwise every value allowed.
            match allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) {
                Some(same) => Guidance::patch(vec![PatchOp::replace(path, *same)]),
                None => closed_choices(path, allowed.iter().map(|a| (*a).to_owned()), false),
            }
        }
        Problem::Required if path == "/kind" => closed_choices(
            path,
            DocumentKind::KINDS.iter().map(|k| k.as_str().to_owned()),
            true,
        ),
        Problem::Required => match kind.and_then(|k| crate::model::schema::allowed_values(k, path))
        {
            Some(values) => closed_choices(path, values.iter().map(|v| (*v).to_owned()), true),
            None => Guidance::default(),
        },
        _ => Guidance::default(),
    }
}

/// `replace` at `path` with `value` when it is valid for `T`; nothing otherwise.
fn replace_if_valid<T: std::str::FromStr>(path: &str, value: String) -> Guidance {
    if value.parse::<T>().is_ok() {
        Guidance::patch(vec![PatchOp::replace(path, value)])
    } else {
        Guidance::default()
    }
}

/// The values of a closed field as choices (one of them: a fix), each labelled.
fn closed_choices(path: &str, values: impl Iterator<Item = String>, add: bool) -> Guidance {
    let choices: Vec<Choice> = values
        .take(MAX_CHOICES + 1)
        .map(|v| {
            let label = value_label(&v);
            Choice::at(path, Value::String(v), label, add)
        })
        .collect();
    if choices.len() > MAX_CHOICES {
        return Guidance::default();
    }
    Guidance::candidates(choices)
}

#[cfg(test)]
mod tests {
    use super::for_problem;
    use crate::model::{Problem, Reason, Subject};

    fn malformed(subject: Subject, value: &str, reason: Reason) -> Problem {
        Problem::Malformed {
            subject,
            value: value.to_owned(),
            reason,
        }
    }
    use crate::report::PatchOp;
    use serde_json::json;

    fn fix(problem: &Problem, path: &str) -> Vec<PatchOp> {
        for_problem(Some(crate::model::DocumentKind::Manifest), path, problem).fix
    }

    #[test]
    fn a_value_s_own_form_gives_its_fix() {
        let digit = Problem::CheckDigit {
            value: "91330603MA2D7K4P5X".into(),
            expected: 'W',
            found: 'X',
        };
        assert_eq!(
            fix(&digit, "/consignor/credit_code"),
            [PatchOp::replace(
                "/consignor/credit_code",
                "91330603MA2D7K4P5W"
            )]
        );
        let time = malformed(Subject::DateTime, "2026-03-03T09:15:00", Reason::NoOffset);
        let guided = super::for_problem(None, "/dispatched_at", &time);
        assert_eq!(
            guided.fix,
            [PatchOp::replace(
                "/dispatched_at",
                "2026-03-03T09:15:00+08:00"
            )]
        );
        assert!(guided.hint.is_some());
        let comma = malformed(Subject::Decimal, "0,86", Reason::DecimalComma);
        assert_eq!(fix(&comma, "/q"), [PatchOp::replace("/q", "0.86")]);
        // "1,234,5" is not a decimal with its separator mistyped: no guess.
        let thousands = malformed(Subject::Decimal, "1,234,5", Reason::DecimalComma);
        assert!(fix(&thousands, "/q").is_empty());
        let code = malformed(Subject::WasteCode, "90004149", Reason::Form);
        assert_eq!(fix(&code, "/c"), [PatchOp::replace("/c", "900-041-49")]);
        // Digits naming no category are not made into a code.
        let code = malformed(Subject::WasteCode, "90004199", Reason::Form);
        assert!(fix(&code, "/c").is_empty());
    }

    #[test]
    fn a_closed_field_offers_its_values() {
        let guided = super::for_problem(
            Some(crate::model::DocumentKind::Manifest),
            "/stage",
            &Problem::Required,
        );
        assert!(guided.fix.is_empty());
        assert_eq!(guided.choices.len(), 5);
        assert_eq!(guided.choices[0].label.zh, "草稿");
        assert_eq!(guided.choices[0].patch, [PatchOp::add("/stage", "draft")]);
        let unit = Problem::NotAllowed {
            value: "T".into(),
            allowed: &["t", "kg"],
        };
        assert_eq!(fix(&unit, "/u"), [PatchOp::replace("/u", "t")]);
        let unit = Problem::NotAllowed {
            value: "吨".into(),
            allowed: &["t", "kg"],
        };
        let guided = super::for_problem(None, "/u", &unit);
        assert_eq!(guided.choices.len(), 2);
        assert_eq!(guided.choices[1].value, json!("kg"));
        // An open field has no values to offer.
        let open = super::for_problem(
            Some(crate::model::DocumentKind::Manifest),
            "/carrier/name",
            &Problem::Required,
        );
        assert!(open.is_empty());
    }
}
