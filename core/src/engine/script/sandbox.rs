//! The rhai sandbox: every limit a rule script runs under, and the bare engine they
//! apply to. All limits live here, in one place, so a reviewer sees the whole
//! sandbox at once.
//!
//! A script gets no file, module, clock, environment or output: the engine starts
//! from [`Engine::new_raw`] (no module resolver, no `print` to stdout) and gets only
//! the pure functions scripts need. What is left out, and why:
//!
//! * `eval` is disabled: a script could otherwise compile code it builds at run time.
//! * `import` does not exist (`no_module`); no time functions exist (`no_time`).
//! * rhai's `LanguageCorePackage` is left out: it holds `sleep` (which blocks the
//!   thread, and traps on `wasm32-unknown-unknown`), `exit` and `parse_json`.
//! * There is no `print` or `debug` (rhai's string package, left out with the rest of
//!   its standard packages: scripts get the basics of `script::basics` instead).
//! * Anonymous functions (closures, `|x| …`) are disabled. A closure that captures
//!   a variable turns it into a *shared* value behind a lock; touching the same
//!   value inside and outside the closure (`doc.wastes.map(|w| doc.number)`) makes
//!   rhai retry the lock with `std::thread::sleep` for 50 ms and then fail — and
//!   `sleep` traps on `wasm32-unknown-unknown`. Named functions passed as `Fn("f")`
//!   (to `filter`, `map`, `reduce`, …) do the same work and cannot capture; with
//!   no closures, no script value is ever shared or locked.
//! * `const` is disabled: with rhai's `Simple` optimiser, assigning to a property of a
//!   `const` map (`const X = #{a: 1}; X.a = 2;`) reaches an `unreachable!` in rhai
//!   1.27 and panics. Scripts use `let`.
//! * No strings interner: it is one lock for the whole engine, shared by every
//!   thread running scripts.

#[cfg(feature = "scripts")]
use rhai::Engine;
#[cfg(feature = "scripts")]
use rhai::packages::{ArithmeticPackage, LogicPackage, Package};

/// The limits a rule script runs under. A script that exceeds one fails with a
/// limit error: the rule is reported as not evaluated, never as passed.
///
/// The size limits apply to the values a script builds: rhai measures a value
/// whole (every element and string byte nested inside it) on assignment, on
/// function results and on the receiver of every method call. The inputs (the
/// document, facts and item) are views that count as nothing, whatever their size
/// (see [`super`]).
///
/// rhai reads `0` as "unlimited"; [`sandboxed_engine`] raises a `0` to `1` so that
/// no setting here can switch a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// rhai operations per run (each expression step, call and loop iteration
    /// counts). Default 100,000: the heaviest realistic rule (a few nested loops
    /// over a manifest's lines and a licence's scope) takes a few thousand, and a
    /// runaway loop is stopped within a form's keystroke budget (measured in
    /// release: `loop {}` 0.1 ms, `while true { i += 1; }` 11 ms).
    pub max_operations: u64,
    /// Nested function calls. Default 16: rule scripts are flat; a few helper
    /// functions calling each other is all they need, and deep recursion is
    /// stopped before it threatens the native stack (which is small in wasm).
    pub max_call_levels: usize,
    /// Nesting depth of expressions and statements at the top level. Default 32:
    /// far above hand-written code, and it bounds the parser's recursion.
    pub max_expr_depth: usize,
    /// Nesting depth of expressions inside functions. Default 16: function bodies
    /// in rule scripts are short helpers.
    pub max_function_expr_depth: usize,
    /// String bytes in any one value a script builds. rhai counts every string
    /// inside an array or map together (a list of 100 names counts all their
    /// bytes). Default 16,384: a finding's parameters are codes, names and
    /// numbers, and a few hundred of them fit; a runaway concatenation (`s += s`)
    /// stops in a dozen steps.
    pub max_string_size: usize,
    /// Elements in any one array a script builds, nested arrays included. Default
    /// 1,024: above the findings of any real document. Not higher because rhai
    /// re-measures a whole array on every `push`, so a runaway loop costs the
    /// square of this limit before it is stopped: about 1 ms at 1,024 for a `push`
    /// loop, 70 ms for the worst case found (`loop { a = [a]; }`, which also
    /// copies the array each time).
    pub max_array_size: usize,
    /// Properties in any one map a script builds, nested maps (and the maps inside
    /// its arrays) included. Default 256: a map keyed by waste code stays far below
    /// it, and so do the findings of a rule (about 80 findings with a path and two
    /// parameters each). Kept low for the same quadratic reason as arrays.
    pub max_map_size: usize,
    /// Variables in scope at any instant (the inputs included). Default 64: a
    /// rule script names a handful.
    pub max_variables: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 100_000,
            max_call_levels: 16,
            max_expr_depth: 32,
            max_function_expr_depth: 16,
            max_string_size: 16_384,
            max_array_size: 1024,
            max_map_size: 256,
            max_variables: 64,
        }
    }
}

