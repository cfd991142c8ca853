//! The one way the app renders a `<textarea>` and the page `<title>`.
//!
//! Leptos 0.8's server renderer writes both without escaping: tachys lists `textarea` with
//! `script` and `style` as elements whose children are not escaped, and leptos_meta pushes the
//! title's text between `<title>` and `</title>` as is. So a stored value holding `</textarea>`
//! or `</title>` ended the element and the rest of it was parsed as markup in everyone's page.
//! Both hold *escapable* raw text: the HTML parser decodes character references there, so the
//! server escapes the value itself. In the browser the value is set as text (a text node,
//! `document.title`) and needs no escaping.

use leptos::prelude::*;

/// A multi-line field holding `value`, safe whatever the value contains.
#[component]
pub fn TextArea(
    id: &'static str,
    name: &'static str,
    rows: u16,
    maxlength: usize,
    value: String,
) -> impl IntoView {
    view! { <textarea id=id name=name rows=rows maxlength=maxlength>{content(value)}</textarea> }
}

/// A multi-line field outside any form's fields, each edit handed to `on_input`; safe whatever
/// `value` contains.
#[component]
pub fn LiveTextArea(
    label: &'static str,
    placeholder: &'static str,
    rows: u16,
    value: String,
    on_input: Callback<String>,
) -> impl IntoView {
    view! {
        <textarea aria-label=label placeholder=placeholder rows=rows
            on:input=move |ev| on_input.run(event_target_value(&ev))>{content(value)}</textarea>
    }
}

/// Sets the page's `<title>`, safe whatever `text` contains (a role's name, say).
#[component]
pub fn Title(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=escaped_on_server(text) /> }
}

/// `text` escaped for the server's HTML, as is in the browser.
fn escaped_on_server(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(&text).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// `value` as the textarea's children: escaped on the server (also a leading newline, which
/// the parser would otherwise drop), as is in the browser.
fn content(value: String) -> String {
    #[cfg(feature = "ssr")]
    {
        let escaped = html_escape::encode_text(&value);
        match escaped.strip_prefix('\n') {
            Some(rest) => format!("&#10;{rest}"),
            None => escaped.into_owned(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        value
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn no_value_can_end_the_element() {
        let html = Owner::new().with(|| {
            view! {
                <TextArea
                    id="n"
                    name="notes"
                    rows=2
                    maxlength=100
                    value="</textarea><b id=\"x\">injected</b><!--\nline".to_owned()
                />
            }
            .to_html()
        });
        assert_eq!(
            html.matches("</textarea>").count(),
            1,
            "the value closed the element: {html}"
        );
        assert!(!html.contains("<b"), "{html}");
        assert!(html.contains("&lt;/textarea&gt;&lt;b id=\"x\"&gt;injected&lt;/b&gt;&lt;!--"));
    }

    /// Pins the framework's behaviour this module works around: when Leptos starts escaping
    /// textarea children, `TextArea`'s own escaping would double it (`&amp;lt;` on screen) —
    /// this fails then, and `content` should hand the value over as is.
    #[test]
    fn leptos_still_leaves_textarea_children_unescaped() {
        let html = Owner::new()
            .with(|| view! { <textarea>{"</textarea>&".to_owned()}</textarea> }.to_html());
        assert_eq!(html, "<textarea></textarea>&</textarea>");
    }

    #[test]
    fn a_leading_newline_survives_the_parser() {
        assert_eq!(content("\nfirst".into()), "&#10;first");
        assert_eq!(content("a & b".into()), "a &amp; b");
    }

    /// Leptos does not escape these elements' children (see the module comment): the app
    /// renders none of them except through this module.
    #[test]
    fn no_page_renders_a_raw_text_element_directly() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("components/raw_text.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for tag in [
                        "<textarea",
                        "<script",
                        "<style",
                        "<noscript",
                        "leptos_meta::Title",
                    ] {
                        if text.contains(tag) {
                            offenders.push(format!("{} uses {tag}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
