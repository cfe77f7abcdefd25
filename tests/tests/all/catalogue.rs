//! The built-in catalogue holds exactly the reference data: every field of the 467
//! list entries, the 46 categories, the 32 exemption items.

use std::collections::HashMap;
use std::path::PathBuf;
use wastecheck::catalogue::{ExemptionSubject, HazardRule};
use wastecheck::model::{ExemptionStage, Hazard, WasteCode};

fn pack_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../rules/packs/cn/catalogue")
        .join(name)
}

/// Reads a CSV independently of the core's loader.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(pack_file(name)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn pack_data_is_the_reference_data() {
    // CI and developers have the project's shared reference data beside the
    // checkout; the pack must carry it unchanged.
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    assert!(
        shared.is_dir(),
        "reference data not found at {}",
        shared.display()
    );
    for name in [
        "hw-list-2021.csv",
        "hw-categories-2021.csv",
        "hw-exemptions-2021.csv",
    ] {
        let reference = std::fs::read(shared.join(name)).unwrap();
        let packed = std::fs::read(pack_file(name)).unwrap();
        assert!(
            reference == packed,
            "{name} differs from the reference data"
        );
    }
}

#[test]
fn every_list_entry_matches_field_by_field() {
    let catalogue = wastecheck_rules::catalogue();
    let reference = rows("hw-list-2021.csv");
    assert_eq!(reference.len(), 467);
    assert_eq!(catalogue.entries().len(), 467);
    for (row, entry) in reference.iter().zip(catalogue.entries()) {
        assert_eq!(entry.code.as_str(), row["waste_code"]);
        assert_eq!(entry.category.to_string(), row["category_code"]);
        assert_eq!(entry.industry, row["industry"], "{}", entry.code);
        assert_eq!(entry.description, row["description"], "{}", entry.code);
        assert_eq!(
            entry.hazards.raw, row["hazard_characteristics_raw"],
            "{}",
            entry.code
        );
        let tokens: Vec<String> = entry
            .hazards
            .listed
            .iter()
            .map(|h| h.symbol().to_owned())
            .collect();
        assert_eq!(
            tokens.join(","),
            row["hazard_characteristics"],
            "{}",
            entry.code
        );
        assert_eq!(
            catalogue.category_name(entry.category),
            Some(row["category_name"].as_str()),
            "{}",
            entry.code
        );
        let code: WasteCode = row["waste_code"].parse().unwrap();
        assert_eq!(catalogue.get(&code), Some(entry));
    }
}

#[test]
fn categories_and_counts() {
    let catalogue = wastecheck_rules::catalogue();
    assert_eq!(catalogue.categories().len(), 46);
    let counts = [
        ("HW01", 5),
        ("HW02", 20),
        ("HW03", 1),
        ("HW04", 13),
        ("HW05", 7),
        ("HW06", 6),
        ("HW07", 6),
        ("HW08", 32),
        ("HW09", 3),
        ("HW10", 4),
        ("HW11", 85),
        ("HW12", 20),
        ("HW13", 8),
        ("HW14", 1),
        ("HW15", 4),
        ("HW16", 8),
        ("HW17", 21),
        ("HW18", 4),
        ("HW19", 1),
        ("HW20", 1),
        ("HW21", 13),
        ("HW22", 4),
        ("HW23", 4),
        ("HW24", 1),
        ("HW25", 1),
        ("HW26", 1),
        ("HW27", 2),
        ("HW28", 1),
        ("HW29", 22),
        ("HW30", 1),
        ("HW31", 6),
        ("HW32", 1),
        ("HW33", 5),
        ("HW34", 19),
        ("HW35", 12),
        ("HW36", 9),
        ("HW37", 4),
        ("HW38", 7),
        ("HW39", 2),
        ("HW40", 1),
        ("HW45", 8),
        ("HW46", 3),
        ("HW47", 2),
        ("HW48", 33),
        ("HW49", 11),
        ("HW50", 44),
    ];
    for (category, count) in counts {
        let category = category.parse().unwrap();
        assert_eq!(catalogue.in_category(category).count(), count, "{category}");
    }
    assert_eq!(
        catalogue.category_name("HW48".parse().unwrap()),
        Some("有色金属采选和冶炼废物")
    );
    assert!(catalogue.category_name("SW59".parse().unwrap()).is_some());
}

