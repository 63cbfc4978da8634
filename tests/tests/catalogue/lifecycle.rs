//! The lifecycle of videos and episodes belongs to the server: status and duration come from
//! the media pipeline only, nothing whose media does not play is public or can be published,
//! and new items stay unpublished until published. And every update is a patch: a field an
//! update leaves out stays exactly as it was.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

use crate::support;

const PUBLISH_VIDEO: &str =
    "mutation($id: ID!) { publishVideo(input: { id: $id }) { video { id status publishAt } } }";
const PUBLISH_EPISODE: &str =
    "mutation($id: ID!) { publishEpisode(input: { id: $id }) { episode { id status publishAt } } }";
const PUBLIC_READ: &str = "query($id: ID!) { node(id: $id) { id } }";

/// The input fields of a GraphQL input type, by introspection.
async fn input_fields(app: &TestApp, name: &str) -> Vec<String> {
    let data = app
        .graphql_ok(
            None,
            "query($n: String!) { __type(name: $n) { inputFields { name } } }",
            json!({ "n": name }),
        )
        .await;
    data["__type"]["inputFields"]
        .as_array()
        .unwrap_or_else(|| panic!("no input type {name}: {data}"))
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

async fn no_input_can_set_a_status_or_a_duration(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    for input in [
        "CreateVideoInput",
        "UpdateVideoInput",
        "CreateEpisodeInput",
        "UpdateEpisodeInput",
    ] {
        let fields = input_fields(&app, input).await;
        assert!(fields.contains(&"title".to_string()), "{input}: {fields:?}");
        for server_owned in ["status", "duration", "mediaError", "viewCount"] {
            assert!(
                !fields.contains(&server_owned.to_string()),
                "{input} lets clients write {server_owned}"
            );
        }
    }

    // A client that still sends them is refused, and nothing is written.
    let channel = support::channel(&app, &admin, "Owned").await;
    for extra in [json!({ "status": "READY" }), json!({ "duration": 60.0 })] {
        let mut input = json!({ "channelId": channel, "title": "Sneaky" });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        let body = app
            .graphql(
                Some(&admin),
                "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }",
                json!({ "i": input }),
            )
            .await;
        assert!(body["errors"].is_array(), "{extra} was accepted: {body}");
    }
    assert_eq!(app.count("videos").await, 0);
    let video = support::video(&app, &admin, &channel, "Honest", json!({})).await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
            json!({ "i": { "id": video, "status": "READY" } }),
        )
        .await;
    assert!(body["errors"].is_array(), "{body}");
    let read = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { video(id: $id) { status duration } }",
            json!({ "id": video }),
        )
        .await;
    assert_eq!(
        read["video"],
        json!({ "status": "DRAFT", "duration": null })
    );
}

/// A video and an episode (with its podcast) of one channel, created with no window.
async fn one_of_each(app: &TestApp, token: &str) -> [(&'static str, String); 2] {
    let channel = support::channel(app, token, "Lifecycle").await;
    let video = support::video(app, token, &channel, "A video", json!({})).await;
    let podcast = app
        .graphql_ok(
            Some(token),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "A show", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let episode = support::episode(app, token, &podcast, "An episode", json!({})).await;
    [("video", video), ("episode", episode)]
}

fn publish_mutation(kind: &str) -> &'static str {
    if kind == "video" {
        PUBLISH_VIDEO
    } else {
        PUBLISH_EPISODE
    }
}

async fn publishing_without_playable_media_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    for (kind, id) in one_of_each(&app, &admin).await {
        let snapshot = format!(
            "query($id: ID!) {{ node(id: $id) {{ ... on {} {{ status publishAt unpublishAt }} }} }}",
            if kind == "video" { "Video" } else { "Episode" }
        );
        // No media yet, then media that failed: refused, with a message that says why.
        for (status, words) in [("DRAFT", "no media"), ("FAILED", "could not be processed")] {
            app.set_media_status(&id, status).await;
            let before = app
                .graphql_ok(Some(&admin), &snapshot, json!({ "id": id }))
                .await;
            let body = app
                .graphql(Some(&admin), publish_mutation(kind), json!({ "id": id }))
                .await;
            assert_eq!(
                error_code(&body),
                Some("VALIDATION"),
                "{kind} {status}: {body}"
            );
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains(words), "{kind} {status}: {message}");
            let after = app
                .graphql_ok(Some(&admin), &snapshot, json!({ "id": id }))
                .await;
            assert_eq!(
                before, after,
                "{kind} {status}: a refused publish changed it"
            );
            assert!(after["node"]["publishAt"].is_null(), "{after}");
        }

        // Media still processing: accepted, but out only once it plays.
        app.set_media_status(&id, "PROCESSING").await;
        let published = app
            .graphql_ok(Some(&admin), publish_mutation(kind), json!({ "id": id }))
            .await;
        let payload = published.as_object().unwrap().values().next().unwrap();
        let item = payload.as_object().unwrap().values().next().unwrap();
        assert_eq!(item["status"], "PROCESSING", "{published}");
        assert!(item["publishAt"].is_string(), "{published}");
        let public = app.graphql_ok(None, PUBLIC_READ, json!({ "id": id })).await;
        assert!(public["node"].is_null(), "{kind} public while processing");
        // A failed transcode keeps it hidden; a successful one lets it out without another step.
        app.set_media_status(&id, "FAILED").await;
        let public = app.graphql_ok(None, PUBLIC_READ, json!({ "id": id })).await;
        assert!(public["node"].is_null(), "{kind} public with failed media");
        app.set_media_status(&id, "READY").await;
        let public = app.graphql_ok(None, PUBLIC_READ, json!({ "id": id })).await;
        assert_eq!(
            public["node"]["id"],
            id.as_str(),
            "{kind} not out once ready"
        );
    }
}

