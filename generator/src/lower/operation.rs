//! One operation: its name, methods and path template, its request (with the metadata's
//! `body` object opened into fields, as the official SDKs do), its response and pagination.

use std::collections::BTreeMap;

use super::descriptions::tidy;
use super::pagination;
use super::schemas::SharedTypes;
use super::shapes::{self, Position, Shapes};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::ir::{self, Location, Response, Style, Type};
use crate::load::OperationFile;
use crate::naming::{self, OperationNames};
use crate::yaml;

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

pub(super) fn lower(
    file: &OperationFile,
    names: &OperationNames,
    shared: &SharedTypes,
    diagnostics: &mut Diagnostics,
) -> ir::Operation {
    let path = file.path.as_path();
    let spec = &file.spec;
    let name = file.action();
    check_name(file, &name, diagnostics);
    let reserved = names.type_names().map(str::to_owned);
    let mut shapes = Shapes::new(path, diagnostics, &shared.names, reserved);
    check_methods(&mut shapes, &spec.methods);
    let request = shapes.lower_members(&spec.request, Position::Parameter);
    let (mut request, body_parameter) = open_body(&mut shapes, request);
    check_body(&mut shapes, &request);
    shapes::name_members(&mut request);
    let template = spec
        .path
        .as_ref()
        .map_or_else(|| "/".to_owned(), |path| path.value.clone());
    if let Some(spec_path) = &spec.path {
        let at = shapes.at(spec_path);
        if !template.starts_with('/') && !template.starts_with("{+") {
            shapes.report(
                at.clone(),
                "a path template starts with `/`, or is a whole-path `{+Name}`",
                None,
            );
        }
        check_path(&mut shapes, &template, at, &request);
    }
    let auth = spec.signature.as_ref().and_then(|signature| {
        let named = ir::Signature::named(&signature.value);
        if named.is_none() {
            let known: Vec<&str> = ir::Signature::ALL.iter().map(|(name, _)| *name).collect();
            shapes.report(
                shapes.at(signature),
                format!("unsupported signature `{}`", signature.value),
                Some(format!("supported: {}", known.join(", "))),
            );
        }
        named
    });
    let (response, response_headers, whole_body_beside_headers) = lower_response(&mut shapes, spec);
    let pagination = spec.pagination.as_ref().and_then(|pagination| {
        let fields = match &response {
            Response::Fields(fields) => fields.as_slice(),
            _ => &[],
        };
        pagination::lower(&mut shapes, shared.structs(), pagination, &request, fields)
    });
    if let Some(example) = &spec.response_example
        && let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(example)
    {
        shapes.report(
            SourceLocation::file_start(path),
            format!("response_example is not valid JSON: {error}"),
            Some("paste the reference's sample success response verbatim".into()),
        );
    }
    if spec.xml_quotes_and_controls_escaped && !spec.xml_request {
        shapes.report(
            SourceLocation::file_start(path),
            "xml_quotes_and_controls_escaped is set on an operation whose body is no XML",
            Some("set xml_request too, or remove it".into()),
        );
    }
    let content_type = content_type(&mut shapes, spec, &request);
    let query_defaults = query_defaults(&mut shapes, spec, &request);
    let url_encoded_response = url_encoded_response(&mut shapes, shared, spec, &response);
    let idempotency_token = request
        .iter()
        .find(|member| member.wire_name == "ClientToken" && member.ty == Type::String)
        .map(|member| (member.wire_name.clone(), member.location));
    let flags = flags(&request, body_parameter.as_deref());

    ir::Operation {
        spec_path: path.to_path_buf(),
        names: names.clone(),
        summary: spec.summary.as_deref().map(tidy),
        description: spec.description.as_deref().map(tidy),
        deprecated: spec.deprecated,
        method: spec.methods.first().cloned().unwrap_or_default(),
        path: template,
        ram: spec.ram.as_ref().map(|ram| ir::Ram {
            action: ram.action.clone(),
            access_level: ram.access_level.clone(),
        }),
        read_only: spec.read_only,
        anonymous: spec.anonymous,
        auth,
        xml_request: spec.xml_request,
        xml_quotes_and_controls_escaped: spec.xml_quotes_and_controls_escaped,
        xml_response: spec.xml_response,
        log_group_request: spec.log_group_request,
        request_also_as_json_body: spec.request_also_as_json_body,
        content_type,
        content_md5: spec.content_md5,
        query_defaults,
        url_encoded_response,
        presignable: false,
        request,
        body_parameter,
        flags,
        response,
        response_headers,
        whole_body_beside_headers,
        structs: shapes.structs,
        enums: shapes.enums,
        pagination,
        idempotency_token,
        response_example: spec.response_example.clone(),
        name,
    }
}

