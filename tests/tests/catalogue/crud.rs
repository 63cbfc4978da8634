//! Create, read, update and delete of every catalogue type.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::json;

use crate::support;

async fn a_channel_is_created_read_updated_and_deleted_by_its_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.user_token("ed@example.com", "EDITOR").await;
    let data = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: CreateChannelInput!) { createChannel(input: $i) {
                channel { id name slug descriptionHtml members { role user { email } } } } }",
            json!({ "i": { "name": "Café Été", "description": "**bold** <script>x</script>" } }),
        )
        .await;
    let channel = &data["createChannel"]["channel"];
    assert_eq!(channel["slug"], "cafe-ete");
    assert_eq!(channel["members"][0]["role"], "OWNER");
    assert_eq!(channel["members"][0]["user"]["email"], "ed@example.com");
    let html = channel["descriptionHtml"].as_str().unwrap();
    assert!(
        html.contains("<strong>bold</strong>") && !html.contains("<script"),
        "{html}"
    );
    let id = channel["id"].as_str().unwrap();

    let read = app
        .graphql_ok(
            None,
            "query($s: String!) { channel(slug: $s) { id name } }",
            json!({ "s": "cafe-ete" }),
        )
        .await;
    assert_eq!(read["channel"]["id"], id);

    let updated = app
        .graphql_ok(
            Some(&editor),
            "mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { channel { name slug } } }",
            json!({ "i": { "id": id, "name": "Summer", "slug": "summer" } }),
        )
        .await;
    assert_eq!(updated["updateChannel"]["channel"]["slug"], "summer");

    app.graphql_ok(
        Some(&editor),
        "mutation($i: DeleteChannelInput!) { deleteChannel(input: $i) { deletedId } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    assert_eq!(app.count("channels").await, 0);
    assert_eq!(app.count("channel_members").await, 0);
}