async fn a_new_item_stays_unpublished_after_its_media_is_ready_unless_it_was_given_a_window(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    for (kind, id) in one_of_each(&app, &admin).await {
        app.set_media_status(&id, "READY").await;
        let public = app.graphql_ok(None, PUBLIC_READ, json!({ "id": id })).await;
        assert!(public["node"].is_null(), "a new {kind} went out by itself");
        app.graphql_ok(Some(&admin), publish_mutation(kind), json!({ "id": id }))
            .await;
        let public = app.graphql_ok(None, PUBLIC_READ, json!({ "id": id })).await;
        assert_eq!(public["node"]["id"], id.as_str(), "{kind}");
    }
    // A window given at creation is a schedule: out as soon as the media plays.
    let channel = support::channel(&app, &admin, "Scheduled").await;
    let video = support::video(
        &app,
        &admin,
        &channel,
        "Given a window",
        json!({ "publishAt": "2020-01-01T00:00:00Z" }),
    )
    .await;
    let public = app
        .graphql_ok(None, PUBLIC_READ, json!({ "id": video }))
        .await;
    assert!(public["node"].is_null(), "public before it had media");
    app.set_media_status(&video, "READY").await;
    let public = app
        .graphql_ok(None, PUBLIC_READ, json!({ "id": video }))
        .await;
    assert_eq!(public["node"]["id"], video.as_str());
}

/// An item with an update mutation: its query, its update, and one change per input field
/// (`(input field, new value, field read back)`), values first, then the nulls that clear.
struct Patchable {
    kind: &'static str,
    id: String,
    read: &'static str,
    update: &'static str,
    changes: Vec<(&'static str, Value, &'static str)>,
}

const VIDEO_FIELDS: &str = "... on Video { title slug description status visibility publishAt
    unpublishAt duration language license chapters { title startSecs } tags { id }
    category { id } }";
const EPISODE_FIELDS: &str = "... on Episode { title slug description guid status visibility
    publishAt unpublishAt duration season number episodeType tags { id } }";
const PODCAST_FIELDS: &str = "... on Podcast { title slug description author ownerName ownerEmail
    language itunesCategories { category subcategory } explicit locked type visibility }";

async fn create(app: &TestApp, token: &str, mutation: &str, input: Value) -> String {
    let data = app
        .graphql_ok(Some(token), mutation, json!({ "i": input }))
        .await;
    let payload = data.as_object().unwrap().values().next().unwrap();
    let item = payload.as_object().unwrap().values().next().unwrap();
    item["id"].as_str().unwrap().to_string()
}

