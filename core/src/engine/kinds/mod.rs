//! The vocabulary of declarative check kinds. Each kind is one file: it reads its
//! parameters from a rule's `[check]` table once, at pack load, into a native
//! closure-like struct, and runs over typed documents with no parsing.

mod age;
mod args;
mod balance;
mod catalogue_category;
mod catalogue_code;
mod catalogue_edition;
mod catalogue_exemption;
mod catalogue_hazards;
mod code_parts;
mod deadline;
mod exempt;
mod fact_match;
mod fact_ref;
mod fact_total;
pub(crate) mod in_force;
mod kept_apart;
mod licence_capacity;
pub(crate) mod licence_scope;
mod limits;
mod params;
mod plan_lists;
mod region_relation;
mod required;
mod same_party;
mod threshold;
mod track_match;
mod working_days;
mod yearly_target;

pub use args::{Args, Ref, number};
pub use params::{COMMON, Param, ParamType};

use crate::calendar::Calendar;
use crate::catalogue::{Catalogue, InForce};
use crate::engine::fact_index::IndexedFacts;
use crate::model::node::Node;
use crate::model::{Date, DocumentKind};
use crate::report::Severity;
use crate::report::{Choice, Guidance};
pub use crate::report::{ReasonCode, Unevaluable};
use serde_json::{Map, Value};

/// What a check sees while it runs.
#[derive(Debug, Clone, Copy)]
pub struct RunCx<'a> {
    /// The document's kind.
    pub kind: DocumentKind,
    /// The document's root.
    pub root: Node<'a>,
    /// The item bound by `each`, and where it is.
    pub item: Option<(Node<'a>, ItemPath<'a>)>,
    /// The facts the host passed.
    pub facts: &'a IndexedFacts,
    /// The legal date.
    pub as_of: Option<Date>,
    /// The catalogue edition in force on the legal date, and the table to check
    /// against (read through [`RunCx::catalogue`]).
    pub edition: InForce<'a>,
    /// The working-day calendar, if the chain has one.
    pub calendar: Option<&'a Calendar>,
    /// What checks of this document worked out once for all its items (none: work
    /// everything out each time).
    pub memo: Option<&'a Memo>,
}

/// Where the item bound by `each` is: an item of a list, or a record named by its
/// own pointer. Its JSON Pointer is written out only for a finding, so that
/// running a rule over the items of a list allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemPath<'a> {
    at: &'a str,
    index: Option<usize>,
}

impl<'a> ItemPath<'a> {
    /// The record at the pointer `at`.
    pub fn of(at: &'a str) -> ItemPath<'a> {
        ItemPath { at, index: None }
    }

    /// Item `index` of the list at the pointer `list`.
    pub fn in_list(list: &'a str, index: usize) -> ItemPath<'a> {
        ItemPath {
            at: list,
            index: Some(index),
        }
    }

    /// The pointer of what holds the item: its list (`/wastes` for `/wastes/2`).
    pub fn parent(&self) -> &'a str {
        match self.index {
            Some(_) => self.at,
            None => self.at.rsplit_once('/').map_or("", |(parent, _)| parent),
        }
    }

    /// The item's JSON Pointer, with `then` appended (`/wastes/2` + `/code`).
    pub fn pointer_to(&self, then: &str) -> String {
        let mut path = match self.index {
            Some(index) => crate::json::pointer::item(self.at, index),
            None => self.at.to_owned(),
        };
        path.push_str(then);
        path
    }
}

/// What a check of one document works out once and reuses on the document's other
/// items: the receivers offered to every failing line of a list are the same for
/// each line, and finding them reads every licence holder of that waste.
#[derive(Debug, Default)]
pub struct Memo {
    offers: std::cell::RefCell<Vec<(String, Vec<Choice>)>>,
}

impl Memo {
    /// The choices worked out under `key`, worked out by `make` the first time.
    pub(crate) fn offers(&self, key: String, make: impl FnOnce() -> Vec<Choice>) -> Vec<Choice> {
        if let Some((_, found)) = self.offers.borrow().iter().find(|(k, _)| *k == key) {
            return found.clone();
        }
        let made = make();
        self.offers.borrow_mut().push((key, made.clone()));
        made
    }
}

impl<'a> RunCx<'a> {
    /// Resolves a parameter reference: item-relative or from the root.
    pub fn get(&self, reference: &Ref) -> Node<'a> {
        match (&self.item, reference.absolute) {
            (Some((item, _)), false) => reference.pointer.resolve(*item),
            _ => reference.pointer.resolve(self.root),
        }
    }

