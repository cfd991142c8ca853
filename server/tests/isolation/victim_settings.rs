//! The victim workspace's settings and registers, each carrying a secret a stranger must never
//! read or change.

use app::permissions::keys::{AuditRead, SettingsWrite, TeamRead};
use app::server::access::reviews::campaigns::{self, CampaignForm};
use app::server::audit::alert_thresholds::{self, ThresholdsForm};
use app::server::platform::db::Db;
use app::server::platform::testing::Fixture;
use app::server::registers::incidents::{self, IncidentForm};

pub struct VictimSettings {
    pub ip_rule: String,
    pub staff: app::model::RoleId,
    pub incident: String,
    pub review: String,
    pub privacy_request: String,
    pub slug: String,
    pub api_key: String,
    pub public_key: String,
    pub integrations: Integrations,
}

/// The victim's integrations: a webhook endpoint with a secret description, a delivery of its
/// test event, and an automation with a secret name.
pub struct Integrations {
    pub endpoint: String,
    pub delivery: String,
    pub automation: String,
}

/// The integrations' tables the isolation snapshot compares.
pub const INTEGRATION_TABLES: &[&str] = &[
    "api_keys",
    "api_public_keys",
    "automations",
    "automation_runs",
    "automation_steps",
    "automation_rotations",
];

/// What the victim's settings hold: a deny rule with a secret note, a role granting a
/// sensitive key (its alert names it), all-day hours for Staff, its own alert thresholds and an
/// incident with a secret title and note, a retention policy, and an access review with a
/// secret name, a confirmed privacy request with secret details, an API key with a secret
/// name and a webhook endpoint with a secret description.
pub async fn victim_settings(db: &Db, f: &Fixture) -> VictimSettings {
    use app::server::workspace::{ip_rules, login_hours};
    let settings = f.grant::<SettingsWrite>().await;
    ip_rules::add(
        db,
        &f.clock,
        &settings,
        &ip_rules::NewRule {
            kind: "deny".into(),
            cidr: "203.0.113.0/24".into(),
            note: "A-NOTE-SECRET".into(),
            ..ip_rules::NewRule::default()
        },
        None,
    )
    .await
    .unwrap();
    let ip_rule = ip_rules::list(db, &settings).await.unwrap()[0].id.clone();
    // A role granting a sensitive key: its alert names it.
    let desk = app::server::access::role_editor::RoleDraft {
        name: "A-ROLE-SECRET".into(),
        permissions: vec!["customers.read".into(), "customers.sensitive".into()],
        ..Default::default()
    };
    let roles = f.grant::<app::permissions::keys::RolesWrite>().await;
    app::server::access::role_editor::create(db, &f.clock, &roles, &desk)
        .await
        .unwrap();
    let staff = f.role("Staff").await;
    login_hours::set(
        db,
        &f.clock,
        &settings,
        &login_hours::HoursForm {
            role_id: staff.as_str().into(),
            days: [true; 7],
            start: "00:00".into(),
            end: "24:00".into(),
        },
    )
    .await
    .unwrap();
    let thresholds = ThresholdsForm {
        account_burst: "4".into(),
        address_burst: "9".into(),
        refusal_burst: "3".into(),
    };
    alert_thresholds::set(db, &f.clock, &settings, &thresholds)
        .await
        .unwrap();
    let report = IncidentForm {
        title: "A-INCIDENT-SECRET".into(),
        severity: "high".into(),
        note: "A-INCIDENT-NOTE-SECRET".into(),
        ..IncidentForm::default()
    };
    incidents::report(db, &f.clock, &settings, &report)
        .await
        .unwrap();
    let incident = incidents::list(db, &f.grant::<AuditRead>().await)
        .await
        .unwrap()[0]
        .id
        .clone();
    app::server::registers::retention::set(db, &f.clock, &settings, "tickets", "400")
        .await
        .unwrap();
    let team = f.grant::<app::permissions::keys::TeamWrite>().await;
    let review = CampaignForm {
        name: "A-REVIEW-SECRET".into(),
        reviewers: vec![f.owner.as_str().to_owned()],
        ..CampaignForm::default()
    };
    campaigns::start(db, &f.clock, &team, &review)
        .await
        .unwrap();
    let review = campaigns::list(db, &f.clock, &f.grant::<TeamRead>().await)
        .await
        .unwrap()[0]
        .id
        .clone();
    let (privacy_request, slug) = privacy_request(db, f).await;
    let api_key = api_key(db, f, &staff).await;
    let public_key = public_key(db, f).await;
    let (endpoint, delivery) = webhook(db, f).await;
    let automation = automation(db, f, &staff).await;
    VictimSettings {
        ip_rule: ip_rule.to_string(),
        staff,
        incident,
        review,
        privacy_request,
        slug,
        api_key,
        public_key,
        integrations: Integrations {
            endpoint,
            delivery,
            automation,
        },
    }
}

