//! Spec files as text: YAML from the spec structs (their field order is the key order;
//! long and multi-line strings become block scalars), under a header naming their origin.

use std::path::Path;

use serde::Serialize;

use super::error::ImportError;

/// The first line of every imported file.
pub const HEADER: &str = "# Imported from OpenMeta by `cargo xtask import`; \
                          hand refinements belong in overlay.yaml, not here.";

pub(crate) fn yaml_file(file: &Path, spec: &impl Serialize) -> Result<String, ImportError> {
    let body = serde_saphyr::to_string(spec).map_err(|source| ImportError::Emit {
        file: file.to_owned(),
        source,
    })?;
    Ok(format!("{HEADER}\n{body}"))
}
