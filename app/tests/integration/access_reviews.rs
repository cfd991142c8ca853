//! Access reviews against real SQLite and PostgreSQL: a campaign snapshots the active members'
//! assignments in scope; decisions change nothing until it closes; closing revokes in one go,
//! keeps each outcome as the report and records it all in the trail; the last Owner keeps the
//! Owner role; nobody decides on their own access; a campaign that names its reviewers is
//! decided and reminded to them alone; reminders go once a day near the due day;
//! another workspace neither sees nor touches a campaign.

use std::time::Duration;

use app::model::{ReviewDetail, UserId};
use app::permissions::keys::{TeamRead, TeamWrite};
use app::server::access::assignments;
use app::server::access::grants::{self, Grant};
use app::server::access::reviews::campaigns::{self, CampaignForm};
use app::server::access::reviews::closing::{self, Tally};
use app::server::access::reviews::decisions::{self, Decision};
use app::server::access::reviews::reminders;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::mail::Mailer;
use app::server::platform::testing::{backends, received_mails, smtp_server, Fixture};
use app::server::workspace::members;

use crate::support::message;

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;
const DAY: Duration = Duration::from_secs(86_400);

fn campaign(name: &str, roles: Vec<String>, due_on: &str) -> CampaignForm {
    CampaignForm {
        name: name.into(),
        roles,
        reviewers: Vec::new(),
        due_on: due_on.into(),
    }
}

async fn held_roles(f: &Fixture, who: &UserId) -> Vec<String> {
    let read = f.grant::<TeamRead>().await;
    members::list(&f.db, &f.clock, &read, None)
        .await
        .unwrap()
        .into_iter()
        .find(|m| &m.user_id == who)
        .map(|m| m.roles.into_iter().map(|r| r.name).collect())
        .unwrap_or_default()
}

async fn detail(f: &Fixture, id: &str) -> ReviewDetail {
    let read = f.grant::<TeamRead>().await;
    campaigns::detail(&f.db, &f.clock, &read, id).await.unwrap()
}

/// Who is under review, as "name: role" pairs.
fn under_review(d: &ReviewDetail) -> Vec<String> {
    d.people
        .iter()
        .flat_map(|p| {
            p.items
                .iter()
                .map(move |i| format!("{}: {}", p.name, i.role_name))
        })
        .collect()
}

async fn id_of(f: &Fixture, number: i64) -> String {
    let read = f.grant::<TeamRead>().await;
    campaigns::list(&f.db, &f.clock, &read)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.number == number)
        .unwrap()
        .id
}

async fn decide(
    f: &Fixture,
    by: &Grant<TeamWrite>,
    review: &str,
    who: &UserId,
    role: &str,
    d: Decision,
) -> Result<(), DomainError> {
    let role = f.role(role).await;
    decisions::decide(&f.db, &f.clock, by, review, who, role.as_str(), d).await
}

