//! Webhooks end to end, with a real receiver started by each test: signed events for every
//! change, only the types an endpoint asked for, retries with backoff and their log, secret
//! rotation, redelivery, and (in `webhook_failures.rs`) what bad endpoints and bad receivers
//! get.

use std::time::Duration;

use projector_api::media::subject::{MediaChange, Subject, set_media};
use projector_api::visibility::Status;
use projector_tests::{Backend, TestApp, both_databases, spawn_app_with};
use serde_json::{Value, json};

use crate::receiver::{Behaviour, Receiver, signed_with};
use crate::support::{self, uuid_of};

pub use projector_tests::receiver::{endpoint, fast};

/// An endpoint as the admin reads it, with its delivery log (newest first).
pub async fn read_endpoint(app: &TestApp, admin: &str, id: &str) -> Value {
    let data = app
        .graphql_ok(
            Some(admin),
            "{ webhookEndpoints { id url enabled disabledReason disabledAt failingSince previousSecretValidUntil
                 deliveries(first: 50) { totalCount nodes { id messageId eventType status attemptCount
                   lastResponseCode lastError nextAttemptAt finishedAt
                   attempts { number responseCode error durationMs } } } } }",
            json!({}),
        )
        .await;
    data["webhookEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no endpoint {id}"))
}

/// Waits until the endpoint's newest delivery satisfies `done` (at most 20 s); returns it.
pub async fn wait_delivery(
    app: &TestApp,
    admin: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..400 {
        last = read_endpoint(app, admin, id).await["deliveries"]["nodes"][0].clone();
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the delivery never got there: {last}");
}

const ALL_VIDEO: &[&str] = &[
    "video.created",
    "video.updated",
    "video.deleted",
    "video.published",
    "video.unpublished",
    "video.media.ready",
    "video.media.failed",
];

async fn mutate(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> Value {
    app.graphql(
        Some(token),
        &format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ __typename }} }}"),
        json!({ "i": input }),
    )
    .await
}

