//! Validation and lowering in one walk: every spec value is checked where it is turned into
//! IR, so lowering never sees an unchecked value and every problem is reported in one run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::ir::{self, Docs, Location, PathStep, Side, Style, Type};
use crate::load::{OperationFile, ServiceFiles};
use crate::naming;
use crate::spec::{OperationSpec, PaginationSpec, Shape, WaiterSpec};
use crate::yaml::{self, Spanned};

const TYPES: &[&str] = &[
    "string", "boolean", "int32", "int64", "float", "double", "object", "array", "map", "any",
];
const STYLES: &[&str] = &["simple", "json", "repeatList", "flat"];
const LOCATIONS: &[&str] = &["query", "body", "formData", "path", "header"];
const METHODS: &[&str] = &["POST", "GET"];
/// Method names of the generated `Client` itself, which operations must not shadow.
const CLIENT_METHODS: &[&str] = &["new", "from_conf", "from_env", "config", "runtime", "clone"];

/// Checks one service's spec and lowers it to IR, or returns every problem found.
pub fn lower(files: &ServiceFiles) -> Result<ir::Service, Vec<Diagnostic>> {
    let mut diagnostics = Diagnostics::default();
    let service = lower_service(files, &mut diagnostics);
    if diagnostics.is_empty() {
        Ok(service)
    } else {
        Err(diagnostics.into_sorted())
    }
}

fn lower_service(files: &ServiceFiles, diagnostics: &mut Diagnostics) -> ir::Service {
    let spec = &files.service;
    let file = files.service_path.as_path();
    let mut check = |value: &Spanned<String>, expected: &[&str], what: &str| {
        if !expected.contains(&value.value.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    yaml::location_of(file, value),
                    format!("unsupported {what} `{}`", value.value),
                )
                .with_hint(format!("supported: {}", expected.join(", "))),
            );
        }
    };
    check(&spec.style, &["rpc"], "style");
    check(&spec.signature, &["ACS3-HMAC-SHA256"], "signature");
    check(&spec.protocol, &["https", "http"], "protocol");
    if !spec.endpoints.rule.value.contains("{region}") {
        diagnostics.push(
            Diagnostic::new(
                yaml::location_of(file, &spec.endpoints.rule),
                "endpoint rule has no `{region}` placeholder",
            )
            .with_hint("write the host pattern, e.g. `oos.{region}.aliyuncs.com`"),
        );
    }
    let mut regions = BTreeMap::new();
    for region in &spec.endpoints.regions {
        if regions.insert(region.region.as_str(), ()).is_some() {
            diagnostics.push(Diagnostic::new(
                SourceLocation::file_start(file),
                format!(
                    "region `{}` is listed twice under endpoints.regions",
                    region.region
                ),
            ));
        }
    }

    let mut operations: Vec<ir::Operation> = files
        .operations
        .iter()
        .filter_map(|operation| lower_operation(operation, diagnostics))
        .collect();
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    let waiters = spec
        .waiters
        .iter()
        .filter(|waiter| !files.unparsed_operations.contains(&waiter.operation.value))
        .filter_map(|waiter| lower_waiter(file, waiter, &operations, diagnostics))
        .collect();

    ir::Service {
        dir_name: files.dir_name.clone(),
        spec_path: files.service_path.clone(),
        crate_name: format!("alibabacloud-{}", spec.product.value),
        product: spec.product.value.clone(),
        api_version: spec.api_version.value.clone(),
        protocol: spec.protocol.value.clone(),
        endpoint_rule: spec.endpoints.rule.value.clone(),
        regions: spec
            .endpoints
            .regions
            .iter()
            .map(|region| (region.region.clone(), region.endpoint.clone()))
            .collect(),
        operations,
        waiters,
    }
}

/// Walks one operation file, recording diagnostics against it.
struct OperationLowering<'a> {
    file: &'a Path,
    diagnostics: &'a mut Diagnostics,
    /// Type names in use in this operation's module, with where each was declared.
    type_names: BTreeMap<String, SourceLocation>,
    structs: Vec<ir::Struct>,
    /// Members already reported as broken: references to them are not reported again.
    broken: BTreeSet<String>,
}

