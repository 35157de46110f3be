//! The generated CLI's half: each action run as a user would type it, with one flag per input
//! the official SDK kept (the metadata's `body` object as one JSON flag), against the test
//! server on 127.0.0.1, which checks the signature with its own verifier and records the
//! request. The CLI signs with a date and nonce of its own, so those and the signature are not
//! compared with the official request; everything else is.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use acs_codegen::ir::{Location, Operation, Service, Style, Type};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::Product;
use super::call_constants::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION, replies};
use super::compare::Recorded;

/// The command line's arguments after the action: one `--Name=value` per input.
pub fn flags(service: &Service, operation: &Operation, inputs: &Map<String, Value>) -> Vec<String> {
    let mut flags = Vec::new();
    let mut body = Map::new();
    for member in &operation.request {
        let Some(value) = inputs.get(&member.wire_name) else {
            continue;
        };
        if member.location == Location::BodyField && operation.body_parameter.is_some() {
            body.insert(member.wire_name.clone(), value.clone());
            continue;
        }
        // Strings as they are; numbers, booleans, objects, lists and maps as JSON, which is
        // how the CLI reads every flag that is not a string. A JSON-text parameter is sent as
        // written: its objects' keys are written in byte order, as the official SDKs write a
        // typed object, so that the text is what they send.
        let text = match (value, &member.entries) {
            (Value::String(text), _) => text.clone(),
            // A map the wire carries as key-value objects is written so.
            (Value::Object(map), Some(entries)) if member.style == Style::Json => {
                let list: Vec<Value> = map
                    .iter()
                    .map(|(key, item)| json!({&entries.key: key, &entries.value: item}))
                    .collect();
                Value::Array(list).to_string()
            }
            (other, _) if member.style == Style::Json => {
                wire_order(service, operation, &member.ty, other, false).to_string()
            }
            (other, _) => other.to_string(),
        };
        flags.push(format!("--{}={text}", member.wire_name));
    }
    if let Some(name) = &operation.body_parameter
        && !body.is_empty()
    {
        flags.push(format!("--{name}={}", Value::Object(body)));
    }
    flags
}

/// `value`, of type `ty`, as the official SDKs write it as JSON text: the fields of typed
/// objects in the byte order of their wire names, maps and free-form values in their order.
fn wire_order(
    service: &Service,
    operation: &Operation,
    ty: &Type,
    value: &Value,
    shared: bool,
) -> Value {
    match (ty, value) {
        (Type::Array(item), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|value| wire_order(service, operation, item, value, shared))
                .collect(),
        ),
        (Type::Map(values), Value::Object(entries)) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| {
                    (
                        key.clone(),
                        wire_order(service, operation, values, value, shared),
                    )
                })
                .collect(),
        ),
        (Type::Struct(name) | Type::Shared(name), Value::Object(fields)) => {
            let shared = shared || matches!(ty, Type::Shared(_));
            let members = if shared {
                service.shared_structs.iter().find(|s| &s.name == name)
            } else {
                operation.structs.iter().find(|s| &s.name == name)
            }
            .map(|item| item.fields.as_slice())
            .unwrap_or_default();
            let mut sorted: Vec<(&String, &Value)> = fields.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(key, field)| {
                        let value = match members.iter().find(|member| &member.wire_name == key) {
                            Some(member) => {
                                wire_order(service, operation, &member.ty, field, shared)
                            }
                            None => field.clone(),
                        };
                        (key.clone(), value)
                    })
                    .collect(),
            )
        }
        (_, other) => other.clone(),
    }
}

/// How one run of the CLI ended: `success` (exit 0) or `error` (the exit code, and the first
/// line it printed on stderr).
pub fn outcome(status: Option<i32>, stderr: &[u8]) -> Value {
    match status {
        Some(0) => serde_json::json!({"outcome": "success"}),
        code => {
            let first = String::from_utf8_lossy(stderr)
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>();
            serde_json::json!({
                "outcome": "error",
                "detail": format!("exit {}: {first}", code.map_or("signal".into(), |c| c.to_string())),
            })
        }
    }
}

