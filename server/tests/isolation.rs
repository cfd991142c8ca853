//! The isolation matrix: every registered server function, called by strangers — no session, and
//! each base role of another workspace — with the ids of a victim workspace's records. None may
//! change a row of the victim workspace or show any of its data; the test enumerates the
//! registered functions, so a new one without an entry here fails it.

use std::collections::BTreeSet;

use reqwest::StatusCode;

use app::permissions::keys::{CustomersRead, CustomersWrite, TeamRead, TeamWrite};
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::testing::{self, Fixture};

mod support;
use support::{api, TestServer};

#[path = "isolation/api_routes.rs"]
mod api_routes;
#[path = "isolation/matrix.rs"]
mod matrix;
#[path = "isolation/own_exports.rs"]
mod own_exports;
use matrix::*;
#[path = "isolation/record_matrix.rs"]
mod record_matrix;
use record_matrix::RECORD_MATRIX;
#[path = "isolation/strangers.rs"]
mod strangers;
use strangers::strangers;
#[path = "isolation/trail.rs"]
mod trail;
use trail::refusals_stay_home;
#[path = "isolation/victim_settings.rs"]
mod victim_settings;
use victim_settings::victim_settings;
#[path = "isolation/victims.rs"]
mod victims;
use app::server::files::attachments::{OnCustomer, OnDocument, OnPayment, OnTicket};
use victims::{
    victim_documents, victim_export, victim_file, victim_import, victim_library_document,
    victim_parts, victim_product, victim_template, VictimDocuments,
};

struct Victim {
    customer: String,
    contact: String,
    address: String,
    product: String,
    documents: VictimDocuments,
    file: String,
    ticket_file: String,
    payment_file: String,
    library_document: String,
    document_file: String,
    template: String,
    import: String,
    export: String,
    member: String,
    invitation: String,
    ip_rule: String,
    incident: String,
    review: String,
    api_key: String,
    public_key: String,
    integrations: victim_settings::Integrations,
    privacy_request: String,
    slug: String,
    role: String,
    team: String,
    department: String,
    workspace: String,
    members: Vec<String>,
}

async fn victim(db: &Db) -> Victim {
    use app::server::{
        records::customers, workspace::departments, workspace::invitations, workspace::teams,
    };
    let clock = Clock::System;
    let f = Fixture::new(db, &clock).await;
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let team_write = f.grant::<TeamWrite>().await;
    let team = teams::create(db, &clock, &team_write, "A Team Secret")
        .await
        .unwrap();
    teams::add_member(db, &clock, &team_write, &team, &grace)
        .await
        .unwrap();
    let department = departments::create(db, &clock, &team_write, "A Dept Secret")
        .await
        .unwrap();
    departments::set_for_member(db, &clock, &team_write, &grace, Some(&department))
        .await
        .unwrap();
    let customer = customers::create(
        db,
        &clock,
        &f.grant::<CustomersWrite>().await,
        &customers::CustomerForm {
            name: "Secret Customer A".into(),
            tax_id: "A-TAX-SECRET".into(),
            assigned_user_id: grace.as_str().into(),
            team_id: team.as_str().into(),
            ..customers::CustomerForm::default()
        },
    )
    .await
    .unwrap();
    // The victim's own log of who saw the tax id: nothing a stranger may list.
    customers::get(db, &f.grant::<CustomersRead>().await, &customer.id)
        .await
        .unwrap();
    let (contact, address) = victim_parts(db, &f, customer.id.as_str()).await;
    let product = victim_product(db, &f).await;
    let documents = victim_documents(db, &f, customer.id.as_str(), &product).await;
    let file = victim_file::<OnCustomer>(db, &f, customer.id.as_str()).await;
    let ticket_file = victim_file::<OnTicket>(db, &f, &documents.ticket).await;
    let payment_file = victim_file::<OnPayment>(db, &f, &documents.payment).await;
    let library_document = victim_library_document(db, &f, grace.as_str(), team.as_str()).await;
    let document_file = victim_file::<OnDocument>(db, &f, &library_document).await;
    let template = victim_template(db, &f).await;
    let import = victim_import(db, &f).await;
    let export = victim_export(db, &f).await;
    invitations::invite(
        db,
        &clock,
        &team_write,
        true,
        invitations::Invite {
            email: "pending-a@example.com".into(),
            role_id: f.role("Guest").await.as_str().into(),
        },
    )
    .await
    .unwrap();
    let invitation = invitations::list_pending(db, &clock, &f.grant::<TeamRead>().await)
        .await
        .unwrap()[0]
        .id
        .as_str()
        .to_owned();
    let settings = victim_settings(db, &f).await;
    Victim {
        customer: customer.id.as_str().into(),
        contact,
        address,
        product,
        documents,
        file,
        ticket_file,
        payment_file,
        library_document,
        document_file,
        template,
        import,
        export,
        member: grace.as_str().into(),
        invitation,
        ip_rule: settings.ip_rule,
        incident: settings.incident,
        review: settings.review,
        api_key: settings.api_key,
        public_key: settings.public_key,
        integrations: settings.integrations,
        privacy_request: settings.privacy_request,
        slug: settings.slug,
        role: settings.staff.as_str().into(),
        team: team.as_str().into(),
        department: department.as_str().into(),
        workspace: f.workspace.as_str().into(),
        members: vec![f.owner.as_str().into(), grace.as_str().into()],
    }
}

