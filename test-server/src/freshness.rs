//! Whether a signed request is new: dated near the server's clock and carrying a signature
//! nonce not seen before. Alibaba Cloud refuses a request dated more than 15 minutes from its
//! clock, and a nonce used again within that time, so that a captured request cannot be sent
//! again; this server does the same, so that a client that reuses a nonce or signs with a
//! wrong clock fails here first.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::VerifyError;

/// How far from the server's clock a request's date may be, unless set otherwise.
pub(crate) const DEFAULT_DATE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The window and the nonces seen within it.
pub(crate) struct Freshness {
    window: Duration,
    seen: Mutex<SeenNonces>,
}

#[derive(Default)]
struct SeenNonces {
    nonces: HashSet<String>,
    /// Each nonce with the time after which its request's date is out of the window (so that
    /// sending it again is refused as stale, and it need not be remembered), in the order the
    /// nonces came.
    forget_after: VecDeque<(SystemTime, String)>,
}

impl SeenNonces {
    /// Forgets the nonces, from the oldest, whose dates are out of the window at `now`.
    fn forget_expired(&mut self, now: SystemTime) {
        while let Some((expiry, _)) = self.forget_after.front()
            && *expiry < now
        {
            if let Some((_, nonce)) = self.forget_after.pop_front() {
                self.nonces.remove(&nonce);
            }
        }
    }
}

impl Freshness {
    pub(crate) fn new(window: Duration) -> Self {
        Freshness {
            window,
            seen: Mutex::default(),
        }
    }

    /// Checks the date of a request received at `now` and uses its nonce up. Called only for
    /// requests whose signature holds, so that a forged request cannot use up a nonce.
    pub(crate) fn check(
        &self,
        headers: &HeaderMap,
        dated_by: DatedBy,
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        let (date_text, date) = match dated_by {
            DatedBy::AcsDate => {
                let date_text = header(headers, "x-acs-date");
                let date = OffsetDateTime::parse(&date_text, &Rfc3339).map(SystemTime::from);
                (date_text, date.ok())
            }
            DatedBy::HttpDate => {
                let date_text = header(headers, "date");
                let date = httpdate::parse_http_date(&date_text);
                (date_text, date.ok())
            }
        };
        let date = date.ok_or_else(|| VerifyError::MalformedDate {
            date: date_text.clone(),
        })?;
        let distance = now
            .duration_since(date)
            .unwrap_or_else(|ahead| ahead.duration());
        if distance > self.window {
            return Err(VerifyError::StaleDate {
                date: date_text,
                window: self.window,
            });
        }

        // The SLS gateway sends no nonce: its requests are judged by their date alone.
        if dated_by == DatedBy::HttpDate && headers.get("x-acs-signature-nonce").is_none() {
            return Ok(());
        }
        let nonce = header(headers, "x-acs-signature-nonce");
        let mut seen = crate::lock(&self.seen);
        seen.forget_expired(now);
        if !seen.nonces.insert(nonce.clone()) {
            return Err(VerifyError::NonceReused { nonce });
        }
        // Under a window too long to add to a date, the nonce is never forgotten.
        if let Some(expiry) = date.checked_add(self.window) {
            seen.forget_after.push_back((expiry, nonce));
        }
        Ok(())
    }
}

/// Which header dates a request: ACS3's `x-acs-date` (RFC 3339), or the HTTP `date` the SLS
/// and PDS gateways sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatedBy {
    AcsDate,
    HttpDate,
}

