//! Posting comments: Markdown-lite rendered once and sanitised, one level of replies, edits
//! and deletes by their author, counts kept on the item; every bad input refused with its
//! code and nothing changed; the per-user rate limit under 16 concurrent posts.

use projector_tests::{Backend, both_databases, error_code, spawn_app_with};
use serde_json::json;

use crate::support::{
    channel, comment, comments_app, ids, post, public_episode, public_video, sql, thread, viewer,
};

const EDIT: &str =
    "mutation($i: EditCommentInput!) { editComment(input: $i) { comment { id body bodyHtml } } }";
const DELETE: &str = "mutation($i: DeleteCommentInput!) { deleteComment(input: $i) { deletedId } }";

async fn a_viewer_comments_and_everyone_reads_the_sanitised_comment_and_the_count(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Talk").await;
    let v = public_video(&app, &admin, &ch, "Talked about").await;
    let ada = viewer(&app, "ada@example.com").await;
    let answer = post(
        &app,
        &ada,
        &v,
        "  I *like* it, see [my site](https://ada.example) and `<b>` ",
        None,
    )
    .await;
    let c = &answer["data"]["postComment"]["comment"];
    assert_eq!(c["status"], "PUBLISHED", "{answer}");
    assert_eq!(
        c["body"],
        "I *like* it, see [my site](https://ada.example) and `<b>`"
    );
    assert_eq!(c["viewerIsAuthor"], true);
    let html = c["bodyHtml"].as_str().unwrap();
    assert!(html.contains("<em>like</em>"), "{html}");
    assert!(
        html.contains(r#"<a href="https://ada.example" rel="nofollow ugc noopener">my site</a>"#),
        "{html}"
    );
    assert!(html.contains("<code>&lt;b&gt;</code>"), "{html}");
    for token in [None, Some(ada.as_str())] {
        let t = thread(&app, token, &v).await;
        assert_eq!(t["commentCount"], 1, "{t}");
        assert_eq!(t["comments"]["nodes"][0]["bodyHtml"], html);
        assert_eq!(t["comments"]["nodes"][0]["authorName"], "ada@example.com");
    }
    // Episodes take comments the same way.
    let e = public_episode(&app, &admin, &ch, "Talked episode").await;
    comment(&app, &ada, &e, "On an episode").await;
    let data = app
        .graphql_ok(
            None,
            "query($id: ID!) { episode(id: $id) { commentCount comments { nodes { body } } } }",
            json!({ "id": e }),
        )
        .await;
    assert_eq!(data["episode"]["commentCount"], 1, "{data}");
    assert_eq!(
        data["episode"]["comments"]["nodes"][0]["body"],
        "On an episode"
    );
}

async fn bad_bodies_replies_to_replies_and_comments_off_are_refused_and_change_nothing(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Strict").await;
    let v = public_video(&app, &admin, &ch, "Strict video").await;
    let ada = viewer(&app, "ada@example.com").await;
    let top = comment(&app, &ada, &v, "Top").await;
    let reply = post(&app, &ada, &v, "A reply", Some(&top)).await["data"]["postComment"]["comment"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = thread(&app, None, &v).await;
    assert_eq!(before["commentCount"], 2, "{before}");
    assert_eq!(before["comments"]["nodes"][0]["replyCount"], 1);
    let long = "x".repeat(100_000);
    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        ("<b>bold</b>", None, "VALIDATION"),
        ("hi <script>alert(1)</script>", None, "VALIDATION"),
        (&long, None, "VALIDATION"),
        (" \n\t  ", None, "VALIDATION"),
        ("", None, "VALIDATION"),
        ("A reply to a reply", Some(&reply), "VALIDATION"),
    ];
    for (body, parent, code) in cases {
        let answer = post(&app, &ada, &v, body, parent).await;
        assert_eq!(
            error_code(&answer),
            Some(code),
            "{}: {answer}",
            &body[..body.len().min(30)]
        );
    }
    // Comments off: refused, and saving the video without the field keeps them off.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { commentsEnabled } } }",
        json!({ "i": { "id": v, "commentsEnabled": false } }),
    )
    .await;
    let data = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { commentsEnabled } } }",
            json!({ "i": { "id": v, "title": "Strict video" } }),
        )
        .await;
    assert_eq!(data["updateVideo"]["video"]["commentsEnabled"], false);
    let answer = post(&app, &ada, &v, "Still there?", None).await;
    assert_eq!(error_code(&answer), Some("CONFLICT"), "{answer}");
    let answer = post(&app, &ada, &v, "Reply?", Some(&top)).await;
    assert_eq!(error_code(&answer), Some("CONFLICT"), "{answer}");
    // Not a video or an episode.
    let answer = post(&app, &ada, &ch, "On a channel", None).await;
    assert_eq!(error_code(&answer), Some("VALIDATION"), "{answer}");
    // Anonymous callers cannot comment.
    let answer = app
        .graphql(
            None,
            crate::support::POST,
            json!({ "i": { "itemId": v, "body": "anon" } }),
        )
        .await;
    assert_eq!(error_code(&answer), Some("UNAUTHENTICATED"), "{answer}");
    assert_eq!(app.count("comments").await, 2);
    assert_eq!(thread(&app, None, &v).await, before);
}

