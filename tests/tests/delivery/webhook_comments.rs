//! Webhooks for comments: `comment.created`, `comment.updated` (an edit, or a moderator's
//! change of status) and `comment.deleted`, signed; a refused change and an approval that
//! changes nothing send none.

use std::time::Duration;

use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use serde_json::{Value, json};

use crate::receiver::{Behaviour, Receiver, signed_with};
use crate::webhooks::{endpoint, fast};

const COMMENT_EVENTS: &[&str] = &["comment.created", "comment.updated", "comment.deleted"];

async fn call(app: &TestApp, token: &str, mutation: &str, input: &str, i: Value) -> Value {
    app.graphql(
        Some(token),
        &format!("mutation($i: {input}!) {{ {mutation}(input: $i) {{ __typename }} }}"),
        json!({ "i": i }),
    )
    .await
}

async fn a_comment_sends_created_updated_for_each_real_change_and_deleted(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        fast(c);
        c.accounts.comment_after_secs = 0;
    })
    .await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let (_, secret) = endpoint(&app, &admin, &receiver.url, COMMENT_EVENTS).await;
    let channel = app.create_channel(&admin, "Talk").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let video = app
        .create_video(
            &admin,
            &channel,
            "Talked about",
            json!({ "publishAt": "2020-01-01T00:00:00Z" }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.set_media_status(&video, "READY").await;

    let posted = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: PostCommentInput!) { postComment(input: $i) { comment { id } } }",
            json!({ "i": { "itemId": video, "body": "First!" } }),
        )
        .await;
    let id = posted["postComment"]["comment"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edited = call(
        &app,
        &admin,
        "editComment",
        "EditCommentInput",
        json!({ "id": id, "body": "Second thoughts" }),
    )
    .await;
    assert!(edited.get("errors").is_none(), "{edited}");
    // Refused: an empty body changes nothing and sends nothing.
    let refused = call(
        &app,
        &admin,
        "editComment",
        "EditCommentInput",
        json!({ "id": id, "body": "" }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "VALIDATION",
        "{refused}"
    );
    for mutation in ["rejectComments", "approveComments", "approveComments"] {
        let answer = call(
            &app,
            &admin,
            mutation,
            "ModerateCommentsInput",
            json!({ "ids": [id] }),
        )
        .await;
        assert!(answer.get("errors").is_none(), "{answer}");
    }
    let deleted = call(
        &app,
        &admin,
        "deleteComment",
        "DeleteCommentInput",
        json!({ "id": id }),
    )
    .await;
    assert!(deleted.get("errors").is_none(), "{deleted}");

    let got = receiver.wait_for(5).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_all = receiver.received();
    assert_eq!(
        got_all.len(),
        5,
        "the second approval changed nothing: {got_all:?}"
    );
    assert!(
        got.iter().all(|r| signed_with(r, &secret)),
        "every event signed"
    );
    let events: Vec<Value> = got.iter().map(|r| r.json()).collect();
    // Compared as a set: two events of one millisecond may arrive in either order.
    let mut seen: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["data"]["body"].as_str().unwrap(),
                e["data"]["status"].as_str().unwrap(),
            )
        })
        .collect();
    seen.sort_unstable();
    let mut expected = [
        ("comment.created", "First!", "PUBLISHED"),
        // The edit, the rejection, the approval (the second approval sent nothing).
        ("comment.updated", "Second thoughts", "PUBLISHED"),
        ("comment.updated", "Second thoughts", "REJECTED"),
        ("comment.updated", "Second thoughts", "PUBLISHED"),
        ("comment.deleted", "Second thoughts", "PUBLISHED"),
    ];
    expected.sort_unstable();
    assert_eq!(seen, expected);
    for e in &events {
        assert_eq!(e["data"]["id"], id.as_str());
        assert_eq!(e["data"]["itemId"], video.as_str());
        assert!(e["data"]["authorId"].is_string(), "{e}");
    }
}

both_databases!(a_comment_sends_created_updated_for_each_real_change_and_deleted);
