//! `/admin/moderation` and the comment settings: held comments approved and rejected in bulk
//! (a comment gone meanwhile says so on its row and the others go through), the channel
//! filter and the next page; why viewers reported a comment, banning its author and undoing
//! it, and the channel's banned list with "Let back in"; the channel's comment moderation and the "Comments enabled"
//! checkboxes of the video and episode editors, which save only what changed.

use std::net::SocketAddr;

use projector_tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, browser::Browser, spawn_app_with,
};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// A site whose viewers may comment at once, many times.
async fn spawn_comments_site() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    spawn_app_with(Backend::Sqlite, move |c| {
        c.listen = SocketAddr::from(([127, 0, 0, 1], port));
        c.public_url = format!("http://127.0.0.1:{port}/").parse().unwrap();
        c.workers = 0;
        c.accounts.comment_after_secs = 0;
        c.accounts.comments_per_window = 1000;
    })
    .await
}

/// A channel holding every comment, with a public video: `(channel ID, video ID)`.
async fn held_channel(app: &TestApp, admin: &str, name: &str) -> (String, String) {
    let ch = app.create_channel(admin, name).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_ok(
        Some(admin),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": ch, "commentModeration": "HOLD_ALL" } }),
    )
    .await;
    let video = app
        .create_video(
            admin,
            &ch,
            &format!("{name} video"),
            json!({ "visibility": "PUBLIC" }),
        )
        .await;
    let id = video["id"].as_str().unwrap().to_owned();
    app.set_media_status(&id, "READY").await;
    app.graphql_ok(
        Some(admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "publishAt": "2020-01-01T00:00:00Z" } }),
    )
    .await;
    (ch, id)
}

