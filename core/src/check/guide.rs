//! Guidance for the person filling a form (issue 21): what is needed to move the
//! document to its next stage and what each undecided rule waits for
//! ([`Checker::next`]), and the lawful values for a field ([`Checker::choices`]),
//! each one checked by the rules that would judge it.

use super::{CheckOptions, Checker, PreparedFacts, legal_date};
use crate::engine::chain::Chain;
use crate::engine::kinds::ItemPath;
use crate::json::Json;
use crate::json::pointer::{self, Pointer};
use crate::locale::Bilingual;
use crate::model::labels::{field_label, value_label};
use crate::model::node::{Node, document_node};
use crate::model::schema::allowed_values;
use crate::model::{Document, DocumentKind, decode_document, kind_of};
use crate::report::{Choice, PatchOp, Severity};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// What a document still needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Next {
    /// The document's kind, when known.
    pub kind: Option<DocumentKind>,
    /// Its lifecycle stage (manifests; `draft` when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The stage it moves to next (none at the last stage, or for kinds without
    /// stages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_stage: Option<String>,
    /// The fields still required — for the next stage, or for the document as it
    /// stands when there is none — in form order.
    pub required: Vec<Needed>,
    /// Rules that cannot decide yet, each with what it waits for.
    pub undecided: Vec<Undecided>,
}

/// A field the document still needs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Needed {
    /// JSON Pointer of the field.
    pub path: String,
    /// Its name in both languages (the pointer when it has none).
    pub label: Bilingual,
    /// The rule that requires it (`schema.required` for the document's form).
    pub rule: String,
}

/// A rule that cannot decide yet.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Undecided {
    /// The rule.
    pub rule: String,
    /// `pack@version`.
    pub pack: String,
    /// Its title in both languages.
    pub title: Bilingual,
    /// What it waits for.
    pub needs: Vec<Need>,
}

/// What an undecided rule waits for.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Need {
    /// A field of the document.
    Field {
        /// JSON Pointer of the field.
        path: String,
        /// Its name in both languages (the pointer when it has none).
        label: Bilingual,
    },
    /// A collection of facts the host has not passed (`licences`…).
    Facts {
        /// The collection.
        collection: String,
    },
}

/// Lawful values for one field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Choices {
    /// The field.
    pub path: String,
    /// What it offers, best first; each passes the rules that would judge it.
    pub choices: Vec<Choice>,
    /// Why it offers nothing, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// At most this many choices are offered for a field.
const MAX_CHOICES: usize = 20;

/// A field's name for people, or its pointer.
fn label_of(path: &str) -> Bilingual {
    field_label(path).unwrap_or_else(|| Bilingual::new(path, path))
}

