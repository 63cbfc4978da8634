//! Moderation: the channel's mode (publish, hold first-time commenters, hold all), the queue of
//! held and reported comments, bulk approve and reject with per-item outcomes in input order,
//! and bans from a channel's comments; a banned or disabled user's comments hidden from others.

use projector_tests::{Backend, TestApp, both_databases, error_code};
use serde_json::{Value, json};

use crate::support::{
    channel, comment, comments_app, ids, post, public_video, thread, user_id, viewer,
};

const QUEUE: &str = "{ moderationQueue(first: 100) { nodes { id status reportCount reports { reason reportedAt } authorId bodyHtml item { ... on Video { id } } } } }";
const BANS: &str = "query($c: ID!, $after: String) { commentBans(channelId: $c, first: 1, after: $after) { totalCount nodes { userId userName channelId bannedAt } pageInfo { hasNextPage endCursor } } }";
const APPROVE: &str = "mutation($i: ModerateCommentsInput!) { approveComments(input: $i) { okCount failedCount results { id ok code comment { id status } } } }";
const REJECT: &str = "mutation($i: ModerateCommentsInput!) { rejectComments(input: $i) { okCount failedCount results { id ok code comment { id status } } } }";
const BAN: &str = "mutation($i: ChannelCommentsBanInput!) { banFromChannelComments(input: $i) { channel { id } } }";
const UNBAN: &str = "mutation($i: ChannelCommentsBanInput!) { unbanFromChannelComments(input: $i) { channel { id } } }";
const REPORT: &str =
    "mutation($i: ReportCommentInput!) { reportComment(input: $i) { comment { id } } }";

async fn set_mode(app: &TestApp, admin: &str, channel: &str, mode: &str) {
    let data = app
        .graphql_ok(
            Some(admin),
            "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { commentModeration } } }",
            json!({ "i": { "id": channel, "commentModeration": mode } }),
        )
        .await;
    assert_eq!(data["updateChannel"]["channel"]["commentModeration"], mode);
}

/// An editor who is a member of `channel`; returns their token.
async fn editor_of(app: &TestApp, admin: &str, channel: &str, email: &str) -> String {
    let token = app.user_token(email, "EDITOR").await;
    let id = user_id(app, admin, email).await;
    app.graphql_ok(
        Some(admin),
        "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": channel, "userId": id, "role": "EDITOR" } }),
    )
    .await;
    token
}

