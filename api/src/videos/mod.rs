//! Videos: the main content type, with chapters, tags and a category.

pub mod entity;
pub mod graphql;
pub mod ranking;
pub mod related;
pub mod service;
