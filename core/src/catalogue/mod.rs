//! The waste catalogues: the National Hazardous Waste List (国家危险废物名录) with its
//! exemption list (危险废物豁免管理清单), and the general industrial solid waste
//! categories. Catalogues are data, read from CSV texts the packs carry, and carry
//! their edition and effective date so later editions sit beside earlier ones.

mod data;
mod editions;
mod search;
mod search_keys;

pub use data::{
    Catalogue, CatalogueError, CategoryInfo, Edition, Entry, Exemption, ExemptionSubject,
    HazardRule, HazardSpec, Sources,
};
pub use editions::{DeclaredEdition, EditionTable, Editions, InForce};
pub use search::{Hit, MatchKind};
