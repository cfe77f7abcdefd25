//! Catalogue editions by date. A pack declares each edition of the list with the
//! day it took effect; an edition is in force until the next one declared in the
//! chain takes effect. The pack may carry an edition's table, or not — the 2016
//! list (in force until 2020-12-31) and the 2025 list (from 2025-01-01) are declared
//! without their tables today — and may name an earlier carried edition to check
//! against meanwhile (`stand_in`). Which of these holds on a document's legal date
//! decides whether catalogue rules run, against what, and what the report says:
//! never the wrong list cited, never a silent pass.

use super::{Catalogue, Edition};
use crate::model::Date;
use std::sync::Arc;

/// What a pack carries of an edition it declares.
#[derive(Debug, Clone)]
pub enum EditionTable {
    /// The edition's tables.
    Carried(Arc<Catalogue>),
    /// Not carried; the carried edition with this id is checked against meanwhile.
    StandIn(String),
    /// Not carried, and nothing stands in for it.
    NotCarried,
}

/// An edition a pack declares, with what it carries of it.
#[derive(Debug, Clone)]
pub struct DeclaredEdition {
    /// The edition: id, title, first day in force.
    pub edition: Edition,
    /// Its tables, a stand-in, or nothing.
    pub table: EditionTable,
}

impl DeclaredEdition {
    /// The edition's tables, when the pack carries them.
    pub fn carried(&self) -> Option<&Arc<Catalogue>> {
        match &self.table {
            EditionTable::Carried(table) => Some(table),
            _ => None,
        }
    }
}

/// The edition in force on a date, and the table to check against.
#[derive(Debug, Clone, Copy)]
pub enum InForce<'a> {
    /// The edition in force is carried.
    Carried(&'a Catalogue),
    /// The edition in force (`edition`) is not carried; `table`, an earlier edition,
    /// stands in for it.
    StandIn {
        /// The edition in force.
        edition: &'a Edition,
        /// The carried edition checked against instead.
        table: &'a Catalogue,
    },
    /// The edition in force is not carried and nothing stands in for it.
    NotCarried(&'a Edition),
    /// No declared edition is in force on the date (it is before the first).
    NoneDeclared,
}

impl<'a> InForce<'a> {
    /// The table checked against, if any.
    pub fn table(self) -> Option<&'a Catalogue> {
        match self {
            InForce::Carried(table) | InForce::StandIn { table, .. } => Some(table),
            InForce::NotCarried(_) | InForce::NoneDeclared => None,
        }
    }
}

/// A chain's declared editions, oldest first, with stand-ins resolved.
#[derive(Debug, Clone, Default)]
pub struct Editions {
    slots: Vec<Slot>,
}

#[derive(Debug, Clone)]
struct Slot {
    edition: Edition,
    table: Resolved,
}

#[derive(Debug, Clone)]
enum Resolved {
    Carried(Arc<Catalogue>),
    StandIn(Arc<Catalogue>),
    NotCarried,
}

impl Editions {
    /// The editions of a chain's packs, pooled and ordered by the day each took
    /// effect. Fails when two editions take effect on the same day, or a stand-in
    /// is not a carried edition that took effect earlier.
    pub fn new(declared: &[DeclaredEdition]) -> Result<Self, String> {
        let mut declared: Vec<&DeclaredEdition> = declared.iter().collect();
        crate::sorting::sort_by_key(&mut declared, |d| d.edition.effective_from);
        let mut slots: Vec<Slot> = Vec::with_capacity(declared.len());
        for (i, d) in declared.iter().enumerate() {
            if let Some(prev) = i.checked_sub(1).and_then(|p| declared.get(p))
                && prev.edition.effective_from == d.edition.effective_from
            {
                return Err(format!(
                    "catalogue editions `{}` and `{}` both take effect on {}",
                    prev.edition.id, d.edition.id, d.edition.effective_from
                ));
            }
            let table = match &d.table {
                EditionTable::Carried(table) => Resolved::Carried(table.clone()),
                EditionTable::NotCarried => Resolved::NotCarried,
                EditionTable::StandIn(id) => {
                    let earlier = declared.get(..i).unwrap_or_default();
                    match earlier
                        .iter()
                        .find(|e| e.edition.id == *id)
                        .and_then(|e| e.carried())
                    {
                        Some(table) => Resolved::StandIn(table.clone()),
                        None => {
                            return Err(format!(
                                "catalogue edition `{}` stands in for `{}`, but it is not a \
                                 carried edition that took effect earlier",
                                id, d.edition.id
                            ));
                        }
                    }
                }
            };
            slots.push(Slot {
                edition: d.edition.clone(),
                table,
            });
        }
        Ok(Editions { slots })
    }

