use std::process::ExitCode;

/// The documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    /// A response the command cannot use: it does not decode, or its pages repeat.
    Other = 1,
    Usage = 2,
    Service = 3,
    Network = 4,
    Configuration = 5,
    WaitTimedOut = 6,
    WaitFailed = 7,
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

/// Every exit code with its meaning, as `--help` ends.
pub const EXIT_CODES: &str = "Exit codes: 0 success; 1 unexpected response (undecodable, or \
pages that repeat); 2 usage error; 3 service error; 4 network error or timeout; \
5 credentials or configuration problem; 6 a wait timed out; 7 a wait ended in a failure status.";

/// Why a command that parsed did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The call failed, after its retries.
    Call(acs_runtime::Error),
    /// Options that contradict each other, or an expression that does not fit the response.
    Usage(String),
    /// Responses the command cannot use as asked (pages that repeat).
    Unexpected(String),
    WaitTimedOut(String),
    WaitFailed(String),
}

impl From<acs_runtime::Error> for Failure {
    fn from(error: acs_runtime::Error) -> Self {
        Failure::Call(error)
    }
}

impl Failure {
    /// Prints what went wrong to stderr and gives the exit status. A service error shows what
    /// a support ticket needs: code, message, request id, HTTP status.
    pub fn report(&self) -> ExitStatus {
        let (message, status) = match self {
            Failure::Call(error) => {
                report_call(error);
                return ExitStatus::of(error);
            }
            Failure::Usage(message) => (message, ExitStatus::Usage),
            Failure::Unexpected(message) => (message, ExitStatus::Other),
            Failure::WaitTimedOut(message) => (message, ExitStatus::WaitTimedOut),
            Failure::WaitFailed(message) => (message, ExitStatus::WaitFailed),
        };
        eprintln!("ERROR: {message}");
        status
    }
}

fn report_call(error: &acs_runtime::Error) {
    let Some(service) = error.as_service_error() else {
        eprintln!("ERROR: {error}");
        return;
    };
    eprintln!("ERROR: {}", service.code);
    eprintln!("Message: {}", service.message);
    eprintln!(
        "RequestId: {}",
        service.request_id.as_deref().unwrap_or("-")
    );
    eprintln!("HTTP status: {}", service.status);
    if let Some(recommend) = &service.recommend {
        eprintln!("Recommend: {recommend}");
    }
    if let Some(ours) = &service.client_string_to_sign {
        eprintln!("Client string to sign: {}", ours.replace('\n', "\\n"));
    }
}
