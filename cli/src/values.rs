//! Flag values: where they come from (inline, `file://PATH`, `-` for stdin) and what they must
//! look like, checked by clap's value parsers before anything is sent. A binary body is the
//! exception to reading values whole: its file or standard input is streamed as it is sent.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use acs_runtime::ByteStream;
use bytes::Bytes;
use clap::builder::{TypedValueParser, ValueParser};
use clap::error::ErrorKind;
use serde_json::Value;

use crate::model::Kind;

/// Where flag values may be read from. One per command tree: standard input can be read only
/// once, so a second `-` is refused instead of silently reading nothing.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    stdin_taken: Arc<AtomicBool>,
}

impl Sources {
    /// The value itself, or the text of the file it names (`file://PATH`) or of standard input
    /// (`-`), taken verbatim: a trailing line break is part of the value.
    fn read(&self, text: &str) -> Result<String, String> {
        if text == "-" {
            self.take_stdin()?;
            return std::io::read_to_string(std::io::stdin())
                .map_err(|error| format!("cannot read standard input: {error}"));
        }
        match text.strip_prefix("file://") {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|error| format!("cannot read `{path}`: {error}")),
            None => Ok(text.to_string()),
        }
    }

    fn take_stdin(&self) -> Result<(), String> {
        if self.stdin_taken.swap(true, Ordering::SeqCst) {
            return Err("standard input (`-`) can supply only one value".into());
        }
        Ok(())
    }

    /// A binary body, never read whole: the file `file://PATH` names, read a chunk at a time as
    /// it is sent (again by every attempt when it is a regular file; once when it is a pipe or
    /// a device), or standard input (`-`), read once; else the text's own bytes.
    fn stream(&self, text: &str) -> Result<ByteStream, String> {
        if text == "-" {
            self.take_stdin()?;
            return Ok(read_once(std::io::stdin()));
        }
        let Some(path) = text.strip_prefix("file://") else {
            return Ok(ByteStream::from_bytes(text.as_bytes().to_vec()));
        };
        let cannot_read = |error: std::io::Error| format!("cannot read `{path}`: {error}");
        let file = std::fs::File::open(path).map_err(cannot_read)?;
        let metadata = file.metadata().map_err(cannot_read)?;
        if metadata.is_dir() {
            return Err(format!("cannot read `{path}`: it is a directory"));
        }
        if metadata.is_file() {
            Ok(ByteStream::from_path_range(path, 0, metadata.len()))
        } else {
            Ok(read_once(file))
        }
    }

    /// A parser that accepts only values of `kind` and yields them as JSON values: strings as
    /// they are, numbers and booleans checked, JSON parsed. `options` are the long options of
    /// the command (without `--`), which a value is not (see [`refuse_option`]).
    pub fn parameter(&self, kind: Kind, options: Arc<BTreeSet<String>>) -> ValueParser {
        ValueParser::new(ParameterParser {
            sources: self.clone(),
            kind,
            options,
        })
    }

    /// A parser for a binary body's flag, yielding the [`ByteStream`] it is sent as (see
    /// [`Sources::stream`]). `options` as for [`Sources::parameter`].
    pub fn body(&self, options: Arc<BTreeSet<String>>) -> ValueParser {
        ValueParser::new(BodyParser {
            sources: self.clone(),
            options,
        })
    }

    /// A parser for an access key id or secret. Keys never hold whitespace, so the line break
    /// that ends a file or `echo` output is dropped.
    pub fn access_key(&self) -> ValueParser {
        let sources = self.clone();
        ValueParser::new(
            clap::builder::StringValueParser::new()
                .try_map(move |text| Ok::<_, String>(sources.read(&text)?.trim().to_string())),
        )
    }
}

/// An operation parameter's value parser. A value refused is never shown, as clap's own
/// errors show it: it may be or hold a secret (a password, a JSON body with one inside).
#[derive(Clone)]
struct ParameterParser {
    sources: Sources,
    kind: Kind,
    options: Arc<BTreeSet<String>>,
}

impl TypedValueParser for ParameterParser {
    type Value = Value;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Value, clap::Error> {
        let refuse = refusal(command, arg);
        let text = value_text(value, &self.options).map_err(&refuse)?;
        let text = self.sources.read(text).map_err(&refuse)?;
        parse_kind(self.kind, &text).map_err(refuse)
    }
}

/// A binary body's value parser: as [`ParameterParser`], but the value is the body to stream.
#[derive(Clone)]
struct BodyParser {
    sources: Sources,
    options: Arc<BTreeSet<String>>,
}

