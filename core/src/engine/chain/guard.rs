//! A rule's `when`, compiled: conditions on the document (or the item an `each`
//! rule is on) that must all hold for the rule to run.

use super::super::kinds::{self, RunCx};
use crate::json::pointer::Pointer;
use crate::model::node::Node;
use crate::pack::spec::RegionLevel;

/// A rule's `when`, compiled: conditions that must all hold.
#[derive(Debug, Clone)]
pub struct Guard {
    all: Vec<Condition>,
}

impl Guard {
    pub(crate) fn compile(
        whens: &crate::pack::spec::Whens,
        has_each: bool,
    ) -> Result<Guard, String> {
        let all = whens
            .all()
            .iter()
            .map(|w| Condition::compile(w, has_each))
            .collect::<Result<Vec<_>, _>>()?;
        if all.is_empty() {
            return Err("`when` lists no condition".into());
        }
        Ok(Guard { all })
    }

    /// The fields its conditions read.
    pub fn fields(&self) -> impl Iterator<Item = &kinds::Ref> {
        self.all
            .iter()
            .flat_map(|c| std::iter::once(&c.field).chain(c.outside.iter().map(|(_, of)| of)))
    }

    /// Whether the rule runs here.
    pub fn holds(&self, cx: &RunCx<'_>) -> bool {
        self.all.iter().all(|c| c.holds(cx))
    }
}

/// Whether `value` is `pattern`, or starts with it when it ends in `*`.
fn matches_pattern(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

/// One condition of a `when`.
#[derive(Debug, Clone)]
struct Condition {
    field: kinds::Ref,
    any_of: Vec<String>,
    not_in: Vec<String>,
    present: Option<bool>,
    outside: Option<(RegionLevel, kinds::Ref)>,
}

impl Condition {
    fn compile(when: &crate::pack::spec::When, has_each: bool) -> Result<Condition, String> {
        let absolute = when.field.starts_with('/');
        if !absolute && !has_each {
            return Err(format!(
                "when.field = \"{}\" is relative, but the rule has no `each`",
                when.field
            ));
        }
        let outside = match (when.outside, &when.of) {
            (None, None) => None,
            (Some(level), Some(of)) => {
                let of_absolute = of.starts_with('/');
                if !of_absolute && !has_each {
                    return Err(format!(
                        "when.of = \"{of}\" is relative, but the rule has no `each`"
                    ));
                }
                Some((
                    level,
                    kinds::Ref {
                        pointer: Pointer::parse(of),
                        absolute: of_absolute,
                    },
                ))
            }
            _ => return Err("`when` needs `outside` and `of` together".into()),
        };
        if when.any_of.is_empty()
            && when.not_in.is_empty()
            && when.present.is_none()
            && outside.is_none()
        {
            return Err("`when` needs `in`, `not_in`, `present` or `outside`".into());
        }
        Ok(Condition {
            field: kinds::Ref {
                pointer: Pointer::parse(&when.field),
                absolute,
            },
            any_of: when.any_of.clone(),
            not_in: when.not_in.clone(),
            present: when.present,
            outside,
        })
    }

    fn holds(&self, cx: &RunCx<'_>) -> bool {
        let node = cx.get(&self.field);
        if self.present.is_some_and(|p| p != node.is_present()) {
            return false;
        }
        if let Some((level, of)) = &self.outside {
            let (Node::Region(a), Node::Region(b)) = (node, cx.get(of)) else {
                return false;
            };
            let same = match level {
                RegionLevel::Province => a.same_province(&b),
                RegionLevel::City => a.same_city(&b),
                RegionLevel::County => a.same_county(&b),
            };
            if same {
                return false;
            }
        }
        if self.any_of.is_empty() && self.not_in.is_empty() {
            return true;
        }
        let text = node.text();
        if let Some(t) = &text
            && self.not_in.iter().any(|p| matches_pattern(p, t))
        {
            return false;
        }
        self.any_of.is_empty()
            || text.is_some_and(|t| self.any_of.iter().any(|p| matches_pattern(p, &t)))
    }
}
