//! XML bodies, for the operations whose metadata says `style: xml` (OSS, hcs-mgw): a request
//! body built from fields as JSON is written as XML, and an XML response is read into JSON
//! that the tolerant decoder ([`crate::de`]) then takes like any other.
//!
//! The request's one top-level field is the root element (`{"Tagging": {…}}` is
//! `<Tagging>…</Tagging>`), an object's fields are child elements, and a list is its field's
//! element repeated (`"Tag": [a, b]` is `<Tag>a</Tag><Tag>b</Tag>`), written compactly without
//! an XML declaration, as the official OSS SDK V2 writes them. quick-xml's serde serializer
//! writes the elements and escapes the text.
//!
//! The OSS gateway (`alibabacloud-gateway-oss` 0.0.30, which hcs-mgw's official SDK sends
//! through) writes its XML otherwise ([`to_oss_gateway_xml`]): Python's ElementTree, element by
//! element, after an XML declaration. Its bytes are signed (`Content-MD5`), so they are written
//! here as ElementTree writes them rather than by quick-xml's serializer.
//!
//! A response is read the other way: the root element is the one top-level field, an element
//! with child elements an object, a child element that repeats a list, an element holding text
//! that text, and an empty element nothing (`null`). A list of one is one element in XML, which
//! the tolerant decoder takes where a list is expected.

use std::fmt::Write as _;

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use serde_json::{Map, Value};

/// `body`, an object of one field, as XML whose root element is that field. Text is escaped
/// as the official OSS SDK V2's ElementTree escapes it, by quick-xml's default
/// (`QuoteLevel::Partial`): `&`, `<` and `>`, quotes and apostrophes kept. One difference is
/// left: quick-xml writes `\r` as `&#13;`, which ElementTree writes raw and an XML parser then
/// reads as `\n`.
pub(crate) fn to_xml(body: &Map<String, Value>) -> Result<String, String> {
    let mut fields = body.iter();
    let (Some((root, content)), None) = (fields.next(), fields.next()) else {
        return Err(format!(
            "an XML body has one root element; this one has {} fields",
            body.len()
        ));
    };
    quick_xml::se::to_string_with_root(root, content).map_err(|error| error.to_string())
}

