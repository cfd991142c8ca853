//! Automations: a record's change or a schedule (and conditions on the record) starts an
//! ordered list of steps — assign to a member or round robin within a team, move a ticket to a
//! status, tag a customer, open a ticket, send a mail from a template ([`mail`]), send to a
//! webhook endpoint. Runs are written with the change ([`trigger`]) or once per period
//! ([`schedule`]), run by a worker under the automation's own role, never beyond its author's access ([`runner`], [`actions`]),
//! logged step by step and recorded in the trail; an automation's changes start runs one
//! deeper, and loops are cut at a depth of three. Managed by holders of `integrations.manage`
//! ([`editing`], [`view`]).

pub mod actions;
pub mod conditions;
pub mod editing;
pub mod mail;
pub mod rotation;
pub mod runner;
pub mod schedule;
pub mod step;
pub mod subjects;
pub mod trigger;
pub mod view;