/// Every row of the victim workspace (and its people's accounts), as text, in a stable order.
async fn snapshot(t: &testing::TestDb, v: &Victim) -> Vec<String> {
    let ws = &v.workspace;
    let people = v
        .members
        .iter()
        .map(|m| format!("'{m}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut queries = vec![format!("SELECT * FROM workspaces WHERE id = '{ws}'")];
    for table in [
        "memberships",
        "roles",
        "role_assignments",
        "role_permissions",
        "role_scopes",
        "invitations",
        "workspace_settings",
        "ip_rules",
        "login_hours",
        "teams",
        "team_members",
        "departments",
        "audit_log",
        "audit_settings",
        "audit_purges",
        "sod_rules",
        "quote_lines",
        "ticket_messages",
        "customer_contacts",
        "customer_addresses",
        "customer_tags",
        "order_lines",
        "refunds",
        "approval_requests",
        "files",
        "file_downloads",
        "imports",
        "import_problems",
        "data_exports",
        "sensitive_reads",
        "alerts",
        "alert_settings",
        "alert_reads",
        "sign_in_origins",
        "incidents",
        "incident_notes",
        "access_reviews",
        "access_review_items",
        "access_review_reviewers",
        "retention_policies",
        "privacy_requests",
        "privacy_request_steps",
        "privacy_settings",
        "workspace_closures",
    ]
    .into_iter()
    .chain(victim_settings::INTEGRATION_TABLES.iter().copied())
    .chain(app::server::records::kinds::KINDS.iter().map(|k| k.table))
    {
        queries.push(format!("SELECT * FROM {table} WHERE workspace_id = '{ws}'"));
    }
    for table in [
        "sessions",
        "totp_factors",
        "recovery_codes",
        "email_factors",
        "email_codes",
        "password_history",
    ] {
        queries.push(format!("SELECT * FROM {table} WHERE user_id IN ({people})"));
    }
    queries.push(format!("SELECT * FROM users WHERE id IN ({people})"));
    let mut out = Vec::new();
    for sql in queries {
        let lines = t.rows_as_text(&sql).await;
        out.push(format!("{sql}: {} rows", lines.len()));
        out.extend(lines);
    }
    out
}

impl Victim {
    /// The victim's id a matrix entry names.
    fn value(&self, x: V) -> String {
        match x {
            Text(t) => t.to_owned(),
            Customer => self.customer.clone(),
            Contact => self.contact.clone(),
            Address => self.address.clone(),
            Product => self.product.clone(),
            Quote => self.documents.quote.clone(),
            QuoteLine => self.documents.quote_line.clone(),
            Order => self.documents.order.clone(),
            OrderLine => self.documents.order_line.clone(),
            Payment => self.documents.payment.clone(),
            Approval => self.documents.approval.clone(),
            Licence => self.documents.licence.clone(),
            Ticket => self.documents.ticket.clone(),
            File => self.file.clone(),
            TicketFile => self.ticket_file.clone(),
            PaymentFile => self.payment_file.clone(),
            LibraryDocument => self.library_document.clone(),
            DocumentFile => self.document_file.clone(),
            Import => self.import.clone(),
            Export => self.export.clone(),
            Member => self.member.clone(),
            Invitation => self.invitation.clone(),
            IpRule => self.ip_rule.clone(),
            Incident => self.incident.clone(),
            Review => self.review.clone(),
            ApiKey => self.api_key.clone(),
            PublicKey => self.public_key.clone(),
            Webhook => self.integrations.endpoint.clone(),
            WebhookDelivery => self.integrations.delivery.clone(),
            Automation => self.integrations.automation.clone(),
            PrivacyRequest => self.privacy_request.clone(),
            Slug => self.slug.clone(),
            Role => self.role.clone(),
            Team => self.team.clone(),
            Department => self.department.clone(),
            Workspace => self.workspace.clone(),
        }
    }
}

type Callers = [(&'static str, reqwest::Client)];

/// JSON endpoints first: the form table ends by signing the callers out. Returns the calls made.
async fn json_calls(s: &TestServer, v: &Victim, callers: &Callers, label: &str) -> usize {
    let mut calls = 0;
    for (who, c) in callers {
        for (path, body) in JSON_MATRIX {
            let res = api(c, s, path)
                .await
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.replace("ROLE", &v.role).replace("IMPORT", &v.import))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            let expected = match (*who, *path) {
                ("nobody", _) => 401,
                ("Staff" | "Guest", _) => 403,
                (_, "/api/roles/create") => 422,
                _ => 404,
            };
            assert_eq!(status.as_u16(), expected, "{label}: {who} {path}: {body}");
            assert!(
                status != StatusCode::INTERNAL_SERVER_ERROR,
                "{label}: {who} {path}: {body}"
            );
            for secret in SECRETS {
                assert!(
                    !body.contains(secret),
                    "{label}: {who} read {secret:?} through {path}"
                );
            }
            calls += 1;
        }
    }
    calls
}

/// The callers are who they claim: where the answer is certain, refused for the right reason.
fn expected_form_status(who: &str, path: &str) -> Option<u16> {
    match (who, path) {
        ("nobody", "/api/customers/get" | "/api/products/get" | "/api/team/deactivate") => {
            Some(401)
        }
        ("nobody", "/api/quotes/get" | "/api/orders/get" | "/api/quotes/set_status") => Some(401),
        (_, "/api/customers/get" | "/api/products/get") => Some(404),
        (_, "/api/quotes/get" | "/api/orders/get") => Some(404),
        ("nobody", "/api/licences/get" | "/api/tickets/get" | "/api/tickets/take") => Some(401),
        ("Owner" | "Manager", "/api/licences/get") => Some(404),
        ("Staff" | "Guest", "/api/licences/get") => Some(403),
        (_, "/api/tickets/get") => Some(404),
        ("nobody", "/api/library/get") => Some(401),
        (
            who,
            "/api/audit/sensitive_reads"
            | "/api/audit/alerts"
            | "/api/audit/unread_alerts"
            | "/api/audit/mark_alerts_read"
            | "/api/audit/backups"
            | "/api/audit/set_alert_thresholds"
            | "/api/registers/overview"
            | "/api/registers/report_incident"
            | "/api/registers/set_retention",
        ) => Some(match who {
            "nobody" => 401,
            "Staff" | "Guest" => 403,
            _ => 200,
        }),
        (_, "/api/library/get") => Some(404),
        ("Guest", "/api/tickets/take") => Some(403),
        (_, "/api/tickets/take") => Some(404),
        ("Guest", "/api/quotes/set_status") => Some(403),
        (_, "/api/quotes/set_status") => Some(404),
        ("Owner" | "Manager", "/api/orders/cancel" | "/api/orders/process") => Some(404),
        ("Staff" | "Guest", "/api/orders/cancel" | "/api/orders/process") => Some(403),
        ("Owner" | "Manager", "/api/products/update") | ("Owner", "/api/products/delete") => {
            Some(404)
        }
        ("Staff" | "Guest", "/api/products/update") => Some(403),
        ("Manager" | "Staff" | "Guest", "/api/products/delete") => Some(403),
        ("Owner" | "Manager", "/api/team/deactivate") => Some(404),
        (who, "/api/registers/advance_incident" | "/api/registers/note_incident") => {
            Some(match who {
                "nobody" => 401,
                "Staff" | "Guest" => 403,
                _ => 404,
            })
        }
        (who, path) if path.starts_with("/api/privacy/") => Some(matrix::privacy_status(who, path)),
        (who, path) if path.starts_with("/api/reviews/") => Some(matrix::reviews_status(who, path)),
        (who, path) if matrix::integrations(path) => Some(matrix::api_keys_status(who, path)),
        ("Staff" | "Guest", "/api/team/deactivate") => Some(403),
        ("Owner" | "Manager", "/api/roles/explain" | "/api/roles/delete") => Some(404),
        ("Owner" | "Manager", "/api/team/assign_role" | "/api/team/unassign_role") => Some(404),
        (
            "Owner" | "Manager",
            "/api/teams/delete_team"
            | "/api/teams/remove_member"
            | "/api/teams/delete_department"
            | "/api/teams/set_department",
        ) => Some(404),
        _ => None,
    }
}

/// The form-encoded endpoints. Returns the calls made.
async fn form_calls(s: &TestServer, v: &Victim, callers: &Callers, label: &str) -> usize {
    let mut calls = 0;
    for (who, c) in callers {
        for (path, fields) in RECORD_MATRIX.iter().chain(MATRIX) {
            let form: Vec<(&str, String)> = fields.iter().map(|(k, x)| (*k, v.value(*x))).collect();
            let res = api(c, s, path).await.form(&form).send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            for secret in SECRETS {
                assert!(
                    !body.contains(secret),
                    "{label}: {who} read {secret:?} through {path} ({status}): {body}"
                );
            }
            assert!(
                status != StatusCode::INTERNAL_SERVER_ERROR,
                "{label}: {who} {path}: {body}"
            );
            if path.starts_with("/api/audit/") {
                assert!(
                    !body.contains(&v.customer) && !body.contains("Grace Hopper"),
                    "{label}: {who} read the victim's trail through {path}: {body}"
                );
            }
            let expected = expected_form_status(who, path);
            if let Some(expected) = expected {
                assert_eq!(status.as_u16(), expected, "{label}: {who} {path}: {body}");
            }
            calls += 1;
        }
    }
    calls
}

#[tokio::test]
async fn strangers_can_neither_change_nor_see_another_workspace_through_any_endpoint() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let covered: BTreeSet<String> = MATRIX
        .iter()
        .chain(RECORD_MATRIX)
        .map(|(p, _)| *p)
        .chain(JSON_MATRIX.iter().map(|(p, _)| *p))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        registered, covered,
        "every registered server function needs an entry in the isolation matrix"
    );

    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let v = victim(&s.db.db).await;
        let before = snapshot(&s.db, &v).await;
        assert!(
            SECRETS
                .iter()
                .all(|secret| before.iter().any(|row| row.contains(secret))),
            "{label}: the snapshot covers every secret's row"
        );
        let callers = strangers(&s).await;
        let calls =
            json_calls(&s, &v, &callers, label).await + form_calls(&s, &v, &callers, label).await;
        assert_eq!(
            calls,
            (MATRIX.len() + RECORD_MATRIX.len() + JSON_MATRIX.len()) * 5
        );
        let after = snapshot(&s.db, &v).await;
        assert_eq!(before, after, "{label}: the victim workspace changed");
        refusals_stay_home(&s, &v, &before, label).await;
        s.stop().await.unwrap();
    }
}

