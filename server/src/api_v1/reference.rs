//! `GET /api/v1/reference`: the API's reference page, written from its OpenAPI document, so the
//! page says exactly what the contract says. Plain server-rendered HTML under the app's
//! headers and CSP; the problem types' `type` addresses point at its anchors.

use serde_json::Value;

use super::problem::KINDS;

fn esc(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// A description: escaped, with its `code` spans (Markdown's backticks) set as code.
fn prose(text: &str) -> String {
    esc(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{part}</code>"),
            _ => part.to_owned(),
        })
        .collect()
}

/// The page for `doc` (the document as JSON).
pub fn page(doc: &Value) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let mut out = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} reference</title><link rel=\"stylesheet\" href=\"/pkg/gatehouse.css\"></head>\
         <body><main class=\"content reference\"><h1>{} reference</h1><p class=\"lead\">{}</p>\
         <p>The document itself: <a href=\"{}\"><code>{}</code></a> (OpenAPI {}).</p>",
        esc(title),
        esc(title),
        prose(doc["info"]["description"].as_str().unwrap_or_default()),
        super::DOCUMENT_PATH,
        super::DOCUMENT_PATH,
        esc(doc["openapi"].as_str().unwrap_or_default()),
    );
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            out += &operation(path, method, op);
        }
    }
    out += "<section class=\"card\"><h2 id=\"problems\">Problems</h2><p>Every error is \
            <code>application/problem+json</code> (RFC 9457): <code>type</code>, \
            <code>title</code>, <code>status</code>, <code>detail</code>, and for bad input \
            <code>field</code>.</p><dl>";
    for (anchor, title, meaning) in KINDS {
        out += &format!(
            "<dt id=\"problems-{anchor}\">{}</dt><dd>{}</dd>",
            esc(title),
            prose(meaning)
        );
    }
    out + "</dl></section></main></body></html>"
}

fn operation(path: &str, method: &str, op: &Value) -> String {
    let mut out = format!(
        "<section class=\"card\" id=\"{}\"><h2><code>{} {}</code></h2><p>{}</p>",
        esc(op["operationId"].as_str().unwrap_or_default()),
        esc(&method.to_uppercase()),
        esc(path),
        prose(op["summary"].as_str().unwrap_or_default()),
    );
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    if !params.is_empty() {
        out += "<h3>Parameters</h3><div class=\"table-wrap\"><table><thead><tr><th>Name</th>\
                <th>In</th><th>Schema</th><th>Meaning</th></tr></thead><tbody>";
        for p in params {
            out += &format!(
                "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or_default()),
                esc(p["in"].as_str().unwrap_or_default()),
                esc(&p["schema"].to_string()),
                prose(p["description"].as_str().unwrap_or_default()),
            );
        }
        out += "</tbody></table></div>";
    }
    out += "<h3>Answers</h3><dl>";
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        out += &format!(
            "<dt><code>{}</code></dt><dd>{}</dd>",
            esc(status),
            prose(response["description"].as_str().unwrap_or_default())
        );
    }
    out + "</dl></section>"
}

#[cfg(test)]
mod tests {
    use super::prose;

    #[test]
    fn code_spans_become_code_and_markup_stays_text() {
        assert_eq!(
            prose("Pass `after` <b>"),
            "Pass <code>after</code> &lt;b&gt;"
        );
    }
}
