//! API tokens with capabilities, channel limits and an expiry: what each token may do over
//! POST, over WebSocket and on tus, and the inputs `createApiToken` refuses.

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use projector_tests::tus::{create as tus_create, metadata};
use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

const CREATE_TOKEN: &str = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id scope capabilities channels { slug } expiresAt expired } } }";
const CREATE_VIDEO: &str =
    "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }";
const UPDATE_VIDEO: &str =
    "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id title } } }";
const VIDEO_TITLE: &str = "query($id: ID!) { video(id: $id) { title } }";

/// Creates a token of `owner` from `input` (name added); returns the secret.
async fn token(app: &TestApp, owner: &str, mut input: Value) -> String {
    input["name"] = json!("t");
    let data = app
        .graphql_ok(Some(owner), CREATE_TOKEN, json!({ "i": input }))
        .await;
    data["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An editor with two channels of their own and a draft video in each, and a channel of the
/// admin's; `(admin, editor, [a, b, c] channel ids, [video in a, video in b])`.
struct World {
    admin: String,
    editor: String,
    channels: [String; 3],
    videos: [String; 2],
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let a = app.create_channel(&editor, "Alpha").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = app.create_channel(&editor, "Beta").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = app.create_channel(&admin, "Gamma").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let va = app.create_video(&editor, &a, "In alpha", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vb = app.create_video(&editor, &b, "In beta", json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    World {
        admin,
        editor,
        channels: [a, b, c],
        videos: [va, vb],
    }
}

async fn each_capability_is_needed_over_post(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let [a, _, _] = &w.channels;
    let new_video = json!({ "i": { "channelId": a, "title": "New" } });

    // Without WRITE, a mutation is FORBIDDEN and nothing is made; reads act as the owner.
    let no_write = token(
        &app,
        &w.editor,
        json!({ "capabilities": ["READ", "UPLOAD"] }),
    )
    .await;
    let videos = app.count("videos").await;
    let body = app
        .graphql(Some(&no_write), CREATE_VIDEO, new_video.clone())
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("WRITE"),
        "{body}"
    );
    assert_eq!(app.count("videos").await, videos);
    let me = app
        .graphql_ok(Some(&no_write), "{ me { email } }", json!({}))
        .await;
    assert_eq!(me["me"]["email"], "ed@example.com");
    let draft = app
        .graphql_ok(Some(&no_write), VIDEO_TITLE, json!({ "id": w.videos[0] }))
        .await;
    assert_eq!(
        draft["video"]["title"], "In alpha",
        "reads what the owner reads"
    );

    // With WRITE and without READ, writes work and reads are FORBIDDEN.
    let write_only = token(&app, &w.editor, json!({ "capabilities": ["WRITE"] })).await;
    app.graphql_ok(Some(&write_only), CREATE_VIDEO, new_video.clone())
        .await;
    assert_eq!(app.count("videos").await, videos + 1);
    let body = app
        .graphql(Some(&write_only), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    // A fragment does not hide a root field from the check.
    let body = app
        .graphql(
            Some(&no_write),
            "mutation { ...M } fragment M on MutationRoot { createChannel(input: { name: \"X\" }) { channel { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(app.count("channels").await, 3);

    // Uploads over GraphQL need UPLOAD.
    let (_, body) = app
        .graphql_multipart(
            &write_only,
            "mutation($i: UploadImageInput!, $file: Upload!) { uploadImage(input: $i, file: $file) { url } }",
            json!({ "i": { "target": "CHANNEL_AVATAR", "id": a } }),
            "file",
            "a.png",
            b"not a png".to_vec(),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Webhooks need WEBHOOKS, and only an admin's token may have it.
    let admin_writer = token(&app, &w.admin, json!({ "capabilities": ["READ", "WRITE"] })).await;
    let hooks = app.count("webhook_endpoints").await;
    let create_hook = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }";
    let hook = json!({ "i": { "url": "https://192.0.2.1/hook", "eventTypes": ["video.created"] } });
    let body = app
        .graphql(Some(&admin_writer), create_hook, hook.clone())
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app
        .graphql(
            Some(&admin_writer),
            "{ webhookEndpoints { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(app.count("webhook_endpoints").await, hooks);
    let hooker = token(&app, &w.admin, json!({ "capabilities": ["WEBHOOKS"] })).await;
    app.graphql_ok(Some(&hooker), create_hook, hook).await;
    assert_eq!(app.count("webhook_endpoints").await, hooks + 1);
    let body = app.graphql(Some(&hooker), CREATE_VIDEO, new_video).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
}

/// Runs one operation over a graphql-transport-ws connection opened with `token`; returns the
/// response (`{data, errors}`), or `Err` with the close reason when the connection is refused.
async fn over_websocket(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    let mut subscribed = false;
    let answer = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(msg)) = ws.next().await {
            match msg {
                Message::Text(text) => {
                    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if v["type"] == "connection_ack" && !subscribed {
                        subscribed = true;
                        let op = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables.clone() } });
                        ws.send(Message::text(op.to_string())).await.unwrap();
                    } else if v["type"] == "next" {
                        return Ok(v["payload"].clone());
                    }
                }
                Message::Close(frame) => {
                    return Err(frame.map(|f| f.reason.to_string()).unwrap_or_default());
                }
                _ => {}
            }
        }
        Err("closed".to_string())
    })
    .await;
    answer.unwrap_or_else(|_| Err("timed out".into()))
}