/// The file and export routes are not server functions, so the matrix above cannot list them:
/// each stranger tries to download the victim's files, to export every list and the audit
/// trail (naming a victim's record), and to upload to each record that takes files. Nothing is shown, nothing is stored.
#[tokio::test]
async fn strangers_can_neither_download_nor_upload_across_workspaces() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let v = victim(&s.db.db).await;
        let before = snapshot(&s.db, &v).await;
        for (who, c) in strangers(&s).await {
            let docx = format!("/quotes/{}/docx", v.documents.quote);
            for path in [
                &v.file,
                &v.ticket_file,
                &v.payment_file,
                &v.document_file,
                &v.template,
            ]
            .map(|file| format!("/files/{file}"))
            .into_iter()
            .chain([docx])
            {
                let res = c.get(s.url(&path)).send().await.unwrap();
                let status = res.status().as_u16();
                let body = res.text().await.unwrap();
                let expected = if who == "nobody" { 401 } else { 404 };
                assert_eq!(
                    status, expected,
                    "{label}: {who} downloading {path}: {body}"
                );
                assert!(!body.contains("A-FILE-SECRET"), "{label}: {who}");
            }
            let report = format!("/import/customers/{}/report.csv", v.import);
            let res = c.get(s.url(&report)).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let expected = match who {
                "nobody" => 401,
                "Staff" | "Guest" => 403,
                _ => 404,
            };
            assert_eq!(status, expected, "{label}: {who} reading a report: {body}");
            assert!(!body.contains("A-IMPORT-SECRET"), "{label}: {who}");
            let file = format!("/export/customers/{}/file", v.export);
            let res = c.get(s.url(&file)).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let expected: &[u16] = match who {
                "nobody" => &[401],
                "Owner" | "Manager" => &[404],
                _ => &[403, 404],
            };
            assert!(
                expected.contains(&status),
                "{label}: {who} downloading an export: {status} {body}"
            );
            for list in app::model::ExportList::ALL {
                let res = c.get(s.url(&list.path())).send().await.unwrap();
                let status = res.status().as_u16();
                let body = res.text().await.unwrap();
                let exported = format!("{label}: {who} exporting {}: {body}", list.name);
                match who {
                    "nobody" => assert_eq!(status, 401, "{exported}"),
                    "Owner" | "Manager" => assert_eq!(status, 200, "{exported}"),
                    _ => assert!(matches!(status, 200 | 403), "{exported}"),
                }
                for secret in SECRETS {
                    assert!(!body.contains(secret), "{exported}: {secret:?}");
                }
            }
            own_exports::only_their_own(&s, &v.workspace, &v.customer, who, &c, label).await;
            for target in [
                format!("/files/customers/{}", v.customer),
                format!("/files/orders/{}", v.documents.order),
                format!("/files/tickets/{}", v.documents.ticket),
                format!("/files/payments/{}", v.documents.payment),
                format!("/files/documents/{}", v.library_document),
            ] {
                let token = support::csrf_token(&c, &s).await;
                let part = reqwest::multipart::Part::bytes(b"%PDF-1.7\nplanted\n".to_vec())
                    .file_name("planted.pdf");
                let res = c
                    .post(s.url(&target))
                    .header("x-csrf-token", token)
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let body = res.text().await.unwrap();
                assert!(
                    matches!(status, 401 | 403 | 404),
                    "{label}: {who} uploading to {target}: {status} {body}"
                );
            }
        }
        assert_eq!(
            before,
            snapshot(&s.db, &v).await,
            "{label}: the victim workspace changed"
        );
        let stored = std::fs::read_dir(s.data.path().join("files"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(stored, 0, "{label}: nothing reached the server's storage");
        s.stop().await.unwrap();
    }
}
