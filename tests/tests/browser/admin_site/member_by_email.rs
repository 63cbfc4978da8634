//! `addChannelMember` by email (what the channel page's "add by email" sends), on SQLite and
//! PostgreSQL: managers add people by their login email; anyone else learns nothing about
//! which emails have accounts; bad input changes nothing.

use projector_tests::{Backend, TestApp, both_databases, error_code, spawn_app};
use serde_json::{Value, json};

const ADD: &str = "mutation($i: AddChannelMemberInput!) { addChannelMember(input: $i) { channel { members { role user { displayName } } } } }";

async fn add(app: &TestApp, token: &str, input: Value) -> Value {
    app.graphql(Some(token), ADD, json!({ "i": input })).await
}

async fn members_by_email_are_added_by_managers_only_and_bad_emails_change_nothing(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let owner = app.user_token("owner@example.com", "EDITOR").await;
    let outsider = app.user_token("outsider@example.com", "EDITOR").await;
    app.user_token("bo@example.com", "EDITOR").await;
    let channel = app.create_channel(&owner, "Team").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Outsiders are refused the same way whether or not the email has an account.
    let known = add(
        &app,
        &outsider,
        json!({ "channelId": channel, "email": "bo@example.com", "role": "EDITOR" }),
    )
    .await;
    let unknown = add(
        &app,
        &outsider,
        json!({ "channelId": channel, "email": "nobody@example.com", "role": "EDITOR" }),
    )
    .await;
    assert_eq!(error_code(&known), Some("FORBIDDEN"), "{known}");
    assert_eq!(error_code(&unknown), Some("FORBIDDEN"), "{unknown}");

    // Bad input: an unknown email, a malformed one, neither or both of userId and email.
    let owner_id = app
        .graphql_ok(Some(&owner), "{ me { id } }", json!({}))
        .await["me"]["id"]
        .clone();
    for (input, message) in [
        (
            json!({ "channelId": channel, "email": "nobody@example.com", "role": "EDITOR" }),
            "email: no account has this email",
        ),
        (
            json!({ "channelId": channel, "email": "not an email", "role": "EDITOR" }),
            "email: not a valid email address",
        ),
        (
            json!({ "channelId": channel, "role": "EDITOR" }),
            "userId: give exactly one of userId and email",
        ),
        (
            json!({ "channelId": channel, "userId": owner_id, "email": "bo@example.com", "role": "EDITOR" }),
            "userId: give exactly one of userId and email",
        ),
    ] {
        let body = add(&app, &owner, input.clone()).await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{input}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{input}");
    }
    assert_eq!(
        app.count("channel_members").await,
        1,
        "bad input added nobody"
    );

    // The email is read as at sign-in: trimmed, any case.
    let data = add(
        &app,
        &owner,
        json!({ "channelId": channel, "email": "  Bo@Example.com ", "role": "EDITOR" }),
    )
    .await;
    assert_eq!(error_code(&data), None, "{data}");
    let members = data["data"]["addChannelMember"]["channel"]["members"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        members.contains(&json!({ "role": "EDITOR", "user": { "displayName": "bo" } })),
        "{members:?}"
    );
    assert_eq!(app.count("channel_members").await, 2);
}

both_databases!(members_by_email_are_added_by_managers_only_and_bad_emails_change_nothing);
