//! One action's requests compared: what the official SDK sent and what ours sends for the same
//! inputs, signed with the same date, nonce, keys and endpoint. Every difference is named by a
//! class that groups like cases (`method: official GET, ours POST`) and a detail for this case.
//!
//! Three quirks of the Python SDK are normalised before comparing, and only these (CONFORMANCE.md
//! gives the evidence that the other official SDKs do otherwise):
//! - booleans in queries and forms are `True`/`False` (Python's `str`): read as `true`/`false`
//!   where ours sends `true`/`false` for the same parameter, which it does for a boolean alone
//!   (a string such as R-KVStore's `NoShardBackup` enum, `True`, is the same text on both
//!   sides); a v2 RPC `Signature` or an SLS `Authorization` over them is then checked by
//!   verifying ours over the official request so read, as an ACS3 signature is;
//! - unset lists and maps of models are written into JSON bodies as `[]` and `{}`, which ours
//!   does too for the fields it knows; an empty list or object ours leaves out (a field the
//!   official model has and the metadata lacks, or the driver's `from_map` artefact among the
//!   request's own fields) is dropped;
//! - every header the SDK sets is signed, `user-agent` and `x-acs-credentials-provider`
//!   among them: ours must sign what every official SDK signs (`host`, `content-type` and the
//!   `x-acs-*` headers), and its signature must verify over the official request.
//!
//! The query is compared decoded, and encoded pair by pair once Python's `+` for a space is
//! read as the `%20` of RFC 3986 (which the signature's canonical query uses).

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call_constants::REGION;

/// A request as sent: method, raw path and query, headers in order, body as base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    fn body_bytes(&self) -> Vec<u8> {
        STANDARD.decode(&self.body).unwrap_or_default()
    }

    /// The first value of a header, by its lower-case name.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn signed_headers(&self) -> Option<Vec<String>> {
        let authorization = self.header("authorization")?;
        let rest = authorization.strip_prefix("ACS3-HMAC-SHA256 ")?;
        let names = rest.split("SignedHeaders=").nth(1)?.split(',').next()?;
        Some(names.split(';').map(str::to_owned).collect())
    }
}

/// One way the two requests differ.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// What differs, in words shared by every case of its kind.
    pub class: String,
    /// This case: the parameter or header, and the two values.
    pub detail: String,
}

fn difference(class: impl Into<String>, detail: impl Into<String>) -> Difference {
    Difference {
        class: class.into(),
        detail: detail.into(),
    }
}

/// What is compared, and how the request was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The generated SDK, signed with the official SDK's date, nonce, keys and endpoint: every
    /// signed header and the signature are compared.
    Sdk,
    /// The generated CLI, which signs with a date and nonce of its own for an endpoint of its
    /// own, captured by the test server (which verified its signature and keeps the query
    /// decoded): compared but for date, nonce, host and signature.
    Cli,
}

/// Which normalisations were needed, for the report's counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Normalised {
    pub python_booleans: bool,
    pub python_empty_lists: bool,
}

