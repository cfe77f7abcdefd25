//! The script tier: rule scripts in rhai, for the logic no check kind expresses,
//! run in the sandbox of [`super::sandbox`] with a domain function library.
//!
//! # What a script sees
//!
//! Constants (a script cannot change them, nor anything inside them):
//!
//! | name     | value                                                        |
//! |----------|--------------------------------------------------------------|
//! | `doc`    | the submitted document                                       |
//! | `facts`  | the reference facts (`()` when there are none)               |
//! | `params` | the chain's parameters (a map)                               |
//! | `as_of`  | the legal date, `"YYYY-MM-DD"`, or `()`                      |
//! | `item`   | the bound line item, when the rule iterates (`each = …`)     |
//! | `index`  | the bound line item's index in its list                      |
//!
//! The document, the facts and the item are read-only views of the JSON (see
//! *Sharing the input* below): `doc.wastes[0].code`, `doc?.carrier?.driver`,
//! `doc.wastes.len()`, `for w in doc.wastes { … }`, `"track_id" in doc`,
//! `doc.consignor.keys()` / `.values()`, and `type_of` says `map` or `array`. A
//! missing property is `()`. For the array and map functions of the basics
//! (`filter`, `map`, `push`, …) take a shallow copy with `to_array()` / `to_map()`.
//!
//! JSON numbers arrive as integers when they are whole and as exact decimals
//! otherwise (never binary floats), so `2.35` compares and adds exactly; decimal
//! strings (`"2.350"`) stay strings: use `decimal(s)` or `tonnes(q)`. rhai is built
//! without floats (`no_float`), so a script literal like `2.5` is an exact decimal
//! too.
//!
//! # What a script returns
//!
//! `()` or `false`: no finding. A map `#{path: "...", params: #{...}}`: one finding.
//! An array of such maps: one finding each. `path` is a JSON Pointer, absolute when
//! it starts with `/`, else relative to the bound item (or to the document when no
//! item is bound); `""` (or no `path`) is the item itself. `params` values must be
//! strings, integers, decimals (returned as strings, every digit kept),
//! booleans, `()` (null), or arrays and maps of those.
//!
//! # The domain library
//!
//! `spec/script-api.md` documents every function with an example (a test runs them);
//! the lookups of catalogue entries, exemptions, dates, units and facts are in
//! the private `library` module, the language's basics (strings, arrays, maps) in
//! [`basics`].
//!
//! | function                          | result                                                   |
//! |-----------------------------------|----------------------------------------------------------|
//! | `catalogue_has(code)`             | whether the code is in the chain's catalogue edition     |
//! | `category_of(code)`               | `"HW49"` (the list's category; for an unlisted but well-formed code, the one its last two digits name), `()` if malformed |
//! | `hazards_of(code)`                | the listed hazard characteristics, `["T", "I"]`; `[]` if unlisted |
//! | `working_days_between(from, to)`  | working days after `from` up to `to` (integer), `()` outside the calendar |
//! | `add_working_days(date, n)`       | `"YYYY-MM-DD"`, `()` beyond the calendar                 |
//! | `same_province(a, b)`, `same_city(a, b)`, `same_county(a, b)` | relations of GB/T 2260 region codes |
//! | `distance_km(lat1, lon1, lat2, lon2)` | great-circle distance (haversine, R = 6371.0088 km), a decimal |
//! | `decimal(s)`                      | the exact decimal `s` (`"2.350"`; also an integer or a decimal) |
//! | `tonnes(q)`                       | a quantity `#{value, unit}` (unit `t` or `kg`) in tonnes, exact |
//!
//! Dates are `YYYY-MM-DD` or RFC 3339 date-times (their local date). Lookups answer
//! "not there" for a malformed code or a missing one (`()`); the other functions
//! fail on malformed input, which makes the rule "not evaluated" rather than
//! silently passing. The catalogue and calendar lookups are registered as volatile,
//! so the optimiser never folds them into a compiled script.
//!
//! # Sharing the input
//!
//! [`ScriptEngine::to_dynamic`] converts a JSON value once per check into an
//! immutable tree: every JSON object and array is behind an `Arc`, and a script
//! sees it through two read-only rhai types (registered as `map` and `array`).
//! Putting the document in a script's scope, reading `doc.wastes`, binding an item
//! or iterating a list clones an `Arc`, never the data (DESIGN §3: never copy the
//! document per rule). This was chosen over rhai's own maps, for three reasons:
//!
//! * rhai's size limits count the *whole* of a value (every string byte and element
//!   inside it), and rhai checks them on the receiver of every method call: with
//!   the document as a rhai map, `doc.wastes.len()` on a 300-line manifest exceeds
//!   any limit small enough to stop a runaway script quickly. The views count as
//!   nothing, so the limits apply to what the script builds.
//! * rhai's shared values (`Dynamic::into_shared`) sit behind a lock; re-entering
//!   it makes rhai retry with `std::thread::sleep` (which traps on
//!   `wasm32-unknown-unknown`) and some paths `unwrap` the lock. The views have no
//!   lock, and are `Send + Sync`: one converted document may serve many threads.
//! * Nothing needs guarding against mutation: the views have no setters.

#[cfg(not(feature = "scripts"))]
mod absent;
mod analysis;
#[cfg(feature = "scripts")]
pub(crate) mod basics;
#[cfg(feature = "scripts")]
mod engine;
mod error;
#[cfg(feature = "scripts")]
mod findings;
#[cfg(feature = "scripts")]
mod library;
pub mod sandbox;
#[cfg(feature = "scripts")]
mod values;
#[cfg(feature = "scripts")]
mod views;

#[cfg(not(feature = "scripts"))]
pub use absent::{CompiledScript, Dynamic, ScriptEngine};
pub(crate) use analysis::fact_collections;
#[cfg(feature = "scripts")]
pub use engine::{CompiledScript, ScriptEngine};
pub use error::{CompileError, ScriptError};
/// A value as scripts see it (rhai's; a placeholder without the `scripts` feature).
#[cfg(feature = "scripts")]
pub use rhai::Dynamic;

use crate::model::Date;
use serde_json::Value;

/// What one run of a script sees.
#[derive(Debug, Clone, Copy)]
pub struct ScriptInput<'a> {
    /// The document, from [`ScriptEngine::to_dynamic`] (once per check).
    pub document: &'a Dynamic,
    /// The facts, from [`ScriptEngine::to_dynamic`] (`()` when there are none).
    pub facts: &'a Dynamic,
    /// The bound line item and its index, when the rule iterates.
    pub item: Option<(usize, &'a Dynamic)>,
    /// The chain's parameters, converted once per chain ([`ScriptEngine::params`]).
    pub params: &'a Dynamic,
    /// The legal date.
    pub as_of: Option<Date>,
}

/// One finding a script reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptFinding {
    /// A JSON Pointer: absolute (`/wastes/0/code`), relative to the bound item
    /// (`quantity/value`), or empty (the item itself). The caller resolves it.
    pub path: String,
    /// The message parameters.
    pub params: serde_json::Map<String, Value>,
    /// What the script says resolves it (`fix`, `choices`, `hint`); its pointers
    /// are read like `path`.
    pub guidance: crate::report::Guidance,
}
