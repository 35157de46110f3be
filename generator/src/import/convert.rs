//! OpenMeta → spec, one API at a time: the service, the shared schemas, and each API as an
//! operation with its parameters, response and sample response. Overlay patches, pagination
//! and type names are later passes over the result.
//!
//! The conversion never fails on what only documents: an example, a constraint or an enum
//! value of an unexpected shape is dropped, a schema without a usable type is free-form JSON,
//! and a `$ref` naming no shared schema is free-form JSON too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::openmeta::{AdditionalProperties, Api, Document, Parameter, ResponseDemo, Schema};
use super::spanned;
use super::{endpoints, signature};
use crate::spec::{EndpointsSpec, OperationSpec, RamSpec, ServiceSpec, Shape};

const PROTOCOL: &str = "https";
/// Where a `$ref` points: `#/components/schemas/<name>`.
const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// The spec's `format` of a string holding an RFC 3339 time.
const DATE_TIME: &str = "date-time";
/// How many `$ref`s to other references are followed before giving up on a chain that loops.
const MAX_REFERENCE_CHAIN: usize = 8;

/// `service.yaml` without waiters and hand-written subcommands (those come from the overlay).
pub(crate) fn service(document: &Document) -> ServiceSpec {
    let product = &document.info.product;
    let (rule, regions) = endpoints::from_metadata(product, &document.endpoints);
    ServiceSpec {
        product: spanned(product.clone()),
        api_version: spanned(document.info.version.clone()),
        style: spanned(document.info.style.to_lowercase()),
        protocol: spanned(PROTOCOL.to_owned()),
        signature: spanned(signature::of(&document.info).to_owned()),
        endpoints: EndpointsSpec {
            rule: spanned(rule),
            regions,
        },
        waiters: Vec::new(),
        cli_commands: None,
    }
}

/// Converts schemas and APIs of one document.
pub(crate) struct Converter<'d> {
    product: &'d str,
    /// Whether host parameters are kept ([`signature::sends_host_labels`]).
    host_labels: bool,
    /// Whether the APIs are RPC calls, which the official SDKs send to `/` whatever path the
    /// metadata lists (AIMath `ChatMessage` lists `/conversation/message`; its official client
    /// sets `pathname='/'`, as every official client does for the 50 RPC APIs with a path).
    rpc: bool,
    /// Whether path parameters keep their `/` (`{+key}`): an OSS object key is a path, which
    /// the official OSS SDK sends with its `/` as they are.
    multi_segment_paths: bool,
    /// Whether the APIs are ROA calls, whose free-form `body` object is one field of the body
    /// ([`Converter::request_parameter`]).
    roa: bool,
    schemas: &'d BTreeMap<String, Schema>,
}

/// What a schema stands for where it is used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// A parameter, a field or an element: `format: binary` strings stay strings there.
    Value,
    /// A whole request or response body, where `format: binary` means bytes.
    Body,
}

impl<'d> Converter<'d> {
    pub(crate) fn new(document: &'d Document) -> Self {
        Converter {
            product: &document.info.product,
            host_labels: signature::sends_host_labels(&document.info),
            rpc: document.info.style.eq_ignore_ascii_case("rpc"),
            multi_segment_paths: document.info.style.eq_ignore_ascii_case("oss"),
            roa: document.info.style.eq_ignore_ascii_case("roa"),
            schemas: &document.components.schemas,
        }
    }

