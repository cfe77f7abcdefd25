//! Rule packs as sources: the format (`spec`), loading a pack folder or bundle
//! (`load`), bundles and their signatures (`bundle`), TOML carried as JSON
//! (`toml_json`). The compiled packs are the [`crate::registry`]; the tools for
//! pack authors are [`crate::tooling`].

pub mod bundle;
pub mod load;
pub mod spec;
pub mod toml_json;
