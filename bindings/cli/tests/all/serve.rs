//! `wastecheck serve` as a regulator and an operator use it: make a key, build and
//! sign a bundle with the command line, drop it into the watched folder, and see
//! the running service serve it.

use crate::{s as path, wastecheck};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The service, killed when dropped.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http(addr: SocketAddr, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

fn get(addr: SocketAddr, target: &str) -> serde_json::Value {
    let (status, body) = http(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_bundle_built_and_signed_with_the_cli_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let key = root.join("regulator.key");
    assert!(
        wastecheck(&["pack", "keygen", "-o", path(&key)])
            .status
            .success()
    );
    let source = root.join("zj-test");
    std::fs::create_dir(&source).unwrap();
    std::fs::write(
        source.join("pack.toml"),
        "id = \"zj-test\"\nversion = \"1.0.0\"\njurisdiction = \"330000\"\neffective_from = \"2021-01-01\"\nextends = { id = \"cn\", version = \"^1\" }\n\n[title]\nzh-CN = \"浙江测试\"\nen = \"Zhejiang test\"\n",
    )
    .unwrap();
    let staging = root.join("staging.bundle");
    assert!(
        wastecheck(&[
            "pack",
            "build",
            path(&source),
            "-o",
            path(&staging),
            "--sequence",
            "1",
        ])
        .status
        .success()
    );
    assert!(
        wastecheck(&["pack", "sign", path(&staging), "--key", path(&key)])
            .status
            .success()
    );
    let watched = root.join("packs");
    std::fs::create_dir(&watched).unwrap();

    // Without a trusted key the folder is refused outright.
    let output = wastecheck(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--packs",
        path(&watched),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--trust"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_wastecheck"))
        .args(["serve", "--listen", "127.0.0.1:0", "--poll-ms", "50"])
        .args(["--packs", path(&watched)])
        .args(["--trust", &format!("{}.pub", path(&key))])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let service = Service(child);
    let mut lines = BufReader::new(stderr).lines();
    let first = lines.next().unwrap().unwrap();
    let addr: SocketAddr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    // Keep reading the log so the service never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    let packs = get(addr, "/v1/packs");
    let built_in = packs["packs"].as_array().unwrap().len();
    assert!(built_in >= 1, "{packs:#}");
    assert!(!packs["packs"].to_string().contains("zj-test"));

    std::fs::copy(
        root.join("staging.bundle.sig"),
        watched.join("zj.bundle.sig"),
    )
    .unwrap();
    std::fs::copy(&staging, watched.join("zj.bundle")).unwrap();
    let start = Instant::now();
    loop {
        let packs = get(addr, "/v1/packs");
        let served = packs["packs"].as_array().unwrap();
        if served.len() == built_in + 1 {
            let new = served.iter().find(|p| p["id"] == "zj-test").unwrap();
            assert_eq!(new["source"], "zj.bundle");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{packs:#}");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(service);
}

#[test]
fn serve_sandbox_without_its_module_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("wastecheck.wasm");
    let out = wastecheck(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--sandbox",
        "--sandbox-module",
        path(&missing),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("./x abi-wasm"), "{stderr}");
}
