//! Stored markup: a hostile string goes into every free-text field of every form and record
//! type, and every page that shows those records is parsed by a real HTML parser (html5ever,
//! through `scraper`) — the string must come back as text or an attribute value, never as
//! markup. The browser journey `markup.spec.ts` checks the same after hydration.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use super::support::{api, cookie_client, TestServer};

#[path = "markup/api_keys.rs"]
mod api_keys;
#[path = "markup/automations.rs"]
mod automations;
#[path = "markup/customer_parts.rs"]
mod customer_parts;
#[path = "markup/exempt.rs"]
mod exempt;
use exempt::NO_FREE_TEXT;
#[path = "markup/library.rs"]
mod library;
#[path = "markup/licences.rs"]
mod licences;
#[path = "markup/money.rs"]
mod money;
#[path = "markup/privacy.rs"]
mod privacy;
#[path = "markup/tickets.rs"]
mod tickets;
#[path = "markup/webhooks.rs"]
mod webhooks;

/// Ends raw-text elements, breaks out of an attribute, opens an element and a comment.
pub(super) const HOSTILE: &str = r#"</textarea></title>"><b id=x>hi</b><!--"#;

/// Endpoints that store text people type and their free-text fields; a new record type's
/// create and update join here (`every_writing_endpoint_is_swept`).
const SWEPT: &[(&str, &[&str])] = &[
    ("/api/accounts/sign_up", &["name", "workspace_name"]),
    (
        "/api/customers/create",
        &["name", "company", "tax_id", "notes"],
    ),
    (
        "/api/customers/update",
        &["name", "company", "tax_id", "notes"],
    ),
    (
        "/api/customers/add_contact",
        &["contact_name", "contact_role"],
    ),
    ("/api/customers/add_address", &["street", "city"]),
    ("/api/customers/set_tags", &["tags"]),
    ("/api/customers/bulk_tag", &["tag"]),
    ("/api/products/create", &["sku", "name", "description"]),
    ("/api/products/update", &["sku", "name", "description"]),
    ("/api/quotes/create", &["title", "notes"]),
    ("/api/quotes/update", &["title", "notes"]),
    ("/api/orders/create", &["notes"]),
    ("/api/orders/update", &["notes"]),
    ("/api/payments/take", &["reference"]),
    ("/api/payments/refund", &["reason"]),
    ("/api/approvals/reject", &["comment"]),
    ("/api/approvals/approve", &["comment"]),
    ("/api/licences/create", &["notes"]),
    ("/api/licences/update", &["notes"]),
    ("/api/licences/suspend", &["reason"]),
    ("/api/library/create", &["title", "description", "tags"]),
    ("/api/library/update", &["title", "description", "tags"]),
    ("/api/tickets/create", &["subject", "message"]),
    ("/api/tickets/update", &["subject"]),
    ("/api/tickets/add_message", &["body"]),
    ("/api/teams/create_team", &["name"]),
    ("/api/teams/create_department", &["name"]),
    ("/api/roles/create", &["name", "description"]),
    ("/api/roles/update", &["name", "description"]),
    ("/api/settings/add_ip_rule", &["note"]),
    ("/api/registers/report_incident", &["title", "note"]),
    ("/api/registers/note_incident", &["note"]),
    ("/api/reviews/start", &["name"]),
    ("/api/api_keys/create", &["name"]),
    ("/api/api_keys/create_public", &["name"]),
    ("/api/webhooks/create", &["description"]),
    ("/api/webhooks/update", &["description"]),
    ("/api/automations/save", &["name", "conditions"]),
    ("/api/privacy/submit", &["name", "details"]),
    ("/api/privacy/note", &["body"]),
    ("/api/privacy/advance", &["note"]),
];

fn writes(path: &str) -> bool {
    let action = path.rsplit('/').next().unwrap_or_default();
    [
        "create",
        "update",
        "add_",
        "set_",
        "clear_",
        "invite",
        "sign_up",
        "accept_",
        "reset_",
        "change_",
        "take",
        "refund",
        "approve",
        "reject",
        "renew",
        "suspend",
        "reinstate",
        "bulk_",
    ]
    .iter()
    .any(|verb| action.starts_with(verb))
}

