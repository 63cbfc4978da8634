//! sea-orm entities of the channels domain.

/// A channel: the owner of videos, playlists and podcasts.
pub mod channel {
    use sea_orm::entity::prelude::*;

    /// Row of `channels`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "channels")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub slug: String,
        pub description: String,
        pub avatar_asset_id: Option<Uuid>,
        pub banner_asset_id: Option<Uuid>,
        /// Views of its videos (added by the view flush, carried along when a video moves).
        pub view_count: i64,
        /// Subscribers, added to in batches (see `community::counters`).
        pub subscriber_count: i64,
        /// How new comments on its videos and episodes are moderated: `publish`, `hold_new`
        /// or `hold_all` (see `community::comments`).
        pub comment_moderation: String,
        /// Who may play its videos, by referrer (JSON, see `delivery::referrer`); null: anyone.
        pub playback_restriction: Option<String>,
        /// Whether its videos' MP4 and M4A downloads are made and offered (a video may say
        /// otherwise).
        pub downloads_enabled: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of a channel.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user's membership of a channel, with their role in it.
pub mod channel_member {
    use sea_orm::entity::prelude::*;

    /// Row of `channel_members`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "channel_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub channel_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub role: String,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a membership.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
