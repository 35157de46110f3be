//! Facts only the official SDK knows: where the official Python SDK of a product-version
//! sends a parameter, or with which method it sends a call, when the metadata says otherwise
//! and no rule of the importer explains it. They ship with the generator as data, one file per
//! product-version under `generator/official-sdk-facts/`, named `<product>-<version>.yaml`
//! (the product code in lower case: `kms-2016-01-20.yaml`), and apply on every import of that
//! product-version, after the metadata and before the overlay, so a hand overlay still wins.
//!
//! ```yaml
//! # Where the official Python SDK alibabacloud-kms20160120 3.3.1 sends what the metadata places otherwise.
//! source: alibabacloud-kms20160120==3.3.1
//! operations:
//!   CreateSecret:
//!     parameters:
//!       SecretData: {in: formData}
//!   ListSecrets:
//!     method: GET
//! ```
//!
//! An operation may also take `response_headers`, by header name, each with the `type` the
//! official SDK reads it as (`ETag: {type: string}`, `x-oss-meta-*: {type: map}`): the
//! response field `in: header` of that name (matched without case) takes that type, and is
//! added when the metadata lacks it (OSS's, from the official OSS SDK V2's result models).
//!
//! A parameter fact may also give `type`, a scalar (`string`, `boolean`, `int32`, `int64`,
//! `float`, `double`): the type the official request model holds it as, where the metadata
//! types it otherwise (SAE `CreateConfigMap`'s `Data`, `str` in the model, an object in the
//! metadata). With `in` and `type`, a fact adds a parameter the metadata lacks and the official
//! model has (KMS `AsymmetricDecrypt`'s form field `Recipient`).
//!
//! An operation may take what the official SDK sends with its requests beyond their
//! parameters: `content_md5: true` (the body's `Content-MD5`), `content_type` (the
//! `Content-Type` it sends when the caller sets none, where not the body's: a media type or
//! `none`) or `content_type_from` (the path parameter whose extension gives it), copied into
//! the spec's keys of those names (`spec/README.md`).
//!
//! `query_defaults` (`{encoding-type: url}`) and `url_encoded_response` (response fields by
//! their path from the XML root, `Contents.Key`) are copied into the spec's keys of those
//! names: the official OSS SDK asks its listings and multipart calls for URL-encoded keys and
//! decodes the fields it names when the answer says so.
//!
//! `response_root` renames the root element of an XML response (its one top-level field)
//! where the official SDK reads another than the metadata names (OSS ListParts'
//! `ListPartsResult`).
//!
//! `schemas` gives fields of the shared schemas (`schemas.yaml`), by schema name and then by
//! the field's path (as the overlay writes paths: `Config.Port`, `Items[].Id`), the `type`
//! the official model holds them as, where the metadata types them otherwise: the official
//! models of the metadata's shared schemas are classes of the same names, so a field typed
//! otherwise there is sent otherwise wherever the schema is (LinkedMall
//! `GoodsShippingNoticeCreateCmd`'s `disputeId`, `str` in the model, an integer in the
//! metadata). An operation's `request` does the same for its parameters and their fields at
//! any depth, by path from the parameter (`body.SubjectId`). Either gives `type`, `required`
//! (whether the official model requires it: AliGenie IAP `WakeUpApp`'s `SubjectId`, which the
//! metadata requires and neither official model has, is not), or both. A fact that names no
//! field, or gives what the field has, is an error.
//!
//! Either may instead give a field the metadata lacks and the official model has, `added`
//! with the field as the spec writes one (`type`, `items`, `values`, `fields`), at a path whose
//! last segment names it among the fields of the object the rest names (or of the schema):
//! the lists and maps of models that the official models write unset as `[]` or `{}`, so that
//! the JSON text or body holding them has their key whatever the caller sets (adb
//! `CreateDBResourceGroup`'s `RayConfig.StorageMounts`; `conformance/derive_added_fields.py`
//! finds them). Adding a field the metadata has, or to no object, is an error. The other way,
//! `official_model_lacks: true` marks a field the metadata has and the official model lacks,
//! which ours then leaves out unset rather than write it `[]` or `{}` (IMM's
//! `File.SmartClusters`, private in the metadata).
//!
//! `path` sends the call to the path template the official SDK has (its `pathname`), where
//! the metadata lists another, each placeholder naming a path parameter; with `method` and
//! the parameters' `in` it writes a call as the official SDK does where the metadata
//! describes another (SLS `GetLogs`: `POST /logstores/{logstore}/logs` with a JSON body, where
//! the metadata says `GET /logstores/{logstore}?type=log` with a query). `response_from` names
//! another operation of the metadata whose response the official model is, copied before any
//! fact applies (`GetLogsV2`, whose `{meta, data}` the official `GetLogs` reads, where the
//! metadata lists an array). A `method`, `path` or `response_from` that changes nothing is an
//! error.
//!
//! `request_also_as_json_body: true` (optional) says that the official client sends every
//! operation's parameters where they go and the whole request again as a JSON object body
//! (SAF's `body=UtilClient.to_map(request)` beside `query=OpenApiUtilClient.query(query)`):
//! it sets the spec's key of that name on every operation, and is an error for an operation
//! that has a body of its own already.
//!
//! `signature` (optional) names the scheme the official SDK signs every call with, when the
//! importer's rule (`signature.rs`) says otherwise. An operation takes `method` and
//! `parameters`; a parameter, by its wire name, `in` and `style`. `log_group_request: true`
//! says its body fields are an SLS log group, which the official SLS gateway writes as
//! compressed protobuf (SLS `PutLogs`). An operation whose wire format the official SDK
//! writes by special code the generator does not have takes `declined` with the one-line
//! reason: the import leaves it out and reports the reason, rather than generate a call the
//! service would refuse. An operation or parameter the metadata lacks, or a value the spec has no word
//! for, is an error at its line and column, so that facts cannot silently stop applying.
//!
//! This module is pure: the caller reads the file (the import, the drift check and the
//! corpus run all do) and hands over its path and text.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use super::path;
use crate::diagnostics::{Diagnostic, SourceLocation};
use crate::spec::{OperationSpec, Shape};
use crate::yaml::{self, Spanned};

