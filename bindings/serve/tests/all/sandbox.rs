//! `serve --sandbox`: checks in wastecheck.wasm under wasmtime give the native
//! reports; a check over the sandbox's limits gets a clear JSON error and the
//! service keeps serving; a pack update reaches the sandboxed instances.
//!
//! The module is `$WASTECHECK_WASM`, or the workspace's `target/wastecheck.wasm`
//! (built by `./x test` before the Rust tests, or by `./x abi-wasm`).

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wastecheck::pack::bundle::{self, PackFiles, SecretKey};
use wastecheck_host::Limits;
use wastecheck_serve::sandbox::Sandbox;
use wastecheck_serve::{Config, Server};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The module compiled once, as a sandbox of two instances with `limits`.
fn sandbox(limits: Limits) -> Sandbox {
    static MODULE: OnceLock<Sandbox> = OnceLock::new();
    let compiled = MODULE.get_or_init(|| {
        let wasm = wastecheck_host::workspace_module(&root()).unwrap_or_else(|e| panic!("{e}"));
        Sandbox::new(&wasm, 2, Limits::default()).expect("wastecheck.wasm compiles")
    });
    Sandbox {
        limits,
        ..compiled.clone()
    }
}

async fn start(config: Config) -> SocketAddr {
    let server = Server::bind(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..config
    })
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run());
    addr
}

/// One request over a fresh connection: the status and the body.
async fn request(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body.as_bytes()).await;
    let mut buffer = Vec::new();
    let _ = stream.read_to_end(&mut buffer).await;
    let text = String::from_utf8(buffer).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, body.to_owned())
}

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("spec/examples").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn native(request: &str) -> String {
    wastecheck::check::check_json(wastecheck_rules::checker(), request)
}

/// A manifest with `lines` waste lines, as a check request.
fn long_manifest(lines: usize) -> String {
    let line = json!({"code": "900-041-49", "category": "HW49", "name": "废包装物",
        "hazards": ["T", "In"], "quantity": {"value": "1.5", "unit": "t"}});
    json!({"document": {"kind": "manifest", "stage": "submitted", "wastes": vec![line; lines]},
        "locale": "en"})
    .to_string()
}