#[tokio::test]
async fn a_review_revokes_when_it_closes_and_keeps_its_report() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<TeamWrite>().await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let linus = f
            .add_member("linus@example.com", "Linus Torvalds", "Manager")
            .await;
        let gone = f
            .add_member("barbara@example.com", "Barbara Liskov", "Staff")
            .await;
        members::deactivate(&f.db, &f.clock, &write, &gone)
            .await
            .unwrap();

        // Bad fields are named and nothing is written.
        let before = t
            .row_counts(&["access_reviews", "access_review_items", "audit_log"])
            .await;
        for (form, expected) in [
            (campaign(" ", vec![], ""), "name: Name the review"),
            (
                campaign("Q4", vec![], "2026-11-23"),
                "due_on: Choose a due day",
            ),
            (
                campaign("Q4", vec!["not-a-role".into()], ""),
                "roles: Choose roles of this",
            ),
        ] {
            let e = campaigns::start(&f.db, &f.clock, &write, &form)
                .await
                .unwrap_err();
            assert!(message(e).starts_with(expected), "{label}: {expected}");
        }
        assert_eq!(
            t.row_counts(&["access_reviews", "access_review_items", "audit_log"])
                .await,
            before,
            "{label}"
        );

        // Scoped to Staff: Grace only (Barbara is deactivated; Ada and Linus hold other roles).
        let staff = f.role("Staff").await.as_str().to_owned();
        let n = campaigns::start(&f.db, &f.clock, &write, &campaign("Staff", vec![staff], ""))
            .await
            .unwrap();
        assert_eq!(n, 1, "{label}");
        let first = detail(&f, &id_of(&f, 1).await).await;
        assert_eq!(under_review(&first), ["Grace Hopper: Staff"], "{label}");
        assert_eq!(
            first.summary.due_on, "2026-12-08",
            "{label}: two weeks by default"
        );
        assert!(
            !first.people[0].items[0].keys.is_empty(),
            "{label}: the role's keys are shown"
        );

        // Everyone: each active member's roles.
        campaigns::start(
            &f.db,
            &f.clock,
            &write,
            &campaign("Everyone", vec![], "2026-12-01"),
        )
        .await
        .unwrap();
        let id = id_of(&f, 2).await;
        assert_eq!(
            under_review(&detail(&f, &id).await),
            [
                "Ada Lovelace: Owner",
                "Grace Hopper: Staff",
                "Linus Torvalds: Manager"
            ],
            "{label}"
        );

        // Nobody decides on their own access; decisions change nothing until the close.
        let own = decide(&f, &write, &id, &f.owner, "Owner", Decision::Keep)
            .await
            .unwrap_err();
        assert!(
            message(own).contains("Someone else reviews your own access"),
            "{label}"
        );
        decide(&f, &write, &id, &grace, "Staff", Decision::Revoke)
            .await
            .unwrap();
        decide(&f, &write, &id, &linus, "Manager", Decision::Revoke)
            .await
            .unwrap();
        decide(&f, &write, &id, &linus, "Manager", Decision::Keep)
            .await
            .unwrap();
        let wrong_role = decide(&f, &write, &id, &grace, "Manager", Decision::Keep).await;
        assert!(matches!(wrong_role, Err(DomainError::NotFound)), "{label}");
        assert_eq!(held_roles(&f, &grace).await, ["Staff"], "{label}: not yet");
        let d = detail(&f, &id).await;
        assert_eq!((d.summary.decided, d.summary.revoke), (2, 1), "{label}");

        // Closing applies the revocation, reports every outcome, and is final.
        let tally = closing::close(&f.db, &f.clock, &write, &id).await.unwrap();
        let expected = Tally {
            kept: 1,
            not_reviewed: 1,
            revoked: 1,
            not_applied: 0,
        };
        assert_eq!(tally, expected, "{label}");
        assert!(held_roles(&f, &grace).await.is_empty(), "{label}");
        assert_eq!(held_roles(&f, &linus).await, ["Manager"], "{label}");
        let report = detail(&f, &id).await;
        let outcomes: Vec<_> = report
            .people
            .iter()
            .map(|p| (p.name.as_str(), p.items[0].outcome.clone().unwrap()))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("Ada Lovelace", "Not reviewed: kept".to_owned()),
                ("Grace Hopper", "Revoked".to_owned()),
                ("Linus Torvalds", "Kept".to_owned()),
            ],
            "{label}"
        );
        assert_eq!(report.summary.status, "closed", "{label}");
        let again = closing::close(&f.db, &f.clock, &write, &id)
            .await
            .unwrap_err();
        assert!(message(again).contains("already closed"), "{label}");
        let late = decide(&f, &write, &id, &linus, "Manager", Decision::Revoke)
            .await
            .unwrap_err();
        assert!(message(late).contains("closed"), "{label}");

        // The first campaign's snapshot still shows Grace's Staff role; closing it finds it gone.
        let first_id = id_of(&f, 1).await;
        decide(&f, &write, &first_id, &grace, "Staff", Decision::Revoke)
            .await
            .unwrap();
        let tally = closing::close(&f.db, &f.clock, &write, &first_id)
            .await
            .unwrap();
        assert_eq!(tally.not_applied, 1, "{label}");
        assert_eq!(
            detail(&f, &first_id).await.people[0].items[0]
                .outcome
                .as_deref(),
            Some("Already removed before the review closed"),
            "{label}"
        );

        let trail = t
            .strings(
                "SELECT action FROM audit_log WHERE action LIKE 'access_review.%' \
                 OR action = 'role.unassign' ORDER BY seq",
            )
            .await;
        assert_eq!(
            trail,
            [
                "access_review.start",
                "access_review.start",
                "access_review.decide",
                "access_review.decide",
                "access_review.decide",
                "role.unassign",
                "access_review.close",
                "access_review.decide",
                "access_review.close",
            ],
            "{label}"
        );

        // Another workspace neither sees nor touches the campaign.
        let other = f.other_workspace("Difference Engines").await;
        let there_read = grants::require::<TeamRead>(&f.db, &f.clock, &f.owner, &other)
            .await
            .unwrap();
        let there = grants::require::<TeamWrite>(&f.db, &f.clock, &f.owner, &other)
            .await
            .unwrap();
        assert!(
            campaigns::list(&f.db, &f.clock, &there_read)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        let seen = campaigns::detail(&f.db, &f.clock, &there_read, &id).await;
        assert!(matches!(seen, Err(DomainError::NotFound)), "{label}");
        let staff = f.role("Staff").await;
        let touched = decisions::decide(
            &f.db,
            &f.clock,
            &there,
            &id,
            &grace,
            staff.as_str(),
            Decision::Keep,
        )
        .await;
        assert!(matches!(touched, Err(DomainError::NotFound)), "{label}");
        let closed = closing::close(&f.db, &f.clock, &there, &id).await;
        assert!(matches!(closed, Err(DomainError::NotFound)), "{label}");
    }
}