async fn every_change_arrives_signed_and_an_endpoint_gets_only_the_types_it_asked_for(
    backend: Backend,
) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let all = Receiver::start(Behaviour::Ok).await;
    let published_only = Receiver::start(Behaviour::Ok).await;
    let (_, secret) = endpoint(&app, &admin, &all.url, ALL_VIDEO).await;
    let (_, other_secret) = endpoint(&app, &admin, &published_only.url, &["video.published"]).await;

    let channel = app.create_channel(&admin, "Hooks").await;
    let video = app
        .create_video(&admin, channel["id"].as_str().unwrap(), "First", json!({}))
        .await;
    let id = video["id"].as_str().unwrap();
    // A change that is refused writes no event.
    let refused = mutate(
        &app,
        &admin,
        "updateVideo",
        "UpdateVideoInput",
        json!({ "id": id, "slug": "Not A Slug" }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "VALIDATION",
        "{refused}"
    );
    let ok = mutate(
        &app,
        &admin,
        "updateVideo",
        "UpdateVideoInput",
        json!({ "id": id, "title": "Renamed" }),
    )
    .await;
    assert!(ok.get("errors").is_none(), "{ok}");
    // The transcode worker's outcome, written through the one function that writes media state.
    let db = app.db().await;
    let ready = MediaChange {
        status: Some(Status::Ready),
        duration: Some(12.5),
        ..MediaChange::default()
    };
    set_media(&db, Subject::Video(uuid_of(id)), ready)
        .await
        .unwrap();
    let failed = MediaChange {
        status: Some(Status::Failed),
        error: Some("transcoding failed: no frames".into()),
        ..MediaChange::default()
    };
    set_media(&db, Subject::Video(uuid_of(id)), failed)
        .await
        .unwrap();
    let ready = MediaChange {
        status: Some(Status::Ready),
        duration: Some(12.5),
        ..MediaChange::default()
    };
    set_media(&db, Subject::Video(uuid_of(id)), ready)
        .await
        .unwrap();
    app.graphql_ok(Some(&admin), "mutation { __typename }", json!({}))
        .await;
    for (name, input_type) in [
        ("publishVideo", "PublishVideoInput"),
        ("unpublishVideo", "PublishVideoInput"),
        ("deleteVideo", "DeleteVideoInput"),
    ] {
        let answer = mutate(&app, &admin, name, input_type, json!({ "id": id })).await;
        assert!(answer.get("errors").is_none(), "{name}: {answer}");
    }

    let got = all.wait_for(8).await;
    let mut types: Vec<String> = got.iter().map(|r| r.event_type()).collect();
    types.sort();
    let mut expected: Vec<String> = [
        "video.created",
        "video.deleted",
        "video.media.failed",
        "video.media.ready",
        "video.media.ready",
        "video.published",
        "video.unpublished",
        "video.updated",
    ]
    .map(String::from)
    .to_vec();
    expected.sort();
    assert_eq!(types, expected);
    let now = chrono::Utc::now().timestamp();
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8, "one webhook-id per event");
    for r in &got {
        assert!(signed_with(r, &secret), "bad signature on {r:?}");
        assert!(!signed_with(r, &other_secret));
        let ts: i64 = r.timestamp.parse().unwrap();
        assert!((now - ts).abs() < 300, "timestamp {ts} is not now");
        let body = r.json();
        assert_eq!(body["data"]["id"], id, "{body}");
        assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    let media = got
        .iter()
        .find(|r| r.event_type() == "video.media.ready")
        .unwrap()
        .json();
    assert_eq!(media["data"]["mediaStatus"], "READY");
    assert_eq!(media["data"]["durationSecs"], 12.5);
    let failed = got
        .iter()
        .find(|r| r.event_type() == "video.media.failed")
        .unwrap()
        .json();
    assert_eq!(failed["data"]["mediaStatus"], "FAILED");
    assert_eq!(failed["data"]["error"], "transcoding failed: no frames");
    let updated = got
        .iter()
        .find(|r| r.event_type() == "video.updated")
        .unwrap()
        .json();
    assert_eq!(updated["data"]["title"], "Renamed");
    assert_eq!(updated["data"]["channelId"], channel["id"]);

    let only = published_only.wait_for(1).await;
    // Give any wrongly sent event time to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let only_now = published_only.received();
    assert_eq!(
        only_now.len(),
        1,
        "{:?}",
        only_now.iter().map(|r| r.event_type()).collect::<Vec<_>>()
    );
    assert_eq!(only[0].event_type(), "video.published");
    assert!(signed_with(&only[0], &other_secret));
    assert_eq!(all.received().len(), 8);
}

