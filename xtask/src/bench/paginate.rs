//! Memory while paginating: the measurement program `paginate` reads 100,000 items page by
//! page and reports peak RSS at checkpoints; a control run keeps every item.

use super::Bench;
use super::process::step;
use super::programs::column;
use super::stats::Stats;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    step("paginating 100,000 items (1,000 pages of 100)");
    let checkpoints = [100, 1_000, 10_000, 100_000];
    let list = checkpoints.map(|n| n.to_string()).join(",");
    let results = bench.measure(
        "paginate",
        false,
        &[
            "--pages",
            "1000",
            "--page-size",
            "100",
            "--checkpoints",
            &list,
        ],
        bench.options.runs(),
    )?;
    for at in checkpoints {
        let stats = column(&results, &format!("peak_rss_kib_at_{at}"))?.scaled(1.0 / 1024.0);
        bench.figure(format!("peak RSS after {at} items"), "MiB", stats, None);
    }
    let growth_10k: Vec<f64> = results
        .iter()
        .map(|run| run["peak_rss_kib_at_10000"] - run["peak_rss_kib_at_100"])
        .collect();
    let growth = Stats::of(&growth_10k).scaled(1.0 / 1024.0);
    // "Flat": the 9,900 items after the first page add less than one page's worth of
    // decoded items (100 items are about 0.1 MiB) plus allocator slack.
    bench.figure(
        "peak RSS growth from 100 to 10,000 items",
        "MiB",
        growth,
        Some(("flat (< 1 MiB)", growth.max < 1.0)),
    );
    let growth_100k = column(&results, "peak_growth_kib_100_to_100000")?.scaled(1.0 / 1024.0);
    bench.figure(
        "peak RSS growth from 100 to 100,000 items",
        "MiB",
        growth_100k,
        None,
    );

    step("control: keeping every item of 10,000");
    let control = bench.measure(
        "paginate",
        false,
        &["--pages", "100", "--page-size", "100", "--collect"],
        1,
    )?;
    let growth = column(&control, "peak_growth_kib_100_to_10000")?.scaled(1.0 / 1024.0);
    bench.figure(
        "control (items kept): peak RSS growth from 100 to 10,000 items",
        "MiB",
        growth,
        None,
    );
    Ok(())
}