/// `xml`, as [`to_xml`] writes it, with `"` as `&quot;` and each character below U+0020 as a
/// two-digit decimal reference (`&#09;`, `&#10;`, `&#13;`), as the official OSS SDK V2's
/// `escape_xml_value` writes the keys of DeleteMultipleObjects. [`to_xml`] writes no attribute,
/// declaration or whitespace between elements, so every such character is in text.
pub(crate) fn with_quotes_and_controls_escaped(xml: &str) -> String {
    let mut escaped = String::with_capacity(xml.len());
    for c in xml.chars() {
        match c {
            '"' => escaped.push_str("&quot;"),
            // Writing to a `String` cannot fail.
            c if u32::from(c) < 0x20 => {
                let _ = write!(escaped, "&#{:02};", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    escaped
}

/// The declaration the OSS gateway's `to_xml` writes before the elements.
const OSS_GATEWAY_DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// `body` as the OSS gateway writes a request's XML (`alibabacloud-gateway-oss-util` 0.0.14,
/// `Client.to_xml`): the declaration, then each top-level field an element (its fields child
/// elements, a list its element repeated), as ElementTree's `tostring` writes it: in
/// `us-ascii`, so every character outside ASCII, in text or name, is a decimal character
/// reference (`中` is `&#20013;`); `&`, `<` and `>` escaped and quotes not; an element without
/// text or children (an empty text, list or object) is `<Name />`; booleans `true` and `false`.
/// An empty body is empty, without the declaration.
pub(crate) fn to_oss_gateway_xml(body: &Map<String, Value>) -> Result<String, String> {
    if body.is_empty() {
        return Ok(String::new());
    }
    let mut xml = String::from(OSS_GATEWAY_DECLARATION);
    for (name, value) in body {
        if value.is_array() {
            return Err(format!("the XML root `{name}` cannot be a list"));
        }
        write_gateway_element(&mut xml, name, value);
    }
    Ok(ascii_with_character_references(&xml))
}

fn write_gateway_element(xml: &mut String, name: &str, value: &Value) {
    let text = match value {
        // A list is its element repeated beside its siblings.
        Value::Array(items) => {
            if items.is_empty() {
                write_empty_element(xml, name);
            }
            for item in items {
                write_gateway_element(xml, name, item);
            }
            return;
        }
        Value::Object(fields) if !fields.is_empty() => {
            xml.push('<');
            xml.push_str(name);
            xml.push('>');
            for (child, value) in fields {
                write_gateway_element(xml, child, value);
            }
            xml.push_str("</");
            xml.push_str(name);
            xml.push('>');
            return;
        }
        Value::Null | Value::Object(_) => String::new(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.clone(),
    };
    if text.is_empty() {
        write_empty_element(xml, name);
        return;
    }
    xml.push('<');
    xml.push_str(name);
    xml.push('>');
    push_escaped_text(xml, &text);
    xml.push_str("</");
    xml.push_str(name);
    xml.push('>');
}

fn write_empty_element(xml: &mut String, name: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push_str(" />");
}

/// Text as ElementTree escapes it (`_escape_cdata`): `&`, `<` and `>` only, a `\r` kept, unlike
/// quick-xml's escapes, which also write `\r` as a reference.
fn push_escaped_text(xml: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            c => xml.push(c),
        }
    }
}

/// `text` in ASCII, each other character a decimal character reference, as Python's
/// `xmlcharrefreplace` writes it.
fn ascii_with_character_references(text: &str) -> String {
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            // Writing to a `String` cannot fail.
            let _ = write!(ascii, "&#{};", u32::from(c));
        }
    }
    ascii
}

/// An element being read: its name and what it holds so far.
struct Open {
    name: String,
    children: Map<String, Value>,
    text: String,
}

impl Open {
    fn new(name: &str) -> Self {
        Open {
            name: name.to_owned(),
            children: Map::new(),
            text: String::new(),
        }
    }

    /// Its children as an object when it has any (text between them is layout), else its text,
    /// else nothing.
    fn into_value(self) -> (String, Value) {
        let value = if !self.children.is_empty() {
            Value::Object(self.children)
        } else if !self.text.is_empty() {
            Value::String(self.text)
        } else {
            Value::Null
        };
        (self.name, value)
    }

    /// Adds a child element; one of a name seen before makes that name a list.
    fn add_child(&mut self, name: String, value: Value) {
        match self.children.get_mut(&name) {
            Some(Value::Array(items)) => items.push(value),
            Some(first) => {
                let first = first.take();
                self.children.insert(name, Value::Array(vec![first, value]));
            }
            None => {
                self.children.insert(name, value);
            }
        }
    }
}

/// An XML document as JSON: `{"<root>": …}` (see the [module documentation](self)).
/// Attributes, comments and processing instructions are skipped; element names lose their
/// namespace prefix.
pub(crate) fn from_xml(bytes: &[u8]) -> Result<Value, String> {
    let mut reader = Reader::from_reader(bytes);
    let mut open: Vec<Open> = Vec::new();
    let mut document = Map::new();
    let close = |open: &mut Vec<Open>, element: Open, document: &mut Map<String, Value>| {
        let (name, value) = element.into_value();
        match open.last_mut() {
            Some(parent) => parent.add_child(name, value),
            None => {
                document.insert(name, value);
            }
        }
    };
    loop {
        match reader.read_event().map_err(|error| error.to_string())? {
            Event::Start(start) => open.push(Open::new(start.local_name().as_ref())),
            Event::Empty(empty) => {
                let element = Open::new(empty.local_name().as_ref());
                close(&mut open, element, &mut document);
            }
            Event::End(_) => {
                let element = open.pop().ok_or("an end tag closes no element")?;
                close(&mut open, element, &mut document);
            }
            Event::Text(text) => {
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(element) = open.last_mut() {
                    let name = reference.xml10_content();
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(character)) => character.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("the entity `&{name};` is not XML's"))?
                            .to_owned(),
                    };
                    element.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !open.is_empty() {
        return Err("the document ends inside an element".into());
    }
    Ok(Value::Object(document))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_body_is_written_as_the_official_sdk_writes_it() {
        let body = json!({"Tagging": {"TagSet": {"Tag": [
            {"Key": "k1", "Value": "v 1"},
            {"Key": "k2", "Value": "<&>"},
        ]}}});
        assert_eq!(
            to_xml(body.as_object().unwrap()).unwrap(),
            "<Tagging><TagSet><Tag><Key>k1</Key><Value>v 1</Value></Tag><Tag><Key>k2</Key>\
             <Value>&lt;&amp;&gt;</Value></Tag></TagSet></Tagging>"
        );
        let delete = json!({"Delete": {"Quiet": true, "Object": [{"Key": "a.txt"}]}});
        assert_eq!(
            to_xml(delete.as_object().unwrap()).unwrap(),
            "<Delete><Quiet>true</Quiet><Object><Key>a.txt</Key></Object></Delete>"
        );
        // ElementTree (Python 3.11) wrote `<K>a'b"c&amp;&lt;&gt;</K>` for this text.
        let quoted = json!({"Tagging": {"K": "a'b\"c&<>"}});
        assert_eq!(
            to_xml(quoted.as_object().unwrap()).unwrap(),
            "<Tagging><K>a'b\"c&amp;&lt;&gt;</K></Tagging>"
        );
        // ElementTree wrote `\r` raw here; quick-xml writes a reference (see `to_xml`).
        let carriage_return = json!({"Tagging": {"K": "a\rb\nc"}});
        assert_eq!(
            to_xml(carriage_return.as_object().unwrap()).unwrap(),
            "<Tagging><K>a&#13;b\nc</K></Tagging>"
        );
    }

    /// What `escape_xml_value` of `alibabacloud-oss-v2` 1.4.1 wrote for the same keys.
    #[test]
    fn quotes_and_controls_are_escaped_as_the_official_sdk_escapes_keys() {
        let keys = json!({"Delete": {"Object": [
            {"Key": "a&b<c>d.txt"},
            {"Key": "say \"hi\"/it's.txt"},
            {"Key": "line\rbreak\n\ttab.txt"},
            {"Key": "bell\u{1}unit\u{1f}.bin"},
        ]}});
        assert_eq!(
            with_quotes_and_controls_escaped(&to_xml(keys.as_object().unwrap()).unwrap()),
            "<Delete><Object><Key>a&amp;b&lt;c&gt;d.txt</Key></Object><Object><Key>say \
             &quot;hi&quot;/it's.txt</Key></Object><Object><Key>line&#13;break&#10;&#09;tab.txt\
             </Key></Object><Object><Key>bell&#01;unit&#31;.bin</Key></Object></Delete>"
        );
    }

    /// A request struct writes an unset list of structs as `[]` (`crate::unset`), which in XML
    /// is no element at all, as when the list is left out (OSS's `Tagging` without tags).
    #[test]
    fn an_empty_list_writes_no_element() {
        let empty = json!({"Tagging": {"TagSet": {"Tag": []}, "K": 1}});
        let left_out = json!({"Tagging": {"TagSet": {}, "K": 1}});
        assert_eq!(
            to_xml(empty.as_object().unwrap()),
            to_xml(left_out.as_object().unwrap())
        );
        assert_eq!(
            to_xml(empty.as_object().unwrap()).unwrap(),
            "<Tagging><TagSet/><K>1</K></Tagging>"
        );
    }

    /// What `alibabacloud-gateway-oss-util` 0.0.14's `to_xml` wrote for the same fields.
    #[test]
    fn a_body_through_the_oss_gateway_is_written_as_its_element_tree_writes_it() {
        let body = json!({"Job": {
            "Name": "a\r\nb \"q\" 'x' <&>", "Empty": "", "None": [], "Tags": ["中", "😀"],
            "Count": 3, "On": false, "Inner": {},
        }});
        assert_eq!(
            to_oss_gateway_xml(body.as_object().unwrap()).unwrap(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Job><Name>a\r\nb \"q\" 'x' \
             &lt;&amp;&gt;</Name><Empty /><None /><Tags>&#20013;</Tags><Tags>&#128512;</Tags>\
             <Count>3</Count><On>false</On><Inner /></Job>"
        );
        assert_eq!(to_oss_gateway_xml(&Map::new()).unwrap(), "");
        assert!(to_oss_gateway_xml(json!({"List": [1]}).as_object().unwrap()).is_err());
    }

    #[test]
    fn a_body_without_one_root_is_refused() {
        let body = json!({"A": 1, "B": 2});
        assert!(to_xml(body.as_object().unwrap()).is_err());
    }

    #[test]
    fn a_document_reads_as_json_with_repeated_elements_as_lists() {
        let document = br#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">
  <Name>examplebucket</Name>
  <Prefix></Prefix>
  <Contents><Key>a&amp;b.txt</Key><Size>3</Size></Contents>
  <Contents><Key>&#x4e2d;.txt</Key><Size>4</Size></Contents>
  <CommonPrefixes><Prefix><![CDATA[logs/]]></Prefix></CommonPrefixes>
  <IsTruncated>false</IsTruncated>
</ListBucketResult>"#;
        assert_eq!(
            from_xml(document).unwrap(),
            json!({"ListBucketResult": {
                "Name": "examplebucket",
                "Prefix": null,
                "Contents": [{"Key": "a&b.txt", "Size": "3"}, {"Key": "中.txt", "Size": "4"}],
                "CommonPrefixes": {"Prefix": "logs/"},
                "IsTruncated": "false",
            }})
        );
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Listing {
        #[serde(rename = "MaxKeys")]
        max_keys: Option<i32>,
        #[serde(rename = "Contents")]
        contents: Option<Vec<Entry>>,
        #[serde(rename = "Prefix")]
        prefixes: Option<Vec<String>>,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
    }

    #[test]
    fn a_single_element_decodes_as_a_list_of_one() {
        let document = b"<R><MaxKeys>2</MaxKeys><Contents><Key>a</Key></Contents>\
            <Prefix>p/</Prefix></R>";
        let Value::Object(mut root) = from_xml(document).unwrap() else {
            panic!("a document is an object");
        };
        let listing: Listing = crate::de::from_value(root.remove("R").unwrap()).unwrap();
        assert_eq!(
            listing,
            Listing {
                max_keys: Some(2),
                contents: Some(vec![Entry { key: "a".into() }]),
                prefixes: Some(vec!["p/".into()]),
            }
        );
    }

    #[test]
    fn a_broken_document_is_an_error() {
        assert!(from_xml(b"<A><B>x</A>").is_err());
        assert!(from_xml(b"<A><B>x</B>").is_err());
    }
}
