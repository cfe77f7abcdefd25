//! What a catalogue search compares, computed once per entry when the catalogue
//! is built (so a keystroke's search allocates nothing per entry).

use crate::model::{Category, WasteCode};

/// Precomputed search keys of one entry.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) digits: String,
    pub(crate) category: String,
    pub(crate) text: String,
    pub(crate) description_chars: usize,
    pub(crate) code_order: usize,
}

impl Keys {
    /// The keys of an entry with this code, category, description and industry.
    pub(crate) fn of(
        code: &WasteCode,
        category: &Category,
        description: &str,
        industry: &str,
    ) -> Self {
        Keys {
            digits: code.as_str().replace('-', ""),
            category: category.to_string(),
            text: format!("{description}\u{1f}{industry}").to_ascii_lowercase(),
            description_chars: description.chars().count(),
            code_order: code.as_str().replace('-', "").parse().unwrap_or(usize::MAX),
        }
    }
}
