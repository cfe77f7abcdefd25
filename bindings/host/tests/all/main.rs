//! wastecheck-host's tests, in one test binary: `wastecheck.wasm` is compiled once
//! for all of them, and the stack is linked once.

mod common;
mod host;
mod parity;
