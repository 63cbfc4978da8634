//! sea-orm entities of podcasts and their episodes.

/// A podcast (a show).
pub mod podcast {
    use sea_orm::entity::prelude::*;

    /// Row of `podcasts`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "podcasts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub channel_id: Uuid,
        pub title: String,
        pub slug: String,
        pub description: String,
        pub author: String,
        pub owner_name: String,
        pub owner_email: String,
        pub artwork_asset_id: Option<Uuid>,
        pub language: String,
        /// JSON array of `"Category"` or `"Category > Subcategory"` strings.
        pub itunes_categories: String,
        pub explicit: bool,
        /// `podcast:locked`: other platforms may not import the feed.
        pub locked: bool,
        pub podcast_type: String,
        pub visibility: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of a podcast.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    crate::content::text_columns!();
}

/// An episode of a podcast.
pub mod episode {
    use sea_orm::entity::prelude::*;

    /// Row of `episodes`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "episodes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub podcast_id: Uuid,
        pub title: String,
        pub slug: String,
        pub description: String,
        pub guid: String,
        pub media_asset_id: Option<Uuid>,
        pub duration_secs: Option<f64>,
        pub season: Option<i32>,
        pub number: Option<i32>,
        pub episode_type: String,
        pub status: String,
        pub visibility: String,
        pub publish_at: Option<DateTimeUtc>,
        pub unpublish_at: Option<DateTimeUtc>,
        /// Set the first time the episode is published; from then on its GUID is frozen.
        pub first_published_at: Option<DateTimeUtc>,
        /// Why the media could not be used (upload rejected, transcode failed), for editors.
        pub media_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// Chapters as JSON (see `crate::videos::service::Chapter`).
        pub chapters: String,
        /// Likes, added to in batches (see `community::counters`).
        pub like_count: i64,
        /// Published comments and replies (kept by `community::comments`).
        pub comment_count: i64,
        /// Whether signed-in viewers may comment on it.
        pub comments_enabled: bool,
    }

    /// Relations of an episode.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    crate::content::text_columns!();
}