/// Where a shape stands, which decides the keys it may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Parameter,
    Field(Side),
    Element(Side),
}

impl Position {
    fn side(self) -> Side {
        match self {
            Position::Parameter => Side::Request,
            Position::Field(side) | Position::Element(side) => side,
        }
    }

    fn is_named(self) -> bool {
        !matches!(self, Position::Element(_))
    }
}

fn lower_operation(file: &OperationFile, diagnostics: &mut Diagnostics) -> Option<ir::Operation> {
    let path = file.path.as_path();
    let spec = &file.spec;
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match &spec.name {
        None => {
            diagnostics.push(
                Diagnostic::new(SourceLocation::file_start(path), "missing key `name`")
                    .with_hint(format!("add `name: {stem}`")),
            );
            stem.clone()
        }
        Some(name) => {
            if name.value != stem {
                diagnostics.push(
                    Diagnostic::new(
                        yaml::location_of(path, name),
                        format!(
                            "operation `{}` is in a file named `{stem}.yaml`",
                            name.value
                        ),
                    )
                    .with_hint(format!("rename the file to `{}.yaml`", name.value)),
                );
            }
            if !naming::is_type_name(&name.value) {
                diagnostics.push(
                    Diagnostic::new(
                        yaml::location_of(path, name),
                        format!("operation name `{}` is not PascalCase", name.value),
                    )
                    .with_hint("use the action name exactly as the API spells it"),
                );
            }
            name.value.clone()
        }
    };
    let snake_name = naming::snake(&name);
    if CLIENT_METHODS.contains(&snake_name.as_str()) {
        diagnostics.push(Diagnostic::new(
            SourceLocation::file_start(path),
            format!("operation `{name}` would shadow the client method `{snake_name}`"),
        ));
    }

    let mut lowering = OperationLowering {
        file: path,
        diagnostics,
        type_names: BTreeMap::new(),
        structs: Vec::new(),
        broken: BTreeSet::new(),
    };
    for suffix in ["Request", "Response", "RequestBuilder", "FluentBuilder"] {
        lowering
            .type_names
            .insert(format!("{name}{suffix}"), SourceLocation::file_start(path));
    }
    lowering.check_methods(spec);
    let request = lowering.lower_members(&spec.request, Position::Parameter);
    let response = lowering.lower_members(&spec.response, Position::Field(Side::Response));
    let pagination = spec
        .pagination
        .as_ref()
        .and_then(|pagination| lowering.lower_pagination(pagination, &request, &response));
    if let Some(example) = &spec.response_example
        && let Err(error) = serde_json::from_str::<serde_json::Value>(example)
    {
        lowering.diagnostics.push(
            Diagnostic::new(
                SourceLocation::file_start(path),
                format!("response_example is not valid JSON: {error}"),
            )
            .with_hint("paste the reference's sample success response verbatim"),
        );
    }
    let idempotency_token = request
        .iter()
        .find(|member| member.wire_name == "ClientToken" && member.ty == Type::String)
        .map(|member| member.wire_name.clone());

    Some(ir::Operation {
        spec_path: path.to_path_buf(),
        snake_name,
        summary: spec.summary.as_deref().map(tidy),
        description: spec.description.as_deref().map(tidy),
        deprecated: spec.deprecated,
        methods: spec.methods.clone(),
        ram: spec.ram.as_ref().map(|ram| ir::Ram {
            action: ram.action.clone(),
            access_level: ram.access_level.clone(),
        }),
        read_only: spec.read_only,
        request,
        response,
        structs: lowering.structs,
        pagination,
        idempotency_token,
        response_example: spec.response_example.clone(),
        name,
    })
}

