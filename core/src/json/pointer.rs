//! JSON Pointers (RFC 6901): the one grammar every part of the core uses — violation
//! paths, the pointers in rule packs, the paths scripts return, and lookups in the
//! raw JSON tree.
//!
//! `""` is the whole document; every other pointer is `/`-separated tokens in which
//! `~1` stands for `/` and `~0` for `~`. An array index is `0` or a number without
//! leading zeros. Pack rules may also write a pointer relative to the item an `each`
//! rule is on (`code` for `/code` from the item).

use std::borrow::Cow;

/// `token` escaped for a pointer: `~` as `~0`, `/` as `~1`.
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// A pointer token unescaped: `~1` as `/`, `~0` as `~`.
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The unescaped tokens of an absolute pointer (none for `""`); `None` when it is
/// neither empty nor starts with `/`.
pub fn tokens(pointer: &str) -> Option<impl Iterator<Item = Cow<'_, str>>> {
    let body = match pointer {
        "" => None,
        _ => Some(pointer.strip_prefix('/')?),
    };
    Some(body.into_iter().flat_map(|b| b.split('/')).map(unescape))
}

/// The array index a token names: `0`, or digits without a leading zero.
pub fn index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    let canonical = token == "0" || !token.starts_with('0');
    if digits && canonical {
        token.parse().ok()
    } else {
        None
    }
}

/// Whether the pointer `path` is `at` or lies under it (`/wastes/1/code` under
/// `/wastes/1`, not under `/wastes/10`).
pub fn is_at_or_under(path: &str, at: &str) -> bool {
    path.strip_prefix(at)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Appends `/index` to `path`, without the formatting machinery (every item of
/// every check gets a path).
pub fn push_index(path: &mut String, index: usize) {
    path.push('/');
    match u32::try_from(index)
        .ok()
        .and_then(|i| char::from_digit(i, 10))
    {
        Some(digit) => path.push(digit),
        None => path.push_str(&index.to_string()),
    }
}

/// Appends `/token`, escaped, to `path`.
pub fn push_token(path: &mut String, token: &str) {
    path.push('/');
    path.push_str(&escape(token));
}

/// The pointer of item `index` of the list at `list` (`/wastes/2`).
pub fn item(list: &str, index: usize) -> String {
    let mut path = String::with_capacity(list.len() + 4);
    path.push_str(list);
    push_index(&mut path, index);
    path
}

/// Whether `path` is empty, an absolute pointer with valid escapes, or a relative
/// one (an absolute pointer without its leading `/`, with no empty, `.` or `..`
/// token).
pub fn is_valid(path: &str) -> bool {
    let escapes_ok = |token: &str| {
        let mut chars = token.chars();
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                return false;
            }
        }
        true
    };
    if path.is_empty() {
        return true;
    }
    match path.strip_prefix('/') {
        Some(absolute) => absolute.split('/').all(escapes_ok),
        None => path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && escapes_ok(s)),
    }
}

/// A pointer parsed once: its absolute text and its unescaped tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    text: String,
    tokens: Vec<String>,
}

impl Pointer {
    /// Parses a pointer (`/consignor/credit_code`, or `code` relative to an item,
    /// which is the same as `/code` from the item).
    pub fn parse(text: &str) -> Pointer {
        let absolute = if text.starts_with('/') || text.is_empty() {
            Cow::Borrowed(text)
        } else {
            // Not `format!`: its machinery, for every relative pointer of a load.
            let mut absolute = String::with_capacity(text.len() + 1);
            absolute.push('/');
            absolute.push_str(text);
            Cow::Owned(absolute)
        };
        let tokens = tokens(&absolute)
            .map(|t| t.map(Cow::into_owned).collect())
            .unwrap_or_default();
        Pointer {
            text: absolute.into_owned(),
            tokens,
        }
    }

    /// The pointer in its absolute form (`/a/b`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The unescaped member names and indices.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// `member` of any item of this list, as a pattern of what a rule reads
    /// (`/wastes` and `code` → `/wastes/*/code`; `*` stands for any index).
    pub fn any_item(&self, member: &Pointer) -> Pointer {
        let mut text = self.text.clone();
        text.push_str("/*");
        text.push_str(&member.text);
        let mut tokens = self.tokens.clone();
        tokens.push("*".into());
        tokens.extend(member.tokens.iter().cloned());
        Pointer { text, tokens }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unescaped() {
        let all: Vec<_> = tokens("/a~1b/c~0d/0").unwrap().collect();
        assert_eq!(all, ["a/b", "c~d", "0"]);
        assert_eq!(tokens("").unwrap().count(), 0);
        assert_eq!(tokens("/").unwrap().collect::<Vec<_>>(), [""]);
        assert!(tokens("a/b").is_none());
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape(&escape("x~/~1")), "x~/~1");
    }

    #[test]
    fn any_item_is_a_pattern_of_every_item_s_member() {
        let pattern = Pointer::parse("/wastes").any_item(&Pointer::parse("quantity/value"));
        assert_eq!(pattern.as_str(), "/wastes/*/quantity/value");
        assert_eq!(pattern.tokens(), ["wastes", "*", "quantity", "value"]);
    }

    #[test]
    fn indices_are_canonical() {
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("12"), Some(12));
        for bad in ["01", "+1", "-1", "", "1a", " 1"] {
            assert_eq!(index(bad), None, "{bad:?}");
        }
        assert_eq!(item("/wastes", 3), "/wastes/3");
        assert_eq!(item("/wastes", 9), "/wastes/9");
        assert_eq!(item("/wastes", 10), "/wastes/10");
        assert_eq!(item("/wastes", 42), "/wastes/42");
        assert_eq!(item("", 12345), "/12345");
    }

    #[test]
    fn relative_pointers_read_from_the_item() {
        let p = Pointer::parse("quantity/value");
        assert_eq!(p.as_str(), "/quantity/value");
        assert_eq!(p.tokens(), ["quantity", "value"]);
        assert_eq!(Pointer::parse("").tokens().len(), 0);
        assert_eq!(Pointer::parse("/a~1b").tokens(), ["a/b"]);
    }

    #[test]
    fn validity() {
        for ok in [
            "",
            "/",
            "/wastes/0/code",
            "code",
            "quantity/value",
            "a~0b",
            "/a//b",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["a//b", "a/", "..", "x/./y", "~", "/~2"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