fn error_code(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    value["error"]["code"].as_str().unwrap_or("").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandboxed_checks_answer_the_native_reports_and_survive_their_limits() {
    let addr = start(Config {
        sandbox: Some(sandbox(Limits {
            check_time: Duration::from_millis(20),
            max_memory_bytes: 96 << 20,
            ..Limits::default()
        })),
        ..Config::default()
    })
    .await;
    let mistakes =
        json!({ "document": example("manifest.mistakes.json"), "locale": "en" }).to_string();
    let (status, body) = request(addr, "POST", "/v1/check", &mistakes).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, native(&mistakes));
    let bad_locale = r#"{"document": {"kind": "manifest"}, "locale": "fr"}"#;
    let (status, body) = request(addr, "POST", "/v1/check", bad_locale).await;
    assert_eq!((status, body), (422, native(bad_locale)));

    // More work than the time allows (20,000 waste lines take far longer than
    // 20 ms): a clear error, then business as usual.
    let long = long_manifest(20_000);
    let (status, body) = request(addr, "POST", "/v1/check", &long).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "sandbox.time", "{body}");
    assert!(body.contains("time limit"), "{body}");
    // In a batch, the stopped one is an error among reports.
    let batch = format!("[{mistakes},{long},{mistakes}]");
    let (status, body) = request(addr, "POST", "/v1/check/batch", &batch).await;
    assert_eq!(status, 200, "{body}");
    let answers: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(answers[1]["error"]["code"], "sandbox.time");
    let report: Value = serde_json::from_str(&native(&mistakes)).unwrap();
    assert_eq!((&answers[0], &answers[2]), (&report, &report));

    let (status, body) = request(addr, "POST", "/v1/check", &mistakes).await;
    assert_eq!((status, body), (200, native(&mistakes)));
    let (status, _) = request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 200);

    // More memory than the cap: a 9.7 MB body (under --max-body-bytes, 10 MiB) whose
    // parsed document takes about twice the cap. (A 5 MB one came under it once
    // short texts were kept inline.)
    let addr = start(Config {
        sandbox: Some(sandbox(Limits {
            max_memory_bytes: 32 << 20,
            ..Limits::default()
        })),
        ..Config::default()
    })
    .await;
    let (status, body) = request(addr, "POST", "/v1/check", &long_manifest(80_000)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "sandbox.memory", "{body}");
    assert!(body.contains("memory"), "{body}");
    let (status, body) = request(addr, "POST", "/v1/check", &mistakes).await;
    assert_eq!((status, body), (200, native(&mistakes)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_serves_a_bundle_dropped_into_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = SecretKey::from_seed([7; 32]);
    let server = Server::bind(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        packs: Some(dir.path().to_owned()),
        trust: vec![publisher.public_key()],
        poll: Duration::from_millis(50),
        sandbox: Some(sandbox(Limits::default())),
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let state = server.state();
    tokio::spawn(server.run());

    let mut document = example("manifest.mistakes.json");
    document["consignor"]["region"] = json!("320509"); // Jiangsu: no built-in layer
    let jiangsu = json!({ "document": document, "locale": "en" }).to_string();
    let (_, before) = request(addr, "POST", "/v1/check", &jiangsu).await;
    assert_eq!(before, native(&jiangsu));
    assert!(!before.contains("js-test"));

    let pack = PackFiles {
        name: "js-test".into(),
        files: [(
            "pack.toml".to_owned(),
            "id = \"js-test\"\nversion = \"1.0.0\"\njurisdiction = \"320000\"\neffective_from = \"2021-01-01\"\nextends = { id = \"cn\", version = \"^1\" }\n[title]\nzh-CN = \"江苏测试规则\"\nen = \"Jiangsu test rules\"\n".to_owned(),
        )]
        .into_iter()
        .collect(),
    };
    let bytes = bundle::encode(&[pack]).unwrap();
    let signature = bundle::sign(&bytes, &publisher).to_string();
    std::fs::write(dir.path().join("js.bundle.sig"), signature).unwrap();
    std::fs::write(dir.path().join("js.bundle"), &bytes).unwrap();

    let start = Instant::now();
    while state.current().generation < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the bundle was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let loaded = state.current();
    assert!(
        loaded.sandbox.is_some(),
        "the new packs are served in the sandbox too"
    );
    let (status, after) = request(addr, "POST", "/v1/check", &jiangsu).await;
    assert_eq!(status, 200, "{after}");
    assert!(after.contains("\"id\":\"js-test\""), "{after}");
    assert_eq!(
        after,
        wastecheck::check::check_json(&loaded.checker, &jiangsu)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_packs_only_the_sandbox_serves_the_folders_bundles_alone() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = SecretKey::from_seed([7; 32]);
    for (file, pack) in [
        (
            "cn.bundle",
            wastecheck_rules::rereleased("cn", "1.0.0").unwrap(),
        ),
        (
            "zj.bundle",
            wastecheck_rules::rereleased("zj", "1.1.0").unwrap(),
        ),
    ] {
        let bytes = bundle::encode(&[pack]).unwrap();
        let signature = bundle::sign(&bytes, &publisher).to_string();
        std::fs::write(dir.path().join(format!("{file}.sig")), signature).unwrap();
        std::fs::write(dir.path().join(file), &bytes).unwrap();
    }
    let server = Server::bind(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        packs: Some(dir.path().to_owned()),
        packs_only: true,
        trust: vec![publisher.public_key()],
        sandbox: Some(sandbox(Limits::default())),
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let loaded = server.state().current();
    tokio::spawn(server.run());
    assert!(loaded.sandbox.is_some());
    let served: Vec<String> = loaded
        .checker
        .registry()
        .packs()
        .iter()
        .map(|p| p.label())
        .collect();
    assert_eq!(served, ["cn@1.0.0", "zj@1.1.0"]);

    // From Shaoxing: no zj-shaoxing, which only the built-in packs have.
    let document = example("manifest.mistakes.json");
    let shaoxing = json!({ "document": document, "locale": "en" }).to_string();
    let (status, report) = request(addr, "POST", "/v1/check", &shaoxing).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report,
        wastecheck::check::check_json(&loaded.checker, &shaoxing)
    );
    assert!(
        report.contains("\"id\":\"zj\",\"version\":\"1.1.0\""),
        "{report}"
    );
    assert!(!report.contains("zj-shaoxing"), "{report}");
}

/// The value of `name` in `/metrics`.
async fn metric(addr: SocketAddr, name: &str) -> f64 {
    let (_, text) = request(addr, "GET", "/metrics", "").await;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Issue 20: clients checking slow documents in the sandbox (4 of them, 2
/// instances) do not starve those checking ordinary ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_documents_do_not_starve_ordinary_checks_in_the_sandbox() {
    let addr = start(Config {
        sandbox: Some(sandbox(Limits {
            check_time: Duration::from_secs(60),
            ..Limits::default()
        })),
        ..Config::default()
    })
    .await;
    let long = long_manifest(20_000);
    let started = Instant::now();
    let (status, body) = request(addr, "POST", "/v1/check", &long).await;
    assert_eq!(status, 200, "{body}");
    let slow = started.elapsed();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (long, stop) = (long.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    request(addr, "POST", "/v1/check", &long).await;
                }
            })
        })
        .collect();
    tokio::time::sleep(slow).await;
    let mistakes =
        json!({ "document": example("manifest.mistakes.json"), "locale": "en" }).to_string();
    let mut times = Vec::new();
    for _ in 0..9 {
        let started = Instant::now();
        let (status, body) = request(addr, "POST", "/v1/check", &mistakes).await;
        assert_eq!(status, 200, "{body}");
        times.push(started.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for client in clients {
        let _ = client.await;
    }
    times.sort();
    let median = times[times.len() / 2];
    assert!(
        median < slow / 2,
        "an ordinary check took {median:?} (median) beside slow ones of {slow:?}: {times:?}"
    );
}

/// Issue 20: requests waiting for an instance whose clients go away leave the
/// queue, unchecked: the instance is free again once the check it runs is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_checks_whose_clients_left_are_never_run() {
    let one = Sandbox {
        hosts: 1,
        ..sandbox(Limits {
            check_time: Duration::from_secs(60),
            ..Limits::default()
        })
    };
    let addr = start(Config {
        sandbox: Some(one),
        ..Config::default()
    })
    .await;
    // The queue must form while the long check runs. On an idle machine a check
    // of 30,000 lines once ended before six more requests were counted (CI,
    // 2026-12-07); then the same again with twice the lines.
    for lines in [30_000, 60_000, 120_000] {
        if clients_leave_a_queue(addr, lines).await {
            return;
        }
    }
    panic!("the long check always ended before the queue formed");
}

/// One long check holding the only instance, six more queued whose clients hang
/// up; `false` when the long check ended before the six were queued.
async fn clients_leave_a_queue(addr: SocketAddr, lines: usize) -> bool {
    let long = long_manifest(lines);
    let started = Instant::now();
    let (status, _) = request(addr, "POST", "/v1/check", &long).await;
    assert_eq!(status, 200);
    let slow = started.elapsed();
    // One check holds the only instance, six more wait for it. They are small
    // and sent once the long one runs: six long bodies took longer to send than
    // one long check took to run, and then none waited.
    let holder = {
        let long = long.clone();
        tokio::spawn(async move { request(addr, "POST", "/v1/check", &long).await })
    };
    let started = Instant::now();
    while metric(addr, "wastecheck_checks_running").await < 1.0 {
        assert!(started.elapsed() < Duration::from_secs(60), "never ran");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let short = long_manifest(1);
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        short.len()
    );
    let mut waiting = Vec::new();
    for _ in 0..6 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(short.as_bytes()).await.unwrap();
        waiting.push(stream);
    }
    let started = Instant::now();
    while metric(addr, "wastecheck_checks_running").await < 7.0 {
        if holder.is_finished() {
            // Too fast to queue behind: let the six finish, and say so.
            drop(waiting);
            while metric(addr, "wastecheck_checks_running").await > 0.0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            return false;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never queued");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // ... and their clients hang up: only the check running is finished.
    drop(waiting);
    let gone = Instant::now();
    while metric(addr, "wastecheck_checks_running").await > 0.0 {
        assert!(gone.elapsed() < Duration::from_secs(120));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let idle = gone.elapsed();
    let (status, body) = holder.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(
        idle < slow * 3,
        "the instance was busy {idle:?} after the waiting clients left; one check takes {slow:?}"
    );
    assert!(metric(addr, "wastecheck_checks_abandoned_total").await >= 6.0);
    true
}