#[test]
fn hazard_separators_keep_their_meaning() {
    let catalogue = wastecheck_rules::catalogue();
    let any_of = catalogue
        .entries()
        .iter()
        .filter(|e| e.hazards.rule == HazardRule::AnyOf)
        .count();
    assert_eq!(any_of, 8, "the list has 8 rows written with '/'");
    let lab: WasteCode = "900-047-49".parse().unwrap();
    let entry = catalogue.get(&lab).unwrap();
    assert_eq!(entry.hazards.rule, HazardRule::AnyOf);
    assert!(entry.hazards.is_satisfied_by(&[Hazard::C]));
    let first_listed = catalogue
        .entries()
        .iter()
        .find(|e| e.hazards.raw == "T,I")
        .unwrap();
    assert!(first_listed.hazards.is_satisfied_by(&[Hazard::T]));
    assert!(
        !first_listed.hazards.is_satisfied_by(&[Hazard::I]),
        "T,I requires T"
    );
}

#[test]
fn the_exemption_list_has_its_32_items() {
    let catalogue = wastecheck_rules::catalogue();
    let reference = rows("hw-exemptions-2021.csv");
    assert_eq!(catalogue.exemptions().len(), reference.len());
    assert_eq!(reference.len(), 57);
    let mut items: Vec<u32> = catalogue.exemptions().iter().map(|e| e.item).collect();
    items.dedup();
    assert_eq!(items, (1..=32).collect::<Vec<_>>());
    for (row, exemption) in reference.iter().zip(catalogue.exemptions()) {
        assert_eq!(exemption.item.to_string(), row["row"]);
        assert_eq!(exemption.description, row["description"]);
        assert_eq!(exemption.stage_text, row["exempt_stage"]);
        assert_eq!(exemption.condition, row["exempt_condition"]);
        assert_eq!(exemption.content, row["exempt_content"]);
        let subject = &row["waste_code_or_category"];
        match &exemption.subject {
            ExemptionSubject::Codes(codes) => {
                let joined: Vec<&str> = codes.iter().map(WasteCode::as_str).collect();
                assert_eq!(&joined.join("; "), subject);
            }
            ExemptionSubject::Category(category) => assert_eq!(&category.to_string(), subject),
            ExemptionSubject::Described(text) => assert_eq!(text, subject),
            ExemptionSubject::Unspecified => assert_eq!(subject, "-"),
        }
    }
    // 900-041-49 (废弃的含油抹布、劳保用品) is exempt at every stage when mixed
    // with household waste.
    let rags: WasteCode = "900-041-49".parse().unwrap();
    assert!(
        catalogue
            .exemptions()
            .iter()
            .any(|e| e.covers(&rags, ExemptionStage::Transport))
    );
}

#[test]
fn search_ranks_codes_then_categories_then_text() {
    let catalogue = wastecheck_rules::catalogue();
    let hits = catalogue.search("900-041-49", 5);
    assert_eq!(hits[0].entry.code.as_str(), "900-041-49");
    assert_eq!(hits.len(), 1);
    let hits = catalogue.search("90004", 20);
    assert!(
        hits.iter()
            .all(|h| h.entry.code.as_str().starts_with("900-04"))
    );
    let codes: Vec<&str> = hits.iter().map(|h| h.entry.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "code prefixes come in code order");
    let hits = catalogue.search("HW01", 10);
    assert_eq!(hits.len(), 5);
    let hits = catalogue.search("废矿物油", 50);
    assert_eq!(hits.len(), 9, "every entry that mentions it");
    assert!(
        hits.iter()
            .all(|h| h.entry.description.contains("废矿物油")
                || h.entry.industry.contains("废矿物油"))
    );
    assert!(catalogue.search("   ", 10).is_empty());
    assert!(catalogue.search("no such waste", 10).is_empty());
    assert_eq!(catalogue.search("废", 7).len(), 7, "limit is respected");
}
