//! The bounds table (issue 20, docs/design.md §13): for each way a hostile input
//! can be large — the largest document, the most lines, the longest string, the
//! most keys, the most repeated keys, the largest facts set, the deepest nesting —
//! an input at the largest size `wastecheck serve` takes by default (a 10 MiB body),
//! checked through the JSON facade every face uses, with the median time of a check
//! and the peak memory it allocated beyond the input (counted by this binary's
//! allocator, `peak_alloc`).
//!
//! `cargo bench -p wastecheck-rules --bench bounds` prints the table the design
//! document holds; `cargo test --bench bounds` (the smoke run in `./x test`) runs
//! it on inputs a sixteenth the size and checks each report is whole.

use peak_alloc::PeakAlloc;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Counts the bytes allocated now and the most at once since the last reset.
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// `wastecheck serve`'s default largest body.
const FULL: usize = 10 * 1024 * 1024;

struct Row {
    what: &'static str,
    bytes: usize,
    count: String,
    median: Duration,
    peak: usize,
    valid: bool,
    violations: usize,
}

fn example(name: &str) -> Value {
    let path = format!("{}/../spec/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A request of the facade: the document, and facts when given.
fn request(document: &Value, facts: Option<&Value>) -> String {
    match facts {
        Some(facts) => json!({ "document": document, "facts": facts }).to_string(),
        None => json!({ "document": document }).to_string(),
    }
}

/// `items` copies of `item` in a list, as many as fit in `size` bytes beside the rest.
fn copies(item: &Value, size: usize, rest: usize) -> usize {
    (size.saturating_sub(rest) / (item.to_string().len() + 1)).max(1)
}

/// The inputs, each about `size` bytes, with what makes them large.
fn inputs(size: usize) -> Vec<(&'static str, String, String)> {
    let manifest = example("manifest.valid.json");
    let facts = example("facts.example.json");
    let base = request(&manifest, Some(&facts)).len();
    let mut out = Vec::new();

    let line = manifest["wastes"][0].clone();
    let n = copies(&line, size, base);
    let mut many = manifest.clone();
    many["wastes"] = Value::Array(vec![line; n]);
    out.push((
        "most lines (waste lines of a manifest)",
        request(&many, Some(&facts)),
        format!("{n} lines"),
    ));

    let mut long = manifest.clone();
    let chars = size.saturating_sub(base) / 3;
    long["consignor"]["name"] = Value::String("废".repeat(chars));
    out.push((
        "longest string (a party's name)",
        request(&long, Some(&facts)),
        format!("{chars} characters"),
    ));

    let mut keyed = manifest.clone();
    let keys = size.saturating_sub(base) / 16;
    let extra: serde_json::Map<String, Value> =
        (0..keys).map(|i| (format!("k{i:09}"), json!(1))).collect();
    keyed["extra"] = Value::Object(extra);
    out.push((
        "most keys (one object, all different)",
        request(&keyed, Some(&facts)),
        format!("{keys} keys"),
    ));

    let text = request(&manifest, Some(&facts));
    let repeats = size.saturating_sub(base) / 8;
    let dup = format!(
        "{{\"document\":{{{}{}}}}}",
        "\"a\":1,".repeat(repeats),
        text.strip_prefix("{\"document\":{")
            .and_then(|t| t.split_once("},\"facts\""))
            .map_or("\"kind\":\"manifest\"", |(doc, _)| doc)
    );
    out.push((
        "most repeated keys (one key, again and again)",
        dup,
        format!("{repeats} repeats"),
    ));

    let licence = facts["licences"][0].clone();
    let n = copies(&licence, size, base);
    let mut big_facts = facts.clone();
    big_facts["licences"] = Value::Array(vec![licence; n]);
    out.push((
        "largest facts set (licences)",
        request(&manifest, Some(&big_facts)),
        format!("{n} licences"),
    ));

    let depth = deepest();
    out.push((
        "deepest nesting accepted (arrays in a field)",
        nested_request(&text, depth),
        format!("{depth} levels"),
    ));
    out
}

/// `text` (a request) with `depth` nested arrays in an extra field of the document.
fn nested_request(text: &str, depth: usize) -> String {
    let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    text.replacen("\"kind\":", &format!("\"extra\":{nested},\"kind\":"), 1)
}

/// The most nested arrays the facade takes in a document's field (serde_json's
/// recursion limit, less the request's and the document's own levels).
fn deepest() -> usize {
    let text = request(&json!({ "kind": "manifest" }), None);
    let refused = |depth| {
        let answer = wastecheck::check::check_json(
            wastecheck_rules::checker(),
            &nested_request(&text, depth),
        );
        answer.contains("recursion limit")
    };
    (1..1_000).find(|&d| refused(d)).map_or(1_000, |d| d - 1)
}

fn measure(what: &'static str, text: &str, count: String, runs: usize) -> Row {
    let checker = wastecheck_rules::checker();
    let mut times = Vec::with_capacity(runs);
    let mut peak = 0;
    let mut answer = String::new();
    for _ in 0..runs {
        drop(std::mem::take(&mut answer));
        let base = ALLOCATOR.current_usage();
        ALLOCATOR.reset_peak_usage();
        let start = Instant::now();
        answer = wastecheck::check::check_json(checker, text);
        times.push(start.elapsed());
        peak = peak.max(ALLOCATOR.peak_usage().saturating_sub(base));
    }
    times.sort();
    let report: Value = serde_json::from_str(&answer).expect("the facade answers JSON");
    assert!(
        report.get("error").is_none(),
        "{what}: the facade refused it: {}",
        report["error"]
    );
    Row {
        what,
        bytes: text.len(),
        count,
        median: times[times.len() / 2],
        peak,
        valid: report["valid"].as_bool().unwrap_or(false),
        violations: report["violations"].as_array().map_or(0, Vec::len),
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --bench` does not.
    let full = std::env::args().any(|a| a == "--bench");
    let (size, runs) = if full { (FULL, 5) } else { (FULL / 16, 1) };
    let _ = wastecheck_rules::checker();
    println!(
        "bounds: inputs of about {} bytes, median of {runs} check(s) each",
        size
    );
    println!();
    println!("| input | bytes | size | median | peak memory | × input | report |");
    println!("| --- | ---: | --- | ---: | ---: | ---: | --- |");
    for (what, text, count) in inputs(size) {
        let row = measure(what, &text, count, runs);
        println!(
            "| {} | {} | {} | {:.1} ms | {:.1} MiB | {:.1} | {}, {} violation(s) kept |",
            row.what,
            row.bytes,
            row.count,
            row.median.as_secs_f64() * 1e3,
            row.peak as f64 / (1024.0 * 1024.0),
            row.peak as f64 / row.bytes as f64,
            if row.valid { "valid" } else { "not valid" },
            row.violations,
        );
    }
    // One level deeper is refused with a clear error, not a crash.
    let depth = deepest() + 1;
    let answer = wastecheck::check::check_json(
        wastecheck_rules::checker(),
        &nested_request(&request(&json!({ "kind": "manifest" }), None), depth),
    );
    let refused: Value = serde_json::from_str(&answer).expect("JSON");
    println!();
    println!(
        "nesting {depth} levels: {} ({})",
        refused["error"]["message"].as_str().unwrap_or("(accepted)"),
        refused["error"]["code"].as_str().unwrap_or("")
    );
}