/// The spec's `content_type` (a media type or `none`) or `content_type_from` (a path
/// parameter), one of them at most.
fn content_type(
    shapes: &mut Shapes,
    spec: &crate::spec::OperationSpec,
    request: &[ir::Member],
) -> ir::ContentType<String> {
    match (&spec.content_type, &spec.content_type_from) {
        (Some(given), Some(_)) => {
            shapes.report(
                shapes.at(given),
                "`content_type` and `content_type_from` both say what the Content-Type is",
                Some("keep one".into()),
            );
            ir::ContentType::OfBody
        }
        (Some(given), None) if given.value == "none" => ir::ContentType::Omitted,
        (Some(given), None) => {
            if http_media_type(&given.value) {
                ir::ContentType::Fixed(given.value.clone())
            } else {
                shapes.report(
                    shapes.at(given),
                    format!("`{}` is no media type", given.value),
                    Some("a media type (`application/xml`) or `none`".into()),
                );
                ir::ContentType::OfBody
            }
        }
        (None, Some(parameter)) => {
            let in_path = request.iter().any(|member| {
                member.location == Location::Path && member.wire_name == parameter.value
            });
            if !in_path {
                shapes.report(
                    shapes.at(parameter),
                    format!(
                        "`content_type_from` names `{}`, no path parameter",
                        parameter.value
                    ),
                    Some("name the path parameter whose extension gives the type (`key`)".into()),
                );
            }
            ir::ContentType::ByExtensionOf(parameter.value.clone())
        }
        (None, None) => ir::ContentType::OfBody,
    }
}

/// The spec's `query_defaults`, each of which names a query parameter of the operation: the
/// caller's value replaces the default.
fn query_defaults(
    shapes: &mut Shapes,
    spec: &crate::spec::OperationSpec,
    request: &[ir::Member],
) -> Vec<(String, String)> {
    let mut defaults = Vec::with_capacity(spec.query_defaults.len());
    for (name, value) in &spec.query_defaults {
        let in_query = request
            .iter()
            .any(|member| member.location == Location::Query && member.wire_name == *name);
        if !in_query {
            shapes.report(
                shapes.at(value),
                format!("`query_defaults` names `{name}`, no query parameter"),
                Some("name a query parameter the caller may set otherwise".into()),
            );
        }
        defaults.push((name.clone(), value.value.clone()));
    }
    defaults
}

/// The spec's `url_encoded_response`: each a path of fields from the XML response's root
/// element (`Contents.Key`, through lists) that ends at text.
fn url_encoded_response(
    shapes: &mut Shapes,
    shared: &SharedTypes,
    spec: &crate::spec::OperationSpec,
    response: &Response,
) -> Vec<String> {
    let mut fields = Vec::with_capacity(spec.url_encoded_response.len());
    for path in &spec.url_encoded_response {
        let root = match response {
            Response::Fields(fields) if spec.xml_response && fields.len() == 1 => Some(&fields[0]),
            _ => None,
        };
        let ends_at_text = root.is_some_and(|root| {
            let mut ty = &root.ty;
            for segment in path.value.split('.') {
                while let Type::Array(item) = ty {
                    ty = item;
                }
                let members = match ty {
                    Type::Struct(name) => shapes.structs.iter().find(|s| s.name == *name),
                    Type::Shared(name) => shared.structs().iter().find(|s| s.name == *name),
                    _ => None,
                };
                let Some(field) = members
                    .and_then(|members| members.fields.iter().find(|f| f.wire_name == segment))
                else {
                    return false;
                };
                ty = &field.ty;
            }
            *ty == Type::String
        });
        if !ends_at_text {
            shapes.report(
                shapes.at(path),
                format!(
                    "`url_encoded_response` names `{}`, no text field under the XML response's root",
                    path.value
                ),
                Some("a path of field names from the root element's fields (`Contents.Key`)".into()),
            );
        }
        fields.push(path.value.clone());
    }
    fields
}

