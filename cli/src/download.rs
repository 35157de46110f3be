//! Operations whose response body is binary (OSS `GetObject`): the body is written as it
//! arrives, to `--outfile PATH` or to stdout, never held whole nor printed as JSON, and held to
//! the service's CRC-64 where it sends one. What is printed as the response is the fields its
//! headers carry, typed as the operation's table says (as any response's header fields are
//! printed): on stdout when the body goes to a file, on stderr when the body has stdout.
//!
//! A file is written beside its path and renamed to it once the body is whole and checked, so
//! that a failed download leaves the file there as it was. Bytes written to stdout cannot be
//! taken back: a failed check there is told by the exit status.

use std::io::{ErrorKind, IsTerminal, Write};
use std::path::{Path, PathBuf};

use acs_runtime::{BodyError, CallOptions, CallSpec, Client, Error, RequestParams};
use clap::{Arg, ArgMatches};
use serde_json::Value;

use crate::dry_run::DRY_RUN;
use crate::exit::Failure;
use crate::model::Operation;
use crate::output::Output;

pub const OUTFILE: &str = "outfile";

/// Where the body goes; given only to the operations whose response body is binary.
pub fn arg(heading: &'static str) -> Arg {
    Arg::new(OUTFILE)
        .long(OUTFILE)
        .value_name("PATH")
        .value_parser(clap::value_parser!(PathBuf))
        .conflicts_with(DRY_RUN)
        .help_heading(heading)
        .help(
            "Write the response body (bytes) to PATH as it arrives, replacing PATH once it is \
             whole and its CRC-64 checked, and print the fields its headers carry as the response; - \
             writes it to stdout, with the headers on stderr (the default, unless stdout is a \
             terminal)",
        )
}

/// Where a binary body is written.
#[derive(Debug, PartialEq, Eq)]
enum Destination {
    Stdout,
    File(PathBuf),
}

impl Destination {
    /// `--outfile`, else stdout when it is no terminal: bytes that are no text would garble
    /// one, so there they must be asked for (`--outfile -`), as curl asks.
    fn from_matches(
        arguments: &ArgMatches,
        operation: &Operation,
        stdout_is_terminal: bool,
    ) -> Result<Self, Failure> {
        match arguments.get_one::<PathBuf>(OUTFILE) {
            Some(path) if path.as_os_str() == "-" => Ok(Destination::Stdout),
            Some(path) => Ok(Destination::File(path.clone())),
            None if stdout_is_terminal => Err(Failure::Usage(format!(
                "the response of {} is bytes: give --outfile PATH, or --outfile - to write \
                 them to the terminal",
                operation.command
            ))),
            None => Ok(Destination::Stdout),
        }
    }
}

/// Sends the call and writes its body where `arguments` say, then prints its headers. The
/// file is opened before anything is sent, so that one that cannot be written costs no call.
pub async fn run(
    client: &Client,
    operation: &'static Operation,
    params: RequestParams,
    arguments: &ArgMatches,
    output: &Output,
) -> Result<(), Failure> {
    let destination =
        Destination::from_matches(arguments, operation, std::io::stdout().is_terminal())?;
    let file = match &destination {
        Destination::File(path) => Some(PartialFile::create(path).await?),
        Destination::Stdout => None,
    };
    let response = client
        .invoke_streamed(
            CallSpec::from(&operation.call),
            params,
            &CallOptions::default(),
        )
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => {
            if let Some(file) = file {
                file.discard().await;
            }
            return Err(error.into());
        }
    };
    let headers = match response.decode_header_fields::<Value>(&operation.call) {
        Ok(headers) => headers,
        Err(error) => {
            if let Some(file) = file {
                file.discard().await;
            }
            return Err(error.into());
        }
    };
    let Some(mut file) = file else {
        match response.write_to(&mut tokio::io::stdout()).await {
            // A reader that stopped reading (`… | head -c 10`) has what it wanted.
            Err(Error::Body(BodyError::Io { source, .. }))
                if source.kind() == ErrorKind::BrokenPipe => {}
            written => {
                written?;
            }
        }
        if let Some(text) = output.render(headers, None).map_err(Failure::Usage)? {
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
        return Ok(());
    };
    // Not Modified: no body, and the file is left as it is.
    let not_modified = response.status() == 304;
    match response.write_to(&mut file.file).await {
        Ok(_) if not_modified => file.discard().await,
        Ok(_) => file.keep().await?,
        Err(error) => {
            file.discard().await;
            return Err(error.into());
        }
    }
    crate::run::print(output, headers, None)
}

