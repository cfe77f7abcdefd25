//! `pack.toml` and `rule.toml` as bundles carry them (since format 2): the same tables as
//! canonical JSON — compact, keys sorted — so what reads bundles (the browser
//! module, `wastecheck.wasm`) needs no TOML parser. Converting is part of
//! [`super::bundle::encode`]; only builds with the `toml-sources` feature (the
//! default) can do it.

#[cfg(feature = "toml-sources")]
use super::spec::line_of;
#[cfg(feature = "toml-sources")]
use std::fmt::Write as _;

/// The name a TOML source has in a bundle: `pack.toml` → `pack.json`,
/// `DIR/rule.toml` → `DIR/rule.json`; `None` for any other file, carried as it is.
pub fn bundled_name(path: &str) -> Option<String> {
    if path == "pack.toml" {
        return Some("pack.json".to_owned());
    }
    path.strip_suffix("/rule.toml")
        .map(|dir| format!("{dir}/rule.json"))
}

/// Why a TOML source could not be converted: the 1-based line, if known, and what
/// is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// Where in the file.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The canonical JSON of a TOML document.
#[cfg(feature = "toml-sources")]
pub fn to_json(text: &str) -> Result<String, ConvertError> {
    let table: toml::Table = toml::from_str(text).map_err(|error| ConvertError {
        line: error.span().map(|span| line_of(text, span.start)),
        message: error.message().trim().to_owned(),
    })?;
    let mut out = String::with_capacity(text.len());
    write_table(&table, &mut out)?;
    Ok(out)
}

/// Without a TOML parser, nothing converts.
#[cfg(not(feature = "toml-sources"))]
pub fn to_json(_text: &str) -> Result<String, ConvertError> {
    Err(ConvertError {
        line: None,
        message: "this build of wastecheck reads no TOML (it lacks the `toml-sources` feature): build the bundle with `wastecheck pack build`".to_owned(),
    })
}

#[cfg(feature = "toml-sources")]
fn write_table(table: &toml::Table, out: &mut String) -> Result<(), ConvertError> {
    // Sorted here, whatever order the map keeps.
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort();
    out.push('{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        if let Some(value) = table.get(key) {
            write_value(value, out)?;
        }
    }
    out.push('}');
    Ok(())
}

#[cfg(feature = "toml-sources")]
fn write_value(value: &toml::Value, out: &mut String) -> Result<(), ConvertError> {
    use toml::Value;
    match value {
        Value::String(s) => write_string(s, out),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(number) => {
                let _ = write!(out, "{number}");
            }
            None => {
                return Err(ConvertError {
                    line: None,
                    message: format!("`{f}` is not a finite number, which JSON cannot carry"),
                });
            }
        },
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Datetime(d) => {
            return Err(ConvertError {
                line: None,
                message: format!(
                    "a TOML date or time (`{d}`) is not read here: quote it (\"{d}\")"
                ),
            });
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Table(table) => write_table(table, out)?,
    }
    Ok(())
}

/// A JSON string as serde_json writes it (its escaping is fixed).
#[cfg(feature = "toml-sources")]
fn write_string(s: &str, out: &mut String) {
    match serde_json::to_string(s) {
        Ok(quoted) => out.push_str(&quoted),
        // Serialising a `&str` cannot fail; keep the output JSON regardless.
        Err(_) => out.push_str("\"\""),
    }
}

#[cfg(all(test, feature = "toml-sources"))]
mod tests {
    use super::*;

    #[test]
    fn tables_become_compact_json_with_sorted_keys() {
        let text = "id = \"cn\"\nb = 2\na = [1.5, true, \"引号\\\"\"]\n[title]\nzh-CN = \"国家\"\nen = \"National\"\n";
        assert_eq!(
            to_json(text).unwrap(),
            r#"{"a":[1.5,true,"引号\""],"b":2,"id":"cn","title":{"en":"National","zh-CN":"国家"}}"#
        );
    }

    #[test]
    fn what_json_cannot_carry_is_refused_with_its_reason() {
        let error = to_json("when = 2021-01-01\n").unwrap_err();
        assert!(error.message.contains("quote it"), "{error:?}");
        let error = to_json("x = nan\n").unwrap_err();
        assert!(error.message.contains("finite"), "{error:?}");
        let error = to_json("a = 1\nb = \n").unwrap_err();
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn only_manifests_are_renamed() {
        assert_eq!(bundled_name("pack.toml").as_deref(), Some("pack.json"));
        assert_eq!(
            bundled_name("cn.transfer.x/rule.toml").as_deref(),
            Some("cn.transfer.x/rule.json")
        );
        assert_eq!(bundled_name("catalogue/hw.csv"), None);
        assert_eq!(bundled_name("x/pack.toml"), None);
        assert_eq!(bundled_name("rule.toml"), None);
    }
}
