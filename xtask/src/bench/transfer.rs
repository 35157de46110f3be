//! A large object through the OSS transfer helper on loopback: the measurement program
//! `transfer` uploads a 1 GiB file by multipart upload in parallel parts and downloads it by
//! ranged `GET`s in parallel parts (`alibabacloud-oss-transfer` over the generated OSS SDK), and
//! reports each direction's throughput and the client's peak RSS (the server runs in a process
//! of its own). With `--official-oss-python`, the official OSS SDK V2's Uploader and
//! Downloader move the same object through the same server with the same part size and
//! parallelism in each run, and the ratios of our throughput to theirs are reported.

use super::Bench;
use super::process::step;
use super::programs::column;

/// The object's size.
const MIB: u64 = 1024;
/// The official SDK's default part size and parallelism, used by both sides.
const PART_MIB: u64 = 6;
const CONCURRENCY: u64 = 3;
/// Where the object server keeps its files, when it exists.
const TMPFS: &str = "/dev/shm";
/// The peak RSS a transfer must stay under, whatever the object's size.
const RSS_LIMIT_MIB: f64 = 64.0;
/// How many times the official SDK's throughput ours must reach.
const RATIO_TARGET: f64 = 3.0;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    step("a 1 GiB object up by multipart and down by ranges, in parallel parts, on loopback");
    let target = bench.out_dir.join("transfer");
    std::fs::create_dir_all(&target).map_err(|error| error.to_string())?;
    let mut args = vec![
        "--mib".to_owned(),
        MIB.to_string(),
        "--part-mib".to_owned(),
        PART_MIB.to_string(),
        "--concurrency".to_owned(),
        CONCURRENCY.to_string(),
        "--dir".to_owned(),
        target.to_string_lossy().into_owned(),
    ];
    // The server's files on a tmpfs where there is one: the stand-in writes each byte twice
    // (the part, then the object it joins), which OSS does not do on the client's disk.
    let tmpfs = std::path::Path::new(TMPFS);
    if tmpfs.is_dir() {
        args.extend(["--server-dir".to_owned(), TMPFS.to_owned()]);
    } else {
        step("transfer: no /dev/shm; the server's files go on the disk, which bounds both SDKs");
    }
    let python = bench.options.official_oss_python.clone();
    match &python {
        Some(python) => args.extend(["--python".to_owned(), python.to_string_lossy().into_owned()]),
        None => {
            step("transfer: no comparison with the official SDK (--official-oss-python PYTHON)")
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let results = bench.measure("transfer", false, &args, bench.options.runs())?;
    let parts = format!("{PART_MIB} MiB parts, {CONCURRENCY} at a time");
    bench.figure(
        format!("multipart upload of 1 GiB ({parts})"),
        "MiB/s",
        column(&results, "upload_mib_s")?,
        None,
    );
    bench.figure(
        format!("ranged download of 1 GiB ({parts})"),
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
        for (direction, tool) in [("upload", "Uploader"), ("download", "Downloader")] {
            bench.figure(
                format!("official OSS SDK V2 (Python) {tool}: {direction} of 1 GiB"),
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