/// A download's file while the body arrives: beside its path, renamed to it when whole. A path
/// that is no regular file (`/dev/null`, a named pipe) is written in place.
struct PartialFile {
    file: tokio::fs::File,
    written: PathBuf,
    path: PathBuf,
}

impl PartialFile {
    async fn create(path: &Path) -> Result<Self, Failure> {
        let cannot_write = |error: std::io::Error| {
            Failure::Usage(format!("cannot write `{}`: {error}", path.display()))
        };
        let existing = tokio::fs::metadata(path).await.ok();
        if existing.as_ref().is_some_and(|metadata| metadata.is_dir()) {
            return Err(Failure::Usage(format!(
                "cannot write `{}`: it is a directory",
                path.display()
            )));
        }
        if existing.is_some_and(|metadata| !metadata.is_file()) {
            let file = tokio::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .await
                .map_err(cannot_write)?;
            return Ok(PartialFile {
                file,
                written: path.to_owned(),
                path: path.to_owned(),
            });
        }
        let name = path.file_name().ok_or_else(|| {
            Failure::Usage(format!(
                "cannot write `{}`: it names no file",
                path.display()
            ))
        })?;
        let written = path.with_file_name(format!(
            ".{}.{}.partial",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = tokio::fs::File::create(&written)
            .await
            .map_err(cannot_write)?;
        Ok(PartialFile {
            file,
            written,
            path: path.to_owned(),
        })
    }

    /// The whole body, checked, at its path. A tokio file finishes its last write in the
    /// background, so it is flushed first: renaming before that could show the path short, and
    /// a failed last write (a full disk) would be lost.
    async fn keep(mut self) -> Result<(), Failure> {
        tokio::io::AsyncWriteExt::flush(&mut self.file)
            .await
            .map_err(|error| {
                Failure::Unexpected(format!(
                    "cannot write `{}`: {error}",
                    self.written.display()
                ))
            })?;
        drop(self.file);
        if self.written == self.path {
            return Ok(());
        }
        tokio::fs::rename(&self.written, &self.path)
            .await
            .map_err(|error| {
                Failure::Unexpected(format!(
                    "cannot rename the download to `{}`: {error}",
                    self.path.display()
                ))
            })
    }

    /// What was written is removed; the path is left as it was.
    async fn discard(self) {
        drop(self.file);
        if self.written != self.path {
            let _ = tokio::fs::remove_file(&self.written).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OPERATION: Operation = Operation {
        command: "GetObject",
        alias: None,
        summary: "Gets.",
        call: acs_runtime::Operation::new("GetObject", acs_runtime::Method::Get),
        pagination: None,
        parameters: &[],
        nested_secrets: &[],
    };

    fn destination(args: &[&str], terminal: bool) -> Result<Destination, Failure> {
        let heading = "Call options";
        let matches = clap::Command::new("t")
            .arg(arg(heading))
            .arg(crate::dry_run::arg(heading))
            .arg(crate::waiting::flag(heading))
            .args(crate::output::args(heading))
            .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .unwrap();
        Destination::from_matches(&matches, &OPERATION, terminal)
    }

    #[test]
    fn bytes_go_to_the_terminal_only_when_asked() {
        assert_eq!(
            destination(&["--outfile", "out.bin"], true).unwrap(),
            Destination::File("out.bin".into())
        );
        assert_eq!(
            destination(&["--outfile", "-"], true).unwrap(),
            Destination::Stdout
        );
        assert_eq!(destination(&[], false).unwrap(), Destination::Stdout);
        let Err(Failure::Usage(refused)) = destination(&[], true) else {
            panic!("bytes were let onto a terminal");
        };
        assert!(refused.contains("--outfile PATH"), "{refused}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_discarded_download_leaves_the_file_as_it_was() {
        let directory =
            std::env::temp_dir().join(format!("acs-cli-download-{}", std::process::id()));
        std::fs::create_dir_all(&directory).unwrap();
        let path = directory.join("object.bin");
        std::fs::write(&path, b"before").unwrap();
        let partial = PartialFile::create(&path).await.unwrap();
        assert_ne!(partial.written, path);
        partial.discard().await;
        assert_eq!(std::fs::read(&path).unwrap(), b"before");
        let mut partial = PartialFile::create(&path).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut partial.file, b"after")
            .await
            .unwrap();
        partial.keep().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"after");
        let names: Vec<_> = std::fs::read_dir(&directory).unwrap().collect();
        assert_eq!(names.len(), 1, "no partial file is left");
        let Err(Failure::Usage(refused)) = PartialFile::create(&directory).await else {
            panic!("a directory was taken as a file");
        };
        assert!(refused.contains("is a directory"), "{refused}");
        std::fs::remove_dir_all(&directory).unwrap();
    }
}
