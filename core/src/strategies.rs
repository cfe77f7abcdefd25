//! proptest strategies for documents (feature `proptest`), for this crate's tests
//! and for users' CI: valid transfer manifests drawn from a catalogue, and the same
//! documents with one known mistake.
//!
//! A *valid* manifest has no structural (`schema.*`) problem: every value has its
//! form (credit codes with their GB 32100 check character, a 14-digit number whose
//! year and region match, listed codes with their own category and hazards, exact
//! quantities, offset date-times in order). Rules may still find something — a
//! generated receiver has no licence among the facts — which is what rules are for.
//!
//! `tests/tests/properties.rs` shows them in use: `manifest(catalogue)` for valid
//! documents, `mistake(manifest(catalogue))` for documents with a known mistake.

use crate::Catalogue;
use crate::model::CreditCode;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};
use std::sync::Arc;

/// Regions a generated party is in: Shaoxing's districts, Hangzhou, Jiangsu, Shanghai
/// (so that chains of every layer and cross-province transfers are exercised).
const REGIONS: &[&str] = &[
    "330602", "330603", "330604", "330624", "330681", "330106", "330110", "320583", "310115",
];

const PLATE_LETTERS: &[&str] = &["浙D", "浙A", "苏E", "沪B"];

const STAGES: &[&str] = &["draft", "submitted", "in_transit", "received", "confirmed"];

const FORMS: &[&str] = &["solid", "semi_solid", "liquid"];

const METHODS: &[&str] = &["D10", "D1", "R4", "R15", "C1"];

/// A credit code: registration-authority and type digits, a region, an
/// organisation code, and the check character GB 32100 gives them.
pub fn credit_code() -> impl Strategy<Value = String> {
    (select(REGIONS), "[0-9A-HJ-NP-RTUWXY]{9}").prop_filter_map(
        "no check character",
        |(region, organisation)| {
            CreditCode::with_check_char(&format!("91{region}{organisation}"))
                .ok()
                .map(|c| c.as_str().to_owned())
        },
    )
}

/// A dangerous-goods vehicle plate.
fn plate() -> impl Strategy<Value = String> {
    (select(PLATE_LETTERS), "[0-9]{5}").prop_map(|(p, n)| format!("{p}{n}"))
}

/// An exact quantity in tonnes or kilograms, as a decimal string.
fn quantity() -> impl Strategy<Value = Value> {
    (1u32..50_000, 0u32..4, any::<bool>()).prop_map(|(units, scale, kg)| {
        let value = rust_decimal::Decimal::new(i64::from(units), scale);
        json!({ "value": value.to_string(), "unit": if kg { "kg" } else { "t" } })
    })
}

/// One waste line of a listed code, with its category and its listed hazards.
fn waste_line(catalogue: Arc<Catalogue>) -> impl Strategy<Value = Value> {
    let count = catalogue.entries().len().max(1);
    (
        0..count,
        select(FORMS),
        1u32..40,
        quantity(),
        select(METHODS),
    )
        .prop_map(move |(i, form, packages, quantity, method)| {
            let Some(entry) = catalogue.entries().get(i) else {
                return json!({ "name": "废物", "quantity": quantity });
            };
            let hazards: Vec<String> = entry.hazards.listed.iter().map(|h| h.to_string()).collect();
            json!({
                "code": entry.code.as_str(),
                "category": entry.category.to_string(),
                "name": entry.description.chars().take(20).collect::<String>(),
                "hazards": hazards,
                "form": form,
                "packaging": { "type": "吨袋", "count": packages },
                "quantity": quantity,
                "method": method,
            })
        })
}

/// `YYYY-MM-DDTHH:MM:SS+08:00`, `minute` minutes into the `day`-th day after
/// 2022-01-01 (later minutes run into the next days).
fn date_time(day: u64, minute: u64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let date = base + chrono::Days::new(day + minute / 1440);
    let minute = minute % 1440;
    format!("{date}T{:02}:{:02}:00+08:00", minute / 60, minute % 60)
}

