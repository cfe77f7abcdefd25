//! Checks per second natively and in wasmtime (wastecheck-host), over the same
//! documents: the example documents of `spec/examples` (all six kinds, valid and
//! with mistakes, 1.3–3.6 KB), in English, one thread. In wasmtime twice: with the
//! default time limits (epoch deadlines), and with fuel metering as well
//! (`Module::with_fuel`).
//!
//! `cargo bench -p wastecheck-host` (needs `target/wastecheck.wasm`, from
//! `./x abi-wasm`, or `$WASTECHECK_WASM`). After criterion's groups a summary
//! prints the rates and their ratios to native (medians of blocks of interleaved
//! rounds, so that a shared machine's changing speed cancels out) — also of the
//! npm package in Node.js (driven through `wasm/scripts/rounds.mjs`, after
//! `./x build-wasm`), and of batches: all the requests in one call. Under
//! `cargo test --bench check` each benchmark runs once, after checking that both
//! give the same bytes.

use criterion::Criterion;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Instant;
use wastecheck_host::{Host, Limits, Module};

/// Blocks of the summary, and rounds (each of the twelve documents once, in each
/// way of checking in turn) per block.
const BLOCKS: usize = 21;
const ROUNDS: usize = 100;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn requests() -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root().join("spec/examples"))
        .expect("spec/examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".json") && !name.starts_with("facts")
        })
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| {
            let document = std::fs::read_to_string(path).expect("an example");
            format!(r#"{{"document": {document}, "locale": "en", "as_of": "2026-03-02"}}"#)
        })
        .collect()
}

fn host(fuel: bool) -> Host {
    let wasm = wastecheck_host::workspace_module(&root()).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let module = if fuel {
        Module::with_fuel(&wasm)
    } else {
        Module::new(&wasm)
    }
    .expect("wastecheck.wasm compiles");
    let compiled = started.elapsed();
    let host = Host::new(&module, Limits::default()).expect("a host");
    println!(
        "wastecheck.wasm ({}): {} bytes, compiled in {compiled:.2?}, instance ready in {:.2?}",
        if fuel { "fuel metering" } else { "time limits" },
        wasm.len(),
        started.elapsed() - compiled
    );
    host
}

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// Seconds to check every request once.
fn round(requests: &[String], mut check: impl FnMut(&str)) -> f64 {
    let start = Instant::now();
    for r in requests {
        check(black_box(r));
    }
    start.elapsed().as_secs_f64()
}

/// Node.js driven through `wasm/scripts/rounds.mjs` (after `./x build-wasm`): the
/// npm package's Node build checking the same requests, block by block with the
/// other ways.
struct NodeRounds {
    child: Child,
    answers: BufReader<ChildStdout>,
    /// The requests and native answers written for the script, removed at the end.
    dir: PathBuf,
}

