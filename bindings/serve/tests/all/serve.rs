//! The service, started in-process on a free loopback port and spoken to over
//! plain HTTP/1.1: reports, bad input, and live pack updates from a watched folder.

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wastecheck::pack::bundle::{self, PackFiles, SecretKey};
use wastecheck_serve::{Config, Limits, Server};

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) async fn start(config: Config) -> SocketAddr {
    let config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..config
    };
    let server = Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run());
    addr
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub(crate) fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// One request over a fresh connection; `head` is extra header lines.
pub(crate) async fn raw(addr: SocketAddr, head: &str, body: &[u8]) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("{head}Host: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    // The server may answer (413) before reading everything.
    let _ = stream.write_all(body).await;
    let mut buffer = Vec::new();
    let _ = stream.read_to_end(&mut buffer).await;
    let text = String::from_utf8(buffer).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Answer {
        status,
        body: body.to_owned(),
    }
}

pub(crate) async fn post(addr: SocketAddr, path: &str, content_type: &str, body: &str) -> Answer {
    let head = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
        body.len()
    );
    raw(addr, &head, body.as_bytes()).await
}

pub(crate) async fn get(addr: SocketAddr, path: &str) -> Answer {
    raw(addr, &format!("GET {path} HTTP/1.1\r\n"), b"").await
}

