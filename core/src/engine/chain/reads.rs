//! What a rule reads of a document, so that an edit re-runs only the rules it can
//! change (issue 21, [`crate::check::Session`]): the fields of its check's
//! parameters and those its kind reads beyond them (other lines' quantities, say:
//! [`Args::reads`]), its `each` lists and its `when` fields, as pointer patterns
//! (`*`: any item). A script that does not list what it reads (`reads` in
//! `rule.toml`) reads everything.
//!
//! [`Args::reads`]: crate::engine::kinds::Args::reads

use super::super::kinds::Ref;
use crate::json::pointer::Pointer;

/// What a rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reads {
    /// Anything in the document.
    Everything,
    /// Fields and lists.
    Fields {
        /// Pointer patterns (token lists; `*` is any list index), with what lies
        /// under them.
        fields: Vec<Vec<String>>,
        /// The lists `each` iterates: their items, not what lies in the items
        /// (which `fields` name).
        lists: Vec<Vec<String>>,
    },
}

impl Reads {
    /// What a rule reads: these fields (`*`: any item; a check's, or a script's
    /// `reads` in `rule.toml`), its `each` lists and `when`.
    pub(crate) fn declared<'a>(
        fields: impl IntoIterator<Item = &'a Ref>,
        lists: &[&Pointer],
    ) -> Reads {
        // Borrowed tokens until sorted and deduplicated: a load compiles every rule.
        let mut patterns: Vec<Vec<&str>> = Vec::new();
        for field in fields {
            let tokens = field.pointer.tokens().iter().map(String::as_str);
            if field.absolute || lists.is_empty() {
                patterns.push(tokens.collect());
            } else {
                // Relative to each item of a list, or to the record `each` names.
                for list in lists {
                    let list = list.tokens().iter().map(String::as_str);
                    patterns.push(list.clone().chain(tokens.clone()).collect());
                    patterns.push(list.chain(["*"]).chain(tokens.clone()).collect());
                }
            }
        }
        crate::sorting::sort_by(&mut patterns, |a, b| a.cmp(b));
        patterns.dedup();
        let owned = |tokens: &[&str]| tokens.iter().map(|t| (*t).to_owned()).collect();
        Reads::Fields {
            fields: patterns.iter().map(|p| owned(p)).collect(),
            lists: lists.iter().map(|l| l.tokens().to_vec()).collect(),
        }
    }

    /// The fields alone, without the `each` lists.
    pub(crate) fn fields_only(self) -> Reads {
        match self {
            Reads::Fields { fields, .. } => Reads::Fields {
                fields,
                lists: Vec::new(),
            },
            everything => everything,
        }
    }

    /// Whether one of the fields read is exactly `field` (a pattern's `*` matching
    /// an index).
    pub fn names(&self, field: &[String]) -> bool {
        match self {
            Reads::Everything => false,
            Reads::Fields { fields, .. } => fields.iter().any(|pattern| {
                pattern.len() == field.len()
                    && pattern.iter().zip(field).all(|(p, f)| {
                        p == f || p == "*" && !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit())
                    })
            }),
        }
    }

    /// Whether a change at `changed` (an RFC 6901 pointer; `-` appends) can change
    /// what the rule reads: it lies on, over or under one of the patterns.
    pub fn touched_by(&self, changed: &[String]) -> bool {
        match self {
            Reads::Everything => true,
            Reads::Fields { fields, lists } => {
                fields.iter().any(|pattern| {
                    pattern.iter().zip(changed).all(|(p, c)| {
                        p == c
                            || p == "*"
                                && (c == "-"
                                    || !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
                    })
                }) || lists.iter().any(|list| {
                    // The list itself, or over it, or one of its items whole.
                    changed.len() <= list.len() + 1 && list.iter().zip(changed).all(|(l, c)| l == c)
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Reads;
    use crate::engine::kinds::Ref;
    use crate::json::pointer::Pointer;

    fn tokens(pointer: &str) -> Vec<String> {
        Pointer::parse(pointer).tokens().to_vec()
    }

    #[test]
    fn an_edit_touches_what_lies_on_over_or_under_a_field_read() {
        let code = Ref {
            pointer: Pointer::parse("code"),
            absolute: false,
        };
        let date = Ref {
            pointer: Pointer::parse("/dispatched_at"),
            absolute: true,
        };
        let wastes = Pointer::parse("/wastes");
        let reads = Reads::declared(&[code, date], &[&wastes]);
        for touched in [
            "/wastes/2/code",
            "/wastes/2",
            "/wastes/-",
            "/wastes",
            "",
            "/dispatched_at",
        ] {
            assert!(reads.touched_by(&tokens(touched)), "{touched}");
        }
        for untouched in [
            "/wastes/2/name",
            "/wastes/x/code",
            "/created_at",
            "/consignor/region",
        ] {
            assert!(!reads.touched_by(&tokens(untouched)), "{untouched}");
        }
    }
}
