//! `{{placeholders}}` in one WordprocessingML part (`word/document.xml`, a header, a footer),
//! found and filled. Word splits typed text into runs wherever formatting, spelling marks or
//! edit history change, so a placeholder is looked for in a paragraph's whole text, and its
//! value goes into the run where it starts (keeping that run's formatting); the rest of its
//! characters leave the runs they were in.
//!
//! The lines of a document repeat: the table row holding a `{{line.…}}` placeholder is written
//! once per line (a paragraph, when it is not in a table), each copy filled from its line.

use std::collections::BTreeMap;

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

/// What fills a part: the document's values, and one set of values per line.
#[derive(Debug, Default)]
pub struct Values {
    pub fields: BTreeMap<&'static str, String>,
    pub lines: Vec<BTreeMap<&'static str, String>>,
}

/// What repeats per line: placeholders named `line.…`.
pub const LINE_PREFIX: &str = "line.";

#[derive(Debug, thiserror::Error)]
#[error("the part is not well-formed XML: {0}")]
pub struct XmlError(String);

impl From<quick_xml::Error> for XmlError {
    fn from(e: quick_xml::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<std::io::Error> for XmlError {
    fn from(e: std::io::Error) -> Self {
        Self(e.to_string())
    }
}

/// An element with what it holds, or any other event as it came.
#[derive(Clone, Debug)]
enum Node {
    Element {
        start: BytesStart<'static>,
        children: Vec<Node>,
    },
    Leaf(Event<'static>),
}

fn parse(xml: &str) -> Result<Vec<Node>, XmlError> {
    let mut reader = Reader::from_str(xml);
    // Everything stays as it was written, whitespace too: `xml:space="preserve"` runs need it.
    reader.config_mut().trim_text(false);
    let mut stack: Vec<(BytesStart<'static>, Vec<Node>)> = Vec::new();
    let mut top = Vec::new();
    loop {
        let event = reader.read_event()?.into_owned();
        let node = match event {
            Event::Eof => break,
            Event::Start(start) => {
                stack.push((start, Vec::new()));
                continue;
            }
            Event::End(_) => {
                let (start, children) = stack
                    .pop()
                    .ok_or_else(|| XmlError("an end tag without its start".into()))?;
                Node::Element { start, children }
            }
            Event::Empty(start) => Node::Element {
                start,
                children: Vec::new(),
            },
            other => Node::Leaf(other),
        };
        match stack.last_mut() {
            Some((_, children)) => children.push(node),
            None => top.push(node),
        }
    }
    if stack.is_empty() {
        Ok(top)
    } else {
        Err(XmlError("an element is not closed".into()))
    }
}

fn write(nodes: &[Node], out: &mut Writer<Vec<u8>>) -> Result<(), XmlError> {
    for node in nodes {
        match node {
            Node::Leaf(event) => out.write_event(event.borrow())?,
            Node::Element { start, children } if children.is_empty() => {
                out.write_event(Event::Empty(start.borrow()))?;
            }
            Node::Element { start, children } => {
                out.write_event(Event::Start(start.borrow()))?;
                write(children, out)?;
                out.write_event(Event::End(BytesEnd::new(name(start))))?;
            }
        }
    }
    Ok(())
}

fn name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.name().as_ref()).into_owned()
}

fn is(node: &Node, tag: &str) -> bool {
    matches!(node, Node::Element { start, .. } if start.name().as_ref() == tag.as_bytes())
}

/// The text a `w:t` holds, its entities resolved.
fn text_of(t: &Node) -> String {
    let Node::Element { children, .. } = t else {
        return String::new();
    };
    let mut raw = String::new();
    for child in children {
        match child {
            Node::Leaf(Event::Text(text)) => raw.push_str(&String::from_utf8_lossy(text)),
            Node::Leaf(Event::GeneralRef(r)) => {
                raw.push('&');
                raw.push_str(&String::from_utf8_lossy(r));
                raw.push(';');
            }
            _ => {}
        }
    }
    quick_xml::escape::unescape(&raw).map_or(raw.clone(), |s| s.into_owned())
}

/// Sets a `w:t`'s text, keeping its spaces (Word drops leading and trailing ones otherwise).
fn set_text(t: &mut Node, text: &str) {
    let Node::Element { start, children } = t else {
        return;
    };
    let kept: Vec<(String, String)> = start
        .attributes()
        .flatten()
        .filter(|a| a.key.as_ref() != b"xml:space")
        .map(|a| {
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                String::from_utf8_lossy(&a.value).into_owned(),
            )
        })
        .collect();
    start.clear_attributes();
    for (key, value) in &kept {
        start.push_attribute((key.as_str(), value.as_str()));
    }
    start.push_attribute(("xml:space", "preserve"));
    *children = vec![Node::Leaf(Event::Text(BytesText::new(text).into_owned()))];
}

/// The `w:t` elements of one paragraph, in order; a paragraph nested in it (a text box) is
/// its own and is left out.
fn texts_mut<'a>(nodes: &'a mut [Node], out: &mut Vec<&'a mut Node>) {
    for node in nodes {
        if is(node, "w:t") {
            out.push(node);
        } else if is(node, "w:p") {
            continue;
        } else if let Node::Element { children, .. } = node {
            texts_mut(children, out);
        }
    }
}

