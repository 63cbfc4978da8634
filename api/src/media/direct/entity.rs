//! The sea-orm entity of direct uploads.

/// A direct upload: a one-time tus creation URL for a browser on one origin.
pub mod direct_upload {
    use sea_orm::entity::prelude::*;

    /// Row of `direct_uploads`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "direct_uploads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The unguessable part of the URL (64 hex characters).
        pub secret: String,
        /// Who made it: the upload and the video are theirs.
        pub owner_id: Uuid,
        /// Where the draft video goes.
        pub channel_id: Uuid,
        /// The one browser origin that may use the URL (`scheme://host[:port]`).
        pub cors_origin: String,
        /// Largest file accepted, in bytes.
        pub max_size: i64,
        /// The draft video's settings, as JSON ([`super::super::Settings`]).
        pub settings: String,
        /// `waiting`, `uploading`, `asset_created`, `errored`, `cancelled` or `timed_out` (what
        /// the GraphQL status adds to it is read from the upload).
        pub status: String,
        /// Why it errored, for people.
        pub error: Option<String>,
        /// The tus upload, once the browser started it.
        pub upload_id: Option<Uuid>,
        /// The draft video, once the file is in.
        pub video_id: Option<Uuid>,
        /// Until when the URL may start an upload.
        pub expires_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// Relations of a direct upload.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