async fn post(app: &TestApp, token: &str, item: &str, body: &str) -> String {
    app.graphql_ok(
        Some(token),
        "mutation($i: PostCommentInput!) { postComment(input: $i) { comment { id status } } }",
        json!({ "i": { "itemId": item, "body": body } }),
    )
    .await["postComment"]["comment"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `(status, commentCount)` of the video, and the IDs left in the admin's queue.
async fn state(app: &TestApp, admin: &str, video: &str) -> (i64, Vec<String>) {
    let data = app
        .graphql_ok(
            Some(admin),
            "query($id: ID!) { video(id: $id) { commentCount } moderationQueue(first: 100) { nodes { id } } }",
            json!({ "id": video }),
        )
        .await;
    let ids = data["moderationQueue"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    (data["video"]["commentCount"].as_i64().unwrap(), ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_approves_and_rejects_in_bulk_filters_by_channel_pages_and_sees_why_a_row_was_refused()
 {
    assert_app_is_built();
    let app = spawn_comments_site().await;
    let admin = app.admin_token().await;
    let (docks, docks_video) = held_channel(&app, &admin, "Docks").await;
    let (_, pier_video) = held_channel(&app, &admin, "Pier").await;
    let ada = app.user_token("ada@example.com", "VIEWER").await;
    let pier_comment = post(&app, &ada, &pier_video, "On the pier").await;
    let mut docks_comments = Vec::new();
    for n in 0..26 {
        docks_comments.push(post(&app, &ada, &docks_video, &format!("Dock note {n:02}")).await);
    }

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/moderation").await;
    let nav = text_containing(&browser, "#nav-moderation", "(27)").await;
    assert_eq!(nav, "Moderation (27)");
    // Newest first, 25 a page; the next page brings the rest.
    wait_for_js(
        &browser,
        "document.querySelectorAll('.moderation-row').length === 25",
    )
    .await;
    let first = text_of(&browser, ".moderation-row .comment-body").await;
    assert_eq!(first.as_deref(), Some("Dock note 25"));
    click(&browser, "#moderation-more").await;
    let all = wait_for_js(
        &browser,
        "document.querySelectorAll('.moderation-row').length === 27",
    )
    .await;
    assert!(all.is_some(), "{}", body_text(&browser).await);
    screenshots(&browser, "admin-moderation-queue").await;

    // One channel only.
    choose(&browser, "#moderation-channel", &docks).await;
    wait_for_js(&browser, "document.querySelectorAll('.moderation-row').length === 25 && !document.body.innerText.includes('On the pier')").await;
    assert!(!body_text(&browser).await.contains("On the pier"));

    // Two selected; one is deleted by its author meanwhile: the other is approved, the gone
    // one says so on its row.
    let (newest, gone) = (&docks_comments[25], &docks_comments[24]);
    for id in [newest, gone] {
        click(
            &browser,
            &format!(".moderation-row[data-id='{id}'] .moderation-select"),
        )
        .await;
    }
    app.graphql_ok(
        Some(&ada),
        "mutation($i: DeleteCommentInput!) { deleteComment(input: $i) { deletedId } }",
        json!({ "i": { "id": gone } }),
    )
    .await;
    click(&browser, "#approve-selected").await;
    let notice = text_containing(&browser, "#moderation-notice", "approved").await;
    assert_eq!(notice, "1 of 2 approved.");
    let row_error = text_of(
        &browser,
        &format!(".moderation-row[data-id='{gone}'] .row-error"),
    )
    .await;
    assert_eq!(row_error.as_deref(), Some("This comment no longer exists."));
    assert!(!body_text(&browser).await.contains("Dock note 25"));
    let (count, queue) = state(&app, &admin, &docks_video).await;
    assert_eq!(count, 1);
    assert!(!queue.contains(newest) && !queue.contains(gone));

    // Every row shown, rejected.
    choose(&browser, "#moderation-channel", "").await;
    wait_for_js(&browser, "document.body.innerText.includes('On the pier')").await;
    click(&browser, "#moderation-select-all").await;
    click(&browser, "#reject-selected").await;
    let notice = text_containing(&browser, "#moderation-notice", "rejected").await;
    assert_eq!(notice, "25 of 25 rejected.");
    let (count, queue) = state(&app, &admin, &docks_video).await;
    assert_eq!(count, 1, "rejecting published nothing");
    assert!(!queue.contains(&pier_comment));
    assert!(queue.is_empty(), "left in the queue: {queue:?}");
    browser.close().await;
}

/// The user IDs banned from `channel`'s comments, the latest first.
async fn banned(app: &TestApp, admin: &str, channel: &str) -> Vec<String> {
    app.graphql_ok(
        Some(admin),
        "query($c: ID!) { commentBans(channelId: $c, first: 100) { nodes { userId } } }",
        json!({ "c": channel }),
    )
    .await["commentBans"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["userId"].as_str().unwrap().to_owned())
        .collect()
}

async fn user_id(app: &TestApp, token: &str) -> String {
    app.graphql_ok(Some(token), "{ me { id } }", json!({}))
        .await["me"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_reads_why_a_comment_was_reported_bans_its_author_undoes_it_and_lets_another_back_in()
 {
    assert_app_is_built();
    let app = spawn_comments_site().await;
    let admin = app.admin_token().await;
    let (harbour, video) = held_channel(&app, &admin, "Harbour").await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
        json!({ "i": { "id": harbour, "commentModeration": "PUBLISH" } }),
    )
    .await;
    let ada = app.user_token("ada@example.com", "VIEWER").await;
    let bob = app.user_token("bob@example.com", "VIEWER").await;
    let cy = app.user_token("cy@example.com", "VIEWER").await;
    let eve = app.user_token("eve@example.com", "VIEWER").await;
    let (ada_id, eve_id) = (user_id(&app, &ada).await, user_id(&app, &eve).await);
    let rude = post(&app, &ada, &video, "Rude words").await;
    let report =
        "mutation($i: ReportCommentInput!) { reportComment(input: $i) { comment { id } } }";
    app.graphql_ok(
        Some(&bob),
        report,
        json!({ "i": { "id": rude, "reason": "Insults the host" } }),
    )
    .await;
    app.graphql_ok(Some(&cy), report, json!({ "i": { "id": rude } }))
        .await;
    let ban = "mutation($i: ChannelCommentsBanInput!) { banFromChannelComments(input: $i) { channel { id } } }";
    app.graphql_ok(
        Some(&admin),
        ban,
        json!({ "i": { "channelId": harbour, "userId": eve_id } }),
    )
    .await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(&browser, &app, "/admin/moderation").await;
    // Every channel: no banned list (it is per channel).
    wait_for(&browser, ".moderation-row").await;
    let absent = js(
        &browser,
        "return document.getElementById('banned-users') === null;",
    )
    .await;
    assert_eq!(absent, json!(true));
    choose(&browser, "#moderation-channel", &harbour).await;
    let row = format!(".moderation-row[data-id='{rude}']");
    let badge = text_containing(&browser, &format!("{row} .moderation-reports"), "report").await;
    assert_eq!(badge, "2 reports");
    let reasons = text_of(&browser, &format!("{row} .moderation-reasons")).await;
    assert_eq!(reasons.as_deref(), Some("“Insults the host”"));
    let listed = text_containing(&browser, "#banned-list", "eve").await;
    assert!(listed.contains("banned"), "{listed}");

    // Ban the author from the row; the list shows them first; Undo lets them back.
    click(&browser, &format!("{row} .ban-author")).await;
    click(&browser, &format!("{row} .confirm-ban")).await;
    let said = text_containing(&browser, &format!("{row} .ban-notice"), "no longer").await;
    assert!(
        said.starts_with("ada can no longer comment on Harbour."),
        "{said}"
    );
    assert_eq!(
        banned(&app, &admin, &harbour).await,
        vec![ada_id.clone(), eve_id.clone()]
    );
    wait_for_js(
        &browser,
        "document.querySelectorAll('#banned-list .banned-user').length === 2",
    )
    .await;
    let first = text_of(&browser, "#banned-list .banned-user .banned-name").await;
    assert_eq!(first.as_deref(), Some("ada"));
    click(&browser, &format!("{row} .unban-author")).await;
    wait_for(&browser, &format!("{row} .ban-author")).await;
    // The button comes back with the click; the server's answer may still be on its way.
    let deadline = std::time::Instant::now() + PATIENCE;
    while banned(&app, &admin, &harbour).await != vec![eve_id.clone()]
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(banned(&app, &admin, &harbour).await, vec![eve_id.clone()]);
    wait_for_js(
        &browser,
        "document.querySelectorAll('#banned-list .banned-user').length === 1",
    )
    .await;

    // Let the earlier one back in from the list.
    click(
        &browser,
        &format!("#banned-list .banned-user[data-user='{eve_id}'] .let-back"),
    )
    .await;
    let said = text_containing(&browser, "#unban-notice", "again").await;
    assert_eq!(said, "eve can comment on this channel again.");
    wait_for(&browser, "#banned-none").await;
    assert!(banned(&app, &admin, &harbour).await.is_empty());
    let back = post(&app, &eve, &video, "Thanks for having me back").await;
    assert!(!back.is_empty());
    browser.close().await;
}

const CHANNEL: &str =
    "query($id: ID!) { channel(id: $id) { name slug description commentModeration } }";
const VIDEO: &str = "query($id: ID!) { video(id: $id) { title slug description visibility language license publishAt unpublishAt commentsEnabled tags { id } chapters { title startSecs } category { id } } }";
const EPISODE: &str =
    "query($id: ID!) { episode(id: $id) { title description season number commentsEnabled } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_moderation_and_comments_enabled_save_with_the_forms_and_a_save_with_no_change_changes_nothing()
 {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let ch = app.create_channel(&admin, "Quay").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = |query: &'static str, id: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.graphql_ok(Some(&admin), query, json!({ "id": id }))
                .await
        }
    };
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The channel: no change saves nothing; a new moderation is saved alone.
    let before = read(CHANNEL, ch.clone()).await;
    assert_eq!(before["channel"]["commentModeration"], "PUBLISH");
    open(&browser, &app, &format!("/admin/channels/{ch}")).await;
    wait_for(&browser, "#channel-moderation").await;
    click(&browser, "#save-channel").await;
    let said = text_of(&browser, "#channel-details-notice").await;
    assert_eq!(
        said.as_deref(),
        Some("Nothing to save: no field was changed.")
    );
    assert_eq!(read(CHANNEL, ch.clone()).await, before);
    choose(&browser, "#channel-moderation", "HOLD_NEW").await;
    click(&browser, "#save-channel").await;
    let said = text_containing(&browser, "#channel-details-notice", "Saved").await;
    assert_eq!(said, "Saved.");
    let mut expected = before.clone();
    expected["channel"]["commentModeration"] = json!("HOLD_NEW");
    assert_eq!(read(CHANNEL, ch.clone()).await, expected);
    open(&browser, &app, &format!("/admin/channels/{ch}")).await;
    let shown = wait_for_js(&browser, "document.getElementById('channel-moderation') && document.getElementById('channel-moderation').value").await;
    assert_eq!(shown, Some(json!("HOLD_NEW")));

    // The video editor: the checkbox is saved with the form, and alone.
    let video = app.create_video(&admin, &ch, "Quay video", json!({})).await;
    let (vid, uuid) = (
        video["id"].as_str().unwrap().to_owned(),
        video["uuid"].as_str().unwrap().to_owned(),
    );
    let before = read(VIDEO, vid.clone()).await;
    assert_eq!(before["video"]["commentsEnabled"], true);
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    click(&browser, "#video-comments-enabled").await;
    click(&browser, "#save-video").await;
    let said = text_containing(&browser, "#details-notice", "Saved").await;
    assert_eq!(said, "Saved.");
    let mut expected = before.clone();
    expected["video"]["commentsEnabled"] = json!(false);
    assert_eq!(read(VIDEO, vid.clone()).await, expected);
    open(&browser, &app, &format!("/admin/videos/{uuid}")).await;
    let unchecked = wait_for_js(&browser, "document.getElementById('video-comments-enabled') && !document.getElementById('video-comments-enabled').checked && 'off'").await;
    assert_eq!(unchecked, Some(json!("off")));
    click(&browser, "#save-video").await;
    let said = text_of(&browser, "#details-notice").await;
    assert_eq!(said.as_deref(), Some("Nothing to save: no field changed."));
    assert_eq!(read(VIDEO, vid.clone()).await, expected);

    // The episode editor.
    let episode = new_episode(&app, &admin, &ch).await;
    let before = read(EPISODE, episode.clone()).await;
    open(&browser, &app, &format!("/admin/episodes/{episode}")).await;
    click(&browser, "#episode-comments-enabled").await;
    click(&browser, "#save-episode").await;
    let said = text_containing(&browser, "#notice", "Saved").await;
    assert_eq!(said, "Saved.");
    let mut expected: Value = before.clone();
    expected["episode"]["commentsEnabled"] = json!(false);
    assert_eq!(read(EPISODE, episode.clone()).await, expected);
    browser.close().await;
}

/// A draft episode of a new podcast of `channel`; returns its global ID.
async fn new_episode(app: &TestApp, admin: &str, channel: &str) -> String {
    let podcast = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Quay radio", "author": "Anne",
                "ownerName": "Anne", "ownerEmail": "anne@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_ok(
        Some(admin),
        "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
        json!({ "i": { "podcastId": podcast, "title": "Low tide", "season": 1, "number": 2 } }),
    )
    .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