/// `type/subtype`, in characters a header value carries as they are.
fn http_media_type(text: &str) -> bool {
    text.split_once('/').is_some_and(|(kind, subtype)| {
        !kind.is_empty() && !subtype.is_empty() && !subtype.contains('/')
    }) && text
        .bytes()
        .all(|byte| byte.is_ascii_graphic() || byte == b' ')
}

fn check_name(file: &OperationFile, name: &str, diagnostics: &mut Diagnostics) {
    let path = file.path.as_path();
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    match &file.spec.name {
        None => diagnostics.push(
            Diagnostic::new(SourceLocation::file_start(path), "missing key `name`")
                .with_hint(format!("add `name: {stem}`")),
        ),
        Some(spanned) if name != stem => diagnostics.push(
            Diagnostic::new(
                yaml::location_of(path, spanned),
                format!("operation `{name}` is in a file named `{stem}.yaml`"),
            )
            .with_hint(format!("rename the file to `{name}.yaml`")),
        ),
        Some(spanned)
            if !name.starts_with(|c: char| c.is_ascii_alphabetic())
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            diagnostics.push(
                Diagnostic::new(
                    yaml::location_of(path, spanned),
                    format!("`{name}` cannot be an action name"),
                )
                .with_hint("use the action name exactly as the API spells it"),
            )
        }
        Some(_) => {}
    }
}

fn check_methods(shapes: &mut Shapes<'_>, methods: &[String]) {
    let start = SourceLocation::file_start(shapes.file);
    if methods.is_empty() {
        shapes.report(
            start.clone(),
            "missing key `methods`",
            Some("list the HTTP methods the API reference allows, e.g. `[POST, GET]`".into()),
        );
    }
    for method in methods {
        if !METHODS.contains(&method.as_str()) {
            shapes.report(
                start.clone(),
                format!("unsupported HTTP method `{method}`"),
                Some(format!("supported: {}", METHODS.join(", "))),
            );
        }
    }
}

/// One flag per request parameter, but one for the whole body object whose fields were opened
/// into the request (`body_parameter`), where its first field is.
fn flags(request: &[ir::Member], body_parameter: Option<&str>) -> Vec<ir::Flag> {
    let mut takes = Vec::new();
    for (index, member) in request.iter().enumerate() {
        match body_parameter {
            Some(body) if member.location == Location::BodyField => {
                if !takes
                    .iter()
                    .any(|taken| matches!(taken, ir::FlagValue::Body { .. }))
                {
                    takes.push(ir::FlagValue::Body {
                        wire_name: body.to_owned(),
                        required: request.iter().any(|member| {
                            member.location == Location::BodyField && member.required
                        }),
                    });
                }
            }
            _ => takes.push(ir::FlagValue::Parameter(index)),
        }
    }
    let names = naming::flag_names(takes.iter().map(|takes| match takes {
        ir::FlagValue::Parameter(index) => request[*index].wire_name.as_str(),
        ir::FlagValue::Body { wire_name, .. } => wire_name.as_str(),
    }));
    takes
        .into_iter()
        .zip(names)
        .map(|(takes, names)| ir::Flag { names, takes })
        .collect()
}

