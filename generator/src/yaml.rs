//! The one place that knows which YAML library reads the spec (serde-saphyr: pure Rust, no
//! `unsafe`, maintained, and its errors carry line and column). Swapping the library means
//! changing this file and the `Spanned` type re-exported below.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, SourceLocation};

pub use serde_saphyr::{Location, Spanned};

/// Parses one spec file, turning a syntax or shape error into a diagnostic at its position.
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str(text).map_err(|error| {
        let location = error
            .location()
            .map(|at| SourceLocation::new(file, at.line(), at.column()))
            .unwrap_or_else(|| SourceLocation::file_start(file));
        Diagnostic::new(location, first_line_without_position(&error.to_string()))
    })
}

/// The location of a spanned value in `file`.
pub fn location_of<T>(file: &Path, value: &Spanned<T>) -> SourceLocation {
    SourceLocation::new(file, value.referenced.line(), value.referenced.column())
}

/// Wraps a value with no source position, for spec values built in code (the importer).
pub fn unspanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN)
}

/// serde-saphyr renders `error: line L column C: what` followed by a source snippet; the
/// diagnostic already carries the position, so keep only `what`.
fn first_line_without_position(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or(rendered);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.split_once(": ") {
        Some((position, rest)) if position.starts_with("line ") => rest.to_string(),
        _ => first.to_string(),
    }
}
