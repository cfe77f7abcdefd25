//! The values scripts handle: read-only views of the document and facts (maps
//! and arrays shared, never copied), exact decimals, and conversions between
//! script values, JSON and the model's types.

use crate::model::{Amount, Date, DateTime, Decimal, RegionCode};
use crate::sorting;
use rhai::{Array, Dynamic, EvalAltResult, INT, ImmutableString, Map, Position};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Deepest nesting of a finding's parameters.
pub(crate) const MAX_PARAM_DEPTH: usize = 32;

pub(crate) type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

pub(crate) fn fail<T>(message: String) -> RhaiResult<T> {
    Err(EvalAltResult::ErrorRuntime(message.into(), Position::NONE).into())
}

/// What a script throws when facts it needs were not passed: the rule is then
/// not evaluated with the code `facts.missing`, not `script.failed`.
#[derive(Debug, Clone)]
pub(crate) struct MissingFacts {
    pub(crate) collection: String,
    pub(crate) why: String,
}

/// Fails for want of the `collection` facts, `why` saying what is unknown.
pub(crate) fn facts_missing<T>(collection: &str, why: String) -> RhaiResult<T> {
    let missing = MissingFacts {
        collection: collection.to_owned(),
        why,
    };
    Err(EvalAltResult::ErrorRuntime(Dynamic::from(missing), Position::NONE).into())
}

pub(crate) fn number(n: &serde_json::Number) -> Dynamic {
    if let Some(i) = n.as_i64() {
        return Dynamic::from_int(i);
    }
    let text = n.to_string();
    let exact = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text)
    } else {
        Decimal::from_str_exact(&text)
    };
    match exact {
        Ok(d) => Dynamic::from_decimal(d),
        // Scripts have no binary floats (rhai's `no_float`): a number beyond an exact
        // decimal's range (±7.9 × 10²⁸, or more than 28 places) stays its JSON text.
        Err(_) => Dynamic::from(text),
    }
}

/// A JSON object of the input, read-only and shared (rhai type name `map`).
#[derive(Debug, Clone)]
pub(crate) struct JsonMap(pub(crate) Arc<BTreeMap<ImmutableString, Dynamic>>);

/// A JSON array of the input, read-only and shared (rhai type name `array`).
#[derive(Debug, Clone)]
pub(crate) struct JsonArray(pub(crate) Arc<Vec<Dynamic>>);

/// Iterates a [`JsonArray`] by `Arc` clones of its elements.
#[derive(Debug)]
pub(crate) struct JsonArrayIter {
    array: Arc<Vec<Dynamic>>,
    next: usize,
}

impl Iterator for JsonArrayIter {
    type Item = Dynamic;
    fn next(&mut self) -> Option<Dynamic> {
        let item = self.array.get(self.next).cloned();
        self.next += 1;
        item
    }
}

impl IntoIterator for JsonArray {
    type Item = Dynamic;
    type IntoIter = JsonArrayIter;
    fn into_iter(self) -> JsonArrayIter {
        JsonArrayIter {
            array: self.0,
            next: 0,
        }
    }
}

pub(crate) fn len_int(len: usize) -> INT {
    INT::try_from(len).unwrap_or(INT::MAX)
}

/// Equality of two values as `in` / `contains` needs it: plain values by value
/// (an integer equals the same decimal), views by identity.
pub(crate) fn same_value(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Some(x), Some(y)) = (a.read_lock::<JsonMap>(), b.read_lock::<JsonMap>()) {
        return Arc::ptr_eq(&x.0, &y.0);
    }
    if let (Some(x), Some(y)) = (a.read_lock::<JsonArray>(), b.read_lock::<JsonArray>()) {
        return Arc::ptr_eq(&x.0, &y.0);
    }
    let decimal = |v: &Dynamic| {
        v.as_decimal()
            .ok()
            .or_else(|| v.as_int().ok().map(Decimal::from))
    };
    if let (Some(x), Some(y)) = (decimal(a), decimal(b)) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (
        a.read_lock::<ImmutableString>(),
        b.read_lock::<ImmutableString>(),
    ) {
        return *x == *y;
    }
    a.is_unit() && b.is_unit()
}

