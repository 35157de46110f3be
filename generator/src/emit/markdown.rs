//! Spec text as rustdoc takes it. Descriptions are Markdown written for Alibaba Cloud's web
//! reference: links to its own pages (`[DescribeRegions](~~25609~~)`), bracketed words that
//! rustdoc would read as links to Rust items (`[**Deprecated**]`), leftover HTML tags and
//! placeholders (`<region-id>`, `List<String>`), bare URLs, and code blocks without a
//! language, which rustdoc would compile as Rust. Each is rewritten where the Markdown parser
//! rustdoc uses (pulldown-cmark) finds it, so that the crates document without a warning and
//! without turning rustdoc's lints off; everything else is left as written.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag};

/// Code block attributes that make rustdoc compile a block as Rust (with `rust` itself), and
/// their misspellings, which it warns about.
const RUST_ATTRIBUTES: &[&str] = &[
    "rust",
    "ignore",
    "should_panic",
    "should-panic",
    "no_run",
    "no-run",
    "compile_fail",
    "compile-fail",
    "test_harness",
    "test-harness",
    "edition2015",
    "edition2018",
    "edition2021",
    "edition2024",
    "standalone_crate",
];

/// `text` rewritten so that rustdoc renders it without a warning: links that do not lead to a
/// web address become their text, other bracketed text and HTML are escaped, bare URLs become
/// autolinks, and code blocks that rustdoc would take for Rust are marked `text` (and closed).
pub fn rustdoc(text: &str) -> String {
    let mut edits = Edits::default();
    let mut broken_link =
        |_: pulldown_cmark::BrokenLink<'_>| Some((CowStr::Borrowed(""), CowStr::Borrowed("")));
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> =
        Parser::new_with_broken_link_callback(text, options, Some(&mut broken_link))
            .into_offset_iter()
            .collect();
    // Whether each link around the current event stays a link: text in one that does is
    // not running text.
    let mut links: Vec<bool> = Vec::new();
    let mut in_code = false;
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                let kept = matches!(link_type, LinkType::Autolink | LinkType::Email)
                    || is_web_address(dest_url);
                links.push(kept);
                if kept {
                    continue;
                }
                let inner = inner_range(&events[index + 1..], range);
                match link_type {
                    LinkType::ShortcutUnknown
                    | LinkType::CollapsedUnknown
                    | LinkType::ReferenceUnknown => {
                        edits.escape_brackets(text, range.clone(), inner);
                    }
                    _ => edits.keep_only(range.clone(), inner),
                }
            }
            Event::End(pulldown_cmark::TagEnd::Link | pulldown_cmark::TagEnd::Image) => {
                links.pop();
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                for (at, _) in text[range.clone()].match_indices('<') {
                    edits.insert(range.start + at, "\\");
                }
            }
            Event::Text(_) if !in_code && !links.contains(&true) => {
                edits.autolink_urls(text, range.clone())
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                let code: String = events[index + 1..]
                    .iter()
                    .map_while(|(event, _)| match event {
                        Event::Text(code) => Some(code.as_ref()),
                        _ => None,
                    })
                    .collect();
                edits.code_block(text, kind, range.clone(), &code);
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
    }
    edits.apply(text)
}

/// Whether a link destination is an address on the web rather than a page of Alibaba
/// Cloud's site (`~~25609~~`), an anchor or a Rust path.
fn is_web_address(destination: &str) -> bool {
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| destination.starts_with(scheme))
}

