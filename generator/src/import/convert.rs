//! OpenMeta → spec, one API at a time: the service, and each API as an operation with its
//! parameters, response fields and sample response. Overlay patches, pagination and type
//! names are later passes over the result.

use serde_json::Value;

use super::error::{ApiProblem, ImportError};
use super::openmeta::{AdditionalProperties, Api, Document, Parameter, ResponseDemo, Schema};
use super::spanned;
use crate::spec::{EndpointsSpec, OperationSpec, RamSpec, RegionEndpoint, ServiceSpec, Shape};

const PROTOCOL: &str = "https";
const SIGNATURE: &str = "ACS3-HMAC-SHA256";

/// `service.yaml` without waiters (those come from the overlay).
pub(crate) fn service(document: &Document) -> ServiceSpec {
    let product = &document.info.product;
    ServiceSpec {
        product: spanned(product.clone()),
        api_version: spanned(document.info.version.clone()),
        style: spanned(document.info.style.to_lowercase()),
        protocol: spanned(PROTOCOL.to_owned()),
        signature: spanned(SIGNATURE.to_owned()),
        endpoints: EndpointsSpec {
            rule: spanned(format!(
                "{}.{{region}}.aliyuncs.com",
                product.to_lowercase()
            )),
            regions: document
                .endpoints
                .iter()
                .map(|endpoint| RegionEndpoint {
                    region: endpoint.region_id.clone(),
                    endpoint: endpoint.endpoint.clone(),
                })
                .collect(),
        },
        waiters: Vec::new(),
    }
}

/// One API as an operation, without pagination or type names.
pub(crate) fn operation(
    product: &str,
    action: &str,
    api: &Api,
) -> Result<OperationSpec, ImportError> {
    let request = api
        .parameters
        .iter()
        .map(|parameter| request_parameter(action, parameter))
        .collect::<Result<_, _>>()?;
    Ok(OperationSpec {
        name: Some(spanned(action.to_owned())),
        summary: documentation(api.summary.as_deref()),
        description: documentation(api.description.as_deref()),
        deprecated: api.deprecated,
        methods: api
            .methods
            .iter()
            .map(|method| method.to_uppercase())
            .collect(),
        ram: api
            .system_tags
            .operation_type
            .as_ref()
            .map(|level| RamSpec {
                action: format!("{product}:{action}"),
                access_level: level.clone(),
            }),
        read_only: matches!(
            api.system_tags.operation_type.as_deref(),
            Some("get" | "list")
        ),
        request,
        response: response_fields(action, api)?,
        pagination: None,
        response_example: response_example(action, api)?,
    })
}

/// Where in an API a schema sits, for error messages.
#[derive(Clone, Copy)]
struct Site<'a> {
    api: &'a str,
    /// `request parameter` or `response field`.
    kind: &'static str,
}

impl Site<'_> {
    fn error(self, path: &str, problem: ApiProblem) -> ImportError {
        ImportError::Api {
            api: self.api.to_owned(),
            at: format!("{} `{path}`", self.kind),
            problem,
        }
    }
}

fn request_parameter(action: &str, parameter: &Parameter) -> Result<Shape, ImportError> {
    let site = Site {
        api: action,
        kind: "request parameter",
    };
    Ok(Shape {
        name: Some(spanned(parameter.name.clone())),
        location: Some(spanned(parameter.location.clone())),
        style: parameter.style.clone().map(spanned),
        ..shape(&parameter.schema, site, &parameter.name)?
    })
}

fn response_fields(action: &str, api: &Api) -> Result<Vec<Shape>, ImportError> {
    let success = api.responses.get("200").ok_or_else(|| ImportError::Api {
        api: action.to_owned(),
        at: String::new(),
        problem: ApiProblem::NoSuccessResponse,
    })?;
    let Some(schema) = &success.schema else {
        return Ok(Vec::new());
    };
    if schema.ty.as_deref().is_some_and(|ty| ty != "object") {
        return Err(ImportError::Api {
            api: action.to_owned(),
            at: "response".to_owned(),
            problem: ApiProblem::UnsupportedType {
                ty: schema.ty.clone(),
                format: schema.format.clone(),
            },
        });
    }
    let site = Site {
        api: action,
        kind: "response field",
    };
    let Some(properties) = &schema.properties else {
        return Ok(Vec::new());
    };
    properties
        .0
        .iter()
        .map(|(name, schema)| field(name, schema, site, name))
        .collect()
}

fn field(name: &str, schema: &Schema, site: Site<'_>, path: &str) -> Result<Shape, ImportError> {
    Ok(Shape {
        name: Some(spanned(name.to_owned())),
        ..shape(schema, site, path)?
    })
}

