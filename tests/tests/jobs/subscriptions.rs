//! Subscriptions over WebSocket follow the same rules as POST: every event is checked against
//! what the caller may see, nested fields load as they do over POST, and errors carry a code.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use projector_tests::media::gst_launch;
use projector_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both_databases, spawn_app_with,
};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::support::{draft_video, upload, wait_for};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` (graphql-transport-ws), signed in with `token` when given.
pub(super) async fn connect(app: &TestApp, token: Option<&str>) -> Socket {
    let url = format!("ws://{}/graphql/ws", app.addr);
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
            .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let payload = match token {
        Some(t) => json!({ "authorization": format!("Bearer {t}") }),
        None => json!({}),
    };
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": payload }).to_string(),
    ))
    .await
    .unwrap();
    loop {
        let msg = next_json(&mut ws, Duration::from_secs(10))
            .await
            .expect("connection_ack");
        if msg["type"] == "connection_ack" {
            return ws;
        }
    }
}

async fn subscribe(ws: &mut Socket, query: &str, variables: Value) {
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } })
            .to_string(),
    ))
    .await
    .unwrap();
}

/// The next JSON message, or `None` if none arrives within `wait`.
pub(super) async fn next_json(ws: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(wait, ws.next()).await.ok()??.ok()?;
        if let Ok(text) = msg.to_text()
            && let Ok(v) = serde_json::from_str::<Value>(text)
        {
            return Some(v);
        }
    }
}

pub(super) fn clip(path: &std::path::Path) {
    gst_launch(&format!(
        "videotestsrc num-buffers=50 ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc speed-preset=ultrafast ! h264parse ! mp4mux name=mux ! filesink location={} \
         audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        path.display()
    ));
}

const UPDATED: &str = "subscription($v: ID!) { videoUpdated(videoId: $v) { title visibility status media { hlsUrl } } }";

async fn a_video_made_private_stops_reaching_anonymous_subscribers_while_its_editors_still_hear(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let admin = app.admin_token().await;
    let id = draft_video(&app, &admin).await;
    let file = app.dir.path().join("clip.mp4");
    clip(&file);
    let (_, status) = upload(&app, &admin, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let ready = |v: &Value| v["status"] == "READY" || v["status"] == "FAILED";
    let v = wait_for(&app, &admin, &id, Duration::from_secs(120), ready).await;
    assert_eq!(v["status"], "READY", "{v}");
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "visibility": "PUBLIC" } }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id } }),
    )
    .await;

    // Both subscribe while the video is public.
    let mut anonymous = connect(&app, None).await;
    subscribe(&mut anonymous, UPDATED, json!({ "v": id })).await;
    let mut editor = connect(&app, Some(&admin)).await;
    subscribe(&mut editor, UPDATED, json!({ "v": id })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "visibility": "PRIVATE" } }),
    )
    .await;
    // New media: the worker announces each change of the video while it processes it.
    let (_, status) = upload(&app, &admin, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");

    // The editor hears the changes, with the media loaded as over POST (signed URLs).
    let mut heard = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the editor heard {heard:?}"
        );
        let Some(msg) = next_json(&mut editor, Duration::from_secs(120)).await else {
            panic!("the editor's subscription went quiet after {heard:?}");
        };
        assert_ne!(msg["type"], "error", "{msg}");
        if msg["type"] != "next" {
            continue;
        }
        assert!(msg["payload"].get("errors").is_none(), "{msg}");
        let video = msg["payload"]["data"]["videoUpdated"].clone();
        assert_eq!(video["visibility"], "PRIVATE", "{video}");
        heard.push(video.clone());
        if video["status"] == "READY" {
            let hls = video["media"]["hlsUrl"].as_str().unwrap_or_default();
            assert!(hls.contains("/media/s"), "not a signed URL: {video}");
            break;
        }
    }

    // The anonymous subscriber heard nothing after the video turned private.
    let leaked = next_json(&mut anonymous, Duration::from_secs(2)).await;
    assert!(
        leaked.is_none() || leaked.as_ref().is_some_and(|m| m["type"] == "ping"),
        "a private video reached an anonymous subscriber: {leaked:?}"
    );
}

async fn subscription_errors_carry_the_same_codes_as_over_post(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let admin = app.admin_token().await;
    let id = draft_video(&app, &admin).await;

    // An anonymous caller may not see a draft: NOT_FOUND, as `video(id:)` says over POST.
    let mut anonymous = connect(&app, None).await;
    subscribe(&mut anonymous, UPDATED, json!({ "v": id })).await;
    let msg = next_json(&mut anonymous, Duration::from_secs(10))
        .await
        .unwrap();
    let errors = if msg["type"] == "error" {
        msg["payload"].clone()
    } else {
        msg["payload"]["errors"].clone()
    };
    assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{msg}");

    // A malformed ID and a syntax error get VALIDATION.
    let mut ws = connect(&app, Some(&admin)).await;
    subscribe(&mut ws, UPDATED, json!({ "v": "not an id" })).await;
    let msg = next_json(&mut ws, Duration::from_secs(10)).await.unwrap();
    let errors = if msg["type"] == "error" {
        msg["payload"].clone()
    } else {
        msg["payload"]["errors"].clone()
    };
    assert_eq!(errors[0]["extensions"]["code"], "VALIDATION", "{msg}");

    // Progress is for those who manage the video.
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let mut ws = connect(&app, Some(&viewer)).await;
    subscribe(
        &mut ws,
        "subscription($v: ID) { transcodeProgress(videoId: $v) { percent } }",
        json!({ "v": id }),
    )
    .await;
    let msg = next_json(&mut ws, Duration::from_secs(10)).await.unwrap();
    let errors = if msg["type"] == "error" {
        msg["payload"].clone()
    } else {
        msg["payload"]["errors"].clone()
    };
    let code = errors[0]["extensions"]["code"].as_str().unwrap_or_default();
    assert!(code == "NOT_FOUND" || code == "FORBIDDEN", "{msg}");
}

/// Opens `/graphql/ws` with `protocol`, sends `connection_init` with `authorization`, and
/// returns the first answer: a JSON message, or a close frame as `{"close": code, "reason": …}`.
async fn init_answer(app: &TestApp, protocol: &str, authorization: &str) -> Value {
    let url = format!("ws://{}/graphql/ws", app.addr);
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
            .unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocol.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": { "authorization": authorization } })
            .to_string(),
    ))
    .await
    .unwrap();
    let next = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
    match next.ok().flatten().map(Result::unwrap) {
        Some(Message::Text(text)) => serde_json::from_str(&text).unwrap(),
        Some(Message::Close(Some(frame))) => {
            json!({ "close": u16::from(frame.code), "reason": frame.reason.as_str() })
        }
        other => panic!("no answer to connection_init: {other:?}"),
    }
}

async fn a_refused_connection_init_carries_its_code_like_any_other_error(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    // The older graphql-ws protocol answers with a `connection_error` carrying the error.
    for authorization in [
        "Bearer not-a-token",
        "Bearer prj_revoked",
        "Bearer a\u{1}b",
        "Basic x",
    ] {
        let answer = init_answer(&app, "graphql-ws", authorization).await;
        assert_eq!(
            answer["type"], "connection_error",
            "{authorization}: {answer}"
        );
        assert_eq!(
            answer["payload"]["extensions"]["code"], "UNAUTHENTICATED",
            "{authorization}: {answer}"
        );
        assert!(
            answer["payload"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{authorization}: {answer}"
        );
    }
    // graphql-transport-ws can only close the socket: the reason is the same message.
    let answer = init_answer(&app, "graphql-transport-ws", "Bearer a\u{1}b").await;
    assert_eq!(
        answer["reason"], "malformed Authorization header",
        "{answer}"
    );
    // A good token is still welcome.
    let admin = app.admin_token().await;
    let answer = init_answer(&app, "graphql-ws", &format!("Bearer {admin}")).await;
    assert_eq!(answer["type"], "connection_ack", "{answer}");
}

async fn signing_out_ends_the_subscriptions_the_session_opened(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.workers = 1;
        c.transcode.ladder = vec![240];
    })
    .await;
    let uploader = app.admin_token().await;
    let id = draft_video(&app, &uploader).await;
    // A second session of the same admin follows the draft, then signs out.
    let (access, refresh) = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut ws = connect(&app, Some(&access)).await;
    subscribe(&mut ws, UPDATED, json!({ "v": id })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.graphql_ok(
        Some(&access),
        "mutation($i: RefreshInput!) { logout(input: $i) { ok } }",
        json!({ "i": { "refreshToken": refresh } }),
    )
    .await;

    let file = app.dir.path().join("clip.mp4");
    clip(&file);
    let (_, status) = upload(&app, &uploader, &file, &[("videoId", &id)]).await;
    assert_eq!(status, "complete");
    let ready = |v: &Value| v["status"] == "READY" || v["status"] == "FAILED";
    wait_for(&app, &uploader, &id, Duration::from_secs(120), ready).await;

    // The first change after the logout ends the subscription; nothing of the video is sent.
    let mut ended = false;
    while let Some(msg) = next_json(&mut ws, Duration::from_secs(5)).await {
        assert_ne!(msg["type"], "next", "an ended session still heard: {msg}");
        if msg["type"] == "complete" {
            ended = true;
            break;
        }
    }
    assert!(
        ended,
        "the subscription of an ended session was not completed"
    );
}

both_databases!(
    signing_out_ends_the_subscriptions_the_session_opened,
    a_video_made_private_stops_reaching_anonymous_subscribers_while_its_editors_still_hear,
    subscription_errors_carry_the_same_codes_as_over_post,
    a_refused_connection_init_carries_its_code_like_any_other_error,
);
