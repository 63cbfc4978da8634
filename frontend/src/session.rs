//! The signed-in session, shared by the admin app and the viewer pages (which send it when
//! there is one, so a member sees their drafts where the public would not).
//!
//! The access token lives in memory only (a page's script can read `localStorage`, and the
//! access token is the one that opens the API); the refresh token is kept in `localStorage`
//! so that a reload, or a new tab, signs in again without the password. Refresh tokens work
//! once and presenting a spent one ends the session, so every refresh of a page goes through
//! one shared call (`Session::refresh`), never two at once; and the pages of one browser take
//! turns through a Web Lock (`navigator.locks`), reading the stored token only once they hold it
//! and the previous holder's new token has reached them, so two tabs never spend the same one.

use std::sync::Arc;

use futures::FutureExt as _;
use futures::future::{LocalBoxFuture, Shared};
use graphql_client::GraphQLQuery;
use leptos::prelude::*;

use crate::api::{ApiError, decode, execute_as, post, read_response, request_body};

/// `DateTime` as the operations' JSON carries it: RFC 3339, UTC.
type DateTime = String;

/// The `Login` operation (`graphql/session.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/session.graphql",
    response_derives = "Debug"
)]
pub struct Login;

/// The `Refresh` operation (`graphql/session.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/session.graphql",
    response_derives = "Debug"
)]
pub struct Refresh;

/// The `Logout` operation (`graphql/session.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/session.graphql",
    response_derives = "Debug"
)]
pub struct Logout;

/// The `ChangePassword` operation (`graphql/session.graphql`): a new session comes back.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/session.graphql",
    response_derives = "Debug"
)]
pub struct ChangePassword;

/// Where the refresh token is kept between page loads.
const REFRESH_KEY: &str = "projector.refreshToken";
/// The Web Lock the pages of one browser hold while they trade the stored refresh token.
const REFRESH_LOCK: &str = "projector.refresh";
/// Access tokens this close to their expiry are refreshed before use (at most a quarter of
/// their lifetime, so short-lived tokens are still used).
const EXPIRY_MARGIN_MS: f64 = 30_000.0;

/// Who is signed in.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUser {
    /// Global ID.
    pub id: String,
    /// Login email.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Site role: `ADMIN`, `EDITOR` or `VIEWER`.
    pub role: String,
    /// Their avatar picture.
    pub avatar_url: Option<String>,
}

/// Where the session stands.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Not looked at yet (public pages never do).
    Unknown,
    /// Trading the stored refresh token for a session.
    Restoring,
    /// Nobody is signed in.
    SignedOut,
    /// Signed in.
    SignedIn(SessionUser),
}