    /// The shared object schemas that `operations` reference, directly or through other
    /// shared schemas, named as `ref` names them.
    pub(crate) fn shared_schemas(
        &self,
        operations: &BTreeMap<String, OperationSpec>,
    ) -> Vec<Shape> {
        let mut pending: Vec<String> = operations
            .values()
            .flat_map(|operation| {
                let mut names = BTreeSet::new();
                collect_references(
                    operation
                        .request
                        .iter()
                        .chain(&operation.response)
                        .chain(&operation.response_body),
                    &mut names,
                );
                names
            })
            .collect();
        let mut shared = BTreeMap::new();
        while let Some(name) = pending.pop() {
            if shared.contains_key(&name) {
                continue;
            }
            let Some(schema) = self.schemas.get(&name) else {
                continue;
            };
            let mut shape = self.shape(schema, Position::Value, 0);
            shape.reference = None;
            shape.name = Some(spanned(name.clone()));
            let mut names = BTreeSet::new();
            collect_references(shape.fields.iter(), &mut names);
            pending.extend(names);
            shared.insert(name, shape);
        }
        shared.into_values().collect()
    }

    /// One API as an operation, without pagination or type names.
    pub(crate) fn operation(&self, action: &str, api: &Api) -> OperationSpec {
        let mut names = BTreeSet::new();
        let request = api
            .parameters
            .iter()
            // The metadata lists a few parameters twice; they are one parameter.
            .filter(|parameter| names.insert(parameter.name.as_str()))
            .filter(|parameter| self.host_labels || parameter.location != "host")
            .map(|parameter| self.request_parameter(parameter))
            .collect();
        let (response, response_body) = self.response(api);
        let mut request: Vec<Shape> = request;
        let methods = sending_order(&api.methods);
        if methods.first().is_some_and(|method| method == "GET") {
            form_fields_in_the_query(&mut request);
        }
        let path = api
            .path
            .as_deref()
            .filter(|path| !self.rpc && path.starts_with('/'))
            .map(|path| path_template(path, &mut request))
            .map(|path| {
                if self.multi_segment_paths {
                    path.replace('{', "{+").replace("{++", "{+")
                } else {
                    path
                }
            });
        let xml_request = api.parameters.iter().any(|parameter| {
            parameter.location == "body" && parameter.style.as_deref() == Some("xml")
        });
        let produces = api.produces.as_deref().unwrap_or_default();
        let xml_response = produces.iter().any(|media| media == "application/xml")
            && !produces.iter().any(|media| media == "application/json");
        OperationSpec {
            name: Some(spanned(action.to_owned())),
            summary: documentation(api.summary.as_deref()),
            description: documentation(api.description.as_deref()),
            deprecated: api.deprecated,
            methods,
            path: path.map(spanned),
            ram: api
                .system_tags
                .operation_type
                .as_ref()
                .map(|level| RamSpec {
                    action: format!("{}:{action}", self.product),
                    access_level: level.clone(),
                }),
            read_only: matches!(
                api.system_tags.operation_type.as_deref(),
                Some("get" | "list")
            ),
            anonymous: signature::is_anonymous(api.security.as_deref()),
            signature: None,
            xml_request,
            // What the official SDK adds to a request is its facts' (or, for an operation the
            // metadata lacks, the overlay's), not the metadata's.
            xml_quotes_and_controls_escaped: false,
            content_type: None,
            content_type_from: None,
            content_md5: false,
            query_defaults: Default::default(),
            url_encoded_response: Vec::new(),
            xml_response,
            log_group_request: false,
            request_also_as_json_body: false,
            request,
            response,
            response_body,
            pagination: None,
            response_example: response_example(api),
        }
    }

    fn request_parameter(&self, parameter: &Parameter) -> Shape {
        let location = parameter.location.as_str();
        let position = if location == "body" {
            Position::Body
        } else {
            Position::Value
        };
        let mut shape = self.shape(&parameter.schema, position, 0);
        let nested = parameter.name.contains('.');
        let name_is_prefix = parameter.name.ends_with('*');
        shape.style = style(
            location,
            parameter.style.as_deref(),
            nested,
            name_is_prefix,
            &shape,
        )
        .map(spanned);
        // Bytes of `format: byte` go bare; the official SDKs label only `format: binary`
        // streams `application/octet-stream`.
        let is_binary = shape.ty.as_ref().is_some_and(|ty| ty.value == "binary");
        if is_binary && parameter.schema.format.as_deref() == Some("byte") {
            shape.content_type = Some(spanned("none".to_owned()));
        }
        shape.name = Some(spanned(parameter.name.clone()));
        shape.location = Some(spanned(parameter.location.clone()));
        if self.is_body_field_named_body(parameter) {
            return body_holding_one_field(shape);
        }
        shape
    }

