//! The parts of the script library that look things up: catalogue entries and
//! exemptions, calendar dates, unit conversion, and the facts (licences, policies,
//! permits, tracks, receipts). Every lookup is registered as volatile, so the
//! optimiser never folds one into a compiled script. `spec/script-api.md` documents
//! each function with an example; a test runs every example.

use super::values::*;
use crate::Catalogue;
use crate::calendar::Calendar;
use crate::catalogue::ExemptionSubject;
use crate::model::RegionCode;
use crate::model::{Date, Decimal, WasteCode};
use chrono::Datelike;
use rhai::{Array, Map};
use rhai::{Dynamic, Engine, FuncRegistration, INT, ImmutableString};
use std::sync::Arc;

/// The names this module registers (for the documentation drift test).
pub(super) const NAMES: &[&str] = &[
    "catalogue_entry",
    "facts_missing",
    "exemptions_of",
    "days_between",
    "add_days",
    "add_months",
    "in_unit",
    "licence_by_number",
    "licences_of",
    "policy_of",
    "permit_for_vehicle",
    "track_by_id",
    "received_in_year",
];

/// A Rust value (catalogue data) as scripts see JSON.
fn to_script<T: serde::Serialize>(value: &T) -> Dynamic {
    serde_json::to_value(value).map_or(Dynamic::UNIT, |v| super::ScriptEngine::to_dynamic(&v))
}

pub(super) fn register_catalogue_lookups(engine: &mut Engine, catalogue: &Arc<Catalogue>) {
    let c = catalogue.clone();
    FuncRegistration::new("catalogue_entry")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| -> Dynamic {
            code.parse::<WasteCode>()
                .ok()
                .and_then(|code| c.get(&code))
                .map_or(Dynamic::UNIT, |entry| {
                    to_script(&serde_json::json!({
                        "code": entry.code.as_str(),
                        "category": entry.category.to_string(),
                        "industry": entry.industry,
                        "description": entry.description,
                        "hazards": entry.hazards.raw,
                        "listed_hazards": entry.hazards.listed.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
                    }))
                })
        });

    let c = catalogue.clone();
    FuncRegistration::new("exemptions_of")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| -> rhai::Array {
            let Ok(code) = code.parse::<WasteCode>() else {
                return rhai::Array::new();
            };
            c.exemptions()
                .iter()
                .filter(|e| match &e.subject {
                    ExemptionSubject::Codes(codes) => codes.contains(&code),
                    ExemptionSubject::Category(category) => *category == code.category(),
                    ExemptionSubject::Described(_) | ExemptionSubject::Unspecified => false,
                })
                .map(|e| {
                    to_script(&serde_json::json!({
                        "item": e.item,
                        "stage": e.stage_text,
                        "stages": e.stages,
                        "condition": e.condition,
                        "content": e.content,
                    }))
                })
                .collect()
        });
    // A missing code (`()`) has no entry and no exemption.
    FuncRegistration::new("catalogue_entry")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| ());
    FuncRegistration::new("exemptions_of")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| rhai::Array::new());
}

/// `date` moved by whole months, kept on the same day or clamped to the month's
/// last (2024-01-31 + 1 month = 2024-02-29).
fn add_months(date: Date, months: INT) -> Option<Date> {
    let months = i32::try_from(months).ok()?;
    let total = date.year() * 12 + i32::try_from(date.0.month0()).ok()? + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = u32::try_from(month0).ok()? + 1;
    (1..=date.0.day())
        .rev()
        .find_map(|day| Date::from_ymd(year, month, day))
}

pub(super) fn register_dates_and_units(engine: &mut Engine) {
    FuncRegistration::new("days_between").register_into_engine(
        engine,
        |from: &str, to: &str| -> RhaiResult<INT> {
            let (from, to) = (parse_day(from)?, parse_day(to)?);
            Ok((to.0 - from.0).num_days())
        },
    );
    FuncRegistration::new("add_days").register_into_engine(
        engine,
        |date: &str, n: INT| -> RhaiResult<Dynamic> {
            let date = parse_day(date)?;
            let days = chrono::Days::new(n.unsigned_abs());
            let moved = if n >= 0 {
                date.0.checked_add_days(days)
            } else {
                date.0.checked_sub_days(days)
            };
            Ok(moved.map_or(Dynamic::UNIT, |d| Date(d).to_string().into()))
        },
    );
    FuncRegistration::new("add_months").register_into_engine(
        engine,
        |date: &str, n: INT| -> RhaiResult<Dynamic> {
            let date = parse_day(date)?;
            Ok(add_months(date, n).map_or(Dynamic::UNIT, |d| d.to_string().into()))
        },
    );
    FuncRegistration::new("in_unit").register_into_engine(
        engine,
        |quantity: JsonMap, unit: &str| -> RhaiResult<Decimal> {
            in_unit(tonnes(|key| quantity.0.get(key).cloned())?, unit)
        },
    );
    FuncRegistration::new("in_unit").register_into_engine(
        engine,
        |quantity: rhai::Map, unit: &str| -> RhaiResult<Decimal> {
            in_unit(tonnes(|key| quantity.get(key).cloned())?, unit)
        },
    );
}

