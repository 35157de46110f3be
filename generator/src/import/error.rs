//! What can go wrong in an import, with enough context (API, parameter path, overlay entry)
//! to fix the metadata or the overlay without a debugger.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum ImportError {
    /// The metadata is not JSON of OpenMeta's shape.
    Metadata(serde_json::Error),
    /// One API's metadata holds something the spec cannot express.
    Api {
        api: String,
        /// Where inside the API, e.g. ``request parameter `Filter[].Value` ``; empty for the API itself.
        at: String,
        problem: ApiProblem,
    },
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

#[derive(Debug)]
pub enum ApiProblem {
    UnsupportedType {
        ty: Option<String>,
        format: Option<String>,
    },
    ArrayWithoutItems,
    NotANumber {
        key: &'static str,
        value: String,
    },
    NotAScalar {
        key: &'static str,
        value: String,
    },
    NoSuccessResponse,
    ResponseDemo(serde_json::Error),
}

#[derive(Debug, PartialEq, Eq)]
pub enum OverlayProblem {
    UnknownOperation,
    InvalidPath { reason: String },
    NoSuchField { name: String },
    NotAnArray { name: String },
    NotAMap { name: String },
    UnknownParameter { name: String },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Metadata(error) => write!(f, "invalid OpenMeta metadata: {error}"),
            Self::Api { api, at, problem } if at.is_empty() => write!(f, "API {api}: {problem}"),
            Self::Api { api, at, problem } => write!(f, "API {api}, {at}: {problem}"),
            Self::OverlaySyntax(error) => write!(f, "invalid overlay: {error}"),
            Self::Overlay { at, problem } => write!(f, "overlay, {at}: {problem}"),
            Self::Emit { file, source } => {
                write!(f, "cannot write {} as YAML: {source}", file.display())
            }
        }
    }
}

impl fmt::Display for ApiProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedType { ty, format } => {
                let ty = ty.as_deref().unwrap_or("(none)");
                match format {
                    Some(format) => write!(f, "unsupported type `{ty}` with format `{format}`"),
                    None => write!(f, "unsupported type `{ty}`"),
                }
            }
            Self::ArrayWithoutItems => f.write_str("array without `items`"),
            Self::NotANumber { key, value } => write!(f, "`{key}` is not a valid number: {value}"),
            Self::NotAScalar { key, value } => {
                write!(f, "`{key}` is not a string, number or boolean: {value}")
            }
            Self::NoSuccessResponse => f.write_str("no `200` response"),
            Self::ResponseDemo(error) => write!(f, "`responseDemo` is not a JSON list: {error}"),
        }
    }
}

impl fmt::Display for OverlayProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOperation => f.write_str("no such operation in the metadata"),
            Self::InvalidPath { reason } => write!(f, "invalid path: {reason}"),
            Self::NoSuchField { name } => write!(f, "no parameter or field `{name}` there"),
            Self::NotAnArray { name } => {
                write!(f, "`{name}` is not an array, so `[]` does not apply")
            }
            Self::NotAMap { name } => write!(f, "`{name}` is not a map, so `{{}}` does not apply"),
            Self::UnknownParameter { name } => write!(f, "no request parameter `{name}`"),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Metadata(error) => Some(error),
            Self::Api {
                problem: ApiProblem::ResponseDemo(error),
                ..
            } => Some(error),
            Self::OverlaySyntax(error) => Some(error),
            Self::Emit { source, .. } => Some(source),
            Self::Api { .. } | Self::Overlay { .. } => None,
        }
    }
}
