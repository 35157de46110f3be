//! Where a request parameter travels: the one answer the generator, the generated SDKs, the
//! CLI and the send path share. It needs nothing of the client, so the generator reads it
//! from this crate built without its `client` feature.

/// Where a request parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// A `{Name}` placeholder of the operation's path, percent-encoded.
    Path,
    /// A label put before the endpoint's host (`<value>.<host>`).
    Host,
    /// The query string.
    Query,
    /// A request header of the parameter's name.
    Header,
    /// A field of a form-encoded body.
    Form,
    /// A field of a JSON object body (`{"Name": …}`).
    BodyField,
    /// The whole body: JSON, text or bytes.
    Body,
}
