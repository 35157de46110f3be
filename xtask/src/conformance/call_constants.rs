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

/// The same replies in XML, under the same names, for the products whose every answer is an
/// XML document (hcs-mgw, OSS): hcs-mgw's official client, through the OSS gateway, reads any
/// body of a success as XML (`OSS_UtilClient.parse_xml` in `modify_response`,
/// `alibabacloud_gateway_oss/client.py` 0.0.30) and an error's as an XML `Error`, so a JSON
/// reply would be an answer the service never gives, which it cannot read.
pub fn xml_replies() -> Vec<(String, u16, String)> {
    let document = |root: &str, code: &str, message: &str, id: u8| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root}><Code>{code}</Code>\
             <Message>{message}</Message><RequestId>00000000-0000-4000-8000-00000000000{id}\
             </RequestId></{root}>"
        )
    };
    replies()
        .into_iter()
        .zip([
            document("Result", "200", "", 0),
            document("Error", "InvalidParameter", "The parameter is invalid.", 1),
            document(
                "Error",
                "InternalError",
                "The request processing has failed due to some unknown error.",
                2,
            ),
        ])
        .map(|((name, status, _), body)| (name, status, body))
        .collect()
}

/// The replies a product's actions are sent: XML for one whose answers are XML.
pub fn replies_for(xml: bool) -> Vec<(String, u16, String)> {
    if xml { xml_replies() } else { replies() }
}
