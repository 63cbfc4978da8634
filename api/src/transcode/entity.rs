//! sea-orm entity of the job queue.

/// A unit of background work (a transcode) with its lease and progress.
pub mod job {
    use sea_orm::entity::prelude::*;

    /// Row of `jobs`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "jobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// `transcode`.
        pub kind: String,
        /// The source asset to work on.
        pub asset_id: Uuid,
        /// What the job works for, with `subject_id`.
        pub subject_kind: crate::media::subject::SubjectKind,
        pub subject_id: Uuid,
        /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
        pub status: String,
        pub attempts: i32,
        pub max_attempts: i32,
        /// Not before this time (backoff after a failed attempt).
        pub run_at: DateTimeUtc,
        /// The worker holding the job.
        pub locked_by: Option<String>,
        /// The lease: past this, another worker may take the job.
        pub locked_until: Option<DateTimeUtc>,
        /// 0 to 100.
        pub progress: f64,
        pub stage: Option<String>,
        pub eta_secs: Option<f64>,
        /// The last failure, for editors.
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }

    /// Relations of a job.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The video or episode the job works for.
        pub fn subject(&self) -> crate::media::subject::Subject {
            crate::media::subject::Subject::new(self.subject_kind, self.subject_id)
        }
    }
}