#[test]
fn every_writing_endpoint_is_swept() {
    let unswept: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| writes(path))
        .filter(|path| {
            !SWEPT.iter().any(|(p, _)| p == path)
                && !NO_FREE_TEXT.iter().any(|(p, _)| p == path)
                && !path.contains("remove_")
        })
        .collect();
    assert!(
        unswept.is_empty(),
        "sweep these endpoints' text fields with the hostile string, or say why not: {unswept:?}"
    );
}

/// Fails when `html` holds markup the hostile string made; returns how many text nodes and
/// attribute values carry the string intact.
fn intact_copies(html: &str, page: &str) -> usize {
    let doc = Html::parse_document(html);
    for injected in ["#x", "b[id]"] {
        let found = doc.select(&Selector::parse(injected).unwrap()).count();
        assert_eq!(found, 0, "{page}: the string became markup ({injected})");
    }
    assert!(
        !doc.tree.values().any(|node| node
            .as_comment()
            .is_some_and(|c| c.contains("</body>") || c.contains("hi</b>"))),
        "{page}: the string opened a comment"
    );
    let texts = doc
        .tree
        .values()
        .filter_map(|node| node.as_text())
        .filter(|t| t.contains(HOSTILE))
        .count();
    let attributes = doc
        .tree
        .values()
        .filter_map(|node| node.as_element())
        .flat_map(|e| e.attrs().map(|(_, v)| v.to_owned()).collect::<Vec<_>>())
        .filter(|v| v.contains(HOSTILE))
        .count();
    texts + attributes
}

