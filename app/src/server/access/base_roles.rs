//! The four base roles every workspace is created with, and what each starts with. Apart from
//! the stored roles (`roles`) because the permission check (`grants`) needs them too.

use crate::permissions::{Permission, Scope};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseRole {
    Owner,
    Manager,
    Staff,
    Guest,
}

impl BaseRole {
    pub const ALL: [Self; 4] = [Self::Owner, Self::Manager, Self::Staff, Self::Guest];

    /// The value stored in `roles.base_role`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager => "manager",
            Self::Staff => "staff",
            Self::Guest => "guest",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Manager => "Manager",
            Self::Staff => "Staff",
            Self::Guest => "Guest",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Owner => "Full access, including billing. Cannot be edited or deleted.",
            Self::Manager => {
                "Manages users, teams, customers, orders and reports. No billing or subscription settings."
            }
            Self::Staff => "Works on the customers assigned to them. Read-only reports.",
            Self::Guest => "Read-only access to assigned records, without sensitive fields.",
        }
    }
}

impl BaseRole {
    /// What the role grants in a new workspace. The Owner role stores nothing: it holds every
    /// key, including keys added later. The others are starting points an admin can edit.
    pub fn default_permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::Owner => &[],
            Self::Manager => &[
                CustomersRead,
                CustomersWrite,
                CustomersDelete,
                CustomersExport,
                CustomersImport,
                CustomersSensitive,
                OrdersRead,
                OrdersWrite,
                OrdersProcess,
                OrdersRefund,
                OrdersCancel,
                PaymentsRead,
                ProductsRead,
                ProductsWrite,
                ProductsInventory,
                QuotesRead,
                QuotesWrite,
                TicketsRead,
                TicketsWrite,
                ReportsRead,
                ReportsCreate,
                AnalyticsRead,
                LicencesRead,
                DocumentsRead,
                DocumentsWrite,
                TeamRead,
                TeamWrite,
                RolesRead,
                RolesWrite,
                SettingsWrite,
                AuditRead,
            ],
            Self::Staff => &[
                CustomersRead,
                CustomersWrite,
                OrdersRead,
                OrdersWrite,
                ProductsRead,
                QuotesRead,
                QuotesWrite,
                TicketsRead,
                TicketsWrite,
                ReportsRead,
                DocumentsRead,
                DocumentsWrite,
                TeamRead,
            ],
            Self::Guest => &[
                CustomersRead,
                OrdersRead,
                ProductsRead,
                QuotesRead,
                TicketsRead,
                DocumentsRead,
            ],
        }
    }

    /// Whether the role starts allowed to export data and to act on many records at once.
    pub fn default_restrictions(self) -> (bool, bool) {
        match self {
            Self::Owner | Self::Manager => (true, true),
            Self::Staff | Self::Guest => (false, false),
        }
    }

    /// The data scope the role starts with for every resource.
    pub fn default_scope(self) -> Scope {
        match self {
            Self::Owner | Self::Manager => Scope::All,
            Self::Staff | Self::Guest => Scope::Assigned,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::Scope;

    #[test]
    fn base_roles_start_with_least_privilege_below_the_owner() {
        use Permission::*;
        assert!(
            BaseRole::Owner.default_permissions().is_empty(),
            "Owner holds all implicitly"
        );
        let guest = BaseRole::Guest.default_permissions();
        assert!(
            guest.iter().all(|p| p.key().ends_with(".read")),
            "Guest is read-only"
        );
        assert!(
            !guest.contains(&CustomersSensitive),
            "Guest sees no sensitive fields"
        );
        assert!(!BaseRole::Manager
            .default_permissions()
            .contains(&BillingManage));
        assert!(!BaseRole::Staff.default_permissions().contains(&TeamWrite));
        assert_eq!(BaseRole::Staff.default_scope(), Scope::Assigned);
    }
}
