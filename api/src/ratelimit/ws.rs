//! WebSocket operations take from the same buckets as POST and GET: the connection's executor
//! (`graphql/ws.rs`) is the [`Gate`](crate::graphql::gate::Gate) wrapped in [`Limited`], which
//! takes one request per operation (each `subscribe`, not each event of a subscription) from
//! the bucket of the credentials the connection presented (its `connection_init`'s or its
//! upgrade request's) or of its address. A refused operation gets one answer, the error with
//! `RATE_LIMITED` and `retryAfter`, and runs nothing.

use std::sync::Arc;

use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures::StreamExt as _;
use futures::stream::BoxStream;

use crate::accounts::auth::ClientAddr;
use crate::error::AppError;
use crate::graphql::context::WsCredentials;
use crate::state::Ctx;

/// An executor whose operations are rate limited.
#[derive(Clone)]
pub struct Limited<E> {
    inner: E,
    ctx: Arc<Ctx>,
}

impl<E> Limited<E> {
    /// `inner`, limited by `ctx`'s rate limits (when they are on).
    pub fn new(inner: E, ctx: Arc<Ctx>) -> Self {
        Self { inner, ctx }
    }
}

impl<E: Executor> Executor for Limited<E> {
    async fn execute(&self, request: Request) -> Response {
        // The WebSocket runs everything as a stream; this path is not taken.
        self.inner.execute(request).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let inner = self.inner.clone();
        let ctx = self.ctx.clone();
        if ctx.rate_limits.is_none() {
            return inner.execute_stream(request, session_data);
        }
        futures::stream::once(async move {
            let decision = match (&ctx.rate_limits, session_data.as_deref()) {
                (Some(limits), Some(data)) => {
                    let credentials = data.get(&std::any::TypeId::of::<WsCredentials>());
                    let addr = data.get(&std::any::TypeId::of::<ClientAddr>());
                    match (
                        credentials.and_then(|c| (**c).downcast_ref::<WsCredentials>()),
                        addr.and_then(|a| (**a).downcast_ref::<ClientAddr>()),
                    ) {
                        (Some(credentials), Some(ClientAddr(ip))) => {
                            let key = super::http::key_of(&ctx, &credentials.0, *ip);
                            Some(limits.take(&key).await)
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match decision {
                Some(d) if !d.allowed => {
                    let error = AppError::RateLimited {
                        retry_after_secs: d.retry_after_secs,
                    };
                    let mut server_error = ServerError::new(error.to_string(), None);
                    error.set_extensions(
                        server_error.extensions.get_or_insert_with(Default::default),
                    );
                    futures::stream::once(async move { Response::from_errors(vec![server_error]) })
                        .boxed()
                }
                _ => inner.execute_stream(request, session_data),
            }
        })
        .flatten()
        .boxed()
    }
}
