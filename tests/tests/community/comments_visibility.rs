//! Comments follow their item's visibility on every path that can show or touch them: the
//! item's thread, `node(id:)`, replies, the moderation queue, and every comment mutation.

use projector_tests::{Backend, both_databases, error_code};
use serde_json::json;

use crate::support::{channel, comment, comments_app, public_video, thread, video, viewer};

const NODE: &str = "query($id: ID!) { node(id: $id) { ... on Comment { id bodyHtml } } }";

async fn comments_on_private_draft_and_unpublished_items_are_unreadable_by_those_who_cannot_see_them(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Hidden").await;
    let outsider = app.user_token("out@example.com", "EDITOR").await;
    let ada = viewer(&app, "ada@example.com").await;
    let private = video(
        &app,
        &admin,
        &ch,
        "Private",
        json!({ "status": "READY", "visibility": "PRIVATE" }),
    )
    .await;
    let draft = video(&app, &admin, &ch, "Draft", json!({})).await;
    let later = video(
        &app,
        &admin,
        &ch,
        "Later",
        json!({ "status": "READY", "publishAt": "2999-01-01T00:00:00Z" }),
    )
    .await;
    for item in [&private, &draft, &later] {
        let id = comment(&app, &admin, item, "Inside").await;
        for token in [None, Some(ada.as_str()), Some(outsider.as_str())] {
            let data = app.graphql_ok(token, NODE, json!({ "id": id })).await;
            assert_eq!(data["node"], serde_json::Value::Null, "{data}");
            assert_eq!(thread(&app, token, item).await, serde_json::Value::Null);
        }
        for token in [&ada, &outsider] {
            let before = app.count("comments").await;
            for (query, input) in [
                (
                    "mutation($i: PostCommentInput!) { postComment(input: $i) { comment { id } } }",
                    json!({ "itemId": item, "body": "Let me in" }),
                ),
                (
                    "mutation($i: PostCommentInput!) { postComment(input: $i) { comment { id } } }",
                    json!({ "itemId": item, "body": "Reply", "parentId": id }),
                ),
                (
                    "mutation($i: EditCommentInput!) { editComment(input: $i) { comment { id } } }",
                    json!({ "id": id, "body": "Changed" }),
                ),
                (
                    "mutation($i: DeleteCommentInput!) { deleteComment(input: $i) { deletedId } }",
                    json!({ "id": id }),
                ),
                (
                    "mutation($i: ReportCommentInput!) { reportComment(input: $i) { comment { id } } }",
                    json!({ "id": id }),
                ),
            ] {
                let answer = app.graphql(Some(token), query, json!({ "i": input })).await;
                assert_eq!(error_code(&answer), Some("NOT_FOUND"), "{query}: {answer}");
            }
            assert_eq!(app.count("comments").await, before);
            assert_eq!(app.count("comment_reports").await, 0);
        }
        // The admin (a member of every channel's view) reads it.
        let data = app
            .graphql_ok(Some(&admin), NODE, json!({ "id": id }))
            .await;
        assert_eq!(data["node"]["id"], id);
    }
}

async fn unpublishing_a_video_hides_its_comments_and_their_replies_everywhere(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Window").await;
    let outsider = app.user_token("out@example.com", "EDITOR").await;
    let v = public_video(&app, &admin, &ch, "Soon gone").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let top = comment(&app, &ada, &v, "Top").await;
    let reply = crate::support::post(&app, &bob, &v, "Reply", Some(&top)).await["data"]
        ["postComment"]["comment"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Reported, so it is in the queue of the channel's moderators only.
    app.graphql_ok(
        Some(&bob),
        "mutation($i: ReportCommentInput!) { reportComment(input: $i) { comment { id } } }",
        json!({ "i": { "id": top } }),
    )
    .await;
    let visible = app.graphql_ok(None, NODE, json!({ "id": reply })).await;
    assert_eq!(visible["node"]["id"], reply);
    app.graphql_ok(
        Some(&admin),
        "mutation($i: PublishVideoInput!) { unpublishVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": v } }),
    )
    .await;
    for token in [None, Some(ada.as_str()), Some(bob.as_str())] {
        for id in [&top, &reply] {
            let data = app.graphql_ok(token, NODE, json!({ "id": id })).await;
            assert_eq!(data["node"], serde_json::Value::Null, "{data}");
        }
        assert_eq!(thread(&app, token, &v).await, serde_json::Value::Null);
    }
    let queue = "{ moderationQueue(first: 100) { nodes { id } } }";
    let data = app.graphql_ok(Some(&outsider), queue, json!({})).await;
    assert_eq!(data["moderationQueue"]["nodes"], json!([]));
    let data = app.graphql_ok(Some(&admin), queue, json!({})).await;
    assert_eq!(data["moderationQueue"]["nodes"], json!([{ "id": top }]));
    // The channel's moderators still read the thread with its replies.
    let t = thread(&app, Some(&admin), &v).await;
    assert_eq!(
        t["comments"]["nodes"][0]["replies"]["nodes"][0]["id"], reply,
        "{t}"
    );
}

both_databases!(
    comments_on_private_draft_and_unpublished_items_are_unreadable_by_those_who_cannot_see_them,
    unpublishing_a_video_hides_its_comments_and_their_replies_everywhere,
);
