//! The national pack's data files are what the project records about them (row
//! counts, the sha-256 of each file, known entries and days as printed in the
//! official sources), and the built-in catalogue holds exactly those files: every
//! field of the 467 list entries, the 46 categories, the 32 exemption items.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use wastecheck::catalogue::{ExemptionSubject, HazardRule};
use wastecheck::model::{Date, ExemptionStage, Hazard, WasteCode};

/// The national pack's folder, inside the repository.
fn pack_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules/packs/cn")
}

/// Reads a catalogue CSV independently of the core's loader.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    rows_in(&format!("catalogue/{name}"))
}

/// Reads a CSV of the national pack independently of the core's loader.
fn rows_in(name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(pack_dir().join(name)).unwrap();
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

/// What the project records about each data file of the national pack: its path
/// under `rules/packs/cn/`, its data rows (the header line not counted) and the
/// sha-256 of its bytes. The provenance of each file (official source, edition, date)
/// is in `rules/packs/cn/catalogue/README.md` and `rules/packs/cn/calendar/README.md`,
/// which state the same digests.
const RECORDED: [(&str, usize, &str); 5] = [
    (
        "catalogue/hw-list-2021.csv",
        467,
        "7ec5150e267a661c8ddcb4e7c19a41a9f8ba05003a4178416ab4cb805b051907",
    ),
    (
        "catalogue/hw-categories-2021.csv",
        46,
        "afff173d7cc43c337e4480d49b4c7822594d87f6c0aeb591322f300627863be8",
    ),
    (
        "catalogue/hw-exemptions-2021.csv",
        57,
        "556405da7afa03ab452de991c9fa6f4814dcf8e2bb5930a43a1b626aaf9e4d20",
    ),
    (
        "catalogue/sw-categories-2021.csv",
        17,
        "4db679f2765bb19665d8dd50a519ba330686024713ae5981b3996b0c8576a402",
    ),
    (
        "calendar/cn-holidays.csv",
        771,
        "75c1ff9bedcbf466bff01ecc1f280b0cb0f647576e1dac2688ed8d72803c90ad",
    ),
];

const UPDATE: &str = "If the change is intended (a corrected row, a new edition, a new \
    year of holidays), check it against the official source, state its provenance in the \
    folder's README.md with the new sha-256, and update RECORDED in tests/tests/catalogue.rs.";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn pack_data_is_as_recorded() {
    for (name, rows, digest) in RECORDED {
        let bytes = std::fs::read(pack_dir().join(name))
            .unwrap_or_else(|e| panic!("rules/packs/cn/{name}: {e}"));
        let actual = hex(&Sha256::digest(&bytes));
        assert_eq!(
            actual, digest,
            "rules/packs/cn/{name} has changed: its sha-256 is {actual}, the record says \
             {digest}. {UPDATE}"
        );
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let counted = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("rules/packs/cn/{name}: {e}"))
            .len();
        assert_eq!(
            counted, rows,
            "rules/packs/cn/{name}: {counted} data rows, the record says {rows}. {UPDATE}"
        );
    }
}

#[test]
fn every_data_file_is_recorded_and_its_digest_stated() {
    for folder in ["catalogue", "calendar"] {
        let readme = std::fs::read_to_string(pack_dir().join(folder).join("README.md"))
            .unwrap_or_else(|e| panic!("rules/packs/cn/{folder}/README.md: {e}"));
        for entry in std::fs::read_dir(pack_dir().join(folder)).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            if file == "README.md" {
                continue;
            }
            let name = format!("{folder}/{file}");
            let Some((_, _, digest)) = RECORDED.iter().find(|(n, _, _)| *n == name) else {
                panic!("rules/packs/cn/{name} is not in RECORDED. {UPDATE}");
            };
            assert!(
                readme.contains(digest),
                "rules/packs/cn/{folder}/README.md does not state the sha-256 of {file} \
                 ({digest})"
            );
        }
    }
}

