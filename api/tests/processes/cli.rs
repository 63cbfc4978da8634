//! The `projector` binary as an operator uses it.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn projector(dir: &std::path::Path) -> Command {
    let mut cmd = crate::support::projector();
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("PROJECTOR_LOG_FORMAT", "pretty")
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn help_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = projector(dir.path()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for command in [
        "serve",
        "worker",
        "migrate",
        "export-schema",
        "user",
        "token",
        "storage",
    ] {
        assert!(
            text.contains(command),
            "--help does not mention {command}:\n{text}"
        );
    }
}

#[test]
fn a_bad_configuration_value_stops_the_start_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("PROJECTOR_LISTEN", "not-an-address", "listen"),
        ("PROJECTOR_GRAPHQL__MAX_DEPTH", "deep", "graphql.max_depth"),
        ("PROJECTOR_DATABASE_URL", "mysql://x", "database_url"),
        ("PROJECTOR_AUTH__JWT_SECRET", "short", "auth.jwt_secret"),
    ];
    for (key, value, named) in cases {
        let out = projector(dir.path())
            .env(key, value)
            .arg("migrate")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{key}={value} was accepted");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim().lines().count(), 1, "{key}: {stderr}");
        assert!(stderr.contains(named), "{key}: {stderr}");
    }
    // A typo in the file is caught too.
    std::fs::write(
        dir.path().join("projector.toml"),
        "lisen = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let out = projector(dir.path()).arg("migrate").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("lisen"));
    assert!(
        !dir.path().join("data").exists(),
        "a refused start must create nothing"
    );
}

#[test]
fn users_and_tokens_can_be_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = projector(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "root@example.com",
            "--password",
            "root-password",
            "--role",
            "admin",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("data/projector.db").exists(),
        "embedded default is ./data/projector.db"
    );

    let out = projector(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "x@example.com",
            "--password",
            "root-password",
            "--role",
            "superuser",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("unknown role")
    );

    let out = projector(dir.path())
        .args(["token", "create", "--name", "site", "--scope", "everything"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("unknown scope")
    );

    let out = projector(dir.path())
        .args(["token", "create", "--name", "site", "--scope", "read"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    assert!(token.trim().starts_with("prj_"), "{token}");
    assert_eq!(token.trim().len(), 47);
}

#[test]
fn storage_migrate_exits_non_zero_when_objects_fail_and_sweep_says_what_it_removed() {
    let dir = tempfile::tempdir().unwrap();
    let asset = "0193a5b0-0000-7000-8000-000000000001";
    let object_dir = dir.path().join(format!("data/media/ab/cd/{asset}"));
    std::fs::create_dir_all(&object_dir).unwrap();
    let object = object_dir.join("source");
    std::fs::write(&object, b"some media").unwrap();
    // Older than the sweep's grace period, so an object with no asset row is an orphan.
    std::fs::File::options()
        .write(true)
        .open(&object)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(3 * 24 * 3600))
        .unwrap();
    // An S3 endpoint where nothing listens: the object cannot be copied.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s3 = [
        (
            "PROJECTOR_STORAGE__S3__ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        ),
        ("PROJECTOR_STORAGE__S3__REGION", "garage".into()),
        ("PROJECTOR_STORAGE__S3__PATH_STYLE", "true".into()),
        ("PROJECTOR_STORAGE__S3__ACCESS_KEY_ID", "GK0000".into()),
        ("PROJECTOR_STORAGE__S3__SECRET_ACCESS_KEY", "secret".into()),
        ("PROJECTOR_DEMO_CONTENT", "false".into()),
    ];

    let out = projector(dir.path())
        .envs(s3.clone())
        .args(["storage", "migrate", "--to", "s3"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("copied 0, skipped 0"), "{stdout}");
    assert!(stdout.contains("failed 1"), "{stdout}");
    assert!(
        stderr.contains(&format!("failed: ab/cd/{asset}/source")),
        "{stderr}"
    );
    assert!(
        !stdout.contains("storage.backend"),
        "no switch-over advice after a failure"
    );

    let out = projector(dir.path())
        .envs(s3)
        .args(["storage", "migrate", "--to", "local"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already local"));

    let out = projector(dir.path())
        .env("PROJECTOR_DEMO_CONTENT", "false")
        .args(["storage", "sweep"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 objects without an asset"), "{stdout}");
    assert!(!object.exists());
}

fn read_listening_addr(
    stdout: impl std::io::Read + Send + 'static,
) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("addr=").nth(1) {
                let _ = tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            if line.contains("worker started") {
                let _ = tx.send("worker".into());
            }
        }
    });
    rx
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

fn terminate(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_for_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "process did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_starts_with_zero_setup_prints_its_configuration_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = projector(dir.path())
        .env("PROJECTOR_DATABASE_URL", "sqlite://data/p.db")
        .env(
            "PROJECTOR_AUTH__JWT_SECRET",
            "a-very-secret-value-of-at-least-32-bytes",
        )
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addrs = read_listening_addr(child.stdout.take().unwrap());
    let addr = addrs
        .recv_timeout(Duration::from_secs(60))
        .expect("server announced its address");
    let response = http_get(&addr, "/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    // No public_url was given: the links it hands out point at where it listens, port included.
    let robots = http_get(&addr, "/robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: http://{addr}/sitemap.xml")),
        "{robots}"
    );
    terminate(&child);
    let status = wait_for_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(dir.path().join("data/p.db").exists());
    assert!(dir.path().join("data/media").exists() || dir.path().join("data").exists());
}

#[test]
fn the_worker_starts_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = projector(dir.path())
        .args(["worker", "--concurrency", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let events = read_listening_addr(child.stdout.take().unwrap());
    assert_eq!(
        events.recv_timeout(Duration::from_secs(60)).unwrap(),
        "worker"
    );
    terminate(&child);
    assert!(wait_for_exit(&mut child).success());
}

#[test]
fn the_configuration_printed_at_start_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = projector(dir.path())
        .env(
            "PROJECTOR_AUTH__JWT_SECRET",
            "hunter2-hunter2-hunter2-hunter2-hunter2",
        )
        .env("PROJECTOR_ADMIN_EMAIL", "boss@example.com")
        .env("PROJECTOR_ADMIN_PASSWORD", "boss-password-secret")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("addr=") {
                let _ = tx.send(seen.clone());
            }
        }
    });
    let printed = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    terminate(&child);
    wait_for_exit(&mut child);
    assert!(printed.contains("listen = \"127.0.0.1:0\""), "{printed}");
    assert!(printed.contains("********"), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(!printed.contains("boss-password-secret"), "{printed}");
    assert!(printed.contains("created the first admin"), "{printed}");
}
