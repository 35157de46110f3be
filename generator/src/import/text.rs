//! Documentation text as the metadata writes it, made plain: OpenMeta descriptions are
//! markdown with escapes applied once or several times over (`O\\\\&M`) and fragments of HTML
//! (`<props="china">`, `<li class="li">`, `&quot;`). The spec keeps the text a person means,
//! which a terminal (the CLI's help) and rustdoc both show as written. Code, inline or fenced,
//! is kept exactly: markdown applies no escapes there either.

/// HTML elements the metadata uses for layout, by lower-case name. Anything else between angle
/// brackets (`List<String>`, `<region-id>`) is text and stays.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "center",
    "code",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "note",
    "notice",
    "ol",
    "p",
    "props",
    "section",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "warning",
];

/// HTML character references and the characters they stand for.
const ENTITIES: &[(&str, &str)] = &[
    ("&quot;", "\""),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&nbsp;", " "),
    ("&#39;", "'"),
    ("&apos;", "'"),
    // Last: `&amp;lt;` means the text `&lt;`.
    ("&amp;", "&"),
];

/// `text` without markdown escapes and HTML markup outside code, with no run of more than
/// one blank line and no trailing whitespace.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (segment, is_code) in segments(text) {
        if is_code {
            out.push_str(segment);
        } else {
            out.push_str(&decode_entities(&strip_html(&unescape(segment))));
        }
    }
    tidy_lines(&out)
}

/// The text cut into prose and code (fenced blocks and inline code spans), in order.
fn segments(text: &str) -> Vec<(&str, bool)> {
    let mut segments = Vec::new();
    let mut prose_start = 0;
    let mut at = 0;
    let bytes = text.as_bytes();
    while at < bytes.len() {
        if bytes[at] != b'`' {
            at += 1;
            continue;
        }
        let run = bytes[at..].iter().take_while(|&&byte| byte == b'`').count();
        let fence = &text[at..at + run];
        let starts_line = at == 0 || bytes[at - 1] == b'\n';
        // A fenced block ends at the fence's next occurrence at the start of a line (or the
        // end of the text); an inline span at the next run of as many backticks.
        let end = if run >= 3 && starts_line {
            text[at + run..]
                .find(&format!("\n{fence}"))
                .map_or(text.len(), |found| {
                    let close = at + run + found + 1 + run;
                    text[close..]
                        .find('\n')
                        .map_or(text.len(), |eol| close + eol)
                })
        } else {
            match find_run(&text[at + run..], run) {
                Some(found) => at + run + found + run,
                // An unmatched backtick is text.
                None => {
                    at += run;
                    continue;
                }
            }
        };
        if prose_start < at {
            segments.push((&text[prose_start..at], false));
        }
        segments.push((&text[at..end], true));
        prose_start = end;
        at = end;
    }
    if prose_start < text.len() {
        segments.push((&text[prose_start..], false));
    }
    segments
}

/// Where a run of exactly `length` backticks starts in `text`.
fn find_run(text: &str, length: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'`' {
            let run = bytes[at..].iter().take_while(|&&byte| byte == b'`').count();
            if run == length {
                return Some(at);
            }
            at += run;
        } else {
            at += 1;
        }
    }
    None
}

/// Markdown escapes before ASCII punctuation, applied once or several times over: one
/// backslash escapes the character (`\_`), and so do three or more, which repeated escaping
/// makes (`O\\\\&M`); two are an escaped backslash (`(\\)` is `(\)`). Backslashes before
/// anything else (`C:\Windows`) are text.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut run = 1;
        while chars.peek() == Some(&'\\') {
            chars.next();
            run += 1;
        }
        match chars.peek() {
            Some(next) if next.is_ascii_punctuation() && run == 2 => out.push('\\'),
            Some(next) if next.is_ascii_punctuation() => {}
            _ => out.extend(std::iter::repeat_n('\\', run)),
        }
    }
    out
}

/// The text of HTML markup: line breaks for `<br>`, paragraphs and list items, `[text](url)`
/// for a link, backticks for `<code>`, nothing for other layout elements.
fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut link: Option<String> = None;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some((closing, name, attributes, length)) = tag(after) else {
            out.push('<');
            rest = after;
            continue;
        };
        match (name.as_str(), closing) {
            ("br", _) => out.push('\n'),
            ("p" | "div" | "ul" | "ol" | "table" | "section" | "blockquote", _) => {
                out.push_str("\n\n")
            }
            ("li", false) => out.push_str("\n- "),
            ("tr" | "dt", false) => out.push('\n'),
            ("td" | "th", true) => out.push(' '),
            ("code", _) => out.push('`'),
            ("a", false) => {
                link = attribute(attributes, "href");
                if link.is_some() {
                    out.push('[');
                }
            }
            ("a", true) => {
                if let Some(url) = link.take() {
                    out.push_str(&format!("]({url})"));
                }
            }
            _ => {}
        }
        rest = &after[length..];
    }
    out.push_str(rest);
    out
}