/// A structurally valid transfer manifest with 1–5 lines drawn from `catalogue`.
pub fn manifest(catalogue: Arc<Catalogue>) -> impl Strategy<Value = Value> {
    (
        (credit_code(), credit_code(), credit_code()),
        (select(REGIONS), select(REGIONS)),
        (plate(), 0u32..1_000_000),
        prop::collection::vec(waste_line(catalogue), 1..=5),
        (
            select(STAGES),
            0u64..1_800,
            360u64..1_080,
            30u64..600,
            0u64..4,
        ),
    )
        .prop_map(
            |(
                (consignor, carrier, receiver),
                (from, to),
                (plate, serial),
                wastes,
                (stage, day, minute, travel, confirm_days),
            )| {
                let dispatched = date_time(day, minute);
                let year = dispatched.get(..4).unwrap_or("2022").to_owned();
                let region_digits = from.get(..4).unwrap_or("3306");
                let mut doc = json!({
                    "kind": "manifest",
                    "number": format!("{year}{region_digits}{serial:06}"),
                    "stage": stage,
                    "created_at": date_time(day, minute - 60),
                    "consignor": {
                        "credit_code": consignor,
                        "name": "绍兴某某化工有限公司",
                        "region": from,
                        "address": "浙江省绍兴市某某路8号",
                    },
                    "carrier": {
                        "credit_code": carrier,
                        "name": "某某危险品运输有限公司",
                        "vehicle_plate": plate,
                        "driver": { "name": "张某某" },
                    },
                    "receiver": {
                        "credit_code": receiver,
                        "name": "某某环保科技有限公司",
                        "region": to,
                    },
                    "wastes": wastes,
                });
                let later = matches!(stage, "in_transit" | "received" | "confirmed");
                if let (true, Some(object)) = (later, doc.as_object_mut()) {
                    object.insert("dispatched_at".into(), dispatched.into());
                    if stage != "in_transit" {
                        object.insert("received_at".into(), date_time(day, minute + travel).into());
                    }
                    if stage == "confirmed" {
                        object.insert(
                            "confirmed_at".into(),
                            date_time(day + confirm_days, minute + travel + 30).into(),
                        );
                    }
                }
                doc
            },
        )
}

/// A mistake made in a document, and the JSON Pointer where a checker must report
/// it (at that path or inside it).
#[derive(Debug, Clone, PartialEq)]
pub struct Mistake {
    /// The document with the mistake.
    pub document: Value,
    /// Where it is.
    pub path: String,
    /// What was done, for a failing test's message.
    pub what: &'static str,
}

/// Every string and number leaf of a value, with its pointer.
fn leaves(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, v) in members {
                let key = key.replace('~', "~0").replace('/', "~1");
                leaves(v, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, &format!("{at}/{i}"), out);
            }
        }
        Value::String(_) | Value::Number(_) => out.push(at.to_owned()),
        _ => {}
    }
}

/// A document from `documents` with one mistake a checker must report where it is:
/// a value of the wrong JSON type, a member the schema does not have, or a broken
/// credit-code check character.
pub fn mistake(documents: impl Strategy<Value = Value>) -> impl Strategy<Value = Mistake> {
    (documents, any::<prop::sample::Index>(), 0u8..3).prop_map(|(mut document, pick, how)| {
        let mut paths = Vec::new();
        leaves(&document, "", &mut paths);
        paths.retain(|p| p != "/kind");
        let path = if paths.is_empty() {
            String::new()
        } else {
            paths.swap_remove(pick.index(paths.len()))
        };
        let credit = document
            .pointer("/consignor/credit_code")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match (how, credit) {
            (0, Some(code)) => {
                // Another check character than the right one.
                let (body, last) = code.split_at(code.len().saturating_sub(1));
                let other = if last == "0" { "1" } else { "0" };
                if let Some(v) = document.pointer_mut("/consignor/credit_code") {
                    *v = format!("{body}{other}").into();
                }
                Mistake {
                    document,
                    path: "/consignor/credit_code".into(),
                    what: "a wrong check character",
                }
            }
            (1, _) => {
                if let Some(object) = document
                    .pointer_mut("/consignor")
                    .and_then(Value::as_object_mut)
                {
                    object.insert("fax".into(), "0575-1234567".into());
                }
                Mistake {
                    document,
                    path: "/consignor/fax".into(),
                    what: "a member the schema does not have",
                }
            }
            _ => {
                if let Some(v) = document.pointer_mut(&path) {
                    *v = if v.is_string() {
                        json!(true)
                    } else {
                        json!(["7"])
                    };
                }
                Mistake {
                    document,
                    path,
                    what: "a value of the wrong type",
                }
            }
        }
    })
}

