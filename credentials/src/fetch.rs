//! One bounded HTTP exchange with a credentials endpoint that is not an Alibaba Cloud API (the
//! ECS instance metadata service, a credentials URI): a time limit, a size limit whatever the
//! HTTP client, and failures told apart so that each provider can explain them in its words.

use std::time::Duration;

use acs_runtime::http::{
    DefaultHttpClient, DefaultHttpClientSettings, HttpClient, HttpErrorKind, SharedHttpClient,
};
use bytes::Bytes;

use crate::wire::MAX_RESPONSE_BYTES;

/// Why an exchange gave no usable response.
#[derive(Debug)]
pub(crate) enum FetchError {
    /// No response within the time limit.
    TimedOut(Duration),
    /// No connection could be made.
    Unreachable(String),
    /// The response was larger than [`MAX_RESPONSE_BYTES`].
    TooLarge,
    /// Anything else on the way.
    Failed(String),
}

impl FetchError {
    /// What happened, to follow the endpoint's name: `did not answer within 1000 ms`, …
    pub(crate) fn describe(&self) -> String {
        match self {
            FetchError::TimedOut(limit) => {
                format!("did not answer within {} ms", limit.as_millis())
            }
            FetchError::Unreachable(detail) => format!("cannot be reached: {detail}"),
            FetchError::TooLarge => format!("answered with more than {MAX_RESPONSE_BYTES} bytes"),
            FetchError::Failed(detail) => format!("failed: {detail}"),
        }
    }
}

/// The default client for such an endpoint: connecting within `timeout`, reading at most
/// [`MAX_RESPONSE_BYTES`], and through the environment's proxies only if `proxies` (never for
/// the link-local metadata service, whose session token must not travel through a proxy).
pub(crate) fn default_http_client(
    timeout: Duration,
    proxies: bool,
) -> Result<SharedHttpClient, String> {
    let settings = DefaultHttpClientSettings {
        connect_timeout: timeout,
        max_response_bytes: MAX_RESPONSE_BYTES,
        ..DefaultHttpClientSettings::default()
    };
    let client = if proxies {
        DefaultHttpClient::new(&settings)
    } else {
        DefaultHttpClient::direct(&settings)
    };
    client
        .map(SharedHttpClient::new)
        .map_err(|failure| format!("cannot set up the HTTP client: {failure}"))
}

/// Sends `request` and takes the whole response within `timeout`. A response over
/// [`MAX_RESPONSE_BYTES`] is refused here too, for an HTTP client that does not limit it.
pub(crate) async fn fetch(
    http: &SharedHttpClient,
    request: http::Request<Bytes>,
    timeout: Duration,
) -> Result<http::Response<Bytes>, FetchError> {
    let response = match tokio::time::timeout(timeout, http.send(request)).await {
        Err(_) => return Err(FetchError::TimedOut(timeout)),
        Ok(Err(failure)) => {
            return Err(match failure.kind() {
                HttpErrorKind::Timeout => FetchError::TimedOut(timeout),
                HttpErrorKind::Connect => FetchError::Unreachable(failure.to_string()),
                HttpErrorKind::ResponseTooLarge => FetchError::TooLarge,
                _ => FetchError::Failed(failure.to_string()),
            });
        }
        Ok(Ok(response)) => response,
    };
    if response.body().len() > MAX_RESPONSE_BYTES {
        return Err(FetchError::TooLarge);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use acs_runtime::http::HttpError;

    use super::*;
    use crate::test_support::{FakeHttp, respond};

    fn get() -> http::Request<Bytes> {
        http::Request::get("http://127.0.0.1:1/")
            .body(Bytes::new())
            .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn failures_are_told_apart() {
        let limit = Duration::from_secs(1);
        let silent = SharedHttpClient::new(
            FakeHttp::new(|_| respond(200, "late")).with_delay(Duration::from_secs(5)),
        );
        assert_eq!(
            fetch(&silent, get(), limit).await.unwrap_err().describe(),
            "did not answer within 1000 ms"
        );
        let refused = SharedHttpClient::new(FakeHttp::new(|_| {
            Err(HttpError::new(HttpErrorKind::Connect, "connection refused"))
        }));
        assert_eq!(
            fetch(&refused, get(), limit).await.unwrap_err().describe(),
            "cannot be reached: Connect: connection refused"
        );
        let huge = SharedHttpClient::new(FakeHttp::new(|_| {
            respond(200, vec![b'x'; MAX_RESPONSE_BYTES + 1])
        }));
        assert_eq!(
            fetch(&huge, get(), limit).await.unwrap_err().describe(),
            "answered with more than 1048576 bytes"
        );
        let exact = SharedHttpClient::new(FakeHttp::new(|_| {
            respond(200, vec![b'x'; MAX_RESPONSE_BYTES])
        }));
        assert_eq!(
            fetch(&exact, get(), limit).await.unwrap().body().len(),
            MAX_RESPONSE_BYTES
        );
    }

    #[tokio::test]
    async fn the_default_client_stops_reading_at_the_limit() {
        let server = acs_test_server::TestServer::start().await.unwrap();
        server.route(
            http::Method::GET,
            "/",
            acs_test_server::Reply::oversized_chunked(MAX_RESPONSE_BYTES as u64 + 1),
        );
        let http = default_http_client(Duration::from_secs(1), false).unwrap();
        let request = http::Request::get(format!("{}/", server.endpoint()))
            .body(Bytes::new())
            .unwrap();
        let error = fetch(&http, request, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::TooLarge), "{error:?}");
    }
}