async fn a_new_account_waits_before_it_may_comment(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.accounts.registration = Some(projector_api::config::Registration::Open);
        c.accounts.comment_after_secs = 600;
    })
    .await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Patient").await;
    let v = public_video(&app, &admin, &ch, "Wait").await;
    let ada = viewer(&app, "ada@example.com").await;
    let answer = post(&app, &ada, &v, "Too soon", None).await;
    assert_eq!(error_code(&answer), Some("RATE_LIMITED"), "{answer}");
    assert_eq!(app.count("comments").await, 0);
    // Once the account is old enough, the same comment goes through.
    sql(
        &app,
        "UPDATE users SET created_at = '2020-01-01 00:00:00+00:00' WHERE email = 'ada@example.com'",
    )
    .await;
    comment(&app, &ada, &v, "Now").await;
    assert_eq!(app.count("comments").await, 1);
}

async fn sixteen_concurrent_posts_from_one_user_respect_the_rate_limit_exactly(backend: Backend) {
    let app = comments_app(backend, 5).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Busy").await;
    let v = public_video(&app, &admin, &ch, "Busy video").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bodies: Vec<String> = (0..16).map(|i| format!("Comment {i}")).collect();
    let answers =
        futures::future::join_all(bodies.iter().map(|b| post(&app, &ada, &v, b, None))).await;
    let mut codes: Vec<Option<String>> = answers
        .iter()
        .map(|a| error_code(a).map(String::from))
        .collect();
    codes.sort();
    let ok = codes.iter().filter(|c| c.is_none()).count();
    let limited = codes
        .iter()
        .filter(|c| c.as_deref() == Some("RATE_LIMITED"))
        .count();
    assert_eq!((ok, limited), (5, 11), "{answers:?}");
    assert_eq!(app.count("comments").await, 5);
    assert_eq!(thread(&app, None, &v).await["commentCount"], 5);
}

async fn authors_edit_and_delete_their_comments_and_moderators_delete_any(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Edits").await;
    let v = public_video(&app, &admin, &ch, "Edited").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let mine = comment(&app, &ada, &v, "First *draft*").await;
    let data = app
        .graphql_ok(
            Some(&ada),
            EDIT,
            json!({ "i": { "id": mine, "body": "Second **take**" } }),
        )
        .await;
    assert!(
        data["editComment"]["comment"]["bodyHtml"]
            .as_str()
            .unwrap()
            .contains("<strong>take</strong>"),
        "{data}"
    );
    let before = thread(&app, None, &v).await;
    // Someone else cannot edit or delete it; a bad body is refused; nothing changes.
    for (token, query, input, code) in [
        (
            &bob,
            EDIT,
            json!({ "id": mine, "body": "Hijacked" }),
            "FORBIDDEN",
        ),
        (&bob, DELETE, json!({ "id": mine }), "FORBIDDEN"),
        (
            &ada,
            EDIT,
            json!({ "id": mine, "body": "<i>x</i>" }),
            "VALIDATION",
        ),
        (
            &ada,
            EDIT,
            json!({ "id": mine, "body": "  " }),
            "VALIDATION",
        ),
    ] {
        let answer = app.graphql(Some(token), query, json!({ "i": input })).await;
        assert_eq!(error_code(&answer), Some(code), "{answer}");
    }
    assert_eq!(thread(&app, None, &v).await, before);
    // Deleting a comment deletes its replies and takes them off the count.
    let other = comment(&app, &bob, &v, "Bob's").await;
    post(&app, &ada, &v, "Reply to Bob", Some(&other)).await;
    assert_eq!(thread(&app, None, &v).await["commentCount"], 3);
    // The channel's editors (here the admin) delete anyone's comment.
    app.graphql_ok(Some(&admin), DELETE, json!({ "i": { "id": other } }))
        .await;
    let after = thread(&app, None, &v).await;
    assert_eq!(after["commentCount"], 1, "{after}");
    assert_eq!(ids(&after), vec![mine.clone()]);
    assert_eq!(app.count("comments").await, 1);
    app.graphql_ok(Some(&ada), DELETE, json!({ "i": { "id": mine } }))
        .await;
    assert_eq!(thread(&app, None, &v).await["commentCount"], 0);
}

