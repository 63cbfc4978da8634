//! `tag(slug:)` and `category(slug:)`: the tag and category pages' lookups.

use projector_tests::{Backend, both_databases, spawn_app};
use serde_json::{Value, json};

async fn a_tag_and_a_category_are_found_by_their_slug_and_an_unknown_slug_is_null(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let create_category =
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id } } }";
    let category = |input: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            app.graphql_ok(Some(admin), create_category, json!({ "i": input }))
                .await["createCategory"]["category"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let science = category(json!({ "name": "Science" })).await;
    let physics = category(json!({ "name": "Physics", "parentId": science })).await;
    let optics = category(json!({ "name": "Optics", "slug": "light", "parentId": physics })).await;
    let acoustics = category(json!({ "name": "Acoustics", "parentId": physics })).await;
    category(json!({ "name": "Music" })).await;
    let create_tag = "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { id } } }";
    let mut tags = Vec::new();
    for (name, slug) in [("Lasers", None), ("Night sky", Some("stars"))] {
        let mut input = json!({ "name": name });
        if let Some(slug) = slug {
            input["slug"] = json!(slug);
        }
        tags.push(
            app.graphql_ok(Some(&admin), create_tag, json!({ "i": input }))
                .await["createTag"]["tag"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }

    let tag_query = "query($s: String!) { tag(slug: $s) { id name slug } }";
    let category_query = "query($s: String!) { category(slug: $s) { id name slug
        parent { slug parent { slug parent { slug } } } children { id slug } } }";
    // Anyone may look: no token at all.
    let lasers = app
        .graphql_ok(None, tag_query, json!({ "s": "lasers" }))
        .await;
    assert_eq!(
        lasers["tag"],
        json!({ "id": tags[0], "name": "Lasers", "slug": "lasers" })
    );
    // Found by its slug, not by its name.
    let stars = app
        .graphql_ok(None, tag_query, json!({ "s": "stars" }))
        .await;
    assert_eq!(
        stars["tag"],
        json!({ "id": tags[1], "name": "Night sky", "slug": "stars" })
    );
    let physics_page = app
        .graphql_ok(None, category_query, json!({ "s": "physics" }))
        .await;
    assert_eq!(
        physics_page["category"],
        json!({ "id": physics, "name": "Physics", "slug": "physics",
                "parent": { "slug": "science", "parent": null },
                "children": [{ "id": acoustics, "slug": "acoustics" }, { "id": optics, "slug": "light" }] })
    );
    let light = app
        .graphql_ok(None, category_query, json!({ "s": "light" }))
        .await;
    assert_eq!(light["category"]["id"], json!(optics));
    assert_eq!(light["category"]["name"], "Optics");
    assert_eq!(
        light["category"]["parent"],
        json!({ "slug": "physics", "parent": { "slug": "science", "parent": null } })
    );
    assert_eq!(light["category"]["children"], json!([]));

    // Unknown slugs, a tag's slug asked as a category and the reverse, a name instead of a
    // slug, an empty and an overlong slug: all null, none an error.
    for (query, field, slug) in [
        (tag_query, "tag", "no-such-tag"),
        (tag_query, "tag", "physics"),
        (tag_query, "tag", "Night sky"),
        (tag_query, "tag", ""),
        (category_query, "category", "lasers"),
        (category_query, "category", "Optics"),
        (category_query, "category", "no-such-category"),
        (category_query, "category", &"x".repeat(5000)),
    ] {
        let data = app.graphql_ok(None, query, json!({ "s": slug })).await;
        assert_eq!(data[field], Value::Null, "{field}({slug:.20})");
    }
    // A renamed slug is found under its new name only.
    app.graphql_ok(
        Some(&admin),
        "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { id } } }",
        json!({ "i": { "id": tags[0], "slug": "lasers-2" } }),
    )
    .await;
    let old = app
        .graphql_ok(None, tag_query, json!({ "s": "lasers" }))
        .await;
    assert_eq!(old["tag"], Value::Null);
    let new = app
        .graphql_ok(None, tag_query, json!({ "s": "lasers-2" }))
        .await;
    assert_eq!(new["tag"]["id"], json!(tags[0]));
}

both_databases!(a_tag_and_a_category_are_found_by_their_slug_and_an_unknown_slug_is_null);

async fn itunes_categories_lists_exactly_what_a_podcast_accepts(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    // Anyone may read the list.
    let list = app
        .graphql_ok(
            None,
            "{ itunesCategories { name subcategories } }",
            json!({}),
        )
        .await["itunesCategories"]
        .as_array()
        .unwrap()
        .clone();
    let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 19, "{names:?}");
    assert_eq!(names[0], "Arts");
    assert!(
        list.contains(&json!({ "name": "History", "subcategories": [] })),
        "{list:?}"
    );
    let news = list.iter().find(|c| c["name"] == "News").unwrap();
    assert!(
        news["subcategories"]
            .as_array()
            .unwrap()
            .contains(&json!("Tech News")),
        "{news}"
    );
    // Every entry is accepted by updatePodcast (three at a time, the most a podcast holds)...
    let channel = crate::support::channel(&app, &admin, "Pods").await;
    let podcast = app
        .graphql_ok(
            Some(&admin),
            "mutation($i: CreatePodcastInput!) { createPodcast(input: $i) { podcast { id } } }",
            json!({ "i": { "channelId": channel, "title": "Show", "author": "A", "ownerName": "A",
                "ownerEmail": "a@example.com", "language": "en" } }),
        )
        .await["createPodcast"]["podcast"]["id"]
        .clone();
    let mut every = Vec::new();
    for c in &list {
        every.push(json!({ "category": c["name"] }));
        for s in c["subcategories"].as_array().unwrap() {
            every.push(json!({ "category": c["name"], "subcategory": s }));
        }
    }
    assert!(every.len() > 100, "{}", every.len());
    let update = "mutation($i: UpdatePodcastInput!) { updatePodcast(input: $i) {
        podcast { itunesCategories { category subcategory } } } }";
    for chunk in every.chunks(3) {
        let data = app
            .graphql_ok(
                Some(&admin),
                update,
                json!({ "i": { "id": podcast, "itunesCategories": chunk } }),
            )
            .await;
        let stored = data["updatePodcast"]["podcast"]["itunesCategories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if c["subcategory"].is_null() {
                    c.as_object_mut().unwrap().remove("subcategory");
                }
                c
            })
            .collect::<Vec<_>>();
        assert_eq!(stored, chunk);
    }
    // ... and a subcategory under another category is not.
    let body = app
        .graphql(
            Some(&admin),
            update,
            json!({ "i": { "id": podcast, "itunesCategories": [{ "category": "Arts", "subcategory": "Tech News" }] } }),
        )
        .await;
    assert_eq!(
        projector_tests::error_code(&body),
        Some("VALIDATION"),
        "{body}"
    );
}

both_databases!(itunes_categories_lists_exactly_what_a_podcast_accepts);