async fn capabilities_hold_over_websocket(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let new_video = json!({ "i": { "channelId": w.channels[0], "title": "Over ws" } });
    let videos = app.count("videos").await;

    let reader = token(
        &app,
        &w.editor,
        json!({ "capabilities": ["READ", "UPLOAD"] }),
    )
    .await;
    let body = over_websocket(&app, &reader, CREATE_VIDEO, new_video.clone())
        .await
        .unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(app.count("videos").await, videos);
    let body = over_websocket(&app, &reader, "{ me { email } }", json!({}))
        .await
        .unwrap();
    assert_eq!(body["data"]["me"]["email"], "ed@example.com", "{body}");

    let writer = token(&app, &w.editor, json!({ "capabilities": ["WRITE"] })).await;
    let body = over_websocket(&app, &writer, CREATE_VIDEO, new_video)
        .await
        .unwrap();
    assert!(
        body["data"]["createVideo"]["video"]["id"].is_string(),
        "{body}"
    );
    assert_eq!(app.count("videos").await, videos + 1);
    let body = over_websocket(&app, &writer, "{ me { email } }", json!({}))
        .await
        .unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = over_websocket(
        &app,
        &writer,
        "subscription($v: ID!) { videoUpdated(videoId: $v) { id } }",
        json!({ "v": w.videos[0] }),
    )
    .await
    .unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    let admin_writer = token(&app, &w.admin, json!({ "capabilities": ["READ", "WRITE"] })).await;
    let body = over_websocket(&app, &admin_writer, "{ webhookEventTypes }", json!({}))
        .await
        .unwrap();
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let hooker = token(&app, &w.admin, json!({ "capabilities": ["WEBHOOKS"] })).await;
    let body = over_websocket(&app, &hooker, "{ webhookEventTypes }", json!({}))
        .await
        .unwrap();
    assert!(body["data"]["webhookEventTypes"].is_array(), "{body}");
}

async fn tus_uploads_need_the_upload_capability(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let meta = metadata(&[("filename", "a.mp4"), ("videoId", &w.videos[0])]);
    let uploads = app.count("uploads").await;

    let writer = token(
        &app,
        &w.editor,
        json!({ "capabilities": ["READ", "WRITE"] }),
    )
    .await;
    let res = tus_create(&app, &writer, 10, &meta).await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("uploads").await, uploads);

    let uploader = token(&app, &w.editor, json!({ "capabilities": ["UPLOAD"] })).await;
    let res = tus_create(&app, &uploader, 10, &meta).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    assert_eq!(app.count("uploads").await, uploads + 1);
}

