//! `kept-apart`: items of a list that share a group — lots in one storage zone,
//! wastes on one vehicle — must not include classes that are to be kept apart:
//! incompatible categories (GB 18597-2023: acids with alkalis, cyanides with acids),
//! hazardous with general waste (固废法 第八十一条).
//!
//! ```toml
//! [check]
//! kind = "kept-apart"
//! lines = "/lots"
//! by = { facility = "facility_code", zone = "zone_code" }   # the group: equal values
//! class = ["category", "code"]      # the first given; a waste code counts as its category
//! pairs = "$incompatible_category_pairs"   # [["HW34", "HW35"], …]; "HW*" is a prefix
//! id = "id"                         # optional: how an item is named (else "#index")
//! ```
//! One finding per group and pair, at the `by` field last named (`zone_code`) of the
//! item that brought the pair together (the later of the two sides' first items).
//! Provides `{a}` and `{b}` (the pair as written), `{items_a}` and `{items_b}` (the
//! items of each side, in both languages: `、`, `, `), and each key of `by` with the
//! group's value. Items missing a key or a class are not grouped.

use super::{Args, Check, Finding, Kind, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::json::pointer::Pointer;
use crate::model::node::Node;
use serde_json::{Value, json};

pub const KIND: Kind = Kind {
    name: "kept-apart",
    offers: None,
    provides: &["a", "b", "items_a", "items_b"],
    params: PARAMS,
    finds: "items of one group (equal `by` values) of both classes of a pair; each key of `by` is a message parameter too",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("lines", T::Pointer, "the list whose items are grouped"),
    P::required(
        "by",
        T::TextsByName,
        "`{ NAME = \"member\" }`: the group, items with equal values",
    ),
    P::required(
        "class",
        T::TextOrTexts,
        "the member classifying an item (a list: the first given); a waste code counts as its category",
    ),
    P::required(
        "pairs",
        T::TextPairs,
        "the classes kept apart, `[[\"HW34\", \"HW35\"], …]`; `\"HW*\"` is a prefix",
    ),
    P::optional("id", T::Text, "the member naming an item (else `#index`)").default("\"id\""),
];

#[derive(Debug)]
struct KeptApart {
    lines: Pointer,
    by: Vec<(String, Pointer)>,
    class: Vec<Pointer>,
    pairs: Vec<(String, String)>,
    id: Pointer,
}

/// A relative member pointer (`zone_code`), or a problem.
fn member(args: &mut Args<'_>, key: &str, text: &str) -> Option<Pointer> {
    if text.is_empty() || text.starts_with('/') || text.ends_with('/') {
        args.problems.push(format!(
            "`{key}` = \"{text}\" must name a member of each item (relative, no leading `/`)"
        ));
        return None;
    }
    Some(Pointer::parse(text))
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let lines = args.optional_string("lines").map(Pointer::parse);
    let mut by = Vec::new();
    for (name, text) in args.names_by_key("by") {
        if let Some(pointer) = member(args, &format!("by.{name}"), &text) {
            by.push((name, pointer));
        }
    }
    if by.is_empty() && args.has("by") {
        args.problems
            .push("`by` is required: { NAME = \"member\" } for each key of the group".into());
    }
    let class = if args.is_array("class") {
        args.optional_strings("class").unwrap_or_default()
    } else {
        args.optional_string("class")
            .map(|c| vec![c.to_owned()])
            .unwrap_or_default()
    };
    let class: Vec<Pointer> = class
        .iter()
        .filter_map(|c| member(args, "class", c))
        .collect();
    if class.is_empty() && args.has("class") {
        args.problems
            .push("`class` is required: the member (or members) classifying an item".into());
    }
    let mut pairs = Vec::new();
    for pair in args.optional_array("pairs").into_iter().flatten() {
        let texts: Vec<&str> = pair
            .as_array()
            .map(|p| p.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match texts.as_slice() {
            [a, b] if !a.is_empty() && !b.is_empty() => {
                pairs.push(((*a).to_owned(), (*b).to_owned()));
            }
            _ => args.problems.push(format!(
                "`pairs` must list pairs of classes, [\"a\", \"b\"]; found {pair}"
            )),
        }
    }
    let id = args.optional_string("id").unwrap_or("id").to_owned();
    let id = member(args, "id", &id)?;
    if let Some(lines) = &lines {
        let read = by.iter().map(|(_, p)| p).chain(&class).chain([&id]);
        for member in read.cloned().collect::<Vec<_>>() {
            args.reads_in_items(lines, &member);
        }
    }
    Some(Box::new(KeptApart {
        lines: lines?,
        by,
        class,
        pairs,
        id,
    }))
}

/// Whether `class` is `pattern`, or starts with it when it ends in `*`.
fn matches(pattern: &str, class: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => class.starts_with(prefix),
        None => pattern == class,
    }
}

fn listed(items: &[String]) -> Value {
    json!({"zh-CN": items.join("、"), "en": items.join(", ")})
}

/// One group: its key values and (index, name, class) of its items.
type Group = (Vec<String>, Vec<(usize, String, String)>);

impl Check for KeptApart {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Node::List(list) = self.lines.resolve(cx.root) else {
            return Ok(());
        };
        let mut groups: Vec<Group> = Vec::new();
        for index in 0..list.len() {
            let item = list.item(index);
            let keys: Option<Vec<String>> = self
                .by
                .iter()
                .map(|(_, p)| p.resolve(item).text().map(|t| t.into_owned()))
                .collect();
            let class = self.class.iter().find_map(|p| match p.resolve(item) {
                Node::WasteCode(code) => Some(code.category().to_string()),
                other => other.text().map(|t| t.into_owned()),
            });
            let (Some(keys), Some(class)) = (keys, class) else {
                continue;
            };
            let name = self
                .id
                .resolve(item)
                .text()
                .map_or_else(|| format!("#{index}"), |t| t.into_owned());
            match groups.iter_mut().find(|(k, _)| *k == keys) {
                Some((_, items)) => items.push((index, name, class)),
                None => groups.push((keys, vec![(index, name, class)])),
            }
        }
        let Some((_, at_member)) = self.by.last() else {
            return Ok(());
        };
        for (keys, items) in &groups {
            for (a, b) in &self.pairs {
                let side = |pattern: &str| -> Vec<&(usize, String, String)> {
                    items
                        .iter()
                        .filter(|(_, _, c)| matches(pattern, c))
                        .collect()
                };
                let (side_a, side_b) = (side(a), side(b));
                let (Some(first_a), Some(first_b)) = (side_a.first(), side_b.first()) else {
                    continue;
                };
                let at = first_a.0.max(first_b.0);
                let names = |side: &[&(usize, String, String)]| {
                    listed(&side.iter().map(|(_, n, _)| n.clone()).collect::<Vec<_>>())
                };
                let mut params: Vec<(&str, Value)> = vec![
                    ("a", a.as_str().into()),
                    ("b", b.as_str().into()),
                    ("items_a", names(&side_a)),
                    ("items_b", names(&side_b)),
                ];
                for ((name, _), value) in self.by.iter().zip(keys) {
                    params.push((name.as_str(), value.as_str().into()));
                }
                out.push(Finding::new(
                    format!("{}/{at}{}", self.lines.as_str(), at_member.as_str()),
                    params,
                ));
            }
        }
        Ok(())
    }

    fn named_params(&self) -> Vec<String> {
        self.by.iter().map(|(name, _)| name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const CHECK: &str = "kind = \"kept-apart\"\nlines = \"/lots\"\nby = { facility = \"facility_code\", zone = \"zone_code\" }\nclass = [\"category\", \"code\"]\npairs = [[\"HW34\", \"HW35\"], [\"HW*\", \"SW*\"]]";

    #[test]
    fn classes_kept_apart_in_each_group() {
        let doc = json!({"kind": "storage", "lots": [
            {"id": "L0", "code": "900-300-34", "facility_code": "TS001", "zone_code": "Z1"},
            {"id": "L1", "category": "SW07", "facility_code": "TS001", "zone_code": "Z2"},
            {"id": "L2", "code": "900-351-35", "facility_code": "TS001", "zone_code": "Z1"},
            {"code": "900-041-49", "facility_code": "TS001", "zone_code": "Z2"},
            {"id": "L4", "code": "900-351-35", "facility_code": "TS002", "zone_code": "Z1"},
            {"id": "L5", "code": "900-300-34", "facility_code": "TS001"}
        ]});
        let found = run(CHECK, None, doc, None).unwrap().unwrap();
        assert_eq!(paths(&found), ["/lots/2/zone_code", "/lots/3/zone_code"]);
        assert_eq!(found[0].params["items_a"]["en"], "L0");
        assert_eq!(found[0].params["zone"], "Z1");
        assert_eq!(found[0].params["facility"], "TS001");
        assert_eq!(found[1].params["items_a"]["zh-CN"], "#3");
        assert_eq!(found[1].params["b"], "SW*");
    }

    #[test]
    fn arguments_are_checked_at_load() {
        let problems = run(
            "kind = \"kept-apart\"\nlines = \"/lots\"\nby = { zone = \"/zone_code\" }\nclass = \"category\"\npairs = [[\"HW34\"]]",
            None,
            json!({"kind": "storage"}),
            None,
        )
        .unwrap_err()
        .join("\n");
        assert!(problems.contains("by.zone"), "{problems}");
        assert!(problems.contains("pairs of classes"), "{problems}");
        assert!(
            !problems.contains("`class`"),
            "a single class is fine: {problems}"
        );
    }
}
