//! # wastecheck-rules
//!
//! The built-in rule packs and reference data of wastecheck, embedded in the binary
//! so that checking works offline with no set-up. The sources live in `packs/`, one
//! folder per pack; this crate only embeds and loads them.

use std::sync::OnceLock;
use wastecheck::catalogue::{Edition, Sources};
use wastecheck::model::Date;
use wastecheck::{Catalogue, CatalogueError, Checker};

/// The CSV sources of the 2021 national catalogue, as embedded.
pub mod sources {
    /// 国家危险废物名录（2021年版）.
    pub const HW_LIST_2021: &str = include_str!("../packs/cn/catalogue/hw-list-2021.csv");
    /// Its 46 categories.
    pub const HW_CATEGORIES_2021: &str =
        include_str!("../packs/cn/catalogue/hw-categories-2021.csv");
    /// 危险废物豁免管理清单 (2021).
    pub const HW_EXEMPTIONS_2021: &str =
        include_str!("../packs/cn/catalogue/hw-exemptions-2021.csv");
    /// General industrial solid waste categories (RECALL: see the catalogue README).
    pub const SW_CATEGORIES_2021: &str =
        include_str!("../packs/cn/catalogue/sw-categories-2021.csv");
}

/// The edition of the built-in hazardous waste list.
pub fn edition_2021() -> Edition {
    Edition {
        id: "hw-2021".into(),
        title_zh: "国家危险废物名录（2021年版）".into(),
        title_en: "National Hazardous Waste List (2021 edition)".into(),
        // 名录2021 第八条: 本名录自2021年1月1日起施行.
        effective_from: Date::from_ymd(2021, 1, 1).unwrap_or(Date(Default::default())),
    }
}

/// Loads the built-in 2021 catalogue from its embedded sources.
pub fn load_catalogue_2021() -> Result<Catalogue, CatalogueError> {
    Catalogue::from_csv(
        edition_2021(),
        Sources {
            list: sources::HW_LIST_2021,
            categories: sources::HW_CATEGORIES_2021,
            exemptions: sources::HW_EXEMPTIONS_2021,
            general: sources::SW_CATEGORIES_2021,
        },
    )
}

/// The built-in catalogue, loaded once. The embedded data is checked by this crate's
/// tests, so loading it cannot fail in a released build.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| match load_catalogue_2021() {
        Ok(catalogue) => catalogue,
        Err(error) => panic!("the embedded catalogue is invalid: {error}"),
    })
}

/// A checker over the built-in packs and data, built once.
pub fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(catalogue().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_loads() {
        let catalogue = load_catalogue_2021().unwrap();
        assert_eq!(catalogue.entries().len(), 467);
        assert_eq!(catalogue.categories().len(), 46);
        assert_eq!(catalogue.edition().effective_from.to_string(), "2021-01-01");
    }
}
