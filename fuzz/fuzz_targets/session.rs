//! A form's session (issue 21): a document made as the `document` target makes it,
//! then edits by JSON Pointer (`set`, and JSON Patches of several operations,
//! `apply`) as a browser sends them. After every edit the session's report must be
//! exactly a full check's of the document as it now stands — the session re-runs
//! only the rules reading what changed and decodes again only what changed, so this
//! is a differential test of both — and an edit it refuses must change nothing.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wastecheck::json::pointer::escape;
use wastecheck::report::{FindingLimits, PatchOp};
use wastecheck_fuzz::{FIELDS, Plausible, Shape};

/// One token of a pointer.
#[derive(Debug, Arbitrary)]
enum Token {
    /// A model field.
    Field(u8),
    /// Any key.
    Key(String),
    /// An index (small), or `-`.
    Index(u8),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Field(i) => FIELDS[usize::from(*i) % FIELDS.len()].to_owned(),
            Token::Key(k) => escape(k).into_owned(),
            Token::Index(u8::MAX) => "-".to_owned(),
            Token::Index(i) => (i % 8).to_string(),
        }
    }
}

/// One operation: a value put at a pointer, or what is there removed.
#[derive(Debug, Arbitrary)]
struct Op {
    path: Vec<Token>,
    value: Option<Shape>,
    /// As JSON Patch `add` (inserting into a list) rather than `replace`.
    add: bool,
}

impl Op {
    fn pointer(&self) -> String {
        self.path.iter().map(|t| format!("/{}", t.text())).collect()
    }

    fn patch(&self) -> PatchOp {
        let path = self.pointer();
        match (&self.value, self.add) {
            (None, _) => PatchOp::Remove { path },
            (Some(v), true) => PatchOp::Add {
                path,
                value: v.value(),
            },
            (Some(v), false) => PatchOp::Replace {
                path,
                value: v.value(),
            },
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Edit {
    /// `session.set`.
    Set(Op),
    /// `session.apply`, all or nothing.
    Apply(Vec<Op>),
}

/// The document last: it takes the rest of the input (its edits run to the end).
#[derive(Debug, Arbitrary)]
struct Input {
    /// Small limits of findings (per rule, in all), so that reports leave some out.
    limits: Option<(u8, u8)>,
    edits: Vec<Edit>,
    start: Plausible,
}

fuzz_target!(|input: Input| {
    let Input {
        limits,
        edits,
        start,
    } = input;
    let checker = wastecheck_rules::checker();
    let mut options = start.options();
    if let Some((per_rule, total)) = limits {
        options.limits = FindingLimits {
            per_rule: usize::from(per_rule % 8) + 1,
            total: usize::from(total % 32) + 1,
        };
    }
    let facts = start.facts;
    let mut session = checker.session(start.document, facts.clone(), options.clone());
    for edit in edits.iter().take(12) {
        let before = session.report().clone();
        let result = match edit {
            Edit::Set(op) => session.set(&op.pointer(), op.value.as_ref().map(Shape::value)),
            Edit::Apply(ops) => {
                let patch: Vec<PatchOp> = ops.iter().take(4).map(Op::patch).collect();
                session.apply(&patch)
            }
        };
        let full = checker.check_value(session.document(), facts.as_ref(), &options);
        assert_eq!(session.report(), &full, "after {edit:?}");
        if result.is_err() {
            assert_eq!(
                session.report(),
                &before,
                "a refused edit changed the report"
            );
        }
    }
});
