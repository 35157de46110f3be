//! `--dry-run`: what a call would send, with nothing secret in it.

use std::time::SystemTime;

use acs_runtime::{Body, CallSpec, Client, Credentials, Location, RequestParams};
use clap::{Arg, ArgAction};
use serde_json::Value;

use crate::exit::Failure;
use crate::model::Operation;
use crate::output::{CLI_QUERY, OUTPUT, QUIET};
use crate::waiting::WAITER;

pub const DRY_RUN: &str = "dry-run";

const REDACTED: &str = "** redacted **";

/// Nothing is sent, so nothing is printed, paged or waited for.
pub fn arg(heading: &'static str) -> Arg {
    Arg::new(DRY_RUN)
        .long(DRY_RUN)
        .action(ArgAction::SetTrue)
        .conflicts_with_all([OUTPUT, CLI_QUERY, QUIET, WAITER])
        .help_heading(heading)
        .help("Print the parameters and the canonical request instead of sending")
}

/// What would be sent. Sensitive values are redacted; no credentials are resolved, so a
/// placeholder access key id stands in and no secret or security token appears.
pub fn render(
    client: &Client,
    operation: &Operation,
    params: &RequestParams,
) -> Result<String, Failure> {
    let shown = without_secrets(operation, params);
    let placeholder = Credentials::new("ACCESS_KEY_ID", "", "dry run");
    let call = CallSpec::from(&operation.call);
    let now = SystemTime::now();
    let signed = client.prepare(
        call,
        &shown,
        &placeholder,
        now,
        &acs_runtime::nonce::next(now),
    )?;
    let mut text = format!(
        "{} {}\n\nParameters:\n",
        signed.request.method(),
        signed.request.uri()
    );
    let mut sorted: Vec<(&str, &str)> = shown.query.iter().chain(shown.form.iter()).collect();
    sorted.sort();
    for (key, value) in sorted {
        text.push_str(&format!("  {key} = {value}\n"));
    }
    if !shown.headers.is_empty() {
        text.push_str("\nHeader parameters:\n");
        for (name, value) in shown.headers.iter() {
            text.push_str(&format!("  {name}: {value}\n"));
        }
    }
    match &shown.body {
        Some(Body::Json(value)) => text.push_str(&format!("\nBody:\n{value}\n")),
        Some(Body::Text(body)) => text.push_str(&format!("\nBody:\n{body}\n")),
        Some(Body::Binary(bytes) | Body::Bare(bytes)) => {
            text.push_str(&format!("\nBody: {} bytes\n", bytes.len()))
        }
        Some(Body::Stream { stream, .. }) => text.push_str(&format!(
            "\nBody: {} bytes, streamed\n",
            stream
                .content_length()
                .map_or("unknown".into(), |length| length.to_string())
        )),
        None => {}
    }
    text.push_str(&format!(
        "\nCanonical request:\n{}\n\nString to sign:\n{}\n",
        signed.canonical_request, signed.string_to_sign
    ));
    Ok(text)
}

/// `params` with every secret the operation's table names replaced by the redaction mark.
fn without_secrets(operation: &Operation, params: &RequestParams) -> RequestParams {
    let mut shown = params.clone();
    for parameter in operation
        .parameters
        .iter()
        .filter(|parameter| parameter.sensitive)
    {
        redact(&mut shown, operation, &[parameter.name]);
    }
    for secret in operation.nested_secrets {
        redact(&mut shown, operation, secret);
    }
    shown
}

/// Replaces the value at `path` (a parameter's wire name, then the steps into its value: field
/// names, `[]` for every item of a list, `{}` for every value of a map) wherever `params` holds
/// it: in the JSON body, in a flattened parameter's keys (`LoginConfig.Password`,
/// `Nodes.1.Password`), or inside a parameter sent as JSON text.
fn redact(params: &mut RequestParams, operation: &Operation, path: &[&str]) {
    let Some((&name, steps)) = path.split_first() else {
        return;
    };
    let whole_body = operation
        .parameters
        .iter()
        .any(|parameter| parameter.name == name && parameter.location == Location::Body);
    match &mut params.body {
        Some(Body::Json(value)) if whole_body => redact_json(value, steps),
        Some(Body::Json(Value::Object(fields))) => {
            if let Some(value) = fields.get_mut(name) {
                redact_json(value, steps);
            }
        }
        body @ Some(Body::Text(_) | Body::Binary(_) | Body::Bare(_) | Body::Stream { .. })
            if whole_body =>
        {
            *body = Some(Body::Text(REDACTED.to_owned()));
        }
        _ => {}
    }
    for target in [
        &mut params.path,
        &mut params.host,
        &mut params.query,
        &mut params.headers,
        &mut params.form,
    ] {
        let mut redacted = Vec::new();
        for (key, value) in target.iter() {
            if key == name {
                // The whole value, or JSON text holding the secret.
                let mut json: Option<Value> = (!steps.is_empty())
                    .then(|| serde_json::from_str(value).ok())
                    .flatten();
                let shown = match &mut json {
                    Some(json) => {
                        redact_json(json, steps);
                        json.to_string()
                    }
                    None => REDACTED.to_owned(),
                };
                redacted.push((key.to_owned(), shown));
            } else if let Some(rest) = key
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('.'))
                && flattened_within(rest, steps)
            {
                redacted.push((key.to_owned(), REDACTED.to_owned()));
            }
        }
        for (key, value) in redacted {
            target.insert(key, value);
        }
    }
}