async fn a_receiver_that_fails_three_times_gets_the_event_on_the_fourth_attempt(backend: Backend) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::FailFirst(3)).await;
    let (endpoint_id, secret) = endpoint(&app, &admin, &receiver.url, &["video.created"]).await;
    let channel = app.create_channel(&admin, "Retries").await;
    app.create_video(
        &admin,
        channel["id"].as_str().unwrap(),
        "Retried",
        json!({}),
    )
    .await;

    let got = receiver.wait_for(4).await;
    assert!(
        got.iter().all(|r| r.id == got[0].id),
        "one webhook-id across retries"
    );
    assert!(got.iter().all(|r| signed_with(r, &secret)));
    let delivery = wait_delivery(&app, &admin, &endpoint_id, |d| d["status"] == "SUCCEEDED").await;
    assert_eq!(delivery["attemptCount"], 4, "{delivery}");
    assert_eq!(delivery["lastResponseCode"], 200);
    assert_eq!(delivery["lastError"], Value::Null);
    assert_eq!(delivery["nextAttemptAt"], Value::Null);
    assert_eq!(delivery["messageId"], got[0].id.as_str());
    let attempts = delivery["attempts"].as_array().unwrap();
    let codes: Vec<i64> = attempts
        .iter()
        .map(|a| a["responseCode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [500, 500, 500, 200]);
    assert_eq!(
        attempts
            .iter()
            .map(|a| a["number"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(attempts[0]["error"], "answered 500 Internal Server Error");
    // The failures were followed by the success: the endpoint is healthy again.
    let endpoint = read_endpoint(&app, &admin, &endpoint_id).await;
    assert_eq!(endpoint["failingSince"], Value::Null);
    assert_eq!(receiver.received().len(), 4);

    // Redelivery: a new delivery of the same event, with the same webhook-id.
    let redelivered = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { delivery { id status attemptCount } } }",
            json!({ "i": { "deliveryId": delivery["id"] } }),
        )
        .await;
    assert_eq!(
        redelivered["redeliverWebhook"]["delivery"]["status"],
        "PENDING"
    );
    let again = receiver.wait_for(5).await;
    assert_eq!(again[4].id, got[0].id);
    assert!(signed_with(&again[4], &secret));
    let log = read_endpoint(&app, &admin, &endpoint_id).await;
    assert_eq!(log["deliveries"]["totalCount"], 2);
}

async fn a_rotated_secret_signs_alongside_the_new_one_for_a_day(backend: Backend) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let (endpoint_id, old) = endpoint(&app, &admin, &receiver.url, &["video.created"]).await;
    let rotated = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: WebhookEndpointIdInput!) { rotateWebhookSecret(input: $i) { secret endpoint { previousSecretValidUntil } } }",
            json!({ "i": { "id": endpoint_id } }),
        )
        .await;
    let new = rotated["rotateWebhookSecret"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    assert!(new.starts_with("whsec_"));
    let until = rotated["rotateWebhookSecret"]["endpoint"]["previousSecretValidUntil"]
        .as_str()
        .unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(until).unwrap();
    let hours =
        (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.0).contains(&hours), "{hours} h");

    let channel = app.create_channel(&admin, "Rotation").await;
    app.create_video(
        &admin,
        channel["id"].as_str().unwrap(),
        "Signed twice",
        json!({}),
    )
    .await;
    let got = receiver.wait_for(1).await;
    let signatures: Vec<&str> = got[0].signature.split(' ').collect();
    assert_eq!(signatures.len(), 2, "{}", got[0].signature);
    assert!(signatures.iter().all(|s| s.starts_with("v1,")));
    assert!(signed_with(&got[0], &new) && signed_with(&got[0], &old));
    let only_new = crate::receiver::Received {
        signature: signatures[0].to_string(),
        ..got[0].clone()
    };
    assert!(
        signed_with(&only_new, &new),
        "the new secret's signature comes first"
    );
}

async fn episodes_send_their_own_events_with_the_transcode_outcome(backend: Backend) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let types = ["episode.created", "episode.media.failed", "video.created"];
    let (_, secret) = endpoint(&app, &admin, &receiver.url, &types).await;
    let channel = app.create_channel(&admin, "Pods").await;
    let podcast =
        json!(support::podcast(&app, &admin, channel["id"].as_str().unwrap(), json!({})).await);
    let episode = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id guid } } }",
            json!({ "i": { "podcastId": podcast, "title": "Pilot" } }),
        )
        .await["createEpisode"]["episode"]
        .clone();
    let id = episode["id"].as_str().unwrap();
    let failed = MediaChange {
        status: Some(Status::Failed),
        error: Some("transcoding failed: no audio".into()),
        ..MediaChange::default()
    };
    let db = app.db().await;
    set_media(&db, Subject::Episode(uuid_of(id)), failed)
        .await
        .unwrap();

    let got = receiver.wait_for(2).await;
    let created = got
        .iter()
        .find(|r| r.event_type() == "episode.created")
        .unwrap()
        .json();
    assert_eq!(created["data"]["id"], id);
    assert_eq!(created["data"]["podcastId"], podcast);
    assert_eq!(created["data"]["guid"], episode["guid"]);
    let media = got
        .iter()
        .find(|r| r.event_type() == "episode.media.failed")
        .unwrap()
        .json();
    assert_eq!(media["data"]["id"], id);
    assert_eq!(media["data"]["mediaStatus"], "FAILED");
    assert_eq!(media["data"]["error"], "transcoding failed: no audio");
    assert!(got.iter().all(|r| signed_with(r, &secret)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 2, "no video event was caused");
}

/// Every `episode.*` type but the transcoder's own (`episode.media.playable` and
/// `episode.rendition.ready` come from a real transcode in the jobs tests).
const EPISODE_LIFE: &[&str] = &[
    "episode.created",
    "episode.updated",
    "episode.published",
    "episode.unpublished",
    "episode.deleted",
    "episode.media.processing",
    "episode.media.ready",
];

