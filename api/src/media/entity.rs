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
        /// The kind of video or episode the upload is for (with `target_id`).
        pub target_kind: Option<crate::media::subject::SubjectKind>,
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

    impl Model {
        /// The video or episode the upload is for, if any.
        pub fn target(&self) -> Option<crate::media::subject::Subject> {
            self.target_kind
                .zip(self.target_id)
                .map(|(kind, id)| crate::media::subject::Subject::new(kind, id))
        }
    }
}

/// One file a transcode produced (a playlist, an audio file, a picture), under the hashed prefix
/// of its source asset. The API and the delivery layer read these rows; they never list storage.
pub mod media_output {
    use sea_orm::entity::prelude::*;

    /// Row of `media_outputs`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "media_outputs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The source asset this was made from; its key lies under that asset's prefix.
        pub asset_id: Uuid,
        /// `hls_master`, `hls_rendition`, `audio`, `thumbnail`, `poster`, `sprite`,
        /// `sprite_vtt` or `caption`.
        pub kind: String,
        /// Distinguishes outputs of one kind: `720p`, `m4a`, `mp3`, `1`..`4`, a language tag.
        pub name: String,
        pub storage_key: String,
        pub content_type: String,
        /// Size in bytes (for a rendition: its playlist plus every segment).
        pub bytes: i64,
        /// Bits per second (peak for an HLS rendition).
        pub bitrate: Option<i64>,
        pub width: Option<i32>,
        pub height: Option<i32>,
        pub duration_secs: Option<f64>,
        /// Kind-specific details as JSON (codecs string, loudness, sprite grid).
        pub extra: Option<String>,
        pub created_at: DateTimeUtc,
    }

    /// Relations of an output.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
