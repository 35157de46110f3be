//! Commands that print as they go (`ls`, `rm`): why one stopped, and what the command reports
//! for it.

use std::io::ErrorKind;

use acs_cli::Failure;

/// Why a command that prints as it goes stopped.
pub(crate) enum Stopped {
    /// A call failed.
    Call(acs_runtime::Error),
    /// Standard output could not be written.
    Output(std::io::Error),
}

impl From<acs_runtime::Error> for Stopped {
    fn from(error: acs_runtime::Error) -> Self {
        Stopped::Call(error)
    }
}

impl From<std::io::Error> for Stopped {
    fn from(error: std::io::Error) -> Self {
        Stopped::Output(error)
    }
}

/// The command's outcome: a reader that closed the pipe (`| head`) is not a failure.
pub(crate) fn outcome(written: Result<(), Stopped>) -> Result<(), Failure> {
    match written {
        Err(Stopped::Output(error)) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(Stopped::Output(error)) => Err(Failure::Unexpected(format!(
            "cannot write to stdout: {error}"
        ))),
        Err(Stopped::Call(error)) => Err(Failure::Call(error)),
        Ok(()) => Ok(()),
    }
}
