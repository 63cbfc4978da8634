//! Logs and metrics: `tracing` set-up and a small Prometheus registry.
//!
//! The registry is a field of the app state, not a process global, so two apps in one process
//! (as in tests) count separately.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::{Config, LogFormat};
use crate::state::AppState;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Distinct GraphQL operation names tracked before the rest are counted as `other`.
const MAX_OPERATION_NAMES: usize = 256;

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

impl Series {
    fn observe(&mut self, seconds: f64) {
        self.count += 1;
        self.sum += seconds;
        for (bucket, bound) in self.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }
}

/// Series by HTTP method, route template and status. Nested by label, so a request finds its
/// series by borrowed labels and allocates only the first time they occur.
type HttpSeries = BTreeMap<String, BTreeMap<String, BTreeMap<u16, Series>>>;
/// Series by GraphQL operation name and outcome.
type OperationSeries = BTreeMap<String, BTreeMap<String, Series>>;

/// The value at `key`, made (with its key copied) only when missing.
fn slot<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    match map.get_mut(key) {
        Some(value) => value,
        None => unreachable!("inserted above"),
    }
}

/// A counter family in Prometheus text: its help, its type, and one line per series, each
/// with its labels (`kind="thumbnail"`), or none when they are empty.
fn write_counter(
    out: &mut String,
    name: &str,
    help: &str,
    series: &[(&str, &std::sync::atomic::AtomicU64)],
) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} counter");
    for (labels, counter) in series {
        let value = counter.load(std::sync::atomic::Ordering::Relaxed);
        let _ = if labels.is_empty() {
            writeln!(out, "{name} {value}")
        } else {
            writeln!(out, "{name}{{{labels}}} {value}")
        };
    }
}