async fn an_episode_sends_a_signed_event_for_every_change_of_its_life(backend: Backend) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let (_, secret) = endpoint(&app, &admin, &receiver.url, EPISODE_LIFE).await;
    let channel = app.create_channel(&admin, "Pods").await;
    let podcast =
        json!(support::podcast(&app, &admin, channel["id"].as_str().unwrap(), json!({})).await);
    let id = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { episode { id } } }",
            json!({ "i": { "podcastId": podcast, "title": "Pilot" } }),
        )
        .await["createEpisode"]["episode"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A refused change writes no event.
    let refused = mutate(
        &app,
        &admin,
        "updateEpisode",
        "UpdateEpisodeInput",
        json!({ "id": id, "title": "" }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "VALIDATION",
        "{refused}"
    );
    let db = app.db().await;
    for (status, duration) in [(Status::Processing, None), (Status::Ready, Some(61.0))] {
        let change = MediaChange {
            status: Some(status),
            duration,
            ..MediaChange::default()
        };
        set_media(&db, Subject::Episode(uuid_of(&id)), change)
            .await
            .unwrap();
    }
    for (name, input_type, input) in [
        (
            "updateEpisode",
            "UpdateEpisodeInput",
            json!({ "id": id, "title": "Pilot, again" }),
        ),
        ("publishEpisode", "PublishEpisodeInput", json!({ "id": id })),
        (
            "unpublishEpisode",
            "PublishEpisodeInput",
            json!({ "id": id }),
        ),
        ("deleteEpisode", "DeleteNodeInput", json!({ "id": id })),
    ] {
        let answer = mutate(&app, &admin, name, input_type, input).await;
        assert!(answer.get("errors").is_none(), "{name}: {answer}");
    }

    let got = receiver.wait_for(EPISODE_LIFE.len()).await;
    let mut types: Vec<String> = got.iter().map(|r| r.event_type()).collect();
    types.sort();
    let mut expected: Vec<String> = EPISODE_LIFE.iter().map(|t| t.to_string()).collect();
    expected.sort();
    assert_eq!(types, expected);
    for r in &got {
        assert!(signed_with(r, &secret), "bad signature on {r:?}");
        assert_eq!(r.json()["data"]["id"], id.as_str(), "{}", r.json());
    }
    let of = |t: &str| got.iter().find(|r| r.event_type() == t).unwrap().json();
    assert_eq!(of("episode.updated")["data"]["title"], "Pilot, again");
    assert_eq!(
        of("episode.media.processing")["data"]["mediaStatus"],
        "PROCESSING"
    );
    assert_eq!(of("episode.media.ready")["data"]["mediaStatus"], "READY");
    assert_eq!(of("episode.media.ready")["data"]["durationSecs"], 61.0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received().len(),
        EPISODE_LIFE.len(),
        "one event per change, and none for the refused one"
    );
}

async fn playlists_channels_and_podcasts_send_created_updated_and_deleted_events(backend: Backend) {
    let app = spawn_app_with(backend, fast).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let types = [
        "playlist.created",
        "playlist.updated",
        "playlist.deleted",
        "channel.created",
        "channel.updated",
        "channel.deleted",
        "podcast.created",
        "podcast.updated",
        "podcast.deleted",
    ];
    let (_, secret) = endpoint(&app, &admin, &receiver.url, &types).await;
    let ok = |body: Value| {
        assert!(body.get("errors").is_none(), "{body}");
        body
    };
    let channel = app.create_channel(&admin, "Everything").await["id"].clone();
    ok(mutate(
        &app,
        &admin,
        "updateChannel",
        "UpdateChannelInput",
        json!({ "id": channel, "name": "Renamed" }),
    )
    .await);
    let podcast = json!(support::podcast(&app, &admin, channel.as_str().unwrap(), json!({})).await);
    ok(mutate(
        &app,
        &admin,
        "updatePodcast",
        "UpdatePodcastInput",
        json!({ "id": podcast, "title": "Show 2" }),
    )
    .await);
    ok(mutate(
        &app,
        &admin,
        "deletePodcast",
        "DeleteNodeInput",
        json!({ "id": podcast }),
    )
    .await);
    let playlist = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePlaylistInput!) { createPlaylist(input: $i) { playlist { id } } }",
            json!({ "i": { "channelId": channel, "title": "Best of" } }),
        )
        .await["createPlaylist"]["playlist"]["id"]
        .clone();
    let video = app
        .create_video(&admin, channel.as_str().unwrap(), "In the list", json!({}))
        .await["id"]
        .clone();
    ok(mutate(
        &app,
        &admin,
        "addPlaylistItem",
        "AddPlaylistItemInput",
        json!({ "playlistId": playlist, "videoId": video }),
    )
    .await);
    ok(mutate(
        &app,
        &admin,
        "deletePlaylist",
        "DeletePlaylistInput",
        json!({ "id": playlist }),
    )
    .await);
    ok(mutate(
        &app,
        &admin,
        "deleteChannel",
        "DeleteChannelInput",
        json!({ "id": channel }),
    )
    .await);

    let got = receiver.wait_for(9).await;
    let mut seen: Vec<(String, Value)> = got
        .iter()
        .map(|r| (r.event_type().to_string(), r.json()["data"]["id"].clone()))
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        ("channel.created", &channel),
        ("channel.updated", &channel),
        ("channel.deleted", &channel),
        ("podcast.created", &podcast),
        ("podcast.updated", &podcast),
        ("podcast.deleted", &podcast),
        ("playlist.created", &playlist),
        ("playlist.updated", &playlist),
        ("playlist.deleted", &playlist),
    ];
    expected.sort_by(|a, b| a.0.cmp(b.0));
    let expected: Vec<(String, Value)> = expected
        .into_iter()
        .map(|(t, id)| (t.to_string(), id.clone()))
        .collect();
    assert_eq!(seen, expected);
    let renamed = got
        .iter()
        .find(|r| r.event_type() == "channel.updated")
        .unwrap()
        .json();
    assert_eq!(renamed["data"]["name"], "Renamed");
    assert!(got.iter().all(|r| signed_with(r, &secret)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received().len(),
        9,
        "a video event was sent to an endpoint that did not ask"
    );
}