    /// Whether `parameter` is a ROA call's `body` that the metadata types a free-form
    /// `object` (no properties, or only `additionalProperties`): the official ROA clients send
    /// it as the JSON body's field `body` (`body['body'] = request.body`: AIRec
    /// `ModifyRankingSystem`, OpenSearch `BindEsInstance`, OpenSearch Engine
    /// `ListPostQueryResult`, `ModifyPublicUrlIpList`: 15 operations of the pinned official
    /// SDKs, and none otherwise), where a `body` of `type: any` (OpenSearch
    /// `CreateQueryProcessor`) or of a V3 call (Cloud Control `CreateResource`) is the whole
    /// body.
    fn is_body_field_named_body(&self, parameter: &Parameter) -> bool {
        let schema = &parameter.schema;
        self.roa
            && parameter.location == "body"
            && parameter.name.eq_ignore_ascii_case("body")
            && schema.reference.is_none()
            && schema.ty.as_deref() == Some("object")
            && schema.properties.as_ref().is_none_or(|p| p.0.is_empty())
    }

    /// The fields of the first success response when it is an object with properties, else
    /// the response body's shape; then the fields its headers carry, whatever the body (see
    /// [`Converter::header_fields`]).
    fn response(&self, api: &Api) -> (Vec<Shape>, Option<Shape>) {
        let Some(success) = api
            .responses
            .iter()
            .find(|(status, _)| status.len() == 3 && status.starts_with('2'))
            .map(|(_, response)| response)
        else {
            return (Vec::new(), None);
        };
        let (mut fields, body) = match &success.schema {
            None => (Vec::new(), None),
            Some(schema) => self.response_body(schema),
        };
        if let Some(headers) = &success.headers {
            let headers = self.header_fields(&headers.0, &fields, body.is_some());
            fields.extend(headers);
        }
        (fields, body)
    }

    fn response_body(&self, schema: &Schema) -> (Vec<Shape>, Option<Shape>) {
        let schema = self.resolved(schema);
        if let Some(properties) = schema.properties.as_ref().filter(|p| !p.0.is_empty())
            && schema.ty.as_deref().is_none_or(|ty| ty == "object")
        {
            let fields = properties
                .0
                .iter()
                .map(|(name, field)| self.field(name, field))
                .collect();
            return (fields, None);
        }
        let body = self.shape(schema, Position::Body, 0);
        let describes_nothing = schema.ty.is_none() && schema.reference.is_none();
        (Vec::new(), (!describes_nothing).then_some(body))
    }

    /// The response's headers as fields `in: header` (the generator documents where they come
    /// from): scalars, and a `map` for a name ending
    /// in `*` (`x-oss-meta-*`, every header of that prefix). Left out: a header named as a
    /// body field, or `body` beside a whole body (the field the body is decoded as), or an
    /// earlier header (names compare without case, as HTTP's do), a name that is no HTTP
    /// header name (OSS writes `x‑oss‑tagging‑count` with non-breaking hyphens), and a header
    /// of a type a header cannot hold.
    fn header_fields(
        &self,
        headers: &[(String, super::openmeta::ResponseHeader)],
        body_fields: &[Shape],
        whole_body: bool,
    ) -> Vec<Shape> {
        let mut taken: BTreeSet<String> = body_fields
            .iter()
            .filter_map(|field| field.name.as_ref())
            .map(|name| name.value.to_ascii_lowercase())
            .collect();
        if whole_body {
            taken.insert("body".to_owned());
        }
        let mut fields = Vec::new();
        for (name, header) in headers {
            let prefix = name.strip_suffix('*');
            let token = prefix.unwrap_or(name);
            if !is_header_name(token) || !taken.insert(name.to_ascii_lowercase()) {
                continue;
            }
            let mut shape = self.shape(&header.schema, Position::Value, 0);
            let ty = shape.ty.as_ref().map(|ty| ty.value.as_str());
            let scalar_values = shape.values.as_ref().is_some_and(|values| {
                matches!(
                    values.ty.as_ref().map(|ty| ty.value.as_str()),
                    Some("string")
                )
            });
            match (prefix, ty) {
                (None, Some("string" | "boolean" | "int32" | "int64" | "float" | "double")) => {}
                (Some(_), Some("map")) if scalar_values => {
                    shape.style = Some(spanned("prefixed".to_owned()));
                }
                _ => continue,
            }
            shape.name = Some(spanned(name.clone()));
            shape.location = Some(spanned("header".to_owned()));
            shape.required = false;
            fields.push(shape);
        }
        fields
    }