impl TypedValueParser for BodyParser {
    type Value = ByteStream;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<ByteStream, clap::Error> {
        let refuse = refusal(command, arg);
        let text = value_text(value, &self.options).map_err(&refuse)?;
        self.sources.stream(text).map_err(refuse)
    }
}

/// A flag's value as text, refused when it is not UTF-8 or is one of the command's own options.
fn value_text<'v>(value: &'v OsStr, options: &BTreeSet<String>) -> Result<&'v str, String> {
    let text = value.to_str().ok_or_else(|| "not valid UTF-8".to_owned())?;
    refuse_option(text, options)?;
    Ok(text)
}

/// The error refusing a flag's value for `problem`, which names the flag and never shows the
/// value.
fn refusal<'a>(
    command: &'a clap::Command,
    arg: Option<&'a clap::Arg>,
) -> impl Fn(String) -> clap::Error + 'a {
    move |problem| {
        let flag = arg.map_or_else(|| "the value".to_owned(), |arg| format!("'{arg}'"));
        clap::Error::raw(
            ErrorKind::ValueValidation,
            format!("invalid value for {flag}: {problem}\n"),
        )
        .with_cmd(command)
    }
}

/// How much of a pipe one read of a streamed body waits for: as a file's chunks, so that a
/// body of unknown length goes in few frames.
const PIPE_CHUNK: u64 = 512 * 1024;

/// A body read from `reader` once, a chunk at a time on tokio's blocking threads, of a length
/// unknown until it ends (sent chunked). Nothing is read before the body is sent.
fn read_once(reader: impl Read + Send + 'static) -> ByteStream {
    let chunks = futures_util::stream::try_unfold(Some(reader), |reader| async move {
        let Some(mut reader) = reader else {
            return Ok(None);
        };
        let (reader, chunk) = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::new();
            (&mut reader).take(PIPE_CHUNK).read_to_end(&mut chunk)?;
            Ok::<_, std::io::Error>((reader, chunk))
        })
        .await
        .map_err(std::io::Error::other)??;
        // A short chunk is the end of the input: the next read would find nothing.
        let next = (chunk.len() as u64 == PIPE_CHUNK).then_some(reader);
        if chunk.is_empty() {
            return Ok(None);
        }
        Ok(Some((Bytes::from(chunk), next)))
    });
    ByteStream::from_stream(chunks, None)
}

/// A parameter's flag takes the next argument as its value even when it starts with `-`, but
/// one of the command's own options (`--dry-run`, `--RegionId=…`) means that the flag was
/// given no value: sending the call with that text instead, maybe without the `--dry-run` the
/// caller asked for, would be worse than refusing it. The text itself can still be sent, from
/// a file or standard input.
fn refuse_option(text: &str, options: &BTreeSet<String>) -> Result<(), String> {
    let Some(option) = text.strip_prefix("--") else {
        return Ok(());
    };
    let name = option.split_once('=').map_or(option, |(name, _)| name);
    if options.contains(name) {
        Err(format!(
            "`--{name}` is an option of this command, so the flag before it has no value; \
             to send this text as the value, give it as file://PATH or - (stdin)"
        ))
    } else {
        Ok(())
    }
}

/// `text` as a value of `kind`, or what is wrong with it, without the text itself.
fn parse_kind(kind: Kind, text: &str) -> Result<Value, String> {
    match kind {
        Kind::String | Kind::Binary | Kind::BareBinary | Kind::JsonText => {
            Ok(Value::String(text.to_string()))
        }
        Kind::Int32 => text
            .parse::<i32>()
            .map(Value::from)
            .map_err(|error| format!("not a 32-bit integer ({error})")),
        Kind::Int64 => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|error| format!("not a 64-bit integer ({error})")),
        Kind::Float => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "not a finite number".to_owned()),
        Kind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("neither `true` nor `false`".to_owned()),
        },
        Kind::Json => {
            serde_json::from_str(text).map_err(|error| format!("not valid JSON ({error})"))
        }
    }
}

/// A positive number of seconds, fractions allowed (`0.5`).
pub fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("`{text}` is not a positive number of seconds"))
}

