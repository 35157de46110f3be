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
    let mut shown = params.clone();
    for parameter in operation
        .parameters
        .iter()
        .filter(|parameter| parameter.sensitive)
    {
        let nested = format!("{}.", parameter.name);
        match (parameter.location, &mut shown.body) {
            (Location::BodyField, Some(Body::Json(Value::Object(fields)))) => {
                if let Some(value) = fields.get_mut(parameter.name) {
                    *value = Value::from(REDACTED);
                }
            }
            (Location::Body, body @ Some(_)) => *body = Some(Body::Text(REDACTED.to_owned())),
            _ => {}
        }
        for target in [
            &mut shown.path,
            &mut shown.host,
            &mut shown.query,
            &mut shown.headers,
            &mut shown.form,
        ] {
            let keys: Vec<String> = target
                .iter()
                .map(|(key, _)| key)
                .filter(|key| *key == parameter.name || key.starts_with(&nested))
                .map(str::to_string)
                .collect();
            for key in keys {
                target.insert(key, REDACTED);
            }
        }
    }
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
        None => {}
    }
    text.push_str(&format!(
        "\nCanonical request:\n{}\n\nString to sign:\n{}\n",
        signed.canonical_request, signed.string_to_sign
    ));
    Ok(text)
}