/// Everything a schema says, at any depth; `path` is the overlay-style path of `schema`.
fn shape(schema: &Schema, site: Site<'_>, path: &str) -> Result<Shape, ImportError> {
    let at = |problem| site.error(path, problem);
    let mut converted = Shape {
        required: schema.required,
        description: documentation(schema.description.as_deref()),
        example: optional(schema.example.as_ref(), |value| {
            scalar_text(value, "example")
        })
        .map_err(at)?
        .filter(|example| !example.is_empty()),
        enum_values: enum_values(schema).map_err(at)?,
        default: optional(schema.default.as_ref(), |value| {
            scalar_text(value, "default")
        })
        .map_err(at)?,
        minimum: optional(schema.minimum.as_ref(), |value| number(value, "minimum")).map_err(at)?,
        maximum: optional(schema.maximum.as_ref(), |value| number(value, "maximum")).map_err(at)?,
        max_items: optional(schema.max_items.as_ref(), |value| count(value, "maxItems"))
            .map_err(at)?,
        deprecated: schema.deprecated,
        ..Shape::default()
    };
    let ty = match (schema.ty.as_deref(), schema.format.as_deref()) {
        (Some("string"), _) => "string",
        (Some("boolean"), _) => "boolean",
        (Some("integer"), Some("int32")) => "int32",
        (Some("integer"), None | Some("int64")) => "int64",
        (Some("number"), Some("float")) => "float",
        (Some("number"), None | Some("double")) => "double",
        (Some("array"), _) => {
            let items = schema
                .items
                .as_deref()
                .ok_or_else(|| at(ApiProblem::ArrayWithoutItems))?;
            converted.items = Some(Box::new(shape(items, site, &format!("{path}[]"))?));
            "array"
        }
        (Some("object"), _) => match (&schema.properties, &schema.additional_properties) {
            // Properties win over `additionalProperties`: they name the fields a struct can hold.
            (Some(properties), _) if !properties.0.is_empty() => {
                converted.fields = properties
                    .0
                    .iter()
                    .map(|(name, schema)| field(name, schema, site, &format!("{path}.{name}")))
                    .collect::<Result<_, _>>()?;
                "object"
            }
            (_, Some(AdditionalProperties::Schema(values))) => {
                converted.values = Some(Box::new(shape(values, site, &format!("{path}{{}}"))?));
                "map"
            }
            _ => "any",
        },
        (ty, format) => {
            return Err(at(ApiProblem::UnsupportedType {
                ty: ty.map(str::to_owned),
                format: format.map(str::to_owned),
            }));
        }
    };
    converted.ty = Some(spanned(ty.to_owned()));
    Ok(converted)
}

fn optional<T>(
    value: Option<&Value>,
    convert: impl FnOnce(&Value) -> Result<T, ApiProblem>,
) -> Result<Option<T>, ApiProblem> {
    value.map(convert).transpose()
}

/// `enum` when given, else the keys of `enumValueTitles` (OpenMeta's usual spelling).
fn enum_values(schema: &Schema) -> Result<Vec<String>, ApiProblem> {
    if !schema.enum_values.is_empty() {
        return schema
            .enum_values
            .iter()
            .map(|value| scalar_text(value, "enum"))
            .collect();
    }
    Ok(schema
        .enum_value_titles
        .iter()
        .flat_map(|titles| titles.0.iter().map(|(value, _)| value.clone()))
        .collect())
}

/// Documentation text without trailing whitespace. Text with no letter or digit at all
/// (OpenMeta has `****` placeholders) documents nothing and is dropped.
fn documentation(text: Option<&str>) -> Option<String> {
    text.map(str::trim_end)
        .filter(|text| text.chars().any(char::is_alphanumeric))
        .map(str::to_owned)
}

fn scalar_text(value: &Value, key: &'static str) -> Result<String, ApiProblem> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => Err(ApiProblem::NotAScalar {
            key,
            value: value.to_string(),
        }),
    }
}

fn number(value: &Value, key: &'static str) -> Result<f64, ApiProblem> {
    let parsed = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| ApiProblem::NotANumber {
        key,
        value: value.to_string(),
    })
}

fn count(value: &Value, key: &'static str) -> Result<u64, ApiProblem> {
    let parsed = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| ApiProblem::NotANumber {
        key,
        value: value.to_string(),
    })
}

/// The JSON sample of `responseDemo`, verbatim.
fn response_example(action: &str, api: &Api) -> Result<Option<String>, ImportError> {
    let Some(demo) = &api.response_demo else {
        return Ok(None);
    };
    let samples: Vec<ResponseDemo> =
        serde_json::from_str(demo).map_err(|error| ImportError::Api {
            api: action.to_owned(),
            at: String::new(),
            problem: ApiProblem::ResponseDemo(error),
        })?;
    Ok(samples
        .into_iter()
        .find(|sample| sample.format == "json")
        .map(|sample| sample.example)
        .filter(|example| !example.is_empty()))
}
