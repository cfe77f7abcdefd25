//! wastecheck's cross-crate tests, in one test binary so the whole stack is linked
//! once: `cargo test -p wastecheck-tests` (one module: `… -- schemas::`).

mod ajv_agreement;
mod bounds;
mod catalogue;
mod editions;
mod engine;
mod facade;
mod fixes;
mod guide;
mod packs;
mod properties;
mod rule_catalogue;
mod scenarios;
mod schemas;
mod script_api;
mod session;
mod structural;
