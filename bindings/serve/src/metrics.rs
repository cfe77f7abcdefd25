//! `GET /metrics`: what the service did, in the Prometheus text format — requests by
//! route and status, their latency, refusals by reason, pack reloads and refused
//! bundles, connections and request bytes in flight, checks stopped.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// Why a request or a connection was refused, for `wastecheck_refusals_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refusal {
    /// Too many bytes of requests in flight: 503.
    Busy,
    /// Too many connections: 503, then closed.
    Connections,
    /// A body over the limit: 413.
    BodyTooLarge,
    /// Headers over the limit: 431.
    HeadersTooLarge,
    /// A URI over the limit: 414.
    UriTooLong,
    /// A body not read in time: 408.
    BodyTimeout,
    /// A check past its deadline: 422.
    Deadline,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Refusal::Busy => "busy",
            Refusal::Connections => "connections",
            Refusal::BodyTooLarge => "body_too_large",
            Refusal::HeadersTooLarge => "headers_too_large",
            Refusal::UriTooLong => "uri_too_long",
            Refusal::BodyTimeout => "body_timeout",
            Refusal::Deadline => "deadline",
        }
    }
}

#[derive(Debug, Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The service's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Latency>>,
    refusals: Mutex<BTreeMap<Refusal, u64>>,
    /// Pack sets swapped in since start.
    pub reloads: AtomicU64,
    /// Checks stopped because their client went away.
    pub abandoned: AtomicU64,
    /// Checks running now (on the blocking threads, natively or in the sandbox):
    /// back to the requests being answered soon after their clients go away.
    pub running: AtomicU64,
    /// Connections open now.
    pub connections: AtomicU64,
    /// Bytes of request bodies being read or checked now.
    pub in_flight_bytes: AtomicU64,
}

impl Metrics {
    /// Counts a request answered.
    pub fn request(&self, route: &'static str, status: u16, took: Duration) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((route, status)).or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let entry = latency.entry(route).or_default();
            let seconds = took.as_secs_f64();
            for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
                if seconds <= bound {
                    *bucket += 1;
                }
            }
            entry.count += 1;
            entry.sum += seconds;
        }
    }

    /// Counts a refusal.
    pub fn refused(&self, why: Refusal) {
        if let Ok(mut refusals) = self.refusals.lock() {
            *refusals.entry(why).or_default() += 1;
        }
    }

    /// The Prometheus text: every counter, and `refused_bundles` (files of the
    /// packs folder refused now).
    pub fn render(&self, refused_bundles: usize, generation: u64) -> String {
        let mut out = String::new();
        let family = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        family(
            &mut out,
            "wastecheck_requests_total",
            "counter",
            "Requests answered, by route and status.",
        );
        if let Ok(requests) = self.requests.lock() {
            for ((route, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "wastecheck_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        family(
            &mut out,
            "wastecheck_request_duration_seconds",
            "histogram",
            "Time to answer a request, by route.",
        );
        if let Ok(latency) = self.latency.lock() {
            for (route, l) in latency.iter() {
                for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                    let _ = writeln!(
                        out,
                        "wastecheck_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                    );
                }
                let _ = writeln!(
                    out,
                    "wastecheck_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\nwastecheck_request_duration_seconds_sum{{route=\"{route}\"}} {}\nwastecheck_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    l.count, l.sum, l.count
                );
            }
        }
        family(
            &mut out,
            "wastecheck_refusals_total",
            "counter",
            "Requests and connections refused, by reason.",
        );
        if let Ok(refusals) = self.refusals.lock() {
            for (why, n) in refusals.iter() {
                let _ = writeln!(
                    out,
                    "wastecheck_refusals_total{{reason=\"{}\"}} {n}",
                    why.label()
                );
            }
        }
        let gauges: [(&str, &str, &str, u64); 7] = [
            (
                "wastecheck_pack_reloads_total",
                "counter",
                "Pack sets swapped in since start.",
                self.reloads.load(Ordering::Relaxed),
            ),
            (
                "wastecheck_pack_generation",
                "gauge",
                "The generation of the packs served.",
                generation,
            ),
            (
                "wastecheck_refused_bundles",
                "gauge",
                "Bundle files of the packs folder refused now.",
                refused_bundles as u64,
            ),
            (
                "wastecheck_checks_abandoned_total",
                "counter",
                "Checks stopped because their client went away.",
                self.abandoned.load(Ordering::Relaxed),
            ),
            (
                "wastecheck_checks_running",
                "gauge",
                "Checks running now (their work, whether or not a client still waits).",
                self.running.load(Ordering::Relaxed),
            ),
            (
                "wastecheck_connections",
                "gauge",
                "Connections open now.",
                self.connections.load(Ordering::Relaxed),
            ),
            (
                "wastecheck_in_flight_bytes",
                "gauge",
                "Bytes of request bodies being read or checked now.",
                self.in_flight_bytes.load(Ordering::Relaxed),
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_holds_every_family() {
        let metrics = Metrics::default();
        metrics.request("/v1/check", 200, Duration::from_millis(3));
        metrics.request("/v1/check", 413, Duration::from_millis(1));
        metrics.refused(Refusal::Busy);
        let text = metrics.render(2, 5);
        assert!(text.contains("wastecheck_requests_total{route=\"/v1/check\",status=\"200\"} 1"));
        assert!(text.contains(
            "wastecheck_request_duration_seconds_bucket{route=\"/v1/check\",le=\"0.0025\"} 1"
        ));
        assert!(text.contains(
            "wastecheck_request_duration_seconds_bucket{route=\"/v1/check\",le=\"0.005\"} 2"
        ));
        assert!(text.contains("wastecheck_refusals_total{reason=\"busy\"} 1"));
        assert!(text.contains("wastecheck_refused_bundles 2"));
        assert!(text.contains("wastecheck_pack_generation 5"));
    }
}
