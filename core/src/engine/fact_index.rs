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
use crate::model::node::{ListNode, Node, NodeText, Record};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

/// Positions of a collection's records by the text of one member.
type MemberIndex = BTreeMap<String, Arc<[usize]>>;

/// A collection's indexes: member path → one for each [`Reading`] of it.
type Indexes = BTreeMap<String, [Option<Arc<MemberIndex>>; 3]>;

/// Typed facts with their lookups. Dereferences to [`Facts`].
#[derive(Debug, Default)]
pub struct IndexedFacts {
    facts: Facts,
    /// Collection → member path → index, made on first use, one for each way of
    /// reading the path ([`Reading`]).
    by_member: RwLock<BTreeMap<String, Indexes>>,
    /// The positions a lookup finds nothing at, shared (an empty `Arc` allocates).
    none: Arc<[usize]>,
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
            none: Arc::new([]),
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
        self.lookup(collection, key, value, Reading::Member)
    }

    /// As [`find`](Self::find), with a member that is a list matching when one of
    /// its items has the text.
    pub fn find_having<'s>(
        &'s self,
        collection: &str,
        key: &str,
        value: &str,
    ) -> Option<Found<'s>> {
        self.lookup(collection, key, value, Reading::Items)
    }

    /// As [`find_having`](Self::find_having), looking into every list along the
    /// path: `scope/codes` finds a licence by any code of any of its scopes.
    pub fn find_within<'s>(
        &'s self,
        collection: &str,
        key: &str,
        value: &str,
    ) -> Option<Found<'s>> {
        self.lookup(collection, key, value, Reading::Within)
    }

    fn lookup<'s>(
        &'s self,
        collection: &str,
        key: &str,
        value: &str,
        reading: Reading,
    ) -> Option<Found<'s>> {
        let Node::List(list) = self.facts.member(collection) else {
            return None;
        };
        let index = self.index(list, collection, key, reading);
        Some(Found {
            list,
            positions: index.get(value).unwrap_or(&self.none).clone(),
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
        reading: Reading,
    ) -> Arc<MemberIndex> {
        let slot = reading as usize;
        if let Some(index) = self
            .by_member
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(collection)
            .and_then(|members| members.get(key)?.get(slot)?.as_ref())
        {
            return index.clone();
        }
        let mut positions = BTreeMap::<String, Vec<usize>>::new();
        let path: Vec<&str> = key.split('/').collect();
        for position in 0..list.len() {
            let mut put = |text: NodeText<'_>| {
                let at = positions.entry(text.into_owned()).or_default();
                if at.last() != Some(&position) {
                    at.push(position);
                }
            };
            let record = list.item(position);
            match reading {
                Reading::Within => texts_within(record, &path, &mut put),
                Reading::Member | Reading::Items => {
                    match path.iter().fold(record, |node, member| node.member(member)) {
                        Node::List(values) if reading == Reading::Items => {
                            (0..values.len())
                                .filter_map(|i| values.item(i).text())
                                .for_each(put);
                        }
                        other => other.text().into_iter().for_each(put),
                    }
                }
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
            .entry(key.to_owned())
            .or_default()
            .get_mut(slot)
            .map_or(index.clone(), |at| at.get_or_insert(index).clone())
    }
}

/// How a lookup reads its key's path of member names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The text of the member at the path.
    Member = 0,
    /// The texts of its items, when that member is a list.
    Items = 1,
    /// The texts found by looking into every list along the path, the last
    /// member's included.
    Within = 2,
}

/// Every text at `path` from `node`, looking into each item of every list met.
fn texts_within<'a>(node: Node<'a>, path: &[&str], put: &mut impl FnMut(NodeText<'a>)) {
    match (node, path.split_first()) {
        (Node::List(list), _) => {
            for i in 0..list.len() {
                texts_within(list.item(i), path, put);
            }
        }
        (node, Some((member, rest))) => texts_within(node.member(member), rest, put),
        (node, None) => node.text().into_iter().for_each(put),
    }
}

/// Records an index found, in the order the host gave them.
#[derive(Debug, Clone)]
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

impl Found<'_> {
    /// The records' positions in their collection, in the order given.
    pub fn into_positions(self) -> impl Iterator<Item = usize> {
        let positions = self.positions;
        (0..positions.len()).filter_map(move |i| positions.get(i).copied())
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
    fn within_looks_into_every_list_along_the_path() {
        let raw = json!({
            "licences": [
                {"number": "L1", "holder": "91330604MA2JL6C3X2", "scope": [
                    {"categories": ["HW08"]}, {"codes": ["900-041-49"]}
                ]},
                {"number": "L2", "holder": "91330603MA2D7K4P5W", "scope": [
                    {"codes": ["251-001-08", "900-041-49"]}
                ]}
            ]
        });
        let facts = IndexedFacts::new(decode_facts(&raw).0);
        let within = |key, value| numbers(facts.find_within("licences", key, value));
        assert_eq!(
            within("scope/codes", "900-041-49"),
            Some(vec!["L1".into(), "L2".into()])
        );
        assert_eq!(within("scope/categories", "HW08"), Some(vec!["L1".into()]));
        assert_eq!(within("scope/codes", "HW08"), Some(vec![]));
        assert_eq!(
            numbers(facts.find_having("licences", "scope/codes", "900-041-49")),
            Some(vec![]),
            "find_having looks into the last member's list only"
        );
    }

    #[test]
    fn a_collection_not_passed_is_not_an_empty_one() {
        let facts = facts();
        assert!(facts.find("transport_permits", "holder", "x").is_none());
        assert!(facts.track(0).is_none());
    }
}
