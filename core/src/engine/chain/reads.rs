//! What a rule reads of a document, so that an edit re-runs only the rules it can
//! change (issue 21, [`crate::check::Session`]): the fields of its check's
//! parameters and those its kind reads beyond them (other lines' quantities, say:
//! [`Args::reads`]), its `each` lists and its `when` fields, as pointer patterns
//! (`*`: any item). A script that does not list what it reads (`reads` in
//! `rule.toml`) reads everything.
//!
//! [`Args::reads`]: crate::engine::kinds::Args::reads

use super::super::kinds::Ref;
use crate::json::pointer::{self, Pointer};
use std::borrow::Cow;

/// What a rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reads {
    /// Anything in the document.
    Everything,
    /// Fields and lists.
    Fields {
        /// Pointer patterns (`/wastes/*/code`; `*` is any list index), with what
        /// lies under them. Kept as pointers rather than token lists: a load
        /// declares what every rule reads, and a token list cost an allocation a
        /// token (a tenth of loading the built-in packs).
        fields: Vec<String>,
        /// The lists `each` iterates: their items, not what lies in the items
        /// (which `fields` name).
        lists: Vec<String>,
    },
}

impl Reads {
    /// What a rule reads: these fields (`*`: any item; a check's, or a script's
    /// `reads` in `rule.toml`), its `each` lists and `when`.
    pub(crate) fn declared<'a>(
        fields: impl IntoIterator<Item = &'a Ref>,
        lists: &[&Pointer],
    ) -> Reads {
        // In the order first declared, without repeats: a rule names a few fields,
        // and looking for a repeat costs less than sorting them.
        let mut patterns: Vec<String> = Vec::new();
        let mut add = |parts: &[&str]| {
            if !patterns.iter().any(|p| is_joined(p, parts)) {
                patterns.push(parts.concat());
            }
        };
        for field in fields {
            let field_text = field.pointer.as_str();
            if field.absolute || lists.is_empty() {
                add(&[field_text]);
            } else {
                // Relative to each item of a list, or to the record `each` names.
                for list in lists {
                    add(&[list.as_str(), field_text]);
                    add(&[list.as_str(), "/*", field_text]);
                }
            }
        }
        Reads::Fields {
            fields: patterns,
            lists: lists.iter().map(|l| l.as_str().to_owned()).collect(),
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
                let mut pattern = tokens(pattern);
                let mut field = field.iter();
                loop {
                    match (pattern.next(), field.next()) {
                        (None, None) => return true,
                        (Some(p), Some(f))
                            if p == f.as_str()
                                || p == "*"
                                    && !f.is_empty()
                                    && f.bytes().all(|b| b.is_ascii_digit()) => {}
                        _ => return false,
                    }
                }
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
                    tokens(pattern).zip(changed).all(|(p, c)| {
                        p == c.as_str()
                            || p == "*"
                                && (c == "-"
                                    || !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
                    })
                }) || lists.iter().any(|list| {
                    // The list itself, or over it, or one of its items whole.
                    changed.len() <= tokens(list).count() + 1
                        && tokens(list).zip(changed).all(|(l, c)| l == c.as_str())
                })
            }
        }
    }
}

/// Whether `whole` is `parts` joined.
fn is_joined(whole: &str, parts: &[&str]) -> bool {
    if whole.len() != parts.iter().map(|p| p.len()).sum::<usize>() {
        return false;
    }
    let mut rest = whole;
    for part in parts {
        match rest.strip_prefix(part) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.is_empty()
}

/// The unescaped tokens of a pattern (none for the whole document).
fn tokens(pattern: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer::tokens(pattern).into_iter().flatten()
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
    fn patterns_are_kept_once_in_the_order_declared() {
        let field = |text: &str, absolute| Ref {
            pointer: Pointer::parse(text),
            absolute,
        };
        let wastes = Pointer::parse("/wastes");
        let reads = Reads::declared(
            &[
                field("code", false),
                field("/dispatched_at", true),
                field("code", false),
                field("/dispatched_at", true),
            ],
            &[&wastes],
        );
        let Reads::Fields { fields, lists } = reads else {
            panic!("fields expected")
        };
        assert_eq!(fields, ["/wastes/code", "/wastes/*/code", "/dispatched_at"]);
        assert_eq!(lists, ["/wastes"]);
        assert!(Reads::declared(&[field("a~1b", false)], &[]).names(&["a/b".to_owned()]));
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