    /// `schema`, or the shared schema it references when that is an object.
    fn resolved<'s>(&'s self, schema: &'s Schema) -> &'s Schema {
        schema
            .reference
            .as_deref()
            .and_then(|reference| self.schemas.get(schema_name(reference)))
            .unwrap_or(schema)
    }

    fn field(&self, name: &str, schema: &Schema) -> Shape {
        Shape {
            name: Some(spanned(name.to_owned())),
            ..self.shape(schema, Position::Value, 0)
        }
    }

    /// Everything a schema says, at any depth.
    fn shape(&self, schema: &Schema, position: Position, depth: usize) -> Shape {
        let mut converted = Shape {
            required: schema.required,
            description: documentation(schema.description.as_deref()),
            example: schema
                .example
                .as_ref()
                .and_then(scalar_text)
                .filter(|example| !example.is_empty()),
            enum_values: enum_values(schema),
            default: schema.default.as_ref().and_then(scalar_text),
            minimum: schema.minimum.as_ref().and_then(number),
            maximum: schema.maximum.as_ref().and_then(number),
            max_items: schema.max_items.as_ref().and_then(count),
            deprecated: schema.deprecated,
            ..Shape::default()
        };
        if let Some(reference) = &schema.reference {
            self.reference(&mut converted, schema_name(reference), position, depth);
            return converted;
        }
        let ty = match (schema.ty.as_deref(), schema.format.as_deref()) {
            (Some("string"), Some("binary" | "byte")) if position == Position::Body => "binary",
            (Some("string"), _) => {
                // An RFC 3339 example marks a timestamp, which gains a typed accessor; an enum
                // of fixed values is no time.
                if converted.enum_values.is_empty()
                    && converted.example.as_deref().is_some_and(is_timestamp)
                {
                    converted.format = Some(spanned(DATE_TIME.to_owned()));
                }
                "string"
            }
            (Some("boolean"), _) => "boolean",
            (Some("integer"), Some("int32")) => "int32",
            (Some("integer"), _) => "int64",
            (Some("number"), Some("float")) => "float",
            (Some("number"), _) => "double",
            (Some("array"), _) => {
                let items = match &schema.items {
                    Some(items) => self.shape(items, Position::Value, depth),
                    None => any(),
                };
                converted.items = Some(Box::new(items));
                "array"
            }
            (Some("object") | None, _) => match (&schema.properties, &schema.additional_properties)
            {
                // Properties win over `additionalProperties`: they name the fields a struct
                // can hold.
                (Some(properties), _) if !properties.0.is_empty() => {
                    converted.fields = properties
                        .0
                        .iter()
                        .map(|(name, field)| self.field(name, field))
                        .collect();
                    "object"
                }
                (_, Some(AdditionalProperties::Schema(values))) => {
                    converted.values = Some(Box::new(self.shape(values, Position::Value, depth)));
                    "map"
                }
                _ => "any",
            },
            // `any`, and types the spec has no better word for.
            _ => "any",
        };
        converted.ty = Some(spanned(ty.to_owned()));
        converted
    }

