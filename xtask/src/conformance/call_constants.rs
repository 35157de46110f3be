//! What every call is made with, the same on both sides: the signing date, nonce, keys and
//! region the official SDK is given and ours signs with, and the replies each action is sent.

/// What every call is signed with, on both sides: the official SDK is given the same.
pub const NONCE: &str = "0123456789abcdef0123456789abcdef";
pub const DATE: &str = "2024-05-01T08:30:00Z";
pub const HTTP_DATE: &str = "Wed, 01 May 2024 08:30:00 GMT";
pub const DATE_SECONDS: u64 = 1_714_552_200;
pub const ACCESS_KEY_ID: &str = "ak";
pub const ACCESS_KEY_SECRET: &str = "secret";
pub const REGION: &str = "cn-hangzhou";

/// The replies every action is sent to: a success that carries a `Code`, as many products
/// answer, and errors with a `Code`.
pub fn replies() -> Vec<(String, u16, String)> {
    [
        (
            "200 with Code",
            200,
            r#"{"Code":"200","Message":"","Success":true,"RequestId":"00000000-0000-4000-8000-000000000000"}"#,
        ),
        (
            "400 with Code",
            400,
            r#"{"Code":"InvalidParameter","Message":"The parameter is invalid.","RequestId":"00000000-0000-4000-8000-000000000001"}"#,
        ),
        (
            "500 with Code",
            500,
            r#"{"Code":"InternalError","Message":"The request processing has failed due to some unknown error.","RequestId":"00000000-0000-4000-8000-000000000002"}"#,
        ),
    ]
    .into_iter()
    .map(|(name, status, body)| (name.to_owned(), status, body.to_owned()))
    .collect()
}
