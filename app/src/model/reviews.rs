//! Access reviews, as their pages show them.

use serde::{Deserialize, Serialize};

use super::RoleOption;

/// One campaign in the list, with how far its review has come.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub id: String,
    pub number: i64,
    pub name: String,
    /// The roles reviewed, by name; empty: every role.
    pub scope: Vec<String>,
    /// `YYYY-MM-DD`, in the workspace's time zone.
    pub due_on: String,
    /// `open` or `closed`.
    pub status: String,
    /// Open and past its due day.
    pub overdue: bool,
    pub started_by: Option<String>,
    pub started_at_ms: i64,
    pub closed_by: Option<String>,
    pub closed_at_ms: Option<i64>,
    /// Assignments under review, how many have a decision, how many of those are "revoke".
    pub items: i64,
    pub decided: i64,
    pub revoke: i64,
}

/// The campaigns page: the newest campaigns and what a new one may cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewsView {
    pub reviews: Vec<ReviewSummary>,
    pub roles: Vec<RoleOption>,
    /// The members a new campaign may name as its reviewers (the holders of `team.write`).
    pub reviewers: Vec<ReviewerOption>,
    /// The caller may start, decide and close (`team.write`).
    pub editable: bool,
    /// The due day a new campaign gets unless another is chosen.
    pub default_due_on: String,
}

/// One role assignment under review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub role_id: String,
    pub role_name: String,
    /// The labels of the keys the role gave when the campaign began.
    pub keys: Vec<String>,
    /// `keep`, `revoke`, or none yet.
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    /// Once closed: what became of it, in words.
    pub outcome: Option<String>,
}

/// One person under review, with each role they held when the campaign began.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPerson {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub last_sign_in_ms: Option<i64>,
    /// The caller: nobody decides on their own access.
    pub is_you: bool,
    pub items: Vec<ReviewItem>,
}

/// A campaign's page: its people and, once closed, its report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDetail {
    pub summary: ReviewSummary,
    pub people: Vec<ReviewPerson>,
    pub editable: bool,
    /// The reviewers named when it started, by name; empty: any holder of `team.write`.
    pub reviewers: Vec<String>,
    /// The caller decides its items: a named reviewer, or anyone when none are named.
    pub may_decide: bool,
}

/// A member a campaign may name as a reviewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerOption {
    pub id: String,
    pub name: String,
}
