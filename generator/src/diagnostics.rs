//! Spec problems, reported all at once: each with file:line:column, what is wrong and a hint.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in which spec file a problem is. Lines and columns count from 1; `0` means unknown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceLocation {
    pub file: PathBuf,
    pub line: u64,
    pub column: u64,
}

impl SourceLocation {
    pub fn new(file: &Path, line: u64, column: u64) -> Self {
        Self {
            file: file.to_path_buf(),
            line,
            column,
        }
    }

    /// The start of the file, for problems no single node carries.
    pub fn file_start(file: &Path) -> Self {
        Self::new(file, 1, 1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub location: SourceLocation,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(location: SourceLocation, message: impl Into<String>) -> Self {
        Self {
            location,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SourceLocation { file, line, column } = &self.location;
        write!(
            f,
            "{}:{line}:{column}: error: {}",
            file.display(),
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Collects diagnostics in the order found; [`Diagnostics::into_sorted`] orders them by file
/// and position so that output is stable.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}
