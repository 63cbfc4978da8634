//! Account services: users, passwords, sessions (access + refresh tokens) and API tokens.
//! Plain async functions over a connection; they know nothing of HTTP or GraphQL.
//!
//! One file per job: `credentials` (email and password rules, hashing), `users` (creating and
//! finding users, the first admin), `login` (login, refresh, logout and revoked sessions),
//! `tokens` (API tokens) and `admin` (what admins do to users: list, role, disable, password).

mod admin;
mod credentials;
mod login;
mod tokens;
mod users;

pub use admin::{
    UserFilter, disable_user, enable_user, list_users, logout_everywhere, set_user_password,
    set_user_role,
};
pub use credentials::{
    MAX_PASSWORD_LEN, check_password, hash_password, normalize_email, verify_password,
};
pub use login::{Session, SessionTtl, login, logout, refresh};
pub use tokens::{
    MAX_TOKEN_CHANNELS, MAX_TOKEN_DAYS, NewApiToken, authenticate_api_token, create_api_token,
    list_all_api_tokens, list_api_tokens, random_token, revoke_api_token, sha256_hex,
};
pub use users::{NewUser, create_user, ensure_first_admin, find_user, find_user_by_email};
