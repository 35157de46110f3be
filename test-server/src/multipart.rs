//! OSS's multipart upload on the [`ObjectServer`]: InitiateMultipartUpload (`POST ?uploads`),
//! UploadPart (`PUT ?partNumber&uploadId`), ListParts (`GET ?uploadId`),
//! CompleteMultipartUpload (`POST ?uploadId`, the parts listed in XML) and
//! AbortMultipartUpload (`DELETE ?uploadId`).
//!
//! Each part is written to a file of the server's directory as it arrives, never held in
//! memory; completing joins the files listed into the object's. As OSS does, completing
//! refuses a list whose part numbers do not ascend, whose ETags are not the parts', or whose
//! parts other than the last are smaller than 100 KB. A part's ETag, like an object's here,
//! is derived from its CRC-64 rather than its MD5 as OSS's is: as good at telling contents
//! apart, and a large upload's benchmark does not measure this server hashing twice.
//!
//! Tests see which parts arrived, in order ([`ObjectServer::uploaded_parts`]), the most that
//! arrived at once ([`ObjectServer::max_parts_in_flight`]) and the uploads still open, and
//! can have one part number refused ([`ObjectServer::refuse_part`]) or the next completed
//! object misreported ([`ObjectServer::misreport_next_completion`]).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use http::{Method, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::io::AsyncWriteExt;

use crate::lock;
use crate::objects::{
    ObjectBody, ObjectServer, ObjectState, StoredObject, error, object_etag, whole,
};

/// OSS refuses to complete an upload whose parts, the last excepted, are smaller than this.
const MIN_PART_SIZE: u64 = 100 * 1024;
/// How many parts ListParts lists at most when not told (OSS's default and maximum).
const MAX_LISTED_PARTS: usize = 1000;
/// How much of an arriving part is gathered before it is written to its file.
const WRITE_BUFFER: usize = 4 * 1024 * 1024;

/// The multipart uploads under way, and what tests read of them.
#[derive(Default)]
pub(crate) struct Uploads {
    open: Mutex<HashMap<String, Upload>>,
    uploaded_parts: Mutex<Vec<u32>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    refused_part: Mutex<Option<u32>>,
    misreport_completion: AtomicBool,
}

struct Upload {
    /// `/<bucket>/<key>`.
    object: String,
    parts: BTreeMap<u32, StoredPart>,
}

#[derive(Clone)]
struct StoredPart {
    etag: String,
    size: u64,
    crc64: u64,
    file: PathBuf,
}

impl ObjectServer {
    /// The part numbers of every UploadPart stored so far, in the order they finished.
    pub fn uploaded_parts(&self) -> Vec<u32> {
        lock(&self.state.uploads.uploaded_parts).clone()
    }

    /// The most UploadPart bodies that were arriving at the same time.
    pub fn max_parts_in_flight(&self) -> usize {
        self.state.uploads.max_in_flight.load(Ordering::SeqCst)
    }

    /// How many multipart uploads are initiated and neither completed nor aborted.
    pub fn open_uploads(&self) -> usize {
        lock(&self.state.uploads.open).len()
    }

    /// Every UploadPart of part `part_number` is refused with `403 AccessDenied`, which a
    /// client does not retry, until this is called again with `None`.
    pub fn refuse_part(&self, part_number: Option<u32>) {
        *lock(&self.state.uploads.refused_part) = part_number;
    }

    /// The next CompleteMultipartUpload stores the object but answers with an
    /// `x-oss-hash-crc64ecma` that is not its CRC-64, as a damaged object would.
    pub fn misreport_next_completion(&self) {
        self.state
            .uploads
            .misreport_completion
            .store(true, Ordering::SeqCst);
    }
}

/// Whether the request is one of the multipart upload's: it names `uploads` or `uploadId`.
pub(crate) fn is_multipart(query: &[(String, String)]) -> bool {
    query
        .iter()
        .any(|(name, _)| name == "uploads" || name == "uploadId")
}