/// The directory of the facts files, from the workspace root.
pub const FACTS_DIR: &str = "generator/official-sdk-facts";

const LOCATIONS: &[&str] = &["query", "formData", "body", "header", "path", "host"];
const STYLES: &[&str] = &["simple", "json", "repeatList", "flat"];
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
/// The types a parameter fact may give: the scalars of the official request models.
const PARAMETER_TYPES: &[&str] = &["string", "boolean", "int32", "int64", "float", "double"];
/// The types of a response header: a scalar, or a `map` (of text) for a name ending in `*`.
const HEADER_TYPES: &[&str] = &[
    "string", "boolean", "int32", "int64", "float", "double", "map",
];
/// The locations that take a style; a parameter moved anywhere else loses its style.
const STYLED_LOCATIONS: &[&str] = &["query", "formData", "header"];

/// The facts file of a product-version, by its name: `kms-2016-01-20.yaml`.
pub fn file_name(product: &str, version: &str) -> String {
    format!("{}-{version}.yaml", product.to_lowercase())
}

/// One product-version's facts, parsed and checked for shape.
#[derive(Debug)]
pub struct OfficialSdkFacts {
    file: PathBuf,
    facts: FactsFile,
    /// Kept for some operations only (`only_operations`): a shared schema none of them uses
    /// is then not imported, and its facts do not apply.
    some_operations: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    /// The official SDK and version the facts were read from (`alibabacloud-kms20160120==3.3.1`).
    source: String,
    /// The scheme the official SDK signs every call with, when not the importer's rule's: the
    /// clients that send every call through `tea-openapi`'s `do_rpcrequest` (or set
    /// `_signature_algorithm = 'v2'`) sign with `RPC-V2-HMAC-SHA1`.
    signature: Option<Spanned<String>>,
    /// The official client sends every operation's whole request again as a JSON body.
    request_also_as_json_body: Option<Spanned<bool>>,
    #[serde(default)]
    operations: Keyed<OperationFacts>,
    /// Fields of shared schemas, by schema name and then by path: the type the official
    /// model holds each as.
    #[serde(default)]
    schemas: Keyed<Keyed<FieldFacts>>,
}

