//! The `Content-Type` an operation's requests go with: read from the spec by the generator
//! and held by generated operations, so it needs nothing of the client.

/// The `Content-Type` a request goes with when no header parameter sets one.
///
/// Generic over its text so that the generator, which reads it from the spec, holds the same
/// type with owned strings (`ContentType<String>`) that generated operations hold as
/// `&'static str`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContentType<Text = &'static str> {
    /// The body's own: form, JSON, XML or bytes, and none without a body.
    #[default]
    OfBody,
    /// This one, with a body or without (the official OSS SDK sends `application/xml` with
    /// its configuration reads, and `application/octet-stream` with its listings).
    Fixed(Text),
    /// None, whatever the body (the official OSS SDK's CompleteMultipartUpload and
    /// PutObjectTagging send their XML so).
    Omitted,
    /// The media type the extension of this path parameter (an object key) names, or
    /// `application/octet-stream` when it names none: see [`crate::media_type`].
    ByExtensionOf(Text),
}
