//! The parts an upload holds, by ListParts, page after page.
//!
//! OSS answers ListParts with a `ListPartsResult` document (as the official SDK reads it),
//! while the metadata the SDK is generated from names the root `ListPartResult`, so the
//! generated response finds nothing in OSS's answer. The document is read here instead, by
//! its fields, whatever its root.

use acs_runtime::CallOptions;
use alibabacloud_oss::operation::list_parts::{ListPartsRequest, OPERATION};
use serde::Deserialize;

use crate::TransferError;

const ACTION: &str = "ListParts";

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub(crate) struct ListedPart {
    #[serde(rename = "PartNumber")]
    pub(crate) part_number: u32,
    #[serde(rename = "ETag")]
    pub(crate) etag: String,
    #[serde(rename = "Size")]
    pub(crate) size: u64,
}

#[derive(Deserialize)]
struct Page {
    #[serde(rename = "IsTruncated", default)]
    is_truncated: bool,
    #[serde(rename = "NextPartNumberMarker", default)]
    next_part_number_marker: Option<u32>,
    #[serde(rename = "Part", default)]
    parts: Vec<ListedPart>,
}

/// Every part `upload_id` holds, by part number.
pub(crate) async fn uploaded_parts(
    client: &alibabacloud_oss::Client,
    bucket: &str,
    key: &str,
    upload_id: &str,
) -> Result<Vec<ListedPart>, TransferError> {
    let mut parts = Vec::new();
    let mut marker = None;
    loop {
        let mut request = ListPartsRequest::builder()
            .bucket(bucket)
            .key(key)
            .upload_id(upload_id);
        if let Some(marker) = marker {
            request = request.part_number_marker(i64::from(marker));
        }
        let body = client
            .runtime()
            .send_streamed(&OPERATION, request.build(), CallOptions::default())
            .await
            .map_err(TransferError::call(ACTION))?
            .collect()
            .await
            .map_err(TransferError::call(ACTION))?;
        let page = read_page(&body)?;
        parts.extend(page.parts);
        match (page.is_truncated, page.next_part_number_marker) {
            (true, Some(next)) if Some(next) != marker => marker = Some(next),
            (true, _) => {
                return Err(TransferError::UnexpectedResponse {
                    action: ACTION,
                    detail: "a truncated page without a new NextPartNumberMarker".into(),
                });
            }
            (false, _) => return Ok(parts),
        }
    }
}

fn read_page(body: &[u8]) -> Result<Page, TransferError> {
    std::str::from_utf8(body)
        .map_err(|error| error.to_string())
        .and_then(|text| quick_xml::de::from_str(text).map_err(|error| error.to_string()))
        .map_err(|detail| TransferError::UnexpectedResponse {
            action: ACTION,
            detail,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_read_from_oss_s_document() {
        // OSS's example answer (its documentation of ListParts), trimmed.
        let page = read_page(
            br#"<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">
    <Bucket>multipart_upload</Bucket>
    <Key>multipart.data</Key>
    <UploadId>0004B999EF5A239BB9138C6227D69F95</UploadId>
    <NextPartNumberMarker>5</NextPartNumberMarker>
    <MaxParts>1000</MaxParts>
    <IsTruncated>false</IsTruncated>
    <Part>
        <PartNumber>1</PartNumber>
        <LastModified>2012-02-23T07:01:34.000Z</LastModified>
        <ETag>&quot;3349DC700140D7F86A0784842780****&quot;</ETag>
        <Size>6291456</Size>
    </Part>
    <Part>
        <PartNumber>5</PartNumber>
        <LastModified>2012-02-23T07:02:03.000Z</LastModified>
        <ETag>&quot;7265F4D211B56873A381D321F586****&quot;</ETag>
        <Size>1024</Size>
    </Part>
</ListPartsResult>"#,
        )
        .unwrap();
        assert!(!page.is_truncated);
        assert_eq!(page.next_part_number_marker, Some(5));
        assert_eq!(
            page.parts,
            [
                ListedPart {
                    part_number: 1,
                    etag: "\"3349DC700140D7F86A0784842780****\"".into(),
                    size: 6_291_456
                },
                ListedPart {
                    part_number: 5,
                    etag: "\"7265F4D211B56873A381D321F586****\"".into(),
                    size: 1024
                },
            ]
        );
    }
}
