//! Security defaults: certificate verification, and no secret in what the SDK and the CLI show.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use acs_runtime::{Credentials, Error};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};
use alibabacloud_oos::{Client, Config};
use integration_tests::server;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::rustls;

/// TLS in front of a plain-HTTP test server, with a certificate for 127.0.0.1 that no one
/// issued: it signs itself.
struct SelfSignedFront {
    address: SocketAddr,
    accept_loop: JoinHandle<()>,
    connections: Arc<AtomicUsize>,
}

impl Drop for SelfSignedFront {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl SelfSignedFront {
    async fn start(backend: SocketAddr) -> Self {
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
            .expect("a certificate");
        let key =
            rustls::pki_types::PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certified.cert.der().clone()], key.into())
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = Arc::clone(&connections);
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake: nothing to relay.
                    if let Ok(mut tls) = acceptor.accept(stream).await {
                        let mut plain = TcpStream::connect(backend).await.unwrap();
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                });
            }
        });
        SelfSignedFront {
            address,
            accept_loop,
            connections,
        }
    }

    fn endpoint(&self) -> String {
        format!("https://{}", self.address)
    }
}

fn test_credentials() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, "test")
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_unless_explicitly_accepted() {
    trace_log();
    let server = server().await;
    let front = SelfSignedFront::start(server.address()).await;
    let config = || {
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(front.endpoint())
            .credentials(test_credentials())
    };

    let verifying = Client::from_conf(config().build().unwrap());
    let error = verifying
        .get_template()
        .template_name("T")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
    let shown = error.to_string();
    assert!(shown.contains("invalid peer certificate"), "{shown}");
    assert!(server.requests().is_empty(), "nothing got through");
    assert_eq!(
        front.connections.load(Ordering::SeqCst),
        1,
        "a refused certificate is not retried"
    );

    let accepting = Client::from_conf(
        config()
            .danger_accept_invalid_certificates(true)
            .build()
            .unwrap(),
    );
    let response = accepting
        .get_template()
        .template_name("T")
        .send()
        .await
        .expect("the opt-in accepts the certificate");
    assert!(response.template.is_some());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].signature_verified);
}

const KEY_ID: &str = "LTAI5tSecurityTests";
const SECRET: &str = "client-secret-must-not-show";
const TOKEN: &str = "security-token-must-not-show";
/// A value of a parameter the spec marks sensitive (`CreateSecretParameter`'s `Value`), with a
/// space, `+`, `%` and non-ASCII text, which every encoder changes.
const SENSITIVE_VALUE: &str = "s3cr3t +%€ 秘密";

/// [`SENSITIVE_VALUE`] as it reads encoded: percent-encoded (a query, a path), form-encoded
/// (the space a `+`), in JSON that escapes non-ASCII, in Rust's `escape_default` and in a byte
/// string's `Debug`. The generated crates' secrets tests check the same forms.
const SENSITIVE_FORMS: [&str; 6] = [
    SENSITIVE_VALUE,
    "s3cr3t%20%2B%25%E2%82%AC%20%E7%A7%98%E5%AF%86",
    "s3cr3t+%2B%25%E2%82%AC+%E7%A7%98%E5%AF%86",
    r"s3cr3t +%\u20ac \u79d8\u5bc6",
    r"s3cr3t +%\u{20ac} \u{79d8}\u{5bc6}",
    r"s3cr3t +%\xe2\x82\xac \xe7\xa7\x98\xe5\xaf\x86",
];

#[test]
fn the_forms_checked_are_the_encodings_of_the_secret() {
    let mut percent = String::new();
    acs_runtime::sign::percent_encode_into(&mut percent, SENSITIVE_VALUE);
    assert_eq!(SENSITIVE_FORMS[1], percent);
    assert_eq!(SENSITIVE_FORMS[2], percent.replace("%20", "+"));
    let ascii_json: String = SENSITIVE_VALUE
        .chars()
        .map(|c| match c {
            ' '..='~' => c.to_string(),
            _ => format!("\\u{:04x}", c as u32),
        })
        .collect();
    assert_eq!(SENSITIVE_FORMS[3], ascii_json);
    assert_eq!(
        SENSITIVE_FORMS[4],
        SENSITIVE_VALUE.escape_default().to_string()
    );
    assert_eq!(
        SENSITIVE_FORMS[5],
        SENSITIVE_VALUE.as_bytes().escape_ascii().to_string()
    );
}