/// The differences between the official request and ours (sorted, none repeated).
pub fn compare(
    official: &Recorded,
    ours: &Recorded,
    side: Side,
    secret: &str,
) -> (Vec<Difference>, Normalised) {
    let mut found = Vec::new();
    let mut normalised = Normalised::default();
    let scheme_of = |request: &Recorded| {
        request.header("authorization").map(|value| {
            let scheme = value.split([' ', ':']).next().unwrap_or_default();
            scheme.to_owned()
        })
    };
    let official_scheme = scheme_of(official);
    // A gateway's own scheme (PDS's `acs`, SLS's `LOG`) that ours signs with too, or no
    // `Authorization` on either side (an unsigned call, or the v2 signature in the query): the
    // request is compared header by header and parameter by parameter, its `Authorization` or
    // `Signature` byte for byte, as the date and nonce are the official call's.
    let same_other_scheme = side == Side::Sdk
        && official_scheme.as_deref() != Some("ACS3-HMAC-SHA256")
        && official_scheme == scheme_of(ours);
    let other_signature = !same_other_scheme
        && !official
            .header("authorization")
            .is_some_and(|value| value.starts_with("ACS3-HMAC-SHA256 "));
    if other_signature {
        let scheme = official_scheme.unwrap_or_else(|| "no Authorization".into());
        found.push(difference(
            format!("official SDK signs otherwise ({scheme}), not ACS3-HMAC-SHA256"),
            "",
        ));
    }
    if official.method != ours.method {
        found.push(difference(
            format!("method: official {}, ours {}", official.method, ours.method),
            "",
        ));
    }
    if official.path != ours.path {
        let class = if decode_path(&official.path) == decode_path(&ours.path) {
            "path encoding"
        } else {
            "path"
        };
        found.push(difference(
            class,
            format!("official {}, ours {}", official.path, ours.path),
        ));
    }
    let booleans = PythonBooleans::of(ours);
    let mut official_params = Parameters::of(official, &booleans, &mut normalised);
    if other_signature {
        // What the other signature puts in the query is the signature's, not the call's.
        official_params
            .query
            .retain(|(key, _)| !V2_SIGNATURE_PARAMETERS.contains(&key.as_str()));
    }
    let mut ours_params =
        Parameters::of(ours, &PythonBooleans::default(), &mut Normalised::default());
    // The v2 RPC signature is over the query and form as sent, so where Python's booleans
    // were read as `true` its `Signature` is over `True`: ours is then checked by verifying
    // it over the official request so normalised, as an ACS3 signature is, not byte for byte.
    let v2_signature_over_python_booleans = same_other_scheme
        && normalised.python_booleans
        && official_params
            .query
            .iter()
            .any(|(key, _)| key == "Signature");
    if v2_signature_over_python_booleans {
        official_params.query.retain(|(key, _)| key != "Signature");
        ours_params.query.retain(|(key, _)| key != "Signature");
    }
    let unset_lists = official_params.drop_unset_lists(&ours_params);
    if !unset_lists.is_empty() {
        normalised.python_empty_lists = true;
    }
    let bodies_differ = official_params.raw_body != ours_params.raw_body;
    found.extend(official_params.differences(
        &ours_params,
        &unset_lists,
        &booleans,
        &mut normalised,
    ));
    if side == Side::Sdk && !other_signature && official_params.query == ours_params.query {
        // A `Signature` checked by verifying it is left out here too.
        let compared = |query: &str| {
            query
                .split('&')
                .filter(|pair| {
                    !(v2_signature_over_python_booleans && pair.starts_with("Signature="))
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        found.extend(query_encoding(
            &compared(&official.query),
            &compared(&ours.query),
            &unset_lists,
            &booleans,
        ));
    }
    found.extend(headers(
        official,
        ours,
        side,
        bodies_differ,
        other_signature,
    ));
    if v2_signature_over_python_booleans {
        if found.is_empty() {
            let official = normalised_official(official, ours, normalised, &unset_lists, &booleans);
            found.extend(rpc_v2_signature(&official, ours, secret));
        }
    } else if same_other_scheme {
        let official_authorization = official.header("authorization");
        if found.is_empty() && official_authorization != ours.header("authorization") {
            // tea-openapi's v2 ROA path (`do_roarequest`, `do_roarequest_with_form`) signs
            // every `x-acs-*` header it sends, and it sends `x-acs-credentials-provider`, which
            // ours does not: the two strings to sign differ by that header alone. Ours is
            // then checked by verifying it over the official request without it.
            let gateway = if official_authorization.is_some_and(|value| value.starts_with("acs "))
                && official.header("x-acs-credentials-provider").is_some()
            {
                Some(Verifier::Gateway(acs_test_server::Gateway::Pds))
            } else if official_authorization.is_some_and(|value| value.starts_with("LOG "))
                && normalised.python_booleans
            {
                // The SLS gateway signs the query decoded, Python's booleans as sent.
                Some(Verifier::Gateway(acs_test_server::Gateway::Sls))
            } else if official_authorization
                .is_some_and(|value| value.starts_with("OSS4-HMAC-SHA256 "))
                && normalised.python_booleans
            {
                // The OSS gateway (hcs-mgw) signs the query, Python's booleans as sent.
                Some(Verifier::OssGateway)
            } else {
                None
            };
            if let Some(gateway) = gateway {
                let official =
                    normalised_official(official, ours, normalised, &unset_lists, &booleans);
                found.extend(gateway_signature(gateway, &official, ours, secret));
            } else {
                found.push(difference(
                    "authorization: ours is not the official one",
                    "",
                ));
            }
        }
    } else if side == Side::Sdk && !other_signature {
        found.extend(signed_headers(official, ours));
        if found.is_empty() {
            let official = normalised_official(official, ours, normalised, &unset_lists, &booleans);
            found.extend(signature(&official, ours, secret));
        }
    }
    found.sort();
    found.dedup();
    (found, normalised)
}

/// The official request as the other official SDKs would have sent it, for checking our
/// signature over it: booleans in the query as `true`/`false`, without the unset lists, and,
/// where Python's booleans or empty lists made the body's bytes differ while its fields are the
/// same, our body and its hash.
fn normalised_official(
    official: &Recorded,
    ours: &Recorded,
    normalised: Normalised,
    unset_lists: &[String],
    booleans: &PythonBooleans,
) -> Recorded {
    if normalised == Normalised::default() {
        return official.clone();
    }
    let query: Vec<String> = official
        .query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
            let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
            !unset_lists.iter().any(|dropped| *dropped == key)
        })
        .map(|pair| booleans.read_pair(pair))
        .collect();
    let mut headers = official.headers.clone();
    if official.body != ours.body {
        for (name, value) in &mut headers {
            if name.eq_ignore_ascii_case("x-acs-content-sha256") {
                value.clone_from(&ours.header(name).unwrap_or_default().to_owned());
            }
        }
    }
    Recorded {
        query: query.join("&"),
        headers,
        body: ours.body.clone(),
        ..official.clone()
    }
}

fn decode_path(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// The parameters (decoded names) ours sends as `true` or `false`, where the official
/// request's `True` or `False` is Python's `str()` of a boolean, read as the other official
/// SDKs write it. Ours writes `true`/`false` for a boolean alone; for a string it sends the
/// text it is given, the official SDK's own.
#[derive(Default)]
struct PythonBooleans(BTreeSet<(String, &'static str)>);

impl PythonBooleans {
    fn of(ours: &Recorded) -> Self {
        let mut pairs = acs_test_server::decode_query(&ours.query);
        let content_type = ours.header("content-type").unwrap_or_default();
        if content_type.starts_with("application/x-www-form-urlencoded") {
            pairs.extend(acs_test_server::decode_query(&String::from_utf8_lossy(
                &ours.body_bytes(),
            )));
        }
        PythonBooleans(
            pairs
                .into_iter()
                .filter_map(|(key, value)| match value.as_str() {
                    "true" => Some((key, "true")),
                    "false" => Some((key, "false")),
                    _ => None,
                })
                .collect(),
        )
    }

    /// The official `value` of parameter `key` (decoded) as ours writes it.
    fn read(&self, key: &str, value: String, normalised: &mut Normalised) -> String {
        let ours = match value.as_str() {
            "True" => "true",
            "False" => "false",
            _ => return value,
        };
        if self.0.contains(&(key.to_owned(), ours)) {
            normalised.python_booleans = true;
            ours.to_owned()
        } else {
            value
        }
    }

    /// An encoded `key=value` pair of the official query or form, so read.
    fn read_pair(&self, pair: &str) -> String {
        match (
            pair.split_once('='),
            acs_test_server::decode_query(pair).pop(),
        ) {
            (Some((raw_key, _)), Some((key, value))) => {
                let read = self.read(&key, value.clone(), &mut Normalised::default());
                if read == value {
                    pair.to_owned()
                } else {
                    format!("{raw_key}={read}")
                }
            }
            _ => pair.to_owned(),
        }
    }
}

/// What a body holds, by its content type.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    None,
    Form(Vec<(String, String)>),
    Json(Value),
    Bytes(Vec<u8>),
}

/// A request's parameters: decoded query pairs (sorted) and its body.
#[derive(Debug)]
struct Parameters {
    query: Vec<(String, String)>,
    body: Body,
    raw_body: Vec<u8>,
}

impl Parameters {
    fn of(request: &Recorded, booleans: &PythonBooleans, normalised: &mut Normalised) -> Self {
        let mut query: Vec<(String, String)> = acs_test_server::decode_query(&request.query)
            .into_iter()
            .map(|(key, value)| {
                let value = booleans.read(&key, value, normalised);
                (key, value)
            })
            .collect();
        query.sort();
        let raw_body = request.body_bytes();
        let content_type = request.header("content-type").unwrap_or_default();
        let body = if raw_body.is_empty() {
            Body::None
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            let text = String::from_utf8_lossy(&raw_body);
            let mut pairs: Vec<(String, String)> = acs_test_server::decode_query(&text)
                .into_iter()
                .map(|(key, value)| {
                    let value = booleans.read(&key, value, normalised);
                    (key, value)
                })
                .collect();
            pairs.sort();
            Body::Form(pairs)
        } else if content_type.starts_with("application/json") {
            match serde_json::from_slice(&raw_body) {
                Ok(value) => Body::Json(value),
                Err(_) => Body::Bytes(raw_body.clone()),
            }
        } else {
            Body::Bytes(raw_body.clone())
        };
        Parameters {
            query,
            body,
            raw_body,
        }
    }

    /// Drops the query and form fields whose value is `[]` and that `ours` does not send: the
    /// Python models write an unset list, and JSON-style parameters send it as that text.
    /// Returns their names.
    fn drop_unset_lists(&mut self, ours: &Parameters) -> Vec<String> {
        let ours_form: Vec<&(String, String)> = match &ours.body {
            Body::Form(pairs) => pairs.iter().collect(),
            _ => Vec::new(),
        };
        let sent_by_ours = |key: &str| {
            ours.query
                .iter()
                .chain(ours_form.iter().copied())
                .any(|(k, _)| k == key)
        };
        let mut dropped = Vec::new();
        let mut keep = |(key, value): &(String, String)| {
            let unset = value == "[]" && !sent_by_ours(key);
            if unset {
                dropped.push(key.clone());
            }
            !unset
        };
        self.query.retain(&mut keep);
        if let Body::Form(pairs) = &mut self.body {
            pairs.retain(&mut keep);
            if pairs.is_empty() && !matches!(ours.body, Body::Form(_)) {
                self.body = Body::None;
            }
        }
        dropped
    }

    /// Each parameter by name: where it is and its text.
    fn by_name(&self) -> BTreeMap<String, (&'static str, String)> {
        let mut named = BTreeMap::new();
        for (key, value) in &self.query {
            named.insert(key.clone(), ("query", value.clone()));
        }
        match &self.body {
            Body::Form(pairs) => {
                for (key, value) in pairs {
                    named.insert(key.clone(), ("form", value.clone()));
                }
            }
            Body::Json(Value::Object(fields)) => {
                for (key, value) in fields {
                    named.insert(key.clone(), ("JSON body", value.to_string()));
                }
            }
            _ => {}
        }
        named
    }

    fn differences(
        &self,
        ours: &Parameters,
        unset_lists: &[String],
        booleans: &PythonBooleans,
        normalised: &mut Normalised,
    ) -> Vec<Difference> {
        let mut found = Vec::new();
        let mut official_body = self.body.clone();
        if let (Body::Json(official), Body::Json(ours)) = (&mut official_body, &ours.body)
            && drop_empty_lists(official, ours)
        {
            normalised.python_empty_lists = true;
        }
        let body_kinds = (body_kind(&official_body), body_kind(&ours.body));
        if body_kinds.0 != body_kinds.1 {
            found.push(difference(
                format!("body: official {}, ours {}", body_kinds.0, body_kinds.1),
                "",
            ));
        }
        match (&official_body, &ours.body) {
            (Body::Json(a), Body::Json(b))
                if a == b && !same_json_bytes(&self.raw_body, a, &ours.raw_body) =>
            {
                found.push(difference(
                    "JSON body: same value, other bytes (key order, spacing or escapes)",
                    format!(
                        "official {}, ours {}",
                        clip(&String::from_utf8_lossy(&self.raw_body)),
                        clip(&String::from_utf8_lossy(&ours.raw_body))
                    ),
                ));
            }
            (Body::Form(a), Body::Form(b))
                if a == b
                    && form_fields(&self.raw_body, unset_lists, booleans)
                        != form_fields(&ours.raw_body, &[], &PythonBooleans::default()) =>
            {
                found.push(difference(
                    "form body: same fields, other encoding or order",
                    format!(
                        "official {}, ours {}",
                        clip(&String::from_utf8_lossy(&self.raw_body)),
                        clip(&String::from_utf8_lossy(&ours.raw_body))
                    ),
                ));
            }
            (Body::Bytes(a), Body::Bytes(b)) if a != b => {
                found.push(difference(
                    "body bytes",
                    format!(
                        "official {}, ours {}",
                        clip(&String::from_utf8_lossy(a)),
                        clip(&String::from_utf8_lossy(b))
                    ),
                ));
            }
            _ => {}
        }
        if self.query == ours.query && official_body == ours.body {
            return found;
        }
        let mut official_named = self.by_name();
        if let Body::Json(Value::Object(fields)) = &official_body {
            official_named.retain(|_, (location, _)| *location != "JSON body");
            for (key, value) in fields {
                official_named.insert(key.clone(), ("JSON body", value.to_string()));
            }
        }
        let ours_named = ours.by_name();
        found.extend(named_differences(&official_named, &ours_named));
        if let (Body::Json(a), Body::Json(b)) = (&official_body, &ours.body)
            && !a.is_object()
            && a != b
        {
            found.push(difference(
                "JSON body value",
                format!(
                    "official {}, ours {}",
                    clip(&a.to_string()),
                    clip(&b.to_string())
                ),
            ));
        }
        found
    }
}

/// Whether `ours` is the official JSON body's bytes: `official_raw` itself, or, when that is
/// written as serde_json writes (compact, in its order, escaping only what JSON requires),
/// `normalised` (without Python's empty lists) so written.
fn same_json_bytes(official_raw: &[u8], normalised: &Value, ours: &[u8]) -> bool {
    if official_raw == ours {
        return true;
    }
    let written_so = serde_json::from_slice::<Value>(official_raw)
        .ok()
        .and_then(|value| serde_json::to_vec(&value).ok())
        .is_some_and(|bytes| bytes == official_raw);
    written_so && serde_json::to_vec(normalised).is_ok_and(|bytes| bytes == ours)
}

/// A form body's fields as sent, in order, Python's booleans read as `true`/`false`, without
/// the unset lists dropped from its fields.
fn form_fields(raw: &[u8], unset_lists: &[String], booleans: &PythonBooleans) -> Vec<String> {
    String::from_utf8_lossy(raw)
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
            let key = percent_encoding::percent_decode_str(&key.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned();
            !unset_lists.contains(&key)
        })
        .map(|pair| booleans.read_pair(pair))
        .collect()
}

fn body_kind(body: &Body) -> &'static str {
    match body {
        Body::None => "none",
        Body::Form(_) => "form",
        Body::Json(_) => "JSON",
        Body::Bytes(_) => "bytes",
    }
}

/// Drops from `official` the empty lists and objects (unset maps) `ours` does not have, at
/// every depth of objects and lists both hold; whether any was dropped.
fn drop_empty_lists(official: &mut Value, ours: &Value) -> bool {
    if let (Value::Array(official), Value::Array(ours)) = (&mut *official, ours) {
        return official
            .iter_mut()
            .zip(ours)
            .fold(false, |dropped, (a, b)| drop_empty_lists(a, b) | dropped);
    }
    let (Value::Object(official), Value::Object(ours)) = (official, ours) else {
        return false;
    };
    let before = official.len();
    official.retain(|key, value| {
        let empty = match value {
            Value::Array(items) => items.is_empty(),
            Value::Object(entries) => entries.is_empty(),
            _ => false,
        };
        !empty || ours.contains_key(key)
    });
    let mut dropped = official.len() != before;
    for (key, value) in official.iter_mut() {
        if let Some(theirs) = ours.get(key) {
            dropped |= drop_empty_lists(value, theirs);
        }
    }
    dropped
}

/// The root parameter a flattened name belongs to (`Tag.1.Key` → `Tag`).
fn root(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

type Named = BTreeMap<String, (&'static str, String)>;

/// The differences parameter by parameter: each root name (`Tag` of `Tag.1.Key`) with the
/// names, places and values it is sent as on each side.
fn named_differences(official: &Named, ours: &Named) -> Vec<Difference> {
    let under = |named: &Named, name: &str| -> Named {
        named
            .iter()
            .filter(|(key, _)| root(key) == name)
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    };
    let roots: BTreeSet<&str> = official
        .keys()
        .chain(ours.keys())
        .map(|key| root(key))
        .collect();
    let mut found = Vec::new();
    for name in roots {
        let (official_part, ours_part) = (under(official, name), under(ours, name));
        if official_part == ours_part {
            continue;
        }
        let location_of = |part: &Named| part.values().next().map_or("", |(location, _)| *location);
        let (official_location, ours_location) =
            (location_of(&official_part), location_of(&ours_part));
        if ours_part.is_empty() {
            found.push(difference(
                format!("parameter only in the official request ({official_location})"),
                name,
            ));
        } else if official_part.is_empty() {
            found.push(difference(
                format!("parameter only in ours ({ours_location})"),
                name,
            ));
        } else if official_part.keys().eq(ours_part.keys()) {
            for (key, (location, value)) in &official_part {
                let (our_location, our_value) = &ours_part[key];
                if location != our_location {
                    found.push(difference(
                        format!("placement: official {location}, ours {our_location}"),
                        key.clone(),
                    ));
                } else if value != our_value {
                    found.push(value_difference(key, value, our_value));
                }
            }
        } else {
            let whole = |part: &Named| part.len() == 1 && part.contains_key(name);
            let class = if whole(&ours_part) {
                "style: official flattens (Name.1.Field=…), ours sends one value".to_owned()
            } else if whole(&official_part) {
                "style: official sends one value, ours flattens (Name.1.Field=…)".to_owned()
            } else {
                format!("flattened names differ ({official_location})")
            };
            let keys = |part: &Named| part.keys().cloned().collect::<Vec<_>>().join(" ");
            found.push(difference(
                class,
                format!(
                    "{name}: official {}, ours {}",
                    clip(&keys(&official_part)),
                    clip(&keys(&ours_part))
                ),
            ));
        }
    }
    found
}

/// `official` without the empty lists `ours` does not have.
fn without_empty_lists(mut official: Value, ours: &Value) -> Value {
    drop_empty_lists(&mut official, ours);
    official
}

fn value_difference(key: &str, official: &str, ours: &str) -> Difference {
    let as_json = |text: &str| {
        serde_json::from_str::<Value>(text)
            .ok()
            .filter(|value| value.is_object() || value.is_array())
    };
    // A JSON body's field holds JSON: a string there may itself be JSON text.
    let text_of = |text: &str| match serde_json::from_str::<Value>(text) {
        Ok(Value::String(inner)) => as_json(&inner),
        _ => None,
    };
    let class = match (as_json(official), as_json(ours)) {
        (Some(a), Some(b)) if a == b => "JSON text: same value, other text (key order or spacing)",
        (Some(a), Some(b)) if without_empty_lists(a.clone(), &b) == b => {
            "JSON text: the official holds unset lists the metadata lacks as [] (Python models), else the same"
        }
        (Some(_), Some(_)) => "JSON text: other value",
        (None, Some(b)) if text_of(official).is_some_and(|a| a == b) => {
            "JSON body field: official JSON text in a string, ours the JSON value"
        }
        (Some(a), None) if text_of(ours).is_some_and(|b| a == b) => {
            "JSON body field: official the JSON value, ours JSON text in a string"
        }
        _ => "value",
    };
    difference(
        class,
        format!("{key}: official {}, ours {}", clip(official), clip(ours)),
    )
}

/// The query, encoded, pair by pair: ours as sent, the official with `+` read as `%20`, its
/// booleans normalised and without the unset lists dropped.
fn query_encoding(
    official: &str,
    ours: &str,
    unset_lists: &[String],
    booleans: &PythonBooleans,
) -> Option<Difference> {
    let pairs = |query: &str| -> Vec<String> {
        let mut pairs: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(str::to_owned)
            .collect();
        pairs.sort();
        pairs
    };
    let official_pairs: Vec<String> = pairs(&official.replace('+', "%20"))
        .into_iter()
        .filter(|pair| {
            let key = pair.split_once('=').map_or(pair.as_str(), |(key, _)| key);
            let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
            !unset_lists.iter().any(|dropped| *dropped == key)
        })
        .map(|pair| booleans.read_pair(&pair))
        .collect();
    let ours_pairs = pairs(ours);
    (official_pairs != ours_pairs).then(|| {
        let only_official: Vec<&String> = official_pairs
            .iter()
            .filter(|pair| !ours_pairs.contains(pair))
            .collect();
        let only_ours: Vec<&String> = ours_pairs
            .iter()
            .filter(|pair| !official_pairs.contains(pair))
            .collect();
        difference(
            "query encoding",
            format!(
                "official {}, ours {}",
                clip(&format!("{only_official:?}")),
                clip(&format!("{only_ours:?}"))
            ),
        )
    })
}

/// Headers that say who sent a request or how it travelled, not what it asks; and the
/// signature's, compared on their own.
const NOT_COMPARED: &[&str] = &[
    "accept-encoding",
    "authorization",
    "connection",
    "content-length",
    "user-agent",
    "x-acs-credentials-provider",
];

/// What the CLI draws fresh for itself, and its own endpoint.
const CLI_OWN: &[&str] = &["host", "x-acs-date", "x-acs-signature-nonce"];

/// The headers of a signature: when the official SDK signs otherwise than ACS3-HMAC-SHA256
/// (the v2 signature of RPC, a gateway's own), its and ours are not compared one by one.
const SIGNATURE_HEADERS: &[&str] = &[
    "accept",
    "content-md5",
    "date",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-method",
    "x-acs-signature-nonce",
    "x-acs-signature-type",
    "x-acs-signature-version",
    "x-acs-version",
];

/// What the v2 signature of RPC calls puts in the query beside the call's parameters.
const V2_SIGNATURE_PARAMETERS: &[&str] = &[
    "AccessKeyId",
    "Action",
    "Format",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

fn headers(
    official: &Recorded,
    ours: &Recorded,
    side: Side,
    bodies_differ: bool,
    other_signature: bool,
) -> Vec<Difference> {
    let mut found = Vec::new();
    let skip = |name: &str| {
        NOT_COMPARED.contains(&name)
            || (side == Side::Cli && CLI_OWN.contains(&name))
            || (other_signature && SIGNATURE_HEADERS.contains(&name))
            // The payload hash follows the body, whose difference is reported already.
            || (bodies_differ && name == "x-acs-content-sha256")
    };
    let lower = |request: &Recorded| -> BTreeMap<String, String> {
        request
            .headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect()
    };
    let official_headers = lower(official);
    let ours_headers = lower(ours);
    for (name, value) in &official_headers {
        if skip(name) {
            continue;
        }
        match ours_headers.get(name) {
            None => found.push(difference(
                format!("header only in the official request: {name}"),
                clip(value),
            )),
            Some(ours) if ours != value => {
                let class = if name == "content-type" {
                    format!("content-type: official {value}, ours {ours}")
                } else {
                    format!("header {name}")
                };
                found.push(difference(
                    class,
                    format!("official {}, ours {}", clip(value), clip(ours)),
                ));
            }
            Some(_) => {}
        }
    }
    for (name, value) in &ours_headers {
        if !skip(name) && !official_headers.contains_key(name) {
            found.push(difference(
                format!("header only in ours: {name}"),
                clip(value),
            ));
        }
    }
    found
}

/// Every header the official SDK signed that all official SDKs sign must be signed by ours,
/// and ours signs only headers the official request carries too.
fn signed_headers(official: &Recorded, ours: &Recorded) -> Vec<Difference> {
    let Some(official_signed) = official.signed_headers() else {
        return Vec::new();
    };
    let Some(ours_signed) = ours.signed_headers() else {
        return vec![difference(
            "signature: ours sends no ACS3-HMAC-SHA256 Authorization",
            "",
        )];
    };
    let mut found = Vec::new();
    for name in &official_signed {
        let signed_by_all = name == "host" || name == "content-type" || name.starts_with("x-acs-");
        if signed_by_all && name != "x-acs-credentials-provider" && !ours_signed.contains(name) {
            found.push(difference(
                format!("signed headers: ours does not sign {name}"),
                "",
            ));
        }
    }
    for name in &ours_signed {
        if official.header(name).is_none() {
            found.push(difference(
                format!("signed headers: ours signs {name}, which the official request lacks"),
                "",
            ));
        }
    }
    found
}

/// Our `Authorization` must verify over the official request, by the test server's own
/// implementation of the signature. The header that names the Python SDK's credentials
/// provider is left out: ours does not send it (it names nothing the service acts on), and the
/// test server requires every `x-acs-*` header it receives to be signed.
fn signature(official: &Recorded, ours: &Recorded, secret: &str) -> Option<Difference> {
    let ours_authorization = ours.header("authorization")?;
    let mut headers = http::HeaderMap::new();
    for (name, value) in &official.headers {
        if name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("x-acs-credentials-provider")
        {
            continue;
        }
        let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(name.as_str()),
            http::HeaderValue::try_from(value.as_str()),
        ) else {
            continue;
        };
        headers.append(name, value);
    }
    headers.insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::try_from(ours_authorization).ok()?,
    );
    let body = official.body_bytes();
    let received = acs_test_server::Received {
        method: &official.method,
        path: &official.path,
        query: &official.query,
        headers: &headers,
        body: &body,
    };
    acs_test_server::verify(&received, |_| Some(secret.to_owned()))
        .err()
        .map(|error| {
            difference(
                "signature: ours does not verify over the official request",
                clip(&error.to_string()),
            )
        })
}

/// Our v2 RPC `Signature` must verify over the official request (normalised), by the test
/// server's own implementation of the v2 signature: the official query with ours in place of
/// its `Signature`.
fn rpc_v2_signature(official: &Recorded, ours: &Recorded, secret: &str) -> Option<Difference> {
    let is_signature = |pair: &&str| {
        pair.split_once('=')
            .is_some_and(|(key, _)| key == "Signature")
    };
    let ours_signature = ours.query.split('&').find(is_signature)?;
    let query: Vec<&str> = official
        .query
        .split('&')
        .filter(|pair| !is_signature(pair))
        .chain([ours_signature])
        .collect();
    let mut headers = http::HeaderMap::new();
    for (name, value) in &official.headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(name.as_str()),
            http::HeaderValue::try_from(value.as_str()),
        ) {
            headers.append(name, value);
        }
    }
    let body = official.body_bytes();
    let received = acs_test_server::Received {
        method: &official.method,
        path: &official.path,
        query: &query.join("&"),
        headers: &headers,
        body: &body,
    };
    acs_test_server::verify_rpc_v2(&received, |_| Some(secret.to_owned()))
        .err()
        .map(|error| {
            difference(
                "signature: ours does not verify over the official request",
                clip(&error.to_string()),
            )
        })
}