impl NodeRounds {
    /// `None` (with the reason printed) when Node.js or the Node build is missing.
    fn start(requests: &[String]) -> Option<NodeRounds> {
        let script = root().join("wasm/scripts/rounds.mjs");
        if !root().join("wasm/dist/node/wastecheck.js").exists() {
            println!("  (Node.js not measured: no wasm/dist/node; run ./x build-wasm)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("wastecheck-rounds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let file = dir.join("requests.json");
        let checker = wastecheck_rules::checker();
        let native: Vec<String> = requests
            .iter()
            .map(|r| wastecheck::check::check_json(checker, r))
            .collect();
        std::fs::write(&file, serde_json::to_string(requests).ok()?).ok()?;
        std::fs::write(
            dir.join("requests.json.answers"),
            serde_json::to_string(&native).ok()?,
        )
        .ok()?;
        let mut child = Command::new("node")
            .arg(script)
            .arg(&file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| println!("  (Node.js not measured: {e})"))
            .ok()?;
        let answers = BufReader::new(child.stdout.take()?);
        let mut node = NodeRounds {
            child,
            answers,
            dir,
        };
        // The first answer comes after the script compared its answers with ours.
        node.rounds("check", 1)?;
        Some(node)
    }

    /// Seconds for `n` rounds of `way` (`check` or `batch`).
    fn rounds(&mut self, way: &str, n: usize) -> Option<f64> {
        let stdin = self.child.stdin.as_mut()?;
        writeln!(stdin, "{way} {n}").ok()?;
        stdin.flush().ok()?;
        let mut line = String::new();
        self.answers.read_line(&mut line).ok()?;
        line.trim().parse().ok()
    }
}

impl Drop for NodeRounds {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The ways of checking, interleaved block by block (a round is ~1–2 ms) so that
/// the shared machine getting slower or faster meanwhile affects all alike: one
/// call per request natively, in wasmtime (with time limits, and with fuel too)
/// and in Node.js; and one batch call for all the requests natively, in wasmtime
/// and in Node.js. Each block of `ROUNDS` rounds gives one time per check and one
/// ratio per way to its native counterpart; the summary prints their medians and
/// the ratios' range.
fn summary(requests: &[String], epoch: &mut Host, fuel: &mut Host) {
    let checker = wastecheck_rules::checker();
    let batch = format!("[{}]", requests.join(","));
    let native_batch = || native_batch(&batch);
    assert_eq!(
        epoch.check_batch_json(&batch).expect("checked"),
        native_batch()
    );
    let mut node = NodeRounds::start(requests);
    let names = [
        "native",
        "wasmtime",
        "wasmtime with fuel",
        "Node.js",
        "native, batch",
        "wasmtime, batch",
        "Node.js, batch",
    ];
    // Each way's native counterpart.
    let base = [0, 0, 0, 0, 4, 4, 4];
    let ways: Vec<usize> = if node.is_some() {
        (0..names.len()).collect()
    } else {
        vec![0, 1, 2, 4, 5]
    };
    let mut blocks: Vec<[f64; 7]> = Vec::new();
    for _ in 0..BLOCKS {
        let mut block = [f64::NAN; 7];
        for &way in &ways {
            let seconds = match way {
                0 => (0..ROUNDS)
                    .map(|_| {
                        round(requests, |r| {
                            black_box(wastecheck::check::check_json(checker, r));
                        })
                    })
                    .sum(),
                1 | 2 => {
                    let host = if way == 1 { &mut *epoch } else { &mut *fuel };
                    (0..ROUNDS)
                        .map(|_| {
                            round(requests, |r| {
                                black_box(host.check_json(r).ok());
                            })
                        })
                        .sum()
                }
                4 => timed(ROUNDS, || {
                    black_box(native_batch());
                }),
                5 => timed(ROUNDS, || {
                    black_box(epoch.check_batch_json(&batch).ok());
                }),
                _ => node
                    .as_mut()
                    .and_then(|n| n.rounds(if way == 3 { "check" } else { "batch" }, ROUNDS))
                    .unwrap_or(f64::NAN),
            };
            block[way] = seconds / (ROUNDS * requests.len()) as f64;
        }
        blocks.push(block);
    }
    println!(
        "summary (medians of {BLOCKS} blocks × {} checks each way, interleaved, one thread; \
         a batch is the {} requests in one call):",
        ROUNDS * requests.len(),
        requests.len()
    );
    for &way in &ways {
        let time = median(blocks.iter().map(|b| b[way]).collect());
        println!(
            "  {:<20} {:>7.0} checks/s  ({:6.1} µs per check)",
            names[way],
            1.0 / time,
            time * 1e6
        );
    }
    for &way in ways.iter().filter(|w| base[**w] != **w) {
        let ratios: Vec<f64> = blocks.iter().map(|b| b[way] / b[base[way]]).collect();
        let low = ratios.iter().copied().fold(f64::MAX, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "  {} / {} time: {:.2}× (blocks {low:.2}–{high:.2}×)",
            names[way],
            names[base[way]],
            median(ratios)
        );
    }
}

/// What a batch saves when the requests share facts: the same requests each with
/// `spec/examples/facts.example.json` inside, checked one by one, against one batch
/// `{"facts", "requests"}` whose facts are decoded once — natively and in wasmtime,
/// interleaved.
fn shared_facts(requests: &[String], host: &mut Host) {
    let checker = wastecheck_rules::checker();
    let facts = std::fs::read_to_string(root().join("spec/examples/facts.example.json"))
        .expect("the example facts");
    let with_facts: Vec<String> = requests
        .iter()
        .map(|r| format!(r#"{},"facts":{facts}}}"#, &r[..r.len() - 1]))
        .collect();
    let batch = format!(r#"{{"facts":{facts},"requests":[{}]}}"#, requests.join(","));
    let native_batch = || native_batch(&batch);
    let one_by_one = format!(
        "[{}]",
        with_facts
            .iter()
            .map(|r| wastecheck::check::check_json(checker, r))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(
        native_batch(),
        one_by_one,
        "shared facts answer as facts inside"
    );
    let rounds = ROUNDS / 4;
    let mut blocks: Vec<[f64; 4]> = Vec::new();
    for _ in 0..BLOCKS {
        let per_check = |seconds: f64| seconds / (rounds * requests.len()) as f64;
        let native = timed(rounds, || {
            for r in &with_facts {
                black_box(wastecheck::check::check_json(checker, r));
            }
        });
        let native_batch = timed(rounds, || {
            black_box(native_batch());
        });
        let wasm = timed(rounds, || {
            for r in &with_facts {
                black_box(host.check_json(r).ok());
            }
        });
        let wasm_batch = timed(rounds, || {
            black_box(host.check_batch_json(&batch).ok());
        });
        blocks.push([native, native_batch, wasm, wasm_batch].map(per_check));
    }
    let at = |way: usize| median(blocks.iter().map(|b| b[way]).collect()) * 1e6;
    println!(
        "with the example facts ({} bytes) in every request, µs per check: native {:.1} one by one, {:.1} in a batch sharing them; wasmtime {:.1} one by one, {:.1} in a batch",
        facts.len(),
        at(0),
        at(1),
        at(2),
        at(3)
    );
}

/// The native answer to a batch.
fn native_batch(batch: &str) -> String {
    wastecheck::check::check_batch_json(
        wastecheck_rules::checker(),
        batch,
        wastecheck::check::MAX_BATCH,
        &Default::default(),
    )
}

/// Seconds for `n` calls of `f`.
fn timed(n: usize, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64()
}

fn main() {
    let requests = requests();
    let (mut epoch, mut fuel) = (host(false), host(true));
    let checker = wastecheck_rules::checker();
    for r in &requests {
        let native = wastecheck::check::check_json(checker, r);
        assert_eq!(epoch.check_json(r).expect("checked"), native, "{r}");
        assert_eq!(fuel.check_json(r).expect("checked"), native, "{r}");
    }

    // `--summary`: the summary alone, without criterion's groups.
    if std::env::args().any(|a| a == "--summary") {
        summary(&requests, &mut epoch, &mut fuel);
        shared_facts(&requests, &mut epoch);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("check_examples");
    group.bench_function("native", |b| {
        b.iter(|| {
            for r in &requests {
                black_box(wastecheck::check::check_json(checker, black_box(r)));
            }
        })
    });
    for (name, host) in [("wasmtime", &mut epoch), ("wasmtime_fuel", &mut fuel)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for r in &requests {
                    black_box(host.check_json(black_box(r)).ok());
                }
            })
        });
    }
    group.finish();
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test --bench` does not.
    if std::env::args().any(|a| a == "--bench") {
        summary(&requests, &mut epoch, &mut fuel);
        shared_facts(&requests, &mut epoch);
    }
}
