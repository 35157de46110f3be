//! The server's own reading of an SLS `PutLogs` body, written from SLS's description of its
//! data encoding rather than with the client's encoder: the body is a protobuf `LogGroup`,
//! compressed as `x-log-compresstype` says (`lz4`: one LZ4 block, decoded by `lz4_flex`; none
//! without the header), and `x-log-bodyrawsize` must be its size before compression.

use http::HeaderMap;
use prost::Message as _;

/// A log group as SLS stores it.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LogGroup {
    #[prost(message, repeated, tag = "1")]
    pub logs: Vec<Log>,
    #[prost(string, optional, tag = "3")]
    pub topic: Option<String>,
    #[prost(string, optional, tag = "4")]
    pub source: Option<String>,
    #[prost(message, repeated, tag = "6")]
    pub tags: Vec<Pair>,
}

/// One log: its time in seconds since the epoch and its contents.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Log {
    #[prost(uint32, required, tag = "1")]
    pub time: u32,
    #[prost(message, repeated, tag = "2")]
    pub contents: Vec<Pair>,
}

/// A content of a log, or a tag of a group.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Pair {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, required, tag = "2")]
    pub value: String,
}

/// Why a `PutLogs` body was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutLogsError(pub String);

/// The log group of a `PutLogs` request with these headers and body.
pub fn decode_put_logs(headers: &HeaderMap, body: &[u8]) -> Result<LogGroup, PutLogsError> {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|value| {
                value
                    .to_str()
                    .map_err(|_| PutLogsError(format!("{name} is not text")))
            })
            .transpose()
    };
    let raw_size: usize = header("x-log-bodyrawsize")?
        .ok_or_else(|| PutLogsError("x-log-bodyrawsize is missing".into()))?
        .parse()
        .map_err(|_| PutLogsError("x-log-bodyrawsize is not a size".into()))?;
    let raw = match header("x-log-compresstype")? {
        None => body.to_vec(),
        Some("lz4") => lz4_flex::block::decompress(body, raw_size)
            .map_err(|error| PutLogsError(format!("the body is not an LZ4 block: {error}")))?,
        Some(other) => {
            return Err(PutLogsError(format!(
                "x-log-compresstype {other} is not served"
            )));
        }
    };
    if raw.len() != raw_size {
        return Err(PutLogsError(format!(
            "x-log-bodyrawsize is {raw_size}, the body holds {} bytes",
            raw.len()
        )));
    }
    LogGroup::decode(raw.as_slice())
        .map_err(|error| PutLogsError(format!("the body is not a LogGroup: {error}")))
}
