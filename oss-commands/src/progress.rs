//! How far a transfer is: a bar on stderr when a person is watching it, nothing otherwise.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use alibabacloud_oss_transfer::{Progress as TransferProgress, ProgressCallback};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr, drawn only when stderr is a terminal, so that a script or a pipe
/// reads nothing but what it asked for.
#[derive(Clone, Debug)]
pub(crate) struct Bar(ProgressBar);

impl Bar {
    pub(crate) fn on_stderr(name: &str) -> Self {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target).with_message(name.to_owned());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {eta}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar(bar)
    }

    pub(crate) fn finish(&self) {
        self.0.finish();
    }

    /// The transfer's length in bytes, once known.
    pub(crate) fn set_length(&self, length: u64) {
        self.0.set_length(length);
    }

    /// The bytes transferred so far.
    pub(crate) fn set_done(&self, done: u64) {
        self.0.set_position(done);
    }

    /// The bar as the transfer helper's callback, which parts moving at once tell of their
    /// running total.
    pub(crate) fn callback(&self) -> ProgressCallback {
        let bar = self.0.clone();
        Arc::new(move |progress: TransferProgress| {
            bar.set_length(progress.total);
            bar.set_position(progress.done);
        })
    }

    /// Takes the bar off the terminal, for a transfer that failed.
    pub(crate) fn abandon(&self) {
        self.0.abandon();
    }
}
