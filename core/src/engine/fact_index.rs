//! Lookups over the facts, made once per set of facts rather than once per check.
//!
//! A host passes every licence, permit, policy, plan, site and GPS track it holds;
//! a check needs the few records of one party, one site or one track. Scanning them
//! all for every rule of every document was most of the rules' cost, so the facts
//! are indexed by the member a check looks them up by — on the first lookup of that
//! member, then shared by every later check against the same facts — and a GPS
//! track's fixes are sorted and measured once.
//!
//! An index answers exactly what the scan it replaces answered: the records whose
//! member has the same text ([`Node::text`]), in the order the host gave them.

use crate::engine::track::PreparedTrack;
use crate::model::Facts;
use crate::model::node::{ListNode, Node, Record};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

/// Positions of a collection's records by the text of one member.
type MemberIndex = BTreeMap<String, Arc<[usize]>>;

/// Typed facts with their lookups. Dereferences to [`Facts`].
#[derive(Debug, Default)]
pub struct IndexedFacts {
    facts: Facts,
    /// Collection → member path → index, made on first use.
    by_member: RwLock<BTreeMap<String, BTreeMap<String, Arc<MemberIndex>>>>,
    /// One slot per `tracks` record, prepared on first use.
    tracks: Vec<OnceLock<PreparedTrack>>,
}

impl Deref for IndexedFacts {
    type Target = Facts;
    fn deref(&self) -> &Facts {
        &self.facts
    }
}

impl IndexedFacts {
    /// Wraps decoded facts; nothing is indexed until a check asks.
    pub fn new(facts: Facts) -> Self {
        let tracks = match facts.member("tracks") {
            Node::List(list) => (0..list.len()).map(|_| OnceLock::new()).collect(),
            _ => Vec::new(),
        };
        IndexedFacts {
            facts,
            by_member: RwLock::default(),
            tracks,
        }
    }

    /// The facts.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// Whether the host passed `collection` (as a list).
    pub fn has(&self, collection: &str) -> bool {
        matches!(self.facts.member(collection), Node::List(_))
    }

    /// The records of `collection` whose member at `key` (a member name, or a path
    /// of names such as `enterprise/credit_code`) has the text `value`, in the
    /// order given; `None` when the host passed no such collection.
    pub fn find<'s>(&'s self, collection: &str, key: &str, value: &str) -> Option<Found<'s>> {
        self.lookup(collection, key, value, false)
    }

    /// As [`find`](Self::find), with a member that is a list matching when one of
    /// its items has the text.
    pub fn find_having<'s>(
        &'s self,
        collection: &str,
        key: &str,
        value: &str,
    ) -> Option<Found<'s>> {
        self.lookup(collection, key, value, true)
    }

    fn lookup<'s>(
        &'s self,
        collection: &str,
        key: &str,
        value: &str,
        items: bool,
    ) -> Option<Found<'s>> {
        let Node::List(list) = self.facts.member(collection) else {
            return None;
        };
        let index = self.index(list, collection, key, items);
        Some(Found {
            list,
            positions: index.get(value).cloned().unwrap_or_else(|| Arc::new([])),
            next: 0,
        })
    }

    /// The `tracks` record at `position`, sorted and measured.
    pub(crate) fn track(&self, position: usize) -> Option<&PreparedTrack> {
        let Node::List(list) = self.facts.member("tracks") else {
            return None;
        };
        let slot = self.tracks.get(position)?;
        Some(slot.get_or_init(|| PreparedTrack::new(list.item(position).member("points"))))
    }

    fn index(
        &self,
        list: &dyn ListNode,
        collection: &str,
        key: &str,
        items: bool,
    ) -> Arc<MemberIndex> {
        // A list member's items are indexed under a name no member path has.
        let name = if items {
            format!("{key}[]")
        } else {
            key.to_owned()
        };
        if let Some(index) = self
            .by_member
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(collection)
            .and_then(|members| members.get(&name))
        {
            return index.clone();
        }
        let mut positions = BTreeMap::<String, Vec<usize>>::new();
        for position in 0..list.len() {
            let node = key
                .split('/')
                .fold(list.item(position), |node, member| node.member(member));
            let put = |text: std::borrow::Cow<'_, str>| {
                let at = positions.entry(text.into_owned()).or_default();
                if at.last() != Some(&position) {
                    at.push(position);
                }
            };
            match node {
                Node::List(values) if items => {
                    (0..values.len())
                        .filter_map(|i| values.item(i).text())
                        .for_each(put);
                }
                other => other.text().into_iter().for_each(put),
            }
        }
        let index: Arc<MemberIndex> = Arc::new(crate::sorting::map_from(
            positions
                .into_iter()
                .map(|(text, at)| (text, Arc::from(at))),
        ));
        self.by_member
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(collection.to_owned())
            .or_default()
            .entry(name)
            .or_insert(index)
            .clone()
    }
}

