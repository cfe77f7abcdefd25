//! What the host's tests share: `wastecheck.wasm`, compiled once per test binary.
//!
//! The module is `$WASTECHECK_WASM`, or `target/wastecheck.wasm` of the workspace,
//! which `./x test` builds before the Rust tests (`./x abi-wasm` builds only it). A
//! missing module fails the test, saying how to build it.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use wastecheck_host::{Host, Limits, Module, workspace_module};

fn bytes() -> Vec<u8> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    workspace_module(&workspace).unwrap_or_else(|e| panic!("{e}"))
}

/// The module, compiled once.
pub fn module() -> &'static Module {
    static MODULE: OnceLock<Module> = OnceLock::new();
    MODULE.get_or_init(|| Module::new(&bytes()).expect("wastecheck.wasm compiles"))
}

/// The module compiled with fuel metering, once.
pub fn fuel_module() -> &'static Module {
    static MODULE: OnceLock<Module> = OnceLock::new();
    MODULE.get_or_init(|| Module::with_fuel(&bytes()).expect("wastecheck.wasm compiles"))
}

/// A host with the default limits.
pub fn host() -> Host {
    Host::new(module(), Limits::default()).expect("a host")
}

/// A check request for an example document, in English.
pub fn example(name: &str) -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../spec/examples/{name}.json"));
    let document = std::fs::read_to_string(&path).expect("the example");
    format!(r#"{{"document": {document}, "locale": "en", "as_of": "2026-03-02"}}"#)
}

/// The native facade's answer.
pub fn native(request: &str) -> String {
    wastecheck::check::check_json(wastecheck_rules::checker(), request)
}

/// The native facade's answer to a batch.
pub fn native_batch(batch: &str) -> String {
    wastecheck::check::check_batch_json(
        wastecheck_rules::checker(),
        batch,
        wastecheck::check::MAX_BATCH,
        &Default::default(),
    )
}
