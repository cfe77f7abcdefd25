//! Locales for messages. Every message exists in both; the set of findings never
//! depends on the locale.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The language of messages in a report.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum Locale {
    /// Simplified Chinese, the language of the law and of the forms.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Both locales, Chinese first.
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Picks the Chinese or the English text.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A locale tag that is neither `zh-CN` nor `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown locale `{0}`: use `zh-CN` or `en`")]
pub struct UnknownLocale(pub String);

impl FromStr for Locale {
    type Err = UnknownLocale;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh-CN" | "zh" | "zh-Hans" | "zh-Hans-CN" => Ok(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Ok(Locale::En),
            other => Err(UnknownLocale(other.to_owned())),
        }
    }
}

/// A text in both locales: the one bilingual text of the crate — pack files' titles
/// and messages (`{"zh-CN": …, "en": …}`), the faces' rule and pack titles, and a
/// violation's message in both languages. Its JSON Schema is named `Text`.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields, rename = "Text")]
pub struct Bilingual {
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// Builds a text from its two versions.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        locale.pick(&self.zh, &self.en)
    }
}
