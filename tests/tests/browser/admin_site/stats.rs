//! The video editor's chart of views per day over the last 30 days.

use chrono::{NaiveDate, TimeDelta, Utc};
use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser};
use sea_orm::ConnectionTrait as _;
use sea_orm::sea_query::{Alias, Query};
use serde_json::json;

use crate::admin_site::support::*;

/// Writes `views` for `video` (global ID) on `day` into the daily aggregate.
async fn seed_views(app: &TestApp, video: &str, day: NaiveDate, views: i64) {
    let (_, id) = projector_api::graphql::relay::decode(video).unwrap();
    let db = app.db().await;
    let backend = db.get_database_backend();
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("video_daily_views"))
        .columns([
            Alias::new("video_id"),
            Alias::new("day"),
            Alias::new("views"),
        ])
        .values([id.into(), day.into(), views.into()])
        .unwrap();
    db.execute(backend.build(&insert)).await.unwrap();
    db.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_video_editors_chart_has_a_bar_per_day_as_tall_as_its_views() {
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let channel = app.create_channel(&admin, "Counted").await;
    let video = app
        .create_video(
            &admin,
            channel["id"].as_str().unwrap(),
            "Watched",
            json!({}),
        )
        .await;
    let id = video["id"].as_str().unwrap();
    let today = Utc::now().date_naive();
    seed_views(&app, id, today, 10).await;
    seed_views(&app, id, today - TimeDelta::days(3), 4).await;
    // Older than 30 days: not in the chart.
    seed_views(&app, id, today - TimeDelta::days(40), 99).await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open(
        &browser,
        &app,
        &format!("/admin/videos/{}", video["uuid"].as_str().unwrap()),
    )
    .await;
    wait_for(&browser, "#views-chart rect.views-bar").await;
    let bars = js(
        &browser,
        "return [...document.querySelectorAll('#views-chart rect.views-bar')].map((r) => \
         [r.dataset.day, Number(r.dataset.views), Number(r.getAttribute('height'))]);",
    )
    .await;
    let total = text_of(&browser, "#views-total").await.unwrap_or_default();
    browser.close().await;

    let bars = bars.as_array().unwrap();
    assert_eq!(bars.len(), 30, "{bars:?}");
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let find = |d: NaiveDate| {
        bars.iter()
            .find(|b| b[0].as_str() == Some(day(d).as_str()))
            .unwrap_or_else(|| panic!("no bar for {d}: {bars:?}"))
    };
    let (top, older) = (find(today), find(today - TimeDelta::days(3)));
    assert_eq!(top[1], 10);
    assert_eq!(older[1], 4);
    let (h_top, h_older) = (top[2].as_f64().unwrap(), older[2].as_f64().unwrap());
    assert!(h_top > 0.0, "{bars:?}");
    assert!(
        (h_older / h_top - 0.4).abs() < 0.01,
        "4 views stand 0.4 as tall as 10: {h_older} / {h_top}"
    );
    let others: Vec<_> = bars.iter().filter(|b| b[1] != 10 && b[1] != 4).collect();
    assert!(
        others
            .iter()
            .all(|b| b[1] == 0 && b[2].as_f64() == Some(0.0)),
        "every other day is empty: {others:?}"
    );
    assert_eq!(total, "14 views in 30 days");
}