fn in_unit(tonnes: Decimal, unit: &str) -> RhaiResult<Decimal> {
    match unit {
        "t" => Ok(tonnes),
        "kg" => tonnes.checked_mul(Decimal::ONE_THOUSAND).map_or_else(
            || fail(format!("in_unit: {tonnes} t is too large in kg")),
            |kg| Ok(kg.normalize()),
        ),
        other => fail(format!("in_unit: unknown unit `{other}` (t or kg)")),
    }
}

/// The records of a fact collection (`facts.licences`…): `None` when the facts
/// were not passed or have no such list.
fn collection(facts: &Dynamic, name: &str) -> Option<Arc<Vec<Dynamic>>> {
    let map = facts.read_lock::<JsonMap>()?;
    let list = map.0.get(name)?;
    let array = list.read_lock::<JsonArray>()?;
    Some(array.0.clone())
}

fn text_of(record: &Dynamic, key: &str) -> Option<ImmutableString> {
    let map = record.read_lock::<JsonMap>()?;
    let value = map.0.get(key)?;
    value.read_lock::<ImmutableString>().map(|s| s.clone())
}

/// Whether a record (`valid_from`, `valid_until`) is in force on `date`: from its
/// first day to its last, both inclusive; an open end is unbounded, a missing or
/// malformed start is not in force — as the `in-force` check kind reads it.
fn in_force(record: &Dynamic, date: Date) -> bool {
    let day = |key| text_of(record, key).and_then(|t| t.parse::<Date>().ok());
    let Some(first) = day("valid_from") else {
        return false;
    };
    let last_ok = match text_of(record, "valid_until") {
        None => true,
        Some(t) => t.parse::<Date>().is_ok_and(|last| date <= last),
    };
    first <= date && last_ok
}

/// The facts of a lookup, or an error naming the collection: a rule that needs
/// facts the host did not pass is "not evaluated", never silently a pass.
fn need(facts: &Dynamic, name: &str, function: &str) -> RhaiResult<Arc<Vec<Dynamic>>> {
    collection(facts, name)
        .map_or_else(|| facts_missing(name, format!("{function} needs them")), Ok)
}

fn first(records: &[Dynamic], keep: impl Fn(&Dynamic) -> bool) -> Dynamic {
    records
        .iter()
        .find(|r| keep(r))
        .cloned()
        .unwrap_or(Dynamic::UNIT)
}

/// The record of a collection whose `key` is `wanted`, or `()`.
fn by_key(
    facts: &Dynamic,
    collection: &str,
    key: &str,
    wanted: &str,
    function: &str,
) -> RhaiResult<Dynamic> {
    let records = need(facts, collection, function)?;
    Ok(first(&records, |r| {
        text_of(r, key).is_some_and(|v| v == wanted)
    }))
}

/// The records of a collection held by `holder` and in force on `date`.
fn held_in_force(
    facts: &Dynamic,
    collection: &str,
    holder: &str,
    date: &str,
    function: &str,
) -> RhaiResult<rhai::Array> {
    let records = need(facts, collection, function)?;
    let date = parse_day(date)?;
    Ok(records
        .iter()
        .filter(|r| text_of(r, "holder").is_some_and(|h| h == holder) && in_force(r, date))
        .cloned()
        .collect())
}

