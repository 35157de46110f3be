//! Descriptions from the API reference as the generated documentation carries them: trimmed,
//! with their code blocks marked as text, since rustdoc would compile an unmarked block as a
//! Rust doc-test and the reference's samples are JSON, YAML or shell.

/// `text` trimmed, with its fenced blocks and its blocks indented by four spaces (or a tab)
/// marked as text.
pub(super) fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.trim().lines().collect();
    let mut tidied = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    let mut in_list = false;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !in_fence && info.trim() != "text" {
                tidied.push(format!("{}```text", &line[..line.len() - trimmed.len()]));
            } else {
                tidied.push(line.to_owned());
            }
            in_fence = !in_fence;
            index += 1;
            continue;
        }
        let starts_block = !in_fence
            && !in_list
            && is_indented_code(line)
            && tidied
                .last()
                .is_none_or(|previous: &String| previous.trim().is_empty());
        if !starts_block {
            if !trimmed.is_empty() && !is_indented_code(line) {
                in_list = trimmed.starts_with(['*', '-', '+'])
                    || trimmed.split_once(". ").is_some_and(|(number, _)| {
                        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
                    });
            }
            tidied.push(line.to_owned());
            index += 1;
            continue;
        }
        // An indented code block runs until a line that is neither indented nor blank;
        // blank lines before that line are not part of it.
        let mut end = index;
        while end < lines.len() && (is_indented_code(lines[end]) || lines[end].trim().is_empty()) {
            end += 1;
        }
        while end > index && lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        tidied.push("```text".to_owned());
        for code in &lines[index..end] {
            tidied.push(
                code.strip_prefix("    ")
                    .unwrap_or(code.trim_start())
                    .to_owned(),
            );
        }
        tidied.push("```".to_owned());
        index = end;
    }
    tidied.join("\n")
}

/// A line of an indented code block: four spaces or a tab before text.
fn is_indented_code(line: &str) -> bool {
    (line.starts_with("    ") || line.starts_with('\t')) && !line.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_in_descriptions_are_text() {
        assert_eq!(
            tidy("Sample:\n\n    {\"a\": 1}\n\n    {\"b\": 2}\n\nAfter.\n"),
            "Sample:\n\n```text\n{\"a\": 1}\n\n{\"b\": 2}\n```\n\nAfter."
        );
        assert_eq!(
            tidy("```json\n{}\n```\n```text\nx\n```"),
            "```text\n{}\n```\n```text\nx\n```"
        );
        let list = "*   item\n\n    continued\n";
        assert_eq!(tidy(list), list.trim(), "list continuations stay");
        assert_eq!(tidy("  plain  \n"), "plain");
    }
}