fn temporary_credentials() -> Credentials {
    Credentials::new(KEY_ID, SECRET, "test").with_security_token(TOKEN)
}

/// A server that knows the tests' access key, with `secret` as its secret.
async fn server_knowing(secret: &str) -> TestServer {
    let server = TestServer::builder()
        .with_credentials(KEY_ID, secret)
        .start()
        .await
        .unwrap();
    alibabacloud_oos::testing::serve_examples(&server);
    server
}

fn temporary_client(server: &TestServer) -> Client {
    let config = integration_tests::config(server).credentials(temporary_credentials());
    Client::from_conf(config.build().unwrap())
}

/// The signatures of every request the server received.
fn signatures(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|request| {
            let authorization = request.headers["authorization"].to_str().unwrap();
            let (_, signature) = authorization
                .split_once("Signature=")
                .expect("an ACS3 authorization header");
            signature.to_owned()
        })
        .collect()
}

fn assert_no_secret(shown: &str, signatures: &[String]) {
    for secret in [SECRET, TOKEN]
        .into_iter()
        .chain(SENSITIVE_FORMS)
        .chain(signatures.iter().map(String::as_str))
    {
        assert!(!shown.contains(secret), "`{secret}` shown in:\n{shown}");
    }
}

#[tokio::test]
async fn configuration_credentials_client_and_signed_requests_show_no_secret() {
    trace_log();
    let server = server_knowing(SECRET).await;
    let client = temporary_client(&server);
    let signed = client
        .runtime()
        .prepare(
            acs_runtime::CallSpec {
                action: "GetTemplate",
                method: acs_runtime::Method::Post,
                path: "/",
                idempotency_token: None,
                read_only: true,
                anonymous: false,
                auth: None,
                body_fields: None,
                defaults: Default::default(),
            },
            &acs_runtime::RequestParams::default(),
            &temporary_credentials(),
            std::time::SystemTime::now(),
            "0123456789abcdef0123456789abcdef",
        )
        .unwrap();
    let authorization = signed.request.headers()["authorization"].to_str().unwrap();
    let signature = authorization.split_once("Signature=").unwrap().1.to_owned();

    for shown in [
        format!("{:?}", client.config()),
        format!("{:?}", temporary_credentials()),
        format!("{client:?}"),
        format!("{:?}", client.config().credentials_provider()),
        format!("{signed:?}"),
    ] {
        assert_no_secret(&shown, std::slice::from_ref(&signature));
    }
    let shown = format!("{signed:?}");
    assert!(shown.contains("x-acs-action"), "{shown}");
    assert!(shown.contains(&signed.string_to_sign.escape_debug().to_string()));
}

#[tokio::test]
async fn a_signature_mismatch_shows_both_strings_to_sign_and_nothing_secret() {
    trace_log();
    let server = server_knowing("the-server-knows-another-secret").await;

    let error = temporary_client(&server)
        .get_template()
        .template_name("T")
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    let shown = error.to_string();
    assert!(shown.contains("server string to sign is:"), "{shown}");
    assert!(shown.contains("client string to sign was:"), "{shown}");
    let signatures = signatures(&server);
    assert_eq!(signatures.len(), 1);
    assert_no_secret(&shown, &signatures);
    assert_no_secret(&format!("{error:?}"), &signatures);
}

#[tokio::test]
async fn a_secret_response_that_does_not_decode_is_not_shown_in_the_error() {
    trace_log();
    let server = server_knowing(SECRET).await;
    let bodies = [
        // Cut off after the secret: the JSON does not parse.
        format!(
            r#"{{"RequestId":"R-1","Parameter":{{"Name":"db-password","Value":"{SENSITIVE_VALUE}""#
        ),
        // The secret where an object belongs: serde's message would quote it.
        format!(r#"{{"RequestId":"R-1","Parameter":"{SENSITIVE_VALUE}"}}"#),
    ];
    for body in bodies {
        server.enqueue("GetSecretParameter", Reply::json(200, body));

        let error = temporary_client(&server)
            .get_secret_parameter()
            .name("db-password")
            .with_decryption(true)
            .send()
            .await
            .unwrap_err();

        let Error::Decode(decode) = &error else {
            panic!("expected a decode error, got {error:?}");
        };
        assert_eq!(decode.body_excerpt, None);
        assert!(decode.request_id.is_some(), "{decode:?}");
        let signatures = signatures(&server);
        assert_no_secret(&error.to_string(), &signatures);
        assert_no_secret(&format!("{error:?}"), &signatures);
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            assert_no_secret(&inner.to_string(), &signatures);
            cause = inner.source();
        }
    }
}