async fn a_channel_limited_token_changes_only_its_channels(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let [a, b, _] = &w.channels;
    let [va, vb] = &w.videos;
    let data = app
        .graphql_ok(
            Some(&w.editor),
            CREATE_TOKEN,
            json!({ "i": { "name": "alpha only", "capabilities": ["READ", "WRITE", "UPLOAD"], "channelIds": [a] } }),
        )
        .await;
    assert_eq!(
        data["createApiToken"]["apiToken"]["channels"],
        json!([{ "slug": "alpha" }])
    );
    let limited = data["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();

    // An update inside its channel works; elsewhere it is FORBIDDEN and changes nothing.
    let body = app
        .graphql_ok(
            Some(&limited),
            UPDATE_VIDEO,
            json!({ "i": { "id": va, "title": "Renamed" } }),
        )
        .await;
    assert_eq!(body["updateVideo"]["video"]["title"], "Renamed");
    let body = app
        .graphql(
            Some(&limited),
            UPDATE_VIDEO,
            json!({ "i": { "id": vb, "title": "Renamed" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    // Reads are not limited: the owner's draft in the other channel still shows.
    let other = app
        .graphql_ok(Some(&limited), VIDEO_TITLE, json!({ "id": vb }))
        .await;
    assert_eq!(other["video"]["title"], "In beta");

    // Creating in another channel (or a channel at all) is FORBIDDEN and makes nothing.
    let videos = app.count("videos").await;
    let body = app
        .graphql(
            Some(&limited),
            CREATE_VIDEO,
            json!({ "i": { "channelId": b, "title": "No" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app
        .graphql(
            Some(&limited),
            "mutation { createChannel(input: { name: \"Delta\" }) { channel { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(app.count("videos").await, videos);
    assert_eq!(app.count("channels").await, 3);
    app.graphql_ok(
        Some(&limited),
        CREATE_VIDEO,
        json!({ "i": { "channelId": a, "title": "Yes" } }),
    )
    .await;
    assert_eq!(app.count("videos").await, videos + 1);

    // An upload into the other channel is refused; into its own, accepted.
    let uploads = app.count("uploads").await;
    let into = |channel: &str| metadata(&[("filename", "a.mp4"), ("channelId", channel)]);
    let res = tus_create(&app, &limited, 10, &into(b.as_str())).await;
    assert_eq!(res.status(), 403);
    let res = tus_create(
        &app,
        &limited,
        10,
        &metadata(&[("filename", "a.mp4"), ("videoId", vb)]),
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("uploads").await, uploads);
    assert_eq!(app.count("videos").await, videos + 1);
    let res = tus_create(&app, &limited, 10, &into(a.as_str())).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    assert_eq!(app.count("uploads").await, uploads + 1);

    // Never more than its owner: an owner made a viewer can no longer change the channel,
    // and neither can the token.
    let me = app
        .graphql_ok(Some(&w.editor), "{ me { id } }", json!({}))
        .await;
    app.graphql_ok(
        Some(&w.admin),
        "mutation($i: SetUserRoleInput!) { setUserRole(input: $i) { user { role } } }",
        json!({ "i": { "id": me["me"]["id"], "role": "VIEWER" } }),
    )
    .await;
    let body = app
        .graphql(
            Some(&limited),
            UPDATE_VIDEO,
            json!({ "i": { "id": va, "title": "Again" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let title = app
        .graphql_ok(Some(&w.admin), VIDEO_TITLE, json!({ "id": va }))
        .await;
    assert_eq!(title["video"]["title"], "Renamed");
}

async fn an_expired_token_is_refused_like_a_revoked_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    let data = app
        .graphql_ok(
            Some(&w.editor),
            CREATE_TOKEN,
            json!({ "i": { "name": "brief", "capabilities": ["READ", "WRITE", "UPLOAD"], "expiresAt": soon } }),
        )
        .await;
    assert_eq!(data["createApiToken"]["apiToken"]["expired"], false);
    let brief = data["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.graphql_ok(Some(&brief), "{ me { email } }", json!({}))
            .await["me"]["email"],
        "ed@example.com"
    );
    // A WebSocket opened before the expiry ...
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {brief}") } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");

    tokio::time::sleep(Duration::from_millis(3500)).await;
    let (status, body) = app
        .graphql_raw(Some(&brief), "{ me { email } }", json!({}))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (401, Some("UNAUTHENTICATED")),
        "{body}"
    );
    let res = tus_create(&app, &brief, 10, &metadata(&[("videoId", &w.videos[0])])).await;
    assert_eq!(res.status(), 401);
    assert!(
        over_websocket(&app, &brief, "{ me { email } }", json!({}))
            .await
            .is_err()
    );
    // ... is refused at its next operation.
    let op = json!({ "id": "1", "type": "subscribe", "payload": { "query": CREATE_VIDEO, "variables": { "i": { "channelId": w.channels[0], "title": "Late" } } } });
    let videos = app.count("videos").await;
    ws.send(Message::text(op.to_string())).await.unwrap();
    let next = loop {
        let msg = ws.next().await.unwrap().unwrap();
        let v: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap_or(Value::Null);
        if v["type"] == "next" {
            break v["payload"].clone();
        }
    };
    assert_eq!(error_code(&next), Some("UNAUTHENTICATED"), "{next}");
    assert_eq!(app.count("videos").await, videos);
    // The list says so.
    let list = app
        .graphql_ok(
            Some(&w.editor),
            "{ apiTokens { name expired expiresAt } }",
            json!({}),
        )
        .await;
    assert_eq!(list["apiTokens"][0]["name"], "brief");
    assert_eq!(list["apiTokens"][0]["expired"], true);
}

async fn the_legacy_scope_still_means_what_it_meant(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let mut made = Vec::new();
    for scope in ["READ", "WRITE"] {
        let data = app
            .graphql_ok(
                Some(&w.editor),
                CREATE_TOKEN,
                json!({ "i": { "name": scope, "scope": scope } }),
            )
            .await;
        made.push(data["createApiToken"].clone());
    }
    assert_eq!(made[0]["apiToken"]["capabilities"], json!(["READ"]));
    assert_eq!(made[0]["apiToken"]["scope"], "READ");
    assert_eq!(
        made[1]["apiToken"]["capabilities"],
        json!(["READ", "WRITE", "UPLOAD"])
    );
    assert_eq!(made[1]["apiToken"]["scope"], "WRITE");
    assert_eq!(made[1]["apiToken"]["channels"], Value::Null);
    assert_eq!(made[1]["apiToken"]["expiresAt"], Value::Null);
    let read = made[0]["token"].as_str().unwrap();
    let write = made[1]["token"].as_str().unwrap();
    // READ reads as an anonymous visitor and writes nothing: a valid credential used outside its
    // capabilities is FORBIDDEN, as tus says with its 403.
    assert_eq!(
        app.graphql_ok(Some(read), "{ me { email } }", json!({}))
            .await["me"],
        Value::Null
    );
    let draft = app
        .graphql_ok(Some(read), VIDEO_TITLE, json!({ "id": w.videos[0] }))
        .await;
    assert_eq!(draft["video"], Value::Null);
    let new_video = json!({ "i": { "channelId": w.channels[0], "title": "Legacy" } });
    let body = app
        .graphql(Some(read), CREATE_VIDEO, new_video.clone())
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("createVideo") && m.contains("WRITE")),
        "the refusal names the field and the capability: {body}"
    );
    let res = tus_create(&app, read, 10, &metadata(&[("videoId", &w.videos[0])])).await;
    assert_eq!(res.status(), 403);
    // WRITE acts as its owner, tus uploads included.
    app.graphql_ok(Some(write), CREATE_VIDEO, new_video).await;
    let res = tus_create(&app, write, 10, &metadata(&[("videoId", &w.videos[0])])).await;
    assert_eq!(res.status(), 201);
}

async fn bad_token_inputs_are_refused_and_create_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let [a, _, c] = &w.channels;
    let unknown = projector_api::graphql::relay::to_global("Channel", uuid::Uuid::now_v7()).0;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let too_far = (chrono::Utc::now() + chrono::Duration::days(366)).to_rfc3339();
    let cases = [
        (
            "empty capabilities",
            json!({ "capabilities": [] }),
            "capabilities",
        ),
        ("neither capabilities nor scope", json!({}), "capabilities"),
        (
            "scope and capabilities",
            json!({ "scope": "READ", "capabilities": ["READ"] }),
            "not both",
        ),
        (
            "an unknown channel",
            json!({ "capabilities": ["WRITE"], "channelIds": [unknown] }),
            "channelIds",
        ),
        (
            "not a channel ID",
            json!({ "capabilities": ["WRITE"], "channelIds": [w.videos[0]] }),
            "channelIds",
        ),
        (
            "no channel",
            json!({ "capabilities": ["WRITE"], "channelIds": [] }),
            "channelIds",
        ),
        (
            "a channel the owner cannot edit",
            json!({ "capabilities": ["WRITE"], "channelIds": [a, c] }),
            "gamma",
        ),
        (
            "an expiry in the past",
            json!({ "capabilities": ["READ"], "expiresAt": past }),
            "expiresAt",
        ),
        (
            "an expiry over a year ahead",
            json!({ "capabilities": ["READ"], "expiresAt": too_far }),
            "expiresAt",
        ),
        (
            "WEBHOOKS for a non-admin",
            json!({ "capabilities": ["READ", "WEBHOOKS"] }),
            "WEBHOOKS",
        ),
    ];
    let before = app.count("api_tokens").await;
    for (what, mut input, says) in cases {
        input["name"] = json!("bad");
        let body = app
            .graphql(Some(&w.editor), CREATE_TOKEN, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{what}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{what}: {message}");
    }
    assert_eq!(app.count("api_tokens").await, before);
}

/// `projector token create` makes the same tokens as `createApiToken`, and refuses what it
/// refuses, creating nothing.
async fn a_token_made_on_the_command_line_keeps_to_its_capabilities_channels_and_expiry(
    backend: Backend,
) {
    use projector_api::cli::{NewToken, create_token};
    let app = spawn_app(backend).await;
    let w = world(&app).await;
    let alpha = app
        .graphql_ok(
            Some(&w.admin),
            "query($id: ID!) { node(id: $id) { ... on Channel { slug } } }",
            json!({ "id": w.channels[0] }),
        )
        .await["node"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let new = NewToken {
        name: "from the shell".into(),
        capabilities: Some("read, WRITE,upload".into()),
        channels: vec![alpha.clone()],
        expires_in_days: Some(30),
        owner: Some("ed@example.com".into()),
        ..NewToken::default()
    };
    let (_, secret) = create_token(&app.config, &new).await.unwrap();
    let in_alpha =
        json!({ "i": { "channelId": w.channels[0], "title": "Made by the CLI's token" } });
    app.graphql_ok(Some(&secret), CREATE_VIDEO, in_alpha).await;
    let in_beta = json!({ "i": { "channelId": w.channels[1], "title": "Not here" } });
    let body = app.graphql(Some(&secret), CREATE_VIDEO, in_beta).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let listed = app
        .graphql_ok(
            Some(&w.editor),
            "{ apiTokens { name capabilities channels { slug } expiresAt } }",
            json!({}),
        )
        .await;
    let made = listed["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "from the shell")
        .cloned()
        .unwrap();
    assert_eq!(made["capabilities"], json!(["READ", "WRITE", "UPLOAD"]));
    assert_eq!(made["channels"], json!([{ "slug": alpha }]));
    let expires =
        chrono::DateTime::parse_from_rfc3339(made["expiresAt"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((29.9..=30.0).contains(&days), "{days} days");

    let tokens = app.count("api_tokens").await;
    let bad = [
        NewToken {
            capabilities: Some("read,fly".into()),
            ..new.clone()
        },
        NewToken {
            capabilities: None,
            scope: None,
            ..new.clone()
        },
        NewToken {
            expires_in_days: Some(0),
            ..new.clone()
        },
        NewToken {
            expires_in_days: Some(366),
            ..new.clone()
        },
        NewToken {
            channels: vec!["no-such-channel".into()],
            ..new.clone()
        },
        // Only an admin's token may manage webhooks.
        NewToken {
            capabilities: Some("webhooks".into()),
            ..new.clone()
        },
        NewToken {
            name: " ".into(),
            ..new.clone()
        },
        NewToken {
            owner: Some("nobody@example.com".into()),
            ..new.clone()
        },
    ];
    for request in bad {
        let refused = create_token(&app.config, &request).await;
        assert!(refused.is_err(), "{request:?} was accepted");
    }
    assert_eq!(app.count("api_tokens").await, tokens, "nothing was created");
}

both_databases!(
    each_capability_is_needed_over_post,
    capabilities_hold_over_websocket,
    tus_uploads_need_the_upload_capability,
    a_channel_limited_token_changes_only_its_channels,
    an_expired_token_is_refused_like_a_revoked_one,
    the_legacy_scope_still_means_what_it_meant,
    bad_token_inputs_are_refused_and_create_nothing,
    a_token_made_on_the_command_line_keeps_to_its_capabilities_channels_and_expiry,
);
