//! `TestServer::reply_next`: one reply for the next request whose signature checks, whichever
//! scheme signed it and however the server would otherwise key it (by action, or by method and
//! path for OSS and SLS, whose requests name no action); a request whose signature does not
//! check is refused as before and leaves the reply for the next. A route answers a signed
//! request only once its signature checks too, whatever the scheme.

use acs_runtime::{
    AuthScheme, CallOptions, CallSpec, Client, Config, ContentType, Credentials, Error, Method,
    RequestDefaults, RequestParams, Service,
};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};

const CALL: CallSpec<'static> = CallSpec {
    action: "DescribeThings",
    method: Method::Get,
    path: "/things",
    idempotency_token: None,
    read_only: true,
    anonymous: false,
    auth: None,
    body_fields: None,
    defaults: RequestDefaults {
        content_type: ContentType::OfBody,
        content_md5: false,
        query: &[],
    },
};

fn client(server: &TestServer, auth: AuthScheme, secret: &str) -> Client {
    let service: &'static Service = Box::leak(Box::new(Service {
        product: "Test",
        api_version: "2024-01-01",
        endpoint_rule: "test.aliyuncs.com",
        auth,
        protocol: "https",
        regional_endpoints: &[],
        sdk_name: "test",
        sdk_version: "0",
    }));
    Client::new(
        service,
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(server.endpoint())
            .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, secret, "test"))
            .build()
            .unwrap(),
    )
}

async fn call(client: &Client) -> Result<(), Error> {
    let mut params = RequestParams::default();
    params.query.insert("Name", "中文 +&=");
    client
        .invoke(CALL, params, &CallOptions::default())
        .await
        .map(|_| ())
}

#[tokio::test]
async fn every_scheme_s_request_gets_the_next_reply_once_its_signature_checks() {
    for auth in AuthScheme::ALL {
        let server = TestServer::start().await.unwrap();
        let client = client(&server, auth, DEFAULT_ACCESS_KEY_SECRET);
        // Nothing is scripted for the action or the route: without the reply, a 404.
        assert!(call(&client).await.is_err(), "{auth:?}");

        server.reply_next(Reply::json(400, r#"{"Code":"Replaced","Message":"m"}"#));
        server.reply_next(Reply::json(400, r#"{"Code":"Chosen","Message":"m"}"#));
        let error = call(&client).await.unwrap_err();
        assert_eq!(error.code(), Some("Chosen"), "{auth:?}: {error:?}");
        let request = server.requests().pop().unwrap();
        assert!(request.signature_verified, "{auth:?}");

        // Taken once: the next request is answered as before.
        let error = call(&client).await.unwrap_err();
        assert_ne!(error.code(), Some("Chosen"), "{auth:?}");
    }
}

#[tokio::test]
async fn a_request_whose_signature_does_not_check_leaves_the_reply_for_the_next() {
    for auth in AuthScheme::ALL {
        let server = TestServer::start().await.unwrap();
        server.reply_next(Reply::json(200, r#"{"RequestId":"1"}"#));
        let forged = client(&server, auth, "another-secret");
        let error = call(&forged).await.unwrap_err();
        assert!(
            matches!(error.code(), Some("SignatureDoesNotMatch")),
            "{auth:?}: {error:?}"
        );
        assert!(!server.requests()[0].signature_verified, "{auth:?}");

        let client = client(&server, auth, DEFAULT_ACCESS_KEY_SECRET);
        call(&client).await.unwrap();
        assert!(server.requests()[1].signature_verified, "{auth:?}");
    }
}

#[tokio::test]
async fn a_routed_request_whose_signature_does_not_check_is_refused() {
    for auth in AuthScheme::ALL {
        let server = TestServer::start().await.unwrap();
        server.enqueue_route(
            http::Method::GET,
            CALL.path,
            Reply::json(200, r#"{"RequestId":"routed"}"#),
        );
        let forged = client(&server, auth, "another-secret");
        let error = call(&forged).await.unwrap_err();
        assert_eq!(
            error.code(),
            Some("SignatureDoesNotMatch"),
            "{auth:?}: {error:?}"
        );
        assert!(!server.requests()[0].signature_verified, "{auth:?}");

        // The route's one reply is still there, for the request whose signature checks.
        let client = client(&server, auth, DEFAULT_ACCESS_KEY_SECRET);
        call(&client).await.unwrap();
        assert!(server.requests()[1].signature_verified, "{auth:?}");
        assert!(call(&client).await.is_err(), "{auth:?}: the route is spent");
    }
}
