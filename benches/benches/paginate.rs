//! Memory while paginating: `into_paginator().items()` over P pages of S items from the test
//! server (in a child process), with the peak RSS (`VmHWM`) read after given item counts. One
//! page at a time is in memory, so the peak must not grow with the number of items.
//!
//! `paginate [--pages P] [--page-size S] [--checkpoints 100,1000,10000] [--collect]` prints one
//! `RESULT` line. `--collect` keeps every item, as a control that shows what growth looks like.

// Measuring CPU time takes three libc calls (`common/mod.rs`), each allowed where it is
// made; nothing else may be `unsafe`.
#![deny(unsafe_code)]

mod common;

use futures_util::TryStreamExt;

use common::{Args, ServerProcess};

fn main() {
    if common::serve_if_asked() {
        return;
    }
    let args = Args::from_env();
    let pages = args.number("--pages", 100);
    let page_size = args.number("--page-size", 100);
    let checkpoints = args.numbers("--checkpoints", &[100, 1_000, 10_000]);
    let collect = args.flag("--collect");

    let server = ServerProcess::spawn(pages, page_size);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = common::client(&server.endpoint);
    let start_peak_kib = common::peak_rss_kib();

    let mut readings = Vec::new();
    let (count, kept) = runtime.block_on(async {
        let items = client
            .list_instance_patch_states()
            .region_id("cn-hangzhou")
            .max_results(page_size as i32)
            .into_paginator()
            .items();
        let mut items = std::pin::pin!(items);
        let mut count = 0usize;
        let mut kept = Vec::new();
        while let Some(item) = items.try_next().await.expect("every page arrives") {
            count += 1;
            assert!(item.instance_id.is_some());
            if collect {
                kept.push(item);
            }
            if checkpoints.contains(&count) {
                readings.push((count, common::peak_rss_kib(), common::rss_kib()));
            }
        }
        (count, kept.len())
    });
    drop(client);
    drop(runtime);
    let server = server.finish();
    assert_eq!(count, pages * page_size);
    assert_eq!(server.requests, pages, "one request per page");
    assert_eq!(server.unverified, 0, "every signature verified");

    let mut line = format!(
        "RESULT items={count} pages={pages} page_size={page_size} collect={collect} kept={kept} \
         start_peak_rss_kib={start_peak_kib}"
    );
    for (at, peak, current) in &readings {
        line.push_str(&format!(
            " peak_rss_kib_at_{at}={peak} rss_kib_at_{at}={current}"
        ));
    }
    if let (Some(first), Some(last)) = (readings.first(), readings.last()) {
        line.push_str(&format!(
            " peak_growth_kib_{}_to_{}={}",
            first.0,
            last.0,
            last.1.saturating_sub(first.1)
        ));
    }
    println!("{line}");
}