/// The span of a link's text: from the first to the last event inside it (`events` start
/// just after the link's start).
fn inner_range(
    events: &[(Event<'_>, std::ops::Range<usize>)],
    link: &std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    let mut depth = 0usize;
    let mut inner: Option<std::ops::Range<usize>> = None;
    for (event, range) in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        if range.start < link.start || range.end > link.end {
            continue;
        }
        inner = Some(match inner {
            Some(inner) => inner.start.min(range.start)..inner.end.max(range.end),
            None => range.clone(),
        });
    }
    inner
}

/// Replacements of spans of the text, applied at once.
#[derive(Default)]
struct Edits(Vec<(usize, usize, String)>);

impl Edits {
    fn insert(&mut self, at: usize, text: &str) {
        self.0.push((at, at, text.to_owned()));
    }

    fn delete(&mut self, range: std::ops::Range<usize>) {
        if !range.is_empty() {
            self.0.push((range.start, range.end, String::new()));
        }
    }

    /// A link to nowhere on the web becomes its text.
    fn keep_only(&mut self, link: std::ops::Range<usize>, inner: Option<std::ops::Range<usize>>) {
        match inner {
            Some(inner) => {
                self.delete(link.start..inner.start);
                self.delete(inner.end..link.end);
            }
            None => self.delete(link),
        }
    }

    /// Text in brackets with no link definition (`[**Deprecated**]`, `[1, 100]`) stays
    /// bracketed text: its brackets outside the text are escaped.
    fn escape_brackets(
        &mut self,
        text: &str,
        link: std::ops::Range<usize>,
        inner: Option<std::ops::Range<usize>>,
    ) {
        for (at, _) in text[link.clone()].match_indices(['[', ']']) {
            let at = link.start + at;
            if !inner.as_ref().is_some_and(|inner| inner.contains(&at)) {
                self.insert(at, "\\");
            }
        }
    }

    /// `https://…` in running text becomes `<https://…>`, as rustdoc's `bare_urls` asks.
    fn autolink_urls(&mut self, text: &str, range: std::ops::Range<usize>) {
        let span = &text[range.clone()];
        let mut from = 0;
        while let Some(found) = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| span[from..].find(scheme))
            .min()
        {
            let start = from + found;
            let length = span[start..]
                .find(|c: char| {
                    !c.is_ascii() || c.is_ascii_whitespace() || "<>\"'`[]{}|\\^".contains(c)
                })
                .unwrap_or(span.len() - start);
            let url =
                span[start..start + length].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            from = start + length.max(1);
            // A scheme alone is text.
            if url.len() <= "https://".len() {
                continue;
            }
            self.insert(range.start + start, "<");
            self.insert(range.start + start + url.len(), ">");
        }
    }

    /// A code block rustdoc would compile as Rust is marked `text`: an indented one is
    /// fenced anew (`code` is its text), a fenced one without a language or with an info
    /// string rustdoc cannot read gets `text` as its language. A fenced block left open is
    /// closed, so that it does not swallow what the generator writes after the description.
    fn code_block(
        &mut self,
        text: &str,
        kind: &CodeBlockKind<'_>,
        range: std::ops::Range<usize>,
        code: &str,
    ) {
        let block = &text[range.clone()];
        match kind {
            CodeBlockKind::Indented => {
                // The block starts four spaces into its container (a list item, a quote).
                let line_start = text[..range.start].rfind('\n').map_or(0, |at| at + 1);
                let container = &text[line_start..range.start.saturating_sub(4).max(line_start)];
                if !container.chars().all(|c| c == ' ') {
                    return;
                }
                let fence = "`".repeat(longest_backtick_run(code).max(2) + 1);
                let mut fenced = format!("{container}{fence}text\n");
                for line in code.trim_end().lines() {
                    fenced.push_str(&format!("{container}{line}\n"));
                }
                fenced.push_str(&format!("{container}{fence}\n"));
                self.0.push((line_start, range.end, fenced));
            }
            CodeBlockKind::Fenced(info) => {
                let opening = block.lines().next().unwrap_or_default();
                let fence_start = opening.len() - opening.trim_start().len();
                let fence_char = opening[fence_start..].chars().next().unwrap_or('`');
                let fence_length = opening[fence_start..]
                    .chars()
                    .take_while(|c| *c == fence_char)
                    .count();
                let fence = fence_char.to_string().repeat(fence_length);
                let info_start = range.start + fence_start + fence_length;
                if is_rust(info) || !is_plain_language(info) {
                    self.0
                        .push((info_start, range.start + opening.len(), "text".to_owned()));
                }
                let closed = block.lines().count() > 1
                    && block.lines().last().is_some_and(|line| {
                        line.trim_start().starts_with(&fence)
                            && line.trim().chars().all(|c| c == fence_char)
                    });
                if !closed {
                    let newline = if block.ends_with('\n') { "" } else { "\n" };
                    self.insert(range.end, &format!("{newline}{fence}"));
                }
            }
        }
    }

    fn apply(mut self, text: &str) -> String {
        // Stable: insertions at one place keep the order they were made in.
        self.0.sort_by_key(|(start, end, _)| (*start, *end));
        let mut out = String::with_capacity(text.len() + 16 * self.0.len());
        let mut at = 0;
        for (start, end, replacement) in self.0 {
            if start < at {
                // Overlaps an earlier edit (nested constructs): that one stands.
                continue;
            }
            out.push_str(&text[at..start]);
            out.push_str(&replacement);
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Whether an info string is a plain language name (`json`, `c++`, `shell`), which rustdoc
/// reads without a complaint.
fn is_plain_language(info: &str) -> bool {
    info.trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_+.#".contains(c))
}

/// Whether rustdoc compiles a fenced block with this info string as Rust.
fn is_rust(info: &str) -> bool {
    let mut tokens = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|token| !token.is_empty())
        .peekable();
    tokens.peek().is_none()
        || tokens.any(|token| {
            RUST_ATTRIBUTES.contains(&token.trim_matches(|c| c == '{' || c == '}' || c == '.'))
        })
}

#[cfg(test)]
mod tests {
    use super::rustdoc;

    #[test]
    fn links_to_alibaba_clouds_own_pages_become_their_text() {
        assert_eq!(
            rustdoc("Call [DescribeRegions](~~25609~~) first."),
            "Call DescribeRegions first."
        );
        assert_eq!(
            rustdoc("See [the guide](https://example.com/x) and [x](#anchor)."),
            "See [the guide](https://example.com/x) and x."
        );
        assert_eq!(rustdoc("[](~~1~~)gone"), "gone");
    }

    #[test]
    fn bracketed_text_is_escaped() {
        assert_eq!(
            rustdoc("[**Deprecated**] Use another."),
            "\\[**Deprecated**\\] Use another."
        );
        assert_eq!(
            rustdoc("Valid values: [1, 100]."),
            "Valid values: \\[1, 100\\]."
        );
        assert_eq!(rustdoc("[a][b] c"), "\\[a\\]\\[b\\] c");
    }

    #[test]
    fn html_is_escaped_and_text_stays() {
        assert_eq!(
            rustdoc("A List<String> of <region-id> values, a < b"),
            "A List\\<String> of \\<region-id> values, a < b"
        );
        assert_eq!(rustdoc("<div>\nblock\n</div>"), "\\<div>\nblock\n\\</div>");
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            rustdoc("Docs: https://help.aliyun.com/x.html. And http://a.b/c?d=1&e=2, done"),
            "Docs: <https://help.aliyun.com/x.html>. And <http://a.b/c?d=1&e=2>, done"
        );
        assert_eq!(
            rustdoc("Already <https://a.b/c> or [here](https://a.b/c) or `https://a.b`"),
            "Already <https://a.b/c> or [here](https://a.b/c) or `https://a.b`"
        );
        assert_eq!(rustdoc("地址https://a.b/c。"), "地址<https://a.b/c>。");
        assert_eq!(
            rustdoc("the prefix https:// alone"),
            "the prefix https:// alone"
        );
        assert_eq!(
            rustdoc("visit [https://a.b/c](url)."),
            "visit <https://a.b/c>."
        );
        assert_eq!(
            rustdoc("```\nhttps://a.b\n```"),
            "```text\nhttps://a.b\n```"
        );
    }

    #[test]
    fn code_blocks_rustdoc_would_compile_are_marked_text() {
        assert_eq!(
            rustdoc("Sample:\n\n```\n{\"a\": 1}\n```\n"),
            "Sample:\n\n```text\n{\"a\": 1}\n```\n"
        );
        assert_eq!(rustdoc("```json\n{}\n```"), "```json\n{}\n```");
        assert_eq!(rustdoc("~~~rust\nx\n~~~"), "~~~text\nx\n~~~");
        assert_eq!(
            rustdoc("Run:\n\n    aliyun ecs Describe\n    --x 1\n\nDone."),
            "Run:\n\n```text\naliyun ecs Describe\n--x 1\n```\n\nDone."
        );
        assert_eq!(rustdoc("```json\n{\n"), "```json\n{\n```");
        assert_eq!(rustdoc("```[\n1\n```"), "```text\n1\n```");
        assert_eq!(
            rustdoc(
                "*   One:\n\n    *   A role:\n\n               {\n                 \"a\": 1\n               }\n\n    *   Next.\n"
            ),
            "*   One:\n\n    *   A role:\n\n        ```text\n           {\n             \"a\": 1\n           }\n        ```\n\n    *   Next.\n"
        );
        assert_eq!(
            rustdoc("Run:\n\n    ```sh\n    x\n    ```\n"),
            "Run:\n\n````text\n```sh\nx\n```\n````\n"
        );
    }
}
