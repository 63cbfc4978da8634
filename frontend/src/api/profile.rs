//! The calls of the viewer's own account (`graphql/profile.graphql`): the display name, the
//! avatar and deleting the account. Checked against the schema at compile time, sent and read
//! as plain JSON like `api::community`.

use serde_json::{Value, json};

use super::ApiError;
use crate::session::Session;

/// `Upload`: sent as null, the file goes as a part of the multipart request.
type Upload = ();

json_operations!("graphql/profile.graphql": UpdateProfile, SetAvatar, MyAvatar, DeleteAccount);

/// Sets the signed-in user's display name; returns it as the server stored it (trimmed).
pub async fn update_profile(session: Session, name: String) -> Result<String, ApiError> {
    let input = json!({ "displayName": name });
    let data = session
        .call_json(json_request!(update_profile, json!({ "input": input })))
        .await?;
    Ok(data["updateProfile"]["user"]["displayName"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Uploads `file` as the avatar of the user with global ID `user`; returns its new URL.
pub async fn set_avatar(
    session: Session,
    user: String,
    file: &web_sys::File,
) -> Result<Option<String>, ApiError> {
    let input = json!({ "target": "USER_AVATAR", "id": user });
    session
        .call_json_with_file(
            json_request!(set_avatar, json!({ "input": input, "file": Value::Null })),
            "file",
            file,
        )
        .await?;
    let me = session
        .call_json(json_request!(my_avatar, json!({})))
        .await?;
    Ok(me["me"]["avatarUrl"].as_str().map(str::to_string))
}

/// Deletes the signed-in user's account, confirmed with its password.
pub async fn delete_account(session: Session, password: String) -> Result<(), ApiError> {
    let input = json!({ "password": password });
    session
        .call_json(json_request!(delete_account, json!({ "input": input })))
        .await
        .map(|_| ())
}
