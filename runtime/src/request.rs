//! What one call sends before the client adds its own headers and signs it: the parameters by
//! location, and the body they make.
//!
//! An operation's parameters travel in the path (placeholders of its path template), before
//! the host, in the query, in headers, or in the body. A body is one of: a form of fields
//! (`application/x-www-form-urlencoded`), a JSON document (`application/json; charset=utf-8`:
//! an object built from body fields, or one parameter's value as the whole body), text sent as
//! it is under the same JSON content type, or bytes (`application/octet-stream`). This is what
//! Alibaba Cloud's official SDKs send for each.

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::BuildError;
use crate::operation::Location;
use crate::params::Params;
use crate::sign;

pub(crate) const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";
pub(crate) const BINARY_CONTENT_TYPE: &str = "application/octet-stream";

/// A request's parameters by location.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestParams {
    /// Values of the path template's `{Name}` placeholders, unencoded.
    pub path: Params,
    /// Labels put before the endpoint's host, in order.
    pub host: Params,
    pub query: Params,
    pub headers: Params,
    /// Fields of a form-encoded body.
    pub form: Params,
    /// A body other than a form, if any.
    pub body: Option<Body>,
}

/// A request body other than a form.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// A JSON document, written compactly with non-ASCII characters as they are.
    Json(Value),
    /// Text sent as it is, under the JSON content type (a parameter holding a JSON document
    /// as text).
    Text(String),
    /// Bytes sent as they are.
    Binary(Bytes),
}

/// Implemented by every generated request: writes its fields as wire parameters.
pub trait EncodeRequest {
    /// Fails only for a value JSON cannot express, which generated types never hold.
    fn encode(&self, params: &mut RequestParams) -> Result<(), serde_json::Error>;

    fn to_params(&self) -> Result<RequestParams, BuildError> {
        let mut params = RequestParams::default();
        self.encode(&mut params)
            .map_err(|error| BuildError::Encode(error.to_string()))?;
        Ok(params)
    }
}

/// Parameters encoded already, as a caller without a generated request type (the CLI)
/// holds them.
impl EncodeRequest for RequestParams {
    fn encode(&self, params: &mut RequestParams) -> Result<(), serde_json::Error> {
        params.clone_from(self);
        Ok(())
    }
}

