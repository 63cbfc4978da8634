//! The tus endpoints of direct uploads: `/uploads/direct/{secret}` creates the one upload a
//! direct-upload URL allows, `/uploads/direct/{secret}/{id}` receives its bytes. No credential:
//! the secret is the credential, and a browser may use it only from the registered origin.
//!
//! CORS is answered here rather than by a layer, because the allowed origin is per URL: a
//! request with the registered `Origin` gets `Access-Control-Allow-Origin` on every answer
//! (errors included, so the page can read them); one with another `Origin` is refused (403) and
//! creates nothing; one without `Origin` (a server, curl) is not a browser's and is served.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;

use super::{
    OFFSET_TYPE, TUS_VERSION, TusError, TusResult, answer, append, check_version, header_str,
    header_u64, parse_id,
};
use crate::error::AppError;
use crate::media::direct::{self, direct_upload, status};
use crate::media::uploads;
use crate::state::{AppState, Ctx};
use crate::visibility::Viewer;

/// What the direct endpoints support (no termination: the browser cannot cancel, the
/// integrator can, with `cancelDirectUpload` before it starts).
const DIRECT_EXTENSIONS: &str = "creation,creation-with-upload,expiration,checksum";
/// Request headers a tus client sends.
const ALLOW_HEADERS: &str = "Tus-Resumable, Upload-Length, Upload-Metadata, Upload-Offset, \
                             Upload-Checksum, Upload-Defer-Length, Content-Type";
/// Answer headers a tus client reads.
const EXPOSE_HEADERS: &str = "Location, Tus-Resumable, Tus-Version, Tus-Extension, \
                              Tus-Max-Size, Upload-Offset, Upload-Length, Upload-Expires";

/// The direct upload of `secret` and the origin to allow in the answer (`None`: the request
/// came from no browser). Another origin is refused.
async fn admit(
    ctx: &Ctx,
    secret: &str,
    headers: &HeaderMap,
) -> Result<(direct_upload::Model, Option<HeaderValue>), TusError> {
    let found = direct::by_secret(&ctx.db, secret).await?;
    match headers.get(header::ORIGIN) {
        None => Ok((found, None)),
        Some(origin) if origin.as_bytes() == found.cors_origin.as_bytes() => {
            Ok((found, Some(origin.clone())))
        }
        Some(_) => Err(TusError::WrongOrigin),
    }
}

/// The answer, with the CORS headers of an allowed origin.
fn with_cors(result: TusResult, origin: Option<HeaderValue>) -> Response {
    let mut response = result.unwrap_or_else(IntoResponse::into_response);
    let h = response.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    response
}

/// Runs `inner` for an admitted request and adds the CORS headers.
macro_rules! admitted {
    ($state:expr, $secret:expr, $headers:expr, |$found:ident| $inner:expr) => {{
        match admit(&$state.ctx, &$secret, &$headers).await {
            Ok(($found, origin)) => with_cors($inner.await, origin),
            Err(refused) => with_cors(Err(refused), None),
        }
    }};
}

/// `OPTIONS /uploads/direct/{secret}`: the CORS preflight and tus discovery.
pub async fn options(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Response {
    admitted!(state, secret, headers, |found| async {
        let mut r = answer(StatusCode::NO_CONTENT, None);
        let h = r.headers_mut();
        h.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
        h.insert("tus-extension", HeaderValue::from_static(DIRECT_EXTENSIONS));
        h.insert("tus-checksum-algorithm", HeaderValue::from_static("sha256"));
        h.insert("tus-max-size", HeaderValue::from(found.max_size));
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, PATCH, HEAD, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(600));
        Ok(r)
    })
}