/// How our `Authorization` of a gateway's scheme is checked over the official request.
enum Verifier {
    /// By the test server's verifier of the gateway's scheme.
    Gateway(acs_test_server::Gateway),
    /// As OSS4, for no bucket (the OSS gateway of hcs-mgw signs the path alone) in the
    /// region both sides sign for.
    OssGateway,
}

/// Whether our `Authorization` of a gateway's scheme verifies over the official request
/// (normalised) without its `x-acs-credentials-provider` header, which ours does not send:
/// tea-openapi's v2 ROA path signs it (PDS's `acs`), and Python's booleans are read as
/// `true`/`false` (SLS's `LOG` and the OSS gateway's OSS4, over the query).
fn gateway_signature(
    verifier: Verifier,
    official: &Recorded,
    ours: &Recorded,
    secret: &str,
) -> Option<Difference> {
    let mut headers = http::HeaderMap::new();
    for (name, value) in &official.headers {
        let value = match name.as_str() {
            "x-acs-credentials-provider" => continue,
            "authorization" => ours.header("authorization")?,
            _ => value.as_str(),
        };
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(name.as_str()),
            http::HeaderValue::try_from(value),
        ) {
            headers.append(name, value);
        }
    }
    let body = official.body_bytes();
    let received = acs_test_server::Received {
        method: &official.method,
        path: &official.path,
        query: &official.query,
        headers: &headers,
        body: &body,
    };
    let secret_for = |_: &str| Some(secret.to_owned());
    match verifier {
        Verifier::Gateway(gateway) => {
            acs_test_server::verify_gateway(gateway, &received, secret_for)
        }
        Verifier::OssGateway => acs_test_server::verify_oss4(&received, None, REGION, secret_for),
    }
    .err()
    .map(|error| {
        difference(
            "signature: ours does not verify over the official request",
            clip(&error.to_string()),
        )
    })
}