    /// The catalogue table to check against on the legal date — the edition in
    /// force, or what stands in for it — or, when the packs carry neither, why the
    /// rule cannot be evaluated (never a check against another edition).
    pub fn catalogue(&self) -> Result<&'a Catalogue, Unevaluable> {
        self.edition
            .table()
            .ok_or_else(|| Unevaluable::catalogue_not_carried(self.edition, self.as_of))
    }

    /// The JSON Pointer of a reference in the submitted document.
    pub fn path(&self, reference: &Ref) -> String {
        match (&self.item, reference.absolute) {
            (Some((_, at)), false) => at.pointer_to(reference.pointer.as_str()),
            _ => reference.pointer.as_str().to_owned(),
        }
    }
}

/// One finding of a check: where, with which message parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// JSON Pointer into the submitted document.
    pub path: String,
    /// Message parameters.
    pub params: Map<String, Value>,
    /// A severity other than the rule's (threshold bands).
    pub severity: Option<Severity>,
    /// What would resolve it: the candidates a kind offers (its [`Kind::offers`]),
    /// which a rule's `[fix]` offers or not; or what a script returned with it.
    pub offered: Guidance,
}

impl Finding {
    /// A finding at `path` with `params`.
    pub fn new<'k>(path: String, params: impl IntoIterator<Item = (&'k str, Value)>) -> Self {
        Finding {
            path,
            params: crate::sorting::map_from(params.into_iter().map(|(k, v)| (k.to_owned(), v))),
            severity: None,
            offered: Guidance::default(),
        }
    }

    /// With the candidates that would resolve it.
    pub fn offering(mut self, candidates: Vec<Choice>) -> Self {
        self.offered.choices = candidates;
        self
    }
}

/// A compiled declarative check. Not `Debug` itself: a trait object's vtable keeps
/// its `Debug`, and every check kind's `Debug` code was then in the browser module.
pub trait Check: Send + Sync {
    /// Runs the check, adding its findings to `out`.
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable>;

