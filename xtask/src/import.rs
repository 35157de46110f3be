//! `cargo xtask import --openmeta PATH [--check]`: brings `spec/<product>/` in line with
//! OpenMeta metadata and the product's overlay, or (`--check`) reports where it is not.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::import;

pub const USAGE: &str = "import --openmeta PATH [--check]";
/// Lines shown of each side of a file that would change.
const DIFF_LINES: usize = 3;

#[derive(Debug, PartialEq, Eq)]
struct Options {
    openmeta: PathBuf,
    check: bool,
}

pub fn run(args: &[String]) -> ExitCode {
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\nusage: cargo xtask {USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a workspace directory");
    if options.check && !options.openmeta.exists() {
        println!(
            "OpenMeta metadata not found at {}: drift check skipped",
            options.openmeta.display()
        );
        return ExitCode::SUCCESS;
    }
    match import_into(workspace, &options) {
        Ok(clean) if clean => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("import: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut openmeta = None;
    let mut check = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--openmeta" => {
                let path = args.next().ok_or("--openmeta needs a path")?;
                openmeta = Some(PathBuf::from(path));
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let openmeta = openmeta.ok_or("--openmeta PATH is required")?;
    Ok(Options { openmeta, check })
}

/// What an import would do to the spec directory.
#[derive(Debug, Default)]
struct Plan {
    /// Files to write, with their current content (`None`: new).
    changed: BTreeMap<PathBuf, (Option<String>, String)>,
    unchanged: usize,
    /// Operation files whose operation is gone from the metadata.
    stale: Vec<PathBuf>,
}

/// Imports (or checks); `Ok(false)` when `--check` found drift.
fn import_into(workspace: &Path, options: &Options) -> Result<bool, String> {
    let started = Instant::now();
    let openmeta = &options.openmeta;
    let metadata = fs::read_to_string(openmeta)
        .map_err(|error| format!("cannot read {}: {error}", openmeta.display()))?;
    let product = import::product_code(&metadata).map_err(|error| error.to_string())?;
    let spec_dir = workspace.join("spec").join(&product);
    let overlay_file = spec_dir.join("overlay.yaml");
    let overlay = match fs::read_to_string(&overlay_file) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("cannot read {}: {error}", overlay_file.display())),
    };
    let files = import::import(&metadata, overlay.as_deref()).map_err(|error| error.to_string())?;
    let plan = plan(&spec_dir, files)?;
    let shown = |file: &Path| {
        Path::new("spec")
            .join(&product)
            .join(file)
            .display()
            .to_string()
    };
    let elapsed = started.elapsed().as_secs_f64();
    if options.check {
        for (file, (current, imported)) in &plan.changed {
            match current {
                Some(current) => println!(
                    "{} would change:\n{}",
                    shown(file),
                    first_difference(current, imported)
                ),
                None => println!("{} would be created", shown(file)),
            }
        }
        for file in &plan.stale {
            println!("{} would be removed", shown(file));
        }
        let drift = plan.changed.len() + plan.stale.len();
        if drift > 0 {
            println!(
                "import --check: {drift} file(s) of spec/{product} differ from {} ({elapsed:.2}s); \
                 run `cargo xtask import --openmeta {}`",
                openmeta.display(),
                openmeta.display()
            );
            return Ok(false);
        }
        println!(
            "import --check: spec/{product} matches {} ({} files, {elapsed:.2}s)",
            openmeta.display(),
            plan.unchanged
        );
        return Ok(true);
    }
    for (file, (_, imported)) in &plan.changed {
        let path = spec_dir.join(file);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        fs::write(&path, imported)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    for file in &plan.stale {
        let path = spec_dir.join(file);
        fs::remove_file(&path)
            .map_err(|error| format!("cannot remove {}: {error}", path.display()))?;
    }
    println!(
        "import: spec/{product}: {} written, {} unchanged, {} removed in {:.2}s",
        plan.changed.len(),
        plan.unchanged,
        plan.stale.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(true)
}

fn plan(spec_dir: &Path, files: BTreeMap<PathBuf, String>) -> Result<Plan, String> {
    let mut plan = Plan::default();
    let operations_dir = spec_dir.join("operations");
    if operations_dir.is_dir() {
        let entries = fs::read_dir(&operations_dir)
            .map_err(|error| format!("cannot list {}: {error}", operations_dir.display()))?;
        for entry in entries {
            let entry = entry
                .map_err(|error| format!("cannot list {}: {error}", operations_dir.display()))?;
            let file = Path::new("operations").join(entry.file_name());
            let is_yaml = file
                .extension()
                .is_some_and(|extension| extension == "yaml");
            if is_yaml && !files.contains_key(&file) {
                plan.stale.push(file);
            }
        }
        plan.stale.sort();
    }
    for (file, imported) in files {
        let current = fs::read_to_string(spec_dir.join(&file)).ok();
        if current.as_deref() == Some(imported.as_str()) {
            plan.unchanged += 1;
        } else {
            plan.changed.insert(file, (current, imported));
        }
    }
    Ok(plan)
}

/// The first differing lines of `current` and `imported`, in `-`/`+` form: the lines between
/// their common beginning and common end, at most [`DIFF_LINES`] of each side.
fn first_difference(current: &str, imported: &str) -> String {
    let current: Vec<&str> = current.lines().collect();
    let imported: Vec<&str> = imported.lines().collect();
    let prefix = current
        .iter()
        .zip(&imported)
        .take_while(|(old, new)| old == new)
        .count();
    let suffix = current[prefix..]
        .iter()
        .rev()
        .zip(imported[prefix..].iter().rev())
        .take_while(|(old, new)| old == new)
        .count();
    let removed = &current[prefix..current.len() - suffix];
    let added = &imported[prefix..imported.len() - suffix];
    let mut shown = Vec::new();
    for (sign, lines) in [('-', removed), ('+', added)] {
        for (offset, line) in lines.iter().take(DIFF_LINES).enumerate() {
            shown.push(format!("  {:>5} {sign} {line}", prefix + offset + 1));
        }
        if lines.len() > DIFF_LINES {
            shown.push(format!(
                "        {sign} … {} more",
                lines.len() - DIFF_LINES
            ));
        }
    }
    shown.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{Options, first_difference, parse_args};
    use std::path::PathBuf;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn parses_path_and_check_in_any_order() {
        let expected = Options {
            openmeta: PathBuf::from("a.json"),
            check: true,
        };
        assert_eq!(
            parse_args(&args(&["--openmeta", "a.json", "--check"])),
            Ok(expected)
        );
        let expected = Options {
            openmeta: PathBuf::from("a.json"),
            check: true,
        };
        assert_eq!(
            parse_args(&args(&["--check", "--openmeta", "a.json"])),
            Ok(expected)
        );
    }

    #[test]
    fn rejects_missing_path_and_unknown_flags() {
        assert_eq!(
            parse_args(&args(&["--check"])),
            Err("--openmeta PATH is required".to_owned())
        );
        assert_eq!(
            parse_args(&args(&["--openmeta"])),
            Err("--openmeta needs a path".to_owned())
        );
        assert_eq!(
            parse_args(&args(&["--openmeta", "a.json", "--force"])),
            Err("unexpected argument `--force`".to_owned())
        );
    }

    #[test]
    fn difference_shows_only_the_changed_lines() {
        let current = "a\nb\nc\nd\n";
        let imported = "a\nb\nX\nd\n";
        assert_eq!(
            first_difference(current, imported),
            "      3 - c\n      3 + X"
        );
    }

    #[test]
    fn difference_of_an_insertion_shows_the_inserted_lines() {
        assert_eq!(
            first_difference("a\nd\n", "a\nb\nc\nd\n"),
            "      2 + b\n      3 + c"
        );
    }

    #[test]
    fn difference_is_cut_after_a_few_lines() {
        assert_eq!(
            first_difference("a\n", "a\n1\n2\n3\n4\n5\n"),
            "      2 + 1\n      3 + 2\n      4 + 3\n        + … 2 more"
        );
    }
}
