//! What is retried for which operation, and the client's retry budget, counted at an in-process
//! HTTP client that answers as each test scripts it. Time is paused, so backoff costs nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acs_runtime::http::{HttpClient, HttpError, HttpErrorKind, HttpFuture};
use acs_runtime::{
    CallOptions, Client, Config, Credentials, Error, Location, Method, Operation, RequestParams,
    RetryConfig, Service, TimeoutConfig,
};
use bytes::Bytes;

static SERVICE: Service = Service {
    product: "oos",
    api_version: "2019-06-01",
    endpoint_rule: "oos.{region}.aliyuncs.com",
    auth: acs_runtime::AuthScheme::Acs3HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "retries-test",
    sdk_version: "0",
};

/// Neither read-only nor carrying a token: `UpdateParameter`.
static WRITE: Operation = Operation::new("UpdateParameter", Method::Post);
static READ: Operation = Operation::new("ListParameters", Method::Post).read_only();
static TOKENED: Operation = Operation::new("StartExecution", Method::Post)
    .with_idempotency_token("ClientToken", Location::Query);

/// What the scripted server does with one request.
#[derive(Clone, Copy, Debug)]
enum Answer {
    Ok,
    Status(u16, &'static str),
    RetryAfter(u16, &'static str),
    Refused,
    Reset,
    Silent,
}

/// An HTTP client that answers from a script (its last answer repeats) and records the
/// `ClientToken` of every request.
#[derive(Clone, Debug)]
struct Scripted {
    answers: Arc<Mutex<Vec<Answer>>>,
    requests: Arc<AtomicUsize>,
    tokens: Arc<Mutex<Vec<Option<String>>>>,
}

impl Scripted {
    fn new(answers: &[Answer]) -> Self {
        Scripted {
            answers: Arc::new(Mutex::new(answers.iter().rev().copied().collect())),
            requests: Arc::default(),
            tokens: Arc::default(),
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn tokens(&self) -> Vec<Option<String>> {
        self.tokens.lock().unwrap().clone()
    }
}

fn response(status: u16, body: &str, retry_after: bool) -> http::Response<Bytes> {
    let mut response = http::Response::builder().status(status);
    if retry_after {
        response = response.header("x-acs-retry-after", "10");
    }
    response.body(Bytes::from(body.to_owned())).unwrap()
}

impl HttpClient for Scripted {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let token = request.uri().query().and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("ClientToken=").map(str::to_owned))
        });
        self.tokens.lock().unwrap().push(token);
        let answer = {
            let mut answers = self.answers.lock().unwrap();
            if answers.len() > 1 {
                answers.pop().unwrap()
            } else {
                answers[0]
            }
        };
        Box::pin(async move {
            let error =
                |code: &str| format!(r#"{{"Code":"{code}","Message":"m","RequestId":"R"}}"#);
            match answer {
                Answer::Ok => Ok(response(200, r#"{"RequestId":"R"}"#, false)),
                Answer::Status(status, code) => Ok(response(status, &error(code), false)),
                Answer::RetryAfter(status, code) => Ok(response(status, &error(code), true)),
                Answer::Refused => {
                    Err(HttpError::new(HttpErrorKind::Connect, "connection refused"))
                }
                Answer::Reset => Err(HttpError::new(
                    HttpErrorKind::Io,
                    "connection reset by peer",
                )),
                Answer::Silent => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok(response(200, "{}", false))
                }
            }
        })
    }
}

fn client(http: &Scripted) -> Client {
    let config = Config::builder()
        .endpoint("https://oos.example.invalid")
        .credentials(Credentials::new("LTAIid", "secret", "test"))
        .retry_config(RetryConfig::default().with_max_attempts(3))
        .timeout_config(TimeoutConfig {
            read: Duration::from_secs(5),
            ..TimeoutConfig::default()
        })
        .http_client(http.clone())
        .build()
        .unwrap();
    Client::new(&SERVICE, config)
}

async fn call(client: &Client, operation: &Operation) -> Result<(), Error> {
    client
        .invoke(
            operation.into(),
            RequestParams::default(),
            &CallOptions::default(),
        )
        .await
        .map(drop)
}

/// Requests one call of `operation` makes when every attempt meets `answer`.
async fn requests_for(operation: &Operation, answer: Answer) -> (usize, Scripted) {
    let http = Scripted::new(&[answer]);
    assert!(call(&client(&http), operation).await.is_err(), "{answer:?}");
    (http.requests(), http)
}

/// Answers after which the service may have carried the request out.
const MAYBE_PROCESSED: [Answer; 5] = [
    Answer::Status(500, "InternalError"),
    Answer::Status(502, "BadGateway"),
    Answer::Status(504, "GatewayTimeout"),
    Answer::Reset,
    Answer::Silent,
];

/// Answers that say the service did not carry the request out.
const NOT_PROCESSED: [Answer; 5] = [
    Answer::Status(400, "Throttling.User"),
    Answer::Status(400, "ServiceUnavailable"),
    Answer::Status(503, "Busy"),
    Answer::RetryAfter(500, "InternalError"),
    Answer::Refused,
];

#[tokio::test(start_paused = true)]
async fn a_write_is_never_sent_twice_after_a_failure_the_service_may_have_acted_on() {
    for answer in MAYBE_PROCESSED {
        assert_eq!(requests_for(&WRITE, answer).await.0, 1, "{answer:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn reads_and_calls_with_a_client_token_are_repeated_after_such_failures() {
    for answer in MAYBE_PROCESSED {
        assert_eq!(requests_for(&READ, answer).await.0, 3, "{answer:?}");
        let (requests, http) = requests_for(&TOKENED, answer).await;
        assert_eq!(requests, 3, "{answer:?}");
        let tokens = http.tokens();
        assert!(tokens[0].as_ref().is_some_and(|token| token.len() == 36));
        assert!(tokens.iter().all(|token| *token == tokens[0]), "{tokens:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_operation_is_retried_when_the_service_did_not_process_the_request() {
    for answer in NOT_PROCESSED {
        for operation in [&WRITE, &READ, &TOKENED] {
            assert_eq!(requests_for(operation, answer).await.0, 3, "{answer:?}");
        }
        let http = Scripted::new(&[answer, Answer::Ok]);
        call(&client(&http), &WRITE).await.unwrap();
        assert_eq!(http.requests(), 2, "{answer:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn errors_that_another_attempt_would_repeat_are_not_retried() {
    for answer in [
        Answer::Status(400, "InvalidParameter"),
        Answer::Status(501, "NotImplemented"),
    ] {
        assert_eq!(requests_for(&READ, answer).await.0, 1, "{answer:?}");
    }
}

/// 1,000 calls against a service that always answers 503: once the budget is spent, a call
/// makes one request and no more, so the service gets no retry storm.
#[tokio::test(start_paused = true)]
async fn a_thousand_calls_against_an_unavailable_service_stay_within_the_retry_budget() {
    const CALLS: usize = 1000;
    let http = Scripted::new(&[Answer::Status(503, "ServiceUnavailable")]);
    let client = client(&http);
    let mut per_call = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let before = http.requests();
        assert!(call(&client, &WRITE).await.is_err());
        per_call.push(http.requests() - before);
    }
    let total: usize = per_call.iter().sum();
    let spent_at = per_call
        .iter()
        .position(|&requests| requests == 1)
        .expect("the budget runs out");
    let after: usize = per_call[spent_at..].iter().sum();
    let calls_after = CALLS - spent_at;
    println!(
        "RESULT calls={CALLS} requests={total} budget_spent_after_calls={spent_at} \
         requests_after={after} calls_after={calls_after}"
    );
    // 500 tokens at 5 a retry: 100 retries in all.
    assert_eq!(total, CALLS + 100);
    assert!(
        after as f64 <= 1.05 * calls_after as f64,
        "{after} > 1.05 × {calls_after}"
    );
    assert!(per_call[..spent_at].iter().all(|&requests| requests == 3));
}

#[tokio::test(start_paused = true)]
async fn successes_refill_the_budget() {
    let http = Scripted::new(&[Answer::Status(503, "ServiceUnavailable")]);
    let client = client(&http);
    while {
        let before = http.requests();
        let _ = call(&client, &WRITE).await;
        http.requests() - before > 1
    } {}
    // Spent: a retryable failure is not retried.
    let before = http.requests();
    let _ = call(&client, &WRITE).await;
    assert_eq!(http.requests() - before, 1);

    // Five successes at first try put back the five tokens one retry takes.
    *http.answers.lock().unwrap() = vec![
        Answer::Status(503, "ServiceUnavailable"),
        Answer::Status(503, "ServiceUnavailable"),
        Answer::Ok,
        Answer::Ok,
        Answer::Ok,
        Answer::Ok,
        Answer::Ok,
    ];
    for _ in 0..5 {
        call(&client, &WRITE).await.unwrap();
    }
    let before = http.requests();
    assert!(call(&client, &WRITE).await.is_err());
    assert_eq!(
        http.requests() - before,
        2,
        "one retry, then the budget is spent again"
    );
}