pub(super) fn register_fact_lookups(engine: &mut Engine) {
    // A script that finds no facts of a collection it needs says so:
    // `facts_missing("manifests", "the vehicle's other manifests are unknown")`.
    FuncRegistration::new("facts_missing")
        .with_volatility(true)
        .register_into_engine(engine, |collection: &str, why: &str| -> RhaiResult<()> {
            facts_missing(collection, why.to_owned())
        });
    FuncRegistration::new("licence_by_number")
        .with_volatility(true)
        .register_into_engine(engine, |facts: Dynamic, number: &str| {
            by_key(&facts, "licences", "number", number, "licence_by_number")
        });
    FuncRegistration::new("licences_of")
        .with_volatility(true)
        .register_into_engine(engine, |facts: Dynamic, holder: &str, date: &str| {
            held_in_force(&facts, "licences", holder, date, "licences_of")
        });
    FuncRegistration::new("policy_of")
        .with_volatility(true)
        .register_into_engine(
            engine,
            |facts: Dynamic, holder: &str, date: &str| -> RhaiResult<Dynamic> {
                let policies =
                    held_in_force(&facts, "insurance_policies", holder, date, "policy_of")?;
                Ok(policies.into_iter().next().unwrap_or(Dynamic::UNIT))
            },
        );
    FuncRegistration::new("permit_for_vehicle")
        .with_volatility(true)
        .register_into_engine(
            engine,
            |facts: Dynamic, plate: &str, date: &str| -> RhaiResult<Dynamic> {
                let permits = need(&facts, "transport_permits", "permit_for_vehicle")?;
                let date = parse_day(date)?;
                let lists_plate = |permit: &Dynamic| {
                    permit
                        .read_lock::<JsonMap>()
                        .and_then(|m| m.0.get("vehicles").cloned())
                        .and_then(|v| v.read_lock::<JsonArray>().map(|a| a.0.clone()))
                        .is_some_and(|vehicles| {
                            vehicles.iter().any(|v| {
                                v.read_lock::<ImmutableString>()
                                    .is_some_and(|p| *p == plate)
                            })
                        })
                };
                Ok(first(&permits, |p| lists_plate(p) && in_force(p, date)))
            },
        );
    FuncRegistration::new("track_by_id")
        .with_volatility(true)
        .register_into_engine(engine, |facts: Dynamic, id: &str| -> RhaiResult<Dynamic> {
            let tracks = need(&facts, "tracks", "track_by_id")?;
            Ok(first(&tracks, |t| {
                text_of(t, "id").is_some_and(|i| i == id)
            }))
        });
    FuncRegistration::new("received_in_year")
        .with_volatility(true)
        .register_into_engine(
            engine,
            |facts: Dynamic, receiver: &str, year: INT| -> RhaiResult<Decimal> {
                let receipts = need(&facts, "receipts", "received_in_year")?;
                let mut total = Decimal::ZERO;
                for r in receipts.iter() {
                    let map = r.read_lock::<JsonMap>();
                    let of_year = map
                        .as_ref()
                        .and_then(|m| m.0.get("year"))
                        .and_then(|y| y.as_int().ok());
                    if text_of(r, "receiver").is_none_or(|h| h != receiver) || of_year != Some(year)
                    {
                        continue;
                    }
                    let Some(quantity) = map.as_ref().and_then(|m| m.0.get("quantity").cloned())
                    else {
                        return fail(format!(
                            "received_in_year: a receipt of {receiver} has no quantity"
                        ));
                    };
                    let Some(q) = quantity.read_lock::<JsonMap>().map(|q| q.clone()) else {
                        return fail(format!(
                            "received_in_year: a receipt's quantity is {}",
                            describe(&quantity)
                        ));
                    };
                    total = total
                        .checked_add(tonnes(|key| q.0.get(key).cloned())?)
                        .map_or_else(|| fail("received_in_year: overflow".into()), Ok)?;
                }
                Ok(total)
            },
        );
}

/// The functions that read the catalogue edition the engine was built with.
pub(crate) const CATALOGUE_FUNCTIONS: &[&str] = &[
    "catalogue_has",
    "catalogue_entry",
    "category_of",
    "hazards_of",
    "exemptions_of",
];

pub(crate) fn register_catalogue(engine: &mut Engine, catalogue: &Arc<Catalogue>) {
    let lookup = |catalogue: &Catalogue, code: &str| {
        code.parse::<WasteCode>()
            .ok()
            .and_then(|code| catalogue.get(&code).cloned())
    };

    let c = catalogue.clone();
    FuncRegistration::new("catalogue_has")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| lookup(&c, code).is_some());

    let c = catalogue.clone();
    FuncRegistration::new("category_of")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| -> Dynamic {
            match (lookup(&c, code), code.parse::<WasteCode>()) {
                (Some(entry), _) => entry.category.to_string().into(),
                (None, Ok(code)) => code.category().to_string().into(),
                (None, Err(_)) => Dynamic::UNIT,
            }
        });

    let c = catalogue.clone();
    FuncRegistration::new("hazards_of")
        .with_volatility(true)
        .register_into_engine(engine, move |code: &str| -> Array {
            lookup(&c, code).map_or_else(Array::new, |entry| {
                entry
                    .hazards
                    .listed
                    .iter()
                    .map(|h| Dynamic::from(h.to_string()))
                    .collect()
            })
        });

    // A missing field (`()`) is simply not in the catalogue.
    FuncRegistration::new("catalogue_has")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| false);
    FuncRegistration::new("category_of")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| ());
    FuncRegistration::new("hazards_of")
        .with_volatility(true)
        .register_into_engine(engine, |_: ()| Array::new());
}

