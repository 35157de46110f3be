//! `oss ls [oss://BUCKET[/PREFIX]]`: the buckets, or the objects under a prefix, every page.

use std::io::Write;

use acs_cli::{Failure, Invocation};
use alibabacloud_oss::Client;
use clap::{Arg, ArgAction, Command};
use futures_util::StreamExt;

use crate::location::ObjectUrl;
use crate::written_output::Stopped;

pub const NAME: &str = "ls";
const URL: &str = "URL";
const SHORT: &str = "short-format";
const DIRECTORY: &str = "directory";
const PAGE_SIZE: &str = "page-size";

pub fn command() -> Command {
    Command::new(NAME)
        .about("List the buckets, or the objects of oss://BUCKET[/PREFIX]")
        .long_about(
            "List the buckets (oss ls), or the objects whose keys start with PREFIX (oss ls \
             oss://BUCKET/PREFIX), asking for page after page until the last: one line each, \
             last modified, size, storage class and URL. --dry-run is not supported.",
        )
        .arg(Arg::new(URL).help("oss://BUCKET[/PREFIX]; without it, the buckets"))
        .arg(
            Arg::new(SHORT)
                .long(SHORT)
                .short('s')
                .action(ArgAction::SetTrue)
                .help("Print only the URLs"),
        )
        .arg(
            Arg::new(DIRECTORY)
                .long(DIRECTORY)
                .short('d')
                .action(ArgAction::SetTrue)
                .help("One level only: the objects and the \"directories\" (prefixes up to the next /) under PREFIX"),
        )
        .arg(
            Arg::new(PAGE_SIZE)
                .long(PAGE_SIZE)
                .value_name("COUNT")
                .value_parser(clap::value_parser!(i64).range(1..=1000))
                .help("Entries asked for per request (default: the service's, 100 objects)"),
        )
}

pub async fn run(invocation: Invocation<'_>) -> Result<(), Failure> {
    let arguments = invocation.arguments();
    let url = match arguments.get_one::<String>(URL) {
        Some(text) => Some(
            ObjectUrl::parse(text)
                .unwrap_or_else(|| Err(format!("`{text}` is not oss://BUCKET[/PREFIX]")))
                .map_err(Failure::Usage)?,
        ),
        None => None,
    };
    let listing = Listing {
        short: arguments.get_flag(SHORT),
        one_level: arguments.get_flag(DIRECTORY),
        page_size: arguments.get_one::<i64>(PAGE_SIZE).copied(),
    };
    let client = crate::client(&invocation).await?;
    let mut out = std::io::stdout().lock();
    let written = match url {
        Some(url) => listing.objects(&client, &url, &mut out).await,
        None => listing.buckets(&client, &mut out).await,
    };
    crate::written_output::outcome(written)
}

struct Listing {
    short: bool,
    one_level: bool,
    page_size: Option<i64>,
}

impl Listing {
    /// Each page is printed as it arrives: a listing of millions of objects starts at once and
    /// holds one page at a time.
    async fn objects(
        &self,
        client: &Client,
        url: &ObjectUrl,
        out: &mut impl Write,
    ) -> Result<(), Stopped> {
        let mut request = client
            .list_objects_v2()
            .bucket(&url.bucket)
            .prefix(&url.key);
        if self.one_level {
            request = request.delimiter("/");
        }
        if let Some(size) = self.page_size {
            request = request.max_keys(size);
        }
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            let Some(result) = page?.list_bucket_result else {
                continue;
            };
            for prefix in result.common_prefixes.iter().flatten() {
                let prefix = prefix.prefix.as_deref().unwrap_or_default();
                let url = format!("oss://{}/{prefix}", url.bucket);
                if self.short {
                    writeln!(out, "{url}")?;
                } else {
                    writeln!(out, "{:>24} {:>14} {:<12} {url}", "", "DIR", "")?;
                }
            }
            for object in result.contents.iter().flatten() {
                let key = object.key.as_deref().unwrap_or_default();
                let url = format!("oss://{}/{key}", url.bucket);
                if self.short {
                    writeln!(out, "{url}")?;
                } else {
                    writeln!(
                        out,
                        "{:>24} {:>14} {:<12} {url}",
                        object.last_modified.as_deref().unwrap_or("-"),
                        object.size.unwrap_or_default(),
                        object
                            .storage_class
                            .as_ref()
                            .map_or("-", |class| class.as_str()),
                    )?;
                }
            }
            out.flush()?;
        }
        Ok(())
    }

    async fn buckets(&self, client: &Client, out: &mut impl Write) -> Result<(), Stopped> {
        let mut request = client.list_buckets();
        if let Some(size) = self.page_size {
            request = request.max_keys(size);
        }
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            let Some(result) = page?.list_all_my_buckets_result else {
                continue;
            };
            let buckets = result.buckets.iter().flat_map(|buckets| buckets.bucket());
            for bucket in buckets {
                let url = format!("oss://{}", bucket.name.as_deref().unwrap_or_default());
                if self.short {
                    writeln!(out, "{url}")?;
                } else {
                    writeln!(
                        out,
                        "{:>24} {:<24} {:<12} {url}",
                        bucket.creation_date.as_deref().unwrap_or("-"),
                        bucket.location.as_deref().unwrap_or("-"),
                        bucket
                            .storage_class
                            .as_ref()
                            .map_or("-", |class| class.as_str()),
                    )?;
                }
            }
            out.flush()?;
        }
        Ok(())
    }
}
