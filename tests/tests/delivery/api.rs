//! What the API hands out (player URLs that work), HTTP caching of public GraphQL reads over GET
//! with persisted queries, and cross-node cache invalidation over PostgreSQL LISTEN/NOTIFY.

use std::time::{Duration, Instant};

use projector_tests::{Backend, both_databases, spawn_app_with};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::support::{self, advertised as public_url, with_secret};

async fn a_video_lists_player_urls_that_all_work(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (id, out) = support::playable_video(&app, &admin, json!({}), 1000).await;
    let q = "query($id: ID!) { video(id: $id) { media { playable hlsUrl posterUrl \
             thumbnails { url width height } spriteUrl spriteVttUrl captions { language url } \
             renditions { name width height bitrate } } } }";
    let data = app.graphql_ok(None, q, json!({ "id": id })).await;
    let m = &data["video"]["media"];
    assert_eq!(m["playable"], true);
    assert_eq!(m["hlsUrl"], public_url(&app, out.asset, "hls/master.m3u8"));
    assert_eq!(
        m["posterUrl"],
        public_url(&app, out.asset, "images/poster-1280.jpg")
    );
    assert_eq!(
        m["spriteUrl"],
        public_url(&app, out.asset, "images/sprite.jpg")
    );
    assert_eq!(
        m["spriteVttUrl"],
        public_url(&app, out.asset, "images/sprite.vtt")
    );
    assert_eq!(
        m["thumbnails"],
        json!([
            { "url": public_url(&app, out.asset, "images/thumb-1-1280.jpg"), "width": 1280, "height": 720 },
            { "url": public_url(&app, out.asset, "images/thumb-1-320.jpg"), "width": 320, "height": 180 },
        ])
    );
    assert_eq!(
        m["captions"],
        json!([{ "language": "en", "url": public_url(&app, out.asset, "captions/en.vtt") }])
    );
    assert_eq!(
        m["renditions"],
        json!([{ "name": "360p", "width": 640, "height": 360, "bitrate": 900000 }])
    );
    // URLs are absolute on `public_url`, and every one of them serves.
    let mut urls: Vec<String> = ["hlsUrl", "posterUrl", "spriteUrl", "spriteVttUrl"]
        .iter()
        .map(|k| m[*k].as_str().unwrap().to_string())
        .collect();
    urls.push(m["captions"][0]["url"].as_str().unwrap().into());
    urls.push(m["thumbnails"][0]["url"].as_str().unwrap().into());
    for url in urls {
        assert!(url.starts_with(app.config.public_url.as_str().trim_end_matches('/')));
        let local = url.replacen(
            app.config.public_url.as_str().trim_end_matches('/'),
            &app.base,
            1,
        );
        let r = app.client.get(&local).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{url}");
    }
    // A video without outputs yet is not playable and has no URLs.
    let channel = support::channel(&app, &admin, "Empty").await;
    let bare = support::video(&app, &admin, &channel, "Not yet", json!({})).await;
    let data = app.graphql_ok(None, q, json!({ "id": bare })).await;
    assert_eq!(data["video"]["media"]["playable"], false);
    assert!(data["video"]["media"]["hlsUrl"].is_null());
}