    /// Message parameters named in the rule's `[check]` (a group's keys, say),
    /// besides the kind's own.
    fn named_params(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A compiled check shows its shape only (see [`Check`]).
impl std::fmt::Debug for dyn Check + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

/// A kind: its name, the parameters its findings carry (message placeholders may
/// use only these), its `[check]` parameters, what it finds, and its compiler.
pub struct Kind {
    /// The `kind = "…"` name.
    pub name: &'static str,
    /// The message parameters its findings carry.
    pub provides: &'static [&'static str],
    /// The parameters of its `[check]` table (besides `kind` and [`COMMON`]).
    pub params: &'static [Param],
    /// What it reports, in a line (the spec's table).
    pub finds: &'static str,
    /// The candidates its findings carry that would resolve them (`receivers`,
    /// `vehicles`…), which a rule offers with `[fix] candidates = "…"`.
    pub offers: Option<&'static str>,
    /// Reads the `[check]` table, once it is checked against `params`.
    pub compile: fn(&mut Args<'_>) -> Option<Box<dyn Check>>,
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Every kind, by name.
pub const KINDS: &[Kind] = &[
    required::KIND,
    catalogue_code::KIND,
    catalogue_category::KIND,
    catalogue_hazards::KIND,
    catalogue_exemption::KIND,
    catalogue_edition::KIND,
    in_force::KIND,
    licence_scope::KIND,
    licence_capacity::KIND,
    plan_lists::KIND,
    working_days::KIND,
    threshold::KIND,
    region_relation::KIND,
    balance::KIND,
    fact_ref::KIND,
    code_parts::KIND,
    deadline::KIND,
    kept_apart::KIND,
    limits::KIND,
    fact_total::KIND,
    age::KIND,
    track_match::KIND,
    fact_match::KIND,
    same_party::KIND,
    yearly_target::KIND,
];

/// Checks a `[check]` table against its kind's declared parameters, then compiles
/// it with its kind, and the options every kind takes ([`COMMON`]):
///
/// - `show = { NAME = "pointer" }`: the text of a document field added to each
///   finding's parameters as `NAME` (a list of pointers: the first one given), so a
///   message can name the waste code or the regions next to what the kind reports;
///   `{ field = "site_type", labels = { general_class_i = { zh-CN = "…", en = "…" } } }`
///   shows a value by its label in both languages;
/// - `rename = { NAME = "provided" }`: a parameter the kind provides, carried under
///   the name the rule's messages use.
///
/// Returns the check and the names of the parameters its findings carry.
pub fn compile(kind: &Kind, args: &mut Args<'_>) -> (Option<Box<dyn Check>>, Vec<String>) {
    args.check_declared(kind.name, kind.params);
    let show = shown(args);
    let rename = args.names_by_key("rename");
    let mut provides: Vec<String> = kind.provides.iter().map(|p| (*p).to_owned()).collect();
    for (new, old) in &rename {
        if !kind.provides.contains(&old.as_str()) {
            args.problems.push(format!(
                "`rename.{new}` = \"{old}\": `{}` provides no `{old}`",
                kind.name
            ));
        }
        provides.retain(|p| p != old);
    }
    for name in rename
        .iter()
        .map(|(new, _)| new)
        .chain(show.iter().map(|s| &s.name))
    {
        if provides.contains(name) {
            args.problems.push(format!(
                "`{name}` is already a parameter of `{}`'s findings",
                kind.name
            ));
        }
        provides.push(name.clone());
    }
    let check = (kind.compile)(args);
    for name in check.iter().flat_map(|c| c.named_params()) {
        if provides.contains(&name) {
            args.problems.push(format!(
                "`{name}` is already a parameter of `{}`'s findings",
                kind.name
            ));
        }
        provides.push(name);
    }
    let check = match check {
        Some(check) if !show.is_empty() || !rename.is_empty() => Some(Box::new(Shown {
            check,
            show,
            rename,
        }) as Box<dyn Check>),
        other => other,
    };
    (check, provides)
}

/// A document field shown in findings.
#[derive(Debug)]
struct Show {
    name: String,
    fields: Vec<Ref>,
    labels: Map<String, Value>,
}

/// Reads `show`.
fn shown(args: &mut Args<'_>) -> Vec<Show> {
    let Some(table) = args.optional_table("show") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in table {
        let at = format!("show.{name}");
        let (texts, labels): (Vec<&str>, Option<&Map<String, Value>>) = match value {
            Value::String(s) => (vec![s.as_str()], None),
            Value::Array(items) => (items.iter().filter_map(Value::as_str).collect(), None),
            Value::Object(t) => (
                match t.get("field") {
                    Some(Value::String(s)) => vec![s.as_str()],
                    Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                },
                t.get("labels").and_then(Value::as_object),
            ),
            _ => (Vec::new(), None),
        };
        if texts.is_empty() {
            args.problems.push(format!(
                "`{at}` must be a JSON Pointer, a list of them, or {{ field = \"…\", labels = {{ … }} }}"
            ));
            continue;
        }
        let mut map = Map::new();
        for (key, label) in labels.into_iter().flatten() {
            let pair = label
                .as_object()
                .and_then(|l| Some((l.get("zh-CN")?.as_str()?, l.get("en")?.as_str()?)));
            match pair {
                Some((zh, en)) => {
                    map.insert(key.clone(), serde_json::json!({"zh-CN": zh, "en": en}));
                }
                None => args.problems.push(format!(
                    "`{at}.labels.{key}` must be {{ zh-CN = \"…\", en = \"…\" }}"
                )),
            }
        }
        let fields = texts
            .iter()
            .filter_map(|t| args.reference_in(&at, t))
            .collect();
        out.push(Show {
            name: name.clone(),
            fields,
            labels: map,
        });
    }
    out
}

/// A check whose findings carry document fields and renamed parameters.
#[derive(Debug)]
struct Shown {
    check: Box<dyn Check>,
    show: Vec<Show>,
    rename: Vec<(String, String)>,
}

impl Check for Shown {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let start = out.len();
        self.check.run(cx, out)?;
        for finding in out.iter_mut().skip(start) {
            for (new, old) in &self.rename {
                let value = finding.params.remove(old).unwrap_or(Value::Null);
                finding.params.insert(new.clone(), value);
            }
            for show in &self.show {
                let value = match first_given(cx, &show.fields).text() {
                    Some(t) => show
                        .labels
                        .get(t.as_ref())
                        .cloned()
                        .unwrap_or_else(|| Value::String(t.into_owned())),
                    None => Value::Null,
                };
                finding.params.insert(show.name.clone(), value);
            }
        }
        Ok(())
    }
}

/// The first of `refs` the document gives.
pub(crate) fn first_given<'a>(cx: &RunCx<'a>, refs: &[Ref]) -> Node<'a> {
    refs.iter()
        .map(|r| cx.get(r))
        .find(Node::is_present)
        .unwrap_or(Node::Absent)
}

