//! Who may do what: roles and their contents, the checks that hand out grants, the guardrails of the role editor, assignments, segregation of duties, access reviews, explanations, and the audit log of access changes.

pub mod assignments;
pub mod audit;
pub mod base_roles;
pub mod combined;
pub mod expiry;
pub mod explain;
pub mod grants;
pub mod refusals;
pub mod reviews;
pub mod role_deletion;
pub mod role_draft;
pub mod role_editor;
pub mod role_loading;
pub mod roles;
pub mod sod;
