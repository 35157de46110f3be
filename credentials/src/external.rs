//! Credentials from a command of one's own, as the Alibaba Cloud CLI's `External` profile mode
//! runs it: the command prints a profile-shaped JSON object on its standard output.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use crate::cache::CredentialsCache;
use crate::files::MAX_FILE_BYTES;
use crate::wire::{parse_expiration, parse_object, text_field};
use crate::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// A command that has not printed its credentials by then is stopped: its standard input is
/// not a terminal, so it cannot be waiting for a person.
const TIMEOUT: Duration = Duration::from_secs(60);

const PROVIDER: &str = "external command";

/// Runs `process_command` (split into a program and its arguments, quotes and backslashes as a
/// POSIX shell reads them, without a shell) and reads what it prints:
///
/// ```json
/// {"mode": "StsToken", "access_key_id": "…", "access_key_secret": "…", "sts_token": "…",
///  "expiration": "2024-05-01T08:30:00Z"}
/// ```
///
/// `mode` `AK` needs no token. The command's standard error passes through to ours; its
/// standard input is empty. Credentials with an `expiration` are cached and refreshed ahead of
/// it, the command run again; without one they are kept for the provider's life.
#[derive(Debug)]
pub(crate) struct ExternalProcessProvider {
    program: String,
    arguments: Vec<String>,
    cache: CredentialsCache,
}

impl ExternalProcessProvider {
    pub(crate) fn new(process_command: &str) -> Result<Self, CredentialsError> {
        let mut words = split_command(process_command)
            .map_err(|reason| error(format!("process_command {reason}")))?
            .into_iter();
        let program = words
            .next()
            .ok_or_else(|| error("process_command is empty"))?;
        Ok(ExternalProcessProvider {
            program,
            arguments: words.collect(),
            cache: CredentialsCache::new(PROVIDER),
        })
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let program = &self.program;
        let mut child = tokio::process::Command::new(program)
            .args(&self.arguments)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|failure| error(format!("cannot run {program}: {failure}")))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let run = async {
            let mut output = Vec::new();
            stdout
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut output)
                .await
                .map_err(|failure| {
                    error(format!("cannot read what {program} printed: {failure}"))
                })?;
            if output.len() as u64 > MAX_FILE_BYTES {
                return Err(error(format!(
                    "{program} printed more than {MAX_FILE_BYTES} bytes"
                )));
            }
            let status = child
                .wait()
                .await
                .map_err(|failure| error(format!("{program} did not finish: {failure}")))?;
            if !status.success() {
                return Err(error(format!("{program} failed ({status})")));
            }
            parse_output(&output)
                .map_err(|reason| error(format!("what {program} printed {reason}")))
        };
        tokio::time::timeout(TIMEOUT, run)
            .await
            .unwrap_or_else(|_| {
                Err(error(format!(
                    "{program} printed no credentials within {} seconds",
                    TIMEOUT.as_secs()
                )))
            })
    }
}

fn error(message: impl Into<String>) -> CredentialsError {
    CredentialsError::new(PROVIDER, message)
}

impl ProvideCredentials for ExternalProcessProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| self.fetch()))
    }
}

/// The credentials in a command's output; the reason never quotes the output.
fn parse_output(output: &[u8]) -> Result<Credentials, String> {
    let document = parse_object(output)?;
    let field =
        |name: &str| text_field(&document, name).map(|value| value.filter(|v| !v.is_empty()));
    let (Some(id), Some(secret)) = (field("access_key_id")?, field("access_key_secret")?) else {
        return Err("has no access_key_id or access_key_secret".to_string());
    };
    let mut credentials = Credentials::new(id, secret, PROVIDER);
    match (field("mode")?, field("sts_token")?) {
        (Some("StsToken"), None) => return Err("is mode StsToken without a sts_token".to_string()),
        (_, Some(token)) => credentials = credentials.with_security_token(token),
        (_, None) => {}
    }
    if let Some(expiration) = field("expiration")? {
        let expiry = parse_expiration(expiration)
            .ok_or_else(|| format!("has an expiration that is not a UTC time: {expiration:?}"))?;
        credentials = credentials.with_expiry(expiry);
    }
    Ok(credentials)
}

