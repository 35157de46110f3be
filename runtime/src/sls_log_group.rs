//! The body of SLS `PutLogs` as the official SLS gateway writes it: the request's log group
//! (its body fields, `LogItems`, `LogTags`, `Topic` and `Source`) as the protobuf `LogGroup`
//! of SLS's data encoding, compressed as the request's `x-log-compresstype` header says, its
//! size before compression sent as `x-log-bodyrawsize`.
//!
//! ```text
//! LogGroup { repeated Log Logs = 1; optional string Topic = 3; optional string Source = 4;
//!            repeated LogTag LogTags = 6; }
//! Log      { required uint32 Time = 1; repeated Content Contents = 2; }
//! Content, LogTag { required string Key = 1; required string Value = 2; }
//! ```
//!
//! As the official gateway's serializer does, `Time`, `Key` and `Value` are written even when
//! zero or empty, and `Topic` and `Source` whenever set, empty or not. Compression is `lz4`
//! (the one the metadata lists, [`crate::lz4_block`]) or none when the header is absent; the
//! official gateway also writes `zstd` and `deflate`, which this runtime refuses by name
//! rather than send a body the header misdescribes.

use bytes::Bytes;
use prost::Message as _;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{BuildError, Error};
use crate::params::Params;

/// The content type of a protobuf body, as the official gateway sends `PutLogs`.
pub(crate) const PROTOBUF_CONTENT_TYPE: &str = "application/x-protobuf";
/// The request header naming the body's compression.
pub const COMPRESS_TYPE_HEADER: &str = "x-log-compresstype";

#[derive(Clone, PartialEq, prost::Message, Deserialize)]
#[prost(skip_debug)]
struct LogGroup {
    #[prost(message, repeated, tag = "1")]
    #[serde(rename = "LogItems", default)]
    logs: Vec<Log>,
    #[prost(string, optional, tag = "3")]
    #[serde(rename = "Topic", default)]
    topic: Option<String>,
    #[prost(string, optional, tag = "4")]
    #[serde(rename = "Source", default)]
    source: Option<String>,
    #[prost(message, repeated, tag = "6")]
    #[serde(rename = "LogTags", default)]
    tags: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, prost::Message, Deserialize)]
#[prost(skip_debug)]
struct Log {
    #[prost(uint32, required, tag = "1")]
    #[serde(rename = "Time")]
    time: u32,
    #[prost(message, repeated, tag = "2")]
    #[serde(rename = "Contents", default)]
    contents: Vec<KeyValue>,
}

/// A log's content or a group's tag: the two messages have the same fields.
#[derive(Clone, PartialEq, prost::Message, Deserialize)]
#[prost(skip_debug)]
struct KeyValue {
    #[prost(string, required, tag = "1")]
    #[serde(rename = "Key")]
    key: String,
    #[prost(string, required, tag = "2")]
    #[serde(rename = "Value")]
    value: String,
}

// Log groups hold the caller's logs, which may be secrets: their `Debug` shows none of it.
macro_rules! debug_without_values {
    ($($name:ident),*) => {$(
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), " { .. }"))
            }
        }
    )*};
}
debug_without_values!(LogGroup, Log, KeyValue);

/// A log group's body as sent, and its size before compression.
pub(crate) struct EncodedLogGroup {
    pub(crate) body: Bytes,
    pub(crate) raw_size: usize,
}

/// The body of a request whose body `fields` are a log group, compressed as its `headers` ask.
pub(crate) fn encode(
    fields: &Map<String, Value>,
    headers: &Params,
) -> Result<EncodedLogGroup, Error> {
    let group = LogGroup::deserialize(fields).map_err(|_| {
        encode_error(
            "the body is not a log group: each log needs a `Time` (seconds, from 0 to \
             4294967295) and each content and tag a `Key` and a `Value`, as text"
                .to_owned(),
        )
    })?;
    let raw = group.encode_to_vec();
    let raw_size = raw.len();
    let compression = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(COMPRESS_TYPE_HEADER))
        .map(|(_, value)| value);
    let body = match compression {
        None => raw,
        Some("lz4") => crate::lz4_block::compress(&raw),
        Some(other) => {
            return Err(encode_error(format!(
                "`{COMPRESS_TYPE_HEADER}: {}` is not a compression this SDK writes: use `lz4`",
                other.escape_debug()
            )));
        }
    };
    Ok(EncodedLogGroup {
        raw_size,
        body: Bytes::from(body),
    })
}

