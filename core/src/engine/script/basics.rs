//! The language's basics that scripts get instead of rhai's standard packages:
//! strings, arrays, maps, ranges, function pointers and integer parsing.
//!
//! rhai's `BasicString`, `MoreString`, `BasicArray`, `BasicMap`, `BasicIterator`,
//! `BasicFn` and `BasicMath` packages register hundreds of functions (with their
//! argument-type variants) that no rule uses, and every one is code in the browser
//! module: together 75 KB of the `.wasm` gzipped, of which these basics take
//! back 18 KB (measured with `./x build-wasm`). Rules need a few dozen; this module registers those, with
//! rhai's semantics (character positions, negative starts counting from the end,
//! `-1` for "not found") so a script reads as rhai's documentation says.
//! `spec/script-api.md` lists every name; a test holds the list to the registry.

use super::values::{RhaiResult, fail, len_int, same_value};
use rhai::{
    Array, Dynamic, Engine, FnPtr, FuncRegistration, INT, ImmutableString, Map, NativeCallContext,
};
use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::{Decimal, RoundingStrategy};
use std::ops::{Range, RangeInclusive};

/// The names this module registers (for the documentation drift test).
pub(super) const NAMES: &[&str] = &[
    "len",
    "is_empty",
    "contains",
    "sub_string",
    "starts_with",
    "ends_with",
    "index_of",
    "split",
    "to_upper",
    "to_lower",
    "trim",
    "to_string",
    "parse_int",
    "push",
    "pop",
    "filter",
    "map",
    "reduce",
    "some",
    "all",
    "keys",
    "values",
    "abs",
    "round",
    "floor",
    "ceiling",
    "to_int",
];

/// `start`, counted from the end when negative, as a character offset into a text of
/// `count` characters (rhai's rule: a start before the beginning is the beginning).
fn offset(start: INT, count: usize) -> usize {
    if start >= 0 {
        usize::try_from(start).unwrap_or(usize::MAX)
    } else {
        let back = usize::try_from(start.unsigned_abs()).unwrap_or(usize::MAX);
        count.saturating_sub(back)
    }
}

/// `len` characters of `text` from character `start` (clipped to the text).
fn sub_string(text: &str, start: INT, len: INT) -> String {
    let Ok(len) = usize::try_from(len) else {
        return String::new();
    };
    let from = offset(start, text.chars().count());
    text.chars().skip(from).take(len).collect()
}

fn register_strings(engine: &mut Engine) {
    let pure = |name: &str| FuncRegistration::new(name).with_purity(true);
    pure("len").register_into_engine(engine, |s: &str| len_int(s.chars().count()));
    pure("is_empty").register_into_engine(engine, |s: &str| s.is_empty());
    pure("contains").register_into_engine(engine, |s: &str, part: &str| s.contains(part));
    pure("sub_string").register_into_engine(engine, |s: &str, start: INT, len: INT| {
        sub_string(s, start, len)
    });
    pure("sub_string")
        .register_into_engine(engine, |s: &str, start: INT| sub_string(s, start, INT::MAX));
    pure("starts_with").register_into_engine(engine, |s: &str, part: &str| s.starts_with(part));
    pure("ends_with").register_into_engine(engine, |s: &str, part: &str| s.ends_with(part));
    pure("index_of").register_into_engine(engine, |s: &str, part: &str| -> INT {
        s.find(part).map_or(-1, |at| {
            len_int(s.get(..at).map_or(0, |before| before.chars().count()))
        })
    });
    pure("split").register_into_engine(engine, |s: &str, separator: &str| -> Array {
        s.split(separator)
            .map(|part| Dynamic::from(part.to_string()))
            .collect()
    });
    pure("to_upper").register_into_engine(engine, |s: &str| s.to_uppercase());
    pure("to_lower").register_into_engine(engine, |s: &str| s.to_lowercase());
    // rhai's `trim` changes the variable in place; this one does too.
    FuncRegistration::new("trim")
        .with_purity(false)
        .register_into_engine(engine, |s: &mut ImmutableString| {
            let trimmed = s.trim();
            if trimmed.len() != s.len() {
                *s = trimmed.into();
            }
        });
    pure("to_string").register_into_engine(engine, |value: Dynamic| value.to_string());
    pure("parse_int").register_into_engine(engine, |s: &str| -> RhaiResult<INT> {
        s.trim()
            .parse::<INT>()
            .or_else(|_| fail(format!("parse_int: `{s}` is not an integer")))
    });
}

/// Calls `f` with one array item.
fn call_with_item(ctx: &NativeCallContext, f: &FnPtr, item: &Dynamic) -> RhaiResult<Dynamic> {
    f.call_raw(ctx, None, [item.clone()])
}

fn truthy(value: &Dynamic) -> bool {
    value.as_bool().unwrap_or(false)
}

/// `==` of two script values: arrays and maps by their contents, the rest as
/// `contains` compares them.
pub(super) fn equal(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Some(x), Some(y)) = (a.read_lock::<Array>(), b.read_lock::<Array>()) {
        return arrays_equal(&x, &y);
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Map>(), b.read_lock::<Map>()) {
        return maps_equal(&x, &y);
    }
    same_value(a, b)
}

fn arrays_equal(a: &Array, b: &Array) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
}

