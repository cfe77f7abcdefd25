//! A value's text as checks compare it ([`Node::text`](super::node::Node::text)).

use arrayvec::ArrayString;
use std::borrow::Borrow;
use std::fmt::{self, Write};
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Bytes a value written out keeps on the stack: a date-time with nanoseconds and
/// an offset is 35, a decimal of 28 digits with sign and point 30.
const WRITTEN: usize = 48;

/// A value's text: borrowed from the document, or written out on the stack for a
/// value kept as a number or a code (a date, a quantity, a region), so that a check
/// comparing texts allocates nothing on a document without findings.
#[derive(Debug, Clone)]
pub enum NodeText<'a> {
    /// Text the document holds.
    Borrowed(&'a str),
    /// A value written out, up to 48 bytes.
    Written(ArrayString<WRITTEN>),
    /// A value written out that is longer.
    Owned(String),
}

impl NodeText<'_> {
    /// `value` written out (`dyn`: one copy of this for every type written, which
    /// the browser module's size counts).
    pub(crate) fn written(value: &dyn fmt::Display) -> NodeText<'static> {
        let mut text = ArrayString::new();
        match write!(text, "{value}") {
            Ok(()) => NodeText::Written(text),
            Err(_) => NodeText::Owned(value.to_string()),
        }
    }

    /// The text, owned.
    pub fn into_owned(self) -> String {
        match self {
            NodeText::Owned(text) => text,
            other => other.as_str().to_owned(),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            NodeText::Borrowed(text) => text,
            NodeText::Written(text) => text,
            NodeText::Owned(text) => text,
        }
    }
}

impl Deref for NodeText<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for NodeText<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for NodeText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for NodeText<'_> {}

impl PartialEq<str> for NodeText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for NodeText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for NodeText<'_> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<NodeText<'_>> for String {
    fn eq(&self, other: &NodeText<'_>) -> bool {
        self == other.as_str()
    }
}

impl Hash for NodeText<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Borrow<str> for NodeText<'_> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// The empty text.
impl Default for NodeText<'_> {
    fn default() -> Self {
        NodeText::Borrowed("")
    }
}

impl fmt::Display for NodeText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_written_on_the_stack_and_a_longer_one_owned() {
        assert!(
            matches!(NodeText::written(&330602), NodeText::Written(t) if t.as_str() == "330602")
        );
        let long = "x".repeat(WRITTEN + 1);
        assert!(matches!(NodeText::written(&long), NodeText::Owned(t) if t == long));
        assert_eq!(NodeText::written(&"y".repeat(WRITTEN)).len(), WRITTEN);
        assert_eq!(NodeText::Borrowed("a"), NodeText::written(&'a'));
        assert_eq!(NodeText::written(&12).into_owned(), "12");
    }
}
