//! The generated SDKs' half: a program per batch of product-versions, compiled in the scratch
//! workspace beside their SDK crates, that builds each action's request through the SDK's
//! builders from the inputs the official SDK kept (`acs_codegen::request_builder`), signs it
//! with the official call's date, nonce, keys and endpoint (`acs_runtime::Client::prepare`),
//! and sends it through the runtime's send path for the SDK's operation with each reply waiting
//! at a test server on 127.0.0.1, to see how it takes each. It prints one JSON line per action;
//! a panic (an input the builders refuse) is recorded, not fatal.

use std::fmt::Write as _;

/// The program's fixed part: its setup and the per-action check.
const PRELUDE: &str = r##"
use std::io::Write as _;
use std::time::{Duration, SystemTime};

use base64::Engine as _;

thread_local! {
    static PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// One action's request, built and encoded. Every action's own code is only its builder call:
/// all the rest is compiled once, which keeps thousands of actions quick to build.
struct Built {
    service: &'static acs_runtime::Service,
    operation: &'static acs_runtime::Operation,
    params: Result<acs_runtime::RequestParams, String>,
}

impl Built {
    fn new<R: acs_runtime::EncodeRequest>(
        (service, operation, request): (&'static acs_runtime::Service, &'static acs_runtime::Operation, R),
    ) -> Built {
        let params = request.to_params().map_err(|error| format!("encode: {error}"));
        Built { service, operation, params }
    }
}

/// Sends every request to the test server, whatever host it names (a label before the
/// endpoint, `project-1.127.0.0.1`, resolves nowhere), with that host in its `Host` header,
/// which the signature covers.
#[derive(Debug)]
struct ToTestServer {
    inner: acs_runtime::http::DefaultHttpClient,
    server: http::uri::Authority,
}

impl acs_runtime::http::HttpClient for ToTestServer {
    fn send(&self, mut request: http::Request<bytes::Bytes>) -> acs_runtime::http::HttpFuture<'_> {
        if let Some(authority) = request.uri().authority().cloned() {
            let host = http::HeaderValue::from_str(authority.as_str()).expect("an authority is a header value");
            request.headers_mut().insert(http::header::HOST, host);
            let mut parts = request.uri().clone().into_parts();
            parts.authority = Some(self.server.clone());
            *request.uri_mut() = http::Uri::from_parts(parts).expect("a URI");
        }
        self.inner.send(request)
    }
}

struct Run {
    runtime: tokio::runtime::Runtime,
    server: acs_test_server::TestServer,
    out: std::io::BufWriter<std::io::Stdout>,
    dir: &'static str,
    /// The replies of the product's actions: `REPLIES`, or `XML_REPLIES` for a product that
    /// answers in XML.
    replies: &'static [(&'static str, u16, &'static str)],
    xml_replies: bool,
    /// For the official call's endpoint, which ours is signed for.
    prepare_config: acs_runtime::Config,
    /// For the test server. Built once: a configuration's HTTP client loads the platform's
    /// certificates, which takes longer than a call.
    sdk_config: acs_runtime::Config,
}

