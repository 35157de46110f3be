//! Rust names for spec names: one place that applies heck's case conversion and makes the
//! result a valid, non-colliding identifier.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that a raw identifier (`r#type`) can stand for.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Prelude names the generated code uses unqualified (`Option<String>`, `Ok(())`): a spec type
/// with one of these names would shadow them in its module.
pub const PRELUDE_NAMES: &[&str] = &[
    "Default", "Err", "Into", "None", "Ok", "Option", "Result", "Some", "String", "Vec",
];

/// Method names the generated builders define themselves; a field with one of these names
/// gets a `_value` suffix so its setter does not shadow them.
const BUILDER_METHODS: &[&str] = &["build", "send", "into_paginator", "options", "new", "wait"];

/// The snake_case identifier of a field or parameter, as written in generated code
/// (`r#type` for a keyword, `self_` where a raw identifier is not allowed).
pub fn field_name(wire_name: &str) -> String {
    let snake = wire_name.to_snake_case();
    if BUILDER_METHODS.contains(&snake.as_str()) {
        format!("{snake}_value")
    } else if NON_RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The name without a raw-identifier prefix, for building derived names (`set_type`).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// snake_case module or method name of an operation (`list_instance_patch_states`).
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// Whether `name` is already a well-formed PascalCase type name that is not a keyword.
pub fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.to_upper_camel_case() == name
        && !NON_RAW_KEYWORDS.contains(&name)
}

/// Whether a wire name can become an identifier at all (ASCII letters, digits, `_`; not
/// starting with a digit).
pub fn is_wire_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An identifier token for a name produced by this module (handles `r#`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_snake_case_and_escaped() {
        assert_eq!(field_name("InstancePatchStates"), "instance_patch_states");
        assert_eq!(field_name("TemplateURL"), "template_url");
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("Build"), "build_value");
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(ident("r#type").to_string(), "r#type");
    }

    #[test]
    fn type_names_must_be_pascal_case() {
        assert!(is_type_name("InstancePatchState"));
        assert!(!is_type_name("instancePatchState"));
        assert!(!is_type_name("Instance_State"));
        assert!(!is_type_name("Self"));
        assert!(is_wire_identifier("RegionId"));
        assert!(!is_wire_identifier("1Region"));
        assert!(!is_wire_identifier("Region.Id"));
    }
}