impl Checker {
    /// What `document` still needs: the fields required to move it to its next
    /// lifecycle stage (or, for kinds without stages, required as it stands), in
    /// form order, and the rules that cannot decide yet with the field or the
    /// facts each waits for.
    pub fn next(&self, document: &Value, facts: Option<&Value>, options: &CheckOptions) -> Next {
        let kind = options
            .kind
            .or_else(|| kind_of(document).and_then(Result::ok));
        let Some(kind) = kind else {
            return Next {
                required: vec![Needed {
                    path: "/kind".into(),
                    label: Bilingual::new("单据类型", "document kind"),
                    rule: "schema.required".into(),
                }],
                ..Next::default()
            };
        };
        let stages = allowed_values(kind, "/stage").unwrap_or_default();
        let stage = (!stages.is_empty()).then(|| {
            document
                .get("stage")
                .and_then(Value::as_str)
                .unwrap_or("draft")
                .to_owned()
        });
        let next_stage = stage.as_deref().and_then(|s| {
            let at = stages.iter().position(|x| *x == s)?;
            stages.get(at + 1).map(|n| (*n).to_owned())
        });
        let mut target = document.clone();
        if let (Some(next), Some(object)) = (&next_stage, target.as_object_mut()) {
            object.insert("stage".into(), next.as_str().into());
        }
        let prepared = facts.map(PreparedFacts::borrowed);
        let mut out = Next {
            kind: Some(kind),
            stage,
            next_stage,
            ..Next::default()
        };

        // Required at the target stage: the `required` rules' findings in their
        // lists' order (the form's), then what the form's schema requires.
        let (decoded, problems) = decode_document(kind, &target);
        let as_of = options
            .as_of
            .or_else(|| decoded.as_ref().and_then(legal_date));
        let chain = decoded
            .as_ref()
            .and_then(|d| self.chain_for(d, as_of).cloned());
        if let (Some(typed), Some(chain)) = (&decoded, &chain) {
            let (found, _) = chain.run(
                typed,
                &Json::from(&target),
                prepared.as_ref(),
                as_of,
                options.locale,
            );
            for violation in found {
                let required = chain
                    .rules
                    .iter()
                    .any(|r| r.id == violation.rule && r.check_kind == Some("required"));
                if required && !out.required.iter().any(|n| n.path == violation.path) {
                    out.required.push(Needed {
                        label: label_of(&violation.path),
                        path: violation.path,
                        rule: violation.rule,
                    });
                }
            }
        }
        for located in problems {
            if matches!(located.problem, crate::model::Problem::Required)
                && !out.required.iter().any(|n| n.path == located.path)
            {
                out.required.push(Needed {
                    label: label_of(&located.path),
                    path: located.path,
                    rule: "schema.required".into(),
                });
            }
        }

        // Undecided now: rules waiting for a field, or for facts.
        let (decoded, _) = decode_document(kind, document);
        if let (Some(typed), Some(chain)) = (&decoded, &chain) {
            let no_facts = crate::engine::fact_index::IndexedFacts::default();
            let indexed = prepared.as_ref().map_or(&no_facts, PreparedFacts::indexed);
            undecided_for_fields(chain, typed, indexed, as_of, &mut out.undecided);
        }
        let report = self.check_value(document, facts, options);
        for skipped in report.not_evaluated {
            let Some(collection) = skipped.needs_facts else {
                continue;
            };
            let need = Need::Facts { collection };
            match out.undecided.iter_mut().find(|u| u.rule == skipped.rule) {
                Some(u) if !u.needs.contains(&need) => u.needs.push(need),
                Some(_) => {}
                None => out.undecided.push(Undecided {
                    title: title_of(chain.as_deref(), &skipped.rule),
                    rule: skipped.rule,
                    pack: skipped.pack,
                    needs: vec![need],
                }),
            }
        }
        out
    }

    /// The lawful values for the field at `pointer`, best first, each checked by
    /// the rules that would judge it (module docs): a waste code (the consignor's
    /// planned codes first, then by the text typed), the receiver (licence holders
    /// covering every line's code and method on the date, with licensed scale
    /// left, nearest first when sites have coordinates), a line's method (those
    /// the receiver's licences allow for its code), the vehicle (on the carrier's
    /// permits in force), or a closed field's values.
    pub fn choices(
        &self,
        document: &Value,
        pointer: &str,
        facts: Option<&Value>,
        options: &CheckOptions,
    ) -> Choices {
        let mut out = Choices {
            path: pointer.to_owned(),
            ..Choices::default()
        };
        let Some(kind) = options
            .kind
            .or_else(|| kind_of(document).and_then(Result::ok))
        else {
            out.reason = Some("the document names no kind".into());
            return out;
        };
        let prepared = facts.map(PreparedFacts::borrowed);
        let (decoded, _) = decode_document(kind, document);
        let Some(typed) = decoded else {
            out.reason = Some("the document is not an object".into());
            return out;
        };
        let tokens: Vec<String> = pointer::tokens(pointer)
            .map(|t| t.map(|t| t.into_owned()).collect())
            .unwrap_or_default();
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let candidates = match (kind, tokens.as_slice()) {
            (_, [.., "code"]) => self.code_choices(&typed, document, pointer, facts),
            (DocumentKind::Manifest, ["receiver"] | ["receiver", "credit_code"]) => {
                receiver_choices(&typed, prepared.as_ref(), options)
            }
            (DocumentKind::Manifest, ["wastes", line, "method"]) => {
                method_choices(&typed, prepared.as_ref(), line, pointer, options)
            }
            (DocumentKind::Manifest, ["carrier", "vehicle_plate"]) => {
                vehicle_choices(&typed, prepared.as_ref(), pointer, options)
            }
            _ => match allowed_values(kind, pointer) {
                Some(values) => values
                    .iter()
                    .map(|v| {
                        let add = document.pointer(pointer).is_none();
                        Choice::at(pointer, (*v).into(), value_label(v), add)
                    })
                    .collect(),
                None => {
                    out.reason = Some(format!(
                        "`{pointer}` is not a field wastecheck offers values for"
                    ));
                    return out;
                }
            },
        };
        let before = self.check_value(document, facts, options).violations;
        out.choices = candidates
            .into_iter()
            .filter(|c| self.judged_lawful(document, pointer, c, &before, facts, options))
            .take(MAX_CHOICES)
            .collect();
        if out.choices.is_empty() && out.reason.is_none() {
            out.reason =
                Some("no value among the catalogue and the facts passes the rules here".into());
        }
        out
    }