impl Run {
    fn new() -> Self {
        std::panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            PANIC.with(|panic| *panic.borrow_mut() = message);
        }));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let server = runtime
            .block_on(
                acs_test_server::TestServer::builder()
                    .with_credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
                    // The operations the official SDKs send unsigned are answered too.
                    .accept_unsigned(true)
                    .keep_requests(1)
                    .start(),
            )
            .expect("the test server starts");
        let to_server = ToTestServer {
            inner: acs_runtime::http::DefaultHttpClient::new(&Default::default()).expect("an HTTP client"),
            server: server.address().to_string().parse().expect("an address"),
        };
        let sdk_config = acs_runtime::Config::builder()
            .region(REGION)
            .endpoint(server.endpoint())
            .credentials(Self::credentials())
            .retry_config(acs_runtime::RetryConfig::default().with_max_attempts(1))
            .http_client(to_server)
            .build()
            .expect("a valid configuration");
        Run {
            runtime,
            server,
            out: std::io::BufWriter::new(std::io::stdout()),
            dir: "",
            replies: REPLIES,
            xml_replies: false,
            prepare_config: sdk_config.clone(),
            sdk_config,
        }
    }

    fn product(&mut self, dir: &'static str, official_port: u16, xml_replies: bool) {
        self.dir = dir;
        self.replies = if xml_replies { XML_REPLIES } else { REPLIES };
        self.xml_replies = xml_replies;
        self.prepare_config = Self::config(&format!("http://127.0.0.1:{official_port}"));
    }

    fn credentials() -> acs_runtime::Credentials {
        acs_runtime::Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET, "conformance")
    }

    fn config(endpoint: &str) -> acs_runtime::Config {
        acs_runtime::Config::builder()
            .region(REGION)
            .endpoint(endpoint)
            .credentials(Self::credentials())
            .retry_config(acs_runtime::RetryConfig::default().with_max_attempts(1))
            .build()
            .expect("a valid configuration")
    }

    /// The request as signed for the official call's endpoint, date and nonce.
    fn prepare(&self, built: &Built) -> Result<serde_json::Value, String> {
        let params = built.params.as_ref().map_err(Clone::clone)?;
        let client = acs_runtime::Client::new(built.service, self.prepare_config.clone());
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(DATE_SECONDS);
        let signed = client
            .prepare(built.operation.into(), params, &Self::credentials(), date, NONCE)
            .map_err(|error| format!("sign: {error}"))?;
        let request = signed.request;
        let mut headers = vec![serde_json::json!([
            "host",
            request.uri().authority().map_or("", |authority| authority.as_str())
        ])];
        for (name, value) in request.headers() {
            headers.push(serde_json::json!([name.as_str(), String::from_utf8_lossy(value.as_bytes())]));
        }
        Ok(serde_json::json!({
            "method": request.method().as_str(),
            "path": request.uri().path(),
            "query": request.uri().query().unwrap_or(""),
            "headers": headers,
            "body": base64::engine::general_purpose::STANDARD.encode(request.body()),
        }))
    }

    fn outcome(&self, result: Result<(), acs_runtime::Error>) -> serde_json::Value {
        let verified = self
            .server
            .requests()
            .last()
            .is_some_and(|request| request.signature_verified);
        match result {
            Ok(()) => serde_json::json!({"outcome": "success", "verified": verified}),
            Err(acs_runtime::Error::Service(error)) => serde_json::json!({
                "outcome": "error",
                "detail": format!("ServiceError {}", error.code),
                "verified": verified,
            }),
            Err(error) => serde_json::json!({
                "outcome": "error",
                "detail": error.to_string().chars().take(300).collect::<String>(),
                "verified": verified,
            }),
        }
    }

    /// Builds an action's request (a panic of the builders is recorded), records it as signed
    /// for the official endpoint, then sends it once per reply and records how the SDK took
    /// each.
    fn check(&mut self, action: &'static str, build: fn() -> Built) {
        let record = match std::panic::catch_unwind(build) {
            Err(_) => {
                let message = PANIC.with(|panic| std::mem::take(&mut *panic.borrow_mut()));
                serde_json::json!({"failure": format!("the builders panicked: {message}")})
            }
            Ok(built) => {
                let prepared = self.prepare(&built);
                let mut outcomes = serde_json::Map::new();
                if let Ok(params) = &built.params {
                    // The SDK's own send path for the operation (`send_with` calls the same),
                    // its response read as any value: a typed decoding would be compiled once
                    // per operation, and each SDK's generated tests hold its types to the
                    // reference's responses.
                    let client = acs_runtime::Client::new(built.service, self.sdk_config.clone());
                    for (name, status, body) in self.replies {
                        // Whatever the server keys the request by (its action, or, for OSS
                        // and SLS, which name none, its method and path) once it checks.
                        let reply = if self.xml_replies {
                            acs_test_server::Reply::xml(*status, *body)
                        } else {
                            acs_test_server::Reply::json(*status, *body)
                        };
                        self.server.reply_next(reply);
                        let sending = client.send::<serde::de::IgnoredAny>(
                            built.operation,
                            Ok(params.clone()),
                            acs_runtime::CallOptions::default(),
                        );
                        let result = self.runtime.block_on(sending).map(|_| ());
                        outcomes.insert(name.to_string(), self.outcome(result));
                    }
                }
                match prepared {
                    Ok(request) => serde_json::json!({"request": request, "outcomes": outcomes}),
                    Err(failure) => serde_json::json!({"failure": failure, "outcomes": outcomes}),
                }
            }
        };
        let mut record = record;
        record["dir"] = self.dir.into();
        record["action"] = action.into();
        writeln!(self.out, "{record}").expect("stdout");
    }
}
"##;

/// What every program signs with, and the replies it serves.
pub struct Constants<'a> {
    pub date_seconds: u64,
    pub nonce: &'a str,
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
    pub region: &'a str,
    /// `(name, status, JSON body)`.
    pub replies: &'a [(String, u16, String)],
    /// The same in XML, for the products that answer in XML.
    pub xml_replies: &'a [(String, u16, String)],
}

/// One product-version's part of a program: the official call's port, and each action with
/// its builder expression.
pub struct ProductCalls {
    pub dir: String,
    pub official_port: u16,
    /// The product answers in XML, and is sent the XML replies.
    pub xml_replies: bool,
    pub calls: Vec<(String, String)>,
}

/// The manifest of a runner crate named `name` over the SDK crates `dirs`.
pub fn manifest(name: &str, dirs: &[&str]) -> String {
    let mut text = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\npublish = false\nedition.workspace = true\n\n\
         [dependencies]\nacs-runtime.workspace = true\nacs-test-server.workspace = true\n\
         base64 = \"0.23\"\nbytes.workspace = true\nhttp.workspace = true\nserde.workspace = true\n\
         serde_json.workspace = true\n\
         tokio = {{ workspace = true, features = [\"rt\"] }}\n"
    );
    for dir in dirs {
        writeln!(text, "alibabacloud-{dir} = {{ path = \"../{dir}\" }}").expect("a String");
    }
    text
}