/// A rhai engine with the limits applied and only what scripts need: rhai's
/// arithmetic (integers and exact decimals) and logic packages, and the basics of
/// strings, arrays, maps, ranges and rounding (`script::basics`). Strict variables
/// are on (an unknown name is a compile error).
///
/// rhai is built without its optimiser (`no_optimize`): scripts run as written. The
/// optimiser is 17 KB of the browser module gzipped, and its constant folding buys
/// little for scripts of a few dozen lines that run behind `when` guards.
#[cfg(feature = "scripts")]
pub fn sandboxed_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    ArithmeticPackage::new().register_into_engine(&mut engine);
    LogicPackage::new().register_into_engine(&mut engine);
    super::basics::register(&mut engine);

    engine
        .set_max_operations(limits.max_operations.max(1))
        .set_max_call_levels(limits.max_call_levels.max(1))
        .set_max_expr_depths(
            limits.max_expr_depth.max(1),
            limits.max_function_expr_depth.max(1),
        )
        .set_max_string_size(limits.max_string_size.max(1))
        .set_max_array_size(limits.max_array_size.max(1))
        .set_max_map_size(limits.max_map_size.max(1))
        .set_max_variables(limits.max_variables.max(1))
        .set_strict_variables(true)
        .set_allow_anonymous_fn(false)
        .disable_symbol("eval")
        .disable_symbol("const")
        .on_print(|_| {})
        .on_debug(|_, _, _| {});
    engine
}

#[cfg(all(test, feature = "scripts"))]
// The tests time the limits with `Instant::now`, with budgets far above what they
// take (milliseconds), so that a loaded CI machine never fails them: a limit that
// did not work would run forever.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use rhai::{Dynamic, EvalAltResult};
    use std::time::{Duration, Instant};

    fn run(source: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        sandboxed_engine(&Limits::default()).eval::<Dynamic>(source)
    }

    fn quickly<T>(f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "took {:?}",
            start.elapsed()
        );
        out
    }

    #[test]
    fn the_limits_stop_runaway_scripts() {
        let err = quickly(|| run("loop {}")).unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorTooManyOperations(..)),
            "{err}"
        );
        let err = quickly(|| run("fn f(n) { f(n + 1) } f(0)")).unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorStackOverflow(..)),
            "{err}"
        );
        let err = quickly(|| run(r#"let s = "x"; loop { s += s; }"#)).unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorDataTooLarge(..)),
            "{err}"
        );
        let err = quickly(|| run("let a = []; loop { a.push(1); }")).unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorDataTooLarge(..)),
            "{err}"
        );
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(quickly(|| run(&deep)).is_err());
    }

    #[test]
    fn a_zero_limit_is_not_unlimited() {
        let limits = Limits {
            max_operations: 0,
            ..Limits::default()
        };
        let err = sandboxed_engine(&limits)
            .eval::<Dynamic>("let x = 1; x + 1")
            .unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorTooManyOperations(..)),
            "{err}"
        );
    }

    #[test]
    fn what_is_not_there() {
        let engine = sandboxed_engine(&Limits::default());
        for source in [
            r#"eval("1")"#,
            r#"import "x" as y;"#,
            "const X = #{a: 1}; X.a = 2;",
            "let f = |x| x + 1; f.call(1)",
            "undeclared + 1",
        ] {
            assert!(engine.compile(source).is_err(), "{source} compiled");
        }
        for source in [
            "timestamp()",
            "sleep(1)",
            "exit(1)",
            r#"parse_json("{}")"#,
            r#"open_file("/etc/passwd")"#,
            r#"print("x")"#,
            "debug(1)",
        ] {
            let err = quickly(|| engine.eval::<Dynamic>(source)).unwrap_err();
            assert!(
                matches!(*err, EvalAltResult::ErrorFunctionNotFound(..)),
                "{source}: {err}"
            );
        }
    }

    #[test]
    fn what_scripts_need_is_there() {
        let engine = sandboxed_engine(&Limits::default());
        let source = r#"
            let codes = ["900-041-49", "900-249-08"];
            let n = 0;
            for c in codes { if c.ends_with("-49") && c.len() == 10 { n += 1; } }
            let m = #{a: 1, b: 2};
            fn big(x) { x > 1 }
            let kept = [1, 2, 3].filter(Fn("big"));
            let d = 2.350 + 1;
            `${n}|${m.keys().len()}|${kept.len()}|${d}|${(2.5).round()}|${10 / 4}|${"a,b".split(",").len()}`
        "#;
        // `2.350` is an exact decimal (no binary floats), `round` rounds half away
        // from zero (四舍五入).
        assert_eq!(engine.eval::<String>(source).unwrap(), "1|2|2|3.350|3|2|2");
    }
}