/// The request as the SDK exposes it: a body parameter that is an object declared in place
/// (`fields`), whatever its name, has its fields sent as the JSON body's fields, and they
/// become fields of the request, as in the official SDKs, whose models hold such an object's
/// fields as the request's own (a `body`, FC's `function`; SAE `CreateConfigMap`'s `Data`,
/// whose one field is also named `Data`, is the Python model's `data: str` and the Go model's
/// `Data *string`, sent as `{"Data":"…"}`): 1,187 such parameters of the pinned official
/// SDKs, `conformance/body_objects.py`. Any other body
/// parameter is the whole body when it is named `body`, is an array or is a shared schema
/// (`ref`: the official DataLake client sends its `UpdateTablePartitionColumnStatisticsRequest`
/// as the body), and one field of a JSON object body otherwise (`{"Data": …}`). Returns the
/// opened parameter's wire name.
fn open_body(
    shapes: &mut Shapes<'_>,
    request: Vec<ir::Member>,
) -> (Vec<ir::Member>, Option<String>) {
    let mut opened = None;
    let mut members = Vec::with_capacity(request.len());
    for mut member in request {
        if member.location != Location::Body {
            members.push(member);
            continue;
        }
        match &member.ty {
            Type::Struct(name) => {
                let position = shapes.structs.iter().position(|item| &item.name == name);
                if let Some(position) = position {
                    let object = shapes.structs.remove(position);
                    members.extend(object.fields.into_iter().map(|mut field| {
                        field.location = Location::BodyField;
                        field.required = field.required && member.required;
                        field
                    }));
                    opened = Some(member.wire_name.clone());
                }
            }
            Type::Array(_) | Type::Shared(_) => members.push(member),
            _ if member.wire_name.eq_ignore_ascii_case("body") => members.push(member),
            _ => {
                member.location = Location::BodyField;
                members.push(member);
            }
        }
    }
    (members, opened)
}

/// A request has one body: a whole body, or JSON fields, or form fields.
fn check_body(shapes: &mut Shapes<'_>, request: &[ir::Member]) {
    let count = |location: Location| {
        request
            .iter()
            .filter(|member| member.location == location)
            .count()
    };
    let (whole, fields, form) = (
        count(Location::Body),
        count(Location::BodyField),
        count(Location::Form),
    );
    let kinds = [whole > 0, fields > 0, form > 0]
        .iter()
        .filter(|present| **present)
        .count();
    if whole > 1 || kinds > 1 {
        shapes.report(
            SourceLocation::file_start(shapes.file),
            "the request has more than one body",
            Some(
                "a request carries one whole `body`, or JSON body fields, or `formData` fields"
                    .into(),
            ),
        );
    }
}

/// The response's body, the fields its headers carry, and, when a whole body (an array, text)
/// goes beside them, that body as the field `body` the runtime decodes it under.
fn lower_response(
    shapes: &mut Shapes<'_>,
    spec: &crate::spec::OperationSpec,
) -> (Response, Vec<ir::Member>, Option<ir::Member>) {
    let (headers, fields): (Vec<_>, Vec<_>) = shapes
        .lower_members(&spec.response, Position::ResponseField)
        .into_iter()
        .partition(|member| member.location == Location::Header);
    let mut headers: Vec<ir::Member> = headers
        .into_iter()
        .filter_map(|header| check_header_field(shapes, spec, header))
        .collect();
    let (body, whole) = lower_response_body(shapes, spec, fields);
    let whole =
        whole.filter(|_| !headers.is_empty() && matches!(body, Response::Json(_) | Response::Text));
    let Some(mut whole) = whole else {
        return (body, headers, None);
    };
    if let Some(header) = headers
        .iter()
        .find(|header| header.wire_name.eq_ignore_ascii_case(WHOLE_BODY_FIELD))
    {
        shapes.report(
            SourceLocation::file_start(shapes.file),
            format!(
                "the response header `{}` has the name of the whole body's field",
                header.wire_name
            ),
            Some("remove the header field".into()),
        );
    }
    whole.wire_name = WHOLE_BODY_FIELD.to_owned();
    whole.docs.description = Some(match whole.docs.description.take() {
        Some(description) => format!("The response body: {description}"),
        None => "The response body.".to_owned(),
    });
    let mut members = vec![whole];
    members.append(&mut headers);
    super::shapes::name_members(&mut members);
    let whole = members.remove(0);
    (body, members, Some(whole))
}

