//! Categories (a site-wide tree) and tags (free-form, on videos and episodes).

pub mod entity;
pub mod graphql;
pub mod merge;
pub mod service;
