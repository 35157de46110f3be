//! SLS `PutLogs` as the official SDK sent it at a pinned date
//! (`tests/fixtures/official/sls/vectors.json`, made by its `record.py`): a client given the
//! same log group, with the operation's body fields marked a log group as the generated SLS
//! SDK marks them, sends the same method, host, path, headers, compressed body and
//! `Authorization`, byte for byte.

mod support;

use acs_runtime::{BodyFields, CallSpec, Client, Config, Credentials, Method, RequestParams};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Recorded, SLS, headers_sent, pinned_date};

#[derive(Deserialize)]
struct VectorFile {
    endpoint: String,
    access_key_id: String,
    access_key_secret: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    project: String,
    logstore: String,
    compress_type: String,
    /// Logs, tags, topic and source, contents and tags as `[key, value]` pairs.
    log_group: Value,
    #[serde(flatten)]
    sent: Recorded,
    body_base64: String,
}

fn pairs(list: &Value) -> Vec<Value> {
    list.as_array()
        .map(|pairs| {
            pairs
                .iter()
                .map(|pair| json!({"Key": pair[0], "Value": pair[1]}))
                .collect()
        })
        .unwrap_or_default()
}

/// The body fields the generated SDK's `PutLogs` request writes for the vector's log group.
fn body_fields(group: &Value, params: &mut RequestParams) {
    let logs: Vec<Value> = group["LogItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|log| json!({"Contents": pairs(&log["Contents"]), "Time": log["Time"]}))
        .collect();
    params.put_body_field("LogItems", &logs).unwrap();
    params
        .put_body_field("LogTags", &pairs(&group["LogTags"]))
        .unwrap();
    params
        .put_body_field("Source", &group.get("Source"))
        .unwrap();
    params.put_body_field("Topic", &group.get("Topic")).unwrap();
}

#[test]
fn put_logs_is_sent_as_the_official_sdk_sent_it_body_and_authorization_included() {
    let file: VectorFile = serde_json::from_str(include_str!(
        "../../tests/fixtures/official/sls/vectors.json"
    ))
    .expect("fixture parses");
    let at = pinned_date();
    assert!(!file.vectors.is_empty(), "the fixture holds vectors");
    for vector in &file.vectors {
        let client = Client::new(
            &SLS,
            Config::builder()
                .endpoint(format!("http://{}", file.endpoint))
                .credentials(Credentials::new("unused", "unused", "test"))
                .build()
                .unwrap(),
        );
        let mut params = RequestParams::default();
        params.host.insert("project", &vector.project);
        params.path.insert("logstore", &vector.logstore);
        params
            .headers
            .insert("x-log-compresstype", &vector.compress_type);
        params
            .headers
            .insert("user-agent", vector.sent.header("user-agent"));
        body_fields(&vector.log_group, &mut params);
        let call = CallSpec {
            action: "PutLogs",
            method: Method::Post,
            path: "/logstores/{logstore}/shards/lb",
            idempotency_token: None,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: Some(BodyFields::SlsLogGroup),
            defaults: Default::default(),
        };
        let credentials = Credentials::new(&file.access_key_id, &file.access_key_secret, "vector");
        let signed = client
            .prepare(call, &params, &credentials, at, "unused")
            .unwrap();
        let request = &signed.request;
        let sent = &vector.sent;
        assert_eq!(request.method().as_str(), sent.method, "{}", vector.name);
        assert_eq!(
            request.uri().authority().map(|host| host.as_str()),
            Some(sent.header("host")),
            "{}",
            vector.name
        );
        assert_eq!(request.uri().path(), sent.path, "{}", vector.name);
        assert_eq!(request.uri().query(), None, "{}", vector.name);
        assert!(sent.query.is_empty());
        assert_eq!(
            STANDARD.encode(request.body()),
            vector.body_base64,
            "{}: the compressed body",
            vector.name
        );
        assert_eq!(
            headers_sent(request),
            sent.headers_but_host(),
            "{}",
            vector.name
        );
    }
}