/// A header's value as text; empty when absent (the signature check has made sure that the
/// date and nonce are there).
fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "2024-05-01T08:30:00Z";

    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_552_200)
    }

    fn headers(date: &str, nonce: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-acs-date", date.parse().unwrap());
        headers.insert("x-acs-signature-nonce", nonce.parse().unwrap());
        headers
    }

    #[test]
    fn dates_within_the_window_either_way_pass_and_others_do_not() {
        let freshness = Freshness::new(DEFAULT_DATE_WINDOW);
        let minutes = |count: u64| Duration::from_secs(count * 60);
        assert_eq!(
            freshness.check(&headers(AT, "a"), DatedBy::AcsDate, at() + minutes(15)),
            Ok(())
        );
        assert_eq!(
            freshness.check(&headers(AT, "b"), DatedBy::AcsDate, at() - minutes(15)),
            Ok(())
        );
        for now in [at() + minutes(16), at() - minutes(16)] {
            assert_eq!(
                freshness.check(&headers(AT, "c"), DatedBy::AcsDate, now),
                Err(VerifyError::StaleDate {
                    date: AT.to_owned(),
                    window: DEFAULT_DATE_WINDOW
                })
            );
        }
        for date in ["2024-05-01 08:30:00", "1714552200", ""] {
            assert_eq!(
                freshness.check(&headers(date, "d"), DatedBy::AcsDate, at()),
                Err(VerifyError::MalformedDate {
                    date: date.to_owned()
                })
            );
        }
    }

    #[test]
    fn a_nonce_is_refused_again_until_its_date_is_out_of_the_window() {
        let freshness = Freshness::new(Duration::from_secs(60));
        assert_eq!(
            freshness.check(&headers(AT, "n-1"), DatedBy::AcsDate, at()),
            Ok(())
        );
        assert_eq!(
            freshness.check(
                &headers(AT, "n-1"),
                DatedBy::AcsDate,
                at() + Duration::from_secs(59)
            ),
            Err(VerifyError::NonceReused {
                nonce: "n-1".to_owned()
            })
        );
        assert_eq!(
            freshness.check(&headers(AT, "n-2"), DatedBy::AcsDate, at()),
            Ok(())
        );
        // Out of the window, the nonce is forgotten: its request is refused as stale instead.
        let later = at() + Duration::from_secs(61);
        let later_date = "2024-05-01T08:31:01Z";
        assert_eq!(
            freshness.check(&headers(later_date, "n-3"), DatedBy::AcsDate, later),
            Ok(())
        );
        assert!(crate::lock(&freshness.seen).nonces.len() == 1);
        assert!(matches!(
            freshness.check(&headers(AT, "n-1"), DatedBy::AcsDate, later),
            Err(VerifyError::StaleDate { .. })
        ));
    }

    #[test]
    fn under_the_longest_window_any_date_passes_and_nonces_are_kept() {
        let freshness = Freshness::new(Duration::MAX);
        assert_eq!(
            freshness.check(
                &headers("2015-01-01T00:00:00Z", "x"),
                DatedBy::AcsDate,
                SystemTime::now()
            ),
            Ok(())
        );
        assert!(matches!(
            freshness.check(&headers(AT, "x"), DatedBy::AcsDate, SystemTime::now()),
            Err(VerifyError::NonceReused { .. })
        ));
    }

    #[test]
    fn a_gateway_request_is_dated_by_its_http_date_and_a_nonce_is_used_up_when_it_has_one() {
        let freshness = Freshness::new(DEFAULT_DATE_WINDOW);
        let mut pds = HeaderMap::new();
        pds.insert("date", "Wed, 01 May 2024 08:30:00 GMT".parse().unwrap());
        pds.insert("x-acs-signature-nonce", "p-1".parse().unwrap());
        assert_eq!(freshness.check(&pds, DatedBy::HttpDate, at()), Ok(()));
        assert_eq!(
            freshness.check(&pds, DatedBy::HttpDate, at()),
            Err(VerifyError::NonceReused {
                nonce: "p-1".to_owned()
            })
        );
        let mut sls = HeaderMap::new();
        sls.insert("date", "Wed, 01 May 2024 08:30:00 GMT".parse().unwrap());
        assert_eq!(freshness.check(&sls, DatedBy::HttpDate, at()), Ok(()));
        assert_eq!(freshness.check(&sls, DatedBy::HttpDate, at()), Ok(()));
        assert!(matches!(
            freshness.check(&sls, DatedBy::HttpDate, at() + Duration::from_secs(16 * 60)),
            Err(VerifyError::StaleDate { .. })
        ));
    }
}
