//! # wastecheck
//!
//! The pure core of the wastecheck compliance checker for China's industrial solid
//! waste and hazardous waste (危险废物) documents.
//!
//! * [`model`]: typed documents and facts. Decoding is lenient: a malformed value is
//!   kept, reported at its JSON Pointer, and never stops the rest of the document
//!   from being read.
//! * [`catalogue`]: the National Hazardous Waste List (国家危险废物名录), its exemption
//!   list and the general industrial solid waste categories, as versioned data.
//! * [`report`]: violations and the report every check returns.
//! * [`check`]: the checks, and the JSON facade every binding sits on.
//!
//! The core never reads a file, the environment or a clock, and never panics on any
//! input: the as-of date and all reference facts are inputs.
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod calendar;
pub mod catalogue;
pub mod check;
pub(crate) mod csv_rows;
pub mod engine;
pub mod info;
pub mod interrupt;
pub mod locale;
pub mod model;
pub mod pack;
pub mod registry;
pub mod report;
pub mod schema;
pub(crate) mod sorting;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod tooling;

pub use catalogue::{Catalogue, CatalogueError};
pub use check::{CheckOptions, Checker, Interrupt, PreparedFacts};
pub use locale::Locale;
pub use model::DocumentKind;
pub use report::{Report, Severity, Violation};
pub mod json;
