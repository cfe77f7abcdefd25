//! Loading and looking up one catalogue edition.

use crate::csv_rows::{Rows, UnequalLengths};
use crate::model::{Category, Date, ExemptionStage, Hazard, WasteCode};
use std::sync::OnceLock;

/// Something wrong with catalogue data (a pack's CSV), with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The CSV could not be read.
    #[error("{file}: line {line}: {message}")]
    Csv {
        /// Which data file.
        file: &'static str,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A column the file must have is missing.
    #[error("{file}: missing column `{column}`")]
    MissingColumn {
        /// Which data file.
        file: &'static str,
        /// The column.
        column: &'static str,
    },
    /// The same code twice.
    #[error("{file}: line {line}: duplicate code {code}")]
    Duplicate {
        /// Which data file.
        file: &'static str,
        /// 1-based line.
        line: u64,
        /// The code.
        code: String,
    },
}

/// An edition of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Edition {
    /// Stable id, e.g. `hw-2021`.
    pub id: String,
    /// Title in Chinese, e.g. `国家危险废物名录（2021年版）`.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// First day in force.
    pub effective_from: Date,
}

/// How a list entry's hazard characteristics are to be read (the list's note 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum HazardRule {
    /// Written with ","; the waste has the first-listed characteristic and may have
    /// the others.
    FirstListed,
    /// Written with "/"; the waste has one or more of the listed characteristics.
    AnyOf,
}

/// The hazard characteristics of a list entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HazardSpec {
    /// The official string (`T,I` or `T/C/I/R`).
    pub raw: String,
    /// The characteristics listed, in order.
    pub listed: Vec<Hazard>,
    /// How to read them.
    pub rule: HazardRule,
}

impl HazardSpec {
    fn parse(raw: &str) -> Option<Self> {
        let rule = if raw.contains('/') {
            HazardRule::AnyOf
        } else {
            HazardRule::FirstListed
        };
        let listed = raw
            .split([',', '/'])
            .map(|token| token.trim().parse().ok())
            .collect::<Option<Vec<Hazard>>>()?;
        (!listed.is_empty()).then(|| HazardSpec {
            raw: raw.to_owned(),
            listed,
            rule,
        })
    }

    /// The characteristics a declaration must name at least one of: the first
    /// listed for "," entries, any listed for "/" entries.
    pub fn required(&self) -> &[Hazard] {
        match self.rule {
            HazardRule::FirstListed => self.listed.get(..1).unwrap_or_default(),
            HazardRule::AnyOf => &self.listed,
        }
    }

    /// Whether declared characteristics satisfy the entry: they include a required
    /// one. (Naming one the entry does not list is a separate question.)
    pub fn is_satisfied_by(&self, declared: &[Hazard]) -> bool {
        self.required().iter().any(|h| declared.contains(h))
    }
}

/// One entry of the hazardous waste list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// 废物代码.
    pub code: WasteCode,
    /// 废物类别.
    pub category: Category,
    /// 行业来源, as printed.
    pub industry: String,
    /// 危险废物 (description), as printed.
    pub description: String,
    /// 危险特性.
    pub hazards: HazardSpec,
}

/// A category of the list with its name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CategoryInfo {
    /// The category.
    pub category: Category,
    /// Its name (e.g. `其他废物`).
    pub name: String,
}

/// What an exemption item applies to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ExemptionSubject {
    /// Listed codes.
    Codes(Vec<WasteCode>),
    /// A whole category.
    Category(Category),
    /// A class of waste named in words (生活垃圾中的危险废物 …).
    Described(String),
    /// No code or category (点对点定向利用).
    Unspecified,
}

/// One line of the exemption list: an item at one stage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exemption {
    /// 序号 of the item (1–32 in 2021).
    pub item: u32,
    /// What it applies to.
    pub subject: ExemptionSubject,
    /// 危险废物 (description).
    pub description: String,
    /// 豁免环节, as printed.
    pub stage_text: String,
    /// The stages covered.
    pub stages: Vec<ExemptionStage>,
    /// 豁免条件.
    pub condition: String,
    /// 豁免内容.
    pub content: String,
}

impl Exemption {
    /// Whether this line exempts `code` at `stage`.
    pub fn covers(&self, code: &WasteCode, stage: ExemptionStage) -> bool {
        let stage_ok = self.stages.contains(&ExemptionStage::All) || self.stages.contains(&stage);
        let code_ok = match &self.subject {
            ExemptionSubject::Codes(codes) => codes.contains(code),
            ExemptionSubject::Category(category) => code.category() == *category,
            ExemptionSubject::Described(_) | ExemptionSubject::Unspecified => true,
        };
        stage_ok && code_ok
    }
}