/// An automation with a secret name that assigns new tickets to the Owner, acting as Staff.
async fn automation(db: &Db, f: &Fixture, staff: &app::model::RoleId) -> String {
    use app::server::integrations::automations::editing::{self, AutomationForm};
    let manage = f
        .grant::<app::permissions::keys::IntegrationsManage>()
        .await;
    let steps =
        serde_json::json!([{ "action": { "kind": "assign", "user_id": f.owner.as_str() } }]);
    let form = AutomationForm {
        name: "A-AUTOMATION-SECRET".into(),
        trigger: "ticket.create".into(),
        conditions: "[]".into(),
        steps: steps.to_string(),
        role_id: staff.as_str().into(),
        enabled: true,
    };
    let checked = editing::check(db, &f.clock, &manage, &form).await.unwrap();
    editing::create(db, &f.clock, &manage, checked)
        .await
        .unwrap()
        .as_str()
        .to_owned()
}

/// An endpoint the victim made, and the delivery of a test event to it.
async fn webhook(db: &Db, f: &Fixture) -> (String, String) {
    use app::server::identity::reauth::unsafe_assume_reauthenticated;
    use app::server::integrations::webhooks::targets::TargetPolicy;
    use app::server::integrations::webhooks::{deliveries, endpoints};
    let manage = f
        .grant::<app::permissions::keys::IntegrationsManage>()
        .await;
    let form = endpoints::EndpointForm {
        description: "A-WEBHOOK-SECRET".into(),
        events: vec!["*".into()],
    };
    let url = "https://a-webhook-secret.example/hooks";
    let checked = endpoints::check(&TargetPolicy::default(), url, &form).unwrap();
    let proof = unsafe_assume_reauthenticated(&f.owner);
    let made = endpoints::create(db, &f.clock, &manage, &proof, checked)
        .await
        .unwrap();
    let id = made.endpoint.id;
    deliveries::send_test(db, &f.clock, &manage, &id)
        .await
        .unwrap();
    let log = deliveries::log(db, &manage, &id).await.unwrap();
    (
        id.as_str().to_owned(),
        log.deliveries[0].id.as_str().to_owned(),
    )
}

/// A public key: its id.
async fn public_key(db: &Db, f: &Fixture) -> String {
    use app::server::integrations::api_keys::public::{self, PublicKeyForm};
    let manage = f
        .grant::<app::permissions::keys::IntegrationsManage>()
        .await;
    let form = PublicKeyForm {
        name: "A Public Key Secret".into(),
        ..PublicKeyForm::default()
    };
    let made = public::create(db, &f.clock, &manage, &form).await.unwrap();
    made.id.as_str().to_owned()
}

/// A key acting as Staff: its id.
async fn api_key(db: &Db, f: &Fixture, staff: &app::model::RoleId) -> String {
    use app::server::identity::reauth::unsafe_assume_reauthenticated;
    use app::server::integrations::api_keys::{self, KeyForm};
    let manage = f
        .grant::<app::permissions::keys::IntegrationsManage>()
        .await;
    let form = KeyForm {
        name: "A Key Secret".into(),
        role_id: staff.as_str().into(),
        ..KeyForm::default()
    };
    let checked = api_keys::check(db, &f.clock, &manage, &form).await.unwrap();
    let proof = unsafe_assume_reauthenticated(&f.owner);
    api_keys::create(db, &f.clock, &manage, &proof, checked)
        .await
        .unwrap()
        .key
        .id
        .as_str()
        .to_owned()
}

/// A privacy request filed through the victim's public form and confirmed: its id and the
/// form's slug.
async fn privacy_request(db: &Db, f: &Fixture) -> (String, String) {
    use app::server::audit::append::Origin;
    use app::server::privacy::public;
    let slug = public::slug_of(db, &f.grant::<TeamRead>().await)
        .await
        .unwrap();
    let form = public::workspace(db, &slug).await.unwrap();
    let submission = public::Submission {
        kind: "deletion".into(),
        name: "A Privacy Requester".into(),
        email: "requester-a@example.com".into(),
        details: "A-PRIVACY-SECRET".into(),
    };
    let sent = public::submit(db, &f.clock, &form, &submission, &Origin::default())
        .await
        .unwrap()
        .unwrap();
    public::confirm(db, &f.clock, &form, &sent.token, &Origin::default())
        .await
        .unwrap();
    let id = app::server::privacy::register::list(
        db,
        &f.clock,
        &f.grant::<app::permissions::keys::PrivacyRead>().await,
    )
    .await
    .unwrap()[0]
        .id
        .clone();
    (id, slug)
}
