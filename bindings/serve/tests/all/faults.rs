//! The fault suite (issue 20): clients that misbehave — slow, idle, flooding,
//! bursting, leaving mid-check — against a service on loopback with small limits,
//! each bounded in time. The service must answer every one in JSON or close the
//! connection, keep its limits, and serve the next client. (Pack-folder changes
//! under load: `serve::requests_during_reloads_see_whole_pack_sets`.)

use crate::serve::{Answer, example, get, post, raw, start};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wastecheck_serve::{Config, Limits};

/// A service with `limits`.
async fn with(limits: Limits) -> SocketAddr {
    start(Config {
        limits,
        ..Config::default()
    })
    .await
}

/// Reads until the server closes the connection (or `within` passes: then `None`).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    tokio::time::timeout(within, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(buffer.get(..n).unwrap_or_default()),
            }
        }
    })
    .await
    .ok()?;
    Some(out)
}

/// The value of `name` in the Prometheus text of `/metrics`.
async fn metric(addr: SocketAddr, name: &str) -> f64 {
    let text = get(addr, "/metrics").await.body;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

fn check_body(document: &Value) -> String {
    json!({ "document": document }).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_sent_too_slowly_or_never_closes_the_connection() {
    let addr = with(Limits {
        header_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    // Idle: connected, nothing sent.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    assert!(
        closed_within(&mut idle, Duration::from_secs(10))
            .await
            .is_some()
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    // Dribbled: one byte of the head every 100 ms, never finished in time.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n" {
        if slow.write_all(&[*byte]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    assert!(
        closed_within(&mut slow, Duration::from_secs(10))
            .await
            .is_some()
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // The next client is served.
    assert_eq!(get(addr, "/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_beyond_the_cap_get_a_503_and_health_comes_back() {
    let addr = with(Limits {
        max_connections: 4,
        header_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Over the cap: a JSON 503 at once, not a hang.
    let refused = tokio::time::timeout(Duration::from_secs(5), get(addr, "/healthz"))
        .await
        .expect("an answer, not a hang");
    assert_eq!(refused.status, 503);
    assert_eq!(refused.error_code(), "busy");
    // The idle ones are closed by the head timeout; health answers again.
    let started = Instant::now();
    loop {
        let answer = get(addr, "/healthz").await;
        if answer.status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(metric(addr, "wastecheck_refusals_total{reason=\"connections\"}").await >= 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_flood_and_a_long_uri_are_refused_in_json() {
    let addr = with(Limits {
        max_header_bytes: 4 * 1024,
        max_uri_bytes: 1024,
        ..Limits::default()
    })
    .await;
    let flood: String = (0..40)
        .map(|i| format!("X-Flood-{i}: {}\r\n", "a".repeat(200)))
        .collect();
    let answer = raw(addr, &format!("GET /healthz HTTP/1.1\r\n{flood}"), b"").await;
    assert_eq!(answer.status, 431, "{}", answer.body);
    assert_eq!(answer.error_code(), "request.headers_too_large");
    let path = format!("/v1/rules?region={}", "1".repeat(2_000));
    let answer = get(addr, &path).await;
    assert_eq!(answer.status, 414, "{}", answer.body);
    assert_eq!(answer.error_code(), "request.uri_too_long");
    // Far beyond (more than 4× the limit): the HTTP layer refuses it before the
    // router, still with 431, and the service goes on.
    let huge: String = (0..200)
        .map(|i| format!("X-Flood-{i}: {}\r\n", "a".repeat(500)))
        .collect();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream
        .write_all(format!("GET /healthz HTTP/1.1\r\n{huge}\r\n").as_bytes())
        .await;
    let answer = closed_within(&mut stream, Duration::from_secs(10))
        .await
        .unwrap_or_default();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert_eq!(get(addr, "/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_beyond_the_bytes_in_flight_gets_503_then_the_service_recovers() {
    let addr = with(Limits {
        max_body_bytes: 64 * 1024,
        max_in_flight_bytes: 96 * 1024,
        body_timeout: Duration::from_secs(20),
        ..Limits::default()
    })
    .await;
    // A client declares 60 KiB and sends it slowly: its share stays in flight.
    let mut holder = TcpStream::connect(addr).await.unwrap();
    holder
        .write_all(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 61440\r\n\r\n{",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let body = check_body(&example("manifest.valid.json"));
    let padded = format!("{body:<50000}");
    let refused = post(addr, "/v1/check", "application/json", &padded).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.error_code(), "busy");
    assert!(metric(addr, "wastecheck_in_flight_bytes").await >= 61440.0);
    // A small request still fits beside it.
    let small = post(addr, "/v1/check", "application/json", &body).await;
    assert_eq!(small.status, 200, "{}", small.body);
    // The holder goes away: its share is given back, and the burst is served.
    drop(holder);
    let started = Instant::now();
    loop {
        let answer = post(addr, "/v1/check", "application/json", &padded).await;
        if answer.status == 200 {
            break;
        }
        assert_eq!(answer.status, 503, "{}", answer.body);
        assert!(started.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(metric(addr, "wastecheck_refusals_total{reason=\"busy\"}").await >= 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_too_slowly_gets_408() {
    let addr = with(Limits {
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"document\":",
        )
        .await
        .unwrap();
    let answer = closed_within(&mut stream, Duration::from_secs(10))
        .await
        .unwrap_or_default();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request.timeout"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_dribbled_a_byte_at_a_time_gets_408() {
    let addr = with(Limits {
        body_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    write
        .write_all(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        )
        .await
        .unwrap();
    // A byte every 50 ms: always something new, never the whole body in time.
    let dribbler = tokio::spawn(async move {
        for _ in 0..1000 {
            if write.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(20), async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            match read.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(buffer.get(..n).unwrap_or_default()),
            }
        }
    })
    .await;
    dribbler.abort();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(metric(addr, "wastecheck_refusals_total{reason=\"body_timeout\"}").await >= 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_10_mib_duplicate_key_body_gets_a_capped_report() {
    // The check's deadline is another test's: an unoptimised build on a busy
    // machine once took over the default 10 s here (7 s alone).
    let addr = with(Limits {
        check_time: Duration::from_secs(120),
        ..Limits::default()
    })
    .await;
    let limit = Limits::default().max_body_bytes;
    let repeats = (limit - 100) / 8;
    let body = format!(
        "{{\"document\":{{\"kind\":\"manifest\",{}\"a\":1}}}}",
        "\"a\":1,".repeat(repeats)
    );
    assert!(body.len() <= limit);
    let answer = post(addr, "/v1/check", "application/json", &body).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.len() < 2 * 1024 * 1024,
        "{} bytes",
        answer.body.len()
    );
    let report = answer.json();
    let omitted = report["omitted"]["by_rule"]["schema.duplicate-key"]
        .as_u64()
        .unwrap();
    assert_eq!(omitted as usize + 1_000, repeats);
    assert!(report["counts"]["error"].as_u64().unwrap() as usize >= repeats);
}

/// A document whose check takes a while: many waste lines.
fn slow_document() -> String {
    let mut document = example("manifest.valid.json");
    let line = document["wastes"][0].clone();
    document["wastes"] = Value::Array(vec![line; 20_000]);
    check_body(&document)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_stops_when_its_client_goes_away_or_its_deadline_passes() {
    let addr = with(Limits {
        check_time: Duration::from_secs(120),
        ..Limits::default()
    })
    .await;
    let body = slow_document();
    // How long the whole check takes here (before and after the abandoned one, the
    // longer: the machine may be busier during one of them).
    let whole = || async {
        let started = Instant::now();
        let answer = post(addr, "/v1/check", "application/json", &body).await;
        assert_eq!(answer.status, 200);
        started.elapsed()
    };
    let before = whole().await;
    // The same check, its client gone once the body is sent: its work ends long
    // before the whole check would have (`wastecheck_checks_running` counts the
    // work, not the requests). What is left when the flag is raised is the part
    // no rule boundary splits: reading the document, and a rule already running
    // (the scripts' view of the document is made by the first one).
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let started = Instant::now();
    while metric(addr, "wastecheck_checks_running").await < 1.0 {
        assert!(started.elapsed() < Duration::from_secs(30), "never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(stream);
    let gone = Instant::now();
    while metric(addr, "wastecheck_checks_running").await > 0.0 {
        assert!(
            gone.elapsed() < Duration::from_secs(120),
            "the abandoned check was never stopped"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopped = gone.elapsed();
    let whole = before.max(whole().await);
    assert!(
        stopped < whole / 2,
        "the check ran on {stopped:?} after its client left; a whole one takes {whole:?}"
    );
    assert!(metric(addr, "wastecheck_checks_abandoned_total").await >= 1.0);

    // A deadline shorter than the check: 422 check.deadline, and the next is served.
    let addr = with(Limits {
        check_time: Duration::from_millis(1),
        ..Limits::default()
    })
    .await;
    let answer: Answer = post(addr, "/v1/check", "application/json", &body).await;
    assert_eq!(
        answer.status,
        422,
        "{}",
        &answer.body[..answer.body.len().min(300)]
    );
    assert_eq!(answer.error_code(), "check.deadline");
    assert!(metric(addr, "wastecheck_refusals_total{reason=\"deadline\"}").await >= 1.0);
    assert_eq!(get(addr, "/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_degraded_while_a_bundle_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = wastecheck::pack::bundle::SecretKey::from_seed([9; 32]);
    let addr = start(Config {
        packs: Some(dir.path().to_owned()),
        trust: vec![publisher.public_key()],
        poll: Duration::from_millis(50),
        ..Config::default()
    })
    .await;
    assert_eq!(get(addr, "/healthz").await.json()["status"], "ok");
    std::fs::write(dir.path().join("bad.bundle"), b"not a bundle").unwrap();
    let started = Instant::now();
    let health = loop {
        let health = get(addr, "/healthz").await.json();
        if health["status"] == "degraded" {
            break health;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{health}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(health["refused"][0]["file"], "bad.bundle", "{health}");
    assert!(metric(addr, "wastecheck_refused_bundles").await >= 1.0);
    std::fs::remove_file(dir.path().join("bad.bundle")).unwrap();
    let started = Instant::now();
    while get(addr, "/healthz").await.json()["status"] != "ok" {
        assert!(started.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
