//! SLS `PutLogs` as the official SDK sent it at a pinned date
//! (`tests/fixtures/official/sls/vectors.json`, made by its `record.py`): a client given the
//! same log group, with the operation's body fields marked a log group as the generated SLS
//! SDK marks them, sends the same method, host, path, headers, compressed body and
//! `Authorization`, byte for byte. So does `GetMachineGroup` with a machine group of reserved
//! and non-ASCII characters: the path as the official SDK's `requests` wrote it, the
//! signature over the name unencoded.

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
    /// `PutLogs`'s, and others naming their `operation`.
    vectors: Vec<Value>,
}

impl VectorFile {
    /// The vectors of `operation`.
    fn of<'a, T: Deserialize<'a>>(&'a self, operation: &str) -> Vec<T> {
        self.vectors
            .iter()
            .filter(|vector| vector["operation"].as_str().unwrap_or("PutLogs") == operation)
            .map(|vector| T::deserialize(vector).expect("a vector of the operation"))
            .collect()
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(&self.access_key_id, &self.access_key_secret, "vector")
    }

    fn client(&self) -> Client {
        Client::new(
            &SLS,
            Config::builder()
                .endpoint(format!("http://{}", self.endpoint))
                .credentials(Credentials::new("unused", "unused", "test"))
                .build()
                .unwrap(),
        )
    }
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

fn vectors() -> VectorFile {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/official/sls/vectors.json"
    ))
    .expect("fixture parses")
}

/// Method, host, path, query, body and every header, `Authorization` included, are the
/// recorded ones.
fn assert_sent_as_recorded(
    request: &http::Request<bytes::Bytes>,
    sent: &Recorded,
    body_base64: &str,
    name: &str,
) {
    assert_eq!(request.method().as_str(), sent.method, "{name}");
    assert_eq!(
        request.uri().authority().map(|host| host.as_str()),
        Some(sent.header("host")),
        "{name}"
    );
    assert_eq!(request.uri().path(), sent.path, "{name}");
    assert_eq!(request.uri().query(), None, "{name}");
    assert!(sent.query.is_empty());
    assert_eq!(
        STANDARD.encode(request.body()),
        body_base64,
        "{name}: the body"
    );
    assert_eq!(headers_sent(request), sent.headers_but_host(), "{name}");
}

#[test]
fn put_logs_is_sent_as_the_official_sdk_sent_it_body_and_authorization_included() {
    let file = vectors();
    let at = pinned_date();
    let vectors: Vec<Vector> = file.of("PutLogs");
    assert!(!vectors.is_empty(), "the fixture holds vectors");
    for vector in &vectors {
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
        let signed = file
            .client()
            .prepare(call, &params, &file.credentials(), at, "unused")
            .unwrap();
        assert_sent_as_recorded(
            &signed.request,
            &vector.sent,
            &vector.body_base64,
            &vector.name,
        );
    }
}

/// A `GetMachineGroup` vector: its project and machine group.
#[derive(Deserialize)]
struct MachineGroupVector {
    name: String,
    inputs: MachineGroupInputs,
    #[serde(flatten)]
    sent: Recorded,
    body_base64: String,
}

#[derive(Deserialize)]
struct MachineGroupInputs {
    project: String,
    #[serde(rename = "machineGroup")]
    machine_group: String,
}

#[test]
fn a_path_parameter_is_sent_as_the_official_sdk_sent_it_authorization_included() {
    let file = vectors();
    let vectors: Vec<MachineGroupVector> = file.of("GetMachineGroup");
    assert!(!vectors.is_empty(), "the fixture holds vectors");
    for vector in &vectors {
        let mut params = RequestParams::default();
        params.host.insert("project", &vector.inputs.project);
        params
            .path
            .insert("machineGroup", &vector.inputs.machine_group);
        params
            .headers
            .insert("user-agent", vector.sent.header("user-agent"));
        let call = CallSpec {
            action: "GetMachineGroup",
            method: Method::Get,
            path: "/machinegroups/{machineGroup}",
            idempotency_token: None,
            read_only: true,
            anonymous: false,
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        };
        let signed = file
            .client()
            .prepare(call, &params, &file.credentials(), pinned_date(), "unused")
            .unwrap();
        assert_sent_as_recorded(
            &signed.request,
            &vector.sent,
            &vector.body_base64,
            &vector.name,
        );
    }
}
