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
/// that a word in a comment or a message is not taken for code.
fn without_comments_and_strings(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            '"' | '`' => {
                let mut escaped = false;
                for next in chars.by_ref() {
                    if next == c && !escaped {
                        break;
                    }
                    escaped = next == '\\' && !escaped;
                }
                out.push_str("\"\"");
            }
            other => out.push(other),
        }
    }
    out
}
