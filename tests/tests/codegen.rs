//! The generator against the real spec and against broken copies of it.

use std::fs;
use std::path::{Path, PathBuf};

use acs_codegen::{Error, Mode};
use integration_tests::workspace_root;

/// `generated/` and the golden output must be exactly what `cargo xtask codegen` makes from
/// `spec/` and the fleet fixture.
#[test]
fn generated_code_is_up_to_date() {
    let report = acs_codegen::codegen(workspace_root(), Mode::Check).expect("the spec is valid");
    let golden = acs_codegen::golden::sync(workspace_root(), Mode::Check).unwrap();
    let drift = [report.drift, golden.drift].concat();
    assert!(
        drift.is_empty(),
        "stale; run `cargo xtask codegen` and commit:\n{}",
        drift.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let first = acs_codegen::generate(workspace_root()).unwrap();
    let second = acs_codegen::generate(workspace_root()).unwrap();
    assert_eq!(first, second);
}

/// A scratch copy of the spec and generated tree, for tests that break the spec.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("oos-codegen-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        copy_tree(&workspace_root().join("spec"), &root.join("spec"));
        copy_tree(&workspace_root().join("generated"), &root.join("generated"));
        Scratch { root }
    }

    fn edit(&self, relative: &str, edit: impl FnOnce(String) -> String) {
        let path = self.root.join(relative);
        let text = fs::read_to_string(&path).unwrap();
        let edited = edit(text.clone());
        assert_ne!(text, edited, "the edit must change {relative}");
        fs::write(path, edited).unwrap();
    }

    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut pending = vec![self.root.join("generated")];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    files.push((path.clone(), fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

const OPERATION: &str = "spec/oos/operations/ListInstancePatchStates.yaml";

fn spec_errors(scratch: &Scratch) -> Vec<String> {
    let before = scratch.snapshot();
    let result = acs_codegen::codegen(&scratch.root, Mode::Write);
    assert_eq!(
        before,
        scratch.snapshot(),
        "generated/ must be untouched when the spec has errors"
    );
    match result {
        Err(Error::Spec(diagnostics)) => diagnostics.iter().map(ToString::to_string).collect(),
        other => panic!("expected spec errors, got {other:?}"),
    }
}

#[test]
fn adding_a_parameter_makes_the_check_fail_naming_the_file() {
    let scratch = Scratch::new("drift");
    scratch.edit(OPERATION, |text| {
        text.replacen(
            "request:\n",
            "request:\n- name: PatchGroup\n  in: query\n  type: string\n  description: A new parameter.\n",
            1,
        )
    });
    let report = acs_codegen::codegen(&scratch.root, Mode::Check).unwrap();
    let drift = report.drift.join("\n");
    assert!(
        drift.contains("stale: generated/oos/src/operation/list_instance_patch_states.rs"),
        "{drift}"
    );
    let written = acs_codegen::codegen(&scratch.root, Mode::Write).unwrap();
    assert!(!written.written.is_empty());
    let again = acs_codegen::codegen(&scratch.root, Mode::Write).unwrap();
    assert!(
        again.written.is_empty() && again.removed.is_empty(),
        "a second run changes nothing"
    );
}

/// A run after the first redoes only what changed (`target/codegen/last-run.json`), yet
/// never trusts that record over the files: what it leaves is what a full run makes.
#[test]
fn a_later_run_redoes_what_changed_and_trusts_no_edited_file() {
    let scratch = Scratch::new("incremental");
    let first = acs_codegen::codegen(&scratch.root, Mode::Check).unwrap();
    assert!(first.drift.is_empty(), "{:?}", first.drift);
    assert!(scratch.root.join("target/codegen/last-run.json").is_file());

    let edited = "generated/sts/src/lib.rs";
    fs::write(scratch.root.join(edited), "// edited by hand\n").unwrap();
    let deleted = "generated/cs/src/operation/describe_clusters.rs";
    fs::remove_file(scratch.root.join(deleted)).unwrap();
    let drift = acs_codegen::codegen(&scratch.root, Mode::Check)
        .unwrap()
        .drift;
    assert_eq!(drift.len(), 2, "{drift:#?}");
    assert!(
        drift[0].starts_with(&format!("missing: {deleted}")),
        "{drift:#?}"
    );
    assert!(
        drift[1].starts_with(&format!("stale: {edited}")),
        "{drift:#?}"
    );

    scratch.edit(OPERATION, |text| {
        text.replacen("\nsummary: ", "\nsummary: Edited. ", 1)
    });
    let written = acs_codegen::codegen(&scratch.root, Mode::Write)
        .unwrap()
        .written;
    let written: Vec<String> = written
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    assert!(written.contains(&edited.to_owned()), "{written:#?}");
    assert!(written.contains(&deleted.to_owned()), "{written:#?}");
    assert!(
        written.contains(&"generated/oos/src/operation/list_instance_patch_states.rs".to_owned()),
        "{written:#?}"
    );
    assert!(written.len() <= 4, "only the edited files: {written:#?}");

    for (path, text) in acs_codegen::generate(&scratch.root).unwrap() {
        let on_disk = fs::read_to_string(scratch.root.join(&path)).unwrap();
        assert!(
            on_disk == text,
            "{} differs from a full run",
            path.display()
        );
    }
    fs::write(
        scratch.root.join("target/codegen/last-run.json"),
        "{ not json",
    )
    .unwrap();
    let again = acs_codegen::codegen(&scratch.root, Mode::Check).unwrap();
    assert!(again.drift.is_empty(), "{:?}", again.drift);
}

#[test]
fn a_hand_edit_to_the_golden_output_is_reported_and_undone() {
    let scratch = Scratch::new("golden");
    for path in [
        acs_codegen::golden::FIXTURE,
        acs_codegen::golden::FACTS_FIXTURE,
        acs_codegen::golden::GOLDEN_DIR,
    ] {
        let from = workspace_root().join(path);
        if from.is_dir() {
            copy_tree(&from, &scratch.root.join(path));
        } else {
            fs::create_dir_all(scratch.root.join(path).parent().unwrap()).unwrap();
            fs::copy(from, scratch.root.join(path)).unwrap();
        }
    }
    let clean = acs_codegen::golden::sync(&scratch.root, Mode::Check).unwrap();
    assert!(clean.drift.is_empty(), "{:?}", clean.drift);
    let edited = format!(
        "{}/generated/fleet/src/operation/run_command.rs",
        acs_codegen::golden::GOLDEN_DIR
    );
    fs::write(scratch.root.join(&edited), "// edited\n").unwrap();
    let drift = acs_codegen::golden::sync(&scratch.root, Mode::Check)
        .unwrap()
        .drift;
    assert_eq!(drift.len(), 1, "{drift:#?}");
    assert!(
        drift[0].starts_with(&format!("stale: {edited}")),
        "{drift:#?}"
    );
    let written = acs_codegen::golden::sync(&scratch.root, Mode::Write)
        .unwrap()
        .written;
    assert_eq!(written, vec![PathBuf::from(&edited)]);
    let again = acs_codegen::golden::sync(&scratch.root, Mode::Check).unwrap();
    assert!(
        again.drift.is_empty() && again.written.is_empty(),
        "{again:?}"
    );
}

#[test]
fn an_unknown_type_is_reported_with_position_and_hint() {
    let scratch = Scratch::new("unknown-type");
    scratch.edit(OPERATION, |text| {
        text.replacen("  type: int32\n", "  type: strng\n", 1)
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let line = &errors[0];
    assert!(line.starts_with(&format!("{OPERATION}:")), "{line}");
    assert!(line.contains("unknown type `strng`"), "{line}");
    assert!(line.contains("did you mean `string`?"), "{line}");
    assert_eq!(line.lines().count(), 1);
}

#[test]
fn a_content_type_off_a_binary_body_is_reported() {
    let scratch = Scratch::new("content-type");
    scratch.edit(OPERATION, |text| {
        text.replacen(
            "  type: int32\n",
            "  type: int32\n  content_type: none\n",
            1,
        )
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("`content_type` applies only to a whole `binary` request body"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_cli_commands_entry_that_is_no_crate_name_is_reported() {
    let scratch = Scratch::new("cli-commands");
    scratch.edit("spec/oos/service.yaml", |text| {
        format!("{text}cli_commands: Oos Commands\n")
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("spec/oos/service.yaml:")
            && errors[0].contains("`Oos Commands` is not a crate name"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_duplicate_parameter_is_reported() {
    let scratch = Scratch::new("duplicate");
    scratch.edit(OPERATION, |text| {
        text.replacen(
            "request:\n",
            "request:\n- name: RegionId\n  in: query\n  type: string\n",
            1,
        )
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("duplicate name `RegionId`"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("first declared at line"),
        "{}",
        errors[0]
    );
}

#[test]
fn five_different_mistakes_give_five_diagnostics_and_write_nothing() {
    let scratch = Scratch::new("five-mistakes");
    scratch.edit(OPERATION, |text| {
        text.replacen("  type: int32\n", "  type: strng\n", 1) // unknown type
            .replacen(
                "request:\n",
                concat!(
                    "request:\n",
                    "- name: RegionId\n  in: query\n  type: string\n", // duplicate parameter
                    "- name: Segment\n  in: path\n  type: array\n  items: {type: string}\n", // a path parameter is a scalar
                    "- name: Filter\n  in: query\n  style: repeatlist\n  type: string\n", // unknown style
                    "- name: Owner\n  type: string\n", // missing `in`
                ),
                1,
            )
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 5, "{errors:#?}");
    let expected = [
        "unknown type `strng`",
        "duplicate name `RegionId`",
        "a path or host parameter is one scalar",
        "unknown style `repeatlist` (hint: did you mean `repeatList`?)",
        "missing key `in`",
    ];
    for fragment in expected {
        assert_eq!(
            errors.iter().filter(|line| line.contains(fragment)).count(),
            1,
            "{fragment}: {errors:#?}"
        );
    }
    for line in &errors {
        assert!(line.starts_with(&format!("{OPERATION}:")), "{line}");
        assert!(
            line.contains("(hint: ") || line.contains("missing key"),
            "{line}"
        );
    }
}

#[test]
fn pagination_naming_a_missing_field_is_reported() {
    let scratch = Scratch::new("pagination");
    scratch.edit(OPERATION, |text| {
        text.replacen(
            "  items: InstancePatchStates\n",
            "  items: InstancePatchState\n",
            1,
        )
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("pagination names `InstancePatchState`: no field `InstancePatchState`"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("did you mean `InstancePatchStates`?"),
        "{}",
        errors[0]
    );
}

#[test]
fn pagination_that_mixes_styles_or_names_unfit_fields_is_reported_where_written() {
    let cases = [
        (
            "  page_size: MaxResults\n",
            "  page_size: MaxResults\n  page_number: MaxResults\n",
            vec![
                ":120:16: error: pagination takes `input_token` (paging by token) or `page_number`",
            ],
        ),
        (
            "  page_size: MaxResults\n",
            "  total_count: RequestId\n",
            vec![":119:16: error: `total_count` is for paging by page number"],
        ),
        (
            "  input_token: NextToken\n  output_token: NextToken\n",
            "  page_number: InstanceIds\n  total_count: InstancePatchStates\n",
            vec![
                ":117:16: error: pagination `page_number` names `InstanceIds`, which is of type",
                ":118:16: error: pagination names `InstancePatchStates`: `InstancePatchStates` \
                 is not a string or an integer",
            ],
        ),
    ];
    for (index, (written, mistake, expected)) in cases.into_iter().enumerate() {
        let scratch = Scratch::new(&format!("pagination-{index}"));
        scratch.edit(OPERATION, |text| text.replacen(written, mistake, 1));
        let errors = spec_errors(&scratch);
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
        for (error, fragment) in errors.iter().zip(expected) {
            assert!(error.starts_with(OPERATION), "{error}");
            assert!(error.contains(fragment), "{fragment}: {error}");
        }
    }
}

#[test]
fn a_type_named_like_a_prelude_type_is_reported() {
    let scratch = Scratch::new("prelude-name");
    scratch.edit(OPERATION, |text| {
        text.replacen("type_name: InstancePatchState\n", "type_name: Option\n", 1)
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("type name `Option` would hide the standard `Option`"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("e.g. `OptionValue`"), "{}", errors[0]);
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let scratch = Scratch::new("several-files");
    scratch.edit(OPERATION, |text| {
        text.replacen("  type: int32\n", "  type: integer\n", 1)
    });
    scratch.edit("spec/oos/operations/GetTemplate.yaml", |text| {
        text.replacen(
            "name: GetTemplate\n",
            "name: GetTemplate\nsumary: typo\n",
            1,
        )
    });
    let errors = spec_errors(&scratch);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with("spec/oos/operations/GetTemplate.yaml:"),
        "{errors:#?}"
    );
    assert!(errors[0].contains("unknown field `sumary`"), "{errors:#?}");
    assert!(errors[1].contains("unknown type `integer`"), "{errors:#?}");
}
