//! Test doubles for the credential providers: a scripted HTTP client that records what it
//! is sent, a local HTTP server, temporary files, a settable clock and a log recorder.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use acs_runtime::http::{HttpClient, HttpError, HttpFuture, SharedHttpClient};
use acs_test_server::{Received, VerifyError, decode_query, verify};

use crate::cache::Clock;
use crate::settings::SourceSettings;

/// One request as a server sees it.
#[derive(Clone, Debug)]
pub(crate) struct Recorded {
    pub(crate) method: http::Method,
    pub(crate) uri: http::Uri,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

impl Recorded {
    pub(crate) fn path(&self) -> &str {
        self.uri.path()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("a text header"))
    }

    pub(crate) fn query(&self) -> Vec<(String, String)> {
        decode_query(self.uri.query().unwrap_or(""))
    }

    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    pub(crate) fn form_param(&self, name: &str) -> Option<String> {
        let body = std::str::from_utf8(&self.body).expect("a text body");
        decode_query(body)
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// Checks the ACS3-HMAC-SHA256 signature as the service would (with the test server's own
    /// check), `host` included.
    pub(crate) fn verify_signature(
        &self,
        access_key_id: &str,
        secret: &str,
    ) -> Result<(), VerifyError> {
        let mut headers = self.headers.clone();
        let host = self.uri.authority().expect("an absolute URL").as_str();
        headers.insert(http::header::HOST, host.parse().expect("a host header"));
        let received = Received {
            method: self.method.as_str(),
            path: self.uri.path(),
            query: self.uri.query().unwrap_or(""),
            headers: &headers,
            body: &self.body,
        };
        verify(&received, |id| {
            (id == access_key_id).then(|| secret.to_owned())
        })
    }
}

type Respond = dyn Fn(&Recorded) -> Result<http::Response<Bytes>, HttpError> + Send + Sync;

/// An [`HttpClient`] that records every request and answers as the test scripts it.
#[derive(Clone)]
pub(crate) struct FakeHttp {
    respond: Arc<Respond>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    delay: Duration,
}

impl FakeHttp {
    pub(crate) fn new(
        respond: impl Fn(&Recorded) -> Result<http::Response<Bytes>, HttpError> + Send + Sync + 'static,
    ) -> Self {
        FakeHttp {
            respond: Arc::new(respond),
            recorded: Arc::default(),
            delay: Duration::ZERO,
        }
    }

    /// Answers only after `delay`, so that concurrent callers overlap.
    pub(crate) fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

impl fmt::Debug for FakeHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FakeHttp")
    }
}

impl HttpClient for FakeHttp {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let recorded = Recorded {
                method: parts.method,
                uri: parts.uri,
                headers: parts.headers,
                body,
            };
            self.recorded.lock().unwrap().push(recorded.clone());
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            (self.respond)(&recorded)
        })
    }
}

/// Points a builder's sources at test doubles: an HTTP client, and STS or the metadata service
/// at an address of the test's.
pub(crate) trait Via: Sized {
    fn source_settings(&mut self) -> &mut SourceSettings;

    fn via(
        mut self,
        http: &FakeHttp,
        sts_endpoint: Option<&str>,
        imds_endpoint: Option<&str>,
    ) -> Self {
        let settings = self.source_settings();
        settings.http_client = Some(SharedHttpClient::new(http.clone()));
        settings.sts_endpoint = sts_endpoint.map(str::to_string);
        settings.imds_endpoint = imds_endpoint.map(str::to_string);
        self
    }
}

pub(crate) fn respond(
    status: u16,
    body: impl Into<Bytes>,
) -> Result<http::Response<Bytes>, HttpError> {
    Ok(http::Response::builder()
        .status(status)
        .body(body.into())
        .unwrap())
}

/// `2021-10-20T04:27:09Z`.
pub(crate) fn format_time(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .replace_nanosecond(0)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

/// The `Credentials` object STS and the metadata service send.
pub(crate) fn credentials_json(
    id: &str,
    secret: &str,
    token: &str,
    expiry: SystemTime,
) -> serde_json::Value {
    serde_json::json!({
        "AccessKeyId": id,
        "AccessKeySecret": secret,
        "SecurityToken": token,
        "Expiration": format_time(expiry),
    })
}

/// A successful STS `AssumeRole`/`AssumeRoleWithOIDC` response body.
pub(crate) fn sts_body(id: &str, secret: &str, token: &str, expiry: SystemTime) -> String {
    serde_json::json!({
        "RequestId": "sts-request-1",
        "AssumedRoleUser": {"Arn": "acs:ram::100:role/test/session", "AssumedRoleId": "300:session"},
        "Credentials": credentials_json(id, secret, token, expiry),
    })
    .to_string()
}

/// The token the metadata service of [`fake_metadata`] hands out.
pub(crate) const METADATA_TOKEN: &str = "metadata-token-value";

/// The metadata service's credentials document for role `worker`.
pub(crate) fn worker_credentials() -> String {
    let mut body = credentials_json("STS.ecs", "ecs-secret", "ecs-token", in_one_hour());
    body["Code"] = "Success".into();
    body["LastUpdated"] = "2024-05-01T08:00:00Z".into();
    body.to_string()
}

/// An instance metadata service with role `worker` attached; `hardened` says whether it hands
/// out tokens (IMDSv2).
pub(crate) fn metadata_service(request: &Recorded, hardened: bool) -> (u16, String) {
    match (request.method.as_str(), request.path()) {
        ("PUT", "/latest/api/token") if hardened => (200, METADATA_TOKEN.to_string()),
        ("PUT", "/latest/api/token") => (403, "Forbidden".to_string()),
        ("GET", "/latest/meta-data/ram/security-credentials/") => (200, "worker".to_string()),
        ("GET", "/latest/meta-data/ram/security-credentials/worker") => (200, worker_credentials()),
        _ => (404, "Not Found".to_string()),
    }
}

pub(crate) fn fake_metadata(hardened: bool) -> FakeHttp {
    FakeHttp::new(move |request| {
        let (status, body) = metadata_service(request, hardened);
        respond(status, body)
    })
}

pub(crate) fn in_one_hour() -> SystemTime {
    SystemTime::now() + Duration::from_secs(3600)
}

/// A directory under the system's temporary one, removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "acs-credentials-test-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A clock that moves only when told to.
#[derive(Clone)]
pub(crate) struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    pub(crate) fn new(start: SystemTime) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    pub(crate) fn clock(&self) -> Clock {
        let now = self.0.clone();
        Clock::from_fn(move || *now.lock().unwrap())
    }

    pub(crate) fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

/// Records every event's fields as text, to check what logs would show.
#[derive(Clone, Default)]
pub(crate) struct LogRecorder(Arc<Mutex<Vec<String>>>);

impl LogRecorder {
    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl tracing::Subscriber for LogRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
                self.0.push_str(&format!(" {}={value:?}", field.name()));
            }
        }
        let mut fields = Fields(event.metadata().level().to_string());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
