//! Subscriptions: idempotent, signed-in users only; the subscriber count in batches; the feed
//! of the followed channels' newest videos and episodes, visibility applied, cursor paged.

use projector_tests::{Backend, both_databases, error_code};
use serde_json::json;

use crate::support::{
    channel, eventually, open_app, public_episode, public_video, sql, video, viewer,
};

const SUBSCRIBE: &str =
    "mutation($i: SubscribeInput!) { subscribe(input: $i) { channel { id viewerIsSubscribed } } }";
const UNSUBSCRIBE: &str =
    "mutation($i: SubscribeInput!) { unsubscribe(input: $i) { channel { viewerIsSubscribed } } }";
const CHANNEL: &str = "query($id: ID!) { channel(id: $id) { subscriberCount viewerIsSubscribed } }";
const FEED: &str = "query($after: String) { subscriptionFeed(first: 2, after: $after) { totalCount edges { cursor node { __typename ... on Video { id } ... on Episode { id } } } pageInfo { hasNextPage endCursor } } }";

fn ids(feed: &serde_json::Value) -> Vec<String> {
    feed["subscriptionFeed"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

async fn subscribing_twice_makes_one_subscription_and_the_count_follows(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Followed").await;
    let ada = viewer(&app, "ada@example.com").await;
    let vars = json!({ "i": { "channelId": ch } });
    for _ in 0..2 {
        let data = app.graphql_ok(Some(&ada), SUBSCRIBE, vars.clone()).await;
        assert_eq!(data["subscribe"]["channel"]["viewerIsSubscribed"], true);
    }
    assert_eq!(app.count("channel_subscriptions").await, 1);
    let id = json!({ "id": ch });
    eventually(
        &app,
        Some(&ada),
        CHANNEL,
        id.clone(),
        &["channel"],
        json!({ "subscriberCount": 1, "viewerIsSubscribed": true }),
    )
    .await;
    eventually(
        &app,
        None,
        CHANNEL,
        id.clone(),
        &["channel"],
        json!({ "subscriberCount": 1, "viewerIsSubscribed": false }),
    )
    .await;
    for _ in 0..2 {
        let data = app.graphql_ok(Some(&ada), UNSUBSCRIBE, vars.clone()).await;
        assert_eq!(data["unsubscribe"]["channel"]["viewerIsSubscribed"], false);
    }
    eventually(
        &app,
        Some(&ada),
        CHANNEL,
        id,
        &["channel"],
        json!({ "subscriberCount": 0, "viewerIsSubscribed": false }),
    )
    .await;
    assert_eq!(app.count("channel_subscriptions").await, 0);
}

async fn bad_subscriptions_are_refused_and_change_nothing(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let ch = channel(&app, &admin, "Real").await;
    let ada = viewer(&app, "ada@example.com").await;
    let unknown = projector_api::graphql::relay::to_global("Channel", uuid::Uuid::now_v7()).0;
    let body = app
        .graphql(
            Some(&ada),
            SUBSCRIBE,
            json!({ "i": { "channelId": unknown } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let v = public_video(&app, &admin, &ch, "Not a channel").await;
    for id in [v.as_str(), "garbage"] {
        let body = app
            .graphql(Some(&ada), SUBSCRIBE, json!({ "i": { "channelId": id } }))
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    }
    let body = app
        .graphql(None, SUBSCRIBE, json!({ "i": { "channelId": ch } }))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let body = app.graphql(None, FEED, json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert_eq!(app.count("channel_subscriptions").await, 0);
}

async fn the_feed_lists_the_newest_visible_videos_of_followed_channels_only(backend: Backend) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let followed = channel(&app, &admin, "Followed").await;
    let other = channel(&app, &admin, "Other").await;
    let published =
        |day: u32| json!({ "status": "READY", "publishAt": format!("2024-01-{day:02}T00:00:00Z") });
    let oldest = video(&app, &admin, &followed, "Oldest", published(1)).await;
    let middle = video(&app, &admin, &followed, "Middle", published(2)).await;
    let newest = video(&app, &admin, &followed, "Newest", published(3)).await;
    // Not shown: another channel's, a private one, an unlisted one, a draft, a future one.
    public_video(&app, &admin, &other, "Elsewhere").await;
    video(
        &app,
        &admin,
        &followed,
        "Private",
        json!({ "status": "READY", "visibility": "PRIVATE", "publishAt": "2024-01-04T00:00:00Z" }),
    )
    .await;
    video(
        &app,
        &admin,
        &followed,
        "Unlisted",
        json!({ "status": "READY", "visibility": "UNLISTED", "publishAt": "2024-01-04T00:00:00Z" }),
    )
    .await;
    video(
        &app,
        &admin,
        &followed,
        "Draft",
        json!({ "publishAt": "2024-01-04T00:00:00Z" }),
    )
    .await;
    video(
        &app,
        &admin,
        &followed,
        "Future",
        json!({ "status": "READY", "publishAt": "2999-01-01T00:00:00Z" }),
    )
    .await;
    let ada = viewer(&app, "ada@example.com").await;
    let bob = viewer(&app, "bob@example.com").await;
    assert!(ids(&app.graphql_ok(Some(&ada), FEED, json!({})).await).is_empty());
    app.graphql_ok(
        Some(&ada),
        SUBSCRIBE,
        json!({ "i": { "channelId": followed } }),
    )
    .await;

    let page1 = app.graphql_ok(Some(&ada), FEED, json!({})).await;
    assert_eq!(ids(&page1), vec![newest.clone(), middle.clone()]);
    assert_eq!(page1["subscriptionFeed"]["pageInfo"]["hasNextPage"], true);
    let cursor = page1["subscriptionFeed"]["pageInfo"]["endCursor"].clone();
    let page2 = app
        .graphql_ok(Some(&ada), FEED, json!({ "after": cursor }))
        .await;
    assert_eq!(ids(&page2), vec![oldest]);
    assert_eq!(page2["subscriptionFeed"]["pageInfo"]["hasNextPage"], false);
    // Another viewer's feed is their own: empty, and Ada's cursor does not page it.
    assert!(ids(&app.graphql_ok(Some(&bob), FEED, json!({})).await).is_empty());
    let body = app
        .graphql(Some(&bob), FEED, json!({ "after": cursor }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    // A video published now comes first.
    let fresh = public_video(&app, &admin, &followed, "Fresh").await;
    sql(
        &app,
        "UPDATE videos SET publish_at = created_at WHERE title = 'Fresh'",
    )
    .await;
    assert_eq!(
        ids(&app.graphql_ok(Some(&ada), FEED, json!({})).await)[0],
        fresh
    );
    // Deleting the channel deletes the subscription.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteChannelInput!) { deleteChannel(input: $i) { deletedId } }",
        json!({ "i": { "id": followed } }),
    )
    .await;
    assert_eq!(app.count("channel_subscriptions").await, 0);
}

/// Creates a podcast in `channel` (extra input fields merged in); returns its ID.
async fn podcast(
    app: &projector_tests::TestApp,
    admin: &str,
    channel: &str,
    extra: serde_json::Value,
) -> String {
    let mut input = json!({ "channelId": channel, "title": "Show", "author": "A",
        "ownerName": "O", "ownerEmail": "o@example.com", "language": "en" });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    app.graphql_ok(
        Some(admin),
        "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
        json!({ "i": input }),
    )
    .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates an episode (extra input fields merged in), its audio ready unless `ready` is false.
async fn episode(
    app: &projector_tests::TestApp,
    admin: &str,
    podcast: &str,
    title: &str,
    extra: serde_json::Value,
    ready: bool,
) -> String {
    let mut input = json!({ "podcastId": podcast, "title": title });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let id = app
        .graphql_ok(
            Some(admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": input }),
        )
        .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    if ready {
        app.set_media_status(&id, "READY").await;
    }
    id
}

async fn the_feed_mixes_episodes_and_videos_by_publish_time_and_never_shows_hidden_ones(
    backend: Backend,
) {
    let app = open_app(backend).await;
    let admin = app.admin_token().await;
    let followed = channel(&app, &admin, "Followed").await;
    let other = channel(&app, &admin, "Other").await;
    let at = |day: u32| format!("2024-02-{day:02}T00:00:00Z");
    let v1 = video(
        &app,
        &admin,
        &followed,
        "V1",
        json!({ "status": "READY", "publishAt": at(1) }),
    )
    .await;
    let v3 = video(
        &app,
        &admin,
        &followed,
        "V3",
        json!({ "status": "READY", "publishAt": at(3) }),
    )
    .await;
    let show = podcast(&app, &admin, &followed, json!({})).await;
    let e2 = episode(
        &app,
        &admin,
        &show,
        "E2",
        json!({ "publishAt": at(2) }),
        true,
    )
    .await;
    let e4 = episode(
        &app,
        &admin,
        &show,
        "E4",
        json!({ "publishAt": at(4) }),
        true,
    )
    .await;
    // Never in the feed: a private episode, an unpublished one, one still being prepared, a
    // future one, an episode of a private podcast, and another channel's episode.
    episode(
        &app,
        &admin,
        &show,
        "Private",
        json!({ "publishAt": at(5), "visibility": "PRIVATE" }),
        true,
    )
    .await;
    episode(
        &app,
        &admin,
        &show,
        "Unpublished",
        json!({ "publishAt": at(5), "unpublishAt": at(6) }),
        true,
    )
    .await;
    episode(
        &app,
        &admin,
        &show,
        "Preparing",
        json!({ "publishAt": at(5) }),
        false,
    )
    .await;
    episode(
        &app,
        &admin,
        &show,
        "Future",
        json!({ "publishAt": "2999-01-01T00:00:00Z" }),
        true,
    )
    .await;
    let hidden = podcast(
        &app,
        &admin,
        &followed,
        json!({ "title": "Hidden", "visibility": "PRIVATE" }),
    )
    .await;
    episode(
        &app,
        &admin,
        &hidden,
        "In a private show",
        json!({ "publishAt": at(5) }),
        true,
    )
    .await;
    public_episode(&app, &admin, &other, "Elsewhere").await;
    // An editor of the followed channel who follows it does not find its drafts either.
    video(
        &app,
        &admin,
        &followed,
        "Draft",
        json!({ "publishAt": at(7) }),
    )
    .await;

    let ada = viewer(&app, "ada@example.com").await;
    app.graphql_ok(
        Some(&ada),
        SUBSCRIBE,
        json!({ "i": { "channelId": followed } }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        SUBSCRIBE,
        json!({ "i": { "channelId": followed } }),
    )
    .await;
    for token in [&ada, &admin] {
        let page1 = app.graphql_ok(Some(token), FEED, json!({})).await;
        assert_eq!(ids(&page1), vec![e4.clone(), v3.clone()], "{page1}");
        assert_eq!(page1["subscriptionFeed"]["totalCount"], 4);
        let kinds: Vec<_> = page1["subscriptionFeed"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["__typename"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds, ["Episode", "Video"]);
        let cursor = page1["subscriptionFeed"]["pageInfo"]["endCursor"].clone();
        let page2 = app
            .graphql_ok(Some(token), FEED, json!({ "after": cursor }))
            .await;
        assert_eq!(ids(&page2), vec![e2.clone(), v1.clone()], "{page2}");
        assert_eq!(page2["subscriptionFeed"]["pageInfo"]["hasNextPage"], false);
    }
    // Unpublishing an episode takes it out of the feed at once.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: PublishEpisodeInput!) { unpublishEpisode(input: $i) { episode { id } } }",
        json!({ "i": { "id": e4 } }),
    )
    .await;
    let feed = app.graphql_ok(Some(&ada), FEED, json!({})).await;
    assert_eq!(ids(&feed), vec![v3, e2], "{feed}");
}

both_databases!(
    subscribing_twice_makes_one_subscription_and_the_count_follows,
    bad_subscriptions_are_refused_and_change_nothing,
    the_feed_lists_the_newest_visible_videos_of_followed_channels_only,
    the_feed_mixes_episodes_and_videos_by_publish_time_and_never_shows_hidden_ones,
);
