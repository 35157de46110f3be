//! Deletions for the [`ObjectServer`](crate::ObjectServer), as OSS answers them: one object
//! (`DELETE /<bucket>/<key>`, DeleteObject: `204` whether or not it was there) and up to 1,000
//! (`POST /<bucket>/?delete`, DeleteMultipleObjects: a `<Delete>` document naming their keys,
//! whose `Content-MD5` must be its own). The answer's `DeleteResult` lists each key deleted,
//! none in the quiet mode, percent-encoded under `encoding-type=url` as the listings are.

use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine as _;
use http::StatusCode;
use md5::{Digest as _, Md5};
use serde::Deserialize;

use crate::object_listing::{Answer, escape};
use crate::objects::StoredObject;

/// OSS's limit of keys in one request.
const MAX_OBJECTS: usize = 1000;

/// The request's body: `<Delete><Quiet>…</Quiet><Object><Key>…</Key>…</Object>…</Delete>`.
#[derive(Deserialize)]
struct Delete {
    #[serde(rename = "Quiet", default)]
    quiet: bool,
    #[serde(rename = "Object", default)]
    objects: Vec<ObjectIdentifier>,
}

#[derive(Deserialize)]
struct ObjectIdentifier {
    #[serde(rename = "Key")]
    key: String,
}

/// Whether a request is DeleteMultipleObjects: `POST /<bucket>/?delete`.
pub(crate) fn is_batch(method: &http::Method, name: &str, query: &[(String, String)]) -> bool {
    let is_bucket = name
        .strip_prefix('/')
        .and_then(|rest| rest.strip_suffix('/'))
        .is_some_and(|bucket| !bucket.is_empty() && !bucket.contains('/'));
    *method == http::Method::POST && is_bucket && query.iter().any(|(key, _)| key == "delete")
}

/// Deletes the objects `body` names from the bucket `/<bucket>/` (`name`), and answers as OSS
/// does; `remove` is told the name (`/<bucket>/<key>`) of each object deleted.
pub(crate) fn delete_batch(
    name: &str,
    query: &[(String, String)],
    content_md5: Option<&[u8]>,
    body: &[u8],
    objects: &mut HashMap<String, StoredObject>,
    mut remove: impl FnMut(&str),
) -> Answer {
    let invalid = |code, message: &str| Answer::Error {
        status: StatusCode::BAD_REQUEST,
        code,
        message: message.to_owned(),
    };
    let computed = base64::engine::general_purpose::STANDARD.encode(Md5::digest(body));
    match content_md5 {
        None => return invalid("MissingArgument", "Content-MD5 is required."),
        Some(sent) if sent != computed.as_bytes() => {
            return invalid("InvalidDigest", "The Content-MD5 is not the body's.");
        }
        Some(_) => {}
    }
    let Ok(delete) = quick_xml::de::from_reader::<_, Delete>(body) else {
        return invalid("MalformedXML", "The XML is not a <Delete> document.");
    };
    if delete.objects.is_empty() || delete.objects.len() > MAX_OBJECTS {
        return invalid("MalformedXML", "A <Delete> names 1 to 1000 objects.");
    }
    let url_encoded = match query.iter().find(|(key, _)| key == "encoding-type") {
        None => false,
        Some((_, value)) if value == "url" => true,
        Some(_) => return invalid("InvalidArgument", "The encoding type is not url."),
    };
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><DeleteResult>"#);
    if url_encoded {
        xml.push_str("<EncodingType>url</EncodingType>");
    }
    for object in &delete.objects {
        let stored = format!("{name}{}", object.key);
        if objects.remove(&stored).is_some() {
            remove(&stored);
        }
        if !delete.quiet {
            let key = if url_encoded {
                crate::verify::encode(&object.key)
            } else {
                escape(&object.key)
            };
            // Writing to a `String` cannot fail.
            let _ = write!(xml, "<Deleted><Key>{key}</Key></Deleted>");
        }
    }
    xml.push_str("</DeleteResult>");
    Answer::Xml(xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(names: &[&str]) -> HashMap<String, StoredObject> {
        names
            .iter()
            .map(|name| {
                let object = StoredObject {
                    length: 1,
                    crc64: 0,
                };
                ((*name).to_owned(), object)
            })
            .collect()
    }

    fn md5(body: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes()))
    }

    fn url() -> Vec<(String, String)> {
        vec![
            ("delete".to_owned(), String::new()),
            ("encoding-type".to_owned(), "url".to_owned()),
        ]
    }

    #[test]
    fn named_objects_go_and_each_is_listed_encoded() {
        let mut objects = stored(&["/b/a b+c.txt", "/b/中文/😀", "/b/kept", "/other/a b+c.txt"]);
        let body = "<Delete><Quiet>false</Quiet><Object><Key>a b+c.txt</Key></Object>\
                    <Object><Key>中文/😀</Key></Object><Object><Key>absent</Key></Object></Delete>";
        let mut removed = Vec::new();
        let answer = delete_batch(
            "/b/",
            &url(),
            Some(md5(body).as_bytes()),
            body.as_bytes(),
            &mut objects,
            |name| removed.push(name.to_owned()),
        );
        let Answer::Xml(xml) = answer else {
            panic!("{answer:?}");
        };
        assert!(xml.ends_with(
            "<DeleteResult><EncodingType>url</EncodingType>\
             <Deleted><Key>a%20b%2Bc.txt</Key></Deleted>\
             <Deleted><Key>%E4%B8%AD%E6%96%87%2F%F0%9F%98%80</Key></Deleted>\
             <Deleted><Key>absent</Key></Deleted></DeleteResult>"
        ));
        assert_eq!(removed, ["/b/a b+c.txt", "/b/中文/😀"]);
        let mut left: Vec<&str> = objects.keys().map(String::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, ["/b/kept", "/other/a b+c.txt"]);
    }

    #[test]
    fn the_quiet_mode_lists_nothing_and_a_wrong_digest_deletes_nothing() {
        let mut objects = stored(&["/b/k"]);
        let body = "<Delete><Quiet>true</Quiet><Object><Key>k</Key></Object></Delete>";
        let wrong = delete_batch(
            "/b/",
            &url(),
            Some(b"AAAA"),
            body.as_bytes(),
            &mut objects,
            |_| {},
        );
        assert!(matches!(
            wrong,
            Answer::Error {
                code: "InvalidDigest",
                ..
            }
        ));
        assert_eq!(objects.len(), 1);
        let quiet = delete_batch(
            "/b/",
            &url(),
            Some(md5(body).as_bytes()),
            body.as_bytes(),
            &mut objects,
            |_| {},
        );
        assert!(matches!(quiet, Answer::Xml(xml) if !xml.contains("<Deleted>")));
        assert!(objects.is_empty());
    }

    #[test]
    fn only_a_post_to_a_bucket_with_delete_is_a_batch() {
        let delete = url();
        assert!(is_batch(&http::Method::POST, "/b/", &delete));
        assert!(!is_batch(&http::Method::POST, "/b/key", &delete));
        assert!(!is_batch(&http::Method::GET, "/b/", &delete));
        assert!(!is_batch(&http::Method::POST, "/b/", &[]));
    }
}
