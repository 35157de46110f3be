//! Streams of pages for operations that take `NextToken`: one page in memory at a time.

use std::collections::HashSet;
use std::marker::PhantomData;

use futures_util::future;
use futures_util::stream::{self, Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::config::CallOptions;
use crate::error::{BuildError, Error};
use crate::operation::Operation;
use crate::request::{EncodeRequest, RequestParams};

/// A paginated operation's response: where its next token and items are.
pub trait Page: DeserializeOwned + Send + 'static {
    type Item: Send + 'static;

    /// The token for the next page, as text (some services page with a number); absent or
    /// empty means this was the last page.
    fn next_token(&self) -> Option<String>;

    fn into_items(self) -> Vec<Self::Item>;
}

/// Every page of one paginated call, from [`Paginator::send`], or every item, from
/// [`Paginator::items`]. The next page is requested only when the previous one was consumed.
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<P> {
    client: Client,
    operation: &'static Operation,
    params: Result<RequestParams, BuildError>,
    options: CallOptions,
    page: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for Paginator<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("action", &self.operation.action())
            .finish()
    }
}

struct State {
    client: Client,
    operation: &'static Operation,
    params: RequestParams,
    options: CallOptions,
    /// Every token followed so far: a service that hands one out again (A, B, A) would make the
    /// stream repeat its pages forever, so the stream ends with an error instead.
    seen_tokens: HashSet<String>,
    done: bool,
}

impl<P: Page> Paginator<P> {
    /// Pages of `operation` for `request` (or a stream of one error, when it could not be
    /// built).
    pub fn new(
        client: Client,
        operation: &'static Operation,
        request: Result<impl EncodeRequest, BuildError>,
        options: CallOptions,
    ) -> Self {
        Paginator {
            client,
            operation,
            params: request.and_then(|request| request.to_params()),
            options,
            page: PhantomData,
        }
    }

    /// A stream of pages. It ends after the page without a next token, or after the first
    /// error (which it yields).
    pub fn send(self) -> impl Stream<Item = Result<P, Error>> + Send + Unpin {
        let params = match self.params {
            Ok(params) => params,
            Err(error) => return stream::once(future::ready(Err(Error::Build(error)))).boxed(),
        };
        let state = State {
            client: self.client,
            operation: self.operation,
            params,
            options: self.options,
            seen_tokens: HashSet::new(),
            done: false,
        };
        stream::unfold(state, next_page::<P>).boxed()
    }

    /// A stream of every item of every page, in order.
    pub fn items(self) -> impl Stream<Item = Result<P::Item, Error>> + Send + Unpin {
        self.send().flat_map(|page| match page {
            Ok(page) => stream::iter(page.into_items().into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(future::ready(Err(error))).right_stream(),
        })
    }
}

async fn next_page<P: Page>(mut state: State) -> Option<(Result<P, Error>, State)> {
    if state.done {
        return None;
    }
    let page = state
        .client
        .invoke(state.operation.into(), state.params.clone(), &state.options)
        .await
        .and_then(|response| Ok((response.decode_as::<P>(state.operation)?, response)));
    let (page, response) = match page {
        Ok(found) => found,
        Err(error) => {
            state.done = true;
            return Some((Err(error), state));
        }
    };
    match page.next_token().filter(|token| !token.is_empty()) {
        None => state.done = true,
        Some(token) if state.seen_tokens.contains(&token) => {
            state.done = true;
            let source = serde::de::Error::custom(format!(
                "the service returned the page token `{token}` again, which would repeat pages forever"
            ));
            let error = response.decode_error(source, state.operation.secret_response());
            return Some((Err(Error::Decode(error)), state));
        }
        Some(token) => {
            if let Some((parameter, location)) = state.operation.pagination_token() {
                state.params.insert(location, parameter, token.clone());
            }
            state.seen_tokens.insert(token);
        }
    }
    Some((Ok(page), state))
}