/// The kind called `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// A value for a message parameter.
/// A ratio as a percentage with `places` decimals and no trailing zeros (`"104.5"`),
/// or `None` when it is too large to show (a ratio over about 10^26).
pub(crate) fn percent(ratio: rust_decimal::Decimal, places: u32) -> Option<String> {
    ratio
        .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
        .map(|p| p.round_dp(places).normalize().to_string())
}

/// The exact sum, or `None` when it overflows (a figure no real document has, so
/// the check skips it rather than report a made-up total).
pub(crate) fn checked_sum(
    items: impl IntoIterator<Item = rust_decimal::Decimal>,
) -> Option<rust_decimal::Decimal> {
    items
        .into_iter()
        .try_fold(rust_decimal::Decimal::ZERO, |sum, d| sum.checked_add(d))
}

/// Whether a fact record (a licence, permit, approval…) is in force on `date` (both
/// ends inclusive; an open end is unbounded, a missing start is not in force).
pub(crate) fn in_force_on(record: &Node<'_>, date: Date) -> bool {
    let from = record.member("valid_from").date();
    let until = record.member("valid_until").date();
    from.is_some_and(|from| from <= date) && until.is_none_or(|until| date <= until)
}

pub(crate) fn text(node: &Node<'_>) -> Value {
    node.text()
        .map_or(Value::Null, |t| Value::String(t.into_owned()))
}

