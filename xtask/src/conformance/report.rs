//! The run's results: CONFORMANCE.md, a summary for the terminal, and the list of
//! differences in the form `--expect` reads.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::action_results::{ActionOutcome, ActionResult};
use super::{Product, State, Timings};

/// `dir<TAB>action<TAB>side<TAB>class` for every difference found.
pub fn known(products: &[Product]) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    for product in products {
        for (side, results) in [("sdk", &product.sdk), ("cli", &product.cli)] {
            for result in results.iter() {
                if let ActionOutcome::Differs(differences) = &result.outcome {
                    for difference in differences {
                        lines.insert(format!(
                            "{}\t{}\t{side}\t{}",
                            product.dir, result.action, difference.class
                        ));
                    }
                }
            }
        }
    }
    lines
}

pub fn expected_text(lines: &BTreeSet<String>) -> String {
    let mut text = String::from(
        "# Differences from the official SDKs known to `cargo xtask conformance --expect`:\n\
         # dir<TAB>action<TAB>side<TAB>class, as `--write-expected` writes them. CI fails on any\n\
         # other; remove a line once its difference is fixed.\n",
    );
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

pub fn parse_expected(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Counts of one side of one product-version.
#[derive(Default, Clone, Copy)]
struct Counts {
    compared: usize,
    identical: usize,
    differing: usize,
    not_compared: usize,
    with_dropped_inputs: usize,
}

impl Counts {
    fn of(results: &[ActionResult]) -> Self {
        let mut counts = Counts::default();
        for result in results {
            match &result.outcome {
                ActionOutcome::NotCompared(_) => counts.not_compared += 1,
                ActionOutcome::Identical => {
                    counts.compared += 1;
                    counts.identical += 1;
                }
                ActionOutcome::Differs(_) => {
                    counts.compared += 1;
                    counts.differing += 1;
                }
            }
            if !result.dropped.is_empty()
                && !matches!(result.outcome, ActionOutcome::NotCompared(_))
            {
                counts.with_dropped_inputs += 1;
            }
        }
        counts
    }

    fn add(&mut self, other: Counts) {
        self.compared += other.compared;
        self.identical += other.identical;
        self.differing += other.differing;
        self.not_compared += other.not_compared;
        self.with_dropped_inputs += other.with_dropped_inputs;
    }
}

/// Every class, with the actions it holds by side, the product-versions and a few examples.
#[derive(Default)]
struct Class {
    actions: usize,
    products: BTreeSet<String>,
    examples: Vec<String>,
}

fn classes(products: &[Product], side: &str) -> BTreeMap<String, Class> {
    let mut classes: BTreeMap<String, Class> = BTreeMap::new();
    for product in products {
        let results = if side == "sdk" {
            &product.sdk
        } else {
            &product.cli
        };
        for result in results {
            let ActionOutcome::Differs(differences) = &result.outcome else {
                continue;
            };
            let mut seen = BTreeSet::new();
            for difference in differences {
                if !seen.insert(&difference.class) {
                    continue;
                }
                let class = classes.entry(difference.class.clone()).or_default();
                class.actions += 1;
                class.products.insert(product.dir.clone());
                if class.examples.len() < 3
                    && !class
                        .examples
                        .iter()
                        .any(|e| e.starts_with(&format!("{} ", product.dir)))
                {
                    let detail = if difference.detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", difference.detail)
                    };
                    class
                        .examples
                        .push(format!("{} {}{detail}", product.dir, result.action));
                }
            }
        }
    }
    classes
}

/// Where in our code a class of difference probably comes from, as far as it is known: the
/// class (a prefix when it ends in `*`), the product-versions it is known in (all when none),
/// and the cause.
const CAUSES: &[(&str, &[&str], &str)] = &[
    (
        "parameter only in ours*",
        &[],
        "ours requires a parameter that the input, as the metadata names it, cannot give the official Python model, so ours sends it alone. IDRS `CreateTaskGroup`'s `VideoInfo`: kept, since the official Go SDK (`aliyun/alibabacloud-go-sdk`) has it in its `CreateTaskGroupRequest` (`VideoInfo []*CreateTaskGroupRequestVideoInfo`, `idrsservice-20200630/client/client.go`) though the Python 1.0.0 model lacks it. AgentRun's `body` is a typed model in both (`CreateSandboxInput`, …), while the metadata's `$ref` names a schema its `components` lack, so ours takes free-form JSON, which the harness's free-form input fills with fields that model does not have. DMS Enterprise `CreateWorkspace`'s `RegionId`: the metadata requires `RegionId` and lists no `WorkspaceRegion`, while both official models (Python 3.0.0 and Go `CreateWorkspaceRequest`) have a required `WorkspaceRegion` and no `RegionId`; ours follows the metadata",
    ),
    (
        "value",
        &["idrsservice"],
        "IDRS signs with the v2 RPC signature, which is in the query and covers every parameter sent: ours sends `VideoInfo`, which the official Python model lacks (see `parameter only in ours`), so the two `Signature`s differ",
    ),
    (
        "reply 200 with Code: official error, ours success",
        &["hcs-mgw"],
        "the official SDK's fault: its OSS gateway reads any non-empty body of a success as the response model registered for the action (`OSS_UtilClient.parse_xml(body_str, request.action)` in `modify_response`, `alibabacloud_gateway_oss/client.py` 0.0.30, which looks up `instanceRegistry[apiName]`, `alibabacloud_gateway_oss_util/client.py` 0.0.14, line 224), and the registry has no entry for these actions (hcs-mgw's `Create*`, `Delete*`, `Update*`), so it raises `KeyError` on any body, XML included, and can read only an empty one. Their metadata describes no response body, and ours reads none",
    ),
    (
        "body: official none, ours JSON",
        &["agentrun"],
        "follows from `parameter only in ours (JSON body)`: AgentRun's required `body`, which the official model could not take from the free-form input, is sent by ours alone as a JSON body",
    ),
    (
        "header only in ours: content-type",
        &["agentrun"],
        "follows from `body: official none, ours JSON`: ours sends AgentRun's body with its content type",
    ),
    (
        "signed headers: ours signs content-type, which the official request lacks",
        &["agentrun"],
        "follows from `header only in ours: content-type`: ours signs the content type it sends",
    ),
    (
        "ours failed: sign",
        &["outboundbot"],
        "OutboundBot `SaveAnnotationMissionSessionList`: the inputs (two elements in every list, every field set) make an 86,625-byte query; the `http` crate's `Uri`, which hyper sends, holds at most 65,534 bytes, so ours refuses the call with an error that names the length (`runtime/src/request.rs`), where the official SDK's `requests` sends it. Whether the service takes a URL that long is not known here",
    ),
    (
        "reply 200 with Code: official success, ours error",
        &["outboundbot"],
        "follows from `ours failed: sign`: ours made no request, so it reports the error, not the reply",
    ),
];

fn cause(class: &str, products: &BTreeSet<String>) -> &'static str {
    CAUSES
        .iter()
        .find(|(key, scope, _)| {
            let matches = match key.strip_suffix('*') {
                Some(prefix) => class.starts_with(prefix),
                None => class == *key,
            };
            matches
                && (scope.is_empty()
                    || products
                        .iter()
                        .all(|product| scope.contains(&product.as_str())))
        })
        .map_or("", |(_, _, cause)| cause)
}

