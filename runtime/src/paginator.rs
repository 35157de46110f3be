//! Streams of pages, one page in memory at a time, for every way Alibaba Cloud's listings
//! page ([`Paging`]): by a token each page returns (`NextToken`, `NextMarker`, …), or by page
//! number and size. The rule that tells whether another page follows, and which, is
//! [`Cursor`]: the SDK's paginators and the CLI's `--pager` both follow it.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{DefaultHasher, Hasher};
use std::marker::PhantomData;

use futures_util::future;
use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::config::CallOptions;
use crate::error::{BuildError, Error};
use crate::location::Location;
use crate::operation::{Operation, Paging};
use crate::request::{Body, EncodeRequest, RequestParams};
use crate::response::RawResponse;

/// A paginated operation's response: what it says about the pages after it, and its items.
pub trait Page: DeserializeOwned + Send + 'static {
    type Item: Serialize + Send + 'static;

    /// Paging by token: the token for the next page, as text (some services page with a
    /// number); absent or empty after the last page.
    fn next_token(&self) -> Option<String> {
        None
    }

    /// Paging by page number: how many items the whole listing holds, when the service says.
    fn total_count(&self) -> Option<u64> {
        None
    }

    /// The items of this page.
    fn items(&self) -> &[Self::Item];

    fn into_items(self) -> Vec<Self::Item>;
}

/// What one page says about the listing: enough to tell whether another page follows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageSummary {
    /// The token the page returned for the next one.
    pub next_token: Option<String>,
    /// How many items the listing holds, as the service counts them.
    pub total_count: Option<u64>,
    /// How many items the page holds.
    pub items: usize,
    /// A hash of the page's items, by which a page served again is recognised (numbered
    /// pages only: see [`Cursor::counts_pages`]).
    pub fingerprint: u64,
}

impl PageSummary {
    /// The summary of a typed page, with its items' fingerprint when `with_fingerprint`.
    pub fn of<P: Page>(page: &P, with_fingerprint: bool) -> Self {
        let items = page.items();
        PageSummary {
            next_token: page.next_token(),
            total_count: page.total_count(),
            items: items.len(),
            fingerprint: if with_fingerprint {
                fingerprint(items)
            } else {
                0
            },
        }
    }
}

/// A hash of `items` as JSON: the same items hash the same, whatever their Rust type.
pub fn fingerprint<T: Serialize + ?Sized>(items: &T) -> u64 {
    struct Hashing(DefaultHasher);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(DefaultHasher::new());
    // Writing to a hasher cannot fail, and generated types always serialise: a failure
    // leaves a partial hash, which only weakens the repeated-page check.
    let _ = serde_json::to_writer(&mut hashing, items);
    hashing.0.finish()
}

/// Pages that would repeat forever: the loop ends with this instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RepeatedPages {
    /// The service returned a token it had returned before (A, B, A).
    Token(String),
    /// Page `page` holds the items of page `earlier` again: the service does not take the page
    /// number `parameter`.
    Page {
        page: u64,
        earlier: u64,
        parameter: &'static str,
    },
}

impl fmt::Display for RepeatedPages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepeatedPages::Token(token) => write!(
                f,
                "the service returned the page token `{token}` again, which would repeat pages forever"
            ),
            RepeatedPages::Page {
                page,
                earlier,
                parameter,
            } => write!(
                f,
                "page {page} holds the items of page {earlier} again (`{parameter}` seems to be \
                 ignored), which would repeat pages forever"
            ),
        }
    }
}

impl std::error::Error for RepeatedPages {}

/// Where a listing is: which page to ask for next, and every page seen so far, so that a
/// service that serves pages again cannot make the loop run forever.
#[derive(Debug)]
pub struct Cursor {
    position: Position,
}

#[derive(Debug)]
enum Position {
    /// Not paginated: the first page is the only one.
    Single,
    Token {
        parameter: &'static str,
        at: Location,
        /// Every token followed so far.
        seen: HashSet<String>,
    },
    Number {
        parameter: &'static str,
        at: Location,
        /// The number of the page last received.
        page: u64,
        /// The page size the caller asked for: a page with fewer items is the last.
        page_size: Option<u64>,
        items_so_far: u64,
        /// The fingerprint of each page's items, and that page's number.
        seen: HashMap<u64, u64>,
    },
}

impl Cursor {
    /// The start of a listing whose first page is asked for with `params`. Page numbers count
    /// from the one `params` holds, else from 1.
    pub fn new(paging: Option<Paging>, params: &RequestParams) -> Self {
        let position = match paging {
            None => Position::Single,
            Some(Paging::Token { parameter, at }) => Position::Token {
                parameter,
                at,
                seen: HashSet::new(),
            },
            Some(Paging::Number {
                parameter,
                at,
                page_size,
            }) => Position::Number {
                parameter,
                at,
                page: integer(params, at, parameter).unwrap_or(1),
                page_size: page_size
                    .and_then(|(name, at)| integer(params, at, name))
                    .filter(|size| *size > 0),
                items_so_far: 0,
                seen: HashMap::new(),
            },
        };
        Cursor { position }
    }

