//! Every request the official SDK (`alibabacloud-oos20190601` 3.7.0, Python) was recorded
//! sending, built from the same inputs with this SDK's typed requests: the same method, path
//! and query, parameter by parameter.
//!
//! - `tests/fixtures/oos-official-requests.json`: the 94 actions of the published metadata,
//!   copied from the shared vectors, but for GetServiceSettings's method: the official SDK
//!   sends it as `GET`, as its metadata lists only `GET`, where the shared vectors say `POST`.
//! - `tests/fixtures/oos-official-requests-recorded.json`: recorded here against a capturing
//!   server on 127.0.0.1: the ten actions the metadata lacks, the parameters it lacks, and
//!   the parameters this SDK types beyond the metadata (a list, a map or a struct where the
//!   official SDK takes JSON text).
//!
//! The inputs are JSON keyed by wire names; a JSON-valued parameter's text may order an
//! object's keys differently (`vectors/README.md`), so such values compare as JSON.

use std::collections::{BTreeMap, BTreeSet};

use alibabacloud_oos::testing::encode_json_request;
use integration_tests::official::{self, PUBLISHED, RECORDED};
use serde_json::Value;

/// Official inputs that a typed parameter cannot hold, each checked to be so: JSON text that
/// is not JSON (the shared vectors append encoding samples to it), or tags that repeat a key,
/// which a map holds once. The case is compared with a stand-in the parameter holds, and
/// without that parameter; its wire form is compared in the recorded cases, whose inputs it
/// can hold.
const NOT_TYPED_INPUTS: &[(&str, &str, &str)] = &[
    (
        "CreateOpsItem",
        "Resources",
        r#"["acs:oos:cn-hangzhou:1:application/a"]"#,
    ),
    ("CreateParameter", "Constraints", r#"{"MaxLength":20}"#),
    ("DeleteExecutions", "ExecutionIds", r#"["exec-1"]"#),
    ("DeleteTemplates", "TemplateNames", r#"["t1"]"#),
    ("GetParameters", "Names", r#"["p1"]"#),
    ("GetSecretParameters", "Names", r#"["p1"]"#),
    ("ListExecutions", "Categories", r#"["TimerTrigger"]"#),
    ("ListInstancePatchStates", "InstanceIds", r#"["i-1"]"#),
    ("ListPatchBaselines", "Tags", r#"[{"Key":"k","Value":"v"}]"#),
    (
        "UpdateOpsItem",
        "Resources",
        r#"["acs:ecs:cn-heyuan:1:instance/i-1"]"#,
    ),
    ("UpdateParameter", "Tags", r#"{"k":"v"}"#),
    (
        "UpdatePatchBaseline",
        "ApprovalRules",
        r#"{"PatchRules":[]}"#,
    ),
    (
        "UpdatePatchBaseline",
        "Tags",
        r#"[{"Key":"k","Value":"v"}]"#,
    ),
];

/// The query the typed request of `action` encodes `inputs` to, or why it cannot; the
/// operation must be sent with `method`, as the official SDK sends it.
fn typed_query(
    action: &str,
    method: &str,
    inputs: &serde_json::Map<String, Value>,
) -> Result<BTreeMap<String, String>, String> {
    let text = serde_json::to_vec(inputs).unwrap();
    let (operation, params) = encode_json_request(action, &text)
        .unwrap_or_else(|| panic!("no request type for {action}"));
    assert_eq!(
        operation.method().as_http().as_str(),
        method,
        "{action} is sent with the official SDK's method"
    );
    let params = params.map_err(|error| error.to_string())?;
    assert!(
        params.form.is_empty() && params.body.is_none() && params.headers.is_empty(),
        "{action}: everything goes in the query, as the official SDK sends it"
    );
    Ok(params
        .query
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect())
}

/// Checks every case of `file`, but the inputs `not_typed` names; returns the actions it
/// holds.
fn check_file(file: &str, not_typed: &[(&str, &str, &str)]) -> BTreeSet<String> {
    let mut failures = Vec::new();
    let mut actions = BTreeSet::new();
    for mut case in official::requests(file) {
        actions.insert(case.action.clone());
        assert_eq!(case.path, "/");
        let mut replaced = Vec::new();
        for (action, parameter, stand_in) in not_typed {
            if *action != case.action || !case.inputs.contains_key(*parameter) {
                continue;
            }
            let held = typed_query(action, &case.method, &case.inputs);
            assert!(
                held.is_err()
                    || held.is_ok_and(|ours| ours.get(*parameter) != case.query.get(*parameter)),
                "{action} {parameter}: the typed parameter holds the official input; \
                 remove it from NOT_TYPED_INPUTS"
            );
            let stand_in = serde_json::from_str(stand_in).expect("a stand-in is JSON");
            case.inputs.insert((*parameter).to_owned(), stand_in);
            case.query.remove(*parameter);
            replaced.push(*parameter);
        }
        let typed = typed_query(&case.action, &case.method, &case.inputs).map(|mut ours| {
            for parameter in &replaced {
                ours.remove(*parameter);
            }
            ours
        });
        match typed {
            Ok(ours) => {
                let found = official::differences(&ours, &case.query);
                if !found.is_empty() {
                    failures.push(format!("{}: {}", case.action, found.join("; ")));
                }
            }
            Err(error) => failures.push(format!("{}: cannot build: {error}", case.action)),
        }
    }
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
    actions
}

#[test]
fn every_published_action_encodes_as_the_official_sdk_sends_it() {
    let actions = check_file(PUBLISHED, NOT_TYPED_INPUTS);
    assert_eq!(actions.len(), 94);
}

#[test]
fn recorded_requests_encode_as_the_official_sdk_sends_them() {
    check_file(RECORDED, &[]);
}

#[test]
fn every_action_the_official_sdk_calls_has_a_typed_request() {
    let actions: BTreeSet<String> = [PUBLISHED, RECORDED]
        .into_iter()
        .flat_map(official::requests)
        .map(|case| case.action)
        .collect();
    assert_eq!(actions.len(), 104, "the official SDK's 104 actions");
    for action in &actions {
        assert!(
            encode_json_request(action, b"{}").is_some(),
            "no request type for {action}"
        );
    }
}
