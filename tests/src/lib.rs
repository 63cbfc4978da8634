//! The end-to-end test harness: a real server on port 0 with its own database (a fresh SQLite
//! file, or a fresh PostgreSQL database when `PROJECTOR_TEST_POSTGRES` names a server), talked to
//! over real HTTP.
//!
//! Database tests are written once as `async fn name(backend: Backend)` and listed in
//! [`both_databases!`], which makes `name::on_sqlite` and `name::on_postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use projector_api::{Application, Config};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod browser;
pub mod garage;
pub mod media;
pub mod page;
pub mod receiver;
pub mod tus;

/// The JWT secret every test server signs with, so tests can forge tokens on purpose.
pub const TEST_JWT_SECRET: &str = "test-secret-0123456789abcdef0123456789abcdef";
/// The admin every test server creates on first start.
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// That admin's password.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// Which database a test runs on.
#[derive(Clone, Debug)]
pub enum Backend {
    /// A fresh SQLite file in the test's temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server at this base URL (no database name).
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend when `PROJECTOR_TEST_POSTGRES` is set. Under CI an unset variable
    /// is a failure, so a misconfigured CI cannot silently skip half the suite.
    pub fn postgres() -> Option<Self> {
        match std::env::var("PROJECTOR_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => Some(Self::Postgres(url.trim_end_matches('/').into())),
            _ => {
                assert!(
                    std::env::var("CI").is_err(),
                    "CI is set but PROJECTOR_TEST_POSTGRES is not: PostgreSQL tests cannot be skipped in CI"
                );
                eprintln!("PROJECTOR_TEST_POSTGRES is not set: skipping the PostgreSQL variant");
                None
            }
        }
    }

    /// A database URL for a brand-new, empty database.
    pub async fn fresh_database_url(&self, dir: &std::path::Path) -> String {
        match self {
            Self::Sqlite => format!("sqlite://{}", dir.join("projector.db").display()),
            Self::Postgres(base) => {
                let admin = Database::connect(format!("{base}/postgres"))
                    .await
                    .expect("connect to PostgreSQL");
                sweep_old_databases(&admin).await;
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                let name = format!("projector_test_{now}_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                format!("{base}/{name}")
            }
        }
    }
}

/// Drops test databases left by earlier runs (older than two hours), so a machine that runs the
/// suite every day does not fill up.
async fn sweep_old_databases(admin: &DatabaseConnection) {
    static SWEPT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    if SWEPT.set(()).is_err() {
        return;
    }
    let Ok(rows) = admin
        .query_all(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'projector_test_%'",
        ))
        .await
    else {
        return;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let created = name
            .strip_prefix("projector_test_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > 2 * 3600 {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

/// Makes `name::on_sqlite` and `name::on_postgres` tests from `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    if let Some(backend) = $crate::Backend::postgres() {
                        super::$name(backend).await
                    }
                }
            }
        )*
    };
}

/// A running server and a client for it.
pub struct TestApp {
    /// The server's address.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    /// The configuration the server runs with.
    pub config: Config,
    /// Temporary directory holding data and media; removed when the app is dropped.
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// The configuration a test server runs with.
pub fn test_config(database_url: String, dir: &std::path::Path) -> Config {
    let defaults = Config::default();
    Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: SecretString::from(database_url),
        database_max_connections: 8,
        data_dir: dir.join("data"),
        media_dir: dir.join("data/media"),
        frontend_dir: frontend_dir(),
        log: "warn".into(),
        workers: 0,
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(SecretString::from(ADMIN_PASSWORD)),
        // Tests count rows: they start from an empty catalogue unless they ask for the demo.
        demo_content: false,
        // Tests read right after writing straight to the database; the cache has its own test.
        graphql: projector_api::config::GraphqlConfig {
            public_cache_ttl_ms: 0,
            ..defaults.graphql.clone()
        },
        auth: projector_api::config::AuthConfig {
            jwt_secret: Some(SecretString::from(TEST_JWT_SECRET)),
            ..defaults.auth.clone()
        },
        ..defaults
    }
}