    /// Whether pages are numbered, and so told apart by their items' fingerprints (a token
    /// tells pages apart by itself).
    pub fn counts_pages(&self) -> bool {
        matches!(self.position, Position::Number { .. })
    }

    /// Takes in the page just received. When another page follows, sets in `params` the
    /// parameter that asks for it and returns `true`.
    ///
    /// A token ends the listing when absent or empty. Numbered pages end at an empty page, at
    /// the total count when the service reports one, and otherwise at a page shorter than the
    /// page size asked for.
    ///
    /// # Errors
    /// When the page repeats one seen before: a token returned again, or the items of an
    /// earlier page served again under another page number.
    pub fn advance(
        &mut self,
        page: &PageSummary,
        params: &mut RequestParams,
    ) -> Result<bool, RepeatedPages> {
        match &mut self.position {
            Position::Single => Ok(false),
            Position::Token {
                parameter,
                at,
                seen,
            } => {
                let Some(token) = page.next_token.as_ref().filter(|token| !token.is_empty()) else {
                    return Ok(false);
                };
                if !seen.insert(token.clone()) {
                    return Err(RepeatedPages::Token(token.clone()));
                }
                params.insert(*at, parameter, token.clone());
                Ok(true)
            }
            Position::Number {
                parameter,
                at,
                page: number,
                page_size,
                items_so_far,
                seen,
            } => {
                if page.items == 0 {
                    return Ok(false);
                }
                if let Some(earlier) = seen.insert(page.fingerprint, *number) {
                    return Err(RepeatedPages::Page {
                        page: *number,
                        earlier,
                        parameter,
                    });
                }
                *items_so_far += page.items as u64;
                let last = match page.total_count {
                    Some(total) => *items_so_far >= total,
                    None => page_size.is_some_and(|size| (page.items as u64) < size),
                };
                if last {
                    return Ok(false);
                }
                *number += 1;
                set_integer(params, *at, parameter, *number);
                Ok(true)
            }
        }
    }
}

/// The integer the parameter `name` holds, as text or as a JSON number.
fn integer(params: &RequestParams, at: Location, name: &str) -> Option<u64> {
    match (at, &params.body) {
        (Location::BodyField, Some(Body::Json(Value::Object(fields)))) => match fields.get(name)? {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        },
        _ => params.get(at, name)?.parse().ok(),
    }
}

/// A page number goes in a JSON body as a number, elsewhere as text.
fn set_integer(params: &mut RequestParams, at: Location, name: &'static str, value: u64) {
    match at {
        Location::BodyField => params
            .put_body_field(name, &value)
            .expect("an integer is JSON"),
        _ => params.insert(at, name, value.to_string()),
    }
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
    cursor: Cursor,
    done: bool,
}

impl<P: Page> Paginator<P> {
    /// Pages of `operation` for `request` (or a stream of one error, when it could not be
    /// built), asked for as the operation's [`Paging`] says.
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

