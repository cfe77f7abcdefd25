//! Ranked search over a catalogue, fast enough to run on every keystroke of a form.

use super::data::{Catalogue, Entry};

/// How a hit matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The query is the code.
    ExactCode,
    /// The query begins the code (dashes optional: `90004` finds `900-041-49`).
    CodePrefix,
    /// The query names the category (`HW08`).
    Category,
    /// Every word of the query is in the description, industry or category name.
    Text,
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Hit<'a> {
    /// The entry.
    pub entry: &'a Entry,
    /// How it matched.
    pub matched: MatchKind,
}

impl Catalogue {
    /// The best `limit` entries for `query`: exact code, then code prefix, then
    /// category, then text matches (earlier and shorter descriptions first), ties in
    /// the list's order. A blank query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let code_like = query.bytes().all(|b| b.is_ascii_digit() || b == b'-');
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let upper = query.to_ascii_uppercase();
        // Letters fold case in ASCII only: the catalogues are Chinese, and their
        // capitals ASCII (the 2021 list has no other; a test in `wastecheck-tests`
        // holds the built-in one to that). Only a query typed with a non-ASCII
        // capital (`Α` for `α`) finds less than Unicode's folding would. Unicode's
        // case tables cost the browser's first module 8 KB gzipped.
        let lower = query.to_ascii_lowercase();
        let terms: Vec<&str> = lower.split_whitespace().collect();
        let category_named = self
            .categories
            .iter()
            .find(|c| c.name == query)
            .map(|c| c.category.to_string());

        // (kind, position of first term, then code order for code matches or
        // description length for text matches, list order)
        let mut ranked: Vec<(MatchKind, usize, usize, usize)> = Vec::new();
        for (index, keys) in self.search_keys().iter().enumerate() {
            let kind = if code_like && !digits.is_empty() {
                if keys.digits == digits {
                    Some((MatchKind::ExactCode, 0, 0))
                } else if keys.digits.starts_with(&digits) {
                    Some((MatchKind::CodePrefix, 0, keys.code_order))
                } else {
                    None
                }
            } else if keys.category == upper || category_named.as_deref() == Some(&keys.category) {
                Some((MatchKind::Category, 0, 0))
            } else {
                let mut first = usize::MAX;
                let all = terms.iter().all(|term| match keys.text.find(term) {
                    Some(at) => {
                        first = first.min(at);
                        true
                    }
                    None => false,
                });
                all.then_some((MatchKind::Text, first, keys.description_chars))
            };
            if let Some((kind, position, secondary)) = kind {
                ranked.push((kind, position, secondary, index));
            }
        }
        if ranked.len() > limit {
            ranked.select_nth_unstable(limit - 1);
            ranked.truncate(limit);
        }
        crate::sorting::sort_by(&mut ranked, Ord::cmp);
        ranked
            .into_iter()
            .filter_map(|(matched, _, _, index)| {
                self.entries.get(index).map(|entry| Hit { entry, matched })
            })
            .collect()
    }
}
