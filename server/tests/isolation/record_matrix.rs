//! The business records' endpoints and what a stranger sends each, naming the victim's records.

use super::matrix::V::{self, *};

/// Every registered endpoint of the record kinds (and their settings and history).
pub const RECORD_MATRIX: &[(&str, &[(&str, V)])] = &[
    (
        "/api/customers/list",
        &[
            ("search", Text("Secret")),
            ("tag", Text("A-TAG-SECRET")),
            ("after", Customer),
        ],
    ),
    ("/api/customers/get", &[("id", Customer)]),
    (
        "/api/files/list",
        &[("holder", Text("customer")), ("record", Customer)],
    ),
    (
        "/api/files/list",
        &[("holder", Text("order")), ("record", Order)],
    ),
    (
        "/api/files/list",
        &[("holder", Text("ticket")), ("record", Ticket)],
    ),
    (
        "/api/files/list",
        &[("holder", Text("payment")), ("record", Payment)],
    ),
    (
        "/api/imports/get",
        &[("list", Text("customers")), ("id", Import)],
    ),
    (
        "/api/imports/cancel",
        &[("list", Text("customers")), ("id", Import)],
    ),
    (
        "/api/exports/start",
        &[("list", Text("customers")), ("query", Text("q=Secret"))],
    ),
    (
        "/api/exports/get",
        &[("list", Text("customers")), ("id", Export)],
    ),
    (
        "/api/exports/cancel",
        &[("list", Text("customers")), ("id", Export)],
    ),
    (
        "/api/files/remove",
        &[
            ("holder", Text("customer")),
            ("record", Customer),
            ("file", File),
        ],
    ),
    (
        "/api/files/remove",
        &[("holder", Text("order")), ("record", Order), ("file", File)],
    ),
    (
        "/api/files/remove",
        &[
            ("holder", Text("ticket")),
            ("record", Ticket),
            ("file", TicketFile),
        ],
    ),
    (
        "/api/files/remove",
        &[
            ("holder", Text("payment")),
            ("record", Payment),
            ("file", PaymentFile),
        ],
    ),
    ("/api/customers/form_options", &[]),
    (
        "/api/customers/create",
        &[
            ("name", Text("Planted")),
            ("email", Text("")),
            ("phone", Text("")),
            ("company", Text("")),
            ("tax_id", Text("")),
            ("notes", Text("")),
            ("assigned_user_id", Member),
            ("team_id", Team),
        ],
    ),
    (
        "/api/customers/update",
        &[
            ("id", Customer),
            ("version", Text("1")),
            ("name", Text("Hijacked")),
            ("email", Text("")),
            ("phone", Text("")),
            ("company", Text("")),
            ("tax_id", Text("")),
            ("notes", Text("")),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    ("/api/customers/delete", &[("id", Customer)]),
    ("/api/dashboard/get", &[]),
    (
        "/api/reports/get",
        &[("from", Text("2020-01-01")), ("until", Text(""))],
    ),
    (
        "/api/customers/bulk_assign",
        &[
            ("ids", Customer),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    ("/api/customers/bulk_delete", &[("ids", Customer)]),
    ("/api/customers/parts", &[("id", Customer)]),
    (
        "/api/customers/add_contact",
        &[
            ("customer_id", Customer),
            ("version", Text("4")),
            ("contact_name", Text("Planted")),
            ("contact_role", Text("")),
            ("contact_email", Text("")),
            ("contact_phone", Text("")),
        ],
    ),
    (
        "/api/customers/remove_contact",
        &[
            ("customer_id", Customer),
            ("version", Text("4")),
            ("contact_id", Contact),
        ],
    ),
    (
        "/api/customers/add_address",
        &[
            ("customer_id", Customer),
            ("version", Text("4")),
            ("kind", Text("office")),
            ("street", Text("Planted")),
            ("city", Text("Planted")),
            ("postcode", Text("")),
            ("country", Text("GB")),
        ],
    ),
    (
        "/api/customers/remove_address",
        &[
            ("customer_id", Customer),
            ("version", Text("4")),
            ("address_id", Address),
        ],
    ),
    (
        "/api/customers/set_tags",
        &[
            ("customer_id", Customer),
            ("version", Text("4")),
            ("tags", Text("Planted")),
        ],
    ),
    (
        "/api/customers/bulk_tag",
        &[("ids", Customer), ("tag", Text("Planted"))],
    ),
    (
        "/api/products/list",
        &[("search", Text("Secret")), ("after", Product)],
    ),
    ("/api/products/get", &[("id", Product)]),
    (
        "/api/products/create",
        &[
            ("sku", Text("PLANTED-1")),
            ("name", Text("Planted")),
            ("description", Text("")),
            ("unit_price", Text("")),
            ("currency", Text("")),
            ("stock", Text("")),
        ],
    ),
    (
        "/api/products/update",
        &[
            ("id", Product),
            ("version", Text("1")),
            ("sku", Text("TAKEN-1")),
            ("name", Text("Taken")),
            ("description", Text("")),
            ("unit_price", Text("")),
            ("currency", Text("")),
            ("stock", Text("")),
        ],
    ),
    ("/api/products/delete", &[("id", Product)]),
    ("/api/settings/sales_terms", &[]),
    (
        "/api/settings/set_sales_terms",
        &[
            ("currency", Text("JPY")),
            ("tax_rate", Text("99")),
            ("refund_approval_over", Text("")),
            ("approval_expiry_days", Text("")),
        ],
    ),
    ("/api/approvals/list", &[("pending", Text("on"))]),
    ("/api/approvals/pending_count", &[]),
    ("/api/audit/history", &[("target", Customer)]),
    (
        "/api/audit/sensitive_reads",
        &[("before", Text("")), ("filter[record]", Customer)],
    ),
    (
        "/api/approvals/approve",
        &[("id", Approval), ("comment", Text("Planted"))],
    ),
    (
        "/api/approvals/reject",
        &[("id", Approval), ("comment", Text("Planted"))],
    ),
    (
        "/api/licences/list",
        &[
            ("search", Text("Secret")),
            ("status", Text("")),
            ("after", Licence),
        ],
    ),
    ("/api/licences/get", &[("id", Licence)]),
    ("/api/licences/form_options", &[]),
    (
        "/api/licences/create",
        &[
            ("product_id", Product),
            ("customer_id", Customer),
            ("seats", Text("1")),
            ("valid_from", Text("")),
            ("valid_until", Text("")),
            ("notes", Text("Planted")),
            ("assigned_user_id", Member),
            ("team_id", Team),
        ],
    ),
    (
        "/api/licences/update",
        &[
            ("id", Licence),
            ("version", Text("1")),
            ("seats", Text("999")),
            ("valid_from", Text("")),
            ("valid_until", Text("")),
            ("notes", Text("Hijacked")),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    (
        "/api/licences/renew",
        &[
            ("id", Licence),
            ("version", Text("1")),
            ("months", Text("60")),
        ],
    ),
    (
        "/api/licences/suspend",
        &[
            ("id", Licence),
            ("version", Text("1")),
            ("reason", Text("Planted")),
        ],
    ),
    (
        "/api/licences/reinstate",
        &[("id", Licence), ("version", Text("1"))],
    ),
    (
        "/api/library/list",
        &[("search", Text("SECRET")), ("after", LibraryDocument)],
    ),
    ("/api/library/get", &[("id", LibraryDocument)]),
    ("/api/library/form_options", &[]),
    (
        "/api/library/create",
        &[
            ("title", Text("Planted")),
            ("description", Text("Planted")),
            ("tags", Text("planted")),
            ("assigned_user_id", Member),
            ("team_id", Team),
        ],
    ),
    (
        "/api/library/update",
        &[
            ("id", LibraryDocument),
            ("version", Text("1")),
            ("title", Text("Hijacked")),
            ("description", Text("")),
            ("tags", Text("")),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    ("/api/library/delete", &[("id", LibraryDocument)]),
    (
        "/api/files/list",
        &[("holder", Text("document")), ("record", LibraryDocument)],
    ),
    (
        "/api/files/remove",
        &[
            ("holder", Text("document")),
            ("record", LibraryDocument),
            ("file", DocumentFile),
        ],
    ),
    (
        "/api/tickets/list",
        &[
            ("search", Text("SECRET")),
            ("view", Text("unassigned")),
            ("status", Text("")),
            ("priority", Text("")),
            ("after", Ticket),
        ],
    ),
    ("/api/tickets/get", &[("id", Ticket)]),
    ("/api/tickets/form_options", &[]),
    (
        "/api/tickets/create",
        &[
            ("customer_id", Customer),
            ("subject", Text("Planted")),
            ("priority", Text("urgent")),
            ("assigned_user_id", Member),
            ("team_id", Team),
            ("message", Text("Planted")),
        ],
    ),
    (
        "/api/tickets/update",
        &[
            ("id", Ticket),
            ("version", Text("1")),
            ("subject", Text("Hijacked")),
            ("priority", Text("low")),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    (
        "/api/tickets/add_message",
        &[
            ("id", Ticket),
            ("kind", Text("reply")),
            ("body", Text("Planted")),
        ],
    ),
    (
        "/api/tickets/set_status",
        &[
            ("id", Ticket),
            ("version", Text("1")),
            ("status", Text("resolved")),
        ],
    ),
    (
        "/api/tickets/bulk_assign",
        &[
            ("ids", Ticket),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    (
        "/api/tickets/bulk_status",
        &[("ids", Ticket), ("status", Text("resolved"))],
    ),
    (
        "/api/tickets/take",
        &[("id", Ticket), ("version", Text("1"))],
    ),
    (
        "/api/quotes/list",
        &[
            ("search", Text("Secret")),
            ("status", Text("")),
            ("after", Quote),
        ],
    ),
    ("/api/quotes/get", &[("id", Quote)]),
    ("/api/quotes/form_options", &[]),
    (
        "/api/quotes/create",
        &[
            ("customer_id", Customer),
            ("title", Text("Planted")),
            ("valid_until", Text("")),
            ("notes", Text("")),
            ("assigned_user_id", Member),
            ("team_id", Team),
        ],
    ),
    (
        "/api/quotes/update",
        &[
            ("id", Quote),
            ("version", Text("1")),
            ("customer_id", Customer),
            ("title", Text("Hijacked")),
            ("valid_until", Text("")),
            ("notes", Text("")),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    (
        "/api/quotes/add_line",
        &[
            ("id", Quote),
            ("version", Text("1")),
            ("product_id", Product),
            ("quantity", Text("1")),
            ("discount", Text("")),
        ],
    ),
    (
        "/api/quotes/remove_line",
        &[
            ("id", Quote),
            ("version", Text("1")),
            ("line_id", QuoteLine),
        ],
    ),
    (
        "/api/quotes/set_status",
        &[
            ("id", Quote),
            ("version", Text("1")),
            ("status", Text("declined")),
        ],
    ),
    (
        "/api/quotes/convert",
        &[("id", Quote), ("version", Text("1"))],
    ),
    (
        "/api/orders/list",
        &[
            ("search", Text("Secret")),
            ("status", Text("")),
            ("after", Order),
        ],
    ),
    ("/api/orders/get", &[("id", Order)]),
    ("/api/orders/form_options", &[]),
    (
        "/api/orders/create",
        &[
            ("customer_id", Customer),
            ("notes", Text("Planted")),
            ("assigned_user_id", Member),
            ("team_id", Team),
        ],
    ),
    (
        "/api/orders/update",
        &[
            ("id", Order),
            ("version", Text("1")),
            ("customer_id", Customer),
            ("notes", Text("Hijacked")),
            ("assigned_user_id", Text("")),
            ("team_id", Text("")),
        ],
    ),
    (
        "/api/orders/add_line",
        &[
            ("id", Order),
            ("version", Text("1")),
            ("product_id", Product),
            ("quantity", Text("1")),
            ("discount", Text("")),
        ],
    ),
    (
        "/api/orders/remove_line",
        &[
            ("id", Order),
            ("version", Text("1")),
            ("line_id", OrderLine),
        ],
    ),
    (
        "/api/orders/confirm",
        &[("id", Order), ("version", Text("1"))],
    ),
    (
        "/api/orders/process",
        &[("id", Order), ("version", Text("1"))],
    ),
    (
        "/api/orders/fulfil",
        &[("id", Order), ("version", Text("1"))],
    ),
    (
        "/api/orders/cancel",
        &[("id", Order), ("version", Text("1"))],
    ),
    ("/api/payments/for_order", &[("order_id", Order)]),
    ("/api/payments/proofs", &[("order_id", Order)]),
    (
        "/api/payments/take",
        &[
            ("order_id", Order),
            ("method", Text("card")),
            ("amount", Text("1")),
            ("reference", Text("Planted")),
            ("paid_on", Text("")),
        ],
    ),
    (
        "/api/payments/refund",
        &[
            ("id", Payment),
            ("version", Text("1")),
            ("amount", Text("1")),
            ("reason", Text("Planted")),
        ],
    ),
    (
        "/api/payments/reconcile",
        &[("id", Payment), ("version", Text("1"))],
    ),
];
