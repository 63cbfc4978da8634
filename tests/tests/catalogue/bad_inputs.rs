//! Bad input gets a clear error code and changes nothing.

use projector_tests::{Backend, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

use crate::support;

const TABLES: [&str; 9] = [
    "channels",
    "channel_members",
    "videos",
    "video_tags",
    "playlists",
    "playlist_items",
    "podcasts",
    "episodes",
    "search_documents",
];

async fn bad_input_is_refused_with_its_code_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let outsider = app.user_token("outsider@example.com", "EDITOR").await;
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let channel = support::channel(&app, &editor, "Home").await;
    support::channel(&app, &outsider, "Away").await;
    let video = support::video(&app, &editor, &channel, "Taken", json!({ "slug": "taken" })).await;
    let second = support::public_video(&app, &editor, &channel, "Second").await;
    let playlist = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "List" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }";
    let item = app
        .graphql_ok(
            Some(&editor),
            add,
            json!({ "i": { "playlistId": playlist, "videoId": video } }),
        )
        .await["addPlaylistItem"]["item"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.graphql_ok(
        Some(&editor),
        add,
        json!({ "i": { "playlistId": playlist, "videoId": second } }),
    )
    .await;
    // The same UUID as `video`, presented as another type, and an ID that names nothing.
    let (_, uuid) = decode(&video);
    let video_as_channel = encode(&format!("Channel:{uuid}"));
    let unknown_video = encode("Video:0190f5c2-0000-7000-8000-000000000000");

    let create_video =
        "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }";
    let update_video =
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }";
    let create_channel =
        "mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } } }";
    let create_podcast =
        "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }";
    let podcast = |extra: Value| {
        let mut i = json!({ "channelId": channel, "title": "Show", "author": "A", "ownerName": "A",
            "ownerEmail": "a@example.com", "language": "en" });
        for (k, v) in extra.as_object().unwrap() {
            i[k] = v.clone();
        }
        json!({ "i": i })
    };
    let ten_kb = "x".repeat(10 * 1024);

    // (case, caller, query, variables, expected code)
    let cases: Vec<(&str, Option<&str>, &str, Value, &str)> = vec![
        (
            "empty title",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": "   " } }),
            "VALIDATION",
        ),
        (
            "10 KB title",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": ten_kb } }),
            "VALIDATION",
        ),
        (
            "invalid slug",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": "Ok", "slug": "Not A Slug" } }),
            "VALIDATION",
        ),
        (
            "duplicate video slug",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": "Other", "slug": "taken" } }),
            "CONFLICT",
        ),
        (
            "duplicate slug on rename",
            Some(&editor),
            update_video,
            json!({ "i": { "id": second, "slug": "taken" } }),
            "CONFLICT",
        ),
        (
            "duplicate channel slug",
            Some(&editor),
            create_channel,
            json!({ "i": { "name": "Home again", "slug": "home" } }),
            "CONFLICT",
        ),
        (
            "empty title on update",
            Some(&editor),
            update_video,
            json!({ "i": { "id": video, "title": "" } }),
            "VALIDATION",
        ),
        (
            "unknown ID",
            Some(&editor),
            update_video,
            json!({ "i": { "id": unknown_video, "title": "New" } }),
            "NOT_FOUND",
        ),
        (
            "malformed ID",
            Some(&editor),
            update_video,
            json!({ "i": { "id": "not-an-id", "title": "New" } }),
            "VALIDATION",
        ),
        (
            "ID of another type",
            Some(&editor),
            update_video,
            json!({ "i": { "id": video_as_channel, "title": "New" } }),
            "VALIDATION",
        ),
        (
            "editor touching another channel's video",
            Some(&outsider),
            update_video,
            json!({ "i": { "id": video, "title": "Mine now" } }),
            "FORBIDDEN",
        ),
        (
            "editor creating in another channel",
            Some(&outsider),
            create_video,
            json!({ "i": { "channelId": channel, "title": "Sneaky" } }),
            "FORBIDDEN",
        ),
        (
            "editor deleting another channel",
            Some(&outsider),
            "mutation($i: DeleteChannelInput!) { deleteChannel(input: $i) { deletedId } }",
            json!({ "i": { "id": channel } }),
            "FORBIDDEN",
        ),
        (
            "viewer creating a channel",
            Some(&viewer),
            create_channel,
            json!({ "i": { "name": "Viewer's" } }),
            "FORBIDDEN",
        ),
        (
            "anonymous creating a channel",
            None,
            create_channel,
            json!({ "i": { "name": "Nobody's" } }),
            "UNAUTHENTICATED",
        ),
        (
            "playlist move past the end",
            Some(&editor),
            "mutation($i: MovePlaylistItemInput!) { movePlaylistItem(input: $i) { item { id } } }",
            json!({ "i": { "itemId": item, "position": 2 } }),
            "VALIDATION",
        ),
        (
            "playlist add past the end",
            Some(&editor),
            add,
            json!({ "i": { "playlistId": playlist, "videoId": video, "position": 5 } }),
            "VALIDATION",
        ),
        (
            "unknown iTunes category",
            Some(&editor),
            create_podcast,
            podcast(json!({ "itunesCategories": [{ "category": "Cooking" }] })),
            "VALIDATION",
        ),
        (
            "iTunes subcategory of another category",
            Some(&editor),
            create_podcast,
            podcast(
                json!({ "itunesCategories": [{ "category": "Arts", "subcategory": "Tech News" }] }),
            ),
            "VALIDATION",
        ),
        (
            "bad owner email",
            Some(&editor),
            create_podcast,
            podcast(json!({ "ownerEmail": "nope" })),
            "VALIDATION",
        ),
        (
            "chapters out of order",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": "Ch", "chapters": [{ "title": "B", "startSecs": 10 }, { "title": "A", "startSecs": 5 }] } }),
            "VALIDATION",
        ),
        (
            "window that ends before it starts",
            Some(&editor),
            update_video,
            json!({ "i": { "id": video, "publishAt": "2030-01-01T00:00:00Z", "unpublishAt": "2029-01-01T00:00:00Z" } }),
            "VALIDATION",
        ),
        (
            "bad language tag",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": "Lang", "language": "not a language" } }),
            "VALIDATION",
        ),
        (
            "unknown tag",
            Some(&editor),
            create_video,
            json!({ "i": { "channelId": channel, "title": "Tagged", "tagIds": [encode("Tag:0190f5c2-0000-7000-8000-000000000000")] } }),
            "NOT_FOUND",
        ),
    ];

    let before = counts(&app).await;
    let snapshot = "query($id: ID!) { video(id: $id) { title slug publishAt unpublishAt } }";
    let video_before = app
        .graphql_ok(Some(&admin), snapshot, json!({ "id": video }))
        .await;
    for (case, token, query, variables, expected) in cases {
        let body = app.graphql(token, query, variables).await;
        assert_eq!(error_code(&body), Some(expected), "{case}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{case}"
        );
        assert_eq!(counts(&app).await, before, "{case} changed rows");
    }
    let video_after = app
        .graphql_ok(Some(&admin), snapshot, json!({ "id": video }))
        .await;
    assert_eq!(video_before, video_after);

    // Reads: a malformed ID is an error, an unknown one is simply null.
    let body = app
        .graphql(None, "{ node(id: \"%%%\") { id } }", json!({}))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let data = app
        .graphql_ok(
            None,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": unknown_video }),
        )
        .await;
    assert!(data["node"].is_null());
}

