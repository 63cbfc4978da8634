//! sea-orm entities of playlists.

/// A playlist.
pub mod playlist {
    use sea_orm::entity::prelude::*;

    /// Row of `playlists`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "playlists")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub channel_id: Uuid,
        pub title: String,
        pub slug: String,
        pub description: String,
        pub visibility: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of a playlist.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    crate::content::text_columns!();
}

/// A video at a position in a playlist; positions are dense, 0-based.
pub mod playlist_item {
    use sea_orm::entity::prelude::*;

    /// Row of `playlist_items`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "playlist_items")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub playlist_id: Uuid,
        pub video_id: Uuid,
        pub position: i32,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a playlist item.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// The video at this position.
        #[sea_orm(
            belongs_to = "crate::videos::entity::video::Entity",
            from = "Column::VideoId",
            to = "crate::videos::entity::video::Column::Id"
        )]
        Video,
    }

    impl Related<crate::videos::entity::video::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Video.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}
