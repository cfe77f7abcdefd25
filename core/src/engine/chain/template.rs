//! Message templates split once, when a chain is compiled, into literal text and
//! `{placeholders}`. Every finding fills its rule's message (and hint) in both
//! languages; scanning the text for braces on each finding was 5 % of a whole-chain
//! check (callgrind).

use crate::locale::{Bilingual, Locale};
use serde_json::{Map, Value};

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
                            Some(other) => out.push_str(&other.to_string()),
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

/// A template in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    zh: Template,
    en: Template,
}

impl Templates {
    /// Both languages' texts, split.
    pub fn parse(text: &Bilingual) -> Templates {
        Templates {
            zh: Template::parse(&text.zh),
            en: Template::parse(&text.en),
        }
    }

    /// Both texts filled in from `params`.
    pub fn fill(&self, params: &Map<String, Value>) -> Bilingual {
        Bilingual::new(
            self.zh.fill(params, Locale::ZhCn),
            self.en.fill(params, Locale::En),
        )
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