async fn a_taken_unique_value_is_a_conflict_that_names_its_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Home").await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Show", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let create_episode =
        "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }";
    app.graphql_ok(
        Some(&admin),
        create_episode,
        json!({ "i": { "podcastId": podcast, "title": "One", "guid": "show-1" } }),
    )
    .await;
    let before = counts(&app).await;

    // The database's own unique index (one GUID per feed item, across podcasts) names the field.
    let body = app
        .graphql(
            Some(&admin),
            create_episode,
            json!({ "i": { "podcastId": podcast, "title": "Two", "guid": "show-1" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "guid", "{body}");
    assert_eq!(
        body["errors"][0]["message"], "that guid is already taken",
        "{body}"
    );
    // A slug taken inside its channel names the slug, and says which value.
    let body = app
        .graphql(
            Some(&admin),
            "mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } } }",
            json!({ "i": { "name": "Home again", "slug": "home" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "slug", "{body}");
    assert_eq!(
        body["errors"][0]["message"], "slug: `home` is already taken",
        "{body}"
    );
    // A duplicate email, found before any write, names its field the same way.
    let body = app
        .graphql(
            Some(&admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
            json!({ "i": { "email": projector_tests::ADMIN_EMAIL, "password": "password-1234", "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "email", "{body}");
    assert_eq!(counts(&app).await, before);
}

async fn counts(app: &projector_tests::TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for table in TABLES {
        out.push(app.count(table).await);
    }
    out
}

fn encode(raw: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode(id: &str) -> (String, String) {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (kind, uuid) = text.split_once(':').unwrap();
    (kind.to_string(), uuid.to_string())
}

both_databases!(
    bad_input_is_refused_with_its_code_and_changes_nothing,
    a_taken_unique_value_is_a_conflict_that_names_its_field,
);
