//! The stored-markup sweep's exemptions.

/// Writing endpoints that take no free text, and why they need no sweep.
pub(super) const NO_FREE_TEXT: &[(&str, &str)] = &[
    ("/api/settings/update_security", "numbers and choices"),
    ("/api/privacy/set_due_days", "a number of days"),
    ("/api/audit/set_retention", "a number of days"),
    ("/api/audit/set_alert_thresholds", "three whole numbers"),
    (
        "/api/registers/set_retention",
        "a record type from a list and a number of days",
    ),
    (
        "/api/settings/set_time_zone",
        "an IANA zone name from a list",
    ),
    ("/api/settings/set_login_hours", "times and weekdays"),
    ("/api/settings/clear_login_hours", "a role id"),
    ("/api/settings/remove_ip_rule", "an id"),
    (
        "/api/settings/set_sales_terms",
        "a currency code and a percentage, both validated",
    ),
    (
        "/api/quotes/add_line",
        "ids, a whole quantity and a percentage; the line's text is the product's, swept there",
    ),
    (
        "/api/orders/add_line",
        "ids, a whole quantity and a percentage; the line's text is the product's, swept there",
    ),
    ("/api/quotes/set_status", "a status from a list"),
    ("/api/licences/renew", "a number of months from a list"),
    ("/api/licences/reinstate", "an id and a version"),
    ("/api/tickets/set_status", "a status from a list"),
    ("/api/tickets/take", "an id and a version"),
    ("/api/customers/bulk_assign", "ids and choices"),
    ("/api/customers/remove_contact", "ids and a version"),
    ("/api/customers/remove_address", "ids and a version"),
    ("/api/customers/bulk_delete", "ids"),
    ("/api/tickets/bulk_assign", "ids and choices"),
    ("/api/tickets/bulk_status", "ids and a status from a list"),
    (
        "/api/roles/add_sod_rule",
        "permission keys from the catalogue",
    ),
    ("/api/team/invite", "an email address, validated"),
    ("/api/team/assign_role", "ids and a date"),
    ("/api/teams/add_member", "ids"),
    ("/api/teams/set_department", "ids"),
    ("/api/accounts/change_password", "never shown"),
    ("/api/accounts/reset_password", "never shown"),
    (
        "/api/invitations/accept_new",
        "a name, swept through sign-up's name rule",
    ),
    ("/api/invitations/accept_existing", "a token and a password"),
];
