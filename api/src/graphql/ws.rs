//! `GET /graphql/ws`: subscriptions (and any operation) over WebSocket, with the same request
//! data as POST and GET.

use std::sync::Arc;

use async_graphql::ErrorExtensions as _;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use super::context::WsCredentials;
use super::errors::request_error;
use crate::accounts::auth::{ClientAddr, Principal};
use crate::error::AppError;
use crate::state::{AppState, Ctx};

/// `GET /graphql/ws`: subscriptions over WebSocket (graphql-transport-ws and the older
/// graphql-ws). Credentials come from the upgrade request's `Authorization` header or from the
/// `connection_init` payload (`{"authorization": "Bearer …"}`), since browsers cannot set headers
/// on a WebSocket.
pub async fn ws(
    State(state): State<AppState>,
    addr: ClientAddr,
    protocol: async_graphql_axum::GraphQLProtocol,
    headers: HeaderMap,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let from_header = match crate::accounts::auth::authenticate(&state.ctx, &headers).await {
        Ok(p) => p,
        Err(e) => return request_error(e),
    };
    let gate = crate::ratelimit::ws::Limited::new(state.gate.clone(), state.ctx.clone());
    let ctx = state.ctx.clone();
    let mut upgrade_credentials = HeaderMap::new();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        upgrade_credentials.insert(header::AUTHORIZATION, value.clone());
    }
    let upgraded = Upgraded {
        ctx,
        from_header,
        credentials: upgrade_credentials,
        addr,
    };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            use futures::StreamExt as _;
            let refused = Refused::default();
            let (sink, stream) = socket.split();
            let sink = with_init_errors(sink, refused.clone());
            async_graphql_axum::GraphQLWebSocket::new_with_pair(sink, stream, gate, protocol)
                .on_connection_init(move |payload| async move {
                    upgraded.connection_init(&payload).await.map_err(|e| {
                        e.log();
                        let error = e.extend();
                        if let Ok(mut slot) = refused.lock() {
                            *slot = Some(error.clone());
                        }
                        error
                    })
                })
                .serve()
        })
}

/// What the upgrade request brought to a WebSocket connection.
struct Upgraded {
    ctx: Arc<Ctx>,
    from_header: Principal,
    credentials: HeaderMap,
    addr: ClientAddr,
}

impl Upgraded {
    /// The connection's request data from the `connection_init` payload: the same as POST and
    /// GET (loaders come per event, see `loaders`), so resolvers and visibility rules see one
    /// context.
    async fn connection_init(
        self,
        payload: &serde_json::Value,
    ) -> Result<async_graphql::Data, AppError> {
        let token = payload
            .get("authorization")
            .or_else(|| payload.get("Authorization"))
            .and_then(|v| v.as_str());
        let mut credentials = self.credentials;
        let principal = match token {
            Some(t) => {
                let value = HeaderValue::from_str(t)
                    .map_err(|_| AppError::InvalidCredentials("malformed Authorization header"))?;
                credentials = HeaderMap::new();
                credentials.insert(header::AUTHORIZATION, value);
                crate::accounts::auth::authenticate(&self.ctx, &credentials).await?
            }
            None => self.from_header,
        };
        let mut data = async_graphql::Data::default();
        data.insert(principal);
        data.insert(self.addr);
        data.insert(WsCredentials(credentials));
        Ok(data)
    }
}

/// The error a refused `connection_init` ended with, for [`with_init_errors`].
type Refused = Arc<std::sync::Mutex<Option<async_graphql::Error>>>;

/// async-graphql answers a refused `connection_init` of the graphql-ws protocol with the error's
/// message alone; this puts the whole error (its `extensions.code`) back into that
/// `connection_error`. (graphql-transport-ws can only close the socket, with the message.)
fn with_init_errors<S>(
    sink: S,
    refused: Refused,
) -> impl futures::Sink<axum::extract::ws::Message, Error = axum::Error>
where
    S: futures::Sink<axum::extract::ws::Message, Error = axum::Error>,
{
    use axum::extract::ws::Message;
    use futures::SinkExt as _;
    sink.with(move |message: Message| {
        let error = refused.lock().ok().and_then(|mut slot| slot.take());
        let message = match (error, &message) {
            (Some(error), Message::Text(text)) if text.as_str().contains("connection_error") => {
                let body = serde_json::json!({ "type": "connection_error", "payload": error });
                Message::Text(body.to_string().into())
            }
            _ => message,
        };
        futures::future::ready(Ok::<_, axum::Error>(message))
    })
}
