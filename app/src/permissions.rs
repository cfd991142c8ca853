//! The permission catalogue: every key a role can hold, in one place, used by the server's
//! checks and by the UI to decide what to show.
//!
//! Adding a key is one entry in `catalogue!` below: its id, category, label, whether it is
//! sensitive, and a description. Keys named after a [`Resource`] (`customers.read`) are limited
//! by the role's data scope for that resource.

use serde::{Deserialize, Serialize};

macro_rules! catalogue {
    ($( $variant:ident = $key:literal, $category:literal, $label:literal, $sensitive:literal, $description:literal; )*) => {
        /// A permission key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Permission {
            $( #[serde(rename = $key)] $variant, )*
        }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)*];

            /// The stable id, e.g. `team.write`.
            pub fn key(self) -> &'static str {
                match self { $(Permission::$variant => $key,)* }
            }

            pub fn category(self) -> &'static str {
                match self { $(Permission::$variant => $category,)* }
            }

            pub fn label(self) -> &'static str {
                match self { $(Permission::$variant => $label,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Permission::$variant => $description,)* }
            }

            /// Sensitive permissions expose money, personal data or control over access.
            pub fn is_sensitive(self) -> bool {
                match self { $(Permission::$variant => $sensitive,)* }
            }

            /// Administrative permissions change who can do what, or see who did: the
            /// sensitive keys of the Administration category. A workspace can require a second
            /// factor of everyone holding one.
            pub fn is_administrative(self) -> bool {
                self.category() == "Administration" && self.is_sensitive()
            }

            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some(Permission::$variant),)* _ => None }
            }
        }

        /// One type per key, named like its [`Permission`] variant: a grant states in its type
        /// which key it proves (`Grant<keys::CustomersWrite>`), so a domain function that needs
        /// a write does not compile with a read grant, and an endpoint names its key once.
        pub mod keys {
            $(
                #[derive(Clone, Copy, Debug)]
                pub struct $variant;
                impl super::Key for $variant {
                    const PERMISSION: super::Permission = super::Permission::$variant;
                }
            )*
        }
    };
}

/// A permission key as a type (see [`keys`]).
pub trait Key: Copy + std::fmt::Debug + Send + Sync + 'static {
    const PERMISSION: Permission;
}