#[tokio::test]
async fn the_last_owner_keeps_the_owner_role_through_a_review() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<TeamWrite>().await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let linus = f
            .add_member("linus@example.com", "Linus Torvalds", "Manager")
            .await;
        let owner = f.role("Owner").await;
        assignments::assign(&f.db, &f.clock, &write, &grace, &owner, "")
            .await
            .unwrap();
        let grace_write = grants::require::<TeamWrite>(&f.db, &f.clock, &grace, &f.workspace)
            .await
            .unwrap();
        let scope = vec![owner.as_str().to_owned()];
        campaigns::start(&f.db, &f.clock, &write, &campaign("Owners", scope, ""))
            .await
            .unwrap();
        let id = id_of(&f, 1).await;
        // Each Owner marks the other's Owner role for revocation: one of them must stay.
        decide(&f, &write, &id, &grace, "Owner", Decision::Revoke)
            .await
            .unwrap();
        decide(&f, &grace_write, &id, &f.owner, "Owner", Decision::Revoke)
            .await
            .unwrap();
        let tally = closing::close(&f.db, &f.clock, &write, &id).await.unwrap();
        assert_eq!((tally.revoked, tally.not_applied), (1, 1), "{label}");
        // Read by a Manager: whichever Owner lost the role may read nothing now.
        let manager = grants::require::<TeamRead>(&f.db, &f.clock, &linus, &f.workspace)
            .await
            .unwrap();
        let outcomes: Vec<String> = campaigns::detail(&f.db, &f.clock, &manager, &id)
            .await
            .unwrap()
            .people
            .iter()
            .map(|p| p.items[0].outcome.clone().unwrap())
            .collect();
        assert!(
            outcomes.contains(&"Not revoked: the last Owner keeps the Owner role".to_owned()),
            "{label}: {outcomes:?}"
        );
        let owners = t
            .strings(&format!(
                "SELECT a.user_id FROM role_assignments a JOIN roles r ON r.id = a.role_id \
                 WHERE r.base_role = 'owner' AND a.workspace_id = '{}'",
                f.workspace.as_str()
            ))
            .await;
        assert_eq!(owners.len(), 1, "{label}: {owners:?}");
    }
}

/// The mails naming `site`, decoded as a mail client would.
fn read_as_sent(maildir: &std::path::Path, site: &str) -> Vec<String> {
    received_mails(maildir, site)
        .iter()
        .map(|m| {
            let decoded =
                quoted_printable::decode(m.as_bytes(), quoted_printable::ParseMode::Robust);
            String::from_utf8(decoded.unwrap()).unwrap()
        })
        .collect()
}

async fn remind(f: &Fixture, mailer: &Mailer, site: &str) -> u32 {
    reminders::send_due(&f.db, &f.clock, mailer, site)
        .await
        .unwrap()
}

