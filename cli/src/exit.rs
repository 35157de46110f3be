use std::process::ExitCode;

/// The documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Other = 1,
    Usage = 2,
    Service = 3,
    Network = 4,
    Configuration = 5,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}

impl ExitStatus {
    /// The exit status for a failed call.
    pub fn of(error: &acs_runtime::Error) -> Self {
        match error {
            acs_runtime::Error::Service(_) => ExitStatus::Service,
            acs_runtime::Error::Timeout(_) | acs_runtime::Error::Connection(_) => {
                ExitStatus::Network
            }
            acs_runtime::Error::Credentials(_) | acs_runtime::Error::Config(_) => {
                ExitStatus::Configuration
            }
            acs_runtime::Error::Build(_) => ExitStatus::Usage,
            _ => ExitStatus::Other,
        }
    }
}
