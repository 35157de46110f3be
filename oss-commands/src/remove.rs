//! `oss rm oss://BUCKET/KEY`, and `oss rm oss://BUCKET/PREFIX --recursive`: one object by
//! DeleteObject, or every object under a prefix, a page of up to 1,000 listed and then deleted
//! by one DeleteMultipleObjects, as ossutil's `rm -r` does.

use std::io::Write;

use acs_cli::{Failure, Invocation};
use alibabacloud_oss::Client;
use alibabacloud_oss::operation::delete_multiple_objects::{Delete, ObjectIdentifier};
use clap::{Arg, ArgAction, Command};
use futures_util::StreamExt;

use crate::location::ObjectUrl;
use crate::written_output::Stopped;

pub const NAME: &str = "rm";
const URL: &str = "URL";
const RECURSIVE: &str = "recursive";
/// The most keys one ListObjectsV2 page and one DeleteMultipleObjects take.
const BATCH: i64 = 1000;

pub fn command() -> Command {
    Command::new(NAME)
        .about("Delete an object, or with --recursive every object under a prefix")
        .long_about(
            "Delete the object oss://BUCKET/KEY, or with --recursive every object whose key \
             starts with PREFIX (oss rm oss://BUCKET/PREFIX --recursive): listed up to 1,000 at \
             a time, each page deleted by one DeleteMultipleObjects. Prints the URL of each \
             object deleted. --dry-run is not supported.",
        )
        .arg(
            Arg::new(URL)
                .required(true)
                .help("oss://BUCKET/KEY, or oss://BUCKET/PREFIX with --recursive"),
        )
        .arg(
            Arg::new(RECURSIVE)
                .long(RECURSIVE)
                .short('r')
                .action(ArgAction::SetTrue)
                .help("Delete every object whose key starts with the URL's key"),
        )
}

pub async fn run(invocation: Invocation<'_>) -> Result<(), Failure> {
    let arguments = invocation.arguments();
    let text = arguments
        .get_one::<String>(URL)
        .expect("clap requires the URL");
    let url = ObjectUrl::parse(text)
        .unwrap_or_else(|| Err(format!("`{text}` is not oss://BUCKET/KEY")))
        .map_err(Failure::Usage)?;
    let recursive = arguments.get_flag(RECURSIVE);
    if !recursive && url.key.is_empty() {
        return Err(Failure::Usage(format!(
            "`{text}` names no object: give its key, or --recursive to delete every object \
             under the prefix"
        )));
    }
    let client = crate::client(&invocation).await?;
    let mut out = std::io::stdout().lock();
    let removed = if recursive {
        remove_prefix(&client, &url, &mut out).await
    } else {
        remove_object(&client, &url, &mut out).await
    };
    crate::written_output::outcome(removed)
}

async fn remove_object(
    client: &Client,
    url: &ObjectUrl,
    out: &mut impl Write,
) -> Result<(), Stopped> {
    client
        .delete_object()
        .bucket(&url.bucket)
        .key(&url.key)
        .send()
        .await?;
    writeln!(out, "{url}")?;
    Ok(())
}

/// Each page of keys is deleted as it arrives, so that memory holds one page whatever the
/// count; a page's continuation token points past its last key, which deleting it leaves valid.
async fn remove_prefix(
    client: &Client,
    url: &ObjectUrl,
    out: &mut impl Write,
) -> Result<(), Stopped> {
    let mut pages = client
        .list_objects_v2()
        .bucket(&url.bucket)
        .prefix(&url.key)
        .max_keys(BATCH)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let Some(result) = page?.list_bucket_result else {
            continue;
        };
        let objects: Vec<ObjectIdentifier> = result
            .contents
            .iter()
            .flatten()
            .filter_map(|object| object.key.as_deref())
            .map(|key| ObjectIdentifier::new().key(key))
            .collect();
        if objects.is_empty() {
            continue;
        }
        let delete = objects
            .into_iter()
            .fold(Delete::new().quiet(false), Delete::object);
        let response = client
            .delete_multiple_objects()
            .bucket(&url.bucket)
            .delete(delete)
            .send()
            .await?;
        let deleted = response.delete_result().map(|result| result.deleted());
        for key in deleted
            .unwrap_or_default()
            .iter()
            .filter_map(|deleted| deleted.key())
        {
            writeln!(out, "oss://{}/{key}", url.bucket)?;
        }
        out.flush()?;
    }
    Ok(())
}
