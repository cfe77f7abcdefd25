//! `same-party`: a field names the party it should — a payment's payee is the
//! receiver, not the carrier; when it is not, say who it is instead.
//!
//! ```toml
//! [check]
//! kind = "same-party"
//! value = "payee_credit_code"            # the party named (not given: a natural person)
//! expected = "/receiver/credit_code"     # the party it should be
//! others = { carrier = "/carrier/credit_code", consignor = "/consignor/credit_code" }
//! name = "payee_name"                    # optional: the named party's name
//! detail = "amount"                      # optional: one more value for the message
//! ```
//!
//! A finding when `value` differs from `expected`: at `value`, or at the item (or
//! the field's parent) when `value` is not given, which counts as a natural person.
//! Provides `{value}`, `{expected}`, `{who}` — in both languages, what the party is
//! instead: one of `others` by its key (`carrier` → 承运人, `consignor` → 移出人,
//! `receiver` → 接受人, anything else by its key), a person, or another unit, with
//! its name and code — and `{detail}`. Skipped when `expected` is not given.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable, text};
use super::{Param as P, ParamType as T};
use serde_json::{Value, json};

pub const KIND: Kind = Kind {
    name: "same-party",
    offers: None,
    provides: &["value", "expected", "who", "detail"],
    params: PARAMS,
    finds: "a field naming another party than `expected` (not given: a natural person), saying who it names instead",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required(
        "value",
        T::Pointer,
        "the party named (not given: a natural person)",
    ),
    P::required("expected", T::Pointer, "the party it should be"),
    P::optional(
        "others",
        T::PointersByName,
        "`{ key = \"pointer\" }`: the other parties it may name instead",
    ),
    P::optional("name", T::Pointer, "the named party's name"),
    P::optional("detail", T::Pointer, "one more value for the message"),
];

/// Names of the usual parties.
const ROLES: &[(&str, &str, &str)] = &[
    ("carrier", "承运人", "the carrier"),
    ("consignor", "移出人", "the consignor"),
    ("receiver", "接受人", "the receiver"),
];

#[derive(Debug)]
struct SameParty {
    value: Ref,
    expected: Ref,
    others: Vec<(String, Ref)>,
    name: Option<Ref>,
    detail: Option<Ref>,
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let value = args.field("value");
    let expected = args.field("expected");
    let mut others = Vec::new();
    for (key, refs) in args.fields_by_key("others") {
        match <[Ref; 1]>::try_from(refs) {
            Ok([one]) => others.push((key, one)),
            Err(_) => args
                .problems
                .push(format!("`others.{key}` must be one JSON Pointer")),
        }
    }
    let name = args.optional_field("name");
    let detail = args.optional_field("detail");
    Some(Box::new(SameParty {
        value: value?,
        expected: expected?,
        others,
        name,
        detail,
    }))
}

fn role(key: &str) -> (String, String) {
    ROLES.iter().find(|(k, _, _)| *k == key).map_or_else(
        || (key.to_owned(), key.to_owned()),
        |(_, zh, en)| ((*zh).to_owned(), (*en).to_owned()),
    )
}

impl Check for SameParty {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(expected) = cx.get(&self.expected).text() else {
            return Ok(());
        };
        let value_node = cx.get(&self.value);
        if value_node.is_present() && value_node.text().is_none() {
            return Ok(()); // malformed: already a schema violation
        }
        let value = value_node.text();
        if value.as_deref() == Some(expected.as_ref()) {
            return Ok(());
        }
        let name = self
            .name
            .as_ref()
            .and_then(|n| cx.get(n).text())
            .map(|n| n.into_owned());
        let named = |zh: &str, en: &str| -> Value {
            let code = value.as_deref().unwrap_or_default();
            match (&name, code.is_empty()) {
                (Some(n), false) => {
                    json!({"zh-CN": format!("{zh} {n}（{code}）"), "en": format!("{en} {n} ({code})")})
                }
                (Some(n), true) => json!({"zh-CN": format!("{zh} {n}"), "en": format!("{en} {n}")}),
                (None, false) => {
                    json!({"zh-CN": format!("{zh} {code}"), "en": format!("{en} {code}")})
                }
                (None, true) => json!({"zh-CN": zh, "en": en}),
            }
        };
        let who = match &value {
            None => named("个人", "a person,"),
            Some(v) => match self
                .others
                .iter()
                .find(|(_, r)| cx.get(r).text().as_deref() == Some(v.as_ref()))
            {
                Some((key, _)) => {
                    let (zh, en) = role(key);
                    named(&zh, &en)
                }
                None => named("其他单位", "another unit,"),
            },
        };
        let path = if value.is_some() {
            cx.path(&self.value)
        } else {
            // The parent of an absent field: the payment itself.
            let full = cx.path(&self.value);
            full.rsplit_once('/')
                .map_or(full.clone(), |(parent, _)| parent.to_owned())
        };
        out.push(Finding::new(
            path,
            [
                (
                    "value",
                    value.map_or(Value::Null, |v| v.into_owned().into()),
                ),
                ("expected", expected.into_owned().into()),
                ("who", who),
                (
                    "detail",
                    self.detail
                        .as_ref()
                        .map_or(Value::Null, |d| text(&cx.get(d))),
                ),
            ],
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use serde_json::json;

    const CHECK: &str = r#"kind = "same-party"
value = "payee_credit_code"
expected = "/receiver/credit_code"
others = { carrier = "/carrier/credit_code" }
name = "payee_name"
detail = "amount""#;

    #[test]
    fn the_payee_must_be_the_receiver() {
        let doc = json!({"kind": "manifest",
        "carrier": {"credit_code": "91330602MA2BQ81HXG"},
        "receiver": {"credit_code": "91330604MA2JL6C3X2"},
        "payments": [
            {"payee_credit_code": "91330604MA2JL6C3X2", "amount": "100"},
            {"payee_credit_code": "91330602MA2BQ81HXG", "payee_name": "运输公司", "amount": "200"},
            {"payee_name": "王某某", "amount": "300"},
            {"payee_credit_code": "91330603MA2D7K4P5W", "amount": "400"}
        ]});
        let found = run(CHECK, Some("/payments"), doc, None).unwrap().unwrap();
        assert_eq!(
            paths(&found),
            [
                "/payments/1/payee_credit_code",
                "/payments/2",
                "/payments/3/payee_credit_code"
            ]
        );
        assert_eq!(
            found[0].params["who"]["zh-CN"],
            "承运人 运输公司（91330602MA2BQ81HXG）"
        );
        assert_eq!(found[1].params["who"]["en"], "a person, 王某某");
        assert_eq!(found[1].params["value"], serde_json::Value::Null);
        assert_eq!(
            found[2].params["who"]["zh-CN"],
            "其他单位 91330603MA2D7K4P5W"
        );
        assert_eq!(found[2].params["detail"], "400");
    }

    #[test]
    fn arguments_are_checked() {
        let problems = run(
            "kind = \"same-party\"\nvalue = \"/a\"\nothers = { carrier = [\"/b\", \"/c\"] }",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("expected")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("others.carrier")),
            "{problems:?}"
        );
    }
}