/// Records an index found, in the order the host gave them.
#[derive(Debug)]
pub struct Found<'a> {
    list: &'a dyn ListNode,
    positions: Arc<[usize]>,
    next: usize,
}

impl<'a> Found<'a> {
    /// The first record's position in its collection, with the record.
    pub fn first(self) -> Option<(usize, Node<'a>)> {
        let position = *self.positions.first()?;
        Some((position, self.list.item(position)))
    }
}

impl<'a> Iterator for Found<'a> {
    type Item = Node<'a>;
    fn next(&mut self) -> Option<Node<'a>> {
        let position = *self.positions.get(self.next)?;
        self.next += 1;
        Some(self.list.item(position))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode_facts;
    use serde_json::json;

    fn facts() -> IndexedFacts {
        let raw = json!({
            "licences": [
                {"number": "L1", "holder": "91330604MA2JL6C3X2"},
                {"number": "L2", "holder": "91330603MA2D7K4P5W"},
                {"number": "L3", "holder": "91330604MA2JL6C3X2"}
            ],
            "plans": [{"enterprise": {"credit_code": "91330603MA2D7K4P5W"}, "year": 2026}]
        });
        IndexedFacts::new(decode_facts(&raw).0)
    }

    fn numbers(found: Option<Found<'_>>) -> Option<Vec<String>> {
        found.map(|f| {
            f.filter_map(|n| n.member("number").text().map(|t| t.into_owned()))
                .collect()
        })
    }

    #[test]
    fn records_are_found_by_a_member_in_the_order_given() {
        let facts = facts();
        let held = facts.find("licences", "holder", "91330604MA2JL6C3X2");
        assert_eq!(numbers(held), Some(vec!["L1".into(), "L3".into()]));
        let again = facts.find("licences", "holder", "91330604MA2JL6C3X2");
        assert_eq!(
            numbers(again).map(|n| n.len()),
            Some(2),
            "the index is reused"
        );
        assert_eq!(
            numbers(facts.find("licences", "holder", "nobody")),
            Some(vec![])
        );
        let first = facts
            .find("licences", "number", "L2")
            .and_then(Found::first);
        assert_eq!(first.map(|(position, _)| position), Some(1));
    }

    #[test]
    fn a_member_path_reaches_into_records() {
        let facts = facts();
        let plans = facts.find("plans", "enterprise/credit_code", "91330603MA2D7K4P5W");
        assert_eq!(plans.map(Iterator::count), Some(1));
    }

    #[test]
    fn a_list_member_is_found_by_its_items_only_when_asked() {
        let raw = json!({
            "approvals": [
                {"number": "A1", "codes": ["900-041-49", "251-001-08", "900-041-49"]},
                {"number": "A2", "codes": ["251-001-08"]}
            ]
        });
        let facts = IndexedFacts::new(decode_facts(&raw).0);
        let having = |code| numbers(facts.find_having("approvals", "codes", code));
        // Once each, in the order given.
        assert_eq!(having("900-041-49"), Some(vec!["A1".into()]));
        assert_eq!(having("251-001-08"), Some(vec!["A1".into(), "A2".into()]));
        assert_eq!(
            numbers(facts.find("approvals", "codes", "251-001-08")),
            Some(vec![]),
            "find matches a member's own text, never a list's items"
        );
    }

    #[test]
    fn a_collection_not_passed_is_not_an_empty_one() {
        let facts = facts();
        assert!(facts.find("transport_permits", "holder", "x").is_none());
        assert!(facts.track(0).is_none());
    }
}
