//! Running one command: parse, configure, then dry-run, call, or walk every page.

use std::ffi::OsString;
use std::time::SystemTime;

use acs_credentials::{DefaultChain, ProfileProvider};
use acs_runtime::credentials::StaticProvider;
use acs_runtime::{CallOptions, CallSpec, Client, Config, Credentials, Error, RequestParams};
use clap::ArgMatches;
use serde_json::Value;

use crate::command::{
    self, ACCESS_KEY_ID, ACCESS_KEY_SECRET, DRY_RUN, ENDPOINT, OUTPUT, PAGER, PROFILE, REGION,
};
use crate::exit::ExitStatus;
use crate::model::{Cli, Location, Operation};

const REDACTED: &str = "** redacted **";

pub fn run(cli: &'static Cli, args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    let matches = match command::build(cli).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => {
            let usage_error = error.use_stderr();
            let _ = error.print();
            return if usage_error {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
        }
    };
    let Some((name, arguments)) = matches.subcommand() else {
        return ExitStatus::Usage;
    };
    let Some(operation) = cli
        .operations
        .iter()
        .find(|operation| operation.call.action() == name)
    else {
        return ExitStatus::Usage;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ERROR: cannot start the async runtime: {error}");
            return ExitStatus::Other;
        }
    };
    runtime.block_on(execute(cli, operation, arguments))
}

async fn execute(
    cli: &'static Cli,
    operation: &'static Operation,
    arguments: &ArgMatches,
) -> ExitStatus {
    let params = collect_params(operation, arguments);
    let client = match configure(cli, arguments).await {
        Ok(client) => client,
        Err(error) => return report(&error),
    };
    if arguments.get_flag(DRY_RUN) {
        return dry_run(&client, operation, &params);
    }
    let document = if arguments.get_flag(PAGER) && operation.pagination.is_some() {
        all_pages(&client, operation, params).await
    } else {
        one_page(&client, operation, params).await
    };
    match document {
        Ok(document) => {
            let compact = arguments
                .get_one::<String>(OUTPUT)
                .is_some_and(|format| format == "compact");
            let text = if compact {
                document.to_string()
            } else {
                pretty(&document)
            };
            println!("{text}");
            ExitStatus::Success
        }
        Err(error) => report(&error),
    }
}

/// The operation's flags as wire parameters, encoded by each parameter's style.
fn collect_params(operation: &Operation, arguments: &ArgMatches) -> RequestParams {
    let mut params = RequestParams::default();
    for parameter in operation.parameters {
        if let Some(value) = arguments.get_one::<Value>(parameter.name) {
            let target = match parameter.location {
                Location::Query => &mut params.query,
                Location::Body => &mut params.form,
            };
            target.put_value(parameter.name, parameter.style, value);
        }
    }
    params
}

/// Credentials: the key flags, else the named profile, else the default chain. Region: the
/// flag, else `ALIBABA_CLOUD_REGION_ID`, else the profile's `region_id` (the named profile's,
/// or the current one of `~/.aliyun/config.json` when that file exists).
async fn configure(cli: &Cli, arguments: &ArgMatches) -> Result<Client, Error> {
    let mut builder = Config::builder();
    let profile_name = arguments.get_one::<String>(PROFILE);
    let profile = match profile_name {
        Some(name) => Some(
            ProfileProvider::builder()
                .profile_name(name.clone())
                .load()
                .await?,
        ),
        None => ProfileProvider::builder().load().await.ok(),
    };
    let region = arguments
        .get_one::<String>(REGION)
        .cloned()
        .or_else(|| {
            std::env::var(acs_runtime::config::REGION_ENV)
                .ok()
                .filter(|region| !region.is_empty())
        })
        .or_else(|| {
            profile
                .as_ref()
                .and_then(|profile| profile.region_id())
                .map(str::to_string)
        });
    if let Some(region) = region {
        builder = builder.region(region);
    }
    if let Some(endpoint) = arguments.get_one::<String>(ENDPOINT) {
        builder = builder.endpoint(endpoint.clone());
    }
    let keys = (
        arguments.get_one::<String>(ACCESS_KEY_ID),
        arguments.get_one::<String>(ACCESS_KEY_SECRET),
    );
    if let (Some(id), Some(secret)) = keys {
        builder = builder.credentials_provider(StaticProvider::from_access_key(
            id,
            secret,
            None,
            "command line",
        )?);
    } else if let (Some(profile), Some(_)) = (profile, profile_name) {
        builder = builder.credentials_provider(profile);
    } else {
        builder = builder.credentials_provider(DefaultChain::new());
    }
    Ok(Client::new(cli.service, builder.build()?))
}