fn queue_ids(data: &Value) -> Vec<String> {
    data["moderationQueue"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

async fn held_comments_show_to_their_author_and_moderators_until_approved(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Careful").await;
    set_mode(&app, &admin, &ch, "HOLD_ALL").await;
    let v = public_video(&app, &admin, &ch, "Held").await;
    let editor = editor_of(&app, &admin, &ch, "ed@example.com").await;
    let outsider = app.user_token("out@example.com", "EDITOR").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let answer = post(&app, &ada, &v, "Please *approve*", None).await;
    let c = &answer["data"]["postComment"]["comment"];
    assert_eq!(c["status"], "HELD", "{answer}");
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(ids(&thread(&app, Some(&ada), &v).await), vec![id.clone()]);
    assert_eq!(
        ids(&thread(&app, Some(&editor), &v).await),
        vec![id.clone()]
    );
    for token in [None, Some(bob.as_str())] {
        let t = thread(&app, token, &v).await;
        assert_eq!(ids(&t), Vec::<String>::new(), "{t}");
        assert_eq!(t["commentCount"], 0);
    }
    // The queue: the channel's editor and admins, not an editor of another channel.
    let queue = app.graphql_ok(Some(&editor), QUEUE, json!({})).await;
    assert_eq!(queue_ids(&queue), vec![id.clone()]);
    assert_eq!(queue["moderationQueue"]["nodes"][0]["item"]["id"], v);
    assert!(queue["moderationQueue"]["nodes"][0]["authorId"].is_string());
    assert_eq!(
        queue_ids(&app.graphql_ok(Some(&admin), QUEUE, json!({})).await),
        vec![id.clone()]
    );
    assert!(queue_ids(&app.graphql_ok(Some(&outsider), QUEUE, json!({})).await).is_empty());
    assert_eq!(
        error_code(&app.graphql(Some(&ada), QUEUE, json!({})).await),
        Some("FORBIDDEN")
    );
    // An editor of another channel cannot even see it to approve it; nothing changes.
    let data = app
        .graphql_ok(Some(&outsider), APPROVE, json!({ "i": { "ids": [id] } }))
        .await;
    assert_eq!(
        data["approveComments"]["results"][0]["code"], "NOT_FOUND",
        "{data}"
    );
    assert_eq!(thread(&app, None, &v).await["commentCount"], 0);
    // The channel's editor approves it: everyone sees it, the count follows, the queue empties.
    let data = app
        .graphql_ok(Some(&editor), APPROVE, json!({ "i": { "ids": [id] } }))
        .await;
    assert_eq!(data["approveComments"]["okCount"], 1, "{data}");
    assert_eq!(
        data["approveComments"]["results"][0]["comment"]["status"],
        "PUBLISHED"
    );
    let t = thread(&app, Some(&bob), &v).await;
    assert_eq!(ids(&t), vec![id]);
    assert_eq!(t["commentCount"], 1);
    assert!(queue_ids(&app.graphql_ok(Some(&editor), QUEUE, json!({})).await).is_empty());
}

async fn first_time_commenters_are_held_and_known_ones_are_not(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Newcomers").await;
    set_mode(&app, &admin, &ch, "HOLD_NEW").await;
    let v = public_video(&app, &admin, &ch, "Welcome").await;
    let ada = viewer(&app, "ada@example.com").await;
    let first = post(&app, &ada, &v, "Hello", None).await;
    assert_eq!(first["data"]["postComment"]["comment"]["status"], "HELD");
    let second = post(&app, &ada, &v, "Hello again", None).await;
    assert_eq!(second["data"]["postComment"]["comment"]["status"], "HELD");
    let id = first["data"]["postComment"]["comment"]["id"].clone();
    app.graphql_ok(Some(&admin), APPROVE, json!({ "i": { "ids": [id] } }))
        .await;
    let third = post(&app, &ada, &v, "Known now", None).await;
    assert_eq!(
        third["data"]["postComment"]["comment"]["status"], "PUBLISHED",
        "{third}"
    );
    // Moderators are never held.
    let mine = post(&app, &admin, &v, "From the channel", None).await;
    assert_eq!(
        mine["data"]["postComment"]["comment"]["status"],
        "PUBLISHED"
    );
}

async fn bulk_moderation_answers_each_item_in_input_order(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Bulk").await;
    set_mode(&app, &admin, &ch, "HOLD_ALL").await;
    let v = public_video(&app, &admin, &ch, "Many").await;
    let ada = viewer(&app, "ada@example.com").await;
    let a = comment(&app, &ada, &v, "one").await;
    let b = comment(&app, &ada, &v, "two").await;
    let missing = comment(&app, &ada, &v, "deleted").await;
    app.graphql_ok(
        Some(&ada),
        "mutation($i: DeleteCommentInput!) { deleteComment(input: $i) { deletedId } }",
        json!({ "i": { "id": missing } }),
    )
    .await;
    let data = app
        .graphql_ok(
            Some(&admin),
            REJECT,
            json!({ "i": { "ids": [a, missing, b] } }),
        )
        .await;
    let results = &data["rejectComments"]["results"];
    assert_eq!(results[0]["id"], a);
    assert_eq!(results[0]["comment"]["status"], "REJECTED");
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["code"], "NOT_FOUND", "{data}");
    assert_eq!(results[2]["id"], b);
    assert_eq!(data["rejectComments"]["failedCount"], 1);
    // Rejected comments are hidden even from their author, and leave the queue.
    assert!(ids(&thread(&app, Some(&ada), &v).await).is_empty());
    assert!(queue_ids(&app.graphql_ok(Some(&admin), QUEUE, json!({})).await).is_empty());
    // An ID given twice refuses the whole call; nothing changes.
    let answer = app
        .graphql(Some(&admin), APPROVE, json!({ "i": { "ids": [a, a] } }))
        .await;
    assert_eq!(error_code(&answer), Some("VALIDATION"), "{answer}");
    assert_eq!(thread(&app, None, &v).await["commentCount"], 0);
    // A moderator may still approve a rejected comment.
    app.graphql_ok(Some(&admin), APPROVE, json!({ "i": { "ids": [a] } }))
        .await;
    assert_eq!(thread(&app, None, &v).await["commentCount"], 1);
}

async fn reported_comments_reach_the_queue_once_and_leave_it_when_reviewed(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Reports").await;
    let v = public_video(&app, &admin, &ch, "Reported").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let id = comment(&app, &ada, &v, "Rude").await;
    for _ in 0..2 {
        app.graphql_ok(
            Some(&bob),
            REPORT,
            json!({ "i": { "id": id, "reason": "rude" } }),
        )
        .await;
    }
    let answer = app
        .graphql(
            Some(&bob),
            REPORT,
            json!({ "i": { "id": id, "reason": "x".repeat(501) } }),
        )
        .await;
    assert_eq!(error_code(&answer), Some("VALIDATION"), "{answer}");
    assert_eq!(app.count("comment_reports").await, 1);
    // A second reporter without a reason: the moderator reads both, the latest first.
    let cy = viewer(&app, "cy@example.com").await;
    app.graphql_ok(Some(&cy), REPORT, json!({ "i": { "id": id } }))
        .await;
    let queue = app.graphql_ok(Some(&admin), QUEUE, json!({})).await;
    assert_eq!(queue_ids(&queue), vec![id.clone()]);
    let node = &queue["moderationQueue"]["nodes"][0];
    assert_eq!(node["reportCount"], 2);
    let reasons: Vec<&Value> = node["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["reason"])
        .collect();
    assert_eq!(reasons, vec![&Value::Null, &json!("rude")], "{node}");
    assert!(node["reports"][0]["reportedAt"].is_string());
    // Others never see the reports, their count or the author's ID, not even the author.
    for token in [None, Some(bob.as_str()), Some(ada.as_str())] {
        let data = app
            .graphql_ok(
                token,
                "query($id: ID!) { node(id: $id) { ... on Comment { reportCount reports { reason } authorId } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            data["node"],
            json!({ "reportCount": null, "reports": null, "authorId": null })
        );
    }
    app.graphql_ok(Some(&admin), APPROVE, json!({ "i": { "ids": [id] } }))
        .await;
    assert!(queue_ids(&app.graphql_ok(Some(&admin), QUEUE, json!({})).await).is_empty());
    assert_eq!(app.count("comment_reports").await, 0);
    assert_eq!(thread(&app, None, &v).await["commentCount"], 1);
}

async fn banned_and_disabled_users_cannot_comment_and_their_comments_are_hidden(backend: Backend) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Bans").await;
    let v = public_video(&app, &admin, &ch, "Banned here").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let id = comment(&app, &ada, &v, "Before the ban").await;
    let ada_id = user_id(&app, &admin, "ada@example.com").await;
    for _ in 0..2 {
        app.graphql_ok(
            Some(&admin),
            BAN,
            json!({ "i": { "channelId": ch, "userId": ada_id } }),
        )
        .await;
    }
    assert_eq!(app.count("comment_bans").await, 1);
    let answer = post(&app, &ada, &v, "After the ban", None).await;
    assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{answer}");
    assert_eq!(app.count("comments").await, 1);
    // Hidden from others, not from the channel's moderators.
    assert!(ids(&thread(&app, Some(&bob), &v).await).is_empty());
    assert!(ids(&thread(&app, None, &v).await).is_empty());
    assert_eq!(ids(&thread(&app, Some(&admin), &v).await), vec![id.clone()]);
    // A viewer cannot ban; an editor cannot ban themselves.
    let answer = app
        .graphql(
            Some(&bob),
            BAN,
            json!({ "i": { "channelId": ch, "userId": ada_id } }),
        )
        .await;
    assert_eq!(error_code(&answer), Some("FORBIDDEN"));
    app.graphql_ok(
        Some(&admin),
        UNBAN,
        json!({ "i": { "channelId": ch, "userId": ada_id } }),
    )
    .await;
    assert_eq!(ids(&thread(&app, None, &v).await), vec![id.clone()]);
    comment(&app, &ada, &v, "Back").await;
    // A disabled account's comments are hidden from others.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DisableUserInput!) { disableUser(input: $i) { user { id } } }",
        json!({ "i": { "id": ada_id } }),
    )
    .await;
    assert!(ids(&thread(&app, Some(&bob), &v).await).is_empty());
    assert_eq!(ids(&thread(&app, Some(&admin), &v).await).len(), 2);
}

