//! Likes: idempotent, signed-in users only, only on what the caller can see; counts written
//! in batches; rows deleted with the video, the episode or the user.

use projector_tests::{Backend, both_databases, error_code};
use serde_json::json;

use crate::support::{
    channel, eventually, open_app, public_episode, public_video, sql, video, viewer,
};

const LIKE: &str =
    "mutation($i: LikeVideoInput!) { likeVideo(input: $i) { video { id viewerHasLiked } } }";
const UNLIKE: &str =
    "mutation($i: LikeVideoInput!) { unlikeVideo(input: $i) { video { id viewerHasLiked } } }";
const VIDEO: &str = "query($id: ID!) { video(id: $id) { likeCount viewerHasLiked } }";
const LIKE_EPISODE: &str =
    "mutation($i: LikeEpisodeInput!) { likeEpisode(input: $i) { episode { viewerHasLiked } } }";
const UNLIKE_EPISODE: &str =
    "mutation($i: LikeEpisodeInput!) { unlikeEpisode(input: $i) { episode { viewerHasLiked } } }";
const EPISODE: &str = "query($id: ID!) { episode(id: $id) { likeCount viewerHasLiked } }";

async fn liking_twice_counts_once_and_the_count_follows_in_a_batch(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Likes").await;
    let v = public_video(&app, &admin, &ch, "Liked").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    let vars = json!({ "i": { "videoId": v } });
    for _ in 0..2 {
        let data = app.graphql_ok(Some(&ada), LIKE, vars.clone()).await;
        assert_eq!(data["likeVideo"]["video"]["viewerHasLiked"], true);
    }
    assert_eq!(app.count("video_likes").await, 1);
    let id = json!({ "id": v });
    eventually(
        &app,
        Some(&ada),
        VIDEO,
        id.clone(),
        &["video"],
        json!({ "likeCount": 1, "viewerHasLiked": true }),
    )
    .await;
    // Others see the count, not who liked.
    eventually(
        &app,
        None,
        VIDEO,
        id.clone(),
        &["video"],
        json!({ "likeCount": 1, "viewerHasLiked": false }),
    )
    .await;
    eventually(
        &app,
        Some(&bob),
        VIDEO,
        id.clone(),
        &["video"],
        json!({ "likeCount": 1, "viewerHasLiked": false }),
    )
    .await;
    app.graphql_ok(Some(&bob), LIKE, vars.clone()).await;
    eventually(
        &app,
        None,
        VIDEO,
        id.clone(),
        &["video", "likeCount"],
        json!(2),
    )
    .await;
    for _ in 0..2 {
        let data = app.graphql_ok(Some(&ada), UNLIKE, vars.clone()).await;
        assert_eq!(data["unlikeVideo"]["video"]["viewerHasLiked"], false);
    }
    eventually(
        &app,
        Some(&ada),
        VIDEO,
        id.clone(),
        &["video"],
        json!({ "likeCount": 1, "viewerHasLiked": false }),
    )
    .await;
    assert_eq!(app.count("video_likes").await, 1);
    // Unliking what was never liked changes nothing either.
    app.graphql_ok(Some(&ada), UNLIKE, vars.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    eventually(&app, None, VIDEO, id, &["video", "likeCount"], json!(1)).await;
}

async fn episodes_are_liked_like_videos(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Pods").await;
    let e = public_episode(&app, &admin, &ch, "Liked episode").await;
    let ada = viewer(&app, "ada@example.com").await;
    let vars = json!({ "i": { "episodeId": e } });
    for _ in 0..2 {
        let data = app.graphql_ok(Some(&ada), LIKE_EPISODE, vars.clone()).await;
        assert_eq!(data["likeEpisode"]["episode"]["viewerHasLiked"], true);
    }
    assert_eq!(app.count("episode_likes").await, 1);
    let id = json!({ "id": e });
    eventually(
        &app,
        Some(&ada),
        EPISODE,
        id.clone(),
        &["episode"],
        json!({ "likeCount": 1, "viewerHasLiked": true }),
    )
    .await;
    let data = app.graphql_ok(Some(&ada), UNLIKE_EPISODE, vars).await;
    assert_eq!(data["unlikeEpisode"]["episode"]["viewerHasLiked"], false);
    eventually(&app, None, EPISODE, id, &["episode", "likeCount"], json!(0)).await;
    assert_eq!(app.count("episode_likes").await, 0);
}

async fn likes_on_what_the_caller_cannot_see_or_by_nobody_are_refused_and_change_nothing(
    backend: Backend,
) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Hidden").await;
    let private = video(
        &app,
        &admin,
        &ch,
        "Private",
        json!({ "status": "READY", "visibility": "PRIVATE", "publishAt": "2020-01-01T00:00:00Z" }),
    )
    .await;
    let draft = video(
        &app,
        &admin,
        &ch,
        "Draft",
        json!({ "publishAt": "2020-01-01T00:00:00Z" }),
    )
    .await;
    let unpublished = video(
        &app,
        &admin,
        &ch,
        "Scheduled",
        json!({ "status": "READY", "publishAt": "2999-01-01T00:00:00Z" }),
    )
    .await;
    let public = public_video(&app, &admin, &ch, "Public").await;
    let ada = viewer(&app, "ada@example.com").await;
    let read = app
        .graphql_ok(
            Some(&admin),
            "mutation { createApiToken(input: { name: \"site\", scope: READ }) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let gone = projector_api::graphql::relay::to_global("Video", uuid::Uuid::now_v7()).0;
    for (what, id) in [
        ("private", &private),
        ("draft", &draft),
        ("scheduled", &unpublished),
        ("unknown", &gone),
    ] {
        for query in [LIKE, UNLIKE] {
            let body = app
                .graphql(Some(&ada), query, json!({ "i": { "videoId": id } }))
                .await;
            assert_eq!(error_code(&body), Some("NOT_FOUND"), "{what}: {body}");
        }
    }
    for (who, token, code) in [
        ("anonymous", None, "UNAUTHENTICATED"),
        // A READ-only token is a valid credential that may not write.
        ("read token", Some(read.as_str()), "FORBIDDEN"),
    ] {
        let body = app
            .graphql(token, LIKE, json!({ "i": { "videoId": public } }))
            .await;
        assert_eq!(error_code(&body), Some(code), "{who}: {body}");
    }
    for id in [ch.as_str(), "not an id", ""] {
        let body = app
            .graphql(Some(&ada), LIKE, json!({ "i": { "videoId": id } }))
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{id}: {body}");
    }
    let private_episode = {
        let e = public_episode(&app, &admin, &ch, "Soon private").await;
        app.graphql_ok(
            Some(&admin),
            "mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "id": e, "visibility": "PRIVATE" } }),
        )
        .await;
        e
    };
    let body = app
        .graphql(
            Some(&ada),
            LIKE_EPISODE,
            json!({ "i": { "episodeId": private_episode } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    assert_eq!(app.count("video_likes").await, 0);
    assert_eq!(app.count("episode_likes").await, 0);
    // The channel's editors (here the admin) may like what they can see.
    app.graphql_ok(Some(&admin), LIKE, json!({ "i": { "videoId": private } }))
        .await;
    assert_eq!(app.count("video_likes").await, 1);
}

async fn deleting_a_video_or_a_user_deletes_their_likes(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Gone").await;
    let first = public_video(&app, &admin, &ch, "First").await;
    let second = public_video(&app, &admin, &ch, "Second").await;
    let e = public_episode(&app, &admin, &ch, "Episode").await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    for token in [&ada, &bob] {
        for v in [&first, &second] {
            app.graphql_ok(Some(token), LIKE, json!({ "i": { "videoId": v } }))
                .await;
        }
        app.graphql_ok(
            Some(token),
            LIKE_EPISODE,
            json!({ "i": { "episodeId": e } }),
        )
        .await;
    }
    assert_eq!(app.count("video_likes").await, 4);
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteVideoInput!) { deleteVideo(input: $i) { deletedId } }",
        json!({ "i": { "id": first } }),
    )
    .await;
    assert_eq!(app.count("video_likes").await, 2);
    sql(&app, "DELETE FROM users WHERE email = 'bob@example.com'").await;
    assert_eq!(app.count("video_likes").await, 1);
    assert_eq!(app.count("episode_likes").await, 1);
}

both_databases!(
    liking_twice_counts_once_and_the_count_follows_in_a_batch,
    episodes_are_liked_like_videos,
    likes_on_what_the_caller_cannot_see_or_by_nobody_are_refused_and_change_nothing,
    deleting_a_video_or_a_user_deletes_their_likes,
);

async fn counts_not_yet_written_are_written_at_a_graceful_shutdown(backend: Backend) {
    let app = projector_tests::spawn_app_with(backend, |c| {
        c.accounts.registration = Some(projector_api::config::Registration::Open);
        // Never within the test: only the shutdown writes.
        c.delivery.view_flush_ms = 3_600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Restarted").await;
    let v = public_video(&app, &admin, &ch, "Liked before the restart").await;
    let ada = viewer(&app, "ada@example.com").await;
    app.graphql_ok(Some(&ada), LIKE, json!({ "i": { "videoId": v } }))
        .await;
    app.graphql_ok(
        Some(&ada),
        "mutation($i: SubscribeInput!) { subscribe(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": ch } }),
    )
    .await;
    let read = "query($v: ID!, $c: ID!) { video(id: $v) { likeCount } channel(id: $c) { subscriberCount } }";
    let vars = json!({ "v": v, "c": ch });
    let before = app.graphql_ok(None, read, vars.clone()).await;
    assert_eq!(
        before["video"]["likeCount"], 0,
        "written before the batch: {before}"
    );
    let app = app.restart().await;
    let after = app.graphql_ok(None, read, vars).await;
    assert_eq!(after["video"]["likeCount"], 1, "{after}");
    assert_eq!(after["channel"]["subscriberCount"], 1, "{after}");
}

both_databases!(counts_not_yet_written_are_written_at_a_graceful_shutdown);

async fn the_callers_likes_and_positions_on_a_page_are_batched_not_read_one_item_at_a_time(
    backend: Backend,
) {
    // Counters written only at shutdown: no background statement lands in a measurement.
    let app = projector_tests::spawn_app_with(backend, |c| {
        c.accounts.registration = Some(projector_api::config::Registration::Open);
        c.delivery.view_flush_ms = 3_600_000;
    })
    .await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Page").await;
    let ada = viewer(&app, "ada@example.com").await;
    for n in 0..12 {
        let v = public_video(&app, &admin, &ch, &format!("V{n}")).await;
        if n % 2 == 0 {
            app.graphql_ok(Some(&ada), LIKE, json!({ "i": { "videoId": v } }))
                .await;
            app.graphql_ok(
                Some(&ada),
                "mutation($i: SaveWatchPositionInput!) { saveWatchPosition(input: $i) { seconds } }",
                json!({ "i": { "itemId": v, "seconds": n } }),
            )
            .await;
        }
    }
    let page = "query($n: Int) { videos(first: $n, orderBy: TITLE) { nodes { title viewerHasLiked viewerPosition } } }";
    let mut costs = Vec::new();
    for n in [1, 12] {
        let (cost, data) = app.statements_of(Some(&ada), page, json!({ "n": n })).await;
        costs.push(cost);
        if n == 12 {
            let liked = data["videos"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["viewerHasLiked"] == true && v["viewerPosition"].is_number())
                .count();
            assert_eq!(liked, 6, "{data}");
        }
    }
    // Without the loaders twelve videos would cost 22 statements more than one. Batching
    // depends on timing (a key arriving after the batch window goes out in a second statement),
    // so a loader may take two statements under load; never one per video.
    assert!(
        costs[1] <= costs[0] + 4,
        "statements for 1 and 12 videos: {costs:?}"
    );
}

both_databases!(the_callers_likes_and_positions_on_a_page_are_batched_not_read_one_item_at_a_time);
