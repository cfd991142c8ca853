//! Automations — a trigger, conditions on the record, ordered steps — and their run log, as
//! the automations page shows them. The rule shapes ([`Condition`], [`Step`]) are also what
//! the page sends back (as JSON) and what the server keeps.

use serde::{Deserialize, Serialize};

use super::RoleOption;

id_type!(
    /// An automation of a workspace.
    AutomationId
);
id_type!(
    /// One run of an automation.
    AutomationRunId
);

#[cfg(feature = "ssr")]
client_ids!(AutomationId, AutomationRunId);

/// How a condition compares a field of the record with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    Is,
    IsNot,
    Contains,
    IsEmpty,
    IsNotEmpty,
}

impl ConditionOp {
    pub const ALL: [Self; 5] = [
        Self::Is,
        Self::IsNot,
        Self::Contains,
        Self::IsEmpty,
        Self::IsNotEmpty,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Is => "is",
            Self::IsNot => "is_not",
            Self::Contains => "contains",
            Self::IsEmpty => "is_empty",
            Self::IsNotEmpty => "is_not_empty",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Is => "is",
            Self::IsNot => "is not",
            Self::Contains => "contains",
            Self::IsEmpty => "is empty",
            Self::IsNotEmpty => "is not empty",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.key() == key)
    }

    /// Whether the comparison needs a value.
    pub fn takes_value(self) -> bool {
        matches!(self, Self::Is | Self::IsNot | Self::Contains)
    }
}

/// One condition: every condition of an automation must hold for it to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub op: ConditionOp,
    #[serde(default)]
    pub value: String,
}

/// What one step does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Assign the record to one member.
    Assign { user_id: String },
    /// Assign the record to the team's active members in turn, and to the team.
    RoundRobin { team_id: String },
    /// Send the record's event to one webhook endpoint.
    CallWebhook { endpoint_id: String },
    /// Move a ticket to a status (`resolved`), where its status allows.
    SetStatus { status: String },
    /// Put a tag on a customer (one that has it keeps it).
    AddTag { tag: String },
    /// Open a ticket for the customer (a ticket's: its customer), unassigned.
    CreateTicket { subject: String },
    /// Send a mail from a template: `{{field}}` stands for the record's field. `to` is
    /// [`MAIL_TO_CUSTOMER`], [`MAIL_TO_ASSIGNEE`] or a member's id.
    SendMail {
        to: String,
        subject: String,
        body: String,
    },
}

/// A mail step's recipient: the record's customer (a ticket's: its customer's address).
pub const MAIL_TO_CUSTOMER: &str = "customer";
/// A mail step's recipient: the member the record is assigned to.
pub const MAIL_TO_ASSIGNEE: &str = "assignee";

impl Action {
    pub fn key(&self) -> &'static str {
        match self {
            Self::Assign { .. } => "assign",
            Self::RoundRobin { .. } => "round_robin",
            Self::CallWebhook { .. } => "call_webhook",
            Self::SetStatus { .. } => "set_status",
            Self::AddTag { .. } => "add_tag",
            Self::CreateTicket { .. } => "create_ticket",
            Self::SendMail { .. } => "send_mail",
        }
    }
}

/// One step of an automation, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub action: Action,
    /// Whether the run goes on when this step fails (else it stops there).
    #[serde(default)]
    pub continue_on_failure: bool,
}

/// A choice offered by the page: an id and what it is called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedChoice {
    pub id: String,
    pub name: String,
}

/// One automation in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationSummary {
    pub id: AutomationId,
    pub name: String,
    /// The event that starts it (`ticket.create`), or its schedule (`ticket.every_day`).
    pub trigger: String,
    pub conditions: Vec<Condition>,
    pub steps: Vec<Step>,
    pub role_id: String,
    pub role: String,
    pub author: String,
    pub enabled: bool,
    pub version: i64,
    pub last_run_at_ms: Option<i64>,
    pub last_run_status: Option<String>,
}

/// The automations page: the workspace's automations and what a form may choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationsView {
    pub automations: Vec<AutomationSummary>,
    /// The events that may start one.
    pub triggers: Vec<NamedChoice>,
    /// For each trigger's record kind, the fields a condition may test.
    pub fields: Vec<NamedChoice>,
    /// The roles the caller may give an automation: none beyond their own.
    pub roles: Vec<RoleOption>,
    pub members: Vec<NamedChoice>,
    pub teams: Vec<NamedChoice>,
    pub endpoints: Vec<NamedChoice>,
    /// The statuses a step may move a ticket to.
    pub statuses: Vec<NamedChoice>,
}

/// One step of one run, as it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationRunStep {
    pub position: i64,
    pub action: String,
    /// `done`, `failed` or `skipped`.
    pub outcome: String,
    pub detail: String,
}

/// One run of an automation, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationRun {
    pub id: AutomationRunId,
    pub event_type: String,
    pub record_id: String,
    /// The record's page, while its kind is one automations act on.
    pub record_href: Option<String>,
    /// How many automations' changes led to it (1: a person's change).
    pub depth: i64,
    /// `pending`, `running`, `succeeded`, `failed` or `cut` (a loop stopped at its depth).
    pub status: String,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub steps: Vec<AutomationRunStep>,
    /// Where each mail its steps wrote is, in words.
    pub mails: Vec<String>,
}
