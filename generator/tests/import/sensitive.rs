//! The importer marks secrets by its rule (`acs_codegen::import::sensitive`) at every depth,
//! shared schemas included, and the overlay overrides the rule either way, naming something
//! that exists and changing what the rule decided.

use acs_codegen::import::import_specs;
use acs_codegen::import::sensitive::{Reason, Side};

use crate::{assert_same, imported, operation};

/// A product with one operation, `CreateDatabase`, whose request holds a password at the top
/// level and inside an object, and whose response holds a token in a shared schema.
const METADATA: &str = r##"{
  "info": {"style": "RPC", "product": "demo", "version": "1"},
  "components": {"schemas": {"Session": {"type": "object", "properties": {
    "SessionToken": {"type": "string"}, "Expiration": {"type": "string"}}}}},
  "apis": {"CreateDatabase": {
    "parameters": [
      {"name": "Password", "in": "query", "schema": {"type": "string"}},
      {"name": "PasswordInherit", "in": "query", "schema": {"type": "boolean"}},
      {"name": "ClientToken", "in": "query", "schema": {"type": "string"}},
      {"name": "Options", "in": "query", "style": "json", "schema": {"type": "object",
        "properties": {"AdminPassword": {"type": "string"}, "Charset": {"type": "string"}}}},
      {"name": "Comment", "in": "query", "schema": {"type": "string"}}],
    "responses": {"200": {"schema": {"type": "object", "properties": {
      "Session": {"$ref": "#/components/schemas/Session"},
      "NextToken": {"type": "string"}}}}}}}
}"##;

#[test]
fn secrets_are_marked_at_every_depth_and_in_shared_schemas() {
    let specs = imported(METADATA);
    let database = operation(&specs, "CreateDatabase");
    assert_same(
        &database.request,
        r#"
- {name: Password, in: query, type: string, sensitive: true}
- {name: PasswordInherit, in: query, type: boolean}
- {name: ClientToken, in: query, type: string}
- name: Options
  in: query
  style: json
  type: object
  type_name: Options
  fields:
    - {name: AdminPassword, type: string, sensitive: true}
    - {name: Charset, type: string}
- {name: Comment, in: query, type: string}
"#,
    );
    assert_same(
        &specs.schemas,
        r#"
- name: Session
  type: object
  type_name: Session
  fields:
    - {name: SessionToken, type: string, sensitive: true}
    - {name: Expiration, type: string}
"#,
    );
    let marked: Vec<(Side, &str, &str, Reason)> = specs
        .judged_secrets
        .iter()
        .filter_map(|value| {
            let reason = value.secret?;
            Some((
                value.side,
                value.owner.as_str(),
                value.path.as_str(),
                reason,
            ))
        })
        .collect();
    assert_eq!(
        marked,
        [
            (Side::Request, "CreateDatabase", "Password", Reason::Name),
            (
                Side::Request,
                "CreateDatabase",
                "Options.AdminPassword",
                Reason::Name
            ),
            (Side::Schema, "Session", "SessionToken", Reason::Name),
        ]
    );
}

#[test]
fn the_overlay_overrides_the_rule_either_way() {
    let overlay = r#"
operations:
  CreateDatabase:
    request:
      Options.AdminPassword: {sensitive: false}
      Comment: {sensitive: true}
schemas:
  Session:
    SessionToken: {sensitive: false}
    Expiration: {sensitive: true}
"#;
    let specs = import_specs(METADATA, None, Some(overlay)).expect("the overlay applies");
    let request = &operation(&specs, "CreateDatabase").request;
    assert!(
        request[0].sensitive,
        "the rule's marks the overlay leaves stay"
    );
    assert!(!request[3].fields[0].sensitive);
    assert!(request[4].sensitive);
    let session = &specs.schemas[0].fields;
    assert!(!session[0].sensitive);
    assert!(session[1].sensitive);
}

#[test]
fn an_override_that_names_nothing_or_agrees_with_the_rule_is_an_error() {
    let cases = [
        (
            "Options.RootPassword: {sensitive: true}",
            "overlay, operation `CreateDatabase`, request path `Options.RootPassword`: no parameter or field `RootPassword` there",
        ),
        (
            "Password: {sensitive: true}",
            "overlay, operation `CreateDatabase`, request path `Password`: `sensitive: true` is what the importer's rule already decides (spec/README.md): remove it",
        ),
        (
            "Comment: {sensitive: false}",
            "overlay, operation `CreateDatabase`, request path `Comment`: `sensitive: false` is what the importer's rule already decides (spec/README.md): remove it",
        ),
    ];
    for (patch, expected) in cases {
        let overlay = format!("operations:\n  CreateDatabase:\n    request:\n      {patch}\n");
        let error = import_specs(METADATA, None, Some(&overlay))
            .expect_err("the overlay is refused")
            .to_string();
        assert_eq!(error, expected);
    }
    let schemas = [
        (
            "Sessions:\n    SessionToken: {sensitive: false}",
            "overlay, schema `Sessions`: no such shared schema in the metadata",
        ),
        (
            "Session:\n    SessionToken: {sensitive: true}",
            "overlay, schema `Session`, path `SessionToken`: `sensitive: true` is what the importer's rule already decides (spec/README.md): remove it",
        ),
    ];
    for (patch, expected) in schemas {
        let overlay = format!("schemas:\n  {patch}\n");
        let error = import_specs(METADATA, None, Some(&overlay))
            .expect_err("the overlay is refused")
            .to_string();
        assert_eq!(error, expected);
    }
}

/// Parameters the overlay adds are judged by the rule like imported ones.
#[test]
fn added_parameters_are_judged_too() {
    let overlay = r#"
operations:
  CreateDatabase:
    added_parameters:
      - {name: ReplicaPassword, in: query, type: string}
"#;
    let specs = import_specs(METADATA, None, Some(overlay)).expect("the overlay applies");
    let request = &operation(&specs, "CreateDatabase").request;
    assert_same(
        request.last().expect("the added parameter"),
        "{name: ReplicaPassword, in: query, type: string, sensitive: true}",
    );
}