pub(crate) fn register_calendar(engine: &mut Engine, calendar: Option<Arc<Calendar>>) {
    let need = |calendar: &Option<Arc<Calendar>>| match calendar {
        Some(c) => Ok(c.clone()),
        None => fail("the pack chain has no working-day calendar".into()),
    };

    let cal = calendar.clone();
    FuncRegistration::new("working_days_between")
        .with_volatility(true)
        .register_into_engine(engine, move |from: &str, to: &str| -> RhaiResult<Dynamic> {
            let calendar = need(&cal)?;
            let (from, to) = (parse_day(from)?, parse_day(to)?);
            Ok(calendar
                .working_days_between(from, to)
                .map_or(Dynamic::UNIT, Dynamic::from_int))
        });

    FuncRegistration::new("add_working_days")
        .with_volatility(true)
        .register_into_engine(engine, move |date: &str, n: INT| -> RhaiResult<Dynamic> {
            let calendar = need(&calendar)?;
            let date = parse_day(date)?;
            if n < 0 {
                return fail(format!("add_working_days: {n} is negative"));
            }
            // More days than a u32 holds is beyond any calendar.
            Ok(u32::try_from(n)
                .ok()
                .and_then(|n| calendar.add_working_days(date, n))
                .map_or(Dynamic::UNIT, |d| d.to_string().into()))
        });
}

pub(crate) fn register_pure(engine: &mut Engine) {
    for (name, relation) in [
        (
            "same_province",
            RegionCode::same_province as fn(&RegionCode, &RegionCode) -> bool,
        ),
        ("same_city", RegionCode::same_city),
        ("same_county", RegionCode::same_county),
    ] {
        FuncRegistration::new(name)
            .register_into_engine(engine, move |a: &str, b: &str| -> RhaiResult<bool> {
                Ok(relation(&region(a)?, &region(b)?))
            });
    }

    FuncRegistration::new("distance_km").register_into_engine(
        engine,
        |lat1: Dynamic, lon1: Dynamic, lat2: Dynamic, lon2: Dynamic| -> RhaiResult<Decimal> {
            let (lat1, lon1) = (float_arg("lat1", &lat1)?, float_arg("lon1", &lon1)?);
            let (lat2, lon2) = (float_arg("lat2", &lat2)?, float_arg("lon2", &lon2)?);
            for (name, lat) in [("lat1", lat1), ("lat2", lat2)] {
                if !(-90.0..=90.0).contains(&lat) {
                    return fail(format!("distance_km: {name} {lat} is not a latitude"));
                }
            }
            for (name, lon) in [("lon1", lon1), ("lon2", lon2)] {
                if !(-180.0..=180.0).contains(&lon) {
                    return fail(format!("distance_km: {name} {lon} is not a longitude"));
                }
            }
            let km = crate::engine::track::distance_km((lat1, lon1), (lat2, lon2));
            float_to_decimal(km).map_or_else(
                || fail(format!("distance_km: {km} has no exact decimal")),
                Ok,
            )
        },
    );

    FuncRegistration::new("decimal").register_into_engine(
        engine,
        |text: &str| -> RhaiResult<Decimal> {
            parse_exact(text.trim()).map_or_else(
                || fail(format!("decimal: `{text}` is not an exact decimal")),
                Ok,
            )
        },
    );
    FuncRegistration::new("decimal").register_into_engine(engine, |i: INT| Decimal::from(i));
    FuncRegistration::new("decimal").register_into_engine(engine, |d: Decimal| d);

    FuncRegistration::new("tonnes").register_into_engine(engine, |quantity: Map| {
        tonnes(|key| quantity.get(key).cloned())
    });
    FuncRegistration::new("tonnes").register_into_engine(engine, |quantity: JsonMap| {
        tonnes(|key| quantity.0.get(key).cloned())
    });
}
