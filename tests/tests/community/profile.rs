//! One's own account: display name, avatar, password and deleting it. Each change is made as
//! the user does it (through the API with their session), and checked from the outside: the
//! name on their comments, the avatar's bytes behind its URL, signing in with the new password,
//! the counts after the account is gone.

use projector_tests::{Backend, TestApp, both_databases};
use serde_json::{Value, json};

use crate::support::{comment, comments_app, eventually, public_video, thread, user_id, viewer};

const ME: &str = "{ me { id displayName avatarUrl } }";
const UPDATE: &str =
    "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { displayName } } }";
const CHANGE: &str =
    "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken refreshToken } }";
const DELETE: &str = "mutation($i: DeleteAccountInput!) { deleteAccount(input: $i) { deletedId } }";
const AVATAR: &str =
    "mutation($i: UploadImageInput!, $f: Upload!) { uploadImage(input: $i, file: $f) { assetId } }";
const PASSWORD: &str = "a quiet river 42";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

fn png(app: &TestApp, name: &str) -> Vec<u8> {
    let path = app.dir.path().join(name);
    projector_tests::media::png(&path);
    std::fs::read(path).unwrap()
}

/// The status and response of a URL the API handed out (it names the public URL; the test
/// server listens elsewhere).
async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    let url = url.replacen(
        app.config.public_url.as_str().trim_end_matches('/'),
        &app.base,
        1,
    );
    app.client.get(&url).send().await.unwrap()
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.graphql_ok(Some(token), ME, json!({})).await["me"].clone()
}

async fn set_avatar(app: &TestApp, token: &str, user: &str, bytes: Vec<u8>) -> (u16, Value) {
    app.graphql_multipart(
        token,
        AVATAR,
        json!({ "i": { "target": "USER_AVATAR", "id": user } }),
        "f",
        "me.png",
        bytes,
    )
    .await
}

async fn a_viewer_renames_themself_and_their_comments_show_the_new_name(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = crate::support::channel(&app, &admin, "Names").await;
    let video = public_video(&app, &admin, &ch, "Named").await;
    let ada = viewer(&app, "ada@example.com").await;
    comment(&app, &ada, &video, "First!").await;
    // Read once anonymously, so that a stale public answer would be served if the rename did
    // not empty the cache.
    let before = thread(&app, None, &video).await;
    assert_eq!(
        before["comments"]["nodes"][0]["authorName"],
        "ada@example.com"
    );

    let renamed = app
        .graphql_ok(
            Some(&ada),
            UPDATE,
            json!({ "i": { "displayName": "  Ada L.  " } }),
        )
        .await;
    assert_eq!(renamed["updateProfile"]["user"]["displayName"], "Ada L.");
    assert_eq!(me(&app, &ada).await["displayName"], "Ada L.");
    let after = thread(&app, None, &video).await;
    assert_eq!(after["comments"]["nodes"][0]["authorName"], "Ada L.");

    // Bad names change nothing.
    for bad in ["", "   ", &"n".repeat(101), "tab\tname"] {
        let body = app
            .graphql(Some(&ada), UPDATE, json!({ "i": { "displayName": bad } }))
            .await;
        assert_eq!(code(&body), "VALIDATION", "{bad:?}: {body}");
    }
    assert_eq!(me(&app, &ada).await["displayName"], "Ada L.");
    // Not without a session.
    let body = app
        .graphql(None, UPDATE, json!({ "i": { "displayName": "Nobody" } }))
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
}

async fn a_viewer_sets_an_avatar_whose_url_serves_it_and_nobody_else_can_change_it(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = crate::support::channel(&app, &admin, "Faces").await;
    let video = public_video(&app, &admin, &ch, "Faces").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let ada_id = user_id(&app, &admin, "ada@example.com").await;
    assert_eq!(me(&app, &ada).await["avatarUrl"], Value::Null);

    let (status, body) = set_avatar(&app, &ada, &ada_id, png(&app, "a.png")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let url = me(&app, &ada).await["avatarUrl"]
        .as_str()
        .expect("an avatar URL")
        .to_string();
    // Anyone fetches the picture behind it: a PNG.
    let fetched = fetch(&app, &url).await;
    assert_eq!(fetched.status(), 200, "{url}");
    assert_eq!(fetched.headers()["content-type"], "image/png");
    let bytes = fetched.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "{} bytes", bytes.len());
    // It shows beside their comments.
    comment(&app, &ada, &video, "With a face").await;
    let comments = app
        .graphql_ok(
            None,
            "query($id: ID!) { video(id: $id) { comments(first: 5) { nodes { authorAvatarUrl } } } }",
            json!({ "id": video }),
        )
        .await;
    assert_eq!(
        comments["video"]["comments"]["nodes"][0]["authorAvatarUrl"],
        json!(url)
    );

    // Another viewer cannot set it, nor can a stranger; a file that is no picture is refused.
    let (_, body) = set_avatar(&app, &bob, &ada_id, png(&app, "b.png")).await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let (_, body) = app
        .graphql_multipart(
            "",
            AVATAR,
            json!({ "i": { "target": "USER_AVATAR", "id": ada_id } }),
            "f",
            "me.png",
            png(&app, "c.png"),
        )
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    let (_, body) = set_avatar(&app, &ada, &ada_id, b"<html>not a picture</html>".to_vec()).await;
    assert_eq!(code(&body), "UNSUPPORTED_MEDIA", "{body}");
    // A viewer still cannot set a channel's picture.
    let (_, body) = app
        .graphql_multipart(
            &ada,
            AVATAR,
            json!({ "i": { "target": "CHANNEL_AVATAR", "id": ch } }),
            "f",
            "ch.png",
            png(&app, "d.png"),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    assert_eq!(me(&app, &ada).await["avatarUrl"], json!(url), "unchanged");

    // A new avatar replaces the old one, whose URL stops serving.
    let (_, body) = set_avatar(&app, &ada, &ada_id, png(&app, "e.png")).await;
    assert!(body.get("errors").is_none(), "{body}");
    let new_url = me(&app, &ada).await["avatarUrl"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_url, url);
    assert_eq!(fetch(&app, &new_url).await.status(), 200);
    assert_eq!(fetch(&app, &url).await.status(), 404);
}

async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let ada = viewer(&app, "ada@example.com").await;
    let (other, _) = app.login("ada@example.com", PASSWORD).await;

    for (current, new, why) in [
        (
            "wrong password",
            "a new river 43",
            "a wrong current password",
        ),
        (PASSWORD, "short", "a short new password"),
        (PASSWORD, "password", "a common new password"),
    ] {
        let body = app
            .graphql(
                Some(&ada),
                CHANGE,
                json!({ "i": { "currentPassword": current, "newPassword": new } }),
            )
            .await;
        assert_eq!(code(&body), "VALIDATION", "{why}: {body}");
    }
    // Nothing changed: the old password still signs in.
    app.login("ada@example.com", PASSWORD).await;

    let changed = app
        .graphql_ok(
            Some(&ada),
            CHANGE,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "a new river 43" } }),
        )
        .await;
    let fresh = changed["changePassword"]["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    // The new session works; the old ones, here and on the other device, do not.
    assert_eq!(me(&app, &fresh).await["displayName"], "ada@example.com");
    for old in [&ada, &other] {
        let body = app.graphql(Some(old), ME, json!({})).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    let body = app
        .graphql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": "ada@example.com", "password": PASSWORD } }),
        )
        .await;
    assert!(
        body.get("errors").is_some(),
        "the old password is refused: {body}"
    );
    app.login("ada@example.com", "a new river 43").await;
}

