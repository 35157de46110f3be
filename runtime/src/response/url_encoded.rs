//! Response fields the service sends URL-encoded: OSS writes object keys and the prefixes,
//! markers and tokens of its listings percent-encoded when asked with `encoding-type=url`, and
//! says so in the document's `EncodingType`, so that a key XML 1.0 cannot carry (a control
//! character) still reaches the caller. The official OSS SDK V2 asks for it on its listings and
//! multipart calls and decodes the fields each names (`serde_utils.deserialize_encode_type`)
//! when, and only when, the answer says `url`: a caller who asked for the encoding
//! themselves gets each field decoded once, as a caller who did not.

use serde_json::Value;

/// The field of the document's root that says the listed fields are URL-encoded.
const ENCODING_FIELD: &str = "EncodingType";
const URL_ENCODING: &str = "url";

/// Decodes, in `document` (`{"<root>": {…}}`, as `xml.rs` reads it), each field of `fields`
/// (a path from the root element: `Contents.Key`, through lists and single elements alike)
/// when the root's `EncodingType` is `url`. Percent-decoding leaves a `+` as it is and a `%`
/// that starts no escape as it is, and reads the bytes as UTF-8 with U+FFFD for what is not,
/// as Python's `urllib.parse.unquote` does.
pub(crate) fn decode(document: &mut Value, fields: &[&str]) {
    if fields.is_empty() {
        return;
    }
    let Some(root) = document
        .as_object_mut()
        .and_then(|document| document.values_mut().next())
    else {
        return;
    };
    if root.get(ENCODING_FIELD).and_then(Value::as_str) != Some(URL_ENCODING) {
        return;
    }
    for field in fields {
        let path: Vec<&str> = field.split('.').collect();
        decode_at(root, &path);
    }
}

fn decode_at(value: &mut Value, path: &[&str]) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| decode_at(item, path)),
        Value::Object(fields) => {
            let Some((name, rest)) = path.split_first() else {
                return;
            };
            if let Some(child) = fields.get_mut(*name) {
                decode_at(child, rest);
            }
        }
        Value::String(text) if path.is_empty() => {
            let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
            if let std::borrow::Cow::Owned(decoded) = decoded {
                *text = decoded;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const LISTING: &[&str] = &["Prefix", "Contents.Key", "CommonPrefixes.Prefix"];

    #[test]
    fn listed_fields_are_decoded_when_the_document_says_url() {
        let mut document = json!({"ListBucketResult": {
            "EncodingType": "url",
            "Prefix": "a%20b%2F",
            "Name": "not%20listed",
            "Contents": [{"Key": "a%20b%2Fc%2Bd+e%25"}, {"Key": "%E4%B8%AD%01%F0%9F%98%80"}],
            "CommonPrefixes": {"Prefix": "dir%2F"},
        }});
        decode(&mut document, LISTING);
        assert_eq!(
            document,
            json!({"ListBucketResult": {
                "EncodingType": "url",
                "Prefix": "a b/",
                "Name": "not%20listed",
                "Contents": [{"Key": "a b/c+d+e%"}, {"Key": "中\u{1}😀"}],
                "CommonPrefixes": {"Prefix": "dir/"},
            }})
        );
    }

    #[test]
    fn nothing_is_decoded_unless_the_document_says_url() {
        for encoding in [json!(null), json!("URL"), json!("base64")] {
            let mut root = json!({"Prefix": "a%20b", "Contents": [{"Key": "k%2B"}]});
            if !encoding.is_null() {
                root["EncodingType"] = encoding;
            }
            let mut document = json!({"ListBucketResult": root.clone()});
            decode(&mut document, LISTING);
            assert_eq!(document, json!({"ListBucketResult": root}));
        }
    }

    #[test]
    fn escapes_that_are_not_are_kept_and_bytes_that_are_not_utf8_replaced() {
        let mut document = json!({"R": {"EncodingType": "url", "Key": "100%%zz%4%e4%b8"}});
        decode(&mut document, &["Key"]);
        assert_eq!(
            document,
            json!({"R": {"EncodingType": "url", "Key": "100%%zz%4\u{fffd}"}})
        );
    }
}