catalogue! {
    CustomersRead = "customers.read", "Customers", "View customers", false,
        "See customer records within the role's data scope.";
    CustomersWrite = "customers.write", "Customers", "Edit customers", false,
        "Create customers and change their details and assignment.";
    CustomersDelete = "customers.delete", "Customers", "Delete customers", true,
        "Delete customer records.";
    CustomersExport = "customers.export", "Customers", "Export customers", true,
        "Download customer lists.";
    CustomersImport = "customers.import", "Customers", "Import customers", true,
        "Create customers in bulk from a file.";
    CustomersSensitive = "customers.sensitive", "Customers", "See sensitive customer fields", true,
        "See tax ids and other sensitive customer details; without it they are removed on the server.";
    OrdersRead = "orders.read", "Orders", "View orders", false,
        "See orders within the role's data scope.";
    OrdersWrite = "orders.write", "Orders", "Edit orders", false,
        "Create and change orders.";
    OrdersProcess = "orders.process", "Orders", "Process orders", false,
        "Move orders through fulfilment.";
    OrdersRefund = "orders.refund", "Orders", "Refund orders", true,
        "Issue refunds on orders.";
    OrdersCancel = "orders.cancel", "Orders", "Cancel orders", true,
        "Cancel orders.";
    PaymentsRead = "payments.read", "Payments", "View payments", true,
        "See payments and payment details.";
    PaymentsProcess = "payments.process", "Payments", "Process payments", true,
        "Take and record payments.";
    PaymentsRefund = "payments.refund", "Payments", "Refund payments", true,
        "Return money to customers.";
    PaymentsReconcile = "payments.reconcile", "Payments", "Reconcile payments", true,
        "Match payments against bank statements.";
    PaymentsExport = "payments.export", "Payments", "Export payments", true,
        "Download payment data.";
    ProductsRead = "products.read", "Products", "View products", false,
        "See the product catalogue.";
    ProductsWrite = "products.write", "Products", "Edit products", false,
        "Create and change products.";
    ProductsDelete = "products.delete", "Products", "Delete products", true,
        "Delete products.";
    ProductsPricing = "products.pricing", "Products", "Set prices", true,
        "Change prices and discounts.";
    ProductsInventory = "products.inventory", "Products", "Manage inventory", false,
        "Change stock levels.";
    QuotesRead = "quotes.read", "Quotes", "View quotes", false,
        "See quotes within the role's data scope.";
    QuotesWrite = "quotes.write", "Quotes", "Edit quotes", false,
        "Create and change quotes.";
    TicketsRead = "tickets.read", "Support", "View tickets", false,
        "See support tickets within the role's data scope.";
    TicketsWrite = "tickets.write", "Support", "Work on tickets", false,
        "Create, answer and close support tickets.";
    ReportsRead = "reports.read", "Reports", "View reports", false,
        "See reports and the dashboard.";
    ReportsCreate = "reports.create", "Reports", "Create reports", false,
        "Build and save reports.";
    AnalyticsRead = "analytics.read", "Reports", "View analytics", false,
        "See analytics.";
    AnalyticsExport = "analytics.export", "Reports", "Export analytics", true,
        "Download analytics data.";
    AnalyticsAdvanced = "analytics.advanced", "Reports", "Advanced analytics", false,
        "Use advanced analytics.";
    LicencesRead = "licences.read", "Licences", "View licences", false,
        "See licences within the role's data scope.";
    LicencesWrite = "licences.write", "Licences", "Manage licences", true,
        "Issue, renew and revoke licences.";
    DocumentsRead = "documents.read", "Documents", "View documents", false,
        "See and download documents within the role's data scope.";
    DocumentsWrite = "documents.write", "Documents", "Upload documents", false,
        "Upload and replace documents.";
    DocumentsDelete = "documents.delete", "Documents", "Delete documents", true,
        "Delete documents.";
    PrivacyRead = "privacy.read", "Privacy", "View privacy requests", true,
        "See data access and erasure requests.";
    PrivacyProcess = "privacy.process", "Privacy", "Handle privacy requests", true,
        "Export or erase a person's data on request.";
    TeamRead = "team.read", "Administration", "View the team", false,
        "See the workspace's members, their roles and pending invitations.";
    TeamWrite = "team.write", "Administration", "Manage the team", true,
        "Invite people, deactivate and reactivate members, and end their sessions.";
    RolesRead = "roles.read", "Administration", "View roles", false,
        "See roles and the permissions they grant.";
    RolesWrite = "roles.write", "Administration", "Manage roles", true,
        "Create, edit and delete roles.";
    SettingsWrite = "settings.write", "Administration", "Change security settings", true,
        "Edit the workspace's password policy, session limits and sign-in rules.";
    BillingManage = "billing.manage", "Administration", "Manage billing", true,
        "Change the subscription and payment details.";
    AuditRead = "audit.read", "Administration", "Read the audit trail", true,
        "See who did what in the workspace.";
    IntegrationsManage = "integrations.manage", "Administration", "Manage API keys", true,
        "Create and revoke the workspace's API keys, each acting under a role.";
}

/// A set of permissions as bits, one per catalogue entry: combining roles is an OR and a check
/// is one bit test, however many roles a workspace has.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PermissionSet(u128);

const _: () = assert!(
    Permission::ALL.len() <= 128,
    "PermissionSet holds at most 128 keys"
);

impl PermissionSet {
    pub fn all() -> Self {
        Permission::ALL.iter().copied().collect()
    }

    fn bit(p: Permission) -> u128 {
        1 << (p as u32)
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= Self::bit(p);
    }

    pub fn remove(&mut self, p: Permission) {
        self.0 &= !Self::bit(p);
    }

    pub fn contains(self, p: Permission) -> bool {
        self.0 & Self::bit(p) != 0
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The keys in catalogue order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .iter()
            .copied()
            .filter(move |p| self.contains(*p))
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Self::default();
        set.extend(iter);
        set
    }
}

impl Extend<Permission> for PermissionSet {
    fn extend<I: IntoIterator<Item = Permission>>(&mut self, iter: I) {
        for p in iter {
            self.insert(p);
        }
    }
}