/// `OPTIONS /uploads/direct/{secret}/{id}`: the same, for the upload's own URL.
pub async fn options_upload(
    state: State<AppState>,
    Path((secret, _id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    options(state, Path(secret), headers).await
}

/// `POST /uploads/direct/{secret}`: creates the URL's one upload (and appends the body, if
/// any).
pub async fn create(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    admitted!(state, secret, headers, |found| create_for(
        &state.ctx, &found, &headers, body
    ))
}

/// Why a direct upload may not start an upload now, if it may not.
fn refusal(found: &direct_upload::Model) -> Option<TusError> {
    match found.status.as_str() {
        status::CANCELLED => Some(TusError::DirectCancelled),
        status::TIMED_OUT => Some(TusError::DirectExpired),
        status::WAITING if found.expires_at <= Utc::now() => Some(TusError::DirectExpired),
        status::WAITING => None,
        _ => Some(TusError::DirectUsed),
    }
}

/// The client's `Upload-Metadata` with only what describes the file (its name and type): the
/// keys that would name a video or channel are the direct upload's to decide.
fn file_metadata(headers: &HeaderMap) -> Result<String, TusError> {
    let given =
        uploads::parse_metadata(header_str(headers, "upload-metadata").unwrap_or_default())?;
    Ok(["filename", "name", "filetype"]
        .into_iter()
        .filter_map(|key| {
            given
                .get(key)
                .map(|v| format!("{key} {}", STANDARD.encode(v)))
        })
        .collect::<Vec<_>>()
        .join(","))
}

async fn create_for(
    ctx: &std::sync::Arc<Ctx>,
    found: &direct_upload::Model,
    headers: &HeaderMap,
    body: Body,
) -> TusResult {
    check_version(headers)?;
    if let Some(refused) = refusal(found) {
        return Err(refused);
    }
    if headers.contains_key("upload-defer-length") {
        let message = "Upload-Defer-Length is not supported: send Upload-Length";
        return Err(AppError::validation(message).into());
    }
    let length = header_u64(headers, "upload-length", "Upload-Length")?;
    if length > u64::try_from(found.max_size).unwrap_or(0) {
        return Err(AppError::PayloadTooLarge {
            limit: usize::try_from(found.max_size).unwrap_or(usize::MAX),
        }
        .into());
    }
    let metadata = file_metadata(headers)?;
    if !direct::claim(&ctx.db, found.id).await? {
        // Another request took it (or it expired) since it was read.
        let now = direct::by_secret(&ctx.db, &found.secret).await?;
        return Err(refusal(&now).unwrap_or(TusError::DirectUsed));
    }
    let made = uploads::create(
        &ctx.db,
        &ctx.uploads.staging_dir,
        &ctx.config.uploads,
        &Viewer::Public,
        found.owner_id,
        length,
        &metadata,
    )
    .await;
    let created = match made {
        Ok(created) => created,
        Err(e) => {
            // A refused upload (the owner's quota) leaves the URL as it was.
            direct::release(&ctx.db, found.id).await?;
            return Err(e.into());
        }
    };
    direct::link(&ctx.db, found.id, created.id).await?;
    let upload = if header_str(headers, "content-type") == Some(OFFSET_TYPE) {
        append(ctx, &created, 0, headers, body).await?
    } else {
        created
    };
    let mut response = answer(StatusCode::CREATED, Some(&upload));
    let location = format!(
        "{}/{}",
        direct::url(&ctx.config.public_url, &found.secret),
        upload.id
    );
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// The upload `raw_id`, if it is the one this direct upload made.
async fn its_upload(
    ctx: &Ctx,
    found: &direct_upload::Model,
    raw_id: &str,
) -> Result<crate::media::entity::upload::Model, TusError> {
    let id = parse_id(raw_id)?;
    if found.upload_id != Some(id) {
        return Err(AppError::NotFound("upload").into());
    }
    Ok(uploads::find_for(&ctx.db, id, found.owner_id, false).await?)
}

/// `HEAD /uploads/direct/{secret}/{id}`: the durable offset.
pub async fn head(
    State(state): State<AppState>,
    Path((secret, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    admitted!(state, secret, headers, |found| async {
        check_version(&headers)?;
        let upload = its_upload(&state.ctx, &found, &id).await?;
        if upload.status == uploads::status::TERMINATED {
            return Err(TusError::Gone);
        }
        Ok(answer(StatusCode::OK, Some(&upload)))
    })
}

/// `PATCH /uploads/direct/{secret}/{id}`: appends bytes at `Upload-Offset`.
pub async fn patch(
    State(state): State<AppState>,
    Path((secret, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    admitted!(state, secret, headers, |found| async {
        check_version(&headers)?;
        if header_str(&headers, "content-type") != Some(OFFSET_TYPE) {
            return Err(TusError::ContentType);
        }
        let offset = header_u64(&headers, "upload-offset", "Upload-Offset")?;
        let upload = its_upload(&state.ctx, &found, &id).await?;
        let updated = append(&state.ctx, &upload, offset, &headers, body).await?;
        Ok(answer(StatusCode::NO_CONTENT, Some(&updated)))
    })
}