async fn a_viewer_deletes_their_account_and_leaves_anonymous_comments_and_no_likes(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = crate::support::channel(&app, &admin, "Leaving").await;
    let video = public_video(&app, &admin, &ch, "Goodbye").await;
    let ada = viewer(&app, "ada@example.com").await;
    let ada_id = user_id(&app, &admin, "ada@example.com").await;
    let (_, body) = set_avatar(&app, &ada, &ada_id, png(&app, "a.png")).await;
    assert!(body.get("errors").is_none(), "{body}");
    let avatar = me(&app, &ada).await["avatarUrl"]
        .as_str()
        .unwrap()
        .to_string();
    comment(&app, &ada, &video, "So long").await;
    app.graphql_ok(
        Some(&ada),
        "mutation($i: LikeVideoInput!) { likeVideo(input: $i) { video { id } } }",
        json!({ "i": { "videoId": video } }),
    )
    .await;
    app.graphql_ok(
        Some(&ada),
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": ch } }),
    )
    .await;
    let counts = "query($v: ID!, $c: ID!) { video(id: $v) { likeCount } channel(id: $c) { subscriberCount } }";
    let vars = json!({ "v": video, "c": ch });
    eventually(
        &app,
        None,
        counts,
        vars.clone(),
        &["video", "likeCount"],
        json!(1),
    )
    .await;

    // A wrong password, or an editor deleting themself, changes nothing.
    let body = app
        .graphql(Some(&ada), DELETE, json!({ "i": { "password": "wrong" } }))
        .await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    let body = app
        .graphql(
            Some(&admin),
            DELETE,
            json!({ "i": { "password": "wrong" } }),
        )
        .await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
    assert_eq!(me(&app, &ada).await["id"], json!(ada_id));

    let deleted = app
        .graphql_ok(Some(&ada), DELETE, json!({ "i": { "password": PASSWORD } }))
        .await;
    assert_eq!(deleted["deleteAccount"]["deletedId"], json!(ada_id));
    // Signed out at once; cannot sign in; the comment stays without an author; the counts drop.
    let body = app.graphql(Some(&ada), ME, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    let body = app
        .graphql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": "ada@example.com", "password": PASSWORD } }),
        )
        .await;
    assert!(body.get("errors").is_some(), "{body}");
    let after = thread(&app, None, &video).await;
    assert_eq!(after["commentCount"], 1, "{after}");
    assert_eq!(after["comments"]["nodes"][0]["authorName"], Value::Null);
    eventually(
        &app,
        None,
        counts,
        vars.clone(),
        &["video", "likeCount"],
        json!(0),
    )
    .await;
    eventually(
        &app,
        None,
        counts,
        vars,
        &["channel", "subscriberCount"],
        json!(0),
    )
    .await;
    assert_eq!(fetch(&app, &avatar).await.status(), 404);
}

async fn editors_and_admins_cannot_delete_their_own_account(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let users = app.count("users").await;
    for (token, password) in [
        (&admin, projector_tests::ADMIN_PASSWORD),
        (&editor, "password-1234"),
    ] {
        let body = app
            .graphql(
                Some(token),
                DELETE,
                json!({ "i": { "password": password } }),
            )
            .await;
        assert_eq!(code(&body), "CONFLICT", "refused: {body}");
    }
    assert_eq!(app.count("users").await, users);
}

both_databases!(a_viewer_renames_themself_and_their_comments_show_the_new_name);
both_databases!(a_viewer_sets_an_avatar_whose_url_serves_it_and_nobody_else_can_change_it);
both_databases!(changing_the_password_needs_the_current_one_and_ends_the_other_sessions);
both_databases!(a_viewer_deletes_their_account_and_leaves_anonymous_comments_and_no_likes);
both_databases!(editors_and_admins_cannot_delete_their_own_account);
