//! What can go wrong in an import, with enough context (API, parameter path, overlay entry)
//! to fix the metadata or the overlay without a debugger.

use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

#[derive(Debug)]
pub enum ImportError {
    /// The metadata is not JSON of OpenMeta's shape.
    Metadata(serde_json::Error),
    /// A facts file of the official SDK (`generator/official-sdk-facts/`) that does not parse
    /// or names what the metadata lacks.
    Facts(Diagnostic),
    /// The overlay is not YAML of the overlay's shape.
    OverlaySyntax(serde_saphyr::Error),
    /// An overlay entry that does not fit the imported operations.
    Overlay {
        /// The entry, e.g. ``operation `ListExecutions`, response path `Executions[].Foo` ``.
        at: String,
        problem: OverlayProblem,
    },
    /// A spec could not be written as YAML.
    Emit {
        file: PathBuf,
        source: serde_saphyr::SerializeError,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum OverlayProblem {
    UnknownOperation,
    UnknownSchema,
    InvalidPath {
        reason: String,
    },
    NoSuchField {
        name: String,
    },
    NotAnArray {
        name: String,
    },
    NotAMap {
        name: String,
    },
    UnknownParameter {
        name: String,
    },
    /// An added operation or parameter that the metadata has.
    InMetadata,
    /// An added operation whose `name` is not its key.
    NameMismatch {
        name: String,
    },
    /// An added parameter without a `name`.
    Unnamed,
    /// A `sensitive` that the import already gives: the importer's rule decided the same.
    SensitiveAsImported {
        sensitive: bool,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Metadata(error) => write!(f, "invalid OpenMeta metadata: {error}"),
            Self::Facts(diagnostic) => diagnostic.fmt(f),
            Self::OverlaySyntax(error) => write!(f, "invalid overlay: {error}"),
            Self::Overlay { at, problem } => write!(f, "overlay, {at}: {problem}"),
            Self::Emit { file, source } => {
                write!(f, "cannot write {} as YAML: {source}", file.display())
            }
        }
    }
}

impl fmt::Display for OverlayProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOperation => f.write_str("no such operation in the metadata"),
            Self::UnknownSchema => f.write_str("no such shared schema in the metadata"),
            Self::InvalidPath { reason } => write!(f, "invalid path: {reason}"),
            Self::NoSuchField { name } => write!(f, "no parameter or field `{name}` there"),
            Self::NotAnArray { name } => {
                write!(f, "`{name}` is not an array, so `[]` does not apply")
            }
            Self::NotAMap { name } => write!(f, "`{name}` is not a map, so `{{}}` does not apply"),
            Self::UnknownParameter { name } => write!(f, "no request parameter `{name}`"),
            Self::InMetadata => f.write_str(
                "the metadata has it now: remove the addition (refine it under `operations`)",
            ),
            Self::NameMismatch { name } => write!(f, "its `name` is `{name}`"),
            Self::Unnamed => f.write_str("it has no `name`"),
            Self::SensitiveAsImported { sensitive } => write!(
                f,
                "`sensitive: {sensitive}` is what the importer's rule already decides \
                 (spec/README.md): remove it"
            ),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Metadata(error) => Some(error),
            Self::OverlaySyntax(error) => Some(error),
            Self::Emit { source, .. } => Some(source),
            Self::Facts(_) | Self::Overlay { .. } => None,
        }
    }
}
