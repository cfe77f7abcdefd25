//! # wastecheck-host
//!
//! Runs `wastecheck.wasm` — the core with the built-in packs as one raw-ABI
//! WebAssembly module (crate `wastecheck-abi`, `spec/abi.md`) — in wasmtime, with
//! limits: every call gets a time limit (an epoch deadline), the instance's memory is
//! capped, and a call that runs past either ends with a clear error
//! ([`HostError::Timeout`], [`HostError::MemoryLimit`]) instead of taking the process
//! with it. Use it to check documents against packs from publishers you do not fully
//! trust: their scripts run inside the sandbox, and the worst they can do is fail
//! their own check.
//!
//! A time limit costs little (a check of a counter at each function entry and loop
//! back edge; one thread per [`Module`] ticks it every [`TICK`]) but depends on the
//! machine's speed and load. For budgets that are the same on every machine, compile
//! with [`Module::with_fuel`] and give [`Limits::check_fuel`]: wasmtime then counts
//! about one unit per instruction executed ([`HostError::OutOfFuel`]), which makes
//! checks about 1.2× slower.
//!
//! One [`Host`] keeps one instance and reuses it for every call (the exports are
//! looked up once). After a trap the instance is in an unknown state: the host drops
//! it, instantiates the module again and loads the bundle it had loaded, so the next
//! call works. A host is one instance, used by one thread at a time; for parallel
//! checks keep several hosts over one [`Module`] (compiled once).
//!
//! ```no_run
//! use wastecheck_host::{Host, Limits, Module};
//!
//! let module = Module::new(&std::fs::read("wastecheck.wasm")?)?;
//! let mut host = Host::new(&module, Limits::default())?;
//! let report = host.check_json(r#"{"document": {"kind": "manifest"}, "locale": "en"}"#)?;
//! assert!(report.contains("\"valid\":false"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Answers are the module's, which are the JSON facade's
//! (`wastecheck::check::check_json`) byte for byte: a report, or
//! `{"error": {"code", "message"}}` for a request that cannot be served (bad JSON, a
//! wrong locale, date or kind). Those are answers, not [`HostError`]s: a `HostError`
//! means the sandbox stopped the call, or the module is not a `wastecheck.wasm`.

#![warn(missing_docs)]

mod error;
mod host;
mod instance;
mod limits;
mod module;
mod workspace;

pub use error::HostError;
pub use host::{BundleLoaded, BundleOptions, Host};
pub use limits::{Limits, TICK};
pub use module::Module;
pub use workspace::{MODULE_VAR, workspace_module};