fn encode_error(reason: String) -> Error {
    Error::Build(BuildError::Encode(reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(fields) => fields,
            _ => unreachable!("the tests give objects"),
        }
    }

    #[test]
    fn the_log_group_is_written_in_field_order_with_required_values_even_when_empty() {
        let group = fields(json!({
            "LogItems": [
                {"Time": 1_700_000_000, "Contents": [{"Key": "k", "Value": "v"}, {"Key": "", "Value": ""}]},
                {"Time": 5, "Contents": []},
            ],
            "LogTags": [{"Key": "t", "Value": "u"}],
            "Topic": "top",
            "Source": "src",
        }));
        let encoded = encode(&group, &Params::default()).unwrap();
        // The bytes the official gateway's serializer writes for this group.
        let official = "0a140880e2cfaa0612060a016b12017612040a0012000a0208051a03746f70220373726332060a0174120175";
        let hex: String = encoded
            .body
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(hex, official);
        assert_eq!(encoded.raw_size, encoded.body.len());

        let empty_text = fields(json!({"LogItems": [], "Topic": "", "Source": ""}));
        let encoded = encode(&empty_text, &Params::default()).unwrap();
        assert_eq!(encoded.body.as_ref(), [0x1a, 0x00, 0x22, 0x00]);
        let zero_time = fields(json!({"LogItems": [{"Time": 0}]}));
        let encoded = encode(&zero_time, &Params::default()).unwrap();
        assert_eq!(encoded.body.as_ref(), [0x0a, 0x02, 0x08, 0x00]);
    }

    #[test]
    fn lz4_compresses_the_group_and_keeps_its_raw_size() {
        let group = fields(json!({
            "LogItems": (0..50).map(|i| json!({"Time": 1_714_552_200 + i, "Contents": [
                {"Key": "message", "Value": format!("用户登录 😀 request {i}")},
            ]})).collect::<Vec<_>>(),
        }));
        let raw = encode(&group, &Params::default()).unwrap();
        let mut headers = Params::default();
        headers.insert("x-log-compresstype", "lz4");
        let compressed = encode(&group, &headers).unwrap();
        assert_eq!(compressed.raw_size, raw.body.len());
        assert!(compressed.body.len() < raw.body.len());
        assert_eq!(
            lz4_flex::block::decompress(&compressed.body, compressed.raw_size).unwrap(),
            raw.body.as_ref()
        );
    }

    #[test]
    fn an_unknown_compression_or_a_log_without_time_is_refused_without_quoting_values() {
        let mut headers = Params::default();
        headers.insert("x-log-compresstype", "zstd");
        let group = fields(
            json!({"LogItems": [{"Time": 1, "Contents": [{"Key": "k", "Value": "secret-value"}]}]}),
        );
        let error = encode(&group, &headers).err().unwrap().to_string();
        assert!(error.contains("zstd") && error.contains("lz4"), "{error}");

        let untimed =
            fields(json!({"LogItems": [{"Contents": [{"Key": "k", "Value": "secret-value"}]}]}));
        let error = encode(&untimed, &Params::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("`Time`") && !error.contains("secret-value"),
            "{error}"
        );
        let mistyped = fields(json!({"LogItems": [{"Time": "secret-value"}]}));
        let error = encode(&mistyped, &Params::default())
            .err()
            .unwrap()
            .to_string();
        assert!(!error.contains("secret-value"), "{error}");
    }
}
