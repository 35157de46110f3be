//! Listings for the [`ObjectServer`](crate::ObjectServer), as OSS answers them: the objects of
//! a bucket (`GET /<bucket>/?list-type=2`, ListObjectsV2, with `prefix`, `delimiter`,
//! `max-keys`, `start-after`, `continuation-token` and `encoding-type=url`, which writes the
//! keys, prefixes, delimiter and tokens percent-encoded, as RFC 3986 has it, and says so in
//! `EncodingType`, so that a key XML 1.0 cannot carry reaches the client) and the buckets (`GET /`, ListBuckets,
//! with `prefix`, `marker` and `max-keys`). A bucket is there while it holds an object; a
//! read of one that holds none is answered `NoSuchBucket`, as OSS answers for a bucket that
//! does not exist.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::SystemTime;

use base64::Engine as _;
use http::{Method, StatusCode};

use crate::objects::StoredObject;

/// OSS's default and largest page.
const DEFAULT_MAX_KEYS: usize = 100;
const MAX_KEYS: usize = 1000;

/// What the listing part of the server answers.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// `200`, with this XML body.
    Xml(String),
    Error {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

/// The answer to a request that lists, or that reads a bucket holding no object; `None` for
/// any other, which the object routes answer. `objects` are keyed `/<bucket>/<key>`, and
/// `modified` tells when the object of such a name was last written.
pub(crate) fn answer(
    method: &Method,
    path: &str,
    query: &str,
    objects: &HashMap<String, StoredObject>,
    modified: impl Fn(&str) -> Option<SystemTime>,
) -> Option<Answer> {
    let query = Query::parse(query);
    if *method == Method::GET && path == "/" {
        return Some(list_buckets(&query, objects));
    }
    let (bucket, key) = path.trim_start_matches('/').split_once('/')?;
    let bucket_prefix = format!("/{bucket}/");
    // Only reads: a write to a new bucket makes it, as the server has no `PutBucket`.
    let reads = *method == Method::GET || *method == Method::HEAD;
    if reads && !objects.keys().any(|name| name.starts_with(&bucket_prefix)) {
        return Some(Answer::Error {
            status: StatusCode::NOT_FOUND,
            code: "NoSuchBucket",
            message: "The specified bucket does not exist.".into(),
        });
    }
    if *method != Method::GET || !key.is_empty() || query.get("list-type") != Some("2") {
        return None;
    }
    let keys: BTreeMap<&str, (&StoredObject, Option<SystemTime>)> = objects
        .iter()
        .filter_map(|(name, object)| {
            let key = name.strip_prefix(&bucket_prefix)?;
            Some((key, (object, modified(name))))
        })
        .collect();
    Some(list_objects_v2(bucket, &query, &keys))
}

fn list_objects_v2(
    bucket: &str,
    query: &Query,
    objects: &BTreeMap<&str, (&StoredObject, Option<SystemTime>)>,
) -> Answer {
    let max_keys = match query.max_keys() {
        Ok(max_keys) => max_keys,
        Err(answer) => return answer,
    };
    let url_encoded = match query.get("encoding-type") {
        None => false,
        Some("url") => true,
        Some(_) => {
            return Answer::Error {
                status: StatusCode::BAD_REQUEST,
                code: "InvalidArgument",
                message: "The encoding type is not url.".into(),
            };
        }
    };
    let text = |value: &str| {
        if url_encoded {
            crate::verify::encode(value)
        } else {
            escape(value)
        }
    };
    let prefix = query.get("prefix").unwrap_or_default();
    let delimiter = query
        .get("delimiter")
        .filter(|delimiter| !delimiter.is_empty());
    // The token is the last entry of the previous page (a key, or a common prefix whose keys
    // are all behind it), as opaque to the client as OSS's.
    let after = match query.get("continuation-token") {
        Some(token) => match decode_token(token) {
            Some(after) => Some(after),
            None => {
                return Answer::Error {
                    status: StatusCode::BAD_REQUEST,
                    code: "InvalidArgument",
                    message: "The continuation token is not valid.".into(),
                };
            }
        },
        None => query.get("start-after").map(str::to_owned),
    };
    let mut contents = String::new();
    let mut common_prefixes = String::new();
    let mut listed = 0;
    let mut last = None;
    let mut truncated = false;
    let mut seen_prefixes = BTreeSet::new();
    for (&key, &(object, modified)) in objects.range(prefix..) {
        if !key.starts_with(prefix) {
            break;
        }
        if let Some(after) = &after {
            let behind_a_listed_prefix =
                delimiter.is_some_and(|d| after.ends_with(d)) && key.starts_with(after.as_str());
            if key <= after.as_str() || behind_a_listed_prefix {
                continue;
            }
        }
        let common_prefix = delimiter.and_then(|delimiter| {
            let rest = &key[prefix.len()..];
            rest.find(delimiter)
                .map(|at| &key[..prefix.len() + at + delimiter.len()])
        });
        if common_prefix.is_some_and(|common| seen_prefixes.contains(common)) {
            continue;
        }
        if listed == max_keys {
            truncated = true;
            break;
        }
        listed += 1;
        match common_prefix {
            Some(common) => {
                seen_prefixes.insert(common);
                let _ = write!(
                    common_prefixes,
                    "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
                    text(common)
                );
                last = Some(common);
            }
            None => {
                let _ = write!(
                    contents,
                    "<Contents><Key>{}</Key><LastModified>{}</LastModified>\
                     <ETag>\"{:016X}\"</ETag><Type>Normal</Type><Size>{}</Size>\
                     <StorageClass>Standard</StorageClass></Contents>",
                    text(key),
                    modified.map(iso8601).unwrap_or_default(),
                    object.crc64,
                    object.length,
                );
                last = Some(key);
            }
        }
    }
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>{}</Name>\
         <Prefix>{}</Prefix><MaxKeys>{max_keys}</MaxKeys>",
        escape(bucket),
        text(prefix),
    );
    if let Some(delimiter) = delimiter {
        let _ = write!(xml, "<Delimiter>{}</Delimiter>", text(delimiter));
    }
    if let Some(start_after) = query.get("start-after") {
        let _ = write!(xml, "<StartAfter>{}</StartAfter>", text(start_after));
    }
    if let Some(token) = query.get("continuation-token") {
        let _ = write!(
            xml,
            "<ContinuationToken>{}</ContinuationToken>",
            text(token)
        );
    }
    if url_encoded {
        xml.push_str("<EncodingType>url</EncodingType>");
    }
    let _ = write!(xml, "<IsTruncated>{truncated}</IsTruncated>");
    if let (true, Some(last)) = (truncated, last) {
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(last);
        let _ = write!(
            xml,
            "<NextContinuationToken>{}</NextContinuationToken>",
            text(&token)
        );
    }
    let _ = write!(
        xml,
        "{contents}{common_prefixes}<KeyCount>{listed}</KeyCount></ListBucketResult>"
    );
    Answer::Xml(xml)
}