/// Known entries, read independently of the core's loader, as printed in the
/// official attachment to 部令第15号 (《国家危险废物名录（2021年版）》).
#[test]
fn known_entries_are_as_printed() {
    let list = rows("hw-list-2021.csv");
    let entry = |code: &str| {
        list.iter()
            .find(|r| r["waste_code"] == code)
            .unwrap_or_else(|| panic!("{code} is not in hw-list-2021.csv"))
    };
    let fields = |code: &str| {
        let r = entry(code);
        (
            r["category_code"].as_str(),
            r["industry"].as_str(),
            r["hazard_characteristics_raw"].as_str(),
            r["source_pdf_page"].as_str(),
        )
    };
    // The first and the last row in the official order.
    assert_eq!(list[0]["waste_code"], "841-001-01");
    assert_eq!(list[466]["waste_code"], "900-049-50");
    assert_eq!(fields("841-001-01"), ("HW01", "卫生", "In", "3"));
    assert_eq!(
        fields("900-041-49"),
        ("HW49", "非特定行业", "T/In", "23"),
        "one of the 8 rows written with '/'"
    );
    assert_eq!(
        entry("900-041-49")["description"],
        "含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质"
    );
    assert_eq!(fields("900-249-08"), ("HW08", "非特定行业", "T,I", "7"));
    assert_eq!(
        entry("900-249-08")["description"],
        "其他生产、销售、使用过程中产生的废矿物油及沾染矿物油的废弃包装物"
    );
    // New in 2021; its industry is printed without 电子 (kept as printed).
    assert_eq!(
        fields("398-001-08"),
        ("HW08", "电子元件及专用材料制造", "T", "6")
    );
    // The symbol-font prime mapped to U+2032.
    assert!(entry("261-110-11")["description"].contains("4,4′-二羟基二苯砜"));
    assert!(list.iter().all(|r| r["verified"] == "yes"));

    let categories = rows("hw-categories-2021.csv");
    let name = |code: &str| {
        categories
            .iter()
            .find(|r| r["category_code"] == code)
            .map(|r| r["category_name"].as_str())
    };
    assert_eq!(name("HW08"), Some("废矿物油与含矿物油废物"));
    assert_eq!(
        name("HW48"),
        Some("有色金属采选和冶炼废物"),
        "the 2021 name"
    );
    assert_eq!(name("HW49"), Some("其他废物"));
    assert_eq!(name("HW41"), None, "HW41–HW44 are not used");

    let exemptions = rows("hw-exemptions-2021.csv");
    let item = |row: &str, subject: &str| {
        exemptions
            .iter()
            .find(|r| r["row"] == row && r["waste_code_or_category"] == subject)
            .unwrap_or_else(|| panic!("no exemption item {row} for {subject}"))
    };
    let rags = item("24", "900-041-49");
    assert_eq!(rags["description"], "废弃的含油抹布、劳保用品");
    assert_eq!(rags["exempt_stage"], "全部环节");
    assert_eq!(rags["exempt_condition"], "未分类收集。");
    assert_eq!(rags["exempt_content"], "全过程不按危险废物管理。");
    let drums = item("8", "900-249-08");
    assert_eq!(drums["description"], "废铁质油桶（不包括900-041-49类）");
    assert_eq!(drums["exempt_stage"], "利用");
    assert_eq!(
        item("1", "生活垃圾中的危险废物")["exempt_stage"],
        "全部环节"
    );
    assert_eq!(item("32", "-")["exempt_stage"], "利用");
    assert_eq!(exemptions[56]["row"], "32");

    let general = rows("sw-categories-2021.csv");
    let codes: Vec<&str> = general
        .iter()
        .map(|r| r["category_code"].as_str())
        .collect();
    assert_eq!(codes.first(), Some(&"SW01"));
    assert_eq!(codes.last(), Some(&"SW59"));
    assert!(!codes.contains(&"SW08"), "SW08 is not used");
}

/// The holiday calendar against the State Council's notices, read through the
/// built-in national chain.
#[test]
fn known_days_of_the_calendar() {
    let calendar = &rows_in("calendar/cn-holidays.csv");
    let kinds = |kind: &str| calendar.iter().filter(|r| r["kind"] == kind).count();
    assert_eq!((kinds("holiday"), kinds("workday")), (621, 150));
    assert_eq!(calendar[0]["date"], "2004-01-01");
    assert_eq!(calendar[770]["date"], "2026-10-10");

    let chain = wastecheck_rules::checker()
        .registry()
        .select(None, None)
        .unwrap()
        .clone();
    let calendar = chain
        .calendar
        .clone()
        .expect("the national pack has a calendar");
    let working = |date: &str| calendar.is_working_day(date.parse::<Date>().unwrap());
    // 2025 National Day and Mid-Autumn: 10-01…10-08 off,
    // Sunday 09-28 and Saturday 10-11 worked.
    for day in 1..=8 {
        assert_eq!(working(&format!("2025-10-{day:02}")), Some(false));
    }
    assert_eq!(working("2025-09-28"), Some(true));
    assert_eq!(working("2025-10-11"), Some(true));
    // 2026 Spring Festival: 02-15…02-23 off, Saturdays 02-14 and 02-28 worked.
    for day in 15..=23 {
        assert_eq!(working(&format!("2026-02-{day:02}")), Some(false));
    }
    assert_eq!(working("2026-02-14"), Some(true));
    assert_eq!(working("2026-02-28"), Some(true));
    // An ordinary week.
    assert_eq!(working("2026-03-02"), Some(true));
    assert_eq!(working("2026-03-07"), Some(false));
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

/// Search folds case in ASCII only (`Catalogue::search`): the same as Unicode's
/// folding as long as the catalogue has no other capital letter (it has lower-case
/// `α`, as in `α-氯甲苯`, which a query finds as typed).
#[test]
fn search_folds_the_case_of_every_capital_in_the_catalogue() {
    let catalogue = wastecheck_rules::catalogue();
    for entry in catalogue.entries() {
        for text in [&entry.description, &entry.industry] {
            let other: Vec<char> = text
                .chars()
                .filter(|c| !c.is_ascii() && c.is_uppercase())
                .collect();
            assert!(other.is_empty(), "{}: {other:?}", entry.code);
        }
    }
    let upper = catalogue.search("PCBS", 50);
    assert!(!upper.is_empty());
    assert_eq!(upper.len(), catalogue.search("pcbs", 50).len());
}
