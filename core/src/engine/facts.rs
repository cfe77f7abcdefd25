//! Facts prepared once for many checks.
//!
//! The reference records a host holds (enterprises, licences, permits, policies,
//! plans…) change far less often than documents arrive. Decoding them, and
//! converting them for scripts, is most of a check's fixed cost, so a host decodes
//! them once into [`PreparedFacts`] and checks many documents against them.

use crate::engine::fact_index::IndexedFacts;
use crate::engine::script::{Dynamic, ScriptEngine};
use crate::model::{Facts, Located, decode_facts};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Facts decoded once: the typed records native checks read, the problems found in
/// them (reported as `facts.*` warnings with every check), and the views scripts
/// read, each converted on first use and shared afterwards.
#[derive(Debug)]
pub struct PreparedFacts<'a> {
    raw: Cow<'a, Value>,
    typed: IndexedFacts,
    problems: Vec<Located>,
    /// Each top-level collection as scripts see it.
    collections: BTreeMap<String, OnceLock<Dynamic>>,
    /// The whole facts as scripts see them, for a script that reads `facts` as a whole.
    whole: OnceLock<Dynamic>,
}

impl PreparedFacts<'static> {
    /// Prepares facts the caller hands over.
    pub fn new(facts: Value) -> Self {
        Self::prepare(Cow::Owned(facts))
    }
}

impl<'a> PreparedFacts<'a> {
    /// Prepares facts borrowed from the caller (for a single check).
    pub fn borrowed(facts: &'a Value) -> Self {
        Self::prepare(Cow::Borrowed(facts))
    }

    fn prepare(raw: Cow<'a, Value>) -> Self {
        let (typed, problems) = decode_facts(&raw);
        let collections = raw
            .as_object()
            .map(|all| crate::sorting::map_from(all.keys().map(|k| (k.clone(), OnceLock::new()))))
            .unwrap_or_default();
        PreparedFacts {
            raw,
            typed: IndexedFacts::new(typed),
            problems,
            collections,
            whole: OnceLock::new(),
        }
    }

    /// The facts as passed.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The decoded facts.
    pub fn typed(&self) -> &Facts {
        self.typed.facts()
    }

    /// The decoded facts with their lookups, as checks read them.
    pub fn indexed(&self) -> &IndexedFacts {
        &self.typed
    }

    /// The problems found in the facts, with their JSON Pointers into them.
    pub fn problems(&self) -> &[Located] {
        &self.problems
    }

    /// The facts as scripts see them: the named top-level collections only
    /// (converting the others would be wasted), or everything for `None`.
    pub(crate) fn script_view(&self, collections: Option<&[String]>) -> Dynamic {
        let (Some(names), Value::Object(all)) = (collections, self.raw.as_ref()) else {
            return self
                .whole
                .get_or_init(|| ScriptEngine::to_dynamic(&self.raw))
                .clone();
        };
        ScriptEngine::map_of(names.iter().filter_map(|name| {
            let value = all.get(name)?;
            let view = self.collections.get(name)?;
            Some((
                name.as_str(),
                view.get_or_init(|| ScriptEngine::to_dynamic(value)).clone(),
            ))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_are_found_once_and_kept() {
        let facts = PreparedFacts::new(json!({"licences": [{"number": 5}], "nonsense": 1}));
        let paths: Vec<&str> = facts.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/licences/0/number", "/nonsense"]);
    }

    #[cfg(feature = "scripts")]
    #[test]
    fn scripts_see_only_the_collections_they_read() {
        let raw = json!({"licences": [{"number": "L1"}], "plans": []});
        let facts = PreparedFacts::borrowed(&raw);
        let view = facts.script_view(Some(&["licences".to_owned(), "absent".to_owned()]));
        let number = ScriptEngine::pointer(&view, "/licences/0/number");
        assert_eq!(number.map(|n| n.to_string()), Some("L1".to_owned()));
        assert!(ScriptEngine::pointer(&view, "/plans").is_none());
        let whole = facts.script_view(None);
        assert!(ScriptEngine::pointer(&whole, "/plans").is_some());
    }
}
