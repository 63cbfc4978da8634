//! Several files dropped at once on the new-video page, and uploads that go on after a reload.

use std::net::SocketAddr;
use std::time::Duration;

use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, browser::Browser, media};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// Bytes per `PATCH` the app sends (`tus::CHUNK_BYTES`).
const CHUNK: u64 = 5 << 20;

/// A site with one transcoding worker and one small rendition, whose `public_url` is its own
/// address.
async fn spawn_transcoding_site() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    projector_tests::spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await
}

/// About 3 seconds of H.264/AAC MP4 of video noise (`frames` at 25 fps): over 6 MiB, so the app sends it in two chunks.
fn noisy_mp4(path: &std::path::Path, frames: u32) {
    media::gst_launch(&format!(
        "videotestsrc pattern=snow num-buffers={frames} ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast bitrate=20000 vbv-buf-capacity=1000 ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers=140 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

/// The admin's uploads by file name: `(id, status, offset, length, sha256)`.
async fn uploads_by_name(app: &TestApp, token: &str) -> Vec<(String, Value)> {
    let data = app
        .graphql_ok(
            Some(token),
            "{ myUploads { id url filename status offset length media { sha256 } } }",
            json!({}),
        )
        .await;
    data["myUploads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["filename"].as_str().unwrap().to_owned(), u.clone()))
        .collect()
}

/// Installs a fetch wrapper that logs each tus request as "METHOD <upload id> <offset>" in
/// `window.__tus`; with `hold`, every PATCH past offset 0 waits forever (never sent).
async fn log_tus(browser: &Browser, hold: bool) {
    js(
        browser,
        &format!(
            "window.__tus = []; const real = window.fetch.bind(window); \
             window.fetch = async (input, init) => {{ \
               const req = input instanceof Request ? input : new Request(input, init); \
               if (req.url.includes('/uploads/')) {{ \
                 const id = req.url.split('/uploads/')[1] || ''; \
                 const at = req.headers.get('Upload-Offset'); \
                 window.__tus.push(`${{req.method}} ${{id}} ${{at ?? ''}}`.trim()); \
                 if ({hold} && req.method === 'PATCH' && at !== '0') await new Promise(() => {{}}); \
               }} \
               return real(req); \
             }}; return true;"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dropped_files_become_drafts_and_after_a_reload_both_resume_from_the_servers_offset_and_reach_ready()
 {
    assert_app_is_built();
    let app = spawn_transcoding_site().await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Dailies").await;
    let channel_id = channel["id"].as_str().unwrap().to_owned();
    let clips = [
        app.dir.path().join("first-take.mp4"),
        app.dir.path().join("second-take.mp4"),
    ];
    noisy_mp4(&clips[0], 75);
    noisy_mp4(&clips[1], 80);

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/videos/new").await;
    wait_for(&browser, "#drop-zone").await;
    choose(&browser, "#new-video-channel", &channel_id).await;
    choose(&browser, "#new-video-visibility", "UNLISTED").await;
    log_tus(&browser, true).await;
    // Drop both files at once: they are picked in a file input the test adds, then dropped on
    // the zone as a drag from the desktop would.
    js(
        &browser,
        "const i = document.createElement('input'); i.type = 'file'; i.multiple = true; \
         i.id = 'test-files'; document.body.appendChild(i); return true;",
    )
    .await;
    let paths = clips
        .iter()
        .map(|p| p.to_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    wait_for(&browser, "#test-files")
        .await
        .send_keys(&paths)
        .await
        .unwrap();
    js(
        &browser,
        "const t = new DataTransfer(); \
         for (const f of document.getElementById('test-files').files) t.items.add(f); \
         const zone = document.getElementById('drop-zone'); \
         zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: t, bubbles: true, cancelable: true })); \
         zone.dispatchEvent(new DragEvent('drop', { dataTransfer: t, bubbles: true, cancelable: true })); \
         return true;",
    )
    .await;

    // Each file is a draft of the chosen channel, titled after the file, and its first chunk
    // is on the server; the rest is held back in the page.
    let mut waited = 0;
    let before = loop {
        let uploads = uploads_by_name(&app, &admin).await;
        if (uploads.len() == 2
            && uploads
                .iter()
                .all(|(_, u)| u["offset"].as_u64() == Some(CHUNK)))
            || waited > 300
        {
            break uploads;
        }
        waited += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let progress_text = text_of(&browser, "#uploads .upload-text").await;
    let pace_text = text_of(&browser, "#uploads .upload-pace").await;
    assert_eq!(
        before.len(),
        2,
        "one upload per file: {before:?}\n{}",
        body_text(&browser).await
    );
    for (name, upload) in &before {
        assert_eq!(upload["status"], "UPLOADING", "{name}: {upload}");
        assert_eq!(upload["offset"].as_u64(), Some(CHUNK), "{name}: {upload}");
    }
    let text = progress_text.unwrap_or_default();
    assert!(text.contains("MB of"), "progress names sizes: {text}");
    let pace = pace_text.unwrap_or_default();
    assert!(
        pace.contains("MB/s") || pace.contains("waiting"),
        "progress names a speed: {pace}"
    );
    let drafts = app
        .graphql_ok(
            Some(&admin),
            "query($c: ID!) { videos(first: 10, filter: { channel: $c }) { nodes { id uuid title status visibility } } }",
            json!({ "c": channel_id }),
        )
        .await;
    let mut titles: Vec<&str> = drafts["videos"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["title"].as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(titles, ["first-take", "second-take"], "{drafts}");
    assert!(
        drafts["videos"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["visibility"] == "UNLISTED"),
        "{drafts}"
    );

    // A reload in the middle: the page lists both unfinished uploads and offers to resume.
    browser.client.refresh().await.unwrap();
    wait_for(&browser, "#unfinished-uploads input.resume-file").await;
    let offered = wait_for_js(
        &browser,
        "document.querySelectorAll('#unfinished-uploads li').length === 2",
    )
    .await;
    assert!(offered.is_some(), "{}", body_text(&browser).await);
    log_tus(&browser, false).await;
    for clip in &clips {
        let name = clip.file_name().unwrap().to_str().unwrap();
        let css = format!("#unfinished-uploads li[data-file=\"{name}\"] input.resume-file");
        wait_for(&browser, &css)
            .await
            .send_keys(clip.to_str().unwrap())
            .await
            .unwrap();
    }
    let ready = wait_for_js_within(
        &browser,
        "document.querySelectorAll('#uploads li .state-ready').length === 2",
        Duration::from_secs(240),
    )
    .await;
    let log: Vec<String> =
        serde_json::from_value(js(&browser, "return window.__tus;").await).unwrap();
    let page = body_text(&browser).await;
    screenshots(&browser, "admin-uploads").await;
    browser.close().await;
    assert!(ready.is_some(), "both reach ready: {log:?}\n{page}");

    // After the reload, each upload was asked for its offset, then sent from there: no PATCH
    // at 0, so no byte went twice.
    let after = uploads_by_name(&app, &admin).await;
    for (name, upload) in &before {
        let id = upload["url"].as_str().unwrap().rsplit('/').next().unwrap();
        let mine: Vec<&str> = log
            .iter()
            .filter(|r| r.split(' ').nth(1) == Some(id))
            .map(String::as_str)
            .collect();
        assert_eq!(
            mine.first().copied(),
            Some(format!("HEAD {id}").as_str()),
            "{name}: {log:?}"
        );
        assert_eq!(
            mine.iter().find(|r| r.starts_with("PATCH")).copied(),
            Some(format!("PATCH {id} {CHUNK}").as_str()),
            "{name} resumes from the server's offset: {log:?}"
        );
        assert!(!mine.iter().any(|r| r.starts_with("POST")), "{log:?}");
        let (_, now) = after.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(now["status"], "COMPLETE", "{now}");
        assert_eq!(now["offset"], now["length"], "{now}");
        let clip = clips
            .iter()
            .find(|c| c.file_name().unwrap().to_str() == Some(name))
            .unwrap();
        assert_eq!(
            now["media"]["sha256"].as_str(),
            Some(media::sha256_file(clip).as_str()),
            "{name}: the server holds the file's bytes, each once"
        );
    }
    assert!(
        !log.iter().any(|r| r.starts_with("POST")),
        "no new upload after the reload: {log:?}"
    );
    let videos = app
        .graphql_ok(
            Some(&admin),
            "query($c: ID!) { videos(first: 10, filter: { channel: $c }) { nodes { title status } } }",
            json!({ "c": channel_id }),
        )
        .await;
    let nodes = videos["videos"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2, "{videos}");
    assert!(nodes.iter().all(|v| v["status"] == "READY"), "{videos}");
}