fn maps_equal(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && equal(va, vb))
}

fn register_arrays(engine: &mut Engine) {
    engine.register_iterator::<Array>();
    engine
        .register_fn("==", |a: &mut Array, b: Array| arrays_equal(a, &b))
        .register_fn("!=", |a: &mut Array, b: Array| !arrays_equal(a, &b))
        .register_fn("==", |a: &mut Map, b: Map| maps_equal(a, &b))
        .register_fn("!=", |a: &mut Map, b: Map| !maps_equal(a, &b));
    let pure = |name: &str| FuncRegistration::new(name).with_purity(true);
    pure("len").register_into_engine(engine, |a: &mut Array| len_int(a.len()));
    pure("is_empty").register_into_engine(engine, |a: &mut Array| a.is_empty());
    pure("contains").register_into_engine(engine, |a: &mut Array, value: Dynamic| {
        a.iter().any(|v| equal(v, &value))
    });
    FuncRegistration::new("push")
        .with_purity(false)
        .register_into_engine(engine, |a: &mut Array, item: Dynamic| a.push(item));
    FuncRegistration::new("pop")
        .with_purity(false)
        .register_into_engine(engine, |a: &mut Array| a.pop().unwrap_or(Dynamic::UNIT));
    pure("filter").register_into_engine(
        engine,
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> RhaiResult<Array> {
            let mut kept = Array::new();
            for item in a.iter() {
                if truthy(&call_with_item(&ctx, &f, item)?) {
                    kept.push(item.clone());
                }
            }
            Ok(kept)
        },
    );
    pure("map").register_into_engine(
        engine,
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> RhaiResult<Array> {
            a.iter()
                .map(|item| call_with_item(&ctx, &f, item))
                .collect()
        },
    );
    pure("some").register_into_engine(
        engine,
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> RhaiResult<bool> {
            for item in a.iter() {
                if truthy(&call_with_item(&ctx, &f, item)?) {
                    return Ok(true);
                }
            }
            Ok(false)
        },
    );
    pure("all").register_into_engine(
        engine,
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> RhaiResult<bool> {
            for item in a.iter() {
                if !truthy(&call_with_item(&ctx, &f, item)?) {
                    return Ok(false);
                }
            }
            Ok(true)
        },
    );
    // `reduce(f, initial)`: `f(accumulated, item)` for each item in turn.
    pure("reduce").register_into_engine(
        engine,
        |ctx: NativeCallContext,
         a: &mut Array,
         f: FnPtr,
         initial: Dynamic|
         -> RhaiResult<Dynamic> {
            let mut accumulated = initial;
            for item in a.iter() {
                accumulated = f.call_raw(&ctx, None, [accumulated, item.clone()])?;
            }
            Ok(accumulated)
        },
    );
}

fn register_maps(engine: &mut Engine) {
    let pure = |name: &str| FuncRegistration::new(name).with_purity(true);
    pure("len").register_into_engine(engine, |m: &mut Map| len_int(m.len()));
    pure("is_empty").register_into_engine(engine, |m: &mut Map| m.is_empty());
    pure("contains").register_into_engine(engine, |m: &mut Map, key: &str| m.contains_key(key));
    pure("keys").register_into_engine(engine, |m: &mut Map| -> Array {
        m.keys().map(|k| Dynamic::from(k.to_string())).collect()
    });
    pure("values").register_into_engine(engine, |m: &mut Map| -> Array {
        m.values().cloned().collect()
    });
}

/// Exact decimals (literals with a point are decimals: there are no binary floats).
fn register_numbers(engine: &mut Engine) {
    let pure = |name: &str| FuncRegistration::new(name).with_purity(true);
    pure("abs").register_into_engine(engine, |n: INT| -> RhaiResult<INT> {
        n.checked_abs().map_or_else(
            || fail(format!("abs: {n} has no integer absolute value")),
            Ok,
        )
    });
    pure("abs").register_into_engine(engine, |d: Decimal| d.abs());
    // Half away from zero (四舍五入), as forms and regulators round.
    pure("round").register_into_engine(engine, |d: Decimal| {
        d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
    });
    pure("round").register_into_engine(engine, |d: Decimal, places: INT| -> RhaiResult<Decimal> {
        match u32::try_from(places) {
            Ok(places) => {
                Ok(d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
            }
            Err(_) => fail(format!("round: {places} is not a number of decimal places")),
        }
    });
    pure("floor").register_into_engine(engine, |d: Decimal| d.floor());
    pure("ceiling").register_into_engine(engine, |d: Decimal| d.ceil());
    // Drops the fraction (towards zero).
    pure("to_int").register_into_engine(engine, |d: Decimal| -> RhaiResult<INT> {
        d.trunc().to_i64().map_or_else(
            || fail(format!("to_int: {d} is beyond an integer's range")),
            Ok,
        )
    });
}

/// Registers the basics into `engine`.
pub(crate) fn register(engine: &mut Engine) {
    register_strings(engine);
    register_arrays(engine);
    register_maps(engine);
    register_numbers(engine);
    // `for i in 0..n` and `for i in 0..=n`.
    engine
        .register_iterator::<Range<INT>>()
        .register_iterator::<RangeInclusive<INT>>();
}
