//! What the isolation test sends: every registered endpoint with a stranger's payload, and the
//! victim's text no answer may contain.

/// Values the victim workspace holds; a payload names them by role.
#[derive(Clone, Copy)]
pub enum V {
    Text(&'static str),
    Customer,
    Contact,
    Address,
    Product,
    Quote,
    QuoteLine,
    Order,
    OrderLine,
    Payment,
    Approval,
    Licence,
    Ticket,
    File,
    TicketFile,
    PaymentFile,
    /// A document of the library, and its file (a version).
    LibraryDocument,
    DocumentFile,
    Import,
    /// A finished background export.
    Export,
    Member,
    Invitation,
    IpRule,
    Incident,
    Review,
    /// A secret API key of the victim's.
    ApiKey,
    /// A public API key of the victim's.
    PublicKey,
    /// A webhook endpoint of the victim's, and a delivery to it.
    Webhook,
    WebhookDelivery,
    /// An automation of the victim's.
    Automation,
    PrivacyRequest,
    /// The victim workspace's public form address.
    Slug,
    Role,
    Team,
    Department,
    Workspace,
}
pub use V::*;

/// Every registered endpoint but the records' ([`RECORD_MATRIX`], sent first) and what a stranger
/// sends it. Identity-changing calls come last.
pub const MATRIX: &[(&str, &[(&str, V)])] = &[
    ("/api/accounts/me", &[]),
    ("/api/accounts/pending_second_factor", &[]),
    ("/api/accounts/send_sign_in_code", &[]),
    (
        "/api/accounts/verify_second_factor",
        &[("code", Text("123456"))],
    ),
    (
        "/api/accounts/switch_workspace",
        &[("workspace_id", Workspace)],
    ),
    (
        "/api/accounts/change_password",
        &[
            ("current_password", Text("not the password at all")),
            ("new_password", Text("copper meadow violin tundra")),
        ],
    ),
    ("/api/accounts/resend_verification", &[]),
    (
        "/api/accounts/request_password_reset",
        &[("email", Text("nobody@example.com"))],
    ),
    (
        "/api/accounts/reset_password",
        &[
            ("token", Text("forged-token")),
            ("new_password", Text("copper meadow violin tundra")),
        ],
    ),
    (
        "/api/accounts/verify_email",
        &[("token", Text("forged-token"))],
    ),
    (
        "/api/invitations/preview",
        &[("token", Text("forged-token"))],
    ),
    (
        "/api/invitations/accept_new",
        &[
            ("token", Text("forged-token")),
            ("name", Text("Mallory")),
            ("password", Text("copper meadow violin tundra")),
        ],
    ),
    (
        "/api/invitations/accept_existing",
        &[
            ("token", Text("forged-token")),
            ("password", Text("copper meadow violin tundra")),
        ],
    ),
    ("/api/mfa/status", &[]),
    ("/api/mfa/start_app", &[]),
    ("/api/mfa/confirm_app", &[("code", Text("123456"))]),
    ("/api/mfa/send_email_code", &[]),
    ("/api/mfa/confirm_email", &[("code", Text("123456"))]),
    (
        "/api/mfa/disable_app",
        &[
            ("password", Text("wrong password here")),
            ("code", Text("123456")),
        ],
    ),
    (
        "/api/mfa/disable_email",
        &[
            ("password", Text("wrong password here")),
            ("code", Text("123456")),
        ],
    ),
    (
        "/api/mfa/regenerate_recovery_codes",
        &[
            ("password", Text("wrong password here")),
            ("code", Text("123456")),
        ],
    ),
    ("/api/sessions/list", &[]),
    (
        "/api/sessions/revoke",
        &[(
            "handle",
            Text("0000000000000000000000000000000000000000000000000000000000000000"),
        )],
    ),
    ("/api/sessions/revoke_others", &[]),
    ("/api/settings/security", &[]),
    ("/api/files/remove_logo", &[]),
    ("/api/files/quote_template", &[]),
    ("/api/files/remove_quote_template", &[]),
    (
        "/api/settings/update_security",
        &[
            ("password_min_length", Text("12")),
            ("password_min_strength", Text("3")),
            ("password_history", Text("5")),
            ("password_expiry_days", Text("")),
            ("session_idle_minutes", Text("30")),
            ("session_absolute_hours", Text("12")),
            ("max_sessions_per_user", Text("")),
            ("lockout_threshold", Text("5")),
            ("lockout_minutes", Text("15")),
            ("mfa_policy", Text("optional")),
        ],
    ),
    ("/api/settings/network", &[]),
    (
        "/api/settings/add_ip_rule",
        &[
            ("kind", Text("deny")),
            ("cidr", Text("198.51.100.0/24")),
            ("user_id", Member),
            ("note", Text("")),
        ],
    ),
    ("/api/settings/remove_ip_rule", &[("id", IpRule)]),
    ("/api/settings/login_hours", &[]),
    (
        "/api/settings/set_time_zone",
        &[("time_zone", Text("Europe/Berlin"))],
    ),
    (
        "/api/settings/set_login_hours",
        &[
            ("role_id", Role),
            ("start", Text("09:00")),
            ("end", Text("10:00")),
            ("mon", Text("on")),
        ],
    ),
    ("/api/settings/clear_login_hours", &[("role_id", Role)]),
    ("/api/team/members", &[]),
    ("/api/team/invitations", &[]),
    ("/api/team/roles", &[]),
    (
        "/api/team/invite",
        &[("email", Text("planted@example.com")), ("role_id", Role)],
    ),
    ("/api/team/resend_invitation", &[("id", Invitation)]),
    ("/api/team/revoke_invitation", &[("id", Invitation)]),
    ("/api/team/deactivate", &[("user_id", Member)]),
    ("/api/team/reactivate", &[("user_id", Member)]),
    ("/api/team/end_sessions", &[("user_id", Member)]),
    ("/api/team/unlock", &[("user_id", Member)]),
    (
        "/api/team/assign_role",
        &[("user_id", Member), ("role_id", Role), ("until", Text(""))],
    ),
    (
        "/api/team/unassign_role",
        &[("user_id", Member), ("role_id", Role)],
    ),
    ("/api/roles/explain", &[("user_id", Member)]),
    ("/api/roles/list", &[]),
    ("/api/roles/sod_rules", &[]),
    (
        "/api/roles/add_sod_rule",
        &[
            ("permission_a", Text("customers.delete")),
            ("permission_b", Text("customers.export")),
        ],
    ),
    (
        "/api/roles/remove_sod_rule",
        &[
            ("permission_a", Text("payments.process")),
            ("permission_b", Text("payments.reconcile")),
        ],
    ),
    ("/api/audit/list", &[("before", Text(""))]),
    ("/api/audit/set_retention", &[("days", Text("90"))]),
    ("/api/audit/security", &[]),
    ("/api/audit/alerts", &[]),
    ("/api/audit/unread_alerts", &[]),
    ("/api/audit/mark_alerts_read", &[]),
    (
        "/api/audit/set_alert_thresholds",
        &[
            ("account_burst", Text("7")),
            ("address_burst", Text("12")),
            ("refusal_burst", Text("6")),
        ],
    ),
    ("/api/audit/backups", &[]),
    ("/api/api_keys/list", &[]),
    (
        "/api/api_keys/create",
        &[
            ("name", Text("A stranger's key")),
            ("role_id", Role),
            ("password", Text("wrong password here")),
        ],
    ),
    ("/api/api_keys/revoke", &[("id", ApiKey)]),
    (
        "/api/api_keys/create_public",
        &[("name", Text("A stranger's shop"))],
    ),
    ("/api/api_keys/revoke_public", &[("id", PublicKey)]),
    (
        "/api/api_keys/why",
        &[
            ("id", ApiKey),
            ("permission", Text("customers.read")),
            ("record", Customer),
        ],
    ),
    ("/api/webhooks/list", &[]),
    (
        "/api/webhooks/create",
        &[
            ("url", Text("https://hooks.example.com/planted")),
            ("description", Text("A stranger's endpoint")),
            ("events[0]", Text("*")),
            ("password", Text("wrong password here")),
        ],
    ),
    (
        "/api/webhooks/update",
        &[
            ("id", Webhook),
            ("version", Text("1")),
            ("description", Text("Taken over")),
            ("events[0]", Text("*")),
        ],
    ),
    ("/api/webhooks/log", &[("id", Webhook)]),
    ("/api/webhooks/test", &[("id", Webhook)]),
    ("/api/webhooks/redeliver", &[("id", WebhookDelivery)]),
    (
        "/api/webhooks/rotate",
        &[("id", Webhook), ("password", Text("wrong password here"))],
    ),
    ("/api/webhooks/delete", &[("id", Webhook)]),
    ("/api/automations/list", &[]),
    (
        "/api/automations/save",
        &[
            ("id", Automation),
            ("version", Text("1")),
            ("name", Text("Taken over")),
            ("trigger", Text("ticket.create")),
            ("conditions", Text("[]")),
            (
                "steps",
                Text(r#"[{"action":{"kind":"round_robin","team_id":"*"}}]"#),
            ),
            ("role_id", Role),
        ],
    ),
    ("/api/automations/runs", &[("id", Automation)]),
    ("/api/automations/delete", &[("id", Automation)]),
    ("/api/registers/overview", &[]),
    (
        "/api/registers/report_incident",
        &[
            ("title", Text("Planted incident")),
            ("severity", Text("high")),
            ("detected_at", Text("")),
            ("note", Text("")),
        ],
    ),
    (
        "/api/registers/set_retention",
        &[("kind", Text("tickets")), ("days", Text("30"))],
    ),
    (
        "/api/registers/advance_incident",
        &[
            ("id", Incident),
            ("version", Text("1")),
            ("step", Text("resolve")),
        ],
    ),
    (
        "/api/registers/note_incident",
        &[("id", Incident), ("note", Text("planted"))],
    ),
    ("/api/privacy/form", &[("slug", Text("no-such-workspace"))]),
    (
        "/api/privacy/submit",
        &[
            ("slug", Text("no-such-workspace")),
            ("kind", Text("access")),
            ("name", Text("Planted requester")),
            ("email", Text("planted@example.com")),
            ("details", Text("")),
        ],
    ),
    (
        "/api/privacy/confirm",
        &[("slug", Slug), ("token", Text("forged-token"))],
    ),
    ("/api/privacy/list", &[]),
    ("/api/privacy/show", &[("id", PrivacyRequest)]),
    (
        "/api/privacy/advance",
        &[
            ("id", PrivacyRequest),
            ("status", Text("rejected")),
            ("note", Text("planted")),
        ],
    ),
    (
        "/api/privacy/assign",
        &[("id", PrivacyRequest), ("assignee_id", Text(""))],
    ),
    (
        "/api/privacy/link",
        &[("id", PrivacyRequest), ("customer_id", Customer)],
    ),
    (
        "/api/privacy/note",
        &[("id", PrivacyRequest), ("body", Text("planted"))],
    ),
    (
        "/api/privacy/fulfil",
        &[("id", PrivacyRequest), ("note", Text(""))],
    ),
    ("/api/privacy/set_due_days", &[("due_days", Text("30"))]),
    ("/api/privacy/cancel_closure", &[]),
    ("/api/reviews/list", &[]),
    (
        "/api/reviews/start",
        &[
            ("name", Text("Planted review")),
            ("roles[]", Role),
            ("reviewers[]", Member),
            ("due_on", Text("")),
        ],
    ),
    ("/api/reviews/show", &[("id", Review)]),
    (
        "/api/reviews/decide",
        &[
            ("id", Review),
            ("user_id", Member),
            ("role_id", Role),
            ("decision", Text("revoke")),
        ],
    ),
    ("/api/reviews/close", &[("id", Review)]),
    ("/api/teams/overview", &[]),
    ("/api/teams/create_team", &[("name", Text("Planted team"))]),
    ("/api/teams/delete_team", &[("team_id", Team)]),
    (
        "/api/teams/add_member",
        &[("team_id", Team), ("user_id", Member)],
    ),
    (
        "/api/teams/remove_member",
        &[("team_id", Team), ("user_id", Member)],
    ),
    (
        "/api/teams/create_department",
        &[("name", Text("Planted department"))],
    ),
    (
        "/api/teams/delete_department",
        &[("department_id", Department)],
    ),
    (
        "/api/teams/set_department",
        &[("user_id", Member), ("department_id", Text(""))],
    ),
    ("/api/roles/delete", &[("id", Role), ("reassign_to", Role)]),
    (
        "/api/roles/why",
        &[
            ("user_id", Member),
            ("permission", Text("customers.read")),
            ("record", Customer),
        ],
    ),
    ("/api/workspaces/list", &[]),
    (
        "/api/workspaces/check_name",
        &[("workspace_name", Text("Analytical Engines"))],
    ),
    (
        "/api/accounts/sign_in",
        &[
            ("email", Text("nobody@example.com")),
            ("password", Text("wrong password here")),
        ],
    ),
    (
        "/api/accounts/sign_up",
        &[
            ("name", Text("Mallory")),
            ("email", Text("mallory-new@example.com")),
            ("password", Text("copper meadow violin tundra")),
            ("workspace_name", Text("Mallory Inc")),
        ],
    ),
    ("/api/accounts/sign_out", &[]),
];

/// JSON endpoints and their bodies; `ROLE` stands for the victim's role id.
pub const JSON_MATRIX: &[(&str, &str)] = &[
    (
        "/api/roles/create",
        r#"{"role": {"name": "Planted", "permissions": ["customers.read"], "parent_role_id": "ROLE"}}"#,
    ),
    (
        "/api/roles/preview",
        r#"{"id": "ROLE", "role": {"name": "Staff"}}"#,
    ),
    (
        "/api/imports/start",
        r#"{"list": "customers", "id": "IMPORT", "plan": {"columns": [["name", 0]], "on_refusal": "import_valid", "on_duplicate": "refuse", "team_id": ""}}"#,
    ),
    (
        "/api/roles/update",
        r#"{"id": "ROLE", "role": {"name": "Hijacked", "permissions": ["billing.manage"]}}"#,
    ),
];

/// Text that belongs to the victim workspace and must never reach a stranger.
pub const SECRETS: &[&str] = &[
    "A-FILE-SECRET",
    "A-IMPORT-SECRET",
    "Secret Customer A",
    "A-TAX-SECRET",
    "A-CONTACT-SECRET",
    "A-STREET-SECRET",
    "A-TAG-SECRET",
    "Secret Product A",
    "A-PRODUCT-SECRET",
    "A-QUOTE-SECRET",
    "A-ORDER-SECRET",
    "A-PAYMENT-SECRET",
    "A-REFUND-SECRET",
    "A-LICENCE-SECRET",
    "A-TICKET-SECRET",
    "A-NOTE-OF-TICKET",
    "A-DOCUMENT-SECRET",
    "grace@example.com",
    "A-INCIDENT-SECRET",
    "A-INCIDENT-NOTE-SECRET",
    "A-REVIEW-SECRET",
    "A-PRIVACY-SECRET",
    "requester-a@example.com",
    "A Team Secret",
    "A Dept Secret",
    "A-NOTE-SECRET",
    "pending-a@example.com",
    "A-ROLE-SECRET",
    "A Key Secret",
    "A-WEBHOOK-SECRET",
    "A-AUTOMATION-SECRET",
    "a-webhook-secret.example",
];

/// What each caller gets from the privacy endpoints: the public ones answer everyone alike (an
/// unknown form 404, a forged link 422); the register is the Owner's alone by default (Manager
/// holds no `privacy.*` key), and the victim's request is not found from another workspace.
pub fn privacy_status(who: &str, path: &str) -> u16 {
    match (who, path) {
        (_, "/api/privacy/form" | "/api/privacy/submit") => 404,
        (_, "/api/privacy/confirm") => 422,
        ("nobody", _) => 401,
        ("Owner" | "Manager", "/api/privacy/set_due_days") => 200,
        ("Owner", "/api/privacy/list") => 200,
        ("Owner", "/api/privacy/cancel_closure") => 409,
        ("Owner", _) => 404,
        _ => 403,
    }
}

/// What each caller gets from the access reviews' endpoints: reading needs `team.read` (Guest
/// has none), the rest `team.write` (Staff and Guest have none); a start without a name is
/// 422, and the victim's review is not found from another workspace.
pub fn reviews_status(who: &str, path: &str) -> u16 {
    match (who, path) {
        ("nobody", _) => 401,
        ("Guest", "/api/reviews/list" | "/api/reviews/show") => 403,
        (_, "/api/reviews/list") => 200,
        (_, "/api/reviews/show") => 404,
        ("Staff" | "Guest", _) => 403,
        (_, "/api/reviews/start") => 422,
        _ => 404,
    }
}

/// Whether `path` is one of the integrations' endpoints: API keys, webhooks, automations.
pub fn integrations(path: &str) -> bool {
    ["/api/api_keys/", "/api/webhooks/", "/api/automations/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// API keys, webhooks and automations are the Owner's alone among the base roles
/// (`integrations.manage`); a stranger's Owner lists their own, cannot give a key or an
/// automation the victim's role or make an endpoint without the password, and does not find
/// the victim's key, endpoint, delivery or automation.
pub fn api_keys_status(who: &str, path: &str) -> u16 {
    match (who, path) {
        ("nobody", _) => 401,
        ("Manager" | "Staff" | "Guest", _) => 403,
        (
            _,
            "/api/api_keys/list"
            | "/api/webhooks/list"
            | "/api/api_keys/create_public"
            | "/api/automations/list",
        ) => 200,
        (
            _,
            "/api/api_keys/create"
            | "/api/webhooks/create"
            | "/api/webhooks/rotate"
            | "/api/automations/save",
        ) => 422,
        _ => 404,
    }
}