/// Answers one request of the multipart upload for `object` (`/<bucket>/<key>`), whose
/// file, once complete, is `file`.
pub(crate) async fn serve(
    state: &ObjectState,
    method: &Method,
    query: &[(String, String)],
    object: &str,
    file: PathBuf,
    body: Incoming,
) -> io::Result<Response<ObjectBody>> {
    let parameter = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let Some(upload_id) = parameter("uploadId") else {
        return Ok(match *method {
            Method::POST => initiate(state, object),
            _ => error(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", ""),
        });
    };
    if lock(&state.uploads.open)
        .get(upload_id)
        .is_none_or(|upload| upload.object != object)
    {
        return Ok(error(
            StatusCode::NOT_FOUND,
            "NoSuchUpload",
            "The specified upload does not exist.",
        ));
    }
    match *method {
        Method::PUT => {
            let Some(part_number) = parameter("partNumber")
                .and_then(|number| number.parse::<u32>().ok())
                .filter(|number| (1..=10_000).contains(number))
            else {
                return Ok(error(
                    StatusCode::BAD_REQUEST,
                    "InvalidArgument",
                    "partNumber must be from 1 to 10000",
                ));
            };
            upload_part(state, upload_id, part_number, body).await
        }
        Method::GET => Ok(list_parts(
            state,
            upload_id,
            parameter("max-parts").and_then(|max| max.parse().ok()),
            parameter("part-number-marker").and_then(|marker| marker.parse().ok()),
        )),
        Method::POST => complete(state, upload_id, object, file, body).await,
        Method::DELETE => {
            if let Some(upload) = lock(&state.uploads.open).remove(upload_id) {
                remove_part_files(&upload);
            }
            let mut response = Response::new(whole(Bytes::new()));
            *response.status_mut() = StatusCode::NO_CONTENT;
            Ok(response)
        }
        _ => Ok(error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "",
        )),
    }
}

fn initiate(state: &ObjectState, object: &str) -> Response<ObjectBody> {
    let upload_id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    lock(&state.uploads.open).insert(
        upload_id.clone(),
        Upload {
            object: object.to_owned(),
            parts: BTreeMap::new(),
        },
    );
    let (bucket, key) = bucket_and_key(object);
    xml(format!(
        "<InitiateMultipartUploadResult>\n  <Bucket>{}</Bucket>\n  <Key>{}</Key>\n  \
         <UploadId>{upload_id}</UploadId>\n</InitiateMultipartUploadResult>\n",
        escape(bucket),
        escape(key)
    ))
}

/// Counts a part's body as arriving for as long as it lives.
struct InFlight<'a>(&'a Uploads);

impl<'a> InFlight<'a> {
    fn new(uploads: &'a Uploads) -> Self {
        let now = uploads.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        uploads.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(uploads)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn upload_part(
    state: &ObjectState,
    upload_id: &str,
    part_number: u32,
    mut body: Incoming,
) -> io::Result<Response<ObjectBody>> {
    let _in_flight = InFlight::new(&state.uploads);
    if *lock(&state.uploads.refused_part) == Some(part_number) {
        return Ok(error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "the test server refuses this part on purpose",
        ));
    }
    let file = state
        .directory
        .join(format!("{upload_id}.part{part_number}"));
    let mut writer =
        tokio::io::BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::create(&file).await?);
    let mut crc64 = crc64fast::Digest::new();
    let mut size = 0;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(io::Error::other)?.into_data() else {
            continue;
        };
        crc64.write(&data);
        size += data.len() as u64;
        writer.write_all(&data).await?;
    }
    writer.flush().await?;
    let crc64 = crc64.sum64();
    let etag = object_etag(crc64);
    let part = StoredPart {
        etag: etag.clone(),
        size,
        crc64,
        file,
    };
    match lock(&state.uploads.open).get_mut(upload_id) {
        Some(upload) => upload.parts.insert(part_number, part),
        // Aborted while the part arrived.
        None => {
            let _ = std::fs::remove_file(&part.file);
            return Ok(error(
                StatusCode::NOT_FOUND,
                "NoSuchUpload",
                "The specified upload does not exist.",
            ));
        }
    };
    lock(&state.uploads.uploaded_parts).push(part_number);
    Ok(Response::builder()
        .header("x-oss-request-id", "object-server")
        .header("etag", etag)
        .header("x-oss-hash-crc64ecma", crc64.to_string())
        .body(whole(Bytes::new()))
        .expect("the headers are valid"))
}

