//! Migration `m0006_lifecycle` on a database written under the old rules (status writable, a
//! null `publish_at` open): the public keeps seeing what it saw, except items that claimed
//! `ready` with no media, and nothing hidden comes out.

use chrono::{DateTime, TimeZone as _, Utc};
use projector_api::videos::entity::video;
use projector_migrations::{Migrator, MigratorTrait};
use projector_tests::{Backend, both_databases, spawn_app_with};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;

use crate::support::{self, with_secret};

async fn existing_items_keep_what_the_public_saw_across_the_lifecycle_migration(backend: Backend) {
    let app = spawn_app_with(backend, with_secret).await;
    let admin = app.admin_token().await;
    let channel = support::channel(&app, &admin, "Old world").await;
    let storage = support::storage(&app).await;
    let long_ago: DateTime<Utc> = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    // (title, old status, has transcoded media, old publish_at, public before and after)
    let cases = [
        ("out", "ready", true, None, true),
        ("scheduled long ago", "ready", true, Some(long_ago), true),
        ("grey card", "ready", false, None, false),
        ("hidden by its editor", "draft", true, Some(long_ago), false),
        ("draft", "draft", false, None, false),
        ("transcoding", "processing", true, None, false),
    ];
    let mut ids = Vec::new();
    for (title, ..) in cases {
        let id = support::video(&app, &admin, &channel, title, json!({})).await;
        ids.push(id);
    }
    let db = app.db().await;
    // Back to the old schema's meaning, then the rows as the old rules left them.
    // Every migration from m0006 on is rolled back (later ones came after it).
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let from = names
        .iter()
        .position(|n| n.starts_with("m0006_lifecycle"))
        .expect("m0006_lifecycle is a migration");
    Migrator::down(&db, Some((names.len() - from) as u32))
        .await
        .unwrap();
    for ((_, status, media, publish_at, _), id) in cases.iter().zip(&ids) {
        if *media {
            let out = support::video_outputs(&app, storage.as_ref(), 100).await;
            support::attach_video(&app, id, out.asset).await;
        }
        video::Entity::update_many()
            .col_expr(video::Column::Status, Expr::value(*status))
            .col_expr(video::Column::PublishAt, Expr::value(*publish_at))
            .col_expr(
                video::Column::UnpublishAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(video::Column::Id.eq(support::uuid_of(id)))
            .exec(&db)
            .await
            .unwrap();
    }
    Migrator::up(&db, None).await.unwrap();
    db.close().await.ok();

    // What editors see: the grey card is a draft again, the hidden one is ready but unpublished.
    let read = "query($id: ID!) { video(id: $id) { status publishAt } }";
    for ((title, ..), id) in cases.iter().zip(&ids) {
        let v = app
            .graphql_ok(Some(&admin), read, json!({ "id": id }))
            .await["video"]
            .clone();
        let (status, published) = match *title {
            "out" | "scheduled long ago" => ("READY", true),
            "grey card" => ("DRAFT", true),
            "hidden by its editor" => ("READY", false),
            "draft" => ("DRAFT", false),
            _ => ("PROCESSING", true),
        };
        assert_eq!(v["status"], status, "{title}: {v}");
        assert_eq!(v["publishAt"].is_string(), published, "{title}: {v}");
    }

    let list = app
        .graphql_ok(None, "{ videos(first: 50) { nodes { title } } }", json!({}))
        .await;
    let mut public: Vec<&str> = list["videos"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect();
    public.sort();
    let mut expected: Vec<&str> = cases.iter().filter(|c| c.4).map(|c| c.0).collect();
    expected.sort();
    assert_eq!(public, expected);
}

both_databases!(existing_items_keep_what_the_public_saw_across_the_lifecycle_migration);