    /// The edition in force on `date`; with no date, the newest declared.
    pub fn on(&self, date: Option<Date>) -> InForce<'_> {
        let slot = match date {
            None => self.slots.last(),
            Some(date) => self
                .slots
                .iter()
                .rev()
                .find(|s| s.edition.effective_from <= date),
        };
        match slot {
            None => InForce::NoneDeclared,
            Some(Slot {
                table: Resolved::Carried(table),
                ..
            }) => InForce::Carried(table),
            Some(Slot {
                edition,
                table: Resolved::StandIn(table),
            }) => InForce::StandIn { edition, table },
            Some(Slot {
                edition,
                table: Resolved::NotCarried,
            }) => InForce::NotCarried(edition),
        }
    }

    /// The newest carried edition (what scripts and catalogue searches read).
    pub fn newest_carried(&self) -> Option<&Arc<Catalogue>> {
        self.slots.iter().rev().find_map(|s| match &s.table {
            Resolved::Carried(table) => Some(table),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Sources;

    fn edition(id: &str, from: &str) -> Edition {
        Edition {
            id: id.into(),
            title_zh: format!("名录 {id}"),
            title_en: format!("list {id}"),
            effective_from: from.parse().unwrap(),
        }
    }

    fn carried(id: &str, from: &str) -> DeclaredEdition {
        let sources = Sources {
            list: "category_code,category_name,industry,waste_code,description,hazard_characteristics_raw\n",
            categories: "category_code,category_name\n",
            exemptions: "row,waste_code_or_category,description,exempt_stage,exempt_condition,exempt_content\n",
            general: "category_code,category_name\n",
        };
        let table = Catalogue::from_csv(edition(id, from), sources).unwrap();
        DeclaredEdition {
            edition: edition(id, from),
            table: EditionTable::Carried(Arc::new(table)),
        }
    }

    fn declared(id: &str, from: &str, table: EditionTable) -> DeclaredEdition {
        DeclaredEdition {
            edition: edition(id, from),
            table,
        }
    }

    fn id(found: InForce<'_>) -> String {
        match found {
            InForce::Carried(t) => format!("carried {}", t.edition().id),
            InForce::StandIn { edition, table } => {
                format!("{} in for {}", table.edition().id, edition.id)
            }
            InForce::NotCarried(e) => format!("not carried {}", e.id),
            InForce::NoneDeclared => "none".into(),
        }
    }

    #[test]
    fn each_date_finds_the_edition_in_force_and_what_stands_in() {
        let editions = Editions::new(&[
            declared(
                "hw-2025",
                "2025-01-01",
                EditionTable::StandIn("hw-2021".into()),
            ),
            carried("hw-2021", "2021-01-01"),
            declared("hw-2016", "2016-08-01", EditionTable::NotCarried),
        ])
        .unwrap();
        let on = |d: &str| id(editions.on(Some(d.parse().unwrap())));
        assert_eq!(on("2016-07-31"), "none");
        assert_eq!(on("2016-08-01"), "not carried hw-2016");
        assert_eq!(on("2020-12-31"), "not carried hw-2016");
        assert_eq!(on("2021-01-01"), "carried hw-2021");
        assert_eq!(on("2024-12-31"), "carried hw-2021");
        assert_eq!(on("2025-01-01"), "hw-2021 in for hw-2025");
        assert_eq!(id(editions.on(None)), "hw-2021 in for hw-2025");
        assert_eq!(editions.newest_carried().unwrap().edition().id, "hw-2021");
    }

    #[test]
    fn a_stand_in_must_be_an_earlier_carried_edition() {
        let later = Editions::new(&[
            declared(
                "hw-2016",
                "2016-08-01",
                EditionTable::StandIn("hw-2021".into()),
            ),
            carried("hw-2021", "2021-01-01"),
        ]);
        assert!(
            later
                .unwrap_err()
                .contains("`hw-2021` stands in for `hw-2016`")
        );
        let not_carried = Editions::new(&[
            declared("hw-2016", "2016-08-01", EditionTable::NotCarried),
            declared(
                "hw-2025",
                "2025-01-01",
                EditionTable::StandIn("hw-2016".into()),
            ),
        ]);
        assert!(not_carried.is_err());
        let same_day = Editions::new(&[
            carried("a", "2021-01-01"),
            declared("b", "2021-01-01", EditionTable::NotCarried),
        ]);
        assert!(
            same_day
                .unwrap_err()
                .contains("both take effect on 2021-01-01")
        );
    }
}
