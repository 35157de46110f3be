//! Times the API sends as text: RFC 3339 (`2019-05-16T10:26:14Z`, `2024-12-18T19:40:16.77+08:00`),
//! and the same without seconds (`2024-05-28T11:29Z`), which Alibaba Cloud also writes. They
//! stay text in responses, so that nothing is lost; generated `*_as_time` accessors read them
//! with [`parse_timestamp`].

use std::fmt;
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Text that is not an RFC 3339 time, or one a `SystemTime` cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an RFC 3339 time", self.text.escape_debug())
    }
}

impl std::error::Error for TimestampError {}

/// The time `text` stands for.
///
/// # Errors
/// When `text` is neither RFC 3339 nor RFC 3339 without seconds, or lies beyond what a
/// `SystemTime` holds.
pub fn parse_timestamp(text: &str) -> Result<SystemTime, TimestampError> {
    let error = || TimestampError {
        text: text.to_owned(),
    };
    let parsed = match OffsetDateTime::parse(text, &Rfc3339) {
        Ok(parsed) => parsed,
        Err(_) => with_seconds(text)
            .and_then(|text| OffsetDateTime::parse(&text, &Rfc3339).ok())
            .ok_or_else(error)?,
    };
    let since_epoch = parsed.unix_timestamp_nanos();
    let nanos = since_epoch.unsigned_abs();
    let seconds = u64::try_from(nanos / 1_000_000_000).map_err(|_| error())?;
    let magnitude = Duration::new(seconds, (nanos % 1_000_000_000) as u32);
    if since_epoch >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(magnitude)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(magnitude)
    }
    .ok_or_else(error)
}

/// `2024-05-28T11:29Z` as `2024-05-28T11:29:00Z`: `hh:mm` right after the `T`, then the
/// offset. `None` for any other text.
fn with_seconds(text: &str) -> Option<String> {
    let (date, rest) = text.split_once(['T', 't'])?;
    let minutes = rest.get(..5)?;
    let offset = &rest[5..];
    let shaped = minutes.as_bytes()[2] == b':'
        && offset.starts_with(['Z', 'z', '+', '-'])
        && minutes
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 2 || b.is_ascii_digit());
    shaped.then(|| format!("{date}T{minutes}:00{offset}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> i64 {
        let time = parse_timestamp(text).unwrap();
        match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => after.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64),
        }
    }

    #[test]
    fn the_forms_alibaba_cloud_writes_are_read() {
        assert_eq!(seconds("2019-05-16T10:26:14Z"), 1_558_002_374);
        assert_eq!(seconds("2019-05-16T18:26:14+08:00"), 1_558_002_374);
        assert_eq!(seconds("2019-05-16T10:26Z"), 1_558_002_360);
        assert_eq!(seconds("1969-12-31T23:59:59Z"), -1);
        let fraction = parse_timestamp("2023-10-16T08:35:20.292030178Z").unwrap();
        assert_eq!(
            fraction
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos(),
            292_030_178
        );
    }

    #[test]
    fn other_text_is_an_error_naming_it() {
        for text in [
            "2022-12-15 23:00:00",
            "yesterday",
            "",
            "2019-05-16T10:2xZ",
            "2019-05-16T10:26",
        ] {
            let error = parse_timestamp(text).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("`{}` is not an RFC 3339 time", text.escape_debug())
            );
        }
    }
}