    /// A stream of pages. It ends after the last page (see [`Cursor::advance`]), or after the
    /// first error (which it yields).
    pub fn send(self) -> impl Stream<Item = Result<P, Error>> + Send + Unpin {
        let params = match self.params {
            Ok(params) => params,
            Err(error) => return stream::once(future::ready(Err(Error::Build(error)))).boxed(),
        };
        let state = State {
            client: self.client,
            operation: self.operation,
            cursor: Cursor::new(self.operation.paging(), &params),
            params,
            options: self.options,
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

/// Asks for the next page and decodes it; everything else is [`State::after`], which is not
/// generic.
async fn next_page<P: Page>(mut state: State) -> Option<(Result<P, Error>, State)> {
    if state.done {
        return None;
    }
    let page = state
        .client
        .invoke(state.operation.into(), state.params.clone(), &state.options)
        .await
        .and_then(|response| Ok((response.decode_as::<P>(state.operation)?, response)));
    let result = match page {
        Ok((page, response)) => {
            let summary = PageSummary::of(&page, state.cursor.counts_pages());
            state.after(&summary, &response).map(|()| page)
        }
        Err(error) => {
            state.done = true;
            Err(error)
        }
    };
    Some((result, state))
}

impl State {
    /// Moves the cursor past a page: the stream ends after it, or asks for the next one.
    fn after(&mut self, page: &PageSummary, response: &RawResponse) -> Result<(), Error> {
        match self.cursor.advance(page, &mut self.params) {
            Ok(more) => {
                self.done = !more;
                Ok(())
            }
            Err(repeated) => {
                self.done = true;
                let source = serde::de::Error::custom(repeated);
                let error = response.decode_error(source, self.operation.secret_response());
                Err(Error::Decode(error).with_action(self.operation.action()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, fingerprint: u64) -> PageSummary {
        PageSummary {
            items,
            fingerprint,
            ..PageSummary::default()
        }
    }

    const NUMBERED: Paging = Paging::Number {
        parameter: "PageNumber",
        at: Location::Query,
        page_size: Some(("PageSize", Location::Query)),
    };

    #[test]
    fn tokens_are_followed_until_none_and_a_repeated_one_is_an_error() {
        let paging = Paging::Token {
            parameter: "NextToken",
            at: Location::Query,
        };
        let mut params = RequestParams::default();
        let mut cursor = Cursor::new(Some(paging), &params);
        let with_token = |token: &str| PageSummary {
            next_token: Some(token.into()),
            ..PageSummary::default()
        };
        assert_eq!(cursor.advance(&with_token("A"), &mut params), Ok(true));
        assert_eq!(params.query.get("NextToken"), Some("A"));
        assert_eq!(cursor.advance(&with_token("B"), &mut params), Ok(true));
        assert_eq!(
            cursor.advance(&with_token("A"), &mut params),
            Err(RepeatedPages::Token("A".into()))
        );
        assert_eq!(cursor.advance(&with_token(""), &mut params), Ok(false));
        assert_eq!(cursor.advance(&page(3, 1), &mut params), Ok(false));
    }

    #[test]
    fn numbered_pages_end_at_the_total_count() {
        let mut params = RequestParams::default();
        let mut cursor = Cursor::new(Some(NUMBERED), &params);
        let counted = |items, fingerprint| PageSummary {
            total_count: Some(5),
            ..page(items, fingerprint)
        };
        assert_eq!(cursor.advance(&counted(2, 1), &mut params), Ok(true));
        assert_eq!(params.query.get("PageNumber"), Some("2"));
        assert_eq!(cursor.advance(&counted(2, 2), &mut params), Ok(true));
        assert_eq!(params.query.get("PageNumber"), Some("3"));
        assert_eq!(cursor.advance(&counted(1, 3), &mut params), Ok(false));
    }

    #[test]
    fn without_a_total_a_short_or_empty_page_is_the_last() {
        let mut params = RequestParams::default();
        params.query.insert("PageSize", "2");
        params.query.insert("PageNumber", "4");
        let mut cursor = Cursor::new(Some(NUMBERED), &params);
        assert_eq!(cursor.advance(&page(2, 1), &mut params), Ok(true));
        assert_eq!(params.query.get("PageNumber"), Some("5"));
        assert_eq!(cursor.advance(&page(1, 2), &mut params), Ok(false));

        // Without a page size asked for, only an empty page tells the end.
        let mut params = RequestParams::default();
        let mut cursor = Cursor::new(Some(NUMBERED), &params);
        assert_eq!(cursor.advance(&page(1, 1), &mut params), Ok(true));
        assert_eq!(cursor.advance(&page(0, 2), &mut params), Ok(false));
    }

    #[test]
    fn a_page_served_again_is_an_error() {
        let mut params = RequestParams::default();
        let mut cursor = Cursor::new(Some(NUMBERED), &params);
        assert_eq!(cursor.advance(&page(2, 7), &mut params), Ok(true));
        assert_eq!(cursor.advance(&page(2, 8), &mut params), Ok(true));
        assert_eq!(
            cursor.advance(&page(2, 7), &mut params),
            Err(RepeatedPages::Page {
                page: 3,
                earlier: 1,
                parameter: "PageNumber"
            })
        );
    }

    #[test]
    fn page_numbers_in_a_json_body_are_numbers() {
        let paging = Paging::Number {
            parameter: "pageNumber",
            at: Location::BodyField,
            page_size: Some(("pageSize", Location::BodyField)),
        };
        let mut params = RequestParams::default();
        params.put_body_field("pageSize", &3).unwrap();
        let mut cursor = Cursor::new(Some(paging), &params);
        assert_eq!(cursor.advance(&page(3, 1), &mut params), Ok(true));
        assert_eq!(
            params.body,
            Some(Body::Json(
                serde_json::json!({"pageSize": 3, "pageNumber": 2})
            ))
        );
        assert_eq!(cursor.advance(&page(2, 2), &mut params), Ok(false));
    }

    #[test]
    fn equal_items_fingerprint_equally() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&vec!["a", "b"]));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["b", "a"]));
    }
}