fn list_parts(
    state: &ObjectState,
    upload_id: &str,
    max_parts: Option<usize>,
    marker: Option<u32>,
) -> Response<ObjectBody> {
    let open = lock(&state.uploads.open);
    let Some(upload) = open.get(upload_id) else {
        return error(StatusCode::NOT_FOUND, "NoSuchUpload", "");
    };
    let max_parts = max_parts.unwrap_or(MAX_LISTED_PARTS).min(MAX_LISTED_PARTS);
    let marker = marker.unwrap_or(0);
    let mut listed = upload.parts.range(marker + 1..).peekable();
    let mut parts = String::new();
    let mut last = marker;
    for (number, part) in listed.by_ref().take(max_parts) {
        parts.push_str(&format!(
            "  <Part>\n    <PartNumber>{number}</PartNumber>\n    \
             <LastModified>2026-01-01T00:00:00.000Z</LastModified>\n    \
             <ETag>{}</ETag>\n    <Size>{}</Size>\n  </Part>\n",
            escape(&part.etag),
            part.size
        ));
        last = *number;
    }
    let truncated = listed.peek().is_some();
    let (bucket, key) = bucket_and_key(&upload.object);
    xml(format!(
        "<ListPartsResult>\n  <Bucket>{}</Bucket>\n  <Key>{}</Key>\n  \
         <UploadId>{upload_id}</UploadId>\n  <PartNumberMarker>{marker}</PartNumberMarker>\n  \
         <NextPartNumberMarker>{last}</NextPartNumberMarker>\n  <MaxParts>{max_parts}</MaxParts>\n  \
         <IsTruncated>{truncated}</IsTruncated>\n{parts}</ListPartsResult>\n",
        escape(bucket),
        escape(key)
    ))
}

#[derive(serde::Deserialize)]
struct CompleteList {
    #[serde(rename = "Part", default)]
    parts: Vec<CompletedPart>,
}

#[derive(serde::Deserialize)]
struct CompletedPart {
    #[serde(rename = "PartNumber")]
    part_number: u32,
    #[serde(rename = "ETag")]
    etag: String,
}

async fn complete(
    state: &ObjectState,
    upload_id: &str,
    object: &str,
    file: PathBuf,
    body: Incoming,
) -> io::Result<Response<ObjectBody>> {
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    let listed: CompleteList = match std::str::from_utf8(&body)
        .map_err(|error| error.to_string())
        .and_then(|text| quick_xml::de::from_str(text).map_err(|error| error.to_string()))
    {
        Ok(listed) => listed,
        Err(reason) => return Ok(error(StatusCode::BAD_REQUEST, "MalformedXML", &reason)),
    };
    let parts = {
        let open = lock(&state.uploads.open);
        let upload = open.get(upload_id).expect("checked open before");
        match chosen_parts(upload, &listed.parts) {
            Ok(parts) => parts,
            Err((code, message)) => return Ok(error(StatusCode::BAD_REQUEST, code, &message)),
        }
    };
    let joined = file.with_extension("partial");
    let (length, crc64) = tokio::task::spawn_blocking(move || join_parts(&parts, &joined, &file))
        .await
        .map_err(io::Error::other)??;
    if let Some(upload) = lock(&state.uploads.open).remove(upload_id) {
        remove_part_files(&upload);
    }
    lock(&state.objects).insert(object.to_owned(), StoredObject { length, crc64 });
    let (bucket, key) = bucket_and_key(object);
    let mut response = xml(format!(
        "<CompleteMultipartUploadResult>\n  <Bucket>{}</Bucket>\n  <Key>{}</Key>\n  \
         <ETag>{}</ETag>\n</CompleteMultipartUploadResult>\n",
        escape(bucket),
        escape(key),
        escape(&object_etag(crc64))
    ));
    let misreported = state
        .uploads
        .misreport_completion
        .swap(false, Ordering::SeqCst);
    let headers = response.headers_mut();
    headers.insert(
        "x-oss-hash-crc64ecma",
        if misreported { !crc64 } else { crc64 }.into(),
    );
    headers.insert(
        "etag",
        object_etag(crc64)
            .parse()
            .expect("the ETag is a valid header"),
    );
    Ok(response)
}