    /// Whether a choice, applied, leaves no error at or under the field or a field
    /// it writes, nor brings a new error (one not among `before`, the document's
    /// violations without it) of a rule that reads what it writes (scripts that
    /// read everything aside).
    fn judged_lawful(
        &self,
        document: &Value,
        pointer: &str,
        choice: &Choice,
        before: &[crate::report::Violation],
        facts: Option<&Value>,
        options: &CheckOptions,
    ) -> bool {
        let Ok(applied) = super::session::patched(document, &choice.patch) else {
            return false;
        };
        let report = self.check_value(&applied, facts, options);
        let written: Vec<&str> = choice.patch.iter().map(PatchOp::path).collect();
        let changed: Vec<Vec<String>> = written
            .iter()
            .map(|path| Pointer::parse(path).tokens().to_vec())
            .collect();
        let as_of = report.as_of.as_deref().and_then(|d| d.parse().ok());
        let (decoded, _) = report
            .kind
            .map_or((None, Vec::new()), |k| decode_document(k, &applied));
        let chain = decoded.as_ref().and_then(|d| self.chain_for(d, as_of));
        let reads = |rule: &str| {
            chain.is_some_and(|c| {
                c.rules.iter().any(|r| {
                    r.id == rule
                        && !matches!(*r.reads, crate::engine::chain::reads::Reads::Everything)
                        && changed.iter().any(|t| r.reads.touched_by(t))
                })
            })
        };
        let at_or_under = crate::json::pointer::is_at_or_under;
        !report.violations.iter().any(|v| {
            v.severity == Severity::Error
                && (at_or_under(&v.path, pointer)
                    || written.iter().any(|w| at_or_under(&v.path, w))
                    || reads(&v.rule) && !before.contains(v))
        })
    }

    /// Catalogue entries for a waste code: those of the consignor's management
    /// plan for the year first, then those matching the text typed.
    fn code_choices(
        &self,
        typed: &Document,
        document: &Value,
        pointer: &str,
        facts: Option<&Value>,
    ) -> Vec<Choice> {
        let Some(catalogue) = self.catalogue() else {
            return Vec::new();
        };
        let typed_text = document
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut codes: Vec<String> = planned_codes(typed, facts);
        codes.extend(
            catalogue
                .search(typed_text, MAX_CHOICES)
                .into_iter()
                .map(|hit| hit.entry.code.as_str().to_owned()),
        );
        let line = pointer.rsplit_once('/').map_or("", |(line, _)| line);
        let declared: Vec<crate::model::Hazard> = document
            .pointer(&format!("{line}/hazards"))
            .and_then(Value::as_array)
            .map(|h| h.iter().filter_map(|h| h.as_str()?.parse().ok()).collect())
            .unwrap_or_default();
        let mut out: Vec<Choice> = Vec::new();
        for code in codes {
            if out.iter().any(|c| c.value == code.as_str()) || out.len() >= MAX_CHOICES {
                continue;
            }
            let Some(entry) = code.parse().ok().and_then(|c| catalogue.get(&c)) else {
                continue;
            };
            let description: String = entry.description.chars().take(40).collect();
            let label = Bilingual::new(
                format!("{code} {description}"),
                format!("{code} ({})", entry.category),
            );
            // The code with its own category and, unless those declared satisfy the
            // list, its characteristics: all of a "," entry's, the first of a "/"
            // entry's (the list does not say which; the person may change it).
            let mut patch = vec![
                PatchOp::add(pointer, code.as_str()),
                PatchOp::add(format!("{line}/category"), entry.category.to_string()),
            ];
            if !entry.hazards.is_satisfied_by(&declared) {
                let take = match entry.hazards.rule {
                    crate::catalogue::HazardRule::FirstListed => entry.hazards.listed.len(),
                    crate::catalogue::HazardRule::AnyOf => 1,
                };
                let listed: Vec<&str> = entry
                    .hazards
                    .listed
                    .iter()
                    .take(take)
                    .map(|h| h.symbol())
                    .collect();
                patch.push(PatchOp::add(format!("{line}/hazards"), listed));
            }
            out.push(Choice {
                value: code.as_str().into(),
                label,
                patch,
            });
        }
        out
    }
}