#[tokio::test]
async fn open_reviews_near_their_due_day_remind_the_reviewers_once_a_day() {
    let Some((url, maildir)) = smtp_server() else {
        eprintln!("no test SMTP server in this run; skipped");
        return;
    };
    let sender: lettre::message::Mailbox = "Gatehouse <no-reply@gatehouse.test>".parse().unwrap();
    let mailer = Mailer::smtp(&url, sender.clone()).unwrap();
    let unreachable = Mailer::smtp("smtp://127.0.0.1:9", sender).unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<TeamWrite>().await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        // Short and unique to this run, so quoted-printable keeps it whole on the link's line.
        let site = format!(
            "http://{}.test",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );

        campaigns::start(
            &f.db,
            &f.clock,
            &write,
            &campaign("Q4", vec![], "2026-11-29"),
        )
        .await
        .unwrap();
        let id = id_of(&f, 1).await;
        assert_eq!(
            remind(&f, &mailer, &site).await,
            0,
            "{label}: five days ahead"
        );
        clock.advance(DAY * 3);
        assert_eq!(
            remind(&f, &unreachable, &site).await,
            0,
            "{label}: not sent, released"
        );
        assert_eq!(
            remind(&f, &mailer, &site).await,
            1,
            "{label}: two days ahead"
        );
        assert_eq!(remind(&f, &mailer, &site).await, 0, "{label}: once a day");
        let link = format!("{site}/team/reviews/{id}");
        let mails = read_as_sent(&maildir, &site);
        assert!(
            mails.iter().all(|m| m.contains(&link)),
            "{label}: {mails:?}"
        );
        assert_eq!(mails.len(), 1, "{label}");
        assert!(
            mails[0].contains("ada@example.com"),
            "{label}: to the reviewer"
        );
        assert!(
            !mails[0].contains("grace@example.com"),
            "{label}: Staff do not review"
        );

        clock.advance(DAY * 3);
        assert_eq!(
            remind(&f, &mailer, &site).await,
            1,
            "{label}: overdue, the next day"
        );
        decide(&f, &write, &id, &grace, "Staff", Decision::Keep)
            .await
            .unwrap();
        clock.advance(DAY);
        assert_eq!(
            remind(&f, &mailer, &site).await,
            1,
            "{label}: Ada's own role is still undecided"
        );
        closing::close(&f.db, &f.clock, &write, &id).await.unwrap();
        clock.advance(DAY);
        assert_eq!(remind(&f, &mailer, &site).await, 0, "{label}: closed");
        assert_eq!(read_as_sent(&maildir, &site).len(), 3, "{label}");
    }
}

#[tokio::test]
async fn named_reviewers_alone_decide_their_review_and_get_its_reminders() {
    let smtp = smtp_server();
    let sender: lettre::message::Mailbox = "Gatehouse <no-reply@gatehouse.test>".parse().unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<TeamWrite>().await;
        let mary = f
            .add_member("mary@example.com", "Mary Somerville", "Manager")
            .await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;

        // Only holders of team.write may be named: Grace is Staff. Nothing is saved.
        let before = t
            .row_counts(&["access_reviews", "access_review_reviewers"])
            .await;
        let mut form = campaign("Named", vec![], "2026-11-29");
        form.reviewers = vec![grace.as_str().to_owned()];
        let e = campaigns::start(&f.db, &f.clock, &write, &form)
            .await
            .unwrap_err();
        assert!(message(e).starts_with("reviewers: "), "{label}");
        assert_eq!(
            t.row_counts(&["access_reviews", "access_review_reviewers"])
                .await,
            before,
            "{label}"
        );

        form.reviewers = vec![mary.as_str().to_owned(), format!(" {} ", mary.as_str())];
        campaigns::start(&f.db, &f.clock, &write, &form)
            .await
            .unwrap();
        let id = id_of(&f, 1).await;
        let seen = detail(&f, &id).await;
        assert_eq!(seen.reviewers, ["Mary Somerville"], "{label}");
        assert!(!seen.may_decide, "{label}: Ada started it but is not named");

        // Ada holds team.write, yet the review is Mary's to decide.
        let e = decide(&f, &write, &id, &grace, "Staff", Decision::Revoke)
            .await
            .unwrap_err();
        assert_eq!(
            message(e),
            "conflict: Only this review's reviewers decide it: Mary Somerville.",
            "{label}"
        );
        let marys = grants::require::<TeamWrite>(&f.db, &f.clock, &mary, &f.workspace)
            .await
            .unwrap();
        decide(&f, &marys, &id, &grace, "Staff", Decision::Revoke)
            .await
            .unwrap();
        let decided = detail(&f, &id).await;
        let grace_item = decided
            .people
            .iter()
            .find(|p| p.user_id == grace.as_str())
            .unwrap();
        assert_eq!(grace_item.items[0].decision.as_deref(), Some("revoke"));
        assert_eq!(
            grace_item.items[0].decided_by.as_deref(),
            Some("Mary Somerville")
        );
        let started = t
            .strings("SELECT after_state FROM audit_log WHERE action = 'access_review.start'")
            .await;
        assert!(
            started[0].contains("\"reviewers\":[\"Mary Somerville\"]"),
            "{label}: {started:?}"
        );

        // Its reminder goes to Mary, not to Ada.
        if let Some((url, maildir)) = &smtp {
            let mailer = Mailer::smtp(url, sender.clone()).unwrap();
            let site = format!(
                "http://{}.test",
                &uuid::Uuid::new_v4().simple().to_string()[..12]
            );
            clock.advance(DAY * 4);
            assert_eq!(remind(&f, &mailer, &site).await, 1, "{label}");
            let mails = read_as_sent(maildir, &site);
            assert_eq!(mails.len(), 1, "{label}");
            assert!(mails[0].contains("mary@example.com"), "{label}");
            assert!(!mails[0].contains("ada@example.com"), "{label}");
        }
    }
}
