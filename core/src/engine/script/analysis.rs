//! What a script's source says before it runs: the fact collections it reads, so
//! a check converts only those for it.

/// The fact collections a script reads as `facts.NAME` or `facts?.NAME`; `None`
/// when it uses `facts` any other way (then every collection is converted).
pub(crate) fn fact_collections(source: &str) -> Option<Vec<String>> {
    let code = without_comments_and_strings(source);
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("facts") {
        let before = rest.get(..at).and_then(|b| b.chars().next_back());
        let after = rest.get(at + 5..).unwrap_or_default();
        rest = after;
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let trimmed = after.trim_start();
        let member = trimmed
            .strip_prefix("?.")
            .or_else(|| trimmed.strip_prefix('.'));
        match member {
            Some(member) => {
                let name: String = member
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name.is_empty() {
                    return None;
                }
                out.push(name);
            }
            None if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') => {}
            None => return None,
        }
    }
    Some(out)
}

/// Script source with comments and the contents of string literals blanked, so
/// that a word in a comment or a message is not taken for code. Read by bytes and
/// copied in spans: every delimiter is ASCII, so a span never splits a character
/// (char by char, this was 3 % of loading the built-in packs).
fn without_comments_and_strings(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    // `kept` is where the code not yet copied starts.
    let (mut at, mut kept) = (0, 0);
    while let Some(&byte) = bytes.get(at) {
        let after = at + 1;
        let (end, blank) = match (byte, bytes.get(after)) {
            (b'/', Some(b'/')) => match position(bytes, after + 1, |b, _| b == b'\n') {
                Some(newline) => (newline + 1, "\n"),
                None => (bytes.len(), ""),
            },
            (b'/', Some(b'*')) => {
                // The `*` that opened it does not close it (`/*/`).
                let close = position(bytes, after + 1, |b, at| {
                    b == b'/' && at > after + 1 && bytes.get(at - 1) == Some(&b'*')
                });
                (close.map_or(bytes.len(), |c| c + 1), " ")
            }
            (b'"' | b'`', _) => {
                let mut escaped = false;
                let close = position(bytes, after, |b, _| {
                    let closes = b == byte && !escaped;
                    escaped = b == b'\\' && !escaped;
                    closes
                });
                (close.map_or(bytes.len(), |c| c + 1), "\"\"")
            }
            _ => {
                at = after;
                continue;
            }
        };
        out.push_str(source.get(kept..at).unwrap_or_default());
        out.push_str(blank);
        (at, kept) = (end, end);
    }
    out.push_str(source.get(kept..).unwrap_or_default());
    out
}

/// The first position from `from` whose byte `found` accepts (given the byte and
/// its position).
fn position(bytes: &[u8], from: usize, mut found: impl FnMut(u8, usize) -> bool) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .enumerate()
        .position(|(i, &b)| found(b, from + i))
        .map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::without_comments_and_strings as blanked;

    #[test]
    fn comments_and_strings_are_blanked_and_code_kept() {
        assert_eq!(blanked("a // facts.x\nb"), "a \nb");
        assert_eq!(blanked("a // to the end"), "a ");
        assert_eq!(blanked("a /* facts */ b"), "a   b");
        assert_eq!(blanked("a /**/ b /*/ c */ d"), "a   b   d");
        assert_eq!(blanked("a /* unclosed"), "a  ");
        assert_eq!(blanked(r#"x = "废物 \" facts" + `y`;"#), r#"x = "" + "";"#);
        assert_eq!(blanked(r#"s = "a\\"; t"#), r#"s = ""; t"#);
        assert_eq!(blanked("\"unclosed"), "\"\"");
        assert_eq!(blanked("let 数量 = 1; // 注释\n"), "let 数量 = 1; \n");
        assert_eq!(blanked("a / b * c"), "a / b * c");
    }
}