async fn one_page(
    client: &Client,
    operation: &'static Operation,
    params: RequestParams,
) -> Result<Value, Error> {
    client
        .send(&operation.call, Ok(params), CallOptions::default())
        .await
}

/// Follows the next token to the last page and returns the first page's document with the
/// items of every page in its list and no next token, as the Alibaba Cloud CLI's `--pager`.
async fn all_pages(
    client: &Client,
    operation: &'static Operation,
    mut params: RequestParams,
) -> Result<Value, Error> {
    let (Some(pagination), Some((input_token, _))) =
        (&operation.pagination, operation.call.pagination_token())
    else {
        return one_page(client, operation, params).await;
    };
    let mut document: Option<Value> = None;
    let mut items = Vec::new();
    loop {
        let mut page = one_page(client, operation, params.clone()).await?;
        if let Some(Value::Array(found)) = take_at(&mut page, pagination.items) {
            items.extend(found);
        }
        let next = page
            .get(pagination.output_token)
            .and_then(Value::as_str)
            .filter(|token| !token.is_empty() && params.query.get(input_token) != Some(*token))
            .map(str::to_string);
        document.get_or_insert(page);
        match next {
            Some(token) => {
                params.query.insert(input_token, token);
            }
            None => break,
        }
    }
    let mut document = document.unwrap_or(Value::Null);
    put_at(&mut document, pagination.items, Value::Array(items));
    if let Value::Object(fields) = &mut document {
        fields.shift_remove(pagination.output_token);
    }
    Ok(document)
}

fn take_at(document: &mut Value, path: &[&str]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut current = document;
    for key in parents {
        current = current.get_mut(*key)?;
    }
    current.as_object_mut()?.shift_remove(*last)
}

fn put_at(document: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = document;
    for key in parents {
        let Value::Object(fields) = current else {
            return;
        };
        current = fields
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    if let Value::Object(fields) = current {
        fields.insert(last.to_string(), value);
    }
}

/// Prints what would be sent. Sensitive values are redacted; no credentials are resolved, so
/// a placeholder access key id stands in and no security token appears.
fn dry_run(client: &Client, operation: &Operation, params: &RequestParams) -> ExitStatus {
    let mut shown = params.clone();
    for parameter in operation
        .parameters
        .iter()
        .filter(|parameter| parameter.sensitive)
    {
        for target in [&mut shown.query, &mut shown.form] {
            let keys: Vec<String> = target
                .iter()
                .map(|(key, _)| key)
                .filter(|key| {
                    *key == parameter.name || key.starts_with(&format!("{}.", parameter.name))
                })
                .map(str::to_string)
                .collect();
            for key in keys {
                target.insert(key, REDACTED);
            }
        }
    }
    let placeholder = Credentials::new("ACCESS_KEY_ID", "", "dry run");
    let call = CallSpec::from(&operation.call);
    let signed = match client.prepare(call, &shown, &placeholder, SystemTime::now()) {
        Ok(signed) => signed,
        Err(error) => return report(&error),
    };
    println!("{} {}", signed.request.method(), signed.request.uri());
    println!("\nParameters:");
    let mut sorted: Vec<(&str, &str)> = shown.query.iter().chain(shown.form.iter()).collect();
    sorted.sort();
    for (key, value) in sorted {
        println!("  {key} = {value}");
    }
    println!("\nCanonical request:\n{}", signed.canonical_request);
    println!("\nString to sign:\n{}", signed.string_to_sign);
    ExitStatus::Success
}

fn report(error: &Error) -> ExitStatus {
    match error.as_service_error() {
        Some(service) => {
            eprintln!("ERROR: {}", service.code);
            eprintln!("Message: {}", service.message);
            eprintln!(
                "RequestId: {}",
                service.request_id.as_deref().unwrap_or("-")
            );
            eprintln!("HTTP status: {}", service.status);
            if let Some(recommend) = &service.recommend {
                eprintln!("Recommend: {recommend}");
            }
            if let Some(ours) = &service.client_string_to_sign {
                eprintln!("Client string to sign: {}", ours.replace('\n', "\\n"));
            }
        }
        None => eprintln!("ERROR: {error}"),
    }
    ExitStatus::of(error)
}

fn pretty(document: &Value) -> String {
    serde_json::to_string_pretty(document).unwrap_or_else(|_| document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_move_between_nested_paths() {
        let mut page: Value = serde_json::json!({"A": {"B": [1, 2]}, "NextToken": "t"});
        assert_eq!(
            take_at(&mut page, &["A", "B"]),
            Some(serde_json::json!([1, 2]))
        );
        put_at(&mut page, &["A", "B"], serde_json::json!([1, 2, 3]));
        assert_eq!(page["A"]["B"], serde_json::json!([1, 2, 3]));
    }
}