/// Where each action's check is in a program: `(line, dir, action)`, lines counted from 1 as
/// the compiler counts them.
pub type CheckLines = Vec<(usize, String, String)>;

/// The program's `main.rs`, and where each action's check is.
pub fn main_rs(constants: &Constants<'_>, products: &[ProductCalls]) -> (String, CheckLines) {
    let mut lines = Vec::new();
    let mut text = String::from(
        "//! Written by `cargo xtask conformance`: builds, signs and sends every action's request.\n",
    );
    writeln!(
        text,
        "const DATE_SECONDS: u64 = {};\nconst NONCE: &str = {:?};\nconst ACCESS_KEY_ID: &str = {:?};\n\
         const ACCESS_KEY_SECRET: &str = {:?};\nconst REGION: &str = {:?};",
        constants.date_seconds,
        constants.nonce,
        constants.access_key_id,
        constants.access_key_secret,
        constants.region
    )
    .expect("a String");
    for (constant, replies) in [
        ("REPLIES", constants.replies),
        ("XML_REPLIES", constants.xml_replies),
    ] {
        writeln!(text, "const {constant}: &[(&str, u16, &str)] = &[").expect("a String");
        for (name, status, body) in replies {
            writeln!(text, "    ({name:?}, {status}, {body:?}),").expect("a String");
        }
        text.push_str("];\n");
    }
    text.push_str(PRELUDE);
    text.push_str("\nfn main() {\n    let mut run = Run::new();\n");
    for (index, product) in products.iter().enumerate() {
        writeln!(
            text,
            "    run.product({:?}, {}, {});",
            product.dir, product.official_port, product.xml_replies
        )
        .expect("a String");
        for (call, (action, _)) in product.calls.iter().enumerate() {
            writeln!(text, "    run.check({action:?}, p{index}_{call});").expect("a String");
        }
    }
    text.push_str("    run.out.flush().expect(\"stdout\");\n}\n");
    // Each function is one line: a builder expression holds no line break.
    let mut line = text.matches('\n').count() + 1;
    for (index, product) in products.iter().enumerate() {
        for (call, (action, builder)) in product.calls.iter().enumerate() {
            lines.push((line, product.dir.clone(), action.clone()));
            line += 1;
            writeln!(
                text,
                "fn p{index}_{call}() -> Built {{ Built::new({builder}) }}"
            )
            .expect("a String");
        }
    }
    (text, lines)
}

/// The lines of `file` that the compiler's messages in `log` point at (`--> file:line:column`).
pub fn failing_lines(log: &str, file: &str) -> Vec<usize> {
    let mut lines: Vec<usize> = log
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--> "))
        .filter_map(|place| place.strip_prefix(file))
        .filter_map(|rest| rest.strip_prefix(':')?.split(':').next()?.parse().ok())
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiler_messages_point_at_lines() {
        let log = "error[E0308]: mismatched types\n   --> generated/r-0/src/main.rs:717:1084\n    |\n\
                   error: x\n  --> generated/r-0/src/main.rs:12:3\n  --> generated/other/src/lib.rs:5:1\n";
        assert_eq!(failing_lines(log, "generated/r-0/src/main.rs"), [12, 717]);
    }

    #[test]
    fn a_program_names_each_product_and_checks_each_action() {
        let replies = [("success".to_owned(), 200, "{}".to_owned())];
        let constants = Constants {
            date_seconds: 1,
            nonce: "n",
            access_key_id: "ak",
            access_key_secret: "secret",
            region: "cn-hangzhou",
            replies: &replies,
            xml_replies: &[],
        };
        let (text, lines) = main_rs(
            &constants,
            &[ProductCalls {
                dir: "kms".into(),
                official_port: 4242,
                xml_replies: false,
                calls: vec![("ListKeys".into(), "(a, b, c)".into())],
            }],
        );
        assert!(text.contains("const NONCE: &str = \"n\";"));
        assert!(text.contains("(\"success\", 200, \"{}\"),"));
        assert!(text.contains(
            "    run.product(\"kms\", 4242, false);\n    run.check(\"ListKeys\", p0_0);"
        ));
        assert!(text.contains("fn p0_0() -> Built { Built::new((a, b, c)) }"));
        assert_eq!(lines.len(), 1);
        let (line, dir, action) = &lines[0];
        assert_eq!((dir.as_str(), action.as_str()), ("kms", "ListKeys"));
        assert!(text.lines().nth(line - 1).unwrap().starts_with("fn p0_0()"));
        let manifest = manifest("conformance-runner-0", &["kms"]);
        assert!(manifest.contains("alibabacloud-kms = { path = \"../kms\" }"));
    }
}