impl OperationLowering<'_> {
    fn report(
        &mut self,
        location: SourceLocation,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let diagnostic = Diagnostic::new(location, message);
        self.diagnostics.push(match hint {
            Some(hint) => diagnostic.with_hint(hint),
            None => diagnostic,
        });
    }

    fn at<T>(&self, value: &Spanned<T>) -> SourceLocation {
        yaml::location_of(self.file, value)
    }

    fn check_methods(&mut self, spec: &OperationSpec) {
        if spec.methods.is_empty() {
            self.report(
                SourceLocation::file_start(self.file),
                "missing key `methods`",
                Some("list the HTTP methods the API reference allows, e.g. `[POST, GET]`".into()),
            );
        }
        for method in &spec.methods {
            if !METHODS.contains(&method.as_str()) {
                self.report(
                    SourceLocation::file_start(self.file),
                    format!("unsupported HTTP method `{method}`"),
                    Some(format!("supported: {}", METHODS.join(", "))),
                );
            }
        }
    }

    /// Lowers the members of one object (or the request/response), checking that wire names
    /// are unique and that their Rust names and accessor names do not collide.
    fn lower_members(&mut self, shapes: &[Shape], position: Position) -> Vec<ir::Member> {
        let mut wire_names: BTreeMap<String, SourceLocation> = BTreeMap::new();
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        let mut members = Vec::new();
        for shape in shapes {
            let Some(member) = self.lower_member(shape, position) else {
                if let Some(name) = &shape.name {
                    self.broken.insert(name.value.clone());
                }
                continue;
            };
            let location = self.member_location(shape);
            if let Some(first) = wire_names.get(&member.wire_name) {
                let hint = format!("first declared at line {}; remove one", first.line);
                self.report(
                    location.clone(),
                    format!("duplicate name `{}`", member.wire_name),
                    Some(hint),
                );
                continue;
            }
            wire_names.insert(member.wire_name.clone(), location.clone());
            let base = naming::unraw(&member.field_name).to_string();
            let rust_names = [base.clone(), format!("set_{base}"), format!("get_{base}")];
            if let Some((rust_name, other)) = rust_names
                .iter()
                .find_map(|name| Some((name, taken.get(name)?)))
            {
                let message = format!(
                    "`{}` and `{other}` both become the Rust name `{rust_name}`",
                    member.wire_name
                );
                let hint = "rename one of them in the spec (or the overlay)".to_string();
                self.report(location.clone(), message, Some(hint));
            }
            for rust_name in rust_names {
                taken
                    .entry(rust_name)
                    .or_insert_with(|| member.wire_name.clone());
            }
            members.push(member);
        }
        members
    }

    fn member_location(&self, shape: &Shape) -> SourceLocation {
        shape
            .name
            .as_ref()
            .map(|name| self.at(name))
            .or_else(|| shape.ty.as_ref().map(|ty| self.at(ty)))
            .unwrap_or_else(|| SourceLocation::file_start(self.file))
    }

    fn lower_member(&mut self, shape: &Shape, position: Position) -> Option<ir::Member> {
        let location = self.member_location(shape);
        let wire_name = match (&shape.name, position.is_named()) {
            (Some(name), true) => {
                if !naming::is_wire_identifier(&name.value) {
                    self.report(
                        self.at(name),
                        format!("`{}` is not a valid parameter or field name", name.value),
                        Some("use ASCII letters, digits and `_`, starting with a letter".into()),
                    );
                }
                name.value.clone()
            }
            (None, true) => {
                self.report(location.clone(), "missing key `name`", None);
                String::new()
            }
            (Some(name), false) => {
                self.report(
                    self.at(name),
                    "an array element or map value takes no `name`",
                    Some("remove `name` here".into()),
                );
                String::new()
            }
            (None, false) => String::new(),
        };
        let (location_kind, style) = self.lower_encoding(shape, position, &location);
        let ty = self.lower_type(shape, position, &wire_name, &location)?;
        self.check_style_fits(shape, position, style, &ty, &location);
        if let (Some(minimum), Some(maximum)) = (shape.minimum, shape.maximum)
            && minimum > maximum
        {
            self.report(
                location,
                format!("minimum {minimum} exceeds maximum {maximum}"),
                None,
            );
        }
        Some(ir::Member {
            field_name: naming::field_name(&wire_name),
            wire_name,
            ty,
            required: shape.required,
            location: location_kind,
            style,
            sensitive: shape.sensitive,
            docs: Docs {
                description: shape.description.as_deref().map(tidy),
                example: shape.example.clone(),
                enum_values: shape.enum_values.clone(),
                default: shape.default.clone(),
                minimum: shape.minimum,
                maximum: shape.maximum,
                max_items: shape.max_items,
                deprecated: shape.deprecated,
            },
        })
    }

    fn lower_encoding(
        &mut self,
        shape: &Shape,
        position: Position,
        location: &SourceLocation,
    ) -> (Location, Style) {
        if position != Position::Parameter {
            for (key, value) in [("in", &shape.location), ("style", &shape.style)] {
                if let Some(value) = value {
                    self.report(
                        self.at(value),
                        format!("`{key}` applies only to request parameters"),
                        Some(format!("remove `{key}` here")),
                    );
                }
            }
            return (Location::Query, Style::Simple);
        }
        let location_kind = match &shape.location {
            None => {
                self.report(
                    location.clone(),
                    "missing key `in`",
                    Some("RPC parameters are usually `in: query`".into()),
                );
                Location::Query
            }
            Some(value) => match value.value.as_str() {
                "query" => Location::Query,
                "body" | "formData" => Location::Body,
                other => {
                    let hint = if LOCATIONS.contains(&other) {
                        "RPC calls carry parameters in the query or a form body".to_string()
                    } else {
                        suggestion(other, LOCATIONS)
                    };
                    let message = if LOCATIONS.contains(&other) {
                        format!("parameter location `{other}` is not supported for RPC calls")
                    } else {
                        format!("unknown parameter location `{other}`")
                    };
                    self.report(self.at(value), message, Some(hint));
                    Location::Query
                }
            },
        };
        let style = match &shape.style {
            None => Style::Simple,
            Some(value) => match value.value.as_str() {
                "simple" => Style::Simple,
                "json" => Style::Json,
                "repeatList" => Style::RepeatList,
                "flat" => Style::Flat,
                other => {
                    self.report(
                        self.at(value),
                        format!("unknown style `{other}`"),
                        Some(suggestion(other, STYLES)),
                    );
                    Style::Simple
                }
            },
        };
        (location_kind, style)
    }

    fn check_style_fits(
        &mut self,
        shape: &Shape,
        position: Position,
        style: Style,
        ty: &Type,
        location: &SourceLocation,
    ) {
        if position != Position::Parameter {
            return;
        }
        let at = shape
            .style
            .as_ref()
            .map(|style| self.at(style))
            .unwrap_or(location.clone());
        match (style, ty.is_scalar()) {
            (Style::Simple, false) => self.report(
                at,
                "a structured parameter needs an encoding style",
                Some("add `style: json`, `style: repeatList` or `style: flat`".into()),
            ),
            (Style::Json | Style::RepeatList | Style::Flat, true) => self.report(
                at,
                "a scalar parameter is sent as text; a style applies only to structured values",
                Some("remove `style`".into()),
            ),
            _ => {}
        }
        if style == Style::RepeatList && !matches!(ty, Type::Array(_)) {
            self.report(
                location.clone(),
                "`repeatList` applies to arrays",
                Some("use `style: flat` or `style: json` for objects".into()),
            );
        }
    }

    fn lower_type(
        &mut self,
        shape: &Shape,
        position: Position,
        wire_name: &str,
        location: &SourceLocation,
    ) -> Option<Type> {
        let Some(ty) = &shape.ty else {
            self.report(
                location.clone(),
                "missing key `type`",
                Some(format!("one of: {}", TYPES.join(", "))),
            );
            return None;
        };
        let type_location = self.at(ty);
        let kind = ty.value.as_str();
        if !TYPES.contains(&kind) {
            self.report(
                type_location,
                format!("unknown type `{kind}`"),
                Some(suggestion(kind, TYPES)),
            );
            return None;
        }
        for (key, present, applies_to) in [
            ("fields", !shape.fields.is_empty(), "object"),
            ("items", shape.items.is_some(), "array"),
            ("values", shape.values.is_some(), "map"),
            ("type_name", shape.type_name.is_some(), "object"),
        ] {
            if present && kind != applies_to {
                self.report(
                    type_location.clone(),
                    format!("`{key}` applies to `{applies_to}`, not `{kind}`"),
                    Some(format!(
                        "remove `{key}` or change the type to `{applies_to}`"
                    )),
                );
            }
        }
        let element = Position::Element(position.side());
        Some(match kind {
            "string" => Type::String,
            "boolean" => Type::Boolean,
            "int32" => Type::Int32,
            "int64" => Type::Int64,
            "float" => Type::Float,
            "double" => Type::Double,
            "any" => Type::Any,
            "array" => {
                let Some(items) = &shape.items else {
                    self.report(type_location, "an array needs `items`", None);
                    return None;
                };
                Type::Array(Box::new(self.lower_member(items, element)?.ty))
            }
            "map" => {
                let Some(values) = &shape.values else {
                    self.report(type_location, "a map needs `values`", None);
                    return None;
                };
                Type::Map(Box::new(self.lower_member(values, element)?.ty))
            }
            _ => self.lower_struct(shape, position, wire_name, type_location)?,
        })
    }

    fn lower_struct(
        &mut self,
        shape: &Shape,
        position: Position,
        wire_name: &str,
        type_location: SourceLocation,
    ) -> Option<Type> {
        let Some(type_name) = &shape.type_name else {
            let guess = if wire_name.is_empty() {
                "Item".to_string()
            } else {
                wire_name.to_string()
            };
            self.report(
                type_location,
                "an object needs a `type_name`",
                Some(format!("add e.g. `type_name: {guess}`")),
            );
            return None;
        };
        let name_location = self.at(type_name);
        if !naming::is_type_name(&type_name.value) {
            self.report(
                name_location.clone(),
                format!("type name `{}` is not PascalCase", type_name.value),
                None,
            );
        }
        if naming::PRELUDE_NAMES.contains(&type_name.value.as_str()) {
            self.report(
                name_location.clone(),
                format!(
                    "type name `{}` would hide the standard `{}` the generated code uses",
                    type_name.value, type_name.value
                ),
                Some(format!(
                    "pick another `type_name`, e.g. `{}Value`",
                    type_name.value
                )),
            );
        }
        if let Some(first) = self.type_names.get(&type_name.value) {
            let hint = format!(
                "already used at line {} of this operation; pick another `type_name`",
                first.line
            );
            self.report(
                name_location.clone(),
                format!("type name `{}` is taken", type_name.value),
                Some(hint),
            );
        }
        self.type_names
            .insert(type_name.value.clone(), name_location.clone());
        if shape.fields.is_empty() {
            self.report(
                name_location,
                "an object needs `fields`",
                Some("use `type: any` for free-form JSON".into()),
            );
        }
        let fields = self.lower_members(&shape.fields, Position::Field(position.side()));
        self.structs.push(ir::Struct {
            name: type_name.value.clone(),
            side: position.side(),
            description: shape.description.as_deref().map(tidy),
            fields,
        });
        Some(Type::Struct(type_name.value.clone()))
    }

    fn lower_pagination(
        &mut self,
        spec: &PaginationSpec,
        request: &[ir::Member],
        response: &[ir::Member],
    ) -> Option<ir::Pagination> {
        let input_token = self.find_member(
            request,
            &spec.input_token,
            "request parameter",
            Type::String,
        );
        let output_token =
            self.find_member(response, &spec.output_token, "response field", Type::String);
        let page_size = match &spec.page_size {
            Some(page_size) => {
                let found = self
                    .find_member(request, page_size, "request parameter", Type::Int32)
                    .or_else(|| {
                        request.iter().find(|member| {
                            member.wire_name == page_size.value && member.ty == Type::Int64
                        })
                    });
                Some(found?.field_name.clone())
            }
            None => None,
        };
        let (items_path, item_type) = self.resolve_items(&spec.items, response)?;
        Some(ir::Pagination {
            input_token: input_token?.field_name.clone(),
            input_token_wire: spec.input_token.value.clone(),
            output_token: output_token?.field_name.clone(),
            output_token_wire: spec.output_token.value.clone(),
            page_size,
            items_wire_path: spec.items.value.split('.').map(str::to_string).collect(),
            items_path,
            item_type,
        })
    }

    fn find_member<'m>(
        &mut self,
        members: &'m [ir::Member],
        name: &Spanned<String>,
        what: &str,
        ty: Type,
    ) -> Option<&'m ir::Member> {
        match members.iter().find(|member| member.wire_name == name.value) {
            Some(member) if member.ty == ty || (ty == Type::Int32 && member.ty == Type::Int64) => {
                Some(member)
            }
            Some(_) => {
                let message = format!(
                    "pagination names `{}`, which is not of type {ty:?}",
                    name.value
                );
                self.report(self.at(name), message, None);
                None
            }
            None if self.broken.contains(&name.value) => None,
            None => {
                let names: Vec<&str> = members.iter().map(|m| m.wire_name.as_str()).collect();
                let message = format!("pagination names `{}`, which is no {what}", name.value);
                self.report(
                    self.at(name),
                    message,
                    Some(suggestion(&name.value, &names)),
                );
                None
            }
        }
    }

    /// Resolves `Outer.Inner` through response objects down to an array.
    fn resolve_items(
        &mut self,
        path: &Spanned<String>,
        response: &[ir::Member],
    ) -> Option<(Vec<String>, Type)> {
        let mut members = response.to_vec();
        let mut field_names = Vec::new();
        let segments: Vec<&str> = path.value.split('.').collect();
        for (index, segment) in segments.iter().enumerate() {
            let Some(member) = members.iter().find(|member| member.wire_name == *segment) else {
                if self.broken.contains(*segment) {
                    return None;
                }
                let names: Vec<&str> = members.iter().map(|m| m.wire_name.as_str()).collect();
                self.report(
                    self.at(path),
                    format!("pagination items `{}`: no field `{segment}`", path.value),
                    Some(suggestion(segment, &names)),
                );
                return None;
            };
            field_names.push(member.field_name.clone());
            let last = index + 1 == segments.len();
            match (&member.ty, last) {
                (Type::Array(item), true) => return Some((field_names, (**item).clone())),
                (Type::Struct(name), false) => {
                    members = self
                        .structs
                        .iter()
                        .find(|s| &s.name == name)
                        .map(|s| s.fields.clone())
                        .unwrap_or_default();
                }
                _ => {
                    let expected = if last { "an array" } else { "an object" };
                    self.report(
                        self.at(path),
                        format!(
                            "pagination items `{}`: `{segment}` is not {expected}",
                            path.value
                        ),
                        None,
                    );
                    return None;
                }
            }
        }
        None
    }
}