/// One edition of the hazardous waste list with its exemption list and the general
/// industrial solid waste categories.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub(super) edition: Edition,
    pub(super) entries: Vec<Entry>,
    pub(super) by_code: foldhash::HashMap<WasteCode, usize>,
    pub(super) categories: Vec<CategoryInfo>,
    pub(super) general: Vec<CategoryInfo>,
    pub(super) exemptions: Vec<Exemption>,
    /// Lower-cased search keys, parallel to `entries`: code digits, description.
    /// Made on the first search: a checker that never searches does not pay for
    /// them (they were a tenth of loading the built-in packs).
    search_keys: OnceLock<Vec<super::search_keys::Keys>>,
}

/// The CSV texts of one edition.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The list: `category_code,category_name,industry,waste_code,description,hazard_characteristics_raw,…`.
    pub list: &'a str,
    /// The categories: `category_code,category_name`.
    pub categories: &'a str,
    /// The exemption list: `row,waste_code_or_category,description,exempt_stage,exempt_condition,exempt_content,…`.
    pub exemptions: &'a str,
    /// General industrial solid waste categories: `category_code,category_name`.
    pub general: &'a str,
}

/// One CSV file, read a row at a time into the same buffers: a row costs no
/// allocation (keeping every record made reading the catalogue 4,157 allocations
/// rather than 2,393).
struct Table<'a> {
    file: &'static str,
    rows: Rows<'a>,
    headers: Vec<String>,
}

impl<'a> Table<'a> {
    fn open(file: &'static str, text: &'a str) -> Result<Self, CatalogueError> {
        let (headers, rows) = Rows::open(text).map_err(|e| Self::csv_error(file, e))?;
        Ok(Table {
            file,
            rows,
            headers,
        })
    }

    fn csv_error(file: &'static str, e: UnequalLengths) -> CatalogueError {
        CatalogueError::Csv {
            file,
            line: e.line,
            message: e.to_string(),
        }
    }

    /// Reads the next row; its line, or `None` at the end.
    fn next_row(&mut self) -> Result<Option<u64>, CatalogueError> {
        let file = self.file;
        self.rows.next().map_err(|e| Self::csv_error(file, e))
    }

    /// Cell `index` of the current row (empty if the row is short).
    fn cell(&self, index: usize) -> &str {
        self.rows.cell(index)
    }

    fn column(&self, name: &'static str) -> Result<usize, CatalogueError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or(CatalogueError::MissingColumn {
                file: self.file,
                column: name,
            })
    }

    fn bad(&self, line: u64, message: String) -> CatalogueError {
        CatalogueError::Csv {
            file: self.file,
            line,
            message,
        }
    }
}

fn read_categories(mut table: Table<'_>) -> Result<Vec<CategoryInfo>, CatalogueError> {
    let (code, name) = (
        table.column("category_code")?,
        table.column("category_name")?,
    );
    let mut categories = Vec::new();
    while let Some(line) = table.next_row()? {
        categories.push(CategoryInfo {
            category: table
                .cell(code)
                .parse()
                .map_err(|e: crate::model::Problem| table.bad(line, e.to_string()))?,
            name: table.cell(name).to_owned(),
        });
    }
    Ok(categories)
}

fn exemption_stages(text: &str) -> Option<Vec<ExemptionStage>> {
    text.split('、')
        .map(|part| match part {
            "全部环节" => Some(ExemptionStage::All),
            "收集" => Some(ExemptionStage::Collection),
            "运输" => Some(ExemptionStage::Transport),
            "利用" => Some(ExemptionStage::Utilisation),
            "处置" => Some(ExemptionStage::Disposal),
            "贮存" => Some(ExemptionStage::Storage),
            _ => None,
        })
        .collect()
}

fn exemption_subject(text: &str) -> Result<ExemptionSubject, crate::model::Problem> {
    if text == "-" {
        return Ok(ExemptionSubject::Unspecified);
    }
    if text.starts_with("HW") || text.starts_with("SW") {
        return text.parse().map(ExemptionSubject::Category);
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return text
            .split("; ")
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(ExemptionSubject::Codes);
    }
    Ok(ExemptionSubject::Described(text.to_owned()))
}