pub(crate) fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("spec/examples").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_answers_the_facades_report_byte_for_byte() {
    let addr = start(Config::default()).await;
    let checker = wastecheck_rules::checker();
    let document = example("manifest.mistakes.json");
    let request = json!({ "document": document, "locale": "en" }).to_string();
    let answer = post(addr, "/v1/check", "application/json", &request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        wastecheck::check::check_json(checker, &request)
    );

    // The same report as `wastecheck check --format json --locale en` (pretty there).
    let options = wastecheck::CheckOptions {
        locale: wastecheck::Locale::En,
        ..Default::default()
    };
    let cli = checker.check_str(&document.to_string(), None, &options);
    assert_eq!(answer.json(), serde_json::to_value(&cli).unwrap());

    // It names the packs it used, with their digests.
    let report = answer.json();
    let packs = report["packs"].as_array().unwrap();
    assert!(!packs.is_empty());
    for pack in packs {
        assert!(pack["digest"].as_str().unwrap().starts_with("sha256:"));
    }
    assert_eq!(report["valid"], false);

    // With a charset parameter too.
    let again = post(
        addr,
        "/v1/check",
        "application/json; charset=utf-8",
        &request,
    )
    .await;
    assert_eq!(again.body, answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_answers_one_report_per_request_in_order() {
    let addr = start(Config::default()).await;
    let checker = wastecheck_rules::checker();
    let requests = [
        json!({ "document": example("manifest.valid.json") }),
        json!({ "document": example("declaration.mistakes.json"), "locale": "en" }),
        json!({ "document": example("manifest.valid.json"), "locale": "fr" }),
    ];
    let body = Value::from(requests.to_vec()).to_string();
    let answer = post(addr, "/v1/check/batch", "application/json", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let expected: Vec<String> = requests
        .iter()
        .map(|r| wastecheck::check::check_json(checker, &r.to_string()))
        .collect();
    assert_eq!(answer.body, format!("[{}]", expected.join(",")));
    let items = answer.json();
    assert_eq!(items[2]["error"]["code"], "request.locale");
    assert_eq!(items[1]["kind"], "declaration");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_its_status_and_a_clear_error() {
    let limits = Limits {
        max_body_bytes: 64 * 1024,
        max_batch: 3,
        ..Limits::default()
    };
    let addr = start(Config {
        limits,
        ..Config::default()
    })
    .await;
    let document = json!({ "document": { "kind": "manifest" } }).to_string();

    // Wrong or missing content type: 415.
    let answer = post(addr, "/v1/check", "text/plain", &document).await;
    assert_eq!(answer.status, 415);
    assert_eq!(answer.error_code(), "request.content_type");
    assert!(
        answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nContent-Length: {}\r\n",
        document.len()
    );
    let answer = raw(addr, &head, document.as_bytes()).await;
    assert_eq!(answer.status, 415);

    // Malformed JSON: 400, saying where.
    for body in ["{\"document\": ", "not json", "[1,2", ""] {
        let answer = post(addr, "/v1/check", "application/json", body).await;
        assert_eq!(answer.status, 400, "{body:?}: {}", answer.body);
        assert_eq!(answer.error_code(), "request.json");
        let batch = post(addr, "/v1/check/batch", "application/json", body).await;
        assert_eq!(batch.status, 400, "{body:?}: {}", batch.body);
        assert_eq!(batch.error_code(), "request.json");
    }
    let answer = post(addr, "/v1/check", "application/json", "{\"document\": }").await;
    assert!(
        answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("column")
    );
    // Not a request: 400.
    let answer = post(addr, "/v1/check", "application/json", "{\"doc\": {}}").await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("document"), "{}", answer.body);
    let answer = post(addr, "/v1/check/batch", "application/json", &document).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("array"), "{}", answer.body);
    // Not UTF-8: 400.
    let head = "POST /v1/check HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 3\r\n";
    let answer = raw(addr, head, b"{\xff}").await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "request.json");

    // Wrong options: 422.
    for (body, code) in [
        (json!({ "document": {}, "locale": "fr" }), "request.locale"),
        (
            json!({ "document": {}, "as_of": "2026-13-01" }),
            "request.as_of",
        ),
        (json!({ "document": {}, "kind": "invoice" }), "request.kind"),
    ] {
        let answer = post(addr, "/v1/check", "application/json", &body.to_string()).await;
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert_eq!(answer.error_code(), code);
    }

    // A body over the limit: 413, whether its length is declared (50 MB, never
    // sent) or only found by reading (chunked).
    let head =
        "POST /v1/check HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n";
    let answer = raw(addr, head, b"{\"document\":").await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.error_code(), "request.too_large");
    assert!(
        answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("65536")
    );
    let big = format!("{{\"document\":\"{}\"}}", "x".repeat(70 * 1024));
    let chunked = format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len());
    let head = "POST /v1/check/batch HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n";
    let answer = raw(addr, head, chunked.as_bytes()).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_code(), "request.too_large");

    // A batch over the limit: 422.
    let batch = Value::from(vec![json!({ "document": {} }); 4]).to_string();
    let answer = post(addr, "/v1/check/batch", "application/json", &batch).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.error_code(), "request.batch_too_long");
    assert!(
        answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit of 3")
    );
    let batch = Value::from(vec![json!({ "document": {} }); 3]).to_string();
    let answer = post(addr, "/v1/check/batch", "application/json", &batch).await;
    assert_eq!(answer.status, 200);

    // Unknown routes and schemas: 404 in JSON.
    let answer = get(addr, "/v1/nothing").await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_code(), "not_found");
    let answer = get(addr, "/v1/schema/invoice").await;
    assert_eq!(answer.status, 404);
    assert!(answer.body.contains("manifest"));
    // A known route with another method: 405, in JSON too (issue 20: it had no body).
    let answer = get(addr, "/v1/check").await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.error_code(), "method_not_allowed");

    // And the service still answers.
    let answer = get(addr, "/healthz").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["status"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_100_000_documents_is_refused_under_the_default_limits() {
    let addr = start(Config::default()).await;
    let batch = format!("[{}]", vec!["{\"document\":{}}"; 100_000].join(","));
    let answer = post(addr, "/v1/check/batch", "application/json", &batch).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.error_code(), "request.batch_too_long");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemas_rules_packs_and_health() {
    let addr = start(Config::default()).await;
    let answer = get(addr, "/v1/schema/manifest").await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        wastecheck::schema::document_schema(wastecheck::DocumentKind::Manifest)
    );
    assert_eq!(get(addr, "/v1/schema/report").await.status, 200);

    let rules = get(addr, "/v1/rules").await.json();
    let chain = &rules["chains"][0];
    assert_eq!(chain["pack"], "cn@1.0.0");
    let ids: Vec<&str> = chain["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"cn.transfer.receiver-unlicensed"), "{ids:?}");
    assert!(chain["rules"][0]["basis"].as_array().is_some());
    assert!(chain["rules"][0]["title"]["zh-CN"].is_string());

    // One region's chain: the shared shapes of `wastecheck::info`, as the npm
    // package's `checker.rules({ region })` gives them.
    let zhejiang = get(addr, "/v1/rules?region=330106&as_of=2026-03-02").await;
    assert_eq!(zhejiang.status, 200, "{}", zhejiang.body);
    let zhejiang = zhejiang.json();
    assert_eq!(zhejiang["chains"].as_array().unwrap().len(), 1);
    assert_eq!(zhejiang["chains"][0]["pack"], "zj@1.0.0");
    let chain = wastecheck_rules::builtin()
        .select(
            Some("330106".parse().unwrap()),
            Some("2026-03-02".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(
        zhejiang["chains"][0]["rules"],
        serde_json::to_value(wastecheck::info::rules(chain)).unwrap()
    );
    for (query, code) in [
        ("region=33", "request.region"),
        ("region=330106&as_of=2026-02-30", "request.as_of"),
        ("as_of=2026-03-02", "request.query"),
        ("regoin=330106", "request.query"),
    ] {
        let answer = get(addr, &format!("/v1/rules?{query}")).await;
        assert_eq!(answer.status, 422, "{query}: {}", answer.body);
        assert_eq!(answer.error_code(), code, "{query}");
    }

    let packs = get(addr, "/v1/packs").await.json();
    assert_eq!(packs["generation"], 1);
    let cn = &packs["packs"][0];
    assert_eq!(cn["id"], "cn");
    assert_eq!(cn["jurisdiction"], "000000");
    assert_eq!(cn["source"], "built-in");
    assert_eq!(cn["effective_from"], "2020-09-01");
    let digest = cn["digest"].as_str().unwrap();
    assert!(digest.starts_with("sha256:"));
    assert_eq!(cn["chain"][0]["digest"], digest);

    let health = get(addr, "/healthz").await.json();
    assert_eq!(health["generation"], 1);
}

#[tokio::test]
async fn packs_folder_needs_a_trusted_key() {
    let dir = tempfile::tempdir().unwrap();
    let error = Server::bind(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        packs: Some(dir.path().to_owned()),
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("--trust"), "{error}");
}

// ---- live pack updates ----

/// A small Jiangsu pack extending the national one (the built-in packs have no
/// Jiangsu layer, so a Jiangsu document's chain is this pack on `cn`).
fn zj_pack(version: &str) -> PackFiles {
    let toml = format!(
        r#"id = "js-test"
version = "{version}"
jurisdiction = "320000"
effective_from = "2021-01-01"
extends = {{ id = "cn", version = "^1" }}

[title]
zh-CN = "江苏测试规则"
en = "Jiangsu test rules"
"#
    );
    PackFiles {
        name: "js-test".into(),
        files: [("pack.toml".to_owned(), toml)].into_iter().collect(),
    }
}

fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed([seed; 32])
}

/// A service watching `dir` every 50 ms, trusting `publisher`.
async fn watching(dir: &Path, publisher: &SecretKey) -> SocketAddr {
    start(Config {
        packs: Some(dir.to_owned()),
        trust: vec![publisher.public_key()],
        poll: Duration::from_millis(50),
        ..Config::default()
    })
    .await
}

/// Writes a bundle and its signature (the signature first, as a publisher
/// copying both would at worst do the other way round).
fn drop_bundle(dir: &Path, file: &str, bytes: &[u8], signature: Option<String>) {
    if let Some(signature) = signature {
        std::fs::write(dir.join(format!("{file}.sig")), format!("{signature}\n")).unwrap();
    }
    std::fs::write(dir.join(file), bytes).unwrap();
}

fn signed(version: &str, key: &SecretKey) -> (Vec<u8>, String) {
    let bytes = bundle::encode(&[zj_pack(version)]).unwrap();
    let signature = bundle::sign(&bytes, key).to_string();
    (bytes, signature)
}

/// The built-in packs' labels (as [`served`] gives them), then `more`.
fn with_built_in(more: &[&str]) -> Vec<String> {
    let mut labels: Vec<String> = wastecheck_rules::checker()
        .registry()
        .packs()
        .iter()
        .map(|p| format!("{}@{} built-in", p.manifest.id, p.manifest.version))
        .collect();
    labels.extend(more.iter().map(|l| (*l).to_owned()));
    labels.sort();
    labels
}

fn sorted(mut labels: Vec<String>) -> Vec<String> {
    labels.sort();
    labels
}

/// The pack with this id in a `/v1/packs` answer.
fn pack<'a>(packs: &'a Value, id: &str) -> &'a Value {
    packs["packs"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["id"] == id))
        .unwrap_or_else(|| panic!("no pack {id} in {packs:#}"))
}

