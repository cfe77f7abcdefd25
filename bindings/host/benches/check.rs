//! Checks per second natively and in wasmtime (wastecheck-host), over the same
//! documents: the example documents of `spec/examples` (all six kinds, valid and
//! with mistakes, 1.3–3.6 KB), in English, one thread. In wasmtime twice: with the
//! default time limits (epoch deadlines), and with fuel metering as well
//! (`Module::with_fuel`).
//!
//! `cargo bench -p wastecheck-host` (needs `target/wastecheck.wasm`, from
//! `./x abi-wasm`, or `$WASTECHECK_WASM`). After criterion's groups a summary
//! prints the rates and their ratios to native (medians of blocks of interleaved
//! rounds, so that a shared machine's changing speed cancels out). Under
//! `cargo test --bench check` each benchmark runs once, after checking that both
//! give the same bytes.

use criterion::Criterion;
use std::hint::black_box;
use std::path::PathBuf;
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

/// The three ways of checking, interleaved round by round (a round is ~1–2 ms) so
/// that the shared machine getting slower or faster meanwhile affects all three
/// alike. Each block of `ROUNDS` rounds gives one time per check and one ratio to
/// native per way; the summary prints their medians and the ratios' range.
fn summary(requests: &[String], epoch: &mut Host, fuel: &mut Host) {
    let checker = wastecheck_rules::checker();
    let mut blocks: Vec<[f64; 3]> = Vec::new();
    for _ in 0..BLOCKS {
        let mut block = [0.0; 3];
        for _ in 0..ROUNDS {
            block[0] += round(requests, |r| {
                black_box(wastecheck::check::check_json(checker, r));
            });
            block[1] += round(requests, |r| {
                black_box(epoch.check_json(r).ok());
            });
            block[2] += round(requests, |r| {
                black_box(fuel.check_json(r).ok());
            });
        }
        blocks.push(block.map(|t| t / (ROUNDS * requests.len()) as f64));
    }
    println!(
        "summary (medians of {BLOCKS} blocks × {} checks each way, interleaved, one thread):",
        ROUNDS * requests.len()
    );
    let names = ["native", "wasmtime", "wasmtime with fuel"];
    for (way, name) in names.iter().enumerate() {
        let time = median(blocks.iter().map(|b| b[way]).collect());
        println!(
            "  {name:<18} {:>7.0} checks/s  ({:6.1} µs per check)",
            1.0 / time,
            time * 1e6
        );
    }
    for (way, name) in names.iter().enumerate().skip(1) {
        let ratios: Vec<f64> = blocks.iter().map(|b| b[way] / b[0]).collect();
        let low = ratios.iter().copied().fold(f64::MAX, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "  {name} / native time: {:.2}× (blocks {low:.2}–{high:.2}×)",
            median(ratios)
        );
    }
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
    }
}