fn lower_waiter(
    file: &Path,
    spec: &WaiterSpec,
    operations: &[ir::Operation],
    diagnostics: &mut Diagnostics,
) -> Option<ir::Waiter> {
    let mut report = |value: &Spanned<String>, message: String, hint: Option<String>| {
        let diagnostic = Diagnostic::new(yaml::location_of(file, value), message);
        diagnostics.push(match hint {
            Some(hint) => diagnostic.with_hint(hint),
            None => diagnostic,
        });
    };
    if !naming::is_type_name(&spec.name.value) {
        report(
            &spec.name,
            format!("waiter name `{}` is not PascalCase", spec.name.value),
            None,
        );
    }
    let Some(operation) = operations.iter().find(|op| op.name == spec.operation.value) else {
        let names: Vec<&str> = operations.iter().map(|op| op.name.as_str()).collect();
        let hint = suggestion(&spec.operation.value, &names);
        report(
            &spec.operation,
            format!("waiter polls unknown operation `{}`", spec.operation.value),
            Some(hint),
        );
        return None;
    };
    let mut inputs = Vec::new();
    for input in &spec.input {
        match operation
            .request
            .iter()
            .find(|member| member.wire_name == input.value)
        {
            Some(member) => inputs.push(member.clone()),
            None => report(
                input,
                format!(
                    "`{}` is not a request parameter of {}",
                    input.value, operation.name
                ),
                None,
            ),
        }
    }
    if spec.success.is_empty() {
        report(
            &spec.name,
            "a waiter needs at least one `success` value".into(),
            None,
        );
    }
    let path = match resolve_waiter_path(&spec.path.value, operation) {
        Ok(path) => path,
        Err(problem) => {
            report(
                &spec.path,
                format!("waiter path `{}`: {problem}", spec.path.value),
                None,
            );
            return None;
        }
    };
    Some(ir::Waiter {
        name: spec.name.value.clone(),
        method_name: format!("wait_until_{}", naming::snake(&spec.name.value)),
        description: spec.description.as_deref().map(tidy),
        operation_module: operation.snake_name.clone(),
        operation_name: operation.name.clone(),
        inputs,
        path,
        wire_path: spec.path.value.clone(),
        success: spec.success.clone(),
        failure: spec.failure.clone(),
        delay_seconds: spec.delay_seconds,
        timeout_seconds: spec.timeout_seconds,
    })
}