/// The key the runtime decodes a whole body under beside the header fields
/// (`acs_runtime::Operation::with_whole_body_beside_headers`).
const WHOLE_BODY_FIELD: &str = "body";

/// A header field holds a scalar, or a `map` of text when `prefixed` (its name the prefix
/// and `*`); its documentation says where it comes from.
fn check_header_field(
    shapes: &mut Shapes<'_>,
    spec: &crate::spec::OperationSpec,
    mut header: ir::Member,
) -> Option<ir::Member> {
    let prefixed = header.style == Style::Prefixed;
    let fits = if prefixed {
        header.wire_name.ends_with('*') && header.ty == Type::Map(Box::new(Type::String))
    } else {
        header.ty.is_scalar() && !header.wire_name.contains('*')
    };
    if !fits {
        let at = spec
            .response
            .iter()
            .find(|shape| {
                shape
                    .name
                    .as_ref()
                    .is_some_and(|name| name.value == header.wire_name)
            })
            .map_or_else(
                || SourceLocation::file_start(shapes.file),
                |shape| shapes.member_location(shape),
            );
        shapes.report(
            at,
            format!("the response header `{}` cannot hold its type", header.wire_name),
            Some(
                "a header is a scalar, or with `style: prefixed` and a name ending in `*` a `map` of `string`"
                    .into(),
            ),
        );
        return None;
    }
    let origin = if prefixed {
        let prefix = header.wire_name.trim_end_matches('*');
        format!(
            "From the response headers named `{prefix}…`, by the rest of their names in lower case."
        )
    } else {
        format!(
            "From the `{}` response header, unset when the response has none; a value that does not read as this type fails the call with a decoding error.",
            header.wire_name
        )
    };
    header.docs.description = Some(match header.docs.description.take() {
        Some(description) => format!("{description}\n\n{origin}"),
        None => origin,
    });
    Some(header)
}

/// The response's body, and the member a whole body was lowered to.
fn lower_response_body(
    shapes: &mut Shapes<'_>,
    spec: &crate::spec::OperationSpec,
    fields: Vec<ir::Member>,
) -> (Response, Option<ir::Member>) {
    match &spec.response_body {
        Some(body) if !fields.is_empty() => {
            shapes.report(
                shapes.member_location(body),
                "a response has `response` fields or a `response_body`, not both",
                Some("keep the one that describes the body".into()),
            );
            (Response::Fields(fields), None)
        }
        Some(body) => match shapes.lower_member(body, Position::ResponseBody) {
            Some(member) => {
                let response = match &member.ty {
                    Type::String => Response::Text,
                    Type::Binary => Response::Binary,
                    ty => Response::Json(ty.clone()),
                };
                (response, Some(member))
            }
            None => (Response::Empty, None),
        },
        None if fields.is_empty() => (Response::Empty, None),
        None => (Response::Fields(fields), None),
    }
}

/// Every `{Name}` of `template`, in order.
fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        // `{+Name}` keeps the `/` of its value (see the spec's README).
        let name = &rest[open + 1..open + close];
        found.push(name.strip_prefix('+').unwrap_or(name));
        rest = &rest[open + close + 1..];
    }
    found
}

