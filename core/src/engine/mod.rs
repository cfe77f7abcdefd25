//! The rule engine: a chain of packs compiled once into native checks (and
//! sandboxed scripts), run over many documents.

pub mod chain;
pub mod fact_index;
pub mod facts;
pub mod kinds;
pub mod script;
pub mod track;
