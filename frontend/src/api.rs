//! Every call the app makes to the server. Each operation lives in `graphql/*.graphql` and is
//! checked against `schema.graphql` at compile time, so an API change that breaks the app breaks
//! the build.

use std::sync::Arc;

use gloo_net::http::Request;
use graphql_client::{GraphQLQuery, Response};

/// Same origin as the app: the server that serves the app also answers GraphQL.
const ENDPOINT: &str = "/graphql";

/// Why an API call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// No usable answer: the server is unreachable or sent something that is not GraphQL.
    #[error("cannot reach the server: {0}")]
    Network(#[source] Arc<gloo_net::Error>),
    /// The server answered with an HTTP error and no GraphQL body.
    #[error("the server answered HTTP {0}")]
    Status(u16),
    /// The server refused the operation; holds the first error's message.
    #[error("{0}")]
    GraphQl(String),
    /// The answer had neither data nor errors.
    #[error("the server sent an empty answer")]
    NoData,
}

// The derive reads the schema without telling cargo; including it makes a schema change
// re-check every operation instead of leaving a stale build.
const _SCHEMA: &str = include_str!("../../schema.graphql");

/// The `Version` operation (`graphql/version.graphql`).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/version.graphql",
    response_derives = "Debug"
)]
pub struct Version;

/// The server's version, e.g. `0.1.0`.
pub async fn server_version() -> Result<String, ApiError> {
    let data = execute::<Version>(version::Variables).await?;
    Ok(data.version)
}

/// POSTs one operation to the API and returns its `data`, or the first GraphQL error.
async fn execute<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
    let network = |e| ApiError::Network(Arc::new(e));
    let response = Request::post(ENDPOINT)
        .json(&Q::build_query(variables))
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    let body: Response<Q::ResponseData> = match response.json().await {
        Ok(body) => body,
        Err(_) if !response.ok() => return Err(ApiError::Status(response.status())),
        Err(e) => return Err(network(e)),
    };
    if let Some(error) = body.errors.unwrap_or_default().into_iter().next() {
        return Err(ApiError::GraphQl(error.message));
    }
    body.data.ok_or(ApiError::NoData)
}
