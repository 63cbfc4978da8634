//! sea-orm entity of videos.

/// A video.
pub mod video {
    use sea_orm::entity::prelude::*;

    /// Row of `videos`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "videos")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub channel_id: Uuid,
        pub title: String,
        pub slug: String,
        pub description: String,
        pub status: String,
        pub visibility: String,
        pub publish_at: Option<DateTimeUtc>,
        pub unpublish_at: Option<DateTimeUtc>,
        pub duration_secs: Option<f64>,
        pub language: Option<String>,
        pub license: Option<String>,
        pub category_id: Option<Uuid>,
        pub view_count: i64,
        /// Likes, added to in batches (see `community::counters`).
        pub like_count: i64,
        /// Published comments and replies (kept by `community::comments`).
        pub comment_count: i64,
        /// Whether signed-in viewers may comment on it.
        pub comments_enabled: bool,
        /// Recent views, each day's halved every two days (see `videos::ranking`).
        pub trending_score: f64,
        /// JSON array of `{ "title", "startSecs" }`.
        pub chapters: String,
        pub source_asset_id: Option<Uuid>,
        pub poster_asset_id: Option<Uuid>,
        /// Why the media could not be used (upload rejected, transcode failed), for editors.
        pub media_error: Option<String>,
        /// Who may play it, by referrer (JSON, see `delivery::referrer`); null: the channel's.
        pub playback_restriction: Option<String>,
        /// Whether its MP4 and M4A downloads are made and offered; null: the channel's setting.
        pub downloads_enabled: Option<bool>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of a video.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    crate::content::text_columns!();
}