/// Splits a command line into words the way a POSIX shell does, without expanding anything:
/// whitespace separates words; `'…'` keeps everything literally; `"…"` keeps everything but
/// `\"`, `\\`, `\$` and `` \` ``, which lose their backslash; outside quotes a backslash keeps the
/// next character. On Windows a backslash outside double quotes is a path separator, kept as it
/// is.
fn split_command(command: &str) -> Result<Vec<String>, String> {
    let backslash_escapes = cfg!(not(windows));
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut characters = command.chars();
    while let Some(character) = characters.next() {
        match character {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match characters.next() {
                        Some('\'') => break,
                        Some(c) => current.push(c),
                        None => return Err("has an unclosed quote".to_string()),
                    }
                }
            }
            '"' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match characters.next() {
                        Some('"') => break,
                        Some('\\') => match characters.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => current.push(c),
                            Some(c) => {
                                current.push('\\');
                                current.push(c);
                            }
                            None => return Err("has an unclosed quote".to_string()),
                        },
                        Some(c) => current.push(c),
                        None => return Err("has an unclosed quote".to_string()),
                    }
                }
            }
            '\\' if backslash_escapes => match characters.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("ends with a backslash".to_string()),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{TempDir, in_one_hour};

    #[cfg(unix)]
    #[test]
    fn commands_split_like_a_posix_shell_reads_them() {
        let split = |text| split_command(text).unwrap();
        assert_eq!(
            split("  fetch-creds  --role  admin "),
            ["fetch-creds", "--role", "admin"]
        );
        assert_eq!(
            split(r#"'/opt/my tools/get' "a \"b\" \$c" d\ e '' x"y"z"#),
            ["/opt/my tools/get", "a \"b\" $c", "d e", "", "xyz"]
        );
        assert_eq!(split(r#""keep \n as is""#), [r"keep \n as is"]);
        assert!(split("").is_empty());
        assert_eq!(split_command("'open").unwrap_err(), "has an unclosed quote");
        assert_eq!(
            split_command("\"open").unwrap_err(),
            "has an unclosed quote"
        );
        assert_eq!(
            split_command("trailing\\").unwrap_err(),
            "ends with a backslash"
        );
    }

    #[test]
    fn output_is_read_by_mode_and_never_quoted() {
        let sts = parse_output(
            br#"{"mode":"StsToken","access_key_id":"STS.ext","access_key_secret":"s","sts_token":"t","expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(sts.security_token(), Some("t"));
        assert_eq!(
            sts.expiry(),
            crate::wire::parse_expiration("2030-01-01T00:00:00Z")
        );
        let ak =
            parse_output(br#"{"mode":"AK","access_key_id":"LTAIext","access_key_secret":"s"}"#)
                .unwrap();
        assert_eq!((ak.security_token(), ak.expiry()), (None, None));

        let errors = [
            (
                &br#"{"mode":"StsToken","access_key_id":"STS.x","access_key_secret":"top-secret"}"#
                    [..],
                "is mode StsToken without a sts_token",
            ),
            (
                br#"{"access_key_secret":"top-secret"}"#,
                "has no access_key_id or access_key_secret",
            ),
            (br#"top-secret"#, "is not valid JSON (line 1, column 2)"),
            (
                br#"{"access_key_id":"x","access_key_secret":"top-secret","expiration":"soon"}"#,
                "has an expiration that is not a UTC time: \"soon\"",
            ),
        ];
        for (output, expected) in errors {
            assert_eq!(parse_output(output).unwrap_err(), expected);
        }
    }

    /// A script that prints `output` and exits with `code`.
    #[cfg(unix)]
    fn script(dir: &TempDir, output: &str, code: i32) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.write(
            "print credentials",
            &format!("#!/bin/sh\ncat <<'EOF'\n{output}\nEOF\nexit {code}\n"),
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        format!("'{}' --ignored-argument", path.display())
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_command_runs_and_its_credentials_are_cached_until_their_expiration() {
        let dir = TempDir::new();
        let expiration = crate::test_support::format_time(in_one_hour());
        let output = format!(
            r#"{{"mode":"StsToken","access_key_id":"STS.ext","access_key_secret":"ext-secret","sts_token":"ext-token","expiration":"{expiration}"}}"#
        );
        let provider = ExternalProcessProvider::new(&script(&dir, &output, 0)).unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.ext");
        assert_eq!(credentials.provider(), "external command");
        // The script is gone; the cached credentials are still fresh.
        drop(dir);
        let again = provider.provide_credentials().await.unwrap();
        assert_eq!(again.security_token(), Some("ext-token"));
        assert!(!format!("{provider:?}").contains("ext-secret"));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_failing_or_missing_command_is_explained_without_its_output() {
        let dir = TempDir::new();
        let failing = ExternalProcessProvider::new(&script(&dir, "top-secret", 3)).unwrap();
        let error = failing.provide_credentials().await.unwrap_err().to_string();
        assert!(error.contains("failed (exit status: 3)"), "{error}");
        assert!(!error.contains("top-secret"));

        let missing = ExternalProcessProvider::new("/nonexistent/fetch-creds").unwrap();
        let error = missing.provide_credentials().await.unwrap_err().to_string();
        assert!(
            error.starts_with("external command: cannot run /nonexistent/fetch-creds:"),
            "{error}"
        );
        assert_eq!(
            ExternalProcessProvider::new("  ").unwrap_err().to_string(),
            "external command: process_command is empty"
        );
    }

    proptest! {
        #[test]
        fn splitting_never_panics(command in "\\PC{0,40}") {
            let _ = split_command(&command);
        }

        #[test]
        fn output_parsing_never_panics(output in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = parse_output(&output);
        }
    }
}
