//! Videos: the main content type, with chapters, tags and a category.

pub mod entity;
pub mod graphql;
pub mod service;