#[tokio::test]
async fn a_connection_error_shows_neither_credentials_nor_parameter_values() {
    trace_log();
    let server = server_knowing(SECRET).await;
    for _ in 0..3 {
        server.enqueue("CreateSecretParameter", Reply::drop_connection());
    }

    let error = temporary_client(&server)
        .create_secret_parameter()
        .name("db-password")
        .value(SENSITIVE_VALUE)
        .send()
        .await
        .unwrap_err();

    assert!(error.is_connection(), "{error:?}");
    let shown = error.to_string();
    assert!(shown.contains(&server.endpoint()), "{shown}");
    assert!(
        shown.contains("connection closed before message completed"),
        "the root cause is shown: {shown}"
    );
    let signatures = signatures(&server);
    assert_eq!(signatures.len(), 3);
    assert_no_secret(&shown, &signatures);
    assert_no_secret(&format!("{error:?}"), &signatures);
}

#[tokio::test]
async fn values_http_cannot_carry_fail_the_call_instead_of_panicking() {
    trace_log();
    let server = server_knowing(SECRET).await;
    let token_with_line_break = format!("{TOKEN}\n");
    let client = Client::from_conf(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(server.endpoint())
            .credentials(
                Credentials::new(KEY_ID, SECRET, "test").with_security_token(token_with_line_break),
            )
            .build()
            .unwrap(),
    );
    let error = client
        .get_template()
        .template_name("T")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert!(error.to_string().contains("security token"), "{error}");
    assert_no_secret(&format!("{error} {error:?}"), &[]);

    let action = temporary_client(&server)
        .runtime()
        .call("Get\nTemplate", acs_runtime::Params::new())
        .await
        .unwrap_err();
    assert!(matches!(action, Error::Build(_)), "{action:?}");

    let endpoint = Client::from_conf(
        Config::builder()
            .endpoint(format!("{}\n", server.endpoint()))
            .credentials(temporary_credentials())
            .build()
            .unwrap(),
    )
    .get_template()
    .template_name("T")
    .send()
    .await
    .unwrap_err();
    assert!(matches!(endpoint, Error::Config(_)), "{endpoint:?}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// A `MakeWriter` keeping everything tracing prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Everything every test of this file makes tracing print, at TRACE level. Every test calls
/// this first: a subscriber set per test (`set_default`) races with callsites that other
/// tests' threads register, which can then stay disabled; a global one set before any
/// callsite is registered cannot miss anything.
fn trace_log() -> String {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    let captured = CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_max_level(tracing::Level::TRACE)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        captured
    });
    String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned()
}

#[tokio::test]
async fn trace_level_output_shows_calls_but_no_secret_signature_or_sensitive_value() {
    trace_log();
    let server = server_knowing(SECRET).await;

    server.enqueue("CreateSecretParameter", Reply::throttled(None));
    temporary_client(&server)
        .create_secret_parameter()
        .name("db-password")
        .value(SENSITIVE_VALUE)
        .send()
        .await
        .unwrap();
    server.enqueue("GetTemplate", Reply::drop_connection());
    server.enqueue(
        "GetTemplate",
        Reply::error(400, "InvalidParameter", "The parameter is invalid."),
    );
    let error = temporary_client(&server)
        .get_template()
        .template_name("T")
        .send()
        .await
        .unwrap_err();

    // Other tests of this file print here too; none may show a secret either.
    let log = trace_log();
    for expected in ["acs_call", "CreateSecretParameter", "retrying"] {
        assert!(log.contains(expected), "no `{expected}` in:\n{log}");
    }
    // The second attempt's span names its status and the service's request id.
    let attempt = format!(
        "acs_attempt{{attempt=2 status=400 request_id=\"{}\"}}",
        error.request_id().unwrap()
    );
    assert!(log.contains(&attempt), "no `{attempt}` in:\n{log}");
    let signatures = signatures(&server);
    assert_eq!(signatures.len(), 4);
    assert_no_secret(&log, &signatures);
}

/// Runs `oos` against `server` with the tests' temporary credentials in the environment and
/// nothing else from the machine; returns its exit code and everything it printed.
async fn run_oos(server: &TestServer, args: &[&str]) -> (Option<i32>, String) {
    run(integration_tests::oos_binary(), server, args).await
}

