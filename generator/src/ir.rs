//! The intermediate representation: the spec with every name resolved and every reference
//! checked, in a fixed order. Emitters read only this.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Service {
    /// Directory name under `spec/` and `generated/` (`oos`).
    pub dir_name: String,
    pub spec_path: PathBuf,
    /// Cargo package of the SDK (`alibabacloud-oos`).
    pub crate_name: String,
    pub product: String,
    pub api_version: String,
    pub protocol: String,
    pub endpoint_rule: String,
    /// `(region, host)` in the spec's order.
    pub regions: Vec<(String, String)>,
    /// Sorted by action name.
    pub operations: Vec<Operation>,
    pub waiters: Vec<Waiter>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub spec_path: PathBuf,
    /// Action name (`ListInstancePatchStates`), also the prefix of its type names.
    pub name: String,
    /// Module and client method name (`list_instance_patch_states`).
    pub snake_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Sent with the first; all listed for documentation.
    pub methods: Vec<String>,
    pub ram: Option<Ram>,
    /// Sending it twice changes nothing.
    pub read_only: bool,
    pub request: Vec<Member>,
    pub response: Vec<Member>,
    /// Every object type of the operation, request side first, in spec order.
    pub structs: Vec<Struct>,
    pub pagination: Option<Pagination>,
    /// Wire name of a `ClientToken` parameter the client fills when left empty.
    pub idempotency_token: Option<String>,
    pub response_example: Option<String>,
}

impl Operation {
    /// Whether a response can carry a secret: a sensitive field at any depth.
    pub fn response_has_secrets(&self) -> bool {
        self.response.iter().any(|member| member.sensitive)
            || self
                .structs
                .iter()
                .any(|item| item.side == Side::Response && item.has_sensitive_fields())
    }
}

#[derive(Debug, Clone)]
pub struct Ram {
    pub action: String,
    pub access_level: String,
}

/// A request parameter, a response field or a field of a nested object.
#[derive(Debug, Clone)]
pub struct Member {
    pub wire_name: String,
    /// Rust field name (`region_id`, `r#type`).
    pub field_name: String,
    pub ty: Type,
    pub required: bool,
    pub location: Location,
    pub style: Style,
    pub sensitive: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub description: Option<String>,
    pub example: Option<String>,
    pub enum_values: Vec<String>,
    pub default: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub max_items: Option<u64>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Query,
    /// `body` and `formData`: a form-encoded request body.
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Simple,
    Json,
    RepeatList,
    Flat,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Boolean,
    Int32,
    Int64,
    Float,
    Double,
    /// Free-form JSON.
    Any,
    Array(Box<Type>),
    /// String keys.
    Map(Box<Type>),
    /// A struct of this operation, by type name.
    Struct(String),
}

impl Type {
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Type::String | Type::Boolean | Type::Int32 | Type::Int64 | Type::Float | Type::Double
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub name: String,
    pub side: Side,
    pub description: Option<String>,
    pub fields: Vec<Member>,
}

impl Struct {
    pub fn has_sensitive_fields(&self) -> bool {
        self.fields.iter().any(|field| field.sensitive)
    }
}

#[derive(Debug, Clone)]
pub struct Pagination {
    /// Request field carrying the token.
    pub input_token: String,
    pub input_token_wire: String,
    /// Response field carrying the next token.
    pub output_token: String,
    pub output_token_wire: String,
    pub page_size: Option<String>,
    /// Response field names from the response down to the item list.
    pub items_path: Vec<String>,
    /// The same path in wire names.
    pub items_wire_path: Vec<String>,
    pub item_type: Type,
}

#[derive(Debug, Clone)]
pub struct Waiter {
    pub name: String,
    /// `wait_until_<snake name>`.
    pub method_name: String,
    pub description: Option<String>,
    /// Snake name of the polled operation's module.
    pub operation_module: String,
    pub operation_name: String,
    pub inputs: Vec<Member>,
    pub path: Vec<PathStep>,
    /// The same path as the spec writes it, in wire names (`Executions[0].Status`): JMESPath,
    /// which the CLI evaluates on the JSON response.
    pub wire_path: String,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub delay_seconds: u64,
    pub timeout_seconds: u64,
}

/// One step of a waiter's path into a response.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Field(String),
    FirstElement,
}