/// The example manifest with mistakes, sent from Jiangsu (苏州市吴江区).
fn jiangsu_manifest() -> Value {
    let mut document = example("manifest.mistakes.json");
    document["consignor"]["region"] = json!("320509");
    document
}

/// The packs served, as `id@version` with their sources.
async fn served(addr: SocketAddr) -> (u64, Vec<String>, Value) {
    let packs = get(addr, "/v1/packs").await.json();
    let labels = packs["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}@{} {}", p["id"], p["version"], p["source"]).replace('"', ""))
        .collect();
    (packs["generation"].as_u64().unwrap(), labels, packs)
}

/// Waits until `/v1/packs` satisfies `done`.
async fn until(addr: SocketAddr, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let (_, _, packs) = served(addr).await;
        if done(&packs) {
            return packs;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}: {packs:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn refused(packs: &Value, file: &str) -> Option<String> {
    packs["refused"]
        .as_array()?
        .iter()
        .find(|r| r["file"] == file)
        .map(|r| r["error"].as_str().unwrap_or("").to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_bundles_dropped_into_the_folder_are_served_and_bad_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let publisher = key(7);
    let stranger = key(9);
    // A good bundle present at start is served from the start.
    let (v1, v1_sig) = signed("1.0.0", &publisher);
    drop_bundle(dir, "zj.bundle", &v1, Some(v1_sig));
    let addr = watching(dir, &publisher).await;
    let (generation, labels, packs) = served(addr).await;
    assert_eq!(generation, 1);
    assert_eq!(sorted(labels), with_built_in(&["js-test@1.0.0 zj.bundle"]));
    assert_eq!(packs["bundles"][0]["digest"], bundle::digest(&v1));
    assert_eq!(
        packs["bundles"][0]["signer"],
        publisher.public_key().to_string()
    );
    // js-test serves Jiangsu: its chain is js-test, then cn.
    let zj = pack(&packs, "js-test");
    assert_eq!(zj["jurisdiction"], "320000");
    assert_eq!(zj["chain"][0]["id"], "js-test");
    assert_eq!(zj["chain"][1]["id"], "cn");
    // A Jiangsu manifest's report names both packs' digests.
    let request = json!({ "document": jiangsu_manifest() }).to_string();
    let report = post(addr, "/v1/check", "application/json", &request)
        .await
        .json();
    let used: Vec<&str> = report["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(used, ["js-test", "cn"]);
    assert_eq!(report["packs"][0]["digest"], zj["digest"]);

    // Bad bundles are refused, and what was served stays served.
    let before = served(addr).await;
    let (v2, v2_sig) = signed("2.0.0", &publisher);
    let (_, stranger_sig) = signed("2.0.0", &stranger);
    // Signed by a key not trusted.
    drop_bundle(dir, "stranger.bundle", &v2, Some(stranger_sig));
    // Unsigned.
    drop_bundle(dir, "unsigned.bundle", &v2, None);
    // Half copied: the right signature, half the bytes.
    drop_bundle(
        dir,
        "half.bundle",
        &v2[..v2.len() / 2],
        Some(v2_sig.clone()),
    );
    // Tampered: one byte changed after signing.
    let mut tampered = v2.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    drop_bundle(dir, "tampered.bundle", &tampered, Some(v2_sig.clone()));
    // Not a bundle at all, but signed by the publisher.
    let junk = b"{\"format\":\"something-else\"}".to_vec();
    let junk_sig = bundle::sign(&junk, &publisher).to_string();
    drop_bundle(dir, "junk.bundle", &junk, Some(junk_sig));
    let packs = until(addr, "five refusals", |p| {
        p["refused"].as_array().is_some_and(|r| r.len() == 5)
    })
    .await;
    assert!(
        refused(&packs, "stranger.bundle")
            .unwrap()
            .contains("trusted")
    );
    assert!(
        refused(&packs, "unsigned.bundle")
            .unwrap()
            .contains("not signed")
    );
    assert!(
        refused(&packs, "half.bundle")
            .unwrap()
            .contains("signature does not verify")
    );
    assert!(refused(&packs, "tampered.bundle").is_some());
    assert!(
        refused(&packs, "junk.bundle")
            .unwrap()
            .contains("not a wastecheck bundle")
    );
    // A few more looks at the folder change nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = served(addr).await;
    assert_eq!((after.0, &after.1), (before.0, &before.1));

    // The good bundle overwritten by a half copy: the last good one stays served.
    drop_bundle(dir, "zj.bundle", &v2[..v2.len() / 3], Some(v2_sig.clone()));
    let packs = until(addr, "the half copy refused", |p| {
        refused(p, "zj.bundle").is_some()
    })
    .await;
    assert_eq!(packs["generation"], before.0);
    assert_eq!(served(addr).await.1, before.1);
    let report = post(addr, "/v1/check", "application/json", &request)
        .await
        .json();
    assert_eq!(report["packs"][0]["version"], "1.0.0");

    // The copy completes: version 2 is served, atomically.
    drop_bundle(dir, "zj.bundle", &v2, Some(v2_sig));
    let packs = until(addr, "version 2", |p| {
        p["packs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["version"] == "2.0.0"))
    })
    .await;
    assert!(packs["generation"].as_u64().unwrap() > before.0);
    assert_eq!(
        sorted(served(addr).await.1),
        with_built_in(&["js-test@2.0.0 zj.bundle"])
    );
    let report = post(addr, "/v1/check", "application/json", &request)
        .await
        .json();
    assert_eq!(report["packs"][0]["version"], "2.0.0");
    // Its earlier refusal is forgotten; the others stay listed.
    let packs = served(addr).await.2;
    assert_eq!(refused(&packs, "zj.bundle"), None);
    assert!(refused(&packs, "stranger.bundle").is_some());

    // Removing the bundle goes back to the built-in packs.
    std::fs::remove_file(dir.join("zj.bundle")).unwrap();
    until(addr, "js-test gone", |p| {
        p["packs"]
            .as_array()
            .is_some_and(|a| a.iter().all(|p| p["source"] == "built-in"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_during_reloads_see_whole_pack_sets() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().to_owned();
    let publisher = key(7);
    let addr = start(Config {
        packs: Some(dir.clone()),
        trust: vec![publisher.public_key()],
        poll: Duration::from_millis(20),
        ..Config::default()
    })
    .await;
    let request = json!({ "document": jiangsu_manifest() }).to_string();
    let writer = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            for minor in 0..4 {
                let (bytes, sig) = signed(&format!("1.{minor}.0"), &publisher);
                drop_bundle(&dir, "zj.bundle", &bytes, Some(sig));
                std::thread::sleep(Duration::from_millis(150));
            }
        })
    };
    let mut seen = std::collections::BTreeSet::new();
    while !writer.is_finished() {
        let report = post(addr, "/v1/check", "application/json", &request)
            .await
            .json();
        let packs = report["packs"].as_array().unwrap();
        // Either cn alone or js-test on top of cn: never anything in between.
        match packs.as_slice() {
            [cn] => assert_eq!(cn["id"], "cn"),
            [zj, cn] => {
                assert_eq!(zj["id"], "js-test");
                assert_eq!(cn["id"], "cn");
                seen.insert(zj["version"].as_str().unwrap().to_owned());
            }
            other => panic!("unexpected packs {other:?}"),
        }
    }
    writer.await.unwrap();
    assert!(!seen.is_empty(), "no request saw a bundle's packs");
    until(addr, "the last version", |p| {
        p["packs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["version"] == "1.3.0"))
    })
    .await;
}

// ---- the one bundle policy ----

/// A signed bundle of `packs` dropped into `dir` as `file`; the bundle's digest.
fn drop_signed(dir: &Path, file: &str, packs: &[PackFiles], key: &SecretKey) -> String {
    let bytes = bundle::encode(packs).unwrap();
    let signature = bundle::sign(&bytes, key).to_string();
    drop_bundle(dir, file, &bytes, Some(signature));
    bundle::digest(&bytes)
}

/// A manifest from Hangzhou (西湖区): Zhejiang, outside Shaoxing.
fn hangzhou_manifest() -> Value {
    let mut document = example("manifest.valid.json");
    document["consignor"]["region"] = json!("330106");
    document
}

/// `(id, version, digest)` of each pack the report of a Hangzhou manifest names.
async fn hangzhou_packs(addr: SocketAddr) -> Vec<(String, String, String)> {
    let body = json!({ "document": hangzhou_manifest() }).to_string();
    let report = post(addr, "/v1/check", "application/json", &body)
        .await
        .json();
    let mut packs: Vec<(String, String, String)> = report["packs"]
        .as_array()
        .unwrap_or_else(|| panic!("no packs in {report:#}"))
        .iter()
        .map(|p| {
            let field = |k: &str| p[k].as_str().unwrap().to_owned();
            (field("id"), field("version"), field("digest"))
        })
        .collect();
    packs.sort();
    packs
}

fn cn_digest() -> String {
    bundle::pack_digest(&wastecheck_rules::rereleased("cn", "1.0.0").unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_zj_bundle_layers_over_the_built_in_cn() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = key(7);
    // The built-in zj released again as 1.1.0: it sits beside the built-in 1.0.0.
    let zj_digest = drop_signed(
        dir.path(),
        "zj.bundle",
        &[wastecheck_rules::rereleased("zj", "1.1.0").unwrap()],
        &publisher,
    );
    let addr = start(Config {
        packs: Some(dir.path().to_owned()),
        trust: vec![publisher.public_key()],
        ..Config::default()
    })
    .await;
    assert_eq!(
        hangzhou_packs(addr).await,
        [
            ("cn".into(), "1.0.0".into(), cn_digest()),
            ("zj".into(), "1.1.0".into(), zj_digest)
        ]
    );
    let (_, labels, packs) = served(addr).await;
    assert_eq!(sorted(labels), with_built_in(&["zj@1.1.0 zj.bundle"]));
    assert_eq!(packs["refused"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packs_only_serves_the_folders_bundles_alone() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let publisher = key(7);
    // A zj-only bundle alone lacks its parent: refused, and nothing is served.
    let zj_digest = drop_signed(
        dir,
        "a-zj.bundle",
        &[wastecheck_rules::rereleased("zj", "1.1.0").unwrap()],
        &publisher,
    );
    let addr = start(Config {
        packs: Some(dir.to_owned()),
        packs_only: true,
        trust: vec![publisher.public_key()],
        poll: Duration::from_millis(50),
        ..Config::default()
    })
    .await;
    let (_, labels, packs) = served(addr).await;
    assert!(labels.is_empty(), "{labels:?}");
    let refusal = refused(&packs, "a-zj.bundle").unwrap();
    assert!(refusal.contains("extends cn ^1"), "{refusal}");
    assert!(hangzhou_packs(addr).await.is_empty());

    // With the national pack in another bundle (after it by name), both are served:
    // cn from its bundle, zj from the first.
    drop_signed(
        dir,
        "b-cn.bundle",
        &[wastecheck_rules::rereleased("cn", "1.0.0").unwrap()],
        &publisher,
    );
    let packs = until(addr, "both bundles", |p| {
        p["packs"].as_array().is_some_and(|a| a.len() == 2)
    })
    .await;
    assert_eq!(pack(&packs, "cn")["source"], "b-cn.bundle");
    assert_eq!(pack(&packs, "zj")["source"], "a-zj.bundle");
    assert_eq!(refused(&packs, "a-zj.bundle"), None);
    assert_eq!(
        hangzhou_packs(addr).await,
        [
            ("cn".into(), "1.0.0".into(), cn_digest()),
            ("zj".into(), "1.1.0".into(), zj_digest)
        ]
    );
}

#[tokio::test]
async fn packs_only_needs_a_folder() {
    let error = Server::bind(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        packs_only: true,
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("--packs DIR"), "{error}");
}

/// Issue 20: a bundle replaced by other bytes of the same size and modification
/// time (`cp -p`, `rsync -a`) was never read again. Content is what counts now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_replaced_with_the_same_size_and_time_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let publisher = key(7);
    let (v1, v1_sig) = signed("1.0.0", &publisher);
    drop_bundle(dir, "zj.bundle", &v1, Some(v1_sig));
    let path = dir.join("zj.bundle");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let addr = watching(dir, &publisher).await;
    let (_, labels, _) = served(addr).await;
    assert!(
        labels.contains(&"js-test@1.0.0 zj.bundle".to_owned()),
        "{labels:?}"
    );
    // One byte changed, the same length, the same modification time.
    let mut tampered = v1.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    std::fs::write(&path, &tampered).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), v1.len() as u64);
    let packs = until(addr, "the replaced bundle refused", |p| {
        refused(p, "zj.bundle").is_some()
    })
    .await;
    assert!(
        refused(&packs, "zj.bundle").unwrap().contains("signature"),
        "{packs:#}"
    );
}

// ---- rollback and confusion (issue 20) ----

/// A signed bundle of the Jiangsu test pack `version` (with `extra` content, if
/// any) issued as `sequence`.
fn issued(version: &str, extra: Option<&str>, sequence: u64, key: &SecretKey) -> (Vec<u8>, String) {
    let mut pack = zj_pack(version);
    if let Some(extra) = extra {
        pack.files.insert("extra.csv".into(), extra.into());
    }
    let bytes = bundle::encode_sequenced(&[pack], sequence).unwrap();
    let signature = bundle::sign(&bytes, key).to_string();
    (bytes, signature)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_bundle_is_refused_once_a_newer_one_was_served() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let publisher = key(7);
    let (newer, newer_sig) = issued("1.1.0", None, 7, &publisher);
    drop_bundle(dir, "js.bundle", &newer, Some(newer_sig));
    let addr = watching(dir, &publisher).await;
    let (_, labels, _) = served(addr).await;
    assert!(
        labels.contains(&"js-test@1.1.0 js.bundle".to_owned()),
        "{labels:?}"
    );

    // The older bundle copied over the newer one: refused, the newer one served on.
    let (older, older_sig) = issued("1.0.0", None, 6, &publisher);
    drop_bundle(dir, "js.bundle", &older, Some(older_sig.clone()));
    let packs = until(addr, "the older bundle refused", |p| {
        refused(p, "js.bundle").is_some()
    })
    .await;
    let why = refused(&packs, "js.bundle").unwrap();
    assert!(why.contains("bundle.rollback"), "{why}");
    let (_, labels, _) = served(addr).await;
    assert!(
        labels.contains(&"js-test@1.1.0 js.bundle".to_owned()),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l.starts_with("js-test@1.0.0")),
        "{labels:?}"
    );

    // Beside it under another name: refused too.
    drop_bundle(dir, "old.bundle", &older, Some(older_sig));
    let packs = until(addr, "the older copy refused", |p| {
        refused(p, "old.bundle").is_some()
    })
    .await;
    assert!(
        refused(&packs, "old.bundle")
            .unwrap()
            .contains("bundle.rollback")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_outlives_a_restart_unless_downgrading() {
    let state = tempfile::tempdir().unwrap();
    let history = state.path().join("history.json");
    let publisher = key(7);
    let serve = |dir: PathBuf, allow_downgrade: bool| {
        start(Config {
            packs: Some(dir),
            trust: vec![publisher.public_key()],
            poll: Duration::from_millis(50),
            history: Some(history.clone()),
            allow_downgrade,
            ..Config::default()
        })
    };
    let first = tempfile::tempdir().unwrap();
    let (newer, newer_sig) = issued("1.1.0", None, 7, &publisher);
    drop_bundle(first.path(), "js.bundle", &newer, Some(newer_sig));
    let addr = serve(first.path().to_owned(), false).await;
    let (_, labels, _) = served(addr).await;
    assert!(
        labels.contains(&"js-test@1.1.0 js.bundle".to_owned()),
        "{labels:?}"
    );
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&history).unwrap()).unwrap();
    assert_eq!(kept["packs"]["js-test"]["sequence"], 7, "{kept:#}");

    // Started again on a folder holding only the older bundle.
    let second = tempfile::tempdir().unwrap();
    let (older, older_sig) = issued("1.0.0", None, 6, &publisher);
    drop_bundle(second.path(), "js.bundle", &older, Some(older_sig));
    let addr = serve(second.path().to_owned(), false).await;
    let (_, labels, packs) = served(addr).await;
    assert!(
        refused(&packs, "js.bundle").is_some_and(|why| why.contains("bundle.rollback")),
        "{packs:#}"
    );
    assert!(
        !labels.iter().any(|l| l.starts_with("js-test")),
        "{labels:?}"
    );
    // With --allow-downgrade it is served.
    let addr = serve(second.path().to_owned(), true).await;
    let (_, labels, _) = served(addr).await;
    assert!(
        labels.contains(&"js-test@1.0.0 js.bundle".to_owned()),
        "{labels:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bundles_giving_one_pack_version_different_content_are_both_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let publisher = key(7);
    let (a, a_sig) = issued("1.0.0", Some("a\n"), 5, &publisher);
    let (b, b_sig) = issued("1.0.0", Some("b\n"), 5, &publisher);
    drop_bundle(dir, "a.bundle", &a, Some(a_sig));
    drop_bundle(dir, "b.bundle", &b, Some(b_sig));
    let addr = watching(dir, &publisher).await;
    let (_, labels, packs) = served(addr).await;
    for file in ["a.bundle", "b.bundle"] {
        assert!(
            refused(&packs, file).is_some_and(|why| why.contains("bundle.conflict")),
            "{file}: {packs:#}"
        );
    }
    assert_eq!(sorted(labels), with_built_in(&[]));

    // One of them alone is served; the other, dropped in later, is refused.
    std::fs::remove_file(dir.join("b.bundle")).unwrap();
    until(addr, "a.bundle served", |p| {
        p["packs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["source"] == "a.bundle"))
    })
    .await;
    drop_bundle(
        dir,
        "c.bundle",
        &b,
        Some(bundle::sign(&b, &publisher).to_string()),
    );
    let packs = until(addr, "c.bundle refused", |p| {
        refused(p, "c.bundle").is_some()
    })
    .await;
    assert!(
        refused(&packs, "c.bundle")
            .unwrap()
            .contains("bundle.conflict")
    );
    let (_, labels, _) = served(addr).await;
    assert!(
        labels.contains(&"js-test@1.0.0 a.bundle".to_owned()),
        "{labels:?}"
    );
}

/// The bound on bundle files: one over 64 MiB is refused without being read (a
/// sparse file here, so the test writes nothing of that size).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_file_over_the_size_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let publisher = key(7);
    let huge = std::fs::File::create(dir.join("huge.bundle")).unwrap();
    huge.set_len(wastecheck_serve::packs::MAX_BUNDLE_BYTES + 1)
        .unwrap();
    let addr = watching(dir, &publisher).await;
    let packs = until(addr, "the huge bundle refused", |p| {
        refused(p, "huge.bundle").is_some()
    })
    .await;
    let why = refused(&packs, "huge.bundle").unwrap();
    assert!(why.contains("larger than"), "{why}");
}
