//! What the importer's secrets rule (`acs_codegen::import::sensitive`) decides over a corpus:
//! the counts `cargo xtask corpus` prints, and the reviewable report it writes with
//! `--sensitive-report FILE` (or checks with `--sensitive-report-check`): one line per distinct
//! name that the rule marks, and one per name that has a secret's word but is not marked,
//! each with how often it occurs, in how many product-versions, and one place it occurs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use acs_codegen::import::sensitive::{Judged, Reason, Side};

/// The command that writes the report, as the report says.
const COMMAND: &str =
    "cargo xtask corpus --openmeta-dir <corpus> --sensitive-report generator/sensitive-fields.md";

/// Everything the rule decided, product-version by product-version.
#[derive(Default)]
pub struct Tally {
    /// Per name: marked or not, and where.
    names: BTreeMap<(bool, String), NameTally>,
    /// Marked values per side.
    marked: BTreeMap<Side, usize>,
    /// Marked request parameters themselves, not fields inside them.
    marked_parameters: usize,
    /// Product-versions with a marked value, per side, and with any.
    product_versions: BTreeMap<Option<Side>, BTreeSet<String>>,
}

#[derive(Default)]
struct NameTally {
    count: usize,
    product_versions: BTreeSet<String>,
    reasons: BTreeSet<Reason>,
    types: BTreeSet<String>,
    /// The first place seen, in the corpus's order.
    example: Option<String>,
}

impl Tally {
    /// Adds what the rule decided in the product-version `label` (`ecs 2014-05-26`).
    pub fn add(&mut self, label: &str, judged: &[Judged]) {
        for value in judged {
            let marked = value.secret.is_some();
            let name = self.names.entry((marked, value.name.clone())).or_default();
            name.count += 1;
            name.product_versions.insert(label.to_owned());
            name.reasons.extend(value.secret);
            name.types.insert(value.ty.clone());
            name.example.get_or_insert_with(|| {
                format!(
                    "{label} {} {} `{}`",
                    value.owner,
                    value.side.as_str(),
                    value.path
                )
            });
            if marked {
                *self.marked.entry(value.side).or_default() += 1;
                if value.side == Side::Request && value.path == value.name {
                    self.marked_parameters += 1;
                }
                for side in [Some(value.side), None] {
                    self.product_versions
                        .entry(side)
                        .or_default()
                        .insert(label.to_owned());
                }
            }
        }
    }

    fn marked_in(&self, side: Side) -> (usize, usize) {
        (
            self.marked.get(&side).copied().unwrap_or_default(),
            self.product_versions
                .get(&Some(side))
                .map_or(0, BTreeSet::len),
        )
    }

    /// One paragraph of counts, as `cargo xtask corpus` prints them.
    pub fn summary(&self) -> String {
        let (request, request_pvs) = self.marked_in(Side::Request);
        let (response, response_pvs) = self.marked_in(Side::Response);
        let (schema, schema_pvs) = self.marked_in(Side::Schema);
        let with_any = self.product_versions.get(&None);
        let any = with_any.map_or(0, BTreeSet::len);
        // A label is the product's code, a space and the version.
        let products = with_any.map_or(0, |labels| {
            labels
                .iter()
                .filter_map(|label| label.split(' ').next())
                .collect::<BTreeSet<_>>()
                .len()
        });
        let distinct = self.names.keys().filter(|(marked, _)| *marked).count();
        format!(
            "sensitive: {} values marked by the rule in {any} product-versions of {products} products \
             ({distinct} distinct names): \
             {request} request parameters and fields (in {request_pvs} product-versions; \
             {} top-level parameters), \
             {response} response fields (in {response_pvs}), {schema} fields of shared schemas (in {schema_pvs})",
            request + response + schema,
            self.marked_parameters,
        )
    }

    /// The report: a Markdown file of the counts and both tables.
    pub fn report(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "# Secrets found by the importer's rule\n\n\
             Written by `{COMMAND}` over the published OpenMeta metadata; CI checks it is current.\n\
             The rule is `generator/src/import/sensitive.rs` (described in `spec/README.md`); a\n\
             product's `overlay.yaml` overrides it for one value either way (`sensitive: true` or\n\
             `false` at the path shown).\n\n{}.\n",
            self.summary().trim_start_matches("sensitive: ")
        );
        let _ = writeln!(
            text,
            "## Marked sensitive\n\n\
             Why: the name says so, the description does (the name alone does not), or what\n\
             encloses the value does (a `Value` in a `Password` object).\n"
        );
        self.table(&mut text, true);
        let _ = writeln!(
            text,
            "\n## Named like a secret, not marked\n\n\
             Values with a secret's word in their name that the rule passes over: page and client\n\
             tokens, IDs, names, types, flags, numbers, lists of fixed values, and values whose\n\
             description says what they are.\n"
        );
        self.table(&mut text, false);
        text
    }

    fn table(&self, text: &mut String, marked: bool) {
        let mut rows: Vec<(&String, &NameTally)> = self
            .names
            .iter()
            .filter(|((is_marked, _), _)| *is_marked == marked)
            .map(|((_, name), tally)| (name, tally))
            .collect();
        rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
        let kind = if marked { "why" } else { "type" };
        let _ = writeln!(
            text,
            "| name | values | product-versions | {kind} | for example |\n| --- | ---: | ---: | --- | --- |"
        );
        for (name, tally) in rows {
            let kind: Vec<&str> = if marked {
                tally.reasons.iter().map(|reason| reason.as_str()).collect()
            } else {
                tally.types.iter().map(String::as_str).collect()
            };
            let _ = writeln!(
                text,
                "| `{}` | {} | {} | {} | {} |",
                name.replace('|', "\\|"),
                tally.count,
                tally.product_versions.len(),
                kind.join(", "),
                tally
                    .example
                    .as_deref()
                    .unwrap_or_default()
                    .replace('|', "\\|"),
            );
        }
    }
}

/// Writes the report to `file`, or with `check` compares it, printing the first line that
/// differs; `false` when the check finds it stale.
pub fn write_or_check(tally: &Tally, file: &Path, check: bool) -> bool {
    let report = tally.report();
    if !check {
        return match fs::write(file, report) {
            Ok(()) => {
                println!("sensitive: report written to {}", file.display());
                true
            }
            Err(error) => {
                eprintln!("sensitive: cannot write {}: {error}", file.display());
                false
            }
        };
    }
    let committed = fs::read_to_string(file).unwrap_or_default();
    if committed == report {
        println!("sensitive: {} is current", file.display());
        return true;
    }
    let mismatch = committed
        .lines()
        .zip(report.lines())
        .position(|(old, new)| old != new)
        .unwrap_or_else(|| committed.lines().count().min(report.lines().count()));
    eprintln!(
        "sensitive: {} is stale from line {}:\n  committed: {}\n  now:       {}\nrun `{COMMAND}` and commit",
        file.display(),
        mismatch + 1,
        committed.lines().nth(mismatch).unwrap_or("(end of file)"),
        report.lines().nth(mismatch).unwrap_or("(end of file)"),
    );
    false
}
