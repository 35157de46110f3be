//! `oss cp SOURCE DESTINATION`: a file up to an object, or an object down to a file or to
//! standard output (`-`).

use std::path::{Path, PathBuf};

use acs_cli::{Failure, Invocation};
use acs_runtime::{BodyError, Error};
use alibabacloud_oss_transfer::{TransferError, TransferManager};
use clap::{Arg, Command};

use crate::location::{ObjectUrl, Target};
use crate::progress::Bar;
use crate::stdout::download_to;

pub const NAME: &str = "cp";
const SOURCE: &str = "SOURCE";
const DESTINATION: &str = "DESTINATION";

pub fn command() -> Command {
    Command::new(NAME)
        .about("Copy a file to an object, or an object to a file or to stdout (-)")
        .long_about(
            "Copy a file to an object (oss cp ./FILE oss://BUCKET/KEY), or an object to a file \
             or to stdout (oss cp oss://BUCKET/KEY ./FILE, or -). A KEY that is empty or ends \
             with / takes the file's name; so does a FILE that is a directory or ends with /. \
             A file larger than a part (6 MiB) goes up by multipart upload and an object comes \
             down by ranged GETs, three parts at a time; to stdout it streams in one GET. A \
             progress bar shows when stderr is a terminal. A download goes to a file beside \
             FILE, renamed to FILE once whole and its CRC-64 checked. --dry-run is not \
             supported.",
        )
        .arg(
            Arg::new(SOURCE)
                .required(true)
                .help("./FILE or oss://BUCKET/KEY"),
        )
        .arg(
            Arg::new(DESTINATION)
                .required(true)
                .help("oss://BUCKET/KEY, or ./FILE or - (stdout)"),
        )
}

pub async fn run(invocation: Invocation<'_>) -> Result<(), Failure> {
    let target = |id: &str| {
        let text = invocation
            .arguments()
            .get_one::<String>(id)
            .expect("clap requires both");
        Target::parse(text).map_err(Failure::Usage)
    };
    match (target(SOURCE)?, target(DESTINATION)?) {
        (Target::Local(file), Target::Object(object)) => copy_up(&invocation, &file, object).await,
        (Target::Object(object), Target::Local(file)) => {
            copy_down(&invocation, object, Some(&file)).await
        }
        (Target::Object(object), Target::Stdio) => copy_down(&invocation, object, None).await,
        (Target::Stdio, _) => Err(Failure::Usage(
            "cp reads no standard input: give a file to upload".into(),
        )),
        (Target::Object(_), Target::Object(_)) => Err(Failure::Usage(
            "cp copies between a file and an object, not from object to object".into(),
        )),
        (Target::Local(_), Target::Local(_) | Target::Stdio) => Err(Failure::Usage(
            "cp needs an oss://BUCKET/KEY on one side".into(),
        )),
    }
}

async fn copy_up(
    invocation: &Invocation<'_>,
    file: &Path,
    object: ObjectUrl,
) -> Result<(), Failure> {
    let metadata = tokio::fs::metadata(file)
        .await
        .map_err(|error| Failure::Usage(format!("cannot read {}: {error}", file.display())))?;
    if !metadata.is_file() {
        return Err(Failure::Usage(format!("{} is not a file", file.display())));
    }
    let key = if object.key.is_empty() || object.key.ends_with('/') {
        let name = file
            .file_name()
            .ok_or_else(|| Failure::Usage(format!("{} has no file name", file.display())))?;
        format!("{}{}", object.key, name.to_string_lossy())
    } else {
        object.key
    };
    let client = crate::client(invocation).await?;
    let bar = Bar::on_stderr(&key);
    let uploaded = TransferManager::new(client)
        .upload_file(object.bucket, key, file)
        .progress(bar.callback())
        .send()
        .await;
    finish(&bar, uploaded.map(drop).map_err(failure))
}

/// Downloads to `file`, or to stdout when it is `None`.
async fn copy_down(
    invocation: &Invocation<'_>,
    object: ObjectUrl,
    file: Option<&Path>,
) -> Result<(), Failure> {
    let name = object.key.rsplit('/').next().unwrap_or_default();
    if name.is_empty() {
        return Err(Failure::Usage(format!(
            "{object} names no object: give oss://BUCKET/KEY"
        )));
    }
    let client = crate::client(invocation).await?;
    let bar = Bar::on_stderr(name);
    let Some(file) = file else {
        let downloaded = download_to(
            &client,
            &object.bucket,
            &object.key,
            &mut tokio::io::stdout(),
            &bar,
        )
        .await;
        return match downloaded {
            Err(Error::Body(BodyError::Io { source, .. }))
                if source.kind() == std::io::ErrorKind::BrokenPipe =>
            {
                // A reader that stopped reading (`oss cp … - | head`) has what it wanted.
                bar.abandon();
                Ok(())
            }
            downloaded => finish(&bar, downloaded.map(drop)),
        };
    };
    let file = destination_file(file, name).await;
    let downloaded = TransferManager::new(client)
        .download_file(&object.bucket, &object.key, &file, Some(bar.callback()))
        .await;
    finish(&bar, downloaded.map(drop).map_err(failure))
}

/// `file`, or the object's `name` in it when it is a directory (or is written as one).
async fn destination_file(file: &Path, name: &str) -> PathBuf {
    let written_as_directory = file.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    let is_directory = tokio::fs::metadata(file)
        .await
        .is_ok_and(|metadata| metadata.is_dir());
    if written_as_directory || is_directory {
        file.join(name)
    } else {
        file.to_owned()
    }
}

/// A transfer's failure as the command reports it: a failed call keeps the service's error, so
/// that its exit status and what it shows are those of any other subcommand's, with the part it
/// concerned said first.
fn failure(error: TransferError) -> Failure {
    match error {
        TransferError::Call { source, .. } | TransferError::Sdk(source) => Failure::Call(source),
        TransferError::Part {
            part_number,
            start,
            end,
            source,
        } => {
            eprintln!("part {part_number} (bytes {start} to {end}):");
            failure(*source)
        }
        other => Failure::Unexpected(other.to_string()),
    }
}

fn finish<E: Into<Failure>>(bar: &Bar, result: Result<(), E>) -> Result<(), Failure> {
    match result {
        Ok(()) => {
            bar.finish();
            Ok(())
        }
        Err(error) => {
            bar.abandon();
            Err(error.into())
        }
    }
}
