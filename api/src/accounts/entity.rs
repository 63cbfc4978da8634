//! sea-orm entities of the accounts domain.

/// A person who can log in.
pub mod user {
    use sea_orm::entity::prelude::*;

    /// Row of `users`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub email: String,
        pub password_hash: String,
        pub role: String,
        pub display_name: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// When an admin disabled the account; NULL while it is active.
        pub disabled_at: Option<DateTimeUtc>,
        /// The avatar picture (`uploadImage(target: USER_AVATAR)`).
        pub avatar_asset_id: Option<Uuid>,
    }

    /// Relations of a user.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One refresh token; tokens minted from one login share a family.
pub mod refresh_token {
    use sea_orm::entity::prelude::*;

    /// Row of `refresh_tokens`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub family_id: Uuid,
        pub token_hash: String,
        pub expires_at: DateTimeUtc,
        pub spent_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    /// Relations of a refresh token.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A long-lived token a third-party site uses to call the API, with capabilities, an optional
/// channel limit and an optional expiry.
pub mod api_token {
    use sea_orm::entity::prelude::*;

    /// Row of `api_tokens`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub name: String,
        pub scope: String,
        pub token_hash: String,
        pub prefix: String,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
        /// Comma-separated capabilities (`read,write,upload,webhooks`).
        pub capabilities: String,
        /// Comma-separated ids of the channels it may change; NULL: no limit.
        pub channel_ids: Option<String>,
        /// When it stops working; NULL: never.
        pub expires_at: Option<DateTimeUtc>,
    }

    /// Relations of an API token.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// The owner, whose rights a `write` token carries.
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id"
        )]
        User,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}