/// At most 160 characters of `text`, for a report line.
pub fn clip(text: &str) -> String {
    const LIMIT: usize = 160;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(LIMIT).collect();
        format!("{kept}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "secret";

    fn base64(text: &str) -> String {
        STANDARD.encode(text)
    }

    /// A request signed as the official Python SDK signs: every header it sets.
    fn official(method: &str, query: &str, content_type: Option<&str>, body: &str) -> Recorded {
        sign(
            Recorded {
                method: method.into(),
                path: "/".into(),
                query: query.into(),
                headers: [
                    ("host", "127.0.0.1:1"),
                    ("x-acs-version", "2020-01-01"),
                    ("x-acs-action", "Act"),
                    ("user-agent", "AlibabaCloud Python"),
                    ("x-acs-date", "2024-05-01T08:30:00Z"),
                    ("x-acs-signature-nonce", "n"),
                    ("accept", "application/json"),
                ]
                .into_iter()
                .chain(content_type.map(|value| ("content-type", value)))
                .chain([("x-acs-credentials-provider", "static_ak")])
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
                body: base64(body),
            },
            &[],
        )
    }

    /// Our request for the same inputs: the same headers but the client's own, signed over
    /// `host`, `content-type` and the `x-acs-*` headers only, with the query as given.
    fn ours_from(official: &Recorded, query: &str, body: &str) -> Recorded {
        let headers = official
            .headers
            .iter()
            .filter(|(name, _)| name != "user-agent" && name != "x-acs-credentials-provider")
            .filter(|(name, _)| name != "authorization" && name != "x-acs-content-sha256")
            .cloned()
            .chain([("user-agent".to_owned(), "ours".to_owned())])
            .collect();
        sign(
            Recorded {
                method: official.method.clone(),
                path: official.path.clone(),
                query: query.into(),
                headers,
                body: base64(body),
            },
            &["user-agent"],
        )
    }

    /// Adds the payload hash and an `Authorization` over every header but `unsigned`, computed
    /// here from the algorithm's description.
    fn sign(mut request: Recorded, unsigned: &[&str]) -> Recorded {
        use hmac::{Hmac, KeyInit, Mac};
        use sha2::{Digest, Sha256};
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let body = request.body_bytes();
        let hash = hex(&Sha256::digest(&body));
        request
            .headers
            .push(("x-acs-content-sha256".into(), hash.clone()));
        let mut signed: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| !unsigned.contains(&name.as_str()))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        signed.sort();
        let mut pairs = acs_test_server::decode_query(&request.query);
        pairs.sort();
        let encode = |text: &str| {
            text.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        let query: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect();
        let names: Vec<&str> = signed.iter().map(|(name, _)| name.as_str()).collect();
        let canonical = format!(
            "{}\n{}\n{}\n{}\n{}\n{hash}",
            request.method,
            request.path,
            query.join("&"),
            signed
                .iter()
                .map(|(name, value)| format!("{name}:{value}\n"))
                .collect::<String>(),
            names.join(";")
        );
        let to_sign = format!(
            "ACS3-HMAC-SHA256\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(to_sign.as_bytes());
        let signature = hex(&mac.finalize().into_bytes());
        request.headers.push((
            "authorization".into(),
            format!(
                "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders={},Signature={signature}",
                names.join(";")
            ),
        ));
        request
    }

    fn classes(official: &Recorded, ours: &Recorded) -> Vec<String> {
        compare(official, ours, Side::Sdk, SECRET)
            .0
            .into_iter()
            .map(|found| found.class)
            .collect()
    }

    #[test]
    fn the_same_request_signed_over_fewer_headers_is_identical() {
        let official = official("POST", "A=a+b%2Bc&B=%E4%B8%AD", None, "");
        let ours = ours_from(&official, "A=a%20b%2Bc&B=%E4%B8%AD", "");
        assert_eq!(classes(&official, &ours), Vec::<String>::new());
    }

    #[test]
    fn a_wrong_signature_is_found_even_when_all_else_matches() {
        let official = official("POST", "A=1", None, "");
        let mut ours = ours_from(&official, "A=1", "");
        let authorization = ours.headers.last_mut().unwrap();
        authorization.1 = authorization.1.replace("Signature=", "Signature=0");
        assert_eq!(
            classes(&official, &ours),
            ["signature: ours does not verify over the official request"]
        );
    }

    #[test]
    fn python_booleans_and_empty_lists_are_normalised_and_said_so() {
        let official_form = official(
            "POST",
            "Flag=True",
            Some("application/x-www-form-urlencoded"),
            "Other=False",
        );
        let ours = ours_from(&official_form, "Flag=true", "Other=false");
        let ours = Recorded {
            headers: ours.headers.clone(),
            ..ours
        };
        let (found, normalised) = compare(&official_form, &ours, Side::Sdk, SECRET);
        assert!(normalised.python_booleans);
        // The bodies differ in bytes, so the payload hash and the signature do too: what is
        // reported is only that the normalised form was sent otherwise.
        assert!(
            found.iter().all(|found| !found.class.starts_with("value")),
            "{found:?}"
        );

        let official_json = official(
            "POST",
            "",
            Some("application/json"),
            r#"{"a":1,"tags":[],"labels":{}}"#,
        );
        let ours = ours_from(&official_json, "", r#"{"a":1}"#);
        let (found, normalised) = compare(&official_json, &ours, Side::Sdk, SECRET);
        assert!(normalised.python_empty_lists);
        assert!(
            found.iter().all(|found| !found.class.starts_with("JSON")),
            "{found:?}"
        );
    }

    /// A v2 RPC request, `Signature` in the query over `pairs` and `Flag=<flag>`.
    fn rpc_v2(flag: &str, signature_of: &str) -> Recorded {
        let mut pairs = vec![
            ("Action", "Act"),
            ("Format", "json"),
            ("Version", "2020-01-01"),
            ("Timestamp", "2024-05-01T08:30:00Z"),
            ("SignatureNonce", "n"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("AccessKeyId", "ak"),
            ("Flag", flag),
        ];
        let text = acs_runtime::auth::rpc_v2::string_to_sign("POST", &{
            let mut signed = pairs.clone();
            signed.retain(|(key, _)| *key != "Flag");
            signed.push(("Flag", signature_of));
            signed
        });
        let signature = acs_runtime::auth::rpc_v2::signature(SECRET, &text);
        pairs.push(("Signature", &signature));
        let query = pairs
            .iter()
            .map(|(key, value)| {
                let value: String = percent_encoding::utf8_percent_encode(
                    value,
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .to_string();
                format!("{key}={value}")
            })
            .collect::<Vec<_>>()
            .join("&");
        Recorded {
            method: "POST".into(),
            path: "/".into(),
            query,
            headers: [
                ("host", "127.0.0.1:1"),
                ("x-acs-action", "Act"),
                ("x-acs-version", "2020-01-01"),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
            body: String::new(),
        }
    }

    #[test]
    fn a_v2_signature_over_python_booleans_is_verified_not_compared_byte_for_byte() {
        let official = rpc_v2("True", "True");
        let (found, normalised) = compare(&official, &rpc_v2("true", "true"), Side::Sdk, SECRET);
        assert!(normalised.python_booleans);
        assert_eq!(found, vec![]);

        let signed_otherwise = rpc_v2("true", "false");
        let (found, _) = compare(&official, &signed_otherwise, Side::Sdk, SECRET);
        let classes: Vec<&str> = found.iter().map(|found| found.class.as_str()).collect();
        assert_eq!(
            classes,
            ["signature: ours does not verify over the official request"]
        );
    }

    #[test]
    fn a_string_python_writes_as_true_is_read_as_it_is() {
        // R-KVStore `DescribeClusterBackupList`'s `NoShardBackup`: an enum of `True`, `False`.
        let text = official("GET", "NoShardBackup=True", None, "");
        let ours = ours_from(&text, "NoShardBackup=True", "");
        let (found, normalised) = compare(&text, &ours, Side::Sdk, SECRET);
        assert_eq!((found, normalised.python_booleans), (vec![], false));
        let both = official("GET", "NoShardBackup=True&Flag=True", None, "");
        let ours = ours_from(&both, "NoShardBackup=True&Flag=true", "");
        let (found, normalised) = compare(&both, &ours, Side::Sdk, SECRET);
        assert_eq!(found, []);
        assert!(normalised.python_booleans, "Flag is a boolean");
    }

    #[test]
    fn an_sls_signature_over_python_booleans_is_verified_over_the_official_request_so_read() {
        use acs_runtime::auth::sls::{authorization, string_to_sign};
        // The query as sent, and the flag's text the signature is computed over.
        let request = |flag: &str, signed_flag: &str| {
            let headers = [
                ("date", "Wed, 01 May 2024 08:30:00 GMT"),
                ("x-log-apiversion", "0.6.0"),
                ("x-log-signaturemethod", "hmac-sha256"),
                ("x-log-bodyrawsize", "0"),
            ];
            let query = [("reverse", signed_flag), ("type", "log")];
            let signed = string_to_sign("GET", "/logstores/s", &query, &headers);
            let value = authorization("ak", SECRET, &signed);
            Recorded {
                method: "GET".into(),
                path: "/logstores/s".into(),
                query: format!("reverse={flag}&type=log"),
                headers: headers
                    .into_iter()
                    .chain([("authorization", value.as_str())])
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
                body: String::new(),
            }
        };
        let official = request("True", "True");
        let (found, normalised) = compare(&official, &request("true", "true"), Side::Sdk, SECRET);
        assert_eq!(found, []);
        assert!(normalised.python_booleans);
        assert_eq!(
            classes(&official, &request("true", "false")),
            ["signature: ours does not verify over the official request"]
        );
    }

    #[test]
    fn method_placement_and_style_differences_are_named() {
        let official_get = official("GET", "Tag.1.Key=k&Tag.1.Value=v", None, "");
        let ours = ours_from(&official_get, "", "");
        let ours = Recorded {
            method: "POST".into(),
            query: "Tag=%5B%7B%22Key%22%3A%22k%22%7D%5D".into(),
            ..ours
        };
        let classes = classes(&official_get, &ours);
        assert!(
            classes.contains(&"method: official GET, ours POST".to_owned()),
            "{classes:?}"
        );
        assert!(
            classes.contains(
                &"style: official flattens (Name.1.Field=…), ours sends one value".to_owned()
            ),
            "{classes:?}"
        );

        let official_form = official(
            "POST",
            "",
            Some("application/x-www-form-urlencoded"),
            "SecretData=s",
        );
        let ours = ours_from(&official_form, "SecretData=s", "");
        let ours = Recorded {
            headers: ours
                .headers
                .into_iter()
                .filter(|(name, _)| name != "content-type")
                .collect(),
            ..ours
        };
        let classes = super::compare(&official_form, &ours, Side::Sdk, SECRET).0;
        let classes: Vec<&str> = classes.iter().map(|found| found.class.as_str()).collect();
        assert!(
            classes.contains(&"placement: official form, ours query"),
            "{classes:?}"
        );
        assert!(
            classes.contains(&"body: official form, ours none"),
            "{classes:?}"
        );
    }

    #[test]
    fn json_text_that_differs_only_in_order_is_told_from_another_value() {
        let official = official("POST", "J=%7B%22a%22%3A1%2C%22b%22%3A2%7D", None, "");
        let same = ours_from(&official, "J=%7B%22b%22%3A2%2C%22a%22%3A1%7D", "");
        assert_eq!(
            classes(&official, &same),
            ["JSON text: same value, other text (key order or spacing)"]
        );
        let other = ours_from(&official, "J=%7B%22a%22%3A2%7D", "");
        assert_eq!(classes(&official, &other), ["JSON text: other value"]);
    }

    #[test]
    fn an_unset_list_python_sends_as_json_text_is_normalised_in_query_and_signature() {
        let official = official("POST", "Name=n&Tags=%5B%5D&Flag=True", None, "");
        let ours = ours_from(&official, "Flag=true&Name=n", "");
        let (found, normalised) = compare(&official, &ours, Side::Sdk, SECRET);
        assert_eq!(found, []);
        assert!(normalised.python_empty_lists && normalised.python_booleans);
        // `[]` that ours does send is compared as any value.
        let ours = ours_from(&official, "Flag=true&Name=n&Tags=%5B%22a%22%5D", "");
        assert_eq!(classes(&official, &ours), ["JSON text: other value"]);
    }

    #[test]
    fn a_json_body_field_sent_as_json_text_is_named() {
        let official = official(
            "POST",
            "",
            Some("application/json"),
            r#"{"Data":"{\"k\":\"v\"}"}"#,
        );
        let ours = ours_from(&official, "", r#"{"Data":{"k":"v"}}"#);
        let ours = Recorded {
            headers: ours.headers.clone(),
            ..ours
        };
        let classes = classes(&official, &ours);
        assert!(
            classes.contains(
                &"JSON body field: official JSON text in a string, ours the JSON value".to_owned()
            ),
            "{classes:?}"
        );
    }

    #[test]
    fn a_gateway_scheme_both_sign_with_is_compared_header_by_header_and_byte_for_byte() {
        let gateway = |authorization: &str| Recorded {
            method: "POST".into(),
            path: "/v2/file/list".into(),
            query: String::new(),
            headers: [
                ("host", "127.0.0.1:1"),
                ("date", "Wed, 01 May 2024 08:30:00 GMT"),
                ("x-acs-signature-nonce", "n"),
                ("content-type", "application/json"),
                ("authorization", authorization),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
            body: base64("{}"),
        };
        let official = gateway("acs ak:c2lnbmF0dXJl");
        assert!(classes(&official, &gateway("acs ak:c2lnbmF0dXJl")).is_empty());
        assert_eq!(
            classes(&official, &gateway("acs ak:b3RoZXI=")),
            ["authorization: ours is not the official one"]
        );
        let mut later = gateway("acs ak:c2lnbmF0dXJl");
        later.headers[1].1 = "Wed, 01 May 2024 08:31:00 GMT".into();
        assert_eq!(classes(&official, &later), ["header date"]);
    }

    #[test]
    fn a_v2_roa_signature_over_the_official_credentials_provider_is_verified_without_it() {
        use acs_runtime::auth::roa_v2::{authorization, string_to_sign};
        // The provider header sent, and the one the signature is computed over.
        let request = |provider: Option<&str>, signed_provider: Option<&str>| {
            let mut headers: Vec<(&str, &str)> = vec![
                ("date", "Wed, 01 May 2024 08:30:00 GMT"),
                ("accept", "application/json"),
                ("x-acs-signature-nonce", "n"),
                ("x-acs-version", "2019-03-20"),
                ("x-acs-action", "AbortChange"),
                ("content-type", "application/x-www-form-urlencoded"),
            ];
            let mut to_sign = headers.clone();
            to_sign.extend(signed_provider.map(|name| ("x-acs-credentials-provider", name)));
            let query = [("ChangeId", "c 1")];
            let signed = string_to_sign("POST", "/pop/v1/wam/change", &query, &to_sign);
            let value = authorization("ak", SECRET, &signed);
            headers.extend(provider.map(|name| ("x-acs-credentials-provider", name)));
            Recorded {
                method: "POST".into(),
                path: "/pop/v1/wam/change".into(),
                query: "ChangeId=c%201".into(),
                headers: headers
                    .into_iter()
                    .chain([("authorization", value.as_str())])
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
                body: base64("Name=n"),
            }
        };
        let official = request(Some("static_ak"), Some("static_ak"));
        assert!(classes(&official, &request(None, None)).is_empty());
        assert_eq!(
            classes(&official, &request(None, Some("env"))),
            ["signature: ours does not verify over the official request"]
        );
    }

    #[test]
    fn requests_neither_side_authorizes_are_compared_parameter_by_parameter() {
        let mut official = official("GET", "Action=A&Signature=s%2B&Timestamp=t", None, "");
        official.headers.retain(|(name, _)| name != "authorization");
        assert!(classes(&official, &official.clone()).is_empty());
        let mut ours = official.clone();
        ours.query = "Action=A&Signature=other&Timestamp=t".into();
        let found = classes(&official, &ours);
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|class| !class.contains("signs otherwise")),
            "{found:?}"
        );
    }

    #[test]
    fn another_signature_is_one_difference_not_one_per_header() {
        let mut official = official("GET", "Action=A&Signature=s&Timestamp=t&Name=n", None, "");
        official
            .headers
            .retain(|(name, _)| name != "authorization" && !name.starts_with("x-acs-"));
        official
            .headers
            .push(("date".into(), "Wed, 01 May 2024 08:30:00 GMT".into()));
        let ours = ours_from(&official, "Name=n", "");
        let ours = Recorded {
            method: "GET".into(),
            headers: [
                ("x-acs-date", "d"),
                ("x-acs-action", "A"),
                ("host", "127.0.0.1:1"),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .chain(
                ours.headers
                    .iter()
                    .filter(|(name, _)| name == "authorization")
                    .cloned(),
            )
            .collect(),
            ..ours
        };
        assert_eq!(
            classes(&official, &ours),
            ["official SDK signs otherwise (no Authorization), not ACS3-HMAC-SHA256"]
        );
    }

    #[test]
    fn the_cli_is_compared_but_for_its_own_date_nonce_host_and_signature() {
        let official = official("POST", "A=1", None, "");
        let mut ours = ours_from(&official, "A=1", "");
        for (name, value) in &mut ours.headers {
            if name == "x-acs-date" || name == "host" {
                *value = "other".into();
            }
        }
        assert!(compare(&official, &ours, Side::Cli, SECRET).0.is_empty());
        assert!(!compare(&official, &ours, Side::Sdk, SECRET).0.is_empty());
    }

    #[test]
    fn a_python_v2_signature_is_named() {
        let mut official = official("POST", "A=1", None, "");
        official.headers.retain(|(name, _)| name != "authorization");
        let ours = ours_from(&official, "A=1", "");
        let classes = classes(&official, &ours);
        assert!(
            classes.contains(
                &"official SDK signs otherwise (no Authorization), not ACS3-HMAC-SHA256".to_owned()
            ),
            "{classes:?}"
        );
    }
}