both_databases!(
    playlists_channels_and_podcasts_send_created_updated_and_deleted_events,
    episodes_send_their_own_events_with_the_transcode_outcome,
    an_episode_sends_a_signed_event_for_every_change_of_its_life,
    every_change_arrives_signed_and_an_endpoint_gets_only_the_types_it_asked_for,
    a_receiver_that_fails_three_times_gets_the_event_on_the_fourth_attempt,
    a_rotated_secret_signs_alongside_the_new_one_for_a_day,
);

/// Two API nodes on one PostgreSQL database, both sending: each event reaches the receiver
/// once (counted by `webhook-id`), whichever node wrote it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_postgres_database_never_both_deliver_one_event() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = spawn_app_with(backend, fast).await;
    let sibling = app.spawn_sibling(|_| {}).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start(Behaviour::SlowOk(Duration::from_millis(20))).await;
    endpoint(
        &app,
        &admin,
        &receiver.url,
        &["video.created", "video.updated"],
    )
    .await;
    let channel = app.create_channel(&admin, "Two nodes").await;
    let channel = channel["id"].as_str().unwrap().to_string();
    let channel = &channel;
    let sibling_admin = sibling.admin_token().await;
    let mut writes = Vec::new();
    for n in 0..20 {
        let (node, token) = if n % 2 == 0 {
            (&app, &admin)
        } else {
            (&sibling, &sibling_admin)
        };
        writes.push(async move {
            let video = node
                .create_video(token, channel, &format!("Video {n}"), json!({}))
                .await;
            let answer = mutate(
                node,
                token,
                "updateVideo",
                "UpdateVideoInput",
                json!({ "id": video["id"], "title": format!("Renamed {n}") }),
            )
            .await;
            assert!(answer.get("errors").is_none(), "{answer}");
        });
    }
    futures::future::join_all(writes).await;
    receiver.wait_for(40).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = receiver.received();
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, 40, "every event once");
    assert_eq!(ids.len(), 40, "no webhook-id twice");
}