/// A request parameter or a field of one, or of a shared schema, by its path: what the
/// official model holds of it, where the metadata says otherwise.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFacts {
    /// The scalar type the official model holds it as.
    #[serde(rename = "type")]
    ty: Option<Spanned<String>>,
    /// Whether the official model requires it (`validate`, "This parameter is required"):
    /// `false` for one the metadata requires and the official model cannot send.
    required: Option<Spanned<bool>>,
    /// A field the metadata lacks and the official model has, as the spec writes a field
    /// (`type`, `items`, `values`, `fields`; its `name` is the path's last segment): a list
    /// or map of models, which the official model writes unset as `[]` or `{}`.
    added: Option<Shape>,
    /// The official model lacks the field the metadata has, so ours leaves it out when unset
    /// (IMM's `File.SmartClusters`, which ours would write `[]`).
    #[serde(default)]
    official_model_lacks: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationFacts {
    /// Why the operation is left out of the import, in one line.
    declined: Option<Spanned<String>>,
    /// The body fields are an SLS log group, which the official SLS gateway sends as
    /// compressed protobuf (the spec's `log_group_request`).
    #[serde(default)]
    log_group_request: bool,
    /// Only where the official SDK's method differs from the importer's rule.
    method: Option<Spanned<String>>,
    /// The path template the official SDK sends the call to (its `pathname`), where the
    /// metadata lists another: SLS `GetLogs` goes to `/logstores/{logstore}/logs`.
    path: Option<Spanned<String>>,
    /// Another operation of the metadata whose response the official SDK reads this one's as
    /// (its response model is that operation's): the fields, whole body and sample response
    /// are that operation's, as the metadata lists them.
    response_from: Option<Spanned<String>>,
    #[serde(default)]
    parameters: Keyed<ParameterFacts>,
    /// Request parameters and their fields at any depth, by path (`body.SubjectId`): what the
    /// official model holds of each.
    #[serde(default)]
    request: Keyed<FieldFacts>,
    /// Response fields carried by headers, by header name: the type the official SDK reads
    /// each as, the field added when the metadata lacks it.
    #[serde(default)]
    response_headers: Keyed<ResponseHeaderFacts>,
    /// The spec's `content_type`: what the official SDK sends as `Content-Type` when the
    /// caller sets none, where it is not the body's (a media type, or `none`).
    content_type: Option<Spanned<String>>,
    /// The spec's `content_type_from`: the path parameter whose extension gives it.
    content_type_from: Option<Spanned<String>>,
    /// The spec's `content_md5`: the official SDK sends the body's `Content-MD5`.
    #[serde(default)]
    content_md5: bool,
    /// The root element of the XML response as the official SDK reads it (its result model's
    /// `_xml_map` name), where the metadata names the one top-level response field otherwise:
    /// OSS answers ListParts with `ListPartsResult`, the metadata says `ListPartResult`.
    response_root: Option<Spanned<String>>,
    /// The spec's `query_defaults`: query parameters the official SDK sends with these values
    /// unless the caller sets them (OSS's `encoding-type: url`).
    #[serde(default)]
    query_defaults: BTreeMap<String, Spanned<String>>,
    /// The spec's `url_encoded_response`: the response fields the official SDK URL-decodes
    /// when the answer's `EncodingType` is `url` (OSS's `deserialize_encode_type`).
    #[serde(default)]
    url_encoded_response: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseHeaderFacts {
    #[serde(rename = "type")]
    ty: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterFacts {
    #[serde(rename = "in")]
    location: Option<Spanned<String>>,
    style: Option<Spanned<String>>,
    /// The scalar type the official request model holds the parameter as, where the
    /// metadata types it otherwise (SAE `CreateConfigMap`'s `Data`: `str` in the model, an
    /// object in the metadata); with `in`, it adds a parameter the metadata lacks.
    #[serde(rename = "type")]
    ty: Option<Spanned<String>>,
}

/// A mapping in file order with the position of every key, which an unknown name is
/// reported at.
#[derive(Debug)]
struct Keyed<V>(Vec<(Spanned<String>, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Keyed<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyedVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for KeyedVisitor<V> {
            type Value = Keyed<V>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a mapping of names")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Keyed<V>, A::Error> {
                let mut keyed = Vec::new();
                while let Some(entry) = entries.next_entry()? {
                    keyed.push(entry);
                }
                Ok(Keyed(keyed))
            }
        }

        deserializer.deserialize_map(KeyedVisitor(PhantomData))
    }
}

impl OfficialSdkFacts {
    /// Parses the facts file at `file` (its path as reported, from the workspace root).
    pub fn parse(file: &Path, text: &str) -> Result<Self, Diagnostic> {
        let facts: FactsFile = yaml::parse(file, text)?;
        let this = OfficialSdkFacts {
            file: file.to_path_buf(),
            facts,
            some_operations: false,
        };
        this.check_values()?;
        Ok(this)
    }

    /// The official SDK and version the facts were read from, for reports.
    pub fn source(&self) -> &str {
        &self.facts.source
    }

    /// The spec's `signature` of the product, when the official SDK's is not the rule's.
    pub(crate) fn signature(&self) -> Option<&Spanned<String>> {
        self.facts.signature.as_ref()
    }

    /// Keeps the facts of `actions` only, for an import of those operations alone
    /// (`cargo xtask import --operations`), whose metadata lacks the others.
    pub fn only_operations(mut self, actions: &[String]) -> Self {
        self.facts
            .operations
            .0
            .retain(|(action, _)| actions.contains(&action.value));
        self.some_operations = true;
        self
    }

    fn at<T>(&self, spanned: &Spanned<T>) -> SourceLocation {
        yaml::location_of(&self.file, spanned)
    }

    /// Every `in`, `style` and `method` is a value the spec knows.
    fn check_values(&self) -> Result<(), Diagnostic> {
        let known = |value: &Spanned<String>, valid: &[&str], what: &str| {
            if valid.contains(&value.value.as_str()) {
                Ok(())
            } else {
                Err(
                    Diagnostic::new(self.at(value), format!("`{}` is no {what}", value.value))
                        .with_hint(format!("one of {}", valid.join(", "))),
                )
            }
        };
        if let Some(signature) = &self.facts.signature {
            let signatures: Vec<&str> = crate::ir::Signature::ALL
                .iter()
                .map(|(name, _)| *name)
                .collect();
            known(signature, &signatures, "signature")?;
        }
        for (_, operation) in &self.facts.operations.0 {
            if let Some(method) = &operation.method {
                known(method, METHODS, "HTTP method")?;
            }
            for (_, parameter) in &operation.parameters.0 {
                if let Some(location) = &parameter.location {
                    known(location, LOCATIONS, "parameter location")?;
                }
                if let Some(style) = &parameter.style {
                    known(style, STYLES, "style")?;
                }
                if let Some(ty) = &parameter.ty {
                    known(ty, PARAMETER_TYPES, "parameter type")?;
                }
            }
            for (name, header) in &operation.response_headers.0 {
                known(&header.ty, HEADER_TYPES, "response header type")?;
                if (header.ty.value == "map") != name.value.ends_with('*') {
                    return Err(Diagnostic::new(
                        self.at(&header.ty),
                        format!("`{}` cannot be a `{}`", name.value, header.ty.value),
                        )
                        .with_hint("a `map` collects the headers of a prefix, named `prefix*`; any other header is a scalar"));
                }
            }
        }
        let operation_fields = self
            .facts
            .operations
            .0
            .iter()
            .flat_map(|(_, operation)| &operation.request.0);
        let schema_fields = self
            .facts
            .schemas
            .0
            .iter()
            .flat_map(|(_, fields)| &fields.0);
        for (path, field) in operation_fields.chain(schema_fields) {
            let lacks = field.official_model_lacks;
            match (&field.ty, &field.required, &field.added) {
                (None, None, Some(_)) if !lacks => {}
                (_, _, Some(_)) => {
                    return Err(Diagnostic::new(
                        self.at(path),
                        format!("the fact of `{}` adds it and changes it", path.value),
                    )
                    .with_hint("give the added field's `type` and `required` inside `added`"));
                }
                (Some(ty), _, None) => known(ty, PARAMETER_TYPES, "field type")?,
                (None, Some(_), None) => {}
                (None, None, None) if lacks => {}
                (None, None, None) => {
                    return Err(Diagnostic::new(
                        self.at(path),
                        format!("the fact of `{}` says nothing", path.value),
                    )
                    .with_hint("give its `type`, whether it is `required`, the field `added`, or that the `official_model_lacks` it"));
                }
            }
        }
        Ok(())
    }

    /// Applies a field's fact at `path` among `shapes` (an operation's parameters, when
    /// `parameters`, or a shared schema's fields): adds the field it gives, or changes the one
    /// there.
    fn apply_field_fact(
        &self,
        what: &str,
        shapes: &mut Vec<Shape>,
        parameters: bool,
        path: &Spanned<String>,
        fact: &FieldFacts,
    ) -> Result<(), Diagnostic> {
        match &fact.added {
            Some(added) => self.add_field(what, shapes, parameters, path, added),
            None => self.apply_to_field(what, shapes, path, fact),
        }
    }

    /// Gives the field at `path` (of `what`: an operation's request, a shared schema) what
    /// `fact` says. A fact that changes nothing is an error, so that none outlives a metadata
    /// that learnt it.
    fn apply_to_field(
        &self,
        what: &str,
        shapes: &mut [Shape],
        path: &Spanned<String>,
        fact: &FieldFacts,
    ) -> Result<(), Diagnostic> {
        let field = path::resolve(shapes, &path.value).map_err(|problem| {
            Diagnostic::new(
                self.at(path),
                format!("{what}, path `{}`: {problem}", path.value),
            )
        })?;
        if let Some(ty) = &fact.ty {
            if field
                .ty
                .as_ref()
                .is_some_and(|known| known.value == ty.value)
            {
                return Err(Diagnostic::new(
                    self.at(ty),
                    format!(
                        "the metadata already types `{}` of {what} `{}`",
                        path.value, ty.value
                    ),
                )
                .with_hint("remove the fact"));
            }
            retype(field, &ty.value);
        }
        if let Some(required) = &fact.required {
            if field.required == required.value {
                return Err(Diagnostic::new(
                    self.at(required),
                    format!(
                        "the metadata already has `{}` of {what} {}required",
                        path.value,
                        if required.value { "" } else { "not " }
                    ),
                )
                .with_hint("remove the fact"));
            }
            field.required = required.value;
        }
        if fact.official_model_lacks {
            if field.official_model_lacks {
                return Err(Diagnostic::new(
                    self.at(path),
                    format!(
                        "`{}` of {what} is marked as the official model lacks it already",
                        path.value
                    ),
                )
                .with_hint("remove the fact"));
            }
            field.official_model_lacks = true;
        }
        Ok(())
    }

    /// Adds `added` at `path` (of `what`), named by the path's last segment, among the fields
    /// of the object the rest of the path names, or among `shapes` for a one-segment path of a
    /// shared schema (`parameters` false). One the metadata has already is an error.
    fn add_field(
        &self,
        what: &str,
        shapes: &mut Vec<Shape>,
        parameters: bool,
        path: &Spanned<String>,
        added: &Shape,
    ) -> Result<(), Diagnostic> {
        let problem = |problem: String| {
            Diagnostic::new(
                self.at(path),
                format!("{what}, path `{}`: {problem}", path.value),
            )
        };
        let (fields, name) = match path.value.rsplit_once('.') {
            Some((parent, name)) => {
                let parent =
                    path::resolve(shapes, parent).map_err(|error| problem(error.to_string()))?;
                if parent.ty.as_ref().is_none_or(|ty| ty.value != "object") {
                    return Err(problem(format!("`{name}` would be a field of no object")));
                }
                (&mut parent.fields, name)
            }
            None if parameters => {
                return Err(
                    problem("a fact adds fields of objects, not parameters".into())
                        .with_hint("add a parameter under `parameters`, with its `in` and `type`"),
                );
            }
            None => (shapes, path.value.as_str()),
        };
        if fields
            .iter()
            .any(|field| field.name.as_ref().is_some_and(|own| own.value == name))
        {
            return Err(
                problem(format!("the metadata has `{name}` already")).with_hint("remove the fact")
            );
        }
        fields.push(Shape {
            name: Some(yaml::unspanned(name.to_owned())),
            ..added.clone()
        });
        Ok(())
    }

    /// Applies the facts of `schemas` to the shared schemas imported from the metadata: each
    /// field named takes the scalar type given.
    pub(crate) fn apply_to_schemas(&self, schemas: &mut [Shape]) -> Result<(), Diagnostic> {
        for (name, fields) in &self.facts.schemas.0 {
            let Some(schema) = schemas.iter_mut().find(|schema| {
                schema
                    .name
                    .as_ref()
                    .is_some_and(|own| own.value == name.value)
            }) else {
                if self.some_operations {
                    continue;
                }
                return Err(Diagnostic::new(
                    self.at(name),
                    format!(
                        "no request or response uses a shared schema `{}`",
                        name.value
                    ),
                )
                .with_hint("remove the facts of a schema the metadata no longer lists"));
            };
            for (path, fact) in &fields.0 {
                let what = format!("schema `{}`", name.value);
                self.apply_field_fact(&what, &mut schema.fields, false, path, fact)?;
            }
        }
        Ok(())
    }

    /// Applies the facts to the operations imported from the metadata: a method goes first
    /// among the operation's methods, so that calls are sent with it; a parameter takes the
    /// location and style given (and loses its style where its new location takes none); a
    /// declined operation is removed. Returns the declined operations' reasons, by action.
    pub(crate) fn apply(
        &self,
        operations: &mut BTreeMap<String, OperationSpec>,
    ) -> Result<BTreeMap<String, String>, Diagnostic> {
        let responses = self.metadata_responses(operations)?;
        if let Some(fact) = &self.facts.request_also_as_json_body {
            self.request_also_as_json_body(operations, fact)?;
        }
        let mut declined = BTreeMap::new();
        for (action, facts) in &self.facts.operations.0 {
            let Some(operation) = operations.get_mut(&action.value) else {
                return Err(Diagnostic::new(
                    self.at(action),
                    format!("the metadata has no operation `{}`", action.value),
                )
                .with_hint("remove the facts of an operation the metadata no longer lists"));
            };
            if let Some(reason) = &facts.declined {
                operations.remove(&action.value);
                declined.insert(action.value.clone(), reason.value.clone());
                continue;
            }
            operation.log_group_request |= facts.log_group_request;
            if let Some(method) = &facts.method {
                if operation.methods.first() == Some(&method.value) {
                    return Err(Diagnostic::new(
                        self.at(method),
                        format!("`{}` is already sent with `{}`", action.value, method.value),
                    )
                    .with_hint("remove the fact"));
                }
                operation.methods.retain(|listed| *listed != method.value);
                operation.methods.insert(0, method.value.clone());
            }
            if let Some(source) = &facts.response_from {
                let response = &responses[&source.value];
                if response.same_as(operation) {
                    return Err(Diagnostic::new(
                        self.at(source),
                        format!(
                            "the metadata already gives `{}` the response of `{}`",
                            action.value, source.value
                        ),
                    )
                    .with_hint("remove the fact"));
                }
                response.replace(operation);
            }
            for (name, fact) in &facts.parameters.0 {
                let parameter = self.parameter(&action.value, operation, name, fact)?;
                if let Some(location) = &fact.location {
                    parameter.location = Some(yaml::unspanned(location.value.clone()));
                    if !STYLED_LOCATIONS.contains(&location.value.as_str()) {
                        parameter.style = None;
                    }
                }
                if let Some(style) = &fact.style {
                    parameter.style = Some(yaml::unspanned(style.value.clone()));
                }
                if let Some(ty) = &fact.ty {
                    retype(parameter, &ty.value);
                }
            }
            for (path, fact) in &facts.request.0 {
                let what = format!("`{}`'s request", action.value);
                self.apply_field_fact(&what, &mut operation.request, true, path, fact)?;
            }
            if let Some(path) = &facts.path {
                self.set_path(&action.value, operation, path)?;
            }
            for (name, fact) in &facts.response_headers.0 {
                self.apply_response_header(&action.value, operation, name, &fact.ty)?;
            }
            // Checked where the spec is lowered, as the spec's own keys are.
            if let Some(content_type) = &facts.content_type {
                operation.content_type = Some(yaml::unspanned(content_type.value.clone()));
            }
            if let Some(parameter) = &facts.content_type_from {
                operation.content_type_from = Some(yaml::unspanned(parameter.value.clone()));
            }
            operation.content_md5 |= facts.content_md5;
            operation
                .query_defaults
                .extend(facts.query_defaults.clone());
            operation
                .url_encoded_response
                .extend(facts.url_encoded_response.iter().cloned());
            if let Some(root) = &facts.response_root {
                self.rename_response_root(&action.value, operation, root)?;
            }
        }
        Ok(declined)
    }

    /// Marks every operation as sending its whole request again as a JSON body. One whose
    /// metadata has a body already (a body or form parameter) is an error: the official
    /// client's one body cannot be both.
    fn request_also_as_json_body(
        &self,
        operations: &mut BTreeMap<String, OperationSpec>,
        fact: &Spanned<bool>,
    ) -> Result<(), Diagnostic> {
        if !fact.value {
            return Err(Diagnostic::new(
                self.at(fact),
                "`request_also_as_json_body: false` says nothing",
            )
            .with_hint("remove the fact"));
        }
        for (action, operation) in operations.iter_mut() {
            let in_body = operation.request.iter().find(|parameter| {
                parameter
                    .location
                    .as_ref()
                    .is_some_and(|location| matches!(location.value.as_str(), "body" | "formData"))
            });
            if let Some(parameter) = in_body {
                return Err(Diagnostic::new(
                    self.at(fact),
                    format!(
                        "`{action}` sends `{}` in its body already",
                        parameter
                            .name
                            .as_ref()
                            .map_or("", |name| name.value.as_str())
                    ),
                ));
            }
            operation.request_also_as_json_body = true;
        }
        Ok(())
    }

    /// The responses that `response_from` facts name, as the metadata lists them (before any
    /// fact applies, so that the order of the facts does not matter). One naming an operation
    /// the metadata lacks, or its own, is an error.
    fn metadata_responses(
        &self,
        operations: &BTreeMap<String, OperationSpec>,
    ) -> Result<BTreeMap<String, Response>, Diagnostic> {
        let mut responses = BTreeMap::new();
        for (action, facts) in &self.facts.operations.0 {
            let Some(source) = &facts.response_from else {
                continue;
            };
            if source.value == action.value {
                return Err(Diagnostic::new(
                    self.at(source),
                    format!("`{}` names its own response", action.value),
                )
                .with_hint("`response_from` names another operation"));
            }
            let Some(operation) = operations.get(&source.value) else {
                return Err(Diagnostic::new(
                    self.at(source),
                    format!("the metadata has no operation `{}`", source.value),
                )
                .with_hint(if self.some_operations {
                    "import the operation the response is read as too (`--operations`)"
                } else {
                    "`response_from` names an operation of the same metadata"
                }));
            };
            responses.insert(source.value.clone(), Response::of(operation));
        }
        Ok(responses)
    }

    /// Sends `operation` to `path`, whose every placeholder (`{Name}`, `{+Name}`) names a
    /// path parameter (after the parameter facts). A fact that changes nothing is an error.
    fn set_path(
        &self,
        action: &str,
        operation: &mut OperationSpec,
        path: &Spanned<String>,
    ) -> Result<(), Diagnostic> {
        if operation
            .path
            .as_ref()
            .is_some_and(|listed| listed.value == path.value)
        {
            return Err(Diagnostic::new(
                self.at(path),
                format!("the metadata already sends `{action}` to `{}`", path.value),
            )
            .with_hint("remove the fact"));
        }
        let template = path
            .value
            .split_once('?')
            .map_or(&*path.value, |(path, _)| path);
        for placeholder in template.split('{').skip(1) {
            let name = placeholder
                .split_once('}')
                .map_or(placeholder, |(name, _)| name);
            let name = name.strip_prefix('+').unwrap_or(name);
            let is_path_parameter = operation.request.iter().any(|parameter| {
                parameter
                    .name
                    .as_ref()
                    .is_some_and(|wire| wire.value == name)
                    && parameter
                        .location
                        .as_ref()
                        .is_some_and(|at| at.value == "path")
            });
            if !is_path_parameter {
                return Err(Diagnostic::new(
                    self.at(path),
                    format!("`{action}` has no path parameter `{name}`"),
                )
                .with_hint("a placeholder names a parameter `in: path`"));
            }
        }
        operation.path = Some(yaml::unspanned(path.value.clone()));
        Ok(())
    }

    /// The request parameter the fact `name` is about: the metadata's, or, when the metadata
    /// lacks it and the fact gives both `in` and `type`, one added after the others (KMS
    /// `AsymmetricDecrypt`'s `Recipient`, a form field of the official model only: the
    /// official client then sends a form, empty when nothing is set, which ours does for an
    /// operation with form fields).
    fn parameter<'a>(
        &self,
        action: &str,
        operation: &'a mut OperationSpec,
        name: &Spanned<String>,
        fact: &ParameterFacts,
    ) -> Result<&'a mut Shape, Diagnostic> {
        let position = operation.request.iter().position(|parameter| {
            parameter
                .name
                .as_ref()
                .is_some_and(|wire| wire.value == name.value)
        });
        if let Some(position) = position {
            return Ok(&mut operation.request[position]);
        }
        if fact.location.is_none() || fact.ty.is_none() {
            return Err(Diagnostic::new(
                self.at(name),
                format!("`{action}` has no request parameter `{}`", name.value),
            )
            .with_hint(
                "parameters are named as the metadata names them; one it lacks needs `in` and `type`",
            ));
        }
        operation.request.push(Shape {
            name: Some(yaml::unspanned(name.value.clone())),
            ..Shape::default()
        });
        Ok(operation.request.last_mut().expect("just pushed"))
    }

    /// Renames the one top-level field of an XML response (its root element) to `root`. A
    /// fact that changes nothing, or an operation without such a field, is an error.
    fn rename_response_root(
        &self,
        action: &str,
        operation: &mut OperationSpec,
        root: &Spanned<String>,
    ) -> Result<(), Diagnostic> {
        let mut body_fields = operation.response.iter_mut().filter(|field| {
            field
                .location
                .as_ref()
                .is_none_or(|at| at.value != "header")
        });
        let (Some(field), None, true) = (
            body_fields.next(),
            body_fields.next(),
            operation.xml_response,
        ) else {
            return Err(Diagnostic::new(
                self.at(root),
                format!("`{action}` has no XML response with one root field to rename"),
            )
            .with_hint("`response_root` names the root of an XML response of one field"));
        };
        let name = field
            .name
            .get_or_insert_with(|| yaml::unspanned(String::new()));
        if name.value == root.value {
            return Err(Diagnostic::new(
                self.at(root),
                format!(
                    "the metadata already names `{action}`'s response root `{}`",
                    root.value
                ),
            )
            .with_hint("remove the fact"));
        }
        name.value.clone_from(&root.value);
        Ok(())
    }

    /// Gives the header field `name` (matched without case, as HTTP matches names) the type
    /// `ty`, adding it after the response's fields when the metadata lacks it. A fact that
    /// changes nothing is an error, so that none outlives a metadata that learnt it.
    fn apply_response_header(
        &self,
        action: &str,
        operation: &mut OperationSpec,
        name: &Spanned<String>,
        ty: &Spanned<String>,
    ) -> Result<(), Diagnostic> {
        let existing = operation.response.iter_mut().find(|field| {
            field
                .location
                .as_ref()
                .is_some_and(|at| at.value == "header")
                && field
                    .name
                    .as_ref()
                    .is_some_and(|wire| wire.value.eq_ignore_ascii_case(&name.value))
        });
        let field = match existing {
            Some(field)
                if field
                    .ty
                    .as_ref()
                    .is_some_and(|known| known.value == ty.value) =>
            {
                return Err(Diagnostic::new(
                    self.at(ty),
                    format!(
                        "the metadata already gives `{action}`'s response header `{}` this type",
                        name.value
                    ),
                )
                .with_hint("remove the fact"));
            }
            Some(field) => field,
            None => {
                operation.response.push(Shape {
                    name: Some(yaml::unspanned(name.value.clone())),
                    location: Some(yaml::unspanned("header".to_owned())),
                    ..Shape::default()
                });
                operation.response.last_mut().expect("just pushed")
            }
        };
        field.ty = Some(yaml::unspanned(ty.value.clone()));
        field.format = None;
        field.enum_values.clear();
        field.type_name = None;
        if ty.value == "map" {
            field.style = Some(yaml::unspanned("prefixed".to_owned()));
            field.values = Some(Box::new(Shape {
                ty: Some(yaml::unspanned("string".to_owned())),
                ..Shape::default()
            }));
        }
        Ok(())
    }
}