    /// Makes `converted` the shared schema `name`: a `ref` to it when it is an object with
    /// properties (the shared type), the schema itself when it is anything else, and free-form
    /// JSON when there is no such schema.
    fn reference(&self, converted: &mut Shape, name: &str, position: Position, depth: usize) {
        let Some(target) = self.schemas.get(name) else {
            converted.ty = Some(spanned("any".to_owned()));
            return;
        };
        let is_object = target.properties.as_ref().is_some_and(|p| !p.0.is_empty())
            && target.ty.as_deref().is_none_or(|ty| ty == "object");
        if is_object {
            converted.reference = Some(spanned(name.to_owned()));
            return;
        }
        if depth >= MAX_REFERENCE_CHAIN {
            converted.ty = Some(spanned("any".to_owned()));
            return;
        }
        let inlined = self.shape(target, position, depth + 1);
        converted.ty = inlined.ty;
        converted.reference = inlined.reference;
        converted.items = inlined.items;
        converted.values = inlined.values;
        if converted.enum_values.is_empty() {
            converted.enum_values = inlined.enum_values;
        }
        if converted.description.is_none() {
            converted.description = inlined.description;
        }
    }
}

/// The metadata's methods upper-cased, in its order but for `POST`, which goes first when it
/// is listed: the official SDKs send an operation with `POST` when its metadata lists `POST`,
/// and with the method it lists otherwise (the first, where it lists several), whatever the
/// style. Calls are sent with the first method of the spec.
fn sending_order(methods: &[String]) -> Vec<String> {
    let mut methods: Vec<String> = methods.iter().map(|method| method.to_uppercase()).collect();
    if let Some(post) = methods.iter().position(|method| method == "POST") {
        let post = methods.remove(post);
        methods.insert(0, post);
    }
    methods
}

/// A `GET` carries no body: the official SDKs send every parameter of such an operation in
/// the query, the metadata's `formData` ones too.
fn form_fields_in_the_query(request: &mut [Shape]) {
    for parameter in request {
        if let Some(location) = &mut parameter.location
            && location.value == "formData"
        {
            location.value = "query".to_owned();
        }
    }
}

/// A JSON body object whose one field is `field`, named as the body is: the spec opens a
/// `body` object into the body's fields, so `field` travels as `{"body": …}`.
fn body_holding_one_field(mut field: Shape) -> Shape {
    let body = Shape {
        name: field.name.clone(),
        location: field.location.take(),
        required: field.required,
        ty: Some(spanned("object".to_owned())),
        ..Shape::default()
    };
    Shape {
        fields: vec![field],
        ..body
    }
}

