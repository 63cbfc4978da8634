//! `/admin/taxonomy`.

use projector_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, browser::Browser};
use serde_json::{Value, json};

use crate::admin_site::support::*;

/// The category tree as the API reads it: (name, parent's name) pairs, by name.
async fn categories(app: &TestApp) -> Vec<(String, Option<String>)> {
    let data = app
        .graphql_ok(
            None,
            "{ categories { name children { name children { name } } } }",
            json!({}),
        )
        .await;
    let mut out = Vec::new();
    fn walk(nodes: &Value, parent: Option<&str>, out: &mut Vec<(String, Option<String>)>) {
        for n in nodes.as_array().unwrap() {
            let name = n["name"].as_str().unwrap();
            out.push((name.to_owned(), parent.map(str::to_owned)));
            if n["children"].is_array() {
                walk(&n["children"], Some(name), out);
            }
        }
    }
    walk(&data["categories"], None, &mut out);
    out.sort();
    out
}

fn pair(name: &str, parent: Option<&str>) -> (String, Option<String>) {
    (name.to_owned(), parent.map(str::to_owned))
}

fn category(name: &str, inner: &str) -> String {
    format!("li.category-row[data-name=\"{name}\"] {inner}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_nests_renames_and_deletes_categories_and_tags() {
    assert_app_is_built();
    let app = spawn_site().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(&browser, "#nav-taxonomy").await;
    wait_for(&browser, "#new-category-form").await;

    // An empty name is refused beside the field.
    click(&browser, "#new-category-submit").await;
    let empty = text_of(&browser, "#new-category-name-error").await;

    for name in ["Music", "Jazz", "Sport"] {
        fill(&browser, "#new-category-name", name).await;
        click(&browser, "#new-category-submit").await;
        text_containing(&browser, "#new-category-notice", name).await;
        wait_for(&browser, &category(name, ".category-name")).await;
    }
    // Nest Jazz inside Music.
    let music_id = js(
        &browser,
        "return [...document.querySelectorAll('li.category-row[data-name=\"Jazz\"] .category-parent option')].find(o => o.textContent.trim() === 'Music').value;",
    )
    .await;
    choose(
        &browser,
        &category("Jazz", ".category-parent"),
        music_id.as_str().unwrap(),
    )
    .await;
    click(&browser, &category("Jazz", ".category-move")).await;
    let moved = text_of(&browser, &category("Jazz", ".notice")).await;
    let depth = wait_for_js(
        &browser,
        "document.querySelector('li.category-row[data-name=\"Jazz\"]').dataset.depth === '1'",
    )
    .await;
    let nested = categories(&app).await;

    // Music cannot go inside Jazz (inside itself): the choice is not even offered.
    let offered = js(
        &browser,
        "return [...document.querySelectorAll('li.category-row[data-name=\"Music\"] .category-parent option')].map(o => o.textContent.trim());",
    )
    .await;

    // Rename Sport; a name too long is refused beside the row and changes nothing.
    fill(
        &browser,
        &category("Sport", ".category-rename"),
        &"x".repeat(300),
    )
    .await;
    click(&browser, &category("Sport", ".category-rename-submit")).await;
    let too_long = text_of(&browser, &category("Sport", ".form-error")).await;
    fill(&browser, &category("Sport", ".category-rename"), "Sports").await;
    click(&browser, &category("Sport", ".category-rename-submit")).await;
    wait_for(&browser, &category("Sports", ".notice")).await;

    // Jazz back to the top level (sent as an explicit null), then Music deleted after the confirmation.
    choose(&browser, &category("Jazz", ".category-parent"), "").await;
    click(&browser, &category("Jazz", ".category-move")).await;
    let to_top = text_of(&browser, &category("Jazz", ".notice")).await;
    // The list is drawn again in its new order after the notice: wait for it, or the click
    // meant for Music's button lands on whatever row moves under the pointer meanwhile.
    wait_for_js(
        &browser,
        "document.querySelector('li.category-row[data-name=\"Jazz\"]').dataset.depth === '0'",
    )
    .await;
    click(&browser, &category("Music", ".category-delete")).await;
    click(&browser, &category("Music", ".category-confirm-delete")).await;
    wait_for_js(
        &browser,
        "!document.querySelector('li.category-row[data-name=\"Music\"]')",
    )
    .await;
    let after = categories(&app).await;

    // Tags: create, rename, delete.
    fill(&browser, "#new-tag-name", "boats").await;
    click(&browser, "#new-tag-submit").await;
    let tag_notice = text_of(&browser, "#new-tag-notice").await;
    fill(
        &browser,
        "li.tag-row[data-name=\"boats\"] .tag-rename",
        "sailing boats",
    )
    .await;
    click(
        &browser,
        "li.tag-row[data-name=\"boats\"] .tag-rename-submit",
    )
    .await;
    wait_for(&browser, "li.tag-row[data-name=\"sailing boats\"] .notice").await;
    let tags_renamed = app.graphql_ok(None, "{ tags { name } }", json!({})).await;
    fill(&browser, "#new-tag-name", "gulls").await;
    click(&browser, "#new-tag-submit").await;
    wait_for(&browser, "li.tag-row[data-name=\"gulls\"]").await;
    screenshots(&browser, "admin-taxonomy").await;
    click(&browser, "li.tag-row[data-name=\"gulls\"] .tag-delete").await;
    click(
        &browser,
        "li.tag-row[data-name=\"gulls\"] .tag-confirm-delete",
    )
    .await;
    wait_for_js(
        &browser,
        "!document.querySelector('li.tag-row[data-name=\"gulls\"]')",
    )
    .await;
    let tags_after = app.graphql_ok(None, "{ tags { name } }", json!({})).await;
    browser.close().await;

    assert!(empty.is_some(), "an empty name is refused beside the field");
    assert_eq!(moved.as_deref(), Some("Moved."));
    assert_eq!(depth, Some(json!(true)), "Jazz is drawn inside Music");
    assert_eq!(
        nested,
        vec![
            pair("Jazz", Some("Music")),
            pair("Music", None),
            pair("Sport", None)
        ]
    );
    assert_eq!(
        offered,
        json!(["(top level)", "Sport"]),
        "Music may not go inside itself or Jazz"
    );
    assert!(too_long.is_some(), "a name too long is refused beside it");
    assert_eq!(to_top.as_deref(), Some("Moved to the top level."));
    assert_eq!(after, vec![pair("Jazz", None), pair("Sports", None)]);
    assert_eq!(tag_notice.as_deref(), Some("Created the tag “boats”."));
    assert_eq!(
        tags_renamed,
        json!({ "tags": [{ "name": "sailing boats" }] })
    );
    assert_eq!(tags_after, json!({ "tags": [{ "name": "sailing boats" }] }));
}

/// Creates a tag or category through the API and returns its ID.
async fn made(app: &TestApp, token: &str, mutation: &str, input: Value) -> String {
    let (input_type, field) = match mutation {
        "createTag" => ("CreateTagInput", "tag"),
        _ => ("CreateCategoryInput", "category"),
    };
    app.graphql_ok(
        Some(token),
        &format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ {field} {{ id }} }} }}"),
        json!({ "i": input }),
    )
    .await[mutation][field]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_merges_a_duplicate_tag_and_category_and_their_video_moves_to_the_ones_that_stay()
{
    assert_app_is_built();
    let app = spawn_site().await;
    let admin = app.admin_token().await;
    let sea = made(&app, &admin, "createTag", json!({ "name": "sea" })).await;
    let ocean = made(&app, &admin, "createTag", json!({ "name": "ocean" })).await;
    let science = made(&app, &admin, "createCategory", json!({ "name": "Science" })).await;
    let sciences = made(
        &app,
        &admin,
        "createCategory",
        json!({ "name": "Sciences" }),
    )
    .await;
    let channel = app.create_channel(&admin, "Coast").await;
    let video = app
        .create_video(
            &admin,
            channel["id"].as_str().unwrap(),
            "Waves",
            json!({ "tagIds": [ocean], "categoryId": sciences }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let browser = Browser::start().await;
    sign_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(&browser, "#nav-taxonomy").await;
    let ocean_row = "li.tag-row[data-name=\"ocean\"]";
    // Merging with nothing chosen says what is missing and sends nothing.
    click(&browser, &format!("{ocean_row} .tag-merge")).await;
    let unchosen = text_of(&browser, &format!("{ocean_row} .notice")).await;
    choose(&browser, &format!("{ocean_row} .tag-merge-into"), &sea).await;
    click(&browser, &format!("{ocean_row} .tag-merge")).await;
    let question = text_containing(&browser, &format!("{ocean_row} .site-confirm"), "sea").await;
    click(&browser, &format!("{ocean_row} .tag-confirm-merge")).await;
    let tag_done =
        text_containing(&browser, "li.tag-row[data-name=\"sea\"] .notice", "Merged").await;
    let ocean_gone = wait_for_js(
        &browser,
        &format!(
            "document.querySelector('{}') === null",
            ocean_row.replace('\'', "\\'")
        ),
    )
    .await;

    let sciences_row = category("Sciences", "");
    choose(
        &browser,
        &format!("{sciences_row} .category-merge-into"),
        &science,
    )
    .await;
    click(&browser, &format!("{sciences_row} .category-merge")).await;
    click(&browser, &format!("{sciences_row} .category-confirm-merge")).await;
    let category_done = text_containing(&browser, &category("Science", ".notice"), "Merged").await;
    browser.close().await;

    assert_eq!(
        unchosen.as_deref(),
        Some("Choose what to merge it into first.")
    );
    assert!(
        question.starts_with("Merge “ocean” into “sea”? Everything filed under “ocean” moves to “sea”, and “ocean” is deleted."),
        "the question names both: {question}"
    );
    assert_eq!(tag_done, "Merged “ocean” into “sea”.");
    assert!(ocean_gone.is_some(), "the merged tag's row is gone");
    assert_eq!(category_done, "Merged “Sciences” into “Science”.");
    let data = app
        .graphql_ok(
            Some(&admin),
            "query($id: ID!) { node(id: $id) { ... on Video { tags { name } category { name } } } tags { name } }",
            json!({ "id": video }),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "node": { "tags": [{ "name": "sea" }], "category": { "name": "Science" } },
            "tags": [{ "name": "sea" }]
        })
    );
    assert_eq!(
        categories(&app).await,
        vec![pair("Science", None)],
        "the merged category is gone"
    );
}