fn git(root: &Path, args: &[&str]) -> String {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}

/// Markdown-safe text for a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn seconds(duration: std::time::Duration) -> String {
    let total = duration.as_secs();
    if total >= 60 {
        format!("{} min {} s", total / 60, total % 60)
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

pub fn summary(products: &[Product]) -> String {
    let mut sdk = Counts::default();
    let mut cli = Counts::default();
    for product in products {
        sdk.add(Counts::of(&product.sdk));
        cli.add(Counts::of(&product.cli));
    }
    let mut text = format!(
        "conformance: SDK: {} actions compared, {} identical, {} differing, {} not compared\n",
        sdk.compared, sdk.identical, sdk.differing, sdk.not_compared
    );
    if cli.compared + cli.not_compared > 0 {
        writeln!(
            text,
            "conformance: CLI: {} actions compared, {} identical, {} differing",
            cli.compared, cli.identical, cli.differing
        )
        .expect("a String");
    }
    for (side, name) in [("sdk", "SDK"), ("cli", "CLI")] {
        for (class, found) in classes(products, side) {
            writeln!(
                text,
                "  {name} {:>5} actions, {:>3} product-versions: {class}",
                found.actions,
                found.products.len()
            )
            .expect("a String");
        }
    }
    text
}

/// The whole report.
pub fn markdown(root: &Path, command: &str, timings: &Timings, products: &[Product]) -> String {
    let mut text = String::new();
    let branch = git(root, &["rev-parse", "--abbrev-ref", "HEAD"]);
    let commit = git(root, &["rev-parse", "--short", "HEAD"]);
    let dirty = !git(root, &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    let compared: Vec<&Product> = products
        .iter()
        .filter(|product| matches!(product.state, State::Compared))
        .collect();
    let mut sdk = Counts::default();
    let mut cli = Counts::default();
    let mut by_style: BTreeMap<&str, usize> = BTreeMap::new();
    for product in &compared {
        sdk.add(Counts::of(&product.sdk));
        cli.add(Counts::of(&product.cli));
        *by_style.entry(product.style.as_str()).or_default() += 1;
    }
    let operations: usize = compared.iter().map(|product| product.operations).sum();
    writeln!(
        text,
        "# Conformance with Alibaba Cloud's official Python SDKs\n\n\
         Generated by `cargo xtask conformance` (`xtask/src/conformance.rs`); do not edit by hand.\n\n\
         **This is the state of branch `{branch}` at commit {commit}{}**: the generated SDKs and CLI \
         of that code, compared with the official SDKs pinned in \
         `conformance/requirements-products.txt` (their libraries in \
         `conformance/requirements-runtime.txt`).\n",
        if dirty { " with uncommitted changes" } else { "" }
    )
    .expect("a String");
    text.push_str(METHOD);
    text.push_str(RUN_AGAIN);
    text.push_str(CI_SAMPLE);
    writeln!(
        text,
        "\n## The run\n\n```sh\ncargo xtask {command}\n```\n\n\
         | part | wall time |\n| --- | --- |\n\
         | import, generation and inputs | {} |\n| official SDKs (Python) | {} |\n\
         | cargo build (SDK crates, runners, CLIs) | {} |\n| generated SDKs' calls | {} |\n\
         | generated CLIs' calls | {} |\n| **total** | **{}** |\n\n\
         On {} CPU(s); load average (1, 5, 15 min) {} at the start, {} at the end. A second run \
         of the same product-versions rebuilds only the crates whose generated code changed; a \
         run of others removes the crates it does not build, and the next builds them anew.\n",
        seconds(timings.generation),
        seconds(timings.python),
        seconds(timings.build),
        seconds(timings.runners),
        seconds(timings.cli),
        seconds(timings.total),
        timings.cpus,
        timings.load_at_start,
        timings.load_at_end,
    )
    .expect("a String");

    let styles: Vec<String> = by_style
        .iter()
        .map(|(style, count)| format!("{style} {count}"))
        .collect();
    writeln!(
        text,
        "## Totals\n\n\
         {} product-versions compared ({}), {operations} operations.\n\n\
         | | actions compared | identical | differing | not compared (official SDK made no request) | compared with inputs dropped |\n\
         | --- | --- | --- | --- | --- | --- |\n\
         | generated SDKs | {} | {} | {} | {} | {} |",
        compared.len(),
        styles.join(", "),
        sdk.compared,
        sdk.identical,
        sdk.differing,
        sdk.not_compared,
        sdk.with_dropped_inputs
    )
    .expect("a String");
    if cli.compared + cli.not_compared > 0 {
        let sample: Vec<&str> = compared
            .iter()
            .filter(|product| !product.cli.is_empty())
            .map(|product| product.dir.as_str())
            .collect();
        writeln!(
            text,
            "| generated CLIs ({}) | {} | {} | {} | {} | {} |",
            sample.join(", "),
            cli.compared,
            cli.identical,
            cli.differing,
            cli.not_compared,
            cli.with_dropped_inputs
        )
        .expect("a String");
    }
    let others: Vec<String> = products
        .iter()
        .filter_map(|product| match &product.state {
            State::Compared => None,
            State::NoOperations => Some(format!("{} (lists no operation)", product.dir)),
            State::Failed(reason) => Some(format!("{} (failed: {})", product.dir, cell(reason))),
        })
        .collect();
    if !others.is_empty() {
        writeln!(text, "\nNot compared: {}.", others.join("; ")).expect("a String");
    }

    for (side, title) in [("sdk", "generated SDKs"), ("cli", "generated CLIs")] {
        let found = classes(products, side);
        if found.is_empty() {
            continue;
        }
        writeln!(
            text,
            "\n## Differences of the {title}, by class\n\n\
             Each action counts once per class it shows. Official outcome vs ours for replies; \
             `ours failed` when ours made no request.\n\n\
             | class | actions | product-versions | examples | probable cause |\n| --- | --- | --- | --- | --- |"
        )
        .expect("a String");
        let mut ordered: Vec<(&String, &Class)> = found.iter().collect();
        ordered.sort_by(|a, b| b.1.actions.cmp(&a.1.actions).then(a.0.cmp(b.0)));
        for (class, found) in ordered {
            writeln!(
                text,
                "| {} | {} | {} | {} | {} |",
                cell(class),
                found.actions,
                found.products.len(),
                cell(&found.examples.join("; ")),
                cell(cause(class, &found.products))
            )
            .expect("a String");
        }
    }

    text.push_str(NORMALISATIONS);
    let normalised_booleans = compared
        .iter()
        .flat_map(|product| product.sdk.iter())
        .filter(|result| result.normalised.python_booleans)
        .count();
    let normalised_lists = compared
        .iter()
        .flat_map(|product| product.sdk.iter())
        .filter(|result| result.normalised.python_empty_lists)
        .count();
    writeln!(
        text,
        "\nIn this run: booleans normalised in {normalised_booleans} actions, empty lists in {normalised_lists}.\n"
    )
    .expect("a String");

    text.push_str(EXCEPTIONS);
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for product in &compared {
        for result in &product.sdk {
            for (_, why) in &result.dropped {
                *reasons.entry(why_class(why)).or_default() += 1;
            }
        }
    }
    text.push_str("\n| why | inputs |\n| --- | --- |\n");
    for (why, count) in &reasons {
        writeln!(text, "| {} | {count} |", cell(why)).expect("a String");
    }
    text.push_str("\nEvery dropped input, by product-version (`Action: input`):\n\n");
    for product in &compared {
        let dropped: Vec<String> = product
            .sdk
            .iter()
            .flat_map(|result| {
                result
                    .dropped
                    .iter()
                    .map(move |(input, _)| format!("{}: {input}", result.action))
            })
            .collect();
        if !dropped.is_empty() {
            writeln!(
                text,
                "<details><summary>{} ({} inputs)</summary>\n\n{}\n\n</details>\n",
                product.dir,
                dropped.len(),
                cell(&dropped.join(", "))
            )
            .expect("a String");
        }
    }
    let forced: Vec<String> = compared
        .iter()
        .flat_map(|product| {
            product.sdk.iter().flat_map(move |result| {
                result
                    .forced
                    .iter()
                    .map(move |input| format!("{} {}: {input}", product.dir, result.action))
            })
        })
        .collect();
    if !forced.is_empty() {
        writeln!(
            text,
            "\nOf those, ours requires these {} and cannot build the request without them, so ours \
             sends them alone (the difference is then reported): {}.\n",
            forced.len(),
            cell(&forced.join(", "))
        )
        .expect("a String");
    }

    text.push_str(ADAPTED);
    for product in &compared {
        let adapted: Vec<String> = product
            .sdk
            .iter()
            .flat_map(|result| {
                result
                    .adapted
                    .iter()
                    .map(move |input| format!("{}: {input}", result.action))
            })
            .collect();
        if !adapted.is_empty() {
            writeln!(
                text,
                "<details><summary>{} ({} inputs)</summary>\n\n{}\n\n</details>\n",
                product.dir,
                adapted.len(),
                cell(&adapted.join(", "))
            )
            .expect("a String");
        }
    }

    let mut not_compared: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for product in &compared {
        for result in &product.sdk {
            if let ActionOutcome::NotCompared(why) = &result.outcome {
                let entry = not_compared.entry(why_class(why).to_owned()).or_default();
                entry.0 += 1;
                if entry.1.len() < 3 {
                    entry.1.push(format!("{} {}", product.dir, result.action));
                }
            }
        }
    }
    if !not_compared.is_empty() {
        text.push_str(
            "\n## Not compared: the official SDK made no request\n\n\
             | why | actions | examples |\n| --- | --- | --- |\n",
        );
        for (why, (count, examples)) in &not_compared {
            writeln!(
                text,
                "| {} | {count} | {} |",
                cell(why),
                cell(&examples.join("; "))
            )
            .expect("a String");
        }
    }

    text.push_str(
        "\n## Product-versions\n\n\
         | product | version | style | official package | actions | compared | identical | differing | not compared | CLI compared / identical | reasons (classes, actions) |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for product in products {
        let counts = Counts::of(&product.sdk);
        let cli_counts = Counts::of(&product.cli);
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for result in &product.sdk {
            if let ActionOutcome::Differs(differences) = &result.outcome {
                let mut seen = BTreeSet::new();
                for difference in differences {
                    if seen.insert(difference.class.as_str()) {
                        *reasons.entry(difference.class.as_str()).or_default() += 1;
                    }
                }
            }
        }
        let reasons = match &product.state {
            State::Compared => reasons
                .iter()
                .map(|(class, count)| format!("{class} ({count})"))
                .collect::<Vec<_>>()
                .join("; "),
            State::NoOperations => "lists no operation".into(),
            State::Failed(reason) => format!("failed: {reason}"),
        };
        let cli_cell = if product.cli.is_empty() {
            String::new()
        } else {
            format!("{} / {}", cli_counts.compared, cli_counts.identical)
        };
        writeln!(
            text,
            "| {} | {} | {} | {}=={} | {} | {} | {} | {} | {} | {} | {} |",
            product.product,
            product.version,
            product.style,
            product.package.name,
            product.package.version,
            product.operations,
            counts.compared,
            counts.identical,
            counts.differing,
            counts.not_compared,
            cli_cell,
            cell(&reasons)
        )
        .expect("a String");
    }
    text
}

/// The kind of a reason, without the values it names (`the official model turns 'a' into
/// 'b'` → `the official model turns a value into another`).
fn why_class(why: &str) -> &str {
    if let Some(rest) = why.strip_prefix("nothing was sent: ") {
        // The exception's class, not its message.
        let end = rest.find([':', ' ']).map_or(rest.len(), |at| at);
        &why[.."nothing was sent: ".len() + end]
    } else if why.starts_with("the official model turns") {
        "the official model turns the value into another"
    } else if let Some(at) = why.find(" (") {
        &why[..at]
    } else if let Some(at) = why.find(": ") {
        &why[..at]
    } else {
        why
    }
}

const METHOD: &str = "
## What is compared

For every product-version of Alibaba Cloud's OpenMeta corpus whose official Python SDK is on
PyPI (`alibabacloud-<product><version without dashes>`), every action is called twice with the
same inputs on 127.0.0.1: through the official Python SDK (`conformance/official.py`) and
through the SDK generated from the metadata, imported as a new user would import it (OOS: the
checked-in `spec/oos`, which holds ten actions its metadata lacks). The inputs are derived from
the spec's types alone (`xtask/src/conformance/inputs.rs`): every parameter set; strings
holding CJK text, an emoji, `+ ~ * % / & = ? #` and spaces (ASCII where a header or a host
label needs it); an enum's first value; numbers within the documented bounds; `true`; two
elements in every list and two entries in every map, one key needing encoding; every field of
nested objects; bytes where a body is bytes.

Both sides sign with the same date (`2024-05-01T08:30:00Z`), signature nonce, keys (`ak` /
`secret`) and endpoint (`http://127.0.0.1:<the official call's port>`). Compared, for each
action: the HTTP method; the encoded path; the query, decoded and encoded (pair by pair, with
Python's `+` for a space read as `%20`); form bodies (fields, then bytes) and JSON bodies
(values, then bytes) and other bodies (bytes); every header the official SDK signs (but its
`user-agent` and `x-acs-credentials-provider`, see below) and every header ours adds; ours
signing every header all official SDKs sign (`host`, `content-type`, `x-acs-*`) and nothing the
official request lacks; and our own `Authorization`, which must verify over the official
request by the test server's independent implementation of ACS3-HMAC-SHA256
(`test-server/src/verify.rs`). Then both SDKs are sent the same three replies, from a capturing
server for the official SDK and from `acs-test-server` for ours: `200` with
`{\"Code\":\"200\",\"Message\":\"\",\"Success\":true,…}`, `400` with `\"Code\":\"InvalidParameter\"`
and `500` with `\"Code\":\"InternalError\"` (as XML documents, a `Result` and two `Error`s, to
the products that answer in XML: OSS, and hcs-mgw through the OSS gateway, whose official client
reads any body as XML); each side's success or error is recorded, and a disagreement is a
difference.

The CLI sample runs every action of its product-versions through the generated command, one
`--Name=value` flag per input (the metadata's `body` object as one JSON flag), against
`acs-test-server`, which checks its signature with its own verifier. The CLI draws its own date
and nonce and calls the test server's address, so date, nonce, host and signature are not
compared with the official request; the test server keeps the query decoded, so the query is
compared decoded only.
";

const RUN_AGAIN: &str = "
## How to run it again

The official SDKs run in a venv outside the checkout, with every package pinned
(`conformance/requirements-runtime.txt` for the libraries, `conformance/requirements-products.txt`
for the product SDKs; `--no-deps`, as their own version ranges conflict). This run used Python
3.11. The corpus is Alibaba Cloud's OpenMeta metadata, unpacked
(`tar --zstd -xf acs-metadata-20251219.tar.zst`).

```sh
python3 -m venv /work/convenv
/work/convenv/bin/pip install --no-deps -r conformance/requirements-runtime.txt \\
    -r conformance/requirements-products.txt
```
";

const CI_SAMPLE: &str = "
## The CI sample

CI (`.ci/run`, the step \"Conformance with the official Python SDKs, a sample\", which runs only
when `../shared` is present) runs a fixed sample, one product-version per style of the
metadata: OOS (RPC, also every action through its `oos` command), ACM (ROA), Cloud Control
(V3), FC 2.0 (FC), PDS and AliGenie IAP. It installs only the sample's pinned packages, and
fails on any difference not listed in `conformance/known-differences.txt`. It says so and
skips when the corpus, python3 with venv, or PyPI is absent. About five minutes on 2 cores.

```sh
cargo xtask conformance --openmeta-dir DIR --products oos,acm,cloudcontrol,fc-open,pds,aligenie-iap-1-0 \\
    --cli oos --python VENV/bin/python --expect conformance/known-differences.txt
```
";

const NORMALISATIONS: &str = "
## Normalisations

Only these quirks of the Python SDK are normalised, each because the other official SDKs do
otherwise; everything else is compared as sent.

- **Booleans in queries and forms.** Python writes them with `str()`: `True`, `False`. The Go
  SDK's `openapi-util` (`aliyun/darabonba-openapi-util`, `golang/service/service.go`,
  `flatRepeatedList`) writes every scalar with `fmt.Sprintf(\"%v\", …)`, which gives `true` and
  `false`, on the v2 RPC path as on ACS3's (the Go clients of v2 products build their query
  with the same `openapiutil.Query`, and Go's `DoRPCRequest` sends it as it is), so the
  service takes both. The official `True` / `False` are read as `true` / `false` where ours
  sends `true` / `false` for the same parameter, as it does for a boolean alone (a string
  whose value is `True`, R-KVStore's `NoShardBackup` enum, is the same text on both sides and
  compared as it is); our signature is then checked over the official request with them so
  written: an ACS3 `Authorization` by `test-server/src/verify.rs`, a v2 RPC `Signature` (which
  is in the query, so otherwise compared byte for byte) by `test-server/src/verify_rpc_v2.rs`,
  an SLS `LOG` `Authorization` (over the query too) by `test-server/src/verify_gateways.rs`.
- **Unset lists and maps in JSON bodies.** The Python models' `to_map` writes every list or
  map of models, set or not (`result['Tags'] = []`, `result['VoteConfigs'] = {}`, then the
  items if any; lists and maps of scalars only when set), so inside a nested model an unset
  one is sent as `[]` or `{}` in a JSON body and in JSON text; ours writes them alike for the
  fields it knows (`acs_runtime::unset`). The harness gives every field of the metadata a
  value, so what is left unset are fields the official model has and the metadata lacks,
  which the facts add to ours (`added`, found by `conformance/derive_added_fields.py`: CS
  `CreateCluster`'s `maintenance_window.exclusions`, `MaintenanceWindow.exclusions` of
  `alibabacloud-cs20151215`) and which ours then writes `[]` too, and, among the request's own
  fields, lists the driver's `from_map` makes `[]` where a caller's model would hold `None`
  (the official client sends a request field that is not `None`). For those, an empty list or
  object in the official JSON body, or a query or form field `[]`, that ours does not send is
  dropped before comparing; in JSON text, which is signed, nothing is dropped.
- **Which headers are signed.** Python signs every header it sets, `user-agent` and
  `x-acs-credentials-provider` included (`alibabacloud_tea_openapi/utils.py`,
  `get_canonicalized_headers`). The Go SDK signs only `host`, `content-type` and the `x-acs-*`
  headers (`golang/service/service.go`, `getCanonicalHeaders`). Ours must sign those that the
  official SDK signed, may sign other headers the official request carries with the same value
  (`accept`), and its signature must verify over the official request: `SignedHeaders` lists
  themselves are not compared, nor the `Authorization` bytes, which differ with them.
- **The credentials provider in a v2 ROA signature.** tea-openapi's v2 ROA path
  (`do_roarequest`, `do_roarequest_with_form`) sends `x-acs-credentials-provider` and, as it
  signs every `x-acs-*` header it sends, signs it; ours does not send it, so the two
  `Authorization`s differ by that header alone. Where the official request carries it, our
  `Authorization` must verify over the official request without it
  (`test-server/src/verify_gateways.rs`, the v2 ROA string); else it is compared byte for byte.
";

const EXCEPTIONS: &str = "
## Exceptions: inputs the official SDK's model cannot express

Each request model (and headers model) of the official SDK is given the inputs through
`from_map` and read back through `to_map`; an input that does not come back unchanged is
dropped, from both sides, before anything is sent. These are the only inputs not compared. A
name the metadata flattens where the model holds a nested field (`TagFilter.Key`,
`SystemDisk.Category`, `DataDisk.1.Category`) is given to the model nested
(`{\"TagFilter\": {\"Key\": …}}`, `{\"DataDisk\": [{\"Category\": …}]}`), as a caller of the
official SDK would give it, and compared. The usual cause of a drop: a field the model lacks.
";

const ADAPTED: &str = "
### Inputs given as text

Where the official model holds text (`str`) and ours a structure, a number or a flag, the
official SDK is given the text ours sends for it: compact JSON (no spaces, non-ASCII as it is,
keys in the inputs' order, which is the spec's), `true`/`false`, the number's digits. The
inputs so given, by product-version (`Action: input`):

";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_lines_round_trip_without_their_comments() {
        let lines: BTreeSet<String> =
            ["ecs\tRunInstances\tsdk\tmethod: official GET, ours POST".to_owned()]
                .into_iter()
                .collect();
        assert_eq!(parse_expected(&expected_text(&lines)), lines);
    }

    #[test]
    fn causes_match_a_class_whole_or_by_prefix_within_their_products() {
        let products = |dirs: &[&str]| {
            dirs.iter()
                .map(|dir| dir.to_string())
                .collect::<BTreeSet<_>>()
        };
        assert!(cause("value", &products(&["idrsservice"])).starts_with("IDRS"));
        assert_eq!(
            cause("value", &products(&["idrsservice", "ecs"])),
            "",
            "known in IDRS only"
        );
        assert_eq!(
            cause("value of a header", &products(&["idrsservice"])),
            "",
            "\"value\" is not a prefix"
        );
        assert!(!cause("parameter only in ours (form)", &products(&["x"])).is_empty());
    }

    #[test]
    fn reasons_are_grouped_without_their_values() {
        assert_eq!(
            why_class("the official model turns 'a' into 'b'"),
            "the official model turns the value into another"
        );
        assert_eq!(
            why_class("the official model cannot take it (TypeError)"),
            "the official model cannot take it"
        );
        assert_eq!(
            why_class("the official model has no such field"),
            "the official model has no such field"
        );
        assert_eq!(
            why_class("nothing was sent: UnretryableException: {'message': 'x'}"),
            "nothing was sent: UnretryableException"
        );
    }
}
