//! A real S3-compatible server for tests: a single-node Garage on loopback ports, with a key and
//! a bucket made by the harness. Each `Garage` is its own server with its own data, stopped when
//! dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use projector_api::config::S3Config;
use secrecy::SecretString;

/// A running Garage server and the credentials of its test bucket.
pub struct Garage {
    /// S3 settings pointing at this server's bucket.
    pub s3: S3Config,
    child: Child,
    config_path: PathBuf,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The Garage binary: `PROJECTOR_GARAGE`, else `garage` on PATH or in `~/.cargo/bin`.
pub fn garage_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PROJECTOR_GARAGE") {
        return PathBuf::from(path);
    }
    let cargo_bin = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/garage"))
        .filter(|p| p.exists());
    cargo_bin.unwrap_or_else(|| PathBuf::from("garage"))
}

impl Garage {
    /// Starts Garage, applies a one-node layout, creates a key and the bucket `media`.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("garage dir");
        let (rpc, s3, admin) = (free_port(), free_port(), free_port());
        // 64 hex characters, as Garage wants.
        let secret = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let config_path = dir.path().join("garage.toml");
        std::fs::write(
            &config_path,
            format!(
                r#"metadata_dir = "{dir}/meta"
data_dir = "{dir}/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
admin_token = "{secret}"
"#,
                dir = dir.path().display()
            ),
        )
        .expect("write garage config");
        let child = Command::new(garage_binary())
            .arg("-c")
            .arg(&config_path)
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start garage (scripts/test installs it with cargo install garage)");
        let mut garage = Self {
            s3: S3Config::default(),
            child,
            config_path,
            _dir: dir,
        };
        // The node id answers once the server is up.
        let started = Instant::now();
        let node = loop {
            let out = garage.cli(&["node", "id", "-q"]);
            if let Ok(id) = out {
                break id.trim().split('@').next().unwrap_or_default().to_string();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "garage did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        // The RPC listener can lag the first answer by a moment.
        let started = Instant::now();
        while let Err(e) = garage.cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "garage layout assign: {e}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        garage.cli_ok(&["layout", "apply", "--version", "1"]);
        let key = garage.cli_ok(&["key", "create", "projector-test"]);
        let field = |name: &str| {
            key.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
                .unwrap_or_else(|| panic!("no `{name}` in garage output:\n{key}"))
        };
        let key_id = field("Key ID:");
        let secret_key = field("Secret key:");
        garage.cli_ok(&["bucket", "create", "media"]);
        garage.cli_ok(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            "media",
            "--key",
            "projector-test",
        ]);
        garage.s3 = S3Config {
            endpoint: Some(format!("http://127.0.0.1:{s3}")),
            region: "garage".into(),
            bucket: "media".into(),
            path_style: true,
            access_key_id: Some(key_id),
            secret_access_key: Some(SecretString::from(secret_key)),
            ..S3Config::default()
        };
        garage
    }

    fn cli(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(garage_binary())
            .arg("-c")
            .arg(&self.config_path)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn cli_ok(&self, args: &[&str]) -> String {
        self.cli(args)
            .unwrap_or_else(|e| panic!("garage {args:?} failed: {e}"))
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
