//! Projector's single-page app: Leptos, rendered in the browser, talking to the server only
//! through the GraphQL API described by `schema.graphql`.

#[cfg(feature = "admin")]
pub mod admin;
pub mod api;
pub mod components;
pub mod dom;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod player;
pub mod session;