/// What an operation's response is, as the metadata lists it: what `response_from` copies.
#[derive(Debug)]
struct Response {
    fields: Vec<Shape>,
    body: Option<Shape>,
    xml: bool,
    example: Option<String>,
}

impl Response {
    fn of(operation: &OperationSpec) -> Self {
        Response {
            fields: operation.response.clone(),
            body: operation.response_body.clone(),
            xml: operation.xml_response,
            example: operation.response_example.clone(),
        }
    }

    /// Whether `operation` already has this response, compared as the spec writes it.
    fn same_as(&self, operation: &OperationSpec) -> bool {
        let written = |fields: &[Shape], body: &Option<Shape>| {
            serde_json::to_value((fields, body)).expect("a spec shape is plain data")
        };
        self.xml == operation.xml_response
            && written(&self.fields, &self.body)
                == written(&operation.response, &operation.response_body)
    }

    fn replace(&self, operation: &mut OperationSpec) {
        operation.response.clone_from(&self.fields);
        operation.response_body.clone_from(&self.body);
        operation.xml_response = self.xml;
        operation.response_example.clone_from(&self.example);
    }
}

/// Makes `parameter` a scalar of type `ty`, forgetting what the metadata's type said of it
/// (its format, values, fields, elements, bounds and Rust type name).
fn retype(parameter: &mut Shape, ty: &str) {
    parameter.ty = Some(yaml::unspanned(ty.to_owned()));
    parameter.reference = None;
    parameter.format = None;
    parameter.type_name = None;
    parameter.enum_values.clear();
    parameter.minimum = None;
    parameter.maximum = None;
    parameter.max_items = None;
    parameter.fields.clear();
    parameter.items = None;
    parameter.values = None;
    parameter.entries = None;
}