/// One item of every kind that has an update mutation, each with every field set.
async fn patchables(app: &TestApp, admin: &str) -> Vec<Patchable> {
    let tag = |name: &'static str| async move {
        create(
            app,
            admin,
            "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { id } } }",
            json!({ "name": name }),
        )
        .await
    };
    let category = |name: &'static str| async move {
        create(
            app,
            admin,
            "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id } } }",
            json!({ "name": name }),
        )
        .await
    };
    let (tag_a, tag_b, tag_c) = (tag("Alpha").await, tag("Beta").await, tag("Gamma").await);
    let (cat_a, cat_b) = (category("Science").await, category("Travel").await);
    let nested = create(
        app,
        admin,
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id } } }",
        json!({ "name": "Physics", "slug": "physics", "parentId": &cat_a }),
    )
    .await;
    let channel = create(
        app,
        admin,
        "mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } } }",
        json!({ "name": "Everything", "slug": "everything", "description": "All of it." }),
    )
    .await;
    let video = create(
        app,
        admin,
        "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { id } } }",
        json!({ "channelId": &channel, "title": "Full video", "slug": "full-video",
            "description": "About it.", "visibility": "UNLISTED",
            "publishAt": "2030-01-01T00:00:00Z", "unpublishAt": "2031-01-01T00:00:00Z",
            "language": "en", "license": "CC BY 4.0", "categoryId": &cat_a, "tagIds": [&tag_a],
            "chapters": [{ "title": "Intro", "startSecs": 0 }] }),
    )
    .await;
    let podcast = create(
        app,
        admin,
        "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
        json!({ "channelId": &channel, "title": "Full show", "slug": "full-show",
            "description": "Talk.", "author": "Ann", "ownerName": "Owen",
            "ownerEmail": "owen@example.com", "language": "en",
            "itunesCategories": [{ "category": "Technology" }], "explicit": false,
            "locked": false, "type": "EPISODIC", "visibility": "UNLISTED" }),
    )
    .await;
    let episode = create(
        app,
        admin,
        "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
        json!({ "podcastId": &podcast, "title": "Full episode", "slug": "full-episode",
            "description": "Part one.", "guid": "urn:test:1", "season": 1, "number": 2,
            "episodeType": "BONUS", "visibility": "UNLISTED",
            "publishAt": "2030-01-01T00:00:00Z", "unpublishAt": "2031-01-01T00:00:00Z",
            "tagIds": [&tag_a] }),
    )
    .await;
    let playlist = create(
        app,
        admin,
        "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
        json!({ "channelId": &channel, "title": "Full list", "slug": "full-list",
            "description": "Picks.", "visibility": "UNLISTED" }),
    )
    .await;
    // What the pipeline owns is set too, so an update that clobbered it would show.
    let db = app.db().await;
    for table in ["videos", "episodes"] {
        db.execute_unprepared(&format!(
            "UPDATE {table} SET status = 'ready', duration_secs = 61.5"
        ))
        .await
        .unwrap();
    }
    db.close().await.ok();

    vec![
        Patchable {
            kind: "video",
            id: video,
            read: VIDEO_FIELDS,
            update: "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
            changes: vec![
                ("title", json!("Renamed"), "title"),
                ("slug", json!("renamed"), "slug"),
                ("description", json!("New text."), "description"),
                ("visibility", json!("PRIVATE"), "visibility"),
                ("publishAt", json!("2030-06-01T00:00:00Z"), "publishAt"),
                ("unpublishAt", json!("2032-01-01T00:00:00Z"), "unpublishAt"),
                ("language", json!("fr"), "language"),
                ("license", json!("MIT"), "license"),
                ("categoryId", json!(&cat_b), "category"),
                ("tagIds", json!([&tag_b, &tag_c]), "tags"),
                (
                    "chapters",
                    json!([{ "title": "Opening", "startSecs": 0 }, { "title": "Middle", "startSecs": 10 }]),
                    "chapters",
                ),
                ("unpublishAt", Value::Null, "unpublishAt"),
                ("publishAt", Value::Null, "publishAt"),
                ("language", Value::Null, "language"),
                ("license", Value::Null, "license"),
                ("categoryId", Value::Null, "category"),
            ],
        },
        Patchable {
            kind: "episode",
            id: episode,
            read: EPISODE_FIELDS,
            update: "mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { episode { id } } }",
            changes: vec![
                ("title", json!("Renamed"), "title"),
                ("slug", json!("renamed"), "slug"),
                ("description", json!("Part two."), "description"),
                ("guid", json!("urn:test:2"), "guid"),
                ("season", json!(3), "season"),
                ("number", json!(4), "number"),
                ("episodeType", json!("TRAILER"), "episodeType"),
                ("visibility", json!("PRIVATE"), "visibility"),
                ("publishAt", json!("2030-06-01T00:00:00Z"), "publishAt"),
                ("unpublishAt", json!("2032-01-01T00:00:00Z"), "unpublishAt"),
                ("tagIds", json!([&tag_b, &tag_c]), "tags"),
                ("season", Value::Null, "season"),
                ("number", Value::Null, "number"),
                ("unpublishAt", Value::Null, "unpublishAt"),
                ("publishAt", Value::Null, "publishAt"),
            ],
        },
        Patchable {
            kind: "podcast",
            id: podcast,
            read: PODCAST_FIELDS,
            update: "mutation($i: UpdatePodcastInput!) { updatePodcast(input: $i) { podcast { id } } }",
            changes: vec![
                ("title", json!("Renamed"), "title"),
                ("slug", json!("renamed"), "slug"),
                ("description", json!("More talk."), "description"),
                ("author", json!("Bea"), "author"),
                ("ownerName", json!("Olga"), "ownerName"),
                ("ownerEmail", json!("olga@example.com"), "ownerEmail"),
                ("language", json!("fr"), "language"),
                (
                    "itunesCategories",
                    json!([{ "category": "Arts" }]),
                    "itunesCategories",
                ),
                ("explicit", json!(true), "explicit"),
                ("locked", json!(true), "locked"),
                ("type", json!("SERIAL"), "type"),
                ("visibility", json!("PRIVATE"), "visibility"),
            ],
        },
        Patchable {
            kind: "channel",
            id: channel,
            read: "... on Channel { name slug description }",
            update: "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { id } } }",
            changes: vec![
                ("name", json!("Renamed"), "name"),
                ("slug", json!("renamed"), "slug"),
                ("description", json!("Some of it."), "description"),
            ],
        },
        Patchable {
            kind: "playlist",
            id: playlist,
            read: "... on Playlist { title slug description visibility }",
            update: "mutation($i: UpdatePlaylistInput!) { updatePlaylist(input: $i) { playlist { id } } }",
            changes: vec![
                ("title", json!("Renamed"), "title"),
                ("slug", json!("renamed"), "slug"),
                ("description", json!("Other picks."), "description"),
                ("visibility", json!("PRIVATE"), "visibility"),
            ],
        },
        Patchable {
            kind: "category",
            id: nested,
            read: "... on Category { name slug parent { id } }",
            update: "mutation($i: UpdateCategoryInput!) { updateCategory(input: $i) { category { id } } }",
            changes: vec![
                ("name", json!("Optics"), "name"),
                ("slug", json!("optics"), "slug"),
                ("parentId", json!(&cat_b), "parent"),
                ("parentId", Value::Null, "parent"),
            ],
        },
        Patchable {
            kind: "tag",
            id: tag_a,
            read: "... on Tag { name slug }",
            update: "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { id } } }",
            changes: vec![
                ("name", json!("Omega"), "name"),
                ("slug", json!("omega"), "slug"),
            ],
        },
    ]
}

