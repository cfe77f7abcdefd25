//! `in-force`: a party holds a fact of a kind — a licence, a transport permit, an
//! insurance policy, an approval — in force on a date, optionally one that lists a
//! vehicle.
//!
//! ```toml
//! [check]
//! kind = "in-force"
//! fact = "insurance_policies"    # licences | transport_permits | insurance_policies | approvals
//! holder = "/carrier/credit_code"     # or a list: ["/carrier/credit_code", "/receiver/credit_code"]
//! date = "/dispatched_at"
//! vehicle = "/carrier/vehicle_plate"   # optional: the fact's `vehicles` must list it
//! ```
//! A finding at `holder` when none is in force (or none lists the vehicle). Provides
//! `{holder}`, `{role}` (the party's role in both languages, from the holder's
//! field: 承运人 the carrier, 接受人 the receiver…), `{date}`, `{vehicle}` and
//! `{found}` (how many facts the party holds at all). Not evaluated when the host passed no facts of that kind; skipped when the
//! document does not give the holder or the date yet.
//!
//! With `vehicle`, offers `vehicles` (`[fix] candidates = "vehicles"`): the vehicles
//! listed on the party's facts in force on the date, each put at `vehicle`.
//!
//! `unless_exempt` (see `exempt.rs`, with `lines`): a document every line of which is
//! exempt at 利用 or 处置 under the 豁免管理清单 needs no licence of its receiver, and
//! is not checked.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable, text};
use super::{Param as P, ParamType as T};
use crate::engine::fact_index::Found;
use crate::locale::Bilingual;
use crate::model::node::Node;
use crate::report::Choice;

pub const KIND: Kind = Kind {
    name: "in-force",
    offers: Some("vehicles"),
    provides: &["holder", "role", "date", "vehicle", "found"],
    params: PARAMS,
    finds: "no fact of the holder in force on the date (listing the vehicle)",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("fact", T::Choice(COLLECTIONS), "the fact collection"),
    P::required(
        "holder",
        T::PointerOrPointers,
        "the party (or a list of parties)",
    ),
    P::required("date", T::Pointer, "the date the fact is in force on"),
    P::optional(
        "vehicle",
        T::Pointer,
        "the vehicle the fact's `vehicles` must list",
    ),
    super::exempt::PARAM,
];

/// Fact collections with a holder and a validity window.
pub(crate) const COLLECTIONS: &[&str] = &[
    "licences",
    "transport_permits",
    "insurance_policies",
    "approvals",
];

#[derive(Debug)]
struct InForce {
    fact: &'static str,
    holders: Vec<Ref>,
    date: Ref,
    vehicle: Option<Ref>,
    exempt: Option<super::exempt::Exempt>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let fact = args.choice("fact", COLLECTIONS);
    let holders = args.field_or_fields("holder");
    let date = args.field("date");
    let vehicle = args.optional_field("vehicle");
    let exempt = super::exempt::compile(args);
    Some(Box::new(InForce {
        fact: fact?,
        holders,
        date: date?,
        vehicle,
        exempt,
    }))
}

/// The member naming a fact's holder.
pub(crate) fn holder_member(fact: &str) -> &'static str {
    match fact {
        "approvals" => "consignor",
        "receipts" => "receiver",
        _ => "holder",
    }
}

pub(crate) use super::in_force_on;

/// The facts of `collection` held by `holder`, or `None` when the host passed none.
pub(crate) fn held_by<'a>(cx: &RunCx<'a>, collection: &str, holder: &str) -> Option<Found<'a>> {
    cx.facts.find(collection, holder_member(collection), holder)
}

impl Check for InForce {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        for holder in &self.holders {
            self.run_for(holder, cx, out)?;
        }
        Ok(())
    }
}

