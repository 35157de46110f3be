//! Reads the official SDK's facts of a product-version (`generator/official-sdk-facts/`, see
//! `acs_codegen::import::facts`) for every task that imports: `import`, its `--check`, and
//! `corpus`. The importer itself only takes them as data.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use acs_codegen::import::{OfficialSdkFacts, facts};

/// The facts of `product` `version`, or `None` when the official SDK has none for it.
pub fn read(root: &Path, product: &str, version: &str) -> Result<Option<OfficialSdkFacts>, String> {
    let file = PathBuf::from(facts::FACTS_DIR).join(facts::file_name(product, version));
    let text = match fs::read_to_string(root.join(&file)) {
        Ok(text) => text,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read {}: {error}", file.display())),
    };
    OfficialSdkFacts::parse(&file, &text)
        .map(Some)
        .map_err(|diagnostic| diagnostic.to_string())
}