/// The fields of a map: a rhai map or a view.
pub(crate) fn fields(value: &Dynamic) -> Option<Vec<(ImmutableString, Dynamic)>> {
    if let Some(map) = value.read_lock::<Map>() {
        return Some(
            map.iter()
                .map(|(k, v)| (ImmutableString::from(k.as_str()), v.clone()))
                .collect(),
        );
    }
    value
        .read_lock::<JsonMap>()
        .map(|m| m.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// The elements of an array: a rhai array or a view.
pub(crate) fn elements(value: &Dynamic) -> Option<Vec<Dynamic>> {
    if let Some(items) = value.read_lock::<Array>() {
        return Some(items.to_vec());
    }
    value.read_lock::<JsonArray>().map(|a| a.0.to_vec())
}

/// A value as JSON (a finding parameter, a view's text); `Err` says what is wrong.
pub(crate) fn to_json(value: &Dynamic, depth: usize) -> Result<Value, String> {
    if depth > MAX_PARAM_DEPTH {
        return Err(format!("is nested more than {MAX_PARAM_DEPTH} deep"));
    }
    if value.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = value.as_int() {
        return Ok(Value::from(i));
    }
    if let Ok(d) = value.as_decimal() {
        return Ok(Value::String(d.to_string()));
    }
    if let Ok(c) = value.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if let Some(s) = value.read_lock::<ImmutableString>() {
        return Ok(Value::String(s.to_string()));
    }
    if let Some(items) = elements(value) {
        return items
            .iter()
            .map(|v| to_json(v, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if let Some(fields) = fields(value) {
        return sorting::try_map_from(
            fields
                .iter()
                .map(|(k, v)| to_json(v, depth + 1).map(|json| (k.to_string(), json))),
        )
        .map(Value::Object);
    }
    Err(format!("is {}, which has no JSON form", describe(value)))
}

/// What a value is, for messages.
pub(crate) fn describe(value: &Dynamic) -> String {
    let shown: String = value.to_string().chars().take(40).collect();
    if value.is_unit() {
        "()".into()
    } else if value.is_string() {
        format!("the string \"{shown}\"")
    } else if value.is_int() {
        format!("the integer {shown}")
    } else if value.is_bool() {
        format!("the boolean {shown}")
    } else if value.is_decimal() {
        format!("the decimal {shown}")
    } else if value.is_array() || value.is::<JsonArray>() {
        "an array".into()
    } else if value.is_map() || value.is::<JsonMap>() {
        "a map".into()
    } else {
        format!("a value of type {}", value.type_name())
    }
}

/// A date or date-time string as a calendar date (a date-time's local date).
pub(crate) fn parse_day(text: &str) -> RhaiResult<Date> {
    if let Ok(date) = text.parse::<Date>() {
        return Ok(date);
    }
    match text.parse::<DateTime>() {
        Ok(t) => Ok(t.local_date()),
        Err(_) => fail(format!(
            "`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 date-time"
        )),
    }
}

pub(crate) fn region(text: &str) -> RhaiResult<RegionCode> {
    text.parse().or_else(|_| {
        fail(format!(
            "`{text}` is not a region code (GB/T 2260, six digits)"
        ))
    })
}

/// A number argument (integer or decimal) as a float, for the trigonometry.
pub(crate) fn float_arg(name: &str, value: &Dynamic) -> RhaiResult<f64> {
    use rust_decimal::prelude::ToPrimitive;
    let f = if let Ok(i) = value.as_int() {
        i.to_f64()
    } else if let Ok(d) = value.as_decimal() {
        d.to_f64()
    } else {
        None
    };
    match f {
        Some(f) if f.is_finite() => Ok(f),
        _ => fail(format!(
            "distance_km: {name} is {}, not a number",
            describe(value)
        )),
    }
}

/// `digits[.digits]`, optionally signed, as an exact decimal.
pub(crate) fn parse_exact(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(int) && digits(frac)) {
        return None;
    }
    Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text)).ok()
}

/// A float as the decimal of its shortest exact representation (`0.1` → 0.1).
pub(crate) fn float_to_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    parse_exact(&format!("{f}"))
}

/// A quantity `#{value, unit}` in tonnes, exactly.
pub(crate) fn tonnes(get: impl Fn(&str) -> Option<Dynamic>) -> RhaiResult<Decimal> {
    let value = get("value");
    let amount = match &value {
        Some(v) if v.is_string() => v
            .read_lock::<ImmutableString>()
            .and_then(|s| s.parse::<Amount>().ok())
            .map(|a| a.0),
        Some(v) if v.is_int() => v.as_int().ok().map(Decimal::from),
        Some(v) if v.is_decimal() => v.as_decimal().ok(),
        _ => None,
    };
    let amount = match amount {
        Some(a) if !a.is_sign_negative() || a.is_zero() => a,
        _ => {
            let shown = value.as_ref().map_or_else(|| "missing".into(), describe);
            return fail(format!(
                "tonnes: the value is {shown}, not a non-negative exact decimal"
            ));
        }
    };
    let unit = get("unit").and_then(|u| u.read_lock::<ImmutableString>().map(|s| s.to_string()));
    match unit.as_deref() {
        Some("t") => Ok(amount),
        Some("kg") => {
            // value / 1000 exactly: three more decimal places.
            let mut t = amount;
            t.set_scale(amount.scale() + 3)
                .or_else(|_| fail(format!("tonnes: {amount} kg has too many decimal places")))?;
            Ok(t)
        }
        other => fail(format!(
            "tonnes: the unit is {}, not `t` or `kg`",
            other.map_or_else(|| "missing".into(), |u| format!("`{u}`"))
        )),
    }
}