/// Each placeholder of the template must be a path parameter. (A path parameter the template
/// does not name is not sent, as the official SDKs do not send it.)
fn check_path(shapes: &mut Shapes<'_>, template: &str, at: SourceLocation, request: &[ir::Member]) {
    let parameters: BTreeMap<&str, ()> = request
        .iter()
        .filter(|member| member.location == Location::Path)
        .map(|member| (member.wire_name.as_str(), ()))
        .collect();
    for placeholder in placeholders(template) {
        if !parameters.contains_key(placeholder) {
            shapes.report(
                at.clone(),
                format!("the path template names `{{{placeholder}}}`, which is no path parameter"),
                Some("add the parameter with `in: path`, or fix the template".into()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use crate::ir::Location;

    const SERVICE: &str = "product: demo\napi_version: \"2020-01-01\"\nstyle: roa\nprotocol: https\nsignature: ACS3-HMAC-SHA256\nendpoints:\n  rule: demo.{region}.aliyuncs.com\n";

    const SCHEMAS: &str = "- {name: Statistics, type: object, type_name: Statistics, fields: [{name: CatalogId, type: string}]}\n";

    /// DataLake `UpdatePartitionColumnStatistics`: its one body parameter, a shared schema not
    /// named `body`, is what the official client sends as the whole body.
    const OPERATION: &str = "name: PutStatistics\nmethods: [PUT]\npath: /statistics\nrequest:\n  - {name: StatisticsRequest, in: body, ref: Statistics}\n";

    #[test]
    fn a_shared_schema_in_the_body_is_the_whole_body_whatever_its_name() {
        let texts = BTreeMap::from([
            (PathBuf::from("spec/demo/service.yaml"), SERVICE.to_owned()),
            (PathBuf::from("spec/demo/schemas.yaml"), SCHEMAS.to_owned()),
            (
                PathBuf::from("spec/demo/operations/PutStatistics.yaml"),
                OPERATION.to_owned(),
            ),
        ]);
        let service = crate::lower_from_texts("demo", &texts).expect("the spec lowers");
        let request = &service.operations[0].request;
        assert_eq!(request.len(), 1);
        assert_eq!(request[0].wire_name, "StatisticsRequest");
        assert_eq!(request[0].location, Location::Body);
    }

    /// FC `CreateFunction`: its body parameter `function`, an object declared in place, is
    /// what the official client opens into the body (`body['code'] = request.code`), and the
    /// command takes it as one JSON flag, as it takes a `body`.
    const FUNCTION: &str = "name: CreateFunction\nmethods: [POST]\npath: /functions\nrequest:\n  - {name: function, in: body, type: object, type_name: Function, fields: [{name: code, type: string}, {name: layers, type: array, items: {type: string}}]}\n";

    #[test]
    fn a_body_object_declared_in_place_is_opened_whatever_its_name() {
        let texts = BTreeMap::from([
            (PathBuf::from("spec/demo/service.yaml"), SERVICE.to_owned()),
            (
                PathBuf::from("spec/demo/operations/CreateFunction.yaml"),
                FUNCTION.to_owned(),
            ),
        ]);
        let service = crate::lower_from_texts("demo", &texts).expect("the spec lowers");
        let operation = &service.operations[0];
        let placed: Vec<(&str, Location)> = operation
            .request
            .iter()
            .map(|member| (member.wire_name.as_str(), member.location))
            .collect();
        assert_eq!(
            placed,
            [
                ("code", Location::BodyField),
                ("layers", Location::BodyField)
            ]
        );
        assert_eq!(operation.body_parameter.as_deref(), Some("function"));
        assert_eq!(operation.flags.len(), 1);
        assert_eq!(
            operation.flags[0].takes,
            crate::ir::FlagValue::Body {
                wire_name: "function".into(),
                required: false
            }
        );
    }

    #[test]
    fn quotes_and_controls_are_escaped_only_in_an_xml_body() {
        let spec = |extra: &str| {
            BTreeMap::from([
                (PathBuf::from("spec/demo/service.yaml"), SERVICE.to_owned()),
                (
                    PathBuf::from("spec/demo/operations/Delete.yaml"),
                    format!(
                        "name: Delete\nmethods: [POST]\npath: /?delete\n{extra}\
                         xml_quotes_and_controls_escaped: true\nrequest:\n  - {{name: Delete, in: body, type: object, type_name: Delete, fields: [{{name: Key, type: string}}]}}\n"
                    ),
                ),
            ])
        };
        let service =
            crate::lower_from_texts("demo", &spec("xml_request: true\n")).expect("the spec lowers");
        assert!(service.operations[0].xml_quotes_and_controls_escaped);
        let Err(diagnostics) = crate::lower_from_texts("demo", &spec("")) else {
            panic!("escaping was taken for a body that is no XML");
        };
        let reported = format!("{diagnostics:?}");
        assert!(
            reported.contains(
                "xml_quotes_and_controls_escaped is set on an operation whose body is no XML"
            ),
            "{reported}"
        );
    }
}