/// The tag at the start of `text` (just after its `<`), if it is one of [`HTML_ELEMENTS`]:
/// whether it closes, its lower-case name, its attributes and its length up to and including
/// its `>`.
fn tag(text: &str) -> Option<(bool, String, &str, usize)> {
    let closing = text.starts_with('/');
    let body = if closing { &text[1..] } else { text };
    let name_length = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let name = body[..name_length].to_ascii_lowercase();
    if !HTML_ELEMENTS.contains(&name.as_str()) {
        return None;
    }
    let rest = &body[name_length..];
    // After the name: `>`, `/>`, or attributes (`<props="china">` has one without a name).
    if !rest.starts_with(['>', ' ', '/', '=', '\t', '\n']) {
        return None;
    }
    let end = rest.find('>').filter(|end| !rest[..*end].contains('<'))?;
    let length = usize::from(closing) + name_length + end + 1;
    Some((closing, name, &rest[..end], length))
}

/// The value of `name="…"` (or `'…'`) among a tag's attributes.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let start = attributes.find(&format!("{name}="))? + name.len() + 1;
    let value = &attributes[start..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let end = value[1..].find(quote)?;
    Some(value[1..1 + end].to_owned())
}

fn decode_entities(text: &str) -> String {
    let mut out = text.to_owned();
    for (entity, character) in ENTITIES {
        if out.contains(entity) {
            out = out.replace(entity, character);
        }
    }
    out
}

/// Lines without trailing whitespace; at most one blank line in a row; none at either end.
/// Leading spaces stay: they may start an indented code block.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.lines().skip_while(|line| line.trim().is_empty()) {
        let line = line.trim_end();
        if line.is_empty() {
            blank_lines += 1;
            if blank_lines > 1 {
                continue;
            }
        } else {
            blank_lines = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn markdown_escapes_go_however_often_they_were_applied() {
        assert_eq!(
            plain(r"Creates an O\\\\\\\\\\&M Item."),
            "Creates an O&M Item."
        );
        assert_eq!(
            plain(r"Generates an O\\\&M item."),
            "Generates an O&M item."
        );
        assert_eq!(plain(r"instance\_id and \*\*\*\*"), "instance_id and ****");
        assert_eq!(
            plain(r"[api](https://api.aliyun.com/#/?product=oos\&version=1)"),
            "[api](https://api.aliyun.com/#/?product=oos&version=1)"
        );
        assert_eq!(plain(r"C:\Windows\Temp"), r"C:\Windows\Temp", "not escapes");
        assert_eq!(plain(r"backslashes (\\) or"), r"backslashes (\) or");
    }

    #[test]
    fn code_is_kept_as_written() {
        assert_eq!(plain(r"Set `a\_b` to \_x"), r"Set `a\_b` to _x");
        let fenced = "Sample:\n\n```json\n{\"a\": \"<p>\\\\&\"}\n```\n\nAfter \\&.";
        assert_eq!(
            plain(fenced),
            "Sample:\n\n```json\n{\"a\": \"<p>\\\\&\"}\n```\n\nAfter &."
        );
        assert_eq!(
            plain("a ` b \\_"),
            "a ` b _",
            "an unmatched backtick is text"
        );
    }

    #[test]
    fn html_markup_becomes_text() {
        assert_eq!(
            plain("<props=\"china\">Only in China.</props> Done."),
            "Only in China. Done."
        );
        assert_eq!(
            plain(
                "<p class=\"p\">Note:</p> <ul class=\"ul\"> <li class=\"li\">one</li> <li>two</li> </ul>"
            ),
            "Note:\n\n- one\n- two"
        );
        assert_eq!(plain("line<br>next<br/>last"), "line\nnext\nlast");
        assert_eq!(
            plain("See <a href=\"https://example.com/x\">the guide</a>."),
            "See [the guide](https://example.com/x)."
        );
        assert_eq!(
            plain("<notice>Use <code>--force</code> &quot;carefully&quot;.</notice>"),
            "Use `--force` \"carefully\"."
        );
        assert_eq!(plain("<font color='red'>red</font> &amp;lt;"), "red &lt;");
    }

    #[test]
    fn angle_brackets_that_are_not_markup_stay() {
        assert_eq!(
            plain("A List<String> of <region-id> values, a < b > c"),
            "A List<String> of <region-id> values, a < b > c"
        );
        assert_eq!(plain("<i am not closed"), "<i am not closed");
    }

    #[test]
    fn whitespace_is_tidied() {
        assert_eq!(plain("\n  a  \n\n\n\nb \n"), "  a\n\nb");
    }
}