/// Runs `binary` as [`run_oos`] runs `oos`.
async fn run(
    binary: &std::path::Path,
    server: &TestServer,
    args: &[&str],
) -> (Option<i32>, String) {
    let output = tokio::process::Command::new(binary)
        .args(args)
        .args(["--endpoint", &server.endpoint()])
        .env_clear()
        .env("HOME", std::env::temp_dir().join("oos-security-tests-home"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .env("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
        .output()
        .await
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), printed)
}

#[tokio::test]
async fn the_cli_shows_no_secret_in_dry_run_or_error_output() {
    trace_log();
    let create = [
        "CreateSecretParameter",
        "--Name",
        "db-password",
        "--Value",
        SENSITIVE_VALUE,
    ];

    let server = server_knowing(SECRET).await;
    let (code, printed) = run_oos(&server, &[&create[..], &["--dry-run"]].concat()).await;
    assert_eq!(code, Some(0), "{printed}");
    assert!(printed.contains("String to sign:"), "{printed}");
    assert_no_secret(&printed, &[]);
    assert!(server.requests().is_empty());

    for _ in 0..3 {
        server.enqueue("CreateSecretParameter", Reply::drop_connection());
    }
    let (code, printed) = run_oos(&server, &create).await;
    assert_eq!(code, Some(4), "{printed}");
    assert!(printed.contains("connection failed"), "{printed}");
    assert_no_secret(&printed, &signatures(&server));

    let mismatch = server_knowing("the-server-knows-another-secret").await;
    let (code, printed) = run_oos(&mismatch, &create).await;
    assert_eq!(code, Some(3), "{printed}");
    assert!(printed.contains("SignatureDoesNotMatch"), "{printed}");
    assert!(printed.contains("Client string to sign:"), "{printed}");
    assert_no_secret(&printed, &signatures(&mismatch));

    let on_the_command_line = [
        "GetTemplate",
        "--TemplateName",
        "T",
        "--access-key-id",
        KEY_ID,
        "--access-key-secret",
        SECRET,
    ];
    let (code, printed) = run_oos(&mismatch, &on_the_command_line).await;
    assert_eq!(code, Some(3), "{printed}");
    assert_no_secret(&printed, &signatures(&mismatch));

    // A secret response that does not decode: the error leaves the body out.
    let body = format!(r#"{{"RequestId":"R-1","Parameter":{{"Value":"{SENSITIVE_VALUE}""#);
    server.enqueue("GetSecretParameter", Reply::json(200, body));
    let get = ["GetSecretParameter", "--Name", "db-password"];
    let (code, printed) = run_oos(&server, &get).await;
    assert_ne!(code, Some(0), "{printed}");
    assert!(printed.contains("cannot decode the response"), "{printed}");
    assert_no_secret(&printed, &signatures(&server));
}

/// Container Service's secrets sit in the JSON body, at the top and nested: `--dry-run` shows
/// the body as it would be sent with each of them redacted, and sends nothing.
#[tokio::test]
async fn the_cs_dry_run_shows_the_body_with_its_secrets_redacted() {
    trace_log();
    let server = server_knowing(SECRET).await;
    let body = serde_json::json!({
        "name": "cluster-1",
        "login_password": SENSITIVE_VALUE,
        "control_plane_config": {"login_password": SENSITIVE_VALUE, "size": 3},
        "nodepools": [{"scaling_group": {"login_password": SENSITIVE_VALUE, "vswitch_ids": ["vsw-1"]}}],
    })
    .to_string();
    let binary = integration_tests::cs_binary();
    let (code, printed) = run(
        binary,
        &server,
        &["CreateCluster", "--body", &body, "--dry-run"],
    )
    .await;
    assert_eq!(code, Some(0), "{printed}");
    assert_no_secret(&printed, &[]);
    for shown in ["cluster-1", "vsw-1", r#""size":3"#] {
        assert!(
            printed.contains(shown),
            "`{shown}` is not shown:\n{printed}"
        );
    }
    assert_eq!(printed.matches("** redacted **").count(), 3, "{printed}");

    let attach = r#"{"instances": ["i-1"], "password": "s3cr3t +%€ 秘密"}"#;
    let (code, printed) = run(
        binary,
        &server,
        &[
            "AttachInstances",
            "--ClusterId",
            "c-1",
            "--body",
            attach,
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(code, Some(0), "{printed}");
    assert_no_secret(&printed, &[]);
    assert!(printed.contains("i-1"), "{printed}");
    assert!(server.requests().is_empty(), "a dry run sends nothing");
}