async fn an_uploaded_poster_is_served_as_a_picture_and_never_as_active_content(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let (id, out) = support::playable_video(&app, &admin, json!({}), 10).await;
    let png = support::pattern(5000, 3);
    let poster = support::uploaded_picture(&app, &admin, "image/png", &png).await;
    support::set_poster(&app, &id, poster).await;
    let q = "query($id: ID!) { video(id: $id) { media { posterUrl } } }";
    let data = app.graphql_ok(None, q, json!({ "id": id })).await;
    let url = data["video"]["media"]["posterUrl"].as_str().unwrap();
    assert_eq!(url, public_url(&app, poster, "source"));
    let r = app
        .client
        .get(support::local(&app, url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), png.as_slice());
    // A picture is only its `source`; a video's source asset never serves its `source`.
    let r = app
        .client
        .get(support::served(&app, poster, "hls/master.m3u8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .client
        .get(support::served(&app, out.asset, "source"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A stored type that a browser would run (SVG, HTML) is served as plain bytes.
    let (id2, _) = support::playable_video(&app, &admin, json!({}), 10).await;
    let svg =
        support::uploaded_picture(&app, &admin, "image/svg+xml", b"<svg onload=alert(1)>").await;
    support::set_poster(&app, &id2, svg).await;
    let r = app
        .client
        .get(support::served(&app, svg, "source"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

async fn an_episode_offers_its_audio_files_and_an_mp3_enclosure(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Pod channel").await;
    let podcast = support::podcast(&app, &admin, &channel, json!({})).await;
    let episode = support::episode(&app, &admin, &podcast, "One", json!({})).await;
    let storage = support::storage(&app).await;
    let out = support::audio_outputs(&app, storage.as_ref()).await;
    support::attach_episode(&app, &episode, out.asset).await;
    let data = app
        .graphql_ok(
            None,
            "query($id: ID!) { episode(id: $id) { media { audio { url format contentType bytes bitrate } \
             enclosure { url length type } } } }",
            json!({ "id": episode }),
        )
        .await;
    let m = &data["episode"]["media"];
    let mp3 = public_url(&app, out.asset, "audio/audio.mp3");
    assert_eq!(
        m["enclosure"],
        json!({ "url": mp3, "length": out.mp3.len(), "type": "audio/mpeg" })
    );
    assert_eq!(m["audio"][0]["format"], "mp3");
    assert_eq!(m["audio"][1]["format"], "m4a");
    assert_eq!(m["audio"][1]["bytes"], out.m4a.len());
    let r = app
        .client
        .get(support::local(&app, &mp3))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "audio/mpeg");
    assert_eq!(r.bytes().await.unwrap().as_ref(), out.mp3.as_slice());
}

fn get_url(app: &projector_tests::TestApp, params: &[(&str, String)]) -> String {
    let mut url = url::Url::parse(&app.url("/graphql")).unwrap();
    for (k, v) in params {
        url.query_pairs_mut().append_pair(k, v);
    }
    url.to_string()
}

async fn public_get_reads_carry_cache_headers_etags_and_persisted_queries(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        with_secret(c);
        c.graphql.public_cache_ttl_ms = 5000;
    })
    .await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Cached").await;
    support::video(&app, &admin, &channel, "One", json!({})).await;
    let query = "{ videos(first: 5) { edges { node { title } } } }";
    let c = &app.client;

    // A plain GET: public caching and an ETag; the ETag revalidates with a 304.
    let url = get_url(&app, &[("query", query.into())]);
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "public, max-age=5");
    let etag = r.headers()[ETAG].to_str().unwrap().to_string();
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = c
        .get(&url)
        .header(IF_NONE_MATCH, "garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Signed in: never stored by anyone.
    let r = c.get(&url).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "private, no-store");
    assert!(r.headers().get(ETAG).is_none());
    let r = c
        .post(app.url("/graphql"))
        .bearer_auth(&admin)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[CACHE_CONTROL], "private, no-store");

    // Automatic persisted queries: the hash alone is unknown first, then works once registered.
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let by_hash = get_url(&app, &[("extensions", ext.clone())]);
    let body: Value = c.get(&by_hash).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    let register = get_url(
        &app,
        &[("query", query.into()), ("extensions", ext.clone())],
    );
    let r = c.get(&register).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.get(&by_hash).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "public, max-age=5");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"]["videos"]["edges"][0]["node"]["title"], "One");
    // Another query's hash does not answer with this one's cached response.
    let other = "{ version }";
    let other_hash = hex::encode(Sha256::digest(other.as_bytes()));
    let other_ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": other_hash } });
    let body: Value = c
        .get(get_url(&app, &[("extensions", other_ext.to_string())]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    // A mutation is never persisted, so it can never run from a hash over GET.
    let mutation = "mutation { logout(input: { refreshToken: \"x\" }) { ok } }";
    let m_hash = hex::encode(Sha256::digest(mutation.as_bytes()));
    let m_ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": m_hash } });
    c.post(app.url("/graphql"))
        .json(&json!({ "query": mutation, "extensions": m_ext }))
        .send()
        .await
        .unwrap();
    let body: Value = c
        .get(get_url(&app, &[("extensions", m_ext.to_string())]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
}

/// Node B, with its hot-read cache on, sees an edit made through node A within a second.
/// PostgreSQL only: one SQLite file is one node, where invalidation is in-process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_b_sees_an_edit_made_on_node_a_within_a_second_on_postgres() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let cached = |c: &mut projector_api::Config| {
        with_secret(c);
        c.graphql.public_cache_ttl_ms = 600_000;
    };
    let a = spawn_app_with(backend, cached).await;
    let b = a.spawn_sibling(cached).await;
    let admin = a.admin_token().await;
    let channel = support::channel(&a, &admin, "Shared").await;
    let id = support::video(&a, &admin, &channel, "Before", json!({})).await;
    let q = "query($id: ID!) { video(id: $id) { title } }";
    // B caches the title (twice, to be sure it is served from memory).
    for _ in 0..2 {
        let data = b.graphql_ok(None, q, json!({ "id": id })).await;
        assert_eq!(data["video"]["title"], "Before");
    }
    // An edit on A that B's cache knows nothing about except through NOTIFY.
    a.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { id } } }",
        json!({ "i": { "id": id, "title": "After" } }),
    )
    .await;
    let edited = Instant::now();
    loop {
        let data = b.graphql_ok(None, q, json!({ "id": id })).await;
        if data["video"]["title"] == "After" {
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(1),
            "node B still served the old title after {:?}",
            edited.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen_after = edited.elapsed();
    eprintln!("node B saw the edit after {seen_after:?}");
    // And the cache is really on at B: without a change, it keeps serving from memory even when
    // the database changes behind its back.
    let db = b.db().await;
    use sea_orm::ConnectionTrait as _;
    db.execute_unprepared(&format!(
        "UPDATE videos SET title = 'Behind' WHERE id = '{}'",
        support::uuid_of(&id)
    ))
    .await
    .unwrap();
    let data = b.graphql_ok(None, q, json!({ "id": id })).await;
    assert_eq!(data["video"]["title"], "After", "B's cache is not on");
}

both_databases!(
    a_video_lists_player_urls_that_all_work,
    an_uploaded_poster_is_served_as_a_picture_and_never_as_active_content,
    an_episode_offers_its_audio_files_and_an_mp3_enclosure,
    public_get_reads_carry_cache_headers_etags_and_persisted_queries,
    the_api_resolves_watch_ids_and_hands_out_feed_and_picture_urls,
);

/// What the web app links by: a video's UUID (`/watch/{uuid}`) works as its ID, and channels
/// and podcasts hand out their feed and picture URLs, all of which serve.
async fn the_api_resolves_watch_ids_and_hands_out_feed_and_picture_urls(backend: Backend) {
    use projector_api::channels::entity::channel;
    use projector_api::podcasts::entity::podcast;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel_id = support::channel(&app, &admin, "Links").await;
    let video = support::video(&app, &admin, &channel_id, "Linked", json!({})).await;
    let uuid = support::uuid_of(&video);

    let q = "query($id: ID!) { video(id: $id) { id uuid title } }";
    let by_uuid = app
        .graphql_ok(None, q, json!({ "id": uuid.to_string() }))
        .await;
    assert_eq!(by_uuid["video"]["id"], video.as_str());
    assert_eq!(by_uuid["video"]["uuid"], uuid.to_string());
    let by_global = app.graphql_ok(None, q, json!({ "id": video })).await;
    assert_eq!(by_global, by_uuid);
    let unknown = app
        .graphql_ok(None, q, json!({ "id": uuid::Uuid::now_v7().to_string() }))
        .await;
    assert_eq!(unknown["video"], Value::Null);
    for bad in ["not-an-id", channel_id.as_str()] {
        let body = app.graphql(None, q, json!({ "id": bad })).await;
        assert_eq!(
            projector_tests::error_code(&body),
            Some("VALIDATION"),
            "{bad}: {body}"
        );
    }
    // A private video is as invisible by UUID as by global ID.
    let private = support::video(
        &app,
        &admin,
        &channel_id,
        "Hidden",
        json!({ "visibility": "PRIVATE" }),
    )
    .await;
    let hidden = app
        .graphql_ok(
            None,
            q,
            json!({ "id": support::uuid_of(&private).to_string() }),
        )
        .await;
    assert_eq!(hidden["video"], Value::Null);

    // Pictures and feeds.
    let show = support::podcast(&app, &admin, &channel_id, json!({})).await;
    let secret = support::podcast(
        &app,
        &admin,
        &channel_id,
        json!({ "slug": "secret-show", "visibility": "PRIVATE" }),
    )
    .await;
    let avatar = support::uploaded_picture(&app, &admin, "image/png", b"avatar-bytes").await;
    let artwork = support::uploaded_picture(&app, &admin, "image/png", b"artwork-bytes").await;
    let db = app.db().await;
    channel::Entity::update_many()
        .col_expr(channel::Column::AvatarAssetId, Expr::value(avatar))
        .filter(channel::Column::Id.eq(support::uuid_of(&channel_id)))
        .exec(&db)
        .await
        .unwrap();
    podcast::Entity::update_many()
        .col_expr(podcast::Column::ArtworkAssetId, Expr::value(artwork))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();

    let base = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let data = app
        .graphql_ok(
            None,
            "query($c: ID!) { channel(id: $c) { slug avatarUrl bannerUrl feedUrl } }",
            json!({ "c": channel_id }),
        )
        .await;
    let c = &data["channel"];
    let slug = c["slug"].as_str().unwrap();
    assert_eq!(c["feedUrl"], format!("{base}/feeds/channels/{slug}.xml"));
    assert_eq!(c["avatarUrl"], public_url(&app, avatar, "source"));
    assert_eq!(c["bannerUrl"], Value::Null);

    let q = "query($id: ID!) { node(id: $id) { ... on Podcast { feedUrl artworkUrl } } }";
    let public = app.graphql_ok(None, q, json!({ "id": show })).await;
    assert_eq!(
        public["node"]["feedUrl"],
        format!("{base}/feeds/podcasts/{slug}/the-show.xml")
    );
    assert_eq!(
        public["node"]["artworkUrl"],
        public_url(&app, artwork, "source")
    );
    let private = app
        .graphql_ok(Some(&admin), q, json!({ "id": secret }))
        .await;
    assert_eq!(private["node"]["feedUrl"], Value::Null, "{private}");
    let signed = private["node"]["artworkUrl"].as_str().unwrap();
    assert!(signed.starts_with(&format!("{base}/media/s")), "{signed}");

    for url in [
        c["feedUrl"].as_str().unwrap(),
        c["avatarUrl"].as_str().unwrap(),
        public["node"]["feedUrl"].as_str().unwrap(),
        public["node"]["artworkUrl"].as_str().unwrap(),
        signed,
    ] {
        let res = app
            .client
            .get(support::local(&app, url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
    }
}