impl InForce {
    fn run_for(
        &self,
        holder_ref: &Ref,
        cx: &RunCx<'_>,
        out: &mut Vec<Finding>,
    ) -> Result<(), Unevaluable> {
        let holder_node = cx.get(holder_ref);
        let (Some(holder), Some(date)) = (holder_node.text(), cx.get(&self.date).date()) else {
            return Ok(());
        };
        if let Some(exempt) = &self.exempt
            && exempt.lifts(cx, Some(&holder), Some(date))?
        {
            return Ok(());
        }
        let held =
            held_by(cx, self.fact, &holder).ok_or_else(|| Unevaluable::facts_missing(self.fact))?;
        let vehicle = self.vehicle.as_ref().map(|v| cx.get(v));
        let vehicle_text = vehicle.as_ref().and_then(Node::text);
        let ok =
            held.clone()
                .filter(|fact| in_force_on(fact, date))
                .any(|fact| match &vehicle_text {
                    None => true,
                    Some(plate) => match fact.member("vehicles") {
                        Node::List(list) => {
                            (0..list.len()).any(|i| list.item(i).text().as_deref() == Some(plate))
                        }
                        _ => false,
                    },
                });
        if !ok {
            let path = cx.path(holder_ref);
            let vehicles = match &self.vehicle {
                Some(reference) => listed_vehicles(held.clone(), date, &cx.path(reference)),
                None => Vec::new(),
            };
            out.push(
                Finding::new(
                    path.clone(),
                    [
                        ("holder", text(&holder_node)),
                        ("role", role(&path)),
                        ("date", date.to_string().into()),
                        (
                            "vehicle",
                            vehicle.as_ref().map_or(serde_json::Value::Null, text),
                        ),
                        ("found", held.count().into()),
                    ],
                )
                .offering(vehicles),
            );
        }
        Ok(())
    }
}

/// The vehicles the facts in force on `date` list, each a choice put at `path`.
pub(crate) fn listed_vehicles<'a>(
    held: impl Iterator<Item = Node<'a>>,
    date: crate::model::Date,
    path: &str,
) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    for fact in held.filter(|fact| in_force_on(fact, date)) {
        let Node::List(list) = fact.member("vehicles") else {
            continue;
        };
        let number = fact.member("number").text().unwrap_or_default();
        for plate in (0..list.len()).filter_map(|i| list.item(i).text()) {
            if out.iter().any(|c| c.value == *plate) {
                continue;
            }
            let label = Bilingual::new(
                format!("{plate}（许可 {number}）"),
                format!("{plate} (permit {number})"),
            );
            out.push(Choice::at(path, plate.as_ref().into(), label, false));
        }
    }
    out
}

/// The role of the party whose field `path` is (`/carrier/credit_code` → 承运人 /
/// the carrier), from the field labels; 单位 / the unit where none is known.
fn role(path: &str) -> serde_json::Value {
    let party = path
        .strip_prefix('/')
        .and_then(|p| p.split('/').next())
        .map(|p| format!("/{p}"));
    let (zh, en) = match party.as_deref().and_then(crate::model::labels::field_label) {
        Some(label) => (label.zh, format!("the {}", label.en)),
        None => ("单位".to_owned(), "the unit".to_owned()),
    };
    serde_json::json!({ "zh-CN": zh, "en": en })
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use serde_json::json;

    const CHECK: &str = "kind = \"in-force\"\nfact = \"transport_permits\"\nholder = \"/carrier/credit_code\"\ndate = \"/dispatched_at\"\nvehicle = \"/carrier/vehicle_plate\"";

    fn doc(plate: &str, date: &str) -> serde_json::Value {
        json!({"kind": "manifest", "carrier": {"credit_code": "91330100716105852F", "vehicle_plate": plate}, "dispatched_at": date})
    }

    fn facts() -> serde_json::Value {
        json!({"transport_permits": [{"number": "浙交运001", "holder": "91330100716105852F", "vehicles": ["浙D12345"], "valid_from": "2024-01-01", "valid_until": "2026-12-31"}]})
    }

    #[test]
    fn a_permit_in_force_listing_the_vehicle() {
        let ok = run(
            CHECK,
            None,
            doc("浙D12345", "2026-03-02T08:00:00+08:00"),
            Some(facts()),
        )
        .unwrap()
        .unwrap();
        assert!(ok.is_empty());
        let other_vehicle = run(
            CHECK,
            None,
            doc("浙D99999", "2026-03-02T08:00:00+08:00"),
            Some(facts()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(other_vehicle[0].path, "/carrier/credit_code");
        assert_eq!(other_vehicle[0].params["role"]["zh-CN"], "承运人");
        assert_eq!(other_vehicle[0].params["role"]["en"], "the carrier");
        assert_eq!(other_vehicle[0].params["vehicle"], "浙D99999");
        let expired = run(
            CHECK,
            None,
            doc("浙D12345", "2027-01-01T08:00:00+08:00"),
            Some(facts()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].params["found"], 1);
    }

    #[test]
    fn without_facts_it_is_not_evaluated() {
        let outcome = run(
            CHECK,
            None,
            doc("浙D12345", "2026-03-02T08:00:00+08:00"),
            None,
        )
        .unwrap();
        assert!(outcome.unwrap_err().contains("transport_permits"));
    }
}