fn all_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        if is(node, "w:t") {
            out.push_str(&text_of(node));
        } else if let Node::Element { children, .. } = node {
            all_text(children, out);
        }
    }
}

/// A placeholder found in a text: where it starts and ends (bytes) and the name inside.
struct Found {
    start: usize,
    end: usize,
    name: String,
}

/// `{{ name }}` with letters, digits, `_` and `.` in the name; anything else between braces is
/// text, left as it is.
fn find(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            break;
        };
        let inner = text[open + 2..close].trim();
        let valid = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if valid {
            found.push(Found {
                start: open,
                end: close + 2,
                name: inner.to_owned(),
            });
            from = close + 2;
        } else {
            from = open + 2;
        }
    }
    found
}

/// Every placeholder name in a part, in order of appearance, each once.
pub fn placeholders(xml: &str) -> Result<Vec<String>, XmlError> {
    let nodes = parse(xml)?;
    let mut names = Vec::new();
    collect(&nodes, &mut names);
    Ok(names)
}

fn collect(nodes: &[Node], names: &mut Vec<String>) {
    for node in nodes {
        if is(node, "w:p") {
            let Node::Element { children, .. } = node else {
                continue;
            };
            let mut text = String::new();
            paragraph_text(children, &mut text);
            for f in find(&text) {
                if !names.contains(&f.name) {
                    names.push(f.name);
                }
            }
        }
        if let Node::Element { children, .. } = node {
            collect(children, names);
        }
    }
}

fn paragraph_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        if is(node, "w:t") {
            out.push_str(&text_of(node));
        } else if is(node, "w:p") {
            continue;
        } else if let Node::Element { children, .. } = node {
            paragraph_text(children, out);
        }
    }
}

/// The part with its placeholders filled. A name `values` does not know stays as written.
pub fn fill(xml: &str, values: &Values) -> Result<String, XmlError> {
    let mut nodes = parse(xml)?;
    let no_line = BTreeMap::new();
    fill_nodes(&mut nodes, values, &no_line, false);
    let mut out = Writer::new(Vec::new());
    write(&nodes, &mut out)?;
    String::from_utf8(out.into_inner()).map_err(|e| XmlError(e.to_string()))
}

fn names_a_line(node: &Node) -> bool {
    let Node::Element { children, .. } = node else {
        return false;
    };
    let mut text = String::new();
    all_text(children, &mut text);
    find(&text).iter().any(|f| f.name.starts_with(LINE_PREFIX))
}

fn fill_nodes(
    nodes: &mut Vec<Node>,
    values: &Values,
    line: &BTreeMap<&'static str, String>,
    in_line: bool,
) {
    let mut out = Vec::with_capacity(nodes.len());
    for mut node in std::mem::take(nodes) {
        // A row naming a line repeats whole; a paragraph does only outside such a row (inside
        // one, `in_line` is already set).
        let repeats = !in_line && (is(&node, "w:tr") || is(&node, "w:p")) && names_a_line(&node);
        if repeats {
            for each in &values.lines {
                let mut copy = vec![node.clone()];
                fill_nodes(&mut copy, values, each, true);
                out.extend(copy);
            }
            continue;
        }
        if is(&node, "w:p") {
            if let Node::Element { children, .. } = &mut node {
                fill_paragraph(children, values, line);
            }
        }
        if let Node::Element { children, .. } = &mut node {
            fill_nodes(children, values, line, in_line);
        }
        out.push(node);
    }
    *nodes = out;
}