async fn page(c: &reqwest::Client, s: &TestServer, path: &str) -> String {
    let res = c.get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// A product whose SKU, name and description are the hostile string, created and saved again.
async fn plant_in_a_product(c: &reqwest::Client, s: &TestServer, label: &str) -> String {
    let product = [
        ("sku", HOSTILE),
        ("name", HOSTILE),
        ("description", HOSTILE),
        ("unit_price", "1"),
        ("currency", ""),
        ("stock", ""),
        ("active", "on"),
    ];
    let created: serde_json::Value = api(c, s, "/api/products/create")
        .await
        .form(&product)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["sku"], HOSTILE, "{label}: products/create");
    let id = created["id"].as_str().expect("a product").to_owned();
    let mut update = vec![("id", id.as_str()), ("version", "1")];
    update.extend(product);
    let res = api(c, s, "/api/products/update")
        .await
        .form(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: products/update");
    id
}

/// A quote (title and notes) and an order (notes) carrying the hostile string, each with a line
/// of the hostile product, created and saved again. Returns the quote and the order.
async fn plant_in_documents(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    customer: &str,
    product: &str,
) -> (String, String) {
    let mut ids = Vec::new();
    for (kind, text) in [
        ("quotes", vec![("title", HOSTILE), ("valid_until", "")]),
        ("orders", vec![]),
    ] {
        let mut fields = vec![
            ("customer_id", customer),
            ("notes", HOSTILE),
            ("assigned_user_id", ""),
            ("team_id", ""),
        ];
        fields.extend(text);
        let res = api(c, s, &format!("/api/{kind}/create"))
            .await
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {kind}/create");
        let created: serde_json::Value = res.json().await.unwrap();
        let record = if kind == "quotes" { "quote" } else { "order" };
        let id = created[record]["id"].as_str().unwrap().to_owned();
        let mut update = vec![("id", id.as_str()), ("version", "1")];
        update.extend(fields);
        let res = api(c, s, &format!("/api/{kind}/update"))
            .await
            .form(&update)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {kind}/update");
        let line = [
            ("id", id.as_str()),
            ("version", "2"),
            ("product_id", product),
            ("quantity", "1"),
            ("discount", ""),
        ];
        let res = api(c, s, &format!("/api/{kind}/add_line"))
            .await
            .form(&line)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {kind}/add_line");
        ids.push(id);
    }
    let (quote, order) = (ids.remove(0), ids.remove(0));
    money::pay_with_hostile_text(c, s, label, &order).await;
    money::plant_in_approvals(c, s, label, &order).await;
    (quote, order)
}

/// The records the sweep made, whose pages it reads.
struct Planted {
    customer: String,
    role: String,
    product: String,
    quote: String,
    order: String,
    licence: String,
    ticket: String,
    document: String,
    review: String,
}

/// Signs up and writes the hostile string into every free-text field of every form.
async fn plant_everywhere(c: &reqwest::Client, s: &TestServer, label: &str) -> Planted {
    let res = api(c, s, "/api/accounts/sign_up")
        .await
        .form(&[
            ("name", HOSTILE),
            ("email", "ada@example.com"),
            ("password", "quiet lantern orbit mango"),
            ("workspace_name", HOSTILE),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: sign-up");

    let fields = [
        ("name", HOSTILE),
        ("email", "buyer@example.com"),
        ("phone", ""),
        ("company", HOSTILE),
        ("tax_id", HOSTILE),
        ("notes", HOSTILE),
        ("assigned_user_id", ""),
        ("team_id", ""),
    ];
    let created: serde_json::Value = api(c, s, "/api/customers/create")
        .await
        .form(&fields)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = created["id"].as_str().expect("a customer").to_owned();
    let mut update = vec![("id", customer.as_str()), ("version", "1")];
    update.extend(fields);
    let res = api(c, s, "/api/customers/update")
        .await
        .form(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: customers/update");
    customer_parts::plant_in_customer_parts(c, s, label, &customer).await;
    let product = plant_in_a_product(c, s, label).await;
    let (quote, order) = plant_in_documents(c, s, label, &customer, &product).await;
    let licence = licences::plant_in_a_licence(c, s, label, &customer, &product).await;
    let ticket = tickets::plant_in_a_ticket(c, s, label, &customer).await;
    let document = library::plant_in_a_document(c, s, label).await;
    for (path, form) in [
        ("/api/teams/create_team", vec![("name", HOSTILE)]),
        ("/api/teams/create_department", vec![("name", HOSTILE)]),
        (
            "/api/settings/add_ip_rule",
            vec![
                ("kind", "deny"),
                ("cidr", "203.0.113.0/24"),
                ("user_id", ""),
                ("note", HOSTILE),
            ],
        ),
        (
            "/api/registers/report_incident",
            vec![
                ("title", HOSTILE),
                ("severity", "low"),
                ("detected_at", ""),
                ("note", HOSTILE),
            ],
        ),
    ] {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
    }
    let registers: serde_json::Value = api(c, s, "/api/registers/overview")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let incident = registers["incidents"][0]["id"].as_str().unwrap().to_owned();
    let res = api(c, s, "/api/registers/note_incident")
        .await
        .form(&[("id", incident.as_str()), ("note", HOSTILE)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{label}: registers/note_incident"
    );
    let res = api(c, s, "/api/reviews/start")
        .await
        .form(&[("name", HOSTILE)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: reviews/start");
    let reviews: serde_json::Value = api(c, s, "/api/reviews/list")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let review = reviews["reviews"][0]["id"].as_str().unwrap().to_owned();
    let role: String = api(c, s, "/api/roles/create")
        .await
        .json(&serde_json::json!({"role": {
            "name": HOSTILE, "description": HOSTILE, "permissions": ["customers.read"]
        }}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = api(c, s, "/api/roles/update")
        .await
        .json(&serde_json::json!({"id": role, "role": {
            "name": HOSTILE, "description": HOSTILE, "permissions": ["customers.read", "team.read"]
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: roles/update");
    Planted {
        customer,
        role,
        product,
        quote,
        order,
        licence,
        ticket,
        document,
        review,
    }
}

/// The list pages, each of which shows the planted records.
const LISTS: &[&str] = &[
    "/customers",
    "/products",
    "/quotes",
    "/orders",
    "/approvals",
    "/licences",
    "/tickets",
    "/documents",
    "/reports",
    "/team/groups",
    "/settings",
    "/roles",
    "/audit",
];

/// Every page that shows the records shows the string intact, as text.
async fn every_page_shows_it_as_text(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    p: &Planted,
) {
    let customer_page = format!("/customers/{}", p.customer);
    let product_page = format!("/products/{}", p.product);
    let role_page = format!("/roles/{}", p.role);
    let quote_page = format!("/quotes/{}", p.quote);
    let order_page = format!("/orders/{}", p.order);
    let licence_page = format!("/licences/{}", p.licence);
    let ticket_page = format!("/tickets/{}", p.ticket);
    let document_page = format!("/documents/{}", p.document);
    let review_page = format!("/team/reviews/{}", p.review);
    let pages = [
        "/",
        "/workspaces",
        "/customers",
        customer_page.as_str(),
        "/products",
        product_page.as_str(),
        "/quotes",
        quote_page.as_str(),
        "/orders",
        order_page.as_str(),
        "/approvals",
        "/licences",
        licence_page.as_str(),
        "/tickets",
        ticket_page.as_str(),
        "/documents",
        document_page.as_str(),
        "/reports",
        "/team",
        "/team/groups",
        "/team/reviews",
        review_page.as_str(),
        "/roles",
        role_page.as_str(),
        "/settings",
        "/audit",
        "/audit/sensitive",
        "/audit/alerts",
        "/audit/backups",
        "/audit/registers",
        "/account",
    ];
    let mut shown = Vec::new();
    for path in pages {
        let html = page(c, s, path).await;
        shown.push((path, intact_copies(&html, &format!("{label} {path}"))));
    }
    // Exactly the string: the title and textarea are where Gatehouse escapes, not Leptos.
    let text_of = |html: &str, selector: &str| {
        Html::parse_document(html)
            .select(&Selector::parse(selector).unwrap())
            .next()
            .map(|e| e.text().collect::<String>())
    };
    let html = page(c, s, &role_page).await;
    assert_eq!(
        text_of(&html, "title").as_deref(),
        Some(format!("Role: {HOSTILE} · Gatehouse").as_str()),
        "{label}"
    );
    let html = page(c, s, &customer_page).await;
    assert_eq!(
        text_of(&html, "textarea[name=notes]").as_deref(),
        Some(HOSTILE),
        "{label}"
    );
    // The record pages show every field they were given, intact.
    let count = |path: &str| shown.iter().find(|(p, _)| *p == path).unwrap().1;
    // Name, company, tax id and notes; the contact's name and role, the address's street and
    // city, and the tag (shown and in the tags form).
    assert!(count(&customer_page) >= 10, "{label}: {shown:?}");
    assert!(count(&product_page) >= 3, "{label}: {shown:?}");
    let html = page(c, s, &product_page).await;
    assert_eq!(
        text_of(&html, "textarea[name=description]").as_deref(),
        Some(HOSTILE),
        "{label}"
    );
    assert!(count(&role_page) >= 2, "{label}: {shown:?}");
    // The review's name in its heading, and the person under review (the signed-up name).
    assert!(count(&review_page) >= 2, "{label}: {shown:?}");
    assert!(count("/team/reviews") >= 1, "{label}: {shown:?}");
    // Title and notes (shown and edited), the customer, the line's product (order: reference).
    assert!(count(&quote_page) >= 4, "{label}: {shown:?}");
    assert!(count(&order_page) >= 4, "{label}: {shown:?}");
    // Product, customer, notes (shown and in the edit form) and the suspension's reason.
    assert!(count(&licence_page) >= 5, "{label}: {shown:?}");
    // Subject (heading and edit field), customer, and the three messages of the thread.
    assert!(count(&ticket_page) >= 6, "{label}: {shown:?}");
    // Title (heading and edit field), description and tag (shown and in the edit form).
    assert!(count(&document_page) >= 5, "{label}: {shown:?}");
    for path in LISTS {
        assert!(
            count(path) >= 1,
            "{label}: {path} lost the string: {shown:?}"
        );
    }
}

#[tokio::test]
async fn a_hostile_string_in_every_text_field_stays_text_on_every_page() {
    for db in app::server::platform::testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let c = cookie_client();
        let planted = plant_everywhere(&c, &s, label).await;
        every_page_shows_it_as_text(&c, &s, label, &planted).await;
        privacy::plant_and_read(&c, &s, label).await;
        api_keys::plant_and_read(&c, &s, label).await;
        webhooks::plant_and_read(&c, &s, label).await;
        automations::plant_and_read(&c, &s, label).await;
        s.stop().await.unwrap();
    }
}
