//! Making the files on disk match the generated ones: write what changed (so mtimes of the
//! rest stay put and nothing rebuilds needlessly), remove orphans, or in check mode report
//! drift without writing. Writes go through a temporary file and a rename, after everything
//! was rendered in memory, so a failed run never leaves a half-written tree.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What a sync did (or, in check mode, would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub written: Vec<PathBuf>,
    pub unchanged: usize,
    pub removed: Vec<PathBuf>,
    /// Check mode: one entry per stale, missing or extra file, with a short diff.
    pub drift: Vec<String>,
}

impl Report {
    /// Both reports as one.
    pub fn merge(mut self, other: Report) -> Report {
        self.written.extend(other.written);
        self.unchanged += other.unchanged;
        self.removed.extend(other.removed);
        self.drift.extend(other.drift);
        self
    }
}

/// Syncs `files` (paths relative to `root`) into `owned`: directories (relative to `root`)
/// that hold nothing but generated files, and single generated files, which are removed when
/// `files` no longer has them. `kept` are files known to be up to date already, counted as
/// unchanged without being read.
pub fn sync(
    root: &Path,
    owned: &[PathBuf],
    files: &BTreeMap<PathBuf, String>,
    kept: &[PathBuf],
    mode: Mode,
) -> io::Result<Report> {
    let mut report = Report {
        unchanged: kept.len(),
        ..Report::default()
    };
    let kept: std::collections::BTreeSet<&PathBuf> = kept.iter().collect();
    for (path, contents) in files {
        let full = root.join(path);
        let current = match fs::read_to_string(&full) {
            Ok(text) => Some(text.replace("\r\n", "\n")),
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => return Err(error),
        };
        match (current, mode) {
            (Some(current), _) if current == *contents => report.unchanged += 1,
            (current, Mode::Check) => report.drift.push(match current {
                Some(current) => format!(
                    "stale: {}\n{}",
                    path.display(),
                    short_diff(&current, contents)
                ),
                None => format!("missing: {}", path.display()),
            }),
            (_, Mode::Write) => {
                write_atomically(&full, contents)?;
                report.written.push(path.clone());
            }
        }
    }
    for dir in owned {
        for orphan in files_under(&root.join(dir))? {
            let relative = orphan.strip_prefix(root).unwrap_or(&orphan).to_path_buf();
            if files.contains_key(&relative) || kept.contains(&relative) {
                continue;
            }
            match mode {
                Mode::Check => report.drift.push(format!("extra: {}", relative.display())),
                Mode::Write => {
                    fs::remove_file(&orphan)?;
                    remove_empty_parents(&orphan, &root.join(dir))?;
                    report.removed.push(relative);
                }
            }
        }
    }
    Ok(report)
}

/// Removes the directories above `removed` that it left empty, up to `stop`: a crate
/// directory without files would break the workspace's `generated/*` member glob.
fn remove_empty_parents(removed: &Path, stop: &Path) -> io::Result<()> {
    let mut dir = removed.parent();
    while let Some(current) = dir {
        if current == stop || fs::read_dir(current)?.next().is_some() {
            break;
        }
        fs::remove_dir(current)?;
        dir = current.parent();
    }
    Ok(())
}

fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path)
}

/// The files under `dir`, or `dir` itself when it is a file.
fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path)
            } else {
                found.push(path)
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The first few differing lines, `-` for what is on disk and `+` for what would be written.
fn short_diff(current: &str, wanted: &str) -> String {
    const MAX_LINES: usize = 6;
    let current: Vec<&str> = current.lines().collect();
    let wanted: Vec<&str> = wanted.lines().collect();
    let first = current
        .iter()
        .zip(&wanted)
        .position(|(a, b)| a != b)
        .unwrap_or(current.len().min(wanted.len()));
    let mut diff = vec![format!("  @@ line {} @@", first + 1)];
    diff.extend(
        current
            .iter()
            .skip(first)
            .take(MAX_LINES / 2)
            .map(|line| format!("  - {line}")),
    );
    diff.extend(
        wanted
            .iter()
            .skip(first)
            .take(MAX_LINES / 2)
            .map(|line| format!("  + {line}")),
    );
    diff.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("acs-codegen-sync-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("out")).unwrap();
        dir
    }

    #[test]
    fn writes_changes_removes_orphans_and_reports_drift() {
        let root = scratch("cycle");
        fs::write(root.join("out/orphan.rs"), "old").unwrap();
        fs::create_dir_all(root.join("out/gone/src")).unwrap();
        fs::write(root.join("out/gone/src/lib.rs"), "old").unwrap();
        fs::write(root.join("out/same.rs"), "same\n").unwrap();
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from("out/same.rs"), "same\n".to_string());
        files.insert(PathBuf::from("out/new.rs"), "new\n".to_string());
        let owned = [PathBuf::from("out")];

        let check = sync(&root, &owned, &files, &[], Mode::Check).unwrap();
        assert_eq!(
            check.drift,
            vec![
                "missing: out/new.rs",
                "extra: out/gone/src/lib.rs",
                "extra: out/orphan.rs"
            ]
        );
        assert!(
            !root.join("out/new.rs").exists(),
            "check mode must not write"
        );

        let write = sync(&root, &owned, &files, &[], Mode::Write).unwrap();
        assert_eq!(write.written, vec![PathBuf::from("out/new.rs")]);
        assert_eq!(
            write.removed,
            vec![
                PathBuf::from("out/gone/src/lib.rs"),
                PathBuf::from("out/orphan.rs")
            ]
        );
        assert!(
            !root.join("out/gone").exists(),
            "emptied directories are removed"
        );
        assert!(root.join("out").exists());
        assert_eq!(write.unchanged, 1);

        let again = sync(&root, &owned, &files, &[], Mode::Write).unwrap();
        assert!(again.written.is_empty() && again.removed.is_empty());
        assert_eq!(again.unchanged, 2);

        fs::write(root.join("out/same.rs"), "edited\n").unwrap();
        let stale = sync(&root, &owned, &files, &[], Mode::Check).unwrap();
        assert_eq!(stale.drift.len(), 1);
        assert!(stale.drift[0].starts_with("stale: out/same.rs"));
        assert!(stale.drift[0].contains("  - edited") && stale.drift[0].contains("  + same"));
        fs::remove_dir_all(&root).unwrap();
    }
}