/// A document from `documents` with one mistake the checker can put right by
/// itself (issue 21): a wrong credit-code check character, a date-time without its
/// offset, a quantity written with a decimal comma, a waste code without hyphens, a
/// line's category not its code's, a unit in capitals, or a manifest number whose
/// year is not the year of its creation, or a line declaring no hazard
/// characteristic (then the list's own are the fix or, for a "/" entry, the choices).
pub fn fixable(documents: impl Strategy<Value = Value>) -> impl Strategy<Value = Mistake> {
    (documents, any::<prop::sample::Index>(), 0u8..8).prop_map(|(mut document, pick, how)| {
        let lines = document
            .get("wastes")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let line = if lines == 0 { 0 } else { pick.index(lines) };
        let mut edit = |path: &str, f: &dyn Fn(&str) -> Value| {
            if let Some(v) = document.pointer_mut(path)
                && let Some(text) = v.as_str().map(str::to_owned)
            {
                *v = f(&text);
            }
        };
        let (path, what) = match how {
            0 => {
                let path = "/consignor/credit_code".to_owned();
                edit(&path, &|code| {
                    let (body, last) = code.split_at(code.len().saturating_sub(1));
                    Value::from(format!("{body}{}", if last == "0" { "1" } else { "0" }))
                });
                (path, "a wrong check character")
            }
            1 => {
                let path = "/created_at".to_owned();
                edit(&path, &|t| Value::from(t.trim_end_matches("+08:00")));
                (path, "a date-time without its offset")
            }
            2 => {
                let path = format!("/wastes/{line}/quantity/value");
                if let Some(v) = document.pointer_mut(&path) {
                    let text = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    let comma = if text.contains('.') {
                        text.replace('.', ",")
                    } else {
                        format!("{text},5")
                    };
                    *v = comma.into();
                }
                (path, "a decimal comma")
            }
            3 => {
                let path = format!("/wastes/{line}/code");
                edit(&path, &|code| Value::from(code.replace('-', "")));
                (path, "a waste code without hyphens")
            }
            4 => {
                let path = format!("/wastes/{line}/category");
                edit(&path, &|category| {
                    Value::from(if category == "HW49" { "HW08" } else { "HW49" })
                });
                (path, "a category not the code's")
            }
            5 => {
                let path = format!("/wastes/{line}/quantity/unit");
                edit(&path, &|unit| Value::from(unit.to_uppercase()));
                (path, "a unit in capitals")
            }
            6 => {
                let path = format!("/wastes/{line}/hazards");
                if let Some(v) = document.pointer_mut(&path) {
                    *v = json!([]);
                }
                (path, "no hazard characteristic")
            }
            _ => {
                let path = "/number".to_owned();
                edit(&path, &|number| {
                    let year: u32 = number.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2022);
                    Value::from(format!(
                        "{}{}",
                        year + 1,
                        number.get(4..).unwrap_or_default()
                    ))
                });
                (path, "a manifest number of another year")
            }
        };
        Mistake {
            document,
            path,
            what,
        }
    })
}

/// Arbitrary JSON a form or a hostile client might send: mostly objects with
/// document members, any values.
pub fn arbitrary_json() -> impl Strategy<Value = Value> {
    junk().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                select(vec![
                    "kind",
                    "wastes",
                    "code",
                    "quantity",
                    "stage",
                    "consignor",
                    "x"
                ]),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// A JSON leaf a form gets wrong: of any type, out of range, almost right.
fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        "[0-9A-Z-]{0,20}".prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        select(vec![
            "900-041-49",
            "900-041-4",
            "HW08",
            "2026-03-02",
            "2026-02-30",
            "2026-03-02T08:30:00",
            "1,5",
            "-1",
            "1e400",
            "",
            "\u{0}",
        ])
        .prop_map(Value::from),
    ]
}

/// A document from `documents` made hostile: one value (a leaf, or a whole
/// member) replaced by arbitrary JSON, or one member removed. Unlike [`mistake`],
/// what the checker must say is not known: only that native, wasmtime and the
/// browser say the same, and that nothing panics.
pub fn hostile(documents: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    (
        documents,
        any::<prop::sample::Index>(),
        any::<bool>(),
        arbitrary_json(),
    )
        .prop_map(|(mut document, pick, remove, junk)| {
            let mut paths = Vec::new();
            members(&document, "", &mut paths);
            if paths.is_empty() {
                return junk;
            }
            let path = paths.swap_remove(pick.index(paths.len()));
            let (parent, key) = path.rsplit_once('/').unwrap_or(("", &path));
            match document.pointer_mut(parent) {
                Some(Value::Object(object)) if remove => {
                    object.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                _ => {
                    if let Some(v) = document.pointer_mut(&path) {
                        *v = junk;
                    }
                }
            }
            document
        })
}

/// Every member's and item's pointer under `at`.
fn members(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, v) in object {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(path.clone());
                members(v, &path, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let path = format!("{at}/{i}");
                out.push(path.clone());
                members(v, &path, out);
            }
        }
        _ => {}
    }
}

/// Check requests (the JSON facade's) for differential tests of every face:
/// valid manifests, ones with a known mistake, hostile ones and arbitrary JSON, in
/// both locales, some at a fixed legal date.
pub fn requests(catalogue: Arc<Catalogue>) -> impl Strategy<Value = String> {
    let manifests = move || manifest(catalogue.clone());
    let documents = prop_oneof![
        3 => manifests(),
        3 => mistake(manifests()).prop_map(|m| m.document),
        3 => hostile(manifests()),
        1 => arbitrary_json(),
    ];
    (documents, select(vec!["zh-CN", "en"]), any::<bool>()).prop_map(|(document, locale, dated)| {
        let request = if dated {
            json!({ "document": document, "locale": locale, "as_of": "2026-03-02" })
        } else {
            json!({ "document": document, "locale": locale })
        };
        request.to_string()
    })
}