/// An access token and when to stop using it (milliseconds since the epoch): a little before
/// it expires, so that a request does not arrive with a token that just ran out.
#[derive(Debug, Clone)]
struct AccessToken {
    token: String,
    use_until_ms: f64,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

/// The session, shared through the context (see [`use_session`]). Cheap to copy.
#[derive(Clone, Copy)]
pub struct Session {
    /// Where the session stands; pages react to it.
    pub state: RwSignal<AuthState>,
    access: StoredValue<Option<AccessToken>>,
    refreshing: StoredValue<Option<RefreshFuture>, LocalStorage>,
}

/// The session the app provides.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// The error of a call made without a session.
fn signed_out() -> ApiError {
    ApiError::GraphQl {
        message: "you are signed out: sign in again".into(),
        code: Some("UNAUTHENTICATED".into()),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn stored_refresh_token() -> Option<String> {
    storage().and_then(|s| s.get_item(REFRESH_KEY).ok().flatten())
}

fn store_refresh_token(token: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match token {
            Some(t) => s.set_item(REFRESH_KEY, t),
            None => s.remove_item(REFRESH_KEY),
        };
    }
}

/// The fields every session payload has (`SessionFields` in `graphql/admin/session.graphql`).
struct Payload {
    access_token: String,
    access_token_expires_at: String,
    refresh_token: String,
    user: SessionUser,
}

macro_rules! payload_from {
    ($($module:ident),*) => {$(
        impl From<$module::SessionFields> for Payload {
            fn from(p: $module::SessionFields) -> Self {
                Self {
                    access_token: p.access_token,
                    access_token_expires_at: p.access_token_expires_at,
                    refresh_token: p.refresh_token,
                    user: SessionUser {
                        id: p.user.id,
                        // Null only for other people's accounts; this is the caller's own.
                        email: p.user.email.unwrap_or_default(),
                        display_name: p.user.display_name,
                        role: format!("{:?}", p.user.role),
                        avatar_url: p.user.avatar_url,
                    },
                }
            }
        }
    )*};
}
payload_from!(login, refresh, change_password);

impl Session {
    /// A session nobody has looked at yet.
    pub fn new() -> Self {
        watch_other_tabs();
        Self {
            state: RwSignal::new(AuthState::Unknown),
            access: StoredValue::new(None),
            refreshing: StoredValue::new_local(None),
        }
    }

    /// Whether someone may be signed in: a session is open, or a stored one may be restored.
    /// Viewer pages send their reads with the session only then (see `api::watching`).
    pub fn may_be_signed_in(self) -> bool {
        matches!(self.state.get_untracked(), AuthState::SignedIn(_))
            || stored_refresh_token().is_some()
    }

    /// Starts restoring a stored session, once: admin pages call this when they mount.
    pub fn ensure_restored(self) {
        if self.state.get_untracked() != AuthState::Unknown {
            return;
        }
        if stored_refresh_token().is_none() {
            self.state.set(AuthState::SignedOut);
            return;
        }
        self.state.set(AuthState::Restoring);
        leptos::task::spawn_local(async move {
            // Failure leaves the state signed out (or, on a network error, says so below).
            if self.refresh().await.is_err() && self.state.get_untracked() == AuthState::Restoring {
                self.state.set(AuthState::SignedOut);
            }
        });
    }

    fn accept(self, payload: Payload) {
        store_refresh_token(Some(&payload.refresh_token));
        let now = js_sys::Date::now();
        let expires = js_sys::Date::parse(&payload.access_token_expires_at);
        // An unreadable expiry (NaN) compares false: the token is refreshed before each use.
        let margin = EXPIRY_MARGIN_MS.min((expires - now) / 4.0);
        self.access.set_value(Some(AccessToken {
            token: payload.access_token,
            use_until_ms: expires - margin,
        }));
        // Only a change of user re-renders what depends on the session.
        if self.state.get_untracked() != AuthState::SignedIn(payload.user.clone()) {
            self.state.set(AuthState::SignedIn(payload.user));
        }
    }

    fn forget(self) {
        store_refresh_token(None);
        self.access.set_value(None);
        self.state.set(AuthState::SignedOut);
    }

    /// Signs in with email and password; the API's error (a wrong password, too many attempts)
    /// otherwise.
    pub async fn sign_in(self, email: String, password: String) -> Result<(), ApiError> {
        let data = execute_as::<Login>(
            None,
            login::Variables {
                input: login::LoginInput { email, password },
            },
        )
        .await?;
        self.accept(data.login.into());
        Ok(())
    }

    /// Changes the password; every other session of the account ends and this one goes on
    /// with the new session the server returns.
    pub async fn change_password(self, current: String, new: String) -> Result<(), ApiError> {
        let data = self
            .call::<ChangePassword>(change_password::Variables {
                input: change_password::ChangePasswordInput {
                    current_password: current,
                    new_password: new,
                },
            })
            .await?;
        self.accept(data.change_password.into());
        Ok(())
    }

    /// Changes what is shown of the signed-in user (after they changed their profile).
    pub fn update_user(self, change: impl FnOnce(&mut SessionUser)) {
        if let AuthState::SignedIn(mut user) = self.state.get_untracked() {
            change(&mut user);
            self.state.set(AuthState::SignedIn(user));
        }
    }

    /// Forgets the session here (the account is gone, or the server ended it).
    pub fn forget_here(self) {
        self.forget();
    }

    /// Ends the session on the server (if it can be reached) and here.
    pub async fn sign_out(self) {
        if let Some(refresh_token) = stored_refresh_token() {
            let _ = execute_as::<Logout>(
                None,
                logout::Variables {
                    input: logout::RefreshInput { refresh_token },
                },
            )
            .await;
        }
        self.forget();
    }

    /// Ends every session of the user (every browser and device) on the server, then here.
    /// Signed out here even when the server cannot be reached.
    pub async fn sign_out_everywhere(self) -> Result<(), ApiError> {
        let result = crate::api::community::logout_everywhere(self).await;
        self.forget();
        result
    }

    /// Whether someone is signed in now (untracked).
    pub fn signed_in(self) -> bool {
        matches!(self.state.get_untracked(), AuthState::SignedIn(_))
    }

    /// The access token when one is open and fresh, without waiting (for a page that is going
    /// away and cannot wait for a refresh).
    pub fn fresh_token(self) -> Option<String> {
        self.access
            .get_value()
            .filter(|t| t.use_until_ms > js_sys::Date::now())
            .map(|t| t.token)
    }

    /// Trades the stored refresh token for a new session. Calls made while one is under way
    /// wait for it instead of spending the token a second time.
    pub async fn refresh(self) -> Result<(), ApiError> {
        if let Some(running) = self.refreshing.get_value() {
            return running.await;
        }
        let future: LocalBoxFuture<'static, Result<(), ApiError>> = Box::pin(async move {
            let result = holding_refresh_lock(self.refresh_now()).await;
            self.refreshing.set_value(None);
            result
        });
        let shared = future.shared();
        self.refreshing.set_value(Some(shared.clone()));
        shared.await
    }

