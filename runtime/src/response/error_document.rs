//! The error document of a failed call: the body of a 4xx or 5xx response, JSON or XML, read
//! into a [`ServiceError`]. Only responses with such a status are read so (see
//! [`RawResponse::service_error`](super::RawResponse::service_error)).

use serde_json::{Map, Value};

use crate::error::ServiceError;

/// The error `body` describes, JSON or XML; `None` when it is neither or names no code, so
/// that the caller can report the status instead.
pub(crate) fn parse(status: u16, body: &[u8]) -> Option<ServiceError> {
    let fields = json_fields(body).or_else(|| xml_fields(body))?;
    Some(ServiceError {
        action: None,
        status,
        code: fields.code?,
        message: fields.message.unwrap_or_default(),
        request_id: fields.request_id,
        host_id: fields.host_id,
        recommend: fields.recommend,
        access_denied_detail: fields.access_denied_detail,
        client_string_to_sign: None,
    })
}

struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
    access_denied_detail: Option<Value>,
}

/// The fields of a JSON error document, under their PascalCase or camelCase names; `None`
/// without a code. A number or boolean counts as its text, as the tolerant decoder reads it;
/// an object or array where text belongs counts as absent.
fn json_fields(body: &[u8]) -> Option<ErrorFields> {
    let Value::Object(mut document) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    let access_denied_detail = document
        .remove("AccessDeniedDetail")
        .filter(|detail| !detail.is_null());
    let text = |names: [&str; 2]| text_of(&document, names);
    let fields = ErrorFields {
        code: text(["Code", "code"]),
        message: text(["Message", "message"]),
        request_id: text(["RequestId", "requestId"]),
        host_id: text(["HostId", "hostId"]),
        recommend: text(["Recommend", "recommend"]),
        access_denied_detail,
    };
    fields.code.is_some().then_some(fields)
}

fn text_of(document: &Map<String, Value>, names: [&str; 2]) -> Option<String> {
    match names.into_iter().find_map(|name| document.get(name))? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// `<Error><Code>…</Code>…</Error>` (with or without an XML declaration).
fn xml_fields(body: &[u8]) -> Option<ErrorFields> {
    let text = std::str::from_utf8(body).ok()?;
    let element = |name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = start + text[start..].find(&format!("</{name}>"))?;
        Some(unescape_xml(&text[start..end]))
    };
    let fields = ErrorFields {
        code: element("Code"),
        message: element("Message"),
        request_id: element("RequestId"),
        host_id: element("HostId"),
        recommend: element("Recommend"),
        access_denied_detail: None,
    };
    fields.code.is_some().then_some(fields)
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_documents_are_read() {
        let body = br#"{"RequestId":"R-1","HostId":"oos.cn-hangzhou.aliyuncs.com","Code":"InvalidParameter","Message":"The parameter is invalid.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidParameter"}"#;
        let error = parse(400, body).unwrap();
        assert_eq!(error.status, 400);
        assert_eq!(error.code, "InvalidParameter");
        assert_eq!(error.message, "The parameter is invalid.");
        assert_eq!(error.request_id.as_deref(), Some("R-1"));
        assert_eq!(
            error.host_id.as_deref(),
            Some("oos.cn-hangzhou.aliyuncs.com")
        );
        assert!(error.recommend.unwrap().contains("troubleshoot"));
    }

    #[test]
    fn xml_error_documents_are_read() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>R-2</RequestId><HostId>oos.aliyuncs.com</HostId><Code>Throttling.User</Code><Message>Request was denied &amp; throttled.</Message></Error>";
        let error = parse(400, body).unwrap();
        assert_eq!(error.code, "Throttling.User");
        assert_eq!(error.message, "Request was denied & throttled.");
        assert_eq!(error.request_id.as_deref(), Some("R-2"));
        assert!(error.is_throttling());
    }

    #[test]
    fn json_fields_take_camel_case_names_numbers_and_the_access_denied_detail() {
        let body = br#"{"code":500,"message":"boom","requestId":"R-6","HostId":null,"AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy"}}"#;
        let error = parse(403, body).unwrap();
        assert_eq!(
            (error.code.as_str(), error.message.as_str()),
            ("500", "boom")
        );
        assert_eq!(error.request_id.as_deref(), Some("R-6"));
        assert_eq!(error.host_id, None);
        assert_eq!(
            error.access_denied_detail.unwrap()["PolicyType"],
            "AccountLevelIdentityBasedPolicy"
        );
    }

    #[test]
    fn bodies_without_a_code_describe_no_error() {
        assert!(parse(500, b"<html>bad gateway</html>").is_none());
        assert!(parse(500, br#"{"RequestId":"R"}"#).is_none());
        assert!(parse(500, br#"{"Code":{"Nested":1},"Message":"m"}"#).is_none());
        assert!(parse(500, br#"[{"Code":"X","Message":"in an array"}]"#).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever a service or a proxy in front of it sends with an error status, the body
        /// is read as an error or not, never with a panic.
        #[test]
        fn error_bodies_never_panic(
            status in 400u16..600,
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
        ) {
            let _ = parse(status, &bytes);
        }

        /// Error-shaped documents with fields of any JSON type, in JSON and in XML.
        #[test]
        fn error_shaped_documents_never_panic(
            status in 400u16..600,
            code in r#"(null|true|-?[0-9]{1,20}(\.[0-9]+)?|\[\]|\{\}|"\PC{0,10}")"#,
            message in r#"(null|[0-9]{1,5}|"\PC{0,10}")"#,
            xml in "\\PC{0,30}",
            cut in 0usize..80,
        ) {
            let json = format!(r#"{{"Code":{code},"Message":{message},"RequestId":{message},"AccessDeniedDetail":{code}}}"#);
            let _ = parse(status, json.as_bytes());
            let truncated = &json.as_bytes()[..cut.min(json.len())];
            let _ = parse(status, truncated);
            let xml = format!("<Error><Code>{xml}</Code><Message>{xml}</Message></Error>");
            let _ = parse(status, xml.as_bytes());
        }
    }
}
