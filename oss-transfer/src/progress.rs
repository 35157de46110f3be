//! How far a transfer is, told to a callback of the caller's (a CLI's progress bar).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes moved so far, of the total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Called as bytes move, from whichever task moved them, with the running total.
pub type ProgressCallback = Arc<dyn Fn(Progress) + Send + Sync>;

/// Adds up the bytes of parts moving at the same time and tells the callback.
#[derive(Clone)]
pub(crate) struct Tracker {
    done: Arc<AtomicU64>,
    total: u64,
    callback: Option<ProgressCallback>,
}

impl Tracker {
    pub(crate) fn new(total: u64, already: u64, callback: Option<ProgressCallback>) -> Self {
        let tracker = Tracker {
            done: Arc::new(AtomicU64::new(already)),
            total,
            callback,
        };
        tracker.add(0);
        tracker
    }

    pub(crate) fn add(&self, bytes: u64) {
        let done = self.done.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if let Some(callback) = &self.callback {
            callback(Progress {
                done,
                total: self.total,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_callback_hears_the_running_total_from_what_was_already_done() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&heard);
        let tracker = Tracker::new(
            10,
            4,
            Some(Arc::new(move |progress| {
                record.lock().unwrap().push(progress.done)
            })),
        );
        tracker.clone().add(3);
        tracker.add(3);
        assert_eq!(*heard.lock().unwrap(), [4, 7, 10]);
    }
}
