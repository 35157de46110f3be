//! `--log-level`: the runtime's tracing events and spans on stderr. They carry the action,
//! region, endpoint, attempt number, HTTP status, request id and retry reasons, never a
//! parameter value, a credential or a signature.

use clap::Arg;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::FmtSpan;

pub const LOG_LEVEL: &str = "log-level";

pub fn arg() -> Arg {
    Arg::new(LOG_LEVEL)
        .long(LOG_LEVEL)
        .value_name("LEVEL")
        .value_parser(
            PossibleValuesParser::new(["off", "error", "warn", "info", "debug", "trace"])
                .try_map(|level| level.parse::<LevelFilter>()),
        )
        .help("Log to stderr at this level and above (default off; debug shows each attempt and retry)")
}

/// Sends events at `level` and above to stderr. A span is logged when it closes, so each
/// attempt shows once with the status and request id it ended with.
pub fn init(level: LevelFilter) {
    if level == LevelFilter::OFF {
        return;
    }
    // Only fails when a subscriber is already set, which nothing else in the process does.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_span_events(FmtSpan::CLOSE)
        .try_init();
}
