//! The official SDKs' half: one inputs file per product-version, `conformance/official.py` run
//! over them under `--python`, and what it recorded read back: for each action, the request
//! the official SDK sent, the inputs its models kept, dropped or held as text, and how it took
//! each reply.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::call_constants::{
    ACCESS_KEY_ID, ACCESS_KEY_SECRET, DATE, HTTP_DATE, NONCE, REGION, replies_for,
};
use super::compare::Recorded;
use super::{Options, Product, State, inputs};

#[derive(Debug, Deserialize)]
struct OfficialFile {
    port: u16,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    actions: BTreeMap<String, OfficialAction>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct OfficialAction {
    #[serde(default)]
    pub kept: Map<String, Value>,
    #[serde(default)]
    pub dropped: Vec<(String, String)>,
    #[serde(default)]
    pub adapted: Vec<String>,
    #[serde(default)]
    pub failure: Option<String>,
    #[serde(default)]
    pub request: Option<Recorded>,
    #[serde(default)]
    pub outcomes: BTreeMap<String, Value>,
}

/// Reads what the official SDK did for each product-version: its records of every action,
/// or why it could not call the product-version at all.
pub fn read_records(dir: &Path, products: &mut [Product]) -> Result<(), String> {
    for product in products {
        if !matches!(product.state, State::Compared) {
            continue;
        }
        let path = dir.join(format!("{}.json", product.dir));
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: OfficialFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(failure) = file.failure {
            product.state = State::Failed(failure);
            continue;
        }
        product.official_port = file.port;
        product.official = file.actions;
    }
    Ok(())
}

/// One inputs file per product-version to call, for the Python driver.
pub fn write_inputs(dir: &Path, products: &[Product]) -> Result<Vec<(PathBuf, usize)>, String> {
    let mut files = Vec::new();
    for product in products {
        if !matches!(product.state, State::Compared) {
            continue;
        }
        let xml = product.answers_in_xml();
        let content_type = if xml {
            "application/xml"
        } else {
            "application/json;charset=utf-8"
        };
        let replies: Vec<Value> = replies_for(xml)
            .into_iter()
            .map(|(name, status, body)| {
                json!({"name": name, "status": status, "body": body, "content_type": content_type})
            })
            .collect();
        let document = json!({
            "dir": product.dir,
            "module": product.package.module(),
            "region": REGION,
            "access_key_id": ACCESS_KEY_ID,
            "access_key_secret": ACCESS_KEY_SECRET,
            "nonce": NONCE,
            "date": DATE,
            "http_date": HTTP_DATE,
            "replies": replies,
            "actions": product.inputs.iter().map(inputs::ActionInputs::to_json).collect::<Vec<_>>(),
        });
        let path = dir.join(format!("{}.json", product.dir));
        fs::write(
            &path,
            serde_json::to_string_pretty(&document).expect("JSON"),
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path, product.inputs.len()));
    }
    Ok(files)
}

/// Runs the Python driver over the inputs files, in `--jobs` processes of about equal work.
pub fn run_python(
    root: &Path,
    options: &Options,
    inputs: &[(PathBuf, usize)],
    out_dir: &Path,
) -> Result<(), String> {
    let jobs = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let mut shares: Vec<(usize, Vec<&PathBuf>)> = vec![(0, Vec::new()); jobs];
    let mut by_size: Vec<&(PathBuf, usize)> = inputs.iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (path, actions) in by_size {
        let lightest = shares
            .iter_mut()
            .min_by_key(|(load, _)| *load)
            .expect("at least one job");
        lightest.0 += actions + 20;
        lightest.1.push(path);
    }
    let driver = root.join("conformance/official.py");
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for (_, paths) in shares.iter().filter(|(_, paths)| !paths.is_empty()) {
            let failures = &failures;
            let driver = &driver;
            scope.spawn(move || {
                let output = Command::new(&options.python)
                    .arg(driver)
                    .args(paths.iter())
                    .arg("--out-dir")
                    .arg(out_dir)
                    .output();
                match output {
                    Ok(output) if output.status.success() => {}
                    Ok(output) => failures.lock().expect("no panic").push(format!(
                        "{} failed: {}",
                        driver.display(),
                        String::from_utf8_lossy(&output.stderr)
                            .lines()
                            .rev()
                            .take(5)
                            .collect::<Vec<_>>()
                            .join(" / ")
                    )),
                    Err(error) => failures
                        .lock()
                        .expect("no panic")
                        .push(format!("cannot run {}: {error}", options.python.display())),
                }
            });
        }
    });
    let failures = failures.into_inner().expect("no panic");
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}
