//! What stops a host from answering.

use std::time::Duration;

#[cfg(doc)]
use crate::Module;

/// Why a host could not answer.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The bytes are not a WebAssembly module wasmtime can compile.
    #[error("not a WebAssembly module wasmtime can compile: {0}")]
    Compile(String),
    /// The module does not have the exports of `wastecheck.wasm` (spec/abi.md), or
    /// broke its rules (an answer outside its memory, not UTF-8).
    #[error("the module is not a wastecheck.wasm (spec/abi.md): {0}")]
    Abi(String),
    /// The call ran past its time limit: the document or the packs need more work
    /// than the limit allows. The host is ready again for the next call.
    #[error(
        "the call ran past its time limit of {} ms: the document or the rule packs need more work than the sandbox allows",
        limit.as_millis()
    )]
    Timeout {
        /// The time the call had.
        limit: Duration,
    },
    /// The call used up its fuel: the document or the packs need more work than
    /// the limit allows. The host is ready again for the next call.
    #[error(
        "the call used up its fuel ({limit} units): the document or the rule packs need more work than the sandbox allows"
    )]
    OutOfFuel {
        /// The fuel the call had.
        limit: u64,
    },
    /// The call needed more memory than the cap. The host is ready again for the
    /// next call.
    #[error(
        "the call needed more memory than the sandbox's cap of {limit} bytes (the document is too large, or the rule packs use too much memory)"
    )]
    MemoryLimit {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The module trapped for another reason (a stack overflow, an `unreachable`).
    /// The host is ready again for the next call.
    #[error("the module trapped: {0}")]
    Trap(String),
    /// The limits ask for fuel of a module compiled without fuel metering (use
    /// [`Module::with_fuel`]).
    #[error("{0}")]
    Config(String),
    /// The module refused the bundle (unsigned, untrusted key, tampered, packs that
    /// do not load); the packs served before stay in service.
    #[error("the bundle was refused: {0}")]
    Bundle(String),
}