async fn channel_members_are_added_and_removed_by_managers_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.user_token("owner@example.com", "EDITOR").await;
    let other = app.user_token("other@example.com", "EDITOR").await;
    let channel = support::channel(&app, &owner, "Team").await;
    let other_id = support::me(&app, &other).await;

    let body = app
        .graphql(
            Some(&other),
            "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { id } } }",
            json!({ "i": { "channelId": channel, "userId": other_id, "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(app.count("channel_members").await, 1);

    let data = app
        .graphql_ok(
            Some(&owner),
            "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) {
                channel { members { role user { email } } } } }",
            json!({ "i": { "channelId": channel, "userId": other_id, "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(
        data["addChannelMember"]["channel"]["members"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Now a member, the other editor may manage the channel.
    support::public_video(&app, &other, &channel, "By the new member").await;

    app.graphql_ok(
        Some(&owner),
        "mutation($i: RemoveChannelMemberInput!) { removeChannelMember(input: $i) { channel { id } } }",
        json!({ "i": { "channelId": channel, "userId": other_id } }),
    )
    .await;
    assert_eq!(app.count("channel_members").await, 1);
}

/// Each member of a channel as (user ID, role), sorted.
async fn member_roles(app: &TestApp, token: &str, channel: &str) -> Vec<(String, String)> {
    let data = app
        .graphql_ok(
            Some(token),
            "query($id: ID!) { channel(id: $id) { members { role user { id } } } }",
            json!({ "id": channel }),
        )
        .await;
    let mut roles: Vec<(String, String)> = data["channel"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user"]["id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    roles.sort();
    roles
}

async fn the_last_owner_of_a_channel_can_be_neither_demoted_nor_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.user_token("owner@example.com", "EDITOR").await;
    let other = app.user_token("other@example.com", "EDITOR").await;
    let channel = support::channel(&app, &owner, "Owned").await;
    let owner_id = support::me(&app, &owner).await;
    let other_id = support::me(&app, &other).await;
    let add = "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { members { role user { id } } } } }";

    // Demoting the only owner would leave a channel nobody can hand over: refused, unchanged.
    let body = app
        .graphql(
            Some(&owner),
            add,
            json!({ "i": { "channelId": channel, "userId": owner_id, "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(body.to_string().contains("last owner"), "{body}");
    assert_eq!(
        member_roles(&app, &owner, &channel).await,
        vec![(owner_id.clone(), "OWNER".to_owned())]
    );

    // With a second owner, the first may step down; the second is then the last one.
    app.graphql_ok(
        Some(&owner),
        add,
        json!({ "i": { "channelId": channel, "userId": other_id, "role": "OWNER" } }),
    )
    .await;
    app.graphql_ok(
        Some(&owner),
        add,
        json!({ "i": { "channelId": channel, "userId": owner_id, "role": "EDITOR" } }),
    )
    .await;
    let body = app
        .graphql(
            Some(&other),
            add,
            json!({ "i": { "channelId": channel, "userId": other_id, "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let body = app
        .graphql(
            Some(&other),
            "mutation($i: RemoveChannelMemberInput!) { removeChannelMember(input: $i) { channel { id } } }",
            json!({ "i": { "channelId": channel, "userId": other_id } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let mut expected = vec![
        (owner_id.clone(), "EDITOR".to_owned()),
        (other_id.clone(), "OWNER".to_owned()),
    ];
    expected.sort();
    assert_eq!(member_roles(&app, &owner, &channel).await, expected);
}

async fn the_video_list_narrows_to_the_channels_the_caller_manages(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let editor = app.user_token("editor@example.com", "EDITOR").await;
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    let mine = support::channel(&app, &editor, "Mine").await;
    let theirs = support::channel(&app, &admin, "Theirs").await;
    support::public_video(&app, &editor, &mine, "My public").await;
    support::video(&app, &editor, &mine, "My draft", json!({})).await;
    support::public_video(&app, &admin, &theirs, "Their public").await;
    support::video(&app, &admin, &theirs, "Their draft", json!({})).await;
    let titles = |token: Option<String>| {
        let app = &app;
        async move {
            let data = app
                .graphql_ok(
                    token.as_deref(),
                    "query { videos(first: 50, filter: { managedByMe: true }, orderBy: TITLE) { totalCount nodes { title } } }",
                    json!({}),
                )
                .await;
            let nodes = data["videos"]["nodes"].as_array().unwrap().clone();
            assert_eq!(data["videos"]["totalCount"], nodes.len(), "{data}");
            nodes
                .iter()
                .map(|n| n["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // The editor's own channel, drafts included; never another channel's public video.
    assert_eq!(
        titles(Some(editor.clone())).await,
        ["My draft", "My public"]
    );
    // Admins manage every channel.
    assert_eq!(
        titles(Some(admin.clone())).await,
        ["My draft", "My public", "Their draft", "Their public"]
    );
    // Callers who manage nothing get nothing (not the public list).
    assert!(titles(Some(viewer.clone())).await.is_empty());
    assert!(titles(None).await.is_empty());
}

async fn the_channel_list_narrows_to_the_channels_the_caller_manages(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let owner = app.user_token("owner@example.com", "EDITOR").await;
    let member = app.user_token("member@example.com", "EDITOR").await;
    let viewer = app.user_token("viewer@example.com", "VIEWER").await;
    support::channel(&app, &owner, "Mine").await;
    support::channel(&app, &admin, "Theirs").await;
    let shared = support::channel(&app, &admin, "Shared").await;
    let member_id = support::me(&app, &member).await;
    let viewer_id = support::me(&app, &viewer).await;
    for user in [&member_id, &viewer_id] {
        app.graphql_ok(
            Some(&admin),
            "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { id } } }",
            json!({ "i": { "channelId": shared, "userId": user, "role": "EDITOR" } }),
        )
        .await;
    }
    let names = |token: Option<String>, managed: Option<bool>| {
        let app = &app;
        async move {
            let data = app
                .graphql_ok(
                    token.as_deref(),
                    "query($f: ChannelListFilter) { channels(filter: $f, orderBy: OLDEST) { totalCount nodes { name viewerCanManage } } }",
                    json!({ "f": { "managedByMe": managed } }),
                )
                .await;
            let nodes = data["channels"]["nodes"].as_array().unwrap().clone();
            assert_eq!(data["channels"]["totalCount"], nodes.len(), "{data}");
            if managed == Some(true) {
                assert!(nodes.iter().all(|n| n["viewerCanManage"] == true), "{data}");
            }
            nodes
                .iter()
                .map(|n| n["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names(Some(owner.clone()), Some(true)).await, ["Mine"]);
    assert_eq!(names(Some(member.clone()), Some(true)).await, ["Shared"]);
    assert_eq!(
        names(Some(admin.clone()), Some(true)).await,
        ["Mine", "Theirs", "Shared"]
    );
    // A viewer may belong to a channel but manages nothing; anonymous callers neither.
    assert!(names(Some(viewer.clone()), Some(true)).await.is_empty());
    assert!(names(None, Some(true)).await.is_empty());
    // Without the filter (or with `false`) everyone gets every channel.
    assert_eq!(names(Some(owner), Some(false)).await.len(), 3);
    assert_eq!(names(None, None).await.len(), 3);
}

async fn a_video_is_created_read_updated_published_and_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Films").await;
    let tag = support::tag(&app, &admin, "Rust").await;
    let category = support::category(&app, &admin, "Science", None).await;
    let data = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video {
                id slug status visibility language duration descriptionHtml
                chapters { title startSecs } tags { name } category { id } channel { id } } } }",
            json!({ "i": {
                "channelId": channel, "title": "Über Rust", "description": "<img src=x onerror=alert(1)>hi",
                "language": "de", "tagIds": [tag], "categoryId": category,
                "chapters": [{ "title": "Intro", "startSecs": 0 }, { "title": "Main", "startSecs": 30 }]
            } }),
        )
        .await;
    let video = &data["createVideo"]["video"];
    assert_eq!(video["slug"], "uber-rust");
    assert_eq!(video["status"], "DRAFT");
    assert_eq!(video["tags"][0]["name"], "Rust");
    assert_eq!(video["category"]["id"], category);
    assert_eq!(video["channel"]["id"], channel);
    assert_eq!(video["chapters"][1]["startSecs"], 30.0);
    assert!(
        !video["descriptionHtml"]
            .as_str()
            .unwrap()
            .contains("onerror")
    );
    let id = video["id"].as_str().unwrap().to_string();

    // A draft is invisible to the public, and cannot be published before it has media.
    let q = "query($id: ID!) { video(id: $id) { id title status } }";
    assert!(app.graphql_ok(None, q, json!({ "id": id })).await["video"].is_null());
    let refused = app
        .graphql(
            Some(&admin),
            "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { id } } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    // Its media is processed (the pipeline's part, written straight to the database here).
    app.set_media_status(&id, "READY").await;
    let published = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: PublishVideoInput!) { publishVideo(input: $i) { video { status publishAt } } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(published["publishVideo"]["video"]["status"], "READY");
    assert_eq!(
        app.graphql_ok(None, q, json!({ "id": id })).await["video"]["id"],
        id.as_str()
    );
    let by_slug = app
        .graphql_ok(
            None,
            "{ video(channelSlug: \"films\", slug: \"uber-rust\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(by_slug["video"]["id"], id.as_str());

    let updated = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { title language tags { name } category { id } } } }",
            json!({ "i": { "id": id, "title": "Renamed", "language": null, "tagIds": [], "categoryId": null } }),
        )
        .await;
    let v = &updated["updateVideo"]["video"];
    assert_eq!(v["title"], "Renamed");
    assert!(v["language"].is_null() && v["category"].is_null());
    assert_eq!(v["tags"].as_array().unwrap().len(), 0);

    app.graphql_ok(
        Some(&admin),
        "mutation($i: PublishVideoInput!) { unpublishVideo(input: $i) { video { unpublishAt } } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    assert!(app.graphql_ok(None, q, json!({ "id": id })).await["video"].is_null());

    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteVideoInput!) { deleteVideo(input: $i) { deletedId } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    assert_eq!(app.count("videos").await, 0);

    // Generated slugs make room for each other; explicit ones collide (see bad_inputs).
    let mut slugs = Vec::new();
    for _ in 0..3 {
        let data = app
            .graphql_ok(
                Some(&admin),
                "mutation($i: CreateVideoInput!) { createVideo(input: $i) { video { slug } } }",
                json!({ "i": { "channelId": channel, "title": "Intro" } }),
            )
            .await;
        slugs.push(
            data["createVideo"]["video"]["slug"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(slugs, ["intro", "intro-2", "intro-3"]);
    assert_eq!(app.count("video_tags").await, 0);
}

async fn a_playlist_keeps_dense_positions_through_add_move_and_remove(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Lists").await;
    let mut videos = Vec::new();
    for n in 0..4 {
        videos.push(support::public_video(&app, &admin, &channel, &format!("V{n}")).await);
    }
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id slug } } }",
            json!({ "i": { "channelId": channel, "title": "Best of" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut items = Vec::new();
    for v in &videos {
        let data = app
            .graphql_ok(
                Some(&admin),
                "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id position } } }",
                json!({ "i": { "playlistId": playlist, "videoId": v } }),
            )
            .await;
        items.push(
            data["addPlaylistItem"]["item"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let order = || async {
        let data = app
            .graphql_ok(
                None,
                "query($id: ID!) { playlist(id: $id) { items { edges { node { position video { title } } } } } }",
                json!({ "id": playlist }),
            )
            .await;
        data["playlist"]["items"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["position"].as_i64().unwrap(),
                    e["node"]["video"]["title"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let titles = |o: Vec<(i64, String)>| {
        for (i, (p, _)) in o.iter().enumerate() {
            assert_eq!(*p, i as i64, "positions are dense: {o:?}");
        }
        o.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(",")
    };
    assert_eq!(titles(order().await), "V0,V1,V2,V3");

    let mv = "mutation($i: MovePlaylistItemInput!) { movePlaylistItem(input: $i) { item { position } } }";
    app.graphql_ok(
        Some(&admin),
        mv,
        json!({ "i": { "itemId": items[0], "position": 3 } }),
    )
    .await;
    assert_eq!(titles(order().await), "V1,V2,V3,V0");
    app.graphql_ok(
        Some(&admin),
        mv,
        json!({ "i": { "itemId": items[3], "position": 0 } }),
    )
    .await;
    assert_eq!(titles(order().await), "V3,V1,V2,V0");
    app.graphql_ok(
        Some(&admin),
        "mutation($i: RemovePlaylistItemInput!) { removePlaylistItem(input: $i) { playlist { id } } }",
        json!({ "i": { "itemId": items[1] } }),
    )
    .await;
    assert_eq!(titles(order().await), "V3,V2,V0");

    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdatePlaylistInput!) { updatePlaylist(input: $i) { playlist { title } } }",
        json!({ "i": { "id": playlist, "title": "Worst of" } }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeletePlaylistInput!) { deletePlaylist(input: $i) { deletedId } }",
        json!({ "i": { "id": playlist } }),
    )
    .await;
    assert_eq!(app.count("playlists").await, 0);
    assert_eq!(app.count("playlist_items").await, 0);
    assert_eq!(app.count("videos").await, 4);
}

async fn concurrent_moves_leave_positions_dense_and_unique(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Race").await;
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "Race" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut items = Vec::new();
    for n in 0..6 {
        let v = support::public_video(&app, &admin, &channel, &format!("R{n}")).await;
        let data = app
            .graphql_ok(
                Some(&admin),
                "mutation($i: AddPlaylistItemInput!) { addPlaylistItem(input: $i) { item { id } } }",
                json!({ "i": { "playlistId": playlist, "videoId": v } }),
            )
            .await;
        items.push(
            data["addPlaylistItem"]["item"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mv = "mutation($i: MovePlaylistItemInput!) { movePlaylistItem(input: $i) { item { position } } }";
    // Two editors reorder at once, several times over.
    for round in 0..5 {
        let a = app.graphql(
            Some(&admin),
            mv,
            json!({ "i": { "itemId": items[round % 6], "position": 5 } }),
        );
        let b = app.graphql(
            Some(&admin),
            mv,
            json!({ "i": { "itemId": items[(round + 3) % 6], "position": 0 } }),
        );
        let (a, b) = tokio::join!(a, b);
        assert!(a.get("errors").is_none(), "{a}");
        assert!(b.get("errors").is_none(), "{b}");
    }
    let db = app.db().await;
    use sea_orm::ConnectionTrait;
    let rows = db
        .query_all(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT position FROM playlist_items ORDER BY position",
        ))
        .await
        .unwrap();
    let positions: Vec<i32> = rows
        .iter()
        .map(|r| r.try_get("", "position").unwrap())
        .collect();
    assert_eq!(positions, vec![0, 1, 2, 3, 4, 5]);
}

async fn a_podcast_and_its_episodes_are_managed_and_the_guid_freezes_on_publish(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Audio").await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast {
                id slug type explicit itunesCategories { category subcategory } } } }",
            json!({ "i": {
                "channelId": channel, "title": "Deep Dive", "author": "Ann", "ownerName": "Ann",
                "ownerEmail": "ann@example.com", "language": "en", "type": "SERIAL", "explicit": true,
                "itunesCategories": [{ "category": "Technology" }, { "category": "News", "subcategory": "Tech News" }]
            } }),
        )
        .await["createPodcast"]["podcast"]
        .clone();
    assert_eq!(podcast["type"], "SERIAL");
    assert_eq!(podcast["itunesCategories"][1]["subcategory"], "Tech News");
    let podcast_id = podcast["id"].as_str().unwrap().to_string();

    let episode = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id guid status episodeType } } }",
            json!({ "i": { "podcastId": podcast_id, "title": "Pilot", "season": 1, "number": 1, "episodeType": "TRAILER" } }),
        )
        .await["createEpisode"]["episode"]
        .clone();
    let episode_id = episode["id"].as_str().unwrap().to_string();
    assert_eq!(episode["status"], "DRAFT");
    let set_guid =
        "mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { episode { guid } } }";
    // Before publishing the GUID may still change.
    app.graphql_ok(
        Some(&admin),
        set_guid,
        json!({ "i": { "id": episode_id, "guid": "pilot-1" } }),
    )
    .await;
    // Publishing needs media; once the pipeline has made it ready, the episode goes out.
    let publish =
        "mutation($i: PublishEpisodeInput!) { publishEpisode(input: $i) { episode { status } } }";
    let refused = app
        .graphql(Some(&admin), publish, json!({ "i": { "id": episode_id } }))
        .await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    app.set_media_status(&episode_id, "READY").await;
    app.graphql_ok(Some(&admin), publish, json!({ "i": { "id": episode_id } }))
        .await;
    let body = app
        .graphql(
            Some(&admin),
            set_guid,
            json!({ "i": { "id": episode_id, "guid": "pilot-2" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let read = app
        .graphql_ok(
            None,
            "query($id: ID!) { podcast(id: $id) { title episodes { edges { node { guid title podcast { id } } } } } }",
            json!({ "id": podcast_id }),
        )
        .await;
    assert_eq!(
        read["podcast"]["episodes"]["edges"][0]["node"]["guid"],
        "pilot-1"
    );

    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdatePodcastInput!) { updatePodcast(input: $i) { podcast { title } } }",
        json!({ "i": { "id": podcast_id, "title": "Deeper Dive" } }),
    )
    .await;
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteNodeInput!) { deleteEpisode(input: $i) { deletedId } }",
        json!({ "i": { "id": episode_id } }),
    )
    .await;
    assert_eq!(app.count("episodes").await, 0);
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteNodeInput!) { deletePodcast(input: $i) { deletedId } }",
        json!({ "i": { "id": podcast_id } }),
    )
    .await;
    assert_eq!(app.count("podcasts").await, 0);
}

async fn categories_nest_and_tags_are_managed(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let create =
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id slug } } }";
    let root = app
        .graphql_ok(Some(&admin), create, json!({ "i": { "name": "Science" } }))
        .await["createCategory"]["category"]["id"]
        .clone();
    let child = app
        .graphql_ok(
            Some(&admin),
            create,
            json!({ "i": { "name": "Physics", "parentId": root } }),
        )
        .await["createCategory"]["category"]["id"]
        .clone();
    let tree = app
        .graphql_ok(
            None,
            "{ categories { name children { name parent { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        tree["categories"][0]["children"][0]["parent"]["name"],
        "Science"
    );
    // A category cannot be moved inside its own subtree.
    let body = app
        .graphql(
            Some(&admin),
            "mutation($i: UpdateCategoryInput!) { updateCategory(input: $i) { category { id } } }",
            json!({ "i": { "id": root, "parentId": child } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteByIdInput!) { deleteCategory(input: $i) { deletedId } }",
        json!({ "i": { "id": root } }),
    )
    .await;
    assert_eq!(app.count("categories").await, 1);

    let tag = app
        .graphql_ok(
            Some(&admin),
            "mutation { createTag(input: { name: \"Live Music\" }) { tag { id slug } } }",
            json!({}),
        )
        .await["createTag"]["tag"]
        .clone();
    assert_eq!(tag["slug"], "live-music");
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { name } } }",
        json!({ "i": { "id": tag["id"], "name": "Concerts" } }),
    )
    .await;
    let node = app
        .graphql_ok(
            None,
            "query($id: ID!) { node(id: $id) { id ... on Tag { name } } }",
            json!({ "id": tag["id"] }),
        )
        .await;
    assert_eq!(node["node"]["name"], "Concerts");
    app.graphql_ok(
        Some(&admin),
        "mutation($i: DeleteByIdInput!) { deleteTag(input: $i) { deletedId } }",
        json!({ "i": { "id": tag["id"] } }),
    )
    .await;
    assert_eq!(app.count("tags").await, 0);
}

async fn episode_chapters_are_stored_replaced_and_bad_ones_refused_without_change(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Chapters").await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": {
                "channelId": channel, "title": "Marked", "author": "Ann", "ownerName": "Ann",
                "ownerEmail": "ann@example.com", "language": "en"
            } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let created = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id chapters { title startSecs } } } }",
            json!({ "i": { "podcastId": podcast, "title": "One", "chapters": [
                { "title": "Intro", "startSecs": 0 }, { "title": "Talk", "startSecs": 12.5 }
            ] } }),
        )
        .await;
    let episode = &created["createEpisode"]["episode"];
    assert_eq!(
        episode["chapters"],
        json!([{ "title": "Intro", "startSecs": 0.0 }, { "title": "Talk", "startSecs": 12.5 }])
    );
    let id = episode["id"].as_str().unwrap().to_string();
    let update = "mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { episode { chapters { title startSecs } } } }";
    let read = "query($id: ID!) { episode(id: $id) { title chapters { title startSecs } } }";
    for bad in [
        json!([{ "title": "Late", "startSecs": 5 }, { "title": "Early", "startSecs": 1 }]),
        json!([{ "title": "Negative", "startSecs": -1 }]),
        json!([{ "title": "", "startSecs": 0 }]),
    ] {
        let body = app
            .graphql(
                Some(&admin),
                update,
                json!({ "i": { "id": id, "title": "Changed", "chapters": bad } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{bad}: {body}");
    }
    let bad_create = app
        .graphql(
            Some(&admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "podcastId": podcast, "title": "Two", "chapters": [{ "title": "X", "startSecs": -3 }] } }),
        )
        .await;
    assert_eq!(error_code(&bad_create), Some("VALIDATION"), "{bad_create}");
    let unchanged = app
        .graphql_ok(Some(&admin), read, json!({ "id": id }))
        .await;
    assert_eq!(
        unchanged["episode"]["title"], "One",
        "a refused update changes nothing"
    );
    assert_eq!(unchanged["episode"]["chapters"], episode["chapters"]);
    // A change that leaves chapters out keeps them; a list replaces them.
    app.graphql_ok(
        Some(&admin),
        update,
        json!({ "i": { "id": id, "title": "Renamed" } }),
    )
    .await;
    let kept = app
        .graphql_ok(Some(&admin), read, json!({ "id": id }))
        .await;
    assert_eq!(kept["episode"]["chapters"], episode["chapters"]);
    let replaced = app
        .graphql_ok(
            Some(&admin),
            update,
            json!({ "i": { "id": id, "chapters": [{ "title": "Only", "startSecs": 3 }] } }),
        )
        .await;
    assert_eq!(
        replaced["updateEpisode"]["episode"]["chapters"],
        json!([{ "title": "Only", "startSecs": 3.0 }])
    );
    assert_eq!(
        app.count("episodes").await,
        1,
        "the refused create made nothing"
    );
}

both_databases!(
    a_channel_is_created_read_updated_and_deleted_by_its_owner,
    channel_members_are_added_and_removed_by_managers_only,
    the_last_owner_of_a_channel_can_be_neither_demoted_nor_removed,
    the_channel_list_narrows_to_the_channels_the_caller_manages,
    the_video_list_narrows_to_the_channels_the_caller_manages,
    a_video_is_created_read_updated_published_and_deleted,
    a_playlist_keeps_dense_positions_through_add_move_and_remove,
    concurrent_moves_leave_positions_dense_and_unique,
    a_podcast_and_its_episodes_are_managed_and_the_guid_freezes_on_publish,
    episode_chapters_are_stored_replaced_and_bad_ones_refused_without_change,
    categories_nest_and_tags_are_managed,
);