/// Runs `binary` for `action` with `flags` against `endpoint`, signed with the given keys.
pub fn run(
    binary: &Path,
    action: &str,
    flags: &[String],
    endpoint: &str,
    keys: (&str, &str),
    region: &str,
) -> std::io::Result<std::process::Output> {
    Command::new(binary)
        .arg(action)
        .args(flags)
        .args(["--endpoint", endpoint, "--region", region])
        .args(["--access-key-id", keys.0, "--access-key-secret", keys.1])
        .args(["--retry-count", "0", "--quiet"])
        // Through the test server as a proxy: a host label put before the endpoint
        // (`project-1.127.0.0.1`) resolves nowhere.
        .env("HTTP_PROXY", endpoint)
        .env_remove("http_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
        .output()
}

/// A request the test server recorded, in the shape the official one was recorded in. The
/// server keeps the query decoded; it is written back with every byte but unreserved ones
/// percent-encoded, which decodes to the same pairs.
pub fn recorded(request: &acs_test_server::RecordedRequest) -> Recorded {
    let encode = |text: &str| {
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let query: Vec<String> = request
        .query
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    let mut headers = vec![];
    for (name, value) in &request.headers {
        headers.push((
            name.as_str().to_owned(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        ));
    }
    Recorded {
        method: request.method.as_str().to_owned(),
        path: request.path.clone(),
        query: query.join("&"),
        headers,
        body: STANDARD.encode(&request.body),
    }
}

/// One CLI run: the request the test server recorded (if any), whether its signature
/// verified, and how each reply was taken.
pub struct CliRun {
    pub request: Option<Recorded>,
    pub verified: bool,
    pub outcomes: BTreeMap<String, Value>,
    pub failure: Option<String>,
}

/// Runs every action of the CLI sample once per reply, against a test server.
pub fn run_cli(
    work: &Path,
    products: &[Product],
    sample: &[String],
) -> Result<BTreeMap<(String, String), CliRun>, String> {
    let mut runs = BTreeMap::new();
    if sample.is_empty() {
        return Ok(runs);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|error| format!("a tokio runtime: {error}"))?;
    let server = runtime
        .block_on(
            acs_test_server::TestServer::builder()
                .with_credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
                .keep_requests(1)
                .start(),
        )
        .map_err(|error| format!("the test server: {error}"))?;
    let endpoint = server.endpoint();
    for product in products
        .iter()
        .filter(|product| sample.contains(&product.dir))
    {
        let Some(service) = &product.service else {
            continue;
        };
        let binary = work.join("build/debug").join(&service.cli_binary);
        for (action, official) in &product.official {
            if official.request.is_none() {
                continue;
            }
            let Some(operation) = service.operations.iter().find(|op| &op.name == action) else {
                continue;
            };
            let flags = flags(service, operation, &official.kept);
            let mut run = CliRun {
                request: None,
                verified: false,
                outcomes: BTreeMap::new(),
                failure: None,
            };
            if !binary.exists() {
                run.failure = Some("the CLI did not build".into());
            }
            for (name, status, body) in replies() {
                if run.failure.is_some() {
                    break;
                }
                let before = server.request_count();
                server.enqueue(action, acs_test_server::Reply::json(status, body));
                let output = self::run(
                    &binary,
                    action,
                    &flags,
                    &endpoint,
                    (ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                    REGION,
                )
                .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
                let outcome = outcome(output.status.code(), &output.stderr);
                let sent = server.request_count() > before;
                match server.requests().last().filter(|_| sent) {
                    Some(request) if run.request.is_none() => {
                        run.verified = request.signature_verified;
                        run.request = Some(recorded(request));
                    }
                    Some(_) => {}
                    // Its reply is still queued: the run of this action stops here.
                    None => {
                        run.failure = Some(format!(
                            "the CLI sent nothing: {}",
                            outcome["detail"].as_str().unwrap_or_default()
                        ));
                    }
                }
                run.outcomes.insert(name, outcome);
            }
            runs.insert((product.dir.clone(), action.clone()), run);
        }
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    fn service() -> Service {
        let files: BTreeMap<PathBuf, String> = [
            (
                "spec/demo/service.yaml",
                "product: Demo\napi_version: \"2020-01-01\"\nstyle: roa\nprotocol: https\n\
                 signature: ACS3-HMAC-SHA256\nendpoints:\n  rule: demo.aliyuncs.com\n",
            ),
            (
                "spec/demo/operations/Make.yaml",
                r#"name: Make
methods: [POST]
path: /things/{Id}
request:
- name: Id
  in: path
  type: string
- name: Count
  in: query
  type: int32
- name: Tags
  in: query
  style: json
  type: array
  items:
    type: string
- name: Labels
  in: query
  style: json
  type: map
  values:
    type: string
  entries:
    key: Key
    value: Value
- name: Config
  in: query
  style: json
  type: object
  type_name: Config
  fields:
  - name: Zeta
    type: string
  - name: Alpha
    type: int32
- name: body
  in: body
  type: object
  type_name: Body
  fields:
  - name: Name
    type: string
  - name: Dry
    type: boolean
"#,
            ),
        ]
        .into_iter()
        .map(|(path, text)| (PathBuf::from(path), text.to_owned()))
        .collect();
        acs_codegen::lower_from_texts("demo", &files).expect("the demo spec lowers")
    }

    #[test]
    fn inputs_become_flags_and_the_body_object_one_json_flag() {
        let inputs = json!({
            "Id": "a/b c",
            "Count": 7,
            "Tags": ["x", "y"],
            "Labels": {"b": "1", "a": "2"},
            "Config": {"Zeta": "z", "Alpha": 1},
            "Name": "n 中",
            "Dry": true,
        });
        let service = service();
        let flags = flags(
            &service,
            &service.operations[0],
            inputs.as_object().unwrap(),
        );
        assert_eq!(
            flags,
            [
                "--Id=a/b c",
                "--Count=7",
                r#"--Tags=["x","y"]"#,
                r#"--Labels=[{"Key":"b","Value":"1"},{"Key":"a","Value":"2"}]"#,
                r#"--Config={"Alpha":1,"Zeta":"z"}"#,
                r#"--body={"Name":"n 中","Dry":true}"#,
            ]
        );
    }

    #[test]
    fn exit_codes_are_outcomes() {
        assert_eq!(outcome(Some(0), b""), json!({"outcome": "success"}));
        assert_eq!(
            outcome(Some(3), b"ERROR: InvalidParameter\nmore"),
            json!({"outcome": "error", "detail": "exit 3: ERROR: InvalidParameter"})
        );
    }
}