/// The title of a rule of the chain.
fn title_of(chain: Option<&Chain>, rule: &str) -> Bilingual {
    chain
        .and_then(|c| c.rules.iter().find(|r| r.id == rule))
        .map_or_else(|| Bilingual::new(rule, rule), |r| r.title.clone())
}

/// Rules that apply to the document but wait for a field they cannot decide
/// without (their kind's required field parameters, the first given of
/// alternatives; for `each` rules, on each item whose `when` holds) — a field the
/// chain's `required` rules ask for at some stage: one no stage asks for (a claimed
/// exemption, a paper fallback) is there only when it applies.
fn undecided_for_fields(
    chain: &Chain,
    typed: &Document,
    facts: &crate::engine::fact_index::IndexedFacts,
    as_of: Option<crate::model::Date>,
    out: &mut Vec<Undecided>,
) {
    let root = document_node(typed);
    let kind = typed.kind();
    let stage = root.member("stage").text();
    let cx = crate::engine::kinds::RunCx {
        kind,
        root,
        item: None,
        facts,
        as_of,
        edition: chain.catalogue_on(as_of),
        calendar: chain.calendar.as_deref(),
        memo: None,
    };
    let asked: Vec<&crate::engine::chain::reads::Reads> = chain
        .rules
        .iter()
        .filter(|r| r.check_kind == Some("required") && r.applies_to.contains(&kind))
        .map(|r| &*r.reads)
        .collect();
    let asked_for = |path: &str| {
        let tokens = Pointer::parse(path).tokens().to_vec();
        asked.iter().any(|reads| reads.names(&tokens))
    };
    for rule in &chain.rules {
        if rule.needs.is_empty() || !rule.applies(kind, stage.as_deref(), as_of) {
            continue;
        }
        let lists: Vec<&Pointer> = rule
            .each
            .iter()
            .flatten()
            .filter(|(k, _)| *k == kind)
            .flat_map(|(_, lists)| lists)
            .collect();
        // Where the rule runs: the document, or each item (with its path).
        let mut places: Vec<(crate::engine::kinds::RunCx<'_>, String)> = Vec::new();
        if rule.each.is_none() {
            places.push((cx, String::new()));
        }
        for list in &lists {
            match list.resolve(root) {
                Node::List(items) => {
                    for i in 0..items.len() {
                        places.push((cx, pointer::item(list.as_str(), i)));
                    }
                }
                Node::Record(_) => places.push((cx, list.as_str().to_owned())),
                _ => {}
            }
        }
        let mut needs = Vec::new();
        for (place, path) in &mut places {
            let item = Pointer::parse(path.as_str()).resolve(root);
            if !path.is_empty() {
                place.item = Some((item, ItemPath::of(path.as_str())));
            }
            if rule.guard.as_ref().is_some_and(|g| !g.holds(place)) {
                continue;
            }
            for alternatives in &rule.needs {
                if alternatives.iter().any(|r| place.get(r).is_present()) {
                    continue;
                }
                let Some(first) = alternatives.first() else {
                    continue;
                };
                let path = place.path(first);
                if !asked_for(&path) {
                    continue;
                }
                let field = Need::Field {
                    label: label_of(&path),
                    path,
                };
                if !needs.contains(&field) {
                    needs.push(field);
                }
            }
        }
        if !needs.is_empty() {
            out.push(Undecided {
                rule: rule.id.clone(),
                pack: rule.pack.clone(),
                title: rule.title.clone(),
                needs,
            });
        }
    }
}

/// The codes of the consignor's management plans on file for the document's year
/// (`plans` facts).
fn planned_codes(typed: &Document, facts: Option<&Value>) -> Vec<String> {
    let Document::Manifest(manifest) = typed else {
        return Vec::new();
    };
    let consignor = manifest
        .consignor
        .valid()
        .and_then(|c| c.credit_code.valid().map(|c| c.as_str().to_owned()));
    let year = legal_date(typed).map(|d| d.year());
    let (Some(consignor), Some(plans)) = (
        consignor,
        facts.and_then(|f| f.get("plans")).and_then(Value::as_array),
    ) else {
        return Vec::new();
    };
    plans
        .iter()
        .filter(|p| {
            p.pointer("/enterprise/credit_code").and_then(Value::as_str) == Some(&consignor)
        })
        .filter(|p| {
            year.is_none_or(|y| p.get("year").and_then(Value::as_i64) == Some(i64::from(y)))
        })
        .flat_map(|p| {
            p.get("production")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|line| line.get("code").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// What choosing for a manifest's parties reads: the manifest's root node, its
/// facts indexed, its date.
struct Party<'a> {
    cx: crate::engine::kinds::RunCx<'a>,
    date: Option<crate::model::Date>,
}

/// A run context on a decoded manifest, as a check would have it.
fn party<'a>(
    typed: &'a Document,
    facts: &'a crate::engine::fact_index::IndexedFacts,
    options: &CheckOptions,
) -> Party<'a> {
    let as_of = options.as_of.or_else(|| legal_date(typed));
    let root = document_node(typed);
    let date = root.member("dispatched_at").date().or(as_of);
    Party {
        cx: crate::engine::kinds::RunCx {
            kind: typed.kind(),
            root,
            item: None,
            facts,
            as_of,
            edition: crate::catalogue::InForce::NoneDeclared,
            calendar: None,
            memo: None,
        },
        date,
    }
}

/// The manifest's lines: code, method, tonnes.
fn lines(root: Node<'_>) -> Vec<crate::engine::kinds::licence_scope::Line> {
    let Node::List(items) = root.member("wastes") else {
        return Vec::new();
    };
    (0..items.len())
        .filter_map(|i| {
            let item = items.item(i);
            let Node::WasteCode(code) = item.member("code") else {
                return None;
            };
            let method = item.member("method").text().map(|m| m.into_owned());
            Some((
                code.clone(),
                method,
                item.member("quantity").decimal().unwrap_or_default(),
            ))
        })
        .collect()
}

fn receiver_choices(
    typed: &Document,
    facts: Option<&PreparedFacts<'_>>,
    options: &CheckOptions,
) -> Vec<Choice> {
    let no_facts = crate::engine::fact_index::IndexedFacts::default();
    let indexed = facts.map_or(&no_facts, PreparedFacts::indexed);
    let Party { cx, date } = party(typed, indexed, options);
    let Some(date) = date else {
        return Vec::new();
    };
    let current = cx
        .root
        .member("receiver")
        .member("credit_code")
        .text()
        .unwrap_or_default();
    crate::engine::kinds::licence_scope::lawful_receivers(
        &cx,
        &lines(cx.root),
        &current,
        "/receiver",
        date,
    )
}

fn method_choices(
    typed: &Document,
    facts: Option<&PreparedFacts<'_>>,
    line: &str,
    pointer: &str,
    options: &CheckOptions,
) -> Vec<Choice> {
    let no_facts = crate::engine::fact_index::IndexedFacts::default();
    let indexed = facts.map_or(&no_facts, PreparedFacts::indexed);
    let Party { cx, date } = party(typed, indexed, options);
    let (Some(date), Some(index)) = (date, pointer::index(line)) else {
        return Vec::new();
    };
    let Node::List(items) = cx.root.member("wastes") else {
        return Vec::new();
    };
    let item = items.item(index);
    let (Node::WasteCode(code), Some(holder)) = (
        item.member("code"),
        cx.root.member("receiver").member("credit_code").text(),
    ) else {
        return Vec::new();
    };
    let add = !item.member("method").is_present();
    crate::engine::kinds::licence_scope::licensed_methods(&cx, &holder, code, date)
        .into_iter()
        .map(|m| {
            let label = Bilingual::new(m.clone(), m.clone());
            Choice::at(pointer, m.into(), label, add)
        })
        .collect()
}

fn vehicle_choices(
    typed: &Document,
    facts: Option<&PreparedFacts<'_>>,
    pointer: &str,
    options: &CheckOptions,
) -> Vec<Choice> {
    let no_facts = crate::engine::fact_index::IndexedFacts::default();
    let indexed = facts.map_or(&no_facts, PreparedFacts::indexed);
    let Party { cx, date } = party(typed, indexed, options);
    let (Some(date), Some(carrier)) =
        (date, cx.root.member("carrier").member("credit_code").text())
    else {
        return Vec::new();
    };
    let held = crate::engine::kinds::in_force::held_by(&cx, "transport_permits", &carrier);
    let mut choices =
        crate::engine::kinds::in_force::listed_vehicles(held.into_iter().flatten(), date, pointer);
    if !cx
        .root
        .member("carrier")
        .member("vehicle_plate")
        .is_present()
    {
        for choice in &mut choices {
            choice.patch = vec![PatchOp::add(pointer, choice.value.clone())];
        }
    }
    choices
}