async fn read_fields(
    app: &TestApp,
    token: &str,
    item: &Patchable,
) -> serde_json::Map<String, Value> {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ {} }} }}", item.read);
    let data = app
        .graphql_ok(Some(token), &query, json!({ "id": item.id }))
        .await;
    data["node"]
        .as_object()
        .unwrap_or_else(|| panic!("{} unreadable: {data}", item.kind))
        .clone()
}

async fn an_update_changes_only_the_fields_it_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    for item in patchables(&app, &admin).await {
        // A save with nothing in it changes nothing.
        let before = read_fields(&app, &admin, &item).await;
        app.graphql_ok(Some(&admin), item.update, json!({ "i": { "id": item.id } }))
            .await;
        assert_eq!(
            read_fields(&app, &admin, &item).await,
            before,
            "{}: a plain save changed something",
            item.kind
        );
        for (input, value, field) in &item.changes {
            let before = read_fields(&app, &admin, &item).await;
            let mut patch = json!({ "id": item.id });
            patch[*input] = value.clone();
            app.graphql_ok(Some(&admin), item.update, json!({ "i": patch }))
                .await;
            let after = read_fields(&app, &admin, &item).await;
            assert_ne!(
                after[*field], before[*field],
                "{}: setting {input} to {value} did not change {field}",
                item.kind
            );
            for (name, old) in &before {
                if name != field {
                    assert_eq!(
                        &after[name], old,
                        "{}: setting {input} to {value} also changed {name}",
                        item.kind
                    );
                }
            }
        }
    }
}

both_databases!(
    no_input_can_set_a_status_or_a_duration,
    publishing_without_playable_media_is_refused_and_changes_nothing,
    a_new_item_stays_unpublished_after_its_media_is_ready_unless_it_was_given_a_window,
    an_update_changes_only_the_fields_it_names,
);
