//! The document kinds (docs/design.md §6). Field names are the JSON member names.

mod common;
mod declaration;
mod district_report;
mod ledger;
mod manifest;
mod plan;
mod storage;

pub use common::*;
pub use declaration::*;
pub use district_report::*;
pub use ledger::*;
pub use manifest::*;
pub use plan::*;
pub use storage::*;
