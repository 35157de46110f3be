//! Rustdoc text from spec descriptions and examples, as doc comments (written in by
//! `render`, as token streams cannot carry comments).

use proc_macro2::TokenStream;

use crate::ir::{Docs, Member};

/// An outer doc comment (`///`) holding `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    crate::render::doc_comment(text, false)
}

/// An inner doc comment (`//!`, module or crate documentation) holding `text`.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    crate::render::doc_comment(text, true)
}

/// Documentation of a parameter or field: description, example, constraints, wire name.
pub fn member_doc(member: &Member) -> String {
    let docs: &Docs = &member.docs;
    let mut paragraphs = Vec::new();
    if let Some(description) = docs.description.as_deref().filter(|text| !text.is_empty()) {
        paragraphs.push(super::markdown::rustdoc(description));
    }
    let mut facts = vec![format!("Wire name: `{}`", member.wire_name)];
    if member.required {
        facts.push("required".to_string());
    }
    if docs.deprecated {
        facts.push("deprecated".to_string());
    }
    if let Some(default) = &docs.default {
        facts.push(format!("default {}", inline_code(default)));
    }
    if let Some(minimum) = docs.minimum {
        facts.push(format!("minimum {minimum}"));
    }
    if let Some(maximum) = docs.maximum {
        facts.push(format!("maximum {maximum}"));
    }
    if let Some(max_items) = docs.max_items {
        facts.push(format!("at most {max_items} items"));
    }
    if member.sensitive {
        facts.push("sensitive: redacted from `Debug` output".to_string());
    }
    paragraphs.push(format!("{}.", facts.join("; ")));
    if !docs.enum_values.is_empty() {
        let values: Vec<String> = docs
            .enum_values
            .iter()
            .map(|value| inline_code(value))
            .collect();
        paragraphs.push(format!("Valid values: {}.", values.join(", ")));
    }
    if let Some(example) = docs
        .example
        .as_deref()
        .filter(|text| !text.trim().is_empty())
    {
        paragraphs.push(example_doc(example));
    }
    paragraphs.join("\n\n")
}

/// Documentation of a setter of a field documented in full on `owner`'s field (its type
/// name, or `Self`): one line linking there, so that long descriptions are not repeated.
pub fn setter_doc(member: &Member, owner: &str) -> String {
    let field = crate::naming::unraw(&member.names.field);
    format!(
        "Sets `{}`: see [`{owner}::{field}`].",
        member.wire_name.replace('`', "")
    )
}

/// The first sentence of a description (its first line when that has no sentence end), as
/// rustdoc takes it.
pub fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let sentence = match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    };
    super::markdown::rustdoc(sentence)
}

fn example_doc(example: &str) -> String {
    if example.contains('\n') || example.contains("```") {
        format!("Example:\n\n```text\n{}\n```", example.trim_end())
    } else {
        format!("Example: {}", inline_code(example))
    }
}

/// `text` as inline code, with a fence longer than any run of backticks inside it.
fn inline_code(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_fences_around_backticks() {
        assert_eq!(inline_code("cn-hangzhou"), "`cn-hangzhou`");
        assert_eq!(inline_code("a`b"), "``a`b``");
        assert_eq!(inline_code("`x`"), "`` `x` ``");
    }

    #[test]
    fn multi_line_examples_become_code_blocks() {
        assert_eq!(example_doc("{\n}"), "Example:\n\n```text\n{\n}\n```");
        assert_eq!(example_doc("50"), "Example: `50`");
    }
}
