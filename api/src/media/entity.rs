//! sea-orm entities of the media domain.

/// A stored, probed file: an upload's source, an image or a caption file.
pub mod media_asset {
    use sea_orm::entity::prelude::*;

    /// Row of `media_assets`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "media_assets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub owner_id: Uuid,
        pub kind: String,
        pub storage_key: String,
        pub size: i64,
        pub sha256: String,
        pub content_type: String,
        pub original_name: String,
        /// The GStreamer probe result as JSON.
        pub probe: Option<String>,
        pub created_at: DateTimeUtc,
    }

    /// Relations of an asset.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A resumable (tus) upload in progress or finished.
pub mod upload {
    use sea_orm::entity::prelude::*;

    /// Row of `uploads`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "uploads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub owner_id: Uuid,
        /// Total size announced at creation (`Upload-Length`).
        pub length: i64,
        /// Bytes durably received (`Upload-Offset`): the staging file is truncated to this after
        /// a crash, so it never counts bytes that were not fsynced.
        pub offset: i64,
        /// The raw `Upload-Metadata` header.
        pub metadata: String,
        pub filename: String,
        pub target_kind: Option<String>,
        pub target_id: Option<Uuid>,
        /// `uploading`, `processing`, `complete`, `rejected` or `terminated`.
        pub status: String,
        /// Why a rejected upload was rejected, for people.
        pub error: Option<String>,
        pub asset_id: Option<Uuid>,
        pub expires_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of an upload.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