/// The API's path template with every path parameter a `{Name}` placeholder: a `*` segment
/// is read as the one path parameter the template does not otherwise name. A `[Name]` stays
/// text, as the official SDKs send it (AIRec `ListOfflineStorages`: its official client
/// takes `instance_id` and sends the path `/v2/openapi/instances/%5BinstanceId%5D/…`). When
/// the template also names placeholders that are no parameter (Cloud Control's
/// `/api/v1/providers/{provider}/products/{product}/resources/*` with the one parameter
/// `requestPath`), that parameter is the whole path, as the official SDKs send it: the
/// template is `{+Name}`. Otherwise a placeholder that names no parameter gets one, a
/// required string, so that callers can fill it.
fn path_template(path: &str, request: &mut Vec<Shape>) -> String {
    let path_parameters: Vec<String> = request
        .iter()
        .filter(|parameter| {
            parameter
                .location
                .as_ref()
                .is_some_and(|at| at.value == "path")
        })
        .filter_map(|parameter| parameter.name.as_ref().map(|name| name.value.clone()))
        .collect();
    let mut template = path.to_owned();
    let unnamed: Vec<&String> = path_parameters
        .iter()
        .filter(|name| !template.contains(&format!("{{{name}}}")))
        .collect();
    if let [only] = unnamed.as_slice() {
        let (route, query) = template
            .split_once('?')
            .map_or((template.as_str(), None), |(route, query)| {
                (route, Some(query))
            });
        let undeclared = placeholder_names(route).any(|name| {
            !request
                .iter()
                .any(|parameter| parameter.name.as_ref().is_some_and(|n| n.value == name))
        });
        if route.ends_with("/*") && undeclared {
            let query = query.map(|query| format!("?{query}")).unwrap_or_default();
            return format!("{{+{only}}}{query}");
        }
        if route.ends_with("/*") {
            let mut replaced = format!("{}{{{only}}}", &route[..route.len() - 1]);
            if let Some(query) = query {
                replaced.push('?');
                replaced.push_str(query);
            }
            template = replaced;
        }
    }
    let mut rest = template.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let placeholder = &rest[open + 1..open + close];
        let declared = request.iter().any(|parameter| {
            parameter
                .name
                .as_ref()
                .is_some_and(|name| name.value == placeholder)
        });
        if !declared {
            request.push(Shape {
                name: Some(spanned(placeholder.to_owned())),
                location: Some(spanned("path".to_owned())),
                required: true,
                ty: Some(spanned("string".to_owned())),
                description: Some(format!(
                    "The `{{{placeholder}}}` segment of the path, which the API reference does not describe."
                )),
                ..Shape::default()
            });
        }
        rest = &rest[open + close + 1..];
    }
    template
}

/// Whether `name` is an HTTP header name (RFC 9110's `token`).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// The names of a template's `{Name}` placeholders.
fn placeholder_names(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Whether `text` is an RFC 3339 time, seconds optional as Alibaba Cloud writes them:
/// `2019-05-16T10:26:14Z`, `2024-12-18T19:40:16.778333+08:00`, `2024-05-28T11:29Z`.
fn is_timestamp(text: &str) -> bool {
    let digits = |part: &str, count: usize| {
        part.len() == count && part.bytes().all(|byte| byte.is_ascii_digit())
    };
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    let date_parts: Vec<&str> = date.split('-').collect();
    let date_ok = matches!(date_parts.as_slice(), [year, month, day]
        if digits(year, 4) && digits(month, 2) && digits(day, 2));
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => return false,
    };
    let offset_ok = offset == "Z"
        || matches!(offset[1..].split_once(':'), Some((hours, minutes))
            if digits(hours, 2) && digits(minutes, 2));
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let clock_parts: Vec<&str> = clock.split(':').collect();
    let clock_ok = matches!(clock_parts.as_slice(), [hours, minutes] | [hours, minutes, _]
        if digits(hours, 2) && digits(minutes, 2))
        && clock_parts.get(2).is_none_or(|seconds| digits(seconds, 2))
        && !fraction.is_empty()
        && fraction.bytes().all(|byte| byte.is_ascii_digit());
    date_ok && offset_ok && clock_ok
}

/// `#/components/schemas/Name` → `Name`.
fn schema_name(reference: &str) -> &str {
    reference.strip_prefix(SCHEMA_PREFIX).unwrap_or_else(|| {
        reference
            .rsplit_once('/')
            .map_or(reference, |(_, name)| name)
    })
}

fn collect_references<'a>(
    shapes: impl IntoIterator<Item = &'a Shape>,
    names: &mut BTreeSet<String>,
) {
    for shape in shapes {
        if let Some(reference) = &shape.reference {
            names.insert(reference.value.clone());
        }
        let children = shape
            .fields
            .iter()
            .chain(shape.items.as_deref())
            .chain(shape.values.as_deref());
        collect_references(children, names);
    }
}

fn any() -> Shape {
    Shape {
        ty: Some(spanned("any".to_owned())),
        ..Shape::default()
    }
}

