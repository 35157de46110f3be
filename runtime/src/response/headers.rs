//! Response fields that travel as headers (the spec's `in: header` response fields): each is
//! read from the response's headers as its kind says, and decoded with the body's fields, as
//! a field of the same document under its wire name.
//!
//! A header that is absent leaves its field unset. A header that is present but does not
//! read as its kind (an integer header holding `12a`, a value that is not UTF-8) fails the
//! decoding with an error naming the header: a typed field that silently stayed `None`
//! would look like a header the service did not send.

use serde_json::{Map, Number, Value};

/// One response field carried by a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseHeader {
    /// The header's name as the spec spells it (`ETag`), matched without regard to case; for
    /// [`HeaderKind::Prefixed`], the prefix followed by `*` (`x-oss-meta-*`). It is also the
    /// field's key in the decoded document.
    pub name: &'static str,
    pub kind: HeaderKind,
}

/// How a header's text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderKind {
    /// As it is.
    Text,
    /// A decimal integer, surrounding whitespace allowed.
    Integer,
    /// A decimal number.
    Float,
    /// `true` or `false`, in any letter case.
    Boolean,
    /// Every header whose name starts with the prefix, as a map from the rest of its name
    /// (in lower case, as HTTP/1 and HTTP/2 carry names) to its text.
    Prefixed,
}

/// A header that is present but cannot be read as its kind; its value is left out of the
/// message, as it may be a secret.
#[derive(Debug)]
pub(crate) struct UnreadableHeader {
    pub name: String,
    pub expected: &'static str,
}

impl std::fmt::Display for UnreadableHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the response header `{}` is not {}",
            self.name, self.expected
        )
    }
}

/// Adds to `document` (the body's fields) the value of each of `fields` that the response
/// carries, under the field's name.
pub(crate) fn add_to(
    document: &mut Map<String, Value>,
    headers: &http::HeaderMap,
    fields: &[ResponseHeader],
) -> Result<(), UnreadableHeader> {
    for field in fields {
        let value = match field.kind {
            HeaderKind::Prefixed => prefixed(headers, field.name)?,
            kind => match headers.get(field.name) {
                Some(value) => Some(scalar(field.name, kind, value.as_bytes())?),
                None => None,
            },
        };
        if let Some(value) = value {
            document.insert(field.name.to_owned(), value);
        }
    }
    Ok(())
}

fn text<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, UnreadableHeader> {
    std::str::from_utf8(bytes).map_err(|_| UnreadableHeader {
        name: name.to_owned(),
        expected: "UTF-8 text",
    })
}

fn scalar(name: &str, kind: HeaderKind, bytes: &[u8]) -> Result<Value, UnreadableHeader> {
    let text = text(name, bytes)?;
    let unreadable = |expected| UnreadableHeader {
        name: name.to_owned(),
        expected,
    };
    let trimmed = text.trim();
    match kind {
        HeaderKind::Text | HeaderKind::Prefixed => Ok(Value::String(text.to_owned())),
        HeaderKind::Integer => trimmed
            .parse::<i64>()
            .map(Number::from)
            .or_else(|_| trimmed.parse::<u64>().map(Number::from))
            .map(Value::Number)
            .map_err(|_| unreadable("an integer")),
        HeaderKind::Float => trimmed
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| unreadable("a number")),
        HeaderKind::Boolean => match trimmed.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(unreadable("`true` or `false`")),
        },
    }
}

/// The headers named `<prefix><key>`, as a map of key to text; `None` when there is none.
fn prefixed(headers: &http::HeaderMap, name: &str) -> Result<Option<Value>, UnreadableHeader> {
    let prefix = name.strip_suffix('*').unwrap_or(name).to_ascii_lowercase();
    let mut entries = Map::new();
    for (header, value) in headers {
        if let Some(key) = header.as_str().strip_prefix(&prefix) {
            let text = text(header.as_str(), value.as_bytes())?;
            entries.insert(key.to_owned(), Value::String(text.to_owned()));
        }
    }
    Ok((!entries.is_empty()).then_some(Value::Object(entries)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static [u8])]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::from_static(name),
                    http::HeaderValue::from_bytes(value).unwrap(),
                )
            })
            .collect()
    }

    const FIELDS: &[ResponseHeader] = &[
        ResponseHeader {
            name: "ETag",
            kind: HeaderKind::Text,
        },
        ResponseHeader {
            name: "Content-Length",
            kind: HeaderKind::Integer,
        },
        ResponseHeader {
            name: "x-oss-delete-marker",
            kind: HeaderKind::Boolean,
        },
        ResponseHeader {
            name: "x-ratio",
            kind: HeaderKind::Float,
        },
        ResponseHeader {
            name: "x-oss-meta-*",
            kind: HeaderKind::Prefixed,
        },
        ResponseHeader {
            name: "x-absent",
            kind: HeaderKind::Text,
        },
    ];

    #[test]
    fn each_kind_is_read_from_its_header_whatever_the_case_of_its_name() {
        let mut document = Map::new();
        add_to(
            &mut document,
            &headers(&[
                ("etag", b"\"5B3C1A2E\""),
                ("content-length", b" 344606 "),
                ("x-oss-delete-marker", b"True"),
                ("x-ratio", b"0.5"),
                ("x-oss-meta-author", b"alice"),
                ("x-oss-meta-city", "h\u{e9}".as_bytes()),
                ("x-oss-metadata", b"not a meta entry"),
            ]),
            FIELDS,
        )
        .unwrap();
        assert_eq!(
            Value::Object(document),
            serde_json::json!({
                "ETag": "\"5B3C1A2E\"",
                "Content-Length": 344606,
                "x-oss-delete-marker": true,
                "x-ratio": 0.5,
                "x-oss-meta-*": {"author": "alice", "city": "h\u{e9}"},
            })
        );
    }

    #[test]
    fn an_unsigned_64_bit_integer_reads() {
        let mut document = Map::new();
        add_to(
            &mut document,
            &headers(&[("content-length", b"18446744073709551615")]),
            FIELDS,
        )
        .unwrap();
        assert_eq!(document["Content-Length"], serde_json::json!(u64::MAX));
    }

    #[test]
    fn a_header_that_does_not_read_as_its_kind_is_an_error_naming_it_not_its_value() {
        for (name, value, expected) in [
            ("content-length", &b"12a"[..], "an integer"),
            ("x-oss-delete-marker", b"yes", "`true` or `false`"),
            ("x-ratio", b"NaN", "a number"),
            ("etag", b"\xff\xfe", "UTF-8 text"),
        ] {
            let error = add_to(&mut Map::new(), &headers(&[(name, value)]), FIELDS).unwrap_err();
            let message = error.to_string();
            assert!(message.contains(expected), "{message}");
            assert!(
                message.to_ascii_lowercase().contains(name),
                "{message} names {name}"
            );
            assert!(
                !message.contains(&*String::from_utf8_lossy(value)),
                "{message}"
            );
        }
    }
}
