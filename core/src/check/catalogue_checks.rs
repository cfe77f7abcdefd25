//! The catalogue checks every waste line gets: the code is in the list edition in
//! force, and the declared category is the code's. Their ids are those of the
//! national pack's rules (`cn.catalogue.*`), which take them over when packs land.

use super::waste_refs;
use crate::catalogue::Catalogue;
use crate::locale::{Bilingual, Locale};
use crate::model::{Document, Field};
use crate::report::{Basis, Severity, Violation};
use serde_json::Map;

fn finding(
    rule: &str,
    path: String,
    text: Bilingual,
    params: Map<String, serde_json::Value>,
    basis: Basis,
    locale: Locale,
) -> Violation {
    Violation {
        rule: rule.to_owned(),
        severity: Severity::Error,
        path,
        message: text.get(locale).to_owned(),
        params,
        basis: vec![basis],
        pack: None,
        text: Some(text),
    }
}

/// Checks every waste line of `document` against `catalogue`.
pub(crate) fn check(document: &Document, catalogue: &Catalogue, locale: Locale) -> Vec<Violation> {
    let edition = catalogue.edition();
    let mut out = Vec::new();
    for (line, code, category) in waste_refs(document) {
        let Field::Valid(code) = code else { continue };
        let known = catalogue.get(code).is_some();
        if !known && !code.is_identified_unlisted() {
            let mut params = Map::new();
            params.insert("code".into(), code.to_string().into());
            params.insert("edition".into(), edition.id.clone().into());
            out.push(finding(
                "cn.catalogue.unknown-code",
                format!("{line}/code"),
                Bilingual::new(
                    format!(
                        "废物代码 {code} 不在《{}》中",
                        edition
                            .title_zh
                            .trim_start_matches('《')
                            .trim_end_matches('》')
                    ),
                    format!("waste code {code} is not in the {}", edition.title_en),
                ),
                params,
                Basis::new(&edition.title_zh, "第二条、第五条、第六条"),
                locale,
            ));
        }
        if let Some(Field::Valid(declared)) = category {
            let expected = code.category();
            if *declared != expected {
                let mut params = Map::new();
                params.insert("code".into(), code.to_string().into());
                params.insert("declared".into(), declared.to_string().into());
                params.insert("expected".into(), expected.to_string().into());
                let name = catalogue.category_name(expected).unwrap_or_default();
                out.push(finding(
                    "cn.catalogue.category-mismatch",
                    format!("{line}/category"),
                    Bilingual::new(
                        format!("废物类别 {declared} 与废物代码 {code} 不符：该代码属于 {expected}（{name}）"),
                        format!("category {declared} does not match waste code {code}, which is in {expected} ({name})"),
                    ),
                    params,
                    Basis::new(&edition.title_zh, "第五条"),
                    locale,
                ));
            }
        }
    }
    out
}