/// The parts `listed` names, checked as OSS checks them, in order.
fn chosen_parts(
    upload: &Upload,
    listed: &[CompletedPart],
) -> Result<Vec<StoredPart>, (&'static str, String)> {
    if listed.is_empty() {
        return Err(("MalformedXML", "no part is listed".to_owned()));
    }
    let mut chosen: Vec<StoredPart> = Vec::with_capacity(listed.len());
    for (index, wanted) in listed.iter().enumerate() {
        if index > 0 && wanted.part_number <= listed[index - 1].part_number {
            return Err((
                "InvalidPartOrder",
                format!(
                    "part {} is listed after part {}",
                    wanted.part_number,
                    listed[index - 1].part_number
                ),
            ));
        }
        let Some(part) = upload.parts.get(&wanted.part_number) else {
            return Err((
                "InvalidPart",
                format!("part {} was not uploaded", wanted.part_number),
            ));
        };
        if part.etag.trim_matches('"') != wanted.etag.trim_matches('"') {
            return Err((
                "InvalidPart",
                format!(
                    "part {}'s ETag is {}, not {}",
                    wanted.part_number, part.etag, wanted.etag
                ),
            ));
        }
        if let Some(previous) = chosen.last()
            && previous.size < MIN_PART_SIZE
        {
            return Err((
                "EntityTooSmall",
                format!("a part other than the last has {} bytes", previous.size),
            ));
        }
        chosen.push(part.clone());
    }
    Ok(chosen)
}

/// Writes `parts` one after the other into `joined`, then moves it to `object`; returns
/// the object's length and CRC-64. The files are copied by the kernel where it can
/// (`std::io::copy` between files), and the CRC-64 is the parts' combined, so that completing
/// reads nothing back: OSS completes in moments however large the object, and a stand-in
/// that took seconds would hide the clients' differences in a benchmark.
fn join_parts(parts: &[StoredPart], joined: &Path, object: &Path) -> io::Result<(u64, u64)> {
    let mut writer = std::fs::File::create(joined)?;
    let mut crc64 = 0;
    let mut length = 0;
    for part in parts {
        let copied = io::copy(&mut std::fs::File::open(&part.file)?, &mut writer)?;
        if copied != part.size {
            return Err(io::Error::other(format!(
                "a part file holds {copied} bytes, not {}",
                part.size
            )));
        }
        crc64 = crc64_combine(crc64, part.crc64, part.size);
        length += part.size;
    }
    writer.flush()?;
    std::fs::rename(joined, object)?;
    Ok((length, crc64))
}

/// CRC-64/XZ's polynomial, reflected.
const CRC64_POLYNOMIAL: u64 = 0xC96C_5795_D787_0F42;

/// The CRC-64/XZ of `a` followed by `b`, from the CRC of `a`, that of `b` and the length of
/// `b`: the CRC of `b` appended is linear in that of `a`, through the matrix of `length_b`
/// zero bytes over GF(2), built by squaring (as zlib combines CRC-32s).
fn crc64_combine(crc_a: u64, crc_b: u64, length_b: u64) -> u64 {
    fn times(matrix: &[u64; 64], mut vector: u64) -> u64 {
        let mut sum = 0;
        let mut row = 0;
        while vector != 0 {
            if vector & 1 != 0 {
                sum ^= matrix[row];
            }
            vector >>= 1;
            row += 1;
        }
        sum
    }
    fn square(matrix: &[u64; 64]) -> [u64; 64] {
        std::array::from_fn(|row| times(matrix, matrix[row]))
    }
    if length_b == 0 {
        return crc_a;
    }
    // One zero bit, then two, then four.
    let mut odd: [u64; 64] = std::array::from_fn(|row| match row {
        0 => CRC64_POLYNOMIAL,
        _ => 1 << (row - 1),
    });
    let mut even = square(&odd);
    odd = square(&even);
    let mut crc = crc_a;
    let mut remaining = length_b;
    loop {
        even = square(&odd);
        if remaining & 1 != 0 {
            crc = times(&even, crc);
        }
        remaining >>= 1;
        if remaining == 0 {
            break;
        }
        odd = square(&even);
        if remaining & 1 != 0 {
            crc = times(&odd, crc);
        }
        remaining >>= 1;
        if remaining == 0 {
            break;
        }
    }
    crc ^ crc_b
}

