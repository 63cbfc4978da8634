//! A real headless Chromium, driven through Debian's chromedriver with fantoccini.
//!
//! Tests never download a browser: `/usr/bin/chromium` and `/usr/bin/chromedriver` come from
//! Debian's packages (the test command installs them).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};

/// A chromedriver process and a browser session on it; both end when this is dropped.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    pub async fn start() -> Self {
        // Both rustls crypto backends are linked (fantoccini's and reqwest's), so rustls cannot
        // pick one by itself.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chromium =
            std::env::var("PROJECTOR_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let chromedriver = std::env::var("PROJECTOR_CHROMEDRIVER")
            .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        assert!(
            std::path::Path::new(&chromium).exists()
                && std::path::Path::new(&chromedriver).exists(),
            "Chromium and chromedriver are missing: run scripts/test (it installs Debian's chromium and chromium-driver)"
        );
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    "--autoplay-policy=no-user-gesture-required",
                    format!("--user-data-dir={}", profile.path().display()),
                    "--window-size=1280,800"
                ]
            }
        });
        let caps = match caps {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // chromedriver takes a moment to listen.
        for _ in 0..100 {
            match ClientBuilder::rustls()
                .expect("rustls client")
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("cannot open a Chromium session: {last_error:?}");
    }

    /// Ends the session (closing Chromium) and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A panicking test skips `close`: killing chromedriver also ends its Chromium.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A Chrome DevTools command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(self.0.to_string()))
    }
}

impl Browser {
    /// Sends a Chrome DevTools command (`{"cmd": ..., "params": {...}}`) and returns its result.
    pub async fn cdp(&self, command: serde_json::Value) -> serde_json::Value {
        self.client
            .issue_cmd(Cdp(command))
            .await
            .expect("a DevTools command")
    }

    /// Saves screenshots of the page at 1280x800 and 390x844 (set through DevTools: a window
    /// cannot be that narrow) into `docs/screenshots/` (`{name}-1280.png`, `{name}-390.png`),
    /// and fails when the page is not that wide or the narrow page scrolls sideways.
    pub async fn screenshots(&self, name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
        std::fs::create_dir_all(&dir).expect("docs/screenshots");
        for (width, height) in [(1280, 800), (390, 844)] {
            self.cdp(serde_json::json!({
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": {
                    "width": width, "height": height, "deviceScaleFactor": 1,
                    "mobile": width < 600
                }
            }))
            .await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            let sizes = self
                .client
                .execute(
                    "return [window.innerWidth, document.documentElement.scrollWidth];",
                    vec![],
                )
                .await
                .expect("the page's sizes");
            if sizes[0] != serde_json::json!(width) {
                let wide = self
                    .client
                    .execute(
                        "const w = arguments[0]; return [...document.querySelectorAll('body *')] \
                         .filter((e) => e.getBoundingClientRect().right > w + 1) \
                         .slice(-8).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} \
                         ${Math.round(e.getBoundingClientRect().right)}`);",
                        vec![serde_json::json!(width)],
                    )
                    .await
                    .unwrap_or_default();
                panic!(
                    "{name}: the page is not {width} px wide but {}; wider than that: {wide}",
                    sizes[0]
                );
            }
            assert!(
                sizes[1].as_i64().unwrap_or(i64::MAX) <= width,
                "{name} scrolls sideways at {width} px: {sizes}"
            );
            let png = self.client.screenshot().await.expect("a screenshot");
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).expect("write it");
        }
        self.cdp(
            serde_json::json!({ "cmd": "Emulation.clearDeviceMetricsOverride", "params": {} }),
        )
        .await;
    }
}