/// The user IDs and names on one page of `commentBans`, and the cursor after it.
async fn bans_page(
    app: &TestApp,
    token: &str,
    channel: &str,
    after: Option<&str>,
) -> (Vec<(String, String)>, Option<String>) {
    let data = app
        .graphql_ok(Some(token), BANS, json!({ "c": channel, "after": after }))
        .await;
    let bans = &data["commentBans"];
    let rows = bans["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["channelId"], channel);
            (
                n["userId"].as_str().unwrap().to_string(),
                n["userName"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let next = bans["pageInfo"]["hasNextPage"]
        .as_bool()
        .unwrap()
        .then(|| bans["pageInfo"]["endCursor"].as_str().unwrap().to_string());
    (rows, next)
}

async fn moderators_page_through_who_is_banned_and_an_unban_takes_them_off_the_list(
    backend: Backend,
) {
    let app = comments_app(backend, 100).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Banned list").await;
    let other = channel(&app, &admin, "Elsewhere").await;
    let editor = editor_of(&app, &admin, &ch, "ed@example.com").await;
    let outsider = editor_of(&app, &admin, &other, "out@example.com").await;
    let ada = viewer(&app, "ada@example.com").await;
    viewer(&app, "bob@example.com").await;
    let ada_id = user_id(&app, &admin, "ada@example.com").await;
    let bob_id = user_id(&app, &admin, "bob@example.com").await;
    for user in [&ada_id, &bob_id] {
        app.graphql_ok(
            Some(&editor),
            BAN,
            json!({ "i": { "channelId": ch, "userId": user } }),
        )
        .await;
        // Distinct ban times, so the order is the order of the bans.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // A ban elsewhere is not on this channel's list.
    app.graphql_ok(
        Some(&admin),
        BAN,
        json!({ "i": { "channelId": other, "userId": ada_id } }),
    )
    .await;
    let (first, after) = bans_page(&app, &editor, &ch, None).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0, bob_id, "the latest ban comes first");
    let (second, end) = bans_page(&app, &editor, &ch, after.as_deref()).await;
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].0, ada_id);
    assert!(end.is_none());
    let total =
        app.graphql_ok(Some(&admin), BANS, json!({ "c": ch })).await["commentBans"]["totalCount"]
            .clone();
    assert_eq!(total, 2);
    // Nobody else reads it: an editor of another channel, a viewer, an unknown channel.
    for token in [&outsider, &ada] {
        let answer = app.graphql(Some(token), BANS, json!({ "c": ch })).await;
        assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{answer}");
    }
    let unknown = "Q2hhbm5lbDowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    let answer = app
        .graphql(Some(&admin), BANS, json!({ "c": unknown }))
        .await;
    assert_eq!(error_code(&answer), Some("NOT_FOUND"), "{answer}");
    // A cursor of another list is refused.
    let answer = app
        .graphql(
            Some(&editor),
            BANS,
            json!({ "c": ch, "after": "not-a-cursor" }),
        )
        .await;
    assert_eq!(error_code(&answer), Some("VALIDATION"), "{answer}");
    // Unbanning takes them off the list; they may comment again.
    app.graphql_ok(
        Some(&editor),
        UNBAN,
        json!({ "i": { "channelId": ch, "userId": bob_id } }),
    )
    .await;
    let (left, _) = bans_page(&app, &editor, &ch, None).await;
    assert_eq!(left.iter().map(|r| &r.0).collect::<Vec<_>>(), vec![&ada_id]);
    assert_eq!(app.count("comment_bans").await, 2);
}

both_databases!(
    held_comments_show_to_their_author_and_moderators_until_approved,
    first_time_commenters_are_held_and_known_ones_are_not,
    bulk_moderation_answers_each_item_in_input_order,
    reported_comments_reach_the_queue_once_and_leave_it_when_reviewed,
    banned_and_disabled_users_cannot_comment_and_their_comments_are_hidden,
    moderators_page_through_who_is_banned_and_an_unban_takes_them_off_the_list,
);