/// How a parameter at `location` is encoded: the metadata's style where it fits the shape,
/// else what the official SDKs do with such a value. Body, path and host parameters take none.
///
/// A `nested` parameter, one whose name has a `.` (KMS's `ExtendedConfig.CustomData`), is a
/// field of an object in the official SDKs (`ExtendedConfig`), which they flatten whole,
/// whatever style the metadata gives the field: `ExtendedConfig.CustomData.DBName=app1`.
fn style(
    location: &str,
    given: Option<&str>,
    nested: bool,
    name_is_prefix: bool,
    shape: &Shape,
) -> Option<String> {
    if !matches!(location, "query" | "formData" | "header") {
        return None;
    }
    let ty = shape.ty.as_ref().map(|ty| ty.value.as_str());
    let scalar_items = shape.items.as_deref().is_some_and(|items| {
        items.reference.is_none()
            && matches!(
                items.ty.as_ref().map(|ty| ty.value.as_str()),
                Some("string" | "boolean" | "int32" | "int64" | "float" | "double")
            )
    });
    let structured =
        shape.reference.is_some() || matches!(ty, Some("array" | "object" | "map" | "any"));
    let chosen = match given {
        _ if !structured => return None,
        // `x-oss-meta-*`: a map of headers, each its name's prefix and the key.
        _ if location == "header" && name_is_prefix && ty == Some("map") => "prefixed",
        // A header carries one value: its JSON.
        _ if location == "header" => "json",
        _ if nested && ty == Some("array") => "repeatList",
        _ if nested => "flat",
        Some("json") => "json",
        Some("repeatList" | "flat") => given?,
        // `simple` joins an array of scalars with commas; anything else has no simple form.
        Some("simple") if ty == Some("array") && scalar_items => "simple",
        // Without a style, the official SDKs flatten structured query and form values.
        _ if ty == Some("array") => "repeatList",
        _ => "flat",
    };
    Some(chosen.to_owned())
}

/// `enum` when given, else the keys of `enumValueTitles` (OpenMeta's usual spelling);
/// values that are not scalars are left out.
fn enum_values(schema: &Schema) -> Vec<String> {
    match &schema.enum_values {
        Some(values) if !values.is_empty() => values.iter().filter_map(scalar_text).collect(),
        _ => schema
            .enum_value_titles
            .iter()
            .flat_map(|titles| titles.0.iter().map(|(value, _)| value.clone()))
            .collect(),
    }
}

/// Documentation text made plain (see [`text`](super::text)). Text with no letter or digit
/// at all (OpenMeta has `****` placeholders) documents nothing and is dropped.
fn documentation(text: Option<&str>) -> Option<String> {
    text.map(super::text::plain)
        .filter(|text| text.chars().any(char::is_alphanumeric))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|number: &f64| number.is_finite())
}

fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The JSON sample of `responseDemo`, verbatim, when there is one and it is JSON.
fn response_example(api: &Api) -> Option<String> {
    let samples: Vec<ResponseDemo> = serde_json::from_str(api.response_demo.as_deref()?).ok()?;
    samples
        .into_iter()
        .find(|sample| sample.format == "json")
        .map(|sample| sample.example)
        .filter(|example| serde_json::from_str::<serde::de::IgnoredAny>(example).is_ok())
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn timestamps_are_rfc_3339_with_or_without_seconds() {
        for text in [
            "2019-05-16T10:26:14Z",
            "2024-12-18T19:40:16.778333+08:00",
            "2024-05-28T11:29Z",
            "2023-11-22T18:00:00-03:30",
        ] {
            assert!(is_timestamp(text), "{text}");
        }
        for text in [
            "2022-12-15 23:00:00",
            "2019-05-16",
            "2019-05-16T10:26:14",
            "20181226T220114.058+0800",
            "2019-05-16T10:26:14.Z",
            "v2019-05-16T10:26:14Z",
        ] {
            assert!(!is_timestamp(text), "{text}");
        }
    }
}
