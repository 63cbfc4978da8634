//! Helpers for tests that run real `projector` processes side by side on one database.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// The database both processes share: PostgreSQL when the test environment names one (the
/// scaled-out setup), else one SQLite file.
pub fn database_url(dir: &Path) -> String {
    match std::env::var("PROJECTOR_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => {
            let name = format!(
                "projector_test_{}_worker_crash_{}",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs(),
                std::process::id()
            );
            let status = Command::new("psql")
                .args([&base, "-qc", &format!("CREATE DATABASE \"{name}\"")])
                .status();
            match status {
                Ok(s) if s.success() => format!("{}/{name}", base.trim_end_matches('/')),
                _ => format!("sqlite://{}?mode=rwc", dir.join("projector.db").display()),
            }
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("projector.db").display()),
    }
}

/// The `projector` binary, without the `PROJECTOR_` settings of the environment the tests run
/// in (each test sets its own).
pub fn projector() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_projector"));
    for (key, _) in std::env::vars() {
        if key.starts_with("PROJECTOR_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

pub fn command(dir: &Path, db: &str) -> Command {
    let mut cmd = projector();
    cmd.current_dir(dir)
        .env("PROJECTOR_DATABASE_URL", db)
        .env("PROJECTOR_DEMO_CONTENT", "false")
        .env("PROJECTOR_ADMIN_EMAIL", "admin@example.com")
        .env("PROJECTOR_ADMIN_PASSWORD", "admin-password")
        .env(
            "PROJECTOR_AUTH__JWT_SECRET",
            "worker-crash-secret-0123456789abcdef01",
        )
        // A short lease, so the job is taken again soon after its worker dies.
        .env("PROJECTOR_TRANSCODE__LEASE_SECS", "5")
        .env("PROJECTOR_TRANSCODE__LADDER", "[720, 480, 360, 240]");
    cmd
}

/// A child process that is killed (and reaped) when dropped, so a test that panics leaves no
/// `projector` process behind.
#[derive(Debug)]
pub struct Proc(pub Child);

impl std::ops::Deref for Proc {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Proc {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

pub fn serve(dir: &Path, db: &str) -> (Proc, String) {
    serve_with(dir, db, &[])
}

/// [`serve`] with extra environment variables.
pub fn serve_with(dir: &Path, db: &str, env: &[(&str, &str)]) -> (Proc, String) {
    let mut cmd = command(dir, db);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--workers", "0"]);
    until_listening(&mut cmd, dir)
}

/// Starts `cmd` (a `projector serve` on port 0) and waits until it says where it listens;
/// returns it and that address. Its standard output is added to `serve.out` in `dir` (a
/// restarted server adds to the same file) and its standard error is `serve.err`.
pub fn until_listening(cmd: &mut Command, dir: &Path) -> (Proc, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("serve.err")).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("serve.out"))
        .unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = writeln!(log, "{line}");
            if let Some(rest) = line.split("addr=").nth(1) {
                let _ = tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
        }
    });
    let Ok(addr) = rx.recv_timeout(Duration::from_secs(60)) else {
        let _ = child.kill();
        panic!(
            "server did not start: {}",
            std::fs::read_to_string(dir.join("serve.err")).unwrap_or_default()
        );
    };
    (Proc(child), addr)
}

pub fn worker(dir: &Path, db: &str, name: &str) -> Proc {
    Proc(
        command(dir, db)
            .args(["worker", "--concurrency", "1"])
            .stdout(std::fs::File::create(dir.join(format!("{name}.out"))).unwrap())
            .stderr(std::fs::File::create(dir.join(format!("{name}.err"))).unwrap())
            .spawn()
            .unwrap(),
    )
}

/// A signed-in GraphQL client of one server.
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let body: Value = self
            .client
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"].clone()
    }

    /// Creates a channel named `channel` and a draft video titled `title` in it; returns the
    /// video's ID.
    pub async fn draft(&self, channel: &str, title: &str) -> String {
        let data = self
            .gql(
                "mutation($n: String!) { createChannel(input: { name: $n }) { channel { id } } }",
                json!({ "n": channel }),
            )
            .await;
        let data = self
            .gql(
                "mutation($c: ID!, $t: String!) { createVideo(input: { channelId: $c, title: $t }) { video { id } } }",
                json!({ "c": data["createChannel"]["channel"]["id"], "t": title }),
            )
            .await;
        data["createVideo"]["video"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// Signs in as the admin the processes were started with.
pub async fn login(addr: &str) -> Api {
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("http://{addr}/graphql"))
        .json(&json!({ "query": "mutation { login(input: { email: \"admin@example.com\", password: \"admin-password\" }) { accessToken } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Api {
        client,
        base: format!("http://{addr}"),
        token: login["data"]["login"]["accessToken"]
            .as_str()
            .unwrap()
            .to_string(),
    }
}
