//! The parts an upload holds, by ListParts, page after page, through the generated SDK (whose
//! response root is OSS's `ListPartsResult` by the official SDK's facts: the metadata says
//! `ListPartResult`).

use alibabacloud_oss::operation::list_parts::ListPartsResponse;

use crate::TransferError;

const ACTION: &str = "ListParts";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListedPart {
    pub(crate) part_number: u32,
    pub(crate) etag: String,
    pub(crate) size: u64,
}

/// One page of the listing: its parts, and the marker of the next page when it is truncated.
struct Page {
    parts: Vec<ListedPart>,
    next: Option<i64>,
    truncated: bool,
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
        let mut request = client
            .list_parts()
            .bucket(bucket)
            .key(key)
            .upload_id(upload_id);
        if let Some(marker) = marker {
            request = request.part_number_marker(marker);
        }
        let response = request.send().await.map_err(TransferError::call(ACTION))?;
        let page = page_of(&response)?;
        parts.extend(page.parts);
        match (page.truncated, page.next) {
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

fn page_of(response: &ListPartsResponse) -> Result<Page, TransferError> {
    let unexpected = |detail: &str| TransferError::UnexpectedResponse {
        action: ACTION,
        detail: detail.to_owned(),
    };
    let result = response
        .list_parts_result()
        .ok_or_else(|| unexpected("no ListPartsResult"))?;
    let parts = result
        .part()
        .iter()
        .map(|part| {
            Some(ListedPart {
                part_number: u32::try_from(part.part_number()?).ok()?,
                etag: part.e_tag()?.to_owned(),
                size: u64::try_from(part.size()?).ok()?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| unexpected("a part without its number, ETag or size"))?;
    Ok(Page {
        parts,
        next: result.next_part_number_marker(),
        truncated: result.is_truncated().unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use acs_runtime::RawResponse;
    use alibabacloud_oss::operation::list_parts::OPERATION;

    #[test]
    fn the_generated_response_reads_oss_s_document() {
        // OSS's example answer (its documentation of ListParts), trimmed.
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
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
</ListPartsResult>"#;
        let response: ListPartsResponse = RawResponse {
            status: 200,
            headers: http::HeaderMap::new(),
            body: body.as_slice().into(),
        }
        .decode_as(&OPERATION)
        .unwrap();
        let page = page_of(&response).unwrap();
        assert!(!page.truncated);
        assert_eq!(page.next, Some(5));
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
