//! The connections: accepted within [`Limits::max_connections`] (beyond it a short
//! JSON 503 and the connection closed, so a flood of idle sockets cannot starve
//! `/healthz`), each served by hyper's HTTP/1 with a read timeout on request heads
//! (which also closes idle keep-alive connections) and a cap on their size.

use crate::{Limits, State, metrics::Refusal, router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// The answer to a connection over the cap: written whole, then the socket closed.
const OVER_CAPACITY: &str = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: 87\r\n\r\n{\"error\":{\"code\":\"busy\",\"message\":\"too many connections are open: try again shortly\"}}\n";

/// Accepts and serves connections until the process ends.
pub(crate) async fn serve(listener: TcpListener, state: Arc<State>) -> std::io::Result<()> {
    let app = router(state.clone());
    let limits = state.limits;
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait, as axum::serve does.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            state.metrics.refused(Refusal::Connections);
            tokio::spawn(refuse(stream));
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let state = state.clone();
        tokio::spawn(async move {
            state.metrics.connections.fetch_add(1, Ordering::Relaxed);
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(head_buffer(&limits));
            // A client that goes away or misbehaves ends only its own connection.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            state.metrics.connections.fetch_sub(1, Ordering::Relaxed);
            drop(permit);
        });
    }
}

/// hyper's read buffer: room for a head 4× the limit, so that a head over the
/// limit still reaches the router and gets its JSON 431; beyond, hyper answers
/// 431 itself.
fn head_buffer(limits: &Limits) -> usize {
    (limits.max_header_bytes + limits.max_uri_bytes)
        .saturating_mul(4)
        .max(8192)
}

/// Answers 503 and closes, within a second whatever the client does.
async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(OVER_CAPACITY.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_over_capacity_answer_declares_its_length() {
        let (head, body) = super::OVER_CAPACITY.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], "busy");
    }
}
