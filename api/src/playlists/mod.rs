//! Playlists: ordered lists of a channel's videos.

pub mod entity;
pub mod graphql;
pub mod service;