/// Where the built single-page app is: `PROJECTOR_TEST_FRONTEND_DIR`, else `<workspace>/dist`.
pub fn frontend_dir() -> PathBuf {
    std::env::var_os("PROJECTOR_TEST_FRONTEND_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

/// Starts a server on `backend` with the default test configuration.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts a server on `backend`, letting the test adjust the configuration first.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = backend.fresh_database_url(dir.path()).await;
    let mut config = test_config(url, dir.path());
    adjust(&mut config);
    start(config, dir).await
}

async fn start(config: Config, dir: tempfile::TempDir) -> TestApp {
    let app = Application::build(config.clone())
        .await
        .expect("build the app");
    let addr = app.local_addr().expect("bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client"),
        config,
        dir,
        stop: Some(stop),
        task: Some(task),
    }
}

impl TestApp {
    /// Stops the server gracefully and starts it again on the same database and data.
    pub async fn restart(mut self) -> Self {
        self.shutdown().await;
        let mut config = self.config.clone();
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("tempdir"));
        start(config, dir).await
    }

    /// Starts another server on the same database (its own data directory and port), as a
    /// second API node behind a load balancer would run.
    pub async fn spawn_sibling(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = self.config.clone();
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.data_dir = dir.path().join("data");
        config.media_dir = dir.path().join("data/media");
        adjust(&mut config);
        start(config, dir).await
    }

    /// Stops the server gracefully and waits for it.
    pub async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// A URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A direct connection to the server's database, for asserting what was (not) written.
    pub async fn db(&self) -> DatabaseConnection {
        let url = secrecy::ExposeSecret::expose_secret(&self.config.database_url).to_string();
        Database::connect(url)
            .await
            .expect("connect to the test database")
    }

    /// SQL statements the server has sent so far, as it counts them itself
    /// (`projector_db_statements_total` on `/metrics`): how a test proves what a request costs.
    pub async fn statements(&self) -> u64 {
        self.counter("projector_db_statements_total").await
    }

    /// The value of the counter `name` (one without labels) on the server's `/metrics`.
    pub async fn counter(&self, name: &str) -> u64 {
        let text = self
            .client
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("the metrics text");
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {name} on /metrics"))
            .trim()
            .parse()
            .expect("a count")
    }

    /// What one GraphQL request costs in SQL statements, and its data: the fewest of three tries.
    /// The server's own background work (the webhook sender, job polls, view flushes) sends
    /// statements too and can only add to a count, so one try may count one of those; a request
    /// that costs more every time still shows. Needs the response cache off (as `spawn_app` has it).
    pub async fn statements_of(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u64, Value) {
        let mut fewest = u64::MAX;
        let mut data = Value::Null;
        for _ in 0..3 {
            let before = self.statements().await;
            data = self.graphql_ok(token, query, variables.clone()).await;
            fewest = fewest.min(self.statements().await - before);
        }
        (fewest, data)
    }

    /// Counts the rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let db = self.db().await;
        let row = db
            .query_one(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        db.close().await.ok();
        row.try_get::<i64>("", "n").expect("count")
    }

    /// POSTs a GraphQL request, optionally with a bearer token; returns status and JSON body.
    pub async fn graphql_raw(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("send GraphQL request");
        let status = res.status().as_u16();
        let body = res.json::<Value>().await.expect("JSON response");
        (status, body)
    }

    /// POSTs a GraphQL request and returns the JSON body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.graphql_raw(token, query, variables).await.1
    }

    /// POSTs a GraphQL request that must succeed; returns `data`.
    pub async fn graphql_ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.graphql(token, query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "GraphQL errors for {query}: {body}"
        );
        body["data"].clone()
    }

    /// Creates a channel through the API; returns it as `{ id slug }`.
    pub async fn create_channel(&self, token: &str, name: &str) -> Value {
        let data = self
            .graphql_ok(
                Some(token),
                "mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id slug } } }",
                json!({ "i": { "name": name } }),
            )
            .await;
        data["createChannel"]["channel"].clone()
    }

    /// Creates a video in `channel` through the API, with the input fields of `extra` added;
    /// returns it as `{ id uuid }`.
    pub async fn create_video(
        &self,
        token: &str,
        channel: &str,
        title: &str,
        extra: Value,
    ) -> Value {
        let mut input = json!({ "channelId": channel, "title": title });
        for (k, v) in extra.as_object().expect("extra input fields are an object") {
            input[k] = v.clone();
        }
        let data = self
            .graphql_ok(
                Some(token),
                "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id uuid } } }",
                json!({ "i": input }),
            )
            .await;
        data["createVideo"]["video"].clone()
    }

    /// Sets a video's or an episode's media status (`DRAFT`, `PROCESSING`, `READY`, `FAILED`)
    /// straight in the database, standing in for the media pipeline: it is the status's only
    /// writer, and no API input carries it. `global_id` is the item's GraphQL ID.
    pub async fn set_media_status(&self, global_id: &str, status: &str) {
        use projector_api::podcasts::entity::episode;
        use projector_api::videos::entity::video;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (kind, id) = projector_api::graphql::relay::decode(global_id).expect("a global ID");
        let status = status.to_lowercase();
        let db = self.db().await;
        let changed = match kind.as_str() {
            "Video" => {
                video::Entity::update_many()
                    .col_expr(video::Column::Status, Expr::value(status))
                    .filter(video::Column::Id.eq(id))
                    .exec(&db)
                    .await
            }
            "Episode" => {
                episode::Entity::update_many()
                    .col_expr(episode::Column::Status, Expr::value(status))
                    .filter(episode::Column::Id.eq(id))
                    .exec(&db)
                    .await
            }
            other => panic!("a {other} has no media status"),
        }
        .expect("set the media status");
        assert_eq!(changed.rows_affected, 1, "no {kind} {global_id}");
        db.close().await.ok();
    }

    /// Sends a GraphQL multipart request (operations, map and one file for variable `file_var`,
    /// per the GraphQL multipart request spec); returns status and JSON body.
    pub async fn graphql_multipart(
        &self,
        token: &str,
        query: &str,
        mut variables: Value,
        file_var: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let boundary = "projector-test-boundary-7f3a";
        variables[file_var] = Value::Null;
        let operations = json!({ "query": query, "variables": variables });
        let map = json!({ "0": [format!("variables.{file_var}")] });
        let mut body = Vec::new();
        for (name, value) in [
            ("operations", operations.to_string()),
            ("map", map.to_string()),
        ] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("send multipart request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Logs in and returns `(accessToken, refreshToken)`.
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let data = self
            .graphql_ok(
                None,
                "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }",
                json!({ "i": { "email": email, "password": password } }),
            )
            .await;
        (
            data["login"]["accessToken"].as_str().unwrap().to_string(),
            data["login"]["refreshToken"].as_str().unwrap().to_string(),
        )
    }

    /// Logs in as the test admin and returns the access token.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.0
    }

    /// Creates a user through the API (as the admin) and returns their access token.
    pub async fn user_token(&self, email: &str, role: &str) -> String {
        let admin = self.admin_token().await;
        self.graphql_ok(
            Some(&admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
            json!({ "i": { "email": email, "password": "password-1234", "role": role } }),
        )
        .await;
        self.login(email, "password-1234").await.0
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Takes a fixture's `status` out of `extra`: the media status the pipeline would have reached,
/// which no API input carries (set it with [`TestApp::set_media_status`] after creating the
/// item). An item given a status and no `publishAt` is also published (since 2020), so
/// `{ "status": "READY" }` still reads "a public item" in fixture tables.
pub fn take_media_status(extra: &mut Value) -> Option<String> {
    let object = extra
        .as_object_mut()
        .expect("extra input fields are an object");
    let status = object
        .remove("status")
        .map(|s| s.as_str().expect("a status name").to_string());
    if status.is_some() && !object.contains_key("publishAt") {
        object.insert("publishAt".into(), json!("2020-01-01T00:00:00Z"));
    }
    status
}

/// The `extensions.code` of the first GraphQL error in a response, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