fn list_buckets(query: &Query, objects: &HashMap<String, StoredObject>) -> Answer {
    let max_keys = match query.max_keys() {
        Ok(max_keys) => max_keys,
        Err(answer) => return answer,
    };
    let prefix = query.get("prefix").unwrap_or_default();
    let marker = query.get("marker").unwrap_or_default();
    let buckets: BTreeSet<&str> = objects
        .keys()
        .filter_map(|name| name.trim_start_matches('/').split_once('/'))
        .map(|(bucket, _)| bucket)
        .filter(|bucket| bucket.starts_with(prefix) && *bucket > marker)
        .collect();
    let page: Vec<&str> = buckets.iter().take(max_keys).copied().collect();
    let truncated = buckets.len() > page.len();
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult>");
    if truncated || query.get("max-keys").is_some() {
        let _ = write!(
            xml,
            "<Prefix>{}</Prefix><Marker>{}</Marker><MaxKeys>{max_keys}</MaxKeys>\
             <IsTruncated>{truncated}</IsTruncated>",
            escape(prefix),
            escape(marker),
        );
    }
    if let (true, Some(last)) = (truncated, page.last()) {
        let _ = write!(xml, "<NextMarker>{}</NextMarker>", escape(last));
    }
    xml.push_str("<Buckets>");
    for bucket in page {
        let _ = write!(
            xml,
            "<Bucket><Name>{}</Name><StorageClass>Standard</StorageClass></Bucket>",
            escape(bucket)
        );
    }
    xml.push_str("</Buckets></ListAllMyBucketsResult>");
    Answer::Xml(xml)
}

/// The query's parameters, decoded.
struct Query(HashMap<String, String>);

impl Query {
    fn parse(query: &str) -> Self {
        Query(
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (crate::percent_decode(name), crate::percent_decode(value))
                })
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn max_keys(&self) -> Result<usize, Answer> {
        match self.get("max-keys") {
            None => Ok(DEFAULT_MAX_KEYS),
            Some(text) => text
                .parse()
                .ok()
                .filter(|keys| (1..=MAX_KEYS).contains(keys))
                .ok_or_else(|| Answer::Error {
                    status: StatusCode::BAD_REQUEST,
                    code: "InvalidArgument",
                    message: format!("max-keys must be between 1 and {MAX_KEYS}"),
                }),
        }
    }
}

fn decode_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// `2024-05-18T05:45:43.000Z`, as OSS writes `LastModified`.
fn iso8601(time: SystemTime) -> String {
    let time = time::OffsetDateTime::from(time);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        time.millisecond()
    )
}

pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(names: &[&str]) -> HashMap<String, StoredObject> {
        names
            .iter()
            .map(|name| {
                let object = StoredObject {
                    length: 3,
                    crc64: 7,
                };
                (format!("/bucket/{name}"), object)
            })
            .collect()
    }

    fn xml(answer: Option<Answer>) -> String {
        match answer {
            Some(Answer::Xml(xml)) => xml,
            other => panic!("not a listing: {other:?}"),
        }
    }

    fn between<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
        xml.split(open)
            .skip(1)
            .filter_map(|rest| rest.split_once(close).map(|(inside, _)| inside))
            .collect()
    }

    #[test]
    fn pages_of_keys_follow_their_tokens_to_the_end() {
        let objects = stored(&["a/1", "a/2", "a/3", "b/1"]);
        let mut query = "list-type=2&prefix=a%2F&max-keys=2".to_owned();
        let mut pages = Vec::new();
        loop {
            let page = xml(answer(&Method::GET, "/bucket/", &query, &objects, |_| None));
            pages.push(between(&page, "<Key>", "</Key>").join(","));
            let Some(token) = between(&page, "<NextContinuationToken>", "<")
                .first()
                .copied()
            else {
                assert!(page.contains("<IsTruncated>false</IsTruncated>"));
                break;
            };
            query = format!("list-type=2&prefix=a%2F&max-keys=2&continuation-token={token}");
        }
        assert_eq!(pages, ["a/1,a/2", "a/3"]);
    }

    #[test]
    fn a_delimiter_rolls_keys_up_into_common_prefixes() {
        let objects = stored(&["top", "d1/x", "d1/y", "d2/z"]);
        let first = xml(answer(
            &Method::GET,
            "/bucket/",
            "list-type=2&delimiter=%2F&max-keys=1",
            &objects,
            |_| None,
        ));
        assert_eq!(between(&first, "<Prefix>", "</Prefix>"), ["", "d1/"]);
        let token = between(&first, "<NextContinuationToken>", "<")[0];
        let rest = xml(answer(
            &Method::GET,
            "/bucket/",
            &format!("list-type=2&delimiter=%2F&max-keys=10&continuation-token={token}"),
            &objects,
            |_| None,
        ));
        assert_eq!(between(&rest, "<Key>", "</Key>"), ["top"]);
        assert_eq!(between(&rest, "<CommonPrefixes><Prefix>", "<"), ["d2/"]);
    }

    #[test]
    fn encoding_type_url_percent_encodes_keys_prefixes_and_the_delimiter() {
        let objects = stored(&["a b/c+d", "a b/\u{1}中", "a b/dir/x"]);
        let listing = xml(answer(
            &Method::GET,
            "/bucket/",
            "list-type=2&prefix=a%20b%2F&delimiter=%2F&start-after=a%20b&encoding-type=url",
            &objects,
            |_| None,
        ));
        assert_eq!(
            between(&listing, "<Key>", "</Key>"),
            ["a%20b%2F%01%E4%B8%AD", "a%20b%2Fc%2Bd"]
        );
        assert_eq!(
            between(&listing, "<Prefix>", "</Prefix>"),
            ["a%20b%2F", "a%20b%2Fdir%2F"]
        );
        assert_eq!(between(&listing, "<Delimiter>", "<"), ["%2F"]);
        assert_eq!(between(&listing, "<StartAfter>", "<"), ["a%20b"]);
        assert_eq!(between(&listing, "<EncodingType>", "<"), ["url"]);
        let plain = xml(answer(
            &Method::GET,
            "/bucket/",
            "list-type=2",
            &objects,
            |_| None,
        ));
        assert!(plain.contains("<Key>a b/c+d</Key>") && !plain.contains("EncodingType"));
        let refused = answer(
            &Method::GET,
            "/bucket/",
            "list-type=2&encoding-type=base64",
            &objects,
            |_| None,
        );
        assert!(matches!(
            refused,
            Some(Answer::Error {
                code: "InvalidArgument",
                ..
            })
        ));
    }

    #[test]
    fn buckets_list_and_a_bucket_without_objects_does_not_exist() {
        let mut objects = stored(&["k"]);
        objects.insert(
            "/other/k".into(),
            StoredObject {
                length: 1,
                crc64: 1,
            },
        );
        let buckets = xml(answer(&Method::GET, "/", "max-keys=1", &objects, |_| None));
        assert_eq!(between(&buckets, "<Name>", "<"), ["bucket"]);
        assert_eq!(between(&buckets, "<NextMarker>", "<"), ["bucket"]);
        let missing = answer(&Method::GET, "/nothing/k", "", &objects, |_| None);
        assert!(matches!(
            missing,
            Some(Answer::Error {
                code: "NoSuchBucket",
                ..
            })
        ));
        assert_eq!(
            answer(&Method::GET, "/bucket/k", "", &objects, |_| None),
            None
        );
        assert_eq!(answer(&Method::PUT, "/new/k", "", &objects, |_| None), None);
        assert_eq!(
            answer(&Method::POST, "/new/k", "uploads", &objects, |_| None),
            None
        );
    }
}