impl RequestParams {
    /// Sets the field `name` of a JSON object body to `value`; a value that serialises to
    /// `null` (such as `None`) sets nothing. Fields keep the order they are set in.
    ///
    /// # Errors
    /// When `value` cannot be expressed as JSON.
    pub fn put_body_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let value = serde_json::to_value(value)?;
        if !value.is_null() {
            self.body_fields().insert(name.to_owned(), value);
        }
        Ok(())
    }

    /// Makes `value`, as JSON, the whole body; `null` sets nothing.
    ///
    /// # Errors
    /// When `value` cannot be expressed as JSON.
    pub fn put_body<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        let value = serde_json::to_value(value)?;
        if !value.is_null() {
            self.body = Some(Body::Json(value));
        }
        Ok(())
    }

    /// Makes `text` the whole body, sent as it is.
    pub fn put_text_body(&mut self, text: &str) {
        self.body = Some(Body::Text(text.to_owned()));
    }

    /// Makes `bytes` the whole body.
    pub fn put_binary_body(&mut self, bytes: &[u8]) {
        self.body = Some(Body::Binary(Bytes::copy_from_slice(bytes)));
    }

    /// The text of the parameter `name` at `location`, if set as text (a JSON body field
    /// holding a string counts).
    pub fn get(&self, location: Location, name: &str) -> Option<&str> {
        let texts = match location {
            Location::Path => &self.path,
            Location::Host => &self.host,
            Location::Query => &self.query,
            Location::Header => &self.headers,
            Location::Form => &self.form,
            Location::Body => {
                return match &self.body {
                    Some(Body::Json(Value::Object(fields))) => fields.get(name)?.as_str(),
                    _ => None,
                };
            }
        };
        texts.get(name)
    }

    /// Sets the parameter `name` at `location` to the text `value`.
    pub fn insert(&mut self, location: Location, name: &str, value: String) {
        let texts = match location {
            Location::Path => &mut self.path,
            Location::Host => &mut self.host,
            Location::Query => &mut self.query,
            Location::Header => &mut self.headers,
            Location::Form => &mut self.form,
            Location::Body => {
                self.body_fields()
                    .insert(name.to_owned(), Value::String(value));
                return;
            }
        };
        texts.insert(name.to_owned(), value);
    }

    /// The fields of the JSON object body, made empty first if the body is anything else.
    fn body_fields(&mut self) -> &mut Map<String, Value> {
        if !matches!(self.body, Some(Body::Json(Value::Object(_)))) {
            self.body = Some(Body::Json(Value::Object(Map::new())));
        }
        match &mut self.body {
            Some(Body::Json(Value::Object(fields))) => fields,
            _ => unreachable!("the body was made a JSON object above"),
        }
    }

    /// `template` with each `{Name}` replaced by the percent-encoded path parameter `Name`
    /// (empty when unset), as the canonical URI and the request line both carry it.
    pub(crate) fn render_path(&self, template: &str) -> String {
        let mut path = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|close| open + close) else {
                break;
            };
            path.push_str(&rest[..open]);
            if let Some(value) = self.path.get(&rest[open + 1..close]) {
                sign::percent_encode_into(&mut path, value);
            }
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        path
    }

    /// The body's bytes and content type; no content type for no body.
    pub(crate) fn encode_body(&self) -> (Bytes, Option<&'static str>) {
        match &self.body {
            Some(Body::Json(value)) => (Bytes::from(value.to_string()), Some(JSON_CONTENT_TYPE)),
            Some(Body::Text(text)) => (Bytes::from(text.clone()), Some(JSON_CONTENT_TYPE)),
            Some(Body::Binary(bytes)) => (bytes.clone(), Some(BINARY_CONTENT_TYPE)),
            None if self.form.is_empty() => (Bytes::new(), None),
            None => (
                Bytes::from(sign::canonical_query(self.form.iter())),
                Some(FORM_CONTENT_TYPE),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_percent_encoded_into_the_template() {
        let mut params = RequestParams::default();
        params.path.insert("ClusterId", "c-8a7b 中文/x+y*~");
        params.path.insert("NodepoolId", "np-1");
        assert_eq!(
            params.render_path("/clusters/{ClusterId}/nodepools/{NodepoolId}"),
            "/clusters/c-8a7b%20%E4%B8%AD%E6%96%87%2Fx%2By%2A~/nodepools/np-1"
        );
        assert_eq!(params.render_path("/"), "/");
        assert_eq!(params.render_path("/a/{Missing}/b"), "/a//b");
        assert_eq!(params.render_path("/a/{unclosed"), "/a/{unclosed");
    }

    #[test]
    fn body_fields_make_a_compact_json_object_in_the_order_set() {
        let mut params = RequestParams::default();
        params.put_body_field("b", &Some(2)).unwrap();
        params.put_body_field("a", "prod 集群").unwrap();
        params.put_body_field("unset", &None::<i32>).unwrap();
        let (body, content_type) = params.encode_body();
        assert_eq!(body.as_ref(), r#"{"b":2,"a":"prod 集群"}"#.as_bytes());
        assert_eq!(content_type, Some(JSON_CONTENT_TYPE));
        assert_eq!(params.get(Location::Body, "a"), Some("prod 集群"));
    }

    #[test]
    fn each_body_kind_has_its_content_type() {
        let mut params = RequestParams::default();
        assert_eq!(params.encode_body(), (Bytes::new(), None));
        params.form.insert("Name", "a b");
        assert_eq!(
            params.encode_body(),
            (Bytes::from_static(b"Name=a%20b"), Some(FORM_CONTENT_TYPE))
        );
        params.put_body(&["x", "y"]).unwrap();
        assert_eq!(params.encode_body().0.as_ref(), br#"["x","y"]"#);
        params.put_text_body("{\"raw\": 1}");
        assert_eq!(
            params.encode_body(),
            (Bytes::from_static(b"{\"raw\": 1}"), Some(JSON_CONTENT_TYPE))
        );
        params.put_binary_body(&[0, 159]);
        assert_eq!(
            params.encode_body(),
            (Bytes::from_static(&[0, 159]), Some(BINARY_CONTENT_TYPE))
        );
    }

    #[test]
    fn parameters_are_found_and_set_at_their_location() {
        let mut params = RequestParams::default();
        params.insert(Location::Query, "NextToken", "t1".into());
        params.insert(Location::Body, "next_token", "t2".into());
        params.insert(Location::Header, "x-acs-token", "t3".into());
        assert_eq!(params.get(Location::Query, "NextToken"), Some("t1"));
        assert_eq!(params.get(Location::Body, "next_token"), Some("t2"));
        assert_eq!(params.get(Location::Header, "x-acs-token"), Some("t3"));
        assert_eq!(params.get(Location::Form, "NextToken"), None);
    }
}