fn remove_part_files(upload: &Upload) {
    for part in upload.parts.values() {
        let _ = std::fs::remove_file(&part.file);
    }
}

fn bucket_and_key(object: &str) -> (&str, &str) {
    object
        .trim_start_matches('/')
        .split_once('/')
        .unwrap_or((object, ""))
}

fn xml(document: String) -> Response<ObjectBody> {
    let mut response = Response::new(whole(Bytes::from(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{document}"
    ))));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        "application/xml".parse().expect("valid"),
    );
    headers.insert("x-oss-request-id", "object-server".parse().expect("valid"));
    response
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(sizes: &[u64]) -> Upload {
        Upload {
            object: "/bucket/key".into(),
            parts: sizes
                .iter()
                .enumerate()
                .map(|(index, size)| {
                    let number = index as u32 + 1;
                    (
                        number,
                        StoredPart {
                            etag: format!("\"E{number}\""),
                            size: *size,
                            crc64: 0,
                            file: PathBuf::from(format!("part{number}")),
                        },
                    )
                })
                .collect(),
        }
    }

    fn listed(parts: &[(u32, &str)]) -> Vec<CompletedPart> {
        parts
            .iter()
            .map(|(part_number, etag)| CompletedPart {
                part_number: *part_number,
                etag: (*etag).to_owned(),
            })
            .collect()
    }

    #[test]
    fn completing_checks_order_etags_and_sizes_as_oss_does() {
        let big = MIN_PART_SIZE;
        let upload = upload(&[big, big, 1]);
        let chosen = chosen_parts(&upload, &listed(&[(1, "\"E1\""), (2, "E2"), (3, "\"E3\"")]));
        assert_eq!(chosen.map(|parts| parts.len()), Ok(3));
        let code = |parts: &[(u32, &str)]| {
            chosen_parts(&upload, &listed(parts))
                .err()
                .map(|(code, _)| code)
        };
        assert_eq!(
            code(&[(2, "\"E2\""), (1, "\"E1\"")]),
            Some("InvalidPartOrder")
        );
        assert_eq!(code(&[(1, "\"E2\"")]), Some("InvalidPart"));
        assert_eq!(code(&[(4, "\"E4\"")]), Some("InvalidPart"));
        assert_eq!(code(&[]), Some("MalformedXML"));
        let small_first = self::upload(&[1, big]);
        assert_eq!(
            chosen_parts(&small_first, &listed(&[(1, "\"E1\""), (2, "\"E2\"")]))
                .err()
                .map(|(code, _)| code),
            Some("EntityTooSmall")
        );
    }

    #[test]
    fn combined_crcs_are_the_crc_of_the_whole() {
        let crc = |bytes: &[u8]| {
            let mut digest = crc64fast::Digest::new();
            digest.write(bytes);
            digest.sum64()
        };
        let whole: Vec<u8> = (0..10_000u32)
            .map(|index| (index * 7 % 251) as u8)
            .collect();
        for split in [0, 1, 63, 64, 4096, 9_999, 10_000] {
            let (a, b) = whole.split_at(split);
            assert_eq!(
                crc64_combine(crc(a), crc(b), b.len() as u64),
                crc(&whole),
                "{split}"
            );
        }
    }

    #[test]
    fn a_completion_list_is_read_from_the_xml_the_sdk_sends() {
        let listed: CompleteList = quick_xml::de::from_str(
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;A&quot;</ETag></Part>\
             <Part><PartNumber>2</PartNumber><ETag>\"B\"</ETag></Part></CompleteMultipartUpload>",
        )
        .unwrap();
        let parts: Vec<_> = listed
            .parts
            .iter()
            .map(|part| (part.part_number, part.etag.as_str()))
            .collect();
        assert_eq!(parts, [(1, "\"A\""), (2, "\"B\"")]);
    }
}
