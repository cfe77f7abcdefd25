//! Message templates split once into literal text and `{placeholders}`, when a
//! rule's first finding is rendered. Every finding fills its rule's message (and
//! hint) in both languages; scanning the text for braces on each finding was 5 % of
//! a whole-chain check (callgrind). Splitting every rule's texts when a chain is
//! compiled was 1.0M instructions of loading the built-in packs, most of it for
//! rules that a given run never sees fail.

use crate::locale::{Bilingual, Locale};
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// A template: `{name}` is replaced by the finding's parameter `name` (a localised
/// parameter, `{"zh-CN": …, "en": …}`, by its text in the language filled); a name
/// the finding does not carry stays as written, braces included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(Box<str>),
    Param(Box<str>),
}

impl Template {
    /// Splits `text`: a `{` opens a placeholder when a `}` follows before any other
    /// `{`; every other brace is text.
    pub fn parse(text: &str) -> Template {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        // Braces are ASCII, so bytes are searched (a `char` pattern set decodes
        // every character of a Chinese message).
        while let Some(start) = rest.bytes().position(|b| b == b'{') {
            literal.push_str(rest.get(..start).unwrap_or_default());
            let after = rest.get(start + 1..).unwrap_or_default();
            match after.bytes().position(|b| b == b'{' || b == b'}') {
                Some(end) if after.as_bytes().get(end) == Some(&b'}') => {
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal).into()));
                    }
                    pieces.push(Piece::Param(after.get(..end).unwrap_or_default().into()));
                    rest = after.get(end + 1..).unwrap_or_default();
                }
                _ => {
                    literal.push('{');
                    rest = after;
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal.into()));
        }
        Template { pieces }
    }

    /// The text with the parameters `params` gives filled in, in `locale`.
    pub fn fill(&self, params: &Map<String, Value>, locale: Locale) -> String {
        let mut out = String::with_capacity(self.len_hint());
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Param(name) => match params.get(name.as_ref()) {
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                    Some(value) => {
                        let value = match value {
                            Value::Object(localised) => localised.get(locale.tag()),
                            other => Some(other),
                        };
                        match value {
                            Some(Value::String(s)) => out.push_str(s),
                            Some(Value::Null) | None => out.push('—'),
                            // Written in place: no string of its own per number.
                            Some(other) => {
                                let _ = write!(out, "{other}");
                            }
                        }
                    }
                },
            }
        }
        out
    }

    /// The text's length with each parameter counted as 16 bytes.
    fn len_hint(&self) -> usize {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.len(),
                Piece::Param(_) => 16,
            })
            .sum()
    }
}

/// A template in both languages, split when first filled.
#[derive(Debug, Clone)]
pub struct Templates {
    text: Bilingual,
    split: OnceLock<(Template, Template)>,
}

impl Templates {
    /// Both languages' texts, to be split when first filled.
    pub fn new(text: &Bilingual) -> Templates {
        Templates {
            text: text.clone(),
            split: OnceLock::new(),
        }
    }

    /// Both texts filled in from `params`.
    pub fn fill(&self, params: &Map<String, Value>) -> Bilingual {
        let (zh, en) = self.split.get_or_init(|| {
            (
                Template::parse(&self.text.zh),
                Template::parse(&self.text.en),
            )
        });
        Bilingual::new(zh.fill(params, Locale::ZhCn), en.fill(params, Locale::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fill(template: &str, params: &Map<String, Value>, locale: Locale) -> String {
        Template::parse(template).fill(params, locale)
    }

    fn params() -> Map<String, Value> {
        let Value::Object(map) = json!({
            "code": "900-041-49",
            "category": {"zh-CN": "其他废物", "en": "other wastes"},
            "missing": null,
            "count": 3,
        }) else {
            unreachable!("an object literal")
        };
        map
    }

    #[test]
    fn placeholders_are_filled_in_the_language_asked() {
        let t = Template::parse("废物代码 {code} 属于 {category}（{count} 行）");
        assert_eq!(
            t.fill(&params(), Locale::ZhCn),
            "废物代码 900-041-49 属于 其他废物（3 行）"
        );
        assert_eq!(
            Template::parse("{code} is {category}").fill(&params(), Locale::En),
            "900-041-49 is other wastes"
        );
        assert_eq!(fill("{missing}!", &params(), Locale::En), "—!");
    }

    #[test]
    fn both_languages_are_split_at_the_first_fill_and_kept() {
        let t = Templates::new(&Bilingual::new(
            "{code} 属于 {category}",
            "{code} is {category}",
        ));
        assert!(t.split.get().is_none(), "nothing split before a finding");
        let first = t.fill(&params());
        assert_eq!(first.zh, "900-041-49 属于 其他废物");
        assert_eq!(first.en, "900-041-49 is other wastes");
        assert!(t.split.get().is_some());
        assert_eq!(t.fill(&params()), first);
    }

    #[test]
    fn other_braces_stay_as_written() {
        for (template, filled) in [
            ("{unknown} {code}", "{unknown} 900-041-49"),
            ("{ {code}", "{ 900-041-49"),
            ("{a{code}}", "{a900-041-49}"),
            ("}{", "}{"),
            ("{", "{"),
            ("{}", "{}"),
            ("", ""),
            ("no placeholders", "no placeholders"),
        ] {
            assert_eq!(
                fill(template, &params(), Locale::En),
                filled,
                "{template:?}"
            );
        }
    }
}