impl std::fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Permission::key))
            .finish()
    }
}

/// The kinds of workspace record the permission keys are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Customers,
    Orders,
    Quotes,
    Tickets,
    Licences,
    Documents,
    Products,
    Payments,
}

/// How a resource's records are reached by a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scoping {
    /// By the role's data scope for this resource (`assigned` … `all`).
    Own,
    /// A catalogue of the workspace: every holder of the read key sees all of it (products).
    Catalogue,
    /// Through the record each belongs to, by the scope for that resource (a payment through
    /// its order).
    Through(Resource),
}

impl Resource {
    pub const ALL: [Resource; 8] = [
        Self::Customers,
        Self::Orders,
        Self::Quotes,
        Self::Tickets,
        Self::Licences,
        Self::Documents,
        Self::Products,
        Self::Payments,
    ];

    /// The resources a role states a data scope for: the others follow from them.
    pub const SCOPED: [Resource; 6] = [
        Self::Customers,
        Self::Orders,
        Self::Quotes,
        Self::Tickets,
        Self::Licences,
        Self::Documents,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Orders => "orders",
            Self::Quotes => "quotes",
            Self::Tickets => "tickets",
            Self::Licences => "licences",
            Self::Documents => "documents",
            Self::Products => "products",
            Self::Payments => "payments",
        }
    }

    pub fn scoping(self) -> Scoping {
        match self {
            Self::Products => Scoping::Catalogue,
            Self::Payments => Scoping::Through(Self::Orders),
            _ => Scoping::Own,
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

impl Permission {
    /// The record kind this permission's data scope applies to, if it is about records.
    pub fn resource(self) -> Option<Resource> {
        let area = self.key().split_once('.').map_or("", |(area, _)| area);
        Resource::from_key(area)
    }
}

/// How much of a resource a role reaches. Ordered from narrowest to widest: when several roles
/// apply, the widest wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Records assigned to the person.
    Assigned,
    /// Records of the person's teams (and their own).
    Team,
    /// Records assigned to anyone in the person's department (and their own).
    Department,
    /// Every record of the workspace.
    All,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Self::All, Self::Department, Self::Team, Self::Assigned];

    pub fn key(self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::Team => "team",
            Self::Department => "department",
            Self::All => "all",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_dotted_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for p in Permission::ALL {
            assert!(seen.insert(p.key()), "duplicate key {}", p.key());
            let (area, action) = p.key().split_once('.').expect("area.action");
            assert!(!area.is_empty() && !action.is_empty());
            assert_eq!(Permission::from_key(p.key()), Some(*p));
            assert_eq!(
                serde_json::to_string(p).unwrap(),
                format!("\"{}\"", p.key())
            );
            assert!(!p.label().is_empty() && p.description().ends_with('.'));
        }
        assert_eq!(Permission::from_key("team.everything"), None);
    }

    #[test]
    fn permission_sets_hold_exactly_what_was_put_in() {
        let mut set = PermissionSet::default();
        assert!(set.is_empty());
        set.insert(Permission::AuditRead);
        set.insert(Permission::CustomersRead);
        assert!(set.contains(Permission::AuditRead) && set.contains(Permission::CustomersRead));
        assert!(!set.contains(Permission::CustomersWrite));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Permission::CustomersRead, Permission::AuditRead],
            "catalogue order"
        );
        assert_eq!(PermissionSet::all().iter().count(), Permission::ALL.len());
        let other: PermissionSet = [Permission::TeamRead].into_iter().collect();
        assert_eq!(set.union(other).iter().count(), 3);
    }

    #[test]
    fn record_permissions_know_their_resource_and_scopes_order_by_reach() {
        assert_eq!(
            Permission::CustomersExport.resource(),
            Some(Resource::Customers)
        );
        assert_eq!(Permission::TeamWrite.resource(), None);
        assert!(Scope::All > Scope::Department && Scope::Department > Scope::Team);
        assert!(Scope::Team > Scope::Assigned);
        for s in Scope::ALL {
            assert_eq!(Scope::from_key(s.key()), Some(s));
        }
        for r in Resource::ALL {
            assert_eq!(Resource::from_key(r.key()), Some(r));
        }
    }
}