impl Catalogue {
    /// Reads an edition from its CSV texts, checking every row: codes well formed
    /// and unique, each code's category digits equal to its category, hazard
    /// characteristics only T, C, I, R, In, exemption codes all in the list.
    #[inline(never)] // see `pack::load::read_digested_pack`
    pub fn from_csv(edition: Edition, sources: Sources<'_>) -> Result<Self, CatalogueError> {
        let categories = read_categories(Table::open("categories", sources.categories)?)?;
        let general = read_categories(Table::open("general", sources.general)?)?;

        let mut list = Table::open("list", sources.list)?;
        let (category, industry, code, description, hazards) = (
            list.column("category_code")?,
            list.column("industry")?,
            list.column("waste_code")?,
            list.column("description")?,
            list.column("hazard_characteristics_raw")?,
        );
        let mut entries = Vec::new();
        let mut by_code = foldhash::HashMap::default();
        while let Some(line) = list.next_row()? {
            let code: WasteCode = list
                .cell(code)
                .parse()
                .map_err(|e: crate::model::Problem| list.bad(line, e.to_string()))?;
            let category: Category = list
                .cell(category)
                .parse()
                .map_err(|e: crate::model::Problem| list.bad(line, e.to_string()))?;
            if code.category() != category {
                return Err(list.bad(line, format!("{code} is not in {category}")));
            }
            let hazards = HazardSpec::parse(list.cell(hazards)).ok_or_else(|| {
                list.bad(
                    line,
                    format!("bad hazard characteristics `{}`", list.cell(hazards)),
                )
            })?;
            if by_code.insert(code.clone(), entries.len()).is_some() {
                return Err(CatalogueError::Duplicate {
                    file: "list",
                    line,
                    code: code.to_string(),
                });
            }
            entries.push(Entry {
                code,
                category,
                industry: list.cell(industry).to_owned(),
                description: list.cell(description).to_owned(),
                hazards,
            });
        }

        let mut table = Table::open("exemptions", sources.exemptions)?;
        let (item, subject, description, stage, condition, content) = (
            table.column("row")?,
            table.column("waste_code_or_category")?,
            table.column("description")?,
            table.column("exempt_stage")?,
            table.column("exempt_condition")?,
            table.column("exempt_content")?,
        );
        let mut exemptions = Vec::new();
        while let Some(line) = table.next_row()? {
            let subject = exemption_subject(table.cell(subject))
                .map_err(|e| table.bad(line, e.to_string()))?;
            if let ExemptionSubject::Codes(codes) = &subject
                && let Some(unknown) = codes.iter().find(|c| !by_code.contains_key(*c))
            {
                return Err(table.bad(line, format!("{unknown} is not in the list")));
            }
            let stage_text = table.cell(stage);
            exemptions.push(Exemption {
                item: table
                    .cell(item)
                    .parse()
                    .map_err(|_| table.bad(line, format!("bad item `{}`", table.cell(item))))?,
                subject,
                description: table.cell(description).to_owned(),
                stage_text: stage_text.to_owned(),
                stages: exemption_stages(stage_text)
                    .ok_or_else(|| table.bad(line, format!("bad stage `{stage_text}`")))?,
                condition: table.cell(condition).to_owned(),
                content: table.cell(content).to_owned(),
            });
        }

        Ok(Catalogue {
            edition,
            entries,
            by_code,
            categories,
            general,
            exemptions,
            search_keys: OnceLock::new(),
        })
    }

    /// The search keys, parallel to `entries`.
    pub(super) fn search_keys(&self) -> &[super::search_keys::Keys] {
        self.search_keys.get_or_init(|| {
            self.entries
                .iter()
                .map(|e| {
                    super::search_keys::Keys::of(&e.code, &e.category, &e.description, &e.industry)
                })
                .collect()
        })
    }

    /// The edition.
    pub fn edition(&self) -> &Edition {
        &self.edition
    }

    /// Every entry, in the official order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for a code, if the code is in this edition.
    pub fn get(&self, code: &WasteCode) -> Option<&Entry> {
        self.by_code.get(code).and_then(|i| self.entries.get(*i))
    }

    /// The entries of a category, in the official order.
    pub fn in_category(&self, category: Category) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.category == category)
    }

    /// The hazardous waste categories with their names.
    pub fn categories(&self) -> &[CategoryInfo] {
        &self.categories
    }

    /// The name of a hazardous or general category, if this edition has it.
    pub fn category_name(&self, category: Category) -> Option<&str> {
        self.categories
            .iter()
            .chain(&self.general)
            .find(|c| c.category == category)
            .map(|c| c.name.as_str())
    }

    /// The general industrial solid waste categories.
    pub fn general_categories(&self) -> &[CategoryInfo] {
        &self.general
    }

    /// Every line of the exemption list.
    pub fn exemptions(&self) -> &[Exemption] {
        &self.exemptions
    }

    /// The lines of exemption item `item` (one per stage).
    pub fn exemption_item(&self, item: u32) -> impl Iterator<Item = &Exemption> {
        self.exemptions.iter().filter(move |e| e.item == item)
    }
}