    async fn refresh_now(self) -> Result<(), ApiError> {
        // Read at the last moment: another tab may have rotated it meanwhile.
        let Some(refresh_token) = stored_refresh_token() else {
            self.forget();
            return Err(signed_out());
        };
        match execute_as::<Refresh>(
            None,
            refresh::Variables {
                input: refresh::RefreshInput { refresh_token },
            },
        )
        .await
        {
            Ok(data) => {
                self.accept(data.refresh.into());
                Ok(())
            }
            // The token is spent, expired or revoked: the session is over.
            Err(e @ ApiError::GraphQl { .. }) => {
                self.forget();
                Err(e)
            }
            // The server could not be reached: keep the token for the next try.
            Err(e) => Err(e),
        }
    }

    /// A usable access token, refreshed first when it has expired (or is about to).
    pub async fn access_token(self) -> Result<String, ApiError> {
        let fresh = |t: &Option<AccessToken>| {
            t.as_ref()
                .filter(|t| t.use_until_ms > js_sys::Date::now())
                .map(|t| t.token.clone())
        };
        if let Some(token) = fresh(&self.access.get_value()) {
            return Ok(token);
        }
        self.refresh().await?;
        fresh(&self.access.get_value())
            .or_else(|| self.access.get_value().map(|t| t.token))
            .ok_or_else(signed_out)
    }

    /// Runs an operation as the signed-in user. A token the server no longer takes (expired
    /// early, revoked) is refreshed once and the operation sent again.
    pub async fn call<Q: GraphQLQuery>(
        self,
        variables: Q::Variables,
    ) -> Result<Q::ResponseData, ApiError> {
        decode(self.call_raw(request_body::<Q>(variables)).await?)
    }

    /// Sends a JSON request `body` as the signed-in user; the answer's `data` as JSON.
    pub(crate) async fn call_json(self, body: String) -> Result<serde_json::Value, ApiError> {
        self.call_raw(body).await
    }

    async fn call_raw(self, body: String) -> Result<serde_json::Value, ApiError> {
        let token = self.access_token().await?;
        match post(Some(&token), body.clone()).await {
            Err(e) if e.code() == Some("UNAUTHENTICATED") => {
                self.access.set_value(None);
                let token = self.access_token().await?;
                post(Some(&token), body).await
            }
            other => other,
        }
    }

    /// Sends a GraphQL multipart request (the operation with `file_var` null, and the file as
    /// part `0`), as the signed-in user.
    pub async fn call_with_file<Q: GraphQLQuery>(
        self,
        variables: Q::Variables,
        file_var: &str,
        file: &web_sys::File,
    ) -> Result<Q::ResponseData, ApiError> {
        let operations = request_body::<Q>(variables);
        decode(self.call_with_file_raw(operations, file_var, file).await?)
    }

    /// [`Self::call_with_file`] for an operation sent and read as plain JSON.
    pub(crate) async fn call_json_with_file(
        self,
        operations: String,
        file_var: &str,
        file: &web_sys::File,
    ) -> Result<serde_json::Value, ApiError> {
        self.call_with_file_raw(operations, file_var, file).await
    }