/// Request counts and latencies by HTTP route and by GraphQL operation.
#[derive(Debug, Default)]
pub struct Metrics {
    http: Mutex<HttpSeries>,
    graphql: Mutex<OperationSeries>,
    /// SQL statements sent to the database (shared with the connection's metric callback).
    db_statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Batches the GraphQL DataLoaders sent after their batch window (shared with every
    /// request's loaders); prefetched fields send none.
    loader_batches: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// SQLite reads on the server's own read connections, by the thread they ran on.
    reads_calling: std::sync::Arc<std::sync::atomic::AtomicU64>,
    reads_blocking: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Upload sources stored from parts streamed while they arrived.
    sources_streamed: std::sync::atomic::AtomicU64,
    /// Upload sources stored in one go after the last byte (local rename, or S3 after a
    /// restart or a failed stream).
    sources_whole: std::sync::atomic::AtomicU64,
    /// Pictures the image API made (decoded and encoded), stills and animations.
    images_still: std::sync::atomic::AtomicU64,
    images_animated: std::sync::atomic::AtomicU64,
}

impl Metrics {
    /// Records one HTTP request.
    pub fn http(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let mut map = self.http.lock().unwrap_or_else(|p| p.into_inner());
        slot(slot(&mut map, method), route)
            .entry(status)
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// Records one GraphQL operation; `outcome` is `ok` or `error`.
    pub fn graphql(&self, operation: Option<&str>, outcome: &str, elapsed: Duration) {
        let mut map = self.graphql.lock().unwrap_or_else(|p| p.into_inner());
        let name = sanitize_operation(operation);
        let name = if map.contains_key(name.as_ref()) || map.len() < MAX_OPERATION_NAMES {
            name.as_ref()
        } else {
            "other"
        };
        slot(slot(&mut map, name), outcome).observe(elapsed.as_secs_f64());
    }

    /// The counter of SQL statements, for the database connection's metric callback. Counting
    /// statements is how a test proves a page costs a constant number of them.
    pub fn statement_counter(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.db_statements.clone()
    }

    /// What the hot-path reads count (`crate::db::reads`): their statements with the pool's,
    /// and by the thread they ran on.
    pub fn read_counts(&self) -> crate::db::reads::Counts {
        crate::db::reads::Counts {
            statements: self.db_statements.clone(),
            calling: self.reads_calling.clone(),
            blocking: self.reads_blocking.clone(),
        }
    }

    /// The counter of DataLoader batches, for each request's loaders. A batch waits for the
    /// loader's window (1 ms on a timer) before its statement: a page or a single item whose
    /// nested fields are prefetched sends none, which is how a test proves they were.
    pub fn loader_batch_counter(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.loader_batches.clone()
    }

    /// Records how an upload's source reached the store: from parts streamed while it arrived
    /// (`true`), or whole after its last byte.
    pub fn source_stored(&self, streamed: bool) {
        let counter = if streamed {
            &self.sources_streamed
        } else {
            &self.sources_whole
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Records that the image API made a picture (`still`: a thumbnail, else an animation).
    pub fn image_rendered(&self, still: bool) {
        let counter = if still {
            &self.images_still
        } else {
            &self.images_animated
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Prometheus text exposition of everything recorded.
    pub fn render(&self) -> String {
        let mut out = String::new();
        write_counter(
            &mut out,
            "projector_images_rendered_total",
            "Pictures the image API decoded and encoded (not those served from storage).",
            &[
                ("kind=\"thumbnail\"", &self.images_still),
                ("kind=\"animated\"", &self.images_animated),
            ],
        );
        write_counter(
            &mut out,
            "projector_upload_sources_stored_total",
            "Upload sources stored, by how they reached the store.",
            &[
                ("how=\"streamed_parts\"", &self.sources_streamed),
                ("how=\"whole_file\"", &self.sources_whole),
            ],
        );
        write_counter(
            &mut out,
            "projector_db_statements_total",
            "SQL statements sent to the database.",
            &[("", self.db_statements.as_ref())],
        );
        write_counter(
            &mut out,
            "projector_graphql_loader_batches_total",
            "GraphQL DataLoader batches sent after their batch window (fields that were not prefetched).",
            &[("", self.loader_batches.as_ref())],
        );
        write_counter(
            &mut out,
            "projector_db_reads_total",
            "SQLite reads on the server's own read-only connections: on the calling thread, or moved to a blocking thread after outrunning their step budget.",
            &[
                ("thread=\"calling\"", self.reads_calling.as_ref()),
                ("thread=\"blocking\"", self.reads_blocking.as_ref()),
            ],
        );
        self.render_http(&mut out);
        self.render_graphql(&mut out);
        out
    }

    /// The HTTP requests' counts and latency histograms.
    fn render_http(&self, out: &mut String) {
        let map = self.http.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(
            out,
            "# HELP projector_http_requests_total HTTP requests served."
        );
        let _ = writeln!(out, "# TYPE projector_http_requests_total counter");
        for (method, routes) in map.iter() {
            for (route, statuses) in routes {
                for (status, s) in statuses {
                    let _ = writeln!(
                        out,
                        "projector_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                        escape(route),
                        s.count
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP projector_http_request_duration_seconds HTTP request latency."
        );
        let _ = writeln!(
            out,
            "# TYPE projector_http_request_duration_seconds histogram"
        );
        for (method, routes) in map.iter() {
            for (route, statuses) in routes {
                let mut agg = Series::default();
                for s in statuses.values() {
                    agg.count += s.count;
                    agg.sum += s.sum;
                    for (a, b) in agg.buckets.iter_mut().zip(s.buckets) {
                        *a += b;
                    }
                }
                let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
                histogram(
                    out,
                    "projector_http_request_duration_seconds",
                    &labels,
                    &agg,
                );
            }
        }
    }

    /// The GraphQL operations' counts and latency histograms.
    fn render_graphql(&self, out: &mut String) {
        let map = self.graphql.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(
            out,
            "# HELP projector_graphql_operations_total GraphQL operations executed."
        );
        let _ = writeln!(out, "# TYPE projector_graphql_operations_total counter");
        for (op, outcomes) in map.iter() {
            for (outcome, s) in outcomes {
                let _ = writeln!(
                    out,
                    "projector_graphql_operations_total{{operation=\"{op}\",outcome=\"{outcome}\"}} {}",
                    s.count
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP projector_graphql_operation_duration_seconds GraphQL operation latency."
        );
        let _ = writeln!(
            out,
            "# TYPE projector_graphql_operation_duration_seconds histogram"
        );
        for (op, outcomes) in map.iter() {
            for (outcome, s) in outcomes {
                let labels = format!("operation=\"{op}\",outcome=\"{outcome}\"");
                histogram(
                    out,
                    "projector_graphql_operation_duration_seconds",
                    &labels,
                    s,
                );
            }
        }
    }
}

fn histogram(out: &mut String, name: &str, labels: &str, s: &Series) {
    for (bound, count) in BUCKETS.iter().zip(s.buckets) {
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
    }
    let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
    let _ = writeln!(out, "{name}_sum{{{labels}}} {}", s.sum);
    let _ = writeln!(out, "{name}_count{{{labels}}} {}", s.count);
}

/// The operation's name as a label: at most 64 characters, each a letter, a digit or `_`
/// (copied only when it has others or is longer).
fn sanitize_operation(name: Option<&str>) -> std::borrow::Cow<'_, str> {
    match name {
        Some(n)
            if n.len() <= 64
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !n.is_empty() =>
        {
            n.into()
        }
        Some(n) if !n.is_empty() => n
            .chars()
            .take(64)
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>()
            .into(),
        _ => "anonymous".into(),
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware recording every request by its route template (not its raw path, which would
/// explode label cardinality).
pub async fn track_http(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Both are cheap to keep (a known method is a tag, a route template is shared).
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    state.ctx.metrics.http(
        method.as_str(),
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Installs the global `tracing` subscriber once (later calls are ignored, as in tests).
pub fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: log files and collectors get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_ansi(ansi);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_render_counts_and_cap_operation_names() {
        let m = Metrics::default();
        m.http("POST", "/graphql", 200, Duration::from_millis(3));
        for i in 0..(MAX_OPERATION_NAMES + 10) {
            m.graphql(Some(&format!("Op{i}")), "ok", Duration::from_millis(1));
        }
        let text = m.render();
        assert!(text.contains(
            "projector_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"200\"} 1"
        ));
        assert!(
            text.contains(
                "projector_graphql_operations_total{operation=\"other\",outcome=\"ok\"} 10"
            )
        );
    }
}
