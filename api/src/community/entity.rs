//! sea-orm entities of the community domain.

/// A site-wide setting kept in the database (`registration` when the demo seeded it).
pub mod site_setting {
    use sea_orm::entity::prelude::*;

    /// Row of `site_settings`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }

    /// Relations of a setting.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A single-use link an admin hands out so someone can sign up while registration is by
/// invitation.
pub mod invitation {
    use sea_orm::entity::prelude::*;

    /// Row of `invitations`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// SHA-256 of the secret in the link; the secret itself is never stored.
        pub token_hash: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
        pub used_by: Option<Uuid>,
    }

    /// Relations of an invitation.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Declares the entity of a like table (`$table`): a user's like of one item, keyed by the
/// item (`$item`, the liked video or episode) and the user.
macro_rules! like_entity {
    ($module:ident, $doc:literal, $table:tt, $item:ident) => {
        #[doc = $doc]
        pub mod $module {
            use sea_orm::entity::prelude::*;

            /// A like.
            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub $item: Uuid,
                #[sea_orm(primary_key, auto_increment = false)]
                pub user_id: Uuid,
                pub created_at: DateTimeUtc,
            }

            /// Relations of a like.
            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

like_entity!(
    video_like,
    "A user's like of a video.",
    "video_likes",
    video_id
);
like_entity!(
    episode_like,
    "A user's like of a podcast episode.",
    "episode_likes",
    episode_id
);

/// A user following a channel.
pub mod channel_subscription {
    use sea_orm::entity::prelude::*;

    /// Row of `channel_subscriptions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "channel_subscriptions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub channel_id: Uuid,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a subscription.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where a user stopped in a video or an episode.
pub mod watch_position {
    use sea_orm::entity::prelude::*;

    /// Row of `watch_positions`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "watch_positions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        /// The video's or the episode's id (UUIDv7s never collide).
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: Uuid,
        /// Set for a video (so deleting it deletes the row).
        pub video_id: Option<Uuid>,
        /// Set for an episode.
        pub episode_id: Option<Uuid>,
        pub position_secs: f64,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of a position.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A comment on a video or an episode, or a reply to one (one level deep).
pub mod comment {
    use sea_orm::entity::prelude::*;

    /// Row of `comments`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Set for a comment on a video.
        pub video_id: Option<Uuid>,
        /// Set for a comment on an episode.
        pub episode_id: Option<Uuid>,
        /// NULL once the author's account was deleted (the comment stays, anonymised).
        pub author_id: Option<Uuid>,
        /// The top-level comment this one replies to.
        pub parent_id: Option<Uuid>,
        /// The text as written (Markdown-lite).
        pub body: String,
        /// `body` rendered and sanitised when it was written.
        pub body_html: String,
        /// `published`, `held` or `rejected`.
        pub status: String,
        /// Published replies.
        pub reply_count: i64,
        /// Reports not yet reviewed by a moderator.
        pub report_count: i64,
        pub created_at: DateTimeUtc,
        pub edited_at: Option<DateTimeUtc>,
    }

    /// Relations of a comment.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user's report of a comment.
pub mod comment_report {
    use sea_orm::entity::prelude::*;

    /// Row of `comment_reports`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comment_reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub comment_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub reason: Option<String>,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a report.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user banned from commenting on a channel's videos and episodes.
pub mod comment_ban {
    use sea_orm::entity::prelude::*;

    /// Row of `comment_bans`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comment_bans")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub channel_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a ban.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