async fn deleting_a_video_deletes_its_comments_and_deleting_a_user_anonymises_theirs(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Gone").await;
    let v = public_video(&app, &admin, &ch, "Kept").await;
    let doomed = public_video(&app, &admin, &ch, "Doomed").await;
    let ada = viewer(&app, "ada@example.com").await;
    comment(&app, &ada, &v, "Stays").await;
    comment(&app, &ada, &doomed, "Goes").await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteVideoInput!) { deleteVideo(input: $i) { deletedId } }",
        json!({ "i": { "id": doomed } }),
    )
    .await;
    assert_eq!(app.count("comments").await, 1);
    sql(&app, "DELETE FROM users WHERE email = 'ada@example.com'").await;
    let t = thread(&app, None, &v).await;
    assert_eq!(t["commentCount"], 1, "{t}");
    assert_eq!(
        t["comments"]["nodes"][0]["authorName"],
        serde_json::Value::Null
    );
    assert!(
        t["comments"]["nodes"][0]["bodyHtml"]
            .as_str()
            .unwrap()
            .contains("Stays")
    );
}

async fn comments_page_newest_first_and_top_by_replies(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Pages").await;
    let v = public_video(&app, &admin, &ch, "Paged").await;
    let ada = viewer(&app, "ada@example.com").await;
    let a = comment(&app, &ada, &v, "a").await;
    let b = comment(&app, &ada, &v, "b").await;
    let c = comment(&app, &ada, &v, "c").await;
    post(&app, &ada, &v, "reply", Some(&a)).await;
    let page = |order: &'static str, after: Option<String>| {
        let app = &app;
        let v = v.clone();
        async move {
            let data = app
                .graphql_ok(
                    None,
                    "query($id: ID!, $o: CommentOrder!, $a: String) { video(id: $id) { comments(first: 2, after: $a, order: $o) { pageInfo { hasNextPage endCursor } nodes { id } } } }",
                    json!({ "id": v, "o": order, "a": after }),
                )
                .await;
            data["video"]["comments"].clone()
        }
    };
    let first = page("NEWEST", None).await;
    assert_eq!(
        ids(&json!({ "comments": first })),
        vec![c.clone(), b.clone()]
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let cursor = first["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    let second = page("NEWEST", Some(cursor)).await;
    assert_eq!(ids(&json!({ "comments": second })), vec![a.clone()]);
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    let top = page("TOP", None).await;
    assert_eq!(ids(&json!({ "comments": top })), vec![a, c]);
}

both_databases!(
    a_viewer_comments_and_everyone_reads_the_sanitised_comment_and_the_count,
    bad_bodies_replies_to_replies_and_comments_off_are_refused_and_change_nothing,
    a_new_account_waits_before_it_may_comment,
    sixteen_concurrent_posts_from_one_user_respect_the_rate_limit_exactly,
    authors_edit_and_delete_their_comments_and_moderators_delete_any,
    deleting_a_video_deletes_its_comments_and_deleting_a_user_anonymises_theirs,
    comments_page_newest_first_and_top_by_replies,
);
