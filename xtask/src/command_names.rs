//! `cargo xtask corpus --command-names PATH`: the fixture of `tests/tests/command_trees.rs`,
//! which builds the command tree of a sample of the corpus from the wire names its commands
//! take (each operation's action and the wire names of its flags, as the generator lowers
//! them), with the generator's spellings and the command-line engine, without the corpus.
//!
//! The sample holds the product-versions named by `--include` and every product-version some
//! of whose names the command cannot take as they are (spelled like an option or subcommand of
//! the engine's own), where the spelling rule matters.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The names one product-version's command takes.
pub struct Commands {
    /// Action → the wire names its flags set, in request order.
    operations: BTreeMap<String, Vec<String>>,
    /// Whether the generator spelled an operation or a flag otherwise than by its name.
    renamed: bool,
}

impl Commands {
    /// The command names of the product-version whose files (spec and generated, keyed by
    /// path from the workspace root) are `files`.
    pub fn of(dir: &str, files: &BTreeMap<PathBuf, String>) -> Result<Commands, String> {
        let spec_dir = Path::new("spec").join(dir);
        let specs = files
            .iter()
            .filter(|(path, _)| path.starts_with(&spec_dir))
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect();
        let service = acs_codegen::lower_from_texts(dir, &specs)
            .map_err(|error| format!("command names: {error}"))?;
        let mut renamed = false;
        let mut operations = BTreeMap::new();
        for operation in &service.operations {
            renamed |= operation.names.command.name != operation.name;
            let flags = operation
                .flags
                .iter()
                .map(|flag| {
                    let wire_name = flag.wire_name(operation);
                    renamed |= flag.names.name != wire_name;
                    wire_name.to_owned()
                })
                .collect();
            operations.insert(operation.name.clone(), flags);
        }
        Ok(Commands {
            operations,
            renamed,
        })
    }

    /// Whether the fixture holds this product-version's commands.
    pub fn chosen(&self, dir: &str, include: &[String]) -> bool {
        self.renamed || include.iter().any(|name| name == dir)
    }
}

/// Writes the fixture: `commands` by spec directory name, with how it was made.
pub fn write(
    path: &Path,
    include: &[String],
    commands: &BTreeMap<String, Commands>,
) -> Result<(), String> {
    let products: serde_json::Map<String, Value> = commands
        .iter()
        .map(|(dir, commands)| (dir.clone(), json!(commands.operations)))
        .collect();
    let fixture = json!({
        "made_by": format!(
            "cargo xtask corpus --openmeta-dir DIR --command-names {} --include {}",
            path.display(),
            include.join(",")
        ),
        "about": "Each operation's action and the wire names its flags set, for a sample of \
                  Alibaba Cloud's OpenMeta corpus: the products named by --include and every \
                  product whose command spells a name of its own.",
        "products": products,
    });
    let text = serde_json::to_string_pretty(&fixture).map_err(|error| error.to_string())? + "\n";
    fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}
