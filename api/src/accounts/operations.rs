//! What each GraphQL operation needs of an API token, decided here for every root field and
//! checked once per request by the gate (`graphql::gate`), so POST, GET, each operation of a
//! batch and WebSocket operations are refused alike, before any resolver runs.
//!
//! Queries and subscriptions need READ; mutations need WRITE, except uploads (`upload…`), which
//! need UPLOAD; anything about webhooks (`…Webhook…`, `webhook…`) needs WEBHOOKS, and anything
//! about playback keys (`playbackKeys`, `…PlaybackKey`) WRITE, queries included. An expired
//! token is refused like a revoked one. A READ-only token (which otherwise acts as an anonymous
//! visitor) is held to the same rule: a mutation is FORBIDDEN, not UNAUTHENTICATED. Sessions and
//! anonymous callers are not concerned: their guards decide.

use async_graphql::ServerError;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use chrono::Utc;

use super::auth::Principal;
use super::capabilities::{Capabilities, Capability};
use crate::error::AppError;

/// The capability a root field of an operation of type `ty` needs (`None`: introspection).
pub fn needed(ty: OperationType, field: &str) -> Option<Capability> {
    if field.starts_with("__") {
        return None;
    }
    if field.starts_with("webhook") || field.contains("Webhook") {
        return Some(Capability::Webhooks);
    }
    // Playback keys sign access to every video: even listing them needs WRITE.
    if field.starts_with("playbackKey") || field.contains("PlaybackKey") {
        return Some(Capability::Write);
    }
    Some(match ty {
        OperationType::Query | OperationType::Subscription => Capability::Read,
        OperationType::Mutation if field.starts_with("upload") => Capability::Upload,
        OperationType::Mutation => Capability::Write,
    })
}

/// Refuses the operation `operation_name` of `doc` when `principal` calls with an API token that
/// expired (`UNAUTHENTICATED`) or lacks a capability one of its root fields needs (`FORBIDDEN`,
/// naming the field and the capability). A document that names no runnable operation passes:
/// the executor refuses it.
pub fn check(
    principal: &Principal,
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Result<(), ServerError> {
    let capabilities = match principal {
        // A READ-only token acts as an anonymous visitor, but it is a valid credential used
        // outside its capabilities, not a missing one: FORBIDDEN, like any other token.
        Principal::ReadToken { .. } => Capabilities::from_iter([Capability::Read]),
        _ => {
            let Some(grant) = principal.grant() else {
                return Ok(());
            };
            if grant.expired(Utc::now()) {
                return Err(refusal(&AppError::InvalidCredentials(
                    "API token is invalid, expired or revoked",
                )));
            }
            grant.capabilities
        }
    };
    let operation = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return Ok(()),
        },
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => match ops.values().next() {
            Some(op) => op,
            None => return Ok(()),
        },
        (DocumentOperations::Multiple(_), None) => return Ok(()),
    };
    let ty = operation.node.ty;
    let mut fields = Vec::new();
    root_fields(doc, &operation.node.selection_set.node, &mut fields, 0);
    for field in fields {
        if let Some(capability) = needed(ty, field)
            && !capabilities.contains(capability)
        {
            let mut error = refusal(&AppError::Forbidden);
            error.message = format!(
                "this API token may not use `{field}`: it needs the {} capability",
                capability.name()
            );
            return Err(error);
        }
    }
    Ok(())
}

/// The root fields a selection set runs, through its fragments (at most a few levels deep: the
/// executor refuses fragment cycles anyway).
fn root_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    out: &mut Vec<&'a str>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => out.push(field.node.name.node.as_str()),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    root_fields(doc, &fragment.node.selection_set.node, out, depth + 1);
                }
            }
            Selection::InlineFragment(inline) => {
                root_fields(doc, &inline.node.selection_set.node, out, depth + 1);
            }
        }
    }
}

/// A request-level error with `error`'s message and code.
fn refusal(error: &AppError) -> ServerError {
    let mut server = ServerError::new(error.to_string(), None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    error.set_extensions(&mut extensions);
    server.extensions = Some(extensions);
    server
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_root_field_needs_the_capability_of_its_kind() {
        use Capability::*;
        use OperationType::*;
        assert_eq!(needed(Query, "videos"), Some(Read));
        assert_eq!(needed(Subscription, "transcodeProgress"), Some(Read));
        assert_eq!(needed(Mutation, "createVideo"), Some(Write));
        assert_eq!(needed(Mutation, "uploadImage"), Some(Upload));
        assert_eq!(needed(Mutation, "uploadCaption"), Some(Upload));
        assert_eq!(needed(Mutation, "createWebhookEndpoint"), Some(Webhooks));
        assert_eq!(needed(Mutation, "redeliverWebhook"), Some(Webhooks));
        assert_eq!(needed(Query, "webhookEndpoints"), Some(Webhooks));
        assert_eq!(needed(Query, "playbackKeys"), Some(Write));
        assert_eq!(needed(Mutation, "deletePlaybackKey"), Some(Write));
        assert_eq!(needed(Query, "__typename"), None);
    }
}