/// Whether a flattened key's rest (`1.Password` of `Nodes.1.Password`) lies at or under
/// `steps` (`[]`, `Password`): `[]` matches an item's number, `{}` any map key.
fn flattened_within(rest: &str, steps: &[&str]) -> bool {
    let mut rest = Some(rest);
    for step in steps {
        let Some(current) = rest else {
            return false;
        };
        let (segment, after) = match *step {
            "[]" | "{}" => match current.split_once('.') {
                Some((segment, after)) => (segment, Some(after)),
                None => (current, None),
            },
            // A field name may hold dots itself.
            field => match current.strip_prefix(field) {
                Some("") => (field, None),
                Some(after) => match after.strip_prefix('.') {
                    Some(after) => (field, Some(after)),
                    None => return false,
                },
                None => return false,
            },
        };
        if *step == "[]" && !segment.bytes().all(|byte| byte.is_ascii_digit()) {
            return false;
        }
        rest = after;
    }
    true
}

/// Replaces what `steps` reach inside `value` with the redaction mark.
fn redact_json(value: &mut Value, steps: &[&str]) {
    let Some((&step, rest)) = steps.split_first() else {
        *value = Value::from(REDACTED);
        return;
    };
    match (step, value) {
        ("[]", Value::Array(items)) => items.iter_mut().for_each(|item| redact_json(item, rest)),
        ("{}", Value::Object(entries)) => entries
            .values_mut()
            .for_each(|entry| redact_json(entry, rest)),
        (field, Value::Object(fields)) => {
            if let Some(inner) = fields.get_mut(field) {
                redact_json(inner, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use acs_runtime::Method;
    use acs_runtime::params::Style;
    use serde_json::json;

    use super::*;
    use crate::model::{Kind, Parameter};

    const SECRET: &str = "s3cr3t +%€ 秘密";

    #[test]
    fn secrets_inside_flattened_json_text_and_body_values_are_redacted_and_nothing_else() {
        static PARAMETERS: [Parameter; 3] = [
            Parameter {
                name: "Password",
                flag: "Password",
                alias: Some("password"),
                kind: Kind::String,
                style: Style::Simple,
                location: Location::Query,
                required: false,
                description: "",
                example: None,
                sensitive: true,
            },
            Parameter {
                name: "LoginConfig",
                flag: "LoginConfig",
                alias: Some("login-config"),
                kind: Kind::Json,
                style: Style::Flat,
                location: Location::Query,
                required: false,
                description: "",
                example: None,
                sensitive: false,
            },
            Parameter {
                name: "Options",
                flag: "Options",
                alias: Some("options"),
                kind: Kind::JsonText,
                style: Style::Json,
                location: Location::Form,
                required: false,
                description: "",
                example: None,
                sensitive: false,
            },
        ];
        let operation = Operation {
            command: "CreateThing",
            alias: Some("create-thing"),
            summary: "",
            call: acs_runtime::Operation::new("CreateThing", Method::Post),
            pagination: None,
            parameters: &PARAMETERS,
            nested_secrets: &[
                &["LoginConfig", "Nodes", "[]", "Password"],
                &["Options", "Admin", "Password"],
                &["nodepools", "[]", "scaling_group", "login_password"],
            ],
        };
        let mut params = RequestParams::default();
        params.query.insert("Password", SECRET);
        params.query.insert("LoginConfig.Nodes.1.Password", SECRET);
        params.query.insert("LoginConfig.Nodes.1.Name", "n1");
        params
            .query
            .insert("LoginConfig.Nodes.x.Password", "not an item");
        params.form.insert(
            "Options",
            json!({"Admin": {"Password": SECRET, "Name": "root"}}).to_string(),
        );
        params.body = Some(Body::Json(json!({
            "nodepools": [{"scaling_group": {"login_password": SECRET, "vswitch": "vsw-1"}}],
            "name": "c1",
        })));
        let shown = without_secrets(&operation, &params);
        assert_eq!(shown.query.get("Password"), Some(REDACTED));
        assert_eq!(
            shown.query.get("LoginConfig.Nodes.1.Password"),
            Some(REDACTED)
        );
        assert_eq!(shown.query.get("LoginConfig.Nodes.1.Name"), Some("n1"));
        assert_eq!(
            shown.query.get("LoginConfig.Nodes.x.Password"),
            Some("not an item")
        );
        let options: Value = serde_json::from_str(shown.form.get("Options").unwrap()).unwrap();
        assert_eq!(
            options,
            json!({"Admin": {"Password": REDACTED, "Name": "root"}})
        );
        assert_eq!(
            shown.body,
            Some(Body::Json(json!({
                "nodepools": [{"scaling_group": {"login_password": REDACTED, "vswitch": "vsw-1"}}],
                "name": "c1",
            })))
        );
    }
}
