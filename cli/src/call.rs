//! One call of an operation: its flags as wire parameters, sent through the SDK's send path.

use acs_runtime::{ByteStream, CallOptions, Client, Error, Location, RequestParams};
use clap::ArgMatches;
use serde_json::Value;

use crate::command;
use crate::model::{Kind, Operation, Parameter};

/// The parameter that names a call's region, in every Alibaba Cloud API.
const REGION_ID: &str = "RegionId";

/// The given flags among `parameters` as wire parameters, encoded by each one's style; a
/// binary body as the stream its flag gives.
pub fn collect_params<'a>(
    parameters: impl IntoIterator<Item = &'a Parameter>,
    arguments: &ArgMatches,
) -> RequestParams {
    let mut params = RequestParams::default();
    for parameter in parameters {
        let id = command::parameter_id(parameter);
        if let Kind::Binary | Kind::BareBinary = parameter.kind {
            if let Some(body) = arguments.get_one::<ByteStream>(&id) {
                params.put_stream_body(body, parameter.kind == Kind::BareBinary);
            }
            continue;
        }
        if let Some(value) = arguments.get_one::<Value>(&id) {
            let target = match parameter.location {
                Location::Query => &mut params.query,
                Location::Path => &mut params.path,
                Location::Header => &mut params.headers,
                Location::Host => &mut params.host,
                Location::Form => &mut params.form,
                Location::BodyField => {
                    params
                        .put_body_field(parameter.name, value)
                        .expect("a JSON value serialises");
                    continue;
                }
                Location::Body => {
                    match value {
                        Value::String(text) => params.put_text_body(text),
                        other => params.put_body(other).expect("a JSON value serialises"),
                    }
                    continue;
                }
            };
            match (parameter.kind, value) {
                (Kind::JsonText, Value::String(text)) => {
                    target.insert(parameter.name, text.as_str());
                }
                _ => target.put_value(parameter.name, parameter.style, value),
            }
        }
    }
    params
}

/// The given flags among `parameters` of `operation` as wire parameters (see
/// [`collect_params`]). Where the official SDK sends the whole request again as a JSON body
/// ([`acs_runtime::Operation::request_also_as_json_body`]), each given flag is also a field of
/// that body, by wire name in the byte order of the names, as a generated request writes it.
pub fn operation_params<'a>(
    operation: &Operation,
    parameters: impl IntoIterator<Item = &'a Parameter>,
    arguments: &ArgMatches,
) -> RequestParams {
    let mut given: Vec<&Parameter> = parameters.into_iter().collect();
    let mut params = collect_params(given.iter().copied(), arguments);
    if operation.call.request_also_as_json_body() {
        given.retain(|parameter| !matches!(parameter.kind, Kind::Binary | Kind::BareBinary));
        given.sort_by_key(|parameter| parameter.name);
        for parameter in given {
            if let Some(value) = arguments.get_one::<Value>(&command::parameter_id(parameter)) {
                params
                    .put_body_field(parameter.name, value)
                    .expect("a JSON value serialises");
            }
        }
    }
    params
}

/// The call's own `RegionId`, which picks the endpoint when `--region` does not, as in
/// aliyun-cli.
pub fn region_parameter(params: &RequestParams) -> Option<&str> {
    params
        .query
        .get(REGION_ID)
        .or_else(|| params.form.get(REGION_ID))
        .filter(|region| !region.is_empty())
}

/// Sends one call with its retries and returns the response as JSON.
pub async fn send(
    client: &Client,
    operation: &'static Operation,
    params: RequestParams,
) -> Result<Value, Error> {
    client
        .send(&operation.call, Ok(params), CallOptions::default())
        .await
}