/// Resolves `Executions[0].Status` to field steps ending at a string field.
fn resolve_waiter_path(path: &str, operation: &ir::Operation) -> Result<Vec<PathStep>, String> {
    let mut steps = Vec::new();
    let mut members = operation.response.clone();
    let mut current: Option<Type> = None;
    for segment in path.split('.') {
        if let Some(Type::Struct(name)) = &current {
            members = operation
                .structs
                .iter()
                .find(|s| &s.name == name)
                .map(|s| s.fields.clone())
                .unwrap_or_default();
        } else if current.is_some() {
            return Err(format!("cannot descend into `{segment}` of a non-object"));
        }
        let (field, first_element) = match segment.strip_suffix("[0]") {
            Some(field) => (field, true),
            None => (segment, false),
        };
        let member = members
            .iter()
            .find(|member| member.wire_name == field)
            .ok_or_else(|| format!("no field `{field}`"))?;
        steps.push(PathStep::Field(member.field_name.clone()));
        let mut ty = member.ty.clone();
        if first_element {
            let Type::Array(item) = ty else {
                return Err(format!("`{field}` is not an array"));
            };
            steps.push(PathStep::FirstElement);
            ty = *item;
        }
        current = Some(ty);
    }
    match current {
        Some(Type::String) => Ok(steps),
        _ => Err("must end at a string field".into()),
    }
}

/// `did you mean …?` for the candidate closest to `got`, else the list of candidates.
fn suggestion(got: &str, candidates: &[&str]) -> String {
    let closest = candidates
        .iter()
        .map(|candidate| {
            (
                strsim::levenshtein(&got.to_lowercase(), &candidate.to_lowercase()),
                candidate,
            )
        })
        .min();
    match closest {
        Some((distance, candidate)) if distance <= 3 => format!("did you mean `{candidate}`?"),
        _ if candidates.is_empty() => "nothing to choose from".to_string(),
        _ => format!("expected one of: {}", candidates.join(", ")),
    }
}

/// Descriptions from the API reference end in newlines and may carry trailing spaces.
fn tidy(text: &str) -> String {
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(suggestion("strng", TYPES), "did you mean `string`?");
        assert_eq!(
            suggestion("repeatlist", STYLES),
            "did you mean `repeatList`?"
        );
        assert!(suggestion("zzzzzzzzzz", TYPES).starts_with("expected one of"));
    }
}
