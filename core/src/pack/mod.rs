//! Rule packs: sources, layering, bundles.

pub mod bundle;
pub mod load;
pub mod registry;
pub mod spec;
pub mod toml_json;
pub mod tooling;