fn fill_paragraph(children: &mut [Node], values: &Values, line: &BTreeMap<&'static str, String>) {
    let mut texts = Vec::new();
    texts_mut(children, &mut texts);
    let pieces: Vec<String> = texts.iter().map(|t| text_of(t)).collect();
    let joined = pieces.concat();
    let found: Vec<(Found, String)> = find(&joined)
        .into_iter()
        .filter_map(|f| {
            let value = line
                .get(f.name.as_str())
                .or_else(|| values.fields.get(f.name.as_str()))?
                .clone();
            Some((f, value))
        })
        .collect();
    if found.is_empty() {
        return;
    }
    let mut offset = 0;
    for (t, piece) in texts.into_iter().zip(&pieces) {
        let (from, to) = (offset, offset + piece.len());
        offset = to;
        let mut text = String::new();
        let mut at = from;
        for (f, value) in &found {
            if f.end <= from || f.start >= to {
                continue;
            }
            if f.start > at {
                text.push_str(&joined[at..f.start]);
            }
            if f.start >= from {
                text.push_str(value);
            }
            at = f.end.min(to).max(at);
        }
        if at < to {
            text.push_str(&joined[at..to]);
        }
        if text != *piece {
            set_text(t, &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
    const END: &str = "</w:body></w:document>";

    fn values() -> Values {
        let mut v = Values::default();
        v.fields.insert("customer.name", "Acme & <Sons>".into());
        v.fields.insert("quote.number", "Q-1001".into());
        for (product, total) in [("Widget", "10.00"), ("Gadget", "20.00")] {
            let mut line = BTreeMap::new();
            line.insert("line.product", product.to_owned());
            line.insert("line.total", total.to_owned());
            v.lines.push(line);
        }
        v
    }

    fn texts(xml: &str) -> Vec<String> {
        let nodes = parse(xml).unwrap();
        let mut out = Vec::new();
        paragraphs(&nodes, &mut out);
        out
    }

    fn paragraphs(nodes: &[Node], out: &mut Vec<String>) {
        for node in nodes {
            if let Node::Element { children, .. } = node {
                if is(node, "w:p") {
                    let mut text = String::new();
                    paragraph_text(children, &mut text);
                    out.push(text);
                }
                paragraphs(children, out);
            }
        }
    }

    #[test]
    fn a_placeholder_split_across_runs_is_filled_in_the_run_it_starts_in() {
        let xml = format!(
            "{DOC}<w:p><w:r><w:t>For {{</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{{customer.</w:t></w:r>\
             <w:r><w:t>name}}}}, thanks</w:t></w:r></w:p>{END}"
        );
        let filled = fill(&xml, &values()).unwrap();
        assert_eq!(texts(&filled), ["For Acme & <Sons>, thanks"]);
        assert!(
            filled.contains("Acme &amp; &lt;Sons&gt;"),
            "values are escaped: {filled}"
        );
        assert!(filled.contains("<w:b/>"), "formatting is kept");
    }

    #[test]
    fn a_table_row_naming_a_line_repeats_per_line() {
        let xml = format!(
            "{DOC}<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Product</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:tc><w:p><w:r><w:t>{{{{line.product}}}}</w:t></w:r></w:p></w:tc>\
             <w:tc><w:p><w:r><w:t>{{{{ line.total }}}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:r><w:t>Quote {{{{quote.number}}}}</w:t></w:r></w:p>{END}"
        );
        let filled = fill(&xml, &values()).unwrap();
        assert_eq!(
            texts(&filled),
            [
                "Product",
                "Widget",
                "10.00",
                "Gadget",
                "20.00",
                "Quote Q-1001"
            ]
        );
    }

    #[test]
    fn a_paragraph_naming_a_line_repeats_and_vanishes_without_lines() {
        let xml = format!("{DOC}<w:p><w:r><w:t>- {{{{line.product}}}}</w:t></w:r></w:p>{END}");
        assert_eq!(
            texts(&fill(&xml, &values()).unwrap()),
            ["- Widget", "- Gadget"]
        );
        let none = Values::default();
        assert!(texts(&fill(&xml, &none).unwrap()).is_empty());
    }

    #[test]
    fn unknown_names_and_stray_braces_stay_as_written() {
        let xml = format!(
            "{DOC}<w:p><w:r><w:t xml:space=\"preserve\">{{{{nope}}}} {{{{not a name}}}} {{{{</w:t></w:r></w:p>{END}"
        );
        let filled = fill(&xml, &values()).unwrap();
        assert_eq!(texts(&filled), ["{{nope}} {{not a name}} {{"]);
    }

    #[test]
    fn placeholders_are_listed_once_each_in_order() {
        let xml = format!(
            "{DOC}<w:p><w:r><w:t>{{{{quote.number}}}} {{{{customer.</w:t></w:r><w:r><w:t>name}}}}</w:t></w:r></w:p>\
             <w:p><w:r><w:t>{{{{quote.number}}}}</w:t></w:r></w:p>{END}"
        );
        assert_eq!(
            placeholders(&xml).unwrap(),
            ["quote.number", "customer.name"]
        );
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(fill("<w:document><w:body>", &values()).is_err());
        assert!(placeholders("<a></b>").is_err());
    }
}