/// One `key=value` field of a flag that takes several, as aliyun-cli writes them
/// (`--waiter expr=… to=…`): the key, which must be one of `keys`, and its value.
pub fn field<'a>(text: &'a str, keys: &[&'static str]) -> Result<(&'static str, &'a str), String> {
    let expected = || {
        let keys: Vec<String> = keys.iter().map(|key| format!("{key}=…")).collect();
        format!("expected {}", keys.join(" or "))
    };
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: {}", expected()))?;
    let key = keys
        .iter()
        .find(|known| **known == key)
        .ok_or_else(|| format!("unknown field `{key}`: {}", expected()))?;
    Ok((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_checked() {
        assert_eq!(parse_kind(Kind::Float, "1.5"), Ok(Value::from(1.5)));
        assert!(parse_kind(Kind::Float, "NaN").is_err());
        assert_eq!(parse_kind(Kind::Int32, "7"), Ok(Value::from(7)));
        assert!(parse_kind(Kind::Int32, "4294967296").is_err());
        assert_eq!(parse_kind(Kind::Boolean, "false"), Ok(Value::Bool(false)));
        assert!(parse_kind(Kind::Boolean, "yes").is_err());
        assert_eq!(parse_kind(Kind::Json, r#"{"k":"v"}"#).unwrap()["k"], "v");
        assert_eq!(
            parse_kind(Kind::JsonText, r#"["i-1", "i-2"] as written"#),
            Ok(Value::from(r#"["i-1", "i-2"] as written"#)),
            "JSON text is sent as written"
        );
        assert!(
            parse_kind(Kind::Json, "{k}")
                .unwrap_err()
                .starts_with("not valid JSON")
        );
    }

    #[test]
    fn a_refused_value_is_named_by_its_flag_and_never_shown() {
        let secret = "s3cr3t +%€ 秘密";
        let sources = Sources::default();
        for (kind, value) in [
            (Kind::Json, format!(r#"{{"password": "{secret}","#)),
            (Kind::Int32, secret.to_owned()),
            (Kind::Boolean, secret.to_owned()),
        ] {
            let command = clap::Command::new("cs").arg(
                clap::Arg::new("body")
                    .long("body")
                    .value_parser(sources.parameter(kind, Default::default())),
            );
            let error = command
                .try_get_matches_from(["cs", "--body", &value])
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::ValueValidation);
            let shown = error.render().to_string();
            assert!(
                shown.contains("invalid value for '--body <body>'"),
                "{shown}"
            );
            assert!(!shown.contains("s3cr3t"), "{shown}");
        }
    }

    #[test]
    fn files_are_read_verbatim_and_missing_ones_are_named() {
        let path = std::env::temp_dir().join(format!("acs-cli-values-{}", std::process::id()));
        std::fs::write(&path, "line one\nline two\n").unwrap();
        let sources = Sources::default();
        let named = format!("file://{}", path.display());
        assert_eq!(sources.read(&named).unwrap(), "line one\nline two\n");
        assert_eq!(sources.read("plain").unwrap(), "plain");
        std::fs::remove_file(&path).unwrap();
        let error = sources.read(&named).unwrap_err();
        assert!(error.starts_with(&format!("cannot read `{}`", path.display())));
    }

    #[test]
    fn standard_input_supplies_one_value_only() {
        let sources = Sources::default();
        sources.stdin_taken.store(true, Ordering::SeqCst);
        assert!(sources.read("-").unwrap_err().contains("only one value"));
    }

    #[test]
    fn values_may_start_with_a_hyphen_but_not_be_an_option_of_the_command() {
        let options: BTreeSet<String> = ["dry-run", "RegionId"].map(String::from).into();
        for value in ["-1", "-foo", "--foo", "---cert", "-", "--"] {
            assert_eq!(refuse_option(value, &options), Ok(()), "{value}");
        }
        for value in ["--dry-run", "--RegionId=cn-hangzhou"] {
            let error = refuse_option(value, &options).unwrap_err();
            assert!(error.contains("file://PATH or - (stdin)"), "{error}");
        }
    }

    #[test]
    fn seconds_are_positive_and_finite() {
        assert_eq!(seconds("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(seconds("3"), Ok(Duration::from_secs(3)));
        for bad in ["0", "-1", "inf", "soon"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fields_name_a_known_key() {
        assert_eq!(field("to=a=b", &["expr", "to"]), Ok(("to", "a=b")));
        assert_eq!(
            field("path", &["path"]).unwrap_err(),
            "`path`: expected path=…"
        );
        assert_eq!(
            field("x=1", &["expr", "to"]).unwrap_err(),
            "unknown field `x`: expected expr=… or to=…"
        );
    }
}
