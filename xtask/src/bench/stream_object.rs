//! A large object streamed up and down through the runtime on loopback: the measurement
//! program `stream_object` sends a 1 GiB file with one `PUT` and writes it back to a file from
//! one `GET`, both held to the object's CRC-64, and reports each direction's throughput and the
//! client's peak RSS (the server runs in a process of its own). With
//! `--official-oss-python`, the official OSS SDK V2 moves the same object through the same
//! server in each run, and the ratios of our throughput to its are reported.

use super::Bench;
use super::process::step;
use super::programs::column;

/// The object's size.
const MIB: u64 = 1024;
/// The peak RSS a streamed transfer must stay under, whatever the object's size.
const RSS_LIMIT_MIB: f64 = 64.0;
/// How many times the official SDK's throughput ours must reach.
const RATIO_TARGET: f64 = 3.0;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    step("streaming a 1 GiB object up and down on loopback");
    let target = bench.out_dir.join("stream-object");
    std::fs::create_dir_all(&target).map_err(|error| error.to_string())?;
    let mut args = vec![
        "--mib".to_owned(),
        MIB.to_string(),
        "--dir".to_owned(),
        target.to_string_lossy().into_owned(),
    ];
    let python = bench.options.official_oss_python.clone();
    match &python {
        Some(python) => args.extend(["--python".to_owned(), python.to_string_lossy().into_owned()]),
        None => step(
            "stream-object: no comparison with the official SDK (--official-oss-python PYTHON)",
        ),
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let results = bench.measure("stream_object", false, &args, bench.options.runs())?;
    bench.figure(
        "upload of 1 GiB (one PUT from a file)",
        "MiB/s",
        column(&results, "upload_mib_s")?,
        None,
    );
    bench.figure(
        "download of 1 GiB (one GET into a file)",
        "MiB/s",
        column(&results, "download_mib_s")?,
        None,
    );
    let peak = column(&results, "peak_rss_kib")?.scaled(1.0 / 1024.0);
    bench.figure(
        "client peak RSS over both transfers",
        "MiB",
        peak,
        Some(("< 64 MiB", peak.max < RSS_LIMIT_MIB)),
    );
    if python.is_some() {
        for direction in ["upload", "download"] {
            bench.figure(
                format!("official OSS SDK V2 (Python): {direction} of 1 GiB"),
                "MiB/s",
                column(&results, &format!("official_{direction}_mib_s"))?,
                None,
            );
            let ratio = column(&results, &format!("{direction}_ratio"))?;
            bench.figure(
                format!("{direction}: ours over the official SDK's, in one run"),
                "x",
                ratio,
                Some(("≥ 3x", ratio.min >= RATIO_TARGET)),
            );
        }
    }
    Ok(())
}
