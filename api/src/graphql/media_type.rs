//! The media type of a GraphQL answer, per GraphQL over HTTP: `application/graphql-response+json`
//! when the client's `Accept` prefers it (then a request that fails before execution, a document
//! that does not parse or validate or variables that do not coerce, is a 4xx without `data`),
//! `application/json` otherwise (as always: 200 with the errors), and 406 for an `Accept` that
//! allows neither.

use async_graphql::ServerError;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::errors::request_error_with_status;

/// The spec's media type.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// What the answer is sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/json`: errors are 200 as before the spec (and for clients that ask nothing).
    Json,
    /// `application/graphql-response+json`: request errors get their 4xx status.
    GraphqlResponse,
}

impl MediaType {
    /// The `Content-Type` of an answer.
    pub fn content_type(self) -> HeaderValue {
        match self {
            Self::Json => HeaderValue::from_static("application/json"),
            Self::GraphqlResponse => {
                HeaderValue::from_static("application/graphql-response+json; charset=utf-8")
            }
        }
    }

    /// Answers a request in the media type its `Accept` prefers: `run` gets that type and the
    /// headers, and its response is stamped with it; when `Accept` allows neither type the
    /// 406 answer is given and nothing runs.
    pub async fn answer<F>(headers: HeaderMap, run: impl FnOnce(Self, HeaderMap) -> F) -> Response
    where
        F: std::future::Future<Output = Response>,
    {
        match Self::negotiate(&headers) {
            Ok(media) => media.stamp(run(media, headers).await),
            Err(refused) => refused.into_response(),
        }
    }

    /// The media type the request's `Accept` prefers, or the 406 answer when it allows neither.
    /// No `Accept` (or an empty one) means `application/json`. Among equals (`*/*`, or both
    /// listed with the same weight) `application/json` wins, so older clients see no change.
    pub fn negotiate(headers: &HeaderMap) -> Result<Self, NotAcceptable> {
        // One `Accept` header (or none) is read where it is; several are joined.
        let mut values = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let accept: std::borrow::Cow<'_, str> = match (values.next(), values.next()) {
            (None, _) => return Ok(Self::Json),
            (Some(one), None) => one.into(),
            (Some(first), Some(second)) => {
                let mut all = vec![first, second];
                all.extend(values);
                all.join(",").into()
            }
        };
        if accept.trim().is_empty() {
            return Ok(Self::Json);
        }
        let json = preference(&accept, "application", "json");
        let graphql = preference(&accept, "application", "graphql-response+json");
        match (graphql, json) {
            (g, j) if g > j => Ok(Self::GraphqlResponse),
            (_, j) if j.0 > 0 => Ok(Self::Json),
            _ => Err(NotAcceptable(accept.into_owned())),
        }
    }

    /// Gives a response of the GraphQL endpoint this media type (answers already JSON, such as
    /// request errors, change type; others, such as GraphiQL, stay) and `Vary: Accept`, since
    /// the same URL answers differently per `Accept` for caches.
    pub fn stamp(self, mut response: Response) -> Response {
        let h = response.headers_mut();
        let is_json = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json"));
        if is_json {
            h.insert(header::CONTENT_TYPE, self.content_type());
        }
        h.append(header::VARY, HeaderValue::from_static("accept"));
        response
    }
}

/// How much `accept` wants `kind/sub`: (weight in thousandths, how specific the range that
/// gave it is: 2 exact, 1 `kind/*`, 0 `*/*`). The most specific matching range decides.
fn preference(accept: &str, kind: &str, sub: &str) -> (u32, u8) {
    let mut best: Option<(u8, u32)> = None;
    for range in accept.split(',') {
        let mut params = range.split(';');
        let Some((t, s)) = params.next().and_then(|m| m.trim().split_once('/')) else {
            continue;
        };
        let (t, s) = (t.trim(), s.trim());
        let specificity = if t.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(sub) {
            2
        } else if t.eq_ignore_ascii_case(kind) && s == "*" {
            1
        } else if t == "*" && s == "*" {
            0
        } else {
            continue;
        };
        let q = params
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .map_or(1000, |(_, v)| weight(v.trim()));
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or((0, 0), |(s, q)| (q, s))
}

/// An RFC 9110 weight (`0` to `1` with up to three decimals) in thousandths; malformed is 0.
fn weight(v: &str) -> u32 {
    match v.parse::<f64>() {
        Ok(q) if (0.0..=1.0).contains(&q) => (q * 1000.0).round() as u32,
        _ => 0,
    }
}

/// An `Accept` header that allows neither media type: its `406` answer.
#[derive(Debug)]
pub struct NotAcceptable(String);

impl IntoResponse for NotAcceptable {
    fn into_response(self) -> Response {
        let shown: String = self.0.chars().take(200).collect();
        request_error_with_status(
            StatusCode::NOT_ACCEPTABLE,
            "VALIDATION",
            &format!("cannot answer as `{shown}`: accept {GRAPHQL_RESPONSE} or application/json"),
        )
    }
}

/// The status of an answer that failed before execution (no `data`: the document did not
/// parse or validate, the variables did not coerce, a limit refused it), from its first
/// error's code; `None` when execution ran (`data` is there, even `null` with located errors).
pub fn request_failure(data_is_null: bool, errors: &[ServerError]) -> Option<StatusCode> {
    if !data_is_null || errors.is_empty() || errors.iter().any(|e| !e.path.is_empty()) {
        return None;
    }
    let code = errors[0]
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.as_str()),
            _ => None,
        });
    Some(match code {
        Some("UNAUTHENTICATED") => StatusCode::UNAUTHORIZED,
        Some("FORBIDDEN") => StatusCode::FORBIDDEN,
        Some("NOT_FOUND") => StatusCode::NOT_FOUND,
        Some("PAYLOAD_TOO_LARGE") => StatusCode::PAYLOAD_TOO_LARGE,
        Some("RATE_LIMITED") => StatusCode::TOO_MANY_REQUESTS,
        Some("INTERNAL") => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        MediaType::negotiate(&headers).ok()
    }

    #[test]
    fn accept_headers_choose_the_answers_media_type() {
        use MediaType::{GraphqlResponse, Json};
        assert_eq!(pick(""), Some(Json));
        assert_eq!(pick("*/*"), Some(Json));
        assert_eq!(pick("application/json"), Some(Json));
        assert_eq!(pick("application/*"), Some(Json));
        assert_eq!(
            pick("application/graphql-response+json"),
            Some(GraphqlResponse)
        );
        assert_eq!(
            pick("application/graphql-response+json, application/json;q=0.9"),
            Some(GraphqlResponse)
        );
        assert_eq!(
            pick("application/json, application/graphql-response+json;q=0.5"),
            Some(Json)
        );
        assert_eq!(
            pick("application/json, application/graphql-response+json"),
            Some(Json)
        );
        assert_eq!(
            pick("application/graphql-response+json, */*"),
            Some(GraphqlResponse)
        );
        assert_eq!(
            pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            Some(Json)
        );
        assert_eq!(pick("text/html"), None);
        assert_eq!(pick("application/json;q=0"), None);
        // JSON refused, anything else welcome: the spec's type.
        assert_eq!(pick("application/json;q=0, */*"), Some(GraphqlResponse));
        assert_eq!(pick("image/png, text/plain;q=0.5"), None);
    }
}