    async fn call_with_file_raw(
        self,
        operations: String,
        file_var: &str,
        file: &web_sys::File,
    ) -> Result<serde_json::Value, ApiError> {
        let network = |e| ApiError::Network(Arc::new(e));
        let js = |_| ApiError::Status(0);
        let map = serde_json::json!({ "0": [format!("variables.{file_var}")] }).to_string();
        for attempt in 0..2 {
            let token = self.access_token().await?;
            let form = web_sys::FormData::new().map_err(js)?;
            form.append_with_str("operations", &operations)
                .map_err(js)?;
            form.append_with_str("map", &map).map_err(js)?;
            form.append_with_blob_and_filename("0", file, &file.name())
                .map_err(js)?;
            let response = gloo_net::http::Request::post("/graphql")
                .header("Authorization", &format!("Bearer {token}"))
                .body(form)
                .map_err(network)?
                .send()
                .await
                .map_err(network)?;
            match read_response(response).await {
                Err(e) if attempt == 0 && e.code() == Some("UNAUTHENTICATED") => {
                    self.access.set_value(None);
                }
                other => return other,
            }
        }
        Err(signed_out())
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// How many times another tab of this browser stored a new refresh token (`storage` events).
    static ROTATED_ELSEWHERE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Counts the refresh tokens other tabs store, once per page.
fn watch_other_tabs() {
    use wasm_bindgen::prelude::*;
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_storage = Closure::<dyn Fn(JsValue)>::new(|event: JsValue| {
        let key = js_sys::Reflect::get(&event, &JsValue::from_str("key")).ok();
        if key.and_then(|k| k.as_string()).as_deref() == Some(REFRESH_KEY) {
            ROTATED_ELSEWHERE.with(|n| n.set(n.get().wrapping_add(1)));
        }
    });
    let _ = window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
    on_storage.forget();
}

/// How long a tab that waited for the lock waits for the holder's new token to reach it.
const ROTATION_WAIT_MS: f64 = 2000.0;

/// Runs `work` while holding the browser-wide [`REFRESH_LOCK`], so the tabs of one browser trade
/// the stored refresh token one after the other. Each tab reads `localStorage` from its own copy,
/// which another tab's write reaches a moment later (with a `storage` event): so a tab that had to
/// wait for the lock also waits, after getting it, for the holder's new token to arrive before it
/// reads. Where Web Locks are missing (plain HTTP on a host other than localhost is not a secure
/// context) it runs at once.
async fn holding_refresh_lock(
    work: impl std::future::Future<Output = Result<(), ApiError>> + 'static,
) -> Result<(), ApiError> {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::prelude::*;

    let request = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("locks")).ok())
        .filter(|locks| locks.is_object())
        .and_then(|locks| {
            let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request")).ok()?;
            Some((locks, request.dyn_into::<js_sys::Function>().ok()?))
        });
    let Some((locks, request)) = request else {
        return work.await;
    };
    let seen = ROTATED_ELSEWHERE.with(std::cell::Cell::get);
    let (done, outcome) = futures::channel::oneshot::channel();
    // Runs the work and reports its outcome; the lock is held until the promise settles.
    let run = move |waited: bool| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            if waited {
                let since = js_sys::Date::now();
                while ROTATED_ELSEWHERE.with(std::cell::Cell::get) == seen
                    && js_sys::Date::now() - since < ROTATION_WAIT_MS
                {
                    crate::api::sleep(20).await;
                }
            }
            let _ = done.send(work.await);
            Ok(JsValue::UNDEFINED)
        })
    };
    let name = JsValue::from_str(REFRESH_LOCK);
    // First without waiting: `null` instead of a lock says another tab holds it; then wait for it.
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    let first = {
        let (locks, request, name) = (locks.clone(), request.clone(), name.clone());
        Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
            if !lock.is_null() {
                return run(false);
            }
            let wait = Closure::once_into_js(move |_lock: JsValue| run(true));
            // On failure `run` is dropped and the caller hears the lock was dropped.
            let _ = request.call2(&locks, &name, &wait);
            js_sys::Promise::resolve(&JsValue::UNDEFINED)
        })
    };
    if request.call3(&locks, &name, &options, &first).is_err() {
        return Err(lock_error("could not take the session lock"));
    }
    outcome
        .await
        .unwrap_or_else(|_| Err(lock_error("the session lock was dropped")))
}

/// A failure to coordinate with the other tabs: like a network error, it keeps the stored token
/// for the next try.
fn lock_error(what: &str) -> ApiError {
    ApiError::Network(Arc::new(gloo_net::Error::GlooError(what.into())))
}