/// Running one check over a small document, for the kinds' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::engine::chain::run_native;
    use crate::json::pointer::Pointer;
    use crate::model::node::document_node;
    use crate::model::{decode_document, decode_facts, kind_of};
    use std::sync::OnceLock;

    pub(crate) fn catalogue() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::from_csv(
                crate::catalogue::Edition {
                    id: "hw-2021".into(),
                    title_zh: "国家危险废物名录（2021年版）".into(),
                    title_en: "National Hazardous Waste List (2021 edition)".into(),
                    effective_from: "2021-01-01".parse().unwrap(),
                },
                crate::catalogue::Sources {
                    list: include_str!("../../../../rules/packs/cn/catalogue/hw-list-2021.csv"),
                    categories: include_str!(
                        "../../../../rules/packs/cn/catalogue/hw-categories-2021.csv"
                    ),
                    exemptions: include_str!(
                        "../../../../rules/packs/cn/catalogue/hw-exemptions-2021.csv"
                    ),
                    general: include_str!(
                        "../../../../rules/packs/cn/catalogue/sw-categories-2021.csv"
                    ),
                },
            )
            .unwrap()
        })
    }

    pub(crate) fn calendar() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            Calendar::from_csv(
                include_str!("../../../../rules/packs/cn/calendar/cn-holidays.csv"),
                "2026-12-31".parse().unwrap(),
            )
            .unwrap()
        })
    }

    /// Compiles `check` (a TOML `[check]` body) and runs it over `document`, once,
    /// or once per item of `each`. Compile problems come back as `Err`.
    pub(crate) fn run(
        check: &str,
        each: Option<&str>,
        document: Value,
        facts: Option<Value>,
    ) -> Result<Result<Vec<Finding>, String>, Vec<String>> {
        let table: Map<String, Value> = toml::from_str(check).unwrap();
        let params = [
            ("limit".to_owned(), serde_json::json!(5)),
            (
                "codes".to_owned(),
                Value::Array(vec!["900-214-08".into(), "900-044-49".into()]),
            ),
        ]
        .into_iter()
        .collect();
        let kind = super::kind(table["kind"].as_str().unwrap()).unwrap();
        let mut args = Args::new(&table, &params, each.is_some());
        let (compiled, _) = super::compile(kind, &mut args);
        if !args.problems.is_empty() {
            return Err(args.problems);
        }
        let compiled = compiled.unwrap();
        let doc_kind = kind_of(&document).unwrap().unwrap();
        let (decoded, _) = decode_document(doc_kind, &document);
        let decoded = decoded.unwrap();
        let decoded_facts = IndexedFacts::new(
            facts
                .as_ref()
                .map(|f| decode_facts(f).0)
                .unwrap_or_default(),
        );
        let memo = Memo::default();
        let cx = RunCx {
            kind: doc_kind,
            root: document_node(&decoded),
            item: None,
            facts: &decoded_facts,
            as_of: None,
            edition: InForce::Carried(catalogue()),
            calendar: Some(calendar()),
            memo: Some(&memo),
        };
        let mut out = Vec::new();
        let each = each.map(Pointer::parse);
        Ok(
            run_native(compiled.as_ref(), each.as_ref(), None, &cx, &mut out)
                .map(|()| out)
                .map_err(|e| e.to_string()),
        )
    }

    /// The paths of the findings.
    pub(crate) fn paths(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.path.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::run;
    use serde_json::json;

    #[test]
    fn an_item_path_is_written_out_with_its_list_or_as_its_record() {
        let line = super::ItemPath::in_list("/wastes", 12);
        assert_eq!(line.parent(), "/wastes");
        assert_eq!(line.pointer_to(""), "/wastes/12");
        assert_eq!(line.pointer_to("/code"), "/wastes/12/code");
        // A record `each` names is offered what holds it.
        let record = super::ItemPath::of("/receiver");
        assert_eq!(record.parent(), "");
        assert_eq!(record.pointer_to("/credit_code"), "/receiver/credit_code");
        assert_eq!(super::ItemPath::of("/a/b").parent(), "/a");
    }

    #[test]
    fn a_memo_works_out_each_key_once() {
        let memo = super::Memo::default();
        let made = std::cell::Cell::new(0);
        let make = |label: &str| {
            made.set(made.get() + 1);
            vec![super::Choice::at(
                "/receiver/credit_code",
                json!(label),
                crate::locale::Bilingual {
                    zh: label.into(),
                    en: label.into(),
                },
                false,
            )]
        };
        let first = memo.offers("a".into(), || make("a"));
        assert_eq!(memo.offers("a".into(), || make("x")), first);
        assert_ne!(memo.offers("b".into(), || make("b")), first);
        assert_eq!(made.get(), 2);
    }

    #[test]
    fn show_and_rename_name_the_parameters_for_the_messages() {
        let check = "kind = \"fact-ref\"\nfield = \"/track_id\"\nfact = \"tracks\"\nrename = { track = \"value\" }\nshow = { plate = [\"/carrier/plate\", \"/carrier/vehicle_plate\"] }";
        let doc = json!({"kind": "manifest", "track_id": "T-2", "carrier": {"vehicle_plate": "浙D12345"}});
        let found = run(check, None, doc, Some(json!({"tracks": []})))
            .unwrap()
            .unwrap();
        assert_eq!(found[0].params["track"], "T-2");
        assert!(!found[0].params.contains_key("value"));
        assert_eq!(found[0].params["plate"], "浙D12345", "the first given");
        let labelled = "kind = \"fact-ref\"\nfield = \"/track_id\"\nfact = \"tracks\"\nshow = { stage = { field = \"/stage\", labels = { draft = { zh-CN = \"草稿\", en = \"draft\" } } } }";
        let doc = json!({"kind": "manifest", "track_id": "T-2", "stage": "draft"});
        let found = run(labelled, None, doc, Some(json!({"tracks": []})))
            .unwrap()
            .unwrap();
        assert_eq!(found[0].params["stage"]["zh-CN"], "草稿");
        let problems = run(
            "kind = \"fact-ref\"\nfield = \"/track_id\"\nfact = \"tracks\"\nrename = { track = \"number\" }\nshow = { fact = \"/x\" }",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("provides no `number`"), "{problems}");
        assert!(
            problems.contains("`fact` is already a parameter"),
            "{problems}"
        );
    }
}
