//! Where a copy reads or writes: `oss://bucket/key`, a local path, or `-` (standard output).

use std::fmt;
use std::path::PathBuf;

/// The scheme of an object's URL, as ossutil writes them.
const SCHEME: &str = "oss://";

/// `oss://bucket[/key]`: a bucket, and a key or a prefix of keys (maybe empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectUrl {
    pub bucket: String,
    pub key: String,
}

impl ObjectUrl {
    /// Reads `oss://bucket[/key]`, or `None` when `text` does not start with `oss://`.
    ///
    /// # Errors
    /// A URL with no bucket, or a bucket OSS would not name so (3 to 63 lower-case letters,
    /// digits and hyphens, neither first nor last a hyphen).
    pub fn parse(text: &str) -> Option<Result<Self, String>> {
        let rest = text.strip_prefix(SCHEME)?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        let valid = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
            && !bucket.starts_with('-')
            && !bucket.ends_with('-');
        Some(if valid {
            Ok(ObjectUrl {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
            })
        } else {
            Err(format!(
                "`{text}` names no valid bucket: oss://BUCKET/KEY, where BUCKET is 3 to 63 \
                 lower-case letters, digits and hyphens"
            ))
        })
    }
}

impl fmt::Display for ObjectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SCHEME}{}/{}", self.bucket, self.key)
    }
}

/// One side of a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Object(ObjectUrl),
    Local(PathBuf),
    /// `-`: standard output, as a destination.
    Stdio,
}

impl Target {
    /// # Errors
    /// An `oss://` URL that names no valid bucket.
    pub fn parse(text: &str) -> Result<Self, String> {
        match ObjectUrl::parse(text) {
            Some(url) => url.map(Target::Object),
            None if text == "-" => Ok(Target::Stdio),
            None => Ok(Target::Local(PathBuf::from(text))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_bucket_and_a_key() {
        let url = |text| ObjectUrl::parse(text).unwrap().unwrap();
        assert_eq!(url("oss://my-bucket").key, "");
        assert_eq!(url("oss://my-bucket/").key, "");
        let nested = url("oss://my-bucket/a/b c.txt");
        assert_eq!(
            (nested.bucket.as_str(), nested.key.as_str()),
            ("my-bucket", "a/b c.txt")
        );
        assert_eq!(nested.to_string(), "oss://my-bucket/a/b c.txt");
        for bad in [
            "oss://",
            "oss:///key",
            "oss://ab",
            "oss://Upper/k",
            "oss://-ab/k",
        ] {
            assert!(ObjectUrl::parse(bad).unwrap().is_err(), "{bad}");
        }
        assert_eq!(ObjectUrl::parse("./oss://x"), None);
    }

    #[test]
    fn targets() {
        assert_eq!(Target::parse("-"), Ok(Target::Stdio));
        assert_eq!(Target::parse("a/b"), Ok(Target::Local("a/b".into())));
        assert!(matches!(
            Target::parse("oss://bucket/k"),
            Ok(Target::Object(_))
        ));
    }
}
